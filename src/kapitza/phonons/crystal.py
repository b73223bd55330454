"""Bulk crystals for the full-dispersion route: which material, which potential, which cell.

A material from the database is built as the perfect crystal of its
``structure`` with ASE (``ase.build.bulk``), at the equilibrium lattice
constant *of the potential* (not the measured one): the force constants are
then those of a stress-free crystal, with no imaginary modes from residual
stress.  That lattice constant is found once by minimising the energy per atom
of the conventional cubic cell over a (bounded Brent search, to 1e-7 A) and
cached on disk with the potential's parameters
(:func:`kapitza.atomistic.lattice.equilibrium_lattice_constant`, shared with the AGF).

Supported materials and potentials (the first is the default):

=========================  ===========  =================================================
material (structure)       element      potentials
=========================  ===========  =================================================
Si (diamond)               Si           ``sw``, ``tersoff``, ``tersoff-lammps``
Ge (diamond)               Ge           ``sw`` (Ding & Andersen), ``tersoff-lammps``
C (diamond)                C            ``tersoff``, ``tersoff-lammps``
Al, Cu, Ag, Au, Pt (fcc)   same         ``emt``; Cu, Ag, Au, Pt also ``meam-lammps``
Pb (fcc)                   Pb           ``meam-lammps`` (EMT has no Pb)
=========================  ===========  =================================================

Anything else (hcp, bcc, compounds, amorphous) needs force constants from a
phonopy file (:func:`kapitza.phonons.harmonic.HarmonicCrystal.from_phonopy_file`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import numpy as np

from ..atomistic.lattice import bulk_cell, equilibrium_lattice_constant
from ..atomistic.potentials import CRYSTALS, Potential, get_potential
from ..errors import InputError
from ..materials import Material, get_material
from ..units import ANGSTROM

#: (structure, element) -> potentials that describe it; the first is the default (the potentials' own table,
#: :data:`kapitza.atomistic.potentials.CRYSTALS`).
SUPPORTED: Mapping[tuple[str, str], tuple[str, ...]] = CRYSTALS

#: Supercell (multiples of the conventional cubic cell) for the force constants.  The
#: interactions of SW and Tersoff reach the third neighbour shell (< 4.6 A), well inside half
#: of 2 x 10.9 A; EMT and MEAM are many-body with longer tails: 4 x 4 x 4 cells (256 atoms).
SUPERCELL: MappingProxyType[str, int] = MappingProxyType({"diamond": 2, "fcc": 4})

#: Transformation from the conventional cubic cell to the primitive fcc cell (phonopy's "F").
FCC_PRIMITIVE = np.array([[0.0, 0.5, 0.5], [0.5, 0.0, 0.5], [0.5, 0.5, 0.0]])


@dataclass(frozen=True)
class CrystalSpec:
    """A bulk crystal to be built with a potential.

    Attributes
    ----------
    material : str
        Name of the material in the database.
    element : str
        Chemical symbol.
    structure : str
        "diamond" or "fcc".
    potential : Potential
        The interatomic potential.
    lattice_constant : float
        Equilibrium cubic lattice constant of the potential, m.
    reference_lattice_constant : float
        The database (measured) value, m, for comparison.
    supercell : int
        Multiples of the conventional cell in each direction for the force constants.
    """

    material: str
    element: str
    structure: str
    potential: Potential
    lattice_constant: float
    reference_lattice_constant: float
    supercell: int

    def conventional_cell(self) -> Any:
        """The conventional cubic cell (ase.Atoms) at the equilibrium lattice constant."""
        return bulk_cell(self.element, self.structure, self.lattice_constant / ANGSTROM)


def supported_materials() -> dict[str, tuple[str, ...]]:
    """Material name -> potentials available for it (default first)."""
    return {element: potentials for (_, element), potentials in SUPPORTED.items()}


def default_potential(material: str | os.PathLike | Material) -> str:
    """The default potential for a material (e.g. "sw" for Si, "emt" for Al, "meam-lammps" for Pb)."""
    m = get_material(material) if not isinstance(material, Material) else material
    return _supported_potentials(m)[0]


def _supported_potentials(m: Material) -> tuple[str, ...]:
    key = (str(m.structure), m.formula or m.name)
    if key not in SUPPORTED:
        listing = "; ".join(f"{el} ({st}): {', '.join(p)}" for (st, el), p in SUPPORTED.items())
        raise InputError(
            f"no interatomic potential is offered for {m.name} (structure {m.structure!r}); "
            f"supported: {listing}. For other materials pass force constants from a phonopy file "
            "(phonopy_file=...)"
        )
    return SUPPORTED[key]


def crystal_spec(
    material: str | os.PathLike | Material,
    potential: str | None = None,
    *,
    cache: bool = True,
    progress: Callable[[str, int, int], None] | None = None,
) -> CrystalSpec:
    """Choose the potential for ``material`` and find the potential's equilibrium lattice constant.

    Parameters
    ----------
    material : str, path or Material
        A database material with ``structure`` "diamond" or "fcc" (see the module table).
    potential : str, optional
        Potential name; default: the first one in the table for that material.
    cache : bool
        Read/write the on-disk cache of lattice constants.
    progress : callable, optional
        ``progress(stage, done, total)``, called at the start and end of the search.

    Raises
    ------
    InputError
        Unsupported material or a potential that does not describe it.
    """
    m = get_material(material) if not isinstance(material, Material) else material
    allowed = _supported_potentials(m)
    name = allowed[0] if potential is None else str(potential).strip().lower()
    if name not in allowed:
        raise InputError(f"potential {potential!r} is not offered for {m.name}; choose one of {', '.join(allowed)}")
    element = m.formula or m.name
    structure = str(m.structure)
    pot = get_potential(name, [element])
    if m.lattice_constant is None:
        raise InputError(f"{m.name} has no lattice constant in the database to start the search from")
    a0 = equilibrium_lattice_constant(
        pot, element, structure, guess_m=m.lattice_constant, cache=cache, progress=progress
    )
    return CrystalSpec(
        material=m.name,
        element=element,
        structure=structure,
        potential=pot,
        lattice_constant=a0,
        reference_lattice_constant=m.lattice_constant,
        supercell=SUPERCELL[structure],
    )
