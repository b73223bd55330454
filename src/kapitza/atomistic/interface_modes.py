r"""Harmonic modes of an interface supercell through phonopy: which modes live at the interface.

:func:`interface_modes` takes the periodic bicrystal of an MD run (the object
:func:`kapitza.md.systems.build_structure` returns, or anything with the same
fields), builds the force constants of the WHOLE cell (periodic in x, y and z as
built), hands them to phonopy with the cell as its own unit cell and supercell
(``supercell_matrix`` = identity) and diagonalises the dynamical matrix at
Gamma.  These are exactly the harmonic modes of the periodic MD cell.

Force constants
---------------
``"lj/cut"``: analytic, from the pair Hessian of
:math:`U = 4\epsilon_{ij}[(\sigma/r)^{12} - (\sigma/r)^6]` truncated at
2.5 sigma (LAMMPS ``lj/cut``, forces not shifted: the delta-function term of the
force step at the cutoff is dropped, as in LAMMPS), every periodic image within
the cutoff included, :math:`\epsilon_{ij} = \sqrt{\epsilon_i\epsilon_j}` (the
mixing of the MD input).  ``"sw"``: Stillinger-Weber silicon for every atom
(the MD runs' mass-mismatch model), analytic Hessian of matscipy.
``"tersoff"``: Tersoff's SiCGe.tersoff (type 1 Si(D), type 2 Ge) through
LAMMPS, central finite differences of the forces
(:mod:`kapitza.atomistic.force_constants`).  The structure is used as built
(not relaxed): with a mass-only mismatch it is at equilibrium by symmetry.
The acoustic sum rule :math:`\sum_j \Phi_{ij} = 0` and the symmetry
:math:`\Phi_{ij} = \Phi_{ji}^T` are measured (``sum_rule_error``,
``symmetry_error``, relative to the largest element; above
:data:`FORCE_CONSTANT_TOLERANCE` the calculation is refused) and then imposed.

Units
-----
The structure's units.  ``units="lj"``: lengths in sigma, energies in epsilon,
masses in the LJ mass unit, so omega is in rad/tau.  ``units="metal"``:
Angstrom, eV, amu, so :math:`\sqrt{\mathrm{eV\,A^{-2}\,amu^{-1}}}` =
:data:`OMEGA_METAL_RAD_PER_PS` rad/ps = 9.82269e13 rad/s; omega is in rad/ps
(divide by :math:`2\pi` for THz).  Unstable modes (negative eigenvalues) get
negative omega (phonopy's convention).

Mode measures
-------------
* participation ratio (Bell & Dean, Discuss. Faraday Soc. 50, 55 (1970)),
  :math:`PR = (\sum_i |e_i|^2)^2 / (N \sum_i |e_i|^4)` with
  :math:`|e_i|^2` summed over the three components of atom i: 1 for a mode
  spread evenly over all N atoms, 1/N for one atom;
* ``plane_weight`` (modes, n_planes): :math:`\sum_{i \in p} |e_i|^2` for the
  atomic planes ``-planes_per_side .. planes_per_side - 1`` around the interface
  (index as in the spectral data contract: -1 is the plane just below the
  interface, 0 the one just above); atoms outside this window belong to no plane
  but count in the normalisation (each row sums to at most 1);
* degenerate modes (omega equal within ``degeneracy_tolerance`` times the highest
  omega) share one basis-independent density: the average of :math:`|e_i|^2`
  over the degenerate set (the diagonal of its projector).  Without this, which
  combination of e.g. the two mirror-image interface modes of a periodic cell
  LAPACK returns would decide the answer;
* ``interface``: the weight on the ``2 near_planes`` planes nearest the interface
  is at least ``localisation`` (default 3) times the share those planes' atoms have
  of the cell (what an evenly spread mode puts there), AND the participation ratio
  is at most ``participation_factor`` (default 2) times that share (a mode spread
  evenly over those planes alone has PR equal to the share; twice allows for
  tails and for the even/odd mixing of the two interfaces of a periodic cell,
  while a standing wave filling one side, PR ~ 2/3 of that side's share, fails).
  The three translations are never interface modes.
"""

from __future__ import annotations

import math
from typing import Any, ClassVar, NamedTuple

import numpy as np
from numpy.typing import NDArray

from .. import _checks
from ..errors import ConvergenceError, InputError, MissingDependencyError
from ..io.results import result
from ..units import AMU, ANGSTROM, EV
from .md_potentials import LJ_CUTOFF_SIGMA, MD_POTENTIALS, md_potential

