r"""Phase-change memory cell: a self-heated sphere in a dielectric, with the interface resistance.

The active volume of a phase-change memory cell (e.g. Ge2Sb2Te5, "GST") is modelled as a sphere
of radius a with conductivity k_c, heated uniformly by a power P (Joule heating of the programming
pulse, steady state), inside an infinite dielectric (SiO2) of conductivity k_d held at T_0 far away.
The GST/dielectric boundary has a resistance R (m^2 K W^-1) over the area 4 pi a^2.

Steady radial conduction (q''' = 3 P / (4 pi a^3) inside):

* inside,   T(r) = T(a-) + P (1 - r^2/a^2) / (8 pi k_c a)            (0 <= r <= a)
* the jump  T(a-) - T(a+) = P R / (4 pi a^2)
* outside,  T(r) = T_0 + P / (4 pi k_d r)                             (r >= a)

so the centre temperature rise is

    dT_0 = P [1/(8 pi k_c a) + R/(4 pi a^2) + 1/(4 pi k_d a)],

a series of three thermal resistances (cell, interface, dielectric).  The interface term grows as
1/a^2 and the others as 1/a, so the boundary dominates below the Kapitza length L_K = k_d R:
the rise with R over the rise without it is

    1 + (L_K / a) / (1 + k_d / (2 k_c)),

the "massive enhancement of the temperature rise" of small cells (seed 002, applications: "When the
device size becomes comparable to or smaller than the Kapitza length, the interfacial resistance
dominates").  The programming power is the P that brings the centre to the melting temperature,
P_m = (T_m - T_0) / R_th.

Default numbers: k_c = 0.5 W m^-1 K^-1 (crystalline fcc GST) and k_d = 1.4 W m^-1 K^-1 (SiO2);
R = 2e-8 m^2 K W^-1, an assumed value of the order (1e-8 .. 5e-8 m^2 K W^-1) reported for GST on
SiO2 and TiN (GST/SiO2 by photothermal radiometry: J.-L. Battaglia et al., J. Appl. Phys. 107,
044314 (2010); GST/TiN and GST/SiO2: J. P. Reifenberg et al., IEEE Electron Device Lett. 28, 1112
(2007)); pass the value of your own stack.  T_m = 890 K (about 620 C), the melting point of
Ge2Sb2Te5 quoted in PCM reviews (H.-S. P. Wong et al., Proc. IEEE 98, 2201 (2010)).

Validity: steady state (pulses longer than the thermal time a^2 / diffusivity, ~ns for a ~ 10 nm),
a spherical cell far from the electrodes, constant conductivities (k_c, k_d taken at T_0; the melt
and amorphous phases have lower k), uniform heating.  A temperature-dependent R(T) is evaluated
self-consistently at the mean interface temperature (T(a-) + T(a+)) / 2.

Units: m, W, K, W m^-1 K^-1, m^2 K W^-1.
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from .. import _checks
from .._checks import positive
from ..errors import ConvergenceError, InputError
from ..io.results import result
from .sources import ResistanceSource, conductivity_source, resistance_source

__all__ = ["PCMCell", "PCMSweep", "pcm_cell", "pcm_sweep"]

#: Melting temperature of Ge2Sb2Te5, K (about 620 C; Wong et al., Proc. IEEE 98, 2201 (2010)).
GST_MELTING_K = 890.0
#: Points of the radial profile inside and outside the cell.
PROFILE_POINTS = 200
#: The profile extends to this many radii.
PROFILE_EXTENT = 10.0
_MAX_ITERATIONS = 200


def _terms(a: float, k_c: float, k_d: float, r: float) -> tuple[float, float, float]:
    """The cell, interface and dielectric thermal resistances (K W^-1) of the centre rise."""
    return 1.0 / (8.0 * math.pi * k_c * a), r / (4.0 * math.pi * a * a), 1.0 / (4.0 * math.pi * k_d * a)


@result
class PCMCell:
    """Steady temperatures of one spherical cell (radius, power) with and without the interface resistance.

    Attributes
    ----------
    radius : float
        a, m.
    power : float
        P, W (the programming power when none was given).
    cell_conductivity, dielectric_conductivity : float
        k_c, k_d, W m^-1 K^-1.
    resistance : float
        R at the interface, m^2 K W^-1 (self-consistent when R depends on T).
    resistance_label : str
        Where R came from.
    ambient_temperature, melting_temperature : float
        T_0 and T_m, K.
    kapitza_length : float
        L_K = k_d R, m.
    thermal_resistance : float
        Centre rise per watt, K W^-1, with R.
    thermal_resistance_without_interface : float
        The same with R = 0, K W^-1.
    terms : tuple of float
        (cell, interface, dielectric) resistances, K W^-1; they sum to ``thermal_resistance``.
    shares : tuple of float
        Each term's share of the centre rise (sum 1).
    centre_rise, centre_rise_without_interface : float
        T(0) - T_0 at ``power``, K.
    jump : float
        T(a-) - T(a+), K.
    enhancement : float
        centre_rise / centre_rise_without_interface.
    programming_power, programming_power_without_interface : float
        Power bringing the centre to T_m, W.
    r : ndarray, shape (2 * PROFILE_POINTS,)
        Radii of the profile, m, from 0 to 10 a; r = a appears twice (inside, outside).
    temperature : ndarray, shape (2 * PROFILE_POINTS,)
        T(r), K, with the jump at r = a.
    temperature_without_interface : ndarray, shape (2 * PROFILE_POINTS,)
        T(r) with R = 0, K.
    """

    radius: float
    power: float
    cell_conductivity: float
    dielectric_conductivity: float
    resistance: float
    resistance_label: str
    ambient_temperature: float
    melting_temperature: float
    kapitza_length: float
    thermal_resistance: float
    thermal_resistance_without_interface: float
    terms: tuple[float, float, float]
    shares: tuple[float, float, float]
    centre_rise: float
    centre_rise_without_interface: float
    jump: float
    enhancement: float
    programming_power: float
    programming_power_without_interface: float
    r: NDArray[np.float64]
    temperature: NDArray[np.float64]
    temperature_without_interface: NDArray[np.float64]

    _summary_fields: ClassVar[tuple[str, ...]] = ("radius", "power", "centre_rise", "enhancement", "kapitza_length")


def _profile(a: float, p: float, k_c: float, k_d: float, r_int: float, t0: float) -> tuple[np.ndarray, np.ndarray]:
    inside = np.linspace(0.0, a, PROFILE_POINTS)
    outside = np.geomspace(a, PROFILE_EXTENT * a, PROFILE_POINTS)
    t_out = t0 + p / (4.0 * math.pi * k_d * outside)
    t_in = t0 + p / (4.0 * math.pi * k_d * a) + p * r_int / (4.0 * math.pi * a * a)
    t_in = t_in + p * (1.0 - (inside / a) ** 2) / (8.0 * math.pi * k_c * a)
    return np.concatenate([inside, outside]), np.concatenate([t_in, t_out])


def _self_consistent(
    source: ResistanceSource, a: float, power: float | None, k_c: float, k_d: float, t0: float, t_m: float
) -> tuple[float, float]:
    """(R, P): R at the mean interface temperature for the power P (or the programming power)."""
    r = float(source.at(t0))
    for _ in range(_MAX_ITERATIONS):
        cell, interface, dielectric = _terms(a, k_c, k_d, r)
        p = power if power is not None else (t_m - t0) / (cell + interface + dielectric)
        t_interface = t0 + p * (dielectric + 0.5 * interface)
        new = float(source.at(t_interface))
        if not source.temperature_dependent or abs(new - r) <= 1e-10 * max(new, r):
            cell, interface, dielectric = _terms(a, k_c, k_d, new)
            p = power if power is not None else (t_m - t0) / (cell + interface + dielectric)
            return new, p
        r = new
    raise ConvergenceError(
        f"the interface resistance {source.label} did not settle at the cell's interface temperature "
        f"in {_MAX_ITERATIONS} iterations (radius {a:g} m); give a fixed R"
    )


def _inputs(
    resistance: Any, cell_conductivity: Any, dielectric_conductivity: Any, ambient: Any, melting: Any
) -> tuple[ResistanceSource, float, float, float, float]:
    source = resistance_source(resistance)
    kc_source = conductivity_source(cell_conductivity)
    kd_source = conductivity_source(dielectric_conductivity)
    t0 = _checks.temperature(ambient, "ambient_temperature=")
    t_m = _checks.temperature(melting, "melting_temperature=")
    if not t_m > t0:
        raise InputError(f"melting_temperature= ({t_m:g} K) must be above ambient_temperature= ({t0:g} K)")
    return source, float(kc_source.at(t0)), float(kd_source.at(t0)), t0, t_m


def pcm_cell(
    radius: float,
    *,
    power: float | None = None,
    resistance: Any = 2e-8,
    cell_conductivity: Any = 0.5,
    dielectric_conductivity: Any = 1.4,
    ambient_temperature: float = 300.0,
    melting_temperature: float = GST_MELTING_K,
) -> PCMCell:
    """Temperatures of a self-heated spherical phase-change cell in a dielectric.

    Parameters
    ----------
    radius : float
        Cell radius a, m (> 0).
    power : float, optional
        Heating power P, W (> 0). Default: the programming power (centre at the melting temperature).
    resistance : float, str or ResistanceSource
        Cell/dielectric boundary resistance, m^2 K W^-1, or any spec of
        :func:`kapitza.devices.sources.resistance_source`.
    cell_conductivity, dielectric_conductivity : float, str or ConductivitySource
        k_c and k_d, W m^-1 K^-1 (or material names), evaluated at the ambient temperature.
    ambient_temperature : float
        T_0 far from the cell, K.
    melting_temperature : float
        T_m, K (> T_0). Default 890 K (Ge2Sb2Te5).

    Raises
    ------
    InputError
        Non-positive or non-finite numbers, T_m <= T_0, an unreadable resistance spec.
    ConvergenceError
        A temperature-dependent R that does not settle.
    """
    source, k_c, k_d, t0, t_m = _inputs(
        resistance, cell_conductivity, dielectric_conductivity, ambient_temperature, melting_temperature
    )
    a = _checks.length(radius, "radius=")
    p_given = None if power is None else positive(power, "power=", "W")
    r_int, p = _self_consistent(source, a, p_given, k_c, k_d, t0, t_m)
    terms = _terms(a, k_c, k_d, r_int)
    total = sum(terms)
    bare = terms[0] + terms[2]
    r, temperature = _profile(a, p, k_c, k_d, r_int, t0)
    _, temperature_bare = _profile(a, p, k_c, k_d, 0.0, t0)
    return PCMCell(
        radius=a,
        power=p,
        cell_conductivity=k_c,
        dielectric_conductivity=k_d,
        resistance=r_int,
        resistance_label=source.label,
        ambient_temperature=t0,
        melting_temperature=t_m,
        kapitza_length=k_d * r_int,
        thermal_resistance=total,
        thermal_resistance_without_interface=bare,
        terms=terms,
        shares=tuple(x / total for x in terms),
        centre_rise=p * total,
        centre_rise_without_interface=p * bare,
        jump=p * terms[1],
        enhancement=total / bare,
        programming_power=(t_m - t0) / total,
        programming_power_without_interface=(t_m - t0) / bare,
        r=r,
        temperature=temperature,
        temperature_without_interface=temperature_bare,
    )


@result
class PCMSweep:
    """Centre rise and programming power vs cell radius, with and without the interface resistance.

    Attributes
    ----------
    radius : ndarray, shape (n,)
        a, m.
    power : float
        P of the rise columns, W.
    centre_rise, centre_rise_without_interface : ndarray, shape (n,)
        T(0) - T_0 at ``power``, K.
    enhancement : ndarray, shape (n,)
        Their ratio.
    programming_power, programming_power_without_interface : ndarray, shape (n,)
        Power to reach the melting temperature at the centre, W.
    interface_share : ndarray, shape (n,)
        The interface's share of the centre rise.
    resistance : ndarray, shape (n,)
        R used at each radius, m^2 K W^-1 (self-consistent at the programming power when R depends on T).
    kapitza_length : float
        k_d R(T_0), m.
    cell_conductivity, dielectric_conductivity, ambient_temperature, melting_temperature : float
        The inputs (W m^-1 K^-1, K).
    resistance_label : str
        Where R came from.
    """

    radius: NDArray[np.float64]
    power: float
    centre_rise: NDArray[np.float64]
    centre_rise_without_interface: NDArray[np.float64]
    enhancement: NDArray[np.float64]
    programming_power: NDArray[np.float64]
    programming_power_without_interface: NDArray[np.float64]
    interface_share: NDArray[np.float64]
    resistance: NDArray[np.float64]
    kapitza_length: float
    cell_conductivity: float
    dielectric_conductivity: float
    ambient_temperature: float
    melting_temperature: float
    resistance_label: str

    _summary_fields: ClassVar[tuple[str, ...]] = ("radius", "enhancement", "kapitza_length")


def pcm_sweep(
    radii: Any,
    *,
    power: float = 1e-4,
    resistance: Any = 2e-8,
    cell_conductivity: Any = 0.5,
    dielectric_conductivity: Any = 1.4,
    ambient_temperature: float = 300.0,
    melting_temperature: float = GST_MELTING_K,
) -> PCMSweep:
    """:func:`pcm_cell` over many radii (m, shape (n,), each > 0) at one power P (W); other parameters alike.

    The rise columns use ``power``; the programming powers are found per radius.  When R depends on T,
    it is evaluated self-consistently at the programming power for every radius.
    """
    source, k_c, k_d, t0, t_m = _inputs(
        resistance, cell_conductivity, dielectric_conductivity, ambient_temperature, melting_temperature
    )
    p = positive(power, "power=", "W")
    try:
        a = np.atleast_1d(np.asarray(radii, dtype=float))
    except (TypeError, ValueError):
        raise InputError(f"radii must be numbers (m), got {radii!r}") from None
    if a.ndim != 1 or a.size == 0 or a.size > 100_000:
        raise InputError(f"radii must be a 1D list of 1 to 100,000 radii (m), got shape {a.shape}")
    if not np.all(np.isfinite(a)) or np.any(a <= 0):
        raise InputError(f"radii must be finite and > 0 m, got {float(a[~(np.isfinite(a) & (a > 0))][0]):g}")
    rows = []
    for radius in a:
        r_int, _ = _self_consistent(source, float(radius), None, k_c, k_d, t0, t_m)
        rows.append((r_int, *_terms(float(radius), k_c, k_d, r_int)))
    table = np.asarray(rows)
    r_int, cell, interface, dielectric = table.T
    total = cell + interface + dielectric
    bare = cell + dielectric
    return PCMSweep(
        radius=a,
        power=p,
        centre_rise=p * total,
        centre_rise_without_interface=p * bare,
        enhancement=total / bare,
        programming_power=(t_m - t0) / total,
        programming_power_without_interface=(t_m - t0) / bare,
        interface_share=interface / total,
        resistance=r_int,
        kapitza_length=k_d * float(source.at(t0)),
        cell_conductivity=k_c,
        dielectric_conductivity=k_d,
        ambient_temperature=t0,
        melting_temperature=t_m,
        resistance_label=source.label,
    )
