r"""From an interface structure to a :class:`~.model.LayeredModel`: leads, device slices, force constants.

Partition
---------
The first ``pl_cells[0]`` cells of the structure along z are the left lead's
principal layer U_0, the last ``pl_cells[1]`` cells the right lead's U_1;
everything between is the device.  A principal layer must be at least as
thick as the force constants reach along the normal, so that a lead unit
couples only to its neighbours; by default it is the smallest whole number
of cells that covers the potential's Hessian range.  The leads are extended
by exact periodic copies of U_0 and U_1 (U_-1, U_2 and buffers behind them),
so their force constants are bulk ones; a layer of vacuum wider than the
force range ends the slab, far from every block that is used.

The device is cut into *slices* by a breadth-first search over the coupling
graph: slice 1 is every device atom coupled to U_0, slice s+1 every
remaining atom coupled to slice s, and the slices that touch U_1 are merged
into the last one.  By construction a slice couples only to its two
neighbours, whatever the device looks like (rough or intermixed interfaces
included), and the slices are as thin as the force range allows: for
Stillinger-Weber silicon along [001], two atomic planes.

Errors are explicit: a principal layer thinner than the reach of the force
constants, a lead that the interface perturbs (its two units differ), a
device that does not connect the leads.

Force constants from a file
---------------------------
When the force constants come from elsewhere (a DFT user's phonopy file,
:mod:`.fc_files`), no copies can be added: there are no forces for them.
:func:`fc_interface_model` then takes the leads from the structure itself:
per end, ``buffer_cells`` outermost cells (at least the force range thick)
are left out, since a surface or the wrap-around of a cell periodic along z
perturbs them, and the next two principal layers are U_-1 and U_0 (U_1 and
U_2 on the right).  Their force constants must agree (the lead is bulk
within the structure), else one InputError says by how much they differ.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from ...errors import InputError, optional_module
from ...units import AMU, ANGSTROM
from .forceconstants import LateralForceConstants, hessian_range, lateral_force_constants
from .images import (  # noqa: F401 - COPY_TOLERANCE, nearest_images: re-exported, the names partition has offered
    COPY_TOLERANCE,
    block_difference,
    block_map,
    lateral_copies,
    nearest_images,
)
from .model import LayeredModel

#: Vacuum added beyond the buffers, in units of the force range.
VACUUM_FACTOR = 1.5


def _require_ase() -> None:
    optional_module("ase", "agf", "atomistic interface models")


def principal_layer_cells(structure: Any, force_range: float) -> tuple[int, int]:
    """Smallest number of cells per principal layer on each side that covers ``force_range`` (A)."""
    return tuple(int(np.ceil(force_range / (p / ANGSTROM) - 1e-9)) for p in structure.periods)  # type: ignore[return-value]


def structure_record(description: dict[str, Any]) -> dict[str, Any]:
    """The structure's description as a model records it: its seed only where intermixing used one.

    The structure builder draws a fresh random seed when none is given, also for a sharp interface
    where nothing random happens; recording it would make two identical runs differ in their output.
    Without intermixing (``mixing_layers`` 0) the recorded seed is None.
    """
    out = dict(description)
    if not out.get("mixing_layers"):
        out["seed"] = None
    return out


def interface_model(
    structure: Any,
    source: Any,
    *,
    pl_cells: Sequence[int] | int | None = None,
    force_range: float | None = None,
    repeat: tuple[int, int] | None = None,
    method: str = "auto",
    displacement_angstrom: float = 0.01,
    cache: bool = True,
    lateral_fc: LateralForceConstants | None = None,
) -> LayeredModel:
    """The layered AGF model of an :class:`~kapitza.atomistic.structures.InterfaceStructure`.

    Parameters
    ----------
    structure : InterfaceStructure
        From :func:`kapitza.md.build_interface` (or made by hand with the same fields).
    source : Potential or ASE calculator
        Gives the force constants (see :func:`.forceconstants.lateral_force_constants`).
    pl_cells : int or (int, int), optional
        Cells per principal layer (left, right); default: the fewest that cover the force range.
    force_range : float, optional
        Hessian range in A; default from the named potential.
    repeat, method, displacement_angstrom, cache
        Passed to :func:`.forceconstants.lateral_force_constants`.
    lateral_fc : LateralForceConstants, optional
        Precomputed force constants of :func:`padded_slab`'s slab (e.g. from phonopy);
        then ``source`` is not used.

    Returns
    -------
    LayeredModel
    """
    _require_ase()
    if force_range is None:
        force_range = (
            lateral_fc.force_range / ANGSTROM if lateral_fc is not None else hessian_range(source, structure.atoms)
        )
    force_range = float(force_range)
    pl = _pl_cells(structure, pl_cells, force_range)
    slab, parts = padded_slab(structure, pl, force_range, padding=float(getattr(source, "padding", 0.0)))
    system = np.concatenate([parts["U-1"], parts["U0"], parts["device"], parts["U1"], parts["U2"]])
    if lateral_fc is None:
        lateral_fc = lateral_force_constants(
            slab,
            source,
            force_range=force_range,
            rows=system,
            repeat=repeat,
            method=method,
            displacement_angstrom=displacement_angstrom,
            cache=cache,
        )
    extra: dict[str, Any] = {}
    if lateral_fc.displaced is not None:  # finite differences: the rows copied along the in-plane translations
        extra |= {"displaced_atoms": lateral_fc.displaced, "row_atoms": int(system.size)}
    if getattr(source, "truncate", False) and lateral_fc.method.startswith("finite-difference"):
        lateral_fc, mismatch = periodic_leads(lateral_fc, parts)
        extra |= {"copied_lead_mismatch": mismatch, "dropped_beyond_range": lateral_fc.dropped}
    return _layered(structure, slab, parts, lateral_fc, pl, force_range, extra_metadata=extra or None)


def periodic_leads(
    fc: LateralForceConstants, parts: dict[str, NDArray[Any]]
) -> tuple[LateralForceConstants, dict[str, float]]:
    """The force constants with each lead's outer unit (U_-1, U_2) made an exact copy of its inner one (U_0, U_1).

    The copies added by :func:`padded_slab` are the same crystal as the units they copy, but a force source whose
    forces reach beyond its stated range (a machine-learned potential) sees the slab's surface from the outer unit
    and carries float32 noise, so the two units differ slightly where the solver needs a periodic lead.  Every
    block within the outer unit is replaced by its copy's block within the inner one (``parts["U-1"][m]`` is the
    copy of ``parts["U0"][m]``, shifted along z only).  Returns the new force constants and, per lead, the largest
    change as a fraction of the largest force constant.
    """
    import dataclasses

    scale = float(np.abs(fc.blocks).max(initial=0.0)) or 1.0
    i, j, t, blocks = fc.i, fc.j, fc.translations, fc.blocks
    mismatch = {}
    for side, outer, inner in (("left", parts["U-1"], parts["U0"]), ("right", parts["U2"], parts["U1"])):
        to_outer = -np.ones(max(int(fc.positions.shape[0]), 1), dtype=np.int64)
        to_outer[inner] = outer
        in_outer = np.isin(i, outer) & np.isin(j, outer)
        in_inner = np.isin(i, inner) & np.isin(j, inner)
        copied = (to_outer[i[in_inner]], to_outer[j[in_inner]], t[in_inner], blocks[in_inner])
        old = block_map(fc, outer, outer)
        new_fc = dataclasses.replace(
            fc,
            i=np.concatenate([i[~in_outer], copied[0]]),
            j=np.concatenate([j[~in_outer], copied[1]]),
            translations=np.concatenate([t[~in_outer], copied[2]]),
            blocks=np.concatenate([blocks[~in_outer], copied[3]]),
        )
        mismatch[side] = block_difference(old, block_map(new_fc, outer, outer)) / scale
        fc, i, j, t, blocks = new_fc, new_fc.i, new_fc.j, new_fc.translations, new_fc.blocks
    return fc, mismatch


def _pl_cells(structure: Any, pl_cells: Sequence[int] | int | None, force_range: float) -> tuple[int, int]:
    if pl_cells is None:
        pl = principal_layer_cells(structure, force_range)
    elif isinstance(pl_cells, (int, np.integer)):
        pl = (int(pl_cells), int(pl_cells))
    else:
        pl = tuple(int(c) for c in pl_cells)  # type: ignore[assignment]
    if len(pl) != 2 or min(pl) < 1:
        raise InputError(f"pl_cells must be >= 1 on each side, got {pl_cells!r}")
    n_left, n_right = structure.cells
    interface_atoms = bool(np.any(np.asarray(structure.cell_index) < 0))  # a read structure's interface region
    if pl[0] + pl[1] > n_left + n_right or (pl[0] + pl[1] == n_left + n_right and not interface_atoms):
        raise InputError(
            f"the structure has {n_left}+{n_right} cells: too few for principal layers of {pl[0]} and {pl[1]} cells "
            "and a device between them"
        )
    ends = (("left", range(pl[0]), 0), ("right", range(structure.n_cells - pl[1], structure.n_cells), 1))
    masses = structure.atoms.get_masses()
    for name, cells, side in ends:
        atoms = np.flatnonzero(np.isin(structure.cell_index, list(cells)))
        # every cell of the principal layer holds the same atoms (species and masses) as the first one
        content = [
            sorted((structure.species[a], float(masses[a])) for a in np.flatnonzero(structure.cell_index == c))
            for c in cells
        ]
        # intermixing (the builder's, recorded) must not reach the lead: every lead atom is its side's own species
        d = structure.description
        own = d.get(("left", "right")[side]) if d.get("mixing_layers") else None
        mixed = own is not None and any(structure.species[a] != own for a in atoms)
        if np.any(structure.side[atoms] != side) or any(c != content[0] for c in content) or mixed:
            raise InputError(
                f"the {name} lead principal layer ({len(cells)} cells) is not a perfect crystal (intermixing or "
                "another species reaches it); add cells on that side"
            )
    return pl  # type: ignore[return-value]


def checked_pl_cells(structure: Any, pl_cells: Sequence[int] | int | None, force_range: float) -> tuple[int, int]:
    """The principal layers (left, right) in cells that :func:`interface_model` uses for ``pl_cells`` (default: the
    fewest that cover ``force_range`` A), checked against the structure (InputError where they do not fit)."""
    return _pl_cells(structure, pl_cells, force_range)


def padded_slab(
    structure: Any, pl_cells: tuple[int, int], force_range: float, padding: float = 0.0
) -> tuple[Any, dict[str, NDArray[Any]]]:
    """The structure, extended by periodic copies of its lead layers and vacuum: the slab of the force constants.

    Beyond ``U_-1`` (``U_2``) the copies reach at least ``force_range`` and ``padding`` (A): a force source that sees
    further than its force constants' range (a machine-learned potential's message passing) keeps the slab's
    surface that far from the lead units.

    Returns
    -------
    slab : ase.Atoms
        Structure atoms first (same indices), then the copies; cell c along z with vacuum.
    parts : dict
        Atom indices (into ``slab``) of "U-1", "U0", "device", "U1", "U2" (in matching order
        within each lead: U-1[m] is U0[m] shifted by one principal layer), "pads", and
        "source": the structure atom that each slab atom is (a copy of).
    """
    from ase import Atoms

    atoms = structure.atoms
    n = len(atoms)
    left_cells = np.arange(pl_cells[0])
    right_cells = np.arange(structure.n_cells - pl_cells[1], structure.n_cells)
    u0 = np.flatnonzero(np.isin(structure.cell_index, left_cells))
    u1 = np.flatnonzero(np.isin(structure.cell_index, right_cells))
    device = np.setdiff1d(np.arange(n), np.concatenate([u0, u1]))
    thick_l = pl_cells[0] * structure.periods[0] / ANGSTROM
    thick_r = pl_cells[1] * structure.periods[1] / ANGSTROM
    reach = max(float(force_range), float(padding))
    copies_l = 1 + int(np.ceil(reach / thick_l))  # U_-1 and a buffer beyond it
    copies_r = 1 + int(np.ceil(reach / thick_r))
    pos = [atoms.positions]
    sym = list(atoms.get_chemical_symbols())
    source = [np.arange(n)]
    index = n
    pads: list[NDArray[np.int64]] = []
    parts: dict[str, Any] = {"U0": u0, "U1": u1, "device": device}
    for unit, sign, thick, copies, first in ((u0, -1.0, thick_l, copies_l, "U-1"), (u1, 1.0, thick_r, copies_r, "U2")):
        for k in range(1, copies + 1):
            pos.append(atoms.positions[unit] + [0.0, 0.0, sign * k * thick])
            sym += [sym[a] for a in unit]
            source.append(unit)
            idx = np.arange(index, index + unit.size)
            index += unit.size
            if k == 1:
                parts[first] = idx
            else:
                pads.append(idx)
    parts["pads"] = np.concatenate(pads) if pads else np.zeros(0, dtype=np.int64)
    parts["source"] = np.concatenate(source)
    positions = np.vstack(pos)
    z0, z1 = positions[:, 2].min(), positions[:, 2].max()
    vacuum = VACUUM_FACTOR * force_range + 1.0
    positions[:, 2] += vacuum / 2 - z0
    cell = np.asarray(atoms.cell).copy()
    cell[2] = [0.0, 0.0, (z1 - z0) + vacuum]
    slab = Atoms(symbols=sym, positions=positions, cell=cell, pbc=(True, True, True))
    slab.set_masses(atoms.get_masses()[parts["source"]])
    slab.set_tags(np.asarray(structure.side)[parts["source"]] + 1)  # the sides: a force field's types follow them
    return slab, parts


#: Largest difference between a lead's two principal layers, as a fraction of the largest force constant.
BULK_TOLERANCE = 1e-3


def fc_interface_model(
    structure: Any,
    fc: LateralForceConstants,
    *,
    pl_cells: Sequence[int] | int | None = None,
    buffer_cells: Sequence[int] | int | None = None,
    leads: tuple[Any, Any] = (None, None),
) -> LayeredModel:
    """The layered AGF model of a structure whose force constants came from a file (no copies added).

    Unlike :func:`interface_model`, nothing is padded by periodic copies (no
    forces are known for copies).  At each end the structure's own outermost
    ``buffer_cells`` are a buffer, excluded from the model (a surface, or the
    wrap-around of a cell periodic along z, perturbs them); the next two
    principal layers are the lead units U_-1, U_0 on the left and U_1, U_2 on
    the right.  The leads must be bulk within the structure: the force
    constants of U_-1 and U_0 (on-site, and their coupling to the next layer
    where that layer is a copy) agree within :data:`BULK_TOLERANCE` of the
    largest force constant, and so do their masses.

    Parameters
    ----------
    structure : InterfaceStructure
        The structure of the force constants; ``cell_index`` -1 marks interface-region atoms
        (device).
    fc : LateralForceConstants
        Its force constants, e.g. from :func:`.fc_files.read_force_constants`.
    pl_cells : int or (int, int), optional
        Cells per principal layer (left, right); default: the fewest that cover the force range.
    buffer_cells : int or (int, int), optional
        Cells at each end left out of the model; default: the fewest at least as thick as the force
        range (fewer raise InputError).
    leads : (BulkLead or None, BulkLead or None)
        Bulk force constants of the left and right lead (:func:`.bulk_leads.read_bulk_lead`): the blocks
        within that lead's two principal layers are taken from them (:func:`.bulk_leads.with_bulk_lead`),
        and the mismatch with the structure's own lead is recorded as ``lead_mismatch``.

    Returns
    -------
    LayeredModel
    """
    _require_ase()
    n = len(structure.atoms)
    if fc.positions.shape[0] != n or not np.allclose(fc.positions / ANGSTROM, structure.atoms.positions, atol=1e-6):
        raise InputError(f"the force constants belong to another structure ({fc.positions.shape[0]} atoms, not {n})")
    force_range = fc.force_range / ANGSTROM
    pl = _per_side(pl_cells, principal_layer_cells(structure, force_range), "pl_cells", 1)
    least = principal_layer_cells(structure, force_range)
    buf = _per_side(buffer_cells, least, "buffer_cells", 0)
    for name, b, need in (("left", buf[0], least[0]), ("right", buf[1], least[1])):
        if b < need:
            raise InputError(
                f"{b} buffer cell(s) on the {name} are thinner than the force range ({force_range:.4g} A); "
                f"use at least {need}"
            )
    parts = fc_parts(structure, pl, buf)
    thick = (pl[0] * structure.periods[0] / ANGSTROM, pl[1] * structure.periods[1] / ANGSTROM)
    structure, fc = _unwrap_leads(structure, fc, parts, thick)
    fc, record = _leads(structure, fc, parts, leads)
    if leads[0] is None:
        _check_bulk(structure, fc, "left", parts["U-1"], parts["U0"], thick[0])
    if leads[1] is None:
        _check_bulk(structure, fc, "right", parts["U2"], parts["U1"], -thick[1])
    return _layered(
        structure,
        structure.atoms,
        parts,
        fc,
        pl,
        force_range,
        extra_metadata={"buffer_cells": list(buf), **record},
    )


def _leads(
    structure: Any, fc: LateralForceConstants, parts: dict[str, NDArray[Any]], leads: tuple[Any, Any]
) -> tuple[LateralForceConstants, dict[str, Any]]:
    """The force constants with the bulk leads' blocks put in, and the record of where each lead came from."""
    from .bulk_leads import with_bulk_lead

    if len(leads) != 2:
        raise InputError(f"leads must be (left, right), each a BulkLead or None, got {len(leads)} entries")
    source, mismatch = [], {}
    for k, (side, units) in enumerate((("left", ("U-1", "U0")), ("right", ("U1", "U2")))):
        bulk = leads[k]
        if bulk is None:
            source.append("the structure's own cells")
            continue
        lead = np.concatenate([parts[units[0]], parts[units[1]]])
        fc, mismatch[side] = with_bulk_lead(
            structure, fc, lead, structure.periods[k] / ANGSTROM, bulk, f"the {side} lead ({bulk.file})"
        )
        source.append(f"bulk file {bulk.file}")
    record: dict[str, Any] = {"leads": {"left": source[0], "right": source[1]}}
    if mismatch:
        record["lead_mismatch"] = mismatch
    return fc, record


