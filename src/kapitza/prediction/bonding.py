r"""The interface's own bonding as descriptors of a pair: computed on the fly for a user's pair, or read from the
table shipped for every buildable pair of the compilation.

:func:`pair_bonding` takes two crystals (anything ``kapitza agf --calculator`` takes: a name of kapitza's crystal
table or database, a structure file, ``NAME:STRUCTURE:a=..``, ASE ``Atoms``), relaxes each with the calculator
(cached, as the AGF's crystal route does), stacks the film on the substrate in their smallest common lateral cell
(:func:`kapitza.atomistic.stacking.stack_crystals`: the substrate is side A, below; the film side B, above) with the
fewest periods that make each side at least ``min_thickness_angstrom`` thick, and computes
:func:`kapitza.atomistic.adhesion.interface_bonding`: the work of adhesion (J m^-2), the seam stiffness against
each side's bulk (N m^-3 and ratios) and the overlap of the two seam zones' spectra.  Before any force is computed it
states its plan (:func:`bonding_plan`: the cells, the force calls expected and their time from the measured cost of
one force call per atom, :data:`SECONDS_PER_ATOM_CALL`) through ``announce``, and refuses a pair whose largest
force call would exceed ``max_memory_gb`` (:class:`~kapitza.errors.MemoryBoundError`).  The result is cached by
content (the two crystals, the planes, the calculator's identity, every setting and :data:`CACHE_FORMAT`), with the
wall time of its computation and, where the caller measures it (``meter``), its peak memory.

The shipped table (``data/bonding_descriptors.csv``, one row per buildable pair of ``kapitza interface buildable``,
written by ``scripts/bonding_descriptors.py``) is read by :func:`read_bonding_descriptors` and
:func:`shipped_bonding_descriptors`; a pair the run did not finish has its reason in ``note`` and no numbers.

Planes: ``planes`` as (film, substrate) Miller indices of each conventional cell; by default the substrate's
(0, 0, 1) and the film's plane by :func:`kapitza.prediction.validation.buildable.film_plane` where both crystals
are records of kapitza's crystal table (the buildable list's rule), else (0, 0, 1) on both.
"""

from __future__ import annotations

import functools
import math
import time
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from .. import _checks
from .._progress import Progress
from ..atomistic.calculators import D3_SUFFIX
from ..atomistic.potential_records import RecordTable
from ..errors import InputError, MemoryBoundError
from ..io.descriptor_table import shipped_text
from ..io.results import result
from .validation.buildable import DEFAULT_MAX_CELL_ATOMS, DEFAULT_MAX_STRAIN

#: The shipped table's file (package data of kapitza.prediction).
BONDING_FILE = "bonding_descriptors.csv"
#: The default potential's values on a subset of the table's pairs, to read beside the table's (package data; the
#: table itself is computed with a cheaper potential: docs/physics/bonding.md).
DEFAULT_SUBSET_FILE = "bonding_descriptors_default_subset.csv"
#: Least thickness of each side of the interface slab, A: the fewest periods that reach it.  Measured on Al (001) on
#: Si (001) with CHGNet (scripts/bonding_descriptors.py converge): see docs/howto/interface-from-atoms.md.
DEFAULT_MIN_THICKNESS_ANGSTROM = 8.0
#: Version of the cached pair entries (bump when their meaning changes).
CACHE_FORMAT = 4
#: Seconds a planned atom call takes in a bonding run on the shared 2-core machine, by name (each record's bonding
#: seconds, with D3 under NAME+d3; :mod:`kapitza.atomistic.potential_records` says how they were measured).  A
#: calculator not listed: the largest.
SECONDS_PER_ATOM_CALL: RecordTable[float] = RecordTable(
    lambda name, p: [(n, s) for n, s in ((name, p.bonding_seconds), (name + D3_SUFFIX, p.bonding_seconds_d3))
                     if s is not None]
)  # fmt: skip
#: BFGS steps a relaxation of the slab or of a side alone is expected to take, and of a bulk period (the plan's
#: force calls); the shipped table records the steps each pair took.
EXPECTED_STEPS = 60
EXPECTED_PERIOD_STEPS = 15


@result
class BondingPlan:
    """What :func:`pair_bonding` will compute, stated before it starts.

    Attributes
    ----------
    film, substrate : str
        The sides' names.
    planes : str
        "film on substrate" Miller indices.
    cells : tuple of int
        Periods of the substrate (side A) and of the film (side B) in the slab.
    atoms : int
        Atoms of the slab.
    cell_atoms : int
        Atoms of one period of each side in the common cell, together.
    strain : float
        Largest principal in-plane strain of the match (of the lattices as given, before relaxation).
    zone_atoms : int
        Atoms of the two seam zones (each force-constant row costs six force calls on the slab).
    atom_calls : int
        Atoms in the force calls expected, summed.
    seconds : float
        The time expected, s (atom calls times :data:`SECONDS_PER_ATOM_CALL`).
    memory_gb : float
        The largest force call's memory (the potential's model and working memory), GB; NaN where the calculator's
        is not known (a user's calculator).
    structures_per_call : int or None
        Structures a force call of a built-in potential takes at once (CHGNet's batches), as many as the memory
        bound leaves room for; None for a calculator whose memory is not known (its own batching).
    calculator : str
    relaxed : bool
        False: stated from the lattices as given, before any force; True: stated again once the potential's relaxed
        lattices are matched, where their common cell differs from the one first stated (it can be larger: Cu on Sn
        with CHGNet, 216 atoms against the 84 first stated).
    """

    film: str
    substrate: str
    planes: str
    cells: tuple[int, int]
    atoms: int
    cell_atoms: int
    strain: float
    zone_atoms: int
    atom_calls: int
    seconds: float
    memory_gb: float
    structures_per_call: int | None
    calculator: str
    relaxed: bool = False

    _summary_fields: ClassVar[tuple[str, ...]] = ("film", "substrate", "atoms", "seconds", "memory_gb")

    def words(self) -> str:
        """The plan in one line, as a command states it before it starts."""
        memory = "" if math.isnan(self.memory_gb) else f", about {self.memory_gb:.2g} GB"
        minutes = self.seconds / 60.0
        when = f"about {minutes:.0f} min" if minutes >= 1.5 else f"about {self.seconds:.0f} s"
        lattices = "; with the relaxed lattices, restated: " if self.relaxed else ": "
        return (
            f"bonding of {self.film} on {self.substrate} ({self.planes}) with {self.calculator}{lattices}a slab of "
            f"{self.atoms} atoms ({self.cells[0]} + {self.cells[1]} periods), three relaxations and "
            f"{6 * self.zone_atoms} displaced copies; {when} on a 2-core machine{memory}"
        )


