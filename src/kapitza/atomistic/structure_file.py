r"""The user's interface from a structure file: sides, normal, lead periods; and the file kapitza writes.

:func:`read_structure` reads any structure file ASE reads as data (extxyz,
POSCAR/CONTCAR, CIF, LAMMPS data, ...) into an
:class:`~kapitza.atomistic.structures.InterfaceStructure`, the one description
that the AGF (:mod:`kapitza.transmission.agf`) and the MD driver
(:mod:`kapitza.md`) read; :func:`write_structure` writes one as extxyz (tags 1
and 2 for the sides, the masses as a column) that reads back identically.

Sides
-----
``sides="tags"`` (default): per-atom tags 1 (side A) and 2 (side B), as ASE
writes them to extxyz.  ``"species:Ga,N/Si,C"``: A's species / B's species.
``"plane:12.5"``: atoms below z = 12.5 A are side A.  ``"column:NAME"``: an
integer per-atom column of the file with values 1 and 2.  Side A must hold the
low-z end and side B the high-z end; atoms of either side may mix only in
between.

Normal
------
The normal is z, or ``normal="x"``/``"y"``: the axes are then permuted
cyclically (x, y, z -> y, z, x for "x"), a right-handed relabelling, so that it
becomes z.  The two in-plane cell vectors must lie in the interface plane and
the cell must be periodic in-plane.

Leads: periods and cells
------------------------
Each end must be a perfect crystal: its *period* along z is the smallest shift
that maps the end's atoms (species, mass and position, the lateral position
modulo the in-plane cell, within :data:`TOLERANCE`) onto atoms of the same
side.  Whole periods are counted from the bottom for A and from the top for B,
as long as each is an exact copy of the end one: ``cells = (n_A, n_B)``,
``cell_index`` 0 .. n_A-1 from the bottom, n_A .. n_A+n_B-1 for B's (the
topmost is the last), and -1 for atoms in no whole period (the interface
region: relaxed, intermixed or reconstructed atoms).  The AGF cuts its leads'
principal layers out of these cells.
"""

from __future__ import annotations

import hashlib
import math
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..errors import InputError
from ..units import ANGSTROM
from .structures import InterfaceStructure

#: Positions that agree within this (A) are the same site (the periodicity of a lead, the copy of a cell).
TOLERANCE = 1e-3
#: Two atoms closer than this (A) overlap.
MIN_DISTANCE = 0.5
#: The bulk period of an end is looked for up to this length (A).
MAX_PERIOD = 40.0
#: Formats read (ASE's names); others (e.g. pickle-based trajectories) are refused: a file is data.  Not
#: "castep-cell": ASE's reader of it runs ``castep --version`` (or $CASTEP_COMMAND) to load its keywords.
FORMATS = (
    "extxyz", "xyz", "vasp", "cif", "lammps-data", "xsf", "espresso-in", "aims", "cfg", "proteindatabank", "res",
    "gen", "traj", "json",
)  # fmt: skip
#: The in-plane strain a matched cell gave each side (:func:`kapitza.atomistic.stacking.stack_crystals`): written
#: to the file's comment line and read back, so that the AGF can say what strain the common cell implies.
STRAIN_KEYS = ("max_strain_a", "max_strain_b")
#: Most atoms in a structure file (read once, checked before ASE reads the file: its header's count): a 300,000-atom
#: extxyz takes about 22 s and 3.8 GB to read and check (measured on this project's machine, issue 39).
MAX_ATOMS = 200_000
#: Most atoms in a structure whose leads are found (the AGF and ``kapitza interface show``): the search for each
#: end's bulk period compares every atom of a period with every one of the next, so its time and memory grow with
#: the square of the atoms per period: 25,000 atoms of GaN|SiC 12 s and 0.7 GB, 100,000 atoms 300 s and 9 GB
#: (measured, issue 39).
MAX_LEAD_ATOMS = 25_000
#: Largest structure file read, bytes: one structure of MAX_ATOMS atoms at a generous 500 bytes per atom.
MAX_STRUCTURE_BYTES = MAX_ATOMS * 500
#: Longest cell vector or position coordinate accepted, A (10 um): beyond it the unit is wrong (an infinite or
#: astronomically long cell vector made the neighbour search hang).
MAX_EXTENT = 1e5
#: Most symmetry operations a CIF may carry (listed, or implied by its space group): a space group has at most 192
#: in its conventional setting, the 48 operations of the point group m-3m times the 4 centring translations of an F
#: lattice (Fm-3m, Fm-3c, Fd-3m, Fd-3c: the multiplicity of their general position, International Tables for
#: Crystallography, Vol. A).  A CIF listing 8,000 translations made ASE expand 8,000 atoms and the distance check
#: allocate 20 GiB; one listing 27,000 ran past 100 s inside ASE's expansion (issue 51).
MAX_SYMMETRY_OPERATIONS = 192
#: Most sites a CIF may list (its atoms before symmetry copies): ASE's reader compares each site with every earlier
#: one in a Python loop (``ase.spacegroup.Spacegroup.equivalent_sites``), so its time grows with the square of the
#: sites: P1 CIFs of 250, 500, 1,000 and 2,000 sites took 0.3, 1.0, 4.2 and 29 to 69 s to read (this project's 2-core
#: machine, issue 51).  The crystals of kapitza's crystal table list at most a few sites; a structure of many atoms
#: (a supercell, an interface) reads at once from extxyz or POSCAR.
MAX_CIF_SITES = 500
#: The CIF items that list symmetry operations (ASE's reader takes the first present).
SYMMETRY_KEYS = ("_space_group_symop_operation_xyz", "_space_group_symop.operation_xyz", "_symmetry_equiv_pos_as_xyz")
#: Bytes of a file's head read for its stated atom count.
_HEADER_BYTES = 8192
#: Axis order that makes each normal z (a cyclic, right-handed relabelling).
AXES = {"z": (0, 1, 2), "x": (1, 2, 0), "y": (2, 0, 1)}


