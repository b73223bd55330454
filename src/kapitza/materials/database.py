"""The shipped materials database and readers for a user's own material files.

File format (TOML, one table per material; the shipped file
``kapitza/materials/data/materials.toml`` is the reference example)::

    [materials.Si]
    aliases = ["silicon"]
    density = 2329.0                  # kg m^-3
    v_l = 8949.0                      # m/s
    v_t = 5344.0                      # m/s (0 for a fluid)
    number_density = 4.994e28         # atoms m^-3 (may be left out if
                                      # mean_atomic_mass_amu is given)
    debye_temperature = 645.0         # K (may be left out: then the elastic
                                      # value from v_l, v_t, number_density)
    thermal_conductivity = 148.0      # W m^-1 K^-1 (leave out where undefined)
    heat_capacity = 1.642e6           # J m^-3 K^-1, volumetric: density * c_p
    mean_atomic_mass_amu = 28.085     # u, converted to kg
    lattice_constant = 5.431e-10      # m

    [materials.Si.elastic_constants_gpa]   # converted to Pa
    symmetry = "cubic"
    C11 = 165.7
    C12 = 63.9
    C44 = 79.56

    [materials.Si.sources]            # field name -> citation
    density = "..."

Optional keys: ``aliases, formula, description, temperature, structure,
sound_speed_average, notes``, and ``[materials.<Name>.alternatives.<label>]``
tables holding other published values of some number fields (SI, the same
keys and ranges as above, no ``mean_atomic_mass``) with a required ``source``
string, kept for comparison and used by no model (e.g. Pb's Voigt-Reuss-Hill
sound speeds beside the measured polycrystalline ones).  Unknown keys are errors, so a typo cannot pass
silently.  Every number must lie in its physical range
(:data:`kapitza.materials.material.BOUNDS`), elastic constants must be
mechanically stable, and anything else (binary or non-UTF-8 content, invalid
or too deeply nested TOML, a folder) is refused with one
:class:`~kapitza.errors.InputError` line.  ``kapitza materials template``
prints a commented example (:func:`kapitza.materials.material_template`).

Conventions of the shipped data:

- crystals: ``v_l`` and ``v_t`` are the Voigt-Reuss-Hill isotropic averages of
  the room-temperature single-crystal elastic constants stored beside them
  (:func:`kapitza.materials.elastic.hill_sound_speeds`, rounded to 4
  significant figures), except where measured polycrystalline speeds are used
  (Pb; ``sound_speed_average`` says so and the Hill values are kept as the
  ``vrh`` alternative); isotropic solids (fused silica): measured speeds;
- ``number_density = density / mean atomic mass``, the mean taken over the
  atoms of the formula unit with IUPAC standard atomic weights;
- Debye temperatures: low-temperature calorimetric values (Kittel for the
  elements) where known; otherwise the elastic value, and the source says so;
- thermal conductivity near 300 K (CRC Handbook for the elements; papers for
  compounds, with the crystal direction where it is anisotropic);
- heat capacity: volumetric, J m^-3 K^-1, the stored density times the
  specific heat c_p at 298.15 K (CRC Handbook for the elements, NIST-JANAF or
  papers for the compounds); each source states the c_p and its unit.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from kapitza import _checks
from kapitza.errors import InputError, did_you_mean
from kapitza.units import AMU, GPA

from ..io import toml_file
from .debye_speeds import DERIVED_SOURCE, debye_temperature_from_speeds
from .elastic import MAX_STIFFNESS, SYMMETRY_KEYS
from .material import ALTERNATIVE_FIELDS, BOUNDS, FLOAT_FIELDS, NUMBER_FIELDS, Alternative, Material, show_number
from .name_faults import name_fault, text_fault

#: A material file larger than this is refused before it is parsed, bytes.
MAX_FILE_BYTES = 10_000_000
#: ``Material.origin`` of the shipped materials.
DATABASE = "database"

#: Number keys of a material table (TOML name); values must be int or float.
_NUMBER_KEYS: frozenset[str] = frozenset(
    {
        *FLOAT_FIELDS,
        "thermal_conductivity",
        "heat_capacity",
        "temperature",
        "mean_atomic_mass_amu",
        "lattice_constant",
        "melting_temperature",
    }
)
_STRING_KEYS: frozenset[str] = frozenset({"formula", "description", "structure", "sound_speed_average", "notes"})
_TABLE_KEYS: frozenset[str] = frozenset({"sources", "elastic_constants_gpa", "alternatives"})
_ALLOWED_KEYS: frozenset[str] = _NUMBER_KEYS | _STRING_KEYS | _TABLE_KEYS | {"aliases"}
_REQUIRED_KEYS: tuple[str, ...] = ("density", "v_l", "v_t")
_SOURCE_KEYS: frozenset[str] = frozenset({*NUMBER_FIELDS, "temperature"})

_SHIPPED = ("data", "materials.toml")

#: Names that must not silently map to one shipped material; the error explains why.
_AMBIGUOUS: dict[str, str] = {
    "alumina": (
        "'alumina' is ambiguous: single-crystal alpha-Al2O3 is 'Al2O3' (sapphire); amorphous or "
        "polycrystalline alumina (e.g. ALD films) differs strongly and is not shipped, so give it as a .toml file"
    ),
    "quartz": ("crystalline quartz is not shipped; 'SiO2' is fused (amorphous) silica. Give quartz as a .toml file"),
    "tin": "'tin' is ambiguous: the element is 'Sn' (or 'white tin'); titanium nitride is 'TiN', typed so",
}


def _normalize(name: str) -> str:
    """Lookup key: lower case, without spaces, hyphens and underscores."""
    return "".join(ch for ch in name.casefold() if ch not in " -_\t")


# -- reading one material table -------------------------------------------


class _Where:
    """Prefix for error messages: which file, which material."""

    def __init__(self, origin: str, name: str) -> None:
        self.origin, self.name = origin, name

    def error(self, field_name: str, message: str) -> InputError:
        return InputError(f"{self.origin}: material {self.name!r}: field {field_name!r}: {message}")


def _number(where: _Where, key: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise where.error(key, f"expected a number, got {type(value).__name__} {value!r}")
    try:
        return float(value)
    except OverflowError:
        raise where.error(key, f"{show_number(value)} is not a finite number") from None


def _string_table(where: _Where, key: str, value: Any) -> dict[str, str]:
    if not isinstance(value, Mapping):
        raise where.error(key, f"expected a table, got {type(value).__name__} {value!r}")
    for k, v in value.items():
        if not isinstance(v, str):
            raise where.error(f"{key}.{k}", f"expected a string, got {type(v).__name__} {v!r}")
    return dict(value)


def _elastic(where: _Where, value: Any) -> tuple[dict[str, float], str]:
    key = "elastic_constants_gpa"
    if not isinstance(value, Mapping):
        raise where.error(key, f"expected a table, got {type(value).__name__} {value!r}")
    table = dict(value)
    symmetry = table.pop("symmetry", None)
    if not isinstance(symmetry, str) or symmetry not in SYMMETRY_KEYS:
        raise where.error(f"{key}.symmetry", f"got {symmetry!r}; allowed: {', '.join(SYMMETRY_KEYS)}")
    constants = {}
    limit = MAX_STIFFNESS / GPA
    for k, v in table.items():
        number = _number(where, f"{key}.{k}", v)
        if not abs(number) <= limit:
            raise where.error(f"{key}.{k}", f"{number:g} GPa is outside the physical range -{limit:g} to {limit:g} GPa")
        constants[k] = number * GPA
    return constants, symmetry


def _alternatives(where: _Where, value: Any) -> tuple[Alternative, ...]:
    """``[materials.<Name>.alternatives.<label>]`` tables: numbers (file units = SI here) and a source string."""
    key = "alternatives"
    if not isinstance(value, Mapping):
        raise where.error(key, f"expected a table of [{key}.<label>] tables, got {type(value).__name__} {value!r}")
    out = []
    for label, table in value.items():
        here = f"{key}.{label}"
        if not isinstance(table, Mapping):
            raise where.error(here, f"expected a table, got {type(table).__name__} {table!r}")
        source = table.get("source")
        if not isinstance(source, str) or not source.strip():
            raise where.error(f"{here}.source", "every alternative needs a non-empty source string")
        numbers = {}
        for k, v in table.items():
            if k == "source":
                continue
            if k not in ALTERNATIVE_FIELDS or k == "mean_atomic_mass":
                allowed = ", ".join(f for f in ALTERNATIVE_FIELDS if f != "mean_atomic_mass")
                raise where.error(f"{here}.{k}", f"not a field that can have an alternative value; allowed: {allowed}")
            numbers[k] = _in_bounds(where, f"{here}.{k}", k, _number(where, f"{here}.{k}", v))
        if not numbers:
            raise where.error(here, "give at least one value beside the source")
        out.append(Alternative(label, numbers, source))
    return tuple(out)


def _mean_atomic_mass(where: _Where, amu: float) -> float:
    """mean_atomic_mass_amu (u) -> kg, refused outside the physical range before anything divides by it."""
    lo, hi, _ = BOUNDS["mean_atomic_mass"]
    if not lo / AMU <= amu <= hi / AMU:
        raise where.error(
            "mean_atomic_mass_amu", f"{amu:g} u is outside the physical range {lo / AMU:g} to {hi / AMU:g} u"
        )
    return amu * AMU


def _check_keys(where: _Where, table: Mapping[str, Any]) -> None:
    for key in table:
        if key not in _ALLOWED_KEYS:
            hint = did_you_mean(key, {k: repr(k) for k in sorted(_ALLOWED_KEYS)}, key=key, n=1) or "."
            raise where.error(key, f"unknown field{hint} Allowed: {', '.join(sorted(_ALLOWED_KEYS))}")
    for key in _REQUIRED_KEYS:
        if key not in table:
            raise where.error(key, "required field is missing")
    if "number_density" not in table and "mean_atomic_mass_amu" not in table:
        raise where.error("number_density", "required field is missing (or give mean_atomic_mass_amu)")


def _in_bounds(where: _Where, label: str, key: str, value: float) -> float:
    """``value`` if it lies in :data:`BOUNDS` of ``key``; otherwise the InputError naming ``label``."""
    lo, hi, unit = BOUNDS[key]
    if not lo <= value <= hi:
        raise where.error(label, f"{value:g} {unit} is outside the physical range {lo:g} to {hi:g} {unit}")
    return value


def _derive_debye_temperature(where: _Where, kwargs: dict[str, Any]) -> None:
    """Put the elastic Debye temperature into ``kwargs`` from the speeds and number density given, and say so in
    its source; a missing or unphysical input is reported against its own field first."""
    for key in ("v_l", "v_t", "number_density"):
        if not (key == "v_t" and kwargs[key] == 0.0):  # v_t = 0 marks a fluid
            _in_bounds(where, key, key, kwargs[key])
    kwargs["debye_temperature"] = debye_temperature_from_speeds(kwargs["v_l"], kwargs["v_t"], kwargs["number_density"])
    kwargs["sources"] = {**kwargs.get("sources", {}), "debye_temperature": DERIVED_SOURCE}


def _material_from_table(origin: str, name: str, table: Any, source: str) -> Material:
    """Build a Material from one ``[materials.<name>]`` table (file units); ``source`` becomes its ``origin``."""
    where = _Where(origin, name)
    if not isinstance(table, Mapping):
        raise InputError(f"{origin}: material {name!r}: expected a table, got {type(table).__name__}")
    _check_keys(where, table)
    kwargs: dict[str, Any] = {}
    for key, value in table.items():
        if key in _NUMBER_KEYS:
            kwargs[key] = _number(where, key, value)
        elif key in _STRING_KEYS:
            if not isinstance(value, str):
                raise where.error(key, f"expected a string, got {type(value).__name__} {value!r}")
            kwargs[key] = value
        elif key == "aliases":
            if not isinstance(value, list) or not all(isinstance(a, str) for a in value):
                raise where.error(key, f"expected a list of strings, got {value!r}")
            kwargs[key] = tuple(value)
        elif key == "sources":
            kwargs[key] = _string_table(where, key, value)
            unknown = sorted(set(kwargs[key]) - _SOURCE_KEYS)
            if unknown:
                raise where.error(
                    f"sources.{unknown[0]}", f"not a number field; allowed: {', '.join(sorted(_SOURCE_KEYS))}"
                )
        elif key == "elastic_constants_gpa":
            kwargs["elastic_constants"], kwargs["elastic_symmetry"] = _elastic(where, value)
        elif key == "alternatives":
            kwargs["alternatives"] = _alternatives(where, value)
    if "mean_atomic_mass_amu" in kwargs:
        kwargs["mean_atomic_mass"] = _mean_atomic_mass(where, kwargs.pop("mean_atomic_mass_amu"))
        if "number_density" not in kwargs:
            _in_bounds(where, "density", "density", kwargs["density"])  # checked here too: n is derived from it
            kwargs["number_density"] = kwargs["density"] / kwargs["mean_atomic_mass"]
            kwargs["sources"] = {
                **kwargs.get("sources", {}),
                "number_density": "derived here: density / mean atomic mass",
            }
    if "debye_temperature" not in kwargs:
        _derive_debye_temperature(where, kwargs)
    try:
        return Material(name=name, origin=source, **kwargs)
    except InputError as exc:
        raise InputError(f"{origin}: {exc}") from None


def _materials_from_text(text: str, origin: str, source: str) -> dict[str, Material]:
    found = toml_file.tables(text, origin, "materials", "material")
    return {name: _material_from_table(origin, name, table, source) for name, table in found.items()}


def load_materials(path: str | os.PathLike[str]) -> dict[str, Material]:
    """Read a TOML file of materials (the format of the shipped database).

    Parameters
    ----------
    path : str or os.PathLike
        File holding one or more ``[materials.<Name>]`` tables (see the module
        docstring for the keys and their units).

    Returns
    -------
    dict[str, Material]
        Materials keyed by their table names, in file order.

    Each material's ``origin`` is the path as given.

    Raises
    ------
    InputError
        The file is missing, a folder, unreadable, too large, not UTF-8 text
        or not valid TOML, or a material has a missing, unknown, mistyped or
        unphysical field; the message names the file, the material and the
        field.
    """
    p = Path(path)
    text = toml_file.read_text(p, "material file", MAX_FILE_BYTES)
    return _materials_from_text(text, str(p), str(p))


# -- the shipped database --------------------------------------------------


@functools.lru_cache(maxsize=1)
def _shipped() -> dict[str, Material]:
    resource = resources.files("kapitza.materials").joinpath(*_SHIPPED)
    return _materials_from_text(
        resource.read_text(encoding="utf-8"), "kapitza/materials/" + "/".join(_SHIPPED), DATABASE
    )


def list_materials() -> tuple[Material, ...]:
    """Every material of the shipped database, sorted by name.

    Returns
    -------
    tuple[Material, ...]
        Read once from ``kapitza/materials/data/materials.toml`` and cached.
    """
    return tuple(sorted(_shipped().values(), key=lambda m: m.name))


def _index(materials: Mapping[str, Material]) -> dict[str, tuple[Material, str]]:
    """Normalized name or alias -> (material, the spelling that matched)."""
    index: dict[str, tuple[Material, str]] = {}
    for m in materials.values():
        for label in (m.name, *m.aliases):
            index.setdefault(_normalize(label), (m, label))
    return index


@functools.lru_cache(maxsize=1)
def _shipped_index() -> dict[str, tuple[Material, str]]:
    return _index(_shipped())


def _suggestion(query: str, index: Mapping[str, tuple[Material, str]]) -> str:
    """Return "; did you mean 'Si' (silicon)?", or "" when no name is close (:func:`kapitza.errors.did_you_mean`)."""
    offered = {key: repr(m.name) + ("" if label == m.name else f" ({label})") for key, (m, label) in index.items()}
    owner = {key: m.name for key, (m, _) in index.items()}
    return did_you_mean(query, offered, key=_normalize(query), group=owner)


def _lookup(
    query: str, materials: Mapping[str, Material], index: Mapping[str, tuple[Material, str]], where: str
) -> Material:
    if query.strip() in materials:  # the exact name first: "TiN" is titanium nitride, "tin" is ambiguous
        return materials[query.strip()]
    if _normalize(query) in _AMBIGUOUS and not where:
        raise InputError(f"unknown material {query!r}: {_AMBIGUOUS[_normalize(query)]}")
    hit = index.get(_normalize(query))
    if hit is not None:
        return hit[0]
    if _normalize(query) in _AMBIGUOUS and not where:
        raise InputError(f"unknown material {query!r}: {_AMBIGUOUS[_normalize(query)]}")
    fault = name_fault(query, (label for _, label in index.values()))
    if fault is not None:
        raise InputError(f"unknown material {_checks.quoted(query)}{where}: {fault}")
    if len(query) > MAX_SHOWN_NAME:  # a name that long is no material's: quote its start and its length only, and
        # count the known names rather than list them (the line stays short however many records the database holds)
        shown = f"{query[:40]!r}... ({len(query):,} characters)"
        raise InputError(f"unknown material {shown}{where}: kapitza materials list shows the {len(materials)} known")
    known = ", ".join(sorted(m.name for m in materials.values()))
    suggestion = _suggestion(query, index) or "."
    raise InputError(f"unknown material {query!r}{where}{suggestion} Known: {known}")


#: Longest material name an error message quotes whole (the longest shipped name or alias is far shorter).
MAX_SHOWN_NAME = 80


def _split_path_spec(spec: str | os.PathLike[str]) -> tuple[Path, str | None] | None:
    """(path, selected name) if ``spec`` names a TOML file, else None."""
    if isinstance(spec, os.PathLike):
        return Path(spec), None
    text = spec.strip()
    if text.lower().endswith(".toml"):
        return Path(text), None
    head, sep, tail = text.rpartition(":")
    if sep and head.lower().endswith(".toml"):
        return Path(head), tail.strip()
    if os.sep in text or (os.altsep and os.altsep in text):
        return Path(text), None
    return None


def material_file(spec: str | os.PathLike[str]) -> Path | None:
    """The file a material spec names (``"mine.toml"``, ``"mine.toml:Name"``, any text with a path separator), or
    None for a database name: what :func:`get_material` would open, for a reader that must confine it first
    (:func:`kapitza.io.paths.confined`)."""
    found = _split_path_spec(spec)
    return None if found is None else found[0]


def _from_file(path: Path, selected: str | None) -> Material:
    from ..io.paths import is_file

    if not is_file(path) and os.path.isdir(path):
        raise InputError(f"material file {str(path)!r} is a folder; give a .toml file")
    if not is_file(path):
        raise InputError(f"material file {str(path)!r} does not exist")
    materials = load_materials(path)
    if selected is not None:
        return _lookup(selected, materials, _index(materials), f" in {str(path)!r}")
    if len(materials) > 1:
        names = ", ".join(materials)
        raise InputError(f"{str(path)!r} holds {len(materials)} materials ({names}); pick one with '{path}:<Name>'")
    return next(iter(materials.values()))


def get_material(spec: str | os.PathLike[str] | Material) -> Material:
    """Find a material by name, alias or file.

    Parameters
    ----------
    spec : str, os.PathLike or Material
        - a :class:`Material`: returned unchanged;
        - a name or alias from the shipped database, matched ignoring case,
          spaces, hyphens and underscores ("silicon", "he-4", "Fused Silica");
        - a path to a ``.toml`` file holding one material, or
          ``"path.toml:Name"`` to pick one of several.

    Returns
    -------
    Material

    Raises
    ------
    InputError
        Unknown name (the message suggests close matches and lists the known
        names), missing file, a file with several materials and no
        ``:Name``, or a malformed file.
    """
    if isinstance(spec, Material):
        return spec
    if not isinstance(spec, (str, os.PathLike)):
        raise InputError(f"a material is given as a name, a .toml path or a Material; got {type(spec).__name__}")
    fault = text_fault(os.fspath(spec))
    if fault is not None:
        raise InputError(f"material {_checks.quoted(os.fspath(spec))}: {fault}")
    _refuse_structure(spec)
    path_spec = _split_path_spec(spec)
    if path_spec is not None:
        return _from_file(*path_spec)
    return _lookup(str(spec), _shipped(), _shipped_index(), "")


#: Endings of crystal structure files (read by ``ase.io.read``), which hold atoms, not a material record.
STRUCTURE_ENDINGS = (".cif", ".vasp", ".poscar", ".xyz", ".extxyz", ".json", ".in", ".data", ".lmp")


def _refuse_structure(spec: str | os.PathLike[str]) -> None:
    """A crystal structure (a structure file, POSCAR/CONTCAR, or ``NAME:STRUCTURE:a=...``) is not a material record:
    its Debye numbers are unknown, and its phonons need a potential.  Say so instead of 'invalid TOML'."""
    text = os.fspath(spec).strip()
    name = os.path.basename(text).upper()
    structure_file = text.lower().endswith(STRUCTURE_ENDINGS) or name.startswith(("POSCAR", "CONTCAR"))
    spec_text = not text.lower().endswith(".toml") and re.search(r":[A-Za-z0-9_-]+:.*=", text) is not None
    if structure_file or spec_text:
        raise InputError(
            f"{text} is a crystal structure, not a material record: its phonons need a potential: give a "
            "calculator (--calculator NAME on the command line; kapitza predict --help names them)"
        )
