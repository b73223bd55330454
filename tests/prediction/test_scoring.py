"""The one set of scoring rules (kapitza.prediction.scoring): values by hand, the laws a score obeys, and the
check that no other module of the package or of scripts/ defines a second copy of them."""

from __future__ import annotations

import ast
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kapitza.errors import InputError
from kapitza.prediction import scoring as S

ROOT = Path(__file__).resolve().parents[2]


def test_median_factor_by_row_and_by_paper_by_hand():
    """Ratios 2, 2, 2 (paper a) and 8 (paper b): by row the median |log10| is log10 2 (x2); by paper, a's rows weigh
    1/3 each and b's row 1 (a total of 2), each read at the middle of its weight: cumulative 1/12, 3/12, 5/12 for
    a's rows and 9/12 for b's, so the 0.5 point lies a quarter of the way from 5/12 to 9/12: log10 2 + (log10 8 -
    log10 2) / 4 = 1.5 log10 2 (by hand), a factor 2 ** 1.5."""
    r = np.log10([2.0, 2.0, 2.0, 8.0])
    paper = ["a", "a", "a", "b"]
    assert S.median_factor(r) == pytest.approx(2.0, rel=1e-12)
    assert S.median_factor(r, paper) == pytest.approx(2**1.5, rel=1e-12)
    assert S.median_error(r) == pytest.approx(math.log10(2), rel=1e-12)


def test_within_2_is_inclusive_and_weighted_by_paper():
    """Ratios exactly 2 and 0.5 count as within x2 (the edge inclusive); 2.0001 does not.  By paper: paper a holds
    two rows within and paper b one row outside, so the paper-weighted share is 1/2 (by hand), the row share 2/3."""
    assert S.within_2(np.log10([2.0, 0.5])) == 1.0
    assert S.within_2(np.log10([2.0001])) == 0.0
    r = np.log10([1.0, 1.5, 3.0])
    assert S.within_2(r) == pytest.approx(2 / 3)
    assert S.within_2(r, ["a", "a", "b"]) == pytest.approx(0.5)


def test_median_ratio_is_taken_in_decades():
    """0.5 and 2: the bias is 1 (by hand: the mean of -log10 2 and log10 2 is 0), not their arithmetic mean 1.25."""
    assert S.median_ratio(np.log10([0.5, 2.0])) == pytest.approx(1.0, abs=1e-15)


def test_empty_and_non_finite_rows_score_nan_and_are_left_out():
    assert math.isnan(S.median_factor([])) and math.isnan(S.within_2([])) and math.isnan(S.median_ratio([]))
    r = S.log_ratio([1.0, -1.0, 0.0, np.inf, 2.0], [1.0, 1.0, 1.0, 1.0, np.nan])
    assert np.isfinite(r).tolist() == [True, False, False, False, False]
    assert S.median_factor(r) == 1.0


def test_paper_weights_and_percentiles_by_hand():
    """Four papers with one row each: the 12.5th and 87.5th percentiles are the first and last values (each row's
    weight 1/4 centred at 1/8, 3/8, 5/8, 7/8, by hand)."""
    assert S.paper_weights(["a", "a", "b"]).tolist() == [0.5, 0.5, 1.0]
    lo, hi = S.paper_percentiles([4.0, 1.0, 3.0, 2.0], ["p", "q", "r", "s"], (0.125, 0.875))
    assert (lo, hi) == (pytest.approx(1.0), pytest.approx(4.0))


def test_score_with_a_band_by_hand():
    """Two papers: a's two rows inside their band, b's one row outside: coverage 2/3 by row, 1/2 by paper; the
    band x/÷ 2 about each estimate has a half-width of x2 (by hand)."""
    estimate = np.array([100.0, 100.0, 100.0])
    measured = np.array([100.0, 150.0, 300.0])
    found = S.score(estimate, measured, ["a", "a", "b"], estimate / 2, estimate * 2)
    assert (found.rows, found.papers) == (3, 2)
    assert found.coverage_row == pytest.approx(2 / 3) and found.coverage_paper == pytest.approx(0.5)
    assert found.band_half_width == pytest.approx(2.0)
    assert found.median_factor_row == pytest.approx(1.5)
    none = S.score([math.nan], [1.0], ["a"])
    assert none.rows == 0 and math.isnan(none.median_factor_paper)


def test_bad_arguments_are_refused():
    with pytest.raises(InputError, match="same shape"):
        S.log_ratio([1.0, 2.0], [1.0])
    with pytest.raises(InputError, match="paper has 1 entries for 2 rows"):
        S.median_factor([0.1, 0.2], ["a"])
    with pytest.raises(InputError, match="not both"):
        S.median_error([0.1], ["a"], weights=[1.0])
    with pytest.raises(InputError, match="weights"):
        S.median_error([0.1, 0.2], weights=[1.0, -1.0])


ratios = st.lists(st.floats(1e-3, 1e3), min_size=1, max_size=30)


