"""``kapitza md``: analyse molecular-dynamics output (temperature jump and G; thickness series).

``md_app`` is a typer sub-app registered in :mod:`kapitza.cli.commands`; other ``md`` commands
(``md run``) are added to it the same way.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer
from rich.console import Console
from rich.table import Table

from ..errors import InputError
from ..io.results import dumps
from .common import check_output, parse_floats, read_table
from .report import EXPLAIN_HELP, Report

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
    flux_err: Annotated[
        float | None,
        typer.Option("--flux-err", help="Standard error of --flux (same unit); it enters G's error. Default: exact."),
    ] = None,
    baths: Annotated[
        Path | None,
        typer.Option(
            help="Bath energies: kapitza's baths.txt (per block; needs --area and --block-time) or cumulative "
            "tallies (fix langevin ... tally yes via fix print / ave/time; needs --area), read by the header's "
            "names (time, *hot*, *cold*) or by --bath-columns; never by the column count."
        ),
    ] = None,
    bath_columns: Annotated[
        str | None,
        typer.Option(
            "--bath-columns",
            help="Layout of a --baths tally: time=COL,hot=COL,cold=COL (header names or 0-based indices; "
            "step=COL with --timestep in place of time).",
        ),
    ] = None,
    timestep: Annotated[
        float | None, typer.Option("--timestep", help="Time per step, for --bath-columns step=COL (time unit).")
    ] = None,
    blocks: Annotated[
        int | None,
        typer.Option("--blocks", help="Blocks for the flux error from the bath tallies (default: from the data)."),
    ] = None,
    area: Annotated[float | None, typer.Option(help="Cross-section for --baths (length unit squared).")] = None,
    block_time: Annotated[
        float | None, typer.Option("--block-time", help="Duration of one block for a baths.txt (time unit).")
    ] = None,
    interfaces: Annotated[
        str | None,
        typer.Option(
            help="Interface positions z1,z2 (periodic; any position modulo the box: 0 and Lz are one plane) or z1 "
            "(fixed); default: from --composition, or for a run directory from its config and the profile's box."
        ),
    ] = None,
    hot_bath_at: Annotated[
        float | None,
        typer.Option(
            "--hot-bath-at",
            help="Centre of the hot bath (length unit): the heat-flow direction. Default: the run's config, or "
            "inferred from the profile at the baths (and said so); refused when the profile cannot tell.",
        ),
    ] = None,
    cold_bath_at: Annotated[
        float | None,
        typer.Option("--cold-bath-at", help="Centre of the cold bath (with --hot-bath-at; default half-way)."),
    ] = None,
    bath_width: Annotated[
        float | None,
        typer.Option(
            "--bath-width",
            help="Width of each bath slab (length unit): --exclude then counts from the bath edge "
            "(default: from the bath centre; a run directory gives it).",
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
        int | None,
        typer.Option(
            help="Bins left out next to each bath (from its edge with --bath-width or a run directory, else its "
            "centre) and next to each interface (default: 20 % of each segment)."
        ),
    ] = None,
    tolerance: Annotated[float, typer.Option(help="Accepted relative difference of the two baths' powers.")] = 0.05,
    as_json: Annotated[bool, typer.Option("--json", help="Print the results as JSON.")] = False,
    plot: Annotated[Path | None, typer.Option(help="Write the profile figure (.png, .pdf, .svg).")] = None,
    explain: Annotated[bool, typer.Option("--explain", help=EXPLAIN_HELP)] = False,
) -> None:
    """Temperature jump Delta T at each interface and G = J / Delta T, with errors over blocks."""
    from ..analysis import analyze_jump, read_profile, unit_system
    from ..analysis.md.baths import parse_layout, read_bath_tally

    if geometry is not None and geometry not in ("periodic", "fixed"):
        raise InputError(f"--geometry must be periodic or fixed, got {geometry!r}")
    if flux is not None and baths is not None:
        raise InputError("give either --flux or --baths, not both")
    if flux_err is not None and flux is None:
        raise InputError("--flux-err goes with --flux (a flux from --baths carries its own error)")
    if cold_bath_at is not None and hot_bath_at is None:
        raise InputError("--cold-bath-at goes with --hot-bath-at (the hot bath's centre)")
    if plot is not None:
        check_output(plot, (".png", ".pdf", ".svg"), "--plot")
    planes = parse_floats(interfaces, "--interfaces")
    if profile.is_dir():
        given = dict(flux=flux, baths=baths, area=area, block_time=block_time, column=column, units=units)
        given.update(composition=composition, geometry=geometry, planes=planes, exclude=exclude, plot=plot)
        given.update(flux_err=flux_err, bath_columns=bath_columns, timestep=timestep, cold_bath_at=cold_bath_at)
        given.update(bath_width=bath_width, hot_bath_at=hot_bath_at, blocks=blocks)
        _analyze_run_dir(profile, {**given, "tolerance": tolerance, "as_json": as_json, "explain": explain})
        return
    for value, option in ((block_time, "--block-time"), (bath_columns, "--bath-columns"), (blocks, "--blocks")):
        if value is not None and baths is None:
            raise InputError(f"{option} goes with --baths")
    if timestep is not None and bath_columns is None:
        raise InputError("--timestep goes with --bath-columns step=COL")
    units = units or "lj"
    geometry = geometry or "periodic"
    system = unit_system(units, "--units")
    col: str | int | None = int(column) if column is not None and column.isdigit() else column
    comp: str | int | None = int(composition) if composition is not None and composition.isdigit() else composition
    j: Any = flux
    tally = None
    if baths is not None:
        if area is None:
            raise InputError("--baths needs --area (the cross-section, in the --units length unit squared)")
        layout = parse_layout(bath_columns) if bath_columns is not None else None
        tally = read_bath_tally(baths, layout, timestep)
        if tally.kind == "blocks" and block_time is None:
            raise InputError("--baths with a kapitza baths.txt (energies per block) needs --block-time")
        if tally.kind == "cumulative" and block_time is not None:
            raise InputError(f"--block-time is for a kapitza baths.txt; {str(baths)!r} holds cumulative tallies")
    prof = read_profile(profile, column=col, units=units, composition=comp)
    if tally is not None:
        from ..analysis.md.response import flux_from_tally

        j = flux_from_tally(tally, float(area), geometry, block_time, tolerance, units, blocks)  # type: ignore[arg-type]
    bath_positions = (hot_bath_at, cold_bath_at) if cold_bath_at is not None else None
    result = analyze_jump(
        prof,
        interfaces=planes,
        geometry=geometry,
        flux=j,
        flux_err=0.0 if flux_err is None else flux_err,
        exclude_bins=exclude,
        bath_positions=bath_positions,
        hot_bath=hot_bath_at,
        bath_width=bath_width,
    )
    extra = {} if tally is None else {"bath_file_layout": tally.layout}
    _report(result, prof, system, as_json, plot, extra, flux_err_given=flux_err is not None, explain=explain)


def _analyze_run_dir(folder: Path, given: dict[str, Any]) -> None:
    """``md analyze RUN_DIR``: everything from the run directory; options that would contradict it are refused."""
    from ..analysis import unit_system
    from ..analysis.md.response import analyze_run

    for name, option in (
        ("flux", "--flux"),
        ("flux_err", "--flux-err"),
        ("baths", "--baths"),
        ("bath_columns", "--bath-columns"),
        ("timestep", "--timestep"),
        ("area", "--area"),
        ("block_time", "--block-time"),
        ("column", "--column"),
        ("composition", "--composition"),
        ("cold_bath_at", "--cold-bath-at"),
        ("bath_width", "--bath-width"),
    ):
        if given[name] is not None:
            raise InputError(f"{option} is for a profile file; a run directory provides it ({str(folder)!r})")
    run = analyze_run(
        folder,
        interfaces=given["planes"],
        exclude_bins=given["exclude"],
        tolerance=given["tolerance"],
        hot_bath=given["hot_bath_at"],
        n_blocks=given["blocks"],
    )
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
    regime = _run_dir_regime(folder)
    if regime is not None:
        extra["regime"] = {"verdict": regime.verdict, "message": regime.message}
    profile = None
    if given["plot"] is not None:
        from ..analysis.md.response import run_profile

        profile = run_profile(folder)
    _report(run.jump, profile, unit_system(run.jump.units), given["as_json"], given["plot"], extra,
            explain=given["explain"])  # fmt: skip


def _run_dir_regime(folder: Path) -> Any:
    """The thermostat-regime verdict of a kapitza run directory (None when it cannot be made)."""
    from ..analysis.md.regime import run_regime

    try:
        return run_regime(folder)
    except (InputError, OSError, ValueError):
        return None


def _report(
    result: Any,
    prof: Any,
    system: Any,
    as_json: bool,
    plot: Path | None,
    extra: dict[str, Any],
    flux_err_given: bool = True,
    explain: bool = False,
) -> None:
    warnings = [*result.warnings]
    if result.bath_flux is not None and not result.bath_flux.converged:
        warnings.append(f"flux error: {result.bath_flux.error_method}")
    if as_json:  # the JSON holds them all (the regime's verdict too); these also go to stderr, as they always did
        for w in warnings:
            sys.stderr.write(f"kapitza: warning: {w}\n")
    regime = extra.get("regime")
    if regime is not None and regime["verdict"] != "ok":  # thermostat-limited or possibly: G may measure the baths
        warnings.append(f"regime: {regime['message']}")
    if plot is not None:
        from ..plotting.md import profile_figure

        profile_figure(prof, result, plot)
    if as_json:
        sys.stdout.write(dumps({**_json(result, system, flux_err_given), **extra}) + "\n")
        return
    report = Report(explain=explain)
    at = f"T_mean = {extra['T_mean']:.4g} {system.temperature}" if "T_mean" in extra else ""
    _print(result, system, report, flux_err_given, at)
    for w in warnings:
        report.warn(w)
    if "bath_file_layout" in extra:
        report.detail(f"bath file: {extra['bath_file_layout']}", "the bath file")
    if "run_dir" in extra:
        report.detail(
            f"run {extra['run_dir']}: T_mean = {extra['T_mean']:.4g} {system.temperature} at the interfaces, "
            f"bath difference {extra['bath_delta_T']:.4g}, area {extra['area']:.4g} {system.length}^2",
            "the run",
        )
        if regime is not None and regime["verdict"] == "ok":
            report.detail(f"regime: {regime['message']}", "the thermostat regime")
    report.show()


def _f(x: float) -> float:
    """A number for the JSON document (kapitza.io.results.dumps writes a non-finite one as "nan", "inf", "-inf")."""
    return float(x)


def _undetermined(value: object) -> bool:
    return isinstance(value, float) and not math.isfinite(value)


def _mw(system: Any, g: float) -> float:
    """G in the profile's conductance unit -> MW m^-2 K^-1 (kapitza.analysis.md.jump.conductance_mw)."""
    from ..analysis.md.jump import conductance_mw

    return conductance_mw(g, system.name)


