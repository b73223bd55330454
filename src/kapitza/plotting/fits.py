"""Figures of the G(T) fits of :mod:`kapitza.analysis.fits`: data with error bars against the fit, log-log."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

import numpy as np

from .canvas import figure, save

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def _data(ax: Any, t: np.ndarray, g: np.ndarray, sigma: np.ndarray | None, label: str, **kw: Any) -> None:
    ax.errorbar(t, g, yerr=sigma, fmt="o", ms=4, capsize=2, label=label, **kw)


def _axes(ax: Any) -> None:
    from matplotlib.ticker import NullFormatter

    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.xaxis.set_minor_formatter(NullFormatter())  # labelled minor ticks overlap on short decades
    ax.set_xlabel("T (K)")
    ax.set_ylabel("G (W m\u207b\u00b2 K\u207b\u00b9)")
    ax.legend(fontsize="small")


def power_law_figure(
    fit: Any,
    temperature: np.ndarray | None = None,
    conductance: np.ndarray | None = None,
    sigma: np.ndarray | None = None,
    path: str | os.PathLike | None = None,
) -> Figure:
    """The points used (and, if given, all points) with G = a T^n over the used range and beyond, log-log.

    Parameters
    ----------
    fit : PowerLawFit
    temperature, conductance, sigma : ndarray, shape (n,), optional
        All the data (K, W m^-2 K^-1); the points the fit left out are drawn open.
    path : path-like, optional
        Output file (.png, .pdf, .svg), written atomically if given.
    """
    fig = figure(figsize=(5.0, 4.0))
    ax = fig.subplots()
    if temperature is not None and conductance is not None:
        left = ~np.asarray(fit.used)
        if left.any():
            s = None if sigma is None else np.asarray(sigma)[left]
            ax.errorbar(np.asarray(temperature)[left], np.asarray(conductance)[left], yerr=s, fmt="o", ms=4,
                        mfc="none", color="0.5", capsize=2, label="not fitted")  # fmt: skip
    _data(ax, fit.temperature, fit.conductance, fit.sigma, "data (fitted)", color="C0")
    lo = float(fit.temperature.min())
    hi = float(fit.temperature.max() if temperature is None else np.max(temperature))
    top = float(fit.temperature.max())
    tt = np.geomspace(lo, top, 200)
    ax.plot(tt, fit.evaluate(tt), "C1-", label=f"G = {fit.a:.3g} T^({fit.n:.3g} \u00b1 {fit.n_err:.2g})")
    if hi > top:
        beyond = np.geomspace(top, hi, 50)
        ax.plot(beyond, fit.evaluate(beyond), "C1--", lw=1, label="extrapolated")
    if np.isfinite(fit.t_max):
        ax.axvline(fit.t_max, color="0.6", ls=":", lw=1)
    _axes(ax)
    fig.tight_layout()
    return save(fig, path)


def model_fit_figure(fit: Any, path: str | os.PathLike | None = None) -> Figure:
    """Measured G(T) with error bars, the fitted model (elastic + inelastic) and the elastic model alone, log-log.

    Parameters
    ----------
    fit : ModelFit
    path : path-like, optional
        Output file (.png, .pdf, .svg), written atomically if given.
    """
    fig = figure(figsize=(5.0, 4.0))
    ax = fig.subplots()
    _data(ax, fit.temperature, fit.conductance, fit.sigma, "data", color="C0")
    order = np.argsort(fit.temperature)
    v = fit.values
    ax.plot(fit.temperature[order], fit.fitted_conductance[order], "C1-",
            label=f"{fit.model} + inelastic (A={v['A']:.3g}, q={v['q']:.3g}, m={v['m']:.3g})")  # fmt: skip
    ax.plot(fit.temperature[order], fit.elastic_conductance[order], "C2--", label=f"{fit.model} (elastic only)")
    ax.set_title(f"{fit.side1} \u2192 {fit.side2}", fontsize="medium")
    _axes(ax)
    fig.tight_layout()
    return save(fig, path)
