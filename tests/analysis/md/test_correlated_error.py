"""The error of the mean of a correlated series (kapitza.analysis.md.blocking.correlated_mean), on series whose
integrated autocorrelation time is known.

An AR(1) series x_i = rho x_{i-1} + sqrt(1 - rho^2) e_i has C(t) = rho^|t|, so its integrated autocorrelation time
is tau_int = 1/2 + sum_{t>=1} rho^t = (1 + rho) / (2 (1 - rho)) and its statistical inefficiency g = 2 tau_int =
(1 + rho) / (1 - rho) (Sokal, "Monte Carlo methods in statistical mechanics", 1997, Eq. 2.20 ff.; e.g. g = 3 at
rho = 0.5): the variance of the mean of N samples is g / N.  An MA(1) series x_i = (e_i + theta e_{i-1}) /
sqrt(1 + theta^2) has C(1) = theta / (1 + theta^2) and nothing beyond, so g = (1 + theta)^2 / (1 + theta^2) (0.2 at
theta = -0.5: consecutive samples anticorrelated, as the per-block bath flux is).  The estimator is not built on
either model (it sums measured autocorrelations), so these are tests of it by another generator.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats
from scipy.signal import lfilter

from kapitza.analysis.md.blocking import (
    MIN_INEFFICIENCY,
    blocking_curve,
    correlated_mean,
    initial_monotone_inefficiency,
    t_factor,
)
from kapitza.errors import InputError


def ar1(rng: np.random.Generator, n: int, rho: float) -> np.ndarray:
    """Unit-variance AR(1) with a stationary start."""
    e = rng.standard_normal(n) * math.sqrt(1 - rho**2)
    e[0] = rng.standard_normal()
    return lfilter([1.0], [1.0, -rho], e)


def ma1(rng: np.random.Generator, n: int, theta: float) -> np.ndarray:
    e = rng.standard_normal(n + 1)
    return (e[1:] + theta * e[:-1]) / math.sqrt(1 + theta**2)


@pytest.mark.parametrize("rho", [0.0, 0.5, 0.8])
def test_inefficiency_of_a_long_ar1_series_is_its_known_value(rho):
    """g = (1 + rho) / (1 - rho): 1, 3 and 9.  On 200,000 samples the estimate's own scatter is a few per cent
    (Sokal 1997: var(tau_int estimate) ~ 2 (2M + 1) / N tau_int^2 for a window M); 8 % is allowed."""
    x = ar1(np.random.default_rng(1), 200_000, rho)
    g, resolved = initial_monotone_inefficiency(x)
    assert resolved
    assert g == pytest.approx((1 + rho) / (1 - rho), rel=0.08)
    r = correlated_mean(x)
    assert r.tau_int == pytest.approx(g / 2) and r.n_effective == pytest.approx(x.size / g) and r.converged


def test_anticorrelated_ma1_has_an_inefficiency_below_one_floored_at_half():
    """theta = -0.3: g = 0.49 / 1.09 = 0.45, below 1 (the error is smaller than the plain standard error) and just
    under the floor MIN_INEFFICIENCY = 0.5; theta = -0.2: g = 0.64 / 1.04 = 0.615, above it."""
    rng = np.random.default_rng(2)
    g, _ = initial_monotone_inefficiency(ma1(rng, 200_000, -0.2))
    assert g == pytest.approx(0.64 / 1.04, rel=0.05)
    g, _ = initial_monotone_inefficiency(ma1(rng, 200_000, -0.3))
    assert g == pytest.approx(MIN_INEFFICIENCY)


def test_blocking_curve_rises_to_the_correlated_error():
    """Flyvbjerg & Petersen (1989): the block-average error grows with the block length until the blocks are
    independent, then stays: on AR(1) rho = 0.8 (g = 9) the plateau is sqrt(g) = 3 times the error of block size
    1, which is the plain standard error, and it agrees with correlated_mean's error within the plateau's own error."""
    x = ar1(np.random.default_rng(3), 2**16, 0.8)
    curve = blocking_curve(x)
    sizes = [c[0] for c in curve]
    assert sizes[:3] == [1, 2, 4] and curve[0][1] == pytest.approx(np.std(x, ddof=1) / math.sqrt(x.size))
    plateau = [c for c in curve if c[0] in (64, 128, 256)]  # blocks of 7-28 correlation times, 256-1024 of them
    r = correlated_mean(x)
    for _, err, err_err in plateau:
        assert abs(err - r.err) < 3 * err_err
    assert plateau[1][1] / curve[0][1] == pytest.approx(3.0, rel=0.15)


@pytest.mark.parametrize(("rho", "n"), [(0.0, 20), (0.3, 20), (0.5, 50), (-0.3, 50), (0.6, 200)])
def test_one_sigma_covers_the_mean_68_percent_of_the_time(rho, n):
    """The claimed cases: 20 to 200 samples, lag-1 correlations -0.3 to 0.6.  Over 600 seeds the coverage of an
    honest 1-sigma is 0.683 with a standard error of 0.019; the band is the calibration page's, 0.60-0.76.  The plain
    standard error covers 0.38 at rho = 0.6 (tests below), so this test fails for an estimator that ignores the
    correlation."""
    rng = np.random.default_rng([4, n, int(100 * (rho + 1))])
    hits = [abs((r := correlated_mean(ar1(rng, n, rho))).mean) <= r.err for _ in range(600)]
    assert 0.60 <= np.mean(hits) <= 0.76


def test_the_plain_standard_error_would_not_cover():
    """The reason for the estimator: on AR(1) rho = 0.6, 200 samples (g = 4) the standard error over samples covers
    the mean about erf(1 / (sqrt(2) sqrt(4))) = 0.38 of the time (measured here over 600 seeds)."""
    rng = np.random.default_rng(5)
    hits = []
    for _ in range(600):
        x = ar1(rng, 200, 0.6)
        hits.append(abs(x.mean()) <= np.std(x, ddof=1) / math.sqrt(x.size))
    assert np.mean(hits) == pytest.approx(math.erf(0.5 / math.sqrt(2)), abs=0.06)


def test_independent_samples_give_the_t_interval():
    """independent=True: g = 1, and the error is the plain standard error times Student's t for n - 1 degrees of
    freedom (scipy.stats.t.ppf(Phi(1), n - 1))."""
    x = np.array([1.0, 2.5, 0.5, 3.0, 2.0])
    r = correlated_mean(x, independent=True)
    t4 = stats.t.ppf(stats.norm.cdf(1.0), 4)
    assert r.inefficiency == 1.0 and r.t_factor == pytest.approx(t4)
    assert r.err == pytest.approx(t4 * np.std(x, ddof=1) / math.sqrt(x.size), rel=1e-12)


@pytest.mark.parametrize(("dof", "reference"), [(1, 1.8373), (2, 1.3213), (3, 1.1969), (9, 1.0587)])
def test_t_factor_is_student_t(dof, reference):
    """The 84.13 % quantile of Student's t (scipy.stats.t.ppf(0.8413, dof): 1.837, 1.321, 1.197, 1.059)."""
    assert t_factor(dof) == pytest.approx(stats.t.ppf(stats.norm.cdf(1.0), dof), rel=1e-12)
    assert t_factor(dof) == pytest.approx(reference, abs=2e-4)


def test_a_constant_series_has_no_error_and_a_short_or_slow_one_says_so():
    r = correlated_mean(np.full(12, 0.3) + 1e-17)  # round-off only
    assert r.err == 0.0 and r.inefficiency == 1.0
    slow = correlated_mean(ar1(np.random.default_rng(6), 20, 0.97))
    assert not slow.converged and "not converged" in slow.method
    with pytest.raises(InputError, match="at least 2 samples"):
        correlated_mean([1.0])
    with pytest.raises(InputError, match="finite"):
        correlated_mean([1.0, float("nan"), 2.0])
