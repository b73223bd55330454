"""The words of a prediction, in one place: what :class:`~kapitza.prediction.answer.Prediction` says about itself
(``print``, the notebook's table, :meth:`~kapitza.prediction.answer.Prediction.answer_lines`) and what ``kapitza
predict`` prints around its tables: the expected measurement's lines, each model's total, the measured range, the
warnings that change a decision and the provenance behind ``--explain`` (what each number rests on, the models in
words, the electrons, the crystals and their relaxations), and the notes where the temperatures leave the models'
ground.  The object holds the numbers; every sentence about them is written here, once.

Numbers in text are MW m^-2 K^-1 and m^2 K GW^-1 (:func:`shown`); beyond :data:`MAX_SHOWN_TEMPERATURES`
temperatures a text shows the first and last :data:`EDGE_ROWS` (:func:`shown_rows`) and one line saying how many it
left out (:func:`not_shown_line`).  A function here takes a prediction (or its parts) and returns text; it computes
nothing the object does not hold.
"""

from __future__ import annotations

import html
import math
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..literature import DEFAULT_WINDOW, Measurements
from ..materials import Material
from ..materials.conductivity import conductivity_table, uses_conductivity_table
from ..units import M2K_PER_GW, MW_PER_M2K
from .api import ConductanceResult
from .empirical import EmpiricalEstimate
from .expected import ExpectedConductance, expected_line, mw_text
from .interface import (
    ELECTRON_PHONON_REFERENCE,
    ELECTRONIC_DMM_REFERENCE,
    SERIES_KINDS,
    ElectronicParts,
)
from .notes import validity_notes
from .physics import HeliumRange, RadiationLimitCheck, conductivity_gaps, measured_summary
from .registry import get_model
from .settings import OptionNames

__all__ = [
    "EDGE_ROWS",
    "MAX_SHOWN_TEMPERATURES",
    "NO_BAND_TWO_METALS",
    "above_limit_line",
    "answer_lines",
    "electron_phonon_line",
    "empirical_line",
    "expected_lines",
    "expected_provenance",
    "helium_line",
    "html_table",
    "kappa_footnote",
    "limiting_line",
    "long_wave_warnings",
    "material_origin",
    "measured_line",
    "metal_metal_line",
    "model_lines",
    "not_shown_line",
    "prediction_words",
    "shown",
    "shown_rows",
    "summary_line",
    "text",
    "total_lines",
]

#: Names that moved to :mod:`kapitza.prediction.notes` (issue 85 item 6: the presenter holds words, not physics).
_MOVED = dict.fromkeys(("KAPITZA_ANOMALY_REFERENCE", "cryogenic_notes", "physics_notes", "unchecked_material_notes",
                        "unchecked_notes", "validity_notes"), "kapitza.prediction.notes")  # fmt: skip

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


# -- the answer: print(prediction), the notebook's table, kapitza predict's lead ------------------------------------
#
# Each reads the answer's one document (:meth:`~kapitza.prediction.answer.Prediction.to_dict`, what ``--json``
# prints; numbers or "inf"/"nan"), so a saved ``--json`` prints again as the same text and table.


#: The keys of a prediction's document (:meth:`~kapitza.prediction.answer.Prediction.to_dict`) its text is written
#: from.
DOCUMENT_KEYS = ("expected", "total", "temperature_k", "side1", "side2", "interface_kind", "electron_phonon",
                 "measured", "warnings")  # fmt: skip


def _document(doc: Any) -> Mapping[str, Any]:
    """``doc`` as a prediction's document, or InputError in one line: a mapping with :data:`DOCUMENT_KEYS` (a saved
    ``kapitza predict --json`` read back is one)."""
    if not isinstance(doc, Mapping):
        raise InputError(f"a prediction's document is a mapping (Prediction.to_dict(), or a saved kapitza predict "
                         f"--json read back), got {type(doc).__name__}")  # fmt: skip
    missing = [k for k in DOCUMENT_KEYS if k not in doc]
    if missing:
        raise InputError(f"not a prediction's document (Prediction.to_dict(), kapitza predict --json): it has no "
                         f"{', '.join(missing)}")  # fmt: skip
    return doc


