"""alpha(theta) of an interface: one panel per incident polarisation, one curve per outgoing wave."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

import numpy as np

from .canvas import figure, save

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from ..transmission.amm import AngularTransmission

#: Colour per outgoing polarisation; transmitted waves solid, reflected dashed.
_COLOURS = {"P": "tab:blue", "SV": "tab:orange", "SH": "tab:green"}


def angular_transmission_figure(
    result: AngularTransmission, path: str | os.PathLike | None = None, title: str | None = None, log: bool = False
) -> Figure:
    """Plot alpha(theta) per incident polarisation and outgoing wave, critical angles marked.

    Critical angles are dotted vertical lines, labelled above the panel
    (horizontal text, staggered in rows where labels would collide), so no
    label crosses a curve.

    Parameters
    ----------
    result : AngularTransmission
        From :func:`kapitza.amm_angular`.
    path : path-like, optional
        Output file (.png, .pdf or .svg), written atomically if given.
    title : str, optional
        Defaults to "side1 -> side2 (model)".
    log : bool
        Logarithmic alpha axis (useful for helium, where transmission is ~1e-5).

    Returns
    -------
    matplotlib.figure.Figure
    """
    n = len(result.incident)
    fig = figure(figsize=(4.2 * n + 0.6, 4.3))
    axes = fig.subplots(1, n, sharey=True, squeeze=False)
    degrees = np.degrees(result.angle)
    right = _interesting_range(result)
    rows = 0  # rows of critical-angle labels above the panels
    for ax, (i, pol) in zip(axes[0], enumerate(result.incident)):
        total = result.transmitted[i]
        ax.plot(degrees, _positive(total, log), "-", color="0.8", lw=4, zorder=1, label="transmitted, total")
        for j, mode in enumerate(result.outgoing):
            alpha = result.coefficients[i, j]
            if not np.any(alpha > 0):
                continue  # not excited by this polarisation
            direction, opol = mode.split("_")
            style = "-" if direction == "transmitted" else "--"
            ax.plot(
                degrees,
                _positive(alpha, log),
                style,
                color=_COLOURS[opol],
                lw=1.4,
                zorder=2,
                label=f"{direction} {opol}",
            )
        ax.set_xlabel("angle of incidence \u03b8 (deg)")
        ax.set_xlim(0, right)
        rows = max(rows, _mark_critical_angles(ax, result.critical[pol], right))
        if right == 90:
            ax.set_xticks(range(0, 91, 15))
        ax.grid(True, alpha=0.25)
        if log:
            ax.set_yscale("log")
            ax.set_ylim(bottom=_log_floor(result))
    for ax, mean, pol in zip(axes[0], result.mean_transmission, result.incident):
        ax.set_title(f"incident {pol}   \u27e8\u03b1\u27e9 = {mean:.4g}", fontsize=10, pad=6 + 9 * rows)
    axes[0][0].set_ylabel("energy-flux fraction \u03b1")
    if not log:
        axes[0][0].set_ylim(0, 1.02)
    handles, labels = {}, {}
    for ax in axes[0]:
        for h, label in zip(*ax.get_legend_handles_labels()):
            handles.setdefault(label, h)
            labels[label] = label
    fig.legend(
        list(handles.values()),
        list(labels),
        loc="lower center",
        ncol=min(len(labels), 7),
        fontsize=8,
        frameon=False,
        bbox_to_anchor=(0.5, -0.02),
    )
    name = {"amm": "full AMM", "amm-simple": "simplified AMM"}.get(result.model, result.model)
    heading = title or f"{result.side1.name} \u2192 {result.side2.name} ({name})"
    if right < 90:
        heading += f"\nbeyond {right:.3g}\u00b0 every wave is reflected specularly"
    fig.suptitle(heading, fontsize=11)
    fig.tight_layout(rect=(0, 0.07, 1, 1))
    return save(fig, path)


def _mark_critical_angles(ax: Any, critical: Any, right: float) -> int:
    """Dotted lines at the critical angles inside the axis, labels above the panel; return the rows used.

    Labels are horizontal, centred on their line just above the axes; a label
    that would overlap its left neighbour in a row moves up one row.
    """
    marks = sorted((float(np.degrees(angle)), mode) for mode, angle in critical.items())
    marks = [(x, mode) for x, mode in marks if 0.0 <= x <= right]
    if not marks:
        return 0
    renderer = ax.figure.canvas.get_renderer()
    row_ends: list[float] = []  # right edge (display px) of the last label in each row
    for x, mode in marks:
        ax.axvline(x, color="grey", ls=":", lw=1.0, zorder=0)
        text = ax.annotate(
            f"\u03b8c {x:.1f}\u00b0 ({mode.replace('_', ' ')})",
            xy=(x, 1.0),
            xycoords=ax.get_xaxis_transform(),
            xytext=(0, 2),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=6.5,
            color="dimgrey",
            annotation_clip=False,
        )
        box = text.get_window_extent(renderer)
        row = next((r for r, end in enumerate(row_ends) if box.x0 > end + 6), len(row_ends))
        if row == len(row_ends):
            row_ends.append(box.x1)
        else:
            row_ends[row] = box.x1
        text.set_position((0, 2 + 9 * row))
    return len(row_ends)


def _positive(values: np.ndarray, log: bool) -> np.ndarray:
    """On a log axis, zeros are gaps rather than a cliff to 1e-300."""
    return np.where(values > 0, values, np.nan) if log else values


def _interesting_range(result: AngularTransmission) -> float:
    """Right end of the angle axis (deg): 90, or 1.25x the last angle with anything but specular reflection.

    Helium against a solid transmits only within a few degrees of the normal;
    beyond the last critical angle every incident wave is reflected as it came.
    """
    last = 0.0
    for i, pol in enumerate(result.incident):
        other = [j for j, mode in enumerate(result.outgoing) if mode != f"reflected_{pol}"]
        active = np.any(result.coefficients[i, other, :] > 0, axis=0)
        if np.any(active):
            last = max(last, float(np.degrees(result.angle[active][-1])))
    return 90.0 if last >= 30.0 or last == 0.0 else 1.25 * last


def _log_floor(result: AngularTransmission) -> float:
    """Lower end of a log alpha axis: two decades below the median positive transmission.

    Transmission dips to zero at critical angles; without a floor the axis
    would spend ten decades on the dip.
    """
    positive = result.transmitted[result.transmitted > 0]
    if positive.size == 0:
        return 1e-6
    return 10.0 ** (np.floor(np.log10(np.median(positive))) - 2)
