"""``kapitza predict``: the expected measurement of an interface, every model's G, R and Kapitza lengths.

The command renders :func:`kapitza.predict`'s :class:`~kapitza.prediction.answer.Prediction` and nothing more: it
parses the options, makes the one call, and prints the object: the answer first (the expected measurement, the
table of every model, the measured range), the warnings, the provenance behind ``--explain``, the whole object as
``--json`` (its ``to_dict``), and ``--csv`` and ``--plot`` from the same object.  Every input is validated by the
library, once.
"""

from __future__ import annotations

import csv
import io
import math
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from ..errors import InputError
from ..io import atomic_write_text
from ..io.results import dumps
from ..landauer import MAX_TEMPERATURES
from ..phonons.debye import DEFAULT_CUTOFF
from ..prediction import available_models
from ..prediction.answer import Prediction, predict
from ..prediction.presenter import (
    NOT_AVAILABLE,
    empirical_line,
    expected_lines,
    not_shown_line,
    pair_measured_line,
    shown,
    shown_rows,
)
from ..units import M2K_PER_GW, NANOMETRE, rad_s_to_thz
from .common import (
    CALCULATOR_HELP,
    CRYSTAL_HELP,
    CRYSTAL_MEMORY_HELP,
    PREDICT_MAX_TIME_HELP,
    check_output,
    option_words,
    parse_inelastic,
    parse_potential,
    progress_bar,
    temperature_values,
)
from .report import EXPLAIN_HELP, Report

#: How this command spells the options of :func:`kapitza.predict` in its messages.
_OPTION_NAMES = {"phonopy_files": "--phonopy1/--phonopy2", "inelastic": "--inelastic", "model": "--model"}


def option_name(name: str) -> str:
    """An option of :func:`kapitza.predict` as typed on this command line: ``mesh`` -> ``--mesh``."""
    return _OPTION_NAMES.get(name, "--" + name.replace("_", "-"))


#: Where every temperature is when the text leaves some out (:func:`kapitza.prediction.presenter.not_shown_line`).
EVERY_ROW = "--json or --csv"


def _gap(table: Table) -> None:
    """The row that stands for the temperatures a table leaves out (:func:`kapitza.prediction.presenter.shown_rows`)."""
    table.add_row(*["..."] * len(table.columns))


def _fmt_length(value: float) -> str:
    """A Kapitza length in nm for the table; n/a where kappa(T) is not tabulated (NaN)."""
    return "n/a" if math.isnan(value) else shown(value, NANOMETRE)


def render_table(p: Prediction) -> Table:
    """The physics as a rich table: one row per model and temperature, display units in the headers.

    A Kapitza-length column appears for each side with a bulk thermal conductivity; with a fluid side (helium) an
    R T^3 column is added.  At a metal/non-metal interface with a series total, the table shows G_ph, G_ep and the
    total, and R and L_K are those of the total (:meth:`Prediction.reported_resistance`)."""
    found = p
    results, parts = list(found.results), found.electronic
    m1, m2 = found.side1, found.side2
    cryo = m1.is_fluid or m2.is_fluid
    series = parts.total is not None
    sides = [(side, m) for side, m in ((1, m1), (2, m2)) if m.thermal_conductivity is not None]
    table = Table(title=f"{m1.name} \u2192 {m2.name}  (heat flows from {m1.name} into {m2.name})")
    table.add_column("model", no_wrap=True)
    table.add_column("T (K)", justify="right")
    if series:  # units in the title: eight columns must fit a page
        units = "G in MW m\u207b\u00b2 K\u207b\u00b9, R in m\u00b2 K GW\u207b\u00b9"
        table.title += f"\n{units}; total = G_ph and G_ep in series"
        for header in ("G_ph", f"G_ep {parts.metal}", "G total", "R total"):
            table.add_column(header, justify="right")
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
        for i in shown_rows(r.temperature.size):
            if i is None:
                _gap(table)
                continue
            row = [r.model, f"{r.temperature[i]:g}", shown(r.conductance[i])]
            if series:
                row += [shown(parts.electron_phonon), shown(parts.total[k, i])]
            row.append(shown(resistance[i], M2K_PER_GW))
            row += [_fmt_length(length[i]) for length in lengths]
            if cryo:
                row.append(shown(rt3[i], 1.0))
            table.add_row(*row)
    return table