def _unwrap_leads(
    structure: Any, fc: LateralForceConstants, parts: dict[str, NDArray[Any]], thick: tuple[float, float]
) -> tuple[Any, LateralForceConstants]:
    """Move each atom of U_-1 and U_2 that the structure wraps into the lateral cell differently from its copy in
    U_0 (U_1) by whole lateral lattice vectors onto the copy's place, and relabel the translations of its blocks
    (Phi(i 0, j n) keeps its pair vector: n -> n + f_j - f_i for an atom moved by -f a), so that the two lead
    units are identical matrices, as the lead's surface Green's function needs."""
    shift = np.zeros((len(structure.atoms), 2), dtype=np.int64)
    for outer, inner, dz in ((parts["U-1"], parts["U0"], -thick[0]), (parts["U2"], parts["U1"], thick[1])):
        found = lateral_copies(structure.atoms, inner, outer, dz)
        if found is not None:
            shift[found[0]] = found[1]
    if not shift.any():
        return structure, fc
    import dataclasses

    atoms = structure.atoms.copy()
    lateral = np.asarray(atoms.cell)[:2]
    atoms.positions = atoms.positions - shift @ lateral
    moved = dataclasses.replace(
        fc,
        translations=fc.translations + shift[fc.j] - shift[fc.i],
        positions=atoms.positions * ANGSTROM,
    )
    return dataclasses.replace(structure, atoms=atoms), moved


