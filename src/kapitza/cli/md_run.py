"""``kapitza md run config.toml [--np N]``: run or resume one NEMD run directory (LAMMPS in-process or mpirun)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer
from rich.console import Console

from ..errors import InputError
from .common import load_run_config


def _load(path: Path, option: Path | None) -> tuple[Any, Path]:
    """The validated NemdConfig in ``path`` and its run directory (see :func:`~kapitza.cli.common.load_run_config`)."""
    from ..md.nemd import NemdConfig

    return load_run_config(path, option, NemdConfig.from_mapping)


def md_run_command(
    config: Annotated[Path, typer.Argument(help="TOML file of NEMD settings (see kapitza.md.nemd.NemdConfig)")],
    run_dir: Annotated[
        Path | None,
        typer.Option("--run-dir", help="run directory (default: run_dir in the TOML, else CONFIG with suffix .run)"),
    ] = None,
    progress: Annotated[bool, typer.Option("--progress/--no-progress", help="progress bar on stderr")] = True,
    np_: Annotated[
        int, typer.Option("--np", help="MPI processes: 1 runs LAMMPS in-process, N > 1 as mpirun -np N lmp")
    ] = 1,
    lmp: Annotated[
        Path | None, typer.Option("--lmp", help="LAMMPS executable for --np > 1 (default: lmp next to python)")
    ] = None,
) -> None:
    """Run or resume (rerun the same command) a bicrystal NEMD in LAMMPS: LJ, argon-like, Si/Ge SW or Tersoff."""
    if np_ < 1:
        raise InputError(f"--np must be a positive integer, got {np_}")
    cfg, folder = _load(config, run_dir)
    from ..md.run import run_nemd

    if progress:
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total} steps"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=True,
        ) as bar:
            task = bar.add_task("NEMD", total=1)

            def update(stage: str, done: int, total: int) -> None:
                bar.update(task, description=stage, completed=done, total=max(total, 1))

            result = run_nemd(cfg, folder, progress=update, processes=np_, lmp=lmp)
    else:
        result = run_nemd(cfg, folder, processes=np_, lmp=lmp)
    out = Console()
    out.print(f"run directory: {result.run_dir}")
    if result.resumed_from_unit:
        out.print(f"resumed after unit {result.resumed_from_unit} (equilibration, transient, blocks)")
    if np.isfinite(result.steps_per_second):
        out.print(f"speed: {result.steps_per_second:.0f} steps/s")
    out.print(f"blocks: {result.n_blocks} of {result.block_steps} steps (profile.chunk, baths.txt)")
    if result.n_blocks:
        from ..analysis.blocking import block_average
        from ..analysis.units import unit_system

        flux = result.heat_flux
        system = unit_system(result.units)
        mean = float(np.mean(flux))
        if flux.size >= 2:  # as analyze_run: the run's blocks (grouped when 16 or more), standard error of means
            b = block_average(flux, n_blocks=flux.size if flux.size < 16 else None)
            err, how = b.err, f"error over {b.method}; statistical inefficiency {b.inefficiency:.3g}"
        else:
            err, how = float("nan"), "one block: no error yet"
        si = " (LJ units)" if system.reduced else f" = {mean * system.flux_to_si:.4g} W/m^2"
        out.print(
            f"heat flux per interface (A->B, mean of both baths): {mean:.5g} +- {err:.2g} {system.flux}{si} ({how})"
        )
        out.print(f"regime: {_regime(cfg, result).message}", soft_wrap=True)


def _regime(cfg: Any, result: Any) -> Any:
    """The thermostat-limited diagnostic of a finished run (kapitza.analysis.regime; the slabs and planes of md)."""
    return run_regime(cfg, Path(result.run_dir), result.units)


def run_regime(cfg: Any, run_dir: Path, units: str) -> Any:
    """:func:`kapitza.analysis.regime.thermostat_regime` of the run directory ``run_dir`` made with ``cfg``
    (``md run`` after a run, ``md analyze RUN_DIR`` on any finished one)."""
    from ..analysis.profiles import read_profile
    from ..analysis.regime import thermostat_regime
    from ..md.inputs import PROFILE_FILE

    profile = read_profile(run_dir / PROFILE_FILE, units=units)
    lo, hi = profile.box
    return thermostat_regime(
        profile.positions,
        profile.temperatures,
        set_points=(cfg.hot_temperature, cfg.cold_temperature),
        bath_regions=cfg.bath_regions(lo, hi),
        interfaces=cfg.interface_planes(lo, hi),
        box=(lo, hi) if cfg.geometry == "periodic" else None,
    )