def render_edmm(p: Prediction) -> Table:
    """The electronic DMM of a metal/metal interface: G and R per temperature."""
    parts = p.electronic
    edmm, resistances = parts.electronic_dmm, parts.electronic_dmm_resistance
    table = Table(title=f"{parts.side1} \u2192 {parts.side2}: electronic diffuse mismatch model (electrons)")
    table.add_column("model", no_wrap=True)
    table.add_column("T (K)", justify="right")
    table.add_column("G (MW m\u207b\u00b2 K\u207b\u00b9)", justify="right")
    table.add_column("R (m\u00b2 K GW\u207b\u00b9)", justify="right")
    for i in shown_rows(edmm.temperature.size):
        if i is None:
            _gap(table)
        else:
            t, g, resistance = edmm.temperature[i], edmm.conductance[i], resistances[i]
            table.add_row("electronic-dmm", f"{t:g}", shown(g), shown(resistance, M2K_PER_GW))
    return table


def render_helium_range(p: Prediction) -> Table:
    """The expected range of a solid/helium interface: R and R T^3 of the DMM (low end) and the AMM (high end)."""
    helium = p.helium
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
    for i in shown_rows(helium.temperature.size):
        if i is None:
            _gap(table)
            continue
        t = helium.temperature[i]
        cubed = [shown(r[i], 1.0) if t > 0 else "n/a (T = 0)" for r in (rt3_dmm, rt3_amm)]
        table.add_row(f"{t:g}", shown(r_dmm[i], M2K_PER_GW), shown(r_amm[i], M2K_PER_GW), *cubed)
    return table


def render_shares(found: Any, model: str, side1: str) -> list[Table]:
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
    branch, band = found.fractions("branch"), found.fractions("band")
    for i in shown_rows(found.temperature.size):
        if i is None:
            _gap(by_branch)
            _gap(by_band)
            continue
        t = found.temperature[i]
        by_branch.add_row(f"{t:g}", *(f"{100 * f:.1f}" for f in branch[:, i]))
        by_band.add_row(f"{t:g}", *(f"{100 * f:.1f}" for f in band[:, i]))
    return [by_branch, by_band]


def render_comparison(p: Prediction) -> Table:
    """Debye and full-dispersion G side by side, with their ratio."""
    comparisons = p.comparisons
    c0 = comparisons[0]
    table = Table(title=f"{c0.side1} \u2192 {c0.side2}: Debye vs full dispersion")
    for name, justify in (("model", "left"), ("T (K)", "right")):
        table.add_column(name, justify=justify)
    table.add_column("G Debye (MW m\u207b\u00b2 K\u207b\u00b9)", justify="right")
    table.add_column("G full (MW m\u207b\u00b2 K\u207b\u00b9)", justify="right")
    table.add_column("full / Debye", justify="right")
    for c in comparisons:
        for i in shown_rows(c.temperature.size):
            if i is None:
                _gap(table)
                continue
            table.add_row(
                c.model,
                f"{c.temperature[i]:g}",
                shown(c.debye.conductance[i]),
                shown(c.full.conductance[i]),
                f"{c.ratio[i]:.3f}",
            )
    return table


def render_expected(doc: dict[str, Any]) -> Table:
    """The expected measurement of a prediction's document as a table, one row per temperature (MW m^-2 K^-1)."""
    expected = doc["expected"]
    n = len(expected["other_papers"])
    rests = f"{n} paper{'s' if n != 1 else ''} that measured the pair" if n else "no paper measured the pair"
    table = Table(
        title=f"{doc['side1']} → {doc['side2']}: expected measurement ({expected['method']}), with the 68 % band "
        f"of held-out papers; from the physics of the pair and {rests}"
    )
    for header in ("T (K)", "expected G (MW m⁻² K⁻¹)", "68 % band from", "to"):
        table.add_column(header, justify="right")
    columns = [
        [float(x) for x in expected[k]] for k in ("temperature_k", "conductance_w_m2k", "low_w_m2k", "high_w_m2k")
    ]
    for i in shown_rows(len(columns[0])):
        if i is None:
            _gap(table)
            continue
        t, v, lo, hi = (column[i] for column in columns)
        table.add_row(f"{t:g}", shown(v, digits=3), shown(lo, digits=3), shown(hi, digits=3))
    return table