def read_structure(
    path: str | Path,
    *,
    sides: str = "tags",
    normal: str = "z",
    format: str | None = None,
    species: Sequence[str] | Mapping[int, str] | None = None,
    leads: bool = True,
) -> InterfaceStructure:
    """Read an interface from a structure file (see the module doc).

    Parameters
    ----------
    path : str or Path
        Any file ASE reads as data (:data:`FORMATS`); positions in A.
    sides : str
        "tags", "species:A1,A2/B1,B2", "plane:Z" (Z in A) or "column:NAME".
    normal : {"z", "x", "y"}
        The interface normal in the file's axes.
    format : str, optional
        ASE's format name, when the file name does not say it.
    species : sequence or mapping, optional
        Chemical symbol of each atom type of a LAMMPS data file (type 1 first), which has no symbols.
    leads : bool
        Find each side's bulk period and whole cells (what the AGF's leads are made of; default).  False for a
        structure that needs none, e.g. an MD cell relaxed as a whole, whose ends are no exact bulk copies: every
        atom is then in the interface region (``cell_index`` -1), ``cells`` (0, 0) and ``periods`` NaN.

    Returns
    -------
    InterfaceStructure
    """
    p = Path(path)
    atoms, fmt = read_atoms(p, format=format, species=species, max_atoms=MAX_LEAD_ATOMS if leads else MAX_ATOMS)
    axes = AXES.get(str(normal).strip().lower())
    if axes is None:
        raise InputError(f"{p}: normal must be x, y or z, got {normal!r}")
    atoms = _permute(atoms, axes)
    _check_cell(atoms, p)
    side = _sides(atoms, sides, p)
    _check_overlap(atoms, p)
    if leads:
        cell_index, cells, periods = _leads(atoms, side, p)
    else:
        cell_index, cells, periods = np.full(len(atoms), -1, dtype=np.int64), (0, 0), (math.nan, math.nan)
    symbols = atoms.get_chemical_symbols()
    description = {
        "file": p.name,
        "sha256": hashlib.sha256(p.read_bytes()).hexdigest(),
        "format": fmt,
        "sides": sides,
        "normal": str(normal).strip().lower(),
        "axes_from_file": list(axes),
        "atoms": len(atoms),
        "side_atoms": np.bincount(side, minlength=2).tolist(),
        "species": {name: sorted({s for s, k in zip(symbols, side) if k == i}) for i, name in enumerate(("A", "B"))},
        "periods_A": list(periods) if leads else None,
        "lateral_area_A2": float(abs(np.linalg.det(np.asarray(atoms.cell)[:2, :2]))),
        "cells": list(cells),
        "interface_region_atoms": int(np.sum(cell_index < 0)),
        **{k: float(atoms.info[k]) for k in STRAIN_KEYS if isinstance(atoms.info.get(k), (int, float))},
    }
    return InterfaceStructure(
        atoms=atoms,
        species=tuple(symbols),
        cell_index=cell_index,
        side=side,
        periods=(periods[0] * ANGSTROM, periods[1] * ANGSTROM),
        cells=cells,
        description=description,
    )


