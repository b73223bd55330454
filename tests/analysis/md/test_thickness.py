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


def test_falling_resistance_leaves_kappa_not_determined_with_the_reason():
    """R falls with L (slope -0.024 +- 0.0019 m K/W, analytic weighted LSQ of the four points): kappa is not
    determined, NaN only beside a note that says why; R_K is flagged as suspect too."""
    L = np.array([1e-8, 2e-8, 4e-8, 8e-8])
    fit = fit_thickness_series(L, [5e-9, 4.5e-9, 4.1e-9, 3.2e-9], np.full(4, 1e-10))
    assert fit.slope < 0 and fit.kappa_status == "not determined"
    assert np.isnan(fit.kappa) and np.isnan(fit.kappa_err) and np.isnan(fit.kappa_lower)
    assert "does not grow with length" in fit.kappa_note and "R_K is suspect" in fit.kappa_note
    assert fit.kappa_note in fit.warnings


def test_flat_series_gives_a_lower_bound_not_an_error_bar():
    """A slope within 3 sigma of zero: kappa > 1/(slope + 2 sigma), kappa_err NaN with a note."""
    L = np.array([1e-8, 2e-8, 4e-8, 8e-8])
    sig = np.full(4, 1e-10)
    fit = fit_thickness_series(L, [5e-9, 5.05e-9, 5.1e-9, 5.2e-9], sig)
    assert 0 < fit.slope < 3 * fit.slope_err and fit.kappa_status == "lower bound"
    assert np.isnan(fit.kappa_err) and fit.kappa_lower == pytest.approx(1 / (fit.slope + 2 * fit.slope_err))
    assert "within 3 sigma of zero" in fit.kappa_note
    flat = fit_thickness_series(L, [5e-9, 5.0e-9, 4.98e-9, 4.99e-9], sig)
    assert flat.kappa_status == "not determined" and "kappa >" in flat.kappa_note and flat.kappa_lower > 0


def test_scatter_beyond_the_sigmas_scales_the_errors_and_says_so():
    """Residuals 10x the stated sigmas: chi2/dof ~ 100, p << 0.01, covariance scaled by chi2/dof (Birge ratio)."""
    L = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
    wiggle = np.array([1, -1, -1, 1, 1, -1]) * 1.0
    sig = np.full(6, 0.1)
    fit = fit_thickness_series(L, 3.0 + L / 2.0 + wiggle, sig)
    raw = fit_thickness_series(L, 3.0 + L / 2.0 + wiggle * 0.1, sig)  # same shape, chi2 ~ 1
    assert fit.chi2_pvalue < 0.01 and fit.error_scale == pytest.approx(np.sqrt(fit.chi2_per_dof))
    assert fit.R_K_err == pytest.approx(raw.R_K_err * fit.error_scale)
    assert any("scatter exceeds the stated sigmas" in w for w in fit.warnings)
    assert raw.error_scale == 1.0 and not raw.warnings


def test_cli_never_prints_nan_for_a_falling_series(cli, tmp_path):
    """`kapitza md thickness` and `fit thickness` on a falling series: exit 0, one line saying kappa is not
    determined and why; --json carries NaN only with a note under "notes"."""
    import json

    f = tmp_path / "falling.csv"
    f.write_text("L,R,sigma_R\n1e-8,5e-9,1e-10\n2e-8,4.5e-9,1e-10\n4e-8,4.1e-9,1e-10\n8e-8,3.2e-9,1e-10\n")
    for command in ("md", "fit"):
        status, out, _ = cli(command, "thickness", f)
        assert status == 0
        assert "nan" not in out.lower()
        lines = [x for x in out.splitlines() if x.startswith("\u03ba")]
        assert len(lines) == 1 and "not determined" in lines[0] and "does not grow with length" in lines[0]
    status, out, _ = cli("md", "thickness", f, "--json")
    assert status == 0
    doc = json.loads(out)
    nan_keys = {k for k, v in doc.items() if v == "nan"}
    assert nan_keys == {"kappa", "kappa_err", "kappa_lower_2sigma"} and nan_keys <= set(doc["notes"])
    assert doc["kappa_status"] == "not determined"


def test_the_extrapolated_conductance_is_one_over_r_k_with_its_first_order_error():
    """G_K = 1/R_K and sigma_G = sigma_R / R_K^2 (first-order propagation), on a series made exactly linear:
    R(L) = 2 + L/5 at L = 1, 2, 3 (reference values written here)."""
    from kapitza.analysis.md.thickness import fit_thickness_series

    fit = fit_thickness_series([1.0, 2.0, 3.0], [2.2, 2.4, 2.6], [0.1, 0.1, 0.1])
    assert fit.R_K == pytest.approx(2.0)
    assert fit.G_K == pytest.approx(0.5) and fit.G_K_err == pytest.approx(fit.R_K_err / 4.0)
