r"""Interface force constants where the interface is: the rows near it displaced, the others from the two bulk crystals.

The calculator route's all-atom force constants (:func:`.partition.interface_model`) displace one atom of every
orbit of the padded slab's lateral translations, at every height.  Far from the interface an atom's row is a bulk
crystal's: the same atoms on the same (strained) lattice sites around it give the same forces.  The local route
(:func:`local_force_constants`, :func:`local_interface_model`)

1. finds the *interface zone* (:func:`interface_zone`): the slab's row atoms within the potential's reach
   (:func:`interface_reach`) of an atom that is not its own side's bulk (an atom of the other crystal, or an
   intermixed one; a side's bulk is its end cell: one period of the crystal as the interface holds it) or of a site of
   its own bulk that the structure leaves empty (where the crystal ends: a row near it lacks a bulk neighbour);
2. displaces only the zone's rows, through the calculator as the all-atom route does
   (:func:`.forceconstants.lateral_force_constants` with those rows: one atom of each orbit of the slab's lateral
   translations, so one lateral cell of each layer where the cell repeats; coloured; batched; cached by content), in
   the part of the padded slab their blocks depend on (:func:`zone_slab`);
3. computes each side's bulk rows once, on that side's *column* (:func:`bulk_column`): its end cell (the crystal
   relaxed with the calculator, strained into the common lateral cell, its own period along the normal) repeated
   2k + 1 times along the normal with k = ceil(force range / period), periodic in three dimensions; the middle
   period's atoms are displaced (their couplings within the force range never cross the column's z boundary), with
   the same lateral supercell, step and truncation as the slab (cached by content);
4. places the bulk rows on every row atom outside the zone by the lattice
   (:func:`.bulk_leads.placed_rows`, the rule of the bulk leads): each block goes to the slab atom at the bulk
   neighbour's position relative to the row's atom;
5. makes the assembled matrix symmetric, Phi(i 0, j n) = Phi(j 0, i -n)^T (a block between a displaced row and a bulk
   row is the mean of the two), and restores the acoustic sum rule on the self blocks (the standard correction:
   Phi(i 0, i 0) = -sum of the row's other blocks); the largest asymmetry at the seam and the largest change of a
   self block are recorded (:class:`SeamRecord`), as fractions of the largest block.

Why the bulk rows come from the strained column and not from the structure route's cached phonopy force constants
(:func:`kapitza.phonons.crystal_phonons`): those are the unstrained crystal's, while each side of the interface
carries up to ``max_strain`` of in-plane strain; the rows of the strained crystal are what the all-atom route
computes, and a column of one period costs a few displaced atoms (one lateral cell, one period).

Reach
-----
A row is a bulk row when its own bulk, all of it and nothing else, lies within the reach of its atom. For a potential
with a true cutoff r_c (Stillinger-Weber, EMT, Tersoff) the row's blocks reach its Hessian range (twice r_c) and are
made of the atoms within that range: the reach is the force range, and the local route reproduces the all-atom route to
the finite differences' round-off. A message-passing potential's forces see further: each of its L interaction layers
passes information one graph cutoff r further, so an atom's energy depends on every atom within its receptive field L r,
and a row near the interface differs from the bulk row even where its blocks (truncated at the force range) do not reach
the interface. Its reach is the force range plus the receptive field (:data:`RECEPTIVE_FIELD_ANGSTROM`), as the models'
own hyperparameters state it; ``interface_reach`` overrides it (a user's ``module:factory`` calculator's receptive field
is not known: its force range alone is taken, and the run says so).

Lengths are in A at this edge; blocks in N/m.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ... import _checks
from ...atomistic.potential_records import RECEPTIVE_FIELD_ANGSTROM, receptive_field
from ...atomistic.stacking import end_cell
from ...errors import InputError
from ...io.results import result
from ...units import ANGSTROM
from .bulk_leads import SITE_TOLERANCE, BulkLead, bulk_sites, placed_rows
from .forceconstants import LateralForceConstants, lateral_force_constants, required_repeat
from .images import site_distances
from .model import LayeredModel

#: Version of the local route's assembly (recorded with the model; the cached rows keep their own keys).
FORMAT = 1


def interface_reach(name: str, force_range: float, given: float | None = None) -> float:
    """How far from the interface rows are displaced, A: ``given`` where given (at least the force range), else the
    force range plus the calculator's receptive field (the force range alone where none is known)."""
    reach = float(force_range)
    if given is not None:
        value = float(given) if isinstance(given, (int, float, np.integer, np.floating)) else math.nan
        if not math.isfinite(value) or not reach <= value <= 200.0:
            raise InputError(
                f"interface_reach must be a length from the force range ({reach:g} A) to 200 A, got {given!r}: rows "
                "within the force range of the other crystal are never bulk rows"
            )
        return value
    field = receptive_field(name)
    return reach + (field or 0.0)


