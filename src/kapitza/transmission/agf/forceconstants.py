r"""Force constants resolved by lateral lattice translation.

The in-plane Fourier transform of the AGF needs :math:`\Phi(i\mathbf 0, j\mathbf n)`:
the coupling between atom i of the lateral cell and the image of atom j in
the cell translated by :math:`\mathbf n = n_1\mathbf a_1 + n_2\mathbf a_2`, for
*every* translation within the force range, diagonal images included.  A
calculator only gives the Hessian of a periodic cell, with all images of a
pair folded into one block.  So the Hessian is computed on a supercell
repeated :math:`N_1\times N_2` times in the plane, large enough that each
interacting pair appears once: every nonzero block of a base atom i then
belongs to exactly one image of j, the one at the minimum-image distance,
and :math:`\mathbf n` is read off from it.

Why the supercell must be large: with a Hessian range :math:`r_c` (for
many-body potentials twice the interaction cutoff: Stillinger-Weber's
three-body term couples two neighbours of a common atom, up to
:math:`2 \times 3.77` A apart), two images of one atom can both lie within
:math:`r_c` of i only if a supercell lattice vector is shorter than
:math:`2 r_c`.  Every nonzero vector of a 2D lattice is at least as long as
the smaller of its two widths (area / length of the other vector), so
widths above :math:`2 r_c` make the assignment unique.  The code checks this
and also checks every nonzero block: the minimum image must lie within
:math:`r_c` (else the stated range is wrong) and the next image beyond it
(else the supercell is too small).

Sources of force constants: a named :class:`kapitza.atomistic.potentials.Potential` or
any ASE calculator (analytic Hessian when the calculator has
``get_hessian``, as matscipy's do; otherwise central finite differences of
the forces, displacing only the atoms whose rows are needed), or a phonopy
object whose supercell is a lateral repetition of the slab.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ...atomistic.force_constants import EV_PER_A2
from ...atomistic.hessian import finite_difference_rows
from ...atomistic.translations import TOLERANCE_ANGSTROM, row_orbits
from ...errors import InputError, optional_module
from ...io.cache import cached_arrays
from ...io.results import result
from ...units import ANGSTROM

#: Blocks whose largest entry is below this fraction of the largest force constant are treated as zero.
ZERO_BLOCK = 1e-12
#: Slack (A) on the distance checks, for positions that are rounded in input files.
DISTANCE_SLACK = 1e-6


@result
class LateralForceConstants:
    """Phi(i 0, j n) for atoms of a slab, by lateral translation n.

    Attributes
    ----------
    i, j : ndarray
        Atom indices (into the slab), shape (n_pairs,).
    translations : ndarray
        n = (n1, n2) of the image of j, shape (n_pairs, 2), int.
    blocks : ndarray
        d^2E / du_i du_j(n) in N/m, shape (n_pairs, 3, 3).
    positions : ndarray
        Slab positions in m, shape (n_atoms, 3).
    lateral_cell : ndarray
        a1, a2 as rows, m, shape (2, 3).
    force_range : float
        The Hessian range the supercell was sized for, m.
    repeat : (int, int)
        Supercell repetitions used.
    method : str
        "analytic", "finite-difference", "finite-difference (LAMMPS)", "finite-difference (NAME)" for a
        calculator (:class:`kapitza.atomistic.calculator_forces.CalculatorForceConstants`) or "phonopy".
    dropped : float
        Largest block beyond ``force_range`` that was dropped (or response beyond it to atoms displaced together,
        :func:`kapitza.atomistic.hessian.coloured_rows`), as a fraction of the largest block: nonzero only for
        sources whose forces reach further than their stated range (machine-learned potentials), whose blocks are
        truncated at it with the acoustic sum rule restored on the self blocks; 0 for the others (a block beyond
        the range is an error there).
    displaced : int or None
        Finite differences: the atoms displaced, one of each orbit of the slab's in-plane translations
        (:mod:`kapitza.atomistic.translations`; the other rows are copies); None for an analytic Hessian or a file.
    """

    i: NDArray[np.int64]
    j: NDArray[np.int64]
    translations: NDArray[np.int64]
    blocks: NDArray[np.float64]
    positions: NDArray[np.float64]
    lateral_cell: NDArray[np.float64]
    force_range: float
    repeat: tuple[int, int]
    method: str
    dropped: float = 0.0
    displaced: int | None = None

    def folded(self, atoms: NDArray[np.int64] | None = None) -> NDArray[np.float64]:
        """Sum over translations (the k_par = 0 matrix of the slab's own periodic cell), N/m.

        Parameters
        ----------
        atoms : ndarray, optional
            Restrict rows and columns to these atoms (default: all); shape (3 n, 3 n) result.
        """
        n_atoms = self.positions.shape[0]
        pick = np.arange(n_atoms) if atoms is None else np.asarray(atoms)
        where = -np.ones(n_atoms, dtype=np.int64)
        where[pick] = np.arange(pick.size)
        out = np.zeros((pick.size, 3, pick.size, 3))
        ok = (where[self.i] >= 0) & (where[self.j] >= 0)
        np.add.at(out, (where[self.i[ok]], slice(None), where[self.j[ok]], slice(None)), self.blocks[ok])
        return out.reshape(3 * pick.size, 3 * pick.size)


def lateral_widths(lateral_cell: NDArray[np.float64]) -> tuple[float, float]:
    """Widths of the 2D cell: area/|a2| across a1's stripes and area/|a1| across a2's, same unit as the cell."""
    a1, a2 = np.asarray(lateral_cell, dtype=float)[:2]
    area = float(np.linalg.norm(np.cross(a1, a2)))
    return area / float(np.linalg.norm(a2)), area / float(np.linalg.norm(a1))


def required_repeat(lateral_cell: NDArray[np.float64], force_range: float) -> tuple[int, int]:
    """Smallest (N1, N2) whose supercell widths exceed twice the force range (same length unit)."""
    w1, w2 = lateral_widths(lateral_cell)
    return int(np.floor(2 * force_range / w1)) + 1, int(np.floor(2 * force_range / w2)) + 1


def hessian_range(potential: Any, atoms: Any | None = None) -> float:
    """Reach of the harmonic force constants of a named potential, in A: its record's
    (:meth:`kapitza.atomistic.potentials.Potential.hessian_reach`; twice the interaction cutoff of a many-body
    potential).  InputError for a source whose reach kapitza does not know (pass ``force_range`` then)."""
    from ...atomistic.potentials import unknown_reach

    reach = getattr(potential, "hessian_reach", None)
    if reach is None:
        raise unknown_reach(getattr(potential, "name", None) or type(potential).__name__)
    return reach(atoms)


def _calculator(source: Any) -> tuple[Any, str, dict[str, Any] | None]:
    """(calculator, name, cache parameters or None) of a Potential, a source with ``hessian_rows`` (a LAMMPS force
    field, :class:`kapitza.atomistic.lammps_forces.LammpsSource`) or an ASE calculator."""
    if hasattr(source, "hessian_rows"):
        return source, str(source.name), {"name": source.name, "parameters": dict(source.parameters)}
    if hasattr(source, "calculator") and hasattr(source, "name"):
        return source.calculator(), str(source.name), {"name": source.name, "parameters": dict(source.parameters)}
    if hasattr(source, "get_forces") or hasattr(source, "calculate"):
        return source, type(source).__name__, None
    raise InputError(f"expected a kapitza Potential or an ASE calculator, got {type(source).__name__}")


def force_constant_method(source: Any) -> str:
    """How :func:`lateral_force_constants` will get the force constants of ``source``: "analytic" (a calculator
    with ``get_hessian``, matscipy's: sparse), "lammps" (finite differences of LAMMPS forces) or
    "finite-difference" (of an ASE calculator's forces); the last two hold dense rows while they run."""
    if hasattr(source, "hessian_rows"):
        return "lammps"
    calc, _, _ = _calculator(source)
    if hasattr(calc, "hessian_rows"):
        return "lammps"
    return "analytic" if hasattr(calc, "get_hessian") else "finite-difference"


def lateral_force_constants(
    atoms: Any,
    source: Any,
    *,
    force_range: float | None = None,
    rows: NDArray[np.int64] | None = None,
    repeat: tuple[int, int] | None = None,
    method: str = "auto",
    displacement_angstrom: float = 0.01,
    cache: bool = True,
) -> LateralForceConstants:
    """Force constants of ``atoms`` (a slab periodic in-plane) resolved by lateral translation.

    Parameters
    ----------
    atoms : ase.Atoms
        The slab, positions in A; cell rows a1, a2 in the plane, a3 along z
        (put vacuum wider than the force range along z for a finite slab).
    source : Potential or ASE calculator
        Where the forces come from.
    force_range : float, optional
        Hessian range in A (default: :func:`hessian_range` of a named potential).
    rows : ndarray, optional
        Atoms whose couplings are needed (default: all); only these are displaced.
    repeat : (int, int), optional
        Supercell repetitions; default the smallest that is large enough.
        A smaller one raises InputError.
    method : {"auto", "analytic", "finite-difference"}
    displacement_angstrom : float
        Finite-difference step, A.
    cache : bool
        Use the on-disk cache (named potentials only).
    """
    calc, name, cache_params = _calculator(source)
    if force_range is None:
        force_range = hessian_range(source, atoms)
    force_range = float(force_range)
    if not np.isfinite(force_range) or force_range <= 0:
        raise InputError(f"force_range must be a positive length in A, got {force_range!r}")
    lateral = np.asarray(atoms.cell)[:2]
    if abs(lateral[:, 2]).max() > 1e-9:
        raise InputError("the in-plane cell vectors a1, a2 must lie in the xy plane (z is the transport direction)")
    needed = required_repeat(lateral, force_range)
    if repeat is None:
        repeat = needed
    repeat = (int(repeat[0]), int(repeat[1]))
    if repeat[0] < needed[0] or repeat[1] < needed[1]:
        w1, w2 = lateral_widths(lateral)
        raise InputError(
            f"a {repeat[0]}x{repeat[1]} lateral supercell ({repeat[0] * w1:.3g} x {repeat[1] * w2:.3g} A wide) is too "
            f"small for force constants reaching {force_range:.3g} A: images of one atom would overlap; "
            f"use at least {needed[0]}x{needed[1]}"
        )
    if method not in ("auto", "analytic", "finite-difference"):
        raise InputError(f"unknown method {method!r}; expected 'auto', 'analytic' or 'finite-difference'")
    if method == "auto":
        method = "analytic" if hasattr(calc, "get_hessian") else "finite-difference"
    if method == "analytic" and not hasattr(calc, "get_hessian"):
        raise InputError(f"{name} has no analytic Hessian; use method='finite-difference'")
    if hasattr(calc, "hessian_rows"):
        method = str(getattr(calc, "method", "finite-difference (LAMMPS)"))
    truncate = bool(getattr(calc, "truncate", False))
    n_atoms = len(atoms)
    rows = np.arange(n_atoms) if rows is None else np.unique(np.asarray(rows, dtype=np.int64))

    def compute() -> dict[str, NDArray[Any]]:
        supercell = atoms.repeat((repeat[0], repeat[1], 1))
        supercell.calc = calc
        if method != "analytic":  # finite differences: one atom of each orbit of the slab's lateral translations
            orbits = row_orbits(supercell, rows)
            if hasattr(calc, "hessian_rows"):
                sub = calc.hessian_rows(supercell, orbits.displaced, float(displacement_angstrom))
            else:
                sub = finite_difference_rows(supercell, orbits.displaced, float(displacement_angstrom))
            out = orbits.expand(nonzero_blocks(sub, EV_PER_A2))
            out["displaced"] = np.array(orbits.displaced.size)
            if truncate:  # what the displacement scheme left beyond the range (kept with the blocks in the cache)
                out["tail"] = np.array(float(getattr(calc, "tail", 0.0)) * EV_PER_A2)
            return out
        h = calc.get_hessian(supercell)  # analytic
        if hasattr(h, "tocsr"):  # matscipy's sparse Hessian: its nonzero blocks, never a dense row
            return nonzero_blocks(h.tocsr()[(3 * rows[:, None] + np.arange(3)[None, :]).ravel()], EV_PER_A2)
        sub = np.asarray(h).reshape(3 * n_atoms * repeat[0] * repeat[1], -1)[
            (3 * rows[:, None] + np.arange(3)[None, :]).ravel()
        ]
        return nonzero_blocks(sub, EV_PER_A2)

    parts = {
        "numbers": atoms.numbers,
        # rounded to 1e-9 A: a structure read back from a file differs from the built one in the last bits only
        "positions": np.round(atoms.positions, 9),
        "cell": np.asarray(atoms.cell),
        "repeat": list(repeat),
        "rows": rows,
        "method": method,
        "displacement": float(displacement_angstrom) if method.startswith("finite-difference") else None,
        "sides": atoms.get_tags() if hasattr(calc, "hessian_rows") else None,
        "source": cache_params,
        "layout": "nonzero 3x3 blocks",  # entries of the dense-row layout (before it) are never read as these
        # finite differences displace one atom of each orbit of the lateral translations (found to this tolerance)
        "translations": None if method == "analytic" else TOLERANCE_ANGSTROM,
        # rows displaced together may be lateral copies of their atoms (hessian.colours, 12ba703): a potential that
        # reaches beyond the range puts other numbers into the rows than the plain colouring did, never read as these
        "colouring": None if method == "analytic" else "lateral copies",
    }
    n_super = n_atoms * repeat[0] * repeat[1]

    def sound(data: Mapping[str, NDArray[Any]]) -> str | None:  # read back only as finite blocks of these rows
        ri, s, blocks = data["row"], data["column"], data["blocks"]
        if blocks.shape[1:] != (3, 3) or not ri.size == s.size == blocks.shape[0] or not np.all(np.isfinite(blocks)):
            return "not finite 3x3 blocks, one row and column each"
        if ri.size and (min(ri.min(), s.min()) < 0 or ri.max() >= rows.size or s.max() >= n_super):
            return "blocks of atoms outside the supercell"
        return None

    # at most a block (72 bytes) and its two indices (16) for each pair of a row's atom and a supercell atom
    data = cached_arrays("agf-lateral-fc", parts, compute, enabled=cache and cache_params is not None,
                         max_bytes=88 * rows.size * n_super + 1024, check=sound)  # fmt: skip
    ri, s, blocks = data["row"], data["column"], data["blocks"]
    fits = blocks.shape[1:] == (3, 3) and ri.size == s.size == blocks.shape[0]
    if not fits or (ri.size and (ri.max() >= rows.size or s.max() >= n_super)):
        raise InputError("cached force constants do not match the supercell; clear the cache")
    rep, j = np.divmod(s, n_atoms)  # ASE's repeat: replica-major order, replica = m0 * N2 + m1
    r1, r2 = np.divmod(rep, repeat[1])
    found = _assign(
        i=rows[ri],
        j=j,
        r=np.column_stack([r1, r2]),
        blocks=blocks,
        positions=atoms.positions,
        lateral=lateral,
        repeat=repeat,
        force_range=force_range,
        method=method,
        truncate=truncate,
    )
    scale = float(np.abs(blocks).max(initial=0.0))
    if "tail" in data and scale > 0:
        found = dataclasses.replace(found, dropped=max(found.dropped, float(data["tail"]) / scale))
    if "displaced" in data:
        found = dataclasses.replace(found, displaced=int(data["displaced"]))
    return found


def _assign(
    *,
    i: NDArray[np.int64],
    j: NDArray[np.int64],
    r: NDArray[np.int64],
    blocks: NDArray[np.float64],
    positions: NDArray[np.float64],
    lateral: NDArray[np.float64],
    repeat: tuple[int, int],
    force_range: float,
    method: str,
    truncate: bool = False,
) -> LateralForceConstants:
    """Give each supercell block the translation of its minimum image; check uniqueness and range (A in).

    With ``truncate`` the blocks whose minimum image lies beyond ``force_range`` are dropped instead of refused,
    and each row's self block takes minus the sum of the row's other blocks (the acoustic sum rule of the kept
    blocks: a rigid translation costs no energy); the largest dropped block is recorded.
    """
    shifts = np.array([(t1, t2) for t1 in (-1, 0, 1) for t2 in (-1, 0, 1)])
    # candidate translations: replica offset plus supercell lattice vectors
    cand = r[:, None, :] + shifts[None, :, :] * np.array(repeat)[None, None, :]  # (pairs, 9, 2)
    d = positions[j][:, None, :] + cand @ lateral - positions[i][:, None, :]
    dist = np.linalg.norm(d, axis=2)
    order = np.argsort(dist, axis=1)
    best = order[:, 0]
    rows = np.arange(i.size)
    nearest = dist[rows, best]
    too_far = nearest > force_range + DISTANCE_SLACK
    dropped = 0.0
    if truncate and too_far.any():
        scale = float(np.abs(blocks).max(initial=0.0))
        dropped = float(np.abs(blocks[too_far]).max()) / scale if scale > 0 else 0.0
        keep = ~too_far
        i, j, blocks, cand, order = i[keep], j[keep], blocks[keep], cand[keep], order[keep]
        dist, nearest, too_far = dist[keep], nearest[keep], too_far[keep]
    rows = np.arange(i.size)
    second = dist[rows, order[:, 1]]
    if too_far.any():
        k = int(np.argmax(nearest))
        raise InputError(
            f"atoms {int(i[k])} and {int(j[k])} have a nonzero force constant at {nearest[k]:.4g} A, beyond the "
            f"stated force range {force_range:.4g} A; pass a larger force_range"
        )
    ambiguous = second <= force_range + DISTANCE_SLACK
    if ambiguous.any():
        k = int(np.argmax(ambiguous))
        raise InputError(
            f"the {repeat[0]}x{repeat[1]} lateral supercell is too small: two images of atom {int(j[k])} lie within "
            f"the force range ({force_range:.4g} A) of atom {int(i[k])}; use a larger repeat"
        )
    trans = cand[rows, order[:, 0]]
    if truncate:
        blocks = _sum_rule(i, j, trans, np.array(blocks, dtype=float))
    return LateralForceConstants(
        i=np.asarray(i, dtype=np.int64),
        j=np.asarray(j, dtype=np.int64),
        translations=trans.astype(np.int64),
        blocks=np.asarray(blocks, dtype=float),
        positions=np.asarray(positions, dtype=float) * ANGSTROM,
        lateral_cell=np.asarray(lateral, dtype=float) * ANGSTROM,
        force_range=force_range * ANGSTROM,
        repeat=repeat,
        method=method,
        dropped=dropped,
    )


def _sum_rule(
    i: NDArray[np.int64], j: NDArray[np.int64], trans: NDArray[np.int64], blocks: NDArray[np.float64]
) -> NDArray[np.float64]:
    """The blocks with each row's self block Phi(i0, i0) replaced by minus the sum of the row's other blocks."""
    own = (i == j) & np.all(trans == 0, axis=1)
    if np.unique(i[own]).size != np.unique(i).size:
        raise InputError("a row of the force constants has no self block; the acoustic sum rule cannot be restored")
    total = np.zeros((int(i.max()) + 1, 3, 3))
    np.add.at(total, i[~own], blocks[~own])
    blocks[own] = -total[i[own]]
    return blocks


#: Public name of :func:`_assign` for the other force-constant sources (``fc_files``).
assign_translations = _assign


def nonzero_blocks(rows: Any, scale_by: float = 1.0) -> dict[str, NDArray[Any]]:
    """The 3x3 blocks of Hessian rows that are not zero, times ``scale_by``: {"row", "column", "blocks"}.

    ``rows`` holds 3 rows per atom of the row set and 3 columns per atom of the supercell, dense (shape
    (3 R, 3 S) or (R, 3, S, 3)) or scipy-sparse (3 R, 3 S).  A block counts as zero when its largest entry is at
    most :data:`ZERO_BLOCK` times the largest entry of all rows.  Blocks come in row-major order (by row atom,
    then column atom), the order of ``np.nonzero`` on the dense rows.  A sparse input is never made dense: the
    blocks of a 6x6 Si | Ge cross-section are ~30 MB where its dense rows are 1.9 GB.
    """
    if hasattr(rows, "tobsr"):
        bsr = rows.tobsr(blocksize=(3, 3))
        bsr.sort_indices()
        data = np.asarray(bsr.data, dtype=float)
        row = np.repeat(np.arange(bsr.shape[0] // 3), np.diff(bsr.indptr))
        column = np.asarray(bsr.indices, dtype=np.int64)
        size = np.abs(data).max(axis=(1, 2)) if data.size else np.zeros(0)
    else:
        dense = np.asarray(rows, dtype=float)
        dense = dense.reshape(dense.shape[0] // 3 if dense.ndim == 2 else dense.shape[0], 3, -1, 3)
        # the largest entry of each block, a few atoms' rows at a time (no temporary of the rows' size)
        size = np.concatenate([np.abs(dense[a : a + 64]).max(axis=(1, 3)) for a in range(0, dense.shape[0], 64)])
        row, column = np.nonzero(size > 0.0)
        data = dense[row, :, column, :]
        size = size[row, column]
    keep = size > ZERO_BLOCK * size.max(initial=0.0)
    return {
        "row": row[keep].astype(np.int64),
        "column": column[keep].astype(np.int64),
        "blocks": data[keep] * scale_by,
    }


def lateral_force_constants_from_phonopy(phonon: Any, force_range: float) -> LateralForceConstants:
    """The same, from a phonopy object whose supercell repeats the slab (its unit cell) N1 x N2 x 1 times.

    Parameters
    ----------
    phonon : phonopy.Phonopy
        With force constants produced (eV/A^2, phonopy's convention for ASE-like calculators).
    force_range : float
        Hessian range in A used for the checks.
    """
    optional_module("phonopy", "agf", "force constants from phonopy")
    fc = phonon.force_constants
    if fc is None:
        raise InputError("the phonopy object has no force constants; call produce_force_constants() first")
    smat = np.asarray(phonon.supercell_matrix)
    if not np.allclose(smat, np.diag(np.diag(smat))) or int(smat[2, 2]) != 1:
        raise InputError(
            f"the phonopy supercell must repeat the slab in-plane only (diag(N1, N2, 1)), got {smat.tolist()}"
        )
    repeat = (int(smat[0, 0]), int(smat[1, 1]))
    unit = phonon.unitcell
    sup = phonon.supercell
    lattice = np.asarray(unit.cell)
    u_pos = np.asarray(unit.positions)
    s_pos = np.asarray(sup.positions)
    s2u = np.asarray(sup.s2u_map)
    u2u = sup.u2u_map
    base_of = np.array([u2u[s] for s in s2u])  # unit-cell atom of each supercell atom
    frac = np.linalg.solve(lattice.T, (s_pos - u_pos[base_of]).T).T
    n = np.rint(frac).astype(np.int64)
    if np.abs(frac - n).max() > 1e-5 or np.any(n[:, 2] != 0):
        raise InputError("the phonopy supercell is not a lateral repetition of its unit cell")
    n_atoms = len(unit)
    p2s = np.asarray(phonon.primitive.p2s_map)
    if fc.shape[0] == len(sup):
        rows_s = np.array([s for s in range(len(sup)) if np.all(n[s] == 0)])
        rows_s = rows_s[np.argsort(base_of[rows_s])]
        sub = fc[rows_s]
    elif len(p2s) == n_atoms:
        rows_s = p2s
        sub = fc
    else:
        raise InputError("compact force constants need primitive_matrix = None (the slab is the primitive cell)")
    sub = np.asarray(sub) * EV_PER_A2  # (n_atoms, n_super, 3, 3)
    scale = np.abs(sub).max(initial=0.0)
    nonzero = np.abs(sub).max(axis=(2, 3)) > ZERO_BLOCK * scale
    ri, s = np.nonzero(nonzero)
    i = base_of[rows_s][ri]
    return _assign(
        i=i,
        j=base_of[s],
        r=n[s, :2],
        blocks=sub[ri, s],
        positions=u_pos,
        lateral=lattice[:2],
        repeat=repeat,
        force_range=float(force_range),
        method="phonopy",
    )