def _values(values: Sequence[Any]) -> list[float]:
    """A document's numbers as floats ("inf" and "nan" are how the JSON writes the non-finite ones)."""
    return [float(v) for v in values]


def answer_lines(doc: Mapping[str, Any]) -> list[str]:
    """The answer of a prediction's document ``doc`` in plain text: the expected measurement at each temperature (or
    why there is none), then each model's total at each temperature (MW m^-2 K^-1), then the measured range of the
    pair.  Beyond :data:`MAX_SHOWN_TEMPERATURES` temperatures, the first and last :data:`EDGE_ROWS` and one line
    saying how many are left out (``to_dict()`` and ``table()`` hold every one)."""
    doc = _document(doc)
    lines = expected_lines(doc["expected"])
    lines += total_lines(doc)
    if (line := not_shown_line(len(doc["temperature_k"]), "to_dict() or table()")) is not None:
        lines.append(line)
    if (line := pair_measured_line(doc)) is not None:
        lines.append(line)
    return lines


def total_lines(doc: Mapping[str, Any]) -> list[str]:
    """One line per model of a prediction's document ``doc``: the total a measurement would see at each temperature
    (MW m^-2 K^-1), and what it adds."""
    total = doc["total"]
    if not total["conductance_w_m2k"]:
        return [f"total G: none ({total['reason']})"] if total["reason"] else []
    metal = (doc["electron_phonon"] or {}).get("metal", "the metal")
    what = {
        "non-metal/non-metal": "the phonon model",
        "metal/metal": "the electronic DMM (electrons carry the heat)",
    }.get(doc["interface_kind"], f"G_ph and G_ep of {metal} in series")
    out = [f"total G (MW m^-2 K^-1, what a measurement sees: {what}):"]
    t = _values(doc["temperature_k"])
    for name, values in total["conductance_w_m2k"].items():
        g = _values(values)
        shown_values = ", ".join("..." if i is None else f"{shown(g[i])} at {t[i]:g} K" for i in shown_rows(len(t)))
        out.append(f"  {name}: {shown_values}")
    return out


def pair_measured_line(doc: Mapping[str, Any]) -> str | None:
    """The measured range of the pair of a prediction's document ``doc`` near its temperatures, one line (None
    without measurements)."""
    summary = doc["measured"]
    return None if summary is None else summary_line(summary, doc["side1"], doc["side2"])


def text(doc: Mapping[str, Any]) -> str:
    """``print(prediction)``: the pair, the answer (:func:`answer_lines`) and the warnings, of its document."""
    doc = _document(doc)
    first, second = doc["side1"], doc["side2"]
    head = f"Prediction: {first} -> {second} (heat flows from {first})"
    return "\n".join([head, *answer_lines(doc), *(f"warning: {w}" for w in doc["warnings"])])


def html_table(doc: Mapping[str, Any]) -> str:
    """A compact table of a prediction's document ``doc`` for a notebook: the expected measurement on the first row,
    then each model's total; beyond :data:`MAX_SHOWN_TEMPERATURES` temperatures the first and last
    :data:`EDGE_ROWS` of each, and a line saying how many are left out."""
    rows: list[tuple[str, str, str, str]] = []
    doc = _document(doc)
    e, temps = doc["expected"], _values(doc["temperature_k"])
    value, low, high = (_values(e.get(k, ())) for k in ("conductance_w_m2k", "low_w_m2k", "high_w_m2k"))
    gap = ("...", "...", "", "")
    for i in shown_rows(len(temps)):
        if i is None:
            rows.append(gap)
        elif e["available"] and math.isfinite(value[i]):
            rows.append(("expected measurement", f"{temps[i]:g}", mw_text(value[i]),
                         f"{mw_text(low[i])}-{mw_text(high[i])}"))  # fmt: skip
        elif not e["available"]:
            rows.append(("expected measurement", f"{temps[i]:g}", "not available", e["reason"] or ""))
    for name, values in doc["total"]["conductance_w_m2k"].items():
        g = _values(values)
        rows += [gap if i is None else (f"{name} (total)", f"{temps[i]:g}", shown(g[i]), "")
                 for i in shown_rows(len(temps))]  # fmt: skip
    cells = "".join(
        f"<tr><td>{html.escape(a)}</td><td>{html.escape(b)}</td><td>{html.escape(c)}</td><td>{html.escape(d)}</td></tr>"
        for a, b, c, d in rows
    )
    hidden = not_shown_line(len(temps), "to_dict(), table() or to_dataframe()")
    notes = f"<p>{html.escape(hidden)}</p>" if hidden else ""
    notes += "".join(f"<p>warning: {html.escape(w)}</p>" for w in doc["warnings"])
    title = html.escape(f"{doc['side1']} \u2192 {doc['side2']}")
    return (
        f"<div><strong>{title}</strong><table><thead><tr><th>what</th><th>T (K)</th>"
        f"<th>G (MW m<sup>-2</sup> K<sup>-1</sup>)</th><th>68 % band</th></tr></thead><tbody>{cells}</tbody>"
        f"</table>{notes}</div>"
    )


