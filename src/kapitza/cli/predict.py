"""``kapitza predict``: G, R and Kapitza lengths of an interface for every model."""

from __future__ import annotations

import csv
import io
import math
import sys
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer
from rich.console import Console
from rich.table import Table

from ..errors import InputError
from ..io import atomic_write_text
from ..io.results import dumps
from ..landauer import MAX_TEMPERATURES
from ..literature import DEFAULT_WINDOW, Measurements, measurements_for, measurements_named
from ..materials import Material
from ..materials.conductivity import conductivity_table, uses_conductivity_table
from ..phonons.debye import DEFAULT_CUTOFF
from ..prediction import (
    ConductanceResult,
    ConductanceShares,
    DebyeComparison,
    ElectronicParts,
    EmpiricalEstimate,
    InterfacePrediction,
    RadiationLimitCheck,
    Settings,
    available_models,
    build_spectra,
    compare_debye,
    comparison_document,
    default_models,
    get_model,
    measured_summary,
    predict_interface,
)
from ..prediction.empirical import empirical_document, empirical_or_reason
from ..prediction.expected import ExpectedConductance, expected_document, expected_or_reason
from ..prediction.interface import ELECTRON_PHONON_REFERENCE, ELECTRONIC_DMM_REFERENCE, SERIES_KINDS
from ..prediction.mlip_band import MODEL as BAND_MODEL
from ..prediction.mlip_band import band_line, calculator_band
from ..prediction.report import (
    HeliumRange,
    comparison_plot_temperatures,
    conductivity_gaps,
    plot_temperatures,
    validity_notes,
)
from ..units import M2K_PER_GW, MW_PER_M2K, NANOMETRE, rad_s_to_thz
from .common import (
    CALCULATOR_HELP,
    CRYSTAL_HELP,
    CRYSTAL_MEMORY_HELP,
    check_output,
    crystal_memory_bound,
    database_material,
    default_structure_calculator,
    option_words,
    parse_inelastic,
    parse_potential,
    parse_temperatures,
    progress_bar,
    structure_document,
    structure_lines,
)
from .report import EXPLAIN_HELP, Report

#: How this command spells the options of :class:`kapitza.prediction.Settings` in its messages.
_OPTION_NAMES = {"phonopy_files": "--phonopy1/--phonopy2", "inelastic": "--inelastic"}


def option_name(name: str) -> str:
    """An option of :class:`~kapitza.prediction.Settings` as typed on this command line: ``mesh`` -> ``--mesh``."""
    return _OPTION_NAMES.get(name, "--" + name.replace("_", "-"))


#: Temperatures (K) shown when none are given: solid/solid and solid/fluid (He II).
DEFAULT_TEMPERATURES = (1.0, 10.0, 30.0, 100.0, 300.0, 1000.0)
DEFAULT_CRYOGENIC_TEMPERATURES = (0.1, 0.3, 0.5, 1.0, 1.5, 2.0)


def default_temperatures(m1: Material, m2: Material) -> np.ndarray:
    """Cryogenic defaults when a side is a fluid (liquid helium), else 1-1000 K."""
    cryo = m1.is_fluid or m2.is_fluid
    return np.array(DEFAULT_CRYOGENIC_TEMPERATURES if cryo else DEFAULT_TEMPERATURES)


def _lengths(result: ConductanceResult, side: int) -> np.ndarray | None:
    material = result.side1 if side == 1 else result.side2
    if material.thermal_conductivity is None:
        return None
    return result.kapitza_length(side)


def _fmt(value: float, scale: float, digits: int = 4) -> str:
    if not math.isfinite(value):
        return "inf"
    return f"{value / scale:.{digits}g}"


def has_fluid(result: ConductanceResult) -> bool:
    """True if a side is a fluid (liquid helium): then R T^3 is reported, the number cryogenics uses."""
    return result.side1.is_fluid or result.side2.is_fluid


def material_origin(material: Material, spec: str) -> str:
    """Where a material's data came from, in words: "database" or "file mine.toml".

    Uses the material's own ``origin`` when it has one; otherwise how it was named
    on the command line (a path or a .toml name is a user's file).
    """
    origin = getattr(material, "origin", None)
    if isinstance(origin, str) and origin:
        return origin
    text = str(spec)
    if text.lower().endswith(".toml") or "/" in text or "\\" in text or ":" in text:
        return f"file {Path(text.split(':')[0]).name}"
    return "database"


