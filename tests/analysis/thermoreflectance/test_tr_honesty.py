"""What a thermoreflectance fit says about its own statistical error (issue 25, item 7).

* Noise-free data without stated sigmas: residual scaling gives an error at round-off, which must be flagged
  (``noise_free``, a note), not reported as a measurement error.
* Data whose fixed input is off far beyond its stated error: chi^2 (with the fixed inputs' stated errors allowed
  for) rejects the model; the fit says so and inflates the statistical error by sqrt(chi^2_nu) (Birge ratio).
* A fixed input off by about its stated error is *not* flagged: its propagated error already covers it.
* AR(1)-correlated noise: its correlation is estimated by restricted maximum likelihood (the fit's projection
  allowed for, unlike the residuals' lag-1 autocorrelation, which it biases low) and the statistical covariance is
  the least-squares covariance under that noise (sandwich), noted.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from kapitza.analysis.thermoreflectance import Interface, Laser, Layer, Sample
from kapitza.analysis.thermoreflectance import model as M
from kapitza.analysis.thermoreflectance.least_squares import fit

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


def _ar1(rng: np.random.Generator, n: int, rho: float) -> np.ndarray:
    e = np.empty(n)
    e[0] = rng.standard_normal()
    for i in range(1, n):
        e[i] = rho * e[i - 1] + math.sqrt(1 - rho * rho) * rng.standard_normal()
    return e


def test_correlated_noise_is_flagged_and_inflated() -> None:
    """AR(1) phase noise with rho = 0.8 from one frequency to the next (marginal sigma 0.1 deg, stated): a note
    names the estimated rho, and the statistical error is the least-squares error under that noise,
    sqrt(j^T V j) / (j^T j) with V_ij = rho^|i-j| (an independent dense-matrix computation here, j the model's
    derivative in ln G by central differences over the stated sigma) against 1 / sqrt(j^T j) for white noise."""
    truth = au_si()
    y = M.observable(truth, "fdtr", "phase", FREQ) + 0.1 * _ar1(np.random.default_rng(3), FREQ.size, 0.8)
    r = fit(truth, "fdtr", FREQ, y, ["G"], sigma=0.1)
    rho = r.residual_correlation
    assert 0.5 < rho < 0.99
    assert any(n.startswith("correlated residuals") for n in r.notes)
    g = r.values[0]
    up = M.observable(truth.with_parameters({"G": g * math.exp(1e-3)}), "fdtr", "phase", FREQ)
    down = M.observable(truth.with_parameters({"G": g * math.exp(-1e-3)}), "fdtr", "phase", FREQ)
    j = (up - down) / 2e-3 / 0.1
    i = np.arange(FREQ.size)
    v = rho ** np.abs(i[:, None] - i[None, :])
    k = _satterthwaite_t(j, y - M.observable(truth.with_parameters({"G": g}), "fdtr", "phase", FREQ), rho)
    assert 1.0 < k < 1.2
    expected = k * math.sqrt(j @ v @ j / (j @ j))
    assert r.adequate and r.error_inflation > 1.5
    assert math.isclose(r.error_inflation, expected, rel_tol=2e-3)
    assert math.isclose(r.error_statistical[0], k * g * math.sqrt(j @ v @ j) / (j @ j), rel_tol=2e-3)


def _satterthwaite_t(j: np.ndarray, residuals: np.ndarray, rho: float) -> float:
    """The 68.3 % Student-t factor of the AR(1) sandwich error with Satterthwaite's degrees of freedom
    (Satterthwaite, Biometrics Bull. 2, 110 (1946)), here with dense matrices, independently of the fit's banded
    algebra: ``nu = 2 v^2 / ((dv/drho)^2 Var(rho_hat))``, ``v(rho) = j^T V j / (j^T j)^2``, Var(rho_hat) the inverse
    curvature of the restricted log-likelihood with the variance profiled, ``-1/2 [log|V| + log|j^T V^-1 j| +
    (n - 1) log(r^T Q r)]`` (Harville, JASA 72, 320 (1977)), r the fit's residuals in units of the stated sigma."""
    from scipy import stats

    n, r = j.size, residuals / 0.1
    i = np.arange(n)

    def cov(t: float) -> np.ndarray:
        return t ** np.abs(i[:, None] - i[None, :])

    def loglik(t: float) -> float:
        vi = np.linalg.inv(cov(t))
        jvj = float(j @ vi @ j)
        q = vi - np.outer(vi @ j, vi @ j) / jvj
        return -0.5 * (np.linalg.slogdet(cov(t))[1] + math.log(jvj) + (n - 1) * math.log(float(r @ q @ r)))

    def var(t: float) -> float:
        return float(j @ cov(t) @ j) / float(j @ j) ** 2

    h = 0.01
    var_rho = -(h * h) / (loglik(rho - h) - 2 * loglik(rho) + loglik(rho + h))
    dv = (var(rho + 1e-4) - var(rho - 1e-4)) / 2e-4
    nu = 2 * var(rho) ** 2 / (dv * dv * var_rho)
    return float(stats.t.ppf(stats.norm.cdf(1.0), max(nu, 1.0)))


def test_the_ar1_estimate_is_not_biased_low_by_the_fit() -> None:
    """200 AR(1) noise series (rho = 0.7, 20 points) projected off a TDTR-like sensitivity (a smooth curve through
    zero): the residuals' lag-1 autocorrelation averages about 0.4 (the projection and the short series bias it
    low, and only about half pass 2/sqrt(n)), the restricted-likelihood estimate averages 0.7 within 0.05."""
    from kapitza.analysis.thermoreflectance.noise import ar1_reml

    n = 20
    j = np.linspace(1.0, -2.5, n) + 0.3 * np.linspace(0, 1, n) ** 2
    rng = np.random.default_rng(11)
    reml, lag1 = [], []
    for _ in range(200):
        e = _ar1(rng, n, 0.7)
        res = e - j * (j @ e) / (j @ j)
        reml.append(ar1_reml(res, j[:, None], np.zeros((n, 0)), True)[0])
        c = res - res.mean()
        lag1.append(c[1:] @ c[:-1] / (c @ c))
    assert abs(np.mean(reml) - 0.7) < 0.05
    assert np.mean(lag1) < 0.5


@pytest.mark.parity
def test_the_ar1_algebra_matches_dense_matrices() -> None:
    """V x by two first-order filters and V^-1 x by the tridiagonal precision agree with the dense V = rho^|i-j|
    and its numerical inverse; the restricted log-likelihood matches its dense definition (Harville 1977)."""
    from kapitza.analysis.thermoreflectance.noise import ar1_loglik, ar1_precision, ar1_times

    rng = np.random.default_rng(4)
    n, rho = 15, 0.6
    i = np.arange(n)
    v = rho ** np.abs(i[:, None] - i[None, :])
    x = rng.standard_normal((n, 3))
    assert np.allclose(ar1_times(x, rho), v @ x, atol=1e-12)
    assert np.allclose(ar1_precision(x, rho), np.linalg.solve(v, x), atol=1e-10)
    xr, a, r = x[:, :1], 0.5 * x[:, 1:2], x[:, 2]
    s = v + a @ a.T
    si = np.linalg.inv(s)
    m = xr.T @ si @ xr
    qm = si - si @ xr @ np.linalg.solve(m, xr.T @ si)
    dense = -0.5 * (np.linalg.slogdet(s)[1] + np.linalg.slogdet(m)[1] + r @ qm @ r)
    assert math.isclose(ar1_loglik(rho, r, xr, a, True), dense, rel_tol=1e-10)


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