@result
class SeamRecord:
    """How the displaced rows and the bulk rows met (fractions of the largest block).

    Attributes
    ----------
    asymmetry : float
        Largest |Phi(i 0, j n) - Phi(j 0, i -n)^T| before the assembled matrix was made symmetric (0 up to
        round-off where the two rows of a pair come from the same computation or agree).
    correction : float
        Largest change of a self block by the sum-rule correction.
    residual : float
        Largest row sum left after it (the antisymmetric part of a self block, which the symmetric matrix drops).
    """

    asymmetry: float
    correction: float
    residual: float

    def __post_init__(self) -> None:
        for name in ("asymmetry", "correction", "residual"):
            _checks.non_negative(getattr(self, name), name, "(of the largest block)")


@result
class LocalForceConstants:
    """The assembled force constants of a padded slab, and how they were made.

    Attributes
    ----------
    fc : LateralForceConstants
        Every row of ``rows``, symmetric, the sum rule restored.
    rows : ndarray
        The slab's row atoms (U_-1, U_0, device, U_1, U_2), shape (r,).
    displaced_rows : ndarray
        The rows inside the interface zone, computed by displacement in the slab, shape (d,).
    bulk_rows : ndarray
        The others, placed from the bulk columns, shape (r - d,).
    reach : float
        The interface reach used, A.
    seam : SeamRecord
    displaced_atoms : int
        Atoms displaced in the slab (one of each orbit of its lateral translations).
    bulk_displaced : tuple of int
        Atoms displaced in each side's column (0 where the side has no bulk row).
    """

    fc: LateralForceConstants
    rows: NDArray[np.int64]
    displaced_rows: NDArray[np.int64]
    bulk_rows: NDArray[np.int64]
    reach: float
    seam: SeamRecord
    displaced_atoms: int
    bulk_displaced: tuple[int, int]

    _summary_fields = ("reach", "displaced_atoms", "bulk_displaced")

    def __post_init__(self) -> None:
        if not isinstance(self.fc, LateralForceConstants) or not isinstance(self.seam, SeamRecord):
            raise InputError("a LocalForceConstants holds LateralForceConstants as fc and a SeamRecord as seam")
        names = ("rows", "displaced_rows", "bulk_rows")
        rows, displaced, bulk = (_checks.sized(getattr(self, name), name, (None,), kind="i") for name in names)
        if sorted(np.concatenate([displaced, bulk]).tolist()) != sorted(rows.tolist()):
            raise InputError("displaced_rows and bulk_rows must split rows between them")
        _checks.positive(self.reach, "reach", "A")
        _checks.count(self.displaced_atoms, "displaced_atoms", 0)
        if len(self.bulk_displaced) != 2:
            raise InputError(f"bulk_displaced must be two counts, one per side, got {self.bulk_displaced!r}")
        for count in self.bulk_displaced:
            _checks.count(count, "bulk_displaced", 0)


def bulk_column(structure: Any, side: int, force_range: float) -> tuple[Any, NDArray[np.int64], float]:
    """Side ``side``'s bulk column: its end cell repeated 2k + 1 times along the normal, k = ceil(range / period).

    Returns the periodic ase.Atoms (A; the structure's lateral cell, tags side + 1), the indices of its middle
    period's atoms (the rows to displace) and the period, A."""
    from ase import Atoms

    members, period = end_cell(structure, side)
    if members.size == 0:
        raise InputError(f"side {'AB'[side]} has no atoms in its end cell: no bulk crystal to take its rows from")
    atoms = structure.atoms
    pos = atoms.positions[members].copy()
    pos[:, 2] = np.mod(pos[:, 2] - pos[:, 2].min(), period)
    k = int(math.ceil(float(force_range) / period - 1e-9))
    copies = 2 * k + 1
    stacked = np.concatenate([pos + [0.0, 0.0, m * period] for m in range(copies)])
    cell = np.asarray(atoms.cell, dtype=float).copy()
    cell[2] = [0.0, 0.0, copies * period]
    column = Atoms(
        numbers=np.tile(atoms.numbers[members], copies),
        positions=stacked,
        cell=cell,
        pbc=(True, True, True),
        masses=np.tile(atoms.get_masses()[members], copies),
        tags=np.full(copies * members.size, side + 1),
    )
    middle = np.arange(k * members.size, (k + 1) * members.size, dtype=np.int64)
    return column, middle, period


