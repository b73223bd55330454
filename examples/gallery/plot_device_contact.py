"""
Contact vs Kapitza resistance
=============================

The Cooper-Mikic-Yovanovich conductance of two rough steel-like surfaces pressed together against the intrinsic
Kapitza resistance of Al/Si (DMM at 300 K): at any real pressure the contact dominates.
The same as ``kapitza device contact``.
"""

# %%
import numpy as np

from kapitza.devices.contact import contact_vs_kapitza
from kapitza.plotting.devices.cryogenic import contact_figure

res = contact_vs_kapitza(
    np.geomspace(1e4, 1e8, 60), resistance="dmm:Al/Si", conductivity1=16.0, conductivity2=16.0,
    roughness1=1e-6, roughness2=1e-6, slope1=0.1, slope2=0.1, hardness=3e9,
)  # fmt: skip
print(f"R_K = {res.kapitza_resistance:.4g} m^2 K/W")
for i in (0, len(res.pressure) - 1):
    print(f"P = {res.pressure[i]:.3g} Pa: h_c = {res.contact_conductance[i]:.4g} W/m^2/K ({res.dominant[i]} dominates)")
print(f"crossover pressure {res.crossover_pressure:.4g} Pa")

# %%
fig = contact_figure(res)
