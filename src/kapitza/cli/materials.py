"""``kapitza materials``: list the database, or show one material with its sources."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from ..materials import Material, get_material, list_materials
from .app import app

materials_app = typer.Typer(help="The materials database: list it, or show one material with its sources.")
app.add_typer(materials_app, name="materials")

#: (field, display label, display unit, scale from SI)
FIELDS = (
    ("density", "density", "kg m\u207b\u00b3", 1.0),
    ("v_l", "v_L", "m s\u207b\u00b9", 1.0),
    ("v_t", "v_T", "m s\u207b\u00b9", 1.0),
    ("number_density", "n", "10\u00b2\u2078 m\u207b\u00b3", 1e28),
    ("debye_temperature", "\u0398_D", "K", 1.0),
    ("thermal_conductivity", "\u03ba", "W m\u207b\u00b9 K\u207b\u00b9", 1.0),
)


def _value(m: Material, name: str, scale: float) -> str:
    v = getattr(m, name)
    if v is None:
        return "\u2014"
    v = v / scale
    return f"{v:.0f}" if 1000 <= abs(v) < 1e7 else f"{v:.4g}"


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
    Console().print("Show one with its sources: kapitza materials show NAME")


@materials_app.command("show")
def show_command(name: Annotated[str, typer.Argument(help="Material name, alias or .toml file.")]) -> None:
    """Show one material: every value with its unit and source."""
    m = get_material(name)
    console = Console()
    title = m.name + (f" ({m.description})" if m.description else "")
    table = Table(title=title)
    table.add_column("quantity")
    table.add_column("value", justify="right")
    table.add_column("unit")
    table.add_column("source")
    for field_name, label, unit, scale in FIELDS:
        table.add_row(label, _value(m, field_name, scale), unit, m.sources.get(field_name, ""))
    console.print(table)
    if m.aliases:
        console.print(f"aliases: {', '.join(m.aliases)}")
    if m.sound_speed_average:
        console.print(f"sound speeds: {m.sound_speed_average}")
    if m.notes:
        console.print(f"notes: {m.notes}")
