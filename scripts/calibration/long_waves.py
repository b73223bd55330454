"""The expected measurement where a side's long waves stand in for the phonons the potential refused (issue 78, item
3): the database route's rows whose two sides both have the default potential's relaxed-ion elastic tensor on the
elastic-accuracy page, each side's record replaced by its long waves from that tensor, held out by paper beside the
same folds on the real descriptors; the widening of the band that restores its coverage, which
``src/kapitza/prediction/data/long_wave_scores.toml`` ships for ``kapitza predict`` (the laboratory's module text,
:mod:`calibration.laboratory.long_waves`, says how).

Run (from the repository root; about a minute and a half)::

    PYTHONPATH=src:scripts python -m calibration.make_page --only long_waves
"""

from __future__ import annotations

import datetime
import math
import time
from pathlib import Path
from typing import Any

import numpy as np
from repo_commit import commit  # scripts/ is on the path (its module text)

from kapitza import __version__
from kapitza.prediction import expected as E
from kapitza.prediction.scoring import Score, median_factor

from . import common
from .laboratory import long_waves as LW

ROOT = Path(__file__).resolve().parents[2]
SCORES = ROOT / "src" / "kapitza" / "prediction" / "data" / "long_wave_scores.toml"
#: The files under src/ a run writes (the commit stamp ignores them).
WRITES = (SCORES,)
COMMAND = "PYTHONPATH=src:scripts python -m calibration.make_page --only long_waves"
_LAST: dict[str, Any] = {}


def run(n_seeds: int) -> list[common.CalibrationRow]:
    """The long-wave route held out (stored for :func:`page_lines`); the scores written to ``long_wave_scores.toml``.
    ``n_seeds`` is not used: the rows are the compilation's, one fold per paper."""
    t0 = time.perf_counter()
    v = LW.long_wave_validation()
    _LAST.update(validation=v, seconds=time.perf_counter() - t0)
    write_scores(v)
    wide = LW.widened(v.long, v.widening)
    residual = np.log10(wide.measured / wide.value)
    width = 0.5 * np.log10(wide.high / wide.low)
    papers = len(set(v.rows.paper))
    return [
        common.CalibrationRow(
            estimator="Expected measurement from the long waves (68 % band of held-out papers, widened)",
            case=f"the database route's rows, both sides' records replaced by their long waves from the "
            f"{v.calculator} relaxed-ion elastic constants; the band widened by the W chosen without the paper",
            truth="each held-out paper's measured G",
            n=papers,
            accepted=papers,
            flagged=0,
            coverage=v.nested,
            bias_over_sigma=float(np.mean(residual) / np.median(width)),
            median_sigma_rel=median_factor(width) - 1,
            expected="claimed",
            note="n counts held-out papers (the compilation's, one fold each), not seeds; the coverage is by paper",
        )
    ]


def write_scores(v: LW.LongWaveValidation) -> None:
    """The widening ``kapitza predict`` applies where a side's long waves stood in, and the scores it quotes: the
    long-wave estimate's median factor, its widened band's coverage by paper with the widening chosen without the
    paper (the nested coverage) and half-width, on every row and per split; the real descriptors' beside them."""
    every = v.scores["all rows"]
    lo, hi = v.interval
    lines = [
        "# Held-out scores of the expected measurement where a side's long waves stand in for its refused phonons",
        "# (kapitza.prediction.expected, the long-wave route): the database route's rows whose two sides both have the",
        f"# {v.calculator} relaxed-ion elastic tensor (docs/reference/elastic-accuracy/results.json), each side's",
        "# record replaced by its long waves from it; one fold per paper, every paper weighted equally. widening:",
        "# the smallest factor on the band's half-widths that brings the long-wave band's coverage by paper to 68 %",
        "# (at the finite-sample level of its papers); coverage_paper: the widened band's, each paper's W chosen",
        "# without it.",
        "# Written by scripts/calibration/long_waves.py; do not edit by hand.",
        f'source = "{COMMAND}, kapitza {__version__}, commit {commit(ignore=WRITES)}, '
        f'{datetime.date.today().isoformat()}"',
        "",
        f'[routes."{E.LONG_WAVES}"]',
        f"widening = {v.widening!r}",
        f"widening_interval = [{lo!r}, {hi!r}]",
        f"spread_ratio = {v.spread!r}",
        f"pairs = {len(set(v.rows.pair))}",
        "crystals = [" + ", ".join(f'"{c}"' for c in v.crystals) + "]",
        *common.score_toml_lines(every["widened"], v.nested),
        f"unwidened_coverage_paper = {every['long'].coverage_paper!r}",
        f"real_median_factor_paper = {every['real'].median_factor_paper!r}",
        f"real_coverage_paper = {every['real'].coverage_paper!r}",
        "",
    ]
    for name in E.SPLITS:
        s = v.scores[name]
        lines += [
            f'[routes."{E.LONG_WAVES}"."{name}"]',
            f"widening = {v.split_widenings.get(name, v.widening)!r}",
            *common.score_toml_lines(s["widened"], v.nested_splits[name]),
            f"unwidened_coverage_paper = {s['long'].coverage_paper!r}",
            f"real_median_factor_paper = {s['real'].median_factor_paper!r}",
            f"real_coverage_paper = {s['real'].coverage_paper!r}",
            "",
        ]
    SCORES.write_text("\n".join(lines), encoding="utf-8")


