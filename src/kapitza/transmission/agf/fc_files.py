r"""Force constants the user computed elsewhere (DFT through phonopy), read for the AGF.

The route of a DFT user: an interface structure (lead | device | lead along z,
periodic in the plane; a slab with vacuum along z or a cell periodic along z)
whose phonopy supercell is ``diag(N1, N2, 1)`` of it, and the force constants
of that supercell in one of phonopy's files:

- ``FORCE_CONSTANTS`` (text): full (n_s x n_s) or compact (n_u x n_s) blocks;
- ``fc2.hdf5`` / ``force_constants.hdf5``: dataset ``force_constants``, optional ``p2s_map``;
- ``phonopy.yaml``: read only through :mod:`kapitza.phonons.phonopy_file` (a safe
  YAML loader that refuses Python tags; never ``phonopy.load``).

Units are phonopy's eV/A^2 (VASP, LAMMPS, ASE-like calculators); the result is in N/m.

Supercell atom order
--------------------
phonopy orders the atoms of a supercell *unit-cell-atom-major*: supercell atom
``s = u * N1 N2 + l1 + N1 l2`` is unit-cell atom ``u`` translated by
``l1 a1 + l2 a2`` (``phonopy.structure.cells``, the simple-supercell loop with
x fastest).  ASE's ``Atoms.repeat`` is replica-major instead
(``s = (l1 N2 + l2) n_u + u``); :func:`phonopy_order` states phonopy's order
explicitly and the tests compare it with phonopy's own supercell.

Couplings through the z boundary
--------------------------------
A structure periodic along z (as :func:`kapitza.atomistic.structures.build_interface`
makes them) couples its two ends through the boundary.  Each block is given the
nearest of its images, ``a3`` shifts included; a block whose nearest image lies
across the z boundary is dropped.  The outermost cells are then perturbed, and
:func:`.partition.fc_interface_model` uses them as buffers only.  This needs a
period along z longer than twice the force range (else direct and wrapped
couplings cannot be told apart), which is checked.

Force range: given, or the largest minimum-image distance of a block whose
largest entry exceeds :data:`NEGLIGIBLE` of the largest force constant
(blocks below that are dropped in both cases).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ...atomistic.force_constants import EV_PER_A2
from ...errors import InputError, optional_module
from .forceconstants import DISTANCE_SLACK, LateralForceConstants, assign_translations

#: Blocks whose largest entry is below this fraction of the largest force constant are dropped.
NEGLIGIBLE = 1e-6
#: File names read as HDF5 (by suffix) and as phonopy YAML.
HDF5_SUFFIXES = (".hdf5", ".h5")
YAML_SUFFIXES = (".yaml", ".yml")


def phonopy_order(n_unit: int, supercell: tuple[int, int]) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Unit-cell atom and lateral translation (l1, l2) of each atom of phonopy's diag(N1, N2, 1) supercell.

    Returns
    -------
    unit : ndarray
        Shape (n_unit N1 N2,): the unit-cell atom of each supercell atom.
    lattice : ndarray
        Shape (n_unit N1 N2, 2), int: its translation in units of a1, a2.
    """
    n1, n2 = supercell
    s = np.arange(n_unit * n1 * n2)
    unit, point = np.divmod(s, n1 * n2)
    l2, l1 = np.divmod(point, n1)
    return unit, np.column_stack([l1, l2])


