"""``kapitza md emd config.toml``: run (or resume) an EMD job and print G from equilibrium fluctuations."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer
from rich.console import Console

from ..io.results import dumps
from .common import check_output, load_run_config


def _load(path: Path, option: Path | None) -> tuple[Any, Path]:
    """The validated EmdConfig in ``path`` and its run directory (see :func:`~kapitza.cli.common.load_run_config`)."""
    from ..md.emd import EmdConfig
    from ..md.nemd import files_beside

    def from_mapping(data: Any, where: str) -> Any:  # structure= and pair= are found beside the config file
        return EmdConfig.from_mapping(files_beside(data, path.parent, where=where), where)

    return load_run_config(path, option, from_mapping)


def md_emd_command(
    config: Annotated[Path, typer.Argument(help="TOML file: NEMD system settings plus an emd table")],
    run_dir: Annotated[
        Path | None,
        typer.Option(
            "--run-dir",
            help="run directory (default: run_dir in the TOML, else the config's name with suffix .run in the "
            "current directory)",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    plot: Annotated[
        Path | None, typer.Option(help="Write the running integral and its fit (.png, .pdf, .svg).")
    ] = None,
    progress: Annotated[bool, typer.Option("--progress/--no-progress", help="progress on stderr")] = True,
) -> None:
    """Interfacial conductance from equilibrium fluctuations (Domingues et al. 2005; Rajabpour & Volz 2010).

    With structure= (your interface), temperature= (K) and timestep= (ps) are required: no structure file says
    them, and the built-in families' values are no default for another material."""
    if plot is not None:
        check_output(plot, (".png", ".pdf", ".svg"), "--plot")
    cfg, folder = _load(config, run_dir)
    from ..analysis.md.emd import emd_conductance
    from ..md.emd import run_emd

    def report(stage: str, done: int, total: int) -> None:
        sys.stderr.write(f"kapitza: {stage} ({done}/{total} runs done)\n")

    run = run_emd(cfg, folder, progress=report if progress else None)
    g = emd_conductance(run.energy_a, run.sample_interval, run.area, run.temperature, units=run.units)
    for w in g.warnings:
        sys.stderr.write(f"kapitza: warning: {w}\n")
    if plot is not None:
        from ..plotting.md import emd_figure

        emd_figure(g, plot)
    if as_json:
        doc = {
            "G": _f(g.G),
            "G_err": _f(g.G_err),
            "G_si": _f(g.G_si),
            "G_si_err": _f(g.G_si_err),
            "tau": _f(g.tau),
            "tau_err": _f(g.tau_err),
            "window": [_f(w) for w in g.window],
            "window_auto": g.window_auto,
            "G_runs": [_f(x) for x in g.G_runs],
            "G_pooled": _f(g.G_pooled),
            "plateau_max": _f(g.plateau_max),
            "temperature_runs": [_f(x) for x in g.temperature_runs],
            "area": _f(g.area),
            "energy_drift": [_f(x) for x in run.energy_drift],
            "n_runs": g.n_runs,
            "units": g.units,
            "conductance_unit": g.conductance_unit,
            "method": g.method,
            "run_dir": run.run_dir,
            "warnings": list(g.warnings),
        }
        sys.stdout.write(dumps(doc) + "\n")
        return
    out = Console()
    out.print(f"run directory: {run.run_dir} ({run.n_runs} runs)")
    out.print(f"G = {g.G:.4g} \u00b1 {g.G_err:.2g} {g.conductance_unit}")
    if np.isfinite(g.G_si):
        out.print(f"G = {g.G_si / 1e6:.4g} \u00b1 {g.G_si_err / 1e6:.2g} MW m\u207b\u00b2 K\u207b\u00b9 (SI)")
    out.print(
        f"relaxation time tau = {g.tau:.4g} \u00b1 {g.tau_err:.2g}; fit window {g.window[0]:.4g} .. {g.window[1]:.4g}"
    )
    out.print(f"per run: {', '.join(f'{x:.4g}' for x in g.G_runs)}; naive plateau maximum {g.plateau_max:.4g}")


def _f(x: float) -> float:
    """A number for the JSON document (kapitza.io.results.dumps writes a non-finite one as "nan", "inf", "-inf")."""
    return float(x)
