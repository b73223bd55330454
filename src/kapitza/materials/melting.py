"""Melting points at 1 atm of crystals that have no database record (``data/melting.toml``).

>>> from kapitza.materials.melting import melting_point
>>> melting_point(["Xe", "Xe", "Xe", "Xe"]).kelvin
161.4

A crystal kapitza derives from a structure (:mod:`kapitza.phonons.from_structure`) has no record of its melting
point, so a prediction at 300 K for solid xenon (161.4 K) would print numbers for a liquid without a word.  This
table gives the melting point of the elements and of the crystal table's and database's compounds, found by the
crystal's reduced composition, so that the same note a database material gets (:func:`kapitza.prediction.presenter.
validity_notes`) is printed for them too.  The values are the CRC Handbook's (physical constants of inorganic
compounds; for some compounds the decomposition point) as tabulated in the ``chemicals`` package, written by
``scripts/make_melting_table.py``; the package is not needed at run time.  A composition the table lacks has no
melting point: nothing is said for it.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from math import gcd

__all__ = ["MeltingPoint", "melting_point", "reduced_composition"]

_FILE = ("data", "melting.toml")
#: The words every value's source begins with (the table's header says the same); {version}: the chemicals
#: package's version the table was written from (its key ``chemicals``).
SOURCE = (
    "CRC Handbook of Chemistry and Physics, physical constants of inorganic compounds (melting point; for some "
    "compounds the decomposition point), as tabulated in the chemicals package {version} (CalebBell/chemicals, "
    "phase_change.Tm, method CRC_INORG)"
)


@dataclass(frozen=True)
class MeltingPoint:
    """The melting point of one composition.

    Attributes
    ----------
    formula : str
        The formula of the table's entry (e.g. "InP").
    kelvin : float
        Melting point at 1 atm, K.
    source : str
        Where the number comes from, with the CAS number it was looked up by.
    """

    formula: str
    kelvin: float
    source: str


def reduced_composition(symbols: Sequence[str]) -> dict[str, int]:
    """Counts of each element divided by their greatest common divisor: {"Al": 2, "O": 3} for Al4O6."""
    counts = Counter(symbols)
    divisor = 0
    for c in counts.values():
        divisor = gcd(divisor, c)
    return {el: c // divisor for el, c in counts.items()} if divisor else {}


def _symbols(formula: str) -> list[str]:
    """The atoms of a plain formula ("Al2O3" -> Al, Al, O, O, O)."""
    out: list[str] = []
    for element, count in re.findall(r"([A-Z][a-z]?)(\d*)", formula):
        out += [element] * (int(count) if count else 1)
    return out


@functools.cache
def _table() -> dict[frozenset[tuple[str, int]], MeltingPoint]:
    text = resources.files("kapitza.materials").joinpath(*_FILE).read_text(encoding="utf-8")
    data = tomllib.loads(text)
    words = SOURCE.format(version=data["chemicals"])
    table: dict[frozenset[tuple[str, int]], MeltingPoint] = {}
    for formula, entry in data["melting"].items():
        key = frozenset(reduced_composition(_symbols(formula)).items())
        source = f"{words}, CAS {entry['cas']}"
        table.setdefault(key, MeltingPoint(formula=formula, kelvin=float(entry["kelvin"]), source=source))
    return table


def melting_point(symbols: Sequence[str]) -> MeltingPoint | None:
    """The melting point of the crystal whose atoms are ``symbols`` (any cell: matched by reduced composition), or
    None where the table has no entry for it."""
    return _table().get(frozenset(reduced_composition(list(symbols)).items()))
