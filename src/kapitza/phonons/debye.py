r"""Isotropic Debye spectra with per-branch cutoffs.

A Debye solid has one longitudinal (L) and two degenerate transverse (T)
branches with linear dispersion :math:`\omega = v_p k`; a fluid has only L.
Per branch and unit volume the density of states is
:math:`g_p \omega^2 / (2\pi^2 v_p^3)` (degeneracy :math:`g_p`), and the
transport-channel density through a plane (per area, per unit angular
frequency, hemispherical average of the normal velocity included) is

.. math:: M_p(\omega) = g_p\,\frac{\omega^2}{8\pi^2 v_p^2},
          \qquad \omega \le \omega_{D,p} .

Cutoffs (``cutoff=``):

``"branch"``
    :math:`\omega_{D,p} = v_p (6\pi^2 n)^{1/3}` with :math:`n` the atomic
    number density: each branch holds exactly one mode per atom, the choice of
    Swartz & Pohl (Rev. Mod. Phys. 61, 605 (1989), Sec. IV) and Reddy et al.
    (APL 87, 211908 (2005)) for DMM.
``"debye"`` (default)
    One cutoff :math:`\omega_D = k_B \Theta_D / \hbar` for all branches, from the
    tabulated Debye temperature.  The number of modes is then not one per atom
    per branch, but the transverse branches no longer run far above the real
    phonon frequencies, and against the full-dispersion DMM over every pair of
    materials with potentials (docs/physics/cutoffs.md, from benchmarks/cutoffs.py) it
    agrees best of the four rules: median |log10(G/G_full)| 0.100 for T >= 30 K,
    against 0.167 for ``"sine"`` and 0.295 for ``"branch"``.  That table, not a
    preference, makes it the default (:data:`DEFAULT_CUTOFF`).
``"sine"``
    Sine (Born-von Karman) dispersion per branch,
    :math:`\omega_p(k) = \omega_{max,p} \sin(\pi k / 2 k_{max})` for
    :math:`k \le k_{max} = (6\pi^2 n)^{1/3}` (the wave number of the branch
    cutoff, so each branch again holds one mode per atom), with
    :math:`\omega_{max,p} = 2 v_p k_{max} / \pi` so that the slope at low k is
    the sound speed :math:`v_p` (Dames & Chen, "Thermal conductivity of
    nanostructured thermoelectric materials", in CRC Thermoelectrics Handbook
    (2006), ch. 42).  See :class:`SineSpectrum`.
``"sine-zb"``
    The same sine dispersion with :math:`\omega_{max,p}` the *measured*
    zone-boundary frequency of the branch (neutron scattering,
    :mod:`kapitza.materials.zone_boundary`); the slope at low k is then
    :math:`\pi\omega_{max,p}/(2 k_{max})`, which differs from the tabulated
    sound speed.  Only for the crystals with stored values.

The acoustic mismatch model is a continuum model: its transmission uses
frequency-independent acoustic impedances and sound speeds, which a dispersive
branch does not have, so it takes only the linear (``"branch"``, ``"debye"``)
spectra; DMM and the radiation limit take all four.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..errors import InputError
from ..io.results import freeze_value
from ..materials import Material, get_material
from ..materials.spec import MaterialSpec
from ..materials.zone_boundary import zone_boundary
from ..units import HBAR, KB, RAD_S_PER_THZ, SPEED_OF_LIGHT

CUTOFFS: tuple[str, ...] = ("branch", "debye", "sine", "sine-zb")
#: The default rule, chosen by the table in docs/physics/cutoffs.md (closest to full dispersion).
DEFAULT_CUTOFF = "debye"
#: Cutoff rules that give a sine (dispersive) spectrum rather than a linear Debye one.
SINE_CUTOFFS: tuple[str, ...] = ("sine", "sine-zb")
#: Panel edges graded towards each sine branch maximum, at omega_max (1 - 4^-j), j = 1.._GRADING: the channel
#: density has a square-root point there (k(omega) ~ k_max - c sqrt(omega_max - omega)), and geometric panels keep
#: the Landauer quadrature at round-off accuracy.
_GRADING = 16


def _below_cutoffs(omega: NDArray[np.float64], cutoffs: NDArray[np.float64]) -> NDArray[np.bool_]:
    """Mask of shape (n_branches, n_omega): 0 <= omega <= the branch's cutoff (rad/s)."""
    return (omega[None, :] <= cutoffs[:, None]) & (omega[None, :] >= 0)


