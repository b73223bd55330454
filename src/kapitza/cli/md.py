"""``kapitza md``: analyse molecular-dynamics output (temperature jump and G; thickness series).

``md_app`` is a typer sub-app registered in :mod:`kapitza.cli.commands`; other ``md`` commands
(``md run``) are added to it the same way.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

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
    """Temperature jump Delta T at each interface and G = J / Delta T with its error; a folder of replicas
    (kapitza md run CONFIG --replicas N) pooled: G from their mean flux and mean jump, its error from their spread."""
    from ..analysis.md.analyze import analyze_md

    if plot is not None:
        check_output(plot, (".png", ".pdf", ".svg"), "--plot")
    result = analyze_md(
        profile,
        flux=flux,
        flux_err=flux_err,
        baths=baths,
        bath_columns=bath_columns,
        timestep=timestep,
        blocks=blocks,
        area=area,
        block_time=block_time,
        interfaces=parse_floats(interfaces, "--interfaces"),
        hot_bath_at=hot_bath_at,
        cold_bath_at=cold_bath_at,
        bath_width=bath_width,
        geometry=geometry,
        units=units,
        column=column,
        composition=composition,
        exclude=exclude,
        tolerance=tolerance,
        profile=plot is not None,
    )
    if plot is not None:
        from ..plotting.md import profile_figure

        profile_figure(result.profile, result.jump, plot)
    if as_json:
        for w in result.warnings:  # the JSON holds them all; they also go to stderr, as they always did
            sys.stderr.write(f"kapitza: warning: {w}\n")
        sys.stdout.write(dumps(result.to_dict()) + "\n")
        return
    report = Report(explain=explain)
    if result.kind == "replicas":
        _render_replicas(result, report)
    else:
        _render_jump(result, report)
    report.show()


def _render_jump(result: Any, report: Report) -> None:
    """The text of one profile's or run's analysis: G and the table first, then warnings, then the details."""
    r, system = result.jump, result.system
    run = result.run
    at = f"T_mean = {run.T_mean:.4g} {system.temperature}" if run is not None else ""
    _print(r, system, report, result.flux_err_given, at)
    for w in result.warnings:
        report.warn(w)
    if result.bath_file_layout is not None:
        report.detail(f"bath file: {result.bath_file_layout}", "the bath file")
    if run is not None:
        report.detail(
            f"run {run.run_dir}: T_mean = {run.T_mean:.4g} {system.temperature} at the interfaces, "
            f"bath difference {run.bath_delta_T:.4g}, area {run.area:.4g} {system.length}^2",
            "the run",
        )
        if result.regime is not None and result.regime.verdict == "ok":
            report.detail(f"regime: {result.regime.message}", "the thermostat regime")


def _render_replicas(result: Any, report: Report) -> None:
    """The text of a folder of replicas: the pooled G with its replica error first, the replicas under --explain."""
    reps, system = result.replicas, result.system
    p = reps.pool
    unit = f"{system.flux} per {system.temperature}"
    how = f"{p.n} replicas pooled, error from their spread x t factor {p.t_factor:.3g}"
    at = f" at T_mean = {reps.T_mean:.4g} {system.temperature}"
    if not system.reduced and np.isfinite(reps.G_si):
        report.answer(f"G = {_mw(system, p.G):.4g} \u00b1 {_mw(system, p.G_err):.2g} MW m\u207b\u00b2 K\u207b\u00b9 "
                      f"(SI){at} ({how})")  # fmt: skip
    else:
        report.answer(f"G = {p.G:.4g} \u00b1 {p.G_err:.2g} {unit}{at} ({how})")
    if np.isfinite(p.G_next_err):
        nxt = (
            f"{_mw(system, p.G):.4g} \u00b1 {_mw(system, p.G_next_err):.2g} MW m\u207b\u00b2 K\u207b\u00b9"
            if not system.reduced and np.isfinite(reps.G_si)
            else f"{p.G:.4g} \u00b1 {p.G_next_err:.2g} {unit}"
        )
        report.answer(f"one further run of this configuration: G = {nxt} ({p.next_run})")
    report.answer(
        f"\u0394T = {p.delta_T:.4g} \u00b1 {p.delta_T_err:.2g} {system.temperature}, J = {p.flux:.4g} \u00b1 "
        f"{p.flux_err:.2g} {system.flux} (mean of the replicas)"
    )
    if system.reduced:
        report.answer("LJ reduced units: \u0394T in \u03b5/k_B, G in k_B/(\u03c4 \u03c3\u00b2); no SI value")
    for w in result.warnings:
        report.warn(w)
    table = Table(title=f"replicas of {reps.parent} (each analysed alone; its error is the single-run error)")
    for name in ("replica", "seed", f"\u0394T ({system.temperature})", f"J ({system.flux})", f"G ({unit})"):
        table.add_column(name, justify="right")
    if not system.reduced:
        table.add_column("G (MW m\u207b\u00b2 K\u207b\u00b9)", justify="right")
    table.add_column("status")
    for r in reps.replicas:
        if r.analysis is None:
            cells = [r.name, str(r.seed), "\u2014", "\u2014", "\u2014"] + ([] if system.reduced else ["\u2014"])
        else:
            j = r.analysis.jump
            cells = [r.name, str(r.seed), f"{j.delta_T:.4g} \u00b1 {j.delta_T_err:.2g}",
                     f"{j.flux:.4g} \u00b1 {j.flux_err:.2g}", f"{j.G:.4g} \u00b1 {j.G_err:.2g}"]  # fmt: skip
            if not system.reduced:
                cells.append(f"{_mw(system, j.G):.4g} \u00b1 {_mw(system, j.G_err):.2g}")
        table.add_row(*cells, Text(r.status))  # plain text: a status is never read as markup
    report.detail(table, "each replica's G")
    if np.isfinite(p.spread_ratio):
        verdict = (
            f"the single-run errors understate it by a factor {p.spread_ratio:.2g}"
            if p.understated
            else "the single-run errors account for it"
        )
        report.detail(
            f"spread between replicas: they scatter {p.spread_ratio:.2g} x their single-run errors about the pooled G "
            f"(Birge ratio of J - G \u0394T; p = {p.spread_pvalue:.2g} for {p.n - 1} degrees of freedom): {verdict}",
            "within against between",
        )
    report.detail(f"estimator: {p.estimator}", "the estimator")
    for name, regime in result.replica_regimes:
        if regime is not None and regime.verdict == "ok":
            report.detail(f"{name}: regime: {regime.message}", "the thermostat regime")


def _mw(system: Any, g: float) -> float:
    """G in the profile's conductance unit -> MW m^-2 K^-1 (kapitza.analysis.md.jump.conductance_mw)."""
    from ..analysis.md.jump import conductance_mw

    return conductance_mw(g, system.name)


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
        cross = (
            f"; block averages (Flyvbjerg-Petersen) beside it: \u00b1 {b.flux_err_blocking:.2g}"
            if np.isfinite(b.flux_err_blocking)
            else ""
        )
        report.detail(f"J error: {b.error_method}{cross}", "the flux")
    report.detail(f"heat-flow direction: {r.direction_source}", "the fit")
    report.detail(
        f"blocks used {r.blocks_used} (dropped {r.blocks_dropped} as transient); error: {r.error_method}",
        "the fit",
    )
    if r.delta_T_series is not None:
        d = r.delta_T_series
        report.detail(
            f"\u0394T blocks: statistical inefficiency {d.inefficiency:.3g} ({d.n_effective:.3g} effective of "
            f"{d.n_samples}), t factor {d.t_factor:.3g}" + ("" if d.converged else "; not converged"),
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
