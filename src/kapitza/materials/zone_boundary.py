"""Measured zone-boundary frequencies of the acoustic branches (``data/zone_boundary.toml``).

>>> from kapitza.materials.zone_boundary import zone_boundary
>>> zone_boundary("Si").la_thz
12.3

Each entry gives the longitudinal (LA) and transverse (TA) acoustic frequency at
one zone-boundary point from inelastic neutron scattering, with its source; the
sine dispersion of :mod:`kapitza.phonons.debye` (``cutoff="sine-zb"``) uses them
as the branch maxima.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from importlib import resources

from ..errors import InputError
from .database import get_material
from .spec import MaterialSpec

__all__ = ["ZoneBoundary", "list_zone_boundaries", "zone_boundary"]

_FILE = ("data", "zone_boundary.toml")
_KEYS = {"point", "la_thz", "ta_thz", "source"}
#: Optional key: the stated relative uncertainty of values not checked against their source.
_OPTIONAL = {"unchecked"}


@dataclass(frozen=True)
class ZoneBoundary:
    """Zone-boundary frequencies of one crystal's acoustic branches.

    Attributes
    ----------
    material : str
        Material name as in the materials database.
    point : str
        Zone-boundary point of the values (e.g. "X").
    la_thz, ta_thz : float
        Frequency (not angular) of the LA and TA branches at ``point``, in THz.
    source : str
        Where the numbers come from.
    unchecked : float
        0 when the values are as their source gives them; otherwise their stated relative uncertainty (not
        checked against the source: every output that uses them says so).
    """

    material: str
    point: str
    la_thz: float
    ta_thz: float
    source: str
    unchecked: float = 0.0


def _entry(name: str, table: object) -> ZoneBoundary:
    where = f"kapitza/materials/data/zone_boundary.toml [{name}]"
    if not isinstance(table, dict) or not _KEYS <= set(table) <= _KEYS | _OPTIONAL:
        raise InputError(f"{where}: expected the keys {', '.join(sorted(_KEYS))} (and optionally unchecked)")
    unchecked = table.get("unchecked", 0.0)
    if isinstance(unchecked, bool) or not isinstance(unchecked, (int, float)) or not 0 <= unchecked < 1:
        raise InputError(f"{where}: unchecked must be a relative uncertainty in [0, 1), got {unchecked!r}")
    la, ta = table["la_thz"], table["ta_thz"]
    for key, value in (("la_thz", la), ("ta_thz", ta)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value < 100:
            raise InputError(f"{where}: {key} must be a frequency between 0 and 100 THz, got {value!r}")
    if not ta < la:
        raise InputError(f"{where}: ta_thz = {ta:g} must be below la_thz = {la:g}")
    return ZoneBoundary(name, str(table["point"]), float(la), float(ta), str(table["source"]), float(unchecked))


@functools.lru_cache(maxsize=1)
def _shipped() -> dict[str, ZoneBoundary]:
    text = resources.files("kapitza.materials").joinpath(*_FILE).read_text(encoding="utf-8")
    tables = tomllib.loads(text).get("zone_boundary", {})
    return {name: _entry(name, table) for name, table in tables.items()}


def list_zone_boundaries() -> tuple[ZoneBoundary, ...]:
    """Every shipped entry, sorted by material name."""
    return tuple(sorted(_shipped().values(), key=lambda z: z.material))


def zone_boundary(material: MaterialSpec) -> ZoneBoundary:
    """Measured zone-boundary frequencies of ``material``.

    Parameters
    ----------
    material : str, os.PathLike or Material
        A database name or alias ("Si", "silicon"), a material file, or a Material
        (:func:`kapitza.materials.get_material`); the values are looked up by the material's name, as
        :func:`kapitza.phonons.sine_spectrum` does.

    Raises
    ------
    InputError
        An unknown material, or no measured values stored for it; the message lists those that have them.
    """
    entries = _shipped()
    material = get_material(material).name
    if material not in entries:
        raise InputError(
            f"no measured zone-boundary frequencies for {material}; cutoff 'sine-zb' needs them and they are "
            f"stored for {', '.join(sorted(entries))} only (use cutoff 'sine' for any material)"
        )
    return entries[material]
