"""``kapitza device superlattice | composite | polycrystal``: effective media with interface resistances.

Lengths are given with their unit (``20nm``, ``2um``; a bare number is in nm), everything else in SI; ``--json``
prints SI numbers.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer
from rich.console import Console
from rich.markup import escape

from ..errors import InputError
from ..units import format_length
from .common import check_output, length_help, parse_floats, parse_length_interval, parse_length_option, parse_lengths

PLOT_SUFFIXES = (".png", ".pdf", ".svg")
SWEEP_POINTS = 121

ResistanceOpt = Annotated[
    str,
    typer.Option(
        "-R",
        "--resistance",
        help="Interface resistance: m^2 K/W, 'G=..' (W/m^2/K), 'dmm:A/B' (any model, at -t), "
        "'power:R0,T0,n' or a saved result file.",
    ),
]
TemperatureOpt = Annotated[float, typer.Option("-t", "--temperature", help="Operating temperature, K.")]
PlotOpt = Annotated[Path | None, typer.Option("--plot", help="Draw the figure to this file (.png, .pdf, .svg).")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print the result as JSON (SI units).")]


def _sweep(spec: str | None) -> np.ndarray | None:
    interval = parse_length_interval(spec, "--sweep", "nm", "0.1nm:1um")
    if interval is None:
        return None
    return np.geomspace(*interval, SWEEP_POINTS)


def _sweep_help(what: str) -> str:
    return f"{what} sweep LO:HI, lengths with their unit (e.g. 1nm:1um); bare numbers are in nm."


def _conductivity(spec: str) -> float | str:
    try:
        return float(spec)
    except ValueError:
        return spec


def _start(plot: Path | None) -> None:
    if plot is not None:
        check_output(plot, PLOT_SUFFIXES, "--plot")


def _finish(res: Any, plot: Path | None, as_json: bool, lines: list[str], draw: Any) -> None:
    if plot is not None:
        draw(res, path=plot)
    if as_json:
        from ..io.results import dumps

        sys.stdout.write(dumps(res.to_dict(), indent=2) + "\n")
        return
    console = Console(highlight=False, soft_wrap=True)
    for line in lines:
        console.print(escape(line))
    if plot is not None:
        console.print(escape(f"figure: {plot}"))


def _length(x: float | None) -> str:
    return "none" if x is None else format_length(x)


def superlattice_command(
    resistance: ResistanceOpt,
    ka: Annotated[str, typer.Option("--ka", help="Conductivity of layer A: W/m/K or a material name.")],
    kb: Annotated[str, typer.Option("--kb", help="Conductivity of layer B: W/m/K or a material name.")],
    da: Annotated[str, typer.Option("--da", help=length_help("Thickness of layer A", "nm", "2nm"))],
    db: Annotated[str, typer.Option("--db", help=length_help("Thickness of layer B", "nm", "2nm"))],
    resistance_ba: Annotated[
        str | None, typer.Option("--resistance-ba", help="B->A interface resistance (default: the same as -R).")
    ] = None,
    periods: Annotated[int, typer.Option("-n", "--periods", help="Number of periods N.")] = 10,
    contact: Annotated[
        str | None, typer.Option("--contact", help="Contact resistance at each end (a resistance spec).")
    ] = None,
    alloy: Annotated[
        float | None, typer.Option("--alloy", help="Bulk alloy conductivity to compare with, W/m/K (Si/Ge: 8).")
    ] = None,
    sweep: Annotated[str | None, typer.Option("--sweep", help=_sweep_help("Period"))] = None,
    temperature: TemperatureOpt = 300.0,
    plot: PlotOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Cross-plane conductivity of N periods of A/B layers with interface resistances; sweep over the period."""
    from ..devices.superlattice import superlattice
    from ..plotting.devices.media import superlattice_figure

    _start(plot)
    res = superlattice(
        parse_length_option(da, "--da", "nm"),
        parse_length_option(db, "--db", "nm"),
        _conductivity(ka),
        _conductivity(kb),
        resistance,
        resistance_ba=resistance_ba,
        periods=periods,
        temperature=temperature,
        contact_resistance=contact,
        alloy_conductivity=alloy,
        sweep_periods=_sweep(sweep),
    )
    lines = [
        f"superlattice at {res.temperature:g} K: {res.periods} x ({format_length(res.thickness_a, 6)} "
        f"{res.labels[0]} / {format_length(res.thickness_b, 6)} {res.labels[1]})",
        f"k_A = {res.conductivity_a:.4g} W/m/K, k_B = {res.conductivity_b:.4g} W/m/K, "
        f"R_AB = {res.resistance_ab:.4g} m^2K/W ({res.labels[2]}), R_BA = {res.resistance_ba:.4g} m^2K/W",
        f"k_eff (cross-plane) = {res.effective_conductivity:.4g} W/m/K; "
        f"layers alone {res.layer_conductivity:.4g} W/m/K",
        f"interfaces carry {100 * res.interface_share:.3g} % of the resistance",
        f"critical period (layers = interfaces) = {_length(res.critical_period)}; thin-layer limit k -> period/(2R)",
    ]
    if res.alloy_conductivity is not None:
        lines.append(
            f"bulk alloy {res.alloy_conductivity:.4g} W/m/K; the superlattice conducts less below a period of "
            f"{_length(res.alloy_period)}"
        )
    _finish(res, plot, as_json, lines, superlattice_figure)


