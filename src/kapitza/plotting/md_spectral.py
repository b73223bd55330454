"""Figures of spectral NEMD runs: q(omega) and G(omega), plane DOS maps and modal temperatures, rectification.

Frequencies are shown in the analysis' display unit (rad/tau for LJ runs) except for SI (metal) runs, whose
frequency axis is in THz (omega / 2 pi / 1e12); their conductances are then shown in MW m^-2 K^-1 and their
spectral conductances g per THz (MW m^-2 K^-1 THz^-1), so that the area under the plotted g is the plotted G.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

import numpy as np

from ..units import RAD_S_PER_THZ
from .canvas import figure, save

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


def _frequency_axis(omega_unit: str) -> tuple[float, str]:
    """(factor from the display omega unit to the plotted one, axis label)."""
    if omega_unit == "rad/s":
        return 1.0 / RAD_S_PER_THZ, "frequency (THz)"
    return 1.0, f"\u03c9 ({omega_unit})"


def _si_display(omega_unit: str, G_unit: str) -> tuple[float, str, float, str]:
    """(factor, unit) for g and for G as plotted: per THz and MW m^-2 K^-1 for SI runs, else unchanged."""
    if omega_unit == "rad/s" and G_unit == "W m^-2 K^-1":
        mw = "MW m\u207b\u00b2 K\u207b\u00b9"
        return RAD_S_PER_THZ * 1e-6, f"{mw} THz\u207b\u00b9", 1e-6, mw
    return 1.0, "", 1.0, G_unit


def _upper_limit(x: np.ndarray, weight: np.ndarray, fraction: float) -> float | None:
    """A frequency axis limit: 15 % beyond the highest x where weight exceeds ``fraction`` of its peak."""
    w = np.abs(np.nan_to_num(np.asarray(weight, dtype=float), nan=0.0))
    if w.ndim > 1:
        w = w.max(axis=tuple(range(w.ndim - 1)))
    if w.size == 0 or w.max() <= 0:
        return None
    top = float(np.asarray(x)[np.flatnonzero(w > fraction * w.max())[-1]])
    return min(1.15 * top, float(np.max(x))) if top > 0 else None


def _run_to_display(units: str) -> float:
    """Factor from rad per run time unit to the display omega unit (lj: 1; metal: rad/ps -> rad/s)."""
    return 1e12 if units == "metal" else 1.0


def spectrum_figure(
    sc: Any,
    harmonic: Any = None,
    *,
    omega_max_soft: float | None = None,
    show: str = "g",
    path: str | os.PathLike | None = None,
) -> Figure:
    """Spectral conductance of one run: g(omega) (or q) with its SE band on top, cumulative G below.

    Parameters
    ----------
    sc : SpectralConductance
        From :func:`kapitza.analysis.md.spectral.spectral_conductance`.
    harmonic : HarmonicSpectra, optional
        Harmonic predictions (``omega``, ``g_agf``, ``g_dmm`` in the same display units, ``omega_max_a``,
        ``omega_max_b``): drawn as AGF and DMM curves; the softer side's highest frequency as a vertical line.
    omega_max_soft : float, optional
        The softer side's highest frequency (``sc.omega_unit``) when no ``harmonic`` gives it.
    show : str
        ``"g"`` (q / Delta T, comparable with the predictions) or ``"q"``.
    path : path-like, optional
        Output file (.png, .pdf, .svg), written atomically if given.
    """
    if show not in ("g", "q"):
        from ..errors import InputError

        raise InputError(f"show= must be g or q, got {show!r}")
    fx, xlabel = _frequency_axis(sc.omega_unit)
    x = sc.omega * fx
    fig = figure(figsize=(6.4, 6.4))
    top, bottom = fig.subplots(2, 1, sharex=True)
    gf, g_unit, Gf, G_unit = _si_display(sc.omega_unit, sc.G_unit)
    if show == "g":
        y, e, unit, name = sc.g * gf, sc.g_err * gf, g_unit or sc.g_unit, "g = q/\u0394T"
    else:
        y, e, unit, name = sc.q, sc.q_err, sc.q_unit, "q"
    top.plot(x, y, color="C0", label=f"NEMD ({sc.q_source} form)")
    top.fill_between(x, y - e, y + e, color="C0", alpha=0.3, linewidth=0)
    soft = omega_max_soft
    if harmonic is not None:
        w = np.asarray(harmonic.omega, dtype=float) * fx
        if show == "g":
            for attr, label, style in (("g_agf", "AGF", "C1-"), ("g_dmm", "DMM", "C2--")):
                values = getattr(harmonic, attr, None)
                if values is not None:
                    top.plot(w, np.asarray(values, dtype=float) * gf, style, label=label)
        maxima = [getattr(harmonic, a, None) for a in ("omega_max_a", "omega_max_b")]
        maxima = [float(m) for m in maxima if m is not None and np.isfinite(m)]
        if soft is None and maxima:
            soft = min(maxima)
    if soft is not None:
        top.axvline(soft * fx, color="0.4", linestyle=":", label="softer side's highest frequency")
    top.axhline(0.0, color="0.7", linewidth=0.5)
    top.set_ylabel(f"{name} ({unit})")
    top.legend(fontsize="small")
    verdict = "sum rule agrees" if sc.sum_rule_agrees else "sum rule does not agree"
    top.set_title(f"Gaussian smoothing \u03c3 = {sc.smoothing_width:.3g} {sc.omega_unit}; {verdict}", fontsize="small")
    G, G_err = sc.G_nemd * Gf, sc.G_nemd_err * Gf
    bottom.plot(x, sc.G_cumulative * Gf, color="C0", label="cumulative G(\u03c9)")
    bottom.axhline(G, color="C3", linestyle="--", label=f"G NEMD = {G:.3g} \u00b1 {G_err:.3g} {G_unit}")
    if np.isfinite(G_err):
        bottom.axhspan(G - G_err, G + G_err, color="C3", alpha=0.15, linewidth=0)
    if soft is not None:
        bottom.axvline(soft * fx, color="0.4", linestyle=":")
    upper = _upper_limit(x, y, 0.02)
    if upper is not None:
        bottom.set_xlim(0.0, max(upper, 1.1 * soft * fx) if soft is not None else upper)
    bottom.set_xlabel(xlabel)
    bottom.set_ylabel(f"G(\u03c9) ({G_unit})")
    bottom.legend(fontsize="small")
    fig.tight_layout()
    return save(fig, path)


def _mark_interface(ax: Axes) -> None:
    ax.axhline(-0.5, color="w", linestyle="--", linewidth=1.0)


def modes_figure(
    dos_map: Any, modal_temperatures: Any, interface_modes: Any = None, *, path: str | os.PathLike | None = None
) -> Figure:
    """Plane-resolved DOS map (planes against frequency, interface marked) and modal temperature profiles.

    Parameters
    ----------
    dos_map : PlaneDosMap
        From :func:`kapitza.analysis.md.modes.plane_dos_map`.
    modal_temperatures : ModalTemperatures or None
        From :func:`kapitza.analysis.md.modes.modal_temperatures`; None draws the map only.
    interface_modes : InterfaceModes, optional
        Lattice-dynamics modes (``omega`` in rad per run time unit, ``interface`` flags): the frequencies of the
        interface modes are marked on the map.
    path : path-like, optional
        Output file, written atomically if given.
    """
    fx, xlabel = _frequency_axis(dos_map.omega_unit)
    panels = 2 if modal_temperatures is not None else 1
    fig = figure(figsize=(5.2 * panels, 4.2))
    axes = np.atleast_1d(fig.subplots(1, panels))
    ax = axes[0]
    x = dos_map.omega * fx
    planes = dos_map.plane_index
    mesh = ax.pcolormesh(x, planes, dos_map.dos, shading="nearest", cmap="viridis")
    fig.colorbar(mesh, ax=ax, label=f"normalised kinetic spectrum (per {dos_map.omega_unit})")
    _mark_interface(ax)
    label_x = _upper_limit(x, dos_map.dos, 1e-3) or float(x[-1])
    ax.text(label_x, -0.5, " interface ", color="w", ha="right", va="bottom", fontsize="small")
    if interface_modes is not None:
        flags = np.asarray(getattr(interface_modes, "interface", []), dtype=bool)
        w = np.asarray(getattr(interface_modes, "omega", []), dtype=float)
        if flags.size and flags.shape == w.shape:
            marks = w[flags] * _run_to_display(dos_map.units) * fx
            ax.vlines(marks, -1.5, 0.5, color="r", linewidth=0.8, label="interface modes")
            if marks.size:
                ax.legend(fontsize="small", loc="upper right")
    upper = _upper_limit(x, dos_map.dos, 1e-3)
    if upper is not None:
        ax.set_xlim(0.0, upper)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("plane (-1: last of A, 0: first of B)")
    if modal_temperatures is not None:
        mt = modal_temperatures
        right = axes[1]
        edges = mt.band_edges * fx
        unit = "THz" if fx != 1.0 else mt.omega_unit
        for b in range(mt.T.shape[0]):
            right.errorbar(
                mt.plane_z,
                mt.T[b],
                yerr=mt.T_err[b],
                fmt="o-",
                markersize=3,
                label=f"{edges[b]:.3g}-{edges[b + 1]:.3g} {unit}",
            )
        right.plot(mt.plane_z, mt.T_plane, "k--", label="plane (all modes)")
        right.axvline(0.0, color="0.5", linestyle=":")
        length = "sigma" if mt.units == "lj" else "Angstrom"
        temperature = "epsilon/k_B" if mt.units == "lj" else "K"
        right.set_xlabel(f"z - z_interface ({length})")
        right.set_ylabel(f"modal temperature ({temperature})")
        right.legend(fontsize="small")
    fig.tight_layout()
    return save(fig, path)


def rectification_figure(rect: Any, *, path: str | os.PathLike | None = None) -> Figure:
    """Forward against reverse run: g spectra on one grid, the two conductances, modal temperatures if any.

    Parameters
    ----------
    rect : Rectification
        From :func:`kapitza.analysis.md.rectification.rectification`.
    path : path-like, optional
        Output file, written atomically if given.
    """
    has_spectra = rect.omega is not None
    has_modes = rect.modal_forward is not None and rect.modal_reverse is not None
    panels = 1 + int(has_spectra) + int(has_modes)
    fig = figure(figsize=(4.6 * panels, 4.0))
    axes = list(np.atleast_1d(fig.subplots(1, panels)))
    bars = axes.pop(0)
    gf, g_unit, Gf, G_unit = _si_display(rect.omega_unit or "", rect.G_unit)
    G = np.array([rect.G_forward, rect.G_reverse]) * Gf
    bars.errorbar([0, 1], G, yerr=np.array([rect.G_forward_err, rect.G_reverse_err]) * Gf, fmt="o")
    bars.set_xticks([0, 1], ["forward (hot A)", "reverse (hot B)"])
    bars.set_xlim(-0.5, 1.5)
    bars.set_ylabel(f"G ({G_unit})")
    bars.set_title(f"(G_f - G_r)/G_r = {rect.ratio:.3g} \u00b1 {rect.ratio_err:.2g}", fontsize="small")
    if has_spectra:
        ax = axes.pop(0)
        fx, xlabel = _frequency_axis(rect.omega_unit)
        x = rect.omega * fx
        for y, e, label, color in (
            (rect.g_forward, rect.g_forward_err, "forward", "C0"),
            (rect.g_reverse, rect.g_reverse_err, "reverse", "C1"),
        ):
            ax.plot(x, y * gf, color=color, label=label)
            ax.fill_between(x, (y - e) * gf, (y + e) * gf, color=color, alpha=0.25, linewidth=0)
        upper = _upper_limit(x, np.vstack([rect.g_forward, rect.g_reverse]), 0.02)
        if upper is not None:
            ax.set_xlim(0.0, upper)
        ax.set_xlabel(xlabel)
        ax.set_ylabel(f"g = q/\u0394T ({g_unit or rect.g_unit})")
        ax.legend(fontsize="small")
    if has_modes:
        ax = axes.pop(0)
        fx, _ = _frequency_axis(rect.modal_forward.omega_unit)
        unit = "THz" if fx != 1.0 else rect.modal_forward.omega_unit
        for mt, style, label in ((rect.modal_forward, "-", "forward"), (rect.modal_reverse, "--", "reverse")):
            edges = mt.band_edges * fx
            for b in range(mt.T.shape[0]):
                band = f"{edges[b]:.3g}-{edges[b + 1]:.3g} {unit}"
                ax.plot(mt.plane_z, mt.T[b], style, color=f"C{b}", label=f"{label}, {band}")
        length = "sigma" if rect.modal_forward.units == "lj" else "Angstrom"
        temperature = "epsilon/k_B" if rect.modal_forward.units == "lj" else "K"
        ax.set_xlabel(f"z - z_interface ({length})")
        ax.set_ylabel(f"modal temperature ({temperature})")
        ax.legend(fontsize="x-small", ncol=2)
    fig.tight_layout()
    return save(fig, path)


def line_scan_figure(scan: Any, *, path: str | os.PathLike | None = None) -> Figure:
    """The MD's plane temperatures against what a simulated EELS line scan of them finds (left), and the spectra
    of the two probe positions nearest the interface (right).

    Parameters
    ----------
    scan : MdLineScan
        From :func:`kapitza.analysis.md.eels_scan.md_line_scan`.
    path : path-like, optional
        Output file, written atomically if given.
    """
    fig = figure(figsize=(9.6, 4.0))
    left, right = fig.subplots(1, 2)
    x = np.asarray(scan.positions_nm)
    left.errorbar(x, scan.md_temperature, yerr=scan.md_temperature_err, fmt="o-", label="MD plane temperature")
    left.errorbar(x, scan.eels_temperature, yerr=scan.eels_temperature_err, fmt="s--",
                  label=f"EELS gain/loss, {scan.window_mev[0]:.3g}-{scan.window_mev[1]:.3g} meV")  # fmt: skip
    left.axvline(0.0, color="0.5", linewidth=0.8)
    left.set_xlabel("z - z_interface (nm)")
    left.set_ylabel("temperature (K)")
    left.set_title(
        f"jump: MD {scan.md_jump:.3g} \u00b1 {scan.md_jump_err:.2g} K, EELS {scan.eels_jump:.3g} \u00b1 "
        f"{scan.eels_jump_err:.2g} K",
        fontsize="small",
    )
    left.legend(fontsize="small")
    e = np.asarray(scan.data.energy_mev)
    counts = np.asarray(scan.data.counts)
    keep = e > 0
    for k, style in ((int(np.flatnonzero(x < 0)[-1]), "-"), (int(np.flatnonzero(x >= 0)[0]), "--")):
        right.semilogy(e[keep], counts[k][keep], style, label=f"loss, z = {x[k]:.2f} nm")
        right.semilogy(e[keep], counts[k][::-1][keep], style, alpha=0.6, label=f"gain (mirrored), z = {x[k]:.2f} nm")
    right.set_xlim(0.0, float(scan.band_edges_mev[-1]) * 1.1)
    right.set_xlabel("|energy| (meV)")
    right.set_ylabel("counts per channel (electrons)")
    right.legend(fontsize="x-small")
    fig.tight_layout()
    return save(fig, path)
