"""One side of an interface, decided once: what the caller names (:class:`Side`, :func:`resolve_side`), and the
crystal it names (:func:`side_structure`).

A side is

* a **database** material (name or alias, or the database's :class:`~kapitza.materials.Material`);
* a material **file** (``mine.toml``, ``mine.toml:Name``), or a **material** record in hand (a Material of the
  caller's);
* a crystal from its **structure**: a structure file (CIF, POSCAR, extxyz: anything ``ase.io.read`` reads),
  ``NAME:STRUCTURE:a=..,c=..`` for ``ase.build.bulk`` (:func:`kapitza.atomistic.bulk.parse_crystal_text`, the syntax
  of ``kapitza interface build``), a crystal of kapitza's crystal table (:mod:`kapitza.literature.crystals`:
  measured lattice parameters with their sources), ASE ``Atoms`` or a dict of ``ase.build.bulk`` keywords;
* **built** already: an object that carries its own record and phonons (a full-dispersion spectrum, a crystal from
  its structure), taken as it is;
* or **unknown**: a name none of these knows (ASE's ``bulk`` may know it: its reference lattice constant), or text
  that names nothing (an empty name, a missing file, a folder).

:func:`resolve_side` makes that decision once, for every entry that takes a side (:func:`kapitza.predict`,
``kapitza predict``, :func:`kapitza.phonons.crystal_phonons`, the prediction layer's functions), and the layers below
take the :class:`Side` it returns.  A side read two ways keeps both readings, each with its refusal in its own words:
as a material record (:meth:`Side.record`: what the Debye models take) and as a crystal (:func:`side_structure`:
what a calculator takes), so ``Si`` is the database's record without a calculator and its diamond crystal with one,
and ``3C-SiC`` is refused as a record with the way to a calculator.

:func:`side_structure` builds the crystal a side names (ase.Atoms, its name and the side in words): the input of
:func:`kapitza.phonons.crystal_phonons`, of the elastic constants and long waves of a crystal
(:mod:`kapitza.phonons.elastic`, :mod:`kapitza.phonons.long_waves`) and of the AGF's two crystals.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np

from ..errors import InputError
from ..materials import Material, get_material
from ..materials.melting import reduced_composition
from ..units import ANGSTROM

__all__ = [
    "BUILDABLE",
    "SIDE_KINDS",
    "STRUCTURE_ENDINGS",
    "Side",
    "SideStructure",
    "recorded_crystal",
    "reduced_formula",
    "resolve_side",
    "side_structure",
]

#: Database structures that ``ase.build.bulk`` builds from one lattice constant (hexagonal c from ASE's ratio).
BUILDABLE = ("diamond", "fcc", "bcc", "hcp", "wurtzite", "zincblende", "rocksalt", "cesiumchloride", "fluorite")
#: What a side can be (:class:`Side`).
SIDE_KINDS = ("database", "file", "material", "structure", "built", "unknown")
#: Endings of a name taken for a structure file that does not exist (refused as such, not tried as a crystal name).
STRUCTURE_ENDINGS = (".cif", ".vasp", ".xyz", ".extxyz", ".json", ".in", ".poscar")
#: How the crystal of a side is built (:attr:`Side.how`): from a database record (its structure and lattice
#: constant, or the crystal table's record of its name), from a Material in hand the same way, ASE Atoms as given, a
#: dict or ``NAME:STRUCTURE:...`` for ``ase.build.bulk``, a structure file, a crystal-table record by name, or a name
#: ASE's ``bulk`` knows.
CRYSTAL_READINGS = ("database", "material", "atoms", "dict", "spec", "file", "record", "ase")


@dataclass(frozen=True)
class Side:
    """One side of an interface, as :func:`resolve_side` decided it.

    Attributes
    ----------
    kind : str
        One of :data:`SIDE_KINDS`: "database", "file", "material", "structure", "built" or "unknown".
    given : object
        What the caller gave, unchanged (a name, a path, a Material, Atoms, a dict, a spectrum or a crystal).
    material : Material or None
        The material record the side names (a database record, a file's, the caller's, a built object's), or None.
    not_a_record : str
        Why it names no material record, in the database's words ("" where it names one).
    how : str
        How its crystal is built (one of :data:`CRYSTAL_READINGS`), or "" where it names no crystal.
    not_a_crystal : str
        Why it names no crystal ("" where it names one, or where ASE's ``bulk`` is tried: refused then).
    spec : dict or None
        The ``ase.build.bulk`` keywords of ``NAME:STRUCTURE:...`` or of a dict given.
    parse_error : str
        The refusal of a ``NAME:STRUCTURE:...`` text that does not parse ("" otherwise): a calculator cannot take it
        either, so it is the side's refusal wherever it is not a record.
    crystal_table : object or None
        The crystal table's record of the name (:func:`recorded_crystal`) where the database lacks it, or None.
    """

    kind: str
    given: Any = field(repr=False)
    material: Material | None = field(default=None, repr=False)
    not_a_record: str = field(default="", repr=False)
    how: str = ""
    not_a_crystal: str = field(default="", repr=False)
    spec: Mapping[str, Any] | None = field(default=None, repr=False)
    parse_error: str = field(default="", repr=False)
    crystal_table: Any = field(default=None, repr=False)
    #: The crystals :func:`side_structure` built for this side, by the name asked (built once, handed out as copies).
    built: dict[str | None, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def named(self) -> bool:
        """Whether the side was given as a name or a path (not an object)."""
        return isinstance(self.given, str | os.PathLike)

    @property
    def buildable(self) -> bool:
        """Whether a calculator can take the side as it was named, though the database cannot: a structure file,
        ``NAME:STRUCTURE:...`` or a crystal of kapitza's crystal table (not a name only ASE may know)."""
        return self.material is None and self.how in ("file", "spec", "record")

    def record(self, option: str | None = None) -> Material:
        """The material record the side names, or InputError in the database's words; where the name is a crystal
        of kapitza's crystal table, the refusal says the way to it: its phonons need a potential, named as ``option``
        (the caller's spelling of ``calculator``; None: the database's words alone)."""
        if self.material is not None:
            return self.material
        found = self.crystal_table
        if option is not None and found is not None and isinstance(self.given, str):
            from .calculators import DEFAULT_CALCULATOR

            raise InputError(
                f"{self.given} is not in the material database, but kapitza's crystal table records its structure "
                f"({found.prototype}): its phonons need a potential: give {option} NAME (e.g. {option} "
                f"{DEFAULT_CALCULATOR})"
            )
        raise InputError(self.not_a_record)


def resolve_side(given: Any) -> Side:
    """What ``given`` names, decided once (:class:`Side`); a Side is returned as it is.

    ``given``: a database name or alias, a material file (``mine.toml``, ``mine.toml:Name``), a structure file,
    ``NAME:STRUCTURE:a=...``, a crystal of kapitza's crystal table, a name ASE's ``bulk`` knows, a
    :class:`~kapitza.materials.Material`, ASE ``Atoms``, a dict of ``ase.build.bulk`` keywords, or an object that
    carries its own ``material`` (a full-dispersion spectrum, a crystal from its structure).  Nothing is refused
    here: each reading keeps its refusal, raised where the side is used that way (:meth:`Side.record`,
    :func:`side_structure`); nothing is built (no ASE, no file beyond a material file's record).
    """
    if isinstance(given, Side):
        return given
    if isinstance(given, Material):
        return Side("database" if given.origin == "database" else "material", given, given, how="material")
    if isinstance(given, str | os.PathLike):
        return _named(given)
    not_a_record = _not_a_record(given)
    if isinstance(given, Mapping):
        return Side("structure", given, not_a_record=not_a_record, how="dict", spec=dict(given))
    if _is_atoms(given):
        return Side("structure", given, not_a_record=not_a_record, how="atoms")
    not_a_crystal = f"a crystal is a structure file, a name, NAME:STRUCTURE:a=..., Atoms or a dict; got {given!r}"
    record = getattr(given, "material", None)
    if isinstance(record, str | os.PathLike | Material):  # a spectrum or a crystal already built: its own record
        try:
            return Side("built", given, get_material(record), not_a_crystal=not_a_crystal)
        except InputError as exc:
            return Side("built", given, not_a_record=str(exc), not_a_crystal=not_a_crystal)
    return Side("unknown", given, not_a_record=not_a_record, not_a_crystal=not_a_crystal)


def _not_a_record(given: Any) -> str:
    """The database's refusal of ``given`` as a material record."""
    try:
        get_material(given)
    except InputError as exc:
        return str(exc)
    return ""  # pragma: no cover - only called where get_material refuses


def _is_atoms(given: Any) -> bool:
    try:
        from ase import Atoms
    except ImportError:
        return False
    return isinstance(given, Atoms)


def _named(given: str | os.PathLike[str]) -> Side:
    """A side given as a name or a path: its record (:func:`~kapitza.materials.get_material`) and its crystal (the
    order :func:`side_structure` builds in: a file, a folder, ``NAME:STRUCTURE:...``, a database material, a missing
    structure file, the crystal table, ASE's ``bulk``)."""
    text = os.fspath(given)
    try:
        material, not_a_record = get_material(given), ""
    except InputError as exc:
        material, not_a_record = None, str(exc)
    table = recorded_crystal((given,)) if material is None and isinstance(given, str) else None
    how, spec, not_a_crystal, parse_error = _crystal_reading(text, given, material)
    if material is not None:
        kind = "database" if material.origin == "database" else "file"
    else:
        kind = "structure" if how in ("file", "spec", "record") else "unknown"
    return Side(kind, given, material, not_a_record, how, not_a_crystal, spec, parse_error, table)


def _crystal_reading(text: str, given: Any, material: Material | None) -> tuple[str, dict[str, Any] | None, str, str]:
    """(how, spec, why not, parse error): the crystal a name or path names, without building it."""
    from .bulk import parse_crystal_text

    if not text.strip():
        return "", None, "the crystal is empty: give a structure file, a name, or NAME:STRUCTURE:a=...", ""
    if os.path.isfile(text):
        if text.lower().endswith(".toml"):
            return "", None, (
                f"{text}: a material file (.toml) holds no crystal structure; with a calculator give a structure "
                "file (CIF, POSCAR, extxyz), NAME:STRUCTURE:a=..., or a database name"
            ), ""  # fmt: skip
        return "file", None, "", ""
    if os.path.isdir(text):
        return "", None, f"{text} is a folder, not a structure file", ""
    try:
        parsed = parse_crystal_text(text)
    except InputError as exc:  # NAME:STRUCTURE:... that the parser refuses: its own words (bounded) say why
        return "", None, str(exc), str(exc) if ":" in text else ""
    if isinstance(parsed, dict):
        return "spec", parsed, "", ""
    if not isinstance(given, str):  # a path: the crystal reading looks its text up in the database
        try:
            material = get_material(text)
        except InputError:
            material = None
    if material is not None and material.origin == "database":
        return "database", None, "", ""
    if os.sep in text or text.lower().endswith(STRUCTURE_ENDINGS):
        return "", None, f"structure file {text!r} does not exist", ""
    if recorded_crystal((text,)) is not None:
        return "record", None, "", ""
    return "ase", None, "", ""


def _ase() -> Any:
    from .potentials import require_ase

    return require_ase()


class SideStructure(NamedTuple):
    """The crystal a side names (:func:`side_structure`)."""

    #: The crystal (ase.Atoms).
    atoms: Any
    #: Its name.
    label: str
    #: The side in words.
    described: str
    #: Its database Material, or None.
    database: Material | None
    #: The name of the crystal table's record it was built from, or None (a file, a spec, ASE's reference crystal,
    #: a database material built from its own lattice constant).
    record: str | None = None


def side_structure(side: Any, name: str | None = None) -> SideStructure:
    """The crystal a side names: (ase.Atoms, its name, the side in words, its database Material or None, the crystal
    table's record it was built from or None).

    ``side``: a :class:`Side`, or anything :func:`resolve_side` takes: a structure file (anything ``ase.io.read``
    reads; pickle formats refused), ``NAME:STRUCTURE:a=...``, a database material (name, alias or
    :class:`~kapitza.materials.Material` of the shipped database; its structure and lattice constant), a crystal of
    the compilation's crystal table (:mod:`kapitza.literature.crystals`: "3C-SiC", "TiN", ...), a name ASE's
    ``bulk`` knows, ASE ``Atoms``, or a dict of ``ase.build.bulk`` keywords.  A database material whose structure
    ASE cannot build from one lattice constant (corundum, 4H) is built from the crystal table's record of its name
    or an alias (Al2O3, 4H-SiC) where there is one, else refused with the way out (a structure file); so are
    amorphous and liquid ones.
    """
    side = resolve_side(side)
    found = side.built.get(name)
    if found is None:  # built once a side (a file read once, a record's crystal made once), each caller a copy
        found = side.built[name] = _built_structure(side, name)
    return found._replace(atoms=found.atoms.copy())


def _built_structure(side: Side, name: str | None) -> SideStructure:
    """:func:`side_structure` of a resolved side, built now."""
    _ase()
    from .stacking import bulk_crystal

    given, how = side.given, side.how
    if how == "material":
        return _database_structure(given)
    if how == "database":  # a path's text may name a database material its record reading does not
        return _database_structure(side.material or get_material(os.fspath(given)))
    if how == "atoms":
        atoms = given.copy()
        label = name or reduced_formula(atoms.get_chemical_symbols())
        return SideStructure(atoms, label, f"structure {label}", None)
    if how == "dict":
        atoms = bulk_crystal(dict(given), "crystal")
        return SideStructure(atoms, name or reduced_formula(atoms.get_chemical_symbols()), _spec_text(given), None)
    if not how:
        raise InputError(side.not_a_crystal)
    text = os.fspath(given)
    if how == "file":
        atoms = bulk_crystal(text, os.path.basename(text))
        label = name or reduced_formula(atoms.get_chemical_symbols())
        return SideStructure(atoms, label, f"file {os.path.basename(text)}", None)
    if how == "spec":
        atoms = bulk_crystal(dict(side.spec or {}), text)
        return SideStructure(atoms, name or reduced_formula(atoms.get_chemical_symbols()), text, None)
    recorded = _recorded((text,)) if how == "record" else None
    if recorded is not None:
        atoms, words, record = recorded
        return SideStructure(atoms, name or text, words, None, record)
    try:
        atoms = bulk_crystal(text, text)
    except InputError:
        raise InputError(_unknown_crystal(text)) from None
    a = float(np.linalg.norm(np.asarray(atoms.cell)[0]))
    label = name or reduced_formula(atoms.get_chemical_symbols())
    return SideStructure(atoms, label, f"{text} (ASE's reference crystal, a = {a:.4f} A)", None)


def _unknown_crystal(text: str) -> str:
    """The one line for a name that is no structure file, database material, crystal-table record or crystal ASE's
    ``bulk`` knows, with the close names of the database and the crystal table (case ignored)."""
    from ..errors import did_you_mean
    from ..literature.crystals import crystal_names
    from ..materials import list_materials

    lower = {n.lower(): n for n in sorted(crystal_names())}
    for m in list_materials():
        lower |= {alias.lower(): m.name for alias in (m.name, *m.aliases)}
    hint = did_you_mean(text, lower)
    return (
        f"{text!r} is not a structure file, a database material, a crystal of kapitza's crystal table or a bulk "
        f"crystal ASE knows{hint}"
    )


def reduced_formula(symbols: Sequence[str]) -> str:
    """The empirical formula, elements in the order they first appear ("InP", "Al2O3", "AuCu3" for Au, Cu, Cu, Cu)."""
    return "".join(f"{el}{n if n > 1 else ''}" for el, n in reduced_composition(symbols).items())


def _spec_text(spec: Mapping[str, Any]) -> str:
    items = ",".join(f"{k}={v:g}" for k, v in spec.items() if k not in ("name", "crystalstructure"))
    return f"{spec.get('name', '')}:{spec.get('crystalstructure', '')}:{items}"


def recorded_crystal(names: Sequence[str], structure: str | None = None) -> Any:
    """The first of ``names`` with a structure in the compilation's crystal table
    (:func:`kapitza.literature.crystals.crystal_for`: space group, measured lattice parameters, Wyckoff positions,
    each with its source), a CrystalDescription; None where none has one.  ``structure`` (a database record's, e.g.
    "corundum", "4H (hexagonal)"): only a record whose prototype names its first word is taken (the database's
    amorphous SiO2 is not the table's quartz)."""
    from ..literature.crystals import CrystalDescription, crystal_for, crystal_names

    known = set(crystal_names())
    words = _structure_words(structure or "")
    for name in names:
        if name in known and isinstance(found := crystal_for(name), CrystalDescription):
            if structure is None or words & _structure_words(found.prototype):
                return found
    return None


#: Words of a structure's name that say nothing of which crystal it is (a lattice system or centring).
_GENERIC_WORDS = frozenset(
    {"cubic", "hexagonal", "tetragonal", "orthorhombic", "rhombohedral", "monoclinic", "triclinic", "trigonal",
     "body", "face", "centred", "centered", "type", "structure"}
)  # fmt: skip


def _structure_words(text: str) -> frozenset[str]:
    """The words of a structure's name that name the crystal ("corundum", "4h", "white", "beta" of "body-centred
    tetragonal (white, beta)"), lower case, without the lattice system's."""
    return frozenset(re.findall(r"[a-z0-9]{2,}", text.lower())) - _GENERIC_WORDS


def _recorded(names: Sequence[str], structure: str | None = None) -> tuple[Any, str, str] | None:
    """:func:`recorded_crystal`'s crystal built (:func:`kapitza.atomistic.prototypes.build`), the words that say
    so, and the record's name."""
    from .prototypes import build

    found = recorded_crystal(names, structure)
    if found is None:
        return None
    a, _, c = found.cellpar[:3]
    shape = f"a = {a:.4f} A" if math.isclose(a, c) else f"a = {a:.4f}, c = {c:.4f} A"
    return build(found), f"the recorded {found.name} ({found.prototype}, {shape}; kapitza's crystal table)", found.name


def _database_structure(material: Material) -> SideStructure:
    """The perfect crystal of a database material from its structure and lattice constant (A)."""
    from ase.build import bulk

    structure = str(material.structure or "")
    if structure not in BUILDABLE or material.lattice_constant is None:
        recorded = _recorded((material.name, *material.aliases), structure)
        if recorded is not None:
            atoms, words, record = recorded
            words = f"database {material.name} ({structure}): {words}"
            return SideStructure(atoms, material.name, words, material, record)
        other = recorded_crystal((material.name, *material.aliases))
        beside = (
            f" (kapitza's crystal table records {other.prototype} under the name {other.name}: give a structure "
            "file of it to use that crystal)"
            if other is not None
            else ""
        )
        raise InputError(
            f"{material.name}: the database holds no crystal kapitza can build for its structure {structure!r} "
            "(only one lattice constant is stored, and kapitza's crystal table records no crystal of that structure "
            f"under its name); give a structure file (CIF, POSCAR, extxyz) of it instead{beside}"
        )
    a = material.lattice_constant / ANGSTROM
    formula = material.formula or material.name
    try:
        atoms = bulk(formula, structure, a=a, cubic=True)
    except (RuntimeError, ValueError, KeyError):  # not cubic (hcp, wurtzite): ASE's primitive cell
        atoms = bulk(formula, structure, a=a)
    return SideStructure(atoms, material.name, f"database {material.name} ({structure}, a = {a:.4f} A)", material)
