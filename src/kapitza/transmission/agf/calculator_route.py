"""The AGF's calculator route: force constants from an ASE calculator (a universal machine-learned potential or a
user's ``module:factory``), for two crystals or for a structure file.

Two crystals (:func:`crystal_interface`): each read or built (:func:`kapitza.atomistic.side.side_structure`),
relaxed with the calculator and stacked along the normal in the smallest common lateral cell within the strain
bound (:func:`kapitza.atomistic.stacking.stack_crystals`).  Either way the force constants are finite differences of
the calculator's forces (:class:`kapitza.atomistic.calculator_forces.CalculatorForceConstants`), truncated at the
force range with the sum rule restored, and the leads periodic copies (:func:`.partition.periodic_leads`).

:func:`force_constant_memory` states, before the force constants are computed, what their computation holds:
the dense rows and displaced structures (counted from the slab) and the calculator's own memory (measured for
the built-in potentials, unknown for a user's calculator: see
:meth:`kapitza.atomistic.calculator_forces.CalculatorForceConstants.memory`).  :mod:`.run` plans a run with it
and :mod:`.user` records a structure file's run with :func:`calculator_record` and :func:`calculator_notes`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from ...atomistic.bulk import RELAXATION_FORMAT, cached_relaxation  # noqa: F401  (their former home: names kept)
from .model import LayeredModel


@dataclass(frozen=True)
class ForceConstantMemory:
    """What the force constants of a calculator route hold at their peak, bytes (see :func:`force_constant_memory`).

    Attributes
    ----------
    supercell_atoms, row_atoms : int
        Atoms of the lateral supercell the forces are computed on, and of the dense rows of the force constants:
        the atoms displaced, one of each orbit of the slab's in-plane translations
        (:func:`kapitza.atomistic.translations.row_orbits`; 72 bytes per row atom and supercell atom:
        :func:`.inputs.build_bytes`).
    displaced : float
        The displaced structures handed to the calculator at once, with their forces.
    resident : float
        The calculator's libraries and model once loaded, resident for the rest of the run (0 where not known).
    work : float
        The calculator's working memory during one force call (0 where not known).
    known : bool
        Whether ``resident`` and ``work`` were measured for this calculator (the built-in potentials); False for a
        user's ``module:factory`` calculator, whose own memory the statement does not count.
    calls : int
        The force calls of every stage together: six displaced structures (three directions, plus and minus) per
        colour of the displaced atoms (:func:`kapitza.atomistic.hessian.colours`: atoms more than twice the force
        range apart share one).
    seconds : float or None
        Their stated time, s: each stage's calls times one call on its supercell
        (:func:`kapitza.atomistic.force_cost.call_seconds`); None for a calculator without a measured cost.
    atom_calls : int
        Each stage's calls times the atoms of its supercell, summed: the work where no time is stated (a force call's
        time grows with its atoms).
    gpu : float
        The GPU memory of the largest force call where the potential runs on a CUDA GPU (the model and the call's
        work; ``work`` is then 0 on the host): :func:`kapitza.atomistic.calculator_forces.force_call_memory`.
    device : str
        Where the force calls run (``cpu``, ``cuda``, ``cuda:N``).
    """

    supercell_atoms: int
    row_atoms: int
    displaced: float
    resident: float
    work: float
    known: bool
    gpu: float = 0.0
    device: str = "cpu"
    calls: int = 0
    seconds: float | None = None
    atom_calls: int = 0

    def cost_line(self, name: str) -> str:
        """The statement of the force constants' time and memory before their first force call, one line."""
        from ...atomistic.force_cost import duration_words, unknown_words

        memory = (f"~{(self.resident + self.work + self.displaced) / 1e9:.2g} GB for the calculator and its largest "
                  "call" if self.known else "the calculator's memory not stated")  # fmt: skip
        if self.gpu > 0:  # the call's work on the GPU, not the host
            memory += f" on the host, ~{self.gpu / 1e9:.2g} GB on {self.device}"
        time = unknown_words(name) if self.seconds is None else f"{duration_words(self.seconds)} stated"
        return (f"the interface's force constants with {name}: {self.calls} force calls on up to "
                f"{self.supercell_atoms} atoms, {time}; {memory}")  # fmt: skip


