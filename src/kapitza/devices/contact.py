r"""Contact vs Kapitza: macroscopic contact conductance, Knudsen-layer slip, one-way-flux and Onsager forms.

Seeds 002 and 003 separate the intrinsic Kapitza resistance (present at a perfect, void-free interface) from
the macroscopic thermal contact resistance of two rough bodies pressed together, and from the apparent slip
of a continuum description inside a Knudsen layer.  This module puts numbers on each.

Contact conductance (plastic asperities)
    Cooper-Mikic-Yovanovich (CMY) correlation, Cooper, Mikic & Yovanovich, Int. J. Heat Mass Transfer 12,
    279 (1969), in the form of Yovanovich, IEEE Trans. Compon. Packag. Technol. 28, 182 (2005) (plastic contact model):

        h_c = 1.25 k_s (m / sigma) (P / H_c)^0.95,

    with k_s = 2 k1 k2 / (k1 + k2) (harmonic mean), sigma = sqrt(sigma1^2 + sigma2^2) (RMS roughness, m),
    m = sqrt(m1^2 + m2^2) (RMS asperity slope), P the apparent contact pressure and H_c the surface
    microhardness (Pa).  Valid for nominally flat, randomly rough (Gaussian) surfaces in vacuum with plastic
    asperities, about 1e-6 < P / H_c < 2e-2 (the result flags pressures outside); no gap conductance (no gas)
    and no radiation.  The intrinsic boundary resistance R_K is compared with 1/h_c at each pressure (which
    dominates, and the pressure P* at which they are equal).  Note that R_K acts only on the real contact area
    (a fraction ~ P/H_c of the apparent one), so in a real joint its share is larger than this side-by-side
    comparison per apparent area suggests; the comparison is the seeds' point of scale, not a joint model.

Knudsen-layer temperature slip (gas at a wall)
    Kennard, Kinetic Theory of Gases (McGraw-Hill, 1938), Sec. 180-182 (temperature jump):

        dT_slip = (2 - alpha) / alpha * 2 gamma / (gamma + 1) * lambda / Pr * dT/dn,

    alpha the thermal accommodation coefficient, gamma = c_p / c_v, Pr the Prandtl number, lambda the gas
    mean free path (hard spheres: lambda = k_B T / (sqrt(2) pi d^2 p)).  As a resistance per area,
    R_slip = dT_slip / q = (2 - alpha)/alpha * 2 gamma/(gamma + 1) * lambda / (Pr k_gas).  Valid for small
    Knudsen numbers (slip regime, Kn = lambda / L < ~0.1).

Fluctuation-dissipation (one-way flux), seed 002
    If the equilibrium one-way flux is q_1way = sigma T^n (W m^-2), a small excess dT on one side gives a
    net q = sigma n T^(n-1) dT, so R = 1 / (sigma n T^(n-1)); with n = 4 (phonons at low T, like
    Stefan-Boltzmann) R ~ T^-3, the law of :mod:`kapitza.devices.cryogenic`.  For a finite drop the net
    flux is sigma (T_h^n - T_c^n).

Onsager form, seed 003
    Linear irreversible thermodynamics drives the heat flux with the force Delta(1/T):
    J = L (1/T_c - 1/T_h) (L in W K m^-2), so G = L / T^2 in the linear limit; for a finite drop
    J = L (T_h - T_c) / (T_h T_c), i.e. G evaluated at the geometric mean sqrt(T_h T_c).

Units: SI (W, m, K, Pa, W m^-2 K^-1, m^2 K W^-1).
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .. import _checks
from ..errors import InputError
from ..io.results import result
from ..units import KB
from .sources import conductivity_source, resistance_source

__all__ = [
    "BOLTZMANN",
    "CMY_RANGE",
    "ContactComparison",
    "cmy_conductance",
    "contact_vs_kapitza",
    "mean_free_path",
    "one_way_flux",
    "one_way_resistance",
    "onsager_conductance",
    "onsager_flux",
    "slip_resistance",
    "temperature_slip",
]

#: k_B, J K^-1 (CODATA exact): :data:`kapitza.units.KB`.
BOLTZMANN = KB
#: Range of P / H_c over which the CMY correlation was fitted (Yovanovich 2005).
CMY_RANGE = (1e-6, 2e-2)
MAX_PRESSURES = 10_000


def _num(value: Any, name: str, unit: str, *, low: float = 0.0, strict: bool = True) -> float:
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise InputError(f"{name} must be a number ({unit}), got {value!r}") from None
    if not math.isfinite(x) or x < low or (strict and x == low):
        raise InputError(f"{name} must be finite and {'>' if strict else '>='} {low:g} {unit}, got {x:g}")
    return x


def _pressures(pressure: ArrayLike) -> NDArray[np.float64]:
    p = np.atleast_1d(np.asarray(pressure, dtype=float))
    if p.ndim != 1 or p.size == 0:
        raise InputError("pressure must be a number or a list of numbers (Pa)")
    if p.size > MAX_PRESSURES:
        raise InputError(f"pressure has {p.size} values; at most {MAX_PRESSURES} in one call")
    if not np.all(np.isfinite(p)) or np.any(p <= 0):
        raise InputError(f"pressure must be finite and > 0 Pa, got min {float(np.min(p)):g}")
    return p


def _rms(a: Any, b: Any, name: str, unit: str) -> float:
    x, y = _num(a, f"{name}1", unit, strict=False), _num(b, f"{name}2", unit, strict=False)
    if unit == "m":  # a roughness: 0 (a flat face) or a device length
        x, y = _checks.length(x, f"{name}1", zero=True), _checks.length(y, f"{name}2", zero=True)
    return math.hypot(x, y)


def cmy_conductance(
    pressure: ArrayLike,
    *,
    conductivity1: Any,
    conductivity2: Any,
    roughness1: float,
    roughness2: float,
    slope1: float,
    slope2: float,
    hardness: float,
    temperature: float = 300.0,
) -> NDArray[np.float64]:
    """CMY contact conductance h_c (W m^-2 K^-1, shape of ``pressure``) at apparent pressures (Pa).

    Parameters
    ----------
    pressure : float or array, shape (n,)
        Apparent contact pressure P, Pa, > 0 and below ``hardness`` (at P = H_c every asperity is flattened).
    conductivity1, conductivity2 : float or str
        k of the two bodies, W m^-1 K^-1, or material names (kappa(T) at ``temperature``).
    roughness1, roughness2 : float
        RMS surface roughness sigma_i, m (>= 0, not both 0).
    slope1, slope2 : float
        RMS asperity slopes m_i (dimensionless, >= 0, not both 0).
    hardness : float
        Microhardness H_c of the softer surface, Pa.
    temperature : float
        K, where material conductivities are read.
    """
    k1, k2 = conductivity_source(conductivity1), conductivity_source(conductivity2)
    p = _pressures(pressure)
    sigma = _rms(roughness1, roughness2, "roughness", "m")
    m = _rms(slope1, slope2, "slope", "")
    if sigma == 0 or m == 0:
        raise InputError("roughness1/2 and slope1/2 cannot both be 0: a perfectly flat contact has no CMY h_c")
    hc = _num(hardness, "hardness", "Pa")
    if p.max() >= hc:
        raise InputError(
            f"pressure {p.max():g} Pa is at or above the microhardness H_c = {hc:g} Pa: the real contact area (a "
            "fraction P/H_c of the apparent one) would be the whole surface, every asperity flattened, where a "
            f"contact resistance of rough surfaces ends (the CMY correlation is fitted for {CMY_RANGE[0]:g} < P/H_c "
            f"< {CMY_RANGE[1]:g})"
        )
    t = _checks.temperature(temperature, "temperature")
    a, b = k1.at(t), k2.at(t)
    ks = 2 * a * b / (a + b)
    h = 1.25 * ks * (m / sigma) * (p / hc) ** 0.95
    return h


@result
class ContactComparison:
    """Contact conductance (CMY) vs the intrinsic boundary conductance 1/R_K, per apparent area.

    Attributes
    ----------
    pressure : ndarray, shape (n,)
        Pa.
    contact_conductance : ndarray, shape (n,)
        h_c, W m^-2 K^-1.
    kapitza_resistance : float
        R_K at ``temperature``, m^2 K W^-1.
    total_resistance : ndarray, shape (n,)
        1/h_c + R_K, m^2 K W^-1.
    contact_share : ndarray, shape (n,)
        (1/h_c) / total.
    dominant : tuple of str
        "contact" or "kapitza" at each pressure.
    crossover_pressure : float
        P* (Pa) where h_c = 1/R_K (inf when R_K = 0).
    in_range : ndarray of bool, shape (n,)
        P / H_c inside the correlation's range :data:`CMY_RANGE`.
    effective_conductivity, roughness, slope, hardness, temperature : float
        k_s (W m^-1 K^-1), sigma (m), m, H_c (Pa), T (K).
    resistance_label : str
    """

    pressure: NDArray[np.float64]
    contact_conductance: NDArray[np.float64]
    kapitza_resistance: float
    total_resistance: NDArray[np.float64]
    contact_share: NDArray[np.float64]
    dominant: tuple[str, ...]
    crossover_pressure: float
    in_range: NDArray[np.bool_]
    effective_conductivity: float
    roughness: float
    slope: float
    hardness: float
    temperature: float
    resistance_label: str

    _summary_fields: ClassVar[tuple[str, ...]] = ("pressure", "contact_conductance", "kapitza_resistance")


def contact_vs_kapitza(
    pressure: ArrayLike,
    *,
    resistance: Any,
    conductivity1: Any,
    conductivity2: Any,
    roughness1: float,
    roughness2: float,
    slope1: float,
    slope2: float,
    hardness: float,
    temperature: float = 300.0,
) -> ContactComparison:
    """CMY h_c at each pressure next to the intrinsic R_K (any source, at ``temperature``): which dominates.

    Parameters are those of :func:`cmy_conductance`, plus ``resistance``: R_K in m^2 K W^-1 or any spec of
    :func:`kapitza.devices.resistance_source` (``"dmm:Al/Si"``, ``"G=1e8"``, a saved fit).
    """
    source = resistance_source(resistance)
    p = _pressures(pressure)
    h = cmy_conductance(
        p,
        conductivity1=conductivity1,
        conductivity2=conductivity2,
        roughness1=roughness1,
        roughness2=roughness2,
        slope1=slope1,
        slope2=slope2,
        hardness=hardness,
        temperature=temperature,
    )
    t = float(temperature)
    rk = source.at(t)
    k1, k2 = conductivity_source(conductivity1).at(t), conductivity_source(conductivity2).at(t)
    ks = 2 * k1 * k2 / (k1 + k2)
    sigma, m = math.hypot(roughness1, roughness2), math.hypot(slope1, slope2)
    hc = float(hardness)
    with np.errstate(divide="ignore"):  # h_c underflows to 0 at P / H_c below ~1e-300: no contact, r_c = inf
        r_c = 1.0 / h
    total = r_c + rk
    # h_c(P*) = 1/R_K  ->  P* = H_c (1 / (R_K 1.25 k_s m / sigma))^(1/0.95)
    crossover = math.inf if rk == 0 else hc * (1.0 / (rk * 1.25 * ks * m / sigma)) ** (1 / 0.95)
    ratio = p / hc
    return ContactComparison(
        pressure=p,
        contact_conductance=h,
        kapitza_resistance=rk,
        total_resistance=total,
        contact_share=1.0 / (1.0 + rk * h),  # r_c / total, also where r_c = inf
        dominant=tuple("contact" if rc > rk else "kapitza" for rc in r_c),
        crossover_pressure=crossover,
        in_range=(ratio >= CMY_RANGE[0]) & (ratio <= CMY_RANGE[1]),
        effective_conductivity=ks,
        roughness=sigma,
        slope=m,
        hardness=hc,
        temperature=t,
        resistance_label=source.label,
    )


def mean_free_path(temperature: float, pressure: float, diameter: float) -> float:
    """Hard-sphere gas mean free path k_B T / (sqrt(2) pi d^2 p), m (T in K, p in Pa, kinetic diameter d in m)."""
    t = _num(temperature, "temperature", "K")
    p = _num(pressure, "pressure", "Pa")
    d = _num(diameter, "diameter", "m")
    return BOLTZMANN * t / (math.sqrt(2.0) * math.pi * d**2 * p)


def _slip_factor(accommodation: float, gamma: float, prandtl: float) -> float:
    a = _num(accommodation, "accommodation", "")
    if a > 1:
        raise InputError(f"accommodation must be in (0, 1], got {a:g}")
    g = _num(gamma, "gamma", "")
    if g < 1:
        raise InputError(f"gamma = c_p/c_v must be >= 1, got {g:g}")
    pr = _num(prandtl, "prandtl", "")
    return (2 - a) / a * 2 * g / (g + 1) / pr


def temperature_slip(
    gradient: float, *, mean_free_path: float, accommodation: float = 1.0, gamma: float = 5 / 3, prandtl: float = 2 / 3
) -> float:
    """Kennard's temperature jump dT_slip (K) at a wall for the gas's normal gradient dT/dn (K m^-1).

    Parameters
    ----------
    gradient : float
        dT/dn in the gas next to the wall, K m^-1.
    mean_free_path : float
        lambda, m.
    accommodation : float
        Thermal accommodation coefficient alpha, (0, 1].
    gamma : float
        c_p / c_v (5/3 for a monatomic gas).
    prandtl : float
        Pr (2/3 for a monatomic gas).
    """
    grad = _num(gradient, "gradient", "K m^-1", low=-math.inf, strict=False)
    lam = _num(mean_free_path, "mean_free_path", "m")
    return _slip_factor(accommodation, gamma, prandtl) * lam * grad


def slip_resistance(
    gas_conductivity: float,
    *,
    mean_free_path: float,
    accommodation: float = 1.0,
    gamma: float = 5 / 3,
    prandtl: float = 2 / 3,
) -> float:
    """The slip as a boundary resistance dT_slip / q, m^2 K W^-1 (gas conductivity in W m^-1 K^-1)."""
    k = _num(gas_conductivity, "gas_conductivity", "W m^-1 K^-1")
    lam = _num(mean_free_path, "mean_free_path", "m")
    return _slip_factor(accommodation, gamma, prandtl) * lam / k


def _one_way_args(coefficient: float, exponent: float) -> tuple[float, float]:
    s = _num(coefficient, "coefficient", "W m^-2 K^-n")
    n = _num(exponent, "exponent", "")
    if n > 20:
        raise InputError(f"exponent must be <= 20, got {n:g}")
    return s, n


def one_way_flux(temperature: ArrayLike, *, coefficient: float, exponent: float) -> NDArray[np.float64] | float:
    """Equilibrium one-way flux sigma T^n, W m^-2 (T in K, sigma in W m^-2 K^-n)."""
    s, n = _one_way_args(coefficient, exponent)
    t = np.asarray(temperature, dtype=float)
    if not np.all(np.isfinite(t)) or np.any(t < 0):
        raise InputError("temperature must be finite and >= 0 K")
    out = s * t**n
    return float(out) if out.ndim == 0 else out


def one_way_resistance(temperature: float, *, coefficient: float, exponent: float) -> float:
    """R = 1 / (sigma n T^(n-1)), m^2 K W^-1: the fluctuation-dissipation result of seed 002."""
    s, n = _one_way_args(coefficient, exponent)
    t = _num(temperature, "temperature", "K")
    return 1.0 / (s * n * t ** (n - 1))


def onsager_flux(hot: float, cold: float, *, coefficient: float) -> float:
    """J = L (1/T_cold - 1/T_hot), W m^-2 (temperatures in K, L in W K m^-2)."""
    th, tc = _num(hot, "hot", "K"), _num(cold, "cold", "K")
    lc = _num(coefficient, "coefficient", "W K m^-2")
    return lc * (th - tc) / (th * tc)


def onsager_conductance(temperature: float, *, coefficient: float) -> float:
    """Linear-response G = L / T^2, W m^-2 K^-1."""
    t = _num(temperature, "temperature", "K")
    return _num(coefficient, "coefficient", "W K m^-2") / t**2