def kappa_footnote(results: list[ConductanceResult], origins: tuple[str, str] | None = None) -> str:
    """The Kapitza-length footnote: where each side's kappa(T) came from, and where L_K is n/a.

    A database solid uses its tabulated kappa(T) (range named); a user's file keeps its one
    conductivity ("kappa near 300 K from the file mine.toml").  Temperatures outside a side's table
    get no L_K (printed n/a, "nan" in JSON, empty in CSV) and are listed here.
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


def _fmt_length(value: float) -> str:
    """A Kapitza length in nm for the table; n/a where kappa(T) is not tabulated (NaN)."""
    return "n/a" if math.isnan(value) else _fmt(value, NANOMETRE)


def _csv_length(values: np.ndarray | None, i: int) -> str:
    """A Kapitza length in m for the CSV; empty where there is none (no kappa, or T outside its table)."""
    if values is None or math.isnan(values[i]):
        return ""
    return repr(float(values[i]))


def render_table(found: InterfacePrediction, origins: tuple[str, str] | None = None) -> Table:
    """A rich table: one row per model and temperature, display units in the headers.

    A Kapitza-length column appears for each side with a bulk thermal
    conductivity; with a fluid side (helium) an R T^3 column is added.
    ``origins`` says where each side's data came from ("database", "file mine.toml").
    At a metal/non-metal interface that has a series total, the table shows
    G_ph, G_ep and the total, and R and L_K are those of the total
    (:meth:`InterfacePrediction.reported_resistance`).
    """
    results, parts = list(found.results), found.electronic
    m1, m2 = found.side1, found.side2
    cryo = has_fluid(results[0])
    series = parts.total is not None
    sides = [(side, m) for side, m in ((1, m1), (2, m2)) if m.thermal_conductivity is not None]
    table = Table(title=f"{m1.name} \u2192 {m2.name}  (heat flows from {m1.name} into {m2.name})")
    table.caption = kappa_footnote(results, origins)
    table.add_column("model", no_wrap=True)
    table.add_column("T (K)", justify="right")
    if series:  # units in the title: eight columns must fit a page
        units = "G in MW m\u207b\u00b2 K\u207b\u00b9, R in m\u00b2 K GW\u207b\u00b9"
        table.title += f"\n{units}; total = G_ph and G_ep in series"
        for header in ("G_ph", f"G_ep {parts.metal}", "G total", "R total"):
            table.add_column(header, justify="right")
        table.caption = table.caption.replace("\u03ba(T) R,", "\u03ba(T) R_total,")
    else:
        table.add_column("G (MW m\u207b\u00b2 K\u207b\u00b9)", justify="right")
        table.add_column("R (m\u00b2 K GW\u207b\u00b9)", justify="right")
    for _, m in sides:
        table.add_column(f"L_K {m.name} (nm)", justify="right")
    if cryo:
        table.add_column("R T\u00b3 (m\u00b2 K\u2074 W\u207b\u00b9)", justify="right")
    for k, r in enumerate(results):
        resistance = found.reported_resistance(r.model)
        lengths = [found.reported_kapitza_length(r.model, side) for side, _ in sides]
        rt3 = found.reported_resistance_t3(r.model)
        for i, t in enumerate(r.temperature):
            row = [r.model, f"{t:g}", _fmt(r.conductance[i], MW_PER_M2K)]
            if series:
                row += [_fmt(parts.electron_phonon, MW_PER_M2K), _fmt(parts.total[k, i], MW_PER_M2K)]
            row.append(_fmt(resistance[i], M2K_PER_GW))
            row += [_fmt_length(length[i]) for length in lengths]
            if cryo:
                row.append(_fmt(rt3[i], 1.0))
            table.add_row(*row)
    if any(r.settings.inelastic is not None for r in results):
        p = results[0].settings.inelastic
        table.caption += (
            f"\nwith the inelastic channel tau_inel = A T^q \u03c9^m, A = {p.A:g}, q = {p.q:g}, m = {p.m:g}"
            " (T in K, \u03c9 in rad/s)"
        )
    return table


def render_edmm(parts: ElectronicParts) -> Table:
    """The electronic DMM of a metal/metal interface: G and R per temperature."""
    edmm, resistances = parts.electronic_dmm, parts.electronic_dmm_resistance
    table = Table(title=f"{parts.side1} \u2192 {parts.side2}: electronic diffuse mismatch model (electrons)")
    table.add_column("model", no_wrap=True)
    table.add_column("T (K)", justify="right")
    table.add_column("G (MW m\u207b\u00b2 K\u207b\u00b9)", justify="right")
    table.add_column("R (m\u00b2 K GW\u207b\u00b9)", justify="right")
    for t, g, resistance in zip(edmm.temperature, edmm.conductance, resistances):
        table.add_row("electronic-dmm", f"{t:g}", _fmt(g, MW_PER_M2K), _fmt(resistance, M2K_PER_GW))
    return table


def _temperature_list(values: list[float]) -> str:
    if len(values) <= 4:
        return ", ".join(f"{t:g}" for t in values) + " K"
    return f"{len(values)} temperatures from {min(values):g} to {max(values):g} K"


def limiting_line(parts: ElectronicParts) -> str:
    """Which resistance limits the metal/non-metal conductance: the electron-phonon zone or the phonons."""
    gep = _fmt(parts.electron_phonon, MW_PER_M2K)
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
        f"R_ep = {_fmt(parts.electron_phonon_resistance, M2K_PER_GW)} m\u00b2 K GW\u207b\u00b9"
    )


def metal_metal_line(parts: ElectronicParts) -> str:
    """The statement that phonon models do not describe a metal/metal interface."""
    return (
        f"{parts.side1}/{parts.side2} is a metal/metal interface: electrons carry the heat across it. The phonon "
        "models below do not describe it; their numbers are the phonon channel only, in parallel with the electrons."
    )


def model_lines(models: list[str]) -> list[str]:
    """Each shown model in words, one line each, from the registry."""
    return [f"{name} = {get_model(name).description}" for name in models]


def measured_line(rows: Measurements, m1: Material, m2: Material, window: float = DEFAULT_WINDOW) -> str:
    """The last line of ``predict``: the measured range for the pair near the requested temperatures."""
    info = measured_summary(rows, window)
    (t_lo, t_hi), (g_lo, g_hi) = info["temperature_k"], info["conductance_w_m2k"]
    span = f"{t_lo:.4g} K" if t_lo == t_hi else f"{t_lo:.4g}-{t_hi:.4g} K"
    g_range = _fmt(g_lo, MW_PER_M2K) if g_lo == g_hi else f"{_fmt(g_lo, MW_PER_M2K)}-{_fmt(g_hi, MW_PER_M2K)}"
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
    """The hint that measurements above the radiation limit need inelastic scattering (--inelastic)."""
    worst = f" (up to {found.max_ratio:.3g} times)" if found.max_ratio is not None else ""
    return (
        f"{found.count} of these {found.of} measured values exceed the phonon radiation limit at their "
        f"temperature{worst}: elastic phonon scattering cannot carry that much heat, inelastic scattering can; "
        "see --inelastic (tau_inel = A T^q \u03c9^m)"
    )


def render_helium_range(helium: HeliumRange) -> Table:
    """The expected range of a solid/helium interface: R and R T^3 of the DMM (low end) and the AMM (high end)."""
    table = Table(
        title=f"{helium.solid}/{helium.fluid}: expected range, from the DMM (diffuse scattering: lowest R) to the "
        "AMM (a clean, specular surface: highest R)"
    )
    table.add_column("T (K)", justify="right")
    for header in ("R DMM", "R AMM"):
        table.add_column(f"{header} (m\u00b2 K GW\u207b\u00b9)", justify="right")
    for header in ("R T\u00b3 DMM", "R T\u00b3 AMM"):
        table.add_column(f"{header} (m\u00b2 K\u2074 W\u207b\u00b9)", justify="right")
    r_dmm, r_amm = helium.resistance_dmm, helium.resistance_amm
    rt3_dmm, rt3_amm = helium.resistance_t3("dmm"), helium.resistance_t3("amm")
    for i, t in enumerate(helium.temperature):
        cubed = [_fmt(r[i], 1.0) if t > 0 else "n/a (T = 0)" for r in (rt3_dmm, rt3_amm)]
        table.add_row(f"{t:g}", _fmt(r_dmm[i], M2K_PER_GW), _fmt(r_amm[i], M2K_PER_GW), *cubed)
    return table


def helium_line(helium: HeliumRange, measured: bool) -> str:
    """What measured solid/helium resistances do against the AMM-DMM range, with the sources (their abstracts)."""
    none = "" if measured else f"no measured value of {helium.solid}/{helium.fluid} in the shipped compilation; "
    return f"expected range: {none}{helium.text}"


def render_shares(found: ConductanceShares, model: str, side1: str) -> list[Table]:
    """Two tables of percentages: by incident band of side 1, and by frequency band."""
    by_branch = Table(title=f"{model}: share of G by incident band of {side1} (%)")
    by_band = Table(title=f"{model}: share of G by frequency band (THz) (%)")
    for table in (by_branch, by_band):
        table.add_column("T (K)", justify="right")
    for label in found.labels:
        by_branch.add_column(label, justify="right")
    edges = rad_s_to_thz(found.band_edges)
    for lo, hi in zip(edges[:-1], edges[1:]):
        by_band.add_column(f"{lo:.3g}-{hi:.3g}", justify="right")
    for i, t in enumerate(found.temperature):
        by_branch.add_row(f"{t:g}", *(f"{100 * f:.1f}" for f in found.fractions("branch")[:, i]))
        by_band.add_row(f"{t:g}", *(f"{100 * f:.1f}" for f in found.fractions("band")[:, i]))
    return [by_branch, by_band]


def render_comparison(comparisons: list[DebyeComparison]) -> Table:
    """Debye and full-dispersion G side by side, with their ratio."""
    c0 = comparisons[0]
    table = Table(title=f"{c0.side1} \u2192 {c0.side2}: Debye vs full dispersion")
    for name, justify in (("model", "left"), ("T (K)", "right")):
        table.add_column(name, justify=justify)
    table.add_column("G Debye (MW m\u207b\u00b2 K\u207b\u00b9)", justify="right")
    table.add_column("G full (MW m\u207b\u00b2 K\u207b\u00b9)", justify="right")
    table.add_column("full / Debye", justify="right")
    for c in comparisons:
        for i, t in enumerate(c.temperature):
            table.add_row(
                c.model,
                f"{t:g}",
                _fmt(c.debye.conductance[i], MW_PER_M2K),
                _fmt(c.full.conductance[i], MW_PER_M2K),
                f"{c.ratio[i]:.3f}",
            )
    return table


def to_csv(results: list[ConductanceResult], parts: ElectronicParts | None = None) -> str:
    """One row per model and temperature, SI units in the header.

    The electron-phonon and total columns are filled for a metal/non-metal interface with a series
    total (blank otherwise); a metal/metal interface adds ``electronic-dmm`` rows.
    """
    buf = io.StringIO()
    writer = csv.writer(buf)
    m1, m2 = results[0].side1, results[0].side2
    writer.writerow(
        [
            "model",
            "temperature_K",
            "conductance_W_m-2_K-1",
            "resistance_m2_K_W-1",
            f"kapitza_length_{m1.name}_m",
            f"kapitza_length_{m2.name}_m",
            "conductance_electron_phonon_W_m-2_K-1",
            "conductance_total_W_m-2_K-1",
            "resistance_total_m2_K_W-1",
        ]
    )
    series = parts is not None and parts.total is not None
    for k, r in enumerate(results):
        l1, l2 = _lengths(r, 1), _lengths(r, 2)
        for i, t in enumerate(r.temperature):
            extra = ["", "", ""]
            if series:
                extra = [repr(parts.electron_phonon), repr(float(parts.total[k, i]))]
                extra.append(repr(float(parts.resistance_total[k, i])))
            writer.writerow(
                [
                    r.model,
                    repr(float(t)),
                    repr(float(r.conductance[i])),
                    repr(float(r.resistance[i])),
                    _csv_length(l1, i),
                    _csv_length(l2, i),
                    *extra,
                ]
            )
    if parts is not None and parts.electronic_dmm is not None:
        edmm = parts.electronic_dmm
        for t, g, resistance in zip(edmm.temperature, edmm.conductance, parts.electronic_dmm_resistance):
            writer.writerow(
                ["electronic-dmm", repr(float(t)), repr(float(g)), repr(float(resistance)), "", "", "", "", ""]
            )
    return buf.getvalue()


def predict_command(
    side1: Annotated[
        str,
        typer.Argument(
            help="Incident material (heat comes from here): name, alias or .toml file; with --calculator "
            f"{CRYSTAL_HELP}."
        ),
    ],
    side2: Annotated[str, typer.Argument(help="Receiving material, as SIDE1.")],
    temperature: Annotated[
        str | None,
        typer.Option(
            "--temperature",
            "-t",
            help="K: '300', '1,10,300' or START:STOP:COUNT (log-spaced; '10:1:5' gives them in descending "
            f"order; at most {MAX_TEMPERATURES:,}). Default: 1-1000 K (0.1-2 K with helium).",
        ),
    ] = None,
    model: Annotated[
        list[str] | None,
        typer.Option(
            "--model", "-m", help=f"Model(s) to run (repeatable); default all: {', '.join(available_models())}."
        ),
    ] = None,
    cutoff: Annotated[
        str,
        typer.Option(
            help="Debye-type spectrum: 'debye' (one cutoff at Theta_D; default, closest to full dispersion, see "
            "docs/physics/cutoffs.md), 'branch' (v_p (6 pi^2 n)^1/3), or the sine dispersion "
            "w_max sin(pi k/2k_max): 'sine' (w_max = 2 v_p k_max/pi) or 'sine-zb' (measured zone-boundary w_max; "
            "Si, Ge, Al, Cu). The AMM takes 'branch' and 'debye' only.",
        ),
    ] = DEFAULT_CUTOFF,
    statistics: Annotated[str, typer.Option(help="'bose-einstein' or 'classical'.")] = "bose-einstein",
    inelastic: Annotated[
        str | None,
        typer.Option(
            help="Add the inelastic channel tau_inel = A T^q w^m to every model: 'A=1e-15,q=1,m=1' "
            "(T in K, w in rad/s; capped so that tau <= 1)."
        ),
    ] = None,
    dispersion: Annotated[
        str | None,
        typer.Option(
            help="Bulk phonons: 'debye' (database sound speeds; the default) or 'phonopy' (full dispersion; the "
            "default with --calculator)."
        ),
    ] = None,
    potential: Annotated[
        str | None,
        typer.Option(
            help="Full dispersion: potential for both sides ('sw', 'tersoff', 'tersoff-lammps', 'emt', "
            "'meam-lammps') or one per side, 'emt,sw'. Default: each material's own."
        ),
    ] = None,
    calculator: Annotated[
        str | None,
        typer.Option(
            help=f"Full dispersion of both sides from their structures. {CALCULATOR_HELP} The DMM and the radiation "
            "limit run on the derived spectra; a database metal keeps its electron data."
        ),
    ] = None,
    max_memory_gb: Annotated[
        float | None,
        typer.Option(
            "--max-memory-gb",
            help=CRYSTAL_MEMORY_HELP,
        ),
    ] = None,
    normal: Annotated[
        str | None,
        typer.Option(
            help="Full dispersion: interface normal, '001' (default), '111', '1,1,0' (Cartesian axes of the cell: "
            "the cube axes of a cubic crystal, [0001] of a hexagonal one)."
        ),
    ] = None,
    mesh: Annotated[
        int | None, typer.Option(help="Full dispersion: Brillouin-zone mesh N (N^3, Gamma-centred; default 24).")
    ] = None,
    width: Annotated[
        float | None, typer.Option(help="Full dispersion: adaptive Gaussian broadening factor (default 0.5).")
    ] = None,
    phonopy1: Annotated[
        Path | None, typer.Option(help="Full dispersion: phonopy.yaml for SIDE1 (FORCE_CONSTANTS/SETS beside it).")
    ] = None,
    phonopy2: Annotated[Path | None, typer.Option(help="Full dispersion: phonopy.yaml for SIDE2.")] = None,
    compare_debye: Annotated[
        bool,
        typer.Option(
            "--compare-debye",
            help="Full dispersion next to Debye (G, shares, ratio); --plot then draws dG/dw of both.",
        ),
    ] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print exact SI values as JSON instead of the table.")
    ] = False,
    csv_path: Annotated[Path | None, typer.Option("--csv", help="Also write the values (SI) to this CSV file.")] = None,
    plot_path: Annotated[
        Path | None, typer.Option("--plot", help="Also draw G(T) of every model (log-log) to this .png/.pdf/.svg.")
    ] = None,
    method: Annotated[
        str | None,
        typer.Option(
            help="The measurement the expected value is for: TDTR (default, the compilation's most common), FDTR, "
            "3omega, platform or other.",
        ),
    ] = None,
    explain: Annotated[bool, typer.Option("--explain", help=EXPLAIN_HELP)] = False,
    empirical: Annotated[
        bool,
        typer.Option(
            "--empirical",
            help="Also give the empirical estimate (gradient boosting on the shipped measurements, with its "
            "held-out error bar; not a physics model; fitted at start, a few seconds; needs kapitza[empirical]).",
        ),
    ] = False,
) -> None:
    """Thermal boundary conductance, resistance and Kapitza lengths of SIDE1 -> SIDE2."""
    chosen = None
    if calculator is None:
        calculator = chosen = default_structure_calculator((side1, side2))
    if calculator is None:
        m1, m2 = database_material(side1), database_material(side2)
    temps = parse_temperatures(temperature) if temperature is not None else None
    if dispersion is None:
        dispersion = "phonopy" if calculator is not None else "debye"
    settings = Settings(  # the library validates every option; its messages spell them as typed here
        cutoff=cutoff,
        statistics=statistics,
        inelastic=parse_inelastic(inelastic),
        dispersion="phonopy" if compare_debye else dispersion,
        potential=parse_potential(potential),
        calculator=calculator,
        normal=normal,
        mesh=mesh,
        width=width,
        phonopy_files=(phonopy1, phonopy2),
        option_names=option_name,
    )
    names = model or default_models(settings.dispersion, settings.cutoff)
    models = [get_model(name, settings.dispersion).name for name in names]
    if csv_path is not None:
        check_output(csv_path, (".csv",), "--csv")
    if plot_path is not None:
        check_output(plot_path, (".png", ".pdf", ".svg"), "--plot")
    full_dispersion = settings.dispersion == "phonopy"
    crystals = None
    crystal_memory_bound(max_memory_gb, calculator)
    if calculator is not None:
        if compare_debye:
            raise InputError(
                "--compare-debye compares with the database's Debye spectra of database materials; leave out "
                "--calculator (or compare the record's Debye numbers with kapitza materials show --calculator)"
            )
        with progress_bar(sys.stderr.isatty()) as progress:  # no bar in pipes and logs
            crystals = structure_sides(side1, side2, calculator, progress, max_memory_gb)
        m1, m2 = crystals[0].material, crystals[1].material
    if temps is None:
        temps = default_temperatures(m1, m2)
    if compare_debye:
        with progress_bar(sys.stderr.isatty()) as progress:  # no bar in pipes and logs
            sides = build_spectra(m1, m2, settings, progress=progress)
        _print_comparison(m1, m2, sides, temps, models, settings.options(), as_json, plot_path)
        return
    sides = (m1, m2) if crystals is None else crystals
    with progress_bar(full_dispersion and sys.stderr.isatty()) as progress:  # no bar in pipes and logs
        found = predict_interface(sides[0], sides[1], temps, models, settings=settings, progress=progress)
    origins = (material_origin(m1, side1), material_origin(m2, side2))
    estimate, why_not = empirical_or_reason(m1, m2, temps) if empirical else (None, None)
    expected, no_expected = expected_or_reason(m1, m2, temps, method, crystals)
    results = list(found.results)
    if as_json:
        doc = found.to_dict()
        if crystals is not None:
            doc["crystals"] = [structure_document(c) for c in crystals]
            band = _stated_band(str(settings.calculator), found)
            doc["band"] = None if band is None else {"factor": band.factor, "rows": band.rows, "source": band.source}
            waves = None if band is None else _pair_long_waves(crystals, str(settings.calculator))
            doc["long_waves_of_the_pair"] = waves
        if empirical:
            doc["empirical"] = empirical_document(estimate, why_not)
        doc["expected"] = expected_document(expected, no_expected)
        typer.echo(dumps(doc))
    else:
        report = Report(explain=explain)
        expected_answer(report, expected, no_expected)
        _story(report, found, origins)
        if crystals is not None:
            if chosen is not None:
                report.detail(
                    f"a side is not a database material: both crystals were built from their structures with "
                    f"{chosen}, the default potential (--calculator to choose another)",
                    "crystals and relaxations",
                )
            _crystal_details(report, crystals, str(settings.calculator), found)
        if empirical:
            report.answer(empirical_line(estimate, why_not))
        report.show()
    if csv_path is not None:
        atomic_write_text(csv_path, to_csv(results, found.electronic))
    if plot_path is not None:
        from ..plotting import conductance_figure

        curves = list(found.results_at(plot_temperatures(temps, m1, m2)))
        parts = found.electronic
        stated = None if crystals is None else _stated_band(str(settings.calculator), found)
        dense = curves[0].temperature if curves else temps
        drawn = None if expected is None else expected_or_reason(m1, m2, dense, method, crystals)[0]
        conductance_figure(
            curves,
            plot_path,
            markers=results,
            measured=_measured_rows(m1, m2, crystals),
            electron_phonon=None if parts.electron_phonon is None else (str(parts.metal), parts.electron_phonon),
            band=None if stated is None else (BAND_MODEL, stated.factor),
            expected=drawn,
        )
    if not as_json:
        for label, path in (("CSV", csv_path), ("plot", plot_path)):
            if path is not None:
                Console(stderr=True).print(f"{label} written to {path}")


def _measured_rows(m1: Any, m2: Any, crystals: tuple[Any, Any] | None) -> Any:
    """The compilation's bare rows of the pair, drawn on the plot: by database name, or for crystals built from
    structure by the names the compilation writes (their formulas: "TiN", "MgO")."""
    if crystals is not None:
        return measurements_named(crystals[0].name, crystals[1].name)
    if m1.origin == "database" and m2.origin == "database":
        return measurements_for(m1.name, m2.name)
    return None


def structure_sides(
    side1: str, side2: str, calculator: str, progress: Any, max_memory_gb: float | None = None
) -> tuple[Any, Any]:
    """Both sides built from their structures with one calculator source (its factory called once)."""
    from ..atomistic.calculators import calculator_source
    from ..phonons.from_structure import crystal_phonons, planned_memory_gb

    source = calculator_source(calculator)
    try:
        for side in (side1, side2):  # both refused or accepted before the first one's forces
            planned_memory_gb(side, source, max_memory_gb=max_memory_gb)
        return tuple(  # type: ignore[return-value]
            crystal_phonons(side, source, max_memory_gb=max_memory_gb, progress=progress) for side in (side1, side2)
        )
    except InputError as exc:
        raise InputError(option_words(str(exc))) from None


#: The band line of a pair of two metals whose electrons kapitza cannot model (nothing predicts what it conducts).
NO_BAND_TWO_METALS = (
    "band: none for this pair: two metals, one without the electronic DMM's data, have no prediction of what they "
    "conduct (kapitza validate leaves such rows out of the band's measurement)"
)


def _unpredicted_metals(found: Any) -> bool:
    parts = found.electronic
    return parts.kind == "metal/metal" and parts.electronic_dmm is None


def _stated_band(calculator: str, found: Any) -> Any:
    """The calculator's stored band, or None where there is none or the pair has no prediction to carry it."""
    return None if _unpredicted_metals(found) else calculator_band(calculator)


