"""A bulk crystal from its structure, checked and relaxed with any ASE calculator (ASE units: A, eV).

* :func:`parse_crystal_text`: the one command-line syntax for a crystal (also ``kapitza interface build``'s): a
  structure file, a name ASE's ``bulk`` knows ("Al"), or ``NAME:STRUCTURE:a=..,c=..`` for ``ase.build.bulk``
  (lengths in A), e.g. ``GaN:wurtzite:a=3.18092,c=5.19443``;
* :func:`check_crystal`: what a periodic crystal needs before any force is computed: atoms, a 3D periodic cell of
  finite, non-degenerate lattice vectors, no two atoms on top of each other, every site fully occupied by one
  element (ASE's CIF reader keeps one species per site and records the occupancies in ``atoms.info["occupancy"]``:
  a partly occupied or mixed site is refused, not silently replaced), at most :data:`MAX_CRYSTAL_ATOMS` atoms of
  elements up to :data:`MAX_ATOMIC_NUMBER`, no empty layer thicker than :data:`MAX_GAP_ANGSTROM` (a slab);
* :func:`relax_crystal`: cell and positions relaxed together (ASE's ``FrechetCellFilter`` with BFGS) under
  ``FixSymmetry``, so the crystal keeps its space group; refused with the largest residual when it does not
  converge within the stated steps;
* :func:`elastic_tensor`: the clamped-ion or relaxed-ion elastic constants from the calculator's stress under small
  strains (Born's criterion on them: :func:`kapitza.materials.elastic.born_stability`).
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from types import MappingProxyType
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .. import _checks
from ..errors import InputError, MissingDependencyError
from ..io.results import result
from ..units import ANGSTROM, EV, GPA

#: Keys ``NAME:STRUCTURE:...`` accepts (passed to ``ase.build.bulk``; lengths in A, angles in degrees).
BULK_KEYS = ("a", "b", "c", "alpha", "u")
#: The keys each prototype of ``ase.build.bulk`` (ASE 3.23-3.29, ``ase/build/bulk.py``) uses: any other key would be
#: ignored by it (``alpha`` on a cubic prototype) and is refused.  ASE's ``tetragonal`` and ``mcl`` are left out:
#: its ``bulk`` builds no cell for them ("Cannot create primitive cell").
PROTOTYPE_KEYS = MappingProxyType({
    **dict.fromkeys(("sc", "fcc", "bcc", "diamond", "zincblende", "rocksalt", "cesiumchloride", "fluorite"), ("a",)),
    "hcp": ("a", "c"),
    "bct": ("a", "c"),
    "wurtzite": ("a", "c", "u"),
    "rhombohedral": ("a", "alpha"),
    "orthorhombic": ("a", "b", "c"),
})  # fmt: skip
#: The lattice lengths among them, and the range a crystal's can take (A): the same range as the crystal table
#: of the measured compilation (literature/crystals.py).
LENGTH_KEYS = ("a", "b", "c")
LENGTH_RANGE_ANGSTROM = (0.5, 100.0)
#: Open range of the other keys: ``alpha`` (degrees) of ASE's rhombohedral lattice, which spans a volume only below
#: 120 degrees (ase.lattice.RHL refuses 120 and above); wurtzite's internal coordinate ``u`` (a fraction of c; ASE
#: takes u = 0 for "not given" and puts its default in its place).
OPEN_RANGES = MappingProxyType({"alpha": (0.0, 120.0), "u": (0.0, 1.0)})
#: Longest ``NAME:STRUCTURE:a=..,c=..`` text read, characters: a formula, the longest prototype name
#: ("cesiumchloride", 14) and three keys with numbers of :data:`MAX_NUMBER_CHARS` each fit in about 140; a text of
#: 10,000 characters was handed to the file system as a file name (OSError: File name too long) and quoted whole in
#: the refusal.
MAX_CRYSTAL_TEXT_CHARS = 256
#: Longest number of ``NAME:STRUCTURE:a=..``, characters: a float64 holds 17 significant digits, so sign, digits,
#: point and exponent need at most 24 ("-1.2345678901234567e-100"); a lattice constant of 400 digits was read.
MAX_NUMBER_CHARS = 32
#: A number of ``NAME:STRUCTURE:a=..``: ASCII digits only (Python's float() also reads Arabic-Indic and other
#: digits, "5_43", "nan" and "infinity"), an optional sign, point and exponent.
NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?", re.ASCII)
#: NAME (a formula ``ase.build.bulk`` reads, "GaN", "CaF2") and STRUCTURE: ASCII letters and digits.
WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*", re.ASCII)
#: Most atoms in a bulk crystal's structure (a file, ASE Atoms, a built cell), refused before any symmetry search or
#: distance check: spglib's symmetry search grows faster than the square of the atoms for a structure of low
#: symmetry (silicon with its positions displaced by 0.01 A, symprec 1e-3, this project's 2-core machine: 1,000
#: atoms 1.1 to 1.8 s, 2,000 1.5 s, 4,000 4.7 s, 8,000 64 s; a 21,952-atom perfect crystal 17 s), and kapitza
#: searches a crystal's symmetry four times before its first force.  The bulk routes take far fewer: the phonons'
#: supercell holds at most ``max_supercell_atoms`` (600 by default), the elastic constants' conventional cell at
#: most 256.  At the bound the checks before any force are linear in memory (the distance check is a neighbour
#: list): 2,000 displaced Si atoms took 0.03 s in :func:`check_crystal` and 3.1 s in the standard conventional cell's
#: symmetry search, 154 MB peak resident with the libraries.  A 19,683-atom POSCAR allocated 4.3 GiB in the
#: all-pairs distance check, a 148,877-atom one ran past 150 s, both before any refusal (issue 51).
MAX_CRYSTAL_ATOMS = 2_000
#: Heaviest element accepted in a crystal: einsteinium (Z = 99), the heaviest made in amounts whose crystal structure
#: was measured; fermium and beyond have been made only a few atoms at a time, so no crystal of them is known, and
#: phonopy's species table names Z = 113-118 by their old placeholder names (Og, fcc, failed inside it).  Z = 0 is
#: ASE's dummy atom "X", no element.
MAX_ATOMIC_NUMBER = 99
#: Thickest layer with no atom that a bulk crystal may have between planes of atoms parallel to its cell's faces,
#: A: wider than the cut-off of the built-in potentials (SevenNet 5 A; CHGNet's atom graph 6 A), so the atoms on
#: its two sides do not interact: a slab with vacuum (20 A of it ran ``kapitza elastic`` past 150 s) or atoms too
#: far apart (``Si:diamond:a=100``, where the elastic constants came out 0 GPa).  Measured (issue 51, with
#: :func:`largest_gap`): the crystal table's 42 crystals, conventional and primitive cells, and the database's buildable
#: materials have none thicker than graphite's 3.36 A between its layers; ASE's reference crystals of the elements
#: none thicker than Cs's 4.28 A (its primitive bcc cell), but for the one-atom orthorhombic cells ASE records for
#: U (5.86 A) and Np (6.66 A, refused), whose real crystals hold 2 and 8 atoms in those cells.
MAX_GAP_ANGSTROM = 6.0
#: Occupancies within this of 1 count as a full site (CIFs write 0.9999 or 1.0).
OCCUPANCY_TOLERANCE = 1e-3
#: Two atoms closer than this (A) are on top of each other.
MIN_DISTANCE_ANGSTROM = 0.5
#: Longest lattice vector accepted (A): the largest unit cells of inorganic crystals are tens of A; a longer vector
#: is a typo (a = 1e9) that would make neighbour lists allocate without bound.
MAX_CELL_ANGSTROM = 500.0
#: Default convergence of a relaxation: the largest force component on atoms and on the cell (FrechetCellFilter's
#: generalised forces: stress times volume per atom), eV/A.  Tight, because residual forces and stress give
#: spurious soft modes; reachable with float32 forces (their noise on a relaxed crystal: ~5e-6 eV/A for CHGNet).
FMAX_EV_PER_ANGSTROM = 1e-3
#: Default most optimiser steps of a relaxation.
MAX_STEPS = 500
#: Tolerance (A) of the symmetry search that FixSymmetry keeps during a relaxation (ASE's default 0.01 would
#: merge slightly distorted structures into higher symmetry).
SYMPREC = 1e-3
#: Largest relative change of a cell length (a, b or c) a relaxation may make: beyond it the potential does not hold
#: the crystal where it was measured, and its phonons would be another crystal's.  Measured with sevennet-l3i5 on
#: the 36 distinct crystals of kapitza's crystal table it relaxes (2026-11-25): every length within 2.4 % (quartz
#: +2.35 %, Au +2.25 %, GaAs +1.76 %) except graphite's c, +20.1 % (6.711 -> 8.063 A: its layers are bound by van
#: der Waals forces, which a potential trained on PBE energies lacks).
MAX_RELAXED_CHANGE = 0.10
#: A relaxation is stopped as soon as a cell length has changed by this much: its end would be refused
#: (:data:`MAX_RELAXED_CHANGE`), and a cell that runs away is refused at once (a 1-atom bcc hydrogen cell collapsing
#: by 38 % with CHGNet took 121 s over 29 steps, each force call slower as the cell shrinks).  Well above the accepted
#: change, so that a relaxation that overshoots on its way is not cut short: 1-atom fcc helium with CHGNet passed
#: -24.5 % on its way to -14 % (BFGS on the cell); an end within 10 % would overshoot less.
RUNAWAY_CHANGE = 0.25


class _RunAway(Exception):
    """A relaxation stopped because its cell ran away (:data:`RUNAWAY_CHANGE`); the step it was stopped at."""


def _shown(text: str) -> str:
    """``text`` as an error message quotes it: whole where short, else its first 40 characters and its length."""
    return repr(text) if len(text) <= 60 else f"{text[:40]!r}... ({len(text):,} characters)"


def parse_crystal_text(text: str) -> str | dict[str, Any]:
    """A crystal as the command line gives it: a structure file or a name (returned as given), or a dict of
    ``ase.build.bulk`` keywords from ``NAME:STRUCTURE:a=...,c=...`` (lengths in A, ``alpha`` in degrees).

    A text that is no file is at most :data:`MAX_CRYSTAL_TEXT_CHARS` long; NAME and STRUCTURE are ASCII letters and
    digits, STRUCTURE one of :data:`PROTOTYPE_KEYS`; each key is one the prototype uses, given once, with a number
    of ASCII digits (:data:`NUMBER`, at most :data:`MAX_NUMBER_CHARS` characters) within its range.  Anything else is
    one InputError."""
    from ..io.paths import is_file

    if not isinstance(text, str):
        raise InputError(f"a crystal is given as text (a file, a name or NAME:STRUCTURE:a=...), got {text!r}")
    if is_file(text):  # a name too long or impossible for the file system is no file (no OSError)
        return text
    if len(text) > MAX_CRYSTAL_TEXT_CHARS:
        raise InputError(
            f"crystal {_shown(text)}: not a file, and longer than the {MAX_CRYSTAL_TEXT_CHARS} characters a name or "
            "NAME:STRUCTURE:a=...,c=... may have"
        )
    if ":" not in text:
        return text
    parts = text.split(":")
    if len(parts) != 3:
        raise InputError(f"crystal {_shown(text)}: expected a file, a name, or NAME:STRUCTURE:a=...,c=... (A)")
    name, structure, numbers = parts
    if not name or not structure:
        raise InputError(
            f"crystal {_shown(text)}: NAME and STRUCTURE must not be empty (e.g. GaN:wurtzite:a=3.19,c=5.19)"
        )
    for part, what in ((name, "NAME (a formula, e.g. GaN)"), (structure, "STRUCTURE")):
        if not WORD.fullmatch(part):
            raise InputError(f"crystal {_shown(text)}: {what} must be ASCII letters and digits, got {_shown(part)}")
    keys = PROTOTYPE_KEYS.get(structure)
    if keys is None:
        raise InputError(
            f"crystal {_shown(text)}: STRUCTURE {_shown(structure)} is not one ase.build.bulk builds; give one of "
            f"{', '.join(PROTOTYPE_KEYS)}"
        )
    spec: dict[str, Any] = {"name": name, "crystalstructure": structure}
    for item in filter(None, numbers.split(",")):
        key, _, value = item.partition("=")
        if key not in BULK_KEYS or not value:
            raise InputError(f"crystal {_shown(text)}: {_shown(item)} is not a=..., c=..., alpha=... or u=...")
        if key not in keys:
            raise InputError(
                f"crystal {_shown(text)}: {structure} takes {', '.join(f'{k}=' for k in keys)} only, not {key}= "
                "(ase.build.bulk would ignore it)"
            )
        if key in spec:
            raise InputError(f"crystal {_shown(text)}: {key}= is given twice; give each number once")
        spec[key] = _number(text, key, value)
    return spec


def _number(text: str, key: str, value: str) -> float:
    """One number of ``NAME:STRUCTURE:...``, checked (see :func:`parse_crystal_text`)."""
    if len(value) > MAX_NUMBER_CHARS or not NUMBER.fullmatch(value):
        raise InputError(
            f"crystal {_shown(text)}: {key}={_shown(value)} is not a finite number of ASCII digits (at most "
            f"{MAX_NUMBER_CHARS} characters, e.g. {key}=5.431)"
        )
    number = float(value)
    if key in LENGTH_KEYS:
        low, high = LENGTH_RANGE_ANGSTROM
        if not low <= number <= high:
            raise InputError(f"crystal {_shown(text)}: {key} must be between {low:g} and {high:g} A, got {value}")
    else:
        low, high = OPEN_RANGES[key]
        if not low < number < high:
            raise InputError(f"crystal {_shown(text)}: {key} must be above {low:g} and below {high:g}, got {value}")
    return number


def check_crystal(atoms: Any, name: str) -> None:
    """Refuse what is not a periodic crystal with fully occupied sites (InputError naming ``name``).

    Checks, in order: atoms present, at most :data:`MAX_CRYSTAL_ATOMS` of them (before any step whose cost grows
    faster than the atoms); elements from H to :data:`MAX_ATOMIC_NUMBER`; periodic in three directions; finite
    lattice vectors no longer than :data:`MAX_CELL_ANGSTROM`, spanning a volume (not degenerate); finite positions;
    no two atoms (or an atom and its own periodic image) closer than :data:`MIN_DISTANCE_ANGSTROM` (a neighbour
    list: memory and time grow with the atoms, not their square); every site fully occupied by one element
    (``atoms.info["occupancy"]`` from ASE's CIF reader); no layer without atoms thicker than
    :data:`MAX_GAP_ANGSTROM` parallel to a face of the cell (a slab, or atoms too far apart to interact).
    """
    if len(atoms) == 0:
        raise InputError(f"{name}: the structure has no atoms")
    check_crystal_size(len(atoms), name)
    _check_elements(atoms, name)
    if not np.all(atoms.pbc):
        raise InputError(f"{name}: the structure is not periodic in three directions (pbc = {atoms.pbc.tolist()})")
    cell = np.asarray(atoms.cell, dtype=float)
    if not np.all(np.isfinite(cell)) or not np.all(np.isfinite(atoms.positions)):
        raise InputError(f"{name}: the cell or the positions hold numbers that are not finite")
    lengths = np.linalg.norm(cell, axis=1)
    volume = abs(float(np.linalg.det(cell)))
    if lengths.max() > MAX_CELL_ANGSTROM:
        raise InputError(
            f"{name}: a lattice vector of {lengths.max():.4g} A is longer than {MAX_CELL_ANGSTROM:g} A: not the cell "
            "of a bulk crystal (lengths are in A)"
        )
    if lengths.min() <= 0 or volume < 1e-3 * float(np.prod(lengths)):
        raise InputError(
            f"{name}: the cell is degenerate (lattice vectors {np.round(cell, 6).tolist()} A span no volume)"
        )
    _check_occupancy(atoms, name)
    _check_distances(atoms, name)
    check_gaps(atoms, name)


def check_crystal_size(atoms: int, name: str) -> None:
    """Refuse a bulk crystal of more than :data:`MAX_CRYSTAL_ATOMS` atoms (before any symmetry search)."""
    if atoms > MAX_CRYSTAL_ATOMS:
        raise InputError(
            f"{name}: {atoms:,} atoms; a bulk crystal's structure is read up to {MAX_CRYSTAL_ATOMS:,} atoms (its "
            "symmetry search grows faster than the square of the atoms): give its unit cell, not a supercell"
        )


def _check_elements(atoms: Any, name: str) -> None:
    numbers = np.asarray(atoms.numbers)
    bad = numbers[(numbers < 1) | (numbers > MAX_ATOMIC_NUMBER)]
    if bad.size:
        from ase.data import chemical_symbols

        z = int(bad[0])
        symbol = chemical_symbols[z] if 0 <= z < len(chemical_symbols) else f"Z = {z}"
        raise InputError(
            f"{name}: {symbol} (Z = {z}) is no element of a known crystal: kapitza takes elements from H (Z = 1) to "
            f"Es (Z = {MAX_ATOMIC_NUMBER}), the heaviest with a measured crystal structure"
        )


def _check_distances(atoms: Any, name: str) -> None:
    """No two atoms, nor an atom and its own image, closer than :data:`MIN_DISTANCE_ANGSTROM` (ASE's neighbour list:
    linear in the atoms, where the all-pairs distances of 19,683 atoms needed 4.3 GiB)."""
    from ase.neighborlist import neighbor_list

    i, j, d = neighbor_list("ijd", atoms, MIN_DISTANCE_ANGSTROM, self_interaction=False)
    if not i.size:
        return
    k = int(np.argmin(d))
    if i[k] == j[k]:
        raise InputError(
            f"{name}: atom {int(i[k])} is {d[k]:.3g} A from its own periodic image (below {MIN_DISTANCE_ANGSTROM} "
            "A): a lattice vector puts the atom on its own image"
        )
    raise InputError(
        f"{name}: atoms {int(min(i[k], j[k]))} and {int(max(i[k], j[k]))} are {d[k]:.3g} A apart (below "
        f"{MIN_DISTANCE_ANGSTROM} A): not a crystal structure"
    )


def largest_gap(atoms: Any) -> tuple[float, int]:
    """The thickest layer with no atom between planes of atoms parallel to a face of the cell, A, and the cell
    vector it lies along (0, 1, 2: the layer is parallel to the face the other two span)."""
    cell = np.asarray(atoms.cell, dtype=float)
    volume = abs(float(np.linalg.det(cell)))
    fractions = np.asarray(atoms.get_scaled_positions(wrap=True), dtype=float)
    best, axis = 0.0, 0
    for k in range(3):
        s = np.sort(fractions[:, k])
        gaps = np.diff(np.concatenate([s, [s[0] + 1.0]]))
        width = volume / float(np.linalg.norm(np.cross(cell[(k + 1) % 3], cell[(k + 2) % 3])))
        if gaps.max() * width > best:
            best, axis = float(gaps.max() * width), k
    return best, axis


def check_gaps(atoms: Any, name: str) -> None:
    """Refuse a layer without atoms thicker than :data:`MAX_GAP_ANGSTROM` parallel to a face of the cell (a slab
    with vacuum, or atoms too far apart to interact: no bulk crystal)."""
    gap, axis = largest_gap(atoms)
    if gap > MAX_GAP_ANGSTROM:
        raise InputError(
            f"{name}: a layer {gap:.3g} A thick holds no atom (along the cell's {'abc'[axis]} vector; more than "
            f"{MAX_GAP_ANGSTROM:g} A, beyond the reach of the built-in potentials): a slab with vacuum or atoms too "
            "far apart to interact, not a bulk crystal; give the bulk crystal's cell (lengths in A)"
        )


def _check_occupancy(atoms: Any, name: str) -> None:
    occupancy = atoms.info.get("occupancy")
    if not occupancy:
        return
    for site, species in dict(occupancy).items():
        values = {str(s): float(v) for s, v in dict(species).items()}
        if len(values) > 1 or any(abs(v - 1.0) > OCCUPANCY_TOLERANCE for v in values.values()):
            shown = ", ".join(f"{s} {v:g}" for s, v in values.items())
            raise InputError(
                f"{name}: site {site} is partly occupied ({shown}): a disordered or non-stoichiometric structure "
                "has no force constants of one crystal; give an ordered structure (every site one element, "
                "occupancy 1)"
            )


@result
class Relaxation:
    """How a bulk crystal was relaxed (cell and positions, symmetry kept).

    Attributes
    ----------
    converged : bool
        The largest residual reached ``fmax`` within ``steps``.
    steps : int
        Optimiser steps taken.
    residual : float
        Largest force component on atoms and cell (FrechetCellFilter's), eV/A.
    fmax : float
        The convergence threshold, eV/A.
    max_steps : int
        The most steps allowed.
    input_cell : ndarray
        Lattice parameters a, b, c (A) and alpha, beta, gamma (degrees) before, shape (6,).
    relaxed_cell : ndarray
        The same after, shape (6,).
    spacegroup : str
        International symbol and number of the space group kept ("Fd-3m (227)").
    """

    converged: bool
    steps: int
    residual: float
    fmax: float
    max_steps: int
    input_cell: NDArray[np.float64]
    relaxed_cell: NDArray[np.float64]
    spacegroup: str

    def __post_init__(self) -> None:
        # the rules of relax_crystal's record, also for one built in code or loaded from a file (kapitza.load)
        where = "Relaxation"
        if not isinstance(self.converged, (bool, np.bool_)):
            raise InputError(f"{where}: converged must be true or false, got {self.converged!r}")
        for name in ("steps", "max_steps"):
            value = getattr(self, name)
            if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
                raise InputError(f"{where}: {name} must be a whole number, got {value!r}")
            object.__setattr__(self, name, int(value))
        if self.max_steps < 1 or not 0 <= self.steps <= self.max_steps:
            raise InputError(
                f"{where}: steps ({self.steps}) must be from 0 to max_steps ({self.max_steps}), and max_steps >= 1"
            )
        object.__setattr__(self, "fmax", _checks.positive(self.fmax, f"{where}: fmax", "eV/A"))
        object.__setattr__(self, "residual", _checks.non_negative(self.residual, f"{where}: residual", "eV/A"))
        if self.converged and self.residual > self.fmax:
            raise InputError(
                f"{where}: converged, but the residual {self.residual:.3g} eV/A is above fmax {self.fmax:.3g} eV/A"
            )
        for name in ("input_cell", "relaxed_cell"):
            try:
                cell = np.array(getattr(self, name), dtype=float)
            except (TypeError, ValueError):
                raise InputError(f"{where}: {name} must be six numbers (a, b, c in A; alpha, beta, gamma)") from None
            if cell.shape != (6,) or not np.all(np.isfinite(cell)):
                raise InputError(f"{where}: {name} must be six finite numbers (a, b, c in A; alpha, beta, gamma)")
            lengths, angles = cell[:3], cell[3:]
            if np.any(lengths < MIN_DISTANCE_ANGSTROM) or np.any(lengths > MAX_CELL_ANGSTROM):
                raise InputError(
                    f"{where}: {name} has lengths {lengths.tolist()} A; a crystal's are {MIN_DISTANCE_ANGSTROM:g} to "
                    f"{MAX_CELL_ANGSTROM:g} A"
                )
            if np.any(angles <= 0) or np.any(angles >= 180):
                raise InputError(f"{where}: {name} has angles {angles.tolist()} degrees; each is between 0 and 180")
            object.__setattr__(self, name, cell)
        check_relaxed_cell(self.input_cell, self.relaxed_cell, where)
        if not isinstance(self.spacegroup, str) or not self.spacegroup.isprintable() or len(self.spacegroup) > 64:
            raise InputError(f'{where}: spacegroup must be a short text ("Fd-3m (227)")')


def symmetry_dataset(atoms: Any, symprec: float = SYMPREC) -> Any:
    """spglib's symmetry dataset of ``atoms`` within ``symprec`` (A), or None where spglib finds none.

    spglib 2.x warns (DeprecationWarning) about its old error handling unless a process-wide switch is set (phonopy
    sets it on import); kapitza changes no process-wide state, so the warning is held back for this call.
    """
    import spglib

    cell = (np.asarray(atoms.cell, dtype=float), atoms.get_scaled_positions(), np.asarray(atoms.numbers))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        try:
            return spglib.get_symmetry_dataset(cell, symprec=symprec)
        except Exception:  # noqa: BLE001 - spglib's new error handling raises where the old returned None
            return None


def spacegroup(atoms: Any, symprec: float = SYMPREC) -> str:
    """``"Fd-3m (227)"``: the space group of ``atoms`` found by spglib within ``symprec`` (A)."""
    data = symmetry_dataset(atoms, symprec)
    if data is None:
        return "unknown"
    return f"{data.international} ({data.number})"


def check_relaxed_cell(before: NDArray[np.float64], after: NDArray[np.float64], name: str) -> None:
    """Refuse a relaxation that changed a cell length by more than :data:`MAX_RELAXED_CHANGE` (InputError naming
    the length, both values and the change).  ``before``, ``after``: lattice parameters a, b, c (A), alpha, beta,
    gamma, as :class:`Relaxation` records them."""
    lengths = np.asarray(before, dtype=float)[:3], np.asarray(after, dtype=float)[:3]
    change = lengths[1] / lengths[0] - 1.0
    worst = int(np.argmax(np.abs(change)))
    if abs(change[worst]) <= MAX_RELAXED_CHANGE:
        return
    raise InputError(
        f"{name}: the relaxation moved {'abc'[worst]} from {lengths[0][worst]:.4f} to {lengths[1][worst]:.4f} A "
        f"({100 * change[worst]:+.1f} %, more than the {100 * MAX_RELAXED_CHANGE:g} % kapitza accepts): the "
        "potential does not hold this crystal where it was measured (a layered crystal bound by van der Waals "
        "forces, which potentials trained on PBE energies lack, does this), so its phonons would be another "
        "crystal's; check the structure's lattice constants, or use a calculator that describes this binding (a "
        "name with '+d3' adds Grimme's D3 dispersion correction, e.g. --calculator sevennet-l3i5+d3)"
    )


def relax_crystal(
    atoms: Any,
    calculator: Any,
    name: str,
    *,
    fmax_ev_per_angstrom: float = FMAX_EV_PER_ANGSTROM,
    steps: int = MAX_STEPS,
    symprec: float = SYMPREC,
    progress: Callable[[str, int, int], None] | None = None,
) -> tuple[Any, Relaxation]:
    """Relax the cell and the positions of a periodic crystal with ``calculator``, keeping its symmetry.

    Parameters
    ----------
    atoms : ase.Atoms
        A checked crystal (:func:`check_crystal`); not changed.
    calculator : ase.calculators.calculator.Calculator
        Any ASE calculator with forces and stress.
    name : str
        Named in messages.
    fmax_ev_per_angstrom : float
        Convergence: largest residual force component on atoms and cell (FrechetCellFilter), eV/A.
    steps : int
        Most BFGS steps.
    symprec : float
        Symmetry tolerance of ``FixSymmetry``, A.
    progress : callable, optional
        ``progress("relaxation", step, steps)`` after each optimiser step.

    Returns
    -------
    (ase.Atoms, Relaxation)
        The relaxed crystal (no calculator attached, no constraint) and the record of the relaxation.

    Raises
    ------
    InputError
        Not converged within ``steps`` (the message gives the residual, fmax and steps), a cell length changed by
        more than :data:`MAX_RELAXED_CHANGE` (:func:`check_relaxed_cell`), or the calculator fails (no stress,
        non-finite numbers).
    """
    fmax = _checks.positive(fmax_ev_per_angstrom, "fmax_ev_per_angstrom", "eV/A")
    n_steps = int(_checks.positive(steps, "steps", ""))
    try:
        from ase.constraints import FixSymmetry
        from ase.filters import FrechetCellFilter
        from ase.optimize import BFGS
    except ImportError:
        raise MissingDependencyError("ase", "phonons", "relaxing crystals") from None
    from .calculators import quiet

    work = atoms.copy()
    before = np.asarray(work.cell.cellpar(), dtype=float)
    work.calc = calculator

    def held() -> None:
        """Stop a relaxation whose cell has run away (a length changed by twice what is accepted at its end): the
        potential does not hold the crystal, and going on costs minutes (a collapsing cell's force calls grow
        slower) before the same refusal."""
        lengths = np.asarray(work.cell.cellpar(), dtype=float)[:3]
        if np.any(np.abs(lengths / before[:3] - 1.0) > RUNAWAY_CHANGE):
            raise _RunAway(optimizer.nsteps)

    try:
        with quiet():
            work.set_constraint(FixSymmetry(work, symprec=symprec))
            group = spacegroup(work, symprec)
            moving = FrechetCellFilter(work)
            optimizer = BFGS(moving, logfile=None)
            optimizer.attach(held)
            if progress is not None:
                optimizer.attach(lambda: progress("relaxation", optimizer.nsteps, n_steps))
            converged = bool(optimizer.run(fmax=fmax, steps=n_steps))
            residual = float(np.abs(moving.get_forces()).max())
    except _RunAway as stopped:
        check_relaxed_cell(before, np.asarray(work.cell.cellpar(), dtype=float), f"{name} (stopped at step {stopped})")
        raise AssertionError("a run-away cell passes check_relaxed_cell") from None  # RUNAWAY_CHANGE > its bound
    except (InputError, MissingDependencyError):
        raise
    except (Exception, SystemExit) as exc:  # noqa: BLE001 - the calculator (its sys.exit too) or the optimiser failing
        raise InputError(f"{name}: relaxation failed: {type(exc).__name__}: {exc}") from None
    if not np.isfinite(residual):
        raise InputError(f"{name}: relaxation failed: the calculator returned forces or stress that are not finite")
    if not converged:
        raise InputError(
            f"{name}: the relaxation did not converge: largest residual force {residual:.3g} eV/A after "
            f"{optimizer.nsteps} steps (fmax {fmax:g} eV/A, at most {n_steps} steps); raise the steps or check the "
            "structure"
        )
    work.calc = None
    work.set_constraint()
    check_relaxed_cell(before, np.asarray(work.cell.cellpar(), dtype=float), name)
    record = Relaxation(
        converged=converged,
        steps=int(optimizer.nsteps),
        residual=residual,
        fmax=fmax,
        max_steps=n_steps,
        input_cell=before,
        relaxed_cell=np.asarray(work.cell.cellpar(), dtype=float),
        spacegroup=group,
    )
    return work, record


#: Version of the cached relaxations (:func:`cached_relaxation`).
RELAXATION_FORMAT = 1


def cached_relaxation(
    atoms: Any,
    source: Any,
    label: str,
    progress: Any = None,
    *,
    fmax_ev_per_angstrom: float = FMAX_EV_PER_ANGSTROM,
    steps: int = MAX_STEPS,
    cache: bool = True,
) -> tuple[Any, Relaxation]:
    """:func:`relax_crystal` of ``atoms`` with ``source`` (a CalculatorSource), cached by content (the crystal, the
    calculator's identity, the relaxation's settings); ``cache=False`` relaxes and stores nothing.

    Why: a machine-learned potential's forces on the CPU are not bit-reproducible (float32 sums in threads), so two
    relaxations of the same crystal differ in the last digits (SevenNet-l3i5 + D3, fcc Al: 1.8e-6 A in the cell;
    β-Ga2O3: positions 4e-7 A apart), and every later cache key (the forces of each displaced structure, keyed by
    their positions) would miss: a second ``kapitza agf`` of the same pair, or a resumed one, would compute its force
    constants again, and an interrupted ``kapitza predict`` or ``kapitza phonons`` every force of its supercell.  With
    the relaxation read back, what is built from it is the same to the bit.  The AGF's crystal route, the bonding
    descriptors and a crystal's phonons from its structure (:func:`kapitza.phonons.crystal_phonons`) take it."""
    from ..io.cache import cached_arrays, finite

    parts = {
        "format": RELAXATION_FORMAT,
        "calculator": dict(source.identity),
        "numbers": np.asarray(atoms.numbers),
        "cell": np.round(np.asarray(atoms.cell, dtype=float), 9),
        "positions": np.round(np.asarray(atoms.positions, dtype=float), 9),
        "pbc": np.asarray(atoms.pbc, dtype=bool),
        "masses": np.asarray(atoms.get_masses()),
        "settings": [fmax_ev_per_angstrom, steps, SYMPREC],
    }

    def compute() -> dict[str, Any]:
        relaxed, record = relax_crystal(atoms, source.calculator(), label, fmax_ev_per_angstrom=fmax_ev_per_angstrom,
                                        steps=steps, progress=progress)  # fmt: skip
        return {"cell": np.asarray(relaxed.cell, dtype=float), "positions": np.asarray(relaxed.positions, dtype=float),
                "steps": np.array(record.steps), "residual": np.array(record.residual)}  # fmt: skip

    n = len(atoms)
    # the kind keeps the name of its first user, the AGF's crystal route, so that the entries cached before hold
    found = cached_arrays("agf-relaxed-crystal", parts, compute, enabled=cache,
                          shapes={"cell": (3, 3), "positions": (n, 3), "steps": (), "residual": ()},
                          check=finite)  # fmt: skip
    relaxed = atoms.copy()
    relaxed.calc = None
    relaxed.set_constraint()
    relaxed.set_cell(np.asarray(found["cell"]), scale_atoms=False)
    relaxed.positions = np.asarray(found["positions"])
    record = Relaxation(
        converged=True,  # an unconverged relaxation raises and is never stored
        steps=int(found["steps"]),
        residual=float(found["residual"]),
        fmax=fmax_ev_per_angstrom,
        max_steps=steps,
        input_cell=np.asarray(atoms.cell.cellpar(), dtype=float),
        relaxed_cell=np.asarray(relaxed.cell.cellpar(), dtype=float),
        spacegroup=spacegroup(relaxed, SYMPREC),
    )
    return relaxed, record


__all__ = [
    "RELAXATION_FORMAT",
    "cached_relaxation",
    "BULK_KEYS",
    "ELASTIC_FMAX_EV_PER_ANGSTROM",
    "ELASTIC_STRAIN",
    "FMAX_EV_PER_ANGSTROM",
    "MAX_ATOMIC_NUMBER",
    "MAX_CRYSTAL_ATOMS",
    "MAX_CRYSTAL_TEXT_CHARS",
    "MAX_GAP_ANGSTROM",
    "MAX_NUMBER_CHARS",
    "MAX_RELAXED_CHANGE",
    "MAX_STEPS",
    "PROTOTYPE_KEYS",
    "RELAXED_ION_STRAIN",
    "Relaxation",
    "check_crystal",
    "check_crystal_size",
    "check_gaps",
    "check_relaxed_cell",
    "elastic_tensor",
    "internal_coordinates",
    "largest_gap",
    "parse_crystal_text",
    "relax_crystal",
    "spacegroup",
    "strained_internal_coordinates",
    "symmetry_dataset",
]


#: Strain of the elastic tensor's central differences (each of the six Voigt components, +- this).
ELASTIC_STRAIN = 1e-3
#: Strain of the relaxed-ion elastic constants (+- this): larger than the clamped-ion one, so that the residual
#: forces of the relaxed positions matter less (below), while the central difference's error, of order strain^2
#: times the ratio of third- to second-order constants, stays a few 1e-4 of the constant (Stillinger-Weber silicon's
#: C12: 76.455 GPa at this strain, 76.422 GPa at ELASTIC_STRAIN).
RELAXED_ION_STRAIN = 1e-2
#: Convergence of the positions in a strained cell for relaxed-ion elastic constants (largest force component,
#: eV/A): a residual force f leaves a stress error of about f d / V_atom (d a bond length, V_atom the volume per
#: atom), and the central difference divides it by 2 x RELAXED_ION_STRAIN: about 0.1 GPa at 1e-4 eV/A for silicon
#: (d = 2.35 A, V_atom = 20 A^3); reachable with the float32 forces of machine-learned potentials, whose noise on a
#: relaxed crystal is ~5e-6 eV/A for CHGNet.
ELASTIC_FMAX_EV_PER_ANGSTROM = 1e-4
#: The tensor index pair of each Voigt component, in Voigt order.
_VOIGT_PAIRS = ((0, 0), (1, 1), (2, 2), (1, 2), (0, 2), (0, 1))
#: eV/A^3 in GPa.
_EV_PER_A3_GPA = EV / ANGSTROM**3 / GPA


def elastic_tensor(
    atoms: Any,
    calculator: Any,
    strain: float | None = None,
    *,
    relax_ions: bool = False,
    fmax_ev_per_angstrom: float = ELASTIC_FMAX_EV_PER_ANGSTROM,
    steps: int = MAX_STEPS,
    progress: Callable[[str, int, int], None] | None = None,
) -> NDArray[np.float64]:
    """Elastic constants C_ij (Voigt order xx, yy, zz, yz, xz, xy; GPa) of ``atoms`` with ``calculator``, in the
    Cartesian frame of ``atoms``: central differences of the stress under the strains +-``strain`` of each Voigt
    component (an engineering shear strain split equally between the two off-diagonal entries), symmetrised.
    ``strain`` defaults to :data:`ELASTIC_STRAIN` with clamped ions and :data:`RELAXED_ION_STRAIN` with relaxed ones.

    ``relax_ions=False`` (clamped ions): the atoms move with the cell, twelve stress calls.  For a crystal of one
    atom per primitive cell these are the elastic constants; with a basis they bound the relaxed-ion constants from
    above (relaxing the ions can only lower the energy of a strain), so a negative eigenvalue here means the
    relaxed-ion tensor has one too.

    ``relax_ions=True`` (relaxed ions, the constants a sound wave or an ultrasonic measurement sees): in each
    strained cell the positions are relaxed (BFGS, the cell fixed) until the largest force component is below
    ``fmax_ev_per_angstrom``, as LAMMPS's examples/ELASTIC does; InputError if one does not converge within
    ``steps``.  A crystal of one atom per primitive cell has no internal coordinate to relax (its forces vanish by
    symmetry), so both give the same numbers there.

    ``progress("strains", done, 12)`` after each strained cell, if given.
    """
    if strain is None:
        strain = RELAXED_ION_STRAIN if relax_ions else ELASTIC_STRAIN
    columns = []
    for a, b in _VOIGT_PAIRS:
        stresses = []
        for sign in (1.0, -1.0):
            strained = _strained(atoms, a, b, sign * strain)
            strained.calc = calculator
            stresses.append(_strained_stress(strained, relax_ions, fmax_ev_per_angstrom, steps))
            if progress is not None:
                progress("strains", 2 * len(columns) + len(stresses), 2 * len(_VOIGT_PAIRS))
        columns.append((stresses[0] - stresses[1]) / (2.0 * strain))
    c = np.array(columns).T * _EV_PER_A3_GPA  # C_ij = d sigma_i / d eps_j
    if not np.all(np.isfinite(c)):
        raise InputError("elastic constants: the calculator returned a stress that is not finite")
    return (c + c.T) / 2.0


def _strained(atoms: Any, a: int, b: int, strain: float) -> Any:
    """A copy of ``atoms`` (no constraint, no calculator) under the Voigt strain component (a, b) of size ``strain``
    (an engineering shear strain split equally between the two off-diagonal entries), the atoms moved with the cell."""
    eps = np.zeros((3, 3))
    eps[a, b] = eps[b, a] = 1.0 if a == b else 0.5
    strained = atoms.copy()
    strained.set_constraint()
    strained.calc = None
    strained.set_cell(np.asarray(atoms.cell, dtype=float) @ (np.eye(3) + strain * eps), scale_atoms=True)
    return strained


def internal_coordinates(atoms: Any, symprec: float = SYMPREC) -> int:
    """The internal coordinates of ``atoms`` that its own symmetry leaves free: the dimension of the displacement
    patterns every operation of its space group maps onto themselves (the average, over the operations, of the
    number of atoms an operation leaves in place times the trace of its rotation), less the uniform shifts along a
    polar direction (the average trace of the rotations).  0 for a crystal whose atoms all sit where symmetry pins
    them (fcc, bcc, rock salt); a relaxation of the positions moves only these coordinates."""
    data = symmetry_dataset(atoms, symprec)
    if data is None:  # no symmetry found: every coordinate but the three of a uniform shift is free
        return 3 * len(atoms) - 3
    lattice = np.asarray(atoms.cell, dtype=float).T
    inverse = np.linalg.inv(lattice)
    positions = atoms.get_scaled_positions()
    kept = shifts = 0.0
    for rotation, translation in zip(data.rotations, data.translations, strict=True):
        trace = float(np.trace(lattice @ rotation @ inverse))
        moved = positions @ rotation.T + translation - positions
        moved -= np.round(moved)
        kept += trace * int(np.count_nonzero(np.all(np.abs(moved) < symprec, axis=1)))
        shifts += trace
    return max(0, round((kept - shifts) / len(data.rotations)))


def strained_internal_coordinates(atoms: Any, strain: float = RELAXED_ION_STRAIN) -> tuple[int, ...]:
    """:func:`internal_coordinates` of each of the twelve strained cells :func:`elastic_tensor` relaxes (+- each
    Voigt strain, in Voigt order): what a strain lowers the symmetry to, and so the positions it sets moving."""
    return tuple(
        internal_coordinates(_strained(atoms, a, b, sign * strain)) for a, b in _VOIGT_PAIRS for sign in (1.0, -1.0)
    )


def _strained_stress(atoms: Any, relax_ions: bool, fmax: float, steps: int) -> NDArray[np.float64]:
    """The stress (Voigt, eV/A^3) of one strained cell, its positions relaxed first if asked; a failing calculator
    (no stress, an exception) is one InputError."""
    from .calculators import quiet

    try:
        with quiet():
            if relax_ions:
                _relax_positions(atoms, fmax, steps)
            return np.asarray(atoms.get_stress(voigt=True), dtype=float)
    except (InputError, MissingDependencyError):
        raise
    except (Exception, SystemExit) as exc:  # noqa: BLE001 - the calculator failing on a strained cell (sys.exit too)
        raise InputError(f"elastic constants: the calculator failed: {type(exc).__name__}: {exc}") from None


def _relax_positions(atoms: Any, fmax: float, steps: int) -> None:
    """Relax the positions of ``atoms`` (calculator attached) in its fixed cell; InputError if not converged."""
    from ase.optimize import BFGS

    optimizer = BFGS(atoms, logfile=None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        converged = bool(optimizer.run(fmax=fmax, steps=steps))
    if not converged:
        residual = float(np.abs(atoms.get_forces()).max())
        raise InputError(
            f"relaxed-ion elastic constants: the positions in a strained cell did not converge in {steps} steps "
            f"(largest force {residual:.3g} eV/A, asked {fmax:g} eV/A)"
        )
