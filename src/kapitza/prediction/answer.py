"""One call, one answer: :func:`predict` returns the :class:`Prediction` that ``kapitza predict`` prints.

What a user designs with comes first, in Python as on the command line:

1. the **expected measurement** (:mod:`kapitza.prediction.expected`): what a measurement of the pair will give, with
   the 68 % band of held-out papers and what it rests on, or why there is none;
2. the **total** a measurement of each model's interface would see (:attr:`Prediction.total`): the phonon model's G
   for two non-metals, in series with the metal's electron-phonon conductance where a side is a metal (Majumdar &
   Reddy, Appl. Phys. Lett. 84, 4768 (2004)), the electronic DMM for two metals (Gundrum, Cahill & Averback, Phys.
   Rev. B 72, 245426 (2005));
3. the **physics**: every phonon model (:attr:`Prediction.results`), the electrons (:attr:`Prediction.electronic`),
   the shipped measurements of the pair and how they sit against the radiation limit, the helium range
   (:mod:`kapitza.prediction.physics`);
4. the **warnings** that change a decision, and the **provenance** (what each number rests on, in words).

One class holds it all; its words (the text, ``--explain``, the notebook's table) are written by
:mod:`kapitza.prediction.presenter`, its methods that return text call it.  :func:`predict_interface` gives the same
class with the physics alone (no expected measurement: :attr:`Prediction.expected_reason` says so), the part
:func:`predict` builds on.

The command line renders this object and nothing more: its text (answer first), ``--explain`` (the provenance) and
``--json`` (:meth:`Prediction.to_dict`) all come from it, and every input is validated here, once.  In a notebook the
object shows itself as a compact table whose first row is the expected measurement (``_repr_html_``), ``print``
gives the same in plain text, :meth:`Prediction.plot` draws what ``kapitza predict --plot`` draws and
:meth:`Prediction.to_dataframe` gives the per-model, per-temperature table (pandas).

Units: K; W m^-2 K^-1 (conductance); m^2 K W^-1 (resistance); m (Kapitza length), as everywhere in the API; the text
shows MW m^-2 K^-1 and m^2 K GW^-1.
"""

from __future__ import annotations

import dataclasses
import math
import os
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .. import landauer
from .._checks import check_temperature_bound
from .._version import __version__
from ..atomistic.side import resolve_side
from ..errors import InputError
from ..io.results import result, to_jsonable
from ..literature import DEFAULT_WINDOW, Measurements, measurements_named
from ..literature.sample import DEPOSITIONS, SURFACES, family_option
from ..materials import Material
from ..materials.conductivity import conductivity_or_nan
from ..phonons.debye import DEFAULT_CUTOFF
from ..units import rad_s_to_thz
from . import presenter
from .api import ConductanceResult, build_spectra, conductance_result, imply_full_dispersion, model_channels
from .comparison import DebyeComparison
from .comparison import compare_debye as debye_comparison
from .empirical import EmpiricalEstimate, empirical_document, empirical_or_reason
from .expected import ExpectedConductance, expected_document, expected_or_reason
from .interface import ELECTRON_PHONON_REFERENCE, ELECTRONIC_DMM_REFERENCE, ElectronicParts
from .interlayer.layers import Layer, parse_interlayers
from .interlayer.series import StackPhysics, check_stack, lawful_layers, stack_document, stack_physics
from .mlip_band import CalculatorBand
from .notes import physics_notes
from .physics import HeliumRange, RadiationLimitCheck, measured_summary, pair_physics, plot_temperatures
from .registry import default_models, get_model
from .settings import OptionNames, PotentialSpec, Progress, Settings, SideSpec, api_name
from .shares import ConductanceShares
from .sides import (
    default_calculator,
    is_long_waves,
    long_wave_route,
    long_wave_settings,
    memory_bound,
    structure_sides,
    time_bound,
)

__all__ = [
    "DEFAULT_CRYOGENIC_TEMPERATURES",
    "DEFAULT_TEMPERATURES",
    "PHYSICS_ONLY",
    "Prediction",
    "comparison_document",
    "default_temperatures",
    "model_rows",
    "predict",
    "predict_interface",
    "shares_document",
]

#: Temperatures (K) of a prediction when none are given: solid/solid, and solid/fluid (liquid helium).
DEFAULT_TEMPERATURES = (1.0, 10.0, 30.0, 100.0, 300.0, 1000.0)
DEFAULT_CRYOGENIC_TEMPERATURES = (0.1, 0.3, 0.5, 1.0, 1.5, 2.0)
#: The reason of a prediction of the physics alone (:func:`predict_interface`) that it holds no expected measurement.
PHYSICS_ONLY = "predict_interface gives the physics alone: kapitza.predict gives the expected measurement"


def default_temperatures(m1: Material, m2: Material) -> NDArray[np.float64]:
    """The temperatures of a prediction when none are given (K): 0.1-2 K where a side is a fluid (liquid helium),
    else 1-1000 K."""
    cryo = m1.is_fluid or m2.is_fluid
    return np.array(DEFAULT_CRYOGENIC_TEMPERATURES if cryo else DEFAULT_TEMPERATURES)


# -- the object ---------------------------------------------------------------------------------------------------


