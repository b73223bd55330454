"""``kapitza md``: analyse molecular-dynamics output (temperature jump and G; thickness series).

``md_app`` is a typer sub-app registered in :mod:`kapitza.cli.commands`; other ``md`` commands
(``md run``) are added to it the same way.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer
from rich.console import Console
from rich.table import Table

from ..errors import InputError
from .common import check_output, parse_floats, read_table

md_app = typer.Typer(
    help="Molecular dynamics on LAMMPS: NEMD and EMD of LJ and Si/Ge bicrystals, campaigns on dask; "
    "the temperature-jump analysis of any ave/chunk profile, G(T), J(Delta T) and thickness series."
)


def analyze_command(
    profile: Annotated[
        Path,
        typer.Argument(
            help="A kapitza run directory (everything read from it), a LAMMPS fix ave/chunk file, or columns: "
            "position temperature [block]."
        ),
    ],
    flux: Annotated[
        float | None, typer.Option("--flux", help="Heat flux through each interface, in the --units flux unit.")
    ] = None,
    baths: Annotated[
        Path | None,
        typer.Option(
            help="Bath energies: a kapitza baths.txt (block step E_hot E_cold E_total, per block; needs --area and "
            "--block-time) or columns time E_hot E_cold (cumulative, e.g. fix langevin tally; needs --area)."
        ),
    ] = None,
    area: Annotated[float | None, typer.Option(help="Cross-section for --baths (length unit squared).")] = None,
    block_time: Annotated[
        float | None, typer.Option("--block-time", help="Duration of one block for a baths.txt (time unit).")
    ] = None,
    interfaces: Annotated[
        str | None,
        typer.Option(
            help="Interface positions z1,z2 (periodic) or z1 (fixed); default: from --composition, or for a run "
            "directory from its config and the profile's box."
        ),
    ] = None,
    geometry: Annotated[
        str | None, typer.Option(help="periodic (two interfaces) or fixed (one); default periodic, or the run's.")
    ] = None,
    units: Annotated[
        str | None, typer.Option(help="lj, metal, real or si (LAMMPS unit styles); default lj, or the run's.")
    ] = None,
    column: Annotated[str | None, typer.Option(help="Temperature column: a header name or 0-based index.")] = None,
    composition: Annotated[str | None, typer.Option(help="Composition column, to find the interfaces.")] = None,
    exclude: Annotated[
        int | None, typer.Option(help="Bins left out at each end of every segment (default: 20 % of it).")
    ] = None,
    tolerance: Annotated[float, typer.Option(help="Accepted relative difference of the two baths' powers.")] = 0.05,
    as_json: Annotated[bool, typer.Option("--json", help="Print the results as JSON.")] = False,
    plot: Annotated[Path | None, typer.Option(help="Write the profile figure (.png, .pdf, .svg).")] = None,
) -> None:
    """Temperature jump Delta T at each interface and G = J / Delta T, with errors over blocks."""
    from ..analysis import analyze_jump, flux_from_baths, read_profile, unit_system

    if geometry is not None and geometry not in ("periodic", "fixed"):
        raise InputError(f"--geometry must be periodic or fixed, got {geometry!r}")
    if flux is not None and baths is not None:
        raise InputError("give either --flux or --baths, not both")
    if plot is not None:
        check_output(plot, (".png", ".pdf", ".svg"), "--plot")
    planes = parse_floats(interfaces, "--interfaces")
    if profile.is_dir():
        given = dict(flux=flux, baths=baths, area=area, block_time=block_time, column=column, units=units)
        given.update(composition=composition, geometry=geometry, planes=planes, exclude=exclude, plot=plot)
        _analyze_run_dir(profile, {**given, "tolerance": tolerance, "as_json": as_json})
        return
    if block_time is not None and baths is None:
        raise InputError("--block-time goes with --baths (a kapitza baths.txt)")
    units = units or "lj"
    geometry = geometry or "periodic"
    system = unit_system(units, "--units")
    col: str | int | None = int(column) if column is not None and column.isdigit() else column
    comp: str | int | None = int(composition) if composition is not None and composition.isdigit() else composition
    j: Any = flux
    table = None
    if baths is not None:
        if area is None:
            raise InputError("--baths needs --area (the cross-section, in the --units length unit squared)")
        table = read_table(baths, (3, 5), "--baths")
        if table.shape[1] == 5 and block_time is None:
            raise InputError("--baths with a kapitza baths.txt (5 columns, energies per block) needs --block-time")
        if table.shape[1] == 3 and block_time is not None:
            raise InputError("--block-time is for a kapitza baths.txt (5 columns); this --baths file has 3")
    prof = read_profile(profile, column=col, units=units, composition=comp)
    if table is not None:
        paths = 2 if geometry == "periodic" else 1
        if table.shape[1] == 5:
            from ..analysis.response import flux_from_bath_blocks

            j = flux_from_bath_blocks(table, float(area), float(block_time), paths, tolerance, units)  # type: ignore[arg-type]
        else:
            j = flux_from_baths(table[:, 0], table[:, 1], table[:, 2], float(area), paths, tolerance, units)  # type: ignore[arg-type]
    result = analyze_jump(prof, interfaces=planes, geometry=geometry, flux=j, exclude_bins=exclude)
    _report(result, prof, system, as_json, plot, {})


def _analyze_run_dir(folder: Path, given: dict[str, Any]) -> None:
    """``md analyze RUN_DIR``: everything from the run directory; options that would contradict it are refused."""
    from ..analysis import unit_system
    from ..analysis.response import analyze_run

    for name, option in (
        ("flux", "--flux"),
        ("baths", "--baths"),
        ("area", "--area"),
        ("block_time", "--block-time"),
        ("column", "--column"),
        ("composition", "--composition"),
    ):
        if given[name] is not None:
            raise InputError(f"{option} is for a profile file; a run directory provides it ({str(folder)!r})")
    run = analyze_run(folder, interfaces=given["planes"], exclude_bins=given["exclude"], tolerance=given["tolerance"])
    if given["geometry"] is not None and given["geometry"] != run.jump.geometry:
        raise InputError(f"--geometry {given['geometry']} contradicts the run directory's ({run.jump.geometry})")
    if given["units"] is not None and unit_system(given["units"], "--units").name != run.jump.units:
        raise InputError(f"--units {given['units']} contradicts the run directory's units ({run.jump.units})")
    extra = {
        "run_dir": run.run_dir,
        "T_mean": _f(run.T_mean),
        "bath_delta_T": _f(run.bath_delta_T),
        "area": _f(run.area),
        "block_time": _f(run.block_time),
        "interface_fraction": _f(run.interface_fraction),
    }
    profile = None
    if given["plot"] is not None:
        from ..analysis.response import run_profile

        profile = run_profile(folder)
    _report(run.jump, profile, unit_system(run.jump.units), given["as_json"], given["plot"], extra)


def _report(result: Any, prof: Any, system: Any, as_json: bool, plot: Path | None, extra: dict[str, Any]) -> None:
    for w in result.warnings:
        sys.stderr.write(f"kapitza: warning: {w}\n")
    if plot is not None:
        from ..plotting.md import plot_profile

        plot_profile(prof, result, plot)
    if as_json:
        sys.stdout.write(json.dumps({**_json(result), **extra}, indent=2) + "\n")
        return
    _print(result, system)
    if extra:
        Console().print(
            f"run {extra['run_dir']}: T_mean = {extra['T_mean']:.4g} {system.temperature} at the interfaces, "
            f"bath difference {extra['bath_delta_T']:.4g}, area {extra['area']:.4g} {system.length}^2"
        )


def _f(x: float) -> float | str:
    x = float(x)
    return x if np.isfinite(x) else "nan"


def _json(r: Any) -> dict[str, Any]:
    def one(j: Any) -> dict[str, Any]:
        return {
            "position": _f(j.position),
            "delta_T": _f(j.delta_T),
            "delta_T_err": _f(j.delta_T_err),
            "delta_T_err_jackknife": _f(j.delta_T_err_jackknife),
            "G": _f(j.G),
            "G_err": _f(j.G_err),
            "direction": j.direction,
            "fit_ranges": [list(map(_f, x)) for x in j.fit_ranges],
            "excluded_zones": [list(map(_f, x)) for x in j.excluded],
        }

    out: dict[str, Any] = {
        "units": r.units,
        "unit_names": dict(r.unit_names),
        "geometry": r.geometry,
        "interfaces": [one(j) for j in r.interfaces],
        "combined": {
            "delta_T": _f(r.delta_T),
            "delta_T_err": _f(r.delta_T_err),
            "delta_T_err_jackknife": _f(r.delta_T_err_jackknife),
            "G": _f(r.G),
            "G_err": _f(r.G_err),
            "G_si": _f(r.G_si),
            "G_si_err": _f(r.G_si_err),
        },
        "J": _f(r.flux),
        "J_err": _f(r.flux_err),
        "flux_source": r.flux_source,
        "exclusion": r.exclusion,
        "blocks_used": r.blocks_used,
        "blocks_dropped": r.blocks_dropped,
        "error_method": r.error_method,
        "warnings": list(r.warnings),
    }
    if r.bath_flux is not None:
        b = r.bath_flux
        out["baths"] = {
            "power_hot": _f(b.power_hot),
            "power_cold": _f(b.power_cold),
            "relative_difference": _f(b.relative_difference),
            "relative_difference_err": _f(b.relative_difference_err),
            "balanced": b.balanced,
            "tolerance": _f(b.tolerance),
        }
    return out


def _print(r: Any, system: Any) -> None:
    console = Console()
    units_note = "LJ reduced units" if system.reduced else f"{system.name} units"
    table = Table(title=f"Temperature jump ({r.geometry} geometry, {units_note})")
    table.add_column(f"interface at ({system.length})", justify="right")
    table.add_column(f"\u0394T ({system.temperature})", justify="right")
    table.add_column(f"G ({system.flux} per {system.temperature})", justify="right")
    rows = [(f"{j.position:.4g}", j.delta_T, j.delta_T_err, j.G, j.G_err) for j in r.interfaces]
    if len(r.interfaces) > 1:
        rows.append(("combined", r.delta_T, r.delta_T_err, r.G, r.G_err))
    for name, dt, dte, g, ge in rows:
        table.add_row(name, f"{dt:.4g} \u00b1 {dte:.2g}", f"{g:.4g} \u00b1 {ge:.2g}" if np.isfinite(g) else "\u2014")
    console.print(table)
    if np.isfinite(r.flux):
        console.print(f"J = {r.flux:.4g} \u00b1 {r.flux_err:.2g} {system.flux} ({r.flux_source})")
    if not system.reduced and np.isfinite(r.G_si):
        console.print(f"G = {r.G_si / 1e6:.4g} \u00b1 {r.G_si_err / 1e6:.2g} MW m\u207b\u00b2 K\u207b\u00b9 (SI)")
    if system.reduced:
        console.print("LJ reduced units: \u0394T in \u03b5/k_B, G in k_B/(\u03c4 \u03c3\u00b2); no SI value")
    console.print(f"blocks used {r.blocks_used} (dropped {r.blocks_dropped} as transient); error: {r.error_method}")
    console.print(f"excluded zones: {r.exclusion}")


def thickness_command(
    file: Annotated[Path, typer.Argument(help="CSV/columns L, R, sigma_R (one sample per row).")],
    units: Annotated[str, typer.Option(help="si (L in m, R in m^2 K/W) or lj (reduced units).")] = "si",
    as_json: Annotated[bool, typer.Option("--json", help="Print the results as JSON.")] = False,
) -> None:
    """Fit total resistance vs length: R = R_K + L / kappa, weighted by each point's sigma."""
    from ..analysis import fit_thickness_series

    if units not in ("si", "lj"):
        raise InputError(f"--units must be si or lj for a thickness series, got {units!r}")
    table = read_table(file, 3, "thickness")
    fit = fit_thickness_series(table[:, 0], table[:, 1], table[:, 2])
    names = (
        {"R_K": "m^2 K W^-1", "slope": "m K W^-1", "kappa": "W m^-1 K^-1"}
        if units == "si"
        else {"R_K": "tau sigma^2/k_B (LJ reduced)", "slope": "tau sigma/k_B", "kappa": "k_B/(tau sigma)"}
    )
    from .fits import thickness_lines

    if as_json:
        from ..analysis.thickness import thickness_json

        doc = thickness_json(fit) | {"units": units, "unit_names": names}
        sys.stdout.write(json.dumps(doc, indent=2) + "\n")
        return
    console = Console(soft_wrap=True)  # one line per statement
    for line in thickness_lines(fit, names):
        console.print(line)


