"""The AGF model of the user's interface: a structure file with LAMMPS pair lines, a force-constant file or a
calculator.

Three routes to the same :class:`~.model.LayeredModel`:

* **pair lines** (:func:`kapitza.atomistic.forcefield.read_pair_file`): the force constants are finite
  differences of LAMMPS forces (:mod:`kapitza.atomistic.lammps_forces`), the same forces ``kapitza md run``
  integrates, so the AGF and the NEMD describe one system.  The leads are extended by periodic copies of the
  structure's end cells (:func:`.partition.interface_model`); the force range is the one LAMMPS reports
  (twice the cutoff for many-body styles).
* **force constants** computed elsewhere (phonopy ``FORCE_CONSTANTS``, ``fc2.hdf5``; :mod:`.fc_files`): no
  forces are available for copies, so the leads are the structure's own end cells
  (:func:`.partition.fc_interface_model`), or, with ``leads``, the bulk crystals' own phonopy files
  (:mod:`.bulk_leads`).
* **a calculator** (a universal potential or ``module:factory``, :mod:`.calculator_route`): finite differences of
  its forces (:class:`kapitza.atomistic.calculator_forces.CalculatorForceConstants`), truncated at a stated range
  with the sum rule restored; the leads periodic copies of the end cells, as with pair lines.

Every way the structure comes from :func:`kapitza.atomistic.structure_file.read_structure` (sides by tags,
species, a plane or a column); the record of the run names the files with their sha256.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ...errors import InputError
from ...units import ANGSTROM
from .model import LayeredModel


def user_interface_model(
    structure: str | Path,
    *,
    sides: str = "tags",
    pair: str | Path | None = None,
    force_constants: str | Path | None = None,
    leads: tuple[str | Path | None, str | Path | None] = (None, None),
    supercell: tuple[int, int] | None = None,
    pl_cells: int | tuple[int, int] | None = None,
    calculator: Any = None,
    force_range: float | None = None,
    progress: Any = None,
) -> tuple[LayeredModel, dict[str, Any], list[str]]:
    """The layered model of a structure file with pair lines, force constants or a calculator; its record and notes.

    With ``calculator`` (a name of :func:`kapitza.atomistic.calculators.calculator_source`, or a
    :class:`~kapitza.atomistic.calculator_forces.CalculatorForceConstants` that carries its own range and progress,
    which ``force_range`` and ``progress`` then do not change) the force constants are finite differences of its
    forces, truncated at ``force_range`` A (cached by content), the leads periodic copies of the structure's end
    cells as with pair lines; ``progress(stage, done, total)`` follows the displaced structures.

    Returns
    -------
    (LayeredModel, settings, notes)
        ``settings`` is JSON-able: the structure (file, sha256, sides, detected periods and cells), the
        force field's record or the force-constant file, the principal layers and the force range.
    """
    from ...atomistic.structure_file import read_structure

    if sum(x is not None for x in (pair, force_constants, calculator)) != 1:
        raise InputError("give pair lines, a force-constant file or a calculator with the structure, one of the three")
    if pair is not None and any(lead is not None for lead in leads):
        raise InputError("bulk lead files go with a force-constant file; with pair lines the leads are computed")
    interface = read_structure(structure, sides=sides)
    notes = list(_strain_notes(interface))
    if pair is not None:
        model, source, mass_notes = _pair_model(interface, pair, pl_cells)
        notes += mass_notes
    elif calculator is not None:
        model, source, calc_notes = _calculator_model(interface, calculator, force_range, pl_cells, progress)
        notes += calc_notes
    else:
        model, source = _fc_model(interface, force_constants, supercell, pl_cells, leads)
    meta = model.metadata
    notes += [
        f"the {side} lead's force constants come from {meta['leads'][side]}; the structure's own lead differs from "
        f"them by {100 * value:.3g} % of the largest force constant"
        for side, value in meta.get("lead_mismatch", {}).items()
    ]
    settings = {
        "structure": dict(interface.description),
        **source,
        "cells": list(interface.cells),
        "principal_layer_cells": list(meta.get("principal_layer_cells", [])),
        "force_range_A": meta.get("force_range_A"),
        "lateral_cell_A": (interface.lateral_cell / ANGSTROM).tolist(),
    }
    return model, settings, notes


def check_user_files(
    structure: str | Path,
    *,
    sides: str = "tags",
    pair: str | Path | None = None,
    leads: tuple[str | Path | None, str | Path | None] = (None, None),
) -> None:
    """Read the structure and the pair file and let LAMMPS check the force field, before any work is announced;
    every problem is the one InputError line the run would raise (the run reads them again: milliseconds).
    Bulk lead files are checked for existence and kind only (reading them is the run's first work)."""
    from .bulk_leads import check_lead_path

    for lead, side in zip(leads, ("left", "right"), strict=True):
        if lead is not None:
            check_lead_path(lead, f"the {side} lead")
    from ...atomistic.forcefield import read_pair_file
    from ...atomistic.lammps_forces import check_forcefield
    from ...atomistic.structure_file import read_structure

    interface = read_structure(structure, sides=sides)
    if pair is not None:
        check_forcefield(read_pair_file(pair), interface.species, interface.side)


def _pair_model(interface: Any, pair: str | Path, pl_cells: Any) -> tuple[LayeredModel, dict[str, Any], list[str]]:
    from ...atomistic.forcefield import read_pair_file
    from ...atomistic.lammps_forces import LammpsSource, check_forcefield, force_range
    from .partition import interface_model

    ff = read_pair_file(pair)
    check_forcefield(ff, interface.species, interface.side)
    interface, notes = _forcefield_masses(interface, ff)
    reach = force_range(ff, interface.atoms)
    model = interface_model(interface, LammpsSource(ff), pl_cells=pl_cells, force_range=reach)
    return model, {"pair": ff.record(), "force_constants": "finite differences of LAMMPS forces"}, notes


def _calculator_model(
    interface: Any, calculator: Any, force_range: float | None, pl_cells: Any, progress: Any
) -> tuple[LayeredModel, dict[str, Any], list[str]]:
    from ...atomistic.calculator_forces import (
        DEFAULT_FORCE_RANGE_ANGSTROM,
        DISPLACEMENT_ANGSTROM,
        CalculatorForceConstants,
    )
    from ...atomistic.calculators import calculator_source
    from .calculator_route import calculator_notes, calculator_record
    from .partition import interface_model

    if isinstance(calculator, CalculatorForceConstants):  # made by the run's plan, with its range and progress
        fc, reach = calculator, calculator.reach
    else:
        reach = DEFAULT_FORCE_RANGE_ANGSTROM if force_range is None else float(force_range)
        fc = CalculatorForceConstants(calculator_source(calculator), force_range=reach, progress=progress)
    source = fc.source
    source.check_elements(interface.atoms.get_chemical_symbols(), "the structure")
    model = interface_model(
        interface, fc, pl_cells=pl_cells, force_range=reach, displacement_angstrom=DISPLACEMENT_ANGSTROM
    )
    record = {
        "calculator": calculator_record(source),
        "force_constants": f"finite differences of {source.name} forces at {DISPLACEMENT_ANGSTROM:g} A",
    }
    return model, record, calculator_notes(model, reach)


def _forcefield_masses(interface: Any, ff: Any) -> tuple[Any, list[str]]:
    """The structure with the masses ``md run`` gives its atoms (:func:`~kapitza.atomistic.forcefield.
    structure_masses`: the pair file's ``mass`` lines win), and a note for each (side, species) they changed.

    The lead periods found on the file's masses stay periods: a ``mass`` line sets one mass per LAMMPS type, and a
    type stands for one species on one side."""
    import dataclasses

    import numpy as np

    from ...atomistic.forcefield import structure_masses

    own = interface.atoms.get_masses()
    masses = structure_masses(interface, ff)
    changed = ~np.isclose(masses, own, rtol=1e-12, atol=0.0)
    if not changed.any():
        return interface, []
    atoms = interface.atoms.copy()
    atoms.set_masses(masses)
    species, side = np.asarray(interface.species), np.asarray(interface.side)
    notes = [
        f"side {'AB'[k]}'s {s} atoms take the pair file's mass {masses[rows][0]:.6g} amu (the structure file says "
        f"{own[rows][0]:.6g}), as md run does"
        for s, k in sorted({(str(a), int(b)) for a, b in zip(species[changed], side[changed])}, key=lambda x: x[::-1])
        for rows in [np.flatnonzero(changed & (species == s) & (side == k))]
    ]
    return dataclasses.replace(interface, atoms=atoms), notes


def _fc_model(
    interface: Any, path: str | Path | None, supercell: tuple[int, int] | None, pl_cells: Any, leads: Any
) -> tuple[LayeredModel, dict[str, Any]]:
    from .bulk_leads import read_bulk_lead
    from .fc_files import read_force_constants
    from .partition import fc_interface_model

    fc = read_force_constants(path, interface, supercell=supercell)
    bulk = tuple(
        None if lead is None else read_bulk_lead(lead, f"the {side} lead")
        for lead, side in zip(leads, ("left", "right"), strict=True)
    )
    model = fc_interface_model(interface, fc, pl_cells=pl_cells, leads=bulk)  # type: ignore[arg-type]
    record: dict[str, Any] = {"file": Path(str(path)).name, "method": fc.method, "leads": model.metadata["leads"]}
    if "lead_mismatch" in model.metadata:
        record["lead_mismatch"] = model.metadata["lead_mismatch"]
    return model, {"force_constants": record}


def _strain_notes(interface: Any) -> tuple[str, ...]:
    """The in-plane strain of a lattice-matched cell, where the structure file records it."""
    d = interface.description
    if "max_strain_a" not in d:
        return ()
    return (
        f"the structure's common lateral cell strains side A by {100 * d['max_strain_a']:.3g} % and side B by "
        f"{100 * d['max_strain_b']:.3g} % in-plane (largest principal strain, as recorded by the builder); the "
        "leads are these strained crystals",
    )


__all__ = ["check_user_files", "user_interface_model"]
