r"""Phonons of any bulk crystal from its structure and a force source: read, check, relax, force constants,
stability, and the material record derived from them.

:func:`crystal_phonons` takes one side -- a structure file (CIF, POSCAR, extxyz: anything ``ase.io.read`` reads),
``NAME:STRUCTURE:a=..,c=..`` for ``ase.build.bulk`` (:func:`kapitza.atomistic.bulk.parse_crystal_text`, the syntax
of ``kapitza interface build``), a database material (its ``structure`` and ``lattice_constant``), a name ASE's
``bulk`` knows (its reference lattice constant), ASE ``Atoms`` or a dict of ``ase.build.bulk`` keywords -- and a
:class:`~kapitza.atomistic.calculators.CalculatorSource` (a built-in universal potential or ``module:factory``),
and returns a :class:`StructurePhonons`: a :class:`~kapitza.phonons.harmonic.HarmonicCrystal` that everything
downstream takes unchanged (:func:`~kapitza.phonons.full_dispersion.full_dispersion_spectrum`, the DMM, the
radiation limit, group velocities), the :class:`~kapitza.materials.Material` derived from its phonons
(:func:`~kapitza.phonons.derived_record.derived_material`), and the record of what was done.

The steps
---------
1. *Check* (:func:`kapitza.atomistic.bulk.check_crystal`): atoms, at most
   :data:`~kapitza.atomistic.bulk.MAX_CRYSTAL_ATOMS` of them (a file's stated count before it is read), elements
   H to Es, a 3D periodic non-degenerate cell, ordered sites (partial occupancies refused), no layer without atoms
   thicker than :data:`~kapitza.atomistic.bulk.MAX_GAP_ANGSTROM` (a slab); then the elements against those the
   potential was trained on.
2. *Standardise*: the conventional cell of the space group in spglib's standard orientation (cubic: the cube axes
   along x, y, z; hexagonal and trigonal: a along x, c along z), whatever frame the file used (a CIF of the
   primitive fcc cell read by ASE has its cube axes along no Cartesian axis), so an interface normal (0, 0, 1) is
   [001] of the conventional cell, [0001] of a hexagonal one; and the displacements below are along the
   crystal's conventional axes, which matters for CHGNet, whose force constants depend on the direction of a
   displacement through the non-linearity of its forces (see
   :data:`~kapitza.phonons.supercell_plan.DISPLACEMENT_ANGSTROM`; InP from a primitive CIF in ASE's frame had imaginary
   long-wavelength TA modes, in the standard frame none).
3. *Relax* cell and positions with the calculator, symmetry kept (:func:`kapitza.atomistic.bulk.relax_crystal`;
   ``relax=False`` takes the structure as given, e.g. one relaxed with DFT).
4. *Force constants* with phonopy: finite displacements of the symmetry-distinct atoms by
   :data:`~kapitza.phonons.supercell_plan.DISPLACEMENT_ANGSTROM`, plus and minus, forces from the calculator,
   ``produce_force_constants``, then phonopy's symmetrisation (translational invariance and index permutation), then the
   rotational sum rule that the supercell's cut-off breaks in polar crystals (:mod:`kapitza.phonons.invariance`:
   wurtzite AlN and GaN with CHGNet had imaginary acoustic branches next to Gamma without it).  The cache holds the
   force constants as computed; the sum rule is restored wherever they are used.
5. *Stability* (:func:`~kapitza.phonons.stability.check_stable`): frequencies on a Gamma-centred
   :data:`~kapitza.phonons.stability.STABILITY_MESH` mesh and along the high-symmetry path
   (:func:`kapitza.phonons.bands.high_symmetry_path`); a crystal with imaginary frequencies beyond
   :data:`~kapitza.phonons.harmonic.UNSTABLE_FRACTION` of its highest frequency is refused, with the q-point and the
   frequency (the rule the mode sums apply); and the acoustic frequencies on
   :data:`~kapitza.phonons.stability.LONG_WAVELENGTH_DIRECTIONS` directions at the wave number the continuum limit of
   :mod:`kapitza.phonons.modes` uses must all be positive (its rule: an elastically unstable crystal has no
   long-wavelength limit), so a crystal accepted here is accepted there.  Either failure next to Gamma
   (:data:`~kapitza.phonons.stability.NEAR_GAMMA`) is first taken for the supercell's truncation of the force constants:
   the next wider supercell (up to ``max_supercell_atoms``) is computed, and the crystal refused only if the widest
   still fails; the record's ``widened`` says so; so is an imaginary mode short of the supercell's first commensurate
   wave vector (:func:`~kapitza.phonons.stability.near_gamma`: there only the force constants' interpolation speaks).
   An instability away from Gamma is refused at once.

Everything from step 3 on is cached on disk (:func:`kapitza.io.cache.cached_arrays`) under a key of the structure
(numbers, cell, positions, masses), the calculator's identity (its package version and the SHA-256 of its weights,
or of a user's module) and every setting; a structure refused at any step writes no phonons.  The forces of each
displaced supercell are cached as they come back (:mod:`kapitza.atomistic.force_tasks`, which also sends them to the
workers of a dask cluster where a ``runner`` says so), so an interrupted computation resumes from the supercells it
finished.

The plan before any force -- the conventional cell, the supercell, its memory and the stated time -- is
:mod:`kapitza.phonons.supercell_plan`; the stability check of step 5 is :mod:`kapitza.phonons.stability`; the record
derived from the phonons is :mod:`kapitza.phonons.derived_record`; what a side names and the crystal it names are
:mod:`kapitza.atomistic.side`.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .. import _checks
from .._progress import Progress
from ..atomistic.bulk import (
    FMAX_EV_PER_ANGSTROM,
    MAX_STEPS,
    SYMPREC,
    Relaxation,
    cached_relaxation,
    check_relaxed_cell,
)
from ..atomistic.calculators import CalculatorSource, calculator_source
from ..atomistic.force_cost import TimeBudget, binding, duration_words, enforced, no_stated_time, say
from ..atomistic.side import reduced_formula
from ..errors import DynamicalInstabilityError, MemoryBoundError, TimeBoundError
from ..io.cache import cached_arrays, cached_lookup, every, finite, force_constant_rules
from ..materials import Material
from ..units import ANGSTROM
from . import stability
from . import supercell_plan as plan_
from .derived_record import derived_material
from .harmonic import UNSTABLE_FRACTION, HarmonicCrystal
from .invariance import restore_rotational_sum_rule
from .phonopy_file import import_phonopy

__all__ = ["CACHE_FORMAT", "SEARCH_FORMAT", "PhononSettings", "StructurePhonons", "crystal_phonons", "phonon_cost"]

#: Version of the cached outcome of the widening search (its ``widened`` words included).
SEARCH_FORMAT = 2
#: Version of the cached layout (bump when the arrays or their meaning change).
CACHE_FORMAT = 2


@dataclass(frozen=True)
class StructurePhonons:
    """A crystal from its structure: force constants from a calculator, and the material record they give.

    Attributes
    ----------
    name : str
        The crystal's name: the database name, or the reduced formula of the structure ("InP").
    structure : str
        What the side was, in words ("file InP.cif", "GaN:wurtzite:a=3.19,c=5.19", "database Si (diamond)").
    calculator : str
        The calculator's name ("chgnet", "module:factory").
    calculator_description : str
        The calculator in words, with the citation of its model.
    crystal : HarmonicCrystal
        Force constants set and symmetrised; ``crystal.source`` says how they were made.
    material : Material
        The record derived from the phonons (:func:`~kapitza.phonons.derived_record.derived_material`).
    relaxation : Relaxation or None
        How the cell was relaxed (None with ``relax=False``).
    input_cell : tuple of float
        Conventional lattice parameters before relaxation: a, b, c in A, alpha, beta, gamma in degrees (6 numbers).
    relaxed_cell : tuple of float
        The same after.
    spacegroup : str
        "F-43m (216)".
    supercell : tuple of int
        Multiples of the conventional cell in the supercell.
    supercell_atoms : int
        Atoms in the supercell.
    displacement : float
        Finite-difference step, A.
    lowest_frequency : float
        Lowest frequency found on the stability mesh and path, THz (negative: imaginary, within the tolerance).
    widened : str
        Empty, or why the supercell is wider than the rule's (:data:`~kapitza.phonons.stability.NEAR_GAMMA`): what the
        narrower one gave.
    rotational : str
        Empty, or how the rotational sum rule was restored (:mod:`kapitza.phonons.invariance`): the linear term
        before and after, and the largest change of a force constant.
    memory_gb : float
        The stated peak resident memory of the process for the supercell used, GB
        (:func:`~kapitza.phonons.supercell_plan.supercell_memory`); 0 for a calculator without a measured footprint (a
        user's ``module:factory``: not stated).
    seconds_stated : float
        The stated time of the force calls of the supercell used, s (its displaced supercells times
        :func:`kapitza.atomistic.force_cost.call_seconds`); 0 for a calculator without a measured cost.
    cost : str
        The statement of time and memory made before the first force call
        (:class:`~kapitza.phonons.supercell_plan.PhononCost`), the widening search's worst case included.
    """

    name: str
    structure: str
    calculator: str
    calculator_description: str = field(repr=False)
    crystal: HarmonicCrystal = field(repr=False)
    material: Material = field(repr=False)
    relaxation: Relaxation | None
    input_cell: tuple[float, ...] = field(repr=False)
    relaxed_cell: tuple[float, ...] = field(repr=False)
    spacegroup: str
    supercell: tuple[int, int, int]
    supercell_atoms: int
    displacement: float
    lowest_frequency: float
    widened: str = ""
    rotational: str = ""
    memory_gb: float = 0.0
    seconds_stated: float = 0.0
    cost: str = ""

    def lattice_lines(self) -> list[str]:
        """The relaxed lattice parameters beside the input ones, one line each, equal ones together
        ("a = b = c: 5.4310 -> 5.4610 A (+0.55 %)"); angles only where they changed."""
        out = []
        done: set[int] = set()
        labels = ("a", "b", "c")
        for i in range(3):
            if i in done:
                continue
            before, after = float(self.input_cell[i]), float(self.relaxed_cell[i])
            same = [
                j
                for j in range(i, 3)
                if math.isclose(self.input_cell[j], before, rel_tol=1e-9)
                and math.isclose(self.relaxed_cell[j], after, rel_tol=1e-9)
            ]
            done.update(same)
            name = " = ".join(labels[j] for j in same)
            out.append(f"{name}: {before:.4f} -> {after:.4f} A ({100 * (after / before - 1):+.2f} %)")
        for i, label in zip((3, 4, 5), ("alpha", "beta", "gamma")):
            before, after = float(self.input_cell[i]), float(self.relaxed_cell[i])
            if abs(after - before) > 1e-6:
                out.append(f"{label}: {before:.3f} -> {after:.3f} deg")
        return out


# -- the work ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PhononSettings:
    """The settings of a crystal's phonons from its structure, one record: :func:`crystal_phonons` and its statement
    before the work, :func:`phonon_cost`, take it (or its fields by keyword), so the two cannot drift apart.  Each
    field's meaning is :func:`crystal_phonons`' parameter of that name; the values are checked there."""

    relax: bool = True
    fmax_ev_per_angstrom: float = FMAX_EV_PER_ANGSTROM
    steps: int = MAX_STEPS
    min_width_angstrom: float = plan_.MIN_WIDTH_ANGSTROM
    supercell: int | Sequence[int] | None = None
    displacement_angstrom: float = plan_.DISPLACEMENT_ANGSTROM
    max_supercell_atoms: int = plan_.MAX_SUPERCELL_ATOMS
    max_memory_gb: float | None = None
    cache: bool = True

    @classmethod
    def of(cls, settings: PhononSettings | None, given: Mapping[str, Any], what: str) -> PhononSettings:
        """``settings`` (default: the defaults) with ``given`` (its fields by keyword) put in; InputError for a
        keyword that is no field (``what``: the function, for the message)."""
        return _checks.settings_record(cls, settings, dict(given), "settings", f" of {what}; its settings")


def crystal_phonons(
    side: Any,
    calculator: str | CalculatorSource | None = None,
    *,
    name: str | None = None,
    settings: PhononSettings | None = None,
    progress: Progress | None = None,
    runner: Any = None,
    max_time: Any = None,
    **given: Any,
) -> StructurePhonons:
    """Phonons of a bulk crystal from its structure with a calculator: relaxed, force constants, checked stable.

    Parameters
    ----------
    side : Side, str, path, Material, ase.Atoms or dict
        What the side names, decided once (:func:`~kapitza.atomistic.side.resolve_side`; a
        :class:`~kapitza.atomistic.side.Side` as it is); see :func:`~kapitza.atomistic.side.side_structure`.
    calculator : str or CalculatorSource, optional
        A built-in potential ("chgnet", "chgnet-r2scan", "sevennet", "sevennet-l3i5") or "module:factory";
        default :data:`~kapitza.atomistic.calculators.DEFAULT_CALCULATOR`.
    name : str, optional
        Name of the crystal (default: the database name or the structure's reduced formula).
    settings : PhononSettings, optional
        The settings below (relax ... cache) as one record, the one :func:`phonon_cost` takes; each may also be
        given by keyword (put into ``settings``); a keyword that is none of them is refused in one line.
    relax : bool
        Relax cell and positions first (default); False uses the structure as given.
    fmax_ev_per_angstrom : float
        Relaxation convergence, eV/A (largest residual on atoms and cell).
    steps : int
        Most relaxation steps.
    min_width_angstrom : float
        Supercell rule: smallest perpendicular width, A (ignored with ``supercell``).
    supercell : int or (3,) ints, optional
        Multiples of the conventional cell, instead of the rule.
    displacement_angstrom : float
        Finite-difference step, A.
    max_supercell_atoms : int
        Refuse larger supercells (before any force is computed).
    max_memory_gb : float, optional
        Refuse a supercell whose stated peak resident memory (:func:`~kapitza.phonons.supercell_plan.supercell_memory`,
        per process) is above this, GB, before any force is computed; the widening search stops below it.  Default: this
        machine's memory (:func:`~kapitza.phonons.supercell_plan.machine_memory_gb`). A user's ``module:factory`` has no
        measured footprint: only kapitza's own arrays are counted.
    cache : bool
        Read and write the on-disk cache.
    progress : callable, optional
        ``progress(stage, done, total)`` with stage "relaxation", "displacements" or "stability".
    runner : ForceRunner, optional
        Where the displaced supercells' force calls run (:mod:`kapitza.atomistic.force_tasks`): this process (the
        default) or the tasks of a dask cluster; each supercell's forces are cached by content either way, so an
        interrupted computation resumes from the supercells it finished.
    max_time : float, str or TimeBudget, optional
        A bound on the time of the force calls, s (or a text such as "5min":
        :func:`kapitza._checks.duration_seconds`; a :class:`~kapitza.atomistic.force_cost.TimeBudget` is shared, as
        ``kapitza.predict`` shares one between two crystals).  Before any force call, a crystal whose stated typical
        time (:meth:`~kapitza.phonons.supercell_plan.PhononCost.seconds`: the rule's supercell and its relaxation) is
        above what is left of it is refused (TimeBoundError); the widening search starts no wider supercell whose
        stated time is above what is then left, and refuses the crystal there.  A crystal in the cache costs
        nothing.  A calculator without a measured per-call cost (a user's ``module:factory``) states no time: refused.

    Returns
    -------
    StructurePhonons

    Raises
    ------
    InputError
        A structure that does not parse or is not an ordered periodic crystal; elements the potential was not
        trained on; a relaxation that does not converge; a bad setting.  Nothing is cached then.
    DynamicalInstabilityError
        (an InputError) Imaginary frequencies beyond the tolerance (the message gives the q-point and the frequency,
        ``imaginary_thz`` its magnitude), near Gamma in the widest supercell tried; where the memory bound stopped
        the widening, MemoryBoundError instead (with more memory a wider supercell might be stable), and where
        ``max_time`` stopped it, TimeBoundError with the frequency (with more time a wider supercell might be
        stable; ``kapitza predict`` lets the crystal's long waves stand in then).
    TimeBoundError
        (an InputError) The crystal's stated time is above what is left of ``max_time``, before any force call.
    MissingDependencyError
        The calculator's package (``pip install 'kapitza[mlip]'``), phonopy or ASE.
    """
    import_phonopy()
    from ..atomistic.force_tasks import ForceRunner

    source = calculator if isinstance(calculator, CalculatorSource) else calculator_source(calculator)
    runner = ForceRunner.of(runner)
    chosen = PhononSettings.of(settings, given, "crystal_phonons")
    relax, supercell, cache, max_memory_gb = chosen.relax, chosen.supercell, chosen.cache, chosen.max_memory_gb
    min_width_angstrom, max_supercell_atoms = chosen.min_width_angstrom, chosen.max_supercell_atoms
    step, fmax, n_steps = _numbers(chosen.displacement_angstrom, chosen.fmax_ev_per_angstrom, chosen.steps)
    budget = TimeBudget.of(max_time)
    plan, widths, cost = _planned(side, source, name, relax, fmax, n_steps, step, min_width_angstrom, supercell,
                                  max_supercell_atoms, max_memory_gb, cache, runner)  # fmt: skip
    atoms, label, described, database, conv, pmat, group, n, cap, limit, _ = plan
    cluster_line = ""
    if runner.local_workers:  # the one rule of a local cluster, checked whether or not the cache makes it needed
        found_workers = runner.check_memory(
            source, conv.repeat(n), plan_.displaced_count(conv, pmat),
            main=plan_.supercell_memory(conv, pmat, n, source)[0], max_memory_gb=max_memory_gb,
            what=f"{described}: the force calls' local dask cluster",
        )  # fmt: skip
        cluster_line = f"{runner.where}: {found_workers.statement()}"
    if binding(budget) is not None:  # a widening-only bound (kapitza predict's default) refuses nothing up front
        if not cost.known:
            raise no_stated_time(source.name)
        if not cost.cached:  # before any force call
            budget.check(cost.seconds() or 0.0, f"the phonons of {described} with {source.name}")
    found: dict[str, Any] = {}
    said = {"done": False}

    def announce() -> None:  # before the first force call (a crystal read whole from the cache makes none)
        if not said["done"] and (cost.known or cluster_line):  # a calculator without a measured cost: in the result
            said["done"] = True
            widening = budget.seconds if budget is not None and budget.widening_only else None
            say("; ".join(line for line in (cost.line(widening) if cost.known else "", cluster_line) if line))

    def one(n: tuple[int, int, int]) -> Mapping[str, NDArray[Any]]:
        return _cached(conv, pmat, n, source, described, relax, fmax, n_steps, step, cache, progress, runner,
                       announce)  # fmt: skip

    def refuse(exc: stability.NearGamma, k: int, stopped: str, bound: type[Exception], allow: str) -> Exception:
        """The refusal where the search ends at the ``k``-th width with ``exc``: the potential's own elastic verdict
        where it is unstable (no supercell helps), else ``bound`` (a bound stopped the widening: ``stopped`` says
        what the next width would take; with more of it a wider supercell might be stable) or the potential's."""
        m = widths[k]
        tried = "" if k == 0 else f" (also in the widest supercell tried, {plan_.cells_text(m, len(conv))})"
        unstable, verdict = stability.elastic_verdict(exc.relaxed, source)
        if unstable:  # the potential's own verdict: no supercell helps, whatever the bounds
            return DynamicalInstabilityError(f"{exc}{tried}; refused: {verdict}", exc.imaginary_thz,
                                             elastically_unstable=True)  # fmt: skip
        verdict = f" ({verdict})" if verdict else ""
        words = (
            f"{exc}{tried}; refused: not a minimum of this potential, or its force constants reach beyond "
            f"the supercells {allow}{verdict}{stopped}"
        )
        if stopped:  # the time bound's refusal keeps the frequency: its long waves may stand in (kapitza predict)
            return TimeBoundError(words, exc.imaginary_thz) if bound is TimeBoundError else bound(words)
        return DynamicalInstabilityError(words, exc.imaginary_thz)

    def search() -> dict[str, NDArray[Any]]:
        """The first supercell of ``widths`` with no near-Gamma imaginary modes (stored only when one is found)."""
        widened = ""
        for k, m in enumerate(widths):
            if k > 0 and budget is not None and not _stored(conv, m, source, relax, fmax, n_steps, step, cache):
                need = cost.width_seconds(k) or 0.0
                if need > budget.left():  # the next width would outrun the time bound: the search stops here
                    late = (
                        f"; the next, {plan_.cells_text(m, len(conv))}, is stated {duration_words(need)}"
                        + (" with its relaxation" if relax else "")
                        + f", more than the {max(0.0, budget.left()):.3g} s left of the {budget.words}; raise it"
                    )
                    raise refuse(found["near_gamma"], k - 1, late, TimeBoundError, "max_time allows") from None
            try:
                found["stored"] = one(m)
            except stability.NearGamma as exc:
                if k + 1 == len(widths):  # stopped by the memory bound (``stopped`` says what the next would need)
                    raise refuse(
                        exc, k, cost.stopped, MemoryBoundError, "max_supercell_atoms and max_memory_gb allow"
                    ) from None
                found["near_gamma"] = exc
                widened = (
                    f"widened from {plan_.cells_text(widths[0], len(conv))}, which gave {str(exc).split(': ', 1)[-1]}"
                )
                continue
            return {"supercell": np.array(m), "widened": np.array(widened)}
        raise AssertionError("unreachable: the last width returns or raises")

    if budget is not None:  # the bound holds on the wall clock too: stopped where it runs out, saying where
        progress = budget.watch(progress)
    with enforced(budget, f"the phonons of {described} with {source.name}"):
        if len(widths) == 1:
            choice = {"supercell": np.array(n), "widened": np.array("")}
            if supercell is None:  # the rule's supercell is already the widest the bounds allow: search() words a
                choice = search()  # near-Gamma failure as the refusal it is (its cache is not used for one width)
        else:  # which width the search ends at, cached so a second call reads the accepted supercell at once
            parts, shapes, check = _search_entry(conv, source, relax, fmax, n_steps, step, widths)
            choice = cached_arrays("structure-phonons-search", parts, search, enabled=cache, shapes=shapes, check=check)
        n = (int(choice["supercell"][0]), int(choice["supercell"][1]), int(choice["supercell"][2]))
        stored = found.get("stored") or one(n)
    formula = reduced_formula(atoms.get_chemical_symbols())
    result = _assemble(stored, pmat, n, source, label, described, database, relax, group, step, formula)
    widened = str(choice["widened"])
    if n == plan.supercell:
        memory = plan.memory_gb
    else:  # a wider supercell of the search: within the bound by _wider, so this states it
        memory = plan_.check_memory(conv, pmat, n, source, limit, described, max_memory_gb is not None)
    used = next((c for c in cost.supercells if c.what == f"supercell {plan_.cells_text(n, len(conv))}"), None)
    seconds = 0.0 if used is None or used.seconds is None else float(used.seconds)
    return dataclasses.replace(result, widened=widened, memory_gb=memory, seconds_stated=seconds, cost=cost.line())


def _cached(
    conv: Any,
    pmat: NDArray[np.float64],
    n: tuple[int, int, int],
    source: CalculatorSource,
    described: str,
    relax: bool,
    fmax: float,
    n_steps: int,
    step: float,
    cache: bool,
    progress: Progress | None,
    runner: Any,
    announce: Callable[[], None] | None = None,
) -> Mapping[str, NDArray[Any]]:
    """The stored arrays of one supercell: from the cache, or computed (and stored only if stable); ``announce()``
    is called before the first force call of a computation."""

    def compute() -> dict[str, NDArray[Any]]:
        if announce is not None:
            announce()
        return _compute(conv, pmat, n, source, described, relax, fmax, n_steps, step, progress, runner, cache)

    parts, shapes, check = _phonon_entry(conv, n, source, relax, fmax, n_steps, step)
    return cached_arrays("structure-phonons", parts, compute, enabled=cache, shapes=shapes, check=check)


def _phonon_entry(
    conv: Any, n: tuple[int, int, int], source: CalculatorSource, relax: bool, fmax: float, n_steps: int, step: float
) -> tuple[dict[str, Any], dict[str, tuple[int, ...]], Any]:
    """The cache key, layout and check of one supercell's stored phonons."""
    parts = _parts(conv, source, relax, fmax, n_steps, step) | {"supercell": list(n)}
    m, cells = len(conv), len(conv) * n[0] * n[1] * n[2]
    shapes = {"cell": (3, 3), "positions": (m, 3), "numbers": (m,), "masses": (m,), "input_cell": (6,),
              "force_constants": (cells, cells, 3, 3), "lowest_thz": ()}  # fmt: skip
    if relax:
        shapes |= {"relax_steps": (), "relax_residual": (), "relax_fmax": (), "relax_max_steps": ()}
    return parts, shapes, every(finite, force_constant_rules("force_constants", "phonopy"))


def _search_entry(
    conv: Any,
    source: CalculatorSource,
    relax: bool,
    fmax: float,
    n_steps: int,
    step: float,
    widths: Sequence[tuple[int, int, int]],
) -> tuple[dict[str, Any], dict[str, tuple[int, ...]], Any]:
    """The cache key, layout and check of the widening search's outcome (which width it ended at)."""

    def tried(c: Mapping[str, NDArray[Any]]) -> str | None:  # read back only as one of the widths searched
        return None if tuple(c["supercell"]) in widths else "a supercell the search does not try"

    search = {"widths": [list(m) for m in widths], "search_format": SEARCH_FORMAT, "rules": stability.STABILITY_RULES}
    parts = _parts(conv, source, relax, fmax, n_steps, step) | search
    return parts, {"supercell": (3,), "widened": ()}, tried


def _stored(
    conv: Any,
    n: tuple[int, int, int],
    source: CalculatorSource,
    relax: bool,
    fmax: float,
    n_steps: int,
    step: float,
    cache: bool,
) -> bool:
    """Whether the cache holds the phonons of the ``n`` supercell (read and checked as :func:`_cached` reads them)."""
    if not cache:
        return False
    parts, shapes, check = _phonon_entry(conv, n, source, relax, fmax, n_steps, step)
    return cached_lookup("structure-phonons", parts, shapes=shapes, check=check) is not None


def _planned(
    side: Any,
    source: CalculatorSource,
    name: str | None,
    relax: bool,
    fmax: float,
    n_steps: int,
    step: float,
    min_width: Any,
    supercell: Any,
    max_atoms: Any,
    max_memory_gb: float | None,
    cache: bool,
    runner: Any = None,
) -> tuple[plan_.CrystalPlan, list[tuple[int, int, int]], plan_.PhononCost]:
    """The plan before any force (:func:`kapitza.phonons.supercell_plan.crystal_plan`), the widths the search may try
    (this process's memory and, where ``runner`` has local workers, theirs) and their stated cost, ``cached`` where
    the cache holds the crystal's phonons (the supercell the search ended at where it searched): what
    :func:`crystal_phonons` reads without a force call."""
    plan = plan_.crystal_plan(side, source, name, min_width, supercell, max_atoms, max_memory_gb)
    conv, pmat, n = plan.conventional, plan.primitive_matrix, plan.supercell
    displaced = plan_.displaced_count(conv, pmat) if runner is not None and runner.local_workers else None

    def memory(m: tuple[int, int, int]) -> float:
        here = plan_.supercell_memory(conv, pmat, m, source)[0]
        return here if displaced is None else here + runner.worker_bytes(source, conv.repeat(m), displaced)

    widths, stopped = [n], ""
    if supercell is None:
        widths, stopped = plan_.wider_supercells(conv, n, plan.max_atoms, memory, plan.limit_gb)
    cost = plan_.plan_cost(plan, source, widths, stopped, relax, n_steps)
    chosen: tuple[int, int, int] | None = n
    if cache and len(widths) > 1:
        parts, shapes, check = _search_entry(conv, source, relax, fmax, n_steps, step, widths)
        choice = cached_lookup("structure-phonons-search", parts, shapes=shapes, check=check)
        chosen = None if choice is None else tuple(int(v) for v in choice["supercell"])  # type: ignore[assignment]
    cached = chosen is not None and _stored(conv, chosen, source, relax, fmax, n_steps, step, cache)
    return plan, widths, dataclasses.replace(cost, cached=cached)


def phonon_cost(
    side: Any,
    calculator: str | CalculatorSource | None = None,
    *,
    name: str | None = None,
    settings: PhononSettings | None = None,
    runner: Any = None,
    **given: Any,
) -> plan_.PhononCost:
    """What :func:`crystal_phonons` (same arguments: its :class:`PhononSettings`, whole or by keyword) will state and
    spend before its first force call, without computing anything: :func:`~kapitza.phonons.supercell_plan.planned_cost`
    with the cache consulted, so a crystal whose phonons are in it is ``cached`` and costs nothing (0 s).  ``runner``
    as :func:`crystal_phonons`'s: a local dask cluster's workers count against ``max_memory_gb`` in the widening
    search, as they will in the run (one plan, :func:`_planned`, for both).  Raises InputError as
    :func:`crystal_phonons` would before its first force call."""
    from ..atomistic.force_tasks import ForceRunner

    source = calculator if isinstance(calculator, CalculatorSource) else calculator_source(calculator)
    runner = ForceRunner.of(runner)  # this process's has no local workers: the plan counts none, as before
    s = PhononSettings.of(settings, given, "phonon_cost")
    step, fmax, n_steps = _numbers(s.displacement_angstrom, s.fmax_ev_per_angstrom, s.steps)
    return _planned(side, source, name, s.relax, fmax, n_steps, step, s.min_width_angstrom, s.supercell,
                    s.max_supercell_atoms, s.max_memory_gb, s.cache, runner)[2]  # fmt: skip


def _numbers(displacement_angstrom: Any, fmax_ev_per_angstrom: Any, steps: Any) -> tuple[float, float, int]:
    """The displacement (A), the relaxation's force tolerance (eV/A) and its step bound, checked (> 0)."""
    step = _checks.positive(displacement_angstrom, "displacement_angstrom", "A")
    fmax = _checks.positive(fmax_ev_per_angstrom, "fmax_ev_per_angstrom", "eV/A")
    return step, fmax, int(_checks.positive(steps, "steps", ""))


def _parts(conv: Any, source: CalculatorSource, relax: bool, fmax: float, n_steps: int, step: float) -> dict[str, Any]:
    """The cache key of a crystal's phonons, but for the supercell."""
    return {
        "format": CACHE_FORMAT,
        "numbers": conv.numbers,
        "cell": np.asarray(conv.cell),
        "positions": conv.get_scaled_positions(),
        "masses": conv.get_masses(),
        "calculator": dict(source.identity),
        "relax": bool(relax),
        "fmax": fmax if relax else None,
        "steps": n_steps if relax else None,
        "symprec": SYMPREC,
        "displacement": step,
        "plus_minus": True,
        "unstable_fraction": UNSTABLE_FRACTION,
        "stability_mesh": stability.STABILITY_MESH,
    }


def _compute(
    conv: Any,
    pmat: NDArray[np.float64],
    n: tuple[int, int, int],
    source: CalculatorSource,
    described: str,
    relax: bool,
    fmax: float,
    steps: int,
    step: float,
    progress: Progress | None,
    runner: Any,
    cache: bool = True,
) -> dict[str, NDArray[Any]]:
    """Relaxation, force constants and stability check; the arrays the cache stores (raises before storing).  The
    displaced supercells' forces come from ``runner`` (each cached by content where ``cache``)."""
    source.check_elements(conv.get_chemical_symbols(), described)
    before = np.asarray(conv.cell.cellpar(), dtype=float)
    record: dict[str, NDArray[Any]] = {}
    relaxed = conv
    if relax:  # read back where it was relaxed before: the forces of its displaced supercells are cached by content
        relaxed, done = cached_relaxation(conv, source, described, progress, fmax_ev_per_angstrom=fmax, steps=steps,
                                          cache=cache)  # fmt: skip
        record = {
            "relax_steps": np.array(done.steps),
            "relax_residual": np.array(done.residual),
            "relax_fmax": np.array(done.fmax),
            "relax_max_steps": np.array(done.max_steps),
        }
    ph = plan_.phonopy_of(relaxed, pmat, n)
    ph.generate_displacements(distance=step, is_plusminus=True)
    cells = [_to_ase(c) for c in ph.supercells_with_displacements]
    ph.forces = runner.forces(source, cells, progress=progress, stage="displacements", cache=cache)
    ph.produce_force_constants()
    ph.symmetrize_force_constants()
    fc = np.array(ph.force_constants, dtype=float)  # stored as computed; the sum rule is restored on every use
    ph.force_constants = np.array(restore_rotational_sum_rule(fc, ph).force_constants)
    crystal = HarmonicCrystal(name=described, source="", phonopy=ph)
    lowest = stability.check_stable(crystal, relaxed, described, source, pmat, n, progress)
    out = {
        "cell": np.asarray(relaxed.cell, dtype=float),
        "positions": relaxed.get_scaled_positions(),
        "numbers": np.asarray(relaxed.numbers),
        "masses": relaxed.get_masses(),
        "force_constants": fc,
        "input_cell": before,
        "lowest_thz": np.array(lowest),
    }
    return out | record


def _to_ase(cell: Any) -> Any:
    from ase import Atoms

    return Atoms(symbols=cell.symbols, cell=cell.cell, scaled_positions=cell.scaled_positions, pbc=True)


def _assemble(
    stored: Mapping[str, NDArray[Any]],
    pmat: NDArray[np.float64],
    n: tuple[int, int, int],
    source: CalculatorSource,
    label: str,
    described: str,
    database: Material | None,
    relax: bool,
    group: str,
    step: float,
    formula: str,
) -> StructurePhonons:
    """The result from the stored arrays (the same whether computed now or read from the cache)."""
    from ase import Atoms

    relaxed = Atoms(numbers=stored["numbers"], cell=stored["cell"], scaled_positions=stored["positions"], pbc=True)
    relaxed.set_masses(stored["masses"])
    ph = plan_.phonopy_of(relaxed, pmat, n)
    rotational = restore_rotational_sum_rule(np.asarray(stored["force_constants"], dtype=float), ph)
    ph.force_constants = np.array(rotational.force_constants)
    after = np.asarray(relaxed.cell.cellpar(), dtype=float)
    before = np.asarray(stored["input_cell"], dtype=float)
    record = None
    if relax:  # a stored relaxation meets today's rule too (an entry cached before it was made is not let through)
        check_relaxed_cell(before, after, described)
        record = Relaxation(
            converged=True,
            steps=int(stored["relax_steps"]),
            residual=float(stored["relax_residual"]),
            fmax=float(stored["relax_fmax"]),
            max_steps=int(stored["relax_max_steps"]),
            input_cell=before,
            relaxed_cell=after,
            spacegroup=group,
        )
    n_sc = len(relaxed) * n[0] * n[1] * n[2]
    geometry = (
        f"relaxed a, b, c = {after[0]:.4f}, {after[1]:.4f}, {after[2]:.4f} A (input {before[0]:.4f}, "
        f"{before[1]:.4f}, {before[2]:.4f})"
        if relax
        else f"as given, a, b, c = {after[0]:.4f}, {after[1]:.4f}, {after[2]:.4f} A (not relaxed)"
    )
    source_text = (
        f"{source.description}; {described}, {group}, {geometry}; {n[0]}x{n[1]}x{n[2]} conventional supercell "
        f"({n_sc} atoms), forces on displaced supercells ({step:g} A, plus and minus, phonopy symmetry)"
        + (f"; {rotational.describe()}" if rotational.corrected else "")
    )
    cubic = _is_cubic(after)
    crystal = HarmonicCrystal(
        name=label,
        source=source_text,
        phonopy=ph,
        lattice_constant=after[0] * ANGSTROM if cubic else None,
    )
    material = derived_material(
        crystal, f"{source.name} phonons of {described}", database, conventional=relaxed, formula=formula
    )
    return StructurePhonons(
        name=label,
        structure=described,
        calculator=source.name,
        calculator_description=source.description,
        crystal=crystal,
        material=material,
        relaxation=record,
        input_cell=tuple(float(v) for v in before),
        relaxed_cell=tuple(float(v) for v in after),
        spacegroup=group,
        supercell=n,
        supercell_atoms=n_sc,
        displacement=step,
        lowest_frequency=float(stored["lowest_thz"]),
        rotational=rotational.describe(),
    )


def _is_cubic(cellpar: NDArray[np.float64]) -> bool:
    a, b, c = cellpar[:3]
    return bool(np.allclose([b, c], a, rtol=1e-6) and np.allclose(cellpar[3:], 90.0, atol=1e-6))


#: Names that lived here before the module was split by its concepts (issue 76): each in its own module now.
_MOVED = {
    **dict.fromkeys(("BUILDABLE", "SideStructure", "recorded_crystal", "reduced_formula", "side_structure"),
                    "kapitza.atomistic.side"),
    **dict.fromkeys(("DISPLACED_BYTES_PER_ATOM", "DISPLACEMENT_ANGSTROM", "LIBRARY_BYTES", "MAX_SUPERCELL_ATOMS",
                     "MIN_WIDTH_ANGSTROM", "PhononCost", "bound_words", "conventional_cell", "displaced_count",
                     "machine_memory_gb", "memory_limit_gb", "perpendicular_widths", "planned_cost",
                     "planned_memory_gb", "supercell_gpu_memory", "supercell_memory", "supercell_multiples"),
                    "kapitza.phonons.supercell_plan"),
    **dict.fromkeys(("LONG_WAVELENGTH_DIRECTIONS", "MIN_HIGHEST_THZ", "NEAR_GAMMA", "STABILITY_MESH", "STABILITY_RULES",
                     "fibonacci_directions"), "kapitza.phonons.stability"),
    **dict.fromkeys(("HEAT_CAPACITY_MESH", "METAL_WITHOUT_ELECTRONS", "NO_ELECTRONS", "RECORD_TEMPERATURE",
                     "database_match", "derived_material", "heat_capacity", "record_beyond_phonons", "sound_speeds"),
                    "kapitza.phonons.derived_record"),
}  # fmt: skip


def __getattr__(name: str) -> Any:
    """A name this module held before its split: from its new module, with a DeprecationWarning naming it."""
    from .._moved import moved_name

    return moved_name(__name__, name, _MOVED)
