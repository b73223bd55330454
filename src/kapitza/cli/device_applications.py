"""``kapitza device thermoelectric | pcm | nanofluidic``: contact-limited ZT, a PCM cell, a nanofluidic exchanger.

Thin commands: parse -> call :mod:`kapitza.devices` -> print the key numbers (SI, with units) ->
``--plot FILE`` -> ``--json``.  Lengths take their unit (``10nm``, ``1mm``); a bare number is in metres, as
before the units were written out.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer

from ..io.results import dumps
from ..units import format_length
from .common import check_output, length_help, parse_length_option

PLOT_SUFFIXES = (".png", ".pdf", ".svg")

PlotOption = Annotated[Path | None, typer.Option("--plot", help="Draw the figure to this .png/.pdf/.svg.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print the results as JSON (SI units) instead of text.")]


def _emit(doc: dict[str, Any]) -> None:
    sys.stdout.write(dumps(doc, indent=1) + "\n")


def _plot_target(plot: Path | None) -> Path | None:
    return None if plot is None else check_output(plot, PLOT_SUFFIXES, "--plot")


def _lines(lines: list[str]) -> None:
    sys.stdout.write("\n".join(lines) + "\n")


def thermoelectric_command(
    length: Annotated[str, typer.Option("--length", help=length_help("Leg length", "m", "1mm"))] = "1mm",
    zt: Annotated[float, typer.Option("--zt", help="Material figure of merit ZT.")] = 1.0,
    resistivity: Annotated[float, typer.Option("--resistivity", help="Electrical resistivity rho, Ohm m.")] = 1e-5,
    contact_resistivity: Annotated[
        float, typer.Option("--contact-resistivity", help="Electrical contact resistivity per end, Ohm m^2.")
    ] = 1e-10,
    conductivity: Annotated[
        str, typer.Option("--conductivity", help="Leg thermal conductivity, W m^-1 K^-1, or a material name.")
    ] = "1.5",
    resistance: Annotated[
        list[str] | None,
        typer.Option(
            "--resistance",
            "-R",
            help="Thermal (Kapitza) resistance per end: R in m^2 K W^-1, G=..., MODEL:A/B, power:R0,T0,n or a "
            "result .json; repeat for several curves (default 1e-8, 1e-6, 1e-5).",
        ),
    ] = None,
    temperature: Annotated[float, typer.Option("--temperature", help="Mean leg temperature, K.")] = 300.0,
    fraction: Annotated[float, typer.Option("--fraction", help="Share of ZT to keep (0..1) for the length.")] = 0.9,
    plot: PlotOption = None,
    as_json: JsonOption = False,
) -> None:
    """Device ZT of a thermoelectric leg with electrical and thermal contact resistances at both ends."""
    from ..devices.thermoelectric import thermoelectric_leg

    target = _plot_target(plot)
    specs = resistance or ["1e-8", "1e-6", "1e-5"]
    common = dict(
        zt=zt,
        resistivity=resistivity,
        contact_resistivity=contact_resistivity,
        conductivity=conductivity,
        temperature=temperature,
        fraction=fraction,
    )
    leg_length = parse_length_option(length, "--length", "m")
    at_length = [thermoelectric_leg(leg_length, resistance=spec, **common) for spec in specs]
    grid = np.geomspace(1e-7, 1e-1, 121)
    if as_json:
        _emit({"legs": [leg.to_dict() for leg in at_length]})
    else:
        first = at_length[0]
        lines = [
            f"material ZT {first.zt:g}, rho {first.resistivity:g} Ohm m, k {first.conductivity:g} W/m/K "
            f"({first.conductivity_label}), rho_c {first.contact_resistivity:g} Ohm m^2 per end, T {temperature:g} K",
            f"electrical contact length 2 rho_c/rho = {format_length(first.electrical_length)}",
        ]
        for leg in at_length:
            lines += [
                f"R_K = {leg.resistance:.4g} m^2 K/W ({leg.resistance_label}): thermal contact length 2 R_K k = "
                f"{format_length(leg.thermal_length)}",
                f"  at L = {format_length(float(leg.length[0]), 6)}: ZT_device = {float(leg.zt_device[0]):.4g} "
                f"({100 * float(leg.ratio[0]):.4g} % of ZT), {100 * float(leg.leg_fraction[0]):.4g} % of the "
                f"temperature difference across the leg",
                f"  leg length keeping {100 * leg.fraction:g} % of ZT: {format_length(leg.length_for_fraction)}",
            ]
        _lines(lines)
    if target is not None:
        from ..plotting.devices.applications import thermoelectric_figure

        curves = [thermoelectric_leg(grid, resistance=spec, **common) for spec in specs]
        thermoelectric_figure(curves, target)
        if not as_json:
            _lines([f"figure: {target}"])


def pcm_command(
    radius: Annotated[str, typer.Option("--radius", help=length_help("Cell radius a", "m", "10nm"))] = "10nm",
    power: Annotated[
        float | None, typer.Option("--power", help="Heating power, W (default: the programming power).")
    ] = None,
    resistance: Annotated[
        str,
        typer.Option(
            "--resistance", "-R", help="Cell/dielectric boundary resistance: R in m^2 K W^-1, G=..., MODEL:A/B, ..."
        ),
    ] = "2e-8",
    cell_conductivity: Annotated[
        str, typer.Option("--cell-conductivity", help="Cell conductivity, W m^-1 K^-1 (GST fcc ~0.5).")
    ] = "0.5",
    dielectric_conductivity: Annotated[
        str, typer.Option("--dielectric-conductivity", help="Dielectric conductivity, W m^-1 K^-1 (SiO2 ~1.4).")
    ] = "1.4",
    ambient: Annotated[float, typer.Option("--ambient", help="Ambient temperature T_0, K.")] = 300.0,
    melting: Annotated[float, typer.Option("--melting", help="Melting temperature T_m, K (GST ~890).")] = 890.0,
    plot: PlotOption = None,
    as_json: JsonOption = False,
) -> None:
    """Temperature rise of a self-heated phase-change memory cell (sphere in a dielectric) with and without R."""
    from ..devices.phase_change import pcm_cell, pcm_sweep

    target = _plot_target(plot)
    kw = dict(
        resistance=resistance,
        cell_conductivity=cell_conductivity,
        dielectric_conductivity=dielectric_conductivity,
        ambient_temperature=ambient,
        melting_temperature=melting,
    )
    cell = pcm_cell(parse_length_option(radius, "--radius", "m"), power=power, **kw)
    if as_json:
        _emit({"cell": cell.to_dict()})
    else:
        names = ("cell", "interface", "dielectric")
        budget = ", ".join(f"{n} {100 * s:.3g} %" for n, s in zip(names, cell.shares))
        _lines(
            [
                f"cell radius {format_length(cell.radius, 6)}, k_cell {cell.cell_conductivity:g}, k_dielectric "
                f"{cell.dielectric_conductivity:g} W/m/K, R = {cell.resistance:.4g} m^2 K/W ({cell.resistance_label})",
                f"Kapitza length k_d R = {format_length(cell.kapitza_length)} "
                f"(a / L_K = {cell.radius / cell.kapitza_length:.3g})"
                if cell.kapitza_length > 0
                else "Kapitza length 0 (no interface resistance)",
                f"thermal resistance {cell.thermal_resistance:.4g} K/W ({cell.thermal_resistance_without_interface:.4g}"
                f" without R); budget: {budget}",
                f"at P = {cell.power:.4g} W: centre rise {cell.centre_rise:.4g} K "
                f"({cell.centre_rise_without_interface:.4g} K without R, x{cell.enhancement:.4g}), "
                f"jump at the interface {cell.jump:.4g} K",
                f"programming power to reach {cell.melting_temperature:g} K: {cell.programming_power:.4g} W "
                f"({cell.programming_power_without_interface:.4g} W without R)",
            ]
        )
    if target is not None:
        from ..plotting.devices.applications import pcm_figure

        sweep = pcm_sweep(np.geomspace(1e-9, 1e-6, 91), power=cell.power, **kw)
        pcm_figure(sweep, cell, target)
        if not as_json:
            _lines([f"figure: {target}"])


def nanofluidic_command(
    height: Annotated[
        str,
        typer.Option("--height", help=length_help("Channel height H (both channels unless --height-2)", "m", "50nm")),
    ] = "50nm",
    height_2: Annotated[
        str | None, typer.Option("--height-2", help=length_help("Channel height of liquid 2", "m", "50nm"))
    ] = None,
    fluid_conductivity: Annotated[
        str, typer.Option("--fluid-conductivity", help="Liquid conductivity, W m^-1 K^-1 (water 0.6).")
    ] = "0.6",
    wall_thickness: Annotated[
        str, typer.Option("--wall-thickness", help=length_help("Wall thickness (0: none)", "m", "20nm"))
    ] = "20nm",
    wall_conductivity: Annotated[
        str, typer.Option("--wall-conductivity", help="Wall conductivity, W m^-1 K^-1 or a material name.")
    ] = "1.4",
    resistance: Annotated[
        str,
        typer.Option("--resistance", "-R", help="Solid-liquid boundary resistance per side: R in m^2 K W^-1, G=..."),
    ] = "1e-8",
    resistance_2: Annotated[
        str | None, typer.Option("--resistance-2", help="Side 2's resistance, if different.")
    ] = None,
    nusselt: Annotated[
        str,
        typer.Option(
            "--nusselt", help="temperature (7.541), flux (8.235), one-side-temperature, one-side-flux, or a number."
        ),
    ] = "temperature",
    temperature: Annotated[float, typer.Option("--temperature", help="Operating temperature, K.")] = 300.0,
    plot: PlotOption = None,
    as_json: JsonOption = False,
) -> None:
    """Overall heat-transfer coefficient of two liquids across a wall: convection, wall and two interfaces."""
    from ..devices.nanofluidic import exchanger_sweep, nanofluidic_exchanger

    target = _plot_target(plot)
    kw = dict(
        fluid_conductivity=fluid_conductivity,
        wall_thickness=parse_length_option(wall_thickness, "--wall-thickness", "m", zero=True),
        wall_conductivity=wall_conductivity,
        resistance=resistance,
        resistance_2=resistance_2,
        nusselt=nusselt,
        temperature=temperature,
    )
    ex = nanofluidic_exchanger(
        parse_length_option(height, "--height", "m"),
        channel_height_2=None if height_2 is None else parse_length_option(height_2, "--height-2", "m"),
        **kw,
    )
    if as_json:
        _emit({"exchanger": ex.to_dict()})
    else:
        budget = ", ".join(
            f"{n} {t:.3g} m^2K/W ({100 * s:.3g} %)" for n, t, s in zip(ex.term_names, ex.terms, ex.shares)
        )
        _lines(
            [
                f"channels {format_length(ex.channel_height_1, 6)} / {format_length(ex.channel_height_2, 6)}, "
                f"Nu {ex.nusselt_1:g} / {ex.nusselt_2:g}: h = {ex.h_1:.4g} / {ex.h_2:.4g} W/m^2K",
                f"interfaces R = {ex.resistance_1:.4g} / {ex.resistance_2:.4g} m^2K/W, Kapitza lengths "
                f"{format_length(ex.kapitza_lengths[0], 3)} / {format_length(ex.kapitza_lengths[1], 3)}",
                f"1/U budget: {budget}",
                f"U = {ex.U:.4g} W/m^2K ({ex.U_without_interfaces:.4g} without the interfaces)",
                f"interfaces weigh as much as convection below H* = {format_length(ex.crossover_height)}",
            ]
        )
    if target is not None:
        from ..plotting.devices.applications import nanofluidic_figure

        sweep = exchanger_sweep(np.geomspace(1e-9, 1e-5, 121), **kw)
        nanofluidic_figure(sweep, target)
        if not as_json:
            _lines([f"figure: {target}"])