@result
class Prediction:
    """What a measurement of one interface is expected to give, and the physics behind it: what ``kapitza predict``
    prints, and its ``--json`` (:meth:`to_dict`).

    Attributes
    ----------
    expected : ExpectedConductance or None
        The expected measurement with its 68 % band of held-out papers (:mod:`kapitza.prediction.expected`); None
        where there is none (then :attr:`expected_reason` says why).
    expected_reason : str or None
        Why there is no expected measurement (a material from a file, a fluid side, the physics alone asked for:
        :data:`PHYSICS_ONLY`, ...); None where there is one.
    total : mapping of str to ndarray, shape (n_T,) each
        Per phonon model, the conductance a measurement of the interface would see, W m^-2 K^-1
        (:meth:`interface_conductance`): G_ph for two non-metals, G_ph and the metal's G_ep in series, or the
        electronic DMM for two metals.  Empty where the electron data it needs are not stored (:attr:`total_reason`).
    total_reason : str or None
        Why :attr:`total` is empty.
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
        The bulk spectra of the two sides, built once; :meth:`results_at` reuses them (not saved).
    window : float
        Relative temperature window of the measured rows.
    notes : tuple of str
        Where the temperatures leave the models' ground (:func:`~kapitza.prediction.notes.validity_notes`): T = 0,
        above a side's melting point; the shipped values used that were not checked against their source.
    helium : HeliumRange or None
        For a solid/helium pair on linear Debye spectra, the AMM and DMM as the two ends of the expected range,
        with what measured values do against them (:func:`~kapitza.prediction.physics.helium_range`); None otherwise.
    warnings : tuple of str
        What changes a decision, in the order ``kapitza predict`` prints it.
    provenance : tuple of (str, str)
        (topic, line): what each number rests on, the models in words, the sources, the crystals' relaxations;
        ``kapitza predict --explain`` prints these lines.
    origins : (str, str)
        Where each side's data came from ("database", "file mine.toml", the crystal's structure).
    calculator : str or None
        The force source of the crystals built from their structures (the structure route), else None.
    calculator_chosen : bool
        True where nobody named the calculator: a side was not a database material, so both crystals were built with
        the default potential.
    band : CalculatorBand or None
        The calculator's measured x/÷ band against experiment (:mod:`kapitza.prediction.mlip_band`), where stored.
    long_waves : str or None
        What the validation measured on pairs as soft as this one (the structure route), where measured.
    crystals : tuple or None
        The two crystals built from their structures (:class:`~kapitza.phonons.from_structure.StructurePhonons`);
        not saved by :meth:`save` (force constants: recompute them; the rest of the prediction is saved).
    crystal_records : tuple of dict
        The JSON record of each crystal (relaxation, supercell, memory, long waves), saved.
    empirical : EmpiricalEstimate or None
        With ``empirical=True``: the gradient-boosting estimate (not physics) with its band.
    empirical_reason : str or None
        With ``empirical=True``: why there is no empirical estimate.
    comparisons : tuple of DebyeComparison
        With ``compare_debye=True``: Debye and full-dispersion G side by side, per model.
    stack : StackPhysics or None
        With ``interlayers``: the stack's series physics (each interface, each layer; :mod:`kapitza.prediction.
        interlayer`) at the temperatures above 0 K, behind the expected measurement of the stack; the models above are
        the bare outer pair's.
    """

    #: :meth:`to_dict` is ``kapitza predict --json``'s document; :meth:`save` writes the fields (:func:`kapitza.load`).
    _to_dict_is_document: ClassVar[bool] = True
    #: :meth:`save` writes the physics' fields under "physics", as files saved before the one answer object hold them
    #: (issue 76: they were a nested InterfacePrediction), so the files keep their layout and old ones load.
    _saved_groups: ClassVar[Mapping[str, tuple[str, ...]]] = {
        "physics": ("side1", "side2", "temperature", "settings", "results", "electronic", "measured",
                    "interlayer_rows", "radiation_limit", "shares", "spectra", "window", "notes", "helium"),
    }  # fmt: skip

    expected: ExpectedConductance | None
    expected_reason: str | None
    total: Mapping[str, NDArray[np.float64]]
    total_reason: str | None
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
    warnings: tuple[str, ...] = ()
    provenance: tuple[tuple[str, str], ...] = ()
    origins: tuple[str, str] = ("database", "database")
    calculator: str | None = None
    calculator_chosen: bool = False
    band: CalculatorBand | None = None
    long_waves: str | None = None
    crystals: tuple[Any, Any] | None = dataclasses.field(default=None, metadata={"saved": False})
    crystal_records: tuple[Mapping[str, Any], ...] = ()
    empirical: EmpiricalEstimate | None = None
    empirical_reason: str | None = None
    comparisons: tuple[DebyeComparison, ...] = ()
    stack: StackPhysics | None = None

    def __post_init__(self) -> None:
        """The invariants of every prediction, checked also for one loaded from a file: two Materials, Settings and
        ElectronicParts; one result per model at the prediction's temperatures; the totals those of the models at
        its temperatures, finite and >= 0."""
        for name, kind in (("side1", Material), ("side2", Material), ("settings", Settings),
                           ("electronic", ElectronicParts)):  # fmt: skip
            if not isinstance(getattr(self, name), kind):
                raise InputError(
                    f"Prediction {name} must be a {kind.__name__}, got {type(getattr(self, name)).__name__}"
                )
        t = np.asarray(self.temperature, dtype=float)
        n = t.size
        if not all(isinstance(r, ConductanceResult) and np.array_equal(r.temperature, t) for r in self.results):
            raise InputError("Prediction results must be ConductanceResults at the prediction's temperatures")
        self._check_parts(t)
        if self.calculator is not None:  # a name, checked as a name (nothing is imported or loaded by it)
            from ..atomistic.calculators import calculator_name

            calculator_name(self.calculator)
        for name, values in dict(self.total).items():
            g = np.asarray(values, dtype=float)
            if name not in self.models or g.shape != (n,) or not np.all(np.isfinite(g) & (g >= 0)):
                raise InputError(
                    f"Prediction total of {name!r} must be one finite G >= 0 per temperature of a model it ran"
                )
            try:
                made = self.interface_conductance(name)
            except InputError:
                raise InputError(f"Prediction total of {name!r} is given, but its parts make none") from None
            if not np.allclose(g, made, rtol=1e-9, atol=0.0):
                raise InputError(f"Prediction total of {name!r} is not the one its parts make (altered?)")
        if self.stack is not None:
            if not isinstance(self.stack, StackPhysics):
                raise InputError(f"Prediction stack must be a StackPhysics, got {type(self.stack).__name__}")
            t = np.asarray(self.temperature, dtype=float)
            if not np.array_equal(np.asarray(self.stack.temperature), t[t > 0]):
                raise InputError("Prediction stack must be at the prediction's temperatures above 0 K")

    def _check_parts(self, t: NDArray[np.float64]) -> None:
        """One temperature axis for every part (the electronic parts, the expected measurement), and the electronic
        parts' phonon rows those of the results."""
        parts = self.electronic
        if not np.array_equal(parts.temperature, t) or parts.models != self.models:
            raise InputError("Prediction electronic parts must be at its temperatures, for its models")
        if not np.allclose(parts.phonon, [r.conductance for r in self.results], rtol=1e-9, atol=0.0):
            raise InputError("Prediction electronic parts must hold the phonon models' conductances (altered?)")
        if self.expected is not None and not np.array_equal(self.expected.temperature, t):
            raise InputError("Prediction expected measurement must be at the prediction's temperatures")

    # -- the physics -----------------------------------------------------------------------------------------------

    @property
    def models(self) -> tuple[str, ...]:
        """The phonon models, in the order of :attr:`results`."""
        return tuple(r.model for r in self.results)

    @property
    def physics(self) -> Prediction:
        """This prediction (deprecated: its physics were a nested object before issue 76; its fields are here)."""
        import warnings

        warnings.warn("Prediction.physics is deprecated: the physics' fields are the prediction's own (p.helium, "
                      "p.results_at(...))", DeprecationWarning, stacklevel=2)  # fmt: skip
        return self

    def result(self, model: str | None = None) -> ConductanceResult:
        """One phonon model's result (the one model where only one ran; ``model`` otherwise)."""
        if model is None:
            if len(self.results) != 1:
                raise InputError(f"this prediction ran {', '.join(self.models)}: name one, result('dmm')")
            return self.results[0]
        return self.results[self._index(model)]

    def _index(self, model: str) -> int:
        key = get_model(model).name if isinstance(model, str) else model
        if key not in self.models:
            raise InputError(f"model {model!r} was not run here; this prediction ran {', '.join(self.models)}")
        return self.models.index(key)

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

    # -- text (the words are the presenter's) ----------------------------------------------------------------------

    def answer_lines(self) -> list[str]:
        """The answer in plain text (:func:`~kapitza.prediction.presenter.answer_lines` of :meth:`to_dict`)."""
        return presenter.answer_lines(self.to_dict())

    def total_lines(self) -> list[str]:
        """Each model's total in plain text, one line each (:func:`~kapitza.prediction.presenter.total_lines`)."""
        return presenter.total_lines(self.to_dict())

    def measured_line(self) -> str | None:
        """The measured range of the pair, one line or None (:func:`~kapitza.prediction.presenter.summary_line`)."""
        return presenter.pair_measured_line(self.to_dict())

    def __repr__(self) -> str:
        return presenter.text(self.to_dict())

    __str__ = __repr__

    def _repr_html_(self) -> str:
        """The notebook's table (:func:`~kapitza.prediction.presenter.html_table` of :meth:`to_dict`)."""
        return presenter.html_table(self.to_dict())

    # -- documents, tables, figures -------------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """The answer's one document: what ``kapitza predict --json`` prints and what its text (``print``,
        :meth:`answer_lines`, ``kapitza predict``'s lead) and the notebook's table are written from
        (:mod:`~kapitza.prediction.presenter`).  Exact SI values, non-finite ones as "inf"/"nan"; the expected
        measurement first, then the totals, then the physics (the temperatures among it) (:func:`physics_document`), the
        warnings and the provenance; with the structure route the crystals, their band and long waves."""
        doc: dict[str, Any] = {
            "expected": expected_document(self.expected, self.expected_reason),
            "total": {"conductance_w_m2k": {k: v.tolist() for k, v in self.total.items()},
                      "reason": self.total_reason},
        }  # fmt: skip
        doc |= physics_document(self)
        if self.comparisons:
            doc["comparison"] = comparison_document(self.comparisons)
        if self.calculator is not None:
            doc["crystals"] = [dict(c) for c in self.crystal_records]
            band = self.band
            doc["band"] = None if band is None else {"factor": band.factor, "rows": band.rows, "source": band.source}
            doc["long_waves_of_the_pair"] = self.long_waves
            doc["calculator_chosen"] = self.calculator_chosen
        if self.empirical is not None or self.empirical_reason is not None:
            doc["empirical"] = empirical_document(self.empirical, self.empirical_reason)
        if self.stack is not None:
            doc["stack"] = stack_document(self.stack)
        doc["warnings"] = list(self.warnings)
        doc["provenance"] = [{"topic": topic, "text": text} for topic, text in self.provenance]
        return to_jsonable(doc)

    def table(self) -> list[dict[str, Any]]:
        """One row per model and temperature, SI (the columns of ``kapitza predict --csv``): the phonon G, R and the
        Kapitza lengths, and the electron-phonon and total columns where the interface has a series total; a
        metal/metal interface adds ``electronic-dmm`` rows."""
        return model_rows(self.results, self.electronic)

    def to_dataframe(self) -> Any:
        """The per-model, per-temperature table as a pandas DataFrame, the expected measurement's rows first
        (``model`` "expected", with ``low`` and ``high`` its 68 % band; NaN in the models' rows).  Needs pandas."""
        try:
            import pandas as pd
        except ImportError:
            from ..errors import MissingDependencyError

            raise MissingDependencyError("to_dataframe needs pandas: pip install pandas") from None
        rows: list[dict[str, Any]] = []
        e = self.expected
        if e is not None:
            for t, v, lo, hi in zip(e.temperature, e.value, e.low, e.high):
                rows.append({"model": "expected", "temperature_K": float(t), "conductance_W_m-2_K-1": float(v),
                             "low_W_m-2_K-1": float(lo), "high_W_m-2_K-1": float(hi)})  # fmt: skip
        for row in self.table():
            rows.append({k: (math.nan if v == "" else v) for k, v in row.items()})
        return pd.DataFrame(rows)

    def plot(self, path: str | os.PathLike | None = None) -> Any:
        """What ``kapitza predict --plot`` draws, saved to ``path`` if given (.png, .pdf, .svg), as a matplotlib
        Figure: G(T) of every model on a dense grid with the requested temperatures as points, the measured values,
        the metal's G_ep and the total, the calculator's band, and the expected measurement with its 68 % band first;
        with ``compare_debye`` the Debye and full-dispersion dG/domega of the first model."""
        # the one upward import of this layer: the notebook's figure is drawn by the plotting layer (lazy, here only)
        from ..plotting.prediction import prediction_figure

        return prediction_figure(self, path)

    def curves(self) -> tuple[tuple[ConductanceResult, ...], ExpectedConductance | None]:
        """G(T) of every model on the dense grid of a figure (:func:`~kapitza.prediction.physics.plot_temperatures`),
        and the expected measurement on the same grid (None where there is none), on the same spectra and crystals."""
        dense = plot_temperatures(self.temperature, self.side1, self.side2)
        curves = self.results_at(dense)
        drawn = None
        if self.expected is not None:
            sides = (self.side1, self.side2) if self.crystals is None else self.crystals
            method, refused = self.expected.method, self.expected.long_waves
            drawn = expected_or_reason(sides[0], sides[1], curves[0].temperature, method, self.crystals,
                                       long_waves=refused)[0]  # fmt: skip
        return curves, drawn

    def measured_rows(self) -> Measurements | None:
        """The compilation's bare rows of the pair at every temperature (the figure's crosses): by database name, or
        for crystals built from structure by the names the compilation writes (their formulas)."""
        from ..literature import measurements_for

        if self.crystals is not None:
            return measurements_named(self.crystals[0].name, self.crystals[1].name)
        if self.side1.origin == "database" and self.side2.origin == "database":
            return measurements_for(self.side1, self.side2)
        return None


# -- the --json document ------------------------------------------------------------------------------------------


def physics_document(p: Prediction) -> dict[str, Any]:
    """The physics of prediction ``p`` in ``kapitza predict --json``: exact SI values, non-finite ones as "inf"/"nan".

    Besides each model's phonon ``conductance``: the ``interface_kind``; for a metal/non-metal
    interface ``electron_phonon`` (G_ep and the metal's g, kappa_p) and per model
    ``conductance_electron_phonon``, ``conductance_total``, ``resistance_total`` and ``limited_by``;
    for metal/metal ``electronic_dmm``; ``electronic_missing`` (why a part could not be computed);
    ``measured`` (the summary of the shipped measurements near the temperatures, with
    ``above_radiation_limit``, or null; bare interfaces only), ``measured_interlayer_rows`` (rows of stacks
    with a layer between the two, left out); ``notes`` (where the temperatures leave the models' ground).
    """
    fluid = p.side1.is_fluid or p.side2.is_fluid
    units = {"temperature": "K", "conductance": "W m^-2 K^-1", "resistance": "m^2 K W^-1", "kapitza_length": "m"}
    if fluid:
        units["resistance_t3"] = "m^2 K^4 W^-1"
    doc: dict[str, Any] = {
        "kapitza_version": __version__,
        "side1": p.side1.name,
        "side2": p.side2.name,
        "heat_flow": "side1 -> side2",
        "temperature_k": p.temperature.tolist(),
        "units": units,
        "results": [_entry(p, k, r, fluid) for k, r in enumerate(p.results)],
    }
    doc.update(_electronic_document(p.electronic))
    doc["measured"] = None
    if p.measured is not None:
        over = None if p.radiation_limit is None else p.radiation_limit.to_dict()
        doc["measured"] = {**measured_summary(p.measured, p.window), "above_radiation_limit": over}
    doc["measured_interlayer_rows"] = p.interlayer_rows
    doc["helium_range"] = None if p.helium is None else p.helium.to_document()
    doc["notes"] = list(p.notes)
    return to_jsonable(doc)


def _entry(p: Prediction, k: int, r: ConductanceResult, fluid: bool) -> dict[str, Any]:
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
    parts = p.electronic
    if parts.total is not None:
        entry["conductance_phonon"] = entry["conductance"]
        entry["conductance_electron_phonon"] = [parts.electron_phonon] * r.temperature.size
        entry["conductance_total"] = parts.total[k].tolist()
        entry["resistance_total"] = parts.resistance_total[k].tolist()  # type: ignore[index]
        entry["limited_by"] = list(parts.limited_by[k])
    if p.shares:
        entry["shares"] = shares_document(p.shares[k])
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


def model_rows(results: Sequence[ConductanceResult], parts: ElectronicParts | None = None) -> list[dict[str, Any]]:
    """One row per model and temperature, SI units in the keys (``kapitza predict --csv``'s columns, in order).

    The electron-phonon and total columns are filled for a metal/non-metal interface with a series total ("" where
    not); a Kapitza length is "" where there is none (no kappa, or T outside its table); a metal/metal interface
    adds ``electronic-dmm`` rows."""
    m1, m2 = results[0].side1, results[0].side2
    keys = ("model", "temperature_K", "conductance_W_m-2_K-1", "resistance_m2_K_W-1", f"kapitza_length_{m1.name}_m",
            f"kapitza_length_{m2.name}_m", "conductance_electron_phonon_W_m-2_K-1", "conductance_total_W_m-2_K-1",
            "resistance_total_m2_K_W-1")  # fmt: skip
    series = parts is not None and parts.total is not None
    rows = []
    for k, r in enumerate(results):
        lengths = [None if m.thermal_conductivity is None else r.kapitza_length(side) for side, m in ((1, m1), (2, m2))]
        for i, t in enumerate(r.temperature):
            extra: list[Any] = ["", "", ""]
            if series:
                extra = [parts.electron_phonon, float(parts.total[k, i]), float(parts.resistance_total[k, i])]
            length = ["" if x is None or math.isnan(x[i]) else float(x[i]) for x in lengths]
            values = [r.model, float(t), float(r.conductance[i]), float(r.resistance[i]), *length, *extra]
            rows.append(dict(zip(keys, values)))
    if parts is not None and parts.electronic_dmm is not None:
        edmm = parts.electronic_dmm
        for t, g, resistance in zip(edmm.temperature, edmm.conductance, parts.electronic_dmm_resistance):
            rows.append(dict(zip(keys, ["electronic-dmm", float(t), float(g), float(resistance), "", "", "", "", ""])))
    return rows


# -- the physics alone ---------------------------------------------------------------------------------------------


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
) -> Prediction:
    """The physics of ``side1`` -> ``side2`` alone: every model, the electronic parts, each model's total and the
    measured values, as a :class:`Prediction` without the expected measurement (its ``expected_reason`` is
    :data:`PHYSICS_ONLY`); :func:`predict` gives the whole answer and builds on this.

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
    Prediction
        Built from one Settings and one pair of spectra, shared by every model and check.
    """
    if settings is not None and options:
        raise InputError(f"give settings= or the options {', '.join(sorted(options))}, not both")
    imply_full_dispersion(side1, side2, options)  # as in predict_model
    settings = settings if settings is not None else Settings(**options)
    t = landauer.as_temperatures(temperature)
    check_temperature_bound(t)
    names = models or default_models(settings.dispersion, settings.cutoff)
    fields = pair_physics(side1, side2, t, names, settings, measured=measured, window=window, progress=progress)
    notes = physics_notes(fields["side1"], fields["side2"], t, settings)
    physics = Prediction(expected=None, expected_reason=PHYSICS_ONLY, total={}, total_reason=None, notes=notes,
                         **fields)  # fmt: skip
    total, total_reason = _totals(physics)
    return dataclasses.replace(physics, total=total, total_reason=total_reason)


