"""Figures of MD analyses: a NEMD temperature profile (bins with error bars, the segment fits, the jumps, excluded
zones) and the EMD running conductance G(t) with its fit."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

import numpy as np

from .canvas import figure, save

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def profile_figure(profile: Any, analysis: Any, path: str | os.PathLike | None = None) -> Figure:
    """The block-mean profile with standard errors, each fitted segment, the extrapolated jump and the exclusions.

    Parameters
    ----------
    profile : TemperatureProfile
    analysis : JumpAnalysis
        From :func:`kapitza.analysis.analyze_jump` on ``profile``.
    path : path-like, optional
        Output file (.png, .pdf, .svg), written atomically if given.
    """
    from ..analysis.md.units import unit_system

    system = unit_system(profile.units)
    used = profile.temperatures[analysis.blocks_dropped :]
    mean = used.mean(axis=0)
    err = used.std(axis=0, ddof=1) / np.sqrt(used.shape[0]) if used.shape[0] > 1 else np.zeros_like(mean)
    lo, hi = profile.box
    length = hi - lo
    fig = figure(figsize=(7.5, 4.2))
    ax = fig.add_subplot()
    ax.errorbar(profile.positions, mean, yerr=err, fmt="o", ms=3, color="0.3", lw=0.8, label="block mean \u00b1 s.e.")
    shaded = False
    for k, jump in enumerate(analysis.interfaces):
        for a, b in jump.excluded:
            for s in (-length, 0.0, length):
                x0, x1 = max(a + s, lo), min(b + s, hi)
                if x1 > x0:
                    ax.axvspan(x0, x1, color="0.85", alpha=0.6, lw=0, label=None if shaded else "excluded")
                    shaded = True
        for (start, end), t0, slope in zip(jump.fit_ranges, (jump.T_left, jump.T_right), jump.slopes, strict=True):
            x = np.linspace(min(start, jump.position), max(end, jump.position), 50)
            y = t0 + slope * (x - jump.position)
            for s in (-length, 0.0, length):
                xs = x + s
                keep = (xs >= lo) & (xs <= hi)
                if keep.any():
                    ax.plot(xs[keep], y[keep], color=f"C{k}", lw=1.4)
        ax.plot(
            [jump.position, jump.position],
            [jump.T_left, jump.T_right],
            color=f"C{k}",
            lw=3,
            label=f"\u0394T = {jump.delta_T:.3g} \u00b1 {jump.delta_T_err:.2g} at {jump.position:.3g}",
        )
        ax.axvline(jump.position, color=f"C{k}", ls=":", lw=0.8)
    ax.set_xlim(lo, hi)
    ax.set_xlabel(f"position ({system.length})")
    ax.set_ylabel(f"temperature ({system.temperature})")
    title = f"\u0394T = {analysis.delta_T:.4g} \u00b1 {analysis.delta_T_err:.2g} {system.temperature}"
    if np.isfinite(analysis.G):
        if system.reduced:
            title += f", G = {analysis.G:.4g} \u00b1 {analysis.G_err:.2g} (LJ reduced units)"
        else:
            title += f", G = {analysis.G_si / 1e6:.4g} \u00b1 {analysis.G_si_err / 1e6:.2g} MW m$^{{-2}}$ K$^{{-1}}$"
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=8, loc="best")
    return save(fig, path)


def emd_figure(result: Any, path: str | os.PathLike | None = None) -> Figure:
    """The EMD running integral G(t) against the lag time, the exponential fit extrapolated to t = 0 and the
    fit window (``kapitza md emd --plot``).

    Parameters
    ----------
    result : EmdConductance
        An EMD run's analysis (:class:`kapitza.analysis.md.emd.EmdConductance`); lag in the run's time
        unit, G in its ``conductance_unit``.
    path : path-like, optional
        Output file (.png, .pdf, .svg), written atomically if given.
    """
    fig = figure(figsize=(6.5, 4.0))
    ax = fig.add_subplot()
    ax.plot(result.lag, result.running_integral, lw=0.8, color="0.3", label="running integral / (k_B T\u00b2 A)")
    ax.plot(
        result.lag, result.fit_curve, "--", color="C0", label=f"exponential fit, G = {result.G_pooled:.3g} at t = 0"
    )
    ax.axvspan(result.window[0], result.window[1], color="C0", alpha=0.12, label="fit window")
    ax.axhline(0.0, color="0.6", lw=0.5)
    ax.set_xlim(0, min(float(result.lag[-1]), 3 * float(result.window[1])))
    from ..analysis.md.units import unit_system

    ax.set_xlabel(f"lag time ({unit_system(result.units).time})")
    ax.set_ylabel(f"G(t) ({result.conductance_unit})")
    ax.legend(fontsize=8)
    if path is not None:
        save(fig, path)
    return fig
