"""
The acoustic mismatch model, angle by angle
===========================================

The full acoustic mismatch model (AMM) treats both sides as isotropic elastic continua joined at a
perfectly flat, welded interface. An incident P (longitudinal), SV or SH (transverse) wave is split
into reflected and transmitted P, SV and SH waves by continuity of displacement and traction: a 6x6
linear system for two solids (Khalatnikov 1952; Little, Can. J. Phys. 37, 334 (1959)). Past a
critical angle a refracted wave becomes evanescent and carries no energy; at oblique incidence a P wave
feeds SV waves too (mode conversion).

On the command line (not run here)::

    kapitza transmission Al Si --model amm --plot alpha.png
"""

# sphinx_gallery_thumbnail_number = 2

# %%
# One angle
# ---------
# :func:`kapitza.amm_coefficients` gives the energy-flux coefficients of one incident wave at one angle
# (radians). An SV wave in Al hitting Si at 25 degrees:
import numpy as np

import kapitza

coefficients = kapitza.amm_coefficients("Al", "Si", np.radians(25.0), "SV")
for wave, alpha in coefficients.items():
    print(f"{wave:15s} {alpha:.6f}")
print(f"sum (energy conservation): {sum(coefficients.values()):.15f}")

# %%
# Every angle
# -----------
# :func:`kapitza.amm_angular` evaluates alpha(theta) on a uniform grid plus every critical angle, for
# every incident polarisation, with the hemispherical averages <alpha> = 2 int alpha(mu) mu d mu
# (mu = cos theta) that enter the Landauer integral.
angular = kapitza.amm_angular("Al", "Si", model="amm")
print(angular)
print(f"{'outgoing wave':16s}" + "".join(f"{'incident ' + p:>13s}" for p in angular.incident))
for j, wave in enumerate(angular.outgoing):
    print(f"{wave:16s}" + "".join(f"{angular.averages[i, j]:13.6f}" for i in range(len(angular.incident))))
total = angular.coefficients.sum(axis=1)
print(f"largest |R + T - 1| over {angular.angle.size} angles: {np.abs(total - 1).max():.2e}")

# %%
# Critical angles
# ---------------
# Past these angles of incidence the named outgoing wave is evanescent (Si is faster than Al, so every
# transmitted wave has one).
for pol, waves in angular.critical.items():
    for wave, theta in waves.items():
        print(f"incident {pol:3s} -> {wave:15s} theta_c = {np.degrees(theta):8.4f} deg")

# %%
# The figure: alpha(theta) per incident polarisation, the critical angles dotted. Mode conversion shows
# as the transmitted SV of an incident P wave (and the transmitted P of an incident SV wave below its
# critical angle).
from kapitza.plotting.transmission import angular_transmission_figure  # noqa: E402

fig_full = angular_transmission_figure(angular)

# %%
# The textbook AMM
# ----------------
# ``amm-simple`` keeps each polarisation to itself, with the acoustic impedances Z = rho c:
# alpha = 4 Z1 Z2 cos(theta1) cos(theta2) / (Z1 cos theta2 + Z2 cos theta1)^2. Its averages differ from
# the full model's wherever mode conversion matters.
simple = kapitza.amm_angular("Al", "Si", model="amm-simple")


def transmitted_average(result):
    """<alpha> summed over the transmitted waves, one per incident polarisation."""
    columns = [j for j, wave in enumerate(result.outgoing) if wave.startswith("transmitted")]
    return result.averages[:, columns].sum(axis=1)


for pol, full, textbook in zip(angular.incident, transmitted_average(angular), transmitted_average(simple)):
    print(f"incident {pol:2s}: transmitted <alpha> full AMM {full:.4f}, textbook AMM {textbook:.4f}")

fig_simple = angular_transmission_figure(simple)

# %%
# How much this changes G: the two models over temperature (the Debye-limit ratio is the ratio of
# their transmission averages weighted by the channel densities).
for model in ("amm", "amm-simple"):
    g = kapitza.conductance("Al", "Si", [10.0, 300.0], model=model)
    print(f"{model:10s} G(10 K) = {g[0] / 1e6:.4g}, G(300 K) = {g[1] / 1e6:.4g} MW m^-2 K^-1")