# -- the whole answer ----------------------------------------------------------------------------------------------


def _totals(p: Prediction) -> tuple[dict[str, NDArray[np.float64]], str | None]:
    """Each model's interface conductance, or none and why (the electron data it needs are not stored)."""
    try:
        return {name: p.interface_conductance(name) for name in p.models}, None
    except InputError as exc:
        return {}, str(exc)


def _names(models: str | Sequence[str] | None, settings: Settings) -> list[str]:
    """The models to run, as the registry names them (validated); default every model that takes the spectra."""
    if models is None:
        names: Sequence[str] = default_models(settings.dispersion, settings.cutoff)
    elif isinstance(models, str):
        names = [models]
    else:
        names = list(models) if isinstance(models, (list, tuple)) else []
        if not names or not all(isinstance(n, str) for n in names):
            raise InputError(f"model must be a name or a list of names, got {models!r}")
    return [get_model(name, settings.dispersion).name for name in names]


def _flag(value: Any, name: str, names: OptionNames) -> bool:
    if not isinstance(value, bool):
        raise InputError(f"{names(name)} must be True or False, got {value!r}")
    return value


def predict(
    side1: SideSpec,
    side2: SideSpec,
    temperature: ArrayLike | None = None,
    *,
    model: str | Sequence[str] | None = None,
    method: str | None = None,
    deposition: str | None = None,
    surface: str | None = None,
    calculator: str | None = None,
    max_memory_gb: float | None = None,
    max_time: float | str | None = None,
    empirical: bool = False,
    compare_debye: bool = False,
    cutoff: str = DEFAULT_CUTOFF,
    statistics: str = "bose-einstein",
    inelastic: Mapping[str, float] | None = None,
    dispersion: str | None = None,
    potential: PotentialSpec = None,
    normal: ArrayLike | str | None = None,
    mesh: int | ArrayLike | None = None,
    width: float | None = None,
    phonopy_files: tuple[str | os.PathLike | None, str | os.PathLike | None] = (None, None),
    progress: Progress | None = None,
    option_names: OptionNames | None = None,
    interlayers: Sequence[Any] | None = None,
) -> Prediction:
    """The conductance a measurement of the interface ``side1`` -> ``side2`` is expected to give, and the physics.

    ``kapitza predict`` is this function, rendered: the same inputs give the same object and numbers.

    Parameters
    ----------
    side1, side2 : str, path, Material, FullDispersionSpectrum or StructurePhonons
        Incident (heat comes from here) and receiving side: a database material (name or alias), a material file,
        a Material, a ready full-dispersion spectrum or a crystal from its structure; a structure file,
        ``NAME:STRUCTURE:a=...`` or a crystal of kapitza's crystal table is built from its structure with
        ``calculator`` (the default potential where none is named and a side is not a database material).  Each is
        decided once, here (:func:`kapitza.atomistic.side.resolve_side`; a :class:`~kapitza.atomistic.side.Side` is
        taken as it is), and everything below takes that decision.
    temperature : float or array_like, optional
        K (>= 0), scalar or shape (n_T,).  Default 1, 10, 30, 100, 300, 1000 K (0.1-2 K with liquid helium).
    model : str or sequence of str, optional
        The phonon models to run; default every model that takes the spectra (:func:`kapitza.available_models`).
    method : str, optional
        The measurement the expected value is for: TDTR (default, the compilation's most common), FDTR, 3omega,
        platform or other.
    deposition, surface : str, optional
        How the sample is made, for the expected measurement (:mod:`kapitza.literature.sample`): the film's
        deposition (evaporation, sputtering, epitaxy, chemical, bonding, exfoliation) and the substrate's surface
        (ion-cleaned, oxide-removed, annealed, native-oxide, solvent-cleaned); default unknown.  Where the route's
        estimate did not learn them (it keeps only what helped held-out pairs nobody else measured), a warning says
        so and they are ignored.
    calculator : str, optional
        Build both sides from their crystal structures with this force source (a built-in universal potential,
        "module:factory" for any ASE calculator): full-dispersion spectra, the structure route of the expected
        measurement.
    max_memory_gb : float, optional
        With a calculator: refuse a crystal whose force constants' stated memory is above this (GB per process),
        before any force is computed.  Default this machine's memory.
    max_time : float or str, optional
        With a calculator: a bound on the time of the two crystals' force calls, s, or a text of one number and its
        unit, "300", "300s", "5min", "1.5h" (:func:`kapitza._checks.duration_seconds`), counted from this call's
        start.  Before any force call, the crystals not in the cache whose stated typical time (the rule's supercells
        and their relaxations, :meth:`~kapitza.phonons.supercell_plan.PhononCost.seconds`) is above it are refused
        (:class:`~kapitza.errors.TimeBoundError`); each crystal's widening search starts no wider supercell whose
        stated time is above what is then left (refused there), and a side's long waves (the elastic constants that
        stand in for refused phonons) are refused the same way.  A calculator without a measured per-call cost states
        no time: refused with it.  Default: a bound on widening only
        (:meth:`~kapitza.atomistic.force_cost.TimeBudget.widening`,
        :data:`~kapitza.atomistic.force_cost.PREDICT_WIDENING_SECONDS`): a wider supercell for imaginary modes next
        to Gamma starts only where its stated time fits in what is left of it, the crystal's long waves standing in
        past it (a warning says so); nothing else is refused or stopped.
    empirical : bool
        Also give the empirical estimate (gradient boosting on the shipped measurements; not physics).
    compare_debye : bool
        Also compare Debye and full-dispersion G of every model (database materials; full dispersion implied).
    cutoff, statistics, inelastic, dispersion, potential, normal, mesh, width, phonopy_files
        The physics' settings (:class:`~kapitza.prediction.settings.Settings`; see :func:`predict_model`).
        ``dispersion`` defaults to "debye", "phonopy" with a calculator.
    progress : callable, optional
        ``progress(stage, done, total)`` while crystals and full-dispersion spectra are built.
    option_names : callable, optional
        How messages spell an option (default ``mesh=``; the command line passes ``--mesh``).
    interlayers : sequence, optional
        The layers between side 1 and side 2, from side 1's: ``"Ti:2nm"``, ``("a-SiO2", 1.5e-9)``, ``"graphene"``
        (:func:`kapitza.prediction.interlayer.parse_interlayers`).  The expected measurement is then the stack's
        (database materials only), its series physics in :attr:`Prediction.stack`; the models' table stays the
        bare outer pair's.

    Returns
    -------
    Prediction
        The expected measurement first, then each model's total, the physics, the warnings and the provenance.

    Raises
    ------
    InputError
        Any bad input, before any work: one line naming the value and what is allowed.
    """
    if option_names is not None and not callable(option_names):
        raise InputError(f"option_names must be a function from an option's name to its spelling, got {option_names!r}")
    if progress is not None and not callable(progress):
        raise InputError(f"progress must be a function progress(stage, done, total), got {progress!r}")
    names = option_names or api_name
    _flag(empirical, "empirical", names)
    _flag(compare_debye, "compare_debye", names)
    layers = parse_interlayers(interlayers)  # every layer checked before any work
    sides = (resolve_side(side1), resolve_side(side2))  # what each side names, decided once, here
    option = names("calculator").rstrip("=")
    chosen = calculator is None
    if calculator is None:
        calculator = default_calculator(sides, option)
    chosen = chosen and calculator is not None
    memory = memory_bound(max_memory_gb, calculator, names)
    budget = time_bound(max_time, calculator, names, widening=True)  # a default bound on widening only
    if layers and calculator is not None:
        raise InputError(f"interlayers run through the database's materials: leave out {names('calculator')} (a "
                         "stack's expected measurement has no structure route)")  # fmt: skip
    said: tuple[str, ...] = ()
    if layers:  # the sides as resolved above (their records), or as given where they name none (refused there)
        ends = tuple(typed if side.material is None else side.material for side, typed in zip(sides, (side1, side2)))
        check_stack(ends[0], layers, ends[1])
        layers, said = lawful_layers(ends[0], layers, ends[1])  # a side's own film left out, one film twice merged
    if compare_debye and calculator is not None:
        raise InputError(
            f"{names('compare_debye')} compares with the database's Debye spectra of database materials; leave out "
            f"{names('calculator')} (or compare the record's Debye numbers: kapitza materials show NAME --calculator)"
        )
    if method is not None:
        from .expected.query import check_method

        check_method(method, names("method").rstrip("="))
    sample = (
        family_option(deposition, DEPOSITIONS, names("deposition").rstrip("=")),
        family_option(surface, SURFACES, names("surface").rstrip("=")),
    )
    given: tuple[Any, Any] = sides  # what the layers below take
    for side in sides if calculator is None else ():  # a named side names a record, or the refusal says so here
        if side.named:
            side.record(option)  # the database's words, with the way to a calculator for a crystal-table name
    t = None
    if temperature is not None:
        t = landauer.as_temperatures(temperature)
        check_temperature_bound(t)
    if dispersion is None:
        dispersion = "phonopy" if calculator is not None else "debye"
    settings = Settings(  # every option validated here, spelled as the caller types it
        cutoff=cutoff,
        statistics=statistics,
        inelastic=inelastic,
        dispersion="phonopy" if compare_debye else dispersion,
        potential=potential,
        calculator=calculator,
        normal=normal,
        mesh=mesh,
        width=width,
        phonopy_files=phonopy_files,
        option_names=names,
    )
    models = _names(model, settings)
    crystals, stood_in = None, None
    if calculator is not None:
        crystals = structure_sides(sides[0], sides[1], calculator, memory, progress, budget)
        given = crystals
        if any(is_long_waves(c) for c in crystals):  # a side's long waves stand in for its refused phonons
            unused = [o for o, v in (("normal", normal), ("mesh", mesh), ("width", width)) if v is not None]
            settings = long_wave_settings(settings, names)
            stood_in = presenter.long_wave_warnings(crystals, unused, names)
            models = _names(model, settings)
            given = (_material_of(crystals[0]), _material_of(crystals[1]))
    if t is None:
        t = default_temperatures(_material_of(given[0]), _material_of(given[1]))
    comparisons: tuple[DebyeComparison, ...] = ()
    if compare_debye:
        spectra = build_spectra(_material_of(given[0]), _material_of(given[1]), settings, progress=progress)
        options = settings.options()
        comparisons = tuple(debye_comparison(spectra[0], spectra[1], t, name, **options) for name in models)
        given = spectra
    physics = predict_interface(given[0], given[1], t, models, settings=settings, progress=progress)
    if stood_in is not None:
        return _assemble(physics, (side1, side2), None, calculator, chosen, method, empirical, comparisons, sample,
                         (crystals, stood_in))  # fmt: skip
    found = _assemble(physics, (side1, side2), crystals, calculator, chosen, method, empirical, comparisons, sample,
                      layers=layers)  # fmt: skip
    return dataclasses.replace(found, warnings=(*said, *found.warnings)) if said else found


