"""Crystal structures of the materials the measured-conductance compilation names (``data/crystals.toml``).

>>> from kapitza.literature.crystals import crystal_for
>>> crystal_for("Al2O3").spacegroup, crystal_for("Al2O3").cellpar[:3]
(167, (4.757, 4.757, 12.9877))
>>> crystal_for("a-SiO2").reason[:9]
'amorphous'

Every name the compilation uses for a film or substrate has a table: a structure (prototype, space group,
lattice parameters in Angstrom and degrees, one representative position per Wyckoff orbit, the source and
the conditions it states), another name of the same crystal (``same_as``), or the reason no crystal is
built (``left_out``: amorphous, 2D sheets, alloys of varying composition, or no source found).  The
description is plain data, free of ASE; :func:`kapitza.atomistic.prototypes.build` makes the ``ase.Atoms``.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

from ..errors import InputError

__all__ = ["CrystalDescription", "LeftOut", "Position", "crystal_for", "crystal_names"]

_FILE = ("data", "crystals.toml")
_WHERE = "kapitza/literature/data/crystals.toml"

_BUILT_KEYS = {"prototype", "spacegroup", "a", "positions", "formula", "conditions", "source"}
_BUILT_OPTIONAL = {"b", "c", "alpha", "beta", "gamma", "density_kg_m3", "density_source", "note"} | {
    "elastic_constants_gpa",
    "elastic_symmetry",
    "elastic_source",
}
#: The keys of a record's measured elastic constants, which go together.
_ELASTIC_KEYS = {"elastic_constants_gpa", "elastic_symmetry", "elastic_source"}
_POSITION_KEYS = {"element", "wyckoff", "xyz"}


@dataclass(frozen=True)
class Position:
    """One representative atom of a Wyckoff orbit: element symbol, Wyckoff label, reduced coordinates."""

    element: str
    wyckoff: str
    xyz: tuple[float, float, float]


@dataclass(frozen=True)
class CrystalDescription:
    """A crystal structure as data, ready for :func:`kapitza.atomistic.prototypes.build`.

    Attributes
    ----------
    name : str
        The name asked for (the compilation's spelling; ``same_as`` names resolve to their target's data).
    prototype : str
        Structure type in words (e.g. "corundum (D5_1), hexagonal axes").
    spacegroup : int
        International Tables space-group number, in ASE's setting 1.
    cellpar : tuple of 6 float
        a, b, c in Angstrom and alpha, beta, gamma in degrees of the conventional cell.
    positions : tuple of Position
        One atom per Wyckoff orbit, with the free parameters.
    formula : str
        The reduced formula the built crystal must have (e.g. "Al2O3").
    conditions : str
        The temperature of the lattice parameters as the source states it.
    source : str
        What was read and what it cites.
    density_kg_m3 : float
        A measured density, kg m^-3, for checking the structure; NaN where none is recorded.
    density_source : str
        Where that density comes from ("" where none).
    note : str
        Caveats ("" where none).
    elastic_constants_gpa : tuple of (str, float)
        Measured single-crystal elastic constants, GPa, in the standard frame, as (name, value) pairs ("C11",
        "C12", "C44" for cubic; with "C13", "C33" for hexagonal), for a crystal the material database does not
        hold; empty where none is recorded (pairs, not a mapping, so the record stays hashable and copyable;
        :meth:`elastic_constants` gives the mapping).
    elastic_symmetry : str
        Their symmetry ("cubic", "hexagonal", "trigonal"; "" where none).
    elastic_source : str
        Where they come from ("" where none).
    """

    name: str
    prototype: str
    spacegroup: int
    cellpar: tuple[float, float, float, float, float, float]
    positions: tuple[Position, ...]
    formula: str
    conditions: str
    source: str
    density_kg_m3: float = math.nan
    density_source: str = ""
    note: str = ""
    elastic_constants_gpa: tuple[tuple[str, float], ...] = ()
    elastic_symmetry: str = ""
    elastic_source: str = ""

    def elastic_constants(self) -> dict[str, float] | None:
        """The measured elastic constants (GPa) by name, None where none are recorded."""
        return dict(self.elastic_constants_gpa) if self.elastic_constants_gpa else None


@dataclass(frozen=True)
class LeftOut:
    """A compilation name for which no crystal is built, and why."""

    name: str
    reason: str


def _number(value: Any, where: str, key: str, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise InputError(f"{where}: {key} must be a finite number, got {value!r}")
    if not low < value < high:
        raise InputError(f"{where}: {key} must lie in ({low:g}, {high:g}), got {value!r}")
    return float(value)


def _text(value: Any, where: str, key: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InputError(f"{where}: {key} must be a non-empty string, got {value!r}")
    return value


def _cellpar(table: Mapping[str, Any], sg: int, where: str) -> tuple[float, float, float, float, float, float]:
    """a, b, c, alpha, beta, gamma, filling what the lattice system fixes (b = a; gamma = 120 on hexagonal axes)."""
    a = _number(table["a"], where, "a", 0.5, 100.0)
    cubic = sg >= 195
    hexagonal_axes = 143 <= sg <= 194
    tetragonal = 75 <= sg <= 142
    if cubic:
        extra = sorted(set(table) & {"b", "c", "alpha", "beta", "gamma"})
        if extra:
            raise InputError(f"{where}: a cubic space group takes a only, not {extra[0]}")
        return (a, a, a, 90.0, 90.0, 90.0)
    if "c" not in table:
        raise InputError(f"{where}: space group {sg} needs c")
    c = _number(table["c"], where, "c", 0.5, 100.0)
    if hexagonal_axes or tetragonal:
        extra = sorted(set(table) & {"b", "alpha", "beta", "gamma"})
        if extra:
            raise InputError(f"{where}: space group {sg} takes a and c only, not {extra[0]}")
        return (a, a, c, 90.0, 90.0, 120.0 if hexagonal_axes else 90.0)
    b = _number(table.get("b", a), where, "b", 0.5, 100.0)
    angles = tuple(_number(table.get(k, 90.0), where, k, 10.0, 170.0) for k in ("alpha", "beta", "gamma"))
    return (a, b, c, *angles)


def _positions(raw: Any, where: str) -> tuple[Position, ...]:
    if not isinstance(raw, list) or not raw:
        raise InputError(f"{where}: positions must be a non-empty array of tables")
    out = []
    for k, item in enumerate(raw):
        pwhere = f"{where} positions[{k}]"
        if not isinstance(item, Mapping) or set(item) != _POSITION_KEYS:
            raise InputError(f"{pwhere}: expected the keys {', '.join(sorted(_POSITION_KEYS))}")
        xyz = item["xyz"]
        if not isinstance(xyz, list) or len(xyz) != 3:
            raise InputError(f"{pwhere}: xyz must be three reduced coordinates, got {xyz!r}")
        coords = tuple(_number(x, pwhere, "xyz", -1.0, 1.0) for x in xyz)
        element = _text(item["element"], pwhere, "element")
        out.append(Position(element, _text(item["wyckoff"], pwhere, "wyckoff"), coords))
    return tuple(out)


def _entry(name: str, table: Any, tables: Mapping[str, Any]) -> CrystalDescription | LeftOut:
    where = f"{_WHERE} [crystals.{name}]"
    if not isinstance(table, Mapping):
        raise InputError(f"{where}: expected a table")
    if "same_as" in table:
        if set(table) != {"same_as"}:
            raise InputError(f"{where}: a same_as table has no other keys")
        target = _text(table["same_as"], where, "same_as")
        if target not in tables or "same_as" in tables[target]:
            raise InputError(f"{where}: same_as {target!r} must name a table that is not itself a same_as")
        found = _entry(target, tables[target], tables)
        if isinstance(found, LeftOut):
            return LeftOut(name, found.reason)
        return dataclasses.replace(found, name=name)
    if "left_out" in table:
        if set(table) != {"left_out"}:
            raise InputError(f"{where}: a left_out table has no other keys")
        return LeftOut(name, _text(table["left_out"], where, "left_out"))
    missing = sorted(_BUILT_KEYS - set(table))
    unknown = sorted(set(table) - _BUILT_KEYS - _BUILT_OPTIONAL)
    if missing or unknown:
        what = f"missing {', '.join(missing)}" if missing else f"unknown key {unknown[0]!r}"
        raise InputError(f"{where}: {what} (a table is a structure, a same_as or a left_out)")
    sg = table["spacegroup"]
    if isinstance(sg, bool) or not isinstance(sg, int) or not 1 <= sg <= 230:
        raise InputError(f"{where}: spacegroup must be an integer from 1 to 230, got {sg!r}")
    has_density = "density_kg_m3" in table
    if has_density != ("density_source" in table):
        raise InputError(f"{where}: density_kg_m3 and density_source go together")
    elastic = _elastic(table, where)
    return CrystalDescription(
        name=name,
        prototype=_text(table["prototype"], where, "prototype"),
        spacegroup=sg,
        cellpar=_cellpar(table, sg, where),
        positions=_positions(table["positions"], where),
        formula=_text(table["formula"], where, "formula"),
        conditions=_text(table["conditions"], where, "conditions"),
        source=_text(table["source"], where, "source"),
        density_kg_m3=_number(table["density_kg_m3"], where, "density_kg_m3", 100.0, 30000.0)
        if has_density
        else math.nan,
        density_source=_text(table["density_source"], where, "density_source") if has_density else "",
        note=_text(table["note"], where, "note") if "note" in table else "",
        **elastic,
    )


def _elastic(table: Mapping[str, Any], where: str) -> dict[str, Any]:
    """A record's measured elastic constants, checked: the keys its symmetry needs, finite numbers, Born-stable
    (:func:`kapitza.materials.elastic.voigt_matrix` and :func:`~kapitza.materials.elastic.check_stability`)."""
    from ..materials.elastic import check_stability, voigt_matrix
    from ..units import GPA

    present = _ELASTIC_KEYS & set(table)
    if not present:
        return {}
    if present != _ELASTIC_KEYS:
        raise InputError(f"{where}: {', '.join(sorted(_ELASTIC_KEYS))} go together")
    symmetry = _text(table["elastic_symmetry"], where, "elastic_symmetry")
    constants = table["elastic_constants_gpa"]
    if not isinstance(constants, Mapping):
        raise InputError(f"{where}: elastic_constants_gpa must be a table of Voigt constants in GPa")
    values = {str(k): _number(v, where, f"elastic_constants_gpa.{k}", -1e4, 1e4) for k, v in constants.items()}
    try:
        check_stability(voigt_matrix({k: v * GPA for k, v in values.items()}, symmetry), symmetry)
    except InputError as exc:
        raise InputError(f"{where}: elastic_constants_gpa: {exc}") from None
    return {
        "elastic_constants_gpa": tuple(values.items()),
        "elastic_symmetry": symmetry,
        "elastic_source": _text(table["elastic_source"], where, "elastic_source"),
    }


def _parse(text: str) -> dict[str, CrystalDescription | LeftOut]:
    try:
        document = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, RecursionError) as exc:
        raise InputError(f"{_WHERE}: invalid TOML: {exc}") from None
    if set(document) != {"crystals"} or not isinstance(document["crystals"], Mapping) or not document["crystals"]:
        raise InputError(f"{_WHERE}: expected [crystals.<Name>] tables and nothing else")
    tables = document["crystals"]
    return {name: _entry(name, table, tables) for name, table in tables.items()}


@functools.lru_cache(maxsize=1)
def _shipped() -> dict[str, CrystalDescription | LeftOut]:
    return _parse(resources.files("kapitza.literature").joinpath(*_FILE).read_text(encoding="utf-8"))


def crystal_names() -> tuple[str, ...]:
    """Every name with a table (built, same_as or left out), in file order."""
    return tuple(_shipped())


def crystal_for(name: str) -> CrystalDescription | LeftOut:
    """The crystal structure recorded for a compilation name, or the reason none is built.

    Parameters
    ----------
    name : str
        A film or substrate name as the compilation writes it ("Al2O3", "g-C", "a-SiO2", "GaAS").

    Raises
    ------
    InputError
        A name with no table; the message lists the names that have one.
    """
    entries = _shipped()
    if name not in entries:
        raise InputError(f"no crystal recorded for {name!r}; recorded: {', '.join(entries)}")
    return entries[name]
