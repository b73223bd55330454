"""Figure of a hot spot: the temperature-rise map with the interfaces marked, and the peak against a sweep."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

import numpy as np

from ..canvas import colormap, figure, save

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["hotspot_figure"]


def _view(result: Any) -> tuple[float, float]:
    """Half-width and depth (m) of the map: the hot region, not the whole substrate."""
    a = result.source_width / 2
    upper = float(np.sum(result.layer_thicknesses[:-1]))
    size = max(6 * a, 2.5 * upper, 1e-3 * result.domain_width)
    return min(size, result.domain_width / 2), min(size, float(np.sum(result.layer_thicknesses)))


def hotspot_figure(
    result: Any,
    sweep: Any | None = None,
    *,
    extent_m: tuple[float, float] | None = None,
    path: str | os.PathLike | None = None,
) -> Figure:
    """Temperature rise map of a :class:`~kapitza.devices.hotspot.HotspotResult`, interfaces drawn with their R.

    Parameters
    ----------
    result : HotspotResult
    sweep : HotspotSweep, optional
        Adds a second panel: peak dT against the swept R or width, with the 1D stack estimate.
    extent_m : (half_width, depth), optional
        Region shown, m (default: a few source widths or the upper layers, whichever is larger).
    path : path-like, optional
        Save the figure there (.png/.pdf/.svg), atomically.
    """
    half, depth = extent_m if extent_m is not None else _view(result)
    fig = figure(figsize=(9.6 if sweep is not None else 6.0, 4.2), layout="constrained")
    axes = fig.subplots(1, 2, width_ratios=(3, 2)) if sweep is not None else [fig.subplots()]
    ax = axes[0]
    x = np.asarray(result.x) * 1e6
    z = np.asarray(result.z) * 1e6
    dt = np.asarray(result.temperature) - result.sink_temperature
    # mirrored about the axis (the solution is symmetric: only x >= 0 is meshed)
    xx = np.concatenate((-x[:0:-1], x))
    dt = np.concatenate((dt[:, :0:-1], dt), axis=1)
    xlabel = "x (\u00b5m)" if result.geometry == "planar" else "r (\u00b5m)"
    vmax = float(np.max(dt)) or 1.0
    cmap = colormap("inferno")
    mesh = None
    for i in range(len(result.layer_labels)):
        rows = np.asarray(result.layer_index) == i
        mesh = ax.pcolormesh(xx, z[rows], dt[rows], shading="gouraud", cmap=cmap, vmin=0.0, vmax=vmax)
    d_top = 0.0
    for i, label in enumerate(result.layer_labels):
        if d_top * 1e6 < depth * 1e6:
            ax.text(0.98 * half * 1e6, d_top * 1e6, f" {label}", color="w", fontsize=8, ha="right", va="top")
        d_top += result.layer_thicknesses[i]
    for j, zi in enumerate(np.asarray(result.interface_depths) * 1e6):
        if zi > depth * 1e6:
            continue
        ax.axhline(zi, color="c", lw=1.0, ls="--")
        text = f"R = {result.interface_resistances[j]:.2g} m\u00b2K/W, jump {result.interface_jumps[j]:.3g} K"
        ax.text(-0.98 * half * 1e6, zi, text, color="c", fontsize=8, va="bottom")
    a = result.source_width / 2 * 1e6
    ax.plot([-a, a], [0, 0], color="lime", lw=4, solid_capstyle="butt", label="source")
    ax.set_xlim(-half * 1e6, half * 1e6)
    ax.set_ylim(depth * 1e6, 0)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("depth (\u00b5m)")
    unit = result.power_unit
    ax.set_title(
        f"{result.geometry}, w = {result.source_width * 1e6:.3g} \u00b5m, P = {result.power:.3g} {unit}: "
        f"peak {result.peak_temperature_rise:.3g} K (1D {result.stack_1d_rise:.3g} K)",
        fontsize=9,
    )
    if mesh is not None:
        fig.colorbar(mesh, ax=ax, label="T - T_sink (K)")
    if sweep is not None:
        bx = axes[1]
        v = np.asarray(sweep.values)
        xs = v * 1e9 if sweep.parameter == "resistance" else v * 1e6  # m^2 K GW^-1 or um: no axis offset
        bx.plot(xs, sweep.peak_temperature_rise, "o-", color="C3", label="peak (FEM)")
        bx.plot(xs, sweep.stack_1d_rise, "s--", color="0.4", label="1D stack, source flux")
        bx.set_yscale("log")
        if sweep.parameter == "resistance":
            bx.set_xlabel(f"R of interface {sweep.interface + 1} (m\u00b2 K GW\u207b\u00b9)")
            if np.all(v > 0):
                bx.set_xscale("log")
        else:
            bx.set_xlabel("source width (\u00b5m)")
            bx.set_xscale("log")
        bx.set_ylabel("temperature rise (K)")
        bx.legend(fontsize=8)
        bx.grid(alpha=0.3, which="both")
    return save(fig, path, dpi=100)
