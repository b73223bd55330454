"""
A polycrystal
=============

Grains of 100 nm of Si with a grain-boundary resistance of 1e-9 m^2 K/W: k_eff = k0 / (1 + k0 R / d).
The same as ``kapitza device polycrystal --k0 Si --grain 100nm -R 1e-9``.
"""

# %%
from kapitza.devices.polycrystal import polycrystal
from kapitza.plotting.devices.media import polycrystal_figure

res = polycrystal("Si", 100e-9, 1e-9)
print(f"k0 = {res.bulk_conductivity:.4g} W/m/K; Kapitza length k0 R = {res.kapitza_length * 1e9:.4g} nm")
print(f"k_eff = {res.effective_conductivity:.4g} W/m/K; boundaries carry {100 * res.boundary_share:.3g} %")

# %%
fig = polycrystal_figure(res)
