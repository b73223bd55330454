r"""Calibration of the spectral heat current's integrals and the sum-rule check (:mod:`kapitza.analysis.md.spectral`).

Synthetic "force" and "velocity" signals with a prescribed cross-spectrum, made in the time domain (not by
the estimator's Fourier model):

* v(t) = a damped resonance (an AR(2) process: period 12 samples, 1/e damping 15 samples) plus a slow
  coloured part (AR(1), correlation time 6 samples), variances 1 and 0.5;
* F(t) = b_0 v(t) + b_1 v(t - d) + eta(t): an instantaneous and a delayed (d = 3 samples) linear response,
  plus coloured noise eta (AR(1), correlation time 4 samples, variance 2) independent of v.

The mean power is then <F v> = b_0 R_v(0) + b_1 R_v(d), with R_v from the Yule-Walker recursions, and the
one-sided cross-spectral density is S_Fv(omega) = Re[b_0 + b_1 e^{-i omega d dt}] S_vv(omega) with the AR
spectra S_vv = sigma_w^2 dt / (pi |1 - sum_j phi_j e^{-i j omega dt}|^2); a band's truth is its integral
by adaptive quadrature (scipy.integrate.quad), independent of the FFT estimator.

Each experiment is one continuous trajectory cut into consecutive blocks, as a run is; each block goes
through :func:`kapitza.spectra.transform` and :func:`kapitza.spectra.cross_density` (the Hann-windowed
one-sided density the MD sampler writes), and the blocks through :func:`kapitza.analysis.md.spectral.block_integral`
(band and total) and :func:`kapitza.analysis.md.spectral.sum_rule` (against a bath flux = truth + Gaussian noise
of a stated error, or against a flux the spectrum only partly carries).
"""

from __future__ import annotations

import math

import numpy as np
from scipy.integrate import quad
from scipy.signal import lfilter

from kapitza import spectra
from kapitza.analysis.md.spectral import block_integral, sum_rule

from . import common

ESTIMATOR = "Spectral heat current: integrals and sum rule"
DT = 1.0
BLOCK = 256
B0, B1, DELAY = 0.6, 0.5, 3
PERIOD, DAMPING = 12.0, 15.0
SLOW_TIME, SLOW_VAR = 6.0, 0.5
NOISE_TIME, NOISE_VAR = 4.0, 2.0
#: The share of the response a deficient force form keeps (the sum-rule case that must fail).
MISSING_PART = 0.6


def _ar2_coefficients() -> tuple[float, float]:
    r, theta = math.exp(-1.0 / DAMPING), 2 * math.pi / PERIOD
    return 2 * r * math.cos(theta), -r * r


def _ar2_variance(phi1: float, phi2: float) -> float:
    """Variance of an AR(2) process with unit innovations (Box & Jenkins, eq. 3.2.16)."""
    return (1 - phi2) / ((1 + phi2) * ((1 - phi2) ** 2 - phi1**2))


def autocorrelation(lag: int) -> float:
    """R_v(lag) of the velocity (AR(2) of unit variance + AR(1) of variance SLOW_VAR), Yule-Walker recursion."""
    phi1, phi2 = _ar2_coefficients()
    rho = [1.0, phi1 / (1 - phi2)]
    for _ in range(2, lag + 1):
        rho.append(phi1 * rho[-1] + phi2 * rho[-2])
    return rho[lag] + SLOW_VAR * math.exp(-lag / SLOW_TIME)


def mean_power() -> float:
    """<F v> = b_0 R_v(0) + b_1 R_v(d)."""
    return B0 * autocorrelation(0) + B1 * autocorrelation(DELAY)


def cross_density(omega: float) -> float:
    """One-sided S_Fv(omega) (its integral over 0 .. pi/dt is <F v>)."""
    phi1, phi2 = _ar2_coefficients()
    z = np.exp(-1j * omega * DT)
    s_res = (1 / _ar2_variance(phi1, phi2)) * DT / math.pi / abs(1 - phi1 * z - phi2 * z * z) ** 2
    a = math.exp(-1.0 / SLOW_TIME)
    s_slow = SLOW_VAR * (1 - a * a) * DT / math.pi / abs(1 - a * z) ** 2
    return float((B0 + B1 * math.cos(omega * DELAY * DT)) * (s_res + s_slow))


def band_truth(lo: float, hi: float) -> float:
    """Integral of :func:`cross_density` over [lo, hi] (rad per time unit)."""
    return float(quad(cross_density, lo, hi, limit=200, epsabs=1e-12)[0])


