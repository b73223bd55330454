"""Statistics of a validation table (issue 10, item 4): computed by hand on a small made-up table."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from kapitza.errors import InputError
from kapitza.plotting import validation_figure
from kapitza.prediction import ValidationTable, validation_statistics
from kapitza.prediction.validation.stats import NO_VALUE, ratio_statistics

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
PT_NOTE = "electronic DMM needs the Fermi velocity and Sommerfeld coefficient, not stored for Pt"
PB_NOTE = "phonon model only: no electron-phonon coupling or kappa_p stored for Pb"


def small_table(note: tuple[str, ...] = ("", "", PB_NOTE, "", PT_NOTE)) -> ValidationTable:
    """Five rows measured at 1 MW m^-2 K^-1 (so predicted in MW m^-2 K^-1 is the ratio itself).

    Model "a" predicts ratios 0.5, 2, 3, 0.25 and nothing (NaN, the Pt row); its phonon part alone
    0.5, 2, 6, 0.5, 8.  Model "b" predicts 1 everywhere but the Pt row.
    """
    measured = np.full(5, 1e6)
    predicted = 1e6 * np.array([[0.5, 2.0, 3.0, 0.25, np.nan], [1.0, 1.0, 1.0, 1.0, np.nan]])
    phonon = 1e6 * np.array([[0.5, 2.0, 6.0, 0.5, 8.0], [1.0, 1.0, 1.0, 1.0, 1.0]])
    return ValidationTable(
        models=("a", "b"),
        measured=measured,
        temperature=np.full(5, 300.0),
        predicted=predicted,
        phonon=phonon,
        side1=("Si", "Si", "Pb", "Al", "Pt"),
        side2=("Ge", "Ge", "Si", "Si", "Cu"),
        kind=("non-metal", "non-metal", "metal/non-metal", "metal/non-metal", "metal/metal"),
        paper=("1", "1", "2", "3", "4"),
        method=("TDTR",) * 5,
        interlayer=np.zeros(5, dtype=bool),
        cutoff="branch",
        note=note,
    )


def test_statistics_by_hand():
    """Model a, all rows: the Pb row (phonon model only: it does not describe a metal's interface) is left out of
    the "predicted" medians (issue 28), so the ratios are 0.25, 0.5, 2 -> median 0.5, 2 of 3 within x2,
    |log10| = 0.602, 0.301, 0.301 -> median log10 2 (by hand)."""
    stats = validation_statistics(small_table())
    a = stats.get("a")
    assert a["rows"] == 3
    assert a["median_ratio"] == pytest.approx(0.5, rel=1e-12)
    assert a["within_2"] == pytest.approx(2 / 3, rel=1e-12)
    assert a["median_abs_log10"] == pytest.approx(math.log10(2), rel=1e-12)
    b = stats.get("b")
    assert (b["rows"], b["median_ratio"], b["within_2"], b["median_abs_log10"]) == (3, 1.0, 1.0, 0.0)
    assert list(stats.total) == [5, 2, 2, 1]


def test_statistics_by_kind_and_basis():
    """Split by kind: non-metal ratios 0.5, 2 (median 1, taken in decades; all within x2, |log10| = log10 2);
    metal/non-metal 0.25 (the Pb row is phonon-only, left out; none within x2); metal/metal has no prediction
    (NaN, 0 rows)
    but a phonon-only ratio of 8 (|log10| = log10 8, by hand)."""
    stats = validation_statistics(small_table())
    nm = stats.get("a", "non-metal")
    assert (nm["rows"], nm["within_2"]) == (2, 1.0) and nm["median_ratio"] == pytest.approx(1.0, abs=1e-15)
    assert nm["median_abs_log10"] == pytest.approx(math.log10(2), rel=1e-12)
    mn = stats.get("a", "metal/non-metal")
    assert (mn["rows"], mn["within_2"]) == (1, 0.0) and mn["median_ratio"] == pytest.approx(0.25, rel=1e-15)
    mm = stats.get("a", "metal/metal")
    assert mm["rows"] == 0 and all(math.isnan(mm[k]) for k in ("median_ratio", "within_2", "median_abs_log10"))
    ph = stats.get("a", "metal/metal", "phonon")
    assert (ph["rows"], ph["within_2"]) == (1, 0.0) and ph["median_ratio"] == pytest.approx(8.0, rel=1e-15)
    assert ph["median_abs_log10"] == pytest.approx(math.log10(8), rel=1e-12)
    allph = stats.get("a", basis="phonon")  # 0.5, 2, 6, 0.5, 8 -> median 2, 3 of 5 within x2
    assert (allph["rows"], allph["median_ratio"], allph["within_2"]) == (5, 2.0, 0.6)


def test_rows_without_prediction_are_counted_with_the_reason():
    """The Pt row is missing for every model with the table's note; Pb is counted as phonon-only and, in the
    "predicted" basis, as a row the model does not describe (left out of the medians, issue 28)."""
    stats = validation_statistics(small_table())
    pb = f"{PB_NOTE}: the phonon model alone does not describe a metal's interface"
    assert dict(stats.missing["predicted"]["a"]) == {PT_NOTE: 1, pb: 1}
    assert dict(stats.missing["predicted"]["b"]) == {PT_NOTE: 1, pb: 1}
    assert dict(stats.missing["phonon"]["a"]) == {}
    assert dict(stats.phonon_only) == {PB_NOTE: 1}
    bare = validation_statistics(small_table(note=()))  # a table without notes: a generic reason
    assert dict(bare.missing["predicted"]["a"]) == {NO_VALUE: 1}


def test_result_is_frozen_and_saves(tmp_path):
    stats = validation_statistics(small_table())
    with pytest.raises(ValueError):
        stats.median_ratio[0, 0, 0] = 1.0
    with pytest.raises(TypeError):
        stats.missing["predicted"]["a"][PT_NOTE] = 2  # read-only mapping
    assert stats.to_dict()["median_ratio"][0][0][0] == 0.5  # the phonon-only Pb row left out (test_statistics_by_hand)
    assert stats.save(tmp_path / "s.json").stat().st_size > 0
    assert "ValidationStatistics(" in repr(stats) and len(repr(stats)) < 250


def test_ratio_statistics_edges():
    """The factor-of-two limits are inclusive; non-finite and non-positive ratios are left out; the median ratio is
    taken in decades (0.5 and 2 give 1, by hand: (log10 0.5 + log10 2) / 2 = 0); an empty group is NaN without a
    numpy warning."""
    count, median, within, spread = ratio_statistics(np.array([0.5, 2.0, np.inf, -1.0, 0.0, np.nan]))
    assert (count, within) == (2, 1.0)
    assert median == pytest.approx(1.0, abs=1e-15) and spread == pytest.approx(math.log10(2), rel=1e-15)
    with np.errstate(all="raise"):
        count, median, within, spread = ratio_statistics(np.array([np.nan]))
    assert count == 0 and math.isnan(median) and math.isnan(within) and math.isnan(spread)


def test_bad_arguments_are_refused():
    stats = validation_statistics(small_table())
    with pytest.raises(InputError, match="model='c'"):
        stats.get("c")
    with pytest.raises(InputError, match="group='metal'"):
        stats.get("a", "metal")
    with pytest.raises(InputError, match="ValidationTable"):
        validation_statistics("table")  # type: ignore[arg-type]


def test_plot_of_a_small_table(tmp_path):
    """validation_figure builds a Figure and writes a PNG; its legend carries each model's statistics."""
    path = tmp_path / "v.png"
    fig = validation_figure(small_table(), path)
    assert path.read_bytes()[:8] == PNG_MAGIC and path.stat().st_size > 10_000
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert any(label.startswith("a: median ratio 0.5, 67 % within") for label in labels)
    assert {"non-metal", "metal/non-metal", "metal/metal", "1:1"} <= set(labels)
    with pytest.raises(InputError, match="basis"):
        validation_figure(small_table(), basis="electrons")


def _flagged_table() -> ValidationTable:
    """small_table with a sixth row, a metal/metal row measured 1e4 times too high (ratio 1e-4), flagged, and the
    Pb row flagged too: both must vanish from every statistic."""
    base = small_table()
    return ValidationTable(
        models=base.models,
        measured=np.append(base.measured, 1e10),
        temperature=np.full(6, 300.0),
        predicted=np.column_stack([base.predicted, [1e6, 1e6]]),
        phonon=np.column_stack([base.phonon, [1e6, 1e6]]),
        side1=(*base.side1, "Cu"),
        side2=(*base.side2, "Pb"),
        kind=(*base.kind, "metal/metal"),
        paper=(*base.paper, "5"),
        method=("TDTR",) * 6,
        interlayer=np.zeros(6, dtype=bool),
        cutoff="branch",
        note=(*base.note, ""),
        bound=np.array([1e9, 1e9, 1e9, 1e9, np.nan, 1e8]),
        flagged=np.array([False, False, True, False, False, True]),
        bound_note=("", "", "above the physical upper bound", "", "not checked: Pt", "above the physical upper bound"),
    )


def test_flagged_rows_are_left_out_of_every_statistic():
    """Every number of every model, group and basis equals that of the table without the flagged rows; they are
    counted apart (flagged), total counts the rest, and they appear in no reason count (the flagged Pb row is not
    "phonon only" any more); the row not checked is counted by reason and stays scored."""
    table = _flagged_table()
    stats = validation_statistics(table)
    kept = validation_statistics(table.select(~table.flagged))
    for key in ("rows", "median_ratio", "within_2", "median_abs_log10"):
        assert np.array_equal(getattr(stats, key), getattr(kept, key), equal_nan=True)
    assert list(stats.total) == list(kept.total) == [4, 2, 1, 1]
    assert list(stats.flagged) == [2, 0, 1, 1]
    assert dict(stats.phonon_only) == {}
    assert dict(stats.missing["predicted"]["a"]) == {PT_NOTE: 1}
    assert dict(stats.not_checked) == {"Pt": 1}
    with_flagged = validation_statistics(dataclasses.replace(table, flagged=np.zeros(6, dtype=bool)))
    assert with_flagged.get("b", "metal/metal")["rows"] == 1  # unflagged, the 1e-4 row would be scored
    assert stats.get("b", "metal/metal")["rows"] == 0


def test_table_select_and_shape_checks():
    """select keeps every per-row field aligned; bound= and flagged= must have one entry per row."""
    table = _flagged_table()
    part = table.select(np.array([False, False, True, False, False, True]))
    assert part.side1 == ("Pb", "Cu") and list(part.flagged) == [True, True] and part.predicted.shape == (2, 2)
    assert part.bound_note == ("above the physical upper bound",) * 2
    with pytest.raises(InputError, match="mask"):
        table.select(np.ones(3, dtype=bool))
    with pytest.raises(InputError, match="flagged"):
        dataclasses.replace(table, flagged=np.zeros(2, dtype=bool))
    assert not small_table().flagged.any() and np.all(np.isnan(small_table().bound))
