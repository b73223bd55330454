"""G(T) on log-log axes, one curve per model, with a T^3 guide."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from ..units import MW_PER_M2K
from .canvas import figure, save

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from ..prediction import ConductanceResult


def conductance_figure(
    results: Sequence[ConductanceResult],
    path: str | os.PathLike | None = None,
    markers: Sequence[ConductanceResult] = (),
    title: str | None = None,
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

    Returns
    -------
    matplotlib.figure.Figure
        The figure (pyplot is not used: nothing is shown or registered).
    """
    fig = figure(figsize=(6.0, 4.5))
    ax = fig.subplots()
    for r in results:
        ok = r.conductance > 0
        (line,) = ax.loglog(r.temperature[ok], r.conductance[ok] / MW_PER_M2K, label=r.model)
        for m in markers:
            if m.model == r.model:
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
    ax.set_xlabel("temperature (K)")
    ax.set_ylabel(r"G (MW m$^{-2}$ K$^{-1}$)")
    ax.grid(True, which="both", alpha=0.25)
    ax.legend()
    return save(fig, path)
