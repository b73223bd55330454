"""Thermoreflectance fits as estimators: error-bar coverage over many noisy data sets, propagation of the fixed
inputs' errors, a noisy TDTR fit, and the emcee posterior against least squares.

Coverage bounds: over n seeds the fraction of fits whose 1-sigma interval holds the truth is binomial with
p = 0.6827; the tests accept p +- 2.5 sqrt(p (1 - p) / n) (for n = 200: 0.600..0.765).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from kapitza.analysis.thermoreflectance import Interface, Laser, Layer, Sample
from kapitza.analysis.thermoreflectance import model as M
from kapitza.analysis.thermoreflectance.least_squares import fit
from kapitza.analysis.thermoreflectance.posterior import sample_posterior
from kapitza.errors import InputError

FREQ = np.geomspace(1e5, 2e7, 12)
DELAY = np.geomspace(100e-12, 4e-9, 15)
P1 = 0.6827


def al_sapphire(**errors: float) -> Sample:
    """80 nm Al on sapphire near 300 K (Al 2.42 MJ m^-3 K^-1, ~200 W/m/K in films; sapphire 3.06 MJ m^-3 K^-1,
    35 W/m/K), G = 1e8 W m^-2 K^-1: the standard TDTR calibration sample of Cahill 2004."""
    return Sample(
        (Layer("Al", 80e-9, 2.42e6, 200.0, 200.0), Layer("sub", math.inf, 3.06e6, 35.0, 35.0)),
        (Interface("G", 1e8),),
        Laser(10e-6, 5e-6, 80e6, 9.8e6),
        errors=errors,
    )


def _bounds(n: int) -> tuple[float, float]:
    half = 2.5 * math.sqrt(P1 * (1 - P1) / n)
    return P1 - half, P1 + half


def test_fdtr_phase_error_bars_cover_the_truth_68_percent_of_the_time() -> None:
    """200 FDTR phase data sets (Gaussian noise 0.3 degrees, 12 frequencies, 0.1-20 MHz) from G = 1e8 W m^-2 K^-1:
    the fitted G +- its 1-sigma error holds 1e8 in 0.600..0.765 of them (binomial bounds, module docstring); the
    mean reduced chi^2 is 1 within 3 sigma (sqrt(2/dof/n))."""
    truth = al_sapphire()
    clean = M.observable(truth, "fdtr", "phase", FREQ)
    n, inside, red = 200, 0, []
    for seed in range(n):
        y = clean + np.random.default_rng(seed).normal(0.0, 0.3, FREQ.size)
        r = fit(truth, "fdtr", FREQ, y, ["G"], sigma=0.3)
        inside += abs(r.values[0] - 1e8) < r.error[0]
        red.append(r.reduced_chi2)
    lo, hi = _bounds(n)
    assert lo <= inside / n <= hi
    assert abs(np.mean(red) - 1) < 3 * math.sqrt(2 / (FREQ.size - 1) / n)


def test_fixed_input_errors_restore_the_coverage() -> None:
    """Yang, Ziade & Schmidt, RSI 87, 014901 (2016): the transducer thickness of each data set is drawn from
    N(80 nm, 3 nm) while the fit assumes 80 nm +- 3 nm.  With 0.05 degree phase noise the statistical error alone
    covers G = 1e8 in far fewer than 68 % of 100 data sets (below 0.4); the total error (statistical + propagated)
    covers it in 0.566..0.799 (binomial bounds for n = 100)."""
    truth = al_sapphire(d_Al=3e-9)
    n, total, stat = 100, 0, 0
    for seed in range(n):
        rng = np.random.default_rng(1000 + seed)
        d = 80e-9 + 3e-9 * rng.standard_normal()
        y = M.observable(truth.with_parameters({"d_Al": d}), "fdtr", "phase", FREQ) + rng.normal(0, 0.05, FREQ.size)
        r = fit(truth, "fdtr", FREQ, y, ["G"], sigma=0.05)
        total += abs(r.values[0] - 1e8) < r.error[0]
        stat += abs(r.values[0] - 1e8) < r.error_statistical[0]
    lo, hi = _bounds(n)
    assert lo <= total / n <= hi
    assert stat / n < 0.4


@pytest.mark.parametrize("seed", [0, pytest.param(1, marks=pytest.mark.slow)])
def test_tdtr_g_and_substrate_conductivity_from_noisy_ratio(seed: int) -> None:
    """Al/sapphire TDTR (Cahill 2004's calibration stack): ratio data with 1 % Gaussian noise at 15 delays give G and
    k_sub within 3 of their reported errors of 1e8 W m^-2 K^-1 and 35 W/m/K, with a reduced chi^2 near 1."""
    truth = al_sapphire()
    clean = M.observable(truth, "tdtr", "ratio", DELAY)
    sigma = 0.01 * clean
    y = clean + sigma * np.random.default_rng(seed).standard_normal(DELAY.size)
    r = fit(truth, "tdtr", DELAY, y, ["G", "k_sub"], sigma=sigma)
    assert np.all(np.abs(r.values - [1e8, 35.0]) < 3 * r.error)
    assert 0.2 < r.reduced_chi2 < 2.5  # chi^2 with 13 dof: 99.6 % inside
    assert -1 < r.correlation[0, 1] < 1


@pytest.mark.parity
def test_posterior_agrees_with_least_squares_on_a_well_determined_fit() -> None:
    """For one well-determined parameter (G from FDTR phase, 0.3 degree noise) the likelihood is near Gaussian in
    ln G, so the emcee median is within 0.3 sigma of the least-squares value and the 16-84 % half-width within 30 %
    of the statistical 1-sigma error (Hogg & Foreman-Mackey, ApJS 236, 11 (2018): sampling error of ~1000 draws)."""
    truth = al_sapphire()
    y = M.observable(truth, "fdtr", "phase", FREQ) + np.random.default_rng(3).normal(0.0, 0.3, FREQ.size)
    calls: list[int] = []
    p = sample_posterior(
        truth, "fdtr", FREQ, y, ["G"], sigma=0.3, walkers=8, steps=160, burn=40, progress=lambda d, t: calls.append(d)
    )
    ls, err = p.least_squares_values[0], p.least_squares_errors_statistical[0]
    assert abs(p.median[0] - ls) < 0.3 * err
    assert 0.7 < (p.p84[0] - p.p16[0]) / 2 / err < 1.3
    assert calls[-1] == 160 and p.chain.shape[1] == 1 and 0.2 < p.acceptance_fraction < 0.95
    # 120 steps after the burn-in: too few for emcee's autocorrelation estimate (50 tau): NaN and a note
    assert np.isnan(p.autocorrelation_time[0]) and any("autocorrelation" in n for n in p.notes)


def test_posterior_refuses_absurd_runs_before_any_work() -> None:
    """walkers x steps beyond max_evaluations is refused with the count and the override's name."""
    truth = al_sapphire()
    with pytest.raises(ValueError, match="needs 80000000 model evaluations.*max_evaluations="):
        sample_posterior(truth, "fdtr", FREQ, np.zeros(FREQ.size), ["G"], walkers=8, steps=10_000_000)
    with pytest.raises(ValueError, match="burn= .* must be smaller"):
        sample_posterior(truth, "fdtr", FREQ, np.zeros(FREQ.size), ["G"], steps=10, burn=10)


def test_the_sampler_takes_one_settings_record():
    """Issue 85, item 1: sample_posterior's sampler settings are one record, Sampling (or its fields by keyword, as
    before); a keyword that is no setting is one line."""
    from kapitza.analysis.thermoreflectance import Sampling

    truth = al_sapphire()
    with pytest.raises(InputError, match="must be smaller than steps"):
        sample_posterior(truth, "fdtr", FREQ, np.zeros(FREQ.size), ["G"], sampling=Sampling(steps=10, burn=10))
    with pytest.raises(InputError, match="unknown setting 'step' of sample_posterior"):
        sample_posterior(truth, "fdtr", FREQ, np.zeros(FREQ.size), ["G"], step=10)
    with pytest.raises(InputError, match="sampling= must be a Sampling"):
        sample_posterior(truth, "fdtr", FREQ, np.zeros(FREQ.size), ["G"], sampling={"steps": 10})