def response_command(
    run_dirs: Annotated[list[Path], typer.Argument(help="kapitza run directories (one or more).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the results as JSON.")] = False,
    plot: Annotated[Path | None, typer.Option(help="Write G(T) and J(Delta T) (.png, .pdf, .svg).")] = None,
) -> None:
    """G, Delta T and J of several runs; G(T_mean) where their temperatures differ, J(Delta T) where their bath
    differences do (linear fit through the origin and the significance of a quadratic term)."""
    from ..analysis import unit_system
    from ..analysis.response import analyze_run, summarize_runs, summary_json

    if plot is not None:
        check_output(plot, (".png", ".pdf", ".svg"), "--plot")
    summary = summarize_runs([analyze_run(d) for d in run_dirs])
    if plot is not None:
        from ..plotting.md_response import plot_response

        plot_response(summary, plot)
    system = unit_system(summary.units)
    doc = summary_json(summary)
    if as_json:
        sys.stdout.write(json.dumps(doc, indent=2) + "\n")
        return
    console = Console()
    table = Table(title=f"NEMD runs ({'LJ reduced units' if system.reduced else system.name + ' units'})")
    for name in ("run", f"T_mean ({system.temperature})", "bath ΔT", f"ΔT ({system.temperature})",
                 f"J ({system.flux})", f"G ({system.flux} per {system.temperature})"):  # fmt: skip
        table.add_column(name, justify="right")
    for r in summary.runs:
        j = r.jump
        table.add_row(
            Path(r.run_dir).name,
            f"{r.T_mean:.4g}",
            f"{r.bath_delta_T:.4g}",
            f"{j.delta_T:.4g} ± {j.delta_T_err:.2g}",
            f"{j.flux:.4g} ± {j.flux_err:.2g}",
            f"{j.G:.4g} ± {j.G_err:.2g}" if np.isfinite(j.G) else "—",
        )
    console.print(table)
    for line in response_lines(summary):
        console.print(line)


