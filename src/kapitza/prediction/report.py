"""Everything ``kapitza predict`` reports about one interface, computed once: :func:`predict_interface`.

One call gives, for two materials and a set of temperatures, what the command line prints:

* G(T) of every model (:class:`~kapitza.prediction.api.ConductanceResult`), all from one
  :class:`~kapitza.prediction.settings.Settings` and one pair of bulk spectra (built once, shared by
  the models, the radiation-limit check and the shares);
* the electronic parts (:func:`~kapitza.prediction.interface.electronic_parts`): the electron-phonon
  resistance in series at a metal/non-metal interface, the electronic DMM at metal/metal;
* the shipped measurements of the pair near the temperatures, and how many of them exceed the
  elastic phonon radiation limit at their own temperature (:class:`RadiationLimitCheck`): a
  measurement above it needs inelastic scattering (Swartz & Pohl, Rev. Mod. Phys. 61, 605 (1989);
  Hopkins, J. Appl. Phys. 106, 013528 (2009));
* with full dispersion, the shares of G by incident band and by frequency band.

:meth:`InterfacePrediction.to_dict` is the document ``kapitza predict --json`` prints (SI units;
non-finite numbers as the strings "inf" and "nan", :func:`kapitza.io.results.dumps`).
:meth:`InterfacePrediction.interface_conductance` is the number the command reports as the
interface's conductance; :func:`kapitza.conductance` with ``electrons=True`` returns it.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .. import landauer
from .._version import __version__
from ..errors import InputError
from ..io.results import result, to_jsonable
from ..literature import DEFAULT_WINDOW, Measurements, measurements_for
from ..materials import Material
from ..materials.conductivity import conductivity_or_nan
from ..materials.electrons import list_electron_metals
from ..phonons.debye import SINE_CUTOFFS
from ..transmission.electronic import series_conductance
from ..transmission.limit import radiation_limit
from ..units import rad_s_to_thz
from .api import (
    ConductanceResult,
    build_spectra,
    conductance_result,
    imply_full_dispersion,
    model_channels,
    resolve_sides,
)
from .bounds import check_bounds
from .comparison import DebyeComparison
from .interface import (
    ELECTRON_PHONON_REFERENCE,
    ELECTRONIC_DMM_REFERENCE,
    SERIES_KINDS,
    ElectronicParts,
    electronic_parts,
    interface_kind,
)
from .registry import default_models, get_model
from .settings import Progress, Settings, SideSpec, check_temperature_bound
from .shares import ConductanceShares, conductance_shares

__all__ = [
    "HELIUM_MEASURED",
    "HeliumRange",
    "InterfacePrediction",
    "RadiationLimitCheck",
    "PLOT_CRYOGENIC_RANGE",
    "PLOT_RANGE",
    "comparison_document",
    "comparison_plot_temperatures",
    "conductivity_gaps",
    "helium_range",
    "measured_summary",
    "plot_temperatures",
    "predict_interface",
    "radiation_limit_check",
    "shares_document",
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


def shares_document(found: ConductanceShares) -> dict[str, Any]:
    """Shares of G by incident band of side 1 and by frequency band (fractions of G), band edges in THz."""
    return {
        "by_branch": {k: v.tolist() for k, v in zip(found.labels, found.fractions("branch"))},
        "frequency_band_edges_THz": rad_s_to_thz(found.band_edges).tolist(),
        "by_frequency_band": found.fractions("band").tolist(),
    }


def comparison_document(comparisons: Sequence[DebyeComparison]) -> dict[str, Any]:
    """Debye / full-dispersion comparisons (SI) with shares and dG/domega: ``predict --compare-debye --json``."""
    c0 = comparisons[0]
    doc: dict[str, Any] = {"side1": c0.side1, "side2": c0.side2, "heat_flow": "side1 -> side2", "comparisons": []}
    for c in comparisons:
        doc["comparisons"].append(
            {
                "model": c.model,
                "temperature": c.temperature.tolist(),
                "conductance_debye": c.debye.conductance.tolist(),
                "conductance_full_dispersion": c.full.conductance.tolist(),
                "shares_debye": shares_document(c.debye),
                "shares_full_dispersion": shares_document(c.full),
                "omega": c.omega.tolist(),
                "dG_domega_debye": c.debye_spectral.tolist(),
                "dG_domega_full_dispersion": c.full_spectral.tolist(),
            }
        )
    doc["units"] = {"conductance": "W m^-2 K^-1", "omega": "rad/s", "dG_domega": "W m^-2 K^-1 (rad/s)^-1"}
    return doc


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


@result
class InterfacePrediction:
    """What ``kapitza predict`` reports for one interface: every model, the electrons, the measurements.

    Attributes
    ----------
    side1, side2 : Material
        Heat flows 1 -> 2.
    temperature : ndarray, shape (n_T,)
        K.
    settings : Settings
        The one set of settings every result was computed with.
    results : tuple of ConductanceResult, length n_models
        G_ph(T) of each phonon model.
    electronic : ElectronicParts
        Electron-phonon resistance in series (metal/non-metal) or the electronic DMM (metal/metal).
    measured : Measurements or None
        Shipped measurements of the bare pair within ``window`` of the temperatures (None: none, or a side is
        not a database material); stacks with a layer between the two are another interface, left out.
    interlayer_rows : int
        How many rows of the pair near the temperatures have such a layer (``kapitza measured A B
        --interlayers`` lists them).
    radiation_limit : RadiationLimitCheck or None
        The measurements against the elastic radiation limit (None without measurements, and at
        metal/metal interfaces, where electrons carry far more heat than phonons anyway).
    shares : tuple of ConductanceShares
        With full dispersion, G of each model split by band and frequency band; empty with Debye spectra.
    spectra : (ChannelSpectrum, ChannelSpectrum)
        The bulk spectra of the two sides, built once; :meth:`results_at` reuses them.
    window : float
        Relative temperature window of the measured rows.
    notes : tuple of str
        Where the temperatures leave the models' ground (:func:`validity_notes`): T = 0, above a side's melting
        point.
    helium : HeliumRange or None
        For a solid/helium pair on linear Debye spectra, the AMM and DMM as the two ends of the expected range,
        with what measured values do against them (:func:`helium_range`); None otherwise.
    """

    _summary_fields: ClassVar[tuple[str, ...]] = ("side1", "side2", "temperature", "models")
    #: :meth:`to_dict` is ``kapitza predict --json``'s document; :meth:`save` writes the fields (:func:`kapitza.load`).
    _to_dict_is_document: ClassVar[bool] = True

    side1: Material
    side2: Material
    temperature: NDArray[np.float64]
    settings: Settings
    results: tuple[ConductanceResult, ...]
    electronic: ElectronicParts
    measured: Measurements | None = None
    interlayer_rows: int = 0
    radiation_limit: RadiationLimitCheck | None = None
    shares: tuple[ConductanceShares, ...] = ()
    spectra: tuple[Any, Any] = dataclasses.field(default=(None, None), metadata={"saved": False})
    window: float = DEFAULT_WINDOW
    notes: tuple[str, ...] = ()
    helium: HeliumRange | None = None

    @property
    def models(self) -> tuple[str, ...]:
        """The phonon models, in the order of :attr:`results`."""
        return tuple(r.model for r in self.results)

    def results_at(self, temperature: ArrayLike) -> tuple[ConductanceResult, ...]:
        """G(T) of every model at other temperatures (K), on the same spectra and settings (nothing rebuilt)."""
        t = landauer.as_temperatures(temperature)
        check_temperature_bound(t)
        spectra = self.spectra
        if any(s is None for s in spectra):  # a prediction read back from a file: its spectra were not saved
            if self.settings.dispersion != "debye":
                raise InputError(
                    "the full-dispersion spectra are not saved with a prediction: predict the pair again for G at "
                    "other temperatures"
                )
            spectra = build_spectra(self.side1, self.side2, self.settings)
        out = []
        for r in self.results:
            info = get_model(r.model, self.settings.dispersion)
            channels = model_channels(info, self.side1, self.side2, spectra, self.settings)
            out.append(conductance_result(info, self.side1, self.side2, channels, t, self.settings))
        return tuple(out)

    def _index(self, model: str) -> int:
        key = get_model(model).name
        if key not in self.models:
            raise InputError(f"model {model!r} is not among {', '.join(self.models)}")
        return self.models.index(key)

    def reported_resistance(self, model: str) -> NDArray[np.float64]:
        """R in m^2 K W^-1 as ``predict``'s table shows it, shape (n_T,): 1/G_total where the interface has a
        series total (a metal and a non-metal, :attr:`ElectronicParts.total`), else the phonon model's 1/G
        (inf where G = 0)."""
        k = self._index(model)
        total = self.electronic.resistance_total
        return self.results[k].resistance if total is None else total[k]

    def reported_kapitza_length(self, model: str, side: int) -> NDArray[np.float64] | None:
        """L_K = kappa(T) R of side 1 or 2 with :meth:`reported_resistance`, m, shape (n_T,); None where that side
        has no bulk thermal conductivity, NaN outside its kappa(T) table (as ConductanceResult.kapitza_length)."""
        material = self.side1 if side == 1 else self.side2
        if material.thermal_conductivity is None:
            return None
        return self.reported_resistance(model) * conductivity_or_nan(material, self.temperature)

    def reported_resistance_t3(self, model: str) -> NDArray[np.float64]:
        """R T^3 in m^2 K^4 W^-1 with :meth:`reported_resistance`, shape (n_T,); NaN at T = 0 (R = inf)."""
        out = np.full(self.temperature.shape, np.nan)
        positive = self.temperature > 0
        out[positive] = self.reported_resistance(model)[positive] * self.temperature[positive] ** 3
        return out

    def interface_conductance(self, model: str) -> NDArray[np.float64]:
        """The interface's conductance under ``model`` as ``kapitza predict`` reports it, W m^-2 K^-1, shape (n_T,).

        Two non-metals: the phonon model's G.  A metal and a non-metal: G_ph in series with the metal's
        electron-phonon conductance, 1/(1/G_ph + 1/G_ep) (Majumdar & Reddy 2004).  Two metals: the
        electronic DMM (Gundrum, Cahill & Averback 2005), the same for every model (the phonon channel,
        in parallel, is left out as ``kapitza validate`` does).  InputError where the electron data
        that this needs are not stored (``electronic.missing`` says which).
        """
        k = self._index(model)
        parts = self.electronic
        if parts.kind == "non-metal/non-metal":
            return self.results[k].conductance
        if parts.kind == "metal/metal":
            if parts.electronic_dmm is None:
                raise InputError(f"{parts.side1}/{parts.side2}: {parts.missing}")
            return parts.electronic_dmm.conductance
        if parts.total is None:
            raise InputError(f"{parts.side1}/{parts.side2}: {parts.missing}")
        return parts.total_of(self.models[k])

    def to_dict(self) -> dict[str, Any]:
        """The ``kapitza predict --json`` document: exact SI values, non-finite ones as "inf"/"nan".

        Besides each model's phonon ``conductance``: the ``interface_kind``; for a metal/non-metal
        interface ``electron_phonon`` (G_ep and the metal's g, kappa_p) and per model
        ``conductance_electron_phonon``, ``conductance_total``, ``resistance_total`` and ``limited_by``;
        for metal/metal ``electronic_dmm``; ``electronic_missing`` (why a part could not be computed);
        ``measured`` (the summary of the shipped measurements near the temperatures, with
        ``above_radiation_limit``, or null; bare interfaces only), ``measured_interlayer_rows`` (rows of stacks
        with a layer between the two, left out); ``notes`` (where the temperatures leave the models' ground).
        """
        fluid = self.side1.is_fluid or self.side2.is_fluid
        units = {"temperature": "K", "conductance": "W m^-2 K^-1", "resistance": "m^2 K W^-1", "kapitza_length": "m"}
        if fluid:
            units["resistance_t3"] = "m^2 K^4 W^-1"
        doc: dict[str, Any] = {
            "kapitza_version": __version__,
            "side1": self.side1.name,
            "side2": self.side2.name,
            "heat_flow": "side1 -> side2",
            "units": units,
            "results": [self._entry(k, r, fluid) for k, r in enumerate(self.results)],
        }
        doc.update(_electronic_document(self.electronic))
        doc["measured"] = None
        if self.measured is not None:
            over = None if self.radiation_limit is None else self.radiation_limit.to_dict()
            doc["measured"] = {**measured_summary(self.measured, self.window), "above_radiation_limit": over}
        doc["measured_interlayer_rows"] = self.interlayer_rows
        doc["helium_range"] = None if self.helium is None else self.helium.to_document()
        doc["notes"] = list(self.notes)
        return to_jsonable(doc)

    def _entry(self, k: int, r: ConductanceResult, fluid: bool) -> dict[str, Any]:
        lengths = {
            m.name: None if m.thermal_conductivity is None else r.kapitza_length(side).tolist()
            for side, m in ((1, r.side1), (2, r.side2))
        }
        entry: dict[str, Any] = {
            "model": r.model,
            "settings": r.settings.to_dict(),
            "temperature": r.temperature.tolist(),
            "conductance": r.conductance.tolist(),
            "resistance": r.resistance.tolist(),
            "kapitza_length": lengths,
            "conductance_by_branch": {label: row.tolist() for label, row in zip(r.branch_labels, r.by_branch)},
        }
        if fluid:
            entry["resistance_t3"] = r.resistance_t3.tolist()
        parts = self.electronic
        if parts.total is not None:
            entry["conductance_phonon"] = entry["conductance"]
            entry["conductance_electron_phonon"] = [parts.electron_phonon] * r.temperature.size
            entry["conductance_total"] = parts.total[k].tolist()
            entry["resistance_total"] = parts.resistance_total[k].tolist()  # type: ignore[index]
            entry["limited_by"] = list(parts.limited_by[k])
        if self.shares:
            entry["shares"] = shares_document(self.shares[k])
        return entry


def _electronic_document(parts: ElectronicParts) -> dict[str, Any]:
    doc: dict[str, Any] = {"interface_kind": parts.kind, "electron_phonon": None, "electronic_dmm": None}
    if parts.electron_phonon is not None:
        doc["electron_phonon"] = {
            "metal": parts.metal,
            "conductance": parts.electron_phonon,
            "resistance": parts.electron_phonon_resistance,
            "coupling_w_m3k": parts.coupling,
            "kappa_phonon_w_mk": parts.kappa_phonon,
            "kappa_electron_w_mk": parts.kappa_electron,
            "reference": ELECTRON_PHONON_REFERENCE,
        }
    if parts.electronic_dmm is not None:
        edmm = parts.electronic_dmm
        doc["electronic_dmm"] = {
            "temperature": edmm.temperature.tolist(),
            "conductance": edmm.conductance.tolist(),
            "resistance": parts.electronic_dmm_resistance.tolist(),  # type: ignore[union-attr]
            "transmission_12": edmm.transmission_12,
            "reference": ELECTRONIC_DMM_REFERENCE,
            "note": edmm.note,
        }
    doc["electronic_missing"] = parts.missing or None
    return doc


def predict_interface(
    side1: SideSpec,
    side2: SideSpec,
    temperature: ArrayLike,
    models: Sequence[str] | None = None,
    *,
    settings: Settings | None = None,
    measured: bool = True,
    window: float = DEFAULT_WINDOW,
    progress: Progress | None = None,
    **options: Any,
) -> InterfacePrediction:
    """Every model, the electronic parts and the measured values of ``side1`` -> ``side2``: what ``predict`` prints.

    Parameters
    ----------
    side1, side2 : str, path, Material, FullDispersionSpectrum or StructurePhonons
        As in :func:`kapitza.prediction.predict_model` (with a calculator also structure files and
        NAME:STRUCTURE:a=...).
    temperature : float or array_like
        K (>= 0), scalar or shape (n_T,).
    models : sequence of str, optional
        Default :func:`~kapitza.prediction.registry.default_models` of the dispersion and cutoff (every
        model that takes them; no AMM with a sine cutoff).
    settings : Settings, optional
        Ready settings; otherwise ``options`` (the keyword arguments of :func:`kapitza.prediction.predict_model`:
        cutoff, statistics, inelastic, dispersion, potential, calculator, normal, mesh, width, phonopy_files)
        build them.
    measured : bool
        Look up the shipped measurements (both sides database materials) and check them against the
        radiation limit.
    window : float
        Relative temperature window of the measured rows (default 0.1: within 10 %).
    progress : callable, optional
        ``progress(stage, done, total)`` while full-dispersion spectra are built.

    Returns
    -------
    InterfacePrediction
        Built from one Settings and one pair of spectra, shared by every model and check.
    """
    if settings is not None and options:
        raise InputError(f"give settings= or the options {', '.join(sorted(options))}, not both")
    imply_full_dispersion(side1, side2, options)  # as in predict_model
    settings = settings if settings is not None else Settings(**options)
    t = landauer.as_temperatures(temperature)
    check_temperature_bound(t)
    names = models or default_models(settings.dispersion, settings.cutoff)
    infos = [get_model(name, settings.dispersion) for name in names]
    m1, m2, given = resolve_sides(side1, side2, settings, progress=progress)
    spectra = build_spectra(m1, m2, settings, given=given, progress=progress)
    channels = [model_channels(info, m1, m2, spectra, settings) for info in infos]
    results = tuple(conductance_result(info, m1, m2, c, t, settings) for info, c in zip(infos, channels))
    shares: tuple[ConductanceShares, ...] = ()
    if settings.dispersion == "phonopy":
        shares = tuple(conductance_shares(c, t, statistics=settings.statistics) for c in channels)
    parts = electronic_parts(m1, m2, t, results)
    rows, over, layered = None, None, 0
    if measured and m1.origin == "database" and m2.origin == "database":
        every = measurements_for(m1.name, m2.name, t, window, interlayers=True)
        found = every.select(~every.interlayer)
        rows = found if len(found) else None
        layered = len(every) - len(found)
    if rows is not None and parts.kind != "metal/metal":  # at metal/metal the electrons carry far more anyway
        over = radiation_limit_check(spectra, rows, settings.statistics)
    helium, no_range = None, ()
    if settings.dispersion == "debye" and settings.cutoff not in SINE_CUTOFFS:  # the AMM takes linear spectra only
        helium = helium_range(m1, m2, spectra, settings, t, parts)
    elif m1.is_fluid != m2.is_fluid:
        no_range = (
            "solid/helium: the expected range from the DMM to the AMM needs linear Debye spectra (cutoff branch or "
            "debye; the AMM is a continuum model), so it is not shown",
        )
    return InterfacePrediction(
        side1=m1,
        side2=m2,
        temperature=t,
        settings=settings,
        results=results,
        electronic=parts,
        measured=rows,
        interlayer_rows=layered,
        radiation_limit=over,
        shares=shares,
        spectra=spectra,
        window=window,
        notes=validity_notes(m1, m2, t) + no_range + unchecked_notes(m1, m2, settings.cutoff),
        helium=helium,
    )


#: The review of the Kapitza anomaly that the solid/helium notes cite.
KAPITZA_ANOMALY_REFERENCE = "G. L. Pollack, Rev. Mod. Phys. 41, 48 (1969)"


def _cryogenic_notes(m1: Material, m2: Material, temperature: NDArray[np.float64]) -> list[str]:
    """Caveats of a solid/liquid-helium interface and of room-temperature electron data at low T."""
    notes = []
    fluid = [m for m in (m1, m2) if m.is_fluid]
    if fluid and not all(m.is_fluid for m in (m1, m2)):
        notes.append(
            "solid/helium: measured Kapitza resistances above about 0.1 K are several times lower than the acoustic "
            f"mismatch model gives (the Kapitza anomaly; {KAPITZA_ANOMALY_REFERENCE}): read the AMM R as the upper "
            "end of the expected range and the DMM R as the lower end, not as a prediction of a real surface"
        )
        if np.any(temperature >= 1.0):
            notes.append(
                f"{fluid[0].name} above 1 K: its entropy already grows as T^5.7 at 1.5 K, not as the phonon T^3 "
                "(the stored heat capacity's source, Donnelly and Barenghi 1998): rotons hold much of the heat, and "
                "the models here treat the liquid as a phonon gas"
            )
    series = interface_kind(m1, m2) in SERIES_KINDS  # where g and kappa_p enter
    for m in (m1, m2) if series else ():
        if m.name in list_electron_metals() and not m.is_fluid and np.any(temperature < m.debye_temperature / 10.0):
            notes.append(
                f"below {m.debye_temperature / 10.0:.3g} K (a tenth of the Debye temperature of {m.name}) the "
                "electron-phonon numbers use room-temperature g and kappa_p: the coupling of a metal falls steeply on "
                "cooling, so R_ep there is not a prediction"
            )
    return notes


def unchecked_material_notes(
    conducting: Sequence[Material], electronic: Sequence[Material], where: str = "the Kapitza lengths L_K"
) -> tuple[str, ...]:
    """Notes for the shipped kappa(T) tables of ``conducting`` and the electron data of the metals among
    ``electronic`` that were not checked against their source, with their stated uncertainty; ``where`` names
    what the kappa(T) values enter."""
    from ..materials.conductivity import conductivity_table, uses_conductivity_table
    from ..materials.electrons import get_electrons

    notes: list[str] = []
    for m in dict.fromkeys(electronic):
        if m.origin == "database" and m.name in list_electron_metals():
            loose = dict(get_electrons(m.name).unchecked or {})
            if loose:
                shown = ", ".join(f"{k} +-{100 * v:g} %" for k, v in loose.items())
                notes.append(
                    f"{m.name}'s electron data were not checked against their sources ({shown}, stated): its "
                    "electron-phonon conductance carries that uncertainty (G_ep = sqrt(g kappa_p): half of each)"
                )
    for m in dict.fromkeys(conducting):
        if uses_conductivity_table(m) and conductivity_table(m).unchecked:
            notes.append(
                f"the kappa(T) table of {m.name} was not checked against its source (+-"
                f"{100 * conductivity_table(m).unchecked:g} %, stated): {where} carry it"
            )
    return tuple(notes)


def unchecked_notes(m1: Material, m2: Material, cutoff: str = "") -> tuple[str, ...]:
    """One note per shipped value this prediction uses that was not checked against its source, with its stated
    uncertainty: a metal's g and kappa_p (electron-phonon conductance, beside a non-metal), a kappa(T) table
    (Kapitza lengths), the zone-boundary frequencies (cutoff "sine-zb")."""
    from ..materials.zone_boundary import list_zone_boundaries

    # g and kappa_p enter only the series electron-phonon conductance of a metal beside a non-metal (two metals
    # take the electronic DMM's Sommerfeld coefficients and Fermi velocities, which are not of that kind)
    series = interface_kind(m1, m2) in SERIES_KINDS
    notes = list(unchecked_material_notes((m1, m2), (m1, m2) if series else ()))
    if cutoff == "sine-zb":
        zb = {z.material: z for z in list_zone_boundaries()}
        for m in (m1, m2):
            if m.name in zb and zb[m.name].unchecked:
                notes.append(
                    f"the zone-boundary frequencies of {m.name} (cutoff sine-zb) were not checked against their "
                    f"source (+-{100 * zb[m.name].unchecked:g} %, stated)"
                )
    return tuple(notes)


def validity_notes(m1: Material, m2: Material, temperature: NDArray[np.float64]) -> tuple[str, ...]:
    """Plain-language notes where the temperatures (K) leave the ground of the models: T = 0 (nothing is
    populated), T above a side's melting point (the models are of the solid)."""
    notes = []
    if np.any(temperature == 0.0):
        notes.append("at T = 0 K no phonon is populated: G = 0 and R is infinite (G falls as T^3 at low T)")
    notes += _cryogenic_notes(m1, m2, temperature)
    for m in (m1, m2):
        melt = m.melting_temperature
        if melt is not None and np.any(temperature > melt):
            hot = temperature[temperature > melt]
            shown = f"{hot.min():g} K" if hot.size == 1 else f"{hot.min():g}-{hot.max():g} K"
            notes.append(
                f"{shown} is above the melting point of {m.name} ({melt:g} K at 1 atm): the models here describe "
                "the solid, so these numbers are not a prediction for the melt"
            )
    return tuple(notes)
