"""What a thermoreflectance fit says about its own statistical error (issue 25, item 7).

* Noise-free data without stated sigmas: residual scaling gives an error at round-off, which must be flagged
  (``noise_free``, a note), not reported as a measurement error.
* Data whose fixed input is off far beyond its stated error: chi^2 (with the fixed inputs' stated errors allowed
  for) rejects the model; the fit says so and inflates the statistical error by sqrt(chi^2_nu) (Birge ratio).
* A fixed input off by about its stated error is *not* flagged: its propagated error already covers it.
* AR(1)-correlated noise: the lag-1 autocorrelation of the residuals is flagged and the statistical variance is
  inflated by (1 + rho)/(1 - rho) (Bayley & Hammersley 1946).
"""

from __future__ import annotations

import math

import numpy as np

from kapitza.analysis.thermoreflectance import Interface, Laser, Layer, Sample
from kapitza.analysis.thermoreflectance import model as M
from kapitza.analysis.thermoreflectance.fit import fit

FREQ = np.geomspace(1e5, 2e7, 30)


def au_si(**errors: float) -> Sample:
    """100 nm Au on Si (CRC: Au 2.49 MJ m^-3 K^-1, 317 W/m/K; Si 1.64 MJ m^-3 K^-1, 148 W/m/K), G = 5e7,
    one effective 3 um radius: the FDTR example of examples/thermoreflectance/fdtr_sample.toml."""
    return Sample(
        (Layer("Au", 100e-9, 2.49e6, 317.0, 317.0), Layer("Si", math.inf, 1.64e6, 148.0, 148.0)),
        (Interface("G", 5e7),),
        Laser(3e-6, 3e-6, 80e6, 1e6, effective_radius=True),
        errors=errors,
    )


def test_noise_free_data_are_flagged_not_reported_as_a_measurement_error() -> None:
    """The model's own phase, rounded to 8 significant digits (what `fdtr simulate --out` writes), fitted without
    sigmas from a start 60 % off: the statistical error of G is round-off (below 1e-5 of G), and the result says
    the data are noise-free in a field and a note.  The same data with 0.1 degree noise are not flagged."""
    truth = au_si()
    clean = np.array([float(f"{v:.8g}") for v in M.observable(truth, "fdtr", "phase", FREQ)])
    start = truth.with_parameters({"G": 8e7})
    r = fit(start, "fdtr", FREQ, clean, ["G"])
    assert r.sigma_source == "residuals" and r.noise_free
    assert r.error_statistical[0] < 1e-5 * r.values[0]
    assert any(n.startswith("noise-free data") and "not a measurement error" in n for n in r.notes)
    noisy = clean + np.random.default_rng(0).normal(0.0, 0.1, FREQ.size)
    r2 = fit(start, "fdtr", FREQ, noisy, ["G"])
    assert not r2.noise_free and not any("noise-free" in n for n in r2.notes)


def test_a_fixed_input_far_beyond_its_error_is_flagged_and_inflated() -> None:
    """Data made with the beam radius 20 % larger than the sample says (stated error 1 %), phase noise 0.05 deg:
    chi^2 rejects the model (p < 1e-3), ``adequate`` is False with a note naming the likely causes, and the
    statistical error is inflated by sqrt(chi^2_nu) > 1."""
    truth = au_si(w=0.03e-6)
    data = truth.with_parameters({"w": 3.6e-6})
    y = M.observable(data, "fdtr", "phase", FREQ) + np.random.default_rng(1).normal(0.0, 0.05, FREQ.size)
    r = fit(truth, "fdtr", FREQ, y, ["G"], sigma=0.05)
    assert not r.adequate and r.p_value < 1e-3
    assert any(n.startswith("inadequate fit") for n in r.notes)
    assert math.isclose(r.error_inflation, math.sqrt(r.reduced_chi2), rel_tol=0.5) or r.error_inflation > 1.5


def test_a_fixed_input_within_its_error_is_not_flagged() -> None:
    """Data made with the Au thickness 1 sigma off its stated 100 +- 3 nm (0.05 deg noise): the plain chi^2 is
    large (the fit cannot absorb the thickness), but the fixed input's stated error explains it, so the fit is
    adequate and nothing is inflated (the propagated error covers it; its coverage: test_tr_fit_stats)."""
    truth = au_si(d_Au=3e-9)
    data = truth.with_parameters({"d_Au": 103e-9})
    y = M.observable(data, "fdtr", "phase", FREQ) + np.random.default_rng(2).normal(0.0, 0.05, FREQ.size)
    r = fit(truth, "fdtr", FREQ, y, ["G"], sigma=0.05)
    assert r.reduced_chi2 > 2.0  # the plain chi^2 alone would have rejected it
    assert r.adequate and r.error_inflation == 1.0
    assert abs(r.values[0] - 5e7) < 2 * r.error[0]  # one data set, a 1-sigma input offset: within 2 sigma


def test_correlated_noise_is_flagged_and_inflated() -> None:
    """AR(1) phase noise with rho = 0.8 from one frequency to the next (marginal sigma 0.1 deg, stated): the
    residuals' lag-1 autocorrelation exceeds 2/sqrt(n), a note says so, and the statistical error is inflated
    by sqrt((1 + rho)/(1 - rho)) with rho the measured one."""
    truth = au_si()
    rng = np.random.default_rng(3)
    e = np.empty(FREQ.size)
    e[0] = rng.standard_normal()
    for i in range(1, FREQ.size):
        e[i] = 0.8 * e[i - 1] + math.sqrt(1 - 0.64) * rng.standard_normal()
    y = M.observable(truth, "fdtr", "phase", FREQ) + 0.1 * e
    r = fit(truth, "fdtr", FREQ, y, ["G"], sigma=0.1)
    rho = r.residual_correlation
    assert rho > 2 / math.sqrt(FREQ.size)
    assert any(n.startswith("correlated residuals") for n in r.notes)
    expected = math.sqrt((1 + rho) / (1 - rho)) * (1.0 if r.adequate else math.sqrt(r.reduced_chi2))
    assert r.error_inflation > 1.0
    assert math.isclose(r.error_inflation, expected, rel_tol=0.2)


def test_the_flag_names_the_input_that_is_off() -> None:
    """Beam radius 20 % (6 stated sigma) larger than stated, 0.1 degree noise: the fixed-input test (the offsets'
    posterior mean against its spread under the stated errors) flags the fit and names w, about +6 sigma."""
    truth = au_si(w=0.1e-6, d_Au=3e-9, C_Au=0.03 * 2.49e6)
    y = M.observable(truth.with_parameters({"w": 3.6e-6}), "fdtr", "phase", FREQ)
    y = y + np.random.default_rng(5).normal(0.0, 0.1, FREQ.size)
    r = fit(truth, "fdtr", FREQ, y, ["G"], sigma=0.1)
    assert not r.adequate
    note = next(n for n in r.notes if n.startswith("fixed inputs inconsistent"))
    assert "most: w by +" in note
    shift = float(note.split("most: w by ")[1].split(" sigma")[0])
    assert 3.0 < shift < 9.0