def response_lines(summary: Any) -> list[str]:
    """Plain-text lines on G(T) and J(Delta T) (also used by ``md campaign``)."""
    out = []
    t = summary.temperature
    if t is not None and np.isfinite(t.exponent):
        out.append(
            f"G(T): G = {t.prefactor:.4g} T^({t.exponent:.3g} ± {t.exponent_err:.2g}) "
            f"(χ²/dof {t.power_chi2_per_dof:.3g}); linear slope dG/dT = {t.slope:.4g} ± "
            f"{t.slope_err:.2g} (χ²/dof {t.linear_chi2_per_dof:.3g})"
        )
    elif t is not None:
        out.append("G(T): fewer than 3 runs with a finite G; table only")
    r = summary.response
    if r is not None:
        text = f"J(ΔT): G = {r.G:.4g} ± {r.G_err:.2g} (through the origin)"
        if np.isfinite(r.c):
            verdict = "non-linear response detected" if r.nonlinear else "no significant non-linearity"
            text += f"; quadratic term c = {r.c:.3g} ± {r.c_err:.2g} (p = {r.c_pvalue:.2g}): {verdict}"
        out.append(text)
    return out


md_app.command("analyze")(analyze_command)
md_app.command("response")(response_command)
md_app.command("thickness")(thickness_command)