# -- documents, tables, figures -------------------------------------------------------------------------------


# -- the lines (one copy, shared by the text, the notebook and --explain) ------------------------------------------


#: How the line that says the expected measurement is missing begins (the command leads with it: the answer is that
#: there is none, and why).
NOT_AVAILABLE = "expected measurement: not available"


def expected_lines(document: Mapping[str, Any]) -> list[str]:
    """The expected measurement of its document (:func:`~kapitza.prediction.expected.expected_document`), one line per
    temperature shown (:func:`shown_rows`; "..." where some are left out), or the line saying why there is none."""
    if not document["available"]:
        return [f"{NOT_AVAILABLE} ({document['reason']})"]
    return ["..." if i is None else expected_line(document, i) for i in shown_rows(len(document["temperature_k"]))]


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
    """The measured range for the pair near the requested temperatures, one line (:func:`summary_line`)."""
    return summary_line(measured_summary(rows, window), m1.name, m2.name)


def summary_line(info: Mapping[str, Any], name1: str, name2: str) -> str:
    """The measured range of a pair, one line, from its summary (:func:`~kapitza.prediction.physics.measured_summary`,
    the ``measured`` of a prediction's document)."""
    (t_lo, t_hi), (g_lo, g_hi) = _values(info["temperature_k"]), _values(info["conductance_w_m2k"])
    window = float(info["window"])
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
        f"methods: {', '.join(info['methods'])} (kapitza measured {name1} {name2} lists them){above}"
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


# -- the warnings and the provenance -------------------------------------------------------------------------------


def prediction_words(
    p: Any,
    expected: ExpectedConductance | None,
    why_not: str | None,
    origins: tuple[str, str],
    *,
    long_waves: tuple[tuple[Any, Any], Sequence[str]] | None = None,
    crystals: tuple[Any, Any] | None = None,
    calculator: str | None = None,
    chosen: bool = False,
    band_line: str = "",
    waves: str | None = None,
    stack: Any = None,
) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
    """The warnings and the provenance of prediction ``p`` (its physics) with its expected measurement (or
    ``why_not``), in the order the command prints them.  ``long_waves``: the two sides as built where a side's long
    waves stood in for its refused phonons, and the warnings that say so (:func:`long_wave_warnings`); ``crystals``,
    ``calculator``, ``chosen``, ``band_line`` and ``waves``: the crystals built from their structures, their force
    source (named by nobody where ``chosen``), the calculator's band and what the validation measured on pairs as soft
    as this one."""
    warnings, details = _warnings_and_provenance(p, expected, origins)
    if long_waves is not None:
        warnings[:0] = long_waves[1]
        details += _long_wave_provenance(long_waves[0], chosen)
        warnings += [line for line in map(record_name_line, long_waves[0]) if line]
    if expected is None:
        warnings.insert(0, f"{NOT_AVAILABLE} ({why_not})")
    if long_waves is not None and expected is not None and expected.long_waves:
        details.append(("crystals and relaxations", f"the expected measurement is the long-wave route's: the database "
                        f"route's fit on the database descriptors of the Debye records of {p.side1.name} and "
                        f"{p.side2.name} above, its band widened by x{expected.widening:.2f} (measured held out by "
                        "paper with both sides' long waves from the potential's elastic constants): the structure "
                        "route needs the full dispersion of both crystals, the database route database "
                        "materials"))  # fmt: skip
    elif long_waves is not None and expected is not None:
        details.append(("crystals and relaxations", f"the expected measurement is the database route's, on the "
                        f"database's records of {p.side1.name} and {p.side2.name} (measured sound speeds): the "
                        "structure route needs the full dispersion of both crystals"))  # fmt: skip
    if crystals is not None and calculator is not None:
        details += _crystal_provenance(crystals, calculator, chosen, band_line, waves)
        warnings += [line for line in map(record_name_line, crystals) if line]
    if stack is not None:
        warnings.insert(1 if expected is None else 0, stack_line(stack))
        details += stack_provenance(stack)
    return tuple(warnings), tuple(details)


