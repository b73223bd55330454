"""
Liquid helium on a solid: Kapitza's resistance
==============================================

The numbers behind :doc:`/physics/helium`: the acoustic mismatch :math:`R T^3` of Cu / liquid He-4, the
narrow cone through which helium's phonons enter the solid, and the DMM for comparison.
"""

# %%
# R T^3 (m^2 K^4 W^-1) under the full AMM, the simplified AMM and the DMM.
import numpy as np

import kapitza

for model in ("amm", "amm-simple", "dmm"):
    r = kapitza.prediction.predict_model("Cu", "He4", [0.1, 1.0], model=model)
    rt3 = r.resistance_t3[0]
    print(f"{model:10s} R T^3 = {rt3:.4g} m^2 K^4 W^-1  ({rt3 * 1e4:.4g} K^4 cm^2 W^-1)")

# %%
# Helium's phonons: the mean transmission and the critical angles (the cone).
angular = kapitza.amm_angular("He4", "Cu", n_angles=721)
print(f"mean transmission of He-4 P phonons into Cu: {float(angular.mean_transmission[0]):.3g}")
for wave, angle in angular.critical["P"].items():
    print(f"critical angle for {wave}: {np.degrees(angle):.2f} deg")

from kapitza.plotting.transmission import angular_transmission_figure  # noqa: E402

fig = angular_transmission_figure(angular, log=True)

# %%
# The sound-speed ratio that makes the cone narrow.
he, cu = kapitza.get_material("He4"), kapitza.get_material("Cu")
print(f"v_He / v_T(Cu) = {he.v_l / cu.v_t:.4f}, v_He / v_L(Cu) = {he.v_l / cu.v_l:.4f}")
