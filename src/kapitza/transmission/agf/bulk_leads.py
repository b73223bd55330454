r"""Leads from bulk force-constant files: the DFT user's usual split.

A DFT study of an interface computes force constants twice: once for the
interface supercell (lead | device | lead) and once for each bulk crystal,
where a larger cell along the normal converges the lead's couplings better than
the interface cell can afford.  With ``left_lead``/``right_lead`` (a phonopy
``phonopy.yaml`` of the bulk crystal, its force constants inside it or beside
it as ``FORCE_CONSTANTS``, ``force_constants.hdf5`` or ``FORCE_SETS``; read by
the safe loader of :mod:`kapitza.phonons.phonopy_file`) the lead's principal
layers U_-1, U_0 (left) or U_1, U_2 (right) take their force constants from the
bulk file: every block between two atoms of the lead's two principal layers is
replaced by the bulk block of the same pair of sites.  The coupling of the lead
to the device stays that of the interface file (it is where the interface
begins).

Mapping
-------
The bulk cell must have the interface's lateral cell (a1, a2 in the xy plane,
equal within :data:`LATERAL_TOLERANCE`) and its third vector along z (the
normal), periodic.  The lead's sites are found in the bulk by one rigid shift:
the shift that puts the lead's first atom onto a bulk atom of the same mass
and every other lead atom onto a bulk atom of the same mass within
:data:`SITE_TOLERANCE` (modulo the bulk lattice).  Each lead atom then reads its
couplings from the copy of its site farthest from the bulk cell's z faces,
whose couplings all lie inside the cell (phonopy's file gives no couplings
across a z boundary that kapitza could tell from direct ones): the bulk cell
must be at least twice the force range plus one lead period tall.

Checks
------
The difference between the interface file's own lead blocks and the bulk ones
(largest entry, relative to the largest force constant) is reported as
``lead_mismatch``; above :data:`MISMATCH_LIMIT` the bulk file is not the lead of
this structure (another strain, orientation or material) and it is refused.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ...errors import InputError
from ...units import ANGSTROM
from .forceconstants import LateralForceConstants
from .images import block_difference, nearest_images, site_distances

#: In-plane cell vectors of the bulk lead and of the interface must agree to this (A).
LATERAL_TOLERANCE = 1e-2
#: A lead atom and its bulk site may sit this far apart (A): the interface file's leads carry its relaxation.
SITE_TOLERANCE = 5e-2
#: Largest difference between the interface's own lead blocks and the bulk file's, relative to the largest
#: force constant, accepted as the same lead.
MISMATCH_LIMIT = 0.1


@dataclasses.dataclass(frozen=True)
class BulkLead:
    """A bulk crystal and its force constants, read from a phonopy YAML file.

    Attributes
    ----------
    atoms : ase.Atoms
        phonopy's unit cell of the bulk crystal, A.
    fc : LateralForceConstants
        Its force constants by lateral translation, N/m.
    file : str
        The YAML file, as given.
    """

    atoms: Any
    fc: LateralForceConstants
    file: str


def check_lead_path(path: str | os.PathLike, name: str = "lead") -> Path:
    """``path`` as a Path if it names an existing YAML file; otherwise the one InputError line."""
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{name}: {str(p)!r} does not exist or is not a file (give the bulk crystal's phonopy.yaml)")
    if not p.name.lower().endswith((".yaml", ".yml")):
        raise InputError(
            f"{name}: {str(p)!r} is not a phonopy YAML file; the bulk lead is a phonopy.yaml (its unit cell, "
            "supercell matrix and force constants, these inside it or beside it)"
        )
    return p


def read_bulk_lead(path: str | os.PathLike, name: str = "lead") -> BulkLead:
    """The bulk lead of a phonopy YAML file (unit cell, diag(N1, N2, 1) supercell, force constants)."""
    from ase import Atoms

    from ...phonons.phonopy_file import load_phonopy
    from .fc_files import read_force_constants

    p = check_lead_path(path, name)
    try:
        ph, _ = load_phonopy(p)
    except InputError as exc:
        raise InputError(f"{name}: {exc}") from None
    unit = ph.unitcell
    atoms = Atoms(
        symbols=list(unit.symbols), positions=np.asarray(unit.positions), cell=np.asarray(unit.cell), pbc=True
    )
    atoms.set_masses(np.asarray(unit.masses, dtype=float))
    cell = np.asarray(atoms.cell)
    if np.abs(cell[:2, 2]).max() > 1e-6 or np.abs(cell[2, :2]).max() > 1e-6:
        raise InputError(
            f"{name}: {p.name}: the bulk cell needs a1, a2 in the xy plane and a3 along z (the interface normal), "
            f"got {np.round(cell, 4).tolist()}"
        )
    try:
        fc = read_force_constants(p, SimpleNamespace(atoms=atoms))
    except InputError as exc:
        raise InputError(f"{name}: {exc}") from None
    return BulkLead(atoms=atoms, fc=fc, file=str(path))


def bulk_sites(
    lead_pos: NDArray[np.float64],
    lead_mass: NDArray[np.float64],
    period: float,
    bulk: BulkLead,
    name: str,
    candidates: NDArray[np.int64] | None = None,
) -> NDArray[np.int64]:
    """For each lead atom (positions in A), the bulk atom of its site whose couplings lie inside the bulk cell.

    Sites are equal modulo the lateral lattice and the lead's ``period`` along z (A).  ``candidates``: the bulk atoms
    whose rows the bulk force constants hold (default every atom of the bulk cell)."""
    bpos, bmass = bulk.atoms.positions, bulk.atoms.get_masses()
    cell = np.asarray(bulk.atoms.cell)
    height = float(cell[2, 2])
    copies = round(height / period)
    if copies < 1 or abs(copies * period - height) > SITE_TOLERANCE:
        raise InputError(
            f"{name}: the bulk cell is {height:.4g} A along z, not a whole number of the lead's periods "
            f"({period:.4g} A in the structure): another crystal, orientation or strain"
        )

    def mismatch(shift: NDArray[np.float64]) -> NDArray[np.float64]:
        dist = site_distances(lead_pos + shift, bpos, cell, period)
        dist[~np.isclose(lead_mass[:, None], bmass[None, :], rtol=1e-6)] = np.inf
        return dist

    dist = None
    for q in np.flatnonzero(np.isclose(bmass, lead_mass[0], rtol=1e-6)):
        trial = mismatch(bpos[q] - lead_pos[0])
        if trial.min(axis=1).max() <= SITE_TOLERANCE:
            dist = trial
            break
    if dist is None:
        raise InputError(
            f"{name}: the lead's atoms are not the sites of the bulk file's crystal (no rigid shift puts every lead "
            f"atom within {SITE_TOLERANCE} A of a bulk atom of its mass): another orientation, strain or material"
        )
    reach = bulk.fc.force_range / ANGSTROM
    z = bpos[:, 2]
    room = np.minimum(z - z.min(), z.max() - z) - reach  # >= 0: every coupling of the atom lies inside the cell
    if candidates is not None:
        has_row = np.zeros(z.size, dtype=bool)
        has_row[np.asarray(candidates, dtype=np.int64)] = True
        room = np.where(has_row, room, -np.inf)
    score = np.where(dist <= SITE_TOLERANCE, room[None, :], -np.inf)
    best = np.argmax(score, axis=1)
    if score[np.arange(best.size), best].min() < -1e-6:
        raise InputError(
            f"{name}: the bulk cell ({height:.4g} A along z) is too short: a lead site has no copy whose couplings "
            f"(force range {reach:.4g} A) all lie inside it; use a bulk cell at least twice the force range plus "
            "one lead period tall"
        )
    return best


def placed_rows(
    pos: NDArray[np.float64],
    lateral: NDArray[np.float64],
    rows: NDArray[np.int64],
    sites: NDArray[np.int64],
    bulk_fc: LateralForceConstants,
    name: str,
    *,
    columns: NDArray[np.bool_] | None = None,
    window: tuple[float, float] | None = None,
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]]:
    """The bulk rows of ``sites`` placed on the atoms ``rows`` of a structure by the lattice: the one rule of the bulk
    leads and of the interface's bulk rows (:mod:`.local_fc`).

    Each block Phi(q 0, j n) of the bulk row of site q goes to the structure's atom at the bulk neighbour's position
    relative to the row's atom p (``pos[p] + r_j + n . a - r_q``, found modulo the structure's lateral lattice within
    :data:`SITE_TOLERANCE`).  A neighbour site the structure lacks is an InputError where it must be there: within
    the z ``window`` (A) where one is given, everywhere otherwise; ``columns`` (bool per structure atom) keeps only
    the blocks whose column atom it marks.

    Parameters
    ----------
    pos : ndarray
        The structure's positions, A, shape (n, 3).
    lateral : ndarray
        Its lateral cell a1, a2 as rows, A, shape (2, 3) or more rows.
    rows, sites : int arrays
        The structure's atoms and the bulk atom (index into the bulk cell) of each one's site, shape (r,).
    bulk_fc : LateralForceConstants
        The bulk cell's force constants (its rows cover ``sites``).
    name : str
        What the bulk is, for messages.

    Returns
    -------
    (i, j, translations, blocks)
        Blocks in N/m, shapes (b,), (b,), (b, 2), (b, 3, 3).
    """
    bpos, blat = bulk_fc.positions / ANGSTROM, bulk_fc.lateral_cell / ANGSTROM
    order = np.argsort(bulk_fc.i, kind="stable")
    start = np.searchsorted(bulk_fc.i[order], np.arange(int(bulk_fc.i.max(initial=-1)) + 2))
    new_i, new_j, new_t, new_b = [], [], [], []
    for p, q in zip(np.asarray(rows).tolist(), np.asarray(sites).tolist(), strict=True):
        mine = order[start[q] : start[q + 1]] if q + 1 < start.size else np.zeros(0, dtype=np.int64)
        if mine.size == 0:
            raise InputError(f"{name}: the bulk force constants hold no row for the site of atom {p}")
        target = pos[p] + bpos[bulk_fc.j[mine]] + bulk_fc.translations[mine] @ blat - bpos[q]
        atom, trans, resid = nearest_images(pos, lateral, target)
        found = resid <= SITE_TOLERANCE
        must = np.ones(found.size, dtype=bool)
        if window is not None:
            must = (target[:, 2] >= window[0]) & (target[:, 2] <= window[1])
        if (must & ~found).any():
            raise InputError(
                f"{name}: the bulk crystal has a site {'inside the lead ' if window is not None else ''}that the "
                f"structure lacks (near {np.round(target[np.argmax(must & ~found)], 3).tolist()} A)"
            )
        keep = found if columns is None else found & columns[atom]
        new_i.append(np.full(int(keep.sum()), p, dtype=np.int64))
        new_j.append(atom[keep])
        new_t.append(trans[keep])
        new_b.append(bulk_fc.blocks[mine[keep]])
    if not new_i:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros((0, 2), np.int64), np.zeros((0, 3, 3))
    i, j, t, b = (np.concatenate(x) for x in (new_i, new_j, new_t, new_b))
    return i, j, t.reshape(-1, 2), b.reshape(-1, 3, 3)


def _keyed(i: Any, j: Any, t: Any, blocks: Any) -> dict[tuple[int, int, int, int], NDArray[np.float64]]:
    return {(int(a), int(b), int(c[0]), int(c[1])): blk for a, b, c, blk in zip(i, j, t, blocks, strict=True)}


def with_bulk_lead(
    structure: Any, fc: LateralForceConstants, lead: NDArray[np.int64], period: float, bulk: BulkLead, name: str
) -> tuple[LateralForceConstants, float]:
    """``fc`` with every block between two ``lead`` atoms taken from the bulk file; and the lead mismatch.

    Parameters
    ----------
    structure : InterfaceStructure
        The structure of ``fc`` (its masses are used).
    fc : LateralForceConstants
        The interface file's force constants.
    lead : int array
        The lead's atoms (its two principal layers).
    period : float
        The lead's period along z, A.
    bulk : BulkLead
    name : str
        "left lead" or "right lead", for messages.

    Returns
    -------
    (LateralForceConstants, float)
        The new force constants, and the largest difference between the replaced blocks and the bulk ones,
        relative to the largest force constant.
    """
    pos, lateral = fc.positions / ANGSTROM, fc.lateral_cell / ANGSTROM
    bulk_lateral = np.asarray(bulk.atoms.cell)[:2]
    if not np.allclose(bulk_lateral, lateral, atol=LATERAL_TOLERANCE):
        raise InputError(
            f"{name}: the bulk file's in-plane cell {np.round(bulk_lateral, 4).tolist()} A is not the structure's "
            f"{np.round(lateral, 4).tolist()} A; make the bulk cell on the interface's lateral cell"
        )
    masses = structure.atoms.get_masses()
    sites = bulk_sites(pos[lead], masses[lead], period, bulk, name)
    in_lead = np.zeros(pos.shape[0], dtype=bool)
    in_lead[lead] = True
    window = (pos[lead, 2].min() - SITE_TOLERANCE, pos[lead, 2].max() + SITE_TOLERANCE)
    i, j, t, b = placed_rows(pos, lateral, lead, sites, bulk.fc, name, columns=in_lead, window=window)
    old = in_lead[fc.i] & in_lead[fc.j]
    replaced = _keyed(fc.i[old], fc.j[old], fc.translations[old], fc.blocks[old])
    diff = block_difference(replaced, _keyed(i, j, t, b))
    scale = float(np.abs(fc.blocks).max(initial=0.0))
    mismatch = diff / scale if scale > 0 else 0.0
    if mismatch > MISMATCH_LIMIT:
        raise InputError(
            f"{name}: the bulk file's force constants differ from the structure's own lead by {100 * mismatch:.3g} % "
            f"of the largest force constant (more than {100 * MISMATCH_LIMIT:g} %): it is not this lead"
        )
    out = dataclasses.replace(
        fc,
        i=np.concatenate([fc.i[~old], i]).astype(np.int64),
        j=np.concatenate([fc.j[~old], j]).astype(np.int64),
        translations=np.concatenate([fc.translations[~old], t.reshape(-1, 2)]).astype(np.int64),
        blocks=np.concatenate([fc.blocks[~old], b.reshape(-1, 3, 3)]),
    )
    return out, mismatch


__all__ = [
    "LATERAL_TOLERANCE",
    "MISMATCH_LIMIT",
    "SITE_TOLERANCE",
    "BulkLead",
    "bulk_sites",
    "check_lead_path",
    "placed_rows",
    "read_bulk_lead",
    "with_bulk_lead",
]
