"""Figures of the effective-medium device models: superlattice, nanocomposite, polycrystal."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

import numpy as np

from ..canvas import figure, save

if TYPE_CHECKING:
    from matplotlib.figure import Figure

NM = 1e-9


def _loglog(ax: Any, xlabel: str, ylabel: str) -> None:
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize="small")


def superlattice_figure(res: Any, path: str | os.PathLike | None = None, dpi: int = 100) -> Figure:
    """k_eff vs period (d_A/period fixed), with the layers' series value, the thin-layer limit p/(2R),
    the alloy line and the critical period; the given period marked.  ``path`` (.png/.pdf/.svg) saved atomically."""
    fig = figure(figsize=(5.5, 4.0))
    ax = fig.subplots()
    p = np.asarray(res.sweep_period)
    ax.plot(p / NM, res.sweep_conductivity, color="C0", label=f"superlattice, N = {res.periods}")
    ax.axhline(res.layer_conductivity, color="0.4", ls="--", lw=1, label="layers only (no interfaces)")
    if res.resistance_ab + res.resistance_ba > 0:
        thin = p * res.thin_limit_slope
        keep = thin < 2 * res.layer_conductivity
        ax.plot(p[keep] / NM, thin[keep], color="0.4", ls=":", lw=1, label="interfaces only, p/(2R)")
        ax.axvline(res.critical_period / NM, color="C3", ls="-.", lw=1, label="critical period")
    if res.alloy_conductivity is not None:
        ax.axhline(res.alloy_conductivity, color="C2", lw=1, label=f"bulk alloy {res.alloy_conductivity:g} W/m/K")
    ax.plot([res.period / NM], [res.effective_conductivity], "o", color="C1", label="this design")
    _loglog(ax, "period d_A + d_B (nm)", "cross-plane k_eff (W m\u207b\u00b9 K\u207b\u00b9)")
    ax.set_title(f"superlattice at {res.temperature:g} K", fontsize="medium")
    return save(fig, path, dpi)


def composite_figure(res: Any, path: str | os.PathLike | None = None, dpi: int = 100) -> Figure:
    """k_eff/k_m vs a/a_K (vs a when R = 0) for the sweep's volume fractions, the critical radius marked."""
    fig = figure(figsize=(5.5, 4.0))
    ax = fig.subplots()
    a = np.asarray(res.sweep_radius)
    scale, xlabel = (res.kapitza_radius, "a / a_K") if res.kapitza_radius > 0 else (NM, "radius a (nm)")
    for i, f in enumerate(res.sweep_fractions):
        ax.plot(a / scale, res.sweep_conductivity[i] / res.matrix_conductivity, color=f"C{i}", label=f"f = {f:g}")
    ax.axhline(1.0, color="0.4", lw=1, ls="--")
    if res.critical_radius is not None:
        ax.axvline(res.critical_radius / scale, color="C3", ls="-.", lw=1, label="critical radius a_c")
    if res.radii.size == 1:
        ax.plot([res.radii[0] / scale], [res.ratio], "o", color="k", label=f"this design (f = {res.volume_fraction:g})")
    ax.set_xscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("k_eff / k_m" + (" (across the axes)" if res.shape == "cylinder-aligned" else ""))
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize="small")
    ax.set_title(
        f"{res.shape}: k_p/k_m = {res.particle_conductivity / res.matrix_conductivity:.3g}, "
        f"a_K = {res.kapitza_radius / NM:.3g} nm",
        fontsize="medium",
    )
    return save(fig, path, dpi)


def polycrystal_figure(res: Any, path: str | os.PathLike | None = None, dpi: int = 100) -> Figure:
    """k_eff vs grain size, with the bulk value, the boundary-only limit d/(c R_gb) and L_K marked."""
    fig = figure(figsize=(5.5, 4.0))
    ax = fig.subplots()
    d = np.asarray(res.sweep_grain_size)
    ax.plot(d / NM, res.sweep_conductivity, color="C0", label="polycrystal")
    ax.axhline(res.bulk_conductivity, color="0.4", ls="--", lw=1, label="single crystal k_0")
    if res.boundary_resistance > 0:
        limit = d / (res.shape_factor * res.boundary_resistance)
        keep = limit < 2 * res.bulk_conductivity
        ax.plot(d[keep] / NM, limit[keep], color="0.4", ls=":", lw=1, label="boundaries only, d/R_gb")
        ax.axvline(res.kapitza_length / NM, color="C3", ls="-.", lw=1, label="Kapitza length k_0 R_gb")
    ax.plot([res.grain_size / NM], [res.effective_conductivity], "o", color="C1", label="this grain size")
    _loglog(ax, "grain size d (nm)", "k_eff (W m\u207b\u00b9 K\u207b\u00b9)")
    ax.set_title(f"polycrystal at {res.temperature:g} K", fontsize="medium")
    return save(fig, path, dpi)
