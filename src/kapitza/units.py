"""Physical constants (the 2019 SI and CODATA 2022, as :mod:`scipy.constants` has them) and unit conversions.

kapitza computes in SI throughout: K, W m^-2 K^-1, m^2 K W^-1, rad/s, kg, m.
Conversions happen only at the edges (CLI, file readers, plots); this module is
the one place that knows the factors and the one place where a physical constant is
written (``tests/test_units_policy.py`` scans the package for typed-in copies).

Lengths at the edge: :func:`parse_length` reads ``100nm``, ``2um``, ``2 µm``, ``1e-6m``,
``0.3 mm``, ``5 Å`` into metres (a bare number in the caller's default unit), and
:func:`format_length` prints metres in a readable unit (``1e-4`` -> ``"100 µm"``).
"""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

# The values: the 2019 SI's defining constants (exact: h, e, k_B, N_A, c; BIPM, The International System of Units,
# 9th ed., 2019, Table 1) and CODATA 2022 for the measured ones (amu, m_e: Mohr et al., Rev. Mod. Phys. 97, 025002
# (2025)), the same numbers :mod:`scipy.constants` carries (``tests/test_units_policy.py`` holds them to it).
# Typed here rather than imported: ``scipy.constants`` pulls scipy's array-API layer, 0.1 s of every start-up.

#: Planck constant, J s (exact).
PLANCK: float = 6.62607015e-34
#: Reduced Planck constant, J s.
HBAR: float = PLANCK / (2.0 * math.pi)
#: Boltzmann constant, J K^-1 (exact).
KB: float = 1.380649e-23
#: Atomic mass unit, kg (CODATA 2022).
AMU: float = 1.66053906892e-27
#: Avogadro constant, mol^-1 (exact).
AVOGADRO: float = 6.02214076e23
#: Elementary charge, C (exact).
ELEMENTARY_CHARGE: float = 1.602176634e-19
#: Electron volt, J (the same number as :data:`ELEMENTARY_CHARGE`).
EV: float = ELEMENTARY_CHARGE
#: Speed of light in vacuum, m s^-1 (exact).
SPEED_OF_LIGHT: float = 299792458.0
#: Electron mass, kg (CODATA 2022).
ELECTRON_MASS: float = 9.1093837139e-31
#: Stefan-Boltzmann constant, W m^-2 K^-4: 2 pi^5 k_B^4 / (15 h^3 c^2), exact from the constants above.
STEFAN_BOLTZMANN: float = 2.0 * math.pi**5 * KB**4 / (15.0 * PLANCK**3 * SPEED_OF_LIGHT**2)

#: The CODATA constants above by their usual symbol: no module outside this one may type their values
#: (``tests/test_units_policy.py``).
CODATA: dict[str, float] = {
    "hbar": HBAR,
    "h": PLANCK,
    "k_B": KB,
    "e": ELEMENTARY_CHARGE,
    "N_A": AVOGADRO,
    "amu": AMU,
    "c": SPEED_OF_LIGHT,
    "m_e": ELECTRON_MASS,
    "sigma_SB": STEFAN_BOLTZMANN,
}

#: rad/s per THz of ordinary frequency: omega = 2 pi f (a scalar factor for axes and bounds; arrays go through
#: :func:`thz_to_rad_s` and :func:`rad_s_to_thz`).
RAD_S_PER_THZ: float = 2.0 * math.pi * 1e12

# Conductance and resistance units used for display.
MW_PER_M2K: float = 1e6  #: 1 MW m^-2 K^-1 in W m^-2 K^-1
M2K_PER_GW: float = 1e-9  #: 1 m^2 K GW^-1 in m^2 K W^-1
NANOMETRE: float = 1e-9
ANGSTROM: float = 1e-10
GPA: float = 1e9


def thz_to_rad_s(frequency_thz: ArrayLike) -> NDArray[np.float64]:
    """Ordinary frequency in THz -> angular frequency in rad/s (omega = 2 pi f)."""
    return np.asarray(frequency_thz, dtype=float) * RAD_S_PER_THZ


def rad_s_to_thz(omega: ArrayLike) -> NDArray[np.float64]:
    """Angular frequency in rad/s -> ordinary frequency in THz."""
    return np.asarray(omega, dtype=float) / RAD_S_PER_THZ


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


#: Length units accepted by :func:`parse_length`: how many of each make one metre (a division by an exact power
#: of ten, so ``100nm`` is 1e-07 m to the last bit).  ``u``, the micro sign and the Greek mu all spell micro;
#: ``A``, the Latin capital A with ring (or its small letter) and the angstrom sign all spell the angstrom.
LENGTH_UNITS: dict[str, float] = {
    "m": 1.0,
    "cm": 1e2,
    "mm": 1e3,
    "um": 1e6,
    "\u00b5m": 1e6,
    "\u03bcm": 1e6,
    "nm": 1e9,
    "A": 1e10,
    "\u00c5": 1e10,
    "\u00e5": 1e10,
    "\u212b": 1e10,
    "pm": 1e12,
}
#: The length units as a message lists them.
LENGTH_SPELLINGS = "m, cm, mm, um (or \u00b5m, \u03bcm), nm, A (or \u00c5), pm"
#: Duration units accepted by :func:`split_duration`: the seconds in one of each.
DURATION_UNITS: dict[str, float] = {"s": 1.0, "min": 60.0, "h": 3600.0}
#: The duration units as a message lists them.
DURATION_SPELLINGS = "s, min or h"

