"""The one finite-difference Hessian: rows of d^2E/du du from central differences of the forces.

Used wherever a calculator has no analytic Hessian (:mod:`kapitza.atomistic.force_constants`
for periodic cells, :mod:`kapitza.transmission.agf.forceconstants` for lateral slabs).
Units are ASE's: positions and steps in A, the result in eV/A^2.

:func:`coloured_rows` is the vectorised form, shared by every force source that knows its force range
(LAMMPS, :mod:`kapitza.atomistic.lammps_forces`; any ASE calculator or universal potential,
:mod:`kapitza.atomistic.calculator_forces`): atoms whose minimum-image distances all exceed twice the force
range are displaced together (a greedy colouring), since the responses of two such atoms cannot overlap; each
colour costs two force evaluations per direction instead of two per atom.  The displaced structures of all
colours are handed to the force source together (``forces_of``), so a source that evaluates many structures
in one batch (CHGNet) does so.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..errors import InputError


def finite_difference_hessian(atoms: Any, step_angstrom: float) -> NDArray[np.float64]:
    """Central differences of the forces, -dF_j/du_i, in eV/A^2, shape (3N, 3N); ``step_angstrom`` in A."""
    return finite_difference_rows(atoms, np.arange(len(atoms)), step_angstrom)


def finite_difference_rows(atoms: Any, rows: NDArray[np.int64], step: float) -> NDArray[np.float64]:
    """Rows of the Hessian for the atoms ``rows``: -dF/du_(i,a) by central differences.

    Parameters
    ----------
    atoms : ase.Atoms
        With a calculator attached; positions are restored afterwards.
    rows : array of int
        Indices of the atoms to displace, shape (n_rows,).
    step : float
        Displacement in A.

    Returns
    -------
    ndarray
        eV/A^2, shape (3 n_rows, 3 N).
    """
    out = np.empty((3 * len(rows), 3 * len(atoms)))
    base = atoms.positions.copy()
    try:
        for k, i in enumerate(rows):
            for a in range(3):
                pos = base.copy()
                pos[i, a] += step
                atoms.positions = pos
                f_plus = atoms.get_forces().ravel()
                pos[i, a] -= 2 * step
                atoms.positions = pos
                f_minus = atoms.get_forces().ravel()
                out[3 * k + a] = -(f_plus - f_minus) / (2 * step)
    finally:
        atoms.positions = base
    return out


def neighbours(atoms: Any, cutoff: float) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """CSR of the atoms within ``cutoff`` (A) of each atom, any periodic image (matscipy's neighbour list)."""
    cell = np.asarray(atoms.cell)
    if np.allclose(cell, np.diag(np.diag(cell))):  # orthogonal: scipy's periodic k-d tree (minimum image)
        i, j = _kdtree_pairs(atoms.positions, np.diag(cell), atoms.pbc, cutoff)
    else:
        from matscipy.neighbours import neighbour_list  # ASE's pairs (every periodic image), 30x faster

        i, j = neighbour_list("ij", atoms, cutoff)
    order = np.argsort(i, kind="stable")
    start = np.searchsorted(i[order], np.arange(len(atoms) + 1))
    return start, j[order]


def _kdtree_pairs(
    positions: NDArray[np.float64], lengths: NDArray[np.float64], pbc: Sequence[bool], cutoff: float
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """(i, j) of every ordered pair within ``cutoff`` in an orthogonal cell, the pair (i, i) where an atom's own
    periodic image is within it (an axis no longer than the cutoff)."""
    from scipy.spatial import cKDTree

    span = np.ptp(positions, axis=0) + 2 * cutoff + 1.0
    box = np.where(pbc, lengths, np.maximum(span, lengths) * 3)  # non-periodic axes: a box too large to wrap
    wrapped = np.mod(positions, box)
    wrapped[wrapped >= box] = 0.0  # np.mod of a coordinate a rounding error below 0 is the box length itself
    tree = cKDTree(wrapped, boxsize=box)
    pairs = tree.query_pairs(cutoff, output_type="ndarray")
    i = np.concatenate([pairs[:, 0], pairs[:, 1]])
    j = np.concatenate([pairs[:, 1], pairs[:, 0]])
    if np.any(np.asarray(pbc) & (lengths <= cutoff)):
        n = positions.shape[0]
        i, j = np.concatenate([i, np.arange(n)]), np.concatenate([j, np.arange(n)])
    return i.astype(np.int64), j.astype(np.int64)


def colours(
    atoms: Any,
    separation: float,
    rows: NDArray[np.int64],
    translations: NDArray[np.int64] | None = None,
) -> list[NDArray[np.int64]]:
    """Greedy colouring of ``rows``: within a colour every two atoms are more than ``separation`` apart (every
    periodic image; in a cell narrower than the separation an atom is within it of its own image, and alone).

    With ``translations`` (the slab's lateral translations as permutations, the identity first:
    :func:`kapitza.atomistic.translations.lateral_translations`) each row may be displaced as any of its lateral
    images, whose responses are its own translated: the groups then list the atoms displaced (:func:`_colouring`).
    """
    return _colouring(atoms, separation, rows, translations)[0]


def _colouring(
    atoms: Any,
    separation: float,
    rows: NDArray[np.int64],
    translations: NDArray[np.int64] | None = None,
) -> tuple[list[NDArray[np.int64]], dict[int, tuple[int, int]]]:
    """The groups of :func:`colours` and, for each atom displaced, (the row it stands for, the index of the
    translation that carries the row onto it).

    Without translations the rows are coloured greedily in their order, each as itself.  With them (issue 65: a
    small lateral cell is repeated until it is twice the force range wide, and its copies can carry displacements of
    other rows as far apart laterally as they are close in height) each row goes to the lowest colour that one of
    its images not yet displaced fits in, the rows taken in their order and by height; the fewest colours of those
    two and of the plain colouring is kept, so it never costs more calls (GaN | AlN's 32 rows: 7 colours instead of
    10).  Exact for a force source with a finite range, as the colouring itself is.
    """
    rows = np.asarray(rows, dtype=np.int64)
    start, nbr = neighbours(atoms, separation)
    identity = np.arange(len(atoms), dtype=np.int64)[None, :]
    best = _greedy(rows, identity, start, nbr, len(atoms), reuse=True)
    if translations is not None:
        by_height = rows[np.argsort(atoms.positions[rows, 2], kind="stable")]
        for order in (rows, by_height):
            tried = _greedy(order, np.asarray(translations), start, nbr, len(atoms), reuse=False)
            if len(tried[0]) < len(best[0]):
                best = tried
    return best


def _greedy(
    order: NDArray[np.int64], perms: NDArray[np.int64], start: Any, nbr: Any, n: int, reuse: bool
) -> tuple[list[NDArray[np.int64]], dict[int, tuple[int, int]]]:
    """One greedy colouring of the rows in ``order``, each as the image (row of ``perms``) with the lowest free
    colour; ``reuse``: the plain colouring (one image, the row itself; a row listed twice is coloured again)."""
    colour = -np.ones(n, dtype=np.int64)
    origin: dict[int, tuple[int, int]] = {}
    for a in order.tolist():
        pick: tuple[int, int, int] | None = None
        for t, image in enumerate(perms[:, a].tolist()):
            if not reuse and colour[image] >= 0:  # already displaced for another row
                continue
            near = nbr[start[image] : start[image + 1]]
            if image in near:  # its own periodic image is close: it needs a colour of its own
                c = int(colour.max()) + 1
            else:
                taken = colour[near]
                used = np.zeros(taken.size + 2, dtype=bool)
                used[taken[(taken >= 0) & (taken < used.size)]] = True
                c = int(np.argmin(used))
            if pick is None or c < pick[0]:
                pick = (c, image, t)
        if pick is None:
            raise InputError(f"row atom {a}: every lateral image is displaced for another row (rows repeated?)")
        colour[pick[1]] = pick[0]
        origin[pick[1]] = (a, pick[2])
    shown = order if reuse else np.array(sorted(origin), dtype=np.int64)
    picked = colour[shown]
    return [shown[picked == c] for c in np.unique(picked)], origin


def _owned(group: NDArray[np.int64], start: Any, nbr: Any) -> list[NDArray[np.int64]]:
    """For each displaced atom of ``group``, the atoms whose forces respond to it: itself and those within reach."""
    return [np.unique(np.concatenate([[atom], nbr[start[atom] : start[atom + 1]]])) for atom in group.tolist()]


#: Most coordinates of displaced structures handed to the force source at once (2^22 floats, 32 MB, and as
#: much again for their forces): many colours per call without holding all of a large slab's at once.
CHUNK_VALUES = 1 << 22

#: Signature of a force source for :func:`coloured_rows`: positions (A) of k displaced copies of one structure,
#: shape (k, n, 3), to their forces in eV/A, shape (k, n, 3).
ForcesOf = Callable[[NDArray[np.float64]], NDArray[np.float64]]


def coloured_rows(
    atoms: Any,
    rows: NDArray[np.int64] | Sequence[int],
    step_angstrom: float,
    reach: float,
    forces_of: ForcesOf,
    *,
    batched: bool = True,
    progress: Callable[[int, int], None] | None = None,
    tails: list[float] | None = None,
    translations: NDArray[np.int64] | None = None,
) -> NDArray[np.float64]:
    """Rows -d F_j / d u_(i, a) for the atoms ``rows`` by central differences, eV/A^2,
    shape (len(rows), 3, n_atoms, 3).

    ``reach`` (A) is the force range: with ``batched`` the atoms more than twice it apart are displaced together
    (:func:`colours`) and each displaced atom keeps the responses of the atoms within ``reach`` of it; without it
    one atom at a time (the reference, every response kept).  ``forces_of`` receives the displaced structures in
    the order (colour, direction, +step, -step), as many colours at a time as hold :data:`CHUNK_VALUES`
    coordinates (at least one); ``progress(done, total)`` counts displaced structures.  With ``tails`` (a list),
    the largest response (eV/A^2) on an atom beyond ``reach`` of every atom displaced together is appended to it for
    each colour of more than one atom: what a force source reaching further than ``reach`` leaves out (a colour of
    one atom keeps every response).  With ``translations`` (the slab's lateral translations, :func:`colours`) a row
    may be displaced as a lateral image of its atom, its responses translated back: the same rows from fewer
    force calls where the cell is a lateral repeat.
    """
    rows = np.asarray(rows, dtype=np.int64)
    if not np.isfinite(step_angstrom) or step_angstrom <= 0:
        raise InputError(f"the finite-difference step must be a positive length in A, got {step_angstrom!r}")
    pos0 = np.array(atoms.positions, dtype=float)
    n = len(atoms)
    where = {int(a): k for k, a in enumerate(rows)}
    out = np.zeros((rows.size, 3, n, 3))
    if batched:
        groups, origin = _colouring(atoms, 2.0 * reach + 1e-6, rows, translations)
    else:
        groups, origin = [np.array([a]) for a in rows], {int(a): (int(a), 0) for a in rows}
    perms = np.arange(n, dtype=np.int64)[None, :] if translations is None or not batched else np.asarray(translations)
    back = np.argsort(perms, axis=1)  # back[t, perms[t, j]] = j: an image's response columns to the row's own
    start, nbr = neighbours(atoms, reach + 1e-6) if batched else (None, None)
    per_chunk = max(1, CHUNK_VALUES // (6 * 3 * max(n, 1)))
    total = 6 * len(groups)
    if progress is not None:
        progress(0, total)
    for first in range(0, len(groups), per_chunk):
        chunk = groups[first : first + per_chunk]
        displaced = np.empty((len(chunk), 3, 2, n, 3))
        for g, group in enumerate(chunk):
            for a in range(3):
                displaced[g, a] = pos0
                displaced[g, a, 0, group, a] += step_angstrom
                displaced[g, a, 1, group, a] -= step_angstrom
        forces = np.asarray(forces_of(displaced.reshape(-1, n, 3)), dtype=float).reshape(len(chunk), 3, 2, n, 3)
        for g, group in enumerate(chunk):
            owned = None if group.size == 1 else _owned(group, start, nbr)
            for a in range(3):
                diff = -(forces[g, a, 0] - forces[g, a, 1]) / (2 * step_angstrom)
                if owned is None:
                    row, t = origin[int(group[0])]
                    out[where[row], a] = diff[perms[t]]
                    continue
                for atom, mine in zip(group.tolist(), owned):
                    row, t = origin[atom]
                    out[where[row], a][back[t, mine]] = diff[mine]
                if tails is not None:
                    beyond = np.ones(n, dtype=bool)
                    beyond[np.concatenate(owned)] = False
                    tails.append(float(np.abs(diff[beyond]).max(initial=0.0)))
        if progress is not None:
            progress(6 * (first + len(chunk)), total)
    return out


__all__ = ["coloured_rows", "colours", "neighbours", "finite_difference_hessian", "finite_difference_rows"]
