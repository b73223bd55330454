"""``kapitza md campaign series.toml``: run a series of NEMD runs on dask, skip finished ones, gather one table."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import numpy as np
import typer
from rich.console import Console

from ..errors import InputError, KapitzaError
from ..md.campaign import DEFAULT_MAX_MEMORY_GB
from .common import DEFAULT_CONNECT_TIMEOUT, ConnectTimeoutOption


def md_campaign_command(
    campaign: Annotated[
        Path, typer.Argument(help="Campaign TOML: a base table (the NEMD config) and a series table of lists.")
    ],
    address: Annotated[
        str | None, typer.Option("--address", "--scheduler", help="A running dask scheduler, e.g. tcp://host:8786.")
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            help="Workers of the local dask cluster (default: the TOML's).  Each is a process that runs one member's "
            "LAMMPS at a time: ~0.2 GB plus ~1.5 kB per atom of the largest member, counted in --max-memory-gb.",
        ),
    ] = None,
    max_memory_gb: Annotated[
        float,
        typer.Option(
            help="Refuse the campaign, before any member starts, when its memory estimate exceeds this many GB in "
            "total: this process and every local worker running the largest member (with --address, this "
            "process only: the workers are other machines').",
        ),
    ] = DEFAULT_MAX_MEMORY_GB,
    connect_timeout: ConnectTimeoutOption = DEFAULT_CONNECT_TIMEOUT,
    gather_only: Annotated[
        bool, typer.Option("--gather-only", help="Run nothing: analyse the complete members into the table.")
    ] = False,
    replicas: Annotated[
        int | None,
        typer.Option(
            "--replicas",
            help="Run N independent replicas of every member (own seeds, one dask task each; default: the TOML's "
            "[campaign] replicas, 1); the table pools each member's replicas: G with the error from their spread.",
        ),
    ] = None,
) -> None:
    """Run every member of a campaign (finished ones are skipped) and gather G, Delta T, J into one table."""
    from ..analysis.md.jump import conductance_mw
    from ..analysis.md.table import gather_runs
    from ..md.campaign import MemberOutcome, campaign_entries, check_memory, load_campaign, run_campaign

    if address is not None and not address.strip():
        raise InputError("--address must name a scheduler, e.g. tcp://host:8786")
    if workers is not None and workers < 1:
        raise InputError(f"--workers must be >= 1, got {workers}")
    spec = load_campaign(campaign).with_replicas(replicas)
    err = Console(stderr=True)
    outcomes: tuple[MemberOutcome, ...] = ()
    if not gather_only:
        need = check_memory(spec, workers, max_memory_gb, address=address is not None)  # before anything starts
        each = f" x {spec.replicas} replicas" if spec.replicas > 1 else ""
        err.print(
            f"campaign {spec.source}: {len(spec.members)} members{each} in {spec.folder} (memory estimate "
            f"{need.total / 1e9:.2g} GB in all)"
        )

        def report(o: MemberOutcome) -> None:
            err.print(f"  {o.name}: {o.status}" + (f" ({o.error})" if o.error else ""))

        outcomes = run_campaign(
            spec,
            address=address,
            workers=workers,
            report=report,
            connect_timeout=connect_timeout,
            max_memory_gb=max_memory_gb,
        )
    elif not spec.folder.is_dir():
        raise InputError(f"--gather-only: the campaign folder {str(spec.folder)!r} does not exist yet")
    table = gather_runs(campaign_entries(spec, outcomes), spec.series, spec.folder, spec.source)
    out = Console()
    units = table.summary.units if table.summary is not None else "lj"
    mw = "" if units == "lj" else " MW m\u207b\u00b2 K\u207b\u00b9"
    for row in table.rows:
        values = ", ".join(f"{k}={row[k]}" for k in spec.series)
        g, g_err = (
            (row["G"], row["G_err"])
            if units == "lj"
            else (conductance_mw(row["G"], units), conductance_mw(row["G_err"], units))
        )
        text = f"G = {g:.4g} \u00b1 {g_err:.2g}{mw}" if np.isfinite(g) else "G \u2014"
        out.print(f"{row['member']}: {values}: {text}; \u0394T = {row['delta_T']:.4g}; {row['status']}")
    if table.summary is not None:
        from .md import response_lines

        for line in response_lines(table.summary):
            out.print(line)
    if table.thickness is not None:
        t = table.thickness
        kappa = (
            f"kappa = {t.kappa:.4g} \u00b1 {t.kappa_err:.2g}"
            if t.kappa_status == "determined"
            else t.kappa_note.split(";")[0]
        )
        out.print(
            f"thickness series (bath-to-bath resistance vs length): R_K = {t.R_K:.4g} \u00b1 {t.R_K_err:.2g}, "
            f"{kappa} (\u03c7\u00b2/dof {t.chi2_per_dof:.3g})"
        )
        g_k, g_k_err = (
            (t.G_K, t.G_K_err) if units == "lj" else (conductance_mw(t.G_K, units), conductance_mw(t.G_K_err, units))
        )
        out.print(
            f"G extrapolated to infinite length (R_total(L) = R_K + L/kappa, G = 1/R_K): {g_k:.4g} \u00b1 {g_k_err:.2g}"
            f"{mw}: the number to quote (one short cell's G carries its finite-size effects)"
        )
    out.print(f"units: {units}{' (LJ reduced)' if units == 'lj' else ''}; table: {table.csv_path}, {table.json_path}")
    failed = [o for o in outcomes if o.status == "failed"]
    if failed:
        first = failed[0]
        what = "replicas" if spec.replicas > 1 else "members"
        raise KapitzaError(f"{len(failed)} of {len(outcomes)} {what} failed (first: {first.name}: {first.error})")
