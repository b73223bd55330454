"""``kapitza validate``: every model against every measurement whose two sides are in the database."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated, Any

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
from ..prediction.validation import DEFAULT_MODELS, ValidationTable, flagged_groups, validation_table
from ..prediction.validation_stats import GROUPS, ValidationStatistics, validation_statistics
from ..units import MW_PER_M2K
from .common import check_output
from .predict import option_name

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
) -> None:
    """Compare every model with every measured conductance whose two sides are in the database."""
    settings = Settings(cutoff=cutoff, option_names=option_name)  # refuses an unknown --cutoff, named as typed
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
        console = Console()
        console.print(_render(stats, basis))
        for line in _missing_lines(stats, basis):
            console.print(escape(line))
        for line in bound_lines(table, stats):
            console.print(escape(line))
        console.print(escape(MEANING[basis]))
        console.print(
            escape(
                "ratio = predicted / measured; within \u00d72: 0.5 <= ratio <= 2; rows: measurements with both "
                "sides in the database"
                + (
                    ", interlayer stacks included"
                    if interlayers
                    else ", bare interfaces only (--interlayers adds stacks with a layer between)"
                )
                + " (kapitza measured A B lists them)."
            )
        )
        if checked is not None:
            console.print(escape(checked.summary()))
        console.print(escape(CREDIT))
    if plot_path is not None:
        from ..plotting.validation import validation_figure

        validation_figure(table.select(~table.flagged), plot_path, statistics=stats, basis=basis)
        if not as_json:
            Console(stderr=True).print(f"plot written to {escape(str(plot_path))}")