def _cells(s: Score, coverage: float | None = None) -> str:
    cov = s.coverage_paper if coverage is None else coverage
    return (f"{s.rows} | {s.papers} | ×{s.median_factor_paper:.3g} | ×{s.median_factor_row:.3g} | "
            f"{100 * s.within_2_paper:.0f} % | {cov:.3f} | ×{s.band_half_width:.3g}")  # fmt: skip


def page_lines() -> list[str]:
    """The long-wave route held out beside the real descriptors, and the widening."""
    v = _LAST.get("validation")
    if v is None:
        return []
    every = v.scores["all rows"]
    lo, hi = v.interval
    a, b = v.factor_intervals["long"]
    ra, rb = v.factor_intervals["ratio"]
    lines = [
        "**Long waves where phonons are refused** (issue 78, item 3). Where the potential refuses a crystal's phonons "
        "but its elastic tensor is stable (β-Ga2O3 with the default potential), `kapitza predict` describes the side "
        "by its long waves (`kapitza.phonons.long_waves.long_wave_material`: the Debye-equivalent Christoffel speeds "
        "of the relaxed-ion tensor, the relaxed cell's density) and the expected measurement is the database route's "
        "fit on the database descriptors of the two records, its band widened. Measured here: the database route's "
        f"rows whose two sides both have the {v.calculator} relaxed-ion tensor on the elastic-accuracy page "
        f"(`docs/reference/elastic-accuracy/results.json`; {len(v.crystals)} of its crystals are database "
        f"materials: {', '.join(v.crystals)}): **{len(v.rows)} rows of {len(set(v.rows.paper))} papers, "
        f"{len(set(v.rows.pair))} pairs**. Each side's record is replaced by exactly what a refused side gets from "
        "that tensor, the rows' descriptors recomputed by the route's own rules "
        "(`kapitza.prediction.expected.record_features`); one fold per paper, the procedure fitted on every other "
        "paper's rows with their real descriptors, the held-out paper's rows predicted from the real descriptors and "
        f"from the long-wave ones ({float(_LAST['seconds']):.0f} s). The long waves move the phonon DMM by a median "
        f"{v.dmm_shift:+.3f} decades by paper (×{10**v.dmm_shift:.3g}).",
        "",
        "| rows of | descriptors | rows | papers | median factor (paper) | (row) | within x2 (paper) | band coverage "
        "(paper) | band half-width (paper) |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name in ("all rows", *E.SPLITS):
        s = v.scores[name]
        lines += [
            f"| {name} | real (database records) | {_cells(s['real'])} |",
            f"| {name} | long waves, the band unwidened | {_cells(s['long'])} |",
            f"| {name} | **long waves, the band widened** (W chosen without the paper) | "
            f"{_cells(s['widened'], v.nested_splits[name])} |",
        ]
    lines += [
        "",
        f"**The widening W = ×{v.widening:.3f}** (68 % interval over papers resampled {lo:.3f}-{hi:.3f}): the "
        "smallest factor on the band's half-widths (decades, about the estimate, as the procedure's own widenings "
        "scale it) that brings the long-wave band's coverage by paper to 68 % at the finite-sample level of its "
        f"{len(set(v.rows.paper))} papers ({every['long'].coverage_paper:.3f} unwidened, "
        f"{every['widened'].coverage_paper:.3f} widened). Chosen by coverage rather than by the ratio of the "
        "residuals' paper-weighted half-widths (long waves over real descriptors: "
        f"×{v.spread:.3f}), because the band promises a coverage and the long waves can shift the estimate as well "
        "as spread it; on these papers the real descriptors' band already holds "
        f"{every['real'].coverage_paper:.3f}, more than its level, and the band widened by the spread ratio would "
        f"hold {v.spread_coverage:.3f}. Chosen "
        f"without each paper in turn, W ranges {np.min(v.nested_widenings):.3f}-{np.max(v.nested_widenings):.3f} and "
        f"the widened band holds **{v.nested:.3f}** of the papers (the coverage in the tables and the one "
        "`kapitza predict` quotes). The long-wave estimate's median factor by paper: 68 % interval over papers "
        f"resampled {a:.2f}-{b:.2f}; its ratio to the real descriptors' {ra:.3f}-{rb:.3f} (paired draws).",
        "",
        f"Shipped in `src/kapitza/prediction/data/long_wave_scores.toml` (`{COMMAND}`): `kapitza predict` multiplies "
        "the database route's band half-widths by W where a side's long waves stood in and a side is not a database "
        "material (where both are, the database route answers on their own records), and quotes the widened scores.",
        "",
        "**Per split** (issue 83): one W for every row had left the pairs nobody else measured at a coverage of "
        "0.55-0.57 by paper, below the level, while the pairs others measured held more; each split now takes the W "
        "chosen on its own rows (where it holds 8 papers or more), the one a query of that split gets: "
        + "; ".join(
            f"{name} x{v.split_widenings.get(name, v.widening):.3f} (nested coverage by paper "
            f"{v.nested_splits[name]:.3f})"
            for name in E.SPLITS
        )
        + ". The tables above show each split with its own W.",
    ]
    if not math.isfinite(v.widening):
        lines.append("")
        lines.append("**No widening reaches the level: the long-wave route is not calibrated.**")
    return lines