def write_structure(structure: InterfaceStructure, path: str | Path) -> Path:
    """Write ``structure`` as extxyz: tags 1 (side A) and 2 (side B), masses as a column; the path written.

    :func:`read_structure` reads it back with the same atoms, order, masses, sides, cells and periods.
    """
    import ase.io

    atoms = structure.atoms.copy()
    atoms.info = {k: float(v) for k, v in structure.description.items() if k in STRAIN_KEYS}
    atoms.set_tags(np.asarray(structure.side) + 1)
    atoms.set_masses(structure.atoms.get_masses())
    out = Path(path)
    tmp = out.with_name(f".{out.name}.part")
    ase.io.write(tmp, atoms, format="extxyz")
    tmp.replace(out)
    return out


def read_atoms(
    path: str | Path,
    *,
    format: str | None = None,
    species: Sequence[str] | Mapping[int, str] | None = None,
    index: int = 0,
    max_atoms: int = MAX_ATOMS,
    what: str = "structure file",
) -> tuple[Any, str]:
    """One structure from a file the user named (``ase.Atoms``) and ASE's name of its format: the one reader of
    structure files, checked before and after ASE reads it; every problem is one InputError line.

    Before ASE sees the file: its format must be one of :data:`FORMATS` (data, no pickle), its size at most
    :data:`MAX_STRUCTURE_BYTES`, and the atom count its header states (extxyz/xyz count line, POSCAR counts,
    LAMMPS data ``N atoms``; a CIF's sites times its symmetry operations) at most ``max_atoms`` and no more than the
    file's size can hold (a count line of 1e8 on a 64-atom file would make ASE read 1e8 lines past the end), a CIF
    at most :data:`MAX_CIF_SITES` sites and :data:`MAX_SYMMETRY_OPERATIONS` operations.  After: at most
    ``max_atoms`` atoms
    (a CIF's symmetry copies included), finite positions and cell, no length beyond :data:`MAX_EXTENT`.
    ``index``: the frame of a file with several (0 the first, -1 the last).
    """
    import ase.io
    from ase.io.formats import filetype

    from ..io.paths import is_file, message_about

    path = Path(path)
    if not is_file(path):
        raise InputError(f"{what} {path} does not exist or is not a file")
    size = path.stat().st_size
    if size > MAX_STRUCTURE_BYTES:
        raise InputError(
            f"{path}: the file is {size / 1e6:.4g} MB; structure files are read up to {MAX_STRUCTURE_BYTES / 1e6:g} MB "
            f"(one structure of at most {MAX_ATOMS:,} atoms; cut one frame out of a trajectory)"
        )
    if size == 0:
        raise InputError(f"{path}: the file is empty")
    lammps_name = path.suffix in (".data", ".lmp", ".lammps") or path.name.startswith("data.")
    try:
        fmt = format or ("lammps-data" if lammps_name else filetype(str(path), guess=True))
    except Exception as exc:  # ASE raises several types for files it cannot place
        raise InputError(
            f"{path}: ASE cannot tell the file's format ({message_about(path, exc)}); give it (e.g. format='extxyz')"
        ) from None
    if fmt not in FORMATS:
        raise InputError(f"{path}: format {fmt!r} is not read; kapitza reads {', '.join(FORMATS)}")
    _check_stated_count(path, str(fmt), size, max_atoms)
    kwargs: dict[str, Any] = {}
    if fmt == "lammps-data":
        kwargs = {"atom_style": "atomic", "Z_of_type": _types(species, path)}
    try:
        with warnings.catch_warnings():  # ASE warns on stderr (equivalent CIF sites...): one line or none
            warnings.simplefilter("ignore")
            atoms = ase.io.read(str(path), index=index, format=fmt, **kwargs)
    except Exception as exc:  # a malformed file raises anything from ValueError to IndexError
        if not str(exc).strip():  # StopIteration, AssertionError: the reader ran off a file it did not understand
            raise InputError(
                f"{path}: not a well-formed {fmt} file (ASE's reader stopped with {type(exc).__name__} and no message)"
            ) from None
        raise InputError(f"{path}: cannot be read as {fmt}: {message_about(path, exc)}") from None
    if not hasattr(atoms, "positions"):
        raise InputError(f"{path}: the file holds no structure ASE returns as atoms")
    if len(atoms) == 0:
        raise InputError(f"{path}: the file holds no atoms")
    if len(atoms) > max_atoms:
        raise InputError(f"{path}: {len(atoms):,} atoms; {_limit_text(max_atoms)}")
    if not np.all(np.isfinite(atoms.positions)):
        raise InputError(f"{path}: some positions are not finite numbers")
    cell = np.asarray(atoms.cell, dtype=float)
    if not np.all(np.isfinite(cell)):
        raise InputError(f"{path}: the cell (lattice vectors) holds a number that is not finite")
    if max(np.abs(cell).max(), np.abs(atoms.positions).max()) > MAX_EXTENT:
        raise InputError(
            f"{path}: a cell vector or a position is longer than {MAX_EXTENT:g} A (a structure file holds atoms "
            "Angstroms apart; is the unit right?)"
        )
    return atoms, str(fmt)


