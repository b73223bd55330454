"""One side of an interface as the caller names it, and the crystal it names.

A side is a database material (name or alias), a user's material file, or a crystal from its structure: a structure
file (CIF, POSCAR, extxyz: anything ``ase.io.read`` reads), ``NAME:STRUCTURE:a=..,c=..`` for ``ase.build.bulk``
(:func:`kapitza.atomistic.bulk.parse_crystal_text`, the syntax of ``kapitza interface build``), a crystal of
kapitza's crystal table (:mod:`kapitza.literature.crystals`: measured lattice parameters with their sources), a name
ASE's ``bulk`` knows (its reference lattice constant), ASE ``Atoms`` or a dict of ``ase.build.bulk`` keywords.

:func:`side_structure` builds the crystal a side names (ase.Atoms, its name and the side in words): the input of
:func:`kapitza.phonons.crystal_phonons`, of the elastic constants and long waves of a crystal
(:mod:`kapitza.phonons.elastic`, :mod:`kapitza.phonons.long_waves`) and of the AGF's two crystals.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

import numpy as np

from ..errors import InputError
from ..materials import Material, get_material
from ..materials.melting import reduced_composition
from ..units import ANGSTROM

__all__ = ["BUILDABLE", "SideStructure", "recorded_crystal", "reduced_formula", "side_structure"]

#: Database structures that ``ase.build.bulk`` builds from one lattice constant (hexagonal c from ASE's ratio).
BUILDABLE = ("diamond", "fcc", "bcc", "hcp", "wurtzite", "zincblende", "rocksalt", "cesiumchloride", "fluorite")


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

    ``side``: a structure file (anything ``ase.io.read`` reads; pickle formats refused), ``NAME:STRUCTURE:a=...``,
    a database material (name, alias or :class:`~kapitza.materials.Material` of the shipped database; its structure
    and lattice constant), a crystal of the compilation's crystal table (:mod:`kapitza.literature.crystals`:
    "3C-SiC", "TiN", ...), a name ASE's ``bulk`` knows, ASE ``Atoms``, or a dict of ``ase.build.bulk`` keywords.
    A database material whose structure ASE cannot build from one lattice constant (corundum, 4H) is built from
    the crystal table's record of its name or an alias (Al2O3, 4H-SiC) where there is one, else refused with the
    way out (a structure file); so are amorphous and liquid ones.
    """
    _ase()
    from ase import Atoms

    from .bulk import parse_crystal_text
    from .stacking import bulk_crystal

    if isinstance(side, Material):
        return _database_structure(side)
    if isinstance(side, Atoms):
        atoms = side.copy()
        label = name or reduced_formula(atoms.get_chemical_symbols())
        return SideStructure(atoms, label, f"structure {label}", None)
    if isinstance(side, Mapping):
        atoms = bulk_crystal(dict(side), "crystal")
        return SideStructure(atoms, name or reduced_formula(atoms.get_chemical_symbols()), _spec_text(side), None)
    if not isinstance(side, str | os.PathLike):
        raise InputError(f"a crystal is a structure file, a name, NAME:STRUCTURE:a=..., Atoms or a dict; got {side!r}")
    text = os.fspath(side)
    if not text.strip():
        raise InputError("the crystal is empty: give a structure file, a name, or NAME:STRUCTURE:a=...")
    if os.path.isfile(text):
        if text.lower().endswith(".toml"):
            raise InputError(
                f"{text}: a material file (.toml) holds no crystal structure; with a calculator give a structure "
                "file (CIF, POSCAR, extxyz), NAME:STRUCTURE:a=..., or a database name"
            )
        atoms = bulk_crystal(text, os.path.basename(text))
        label = name or reduced_formula(atoms.get_chemical_symbols())
        return SideStructure(atoms, label, f"file {os.path.basename(text)}", None)
    if os.path.isdir(text):
        raise InputError(f"{text} is a folder, not a structure file")
    parsed = parse_crystal_text(text)
    if isinstance(parsed, dict):
        atoms = bulk_crystal(parsed, text)
        return SideStructure(atoms, name or reduced_formula(atoms.get_chemical_symbols()), text, None)
    try:
        material = get_material(text)
    except InputError:
        material = None
    if material is not None and material.origin == "database":
        return _database_structure(material)
    if os.sep in text or text.lower().endswith((".cif", ".vasp", ".xyz", ".extxyz", ".json", ".in", ".poscar")):
        raise InputError(f"structure file {text!r} does not exist")
    recorded = _recorded((text,))
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
    word = (structure or "").split(" ")[0].lower()
    for name in names:
        if name in known and isinstance(found := crystal_for(name), CrystalDescription):
            if structure is None or (word and word in found.prototype.lower()):
                return found
    return None


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