#: sqrt(eV / (A^2 amu)) in rad/ps: the angular-frequency unit of ``units metal`` force constants and masses.
OMEGA_METAL_RAD_PER_PS: float = math.sqrt(EV / (ANGSTROM**2 * AMU)) * 1e-12
#: Relative violation of the acoustic sum rule or of symmetry above which the force constants are refused.
FORCE_CONSTANT_TOLERANCE: float = 1e-3
#: The same for a user's force field: a many-body potential's smooth cutoff (Tersoff's sine switch) has a
#: curvature that jumps at its outer edge, and a relaxed interface can put a pair within a finite-difference step
#: of it (measured: a Ga-N pair at 3.0985 A against the 3.1 A edge of the GaN|SiC showcase gave 0.047, the rest of
#: the cell 2e-5); the violation is recorded and printed, and the symmetric part is used.
USER_FORCE_CONSTANT_TOLERANCE: float = 0.1
#: Potentials understood (the names of :class:`kapitza.md.nemd.NemdConfig`, one record each).
POTENTIALS = tuple(MD_POTENTIALS)


@result
class InterfaceModes:
    """Harmonic modes at Gamma of a periodic interface cell, with their localisation.

    Attributes
    ----------
    omega : (3N,) float array
        Angular frequencies, ascending, in rad per run time unit (rad/tau for ``units="lj"``, rad/ps for
        ``"metal"``); negative for unstable modes.
    participation : (3N,) float array
        Participation ratio (Bell & Dean), 1/N .. 1.
    plane_weight : (3N, n_planes) float array
        Share of each mode's squared (mass-weighted) eigenvector on each plane, planes ordered from
        ``plane_first`` = -planes_per_side up.
    near_weight : (3N,) float array
        Share on the ``2 near_planes`` planes nearest the interface.
    interface : (3N,) bool array
        The interface modes (see the module docstring for the criterion).
    acoustic : (3N,) bool array
        The three uniform translations (omega ~ 0).
    plane_z : (n_planes,) float array
        Mean z of each plane's atoms relative to the interface plane (length unit).
    plane_atoms : (n_planes,) int array
        Atoms in each plane.
    plane_first : int
        Plane index of the first column (-planes_per_side).
    near_planes : int
    near_share : float
        The share of the cell's atoms on the near planes (what an evenly spread mode puts there).
    localisation, participation_factor : float
        The thresholds used.
    units : str
        "lj" or "metal".
    omega_unit : str
        "rad/tau" or "rad/ps".
    n_atoms : int
    potential : str
    method : str
        "analytic" or "finite-difference".
    sum_rule_error, symmetry_error : float
        Relative violations of the raw force constants (before they were imposed).
    """

    omega: NDArray[np.float64]
    participation: NDArray[np.float64]
    plane_weight: NDArray[np.float64]
    near_weight: NDArray[np.float64]
    interface: NDArray[np.bool_]
    acoustic: NDArray[np.bool_]
    plane_z: NDArray[np.float64]
    plane_atoms: NDArray[np.int64]
    plane_first: int
    near_planes: int
    near_share: float
    localisation: float
    participation_factor: float
    units: str
    omega_unit: str
    n_atoms: int
    potential: str
    method: str
    sum_rule_error: float
    symmetry_error: float

    _summary_fields: ClassVar[tuple[str, ...]] = ("n_atoms", "potential", "omega", "interface", "omega_unit")

    @property
    def n_interface(self) -> int:
        """Number of interface modes."""
        return int(np.count_nonzero(self.interface))

    def _broadened(self, omega_grid: Any, width: float) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        grid = np.asarray(omega_grid, dtype=float)
        if grid.ndim != 1 or grid.size < 2 or not np.all(np.isfinite(grid)) or np.any(np.diff(grid) <= 0):
            raise InputError("omega_grid= must be a 1-D increasing array of at least 2 finite frequencies")
        if not isinstance(width, int | float) or isinstance(width, bool) or not math.isfinite(width) or width <= 0:
            raise InputError(f"width= must be a positive frequency ({self.omega_unit}), got {width!r}")
        # exponent clipped at -700: exp underflows to a tiny normal number, not a warning
        x = np.minimum(0.5 * ((grid[None, :] - self.omega[:, None]) / width) ** 2, 700.0)
        gauss = np.exp(-x) / (width * math.sqrt(2 * math.pi))
        gauss[self.acoustic] = 0.0
        return grid, gauss

    def plane_dos(self, omega_grid: Any, width: float) -> NDArray[np.float64]:
        """Gaussian-broadened local DOS of each plane, (n_planes, nf), each row integrating to 1 over omega.

        Parameters
        ----------
        omega_grid : (nf,) array
            Increasing angular frequencies (``omega_unit``).
        width : float
            Standard deviation of the Gaussian (``omega_unit``).

        Rows are normalised by their trapezoid integral on ``omega_grid`` (the translations are left out);
        a plane with no weight on the grid gives a row of zeros.  In equipartition this is the shape of the
        plane's kinetic-energy spectrum: the harmonic reference for modal temperatures.
        """
        grid, gauss = self._broadened(omega_grid, width)
        dos = self.plane_weight.T @ gauss
        norm = np.trapezoid(dos, grid, axis=1)
        out = np.zeros_like(dos)
        ok = norm > 0
        out[ok] = dos[ok] / norm[ok, None]
        return out

    def interface_fraction(self, omega_grid: Any, width: float) -> NDArray[np.float64]:
        """Per frequency, the share of the near-interface local DOS carried by interface modes, (nf,), 0 .. 1.

        Both the numerator and the denominator are the Gaussian-broadened (``width``) DOS weighted by
        ``near_weight``; where the near-interface DOS is below 1e-12 of its maximum the share is 0.
        """
        _, gauss = self._broadened(omega_grid, width)
        total = self.near_weight @ gauss
        local = (self.near_weight * self.interface) @ gauss
        out = np.zeros_like(total)
        ok = total > 1e-12 * max(float(total.max()), np.finfo(float).tiny)
        out[ok] = local[ok] / total[ok]
        return np.clip(out, 0.0, 1.0)


