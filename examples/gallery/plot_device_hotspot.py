"""
A hot spot under a transistor gate
==================================

Finite elements (scikit-fem) under a 1 um gate dissipating 5 W/mm on 2 um of GaN on 100 um of 4H-SiC, with the
GaN/SiC boundary resistance swept. A coarse mesh (``resolution=4``) keeps this page fast; the printed mesh-error
estimate says how coarse. Needs ``pip install 'kapitza[devices]'``.
"""

# %%
import logging

from kapitza.devices.hotspot import hotspot, hotspot_sweep
from kapitza.plotting.devices.hotspot import hotspot_figure

# scikit-fem reports every assembly step at INFO level; keep the page to the numbers.
logging.getLogger("skfem").setLevel(logging.WARNING)

layers = [("GaN", 2e-6), ("4H-SiC", 100e-6)]
common = dict(source_width=1e-6, power=5e3, resolution=4)
res = hotspot(layers, [3e-8], **common)
print(f"peak rise {res.peak_temperature_rise:.4g} K (mesh error ~{res.peak_error_estimate:.2g} K) at R = 3e-8 m^2 K/W")
print(f"jump at the interface under the gate {res.interface_jumps[0]:.4g} K")
print(f"1D stack estimate with the gate flux {res.stack_1d_rise:.4g} K, {1 / res.spreading_ratio:.3g} x the FEM peak")

sweep = hotspot_sweep(layers, [3e-8], sweep_resistances=[0.0, 1e-8, 3e-8, 5e-8], **common)
for r, rise in zip(sweep.values, sweep.peak_temperature_rise):
    print(f"R = {r:7.2g} m^2 K/W: peak rise {rise:.4g} K")

# %%
fig = hotspot_figure(res, sweep)
