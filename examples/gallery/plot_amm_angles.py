"""
The acoustic mismatch, angle by angle
=====================================

Energy transmission and reflection coefficients alpha(theta) of Al -> Si for incident P, SV and SH waves from the
exact isotropic-elasticity AMM (mode conversion and critical angles included), with the hemispherical averages.
The same as ``kapitza transmission Al Si --model amm --plot alpha.png``.
"""

# %%
import numpy as np

import kapitza
from kapitza.plotting.transmission import angular_transmission_figure

result = kapitza.amm_angular("Al", "Si", model="amm")
print(result)
print("hemispherical averages 2 int alpha(mu) mu dmu:")
for incident, row in zip(result.incident, result.averages):
    print(f"  incident {incident:2s}: " + ", ".join(f"{w} {a:.4g}" for w, a in zip(result.outgoing, row)))
for incident, angles in result.critical.items():
    for outgoing, angle in angles.items():
        print(f"critical angle, incident {incident} -> {outgoing}: {np.degrees(angle):.4f} deg")
c = kapitza.amm_coefficients("Al", "Si", np.radians(25.0), "SV")
print("incident SV at 25 deg: " + ", ".join(f"{k} {v:.4g}" for k, v in c.items()))

# %%
fig = angular_transmission_figure(result)
