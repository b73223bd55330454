"""A crystal's elastic constants from its structure with a calculator, beside the measured ones where kapitza's
database has them: how far to trust the long waves of its phonons (``kapitza elastic``).

The crystal is read as :func:`~kapitza.phonons.from_structure.crystal_phonons` reads a side (a structure file,
``NAME:STRUCTURE:a=...``, a database material, a crystal of the crystal table, a name ASE's ``bulk`` knows), put in
spglib's standard conventional cell (cube axes along x, y, z; hexagonal and trigonal a along x, c along z: the
frame measured constants are given in), relaxed with the calculator (:func:`kapitza.atomistic.bulk.relax_crystal`,
symmetry kept), and its relaxed-ion elastic tensor computed (:func:`kapitza.atomistic.bulk.elastic_tensor`, the
constants a sound wave sees).  A cubic, hexagonal or trigonal crystal is also read as its named constants and the
stiffnesses rho v^2 of the waves along its axes (:mod:`kapitza.materials.elastic`); where it is a database
material with measured single-crystal constants of that symmetry, those stand beside them.  The
``docs/reference/elastic-accuracy`` page measures every built-in potential this way on every such crystal.

The relaxed cell and the tensor are cached on disk (:mod:`kapitza.io.cache`) by everything that made them: the
conventional cell's atoms and lattice, the calculator's identity (its package version and weights' checksum), the
relaxation's and the strains' settings; a second call for the same crystal and calculator reads them (the
calculator is then not even loaded).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..atomistic.bulk import (
    ELASTIC_FMAX_EV_PER_ANGSTROM,
    FMAX_EV_PER_ANGSTROM,
    MAX_STEPS,
    RELAXED_ION_STRAIN,
    SYMPREC,
    check_crystal,
    elastic_tensor,
    relax_crystal,
    symmetry_dataset,
)
from ..atomistic.calculators import CalculatorSource, calculator_source
from ..atomistic.force_cost import (
    TimeBudget,
    binding,
    call_seconds,
    duration_words,
    enforced,
    no_stated_time,
    say,
    stage,
    stage_words,
    unknown_words,
)
from ..errors import InputError
from ..io.cache import cached_arrays, every, finite, symmetric_matrix
from ..io.results import result
from ..materials.elastic import AXIS_STIFFNESSES, axis_stiffnesses, born_stability, crystal_symmetry, named_constants
from ..units import GPA

__all__ = [
    "ERRORS_FILE",
    "MAX_ATOMS",
    "MIN_STIFFNESS_GPA",
    "STRAINED_CELLS",
    "ELASTIC_RELAXATION_CALLS",
    "STRAINED_CELL_CALLS",
    "CrystalElasticConstants",
    "StiffnessErrors",
    "crystal_elastic_constants",
    "elastic_calls",
    "elastic_cost",
    "elastic_memory",
    "elastic_seconds",
    "long_wave_seconds",
    "strained_cell_calls",
    "measured_elastic_constants",
    "recorded_stiffness_errors",
    "stiffness_errors",
    "stiffness_errors_of",
]

#: Most atoms in the conventional cell: each of the twelve strained cells is relaxed with the calculator, so the
#: cost grows with the cell (corundum's 30 atoms: 111 s with sevennet-l3i5 and 117 s with sevennet-l3i5+d3, relaxation
#: included, on the 2-core machine; docs/reference/elastic-accuracy/results.json).
MAX_ATOMS = 256
#: A tensor whose largest constant is below this (GPa) holds no crystal together: its atoms do not interact (the
#: counterpart of :data:`kapitza.phonons.stability.MIN_HIGHEST_THZ`).  The softest crystal with measured
#: constants in kapitza's database is Pb (C11 49.7 GPa); an alkali metal's C11 is a few GPa.
MIN_STIFFNESS_GPA = 0.1
#: Bump when what the cache stores (or how it is computed) changes.
CACHE_FORMAT = 1
#: The built-in potentials' measured stiffness errors (written by scripts/elastic_accuracy.py from the
#: elastic-accuracy page's records; :func:`stiffness_errors`).
ERRORS_FILE = Path(str(resources.files("kapitza.phonons"))) / "data" / "elastic_errors.toml"
#: A prediction's crystal is the page's when the potential relaxed it to the page's a, b, c within this (relative):
#: the same structure relaxed by the same potential lands within the relaxation's tolerance, about 1e-4.
SAME_CELL = 2e-3


@result
class CrystalElasticConstants:
    """A crystal's relaxed-ion elastic constants with a calculator, and the measured ones where they exist.

    Attributes
    ----------
    name : str
        The crystal's name (database name, crystal-table name or the structure's reduced formula).
    structure : str
        What the crystal was, in words.
    calculator : str
        The calculator's name.
    calculator_description : str
        The calculator in words, with its citation.
    spacegroup : str
        Of the relaxed crystal, "Fd-3m (227)".
    symmetry : str
        "cubic", "hexagonal", "trigonal", or "" for a lower symmetry (the full tensor only).
    atoms : int
        In the conventional cell.
    input_cell, relaxed_cell : tuple of float
        a, b, c (A) and alpha, beta, gamma (degrees) of the conventional cell before and after relaxation.
    tensor : ndarray, shape (6, 6)
        Relaxed-ion Voigt tensor in the standard frame, GPa.
    constants : mapping
        Named constants (GPa; trigonal C14 by magnitude), empty for a lower symmetry.
    measured : mapping
        The measured constants (GPa, same names) of the database's record or the crystal table's
        (:func:`measured_elastic_constants`), empty where there are none of this symmetry.
    measured_source : str
        Their source, "" where none.
    smallest_eigenvalue : float
        Of the tensor in Mandel's form, GPa: negative means elastically unstable with this calculator (Born's
        criterion, :func:`kapitza.materials.elastic.born_stability`).
    strain : float
        The strain of the central differences.
    memory_gb : float
        The stated peak resident memory of the process that computes them, GB (:func:`elastic_memory`; a second
        call reads the cache and holds far less); 0 for a calculator without a measured footprint (not stated).
    cost : str
        The statement of time and memory made before the first force call (:func:`elastic_cost`).
    """

    name: str
    structure: str
    calculator: str
    calculator_description: str
    spacegroup: str
    symmetry: str
    atoms: int
    input_cell: tuple[float, ...]
    relaxed_cell: tuple[float, ...]
    tensor: NDArray[np.float64]
    constants: Mapping[str, float]
    measured: Mapping[str, float]
    measured_source: str
    smallest_eigenvalue: float
    strain: float
    memory_gb: float = 0.0
    cost: str = ""

    _summary_fields = ("name", "calculator", "symmetry")

    def __post_init__(self) -> None:
        tensor = np.asarray(self.tensor, dtype=float)
        if tensor.shape != (6, 6) or not np.all(np.isfinite(tensor)):
            raise InputError(f"tensor must be a finite 6x6 Voigt tensor (GPa), got shape {tensor.shape}")
        if self.symmetry not in ("", *AXIS_STIFFNESSES):
            raise InputError(f"symmetry must be one of {', '.join(AXIS_STIFFNESSES)} or '', got {self.symmetry!r}")
        if bool(self.symmetry) != bool(self.constants) or not set(self.measured) <= set(self.constants):
            raise InputError("constants are named for a cubic, hexagonal or trigonal crystal, measured beside them")
        values = [*self.constants.values(), *self.measured.values(), self.smallest_eigenvalue]
        if not all(isinstance(v, int | float) and math.isfinite(v) for v in values):
            raise InputError("elastic constants and the smallest eigenvalue must be finite numbers (GPa)")
        if not (isinstance(self.strain, int | float) and 0 < self.strain < 0.1):
            raise InputError(f"strain must be between 0 and 0.1, got {self.strain!r}")
        if not (isinstance(self.memory_gb, int | float) and math.isfinite(self.memory_gb) and self.memory_gb >= 0):
            raise InputError(f"memory_gb must be a finite number >= 0 (GB), got {self.memory_gb!r}")

    def stiffnesses(self) -> dict[str, tuple[str, float, float]]:
        """Per axis stiffness (C11, C44, C' / C66, C33): (wave, calculated, measured or NaN), GPa; empty for a lower
        symmetry."""
        if not self.symmetry:
            return {}
        calc = axis_stiffnesses(self.constants, self.symmetry)
        meas = axis_stiffnesses(self.measured, self.symmetry) if self.measured else {}
        kinds = dict(AXIS_STIFFNESSES[self.symmetry])
        return {k: (kinds[k], v, meas.get(k, math.nan)) for k, v in calc.items()}


def measured_elastic_constants(name: str) -> tuple[str, dict[str, float], str] | None:
    """The measured single-crystal constants kapitza holds for the crystal ``name``: (symmetry, constants in GPa
    with trigonal C14 by magnitude, the source with where kapitza keeps it), from the material database's record
    (a database name or alias) or else from the crystal table's record (:mod:`kapitza.literature.crystals`, for
    crystals the database does not hold); None where neither has them."""
    from ..literature.crystals import CrystalDescription, crystal_for, crystal_names
    from ..materials import get_material

    try:
        material = get_material(name)
    except InputError:
        material = None
    if material is not None and material.origin == "database":
        if material.elastic_constants is None or material.elastic_symmetry in (None, "isotropic"):
            return None
        values = {k: float(v) / GPA for k, v in material.elastic_constants.items() if k != "C66"}
        source = f"kapitza's material database: {material.sources.get('elastic_constants', '')}"
        symmetry = str(material.elastic_symmetry)
    elif name in crystal_names() and isinstance(found := crystal_for(name), CrystalDescription):
        recorded = found.elastic_constants()
        if recorded is None:
            return None
        values = {k: float(v) for k, v in recorded.items() if k != "C66"}
        source = f"kapitza's crystal table (literature/data/crystals.toml): {found.elastic_source}"
        symmetry = found.elastic_symmetry
    else:
        return None
    if "C14" in values:
        values["C14"] = abs(values["C14"])
    return symmetry, values, source


def _measured(side: Any, symmetry: str) -> tuple[dict[str, float], str]:
    """The measured constants beside a side's computed ones (``side``: what
    :func:`~kapitza.atomistic.side.side_structure` built): those of its database record, or of the crystal
    table's record it was built from; only where their symmetry is the computed one."""
    name = side.database.name if side.database is not None else side.record
    found = None if name is None else measured_elastic_constants(name)
    if found is None or found[0] != symmetry:
        return {}, ""
    return found[1], found[2]


