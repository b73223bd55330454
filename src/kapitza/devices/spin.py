r"""Spin-dependent Kapitza resistance: spin heat accumulation at a ferromagnet/normal-metal interface.

Seed 002 ("spin-dependent Kapitza resistance"): the up and down electrons carry heat in two parallel
channels that cross an F/N interface with different boundary resistances R_up, R_down (m^2 K W^-1), so the
two spin species in N leave the interface at different temperatures: a spin heat accumulation
T_s = T_up - T_down, which inelastic (electron-electron, electron-magnon) scattering relaxes over a length
lambda.  The two-temperature diffusion picture is that of Heikkilae, Hatami & Bauer, "Spin heat
accumulation and its relaxation in spin valves", Phys. Rev. B 81, 100408(R) (2010), measured by Dejene,
Flipse, Bauer & van Wees, Nat. Phys. 9, 636 (2013).  The model implemented here, for one interface, is:

Assumptions
    * steady state, one dimension, the electronic heat current q (W m^-2) only (phonons not included);
    * the ferromagnet is thermalised at the interface (strong electron-magnon relaxation in F): both spin
      species there are at T_F;
    * in N (z > 0) the channels have equal conductivities kappa_N / 2 and exchange heat at a rate
      g (T_up - T_down) per volume, g = kappa_N / (4 lambda^2);
    * each spin channel crosses the interface with its own resistance: q_sigma = (T_F - T_sigma(0+)) / R_sigma.

Solution
    The mean T = (T_up + T_down)/2 in N falls linearly (q = -kappa_N dT/dz); the difference obeys
    T_s'' = T_s / lambda^2, so T_s(z) = T_s0 exp(-z / lambda), and the channel imbalance in N at the interface is
    q_up - q_down = kappa_N T_s0 / (2 lambda).  With G_sigma = 1 / R_sigma, G = G_up + G_down,
    dG = G_up - G_down, the interface conditions give

        T_s0 = dG q / (2 G_up G_down + G kappa_N / (2 lambda)),

        R_eff = (T_F - T(0+)) / q = 1 / G + dG T_s0 / (2 G q).

Limits (tested)
    * R_up = R_down: no spin heat accumulation, R_eff = R_up / 2 (two equal channels in parallel);
    * lambda -> 0 (instant relaxation): T_s0 -> 0 and R_eff -> 1 / (1/R_up + 1/R_down), the parallel law;
    * lambda -> infinity (no relaxation): each channel carries q / 2, T_s0 = q (R_down - R_up) / 2 and
      R_eff = (R_up + R_down) / 4 (the series-like extra "spin heat accumulation resistance").

Units: SI (W m^-2, m^2 K W^-1, W m^-1 K^-1, m, K).
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from .. import _checks
from ..errors import InputError
from ..io.results import result
from .sources import resistance_source

__all__ = ["SpinHeatAccumulation", "spin_heat_accumulation"]

_PROFILE_POINTS = 201


def _number(value: Any, name: str, unit: str, *, positive: bool = True, allow_inf: bool = False) -> float:
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise InputError(f"{name} must be a number ({unit}), got {value!r}") from None
    if math.isnan(x) or (math.isinf(x) and not allow_inf) or (positive and x <= 0):
        raise InputError(f"{name} must be {'> 0' if positive else 'finite'} {unit}, got {x:g}")
    return x


@result
class SpinHeatAccumulation:
    """Spin heat accumulation at an F/N interface (see :mod:`kapitza.devices.spin`).

    Attributes
    ----------
    heat_flux : float
        q, W m^-2 (F -> N for q > 0).
    temperature : float
        Mean electron temperature in N at the interface, K (where R_up, R_down are evaluated).
    resistance_up, resistance_down : float
        R_up, R_down, m^2 K W^-1.
    conductivity : float
        kappa_N (both spins), W m^-1 K^-1.
    relaxation_length : float
        lambda, m (inf: no relaxation).
    spin_temperature : float
        T_s0 = T_up - T_down in N at the interface, K.
    parallel_resistance : float
        1 / (1/R_up + 1/R_down), m^2 K W^-1.
    effective_resistance : float
        (T_F - mean T in N at the interface) / q, m^2 K W^-1.
    ferromagnet_temperature : float
        T_F, K.
    z : ndarray, shape (201,)
        Distance into N, m (0 to 5 lambda, or 5 kappa_N R_eff without relaxation).
    temperature_up, temperature_down, temperature_mean : ndarray, shape (201,)
        Spin temperatures and their mean in N, K.
    resistance_labels : tuple of str
        The sources of R_up and R_down.
    """

    heat_flux: float
    temperature: float
    resistance_up: float
    resistance_down: float
    conductivity: float
    relaxation_length: float
    spin_temperature: float
    parallel_resistance: float
    effective_resistance: float
    ferromagnet_temperature: float
    z: NDArray[np.float64]
    temperature_up: NDArray[np.float64]
    temperature_down: NDArray[np.float64]
    temperature_mean: NDArray[np.float64]
    resistance_labels: tuple[str, str]

    _summary_fields: ClassVar[tuple[str, ...]] = (
        "heat_flux",
        "resistance_up",
        "resistance_down",
        "spin_temperature",
        "effective_resistance",
    )


def spin_heat_accumulation(
    heat_flux: float,
    *,
    resistance_up: Any,
    resistance_down: Any,
    conductivity: float,
    relaxation_length: float,
    temperature: float = 300.0,
) -> SpinHeatAccumulation:
    """Spin temperatures near an F/N interface carrying the electronic heat flux ``heat_flux``.

    Parameters
    ----------
    heat_flux : float
        q, W m^-2, from F into N (negative: N -> F).
    resistance_up, resistance_down : float, str or ResistanceSource
        Boundary resistance of each spin channel, m^2 K W^-1 (> 0), or any spec of
        :func:`kapitza.devices.resistance_source`, evaluated at ``temperature``.
    conductivity : float
        Electronic thermal conductivity kappa_N of the normal metal (both spins together), W m^-1 K^-1.
    relaxation_length : float
        Spin heat relaxation length lambda, m (> 0; ``math.inf`` for none).
    temperature : float
        Mean temperature of N at the interface, K.

    Raises
    ------
    InputError
        A resistance <= 0 or not finite, kappa_N or lambda <= 0, q or T not finite, a temperature profile
        that would fall below 0 K.
    """
    source_up = resistance_source(resistance_up)
    source_down = resistance_source(resistance_down)
    q = _number(heat_flux, "heat_flux", "W m^-2", positive=False)
    kappa = _number(conductivity, "conductivity", "W m^-1 K^-1")
    lam = _number(relaxation_length, "relaxation_length", "m", allow_inf=True)
    t0 = _checks.temperature(temperature, "temperature")
    r_up, r_down = source_up.at(t0), source_down.at(t0)
    for name, r in (("resistance_up", r_up), ("resistance_down", r_down)):
        if not (math.isfinite(r) and r > 0):
            raise InputError(f"{name} must be finite and > 0 m^2 K W^-1 (a channel that conducts), got {r:g}")
    g_up, g_down = 1.0 / r_up, 1.0 / r_down
    g, dg = g_up + g_down, g_up - g_down
    bulk = 0.0 if math.isinf(lam) else kappa / (2.0 * lam)
    ts0 = dg * q / (2.0 * g_up * g_down + g * bulk)
    r_eff = 1.0 / g + dg**2 / (2.0 * g * (2.0 * g_up * g_down + g * bulk))  # = 1/G + dG T_s0 / (2 G q)
    length = 5.0 * lam if math.isfinite(lam) else 5.0 * kappa * r_eff
    z = np.linspace(0.0, length, _PROFILE_POINTS)
    mean = t0 - q * z / kappa
    decay = np.exp(-z / lam) if math.isfinite(lam) else np.ones_like(z)
    up, down = mean + 0.5 * ts0 * decay, mean - 0.5 * ts0 * decay
    t_f = t0 + q * r_eff
    if min(float(up.min()), float(down.min()), t_f) <= 0:
        raise InputError(
            f"heat_flux {q:g} W m^-2 drives a spin temperature below 0 K within {length:g} m; lower |heat_flux|"
        )
    return SpinHeatAccumulation(
        heat_flux=q,
        temperature=t0,
        resistance_up=r_up,
        resistance_down=r_down,
        conductivity=kappa,
        relaxation_length=lam,
        spin_temperature=ts0,
        parallel_resistance=1.0 / g,
        effective_resistance=r_eff,
        ferromagnet_temperature=t_f,
        z=z,
        temperature_up=up,
        temperature_down=down,
        temperature_mean=mean,
        resistance_labels=(source_up.label, source_down.label),
    )
