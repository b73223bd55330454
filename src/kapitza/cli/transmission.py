"""``kapitza transmission``: angle-resolved acoustic mismatch coefficients of an interface."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer
from rich.console import Console
from rich.table import Table

from ..io.results import dumps
from ..transmission.amm import AMM_MODELS, MAX_ANGLES, AngularTransmission, amm_angular
from .common import check_output

#: Angles (0-90 degrees) of the alpha(theta) figure.
PLOT_ANGLES = 3601


def render_averages(result: AngularTransmission) -> Table:
    """Hemispherical averages <alpha>: one column per incident polarisation, one row per outgoing wave."""
    m1, m2 = result.side1.name, result.side2.name
    average = "\u27e8\u03b1\u27e9 = 2\u222b\u03b1(\u03bc)\u03bc d\u03bc"
    table = Table(title=f"{m1} \u2192 {m2} ({result.model}): hemispherical averages {average}")
    table.caption = "fraction of the energy of an isotropic stream of incident phonons that goes into each wave"
    table.add_column("outgoing wave")
    for pol in result.incident:
        table.add_column(f"incident {pol}", justify="right")
    table.add_row("transmitted, total", *(f"{v:.6g}" for v in result.mean_transmission), style="bold")
    for j, mode in enumerate(result.outgoing):
        table.add_row(mode.replace("_", " "), *(f"{v:.6g}" for v in result.averages[:, j]))
    return table


def render_critical(result: AngularTransmission) -> Table:
    """Critical angles (degrees) per incident polarisation."""
    table = Table(title="critical angles (past them the wave is evanescent and carries no energy)")
    table.add_column("incident")
    table.add_column("outgoing wave")
    table.add_column("\u03b8_c (deg)", justify="right")
    for pol in result.incident:
        crit = result.critical[pol]
        if not crit:
            table.add_row(pol, "none", "\u2014")
        for mode, angle in crit.items():
            table.add_row(pol, mode.replace("_", " "), f"{math.degrees(angle):.4f}")
    return table


def to_json(result: AngularTransmission) -> str:
    """Averages, critical angles and the alpha(theta) arrays, exact values (angles in rad and deg)."""
    doc: dict[str, Any] = {
        "side1": result.side1.name,
        "side2": result.side2.name,
        "model": result.model,
        "units": {"angle": "rad", "angle_deg": "degree", "alpha": "fraction of incident normal energy flux"},
        "incident": list(result.incident),
        "outgoing": list(result.outgoing),
        "hemispherical_average": {
            pol: dict(zip(result.outgoing, map(float, result.averages[i]))) for i, pol in enumerate(result.incident)
        },
        "hemispherical_average_transmitted": dict(zip(result.incident, map(float, result.mean_transmission))),
        "critical_angles": {pol: dict(result.critical[pol]) for pol in result.incident},
        "critical_angles_deg": {
            pol: {k: math.degrees(v) for k, v in result.critical[pol].items()} for pol in result.incident
        },
        "angle": result.angle.tolist(),
        "angle_deg": np.degrees(result.angle).tolist(),
        "alpha": {
            pol: {mode: result.coefficients[i, j].tolist() for j, mode in enumerate(result.outgoing)}
            for i, pol in enumerate(result.incident)
        },
    }
    return dumps(doc, indent=2)


def transmission_command(
    side1: Annotated[str, typer.Argument(help="Incident material: name, alias or .toml file.")],
    side2: Annotated[str, typer.Argument(help="Material beyond the interface.")],
    model: Annotated[
        str, typer.Option("--model", "-m", help=f"Acoustic mismatch model: {' or '.join(AMM_MODELS)}.")
    ] = "amm",
    n_angles: Annotated[
        int, typer.Option("--angles", help=f"Number of angles from 0 to 90 degrees (2 to {MAX_ANGLES:,}).")
    ] = 361,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print exact values (averages, critical angles, alpha(theta)) as JSON.")
    ] = False,
    plot_path: Annotated[
        Path | None,
        typer.Option("--plot", help="Draw alpha(theta) per incident polarisation to this .png/.pdf/.svg."),
    ] = None,
    log: Annotated[bool, typer.Option("--log", help="Logarithmic alpha axis in the plot (helium).")] = False,
) -> None:
    """Angle-resolved transmission of elastic waves from SIDE1 into SIDE2 (acoustic mismatch)."""
    if plot_path is not None:
        check_output(plot_path, (".png", ".pdf", ".svg"), "--plot")
    result = amm_angular(side1, side2, model=model, n_angles=n_angles, option="--angles")
    if as_json:
        typer.echo(to_json(result))
    else:
        console = Console()
        console.print(render_averages(result))
        console.print(render_critical(result))
    if plot_path is not None:
        from ..plotting.transmission import angular_transmission_figure

        # the figure gets a fine grid of its own: helium transmits within a few degrees only
        dense = result
        if n_angles < PLOT_ANGLES:
            dense = amm_angular(result.side1, result.side2, result.model, PLOT_ANGLES)
        angular_transmission_figure(dense, plot_path, log=log)
        if not as_json:
            Console(stderr=True).print(f"plot written to {plot_path}")
