"""Atoms and force-constant blocks matched across lateral images: the geometry that the partition
(:mod:`.partition`) and the bulk leads (:mod:`.bulk_leads`) share, below both of them.

:func:`nearest_images` finds, for target positions, the atom nearest to each modulo the lateral lattice;
:func:`lateral_copies` the atoms that are copies of others one principal layer away; :func:`block_map` keys the
blocks of :class:`.forceconstants.LateralForceConstants` so that a block and its copy compare;
:func:`block_difference` is the largest difference of two such maps.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from .forceconstants import LateralForceConstants

#: Largest mismatch (A) between an atom and its copy one principal layer away.
COPY_TOLERANCE = 1e-2


def nearest_images(
    positions: NDArray[np.float64], lateral: NDArray[np.float64], targets: NDArray[np.float64]
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]]:
    """For each target position (A), the atom of ``positions`` (A) nearest to it modulo the lateral lattice
    (rows a1, a2 of ``lateral``, in the xy plane): its index, the translation n with
    positions[index] + n . lateral = target, and the distance left (A)."""
    d = positions[None, :, :] - targets[:, None, :]  # (targets, atoms, 3)
    ab = np.asarray(lateral)[:2, :2]
    frac = np.linalg.solve(ab.T, d[..., :2].reshape(-1, 2).T).T.reshape(d.shape[:-1] + (2,))
    whole = np.rint(frac)
    xy = (frac - whole) @ ab
    mismatch = np.sqrt((xy**2).sum(axis=2) + d[..., 2] ** 2)
    best = np.argmin(mismatch, axis=1)
    rows = np.arange(best.size)
    return best, -whole[rows, best].astype(np.int64), mismatch[rows, best]


def site_distances(
    points: NDArray[np.float64], sites: NDArray[np.float64], lateral: NDArray[np.float64], period: float
) -> NDArray[np.float64]:
    """Distance (A) from each point to each site modulo the lateral lattice (rows a1, a2 of ``lateral``, in the xy
    plane; the nearest image of the rounded fractional offset) and the ``period`` along z (A), shape
    (len(points), len(sites)): which site of a bulk period an atom sits on."""
    d = np.asarray(sites)[None, :, :] - np.asarray(points)[:, None, :]
    ab = np.asarray(lateral)[:2, :2]
    frac = np.linalg.solve(ab.T, d[..., :2].reshape(-1, 2).T).T.reshape(d.shape[:-1] + (2,))
    xy = (frac - np.rint(frac)) @ ab
    dz = d[..., 2] - period * np.rint(d[..., 2] / period)
    return np.sqrt((xy**2).sum(axis=2) + dz**2)


def lateral_copies(
    atoms: Any, of: NDArray[np.int64], among: NDArray[np.int64], dz: float
) -> tuple[NDArray[np.int64], NDArray[np.int64]] | None:
    """For each atom of ``of``, the atom of ``among`` at its position shifted by dz (A) along z, in-plane modulo
    the lateral cell, and the lateral translation (n1, n2) between them (an atom wrapped into the cell
    differently from its copy); None when some atom has no such partner."""
    if of.size == 0 or among.size < of.size:
        return None
    pos = atoms.positions
    best, translation, left = nearest_images(pos[among], np.asarray(atoms.cell), pos[of] + np.array([0.0, 0.0, dz]))
    if left.max() > COPY_TOLERANCE or np.unique(best).size != of.size:
        return None
    return among[best], -translation


def block_map(
    fc: LateralForceConstants,
    rows: NDArray[np.int64],
    cols: NDArray[np.int64],
    row_shift: NDArray[np.int64] | None = None,
    col_shift: NDArray[np.int64] | None = None,
) -> dict[tuple[int, int, int, int], NDArray[np.float64]]:
    """Blocks Phi(rows[a] 0, cols[b] n) keyed by (a, b, n + col_shift[b] - row_shift[a]).

    The shifts are the lateral translations of copies wrapped into the cell differently (see
    :func:`lateral_copies`), so that a block and its copy get the same key."""
    n = fc.positions.shape[0]
    ra, cb = -np.ones(n, dtype=np.int64), -np.ones(n, dtype=np.int64)
    ra[rows], cb[cols] = np.arange(rows.size), np.arange(cols.size)
    sel = np.flatnonzero((ra[fc.i] >= 0) & (cb[fc.j] >= 0))
    a, b = ra[fc.i[sel]], cb[fc.j[sel]]
    t = fc.translations[sel].copy()
    if row_shift is not None:
        t -= row_shift[a]
    if col_shift is not None:
        t += col_shift[b]
    return {(int(a[k]), int(b[k]), int(t[k, 0]), int(t[k, 1])): fc.blocks[sel[k]] for k in range(sel.size)}


def block_difference(a: dict[Any, NDArray[np.float64]], b: dict[Any, NDArray[np.float64]]) -> float:
    """Largest entry of the difference of two block maps (a block missing from one counts as zero)."""
    zero = np.zeros((3, 3))
    return max((float(np.abs(a.get(k, zero) - b.get(k, zero)).max()) for k in set(a) | set(b)), default=0.0)


__all__ = ["COPY_TOLERANCE", "block_difference", "block_map", "lateral_copies", "nearest_images", "site_distances"]
