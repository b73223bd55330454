"""
Spin-dependent Kapitza resistance
=================================

Two spin channels (R_up = 1e-9, R_down = 3e-9 m^2 K/W) cross a ferromagnet/normal-metal interface under 1e9 W m^-2;
the spin heat accumulation T_up - T_down decays over 20 nm in the normal metal. The same as ``kapitza device spin``.
"""

# %%
from kapitza.devices.spin import spin_heat_accumulation
from kapitza.plotting.devices.cryogenic import spin_figure

res = spin_heat_accumulation(
    1e9, resistance_up=1e-9, resistance_down=3e-9, conductivity=100.0, relaxation_length=20e-9, temperature=300.0
)
print(f"T_up - T_down = {res.spin_temperature:.4g} K at the interface")
print(f"effective R = {res.effective_resistance:.4g} m^2 K/W (parallel law {res.parallel_resistance:.4g})")

# %%
fig = spin_figure(res)
