"""Figures of AGF results: transmission spectrum with the leads' channel counts, and the local DOS by plane."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

import numpy as np

from ..units import MW_PER_M2K, RAD_S_PER_THZ, rad_s_to_thz
from .canvas import colormap, figure, save

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: 1 nm^2 in m^2.
NM2 = 1e-18


def transmission_figure(result: Any, path: str | os.PathLike | None = None, title: str | None = None) -> Figure:
    """Transmission per area of an :class:`~kapitza.transmission.agf.result.AGFResult`, and G(T).

    Left panel: Xi(omega)/A of the interface and the ballistic channel counts
    of the two perfect leads (nm^-2) against frequency (THz).  Right panel:
    two-probe and intrinsic G(T) with the leads' ballistic conductances.

    Parameters
    ----------
    result : AGFResult
    path : path-like, optional
        Output file (.png, .pdf, .svg), written atomically if given.
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    t = result.transmission
    area = (t.area or 1.0) / NM2
    fig = figure(figsize=(10.0, 4.2))
    ax, bx = fig.subplots(1, 2)
    names = (result.settings.get("left", "left"), result.settings.get("right", "right"))
    styles = ("--", ":")
    for side in range(2):
        if result.lead_xi.shape[-1]:
            ax.plot(
                rad_s_to_thz(result.lead_omega[side]),
                result.lead_xi[side] / area,
                styles[side],
                color="grey",
                lw=1.0,
                label=f"{names[side]} lead channels",
            )
    ax.plot(rad_s_to_thz(t.omega), t.xi / area, color="C0", lw=1.4, label=f"{names[0]}/{names[1]} interface")
    ax.set_xlabel("frequency (THz)")
    ax.set_ylabel(r"transmission per area (nm$^{-2}$)")
    ax.set_xlim(0, None)
    peak = max((float(np.max(line.get_ydata(), initial=0.0)) for line in ax.get_lines()), default=0.0)
    ax.set_ylim(0, 1.45 * peak if peak > 0 else None)  # headroom: the legend sits above the curves
    ax.legend(frameon=False, fontsize=8, loc="upper left")
    ax.set_title("phonon transmission (AGF)", fontsize=10)
    temps = np.asarray(result.temperature)
    order = np.argsort(temps)
    bx.plot(temps[order], result.conductance[order] / MW_PER_M2K, "o-", color="C0", label="two-probe (Caroli)")
    intrinsic = result.intrinsic
    ok = np.isfinite(intrinsic)
    bx.plot(
        temps[order][ok[order]],
        intrinsic[order][ok[order]] / MW_PER_M2K,
        "s-",
        color="C3",
        label="intrinsic (leads' ballistic resistance removed)",
    )
    for side in range(2):
        bx.plot(
            temps[order],
            result.ballistic[side][order] / MW_PER_M2K,
            styles[side],
            color="grey",
            label=f"{names[side]} ballistic",
        )
    bx.set_xlabel("temperature (K)")
    bx.set_ylabel(r"G (MW m$^{-2}$ K$^{-1}$)")
    bx.set_ylim(0, None)
    bx.legend(frameon=False, fontsize=8)
    bx.grid(True, alpha=0.25)
    bx.set_title("conductance", fontsize=10)
    s = result.settings
    fig.suptitle(
        title
        or f"{names[0]}/{names[1]} [{s.get('normal', '')}], {s.get('potential', '')}, "
        f"{'x'.join(str(k) for k in s.get('kpoints', []))} k-points",
        fontsize=11,
    )
    fig.tight_layout()
    return save(fig, path)


