"""``kapitza validate``: every model against every measurement whose two sides are in the database."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import numpy as np
import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..errors import InputError
from ..io.results import dumps
from ..literature import CREDIT
from ..phonons.debye import DEFAULT_CUTOFF
from ..prediction.bounds import MARGIN
from ..prediction.empirical import empirical_validation
from ..prediction.registry import default_models, get_model
from ..prediction.settings import Settings
from ..prediction.sides import memory_bound
from ..prediction.validation import DEFAULT_MODELS, ValidationTable, flagged_groups, validation_table
from ..prediction.validation.stats import GROUPS, ValidationStatistics, validation_statistics
from ..units import MW_PER_M2K
from .common import CALCULATOR_HELP, CRYSTAL_MEMORY_HELP, check_output, progress_bar
from .predict import option_name
from .report import EXPLAIN_HELP, Report

if TYPE_CHECKING:
    from ..prediction.validation.calculators import CalculatorValidation

MEANING = {
    "predicted": (
        "'predicted' is what kapitza predict reports: two non-metals, the phonon model; a metal and a "
        "non-metal, the phonon model in series with the metal's electron-phonon conductance sqrt(g kappa_p) "
        "(Majumdar & Reddy 2004); two metals, the electronic DMM (Gundrum et al. 2005), the same for every "
        "model. --phonons-only shows the phonon models alone."
    ),
    "phonon": (
        "phonon models alone (--phonons-only): electrons are left out, also at metal/metal interfaces, "
        "which phonon models do not describe."
    ),
}


def _number(value: float, fmt: str) -> str:
    return "-" if math.isnan(value) else format(value, fmt)


def _flagged_rows(table: ValidationTable) -> list[dict[str, Any]]:
    """The rows above the physical upper bound, SI, in the table's order (the JSON's ``above_bound``)."""
    rows = []
    for i in map(int, np.flatnonzero(table.flagged)):
        rows.append(
            {
                "side1": table.side1[i],
                "side2": table.side2[i],
                "temperature_k": float(table.temperature[i]),
                "conductance_w_m2k": float(table.measured[i]),
                "bound_w_m2k": float(table.bound[i]),  # type: ignore[index]
                "paper": table.paper[i],
                "reason": table.bound_note[i] if table.bound_note else "",
            }
        )
    return rows


def _span(low: float, high: float, fmt: str) -> str:
    return format(low, fmt) if low == high else f"{format(low, fmt)}-{format(high, fmt)}"


def flagged_lines(table: ValidationTable) -> list[str]:
    """One line per pair (and paper) of rows above the physical upper bound: the rows, their range and ratio."""
    lines = []
    for group in flagged_groups(table):
        g = (_conductance(group.measured[0]), _conductance(group.measured[1]))
        who = group.authors or f"compilation reference {group.paper}"
        lines.append(
            f"  {group.side1}/{group.side2}, {group.rows} row{'' if group.rows == 1 else 's'} ({who}), "
            f"{_span(*group.temperature, 'g')} K: {g[0] if g[0] == g[1] else f'{g[0]}-{g[1]}'} "
            f"MW m\u207b\u00b2 K\u207b\u00b9, {_span(*group.ratio, '.3g')} times the bound "
            f"(kapitza measured {group.side1} {group.side2} lists them)"
        )
    return lines


def _conductance(value: float) -> str:
    """A conductance in MW m^-2 K^-1 for a sentence: thousands separated, 4 significant digits below 10,000."""
    mw = value / MW_PER_M2K
    return f"{mw:,.0f}" if mw >= 1e4 else f"{mw:.4g}"


def bound_lines(table: ValidationTable, stats: ValidationStatistics) -> list[str]:
    """What the physical-bound check did: the flagged rows (left out of every statistic) and the rows not checked."""
    flagged = int(stats.flagged[0])  # type: ignore[index]
    lines = []
    if flagged:
        lines.append(
            f"{flagged} measured row{'' if flagged == 1 else 's'} lie above the physical upper bound of their "
            f"interface (more than {MARGIN:g} times the most its carriers can conduct; docs/physics/validation.md) "
            "and are left out of every statistic above and of the plot; the rows stay in the compilation:"
        )
        lines += flagged_lines(table)
    else:
        lines.append("no measured row lies above the physical upper bound of its interface")
    unchecked = sum(stats.not_checked.values())  # type: ignore[union-attr]
    if unchecked:
        counts = sorted(stats.not_checked.items(), key=lambda item: -item[1])  # type: ignore[union-attr]
        why = "; ".join(f"{n} row{'' if n == 1 else 's'}: {reason}" for reason, n in counts)
        lines.append(
            f"{unchecked} rows not checked against the bound, scored as they are (where the two sides may carry "
            f"equal heat, a measured conductance has no upper bound): {why}"
        )
    return lines


def bound_warning(stats: ValidationStatistics) -> str | None:
    """One line where rows above the physical upper bound are left out of the statistics (None where none is)."""
    flagged = int(stats.flagged[0])  # type: ignore[index]
    if not flagged:
        return None
    return (
        f"{flagged} measured row{'' if flagged == 1 else 's'} above the physical upper bound of their interface "
        "left out of every statistic (--explain lists them)"
    )


def _document(table: ValidationTable, stats: ValidationStatistics, basis: str) -> dict[str, Any]:
    per_model: dict[str, Any] = {}
    for model in stats.models:
        per_model[model] = {b: {group: dict(stats.get(model, group, b)) for group in stats.groups} for b in stats.bases}
    return {
        "models": list(stats.models),
        "cutoff": stats.cutoff,
        "shown": basis,
        "rows_in_table": {g: int(n) for g, n in zip(stats.groups, stats.total)},
        "statistics": per_model,
        "without_prediction": {b: {m: dict(r) for m, r in stats.missing[b].items()} for b in stats.bases},
        "phonon_only_rows": dict(stats.phonon_only),
        "above_bound": _flagged_rows(table),
        "above_bound_rows": {g: int(n) for g, n in zip(stats.groups, stats.flagged)},  # type: ignore[arg-type]
        "bound_margin": MARGIN,
        "not_checked_against_bound": dict(stats.not_checked),  # type: ignore[arg-type]
        "definitions": {
            "ratio": "predicted / measured conductance",
            "within_2": "share (0..1) of rows with 0.5 <= ratio <= 2",
            "median_abs_log10": "median of |log10 ratio|",
            "predicted": MEANING["predicted"],
            "above_bound": "rows above bound_margin times the physical upper bound of their interface (prediction."
            "bounds): left out of every statistic; rows_in_table counts the rows scored",
        },
        "source": CREDIT,
    }


def _render(stats: ValidationStatistics, basis: str) -> Table:
    words = "as predicted" if basis == "predicted" else "phonon models alone"
    table = Table(title=escape(f"predicted / measured G, {words}, cutoff {stats.cutoff!r}"))
    table.add_column("model")
    table.add_column("interfaces")
    table.add_column("rows", justify="right")
    table.add_column("median\npred/meas", justify="right")
    table.add_column("within\n\u00d72", justify="right")
    table.add_column("median\n|log10|", justify="right")
    for m, model in enumerate(stats.models):
        for g, group in enumerate(GROUPS):
            if stats.total[g] == 0:
                continue
            s = stats.get(model, group, basis)
            table.add_row(
                escape(model) if g == 0 else "",
                group,
                f"{s['rows']}" + ("" if s["rows"] == stats.total[g] else f" of {stats.total[g]}"),
                _number(s["median_ratio"], ".3g"),
                _number(100 * s["within_2"], ".0f") + (" %" if not math.isnan(s["within_2"]) else ""),
                _number(s["median_abs_log10"], ".2f"),
                end_section=g == len(GROUPS) - 1 and m < len(stats.models) - 1,
            )
    return table


def _missing_lines(stats: ValidationStatistics, basis: str) -> list[str]:
    """One line per reason for rows without a prediction; models with the same reasons share the line."""
    by_reasons: dict[tuple[tuple[str, int], ...], list[str]] = {}
    for model, reasons in stats.missing[basis].items():
        if reasons:
            by_reasons.setdefault(tuple(sorted(reasons.items())), []).append(model)
    lines = []
    for reasons, models in by_reasons.items():
        who = "every model" if len(models) == len(stats.models) > 1 else ", ".join(models)
        for reason, count in reasons:
            lines.append(f"{who}: {count} row{'' if count == 1 else 's'} without a prediction ({reason})")
    return lines


def validate_command(
    model: Annotated[
        list[str] | None,
        typer.Option("--model", "-m", help="Model to compare (repeat for several); default: dmm, limit, amm."),
    ] = None,
    cutoff: Annotated[
        str, typer.Option(help="Debye-type spectrum of the phonon models: debye (default), branch, sine or sine-zb.")
    ] = DEFAULT_CUTOFF,
    plot_path: Annotated[
        Path | None,
        typer.Option("--plot", help="Draw predicted vs measured (log-log) to this .png/.pdf/.svg."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the statistics as JSON instead of the table.")] = False,
    phonons_only: Annotated[
        bool, typer.Option("--phonons-only", help="Show the phonon models alone (no electrons) in table and plot.")
    ] = False,
    interlayers: Annotated[
        bool,
        typer.Option(
            "--interlayers",
            help="Also score stacks with a layer between the two sides (another interface than the models'); "
            "by default only bare interfaces count.",
        ),
    ] = False,
    empirical: Annotated[
        bool,
        typer.Option(
            "--empirical",
            help="Also cross-validate the empirical estimate (gradient boosting, folds grouped by paper) on the "
            "same rows and compare it with the physics models (a few seconds; needs kapitza[empirical]).",
        ),
    ] = False,
    calculator: Annotated[
        str | None,
        typer.Option(
            help=f"Score every bare measured row whose two crystals can be built (literature/data/crystals.toml) "
            f"with the full-dispersion DMM of this force source, beside the Debye DMM. {CALCULATOR_HELP} The "
            "first run computes the phonons of about 40 crystals (long with a universal potential; cached on disk, "
            "a second run reads them)."
        ),
    ] = None,
    mesh: Annotated[
        int | None,
        typer.Option(help="With --calculator: Brillouin-zone mesh N of the full-dispersion spectra (default 24)."),
    ] = None,
    max_memory_gb: Annotated[
        float | None,
        typer.Option(
            "--max-memory-gb",
            help=CRYSTAL_MEMORY_HELP + " A crystal above it leaves its rows out; with --model agf it bounds each "
            "pair's AGF run too.",
        ),
    ] = None,
    max_cell_atoms: Annotated[
        int | None,
        typer.Option(
            "--max-cell-atoms",
            help="With --model agf: the cells scored, at most this many atoms in one period of both sides of the "
            "common cell (default 24: the pairs whose AGF runs in minutes; kapitza interface buildable lists "
            "every pair up to 200).",
        ),
    ] = None,
    compute: Annotated[
        bool,
        typer.Option(
            "--compute",
            help="With --model agf: also run the AGF of the pairs neither shipped with kapitza nor in this "
            "machine's cache (minutes to an hour a pair on 2 cores, the smallest cells first, each pair's cost "
            "stated before it starts; resumable: each finished pair is cached). Without it the shipped and cached "
            "pairs are scored at once and the others are counted as not computed.",
        ),
    ] = False,
    max_time: Annotated[
        str | None,
        typer.Option(
            "--max-time",
            help="With --model agf --compute: the time its runs may take, seconds or a text such as 6h. The pairs "
            "then run in the order of their stated time, the cheapest first, and a pair whose stated time is above "
            "what is left is not started (counted as not computed, with both numbers); a started pair runs to its "
            "end.",
        ),
    ] = None,
    route: Annotated[
        str | None,
        typer.Option(
            "--route",
            help="With --model agf: the route of each pair's interface force constants: full (the default) or fast "
            "(only the rows within the force range of the interface displaced, the others from each side's bulk: "
            "about a quarter of the full route's stated time, more pairs shipped; each route reads and caches its "
            "own pairs).",
        ),
    ] = None,
    plan: Annotated[
        bool,
        typer.Option(
            "--plan",
            help="With --model agf: state the runs --compute would make, without making them: each pair's force "
            "calls, their stated time on this machine and its memory against the bound, and the total (the "
            "crystals are relaxed, seconds each; no interface force constant is computed).",
        ),
    ] = False,
    explain: Annotated[bool, typer.Option("--explain", help=EXPLAIN_HELP)] = False,
) -> None:
    """Compare every model with every measured conductance whose two sides are in the database.

    With --calculator: every bare row whose two crystals can be built, by its full-dispersion DMM too.
    With --model agf (and --calculator, default the default potential): the AGF of every measured pair the
    crystal route builds, beside the Debye and full-dispersion DMMs on the same rows.
    """
    settings = Settings(cutoff=cutoff, option_names=option_name)  # refuses an unknown --cutoff, named as typed
    if model and "agf" in [m.strip().lower() for m in model]:
        _agf_route(model, settings.cutoff, calculator, mesh, max_cell_atoms, plot_path, as_json, phonons_only,
                   interlayers, empirical, max_memory_gb, explain, (compute, plan, max_time, route))  # fmt: skip
        return
    if max_cell_atoms is not None:
        raise InputError("--max-cell-atoms bounds the cells of --model agf; give --model agf with it")
    if compute:
        raise InputError("--compute runs the pairs' AGF of --model agf; give --model agf with it")
    if plan:
        raise InputError("--plan states the runs of --model agf --compute; give --model agf with it")
    if max_time is not None:
        raise InputError("--max-time bounds the runs of --model agf --compute; give both with it")
    if route is not None:
        raise InputError("--route sets the interface force constants of --model agf; give --model agf with it")
    if calculator is None and mesh is not None:
        raise InputError("--mesh sets the full-dispersion spectra of --calculator; give --calculator NAME with it")
    memory_bound(max_memory_gb, calculator, option_name)
    if calculator is not None:
        clash = [o for o, given in (("--model", bool(model)), ("--phonons-only", phonons_only),
                                    ("--interlayers", interlayers), ("--empirical", empirical)) if given]  # fmt: skip
        if clash:
            raise InputError(
                f"{clash[0]} does not combine with --calculator, which scores the bare rows with the DMM as "
                "kapitza predict --calculator reports it (electrons included), beside the Debye DMM"
            )
        _calculator_command(calculator, settings.cutoff, mesh, plot_path, as_json, max_memory_gb, explain)
        return
    if model:
        names = [get_model(name, "debye").name for name in model]
        if len(set(names)) != len(names):
            raise InputError(f"--model lists a model twice: {', '.join(names)}")
        takes = default_models("debye", settings.cutoff)  # the library's rule: no AMM with a sine cutoff
        continuum = [name for name in names if name not in takes]
        if continuum:
            raise InputError(
                f"--cutoff {settings.cutoff} is a sine dispersion, which --model {continuum[0]} (a continuum "
                "model) does not take; use --cutoff branch or debye, or another --model"
            )
    else:  # the library's rule: the AMM (continuum) takes linear Debye spectra only
        names = [n for n in DEFAULT_MODELS if n in default_models("debye", settings.cutoff)]
    if plot_path is not None:
        check_output(plot_path, (".png", ".pdf", ".svg"), "--plot")
    basis = "phonon" if phonons_only else "predicted"
    table = validation_table(names, cutoff=settings.cutoff, interlayers=interlayers)
    stats = validation_statistics(table)
    checked = empirical_validation() if empirical else None
    if as_json:
        doc = _document(table, stats, basis)
        if checked is not None:
            numbers = {k: v for k, v in checked.to_dict().items() if not hasattr(v, "__len__") or isinstance(v, str)}
            doc["empirical"] = {**numbers, "summary": checked.summary()}
        typer.echo(dumps(doc))
    else:
        report = Report(explain=explain)
        report.answer(_render(stats, basis))
        if checked is not None:  # asked for with --empirical: part of the answer
            report.answer(checked.summary())
        warning = bound_warning(stats)
        if warning is not None:
            report.warn(warning)
        for line in _missing_lines(stats, basis):
            report.detail(line, "rows without a prediction")
        for line in bound_lines(table, stats):
            report.detail(line, "the physical bound")
        report.detail(MEANING[basis], "definitions")
        report.detail(
            "ratio = predicted / measured; within \u00d72: 0.5 <= ratio <= 2; rows: measurements with both "
            "sides in the database"
            + (
                ", interlayer stacks included"
                if interlayers
                else ", bare interfaces only (--interlayers adds stacks with a layer between)"
            )
            + " (kapitza measured A B lists them).",
            "definitions",
        )
        report.detail(CREDIT, "source")
        report.show()
    if plot_path is not None:
        from ..plotting.validation import validation_figure

        validation_figure(table.select(~table.flagged), plot_path, statistics=stats, basis=basis)
        if not as_json:
            Console(stderr=True).print(f"plot written to {escape(str(plot_path))}")


def _agf_route(
    model: list[str], cutoff: str, calculator: str | None, mesh: int | None, max_cell_atoms: int | None,
    plot_path: Path | None, as_json: bool, phonons_only: bool, interlayers: bool, empirical: bool,
    max_memory_gb: float | None, explain: bool, runs: tuple[Any, ...] = (False, False, None, None),
) -> None:  # fmt: skip
    """``--model agf``: its own options checked, then :func:`.validate_agf.agf_command` (or, with ``--plan``,
    :func:`.validate_agf.plan_command`); ``runs``: ``--compute``, ``--plan``, ``--max-time`` and ``--route``."""
    from ..atomistic.calculators import DEFAULT_CALCULATOR
    from ..atomistic.force_cost import TimeBudget
    from ..prediction.validation.agf import ROUTES
    from .validate_agf import agf_command, plan_command

    compute, plan, max_time, route = runs
    if route is not None and route not in ROUTES:
        raise InputError(f"--route must be one of {', '.join(ROUTES)}, got {route!r}")
    route = route or "full"
    if max_time is not None and not compute:
        raise InputError("--max-time bounds the runs of --compute; give --compute with it")
    budget = TimeBudget.of(max_time, "--max-time")  # checked here, and started before any work

    if len(model) > 1:
        raise InputError("--model agf scores alone (beside the two DMMs on its rows); give no other --model with it")
    clash = [o for o, given in (("--plot", plot_path is not None), ("--phonons-only", phonons_only),
                                ("--interlayers", interlayers), ("--empirical", empirical)) if given]  # fmt: skip
    if clash:
        raise InputError(f"{clash[0]} does not combine with --model agf (bare rows, electrons as predict adds them)")
    if max_cell_atoms is not None and not 1 <= max_cell_atoms <= 100_000:
        raise InputError(f"--max-cell-atoms must be between 1 and 100000 atoms, got {max_cell_atoms}")
    if mesh is not None and mesh < 1:
        raise InputError(f"--mesh must be a positive whole number, got {mesh}")
    memory_bound(max_memory_gb, DEFAULT_CALCULATOR if calculator is None else calculator, option_name)
    if plan:
        if compute:
            raise InputError("--plan states the runs --compute would make; give one of them")
        if mesh is not None:
            raise InputError("--mesh sets the full-dispersion column of the scores; --plan runs nothing to score")
        plan_command(DEFAULT_CALCULATOR if calculator is None else calculator, max_cell_atoms, as_json, max_memory_gb,
                     explain, route)  # fmt: skip
        return
    agf_command(DEFAULT_CALCULATOR if calculator is None else calculator, cutoff, mesh, max_cell_atoms, as_json,
                max_memory_gb, explain, compute, (budget, route))  # fmt: skip


# -- --calculator ----------------------------------------------------------------------------------------------------

#: The reasons a row is left out, in words.
REASON_WORDS = {
    "above bound": "above the physical upper bound of its interface (left out of every statistic)",
    "amorphous": "a side is amorphous (no crystal)",
    "alloy": "a side is an alloy of varying composition",
    "layered": "a side is a 2D sheet or an MXene",
    "unknown crystal": "a side has no crystal structure recorded",
    "refused by the potential": "a crystal the potential refuses (unstable, relaxation not converged, elements)",
    "over the memory bound": "a crystal whose force constants need more memory than --max-memory-gb (default: "
    "this machine's) allows; not remembered, a run with more memory scores it",
    "no prediction": "a metal/metal pair without the electron data of the electronic DMM",
}

AMORPHOUS_SIO2 = (
    "amorphous SiO2 (a-SiO2): left out of the calculator's rows (a universal potential gives phonons of crystals; "
    "no crystal stands for a glass); the Debye DMM scores its rows with the database's fused-silica record "
    "(measured sound speeds), so they count in the Debye DMM's 'all rows' only."
)


def calculator_document(found: CalculatorValidation) -> dict[str, Any]:
    """The JSON of ``kapitza validate --calculator``: coverage, reasons, statistics side by side, band."""
    from ..prediction.validation.calculators import REASONS

    stats = {
        which: {rows: found.statistics(which, rows).to_dict() for rows in ("common", "all")}
        for which in ("calculator", "debye")
    }
    try:
        band: Any = found.band().to_dict()
    except InputError:
        band = None
    return {
        "calculator": found.calculator,
        "calculator_description": found.calculator_description,
        "rows_available": len(found),
        "rows_scored": int(found.scored.sum()),
        "left_out": found.left_out(),
        "left_out_detail": found.left_out_names(),
        "reasons": {k: REASON_WORDS[k] for k in REASONS},
        "statistics": stats,
        "band": band,
        "long_wave_groups": [g.to_dict() for g in found.long_wave_groups()],
        "crystals": dict(found.crystals),
        "mesh": found.mesh,
        "normal": list(found.normal),
        "cutoff": found.cutoff,
        "amorphous_sio2": AMORPHOUS_SIO2,
        "definitions": {
            "rows_available": "bare measured rows (no layer between the sides) above 0 K",
            "median_factor": "10 ** median |log10(p/m)| (kapitza.prediction.scoring)",
            "within_2": "share (0..1) of rows with 0.5 <= p/m <= 2",
            "common": "rows both the calculator and the Debye DMM score",
            "all": "every row the model scores",
            "band": "[G / factor, G * factor] holds 68 % of the measurements with every paper weighted equally",
            "long_wave_groups": "scored rows by the softest shear stiffness the potential gives either crystal "
            "against the measured one (docs/reference/elastic-accuracy); medians with every paper weighted equally "
            "(row_median_ratio: every row); common_*: on the rows the Debye DMM scores too",
        },
        "source": CREDIT,
    }


def calculator_report(found: CalculatorValidation, report: Report) -> None:
    """What ``kapitza validate --calculator`` prints beside its table: the band and the coverage (the answer), the
    scored rows that are partial (a warning), the rows left out by reason and the models in words (details)."""
    n, scored = len(found), int(found.scored.sum())
    try:
        band = found.band()
        report.answer(
            f"band: x/\u00f7 {band.factor:.3g} (held {100 * band.coverage:.0f} % of the measurements about the "
            f"prediction, every paper weighted equally; {band.rows} rows of {band.papers} papers; 16th-84th "
            f"percentiles of p/m {band.low:.3g}-{band.high:.3g}, median {band.median_ratio:.3g})"
        )
    except InputError:
        report.answer("band: no row scored")
    report.answer(f"coverage: {scored} of {n} bare measured rows scored ({100 * scored / max(n, 1):.0f} %)")
    partial = sum(bool(t) for t, ok in zip(found.note, found.scored) if ok)
    if partial:
        report.warn(
            f"{partial} scored rows are the phonon DMM alone: a metal without electron data in the database "
            "(the row's note in --json's terms: phonon model only)"
        )
    report.detail(f"phonons from {found.calculator_description}", "models in words")
    report.detail("left out:", "rows left out")
    names = found.left_out_names()
    for why, count in found.left_out().items():
        if not count:
            continue
        report.detail(f"  {count:4d} {why}: {REASON_WORDS[why]}", "rows left out")
        detail = names.get(why, {})
        if why != "above bound":
            shown = [f"{text.split(':', 1)[0]} {rows}" for text, rows in _by_name(detail).items()]
            report.detail(f"       {', '.join(shown)}", "rows left out")
    report.detail(AMORPHOUS_SIO2, "rows left out")
    report.detail(
        f"the calculator's rows: full-dispersion DMM ({found.mesh}^3 mesh, normal {tuple(found.normal)} of each "
        "standard conventional cell) with the electron term where the database has it; the Debye DMM: "
        f"kapitza validate's (cutoff {found.cutoff!r}), database materials only.",
        "models in words",
    )


def _by_name(detail: dict[str, int]) -> dict[str, int]:
    """Rows per crystal name (the text before the first colon), most first."""
    out: dict[str, int] = {}
    for text, rows in detail.items():
        name = text.split(":", 1)[0]
        out[name] = out.get(name, 0) + rows
    return dict(sorted(out.items(), key=lambda kv: (-kv[1], kv[0])))


def _calculator_table(found: CalculatorValidation) -> Table:
    table = Table(title=escape(f"predicted / measured G: {found.calculator} phonons beside the Debye DMM"))
    table.add_column("rows")
    table.add_column("model")
    table.add_column("n", justify="right")
    table.add_column("papers", justify="right")
    table.add_column("median\nfactor", justify="right")
    table.add_column("within\n\u00d72", justify="right")
    table.add_column("median\np/m", justify="right")
    for rows, words in (("common", "both score"), ("all", "each scores")):
        for which, label in (("calculator", f"{found.calculator} full-dispersion DMM"), ("debye", "Debye DMM")):
            s = found.statistics(which, rows)
            table.add_row(
                words if which == "calculator" else "",
                escape(label),
                str(s.rows),
                str(s.papers),
                _number(s.median_factor, ".3g"),
                _number(100 * s.within_2, ".0f") + ("" if math.isnan(s.within_2) else " %"),
                _number(s.median_ratio, ".3g"),
                end_section=which == "debye",
            )
    return table


def _long_wave_table(found: CalculatorValidation) -> Table | None:
    """The scored rows by the potential's softest shear on either crystal, beside the Debye DMM; None where the
    elastic-accuracy page measured no crystal with this calculator."""
    groups = found.long_wave_groups()
    if not groups:
        return None
    table = Table(
        title=escape(
            f"predicted / measured G by how soft {found.calculator}'s shear is on the softer crystal of the pair "
            "(docs/reference/elastic-accuracy); medians with every paper weighted equally, and by row"
        )
    )
    table.add_column("softest shear\nof the pair", no_wrap=True)
    for column in ("rows", "papers", "median\np/m", "by row", "rows the Debye\nDMM scores", "Debye DMM\np/m on them",
                   "calculator\np/m on them"):  # fmt: skip
        table.add_column(column, justify="right")
    for g in groups:
        table.add_row(
            escape(g.group),
            str(g.rows),
            str(g.papers),
            _number(g.median_ratio, ".3g"),
            _number(g.row_median_ratio, ".3g"),
            str(g.common_rows),
            _number(g.common_debye_ratio, ".3g"),
            _number(g.common_ratio, ".3g"),
        )
    return table


def _calculator_command(
    calculator: str,
    cutoff: str,
    mesh: int | None,
    plot_path: Path | None,
    as_json: bool,
    max_memory_gb: float | None,
    explain: bool = False,
) -> None:
    import sys

    from ..prediction.validation.calculators import calculator_validation

    if plot_path is not None:
        check_output(plot_path, (".png", ".pdf", ".svg"), "--plot")
    with progress_bar(sys.stderr.isatty()) as progress:  # no bar in pipes and logs
        found = calculator_validation(calculator, mesh=24 if mesh is None else mesh, cutoff=cutoff, progress=progress,
                                      max_memory_gb=max_memory_gb)  # fmt: skip
    if as_json:
        typer.echo(dumps(calculator_document(found)))
    else:
        report = Report(explain=explain)
        report.answer(_calculator_table(found))
        calculator_report(found, report)
        long_waves = _long_wave_table(found)
        if long_waves is not None:
            report.detail(long_waves, "long-wave groups")
        report.detail(CREDIT, "source")
        report.show()
    if plot_path is not None:
        from ..plotting.validation import calculator_validation_figure

        calculator_validation_figure(found, plot_path)
        if not as_json:
            Console(stderr=True).print(f"plot written to {escape(str(plot_path))}")