def _material_of(side: Any) -> Material:
    """The Material of a side (a Material, a Side, a crystal built from its structure, a ready spectrum's record)."""
    return side if isinstance(side, Material) else resolve_side(side).record()


def _assemble(
    physics: Prediction,
    sides: tuple[Any, Any],
    crystals: tuple[Any, Any] | None,
    calculator: str | None,
    chosen: bool,
    method: str | None,
    empirical: bool,
    comparisons: tuple[DebyeComparison, ...],
    sample: tuple[str, str] = ("unknown", "unknown"),
    long_waves: tuple[tuple[Any, Any], list[str]] | None = None,
    *,
    layers: tuple[Layer, ...] = (),
) -> Prediction:
    """The prediction around its physics (:func:`predict_interface`): the expected measurement, the crystals' records
    and band, the empirical estimate, and the words (:func:`~kapitza.prediction.presenter.prediction_words`).
    ``long_waves``: the two sides as built where a side's long waves stood in for its refused phonons, and the
    warnings that say so."""
    from ..phonons.crystal_report import crystal_document
    from .mlip_band import calculator_band

    m1, m2 = physics.side1, physics.side2
    t = physics.temperature
    origins = (presenter.material_origin(m1, sides[0]), presenter.material_origin(m2, sides[1]))
    refused = () if long_waves is None else long_wave_route(long_waves[0], (m1, m2))
    expected, why_not, stack = None, None, None
    if refused:  # a side outside the database: the long-wave route on the two records
        expected, why_not = expected_or_reason(m1, m2, t, method, sample=sample, long_waves=refused)
    else:
        expected, why_not = expected_or_reason(m1, m2, t, method, crystals, sample, layers)
    if layers and np.any(t > 0):
        try:
            stack = stack_physics(m1, layers, m2, t[t > 0])
        except InputError as exc:  # said where the expected measurement is said to be unavailable
            why_not = why_not or str(exc)
    band, waves, records, band_line = None, None, (), ""
    if long_waves is not None:
        records = tuple(_side_document(c) for c in long_waves[0])
    if crystals is not None and calculator is not None:
        unpredicted = physics.electronic.kind == "metal/metal" and physics.electronic.electronic_dmm is None
        band = None if unpredicted else calculator_band(calculator)
        waves = None if band is None else _pair_long_waves(crystals, band)
        band_line = presenter.band_words(calculator, unpredicted)
        records = tuple(crystal_document(c) for c in crystals)
    warnings, details = presenter.prediction_words(physics, expected, why_not, origins, long_waves=long_waves,
                                                   crystals=crystals, calculator=calculator, chosen=chosen,
                                                   band_line=band_line, waves=waves, stack=stack)  # fmt: skip
    estimate, no_estimate = (None, None)
    if empirical:
        estimate, no_estimate = empirical_or_reason(m1, m2, t)
    return dataclasses.replace(
        physics,
        expected=expected,
        expected_reason=why_not,
        warnings=warnings,
        provenance=details,
        origins=origins,
        calculator=calculator,
        calculator_chosen=chosen,
        band=band,
        long_waves=waves,
        crystals=crystals,
        crystal_records=records,
        empirical=estimate,
        empirical_reason=no_estimate,
        comparisons=comparisons,
        stack=stack,
    )


