"""
A thermoelectric leg
====================

Device ZT of a Bi2Te3-like leg (ZT 1, k 1.5 W/m/K, rho 1e-5 Ohm m, rho_c 1e-10 Ohm m^2 per end) with three thermal
contact resistances, against the leg length. The same as ``kapitza device thermoelectric``.
"""

# %%
import numpy as np

from kapitza.devices.thermoelectric import thermoelectric_leg
from kapitza.plotting.devices.applications import thermoelectric_figure

common = dict(zt=1.0, resistivity=1e-5, contact_resistivity=1e-10, conductivity=1.5)
for r in (1e-8, 1e-6, 1e-5):
    leg = thermoelectric_leg(1e-3, resistance=r, **common)
    print(
        f"R_K = {r:g} m^2 K/W: ZT_device at 1 mm = {float(leg.zt_device[0]):.4g}; "
        f"leg keeping 90 % of ZT {leg.length_for_fraction * 1e6:.4g} um"
    )

# %%
grid = np.geomspace(1e-7, 1e-1, 121)
fig = thermoelectric_figure([thermoelectric_leg(grid, resistance=r, **common) for r in (1e-8, 1e-6, 1e-5)])
