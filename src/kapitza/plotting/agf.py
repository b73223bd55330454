"""Figures of AGF results: transmission spectrum with the leads' channel counts, and the local DOS by plane."""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from ..units import MW_PER_M2K, rad_s_to_thz
from ._mpl import pyplot, save

#: 1 nm^2 in m^2.
NM2 = 1e-18


def plot_transmission(result: Any, path: str | os.PathLike, title: str | None = None) -> None:
    """Transmission per area of an :class:`~kapitza.transmission.agf.run.AGFResult`, and G(T).

    Left panel: Xi(omega)/A of the interface and the ballistic channel counts
    of the two perfect leads (nm^-2) against frequency (THz).  Right panel:
    two-probe and intrinsic G(T) with the leads' ballistic conductances.
    """
    plt = pyplot()
    t = result.transmission
    area = (t.area or 1.0) / NM2
    fig, (ax, bx) = plt.subplots(1, 2, figsize=(10.0, 4.2))
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
    ax.set_ylim(0, None)
    ax.legend(frameon=False, fontsize=8)
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
    save(fig, path)


def plot_ldos(ldos: Any, path: str | os.PathLike, planes: int = 4, title: str | None = None) -> None:
    """Local DOS of the atomic planes next to the interface and of the outermost device planes (bulk-like).

    Parameters
    ----------
    ldos : LocalDOS
    path : path-like
    planes : int
        Planes shown on each side of the interface.
    """
    plt = pyplot()
    labels = list(ldos.plane_labels)
    first_right = next((i for i in range(1, len(labels)) if labels[i] != labels[0]), len(labels) // 2)
    show = list(range(max(first_right - planes, 0), min(first_right + planes, len(labels))))
    fig, ax = plt.subplots(figsize=(6.5, 4.5))
    f = rad_s_to_thz(ldos.omega)
    per_thz = 2 * np.pi * 1e12  # states per rad/s -> per THz
    ax.plot(f, ldos.plane[0] * per_thz, color="k", lw=1.0, ls="--", label=f"outer plane ({labels[0]})")
    ax.plot(f, ldos.plane[-1] * per_thz, color="grey", lw=1.0, ls="--", label=f"outer plane ({labels[-1]})")
    cmap = plt.get_cmap("coolwarm")
    for n, p in enumerate(show):
        offset = p - first_right
        ax.plot(
            f,
            ldos.plane[p] * per_thz,
            color=cmap(n / max(len(show) - 1, 1)),
            lw=1.2,
            label=f"plane {offset:+d} ({labels[p]})",
        )
    ax.set_xlabel("frequency (THz)")
    ax.set_ylabel(r"local DOS (states THz$^{-1}$ atom$^{-1}$)")
    ax.set_xlim(0, None)
    ax.set_ylim(0, None)
    ax.legend(frameon=False, fontsize=7, ncol=2)
    ax.set_title(title or "local phonon DOS by atomic plane (0: first plane of the right crystal)", fontsize=10)
    fig.tight_layout()
    save(fig, path)