def force_constant_memory(
    structure: Any, fc_source: Any, pl_cells: Any, reach: float, interface_reach: float | None = None
) -> ForceConstantMemory:
    """The memory of the force constants of ``structure`` (an InterfaceStructure) through ``fc_source`` (a
    :class:`~kapitza.atomistic.calculator_forces.CalculatorForceConstants`), from the geometry alone: the padded
    slab (:func:`.partition.padded_slab`, with the source's padding) and its lateral supercell
    (:func:`.forceconstants.required_repeat` of ``reach`` A).  With ``interface_reach`` (A, the local route of
    :mod:`.local_fc`) the slab's rows are those of its interface zone, and each side's bulk column is a stage of its
    own: the larger of the stages is stated.  Raises the InputError the build would for principal layers that do not
    fit the structure."""
    from ...atomistic.translations import row_orbits
    from .forceconstants import required_repeat
    from .partition import checked_pl_cells, padded_slab

    pl = checked_pl_cells(structure, pl_cells, reach)
    slab, parts = padded_slab(structure, pl, reach, padding=fc_source.padding)
    rows = np.concatenate([parts[k] for k in ("U-1", "U0", "device", "U1", "U2")])
    stages = [(slab, rows)]
    if interface_reach is not None:
        from .local_fc import bulk_column, local_rows, zone_slab

        near = local_rows(structure, slab, parts, interface_reach)
        sub, index = zone_slab(slab, near, reach, fc_source.padding)
        where = -np.ones(len(slab), dtype=np.int64)
        where[index] = np.arange(index.size)
        stages = [(sub, where[near])]
        far = np.setdiff1d(rows, near)
        for side in sorted(set(np.asarray(structure.side)[parts["source"][far]].tolist())):
            stages.append(bulk_column(structure, side, reach)[:2])  # a side with bulk rows: its column
    from ...atomistic.calculator_forces import displaces_images
    from ...atomistic.force_cost import call_seconds
    from ...atomistic.hessian import colours

    found = []
    calls, seconds, atom_calls = 0, 0.0, 0
    for atoms, wanted in stages:
        if wanted.size == 0:
            continue
        repeat = required_repeat(np.asarray(atoms.cell)[:2], reach)
        supercell = atoms.repeat((repeat[0], repeat[1], 1))
        need = fc_source.memory(supercell)
        orbits = row_orbits(supercell, wanted)
        displaced = orbits.displaced
        row_atoms = int(displaced.size)
        # as the source's hessian_rows displaces them: a row as any lateral image of its atom where it may
        images = orbits.translations if displaces_images(fc_source.name) else None
        n = 6 * len(colours(supercell, 2.0 * reach + 1e-6, displaced, images))
        per = call_seconds(fc_source.name, supercell)
        calls += n
        atom_calls += n * len(supercell)
        seconds = float("nan") if per is None else seconds + n * per
        total = 72.0 * row_atoms * len(supercell) + need["displaced"] + need["work"]
        found.append((total, ForceConstantMemory(
            supercell_atoms=len(supercell), row_atoms=row_atoms, displaced=need["displaced"], resident=need["resident"],
            work=need["work"], known=need["known"], gpu=need["gpu"], device=need["device"],
        )))  # fmt: skip
    largest = max(found, key=lambda pair: pair[0])[1]
    gpu = max(stage.gpu for _, stage in found)  # the largest call of any stage, on the GPU
    return replace(largest, gpu=gpu, calls=calls, seconds=None if np.isnan(seconds) else seconds, atom_calls=atom_calls)