def _limit_text(max_atoms: int) -> str:
    from .bulk import MAX_CRYSTAL_ATOMS

    if max_atoms == MAX_CRYSTAL_ATOMS:
        return (
            f"a bulk crystal's structure is read up to {MAX_CRYSTAL_ATOMS:,} atoms (its symmetry search grows faster "
            "than the square of the atoms): give its unit cell, not a supercell"
        )
    if max_atoms == MAX_LEAD_ATOMS:
        return (
            f"a structure whose leads are found (the AGF, interface show) is read up to {MAX_LEAD_ATOMS:,} atoms "
            "(the search for each end's bulk period grows with the square of the atoms per period)"
        )
    return f"structure files are read up to {max_atoms:,} atoms"


#: Fewest bytes one atom takes in a text format with one line per atom ("H 0 0 0" and its newline).
_MIN_ATOM_BYTES = 8


def _check_cif(path: Path, max_atoms: int) -> None:
    """A CIF's first block against the bounds, before ASE's reader expands it: at most
    :data:`MAX_SYMMETRY_OPERATIONS` operations (listed, or implied by its space group), at most
    :data:`MAX_CIF_SITES` sites, and at most ``max_atoms`` atoms after the expansion: its sites times its operations
    where that is within the bound (a few thousand sites of F m -3 m made ASE expand 576,000 atoms for minutes), else
    the images of each site counted once (a site on a special position has fewer than the operations).  Nothing is
    refused where ASE cannot parse the block (its reader then says why)."""
    from ase.io.cif import parse_cif

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            block = next(iter(parse_cif(str(path))))
            listed = next((block.get(k) for k in SYMMETRY_KEYS if block.get(k) is not None), None)
            sites = max(len(block.get(f"_atom_site_{k}") or ()) for k in ("fract_x", "cartn_x", "label"))
    except Exception:  # noqa: BLE001  (the full read below reports the problem)
        return
    _check_cif_cell(path, block)
    _check_operations(path, 1 if isinstance(listed, str) else len(listed or ()))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            group = block.get_spacegroup(True)
            operations = int(group.nsymop)
    except Exception:  # noqa: BLE001  (the full read below reports the problem)
        group, operations = None, 1
    _check_operations(path, operations)
    if sites * operations > max_atoms and sites > MAX_CIF_SITES:
        raise InputError(
            f"{path}: its sites times its space group's operations give up to {sites * operations:,} atoms; "
            f"{_limit_text(max_atoms)}"
        )
    if sites > MAX_CIF_SITES:
        raise InputError(
            f"{path}: the CIF lists {sites:,} sites; CIFs are read up to {MAX_CIF_SITES} (ASE's reader compares "
            "every site with every earlier one): give a structure of many atoms as extxyz or POSCAR"
        )
    if sites * operations <= max_atoms or group is None:
        return
    expanded = _expanded_sites(block, group)
    if expanded is None or expanded > max_atoms:
        shown = f"give up to {sites * operations:,}" if expanded is None else f"expand to {expanded:,}"
        raise InputError(f"{path}: its sites and its space group's operations {shown} atoms; {_limit_text(max_atoms)}")


