"""The elastic Debye temperature from sound speeds and a number density: the formula alone, below the material
records (the database derives a record's missing Debye temperature with it; :mod:`.debye_temperature` applies it to
a named material)."""

from __future__ import annotations

import math

from kapitza.units import HBAR, KB

#: The ``sources`` entry of a Debye temperature derived from the material's own speeds and number density.
DERIVED_SOURCE = (
    "derived here: elastic Debye temperature hbar v_D (6 pi^2 n)^(1/3) / k_B from v_l, v_t and number_density "
    "(3/v_D^3 = 1/v_l^3 + 2/v_t^3; Kittel, Introduction to Solid State Physics, 8th ed., Ch. 5)"
)


def debye_temperature_from_speeds(v_l: float, v_t: float, number_density: float) -> float:
    """Elastic Debye temperature, K, from the longitudinal and transverse speeds (m/s; v_t = 0 for a fluid: one
    branch) and the number density (atoms m^-3): theta = hbar v_D (6 pi^2 n)^(1/3) / k_B with the Debye-averaged
    speed 3 / v_D^3 = 1 / v_l^3 + 2 / v_t^3 (Kittel, Introduction to Solid State Physics, 8th ed., Ch. 5)."""
    v_d = v_l if v_t == 0 else (3.0 / (1.0 / v_l**3 + 2.0 / v_t**3)) ** (1.0 / 3.0)
    return HBAR * v_d * (6.0 * math.pi**2 * number_density) ** (1.0 / 3.0) / KB
