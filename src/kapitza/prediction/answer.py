"""One call, one answer: :func:`predict` returns the :class:`Prediction` that ``kapitza predict`` prints.

What a user designs with comes first, in Python as on the command line:

1. the **expected measurement** (:mod:`kapitza.prediction.expected`): what a measurement of the pair will give, with
   the 68 % band of held-out papers and what it rests on, or why there is none;
2. the **total** a measurement of each model's interface would see (:attr:`Prediction.total`): the phonon model's G
   for two non-metals, in series with the metal's electron-phonon conductance where a side is a metal (Majumdar &
   Reddy, Appl. Phys. Lett. 84, 4768 (2004)), the electronic DMM for two metals (Gundrum, Cahill & Averback, Phys.
   Rev. B 72, 245426 (2005));
3. the **physics** (:class:`~kapitza.prediction.report.InterfacePrediction`): every phonon model, the electrons, the
   shipped measurements of the pair and how they sit against the radiation limit;
4. the **warnings** that change a decision, and the **provenance** (what each number rests on, in words).

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
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .. import landauer
from .._checks import check_temperature_bound
from ..errors import InputError
from ..io.results import result, to_jsonable
from ..literature import DEFAULT_WINDOW, Measurements, measurements_named
from ..literature.sample import DEPOSITIONS, SURFACES, family_option
from ..materials import Material
from ..materials.conductivity import conductivity_table, uses_conductivity_table
from ..phonons.debye import DEFAULT_CUTOFF
from ..units import M2K_PER_GW, MW_PER_M2K
from .api import ConductanceResult, build_spectra
from .comparison import DebyeComparison
from .comparison import compare_debye as debye_comparison
from .empirical import EmpiricalEstimate, empirical_document, empirical_or_reason
from .expected import ExpectedConductance, expected_document, expected_or_reason, mw_text
from .interface import ELECTRON_PHONON_REFERENCE, ELECTRONIC_DMM_REFERENCE, SERIES_KINDS, ElectronicParts
from .mlip_band import CalculatorBand
from .registry import default_models, get_model
from .report import (
    HeliumRange,
    InterfacePrediction,
    RadiationLimitCheck,
    comparison_document,
    conductivity_gaps,
    measured_summary,
    plot_temperatures,
    predict_interface,
    validity_notes,
)
from .settings import OptionNames, PotentialSpec, Progress, Settings, SideSpec, api_name
from .sides import database_material, default_calculator, memory_bound

__all__ = [
    "DEFAULT_CRYOGENIC_TEMPERATURES",
    "DEFAULT_TEMPERATURES",
    "EDGE_ROWS",
    "MAX_SHOWN_TEMPERATURES",
    "Prediction",
    "default_temperatures",
    "not_shown_line",
    "predict",
    "shown",
    "shown_rows",
]

#: Temperatures (K) of a prediction when none are given: solid/solid, and solid/fluid (liquid helium).
DEFAULT_TEMPERATURES = (1.0, 10.0, 30.0, 100.0, 300.0, 1000.0)
DEFAULT_CRYOGENIC_TEMPERATURES = (0.1, 0.3, 0.5, 1.0, 1.5, 2.0)

#: The band line of a pair of two metals whose electrons kapitza cannot model (nothing predicts what it conducts).
NO_BAND_TWO_METALS = (
    "band: none for this pair: two metals, one without the electronic DMM's data, have no prediction of what they "
    "conduct (kapitza validate leaves such rows out of the band's measurement)"
)


#: Beyond this many temperatures the text of a prediction (``kapitza predict``'s tables, ``print``, the notebook's
#: table) shows the first and last :data:`EDGE_ROWS` of each per-temperature table and one line saying how many it
#: left out (:func:`not_shown_line`); ``--json``, ``--csv``, :meth:`Prediction.to_dict` and :meth:`Prediction.table`
#: keep every one (issue 63: 5,000 rows of text took minutes and no reader reads them).
MAX_SHOWN_TEMPERATURES = 24
EDGE_ROWS = 10


def shown_rows(n: int) -> list[int | None]:
    """The rows (indices of ``n`` temperatures) that text shows, in order, with None where the left-out ones are."""
    if n <= MAX_SHOWN_TEMPERATURES:
        return list(range(n))
    return [*range(EDGE_ROWS), None, *range(n - EDGE_ROWS, n)]


def not_shown_line(n: int, where: str) -> str | None:
    """The line that says how many of ``n`` temperatures the text left out and that ``where`` holds every one (None
    where the text shows them all)."""
    hidden = n - (len(shown_rows(n)) - 1) if n > MAX_SHOWN_TEMPERATURES else 0
    return f"{hidden:,} temperatures not shown; {where} holds every one" if hidden else None


def shown(value: float, scale: float = MW_PER_M2K, digits: int = 4) -> str:
    """``value / scale`` with ``digits`` significant digits, "inf" where it is not finite: the one format of the
    prediction's numbers in text (``kapitza predict``'s table, ``print(prediction)``)."""
    if not math.isfinite(value):
        return "inf"
    return f"{value / scale:.{digits}g}"


def default_temperatures(m1: Material, m2: Material) -> NDArray[np.float64]:
    """The temperatures of a prediction when none are given (K): 0.1-2 K where a side is a fluid (liquid helium),
    else 1-1000 K."""
    cryo = m1.is_fluid or m2.is_fluid
    return np.array(DEFAULT_CRYOGENIC_TEMPERATURES if cryo else DEFAULT_TEMPERATURES)


# -- the object ---------------------------------------------------------------------------------------------------


@result
class Prediction:
    """What a measurement of one interface is expected to give, and the physics behind it.

    Attributes
    ----------
    expected : ExpectedConductance or None
        The expected measurement with its 68 % band of held-out papers (:mod:`kapitza.prediction.expected`); None
        where there is none (then :attr:`expected_reason` says why).
    expected_reason : str or None
        Why there is no expected measurement (a material from a file, a fluid side, ...); None where there is one.
    total : mapping of str to ndarray, shape (n_T,) each
        Per phonon model, the conductance a measurement of the interface would see, W m^-2 K^-1
        (:meth:`~kapitza.prediction.report.InterfacePrediction.interface_conductance`): G_ph for two non-metals, G_ph
        and the metal's G_ep in series, or the electronic DMM for two metals.  Empty where the electron data it needs
        are not stored (:attr:`total_reason`).
    total_reason : str or None
        Why :attr:`total` is empty.
    physics : InterfacePrediction
        Every phonon model (:class:`~kapitza.prediction.api.ConductanceResult`), the electronic parts, the shipped
        measurements of the pair near the temperatures and their check against the radiation limit, the helium range.
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
    """

    #: :meth:`to_dict` is ``kapitza predict --json``'s document; :meth:`save` writes the fields (:func:`kapitza.load`).
    _to_dict_is_document: ClassVar[bool] = True

    expected: ExpectedConductance | None
    expected_reason: str | None
    total: Mapping[str, NDArray[np.float64]]
    total_reason: str | None
    physics: InterfacePrediction
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

    def __post_init__(self) -> None:
        """The invariants of every prediction, checked also for one loaded from a file: the totals are those of the
        physics' models at its temperatures, finite and >= 0."""
        if not isinstance(self.physics, InterfacePrediction):
            raise InputError(f"Prediction physics must be an InterfacePrediction, got {type(self.physics).__name__}")
        n = self.physics.temperature.size
        for name, values in dict(self.total).items():
            g = np.asarray(values, dtype=float)
            if name not in self.physics.models or g.shape != (n,) or not np.all(np.isfinite(g) & (g >= 0)):
                raise InputError(
                    f"Prediction total of {name!r} must be one finite G >= 0 per temperature of a model it ran"
                )

    # -- what the physics holds, reachable from here ---------------------------------------------------------------

    @property
    def side1(self) -> Material:
        """Side 1 (heat comes from here)."""
        return self.physics.side1

    @property
    def side2(self) -> Material:
        """Side 2 (heat goes there)."""
        return self.physics.side2

    @property
    def temperature(self) -> NDArray[np.float64]:
        """The temperatures, K, shape (n_T,)."""
        return self.physics.temperature

    @property
    def models(self) -> tuple[str, ...]:
        """The phonon models, in the order of :attr:`results`."""
        return self.physics.models

    @property
    def results(self) -> tuple[ConductanceResult, ...]:
        """Each phonon model's :class:`~kapitza.prediction.api.ConductanceResult` (``save``, :func:`kapitza.load`)."""
        return self.physics.results

    @property
    def electronic(self) -> ElectronicParts:
        """The electronic parts: G_ep in series (metal/non-metal) or the electronic DMM (metal/metal)."""
        return self.physics.electronic

    @property
    def measured(self) -> Measurements | None:
        """The shipped measurements of the bare pair near the temperatures, or None."""
        return self.physics.measured

    def result(self, model: str | None = None) -> ConductanceResult:
        """One phonon model's result (the one model where only one ran; ``model`` otherwise)."""
        if model is None:
            if len(self.results) != 1:
                raise InputError(f"this prediction ran {', '.join(self.models)}: name one, result('dmm')")
            return self.results[0]
        return self.results[self.physics.models.index(_model_key(model, self.models))]

    # -- text -------------------------------------------------------------------------------------------------------

    def answer_lines(self) -> list[str]:
        """The answer in plain text: the expected measurement at each temperature (or why there is none), then each
        model's total at each temperature (MW m^-2 K^-1), then the measured range of the pair.  Beyond
        :data:`MAX_SHOWN_TEMPERATURES` temperatures, the first and last :data:`EDGE_ROWS` and one line saying how
        many are left out (:meth:`to_dict` and :meth:`table` hold every one)."""
        lines = expected_lines(self.expected, self.expected_reason)
        lines += self.total_lines()
        if (line := not_shown_line(self.temperature.size, "to_dict() or table()")) is not None:
            lines.append(line)
        if (line := self.measured_line()) is not None:
            lines.append(line)
        return lines

    def total_lines(self) -> list[str]:
        """One line per model: the total a measurement would see at each temperature (MW m^-2 K^-1), what it adds."""
        if not self.total:
            return [f"total G: none ({self.total_reason})"] if self.total_reason else []
        what = {
            "non-metal/non-metal": "the phonon model",
            "metal/metal": "the electronic DMM (electrons carry the heat)",
        }.get(self.electronic.kind, f"G_ph and G_ep of {self.electronic.metal} in series")
        out = [f"total G (MW m^-2 K^-1, what a measurement sees: {what}):"]
        t = self.temperature
        for name, values in self.total.items():
            shown_values = ", ".join("..." if i is None else f"{shown(values[i])} at {t[i]:g} K"
                                     for i in shown_rows(t.size))  # fmt: skip
            out.append(f"  {name}: {shown_values}")
        return out

    def measured_line(self) -> str | None:
        """The measured range of the pair near the temperatures, one line (None without measurements)."""
        rows = self.measured
        return None if rows is None else measured_line(rows, self.side1, self.side2, self.physics.window)

    def __repr__(self) -> str:
        head = f"Prediction: {self.side1.name} -> {self.side2.name} (heat flows from {self.side1.name})"
        return "\n".join([head, *self.answer_lines(), *(f"warning: {w}" for w in self.warnings)])

    __str__ = __repr__

    def _repr_html_(self) -> str:
        """A compact table for a notebook: the expected measurement on the first row, then each model's total; beyond
        :data:`MAX_SHOWN_TEMPERATURES` temperatures the first and last :data:`EDGE_ROWS` of each, and a line
        saying how many are left out."""
        import html

        rows: list[tuple[str, str, str, str]] = []
        e, temps = self.expected, self.temperature
        gap = ("...", "...", "", "")
        for i in shown_rows(temps.size):
            if i is None:
                rows.append(gap)
            elif e is not None and math.isfinite(e.value[i]):
                rows.append(("expected measurement", f"{temps[i]:g}", mw_text(e.value[i]),
                             f"{mw_text(e.low[i])}-{mw_text(e.high[i])}"))  # fmt: skip
            elif e is None:
                rows.append(("expected measurement", f"{temps[i]:g}", "not available", self.expected_reason or ""))
        for name, values in self.total.items():
            rows += [gap if i is None else (f"{name} (total)", f"{temps[i]:g}", shown(values[i]), "")
                     for i in shown_rows(temps.size)]  # fmt: skip
        cells = "".join(
            f"<tr><td>{html.escape(a)}</td><td>{html.escape(b)}</td><td>{html.escape(c)}</td><td>{html.escape(d)}</td>"
            "</tr>"
            for a, b, c, d in rows
        )
        hidden = not_shown_line(temps.size, "to_dict(), table() or to_dataframe()")
        notes = f"<p>{html.escape(hidden)}</p>" if hidden else ""
        notes += "".join(f"<p>warning: {html.escape(w)}</p>" for w in self.warnings)
        title = html.escape(f"{self.side1.name} \u2192 {self.side2.name}")
        return (
            f"<div><strong>{title}</strong><table><thead><tr><th>what</th><th>T (K)</th>"
            f"<th>G (MW m<sup>-2</sup> K<sup>-1</sup>)</th><th>68 % band</th></tr></thead><tbody>{cells}</tbody>"
            f"</table>{notes}</div>"
        )

    # -- documents, tables, figures -------------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """The ``kapitza predict --json`` document: exact SI values; the expected measurement first, then the totals,
        then the physics (:meth:`~kapitza.prediction.report.InterfacePrediction.to_dict`), the warnings and the
        provenance; with the structure route the crystals, their band and long waves."""
        doc: dict[str, Any] = {
            "expected": expected_document(self.expected, self.expected_reason),
            "total": {"conductance_w_m2k": {k: v.tolist() for k, v in self.total.items()},
                      "reason": self.total_reason},
        }  # fmt: skip
        doc |= self.physics.to_dict()
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
        """G(T) of every model on the dense grid of a figure (:func:`~kapitza.prediction.report.plot_temperatures`),
        and the expected measurement on the same grid (None where there is none), on the same spectra and crystals."""
        dense = plot_temperatures(self.temperature, self.side1, self.side2)
        curves = self.physics.results_at(dense)
        drawn = None
        if self.expected is not None:
            sides = (self.side1, self.side2) if self.crystals is None else self.crystals
            method = self.expected.method
            drawn = expected_or_reason(sides[0], sides[1], curves[0].temperature, method, self.crystals)[0]
        return curves, drawn

    def measured_rows(self) -> Measurements | None:
        """The compilation's bare rows of the pair at every temperature (the figure's crosses): by database name, or
        for crystals built from structure by the names the compilation writes (their formulas)."""
        from ..literature import measurements_for

        if self.crystals is not None:
            return measurements_named(self.crystals[0].name, self.crystals[1].name)
        if self.side1.origin == "database" and self.side2.origin == "database":
            return measurements_for(self.side1.name, self.side2.name)
        return None


def _model_key(model: str, models: Sequence[str]) -> str:
    key = get_model(model).name if isinstance(model, str) else model
    if key not in models:
        raise InputError(f"model {model!r} was not run here; this prediction ran {', '.join(models)}")
    return key


# -- the words (one copy, shared by the text, the notebook and --explain) -----------------------------------------


def expected_lines(expected: ExpectedConductance | None, why_not: str | None) -> list[str]:
    """The expected measurement, one line per temperature shown (:func:`shown_rows`; "..." where some are left
    out), or the line saying why there is none."""
    if expected is None:
        return [f"expected measurement: not available ({why_not})"]
    return ["..." if i is None else expected.line(i) for i in shown_rows(expected.temperature.size)]


def expected_provenance(expected: ExpectedConductance) -> str:
    """What the estimate used, and how it scored on held-out papers (the calibration page's numbers)."""
    used = "; ".join(expected.inputs)
    papers = f"; the papers that measured the pair: {', '.join(expected.other_papers)}" if expected.other_papers else ""
    if math.isfinite(expected.held_out_factor):
        scored = (
            f"; held out by paper ({expected.held_out_rows} rows of {expected.held_out_papers} papers"
            f"{', pairs ' + expected.held_out_split if expected.held_out_split else ''}), the estimate "
            f"was off by a median x{expected.held_out_factor:.2f} and its band held "
            f"{100 * expected.held_out_coverage:.0f} % of the papers (docs: reference/calibration)"
        )
    else:
        scored = ""
    return f"expected measurement ({expected.route} route): {used}{papers}{scored}"


def material_origin(material: Material, spec: Any) -> str:
    """Where a material's data came from, in words: "database" or "file mine.toml".

    Uses the material's own ``origin`` when it has one; otherwise how the side was named (a path or a .toml name is
    a user's file)."""
    origin = getattr(material, "origin", None)
    if isinstance(origin, str) and origin:
        return origin
    text = os.fspath(spec) if isinstance(spec, (str, os.PathLike)) else str(spec)
    if text.lower().endswith(".toml") or "/" in text or "\\" in text or ":" in text:
        return f"file {Path(text.split(':')[0]).name}"
    return "database"


def kappa_footnote(results: Sequence[ConductanceResult], origins: tuple[str, str] | None = None) -> str:
    """The Kapitza-length footnote: where each side's kappa(T) came from, and where L_K is n/a.

    A database solid uses its tabulated kappa(T) (range named); a user's file keeps its one conductivity ("kappa
    near 300 K from the file mine.toml").  Temperatures outside a side's table get no L_K (printed n/a, "nan" in
    JSON, empty in CSV) and are listed here.
    """
    m1, m2 = results[0].side1, results[0].side2
    origins = origins or ("database", "database")
    where, outside = [], []
    for m, origin in zip((m1, m2), origins):
        if m.thermal_conductivity is None:
            continue
        if origin == "database" and uses_conductivity_table(m):
            low, high = conductivity_table(m).range
            where.append(f"{m.name}: \u03ba(T) table {low:g}-{high:g} K, database")
            bad = conductivity_gaps(m, *(r.temperature for r in results))
            if bad.size:
                at = ", ".join(f"{t:g}" for t in bad)
                if bad.size > 4:
                    at = f"{bad.size} temperatures, {bad[0]:g}-{bad[-1]:g}"
                outside.append(f"{m.name} at {at} K (table {low:g}-{high:g} K)")
        else:
            if origin == "user":
                source = "material record"
            else:  # "file mine.toml", or the file's path as the material's own origin
                source = origin if origin.startswith("file ") else f"file {Path(origin).name}"
            where.append(f"{m.name}: \u03ba near 300 K from the {source}")
    if not where:
        return "no side has a bulk thermal conductivity: no Kapitza lengths"
    text = f"L_K = \u03ba(T) R, the bulk thickness with the interface's resistance at T ({'; '.join(where)})"
    if outside:
        text += f"\nL_K n/a outside the \u03ba(T) table (no extrapolation): {'; '.join(outside)}"
    return text


def _temperature_list(values: list[float]) -> str:
    if len(values) <= 4:
        return ", ".join(f"{t:g}" for t in values) + " K"
    return f"{len(values)} temperatures from {min(values):g} to {max(values):g} K"


def limiting_line(parts: ElectronicParts) -> str:
    """Which resistance limits the metal/non-metal conductance: the electron-phonon zone or the phonons."""
    gep = shown(parts.electron_phonon)
    where = {
        model: [float(t) for t, who in zip(parts.temperature, row) if who == "electron-phonon"]
        for model, row in zip(parts.models, parts.limited_by)
    }
    n_ep = sum(len(v) for v in where.values())
    if n_ep == len(parts.models) * parts.temperature.size:
        return (
            f"electron-phonon coupling in {parts.metal} limits: G_ep = {gep} MW m\u207b\u00b2 K\u207b\u00b9 "
            "< G_ph for every model and temperature shown"
        )
    if n_ep == 0:
        return (
            f"phonons limit: G_ph < G_ep = {gep} MW m\u207b\u00b2 K\u207b\u00b9 for every model and temperature shown"
        )
    listed = "; ".join(f"{model} at {_temperature_list(ts)}" for model, ts in where.items() if ts)
    return (
        f"electron-phonon coupling in {parts.metal} limits (G_ep = {gep} MW m\u207b\u00b2 K\u207b\u00b9 < G_ph) "
        f"for {listed}; phonons limit elsewhere"
    )


def electron_phonon_line(parts: ElectronicParts) -> str:
    """R_ep named with its source and the metal's numbers behind it."""
    factor = ""
    if parts.two_temperature_factor is not None:
        factor = f", times the two-temperature factor (1 + \u03ba_p/\u03ba_e)^3/2 = {parts.two_temperature_factor:.3g}"
    return (
        f"R_ep = 1/sqrt(g \u03ba_p) ({ELECTRON_PHONON_REFERENCE}): the electrons of {parts.metal} hand the heat to "
        f"its phonons before it can cross, in series with each phonon model's R; g = {parts.coupling:.3g} "
        f"W m\u207b\u00b3 K\u207b\u00b9, \u03ba_p = {parts.kappa_phonon:g} W m\u207b\u00b9 K\u207b\u00b9 "
        f"(room-temperature values, used at every T){factor}: "
        f"R_ep = {shown(parts.electron_phonon_resistance, M2K_PER_GW)} m\u00b2 K GW\u207b\u00b9"
    )


def metal_metal_line(parts: ElectronicParts) -> str:
    """The statement that phonon models do not describe a metal/metal interface."""
    return (
        f"{parts.side1}/{parts.side2} is a metal/metal interface: electrons carry the heat across it. The phonon "
        "models below do not describe it; their numbers are the phonon channel only, in parallel with the electrons."
    )


def model_lines(models: Sequence[str]) -> list[str]:
    """Each shown model in words, one line each, from the registry."""
    return [f"{name} = {get_model(name).description}" for name in models]


def measured_line(rows: Measurements, m1: Material, m2: Material, window: float = DEFAULT_WINDOW) -> str:
    """The measured range for the pair near the requested temperatures, one line."""
    info = measured_summary(rows, window)
    (t_lo, t_hi), (g_lo, g_hi) = info["temperature_k"], info["conductance_w_m2k"]
    span = f"{t_lo:.4g} K" if t_lo == t_hi else f"{t_lo:.4g}-{t_hi:.4g} K"
    g_range = shown(g_lo) if g_lo == g_hi else f"{shown(g_lo)}-{shown(g_hi)}"
    values = "value" if info["count"] == 1 else "values"
    papers = "paper" if info["papers"] == 1 else "papers"
    n_above = info["above_physical_bound"]
    one = info["count"] == 1
    above = (
        f"; {'it lies' if one else f'{n_above} of them lie'} above the physical upper bound of the pair (no physics "
        f"allows such a value; kapitza validate leaves {'it' if one else 'them'} out)"
        if n_above
        else ""
    )
    return (
        f"measured (within {100 * window:g} % of the requested temperatures): {info['count']} {values} from "
        f"{info['papers']} {papers}, {span}, G = {g_range} MW m\u207b\u00b2 K\u207b\u00b9, "
        f"methods: {', '.join(info['methods'])} (kapitza measured {m1.name} {m2.name} lists them){above}"
    )


def above_limit_line(found: RadiationLimitCheck) -> str:
    """The hint that measurements above the radiation limit need inelastic scattering."""
    worst = f" (up to {found.max_ratio:.3g} times)" if found.max_ratio is not None else ""
    return (
        f"{found.count} of these {found.of} measured values exceed the phonon radiation limit at their "
        f"temperature{worst}: elastic phonon scattering cannot carry that much heat, inelastic scattering can; "
        "see --inelastic (tau_inel = A T^q \u03c9^m)"
    )


def helium_line(helium: HeliumRange, measured: bool) -> str:
    """What measured solid/helium resistances do against the AMM-DMM range, with the sources (their abstracts)."""
    none = "" if measured else f"no measured value of {helium.solid}/{helium.fluid} in the shipped compilation; "
    return f"expected range: {none}{helium.text}"


def empirical_line(estimate: EmpiricalEstimate | None, why_not: str | None) -> str:
    """One line: the empirical values with their 68 % band and what they are, or why there are none."""
    if estimate is None:
        return f"empirical estimate: not available ({why_not})"
    values = "; ".join(
        f"{t:g} K: {v / MW_PER_M2K:.3g} ({lo / MW_PER_M2K:.3g}-{hi / MW_PER_M2K:.3g})"
        for t, v, lo, hi in zip(estimate.temperature, estimate.value, estimate.low, estimate.high)
    )
    return f"empirical estimate (not physics), G in MW m⁻² K⁻¹ with its 68 % band: {values}. {estimate.text}"


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


# -- assembling it ------------------------------------------------------------------------------------------------


def _totals(physics: InterfacePrediction) -> tuple[dict[str, NDArray[np.float64]], str | None]:
    """Each model's interface conductance, or none and why (the electron data it needs are not stored)."""
    try:
        return {name: physics.interface_conductance(name) for name in physics.models}, None
    except InputError as exc:
        return {}, str(exc)


def _warnings_and_provenance(
    physics: InterfacePrediction, expected: ExpectedConductance | None, origins: tuple[str, str]
) -> tuple[list[str], list[tuple[str, str]]]:
    """The warnings and the provenance of the physics and the expected measurement, in the order the command prints
    them."""
    warnings: list[str] = []
    details: list[tuple[str, str]] = []
    if expected is not None:
        warnings += list(expected.notes)
        details.append(("what the expected measurement rests on", expected_provenance(expected)))
    parts, m1, m2 = physics.electronic, physics.side1, physics.side2
    if parts.kind == "metal/metal":
        if parts.electronic_dmm is not None:
            t12 = parts.electronic_dmm.transmission_12
            formula = "G = Z1 Z2 T / (4 (Z1 + Z2)), Z = gamma v_F"
            details.append(("electrons", f"electronic DMM ({ELECTRONIC_DMM_REFERENCE}): {formula}, t_12 = {t12:.3g}"))
        else:
            warnings.append(f"electronic DMM ({ELECTRONIC_DMM_REFERENCE}): {parts.missing}")
        details.append(("electrons", metal_metal_line(parts)))
    caption = kappa_footnote(physics.results, origins)
    if parts.total is not None:
        caption = caption.replace("\u03ba(T) R,", "\u03ba(T) R_total,")
    details.append(("Kapitza lengths", caption))
    if any(r.settings.inelastic is not None for r in physics.results):
        p = physics.results[0].settings.inelastic
        details.append((
            "Kapitza lengths",
            f"with the inelastic channel tau_inel = A T^q \u03c9^m, A = {p.A:g}, q = {p.q:g}, m = {p.m:g} (T in K, "
            "\u03c9 in rad/s)",
        ))  # fmt: skip
    if parts.total is not None:
        details.append(("electrons", limiting_line(parts)))
        details.append(("electrons", electron_phonon_line(parts)))
    elif parts.kind in SERIES_KINDS and parts.missing:
        warnings.append(f"{parts.missing}; phonon numbers only")
    details += [("models in words", line) for line in model_lines(physics.models)]
    over = physics.radiation_limit
    if over is not None and over.count:
        warnings.append(above_limit_line(over))
    if physics.interlayer_rows:
        lead = "besides" if physics.measured is not None else "no bare-interface measurement near these temperatures;"
        details.append((
            "measurements",
            f"{lead} {physics.interlayer_rows} measured with a layer between {m1.name} and {m2.name} (another "
            f"interface, not compared here: kapitza measured {m1.name} {m2.name} --interlayers)",
        ))  # fmt: skip
    if physics.helium is not None:
        details.append(("helium", helium_line(physics.helium, physics.measured is not None)))
    validity = set(validity_notes(m1, m2, physics.temperature))  # where the models stop describing the pair
    for note in physics.notes:
        if note in validity:
            warnings.append(note)
        else:
            details.append(("notes", f"note: {note}"))
    return warnings, details


def _crystal_provenance(
    crystals: tuple[Any, Any], calculator: str, chosen: bool, band_line: str, waves: str | None
) -> list[tuple[str, str]]:
    """Each crystal's relaxation and record, then the calculator's band and long waves."""
    from ..phonons.crystal_report import crystal_lines

    out: list[tuple[str, str]] = []
    topic = "crystals and relaxations"
    if chosen:
        out.append((
            topic,
            f"a side is not a database material: both crystals were built from their structures with {calculator}, "
            "the default potential (--calculator, or calculator=, to choose another)",
        ))  # fmt: skip
    for crystal in crystals:
        out += [(topic, line) for line in crystal_lines(crystal)]
    out.append((topic, f"phonons from {crystals[0].calculator_description}"))
    out.append(("the DMM's own band", band_line))
    if waves is not None:
        out.append(("long waves", waves))
    return out


def _side_document(side: Any) -> dict[str, Any]:
    """The JSON record of a side built from its structure: its crystal, or its long waves where they stood in."""
    from ..phonons.crystal_report import crystal_document

    return side.document() if _is_long_waves(side) else crystal_document(side)


def _long_wave_provenance(built: tuple[Any, Any], chosen: bool) -> list[tuple[str, str]]:
    """What each side rests on where a side's long waves stood in: the refusal whole, the elastic constants and their
    averages; the other crystal's relaxation and record."""
    from ..phonons.crystal_report import crystal_lines

    topic = "crystals and relaxations"
    out: list[tuple[str, str]] = []
    if chosen:
        out.append((topic, f"a side is not a database material: both crystals were built from their structures with "
                           f"{built[0].calculator}, the default potential (--calculator, or calculator=, to choose "
                           "another)"))  # fmt: skip
    for side in built:
        if not _is_long_waves(side):
            out += [(topic, line) for line in crystal_lines(side)]
            continue
        e = side.elastic
        out += [
            (topic, f"{side.name}: phonons refused: {side.refusal}"),
            (topic, f"{side.name}: relaxed-ion elastic constants with {e.calculator} ({e.spacegroup}, {e.atoms} atoms "
                    f"in the conventional cell, relaxed a, b, c = {e.relaxed_cell[0]:.4f}, {e.relaxed_cell[1]:.4f}, "
                    f"{e.relaxed_cell[2]:.4f} A): smallest eigenvalue {e.smallest_eigenvalue:.3g} GPa, stable"),
            (topic, f"{side.name}: v_l and v_t are the {side.material.sound_speed_average}; density "
                    f"{side.material.density:.5g} kg m^-3 of the relaxed cell"),
        ]  # fmt: skip
    return out


def _structure_sides(
    side1: Any, side2: Any, calculator: str, max_memory_gb: float | None, progress: Progress | None
) -> tuple[Any, Any]:
    """Both sides built from their structures with one calculator source (its factory called once), both refused or
    accepted for their memory, and their time stated together, before the first one's forces (each crystal states
    its own supercells when it starts)."""
    from ..atomistic.calculators import calculator_source
    from ..atomistic.force_cost import duration_words, say
    from ..phonons.supercell_plan import planned_cost

    source = calculator_source(calculator)
    costs = [planned_cost(side, source, max_memory_gb=max_memory_gb) for side in (side1, side2)]
    if all(c.known for c in costs):
        rule = sum(float(c.seconds() or 0.0) for c in costs)
        worst = sum(float(c.seconds(widest=True) or 0.0) for c in costs)
        say(f"the two crystals' phonons with {source.name}: {duration_words(rule)} stated, {duration_words(worst)} "
            "if every widening is tried (a crystal already in the cache costs nothing)")  # fmt: skip
    first = _phonons_or_long_waves(side1, source, max_memory_gb, progress)
    return first, _phonons_or_long_waves(side2, source, max_memory_gb, progress)


def _phonons_or_long_waves(side: Any, source: Any, max_memory_gb: float | None, progress: Progress | None) -> Any:
    """A side's crystal from its structure (:func:`~kapitza.phonons.from_structure.crystal_phonons`), or, where the
    potential refuses its phonons for imaginary frequencies (not its memory bound, not its input: those refusals
    stand), its long waves from the same potential's elastic constants
    (:func:`~kapitza.phonons.long_waves.long_wave_crystal`; the refusal stands where they are unstable too)."""
    from ..errors import DynamicalInstabilityError
    from ..phonons.from_structure import crystal_phonons
    from ..phonons.long_waves import long_wave_crystal

    try:
        return crystal_phonons(side, source, max_memory_gb=max_memory_gb, progress=progress)
    except DynamicalInstabilityError as refusal:
        return long_wave_crystal(side, source, refusal, max_memory_gb=max_memory_gb, progress=progress)


def _long_wave_sides(
    built: tuple[Any, Any], settings: Settings, unused: Sequence[str], names: OptionNames
) -> tuple[Settings, list[str]]:
    """Where a side's long waves stood in for its phonons (:class:`~kapitza.phonons.long_waves.LongWaveCrystal`):
    Debye settings for both sides (a DMM compares the two sides' spectra, so both take one dispersion: the other
    crystal's record is its own phonons' long waves, :func:`~kapitza.phonons.derived_record.derived_material`), and
    the warnings that say so; ``unused``: the full-dispersion options given, which Debye spectra do not take."""
    from ..phonons.long_waves import LongWaveCrystal

    fallen = [c for c in built if isinstance(c, LongWaveCrystal)]
    debye = Settings(cutoff=settings.cutoff, statistics=settings.statistics, inelastic=settings.inelastic,
                     option_names=names)  # fmt: skip
    words = [c.warning() for c in fallen]
    others = [c for c in built if not isinstance(c, LongWaveCrystal)]
    if others:
        other = others[0]
        words.append(
            f"{other.name} takes Debye dispersion too, from the long waves of its own {other.calculator} phonons "
            f"(v_l = {other.material.v_l:.0f} m/s, v_t = {other.material.v_t:.0f} m/s), not its full dispersion: a DMM "
            "needs one dispersion on both sides"
        )
    if unused:
        one = len(unused) == 1
        words.append(f"{', '.join(names(o) for o in unused)} describe{'s' if one else ''} full dispersion and "
                     f"{'is' if one else 'are'} not used with Debye spectra")  # fmt: skip
    return debye, words


def _long_wave_reason(built: tuple[Any, Any], m1: Material, m2: Material) -> str | None:
    """Why the expected measurement has no route where a side's long waves stood in, or None where the database route
    takes the pair (both database materials: its own records, measured sound speeds, not the potential's)."""
    from ..phonons.long_waves import LongWaveCrystal

    outside = [m.name for m in (m1, m2) if m.origin != "database"]
    if not outside:
        return None
    refused = " and ".join(c.name for c in built if isinstance(c, LongWaveCrystal))
    return (
        f"the phonons of {refused} were refused, so the structure route (which learnt from the full-dispersion DMM of "
        f"both crystals) has no input, and the database route learnt from database materials only "
        f"({' and '.join(outside)} {'is not one' if len(outside) == 1 else 'are not'}); the Debye models below "
        "are the answer"
    )


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
) -> Prediction:
    """The conductance a measurement of the interface ``side1`` -> ``side2`` is expected to give, and the physics.

    ``kapitza predict`` is this function, rendered: the same inputs give the same object and numbers.

    Parameters
    ----------
    side1, side2 : str, path, Material, FullDispersionSpectrum or StructurePhonons
        Incident (heat comes from here) and receiving side: a database material (name or alias), a material file,
        a Material, a ready full-dispersion spectrum or a crystal from its structure; a structure file,
        ``NAME:STRUCTURE:a=...`` or a crystal of kapitza's crystal table is built from its structure with
        ``calculator`` (the default potential where none is named and a side is not a database material).
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
    chosen = calculator is None
    if calculator is None:
        calculator = default_calculator((side1, side2), names("calculator").rstrip("="))
    chosen = chosen and calculator is not None
    memory = memory_bound(max_memory_gb, calculator, names)
    if compare_debye and calculator is not None:
        raise InputError(
            f"{names('compare_debye')} compares with the database's Debye spectra of database materials; leave out "
            f"{names('calculator')} (or compare the record's Debye numbers: kapitza materials show NAME --calculator)"
        )
    if method is not None and not isinstance(method, str):
        raise InputError(f"{names('method')} must be a name (TDTR, FDTR, 3omega, platform, other), got {method!r}")
    sample = (
        family_option(deposition, DEPOSITIONS, names("deposition").rstrip("=")),
        family_option(surface, SURFACES, names("surface").rstrip("=")),
    )
    given: tuple[Any, Any] = (side1, side2)
    if calculator is None:
        given = (_database_side(side1, names), _database_side(side2, names))
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
        crystals = _structure_sides(side1, side2, calculator, memory, progress)
        given = crystals
        if any(_is_long_waves(c) for c in crystals):  # a side's long waves stand in for its refused phonons
            unused = [o for o, v in (("normal", normal), ("mesh", mesh), ("width", width)) if v is not None]
            settings, stood_in = _long_wave_sides(crystals, settings, unused, names)
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
    return _assemble(physics, (side1, side2), crystals, calculator, chosen, method, empirical, comparisons, sample)


def _is_long_waves(side: Any) -> bool:
    from ..phonons.long_waves import LongWaveCrystal

    return isinstance(side, LongWaveCrystal)


def _database_side(side: Any, names: OptionNames) -> Any:
    """A named side without a calculator: the database material (the refusal says the way to a calculator for a
    crystal of kapitza's crystal table); a Material, a ready spectrum or a crystal already built as it is."""
    if isinstance(side, (str, os.PathLike)):
        return database_material(side, names("calculator").rstrip("="))
    return side


def _material_of(side: Any) -> Material:
    """The Material of a side (a Material, a crystal built from its structure, or a ready spectrum's material)."""
    if isinstance(side, Material):
        return side
    found = getattr(side, "material", side)
    return found if isinstance(found, Material) else database_material(found)


def _assemble(
    physics: InterfacePrediction,
    sides: tuple[Any, Any],
    crystals: tuple[Any, Any] | None,
    calculator: str | None,
    chosen: bool,
    method: str | None,
    empirical: bool,
    comparisons: tuple[DebyeComparison, ...],
    sample: tuple[str, str] = ("unknown", "unknown"),
    long_waves: tuple[tuple[Any, Any], list[str]] | None = None,
) -> Prediction:
    """The prediction around its physics: the expected measurement, the totals, the words.  ``long_waves``: the two
    sides as built where a side's long waves stood in for its refused phonons, and the warnings that say so."""
    from ..phonons.crystal_report import crystal_document
    from .mlip_band import band_line as stored_band_line
    from .mlip_band import calculator_band

    m1, m2 = physics.side1, physics.side2
    t = physics.temperature
    origins = (material_origin(m1, sides[0]), material_origin(m2, sides[1]))
    why_not = None if long_waves is None else _long_wave_reason(long_waves[0], m1, m2)
    expected = None
    if why_not is None:
        expected, why_not = expected_or_reason(m1, m2, t, method, crystals, sample)
    totals, total_reason = _totals(physics)
    warnings, details = _warnings_and_provenance(physics, expected, origins)
    if long_waves is not None:
        warnings[:0] = long_waves[1]
        details += _long_wave_provenance(long_waves[0], chosen)
    if expected is None:
        warnings.insert(0, f"expected measurement: not available ({why_not})")
    band, waves, records = None, None, ()
    if long_waves is not None:
        records = tuple(_side_document(c) for c in long_waves[0])
        if expected is not None:
            details.append(("crystals and relaxations", f"the expected measurement is the database route's, on the "
                            f"database's records of {m1.name} and {m2.name} (measured sound speeds): the structure "
                            "route needs the full dispersion of both crystals"))  # fmt: skip
    if crystals is not None and calculator is not None:
        unpredicted = physics.electronic.kind == "metal/metal" and physics.electronic.electronic_dmm is None
        band = None if unpredicted else calculator_band(calculator)
        waves = None if band is None else _pair_long_waves(crystals, band)
        line = NO_BAND_TWO_METALS if unpredicted else stored_band_line(calculator)
        details += _crystal_provenance(crystals, calculator, chosen, line, waves)
        records = tuple(crystal_document(c) for c in crystals)
    estimate, no_estimate = (None, None)
    if empirical:
        estimate, no_estimate = empirical_or_reason(m1, m2, t)
    return Prediction(
        expected=expected,
        expected_reason=why_not,
        total=totals,
        total_reason=total_reason,
        physics=physics,
        warnings=tuple(warnings),
        provenance=tuple(details),
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
    )


def _pair_long_waves(crystals: tuple[Any, Any], band: Any) -> str | None:
    """What the validation measured on pairs as soft as this one (:meth:`CalculatorBand.pair_line`), or None."""
    from ..phonons.elastic import stiffness_errors_of

    return band.pair_line([stiffness_errors_of(c) for c in crystals])
