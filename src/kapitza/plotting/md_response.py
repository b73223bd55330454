"""Figure of several NEMD runs: G against T_mean and J against Delta T, with the fits of analysis/response.py."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

import numpy as np

from .canvas import figure, save

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def response_figure(summary: Any, path: str | os.PathLike | None = None) -> Figure:
    """G(T_mean) (left) and J(Delta T) (right) of a :class:`kapitza.analysis.md.response.ResponseSummary`.

    Parameters
    ----------
    summary : ResponseSummary
    path : path-like, optional
        Output file (.png, .pdf, .svg), written atomically if given.
    """
    from ..analysis.md.units import unit_system

    system = unit_system(summary.units)
    fig = figure(figsize=(9.0, 3.8))
    left, right = fig.subplots(1, 2)
    runs = summary.runs
    t = np.array([r.T_mean for r in runs])
    # G in the run's units (reduced LJ), else in MW m^-2 K^-1, the unit users read
    gf, g_unit = (
        (1.0, system.conductance) if system.reduced else (system.flux_to_si * 1e-6, "MW m\u207b\u00b2 K\u207b\u00b9")
    )
    g = np.array([r.jump.G for r in runs]) * gf
    ge = np.array([r.jump.G_err for r in runs]) * gf
    left.errorbar(t, g, yerr=ge, fmt="o", color="C0", label="runs")
    dep = summary.temperature
    if dep is not None and np.isfinite(dep.exponent):
        tt = np.linspace(dep.temperatures.min(), dep.temperatures.max(), 100)
        left.plot(tt, gf * dep.prefactor * tt**dep.exponent, "C1-", label=f"G \u221d T^{dep.exponent:.2g}")
        left.plot(tt, gf * (dep.intercept + dep.slope * tt), "C2--", label="linear")
    left.set_xlabel(f"T_mean ({system.temperature})")
    left.set_ylabel(f"G ({g_unit})")
    left.legend(fontsize="small")
    dt = np.array([r.jump.delta_T for r in runs])
    dte = np.array([r.jump.delta_T_err for r in runs])
    j = np.array([r.jump.flux for r in runs])
    je = np.array([r.jump.flux_err for r in runs])
    right.errorbar(dt, j, xerr=dte, yerr=je, fmt="o", color="C0", label="runs")
    resp = summary.response
    if resp is not None:
        xx = np.linspace(0.0, resp.delta_T.max(), 100)
        right.plot(xx, resp.G * xx, "C1-", label=f"J = G \u0394T, G = {resp.G:.3g}")
        if np.isfinite(resp.c):
            right.plot(xx, resp.G_quadratic * xx + resp.c * xx**2, "C3--", label="+ c \u0394T\u00b2")
    right.set_xlabel(f"\u0394T ({system.temperature})")
    right.set_ylabel(f"J ({system.flux})")
    right.legend(fontsize="small")
    fig.tight_layout()
    return save(fig, path)