def _per_side(value: Sequence[int] | int | None, default: tuple[int, int], name: str, least: int) -> tuple[int, int]:
    if value is None:
        return default
    try:
        pair = (int(value), int(value)) if isinstance(value, (int, np.integer)) else tuple(int(v) for v in value)
    except (TypeError, ValueError):
        raise InputError(f"{name} must be an integer or two integers (left, right), got {value!r}") from None
    if len(pair) != 2 or min(pair) < least:
        raise InputError(f"{name} must be >= {least} on each side, got {value!r}")
    return pair  # type: ignore[return-value]


def fc_parts(structure: Any, pl: tuple[int, int], buf: tuple[int, int]) -> dict[str, NDArray[Any]]:
    """Atom indices of buffers, lead units and device of a structure used as it is (no copies).

    Returns
    -------
    dict
        "U-1", "U0", "device", "U1", "U2" (U-1[m] is the copy of U0[m] one principal layer
        further out, U2[m] that of U1[m]), "pads" (the buffers) and "source" (0..n-1).
    """
    n_cells = structure.n_cells
    need = (buf[0] + 2 * pl[0], buf[1] + 2 * pl[1])
    for name, k, have in (("left", 0, structure.cells[0]), ("right", 1, structure.cells[1])):
        if have < need[k]:
            raise InputError(
                f"the {name} end needs {need[k]} cells ({buf[k]} buffer + 2 principal layers of {pl[k]}), "
                f"the structure has {have} {name} cells; add cells on that side"
            )
    cell = np.asarray(structure.cell_index)

    def cells(first: int, count: int) -> NDArray[np.int64]:
        return np.flatnonzero(np.isin(cell, np.arange(first, first + count)))

    outer_l, inner_l = cells(buf[0], pl[0]), cells(buf[0] + pl[0], pl[0])
    inner_r, outer_r = cells(n_cells - need[1], pl[1]), cells(n_cells - buf[1] - pl[1], pl[1])
    pads = np.concatenate([cells(0, buf[0]), cells(n_cells - buf[1], buf[1])])
    leads = np.concatenate([pads, outer_l, inner_l, inner_r, outer_r])
    device = np.setdiff1d(np.arange(len(structure.atoms)), leads)
    if device.size == 0:
        raise InputError(
            f"the structure has {n_cells} cells, all taken by buffers and leads ({need[0]} + {need[1]}); "
            "add cells for a device"
        )
    thick_l = pl[0] * structure.periods[0] / ANGSTROM
    thick_r = pl[1] * structure.periods[1] / ANGSTROM
    u_m1 = lateral_copies(structure.atoms, inner_l, outer_l, -thick_l) if inner_l.size == outer_l.size else None
    u2 = lateral_copies(structure.atoms, inner_r, outer_r, thick_r) if inner_r.size == outer_r.size else None
    for name, found in (("left", u_m1), ("right", u2)):
        if found is None:
            raise InputError(
                f"the {name} lead's two principal layers are not copies of each other (an atom has no partner one "
                f"layer away within {COPY_TOLERANCE} A); add cells on that side or increase buffer_cells"
            )
    return {
        "U-1": u_m1[0],  # type: ignore[index]
        "U0": inner_l,
        "device": device,
        "U1": inner_r,
        "U2": u2[0],  # type: ignore[index]
        "pads": pads,
        "source": np.arange(len(structure.atoms)),
    }