def _supercell_from_count(path: Path, n_super: int, n_unit: int, supercell: tuple[int, int] | None) -> tuple[int, int]:
    """(N1, N2) from the supercell's atom count, the given supercell, or InputError."""
    if n_super % n_unit:
        raise InputError(
            f"{str(path)!r}: force constants for {n_super} atoms, the structure has {n_unit} atoms: "
            f"{n_super} is not a whole number of copies of it (wrong structure or wrong file?)"
        )
    m = n_super // n_unit
    if supercell is not None:
        try:
            n1, n2 = (int(x) for x in supercell)
        except (TypeError, ValueError):
            raise InputError(f"supercell must be two positive integers (N1, N2), got {supercell!r}") from None
        if n1 < 1 or n2 < 1:
            raise InputError(f"supercell must be two positive integers (N1, N2), got {supercell!r}")
        if n1 * n2 != m:
            raise InputError(
                f"{str(path)!r}: force constants for {n_super} atoms, the structure has {n_unit} atoms in a "
                f"{n1}x{n2} supercell = {n1 * n2 * n_unit}"
            )
        return n1, n2
    pairs = [(a, m // a) for a in range(1, m + 1) if m % a == 0]
    if len(pairs) > 1:
        options = ", ".join(f"{a}x{b}" for a, b in pairs)
        raise InputError(
            f"{str(path)!r}: force constants for {n_super} atoms = {m} copies of the {n_unit}-atom structure; "
            f"the supercell could be {options}: pass supercell=(N1, N2)"
        )
    return pairs[0]


def _text_header(path: Path) -> tuple[int, int]:
    try:
        with path.open(encoding="utf-8") as f:
            first = ""
            for line in f:
                if line.strip():
                    first = line
                    break
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{str(path)!r} cannot be read as a text FORCE_CONSTANTS file ({exc})") from None
    head = first.split()
    try:
        return (int(head[0]), int(head[1])) if len(head) >= 2 else (int(head[0]), int(head[0]))
    except (ValueError, IndexError):
        raise InputError(
            f"{str(path)!r}: the first line must give the number of atoms (phonopy FORCE_CONSTANTS)"
        ) from None


def _read_text(path: Path, n_unit: int, supercell: tuple[int, int] | None) -> tuple[Any, tuple[int, int], Any]:
    from ...phonons.phonopy_file import parse_force_constants_text

    n_rows, n_super = _text_header(path)
    repeat = _supercell_from_count(path, n_super, n_unit, supercell)
    if n_rows not in (n_super, n_unit):
        raise InputError(
            f"{str(path)!r}: shape ({n_rows}, {n_super}, 3, 3) does not match the structure: expected "
            f"({n_super}, {n_super}, 3, 3) (full) or ({n_unit}, {n_super}, 3, 3) (compact)"
        )
    return parse_force_constants_text(path, n_super, n_unit), repeat, None


def _read_hdf5(path: Path, n_unit: int, supercell: tuple[int, int] | None) -> tuple[Any, tuple[int, int], Any]:
    h5py = optional_module("h5py", "agf", "force constants from fc2.hdf5")
    try:
        with h5py.File(path, "r") as f:
            if "force_constants" not in f:
                raise InputError(f"{str(path)!r} has no dataset 'force_constants' (phonopy fc2.hdf5)")
            fc = np.asarray(f["force_constants"][()], dtype=float)
            p2s = np.asarray(f["p2s_map"][()], dtype=np.int64) if "p2s_map" in f else None
    except InputError:
        raise
    except (OSError, ValueError, TypeError, KeyError) as exc:
        raise InputError(f"{str(path)!r} cannot be read as phonopy force constants ({exc})") from None
    if fc.ndim != 4 or fc.shape[2:] != (3, 3):
        raise InputError(f"{str(path)!r}: shape {fc.shape} is not (n_rows, n_atoms, 3, 3)")
    repeat = _supercell_from_count(path, fc.shape[1], n_unit, supercell)
    if fc.shape[0] not in (fc.shape[1], n_unit):
        raise InputError(
            f"{str(path)!r}: shape {fc.shape} does not match the structure: expected "
            f"({fc.shape[1]}, {fc.shape[1]}, 3, 3) (full) or ({n_unit}, {fc.shape[1]}, 3, 3) (compact)"
        )
    if p2s is not None and p2s.shape != (fc.shape[0],) and fc.shape[0] == n_unit:
        raise InputError(f"{str(path)!r}: p2s_map has shape {p2s.shape}, expected ({n_unit},)")
    if not np.all(np.isfinite(fc)):
        raise InputError(f"{str(path)!r} holds NaN or infinite force constants")
    return fc, repeat, p2s if fc.shape[0] == n_unit else None


def _read_yaml(path: Path, structure: Any, supercell: tuple[int, int] | None) -> tuple[Any, tuple[int, int], Any]:
    from phonopy.interface.calculator import get_calculator_physical_units

    from ...phonons.phonopy_file import load_phonopy

    ph, calculator = load_phonopy(path)
    unit_name = get_calculator_physical_units(calculator).force_constants_unit
    if unit_name != "eV/angstrom^2":
        raise InputError(
            f"{str(path)!r}: force constants in {unit_name} ({calculator}); kapitza reads eV/A^2 files "
            "(VASP, LAMMPS, ASE-like calculators)"
        )
    smat = np.asarray(ph.supercell_matrix)
    if not np.allclose(smat, np.diag(np.diag(smat))) or int(smat[2, 2]) != 1:
        raise InputError(f"{str(path)!r}: the supercell must be diag(N1, N2, 1) of the structure, got {smat.tolist()}")
    repeat = (int(smat[0, 0]), int(smat[1, 1]))
    if supercell is not None and tuple(int(x) for x in supercell) != repeat:
        raise InputError(f"{str(path)!r}: its supercell is {repeat[0]}x{repeat[1]}, not the {supercell!r} given")
    atoms = structure.atoms
    unit = ph.unitcell
    if len(unit) != len(atoms):
        raise InputError(f"{str(path)!r}: its unit cell has {len(unit)} atoms, the structure has {len(atoms)}")
    same_cell = np.allclose(np.asarray(unit.cell), np.asarray(atoms.cell), atol=1e-4)
    if not same_cell or not np.allclose(np.asarray(unit.positions), atoms.positions, atol=1e-3):
        raise InputError(
            f"{str(path)!r}: its unit cell is not the structure (cell or atom positions differ by more than 1e-3 A; "
            "the atoms must be in the same order)"
        )
    fc = np.asarray(ph.force_constants, dtype=float)
    p2s = None
    if fc.shape[0] != fc.shape[1]:
        p2s = np.asarray(ph.primitive.p2s_map, dtype=np.int64)
        if p2s.size != len(atoms):
            raise InputError(
                f"{str(path)!r}: compact force constants of a {p2s.size}-atom primitive cell; the structure (the "
                "unit cell) must be the primitive cell (primitive_matrix: none), or write full force constants"
            )
    return fc, repeat, p2s


def _read(
    path: Path, structure: Any, supercell: tuple[int, int] | None
) -> tuple[NDArray[np.float64], tuple[int, int], NDArray[np.int64]]:
    """(rows of the force constants in eV/A^2, (N1, N2), supercell index of each row)."""
    n_unit = len(structure.atoms)
    name = path.name.lower()
    if name.endswith(YAML_SUFFIXES):
        fc, repeat, p2s = _read_yaml(path, structure, supercell)
    elif name.endswith(HDF5_SUFFIXES):
        fc, repeat, p2s = _read_hdf5(path, n_unit, supercell)
    else:
        fc, repeat, p2s = _read_text(path, n_unit, supercell)
    n_super = fc.shape[1]
    per_unit = repeat[0] * repeat[1]
    if fc.shape[0] == n_super:
        rows = np.arange(n_unit) * per_unit  # the copies at lattice point (0, 0)
        return fc[rows], repeat, rows
    rows = np.arange(n_unit) * per_unit if p2s is None else p2s
    if rows.min() < 0 or rows.max() >= n_super:
        raise InputError(f"{str(path)!r}: p2s_map points outside the {n_super}-atom supercell")
    return fc, repeat, rows


def _minimum_images(
    i: NDArray[np.int64], j: NDArray[np.int64], r: NDArray[np.int64], atoms: Any, repeat: tuple[int, int]
) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """Distance (A) of each block's nearest image and whether that image lies across the z boundary."""
    cell = np.asarray(atoms.cell)
    pos = atoms.positions
    shifts = np.array([(t1, t2) for t1 in (-1, 0, 1) for t2 in (-1, 0, 1)])
    lateral = (r[:, None, :] + shifts[None] * np.array(repeat)) @ cell[:2]  # (pairs, 9, 3)
    z_shifts = (-1, 0, 1) if atoms.pbc[2] else (0,)
    best = np.full(i.size, np.inf)
    across = np.zeros(i.size, dtype=bool)
    for s in z_shifts:
        d = pos[j][:, None, :] + lateral + s * cell[2] - pos[i][:, None, :]
        dist = np.linalg.norm(d, axis=2).min(axis=1)
        better = dist < best - DISTANCE_SLACK
        best = np.where(better, dist, best)
        across = np.where(better, s != 0, across)
    return best, across


def read_force_constants(
    path: str | os.PathLike,
    structure: Any,
    *,
    supercell: tuple[int, int] | None = None,
    force_range_angstrom: float | None = None,
) -> LateralForceConstants:
    """Force constants of ``structure`` from a phonopy file, resolved by lateral translation.

    Parameters
    ----------
    path : path-like
        ``FORCE_CONSTANTS`` (text; any name that is not .hdf5/.h5/.yaml/.yml), ``fc2.hdf5`` /
        ``force_constants.hdf5``, or ``phonopy.yaml`` (with its force constants beside it or inside).
    structure : InterfaceStructure
        The structure that phonopy's unit cell is (same atoms in the same order), positions in A,
        each atom placed as in phonopy's unit cell: supercell atom (u, l1, l2) is read as atom u
        translated by l1 a1 + l2 a2, so an atom wrapped into the cell by another lattice vector than
        in the phonopy run would be given the wrong translation (a phonopy.yaml is checked for this).
    supercell : (int, int), optional
        Lateral repetitions (N1, N2) of phonopy's ``diag(N1, N2, 1)`` supercell.  Read from a
        phonopy.yaml; otherwise inferred from the atom count when only one choice exists (1x1).
    force_range_angstrom : float, optional
        Largest distance (A) of a nonzero force constant; default: the largest distance of a block
        above :data:`NEGLIGIBLE` of the largest force constant (reported as ``force_range``).

    Returns
    -------
    LateralForceConstants
        In N/m, method ``"phonopy-file"``.

    Raises
    ------
    InputError
        A missing or damaged file, a shape that does not match the structure, an ambiguous
        supercell, a supercell too small for the force range, or a force constant beyond the range.
    """
    p = Path(path)
    if not p.is_file():
        raise InputError(f"force-constant file {str(p)!r} does not exist or is not a file")
    atoms = structure.atoms
    if abs(np.asarray(atoms.cell)[:2, 2]).max() > 1e-9:
        raise InputError("the in-plane cell vectors a1, a2 must lie in the xy plane (z is the transport direction)")
    n_unit = len(atoms)
    rows_fc, repeat, rows = _read(p, structure, supercell)
    unit, lattice = phonopy_order(n_unit, repeat)
    scale = float(np.abs(rows_fc).max(initial=0.0))
    if scale == 0.0:
        raise InputError(f"{str(p)!r}: all force constants are zero")
    keep = np.abs(rows_fc).max(axis=(2, 3)) > NEGLIGIBLE * scale  # (rows, n_super)
    ri, s = np.nonzero(keep)
    i, j = unit[rows[ri]], unit[s]
    r = np.mod(lattice[s] - lattice[rows[ri]], np.array(repeat))
    dist, across = _minimum_images(i, j, r, atoms, repeat)
    force_range = float(dist.max()) if force_range_angstrom is None else float(force_range_angstrom)
    if not np.isfinite(force_range) or force_range <= 0:
        raise InputError(f"force_range_angstrom must be a positive length in A, got {force_range_angstrom!r}")
    height = abs(float(np.asarray(atoms.cell)[2, 2]))
    if atoms.pbc[2] and height <= 2 * force_range:
        raise InputError(
            f"the structure is periodic along z with a period of {height:.4g} A, not longer than twice the force "
            f"range ({force_range:.4g} A): couplings through the z boundary cannot be told from direct ones; "
            "add cells or vacuum"
        )
    direct = ~across
    return assign_translations(
        i=i[direct],
        j=j[direct],
        r=r[direct],
        blocks=rows_fc[ri[direct], s[direct]] * EV_PER_A2,
        positions=atoms.positions,
        lateral=np.asarray(atoms.cell)[:2],
        repeat=repeat,
        force_range=force_range,
        method="phonopy-file",
    )
