"""``kapitza interlayers``: which interlayer to use between two materials, ranked by expected measurement."""

from __future__ import annotations

import math
from typing import Annotated

import typer
from rich.console import Console

from ..errors import InputError
from ..io.results import dumps
from .common import temperature_values


def interlayers_command(
    side1: Annotated[str, typer.Argument(help="The material on one side (a database solid), e.g. Au.")],
    side2: Annotated[str, typer.Argument(help="The material on the other side, e.g. GaN.")],
    temperature: Annotated[
        str | None,
        typer.Option("-t", "--temperature", help="K: '300' or '80,300' (default 300)."),
    ] = None,
    candidate: Annotated[
        list[str] | None,
        typer.Option(
            "--candidate",
            "-c",
            help="A candidate interlayer, NAME or NAME:THICKNESS (Ti, a-SiO2:1nm, graphene); repeat. Default: none, "
            "Ti, Cr, Cu, a-SiO2, a-Al2O3, graphene, MoS2. 'none' is the bare pair.",
        ),
    ] = None,
    thickness_nm: Annotated[
        float, typer.Option("--thickness-nm", help="Thickness of a film candidate named without one, nm.")
    ] = 2.0,
    method: Annotated[str | None, typer.Option(help="The measurement the estimate is for (default TDTR).")] = None,
    plot_path: Annotated[
        str | None, typer.Option("--plot", help="Draw the ranking (forest plot) to this .png/.pdf/.svg.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the ranking as JSON (SI).")] = False,
) -> None:
    """Rank candidate interlayers between SIDE1 and SIDE2 by the expected measurement of each stack, with its band.

    Each band is the 68 % band held out by paper; candidates whose bands overlap are not decided by the estimate,
    and the ranking says so."""
    from ..prediction.interlayer.design import rank_interlayers

    if plot_path is not None:
        from ..plotting.canvas import check_figure_path

        check_figure_path(plot_path, "--plot")
    t = temperature_values(temperature) if temperature is not None else [300.0]
    candidates = None if candidate is None else ["" if c.strip().lower() == "none" else c for c in candidate]
    if not (math.isfinite(thickness_nm) and thickness_nm > 0):
        raise InputError(f"--thickness-nm must be a thickness > 0 nm, got {thickness_nm:g}")
    found = rank_interlayers(side1, side2, t, candidates, thickness=thickness_nm * 1e-9, method=method)
    if as_json:
        typer.echo(dumps(found.to_dict()))
    else:
        out = Console()
        for i in range(found.temperature.size):
            for line in found.lines(i):
                out.print(line, markup=False, highlight=False, soft_wrap=True)
    if plot_path is not None:
        from ..plotting.interlayer import ranking_figure

        ranking_figure(found, plot_path)
        if not as_json:
            Console(stderr=True).print(f"plot written to {plot_path}", markup=False, highlight=False, soft_wrap=True)
