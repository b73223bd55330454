"""Figures of :mod:`kapitza.devices.stack` and :mod:`kapitza.devices.film`.

The stack profile draws every layer with the same width whatever its thickness (a 2 nm layer next to a
500 um substrate would otherwise vanish), so the jumps at the interfaces stay visible; the ticks give
each layer's thickness.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

import numpy as np

from ..canvas import figure, save

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def _length(metres: float) -> str:
    for scale, unit in ((1e-3, "mm"), (1e-6, "\u00b5m"), (1e-9, "nm")):
        if metres >= scale:
            return f"{metres / scale:.3g} {unit}"
    return f"{metres / 1e-9:.3g} nm"


def _profile(ax: Any, res: Any) -> None:
    layers = res.stack.layers
    tops = np.concatenate([[0.0], np.cumsum([layer.thickness for layer in layers])])
    for i, layer in enumerate(layers):
        here = res.layer_index == i
        u = i + (res.position[here] - tops[i]) / layer.thickness
        ax.plot(u, res.temperature[here], color="C3", lw=2)
        ax.axvspan(i, i + 1, color=("0.93" if i % 2 == 0 else "0.85"), zorder=0)
        ax.text(i + 0.5, 0.02, f"{layer.name}\n{_length(layer.thickness)}", transform=ax.get_xaxis_transform(),
                ha="center", va="bottom", fontsize="medium")  # fmt: skip
    # each jump gets a number beside it; the numbers are explained in one box in the lower left, which the
    # falling profile leaves free (labels beside the jumps collide when the layers between them are thin)
    lines = []
    for j, jump in enumerate(res.interface_jump):
        upper = res.temperature[res.layer_index == j][-1]
        lower = res.temperature[res.layer_index == j + 1][0]
        ax.plot([j + 1, j + 1], [lower, upper], color="C0", lw=2.5)
        ax.annotate(f"{j + 1}", (j + 1, upper), xytext=(3, 2), textcoords="offset points", color="C0",
                    fontsize="medium", va="bottom", fontweight="bold")  # fmt: skip
        names = f"{layers[j].name}/{layers[j + 1].name}"
        lines.append(
            f"{j + 1} {names}: \u0394T = {jump:.3g} K, R = {res.interface_resistance[j]:.3g} m\u00b2 K W\u207b\u00b9"
        )
    if lines:
        ax.text(0.02, 0.16, "\n".join(lines), transform=ax.transAxes, fontsize="small", color="C0", va="bottom",
                bbox={"facecolor": "white", "edgecolor": "0.8", "alpha": 0.85})  # fmt: skip
    ax.set_xlim(0, len(layers))
    ax.set_xticks(np.arange(len(layers) + 1))
    ax.set_xticklabels([])
    ax.set_xlabel("layers (each drawn the same width; heat flows left to right)")
    ax.set_ylabel("T (K)")
    ax.set_title(f"q = {res.heat_flux:.3g} W m\u207b\u00b2, T_sink = {res.sink_temperature:.4g} K", fontsize="medium")


def _budget(ax: Any, res: Any) -> None:
    rows = res.budget
    names = [r[0] for r in rows]
    shares = [100.0 * r[2] for r in rows]
    colors = ["C3" if "/" not in n else "C0" for n in names]
    y = np.arange(len(rows))[::-1]
    ax.barh(y, shares, color=colors)
    ax.set_yticks(y)
    ax.set_yticklabels(names, fontsize="medium")
    for yy, s in zip(y, shares, strict=True):
        ax.text(s, yy, f" {s:.3g} %", va="center", fontsize="medium")
    ax.set_xlabel("share of the total resistance (%)")
    ax.set_xlim(0, max(shares) * 1.3 if max(shares) > 0 else 1)
    ax.set_title(f"R_total = {res.total_resistance:.3g} m\u00b2 K W\u207b\u00b9", fontsize="medium")


def _metal(ax: Any, side: Any, res: Any) -> None:
    """T_e and T_p near the metal's interface, as millikelvin above the far-field line's value at the interface
    (the differences are tiny next to T), the far-field line drawn first and thin so the electrons stay visible."""
    x0 = res.interface_position[side.interface]
    depth = np.abs(side.position - x0) / 1e-9
    ref = float(side.fourier_temperature[np.argmin(depth)])
    mk = 1e3
    ax.plot(
        depth, (side.fourier_temperature - ref) * mk, color="0.55", ls=":", lw=1.0, label="far-field line", zorder=1
    )
    ax.plot(depth, (side.phonon_temperature - ref) * mk, "C2-", lw=2.0, label="phonons T_p", zorder=2)
    ax.plot(depth, (side.electron_temperature - ref) * mk, "C1-", lw=2.0, label="electrons T_e", zorder=3)
    ax.set_xlabel(f"depth into {res.stack.layers[side.layer].name} from the interface (nm)")
    ax.set_ylabel(f"T \u2212 {ref:.6g} K (mK)")
    ax.set_title(f"two-temperature: d = {side.cooling_length / 1e-9:.3g} nm", fontsize="medium")
    ax.legend(fontsize="small")


def stack_figure(res: Any, path: str | os.PathLike | None = None) -> Figure:
    """The temperature profile with the interface jumps, the resistance budget, and T_e, T_p near a metal.

    Parameters
    ----------
    res : StackResult
    path : path-like, optional
        Output file (.png, .pdf, .svg), written atomically if given.
    """
    panels = 2 + (1 if res.metal_sides else 0)
    fig = figure(figsize=(4.2 * panels, 3.8))
    axes = fig.subplots(1, panels, gridspec_kw={"width_ratios": [1.5] + [1.0] * (panels - 1)})
    _profile(axes[0], res)
    _budget(axes[1], res)
    if res.metal_sides:
        _metal(axes[2], res.metal_sides[0], res)
    fig.tight_layout()
    return save(fig, path, dpi=100)


def film_figure(res: Any, path: str | os.PathLike | None = None) -> Figure:
    """Temperature rise of the heated film vs its thickness, with and without the interface resistance.

    Parameters
    ----------
    res : FilmScaling
    path : path-like, optional
        Output file (.png, .pdf, .svg), written atomically if given.
    """
    fig = figure(figsize=(10.0, 4.0))
    ax, ax2 = fig.subplots(1, 2)
    d = res.film_thickness / 1e-9
    ax.plot(d, res.rise_with, "C3o-", ms=3, label=f"with the interface: {res.interface_label}")
    ax.plot(d, res.rise_without, "C0s--", ms=3, label="without R (perfect contact)")
    ax2.loglog(d, res.excess_with, "C3o-", ms=3, label="with R: film + interface")
    ax2.loglog(d, res.film_drop_without, "C0s--", ms=3, label="without R: film alone")
    ax2.set_xlabel(f"{res.film} thickness (nm)")
    ax2.set_ylabel("film's rise above the substrate surface (K)")
    for a in (ax, ax2):
        a.axvline(res.crossover_thickness / 1e-9, color="0.5", ls=":", lw=1)
    ax2.text(res.crossover_thickness / 1e-9, 0.95, "L_K ", transform=ax2.get_xaxis_transform(), fontsize="medium",
             va="top", ha="right")  # fmt: skip
    ax2.legend(fontsize="medium")
    ax.set_xscale("log")
    ax.set_xlabel(f"{res.film} thickness (nm)")
    ax.set_ylabel("temperature rise of the heated face (K)")
    ax.set_title(f"{res.film} on {res.substrate}, q = {res.heat_flux:.3g} W m\u207b\u00b2", fontsize="medium")
    ax.legend(fontsize="medium")
    fig.tight_layout()
    return save(fig, path, dpi=100)
