"""Figures of the thermoelectric leg, the phase-change memory cell and the nanofluidic exchanger.

Each function returns a :class:`matplotlib.figure.Figure` (no pyplot) and saves it atomically when
given a path (:func:`kapitza.plotting.canvas.save`).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from ..canvas import figure, save

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from ...devices.nanofluidic import ExchangerSweep
    from ...devices.phase_change import PCMCell, PCMSweep
    from ...devices.thermoelectric import ThermoelectricLeg

__all__ = ["nanofluidic_figure", "pcm_figure", "thermoelectric_figure"]

#: Figure resolution for the committed README figures (kept small).
DPI = 100


def thermoelectric_figure(legs: Sequence[ThermoelectricLeg], path: str | os.PathLike | None = None) -> Figure:
    """ZT_dev / ZT vs leg length, one curve per leg result (e.g. several R_K), the chosen fraction marked."""
    fig = figure(figsize=(6.0, 4.0))
    ax = fig.add_subplot()
    for leg in legs:
        line = ax.semilogx(leg.length * 1e6, leg.ratio, label=f"R_K = {leg.resistance:.3g} m$^2$K/W")[0]
        if leg.length_for_fraction > 0:
            ax.plot(leg.length_for_fraction * 1e6, leg.fraction, "o", color=line.get_color())
    if legs:
        leg = legs[0]
        ax.axhline(leg.fraction, color="0.6", lw=0.8, ls="--")
        ax.set_title(
            f"rho_c = {leg.contact_resistivity:.3g} Ohm m$^2$, rho = {leg.resistivity:.3g} Ohm m, "
            f"k = {leg.conductivity:.3g} W/m/K",
            fontsize=9,
        )
    ax.set_xlabel("leg length L (\u00b5m)")
    ax.set_ylabel("ZT$_{device}$ / ZT")
    ax.set_ylim(0, 1.05)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    return save(fig, path, dpi=DPI)


def pcm_figure(sweep: PCMSweep, cell: PCMCell, path: str | os.PathLike | None = None) -> Figure:
    """Centre rise vs cell radius with and without R (a = L_K marked); inset: T(r) of ``cell`` with the jump."""
    fig = figure(figsize=(6.0, 4.2))
    ax = fig.add_subplot()
    a_nm = sweep.radius * 1e9
    ax.loglog(a_nm, sweep.centre_rise, label=f"with R = {float(sweep.resistance[0]):.3g} m$^2$K/W")
    ax.loglog(a_nm, sweep.centre_rise_without_interface, "--", label="without R")
    ax.axvline(sweep.kapitza_length * 1e9, color="0.5", lw=0.8, ls=":")
    ax.text(sweep.kapitza_length * 1e9, ax.get_ylim()[0] * 1.5, " a = L$_K$", fontsize=8, color="0.4")
    ax.set_xlabel("cell radius a (nm)")
    ax.set_ylabel(f"centre temperature rise at P = {sweep.power * 1e6:.3g} \u00b5W (K)")
    ax.legend(fontsize=8, loc="lower left")
    ax.grid(True, which="both", alpha=0.3)
    inset = ax.inset_axes((0.56, 0.52, 0.4, 0.38))
    n = cell.r.size // 2
    r_nm = cell.r * 1e9
    inset.plot(r_nm[:n], cell.temperature[:n], color="C0")
    inset.plot(r_nm[n:], cell.temperature[n:], color="C0")
    inset.plot([r_nm[n - 1]] * 2, [cell.temperature[n - 1], cell.temperature[n]], color="C3", lw=1.5)
    inset.plot(r_nm, cell.temperature_without_interface, "--", color="C1", lw=0.8)
    inset.axhline(cell.melting_temperature, color="0.6", lw=0.6, ls=":")
    inset.set_xlim(0, 4 * cell.radius * 1e9)
    inset.set_title(f"T(r), a = {cell.radius * 1e9:.3g} nm, P = {cell.power * 1e6:.3g} \u00b5W", fontsize=8)
    inset.tick_params(labelsize=6)
    inset.set_xlabel("r (nm)", fontsize=6)
    inset.set_ylabel("T (K)", fontsize=6)
    return save(fig, path, dpi=DPI)


def nanofluidic_figure(sweep: ExchangerSweep, path: str | os.PathLike | None = None) -> Figure:
    """U with and without the interfaces vs channel height (top) and each term's share of 1/U (bottom)."""
    fig = figure(figsize=(6.0, 5.5))
    top, bottom = fig.subplots(2, 1, sharex=True)
    h_nm = sweep.channel_height * 1e9
    top.loglog(h_nm, sweep.U, label="with solid-liquid interfaces")
    top.loglog(h_nm, sweep.U_without_interfaces, "--", label="without")
    top.set_ylabel("U (W m$^{-2}$ K$^{-1}$)")
    top.legend(fontsize=8)
    top.grid(True, which="both", alpha=0.3)
    shares = np.asarray(sweep.shares)
    groups = (
        ("convection", shares[:, 0] + shares[:, 4]),
        ("interfaces", shares[:, 1] + shares[:, 3]),
        ("wall", shares[:, 2]),
    )
    bottom.stackplot(h_nm, *[g[1] for g in groups], labels=[g[0] for g in groups], alpha=0.8)
    bottom.set_xscale("log")
    bottom.set_ylim(0, 1)
    bottom.set_ylabel("share of 1/U")
    bottom.set_xlabel("channel height H (nm)")
    bottom.legend(fontsize=8, loc="center right")
    for ax in (top, bottom):
        ax.axvline(sweep.crossover_height * 1e9, color="0.3", lw=0.8, ls=":")
    top.set_title(f"H* = {sweep.crossover_height * 1e9:.3g} nm (interfaces = convection)", fontsize=9)
    return save(fig, path, dpi=DPI)