@dataclass(frozen=True)
class InterfaceRoute:
    """Which rows of the interface's force constants are displaced: ``local`` (the rows within ``reach`` A of the
    interface, the others from the bulk columns: :mod:`.local_fc`) or every row; its statement (``need``) and, where
    kapitza chose it, why (``why``, one sentence; "" where the user named the route)."""

    local: bool
    reach: float | None
    need: ForceConstantMemory
    why: str


#: A potential whose forces reach beyond its force range (a receptive field in its record) takes the local route by
#: default only where it states at most this share of every row's cost: for it the local route is not exact (CHGNet,
#: ``scripts/agf_routes_study.py``: G(300 K) moved by up to 3.2 % on four validation pairs), so it must buy a real
#: saving; for a potential whose forces end at its range (exact either way) any saving does.
LEARNED_LOCAL_SHARE = 0.5


def interface_route(
    structure: Any, fc_source: Any, pl_cells: Any, force_range: float, route: str | None, reach: float | None
) -> InterfaceRoute:
    """The route of the interface's force constants: the one named (``route`` "local" or "all"), or, where none is
    (``None``, the default with two crystals), the local route only where its stated cost is lower than every row's
    (for a potential with a receptive field, at most :data:`LEARNED_LOCAL_SHARE` of it), else every row.  The cost is
    the stated time of the force calls where the potential has a measured one, else the force calls times the atoms
    of each (:attr:`ForceConstantMemory.atom_calls`), both from the geometry alone (:func:`force_constant_memory`),
    before any force call.

    Why: the local route is exact only for a potential whose forces end at its range; for a learned one the rows
    beyond its reach are taken as the bulk's, which they are not quite.  Its bulk columns cost force calls of their
    own, and a learned potential's reach (the force range plus its receptive field, :func:`.local_fc.interface_reach`)
    covers most of a small cell, so on the cells of the compilation's pairs it saves little or nothing (CHGNet, Pt |
    Si: 84 force calls, 252 s stated, against 72 calls, 255 s for every row; AlN | GaN 48 and 48).  Where it does
    not pay, every row is displaced: the full route, at about the same cost."""
    from ...atomistic.potential_records import receptive_field
    from .local_fc import interface_reach

    if route == "all":
        return InterfaceRoute(False, None, force_constant_memory(structure, fc_source, pl_cells, force_range), "")
    rows_reach = interface_reach(fc_source.name, force_range, reach)
    local = force_constant_memory(structure, fc_source, pl_cells, force_range, interface_reach=rows_reach)
    if route == "local":
        return InterfaceRoute(True, rows_reach, local, "")
    every = force_constant_memory(structure, fc_source, pl_cells, force_range)
    stated = local.seconds is not None and every.seconds is not None
    costs = (local.seconds, every.seconds) if stated else (local.atom_calls, every.atom_calls)
    unit = "s stated" if stated else "atom-calls"
    share = LEARNED_LOCAL_SHARE if receptive_field(fc_source.name) else 1.0
    zone = f"rows within {rows_reach:.3g} A of the interface"
    mine = f"{local.calls} force calls, {costs[0]:.3g} {unit}"
    theirs = f"{every.calls} force calls, {costs[1]:.3g} {unit}"
    if costs[0] < share * costs[1]:
        return InterfaceRoute(True, rows_reach, local, f"{zone} displaced (the local route), the cheaper: {mine}, "
                              f"against every row's {theirs}")  # fmt: skip
    if share < 1.0:
        return InterfaceRoute(False, None, every, f"every row displaced: {theirs}; the local route ({zone}) states "
                              f"{mine}, and a learned potential takes it only where it states at most {share:g} of "
                              "every row's")  # fmt: skip
    return InterfaceRoute(False, None, every, f"every row displaced, the cheaper: {theirs}, against the local route's "
                          f"({zone}) {mine}")  # fmt: skip


