"""Calibration of the thickness-series fit (scripts/calibration/thickness.py): 1-sigma coverage of R_K and kappa
within 0.60-0.76 and |bias| < 0.3 sigma on the claimed cases (non-Gaussian, ratio-of-noisy-numbers members);
understated sigmas and curvature flagged; an unresolved slope never gives kappa +- an error.  200 seeds."""

from __future__ import annotations

import pytest

from calibration import common, thickness

N = 200


@pytest.fixture(scope="module")
def rows():
    return {r.case: r for r in thickness.run(N)}


def test_claimed_cases_cover_68_percent_without_bias(rows):
    claimed = [r for r in rows.values() if r.expected == "claimed"]
    assert len(claimed) == 6
    for r in claimed:
        assert r.accepted >= 0.95 * r.n, r
        assert common.COVERAGE_BAND[0] <= r.coverage <= common.COVERAGE_BAND[1], r
        assert abs(r.bias_over_sigma) < 0.3, r


def test_understated_sigmas_are_flagged_and_rescaled(rows):
    for r in rows.values():
        if r.case.endswith("scatter 3× the stated σ, 12 lengths"):
            assert r.flagged >= 0.9 * r.accepted, r
            assert 0.55 <= r.coverage <= 0.80, r  # Birge-scaled errors are roughly honest again


def test_curvature_is_flagged_on_a_share_of_seeds(rows):
    """The straight line cannot be right on a curved series; the curvature test flags a good share of the seeds
    (measured 167 of 300); it is stated as a limitation, not claimed."""
    r = next(r for r in rows.values() if r.case.startswith("R_K: finite-size curvature"))
    assert r.expected == "flagged" and r.flagged >= 0.3 * r.n


def test_unresolved_slope_never_gives_kappa_with_an_error(rows):
    r = next(r for r in rows.values() if r.expected == "refused")
    assert r.accepted <= 0.05 * r.n, r
