"""The interlayer ranking as a forest plot: each candidate's expected measurement with its 68 % band, one panel per
temperature, candidates that overlap the best one's band drawn open (not decided)."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import numpy as np

from ..units import MW_PER_M2K
from .canvas import figure, save

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from ..prediction.interlayer.design import InterlayerRanking

#: Most temperatures drawn as panels.
MAX_PANELS = 4


def ranking_figure(ranking: InterlayerRanking, path: str | os.PathLike | None = None) -> Figure:
    """One panel per temperature (the first :data:`MAX_PANELS`): candidates from best (top) to worst, the expected G
    (MW m^-2 K^-1, log axis) with its band; a filled marker where the candidate's place is decided (its band overlaps
    no other's), an open one where it is not."""
    from matplotlib.ticker import NullFormatter

    n_t = min(MAX_PANELS, ranking.temperature.size)
    fig = figure(figsize=(4.6 * n_t, 0.45 * len(ranking.candidates) + 1.6), layout="constrained")
    axes = fig.subplots(1, n_t, squeeze=False)[0]
    for i, ax in enumerate(axes):
        order = [k for k in np.argsort(ranking.rank[:, i]) if ranking.rank[k, i] >= 0]
        for y, k in enumerate(reversed(order)):
            v, lo, hi = (ranking.value[k, i], ranking.low[k, i], ranking.high[k, i])
            decided = bool(ranking.decided[k, i])
            ax.plot([lo / MW_PER_M2K, hi / MW_PER_M2K], [y, y], color="tab:purple", lw=2)
            ax.plot(v / MW_PER_M2K, y, "o", color="tab:purple", mfc="tab:purple" if decided else "white", ms=7)
        labels = [ranking.candidates[k] or "none" for k in reversed(order)]
        ax.set_yticks(range(len(order)), labels)
        ax.set_xscale("log")
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.set_xlabel(r"expected G (MW m$^{-2}$ K$^{-1}$)")
        ax.set_title(f"{ranking.temperature[i]:g} K", fontsize=10)
        ax.grid(True, axis="x", which="both", alpha=0.3)
    fig.suptitle(f"interlayers between {ranking.side1} and {ranking.side2}: expected measurement, 68 % band "
                 "(open: not decided)", fontsize=10)  # fmt: skip
    return save(fig, path)