def elastic_memory(conv: Any, source: CalculatorSource) -> tuple[float, bool]:
    """(bytes, known): the stated peak resident memory of the process that computes the elastic constants of the
    conventional cell ``conv`` with ``source``: the libraries
    (:data:`~kapitza.phonons.supercell_plan.LIBRARY_BYTES`), the potential loaded and its working memory in one
    call on the cell (:func:`kapitza.atomistic.calculator_forces.force_call_memory`, the footprints measured by
    ``benchmarks/mlip_memory.py``; the stress comes from the same call).  ``known`` is False for a calculator
    without a measured footprint: only the libraries are counted."""
    from ..atomistic.call_memory import force_call_memory
    from .supercell_plan import LIBRARY_BYTES

    call = force_call_memory(source.name, conv, 1)
    return float(LIBRARY_BYTES + call["resident"] + call["work"]), bool(call["known"])


def _parts(conv: Any, source: CalculatorSource, relax: bool, steps: int) -> dict[str, Any]:
    """The cache key: everything the relaxed cell and the tensor depend on."""
    return {
        "format": CACHE_FORMAT,
        "numbers": conv.numbers,
        "cell": np.asarray(conv.cell),
        "positions": conv.get_scaled_positions(),
        "calculator": dict(source.identity),
        "relax": bool(relax),
        "relax_fmax": FMAX_EV_PER_ANGSTROM if relax else None,
        "steps": int(steps),
        "symprec": SYMPREC,
        "strain": RELAXED_ION_STRAIN,
        "ion_fmax": ELASTIC_FMAX_EV_PER_ANGSTROM,
    }