def _native(structure: Any, side: int) -> NDArray[np.bool_]:
    """For each structure atom: whether it is side ``side``'s bulk: of that side, on a site of its end cell (modulo
    the lateral lattice and the period) with the site's element and mass."""
    atoms = structure.atoms
    pos, lateral = atoms.positions, np.asarray(atoms.cell)[:2, :2]
    sites, period = end_cell(structure, side)
    out = np.zeros(len(atoms), dtype=bool)
    mine = np.flatnonzero(np.asarray(structure.side) == side)
    numbers, masses = atoms.numbers, atoms.get_masses()
    for chunk in np.array_split(mine, max(1, mine.size // 256)):
        dist = site_distances(pos[chunk], pos[sites], lateral, period)
        site = sites[np.argmin(dist, axis=1)]
        ok = dist.min(axis=1) <= SITE_TOLERANCE
        ok &= (numbers[site] == numbers[chunk]) & np.isclose(masses[site], masses[chunk], rtol=1e-9)
        out[chunk] = ok
    return out


def _nearest(points: NDArray[np.float64], others: NDArray[np.float64], lateral: NDArray[np.float64]) -> NDArray:
    """Distance (A) from each point to the nearest of ``others`` over the lateral lattice's images (rows of
    ``lateral``, 2x2 in-plane), shape (len(points),); inf where there are no others."""
    out = np.full(points.shape[0], np.inf)
    if others.shape[0] == 0:
        return out
    shifts = np.array([(a, b) for a in (-1, 0, 1) for b in (-1, 0, 1)], dtype=float) @ lateral
    for chunk in np.array_split(np.arange(points.shape[0]), max(1, points.shape[0] // 128)):
        d = others[None, :, :] - points[chunk][:, None, :]
        frac = np.linalg.solve(lateral.T, d[..., :2].reshape(-1, 2).T).T.reshape(d.shape[:-1] + (2,))
        xy = (frac - np.rint(frac)) @ lateral
        best = np.full(chunk.size, np.inf)
        for s in shifts:
            r2 = ((xy + s) ** 2).sum(axis=2) + d[..., 2] ** 2
            best = np.minimum(best, r2.min(axis=1))
        out[chunk] = np.sqrt(best)
    return out


def _vacant_sites(
    structure: Any, slab: Any, side: int, native: NDArray[np.bool_], span: tuple[float, float]
) -> NDArray[np.float64]:
    """Side ``side``'s bulk sites (its end cell's sites repeated by its period along the normal) within the slab's
    extent and ``span`` along z (A) that no atom of that side's bulk occupies (``native``: per slab atom): where its
    crystal ends (the other crystal there, or a gap) or a vacancy.  Positions, A, shape (m, 3)."""
    pos = slab.positions
    sites, period = end_cell(structure, side)
    site_pos = pos[sites]  # the slab's first atoms are the structure's, in the slab's frame
    lo, hi = max(span[0], pos[:, 2].min()) - SITE_TOLERANCE, min(span[1], pos[:, 2].max()) + SITE_TOLERANCE
    first = math.floor((lo - site_pos[:, 2].max()) / period)
    last = math.ceil((hi - site_pos[:, 2].min()) / period)
    lattice = np.concatenate([site_pos + [0.0, 0.0, m * period] for m in range(first, last + 1)])
    lattice = lattice[(lattice[:, 2] >= lo) & (lattice[:, 2] <= hi)]
    occupied = _nearest(lattice, pos[native], np.asarray(slab.cell)[:2, :2]) <= SITE_TOLERANCE
    return lattice[~occupied]


def interface_zone(structure: Any, slab: Any, parts: dict[str, NDArray[Any]], reach: float) -> NDArray[np.bool_]:
    """Whether each atom of the padded ``slab`` (:func:`.partition.padded_slab` of ``structure``) lies within ``reach``
    (A) of an atom that is not its side's bulk (an atom of the other crystal, or an intermixed one) or of a site of its
    side's bulk that no such atom holds (where its crystal ends, as across a gap wider than the bonds: the bulk row's
    neighbour there is missing): the rows that are displaced.  The slab's copies of the lead cells are their sides'
    bulk."""
    source = np.asarray(parts["source"])
    side_of = np.asarray(structure.side)[source]
    lateral = np.asarray(slab.cell)[:2, :2]
    zone = np.zeros(len(slab), dtype=bool)
    n = len(structure.atoms)
    for side in (0, 1):
        native = _native(structure, side)
        foreign = np.flatnonzero(~native)  # the structure's atoms (slab indices 0..n-1) that are not this side's bulk
        mine = np.flatnonzero(side_of == side)
        if mine.size == 0:
            continue
        z = slab.positions[mine, 2]
        vacant = _vacant_sites(structure, slab, side, native[source] & (side_of == side),
                               (z.min() - reach, z.max() + reach))  # fmt: skip
        others = np.concatenate([slab.positions[foreign[foreign < n]], vacant])
        zone[mine] = _nearest(slab.positions[mine], others, lateral) <= reach + 1e-9
    return zone


def zone_slab(slab: Any, zone_rows: NDArray[np.int64], force_range: float, padding: float) -> tuple[Any, NDArray]:
    """The part of the padded ``slab`` that the interface zone's displaced structures need, and its atoms' indices
    in ``slab``: every atom within ``force_range + max(force_range, padding)`` (A) along the normal of the zone's
    rows.  A displaced row's blocks reach its atoms within the force range, whose forces depend on the atoms within
    the force range of them (a potential with a true cutoff, whose force range is twice its cutoff), or within the
    padding the all-atom route gives a learned potential's slab beyond its lead units; the rest of the slab changes
    none of its blocks, and the structures are that much smaller."""
    z = slab.positions[:, 2]
    if zone_rows.size == 0:
        return slab, np.arange(len(slab))
    margin = float(force_range) + max(float(force_range), float(padding)) + 1e-6
    keep = np.flatnonzero((z >= z[zone_rows].min() - margin) & (z <= z[zone_rows].max() + margin))
    if keep.size == len(slab):
        return slab, keep
    return slab[keep], keep


def _keys(i: NDArray, j: NDArray, t: NDArray, span: int, n: int) -> NDArray[np.int64]:
    w = 2 * span + 1
    return ((i.astype(np.int64) * n + j) * w + (t[:, 0] + span)) * w + (t[:, 1] + span)


def seam_correction(fc: LateralForceConstants, rows: NDArray[np.int64]) -> tuple[LateralForceConstants, SeamRecord]:
    """``fc`` made symmetric between its ``rows`` (Phi(i 0, j n) and Phi(j 0, i -n)^T replaced by their mean; a
    block whose partner is missing counts it as zero) and each row's self block set to minus the sum of its other
    blocks; with what that changed (:class:`SeamRecord`)."""
    i, j, t, blocks = fc.i, fc.j, fc.translations, np.array(fc.blocks, dtype=float)
    if blocks.shape[0] == 0:
        return fc, SeamRecord(asymmetry=0.0, correction=0.0, residual=0.0)
    scale = float(np.abs(blocks).max(initial=0.0)) or 1.0
    n = int(max(fc.positions.shape[0], 1))
    span = int(np.abs(t).max(initial=0)) + 1
    is_row = np.zeros(n, dtype=bool)
    is_row[rows] = True
    pair = is_row[i] & is_row[j]
    key = _keys(i, j, t, span, n)
    order = np.argsort(key)
    partner_key = _keys(j, i, -t, span, n)
    at = np.minimum(np.searchsorted(key[order], partner_key), key.size - 1)
    found = pair & (key[order][at] == partner_key)
    partner = order[at]
    transposed = np.zeros_like(blocks)
    transposed[found] = np.swapaxes(blocks[partner[found]], 1, 2)
    asymmetry = float(np.abs(blocks[pair] - transposed[pair]).max(initial=0.0)) / scale
    blocks[pair] = 0.5 * (blocks[pair] + transposed[pair])
    own = (i == j) & np.all(t == 0, axis=1)
    total = np.zeros((n, 3, 3))
    np.add.at(total, i[~own], blocks[~own])
    before = blocks[own].copy()
    blocks[own] = -total[i[own]]
    correction = float(np.abs(blocks[own] - before).max(initial=0.0)) / scale
    residual = float(np.abs(0.5 * (blocks[own] - np.swapaxes(blocks[own], 1, 2))).max(initial=0.0)) / scale
    out = dataclasses.replace(fc, blocks=blocks)
    return out, SeamRecord(asymmetry=asymmetry, correction=correction, residual=residual)


def _bulk_side(
    structure: Any, slab: Any, side: int, rows: NDArray[np.int64], source: Any, force_range: float, step: float,
    cache: bool,
) -> tuple[tuple[NDArray, NDArray, NDArray, NDArray], LateralForceConstants]:  # fmt: skip
    """The bulk rows of side ``side`` placed on the slab atoms ``rows``, and the column's force constants."""
    column, middle, period = bulk_column(structure, side, force_range)
    bulk_fc = lateral_force_constants(
        column, source, force_range=force_range, rows=middle, displacement_angstrom=step, cache=cache
    )
    name = f"side {'AB'[side]}'s bulk column"
    lead = BulkLead(atoms=column, fc=bulk_fc, file=name)
    masses = slab.get_masses()
    sites = bulk_sites(slab.positions[rows], masses[rows], period, lead, name, candidates=middle)
    placed = placed_rows(slab.positions, np.asarray(slab.cell), rows, sites, bulk_fc, name)
    return placed, bulk_fc


def local_force_constants(
    structure: Any,
    slab: Any,
    parts: dict[str, NDArray[Any]],
    source: Any,
    *,
    force_range: float,
    reach: float,
    displacement_angstrom: float,
    cache: bool = True,
) -> LocalForceConstants:
    """The force constants of the padded ``slab`` (:func:`.partition.padded_slab` of ``structure``) by the local route
    (the module docstring): the rows within ``reach`` (A) of the interface displaced through ``source`` (a
    :class:`~kapitza.atomistic.calculator_forces.CalculatorForceConstants`), the others from each side's bulk column,
    made symmetric with the sum rule restored.  ``force_range`` in A; ``reach`` at least the force range."""
    if not reach >= force_range - 1e-9:
        raise InputError(f"the interface reach ({reach:g} A) must be at least the force range ({force_range:g} A)")
    rows = np.concatenate([parts[k] for k in ("U-1", "U0", "device", "U1", "U2")]).astype(np.int64)
    zone = interface_zone(structure, slab, parts, reach)
    near, far = rows[zone[rows]], rows[~zone[rows]]
    side_of = np.asarray(structure.side)[np.asarray(parts["source"])]
    pieces: list[tuple[NDArray, NDArray, NDArray, NDArray]] = []
    dropped, displaced, bulk_displaced = 0.0, 0, [0, 0]
    method, repeat = None, required_repeat(np.asarray(slab.cell)[:2], force_range)
    if near.size:
        sub, index = zone_slab(slab, near, force_range, float(getattr(source, "padding", 0.0)))
        where = -np.ones(len(slab), dtype=np.int64)
        where[index] = np.arange(index.size)
        found = lateral_force_constants(
            sub, source, force_range=force_range, rows=where[near], displacement_angstrom=displacement_angstrom,
            cache=cache,
        )  # fmt: skip
        pieces.append((index[found.i], index[found.j], found.translations, found.blocks))
        dropped, displaced, method, repeat = found.dropped, int(found.displaced or 0), found.method, found.repeat
    for side in (0, 1):
        mine = far[side_of[far] == side]
        if mine.size == 0:
            continue
        placed, bulk_fc = _bulk_side(structure, slab, side, mine, source, force_range, displacement_angstrom, cache)
        pieces.append(placed)
        dropped = max(dropped, bulk_fc.dropped)
        bulk_displaced[side] = int(bulk_fc.displaced or 0)
        method = method or bulk_fc.method
    i, j, t, b = (np.concatenate([p[k] for p in pieces]) for k in range(4))
    fc = LateralForceConstants(
        i=i.astype(np.int64),
        j=j.astype(np.int64),
        translations=t.reshape(-1, 2).astype(np.int64),
        blocks=b.reshape(-1, 3, 3),
        positions=np.asarray(slab.positions, dtype=float) * ANGSTROM,
        lateral_cell=np.asarray(slab.cell, dtype=float)[:2] * ANGSTROM,
        force_range=float(force_range) * ANGSTROM,
        repeat=(int(repeat[0]), int(repeat[1])),
        method=str(method),
        dropped=float(dropped),
        displaced=displaced,
    )
    fc, seam = seam_correction(fc, rows)
    return LocalForceConstants(
        fc=fc,
        rows=rows,
        displaced_rows=near,
        bulk_rows=far,
        reach=float(reach),
        seam=seam,
        displaced_atoms=displaced,
        bulk_displaced=(bulk_displaced[0], bulk_displaced[1]),
    )


def local_rows(structure: Any, slab: Any, parts: dict[str, NDArray[Any]], reach: float) -> NDArray[np.int64]:
    """The slab's rows that the local route displaces (the interface zone's), without computing anything."""
    rows = np.concatenate([parts[k] for k in ("U-1", "U0", "device", "U1", "U2")]).astype(np.int64)
    return rows[interface_zone(structure, slab, parts, reach)[rows]]


def local_interface_model(
    structure: Any,
    source: Any,
    *,
    pl_cells: Sequence[int] | int | None = None,
    force_range: float,
    reach: float | None = None,
    displacement_angstrom: float,
    cache: bool = True,
) -> LayeredModel:
    """The layered AGF model of ``structure`` (two crystals stacked, positions not relaxed) with its force constants
    from :func:`local_force_constants`, the leads' outer units made copies of their inner ones
    (:func:`.partition.periodic_leads`), as :func:`.partition.interface_model` builds the all-atom one.

    Parameters
    ----------
    structure : InterfaceStructure
        From :func:`kapitza.atomistic.stacking.stack_crystals` (each side on its strained bulk lattice).
    source : CalculatorForceConstants
    pl_cells : int or (int, int), optional
        Cells per principal layer; default the fewest that cover the force range.
    force_range : float
        A.
    reach : float, optional
        A: the interface reach (default :func:`interface_reach` of the calculator).
    displacement_angstrom : float
        The finite-difference step, A.
    cache : bool
        Read and write the on-disk cache (the displaced rows and the bulk columns, each under its content).
    """
    from .partition import checked_pl_cells, layered_model, padded_slab, periodic_leads

    given = reach is not None
    reach = interface_reach(source.name, force_range, reach)
    pl = checked_pl_cells(structure, pl_cells, force_range)
    slab, parts = padded_slab(structure, pl, force_range, padding=float(getattr(source, "padding", 0.0)))
    found = local_force_constants(
        structure, slab, parts, source, force_range=force_range, reach=reach,
        displacement_angstrom=displacement_angstrom, cache=cache,
    )  # fmt: skip
    fc, mismatch = periodic_leads(found.fc, parts)
    extra = {
        "interface_force_constants": local_record(found) | {"reach_given": given},
        "copied_lead_mismatch": mismatch,
        "dropped_beyond_range": fc.dropped,
    }
    return layered_model(structure, slab, parts, fc, pl, force_range, extra_metadata=extra)


def local_record(found: LocalForceConstants) -> dict[str, Any]:
    """What a model records of its local force constants (JSON-able)."""
    return {
        "route": "local",
        "format": FORMAT,
        "reach_A": found.reach,
        "displaced_rows": int(found.displaced_rows.size),
        "bulk_rows": int(found.bulk_rows.size),
        "displaced_atoms": found.displaced_atoms,
        "bulk_displaced_atoms": list(found.bulk_displaced),
        "seam_asymmetry": found.seam.asymmetry,
        "sum_rule_correction": found.seam.correction,
        "sum_rule_residual": found.seam.residual,
    }


def local_notes(record: dict[str, Any], name: str) -> list[str]:
    """The local route in words (a run's notes)."""
    field = receptive_field(name)
    if record.get("reach_given"):
        why = "as given"
    elif field is not None:
        why = f"the force range and {name}'s receptive field of {field:g} A"
    else:
        why = "the force range; the receptive field of this calculator is not known to kapitza: for a message-passing "
        why += "potential raise --interface-reach by it"
    return [
        f"force constants where the interface is: the {record['displaced_rows']} of "
        f"{record['displaced_rows'] + record['bulk_rows']} rows within {record['reach_A']:.3g} A of the other crystal "
        f"({why}) displaced ({record['displaced_atoms']} atoms), the others from each side's strained bulk column "
        f"({record['bulk_displaced_atoms'][0]} + {record['bulk_displaced_atoms'][1]} atoms displaced); at the seam "
        f"the two differed by {record['seam_asymmetry']:.2g} of the largest block, and the sum-rule correction "
        f"changed a self block by {record['sum_rule_correction']:.2g} of it"
    ]


__all__ = [
    "FORMAT",
    "RECEPTIVE_FIELD_ANGSTROM",
    "LocalForceConstants",
    "SeamRecord",
    "bulk_column",
    "interface_reach",
    "interface_zone",
    "local_force_constants",
    "local_interface_model",
    "local_notes",
    "local_record",
    "local_rows",
    "receptive_field",
    "seam_correction",
    "zone_slab",
]