@result
class PairBonding:
    """The bonding descriptors of one pair (module docstring) and what they cost.

    Attributes
    ----------
    film, substrate, planes : str
    plan : BondingPlan
        What was stated before the computation.
    bonding : InterfaceBonding
        :func:`kapitza.atomistic.adhesion.interface_bonding` of the slab.
    cells : tuple of int
        Periods of the substrate and of the film.
    cell_atoms : int
    strain : float
        Largest principal in-plane strain of the match of the relaxed lattices.
    seconds : float
        Wall time of the computation, s (when it was computed, not when read from the cache).
    peak_memory : float
        Peak resident memory of the computation, bytes, where ``meter`` measured it, else NaN.
    finished : float
        When it finished, s since the epoch.
    cached : bool
        Read from the cache.
    """

    film: str
    substrate: str
    planes: str
    plan: BondingPlan
    bonding: Any
    cells: tuple[int, int]
    cell_atoms: int
    strain: float
    seconds: float
    peak_memory: float
    finished: float
    cached: bool

    _summary_fields: ClassVar[tuple[str, ...]] = ("film", "substrate", "planes", "bonding", "seconds")


# -- the crystals and the slab ---------------------------------------------------------------------------------------


def _side(spec: Any, name: str | None) -> tuple[Any, str, str | None]:
    """(ase.Atoms, its name, its crystal-table record or None) of a side."""
    from ..atomistic.side import side_structure

    found = side_structure(spec, name)
    return found.atoms, found.label, found.record


def default_planes(film_record: str | None, substrate_record: str | None) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """(film, substrate) planes by the buildable list's rule where both sides are crystal-table records, else
    (0, 0, 1) on both (module docstring)."""
    from ..literature.crystals import CrystalDescription, crystal_for
    from .validation.buildable import film_plane

    if film_record and substrate_record:
        f, s = crystal_for(film_record), crystal_for(substrate_record)
        if isinstance(f, CrystalDescription) and isinstance(s, CrystalDescription):
            return tuple(film_plane(f, s, (0, 0, 1))[0]), (0, 0, 1)
    return (0, 0, 1), (0, 0, 1)


def _indices(text: str) -> tuple[int, int, int]:
    """Miller indices as written: "111", "1-10", "1,0,10"."""
    t = text.strip()
    try:
        if "," in t:
            digits = [int(v) for v in t.split(",")]
        else:
            digits, sign = [], 1
            for c in t:
                if c == "-" and sign == 1:
                    sign = -1
                    continue
                digits.append(sign * int(c))
                sign = 1
    except ValueError:
        raise InputError(f"planes: {text!r} is not three Miller indices (111, 1-10 or 1,0,10)") from None
    if len(digits) != 3 or not any(digits):
        raise InputError(f"planes: {text!r} is not three Miller indices, not all zero")
    return digits[0], digits[1], digits[2]


def _planes(planes: Any, film_record: str | None, substrate_record: str | None) -> tuple[Any, Any]:
    """(film, substrate) Miller indices: given as a pair or as "FILM on SUBSTRATE", or the default rule."""
    if planes is None:
        return default_planes(film_record, substrate_record)
    if isinstance(planes, str):
        parts = planes.split(" on ")
        if len(parts) != 2:
            raise InputError(f"planes must read 'FILM on SUBSTRATE' (e.g. '111 on 001'), got {planes!r}")
        return _indices(parts[0]), _indices(parts[1])
    try:
        film, substrate = ([int(v) for v in p] for p in planes)
    except (TypeError, ValueError):
        raise InputError(
            f"planes must be (film, substrate) Miller indices or 'FILM on SUBSTRATE', got {planes!r}"
        ) from None
    if len(film) != 3 or len(substrate) != 3 or not any(film) or not any(substrate):
        raise InputError(f"planes must be two triples of Miller indices, not all zero, got {planes!r}")
    return tuple(film), tuple(substrate)


def _periods_for(thickness: float, period_angstrom: float) -> int:
    return max(1, math.ceil(thickness / period_angstrom - 1e-9))


