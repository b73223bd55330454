"""In-plane translation symmetry of a slab: whose force-constant rows are copies of another atom's.

A slab that repeats in the plane (two crystals' common lateral cell repeated ``--lateral`` times, the centred
translations of a face-centred crystal's (001) layers) maps onto itself under in-plane translations t: atom i goes to
atom P_t(i), of the same element, mass and tag, at p_i + t modulo the lateral cell.  Its force constants obey
Phi(P_t(i), P_t(j)) = Phi(i, j) (an energy that depends on relative positions only), so of each orbit of the rows
one atom is displaced and the others' rows are its row with the columns permuted.  Phonopy reduces its displacements
with the whole space group in the same way (A. Togo and I. Tanaka, Scr. Mater. 108, 1 (2015)); only the pure
translations are used here, because an interface has few other operations and they would need the blocks rotated.

Finding them: every candidate translation takes one atom (of the rarest kind, in its plane) to another of its kind at
the same height; a candidate is a symmetry when every atom lands within :data:`TOLERANCE_ANGSTROM` of an atom of its
kind.  Units: A.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..io.results import result

#: Largest distance (A) between a translated atom and the atom it lands on: phonopy's default symmetry tolerance
#: (``symprec`` = 1e-5, phonopy's documentation, "SYMMETRY_TOLERANCE"), far below the 0.01 A displacement step.
TOLERANCE_ANGSTROM = 1e-5


def _kinds(atoms: Any) -> NDArray[np.int64]:
    """One integer per atom for what a translation must preserve: element, mass (to 1e-6 amu), tag, and every other
    per-atom array the structure carries (initial magnetic moments or charges a calculator may read; velocities
    excepted, which no force depends on)."""
    columns = [atoms.numbers, np.round(atoms.get_masses() * 1e6), atoms.get_tags()]
    for name in sorted(set(atoms.arrays) - {"positions", "numbers", "masses", "tags", "momenta"}):
        values = np.asarray(atoms.arrays[name]).reshape(len(atoms), -1)
        if values.dtype.kind in "fc":
            values = np.round(values.real * 1e6)
        elif values.dtype.kind not in "iub":
            values = np.unique(values.astype(str), axis=0, return_inverse=True)[1].reshape(len(atoms), -1)
        columns.extend(values.T)
    keys = np.column_stack([np.asarray(c, dtype=np.float64) for c in columns])
    return np.unique(keys, axis=0, return_inverse=True)[1].ravel().astype(np.int64)


def lateral_translations(atoms: Any, tolerance: float = TOLERANCE_ANGSTROM) -> NDArray[np.int64]:
    """The in-plane translations that map the periodic slab ``atoms`` onto itself, as permutations.

    ``atoms``: cell rows a1, a2 in the xy plane (a lateral cell, periodic where ``atoms.pbc`` says so), a3 along
    z.  Returns an int array (g, n): row t gives for every atom the index of the atom it lands on under translation
    t; row 0 is the identity, and g = 1 where the slab has no other (or is not periodic in the plane).
    """
    from scipy.spatial import cKDTree

    n = len(atoms)
    identity = np.arange(n, dtype=np.int64)[None, :]
    cell = np.asarray(atoms.cell, dtype=float)
    periodic = np.asarray(atoms.pbc, dtype=bool)[:2]
    if n < 2 or not periodic.any() or np.abs(cell[:2, 2]).max() > 1e-9:
        return identity
    frac = np.linalg.solve(cell[:2, :2].T, atoms.positions[:, :2].T).T  # in-plane fractions of a1, a2
    frac = np.where(periodic, np.mod(frac, 1.0), frac)
    frac[frac >= 1.0] = 0.0  # np.mod of a fraction a rounding error below 0
    z = atoms.positions[:, 2]
    kinds = _kinds(atoms)
    # the tree's space: the two fractions (periodic: box 1) and z (a box too large to wrap); each kind alone
    zbox = float(np.ptp(z)) * 3.0 + 10.0
    span = np.where(periodic, 1.0, np.ptp(frac, axis=0) * 3.0 + 10.0)
    box = np.array([span[0], span[1], zbox])
    lo = np.where(periodic, 0.0, frac.min(axis=0) - span / 3.0)
    point = np.column_stack((frac - lo, z - z.min() + zbox / 3.0))
    members = {int(k): np.flatnonzero(kinds == k) for k in np.unique(kinds)}
    trees = {k: (idx, cKDTree(point[idx], boxsize=box)) for k, idx in members.items()}
    counts = np.bincount(kinds)
    rare = int(np.argmin(np.where(counts > 0, counts, n + 1)))
    anchor = int(trees[rare][0][0])
    same_plane = trees[rare][0][np.abs(z[trees[rare][0]] - z[anchor]) <= tolerance]
    found = [identity[0]]
    for other in same_plane[same_plane != anchor]:
        shift = frac[other] - frac[anchor]
        if not periodic.all():
            shift = np.where(periodic, shift, 0.0)
            if not np.allclose(frac[other][~periodic], frac[anchor][~periodic], atol=1e-12):
                continue
        perm = _landing(point, frac, z, kinds, trees, shift, periodic, box, cell, tolerance)
        if perm is not None:
            found.append(perm)
    return np.array(found, dtype=np.int64)


def _landing(
    point: NDArray, frac: NDArray, z: NDArray, kinds: NDArray, trees: dict, shift: NDArray, periodic: NDArray,
    box: NDArray, cell: NDArray, tolerance: float,
) -> NDArray[np.int64] | None:  # fmt: skip
    """The permutation of the translation by ``shift`` (fractions of a1, a2), or None if some atom lands on no
    atom of its kind within ``tolerance`` A."""
    moved = point.copy()
    moved[:, :2] += shift
    moved[:, :2] = np.where(periodic, np.mod(moved[:, :2], 1.0), moved[:, :2])
    moved[:, :2][moved[:, :2] >= box[:2]] = 0.0
    perm = np.empty(len(kinds), dtype=np.int64)
    for idx, tree in trees.values():
        _, near = tree.query(moved[idx], k=1)
        target = idx[near]
        d = frac[target] - (frac[idx] + shift)
        d = np.where(periodic, d - np.round(d), d)
        gap = d @ cell[:2, :2]
        if np.any(np.hypot(np.hypot(gap[:, 0], gap[:, 1]), z[target] - z[idx]) > tolerance):
            return None
        perm[idx] = target
    if np.unique(perm).size != perm.size:
        return None
    return perm


@result
class RowOrbits:
    """The rows of a force-constant computation grouped by the slab's lateral translations.

    Attributes
    ----------
    rows : ndarray
        The atoms whose rows are wanted, shape (r,).
    displaced : ndarray
        One atom of each orbit: the atoms to displace, shape (d,), d <= r.
    source : ndarray
        For each of ``rows``, the index into ``displaced`` of the atom whose row it copies, shape (r,).
    translation : ndarray
        For each of ``rows``, the index into ``translations`` that takes its ``displaced`` atom to it, shape (r,).
    translations : ndarray
        The permutations (:func:`lateral_translations`), shape (g, n).
    """

    rows: NDArray[np.int64]
    displaced: NDArray[np.int64]
    source: NDArray[np.int64]
    translation: NDArray[np.int64]
    translations: NDArray[np.int64]

    def expand(self, part: dict[str, NDArray[Any]]) -> dict[str, NDArray[Any]]:
        """Blocks of the displaced atoms' rows (``row`` indexing ``displaced``, ``column`` the atoms, ``blocks``)
        to the blocks of every row (``row`` indexing ``rows``), in row-major order (by row, then column)."""
        row, column, blocks = part["row"], part["column"], part["blocks"]
        order = np.argsort(row, kind="stable")
        row, column, blocks = row[order], column[order], blocks[order]
        start = np.searchsorted(row, np.arange(self.displaced.size + 1))
        pieces = [
            (np.full(start[s + 1] - start[s], m, dtype=np.int64), self.translations[t][column[start[s] : start[s + 1]]],
             np.arange(start[s], start[s + 1]))
            for m, (s, t) in enumerate(zip(self.source.tolist(), self.translation.tolist()))
        ]  # fmt: skip
        new_row = np.concatenate([p[0] for p in pieces]) if pieces else np.zeros(0, dtype=np.int64)
        new_column = np.concatenate([p[1] for p in pieces]) if pieces else np.zeros(0, dtype=np.int64)
        taken = np.concatenate([p[2] for p in pieces]) if pieces else np.zeros(0, dtype=np.int64)
        order = np.lexsort((new_column, new_row))
        out = dict(part)
        out.update(row=new_row[order], column=new_column[order], blocks=blocks[taken[order]])
        return out


def row_orbits(
    atoms: Any,
    rows: NDArray[np.int64],
    tolerance: float = TOLERANCE_ANGSTROM,
    translations: NDArray[np.int64] | None = None,
) -> RowOrbits:
    """The orbits of ``rows`` (atom indices into ``atoms``) under the slab's lateral translations (or the given
    ``translations``, permutations as :func:`lateral_translations` returns them, the identity first): the first
    atom of each orbit (in the order of ``rows``) is displaced, the others copy its row."""
    rows = np.asarray(rows, dtype=np.int64)
    perms = lateral_translations(atoms, tolerance) if translations is None else np.asarray(translations, np.int64)
    where = -np.ones(len(atoms), dtype=np.int64)
    where[rows] = np.arange(rows.size)
    source = -np.ones(rows.size, dtype=np.int64)
    translation = np.zeros(rows.size, dtype=np.int64)
    displaced: list[int] = []
    for k, atom in enumerate(rows.tolist()):
        if source[k] >= 0:
            continue
        for t, image in enumerate(perms[:, atom].tolist()):
            m = where[image]
            if m >= 0 and source[m] < 0:
                source[m], translation[m] = len(displaced), t
        displaced.append(atom)
    return RowOrbits(rows, np.array(displaced, dtype=np.int64), source, translation, perms)


__all__ = ["TOLERANCE_ANGSTROM", "RowOrbits", "lateral_translations", "row_orbits"]
