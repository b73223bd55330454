"""Physical constants (CODATA, via :mod:`scipy.constants`) and unit conversions.

kapitza computes in SI throughout: K, W m^-2 K^-1, m^2 K W^-1, rad/s, kg, m.
Conversions happen only at the edges (CLI, file readers, plots); this module is
the one place that knows the factors.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import constants as _c

#: Reduced Planck constant, J s.
HBAR: float = _c.hbar
#: Boltzmann constant, J K^-1.
KB: float = _c.k
#: Atomic mass unit, kg.
AMU: float = _c.atomic_mass
#: Avogadro constant, mol^-1.
AVOGADRO: float = _c.N_A
#: Electron volt, J.
EV: float = _c.electron_volt

# Conductance and resistance units used for display.
MW_PER_M2K: float = 1e6  #: 1 MW m^-2 K^-1 in W m^-2 K^-1
M2K_PER_GW: float = 1e-9  #: 1 m^2 K GW^-1 in m^2 K W^-1
NANOMETRE: float = 1e-9
ANGSTROM: float = 1e-10
GPA: float = 1e9


def thz_to_rad_s(frequency_thz: ArrayLike) -> NDArray[np.float64]:
    """Ordinary frequency in THz -> angular frequency in rad/s (omega = 2 pi f)."""
    return np.asarray(frequency_thz, dtype=float) * (2.0 * np.pi * 1e12)


def rad_s_to_thz(omega: ArrayLike) -> NDArray[np.float64]:
    """Angular frequency in rad/s -> ordinary frequency in THz."""
    return np.asarray(omega, dtype=float) / (2.0 * np.pi * 1e12)


def mev_to_rad_s(energy_mev: ArrayLike) -> NDArray[np.float64]:
    """Phonon energy in meV -> angular frequency in rad/s (E = hbar omega)."""
    return np.asarray(energy_mev, dtype=float) * (1e-3 * EV / HBAR)


def rad_s_to_mev(omega: ArrayLike) -> NDArray[np.float64]:
    """Angular frequency in rad/s -> phonon energy in meV."""
    return np.asarray(omega, dtype=float) * (HBAR / (1e-3 * EV))


def kelvin_to_rad_s(temperature: ArrayLike) -> NDArray[np.float64]:
    """Temperature in K -> the angular frequency kB T / hbar in rad/s."""
    return np.asarray(temperature, dtype=float) * (KB / HBAR)


def rad_s_to_kelvin(omega: ArrayLike) -> NDArray[np.float64]:
    """Angular frequency in rad/s -> the temperature hbar omega / kB in K."""
    return np.asarray(omega, dtype=float) * (HBAR / KB)
