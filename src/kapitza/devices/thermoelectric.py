r"""Thermoelectric leg with electrical and thermal (Kapitza) contact resistances: device ZT.

A leg of length L and cross-section A (the area cancels) carries heat and current between two
metal contacts.  Each end has an electrical contact resistivity rho_c (Ohm m^2) and a thermal
boundary (Kapitza) resistance R_K (m^2 K W^-1); the material has Seebeck coefficient S,
electrical resistivity rho, thermal conductivity k and figure of merit ZT = S^2 T / (rho k).

Derivation (linear response, the contacts generate no thermoelectric voltage):

* electrical resistance   R_e A = rho L + 2 rho_c = rho L (1 + n/L),   n = 2 rho_c / rho
* thermal resistance      A / K = L/k + 2 R_K   = (L/k) (1 + m/L),     m = 2 R_K k
* the leg sees the fraction  f = (L/k) / (L/k + 2 R_K) = 1 / (1 + m/L)  of the temperature
  difference dT applied across contact-leg-contact, so the open-circuit voltage is S f dT and
  the device behaves as one element with S_dev = S f.

Then Z_dev = S_dev^2 / (R_e K) gives

    ZT_dev = ZT / [(1 + 2 rho_c/(rho L)) (1 + 2 R_K k / L)],

the material ZT "multiplied by degradation factors that depend on the ratios of contact resistance
(both electrical and thermal) to the material's bulk resistance" (seed 002, applications).  The same
two factors, with n = 2 rho_c/rho and r l_c in place of R_K k (a contact layer of thickness l_c and
conductivity k_c, R_K = l_c / k_c), appear in the module design theory of G. Min and D. M. Rowe,
J. Power Sources 38, 253 (1992) and D. M. Rowe and G. Min, IEE Proc. Sci. Meas. Technol. 143, 351
(1996).  Both factors tend to 1 for L >> n, m (long legs), and ZT_dev -> 0 as L -> 0.

Leg length that keeps a fraction x of ZT: (1 + n/L)(1 + m/L) = 1/x is a quadratic in L,

    (1/x - 1) L^2 - (n + m) L - n m = 0,   L_x = [(n + m) + sqrt((n + m)^2 + 4 (1/x - 1) n m)] / (2 (1/x - 1)).

Validity: constant properties along the leg (evaluate S, rho, k at the mean temperature), small
temperature differences (Thomson effect and the temperature dependence of R_K neglected), one
dimension (contacts cover the leg's end faces).  R_K is evaluated at ``temperature``.

Units: m, Ohm m, Ohm m^2, W m^-1 K^-1, m^2 K W^-1, K.
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from .. import _checks
from .._checks import non_negative, positive
from ..errors import InputError
from ..io.results import result
from .sources import conductivity_source, resistance_source

__all__ = ["ThermoelectricLeg", "leg_length_for_fraction", "thermoelectric_leg"]


def _lengths(length: Any) -> NDArray[np.float64]:
    try:
        arr = np.atleast_1d(np.asarray(length, dtype=float))
    except (TypeError, ValueError):
        raise InputError(f"length= must be a number or a list of numbers (m), got {length!r}") from None
    if arr.ndim != 1 or arr.size == 0:
        raise InputError("length= must be one length or a 1D list of lengths (m)")
    if arr.size > 1_000_000:
        raise InputError(f"length= has {arr.size} values; at most 1,000,000")
    if not np.all(np.isfinite(arr)) or np.any(arr <= 0):
        bad = float(arr[~(np.isfinite(arr) & (arr > 0))][0])
        raise InputError(f"leg lengths must be finite and > 0 m, got {bad:g}")
    return arr


def _fraction(fraction: Any) -> float:
    x = positive(fraction, "fraction=", "(share of ZT kept)")
    if not x < 1:
        raise InputError(f"fraction= must be between 0 and 1 (exclusive), got {x:g}")
    return x


def _length_for(fraction: float, n: float, m: float) -> float:
    c = 1.0 / fraction - 1.0
    s = n + m
    if s == 0:
        return 0.0
    # the positive root; both terms are >= 0, so no cancellation
    return (s + math.sqrt(s * s + 4.0 * c * n * m)) / (2.0 * c)


@result
class ThermoelectricLeg:
    """Device ZT of a leg with contact resistances, for each leg length.

    Attributes
    ----------
    length : ndarray, shape (n,)
        Leg lengths, m.
    zt_device : ndarray, shape (n,)
        ZT of leg + contacts.
    ratio : ndarray, shape (n,)
        ZT_dev / ZT.
    electrical_factor, thermal_factor : ndarray, shape (n,)
        1 + 2 rho_c/(rho L) and 1 + 2 R_K k / L.
    leg_fraction : ndarray, shape (n,)
        Share of the applied temperature difference across the leg, 1 / thermal_factor.
    zt : float
        Material ZT.
    resistivity : float
        rho, Ohm m.
    contact_resistivity : float
        rho_c at each end, Ohm m^2.
    conductivity : float
        k, W m^-1 K^-1 (at ``temperature``).
    resistance : float
        R_K at each end, m^2 K W^-1 (at ``temperature``).
    resistance_label, conductivity_label : str
        Where R_K and k came from.
    temperature : float
        K, where R_K and k were evaluated.
    electrical_length, thermal_length : float
        n = 2 rho_c / rho and m = 2 R_K k, m: the lengths at which each factor is 2.
    fraction : float
        The requested share of ZT.
    length_for_fraction : float
        Leg length keeping ``fraction`` of ZT, m (0 when there is no contact resistance).
    """

    length: NDArray[np.float64]
    zt_device: NDArray[np.float64]
    ratio: NDArray[np.float64]
    electrical_factor: NDArray[np.float64]
    thermal_factor: NDArray[np.float64]
    leg_fraction: NDArray[np.float64]
    zt: float
    resistivity: float
    contact_resistivity: float
    conductivity: float
    resistance: float
    resistance_label: str
    conductivity_label: str
    temperature: float
    electrical_length: float
    thermal_length: float
    fraction: float
    length_for_fraction: float

    _summary_fields: ClassVar[tuple[str, ...]] = ("zt", "length", "ratio", "length_for_fraction")


def thermoelectric_leg(
    length: Any,
    *,
    zt: float = 1.0,
    resistivity: float = 1e-5,
    contact_resistivity: float = 1e-10,
    conductivity: Any = 1.5,
    resistance: Any = 1e-8,
    temperature: float = 300.0,
    fraction: float = 0.9,
) -> ThermoelectricLeg:
    """Device ZT of a thermoelectric leg with contact resistances at both ends.

    Parameters
    ----------
    length : float or array_like, shape (n,)
        Leg length(s), m (> 0).
    zt : float
        Material figure of merit ZT at ``temperature`` (> 0). Default 1 (Bi2Te3 near 300 K).
    resistivity : float
        Electrical resistivity rho of the leg, Ohm m (> 0). Default 1e-5 (Bi2Te3).
    contact_resistivity : float
        Electrical contact resistivity rho_c at each end, Ohm m^2 (>= 0).
    conductivity : float, str or ConductivitySource
        Thermal conductivity k of the leg, W m^-1 K^-1, or a material name. Default 1.5 (Bi2Te3).
    resistance : float, str or ResistanceSource
        Thermal boundary resistance R_K at each end, m^2 K W^-1, or any spec of
        :func:`kapitza.devices.sources.resistance_source` ("G=1e8", "dmm:Al/Si", a result file).
    temperature : float
        Mean leg temperature, K, where R_K and k are evaluated.
    fraction : float
        Share of ZT to keep, 0 < x < 1, for :attr:`ThermoelectricLeg.length_for_fraction`.

    Raises
    ------
    InputError
        Non-positive or non-finite numbers, a bad fraction, an unreadable resistance spec.
    """
    source = resistance_source(resistance)
    ksource = conductivity_source(conductivity)
    lengths = _lengths(length)
    zt_value = positive(zt, "zt=", "(dimensionless)")
    rho = positive(resistivity, "resistivity=", "Ohm m")
    rho_c = non_negative(contact_resistivity, "contact_resistivity=", "Ohm m^2")
    t = _checks.temperature(temperature, "temperature=")
    x = _fraction(fraction)
    k = float(ksource.at(t))
    r_k = float(source.at(t))
    n = 2.0 * rho_c / rho
    m = 2.0 * r_k * k
    electrical = 1.0 + n / lengths
    thermal = 1.0 + m / lengths
    ratio = 1.0 / (electrical * thermal)
    return ThermoelectricLeg(
        length=lengths,
        zt_device=zt_value * ratio,
        ratio=ratio,
        electrical_factor=electrical,
        thermal_factor=thermal,
        leg_fraction=1.0 / thermal,
        zt=zt_value,
        resistivity=rho,
        contact_resistivity=rho_c,
        conductivity=k,
        resistance=r_k,
        resistance_label=source.label,
        conductivity_label=ksource.label,
        temperature=t,
        electrical_length=n,
        thermal_length=m,
        fraction=x,
        length_for_fraction=_length_for(x, n, m),
    )


def leg_length_for_fraction(
    fraction: float,
    *,
    resistivity: float = 1e-5,
    contact_resistivity: float = 1e-10,
    conductivity: Any = 1.5,
    resistance: Any = 1e-8,
    temperature: float = 300.0,
) -> float:
    """Leg length (m) at which ZT_dev = ``fraction`` x ZT (the quadratic of the module docstring).

    Parameters are those of :func:`thermoelectric_leg`; ZT itself does not enter.
    """
    source = resistance_source(resistance)
    ksource = conductivity_source(conductivity)
    x = _fraction(fraction)
    rho = positive(resistivity, "resistivity=", "Ohm m")
    rho_c = non_negative(contact_resistivity, "contact_resistivity=", "Ohm m^2")
    t = _checks.temperature(temperature, "temperature=")
    return _length_for(x, 2.0 * rho_c / rho, 2.0 * float(source.at(t)) * float(ksource.at(t)))
