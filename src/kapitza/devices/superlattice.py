r"""Cross-plane thermal conductivity of a superlattice: N periods of A/B layers with interface resistances.

Model
-----
Heat flows across the layers.  Each layer conducts by Fourier's law with its bulk conductivity at the
operating temperature T, and each interface is an incoherent (diffuse) thermal resistance, so every piece
is a resistance in series (per unit area, m^2 K W^-1).  One period, A then B, holds two interfaces,
A->B and B->A (the same resistance unless two are given)::

    r_period = d_A / k_A + d_B / k_B + R_AB + R_BA

and N periods (total thickness N (d_A + d_B)), with an optional contact resistance R_c at each end::

    k_eff = N (d_A + d_B) / (N r_period + 2 R_c)

The "periodic" count of two interfaces per period is that of a superlattice between leads of its end
materials or of a long stack; a free-standing A B A B ... A B stack has 2N - 1 internal interfaces (a
relative difference of 1/(2N)).

Key numbers, with x = d_A / (d_A + d_B) kept fixed and p = d_A + d_B the period:

* the layers' own series conductivity k_layers = 1 / (x / k_A + (1 - x) / k_B) (thick-period limit);
* the critical period p_c = (R_AB + R_BA) / (x / k_A + (1 - x) / k_B), where the layers and the
  interfaces resist equally (d_A/k_A + d_B/k_B = 2R); below it the interfaces dominate, and at it
  k_eff = k_layers / 2 (without contacts);
* the thin-layer limit k_eff -> p / (R_AB + R_BA) (= p / (2R)): linear in the period, independent of the
  layers' conductivities;
* the period below which the superlattice conducts less than the bulk alloy of the same materials,
  p_alloy = k_alloy (R_AB + R_BA + 2 R_c / N) / (1 - k_alloy (x/k_A + (1-x)/k_B)), when k_alloy < k_layers.
  For Si/Ge the default alloy conductivity is :data:`SIGE_ALLOY_CONDUCTIVITY` (see its source).

Validity
--------
Fourier layers and incoherent interfaces: each layer must be thicker than the phonon mean free path, and
the phonons must lose their phase between interfaces.  For periods below the mean free path, coherent
(wave) effects - mini-band formation, Bragg reflection, and the minimum of k vs period - appear
(Simkin & Mahan, Phys. Rev. Lett. 84, 927 (2000); Ravichandran et al., Nat. Mater. 13, 168 (2014)), and
the series sum is no longer exact: for very short periods the measured k rises again above this model,
which is then a lower bound.  One temperature for all the layers: the drop across the superlattice must
be small compared with T (R(T) and k(T) are evaluated at the operating T).

Units: thickness m, conductivity W m^-1 K^-1, resistance m^2 K W^-1, temperature K.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from .. import _checks
from ..errors import InputError
from ..io.results import result
from .sources import conductivity_source, resistance_source

__all__ = ["SIGE_ALLOY_CONDUCTIVITY", "SIGE_ALLOY_SOURCE", "SuperlatticeResult", "superlattice"]

#: Default bulk-alloy conductivity for a Si/Ge superlattice, W m^-1 K^-1 (near 300 K).
SIGE_ALLOY_CONDUCTIVITY = 8.0
#: Where :data:`SIGE_ALLOY_CONDUCTIVITY` comes from.
SIGE_ALLOY_SOURCE = (
    "SiGe alloy near 300 K, ~8 W/m/K (order of the values of Dismukes et al., J. Appl. Phys. 35, 2899 (1964), "
    "for Ge-Si alloys of intermediate composition; an approximate default, give --alloy for a specific alloy)"
)
#: Most periods N.
MAX_PERIODS = 10**9


@result
class SuperlatticeResult:
    """Cross-plane conductivity of N periods of A/B at one temperature (SI units).

    Attributes
    ----------
    temperature : float
        Operating temperature, K.
    periods : int
        N.
    thickness_a, thickness_b : float
        Layer thicknesses d_A, d_B, m.
    conductivity_a, conductivity_b : float
        k_A, k_B at T, W m^-1 K^-1.
    resistance_ab, resistance_ba : float
        Interface resistances A->B and B->A at T, m^2 K W^-1.
    contact_resistance : float
        Each end's contact resistance, m^2 K W^-1 (0 without contacts).
    effective_conductivity : float
        k_eff, W m^-1 K^-1.
    total_resistance : float
        N r_period + 2 R_c, m^2 K W^-1.
    interface_share : float
        Fraction of the total resistance in the interfaces (contacts included).
    layer_conductivity : float
        Series conductivity of the layers without interfaces, W m^-1 K^-1.
    critical_period : float
        p_c, m: below it the interfaces resist more than the layers.
    alloy_conductivity : float or None
        The bulk alloy's conductivity compared with, W m^-1 K^-1.
    alloy_period : float or None
        Period below which k_eff < alloy_conductivity, m (None when the layers alone conduct less).
    sweep_period : ndarray, shape (n,)
        Periods of the sweep, m (d_A / period fixed).
    sweep_conductivity : ndarray, shape (n,)
        k_eff over the sweep, W m^-1 K^-1.
    labels : tuple of str
        What gave k_A, k_B, R_AB, R_BA, R_c, the alloy value.
    """

    temperature: float
    periods: int
    thickness_a: float
    thickness_b: float
    conductivity_a: float
    conductivity_b: float
    resistance_ab: float
    resistance_ba: float
    contact_resistance: float
    effective_conductivity: float
    total_resistance: float
    interface_share: float
    layer_conductivity: float
    critical_period: float
    alloy_conductivity: float | None
    alloy_period: float | None
    sweep_period: NDArray[np.float64]
    sweep_conductivity: NDArray[np.float64]
    labels: tuple[str, ...]

    _summary_fields: ClassVar[tuple[str, ...]] = (
        "effective_conductivity",
        "critical_period",
        "interface_share",
        "temperature",
    )

    @property
    def period(self) -> float:
        """d_A + d_B, m."""
        return self.thickness_a + self.thickness_b

    @property
    def thin_limit_slope(self) -> float:
        """k_eff / period in the thin-layer limit, 1 / (R_AB + R_BA), W m^-2 K^-1 (inf when R = 0)."""
        r2 = self.resistance_ab + self.resistance_ba
        return float("inf") if r2 == 0 else 1.0 / r2


def _material_name(source: Any) -> str | None:
    material = getattr(source, "material", None)
    return getattr(material, "name", None)


def superlattice(
    thickness_a: float,
    thickness_b: float,
    conductivity_a: Any,
    conductivity_b: Any,
    resistance: Any,
    *,
    resistance_ba: Any = None,
    periods: int = 10,
    temperature: float = 300.0,
    contact_resistance: Any = None,
    alloy_conductivity: float | None = None,
    sweep_periods: Any = None,
) -> SuperlatticeResult:
    """Cross-plane k_eff of N periods of A/B (module docstring for the model and its limits).

    Parameters
    ----------
    thickness_a, thickness_b : float
        Layer thicknesses d_A, d_B, m (> 0).
    conductivity_a, conductivity_b : float, str or ConductivitySource
        k of each layer: a number (W m^-1 K^-1) or a material name (kappa at ``temperature``).
    resistance : float, str or ResistanceSource
        Interface resistance A->B (m^2 K W^-1, or any spec of :func:`resistance_source`, e.g. "dmm:Si/Ge"),
        evaluated at ``temperature``.
    resistance_ba : same, optional
        B->A; the same as ``resistance`` when not given.
    periods : int
        N >= 1.
    temperature : float
        Operating temperature, K.
    contact_resistance : resistance spec, optional
        Contact resistance at each of the two ends, m^2 K W^-1.
    alloy_conductivity : float, optional
        Bulk alloy conductivity to compare with, W m^-1 K^-1; default :data:`SIGE_ALLOY_CONDUCTIVITY` for a
        Si/Ge pair given by material names, none otherwise.
    sweep_periods : array of float, optional
        Periods for the sweep, m; default 121 log-spaced periods over 1e-3..1e3 times the critical period
        (or the given period when there are no interfaces).

    Raises
    ------
    InputError
        A thickness or period <= 0 or not finite, N not an integer >= 1, a bad conductivity or resistance
        spec, a non-positive alloy conductivity.
    """
    d_a = _checks.length(thickness_a, "thickness_a")
    d_b = _checks.length(thickness_b, "thickness_b")
    if isinstance(periods, bool) or not isinstance(periods, (int, np.integer)):
        raise InputError(f"periods must be a whole number >= 1, got {periods!r}")
    n = int(periods)
    if not 1 <= n <= MAX_PERIODS:
        raise InputError(f"periods must be between 1 and {MAX_PERIODS:g}, got {n}")
    t = _checks.temperature(temperature)
    src_a, src_b = conductivity_source(conductivity_a), conductivity_source(conductivity_b)
    src_ab = resistance_source(resistance)
    src_ba = src_ab if resistance_ba is None else resistance_source(resistance_ba)
    src_c = None if contact_resistance is None else resistance_source(contact_resistance)
    alloy_label = ""
    if alloy_conductivity is not None:
        k_alloy: float | None = _checks.positive(alloy_conductivity, "alloy_conductivity", "W m^-1 K^-1")
        alloy_label = f"alloy {k_alloy:g} W/m/K (given)"
    elif {_material_name(src_a), _material_name(src_b)} == {"Si", "Ge"}:
        k_alloy, alloy_label = SIGE_ALLOY_CONDUCTIVITY, SIGE_ALLOY_SOURCE
    else:
        k_alloy = None
    swept = None if sweep_periods is None else _checks.length_sweep(sweep_periods, "sweep_periods")

    k_a, k_b = float(src_a.at(t)), float(src_b.at(t))
    r_ab, r_ba = float(src_ab.at(t)), float(src_ba.at(t))
    r_c = 0.0 if src_c is None else float(src_c.at(t))
    period = d_a + d_b
    x = d_a / period
    s = x / k_a + (1 - x) / k_b  # layer resistance per metre of period, m K W^-1
    r2 = r_ab + r_ba
    total = n * (period * s + r2) + 2 * r_c
    k_eff = n * period / total
    p_c = r2 / s
    p_alloy = None
    if k_alloy is not None and k_alloy * s < 1:
        p_alloy = k_alloy * (r2 + 2 * r_c / n) / (1 - k_alloy * s)
    if swept is None:
        swept = _checks.around(p_c if p_c > 0 else period)
    sweep_k = n * swept / (n * (swept * s + r2) + 2 * r_c)
    labels = (src_a.label, src_b.label, src_ab.label, src_ba.label, "" if src_c is None else src_c.label, alloy_label)
    return SuperlatticeResult(
        temperature=t,
        periods=n,
        thickness_a=d_a,
        thickness_b=d_b,
        conductivity_a=k_a,
        conductivity_b=k_b,
        resistance_ab=r_ab,
        resistance_ba=r_ba,
        contact_resistance=r_c,
        effective_conductivity=k_eff,
        total_resistance=total,
        interface_share=(n * r2 + 2 * r_c) / total,
        layer_conductivity=1.0 / s,
        critical_period=p_c,
        alloy_conductivity=k_alloy,
        alloy_period=p_alloy,
        sweep_period=swept,
        sweep_conductivity=sweep_k,
        labels=labels,
    )
