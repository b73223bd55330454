"""Predicted against measured conductance, log-log, one colour per model and one marker per interface kind; and
the Debye DMM beside a calculator's full-dispersion DMM (:func:`calculator_validation_figure`)."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from ..errors import InputError
from ..units import MW_PER_M2K
from .canvas import figure, save

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from ..prediction.validation import ValidationTable
    from ..prediction.validation.calculators import CalculatorValidation
    from ..prediction.validation.stats import ValidationStatistics

#: Marker of each interface kind.
MARKERS = {"non-metal": "o", "metal/non-metal": "^", "metal/metal": "s"}


def _parity_axes(ax: Any, points: NDArray[np.float64] | None) -> None:
    """Log-log parity axes over half the smallest to twice the largest positive G of ``points`` (MW m^-2 K^-1; 1 to
    1e4 where nothing is drawn): the 1:1, x2 and x0.5 lines, equal aspect, the measured G along x."""
    if points is None:
        lo, hi = 1.0, 1e4
    else:
        points = points[np.isfinite(points) & (points > 0)]
        lo, hi = points.min() / 2, points.max() * 2
    guide = np.array([lo, hi])
    ax.loglog(guide, guide, "-", color="black", lw=1, label="1:1")
    ax.loglog(guide, 2 * guide, "--", color="grey", lw=0.8, label="\u00d72 and \u00d70.5")
    ax.loglog(guide, 0.5 * guide, "--", color="grey", lw=0.8)
    ax.set_xlim(lo, hi)
    ax.set_ylim(lo, hi)
    ax.set_aspect("equal")
    ax.set_xlabel(r"measured G (MW m$^{-2}$ K$^{-1}$)")


def validation_figure(
    table: ValidationTable,
    path: str | os.PathLike | None = None,
    statistics: ValidationStatistics | None = None,
    basis: str = "predicted",
    title: str | None = None,
) -> Figure:
    """Scatter predicted vs measured G (MW m^-2 K^-1, log-log) with the 1:1, x2 and x0.5 lines.

    Parameters
    ----------
    table : ValidationTable
        Rows to draw (:func:`kapitza.prediction.validation.validation_table`).
    path : path-like, optional
        Output file, written atomically; the format follows the suffix (.png, .pdf, .svg).
    statistics : ValidationStatistics, optional
        Its median ratio and share within x2 of each model go into the legend
        (default: computed from ``table``).
    basis : {"predicted", "phonon"}
        Draw what kapitza predicts (electrons included) or the phonon models alone.
    title : str, optional
        Defaults to a line naming the basis and the cutoff rule.

    Returns
    -------
    matplotlib.figure.Figure
        The figure (pyplot is not used: nothing is shown or registered).
    """
    from ..prediction.validation.stats import BASES, validation_statistics

    if basis not in BASES:
        raise InputError(f"basis={basis!r} must be one of {', '.join(BASES)}")
    stats = validation_statistics(table) if statistics is None else statistics
    values = table.predicted if basis == "predicted" else table.phonon
    measured = table.measured / MW_PER_M2K
    kinds = np.asarray(table.kind, dtype=object)
    fig = figure(figsize=(6.4, 5.6))
    ax = fig.subplots()
    colours = [f"C{i % 10}" for i in range(len(table.models))]
    ok_all = np.zeros(len(table), dtype=bool)
    for m, model in enumerate(table.models):
        predicted = values[m] / MW_PER_M2K
        ok = np.isfinite(predicted) & (predicted > 0) & (measured > 0)
        ok_all |= ok
        for kind, marker in MARKERS.items():
            pick = ok & (kinds == kind)
            if np.any(pick):
                ax.scatter(
                    measured[pick], predicted[pick], s=14, marker=marker, color=colours[m], alpha=0.55, linewidths=0
                )
        if model in stats.models:
            s = stats.get(model, "all", basis)
            label = (
                f"{model}: median ratio {s['median_ratio']:.3g}, {100 * s['within_2']:.0f} % within \u00d72 "
                f"({s['rows']} rows)"
            )
        else:
            label = model
        ax.scatter([], [], s=30, marker="o", color=colours[m], label=label)
    for kind, marker in MARKERS.items():
        if np.any(kinds == kind):
            ax.scatter([], [], s=30, marker=marker, color="grey", label=kind)
    points = np.concatenate([measured[ok_all], *(v[ok_all] / MW_PER_M2K for v in values)]) if np.any(ok_all) else None
    _parity_axes(ax, points)
    ax.set_ylabel(r"predicted G (MW m$^{-2}$ K$^{-1}$)")
    words = "as predicted (electrons included)" if basis == "predicted" else "phonon models alone"
    ax.set_title(title or f"{words}, cutoff {table.cutoff!r}", fontsize=10)
    ax.grid(True, which="major", alpha=0.25)
    ax.legend(fontsize=7, loc="upper left")
    return save(fig, path)


def calculator_validation_figure(
    validation: CalculatorValidation, path: str | os.PathLike | None = None, title: str | None = None
) -> Figure:
    """Measured vs predicted G, log-log, the Debye DMM and the calculator's full-dispersion DMM side by side.

    Each panel draws every row its model scores (:meth:`~kapitza.prediction.validation.calculators.
    CalculatorValidation.statistics`); the rows both score are filled, the others hollow; the 1:1, x2 and x0.5
    lines and, in the legend, the median factor and the share within x2 on both sets of rows.

    Parameters
    ----------
    validation : CalculatorValidation
        From :func:`kapitza.prediction.validation.calculators.calculator_validation`.
    path : path-like, optional
        Output file (.png, .pdf, .svg), written atomically.
    title : str, optional
        Above both panels (default: the calculator and the coverage).

    Returns
    -------
    matplotlib.figure.Figure
    """
    measured = validation.measured / MW_PER_M2K
    both = validation.scored & validation.debye_scored
    panels = (
        ("debye", f"Debye DMM (database sound speeds, cutoff {validation.cutoff!r})", validation.debye,
         validation.debye_scored, "C0"),
        ("calculator", f"full-dispersion DMM, {validation.calculator} phonons", validation.predicted,
         validation.scored, "C3"),
    )  # fmt: skip
    shown = np.zeros(len(validation), dtype=bool)
    for panel in panels:
        shown |= panel[3]
    points = None
    if np.any(shown):
        points = np.concatenate([measured[shown]] + [v[m] / MW_PER_M2K for _, _, v, m, _ in panels])
    fig = figure(figsize=(11.0, 5.6))
    axes = fig.subplots(1, 2, sharex=True, sharey=True)
    for ax, (which, words, values, mask, colour) in zip(axes, panels):
        common = mask & both
        alone = mask & ~both
        g = values / MW_PER_M2K
        s_common = validation.statistics(which, "common")
        s_all = validation.statistics(which, "all")
        ax.scatter(measured[common], g[common], s=14, color=colour, alpha=0.6, linewidths=0,
                   label=f"rows both score: x{s_common.median_factor:.3g}, {100 * s_common.within_2:.0f} % "
                   f"within \u00d72 ({s_common.rows})")  # fmt: skip
        ax.scatter(measured[alone], g[alone], s=14, facecolors="none", edgecolors=colour, alpha=0.6, linewidths=0.8,
                   label=f"only this model: {int(alone.sum())} rows")  # fmt: skip
        ax.scatter([], [], s=0, label=f"all its rows: x{s_all.median_factor:.3g}, {100 * s_all.within_2:.0f} % "
                   f"within \u00d72 ({s_all.rows})")  # fmt: skip
        _parity_axes(ax, points)
        ax.set_title(words, fontsize=10)
        ax.grid(True, which="major", alpha=0.25)
        ax.legend(fontsize=7, loc="upper left")
    axes[0].set_ylabel(r"predicted G (MW m$^{-2}$ K$^{-1}$)")
    scored = int(validation.scored.sum())
    fig.suptitle(
        title
        or f"{scored} of {len(validation)} bare measured rows scored with {validation.calculator} "
        "(median factor 10^median|log10 p/m|)",
        fontsize=10,
    )
    return save(fig, path)