def _stack(substrate: Any, film: Any, planes: tuple[Any, Any], thickness: float, max_strain: float,
           max_cell_atoms: int) -> Any:  # fmt: skip
    """The slab's structure: one period of each to find the periods, then the stack with enough of them."""
    from ..atomistic.stacking import stack_crystals

    normal = (planes[1], planes[0])  # side A is the substrate
    kwargs = {"normal": normal, "max_strain": max_strain, "max_atoms": 20 * max_cell_atoms}
    probe = stack_crystals(substrate, film, cells=(1, 1), **kwargs)
    if len(probe.atoms) > max_cell_atoms:
        raise InputError(
            f"the common cell holds {len(probe.atoms)} atoms a period of each side, above the bound of "
            f"{max_cell_atoms} (max_cell_atoms)"
        )
    cells = tuple(_periods_for(thickness, p / 1e-10) for p in probe.periods)
    return stack_crystals(substrate, film, cells=cells, **kwargs), len(probe.atoms)


def _strain(structure: Any) -> float:
    d = structure.description
    return float(max(d["max_strain_a"], d["max_strain_b"]))


def bonding_plan(
    film: Any,
    substrate: Any,
    *,
    planes: Any = None,
    calculator: str | None = None,
    min_thickness_angstrom: float = DEFAULT_MIN_THICKNESS_ANGSTROM,
    max_strain: float = DEFAULT_MAX_STRAIN,
    max_cell_atoms: int = DEFAULT_MAX_CELL_ATOMS,
    max_memory_gb: float | None = None,
    names: tuple[str | None, str | None] = (None, None),
) -> BondingPlan:
    """What :func:`pair_bonding` of the same arguments will compute, and its time and memory, from the crystals as
    given (no force computed: seconds).  The time is the atoms of the force calls expected (:data:`EXPECTED_STEPS`
    BFGS steps a relaxation) times the measured seconds of one force call per atom (:data:`SECONDS_PER_ATOM_CALL`);
    the memory the potential's resident model and the working memory of its largest force call
    (:func:`kapitza.atomistic.calculator_forces.force_call_memory`), its structures a call as many as
    ``max_memory_gb`` (default this machine's memory) leaves room for."""
    from ..atomistic.calculators import DEFAULT_CALCULATOR
    from ..phonons.supercell_plan import memory_limit_gb

    name = DEFAULT_CALCULATOR if calculator is None else str(calculator)
    f_atoms, f_name, f_record = _side(film, names[0])
    s_atoms, s_name, s_record = _side(substrate, names[1])
    chosen = _planes(planes, f_record, s_record)
    thickness = _checks.positive(min_thickness_angstrom, "min_thickness_angstrom", "A")
    structure, cell_atoms = _stack(s_atoms, f_atoms, chosen, thickness, max_strain, max_cell_atoms)
    return _plan(structure, cell_atoms, f_name, s_name, chosen, name, memory_limit_gb(max_memory_gb))