def _structure_arrays(structure: Any, potential: str) -> tuple[NDArray, NDArray, NDArray, NDArray, NDArray | None]:
    try:
        positions = np.asarray(structure.positions, dtype=float)
        types = np.asarray(structure.types)
        masses = np.asarray(structure.masses, dtype=float)
        box = getattr(structure, "box", None)
        if box is None:
            cell = np.asarray(structure.cell, dtype=float)
            if cell.shape != (3, 3) or np.any(np.abs(cell - np.diag(np.diag(cell))) > 0):
                raise InputError("structure.cell must be an orthorhombic (3, 3) cell")
            box = np.diag(cell)
        box = np.asarray(box, dtype=float)
    except AttributeError as exc:
        raise InputError(f"structure= needs positions, types, masses and box (or cell): {exc}") from None
    if positions.ndim != 2 or positions.shape[1] != 3 or positions.shape[0] < 2:
        raise InputError(f"structure.positions must have shape (N, 3) with N >= 2, got {positions.shape}")
    if not np.all(np.isfinite(positions)):
        raise InputError("structure.positions holds non-finite values")
    if box.shape != (3,) or not np.all(np.isfinite(box)) or np.any(box <= 0):
        raise InputError(f"structure.box must be 3 positive lengths, got {box.tolist()}")
    if types.shape != (positions.shape[0],) or not np.issubdtype(types.dtype, np.integer):
        raise InputError("structure.types must be one integer type (1, 2, ...) per atom")
    if masses.ndim != 1 or masses.size < 1 or not np.all(np.isfinite(masses)) or np.any(masses <= 0):
        raise InputError("structure.masses must be positive masses, one per atom type")
    if types.min() < 1 or types.max() > masses.size:
        raise InputError(f"structure.types must lie in 1 .. {masses.size} (one mass per type)")
    epsilons = None
    if md_potential(potential).scaled_epsilons:
        eps = getattr(structure, "epsilons", None)
        epsilons = np.ones_like(masses) if eps is None else np.asarray(eps, dtype=float)
        if epsilons.shape != masses.shape or not np.all(np.isfinite(epsilons)) or np.any(epsilons <= 0):
            raise InputError("structure.epsilons must be positive well depths, one per atom type")
    return positions, types.astype(np.int64), masses, box, epsilons


