"""The stated x/÷ band of a prediction from a calculator's phonons, measured against every measured row it scores.

``kapitza validate --calculator NAME`` (:func:`kapitza.prediction.validation.calculators.calculator_validation`)
predicts every bare measured row of the shipped compilation whose two crystals can be built.  The model is not
fitted to the measurements, so every row is held out; the band a user is told is
:meth:`~kapitza.prediction.validation.calculators.CalculatorValidation.band`: the factor f such that
[G / f, G * f] holds 68 % of the measurements, every paper weighted equally
(:func:`kapitza.prediction.empirical.paper_percentiles`, the rule of the empirical estimate's band).

That band is measured on the rows it describes, so it is checked here out of sample, as the empirical estimate's
is: the papers are dealt at random into ``FOLDS`` folds (one deal per seed); for each fold the band is measured
on the other papers' rows only and judged on the held-out papers' rows: covered when
``|log10 G_measured - log10 G_predicted| <= log10 f``.  Two rows: every held-out measurement once, and every
held-out paper once (each measurement weighted 1 / rows of its paper).  Bias and sigma are in decades of G.

Run (from the repository root; the first run computes the phonons of about 40 crystals with the potential,
cached on disk, an hour or more on two cores; a second run reads them in about a minute)::

    PYTHONPATH=src:scripts python -m calibration.mlip [--calculator NAME]

which runs this module through ``calibration.make_page --only mlip``: it stores the rows in
``docs/reference/calibration/mlip.json``, writes the band into ``src/kapitza/prediction/data/calculator_bands.toml``
(what ``kapitza predict --calculator NAME`` prints), draws ``docs/figures/validation_<NAME>.png`` (measured vs
predicted, the Debye DMM and the calculator side by side) and regenerates the calibration page with a section
on coverage, the statistics and the band.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import math
import re
import time
from pathlib import Path

import numpy as np
from repo_commit import commit  # scripts/ is on the path (its module text)

from kapitza import __version__
from kapitza.atomistic.calculators import DEFAULT_CALCULATOR
from kapitza.prediction import mlip_band
from kapitza.prediction.validation import calculators as CV

from . import common

#: The calculator the module measures (``--calculator`` changes it).
CALCULATOR = DEFAULT_CALCULATOR
#: Folds the papers are dealt into.
FOLDS = 5
#: Deals of the papers (each is a few array operations: no model is fitted).
SEEDS = 50
ROOT = Path(__file__).resolve().parents[2]
FIGURES = ROOT / "docs" / "figures"
_LAST: dict[str, object] = {}


def figure_name(calculator: str) -> str:
    """``validation_chgnet.png`` (a module:factory's colon and dots become underscores)."""
    return "validation_" + re.sub(r"[^A-Za-z0-9_-]+", "_", calculator) + ".png"


def held_out(found: CV.CalculatorValidation, seed: int, folds: int = FOLDS) -> dict[str, np.ndarray]:
    """One random deal of the papers into ``folds``: per held-out scored row its prediction and the band measured
    without its fold (decades), the truth (log10 measured G) and its paper."""
    index = np.flatnonzero(found.scored)
    papers_of = np.array([found.paper[i] for i in index])
    papers = np.array(sorted(set(papers_of)))
    if papers.size < folds:
        raise ValueError(f"{papers.size} papers cannot be dealt into {folds} folds")
    order = np.random.default_rng(seed).permutation(papers.size)
    fold_of = {papers[j]: k % folds for k, j in enumerate(order)}
    fold = np.array([fold_of[p] for p in papers_of])
    p, m = found.predicted[index], found.measured[index]
    est, sig, tru, pap = [], [], [], []
    for k in range(folds):
        train, test = fold != k, fold == k
        band = CV.measured_band(p[train], m[train], list(papers_of[train]))
        est.append(np.log10(p[test]))
        sig.append(np.full(int(test.sum()), math.log10(band.factor)))
        tru.append(np.log10(m[test]))
        pap.append(papers_of[test])
    return {k: np.concatenate(v) for k, v in (("est", est), ("sig", sig), ("tru", tru), ("paper", pap))}


def rows_of(found: CV.CalculatorValidation, deals: list[dict[str, np.ndarray]]) -> list[common.CalibrationRow]:
    """The two rows (every held-out measurement once; every held-out paper once) over the deals."""
    estimator = f"x/÷ band of a prediction with {found.calculator} phonons (full-dispersion DMM)"
    outcomes = [
        (float(e), float(s), float(t), False)
        for d in deals
        for e, s, t in zip(d["est"], d["sig"], d["tru"], strict=True)
    ]
    papers = len(set(deals[0]["paper"]))
    rows_row = common.summarize(
        estimator,
        f"held-out measurements, papers dealt into {FOLDS} folds, the band measured on the other folds",
        f"measured G of {papers} papers (log10)",
        outcomes,
        note=f"{len(deals)} deals of the papers; bias and sigma in decades of G",
    )
    coverage, bias_over_sigma = common.paper_weighted(deals)
    if not rows_row.within_band:
        # the band is defined and stated with every paper weighted equally (the next row); by measurement, the
        # papers with many rows weigh in proportion, and where their rows sit far from the prediction the coverage
        # falls outside the band: said beside the number, not hidden
        rows_row = dataclasses.replace(
            rows_row,
            note=f"{rows_row.note}; outside the band: the stated band is measured with every paper weighted "
            f"equally (the next row, {coverage:.3f}), and by measurement the papers with many rows weigh in "
            "proportion to them",
        )
    paper_row = common.CalibrationRow(
        estimator=estimator,
        case="the same, every held-out paper weighted equally",
        truth=f"measured G of {papers} papers (log10)",
        n=papers * len(deals),
        accepted=papers * len(deals),
        flagged=0,
        coverage=coverage,
        bias_over_sigma=bias_over_sigma,
        median_sigma_rel=rows_row.median_sigma_rel,
        note=f"coverage error about {common.coverage_error(papers):.3f} (papers, not rows, are independent)",
    )
    return [rows_row, paper_row]


def _long_wave_extra(found: CV.CalculatorValidation) -> dict[str, list[object]]:
    """The long-wave groups with rows, as the band file's lists (what ``kapitza predict --calculator`` states for
    a pair's group)."""
    groups = [g for g in found.long_wave_groups() if g.rows > 0]
    if not groups:
        return {}
    return {
        "long_wave_groups": [g.group for g in groups],
        "long_wave_rows": [g.rows for g in groups],
        "long_wave_papers": [g.papers for g in groups],
        "long_wave_median_ratio": [g.median_ratio for g in groups],
        "long_wave_row_median_ratio": [g.row_median_ratio for g in groups],
    }


def write_outputs(found: CV.CalculatorValidation, band_file: Path | None = None, figures: Path = FIGURES) -> Path:
    """The band into the band file and the side-by-side figure into ``figures``; returns the figure's path."""
    from kapitza.plotting.validation import calculator_validation_figure

    band = found.band()
    source = (
        f"kapitza validate --calculator {found.calculator}, kapitza {__version__}, commit {commit()}, "
        f"{datetime.date.today().isoformat()}: [G/f, G*f] held {100 * band.coverage:.0f} % of the measurements, "
        f"every paper weighted equally ({band.rows} rows of {band.papers} papers)"
    )
    mlip_band.write_band(
        found.calculator,
        band.factor,
        band.rows,
        source,
        median_ratio=band.median_ratio,
        extra={"papers": band.papers, "low": band.low, "high": band.high, **_long_wave_extra(found)},
        path=band_file,
    )
    figures.mkdir(parents=True, exist_ok=True)
    path = figures / figure_name(found.calculator)
    calculator_validation_figure(found, path)
    return path


def _progress(stage: str, done: int, total: int) -> None:
    if stage in ("crystals", "pairs"):
        print(f"  {stage} {done}/{total}", flush=True)


def run(n_seeds: int, calculator: str | None = None) -> list[common.CalibrationRow]:
    """Validate ``calculator`` (default :data:`CALCULATOR`), write the band and the figure, and return the
    calibration rows of the band over min(n_seeds, SEEDS) deals of the papers."""
    t0 = time.perf_counter()
    found = CV.calculator_validation(calculator or CALCULATOR, progress=_progress)
    seconds = time.perf_counter() - t0
    deals = [held_out(found, seed) for seed in range(min(n_seeds, SEEDS))]
    figure = write_outputs(found)
    _LAST.clear()
    _LAST.update(found=found, figure=figure, seconds=seconds)
    return rows_of(found, deals)


def _stat_cells(s: CV.FactorStatistics) -> str:
    if s.rows == 0:
        return "0 | 0 | n/a | n/a | n/a"
    return f"{s.rows} | {s.papers} | ×{s.median_factor:.3g} | {100 * s.within_2:.0f} % | {s.median_ratio:.3g}"


#: How many (paper, pair) groups the page lists as the largest misses.
MISSES = 10


def _paper_words(paper_ids: set[str]) -> dict[str, str]:
    """Per compilation reference id: first author and journal as the compilation gives them."""
    from kapitza.literature.measurements import shipped_measurements

    data = shipped_measurements()
    out: dict[str, str] = {}
    for rid, authors, journal in zip(data.reference_id, data.reference_authors, data.reference_journal):
        if rid in paper_ids and rid not in out:
            first = re.split(r",|;| and ", authors)[0].strip() or "?"
            out[rid] = f"{first} et al., {journal.strip()}" if journal.strip() else f"{first} et al."
    return out


def misses(found: CV.CalculatorValidation, most: int = MISSES) -> list[dict[str, object]]:
    """The (paper, pair) groups of the scored rows whose median p/m is farthest from 1 (in log), ``most`` of them:
    each with its rows, temperatures, the calculator's and the Debye DMM's median p/m and the note of its rows."""
    groups: dict[tuple[str, str], list[int]] = {}
    for i in np.flatnonzero(found.scored):
        groups.setdefault((found.paper[i], f"{found.side1[i]}/{found.side2[i]}"), []).append(int(i))
    out = []
    for (paper, pair), index in groups.items():
        ratio = found.predicted[index] / found.measured[index]
        debye = found.debye[index] / found.measured[index]
        debye = debye[np.isfinite(debye) & (debye > 0)]
        notes = sorted({found.note[i].split(":")[0] for i in index if found.note[i]})
        out.append({
            "paper": paper, "pair": pair, "rows": len(index),
            "t_min": float(found.temperature[index].min()), "t_max": float(found.temperature[index].max()),
            "ratio": float(np.median(ratio)), "debye": float(np.median(debye)) if debye.size else math.nan,
            "note": "; ".join(notes),
        })  # fmt: skip
    out.sort(key=lambda g: -abs(math.log10(float(g["ratio"]))))
    return out[:most]


def _long_wave_lines(found: CV.CalculatorValidation) -> list[str]:
    groups = found.long_wave_groups()
    if not groups:
        return []

    def cell(v: float) -> str:
        return "n/a" if math.isnan(v) else f"{v:.3g}"

    lines = [
        f"The misses and the potential's long waves: the scored rows grouped by the softest shear stiffness rho v^2 "
        f"that {found.calculator} gives either crystal of the pair, against the measured one "
        "({doc}`elastic-accuracy`; `kapitza predict --calculator` prints it per side, `kapitza validate "
        "--calculator` these groups). Medians with every paper weighted equally, as the band's (papers, not "
        "rows, are independent), and beside them by row: a paper with many rows moves the second. The Debye DMM, "
        "built on measured sound speeds, beside it on the rows of each group it scores: where both are off alike, "
        "the model or the measurements miss, not the potential.",
        "",
        f"| softest shear of the pair | rows | papers | {found.calculator} median p/m | the same by row | rows the "
        f"Debye DMM scores | Debye DMM p/m on them | {found.calculator} p/m on them |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for g in groups:
        lines.append(
            f"| {g.group} | {g.rows} | {g.papers} | {cell(g.median_ratio)} | {cell(g.row_median_ratio)} | "
            f"{g.common_rows} | {cell(g.common_debye_ratio)} | {cell(g.common_ratio)} |"
        )
    return lines


def _miss_lines(found: CV.CalculatorValidation) -> list[str]:
    worst = misses(found)
    words = _paper_words({str(g["paper"]) for g in worst})
    lines = [
        f"Where the misses are: the {len(worst)} (paper, pair) groups of scored rows whose median p/m with "
        f"{found.calculator} is farthest from 1 (a factor in either direction), beside the Debye DMM's on the same "
        "rows:",
        "",
        "| paper (compilation id) | pair | rows | T (K) | median p/m | Debye DMM p/m | note |",
        "|---|---|---:|---|---:|---:|---|",
    ]
    for g in worst:
        t = f"{g['t_min']:.0f}" if g["t_min"] == g["t_max"] else f"{g['t_min']:.0f}-{g['t_max']:.0f}"
        debye = "n/a" if math.isnan(float(g["debye"])) else f"{float(g['debye']):.3g}"
        paper = f"{words.get(str(g['paper']), '?')} ({g['paper']})"
        lines.append(
            f"| {paper} | {g['pair']} | {g['rows']} | {t} | {float(g['ratio']):.3g} | {debye} | {g['note'] or ''} |"
        )
    return lines


def page_lines() -> list[str]:
    """The section's text below the calibration table: coverage, reasons, statistics, band, figure."""
    found = _LAST.get("found")
    if not isinstance(found, CV.CalculatorValidation):
        return []
    figure = Path(str(_LAST["figure"]))
    band = found.band()
    n, scored = len(found), int(found.scored.sum())
    lines = [
        f"`kapitza validate --calculator {found.calculator}` ({found.calculator_description}): **{scored} of {n}** "
        f"bare measured rows scored ({100 * scored / n:.0f} %; this run took {float(_LAST['seconds']):.0f} s, "
        "phonons read from the cache where present). Rows left out, each under the first reason that applies:",
        "",
        "| reason | rows | crystals (rows) |",
        "|---|---:|---|",
    ]
    names = found.left_out_names()
    for why, count in found.left_out().items():
        detail: dict[str, int] = {}
        for text, k in names.get(why, {}).items():
            key = "per row" if why == "above bound" else text.split(":", 1)[0]
            detail[key] = detail.get(key, 0) + k
        shown = ", ".join(f"{k} ({v})" for k, v in sorted(detail.items(), key=lambda kv: (-kv[1], kv[0])))
        lines.append(f"| {why} | {count} | {shown} |")
    lines += [
        "",
        "Amorphous SiO2 is left out of the calculator's rows (no crystal stands for a glass); the Debye DMM scores",
        "its rows with the database's fused-silica record, so they count in its *all rows* only.",
        "",
        "| rows | model | n | papers | median factor | within ×2 | median p/m |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for rows, words in (("common", "both score"), ("all", "each scores")):
        for which, label in (("calculator", f"{found.calculator} full-dispersion DMM"), ("debye", "Debye DMM")):
            lines.append(f"| {words} | {label} | {_stat_cells(found.statistics(which, rows))} |")
    lines += ["", *_miss_lines(found)]
    long_waves = _long_wave_lines(found)
    lines += ["", *long_waves] if long_waves else []
    lines += [
        "",
        f"**Stated band: x/÷ {band.factor:.3g}** ([G/f, G·f] held {100 * band.coverage:.0f} % of the "
        f"{band.rows} measurements of {band.papers} papers, every paper weighted equally; the paper-weighted "
        f"16th–84th percentiles of p/m are {band.low:.3g}–{band.high:.3g}, the median {band.median_ratio:.3g}). "
        "It is stored in `src/kapitza/prediction/data/calculator_bands.toml`, which `kapitza predict "
        f"--calculator {found.calculator}` prints; the table above checks it on papers held out of its measurement. "
        "The long-wave groups are stored beside it: for a pair whose two crystals the elastic-accuracy page "
        "measured, `kapitza predict` names its softest shear and the median p/m of its group.",
        "",
        f"![Measured against predicted G: the Debye DMM and the {found.calculator} full-dispersion DMM]"
        f"(../figures/{figure.name})",
        "",
        f"*Measured against predicted G, log-log, with the 1:1, ×2 and ×0.5 lines: the Debye DMM (left) and the "
        f"full-dispersion DMM from {found.calculator} phonons (right); filled: rows both score, hollow: rows only "
        "one scores. A stored figure (the validation takes an hour the first time), drawn by "
        "`scripts/calibration/mlip.py`.*",
    ]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calculator", default=DEFAULT_CALCULATOR)
    parser.add_argument("--seeds", type=int, default=SEEDS)
    args = parser.parse_args(argv)
    import importlib

    from . import make_page

    importlib.import_module("calibration.mlip").CALCULATOR = args.calculator  # the module make_page runs

    return make_page.main(["--only", "mlip", "--seeds", str(args.seeds)])


if __name__ == "__main__":
    raise SystemExit(main())
