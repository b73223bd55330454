"""Build the ``ase.Atoms`` of a recorded crystal structure (:mod:`kapitza.literature.crystals`).

>>> from kapitza.literature.crystals import crystal_for
>>> from kapitza.atomistic.prototypes import build
>>> atoms = build(crystal_for("Al2O3"))
>>> atoms.get_chemical_formula(), len(atoms)
('Al12O18', 30)

The conventional cell is generated from the space group and one representative atom per Wyckoff orbit by
``ase.spacegroup.crystal`` (ASE's setting 1: origin choice 1, hexagonal axes for the rhombohedral groups);
``primitive=True`` asks it for the primitive cell instead.  ASE is imported here, lazily.
"""

from __future__ import annotations

from typing import Any

from ..errors import InputError, MissingDependencyError
from ..literature.crystals import CrystalDescription, LeftOut

__all__ = ["build"]


def build(description: CrystalDescription | LeftOut, *, primitive: bool = False) -> Any:
    """The crystal of ``description`` as an ``ase.Atoms`` (periodic in all three directions).

    Parameters
    ----------
    description : CrystalDescription
        From :func:`kapitza.literature.crystals.crystal_for`.
    primitive : bool
        Return the primitive cell instead of the conventional one.

    Raises
    ------
    InputError
        ``description`` is a :class:`~kapitza.literature.crystals.LeftOut` (the message gives its reason), or the
        positions generate overlapping atoms.
    MissingDependencyError
        ASE is not installed (extra ``phonons``).
    """
    if isinstance(description, LeftOut):
        raise InputError(f"no crystal is built for {description.name!r}: {description.reason}")
    if not isinstance(description, CrystalDescription):
        raise InputError(f"expected a CrystalDescription, got {type(description).__name__}")
    try:
        from ase.spacegroup import crystal
    except ImportError:
        raise MissingDependencyError("ase", "phonons", "building crystal structures") from None
    symbols = [p.element for p in description.positions]
    basis = [p.xyz for p in description.positions]
    try:
        atoms = crystal(
            symbols,
            basis,
            spacegroup=description.spacegroup,
            setting=1,
            cellpar=list(description.cellpar),
            primitive_cell=primitive,
        )
    except Exception as exc:  # ase.spacegroup raises SpacegroupValueError, ValueError, KeyError for bad data
        raise InputError(f"cannot build {description.name!r}: {exc}") from None
    atoms.info["kapitza_crystal"] = description.name
    return atoms
