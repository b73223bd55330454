"""G(T) on log-log axes, one curve per model, with a T^3 guide, the measured values and the electrons in series."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ..units import MW_PER_M2K
from .canvas import figure, save

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from ..literature import Measurements
    from ..prediction.api import ConductanceResult

#: Above this many requested temperatures, their points would hide the curves: none are drawn.
MAX_MARKERS = 12


def conductance_figure(
    results: Sequence[ConductanceResult],
    path: str | os.PathLike | None = None,
    markers: Sequence[ConductanceResult] = (),
    title: str | None = None,
    *,
    measured: Measurements | None = None,
    electron_phonon: tuple[str, float] | None = None,
    band: tuple[str, float] | None = None,
    expected: Any | None = None,
) -> Figure:
    """Plot G(T) of several results (log-log, MW m^-2 K^-1); save it to ``path`` if given.

    Parameters
    ----------
    results : sequence of ConductanceResult
        Curves, usually on a dense temperature grid; one per model.
    path : path-like, optional
        Output file, written atomically; the format follows the suffix (.png, .pdf, .svg).
    markers : sequence of ConductanceResult, optional
        Results at the user's own temperatures, drawn as points on the curves.
    title : str, optional
        Defaults to "side1 -> side2".
    measured : Measurements, optional
        Measured conductances of the pair, drawn as black crosses (bare interfaces: pass what
        :func:`kapitza.literature.measurements_for` gives by default).
    electron_phonon : (str, float), optional
        The metal and its electron-phonon conductance G_ep (W m^-2 K^-1): drawn as a level, and the first
        model's total 1 / (1/G_ph + 1/G_ep) as a dashed curve (what a measurement of the metal's interface sees).
    band : (str, float), optional
        A model and its measured x/÷ factor f: [G / f, G * f] shaded around that model's curve (the 68 % band
        of :func:`kapitza.prediction.mlip_band.calculator_band`, measured against experiment).
    expected : ExpectedConductance, optional
        The expected measurement (:func:`kapitza.prediction.expected.expected_conductance`) on a dense grid: drawn
        as a thick curve with its 68 % band shaded, first in the legend.

    Returns
    -------
    matplotlib.figure.Figure
        The figure (pyplot is not used: nothing is shown or registered).
    """
    fig = figure(figsize=(8.4, 4.5))
    ax = fig.subplots()
    if expected is not None:
        t, ok = expected.temperature, expected.value > 0
        ax.fill_between(t[ok], expected.low[ok] / MW_PER_M2K, expected.high[ok] / MW_PER_M2K, color="tab:purple",
                        alpha=0.18, lw=0, label="68 % of held-out papers")  # fmt: skip
        ax.loglog(t[ok], expected.value[ok] / MW_PER_M2K, color="tab:purple", lw=2.4, label="expected measurement")
    for r in results:
        ok = r.conductance > 0
        (line,) = ax.loglog(r.temperature[ok], r.conductance[ok] / MW_PER_M2K, label=f"{r.model} (phonons)", lw=1.4)
        if band is not None and band[0] == r.model:
            g = r.conductance[ok] / MW_PER_M2K
            ax.fill_between(
                r.temperature[ok],
                g / band[1],
                g * band[1],
                color=line.get_color(),
                alpha=0.15,
                lw=0,
                label=f"{r.model} x/\u00f7 {band[1]:.3g} (68 % of measurements)",
            )
        for m in markers:
            if m.model == r.model and m.temperature.size <= MAX_MARKERS:
                okm = m.conductance > 0
                ax.loglog(m.temperature[okm], m.conductance[okm] / MW_PER_M2K, "o", color=line.get_color(), ms=4)
    if results:
        r0 = results[0]
        ok = r0.conductance > 0
        if np.count_nonzero(ok) >= 2:
            t_lo, g_lo = r0.temperature[ok][0], r0.conductance[ok][0]
            t = np.geomspace(t_lo, r0.temperature[ok][-1], 50)
            guide = g_lo * (t / t_lo) ** 3 / MW_PER_M2K
            keep = guide <= 3 * r0.conductance[ok].max() / MW_PER_M2K
            ax.loglog(t[keep], guide[keep], ":", color="grey", label=r"$\propto T^3$")
        side1, side2 = r0.side1.name, r0.side2.name
        ax.set_title(title or f"{side1} \u2192 {side2}")
    if electron_phonon is not None and results:
        metal, g_ep = electron_phonon
        r0 = results[0]
        ok = r0.conductance > 0
        ax.axhline(g_ep / MW_PER_M2K, color="0.35", lw=1.0, ls="-.", label=f"G_ep of {metal} (electrons to phonons)")
        total = 1.0 / (1.0 / r0.conductance[ok] + 1.0 / g_ep)
        ax.loglog(r0.temperature[ok], total / MW_PER_M2K, "--", color="k", lw=1.2, label=f"{r0.model} + G_ep in series")
    if measured is not None and len(measured):
        _measured_points(ax, measured)
    ax.set_xlabel("temperature (K)")
    ax.set_ylabel(r"G (MW m$^{-2}$ K$^{-1}$)")
    ax.grid(True, which="both", alpha=0.25)
    ax.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.01, 0.5))
    fig.tight_layout()
    return save(fig, path)


#: Most papers the plot draws one by one (a marker and a legend entry each); more are drawn as one series.
MAX_PAPERS = 8
_MARKERS = ("x", "+", "s", "^", "v", "D", "*", "P")  # not "o": the requested temperatures


def _measured_points(ax: Any, measured: Measurements) -> None:
    """The measured points of the pair: one marker per paper with its first author and compilation id (up to
    :data:`MAX_PAPERS`), else one series."""
    papers = list(dict.fromkeys(measured.reference_id))
    if len(papers) > MAX_PAPERS:
        ax.loglog(measured.temperature, measured.conductance / MW_PER_M2K, "x", color="k", ms=5, mew=1.0,
                  label=f"measured, bare interfaces ({len(measured)} from {len(papers)} papers)")  # fmt: skip
        return
    for k, paper in enumerate(papers):
        sel = np.array([p == paper for p in measured.reference_id])
        authors = measured.reference_authors[int(np.flatnonzero(sel)[0])]
        first = authors.replace(";", ",").split(",")[0].strip() or "?"
        ax.loglog(measured.temperature[sel], measured.conductance[sel] / MW_PER_M2K, _MARKERS[k % len(_MARKERS)],
                  color="k", ms=5, mew=1.0, mfc="none", label=f"{first} et al. (paper {paper})")  # fmt: skip