def _freeze_arrays(spectrum: DebyeSpectrum | SineSpectrum) -> None:
    """Make the spectrum's arrays read-only copies, as every result's (:func:`kapitza.io.results.freeze_value`)."""
    for name in ("velocities", "degeneracy", "cutoffs"):
        object.__setattr__(spectrum, name, freeze_value(np.asarray(getattr(spectrum, name), dtype=float)))


@dataclass(frozen=True)
class DebyeSpectrum:
    """Isotropic Debye spectrum of one material.

    Attributes
    ----------
    material : str
        Name of the material.
    labels : tuple of str
        Branch names: ("L", "T") for a solid, ("L",) for a fluid.
    velocities : ndarray
        Sound speed of each branch in m/s, shape (n_branches,).
    degeneracy : ndarray
        Number of polarisations in each branch (1 for L, 2 for T), shape (n_branches,).
    cutoffs : ndarray
        Cutoff angular frequency of each branch in rad/s, shape (n_branches,).
    cutoff_rule : str
        "branch" or "debye" (see module docstring).
    """

    material: str
    labels: tuple[str, ...]
    velocities: NDArray[np.float64]
    degeneracy: NDArray[np.float64]
    cutoffs: NDArray[np.float64]
    cutoff_rule: str

    def __post_init__(self) -> None:
        _freeze_arrays(self)

    @property
    def breakpoints(self) -> NDArray[np.float64]:
        """Branch cutoffs in rad/s, sorted, shape (n_unique,)."""
        return np.unique(self.cutoffs)

    @property
    def max_frequency(self) -> float:
        """Highest cutoff in rad/s."""
        return float(self.cutoffs.max())

    def _per_branch(self, omega: ArrayLike, values: NDArray[np.float64]) -> NDArray[np.float64]:
        return np.where(_below_cutoffs(np.asarray(omega, dtype=float), self.cutoffs), values, 0.0)

    def channel_density(self, omega: ArrayLike) -> NDArray[np.float64]:
        """M_p(omega) = g_p omega^2 / (8 pi^2 v_p^2) below each cutoff.

        Parameters
        ----------
        omega : array_like
            Angular frequencies in rad/s, shape (n_omega,).

        Returns
        -------
        ndarray
            Channels per m^2 per rad/s, shape (n_branches, n_omega).
        """
        w = np.atleast_1d(np.asarray(omega, dtype=float))
        m = self.degeneracy[:, None] * w[None, :] ** 2 / (8 * np.pi**2 * self.velocities[:, None] ** 2)
        return self._per_branch(w, m)

    def density_of_states(self, omega: ArrayLike) -> NDArray[np.float64]:
        """g_p omega^2 / (2 pi^2 v_p^3) per m^3 per rad/s, shape (n_branches, n_omega)."""
        w = np.atleast_1d(np.asarray(omega, dtype=float))
        d = self.degeneracy[:, None] * w[None, :] ** 2 / (2 * np.pi**2 * self.velocities[:, None] ** 3)
        return self._per_branch(w, d)


#: Sound speeds (m/s) a continuum model accepts: from slow shear waves in gels to the speed of light.
SPEED_RANGE = (1e-2, SPEED_OF_LIGHT)
#: Mass densities (kg/m^3) accepted: from aerogels to 50x osmium (22,590 kg/m^3).
DENSITY_RANGE = (1e-3, 1e6)
#: Atom number densities (m^-3) accepted: up to 500x diamond (1.76e29 m^-3).
NUMBER_DENSITY_MAX = 1e32


