"""The elastic Debye temperature of a material from its sound speeds and number density (the formula is
:mod:`.debye_speeds`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .debye_speeds import DERIVED_SOURCE, debye_temperature_from_speeds

__all__ = ["DERIVED_SOURCE", "debye_temperature_from_speeds", "elastic_debye_temperature"]

if TYPE_CHECKING:
    from .spec import MaterialSpec


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
