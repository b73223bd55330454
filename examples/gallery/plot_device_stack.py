"""
A GaN-on-SiC transistor stack
=============================

Layers and interfaces in series: 200 nm Au, 2 um GaN and 100 um of 4H-SiC, heated at 1e8 W m^-2 from the top
with the sink at 300 K (the file ``examples/devices/gan_on_sic.toml``). Each layer's kappa(T) comes from the
database, the Au/GaN interface from the DMM (with the electron-phonon resistance of Au), the GaN/SiC one is given.
The same as ``kapitza stack examples/devices/gan_on_sic.toml --plot stack.png``.
"""

# %%
from pathlib import Path

from kapitza.devices.stack import solve_stack
from kapitza.devices.stack_file import read_stack
from kapitza.plotting.devices.stack import stack_figure

HERE = Path(__file__).resolve().parent if "__file__" in globals() else Path.cwd()
spec = read_stack(HERE.parent / "devices" / "gan_on_sic.toml")
res = solve_stack(spec.stack, spec.heat_flux, spec.sink_temperature)

for term, resistance, share in res.budget:
    print(f"{term:12s} R = {resistance:.4g} m^2 K/W   {100 * share:6.3g} % of the drop")
print(f"T_top = {res.top_temperature:.5g} K; the interfaces take {100 * res.interface_share:.3g} % of the drop")

# %%
# Every layer is drawn the same width, so the 200 nm film still shows its jumps next to the substrate.
fig = stack_figure(res)

# %%
# At low temperature the self-consistency matters: 100 nm of Al on 500 um of Si, the sink at 4 K and 10 W/cm^2
# (``examples/devices/al_si_cold.toml``), every R and kappa at its own temperature against all of them at 4 K.
cold = read_stack(HERE.parent / "devices" / "al_si_cold.toml")
res_cold = solve_stack(cold.stack, cold.heat_flux, cold.sink_temperature)
linear = solve_stack(cold.stack, cold.heat_flux, cold.sink_temperature, self_consistent=False)
print(f"T_top = {res_cold.top_temperature:.4g} K self-consistent, {linear.top_temperature:.4g} K at T_sink")
print(f"the interfaces take {100 * res_cold.interface_share:.3g} % of the drop")
fig_cold = stack_figure(res_cold)
