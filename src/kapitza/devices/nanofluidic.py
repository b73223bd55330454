r"""Nanofluidic heat exchanger: convection + wall + two solid-liquid (Kapitza) interfaces in series.

Two liquids flow in parallel-plate channels of heights H_1 and H_2 on either side of a wall of
thickness t_w and conductivity k_w.  Per unit area the resistances add in series:

    1/U = 1/h_1 + R_1 + t_w/k_w + R_2 + 1/h_2,

where R_1, R_2 are the solid-liquid boundary resistances and h_i the convective coefficients of
fully developed laminar flow, h = Nu k_f / D_h with the hydraulic diameter D_h = 2 H of a
parallel-plate channel.  Nusselt numbers (R. K. Shah and A. L. London, "Laminar Flow Forced
Convection in Ducts", Academic Press, 1978; also Incropera & DeWitt, "Fundamentals of Heat and Mass
Transfer", table 8.1 and 8.3):

==========================  ======  ==========================================
``"temperature"``           7.541   both walls at a uniform temperature
``"flux"``                  8.235   both walls at a uniform heat flux
``"one-side-temperature"``  4.861   one wall at uniform T, the other insulated
``"one-side-flux"``         5.385   one wall at uniform flux, the other insulated
==========================  ======  ==========================================

Since 1/h = 2 H / (Nu k_f) shrinks with H while R does not, the interfaces take over in narrow
channels: the two convective terms equal the two boundary terms at

    H* = (R_1 + R_2) / (2/(Nu_1 k_f1) + 2/(Nu_2 k_f2))      (= Nu k_f R / 2 for identical sides),

a few Kapitza lengths L_K = k_f R.  Seed 002 (applications): "the overall heat transfer is a
combination of convection in the fluid, conduction through the membrane, and the Kapitza resistance
at the two solid-liquid interfaces. At these small scales, the interfacial resistance can be a major
bottleneck".  Default R = 1e-8 m^2 K W^-1: water on hydrophilic solids has Kapitza lengths of
3-6 nm (G ~ 100-200 MW m^-2 K^-1 with k_water = 0.6), hydrophobic ones 10-12 nm (Z. Ge, D. G. Cahill
and P. V. Braun, Phys. Rev. Lett. 96, 186101 (2006)).

Validity: continuum convection with no-slip walls; below ~10 nm (a few molecular layers) slip,
layering and the breakdown of the Nusselt correlation make h itself uncertain, so H* is a scale,
not a prediction.  R is evaluated at ``temperature``.

Units: m, W m^-1 K^-1, W m^-2 K^-1, m^2 K W^-1, K.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from .. import _checks
from ..errors import InputError
from ..io.results import result
from .sources import conductivity_source, resistance_source

__all__ = [
    "NUSSELT",
    "Exchanger",
    "ExchangerResult",
    "ExchangerSweep",
    "exchanger_sweep",
    "nanofluidic_exchanger",
    "nusselt_number",
]

#: Fully developed laminar Nusselt numbers of a parallel-plate channel (Shah & London 1978).
NUSSELT = {
    "temperature": 7.541,
    "flux": 8.235,
    "one-side-temperature": 4.861,
    "one-side-flux": 5.385,
}
#: Names of the five series terms, in order from liquid 1 to liquid 2.
TERMS = ("convection 1", "interface 1", "wall", "interface 2", "convection 2")


def nusselt_number(spec: Any) -> float:
    """Nu from a name of :data:`NUSSELT` or a number (> 0)."""
    if isinstance(spec, str):
        key = spec.strip().lower()
        if key in NUSSELT:
            return NUSSELT[key]
        try:
            spec = float(key)
        except ValueError:
            raise InputError(f"nusselt= is a number or one of {', '.join(NUSSELT)}, got {spec!r}") from None
    try:
        nu = float(spec)
    except (TypeError, ValueError):
        raise InputError(f"nusselt= is a number or one of {', '.join(NUSSELT)}, got {spec!r}") from None
    if not math.isfinite(nu) or nu <= 0:
        raise InputError(f"a Nusselt number must be finite and > 0, got {nu:g}")
    return nu


def _heights(values: Any, name: str) -> NDArray[np.float64]:
    try:
        arr = np.atleast_1d(np.asarray(values, dtype=float))
    except (TypeError, ValueError):
        raise InputError(f"{name} must be numbers (m), got {values!r}") from None
    if arr.ndim != 1 or arr.size == 0 or arr.size > 1_000_000:
        raise InputError(f"{name} must be one height or a 1D list of up to 1,000,000 heights (m)")
    ok = np.isfinite(arr) & (arr > 0)
    if not np.all(ok):
        raise InputError(f"{name} channel heights must be finite and > 0 m, got {float(arr[~ok][0]):g}")
    ok = (arr >= _checks.MIN_LENGTH) & (arr <= _checks.MAX_LENGTH)
    if not np.all(ok):
        raise InputError(
            f"{name} channel heights must be {_checks.MIN_LENGTH:g} to {_checks.MAX_LENGTH:g} m (a tenth of a bond "
            f"to larger than any device), got {float(arr[~ok][0]):g}"
        )
    return arr


class _Sides:
    """Validated inputs shared by the single-height and sweep functions."""

    def __init__(
        self,
        fluid_conductivity: Any,
        fluid_conductivity_2: Any,
        wall_thickness: Any,
        wall_conductivity: Any,
        resistance: Any,
        resistance_2: Any,
        nusselt: Any,
        nusselt_2: Any,
        temperature: Any,
    ) -> None:
        s1 = resistance_source(resistance)
        s2 = s1 if resistance_2 is None else resistance_source(resistance_2)
        k1 = conductivity_source(fluid_conductivity)
        k2 = k1 if fluid_conductivity_2 is None else conductivity_source(fluid_conductivity_2)
        kw = conductivity_source(wall_conductivity)
        self.t = _checks.temperature(temperature, "temperature=")
        self.nu1 = nusselt_number(nusselt)
        self.nu2 = self.nu1 if nusselt_2 is None else nusselt_number(nusselt_2)
        self.wall_thickness = _checks.length(wall_thickness, "wall_thickness=", zero=True)
        self.k1, self.k2, self.kw = float(k1.at(self.t)), float(k2.at(self.t)), float(kw.at(self.t))
        self.r1, self.r2 = float(s1.at(self.t)), float(s2.at(self.t))
        self.labels = (s1.label, s2.label)
        self.wall = self.wall_thickness / self.kw

    def crossover(self) -> float:
        """H* (m) where 1/h_1 + 1/h_2 = R_1 + R_2 for H_1 = H_2 = H (0 without interfaces)."""
        return (self.r1 + self.r2) / (2.0 / (self.nu1 * self.k1) + 2.0 / (self.nu2 * self.k2))

    def terms(self, h1: NDArray[np.float64], h2: NDArray[np.float64]) -> NDArray[np.float64]:
        """Shape (n, 5): the series resistances (m^2 K W^-1) for channel heights h1, h2 (m)."""
        conv1 = 2.0 * h1 / (self.nu1 * self.k1)
        conv2 = 2.0 * h2 / (self.nu2 * self.k2)
        n = conv1.size
        return np.column_stack([conv1, np.full(n, self.r1), np.full(n, self.wall), np.full(n, self.r2), conv2])


@result
class ExchangerResult:
    """Overall heat-transfer coefficient of one exchanger and each term's share.

    Attributes
    ----------
    channel_height_1, channel_height_2 : float
        H_1, H_2, m.
    h_1, h_2 : float
        Convective coefficients Nu k_f / (2 H), W m^-2 K^-1.
    nusselt_1, nusselt_2 : float
        Nusselt numbers used.
    fluid_conductivity_1, fluid_conductivity_2, wall_conductivity : float
        W m^-1 K^-1.
    wall_thickness : float
        m.
    resistance_1, resistance_2 : float
        Solid-liquid boundary resistances, m^2 K W^-1.
    resistance_labels : tuple of str
        Where they came from.
    temperature : float
        K, where R and the conductivities were evaluated.
    term_names : tuple of str
        :data:`TERMS`.
    terms : tuple of float
        The five series resistances, m^2 K W^-1.
    shares : tuple of float
        Their shares of 1/U (sum 1).
    U : float
        Overall coefficient, W m^-2 K^-1.
    U_without_interfaces : float
        U with R_1 = R_2 = 0, W m^-2 K^-1.
    kapitza_lengths : tuple of float
        k_f R on each side, m.
    crossover_height : float
        H* (both channels H) where the interfaces weigh as much as convection, m.
    """

    channel_height_1: float
    channel_height_2: float
    h_1: float
    h_2: float
    nusselt_1: float
    nusselt_2: float
    fluid_conductivity_1: float
    fluid_conductivity_2: float
    wall_conductivity: float
    wall_thickness: float
    resistance_1: float
    resistance_2: float
    resistance_labels: tuple[str, str]
    temperature: float
    term_names: tuple[str, ...]
    terms: tuple[float, ...]
    shares: tuple[float, ...]
    U: float
    U_without_interfaces: float
    kapitza_lengths: tuple[float, float]
    crossover_height: float

    _summary_fields: ClassVar[tuple[str, ...]] = ("channel_height_1", "U", "U_without_interfaces", "crossover_height")


@result
class ExchangerSweep:
    """U and the terms' shares vs channel height (both channels alike).

    Attributes
    ----------
    channel_height : ndarray, shape (n,)
        H, m.
    U, U_without_interfaces : ndarray, shape (n,)
        W m^-2 K^-1.
    terms, shares : ndarray, shape (n, 5)
        Series resistances (m^2 K W^-1) and their shares of 1/U, columns in :data:`TERMS` order.
    term_names : tuple of str
    crossover_height : float
        H*, m.
    resistance_1, resistance_2, wall_thickness, wall_conductivity, fluid_conductivity_1,
    fluid_conductivity_2, nusselt_1, nusselt_2, temperature : float
        The inputs (SI).
    resistance_labels : tuple of str
    """

    channel_height: NDArray[np.float64]
    U: NDArray[np.float64]
    U_without_interfaces: NDArray[np.float64]
    terms: NDArray[np.float64]
    shares: NDArray[np.float64]
    term_names: tuple[str, ...]
    crossover_height: float
    resistance_1: float
    resistance_2: float
    wall_thickness: float
    wall_conductivity: float
    fluid_conductivity_1: float
    fluid_conductivity_2: float
    nusselt_1: float
    nusselt_2: float
    temperature: float
    resistance_labels: tuple[str, str]

    _summary_fields: ClassVar[tuple[str, ...]] = ("channel_height", "U", "crossover_height")


@dataclass(frozen=True)
class Exchanger:
    """The exchanger besides its channel heights, one record: :func:`nanofluidic_exchanger` and
    :func:`exchanger_sweep` take it (or its fields by keyword), where each had its own copy of the nine keywords.
    Each field is described under their *Parameters*; the values are checked when the exchanger is computed."""

    fluid_conductivity: Any = 0.6
    fluid_conductivity_2: Any = None
    wall_thickness: float = 20e-9
    wall_conductivity: Any = 1.4
    resistance: Any = 1e-8
    resistance_2: Any = None
    nusselt: Any = "temperature"
    nusselt_2: Any = None
    temperature: float = 300.0

    @classmethod
    def of(cls, exchanger: Exchanger | None, given: Mapping[str, Any], what: str) -> Exchanger:
        """``exchanger`` (default: the defaults) with ``given`` (its fields by keyword) put in."""
        return _checks.settings_record(cls, exchanger, dict(given), "exchanger", f" of {what}; its settings")

    def sides(self) -> _Sides:
        """Its inputs checked and evaluated at its temperature."""
        return _Sides(*(getattr(self, f.name) for f in fields(self)))


_DOC_PARAMETERS = """
    exchanger : Exchanger, optional
        The settings below as one record; each may also be given by keyword (put into ``exchanger``).
    fluid_conductivity, fluid_conductivity_2 : float, str or ConductivitySource
        k_f of liquid 1 and 2, W m^-1 K^-1 (or a material name); liquid 2 defaults to liquid 1.
        Default 0.6 (water near 300 K).
    wall_thickness : float
        t_w, m (>= 0). Default 20 nm (a thin membrane).
    wall_conductivity : float, str or ConductivitySource
        k_w, W m^-1 K^-1 or a material name. Default 1.4 (SiO2 membrane).
    resistance, resistance_2 : float, str or ResistanceSource
        Solid-liquid boundary resistances on side 1 and 2, m^2 K W^-1, or any spec of
        :func:`kapitza.devices.sources.resistance_source`; side 2 defaults to side 1.
    nusselt, nusselt_2 : str or float
        A name of :data:`NUSSELT` or a number; side 2 defaults to side 1.
    temperature : float
        K, where R and the conductivities are evaluated.
