"""Thickness series: R_total(L) = R_K + L / kappa, and the 1/L extrapolation of size-dependent kappa.

Both are weighted straight-line fits (weights 1/sigma^2, covariance (A^T W A)^-1 from the given
sigmas, i.e. absolute errors; chi^2 per degree of freedom is reported so that a poor fit is
visible), as in e.g. Schelling, Phillpot & Keblinski, Phys. Rev. B 65, 144306 (2002) for
1/kappa_L = 1/kappa_inf + c/L.  One implementation for simulated and measured series.

Two guards keep the stated errors honest (calibrated in ``scripts/calibration/thickness.py``):

* **Scatter beyond the stated sigmas.**  When chi^2 is improbably large for its degrees of freedom
  (upper-tail probability below :data:`CHI2_P_MIN`), the sigmas cannot describe the scatter and the
  covariance is multiplied by chi^2/dof (the Birge ratio squared; the scale factor of the Particle
  Data Group's averages, Review of Particle Physics, "Introduction", sec. 5.2.2), with a warning.
* **kappa from a slope that is not clearly positive.**  kappa = 1/slope; its first-order error
  slope_err/slope^2 holds only while the slope is several of its errors from zero.  Below
  :data:`KAPPA_MIN_SIGNIFICANCE` errors kappa is reported as a 2-sigma lower bound
  (1/(slope + 2 slope_err)) with ``kappa_err`` NaN; a slope <= 0 (the resistance does not grow with
  length) leaves kappa *not determined*, with the reason in ``kappa_note``.
* **Curvature.**  With 4 or more lengths a quadratic term c (L/L_max)^2 is fitted beside the line; when it
  is significant (|c| > :data:`CURVATURE_Z` of its errors, 1 % two-sided), the series is warned as curved:
  the finite-size suppression of kappa (Sellan et al., Phys. Rev. B 81, 214305 (2010)) makes R(L)
  non-linear and the line's intercept is then not R_K.  A curvature below the scatter goes undetected (on
  the calibration page's curved series about half the seeds are flagged).
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.stats import chi2 as chi2_distribution

from ...errors import InputError
from ...io.results import result

#: chi^2 upper-tail probability below which the scatter exceeds the stated sigmas (errors are then scaled).
CHI2_P_MIN = 0.01
#: slope / slope_err needed for kappa = 1/slope with a first-order error bar (else a lower bound only).
KAPPA_MIN_SIGNIFICANCE = 3.0
#: |quadratic term| / its error above which the series is warned as curved (two-sided p = 0.01).
CURVATURE_Z = 2.576


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
        1/slope and its propagated error slope_err/slope^2.  ``kappa_err`` is NaN unless
        ``kappa_status == "determined"``; ``kappa`` is NaN when ``"not determined"``.
    kappa_status : str
        ``"determined"`` (slope >= 3 slope_err), ``"lower bound"`` (0 < slope < 3 slope_err: only
        ``kappa_lower`` is meaningful) or ``"not determined"`` (slope <= 0).
    kappa_lower : float
        2-sigma lower bound 1/(slope + 2 slope_err) (NaN when slope + 2 slope_err <= 0).
    kappa_note : str
        Why kappa has no error bar ("" when determined).
    covariance : ndarray, shape (2, 2)
        Of (R_K, slope), scaled by ``error_scale**2``.
    chi2_per_dof : float
        NaN with two points.
    chi2_pvalue : float
        Upper-tail probability of chi^2 for its degrees of freedom (NaN with two points).
    error_scale : float
        Factor applied to the errors (sqrt(chi2_per_dof) when chi2_pvalue < 0.01, else 1).
    warnings : tuple of str
    lengths, resistances, sigmas : ndarray, shape (n,)
    """

    R_K: float
    R_K_err: float
    slope: float
    slope_err: float
    kappa: float
    kappa_err: float
    kappa_status: str
    kappa_lower: float
    kappa_note: str
    covariance: NDArray[np.float64]
    chi2_per_dof: float
    chi2_pvalue: float
    error_scale: float
    warnings: tuple[str, ...]
    lengths: NDArray[np.float64]
    resistances: NDArray[np.float64]
    sigmas: NDArray[np.float64]

    _summary_fields: ClassVar[tuple[str, ...]] = ("R_K", "R_K_err", "kappa", "kappa_err", "chi2_per_dof")

    @property
    def G_K(self) -> float:
        """The interface conductance extrapolated to infinite length, 1 / R_K (NaN unless R_K > 0)."""
        return 1.0 / self.R_K if self.R_K > 0 else float("nan")

    @property
    def G_K_err(self) -> float:
        """Its standard error, R_K_err / R_K^2 (first order)."""
        return self.R_K_err / self.R_K**2 if self.R_K > 0 else float("nan")


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
    warnings: list[str] = []
    dof = lengths_a.size - 2
    pvalue = float(chi2_distribution.sf(chi2 * dof, dof)) if dof > 0 else float("nan")
    scale = 1.0
    if dof > 0 and pvalue < CHI2_P_MIN:
        scale = float(np.sqrt(chi2))
        cov = cov * chi2
        warnings.append(
            f"the scatter exceeds the stated sigmas (chi2/dof = {chi2:.3g}, p = {pvalue:.2g} for {dof} dof): "
            f"errors scaled by sqrt(chi2/dof) = {scale:.3g}; check the sigmas or the straight-line model "
            "(finite-size curvature)"
        )
    if lengths_a.size >= 4:
        z = _curvature_z(lengths_a, np.asarray(resistances, dtype=float), np.asarray(sigmas, dtype=float))
        if abs(z) > CURVATURE_Z:
            warnings.append(
                f"R(L) is curved: a quadratic term is {z:+.2g} of its errors (|z| > {CURVATURE_Z:g}); finite-size "
                "effects in kappa (Sellan et al. 2010) make the straight line's intercept differ from R_K: use "
                "longer samples or model kappa(L)"
            )
    slope, slope_err = float(coef[1]), float(np.sqrt(cov[1, 1]))
    status, kappa, kappa_err, note = _kappa(slope, slope_err)
    upper = slope + 2 * slope_err
    lower = 1.0 / upper if upper > 0 else float("nan")
    if note:
        warnings.append(note)
    return ThicknessFit(
        R_K=float(coef[0]),
        R_K_err=float(np.sqrt(cov[0, 0])),
        slope=slope,
        slope_err=slope_err,
        kappa=kappa,
        kappa_err=kappa_err,
        kappa_status=status,
        kappa_lower=lower,
        kappa_note=note,
        covariance=cov,
        chi2_per_dof=chi2,
        chi2_pvalue=pvalue,
        error_scale=scale,
        warnings=tuple(warnings),
        lengths=lengths_a,
        resistances=np.asarray(resistances, dtype=float),
        sigmas=np.asarray(sigmas, dtype=float),
    )


