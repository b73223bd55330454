r"""Lennard-Jones fcc bicrystals along z, in reduced (LJ) units, for NEMD.

Two fcc crystals A and B share one lattice ([001] along z, cube-on-cube) and
differ by their atomic mass (``mass_a``, ``mass_b``) and optionally by the
depth of their LJ well (``epsilon_a``, ``epsilon_b``; the A-B pair takes the
Lorentz-Berthelot mean :math:`\sqrt{\epsilon_A\epsilon_B}`, sigma = 1 for all
pairs).  The cell is periodic along x, y and z: ``cells_a`` conventional cells
of A followed by ``cells_b`` of B, so there are two interfaces, at
:math:`z = 0` (equivalently :math:`L_z`) and at :math:`z = n_A a`; heat put in
the middle of A and taken out in the middle of B crosses both from A to B.

The lattice is made by the builder of a user's interface
(:func:`kapitza.atomistic.stacking.stack_crystals`, two bulk crystals along a
normal) from ASE's cubic fcc cell, repeated across the plane
(:func:`kapitza.atomistic.structures.repeat_lateral`): the built-in system is
one use of that route, not a second copy of it (:func:`stacked_cubic_lattice`,
shared with the Si|Ge builder).

Lattice constant
----------------
The default :data:`LJ_FCC_LATTICE_CONSTANT` = 1.5496 sigma is the zero-pressure
(zero-virial) fcc lattice constant at T = 0 of the LJ potential truncated at
2.5 sigma (``pair_style lj/cut 2.5``, the potential of :mod:`kapitza.md`): the
root of :math:`\sum_{r_{ij} < 2.5} r_{ij}\,U'(r_{ij}) = 0` over the fcc lattice
sum, computed here (tests/md/test_bicrystal.py repeats the lattice sum).  The
untruncated potential gives 1.5424 sigma (Kittel's 1.09 sigma nearest-neighbour
distance, :math:`a = 2^{1/2}\cdot 1.0902`).  Thermal expansion is not included:
an NVT run at this density carries a small positive pressure.

Intermixing
-----------
``mixing_layers = L`` randomises the L atomic planes on each side of each of the
two interfaces with the linear composition profile of
:mod:`kapitza.atomistic.structures` (on the j-th of the 2L planes, counted from
the A side, a site is B with probability :math:`(j - 1/2)/(2L)`).  The seed is
recorded in the result (drawn if not given), so the structure can be rebuilt.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

import numpy as np
from numpy.typing import NDArray

from .. import _checks
from ..errors import InputError
from ..io.atomic import atomic_write_text
from ..io.results import result

#: Zero-pressure T = 0 fcc lattice constant (sigma) of LJ truncated at 2.5 sigma (see the module docstring).
LJ_FCC_LATTICE_CONSTANT = 1.5496
#: Origin shift of the fcc lattice, in units of the lattice constant: no atomic plane sits on a cell face.
_FCC_SHIFT = 0.25


class StackedBicrystal:
    """What the two built-in bicrystals (:class:`LJBicrystal`, :class:`~kapitza.atomistic.diamond_bicrystal.
    DiamondBicrystal`) share beyond their fields: the atom count, the cross-section and the data file written
    atomically.  A subclass has ``positions`` and ``box`` and defines :meth:`to_lammps_data`."""

    positions: NDArray[np.float64]
    box: NDArray[np.float64]

    @property
    def n_atoms(self) -> int:
        return int(self.positions.shape[0])

    @property
    def area(self) -> float:
        """Cross-section L_x L_y (the square of the length unit)."""
        return float(self.box[0] * self.box[1])

    def to_lammps_data(self) -> str:  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    def write_lammps_data(self, path: str | Path) -> Path:
        """Write :meth:`to_lammps_data` to ``path`` atomically; return the path."""
        return atomic_write_text(path, self.to_lammps_data())


@result
class LJBicrystal(StackedBicrystal):
    """A periodic LJ fcc bicrystal A|B along z, in reduced units.

    Attributes
    ----------
    positions : (N, 3) float array, sigma
    types : (N,) int array, 1 for A and 2 for B (LAMMPS atom types)
    box : (3,) float array, periodic box lengths (sigma), origin at 0
    masses : (2,) float array, masses of types 1 and 2 (LJ mass unit)
    epsilons : (2,) float array, well depths of types 1 and 2 (LJ energy unit)
    lattice_constant : float, sigma
    cells : (n_x, n_y, n_a, n_b)
    interfaces_z : (2,) or (1,) float array, the interface planes z (sigma): 0 (= L_z) and n_a a
    mixing_layers : int
    seed : int or None, the random seed of the intermixing (None if mixing_layers = 0)
    """

    positions: NDArray[np.float64]
    types: NDArray[np.int64]
    box: NDArray[np.float64]
    masses: NDArray[np.float64]
    epsilons: NDArray[np.float64]
    lattice_constant: float
    cells: tuple[int, int, int, int]
    interfaces_z: NDArray[np.float64]
    mixing_layers: int
    seed: int | None

    _summary_fields: ClassVar[tuple[str, ...]] = ("cells", "masses", "epsilons", "mixing_layers")

    def to_lammps_data(self) -> str:
        """The structure as a LAMMPS data file (``atom_style atomic``, masses included)."""
        title = (
            f"LJ fcc bicrystal A|B along z, cells {self.cells}, masses {self.masses[0]:g} {self.masses[1]:g} (kapitza)"
        )
        return lammps_data_text(title, self.positions, self.types, self.box, self.masses)


def lammps_data_text(
    title: str,
    positions: NDArray[np.float64],
    types: NDArray[np.int64],
    box: NDArray[np.float64],
    masses: NDArray[np.float64],
    mass_notes: tuple[str, str] = ("", ""),
) -> str:
    """A two-type LAMMPS data file (``atom_style atomic``, box from the origin, masses included); ``mass_notes``
    are comments after the masses."""
    lines = [
        title,
        "",
        f"{positions.shape[0]} atoms",
        "2 atom types",
        "",
        f"0.0 {box[0]:.10g} xlo xhi",
        f"0.0 {box[1]:.10g} ylo yhi",
        f"0.0 {box[2]:.10g} zlo zhi",
        "",
        "Masses",
        "",
        f"1 {masses[0]:.10g}{mass_notes[0]}",
        f"2 {masses[1]:.10g}{mass_notes[1]}",
        "",
        "Atoms # atomic",
        "",
    ]
    for i, (t, r) in enumerate(zip(types, positions, strict=True), start=1):
        lines.append(f"{i} {int(t)} {r[0]:.10g} {r[1]:.10g} {r[2]:.10g}")
    return "\n".join(lines) + "\n"


def stacked_cubic_lattice(
    kind: str, a: float, lateral: tuple[int, int], cells: tuple[int, int], shift: float
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """A periodic A|B stack of one cubic lattice along [001], made by the builder of a user's interface.

    ASE's conventional cubic cell of ``kind`` ("fcc" or "diamond", lattice constant ``a``) is stacked
    ``cells[0]`` + ``cells[1]`` times along z by :func:`~kapitza.atomistic.stacking.stack_crystals` (one lattice:
    the lateral match is the conventional cell itself, no strain) and repeated ``lateral`` times across the plane
    (:func:`~kapitza.atomistic.structures.repeat_lateral`).  The origin is moved by ``shift`` * a along x, y and z
    (so no plane sits on a cell face) and the atoms are ordered by z, then y, then x.

    Returns the positions (the length unit of ``a``) and the LAMMPS types (1 for A, 2 for B).
    """
    from ase.build import bulk

    from .stacking import stack_crystals
    from .structures import repeat_lateral

    crystal = bulk("Si" if kind == "diamond" else "Ar", kind, a=a, cubic=True)  # the symbol only names the sites
    structure = stack_crystals(crystal, crystal, normal=(0, 0, 1), cells=cells, max_atoms=2**62)
    structure = repeat_lateral(structure, lateral)
    positions = np.array(structure.atoms.positions, dtype=float)
    positions[:, 2] -= positions[:, 2].min()
    positions += shift * a
    key = np.rint(positions / a * 64).astype(np.int64)  # exact sort keys: sites sit on multiples of a/8
    order = np.lexsort((key[:, 0], key[:, 1], key[:, 2]))
    return positions[order], (np.asarray(structure.side)[order] + 1).astype(np.int64)


def stacked_bicrystal(
    kind: str,
    a: float,
    lateral: tuple[int, int],
    cells: tuple[int, int],
    shift: float,
    mixing_layers: int,
    seed: int | None,
    periodic: bool,
    max_atoms: int,
) -> tuple[NDArray[np.float64], NDArray[np.int64], int | None, NDArray[np.float64], NDArray[np.float64]]:
    """The built-in bicrystal of cubic lattice ``kind`` ("fcc": 4 atoms and 2 (001) planes a cell; "diamond": 8
    and 4): the atom count and the mixed zones checked (InputError), the lattice stacked
    (:func:`stacked_cubic_lattice`), the interfaces mixed (:func:`mix_interfaces`).  ``lateral``, ``cells``,
    ``mixing_layers`` and ``seed`` already checked as counts.  Returns positions, types, the seed used, the box and
    the interface planes z (0 and n_a a, or n_a a alone for fixed ends)."""
    per_cell, planes = {"fcc": (4, 2), "diamond": (8, 4)}[kind]
    n_atoms = per_cell * lateral[0] * lateral[1] * (cells[0] + cells[1])
    if n_atoms > max_atoms:
        raise InputError(f"the bicrystal would have {n_atoms} atoms (limit {max_atoms}; raise with max_atoms=)")
    if 2 * mixing_layers > planes * min(cells):
        raise InputError(
            f"mixing_layers={mixing_layers} needs at least {2 * mixing_layers / planes:g} cells on each side "
            f"(cells_a={cells[0]}, cells_b={cells[1]}): the two interfaces' mixed zones would overlap"
        )
    positions, types = stacked_cubic_lattice(kind, a, lateral, cells, shift)
    plane = np.rint((positions[:, 2] / a - shift) * planes).astype(np.int64)  # 0 .. planes n_z - 1
    n_z = cells[0] + cells[1]
    types, seed = mix_interfaces(types, plane, planes * cells[0], planes * n_z, mixing_layers, seed, periodic)
    box = np.array([lateral[0] * a, lateral[1] * a, n_z * a])
    interfaces = np.array([0.0, cells[0] * a] if periodic else [cells[0] * a])
    return positions, types, seed, box, interfaces


def mix_interfaces(
    types: NDArray[np.int64],
    plane: NDArray[np.int64],
    n_planes_a: int,
    n_planes: int,
    mixing_layers: int,
    seed: int | None,
    periodic: bool = True,
) -> tuple[NDArray[np.int64], int | None]:
    """Randomise ``mixing_layers`` planes on each side of both interfaces of a periodic A|B stack.

    ``plane`` is each atom's atomic-plane index along z (0 .. ``n_planes`` - 1, planes 0 .. ``n_planes_a`` - 1
    are A); on the j-th of the 2L mixed planes, counted from the A side, a site is B with probability
    (j - 1/2)/(2L).  ``periodic=False`` (fixed ends): only the interface at
    z = n_A a is mixed.  Returns the new types and the seed used (drawn if None; None when nothing is mixed).
    """
    if mixing_layers == 0:
        return types, None
    if seed is None:
        seed = int(np.random.SeedSequence().entropy % (2**31 - 1))
    rng = np.random.default_rng(seed)
    types = types.copy()
    p_b = np.full(n_planes, np.nan)
    for j in range(1, 2 * mixing_layers + 1):
        prob = (j - 0.5) / (2 * mixing_layers)
        p_b[(n_planes_a - mixing_layers + j - 1) % n_planes] = prob  # interface at z = n_a a (A below)
        if periodic:
            p_b[(n_planes - mixing_layers + j - 1) % n_planes] = 1.0 - prob  # interface at z = 0 (B below)
    mixed = ~np.isnan(p_b[plane])
    draw = rng.random(int(mixed.sum()))
    types[mixed] = np.where(draw < p_b[plane[mixed]], 2, 1)
    return types, seed


def build_lj_bicrystal(
    n_x: int,
    n_y: int,
    cells_a: int,
    cells_b: int,
    mass_a: float = 1.0,
    mass_b: float = 1.0,
    *,
    epsilon_a: float = 1.0,
    epsilon_b: float = 1.0,
    lattice_constant: float = LJ_FCC_LATTICE_CONSTANT,
    mixing_layers: int = 0,
    seed: int | None = None,
    periodic: bool = True,
    max_atoms: int = 2_000_000,
) -> LJBicrystal:
    """Build a periodic LJ fcc bicrystal, A (``cells_a`` cells) then B (``cells_b`` cells) along z.

    Parameters
    ----------
    n_x, n_y : int
        Conventional cells across the interface (x, y).
    cells_a, cells_b : int
        Conventional cells of A and of B along z (two atomic planes per cell).
    mass_a, mass_b : float
        Atomic masses (LJ mass unit).
    epsilon_a, epsilon_b : float
        LJ well depths (LJ energy unit); the A-B pair uses their geometric mean.
    lattice_constant : float
        Cubic lattice constant (sigma); default :data:`LJ_FCC_LATTICE_CONSTANT`.
    mixing_layers : int
        Planes randomised on each side of each interface (0: sharp interfaces).
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
    masses = np.array(
        [_checks.positive(mass_a, "mass_a=", "LJ mass units"), _checks.positive(mass_b, "mass_b=", "LJ mass units")]
    )
    epsilons = np.array(
        [
            _checks.positive(epsilon_a, "epsilon_a=", "LJ energy units"),
            _checks.positive(epsilon_b, "epsilon_b=", "LJ energy units"),
        ]
    )
    a = _checks.positive(lattice_constant, "lattice_constant=", "sigma")
    mixing_layers = _checks.count(mixing_layers, "mixing_layers=", 0)
    if seed is not None:
        _checks.count(seed, "seed=", 0)
    positions, types, seed, box, interfaces = stacked_bicrystal(
        "fcc", a, (n_x, n_y), (cells_a, cells_b), _FCC_SHIFT, mixing_layers, seed, periodic, max_atoms
    )
    return LJBicrystal(
        positions=positions,
        types=types,
        box=box,
        masses=masses,
        epsilons=epsilons,
        lattice_constant=a,
        cells=(n_x, n_y, cells_a, cells_b),
        interfaces_z=interfaces,
        mixing_layers=mixing_layers,
        seed=seed,
    )