def _check_bulk(
    structure: Any,
    fc: LateralForceConstants,
    name: str,
    outer: NDArray[np.int64],
    inner: NDArray[np.int64],
    inward: float,
) -> None:
    """InputError unless the lead's two principal layers (outer[m] the copy of inner[m]) have the same force
    constants; ``inward`` (A) is the shift along z from a principal layer to the next one towards the device."""
    masses = structure.atoms.get_masses()
    if not np.allclose(masses[outer], masses[inner], rtol=1e-9, atol=0.0):
        raise InputError(f"the {name} lead is not bulk within the structure: its two principal layers differ in mass")
    scale = float(np.abs(fc.blocks).max(initial=0.0))
    _, shift = lateral_copies(structure.atoms, inner, outer, -inward)  # type: ignore[misc]
    diff = block_difference(block_map(fc, outer, outer, shift, shift), block_map(fc, inner, inner))
    beyond = lateral_copies(structure.atoms, inner, np.arange(len(structure.atoms)), inward)
    if beyond is not None:  # coupling outer -> inner against inner -> the next layer, where that layer is a copy
        outer_inner = block_map(fc, outer, inner, row_shift=shift)
        diff = max(diff, block_difference(outer_inner, block_map(fc, inner, beyond[0], col_shift=beyond[1])))
    if diff > BULK_TOLERANCE * scale:
        raise InputError(
            f"the {name} lead is not bulk within the structure: its two principal layers differ by "
            f"{100 * diff / scale:.3g} % of the largest force constant; add cells on that side or increase buffer_cells"
        )