def _check_cif_cell(path: Path, block: Any) -> None:
    """A CIF block's cell as written: each of ``_cell_length_a``, ``_b``, ``_c`` a number > 0 (A) and each of
    ``_cell_angle_alpha``, ``_beta``, ``_gamma`` between 0 and 180 degrees, or one InputError before any work (ASE
    reads a negative length as the mirrored cell, which was then computed for minutes).  An absent or unreadable
    value is left to ASE's reader."""
    for axis in "abc":
        value = block.get(f"_cell_length_{axis}")
        if isinstance(value, (int, float)) and not (math.isfinite(value) and value > 0):
            raise InputError(f"{path}: _cell_length_{axis} is {value:g} A; a cell length is a number > 0")
    for angle in ("alpha", "beta", "gamma"):
        value = block.get(f"_cell_angle_{angle}")
        if isinstance(value, (int, float)) and not (math.isfinite(value) and 0 < value < 180):
            raise InputError(f"{path}: _cell_angle_{angle} is {value:g} degrees; a cell angle is between 0 and 180")


def _expanded_sites(block: Any, group: Any) -> int | None:
    """How many atoms a CIF block's fractional sites expand to under ``group``'s operations (each site's distinct
    images, within ASE's tolerance of 1e-3 in fractional coordinates; sites equivalent to each other, which ASE
    merges, counted apart: an upper bound), or None where the sites are not all numbers.  At most
    :data:`MAX_CIF_SITES` sites of :data:`MAX_SYMMETRY_OPERATIONS` operations: about 0.3 s."""
    try:
        fractions = np.array([block.get(f"_atom_site_fract_{k}") for k in "xyz"], dtype=float).T
        rotations, translations = (np.asarray(v, dtype=float) for v in group.get_op())
    except (TypeError, ValueError):
        return None
    if fractions.ndim != 2 or fractions.shape[1] != 3 or not np.all(np.isfinite(fractions)):
        return None
    total = 0
    for site in fractions:
        images = (rotations @ site + translations) % 1.0
        diff = images[:, None, :] - images[None, :, :]
        diff -= np.rint(diff)
        same = np.all(np.abs(diff) < 1e-3, axis=-1)
        total += int(np.sum(~np.any(np.tril(same, -1), axis=1)))  # the images equal to no earlier one
    return total


def _check_operations(path: Path, operations: int) -> None:
    if operations > MAX_SYMMETRY_OPERATIONS:
        raise InputError(
            f"{path}: the CIF carries {operations:,} symmetry operations; a space group has at most "
            f"{MAX_SYMMETRY_OPERATIONS} in its conventional setting (International Tables for Crystallography, "
            "Vol. A): not a crystal's symmetry"
        )


def _check_stated_count(path: Path, fmt: str, size: int, max_atoms: int) -> None:
    """The atom count a header states, against ``max_atoms`` and the file's size, before ASE reads the file; a CIF's
    sites against :data:`MAX_CIF_SITES`."""
    if fmt == "cif":
        _check_cif(path, max_atoms)
        return
    stated = _stated_count(path, fmt)
    if stated is None:
        return
    if stated > max_atoms:
        raise InputError(f"{path}: the file states {stated:,} atoms; {_limit_text(max_atoms)}")
    if stated * _MIN_ATOM_BYTES > size + 1:
        raise InputError(
            f"{path}: the file states {stated:,} atoms but holds {size:,} bytes, too few for them (at least "
            f"{_MIN_ATOM_BYTES} per atom): its count is wrong or the file was cut short"
        )