def stack_line(stack: Any) -> str:
    """One line: the stack's series physics beside the bare pair's, at its first temperature (the models' table
    below is the bare outer pair's)."""
    t = stack.temperature[0]
    return (f"the stack's physics at {t:g} K: {mw_text(stack.conductance[0])} MW m^-2 K^-1 (series "
            f"{mw_text(stack.series[0])}, the bare {stack.materials[0]} | {stack.materials[-1]} "
            f"{mw_text(stack.bare[0])}); the models below are the bare pair's; --explain: each interface's and layer's "
            "share")  # fmt: skip


def stack_provenance(stack: Any) -> list[tuple[str, str]]:
    """--explain's lines of a stack: at each temperature, each interface's G and each layer's resistance with its
    share of the series resistance, in order from side 1."""
    out = []
    shares = stack.shares()  # in order: each layer's own resistance before the interface that follows it
    for i, t in enumerate(stack.temperature):
        parts, k = [], 0
        for (label, share), layer in zip(shares, _stack_terms(stack)):
            if layer is not None:
                parts.append(f"{label} R = {stack.layers[layer][i] * 1e9:.3g} m^2 K GW^-1 ({100 * share[i]:.0f} %)")
            else:
                parts.append(f"{label} G = {mw_text(stack.interfaces[k][i])} MW m^-2 K^-1 ({100 * share[i]:.0f} %)")
                k += 1
        weight = f"; the thinnest layer's weight {stack.weight[i]:.2f}"
        out.append(("stack", f"at {t:g} K: " + "; ".join(parts) + weight))
    out += [("stack", note) for note in stack.notes]
    return out


def _stack_terms(stack: Any) -> list[int | None]:
    """For each of :meth:`StackPhysics.shares`' terms in order: the layer's index, or None for an interface."""
    n = len(stack.materials)
    out: list[int | None] = []
    for k in range(n):
        if 0 < k < n - 1:
            out.append(k)
        if k < n - 1:
            out.append(None)
    return out


def band_words(calculator: str, unpredicted: bool) -> str:
    """The calculator's band in words (:func:`kapitza.prediction.mlip_band.band_line`), or why a pair of two metals
    without the electronic DMM's data has none (:data:`NO_BAND_TWO_METALS`)."""
    from .mlip_band import band_line

    return NO_BAND_TWO_METALS if unpredicted else band_line(calculator)


