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

``"branch"`` (default)
    :math:`\omega_{D,p} = v_p (6\pi^2 n)^{1/3}` with :math:`n` the atomic
    number density: each branch holds exactly one mode per atom, the choice of
    Swartz & Pohl (Rev. Mod. Phys. 61, 605 (1989), Sec. IV) and Reddy et al.
    (APL 87, 211908 (2005)) for DMM.
``"debye"``
    One cutoff :math:`\omega_D = k_B \Theta_D / \hbar` for all branches, from the
    tabulated (calorimetric) Debye temperature.  The number of modes is then
    not one per atom per branch; use it to compare with work that did so.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..errors import InputError
from ..materials import Material
from ..units import HBAR, KB

CUTOFFS: tuple[str, ...] = ("branch", "debye")


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

    @property
    def breakpoints(self) -> NDArray[np.float64]:
        """Branch cutoffs in rad/s, sorted, shape (n_unique,)."""
        return np.unique(self.cutoffs)

    @property
    def max_frequency(self) -> float:
        """Highest cutoff in rad/s."""
        return float(self.cutoffs.max())

    def _per_branch(self, omega: ArrayLike, values: NDArray[np.float64]) -> NDArray[np.float64]:
        w = np.asarray(omega, dtype=float)
        inside = (w[None, :] <= self.cutoffs[:, None]) & (w[None, :] >= 0)
        return np.where(inside, values, 0.0)

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
SPEED_RANGE = (1e-2, 299_792_458.0)
#: Mass densities (kg/m^3) accepted: from aerogels to 50x osmium (22,590 kg/m^3).
DENSITY_RANGE = (1e-3, 1e6)
#: Atom number densities (m^-3) accepted: up to 500x diamond (1.76e29 m^-3).
NUMBER_DENSITY_MAX = 1e32


def check_continuum(material: Material) -> Material:
    """Refuse elastic data outside physical ranges before a continuum model uses them.

    Speeds above the speed of light or densities of 1e300 kg/m^3 are not
    physics, and in products such as Z = rho v or v^2 they overflow; this check
    keeps the models free of overflows, divisions by zero and RuntimeWarnings.

    Raises
    ------
    InputError
        Naming the material, the quantity, its value and the accepted range.
    """
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


def debye_spectrum(material: Material, cutoff: str = "branch") -> DebyeSpectrum:
    """Build the Debye spectrum of ``material``.

    Parameters
    ----------
    material : Material
    cutoff : {"branch", "debye"}
        Cutoff rule, see the module docstring.

    Returns
    -------
    DebyeSpectrum
    """
    if cutoff not in CUTOFFS:
        raise InputError(f"unknown cutoff rule {cutoff!r}; expected one of {', '.join(CUTOFFS)}")
    check_continuum(material)
    if material.is_fluid:
        labels, v, g = ("L",), np.array([material.v_l]), np.array([1.0])
    else:
        labels, v, g = ("L", "T"), np.array([material.v_l, material.v_t]), np.array([1.0, 2.0])
    if cutoff == "branch":
        wc = np.array([branch_cutoff(vi, material.number_density) for vi in v])
    else:
        wc = np.full(v.shape, KB * material.debye_temperature / HBAR)
    return DebyeSpectrum(
        material=material.name, labels=labels, velocities=v, degeneracy=g, cutoffs=wc, cutoff_rule=cutoff
    )