def _crystal_details(report: Report, crystals: tuple[Any, Any], calculator: str, found: Any) -> None:
    """Each crystal's relaxation and record, then the calculator's DMM band and long waves: details."""
    for crystal in crystals:
        for line in structure_lines(crystal):
            report.detail(line, "crystals and relaxations")
    report.detail(f"phonons from {crystals[0].calculator_description}", "crystals and relaxations")
    line = NO_BAND_TWO_METALS if _unpredicted_metals(found) else band_line(calculator)
    report.detail(line, "the DMM's own band")
    waves = None if _unpredicted_metals(found) else _pair_long_waves(crystals, calculator)
    if waves is not None:
        report.detail(waves, "long waves")


def _pair_long_waves(crystals: tuple[Any, Any], calculator: str) -> str | None:
    """What the validation measured on pairs as soft as this one (:meth:`CalculatorBand.pair_line`), or None."""
    from ..phonons.elastic import stiffness_errors_of

    band = calculator_band(calculator)
    return None if band is None else band.pair_line([stiffness_errors_of(c) for c in crystals])


def empirical_line(estimate: EmpiricalEstimate | None, why_not: str | None) -> str:
    """One line: the empirical values with their 68 % band and what they are, or why there are none."""
    if estimate is None:
        return f"empirical estimate: not available ({why_not})"
    values = "; ".join(
        f"{t:g} K: {v / MW_PER_M2K:.3g} ({lo / MW_PER_M2K:.3g}-{hi / MW_PER_M2K:.3g})"
        for t, v, lo, hi in zip(estimate.temperature, estimate.value, estimate.low, estimate.high)
    )
    return f"empirical estimate (not physics), G in MW m⁻² K⁻¹ with its 68 % band: {values}. {estimate.text}"


