"""
EELS thermometry from a spectrum image
======================================

A monochromated STEM measures phonon creation (energy loss, E > 0) and annihilation (energy gain, E < 0).
Detailed balance fixes their ratio, I_gain(E) / I_loss(E) = exp(-E / k_B T) (Idrobo et al., Phys. Rev. Lett.
120, 095901 (2018); Lagos & Batson, Nano Lett. 18, 4556 (2018)), so a spectrum image is a temperature map
without calibration. This tutorial makes a small spectrum image across an AlN / 4H-SiC interface with
kapitza's own forward model, then analyses it as if it had been measured: the temperature map, the profile
across the interface, the jump and the Kapitza length.

The command-line equivalents are ``kapitza eels simulate``, ``kapitza eels map`` and ``kapitza eels profile``
(``kapitza eels --help``). Files from a microscope (DM3/DM4, Velox EMD, MSA, HSPY, Nion) are read with
:func:`kapitza.analysis.eels.read_eels`; everything below then applies unchanged.
"""

# %%
# One spectrum first
# ------------------
# The forward model (:func:`kapitza.analysis.eels.simulate_spectrum`) puts a one-phonon signal from a
# phonon density of states on a zero-loss peak (ZLP) with a power-law tail, at a given energy resolution and
# electron dose, with Poisson noise. The DOS here is the Debye DOS of AlN from the materials database.

import numpy as np

from kapitza.analysis.eels import (
    analyze_profile,
    eels_data,
    fit_temperature,
    interface_temperatures,
    simulate_line_scan,
    simulate_spectrum,
    temperature_map,
    temperature_profile,
)
from kapitza.analysis.eels.preprocess import preprocess
from kapitza.phonons.dos import material_dos

aln = material_dos("AlN")
sic = material_dos("4H-SiC")
print(f"AlN Debye DOS up to {aln.energy_mev.max():.1f} meV, 4H-SiC up to {sic.energy_mev.max():.1f} meV")

one = simulate_spectrum(aln.energy_mev, aln.dos, 500.0, resolution_mev=6.0, dose=1e8, seed=1)
print(f"{one.n_channels} channels of {one.channel_width_mev:g} meV, {one.counts.sum():.3g} counts in all")

# %%
# The analysis chain is the same for simulated and measured data: centre the ZLP of every spectrum, subtract
# the ZLP tail on both sides (a power law by default), then fit the temperature to the gain/loss ratio in an
# energy window where the phonon signal stands well above the tail.
clean = preprocess(one)
for step in clean.steps:
    print("-", step[:110])
fit = fit_temperature(clean, (40.0, 80.0))
print(
    f"T = {float(fit.temperature):.1f} +- {float(fit.temperature_err):.1f} K (true 500 K), "
    f"chi2/dof = {float(fit.chi2_reduced):.2f} over {fit.n_channels} channel pairs"
)

# %%
# The figure puts the gain side next to the loss side times exp(-E / k_B T): where detailed balance holds the
# two coincide; below, ln(I_gain / I_loss) against E is a straight line of slope -1 / k_B T.
from kapitza.plotting.eels import map_figure, profile_figure, spectrum_figure  # noqa: E402

fig_spectrum = spectrum_figure(clean, fit)

# %%
# A spectrum image across an interface
# ------------------------------------
# The sample: AlN on the left (x < 0), 4H-SiC on the right, heat flowing along +x. The true temperature is
# 500 K just left of the interface, falls by 0.18 K/nm on both sides and drops by 15 K at the interface
# (:func:`kapitza.analysis.eels.interface_temperatures`). The image has 8 rows (y, parallel to the interface)
# of 61 probe positions 1 nm apart; each spectrum gets 1.25e7 electrons at 6 meV resolution, and the DOS
# is mixed across the interface over 0.5 nm (the probe and the delocalisation of the signal).
#
# The forward model's line scan (:func:`kapitza.analysis.eels.simulate_line_scan`) is called once for all
# 8 x 61 pixels and the counts are then arranged as an image.
x_nm = np.linspace(-30.0, 30.0, 61)
y_nm = np.arange(8, dtype=float)
true_t = interface_temperatures(x_nm, 0.0, 500.0, 15.0, -0.18, -0.18)
pixels = simulate_line_scan(
    np.tile(x_nm, y_nm.size),
    np.tile(true_t, y_nm.size),
    (aln.energy_mev, aln.dos),
    (sic.energy_mev, sic.dos),
    0.0,
    mixing_nm=0.5,
    resolution_mev=6.0,
    dose=1.25e7,
    seed=2,
)
image = eels_data(
    pixels.energy_mev,
    pixels.counts.reshape(y_nm.size, x_nm.size, -1),
    (y_nm, x_nm),
    nav_names=("y", "x"),
    source="simulated AlN / 4H-SiC spectrum image",
)
print(f"spectrum image: {image.nav_shape[0]} x {image.nav_shape[1]} pixels x {image.n_channels} channels")