def _error_notes(r: Any, system: Any, flux_err_given: bool) -> dict[str, str]:
    """Why an error in the JSON is zero or NaN, by key (only the reasons that apply)."""
    notes: dict[str, str] = {}
    if r.flux_source == "none":
        notes["J_err"] = notes["G_err"] = "no flux given (--flux or --baths): J and G are not computed"
    elif r.flux_source == "given" and r.flux_err == 0:
        notes["J_err"] = (
            "the flux was given with --flux and no --flux-err: treated as exact, so G's error holds Delta T's only"
            if not flux_err_given
            else "--flux-err 0 was given: the flux is treated as exact"
        )
    if r.flux_source != "none" and not (np.isfinite(r.G) and r.delta_T > 0):
        notes["G_err"] = "Delta T <= 0: G = J / Delta T is not defined"
    if system.reduced:
        notes["G_si_err"] = notes["G_MW_m2K_err"] = "LJ reduced units have no SI value"
    elif "G_err" in notes:
        notes["G_si_err"] = notes["G_MW_m2K_err"] = notes["G_err"]
    if r.blocks_used < 3:
        notes["delta_T_err_jackknife"] = f"only {r.blocks_used} block(s) used: no jackknife over blocks"
    return notes


#: Why an error is exactly zero (whatever the case): the data have no spread to measure.
ZERO_NOTES = {
    "delta_T_err": "the blocks' Delta T are identical (noise-free data?): zero spread is not a measurement error",
    "delta_T_err_jackknife": "the blocks' Delta T are identical (noise-free data?): zero spread",
    "G_err": "Delta T has zero spread over the blocks and the flux is exact: not a measurement error",
    "G_si_err": "Delta T has zero spread over the blocks and the flux is exact: not a measurement error",
    "G_MW_m2K_err": "Delta T has zero spread over the blocks and the flux is exact: not a measurement error",
}


