"""``kapitza validate --model agf``: the AGF of the measured pairs the crystal route builds, beside the two DMMs."""

from __future__ import annotations

import math
import sys
from typing import TYPE_CHECKING, Any

import typer
from rich.markup import escape
from rich.table import Table

from ..io.results import dumps
from ..literature import CREDIT
from .common import progress_bar
from .report import Report

if TYPE_CHECKING:
    from ..prediction.validation.agf import AgfValidation
    from ..prediction.validation.agf_plan import AgfPlan

#: What each column is, in words.
COLUMN_WORDS = {
    "agf": "the AGF's two-probe phonon conductance (Landauer, the DMM's quantity), electrons in series as predict adds "
    "them",
    "agf intrinsic": "the same with the leads' ballistic resistance removed (Simons)",
    "full-dispersion DMM": "the DMM of the same potential's phonons (kapitza validate --calculator)",
    "Debye DMM": "kapitza validate's Debye DMM (database materials only)",
    "agf reversed": "a polar pair's other interface (polarity -: both crystals turned over), as agf; not scored, "
    "since which face a paper grew is not recorded",
}


#: Where a scored pair's AGF came from, in words (:attr:`kapitza.prediction.validation.agf.AgfValidation.origin`).
ORIGIN_WORDS = {"shipped": "read from the table kapitza ships", "cache": "read from this machine's cache",
                "computed": "computed in this run"}  # fmt: skip


def _number(value: float, spec: str) -> str:
    return "n/a" if not math.isfinite(value) else format(value, spec)


def agf_table(found: AgfValidation) -> Table:
    """Median factor and share within x2, by row and by paper, of each column on the rows all four score."""
    from ..prediction.validation.agf import MODELS

    stats = found.statistics("common")
    table = Table(title=escape(f"predicted / measured G on the rows all four score: AGF through {found.calculator}"))
    for column in ("model", "rows", "papers", "median factor\nby row", "by paper", "within \u00d72\nby row",
                   "by paper"):  # fmt: skip
        table.add_column(column, justify="left" if column == "model" else "right")
    for model in MODELS:
        s = stats[model]
        table.add_row(escape(model), str(s.rows), str(s.papers), _number(s.median_factor_row, ".3g"),
                      _number(s.median_factor_paper, ".3g"), _percent(s.within_2_row),
                      _percent(s.within_2_paper))  # fmt: skip
    return table


def _percent(value: float) -> str:
    return "n/a" if not math.isfinite(value) else f"{100 * value:.0f} %"


def agf_document(found: AgfValidation) -> dict[str, Any]:
    """The JSON of ``kapitza validate --model agf``: every row, the counts, the statistics, the words."""
    return {
        "calculator": found.calculator,
        "settings": dict(found.settings),
        "counts": found.counts(),
        "statistics": {rows: {m: s.to_dict() for m, s in found.statistics(rows).items()} for rows in ("common", "own")},
        "pairs": found.pairs(),
        "rows": found.to_dict(),
        "columns": COLUMN_WORDS,
        "definitions": {
            "median_factor_row": "10 ** median |log10(p/m)|, every row weighted equally",
            "median_factor_paper": "the same with every paper weighted equally",
            "common": "rows all four columns predict",
            "own": "every row a column predicts",
        },
        "source": CREDIT,
    }