def _plan(
    structure: Any, cell_atoms: int, film: str, substrate: str, planes: Any, name: str, bound: float | None = None,
    relaxed: bool = False,
) -> BondingPlan:  # fmt: skip
    """The plan of ``structure``: its force calls and their time, and the structures a call may take together so that
    the largest call stays within ``bound`` GB (MemoryBoundError where not even one does); ``relaxed``: ``structure``
    is stacked from the potential's relaxed lattices."""
    from ..atomistic.adhesion import (
        DEFAULT_DEPTH_ANGSTROM,
        DEFAULT_HALF_THICKNESS_ANGSTROM,
        bulk_reference,
        seam_zone,
        slab_cell,
    )
    from ..atomistic.calculators import BATCH_ATOMS
    from ..atomistic.call_memory import force_call_memory
    from ..atomistic.stacking import miller_text, period_cells

    slab = slab_cell(structure)
    side = np.asarray(structure.side)
    zone = int(sum(z.size for z in seam_zone(slab, side, DEFAULT_DEPTH_ANGSTROM)))
    n = len(slab)
    periods = period_cells(structure)
    bulk = [bulk_reference(p, DEFAULT_HALF_THICKNESS_ANGSTROM)[0] for p in periods]
    atom_calls = (
        EXPECTED_PERIOD_STEPS * sum(len(p) for p in periods)  # the bulk periods
        + EXPECTED_STEPS * 2 * n  # the slab, and each side alone
        + 6 * (n + sum(len(b) for b in bulk))  # the seam stiffness and the bulk references
        + 6 * zone * n  # the seam's force constants
    )
    rate = SECONDS_PER_ATOM_CALL.get(name, max(SECONDS_PER_ATOM_CALL.values()))
    one = [force_call_memory(name, atoms, structures=1) for atoms in (slab, *bulk)]
    gb, per_call = math.nan, None
    if all(m["known"] for m in one):
        resident, work = max(m["resident"] for m in one), max(m["work"] for m in one)
        per_call = max(1, BATCH_ATOMS // max(n, 1))
        if bound is not None:
            room = int((bound * 1e9 - resident) // work) if work > 0 else per_call
            if room < 1:
                raise MemoryBoundError(
                    f"bonding of {film} on {substrate}: one force call on its {n}-atom slab needs about "
                    f"{(resident + work) / 1e9:.3g} GB, above the bound of {bound:.3g} GB (max_memory_gb)"
                )
            per_call = min(per_call, room)
        gb = (resident + per_call * work) / 1e9
    return BondingPlan(
        film=film, substrate=substrate, planes=f"{miller_text(planes[0])} on {miller_text(planes[1])}",
        cells=(int(structure.cells[0]), int(structure.cells[1])), atoms=n, cell_atoms=int(cell_atoms),
        strain=_strain(structure), zone_atoms=zone, atom_calls=int(atom_calls), seconds=float(atom_calls * rate),
        memory_gb=gb, structures_per_call=per_call, calculator=name, relaxed=relaxed,
    )  # fmt: skip


# -- the computation -------------------------------------------------------------------------------------------------


def pair_bonding(
    film: Any,
    substrate: Any,
    *,
    calculator: str | None = None,
    max_memory_gb: float | None = None,
    planes: Any = None,
    min_thickness_angstrom: float = DEFAULT_MIN_THICKNESS_ANGSTROM,
    max_strain: float = DEFAULT_MAX_STRAIN,
    max_cell_atoms: int = DEFAULT_MAX_CELL_ATOMS,
    spectra: bool = True,
    names: tuple[str | None, str | None] = (None, None),
    cache: bool = True,
    announce: Callable[[BondingPlan], None] | None = None,
    progress: Progress | None = None,
    meter: Callable[[], Callable[[], float]] | None = None,
) -> PairBonding:
    """The bonding descriptors of ``film`` on ``substrate`` with a universal potential (module docstring).

    Parameters
    ----------
    film, substrate : str, path, ase.Atoms or dict
        The two crystals (:func:`kapitza.atomistic.side.side_structure`).
    calculator : str, optional
        A built-in potential (``chgnet``, ``sevennet-l3i5+d3``, ...) or ``module:factory``; default
        :data:`kapitza.atomistic.calculators.DEFAULT_CALCULATOR`.
    max_memory_gb : float, optional
        GB the largest force call may take (default this machine's memory); above it MemoryBoundError.
    planes : (film, substrate) Miller indices or "FILM on SUBSTRATE", optional
        Default: the module docstring's rule.
    min_thickness_angstrom : float
        Least thickness of each side, A (default :data:`DEFAULT_MIN_THICKNESS_ANGSTROM`).
    max_strain : float
        Largest principal in-plane strain of the match of the relaxed lattices (default 3 %, the buildable list's).
    max_cell_atoms : int
        Most atoms of one period of each side in the common cell, together (default 200, the buildable list's).
    spectra : bool
        Compute the seam spectra (the dearest part: six force calls on the slab per zone atom).
    names : (str, str), optional
        The sides' names where the crystals are given as Atoms.
    cache : bool
        Read and write the on-disk cache.
    announce : callable, optional
        ``announce(plan)`` before any force is computed (:class:`BondingPlan`: its time and memory).
    progress : callable, optional
        ``progress(stage, done, total)``.
    meter : callable, optional
        Called before the computation; returns a function called after it that gives the peak memory in bytes
        (a script that measures its process's peak per pair passes one); not called for a cached result.

    Raises
    ------
    InputError
        A crystal that cannot be built or relaxed, elements the potential was not trained on, no common cell
        within the bounds, a calculator that fails.
    MemoryBoundError
        The largest force call would need more than ``max_memory_gb``.
    """
    from ..atomistic.calculators import DEFAULT_CALCULATOR, calculator_source
    from ..phonons.supercell_plan import memory_limit_gb

    source = calculator_source(DEFAULT_CALCULATOR if calculator is None else calculator)
    bound = memory_limit_gb(max_memory_gb)
    thickness = _checks.positive(min_thickness_angstrom, "min_thickness_angstrom", "A")
    strain_bound = _checks.between(max_strain, "max_strain", "", 1e-6, 0.25)
    cap = _checks.count(max_cell_atoms, "max_cell_atoms")
    f_atoms, f_name, f_record = _side(film, names[0])
    s_atoms, s_name, s_record = _side(substrate, names[1])
    chosen = _planes(planes, f_record, s_record)
    given, given_cells = _stack(s_atoms, f_atoms, chosen, thickness, strain_bound, cap)
    plan = _plan(given, given_cells, f_name, s_name, chosen, source.name, bound)
    for atoms, label in ((f_atoms, f_name), (s_atoms, s_name)):  # loads a built-in model: after the cheap refusals
        source.check_elements(atoms.get_chemical_symbols(), label)
    if announce is not None:
        announce(plan)
    parts = {
        "format": CACHE_FORMAT,
        "film": _record(f_atoms),
        "substrate": _record(s_atoms),
        "planes": [list(chosen[0]), list(chosen[1])],
        "calculator": dict(source.identity),
        "settings": [thickness, strain_bound, cap, bool(spectra)],
    }
    state: dict[str, Any] = {}

    def compute() -> dict[str, NDArray[Any]]:
        after = meter() if meter is not None else None
        start = time.perf_counter()
        structure, cell_atoms, bonding = _compute(f_atoms, s_atoms, f_name, s_name, chosen, source, thickness,
                                                  strain_bound, cap, spectra, plan, bound, announce,
                                                  progress)  # fmt: skip
        seconds = time.perf_counter() - start
        peak = after() if after is not None else math.nan
        state["computed"] = True
        return _arrays(bonding, structure, cell_atoms, seconds, peak)

    from ..io.cache import cached_arrays

    stored = cached_arrays("pair-bonding", parts, compute, enabled=cache, check=_sound)
    return _from_arrays(stored, f_name, s_name, plan, source.name, cached="computed" not in state)


def _sound(arrays: dict[str, NDArray[Any]]) -> str | None:
    """A cached entry is read back only with every number finite (the peak memory may be NaN: not measured)."""
    for name, a in arrays.items():
        values = a[:1] if name == "cost" else a  # cost: seconds, peak memory, finished
        if a.dtype.kind == "f" and not np.all(np.isfinite(values)):
            return f"{name!r} is not finite"
    needed = ("work", "separation", "seam", "bulk", "counts", "cost")
    missing = [n for n in needed if n not in arrays]
    return f"it lacks {', '.join(missing)}" if missing else None


def _record(atoms: Any) -> dict[str, Any]:
    """What a side's cache key holds: its numbers, cell and positions (to 1e-9 A) and masses."""
    return {
        "numbers": np.asarray(atoms.numbers),
        "cell": np.round(np.asarray(atoms.cell, dtype=float), 9),
        "positions": np.round(np.asarray(atoms.positions, dtype=float), 9),
        "masses": np.asarray(atoms.get_masses()),
    }


def _compute(
    f_atoms: Any, s_atoms: Any, f_name: str, s_name: str, planes: Any, source: Any, thickness: float,
    max_strain: float, cap: int, spectra: bool, plan: BondingPlan, bound: float | None,
    announce: Callable[[BondingPlan], None] | None, progress: Progress | None,
) -> tuple[Any, int, Any]:  # fmt: skip
    """Relax each side, stack the relaxed lattices and compute the bonding.  Where the relaxed lattices' common cell
    differs from the one ``plan`` stated, the plan is made again on it (its time, and the memory bound checked on the
    slab that will be computed: MemoryBoundError before any force on it) and announced."""
    from ..atomistic.adhesion import interface_bonding
    from ..atomistic.bulk import cached_relaxation, check_crystal

    relaxed = []
    for atoms, label in ((s_atoms, s_name), (f_atoms, f_name)):
        check_crystal(atoms, label)
        relaxed.append(relaxed_lattice(atoms, cached_relaxation(atoms, source, label, progress)[0]))
    try:
        structure, cell_atoms = _stack(relaxed[0], relaxed[1], planes, thickness, max_strain, cap)
    except InputError as exc:
        raise InputError(f"with the lattices {source.name} relaxes: {exc}") from None
    if (tuple(int(c) for c in structure.cells), int(cell_atoms)) != (plan.cells, plan.cell_atoms):
        plan = _plan(structure, cell_atoms, f_name, s_name, planes, source.name, bound, relaxed=True)
        if announce is not None:
            announce(plan)
    bonding = interface_bonding(structure, source, spectra=spectra, max_structures=plan.structures_per_call,
                                progress=progress)  # fmt: skip
    return structure, cell_atoms, bonding


def relaxed_lattice(given: Any, relaxed: Any) -> Any:
    """``given`` on the lattice of ``relaxed`` (its fractional coordinates kept): the stacking's terminations stay
    those of the given crystal.

    Why: a relaxation moves an atom that sits on a face of the cell to just outside it, and the stacking wraps it to
    the opposite face, which moves the period's boundary to another bond.  CHGNet's wurtzite GaN (the crystal table's
    Ga at z = 0, u = 0.375) relaxes to u = 0.377 with the Ga at z = -0.0012 c; wrapped, it tops the period, and GaN
    meets AlN Ga to Al across the seam instead of N to Al (W came out -0.11 J/m^2).  The positions near the seam are
    relaxed in the slab anyway, and each side's bulk reference is its relaxed period."""
    out = given.copy()
    out.calc = None
    out.set_cell(np.asarray(relaxed.cell), scale_atoms=True)
    return out


#: The stages whose wall time is kept.
_STAGES = ("periods", "adhesion", "stiffness", "spectra")


def _arrays(bonding: Any, structure: Any, cell_atoms: int, seconds: float, peak: float) -> dict[str, NDArray[Any]]:
    a, k, s = bonding.adhesion, bonding.stiffness, bonding.spectra
    relax = (a.interface, a.side_a, a.side_b)
    out = {
        "work": np.array(a.work), "area": np.array(a.area), "gap": np.array([a.gap, a.gap_built]),
        "separation": np.array(a.separation), "frozen": np.asarray(a.frozen),
        "energy": np.array([r.energy for r in relax]), "steps": np.array([r.steps for r in relax]),
        "converged": np.array([r.converged for r in relax]), "residual": np.array([r.residual for r in relax]),
        "relaxed_atoms": np.array([r.atoms for r in relax]),
        "seam": np.asarray(k.seam), "bulk": np.asarray(k.bulk), "bulk_periods": np.asarray(k.bulk_periods),
        "step": np.array(k.step),
        "counts": np.array([bonding.atoms, bonding.force_calls, bonding.atom_calls, cell_atoms, *structure.cells]),
        "stage_seconds": np.array([bonding.seconds.get(name, -1.0) for name in _STAGES]),  # -1: a stage not run
        "strain": np.array(_strain(structure)),
        "cost": np.array([seconds, peak, time.time()]),
    }  # fmt: skip
    if s is not None:
        out |= {"overlap": np.array(s.overlap), "omega": np.asarray(s.omega), "ldos": np.asarray(s.ldos),
                "zone_atoms": np.asarray(s.zone_atoms), "imaginary_weight": np.asarray(s.imaginary_weight),
                "spectra_settings": np.array([s.depth, s.broadening])}  # fmt: skip
    return out


def _from_arrays(v: dict[str, NDArray[Any]], film: str, substrate: str, plan: BondingPlan, name: str,
                 cached: bool) -> PairBonding:  # fmt: skip
    from ..atomistic.adhesion import Adhesion, InterfaceBonding, PositionRelaxation, SeamSpectra, SeamStiffness

    relax = [
        PositionRelaxation(energy=float(v["energy"][i]), steps=int(v["steps"][i]), converged=bool(v["converged"][i]),
                   residual=float(v["residual"][i]), atoms=int(v["relaxed_atoms"][i]))
        for i in range(3)
    ]  # fmt: skip
    adhesion = Adhesion(work=float(v["work"]), area=float(v["area"]), interface=relax[0], side_a=relax[1],
                        side_b=relax[2], gap=float(v["gap"][0]), gap_built=float(v["gap"][1]),
                        separation=float(v["separation"]), frozen=v["frozen"])  # fmt: skip
    stiffness = SeamStiffness(seam=v["seam"], bulk=v["bulk"], bulk_periods=v["bulk_periods"].astype(np.int64),
                              step=float(v["step"]))  # fmt: skip
    spectra = None
    if "overlap" in v:
        spectra = SeamSpectra(
            overlap=float(v["overlap"]), omega=v["omega"], ldos=v["ldos"], zone_atoms=v["zone_atoms"].astype(np.int64),
            imaginary_weight=v["imaginary_weight"], depth=float(v["spectra_settings"][0]),
            broadening=float(v["spectra_settings"][1]),
        )  # fmt: skip
    counts = [int(c) for c in v["counts"]]
    seconds = {n: float(t) for n, t in zip(_STAGES, v["stage_seconds"]) if t >= 0}
    bonding = InterfaceBonding(
        adhesion=adhesion, stiffness=stiffness, spectra=spectra, atoms=counts[0], area=float(v["area"]),
        calculator=name, force_calls=counts[1], atom_calls=counts[2], seconds=seconds, settings={},
    )  # fmt: skip
    cost = v["cost"]
    return PairBonding(
        film=film, substrate=substrate, planes=plan.planes, plan=plan, bonding=bonding, cells=(counts[4], counts[5]),
        cell_atoms=counts[3], strain=float(v["strain"]), seconds=float(cost[0]), peak_memory=float(cost[1]),
        finished=float(cost[2]), cached=cached,
    )  # fmt: skip


# -- the shipped table -----------------------------------------------------------------------------------------------

#: The table's columns, in order (units in the names; ratios and the overlap dimensionless).
BONDING_COLUMNS = (
    "film", "substrate", "planes", "rows", "papers", "cell_atoms", "atoms", "cells", "strain",
    "work_of_adhesion_j_m2", "work_of_separation_j_m2", "seam_normal_n_m3", "seam_shear_n_m3",
    "bulk_normal_substrate_n_m3", "bulk_normal_film_n_m3", "ratio_normal_substrate", "ratio_normal_film",
    "ratio_shear_substrate", "ratio_shear_film", "dos_overlap", "gap_nm", "relaxed", "force_calls", "atom_calls",
    "seconds", "peak_memory_mb", "finished", "note",
)  # fmt: skip
NUMBER_COLUMNS = (
    "strain", "work_of_adhesion_j_m2", "work_of_separation_j_m2", "seam_normal_n_m3", "seam_shear_n_m3",
    "bulk_normal_substrate_n_m3", "bulk_normal_film_n_m3", "ratio_normal_substrate", "ratio_normal_film",
    "ratio_shear_substrate", "ratio_shear_film", "dos_overlap", "gap_nm", "seconds", "peak_memory_mb",
)  # fmt: skip
COUNT_COLUMNS = ("rows", "papers", "cell_atoms", "atoms", "force_calls", "atom_calls")


_DOUBT_COLUMNS = (
    "work_of_adhesion_j_m2", "seam_normal_n_m3", "seam_shear_n_m3", "ratio_normal_substrate", "ratio_normal_film",
    "ratio_shear_substrate", "ratio_shear_film",
)  # fmt: skip


#: How the table's ``relaxed`` column begins where the three relaxations converged (written by :func:`table_row`,
#: read by :func:`doubt`).
CONVERGED = "converged"


def doubt(values: dict[str, float], relaxed: str) -> str:
    """Why a computed pair's numbers cannot describe a bonded interface, in words ("" where they can).

    The rules are signs, fixed by the physics rather than by the data: a bonded seam holds its two sides together
    (work of adhesion > 0: a negative one means the one registry and termination built lies above the two free
    slabs, a build that would not form) and is mechanically stable (every seam stiffness and its ratios to the
    bulks > 0: a negative one is an unstable or unconverged seam, or bulk reference); and the three relaxations
    converged (the table's ``relaxed`` says "converged")."""
    said = []
    if not values["work_of_adhesion_j_m2"] > 0:
        said.append(f"work of adhesion {values['work_of_adhesion_j_m2']:.3g} J/m^2 is not > 0 (the built seam "
                    "lies above the free slabs)")  # fmt: skip
    stiff = [n for n in _DOUBT_COLUMNS[1:] if not values[n] > 0]
    if stiff:
        said.append(
            "a stiffness of the seam or its ratio to a bulk is not > 0 ("
            + ", ".join(f"{n} {values[n]:.3g}" for n in stiff)
            + "): an unstable or unconverged seam or bulk reference"
        )
    if not relaxed.startswith(CONVERGED):
        said.append(f"relaxation {relaxed or 'not recorded'}")
    return "; ".join(said)


@result
class BondingDescriptors:
    """The shipped bonding descriptors: one row per buildable pair (film, substrate, planes) of the compilation.

    Attributes
    ----------
    calculator : str
        The potential that computed them.
    provenance : str
        The command, kapitza's version, the commit and the dates.
    columns : Mapping
        Each of :data:`BONDING_COLUMNS` (less film, substrate, planes, cells, relaxed, finished, note) as an array
        of shape (n,): NaN (numbers) or -1 (counts) where the pair has no value.
    film, substrate, planes, cells, relaxed, finished, note : tuple of str, length n
        ``note`` is "" for a computed pair, else why it has no numbers.
    """

    calculator: str
    provenance: str
    columns: Any
    film: tuple[str, ...]
    substrate: tuple[str, ...]
    planes: tuple[str, ...]
    cells: tuple[str, ...]
    relaxed: tuple[str, ...]
    finished: tuple[str, ...]
    note: tuple[str, ...]

    _summary_fields: ClassVar[tuple[str, ...]] = ("calculator", "provenance")

    def __len__(self) -> int:
        return len(self.film)

    def __post_init__(self) -> None:
        n = len(self.film)
        for name in ("substrate", "planes", "cells", "relaxed", "finished", "note"):
            if len(getattr(self, name)) != n:
                raise InputError(f"{name} has {len(getattr(self, name))} entries; expected {n}")
        keys = [(f, s, p) for f, s, p in zip(self.film, self.substrate, self.planes)]
        if len(set(keys)) != n:
            raise InputError("a pair (film, substrate, planes) appears twice")
        done = np.array([not note for note in self.note])
        for name in NUMBER_COLUMNS + COUNT_COLUMNS:
            values = np.asarray(self.columns[name])
            if values.shape != (n,):
                raise InputError(f"column {name} must have shape ({n},)")
        for name in ("work_of_adhesion_j_m2", "work_of_separation_j_m2", "seam_normal_n_m3",
                     "bulk_normal_substrate_n_m3", "bulk_normal_film_n_m3", "seconds"):  # fmt: skip
            v = np.asarray(self.columns[name])[done]
            if not np.all(np.isfinite(v)):
                raise InputError(f"column {name}: a computed pair (empty note) has no finite value")
        positive = np.asarray(self.columns["bulk_normal_substrate_n_m3"])[done]
        if np.any(positive <= 0):
            raise InputError("column bulk_normal_substrate_n_m3: a bulk stiffness must be > 0")
        overlap = np.asarray(self.columns["dos_overlap"])
        if np.any((overlap[np.isfinite(overlap)] < 0) | (overlap[np.isfinite(overlap)] > 1 + 1e-9)):
            raise InputError("column dos_overlap must lie between 0 and 1")

    @property
    def computed(self) -> NDArray[np.bool_]:
        """Pairs with numbers (an empty note), shape (n,)."""
        return np.array([not note for note in self.note], dtype=bool)

    @property
    def doubts(self) -> tuple[str, ...]:
        """Why each computed pair's numbers are not to be used as descriptors (:func:`doubt`), "" where they are
        sound or the pair has none."""
        out = []
        for k in range(len(self)):
            if self.note[k]:
                out.append("")
                continue
            values = {name: float(np.asarray(self.columns[name])[k]) for name in _DOUBT_COLUMNS}
            out.append(doubt(values, self.relaxed[k]))
        return tuple(out)

    @property
    def sound(self) -> NDArray[np.bool_]:
        """Computed pairs whose numbers hold (no :attr:`doubts`), shape (n,)."""
        return self.computed & np.array([not d for d in self.doubts], dtype=bool)

    def row(self, film: str, substrate: str, planes: str | None = None) -> dict[str, Any] | None:
        """The row of a pair as a dict (None where the table has none); ``planes`` needed where the pair is built on
        more than one."""
        found = [k for k in range(len(self)) if self.film[k] == film and self.substrate[k] == substrate
                 and (planes is None or self.planes[k] == planes)]  # fmt: skip
        if not found:
            return None
        if len(found) > 1:
            raise InputError(f"{film} on {substrate} is built on {len(found)} planes: name one of "
                             f"{', '.join(self.planes[k] for k in found)}")  # fmt: skip
        k = found[0]
        out: dict[str, Any] = {name: getattr(self, name)[k] for name in
                               ("film", "substrate", "planes", "cells", "relaxed", "finished", "note")}  # fmt: skip
        out |= {name: np.asarray(self.columns[name])[k].item() for name in NUMBER_COLUMNS + COUNT_COLUMNS}
        return out


def read_bonding_descriptors(text: str, where: str = BONDING_FILE) -> BondingDescriptors:
    """Parse the table (CSV with ``# calculator:`` and ``# provenance:`` comment lines); InputError naming ``where``
    for anything else."""
    from ..io.descriptor_table import read_descriptor_csv

    meta, rows = read_descriptor_csv(text, where, BONDING_COLUMNS)
    if any(None in r or any(v is None for v in r.values()) for r in rows):
        raise InputError(f"{where}: a row has more or fewer fields than the header")

    def column(key: str, kind: type) -> NDArray[Any]:
        try:
            if kind is int:
                return np.array([int(r[key]) if r[key] else -1 for r in rows], dtype=np.int64)
            return np.array([float(r[key]) if r[key] else math.nan for r in rows], dtype=float)
        except ValueError as exc:
            raise InputError(f"{where}: column {key}: {exc}") from None

    columns = {k: column(k, float) for k in NUMBER_COLUMNS} | {k: column(k, int) for k in COUNT_COLUMNS}
    texts = {k: tuple(r[k] for r in rows) for k in ("film", "substrate", "planes", "cells", "relaxed", "finished",
                                                     "note")}  # fmt: skip
    try:
        return BondingDescriptors(calculator=meta["calculator"], provenance=meta["provenance"], columns=columns,
                                  **texts)  # fmt: skip
    except InputError as exc:
        raise InputError(f"{where}: {exc}") from None


@functools.lru_cache(maxsize=2)
def _shipped(name: str) -> BondingDescriptors | None:
    text = shipped_text(name)
    return None if text is None else read_bonding_descriptors(text, where=name)


def shipped_bonding_descriptors() -> BondingDescriptors | None:
    """The package's table, or None where it is not shipped."""
    return _shipped(BONDING_FILE)


def shipped_default_subset() -> BondingDescriptors | None:
    """The default potential's values on a subset of the table's pairs (:data:`DEFAULT_SUBSET_FILE`), or None where
    it is not shipped.  Not read by the estimate: it says how far the table's potential is from the default's."""
    return _shipped(DEFAULT_SUBSET_FILE)


def table_row(found: PairBonding, rows: int = -1, papers: int = -1) -> dict[str, Any]:
    """One computed pair as a row of the table (the script's writer), every column of :data:`BONDING_COLUMNS`."""
    b = found.bonding
    k, s = b.stiffness, b.spectra
    relax = (b.adhesion.interface, b.adhesion.side_a, b.adhesion.side_b)
    converged = all(r.converged for r in relax)
    residual = max(r.residual for r in relax)
    return {
        "film": found.film, "substrate": found.substrate, "planes": found.planes, "rows": rows, "papers": papers,
        "cell_atoms": found.cell_atoms, "atoms": b.atoms, "cells": f"{found.cells[0]}+{found.cells[1]}",
        "strain": found.strain, "work_of_adhesion_j_m2": b.adhesion.work,
        "work_of_separation_j_m2": b.adhesion.separation, "seam_normal_n_m3": k.normal,
        "seam_shear_n_m3": k.shear, "bulk_normal_substrate_n_m3": float(k.bulk[0, 2]),
        "bulk_normal_film_n_m3": float(k.bulk[1, 2]), "ratio_normal_substrate": float(k.ratio_normal[0]),
        "ratio_normal_film": float(k.ratio_normal[1]), "ratio_shear_substrate": float(k.ratio_shear[0]),
        "ratio_shear_film": float(k.ratio_shear[1]), "dos_overlap": math.nan if s is None else s.overlap,
        "gap_nm": b.adhesion.gap * 1e9,
        "relaxed": (CONVERGED if converged else f"not {CONVERGED}") + f" (largest force {residual:.2g} eV/A)",
        "force_calls": b.force_calls, "atom_calls": b.atom_calls, "seconds": found.seconds,
        "peak_memory_mb": found.peak_memory / 1e6, "finished": time.strftime("%Y-%m-%d", time.gmtime(found.finished)),
        "note": "",
    }  # fmt: skip


#: The numbers of a pair's bonding a user reads beside the shipped table (column, words, unit).
BESIDE_COLUMNS = (
    ("work_of_adhesion_j_m2", "work of adhesion", "J/m^2"),
    ("ratio_normal_substrate", "seam/bulk normal stiffness, substrate side", ""),
    ("ratio_normal_film", "seam/bulk normal stiffness, film side", ""),
    ("dos_overlap", "seam spectra overlap", ""),
)


def beside_table(row: Mapping[str, Any], found: BondingDescriptors | None = None) -> tuple[dict[str, Any], ...]:
    """Each of :data:`BESIDE_COLUMNS` of one computed pair (a :func:`table_row`) beside the table's sound pairs
    (``found``, default the shipped table): its value, the table's median and 16th-84th percentiles over its sound
    pairs, their count; only where the table is of the same potential (else the percentiles are NaN, count 0).  A
    number the pair's run did not compute (the seam spectra with ``--no-spectra``) is left out, not shown as NaN."""
    table_ = shipped_bonding_descriptors() if found is None else found
    out = []
    for name, words, unit in BESIDE_COLUMNS:
        if not math.isfinite(float(row[name])):
            continue
        values = np.zeros(0)
        if table_ is not None and table_.calculator == row.get("calculator", table_.calculator):
            values = np.asarray(table_.columns[name], dtype=float)[table_.sound]
            values = values[np.isfinite(values)]
        lo, mid, hi = np.percentile(values, (16, 50, 84)) if values.size else (math.nan,) * 3
        out.append({"name": name, "words": words, "unit": unit, "value": float(row[name]), "median": float(mid),
                    "p16": float(lo), "p84": float(hi), "pairs": int(values.size)})  # fmt: skip
    return tuple(out)


__all__ = [
    "BESIDE_COLUMNS",
    "BONDING_COLUMNS",
    "BONDING_FILE",
    "CACHE_FORMAT",
    "CONVERGED",
    "COUNT_COLUMNS",
    "DEFAULT_SUBSET_FILE",
    "DEFAULT_MIN_THICKNESS_ANGSTROM",
    "NUMBER_COLUMNS",
    "SECONDS_PER_ATOM_CALL",
    "BondingDescriptors",
    "BondingPlan",
    "PairBonding",
    "beside_table",
    "bonding_plan",
    "default_planes",
    "doubt",
    "pair_bonding",
    "read_bonding_descriptors",
    "relaxed_lattice",
    "shipped_bonding_descriptors",
    "shipped_default_subset",
    "table_row",
]
