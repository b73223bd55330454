r"""Interface structures: two crystals stacked along a normal, optionally intermixed.

:func:`build_interface` makes the atomistic model of a planar, coherent
(epitaxial, cube-on-cube) interface between two cubic crystals, periodic in
the plane of the interface and finite along the normal, which is the z axis
of the cell.  The stack is made of *cells*: repetitions of the conventional
period of each crystal along the normal (a for [001], a/sqrt(2) for [110],
a sqrt(3) for [111] in diamond and fcc); :class:`InterfaceStructure`
records, per atom, the cell it belongs to and the crystal of its lattice
site, so that the AGF solver can cut lead principal layers out of the ends.

Two ways to join two materials
------------------------------
``mass_only=True`` (the *mass-mismatch* model used by many AGF studies of
Si/Ge with Stillinger-Weber silicon): every site is a site of the left
crystal, at its lattice constant, and the right crystal differs only by its
atomic mass.  The chemical symbols stay those of the left crystal (so a
one-element potential describes all bonds); the masses and the per-atom
``species`` labels say which side an atom is on.

``mass_only=False`` (a genuine heterointerface): each crystal keeps its own
species.  A coherent interface needs one in-plane lattice constant; by
default it is the mean of the two (``in_plane="mean"``: both crystals
strained equally, in opposite senses), or that of one side (``"left"``,
``"right"``: a substrate and a pseudomorphic film), or a number in A.  Along
the normal each crystal keeps its own bulk period (no Poisson relaxation),
and the gap between the last plane of the left crystal and the first plane
of the right one is the mean of the two bulk gaps.  Positions are not
relaxed: the harmonic force constants are taken at these positions.

Intermixing
-----------
``mixing_layers = L`` randomises the L atomic planes on each side of the
interface: on the j-th of the 2L planes (counted from the left) every site
takes the right crystal's species (and mass) with probability
:math:`p_j = (j - 1/2)/(2L)` and the left one's otherwise, a linear
composition profile across the interface (the graded-alloy picture of
intermixing used, e.g., by Tian, Esfarjani & Chen, Phys. Rev. B 86, 235304
(2012)).  The random seed is recorded in the result (drawn and recorded if
not given), so any structure can be rebuilt exactly.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import field
from types import MappingProxyType
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..errors import InputError, optional_module
from ..io.results import result
from ..units import ANGSTROM

#: In-plane x, y and normal z directions (Miller indices of the cubic cell) for each supported normal.
NORMALS: Mapping[str, tuple[tuple[int, int, int], ...]] = MappingProxyType(
    {
        "001": ((1, 0, 0), (0, 1, 0), (0, 0, 1)),
        "110": ((0, 0, 1), (1, -1, 0), (1, 1, 0)),
        "111": ((1, -1, 0), (1, 1, -2), (1, 1, 1)),
    }
)
#: Crystal structures the builder knows (ASE reference-state names).
STRUCTURES = ("diamond", "fcc", "bcc", "sc")
#: Largest structure :func:`repeat_lateral` makes (atoms): beyond it no LAMMPS run or AGF here is practical.
MAX_REPEATED_ATOMS = 1_000_000
#: Planes closer than this along z (A) are one atomic plane.
PLANE_TOLERANCE = 1e-3


@result
class InterfaceStructure:
    """An interface model: two crystals stacked along z, periodic in the plane.

    Attributes
    ----------
    atoms : ase.Atoms
        Positions in A (ASE's convention); cell rows a1, a2 in the plane (z = 0)
        and a3 along z spanning the stack; periodic in-plane.  Masses are set
        per atom (the mass-mismatch model changes only masses).
    species : tuple of str
        What each atom stands for ("Si", "Ge", ...), shape (n_atoms,); equals
        the chemical symbols except in the mass-mismatch model.
    cell_index : ndarray
        Which cell along z each atom belongs to, 0 .. n_cells-1, shape (n_atoms,).
    side : ndarray
        0 for a site of the left crystal's lattice, 1 for the right one's, shape (n_atoms,).
    periods : tuple of float
        Height of one cell of the left and right crystal along z, m.
    cells : tuple of int
        Number of cells of each crystal.
    description : Mapping
        Everything that made the structure (JSON-able): materials, normal,
        lattice constants (A), strain choice, mixing, seed.
    """

    atoms: Any
    species: tuple[str, ...]
    cell_index: NDArray[np.int64]
    side: NDArray[np.int64]
    periods: tuple[float, float]
    cells: tuple[int, int]
    description: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        from ase import Atoms

        if not isinstance(self.atoms, Atoms):  # e.g. a saved file's text in its place (kapitza.load)
            raise InputError(
                f"an InterfaceStructure holds ase.Atoms, got {type(self.atoms).__name__} (its atoms are not kept in a "
                "saved result: read the structure file again, kapitza.atomistic.structure_file.read_structure)"
            )
        n = len(self.atoms)
        if len(self.species) != n or self.cell_index.shape != (n,) or self.side.shape != (n,):
            raise InputError("species, cell_index and side must have one entry per atom")
        object.__setattr__(self, "description", MappingProxyType(dict(self.description)))

    @property
    def n_cells(self) -> int:
        return int(self.cells[0] + self.cells[1])

    @property
    def lateral_cell(self) -> NDArray[np.float64]:
        """In-plane lattice vectors as rows, m, shape (2, 3)."""
        return np.asarray(self.atoms.cell)[:2] * ANGSTROM

    @property
    def area(self) -> float:
        """Cross-section of the lateral cell, m^2."""
        a1, a2 = self.lateral_cell
        return float(np.linalg.norm(np.cross(a1, a2)))

    def cell_atoms(self, index: int) -> NDArray[np.int64]:
        """Indices of the atoms of cell ``index`` (negative counts from the right end)."""
        k = index % self.n_cells
        return np.flatnonzero(self.cell_index == k)


def _ase() -> Any:
    return optional_module("ase.lattice.cubic", "agf", "building interface structures")


def repeat_lateral(structure: InterfaceStructure, lateral: tuple[int, int]) -> InterfaceStructure:
    """The structure repeated ``lateral`` = (N1, N2) times in the plane (ASE's ``repeat`` order: N1 N2 blocks of
    the original atoms); every per-atom array follows, the description records the repetition."""
    n1, n2 = (int(v) for v in lateral)
    if n1 < 1 or n2 < 1:
        raise InputError(f"lateral repetitions must be >= 1, got {lateral!r}")
    copies = n1 * n2
    total = copies * len(structure.atoms)
    if total > MAX_REPEATED_ATOMS:
        raise InputError(
            f"{n1}x{n2} lateral repetitions of {len(structure.atoms)} atoms make {total} atoms, more than "
            f"{MAX_REPEATED_ATOMS}"
        )
    description = dict(structure.description)
    description["lateral_repeat"] = [n1, n2]
    return InterfaceStructure(
        atoms=structure.atoms.repeat((n1, n2, 1)),
        species=tuple(structure.species) * copies,
        cell_index=np.tile(structure.cell_index, copies),
        side=np.tile(structure.side, copies),
        periods=structure.periods,
        cells=structure.cells,
        description=description,
    )


def crystal_structure(symbol: str) -> str:
    """ASE's reference crystal structure of an element ("diamond", "fcc", ...)."""
    from ase.data import atomic_numbers, reference_states

    if symbol not in atomic_numbers:
        raise InputError(f"unknown chemical symbol {symbol!r}")
    state = reference_states[atomic_numbers[symbol]]
    kind = None if state is None else state.get("symmetry")
    if kind not in STRUCTURES:
        raise InputError(
            f"{symbol} is {kind or 'not a crystal'} in ASE's reference data; the builder handles "
            f"{', '.join(STRUCTURES)} crystals"
        )
    return str(kind)


def _cell(symbol: str, normal: str, a: float) -> Any:
    cubic = _ase()
    kind = crystal_structure(symbol)
    factory = {
        "diamond": cubic.Diamond,
        "fcc": cubic.FaceCenteredCubic,
        "bcc": cubic.BodyCenteredCubic,
        "sc": cubic.SimpleCubic,
    }[kind]
    atoms = factory(
        directions=[list(d) for d in NORMALS[normal]], size=(1, 1, 1), symbol=symbol, latticeconstant=a, pbc=True
    )
    atoms.wrap()
    return atoms


def _normal(normal: str) -> str:
    key = str(normal).strip().strip("[]()").replace(",", "").replace(" ", "")
    if key not in NORMALS:
        raise InputError(f"unknown interface normal {normal!r}; expected one of {', '.join(NORMALS)}")
    return key


def build_interface(
    left: str,
    right: str,
    normal: str = "001",
    *,
    lattice_constants_angstrom: tuple[float, float],
    cells: tuple[int, int] = (6, 6),
    lateral: tuple[int, int] = (1, 1),
    mass_only: bool = False,
    masses_amu: tuple[float | None, float | None] = (None, None),
    in_plane: str | float = "mean",
    mixing_layers: int = 0,
    seed: int | None = None,
) -> InterfaceStructure:
    """Stack ``cells[0]`` cells of ``left`` on ``cells[1]`` cells of ``right`` along ``normal``.

    Parameters
    ----------
    left, right : str
        Chemical symbols of the two crystals (cubic: diamond, fcc, bcc, sc).
    normal : {"001", "110", "111"}
        Interface normal, a cubic direction; it becomes the z axis.
    lattice_constants_angstrom : (float, float)
        Cubic lattice constants of left and right in A.  In the mass-mismatch
        model only the first is used.
    cells : (int, int)
        Cells of each crystal along z (each >= 1).
    lateral : (int, int)
        Repetitions of the smallest lateral cell in the plane.
    mass_only : bool
        Mass-mismatch model: right sites are left-crystal sites with the right crystal's mass.
    masses_amu : (float or None, float or None)
        Atomic masses in amu; None takes ASE's standard atomic weight.
    in_plane : "mean", "left", "right" or float
        Common in-plane lattice constant of a genuine heterointerface (A if a number).
    mixing_layers : int
        Atomic planes on each side of the interface that are randomly intermixed (0: sharp).
    seed : int, optional
        Seed of the intermixing; drawn (and recorded) if None.

    Returns
    -------
    InterfaceStructure
    """
    from ase import Atoms

    normal = _normal(normal)
    n_left, n_right, l1, l2, a_left, a_right, mix = _check_sizes(
        left, right, cells, lateral, lattice_constants_angstrom, mixing_layers
    )
    mass = _masses(left, right, masses_amu)
    a_right, a_par, strain = _in_plane(left, right, a_left, a_right, in_plane, mass_only)
    cl, cr = (
        _lateral_block(sym, normal, a, a_par, (l1, l2))
        for sym, a in ((left, a_left), (left if mass_only else right, a_right))
    )
    if cl.cell[0] @ cr.cell[0] <= 0 or not np.allclose(cl.cell[:2], cr.cell[:2], atol=1e-8):
        raise InputError(
            f"{left} and {right} have different lateral cells along [{normal}]; "
            "the builder joins crystals of one structure type"
        )
    pos, cell, symbols, cell_idx, side_arr, (height_l, height_r) = _stack(cl, n_left, cr, n_right)
    species = [left if s == 0 else right for s in side_arr]
    masses_arr = np.where(side_arr == 0, mass[0], mass[1]).astype(float)

    if seed is None:
        seed = int(np.random.SeedSequence().generate_state(1)[0])
    seed = int(seed)
    if mix:
        _intermix(
            pos[:, 2], side_arr, mix, seed, (left, right), mass, species, masses_arr, None if mass_only else symbols
        )
    atoms = Atoms(symbols=symbols, positions=pos, cell=cell, pbc=(True, True, True))
    atoms.set_masses(masses_arr)
    description = {
        "left": left,
        "right": right,
        "normal": normal,
        "lattice_constants_A": [a_left, a_right],
        "in_plane_lattice_constant_A": a_par,
        "strain": strain,
        "mass_only": bool(mass_only),
        "masses_amu": mass,
        "cells": [n_left, n_right],
        "lateral": [l1, l2],
        "mixing_layers": mix,
        "seed": seed,
    }
    return InterfaceStructure(
        atoms=atoms,
        species=tuple(species),
        cell_index=np.array(cell_idx, dtype=np.int64),
        side=side_arr,
        periods=(height_l * ANGSTROM, height_r * ANGSTROM),
        cells=(n_left, n_right),
        description=description,
    )


def _check_sizes(
    left: str,
    right: str,
    cells: tuple[int, int],
    lateral: tuple[int, int],
    lattice_constants_angstrom: tuple[float, float],
    mixing_layers: int,
) -> tuple[int, int, int, int, float, float, int]:
    """Known symbols, cells and lateral repetitions >= 1, positive lattice constants (A), mixing_layers >= 0.

    Returns (cells left, cells right, lateral 1, lateral 2, a left, a right, mixing layers).
    """
    from ase.data import atomic_numbers

    for sym in (left, right):
        if sym not in atomic_numbers:
            raise InputError(f"unknown chemical symbol {sym!r}")
    n_left, n_right = (int(c) for c in cells)
    if n_left < 1 or n_right < 1:
        raise InputError(f"cells must be >= 1 on each side, got {cells!r}")
    l1, l2 = (int(v) for v in lateral)
    if l1 < 1 or l2 < 1:
        raise InputError(f"lateral repetitions must be >= 1, got {lateral!r}")
    a_left, a_right = (float(v) for v in lattice_constants_angstrom)
    for name, a in (("left", a_left), ("right", a_right)):
        if not np.isfinite(a) or a <= 0:
            raise InputError(
                f"lattice_constants_angstrom: the {name} lattice constant must be a positive length in A, got {a:g}"
            )
    mix = int(mixing_layers)
    if mix < 0:
        raise InputError(f"mixing_layers must be >= 0, got {mixing_layers!r}")
    return n_left, n_right, l1, l2, a_left, a_right, mix


def _masses(left: str, right: str, masses_amu: tuple[float | None, float | None]) -> list[float]:
    """The two atomic masses in amu: the given ones, ASE's standard atomic weight for None; each > 0."""
    from ase.data import atomic_masses, atomic_numbers

    mass = [
        float(atomic_masses[atomic_numbers[s]]) if m is None else float(m) for s, m in zip((left, right), masses_amu)
    ]
    if any(not np.isfinite(m) or m <= 0 for m in mass):
        raise InputError(f"masses_amu must be positive numbers in amu, got {masses_amu!r}")
    return mass


def _in_plane(
    left: str, right: str, a_left: float, a_right: float, in_plane: str | float, mass_only: bool
) -> tuple[float, float, str]:
    """(right lattice constant, common in-plane lattice constant, strain description), lengths in A.

    The mass-mismatch model uses the left lattice on both sides; a heterointerface strains both crystals
    in the plane to the mean, the left, the right or a given constant and keeps their bulk periods along z.
    """
    if mass_only:
        if crystal_structure(left) != crystal_structure(right):
            raise InputError(f"the mass-mismatch model needs one crystal structure; {left} and {right} differ")
        return a_left, a_left, "none (mass-mismatch model: one lattice)"
    if isinstance(in_plane, str):
        choice = in_plane.strip().lower()
        if choice not in ("mean", "left", "right"):
            raise InputError(f"in_plane must be 'mean', 'left', 'right' or a length in A, got {in_plane!r}")
        a_par = {"mean": 0.5 * (a_left + a_right), "left": a_left, "right": a_right}[choice]
        return a_right, a_par, f"in-plane lattice constant = {choice} ({a_par:.6g} A); bulk periods along the normal"
    a_par = float(in_plane)
    if not np.isfinite(a_par) or a_par <= 0:
        raise InputError(f"in_plane must be a positive length in A, got {in_plane!r}")
    return a_right, a_par, f"in-plane lattice constant {a_par:.6g} A; bulk periods along the normal"


def _lateral_block(symbol: str, normal: str, a: float, a_par: float, lateral: tuple[int, int]) -> Any:
    """One conventional cell (lattice constant ``a``, A) strained in the plane to ``a_par`` and repeated laterally."""
    cell = _cell(symbol, normal, a)
    scale = np.diag([a_par / a, a_par / a, 1.0])
    cell.set_cell(np.asarray(cell.cell) @ scale, scale_atoms=True)
    return cell.repeat((lateral[0], lateral[1], 1))


def _stack(
    cl: Any, nl: int, cr: Any, nr: int
) -> tuple[NDArray[np.float64], NDArray[np.float64], list[str], list[int], NDArray[np.int64], tuple[float, float]]:
    """``nl`` blocks ``cl`` then ``nr`` blocks ``cr`` along z, the interface gap the mean of the two bulk gaps.

    Returns positions (A), the cell (A), symbols, each atom's cell index and side (0 left, 1 right), and the
    two periods along z (A).
    """
    height_l, height_r = float(cl.cell[2, 2]), float(cr.cell[2, 2])
    zl, zr = np.sort(cl.positions[:, 2]), np.sort(cr.positions[:, 2])
    gap_l = height_l - (zl.max() - zl.min())  # bulk gap from the last plane of a cell to the next cell's first
    gap_r = height_r - (zr.max() - zr.min())
    positions, symbols, cell_idx, side = [], [], [], []
    for i in range(nl):
        positions.append(cl.positions + [0.0, 0.0, i * height_l - zl.min()])
        symbols += cl.get_chemical_symbols()
        cell_idx += [i] * len(cl)
        side += [0] * len(cl)
    top_left = (nl - 1) * height_l + (zl.max() - zl.min())
    start_right = top_left + 0.5 * (gap_l + gap_r)
    for i in range(nr):
        positions.append(cr.positions + [0.0, 0.0, start_right + i * height_r - zr.min()])
        symbols += cr.get_chemical_symbols()
        cell_idx += [nl + i] * len(cr)
        side += [1] * len(cr)
    cell = np.array([cl.cell[0], cl.cell[1], [0.0, 0.0, top_left + 0.5 * (gap_l + gap_r) + nr * height_r]])
    return np.vstack(positions), cell, symbols, cell_idx, np.array(side, dtype=np.int64), (height_l, height_r)


def _intermix(
    z: NDArray[np.float64],
    side: NDArray[np.int64],
    mix: int,
    seed: int,
    names: tuple[str, str],
    mass: list[float],
    species: list[str],
    masses: NDArray[np.float64],
    symbols: list[str] | None,
) -> None:
    """Intermix ``mix`` atomic planes on each side of the interface, in place.

    In the j-th of the 2 mix planes (from the left) an atom is the right species with probability
    (j + 1/2) / (2 mix), a linear profile; ``symbols`` (None in the mass-mismatch model) follow the species.
    """
    planes = _planes(z)
    interface_plane = int(planes[side == 1].min())
    rng = np.random.default_rng(seed)
    lo = interface_plane - mix
    if lo < 0 or interface_plane + mix > planes.max() + 1:
        raise InputError(f"mixing_layers={mix} reaches beyond the structure; add cells")
    left, right = names
    for j, plane in enumerate(range(lo, interface_plane + mix)):
        p = (j + 0.5) / (2 * mix)
        for atom in np.flatnonzero(planes == plane):
            to_right = rng.random() < p
            species[atom] = right if to_right else left
            masses[atom] = mass[1] if to_right else mass[0]
            if symbols is not None:
                symbols[atom] = right if to_right else left


def _planes(z: NDArray[np.float64]) -> NDArray[np.int64]:
    """Index of the atomic plane (sorted along z) of each atom."""
    order = np.argsort(z)
    zs = z[order]
    new = np.concatenate([[0], (np.diff(zs) > PLANE_TOLERANCE).astype(np.int64)])
    idx = np.empty(z.size, dtype=np.int64)
    idx[order] = np.cumsum(new)
    return idx


#: The stacking and intermixing rules, shared with the builder from two bulk crystals (stacking.py).
stack_blocks, intermix_planes = _stack, _intermix

__all__ = [
    "NORMALS",
    "repeat_lateral",
    "InterfaceStructure",
    "build_interface",
    "crystal_structure",
]
