"""``kapitza materials``: list the database, show one material with its sources, or print a template file."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..errors import InputError
from ..materials import Material, list_materials, material_template
from ..phonons.crystal_report import crystal_lines
from ..prediction.sides import database_material, memory_bound
from ..units import AMU, GPA
from .common import (
    CALCULATOR_HELP,
    CRYSTAL_HELP,
    CRYSTAL_MEMORY_HELP,
    option_words,
    progress_bar,
)
from .predict import option_name
from .report import EXPLAIN_HELP, Report

materials_app = typer.Typer(
    help="The materials database: list it, show one material (its sources with --explain), or write a template file."
)

#: (field, display label, display unit, scale from SI)
FIELDS = (
    ("density", "density", "kg m\u207b\u00b3", 1.0),
    ("v_l", "v_L", "m s\u207b\u00b9", 1.0),
    ("v_t", "v_T", "m s\u207b\u00b9", 1.0),
    ("number_density", "n", "10\u00b2\u2078 m\u207b\u00b3", 1e28),
    ("debye_temperature", "\u0398_D", "K", 1.0),
    ("thermal_conductivity", "\u03ba", "W m\u207b\u00b9 K\u207b\u00b9", 1.0),
)

#: Shown by ``show`` (also where missing), not by the list: (field, label, unit, scale from SI).
SHOW_FIELDS = (
    *FIELDS,
    ("heat_capacity", "C (volumetric)", "MJ m\u207b\u00b3 K\u207b\u00b9", 1e6),
)

#: Optional fields shown by ``show`` where present: (field, label, unit, scale from SI).
EXTRA_FIELDS = (
    ("mean_atomic_mass", "mean atomic mass", "u", AMU),
    ("lattice_constant", "lattice constant a", "\u00c5", 1e-10),
    ("melting_temperature", "melting point", "K", 1.0),
)


def _value(m: Material, name: str, scale: float) -> str:
    v = getattr(m, name)
    if v is None:
        return "\u2014"
    return _number(v / scale)


def _number(v: float) -> str:
    return f"{v:.0f}" if 1000 <= abs(v) < 1e7 else f"{v:.4g}"


def _origin(m: Material) -> str:
    if m.origin == "database":
        return "the kapitza database"
    if m.origin == "user":
        return "built in code"
    return f"your file {m.origin}"


@materials_app.callback(invoke_without_command=True)
def list_command(ctx: typer.Context) -> None:
    """List every material in the database."""
    if ctx.invoked_subcommand is not None:
        return
    table = Table(title="kapitza materials (values near 300 K; He4 at 1.5 K)")
    table.add_column("name", no_wrap=True)
    for _, label, unit, _ in FIELDS:
        table.add_column(f"{label}\n{unit}", justify="right", no_wrap=True)
    table.add_column("description")
    for m in list_materials():
        table.add_row(m.name, *(_value(m, f, s) for f, _, _, s in FIELDS), m.description)
    Console().print(table)
    Console().print(
        "Show one with its sources: kapitza materials show NAME; write your own: kapitza materials template"
    )


@materials_app.command("show")
def show_command(
    name: Annotated[
        str, typer.Argument(help=f"Material name, alias or .toml file; with --calculator any crystal: {CRYSTAL_HELP}.")
    ],
    calculator: Annotated[
        str | None,
        typer.Option(
            help="Derive the record from the crystal's phonons (density, sound speeds, Debye temperature, heat "
            f"capacity, lattice constant). {CALCULATOR_HELP}"
        ),
    ] = None,
    max_memory_gb: Annotated[float | None, typer.Option("--max-memory-gb", help=CRYSTAL_MEMORY_HELP)] = None,
    explain: Annotated[bool, typer.Option("--explain", help=EXPLAIN_HELP)] = False,
) -> None:
    """Show one material: every value with its unit, elastic constants included; with --explain its sources."""
    found = None
    memory_bound(max_memory_gb, calculator, option_name)
    if calculator is None:
        m = database_material(name)
    else:
        from ..phonons.from_structure import crystal_phonons

        with progress_bar(sys.stderr.isatty()) as progress:  # no bar in pipes and logs
            try:
                found = crystal_phonons(name, calculator, progress=progress, max_memory_gb=max_memory_gb)
            except InputError as exc:
                raise InputError(option_words(str(exc))) from None
        m = found.material
    report = Report(explain=explain)
    title = m.name + (f" ({m.description})" if m.description else "")
    rows = [(label, _value(m, f, scale), unit, m.sources.get(f, "")) for f, label, unit, scale in SHOW_FIELDS]
    rows += [
        (label, _value(m, f, scale), unit, m.sources.get(f, ""))
        for f, label, unit, scale in EXTRA_FIELDS
        if getattr(m, f) is not None
    ]
    rows += _electron_rows(m)
    if m.elastic_constants:
        source = m.sources.get("elastic_constants", "")
        for n, (key, value) in enumerate(m.elastic_constants.items()):
            label = f"{key} ({m.elastic_symmetry})" if n == 0 else key
            rows.append((label, _number(value / GPA), "GPa", source if n == 0 else "\u2033"))
    values = Table(title=escape(title))
    sources = Table(title=escape(f"{m.name}: sources"))
    for column in ("quantity", "value", "unit"):
        values.add_column(column, justify="right" if column == "value" else "left")
    sources.add_column("quantity")
    sources.add_column("source")
    for label, value, unit, source in rows:
        values.add_row(label, value, unit)
        sources.add_row(label, escape(source))
    report.answer(values)
    if m.temperature != 300.0:
        report.answer(f"values hold at {m.temperature:g} K")
    report.detail(sources, "sources")
    if m.alternatives:
        report.detail(_alternatives_table(m), "alternative values")
    if m.aliases:
        report.detail(f"aliases: {', '.join(m.aliases)}", "aliases")
    if m.sound_speed_average:
        report.detail(f"sound speeds: {m.sound_speed_average}", "sources")
    if found is not None:
        for line in crystal_lines(found):
            report.detail(line, "relaxation and supercell")
        report.detail(f"from: derived from {found.calculator_description} phonons of {found.structure}", "origin")
    else:
        if m.notes:
            report.detail(f"notes: {m.notes}", "notes")
        report.detail(f"from: {_origin(m)}", "origin")
    report.show()


#: The shipped electron data a metal's show adds (electrons.toml): field, label, unit, scale.
ELECTRON_FIELDS = (
    ("sommerfeld_gamma", "Sommerfeld \u03b3", "J m\u207b\u00b3 K\u207b\u00b2", 1.0),
    ("fermi_velocity", "Fermi velocity", "10\u2076 m s\u207b\u00b9", 1e6),
    ("electron_phonon_coupling", "e-ph coupling g", "10\u00b9\u2077 W m\u207b\u00b3 K\u207b\u00b9", 1e17),
    ("lattice_thermal_conductivity", "\u03ba phonons", "W m\u207b\u00b9 K\u207b\u00b9", 1.0),
)


def _electron_rows(m: Material) -> list[tuple[str, str, str, str]]:
    """(label, value, unit, source) of the electron data shipped for a database metal (issue 84: every number of
    ``materials show W`` with its source); a missing one says "not stored"."""
    from ..materials.electrons import get_electrons, list_electron_metals

    if m.origin != "database" or m.name not in list_electron_metals():
        return []
    data = get_electrons(m.name)
    rows = []
    for field, label, unit, scale in ELECTRON_FIELDS:
        value = getattr(data, field)
        shown = "not stored" if value is None else _number(value / scale)
        rows.append((label, shown, "" if value is None else unit, data.sources.get(field, "no source read has it")))
    return rows


def _alternatives_table(m: Material) -> Table:
    """Other published values kept for comparison (not used by any model), with their sources."""
    labels = {name: (label, unit, scale) for name, label, unit, scale in (*SHOW_FIELDS, *EXTRA_FIELDS)}
    table = Table(title="alternative values (for comparison; not used)")
    for column in ("name", "quantity", "value", "unit", "source"):
        table.add_column(column, justify="right" if column == "value" else "left")
    for alt in m.alternatives:
        for n, (field_name, value) in enumerate(alt.values.items()):
            label, unit, scale = labels.get(field_name, (field_name, "SI", 1.0))
            table.add_row(
                escape(alt.label) if n == 0 else "",
                label,
                _number(value / scale),
                unit,
                escape(alt.source) if n == 0 else "\u2033",
            )
    return table


@materials_app.command("template")
def template_command() -> None:
    """Print a commented example material file (every field, unit and source): ... template > mine.toml"""
    typer.echo(material_template(), nl=False)
