"""What a side of a prediction names, decided once for every caller (:func:`kapitza.predict` and the commands):

* a database material (:func:`database_material`; a name the database lacks but kapitza's crystal table records,
  3C-SiC or TiN, is refused with the way to it: its phonons need a potential);
* or a crystal to build from its structure, with the default potential where the caller named none and a side is
  not a database material (:func:`default_calculator`);
* and the one rule of a memory bound: it bounds a calculator's force constants (:func:`memory_bound`).
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Callable
from typing import Any

from .. import _checks
from ..errors import InputError

__all__ = ["database_material", "default_calculator", "in_database", "memory_bound"]


def database_material(name: Any, option: str = "--calculator") -> Any:
    """The database material ``name`` (:func:`kapitza.materials.get_material`); a name the database lacks but
    kapitza's crystal table records (3C-SiC, TiN, W, ...) is refused with the way to it: its phonons need a
    potential, named as ``option`` (the caller's spelling of ``calculator``)."""
    from ..materials import get_material

    try:
        return get_material(name)
    except InputError:
        from ..atomistic.side import recorded_crystal

        if isinstance(name, str) and (found := recorded_crystal((name,))) is not None:
            from ..atomistic.calculators import DEFAULT_CALCULATOR

            raise InputError(
                f"{name} is not in the material database, but kapitza's crystal table records its structure "
                f"({found.prototype}): its phonons need a potential: give {option} NAME (e.g. {option} "
                f"{DEFAULT_CALCULATOR})"
            ) from None
        raise


def in_database(side: Any) -> bool:
    """True where ``side`` names a material :func:`kapitza.materials.get_material` finds."""
    from ..materials import get_material

    try:
        get_material(side)
    except InputError:
        return False
    return True


def _buildable(side: str) -> bool:
    """A structure file, ``NAME:STRUCTURE:a=...`` or a crystal the crystal table records (the parser's own refusal of
    a ``NAME:STRUCTURE:...`` it cannot read is raised)."""
    from ..atomistic.bulk import parse_crystal_text
    from ..atomistic.side import recorded_crystal
    from ..io.paths import is_file

    try:
        spec = parse_crystal_text(side)
    except InputError:
        if ":" in side:  # NAME:STRUCTURE:... that the parser refuses: its own words (bounded) say why
            raise
        spec = None
    structure = isinstance(spec, dict) or (is_file(side) and not side.endswith(".toml"))
    return structure or recorded_crystal((side,)) is not None


def default_calculator(sides: tuple[Any, Any], option: str = "--calculator") -> str | None:
    """The calculator a prediction takes when none is named: None where both sides are database materials (or not
    names at all: a Material, a ready spectrum, a crystal already built); the default potential
    (:data:`~kapitza.atomistic.calculators.DEFAULT_CALCULATOR`) where a named side is not in the database but its
    structure can be built (a structure file, ``NAME:STRUCTURE:a=...``, a crystal the crystal table records) and the
    ``mlip`` extra is installed; else the database's refusal (:func:`database_material`), one line."""
    names = [os.fspath(s) if isinstance(s, os.PathLike) else s for s in sides]
    if not all(isinstance(s, str) for s in names) or all(in_database(s) for s in names):
        return None
    if all(in_database(s) or _buildable(s) for s in names):
        if all(importlib.util.find_spec(p) is not None for p in ("sevenn", "dftd3")):
            from ..atomistic.calculators import DEFAULT_CALCULATOR

            return DEFAULT_CALCULATOR
    for side in names:
        database_material(side, option)  # the refusal, in the database's words (with the way to a calculator)
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
