"""Figures of thermoreflectance (TDTR, FDTR): sensitivities, data vs fit with residuals, simulated signals.

Delays are shown in ps and modulation frequencies in Hz, both on a log axis (the signals vary over decades of
either); the phase is in degrees (arg H: negative, a lag); V_in, V_out and the amplitude in K per W of
absorbed pump power, or in the data's own units where a fit scaled the model to them.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import InputError
from .canvas import figure, save

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

#: Axis labels of each measured quantity (model units).
QUANTITY_LABELS = {
    "ratio": "\u2212V$_{in}$ / V$_{out}$",
    "in_phase": "V$_{in}$ (K W$^{-1}$)",
    "out_of_phase": "V$_{out}$ (K W$^{-1}$)",
    "phase": "phase (deg)",
    "amplitude": "amplitude |H| (K W$^{-1}$)",
}
#: The same for data in arbitrary units (a fit scales the model to them).
_SCALED_LABELS = {
    "in_phase": "V$_{in}$ (data units)",
    "out_of_phase": "V$_{out}$ (data units)",
    "amplitude": "amplitude (data units)",
}
_SYMBOLS = {
    "ratio": "\u2212V$_{in}$/V$_{out}$",
    "in_phase": "V$_{in}$",
    "out_of_phase": "V$_{out}$",
    "phase": "\u03c6",
    "amplitude": "|H|",
}


def _x_axis(mode: str) -> tuple[float, str]:
    """(factor from SI x to the plotted unit, label)."""
    if mode == "tdtr":
        return 1e12, "pump\u2013probe delay (ps)"
    if mode == "fdtr":
        return 1.0, "modulation frequency (Hz)"
    raise InputError(f"mode must be tdtr or fdtr, got {mode!r}")


def _vector(values: Any, what: str, n: int | None = None) -> np.ndarray:
    a = np.asarray(values, dtype=float).ravel()
    if n is not None and a.size != n:
        raise InputError(f"{what} has {a.size} values; x has {n}")
    return a


def sensitivity_figure(
    sens: Any,
    *,
    absolute: bool = False,
    names: Sequence[str] | None = None,
    title: str | None = None,
    path: str | os.PathLike | None = None,
) -> Figure:
    """S_p = d ln|signal| / d ln p against delay (ps) or frequency (Hz), one line per parameter.

    Parameters
    ----------
    sens : Sensitivity
        From :func:`kapitza.analysis.thermoreflectance.sensitivity.sensitivity`.
    absolute : bool
        Plot d signal / d ln p instead (degrees for the phase, as Schmidt et al. 2009 do for FDTR).
    names : sequence of str, optional
        A subset of ``sens.names`` to draw (default all).
    title : str, optional
    path : path-like, optional
        Where to save the figure (.png, .pdf, .svg).
    """
    factor, xlabel = _x_axis(sens.mode)
    chosen = tuple(sens.names) if names is None else tuple(names)
    unknown = [n for n in chosen if n not in sens.names]
    if unknown:
        raise InputError(f"no sensitivity to {', '.join(unknown)}; computed for: {', '.join(sens.names)}")
    rows = np.asarray(sens.absolute if absolute else sens.sensitivity, dtype=float)
    x = np.asarray(sens.x, dtype=float) * factor
    symbol = _SYMBOLS.get(sens.quantity, sens.quantity)
    fig = figure(figsize=(6.4, 4.2), layout="constrained")
    ax = fig.subplots()
    ax.axhline(0.0, color="0.6", lw=0.8, zorder=0)
    styles = ("-", "--", "-.", ":")
    for k, name in enumerate(chosen):
        i = sens.names.index(name)
        if absolute:
            finite = np.abs(rows[i][np.isfinite(rows[i])])
            label = f"{name}  (max {float(finite.max()) if finite.size else float('nan'):.2g})"
        else:
            label = f"{name}  (max |S| {float(sens.peak[i]):.2g})"
        ax.plot(x, rows[i], lw=1.5, ls=styles[(k // 10) % len(styles)], color=f"C{k % 10}", label=label)
    ax.set_xscale("log")
    ax.set_xlabel(xlabel)
    if absolute:
        unit = QUANTITY_LABELS[sens.quantity].partition("(")[2].rstrip(")")
        ax.set_ylabel(f"\u2202{symbol} / \u2202 ln p" + (f" ({unit})" if unit else ""))
    else:
        ax.set_ylabel(f"S = \u2202 ln|{symbol}| / \u2202 ln p")
    ax.legend(fontsize=8, loc="best", ncol=2 if len(chosen) > 6 else 1)
    ax.set_title(title if title is not None else f"{sens.mode.upper()} sensitivity of the {sens.quantity}", fontsize=10)
    return save(fig, path)


def fit_figure(
    x: Any,
    y: Any,
    y_fit: Any,
    *,
    mode: str,
    quantity: str,
    sigma: Any = None,
    title: str | None = None,
    annotation: str | None = None,
    scaled: bool = False,
    path: str | os.PathLike | None = None,
) -> Figure:
    """Data (points, with error bars when ``sigma`` is given) and the fitted model (line), residuals below.

    Parameters
    ----------
    x : array_like, shape (n,)
        Delays (s) for TDTR, modulation frequencies (Hz) for FDTR.
    y, y_fit : array_like, shape (n,)
        Measured and fitted quantity, in the quantity's unit (degrees for the phase).
    mode : str
        "tdtr" or "fdtr".
    quantity : str
        "ratio", "in_phase", "out_of_phase", "phase" or "amplitude" (axis label).
    sigma : array_like, shape (n,), optional
        1-sigma errors of ``y``; the residual panel then shows (data - fit) / sigma.
    title, annotation : str, optional
        A title; a text box in the corner (e.g. "G = 95 +- 8 MW m^-2 K^-1").
    scaled : bool
        The data are in arbitrary units (a fit scaled the model to them): the y label says so.
    path : path-like, optional
        Where to save the figure.
    """
    factor, xlabel = _x_axis(mode)
    if quantity not in QUANTITY_LABELS:
        raise InputError(f"quantity must be one of {', '.join(QUANTITY_LABELS)}, got {quantity!r}")
    xs = _vector(x, "x")
    n = xs.size
    if n == 0:
        raise InputError("x is empty: nothing to plot")
    ys = _vector(y, "y", n)
    yf = _vector(y_fit, "y_fit", n)
    se = None if sigma is None else _vector(sigma, "sigma", n)
    ylabel = _SCALED_LABELS.get(quantity, QUANTITY_LABELS[quantity]) if scaled else QUANTITY_LABELS[quantity]
    order = np.argsort(xs)

    fig = figure(figsize=(6.4, 5.6), layout="constrained")
    top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=(3, 1))
    if se is None:
        top.plot(xs * factor, ys, "o", ms=4, color="k", mfc="none", label="data")
    else:
        top.errorbar(xs * factor, ys, yerr=se, fmt="o", ms=4, color="k", mfc="none", lw=0.8, label="data")
    top.plot(xs[order] * factor, yf[order], "-", color="C3", lw=1.6, label="fit")
    top.set_xscale("log")
    top.set_ylabel(ylabel)
    top.legend(fontsize=8, loc="best")
    if annotation:
        top.text(
            0.97,
            0.95,
            annotation,
            transform=top.transAxes,
            ha="right",
            va="top",
            fontsize=9,
            bbox={"boxstyle": "round", "facecolor": "white", "edgecolor": "0.7"},
        )
    if title:
        top.set_title(title, fontsize=10)

    resid = ys - yf
    if se is not None:
        ok = se > 0
        resid = np.divide(resid, se, out=np.full(n, np.nan), where=ok)
        rlabel = "(data \u2212 fit) / \u03c3"
    else:
        unit = ylabel.partition("(")[2].rstrip(")")
        rlabel = "data \u2212 fit" + (f" ({unit})" if unit else "")
    bottom.axhline(0.0, color="0.6", lw=0.8, zorder=0)
    bottom.plot(xs * factor, resid, "o", ms=3, color="k")
    bottom.set_xscale("log")
    bottom.set_xlabel(xlabel)
    bottom.set_ylabel(rlabel)
    return save(fig, path)


def signal_figure(signal: Any, *, title: str | None = None, path: str | os.PathLike | None = None) -> Figure:
    """A simulated signal: TDTR ratio (top) and V_in, V_out (bottom) vs delay, or FDTR phase (top) and
    amplitude (bottom) vs modulation frequency.

    Parameters
    ----------
    signal : TDTRSignal or FDTRSignal
        From :func:`~kapitza.analysis.thermoreflectance.model.tdtr_signal` or ``fdtr_signal``.
    title : str, optional
    path : path-like, optional
        Where to save the figure.
    """
    fig = figure(figsize=(6.4, 5.6), layout="constrained")
    top, bottom = fig.subplots(2, 1, sharex=True)
    axes: tuple[Axes, Axes] = (top, bottom)
    if hasattr(signal, "delay"):
        factor, xlabel = _x_axis("tdtr")
        x = np.asarray(signal.delay, dtype=float) * factor
        ratio = np.asarray(signal.ratio, dtype=float)
        top.plot(x, ratio, "-", color="k", lw=1.6, label="ratio")
        top.set_ylabel(QUANTITY_LABELS["ratio"])
        if np.all(ratio > 0):  # the ratio spans decades (Cahill 2004 plots it on a log axis)
            from matplotlib.ticker import StrMethodFormatter

            top.set_yscale("log")
            top.yaxis.set_major_formatter(StrMethodFormatter("{x:g}"))
            top.yaxis.set_minor_formatter(StrMethodFormatter("{x:g}"))
        bottom.axhline(0.0, color="0.6", lw=0.8, zorder=0)
        bottom.plot(x, np.asarray(signal.in_phase, dtype=float), "-", color="C3", lw=1.5, label="V$_{in}$")
        bottom.plot(x, np.asarray(signal.out_of_phase, dtype=float), "--", color="C0", lw=1.5, label="V$_{out}$")
        bottom.set_ylabel("signal (K W$^{-1}$)")
        bottom.legend(fontsize=8, loc="best")
        default = (
            f"TDTR, modulation {float(signal.modulation_frequency) / 1e6:g} MHz, "
            f"repetition {float(signal.repetition_rate) / 1e6:g} MHz"
        )
    elif hasattr(signal, "frequency"):
        factor, xlabel = _x_axis("fdtr")
        x = np.asarray(signal.frequency, dtype=float) * factor
        top.plot(x, np.asarray(signal.phase_deg, dtype=float), "-", color="k", lw=1.6, label="phase")
        top.set_ylabel(QUANTITY_LABELS["phase"])
        bottom.plot(x, np.asarray(signal.amplitude, dtype=float), "-", color="C3", lw=1.6, label="amplitude")
        bottom.set_ylabel(QUANTITY_LABELS["amplitude"])
        bottom.set_yscale("log")
        default = "FDTR"
    else:
        raise InputError(f"signal_figure needs a TDTRSignal or FDTRSignal, got {type(signal).__name__}")
    for ax in axes:
        ax.set_xscale("log")
    bottom.set_xlabel(xlabel)
    top.set_title(title if title is not None else default, fontsize=10)
    return save(fig, path)