def lj_pair_blocks(d: NDArray[np.float64], epsilon: NDArray[np.float64], sigma: float) -> NDArray[np.float64]:
    """d^2U/du_i^2 of LJ pairs 4 eps ((s/r)^12 - (s/r)^6) with separations ``d`` (pairs, 3): (pairs, 3, 3).

    U''(r) r^ r^ + U'(r)/r (1 - r^ r^); the (i, j) block of the force constants is its negative.
    """
    r = np.linalg.norm(d, axis=1)
    s6 = (sigma / r) ** 6
    du = 4 * epsilon * (-12 * s6 * s6 + 6 * s6) / r  # U'(r)
    d2u = 4 * epsilon * (156 * s6 * s6 - 42 * s6) / r**2  # U''(r)
    rhat = d / r[:, None]
    outer = rhat[:, :, None] * rhat[:, None, :]
    return d2u[:, None, None] * outer + (du / r)[:, None, None] * (np.eye(3)[None] - outer)


def lj_force_constants(
    positions: NDArray[np.float64],
    types: NDArray[np.int64],
    box: NDArray[np.float64],
    epsilons: NDArray[np.float64],
    sigma: float,
    cutoff: float,
) -> NDArray[np.float64]:
    """Analytic force constants d^2E/du du of a periodic LJ cell, (3N, 3N), energy/length^2.

    Pair well depth sqrt(eps_i eps_j) (types 1-based), one sigma, plain truncation at ``cutoff`` (length);
    every periodic image within the cutoff is included (cells thinner than twice the cutoff are fine).
    """
    from ase import Atoms
    from ase.neighborlist import neighbor_list
    from scipy.sparse import coo_matrix

    n = positions.shape[0]
    atoms = Atoms(numbers=np.ones(n, dtype=int), positions=positions, cell=np.diag(box), pbc=True)
    i, j, d = neighbor_list("ijD", atoms, cutoff)
    eps = np.sqrt(epsilons[types[i] - 1] * epsilons[types[j] - 1])
    block = lj_pair_blocks(d, eps, sigma)  # d^2U/du_i^2
    a, b = np.meshgrid(np.arange(3), np.arange(3), indexing="ij")
    rows_ij = (3 * i[:, None, None] + a[None]).ravel()
    cols_ij = (3 * j[:, None, None] + b[None]).ravel()
    cols_ii = (3 * i[:, None, None] + b[None]).ravel()
    rows = np.concatenate([rows_ij, rows_ij])
    cols = np.concatenate([cols_ij, cols_ii])
    vals = np.concatenate([-block.ravel(), block.ravel()])
    return coo_matrix((vals, (rows, cols)), shape=(3 * n, 3 * n)).toarray()


def _many_body_force_constants(
    positions: NDArray, types: NDArray, box: NDArray, masses: NDArray, potential: str, displacement: float, cache: bool
) -> tuple[NDArray[np.float64], str]:
    from ase import Atoms

    from .force_constants import EV_PER_A2, force_constants
    from .potentials import get_potential

    record = md_potential(potential)  # its harmonic twin: the potential and the elements of types 1 and 2
    if masses.size > 2 and len(set(record.harmonic_species)) > 1:
        raise InputError(f"potential={potential!r} describes two atom types (1 = {record.harmonic_species[0]}, "
                         f"2 = {record.harmonic_species[1]})")  # fmt: skip
    symbols = [record.harmonic_species[min(t, 2) - 1] for t in types]
    pot = get_potential(record.harmonic, sorted(set(symbols)))
    atoms = Atoms(symbols=symbols, positions=positions, cell=np.diag(box), pbc=True)
    fc = force_constants(atoms, pot, displacement_angstrom=displacement, cache=cache)
    return np.asarray(fc.matrix) / EV_PER_A2, fc.method


def _check_and_impose(
    k: NDArray[np.float64], tolerance: float = FORCE_CONSTANT_TOLERANCE
) -> tuple[NDArray[np.float64], float, float]:
    """Measure the sum-rule and symmetry violations (relative to max |K|), refuse them beyond ``tolerance``,
    then impose both."""
    n = k.shape[0] // 3
    scale = float(np.abs(k).max())
    if scale == 0:
        raise InputError("the force constants are all zero: no atom is within the potential's range of another")
    sums = k.reshape(n, 3, n, 3).sum(axis=2)  # (n, 3, 3): sum over j of the (i, j) blocks
    asr = float(np.abs(sums).max()) / scale
    sym = float(np.abs(k - k.T).max()) / scale
    if asr > tolerance or sym > tolerance:
        raise ConvergenceError(
            f"the force constants break the acoustic sum rule by {asr:.3g} and symmetry by {sym:.3g} "
            f"(relative; tolerance {tolerance:g}): the finite-difference step is unsuitable"
        )
    k = 0.5 * (k + k.T)
    for _ in range(3):  # diagonal-block correction, re-symmetrised: converges at once for small violations
        view = k.reshape(n, 3, n, 3)
        sums = view.sum(axis=2)
        idx = np.arange(n)
        view[idx, :, idx, :] -= 0.5 * (sums + sums.transpose(0, 2, 1))
        k = 0.5 * (k + k.T)
    return k, asr, sym


