r"""Si/Ge diamond bicrystals along [001], in LAMMPS ``units metal`` (Angstrom, amu), for NEMD.

Crystal A (type 1, Si, 28.0855 amu) and crystal B (type 2, Ge, 72.630 amu)
share one diamond lattice, [001] along z, cube-on-cube: ``cells_a``
conventional 8-atom cells of A then ``cells_b`` of B, periodic along x, y and
z, so there are two interfaces, at :math:`z = 0` (:math:`= L_z`) and at
:math:`z = n_A a`, each between two cells (four (001) atomic planes per cell,
spaced a/4; the basis is shifted by a/8 so no plane sits on a cell face).

Lattice constant
----------------
One lattice for both crystals (Ge coherently strained to Si's lattice, as in
the AGF/DMM models of the same system): the zero-pressure T = 0 lattice
constant of the potential's silicon.

* :data:`SI_SW_LATTICE_CONSTANT` = 5.431 A: Stillinger-Weber Si (Stillinger &
  Weber, Phys. Rev. B 31, 5262 (1985), LAMMPS ``Si.sw``; the minimum is
  5.43095 A, relaxed with ``fix box/relax`` here).
* :data:`SI_TERSOFF_LATTICE_CONSTANT` = 5.432 A: Tersoff's Si(D) of
  ``SiCGe.tersoff`` (Phys. Rev. B 39, 5566 (1989); relaxed with LAMMPS
  ``fix box/relax iso 0``: 5.43201 A; Ge of the same file gives 5.6567 A).

The lattice is made as in :mod:`kapitza.atomistic.bicrystal`, by the builder of
a user's interface (:func:`~kapitza.atomistic.bicrystal.stacked_cubic_lattice`),
from ASE's cubic diamond cell.  Intermixing works as in :mod:`kapitza.atomistic.bicrystal`
(:func:`~kapitza.atomistic.bicrystal.mix_interfaces`): ``mixing_layers``
atomic planes on each side of each interface, the seed recorded.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from numpy.typing import NDArray

from .. import _checks
from ..io.results import result
from .bicrystal import StackedBicrystal, lammps_data_text, stacked_bicrystal

#: Zero-pressure T = 0 lattice constant (Angstrom) of Stillinger-Weber silicon (LAMMPS Si.sw).
SI_SW_LATTICE_CONSTANT = 5.431
#: Zero-pressure T = 0 lattice constant (Angstrom) of Tersoff silicon, Si(D) of LAMMPS SiCGe.tersoff.
SI_TERSOFF_LATTICE_CONSTANT = 5.432
#: Standard atomic masses (amu) of Si and Ge (IUPAC 2021).
MASS_SI_AMU = 28.0855
MASS_GE_AMU = 72.630

#: Origin shift of the diamond lattice, in units of the lattice constant: no (001) plane sits on a cell face.
_DIAMOND_SHIFT = 0.125


@result
class DiamondBicrystal(StackedBicrystal):
    """A periodic diamond bicrystal A|B (Si|Ge) along [001], in Angstrom and amu.

    Attributes
    ----------
    positions : (N, 3) float array, Angstrom
    types : (N,) int array, 1 for A (Si) and 2 for B (Ge)
    box : (3,) float array, periodic box lengths (Angstrom), origin at 0
    masses : (2,) float array, masses of types 1 and 2 (amu)
    lattice_constant : float, Angstrom
    cells : (n_x, n_y, n_a, n_b)
    interfaces_z : (2,) or (1,) float array, the interface planes z (Angstrom): 0 (= L_z) and n_a a
    mixing_layers : int
    seed : int or None, the random seed of the intermixing (None if mixing_layers = 0)
    """

    positions: NDArray[np.float64]
    types: NDArray[np.int64]
    box: NDArray[np.float64]
    masses: NDArray[np.float64]
    lattice_constant: float
    cells: tuple[int, int, int, int]
    interfaces_z: NDArray[np.float64]
    mixing_layers: int
    seed: int | None

    _summary_fields: ClassVar[tuple[str, ...]] = ("cells", "masses", "lattice_constant", "mixing_layers")

    def to_lammps_data(self) -> str:
        """The structure as a LAMMPS data file for ``units metal``, ``atom_style atomic`` (masses in amu)."""
        title = (
            f"Si|Ge diamond bicrystal along [001], cells {self.cells}, a = {self.lattice_constant:g} A, "
            "units metal (kapitza)"
        )
        notes = ("   # A (Si)", "   # B (Ge)")
        return lammps_data_text(title, self.positions, self.types, self.box, self.masses, notes)


def build_diamond_bicrystal(
    n_x: int,
    n_y: int,
    cells_a: int,
    cells_b: int,
    *,
    lattice_constant_angstrom: float = SI_SW_LATTICE_CONSTANT,
    mass_a_amu: float = MASS_SI_AMU,
    mass_b_amu: float = MASS_GE_AMU,
    mixing_layers: int = 0,
    seed: int | None = None,
    periodic: bool = True,
    max_atoms: int = 2_000_000,
) -> DiamondBicrystal:
    """Build a periodic diamond bicrystal, A (``cells_a`` cells) then B (``cells_b`` cells) along [001] = z.

    Parameters
    ----------
    n_x, n_y : int
        Conventional cells across the interface (x, y).
    cells_a, cells_b : int
        Conventional 8-atom cells of A (Si) and of B (Ge) along z (four atomic planes per cell).
    lattice_constant_angstrom : float
        Cubic lattice constant of both crystals (Angstrom); default :data:`SI_SW_LATTICE_CONSTANT`.
    mass_a_amu, mass_b_amu : float
        Atomic masses of types 1 and 2 (amu); default Si and Ge.
    mixing_layers : int
        Atomic planes randomised on each side of each interface (0: sharp interfaces).
    seed : int, optional
        Seed of the intermixing; drawn and recorded if not given.
    periodic : bool
        True: z periodic, interfaces at 0 and n_a a.  False (fixed ends): the box's z faces are walls, one
        interface at n_a a (the only one mixed).
    max_atoms : int
        Refuse larger structures (raise it with ``max_atoms=``).
    """
    n_x, n_y = _checks.count(n_x, "n_x="), _checks.count(n_y, "n_y=")
    cells_a, cells_b = _checks.count(cells_a, "cells_a="), _checks.count(cells_b, "cells_b=")
    a = _checks.positive(lattice_constant_angstrom, "lattice_constant_angstrom=", "A")
    masses = np.array(
        [_checks.positive(mass_a_amu, "mass_a_amu=", "amu"), _checks.positive(mass_b_amu, "mass_b_amu=", "amu")]
    )
    mixing_layers = _checks.count(mixing_layers, "mixing_layers=", 0)
    if seed is not None:
        _checks.count(seed, "seed=", 0)
    positions, types, seed, box, interfaces = stacked_bicrystal(
        "diamond", a, (n_x, n_y), (cells_a, cells_b), _DIAMOND_SHIFT, mixing_layers, seed, periodic, max_atoms
    )
    return DiamondBicrystal(
        positions=positions,
        types=types,
        box=box,
        masses=masses,
        lattice_constant=a,
        cells=(n_x, n_y, cells_a, cells_b),
        interfaces_z=interfaces,
        mixing_layers=mixing_layers,
        seed=seed,
    )