def _story(report: Report, found: InterfacePrediction, origins: tuple[str, str]) -> None:
    """The physics table and the lines around it, each as answer, warning or detail (:mod:`kapitza.cli.report`):
    the table and the measured range answer; a partial prediction and measurements above the radiation limit warn;
    electrons, the models in words, shares, sources and notes are details."""
    results, parts, models, rows = list(found.results), found.electronic, list(found.models), found.measured
    m1, m2 = found.side1, found.side2
    if parts.kind == "metal/metal":
        if parts.electronic_dmm is not None:
            report.answer(render_edmm(parts))
            t12 = parts.electronic_dmm.transmission_12
            formula = "G = Z1 Z2 T / (4 (Z1 + Z2)), Z = gamma v_F"
            report.detail(f"electronic DMM ({ELECTRONIC_DMM_REFERENCE}): {formula}, t_12 = {t12:.3g}", "electrons")
        else:
            report.warn(f"electronic DMM ({ELECTRONIC_DMM_REFERENCE}): {parts.missing}")
        report.detail(metal_metal_line(parts), "electrons")
    table = render_table(found, origins)
    if table.caption:
        report.detail(table.caption, "Kapitza lengths")
        table.caption = None
    report.answer(table)
    if rows is not None:
        report.answer(measured_line(rows, m1, m2))
    for r, split in zip(results, found.shares):  # full dispersion only
        for shares in render_shares(split, r.model, m1.name):
            report.detail(shares, "shares by branch and frequency")
    if parts.total is not None:
        report.detail(limiting_line(parts), "electrons")
        report.detail(electron_phonon_line(parts), "electrons")
    elif parts.kind in SERIES_KINDS and parts.missing:
        report.warn(f"{parts.missing}; phonon numbers only")
    for line in model_lines(models):
        report.detail(line, "models in words")
    over = found.radiation_limit
    if over is not None and over.count:
        report.warn(above_limit_line(over))
    if found.interlayer_rows:
        lead = "besides" if rows is not None else "no bare-interface measurement near these temperatures;"
        report.detail(
            f"{lead} {found.interlayer_rows} measured with a layer between {m1.name} and {m2.name} (another "
            f"interface, not compared here: kapitza measured {m1.name} {m2.name} --interlayers)",
            "measurements",
        )
    if found.helium is not None:
        report.answer(render_helium_range(found.helium))
        report.detail(helium_line(found.helium, rows is not None), "helium")
    validity = set(validity_notes(m1, m2, found.temperature))  # where the models stop describing the pair
    for note in found.notes:
        if note in validity:
            report.warn(note)
        else:
            report.detail(f"note: {note}", "notes")