def check_continuum(material: MaterialSpec) -> Material:
    """Refuse elastic data outside physical ranges before a continuum model uses them.

    ``material`` is a name, a path to a material file or a :class:`Material`; the Material is returned.

    Speeds above the speed of light or densities of 1e300 kg/m^3 are not
    physics, and in products such as Z = rho v or v^2 they overflow; this check
    keeps the models free of overflows, divisions by zero and RuntimeWarnings.

    Raises
    ------
    InputError
        Naming the material, the quantity, its value and the accepted range.
    """
    material = get_material(material)
    speeds = [("v_l", material.v_l)] + ([] if material.is_fluid else [("v_t", material.v_t)])
    for name, value in speeds:
        if not SPEED_RANGE[0] <= float(value) <= SPEED_RANGE[1]:
            raise InputError(
                f"{material.name}: {name} = {float(value):g} m/s is outside {SPEED_RANGE[0]:g} m/s to "
                f"{SPEED_RANGE[1]:g} m/s (the speed of light)"
            )
    if not DENSITY_RANGE[0] <= float(material.density) <= DENSITY_RANGE[1]:
        raise InputError(
            f"{material.name}: density = {float(material.density):g} kg/m^3 is outside "
            f"{DENSITY_RANGE[0]:g} to {DENSITY_RANGE[1]:g} kg/m^3"
        )
    if not 0 < float(material.number_density) <= NUMBER_DENSITY_MAX:
        raise InputError(
            f"{material.name}: number_density = {float(material.number_density):g} m^-3 must be > 0 and "
            f"<= {NUMBER_DENSITY_MAX:g} m^-3"
        )
    return material


def _branches(material: Material) -> tuple[tuple[str, ...], NDArray[np.float64], NDArray[np.float64]]:
    """Labels, sound speeds (m/s) and degeneracies of the acoustic branches."""
    if material.is_fluid:
        return ("L",), np.array([material.v_l]), np.array([1.0])
    return ("L", "T"), np.array([material.v_l, material.v_t]), np.array([1.0, 2.0])


def branch_cutoff(velocity: float, number_density: float) -> float:
    """Debye cutoff of one branch, v (6 pi^2 n)^(1/3), in rad/s.

    Parameters
    ----------
    velocity : float
        Sound speed in m/s.
    number_density : float
        Atoms per m^3.
    """
    return velocity * (6 * np.pi**2 * number_density) ** (1.0 / 3.0)


def debye_spectrum(material: MaterialSpec, cutoff: str = DEFAULT_CUTOFF) -> DebyeSpectrum | SineSpectrum:
    """Build the Debye (or sine) spectrum of ``material``.

    Parameters
    ----------
    material : str, os.PathLike or Material
        A database name or alias, a material file, or a Material (:func:`kapitza.materials.get_material`).
    cutoff : {"branch", "debye", "sine", "sine-zb"}
        Cutoff rule, see the module docstring.

    Returns
    -------
    DebyeSpectrum
        For "branch" and "debye".
    SineSpectrum
        For "sine" and "sine-zb" (see :func:`sine_spectrum`).
    """
    if cutoff not in CUTOFFS:
        raise InputError(f"unknown cutoff rule {cutoff!r}; expected one of {', '.join(CUTOFFS)}")
    if cutoff in SINE_CUTOFFS:
        return sine_spectrum(material, measured=cutoff == "sine-zb")
    material = check_continuum(material)
    labels, v, g = _branches(material)
    if cutoff == "branch":
        wc = np.array([branch_cutoff(vi, material.number_density) for vi in v])
    else:
        wc = np.full(v.shape, KB * material.debye_temperature / HBAR)
    return DebyeSpectrum(
        material=material.name, labels=labels, velocities=v, degeneracy=g, cutoffs=wc, cutoff_rule=cutoff
    )


