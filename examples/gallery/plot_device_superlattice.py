"""
A Si/Ge superlattice
====================

Cross-plane conductivity of 20 periods of 5 nm Si / 5 nm Ge with the DMM boundary resistance at each interface,
against the bulk Si-Ge alloy. The same as
``kapitza device superlattice --ka Si --kb Ge --da 5nm --db 5nm -R dmm:Si/Ge -n 20``.
"""

# %%
from kapitza.devices.superlattice import superlattice
from kapitza.plotting.devices.media import superlattice_figure

res = superlattice(5e-9, 5e-9, "Si", "Ge", "dmm:Si/Ge", periods=20)
print(f"k_A = {res.conductivity_a:.4g}, k_B = {res.conductivity_b:.4g} W/m/K; R = {res.resistance_ab:.4g} m^2 K/W")
print(f"k_eff = {res.effective_conductivity:.4g} W/m/K (layers alone {res.layer_conductivity:.4g} W/m/K)")
print(f"interfaces carry {100 * res.interface_share:.3g} % of the resistance")
print(f"critical period {res.critical_period * 1e9:.4g} nm")
if res.alloy_conductivity is not None:
    print(f"bulk alloy {res.alloy_conductivity:.4g} W/m/K; below a period of {res.alloy_period * 1e9:.4g} nm it wins")

# %%
fig = superlattice_figure(res)
