"""The interlayer route's laboratory (scripts/calibration/laboratory/interlayer.py): on a made-up compilation whose
true interlayer effect is known the held-out residuals carry it within their stated error, the honest selection
keeps the true family and drops a placebo family; and the page binds the scores predict quotes."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest
from calibration.interlayer import made_up_rates

from kapitza.prediction import expected as E

PAGE = Path(__file__).resolve().parents[2] / "docs" / "reference" / "calibration" / "interlayer.json"


def test_a_known_family_effect_is_recovered_and_a_placebo_family_dropped():
    """Made-up stacks (scripts/calibration/laboratory/interlayer.py ``made_up_stacks``: a quadratic truth the fit
    does not assume, Student-t paper effects, a family effect of 0.25 decades the physics does not know), ten
    compilations with the ridge base alone (the page runs every base): held out without the family, the rows nobody
    else measured carry the effect within two of its stated standard errors nearly always (nominal 95 %); the
    selection keeps the true family (a one-hot of two families) far more often than a placebo drawn apart."""
    rates = made_up_rates(range(3000, 3010), bases=("ridge",))
    assert rates["within_2se"] >= 0.8, rates
    assert abs(rates["bias"]) < 0.05, rates
    assert rates["true_kept"] >= 0.5, rates
    assert rates["placebo_kept"] <= 0.2, rates
    assert rates["true_kept"] - rates["placebo_kept"] >= 0.3, rates


def test_the_scores_predict_quotes_are_the_pages():
    """The interlayer route's headline rows on the page carry interlayer_scores.toml's median factor by paper and
    coverage, to the page's figures (regenerate with PYTHONPATH=src:scripts python -m calibration.make_page --only
    interlayer)."""
    if not PAGE.exists():
        pytest.fail("docs/reference/calibration/interlayer.json is not stored: run the page")
    scores = E.held_out_scores()[E.STACK]
    lines = [line for line in json.loads(PAGE.read_text(encoding="utf-8"))["lines"] if isinstance(line, str)]
    row = next(line for line in lines if "**expected measurement**, held out by paper" in line)
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert int(cells[2]) == scores["rows"] and int(cells[3]) == scores["papers"]
    assert cells[4] == f"×{scores['median_factor_paper']:.3g}"
    assert cells[7] == f"{scores['coverage_paper']:.3f}"
    assert math.isfinite(scores["band_half_width"]) and re.search(r"interval \d", "\n".join(lines))


def test_the_interlayer_route_takes_the_families_the_selection_kept():
    """The interlayer route takes the family flags exactly where the page's honest selection kept them
    (``expected.STACK_FAMILIES``, set by hand from the page's verdict): its rows carry them after its own
    descriptors, from each row's stack (the same flags the laboratory tried), or not at all."""
    from calibration.laboratory.interlayer import family_columns

    rows = E.expected_rows(E.STACK)
    lines = [line for line in json.loads(PAGE.read_text(encoding="utf-8"))["lines"] if isinstance(line, str)]
    tried = [line for line in lines if line.startswith("**The families tried**")]
    assert len(tried) == 1 and ("**kept**" in tried[0]) != ("**dropped**" in tried[0])
    assert E.STACK_FAMILIES == ("**kept**" in tried[0])
    if E.STACK_FAMILIES:
        assert rows.names == (*E.FEATURES[E.STACK], *E.FAMILY_FEATURES)
        at = [rows.names.index(n) for n in E.FAMILY_FEATURES]
        assert (rows.features[:, at] == family_columns(rows)).all()
    else:
        assert rows.names == E.FEATURES[E.STACK]