@dataclass(frozen=True)
class SineSpectrum:
    r"""Isotropic sine (Born-von Karman) spectrum of one material.

    Each branch p has :math:`\omega_p(k) = \omega_{max,p}\sin(\pi k/2k_{max})`
    for :math:`0 \le k \le k_{max} = (6\pi^2 n)^{1/3}`, the same in every
    direction.

    Channel density.  The heat flux through a plane per unit area carried by
    one polarisation with transmission :math:`\tau` is
    :math:`\int d^3k/(2\pi)^3\, \hbar\omega\, v_z\, n\, \tau` over
    :math:`v_z > 0`.  With :math:`d^3k = k^2 dk\, d\Omega`,
    :math:`dk = d\omega / v_g` and :math:`v_z = v_g\cos\theta`, the
    hemisphere gives :math:`\int \cos\theta\, d\Omega = \pi` and the group
    velocity cancels against the density of states:

    .. math:: M_p(\omega) = g_p\,\frac{k_p(\omega)^2}{8\pi^2},\qquad
              k_p(\omega) = \frac{2 k_{max}}{\pi}\arcsin\frac{\omega}{\omega_{max,p}},
              \quad \omega \le \omega_{max,p} .

    For linear dispersion :math:`k = \omega/v_p` this is the Debye
    :math:`g_p\omega^2/(8\pi^2 v_p^2)`; at low frequency
    :math:`k \to (2k_{max}/\pi)(\omega/\omega_{max,p}) = \omega / v_{0,p}`
    with the low-k speed
    :math:`v_{0,p} = \pi\omega_{max,p}/(2k_{max})`, so low-temperature results
    are those of a Debye branch of speed :math:`v_{0,p}`.  At the top
    :math:`M_p(\omega_{max,p}) = g_p k_{max}^2/(8\pi^2)`: the same channel
    count as the per-branch Debye cutoff, reached at a lower frequency
    (:math:`2/\pi` of it for ``"sine"``).

    Attributes
    ----------
    material : str
        Name of the material.
    labels : tuple of str
        Branch names: ("L", "T") for a solid, ("L",) for a fluid.
    velocities : ndarray
        Low-k (sound) speed :math:`v_{0,p}` of each branch in m/s, shape (n_branches,).
        Equal to the tabulated sound speeds for "sine"; from the zone-boundary
        frequencies for "sine-zb".
    degeneracy : ndarray
        Number of polarisations in each branch (1 for L, 2 for T), shape (n_branches,).
    cutoffs : ndarray
        Branch maxima :math:`\omega_{max,p}` in rad/s, shape (n_branches,).
    k_max : float
        Zone-boundary wave number :math:`(6\pi^2 n)^{1/3}` in 1/m.
    cutoff_rule : str
        "sine" or "sine-zb".
    source : str
        Where the branch maxima come from.
    """

    material: str
    labels: tuple[str, ...]
    velocities: NDArray[np.float64]
    degeneracy: NDArray[np.float64]
    cutoffs: NDArray[np.float64]
    k_max: float
    cutoff_rule: str
    source: str

    def __post_init__(self) -> None:
        _freeze_arrays(self)

    @property
    def breakpoints(self) -> NDArray[np.float64]:
        """Branch maxima in rad/s with panel edges graded towards each, sorted, shape (n_unique,).

        The channel density is continuous below a maximum but has a
        square-root point at it (and drops to 0 above it); the graded edges
        omega_max (1 - 4^-j) let the Landauer quadrature resolve that.
        """
        grading = 1.0 - 4.0 ** -np.arange(1, _GRADING + 1)
        return np.unique(np.concatenate([self.cutoffs, (self.cutoffs[:, None] * grading[None, :]).ravel()]))

    @property
    def max_frequency(self) -> float:
        """Highest branch maximum in rad/s."""
        return float(self.cutoffs.max())

    def wave_number(self, omega: ArrayLike) -> NDArray[np.float64]:
        """k_p(omega) in 1/m on each branch (k_max above its maximum), shape (n_branches, n_omega).

        Parameters
        ----------
        omega : array_like
            Angular frequencies in rad/s, shape (n_omega,).
        """
        w = np.atleast_1d(np.asarray(omega, dtype=float))
        ratio = np.clip(w[None, :] / self.cutoffs[:, None], 0.0, 1.0)
        return (2.0 * self.k_max / np.pi) * np.arcsin(ratio)

    def channel_density(self, omega: ArrayLike) -> NDArray[np.float64]:
        """M_p(omega) = g_p k_p(omega)^2 / (8 pi^2) below each branch maximum, 0 above.

        Parameters
        ----------
        omega : array_like
            Angular frequencies in rad/s, shape (n_omega,).

        Returns
        -------
        ndarray
            Channels per m^2 per rad/s, shape (n_branches, n_omega).
        """
        w = np.atleast_1d(np.asarray(omega, dtype=float))
        m = self.degeneracy[:, None] * self.wave_number(w) ** 2 / (8 * np.pi**2)
        return np.where(_below_cutoffs(w, self.cutoffs), m, 0.0)

    def group_velocity(self, omega: ArrayLike) -> NDArray[np.float64]:
        """d omega/dk = (pi / 2 k_max) sqrt(omega_max^2 - omega^2) in m/s, 0 above the maximum.

        Shape (n_branches, n_omega) for ``omega`` in rad/s of shape (n_omega,).
        """
        w = np.atleast_1d(np.asarray(omega, dtype=float))
        gap = np.clip(self.cutoffs[:, None] ** 2 - w[None, :] ** 2, 0.0, None)
        return (np.pi / (2.0 * self.k_max)) * np.sqrt(gap)

    def density_of_states(self, omega: ArrayLike) -> NDArray[np.float64]:
        """g_p k^2 / (2 pi^2 v_g) per m^3 per rad/s below each maximum, shape (n_branches, n_omega).

        The density of states is integrably infinite at each maximum.
        At omega = omega_max exactly (a van Hove singularity) the value is
        returned as 0 rather than infinity; integrals over omega are unaffected.
        """
        w = np.atleast_1d(np.asarray(omega, dtype=float))
        vg = self.group_velocity(w)
        inside = (w[None, :] < self.cutoffs[:, None]) & (w[None, :] >= 0) & (vg > 0)
        k = self.wave_number(w)
        d = self.degeneracy[:, None] * k**2 / (2 * np.pi**2 * np.where(inside, vg, 1.0))
        return np.where(inside, d, 0.0)


