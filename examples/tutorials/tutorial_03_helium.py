"""
Liquid helium: Kapitza's own experiment
=======================================

Kapitza (1941) found the temperature jump at the boundary between a solid and liquid helium. Helium
is a fluid: it carries only P (longitudinal) waves and exerts no shear traction on the wall, so the
acoustic mismatch model solves a 4x4 system instead of 6x6. Below about 2 K every model gives G ~ T^3,
and cryogenic engineers quote the constant R T^3.

On the command line (not run here; with a fluid side the table adds the R T^3 column and the default
temperatures are 0.1-2 K)::

    kapitza predict Cu He4 -t 0.1,1 -m amm -m amm-simple -m dmm
    kapitza transmission He4 Cu --plot he.png --log
"""

# %%
# R T^3 of copper in helium under three models
# --------------------------------------------
import numpy as np

import kapitza

temperatures = np.geomspace(0.1, 2.0, 20)
models = ("amm", "amm-simple", "dmm")
results = {m: kapitza.prediction.predict_model("Cu", "He4", temperatures, model=m) for m in models}
for m, r in results.items():
    rt3 = r.temperature**3 / r.conductance
    t_lo, t_hi = r.temperature[0], r.temperature[-1]
    print(f"{m:10s} R T^3 = {rt3[0]:.4g} m^2 K^4 W^-1 at {t_lo:g} K, {rt3[-1]:.4g} at {t_hi:g} K")

# %%
# R T^3 hardly changes from 0.1 to 2 K (the spread is printed below): the Debye T^3 law holds, because the
# phonons occupied at these temperatures are all long acoustic waves. The full AMM and the textbook AMM differ by a
# large factor: the textbook form lets helium's P waves feed only the solid's P waves, while most of the
# energy enters the solid as SV (mode conversion). The DMM, where phonons forget their direction, is
# hundreds of times less resistive.
rt3 = {m: float(np.median(r.temperature**3 / r.conductance)) for m, r in results.items()}
for m, r in results.items():
    values = r.temperature**3 / r.conductance
    print(f"{m:10s} R T^3 varies by {values.max() / values.min() - 1:.1%} between 0.1 and 2 K")
print(f"textbook AMM / full AMM = {rt3['amm-simple'] / rt3['amm']:.3g}")
print(f"full AMM / DMM          = {rt3['amm'] / rt3['dmm']:.3g}")

from kapitza.plotting.conductance import conductance_figure  # noqa: E402

fig_g = conductance_figure(list(results.values()), title="Cu -> He-4")

# %%
# Why so little gets through: the cone of acceptance
# --------------------------------------------------
# Sound in helium (about 240 m/s) is some ten times slower than in copper, so by Snell's law only waves
# within a few degrees of normal incidence can enter the solid; the rest are totally reflected.
angular = kapitza.amm_angular("He4", "Cu", model="amm", n_angles=2001)
print(angular)
into_copper = [j for j, wave in enumerate(angular.outgoing) if wave.startswith("transmitted")]
print(f"hemispherical average of the transmission from helium: {angular.averages[0, into_copper].sum():.3g}")
for wave, theta in angular.critical["P"].items():
    print(f"critical angle for {wave}: {np.degrees(theta):.3f} deg")

from kapitza.plotting.transmission import angular_transmission_figure  # noqa: E402

fig_cone = angular_transmission_figure(angular, log=True)

# %%
# Kapitza's anomaly
# -----------------
# Measured solid/helium resistances above about 0.1 K lie far below the AMM, typically by a factor of 10
# to 100 (Swartz & Pohl, Rev. Mod. Phys. 61, 605 (1989), Sec. III; Pollack, Rev. Mod. Phys. 41, 48
# (1969)): the "Kapitza anomaly". The AMM is the limit of a clean, perfectly flat, specular wall; real
# surfaces scatter phonons diffusely (damaged layers, roughness, adsorbed helium), which opens more
# channels, and the DMM, the opposite limit, falls below the measurements. The band that factor spans,
# with the two models' values:
amm_rt3 = rt3["amm"]
print(f"full AMM:            R T^3 = {amm_rt3:.4g} m^2 K^4 W^-1")
print(f"measured (AMM/100 .. AMM/10): {amm_rt3 / 100:.3g} .. {amm_rt3 / 10:.3g} m^2 K^4 W^-1")
print(f"DMM:                 R T^3 = {rt3['dmm']:.4g} m^2 K^4 W^-1")

# %%
# For a design, a measured law is safer than either model: ``kapitza device cryogenic`` (the chip in
# liquid helium tutorial) takes ``power:R0,T0,3`` or any model as the interface resistance.
