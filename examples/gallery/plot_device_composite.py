"""
A nanocomposite
===============

Particles (k = 100 W/m/K, radius 50 nm, 20 % by volume) in a matrix (k = 10 W/m/K) with a boundary resistance of
1e-8 m^2 K/W (Nan et al. 1997): below the critical radius the particles lower the conductivity.
The same as ``kapitza device composite --km 10 --kp 100 -R 1e-8 --radius 50nm -f 0.2``.
"""

# %%
from kapitza.devices.composite import composite
from kapitza.plotting.devices.media import composite_figure

res = composite(10.0, 100.0, 1e-8, radius=50e-9, volume_fraction=0.2)
print(f"Kapitza radius {res.kapitza_radius * 1e9:.4g} nm; critical radius {res.critical_radius * 1e9:.4g} nm")
print(f"k_eff = {res.effective_conductivity:.4g} W/m/K (k_eff/k_m = {res.ratio:.4g})")
print(f"without R (Maxwell-Garnett) {res.maxwell_garnett:.4g} W/m/K")

# %%
fig = composite_figure(res)
