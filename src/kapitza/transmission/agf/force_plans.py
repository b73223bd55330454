"""How a run's layered model is made, one plan per source of force constants, and what is known of it before.

:func:`builtin_plan` (two chemical symbols with a named potential), :func:`user_plan` (a structure file with pair
lines, a force-constant file or a calculator) and :func:`crystal_plan` (two crystals through a calculator) each
return a :class:`ModelPlan`: the model's sizes (exact, or a lower bound), the memory of its build, and the build
itself, which runs only once the run's memory is checked (:func:`.device_plan.plan_run`).

Materials and potentials
------------------------
``potential="sw"`` with two different elements (Si and Ge): Stillinger-Weber
has no mixed Si-Ge parameters, so the *mass-mismatch model* is used: Si
force constants and the Si lattice everywhere, the right crystal's atomic
mass on its side (a note in the result says so).  ``"tersoff-lammps"``
gives a genuine Si-Ge interface (Tersoff 1989 through LAMMPS), coherent,
with the mean of the two equilibrium lattice constants in the plane and
bulk periods along the normal.  Lattice constants are the potential's own
equilibrium values.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import numpy as np

from ...errors import InputError
from . import inputs as _inputs
from .model import LayeredModel
from .solver import model_sizes


def _resolve_materials(left: str, right: str, potential: str) -> tuple[Any, dict[str, Any], list[str]]:
    from ...atomistic.lattice import equilibrium_lattice_constant
    from ...atomistic.potentials import ONE_ELEMENT, get_potential
    from ...units import ANGSTROM

    notes: list[str] = []
    name = str(potential).strip().lower()
    if name in ONE_ELEMENT and left != right:
        pot = get_potential(name, [left])
        a = equilibrium_lattice_constant(pot, left) / ANGSTROM
        notes.append(
            f"{name}: no mixed {left}-{right} parameters, so the mass-mismatch model is used: {left} force constants "
            f"and lattice constant ({a:.4f} A) on both sides, {right} atomic mass on the {right} side; use "
            "--potential tersoff-lammps for a genuine Si-Ge interface"
        )
        return pot, {"mass_only": True, "lattice_constants": (a, a)}, notes
    pot = get_potential(name, [left, right])
    a1 = equilibrium_lattice_constant(pot, left) / ANGSTROM
    a2 = equilibrium_lattice_constant(pot, right) / ANGSTROM
    if left != right:
        notes.append(
            f"coherent {left}/{right} interface: in-plane lattice constant {(a1 + a2) / 2:.4f} A (mean of "
            f"{a1:.4f} and {a2:.4f} A), bulk periods along the normal, positions not relaxed"
        )
    return pot, {"mass_only": False, "lattice_constants": (a1, a2)}, notes


@dataclasses.dataclass
class ModelPlan:
    """What a run knows before its model is built, and how to build it.

    ``sizes`` and ``build_bytes`` set the memory estimate that is checked before the build (:func:`_run`): exact
    sizes for a built-in interface (its primitive cell's model, folded onto the supercell), a lower bound for a
    user's structure and for two crystals through a calculator.  ``calculator_bytes``: a calculator's libraries and
    model, resident from the force constants on (:attr:`.inputs.MemoryEstimate.calculator`); ``worker_bytes``: what
    each local dask worker holds for its force calls (the potential it loads and one call's working memory).
    ``build()`` returns the model, its settings record and notes.  ``described``: the structure in words, added to a
    refusal of its memory (two crystals' common cell, which the user did not choose, can be large).
    ``force_cost``: with a calculator, the statement of its force constants before their first force call (force
    calls, atoms, stated time and memory: :class:`.calculator_route.ForceConstantMemory`); None without one.
    """

    sizes: _inputs.ModelSizes
    build_bytes: float
    build: Callable[[], tuple[LayeredModel, dict[str, Any], list[str]]]
    exact: bool
    folds: Any = None
    calculator_bytes: float = 0.0
    described: str = ""
    worker_bytes: float = 0.0
    force_cost: Any = None


def builtin_plan(v: dict[str, Any]) -> ModelPlan:
    """The plan of the built-in interface left/right: its structure, and its primitive cell's model (seconds), which
    gives the sizes of the lateral supercell's model before its force constants are computed (minutes at 6x6)."""
    left, right, potential, normal = v["left"], v["right"], v["potential"], v["normal"]
    lateral, cells, pl_cells, mixing_layers, seed = (
        v["lateral"],
        v["cells"],
        v["pl_cells"],
        v["mixing_layers"],
        v["seed"],
    )
    checked, option_names = v["checked"], v["option_names"]
    masses = checked["masses_amu"]

    from ...atomistic.structures import build_interface
    from .forceconstants import force_constant_method, hessian_range, required_repeat
    from .partition import interface_model, padded_slab, principal_layer_cells

    pot, material, notes = _resolve_materials(left, right, potential)
    mass_pair = (None, None) if masses is None else masses
    if masses is not None:
        notes.append(
            f"atomic masses set by hand: {masses[0]:g} amu on the left ({left}), "
            f"{masses[1]:g} amu on the right ({right})"
        )
    if seed is not None and not mixing_layers:
        notes.append(
            f"{option_names('seed')} {seed} is not used: without intermixing ({option_names('mixing_layers')} 0) "
            "nothing is random, and no seed is recorded"
        )
    common = {
        "lattice_constants_angstrom": material["lattice_constants"],
        "mass_only": material["mass_only"],
        "masses_amu": mass_pair,
    }
    probe = build_interface(left, right, normal, cells=(1, 1), lateral=lateral, **common)
    force_range = hessian_range(pot, probe.atoms)
    pl = principal_layer_cells(probe, force_range) if pl_cells is None else pl_cells
    if cells is None:
        cells = (3 * pl[0], 3 * pl[1])  # lead layer + two principal layers of device on each side
    structure = build_interface(
        left, right, normal, cells=tuple(cells), lateral=lateral, mixing_layers=mixing_layers, seed=seed, **common
    )
    # the primitive lateral cell's model: the whole model when lateral is 1x1, else the leads the supercell's are
    # folded onto (agf.folding) and, scaled, the supercell model's sizes
    primitive = structure if tuple(lateral) == (1, 1) else build_interface(
        left, right, normal, cells=tuple(cells), lateral=(1, 1), **common
    )  # fmt: skip
    prim_model = interface_model(primitive, pot, pl_cells=pl, force_range=force_range)
    slab, parts = padded_slab(structure, pl, force_range)
    repeat = required_repeat(np.asarray(slab.cell)[:2], force_range)
    rows = sum(len(parts[k]) for k in ("U-1", "U0", "device", "U1", "U2"))
    sizes = model_sizes(prim_model).folded_onto(tuple(lateral))
    build_bytes = _inputs.build_bytes(sizes, len(slab) * repeat[0] * repeat[1], rows, force_constant_method(pot))

    def build() -> tuple[LayeredModel, dict[str, Any], list[str]]:
        model = prim_model
        if tuple(lateral) != (1, 1):
            from .folding import fold_lead

            model = interface_model(structure, pot, pl_cells=pl, force_range=force_range)
            try:
                plan.folds = (fold_lead(model, prim_model, "left"), fold_lead(model, prim_model, "right"))
                notes.append(
                    f"leads solved as {lateral[0]}x{lateral[1]} copies of the 1x1 cell's leads (zone folding, exact; "
                    "on dask too)"
                )
            except InputError:
                plan.folds = None  # not a plain repetition (cannot happen for the built-ins): the leads as they are
        settings = {
            "left": left,
            "right": right,
            "potential": pot.name,
            "potential_reference": pot.reference,
            "normal": normal,
            "cells": list(cells),
            "principal_layer_cells": list(pl),
            "lateral": list(lateral),
            "mixing_layers": int(mixing_layers),
            "seed": structure.description["seed"] if mixing_layers else None,  # recorded only where it was used
            "masses_amu": list(structure.description["masses_amu"]),
        }
        return model, settings, notes

    plan = ModelPlan(sizes=sizes, build_bytes=build_bytes, build=build, exact=True)
    return plan


def user_plan(v: dict[str, Any]) -> ModelPlan:
    """The plan of the user's structure file with its pair lines or force-constant file: a lower bound of the
    memory from the structure alone (its lead cells; the force constants' dense rows, at least the structure's
    atoms times one atom of each orbit of its in-plane translations, 72 bytes each), the model itself only from
    the build."""
    from ...atomistic.structure_file import read_structure
    from .user import user_interface_model

    c = v["checked"]
    interface = read_structure(c["structure"], sides=c["sides"])
    n = len(interface.atoms)
    lead_atoms = (len(interface.cell_atoms(0)), len(interface.cell_atoms(-1)))
    sizes = _inputs.structure_sizes(lead_atoms)
    notes: list[str] = []
    resident = worker = 0.0
    need = None
    if c["calculator"] is not None:
        from .calculator_route import force_constant_memory, gpu_note, memory_note

        fc_source, reach = _calculator_forces(v)
        need = force_constant_memory(interface, fc_source, v["pl_cells"], reach)
        build_bytes = _inputs.build_bytes(
            sizes, need.supercell_atoms, need.row_atoms, "finite-difference", need.displaced + need.work
        )
        resident, worker = need.resident, need.resident + need.work
        notes += memory_note(need, fc_source.name) + [need.cost_line(fc_source.name)]
        notes += gpu_note(need, f"the force constants of {c['structure']}")
    else:
        from ...atomistic.translations import row_orbits

        fc_source = None
        # finite differences hold the dense rows of one atom of each orbit of the structure's in-plane translations
        rows = int(row_orbits(interface.atoms, np.arange(n)).displaced.size)
        build_bytes = _inputs.build_bytes(sizes, n, rows, "lammps" if c["pair"] is not None else "finite-difference")

    def build() -> tuple[LayeredModel, dict[str, Any], list[str]]:
        if fc_source is not None and need.seconds is not None:  # without a measured cost: in the notes only
            from ...atomistic.force_cost import say

            say(notes[-1])  # the force constants' cost, before their first force call
        model, settings, built_notes = user_interface_model(
            c["structure"],
            sides=c["sides"],
            pair=c["pair"],
            force_constants=c["force_constants"],
            leads=(c["left_lead"], c["right_lead"]),
            supercell=c["supercell"],
            pl_cells=v["pl_cells"],
            calculator=fc_source,
        )
        return model, settings, built_notes + notes

    return ModelPlan(sizes=sizes, build_bytes=build_bytes, build=build, exact=False, calculator_bytes=resident,
                     worker_bytes=worker, force_cost=need)  # fmt: skip


def _calculator_forces(v: dict[str, Any]) -> tuple[Any, float]:
    """The run's calculator as a source of force constants (its model is loaded on first use) and their range, A."""
    from ...atomistic.calculator_forces import DEFAULT_FORCE_RANGE_ANGSTROM, CalculatorForceConstants
    from ...atomistic.calculators import calculator_source

    c = v["checked"]
    reach = DEFAULT_FORCE_RANGE_ANGSTROM if c["force_range"] is None else float(c["force_range"])
    source = calculator_source(c["calculator"])
    fc = CalculatorForceConstants(source, force_range=reach, progress=v["stage_progress"], runner=v.get("force_runner"))
    return fc, reach


def crystal_plan(v: dict[str, Any]) -> ModelPlan:
    """The plan of two crystals through a calculator: each crystal relaxed with it (its model loaded: seconds) and
    the two stacked, which fixes the structure; the memory from it (the lead cells, a lower bound of the model, and
    exactly the force constants' dense rows, displaced structures and the calculator's memory), the force constants
    and the model only from the build."""
    from ...atomistic.calculator_forces import DISPLACEMENT_ANGSTROM
    from ...atomistic.side import resolve_side
    from .calculator_route import (
        calculator_notes,
        calculator_record,
        crystal_interface,
        gpu_note,
        interface_route,
        memory_note,
    )
    from .local_fc import local_interface_model
    from .partition import interface_model

    checked = v["checked"]
    fc_source, reach = _calculator_forces(v)
    source = fc_source.source
    crystals = crystal_interface(
        resolve_side(v["left"]),  # each side decided once (issue 76): the crystal it names, read or built below
        resolve_side(v["right"]),
        source,
        reach=reach,
        normal=v["normal"],
        polarity=checked["polarity"],
        polarity_option=v["option_names"]("polarity"),
        max_strain=checked["max_strain"],
        cells=v["cells"],
        pl_cells=v["pl_cells"],
        lateral=v["lateral"],
        mixing_layers=v["mixing_layers"],
        seed=v["seed"],
        progress=v["stage_progress"],
    )
    structure, pl = crystals.structure, crystals.pl_cells
    lead_atoms = (len(structure.cell_atoms(0)) * pl[0], len(structure.cell_atoms(-1)) * pl[1])
    sizes = _inputs.structure_sizes(lead_atoms)
    given_route, given_reach = checked.get("interface_fc"), checked.get("interface_reach")
    route = interface_route(structure, fc_source, pl, reach, given_route, given_reach)
    local, rows_reach, need = route.local, route.reach, route.need
    build_bytes = _inputs.build_bytes(
        sizes, need.supercell_atoms, need.row_atoms, "finite-difference", need.displaced + need.work
    )
    cost = need.cost_line(fc_source.name)
    notes = [*crystals.notes, *memory_note(need, fc_source.name), cost]
    if route.why:
        notes.append(f"the interface's force constants: {route.why}")
    notes += gpu_note(need, f"the force constants of {v['left']} | {v['right']}")

    def build() -> tuple[LayeredModel, dict[str, Any], list[str]]:
        from ...atomistic.force_cost import say

        if need.seconds is not None:  # without a measured cost: in the notes only
            say(cost)  # before the force constants' first force call
        if local:
            model = local_interface_model(
                structure, fc_source, pl_cells=pl, force_range=reach, reach=checked.get("interface_reach"),
                displacement_angstrom=DISPLACEMENT_ANGSTROM,
            )  # fmt: skip
        else:
            model = interface_model(
                structure, fc_source, pl_cells=pl, force_range=reach, displacement_angstrom=DISPLACEMENT_ANGSTROM
            )
        d = structure.description
        settings = {
            "left": v["left"],
            "right": v["right"],
            "calculator": calculator_record(source),
            "force_range_A": reach,
            "displacement_A": DISPLACEMENT_ANGSTROM,
            "crystals": list(crystals.sides),
            "normal": v["normal"],
            "polarity": dict(structure.description["polarity"]),
            "cells": list(crystals.cells),
            "principal_layer_cells": list(pl),
            "lateral": list(crystals.lateral),
            "mixing_layers": int(v["mixing_layers"]),
            "seed": d["seed"] if v["mixing_layers"] else None,
            "max_strain": checked["max_strain"],
            "interface_fc": "local" if local else "all",
            "interface_reach_A": rows_reach,
        }
        return model, settings, notes + calculator_notes(model, reach, source.name)

    widths = np.linalg.norm(np.asarray(structure.atoms.cell)[:2], axis=1)
    label = v["option_names"]
    described = (
        f"the interface is {len(structure.atoms)} atoms in a {widths[0]:.3g} x {widths[1]:.3g} A lateral cell "
        f"({_inputs.named(label('lateral'), f'{crystals.lateral[0]}x{crystals.lateral[1]}')} of the smallest common "
        f"cell within {_inputs.named(label('max_strain'), format(checked['max_strain'], 'g'))})"
    )
    return ModelPlan(sizes=sizes, build_bytes=build_bytes, build=build, exact=False, calculator_bytes=need.resident,
                     described=described, worker_bytes=need.resident + need.work, force_cost=need)  # fmt: skip
