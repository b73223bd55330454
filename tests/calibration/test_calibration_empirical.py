"""Calibration of the empirical G estimate (issue 25): its x/÷ band, rebuilt from the training papers only, covers
the measurements of held-out papers about 68 % of the time (nested cross-validation grouped by paper,
scripts/calibration/empirical.py).  One random deal of the 53 papers into 5 folds costs 30 regressor fits, so the
default run reads that deal's held-out outcomes from tests/calibration/data/empirical_deal0.json and recomputes one
outer fold (6 fits) to show the stored deal is what the estimator gives now; the slow run recomputes the deal.
The coverage's own error is set by the papers (~0.066), so the tests assert the issue's band 0.60-0.76 on the rows
and on the papers weighted equally, and |bias| below 0.25 of the band."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("sklearn")

from calibration import common  # noqa: E402
from calibration import empirical as C  # noqa: E402

STORED = Path(__file__).parent / "data" / "empirical_deal0.json"
REGENERATE = f"regenerate with: PYTHONPATH=src:scripts python -m calibration.empirical --write {STORED}"


def _assert_calibrated(rows: list[common.CalibrationRow]) -> None:
    lo, hi = common.COVERAGE_BAND
    for row in rows:
        assert row.accepted > 500 if "weighted" not in row.case else row.accepted >= 40, row
        assert lo <= row.coverage <= hi, row
        assert abs(row.bias_over_sigma) < 0.25, row


def test_stored_deal_covers_held_out_papers() -> None:
    """The stored deal 0 (every paper held out once): both rows within the band, |bias| < 0.25 band."""
    _assert_calibrated(C.rows_of([C.read_deal(STORED)]))


#: How far the regressor's held-out estimates and band (decades) and the fold's coverage move when its inputs move
#: at machine precision, which another processor's arithmetic does (issue 86, item 0): gradient boosting bins each
#: descriptor at its quantiles, so a last-place change can tie two splits and grow another tree.  Measured by
#: scripts/empirical_spread_study.py (outer fold 0 of deal 0, every distinct input value x (1 + 1e-13 z), 16 seeds,
#: 2026-11-29): half the seeds leave every estimate as it was, the other half move all 112 rows by up to 0.088
#: decades, the band by 0.0061 and the coverage by 0.009; an AMD EPYC with the same libraries moved the estimates by
#: up to 0.05.  The tolerances are those spreads with room: a stale deal (another procedure, other rows) moves more.
EST_SPREAD = 0.15
SIG_SPREAD = 0.02
COVERAGE_SPREAD = 0.03


def _coverage(d: dict[str, np.ndarray]) -> float:
    return float(np.mean(np.abs(d["est"] - d["tru"]) <= d["sig"]))


def _assert_same_deal(stored: dict[str, np.ndarray], now: dict[str, np.ndarray], why: str) -> None:
    """The rows, papers and truths exactly (they are data); the estimates, band and coverage within the spread that
    machine precision alone makes (EST_SPREAD, SIG_SPREAD, COVERAGE_SPREAD)."""
    assert stored["est"].size == now["est"].size > 50, why
    assert list(stored["paper"]) == list(now["paper"]), why
    assert np.allclose(stored["tru"], now["tru"], rtol=0, atol=1e-12), f"the measured values differ; {why}"
    assert np.abs(stored["est"] - now["est"]).max() <= EST_SPREAD, f"est differs; {why}"
    assert np.abs(stored["sig"] - now["sig"]).max() <= SIG_SPREAD, f"sig differs; {why}"
    assert abs(_coverage(stored) - _coverage(now)) <= COVERAGE_SPREAD, f"coverage differs; {why}"


def test_stored_deal_is_what_the_estimator_gives_now() -> None:
    """Outer fold 0 of deal 0 recomputed now (its inner grouped cross-validation and its regressor: 6 fits) is the
    stored outcomes of that fold within the spread machine precision makes: the stored deal is not stale."""
    stored = C.read_deal(STORED)
    now = C.held_out(0, folds=(0,))
    mine = stored["fold"] == 0
    # say which library versions made the deal (the regressor's results also move between releases)
    why = f"{REGENERATE} ({C.deal_versions(STORED)})"
    _assert_same_deal({k: v[mine] for k, v in stored.items()}, now, why)


def test_a_stale_deal_is_caught() -> None:
    """The comparison can fail: estimates shifted by twice the measured spread, or one paper's rows dropped, are
    told apart from the recomputed fold."""
    stored = C.read_deal(STORED)
    fold = {k: v[stored["fold"] == 0] for k, v in stored.items()}
    with pytest.raises(AssertionError, match="est differs"):
        _assert_same_deal(fold, {**fold, "est": fold["est"] + 2 * EST_SPREAD}, "")
    keep = fold["paper"] != fold["paper"][0]
    with pytest.raises(AssertionError):
        _assert_same_deal(fold, {k: v[keep] for k, v in fold.items()}, "")


@pytest.mark.slow
def test_empirical_band_covers_held_out_papers() -> None:
    """The whole deal recomputed (30 fits): the same band and bias checks, and equal to the stored deal."""
    now = C.held_out(0)
    _assert_calibrated(C.rows_of([now]))
    _assert_same_deal(C.read_deal(STORED), now, REGENERATE)