def agf_report(found: AgfValidation, report: Report) -> None:
    """The table first; the pairs scored, the rows left out and the columns in words behind --explain."""
    counts = found.counts()
    scored = counts.pop("scored")
    report.answer(agf_table(found))
    papers = len({p for p, ok in zip(found.paper, found.scored) if ok})
    report.answer(
        f"scored: {scored} of {len(found)} bare measured rows ({papers} papers), cells of at most "
        f"{found.settings['max_cell_atoms']} atoms a period within {100 * found.settings['max_strain']:g} % strain"
    )
    _not_computed(found, report)
    memory = counts.get("over the memory bound", 0)
    if memory and scored == 0:
        report.warn(
            f"no row scored; {memory} rows are over the memory bound: raise --max-memory-gb (each AGF run's bound, "
            "and a crystal's, default this machine's memory) or use a lighter --calculator"
        )
    rows = zip(found.film, found.substrate, found.reason)
    unstable = sorted({f"{f}/{s}" for f, s, r in rows if r == "unstable lead"})
    if unstable:
        report.warn(
            f"{counts['unstable lead']} rows left out: a lead of {', '.join(unstable)} is dynamically unstable with "
            f"{found.calculator} (the potential does not hold that side's strained crystal); their AGF is no prediction"
        )
    partial = sum(bool(t) for t, ok in zip(found.note, found.scored) if ok)
    if partial:
        report.warn(f"{partial} scored rows are the phonon conductance alone: a metal without electron data")
    for g in found.pairs():
        if g["scored"]:
            came = ORIGIN_WORDS.get(g["origin"], "")
            if g["seconds"] is not None:  # computed in this run, timed
                came += f" in {g['seconds'] / 60:.1f} min"
            report.detail(f"  {g['film']}|{g['substrate']} ({g['planes']}, {g['cell_atoms']} atoms a period): "
                          f"{g['scored']} rows, {g['papers']} papers; polarity {g['polarity']}"
                          + (f"; {came}" if came else ""), "pairs scored")  # fmt: skip
    _polar_pairs(found, report)
    for why, count in counts.items():
        report.detail(f"  {count:4d} {why}", "rows left out")
    for model, words in COLUMN_WORDS.items():
        report.detail(f"{model}: {words}", "columns")
    report.detail(
        f"AGF settings of every pair: {found.settings['frequencies']} frequencies, {found.settings['kpoints']}x"
        f"{found.settings['kpoints']} k points (kapitza agf's defaults); the full-dispersion DMM's mesh "
        f"{found.settings['mesh']}; the Debye DMM's cutoff {found.settings['cutoff']!r}; the interface force "
        f"constants' route {found.settings.get('route', 'full')}",
        "columns",
    )
    report.detail(CREDIT, "source")


def _not_computed(found: AgfValidation, report: Report) -> None:
    """The pairs left out because their AGF is neither shipped nor cached: how many, and how to run them."""
    bounded = [k for k, r in enumerate(found.reason) if r == "not computed" and "max_time" in found.detail[k]]
    if bounded:
        pairs = sorted({f"{found.film[k]}|{found.substrate[k]}" for k in bounded})
        report.warn(
            f"{len(bounded)} rows of {len(pairs)} pairs not started within --max-time ({', '.join(pairs)}): their "
            "stated time is above what was left of it, or not stated; --plan states each, a rerun resumes"
        )
    left = [k for k, r in enumerate(found.reason) if r == "not computed" and k not in bounded]
    if left:
        pairs = {(found.film[k], found.substrate[k]) for k in left}
        papers = {found.paper[k] for k in left}
        report.warn(
            f"{len(left)} rows of {len(pairs)} pairs ({len(papers)} papers) not computed: their AGF is neither "
            "shipped with kapitza nor in this machine's cache; --compute runs them (minutes to an hour a pair on 2 "
            "cores, each pair's cost stated before it starts)"
        )


def _polar_pairs(found: AgfValidation, report: Report) -> None:
    """A polar pair's other interface beside the scored one: the median ratio of its G to the scored G."""
    for pair, (ratio, rows) in found.reversed_ratios().items():
        report.answer(f"{pair} is polar along its normal: the other interface (polarity -, both crystals turned "
                      f"over, not scored) gives x{ratio:.3g} the scored G (median of {rows} rows)")  # fmt: skip


def agf_command(calculator: str | None, cutoff: str, mesh: int | None, max_cell_atoms: int | None,
                as_json: bool, max_memory_gb: float | None, explain: bool, compute: bool = False,
                bounds: tuple[Any, str] = (None, "full")) -> None:  # fmt: skip
    """Run the AGF validation and print it (the CLI's options already checked)."""
    from ..prediction.validation.agf import DEFAULT_SCORED_CELL_ATOMS, agf_validation

    with progress_bar(sys.stderr.isatty()) as progress:
        found = agf_validation(
            calculator, cutoff=cutoff, mesh=24 if mesh is None else mesh, progress=progress,
            max_cell_atoms=DEFAULT_SCORED_CELL_ATOMS if max_cell_atoms is None else max_cell_atoms,
            max_memory_gb=max_memory_gb, compute=compute, max_time=bounds[0], route=bounds[1],
        )  # fmt: skip
    if as_json:
        typer.echo(dumps(agf_document(found)))
        return
    report = Report(explain=explain)
    agf_report(found, report)
    report.show()


#: A plan line's verdict, in the table's words.
_VERDICTS = {"": "would run", "over the memory bound": "over the bound", "refused by the potential": "refused",
             "no prediction": "no prediction"}  # fmt: skip