def _compute(
    conv: Any, source: CalculatorSource, described: str, relax: bool, steps: int, progress: Any
) -> dict[str, NDArray[np.float64]]:
    """Relaxation and relaxed-ion tensor: the arrays the cache stores (raises before storing)."""
    source.check_elements(conv.get_chemical_symbols(), described)
    calc = source.calculator()
    relaxed = conv
    if relax:
        relaxed, _ = relax_crystal(conv, calc, described, steps=steps, progress=progress)
    tensor = elastic_tensor(relaxed, calc, relax_ions=True, steps=steps, progress=progress)
    largest = float(np.abs(tensor).max())
    if not largest >= MIN_STIFFNESS_GPA:
        raise InputError(
            f"{described}: no stiffness with the {source.name} potential (largest elastic constant {largest:.3g} GPa, "
            f"below {MIN_STIFFNESS_GPA:g}): its atoms do not interact (too far apart for the potential's range?)"
        )
    return {"tensor": np.asarray(tensor, dtype=float), "relaxed_cell": np.asarray(relaxed.cell.cellpar(), dtype=float)}


def crystal_elastic_constants(
    side: Any,
    calculator: str | CalculatorSource | None = None,
    *,
    name: str | None = None,
    relax: bool = True,
    steps: int = MAX_STEPS,
    cache: bool = True,
    max_memory_gb: float | None = None,
    progress: Any = None,
    max_time: Any = None,
) -> CrystalElasticConstants:
    """Relaxed-ion elastic constants of a crystal with a calculator, beside the database's measured ones.

    Parameters
    ----------
    side : str, path, Material, ase.Atoms or dict
        As :func:`kapitza.atomistic.side.side_structure` reads it.
    calculator : str or CalculatorSource, optional
        Default :data:`~kapitza.atomistic.calculators.DEFAULT_CALCULATOR`.
    name : str, optional
        The crystal's name (default: the database name or the structure's reduced formula).
    relax : bool
        Relax cell and positions first (default); False takes the structure as given (its residual stress then
        sits in every strained cell alike and cancels in the central differences, but the constants are those of
        the given, not the potential's, lattice).
    steps : int
        Most optimiser steps of the relaxation and of each strained cell's positions.
    cache : bool
        Read and store the relaxed cell and the tensor in kapitza's on-disk cache (default); False computes and
        stores nothing.
    max_memory_gb : float, optional
        Refuse, before any force, a crystal whose stated memory (:func:`elastic_memory`, per process) is above
        this; default: this machine's memory.
    progress : callable, optional
        ``progress(stage, done, total)``: "relaxation" per optimiser step, "strains" per strained cell.
    max_time : float, str or TimeBudget, optional
        A bound on the time of the force calls, s (or "5min"; a
        :class:`~kapitza.atomistic.force_cost.TimeBudget` is shared): a tensor not in the cache whose stated typical
        time (:func:`elastic_seconds`) is above what is left of it is refused before its first force call
        (TimeBoundError); a calculator without a measured per-call cost is refused with it.

    Raises
    ------
    InputError
        What :func:`~kapitza.phonons.from_structure.crystal_phonons` refuses before its forces (the structure and
        its bulk checks, :func:`kapitza.atomistic.bulk.check_crystal`: a slab or atoms too far apart to interact
        among them; elements the potential does not know, a relaxation that does not converge), a conventional cell
        above :data:`MAX_ATOMS`, a strained cell whose positions do not converge, or a tensor whose largest
        constant is below :data:`MIN_STIFFNESS_GPA` (atoms that do not interact).
    """
    from ..atomistic.side import side_structure
    from .supercell_plan import conventional_cell

    source = calculator if isinstance(calculator, CalculatorSource) else calculator_source(calculator)
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
        raise InputError(f"steps must be a positive whole number, got {steps!r}")
    built = side_structure(side, name)
    atoms, label, described = built.atoms, built.label, built.described
    check_crystal(atoms, described)
    conv, _, group = conventional_cell(atoms)
    if len(conv) > MAX_ATOMS:
        raise InputError(
            f"{described}: {len(conv)} atoms in the conventional cell, more than the {MAX_ATOMS} the elastic "
            "constants are computed for (each of twelve strained cells is relaxed)"
        )
    if not isinstance(cache, bool):
        raise InputError(f"cache must be True or False, got {cache!r}")
    memory_gb = _check_memory(conv, source, described, max_memory_gb)
    calls = elastic_calls(conv, relax, steps)  # the strained cells' symmetry counted once, for both statements
    cost = elastic_cost(conv, source, described, relax, steps, memory_gb, calls)
    before = tuple(float(v) for v in conv.cell.cellpar())
    budget = binding(TimeBudget.of(max_time))  # a widening-only bound has nothing to bound here
    stated = elastic_seconds(conv, source, calls)
    if budget is not None and stated is None:
        raise no_stated_time(source.name)

    def compute() -> dict[str, NDArray[np.float64]]:
        what = f"the elastic constants of {described} with {source.name}"
        if budget is not None:  # a tensor read from the cache costs nothing
            budget.check(stated or 0.0, what)
        if stated is not None:  # a calculator without a measured cost: in the result only
            say(cost)  # before the first force call (a tensor read from the cache makes none)
        with enforced(budget, what):  # and the bound holds on the wall clock: stopped where it runs out
            return _compute(
                conv, source, described, relax, steps, progress if budget is None else budget.watch(progress)
            )

    stored = cached_arrays("structure-elastic", _parts(conv, source, relax, steps), compute, enabled=cache, **_STORED)
    tensor = np.array(stored["tensor"], dtype=float)
    dataset = symmetry_dataset(conv)  # the space group conventional_cell names, as a number
    symmetry = crystal_symmetry(dataset.number) if dataset is not None else ""
    constants = named_constants(tensor, symmetry) if symmetry else {}
    measured, source_text = _measured(built, symmetry) if symmetry else ({}, "")
    return CrystalElasticConstants(
        name=label,
        structure=described,
        calculator=source.name,
        calculator_description=source.description,
        spacegroup=group,
        symmetry=symmetry,
        atoms=len(conv),
        input_cell=before,
        relaxed_cell=tuple(float(v) for v in stored["relaxed_cell"]),
        tensor=tensor,
        constants=MappingProxyType(constants),
        measured=MappingProxyType(measured),
        measured_source=source_text,
        smallest_eigenvalue=born_stability(tensor)[0],
        strain=RELAXED_ION_STRAIN,
        memory_gb=memory_gb,
        cost=cost,
    )