def _stated_count(path: Path, fmt: str) -> int | None:
    """The atom count in the header of an xyz, POSCAR or LAMMPS data file (read from its first lines only), or
    None for other formats (their atoms are counted after reading, within :data:`MAX_STRUCTURE_BYTES`; a CIF's are
    bounded by :func:`_check_cif`)."""
    if fmt not in ("extxyz", "xyz", "vasp", "lammps-data"):
        return None
    with open(path, "rb") as handle:
        head = handle.read(_HEADER_BYTES).decode("ascii", errors="replace").splitlines()
    if fmt in ("extxyz", "xyz"):
        words = head[0].split() if head else []
        if len(words) != 1 or not words[0].isdigit():
            raise InputError(f"{path}: the first line of an {fmt} file must be the number of atoms")
        return int(words[0])
    if fmt == "vasp":  # line 6 holds the counts, or line 7 after a line of element names
        for line in head[5:7]:
            words = line.split()
            if words and all(w.isdigit() for w in words):
                return sum(int(w) for w in words)
        return None
    for line in head[1:]:  # LAMMPS data: "N atoms" among the header lines
        words = line.split("#", 1)[0].split()
        if len(words) == 2 and words[1] == "atoms" and words[0].isdigit():
            return int(words[0])
    return None


def _types(species: Sequence[str] | Mapping[int, str] | None, path: Path) -> dict[int, int]:
    """LAMMPS type -> atomic number, from the user's type symbols."""
    from ase.data import atomic_numbers

    if species is None:
        raise InputError(
            f"{path}: a LAMMPS data file has atom types, not elements; give species=('Ga', 'N', ...) "
            "(type 1 first) or the pair file's element list"
        )
    pairs = species.items() if isinstance(species, Mapping) else enumerate(species, start=1)
    out = {}
    for t, s in pairs:
        if s not in atomic_numbers:
            raise InputError(f"{path}: species {s!r} of type {t} is not a chemical symbol")
        out[int(t)] = atomic_numbers[s]
    return out


def _permute(atoms: Any, axes: tuple[int, int, int]) -> Any:
    """``atoms`` with axes relabelled so that the normal is z (rows and columns of the cell, positions, pbc)."""
    if axes == (0, 1, 2):
        return atoms.copy()
    out = atoms.copy()
    cell = np.asarray(atoms.cell)[np.ix_(axes, axes)]
    out.set_cell(cell, scale_atoms=False)
    out.positions = atoms.positions[:, axes]
    out.pbc = np.asarray(atoms.pbc)[list(axes)]
    return out


def _check_cell(atoms: Any, path: Path) -> None:
    """In-plane cell vectors in the plane, periodic in-plane."""
    cell = np.asarray(atoms.cell)
    if not (atoms.pbc[0] and atoms.pbc[1]) or abs(np.linalg.det(cell[:2, :2])) < 1e-6:
        raise InputError(f"{path}: the cell is not periodic across the interface plane (needs two in-plane vectors)")
    if np.abs(cell[:2, 2]).max() > 1e-6:
        raise InputError(
            f"{path}: the cell is not periodic across the interface plane: its in-plane vectors have a component "
            "along the normal (give normal= or rotate the cell)"
        )


def _sides(atoms: Any, rule: str, path: Path) -> NDArray[np.int64]:
    """0 (A) or 1 (B) per atom by ``rule``; A must hold the low-z end and B the high-z end."""
    kind, _, arg = str(rule).strip().partition(":")
    if kind == "tags":
        side = _from_labels(atoms.get_tags(), path, "tags")
    elif kind == "column":
        if arg not in atoms.arrays:
            raise InputError(f"{path}: no per-atom column {arg!r}; the file has {', '.join(sorted(atoms.arrays))}")
        side = _from_labels(np.asarray(atoms.arrays[arg]), path, f"column {arg}")
    elif kind == "species":
        side = _from_species(atoms.get_chemical_symbols(), arg, path)
    elif kind == "plane":
        try:
            z = float(arg)
        except ValueError:
            raise InputError(f"{path}: sides 'plane:Z' needs Z in A, got {arg!r}") from None
        side = (atoms.positions[:, 2] >= z).astype(np.int64)
    else:
        raise InputError(f"{path}: sides must be tags, species:A1,A2/B1,B2, plane:Z or column:NAME, got {rule!r}")
    counts = np.bincount(side, minlength=2)
    if counts.min() == 0:
        raise InputError(f"{path}: side {'AB'[int(np.argmin(counts))]} has no atoms (sides by {rule})")
    z = atoms.positions[:, 2]
    if side[np.argmin(z)] != 0 or side[np.argmax(z)] != 1 or np.median(z[side == 0]) >= np.median(z[side == 1]):
        raise InputError(
            f"{path}: side A must hold the low-z end and side B the high-z end (sides by {rule}); the sides are "
            "interleaved or swapped"
        )
    return side


