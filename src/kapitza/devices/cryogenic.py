r"""A chip in liquid helium: steady temperature with a Kapitza resistance R_K(T) ~ T^-3 at its cooled face.

The seed's example (seeds/002: "a superconducting electronic chip operating while submerged in liquid
helium"): a chip of area A (m^2) and thickness d (m) dissipates P (W) in its circuit layer on the top
face; the heat crosses the chip by conduction, kappa(T), and leaves through the bottom face into a helium
bath at T_He across the solid/helium boundary.  The flux q = P / A is the same through the chip and across
the interface (energy balance, one dimension: edges and the top face are taken as adiabatic, which is the
conservative case; a chip cooled on both faces sees half the flux per face).

Interface laws (``law=``), T_s = temperature of the chip's cooled face:

``"linear"``
    T_s - T_He = q R_K(T_He): the small-drop result with R evaluated at the bath.
``"t4"``
    q = A_K (T_s^4 - T_He^4) with A_K = 1 / (4 R_K(T_He) T_He^3), the radiation-like law of a boundary
    whose conductance goes as T^3 (Pollack, Rev. Mod. Phys. 41, 48 (1969), Sec. II; Swartz & Pohl,
    Rev. Mod. Phys. 61, 605 (1989), Sec. II.C): linearised, dq/dT_s = 4 A_K T_He^3 = 1/R_K(T_He), so its
    small-drop limit is the linear law.  Because A_K (T_s^4 - T_He^4) > 4 A_K T_He^3 (T_s - T_He), the
    T^4 chip is cooler than the linear one for any finite drop.
``"integral"``
    q = \int_{T_He}^{T_s} dT / R_K(T), R_K re-evaluated at every temperature (Gauss-Legendre, 16 nodes);
    for R_K = R0 (T/T0)^-3 this is exactly the T^4 law, and it holds for any source (``amm:Si/He4``, a
    saved fit, a table).

Through the chip, q = -kappa(T) dT/dz; with the Kirchhoff transform, \int_{T_s}^{T_top} kappa dT = q d,
integrated here as dT/dz = q / kappa(T) (classical Runge-Kutta, 200 steps).  The result reports both drops
(interface vs chip: the seed's point that the boundary can dominate) and whether the hottest point (top face)
passes a critical temperature T_c (e.g. Nb 9.2 K, Al 1.2 K), with the power at which it is reached.

Validity: one-dimensional, steady; helium treated as an ideal bath at T_He (in He II its own resistance is
negligible below the Gorter-Mellink regime; above the lambda point, 2.17 K, or once the surface reaches film
boiling the bath picture fails: ~ 1e4 W m^-2 for nucleate boiling of He I is the usual limit).  R_K from the
acoustic-mismatch model (``amm:...``) is typically 10-100 times the measured values above ~0.1 K (the
"Kapitza anomaly", Swartz & Pohl 1989, Sec. III); a measured ``power:R0,T0,3`` is safer for design.

Units: SI (W, m, K, m^2 K W^-1, W m^-1 K^-1).
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.optimize import brentq

from .. import _checks
from .._checks import non_negative, positive
from ..errors import ConvergenceError, InputError
from ..io.results import result
from .sources import conductivity_source, resistance_source

__all__ = ["LAWS", "ChipInHelium", "ChipSweep", "chip_in_helium", "chip_sweep", "interface_flux"]

#: Interface laws: linear R_K(T_He), the T^4 law, the exact integral of dT / R_K(T).
LAWS = ("linear", "t4", "integral")

_NODES, _WEIGHTS = np.polynomial.legendre.leggauss(16)
_PROFILE_STEPS = 200
#: Largest surface temperature searched for, K (beyond it the helium bath picture has long failed).
MAX_TEMPERATURE = 1000.0


def _check_law(law: str) -> str:
    if law not in LAWS:
        raise InputError(f"law= must be one of {', '.join(LAWS)}, got {law!r}")
    return law


def interface_flux(surface_temperature: float, bath_temperature: float, resistance: Any, law: str = "t4") -> float:
    """Heat flux (W m^-2) from a surface at T_s (K) into the bath at T_He (K) under ``law`` (see module).

    Parameters
    ----------
    surface_temperature, bath_temperature : float
        K, > 0.
    resistance : float, str or ResistanceSource
        R_K (m^2 K W^-1) or any spec of :func:`kapitza.devices.resistance_source`.
    law : {"linear", "t4", "integral"}
    """
    source = resistance_source(resistance)
    _check_law(law)
    ts = positive(surface_temperature, "surface_temperature", "K")
    tb = positive(bath_temperature, "bath_temperature", "K")
    return _flux(ts, tb, source, law, source.at(tb))


def _flux(ts: float, tb: float, source: Any, law: str, r_bath: float) -> float:
    if law == "linear":
        return (ts - tb) / r_bath if r_bath > 0 else math.inf
    if law == "t4":
        return (ts**4 - tb**4) / (4.0 * r_bath * tb**3) if r_bath > 0 else math.inf
    if ts == tb:
        return 0.0
    half, mid = 0.5 * (ts - tb), 0.5 * (ts + tb)
    total = 0.0
    for x, w in zip(_NODES, _WEIGHTS, strict=True):
        r = source.at(mid + half * float(x))
        if r <= 0:
            return math.inf if ts > tb else -math.inf
        total += float(w) / r
    return half * total


def _surface_temperature(q: float, tb: float, source: Any, law: str, r_bath: float) -> float:
    if q == 0 or r_bath == 0:
        return tb
    if law == "linear":
        return tb + q * r_bath
    if law == "t4":
        return (tb**4 + 4.0 * q * r_bath * tb**3) ** 0.25
    # the integral law: bracket between the bath and the linear/T^4 guesses scaled up
    guess = (tb**4 + 4.0 * q * r_bath * tb**3) ** 0.25
    hi = tb + 2.0 * (guess - tb)
    while _flux(hi, tb, source, law, r_bath) < q:
        hi = tb + 2.0 * (hi - tb)
        if hi > MAX_TEMPERATURE:
            raise ConvergenceError(
                f"the chip surface would pass {MAX_TEMPERATURE:g} K at q = {q:g} W m^-2 with this R_K(T); "
                "lower the power or check the resistance"
            )
    return float(brentq(lambda t: _flux(t, tb, source, law, r_bath) - q, tb, hi, xtol=1e-12, rtol=1e-12))


def _chip_profile(q: float, ts: float, thickness: float, kappa: Any) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """z (m, from the cooled face up) and T(z) (K) from dT/dz = q / kappa(T), RK4."""
    z = np.linspace(0.0, thickness, _PROFILE_STEPS + 1)
    t = np.empty_like(z)
    t[0] = ts
    h = thickness / _PROFILE_STEPS

    def slope(temp: float) -> float:
        return q / kappa.at(temp)

    if not kappa.temperature_dependent:
        return z, ts + q * z / kappa.at(ts)
    for i in range(_PROFILE_STEPS):
        y = float(t[i])
        k1 = slope(y)
        k2 = slope(y + 0.5 * h * k1)
        k3 = slope(y + 0.5 * h * k2)
        k4 = slope(y + h * k3)
        t[i + 1] = y + h * (k1 + 2 * k2 + 2 * k3 + k4) / 6.0
    return z, t


@result
class ChipInHelium:
    """Steady state of a chip in a helium bath (see :mod:`kapitza.devices.cryogenic`).

    Attributes
    ----------
    power : float
        P, W.
    area, thickness : float
        m^2, m.
    bath_temperature : float
        T_He, K.
    law : str
        The interface law used.
    heat_flux : float
        q = P / A, W m^-2.
    surface_temperature : float
        T_s of the cooled face, K.
    top_temperature : float
        T of the dissipating face (the hottest point), K.
    interface_drop, chip_drop : float
        T_s - T_He and T_top - T_s, K.
    interface_share : float
        interface_drop / (T_top - T_He).
    resistance_at_bath : float
        R_K(T_He), m^2 K W^-1.
    linear_surface_temperature : float
        T_s of the linear law for the same q, K (for comparison).
    z, temperature : ndarray, shape (201,)
        Height above the cooled face (m) and T(z) through the chip (K).
    critical_temperature : float or None
        T_c, K.
    exceeds_critical : bool
        The top face is above T_c.
    critical_power : float or None
        P (W) at which the top face reaches T_c under this law (None without T_c).
    resistance_label, conductivity_label : str
        The sources used.
    """

    power: float
    area: float
    thickness: float
    bath_temperature: float
    law: str
    heat_flux: float
    surface_temperature: float
    top_temperature: float
    interface_drop: float
    chip_drop: float
    interface_share: float
    resistance_at_bath: float
    linear_surface_temperature: float
    z: NDArray[np.float64]
    temperature: NDArray[np.float64]
    critical_temperature: float | None
    exceeds_critical: bool
    critical_power: float | None
    resistance_label: str
    conductivity_label: str

    _summary_fields: ClassVar[tuple[str, ...]] = (
        "power",
        "law",
        "surface_temperature",
        "top_temperature",
        "interface_drop",
        "chip_drop",
        "exceeds_critical",
    )


def _validated(area, thickness, bath_temperature, critical_temperature, law):  # noqa: ANN001, ANN202
    a = positive(area, "area", "m^2")
    if not _checks.MIN_LENGTH**2 <= a <= _checks.MAX_LENGTH**2:
        raise InputError(
            f"area must be {_checks.MIN_LENGTH**2:g} to {_checks.MAX_LENGTH**2:g} m^2 (sides of a tenth of a bond to "
            f"larger than any device), got {a:g} m^2"
        )
    d = _checks.length(thickness, "thickness")
    tb = _checks.temperature(bath_temperature, "bath_temperature")
    tc = None if critical_temperature is None else _checks.temperature(critical_temperature, "critical_temperature")
    if tc is not None and tc <= tb:
        raise InputError(f"critical_temperature ({tc:g} K) must be above the bath ({tb:g} K)")
    return a, d, tb, tc, _check_law(law)


def _top(q: float, tb: float, d: float, r_source: Any, k_source: Any, law: str, r_bath: float) -> float:
    ts = _surface_temperature(q, tb, r_source, law, r_bath)
    return float(_chip_profile(q, ts, d, k_source)[1][-1])


def _critical_flux(tc: float, tb: float, d: float, r_source: Any, k_source: Any, law: str, r_bath: float) -> float:
    """q (W m^-2) at which the top face reaches T_c."""
    k = k_source.at(tb)
    q_hi = (tc - tb) / (r_bath + d / k)  # the linear, constant-kappa estimate
    for _ in range(60):
        if _top(q_hi, tb, d, r_source, k_source, law, r_bath) >= tc:
            break
        q_hi *= 2.0
    else:
        raise ConvergenceError(f"the chip does not reach T_c = {tc:g} K at any power tried")
    return float(brentq(lambda q: _top(q, tb, d, r_source, k_source, law, r_bath) - tc, 0.0, q_hi, rtol=1e-10))


def chip_in_helium(
    power: float,
    *,
    area: float,
    thickness: float,
    conductivity: Any,
    resistance: Any,
    bath_temperature: float = 1.5,
    law: str = "t4",
    critical_temperature: float | None = None,
) -> ChipInHelium:
    """Steady temperatures of a chip dissipating ``power`` into liquid helium.

    Parameters
    ----------
    power : float
        P dissipated at the top face, W (>= 0).
    area : float
        Chip (and cooled-face) area A, m^2.
    thickness : float
        Chip thickness d, m.
    conductivity : float, str or ConductivitySource
        kappa of the chip, W m^-1 K^-1, or a material name (its kappa(T) table must cover the temperatures).
    resistance : float, str or ResistanceSource
        R_K of the chip/helium boundary: a number (m^2 K W^-1), ``power:R0,T0,3``, ``amm:Si/He4``, a file...
    bath_temperature : float
        T_He, K.
    law : {"linear", "t4", "integral"}
        The interface law (module docstring).
    critical_temperature : float, optional
        T_c of the chip's superconductor, K (> T_He); sets ``exceeds_critical`` and ``critical_power``.

    Raises
    ------
    InputError
        Negative or non-finite inputs, an unknown law, T_c at or below the bath, a source that cannot give
        R or kappa at the temperatures reached.
    """
    r_source = resistance_source(resistance)
    k_source = conductivity_source(conductivity)
    p = non_negative(power, "power", "W")
    a, d, tb, tc, law = _validated(area, thickness, bath_temperature, critical_temperature, law)
    r_bath = r_source.at(tb)
    q = p / a
    ts = _surface_temperature(q, tb, r_source, law, r_bath)
    z, temp = _chip_profile(q, ts, d, k_source)
    top = float(temp[-1])
    rise = top - tb
    critical_power = None
    if tc is not None:
        critical_power = a * _critical_flux(tc, tb, d, r_source, k_source, law, r_bath)
    return ChipInHelium(
        power=p,
        area=a,
        thickness=d,
        bath_temperature=tb,
        law=law,
        heat_flux=q,
        surface_temperature=ts,
        top_temperature=top,
        interface_drop=ts - tb,
        chip_drop=top - ts,
        interface_share=(ts - tb) / rise if rise > 0 else float("nan"),
        resistance_at_bath=r_bath,
        linear_surface_temperature=tb + q * r_bath,
        z=z,
        temperature=temp,
        critical_temperature=tc,
        exceeds_critical=bool(tc is not None and top > tc),
        critical_power=critical_power,
        resistance_label=r_source.label,
        conductivity_label=k_source.label,
    )


@result
class ChipSweep:
    """Chip temperatures vs dissipated power for the linear and the T^4 (or integral) laws.

    Attributes
    ----------
    power : ndarray, shape (n,)
        W.
    surface_linear, top_linear : ndarray, shape (n,)
        Cooled-face and top-face temperatures with the linear law, K.
    surface_nonlinear, top_nonlinear : ndarray, shape (n,)
        The same with ``law`` ("t4" or "integral"), K.
    law : str
    bath_temperature : float
        K.
    critical_temperature : float or None
        K.
    critical_power_linear, critical_power_nonlinear : float or None
        P (W) at which the top face reaches T_c under each law.
    resistance_label, conductivity_label : str
    """

    power: NDArray[np.float64]
    surface_linear: NDArray[np.float64]
    top_linear: NDArray[np.float64]
    surface_nonlinear: NDArray[np.float64]
    top_nonlinear: NDArray[np.float64]
    law: str
    area: float
    thickness: float
    bath_temperature: float
    critical_temperature: float | None
    critical_power_linear: float | None
    critical_power_nonlinear: float | None
    resistance_label: str
    conductivity_label: str

    _summary_fields: ClassVar[tuple[str, ...]] = ("power", "top_linear", "top_nonlinear", "law")


#: Most powers in one sweep.
MAX_POWERS = 2000


def chip_sweep(
    powers: ArrayLike,
    *,
    area: float,
    thickness: float,
    conductivity: Any,
    resistance: Any,
    bath_temperature: float = 1.5,
    law: str = "t4",
    critical_temperature: float | None = None,
) -> ChipSweep:
    """:func:`chip_in_helium` at each power (W, shape (n,)) with the linear law and with ``law``."""
    r_source = resistance_source(resistance)
    k_source = conductivity_source(conductivity)
    p = np.asarray(powers, dtype=float)
    if p.ndim != 1 or p.size == 0:
        raise InputError("powers must be a non-empty list of numbers (W)")
    if p.size > MAX_POWERS:
        raise InputError(f"powers has {p.size} values; at most {MAX_POWERS} in one sweep")
    if not np.all(np.isfinite(p)) or np.any(p < 0):
        raise InputError(f"powers must be finite and >= 0 W, got min {float(np.min(p)):g}")
    if law == "linear":
        raise InputError("law= of a sweep is the non-linear one compared with the linear law: 't4' or 'integral'")
    a, d, tb, tc, law = _validated(area, thickness, bath_temperature, critical_temperature, law)
    r_bath = r_source.at(tb)
    rows = {"linear": ([], []), law: ([], [])}
    for name, (surf, top) in rows.items():
        for q in p / a:
            ts = _surface_temperature(float(q), tb, r_source, name, r_bath)
            surf.append(ts)
            top.append(float(_chip_profile(float(q), ts, d, k_source)[1][-1]))
    crit = {}
    for name in rows:
        crit[name] = None if tc is None else a * _critical_flux(tc, tb, d, r_source, k_source, name, r_bath)
    return ChipSweep(
        power=p,
        surface_linear=np.array(rows["linear"][0]),
        top_linear=np.array(rows["linear"][1]),
        surface_nonlinear=np.array(rows[law][0]),
        top_nonlinear=np.array(rows[law][1]),
        law=law,
        area=a,
        thickness=d,
        bath_temperature=tb,
        critical_temperature=tc,
        critical_power_linear=crit["linear"],
        critical_power_nonlinear=crit[law],
        resistance_label=r_source.label,
        conductivity_label=k_source.label,
    )
