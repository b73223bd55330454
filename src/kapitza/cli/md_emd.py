"""``kapitza md emd config.toml``: run (or resume) an EMD job and print G from equilibrium fluctuations."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer
from rich.console import Console

from ..errors import InputError, KapitzaError
from ..io.results import dumps
from ..md.replicas import DEFAULT_MAX_MEMORY_GB
from .common import (
    DEFAULT_CONNECT_TIMEOUT,
    ConnectTimeoutOption,
    ReplicasOption,
    RunDirOption,
    SchedulerOption,
    WorkersOption,
    check_output,
    check_replica_options,
    load_planned_config,
    replica_failures,
    run_replicas_shown,
)


def _load(path: Path, option: Path | None, suffix: str = ".run") -> tuple[Any, Path, Any]:
    """The validated EmdConfig in ``path``, its run directory and the plan of its system
    (:func:`kapitza.md.emd.plan_emd`; see :func:`~kapitza.cli.common.load_planned_config`)."""
    from ..md.emd import EmdConfig, plan_emd

    return load_planned_config(path, option, EmdConfig, plan_emd, suffix)


def md_emd_command(
    config: Annotated[Path, typer.Argument(help="TOML file: NEMD system settings plus an emd table")],
    run_dir: RunDirOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    plot: Annotated[
        Path | None, typer.Option(help="Write the running integral and its fit (.png, .pdf, .svg).")
    ] = None,
    progress: Annotated[bool, typer.Option("--progress/--no-progress", help="progress on stderr")] = True,
    replicas: ReplicasOption = None,
    scheduler: SchedulerOption = None,
    workers: WorkersOption = None,
    connect_timeout: ConnectTimeoutOption = DEFAULT_CONNECT_TIMEOUT,
    max_memory_gb: Annotated[
        float,
        typer.Option(help="With --replicas --workers N: refuse when this process and the workers need more (GB)."),
    ] = DEFAULT_MAX_MEMORY_GB,
) -> None:
    """Interfacial conductance from equilibrium fluctuations (Domingues et al. 2005; Rajabpour & Volz 2010).

    With structure= (your interface), temperature= (K) and timestep= (ps) are required: no structure file says
    them, and the built-in families' values are no default for another material.  With --replicas N: N independent
    EMD jobs (own equilibration and seeds), pooled: the mean of their G, its error from their spread."""
    check_replica_options(replicas, scheduler, workers)
    if plot is not None and replicas is not None:
        raise InputError("--plot draws one EMD job's running integral; leave it out with --replicas")
    if plot is not None:
        check_output(plot, (".png", ".pdf", ".svg"), "--plot")
    if replicas is not None:
        cfg, folder, _ = _load(config, run_dir, ".replicas")
        outcomes = run_replicas_shown(
            cfg, Path(folder), replicas, progress=progress, fail=False, address=scheduler, workers=workers,
            connect_timeout=connect_timeout, max_memory_gb=max_memory_gb,
        )  # fmt: skip
        _replicas(cfg, Path(folder), replicas, as_json)
        replica_failures(outcomes)
        return
    cfg, folder, plan = _load(config, run_dir)
    from ..analysis.md.emd import emd_conductance
    from ..md.emd import run_emd

    def report(stage: str, done: int, total: int) -> None:
        sys.stderr.write(f"kapitza: {stage} ({done}/{total} runs done)\n")

    run = run_emd(cfg, folder, progress=report if progress else None, plan=plan)
    g = emd_conductance(run.energy_a, run.sample_interval, run.area, run.temperature, units=run.units)
    for w in g.warnings:
        sys.stderr.write(f"kapitza: warning: {w}\n")
    if plot is not None:
        from ..plotting.md import emd_figure

        emd_figure(g, plot)
    if as_json:
        doc = {
            "G": float(g.G),
            "G_err": float(g.G_err),
            "G_si": float(g.G_si),
            "G_si_err": float(g.G_si_err),
            "tau": float(g.tau),
            "tau_err": float(g.tau_err),
            "window": [float(w) for w in g.window],
            "window_auto": g.window_auto,
            "G_runs": [float(x) for x in g.G_runs],
            "G_pooled": float(g.G_pooled),
            "plateau_max": float(g.plateau_max),
            "temperature_runs": [float(x) for x in g.temperature_runs],
            "area": float(g.area),
            "energy_drift": [float(x) for x in run.energy_drift],
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


def _replicas(cfg: Any, folder: Path, n: int, as_json: bool) -> None:
    """The pooled G of the complete EMD replicas (mean of their G, error from their spread x Student's t), each
    replica's G beside it; fewer than two complete: their G alone."""
    from ..analysis.md.emd import emd_conductance
    from ..analysis.md.replicas import pool_estimates
    from ..md.emd import read_emd_run
    from ..md.replicas import plan_replicas, replica_complete

    rows = []
    for r in plan_replicas(cfg, folder, n):
        if not replica_complete(r.config, r.run_dir):
            rows.append({"name": r.name, "seed": r.seed, "emd_seed": r.emd_seed, "status": "not complete"})
            continue
        run = read_emd_run(r.config, r.run_dir)
        try:
            g = emd_conductance(run.energy_a, run.sample_interval, run.area, run.temperature, units=run.units)
        except KapitzaError as exc:  # this replica's data: left out of the pool, said why
            rows.append({"name": r.name, "seed": r.seed, "emd_seed": r.emd_seed, "status": f"analysis refused: {exc}"})
            continue
        rows.append({"name": r.name, "seed": r.seed, "emd_seed": r.emd_seed, "status": "pooled", "result": g})
    done = [row["result"] for row in rows if "result" in row]
    pool = pool_estimates([g.G for g in done], [g.G_err for g in done]) if len(done) >= 2 else None
    unit = done[0].conductance_unit if done else ""
    to_si = done[0].G_si / done[0].G if done and done[0].G and np.isfinite(done[0].G_si) else float("nan")
    if as_json:
        doc = {
            "parent": str(folder),
            "units": done[0].units if done else None,
            "conductance_unit": unit,
            "pooled": None
            if pool is None
            else {
                "n": pool.n, "G": float(pool.mean), "G_err": float(pool.err), "G_si": float(pool.mean * to_si),
                "G_si_err": float(pool.err * to_si), "G_next_err": float(pool.next_err),
                "G_si_next_err": float(pool.next_err * to_si),
                "next_run": f"G +- G_next_err holds one further run of this configuration: {pool.next_run}",
                "t_factor": float(pool.t_factor),
                "spread_ratio": float(pool.spread_ratio),
                "spread_pvalue": float(pool.spread_pvalue), "single_run_errors_understate_spread": pool.understated,
                "estimator": "mean of the replicas' G; error from their spread x the Student-t factor of N - 1",
            },
            "replicas": [
                {k: v for k, v in row.items() if k != "result"}
                | ({"G": float(row["result"].G), "G_err": float(row["result"].G_err)} if "result" in row else {})
                for row in rows
            ],
        }  # fmt: skip
        sys.stdout.write(dumps(doc) + "\n")
        return
    out = Console()
    if pool is not None:
        out.print(f"G = {pool.mean:.4g} \u00b1 {pool.err:.2g} {unit} ({pool.n} replicas pooled: mean of their G, error "
                  f"from their spread x t factor {pool.t_factor:.3g})")  # fmt: skip
        if np.isfinite(to_si):
            out.print(f"G = {pool.mean * to_si / 1e6:.4g} \u00b1 {pool.err * to_si / 1e6:.2g} MW m\u207b\u00b2 "
                      "K\u207b\u00b9 (SI)")  # fmt: skip
        nxt = (
            f"{pool.mean * to_si / 1e6:.4g} \u00b1 {pool.next_err * to_si / 1e6:.2g} MW m\u207b\u00b2 K\u207b\u00b9"
            if np.isfinite(to_si)
            else f"{pool.mean:.4g} \u00b1 {pool.next_err:.2g} {unit}"
        )
        out.print(f"one further run of this configuration: G = {nxt} ({pool.next_run})")
        if pool.understated:
            out.print(f"warning: the single-run errors understate the spread between replicas by a factor "
                      f"{pool.spread_ratio:.2g} (p = {pool.spread_pvalue:.2g}): quote the replica error")  # fmt: skip
    else:
        out.print(
            f"warning: {len(done)} of {n} replicas could be analysed: no pool (see each below; rerun the same "
            "command to resume)"
        )
    for row in rows:
        g = row.get("result")
        text = f"G = {g.G:.4g} \u00b1 {g.G_err:.2g}" if g is not None else row["status"]
        out.print(f"  {row['name']} (seed {row['seed']}, emd seed {row['emd_seed']}): {text}")
