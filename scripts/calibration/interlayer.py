"""The expected measurement of stacks with interlayers (issue 77): made-up compilations whose true interlayer effect
is known, then the compilation's interlayer rows held out by paper and by whole stack beside the series physics
alone and the empirical regressor, per split, family and temperature range, and the interlayer families tried by
the honest selection with its placebo.  The numbers ``kapitza predict --interlayer`` quotes go to
``src/kapitza/prediction/data/interlayer_scores.toml``.

Run (from the repository root; minutes)::

    PYTHONPATH=src:scripts python -m calibration.make_page --only interlayer
"""

from __future__ import annotations

import datetime
import math
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from repo_commit import commit  # scripts/ is on the path (its module text)

from kapitza import __version__
from kapitza.literature.stacks import FAMILIES
from kapitza.prediction import expected as E
from kapitza.prediction.scoring import Score, median_factor, score

from . import common
from .laboratory import interlayer as IL
from .laboratory.held_out import held_out

ROOT = Path(__file__).resolve().parents[2]
SCORES = ROOT / "src" / "kapitza" / "prediction" / "data" / "interlayer_scores.toml"
#: The files under src/ a run writes (the commit stamp ignores them).
WRITES = (SCORES,)
#: Made-up compilations per case.
SEEDS = 8
_LAST: dict[str, Any] = {}

#: The made-up cases: (what, settings of :func:`~calibration.laboratory.interlayer.made_up_stacks`).
CASES = (
    ("quadratic truth, a family effect of 0.25 decades the physics does not know, Student-t paper effects", {}),
    ("the same with paper scatter 0.2 and stack effects 0.2", {"sigma": 0.2, "tau": 0.2}),
)


def _case(what: str, settings: dict, seeds: int) -> common.CalibrationRow:
    covered = papers = 0.0
    residual, width = [], []
    for seed in range(seeds):
        rows, _, _ = IL.made_up_stacks(2000 + seed, **settings)
        held = held_out(rows, n_splits=5)
        s = score(held.value, held.measured, held.paper, held.low, held.high)
        covered += s.coverage_paper * s.papers
        papers += s.papers
        residual += list(np.log10(held.measured / held.value))
        width += list(0.5 * np.log10(held.high / held.low))
    return common.CalibrationRow(
        estimator="Expected measurement of a stack (68 % band of held-out papers)",
        case=what,
        truth="each held-out paper's measured G (made up)",
        n=seeds,
        accepted=seeds,
        flagged=0,
        coverage=covered / papers,
        bias_over_sigma=float(np.mean(residual) / np.median(width)),
        median_sigma_rel=median_factor(width) - 1,
        expected="claimed",
        note=f"{int(papers)} held-out papers in all; the family flag left out of the fit, as on the shipped rows",
    )


def families_try() -> Any:
    """The interlayer families as a descriptor group, by the honest selection (with its placebo, by paper and by
    whole stack), on the route's rows without them: the try whose verdict decides whether the package takes them
    (:data:`kapitza.prediction.expected.FAMILY_FEATURES`)."""
    from .laboratory.selection import try_group

    rows = E.interlayer_rows(families=False)
    return try_group(rows, "families", E.FAMILY_FEATURES, IL.family_columns(rows))


#: Made-up compilations the page's rates of the selection run over.
RATE_SEEDS = 20


def made_up_try(seed: int = 3000, bases: Sequence[str] | None = None) -> dict[str, Any]:
    """On one made-up compilation: the true family's effect left in the residuals without it (recovered within its
    stated error?), and the selection's verdicts on the true family and on a placebo family.  ``bases``: the
    candidates of every fold's fit (default all, as the shipped procedure; a test may take fewer)."""
    from .laboratory.selection import try_group

    rows, flag, fake = IL.made_up_stacks(seed)
    chosen = tuple(bases) if bases is not None else E.SMOOTH_BASES
    base = held_out(rows, n_splits=5, bases=chosen)
    found, se = IL.recovered_effect(base, flag)
    # each a one-hot of two families, as the real families are (every row holds one), so that its placebo (the rows'
    # families shuffled among them) differs from it
    true_try = try_group(rows, "true family", ("family a", "family b"), np.column_stack([flag, 1 - flag]),
                         baseline=base, n_splits=5, bases=chosen)  # fmt: skip
    fake_try = try_group(rows, "placebo family", ("family c", "family d"), np.column_stack([fake, 1 - fake]),
                         baseline=base, n_splits=5, bases=chosen)  # fmt: skip
    return {"effect": 0.25, "recovered": found, "se": se, "true": true_try, "placebo": fake_try}


