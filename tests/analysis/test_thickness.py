"""Thickness series R(L) = R_K + L/kappa and the 1/L extrapolation of kappa: weighted straight-line fits."""

from __future__ import annotations

import numpy as np
import pytest

from kapitza.analysis import extrapolate_conductivity, fit_thickness_series
from kapitza.errors import InputError


def test_exact_line_recovered():
    """R_K = 2e-9 m^2 K/W, kappa = 150 W/m/K: R = R_K + L/kappa exactly."""
    L = np.array([10, 20, 40, 80]) * 1e-9
    fit = fit_thickness_series(L, 2e-9 + L / 150.0, np.full(4, 1e-10))
    assert fit.R_K == pytest.approx(2e-9, rel=1e-9) and fit.kappa == pytest.approx(150.0, rel=1e-9)
    assert fit.chi2_per_dof == pytest.approx(0.0, abs=1e-12)


def test_errors_from_the_weighted_covariance_are_honest():
    """Over 300 noisy series, ~68 % of intercepts fall within the reported R_K_err."""
    rng = np.random.default_rng(0)
    L = np.array([5.0, 10.0, 20.0, 40.0, 80.0])
    sigma = np.array([0.1, 0.1, 0.2, 0.3, 0.5])
    hits = 0
    for _ in range(300):
        fit = fit_thickness_series(L, 3.0 + L / 50.0 + rng.normal(0, sigma), sigma)
        hits += abs(fit.R_K - 3.0) < fit.R_K_err
    assert 0.6 <= hits / 300 <= 0.76
    # two points: the line goes through them, the covariance comes from the sigmas alone
    two = fit_thickness_series([1.0, 3.0], [1.0, 2.0], [0.1, 0.1])
    assert two.slope == pytest.approx(0.5) and two.slope_err == pytest.approx(np.sqrt(0.02) / 2)


def test_one_over_length_extrapolation():
    """1/kappa(L) = 1/100 + 5/L exactly -> kappa_inf = 100."""
    L = np.array([10.0, 20.0, 50.0, 100.0])
    k = 1.0 / (0.01 + 5.0 / L)
    ex = extrapolate_conductivity(L, k, 0.01 * k)
    assert ex.kappa_inf == pytest.approx(100.0, rel=1e-9) and ex.c == pytest.approx(5.0, rel=1e-9)


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (([1.0], [1.0], [0.1]), "at least 2 points"),
        (([1.0, 1.0], [1.0, 2.0], [0.1, 0.1]), "share one length"),
        (([1.0, 2.0], [1.0, 2.0], [0.1, 0.0]), "sigma must be > 0"),
        (([1.0, np.nan], [1.0, 2.0], [0.1, 0.1]), "length must be > 0"),
        (([1.0, 2.0], [1.0, np.inf], [0.1, 0.1]), "finite"),
    ],
)
def test_bad_series(args, match):
    with pytest.raises(InputError, match=match):
        fit_thickness_series(*args)
