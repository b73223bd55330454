"""``kapitza device hotspot``: temperature under a heat source of finite width on layers with interface resistances.

Thin over :func:`kapitza.devices.hotspot.hotspot` / :func:`~kapitza.devices.hotspot.hotspot_sweep`.  Layers are
``--layer CONDUCTIVITY:THICKNESS[:ANISOTROPY]`` (top first; CONDUCTIVITY a number in W/m/K, a material name,
or NAME=NUMBER for a labelled number; THICKNESS a length with its unit, e.g. 2um or 500nm;
a bare number is in um), interfaces ``--interface R``
(one per pair of neighbouring layers, top first: a number in m^2 K/W, G=..., dmm:A/B, power:R0,T0,n or a result
file).  Example (a GaN-on-SiC HEMT gate)::

    kapitza device hotspot --layer GaN=160:2um --layer SiC=370:100um --interface 3e-8 \\
        --width 1um --power 5W/mm --sweep-r 0,1e-8,3e-8,5e-8 --plot hotspot.png
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from ..errors import InputError
from ..io.results import dumps, to_jsonable
from ..units import format_length
from .common import check_output, parse_length_option, parse_number

_PLOT_SUFFIXES = (".png", ".pdf", ".svg")
_POWER_UNITS = {"planar": {"w/mm": 1e3, "w/m": 1.0}, "axisymmetric": {"mw": 1e-3, "w": 1.0}}


def parse_length(text: str, option: str) -> float:
    """'2um' / '500 nm' / '1e-4m' / a bare number in um -> metres: :func:`kapitza.cli.common.parse_length_option`."""
    return parse_length_option(text, option, "um")


def parse_layer(spec: str) -> Any:
    """'GaN:2um', 'GaN=160:2um', '160:2um:0.5' -> a HotspotLayer."""
    from ..devices.hotspot import HotspotLayer

    parts = spec.rsplit(":", 2) if spec.count(":") >= 2 else spec.rsplit(":", 1)
    if len(parts) < 2 or not parts[0].strip():
        raise InputError(f"--layer takes CONDUCTIVITY:THICKNESS[:ANISOTROPY], e.g. GaN=160:2um; got {spec!r}")
    conductivity: Any = parts[0].strip()
    label = ""
    if "=" in conductivity:
        label, _, number = conductivity.partition("=")
        kappa = parse_number(number.strip(), spec, "--layer")
        if kappa <= 0:
            raise InputError(f"--layer conductivities must be > 0 W/m/K, got {spec!r}")
        conductivity, label = kappa, label.strip()
    else:
        try:
            conductivity = float(conductivity)
        except ValueError:
            label = conductivity
        else:
            if not math.isfinite(conductivity) or conductivity <= 0:
                raise InputError(f"--layer conductivities must be finite and > 0 W/m/K, got {spec!r}")
            label = f"k={conductivity:g}"
    thickness = parse_length(parts[1], "--layer")
    anisotropy = 1.0
    if len(parts) == 3:
        anisotropy = parse_number(parts[2].strip(), spec, "--layer")
        if anisotropy <= 0:
            raise InputError(f"--layer anisotropy (k_in-plane / k_cross-plane) must be > 0, got {spec!r}")
    return HotspotLayer(thickness=thickness, conductivity=conductivity, anisotropy=anisotropy, label=label)


def parse_power(text: str, geometry: str) -> float:
    """'5W/mm' -> 5000 (W/m, planar); '2mW' -> 2e-3 (W, axisymmetric); a bare number is W/m or W."""
    units = _POWER_UNITS[geometry]
    m = re.fullmatch(r"\s*([-+0-9.eE]+)\s*([a-zA-Z/]*)\s*", text)
    if m is None or (m.group(2) and m.group(2).lower() not in units):
        allowed = ", ".join(units)
        raise InputError(f"--power for a {geometry} source takes a number with unit {allowed}; got {text!r}")
    value = parse_number(m.group(1), text, "--power") * (units[m.group(2).lower()] if m.group(2) else 1.0)
    if value <= 0:
        raise InputError(f"--power must be > 0, got {text!r}")
    return value


def _table(res: Any) -> Table:
    table = Table(title=f"hot spot ({res.geometry}), sink {res.sink_temperature:g} K", show_header=True)
    for name in ("layer", "d (um)", "k_z (W/m/K)", "k_r/k_z", "T for k (K)"):
        table.add_column(name, justify="right")
    for i, label in enumerate(res.layer_labels):
        table.add_row(
            label,
            f"{res.layer_thicknesses[i] * 1e6:.4g}",
            f"{res.layer_conductivities[i]:.4g}",
            f"{res.layer_anisotropy[i]:.3g}",
            f"{res.layer_temperatures[i]:.4g}",
        )
    return table


def hotspot_command(
    layer: Annotated[
        list[str],
        typer.Option(
            "--layer",
            help="CONDUCTIVITY:THICKNESS[:ANISOTROPY], top first; CONDUCTIVITY = W/m/K, a material or NAME=W/m/K "
            "(e.g. GaN=160:2um); THICKNESS in nm/um/mm/m; ANISOTROPY = k_in-plane/k_cross-plane",
        ),
    ],
    width: Annotated[
        str, typer.Option("--width", help="source width (strip) or diameter (disc), e.g. 1um (a bare number is in um)")
    ],
    interface: Annotated[
        list[str] | None,
        typer.Option(
            "--interface", help="R of each interface, top first: m^2K/W, G=W/m^2/K, MODEL:A/B, power:R0,T0,n, file"
        ),
    ] = None,
    power: Annotated[
        str | None, typer.Option("--power", help="source power: W/m or W/mm (planar), W or mW (axisymmetric)")
    ] = None,
    heat_flux: Annotated[
        float | None, typer.Option("--heat-flux", help="source flux, W/m^2 (instead of --power)")
    ] = None,
    geometry: Annotated[str, typer.Option("--geometry", help="planar (a strip) or axisymmetric (a disc)")] = "planar",
    domain_width: Annotated[
        str | None, typer.Option("--domain-width", help="lateral domain width/diameter (default max(4 x stack, 20 w))")
    ] = None,
    sink_temperature: Annotated[float, typer.Option("--sink-temperature", help="heat-sink temperature, K")] = 300.0,
    resolution: Annotated[int, typer.Option("--resolution", help="elements across the source half-width")] = 12,
    sweep_r: Annotated[
        str | None, typer.Option("--sweep-r", help="R values (m^2K/W, comma-separated) for the swept interface")
    ] = None,
    sweep_interface: Annotated[
        int, typer.Option("--sweep-interface", help="which interface --sweep-r sets (1 = top)")
    ] = 1,
    sweep_width: Annotated[
        str | None, typer.Option("--sweep-width", help="source widths with units, comma-separated, e.g. 0.5um,1um,4um")
    ] = None,
    max_nodes: Annotated[int, typer.Option("--max-nodes", help="largest mesh allowed (nodes)")] = 300_000,
    plot: Annotated[Path | None, typer.Option("--plot", help="temperature map (+ sweep panel): .png/.pdf/.svg")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON (SI units).")] = False,
) -> None:
    """Peak temperature of a heat source of finite width on layers with interface resistances (FEM), vs 1D."""
    if plot is not None:
        check_output(plot, _PLOT_SUFFIXES, "--plot")
    if geometry not in ("planar", "axisymmetric"):
        raise InputError(f"--geometry must be planar or axisymmetric, got {geometry!r}")
    layers = [parse_layer(s) for s in layer]
    if not layers:
        raise InputError("give at least one --layer")
    resistances = list(interface or [])
    if len(resistances) != len(layers) - 1:
        raise InputError(
            f"{len(layers)} --layer options need {len(layers) - 1} --interface options (top first), "
            f"got {len(resistances)}"
        )
    from ..devices.sources import resistance_source

    sources = [resistance_source(r) for r in resistances]
    w = parse_length(width, "--width")
    if (power is None) == (heat_flux is None):
        raise InputError("give exactly one of --power and --heat-flux")
    common: dict[str, Any] = {
        "geometry": geometry,
        "sink_temperature": sink_temperature,
        "resolution": resolution,
        "max_nodes": max_nodes,
        "domain_width": None if domain_width is None else parse_length(domain_width, "--domain-width"),
    }
    if power is not None:
        common["power"] = parse_power(power, geometry)
    else:
        common["heat_flux"] = heat_flux
    if sweep_r is not None and sweep_width is not None:
        raise InputError("give --sweep-r or --sweep-width, not both")
    r_values = None
    if sweep_r is not None:
        r_values = [parse_number(p.strip(), sweep_r, "--sweep-r") for p in sweep_r.split(",")]
        if any(v < 0 for v in r_values):
            raise InputError(f"--sweep-r values must be >= 0 m^2K/W, got {sweep_r!r}")
        if not 1 <= sweep_interface <= len(sources):
            raise InputError(
                f"--sweep-interface must be 1..{len(sources)} (one per --interface), got {sweep_interface}"
            )
    widths = None if sweep_width is None else [parse_length(p, "--sweep-width") for p in sweep_width.split(",")]

    from ..devices.hotspot import hotspot, hotspot_sweep

    res = hotspot(layers, sources, source_width=w, **common)
    sweep = None
    if r_values is not None:
        sweep = hotspot_sweep(
            layers, sources, source_width=w, sweep_resistances=r_values, interface=sweep_interface - 1, **common
        )
    elif widths is not None:
        sweep = hotspot_sweep(layers, sources, source_width=widths, **common)
    if plot is not None:
        from ..plotting.devices.hotspot import hotspot_figure

        hotspot_figure(res, sweep, path=plot)
    if as_json:
        doc = {"result": to_jsonable(res.to_dict())}
        if sweep is not None:
            doc["sweep"] = {
                "parameter": sweep.parameter,
                "interface": sweep.interface,
                "values": to_jsonable(sweep.values),
                "peak_temperature_rise": to_jsonable(sweep.peak_temperature_rise),
                "stack_1d_rise": to_jsonable(sweep.stack_1d_rise),
                "spreading_ratio": to_jsonable(sweep.spreading_ratio),
                "peak_error_estimate": to_jsonable(sweep.peak_error_estimate),
            }
        typer.echo(dumps(doc, indent=None))
        return
    console = Console()
    console.print(_table(res))
    unit = res.power_unit
    console.print(
        f"source: width {format_length(res.source_width)}, power {res.power:.4g} {unit}, "
        f"flux {res.heat_flux:.4g} W/m^2; domain width {format_length(res.domain_width)}; {res.n_nodes} nodes"
    )
    for j, label in enumerate(res.interface_labels):
        console.print(
            f"interface {j + 1} ({label}) at {format_length(res.interface_depths[j])}: "
            f"R = {res.interface_resistances[j]:.4g} m^2K/W (at {res.interface_temperatures[j]:.4g} K), "
            f"jump on the axis {res.interface_jumps[j]:.4g} K",
            soft_wrap=True,  # one line per interface, however long the resistance's label
        )
    console.print(
        f"peak temperature rise {res.peak_temperature_rise:.4g} K "
        f"(mesh error ~{res.peak_error_estimate:.2g} K); 1D stack estimate {res.stack_1d_rise:.4g} K; "
        f"spreading ratio {res.spreading_ratio:.4g}"
    )
    console.print(f"energy balance: {res.power:.6g} {unit} in, {res.sink_power:.6g} {unit} into the sink")
    if sweep is not None:
        table = Table(
            title="peak vs " + (f"R of interface {sweep.interface + 1}" if sweep.parameter == "resistance" else "width")
        )
        table.add_column("R (m^2K/W)" if sweep.parameter == "resistance" else "width (um)", justify="right")
        for name in ("peak dT (K)", "1D dT (K)", "peak / 1D"):
            table.add_column(name, justify="right")
        for v, p, s, q in zip(
            sweep.values, sweep.peak_temperature_rise, sweep.stack_1d_rise, sweep.spreading_ratio, strict=True
        ):
            table.add_row(
                f"{v:.4g}" if sweep.parameter == "resistance" else f"{v * 1e6:.4g}", f"{p:.4g}", f"{s:.4g}", f"{q:.4g}"
            )
        console.print(table)
    if plot is not None:
        console.print(f"figure written to {plot}")
