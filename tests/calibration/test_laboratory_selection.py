"""Issue 62 item 5: the honest selection keeps a descriptor with real signal and drops one that carries only a
missing pattern (its placebo does as well), on made-up compilations whose truth the estimate does not assume."""

from __future__ import annotations

import math

import numpy as np
import pytest
from calibration.laboratory import held_out as H
from calibration.laboratory.selection import placebo_columns, try_group

from kapitza.prediction import expected as E
from kapitza.prediction import scoring as S

pytest.importorskip("sklearn")


def _made_up(seed: int, pairs: int = 40) -> tuple[E.ExpectedRows, np.ndarray, np.ndarray]:
    """A structure-route compilation: pairs with a true physics value x, 1-3 papers each, and a sample flag per
    paper (known for 3 papers in 4) that moves the paper's log10 G by +0.3 (a strong, real effect); a second column,
    `pattern`, holds noise where known, and is known exactly where the paper sits 0.25 decade high (its missing
    pattern carries the signal, its values none).  Returns the rows, the real flag and the pattern column."""
    rng = np.random.default_rng(seed)
    feats, measured, temps, paper, pair, flag, pattern = [], [], [], [], [], [], []
    n_paper = 0
    for a in range(pairs):
        x = rng.uniform(7.5, 9.0)
        u = rng.normal(0, 0.1)
        for _ in range(int(rng.integers(1, 3))):
            n_paper += 1
            f = float(rng.random() < 0.5)
            known = rng.random() < 0.75
            high = rng.random() < 0.4
            e = rng.normal(0, 0.05) + (0.3 * f if known else 0.3 * rng.integers(0, 2)) + (0.25 if high else 0.0)
            for lt in rng.uniform(2.0, 2.8, size=int(rng.integers(2, 4))):
                g = 0.2 + 0.8 * x + 0.15 * (lt - 2.48) + u + e + rng.normal(0, 0.02)
                feats.append([x + 0.2 * (lt - 2.48), x, lt, math.nan, 1, 0, 0, 1, 0, 0, 0, 0])
                measured.append(10**g)
                temps.append(10**lt)
                paper.append(f"paper{n_paper}")
                pair.append(f"P{a}|Q{a}")
                flag.append([f if known else 0.0, (1.0 - f) if known else 0.0])
                pattern.append([rng.normal() if high else math.nan])
    rows = E.ExpectedRows(
        route="structure", features=np.array(feats), measured=np.array(measured), temperature=np.array(temps),
        paper=tuple(paper), pair=tuple(pair), side1=tuple(p.split("|")[0] for p in pair),
        side2=tuple(p.split("|")[1] for p in pair), row_id=tuple(str(i) for i in range(len(paper))),
        dmm=10 ** np.array([f[0] for f in feats]), source="made up",
    )  # fmt: skip
    return rows, np.array(flag), np.array(pattern)


