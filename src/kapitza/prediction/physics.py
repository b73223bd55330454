"""The physics of one interface beyond each model's G(T), computed once for :func:`kapitza.predict`: the shipped
measurements of the pair near the temperatures and how many of them exceed the elastic phonon radiation limit at
their own temperature (:class:`RadiationLimitCheck`: a measurement above it needs inelastic scattering; Swartz &
Pohl, Rev. Mod. Phys. 61, 605 (1989); Hopkins, J. Appl. Phys. 106, 013528 (2009)), the expected range of a
solid/helium pair (:class:`HeliumRange`), and the temperatures of a G(T) figure.  :func:`pair_physics` gathers them
with every model's result, the electronic parts and, with full dispersion, the shares of G by band, all from one
:class:`~kapitza.prediction.settings.Settings` and one pair of bulk spectra.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .. import landauer
from ..errors import InputError
from ..io.results import result
from ..literature import DEFAULT_WINDOW, Measurements, measurements_for
from ..materials import Material
from ..materials.conductivity import conductivity_or_nan
from ..phonons.debye import SINE_CUTOFFS
from ..transmission.electronic import series_conductance
from ..transmission.limit import radiation_limit
from .api import build_spectra, conductance_result, model_channels, resolve_sides
from .bounds import check_bounds
from .interface import ElectronicParts, electronic_parts
from .registry import get_model
from .settings import Progress, Settings, SideSpec
from .shares import ConductanceShares, conductance_shares

__all__ = [
    "HELIUM_MEASURED",
    "MEZHOV_DEGLIN_REFERENCE",
    "PLOT_CRYOGENIC_RANGE",
    "PLOT_POINTS",
    "PLOT_RANGE",
    "SWARTZ_POHL_REFERENCE",
    "HeliumRange",
    "RadiationLimitCheck",
    "comparison_plot_temperatures",
    "conductivity_gaps",
    "helium_range",
    "measured_summary",
    "pair_physics",
    "plot_temperatures",
    "radiation_limit_check",
]


@result
class RadiationLimitCheck:
    """How many measured conductances exceed the elastic phonon radiation limit at their own temperature.

    Attributes
    ----------
    count : int
        Measured values (at T > 0) above the limit.
    of : int
        Measured values looked at (all rows, T = 0 rows included).
    max_ratio : float or None
        The largest measured / limit among those above it; None when none is above (or the ratio is infinite).
    """

    count: int
    of: int
    max_ratio: float | None


def radiation_limit_check(
    spectra: tuple[Any, Any], rows: Measurements, statistics: str = "bose-einstein"
) -> RadiationLimitCheck:
    """Compare measured conductances with the elastic radiation limit on two ready bulk spectra.

    Parameters
    ----------
    spectra : (ChannelSpectrum, ChannelSpectrum)
        Bulk spectra of side 1 and side 2 (Debye or full dispersion), as :func:`build_spectra` gives them.
    rows : Measurements
        The measurements (W m^-2 K^-1 at their temperature in K).
    statistics : {"bose-einstein", "classical"}

    The limit has no inelastic channel: it is the most elastic scattering can carry.
    """
    positive = rows.temperature > 0
    measured = rows.conductance[positive]
    if not measured.size:
        return RadiationLimitCheck(count=0, of=len(rows), max_ratio=None)
    t = landauer.as_temperatures(rows.temperature[positive])
    limit = landauer.conductance(radiation_limit(*spectra), t, statistics).conductance  # type: ignore[arg-type]
    ratio = np.divide(measured, limit, out=np.full(measured.shape, np.inf), where=limit > 0)
    over = ratio > 1
    worst = float(ratio.max())
    return RadiationLimitCheck(
        count=int(over.sum()), of=len(rows), max_ratio=worst if over.any() and math.isfinite(worst) else None
    )


#: Temperature span (K) of a G(T) figure when the requested temperatures span less than a decade.
PLOT_RANGE = (1.0, 1000.0)
#: The same for an interface with a fluid (liquid helium): the Kapitza resistance's own cryogenic range.
PLOT_CRYOGENIC_RANGE = (0.05, 2.0)
#: Points of the dense G(T) grid of :func:`plot_temperatures` (log-spaced).
PLOT_POINTS = 200


def plot_temperatures(requested: ArrayLike, side1: Material, side2: Material) -> NDArray[np.float64]:
    """A dense log-spaced grid of temperatures (K, ascending, read-only) for a G(T) figure.

    The span of the requested temperatures (K) when their positive ones cover a decade or more; otherwise
    :data:`PLOT_RANGE`, or :data:`PLOT_CRYOGENIC_RANGE` when either side is a fluid.  :data:`PLOT_POINTS`
    points, end points included.
    """
    t = np.asarray(requested, dtype=float).ravel()
    positive = t[t > 0]
    if positive.size and positive.max() / positive.min() >= 10:
        lo, hi = float(positive.min()), float(positive.max())
    else:
        lo, hi = PLOT_CRYOGENIC_RANGE if (side1.is_fluid or side2.is_fluid) else PLOT_RANGE
    grid = np.geomspace(lo, hi, PLOT_POINTS)
    grid.flags.writeable = False
    return grid


def comparison_plot_temperatures(requested: ArrayLike, side1: Material, side2: Material) -> NDArray[np.float64]:
    """Temperatures (K, ascending, distinct, read-only) of the Debye / full-dispersion comparison figure.

    Every fourth point of :func:`plot_temperatures` (a full-dispersion G(T) costs more per point) joined with
    the requested temperatures, so that the figure passes through the numbers the table prints.
    """
    t = np.asarray(requested, dtype=float).ravel()
    grid = np.union1d(plot_temperatures(t, side1, side2)[::4], t)
    grid.flags.writeable = False
    return grid


def conductivity_gaps(material: Material, *temperatures: ArrayLike) -> NDArray[np.float64]:
    """The distinct temperatures (K, ascending, read-only) at which ``material`` has no kappa(T).

    ``temperatures``: one or more arrays of temperatures in K (any shapes; e.g. each model's
    ``ConductanceResult.temperature``), pooled.  A database material with a kappa(T) table has none outside
    the table (:func:`~kapitza.materials.conductivity.conductivity_or_nan` gives NaN there, no extrapolation);
    a material with one conductivity has no gap.  Raises InputError for a material without a conductivity.
    """
    pooled = [np.asarray(t, dtype=float).ravel() for t in temperatures]
    t = np.unique(np.concatenate(pooled)) if pooled else np.zeros(0)
    gaps = t[np.isnan(conductivity_or_nan(material, t))]
    gaps.flags.writeable = False
    return gaps


def measured_summary(rows: Measurements, window: float = DEFAULT_WINDOW) -> dict[str, Any]:
    """Count, papers, temperature span (K), G range (W m^-2 K^-1) and methods of measured rows, and how many of
    them lie above the physical upper bound of their pair (:func:`~kapitza.prediction.bounds.check_bounds`)."""
    return {
        "count": len(rows),
        "papers": rows.references,
        "window": window,
        "temperature_k": [float(rows.temperature.min()), float(rows.temperature.max())],
        "conductance_w_m2k": [float(rows.conductance.min()), float(rows.conductance.max())],
        "methods": sorted({m or "method not given" for m in rows.method}),
        "above_physical_bound": int(np.count_nonzero(check_bounds(rows).above)),
    }


#: The abstract that places measured solid/helium resistances against the acoustic mismatch value.
MEZHOV_DEGLIN_REFERENCE = (
    'L. P. Mezhov-Deglin, "Kapitza resistance at a solid helium-copper interface under heavy thermal loads" '
    "(Plenum Press, New York, 1977), doi:10.1007/978-1-4684-2418-8_36"
)
#: The review whose abstract gives the reduction by diffuse scattering.
SWARTZ_POHL_REFERENCE = "E. T. Swartz and R. O. Pohl, Rev. Mod. Phys. 61, 605 (1989)"
#: What the two abstracts say, as the helium range's caveat (their words, not kapitza's numbers).
HELIUM_MEASURED = (
    "measured values depend on how the surface was prepared: measured Kapitza resistances lie one to two orders of "
    f"magnitude below the acoustic mismatch value ({MEZHOV_DEGLIN_REFERENCE}, abstract: solid helium on copper, "
    "0.45-1.5 K), and diffuse scattering lowers the resistance of helium on a solid by typically over two orders of "
    f"magnitude ({SWARTZ_POHL_REFERENCE}, abstract: the Kapitza resistance is very sensitive to the condition of the "
    "interface)"
)


@result
class HeliumRange:
    """The expected range of a solid/helium interface: the AMM (clean, specular) and the DMM (diffuse) as its ends.

    Attributes
    ----------
    solid, fluid : str
        The solid and the helium side.
    temperature : ndarray, shape (n_T,)
        K.
    amm, dmm : ndarray, shape (n_T,)
        The interface's conductance under the full-elasticity AMM and under the DMM, W m^-2 K^-1, as ``predict``
        reports it (in series with the metal's electron-phonon conductance where that is stored).
    references : tuple of str
        The sources of :attr:`text`.
    text : str
        What measured values do against the two ends (the abstracts of the references).
    """

    solid: str
    fluid: str
    temperature: NDArray[np.float64]
    amm: NDArray[np.float64]
    dmm: NDArray[np.float64]
    references: tuple[str, ...] = (MEZHOV_DEGLIN_REFERENCE, SWARTZ_POHL_REFERENCE)
    text: str = HELIUM_MEASURED

    _summary_fields: ClassVar[tuple[str, ...]] = ("solid", "fluid", "temperature", "amm", "dmm")

    @property
    def resistance_amm(self) -> NDArray[np.float64]:
        """R under the AMM, m^2 K W^-1 (the high end), shape (n_T,); inf where G = 0."""
        return _reciprocal_or_inf(self.amm)

    @property
    def resistance_dmm(self) -> NDArray[np.float64]:
        """R under the DMM, m^2 K W^-1 (the low end), shape (n_T,); inf where G = 0."""
        return _reciprocal_or_inf(self.dmm)

    def resistance_t3(self, end: str) -> NDArray[np.float64]:
        """R T^3 of one end ("amm" or "dmm"), m^2 K^4 W^-1, shape (n_T,); NaN at T = 0 (R = inf)."""
        if end not in ("amm", "dmm"):
            raise InputError(f"end= must be 'amm' or 'dmm', got {end!r}")
        r = self.resistance_amm if end == "amm" else self.resistance_dmm
        out = np.full(self.temperature.shape, np.nan)
        positive = self.temperature > 0
        out[positive] = r[positive] * self.temperature[positive] ** 3
        return out

    def to_document(self) -> dict[str, Any]:
        """SI values for ``predict --json`` (``helium_range``)."""
        return {
            "solid": self.solid,
            "fluid": self.fluid,
            "temperature": self.temperature.tolist(),
            "conductance_amm": self.amm.tolist(),
            "conductance_dmm": self.dmm.tolist(),
            "resistance_amm": self.resistance_amm.tolist(),
            "resistance_dmm": self.resistance_dmm.tolist(),
            "resistance_t3_amm": self.resistance_t3("amm").tolist(),
            "resistance_t3_dmm": self.resistance_t3("dmm").tolist(),
            "ends": "AMM (clean, specular interface: the highest R) and DMM (diffuse scattering: the lowest R)",
            "measured": self.text,
            "references": list(self.references),
        }


def _reciprocal_or_inf(g: NDArray[np.float64]) -> NDArray[np.float64]:
    out = np.full(g.shape, np.inf)
    np.divide(1.0, g, out=out, where=g > 0)
    return out


def helium_range(
    m1: Material,
    m2: Material,
    spectra: tuple[Any, Any],
    settings: Settings,
    temperature: NDArray[np.float64],
    parts: ElectronicParts | None = None,
) -> HeliumRange | None:
    """The AMM-DMM range of a solid/helium pair on ready Debye spectra (K; None when not a solid/fluid pair).

    Parameters
    ----------
    m1, m2 : Material
        The two sides (heat flows 1 -> 2); exactly one must be a fluid for a range.
    spectra : (ChannelSpectrum, ChannelSpectrum)
        Their bulk spectra (:func:`build_spectra`), shared with the prediction.
    settings : Settings
        The prediction's settings (statistics, inelastic channel); the AMM needs a linear Debye cutoff.
    temperature : ndarray, shape (n_T,)
        K.
    parts : ElectronicParts, optional
        The electronic parts of the pair: where the metal's electron-phonon conductance is stored, each end is in
        series with it, as ``predict`` reports the interface.

    Raises
    ------
    InputError
        A sine cutoff (the AMM is a continuum model) or full dispersion.
    """
    fluids = [m.is_fluid for m in (m1, m2)]
    if sum(fluids) != 1:
        return None
    ends = []
    for name in ("amm", "dmm"):
        info = get_model(name, settings.dispersion)
        channels = model_channels(info, m1, m2, spectra, settings)
        g_phonon = conductance_result(info, m1, m2, channels, temperature, settings).conductance
        g = np.array(g_phonon, dtype=float)
        if parts is not None and parts.electron_phonon is not None:
            positive = g > 0  # G = 0 at T = 0 stays 0 in series
            g = np.where(positive, 0.0, g)
            g[positive] = series_conductance(g_phonon[positive], parts.electron_phonon)
        ends.append(g)
    solid, fluid = (m2, m1) if fluids[0] else (m1, m2)
    return HeliumRange(solid=solid.name, fluid=fluid.name, temperature=temperature, amm=ends[0], dmm=ends[1])


def pair_physics(
    side1: SideSpec,
    side2: SideSpec,
    temperature: NDArray[np.float64],
    models: Sequence[str],
    settings: Settings,
    *,
    measured: bool = True,
    window: float = DEFAULT_WINDOW,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Every model of ``models`` on one pair of spectra, the electronic parts, the measured rows near the temperatures
    (K, checked, shape (n_T,)) and their check against the radiation limit, the helium range: the physics fields of a
    :class:`~kapitza.prediction.answer.Prediction`, by name (its notes are the presenter's).

    ``side1``, ``side2``: as :func:`~kapitza.prediction.api.resolve_sides` takes them (a calculator in ``settings``
    builds them from their structures); ``measured``: look up the shipped measurements (both sides database
    materials); ``window``: relative temperature window of the measured rows."""
    infos = [get_model(name, settings.dispersion) for name in models]
    m1, m2, given = resolve_sides(side1, side2, settings, progress=progress)
    spectra = build_spectra(m1, m2, settings, given=given, progress=progress)
    t = temperature
    channels = [model_channels(info, m1, m2, spectra, settings) for info in infos]
    results = tuple(conductance_result(info, m1, m2, c, t, settings) for info, c in zip(infos, channels))
    shares: tuple[ConductanceShares, ...] = ()
    if settings.dispersion == "phonopy":
        shares = tuple(conductance_shares(c, t, statistics=settings.statistics) for c in channels)
    parts = electronic_parts(m1, m2, t, results)
    rows, over, layered = None, None, 0
    if measured and m1.origin == "database" and m2.origin == "database":
        every = measurements_for(m1, m2, t, window, interlayers=True)  # the records: no second lookup
        found = every.select(~every.interlayer)
        rows = found if len(found) else None
        layered = len(every) - len(found)
    if rows is not None and parts.kind != "metal/metal":  # at metal/metal the electrons carry far more anyway
        over = radiation_limit_check(spectra, rows, settings.statistics)
    helium = None
    if settings.dispersion == "debye" and settings.cutoff not in SINE_CUTOFFS:  # the AMM takes linear spectra only
        helium = helium_range(m1, m2, spectra, settings, t, parts)
    return {
        "side1": m1,
        "side2": m2,
        "temperature": t,
        "settings": settings,
        "results": results,
        "electronic": parts,
        "measured": rows,
        "interlayer_rows": layered,
        "radiation_limit": over,
        "shares": shares,
        "spectra": spectra,
        "window": window,
        "helium": helium,
    }