def _annotate(doc: dict[str, Any], notes: dict[str, str]) -> dict[str, Any]:
    """``doc`` with a sibling ``<key>_note`` beside every error that is zero or NaN and has a reason."""
    out = dict(doc)
    for key, value in doc.items():
        if key.endswith("_err") or key.endswith("_err_jackknife"):
            if _undetermined(value) and key in notes:
                out[f"{key}_note"] = notes[key]
            elif value == 0 and (key in notes or key in ZERO_NOTES):
                out[f"{key}_note"] = notes.get(key, ZERO_NOTES.get(key, ""))
    return out


def _json(r: Any, system: Any, flux_err_given: bool = True) -> dict[str, Any]:
    notes = _error_notes(r, system, flux_err_given)
    si = not system.reduced

    def one(j: Any) -> dict[str, Any]:
        d = {
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
        if si:
            d.update(G_MW_m2K=_f(_mw(system, j.G)), G_MW_m2K_err=_f(_mw(system, j.G_err)))
        return _annotate(d, notes)

    combined = {
        "delta_T": _f(r.delta_T),
        "delta_T_err": _f(r.delta_T_err),
        "delta_T_err_jackknife": _f(r.delta_T_err_jackknife),
        "G": _f(r.G),
        "G_err": _f(r.G_err),
        "G_si": _f(r.G_si),
        "G_si_err": _f(r.G_si_err),
    }
    if si:
        combined.update(G_MW_m2K=_f(_mw(system, r.G)), G_MW_m2K_err=_f(_mw(system, r.G_err)))
    out: dict[str, Any] = {
        "units": r.units,
        "unit_names": {**dict(r.unit_names), **({"conductance_MW": "MW m^-2 K^-1"} if si else {})},
        "geometry": r.geometry,
        "interfaces": [one(j) for j in r.interfaces],
        "combined": _annotate(combined, notes),
        **_annotate({"J": _f(r.flux), "J_err": _f(r.flux_err)}, notes),
        "flux_source": r.flux_source,
        "exclusion": r.exclusion,
        "bath_positions": [_f(x) for x in r.bath_positions],
        "bath_width": _f(r.bath_width),
        "hot_bath": _f(r.hot_bath),
        "direction_source": r.direction_source,
        "blocks_used": r.blocks_used,
        "blocks_dropped": r.blocks_dropped,
        "error_method": r.error_method,
        "warnings": list(r.warnings),
    }
    if r.bath_flux is not None:
        b = r.bath_flux
        baths = {
            "flux_err_method": b.error_method,
            "flux_blocks": b.n_blocks,
            "block_time": _f(b.block_time),
            "flux_err_inefficiency": _f(b.flux_err_inefficiency),
            "statistical_inefficiency": _f(b.inefficiency),
            "converged": b.converged,
            "power_hot": _f(b.power_hot),
            "power_cold": _f(b.power_cold),
            "relative_difference": _f(b.relative_difference),
            "relative_difference_err": _f(b.relative_difference_err),
            "balanced": b.balanced,
            "tolerance": _f(b.tolerance),
        }
        reasons = {"relative_difference_err": "the two baths' powers are equal in every block: no spread"}
        reasons["flux_err_inefficiency"] = "the per-interval flux does not fluctuate (noise-free tallies)"
        out["baths"] = _annotate(baths, reasons)
        if b.flux_err == 0:
            out["J_err_note"] = "the flux is the same in every block (noise-free tallies): no spread over blocks"
    return out


def _print(r: Any, system: Any, report: Report, flux_err_given: bool = True, at: str = "") -> None:
    """The jump and G with their errors (the answer; ``at``: the run's mean temperature at the interfaces, in
    words), then the flux and how it was analysed (details)."""
    units_note = "LJ reduced units" if system.reduced else f"{system.name} units"
    table = Table(title=f"Temperature jump ({r.geometry} geometry, {units_note}{'; ' + at if at else ''})")
    table.add_column(f"interface at ({system.length})", justify="right")
    table.add_column(f"\u0394T ({system.temperature})", justify="right")
    table.add_column(f"G ({system.flux} per {system.temperature})", justify="right")
    if not system.reduced:
        table.add_column("G (MW m\u207b\u00b2 K\u207b\u00b9)", justify="right")
    rows = [(f"{j.position:.4g}", j.delta_T, j.delta_T_err, j.G, j.G_err) for j in r.interfaces]
    if len(r.interfaces) > 1:
        rows.append(("combined", r.delta_T, r.delta_T_err, r.G, r.G_err))
    for name, dt, dte, g, ge in rows:
        cells = [name, f"{dt:.4g} \u00b1 {dte:.2g}", f"{g:.4g} \u00b1 {ge:.2g}" if np.isfinite(g) else "\u2014"]
        if not system.reduced:
            cells.append(f"{_mw(system, g):.4g} \u00b1 {_mw(system, ge):.2g}" if np.isfinite(g) else "\u2014")
        table.add_row(*cells)
    if not system.reduced and np.isfinite(r.G_si):
        mw, mw_err = _mw(system, r.G), _mw(system, r.G_err)
        where = f" at {at}" if at else ""
        report.answer(f"G = {mw:.4g} \u00b1 {mw_err:.2g} MW m\u207b\u00b2 K\u207b\u00b9 (SI){where}")
    report.answer(table)
    if system.reduced:
        report.answer("LJ reduced units: \u0394T in \u03b5/k_B, G in k_B/(\u03c4 \u03c3\u00b2); no SI value")
    if np.isfinite(r.flux):
        note = "" if r.flux_source != "given" or flux_err_given else " (no --flux-err: taken as exact)"
        report.detail(f"J = {r.flux:.4g} \u00b1 {r.flux_err:.2g} {system.flux} ({r.flux_source}){note}", "the flux")
    if r.bath_flux is not None:
        b = r.bath_flux
        report.detail(
            f"J error: {b.error_method}; from the statistical inefficiency ({b.inefficiency:.3g} samples): "
            f"\u00b1 {b.flux_err_inefficiency:.2g}",
            "the flux",
        )
    report.detail(f"heat-flow direction: {r.direction_source}", "the fit")
    report.detail(
        f"blocks used {r.blocks_used} (dropped {r.blocks_dropped} as transient); error: {r.error_method}",
        "the fit",
    )
    report.detail(f"excluded zones: {r.exclusion}", "the fit")


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
        from ..analysis.md.thickness import thickness_json

        doc = thickness_json(fit) | {"units": units, "unit_names": names}
        sys.stdout.write(dumps(doc) + "\n")
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
    from ..analysis.md.response import analyze_run, summarize_runs, summary_json

    if plot is not None:
        check_output(plot, (".png", ".pdf", ".svg"), "--plot")
    summary = summarize_runs([analyze_run(d) for d in run_dirs])
    if plot is not None:
        from ..plotting.md_response import response_figure

        response_figure(summary, plot)
    system = unit_system(summary.units)
    doc = summary_json(summary)
    if as_json:
        sys.stdout.write(dumps(doc) + "\n")
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