def gpu_note(memory: ForceConstantMemory, what: str) -> list[str]:
    """Where the force calls run on a CUDA GPU: the GPU memory of the largest one, checked against the device's free
    memory (:func:`kapitza.atomistic.calculator_forces.check_gpu_memory`: InputError naming both where it does not
    fit, before any force of the interface); no note on the CPU."""
    from ...atomistic.call_memory import check_gpu_memory

    line = check_gpu_memory({"gpu": memory.gpu, "device": memory.device, "known": memory.known}, what)
    return [line] if line else []


def memory_note(memory: ForceConstantMemory, name: str) -> list[str]:
    """The note of a run whose calculator's own memory is not in its memory statement (a user's calculator)."""
    if memory.known:
        return []
    return [
        f"the memory statement (max_memory_gb) does not count the {name} calculator's own memory (its libraries, "
        f"model and working memory while it computes the forces of {memory.supercell_atoms} atoms), which kapitza "
        "has not measured: only the built-in potentials' is counted"
    ]


@dataclass(frozen=True)
class CrystalInterface:
    """Two crystals relaxed with a calculator and stacked: the structure and what the run records of it."""

    structure: Any
    pl_cells: tuple[int, int]
    cells: tuple[int, int]
    lateral: tuple[int, int]
    sides: tuple[dict[str, Any], ...]
    notes: tuple[str, ...]


def crystal_interface(
    left: Any,
    right: Any,
    source: Any,
    *,
    reach: float,
    normal: str,
    max_strain: float,
    cells: tuple[int, int] | None,
    pl_cells: Any,
    lateral: tuple[int, int],
    mixing_layers: int,
    seed: int | None,
    progress: Any = None,
    polarity: str = "+",
    polarity_option: str = "polarity",
) -> CrystalInterface:
    """Relax the crystals ``left`` and ``right`` (each a :class:`~kapitza.atomistic.side.Side`, or what
    :func:`~kapitza.atomistic.side.resolve_side` takes) with ``source`` (a CalculatorSource), stack them in their common
    lateral cell along ``normal`` ("+") or its opposite ("-": ``polarity``, :mod:`kapitza.atomistic.polarity`);
    ``cells`` default to three principal layers of ``reach`` A on each side.  A note says which polarity was built
    and, for a polar pair, what faces the other's seam and how to build it."""
    from ...atomistic.polarity import polarity_text
    from ...atomistic.stacking import stack_crystals
    from ...atomistic.structures import repeat_lateral
    from .partition import principal_layer_cells

    if polarity != "+":  # refused before the relaxations where the pair is not polar (one polarity)
        from ...atomistic.bulk import check_crystal
        from ...atomistic.polarity import polarity_record
        from ...atomistic.side import side_structure
        from ...atomistic.stacking import bulk_crystal

        given = []
        for name, side in zip("ab", (left, right)):
            atoms, label = side_structure(side)[:2]
            check_crystal(atoms, label)
            given.append(bulk_crystal(atoms, name))
        axis = tuple(int(c) for c in normal)
        polarity_record((given[0], given[1]), (axis, axis), polarity)
    crystals, sides, notes = [], [], []
    for side in (left, right):
        atoms, label, described, lines = relaxed_crystal(side, source, progress)
        crystals.append(atoms)
        sides.append({"crystal": str(getattr(side, "given", side)), "name": label, "structure": described,
                      "relaxed": lines})  # fmt: skip
        notes.append(f"{label} ({described}) relaxed with {source.name}: " + "; ".join(lines))
    kwargs = {"normal": tuple(int(c) for c in normal), "max_strain": max_strain, "mixing_layers": mixing_layers,
              "seed": seed, "max_atoms": 20000, "polarity": polarity}  # fmt: skip
    probe = stack_crystals(crystals[0], crystals[1], cells=(1, 1), **kwargs)
    pl = principal_layer_cells(probe, reach) if pl_cells is None else pl_cells
    pl = (int(pl[0]), int(pl[1])) if not isinstance(pl, (int, np.integer)) else (int(pl), int(pl))
    cells = tuple(cells) if cells is not None else (3 * pl[0], 3 * pl[1])
    structure = stack_crystals(crystals[0], crystals[1], cells=tuple(cells), **kwargs)
    lateral = (int(lateral[0]), int(lateral[1]))
    if lateral != (1, 1):
        structure = repeat_lateral(structure, lateral)
    d = structure.description
    notes.append(
        f"common lateral cell: side A strained by {100 * d['max_strain_a']:.3g} %, side B by "
        f"{100 * d['max_strain_b']:.3g} % in-plane (largest principal strain); each keeps its relaxed period along "
        "the normal; positions not relaxed"
    )
    notes.append(polarity_text(d["polarity"], polarity_option))
    return CrystalInterface(structure, pl, cells, lateral, tuple(sides), tuple(notes))  # type: ignore[arg-type]