#: Strained cells of the relaxed-ion tensor (+- each of six Voigt strains), each with its positions relaxed.
STRAINED_CELLS = 12


#: Force calls of the elastic stage's relaxation of the conventional cell, typically (its bound is ``steps``), and of
#: each strained cell with F free internal coordinates (:func:`kapitza.atomistic.bulk.strained_internal_coordinates`):
#: 1 where F = 0 (the forces vanish by symmetry: one stress call), else 1 + a F^p.  (relaxation, a, p) fitted, least
#: squares in log, to the calls the elastic-accuracy page's 32 records took with SevenNet-l3i5 + D3
#: (docs/reference/elastic-accuracy/results.json, 2026-11-26; scripts/elastic_calls_study.py): every record within
#: x2.1 (MgO's 16 calls stated 34), the log spread x1.34, against x0.2-3.4 for the former 12 + 12 x 6.
ELASTIC_RELAXATION_CALLS = 22
STRAINED_CELL_CALLS = (3.1, 0.77)


def strained_cell_calls(free: int) -> int:
    """Typical force calls of one strained cell whose positions have ``free`` internal coordinates
    (:data:`STRAINED_CELL_CALLS`)."""
    a, p = STRAINED_CELL_CALLS
    return 1 if free <= 0 else round(1 + a * free**p)