"""


def nanofluidic_exchanger(
    channel_height: float,
    *,
    channel_height_2: float | None = None,
    exchanger: Exchanger | None = None,
    **given: Any,
) -> ExchangerResult:
    """Overall heat-transfer coefficient U of a two-liquid exchanger with a wall between them.

    Parameters
    ----------
    channel_height : float
        H_1, m (> 0).
    channel_height_2 : float, optional
        H_2, m; default H_1.
    """
    sides = Exchanger.of(exchanger, given, "nanofluidic_exchanger").sides()
    h1 = _heights(channel_height, "channel_height=")
    h2 = h1 if channel_height_2 is None else _heights(channel_height_2, "channel_height_2=")
    if h1.size != 1 or h2.size != 1:
        raise InputError("nanofluidic_exchanger takes one height per side; use exchanger_sweep for many")
    terms = sides.terms(h1, h2)[0]
    total = float(terms.sum())
    bare = total - sides.r1 - sides.r2
    return ExchangerResult(
        channel_height_1=float(h1[0]),
        channel_height_2=float(h2[0]),
        h_1=1.0 / float(terms[0]),
        h_2=1.0 / float(terms[4]),
        nusselt_1=sides.nu1,
        nusselt_2=sides.nu2,
        fluid_conductivity_1=sides.k1,
        fluid_conductivity_2=sides.k2,
        wall_conductivity=sides.kw,
        wall_thickness=sides.wall_thickness,
        resistance_1=sides.r1,
        resistance_2=sides.r2,
        resistance_labels=sides.labels,
        temperature=sides.t,
        term_names=TERMS,
        terms=tuple(float(x) for x in terms),
        shares=tuple(float(x) / total for x in terms),
        U=1.0 / total,
        U_without_interfaces=1.0 / bare,
        kapitza_lengths=(sides.k1 * sides.r1, sides.k2 * sides.r2),
        crossover_height=sides.crossover(),
    )


def exchanger_sweep(
    channel_heights: Any,
    *,
    exchanger: Exchanger | None = None,
    **given: Any,
) -> ExchangerSweep:
    """U and the shares of each term vs channel height H (both channels H).

    Parameters
    ----------
    channel_heights : array_like, shape (n,)
        H, m (each > 0).
    """
    sides = Exchanger.of(exchanger, given, "exchanger_sweep").sides()
    h = _heights(channel_heights, "channel_heights=")
    terms = sides.terms(h, h)
    total = terms.sum(axis=1)
    bare = total - sides.r1 - sides.r2
    return ExchangerSweep(
        channel_height=h,
        U=1.0 / total,
        U_without_interfaces=1.0 / bare,
        terms=terms,
        shares=terms / total[:, None],
        term_names=TERMS,
        crossover_height=sides.crossover(),
        resistance_1=sides.r1,
        resistance_2=sides.r2,
        wall_thickness=sides.wall_thickness,
        wall_conductivity=sides.kw,
        fluid_conductivity_1=sides.k1,
        fluid_conductivity_2=sides.k2,
        nusselt_1=sides.nu1,
        nusselt_2=sides.nu2,
        temperature=sides.t,
        resistance_labels=sides.labels,
    )


nanofluidic_exchanger.__doc__ = (nanofluidic_exchanger.__doc__ or "") + _DOC_PARAMETERS
exchanger_sweep.__doc__ = (exchanger_sweep.__doc__ or "") + _DOC_PARAMETERS