def test_the_placebo_keeps_the_missing_pattern_and_the_values():
    x = np.array([[1.0, 0.0], [0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [0.0, 0.0]])
    fake = placebo_columns(x, seed=3)
    assert np.all(fake[[1, 4]] == 0)  # the rows without a flag stay without
    assert sorted(map(tuple, fake[[0, 2, 3]])) == sorted(map(tuple, x[[0, 2, 3]]))
    y = np.array([[1.5], [math.nan], [2.5], [3.5]])
    fy = placebo_columns(y, seed=1)
    assert math.isnan(fy[1, 0]) and sorted(fy[[0, 2, 3], 0]) == [1.5, 2.5, 3.5]


def test_a_descriptor_with_real_signal_is_kept_and_a_missing_pattern_is_dropped():
    """The real flag beats the baseline and its placebo; the pattern column beats the baseline too (by where it is
    known: the high papers), but no better than its placebo, so it is dropped (seeds 8 and 9 give the same verdicts,
    measured when the test was written)."""
    rows, flag, pattern = _made_up(7)
    base = H.held_out(rows, n_splits=5, bases=("ridge",))
    real = try_group(rows, "sample", ("flag a", "flag b"), flag, n_splits=5, baseline=base, bases=("ridge",))
    fake = try_group(rows, "pattern", ("log10 pattern",), pattern, n_splits=5, baseline=base, bases=("ridge",))
    assert real.kept, real.reason
    assert real.with_group.median_factor_paper < min(real.baseline.median_factor_paper,
                                                      real.placebo.median_factor_paper)  # fmt: skip
    assert fake.with_group.median_factor_paper < fake.baseline.median_factor_paper  # the missing pattern helps...
    assert not fake.kept and "placebo" in fake.reason  # ...and the placebo shows it is only the pattern
    lo, hi = real.gain_interval  # the gain over other draws of the papers brackets the gain on these
    assert lo <= real.with_group.median_factor_paper / real.baseline.median_factor_paper <= hi
    assert real.pair_with.rows == len(rows)  # kept by the cheaper conditions: held out by whole pair too
    assert real.pair_with.median_factor_paper <= real.pair_baseline.median_factor_paper * 1.01
    assert real.rows_with == int(np.count_nonzero(flag.any(axis=1)))
    assert real.baseline.papers >= 20  # enough pairs nobody else measured to decide on


def _score(factor: float, papers: int = 10) -> S.Score:
    return S.Score(rows=3 * papers, papers=papers, median_factor_row=factor, median_factor_paper=factor,
                   within_2_row=0.5, within_2_paper=0.5, coverage_row=0.68, coverage_paper=0.68)  # fmt: skip


def test_the_rows_without_the_group_can_drop_it_where_enough_papers_decide():
    """The rule's last condition (a user's pair outside the group's table gets the rows without it): a group that
    helps the rows nobody else measured but makes those of them lacking it worse than TOLERANCE is dropped where they
    hold MIN_PAPERS papers; on fewer it is kept and the numbers are said; within the tolerance it is kept."""
    from calibration.laboratory.selection import TOLERANCE, verdict

    nobody0, nobody1, placebo, others = _score(1.9), _score(1.5), _score(1.8), _score(1.5)
    worse = 1.5 * TOLERANCE * 1.001
    kept, why = verdict(
        nobody0, nobody1, placebo, others, others, _score(1.5, E.MIN_PAPERS), _score(worse, E.MIN_PAPERS)
    )
    assert not kept and "without it got worse" in why and f"{E.MIN_PAPERS} papers" in why
    kept, why = verdict(nobody0, nobody1, placebo, others, others, _score(1.5, E.MIN_PAPERS - 1),
                        _score(worse, E.MIN_PAPERS - 1))  # fmt: skip
    assert kept and "not decided on" in why
    kept, why = verdict(nobody0, nobody1, placebo, others, others, _score(1.5, 20), _score(1.5 * TOLERANCE, 20))
    assert kept and "not decided" not in why
    none = S.score([], [], [])  # a group every row has: no rows lack it
    assert none.rows == 0 and verdict(nobody0, nobody1, placebo, others, others, none, none)[0]
    assert not verdict(nobody0, nobody1, _score(1.4), others, others, none, none)[0]  # the placebo still decides
    assert not verdict(nobody0, nobody1, placebo, others, _score(1.6), none, none)[0]  # so do the others' rows


def test_the_whole_pair_can_drop_a_group():
    """The rule's whole-pair condition: held out by whole pair the median factor may not get worse than TOLERANCE
    (the numbers of the full-dispersion try taken into the estimate, 2026-11-28 page run of 14:30: x2.18 against
    x1.99 on 39 papers, are dropped); within it the group is kept and the numbers said; the other conditions come
    first."""
    from calibration.laboratory.selection import TOLERANCE, verdict

    cheap = (_score(1.9), _score(1.5), _score(1.8), _score(1.5), _score(1.5), _score(1.5, 3), _score(1.5, 3))
    kept, why = verdict(*cheap, pair=(_score(1.99, 39), _score(2.18, 39)))
    assert not kept and "whole pair" in why and "x2.180 against x1.990" in why
    kept, why = verdict(*cheap, pair=(_score(1.99, 39), _score(1.99 * TOLERANCE, 39)))
    assert kept and "by whole pair" in why
    assert verdict(*cheap)[0] and "whole pair" not in verdict(*cheap)[1]  # not run yet: the others' verdict
    kept, why = verdict(_score(1.9), _score(2.0), *cheap[2:], pair=(_score(2.0), _score(1.0)))
    assert not kept and "no better than without it" in why


def test_a_try_runs_the_whole_pair_only_for_a_group_the_other_conditions_keep():
    rows, flag, pattern = _made_up(7)
    base = H.held_out(rows, n_splits=5, bases=("ridge",))
    fake = try_group(rows, "pattern", ("log10 pattern",), pattern, n_splits=5, baseline=base, bases=("ridge",))
    assert not fake.kept and fake.pair_baseline.rows == fake.pair_with.rows == 0  # dropped before: not run
    assert len(fake.temperature_baseline) == len(fake.temperature_with) == len(E.TEMPERATURE_RANGES)
    assert sum(s.rows for s in fake.temperature_baseline) == len(rows)


def test_why_the_band_is_not_a_condition_and_the_whole_pair_is():
    """The selection module's account, measured on the made-up compilations of seeds 7-14: the real flag, wherever the
    other conditions keep it, survives the whole-pair condition (so it costs no real signal), while its band's
    coverage by paper moves more than 0.025 farther from INTERVAL in some range of MIN_PAPERS papers or more on at
    least 2 of the 6 seeds where the other conditions keep it (so a band condition of that size would drop real
    signals by noise; measured with the band at its finite-sample level: seeds 9 and 10, 0.737 to 0.789 on 38
    papers and 0.677 to 0.774 on 31; with the plain percentiles it had been 4 seeds)."""
    band_moved, pair_dropped, kept = 0, 0, 0
    for seed in range(7, 15):
        rows, flag, _ = _made_up(seed)
        base = H.held_out(rows, n_splits=5, bases=("ridge",))
        real = try_group(rows, "sample", ("flag a", "flag b"), flag, n_splits=5, baseline=base, bases=("ridge",))
        ranges = zip(real.temperature_baseline, real.temperature_with)
        moved = [abs(b.coverage_paper - E.INTERVAL) - abs(a.coverage_paper - E.INTERVAL)
                 for a, b in ranges if a.papers >= E.MIN_PAPERS]  # fmt: skip
        if real.pair_with.rows:  # the other conditions kept it
            kept += 1
            pair_dropped += not real.kept
            band_moved += max(moved) > 0.025
    assert kept >= 6 and pair_dropped == 0 and band_moved >= 2
