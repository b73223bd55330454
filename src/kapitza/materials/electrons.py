"""Electron data of metals: Sommerfeld coefficient, Fermi velocity, electron-phonon coupling, lattice conductivity.

The shipped file ``kapitza/materials/data/electrons.toml`` holds one table per
metal of the materials database, each number with a source (its header states
the conventions and how the Sommerfeld coefficients were converted)::

    [metals.Al]
    sommerfeld_gamma = 135.1              # J m^-3 K^-2  (C_e = gamma T)
    fermi_velocity = 2.03e6               # m/s
    electron_phonon_coupling = 2.5e17     # W m^-3 K^-1
    lattice_thermal_conductivity = 6.0    # W m^-1 K^-1

    [metals.Al.sources]
    sommerfeld_gamma = "..."              # one citation for every number given

Every number is optional, but a number without a source, an unknown key, a
value outside its physical range or malformed TOML is refused with one
:class:`~kapitza.errors.InputError` line naming the file, the metal and the
field.  Models that need a missing number raise InputError via
:meth:`ElectronData.require`.

>>> from kapitza.materials.electrons import get_electrons
>>> get_electrons("aluminium").fermi_velocity
2030000.0
"""

from __future__ import annotations

import functools
import math
import os
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any, ClassVar

from kapitza.errors import InputError
from kapitza.io.results import result

from ..io import toml_file
from .database import get_material
from .material import Material

#: A file larger than this is refused before it is parsed, bytes.
MAX_FILE_BYTES = 1_000_000

#: Field -> (lowest, highest, unit, words): the physical range of each number.
ELECTRON_BOUNDS: dict[str, tuple[float, float, str, str]] = {
    "sommerfeld_gamma": (1.0, 1.0e4, "J m^-3 K^-2", "electronic heat-capacity coefficient"),
    "fermi_velocity": (1.0e4, 1.0e7, "m/s", "Fermi velocity"),
    "electron_phonon_coupling": (1.0e14, 1.0e20, "W m^-3 K^-1", "electron-phonon coupling constant"),
    "lattice_thermal_conductivity": (0.01, 1000.0, "W m^-1 K^-1", "lattice (phonon) thermal conductivity"),
}
_SHIPPED = ("data", "electrons.toml")
_METALS = ("data", "metals.toml")


@result
class ElectronData:
    """Electron properties of one metal (SI), each with its source.

    Attributes
    ----------
    name : str
        The metal's name in the materials database (e.g. ``"Al"``).
    sommerfeld_gamma : float or None
        gamma, J m^-3 K^-2: the electronic heat capacity per volume is gamma T.
    fermi_velocity : float or None
        v_F, m/s.
    electron_phonon_coupling : float or None
        g, W m^-3 K^-1: energy per volume, time and kelvin of T_e - T_p passed from electrons to phonons.
    lattice_thermal_conductivity : float or None
        kappa_p, W m^-1 K^-1, the phonon part of the thermal conductivity near 300 K.
    sources : Mapping[str, str]
        Field name -> citation.
    unchecked : Mapping[str, float]
        Field name -> stated relative uncertainty of a value that was not checked against its source (every
        output that uses it says so); fields not listed are as their source gives them.
    origin : str
        ``"database"`` or the file it was read from.
    """

    name: str
    sommerfeld_gamma: float | None = None
    fermi_velocity: float | None = None
    electron_phonon_coupling: float | None = None
    lattice_thermal_conductivity: float | None = None
    sources: Mapping[str, str] | None = None
    unchecked: Mapping[str, float] | None = None
    origin: str = "database"

    _summary_fields: ClassVar[tuple[str, ...]] = ("name", "sommerfeld_gamma", "fermi_velocity")

    def __post_init__(self) -> None:
        if self.sources is None:
            object.__setattr__(self, "sources", {})
        if self.unchecked is None:
            object.__setattr__(self, "unchecked", {})
        for key, value in self.unchecked.items():  # type: ignore[union-attr]
            if key not in ELECTRON_BOUNDS or isinstance(value, bool) or not isinstance(value, (int, float)):
                raise InputError(f"metal {self.name!r}: unchecked.{key} must be a number field's relative uncertainty")
            if not 0 < value < 10:
                raise InputError(f"metal {self.name!r}: unchecked.{key} = {value!r} is not a relative uncertainty")
        for key, (lo, hi, unit, words) in ELECTRON_BOUNDS.items():
            value = getattr(self, key)
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
                raise InputError(f"metal {self.name!r}: {key} must be a finite number, got {value!r}")
            if not lo <= value <= hi:
                raise InputError(
                    f"metal {self.name!r}: {key} = {float(value):g} {unit} is outside the physical range "
                    f"{lo:g} to {hi:g} {unit} ({words})"
                )
            object.__setattr__(self, key, float(value))
            if key not in self.sources:
                raise InputError(f"metal {self.name!r}: {key} has no source; add it under [metals.{self.name}.sources]")

    def require(self, *fields: str) -> tuple[float, ...]:
        """The values of ``fields``, or InputError naming the first one the data lack."""
        out = []
        for key in fields:
            value = getattr(self, key)
            if value is None:
                raise InputError(
                    f"no {ELECTRON_BOUNDS[key][3]} ({key}) is stored for {self.name} in {self.origin}; "
                    f"give the metal's electron data in a file (see kapitza.materials.electrons)"
                )
            out.append(value)
        return tuple(out)


