r"""An interface from two bulk crystals: orient, match laterally, strain, stack, intermix, relax.

:func:`stack_crystals` takes two bulk crystals (ASE ``Atoms``, an ASE ``bulk`` name or keyword dict, or a
CIF/POSCAR file) and a normal given as Miller indices (hkl) of the plane in each crystal's *conventional* cell:
the cubic cell of an fcc, bcc, diamond or rock-salt crystal ((0, 0, 1) is the cube face, [001]), the hexagonal
cell of a hexagonal crystal ((0, 0, 1) is [0001]; rhombohedral crystals in their hexagonal axes), the
body-centred tetragonal one of a bct crystal.  A crystal given in a primitive cell of a centred lattice (ASE's
``bulk("Cu")``, ``NAME:fcc:a=..`` on the command line, a primitive CIF or POSCAR) is first expanded to its
conventional cell (:func:`conventional_cell`, the centring found by spglib), so that (0, 0, 1) means the same
plane however the crystal was given; a cell that is already conventional, or larger (an orthorhombic wurtzite
cell, a supercell), is kept with its own axes.  Each crystal is

0. *made conventional* (above);
1. *oriented*: a primitive basis of its lattice vectors in the plane (the integer solutions of
   :math:`hu + kv + lw = 0`, Gauss-reduced) becomes a1, a2 in the xy plane, and its shortest lattice vector
   along the normal becomes a3 along +z, so one cell is an orthogonal repeat of the bulk along the normal
   (refused when no lattice vector along the normal lies within :data:`MAX_PERIOD_INDEX` cells);
2. *matched*: :func:`~kapitza.atomistic.matching.match_lattices` (Zur & McGill, J. Appl. Phys. 55, 378
   (1984)) finds the smallest common lateral supercell within ``max_strain``;
3. *strained*: each crystal's lateral supercell is mapped onto the common cell (B also turned about the
   normal by the match's rotation); each keeps its own bulk period along the normal (no Poisson
   relaxation);
4. *stacked*: ``cells[0]`` periods of A below ``cells[1]`` of B, with the gap between the last plane of A
   and the first of B the mean of the two bulk interplanar gaps (the rule of
   :mod:`~kapitza.atomistic.structures`), or ``gap_angstrom``;
5. *intermixed* (optional) by the linear-profile rule of :mod:`~kapitza.atomistic.structures`.

:func:`relax` then minimises the positions with ASE's BFGS on any ASE calculator, optionally with the
outermost period of each lead fixed, and reports the largest residual force.  Lengths are in A at this edge
(ASE's unit); the periods of the returned :class:`~kapitza.atomistic.structures.InterfaceStructure` are in m.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import os
import warnings
from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .. import _checks
from ..errors import InputError, MissingDependencyError, optional_module
from ..units import ANGSTROM
from .bulk import MAX_CRYSTAL_ATOMS, check_crystal_size, check_gaps
from .matching import DEFAULT_MAX_INDEX, DEFAULT_MAX_STRAIN, STRAIN_ON, LatticeMatch, match_lattices
from .structures import InterfaceStructure, intermix_planes, stack_blocks

#: Largest integer index searched for the lattice vector along the normal (and for in-plane vectors).
MAX_PERIOD_INDEX = 8
#: Largest strain searched when ``allow_strain=True`` asks for the best match beyond ``max_strain``.
MAX_SEARCH_STRAIN = 0.25
#: Tolerance (A) of the symmetry search that finds a crystal's centring: pymatgen's default ``symprec``, loose
#: enough for positions printed with four or five decimals in a CIF.
SYMPREC_ANGSTROM = 0.01


def _ase_build() -> Any:
    try:
        import ase.build
        import ase.io  # noqa: F401
    except ImportError:
        raise MissingDependencyError("ase", "agf", "building interfaces from bulk crystals") from None
    return ase.build


#: Largest lattice constant of a bulk crystal given by its numbers (A); a bulk cell's vectors stay below ten times it.
MAX_LATTICE_CONSTANT = 100.0


def bulk_crystal(spec: Any, name: str) -> Any:
    """An ASE ``Atoms`` bulk crystal, in its conventional cell, from Atoms, a keyword dict for ``ase.build.bulk``,
    a file path or a name.

    A string is read as a structure file (CIF, POSCAR, ... through ``ase.io.read``) when such a file exists,
    otherwise passed to ``ase.build.bulk`` as a name ("Al", "Si") with ``cubic=True`` where ASE can.  A dict is
    passed as it is.  Whatever the source, a primitive cell of a centred lattice is then expanded to the
    conventional cell (:func:`conventional_cell`), so that Miller indices are those of the conventional cell.
    """
    return _bulk(spec, name)[0]


def _bulk(spec: Any, name: str) -> tuple[Any, int]:
    """:func:`bulk_crystal` and the number of given cells its conventional cell holds (1: kept as given)."""
    build = _ase_build()
    from ase import Atoms

    if isinstance(spec, Atoms):
        atoms = spec.copy()
    elif isinstance(spec, Mapping):
        for key in ("a", "b", "c"):  # a = -3 built a mirrored crystal, a = 1e308 numpy warnings and no match
            if key in spec:
                _checks.between(spec[key], f"{name}: lattice constant {key}", "A", 0.5, MAX_LATTICE_CONSTANT)
        try:
            atoms = build.bulk(**dict(spec))
        except (TypeError, ValueError, KeyError, RuntimeError) as exc:
            raise InputError(f"{name}: ase.build.bulk cannot make {dict(spec)!r}: {exc}") from None
    elif isinstance(spec, str | os.PathLike) and os.path.isfile(spec):
        atoms = _read(spec, name)
    elif isinstance(spec, str):
        try:
            atoms = _named_bulk(build, spec)
        except (TypeError, ValueError, KeyError, RuntimeError) as exc:
            raise InputError(
                f"{name}: {spec!r} is neither a structure file nor a bulk crystal ASE knows: {exc}"
            ) from None
    else:
        raise InputError(f"{name} must be ASE Atoms, a dict for ase.build.bulk, a file path or a name, got {spec!r}")
    check_crystal_size(len(atoms), name)  # before spglib's symmetry search, whose cost grows faster than the atoms
    cell = np.asarray(atoms.cell, dtype=float)
    if not np.all(np.isfinite(cell)) or np.abs(cell).max() > MAX_LATTICE_CONSTANT * 10:
        raise InputError(
            f"{name}: the crystal's cell must be finite, its vectors at most {MAX_LATTICE_CONSTANT * 10:g} A"
        )
    if len(atoms) == 0 or abs(atoms.cell.volume) < 1e-9:
        raise InputError(f"{name}: the crystal needs atoms and a 3D periodic cell")
    check_gaps(atoms, name)  # a slab with vacuum is no bulk crystal to stack
    return conventional_cell(atoms, name)


def conventional_cell(atoms: Any, name: str = "crystal") -> tuple[Any, int]:
    """The crystal in its conventional cell, and how many of the given cells that cell holds (1: kept as given).

    The centring comes from spglib's symmetry search (tolerance :data:`SYMPREC_ANGSTROM`): its transformation
    :math:`(a_s, b_s, c_s) = (a, b, c) P^{-1}` to the conventional setting.  Only when :math:`P^{-1}` is an integer
    matrix of determinant n > 1 (the cell given is a primitive cell of a centred lattice: n = 2 for bcc and bct,
    3 for rhombohedral, 4 for fcc and diamond) is the crystal rebuilt on the conventional vectors, integer
    combinations of the given ones (``ase.build.make_supercell``: the given atoms, masses and arrays repeated,
    nothing idealised); a cell that is already conventional, or larger, is returned as given.

    Parameters
    ----------
    atoms : ase.Atoms
        A bulk crystal (periodic in 3D), lengths in A.
    name : str
        How to name the crystal in an error.

    Returns
    -------
    (ase.Atoms, int)
    """
    spglib = optional_module("spglib", "agf", "finding the conventional cell of a bulk crystal")
    cell = (np.asarray(atoms.cell), atoms.get_scaled_positions(), atoms.numbers)
    try:
        with warnings.catch_warnings():  # spglib 2.x warns of its own error-handling switch on every call
            warnings.simplefilter("ignore", DeprecationWarning)
            dataset = spglib.get_symmetry_dataset(cell, symprec=SYMPREC_ANGSTROM)
    except Exception:  # spglib raises its own error types on degenerate cells; the cell then stays as given
        dataset = None
    if dataset is None:
        return atoms, 1
    matrix = getattr(dataset, "transformation_matrix", None)
    if matrix is None:  # spglib < 2.5 returns a dict
        matrix = dataset["transformation_matrix"]
    to_conventional = np.linalg.inv(np.asarray(matrix, dtype=float)).T  # rows: a_s = M a
    rounded = np.rint(to_conventional)
    n = int(round(abs(np.linalg.det(rounded))))
    if not np.allclose(to_conventional, rounded, atol=1e-6) or n <= 1:
        return atoms, 1
    build = _ase_build()
    rows = rounded.astype(np.int64)
    if np.linalg.det(rows) < 0:
        rows = -rows  # a right-handed cell
    conventional = build.make_supercell(atoms, rows, wrap=True)
    if len(conventional) != n * len(atoms):  # pragma: no cover - make_supercell fills the cell exactly
        raise InputError(f"{name}: the conventional cell of the crystal could not be filled")
    return conventional, n


def _named_bulk(build: Any, name: str) -> Any:
    """ASE's reference crystal of ``name``: its cubic conventional cell where it has one (so (0, 0, 1) is the
    cubic [001], as a reader of Miller indices expects), its primitive cell otherwise (hcp: (0, 0, 1) = [0001])."""
    try:
        return build.bulk(name, cubic=True)
    except RuntimeError:  # ASE: no cubic cell for this structure (hcp, wurtzite, ...)
        return build.bulk(name)


def _read(path: Any, name: str) -> Any:
    """One structure from a file the user pointed to (ASE reads data formats only; no pickle formats)."""
    from .structure_file import read_atoms

    if str(path).lower().endswith((".traj", ".pckl", ".pkl", ".pickle")):
        raise InputError(
            f"{name}: {path}: read bulk crystals from CIF, POSCAR or extxyz, not {os.path.splitext(path)[1]}"
        )
    try:  # the one structure reader: data formats only, counts and cell checked before and after ASE reads
        return read_atoms(path, index=-1, max_atoms=MAX_CRYSTAL_ATOMS, what="file")[0]
    except InputError as exc:  # the reader's line names the path already; the name is added where it says more
        said = str(exc)
        raise InputError(said if said.startswith((f"{path}:", f"{name}:")) else f"{name}: {said}") from None


def _miller(normal: Any) -> NDArray[np.int64]:
    try:
        hkl = np.array([int(v) for v in normal], dtype=np.int64)
        exact = all(float(v) == int(v) for v in normal)
    except (TypeError, ValueError):
        raise InputError(f"normal must be three integer Miller indices, got {normal!r}") from None
    if hkl.shape != (3,) or not exact or not hkl.any():
        raise InputError(f"normal must be three integer Miller indices, not all zero, got {normal!r}")
    return hkl // math.gcd(*(int(v) for v in hkl))


def _integer_vectors(bound: int) -> NDArray[np.int64]:
    """Every nonzero integer vector with entries in [-bound, bound], shape (n, 3)."""
    r = range(-bound, bound + 1)
    grid = np.array(list(itertools.product(r, r, r)), dtype=np.int64)
    return grid[np.any(grid != 0, axis=1)]


def _orientation(atoms: Any, hkl: NDArray[np.int64], name: str) -> NDArray[np.int64]:
    """Integer rows (in units of the crystal's cell vectors): two in-plane basis vectors and the period along z.

    The in-plane pair is a primitive basis of the plane lattice (their integer cross product is +-hkl); the
    third is the shortest lattice vector parallel to the plane normal, pointing along it.
    """
    cell = np.asarray(atoms.cell)
    recip = np.linalg.inv(cell).T  # rows b_i with a_i . b_j = delta_ij
    n = hkl @ recip
    n /= np.linalg.norm(n)
    vec = _integer_vectors(MAX_PERIOD_INDEX)
    cart = vec @ cell
    length = np.linalg.norm(cart, axis=1)
    along = np.abs(np.linalg.norm(np.cross(cart, n), axis=1)) < 1e-6 * length
    along &= cart @ n > 0
    if not along.any():
        raise InputError(
            f"{name}: no lattice vector along the normal {tuple(hkl)} within {MAX_PERIOD_INDEX} cells; "
            "the crystal has no short orthogonal period along it"
        )
    period = vec[along][np.argmin(length[along])]
    in_plane = vec[(vec @ hkl) == 0]
    order = np.argsort(np.linalg.norm(in_plane @ cell, axis=1), kind="stable")
    in_plane = in_plane[order]
    first = in_plane[0]
    for second in in_plane[1:]:
        c = np.cross(first, second)
        if np.array_equal(c, hkl) or np.array_equal(c, -hkl):
            rows = np.array([first, second, period])
            if np.linalg.det(rows @ cell) < 0:  # right-handed in space, so a3 stays along +n
                rows[[0, 1]] = rows[[1, 0]]
            return rows
    raise InputError(f"{name}: no in-plane lattice basis for the normal {tuple(hkl)} within {MAX_PERIOD_INDEX} cells")


def orient(atoms: Any, normal: Any, name: str = "crystal") -> Any:
    """The bulk crystal as a cell with a1, a2 in the xy plane and a3 along +z, the bulk period along the normal.

    Parameters
    ----------
    atoms : ase.Atoms
        A bulk crystal (periodic in 3D).
    normal : (int, int, int)
        Miller indices of the plane in the cell of ``atoms`` as given (:func:`stack_crystals` gives the
        conventional cell of :func:`bulk_crystal`, so that its normal means the conventional cell's indices).

    Returns
    -------
    ase.Atoms
        The oriented (orthogonal along z) cell, positions wrapped into it, A.
    """
    build = _ase_build()
    rows = _orientation(atoms, _miller(normal), name)
    atoms = atoms.copy()
    atoms.pbc = True
    sup = build.make_supercell(atoms, rows, wrap=True)
    v1, v2, v3 = np.asarray(sup.cell)
    e1 = v1 / np.linalg.norm(v1)
    e3 = v3 / np.linalg.norm(v3)
    e2 = np.cross(e3, e1)
    frame = np.array([e1, e2, e3])
    sup.set_cell(np.asarray(sup.cell) @ frame.T, scale_atoms=True)
    sup.cell[np.abs(sup.cell) < 1e-12] = 0.0
    sup.wrap()
    return sup


def _strained_block(oriented: Any, matrix: NDArray[np.int64], common: NDArray[np.float64]) -> Any:
    """The lateral supercell ``matrix`` of an oriented crystal mapped onto the common cell (A); z unchanged."""
    build = _ase_build()
    p = np.eye(3, dtype=np.int64)
    p[:2, :2] = matrix
    block = build.make_supercell(oriented, p, wrap=True)
    height = float(oriented.cell[2, 2])
    cell = np.zeros((3, 3))
    cell[:2, :2] = common
    cell[2, 2] = height
    block.set_cell(cell, scale_atoms=True)  # fractional coordinates kept: the in-plane deformation of the match
    block.wrap()
    return block


def _choose(
    oa: Any, ob: Any, cells: tuple[int, int], max_strain: float, allow_strain: bool, strain_on: str, max_atoms: int
) -> LatticeMatch:
    """The match with the fewest atoms within ``max_strain``; beyond it the least strained, if allowed.

    The search grows the atom bound by doubling, so the smallest match is found without enumerating every
    supercell up to ``max_atoms`` (a match found under a bound has the fewest atoms of all).
    """
    per_cell = (len(oa) * cells[0], len(ob) * cells[1])
    if sum(per_cell) > max_atoms:
        raise InputError(
            f"the smallest stack ({cells[0]} + {cells[1]} periods) has {sum(per_cell)} atoms, above "
            f"max_atoms={max_atoms}; raise max_atoms or use fewer cells"
        )
    ca, cb = np.asarray(oa.cell)[:2], np.asarray(ob.cell)[:2]
    kw = dict(atoms_per_cell=per_cell, strain_on=strain_on)
    limit = sum(per_cell)
    while True:
        limit = min(limit, max_atoms)
        matches = match_lattices(ca, cb, max_strain=max_strain, max_atoms=limit, **kw)
        if matches:
            return matches[0]
        if limit >= max_atoms:
            break
        limit *= 2
    area = DEFAULT_MAX_INDEX * max(abs(np.linalg.det(ca[:, :2])), abs(np.linalg.det(cb[:, :2])))
    wider = sorted(
        match_lattices(ca, cb, max_strain=max(MAX_SEARCH_STRAIN, max_strain), max_atoms=max_atoms, max_area=area, **kw),
        key=lambda m: (round(m.max_strain, 9), m.n_atoms),
    )
    if not wider:
        raise InputError(
            f"no lateral match within {MAX_SEARCH_STRAIN:.0%} strain and {max_atoms} atoms; "
            "raise max_atoms or choose another normal"
        )
    best = wider[0]
    if allow_strain:
        return best
    raise InputError(
        f"no lateral match within max_strain={max_strain:g} and {max_atoms} atoms; the smallest strain found is "
        f"{best.max_strain:.3%} with A {best.matrix_a.tolist()} on B {best.matrix_b.tolist()} "
        f"({best.n_atoms} atoms): pass allow_strain=True or a larger max_strain"
    )


def _mix(
    atoms: Any, side: NDArray[np.int64], mixing_layers: int, seed: int
) -> tuple[list[str], NDArray[np.float64], list[str]]:
    """Species, masses and symbols after intermixing (the rule of structures.py); one element per crystal."""
    symbols = atoms.get_chemical_symbols()
    masses = atoms.get_masses().copy()
    species = list(symbols)
    if mixing_layers == 0:
        return species, masses, symbols
    names = [sorted({s for s, k in zip(symbols, side) if k == j}) for j in (0, 1)]
    if len(names[0]) != 1 or len(names[1]) != 1:
        raise InputError(
            f"mixing_layers needs one element per crystal, got {'+'.join(names[0])} and {'+'.join(names[1])}"
        )
    mass = [float(masses[side == 0][0]), float(masses[side == 1][0])]
    intermix_planes(
        atoms.positions[:, 2], side, mixing_layers, seed, (names[0][0], names[1][0]), mass, species, masses, symbols
    )
    return species, masses, symbols


def stack_crystals(
    a: Any,
    b: Any,
    *,
    normal: Any = (0, 0, 1),
    cells: tuple[int, int] = (3, 3),
    max_strain: float = DEFAULT_MAX_STRAIN,
    allow_strain: bool = False,
    strain_on: str = "both",
    max_atoms: int = 2000,
    gap_angstrom: float | None = None,
    mixing_layers: int = 0,
    seed: int | None = None,
    polarity: str = "+",
) -> InterfaceStructure:
    """Stack crystal ``a`` (below) and crystal ``b`` (above) along ``normal`` in a laterally matched cell.

    Parameters
    ----------
    a, b : ase.Atoms, dict, str or path
        Bulk crystals: Atoms; keywords for ``ase.build.bulk`` (``{"name": "GaN", "crystalstructure":
        "wurtzite", "a": 3.19, "c": 5.19}``); a CIF/POSCAR file; or a name for ``ase.build.bulk``.
    normal : (int, int, int) or pair of them
        Miller indices of the interface plane in each crystal's own cell (one triple for both, or two).
    cells : (int, int)
        Bulk periods along the normal of A and of B (each >= 1).
    max_strain : float
        Largest principal in-plane strain either crystal may carry (dimensionless).
    allow_strain : bool
        Beyond ``max_strain``, take the least strained match (up to :data:`MAX_SEARCH_STRAIN`, common cells
        of at most :data:`~kapitza.atomistic.matching.DEFAULT_MAX_INDEX` cells of the larger lattice) instead
        of refusing.
    strain_on : {"a", "b", "both"}
        Which crystal is strained ("b": A is the substrate); see :mod:`~kapitza.atomistic.matching`.
    max_atoms : int
        Most atoms in the whole structure.
    gap_angstrom : float, optional
        Distance along z from the last atomic plane of A to the first of B, A; default the mean of the two
        bulk gaps between consecutive periods.
    mixing_layers : int
        Atomic planes on each side of the interface intermixed (crystals of one element each).
    seed : int, optional
        Seed of the intermixing; drawn (and recorded) if None.
    polarity : {"+", "-"}
        "+" stacks along the normals as given, "-" along their opposites (both crystals turned over): the two
        polarities of a pair polar along its normal (:mod:`~kapitza.atomistic.polarity`), two different interfaces.
        "-" is refused for a pair that is not polar (it has one polarity).

    Returns
    -------
    InterfaceStructure
        Side 0 is A, side 1 is B; ``description["polarity"]`` records whether each crystal is polar along its
        normal, the polarity built, what faces its seam (:func:`~kapitza.atomistic.polarity.seam`) and, for a polar
        pair, the other polarity's seam; ``cell_index`` 0 .. n_a-1 for A from the bottom, n_a .. n_a+n_b-1 for B.
    """
    from .polarity import check_polarity, polarity_record, seam

    built = check_polarity(polarity)
    (crystal_a, grown_a), (crystal_b, grown_b) = _bulk(a, "a"), _bulk(b, "b")
    given = _normals(normal)
    normals = (_miller(given[0]), _miller(given[1]))
    n_a, n_b, mix, eps = _settings(cells, mixing_layers, max_strain, strain_on)
    cap = int(_checks.positive(max_atoms, "max_atoms", ""))
    record = polarity_record((crystal_a, crystal_b), normals, built)  # "-" of a pair that is not polar refused
    crystals, grown = (crystal_a, crystal_b), (grown_a, grown_b)
    turned = (-normals[0], -normals[1])
    options = (eps, bool(allow_strain), strain_on, cap)
    structure = _stack(crystals, grown, normals if built == "+" else turned, (n_a, n_b), options, gap_angstrom)
    structure = _mixed(structure, mix, seed)
    record["seam"] = seam(structure)
    if record["polar"]:  # the other polarity's seam, from a two-period stack of it (no forces: milliseconds)
        other = "-" if built == "+" else "+"
        probe = _stack(crystals, grown, turned if built == "+" else normals, (2, 2), options, gap_angstrom)
        record["other"] = {"polarity": other, "seam": seam(probe)}
    description = dict(structure.description)
    description["polarity"] = record
    return dataclasses.replace(structure, description=description)


def _stack(
    crystals: tuple[Any, Any],
    grown: tuple[int, int],
    normals: tuple[Any, Any],
    cells: tuple[int, int],
    options: tuple[float, bool, str, int],
    gap_angstrom: float | None,
) -> InterfaceStructure:
    """Orient, match, strain and stack two conventional crystals (no intermixing); ``options``: max_strain,
    allow_strain, strain_on, max_atoms."""
    from ase import Atoms

    (crystal_a, crystal_b), (n_a, n_b) = crystals, cells
    eps, allow_strain, strain_on, cap = options
    oa, ob = orient(crystal_a, normals[0], "a"), orient(crystal_b, normals[1], "b")
    match = _choose(oa, ob, (n_a, n_b), eps, allow_strain, strain_on, cap)
    block_a = _strained_block(oa, match.matrix_a, match.common_cell_angstrom)
    block_b = _strained_block(ob, match.matrix_b, match.common_cell_angstrom)
    pos, cell, symbols, cell_idx, side, (h_a, h_b) = stack_blocks(block_a, n_a, block_b, n_b)
    default_gap = _default_gap(pos, side)
    if gap_angstrom is not None:
        shift = _checks.positive(gap_angstrom, "gap_angstrom", "A") - default_gap
        pos[side == 1, 2] += shift
        cell[2, 2] += shift
    masses = np.concatenate([np.tile(block_a.get_masses(), n_a), np.tile(block_b.get_masses(), n_b)])
    atoms = Atoms(symbols=symbols, positions=pos, cell=cell, pbc=True, masses=masses)
    description = _describe(crystal_a, crystal_b, normals, match, (n_a, n_b), cell, 0, 0)
    description.update(_planes(crystals, grown, normals, match))
    description["gap_A"] = default_gap if gap_angstrom is None else float(gap_angstrom)
    return InterfaceStructure(
        atoms=atoms,
        species=tuple(atoms.get_chemical_symbols()),
        cell_index=np.asarray(cell_idx, dtype=np.int64),
        side=side,
        periods=(h_a * ANGSTROM, h_b * ANGSTROM),
        cells=(n_a, n_b),
        description=description,
    )


def _mixed(structure: InterfaceStructure, mix: int, seed: int | None) -> InterfaceStructure:
    """The structure intermixed over ``mix`` planes a side (the rule of structures.py), the seed recorded."""
    seed = int(np.random.SeedSequence().generate_state(1)[0]) if seed is None else int(seed)
    atoms = structure.atoms
    species, masses, symbols = _mix(atoms, structure.side, mix, seed)
    atoms.set_chemical_symbols(symbols)
    atoms.set_masses(masses)
    description = dict(structure.description) | {"mixing_layers": mix, "seed": seed}
    return dataclasses.replace(structure, atoms=atoms, species=tuple(species), description=description)


def _planes(
    crystals: tuple[Any, Any], grown: tuple[int, int], normals: tuple[Any, Any], match: LatticeMatch
) -> dict[str, Any]:
    """What was built, in each crystal's conventional cell: the plane (hkl) (from the two in-plane lattice vectors
    of its orientation, whose cross product it is), the directions [uvw] of the common cell's two in-plane
    vectors, the conventional cell's lengths (A) and angles (degrees), whether a primitive cell was expanded to it
    (by how many cells), and the principal in-plane strains (< 0: compressed)."""
    out: dict[str, Any] = {"planes": [], "in_plane_directions": [], "conventional_cells": [], "expanded_cells": [],
                           "principal_strains": []}  # fmt: skip
    sides = zip(crystals, grown, normals, (match.matrix_a, match.matrix_b), (match.strain_a, match.strain_b))
    for k, (crystal, n, normal, matrix, strain) in enumerate(sides):
        rows = _orientation(crystal, _miller(normal), "ab"[k])
        hkl = np.cross(rows[0], rows[1])
        hkl = hkl // math.gcd(*(int(v) for v in hkl))
        if np.dot(hkl @ np.linalg.inv(np.asarray(crystal.cell)).T, rows[2] @ np.asarray(crystal.cell)) < 0:
            hkl = -hkl  # along +z, the way the period a3 points
        directions = np.asarray(matrix, dtype=np.int64) @ rows[:2]
        out["planes"].append([int(v) for v in hkl])
        out["in_plane_directions"].append([[int(v) for v in d // math.gcd(*(int(x) for x in d))] for d in directions])
        out["conventional_cells"].append([round(float(v), 6) for v in crystal.cell.cellpar()])
        out["expanded_cells"].append(int(n))
        out["principal_strains"].append([float(e) for e in np.linalg.eigvalsh(np.asarray(strain, dtype=float))])
    return out


def miller_text(indices: Any) -> str:
    """Three indices as crystallographers write them, without brackets: "001", "1-10"; comma-separated when one
    has two digits: "1,0,10"."""
    values = [int(v) for v in indices]
    if all(-9 <= v <= 9 for v in values):
        return "".join(str(v) for v in values)
    return ",".join(str(v) for v in values)


def _normals(normal: Any) -> tuple[Any, Any]:
    arr = np.asarray(normal, dtype=object)
    if arr.shape == (2, 3):
        return tuple(arr[0]), tuple(arr[1])
    return normal, normal


def _settings(cells: Any, mixing_layers: Any, max_strain: Any, strain_on: Any) -> tuple[int, int, int, float]:
    try:
        n_a, n_b = (int(c) for c in cells)
    except (TypeError, ValueError):
        raise InputError(f"cells must be two integers >= 1, got {cells!r}") from None
    if n_a < 1 or n_b < 1:
        raise InputError(f"cells must be >= 1 on each side, got {cells!r}")
    mix = int(mixing_layers)
    if mix < 0:
        raise InputError(f"mixing_layers must be >= 0, got {mixing_layers!r}")
    if strain_on not in STRAIN_ON:
        raise InputError(f"strain_on must be one of {', '.join(STRAIN_ON)}, got {strain_on!r}")
    return n_a, n_b, mix, _checks.positive(max_strain, "max_strain", "")


def _default_gap(pos: NDArray[np.float64], side: NDArray[np.int64]) -> float:
    """Distance along z from the top plane of A to the bottom plane of B, A."""
    return float(pos[side == 1, 2].min() - pos[side == 0, 2].max())


def _describe(
    crystal_a: Any,
    crystal_b: Any,
    normals: tuple[Any, Any],
    match: LatticeMatch,
    cells: tuple[int, int],
    cell: NDArray[np.float64],
    mix: int,
    seed: int,
) -> dict[str, Any]:
    """The JSON-able record of how the structure was made."""
    return {
        "builder": "stack_crystals",
        "a": crystal_a.get_chemical_formula(),
        "b": crystal_b.get_chemical_formula(),
        "normal": [[int(v) for v in n] for n in normals],
        "matrix_a": match.matrix_a.tolist(),
        "matrix_b": match.matrix_b.tolist(),
        "strain_on": match.strain_on,
        "strain_a": match.strain_a.tolist(),
        "strain_b": match.strain_b.tolist(),
        "max_strain_a": match.max_strain_a,
        "max_strain_b": match.max_strain_b,
        "rotation_deg": match.rotation_deg,
        "lateral_cell_A": np.asarray(cell)[:2].tolist(),
        "atoms": [match.atoms[0], match.atoms[1]],
        "cells": list(cells),
        "strain": "in-plane strain only; each crystal keeps its bulk period along the normal (no Poisson relaxation)",
        "mixing_layers": mix,
        "seed": seed,
    }


def end_cell(structure: InterfaceStructure, side: int) -> tuple[NDArray[np.int64], float]:
    """Side ``side``'s end cell (A's lowest whole period, B's highest: each side's bulk as the interface holds it):
    the indices of its atoms in ``structure.atoms``, and its period along z, A."""
    cell = 0 if side == 0 else structure.n_cells - 1
    members = np.flatnonzero((np.asarray(structure.cell_index) == cell) & (np.asarray(structure.side) == side))
    return members, structure.periods[side] / ANGSTROM


def period_cells(structure: InterfaceStructure) -> tuple[Any, Any]:
    """One bulk period of each side, periodic, as built: (side A, side B).

    Each side's first whole cell at the end of the structure (A's lowest, B's highest), in the common lateral cell
    with its period along z; positions and cells in A (ASE's units), tags 1 (A) and 2 (B), no calculator attached.
    """
    z = structure.atoms.positions[:, 2]
    out = []
    for side in (0, 1):
        members, period = end_cell(structure, side)
        bulk = structure.atoms[members].copy()
        bulk.calc = None
        bulk.positions[:, 2] -= z[members].min()
        bulk.set_cell(np.vstack([np.asarray(structure.atoms.cell)[:2], [0.0, 0.0, period]]))
        bulk.pbc = True
        bulk.set_tags(side + 1)
        out.append(bulk)
    return out[0], out[1]


def relaxed_periods(
    structure: InterfaceStructure, calculator: Any, *, fmax_ev_per_angstrom: float = 1e-3, steps: int = 300
) -> tuple[Any, Any]:
    """:func:`period_cells` relaxed under the structure's in-plane strain: (side A, side B).

    Each period relaxed with ``calculator`` at fixed in-plane cell: positions and the length along z (ASE's
    FrechetCellFilter, zz only), to zero normal stress.  No calculator attached to the result.
    """
    try:
        from ase.filters import FrechetCellFilter
        from ase.optimize import BFGS
    except ImportError:
        raise MissingDependencyError("ase", "agf", "relaxing interface structures") from None
    fmax = _checks.positive(fmax_ev_per_angstrom, "fmax_ev_per_angstrom", "eV/A")
    out = []
    for bulk in period_cells(structure):
        bulk.calc = calculator
        with warnings.catch_warnings():  # the filter's matrix logarithm of a near-identity cell (error ~1e-13)
            warnings.filterwarnings("ignore", message="logm result may be inaccurate", category=RuntimeWarning)
            BFGS(FrechetCellFilter(bulk, mask=[0, 0, 1, 0, 0, 0]), logfile=None).run(fmax=fmax, steps=int(steps))
        bulk.calc = None
        out.append(bulk)
    return out[0], out[1]


def relax_periods(
    structure: InterfaceStructure,
    calculator: Any,
    *,
    fmax_ev_per_angstrom: float = 1e-3,
    steps: int = 300,
    periods: tuple[Any, Any] | None = None,
) -> InterfaceStructure:
    """Each side's period along the normal relaxed under its in-plane strain (the Poisson response), atoms moved.

    One period of each side's bulk (its first whole cell at the end of the structure), periodic, is relaxed with
    ``calculator`` at fixed in-plane cell: positions and the length along z (ASE's FrechetCellFilter, zz only),
    to zero normal stress (:func:`relaxed_periods`; or ``periods``, its result, given).  Side A's atoms are then
    stretched along z by p_A'/p_A from the bottom, side B's by p_B'/p_B from their lowest plane, shifted so the
    interface gap stays; the cell height follows.  The new periods and the normal strain of each side go into
    ``description["poisson"]``.
    """
    fmax = _checks.positive(fmax_ev_per_angstrom, "fmax_ev_per_angstrom", "eV/A")
    if periods is None:
        periods = relaxed_periods(structure, calculator, fmax_ev_per_angstrom=fmax, steps=steps)
    z = structure.atoms.positions[:, 2]
    factors = [float(periods[k].cell[2, 2]) / (structure.periods[k] / ANGSTROM) for k in (0, 1)]
    atoms = structure.atoms.copy()
    a_top, b_low = z[structure.side == 0].max(), z[structure.side == 1].min()
    new_z = np.where(
        structure.side == 0,
        z * factors[0],
        a_top * factors[0] + (b_low - a_top) + (z - b_low) * factors[1],
    )
    atoms.positions[:, 2] = new_z
    cell = np.asarray(atoms.cell).copy()
    top_gap = cell[2, 2] - z.max()  # the wrap-around gap (B onto A across the boundary) keeps its width too
    cell[2, 2] = new_z.max() + top_gap
    atoms.set_cell(cell)
    description = dict(structure.description)
    description["strain"] = "in-plane strain; each side's period along the normal relaxed under it (Poisson)"
    description["poisson"] = {
        "periods_A": [structure.periods[k] / ANGSTROM * factors[k] for k in (0, 1)],
        "normal_strain": [f - 1.0 for f in factors],
        "fmax_eV_per_A": fmax,
    }
    stretched = (structure.periods[0] * factors[0], structure.periods[1] * factors[1])
    return dataclasses.replace(structure, atoms=atoms, periods=stretched, description=description)


def relax(
    structure: InterfaceStructure,
    calculator: Any,
    *,
    fmax_ev_per_angstrom: float = 0.01,
    steps: int = 500,
    fix_leads: bool = True,
    fixed_periods: int = 1,
    slab: bool = False,
) -> tuple[InterfaceStructure, float]:
    """Relax the positions with ASE's BFGS on any ASE calculator; the lateral cell and the cell height stay.

    Parameters
    ----------
    structure : InterfaceStructure
    calculator : ase.calculators.calculator.Calculator
        Any ASE calculator covering the structure's species.
    fmax_ev_per_angstrom : float
        Convergence: the largest force on a free atom, eV/A.
    steps : int
        Most optimiser steps.  Not converging is no error: the residual says so and the caller decides.
    fix_leads : bool
        Keep the first and the last ``fixed_periods`` periods along z fixed, so the leads stay bulk.
    fixed_periods : int
        Periods held at each end (>= 1); for an AGF structure at least the force range thick (a many-body
        potential's surface reaches one period in), so that two whole lead periods stay exact copies.
    slab : bool
        Relax with no periodicity along the normal (the AGF's view: one interface, the leads continue beyond the
        fixed ends); otherwise the cell is periodic along z and its second interface (B onto A across the
        boundary) relaxes too (the MD's view).

    Returns
    -------
    (InterfaceStructure, float)
        The relaxed structure (same sides, cells, species; ``description["relaxation"]`` records the run) and
        the largest residual force on a free atom, eV/A.
    """
    fmax = _checks.positive(fmax_ev_per_angstrom, "fmax_ev_per_angstrom", "eV/A")
    n_steps = int(_checks.positive(steps, "steps", ""))
    try:
        from ase.constraints import FixAtoms
        from ase.optimize import BFGS
    except ImportError:
        raise MissingDependencyError("ase", "agf", "relaxing interface structures") from None
    n_fixed = int(_checks.positive(fixed_periods, "fixed_periods", ""))
    atoms = structure.atoms.copy()
    pbc = atoms.pbc.copy()
    if slab:
        atoms.pbc = (pbc[0], pbc[1], False)
    atoms.set_tags(np.asarray(structure.side) + 1)  # the sides, for calculators whose atom types follow them
    atoms.calc = calculator
    fixed = np.zeros(len(atoms), dtype=bool)
    if fix_leads:
        k = np.asarray(structure.cell_index)
        fixed = ((k >= 0) & (k < n_fixed)) | (k >= structure.n_cells - n_fixed)
        atoms.set_constraint(FixAtoms(mask=fixed))
    optimizer = BFGS(atoms, logfile=None)
    converged = bool(optimizer.run(fmax=fmax, steps=n_steps))
    forces = atoms.get_forces(apply_constraint=False)
    residual = float(np.max(np.linalg.norm(forces[~fixed], axis=1))) if (~fixed).any() else 0.0
    atoms.calc = None
    atoms.set_constraint()
    atoms.pbc = pbc
    description = dict(structure.description)
    description["relaxation"] = {
        "optimizer": "BFGS (ASE)",
        "calculator": type(calculator).__name__,
        "fmax_eV_per_A": fmax,
        "steps": int(optimizer.nsteps),
        "converged": converged,
        "residual_force_eV_per_A": residual,
        "fixed_leads": bool(fix_leads),
        "fixed_periods": n_fixed if fix_leads else 0,
        "periodic_along_normal": not slab,
    }
    return dataclasses.replace(structure, atoms=atoms, description=description), residual


__all__ = [
    "MAX_PERIOD_INDEX", "bulk_crystal", "conventional_cell", "end_cell", "miller_text", "orient", "period_cells",
    "relax", "relax_periods", "relaxed_periods", "stack_crystals",
]  # fmt: skip