def _first_right_plane(labels: list[str]) -> int:
    """Index of the first plane whose label differs from the first plane's (the right crystal's first plane)."""
    return next((i for i in range(1, len(labels)) if labels[i] != labels[0]), len(labels) // 2)


def ldos_figure(
    ldos: Any, path: str | os.PathLike | None = None, planes: int | None = None, title: str | None = None
) -> Figure:
    """Local DOS as a map over atomic plane and frequency, and the two outermost (bulk-like) planes.

    Top panel: LDOS (colour, states THz^-1 atom^-1) of each plane (rows,
    numbered from the first plane of the right crystal, 0) against frequency
    (THz); the interface is the dashed line between -1 and 0.  Bottom panel:
    the LDOS of the outermost plane on each side, the bulk references that
    interface modes stand out against.

    Parameters
    ----------
    ldos : LocalDOS
        From :func:`kapitza.transmission.agf.ldos.local_dos` (``omega`` rad/s,
        ``plane`` s/rad per atom, shape (n_planes, n_omega), ``plane_labels``).
    path : path-like, optional
        Output file (.png, .pdf, .svg), written atomically if given.
    planes : int, optional
        Planes shown on each side of the interface (default: all).
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    labels = list(ldos.plane_labels)
    first_right = _first_right_plane(labels)
    lo, hi = 0, len(labels)
    if planes is not None:
        lo, hi = max(first_right - planes, 0), min(first_right + planes, len(labels))
    f = rad_s_to_thz(np.asarray(ldos.omega))
    values = np.asarray(ldos.plane) * RAD_S_PER_THZ
    offsets = np.arange(lo, hi) - first_right
    fig = figure(figsize=(7.0, 6.2))
    ax, bx = fig.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [2.2, 1.0], "hspace": 0.08})
    shown = values[lo:hi]
    top = float(np.percentile(shown, 99.5)) if shown.size else 1.0
    mesh = ax.pcolormesh(
        _edges(f),
        np.arange(lo, hi + 1) - first_right - 0.5,
        shown,
        cmap=colormap("magma"),
        vmin=0.0,
        vmax=top if top > 0 else None,
        shading="flat",
        rasterized=True,
    )
    ax.axhline(-0.5, color="white", ls="--", lw=1.0)
    for y, side in ((offsets[0] - 0.5, labels[lo]), (offsets[-1] + 0.5, labels[hi - 1])):
        va = "bottom" if y < 0 else "top"
        ax.text(0.99, y, f" {side} ", transform=ax.get_yaxis_transform(), ha="right", va=va, color="white", fontsize=9)
    step = max(1, int(np.ceil(len(offsets) / 12)))
    ax.set_yticks([int(o) for o in offsets if o % step == 0])
    ax.set_ylabel("atomic plane (0: first plane of the right crystal)")
    colorbar = fig.colorbar(mesh, ax=[ax, bx], pad=0.02, extend="max" if shown.max() > top else "neither")
    colorbar.set_label(r"local DOS (states THz$^{-1}$ atom$^{-1}$)")
    ax.set_title(title or "local phonon DOS by atomic plane", fontsize=10)
    bx.plot(f, values[0], color="C0", lw=1.0, label=f"outermost plane, {labels[0]} side")
    bx.plot(f, values[-1], color="C3", lw=1.0, label=f"outermost plane, {labels[-1]} side")
    bx.set_xlabel("frequency (THz)")
    bx.set_ylabel(r"LDOS (THz$^{-1}$ atom$^{-1}$)")
    bx.set_xlim(0.0, float(f[-1]) if f.size else 1.0)
    bx.set_ylim(0, None)
    bx.legend(frameon=False, fontsize=8)
    return save(fig, path)


def _edges(centres: np.ndarray) -> np.ndarray:
    """Cell edges around sorted centres (midpoints; the ends extended by half a step), shape (n + 1,)."""
    c = np.asarray(centres, dtype=float)
    if c.size == 1:
        return np.array([c[0] - 0.5, c[0] + 0.5])
    mid = 0.5 * (c[1:] + c[:-1])
    return np.concatenate(([c[0] - (mid[0] - c[0])], mid, [c[-1] + (c[-1] - mid[-1])]))