def elastic_calls(conv: Any, relax: bool, steps: int, bound: bool = False) -> int:
    """Force calls of the elastic constants of the conventional cell ``conv``: typically
    :data:`ELASTIC_RELAXATION_CALLS` for the relaxation and :func:`strained_cell_calls` of each strained cell's free
    internal coordinates, each at most ``steps``; with ``bound`` every relaxation at its ``steps`` bound."""
    from ..atomistic.bulk import strained_internal_coordinates

    if bound:
        return (STRAINED_CELLS + (1 if relax else 0)) * steps
    free = strained_internal_coordinates(conv)
    return (min(steps, ELASTIC_RELAXATION_CALLS) if relax else 0) + sum(
        min(steps, strained_cell_calls(f)) for f in free
    )


#: How a stored tensor is read back and checked (:func:`crystal_elastic_constants`, :func:`long_wave_seconds`).
_STORED: dict[str, Any] = {
    "shapes": {"tensor": (6, 6), "relaxed_cell": (6,)},
    "check": every(finite, symmetric_matrix("tensor")),
}


def long_wave_seconds(side: Any, source: CalculatorSource, relax: bool = True, steps: int = MAX_STEPS) -> float | None:
    """The stated typical time of :func:`crystal_elastic_constants` of ``side`` with its defaults, s (what a crystal's
    long waves cost where they stand in for its refused phonons): 0 for a tensor in the cache, None where the
    calculator has no measured cost or the cell is above :data:`MAX_ATOMS` (refused there)."""
    from ..atomistic.side import side_structure
    from ..io.cache import cached_lookup
    from .supercell_plan import conventional_cell

    conv = conventional_cell(side_structure(side).atoms)[0]
    if len(conv) > MAX_ATOMS:
        return None
    if cached_lookup("structure-elastic", _parts(conv, source, relax, steps), **_STORED) is not None:
        return 0.0
    return elastic_seconds(conv, source, elastic_calls(conv, relax, steps))


