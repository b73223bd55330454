"""The calibration page's expected-measurement section (docs/reference/calibration/expected.json, written by
scripts/calibration/expected.py with the package's expected_scores.toml in one run) against the code that ships: the
groups the honest selection kept are the groups the estimate takes (expected.SELECTED), and the held-out scores that
``kapitza predict`` quotes are the page's.  A page or a scores file left behind a change of either fails here;
regenerate both with ``PYTHONPATH=src:scripts python -m calibration.make_page --only expected``."""

from __future__ import annotations

import json
import re
from pathlib import Path

from calibration.laboratory import groups as G

from kapitza.prediction import expected as E

PAGE = Path(__file__).resolve().parents[2] / "docs" / "reference" / "calibration" / "expected.json"
REGENERATE = "regenerate with: PYTHONPATH=src:scripts python -m calibration.make_page --only expected"


def _lines() -> list[str]:
    return [line for line in json.loads(PAGE.read_text(encoding="utf-8"))["lines"] if isinstance(line, str)]


def test_the_groups_the_page_kept_are_the_groups_the_estimate_takes():
    """Every try on the page is read (route, group, verdict); the kept ones per route are SELECTED's and PENDING's
    (kept, not taken yet), in any order, and every group each route tries (TRIED) was tried on it."""
    tried = {}
    for line in _lines():
        m = re.match(r"\| (\w+) \| ([\w ]+?) \| \d+ \|.*\| (kept|dropped)", line)
        if m and m.group(1) in E.ROUTES and m.group(2) in G.EXTRA_FEATURES:
            tried[m.group(1), m.group(2)] = m.group(3)
    assert set(tried) == {(r, g) for r in E.ROUTES for g in G.TRIED[r]}, REGENERATE
    for route in E.ROUTES:
        kept = {g for (r, g), verdict in tried.items() if r == route and verdict == "kept"}
        assert not set(G.SELECTED[route]) & set(G.PENDING[route])
        assert kept == set(G.SELECTED[route]) | set(G.PENDING[route]), (
            f"{route}: page kept {sorted(kept)}; {REGENERATE}"
        )


def test_the_package_takes_exactly_the_selected_groups():
    """Issue 76: the package's estimate keeps no branch for a group the selection did not keep: each route's training
    rows hold the route's own descriptors and the columns of the groups SELECTED keeps (none today), in order."""
    for route in E.ROUTES:
        wanted = (*E.FEATURES[route], *(n for g in G.SELECTED[route] for n in G.EXTRA_FEATURES[g]))
        assert E.expected_rows(route).names == wanted


def test_the_page_says_which_kept_groups_the_estimate_does_not_take_yet_and_why():
    text = "\n".join(_lines())
    for route in E.ROUTES:
        for group, why in G.PENDING[route].items():
            assert f"{route}, {group}: not in the estimate yet: {why}" in text, REGENERATE


def test_the_scores_predict_quotes_are_the_pages():
    """The headline rows (each route's two splits, held out by paper, and where the route takes a group of a table of
    pairs its rows nobody else measured with the group known and missing) on the page carry the median factor by
    paper, the coverage and the band's half-width of expected_scores.toml, to the page's three figures."""
    scores = E.held_out_scores()
    seen = 0
    for line in _lines():
        cells = [c.strip().strip("*") for c in line.strip("|").split("|")]
        if len(cells) < 10 or cells[0] not in E.ROUTES or cells[1] not in (*E.SPLITS, *G.KNOWN_SPLITS):
            continue
        s = scores[cells[0]][cells[1]]
        assert int(cells[2]) == s["rows"] and int(cells[3]) == s["papers"], (cells, REGENERATE)
        assert cells[4] == f"×{s['median_factor_paper']:.3g}", (cells, REGENERATE)
        assert re.fullmatch(r"×[\d.]+-[\d.]+", cells[5]), (cells, REGENERATE)  # its interval over papers resampled
        assert cells[7] == f"{s['coverage_paper']:.3f}", (cells, REGENERATE)
        assert cells[8] == f"×{s['band_half_width']:.3g}", (cells, REGENERATE)
        seen += 1
    assert seen == sum(2 + 2 * len(set(G.SELECTED[r]) & set(G.TABLE_GROUPS)) for r in E.ROUTES), REGENERATE
