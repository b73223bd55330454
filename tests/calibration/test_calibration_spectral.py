"""Calibration of the spectral heat current's integrals and the sum rule (scripts/calibration/spectral.py).

The generator's truth is analytic (Yule-Walker autocorrelations; band integral by quadrature of the AR
cross-spectrum): the total and a band's block-mean integrals cover it 60-76 % of the time at 1 SE with
|bias| < 0.2 SE; the sum-rule check agrees on a spectrum that carries the whole flux (disagreeing on <= 10 %
of seeds, 4.6 % expected at 2 SE) and disagrees on >= 90 % of seeds when 40 % of the flux is missing.  150 seeds.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from calibration import common, spectral
from kapitza.analysis.md.spectral import block_integral, sum_rule
from kapitza.errors import InputError

N = 150


@pytest.fixture(scope="module")
def rows():
    return spectral.run(N)


def test_truth_is_the_generators_mean_power():
    """Yule-Walker <F v> equals the quadrature of the analytic cross-spectrum (two independent routes)."""
    assert spectral.band_truth(0.0, math.pi / spectral.DT) == pytest.approx(spectral.mean_power(), rel=1e-8)


def test_integrals_are_calibrated(rows):
    for r in rows[:2]:
        assert r.expected == "claimed" and r.accepted == r.n
        assert common.COVERAGE_BAND[0] <= r.coverage <= common.COVERAGE_BAND[1], r
        assert abs(r.bias_over_sigma) < 0.2, r


def test_sum_rule_verdicts(rows):
    agree, missing = rows[2], rows[3]
    assert common.COVERAGE_BAND[0] <= agree.coverage <= common.COVERAGE_BAND[1], agree
    assert agree.flagged <= 0.10 * agree.n, agree
    assert missing.expected == "flagged" and missing.flagged >= 0.9 * missing.n, missing


def test_sum_rule_without_bath_flux_gives_no_verdict_and_bad_blocks_are_refused():
    q = np.ones((3, 5))
    check = sum_rule(q, 0.5, float("nan"), float("nan"))
    assert check.flux_spectral == pytest.approx(2.5) and "no bath flux" in check.verdict and not check.agrees
    with pytest.raises(InputError, match="blocks >= 2"):
        block_integral(np.ones((1, 5)), 0.5)
    with pytest.raises(InputError, match="one value per frequency"):
        block_integral(q, 0.5, np.ones(4))