def expected_answer(report: Report, expected: ExpectedConductance | None, why_not: str | None) -> None:
    """The expected measurement first: one line per temperature (a table beyond three), its notes as warnings and
    what it used as a detail; or why there is none."""
    if expected is None:
        report.warn(f"expected measurement: not available ({why_not})")
        return
    n = expected.temperature.size
    if n <= 3:
        for i in range(n):
            report.answer(expected.line(i))
    else:
        report.answer(render_expected(expected))
    for note in expected.notes:
        report.warn(note)
    report.detail(expected_provenance(expected), "what the expected measurement rests on")


def render_expected(expected: ExpectedConductance) -> Table:
    """The expected measurement as a table, one row per temperature (MW m^-2 K^-1)."""
    n = len(expected.other_papers)
    rests = f"{n} paper{'s' if n != 1 else ''} that measured the pair" if n else "no paper measured the pair"
    table = Table(
        title=f"{expected.side1} → {expected.side2}: expected measurement ({expected.method}), with the 68 % band "
        f"of held-out papers; from the physics of the pair and {rests}"
    )
    for header in ("T (K)", "expected G (MW m⁻² K⁻¹)", "68 % band from", "to"):
        table.add_column(header, justify="right")
    for t, v, lo, hi in zip(expected.temperature, expected.value, expected.low, expected.high):
        table.add_row(f"{t:g}", _fmt(v, MW_PER_M2K, 3), _fmt(lo, MW_PER_M2K, 3), _fmt(hi, MW_PER_M2K, 3))
    return table