def made_up_rates(seeds: Sequence[int], bases: Sequence[str] | None = None) -> dict[str, Any]:
    """:func:`made_up_try` over many made-up compilations: how often the recovered effect lies within two of its
    stated standard errors of the truth, how often the selection keeps the true family (its power) and the placebo
    (its false alarms), and the recovered effect's mean bias (decades)."""
    tries = [made_up_try(int(s), bases) for s in seeds]
    within = [abs(t["recovered"] - t["effect"]) <= 2 * t["se"] for t in tries]
    return {
        "seeds": len(tries),
        "within_2se": float(np.mean(within)),
        "true_kept": float(np.mean([t["true"].kept for t in tries])),
        "placebo_kept": float(np.mean([t["placebo"].kept for t in tries])),
        "bias": float(np.mean([t["recovered"] - t["effect"] for t in tries])),
    }


def run(n_seeds: int) -> list[common.CalibrationRow]:
    """The made-up cases, then the shipped interlayer rows held out and the families tried (stored for
    :func:`page_lines`), the scores written to ``interlayer_scores.toml``."""
    rows = [_case(what, settings, min(n_seeds, SEEDS)) for what, settings in CASES]
    t0 = time.perf_counter()
    v = IL.interlayer_validation()
    _LAST.update(validation=v, seconds=time.perf_counter() - t0)
    t0 = time.perf_counter()
    _LAST.update(families=families_try(), made_up=made_up_try(), try_seconds=time.perf_counter() - t0)
    t0 = time.perf_counter()
    _LAST.update(rates=made_up_rates(range(3000, 3000 + RATE_SEEDS)), rates_seconds=time.perf_counter() - t0)
    write_scores(v)
    return rows


def _score_lines(s: Score) -> list[str]:
    return [*common.score_toml_lines(s), ""]


def write_scores(v: IL.InterlayerValidation) -> None:
    """The held-out scores ``kapitza predict --interlayer`` quotes, per split and held out by whole stack."""
    lines = [
        "# Held-out scores of the expected measurement of stacks with interlayers (kapitza.prediction.expected, the",
        "# interlayer route): one fold per paper, every paper weighted equally; per split of the held-out rows (their",
        "# stack measured by other papers, or by nobody else); and held out by whole stack.",
        "# Written by scripts/calibration/interlayer.py; do not edit by hand.",
        f'source = "PYTHONPATH=src:scripts python -m calibration.make_page --only interlayer, kapitza {__version__}, '
        f'commit {commit(ignore=WRITES)}, {datetime.date.today().isoformat()}"',
        "",
        f'[routes."{E.STACK}"]',
        *_score_lines(v.estimate),
    ]
    for name, s in v.splits.items():
        lines += [f'[routes."{E.STACK}"."{name}"]', *_score_lines(s)]
    lines += [f'[routes."{E.STACK}"."held out by pair"]', *_score_lines(v.by_stack)]
    SCORES.write_text("\n".join(lines), encoding="utf-8")


def _cells(s: Score, band: bool = True) -> str:
    if s.rows == 0:
        return "0 | 0 | n/a | n/a | n/a" + (" | n/a" if band else "")
    out = f"{s.rows} | {s.papers} | ×{s.median_factor_paper:.3g} | ×{s.median_factor_row:.3g} | " + (
        f"{100 * s.within_2_paper:.0f} %"
    )
    return out + (f" | {s.coverage_paper:.3f}" if band else "")