def _slices(
    device: NDArray[np.int64],
    left: NDArray[np.int64],
    right: NDArray[np.int64],
    edges: tuple[NDArray[Any], NDArray[Any]],
) -> list[NDArray[np.int64]]:
    """Breadth-first slicing of the device atoms (see the module docstring)."""
    i, j = edges
    n = int(max(i.max(), j.max(), device.max(), left.max(), right.max())) + 1
    graph = sp.csr_matrix((np.ones(i.size, dtype=bool), (i, j)), shape=(n, n))
    graph = (graph + graph.T).tocsr()
    in_device = np.zeros(n, dtype=bool)
    in_device[device] = True
    level = -np.ones(n, dtype=np.int64)
    frontier = np.zeros(n, dtype=bool)
    frontier[left] = True
    slices = []
    while True:
        reached = (graph @ frontier.astype(np.int8)) > 0
        new = reached & in_device & (level < 0)
        if not new.any():
            break
        level[new] = len(slices)
        slices.append(np.flatnonzero(new))
        frontier = new
    missing = device[level[device] < 0]
    if missing.size:
        raise InputError(
            f"{missing.size} device atoms are not connected to the left lead through the force constants; "
            "the device has a gap wider than the force range"
        )
    touching = np.flatnonzero((graph @ np.isin(np.arange(n), right).astype(np.int8)) > 0)
    touching = touching[in_device[touching]]
    if touching.size == 0:
        raise InputError("no device atom couples to the right lead")
    first = int(level[touching].min())
    if first < len(slices) - 1:
        slices = slices[:first] + [np.concatenate(slices[first:])]
    return slices


