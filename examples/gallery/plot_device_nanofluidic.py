"""
A nanofluidic heat exchanger
============================

Water in 50 nm channels on both sides of a 20 nm SiO2 wall, with a solid-liquid boundary resistance of
1e-8 m^2 K/W per side: 1/U = 1/h_1 + R_1 + t_w/k_w + R_2 + 1/h_2. The same as ``kapitza device nanofluidic``.
"""

# %%
import numpy as np

from kapitza.devices.nanofluidic import exchanger_sweep, nanofluidic_exchanger
from kapitza.plotting.devices.applications import nanofluidic_figure

kw = dict(fluid_conductivity=0.6, wall_thickness=20e-9, wall_conductivity=1.4, resistance=1e-8)
ex = nanofluidic_exchanger(50e-9, **kw)
print(f"h = {ex.h_1:.4g} W/m^2K per side")
print(f"U = {ex.U:.4g} W/m^2K ({ex.U_without_interfaces:.4g} without the interfaces)")
for name, term, share in zip(ex.term_names, ex.terms, ex.shares):
    print(f"  {name:12s} {term:.4g} m^2K/W ({100 * share:.3g} % of 1/U)")
print(f"interfaces weigh as much as convection below H* = {ex.crossover_height * 1e9:.4g} nm")

# %%
fig = nanofluidic_figure(exchanger_sweep(np.geomspace(1e-9, 1e-5, 121), **kw))
