"""``kapitza measured``: the measured conductances of an interface in the shipped compilation."""

from __future__ import annotations

import math
from typing import Annotated, Any

import numpy as np
import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..errors import InputError
from ..io.results import dumps
from ..literature import CREDIT, DEFAULT_WINDOW, Measurements, measurements_for
from ..literature.stacks import rows_of_stack
from ..materials import get_material
from ..prediction.bounds import BoundCheck, check_bounds
from ..units import MW_PER_M2K
from .common import parse_temperatures


def _thickness_nm(value: float) -> str:
    return "" if math.isnan(value) else f"{value * 1e9:g}"


def _reference(rows: Measurements, i: int) -> str:
    """Authors, title, journal and DOI of row ``i``'s reference(s), on one line."""
    doi = rows.reference_doi[i]
    if doi and not doi.startswith("http"):
        doi = f"doi:{doi}"
    parts = (rows.reference_authors[i], rows.reference_title[i], rows.reference_journal[i], doi)
    return ", ".join(part for part in parts if part)


def _thickness_json(value: float) -> float | None:
    return None if math.isnan(value) else float(f"{value * 1e9:.12g}")


def _bound_json(check: BoundCheck, i: int) -> float | str | None:
    """The row's bound in W m^-2 K^-1: a number, "inf" (the pair has none), or None (not checked)."""
    value = float(check.bound[i])
    if math.isnan(value):
        return None
    return value if math.isfinite(value) else "inf"


def _row_dict(rows: Measurements, check: BoundCheck, i: int) -> dict[str, Any]:
    return {
        "temperature_k": float(rows.temperature[i]),
        "conductance_w_m2k": float(rows.conductance[i]),
        "method": rows.method[i],
        "film": rows.film[i],
        "substrate": rows.substrate[i],
        "stack": rows.stack[i],
        "interlayer": bool(rows.interlayer[i]),
        "film_thickness_nm": _thickness_json(float(rows.film_thickness[i])),
        "notes": rows.notes[i],
        "reference_title": rows.reference_title[i],
        "reference_authors": rows.reference_authors[i],
        "reference_journal": rows.reference_journal[i],
        "reference_doi": rows.reference_doi[i],
        "upper_bound_w_m2k": _bound_json(check, i),
        "above_bound": bool(check.above[i]),
        "bound_note": check.reason[i],
    }


def _bound_cell(check: BoundCheck, i: int) -> str:
    """The "vs bound" cell: how far above the bound a flagged row is, the bound otherwise, "n/c" unchecked."""
    if check.above[i]:
        return f"{check.ratio[i]:.3g}x bound"
    if check.checked[i]:
        return f"{check.bound[i] / MW_PER_M2K:.3g}"
    return "n/c"


def bound_lines(check: BoundCheck) -> list[str]:
    """The sentences under the table: the flagged rows with the reason, and why rows were not checked (n/c)."""
    lines = list(check.summary())
    if check.above.any():
        lines[0] += (
            " (the bound: each side's phonons and a metal's electrons at their Sharvin limit, in the four-point form "
            "measurements obey; docs/physics/validation.md). Flagged, not removed: the rows are the source's; "
            "kapitza validate and the empirical model leave them out."
        )
    return lines


def _stack_words(names: list[str] | None) -> tuple[str, ...]:
    """The canonical names of the interlayers the user named (kapitza.prediction.interlayer), or () for none."""
    if not names:
        return ()
    from ..prediction.interlayer.layers import MAX_INTERLAYERS, layer_of

    if len(names) > MAX_INTERLAYERS:
        raise InputError(f"{len(names)} interlayers: the compilation's stacks hold {MAX_INTERLAYERS} at most")
    out = []
    for name in names:
        if ":" in name:
            raise InputError(f"--interlayer {name!r}: the compilation gives no interlayer's thickness; name the layer "
                             "alone (e.g. Ti)")  # fmt: skip
        out.append(layer_of(name, need_thickness=False).canonical)
    return tuple(out)