def _warnings_and_provenance(
    p: Any, expected: ExpectedConductance | None, origins: tuple[str, str]
) -> tuple[list[str], list[tuple[str, str]]]:
    """The warnings and the provenance of the physics and the expected measurement, in the order the command prints
    them."""
    warnings: list[str] = []
    details: list[tuple[str, str]] = []
    if expected is not None:
        warnings += list(expected.notes)
        details.append(("what the expected measurement rests on", expected_provenance(expected)))
    parts, m1, m2 = p.electronic, p.side1, p.side2
    if parts.kind == "metal/metal":
        if parts.electronic_dmm is not None:
            t12 = parts.electronic_dmm.transmission_12
            formula = "G = Z1 Z2 T / (4 (Z1 + Z2)), Z = gamma v_F"
            details.append(("electrons", f"electronic DMM ({ELECTRONIC_DMM_REFERENCE}): {formula}, t_12 = {t12:.3g}"))
        else:
            warnings.append(f"electronic DMM ({ELECTRONIC_DMM_REFERENCE}): {parts.missing}")
        details.append(("electrons", metal_metal_line(parts)))
    caption = kappa_footnote(p.results, origins)
    if parts.total is not None:
        caption = caption.replace("\u03ba(T) R,", "\u03ba(T) R_total,")
    details.append(("Kapitza lengths", caption))
    if any(r.settings.inelastic is not None for r in p.results):
        channel = p.results[0].settings.inelastic
        details.append((
            "Kapitza lengths",
            f"with the inelastic channel tau_inel = A T^q \u03c9^m, A = {channel.A:g}, q = {channel.q:g}, "
            f"m = {channel.m:g} (T in K, "
            "\u03c9 in rad/s)",
        ))  # fmt: skip
    if parts.total is not None:
        details.append(("electrons", limiting_line(parts)))
        details.append(("electrons", electron_phonon_line(parts)))
    elif parts.kind in SERIES_KINDS and parts.missing:
        warnings.append(f"{parts.missing}; phonon numbers only")
    details += [("models in words", line) for line in model_lines(p.models)]
    over = p.radiation_limit
    if over is not None and over.count:
        warnings.append(above_limit_line(over))
    if p.interlayer_rows:
        lead = "besides" if p.measured is not None else "no bare-interface measurement near these temperatures;"
        details.append((
            "measurements",
            f"{lead} {p.interlayer_rows} measured with a layer between {m1.name} and {m2.name} (another "
            f"interface, not compared here: kapitza measured {m1.name} {m2.name} --interlayers)",
        ))  # fmt: skip
    if p.helium is not None:
        details.append(("helium", helium_line(p.helium, p.measured is not None)))
    validity = set(validity_notes(m1, m2, p.temperature))  # where the models stop describing the pair
    for note in p.notes:
        if note in validity:
            warnings.append(note)
        else:
            details.append(("notes", f"note: {note}"))
    return warnings, details


def record_name_line(crystal: Any) -> str:
    """The warning where a crystal built from its structure answers under another name: the database's record of its
    formula (:func:`~kapitza.phonons.derived_record.derived_material`: 3C-SiC from the crystal table is 4H-SiC's
    record, a Ga2O3 file beta-Ga2O3's), whose thermal conductivity, melting point and electron data it takes; ""
    where the names agree."""
    record = getattr(crystal, "material", None)
    if record is None or record.name == crystal.name:
        return ""
    return (
        f"{crystal.name} appears as {record.name}, the database's record of its formula {record.formula}: what its "
        "structure gives (its phonons, or its long waves) is its own, its thermal conductivity (the Kapitza lengths), "
        f"melting point and electron data {record.name}'s"
    )


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


def _long_wave_provenance(built: tuple[Any, Any], chosen: bool) -> list[tuple[str, str]]:
    """What each side rests on where a side's long waves stood in: the refusal whole, the elastic constants and their
    averages; the other crystal's relaxation and record."""
    from ..phonons.crystal_report import crystal_lines
    from ..phonons.long_waves import LongWaveCrystal

    topic = "crystals and relaxations"
    out: list[tuple[str, str]] = []
    if chosen:
        out.append((topic, f"a side is not a database material: both crystals were built from their structures with "
                           f"{built[0].calculator}, the default potential (--calculator, or calculator=, to choose "
                           "another)"))  # fmt: skip
    for side in built:
        if not isinstance(side, LongWaveCrystal):
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


def long_wave_warnings(built: tuple[Any, Any], unused: Sequence[str], names: OptionNames) -> list[str]:
    """The warnings where a side's long waves stood in for its refused phonons
    (:class:`~kapitza.phonons.long_waves.LongWaveCrystal`): each such side's own warning, the other crystal's Debye
    dispersion from its own phonons' long waves, and ``unused``, the full-dispersion options given, which Debye
    spectra do not take (spelled by ``names``)."""
    from ..phonons.long_waves import LongWaveCrystal

    fallen = [c for c in built if isinstance(c, LongWaveCrystal)]
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
    return words


def __getattr__(name: str) -> Any:
    """A note function that moved to :mod:`kapitza.prediction.notes`, from there, with a DeprecationWarning."""
    from .._moved import moved_name

    return moved_name(__name__, name, _MOVED)
