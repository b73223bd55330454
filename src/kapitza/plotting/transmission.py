"""alpha(theta) of an interface: one panel per incident polarisation, one curve per outgoing wave."""

from __future__ import annotations

import os

import numpy as np

from ..transmission.amm import AngularTransmission
from ._mpl import pyplot, save

#: Colour per outgoing polarisation; transmitted waves solid, reflected dashed.
_COLOURS = {"P": "tab:blue", "SV": "tab:orange", "SH": "tab:green"}


def plot_angular_transmission(
    result: AngularTransmission, path: str | os.PathLike, title: str | None = None, log: bool = False
) -> None:
    """Plot alpha(theta) per incident polarisation and outgoing wave, critical angles marked.

    Parameters
    ----------
    result : AngularTransmission
        From :func:`kapitza.amm_angular`.
    path : path-like
        Output file (.png, .pdf or .svg).
    title : str, optional
        Defaults to "side1 -> side2 (model)".
    log : bool
        Logarithmic alpha axis (useful for helium, where transmission is ~1e-5).
    """
    plt = pyplot()
    n = len(result.incident)
    fig, axes = plt.subplots(1, n, figsize=(4.2 * n + 0.6, 4.0), sharey=True, squeeze=False)
    degrees = np.degrees(result.angle)
    right = _interesting_range(result)
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
        for mode, angle in result.critical[pol].items():
            x = np.degrees(angle)
            ax.axvline(x, color="grey", ls=":", lw=1.0, zorder=0)
            ax.text(
                x,
                0.5,
                f" \u03b8c = {x:.1f}\u00b0 ({mode.replace('_', ' ')})",
                transform=ax.get_xaxis_transform(),
                rotation=90,
                va="center",
                ha="right",
                fontsize=7,
                color="dimgrey",
            )
        mean = result.mean_transmission[i]
        ax.set_title(f"incident {pol}   \u27e8\u03b1\u27e9 = {mean:.4g}", fontsize=10)
        ax.set_xlabel("angle of incidence \u03b8 (deg)")
        ax.set_xlim(0, right)
        if right == 90:
            ax.set_xticks(range(0, 91, 15))
        ax.grid(True, alpha=0.25)
        if log:
            ax.set_yscale("log")
            ax.set_ylim(bottom=_log_floor(result))
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
    save(fig, path)


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