def expected_provenance(expected: ExpectedConductance) -> str:
    """What the estimate used, and how it scored on held-out papers (the calibration page's numbers)."""
    used = "; ".join(expected.inputs)
    papers = f"; the papers that measured the pair: {', '.join(expected.other_papers)}" if expected.other_papers else ""
    if math.isfinite(expected.held_out_factor):
        scored = (
            f"; held out by paper ({expected.held_out_rows} rows of {expected.held_out_papers} papers), the estimate "
            f"was off by a median x{expected.held_out_factor:.2f} and its band held "
            f"{100 * expected.held_out_coverage:.0f} % of the papers (docs: reference/calibration)"
        )
    else:
        scored = ""
    return f"expected measurement ({expected.route} route): {used}{papers}{scored}"


def _print_comparison(
    m1: Material,
    m2: Material,
    sides: tuple[Any, Any],
    temps: np.ndarray,
    models: list[str],
    options: dict[str, Any],
    as_json: bool,
    plot_path: Path | None,
) -> None:
    """--compare-debye: print (and plot) the library's Debye / full-dispersion comparison."""
    comparisons = [compare_debye(*sides, temps, name, **options) for name in models]
    if as_json:
        typer.echo(dumps(comparison_document(comparisons)))
    else:
        Console().print(render_comparison(comparisons))
        for c in comparisons:
            for table in render_shares(c.full, f"{c.model} (full dispersion)", m1.name):
                Console().print(table)
    if plot_path is not None:
        from ..plotting.phonons import spectral_comparison_figure

        dense = comparison_plot_temperatures(temps, m1, m2)  # smooth G(T), requested T kept
        spectral_comparison_figure(compare_debye(*sides, dense, models[0], **options), plot_path)
        if not as_json:
            Console(stderr=True).print(f"plot of dG/dw ({comparisons[0].model}) written to {plot_path}")