def _from_labels(labels: NDArray[Any], path: Path, what: str) -> NDArray[np.int64]:
    values = np.asarray(labels)
    if values.dtype.kind not in "iu" or not set(np.unique(values).tolist()) <= {1, 2}:
        found = sorted(set(np.unique(values).tolist()))[:6]
        raise InputError(f"{path}: {what} must be 1 (side A) or 2 (side B) on every atom, found {found}")
    return (values - 1).astype(np.int64)


def _from_species(symbols: Sequence[str], arg: str, path: Path) -> NDArray[np.int64]:
    a_text, slash, b_text = arg.partition("/")
    a, b = ({s.strip() for s in t.split(",") if s.strip()} for t in (a_text, b_text))
    if not slash or not a or not b:
        raise InputError(f"{path}: sides 'species:A1,A2/B1,B2' needs both lists, got {arg!r}")
    both = a & b
    if both:
        raise InputError(f"{path}: species {', '.join(sorted(both))} is on both sides; use tags or a plane instead")
    unknown = sorted(set(symbols) - a - b)
    if unknown:
        raise InputError(f"{path}: species {', '.join(unknown)} is on neither side of {arg!r}")
    return np.array([0 if s in a else 1 for s in symbols], dtype=np.int64)


def _check_overlap(atoms: Any, path: Path) -> None:
    from ase.neighborlist import neighbor_list

    i, j, d = neighbor_list("ijd", atoms, MIN_DISTANCE)
    if i.size:
        k = int(np.argmin(d))
        raise InputError(
            f"{path}: atoms {int(i[k])} and {int(j[k])} overlap ({d[k]:.3g} A apart, closer than {MIN_DISTANCE} A)"
        )


def _leads(
    atoms: Any, side: NDArray[np.int64], path: Path
) -> tuple[NDArray[np.int64], tuple[int, int], tuple[float, float]]:
    """cell_index per atom, whole cells (n_A, n_B) and the two periods (A); see the module doc."""
    z = atoms.positions[:, 2]
    keys = _site_keys(atoms)
    p_a, cells_a = _end_cells(atoms, keys, side == 0, z, path, "A")
    p_b, cells_b = _end_cells(atoms, keys, side == 1, -z, path, "B")  # B's end is the top: heights along -z
    n_a, n_b = len(cells_a), len(cells_b)
    index = -np.ones(len(atoms), dtype=np.int64)
    for k, members in enumerate(cells_a):
        index[members] = k
    for k, members in enumerate(cells_b):  # counted from the top: the topmost cell is the last
        index[members] = n_a + n_b - 1 - k
    return index, (n_a, n_b), (p_a, p_b)


def _site_keys(atoms: Any) -> NDArray[np.float64]:
    """Per atom: atomic number and mass, what must agree for two sites to be copies."""
    return np.column_stack([atoms.numbers, np.round(atoms.get_masses(), 6)])