def measured_command(
    material_a: Annotated[str, typer.Argument(metavar="A", help="First material (name or alias in the database).")],
    material_b: Annotated[str, typer.Argument(metavar="B", help="Second material; the order does not matter.")],
    temperature: Annotated[
        str | None,
        typer.Option(
            "-t",
            "--temperature",
            help="Only measurements near these temperatures in K: 300, 100,300 or START:STOP:COUNT.",
        ),
    ] = None,
    window: Annotated[
        float,
        typer.Option(help="Half-width of the temperature window as a fraction of each temperature (0.1 = +-10 %)."),
    ] = DEFAULT_WINDOW,
    as_json: Annotated[bool, typer.Option("--json", help="Print the rows as JSON instead of a table.")] = False,
    interlayers: Annotated[
        bool,
        typer.Option(
            "--interlayers",
            help="Also list stacks with a layer between A and B (e.g. Au/Ti/diamond), labelled: another interface.",
        ),
    ] = False,
    interlayer: Annotated[
        list[str] | None,
        typer.Option(
            "--interlayer",
            "-i",
            help="List the rows of this stack only: a layer between A and B by name (Ti, a-SiO2, graphene), as "
            "kapitza predict takes it; repeat for several, from A's side. The compilation gives no interlayer's "
            "thickness: a NAME:THICKNESS is refused.",
        ),
    ] = None,
) -> None:
    """List the measured conductances of the interface A/B (either order) in the shipped compilation.

    Each row is checked against the physical upper bound of A/B at its temperature (the most its carriers can
    conduct, docs/physics/validation.md): a row above it is marked, with the reason, and kept.
    """
    if not (math.isfinite(window) and 0 <= window < 1):
        raise InputError(f"--window must be a fraction in [0, 1), got {window:g}")
    records = get_material(material_a), get_material(material_b)  # each name looked up once; the records go on
    first, second = records[0].name, records[1].name
    stack = _stack_words(interlayer)  # checked before any work
    wanted = None if temperature is None else parse_temperatures(temperature)
    every = measurements_for(*records, temperature=wanted, window=window, interlayers=True)
    if stack:
        rows = every.select(rows_of_stack(every, first, stack))
        hidden = 0
    else:
        rows = every if interlayers else every.select(~every.interlayer)
        hidden = len(every) - len(rows)
    check = check_bounds(rows)
    near = "" if wanted is None else " near " + ", ".join(f"{float(t):g}" for t in wanted) + " K"
    between = " / ".join([first, *stack, second]) if stack else f"{first}/{second}"
    if as_json:
        payload = {
            "interface": [first, second],
            "temperature_k": None if wanted is None else [float(t) for t in wanted],
            "window": window,
            "interlayers": interlayers,
            "stack": list(stack),
            "interlayer_rows_left_out": hidden,
            "source": CREDIT,
            "bound_margin": check.margin,
            "rows_above_bound": int(check.above.sum()),
            "measurements": [_row_dict(rows, check, i) for i in range(len(rows))],
        }
        typer.echo(dumps(payload))
        return
    console = Console()
    more = (
        f"; {hidden} more with a layer between them (another interface): add --interlayers to list them"
        if hidden
        else ""
    )
    if len(rows) == 0:
        what = "bare " if hidden else ""
        console.print(f"no {what}measurements of {escape(between)}{near} in the shipped compilation{more}")
        return
    order = np.lexsort((rows.conductance, rows.temperature))
    papers = f"{rows.references} paper" + ("" if rows.references == 1 else "s")
    table = Table(title=escape(f"measured G of {between}{near}: {len(rows)} rows from {papers}"))
    table.add_column("T\nK", justify="right", no_wrap=True)
    table.add_column("G\nMW m\u207b\u00b2 K\u207b\u00b9", justify="right", no_wrap=True)
    table.add_column("method")
    table.add_column("stack (film/.../substrate)")
    table.add_column("film\nnm", justify="right")
    table.add_column("notes")
    table.add_column("ref", justify="right")
    table.add_column("bound\nMW m\u207b\u00b2 K\u207b\u00b9", justify="right")
    numbers: dict[str, int] = {}
    for i in order:
        ref = numbers.setdefault(rows.reference_id[i], len(numbers) + 1)
        stack = rows.stack[i] + (" (interlayer)" if rows.interlayer[i] else "")
        table.add_row(
            f"{float(rows.temperature[i]):.4g}",
            f"{float(rows.conductance[i] / MW_PER_M2K):.4g}",
            escape(rows.method[i]),
            escape(stack),
            _thickness_nm(float(rows.film_thickness[i])),
            escape(rows.notes[i]),
            f"[{ref}]",
            _bound_cell(check, i),
        )
    console.print(table)
    first_row = {rid: int(np.flatnonzero(np.array(rows.reference_id) == rid)[0]) for rid in numbers}
    for rid, n in numbers.items():
        console.print(f"\\[{n}] {escape(_reference(rows, first_row[rid]))}")
    for line in bound_lines(check):
        console.print(escape(line))
    if more:
        console.print(escape(more[2:]))
    console.print(escape(CREDIT))