def elastic_seconds(conv: Any, source: CalculatorSource, calls: int) -> float | None:
    """The stated typical time of the elastic constants of the conventional cell ``conv``, s: its typical ``calls``
    (:func:`elastic_calls`) x :func:`kapitza.atomistic.force_cost.call_seconds`; None where the calculator has no
    measured cost."""
    per = call_seconds(source.name, conv)
    return None if per is None else calls * per


def elastic_cost(
    conv: Any, source: CalculatorSource, described: str, relax: bool, steps: int, memory_gb: float, calls: int
) -> str:
    """The statement before the first force call, one line: the typical force ``calls`` (:func:`elastic_calls`) and the
    bound, the relaxation and the :data:`STRAINED_CELLS` strained cells each at ``steps`` optimiser steps of one force
    call on the conventional cell (:func:`kapitza.atomistic.force_cost.call_seconds`).  No time for a calculator
    without a measured cost."""
    relaxations = STRAINED_CELLS + (1 if relax else 0)
    what = f"the {len(conv)}-atom cell"
    found = stage(source.name, what, conv, calls, memory_gb)
    most = elastic_calls(conv, relax, steps, bound=True)
    words = (
        f"{described}: elastic constants with {source.name}, typically {stage_words(found)}; at most "
        f"{most} force calls ({relaxations} relaxations at their {steps}-step bound)"
    )
    if found.seconds_per_call is not None:
        return f"{words}, {duration_words(most * found.seconds_per_call)}"
    return f"{words}; {unknown_words(source.name)}"


def _check_memory(conv: Any, source: CalculatorSource, described: str, max_memory_gb: float | None) -> float:
    """The stated memory in GB (0 where the calculator has no measured footprint), or MemoryBoundError above the
    bound, before any force."""
    from ..errors import MemoryBoundError
    from .supercell_plan import bound_words, memory_limit_gb

    limit = memory_limit_gb(max_memory_gb)
    need, known = elastic_memory(conv, source)
    if need > limit * 1e9:
        bound = bound_words(limit, max_memory_gb is not None)
        counted = "the model and one call on the cell" if known else "the libraries only: no measured footprint"
        raise MemoryBoundError(
            f"{described}: its elastic constants need ~{need / 1e9:.3g} GB with the {source.name} potential (per "
            f"process: {counted}), above {bound}"
        )
    from ..atomistic.call_memory import check_gpu_memory, force_call_memory

    check_gpu_memory(force_call_memory(source.name, conv, 1), f"{described}: its elastic constants")
    return need / 1e9 if known else 0.0


@dataclass(frozen=True)
class StiffnessErrors:
    """A potential's stiffnesses rho v^2 along a crystal's axes against the measured ones, as the elastic-accuracy
    page measured them (relaxed-ion constants).

    Attributes
    ----------
    calculator, crystal : str
        The potential's name and the crystal's (database or crystal-table) name.
    rows : tuple
        (stiffness, wave, calculated GPa, measured GPa) per axis stiffness ("C44", "shear", 4.3, 28.7).
    measured_source : str
        Where the measured constants come from.
    measured_on : str
        The commit and date of the measurement.
    """

    calculator: str
    crystal: str
    rows: tuple[tuple[str, str, float, float], ...]
    measured_source: str
    measured_on: str

    def softest_stiffness(self, wave: str) -> tuple[str, float]:
        """(name, calculated / measured - 1) of the most negative error among the stiffnesses of ``wave`` ("shear",
        "longitudinal"); ("", NaN) where there is none of that wave."""
        errors = [(c / m - 1.0, n) for n, w, c, m in self.rows if w == wave]
        if not errors:
            return "", math.nan
        error, name = min(errors)
        return name, error

    def softest(self, wave: str) -> float:
        """The most negative calculated / measured - 1 of the stiffnesses of ``wave``; NaN where there is none."""
        return self.softest_stiffness(wave)[1]

    def line(self) -> str:
        """One line: each stiffness's signed error, the largest first, with where it was measured."""
        ranked = sorted(self.rows, key=lambda r: -abs(r[2] / r[3] - 1.0))
        parts = ", ".join(f"{name} ({wave}) {100 * (c / m - 1):+.0f} %" for name, wave, c, m in ranked)
        return (
            f"long waves: {self.calculator}'s stiffnesses rho v^2 of {self.crystal} against measured ones: {parts} "
            f"(docs/reference/elastic-accuracy, {self.measured_on}); the DMM's channels near Gamma go as "
            "1/stiffness, and at low temperature they are all of its conductance"
        )


