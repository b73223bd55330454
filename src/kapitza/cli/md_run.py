"""``kapitza md run config.toml [--np N] [--replicas N]``: run or resume one NEMD run directory (LAMMPS in-process
or mpirun), or N independent replicas of it (one after another, or on dask)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from ..errors import InputError
from ..md.replicas import DEFAULT_MAX_MEMORY_GB
from .common import (
    DEFAULT_CONNECT_TIMEOUT,
    ConnectTimeoutOption,
    ReplicasOption,
    RunDirOption,
    SchedulerOption,
    WorkersOption,
    check_replica_options,
    load_planned_config,
    run_replicas_shown,
)


def _load(path: Path, option: Path | None, suffix: str = ".run") -> tuple[Any, Path, Any]:
    """The validated NemdConfig in ``path``, its run directory and its plan (:func:`kapitza.md.plan.plan_nemd`: its
    notes, what md analyze will not estimate from it; see :func:`~kapitza.cli.common.load_planned_config`)."""
    from ..md.nemd import NemdConfig
    from ..md.plan import plan_nemd

    return load_planned_config(path, option, NemdConfig, plan_nemd, suffix)


def md_run_command(
    config: Annotated[Path, typer.Argument(help="TOML file of NEMD settings (see kapitza.md.nemd.NemdConfig)")],
    run_dir: RunDirOption = None,
    progress: Annotated[bool, typer.Option("--progress/--no-progress", help="progress bar on stderr")] = True,
    np_: Annotated[
        int, typer.Option("--np", help="MPI processes: 1 runs LAMMPS in-process, N > 1 as mpirun -np N lmp")
    ] = 1,
    lmp: Annotated[
        Path | None, typer.Option("--lmp", help="LAMMPS executable for --np > 1 (default: lmp next to python)")
    ] = None,
    replicas: ReplicasOption = None,
    scheduler: SchedulerOption = None,
    workers: WorkersOption = None,
    connect_timeout: ConnectTimeoutOption = DEFAULT_CONNECT_TIMEOUT,
    max_memory_gb: Annotated[
        float,
        typer.Option(
            help="With --replicas --workers N: refuse, before any replica starts, when this process and the N local "
            "workers would need more memory than this (GB)."
        ),
    ] = DEFAULT_MAX_MEMORY_GB,
) -> None:
    """Run or resume (rerun the same command) a bicrystal NEMD in LAMMPS: LJ, argon-like, Si/Ge SW or Tersoff, or
    your structure with structure= and pair=.

    With structure=, temperature= (K) and timestep= (ps) are required (no structure file says them);
    delta_temperature defaults to 2/15 of the temperature, damp and bath_width to the Si|Ge protocol study's
    0.1 ps and 10 A (the regime line printed at the end says whether the baths hold their set points).  Before
    LAMMPS starts, the layout is checked against what 'md analyze' needs (every profile bin holds atoms, each
    segment between a bath and an interface enough bins for its fit): a run it could not analyse is refused.

    With --replicas N: N runs of the config that differ only in their seeds (replica 1 keeps the config's seed),
    each in its own run directory under one folder, one after another or side by side on dask (--scheduler ADDRESS,
    --workers N); ``kapitza md analyze FOLDER`` pools them (G from their mean flux and mean jump, its error from
    their spread).
    """
    if np_ < 1:
        raise InputError(f"--np must be a positive integer, got {np_}")
    check_replica_options(replicas, scheduler, workers)
    cfg, folder, plan = _load(config, run_dir, ".run" if replicas is None else ".replicas")
    from ..md.run import check_not_replicas, run_nemd

    for note in plan.notes:
        sys.stderr.write(f"kapitza: warning: {note}\n")
    if replicas is not None:
        run_replicas_shown(
            cfg, Path(folder), replicas, progress=progress, address=scheduler, workers=workers,
            connect_timeout=connect_timeout, processes=np_, lmp=lmp, max_memory_gb=max_memory_gb,
        )  # fmt: skip
        Console().print(f"replicas in {Path(folder).resolve()}; pool them: kapitza md analyze {folder}", soft_wrap=True)
        return
    check_not_replicas(folder)  # before a word is printed: one line
    Console(stderr=True).print(f"writing the run into {Path(folder).resolve()}", soft_wrap=True, highlight=False)

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

            result = run_nemd(plan, folder, progress=update, processes=np_, lmp=lmp)
    else:
        result = run_nemd(plan, folder, processes=np_, lmp=lmp)
    out = Console()
    out.print(f"run directory: {result.run_dir}")
    if result.resumed_from_unit:
        out.print(f"resumed after unit {result.resumed_from_unit} (equilibration, transient, blocks)")
    if result.steps_per_second == result.steps_per_second:  # NaN when no unit ran
        out.print(f"speed: {result.steps_per_second:.0f} steps/s")
    out.print(f"blocks: {result.n_blocks} of {result.block_steps} steps (profile.chunk, baths.txt)")
    if result.n_blocks:
        from ..analysis.md.regime import run_regime
        from ..analysis.md.response import run_flux
        from ..analysis.md.units import unit_system

        flux = run_flux(result.run_dir)  # the one flux computation, as md analyze
        system = unit_system(flux.units)
        how = flux.method if flux.n_blocks < 2 else f"error of the mean of {flux.method}"
        si = " (LJ units)" if system.reduced else f" = {flux.flux_si:.4g} W/m^2"
        err = f" +- {flux.flux_err:.2g}" if flux.flux_err == flux.flux_err else ""  # one block: no error (how says)
        out.print(f"heat flux per interface (A->B, mean of both baths): {flux.flux:.5g}{err} {system.flux}{si} ({how})")
        out.print(f"regime: {run_regime(result.run_dir).message}", soft_wrap=True)