# %%
# The temperature map
# -------------------
# Every pixel is fitted on its own (:func:`kapitza.analysis.eels.temperature_map`, vectorised over pixels).
# With an eighth of the dose per pixel the map is noisy: the scatter is the counting error.
image_clean = preprocess(image)
tmap = temperature_map(image_clean, (40.0, 80.0))
ok = tmap.valid
print(f"{int(ok.sum())} of {ok.size} pixels with a temperature")
print(
    f"median stated error per pixel {np.median(tmap.temperature_err[ok]):.1f} K; "
    f"T from {np.min(tmap.temperature[ok]):.0f} to {np.max(tmap.temperature[ok]):.0f} K"
)
fig_map = map_figure(tmap)

# %%
# The profile, the jump and the Kapitza length
# --------------------------------------------
# The rows are parallel to the interface, so summing them (``across="x"``) raises the counts per position
# eight-fold before the fit: 1e8 electrons per position. Each side of the interface is then fitted by a
# straight line (leaving out 1 nm around the plane, where both materials contribute), both lines are
# extrapolated to the plane, and their difference is the jump Delta T
# (:func:`kapitza.analysis.eels.analyze_profile`).
profile = temperature_profile(image_clean, (40.0, 80.0), across="x")
jump = analyze_profile(profile, 0.0, gradient_k_per_nm=0.18)
print(f"{int(profile.valid.sum())} of {profile.valid.size} positions with a temperature")
print(
    f"Delta T = {jump.delta_T:.1f} +- {jump.delta_T_err:.1f} K (true 15 K); heat flows {jump.heat_flow} "
    f"({jump.heat_flow_source})"
)
print(f"T just left | right of the plane: {jump.T_left:.1f} | {jump.T_right:.1f} K (true 500 | 485 K)")
print(
    f"local gradients: left {jump.gradient_left_k_per_nm:.3f} +- {jump.gradient_left_err_k_per_nm:.3f} K/nm, "
    f"right {jump.gradient_right_k_per_nm:.3f} +- {jump.gradient_right_err_k_per_nm:.3f} K/nm (true -0.18)"
)

fig_profile = profile_figure(profile, jump)

# %%
# The absolute temperatures sit a few per cent low. That is not noise: the noise-free spectra
# (``noise=False``) run through the same chain show it. It is the systematic of the default power-law
# background on this forward model's ZLP tail, and it differs slightly between the two materials, so it also
# shifts the jump a little.
expected = {}
for name, dos, t_true in (("AlN", aln, 500.0), ("4H-SiC", sic, 485.0)):
    exact = simulate_spectrum(dos.energy_mev, dos.dos, t_true, resolution_mev=6.0, dose=1e8, noise=False)
    expected[name] = float(fit_temperature(preprocess(exact), (40.0, 80.0)).temperature)
    print(f"noise-free {name} at {t_true:g} K -> {expected[name]:.1f} K ({100 * (expected[name] / t_true - 1):+.1f} %)")
print(
    f"jump expected from the noise-free fits: {expected['AlN'] - expected['4H-SiC']:.1f} K; measured "
    f"{jump.delta_T:.1f} +- {jump.delta_T_err:.1f} K"
)

# %%
# The jump is recovered, the local gradients are not: 0.18 K/nm changes T by only about 5 K over 30 nm, which
# is close to the error of a single point. The Kapitza length L_K = Delta T / ``|dT/dx|`` therefore needs a
# gradient measured on a longer scale (here the true one, passed as ``gradient_k_per_nm``; on the command
# line ``--gradient``). The true value is 15 / 0.18 = 83.3 nm.
print(
    f"L_K from the local gradients: {jump.kapitza_length_left_nm:.3g} +- {jump.kapitza_length_left_err_nm:.2g} nm "
    f"(left), {jump.kapitza_length_right_nm:.3g} +- {jump.kapitza_length_right_err_nm:.2g} nm (right)"
)
print(
    f"L_K with the given gradient 0.18 K/nm: {jump.kapitza_length_given_nm:.1f} "
    f"+- {jump.kapitza_length_given_err_nm:.1f} nm (true {15 / 0.18:.1f} nm)"
)

# %%
# EELS cannot measure the heat flux. With a flux q from elsewhere (a model of the device, or a thermal
# measurement), ``heat_flux_w_m2=`` adds R_K = Delta T / q and G = 1 / R_K. For example with q = 1e9 W/m^2:
with_flux = analyze_profile(profile, 0.0, gradient_k_per_nm=0.18, heat_flux_w_m2=1e9)
print(
    f"R_K = {with_flux.resistance:.3g} +- {with_flux.resistance_err:.2g} m^2 K/W, "
    f"G = {with_flux.conductance / 1e6:.0f} +- {with_flux.conductance_err / 1e6:.0f} MW m^-2 K^-1"
)

# %%
# Where next: ``kapitza eels plan`` (:func:`kapitza.analysis.eels.plan_experiment`) runs the same chain on
# many noise draws to choose the dose and resolution before an experiment, and ``kapitza eels flows`` compares
# two heat-flow directions band by band (:func:`kapitza.analysis.eels.compare_flows`).