def _side_document(side: Any) -> dict[str, Any]:
    """The JSON record of a side built from its structure: its crystal, or its long waves where they stood in."""
    from ..phonons.crystal_report import crystal_document

    return side.document() if is_long_waves(side) else crystal_document(side)


def _pair_long_waves(crystals: tuple[Any, Any], band: Any) -> str | None:
    """What the validation measured on pairs as soft as this one (:meth:`CalculatorBand.pair_line`), or None."""
    from ..phonons.elastic import stiffness_errors_of

    return band.pair_line([stiffness_errors_of(c) for c in crystals])


#: Names this module held before the words of a prediction moved to their one module (issue 76).
_MOVED = dict.fromkeys(
    ("EDGE_ROWS", "MAX_SHOWN_TEMPERATURES", "NO_BAND_TWO_METALS", "above_limit_line", "electron_phonon_line",
     "empirical_line", "expected_lines", "expected_provenance", "helium_line", "kappa_footnote", "limiting_line",
     "material_origin", "measured_line", "metal_metal_line", "model_lines", "not_shown_line", "shown", "shown_rows"),
    "kapitza.prediction.presenter",
)  # fmt: skip


def __getattr__(name: str) -> Any:
    """A name this module held before the words moved to :mod:`kapitza.prediction.presenter`: from there, with a
    DeprecationWarning naming it."""
    from .._moved import moved_name

    return moved_name(__name__, name, _MOVED)