def plan_table(plan: AgfPlan) -> Table:
    """One line per run ``--compute`` would make: the pair, its polarity, its rows and papers, the force calls and
    their stated time, the memory against the bound, the verdict."""
    from ..atomistic.force_cost import duration_words

    table = Table(title=escape(f"the runs of --compute with {plan.calculator}, the cheapest stated first"))
    for column in ("film on substrate", "plane", "polarity", "rows", "papers", "force calls\n(largest, atoms)",
                   "stated time", "memory GB\n(bound)", "verdict"):  # fmt: skip
        table.add_column(column, justify="left" if column in ("film on substrate", "verdict") else "right")
    for k in range(len(plan)):
        calls = f"{plan.force_calls[k]} ({plan.call_atoms[k]})" if plan.force_calls[k] else "-"
        seconds = float(plan.seconds[k])
        memory = f"{plan.memory_gb[k]:.3g} ({plan.limit_gb[k]:.3g})" if math.isfinite(plan.memory_gb[k]) else "-"
        table.add_row(escape(f"{plan.film[k]} on {plan.substrate[k]}"), f"({plan.plane[k]})", plan.polarity[k],
                      str(plan.rows[k]), str(plan.papers[k]), calls,
                      duration_words(seconds).lstrip("~") if math.isfinite(seconds) else "-", memory,
                      _VERDICTS[plan.reason[k]])  # fmt: skip
    return table


def plan_report(plan: AgfPlan, report: Report) -> None:
    """The total first (what --compute would run and its stated time), then the table; each refusal's words behind
    --explain."""
    from ..atomistic.force_cost import duration_words

    total = plan.total_seconds()
    stated = duration_words(total) if math.isfinite(total) else "a time not stated (the potential's cost unmeasured)"
    how = "--compute" + (" --route fast" if plan.settings.get("route") == "fast" else "")
    report.answer(
        f"{how} would run {sum(plan.runs.tolist())} runs of {plan.pairs_run()} pairs ({plan.rows_added()} rows, "
        f"{plan.papers_added()} papers): {stated} of interface force constants on this machine, the sweeps after "
        f"them; {plan.stored} runs already shipped or cached are read"
    )
    left = plan.left_out()
    if left.get("over the memory bound"):
        bound = plan.settings["max_memory_gb"]
        report.warn(f"{left['over the memory bound']} runs state more memory than their bound of {bound:.3g} GB "
                    "and would be left out: raise --max-memory-gb where the machine has it")  # fmt: skip
    report.answer(plan_table(plan))
    for k in range(len(plan)):
        if plan.reason[k]:
            report.detail(f"  {plan.film[k]}|{plan.substrate[k]} ({plan.plane[k]}, {plan.polarity[k]}): "
                          f"{plan.detail[k]}", "runs left out")  # fmt: skip
    report.detail(
        "the stated time is the interface's force constants' (the force calls times the potential's measured cost "
        "of one call on this machine's 2-core reference); the sweeps' is stated once the model is built. On the "
        "pairs kapitza ships the whole pair took 0.70-1.95 of it (median 0.93) (docs/reference/shipped-agf-pairs.md)",
        "how it is stated",
    )


def plan_command(calculator: str, max_cell_atoms: int | None, as_json: bool, max_memory_gb: float | None,
                 explain: bool, route: str = "full") -> None:  # fmt: skip
    """State the runs of ``--compute`` and print them (the CLI's options already checked)."""
    from ..prediction.validation.agf import DEFAULT_SCORED_CELL_ATOMS
    from ..prediction.validation.agf_plan import agf_plan

    cells = DEFAULT_SCORED_CELL_ATOMS if max_cell_atoms is None else max_cell_atoms
    with progress_bar(sys.stderr.isatty()) as progress:
        plan = agf_plan(calculator, progress=progress, max_memory_gb=max_memory_gb, max_cell_atoms=cells, route=route)
    if as_json:
        total = plan.total_seconds()
        typer.echo(dumps({"plan": plan.to_dict(), "runs": sum(plan.runs.tolist()), "rows": plan.rows_added(),
                          "papers": plan.papers_added(), "stated_seconds": total if math.isfinite(total) else None,
                          "source": CREDIT}))  # fmt: skip
        return
    report = Report(explain=explain)
    plan_report(plan, report)
    report.show()
