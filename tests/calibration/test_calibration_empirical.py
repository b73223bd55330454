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


def test_stored_deal_is_what_the_estimator_gives_now() -> None:
    """Outer fold 0 of deal 0 recomputed now (its inner grouped cross-validation and its regressor: 6 fits) equals
    the stored outcomes of that fold to 1e-9 decades: the stored deal is not stale."""
    stored = C.read_deal(STORED)
    now = C.held_out(0, folds=(0,))
    mine = stored["fold"] == 0
    # the regressor's results have changed between library releases (the band, "sig", moved by up to 0.003 decades
    # from one scikit-learn release to the next; on 2026-11-27 the estimates moved by up to 0.1 decades with the
    # same scikit-learn, so numpy's and scipy's versions are recorded too): say which versions made the deal
    why = f"{REGENERATE} ({C.deal_versions(STORED)})"
    assert mine.sum() == now["est"].size > 50, why
    assert list(stored["paper"][mine]) == list(now["paper"]), why
    for key in ("est", "sig", "tru"):
        assert np.allclose(stored[key][mine], now[key], rtol=0, atol=1e-9), f"{key} differs; {why}"


@pytest.mark.slow
def test_empirical_band_covers_held_out_papers() -> None:
    """The whole deal recomputed (30 fits): the same band and bias checks, and equal to the stored deal."""
    now = C.held_out(0)
    _assert_calibrated(C.rows_of([now]))
    stored = C.read_deal(STORED)
    assert np.allclose(stored["est"], now["est"], rtol=0, atol=1e-9), REGENERATE