def _signals(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    burn = 500
    phi1, phi2 = _ar2_coefficients()
    res = lfilter([1.0], [1.0, -phi1, -phi2], rng.standard_normal(n + burn))[burn:] / math.sqrt(
        _ar2_variance(phi1, phi2)
    )

    def ar1(time: float, var: float) -> np.ndarray:
        a = math.exp(-1.0 / time)
        return lfilter([1.0], [1.0, -a], rng.standard_normal(n + burn) * math.sqrt(var * (1 - a * a)))[burn:]

    v = res + ar1(SLOW_TIME, SLOW_VAR)
    delayed = np.concatenate((np.zeros(DELAY), v[:-DELAY]))
    f = B0 * v + B1 * delayed + ar1(NOISE_TIME, NOISE_VAR)
    return f[DELAY:], v[DELAY:]  # drop the samples whose delayed partner is missing


def block_spectra(rng: np.random.Generator, blocks: int, part: float = 1.0) -> np.ndarray:
    """(blocks, nf) densities of F v of one continuous trajectory; ``part`` < 1 keeps only that share of the
    linear response in F (a force form that misses part of the interaction; the noise eta is kept whole)."""
    f, v = _signals(rng, blocks * BLOCK + 2 * DELAY)
    if part != 1.0:
        delayed = np.concatenate((np.zeros(DELAY), v[:-DELAY]))
        f, v = (f - (1 - part) * (B0 * v + B1 * delayed))[DELAY:], v[DELAY:]
    out = []
    for b in range(blocks):
        s = slice(b * BLOCK, (b + 1) * BLOCK)
        out.append(spectra.cross_density(spectra.transform(f[s]), spectra.transform(v[s]), BLOCK, DT))
    return np.asarray(out)


def run(n_seeds: int, blocks: int = 20) -> list[common.CalibrationRow]:
    """Rows for the calibration page (module docstring)."""
    omega = spectra.frequencies(BLOCK, DT)
    d_omega = spectra.frequency_step(BLOCK, DT)
    total = mean_power()
    cut = 2 * math.pi / PERIOD  # the resonance: the band above it
    band = (omega >= cut).astype(float)
    band_lo = omega[band > 0][0] - d_omega / 2  # the bins' own edges
    band_value = band_truth(band_lo, math.pi / DT)
    rows = []

    def total_one(seed: int):
        q = block_spectra(np.random.default_rng([25, 3, seed]), blocks)
        est, err = block_integral(q, d_omega)
        return est, err, total, False

    rows.append(common.summarize(
        ESTIMATOR, f"total flux (Parseval sum), {blocks} blocks of {BLOCK} samples", f"<F v> = {total:.4g}",
        common.run_seeds(total_one, n_seeds)))  # fmt: skip

    def band_one(seed: int):
        q = block_spectra(np.random.default_rng([25, 4, seed]), blocks)
        est, err = block_integral(q, d_omega, band)
        return est, err, band_value, False

    rows.append(common.summarize(
        ESTIMATOR, f"band above the resonance (omega >= {cut:.3g} rad/sample), {blocks} blocks",
        f"{band_value:.4g} (quadrature)", common.run_seeds(band_one, n_seeds),
        note="truth integrated from the bin edge; the Hann window's leakage across the band edge is part of "
        "the bias"))  # fmt: skip

    def agree_one(seed: int, part: float = 1.0):
        rng = np.random.default_rng([25, 5, seed])
        q = block_spectra(rng, blocks, part)
        bath_err = 0.5 * block_integral(q, d_omega)[1]  # a bath flux twice as precise as the spectrum
        check = sum_rule(q, d_omega, total + bath_err * rng.standard_normal(), bath_err)
        return check.difference, check.combined_err, 0.0, not check.agrees

    rows.append(common.summarize(
        ESTIMATOR, "sum rule, q carries the whole flux (bath flux = truth + noise of its stated error)",
        "difference 0", common.run_seeds(agree_one, n_seeds),
        note="flagged = the check says 'does not agree' (expected for 4.6 % of seeds at 2 SE)"))  # fmt: skip
    missing = (1 - MISSING_PART) * total
    rows.append(common.summarize(
        ESTIMATOR, f"sum rule, q carries {MISSING_PART:.0%} of the flux", f"difference {-missing:.3g}",
        common.run_seeds(lambda s: agree_one(s, MISSING_PART), n_seeds), expected="flagged",
        note=f"q integrates to {total - missing:.4g} against a bath flux of {total:.4g}: the check must say "
        "'does not agree' (flagged) on nearly every seed"))  # fmt: skip
    return rows
