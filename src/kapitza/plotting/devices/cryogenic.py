"""Figures of the cryogenic device models: chip in helium, spin heat accumulation, contact vs Kapitza."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

import numpy as np

from ..canvas import figure, save

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: Resolution of the README figures, dots per inch (keeps a png under ~150 kB).
DPI = 100


#: How the legend names the interface laws of :data:`kapitza.devices.cryogenic.LAWS`.
_LAW_NAMES = {"t4": "T\u2074 law", "integral": "exact \u222b dT/R_K"}


def cryogenic_figure(sweep: Any, *, path: str | os.PathLike | None = None) -> Figure:
    """Chip temperature vs dissipated power (a :class:`kapitza.devices.cryogenic.ChipSweep`): linear vs T^4 law,
    cooled face and top face, with the critical temperature as a line."""
    fig = figure(figsize=(6.0, 4.2))
    ax = fig.add_subplot()
    p = np.asarray(sweep.power)
    keep = p > 0
    ax.plot(p[keep], sweep.top_linear[keep], "C0-", label="top face, linear R_K(T_He)")
    ax.plot(p[keep], sweep.surface_linear[keep], "C0:", label="cooled face, linear")
    law = _LAW_NAMES.get(sweep.law, sweep.law)
    ax.plot(p[keep], sweep.top_nonlinear[keep], "C1-", label=f"top face, {law}")
    ax.plot(p[keep], sweep.surface_nonlinear[keep], "C1:", label=f"cooled face, {law}")
    ax.axhline(sweep.bath_temperature, color="0.5", lw=0.8, label=f"bath, {sweep.bath_temperature:g} K")
    if sweep.critical_temperature is not None:
        ax.axhline(sweep.critical_temperature, color="C3", ls="--", label=f"T_c = {sweep.critical_temperature:g} K")
        for pc, color in ((sweep.critical_power_linear, "C0"), (sweep.critical_power_nonlinear, "C1")):
            if pc is not None:
                ax.axvline(pc, color=color, lw=0.8, ls="--")
    ax.set_xscale("log")
    ax.set_xlabel("dissipated power P (W)")
    ax.set_ylabel("temperature (K)")
    ax.set_title(f"chip in He bath at {sweep.bath_temperature:g} K; {sweep.resistance_label}", fontsize=9)
    ax.legend(fontsize=8)
    return save(fig, path, dpi=DPI)


def spin_figure(res: Any, *, path: str | os.PathLike | None = None) -> Figure:
    """Spin-up, spin-down and mean electron temperatures in N vs distance from the F/N interface."""
    fig = figure(figsize=(6.0, 4.2))
    ax = fig.add_subplot()
    z = np.asarray(res.z) * 1e9
    ax.plot(z, res.temperature_up, "C3-", label="spin up")
    ax.plot(z, res.temperature_down, "C0-", label="spin down")
    ax.plot(z, res.temperature_mean, "k--", lw=0.8, label="mean")
    ax.plot([z[0] - 0.15 * z[-1], 0.0], [res.ferromagnet_temperature] * 2, "C2-", lw=2, label="ferromagnet T_F")
    ax.axvline(0.0, color="0.5", lw=0.8)
    ax.set_xlabel("distance into the normal metal (nm)")
    ax.set_ylabel("electron temperature (K)")
    ax.set_title(
        f"q = {res.heat_flux:g} W m\u207b\u00b2: T_up - T_down = {res.spin_temperature:.3g} K at the interface",
        fontsize=9,
    )
    ax.legend(fontsize=8)
    return save(fig, path, dpi=DPI)


def contact_figure(res: Any, *, path: str | os.PathLike | None = None) -> Figure:
    """CMY contact conductance vs pressure with the intrinsic 1/R_K as a horizontal line."""
    fig = figure(figsize=(6.0, 4.2))
    ax = fig.add_subplot()
    p = np.asarray(res.pressure)
    ax.loglog(p, res.contact_conductance, "C0-", label="contact h_c (CMY)")
    if res.kapitza_resistance > 0:
        ax.axhline(1.0 / res.kapitza_resistance, color="C3", ls="--", label=f"1/R_K ({res.resistance_label})")
        if np.isfinite(res.crossover_pressure):
            ax.axvline(res.crossover_pressure, color="0.5", lw=0.8, label=f"P* = {res.crossover_pressure:.3g} Pa")
    outside = ~np.asarray(res.in_range)
    if outside.any():
        ax.loglog(p[outside], np.asarray(res.contact_conductance)[outside], "C0x", label="outside CMY range")
    ax.set_xlabel("apparent contact pressure P (Pa)")
    ax.set_ylabel("conductance (W m$^{-2}$ K$^{-1}$)")
    ax.set_title(f"contact vs Kapitza at {res.temperature:g} K", fontsize=9)
    ax.legend(fontsize=8)
    return save(fig, path, dpi=DPI)
