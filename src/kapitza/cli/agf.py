"""``kapitza agf``: phonon transmission and conductance of an atomistic interface (AGF)."""

from __future__ import annotations

import json
import time
import tomllib
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from ..errors import InputError
from ..units import M2K_PER_GW, MW_PER_M2K
from .app import app
from .common import check_output, parse_temperatures

#: Options that a --config TOML file may set (same names as the options, dashes or underscores).
CONFIG_KEYS = (
    "left",
    "right",
    "potential",
    "normal",
    "kpoints",
    "frequencies",
    "temperature",
    "eta",
    "cells",
    "pl_cells",
    "lateral",
    "mixing_layers",
    "seed",
    "workers",
    "address",
    "output",
    "plot",
    "ldos_plot",
    "check_broadening",
)
DEFAULTS: dict[str, Any] = {
    "potential": "sw",
    "normal": "001",
    "kpoints": 8,
    "frequencies": 200,
    "temperature": "50,100,200,300,500",
    "eta": 1e-6,
    "lateral": "1x1",
    "mixing_layers": 0,
    "check_broadening": True,
}


def _pair(value: Any, name: str) -> tuple[int, int] | None:
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        items = list(value)
    else:
        items = str(value).lower().replace("x", ",").split(",")
    try:
        nums = [int(str(v).strip()) for v in items]
    except ValueError:
        raise InputError(f"{name} must be N or N1xN2 (positive integers), got {value!r}") from None
    if len(nums) == 1:
        nums = nums * 2
    if len(nums) != 2 or min(nums) < 1:
        raise InputError(f"{name} must be N or N1xN2 (positive integers), got {value!r}")
    return nums[0], nums[1]


def _load_config(path: Path | None) -> dict[str, Any]:
    if path is None:
        return {}
    if not path.exists():
        raise InputError(f"config file {str(path)!r} does not exist")
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"config file {str(path)!r} is not valid TOML: {exc}") from None
    doc = raw.get("agf", raw)
    out = {}
    for key, value in doc.items():
        k = str(key).replace("-", "_")
        if k not in CONFIG_KEYS:
            raise InputError(f"unknown key {key!r} in {str(path)!r}; allowed: {', '.join(CONFIG_KEYS)}")
        out[k] = value
    return out


def render_table(result: Any) -> Table:
    s = result.settings
    table = Table(title=f"{s['left']} \u2192 {s['right']} [{s['normal']}], AGF ({s['potential']})")
    table.add_column("T (K)", justify="right")
    table.add_column("G two-probe (MW m\u207b\u00b2 K\u207b\u00b9)", justify="right")
    table.add_column("G intrinsic (MW m\u207b\u00b2 K\u207b\u00b9)", justify="right")
    table.add_column("R intrinsic (m\u00b2 K GW\u207b\u00b9)", justify="right")
    table.add_column(f"G ballistic {s['left']}", justify="right")
    table.add_column(f"G ballistic {s['right']}", justify="right")
    intrinsic = result.intrinsic
    for i, t in enumerate(result.temperature):
        gi = intrinsic[i]
        table.add_row(
            f"{t:g}",
            f"{result.conductance[i] / MW_PER_M2K:.4g}",
            f"{gi / MW_PER_M2K:.4g}" if np.isfinite(gi) else "inf",
            f"{M2K_PER_GW**-1 / gi:.4g}" if np.isfinite(gi) and gi > 0 else "0",
            f"{result.ballistic[0][i] / MW_PER_M2K:.4g}",
            f"{result.ballistic[1][i] / MW_PER_M2K:.4g}",
        )
    table.caption = (
        "two-probe: Landauer/Caroli G of lead|interface|lead; intrinsic: minus the leads' ballistic resistance "
        "(Simons' correction)"
    )
    return table