def _layered(
    structure: Any,
    slab: Any,
    parts: dict[str, NDArray[Any]],
    fc: LateralForceConstants,
    pl: tuple[int, int],
    force_range: float,
    extra_metadata: dict[str, Any] | None = None,
) -> LayeredModel:
    n_slab = len(slab)
    in_system = np.zeros(n_slab, dtype=bool)
    for key in ("U-1", "U0", "device", "U1", "U2"):
        in_system[parts[key]] = True
    keep = in_system[fc.i] & in_system[fc.j]
    i, j, trans, blocks = fc.i[keep], fc.j[keep], fc.translations[keep], fc.blocks[keep]

    # reach along the normal versus principal-layer thickness
    dz = np.abs(fc.positions[j, 2] - fc.positions[i, 2]) / ANGSTROM
    reach = float(dz.max(initial=0.0))
    for name, cells, period in (("left", pl[0], structure.periods[0]), ("right", pl[1], structure.periods[1])):
        thickness = cells * period / ANGSTROM
        if reach > thickness + 1e-6:
            need = int(np.ceil(reach / (period / ANGSTROM) - 1e-9))
            raise InputError(
                f"the {name} principal layer of {cells} cell(s) ({thickness:.4g} A) is thinner than the reach of the "
                f"force constants along the normal ({reach:.4g} A): the cut between lead and device is too short; "
                f"use at least {need} cells per principal layer"
            )

    slices = _slices(parts["device"], parts["U0"], parts["U1"], (i, j))
    z = slab.positions[:, 2]
    ordered_slices = [s[np.lexsort((s, np.round(z[s], 6)))] for s in slices]
    order = np.concatenate([parts["U-1"], parts["U0"], *ordered_slices, parts["U1"], parts["U2"]])
    sizes = [parts["U-1"].size, parts["U0"].size, *(s.size for s in ordered_slices), parts["U1"].size, parts["U2"].size]
    bounds = tuple(int(3 * b) for b in np.concatenate([[0], np.cumsum(sizes)]))
    where = -np.ones(n_slab, dtype=np.int64)
    where[order] = np.arange(order.size)
    masses = slab.get_masses()[order] * AMU
    inv_sqrt = 1.0 / np.sqrt(masses)

    a, b = where[i], where[j]
    weighted = blocks * (inv_sqrt[a] * inv_sqrt[b])[:, None, None]
    uniq, inverse = np.unique(trans, axis=0, return_inverse=True)
    inverse = inverse.ravel()
    rows = (3 * a)[:, None, None] + np.arange(3)[None, :, None] + np.zeros((1, 1, 3), dtype=np.int64)
    cols = (3 * b)[:, None, None] + np.zeros((1, 3, 1), dtype=np.int64) + np.arange(3)[None, None, :]
    n_dof = 3 * order.size
    raw = {}
    for t in range(uniq.shape[0]):
        sel = inverse == t
        m = sp.csr_matrix((weighted[sel].ravel(), (rows[sel].ravel(), cols[sel].ravel())), shape=(n_dof, n_dof))
        m.sum_duplicates()
        raw[tuple(int(x) for x in uniq[t])] = m
    # Phi(i0, jn) = Phi(j0, i(-n))^T exactly; finite differences satisfy it only to their error, so average
    matrices = []
    zero = sp.csr_matrix((n_dof, n_dof))
    for t in range(uniq.shape[0]):
        key = tuple(int(x) for x in uniq[t])
        partner = raw.get((-key[0], -key[1]), zero)
        matrices.append(sp.csr_matrix(0.5 * (raw[key] + partner.T)))
    labels = tuple(structure.species[k] for k in parts["source"][order])
    model = LayeredModel(
        translations=uniq,
        matrices=tuple(matrices),
        bounds=bounds,
        atom_of_dof=np.repeat(np.arange(order.size), 3),
        positions=slab.positions[order] * ANGSTROM,
        masses=masses,
        lateral_cell=fc.lateral_cell,
        labels=labels,
        metadata={
            "structure": structure_record(structure.description),
            "principal_layer_cells": list(pl),
            "force_range_A": force_range,
            "force_constants": fc.method,
            "lateral_repeat": list(fc.repeat),
            "slices": len(ordered_slices),
            "slice_atoms": [int(s.size) for s in ordered_slices],
            "reach_along_normal_A": reach,
            **(extra_metadata or {}),
        },
    )
    model.check()
    return model


#: Public name of :func:`_layered` for the other routes to a model (:mod:`.local_fc`).
layered_model = _layered
