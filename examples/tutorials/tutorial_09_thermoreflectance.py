"""
A TDTR and an FDTR fit
======================

Most interface conductances are measured by time- or frequency-domain thermoreflectance: a modulated pump
heats a metal transducer on the sample, a probe reads its surface temperature through the reflectance, and a
model of heat diffusion in the layered sample (Cahill, Rev. Sci. Instrum. 75, 5119 (2004); anisotropic layers
after Schmidt, Chen & Chen, Rev. Sci. Instrum. 79, 114902 (2008)) is fitted to the signal. This tutorial fits
the two example data sets shipped in ``examples/thermoreflectance/``:

- TDTR: 80 nm Al on sapphire, the ratio -V_in/V_out against pump-probe delay, with an error column;
- FDTR: 100 nm Au on Si, the phase lag against modulation frequency, without errors.

Both are synthetic (``examples/thermoreflectance/make_examples.py``, seed 14): the model with a known G plus
noise, so the fit can be judged against the truth. The command-line equivalents are ``kapitza tdtr fit`` and
``kapitza fdtr fit`` (``--plot``, ``--json``, ``--mcmc``); the sample and data formats are described in
:mod:`kapitza.analysis.thermoreflectance.inputs`.
"""

# %%
# The sample and the data
# -----------------------
# A sample file (TOML) lists the laser, the layers (top first) and the interfaces; every number carries its
# unit in its key, and ``<key>_err`` / ``<key>_rel_err`` give the 1-sigma error of an input that will stay
# fixed. Database materials supply the conductivities that are not written.
import time
from pathlib import Path

import numpy as np

from kapitza.analysis.thermoreflectance import fit, read_data, read_sample, sensitivity
from kapitza.plotting.thermoreflectance import fit_figure, sensitivity_figure


def _find_examples() -> Path:
    """The examples/thermoreflectance folder, whether the script runs from the repository root or its own folder."""
    here = Path(__file__).resolve().parent if "__file__" in globals() else Path.cwd()
    for base in (here, *here.parents):
        folder = base / "examples" / "thermoreflectance"
        if folder.is_dir():
            return folder
    raise FileNotFoundError("examples/thermoreflectance not found above " + str(here))


# display units of the fitted parameters: (factor from SI, unit)
# (the parameter names are G / G_<interface>, k_, kz_, kr_, d_, C_<layer>, w, w_pump, w_probe)
KW = (1.0, "W m^-1 K^-1")
UNITS = {"G": (1e-6, "MW m^-2 K^-1"), "k": KW, "kz": KW, "kr": KW, "d": (1e9, "nm"), "C": (1e-6, "MJ m^-3 K^-1")}
UNITS["w"] = (1e6, "um")


def unit_of(name: str) -> tuple[float, str]:
    return UNITS.get(name.split("_")[0], (1.0, ""))


def show(name: str, value: float) -> str:
    factor, unit = unit_of(name)
    return f"{value * factor:.4g} {unit}"


def report(result, sample) -> None:
    """The fitted values with the statistical and fixed-input errors, and the largest fixed-input terms."""
    print(f"{'parameter':<12}{'value':>10}{'total':>10}{'statist.':>10}{'fixed':>10}  unit")
    for name, v, e, es, ef in zip(
        result.names, result.values, result.error, result.error_statistical, result.error_fixed
    ):
        factor, unit = unit_of(name)
        print(f"{name:<12}{v * factor:>10.4g}{e * factor:>10.3g}{es * factor:>10.3g}{ef * factor:>10.3g}  {unit}")
    if result.sigma_source == "data":
        print(f"chi^2 = {result.chi2:.4g} for {result.dof} degrees of freedom (reduced {result.reduced_chi2:.3g})")
    else:
        print(f"no errors in the data: errors scaled by the rms residual {np.sqrt(result.reduced_chi2):.3g}")
    contributions = np.abs(np.asarray(result.contributions))
    for i, name in enumerate(result.names):
        top = np.argsort(-contributions[i])[:3]
        terms = ", ".join(f"{result.fixed_names[j]} {show(name, contributions[i, j])}" for j in top)
        print(f"largest fixed-input contributions to {name}: {terms}")
    for note in result.notes:
        print("note:", note)


folder = _find_examples()
tdtr_sample = read_sample(folder / "tdtr_sample.toml")
tdtr_data = read_data(folder / "tdtr_ratio.txt", mode="tdtr")
print(tdtr_sample.title)
print(
    f"{tdtr_data.x.size} delays from {tdtr_data.x[0] * 1e12:.0f} to {tdtr_data.x[-1] * 1e12:.0f} ps; "
    f"quantities {', '.join(tdtr_data.quantities)}; errors given for {', '.join(tdtr_data.sigmas) or 'none'}"
)
print("fixed inputs with a stated error:", ", ".join(f"{k} +- {show(k, v)}" for k, v in tdtr_sample.errors.items()))

# %%
# What can the data see?
# ----------------------
# Before fitting, the sensitivities S_p = d ln(signal) / d ln p tell which parameters the ratio depends on,
# and where. A parameter whose S_p is small everywhere cannot be fitted; one whose S_p has the same shape as
# another's cannot be separated from it.
delays = np.geomspace(100e-12, 4000e-12, 40)
tdtr_sens = sensitivity(tdtr_sample, "tdtr", delays)
print("largest |S_p| over the delays:", ", ".join(f"{k} {v:.2f}" for k, v in tdtr_sens.peaks().items()))
s_g = tdtr_sens.of("G")
flips = delays[1:][np.diff(np.sign(s_g)) != 0]
if flips.size:
    print(f"S_G changes sign near {flips[0] * 1e12:.0f} ps")
