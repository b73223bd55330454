"""
The exact acoustic mismatch model, angle by angle
=================================================

The numbers behind :doc:`/physics/amm`: energy fractions of Al -> Si at one angle, the angular
transmission with its critical angles, energy conservation over all angles, and the full AMM against the
textbook formula.
"""

# %%
# An SV wave in Al at 25 degrees: the fraction of its normal energy flux that each outgoing wave carries.
import numpy as np

import kapitza

coefficients = kapitza.amm_coefficients("Al", "Si", np.radians(25.0), "SV")
for wave, alpha in coefficients.items():
    print(f"{wave:14s} {float(alpha):.6f}")
print(f"sum = {sum(float(a) for a in coefficients.values()):.15f}")

# %%
# Angle-resolved transmission; the critical angles are marked.
from kapitza.plotting.transmission import angular_transmission_figure  # noqa: E402

angular = kapitza.amm_angular("Al", "Si", model="amm", n_angles=361)
for incident, waves in angular.critical.items():
    for wave, angle in waves.items():
        print(f"incident {incident:2s} -> {wave:14s} critical angle {np.degrees(angle):7.3f} deg")
fig = angular_transmission_figure(angular)

# %%
# Energy conservation is not imposed in the solver; it is a check: reflected + transmitted fractions
# sum to 1 at every angle and for every incident polarisation.
theta = np.linspace(0.0, np.pi / 2, 4001)
worst = 0.0
for incident in ("P", "SV", "SH"):
    c = kapitza.amm_coefficients("Al", "Si", theta, incident)
    worst = max(worst, float(np.max(np.abs(sum(np.asarray(v) for v in c.values()) - 1.0))))
print(f"max |R + T - 1| over 4001 angles and 3 polarisations: {worst:.1e}")

# %%
# Full AMM against the simplified (textbook) AMM and the DMM at 300 K.
for model in ("amm", "amm-simple", "dmm"):
    g = kapitza.conductance("Al", "Si", 300.0, model=model)
    print(f"{model:10s} G(Al -> Si, 300 K) = {g / 1e6:7.1f} MW m^-2 K^-1")