def composite_command(
    resistance: ResistanceOpt,
    km: Annotated[str, typer.Option("--km", help="Matrix conductivity: W/m/K or a material name.")],
    kp: Annotated[str, typer.Option("--kp", help="Particle conductivity: W/m/K or a material name.")],
    fraction: Annotated[float, typer.Option("-f", "--fraction", help="Particle volume fraction, 0 <= f < 1.")],
    radius: Annotated[
        str | None,
        typer.Option(
            "--radius",
            help="Particle radius, or several: 10nm,50nm,0.2um (lengths with their unit; bare numbers are in nm).",
        ),
    ] = None,
    weights: Annotated[
        str | None, typer.Option("--weights", help="Relative volume fractions of the --radius values.")
    ] = None,
    lognormal: Annotated[
        str | None,
        typer.Option(
            "--lognormal",
            help="MEDIAN,SIGMA: lognormal number distribution of radii (median a length, e.g. 50nm; bare in nm).",
        ),
    ] = None,
    shape: Annotated[str, typer.Option("--shape", help="sphere, cylinder-aligned or cylinder-random.")] = "sphere",
    fractions: Annotated[
        str, typer.Option("--fractions", help="Volume fractions drawn in the radius sweep.")
    ] = "0.1,0.2,0.3",
    sweep: Annotated[str | None, typer.Option("--sweep", help=_sweep_help("Radius"))] = None,
    temperature: TemperatureOpt = 300.0,
    plot: PlotOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Matrix with particles and a boundary resistance (Nan et al. 1997): k_eff, Kapitza and critical radius."""
    from ..devices.composite import composite, lognormal_radii
    from ..plotting.devices.media import composite_figure

    _start(plot)
    if (radius is None) == (lognormal is None):
        raise InputError("give the particle size with exactly one of --radius and --lognormal")
    w: Any = None
    if lognormal is not None:
        if weights is not None:
            raise InputError("--weights goes with --radius, not with --lognormal")
        pair = lognormal.split(",")
        if len(pair) != 2:
            raise InputError(f"--lognormal takes MEDIAN,SIGMA (e.g. 50nm,0.4), got {lognormal!r}")
        sigma = parse_floats(pair[1], "--lognormal") or ()
        radii, w = lognormal_radii(parse_length_option(pair[0], "--lognormal", "nm"), sigma[0])
    else:
        assert radius is not None
        radii = np.array(parse_lengths(radius, "--radius", "nm"))
        w = parse_floats(weights, "--weights")
    res = composite(
        _conductivity(km),
        _conductivity(kp),
        resistance,
        radius=radii if radii.size > 1 else float(radii[0]),
        weights=w,
        volume_fraction=fraction,
        shape=shape,
        temperature=temperature,
        sweep_radii=_sweep(sweep),
        sweep_fractions=parse_floats(fractions, "--fractions"),
    )
    size = (
        f"radius {format_length(res.radii[0], 6)}"
        if res.radii.size == 1
        else f"{res.radii.size} radii {format_length(res.radii.min(), 3)} to {format_length(res.radii.max(), 3)}"
    )
    lines = [
        f"composite at {res.temperature:g} K: {res.shape}s, {size}, f = {res.volume_fraction:g}",
        f"k_m = {res.matrix_conductivity:.4g} W/m/K ({res.labels[0]}), k_p = {res.particle_conductivity:.4g} W/m/K "
        f"({res.labels[1]}), R = {res.resistance:.4g} m^2K/W ({res.labels[2]})",
        f"Kapitza radius a_K = R k_m = {_length(res.kapitza_radius)}; "
        f"critical radius a_c = {_length(res.critical_radius)}",
        f"k_eff = {res.effective_conductivity:.4g} W/m/K (k_eff/k_m = {res.ratio:.4g}); "
        f"without R (Maxwell-Garnett) {res.maxwell_garnett:.4g} W/m/K",
    ]
    if res.shape == "cylinder-aligned":
        lines.append(f"along the cylinders k = {res.longitudinal_conductivity:.4g} W/m/K (the value above is across)")
    _finish(res, plot, as_json, lines, composite_figure)


def polycrystal_command(
    resistance: ResistanceOpt,
    k0: Annotated[str, typer.Option("--k0", help="Single-crystal conductivity: W/m/K or a material name.")],
    grain: Annotated[str, typer.Option("--grain", help=length_help("Grain size d", "nm", "100nm"))],
    contact_fraction: Annotated[
        float, typer.Option("--contact-fraction", help="Bonded fraction of the boundary area (R_gb = R / phi).")
    ] = 1.0,
    shape_factor: Annotated[
        float, typer.Option("--shape-factor", help="c in k0/(1 + c k0 R_gb/d): 1 series, 2 per-grain.")
    ] = 1.0,
    sweep: Annotated[str | None, typer.Option("--sweep", help=_sweep_help("Grain-size"))] = None,
    temperature: TemperatureOpt = 300.0,
    plot: PlotOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Grains of size d with boundary resistance R_gb: k_eff = k0/(1 + c k0 R_gb/d), sweep over grain size."""
    from ..devices.polycrystal import polycrystal
    from ..plotting.devices.media import polycrystal_figure

    _start(plot)
    res = polycrystal(
        _conductivity(k0),
        parse_length_option(grain, "--grain", "nm"),
        resistance,
        contact_fraction=contact_fraction,
        shape_factor=shape_factor,
        temperature=temperature,
        sweep_grain_sizes=_sweep(sweep),
    )
    lines = [
        f"polycrystal at {res.temperature:g} K: grains of {format_length(res.grain_size, 6)}, "
        f"k0 = {res.bulk_conductivity:.4g} W/m/K ({res.labels[0]})",
        f"boundary R_gb = {res.boundary_resistance:.4g} m^2K/W ({res.labels[1]}, bonded fraction "
        f"{res.contact_fraction:g})",
        f"Kapitza length k0 R_gb = {_length(res.kapitza_length)}",
        f"k_eff = {res.effective_conductivity:.4g} W/m/K "
        f"({100 * res.effective_conductivity / res.bulk_conductivity:.3g} % of k0); "
        f"boundaries carry {100 * res.boundary_share:.3g} % of the resistance",
    ]
    _finish(res, plot, as_json, lines, polycrystal_figure)
