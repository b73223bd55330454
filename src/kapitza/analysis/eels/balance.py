"""Detailed balance for phonon scattering of fast electrons: the physics every EELS thermometer uses.

An electron that creates a phonon of energy E loses E (loss side, E > 0); one that annihilates a phonon
gains E (gain side, plotted at -E).  For a mode in equilibrium at T the rates are proportional to
n(E) + 1 and n(E), with n the Bose-Einstein occupation, so

    I_gain(E) / I_loss(E) = n / (n + 1) = exp(-E / k_B T)

whatever the mode's cross-section (detailed balance; Idrobo et al., Phys. Rev. Lett. 120, 095901
(2018), Eq. 1; Lagos & Batson, Nano Lett. 18, 4556 (2018)).  Only this ratio is used to measure T.

Cross-section forms (``form=``), both obeying the ratio exactly:

- ``"quantum"`` (default, used by the forward model): loss ~ n + 1, gain ~ n.
- ``"classical"``: the classical (symmetric) harmonic spectrum k_B T / E, made to obey detailed
  balance by the factor exp(-/+E / 2 k_B T) (Schofield's correction, Phys. Rev. Lett. 4, 239 (1960)):
  loss ~ (k_B T/E) exp(+E/2k_BT), gain ~ (k_B T/E) exp(-E/2k_BT).  The absolute intensities differ from
  the quantum form (by up to 8 % at E = k_B T, more above), the ratio does not.

Units: energies in meV, temperatures in K.  k_B = units.KB / units.EV * 1e3 meV/K (CODATA).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ...errors import InputError
from ...units import EV, KB

#: Boltzmann constant in meV/K (CODATA, via kapitza.units).
KB_MEV = KB / EV * 1e3
FORMS = ("quantum", "classical")


def _temperature(temperature_k: ArrayLike) -> NDArray[np.float64]:
    t = np.asarray(temperature_k, dtype=float)
    if not np.all(np.isfinite(t)) or np.any(t <= 0):
        raise InputError("temperature must be finite and > 0 K")
    return t


def bose_occupation(energy_mev: ArrayLike, temperature_k: ArrayLike) -> NDArray[np.float64]:
    """n(E, T) = 1 / (exp(E / k_B T) - 1) for E > 0 (meV, K); broadcasts."""
    e = np.asarray(energy_mev, dtype=float)
    if np.any(e <= 0):
        raise InputError("phonon energies must be > 0 meV (use |E|)")
    x = e / (KB_MEV * _temperature(temperature_k))
    return 1.0 / np.expm1(x)


def gain_loss_ratio(energy_mev: ArrayLike, temperature_k: ArrayLike) -> NDArray[np.float64]:
    """I_gain / I_loss = exp(-E / k_B T) at phonon energy E > 0 (meV) and temperature T (K); broadcasts."""
    e = np.asarray(energy_mev, dtype=float)
    if np.any(e <= 0):
        raise InputError("phonon energies must be > 0 meV (use |E|)")
    return np.exp(-e / (KB_MEV * _temperature(temperature_k)))


def temperature_from_ratio(energy_mev: ArrayLike, ratio: ArrayLike) -> NDArray[np.float64]:
    """T = -E / (k_B ln r) in K, for 0 < r < 1 (a ratio >= 1 has no positive temperature)."""
    e = np.asarray(energy_mev, dtype=float)
    r = np.asarray(ratio, dtype=float)
    if np.any(e <= 0):
        raise InputError("phonon energies must be > 0 meV (use |E|)")
    if np.any(~np.isfinite(r)) or np.any(r <= 0) or np.any(r >= 1):
        raise InputError("a gain/loss ratio must lie strictly between 0 and 1 to give a temperature")
    return -e / (KB_MEV * np.log(r))


def relative_temperature_error(energy_mev: ArrayLike, temperature_k: ArrayLike, ratio_rel_err: ArrayLike) -> NDArray:
    """dT/T = (k_B T / E) dr/r: the relative temperature error from a relative error of the ratio."""
    e = np.asarray(energy_mev, dtype=float)
    return KB_MEV * _temperature(temperature_k) / e * np.asarray(ratio_rel_err, dtype=float)


def occupation_factors(
    energy_mev: ArrayLike, temperature_k: ArrayLike, form: str = "quantum"
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """(loss, gain) population factors of a mode of energy E > 0 (meV) at T (K); see the module docstring."""
    if form not in FORMS:
        raise InputError(f"unknown cross-section form {form!r}; choose one of {', '.join(FORMS)}")
    e = np.asarray(energy_mev, dtype=float)
    n = bose_occupation(e, temperature_k)
    if form == "quantum":
        return n + 1.0, n
    x = e / (KB_MEV * _temperature(temperature_k))
    return np.exp(0.5 * x) / x, np.exp(-0.5 * x) / x