fig_tdtr_sens = sensitivity_figure(tdtr_sens, title="TDTR: 80 nm Al on sapphire")

# %%
# The TDTR fit
# ------------
# G and the sapphire conductivity are fitted (in ln p, with bounds); the file's sigma column weights the
# points. Two errors are reported for every fitted parameter: the statistical one, (J^T W J)^-1, and the one
# from the fixed inputs, each fixed parameter with a stated error moved by its sigma and the fit's response
# propagated (Yang, Ziade & Schmidt, Rev. Sci. Instrum. 87, 014901 (2016)).
t0 = time.perf_counter()
tdtr_fit = fit(
    tdtr_sample, "tdtr", tdtr_data.x, tdtr_data.quantities["ratio"], ["G", "k_sapphire"],
    sigma=tdtr_data.sigmas.get("ratio"),
)  # fmt: skip
print(f"TDTR fit: {time.perf_counter() - t0:.1f} s, {tdtr_fit.nfev} model evaluations")
report(tdtr_fit, tdtr_sample)
g, g_err = tdtr_fit.value("G")
print(f"G = {g / 1e6:.1f} +- {g_err / 1e6:.1f} MW m^-2 K^-1 against the true 150 (the data file's header)")

fig_tdtr_fit = fit_figure(
    tdtr_fit.x, tdtr_fit.y, tdtr_fit.y_fit, mode="tdtr", quantity="ratio", sigma=tdtr_fit.sigma,
    title=tdtr_sample.title, annotation=f"G = {g / 1e6:.4g} ± {g_err / 1e6:.2g} MW m^-2 K^-1",
)  # fmt: skip

# %%
# The fixed inputs dominate: the transducer's thickness and heat capacity move G far more than the noise of
# the data does. Reporting the statistical error alone would make the measurement look several times better
# than it is.
i = tdtr_fit.names.index("G")
ratio = tdtr_fit.error[i] / tdtr_fit.error_statistical[i]
print(f"total error of G / statistical error alone = {ratio:.1f}")

# %%
# The FDTR fit
# ------------
# FDTR sweeps the modulation frequency instead of the delay; the phase of the surface temperature is fitted.
# The data file gives a positive phase lag, which kapitza reads as a lag and negates (its phase is arg H,
# negative for a lag); the reader's note says so. The file has no error column, so the fit weights the points
# equally and scales the covariance by the residuals.
fdtr_sample = read_sample(folder / "fdtr_sample.toml")
fdtr_data = read_data(folder / "fdtr_phase.txt", mode="fdtr")
for note in fdtr_data.notes:
    print("reading the data:", note)

frequencies = np.geomspace(1e5, 2e7, 40)
fdtr_sens = sensitivity(fdtr_sample, "fdtr", frequencies)
print("largest |S_p| over the frequencies:", ", ".join(f"{k} {v:.2f}" for k, v in fdtr_sens.peaks().items()))
fig_fdtr_sens = sensitivity_figure(fdtr_sens, absolute=True, title="FDTR phase: 100 nm Au on Si")

t0 = time.perf_counter()
fdtr_fit = fit(fdtr_sample, "fdtr", fdtr_data.x, fdtr_data.quantities["phase"], ["G", "k_Si"])
print(f"FDTR fit: {time.perf_counter() - t0:.1f} s, {fdtr_fit.nfev} model evaluations")
report(fdtr_fit, fdtr_sample)
g, g_err = fdtr_fit.value("G")
print(f"G = {g / 1e6:.1f} +- {g_err / 1e6:.1f} MW m^-2 K^-1 against the true 80 (the data file's header)")
fig_fdtr_fit = fit_figure(
    fdtr_fit.x, fdtr_fit.y, fdtr_fit.y_fit, mode="fdtr", quantity="phase",
    title=fdtr_sample.title, annotation=f"G = {g / 1e6:.4g} ± {g_err / 1e6:.2g} MW m^-2 K^-1",
)  # fmt: skip

# %%
# Next to a prediction
# --------------------
# Both interfaces join database materials, so the phonon models can be put beside the fitted G
# (``kapitza tdtr fit ... --predict dmm,amm`` does the same). They are the phonon-only predictions of a
# perfect interface. The true G of these synthetic data sets were chosen, not measured, so only the mechanics
# matter here; what has been measured for a pair is listed by ``kapitza measured Al Al2O3 -t 300``.
import kapitza  # noqa: E402

for (a, b), result in ((("Al", "sapphire"), tdtr_fit), (("Au", "Si"), fdtr_fit)):
    fitted = result.value("G")[0]
    models = ", ".join(f"{m.upper()} {kapitza.conductance(a, b, 300.0, model=m) / 1e6:.4g}" for m in ("dmm", "amm"))
    print(f"{a}|{b} at 300 K: fitted {fitted / 1e6:.4g}, predicted {models} MW m^-2 K^-1")

# %%
# Correlated parameters are better described by the posterior than by a covariance:
# ``kapitza tdtr fit ... --mcmc 2000`` (or :func:`kapitza.analysis.thermoreflectance.sample_posterior`,
# the ``mcmc`` extra) samples it with emcee.
