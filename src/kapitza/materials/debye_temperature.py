"""The elastic Debye temperature of a material from its sound speeds and number density."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from kapitza.units import HBAR, KB

if TYPE_CHECKING:
    from .spec import MaterialSpec

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


def elastic_debye_temperature(material: MaterialSpec) -> float:
    """Elastic (T -> 0) Debye temperature, K, from the stored sound speeds and number density.

    theta = hbar v_D (6 pi^2 n)^(1/3) / k_B with the Debye-averaged speed
    3 / v_D^3 = 1 / v_l^3 + 2 / v_t^3 (v_D = v_l for a fluid: one branch);
    e.g. C. Kittel, Introduction to Solid State Physics, 8th ed., Ch. 5.

    Parameters
    ----------
    material : str, os.PathLike or Material
        A database name or alias, a material file, or a Material (:func:`kapitza.materials.get_material`).
        Uses ``v_l`` and ``v_t`` (m/s) and ``number_density`` (atoms m^-3).

    Returns
    -------
    float
        Debye temperature in K.  It equals the calorimetric theta_D(T -> 0)
        only where the speeds are the 0 K ones and the crystal is elastically
        isotropic; compare with ``material.debye_temperature`` and its source.
    """
    from .database import get_material

    material = get_material(material)
    v_t = 0.0 if material.is_fluid else material.v_t
    return debye_temperature_from_speeds(material.v_l, v_t, material.number_density)
