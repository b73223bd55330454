"""Figures of vibrational EELS thermometry: the spectrum with its gain side mirrored, the ln-ratio fit,
temperature profiles across an interface with the fits and the jump, temperature maps, forward vs reverse flows.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

import numpy as np

from .canvas import colormap, figure, save

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def spectrum_figure(data: Any, fit: Any, *, path: str | os.PathLike | None = None) -> Figure:
    """One preprocessed spectrum and its temperature fit.

    Top: loss side I(E) and gain side I(-E) against |E| (meV), and the loss side times exp(-E / k_B T_fit): where
    the fit describes the data, the gain side scatters about that curve.  Bottom: ln(I_gain /
    I_loss) per channel pair with its error bar and the fitted line, the fit window shaded.
    """
    from ..analysis.eels.balance import KB_MEV

    e = np.asarray(data.energy_mev, dtype=float)
    c = np.asarray(data.counts, dtype=float).reshape(-1, e.size).sum(axis=0)
    loss = e > 0
    mirror = {round(float(x), 6): i for i, x in enumerate(e)}
    pairs = [(i, mirror.get(round(-float(e[i]), 6))) for i in np.flatnonzero(loss)]
    pairs = [(i, j) for i, j in pairs if j is not None]
    el = e[[i for i, _ in pairs]]
    il = c[[i for i, _ in pairs]]
    ig = c[[j for _, j in pairs]]
    t = float(np.atleast_1d(fit.temperature).ravel()[0])
    lo, hi = (float(v) for v in fit.window_mev)

    fig = figure(figsize=(6.4, 6.4), layout="constrained")
    ax1, ax2 = fig.subplots(2, 1, sharex=True, height_ratios=(3, 2))
    ax1.plot(el, il, color="C3", lw=1.2, label="loss  I(E)")
    ax1.plot(el, ig, color="C0", lw=1.0, alpha=0.6, label="gain  I(-E), mirrored")
    if np.isfinite(t) and t > 0:
        expected = il * np.exp(-el / (KB_MEV * t))
        ax1.plot(el, expected, color="C0", lw=1.4, ls="--", label=f"loss x exp(-E/kT): gain expected at {t:.0f} K")
    ax1.axvspan(lo, hi, color="0.9", zorder=0)
    top = np.nanmax(il[(el >= lo) & (el <= hi)]) if np.any((el >= lo) & (el <= hi)) else np.nanmax(il)
    ax1.set_ylim(-0.1 * top, 1.6 * top)
    ax1.set_ylabel("counts (background removed)")
    ax1.legend(fontsize=8, loc="upper right")
    t_err = float(np.atleast_1d(fit.temperature_err).ravel()[0])
    ax1.set_title(f"{getattr(data, 'source', '')}: T = {t:.4g} \u00b1 {t_err:.2g} K", fontsize=10)

    x = np.asarray(fit.energies_mev, dtype=float)
    y = np.asarray(fit.log_ratio, dtype=float).reshape(-1, x.size)[0]
    ye = np.asarray(fit.log_ratio_err, dtype=float).reshape(-1, x.size)[0]
    ok = np.isfinite(y) & np.isfinite(ye)
    ax2.errorbar(x[ok], y[ok], yerr=ye[ok], fmt="o", ms=3, color="k", lw=0.8, label="ln(I_gain / I_loss)")
    c0 = (
        float(np.atleast_1d(getattr(fit, "intercept", 0.0)).ravel()[0])
        if getattr(fit, "intercept", None) is not None
        else 0.0
    )
    if np.isfinite(t) and t > 0:
        xx = np.linspace(0, hi * 1.05, 50)
        ax2.plot(xx, c0 - xx / (KB_MEV * t), color="C3", label="fit: -E / k_B T")
    ax2.axvspan(lo, hi, color="0.9", zorder=0)
    if ok.any():  # a few channels with almost no gain counts must not squash the rest
        ax2.set_ylim(float(np.nanpercentile(y[ok] - ye[ok], 5)) - 0.5, 0.3)
    ax2.set_xlabel("|E| (meV)")
    ax2.set_ylabel("ln(gain / loss)")
    ax2.set_xlim(0, max(hi * 1.6, float(el.max()) * 0.6 if el.size else hi))
    ax2.legend(fontsize=8)
    return save(fig, path)


def joint_spectrum_figure(fit: Any, *, title: str = "", path: str | os.PathLike | None = None) -> Figure:
    """One spectrum's joint tail + temperature fit (:class:`~kapitza.analysis.eels.joint.JointTemperatureFit`).

    Top: the loss side L(E) and the mirrored gain side G(-E) against |E| (meV) over the fitted channels, the fitted
    zero-loss-peak tail B (the same on both sides) and the gain the model expects, B + exp(-E/k_B T) (L - B).
    Bottom: the phonon part's ratio (G - B) / (L - B) per channel pair with its counting error, against
    exp(-E/k_B T) at the fitted temperature; the window shaded.
    """
    from ..analysis.eels.balance import KB_MEV

    e = np.asarray(fit.energies_mev, dtype=float)
    g = np.asarray(fit.gain_counts, dtype=float)
    lc = np.asarray(fit.loss_counts, dtype=float)
    b = np.asarray(fit.tail_counts, dtype=float)
    t = float(fit.temperature)
    r = np.exp(-e / (KB_MEV * t))
    lo, hi = (float(v) for v in fit.window_mev)
    fig = figure(figsize=(6.4, 6.4), layout="constrained")
    ax1, ax2 = fig.subplots(2, 1, sharex=True, height_ratios=(3, 2))
    ax1.plot(e, lc, color="C3", lw=1.2, label="loss  L(E)")
    ax1.plot(e, g, color="C0", lw=1.0, alpha=0.6, label="gain  G(-E), mirrored")
    ax1.plot(e, b, color="0.3", lw=1.2, ls=":", label=f"fitted tail B ({fit.family})")
    ax1.plot(e, b + r * (lc - b), color="C0", lw=1.4, ls="--", label=f"gain expected at {t:.0f} K: B + r (L - B)")
    ax1.axvspan(lo, hi, color="0.92", zorder=0)
    ax1.set_yscale("log")
    ax1.set_ylabel("counts")
    ax1.legend(fontsize=8, loc="upper right")
    ax1.set_title(
        f"{title}: T = {t:.4g} \u00b1 {float(fit.temperature_err):.2g} K ({fit.verdict.split(':')[0]})", fontsize=10
    )
    sig = lc - b
    ok = sig > 0
    with np.errstate(all="ignore"):
        ratio = np.where(ok, (g - b) / np.where(ok, sig, 1.0), np.nan)
        err = np.where(
            ok, np.sqrt(np.maximum(g, 1.0) + ratio**2 * np.maximum(lc, 1.0)) / np.where(ok, sig, 1.0), np.nan
        )
    fin = np.isfinite(ratio) & np.isfinite(err)
    ax2.errorbar(e[fin], ratio[fin], yerr=err[fin], fmt="o", ms=2, color="k", lw=0.6, label="(G - B) / (L - B)")
    ax2.plot(e, r, color="C3", label="exp(-E / k_B T), fitted T")
    ax2.axvspan(lo, hi, color="0.92", zorder=0)
    ax2.set_ylim(-0.2, min(1.5, float(np.nanmax(r)) * 2.5 + 0.2))
    ax2.set_xlabel("|E| (meV)")
    ax2.set_ylabel("phonon gain / loss")
    ax2.legend(fontsize=8)
    return save(fig, path)


def profile_figure(profile: Any, jump: Any = None, *, path: str | os.PathLike | None = None) -> Figure:
    """Temperature against position with error bars; the two side fits extrapolated to the interface and the jump."""
    x = np.asarray(profile.positions_nm, dtype=float)
    t = np.asarray(profile.temperature, dtype=float)
    te = np.asarray(profile.temperature_err, dtype=float)
    ok = np.asarray(profile.valid, dtype=bool)
    fig = figure(figsize=(6.4, 4.0), layout="constrained")
    ax = fig.subplots()
    ax.errorbar(x[ok], t[ok], yerr=te[ok], fmt="o", ms=3, color="k", lw=0.8, label="EELS temperature")
    if jump is not None:
        z = float(jump.interface_nm)
        ax.axvline(z, color="0.5", lw=0.8, ls=":")
        ex = float(getattr(jump, "exclude_nm", 0.0))
        if ex > 0:
            ax.axvspan(z - ex, z + ex, color="0.92", zorder=0, label="left out of the fits")
        for side, color in (("left", "C0"), ("right", "C3")):
            value = float(getattr(jump, f"T_{side}"))
            slope = float(getattr(jump, f"gradient_{side}_k_per_nm"))
            a, b = (float(v) for v in getattr(jump, f"{side}_range_nm"))
            xx = np.linspace(min(a, z), max(b, z), 20)
            ax.plot(xx, value + slope * (xx - z), color=color, lw=1.5, label=f"{side} fit, to the plane")
        # in the title, not beside the jump, where it would sit on the data points
        ax.set_title(
            f"jump at {z:.3g} nm: \u0394T = {float(jump.delta_T):.3g} \u00b1 {float(jump.delta_T_err):.2g} K",
            fontsize=9,
        )
    ax.set_xlabel("position (nm)")
    ax.set_ylabel("temperature (K)")
    ax.legend(fontsize=8)
    return save(fig, path)


def map_figure(tmap: Any, *, path: str | os.PathLike | None = None) -> Figure:
    """Temperature map and its standard-error map (pixels without a temperature are blank)."""
    t = np.asarray(tmap.temperature, dtype=float)
    te = np.asarray(tmap.temperature_err, dtype=float)
    ok = np.asarray(tmap.valid, dtype=bool)
    if t.ndim == 1:
        t, te, ok = t[None, :], te[None, :], ok[None, :]
    pos = [np.asarray(p, dtype=float) for p in tmap.positions_nm]
    if len(pos) == 1:
        pos = [np.array([0.0, 1.0]), pos[0]]

    def extent(p: np.ndarray) -> tuple[float, float]:
        step = float(np.median(np.diff(p))) if p.size > 1 else 1.0
        return float(p[0] - step / 2), float(p[-1] + step / 2)

    ext = (*extent(pos[1]), *extent(pos[0])[::-1])
    fig = figure(figsize=(9.0, 3.8), layout="constrained")
    axes = fig.subplots(1, 2)
    for ax, values, label, cmap in ((axes[0], t, "T (K)", "inferno"), (axes[1], te, "\u03c3_T (K)", "viridis")):
        im = ax.imshow(np.where(ok, values, np.nan), extent=ext, origin="upper", cmap=colormap(cmap), aspect="auto")
        fig.colorbar(im, ax=ax, label=label)
        ax.set_xlabel("x (nm)")
        ax.set_ylabel("y (nm)")
    axes[0].set_title("temperature", fontsize=10)
    axes[1].set_title("standard error", fontsize=10)
    return save(fig, path)


def flows_figure(cmp: Any, *, path: str | os.PathLike | None = None) -> Figure:
    """Forward vs reverse heat flow along a line scan: each band's gain/loss asymmetry for both runs (top) and the
    z-score of their difference (bottom); an image is shown by its mean over the rows."""
    pos = np.asarray(cmp.positions_nm[-1], dtype=float)

    def line(a: Any) -> np.ndarray:
        a = np.asarray(a, dtype=float)
        return a if a.ndim == 1 else np.nanmean(a.reshape(-1, a.shape[-1]), axis=0)

    fig = figure(figsize=(6.4, 5.6), layout="constrained")
    ax1, ax2 = fig.subplots(2, 1, sharex=True)
    for b, (lo, hi) in enumerate(cmp.bands_mev):
        color = f"C{b}"
        ax1.errorbar(
            pos,
            line(cmp.ratio_forward[b]),
            yerr=line(cmp.ratio_forward_err[b]),
            fmt="o-",
            ms=3,
            color=color,
            lw=0.8,
            label=f"{lo:g}-{hi:g} meV, forward",
        )
        ax1.errorbar(
            pos,
            line(cmp.ratio_reverse[b]),
            yerr=line(cmp.ratio_reverse_err[b]),
            fmt="s--",
            ms=3,
            color=color,
            lw=0.8,
            mfc="none",
            label=f"{lo:g}-{hi:g} meV, reverse",
        )
        ax2.plot(pos, line(cmp.ratio_z[b]), "o-", ms=3, color=color, lw=0.8, label=f"{lo:g}-{hi:g} meV")
    ax2.axhspan(-2, 2, color="0.92", zorder=0)
    ax1.set_ylabel("I_gain / I_loss of the band")
    ax1.legend(fontsize=7, ncol=2)
    ax2.set_ylabel("z (forward - reverse)")
    ax2.set_xlabel(f"{cmp.nav_names[-1] if cmp.nav_names else 'x'} (nm)")
    ax2.legend(fontsize=7)
    return save(fig, path)