def sine_spectrum(material: MaterialSpec, measured: bool = False) -> SineSpectrum:
    r"""Build the sine (Born-von Karman) spectrum of ``material``.

    Parameters
    ----------
    material : str, os.PathLike or Material
        A database name or alias, a material file, or a Material (:func:`kapitza.materials.get_material`).
    measured : bool
        False ("sine"): branch maxima :math:`2 v_p k_{max}/\pi` from the
        tabulated sound speeds (Dames & Chen 2006), so the low-k slope is
        :math:`v_p`.  True ("sine-zb"): branch maxima are the measured
        zone-boundary frequencies of :mod:`kapitza.materials.zone_boundary`;
        the low-k slope then differs from the tabulated sound speed.

    Raises
    ------
    InputError
        Unphysical elastic data, or ``measured=True`` for a material without
        stored zone-boundary frequencies (or a fluid).
    """
    material = check_continuum(material)
    labels, v, g = _branches(material)
    k_max = (6 * np.pi**2 * material.number_density) ** (1.0 / 3.0)
    if measured:
        if material.is_fluid:
            raise InputError(f"{material.name} is a fluid; cutoff 'sine-zb' needs a crystal's measured dispersion")
        zb = zone_boundary(material.name)
        wmax = RAD_S_PER_THZ * np.array([zb.la_thz, zb.ta_thz])
        v = np.pi * wmax / (2 * k_max)
        rule, source = "sine-zb", f"zone-boundary frequencies at {zb.point}: {zb.source}"
    else:
        wmax = 2 * v * k_max / np.pi
        rule = "sine"
        source = "omega_max = 2 v k_max / pi (Dames & Chen, CRC Thermoelectrics Handbook (2006), ch. 42)"
    return SineSpectrum(
        material=material.name,
        labels=labels,
        velocities=v,
        degeneracy=g,
        cutoffs=wmax,
        k_max=float(k_max),
        cutoff_rule=rule,
        source=source,
    )
