"""``kapitza agf``: phonon transmission and conductance of an atomistic interface (AGF)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from ..errors import InputError
from ..io.results import dumps
from ..transmission.agf.config import AGF_DEFAULTS, read_config
from ..transmission.agf.inputs import (
    ETA_MAX,
    ETA_UNCHECKED_MAX,
    MIN_FREQUENCIES,
    cli_name,
    validate_inputs,
)
from ..units import M2K_PER_GW, MW_PER_M2K
from .common import DEFAULT_CONNECT_TIMEOUT, ConnectTimeoutOption, check_output, parse_temperatures
from .report import EXPLAIN_HELP, Report

#: The library's defaults as --help shows them.
_SHOW_KPOINTS = str(AGF_DEFAULTS.kpoints)
_SHOW_TEMPERATURES = ",".join(f"{t:g}" for t in AGF_DEFAULTS.temperature)
_SHOW_LATERAL = "x".join(str(n) for n in AGF_DEFAULTS.lateral)


def _title(s: Any) -> str:
    """The table's title: the built-in crystals, or the user's structure file and force field."""
    stats = ", classical statistics" if s.get("statistics") == "classical" else ""
    calc = s.get("calculator")
    if "structure" not in s:
        source = f"{calc['name']} {calc['version']}".strip() if calc else s["potential"]
        polar = s.get("polarity") or {}
        turned = f", polarity {polar['built']}" if polar.get("polar") else ""
        return f"{s['left']} \u2192 {s['right']} [{s['normal']}]{turned}, AGF ({source}){stats}"
    if calc:
        source = f"{calc['name']} {calc['version']}".strip()
    else:
        source = "pair lines" if "pair" in s else "force constants from a file"
    return f"A \u2192 B of {s['structure'].get('file', 'the structure')}, AGF ({source}){stats}"


def _describe(opts: Any) -> str:
    """The run in a few words, for the progress lines."""
    if opts.get("structure") is None:
        source = opts.get("calculator") or opts["potential"]
        return f"AGF {opts['left']}/{opts['right']} [{opts['normal']}], {source}"
    given = opts.get("pair") or opts.get("force_constants")
    return f"AGF {Path(opts['structure']).name} with {Path(given).name if given else opts['calculator']}"


def render_table(result: Any) -> Table:
    s = result.settings
    left, right = s.get("left", "A"), s.get("right", "B")
    table = Table(title=_title(s))
    table.add_column("T (K)", justify="right")
    table.add_column("G two-probe (MW m\u207b\u00b2 K\u207b\u00b9)", justify="right")
    table.add_column("G intrinsic (MW m\u207b\u00b2 K\u207b\u00b9)", justify="right")
    table.add_column("R intrinsic (m\u00b2 K GW\u207b\u00b9)", justify="right")
    table.add_column(f"G ballistic {left} (MW m\u207b\u00b2 K\u207b\u00b9)", justify="right")
    table.add_column(f"G ballistic {right} (MW m\u207b\u00b2 K\u207b\u00b9)", justify="right")
    intrinsic, resistance = result.intrinsic, result.resistance
    for i, t in enumerate(result.temperature):
        gi, ri = intrinsic[i], resistance[i]
        table.add_row(
            f"{t:g}",
            f"{result.conductance[i] / MW_PER_M2K:.4g}",
            f"{gi / MW_PER_M2K:.4g}" if np.isfinite(gi) else "inf",
            f"{ri / M2K_PER_GW:.4g}" if np.isfinite(ri) else "inf",
            f"{result.ballistic[0][i] / MW_PER_M2K:.4g}",
            f"{result.ballistic[1][i] / MW_PER_M2K:.4g}",
        )
    return table


#: What the table's two conductances are (for --explain).
COLUMNS_IN_WORDS = (
    "two-probe: Landauer/Caroli G of lead|interface|lead; intrinsic: minus the leads' ballistic resistance "
    "(Simons' correction)"
)

#: Words of a run's notes that change what its G is worth (printed as warnings; every other note is a detail).
WARNING_WORDS = ("not converged", "is not used", "dynamically unstable")


def text_report(result: Any, elapsed: float, explain: bool) -> Report:
    """The text of ``kapitza agf``: the table and its frequency-grid error first, the notes that change what G is
    worth (not converged, an option not used) as warnings, the rest (the run's notes, the columns in words, the
    lead DMM, the broadening check, the grid) for --explain."""
    report = Report(explain=explain)
    report.answer(render_table(result))
    report.answer(grid_error_line(result))
    for note in result.notes:
        if note.startswith("polarity "):  # a polar pair: which of its two interfaces this G is, and the other
            report.answer(note)
        elif any(words in note.lower() for words in WARNING_WORDS):
            report.warn(note)
        else:
            report.detail(f"note: {note}", "notes")
    report.detail(COLUMNS_IN_WORDS, "the columns in words")
    dmm = result.lead_dmm()
    report.detail(
        "full-dispersion DMM of the same leads (their channel counts): G = "
        + ", ".join(f"{g / MW_PER_M2K:.4g}" for g in dmm.conductance)
        + " MW m\u207b\u00b2 K\u207b\u00b9 at T = "
        + ", ".join(f"{t:g}" for t in dmm.temperature)
        + " K",
        "the leads' DMM",
    )
    b = result.broadening
    if b is not None:
        report.detail(
            f"broadening check on {len(b.kpoints)} of the {b.of_kpoints} k-points: G({b.temperature:g} K) = "
            f"{b.conductance[0] / MW_PER_M2K:.5g} at eta = {b.eta:g}, {b.conductance[1] / MW_PER_M2K:.5g} at "
            f"eta/2 (relative change {b.relative_change:.1e})",
            "broadening check",
        )
    line = device_line(result)
    if line:
        report.detail(line, "where it ran")  # names from files: printed without markup
    md = result.model_metadata
    t = result.transmission
    report.detail(
        f"{t.omega.size} frequencies x {t.kpoints.shape[0]} k-points (time-reversal pairs merged; "
        f"{int(t.kweights.sum())} in the grid); device: {md.get('slices')} slices, principal layer "
        f"{md.get('principal_layer_cells')} cells; {elapsed:.1f} s",
        "grid and device",
    )
    return report


def grid_error_line(result: Any) -> str:
    """The frequency-grid error of the two-probe G at each temperature, in % of G: the estimate and the bound."""
    g = result.conductance

    def shown(err: Any) -> str:
        return ", ".join(f"{100 * e / v:.2g} %" if v > 0 else "0" for e, v in zip(err, g))

    return (
        f"frequency-grid error of G two-probe: estimated {shown(result.frequency_grid_error_estimate)} "
        f"(1-sigma: covered the true error in 2 cases in 3 where it was fitted, 4 in 5 on held-out interfaces); bound "
        f"{shown(result.frequency_grid_error_bound)} at T = " + ", ".join(f"{t:g}" for t in result.temperature) + " K"
    )


def device_line(result: Any) -> str:
    """Where the sweeps ran and the memory statement, in one line ("" for a result without the record)."""
    d = result.device
    if not d:
        return ""
    if d.get("dask"):
        where = f"dask workers on {d.get('device')}: " + "; ".join(d.get("workers", ()))
    else:
        where = f"{d.get('device')}: {d.get('name')} ({d.get('library')})"
    batch = f", {d['batch']} frequencies of one k point per call" if d.get("batch") else ""
    resumed = ""
    if d.get("resumed"):
        resumed = f"; resumed {d['resumed']} chunks computed on {', '.join(d.get('resumed_from', ())) or 'unknown'}"
    return f"ran on {where}{batch} (--device {d.get('requested')}); memory {d.get('memory')}{resumed}"


def agf_command(
    left: Annotated[
        str | None,
        typer.Argument(
            help="Left (incident) crystal: a chemical symbol, e.g. Si; with --calculator any crystal "
            "(file, NAME:STRUCTURE:a=.., name)."
        ),
    ] = None,
    right: Annotated[str | None, typer.Argument(help="Right crystal, e.g. Ge (the same kinds as LEFT).")] = None,
    structure: Annotated[
        Path | None,
        typer.Option(help="Your interface: a structure file ASE reads (extxyz, POSCAR, CIF, ...); A at low z."),
    ] = None,
    pair: Annotated[
        Path | None, typer.Option(help="With --structure: a file of LAMMPS pair_style/pair_coeff/mass lines.")
    ] = None,
    force_constants: Annotated[
        Path | None,
        typer.Option(help="With --structure: phonopy FORCE_CONSTANTS or fc2.hdf5 of the structure's supercell."),
    ] = None,
    left_lead: Annotated[
        Path | None,
        typer.Option(
            help="With --force-constants: the left bulk crystal's phonopy.yaml (force constants inside or beside "
            "it); its force constants replace the left lead's.",
            show_default="the structure's own end cells",
        ),
    ] = None,
    right_lead: Annotated[
        Path | None,
        typer.Option(help="The same for the right lead.", show_default="the structure's own end cells"),
    ] = None,
    sides: Annotated[
        str | None,
        typer.Option(
            help="Sides of --structure: tags (1 = A, 2 = B), species:Ga,N/Si,C, plane:Z (A below Z, in A) or "
            "column:NAME.",
            show_default=AGF_DEFAULTS.sides,
        ),
    ] = None,
    supercell: Annotated[
        str | None, typer.Option(help="Lateral supercell of --force-constants, N1xN2.", show_default="from the file")
    ] = None,
    potential: Annotated[
        str | None,
        typer.Option(
            help="Interatomic potential: sw (Si/Ge: mass-mismatch model), tersoff, tersoff-lammps, emt, "
            "lj (argon Lennard-Jones cut at 2.5 sigma, as the LJ NEMD runs).",
            show_default=AGF_DEFAULTS.potential,
        ),
    ] = None,
    calculator: Annotated[
        str | None,
        typer.Option(
            help="Forces from a universal potential (chgnet, chgnet-r2scan, sevennet, sevennet-l3i5; the \\[mlip] "
            "extra) or module:factory (any ASE calculator: it runs your code, as python -c would; a --config file "
            "may name only the built-in ones), instead of --potential.  LEFT and RIGHT are then any "
            "crystals (structure files, NAME:STRUCTURE:a=.., database or ASE names), relaxed with it and stacked in "
            "the smallest common lateral cell within --max-strain; with --structure the file's atoms.",
        ),
    ] = None,
    force_range: Annotated[
        float | None,
        typer.Option(
            help="With --calculator: range of the force constants in A (truncated beyond it).", show_default="5"
        ),  # fmt: skip
    ] = None,
    max_strain: Annotated[
        float | None,
        typer.Option(
            help="With --calculator and two crystals: largest in-plane strain of the common cell.",
            show_default=f"{AGF_DEFAULTS.max_strain:g}",
        ),  # fmt: skip
    ] = None,
    interface_fc: Annotated[
        str | None,
        typer.Option(
            help="With --calculator and two crystals: local (displace the rows within --interface-reach of the "
            "interface, take the others from each side's bulk crystal as the interface strains it) or all (displace "
            "every row).",
            show_default="the one whose stated cost is lower (a note says which)",
        ),
    ] = None,
    interface_reach: Annotated[
        float | None,
        typer.Option(
            help="With --interface-fc local: rows within this many A of the other crystal are displaced (at least "
            "the force range).",
            show_default="the force range plus the potential's receptive field",
        ),
    ] = None,
    normal: Annotated[
        str | None, typer.Option(help="Interface normal: 001, 110 or 111.", show_default=AGF_DEFAULTS.normal)
    ] = None,
    polarity: Annotated[
        str | None,
        typer.Option(
            help="With --calculator and two crystals: + stacks them along --normal, - along its opposite (both "
            "crystals turned over).  Where a crystal is polar along the normal (wurtzite 001 = [0001], zincblende "
            "111) these are two different interfaces: the output names the one built and what faces the other's "
            "seam; - is refused for a pair that is not polar.",
            show_default=AGF_DEFAULTS.polarity,
        ),
    ] = None,
    kpoints: Annotated[
        str | None, typer.Option(help="Transverse k grid: N or N1xN2 (Monkhorst-Pack).", show_default=_SHOW_KPOINTS)
    ] = None,
    frequencies: Annotated[
        int | None,
        typer.Option(
            help=f"Frequencies up to the smaller lead's band top; fewer than {MIN_FREQUENCIES} are refused, fewer "
            "than 100 give a note that G is not converged.  With --frequency-tolerance: the most the adaptive "
            "grid may use.",
            show_default=str(AGF_DEFAULTS.frequencies),
        ),
    ] = None,
    frequency_tolerance: Annotated[
        float | None,
        typer.Option(
            help="Adaptive frequency grid: refine where the integrand needs it until the estimated frequency-grid "
            "error of G is below this fraction of G at every temperature (e.g. 1e-2), > 0 and < 1.  A 1-sigma "
            "statement (fitted to cover the true error in 2 cases in 3), not a guarantee: the bound, also "
            "reported, is one.  On held-out interfaces it is conservative: it covered 80 % of the points (0.68 to "
            "1.00 per family), so it is about 1.3x wider than a 1-sigma error there (docs/reference/calibration.md).",
            show_default="a uniform grid",
        ),
    ] = None,
    temperature: Annotated[
        str | None,
        typer.Option(
            "--temperature", "-t", help="K: '300', '50,300' or START:STOP:COUNT.", show_default=_SHOW_TEMPERATURES
        ),
    ] = None,
    eta: Annotated[
        float | None,
        typer.Option(
            help=f"Relative broadening eta in z = omega^2 (1 + i eta), > 0 and < {ETA_MAX:g} (a half-width "
            f"eta*omega/2: G falls linearly with it); above {ETA_UNCHECKED_MAX:g} only with the broadening check.",
            show_default=f"{AGF_DEFAULTS.eta:g}",
        ),
    ] = None,
    cells: Annotated[
        str | None,
        typer.Option(help="Cells of each crystal along the normal, NLxNR.", show_default="3 principal layers a side"),
    ] = None,
    pl_cells: Annotated[str | None, typer.Option(help="Cells per lead principal layer (default: force range).")] = None,
    lateral: Annotated[
        str | None, typer.Option(help="Lateral repetitions of the cell, N1xN2.", show_default=_SHOW_LATERAL)
    ] = None,
    mixing_layers: Annotated[
        int | None,
        typer.Option(help="Intermixed atomic planes on each side.", show_default=str(AGF_DEFAULTS.mixing_layers)),
    ] = None,
    seed: Annotated[int | None, typer.Option(help="Seed of the intermixing (recorded in the output).")] = None,
    masses_amu: Annotated[
        str | None,
        typer.Option(
            help="Atomic masses of the two crystals in amu, LEFT,RIGHT (e.g. 39.948,159.792 for Ar | 4x Ar).",
            show_default="the standard atomic weights",
        ),
    ] = None,
    statistics: Annotated[
        str | None,
        typer.Option(
            help="Occupation in G(T): bose-einstein, or classical (k_B per transmitted mode, to compare with MD).",
            show_default=AGF_DEFAULTS.statistics,
        ),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            help="Run on a local dask cluster of this many processes (>= 1): with --calculator its force calls "
            "(each worker loads the potential once; every structure's forces cached) and the sweeps."
        ),
    ] = None,
    address: Annotated[
        str | None,
        typer.Option(
            "--address",
            "--scheduler",
            help="Run on the dask scheduler at this address (refused if silent for --connect-timeout): with "
            "--calculator its force calls (each worker runs the potential where its KAPITZA_MLIP_DEVICE says) and "
            "the sweeps.",
        ),
    ] = None,
    connect_timeout: ConnectTimeoutOption = DEFAULT_CONNECT_TIMEOUT,
    output: Annotated[
        Path | None,
        typer.Option(
            help="Save the results here (.npz: arrays with the inputs as JSON inside; .json: everything).  Without "
            "it nothing is written.  While it runs, finished chunks are kept in .NAME.partial/ beside it, so that "
            "an interrupted run resumes; the folder is removed once the results are written."
        ),
    ] = None,
    plot: Annotated[Path | None, typer.Option(help="Draw the transmission and G(T) to this .png/.pdf/.svg.")] = None,
    ldos_plot: Annotated[Path | None, typer.Option(help="Draw the local DOS of the interface planes.")] = None,
    allow_unstable_leads: Annotated[
        bool,
        typer.Option(
            "--allow-unstable-leads",
            help="Compute G even where a lead has imaginary bulk frequencies (its force constants are not a stable "
            "crystal's: refused by default, naming the frequency); the warning stays among the notes.",
        ),
    ] = False,
    no_check: Annotated[
        bool,
        typer.Option(
            "--no-check",
            help=f"Skip the broadening check (a second solve at eta/2 on one k-point in eight); refused for eta above "
            f"{ETA_UNCHECKED_MAX:g}.",
        ),
    ] = False,
    max_memory_gb: Annotated[
        float | None,
        typer.Option(
            help="Refuse runs whose memory estimate exceeds this many GB in total: the resident memory of all the "
            "run's processes together (this one with its libraries, the model build, the sweeps, and the local "
            "dask workers of --workers; with --address, this process only).  Checked before the model is built: a "
            "refused run never starts.  Fewer frequencies are stacked per task where that fits.  With --calculator "
            "a built-in potential's model and working memory count too (measured; checked after the crystals are "
            "relaxed); a module:factory calculator's own memory does not (a note says so).",
            show_default=f"{AGF_DEFAULTS.max_memory_gb:g}",
        ),
    ] = None,
    device: Annotated[
        str | None,
        typer.Option(
            help="Where the sweeps run: cpu (numpy), gpu or cuda:N (torch on a CUDA GPU; the \\[gpu] extra), auto (the "
            "GPU where torch sees one, else cpu), torch-cpu (the GPU's code on the CPU, for tests).  G agrees to 1e-10 "
            "on every device, and a run resumes on another device than it started on.  With --workers: one worker "
            "per GPU; with --address every worker needs a GPU for gpu (auto: the GPUs if every worker has one, the "
            "CPUs if none has); a cluster that mixes the two is refused.",
            show_default=AGF_DEFAULTS.device,
        ),
    ] = None,
    max_gpu_memory_gb: Annotated[
        float | None,
        typer.Option(
            help="GB of each GPU the sweeps may fill (frequencies are stacked per call as far as they fit; a run "
            "of which one frequency does not fit is refused before it starts).  --max-memory-gb stays the host's.",
            show_default="80 % of the GPU's free memory",
        ),
    ] = None,
    max_hours: Annotated[
        float | None,
        typer.Option(help="Refuse runs whose time estimate exceeds this.", show_default=f"{AGF_DEFAULTS.max_hours:g}"),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the results as JSON (SI).")] = False,
    explain: Annotated[bool, typer.Option("--explain", help=EXPLAIN_HELP)] = False,
    config: Annotated[Path | None, typer.Option(help="TOML file with any of these options (CLI wins).")] = None,
) -> None:
    """Phonon transmission and conductance of LEFT/RIGHT with the atomistic Green's function method.

    The table goes to stdout; results are saved only with --output.
    """
    from ..transmission.agf.arguments import check_source
    from ..transmission.agf.run import run_agf

    cfg = AGF_DEFAULTS if config is None else read_config(config, parse_temperature=parse_temperatures)
    cfg = cfg.updated(
        left=left,
        right=right,
        structure=structure,
        pair=pair,
        force_constants=force_constants,
        left_lead=left_lead,
        right_lead=right_lead,
        sides=sides,
        supercell=supercell,
        potential=potential,
        calculator=calculator,
        force_range=force_range,
        max_strain=max_strain,
        interface_fc=interface_fc,
        interface_reach=interface_reach,
        normal=normal,
        polarity=polarity,
        kpoints=kpoints,
        frequencies=frequencies,
        frequency_tolerance=frequency_tolerance,
        temperature=None if temperature is None else parse_temperatures(temperature),
        eta=eta,
        cells=cells,
        pl_cells=pl_cells,
        lateral=lateral,
        mixing_layers=mixing_layers,
        seed=seed,
        masses_amu=masses_amu,
        statistics=statistics,
        workers=workers,
        address=address,
        output=output,
        plot=plot,
        ldos_plot=ldos_plot,
        max_memory_gb=max_memory_gb,
        device=device,
        max_gpu_memory_gb=max_gpu_memory_gb,
        max_hours=max_hours,
        check_broadening=False if no_check else None,
        allow_unstable_leads=True if allow_unstable_leads else None,
    )
    if calculator is not None and potential is not None:
        raise InputError("give --potential or --calculator, not both")
    if cfg.structure is None and (not cfg.left or not cfg.right):
        raise InputError(
            "give the two crystals, e.g. 'kapitza agf Si Ge', or your interface with --structure FILE --pair FILE, "
            "or set them in --config"
        )
    opts = validate_inputs(cfg.settings(), cli_name)
    check_source(opts, cli_name)
    if opts.get("structure") is not None:
        from ..transmission.agf.user import check_user_files

        check_user_files(
            opts["structure"],
            sides=opts["sides"],
            pair=opts.get("pair"),
            leads=(opts.get("left_lead"), opts.get("right_lead")),
        )
    out_path = opts.pop("output", None)
    if out_path is not None:
        out_path = check_output(out_path, (".npz", ".json"), "--output")
    for key in ("plot", "ldos_plot"):
        if opts.get(key) is not None:
            opts[key] = check_output(Path(opts[key]), (".png", ".pdf", ".svg"), cli_name(key))
    plot_path, ldos_path = opts.pop("plot", None), opts.pop("ldos_plot", None)
    err = Console(stderr=True)
    show_bar = not as_json and err.is_terminal
    if opts.get("calculator") is not None:
        from ..atomistic.calculators import calculator_source

        calculator_source(opts["calculator"])  # a missing extra or a failing factory: one line before any work
    describe = _describe(opts)
    t0 = time.perf_counter()
    started = {"said": False}
    with Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not show_bar,
    ) as bar:
        task = bar.add_task("AGF (omega, k) chunks", total=None, start=False)
        stages: dict[str, Any] = {}

        def progress(done: int, total: int) -> None:
            # the first call comes once the run's memory is checked, before its model is built: a run refused for
            # its size never says "started"
            if not started["said"]:
                started["said"] = True
                if not show_bar:
                    err.print(f"{describe}: started", highlight=False, soft_wrap=True)
            bar.start_task(task)
            bar.update(task, completed=done, total=total)

        def stage_progress(stage: str, done: int, total: int) -> None:
            if stage not in stages:
                stages[stage] = bar.add_task(stage, total=total)
                if not show_bar:
                    err.print(f"{describe}: {stage}", highlight=False, soft_wrap=True)
            bar.update(stages[stage], completed=done, total=total)

        result, model = run_agf(
            opts.pop("left"),
            opts.pop("right"),
            **opts,
            output=out_path,
            connect_timeout=connect_timeout,
            progress=progress,
            stage_progress=stage_progress,
            option_names=cli_name,
        )
    elapsed = time.perf_counter() - t0
    files = [] if out_path is None else [out_path]
    if plot_path is not None:
        from ..plotting.agf import transmission_figure

        transmission_figure(result, plot_path)
        files.append(plot_path)
    if ldos_path is not None:
        from ..plotting.agf import ldos_figure
        from ..transmission.agf.ldos import local_dos

        top = float(result.transmission.omega[-1]) * 1.6
        w = (np.arange(300) + 0.5) / 300 * top
        ldos = local_dos(model, w, result.settings["kpoints"], eta=1e-2)
        ldos_figure(ldos, ldos_path)
        files.append(ldos_path)
    if not show_bar:
        err.print(f"{describe}: finished in {elapsed:.1f} s", highlight=False, soft_wrap=True)
    if as_json:
        typer.echo(dumps(result.document(elapsed)))
    else:
        text_report(result, elapsed, explain).show()
    for f in files:
        err.print(f"written: {f}", highlight=False, soft_wrap=True)