class _Layout(NamedTuple):
    """The planes around the interface: (n_planes, N) membership, atoms per plane, the near planes and their
    share of the atoms, each plane's mean z relative to the interface, planes per side, near planes."""

    member: NDArray[np.bool_]
    plane_atoms: NDArray[np.int64]
    near_mask: NDArray[np.bool_]
    near_share: float
    plane_z: NDArray[np.float64]
    planes_per_side: int
    near_planes: int


def _plane_layout(
    plane: NDArray[np.int64], planes_per_side: int, near_planes: int, localisation: float, empty_hint: str
) -> tuple[NDArray[np.bool_], NDArray[np.int64], NDArray[np.bool_], float]:
    """Membership (n_planes, N) of planes -planes_per_side .. planes_per_side - 1 (``plane`` per atom; any other
    value: no plane), atoms per plane, the near planes and their share; an empty plane or near planes too large
    for ``localisation`` is an InputError (``empty_hint`` finishes the first message)."""
    index = np.arange(-planes_per_side, planes_per_side)
    member = plane[None, :] == index[:, None]  # (n_planes, N)
    plane_atoms = member.sum(axis=1)
    if np.any(plane_atoms == 0):
        raise InputError(f"plane {int(index[np.argmax(plane_atoms == 0)])} {empty_hint}")
    near_mask = np.abs(index + 0.5) < near_planes
    near_share = float(plane_atoms[near_mask].sum()) / plane.size
    if localisation * near_share >= 1:
        raise InputError(
            f"the {2 * near_planes} near planes hold {near_share:.3g} of the atoms: no mode can have "
            f"localisation={localisation:g} times that share; use a longer cell or fewer near_planes="
        )
    return member, plane_atoms, near_mask, near_share


def _modes(
    k: NDArray[np.float64],
    atom_masses: NDArray[np.float64],
    symbols: list[str],
    cell: NDArray[np.float64],
    positions: NDArray[np.float64],
    layout: _Layout,
    thresholds: dict[str, float],
    *,
    units: str,
    potential: str,
    method: str,
) -> InterfaceModes:
    """Check and impose the sum rule on the force constants ``k`` (3N, 3N), diagonalise the dynamical matrix at
    Gamma through phonopy (the cell as its own unit cell and supercell) and measure each mode's localisation."""
    n = atom_masses.size
    k, asr, sym = _check_and_impose(k, thresholds.get("tolerance", FORCE_CONSTANT_TOLERANCE))
    try:
        import phonopy
        from phonopy.structure.atoms import PhonopyAtoms
    except ImportError:
        raise MissingDependencyError("phonopy", "phonons", "interface modes") from None
    unitcell = PhonopyAtoms(symbols=symbols, cell=cell, positions=positions, masses=atom_masses)
    ph = phonopy.Phonopy(unitcell, supercell_matrix=np.eye(3, dtype=int), primitive_matrix="P", is_symmetry=False)
    ph.force_constants = np.ascontiguousarray(k.reshape(n, 3, n, 3).transpose(0, 2, 1, 3))
    ph.dynamical_matrix.run([0.0, 0.0, 0.0])
    dyn = np.asarray(ph.dynamical_matrix.dynamical_matrix)
    # at Gamma the dynamical matrix is real (phases 1): a real symmetric eigenproblem, ~4x faster than complex
    real = np.ascontiguousarray(dyn.real) if np.iscomplexobj(dyn) else dyn
    from scipy.linalg import eigh

    eigenvalues, vectors = eigh(0.5 * (real + real.T), driver="evr", check_finite=False)
    scale = 1.0 if units == "lj" else OMEGA_METAL_RAD_PER_PS
    omega = np.sign(eigenvalues) * np.sqrt(np.abs(eigenvalues)) * scale

    # per-atom density of each mode, averaged over degenerate sets (basis independent)
    density = (np.abs(vectors) ** 2).reshape(n, 3, 3 * n).sum(axis=1).T  # (modes, N)
    breaks = np.flatnonzero(np.diff(omega) > thresholds["degeneracy"] * float(np.abs(omega).max())) + 1
    starts = np.concatenate([[0], breaks])
    stops = np.concatenate([breaks, [3 * n]])
    for s, e in zip(starts, stops, strict=True):
        if e - s > 1:
            density[s:e] = density[s:e].mean(axis=0)
    participation = 1.0 / (n * np.sum(density**2, axis=1))
    plane_weight = density @ layout.member.T.astype(float)
    near_weight = plane_weight[:, layout.near_mask].sum(axis=1)
    acoustic = np.zeros(3 * n, dtype=bool)
    acoustic[np.argsort(np.abs(omega))[:3]] = True
    localisation, factor = thresholds["localisation"], thresholds["participation_factor"]
    share = layout.near_share
    interface = (near_weight >= localisation * share) & (participation <= factor * share) & ~acoustic
    return InterfaceModes(
        omega=omega,
        participation=participation,
        plane_weight=plane_weight,
        near_weight=near_weight,
        interface=interface,
        acoustic=acoustic,
        plane_z=layout.plane_z,
        plane_atoms=layout.plane_atoms.astype(np.int64),
        plane_first=-layout.planes_per_side,
        near_planes=layout.near_planes,
        near_share=share,
        localisation=localisation,
        participation_factor=factor,
        units=units,
        omega_unit="rad/tau" if units == "lj" else "rad/ps",
        n_atoms=n,
        potential=potential,
        method=method,
        sum_rule_error=asr,
        symmetry_error=sym,
    )


