"""What a side of a prediction names, decided once for every caller (:func:`kapitza.predict` and the commands), by
:func:`kapitza.atomistic.side.resolve_side` (one :class:`~kapitza.atomistic.side.Side` per side):

* a material record (:func:`database_material`; a name the database lacks but kapitza's crystal table records,
  3C-SiC or TiN, is refused with the way to it: its phonons need a potential);
* or a crystal to build from its structure, with the default potential where the caller named none and a side is
  not a database material (:func:`default_calculator`);
* and the one rule of a memory bound and of a time bound: they bound a calculator's force constants
  (:func:`memory_bound`, :func:`time_bound`);
* both crystals built from their structures with one calculator, or a side's long waves where the potential refuses
  its phonons (:func:`structure_sides`), the Debye settings both sides then take (:func:`long_wave_settings`) and
  which route of the expected measurement answers then (:func:`long_wave_route`).
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Sequence
from typing import Any

from .. import _checks
from .._progress import Progress
from ..atomistic.side import resolve_side
from ..errors import InputError
from .settings import OptionNames, Settings

__all__ = [
    "database_material",
    "default_calculator",
    "in_database",
    "is_long_waves",
    "long_wave_route",
    "long_wave_settings",
    "memory_bound",
    "phonons_or_long_waves",
    "structure_sides",
    "time_bound",
    "widening_words",
]


def database_material(name: Any, option: str = "--calculator") -> Any:
    """The material record ``name`` names (:meth:`~kapitza.atomistic.side.Side.record`); a name the database lacks
    but kapitza's crystal table records (3C-SiC, TiN, W, ...) is refused with the way to it: its phonons need a
    potential, named as ``option`` (the caller's spelling of ``calculator``)."""
    return resolve_side(name).record(option)


def in_database(side: Any) -> bool:
    """True where ``side`` names a material record (:func:`kapitza.materials.get_material` finds it)."""
    return resolve_side(side).material is not None


def default_calculator(sides: tuple[Any, Any], option: str = "--calculator") -> str | None:
    """The calculator a prediction takes when none is named: None where both sides name material records (or are not
    names at all: a Material, a ready spectrum, a crystal already built); the default potential
    (:data:`~kapitza.atomistic.calculators.DEFAULT_CALCULATOR`) where a named side names no record but a crystal a
    calculator can build (:attr:`~kapitza.atomistic.side.Side.buildable`: a structure file, ``NAME:STRUCTURE:a=...``,
    a crystal the crystal table records) and the ``mlip`` extra is installed; else the database's refusal
    (:meth:`~kapitza.atomistic.side.Side.record`), one line.  ``sides``: two :class:`~kapitza.atomistic.side.Side`
    (anything else is resolved)."""
    found = [resolve_side(s) for s in sides]
    if not all(s.named for s in found) or all(s.material is not None for s in found):
        return None
    for side in found:
        if side.material is not None:
            continue
        if side.parse_error:  # NAME:STRUCTURE:... that the parser refuses: its own words (bounded) say why
            raise InputError(side.parse_error)
        if not side.buildable:
            break
    else:
        if all(importlib.util.find_spec(p) is not None for p in ("sevenn", "dftd3")):
            from ..atomistic.calculators import DEFAULT_CALCULATOR

            return DEFAULT_CALCULATOR
    for side in found:
        side.record(option)  # the refusal, in the database's words (with the way to a calculator)
    return None


def memory_bound(max_memory_gb: Any, calculator: Any, names: Callable[[str], str] = lambda n: f"{n}=") -> float | None:
    """The one rule of ``max_memory_gb``: it bounds a calculator's force constants, so it is refused without one,
    and it is a memory in GB (:func:`kapitza._checks.memory_bound_gb`); None stays None.  ``names`` spells an option
    as the caller types it (``max_memory_gb=``, or ``--max-memory-gb`` on the command line)."""
    if max_memory_gb is None:
        return None
    if calculator is None:
        raise InputError(
            f"{names('max_memory_gb')} bounds the force constants of {names('calculator')}; give "
            f"{names('calculator')} with it"
        )
    return _checks.memory_bound_gb(max_memory_gb, names("max_memory_gb").rstrip("="))


def time_bound(
    max_time: Any, calculator: Any, names: Callable[[str], str] = lambda n: f"{n}=", widening: bool = False
) -> Any:
    """The one rule of ``max_time``: it bounds the stated time of a calculator's force calls, so it is refused without
    one, and it is a duration (:func:`kapitza._checks.duration_seconds`: seconds, or a text such as "5min"); the
    :class:`~kapitza.atomistic.force_cost.TimeBudget` it starts now, or None.  ``names`` spells an option as the
    caller types it.  With ``widening`` (``kapitza predict``) and a calculator but no ``max_time``, the default bound
    on widening only (:meth:`~kapitza.atomistic.force_cost.TimeBudget.widening`)."""
    from ..atomistic.force_cost import TimeBudget

    if max_time is None:
        return TimeBudget.widening() if widening and calculator is not None else None
    if calculator is None:
        raise InputError(
            f"{names('max_time')} bounds the time of the force calls of {names('calculator')}; give "
            f"{names('calculator')} with it"
        )
    return TimeBudget.of(max_time, names("max_time").rstrip("="))


def is_long_waves(side: Any) -> bool:
    """Whether ``side`` is a crystal's long waves standing in for its refused phonons
    (:class:`~kapitza.phonons.long_waves.LongWaveCrystal`)."""
    from ..phonons.long_waves import LongWaveCrystal

    return isinstance(side, LongWaveCrystal)


def structure_sides(
    side1: Any,
    side2: Any,
    calculator: str,
    max_memory_gb: float | None,
    progress: Progress | None,
    budget: Any = None,
) -> tuple[Any, Any]:
    """Both sides built from their structures with one calculator source (its factory called once), both refused or
    accepted for their memory, and their time stated together, before the first one's forces (each crystal states
    its own supercells when it starts): the crystals not in the cache, typical and at most; a crystal in the cache
    costs nothing and is said to be there, and where both are, nothing is said.  ``budget``
    (:class:`~kapitza.atomistic.force_cost.TimeBudget`, from :func:`time_bound`): both crystals' stated typical time
    is checked against it before any force call (TimeBoundError), and it bounds each crystal's widening search; a
    bound on widening only (``kapitza predict``'s default) bounds the search alone, and the statement then says what
    it allows (:func:`widening_words`)."""
    from ..atomistic.calculators import calculator_source
    from ..atomistic.force_cost import binding, duration_words, no_stated_time, say
    from ..phonons.from_structure import phonon_cost

    source = calculator_source(calculator)
    costs = [phonon_cost(side, source, max_memory_gb=max_memory_gb) for side in (side1, side2)]
    if binding(budget) is not None and not all(c.known for c in costs):
        raise no_stated_time(source.name)
    work = [c for c in costs if not c.cached]
    if binding(budget) is not None and work:  # before the statement: a refusal is one line, and it carries the time
        what = " and ".join(c.crystal for c in work)
        budget.check(sum(float(c.seconds() or 0.0) for c in work), f"the phonons of {what} with {source.name}")
    if work and all(c.known for c in costs):
        typical = sum(float(c.seconds() or 0.0) for c in work)
        worst = sum(float(c.seconds(widest=True) or 0.0) for c in work)
        cached = [c.crystal for c in costs if c.cached]
        whose = "the two crystals' phonons" if not cached else f"the phonons of {work[0].crystal}"
        said = f"; {cached[0]} is in the cache (no force call)" if cached else ""
        if budget is not None and budget.widening_only:
            sides = [side for side, c in zip((side1, side2), costs) if not c.cached]
            said = f"; {widening_words(work, sides, source, budget.seconds)}{said}"
            say(f"{whose} with {source.name}: {duration_words(typical)} typical{said}")
        else:
            say(f"{whose} with {source.name}: {duration_words(typical)} typical, at most {duration_words(worst)} "
                f"(every widening tried, relaxations at their bound){said}")  # fmt: skip
    first = phonons_or_long_waves(side1, source, max_memory_gb, progress, budget)
    return first, phonons_or_long_waves(side2, source, max_memory_gb, progress, budget)


def widening_words(costs: Sequence[Any], sides: Sequence[Any], source: Any, seconds: float) -> str:
    """What :meth:`~kapitza.atomistic.force_cost.TimeBudget.widening` (``seconds``) allows the crystals of ``costs``
    (:class:`~kapitza.phonons.supercell_plan.PhononCost`, of ``sides``): where imaginary modes next to Gamma remain in
    the rule's supercell, a wider one starts only within the bound, and past it the long waves stand in (their stated
    typical time, :func:`~kapitza.phonons.elastic.long_wave_seconds`)."""
    from ..atomistic.force_cost import duration_words
    from ..phonons.elastic import long_wave_seconds

    wider = [f"{c.crystal}'s first is stated {duration_words(c.width_seconds(1) or 0.0)}" for c in costs
             if len(c.supercells) > 1]  # fmt: skip
    waves = [long_wave_seconds(side, source) for side in sides]
    long = "not stated" if None in waves else f"{duration_words(sum(float(w or 0.0) for w in waves))} more"
    return (
        f"where imaginary modes next to Gamma remain, a wider supercell starts only within kapitza predict's "
        f"{duration_words(seconds).lstrip('~')} default bound on widening (--max-time, max_time, raises it"
        + (f"; {'; '.join(wider)}" if wider else "; no wider supercell within the memory bound")
        + f"), else the long waves from the elastic constants stand in ({long})"
    )


def phonons_or_long_waves(
    side: Any, source: Any, max_memory_gb: float | None, progress: Progress | None, budget: Any = None
) -> Any:
    """A side's crystal from its structure (:func:`~kapitza.phonons.from_structure.crystal_phonons`), or, where the
    potential refuses its phonons for imaginary frequencies, or the time bound stopped the widening search at a
    supercell that had them (the user asked for an answer within the bound: the long waves are the answer the bound
    allows, scored as such), its long waves from the same potential's elastic constants
    (:func:`~kapitza.phonons.long_waves.long_wave_crystal`; the refusal stands where they are unstable too, or where
    what is left of the bound cannot pay for them).  A memory bound's refusal, a time bound's before any force call,
    and the input's stand.  ``budget`` bounds both (:class:`~kapitza.atomistic.force_cost.TimeBudget`)."""
    from ..errors import DynamicalInstabilityError, TimeBoundError
    from ..phonons.from_structure import crystal_phonons
    from ..phonons.long_waves import long_wave_crystal

    try:
        return crystal_phonons(side, source, max_memory_gb=max_memory_gb, progress=progress, max_time=budget)
    except DynamicalInstabilityError as refusal:
        return long_wave_crystal(side, source, refusal, max_memory_gb=max_memory_gb, progress=progress,
                                 max_time=budget)  # fmt: skip
    except TimeBoundError as stopped:
        if stopped.imaginary_thz is None:  # refused before the search computed anything: nothing to stand in for
            raise
        refusal = DynamicalInstabilityError(str(stopped), stopped.imaginary_thz)
        return long_wave_crystal(side, source, refusal, max_memory_gb=max_memory_gb, progress=progress,
                                 max_time=budget)  # fmt: skip


def long_wave_settings(settings: Settings, names: OptionNames) -> Settings:
    """The Debye settings both sides take where a side's long waves stood in for its phonons
    (:class:`~kapitza.phonons.long_waves.LongWaveCrystal`): a DMM compares the two sides' spectra, so both take one
    dispersion (the other crystal's record is its own phonons' long waves,
    :func:`~kapitza.phonons.derived_record.derived_material`); the cutoff, statistics and inelastic channel kept."""
    return Settings(cutoff=settings.cutoff, statistics=settings.statistics, inelastic=settings.inelastic,
                    option_names=names)  # fmt: skip


def long_wave_route(built: tuple[Any, Any], records: tuple[Any, Any]) -> tuple[str, ...]:
    """Where a side's long waves stood in for its refused phonons (``built``: the two sides as built, ``records``:
    their Material records as the prediction holds them): the names of the sides whose long waves stood in where the
    expected measurement is the long-wave route's (a side is not a database material: the database route learnt
    from database materials, the structure route from the full dispersion of both crystals), or () where both sides
    are database materials (the database route on their own records, measured sound speeds, scored as they are)."""
    from ..phonons.long_waves import LongWaveCrystal

    if all(m.origin == "database" for m in records):
        return ()
    return tuple(c.material.name for c in built if isinstance(c, LongWaveCrystal))