@app.command("agf")
def agf_command(
    left: Annotated[str | None, typer.Argument(help="Left (incident) crystal, a chemical symbol, e.g. Si.")] = None,
    right: Annotated[str | None, typer.Argument(help="Right crystal, e.g. Ge.")] = None,
    potential: Annotated[
        str | None,
        typer.Option(help="Interatomic potential: sw (Si/Ge: mass-mismatch model), tersoff, tersoff-lammps, emt."),
    ] = None,
    normal: Annotated[str | None, typer.Option(help="Interface normal: 001, 110 or 111.")] = None,
    kpoints: Annotated[str | None, typer.Option(help="Transverse k grid: N or N1xN2 (Monkhorst-Pack).")] = None,
    frequencies: Annotated[int | None, typer.Option(help="Frequencies up to the smaller lead's band top.")] = None,
    temperature: Annotated[
        str | None, typer.Option("--temperature", "-t", help="K: '300', '50,300' or START:STOP:COUNT.")
    ] = None,
    eta: Annotated[float | None, typer.Option(help="Relative broadening eta in z = omega^2 (1 + i eta).")] = None,
    cells: Annotated[str | None, typer.Option(help="Cells of each crystal along the normal, NLxNR.")] = None,
    pl_cells: Annotated[str | None, typer.Option(help="Cells per lead principal layer (default: force range).")] = None,
    lateral: Annotated[str | None, typer.Option(help="Lateral repetitions of the cell, N1xN2.")] = None,
    mixing_layers: Annotated[int | None, typer.Option(help="Intermixed atomic planes on each side.")] = None,
    seed: Annotated[int | None, typer.Option(help="Seed of the intermixing (recorded in the output).")] = None,
    workers: Annotated[int | None, typer.Option(help="Run on a local dask cluster of this many processes.")] = None,
    address: Annotated[str | None, typer.Option(help="Run on the dask scheduler at this address.")] = None,
    output: Annotated[
        Path | None, typer.Option(help="Results file (.npz, with a .json of inputs beside it). Default agf-L-R-N.npz")
    ] = None,
    no_save: Annotated[bool, typer.Option("--no-save", help="Do not write the results files.")] = False,
    plot: Annotated[Path | None, typer.Option(help="Draw the transmission and G(T) to this .png/.pdf/.svg.")] = None,
    ldos_plot: Annotated[Path | None, typer.Option(help="Draw the local DOS of the interface planes.")] = None,
    no_check: Annotated[bool, typer.Option("--no-check", help="Skip the broadening check (solve at eta/2).")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the results as JSON (SI).")] = False,
    config: Annotated[Path | None, typer.Option(help="TOML file with any of these options (CLI wins).")] = None,
) -> None:
    """Phonon transmission and conductance of LEFT/RIGHT with the atomistic Green's function method."""
    from ..transmission.agf.run import run_agf

    cfg = {**DEFAULTS, **_load_config(config)}
    given = {
        "left": left,
        "right": right,
        "potential": potential,
        "normal": normal,
        "kpoints": kpoints,
        "frequencies": frequencies,
        "temperature": temperature,
        "eta": eta,
        "cells": cells,
        "pl_cells": pl_cells,
        "lateral": lateral,
        "mixing_layers": mixing_layers,
        "seed": seed,
        "workers": workers,
        "address": address,
        "output": output,
        "plot": plot,
        "ldos_plot": ldos_plot,
    }
    opts = {**cfg, **{k: v for k, v in given.items() if v is not None}}
    if no_check:
        opts["check_broadening"] = False
    if not opts.get("left") or not opts.get("right"):
        raise InputError("give the two crystals, e.g. 'kapitza agf Si Ge', or set left and right in --config")
    l_sym, r_sym = str(opts["left"]), str(opts["right"])
    temps = (
        parse_temperatures(str(opts["temperature"]))
        if not isinstance(opts["temperature"], list)
        else (np.asarray(opts["temperature"], dtype=float))
    )
    out_path = None if no_save else Path(opts.get("output") or f"agf-{l_sym}-{r_sym}-{opts['normal']}.npz")
    if out_path is not None:
        check_output(out_path, (".npz",), "--output")
    for key, option in (("plot", "--plot"), ("ldos_plot", "--ldos-plot")):
        if opts.get(key) is not None:
            opts[key] = Path(opts[key])
            check_output(opts[key], (".png", ".pdf", ".svg"), option)
    err = Console(stderr=True)
    t0 = time.perf_counter()
    with Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=as_json or not err.is_terminal,
    ) as bar:
        task = bar.add_task("AGF (omega, k) chunks", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        result, model = run_agf(
            l_sym,
            r_sym,
            potential=str(opts["potential"]),
            normal=str(opts["normal"]),
            kpoints=_pair(opts["kpoints"], "--kpoints"),
            frequencies=int(opts["frequencies"]),
            temperature=temps,
            eta=float(opts["eta"]),
            cells=_pair(opts.get("cells"), "--cells"),
            pl_cells=_pair(opts.get("pl_cells"), "--pl-cells"),
            lateral=_pair(opts["lateral"], "--lateral"),
            mixing_layers=int(opts["mixing_layers"]),
            seed=None if opts.get("seed") is None else int(opts["seed"]),
            check_broadening=bool(opts["check_broadening"]),
            workers=None if opts.get("workers") is None else int(opts["workers"]),
            address=opts.get("address"),
            progress=progress,
        )
    elapsed = time.perf_counter() - t0
    files = []
    if out_path is not None:
        files.extend(result.save(out_path))
    if opts.get("plot") is not None:
        from ..plotting.agf import plot_transmission

        plot_transmission(result, opts["plot"])
        files.append(opts["plot"])
    if opts.get("ldos_plot") is not None:
        from ..plotting.agf import plot_ldos
        from ..transmission.agf.ldos import local_dos

        top = float(result.transmission.omega[-1]) * 1.6
        w = (np.arange(300) + 0.5) / 300 * top
        ldos = local_dos(model, w, _pair(opts["kpoints"], "--kpoints"), eta=1e-2)
        plot_ldos(ldos, opts["ldos_plot"])
        files.append(opts["ldos_plot"])
    if as_json:
        doc = result.inputs()
        doc["results"] = {
            "temperature": result.temperature.tolist(),
            "conductance": result.conductance.tolist(),
            "intrinsic_conductance": [float(x) if np.isfinite(x) else None for x in result.intrinsic],
            "ballistic_conductance": result.ballistic.tolist(),
            "seconds": elapsed,
        }
        typer.echo(json.dumps(doc, indent=2))
        return
    console = Console()
    for note in result.notes:
        console.print(f"[yellow]note:[/yellow] {note}")
    console.print(render_table(result))
    b = result.broadening
    if b is not None:
        console.print(
            f"broadening check: G({b.temperature:g} K) = {b.conductance[0] / MW_PER_M2K:.5g} at eta = {b.eta:g}, "
            f"{b.conductance[1] / MW_PER_M2K:.5g} at eta/2 (relative change {b.relative_change:.1e})"
        )
    md = result.model_metadata
    t = result.transmission
    console.print(
        f"{t.omega.size} frequencies x {t.kpoints.shape[0]} k-points (time-reversal pairs merged; "
        f"{int(t.kweights.sum())} in the grid); device: {md.get('slices')} slices, principal layer "
        f"{md.get('principal_layer_cells')} cells; {elapsed:.1f} s"
    )
    for f in files:
        err.print(f"written: {f}")