@given(ratios, st.floats(1e-6, 1e6))
@settings(max_examples=60, deadline=None)
def test_laws_symmetry_and_scale(values, scale):
    """A score is the same with estimate and measurement swapped (|log10| is symmetric), does not depend on the
    unit (both scaled together), is a factor >= 1 and a share in [0, 1]."""
    p = np.array(values)
    m = np.ones_like(p)
    paper = [f"p{i % 4}" for i in range(p.size)]
    a, b, c = S.score(p, m, paper), S.score(m, p, paper), S.score(p * scale, m * scale, paper)
    for x, y in ((a, b), (a, c)):
        assert x.median_factor_row == pytest.approx(y.median_factor_row, rel=1e-9)
        assert x.median_factor_paper == pytest.approx(y.median_factor_paper, rel=1e-9)
        assert abs(x.within_2_paper - y.within_2_paper) <= 1e-12 or _near_edge(p)
    assert a.median_factor_row >= 1.0 and a.median_factor_paper >= 1.0
    assert 0.0 <= a.within_2_row <= 1.0 and 0.0 <= a.within_2_paper <= 1.0


def _near_edge(p: np.ndarray) -> bool:
    """A ratio within round-off of the x2 edge may fall either side once scaled."""
    return bool(np.any(np.abs(np.abs(np.log10(p)) - S.LOG10_2) < 1e-9))


@given(ratios)
@settings(max_examples=40, deadline=None)
def test_law_papers_of_one_row_score_as_rows(values):
    """Where every paper holds one row, by paper is by row: the weighted median read at the middle of each weight
    is numpy's median (the middle value, or the mean of the two middle ones), and the shares agree."""
    r = np.log10(values)
    paper = [f"p{i}" for i in range(r.size)]
    assert S.median_factor(r, paper) == pytest.approx(S.median_factor(r), rel=1e-12)
    assert S.within_2(r, paper) == pytest.approx(S.within_2(r), abs=1e-12)


@given(ratios)
@settings(max_examples=40, deadline=None)
def test_law_the_share_by_paper_ignores_repeated_rows(values):
    """Within x2 by paper is each paper's share averaged over papers: repeating every row three times keeps it."""
    r = np.log10(values)
    paper = [f"p{i % 3}" for i in range(r.size)]
    assert S.within_2(np.tile(r, 3), paper * 3) == pytest.approx(S.within_2(r, paper), abs=1e-12)


# -- one copy of each rule ---------------------------------------------------------------------------------------

#: The rules' names: only kapitza.prediction.scoring defines a function of these names.
RULES = {"median_factor", "median_error", "median_ratio", "within_2", "paper_percentiles", "weighted_percentiles",
         "paper_weights", "paper_median", "log_ratio", "score", "_weighted_median"}  # fmt: skip


def second_copies(paths: list[Path]) -> list[str]:
    """Places outside scoring.py that define a scoring rule again: a function named as one, the log10(2) window,
    ``max(p/m, m/p)``, or ``10 ** <a median or percentile>`` (a median factor computed in place)."""
    found = []
    for path in paths:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            where = f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}:{getattr(node, 'lineno', 0)}"
            if isinstance(node, ast.FunctionDef) and node.name in RULES:
                found.append(f"{where} defines {node.name}")
            elif isinstance(node, ast.Call) and _name(node.func) in ("log10", "math.log10", "np.log10"):
                if node.args and isinstance(node.args[0], ast.Constant) and node.args[0].value in (2, 2.0):
                    found.append(f"{where} computes log10(2), the x2 window")
            elif isinstance(node, ast.Call) and _name(node.func) in ("np.maximum", "max") and len(node.args) == 2:
                a, b = node.args
                if all(isinstance(x, ast.BinOp) and isinstance(x.op, ast.Div) for x in (a, b)):
                    if ast.dump(a.left) == ast.dump(b.right) and ast.dump(a.right) == ast.dump(b.left):
                        found.append(f"{where} computes max(p/m, m/p), a median factor's error")
            elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
                if isinstance(node.left, ast.Constant) and node.left.value in (10, 10.0):
                    inner = node.right.value if isinstance(node.right, ast.Subscript) else node.right
                    if isinstance(inner, ast.Call) and _name(inner.func).split(".")[-1] in (
                        "median", "paper_percentiles", "weighted_percentiles", "nanmedian"
                    ):  # fmt: skip
                        found.append(f"{where} computes 10 ** {_name(inner.func)}(...), a median factor")
    return found


def _name(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_name(node.value)}.{node.attr}"
    return ""


def test_no_second_copy_of_a_scoring_rule():
    """Issue 76: one metric, one implementation.  Every module of the package and of scripts/ imports the median
    factor, the within-x2 share and the per-paper weights from kapitza.prediction.scoring."""
    paths = [p for p in sorted((ROOT / "src" / "kapitza").rglob("*.py")) if p.name != "scoring.py"]
    paths += sorted((ROOT / "scripts").rglob("*.py"))
    assert second_copies(paths) == []


def test_the_copy_checker_sees_each_kind_of_copy(tmp_path):
    """The check itself can fail: a module with each kind of second copy is caught, each once."""
    bad = tmp_path / "bad.py"
    bad.write_text(
        "import math\nimport numpy as np\n"
        "def within_2(r):\n    return r\n"
        "W = math.log10(2.0)\n"
        "f = np.median(np.maximum(p / m, m / p))\n"
        "g = 10 ** np.median(e)\n"
        "h = 10 ** paper_percentiles(e, q, (0.5,))[0]\n"
    )
    found = second_copies([bad])
    assert len(found) == 5, found