def interface_modes(
    structure: Any,
    potential: str,
    *,
    interface_z: float,
    plane_spacing: float,
    planes_per_side: int = 8,
    units: str | None = None,
    sigma: float | None = None,
    near_planes: int = 2,
    localisation: float = 3.0,
    participation_factor: float = 2.0,
    degeneracy_tolerance: float = 1e-6,
    displacement_angstrom: float = 0.01,
    cache: bool = True,
    max_atoms: int = 3000,
) -> InterfaceModes:
    """Harmonic modes at Gamma of the periodic interface cell ``structure`` and which are interface modes.

    Parameters
    ----------
    structure : LJBicrystal, DiamondBicrystal or alike
        Fields ``positions`` (N, 3) length unit, ``types`` (N,) 1-based, ``masses`` (n_types,) mass unit,
        ``box`` (3,) length unit (or an orthorhombic ``cell`` (3, 3)), and for ``"lj/cut"`` ``epsilons``
        (n_types,) energy unit (default 1).  Periodic in x, y and z.
    potential : {"lj/cut", "sw", "tersoff"}
        As in the NEMD run (``"sw"``: Si Stillinger-Weber for all atoms; ``"tersoff"``: SiCGe.tersoff,
        type 1 Si, type 2 Ge, needs LAMMPS).
    interface_z : float
        z of the interface plane (length unit), between two atomic planes.
    plane_spacing : float
        Distance between (001) atomic planes (length unit): a/2 for fcc, a/4 for diamond.
    planes_per_side : int
        Planes resolved on each side of the interface (``plane_weight`` has 2 planes_per_side columns).
    units : {"lj", "metal"}, optional
        Default "lj" for ``"lj/cut"``, "metal" (required) for ``"sw"`` and ``"tersoff"``.
    sigma : float, optional
        LJ size (length unit); default 1 for ``units="lj"``, 3.405 A (argon) for ``"metal"``.
    near_planes : int
        Planes on each side counted as "at the interface" (default 2: planes -2 .. 1).
    localisation : float
        Minimum ratio of a mode's near-interface weight to the evenly spread share (default 3).
    participation_factor : float
        Maximum participation ratio in units of the near planes' share of the atoms (default 2).
    degeneracy_tolerance : float
        Modes whose omega differ by less than this times the highest omega are one degenerate set.
    displacement_angstrom : float
        Finite-difference step (A) for ``"tersoff"``.
    cache : bool
        Use the on-disk force-constant cache (many-body potentials).
    max_atoms : int
        Refuse larger cells (dense diagonalisation: memory 8 (3N)^2 bytes a few times; raise with
        ``max_atoms=``).
    """
    if potential not in POTENTIALS:
        raise InputError(f"potential= must be one of {', '.join(POTENTIALS)}, got {potential!r}")
    record = md_potential(potential)
    if units is None:
        units = record.units[0]  # its first: "lj" for LJ, "metal" for the others
    if units not in ("lj", "metal"):
        raise InputError(f'units= must be "lj" or "metal", got {units!r}')
    if units not in record.units:
        raise InputError(f'potential="{potential}" needs units="metal" (Angstrom, eV, amu)')
    positions, types, masses, box, epsilons = _structure_arrays(structure, potential)
    n = positions.shape[0]
    _checks.count(max_atoms, "max_atoms=", 2)
    if n > max_atoms:
        gb = 4 * 8 * (3 * n) ** 2 / 1e9
        raise InputError(
            f"the cell has {n} atoms: the dense diagonalisation needs ~{gb:.2g} GB (limit {max_atoms} atoms; "
            "raise with max_atoms=)"
        )
    length = "structure length units"
    _checks.number(interface_z, "interface_z=", length)
    spacing = _checks.positive(plane_spacing, "plane_spacing=", length)
    _checks.count(planes_per_side, "planes_per_side=", 1)
    _checks.count(near_planes, "near_planes=", 1)
    if near_planes > planes_per_side:
        raise InputError(f"near_planes={near_planes} must not exceed planes_per_side={planes_per_side}")
    if 2 * planes_per_side * spacing > box[2] * (1 + 1e-9):
        raise InputError(
            f"planes_per_side={planes_per_side} with plane_spacing={spacing:g} spans "
            f"{2 * planes_per_side * spacing:g}, more than the cell's length {float(box[2]):g} along z"
        )
    localisation = _checks.positive(localisation, "localisation=", "")
    participation_factor = _checks.positive(participation_factor, "participation_factor=", "")
    degeneracy_tolerance = _checks.positive(degeneracy_tolerance, "degeneracy_tolerance=", "")
    displacement = _checks.positive(displacement_angstrom, "displacement_angstrom=", "A")
    if sigma is None:
        sigma = 1.0 if units == "lj" else 3.405
    sigma = _checks.positive(sigma, "sigma=", length)

    # planes: floor((z - z_interface) / spacing), z wrapped into [-Lz/2, Lz/2)
    dz = positions[:, 2] - float(interface_z)
    dz -= box[2] * np.floor(dz / box[2] + 0.5)
    frac = dz / spacing
    if np.any(np.abs(frac - np.rint(frac)) < 0.05):
        raise InputError(
            f"atoms lie on a plane boundary (within 5 % of plane_spacing={spacing:g}): interface_z="
            f"{float(interface_z):g} must fall between two atomic planes"
        )
    plane = np.floor(frac).astype(np.int64)
    member, plane_atoms, near_mask, near_share = _plane_layout(
        plane,
        planes_per_side,
        near_planes,
        localisation,
        f"around interface_z={float(interface_z):g} holds no atom: check interface_z= and plane_spacing={spacing:g}",
    )

    # force constants (energy / length^2 of the run's units)
    if record.analytic:
        assert epsilons is not None
        k = lj_force_constants(positions, types, box, epsilons, sigma, LJ_CUTOFF_SIGMA * sigma)
        method = "analytic"
    else:
        k, method = _many_body_force_constants(positions, types, box, masses, potential, displacement, cache)
    plane_z = np.array([dz[m].mean() for m in member])
    twin = md_potential(potential).harmonic_species
    symbol = (twin[0],) * masses.size if twin[0] == twin[1] else twin
    return _modes(
        k,
        masses[types - 1],
        [symbol[t - 1] for t in types],
        np.diag(box),
        positions,
        _Layout(member, plane_atoms, near_mask, near_share, plane_z, planes_per_side, near_planes),
        dict(localisation=localisation, participation_factor=participation_factor, degeneracy=degeneracy_tolerance),
        units=units,
        potential=potential,
        method=method,
    )


