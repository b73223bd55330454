"""``kapitza phonons``: full-dispersion phonons of one crystal (from a potential, a phonopy file, or its structure
with a calculator)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from .. import _checks
from ..errors import InputError
from ..io.results import dumps
from ..phonons.bands import band_structure, is_fcc
from ..phonons.crystal_report import crystal_document, crystal_lines
from ..phonons.full_dispersion import DEFAULT_MESH, FullDispersionSpectrum, full_dispersion_spectrum, harmonic_crystal
from ..phonons.harmonic import HarmonicCrystal
from ..phonons.modes import DEFAULT_MAX_MEMORY_GB, DEFAULT_WIDTH, check_mesh, check_width, mesh_numbers
from ..units import MW_PER_M2K, rad_s_to_thz
from .common import (
    CALCULATOR_HELP,
    CRYSTAL_HELP,
    DEFAULT_CONNECT_TIMEOUT,
    MAX_TIME_HELP,
    ConnectTimeoutOption,
    ForceSchedulerOption,
    ForceWorkersOption,
    check_output,
    option_words,
    progress_bar,
)
from .report import EXPLAIN_HELP, Report


def _option(name: str) -> str:
    return "--" + name.replace("_", "-")


def _structure_phonons(
    material: str, calculator: str, max_memory_gb: float | None, progress: Any, runner: Any, budget: Any = None
) -> Any:
    """:func:`kapitza.phonons.from_structure.crystal_phonons` with its force calls where ``runner`` sends them
    (``--workers``, ``--scheduler``) within ``budget`` (``--max-time``); errors name the options as they are typed
    here."""
    from ..phonons.from_structure import crystal_phonons

    try:
        return crystal_phonons(material, calculator, max_memory_gb=max_memory_gb, progress=progress, runner=runner,
                               max_time=budget)  # fmt: skip
    except InputError as exc:  # name the option as it is typed here
        raise InputError(option_words(str(exc))) from None


#: Special points reported in the table for fcc lattices (reduced coordinates of the primitive basis).
FCC_REPORT = {"Γ": (0.0, 0.0, 0.0), "X": (0.5, 0.5, 0.0), "L": (0.5, 0.5, 0.5)}


def _report(crystal: HarmonicCrystal, spectrum: FullDispersionSpectrum) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "material": crystal.name,
        "source": crystal.source,
        "lattice_constant_m": crystal.lattice_constant,
        "atoms_per_primitive_cell": crystal.n_atoms,
        "normal": spectrum.normal.tolist(),
        "mesh": list(spectrum.mesh),
        "width": spectrum.width,
        "symmetry_operations": spectrum.symmetry_operations,
        "bands": list(spectrum.labels),
        "sound_speeds_m_s": dict(zip(spectrum.labels[:3], spectrum.sound_speeds.tolist())),
        "highest_frequency_rad_s": spectrum.highest_mode,
        "continuum_below_rad_s": spectrum.blend[0],
    }
    if is_fcc(crystal.cell):
        omega = crystal.frequencies(list(FCC_REPORT.values()))
        doc["frequencies_thz"] = {p: rad_s_to_thz(w).tolist() for p, w in zip(FCC_REPORT, omega)}
    return doc


def _table(doc: dict[str, Any]) -> Table:
    """The answer: the lattice constant, the frequencies at the special points, the sound speeds, the top."""
    n = " ".join(f"{x:.3g}" for x in doc["normal"])
    table = Table(title=f"{doc['material']}: full-dispersion phonons (sound speeds along the normal [{n}])")
    table.add_column("quantity")
    table.add_column("value", justify="right")
    if doc["lattice_constant_m"] is not None:
        table.add_row("lattice constant (A)", f"{doc['lattice_constant_m'] * 1e10:.4f}")
    for point, freqs in doc.get("frequencies_thz", {}).items():
        shown = freqs[3:] if point == "Γ" else freqs  # the acoustic zeros at Gamma are not news
        if shown:
            table.add_row(f"{point} (THz)", ", ".join(f"{f:.3f}" for f in shown))
    for label, v in doc["sound_speeds_m_s"].items():
        table.add_row(f"{label} effective sound speed (m/s)", f"{v:.0f}")
    table.add_row("highest phonon frequency (THz)", f"{rad_s_to_thz(doc['highest_frequency_rad_s']):.3f}")
    return table


def _details(doc: dict[str, Any]) -> list[str]:
    """What the table rests on (for --explain): the force constants' source, the sound speed's definition, the mesh."""
    return [
        f"{doc['source']}.",
        "Effective sound speeds: the Debye speed with the same low-frequency channel density through the plane, "
        "(8 pi^2 C_b)^-1/2.",
        f"mesh {'x'.join(map(str, doc['mesh']))}, {doc['symmetry_operations']} symmetry operations",
    ]


def phonons_command(
    material: Annotated[
        str,
        typer.Argument(
            help="Material (Si, Ge, C, Al, Cu, Ag, Au, Pt, Pb), or a name for --phonopy-file; with --calculator "
            f"any crystal: {CRYSTAL_HELP}"
        ),
    ],
    potential: Annotated[
        str | None,
        typer.Option(help="sw, tersoff, tersoff-lammps, emt or meam-lammps; default: the material's default."),
    ] = None,
    calculator: Annotated[str | None, typer.Option(help=CALCULATOR_HELP)] = None,
    phonopy_file: Annotated[
        Path | None,
        typer.Option(
            "--phonopy-file", help="phonopy.yaml / phonopy_disp.yaml with FORCE_CONSTANTS or FORCE_SETS beside it."
        ),
    ] = None,
    normal: Annotated[str, typer.Option(help="Interface normal for the channel density, e.g. 001, 111, 1-10.")] = "001",
    mesh: Annotated[int, typer.Option(help="Gamma-centred q-mesh N (N x N x N).")] = DEFAULT_MESH,
    width: Annotated[float, typer.Option(help="Adaptive broadening factor a in sigma = a |v| dk.")] = DEFAULT_WIDTH,
    plot_path: Annotated[
        Path | None,
        typer.Option("--plot", help="Draw the dispersion along a standard path and the DOS (.png/.pdf/.svg)."),
    ] = None,
    convergence: Annotated[
        bool, typer.Option("--convergence", help="Also tabulate G(300 K) for meshes 16/24/32 and widths 0.25/0.5/1.")
    ] = False,
    max_memory_gb: Annotated[
        float | None,
        typer.Option(
            "--max-memory-gb",
            help=f"Refuse a --mesh or --width whose memory estimate exceeds this (GB; default {DEFAULT_MAX_MEMORY_GB:g}"
            "), and with --calculator a crystal whose force constants' stated memory does (GB per process: the "
            "potential and one force call on the supercell; default this machine's memory), before any force.",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print SI values as JSON instead of the table.")] = False,
    explain: Annotated[bool, typer.Option("--explain", help=EXPLAIN_HELP)] = False,
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress display.")] = False,
    workers: ForceWorkersOption = None,
    scheduler: ForceSchedulerOption = None,
    connect_timeout: ConnectTimeoutOption = DEFAULT_CONNECT_TIMEOUT,
    max_time: Annotated[str | None, typer.Option("--max-time", help=MAX_TIME_HELP)] = None,
) -> None:
    """Phonon frequencies, sound speeds and channel density of MATERIAL from force constants."""
    from ..prediction.sides import time_bound

    budget = time_bound(max_time, calculator, _option)  # the one rule of the bound, started now
    if max_memory_gb is not None:  # one rule for every command's bound, named as typed here
        _checks.memory_bound_gb(max_memory_gb, "--max-memory-gb")
    mesh_memory_gb = DEFAULT_MAX_MEMORY_GB if max_memory_gb is None else max_memory_gb
    try:
        check_width(width, mesh_numbers(mesh), mesh_memory_gb)
        check_mesh(mesh_numbers(mesh), mesh_memory_gb, warn=False)  # the library warns once
    except InputError as exc:  # name the options as they are typed here
        raise InputError(
            str(exc).replace("max_memory_gb=, --max-memory-gb on the command line", "--max-memory-gb")
        ) from None
    if plot_path is not None:  # a folder, a missing parent or an unwritable place: one line, before the work
        check_output(plot_path, (".png", ".pdf", ".svg"), "--plot")
    if convergence and phonopy_file is not None:
        raise InputError("--convergence works with potentials; for a phonopy file compare --mesh values by hand")
    if potential is not None and phonopy_file is not None:
        raise InputError("--potential and --phonopy-file exclude each other: the file's force constants are used")
    if calculator is not None and (potential is not None or phonopy_file is not None or convergence):
        raise InputError(
            "--calculator builds the crystal from its structure: leave out --potential, --phonopy-file and "
            "--convergence (for the convergence of a calculator's crystal compare --mesh values by hand)"
        )
    if (workers is not None or scheduler is not None) and calculator is None:
        raise InputError("--workers and --scheduler run a --calculator's force calls on dask; give --calculator")
    from ..atomistic.force_tasks import force_runner

    found = None
    runner = force_runner(workers, scheduler, connect_timeout=connect_timeout, label=_option)  # checked, connected
    with runner as forces, progress_bar(not quiet, lines=not quiet) as progress:
        if calculator is not None:
            found = _structure_phonons(material, calculator, max_memory_gb, progress, forces, budget)
            crystal = found.crystal
        else:
            try:
                crystal = harmonic_crystal(material, potential, phonopy_file, progress=progress)
            except InputError as exc:  # name the option as it is typed here
                raise InputError(str(exc).replace("phonopy_file=...", "--phonopy-file PATH")) from None
        spectrum = full_dispersion_spectrum(
            crystal, normal=normal, mesh=mesh, width=width, progress=progress, max_memory_gb=mesh_memory_gb
        )
        table = None
        if convergence:
            from ..prediction.convergence import convergence_table

            table = convergence_table(material, potential, normal, progress=progress)
    doc = _report(crystal, spectrum)
    if found is not None:
        doc["structure"] = crystal_document(found)
    if table is not None:
        doc["convergence"] = {
            "quantity": "radiation conductance (all channels transmit), W m^-2 K^-1",
            "temperature_K": table.temperature,
            "meshes": list(table.meshes),
            "widths": list(table.widths),
            "conductance": table.conductance.tolist(),
        }
    if as_json:
        typer.echo(dumps(doc, indent=2))
    else:
        report = Report(explain=explain)
        report.answer(_table(doc))
        if table is not None:  # asked for with --convergence: part of the answer
            conv = Table(
                title=f"convergence: radiation conductance of {table.material} at {table.temperature:g} K (MW m⁻² K⁻¹)"
            )
            conv.add_column("mesh")
            for w in table.widths:
                conv.add_column(f"width {w:g}", justify="right")
            for m, row in zip(table.meshes, table.conductance):
                conv.add_row(f"{m}^3", *(f"{g / MW_PER_M2K:.5g}" for g in row))
            report.answer(conv)
        for line in _details(doc):
            report.detail(line, "source and mesh")
        if found is not None:
            for line in crystal_lines(found):
                report.detail(line, "relaxation and supercell")
        report.show()
    if plot_path is not None:
        from ..phonons.debye import debye_spectrum
        from ..plotting.phonons import dispersion_figure

        debye, density = None, None
        if found is not None:
            debye, density = debye_spectrum(found.material), found.material.number_density
        elif phonopy_file is None:
            from ..materials import get_material

            m = get_material(material)
            debye, density = debye_spectrum(m), m.number_density
        dispersion_figure(band_structure(crystal), spectrum, plot_path, debye=debye, number_density=density)
