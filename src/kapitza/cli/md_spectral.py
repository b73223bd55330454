"""``kapitza md spectral|modes|rectification|eels``: which phonons carry heat across an NEMD run's interface.

Thin over :mod:`kapitza.analysis.md.spectral` and :mod:`kapitza.analysis.md.modes` (the run's ``spectral/`` blocks),
:func:`kapitza.transmission.md_systems.harmonic_spectra` (AGF and full-dispersion DMM of the same interface) and
:func:`kapitza.atomistic.interface_modes.interface_modes` (lattice dynamics of the run's periodic cell;
``user_interface_modes`` for a user's structure) and :func:`kapitza.analysis.md.eels_scan.md_line_scan` (what an
EELS line scan would see).
"""

from __future__ import annotations

import math
import sys
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer
from rich.console import Console

from ..errors import InputError
from ..io.results import dumps, to_jsonable
from ..io.run_manifest import read_manifest
from ..units import thz_to_rad_s
from .common import check_output, progress_bar

_PLOT_SUFFIXES = (".png", ".pdf", ".svg")
#: Frequency bands of the modal temperature table at most (each a column; more are noise on a block's grid).
MAX_BANDS = 12
#: Default largest cell whose lattice dynamics ``md modes`` computes.  The dense diagonalisation of the 3N x 3N
#: dynamical matrix takes time ~N^3: measured 74 s for 1,000 LJ atoms (59 s of it in scipy's eigh) and 116 s
#: for 1,440 on one busy core, where 3,000 atoms (the library's limit) would take ~30 min and look like a hang.
#: 1,500 keeps the shipped examples (examples/md/lj_spectral: 1,024 atoms, si_ge_spectral: 1,440);
#: ``--max-atoms`` raises it up to the library's limit.
DEFAULT_MODE_ATOMS = 1_500
#: The library's own limit (memory of the dense matrix, kapitza.atomistic.interface_modes).
MAX_MODE_ATOMS = 3_000


def _harmonic(run_dir: Path, kpoints: int, frequencies: int, progress: bool) -> tuple[Any, str | None]:
    """The AGF/DMM spectra of the run's interface, or (None, the reason none can be given)."""
    from ..transmission.md_systems import harmonic_spectra, system_of

    manifest = read_manifest(run_dir)
    try:
        system_of(manifest)
    except InputError as exc:  # a system the harmonic models do not describe (tersoff, disorder...): say why
        return None, str(exc)
    with progress_bar(progress) as bar:

        def report(done: int, total: int) -> None:
            if bar is not None:
                bar("AGF of the same interface", done, total)

        # a bad --kpoints or --frequencies is the user's error: it propagates (one line, exit 2)
        return harmonic_spectra(manifest, kpoints=kpoints, frequencies=frequencies, progress=report), None


def _minutes(n_atoms: int) -> float:
    """Rough time of the lattice dynamics on one core, minutes: ~N^3, 1.2 min at 1,000 atoms (measured)."""
    return 1.2 * (n_atoms / 1000) ** 3


def _periodic_cell(run_dir: Path, max_atoms: int = DEFAULT_MODE_ATOMS) -> tuple[Any, Any]:
    """The run's config and its periodic cell, refused before it is built when it exceeds ``max_atoms``."""
    from ..io.run_manifest import MANIFEST_FILE
    from ..md.run import read_run_config
    from ..md.systems import build_structure

    if (run_dir / MANIFEST_FILE).is_file() and read_manifest(run_dir).system.kind == "user":
        return None, _user_cell(run_dir, max_atoms)
    config = read_run_config(run_dir)
    if config.geometry != "periodic":
        raise InputError(
            "md modes needs a periodic run (geometry = periodic): the lattice dynamics is that of the periodic cell"
        )
    if config.n_atoms > max_atoms:
        raise _too_large(config.n_atoms, max_atoms)
    return config, build_structure(config)


