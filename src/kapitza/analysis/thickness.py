"""Thickness series: R_total(L) = R_K + L / kappa, and the 1/L extrapolation of size-dependent kappa.

Both are weighted straight-line fits (weights 1/sigma^2, covariance (A^T W A)^-1 from the given
sigmas, i.e. absolute errors; chi^2 per degree of freedom is reported so that a poor fit is
visible), as in e.g. Schelling, Phillpot & Keblinski, Phys. Rev. B 65, 144306 (2002) for
1/kappa_L = 1/kappa_inf + c/L.  One implementation for simulated and measured series.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..errors import InputError
from ..io.results import result


@result
class ThicknessFit:
    """R_total = R_K + L / kappa fitted to a thickness series.

    Attributes
    ----------
    R_K, R_K_err : float
        Intercept (interface resistance) and its standard error (resistance unit of the input).
    slope, slope_err : float
        1/kappa and its standard error (resistance per length).
    kappa, kappa_err : float
        1/slope and its propagated error (NaN when the slope is not positive).
    covariance : ndarray, shape (2, 2)
        Of (R_K, slope).
    chi2_per_dof : float
        NaN with two points.
    lengths, resistances, sigmas : ndarray, shape (n,)
    """

    R_K: float
    R_K_err: float
    slope: float
    slope_err: float
    kappa: float
    kappa_err: float
    covariance: NDArray[np.float64]
    chi2_per_dof: float
    lengths: NDArray[np.float64]
    resistances: NDArray[np.float64]
    sigmas: NDArray[np.float64]

    _summary_fields: ClassVar[tuple[str, ...]] = ("R_K", "R_K_err", "kappa", "kappa_err", "chi2_per_dof")


@result
class SizeExtrapolation:
    """1/kappa(L) = 1/kappa_inf + c / L fitted to size-dependent conductivities.

    Attributes
    ----------
    kappa_inf, kappa_inf_err : float
        Bulk conductivity (unit of the input kappa) and its propagated error.
    inverse_kappa_inf, inverse_kappa_inf_err, c, c_err : float
        Fit parameters and their standard errors.
    covariance : ndarray, shape (2, 2)
    chi2_per_dof : float
    """

    kappa_inf: float
    kappa_inf_err: float
    inverse_kappa_inf: float
    inverse_kappa_inf_err: float
    c: float
    c_err: float
    covariance: NDArray[np.float64]
    chi2_per_dof: float

    _summary_fields: ClassVar[tuple[str, ...]] = ("kappa_inf", "kappa_inf_err", "c", "chi2_per_dof")


def weighted_line(
    x: ArrayLike, y: ArrayLike, sigma: ArrayLike, what: str = "data"
) -> tuple[NDArray[np.float64], NDArray[np.float64], float]:
    """Weighted least squares y = a + b x: ((a, b), covariance (2, 2), chi^2 per dof; NaN for 2 points)."""
    xs, ys, ss = (np.asarray(v, dtype=float) for v in (x, y, sigma))
    if xs.ndim != 1 or ys.shape != xs.shape or ss.shape != xs.shape:
        raise InputError(f"{what}: the columns must be 1-d and of one length")
    if xs.size < 2:
        raise InputError(f"{what}: a straight line needs at least 2 points, got {xs.size}")
    if not (np.all(np.isfinite(xs)) and np.all(np.isfinite(ys)) and np.all(np.isfinite(ss))):
        raise InputError(f"{what}: values must be finite (found NaN or inf)")
    if np.any(ss <= 0):
        raise InputError(f"{what}: every sigma must be > 0, got {float(ss.min()):g}")
    if np.ptp(xs) == 0:
        raise InputError(f"{what}: all points share one length ({float(xs[0]):g}); a line needs two or more")
    w = 1.0 / ss**2
    design = np.column_stack([np.ones_like(xs), xs])
    normal = design.T @ (w[:, None] * design)
    cov = np.linalg.inv(normal)
    coef = cov @ (design.T @ (w * ys))
    resid = (ys - design @ coef) / ss
    chi2 = float(np.sum(resid**2) / (xs.size - 2)) if xs.size > 2 else float("nan")
    return coef, cov, chi2


def fit_thickness_series(lengths: ArrayLike, resistances: ArrayLike, sigmas: ArrayLike) -> ThicknessFit:
    """Fit R_total(L) = R_K + L / kappa, each point weighted by 1/sigma^2.

    Parameters
    ----------
    lengths : array_like, shape (n,)
        Sample lengths (m in SI; any one length unit), > 0.
    resistances : array_like, shape (n,)
        Total resistances per area (m^2 K W^-1 in SI).
    sigmas : array_like, shape (n,)
        Standard error of each resistance (same unit), > 0.
    """
    lengths_a = np.asarray(lengths, dtype=float)
    if lengths_a.size and np.any(~(lengths_a > 0)):
        raise InputError("thickness series: every length must be > 0")
    coef, cov, chi2 = weighted_line(lengths_a, resistances, sigmas, "thickness series")
    slope, slope_err = float(coef[1]), float(np.sqrt(cov[1, 1]))
    kappa = 1.0 / slope if slope > 0 else float("nan")
    kappa_err = slope_err / slope**2 if slope > 0 else float("nan")
    return ThicknessFit(
        R_K=float(coef[0]),
        R_K_err=float(np.sqrt(cov[0, 0])),
        slope=slope,
        slope_err=slope_err,
        kappa=kappa,
        kappa_err=kappa_err,
        covariance=cov,
        chi2_per_dof=chi2,
        lengths=lengths_a,
        resistances=np.asarray(resistances, dtype=float),
        sigmas=np.asarray(sigmas, dtype=float),
    )


def extrapolate_conductivity(lengths: ArrayLike, kappas: ArrayLike, kappa_errs: ArrayLike) -> SizeExtrapolation:
    """Fit 1/kappa(L) = 1/kappa_inf + c/L (weights from sigma(1/kappa) = sigma_kappa / kappa^2).

    Parameters
    ----------
    lengths : array_like, shape (n,)
        System lengths (any one unit), > 0.
    kappas, kappa_errs : array_like, shape (n,)
        Conductivities (W m^-1 K^-1 in SI) and their standard errors, > 0.
    """
    L = np.asarray(lengths, dtype=float)
    k = np.asarray(kappas, dtype=float)
    e = np.asarray(kappa_errs, dtype=float)
    if L.shape != k.shape or e.shape != k.shape:
        raise InputError("size extrapolation: lengths, kappas and errors must have one length")
    if np.any(~(L > 0)) or np.any(~(k > 0)):
        raise InputError("size extrapolation: lengths and conductivities must be > 0")
    coef, cov, chi2 = weighted_line(1.0 / L, 1.0 / k, e / k**2, "size extrapolation")
    inv, inv_err = float(coef[0]), float(np.sqrt(cov[0, 0]))
    kappa_inf = 1.0 / inv if inv > 0 else float("nan")
    return SizeExtrapolation(
        kappa_inf=kappa_inf,
        kappa_inf_err=inv_err / inv**2 if inv > 0 else float("nan"),
        inverse_kappa_inf=inv,
        inverse_kappa_inf_err=inv_err,
        c=float(coef[1]),
        c_err=float(np.sqrt(cov[1, 1])),
        covariance=cov,
        chi2_per_dof=chi2,
    )
