"""Calibration of the NEMD bath flux, Delta T and G (scripts/calibration/nemd.py) over 150 fixed seeds.

Reference: the generators' true values (J = P / 2A, the built-in jump, G = J / jump); an honest 1-sigma error
covers the truth in erf(1/sqrt 2) = 68 % of seeds, whose own standard error at n = 150 is 0.038, so the band
0.60-0.76 is about two of them.  |bias| is asserted below 0.25 sigma (the mean error over 150 seeds has a
standard error of ~0.08 sigma)."""

from __future__ import annotations

import pytest

from calibration import common, nemd

N_SEEDS = 150
CURVED = "reaching into the default fit range"


@pytest.fixture(scope="module")
def rows():
    """The synthetic cases (the MD rows of real runs, read from their stored records, are left to the page)."""
    return [r for r in nemd.run(N_SEEDS) if not r.case.startswith("MD,")]


def test_claimed_cases_cover_68_percent_without_bias(rows):
    claimed = [r for r in rows if r.expected == "claimed" and CURVED not in r.case]
    assert len(claimed) == 7  # three flux correlation times, Delta T and G at two block correlations
    for r in claimed:
        assert r.accepted == N_SEEDS, r.case
        lo, hi = common.COVERAGE_BAND
        assert lo <= r.coverage <= hi, (r.case, r.coverage)
        assert abs(r.bias_over_sigma) < 0.25, (r.case, r.bias_over_sigma)


def test_a_tally_correlated_over_a_tenth_of_the_run_is_flagged_or_refused(rows):
    (r,) = [r for r in rows if r.expected == "flagged" and CURVED not in r.case]
    assert r.flagged == r.accepted and r.accepted < N_SEEDS  # every accepted seed flagged, the rest refused


def test_a_drifting_jump_is_refused_or_flagged(rows):
    (r,) = [r for r in rows if r.expected == "refused"]
    assert r.accepted - r.flagged <= 0.05 * N_SEEDS


def test_a_thermostat_zone_reaching_the_fit_range_is_flagged(rows):
    """Bath-edge curvature decaying over 1 and 2 bins reaches into the default fit range of 8-bin segments: the
    extrapolation is biased by more than its error (|bias| > 1 sigma, coverage below the band), so kapitza must
    say so on at least 90 % of the seeds (the probe test at two-sided p = 0.01 on four segments)."""
    curved = [r for r in rows if CURVED in r.case]
    assert [r.expected for r in curved] == ["flagged", "flagged"]
    for r in curved:
        assert r.accepted == N_SEEDS, r.case
        assert r.coverage < common.COVERAGE_BAND[0] and r.bias_over_sigma < -1.0, r.case  # the case is real
        assert r.flagged > 0.9 * r.accepted, (r.case, r.flagged)
