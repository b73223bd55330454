"""Harmonic crystals through phonopy: force constants from a potential or from phonopy files.

:class:`HarmonicCrystal` wraps a :class:`phonopy.Phonopy` object with force
constants, and converts what phonopy returns (THz, THz x length unit) to SI:
angular frequencies in rad/s and group velocities in m/s.

Three ways in:

* :meth:`HarmonicCrystal.from_potential`: the crystal of a database material
  at the potential's own equilibrium lattice constant
  (:mod:`kapitza.phonons.crystal`); force constants of a periodic supercell from
  the analytic Hessian (matscipy: Stillinger-Weber, Tersoff) through
  :func:`kapitza.atomistic.force_constants.force_constants`, or from forces on phonopy's
  displaced supercells (EMT, LAMMPS potentials: each atom of the primitive
  cell moved 0.01 A along x, y and z, plus and minus; no supercell symmetry
  search, which costs seconds for 256 atoms).  Both are cached on disk, keyed by
  everything that made them (structure, lattice constant, supercell, potential
  and its parameters, method).
* :func:`kapitza.phonons.from_structure.crystal_phonons` (its ``.crystal``): any crystal from its structure with a
  force source (a universal machine-learned potential or a user's ASE calculator), relaxed, force constants by
  phonopy's finite displacements with symmetry.
* :meth:`HarmonicCrystal.from_phonopy_file`: a user's ``phonopy.yaml`` /
  ``phonopy_disp.yaml`` with force constants inside or ``FORCE_CONSTANTS``
  (or ``force_constants.hdf5``) or ``FORCE_SETS`` beside it.  Length units
  follow the file's calculator (Angstrom for VASP, bohr for Quantum
  ESPRESSO, ...).

Force constants are symmetrised by phonopy (translational invariance and
index permutation) so that the acoustic frequencies vanish at Gamma, which the
long-wavelength limit relies on.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._progress import Progress
from ..atomistic.force_constants import EV_PER_A2, force_constants
from ..atomistic.lattice import OFF_BOUNDARY_SHIFT
from ..errors import InputError
from ..io.cache import cached_arrays, force_constant_rules
from ..materials import Material
from ..units import ANGSTROM, RAD_S_PER_THZ
from .crystal import FCC_PRIMITIVE, crystal_spec
from .invariance import restore_rotational_sum_rule
from .modes import ModeSample, irreducible_mesh, unit_vector
from .phonopy_file import import_phonopy

#: q-points per call to phonopy when a progress callback is given.
CHUNK = 256
#: Displacement (A) for force constants from forces.
DISPLACEMENT = 0.01

#: Bands closer than this fraction of the highest frequency at a q-point are treated as degenerate.
DEGENERACY = 1e-9
#: Negative frequencies below -this fraction of the highest one mean an unstable crystal.
UNSTABLE_FRACTION = 1e-3


@dataclass(frozen=True)
class HarmonicCrystal:
    """A crystal with harmonic force constants, ready for phonon calculations.

    Attributes
    ----------
    name : str
        Material name (or the file name).
    source : str
        Where the force constants come from, in words.
    phonopy : phonopy.Phonopy
        The phonopy object (force constants set and symmetrised).
    length_unit : float
        Metres per length unit of the phonopy object (1e-10 for Angstrom).
    lattice_constant : float or None
        Cubic lattice constant in m for crystals built here, None for files.
    """

    name: str
    source: str
    phonopy: Any = field(repr=False, compare=False)
    length_unit: float = ANGSTROM
    lattice_constant: float | None = None

    # -- construction --------------------------------------------------------

    @classmethod
    def from_potential(
        cls,
        material: str | os.PathLike | Material,
        potential: str | None = None,
        *,
        cache: bool = True,
        progress: Progress | None = None,
    ) -> HarmonicCrystal:
        """Build the crystal of ``material`` with ``potential`` (default: the material's default).

        See :mod:`kapitza.phonons.crystal` for the supported materials and potentials.
        """
        phonopy = import_phonopy()
        from phonopy.structure.atoms import PhonopyAtoms

        spec = crystal_spec(material, potential, cache=cache, progress=progress)
        unit = spec.conventional_cell()
        cell = PhonopyAtoms(
            symbols=unit.get_chemical_symbols(),
            cell=np.asarray(unit.cell),
            scaled_positions=unit.get_scaled_positions(),
            masses=unit.get_masses(),
        )
        supercell = np.eye(3, dtype=int) * spec.supercell
        # no symmetry search on the supercell (seconds for 256 atoms); the point group for the
        # mesh comes from the primitive cell (reciprocal_rotations), displacements are all 3 N_prim
        ph = phonopy.Phonopy(cell, supercell_matrix=supercell, primitive_matrix=FCC_PRIMITIVE, is_symmetry=False)
        calc_has_hessian = hasattr(spec.potential.calculator(), "get_hessian")
        if calc_has_hessian:
            method = "analytic Hessian"
            fc = _analytic_force_constants(ph, spec.potential, cache, progress)
        else:
            method = f"forces on displaced supercells ({DISPLACEMENT} A)"
            fc = _displacement_force_constants(ph, spec.potential, cache, progress)
        ph.force_constants = fc
        ph.symmetrize_force_constants()
        n = spec.supercell
        source = (
            f"{spec.potential.name} potential ({spec.potential.reference}); {spec.structure} {spec.element}, "
            f"a = {spec.lattice_constant / ANGSTROM:.4f} A (its own equilibrium; measured "
            f"{spec.reference_lattice_constant / ANGSTROM:.4f} A); {n}x{n}x{n} conventional supercell, {method}"
        )
        return cls(name=spec.material, source=source, phonopy=ph, lattice_constant=spec.lattice_constant)

    @classmethod
    def from_phonopy_file(cls, path: str | os.PathLike, name: str | None = None) -> HarmonicCrystal:
        """Load a phonopy.yaml / phonopy_disp.yaml with its force constants or force sets, as data.

        The YAML is read with a safe loader (no Python objects; files with Python tags
        are refused) and validated; see :mod:`kapitza.phonons.phonopy_file`.  Force
        constants are taken, in phonopy's order of priority, from ``FORCE_CONSTANTS``
        or ``force_constants.hdf5`` beside the file, else produced from ``FORCE_SETS``
        beside it, else from the force constants or forces stored in the yaml itself.
        A ``BORN`` file beside it switches on the non-analytical correction.  After phonopy's symmetrisation the
        rotational sum rule that a supercell's cut-off breaks in polar crystals is restored
        (:mod:`kapitza.phonons.invariance`; centrosymmetric and cubic crystals are left as they are), and
        ``source`` says so where it changed anything.

        Parameters
        ----------
        path : path-like
            The phonopy YAML file.
        name : str, optional
            Label of the crystal; default: the name of the file's folder.

        Raises
        ------
        InputError
            A missing file, a folder, a file that is not a well-formed phonopy YAML
            (empty, truncated, binary, wrong shapes, NaN), or no force constants nor
            forces to build them from.
        """
        from phonopy.physical_units import get_calculator_physical_units

        from .phonopy_file import load_phonopy

        p = Path(path)
        ph, calculator = load_phonopy(p)
        try:
            ph.symmetrize_force_constants()
        except Exception as exc:  # noqa: BLE001 - phonopy's symmetriser on inconsistent data
            raise InputError(f"phonopy file {str(p)!r}: the force constants cannot be symmetrised ({exc})") from None
        fixed = restore_rotational_sum_rule(np.asarray(ph.force_constants, dtype=float), ph)
        ph.force_constants = np.array(fixed.force_constants)
        units = get_calculator_physical_units(calculator)
        label = name or p.parent.name or p.stem
        same = calculator in (None, "vasp")
        rotational = fixed.describe(*(("eV/A", "A") if same else ("in the file's units", "(file's length unit)")))
        return cls(
            name=label,
            source=(
                f"phonopy file {p.name} (calculator {calculator or 'vasp'}), "
                f"supercell matrix {np.asarray(ph.supercell_matrix).tolist()}"
                + (f"; {rotational}" if rotational else "")
            ),
            phonopy=ph,
            length_unit=units.distance_to_A * ANGSTROM,
        )

    # -- geometry -------------------------------------------------------------

    @property
    def n_atoms(self) -> int:
        """Atoms in the primitive cell."""
        return len(self.phonopy.primitive)

    @property
    def n_bands(self) -> int:
        """3 x atoms in the primitive cell."""
        return 3 * self.n_atoms

    @property
    def cell(self) -> NDArray[np.float64]:
        """Primitive lattice vectors as rows, m, shape (3, 3)."""
        return np.asarray(self.phonopy.primitive.cell, dtype=float) * self.length_unit

    @property
    def volume(self) -> float:
        """Primitive-cell volume, m^3."""
        return float(abs(np.linalg.det(self.cell)))

    @property
    def reciprocal_basis(self) -> NDArray[np.float64]:
        """Reciprocal basis vectors b_i (with 2 pi) as columns, 1/m, shape (3, 3): k = B q."""
        return 2.0 * np.pi * np.linalg.inv(self.cell)

    @cached_property
    def reciprocal_rotations(self) -> NDArray[np.int64]:
        """Point-group operations of the primitive cell acting on reduced q (q' = R q), shape (n_ops, 3, 3)."""
        from phonopy.structure.symmetry import Symmetry

        return np.asarray(Symmetry(self.phonopy.primitive).reciprocal_operations)

    def cartesian_rotations(self, reciprocal_rotations: NDArray[np.int64]) -> NDArray[np.float64]:
        """Cartesian form B R B^-1 of rotations acting on reduced q, shape (n_ops, 3, 3)."""
        b = self.reciprocal_basis
        return b[None] @ reciprocal_rotations @ np.linalg.inv(b)[None]

    # -- phonons ---------------------------------------------------------------

    def frequencies(self, qpoints: ArrayLike) -> NDArray[np.float64]:
        """Angular frequencies in rad/s at reduced q-points, shape (n, n_bands) (no velocities)."""
        q = np.atleast_2d(np.asarray(qpoints, dtype=float))
        return np.asarray(self.phonopy.run_qpoints(q).frequencies) * RAD_S_PER_THZ

    def dispersion(self, k: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Frequencies (rad/s) and group velocities (m/s) at Cartesian wave vectors ``k`` in 1/m, shape (n, 3).

        Returns arrays of shape (n, n_bands) and (n, n_bands, 3); see :meth:`normal_velocities`
        for how degenerate bands are treated.
        """
        q = np.atleast_2d(k) @ np.linalg.inv(self.reciprocal_basis).T
        omega, along, _ = self.normal_velocities(q, np.eye(3))
        return omega, along

    def normal_velocities(
        self,
        qpoints: ArrayLike,
        directions: ArrayLike,
        *,
        progress: Progress | None = None,
        stage: str = "mesh",
    ) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
        """Frequencies, velocity components along given directions, and speeds, degeneracies resolved.

        Where bands are degenerate (band sticking on the zone faces of the diamond
        structure, high-symmetry lines) a band's velocity depends on the basis
        chosen in the degenerate subspace.  Here, for each direction d, the
        components v.d are the eigenvalues of ``<e_i| dD/dk.d |e_j>`` / (2 omega)
        within the subspace (degenerate perturbation along d), the quantity that
        counts channels through a plane of normal d; the speed used for the
        broadening is the basis-independent root mean square over the subspace.
        So the result at R q is exactly that at q with R^T d, which the star
        unfolding of :meth:`mode_sample` relies on.  Bands count as degenerate
        when their frequencies differ by less than 1e-9 of the highest one at
        that q (numerical splitting of symmetric degeneracies is ~1e-13 of it;
        phonopy's own group velocities use 1e-4 THz, too coarse near Gamma where
        the transverse acoustic bands are only ~1e-3 THz apart).

        Parameters
        ----------
        qpoints : array_like
            Reduced coordinates, shape (n, 3).
        directions : array_like
            Unit Cartesian vectors, shape (n_dir, 3).

        Returns
        -------
        omega : ndarray
            rad/s, shape (n, n_bands).
        along : ndarray
            v.d in m/s, shape (n, n_bands, n_dir).
        speed : ndarray
            m/s, shape (n, n_bands).
        """
        from phonopy.harmonic.derivative_dynmat import DerivativeOfDynamicalMatrix

        q = np.atleast_2d(np.asarray(qpoints, dtype=float))
        d = np.atleast_2d(np.asarray(directions, dtype=float))
        dynmat = self.phonopy.dynamical_matrix
        derivative = DerivativeOfDynamicalMatrix(dynmat)
        factor = self.phonopy.unit_conversion_factor
        to_si = factor**2 / 2.0 * 1e12 * self.length_unit  # <e|dD|e> / (2 f) in THz x length -> m/s
        nb = self.n_bands
        omega = np.empty((len(q), nb))
        along = np.empty((len(q), nb, len(d)))
        speed = np.empty((len(q), nb))
        for i, qi in enumerate(q):
            if progress is not None and i % CHUNK == 0:
                progress(stage, i, len(q))
            dynmat.run(qi)
            values, vectors = np.linalg.eigh(dynmat.dynamical_matrix)
            f = np.sqrt(np.abs(values)) * np.sign(values) * factor  # THz
            omega[i] = f * RAD_S_PER_THZ
            derivative.run(qi)
            dd = np.asarray(derivative.d_dynamical_matrix)  # (3, nb, nb), Cartesian
            for group in _degenerate_groups(f, DEGENERACY * np.abs(f).max()):
                e = vectors[:, group]
                p = np.einsum("ia,xij,jb->xab", e.conj(), dd, e)  # (3, g, g)
                scale = to_si / abs(f[group[0]]) if abs(f[group[0]]) > 1e-8 else 0.0
                for j, dj in enumerate(d):
                    along[i, group, j] = np.linalg.eigvalsh(np.tensordot(dj, p, axes=1)) * scale
                speed[i, group] = np.sqrt((np.abs(p) ** 2).sum() / len(group)) * scale
        if progress is not None:
            progress(stage, len(q), len(q))
        return omega, along, speed

    def mode_sample(
        self,
        mesh: tuple[int, int, int],
        normal: ArrayLike,
        *,
        symmetry: bool = True,
        progress: Progress | None = None,
    ) -> ModeSample:
        """Phonons on a Gamma-centred mesh, irreducible wedge unfolded for ``|v . n|``.

        Parameters
        ----------
        mesh : (N1, N2, N3)
            Mesh numbers along the primitive reciprocal basis.
        normal : array_like
            Interface normal (Cartesian), shape (3,).
        symmetry : bool
            Use the irreducible wedge (point group and time reversal); False computes
            every mesh point.

        Raises
        ------
        InputError
            If the crystal is dynamically unstable (imaginary frequencies).
        """
        n = unit_vector(normal)
        rotations = self.reciprocal_rotations if symmetry else None
        grid, counts, ops = irreducible_mesh(mesh, rotations)
        # the images R^T n of the normal; each appears equally often over the group
        images = np.unique(np.round(self.cartesian_rotations(ops).transpose(0, 2, 1) @ n, 12), axis=0)
        q = grid / np.array(mesh, dtype=float)
        omega, along, speed = self.normal_velocities(q, images, progress=progress)
        top = float(omega.max())
        if omega.min() < -UNSTABLE_FRACTION * top:
            worst = float(omega.min()) / RAD_S_PER_THZ
            raise InputError(
                f"{self.name}: imaginary phonon frequencies (down to {worst:.3f} THz as negative numbers): "
                "the crystal is dynamically unstable with these force constants"
            )
        include = omega > 0
        include[np.all(grid == 0, axis=1), :3] = False  # acoustic modes at Gamma: the continuum limit covers them
        n_q = int(np.prod(mesh))
        spacing = float(np.linalg.norm(self.reciprocal_basis, axis=0).max() / min(mesh))
        return ModeSample(
            frequencies=np.where(include, omega, 0.0),
            normal_speed=np.abs(along).mean(axis=-1),
            speed=speed,
            weights=counts / (n_q * self.volume),
            spacing=spacing,
            include=include,
            operations=len(ops),
        )


def _degenerate_groups(frequencies: NDArray[np.float64], tolerance: float) -> list[list[int]]:
    """Runs of sorted frequencies closer than ``tolerance`` (same unit): the degenerate subspaces."""
    groups: list[list[int]] = [[0]]
    for i in range(1, len(frequencies)):
        if frequencies[i] - frequencies[groups[-1][-1]] < tolerance:
            groups[-1].append(i)
        else:
            groups.append([i])
    return groups


def _analytic_force_constants(ph: Any, potential: Any, cache: bool, progress: Progress | None) -> NDArray[np.float64]:
    """Supercell force constants (eV/A^2, shape (N, N, 3, 3)) from the potential's analytic Hessian."""
    from ase import Atoms

    sc = ph.supercell
    atoms = Atoms(symbols=sc.symbols, cell=sc.cell, scaled_positions=sc.scaled_positions, pbc=True)
    if progress is not None:
        progress("force constants", 0, 1)
    fc = force_constants(atoms, potential, method="analytic", cache=cache)
    if progress is not None:
        progress("force constants", 1, 1)
    n = len(atoms)
    return (fc.matrix / EV_PER_A2).reshape(n, 3, n, 3).transpose(0, 2, 1, 3).copy()


def _displacement_force_constants(
    ph: Any, potential: Any, cache: bool, progress: Progress | None
) -> NDArray[np.float64]:
    """Supercell force constants (eV/A^2) from forces on phonopy's displaced supercells, cached."""
    from ase import Atoms

    ph.generate_displacements(distance=DISPLACEMENT, is_plusminus=True)
    sc = ph.supercell
    parts = {
        "numbers": np.asarray(sc.numbers),
        "positions": np.asarray(sc.positions),
        "cell": np.asarray(sc.cell),
        "potential": potential.name,
        "parameters": dict(potential.parameters),
        "method": "phonopy-displacements",
        "symmetry": False,
        "shift": OFF_BOUNDARY_SHIFT,
        "displacement": DISPLACEMENT,
    }

    def compute() -> dict[str, NDArray[np.float64]]:
        calc = potential.calculator()
        cells = ph.supercells_with_displacements
        forces = []
        for i, cell in enumerate(cells):
            if progress is not None:
                progress("force constants", i, len(cells))
            atoms = Atoms(symbols=cell.symbols, cell=cell.cell, scaled_positions=cell.scaled_positions, pbc=True)
            atoms.translate(OFF_BOUNDARY_SHIFT)  # atoms exactly on the cell boundary upset LAMMPS's MEAM
            atoms.wrap()
            atoms.calc = calc
            forces.append(atoms.get_forces())
        if progress is not None:
            progress("force constants", len(cells), len(cells))
        ph.forces = np.array(forces)
        ph.produce_force_constants()
        return {"fc": np.asarray(ph.force_constants)}

    n = len(sc.numbers)
    rules = force_constant_rules("fc", "phonopy")
    return cached_arrays(
        "phonopy-force-constants", parts, compute, enabled=cache, shapes={"fc": (n, n, 3, 3)}, check=rules
    )["fc"]