def _curvature_z(lengths: NDArray[np.float64], r: NDArray[np.float64], sigma: NDArray[np.float64]) -> float:
    """Weighted fit of R = a + b x + c x^2 (x = L / L_max): c over its standard error (from the sigmas)."""
    x = lengths / lengths.max()
    design = np.column_stack([np.ones_like(x), x, x * x]) / sigma[:, None]
    normal = design.T @ design
    if np.linalg.cond(normal) > 1e12:
        return 0.0
    cov = np.linalg.inv(normal)
    c = (cov @ (design.T @ (r / sigma)))[2]
    return float(c / np.sqrt(cov[2, 2]))


def _kappa(slope: float, slope_err: float) -> tuple[str, float, float, str]:
    """(status, kappa, kappa_err, note) from the fitted slope 1/kappa (module docstring)."""
    nan = float("nan")
    upper = slope + 2 * slope_err
    if slope <= 0:
        head = (
            f"kappa not determined: the resistance does not grow with length (1/kappa = {slope:.4g} +- {slope_err:.2g})"
        )
        if upper > 0:
            tail = f"; consistent with a flat R(L), kappa > {1 / upper:.4g} at 2 sigma"
        else:
            tail = "; R falls with length beyond 2 sigma, which R = R_K + L/kappa cannot do: R_K is suspect too"
        return "not determined", nan, nan, head + tail
    if slope < KAPPA_MIN_SIGNIFICANCE * slope_err:
        return (
            "lower bound",
            1.0 / slope,
            nan,
            f"kappa poorly determined: 1/kappa = {slope:.4g} +- {slope_err:.2g} is within "
            f"{KAPPA_MIN_SIGNIFICANCE:g} sigma of zero, so 1/slope has no symmetric error bar; kappa > "
            f"{1 / upper:.4g} (2 sigma)",
        )
    return "determined", 1.0 / slope, slope_err / slope**2, ""


def thickness_json(fit: ThicknessFit) -> dict[str, object]:
    """The JSON document of a thickness fit: numbers, with a note beside every value that is NaN."""

    def f(x: float) -> float | str:
        return float(x) if np.isfinite(x) else "nan"

    doc: dict[str, object] = {
        "R_K": f(fit.R_K),
        "R_K_err": f(fit.R_K_err),
        "slope": f(fit.slope),
        "slope_err": f(fit.slope_err),
        "kappa": f(fit.kappa),
        "kappa_err": f(fit.kappa_err),
        "kappa_status": fit.kappa_status,
        "kappa_lower_2sigma": f(fit.kappa_lower),
        "chi2_per_dof": f(fit.chi2_per_dof),
        "chi2_pvalue": f(fit.chi2_pvalue),
        "error_scale": fit.error_scale,
        "points": int(fit.lengths.size),
        "warnings": list(fit.warnings),
    }
    notes = {}
    if fit.kappa_note:
        notes["kappa"] = notes["kappa_err"] = fit.kappa_note
    if not np.isfinite(fit.kappa_lower):
        notes["kappa_lower_2sigma"] = "slope + 2 slope_err <= 0: no lower bound on kappa"
    if fit.lengths.size == 2:
        notes["chi2_per_dof"] = notes["chi2_pvalue"] = "two points: no degrees of freedom"
    doc["notes"] = notes
    return doc


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