def text_report(p: Prediction, explain: bool) -> Report:
    """The prediction as the command prints it: the answer (the expected measurement, the electronic DMM of two
    metals, the models' table, the measured range, the helium range, the empirical estimate), the warnings, and the
    provenance (with the shares by band of full dispersion after the Kapitza lengths) behind ``--explain``."""
    report = Report(explain=explain)
    doc = p.to_dict()  # the answer's one document: its lead is written from it, as --json prints it
    warnings = list(doc["warnings"])
    expected = doc["expected"]
    if expected["available"] and len(expected["temperature_k"]) > 3:
        report.answer(render_expected(doc))
    elif expected["available"]:
        for line in expected_lines(expected):
            report.answer(line)
    elif warnings and warnings[0].startswith(NOT_AVAILABLE):  # the answer is that there is none, and why: first
        report.answer(warnings.pop(0))
    if p.electronic.kind == "metal/metal" and p.electronic.electronic_dmm is not None:
        report.answer(render_edmm(p))
    report.answer(render_table(p))
    if (line := not_shown_line(p.temperature.size, EVERY_ROW)) is not None:
        report.answer(line)
    if (line := pair_measured_line(doc)) is not None:
        report.answer(line)
    if p.helium is not None:
        report.answer(render_helium_range(p))
    if p.empirical is not None or p.empirical_reason is not None:
        report.answer(empirical_line(p.empirical, p.empirical_reason))
    for warning in warnings:
        report.warn(warning)
    shares = [t for r, split in zip(p.results, p.shares) for t in render_shares(split, r.model, p.side1.name)]
    topics = [topic for topic, _ in p.provenance]
    after = len(topics) - topics[::-1].index("Kapitza lengths") if "Kapitza lengths" in topics else 0
    for k, (topic, line) in enumerate(p.provenance):
        if k == after:
            for table in shares:
                report.detail(table, "shares by branch and frequency band")
        report.detail(line, topic)
    if after >= len(topics):
        for table in shares:
            report.detail(table, "shares by branch and frequency band")
    return report


def to_csv(p: Prediction) -> str:
    """:meth:`Prediction.table` as CSV: one row per model and temperature, SI units in the header."""
    rows = p.table()
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(list(rows[0]))
    for row in rows:
        writer.writerow([repr(v) if isinstance(v, float) else v for v in row.values()])
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
    max_time: Annotated[str | None, typer.Option("--max-time", help=PREDICT_MAX_TIME_HELP)] = None,
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
    deposition: Annotated[
        str | None,
        typer.Option(
            help="How the film was deposited, for the expected measurement: evaporation, sputtering, epitaxy, "
            "chemical (CVD, ALD), bonding (or transfer), exfoliation. Default: unknown (docs/physics/expected.md).",
        ),
    ] = None,
    surface: Annotated[
        str | None,
        typer.Option(
            help="How the substrate's surface was treated, for the expected measurement: ion-cleaned (or plasma), "
            "oxide-removed (HF, BOE), annealed, native-oxide, solvent-cleaned. Default: unknown.",
        ),
    ] = None,
    interlayer: Annotated[
        list[str] | None,
        typer.Option(
            "--interlayer",
            "-i",
            help="A layer between SIDE1 and SIDE2, NAME or NAME:THICKNESS (Ti:2nm, a-SiO2:1.5nm, graphene); repeat "
            "for several, from SIDE1's side. The expected measurement is then the stack's (database materials); "
            "--explain gives each interface's and layer's share.",
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
    if csv_path is not None:  # the command's own files: checked before any work
        check_output(csv_path, (".csv",), "--csv")
    if plot_path is not None:
        from ..plotting.canvas import check_figure_path

        check_figure_path(plot_path, "--plot")
    try:
        with progress_bar(sys.stderr.isatty(), lines=True) as progress:  # in pipes and logs: plain lines
            found = predict(
                side1,
                side2,
                None if temperature is None else temperature_values(temperature),
                model=model or None,
                method=method,
                deposition=deposition,
                surface=surface,
                calculator=calculator,
                max_memory_gb=max_memory_gb,
                max_time=max_time,
                empirical=empirical,
                compare_debye=compare_debye,
                cutoff=cutoff,
                statistics=statistics,
                inelastic=parse_inelastic(inelastic),
                dispersion=dispersion,
                potential=parse_potential(potential),
                normal=normal,
                mesh=mesh,
                width=width,
                phonopy_files=(phonopy1, phonopy2),
                progress=progress,
                option_names=option_name,
                interlayers=interlayer or None,
            )
    except InputError as exc:  # the library's words for a crystal's bounds, spelled as this command's options
        raise InputError(option_words(str(exc))) from None
    if as_json:
        typer.echo(dumps(found.to_dict()))
    elif compare_debye:
        Console().print(render_comparison(found))
        for c in found.comparisons:
            for table in render_shares(c.full, f"{c.model} (full dispersion)", found.side1.name):
                Console().print(table)
        if (line := not_shown_line(found.temperature.size, EVERY_ROW)) is not None:
            Console().print(line, markup=False, highlight=False)
    else:
        text_report(found, explain).show()
    if csv_path is not None:
        atomic_write_text(csv_path, to_csv(found))
    if plot_path is not None:
        found.plot(plot_path)
    if not as_json:
        what = "plot of dG/dw" if compare_debye else "plot"
        for label, path in (("CSV", csv_path), (what, plot_path)):
            if path is not None:  # a path is the user's text, never markup: "[bold]" in a name prints as typed
                Console(stderr=True).print(f"{label} written to {path}", markup=False, highlight=False, soft_wrap=True)