#: A number typed by a user (ASCII digits only, or nan, inf, infinity in ASCII letters of any case) and what follows.
_QUANTITY = re.compile(
    r"\s*([-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?|[-+]?(?ai:nan|inf|infinity))\s*([^\s0-9.+-]\S*)?\s*"
)


def unit_of(typed: str, units: dict[str, float]) -> str | None:
    """The key of ``units`` that the unit text ``typed`` spells, or None: a key as listed, or an ASCII text in any
    case where one ASCII key has it (``NM`` is nm, ``MIN`` is min).  The one rule of every unit a user types.

    Only ASCII is case-folded: a letter outside ASCII that folds or normalises to an ASCII one (the long s, the
    dotless and the dotted capital i, the Kelvin sign, the Greek capital mu) spells no unit, so ``5\u017f`` or
    ``2\u039cm`` are refused rather than read as something the user may not have meant; the non-ASCII spellings a
    keyboard types for micro and the angstrom are listed keys."""
    if typed in units:
        return typed
    if not typed.isascii():
        return None
    folded = [key for key in units if key.isascii() and key.lower() == typed.lower()]
    return folded[0] if len(folded) == 1 else None


def split_quantity(text: Any, units: dict[str, float], default_unit: str | None, refusal: str) -> tuple[float, str]:
    """A quantity typed by a user -> (its number, its unit, a key of ``units`` by :func:`unit_of`): ``"2.5 um"`` ->
    ``(2.5, "um")``; a bare number in ``default_unit`` (None: a unit is needed).  Only the form is checked: an
    unknown unit or no number is InputError ``refusal`` followed by the text as typed; the number may be inf or nan
    (an exponent beyond a float, or typed so) for the caller's bounds to refuse."""
    from .errors import InputError, quoted

    raw = str(text)
    match = _QUANTITY.fullmatch(raw)
    unit = None
    if match is not None:
        typed = match.group(2)
        unit = default_unit if typed is None else unit_of(typed, units)
    if match is None or unit is None:
        raise InputError(f"{refusal} {quoted(raw)}")
    return float(match.group(1)), unit


def split_length(text: str, default_unit: str | None, name: str = "length") -> tuple[float, str]:
    """A length typed by a user -> (its number, its unit): ``"2.5 um"`` -> ``(2.5, "um")``, a bare number in
    ``default_unit`` (None: a unit is needed).  Only the form is checked (InputError for an unknown unit or no
    number; :func:`split_quantity`); see :func:`parse_length`."""
    if default_unit is not None and default_unit not in LENGTH_UNITS:
        raise ValueError(f"default_unit {default_unit!r} is not one of {', '.join(LENGTH_UNITS)}")
    bare = f", or a bare number in {default_unit}" if default_unit is not None else ""
    refusal = f"{name} takes a length: a number with a unit ({LENGTH_SPELLINGS}), e.g. 100nm or 2um{bare}; got"
    return split_quantity(text, LENGTH_UNITS, default_unit, refusal)


def split_duration(text: str, name: str) -> float:
    """A duration typed by a user -> seconds (not yet bounded; inf for an exponent beyond a float): ``300``,
    ``300s``, ``5min``, ``1.5h`` (:data:`DURATION_UNITS`, a bare number in seconds)."""
    refusal = (
        f"{name} must be a duration such as 300, 300s, 5min or 1.5h (a number of seconds, or a number with "
        f"{DURATION_SPELLINGS}), got"
    )
    number, unit = split_quantity(text, DURATION_UNITS, "s", refusal)
    return number * DURATION_UNITS[unit]


def parse_length(text: str, default_unit: str, name: str = "length", *, zero: bool = False) -> float:
    """A length typed by a user -> metres.

    ``text`` is a number with one of :data:`LENGTH_UNITS` (``100nm``, ``2um``, ``2 µm``, ``1e-6m``, ``0.3 mm``,
    ``5 Å``, ``5A``) or a bare number, taken in ``default_unit``.  Only the form is checked here: the number is
    finite and > 0 (or 0 too with ``zero=True``); the range of a device length is :func:`kapitza._checks.length`'s.

    Raises
    ------
    InputError
        Naming ``name`` and the text, for an unknown unit (``10 parsecs``), a unit without a number (``nm``), a
        value that is not finite, or one <= 0.
    """
    from .errors import InputError

    number, unit = split_length(text, default_unit, name)
    value = number / LENGTH_UNITS[unit]
    if not math.isfinite(value):
        raise InputError(f"{name} must be a finite length, got {str(text)!r}")
    if value < 0 or (value == 0 and not zero):
        raise InputError(f"{name} must be a length {'>= 0' if zero else '> 0'}, got {str(text)!r}")
    return value


#: Units :func:`format_length` prints, largest first: (metres per unit, symbol).
_PRINTED_LENGTHS = ((1.0, "m"), (1e-3, "mm"), (1e-6, "\u00b5m"), (1e-9, "nm"))


def format_length(metres: float, digits: int = 4) -> str:
    """A length in m as text in the largest of m, mm, µm and nm that keeps the number >= 1: ``1e-4`` ->
    ``"100 µm"``, ``3.2e-9`` -> ``"3.2 nm"``, ``5e-11`` -> ``"0.05 nm"``; ``digits`` significant digits (``g``
    format).  0 prints ``"0 m"``; inf and nan print as themselves with ``m``."""
    x = float(metres)
    if x == 0 or not math.isfinite(x):
        return f"{x:g} m"
    for scale, symbol in _PRINTED_LENGTHS:
        shown = f"{x / scale:.{digits}g}"
        if abs(float(shown)) >= 1:
            return f"{shown} {symbol}"
    return f"{x / 1e-9:.{digits}g} nm"