def relaxed_crystal(side: Any, source: Any, progress: Any) -> tuple[Any, str, str, list[str]]:
    """One side (a :class:`~kapitza.atomistic.side.Side`, or what resolve_side takes): read or build the crystal,
    check it and its elements, relax it with the calculator."""
    from ...atomistic.bulk import check_crystal
    from ...atomistic.side import side_structure

    atoms, label, described, _, _ = side_structure(side)
    check_crystal(atoms, label)
    source.check_elements(atoms.get_chemical_symbols(), label)
    relaxed, record = cached_relaxation(atoms, source, label, progress)
    lines, seen = [], set()
    for name, before, after in zip("abc", record.input_cell[:3], record.relaxed_cell[:3]):
        key = (round(float(before), 6), round(float(after), 6))
        if key not in seen:
            seen.add(key)
            lines.append(f"{name} {before:.4f} -> {after:.4f} A ({100 * (after / before - 1):+.2f} %)")
    return relaxed, label, described, lines


def calculator_record(source: Any) -> dict[str, Any]:
    """What a run records of its calculator: name, package and version, description, identity, and where a built-in
    ran (:func:`kapitza.atomistic.calculators.mlip_device`; not part of the identity)."""
    from ...atomistic.calculators import BUILTINS, D3_SUFFIX, mlip_device

    builtin = str(source.name).removesuffix(D3_SUFFIX) in BUILTINS
    return {
        "name": source.name,
        "package": source.package,
        "version": source.version,
        "description": source.description,
        "identity": dict(source.identity),
        "device": mlip_device() if builtin else "the calculator's own",
    }


def calculator_notes(model: LayeredModel, reach: float, name: str = "") -> list[str]:
    """The truncation of a calculator's force constants and the leads' mismatch, in words (``name``: the
    calculator's, for the local route's note)."""
    md = model.metadata
    mismatch = md.get("copied_lead_mismatch", {})
    notes = [
        f"force constants truncated at {reach:g} A: the largest dropped block is "
        f"{md.get('dropped_beyond_range', 0.0):.2g} of the largest (acoustic sum rule restored); the leads' two "
        "principal layers differed by "
        + ", ".join(f"{k} {val:.2g}" for k, val in mismatch.items())
        + " of the largest force constant before they were made copies"
    ]
    if "displaced_atoms" in md and md["displaced_atoms"] < md["row_atoms"]:
        notes.append(
            f"{md['displaced_atoms']} of the {md['row_atoms']} row atoms displaced; the others' force constants are "
            "copies along the slab's in-plane translations"
        )
    if "interface_force_constants" in md:
        from .local_fc import local_notes

        notes += local_notes(md["interface_force_constants"], name)
    return notes


__all__ = [
    "CrystalInterface",
    "ForceConstantMemory",
    "calculator_notes",
    "calculator_record",
    "crystal_interface",
    "force_constant_memory",
    "gpu_note",
    "memory_note",
    "relaxed_crystal",
]