def _metal_from_table(origin: str, name: str, table: Any) -> ElectronData:
    if not isinstance(table, Mapping):
        raise InputError(f"{origin}: metal {name!r}: expected a table, got {type(table).__name__}")
    allowed = {*ELECTRON_BOUNDS, "sources", "unchecked"}
    kwargs: dict[str, Any] = {}
    for key, value in table.items():
        if key not in allowed:
            raise InputError(f"{origin}: metal {name!r}: unknown field {key!r}; allowed: {', '.join(sorted(allowed))}")
        if key == "sources":
            if not isinstance(value, Mapping) or not all(isinstance(v, str) for v in value.values()):
                raise InputError(f"{origin}: metal {name!r}: 'sources' must be a table of strings")
            unknown = sorted(set(value) - set(ELECTRON_BOUNDS))
            if unknown:
                raise InputError(f"{origin}: metal {name!r}: 'sources.{unknown[0]}' is not a number field")
            kwargs["sources"] = dict(value)
        elif key == "unchecked":
            if not isinstance(value, Mapping):
                raise InputError(f"{origin}: metal {name!r}: 'unchecked' must be a table of relative uncertainties")
            kwargs["unchecked"] = dict(value)
        else:
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise InputError(
                    f"{origin}: metal {name!r}: field {key!r}: expected a number, got {type(value).__name__} {value!r}"
                )
            try:
                kwargs[key] = float(value)
            except OverflowError:
                raise InputError(f"{origin}: metal {name!r}: field {key!r} is not a finite number") from None
    try:
        return ElectronData(name=name, origin=origin, **kwargs)
    except InputError as exc:
        raise InputError(f"{origin}: {exc}") from None


def _from_text(text: str, origin: str) -> dict[str, ElectronData]:
    found = toml_file.tables(text, origin, "metals", "metal")
    return {name: _metal_from_table(origin, name, table) for name, table in found.items()}


def load_electrons(path: str | os.PathLike[str]) -> dict[str, ElectronData]:
    """Read a TOML file of electron data (the format of the shipped ``electrons.toml``).

    Parameters
    ----------
    path : str or os.PathLike
        File with one or more ``[metals.<Name>]`` tables (keys and units in the module docstring).

    Returns
    -------
    dict[str, ElectronData]
        Keyed by the table names, in file order.

    Raises
    ------
    InputError
        Missing, unreadable, oversized, non-UTF-8 or invalid TOML file; unknown key; a number that is not a
        number, outside its physical range or without a source.
    """
    p = Path(path)
    text = toml_file.read_text(p, "electron data file", MAX_FILE_BYTES)
    return _from_text(text, str(p))


@functools.lru_cache(maxsize=1)
def _shipped() -> dict[str, ElectronData]:
    resource = resources.files("kapitza.materials").joinpath(*_SHIPPED)
    return _from_text(resource.read_text(encoding="utf-8"), "kapitza/materials/" + "/".join(_SHIPPED))


def list_electron_metals() -> tuple[str, ...]:
    """Names of the metals with shipped electron data, sorted."""
    return tuple(sorted(_shipped()))


@functools.cache
def metallic_elements() -> frozenset[str]:
    """The elements that are metals (pymatgen's ``Element.is_metal``: alkali, alkaline-earth, transition,
    post-transition, lanthanoid and actinoid elements; ``data/metals.toml``, written by
    ``scripts/make_metals_table.py``)."""
    import tomllib

    text = resources.files("kapitza.materials").joinpath(*_METALS).read_text(encoding="utf-8")
    return frozenset(tomllib.loads(text)["metals"])


#: Elements pymatgen calls metals whose database records are not treated as metals: Bi, a semimetal whose few
#: carriers electrons.toml leaves out (neither the Sommerfeld nor the free-electron picture describes them).
SEMIMETALS = frozenset({"Bi"})


def metal_without_electron_data(material: Material) -> bool:
    """True for a material made of one metallic element (:func:`metallic_elements`) for which no electron data are
    shipped: a crystal derived from a structure, a user's record, or a database record without electron data (the
    polycrystal records of W, Ni, Mo, Ta ..., issue 84).  It is a metal (a pair of two metals is carried by
    electrons), but no electron model can be computed for it.  The semimetals of :data:`SEMIMETALS` are not."""
    if material.name in _shipped() or material.formula in SEMIMETALS:
        return False
    return bool(material.formula) and material.formula in metallic_elements()


def get_electrons(metal: str | os.PathLike[str] | Material) -> ElectronData:
    """Shipped electron data of a metal given by name, alias or :class:`Material`.

    Parameters
    ----------
    metal : str, os.PathLike or Material
        Anything :func:`kapitza.materials.get_material` accepts ("Al", "gold", ...).

    Raises
    ------
    InputError
        Unknown material, or a material without electron data (a non-metal, or a metal not shipped).
    """
    material = get_material(metal)
    data = _shipped().get(material.name)
    if data is None:
        known = ", ".join(list_electron_metals())
        raise InputError(
            f"no electron data for {material.name!r}: electron models apply to metals; shipped metals: {known}"
        )
    return data
