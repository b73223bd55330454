"""
A chip in liquid helium
=======================

A 1 cm^2 chip, 0.5 mm thick, dissipating 10 mW into a 1.5 K helium bath through R_K(T) = 2e-3 (T/1 K)^-3 m^2 K/W
(the T^-3 law of a solid in liquid helium), with a superconductor's T_c = 2 K.
The same as ``kapitza device cryogenic --tc 2``.
"""

# %%
import numpy as np

from kapitza.devices.cryogenic import chip_in_helium, chip_sweep
from kapitza.plotting.devices.cryogenic import cryogenic_figure

kw = dict(
    area=1e-4, thickness=5e-4, conductivity=5.0, resistance="power:2e-3,1,3", bath_temperature=1.5,
    critical_temperature=2.0,
)  # fmt: skip
res = chip_in_helium(0.01, law="t4", **kw)
print(f"R_K(T_He) = {res.resistance_at_bath:.4g} m^2 K/W; q = {res.heat_flux:.4g} W/m^2")
print(f"cooled face {res.surface_temperature:.6g} K (linear law {res.linear_surface_temperature:.6g} K)")
print(f"top face {res.top_temperature:.6g} K; interface takes {100 * res.interface_share:.3g} % of the rise")
print(f"T_c is reached at P = {res.critical_power:.4g} W")

# %%
fig = cryogenic_figure(chip_sweep(np.geomspace(1e-4, 1.0, 60), law="t4", **kw))
