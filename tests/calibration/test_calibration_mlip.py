"""scripts/calibration/mlip.py: the x/÷ band of a calculator's predictions, checked on papers held out of its
measurement; its outputs (the band file, the figure, the page's section) from one validation.

The validation here is the small EMT one (tests/mlip_factories.py on a slice of the compilation: one paper of
scored rows is too few to deal into folds, so the deals are tested on a made-up validation whose scatter comes from
per-paper offsets and heavy-tailed row noise, not from the band's own rule).  The real run (an hour with CHGNet)
stores its rows in docs/reference/calibration/mlip.json; where it is present, its held-out coverage is asserted.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from calibration import common, make_page
from calibration import mlip as M
from kapitza.prediction.mlip_band import calculator_band
from kapitza.prediction.validation import calculators as CV

STORED = Path(__file__).resolve().parents[2] / "docs" / "reference" / "calibration" / "mlip.json"


def _made_up(seed: int = 0, papers: int = 40) -> CV.CalculatorValidation:
    """A validation whose p/m scatter is per-paper lognormal offsets (0.25 decades) plus t(3) row noise."""
    rng = np.random.default_rng(seed)
    sizes = rng.integers(1, 15, size=papers)
    paper = tuple(f"p{k}" for k, n in enumerate(sizes) for _ in range(n))
    r = np.concatenate([rng.normal(0.1, 0.25) + 0.05 * rng.standard_t(3, size=n) for n in sizes])
    m = 10 ** rng.uniform(7, 9, size=r.size)
    n = r.size
    return CV.CalculatorValidation(
        calculator="made-up",
        calculator_description="made up",
        measured=m,
        temperature=np.full(n, 300.0),
        predicted=m * 10**r,
        phonon=m * 10**r,
        debye=np.full(n, np.nan),
        side1=("A",) * n,
        side2=("B",) * n,
        paper=paper,
        reason=("",) * n,
        detail=("",) * n,
        note=("",) * n,
        flagged=np.zeros(n, dtype=bool),
        crystals={"A": "", "B": ""},
        mesh=8,
        normal=(0.0, 0.0, 1.0),
        cutoff="debye",
    )


def test_held_out_papers_are_covered_about_68_percent():
    """The band measured on 4 folds of papers holds about 68 % of the 5th fold's papers (over 20 deals)."""
    found = _made_up()
    deals = [M.held_out(found, seed) for seed in range(20)]
    for d in deals:
        assert sorted(d["paper"]) == sorted(found.paper)  # every row held out once per deal
    rows = M.rows_of(found, deals)
    assert [r.case.split(",")[0] for r in rows] == ["held-out measurements", "the same"]
    lo, hi = common.COVERAGE_BAND
    assert lo - 0.05 <= rows[1].coverage <= hi + 0.05, rows[1]  # 40 papers: its own error is about 0.074
    assert abs(rows[1].bias_over_sigma) < 0.5  # the offsets' mean 0.1 decades is a bias the band holds


def test_too_few_papers_to_deal_are_refused():
    with pytest.raises(ValueError, match="cannot be dealt"):
        M.held_out(_made_up(papers=3), 0)


def test_outputs_band_file_figure_and_page_section(tmp_path, monkeypatch):
    found = _made_up()
    band_file = tmp_path / "bands.toml"
    figure = M.write_outputs(found, band_file=band_file, figures=tmp_path)
    assert figure.name == "validation_made-up.png" and figure.stat().st_size > 10_000
    band = calculator_band("made-up", band_file)
    assert band.factor == pytest.approx(found.band().factor) and band.rows == found.band().rows
    assert "validate --calculator made-up" in band.source
    M._LAST.update(found=found, figure=figure, seconds=1.0)
    lines = M.page_lines()
    assert any(f"x/÷ {band.factor:.3g}" in line for line in lines)
    assert any("(../figures/validation_made-up.png)" in line for line in lines)
    stored = make_page.store("mlip", M.rows_of(found, [M.held_out(found, 0)]), 1, 1.0, tmp_path, lines)
    page = make_page.page(make_page.stored(tmp_path))
    assert stored.is_file() and lines[0] in page and "| reason | rows |" in page


def test_figure_name_of_a_module_factory():
    assert M.figure_name("mlip_factories:emt") == "validation_mlip_factories_emt.png"


def test_stored_run_covers_held_out_papers():
    """The stored run of the default calculator (docs/reference/calibration/mlip.json), where present."""
    if not STORED.is_file():
        pytest.skip("the calculator validation has not been stored")
    doc = json.loads(STORED.read_text(encoding="utf-8"))
    paper_row = next(r for r in doc["rows"] if "paper weighted" in r["case"])
    assert paper_row["accepted"] > 0 and 0.5 <= paper_row["coverage"] <= 0.85, paper_row


def test_the_largest_misses_are_the_groups_farthest_from_one():
    """Made-up validation: the listed (paper, pair) groups are exactly the ones whose median p/m is farthest from 1
    in log, in that order, recomputed here from the rows; a group's rows, median and note are its own."""
    import dataclasses

    found = _made_up(seed=3)
    medians = {}
    for paper in set(found.paper):
        index = [i for i, p in enumerate(found.paper) if p == paper]
        medians[paper] = float(np.median(found.predicted[index] / found.measured[index]))
    expected = sorted(medians, key=lambda p: -abs(np.log10(medians[p])))[:5]
    noted = expected[1]  # one listed group whose rows carry a note
    note = tuple("phonon model only: no electron data" if p == noted else "" for p in found.paper)
    listed = M.misses(dataclasses.replace(found, note=note), most=5)
    assert [g["paper"] for g in listed] == expected
    for g in listed:
        assert g["ratio"] == pytest.approx(medians[g["paper"]], rel=1e-12) and g["pair"] == "A/B"
        assert g["rows"] == found.paper.count(g["paper"])
        assert g["note"] == ("phonon model only" if g["paper"] == noted else "")
