"""``kapitza fit``: fits of G(T) data files (power law, inelastic A, q, m of a model) and of thickness series.

``fit_app`` is a typer sub-app registered in :mod:`kapitza.cli.commands`.  Data files are plain text:
2 or 3 columns (T in K, G in W m^-2 K^-1, optional sigma of G), separated by commas or white space, with
``#`` comments and an optional header line of names.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer
from rich.console import Console

from .._checks import check_temperature_bound
from ..errors import InputError
from .common import check_output, parse_pairs, read_table

fit_app = typer.Typer(
    help="Fits of data: G(T) -> low-T power law G = a T^n; G(T) -> the inelastic A, q, m of a prediction model; "
    "R vs thickness -> the interface resistance (intercept).",
    no_args_is_help=True,
)

PLOT_SUFFIXES = (".png", ".pdf", ".svg")


def _gt(path: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    table = read_table(path, (2, 3), "G(T)")
    check_temperature_bound(table[:, 0], f"G(T) file {str(path)!r}: temperature")  # before any fit or figure
    return table[:, 0], table[:, 1], (table[:, 2] if table.shape[1] == 3 else None)


def _print_json(doc: dict[str, Any]) -> None:
    from ..io.results import dumps

    sys.stdout.write(dumps(doc, indent=2) + "\n")


def power_law_command(
    file: Annotated[Path, typer.Argument(help="Columns T (K), G (W m^-2 K^-1), optional sigma of G.")],
    t_max: Annotated[float | None, typer.Option("--t-max", help="Fit only T <= this (K).")] = None,
    plot: Annotated[Path | None, typer.Option(help="Write data vs fit, log-log (.png, .pdf, .svg).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the results as JSON.")] = False,
) -> None:
    """Fit G = a T^n to the low-temperature points (the Debye limit of AMM/DMM gives n = 3)."""
    from ..analysis.fits import fit_power_law

    if plot is not None:
        check_output(plot, PLOT_SUFFIXES, "--plot")
    if t_max is not None and not t_max > 0:
        raise InputError(f"--t-max must be > 0 K, got {t_max:g}")
    t, g, s = _gt(file)
    fit = fit_power_law(t, g, s, t_max=t_max)
    if plot is not None:
        from ..plotting.fits import power_law_figure

        power_law_figure(fit, t, g, s, path=plot)
    if as_json:
        _print_json(
            {
                "a": fit.a,
                "a_err": fit.a_err,
                "n": fit.n,
                "n_err": fit.n_err,
                "correlation": fit.correlation,
                "chi2_per_dof": fit.chi2_per_dof,
                "dof": fit.dof,
                "points_used": int(fit.used.sum()),
                "points": int(fit.used.size),
                "t_max": fit.t_max,
                "errors_from": fit.errors_from,
                "units": {"a": "W m^-2 K^-(1+n)", "T": "K", "G": "W m^-2 K^-1"},
            }
        )
        return
    console = Console()
    for line in power_law_lines(fit):
        console.print(line)


#: Why an error or a correlation is not a number, in words (a NaN never reaches the user alone).
NO_ERROR = "error not determined: the fit could not estimate its covariance"


def power_law_lines(fit: Any) -> list[str]:
    """The text of ``fit power-law``: a, n with their errors, correlation and chi^2/dof, each non-finite number
    replaced by a sentence that says why."""
    used = f"T <= {fit.t_max:g} K" if math.isfinite(fit.t_max) else "all temperatures"
    lines = [f"G = a T^n on {int(fit.used.sum())} of {fit.used.size} points ({used})"]
    n_err = f" \u00b1 {fit.n_err:.2g}" if math.isfinite(fit.n_err) else f" ({NO_ERROR})"
    lines.append(f"n = {fit.n:.4g}{n_err}")
    a_err = f" \u00b1 {fit.a_err:.2g}" if math.isfinite(fit.a_err) else f" ({NO_ERROR})"
    if math.isfinite(fit.correlation):
        correlation = f"correlation with n {fit.correlation:.3f}"
    elif math.isfinite(fit.a_err) and math.isfinite(fit.n_err):
        correlation = "correlation with n not defined: an error is zero (the points lie on the power law)"
    else:
        correlation = "correlation with n not determined"
    lines.append(f"a = {fit.a:.4g}{a_err} W m^-2 K^-(1+n)  ({correlation})")
    if math.isfinite(fit.chi2_per_dof):
        lines.append(f"\u03c7\u00b2/dof = {fit.chi2_per_dof:.3g}; errors from the {fit.errors_from}")
    else:
        lines.append(f"\u03c7\u00b2/dof not defined (no degree of freedom left); errors from the {fit.errors_from}")
    return lines


def inelastic_command(
    file: Annotated[Path, typer.Argument(help="Columns T (K), G (W m^-2 K^-1), optional sigma of G.")],
    side1: Annotated[str, typer.Option("--side1", help="Incident side (material name or file).")],
    side2: Annotated[str, typer.Option("--side2", help="Receiving side (material name or file).")],
    model: Annotated[str, typer.Option(help="Elastic model the inelastic channel is added to.")] = "dmm",
    fit: Annotated[str, typer.Option("--fit", help="Parameters to fit among A, q, m, comma-separated.")] = "A,q,m",
    initial: Annotated[
        str | None, typer.Option(help="Starting values, e.g. 'A=1e-17,q=1,m=1' (A in K^-q (rad/s)^-m).")
    ] = None,
    fixed: Annotated[str | None, typer.Option(help="Values of parameters not fitted, e.g. 'm=1'.")] = None,
    cutoff: Annotated[str | None, typer.Option(help="Debye cutoff rule (as for kapitza predict).")] = None,
    plot: Annotated[Path | None, typer.Option(help="Write data vs fit, log-log (.png, .pdf, .svg).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the results as JSON.")] = False,
) -> None:
    """Fit the inelastic channel tau = A T^q omega^m of a prediction model (elastic + inelastic) to G(T)."""
    from ..analysis.fits import fit_model

    if plot is not None:
        check_output(plot, PLOT_SUFFIXES, "--plot")
    names = tuple(n.strip() for n in fit.split(","))
    bad = [n for n in names if n not in ("A", "q", "m")]
    if bad or not fit.strip():
        raise InputError(f"--fit takes names among A, q, m separated by commas, got {fit!r}")
    start, held = parse_pairs(initial, "--initial", "A=1e-17,q=1,m=1"), parse_pairs(fixed, "--fixed", "A=1e-17,q=1,m=1")
    options = {} if cutoff is None else {"cutoff": cutoff}
    t, g, s = _gt(file)
    result = fit_model(t, g, s, side1, side2, model=model, fit=names, initial=start, fixed=held, **options)
    if plot is not None:
        from ..plotting.fits import model_fit_figure

        model_fit_figure(result, path=plot)
    if as_json:
        _print_json(
            {
                "model": result.model,
                "side1": result.side1,
                "side2": result.side2,
                "fitted": list(result.fitted),
                "values": dict(result.values),
                "errors": dict(result.errors),
                "log10_A": result.log10_A,
                "log10_A_err": result.log10_A_err,
                "correlation": result.correlation,
                "chi2_per_dof": result.chi2_per_dof,
                "dof": result.dof,
                "errors_from": result.errors_from,
                "temperature": result.temperature,
                "conductance": result.conductance,
                "fitted_conductance": result.fitted_conductance,
                "elastic_conductance": result.elastic_conductance,
                "units": {"A": "K^-q (rad/s)^-m", "T": "K", "G": "W m^-2 K^-1"},
            }
        )
        return
    console = Console()
    console.print(f"{result.model} + inelastic tau = A T^q \u03c9^m, {result.side1} \u2192 {result.side2}")
    for n in ("A", "q", "m"):
        v = result.values[n]
        if n in result.errors:
            console.print(f"{n} = {v:.4g} \u00b1 {result.errors[n]:.2g}")
        else:
            console.print(f"{n} = {v:.4g} (held)")
    if "A" in result.errors:
        console.print(f"log10 A = {result.log10_A:.4g} \u00b1 {result.log10_A_err:.2g}")
    if len(result.fitted) > 1:
        pairs = [
            f"{a}/{b} {result.correlation[i, j]:.3f}"
            for i, a in enumerate(result.fitted)
            for j, b in enumerate(result.fitted)
            if i < j
        ]
        console.print("correlations: " + ", ".join(pairs))
    console.print(f"\u03c7\u00b2/dof = {result.chi2_per_dof:.3g}; errors from the {result.errors_from}")
    console.print("T (K)   G data   G fit   G elastic (W m^-2 K^-1)")
    for row in zip(result.temperature, result.conductance, result.fitted_conductance, result.elastic_conductance):
        console.print("  ".join(f"{v:.4g}" for v in row))


def thickness_lines(fit: Any, names: dict[str, str]) -> list[str]:
    """Plain-text lines of a thickness fit (``kapitza md thickness`` / ``fit thickness``): kappa with its error,
    or its 2-sigma lower bound, or "not determined" with the reason; never a NaN."""
    lines = [
        f"R_K   = {fit.R_K:.4g} \u00b1 {fit.R_K_err:.2g} {names['R_K']}",
        f"1/\u03ba   = {fit.slope:.4g} \u00b1 {fit.slope_err:.2g} {names['slope']}",
    ]
    if fit.kappa_status == "determined":
        lines.append(f"\u03ba     = {fit.kappa:.4g} \u00b1 {fit.kappa_err:.2g} {names['kappa']}")
    elif fit.kappa_status == "lower bound":
        lines.append(
            f"\u03ba     > {fit.kappa_lower:.4g} {names['kappa']} "
            f"(2\u03c3 lower bound: 1/\u03ba is within 3\u03c3 of zero, so \u03ba has no symmetric error bar)"
        )
    else:
        lines.append(f"\u03ba     not determined: {fit.kappa_note.removeprefix('kappa not determined: ')}")
    if fit.lengths.size > 2:
        lines.append(
            f"\u03c7\u00b2/dof = {fit.chi2_per_dof:.3g} (p = {fit.chi2_pvalue:.2g}; {fit.lengths.size} points, "
            "weighted by 1/\u03c3\u00b2)"
        )
    else:
        lines.append("2 points: the line passes through both; errors from the stated \u03c3 alone")
    lines += [f"warning: {w}" for w in fit.warnings if w != fit.kappa_note]
    return lines


fit_app.command("power-law")(power_law_command)
fit_app.command("inelastic")(inelastic_command)