def page_lines() -> list[str]:
    """The shipped interlayer rows held out, the families' try, and the made-up check."""
    v = _LAST.get("validation")
    if v is None:
        return []
    lo, hi = v.intervals["all rows"]
    lines = [
        "**The interface as it is made: stacks with interlayers** (issue 77). The compilation's rows with an "
        "interlayer whose two sides are database materials and whose interlayers kapitza reads and describes: "
        f"{len(v.rows)} rows of {len(set(v.rows.paper))} papers, {len(set(v.rows.pair))} stacks (of the 627 "
        "interlayer rows; the others have a side outside the database, or an interlayer kapitza has no data for: "
        "Ni, SiGe, SiNx, ZnO). "
        "Each row's descriptors are its stack's series physics (`kapitza.prediction.interlayer`: each interface's "
        "Debye DMM with its electrons, each film in series; the compilation gives no interlayer thickness, so each "
        "layer counts in full, without a resistance of its own) and its bare pair's; the estimate is the bare "
        'routes\' procedure on these rows, its "pair" the stack. Held out by paper (one fold per paper) and by whole '
        f"stack; the median factor by paper's 68 % interval over papers resampled is {lo:.2f}-{hi:.2f} "
        f"({float(_LAST['seconds']):.0f} s).",
        "",
        "| rows of | estimate | rows | papers | median factor (paper) | (row) | within x2 (paper) | band coverage "
        "(paper) |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
        f"| every stack | **expected measurement**, held out by paper | {_cells(v.estimate)} |",
        f"| every stack | expected measurement, held out by whole stack | {_cells(v.by_stack)} |",
    ]
    for name, s in v.splits.items():
        a, b = v.intervals.get(name, (math.nan, math.nan))
        lines.append(f"| {name} (interval {a:.2f}-{b:.2f}) | expected measurement | {_cells(s)} |")
    lines += [
        f"| every stack | the series physics alone | {_cells(v.physics, False)} | |",
        f"| every stack | the series physics times its median measured/physics of the other papers | "
        f"{_cells(v.physics_corrected, False)} | |",
        f"| every stack | the empirical estimate of today (`--empirical`, its own folds) | "
        f"{_cells(v.empirical, False)} | |",
        "",
        "By interlayer family (a row counts in each family its stack holds) and by temperature:",
        "",
        "| family or T (K) | rows | papers | median factor (paper) | (row) | within x2 (paper) | band coverage "
        "(paper) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for f in FAMILIES:
        lines.append(f"| {f} | {_cells(v.families[f])} |")
    for (lo_t, hi_t), s in zip(E.TEMPERATURE_RANGES, v.temperatures):
        span = f"{lo_t:g}-{hi_t:g} K" if math.isfinite(hi_t) else f"{lo_t:g}+ K"
        lines.append(f"| {span} | {_cells(s)} |")
    lines += [
        "",
        "The stacks measured by more than one paper, held out by paper (each paper's rows predicted from the others):",
        "",
        "| stack | papers | rows | median factor (paper) | band coverage (paper) |",
        "|---|---:|---:|---:|---:|",
    ]
    for stack, n, s in v.multi_paper:
        lines.append(f"| {_shown(stack)} | {n} | {s.rows} | ×{s.median_factor_paper:.3g} | {s.coverage_paper:.3f} |")
    t = _LAST.get("families")
    if t is not None:
        lines += [
            "",
            "**The families tried** by the honest selection (`calibration.laboratory.selection.try_group`, "
            f"{float(_LAST['try_seconds']):.0f} s with the made-up check below): the five family flags held out by "
            "paper with and without, against a placebo of the same flags shuffled, on the rows nobody else measured; "
            f"**{_verdict(t.kept)}**{t.reason.removeprefix(_verdict(t.kept))}"
            f"{' (so the estimate above takes them)' if t.kept else ''}. Nobody else measured: without ×"
            f"{t.baseline.median_factor_paper:.3f}, with ×{t.with_group.median_factor_paper:.3f}, placebo ×"
            f"{t.placebo.median_factor_paper:.3f}; others measured: ×{t.others_baseline.median_factor_paper:.3f} → ×"
            f"{t.others_with.median_factor_paper:.3f}. The thickness is not tried: the compilation gives no "
            "interlayer's thickness (a few rows name one in their notes).",
        ]
    m = _LAST.get("made_up")
    if m is not None:
        lines += [
            "",
            f"**A made-up compilation whose true family effect is known** ({m['effect']:g} decades, Student-t paper "
            "effects, a physics of another shape than the fit's): held out without the family, its rows' residuals "
            f"carry {m['recovered']:.3f} ± {m['se']:.3f} decades of it; the selection "
            f"{'keeps' if m['true'].kept else 'drops'} the true family (nobody else measured ×"
            f"{m['true'].baseline.median_factor_paper:.3f} → ×{m['true'].with_group.median_factor_paper:.3f}) and "
            f"{'keeps' if m['placebo'].kept else 'drops'} a placebo family (×"
            f"{m['placebo'].baseline.median_factor_paper:.3f} → ×{m['placebo'].with_group.median_factor_paper:.3f}, "
            f"no better than its shuffled copy ×{m['placebo'].placebo.median_factor_paper:.3f}).",
        ]
    r = _LAST.get("rates")
    if r is not None:
        lines += [
            "",
            f"Over {r['seeds']} such compilations (seeds 3000-{3000 + r['seeds'] - 1}, "
            f"{float(_LAST['rates_seconds']):.0f} s): the recovered effect lies within two stated standard errors "
            f"of the truth in {r['within_2se']:.0%} of them (mean bias {r['bias']:+.3f} decades); the selection "
            f"keeps the true family in {r['true_kept']:.0%} (its power at 0.25 decades on 60 made-up stacks of 1-2 "
            f"papers each) and the placebo in {r['placebo_kept']:.0%} (its false alarms).",
        ]
    return lines


def _verdict(kept: bool) -> str:
    return "kept" if kept else "dropped"


def _shown(stack: str) -> str:
    """A stack key ``"A|I1/I2|B"`` as the page shows it: every layer apart, the metal side first."""
    from kapitza.prediction.interface import is_metal

    side1, layers, side2 = stack.split("|")
    order = [side1, *layers.split("/"), side2]
    if is_metal(side2) and not is_metal(side1):
        order.reverse()
    return " / ".join(order)
