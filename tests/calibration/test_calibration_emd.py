"""Calibration of the EMD conductance (scripts/calibration/emd.py): on a three-body A|I|B network (two relaxing
modes, not the estimator's one-exponential model) with an AR(2) microscopic oscillation, 8 runs of 100 tau, the
stated G_err (jackknife t-interval, Tukey 1958) covers the series conductance 60-76 % of the time over 120 seeds
with |bias| < 0.4 sigma (the layer's capacity alone moves the slow mode by -1.3 %, about -0.1 sigma); fewer than
5 runs and runs too short are flagged or refused."""

from __future__ import annotations

from calibration import common, emd


def test_claimed_case_is_calibrated():
    one, g, _, text = emd.case(**emd.CASES[0])
    r = common.summarize(emd.ESTIMATOR, text, "", common.run_seeds(one, 120))
    assert r.accepted >= 0.95 * r.n, r
    assert common.COVERAGE_BAND[0] <= r.coverage <= common.COVERAGE_BAND[1], r
    assert abs(r.bias_over_sigma) < 0.4, r


def test_few_runs_and_short_runs_are_flagged_or_refused():
    for spec in (emd.FEW, emd.SHORT):
        one, _, _, text = emd.case(**spec)
        outcomes = common.run_seeds(one, 10)
        assert all(o is None or o[3] for o in outcomes), text
    one, _, _, _ = emd.case(**emd.ONE_RUN)
    assert one(0) is None  # one run: no error bar stated