def _too_large(n_atoms: int, max_atoms: int) -> InputError:
    minutes = _minutes(n_atoms)
    return InputError(
        f"the run's periodic cell has {n_atoms:,} atoms; md modes diagonalises its lattice dynamics densely "
        f"(time ~N^3, ~{minutes:.2g} min on one core) up to --max-atoms {max_atoms:,}"
        + (f" (at most {MAX_MODE_ATOMS:,})" if max_atoms < MAX_MODE_ATOMS else "")
    )


def _user_cell(run_dir: Path, max_atoms: int) -> tuple[Any, Any]:
    """A user's run: its atoms and force field (from the run directory alone) and its spectral setup's planes."""
    from ..md.spectral import read_setup
    from ..md.systems import run_atoms

    setup = read_setup(run_dir)
    atoms = run_atoms(run_dir)
    if len(atoms.atoms) > max_atoms:
        raise _too_large(len(atoms.atoms), max_atoms)
    return atoms, setup


def _user_modes(atoms: Any, setup: Any, progress: bool) -> Any:
    """Lattice dynamics of a user's run: force constants from its own LAMMPS pair lines, the spectral planes."""
    from ..atomistic.interface_modes import user_interface_modes

    n = len(atoms.atoms)
    if progress:
        sys.stderr.write(
            f"kapitza: lattice dynamics of the {n}-atom cell (LAMMPS force constants, phonopy, Gamma; "
            f"~{_minutes(n):.2g} min on one core for the diagonalisation)...\n"
        )
    return user_interface_modes(
        atoms.atoms, atoms.forcefield, setup.atom_planes(n), setup.plane_z, masses=atoms.masses, types=atoms.types,
        max_atoms=MAX_MODE_ATOMS,
    )  # fmt: skip


def _lattice_modes(cell: tuple[Any, Any], progress: bool) -> Any:
    """Lattice dynamics at Gamma of the run's own periodic cell (from :func:`_periodic_cell`)."""
    from ..atomistic.interface_modes import interface_modes

    config, structure = cell
    if config is None:  # a user's structure: (RunAtoms, SpectralSetup)
        return _user_modes(*structure, progress)
    if progress:
        minutes = _minutes(structure.n_atoms)
        sys.stderr.write(
            f"kapitza: lattice dynamics of the {structure.n_atoms}-atom cell (phonopy, Gamma; ~{minutes:.2g} min on "
            "one core)...\n"
        )
    return interface_modes(
        structure,
        config.potential,
        interface_z=config.cells_a * config.lattice_constant,  # between planes: the sites sit at (k + 1/2) spacing
        plane_spacing=config.plane_spacing,
        planes_per_side=config.spectral_sampled_planes,
        units=config.units,
        sigma=config.sigma,
        max_atoms=MAX_MODE_ATOMS,
    )


def _check_smoothing(smoothing_bins: float, run: Any) -> None:
    """A Gaussian wider than the whole spectrum flattens it into one number: refuse it with the grid's size."""
    bins = int(np.asarray(run.omega).size)
    if not math.isfinite(smoothing_bins) or not 0 <= smoothing_bins <= bins:
        raise InputError(
            f"--smoothing-bins must be 0 .. {bins} (the run's frequency bins; a few is usual), got {smoothing_bins:g}"
        )


def _band_edges(spec: str | None, run: Any) -> Any:
    """--band-edges 'a,b,c' in THz -> rad per run time unit (metal runs), increasing, >= 0; None stays None."""
    from .common import parse_floats

    edges = parse_floats(spec, "--band-edges")
    if edges is None:
        return None
    if run.units != "metal":
        raise InputError("--band-edges is in THz: it needs a run in units metal (use --bands for an LJ run)")
    if len(edges) < 2 or edges[0] < 0 or any(b <= a for a, b in zip(edges, edges[1:])):
        raise InputError(f"--band-edges takes at least 2 increasing frequencies >= 0 in THz, got {spec!r}")
    if len(edges) - 1 > MAX_BANDS:
        raise InputError(f"--band-edges gives {len(edges) - 1} bands, at most {MAX_BANDS}")
    from ..analysis.md.spectral import run_omega_from_thz

    return run_omega_from_thz(edges, run.units)


