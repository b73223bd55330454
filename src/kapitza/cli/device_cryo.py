"""``kapitza device cryogenic | spin | contact``: chip in liquid helium, spin heat accumulation, contact vs Kapitza."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer

from ..errors import InputError
from ..units import format_length
from .common import check_output, length_help, parse_floats, parse_interval, parse_length_option

_PLOT_SUFFIXES = (".png", ".pdf", ".svg")
_POINTS = 40


def _emit_json(payload: dict[str, Any]) -> None:
    from ..io.results import dumps

    typer.echo(dumps(payload, indent=2))


def _pair(spec: str, option: str) -> tuple[float, float]:
    values = parse_floats(spec, option) or ()
    if len(values) == 1:
        return values[0], values[0]
    if len(values) != 2:
        raise InputError(f"{option} takes one number or two separated by a comma (side 1, side 2), got {spec!r}")
    return values[0], values[1]


def cryogenic_command(
    power: Annotated[float, typer.Option(help="Power dissipated at the chip's top face, W.")] = 0.01,
    area: Annotated[float, typer.Option(help="Chip (cooled-face) area, m^2.")] = 1e-4,
    thickness: Annotated[str, typer.Option(help=length_help("Chip thickness", "m", "0.5mm"))] = "0.5mm",
    conductivity: Annotated[str, typer.Option(help="Chip conductivity, W/m/K, or a material name.")] = "5",
    resistance: Annotated[
        str,
        typer.Option(
            "--resistance", "-R", help="Chip/helium R_K: number (m^2 K/W), power:R0,T0,n, amm:Si/He4, G=..., fit.json."
        ),
    ] = "power:2e-3,1,3",
    bath: Annotated[float, typer.Option(help="Helium bath temperature, K.")] = 1.5,
    law: Annotated[str, typer.Option(help="Interface law: t4 (q = A(T^4 - T_He^4)), integral, or linear.")] = "t4",
    tc: Annotated[float | None, typer.Option("--tc", help="Critical temperature of the superconductor, K.")] = None,
    sweep: Annotated[
        str | None, typer.Option(help="Power range of the plot, LO:HI in W (default P/100:P*100).")
    ] = None,
    plot: Annotated[Path | None, typer.Option(help="T vs P, linear vs T^4 law (.png/.pdf/.svg).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON (SI).")] = False,
) -> None:
    """Steady temperature of a chip dissipating P into liquid helium through a Kapitza resistance R_K(T) ~ T^-3."""
    from ..devices.cryogenic import chip_in_helium, chip_sweep

    if plot is not None:
        check_output(plot, _PLOT_SUFFIXES, "--plot")
    interval = parse_interval(sweep, "--sweep", "1e-4:1")
    if interval is not None and interval[0] <= 0:
        raise InputError(f"--sweep needs powers > 0 W, got {sweep!r}")
    kwargs = {
        "area": area,
        "thickness": parse_length_option(thickness, "--thickness", "m"),
        "conductivity": conductivity,
        "resistance": resistance,
        "bath_temperature": bath,
        "critical_temperature": tc,
    }
    res = chip_in_helium(power, law=law, **kwargs)
    if as_json:
        _emit_json(res.to_dict())
    else:
        shown = format_length(kwargs["thickness"], 6)
        typer.echo(f"chip: {area:g} m^2, {shown}, kappa {res.conductivity_label}; bath {bath:g} K")
        typer.echo(f"R_K: {res.resistance_label}, R_K(T_He) = {res.resistance_at_bath:.4g} m^2 K/W; law: {law}")
        typer.echo(f"P = {res.power:g} W, q = {res.heat_flux:.4g} W/m^2")
        typer.echo(
            f"cooled face T_s = {res.surface_temperature:.6g} K (linear law: {res.linear_surface_temperature:.6g} K)"
        )
        typer.echo(f"top face T = {res.top_temperature:.6g} K")
        share = "" if math.isnan(res.interface_share) else f" ({100 * res.interface_share:.1f} % of the rise)"
        typer.echo(f"interface drop {res.interface_drop:.4g} K{share}, chip drop {res.chip_drop:.4g} K")
        if tc is not None:
            state = "EXCEEDS" if res.exceeds_critical else "below"
            typer.echo(f"T_c = {tc:g} K: top face {state} T_c; T_c is reached at P = {res.critical_power:.4g} W")
    if plot is not None:
        from ..plotting.devices.cryogenic import cryogenic_figure

        lo, hi = interval if interval is not None else (max(power, 1e-9) / 100, max(power, 1e-9) * 100)
        nonlinear = "t4" if law == "linear" else law
        cryogenic_figure(chip_sweep(np.geomspace(lo, hi, _POINTS), law=nonlinear, **kwargs), path=plot)
        if not as_json:
            typer.echo(f"plot: {plot}")


def spin_command(
    flux: Annotated[float, typer.Option(help="Electronic heat flux from F into N, W/m^2.")] = 1e9,
    r_up: Annotated[str, typer.Option(help="Spin-up channel R, m^2 K/W (or a source spec).")] = "1e-9",
    r_down: Annotated[str, typer.Option(help="Spin-down channel boundary resistance, m^2 K/W.")] = "3e-9",
    conductivity: Annotated[float, typer.Option(help="Electronic conductivity of N (both spins), W/m/K.")] = 100.0,
    relaxation_length: Annotated[
        str,
        typer.Option(help=length_help("Spin heat relaxation length in N (inf: none)", "nm", "20nm")),
    ] = "20nm",
    temperature: Annotated[float, typer.Option(help="Temperature of N at the interface, K.")] = 300.0,
    plot: Annotated[Path | None, typer.Option(help="Spin temperatures vs distance (.png/.pdf/.svg).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON (SI).")] = False,
) -> None:
    """Spin heat accumulation T_up - T_down at a ferromagnet/normal-metal interface with R_up != R_down."""
    from ..devices.spin import spin_heat_accumulation

    if plot is not None:
        check_output(plot, _PLOT_SUFFIXES, "--plot")
    relaxation = (
        math.inf
        if relaxation_length.strip().lower() == "inf"
        else parse_length_option(relaxation_length, "--relaxation-length", "nm")
    )
    res = spin_heat_accumulation(
        flux,
        resistance_up=r_up,
        resistance_down=r_down,
        conductivity=conductivity,
        relaxation_length=relaxation,
        temperature=temperature,
    )
    if as_json:
        _emit_json(res.to_dict())
    else:
        typer.echo(f"R_up = {res.resistance_up:.4g}, R_down = {res.resistance_down:.4g} m^2 K/W; q = {flux:g} W/m^2")
        typer.echo(f"spin heat accumulation T_up - T_down = {res.spin_temperature:.4g} K at the interface")
        shown = "inf (no relaxation)" if math.isinf(relaxation) else format_length(relaxation, 6)
        typer.echo(f"decays over lambda = {shown} into N")
        typer.echo(
            f"effective R = {res.effective_resistance:.4g} m^2 K/W (parallel law {res.parallel_resistance:.4g}, "
            f"no relaxation {(res.resistance_up + res.resistance_down) / 4:.4g})"
        )
        typer.echo(f"T_F = {res.ferromagnet_temperature:.6g} K, N at the interface {temperature:g} K")
    if plot is not None:
        from ..plotting.devices.cryogenic import spin_figure

        spin_figure(res, path=plot)
        if not as_json:
            typer.echo(f"plot: {plot}")


def contact_command(
    resistance: Annotated[
        str, typer.Option("--resistance", "-R", help="Intrinsic R_K: m^2 K/W, dmm:Al/Si, G=...")
    ] = "dmm:Al/Si",
    conductivity: Annotated[str, typer.Option(help="k1,k2 of the two bodies, W/m/K (or material names).")] = "16,16",
    roughness: Annotated[
        str,
        typer.Option(
            help="RMS roughness sigma1,sigma2 (one value: both), lengths with their unit (e.g. 1um,0.5um); bare "
            "numbers are in um."
        ),
    ] = "1um,1um",
    slope: Annotated[str, typer.Option(help="RMS asperity slopes m1,m2.")] = "0.1,0.1",
    hardness_gpa: Annotated[float, typer.Option(help="Microhardness of the softer surface, GPa.")] = 3.0,
    pressure: Annotated[str, typer.Option(help="Apparent pressure range LO:HI, Pa.")] = "1e4:1e8",
    temperature: Annotated[float, typer.Option(help="Temperature, K (for R_K and material conductivities).")] = 300.0,
    plot: Annotated[Path | None, typer.Option(help="h_c vs pressure with 1/R_K (.png/.pdf/.svg).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON (SI).")] = False,
) -> None:
    """Macroscopic contact conductance of rough surfaces (CMY correlation) vs the intrinsic Kapitza resistance."""
    from ..devices.contact import contact_vs_kapitza

    if plot is not None:
        check_output(plot, _PLOT_SUFFIXES, "--plot")
    parts = [p.strip() for p in conductivity.split(",")]
    if len(parts) not in (1, 2) or not all(parts):
        raise InputError(f"--conductivity takes k1,k2 (W/m/K or material names), got {conductivity!r}")
    k1, k2 = (parts[0], parts[-1])
    sides = roughness.split(",")
    if len(sides) not in (1, 2):
        raise InputError(
            f"--roughness takes one length or two separated by a comma (side 1, side 2), got {roughness!r}"
        )
    s1, s2 = (parse_length_option(sides[0], "--roughness", "um", zero=True),
              parse_length_option(sides[-1], "--roughness", "um", zero=True))  # fmt: skip
    m1, m2 = _pair(slope, "--slope")
    lo, hi = parse_interval(pressure, "--pressure", "1e4:1e8") or (0.0, 0.0)
    if lo <= 0:
        raise InputError(f"--pressure needs LO > 0 Pa, got {pressure!r}")
    if not (math.isfinite(hardness_gpa) and hardness_gpa > 0):
        raise InputError(f"--hardness-gpa must be > 0 GPa, got {hardness_gpa:g}")
    for name, value in (("--slope", m1), ("--slope", m2)):
        if value < 0:
            raise InputError(f"{name} values must be >= 0, got {value:g}")
    res = contact_vs_kapitza(
        np.geomspace(lo, hi, _POINTS),
        resistance=resistance,
        conductivity1=k1,
        conductivity2=k2,
        roughness1=s1,
        roughness2=s2,
        slope1=m1,
        slope2=m2,
        hardness=hardness_gpa * 1e9,
        temperature=temperature,
    )
    if as_json:
        _emit_json(res.to_dict())
    else:
        typer.echo(
            f"CMY: k_s = {res.effective_conductivity:.4g} W/m/K, sigma = {format_length(res.roughness)}, "
            f"m = {res.slope:.4g}, H_c = {hardness_gpa:g} GPa"
        )
        typer.echo(f"R_K ({res.resistance_label}) at {temperature:g} K = {res.kapitza_resistance:.4g} m^2 K/W")
        for i in (0, len(res.pressure) // 2, len(res.pressure) - 1):
            typer.echo(
                f"P = {res.pressure[i]:.3g} Pa: h_c = {res.contact_conductance[i]:.4g} W/m^2/K, "
                f"contact share {100 * res.contact_share[i]:.2f} % -> {res.dominant[i]} dominates"
            )
        if res.crossover_pressure < res.hardness:
            typer.echo(f"crossover pressure (h_c = 1/R_K): {res.crossover_pressure:.4g} Pa")
        else:  # the correlation's P* lies above H_c, where no rough contact is left: none is reached
            typer.echo(
                f"crossover pressure (h_c = 1/R_K): none below H_c = {hardness_gpa:g} GPa (the correlation puts it "
                f"at {res.crossover_pressure:.4g} Pa): the contact dominates at every pressure"
            )
        if not np.all(res.in_range):
            typer.echo(f"note: some pressures are outside the CMY range {1e-6:g} < P/H_c < {2e-2:g}")
    if plot is not None:
        from ..plotting.devices.cryogenic import contact_figure

        contact_figure(res, path=plot)
        if not as_json:
            typer.echo(f"plot: {plot}")