@lru_cache(maxsize=4)
def _read_records(target: str, mtime_ns: int, size: int) -> tuple[Any, ...]:
    """The ``[[records]]`` of the errors file at ``target``, parsed once per version of the file (a command reads
    them for each side's line, the pair's line and the JSON: about 10 ms a parse)."""
    from ..io import toml_file

    document = toml_file.read_document(Path(target), "elastic errors file", toml_file.MAX_CONFIG_BYTES)
    return tuple(document.get("records", []))


def _recorded(calculator: str, path: Path | None) -> list[tuple[Mapping[str, Any], StiffnessErrors]]:
    """The errors file's records of ``calculator`` (:data:`ERRORS_FILE` or ``path``; none where it is absent), each
    with its parsed errors; InputError for a malformed record."""
    target = ERRORS_FILE if path is None else Path(path)
    if not target.is_file():
        return []
    stat = target.stat()
    out = []
    for entry in _read_records(str(target), stat.st_mtime_ns, stat.st_size):
        try:
            if entry["calculator"] != calculator:
                continue
            columns = [entry[k] for k in ("stiffness", "wave", "calculated_gpa", "measured_gpa")]
            if len({len(c) for c in columns}) != 1:
                raise ValueError("columns of different lengths")
            rows = tuple((str(n), str(w), float(c), float(m)) for n, w, c, m in zip(*columns))
            found = StiffnessErrors(
                calculator, str(entry["crystal"]), rows, str(entry["measured_source"]), str(entry["measured_on"])
            )
            key = (str(entry["formula"]), int(entry["atoms"]), [float(v) for v in entry["relaxed_cell"]])
        except (KeyError, TypeError, ValueError):
            raise InputError(
                f"{target}: a [[records]] entry is malformed (written by scripts/elastic_accuracy.py)"
            ) from None
        if not rows or not all(m > 0 and math.isfinite(c) for _, _, c, m in rows):
            raise InputError(f"{target}: {calculator} on {found.crystal}: stiffnesses must be finite, measured > 0")
        out.append(({"formula": key[0], "atoms": key[1], "relaxed_cell": key[2]}, found))
    return out


def stiffness_errors(
    calculator: str, formula: str, atoms: int, relaxed_abc: Sequence[float], path: Path | None = None
) -> StiffnessErrors | None:
    """The elastic-accuracy page's measurement of ``calculator`` on the crystal a prediction built, or None where
    the page did not measure it.

    The crystal is the page's when its reduced ``formula`` and the ``atoms`` of its conventional cell are the
    record's and ``calculator`` relaxed it to the record's a, b, c within :data:`SAME_CELL` (the same structure,
    whatever name or lattice constant it was given as).  Read from :data:`ERRORS_FILE` (or ``path``)."""
    abc = [float(v) for v in relaxed_abc][:3]
    for key, found in _recorded(calculator, path):
        if (
            key["formula"] == formula
            and key["atoms"] == int(atoms)
            and all(math.isclose(x, y, rel_tol=SAME_CELL) for x, y in zip(key["relaxed_cell"], abc))
        ):
            return found
    return None


def recorded_stiffness_errors(calculator: str, path: Path | None = None) -> dict[str, StiffnessErrors]:
    """Every crystal the elastic-accuracy page measured ``calculator`` on, by the crystal's (database or crystal
    table) name: what a validation's rows, which name their crystals so, are grouped by."""
    return {found.crystal: found for _, found in _recorded(calculator, path)}


def stiffness_errors_of(found: Any) -> StiffnessErrors | None:
    """:func:`stiffness_errors` of a crystal built with a calculator
    (:class:`~kapitza.phonons.from_structure.StructurePhonons`): its calculator, the reduced formula and atoms of its
    conventional cell, its relaxed a, b, c."""
    from ..atomistic.side import reduced_formula

    symbols = list(found.crystal.phonopy.unitcell.symbols)
    return stiffness_errors(found.calculator, reduced_formula(symbols), len(symbols), found.relaxed_cell[:3])