def spectral_command(
    run_dir: Annotated[Path, typer.Argument(help="NEMD run directory with a spectral/ folder (spectral_every > 0)")],
    plot: Annotated[Path | None, typer.Option(help="Write g(omega) and cumulative G (.png, .pdf, .svg).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    smoothing_bins: Annotated[
        float, typer.Option("--smoothing-bins", help="Gaussian smoothing of q, standard deviation in bins (0: none)")
    ] = 3.0,
    first_block: Annotated[
        int | None, typer.Option("--first-block", help="first production block used (default: all)")
    ] = None,
    harmonic: Annotated[
        bool, typer.Option("--harmonic/--no-harmonic", help="AGF and DMM of the same interface beside the NEMD")
    ] = True,
    kpoints: Annotated[int, typer.Option(help="AGF transverse k-points per direction")] = 8,
    frequencies: Annotated[int, typer.Option(help="AGF frequencies")] = 100,
    progress: Annotated[bool, typer.Option("--progress/--no-progress", help="progress on stderr")] = True,
    band_top: Annotated[
        float | None,
        typer.Option("--band-top", help="softer side's highest phonon frequency, THz (default: the AGF's)"),
    ] = None,
) -> None:
    """Spectral heat current q(omega) across the interface, g = q / Delta T, the sum rule, elastic vs inelastic."""
    if plot is not None:
        check_output(plot, _PLOT_SUFFIXES, "--plot")
    if band_top is not None:
        from .. import _checks

        _checks.positive(band_top, "--band-top", "THz")
    from ..analysis.md.spectral import harmonic_difference, inelastic_fraction, spectral_conductance

    sc = spectral_conductance(run_dir, smoothing_bins=smoothing_bins, first_block=first_block)
    if band_top is not None and sc.omega_unit != "rad/s":
        raise InputError("--band-top is in THz: it needs a run in units metal")
    pred, why_not = _harmonic(run_dir, kpoints, frequencies, progress) if harmonic else (None, "--no-harmonic")
    inelastic = diff = None
    soft = None if band_top is None else float(thz_to_rad_s(band_top))
    if pred is not None:
        soft = min(float(pred.omega_max_a), float(pred.omega_max_b)) if soft is None else soft
        diff = harmonic_difference(sc, pred.omega, pred.g_agf)
    if soft is not None:
        inelastic = inelastic_fraction(sc, soft)
    if plot is not None:
        from ..plotting.md_spectral import spectrum_figure

        spectrum_figure(sc, pred, path=plot)
    if as_json:
        doc = {
            "spectral": to_jsonable(sc),
            "harmonic": None if pred is None else to_jsonable(pred),
            "harmonic_missing": why_not if pred is None else None,
            "inelastic_fraction": None if inelastic is None else to_jsonable(inelastic),
            "nemd_minus_agf": None if diff is None else to_jsonable(diff),
        }
        sys.stdout.write(dumps(doc, indent=1) + "\n")
        return
    out = Console(highlight=False)
    out.print(f"run directory: {sc.run_dir} ({sc.blocks_used} blocks from block {sc.first_block})")
    out.print(
        f"q(omega) from the {sc.q_source} form; Gaussian smoothing {sc.smoothing_bins:g} bins = "
        f"{sc.smoothing_width:.4g} {sc.omega_unit}; bin {sc.d_omega:.4g} {sc.omega_unit}; Hann window per block"
    )
    out.print(sc.sum_rule)
    if sc.G_note:
        out.print(f"Delta T at the interface = {sc.delta_T:.4g} +- {sc.delta_T_err:.2g}; {sc.G_note}")
    else:
        out.print(
            f"Delta T at the interface = {sc.delta_T:.4g} +- {sc.delta_T_err:.2g}; "
            f"G from the spectrum = {sc.G_spectral:.4g} +- {sc.G_spectral_err:.2g}, "
            f"G from the bath flux = {sc.G_nemd:.4g} +- {sc.G_nemd_err:.2g} {sc.G_unit}"
        )
    share = sc.harmonic_share
    if share is not None:
        out.print(
            f"the harmonic form of the same velocities (force constants at the lattice sites) carries {share:.0%} "
            "of the force form's q: the rest is the anharmonic part of the interfacial forces"
        )
    if inelastic is not None:
        out.print(
            f"inelastic: {inelastic.value:.1%} +- {inelastic.err:.1%} of q above the softer side's highest frequency "
            f"({soft:.4g} {sc.omega_unit}{', --band-top' if band_top is not None else ''})"
        )
    if pred is None:
        out.print(f"no harmonic comparison: {why_not}")
        return
    out.print(
        f"harmonic, same interface: AGF intrinsic {pred.conductance_agf_intrinsic:.4g}, AGF two-probe "
        f"{pred.conductance_agf:.4g}, full-dispersion DMM {pred.conductance_dmm:.4g} {sc.G_unit} "
        f"(classical occupation; compare NEMD with the intrinsic AGF)"
    )
    if sc.G_note:
        out.print("NEMD minus AGF: not compared (no G from this run, above)")
    else:
        out.print(f"NEMD minus AGF two-probe = {diff.integral:.4g} +- {diff.integral_err:.2g} {sc.G_unit}")


def modes_command(
    run_dir: Annotated[Path, typer.Argument(help="NEMD run directory with a spectral/ folder (spectral_every > 0)")],
    plot: Annotated[
        Path | None, typer.Option(help="Write the plane DOS map and modal temperatures (.png, .pdf, .svg).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    bands: Annotated[int, typer.Option(help="equal frequency bands for the modal temperatures")] = 4,
    band_edges: Annotated[
        str | None, typer.Option("--band-edges", help="band limits in THz instead of --bands, e.g. 0,10,21,26,32")
    ] = None,
    smoothing_bins: Annotated[
        float, typer.Option("--smoothing-bins", help="Gaussian width of the reference LDOS and of q, in bins")
    ] = 3.0,
    progress: Annotated[bool, typer.Option("--progress/--no-progress", help="progress on stderr")] = True,
    max_atoms: Annotated[
        int, typer.Option("--max-atoms", help=f"largest cell diagonalised (time ~N^3; at most {MAX_MODE_ATOMS})")
    ] = DEFAULT_MODE_ATOMS,
) -> None:
    """Plane-resolved vibrational DOS, interface modes (lattice dynamics), modal temperatures across the interface."""
    if plot is not None:
        check_output(plot, _PLOT_SUFFIXES, "--plot")
    if not 1 <= bands <= MAX_BANDS:
        raise InputError(f"--bands must be 1 .. {MAX_BANDS} (one table column each), got {bands}")
    if not 2 <= max_atoms <= MAX_MODE_ATOMS:
        raise InputError(f"--max-atoms must be 2 .. {MAX_MODE_ATOMS:,} (dense diagonalisation), got {max_atoms}")
    cell = _periodic_cell(run_dir, max_atoms)  # before any reading: a cell too large is refused at once
    from ..analysis.md.modes import interface_mode_share, modal_temperatures, plane_dos_map, reference_ldos
    from ..analysis.md.spectral import display_factors, read_spectral_run, readable_frequencies, spectral_conductance

    run = read_spectral_run(run_dir)
    _check_smoothing(smoothing_bins, run)
    sc = spectral_conductance(run_dir, smoothing_bins=smoothing_bins)
    modes = _lattice_modes(cell, progress)
    ldos, width = reference_ldos(modes, run, smoothing_bins)
    dos_map = plane_dos_map(run)
    modal = modal_temperatures(run, ldos, bands=bands, band_edges=_band_edges(band_edges, run))
    factor = display_factors(run.units)[0]
    share = interface_mode_share(sc, run.omega * factor, modes.interface_fraction(run.omega, width))
    n_interface = int(np.count_nonzero(modes.interface))
    if plot is not None:
        from ..plotting.md_spectral import modes_figure

        modes_figure(dos_map, modal, modes, path=plot)
    if as_json:
        doc = {
            "modal_temperatures": to_jsonable(modal),
            "interface_modes": int(n_interface),
            "interface_mode_omega": [float(w * factor) for w in np.asarray(modes.omega)[np.asarray(modes.interface)]],
            "omega_unit": sc.omega_unit,
            "interface_mode_share": to_jsonable(share),
            "reference_ldos_width": float(width * factor),
            "force_constants": {
                "method": modes.method,
                "symmetry_error": float(modes.symmetry_error),
                "sum_rule_error": float(modes.sum_rule_error),
            },
        }
        if not n_interface:
            doc["interface_mode_share_note"] = "no mode of the cell is localised at the interface: no share to give"
        if not np.all(np.isfinite(np.asarray(modal.T))):
            doc["modal_temperatures_note"] = (
                '"nan": the band holds too few of the plane\'s modes for a temperature (reference LDOS < 1 % of 3N)'
            )
        sys.stdout.write(dumps(doc, indent=1) + "\n")
        return
    out = Console(highlight=False)
    w, w_unit = readable_frequencies(np.asarray(modes.omega)[np.asarray(modes.interface)] * factor, run.units)
    out.print(
        f"force constants: {modes.method}; measured violations of symmetry {modes.symmetry_error:.2g} and of the "
        f"sum rule {modes.sum_rule_error:.2g} (relative to the largest), both imposed"
    )
    out.print(
        f"lattice dynamics of the periodic cell: {np.asarray(modes.omega).size} modes, {n_interface} interface modes"
        + (f" ({w.min():.4g} .. {w.max():.4g} {w_unit})" if n_interface else "")
    )
    if n_interface:
        out.print(f"share of q carried by interface modes: {share.value:.1%} +- {share.err:.1%}")
    else:  # 0 +- 0 is no measurement: say why there is no share
        out.print("share of q carried by interface modes: none (no mode of the cell is localised at the interface)")
    edges, band_unit = readable_frequencies(modal.band_edges, run.units)  # band_edges: display units already
    out.print(
        f"modal temperatures (reference LDOS: the lattice modes, Gaussian width {width * factor:.3g} "
        f"{sc.omega_unit}); bands in {band_unit}; plane -1 is the last plane of A, 0 the first of B"
    )
    header = "plane  T(all)  " + "  ".join(f"[{edges[i]:.3g},{edges[i + 1]:.3g})" for i in range(edges.size - 1))
    out.print(header)
    T = np.asarray(modal.T)  # (bands, planes)
    width_cell = len(f"[{edges[0]:.3g},{edges[1]:.3g})")
    for k, p in enumerate(np.asarray(modal.plane_index)):
        cells = "  ".join(f"{t:>{width_cell}.4g}" if np.isfinite(t) else f"{'-':>{width_cell}}" for t in T[:, k])
        out.print(f"{int(p):>5}  {float(modal.T_plane[k]):6.4g}  {cells}")
    if not np.all(np.isfinite(T)):
        out.print("-: the band holds too few of the plane's modes for a temperature (reference LDOS < 1 % of 3N)")


def rectification_command(
    forward: Annotated[Path, typer.Argument(help="run directory of the forward run (reverse = false)")],
    reverse: Annotated[Path, typer.Argument(help="run directory of the same system with reverse = true")],
    plot: Annotated[Path | None, typer.Option(help="Write forward vs reverse spectra (.png, .pdf, .svg).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    modes: Annotated[
        bool, typer.Option("--modes/--no-modes", help="modal temperatures of both runs (needs the lattice dynamics)")
    ] = False,
    smoothing_bins: Annotated[float, typer.Option("--smoothing-bins", help="Gaussian smoothing of q in bins")] = 3.0,
    progress: Annotated[bool, typer.Option("--progress/--no-progress", help="progress on stderr")] = True,
) -> None:
    """Forward vs reverse heat flow across one interface: G each way, rectification with its error, spectra."""
    if plot is not None:
        check_output(plot, _PLOT_SUFFIXES, "--plot")
    from ..analysis.md.modes import reference_ldos
    from ..analysis.md.rectification import rectification
    from ..analysis.md.spectral import read_spectral_run

    for folder, want in ((forward, False), (reverse, True)):
        if read_manifest(folder).reverse != want:
            raise InputError(
                f"{str(folder)!r} has reverse = {str(not want).lower()}: give the forward run first, the reverse second"
            )
    ldos = None
    if modes:
        run = read_spectral_run(forward)
        _check_smoothing(smoothing_bins, run)
        ldos = reference_ldos(_lattice_modes(_periodic_cell(forward), progress), run, smoothing_bins)[0]
    rect = rectification(forward, reverse, reference_ldos=ldos, smoothing_bins=smoothing_bins)
    if plot is not None:
        from ..plotting.md_spectral import rectification_figure

        rectification_figure(rect, path=plot)
    if as_json:
        sys.stdout.write(dumps(rect, indent=1) + "\n")
        return
    out = Console(highlight=False)
    out.print(f"G forward (A -> B) = {rect.G_forward:.4g} +- {rect.G_forward_err:.2g} {rect.G_unit}")
    out.print(f"G reverse (B -> A) = {rect.G_reverse:.4g} +- {rect.G_reverse_err:.2g} {rect.G_unit}")
    out.print(rect.verdict)
    manifest = read_manifest(forward)
    t, dt = manifest.temperature, manifest.delta_temperature
    if t > 0:
        out.print(
            f"baths {dt:g} apart at T = {t:g} (Delta T / T = {dt / t:.0%}): in linear response (Delta T << T) G is the "
            "same both ways (Onsager); a difference needs G to change with temperature across the interface, "
            "so check it at a smaller Delta T"
        )


def eels_command(
    run_dir: Annotated[Path, typer.Argument(help="NEMD run directory with a spectral/ folder (units metal)")],
    mixing: Annotated[
        str, typer.Option("--mixing", help="probe reach across planes (Gaussian s.d.), e.g. 0.3nm or 3A")
    ] = "0.3nm",
    dose: Annotated[float, typer.Option("--dose", help="electrons per probe position")] = 1e8,
    resolution: Annotated[float, typer.Option("--resolution", help="energy resolution (ZLP FWHM), meV")] = 6.0,
    window: Annotated[
        str | None, typer.Option("--window", help="|E| window of the temperature fit, meV, LO:HI")
    ] = None,
    bands: Annotated[int, typer.Option(help="frequency bands of the modal temperatures")] = 4,
    band_edges: Annotated[
        str | None, typer.Option("--band-edges", help="band limits in THz instead of --bands, e.g. 0,10,21,26,32")
    ] = None,
    smoothing_bins: Annotated[
        float, typer.Option("--smoothing-bins", help="Gaussian width of the reference LDOS, in bins")
    ] = 3.0,
    seed: Annotated[int, typer.Option("--seed", help="noise seed")] = 0,
    out: Annotated[
        Path | None, typer.Option("--out", help="write the simulated line scan (.hspy, .msa, .csv, .npz)")
    ] = None,
    plot: Annotated[Path | None, typer.Option(help="Write MD vs EELS temperatures (.png, .pdf, .svg).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    progress: Annotated[bool, typer.Option("--progress/--no-progress", help="progress on stderr")] = True,
    max_atoms: Annotated[
        int, typer.Option("--max-atoms", help=f"largest cell diagonalised (time ~N^3; at most {MAX_MODE_ATOMS})")
    ] = DEFAULT_MODE_ATOMS,
) -> None:
    """What a STEM-EELS line scan would see across the run's interface: its planes' modes and modal temperatures
    fed to the EELS forward model, then fitted as measured spectra are."""
    from .common import parse_interval, parse_length_in

    if plot is not None:
        check_output(plot, _PLOT_SUFFIXES, "--plot")
    if out is not None:
        from ..analysis.eels.read import SUPPORTED_SUFFIXES

        check_output(out, tuple(s for s in (".hspy", ".msa", ".csv", ".npz") if s in SUPPORTED_SUFFIXES), "--out")
    mixing_nm = parse_length_in(mixing, "--mixing", "nm")
    win = parse_interval(window, "--window", "60:90")
    if win is not None and win[0] <= 0:
        raise InputError(f"--window energies are |E| in meV and must be > 0, got {window!r}")
    if not 1 <= bands <= MAX_BANDS:
        raise InputError(f"--bands must be 1 .. {MAX_BANDS} (one modal temperature each), got {bands}")
    if not 2 <= max_atoms <= MAX_MODE_ATOMS:
        raise InputError(f"--max-atoms must be 2 .. {MAX_MODE_ATOMS:,} (dense diagonalisation), got {max_atoms}")
    if read_manifest(run_dir).units != "metal":
        raise InputError("md eels needs a run in units metal (K, ps, Angstrom): an LJ run has no meV")
    cell = _periodic_cell(run_dir, max_atoms)
    from ..analysis.eels.forward import check_simulation_options
    from ..analysis.md.eels_scan import md_line_scan
    from ..analysis.md.modes import modal_temperatures, reference_ldos
    from ..analysis.md.spectral import read_spectral_run

    check_simulation_options(resolution, dose, 1e-3, 0.5, 0.0, 2.0, 0.0, "quantum")
    run = read_spectral_run(run_dir)
    _check_smoothing(smoothing_bins, run)
    ldos, _ = reference_ldos(_lattice_modes(cell, progress), run, smoothing_bins)
    modal = modal_temperatures(run, ldos, bands=bands, band_edges=_band_edges(band_edges, run))
    scan = md_line_scan(run, modal, ldos, mixing_nm=mixing_nm, dose=dose, resolution_mev=resolution,
                        window_mev=win, seed=seed)  # fmt: skip
    if out is not None:
        from ..analysis.eels.read import write_eels

        write_eels(out, scan.data)
    if plot is not None:
        from ..plotting.md_spectral import line_scan_figure

        line_scan_figure(scan, path=plot)
    if as_json:
        doc = {k: v for k, v in to_jsonable(scan).items() if k != "data"}
        sys.stdout.write(dumps(doc, indent=1) + "\n")
        return
    con = Console(highlight=False)
    con.print(
        f"simulated EELS line scan of {run_dir}: one probe position per sampled plane, probe reach {mixing_nm:g} nm, "
        f"{dose:.3g} electrons per position, {resolution:g} meV resolution; temperature fit on |E| "
        f"{scan.window_mev[0]:.3g}-{scan.window_mev[1]:.3g} meV"
    )
    con.print("z (nm)   T_MD (K)         T_EELS (K)")
    for z, t, te, e, ee in zip(scan.positions_nm, scan.md_temperature, scan.md_temperature_err,
                               scan.eels_temperature, scan.eels_temperature_err):  # fmt: skip
        eels = f"{e:7.1f} +- {ee:5.1f}" if np.isfinite(e) else "      - (fit invalid)"
        con.print(f"{z:6.3f}   {t:6.1f} +- {te:4.1f}   {eels}")
    con.print(
        "jump across the sampled planes (mean of A minus mean of B): "
        f"MD {scan.md_jump:.3g} +- {scan.md_jump_err:.2g} K, EELS {scan.eels_jump:.3g} +- {scan.eels_jump_err:.2g} K"
    )
    if out is not None:
        con.print(f"wrote {out}")