def _end_cells(
    atoms: Any, keys: NDArray[np.float64], mine: NDArray[np.bool_], height: NDArray[np.float64], path: Path, name: str
) -> tuple[float, list[NDArray[np.int64]]]:
    """The bulk period of the end of one side and the atoms of each whole period from that end."""
    h0 = height[mine].min()
    first = np.flatnonzero(mine & (height < h0 + TOLERANCE))[0]
    same = np.flatnonzero(mine & np.all(keys == keys[first], axis=1))
    candidates = np.unique(np.round(height[same] - h0, 4))
    candidates = candidates[(candidates > 0.3) & (candidates <= MAX_PERIOD)]
    lateral = np.asarray(atoms.cell)[:2, :2]
    for p in candidates:
        image = same[np.argmin(np.abs(height[same] - h0 - p))]
        if _lateral_offset(atoms.positions[image, :2] - atoms.positions[first, :2], lateral) > TOLERANCE:
            continue
        cells = _whole_cells(atoms, keys, mine, height, h0, float(p), lateral)
        if cells:  # the period to float precision: the mean shift between the first and the last whole cell
            exact = (height[cells[-1]].mean() - height[cells[0]].mean()) / (len(cells) - 1)
            return float(exact), cells
    raise InputError(
        f"{path}: side {name} has no bulk period along the normal within {MAX_PERIOD:g} A of its end: the lead must "
        "be a perfect crystal at that end of the structure, two periods at least"
    )


def _whole_cells(
    atoms: Any,
    keys: NDArray[np.float64],
    mine: NDArray[np.bool_],
    height: NDArray[np.float64],
    h0: float,
    p: float,
    lateral: NDArray[np.float64],
) -> list[NDArray[np.int64]]:
    """Consecutive periods of this side from the end whose atoms are exact copies of the first period's (each atom
    of the first, shifted by k p, has its own copy, and the period's slab holds no other atom of this side); empty
    unless the second period is one.  Atoms that are no copy (relaxed, intermixed, the other side's) belong to no
    whole period."""
    # a period's slab starts half a bulk gap below its first plane, so that atoms relaxed by less than half the gap
    # stay in their own slab
    raw = mine & (height >= h0 - TOLERANCE) & (height < h0 - TOLERANCE + p)
    start = h0 - 0.5 * (h0 + p - height[raw].max())
    first = np.flatnonzero(mine & (height >= start) & (height < start + p))
    cells = [first]
    k = 1
    while True:
        shift = k * p
        near = np.flatnonzero(mine & (np.abs(height - h0 - shift - 0.5 * p) <= 0.5 * p + 1.0))
        match = _copies(atoms, keys, first, near, height, shift, lateral)
        window = np.flatnonzero(mine & (height >= start + shift) & (height < start + shift + p))
        if match is None or np.setdiff1d(window, match).size:  # a copy, and nothing else of this side in its slab
            break
        cells.append(match)
        k += 1
    return cells if len(cells) >= 2 else []


def _copies(
    atoms: Any,
    keys: NDArray[np.float64],
    ref: NDArray[np.int64],
    candidates: NDArray[np.int64],
    height: NDArray[np.float64],
    shift: float,
    lateral: NDArray[np.float64],
) -> NDArray[np.int64] | None:
    """The atoms among ``candidates`` that are ``ref`` shifted by ``shift`` along the normal (species, mass, lateral
    position modulo the cell), one for each, in ``ref``'s order; None unless every ``ref`` atom has one."""
    if candidates.size < ref.size:
        return None
    dz = np.abs((height[candidates][None, :] - shift) - height[ref][:, None])
    dxy = atoms.positions[candidates][None, :, :2] - atoms.positions[ref][:, None, :2]
    dist = np.hypot(_lateral_offset(dxy, lateral), dz)
    same = np.all(keys[ref][:, None, :] == keys[candidates][None, :, :], axis=-1)
    dist = np.where(same, dist, np.inf)
    best = np.argmin(dist, axis=1)
    if not np.all(dist[np.arange(ref.size), best] < TOLERANCE) or np.unique(best).size != ref.size:
        return None
    return candidates[best]


def _lateral_offset(dxy: NDArray[np.float64], lateral: NDArray[np.float64]) -> NDArray[np.float64]:
    """Length of in-plane offsets ``dxy`` (A, shape (..., 2)) modulo the lateral cell (the nearest image's, for the
    small offsets compared here), shape (...)."""
    frac = dxy @ np.linalg.inv(lateral)
    frac -= np.round(frac)
    return np.linalg.norm(frac @ lateral, axis=-1)


__all__ = [
    "FORMATS",
    "MAX_ATOMS",
    "MAX_CIF_SITES",
    "MAX_LEAD_ATOMS",
    "MAX_SYMMETRY_OPERATIONS",
    "read_atoms",
    "read_structure",
    "write_structure",
]