def user_interface_modes(
    atoms: Any,
    forcefield: Any,
    plane: Any,
    plane_z: Any,
    *,
    masses: Any = None,
    types: Any = None,
    near_planes: int = 2,
    localisation: float = 3.0,
    participation_factor: float = 2.0,
    degeneracy_tolerance: float = 1e-6,
    step_angstrom: float = 0.005,
    max_atoms: int = 3000,
    relax: bool = True,
    tolerance: float = USER_FORCE_CONSTANT_TOLERANCE,
) -> InterfaceModes:
    """Harmonic modes at Gamma of a user's periodic interface cell with a LAMMPS force field (units metal).

    The force constants of the whole cell are central finite differences of the forces LAMMPS computes from the
    user's pair lines (:func:`kapitza.atomistic.lammps_forces.hessian_rows`, displacements batched), then the
    sum rule is checked and imposed and the modes measured as in :func:`interface_modes`.

    Parameters
    ----------
    atoms : ase.Atoms
        The cell, periodic in all three directions (Angstrom); its tags give the sides where the pair lines'
        atom types depend on them.
    forcefield : kapitza.atomistic.forcefield.ForceField
        The pair lines.
    plane : (N,) int array
        Each atom's plane around the interface: -planes .. planes - 1 (-1 just below it, 0 just above); any
        other value for atoms in no plane.  The planes come from the caller (e.g. a run's spectral setup), so
        that uneven atomic planes (wurtzite's) are the caller's ones.
    plane_z : (2 planes,) array
        Mean z of each plane relative to the interface (Angstrom), from plane -planes up.
    masses : (N,) array, optional
        amu; default the atoms' own.
    types : (N,) int array, optional
        LAMMPS type of each atom (default: from the pair lines and the atoms' species and tags).
    near_planes, localisation, participation_factor, degeneracy_tolerance
        As in :func:`interface_modes`.
    step_angstrom : float
        Finite-difference step (A).
    max_atoms : int
        Refuse larger cells (dense diagonalisation).
    relax : bool
        First move the atoms to the force field's energy minimum nearest their positions, the cell fixed
        (:func:`kapitza.atomistic.lammps_forces.minimised`): a structure as built (strained, not relaxed) is
        no equilibrium and its force constants give unstable modes.  ``method`` records the residual force.
    tolerance : float
        Largest relative violation of symmetry or of the sum rule accepted before both are imposed (default
        :data:`USER_FORCE_CONSTANT_TOLERANCE`); the measured ones are ``symmetry_error`` and ``sum_rule_error``.
    """
    from .lammps_forces import hessian_rows, minimised

    n = len(atoms)
    _checks.count(max_atoms, "max_atoms=", 2)
    if n > max_atoms:
        raise InputError(f"the cell has {n} atoms: the dense diagonalisation is limited to max_atoms={max_atoms}")
    if not all(atoms.pbc):
        raise InputError("the cell must be periodic along x, y and z (the lattice dynamics of the periodic cell)")
    plane = np.asarray(plane, dtype=np.int64)
    plane_z = np.asarray(plane_z, dtype=float)
    if plane.shape != (n,) or plane_z.ndim != 1 or plane_z.size < 2 or plane_z.size % 2:
        raise InputError(f"plane= must give one plane per atom ({n}) and plane_z= an even number of planes")
    planes_per_side = plane_z.size // 2
    _checks.count(near_planes, "near_planes=", 1)
    if near_planes > planes_per_side:
        raise InputError(f"near_planes={near_planes} must not exceed the planes on each side ({planes_per_side})")
    localisation = _checks.positive(localisation, "localisation=", "")
    member, plane_atoms, near_mask, near_share = _plane_layout(
        plane, planes_per_side, near_planes, localisation, "holds no atom: check plane="
    )
    atom_masses = np.asarray(atoms.get_masses() if masses is None else masses, dtype=float)
    if atom_masses.shape != (n,) or not np.all(np.isfinite(atom_masses)) or np.any(atom_masses <= 0):
        raise InputError("masses= must be one positive mass (amu) per atom")
    method = "finite-difference (LAMMPS)"
    if relax:  # the harmonic reference: the minimum nearest the structure, the cell fixed
        atoms, residual = minimised(atoms, forcefield, types=types)
        method += f" at the minimum nearest the structure (cell fixed; residual force {residual:.2g} eV/A)"
    h = hessian_rows(atoms, forcefield, np.arange(n), _checks.positive(step_angstrom, "step_angstrom=", "A"),
                     types=types)  # fmt: skip
    return _modes(
        h.reshape(3 * n, 3 * n),
        atom_masses,
        list(atoms.get_chemical_symbols()),
        np.asarray(atoms.cell),
        np.asarray(atoms.positions),
        _Layout(member, plane_atoms, near_mask, near_share, plane_z, planes_per_side, near_planes),
        dict(
            localisation=localisation,
            participation_factor=_checks.positive(participation_factor, "participation_factor=", ""),
            degeneracy=_checks.positive(degeneracy_tolerance, "degeneracy_tolerance=", ""),
            tolerance=_checks.positive(tolerance, "tolerance=", ""),
        ),
        units="metal",
        potential=forcefield.pair_style,
        method=method,
    )


__all__ = [
    "OMEGA_METAL_RAD_PER_PS",
    "InterfaceModes",
    "interface_modes",
    "lj_force_constants",
    "user_interface_modes",
    "USER_FORCE_CONSTANT_TOLERANCE",
]
