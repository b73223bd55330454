r"""Fits of the thermoreflectance model to TDTR or FDTR data, with honest uncertainties.

:func:`fit` adjusts the named parameters of a :class:`~.sample.Sample` (any of ``Sample.parameters()``:
a conductance, a conductivity, a thickness, a radius) by weighted least squares (lmfit's
``least_squares``, trust-region reflective) in :math:`\theta = \ln p` (every parameter is positive, and
the logarithm makes their very different magnitudes comparable), within bounds (default
:math:`p_0/100 \ldots 100\,p_0`).

**Weights.**  With ``sigma`` (the data's 1-sigma errors) the residuals are :math:`(y_\mathrm{model} - y)/\sigma`
and the covariance is used as it is (``sigma_source = "data"``).  Without it the weights are one and the
covariance is scaled by the reduced :math:`\chi^2`: the scatter of the residuals is taken as the noise
(``sigma_source = "residuals"``; then ``reduced_chi2`` is that noise variance, not a goodness of fit).

**Scaled quantities.**  Quantities in arbitrary units (``model.SCALED``: the TDTR in-phase and out-of-phase
signals, the FDTR amplitude) are matched by the best scale factor, solved analytically at every residual
evaluation (:math:`s = \sum w^2 m y / \sum w^2 m^2`) and reported as ``scale``; it counts as one fitted
parameter in the degrees of freedom.  The Jacobian of these profiled residuals gives the other
parameters' covariance with the scale marginalised (variable projection; Golub & Pereyra 1973).

**Uncertainty** (Yang, Ziade & Schmidt, Rev. Sci. Instrum. 87, 014901 (2016)).  With :math:`J` the
Jacobian of the weighted residuals in :math:`\theta` at the optimum (central differences,
step :math:`10^{-3}` in :math:`\ln p`) and :math:`W` the weights:

* statistical: :math:`C_\mathrm{stat} = (J^T W J)^{-1}` (times :math:`\chi^2_\nu` when ``sigma_source ==
  "residuals"``);
* fixed inputs: for every fixed parameter :math:`x` with a 1-sigma error :math:`\sigma_x` in ``sample.errors``,
  :math:`J_x = \partial r/\partial x` (central differences, step :math:`10^{-3}` in :math:`\ln x`) and
  :math:`\partial\theta/\partial x = -(J^T W J)^{-1} J^T W J_x`: how far the optimum moves when the fixed
  input is off by :math:`\sigma_x`;
* total: :math:`C = C_\mathrm{stat} + \sum_x (\partial\theta/\partial x)(\partial\theta/\partial x)^T \sigma_x^2`.

**What the residuals say** (``_honesty``; each case is a note in ``notes`` and a field of the result):

* noise-free data (no ``sigma`` and residuals at round-off, below 1e-5 of the data): the statistical error
  scaled from them is not a measurement error (``noise_free``); give the data's sigmas;
* an inadequate model (``sigma`` given and chi^2 beyond its 99.9 % quantile, ``adequate = False``): the
  statistical errors are multiplied by sqrt(chi^2_nu) (Birge ratio) and the note names the likely causes;
* correlated noise (an AR(1) correlation rho_hat > 0 from one point to the next, estimated by restricted maximum
  likelihood with the fit's projection allowed for): the statistical covariance is the least-squares one under
  that noise, (J^T J)^-1 J^T V J (J^T J)^-1 with V_ij = rho_hat^|i-j|, never below the white-noise one.
  ``error_inflation`` is the largest ratio of a statistical error to its white-noise value.

Errors are reported in SI, to first order (:math:`\sigma_p = p\,\sigma_\theta`); ``contributions[i, j]`` is
the signed shift of fitted parameter *i* per 1-sigma of fixed input *j*.

The fit's arguments are checked by :mod:`.arguments`, the residuals' AR(1) correlation is :mod:`.noise`'s, and
:func:`.posterior.sample_posterior` samples the posterior from this fit's optimum.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ...errors import ConvergenceError, InputError, KapitzaError, optional_module
from ...io.results import result
from . import model
from .arguments import (
    check_bounds,
    check_names,
    check_points,
    check_quantity,
    check_rtol,
    check_sigma,
    fixed_errors,
    restrict,
)
from .noise import ar1_precision, ar1_reml, ar1_t_factor, ar1_times
from .sample import Sample

Progress = Callable[[int, int], None]


_STEP = 1e-3  # central-difference step in ln p: truncation ~1e-6, and steps over the TDTR sum's ~1e-6 jumps
_AT_BOUND = 1e-4  # |ln p - ln bound| below this: the parameter sits at its bound


#: Residuals (rms) below this fraction of the data's rms are round-off, not noise: 10x the model's default
#: quadrature accuracy (rtol = 1e-6) and 100x below the relative noise of any thermoreflectance measurement
#: (~1e-3 at best: Yang, Ziade & Schmidt 2016).
_ROUNDOFF = 1e-5
#: chi^2 with a probability below this (either tail) flags the fit: the model or the stated errors are wrong.
_P_REJECT = 1e-3


@result
class ThermoreflectanceFit:
    """The result of :func:`fit`.

    Attributes
    ----------
    names : tuple of str
        The fitted parameters, in the order of every per-parameter array.
    values : ndarray, shape (n_fit,)
        Best-fit values, SI.
    error_statistical, error_fixed, error : ndarray, shape (n_fit,)
        1-sigma errors (SI): from the data's noise, from the fixed inputs' errors, and both in quadrature.
    covariance : ndarray, shape (n_fit, n_fit)
        Total covariance, SI (statistical + fixed inputs).
    covariance_statistical : ndarray, shape (n_fit, n_fit)
        The statistical part alone, SI.
    correlation, correlation_statistical : ndarray, shape (n_fit, n_fit)
        The correlation matrices of those two covariances.
    fixed_names : tuple of str
        The fixed parameters with an error in ``sample.errors`` that were propagated.
    fixed_sigma : ndarray, shape (n_fixed,)
        Their 1-sigma errors, SI.
    contributions : ndarray, shape (n_fit, n_fixed)
        Signed shift of each fitted value (SI) when a fixed input is off by +1 sigma.
    bounds : ``mapping name -> (low, high)``
        The bounds used, SI.
    at_bound : tuple of str
        Fitted parameters that ended at a bound (their errors are then not meaningful).
    parameters : ``mapping name -> float``
        Every parameter of the fitted sample (``Sample.parameters()``), SI.
    scale : float
        The data/model scale of a quantity in ``model.SCALED`` (1.0 for the others).
    mode, quantity : str
        "tdtr" or "fdtr"; the quantity fitted (see ``model.OBSERVABLES``).
    x, y, y_fit, residuals : ndarray, shape (n,)
        The points used (after ``x_range``): delay (s) or frequency (Hz), the data, the (scaled) model,
        and y - y_fit, in the data's units.
    sigma : ndarray, shape (n,)
        The weights' 1-sigma (the data's, or ones when ``sigma_source == "residuals"``).
    sigma_source : str
        "data" (sigma given) or "residuals" (unit weights, covariance scaled by the reduced chi^2).
    chi2, reduced_chi2 : float
        sum(((y - y_fit) / sigma)^2) and chi2 / dof.
    dof : int
        Points minus fitted parameters (minus one for a scale).
    success : bool
    nfev : int
        Model evaluations, the uncertainty analysis included.
    message : str
        The optimiser's message.
    p_value : float
        Probability of a chi^2 at least this large if the model and the stated sigmas were right
        (``sigma_source == "data"``; NaN for "residuals", where chi^2 is the noise estimate itself).
    adequate : bool
        False when ``p_value < 1e-3`` (the model does not describe the data within their stated errors) or when
        the data put a fixed input far beyond its stated error (see ``notes``).
    residual_correlation : float
        The noise's AR(1) correlation from one point to the next (in the order of x), estimated by restricted
        maximum likelihood from the residuals (0 when white noise is likelier, or when chi^2 is improbably small).
    error_inflation : float
        Largest factor (>= 1) by which a statistical error exceeds its white-noise value: sqrt(chi^2_nu) for an
        inadequate fit, times the AR(1) factor sqrt(diag sandwich / diag (J^T J)^-1) (module docstring).
    noise_free : bool
        True when ``sigma_source == "residuals"`` and the residuals are at round-off level (rms below
        1e-5 of the data's rms): the statistical error scaled from them is not a measurement error.
    notes : tuple of str
        Anything the user should know (errors not propagated because the parameter was fitted, noise-free
        data, an inadequate fit, correlated residuals, ...).
    """

    names: tuple[str, ...]
    values: NDArray[np.float64]
    error_statistical: NDArray[np.float64]
    error_fixed: NDArray[np.float64]
    error: NDArray[np.float64]
    covariance: NDArray[np.float64]
    covariance_statistical: NDArray[np.float64]
    correlation: NDArray[np.float64]
    correlation_statistical: NDArray[np.float64]
    fixed_names: tuple[str, ...]
    fixed_sigma: NDArray[np.float64]
    contributions: NDArray[np.float64]
    bounds: Mapping[str, tuple[float, float]]
    at_bound: tuple[str, ...]
    parameters: Mapping[str, float]
    scale: float
    mode: str
    quantity: str
    x: NDArray[np.float64]
    y: NDArray[np.float64]
    y_fit: NDArray[np.float64]
    residuals: NDArray[np.float64]
    sigma: NDArray[np.float64]
    sigma_source: str
    chi2: float
    dof: int
    reduced_chi2: float
    success: bool
    nfev: int
    message: str
    p_value: float
    adequate: bool
    residual_correlation: float
    error_inflation: float
    noise_free: bool
    notes: tuple[str, ...]

    _summary_fields: ClassVar[tuple[str, ...]] = ("names", "values", "error", "reduced_chi2", "sigma_source")

    def value(self, name: str) -> tuple[float, float]:
        """(value, total 1-sigma error) of one fitted parameter, SI."""
        if name not in self.names:
            raise InputError(f"{name!r} was not fitted; fitted: {', '.join(self.names)}")
        i = self.names.index(name)
        return float(self.values[i]), float(self.error[i])

    def largest_contributions(self, name: str, count: int = 3) -> tuple[tuple[str, float], ...]:
        """The fixed inputs that move one fitted parameter most: ``((fixed name, |shift|), ...)``, largest first.

        ``|shift|`` is ``|contributions[i, j]|``: how far the fitted value (SI) moves when the fixed input is off by
        its 1-sigma error.  At most ``count`` of them, only those with a non-zero shift (ties in the order of
        :attr:`fixed_names`); empty when no fixed input has an error.
        """
        if name not in self.names:
            raise InputError(f"{name!r} was not fitted; fitted: {', '.join(self.names)}")
        if not self.contributions.size:
            return ()
        shifts = np.abs(self.contributions[self.names.index(name)])
        top = np.argsort(-shifts, kind="stable")[: max(int(count), 0)]
        return tuple((self.fixed_names[j], float(shifts[j])) for j in top if shifts[j] > 0)


class Problem:
    """The validated fit problem: data, weights, names, bounds, and the (profiled, weighted) residuals."""

    def __init__(
        self,
        sample: Sample,
        mode: str,
        x: ArrayLike,
        y: ArrayLike,
        names: Any,
        *,
        quantity: str | None,
        sigma: ArrayLike | None,
        bounds: Mapping[str, Sequence[float]] | None,
        x_range: Sequence[float] | None,
        rtol: float,
        progress: Progress | None,
    ) -> None:
        if not isinstance(sample, Sample):
            raise InputError(f"sample= must be a Sample, got {type(sample).__name__}")
        quantity = check_quantity(mode, quantity)
        self.sample, self.mode, self.quantity = sample, mode, quantity
        self.scaled = quantity in model.SCALED
        self.rtol = check_rtol(rtol)
        if progress is not None and not callable(progress):
            raise InputError("progress= must be a function progress(done, total) or None")
        self.progress = progress

        xs, ys = check_points(sample, mode, x, y)
        sig, self.sigma_source = check_sigma(sigma, ys)
        names, fitted_by = check_names(sample, names)
        self.names = names
        self.n_free = len(names) + (1 if self.scaled else 0)
        params = sample.parameters()
        self.p0 = np.array([params[n] for n in names])
        self.lo, self.hi = check_bounds(bounds, names, self.p0)
        xs, ys, sig = restrict(x_range, xs, ys, sig, self.n_free, self.scaled)
        if mode == "tdtr" and xs.min() < model.MIN_DELAY:
            raise InputError(
                f"the data hold delays below {model.MIN_DELAY * 1e12:g} ps (the shortest {xs.min() * 1e12:g} ps), "
                "which the model does not describe (delta-function pulses): leave them out with x_range= (--range)"
            )
        self.x, self.y, self.sigma = xs, ys, sig
        self.weight = 1.0 / sig
        self.fixed, self.fixed_sigma, self.notes = fixed_errors(sample, set(fitted_by))
        self.nfev = 0
        self.total = 0
        self._last: tuple[tuple[tuple[str, float], ...], NDArray[np.float64]] | None = None

    # --- evaluation --------------------------------------------------------------------------
    def _tick(self) -> None:
        self.nfev += 1
        if self.progress is not None:
            self.progress(self.nfev, max(self.total, self.nfev))

    def raw(self, values: Mapping[str, float]) -> NDArray[np.float64]:
        """The unscaled model at the given parameters (a mapping of any sample parameters, SI).

        The last evaluation is remembered: the optimiser's final call and the optimum's are the same."""
        key = tuple(sorted(values.items()))
        if self._last is not None and self._last[0] == key:
            return self._last[1]
        try:
            out = model.observable(
                self.sample.with_parameters(values), self.mode, self.quantity, self.x, rtol=self.rtol
            )
        except KapitzaError as exc:
            where = ", ".join(f"{k}={v:.4g}" for k, v in values.items())
            raise ConvergenceError(f"the model failed at {where}: {exc}") from None
        finally:
            self._tick()
        if not np.isfinite(out).all():
            where = ", ".join(f"{k}={v:.4g}" for k, v in values.items())
            raise ConvergenceError(f"the model is not finite at {where}")
        self._last = (key, out)
        return out

    def best_scale(self, m: NDArray[np.float64]) -> float:
        if not self.scaled:
            return 1.0
        wm = self.weight * m
        den = float(wm @ wm)
        return float((wm @ (self.weight * self.y)) / den) if den > 0 else 1.0

    def residual(self, m: NDArray[np.float64]) -> NDArray[np.float64]:
        """Weighted residuals (scale profiled) of the raw model m."""
        return self.weight * (self.best_scale(m) * m - self.y)

    def values_of(self, theta: NDArray[np.float64]) -> dict[str, float]:
        return {n: float(math.exp(t)) for n, t in zip(self.names, theta, strict=True)}

    def residual_theta(
        self, theta: NDArray[np.float64], extra: Mapping[str, float] | None = None
    ) -> NDArray[np.float64]:
        values = self.values_of(theta)
        if extra:
            values.update(extra)
        return self.residual(self.raw(values))


def _lmfit() -> Any:
    return optional_module("lmfit", "thermoreflectance", "thermoreflectance fits")


def _correlation(cov: NDArray[np.float64]) -> NDArray[np.float64]:
    d = np.sqrt(np.diag(cov))
    with np.errstate(invalid="ignore", divide="ignore"):  # a zero variance gives NaN there, which is right
        return cov / np.outer(d, d)


def _honesty(
    prob: Problem,
    r0: NDArray[np.float64],
    shifts: NDArray[np.float64],
    chi2: float,
    dof: int,
    jac: NDArray[np.float64],
    regressors: NDArray[np.float64],
) -> dict[str, Any]:
    """What the residuals say about the statistical error: noise-free data, an inadequate model, correlated noise.

    * **Noise-free data** (``sigma_source == "residuals"`` only): the rms residual below :data:`_ROUNDOFF` of the
      data's rms is round-off (the data's printed digits, the model's quadrature accuracy ``rtol``), not noise;
      scaling the covariance by it gives an error that is not a measurement error.  Flagged, not inflated.
    The fixed inputs with errors may be off by about their sigma, which leaves structure in the residuals that
    their propagated error already covers.  So the tests below use the residuals with that structure taken out:
    with ``A`` the residual shifts per +1 sigma of each fixed input (columns of ``shifts``, projected orthogonal
    to the fitted parameters' Jacobian) and the fixed-input offsets ``delta ~ N(0, 1)``, the residuals' covariance
    is ``P + A A^T`` (``P`` the projector), whose chi^2 is, by the Woodbury identity,
    ``chi2_x = r^T r - r^T A (1 + A^T A)^-1 A^T r = r^T (r - A delta_hat)``, with ``delta_hat`` the offsets'
    posterior mean; ``r - A delta_hat`` is what the fixed inputs cannot explain.

    * **Fixed inputs off** (any ``sigma_source``): if the inputs are within their stated errors, ``delta_hat`` is
      N(0, (1 + S)^-1 S) with ``S = A^T A``; its chi^2 in the eigenbasis of ``S`` (``rank S`` degrees of freedom)
      beyond the 1 - :data:`_P_REJECT` quantile says an input is off by more than its error (the marginal
      likelihood test of the nuisance parameters' prior); ``adequate = False`` and the note names the inputs
      the data move most, in units of their stated error.  Nothing is inflated: the result is not reliable.
    * **Inadequate model** (``sigma_source == "data"`` only): ``chi2_x`` beyond its 1 - :data:`_P_REJECT` quantile
      for ``dof`` degrees of freedom rejects the model with the stated errors; the statistical errors are multiplied
      by sqrt(chi^2_nu) (the Birge ratio: Birge, Phys. Rev. 40, 207 (1932); Bevington & Robinson, *Data
      Reduction and Error Analysis*, 3rd ed., Sec. 11.1) and the result says so.
    * **Correlated noise**: an AR(1) correlation rho of the noise from one point to the next (in the order of
      x) is estimated by restricted maximum likelihood from the residuals (:func:`ar1_reml`: the fitted
      parameters' Jacobian and a scale as regressors, the fixed inputs' shifts as random effects), which, unlike
      the residuals' own lag-1 autocorrelation, is not biased low by the fit's projection ``r = (I - H) e``.
      Whenever rho_hat > 0 (no significance threshold: a threshold misses most AR(1) noise in 20 points, whose
      residual autocorrelation the fit absorbs) the statistical covariance is the least-squares estimator's
      covariance under that noise, the sandwich ``(J^T J)^-1 J^T V J (J^T J)^-1`` with ``V_ij = rho^|i-j|``
      (Prais & Winsten, Cowles Commission Discussion Paper 383 (1954) for the AR(1) model of regression errors;
      the effective number of points n (1 - rho)/(1 + rho): Bayley & Hammersley, Suppl. J. R. Stat. Soc. 8, 184
      (1946)), never below the white-noise covariance; without the data's sigmas the noise variance is the
      REML one.  Because rho is estimated from the same points, each error is then widened to a 68.3 % Student-t
      interval with Satterthwaite's degrees of freedom (:func:`ar1_t_factor`).  A note names rho and the
      likelihood ratio against white noise.
    """
    from scipy import stats

    notes: list[str] = []
    n = r0.size
    res = r0 / prob.weight  # in the data's units
    # in units of the noise: the stated sigmas, or (no sigmas) the residual scatter
    noise = 1.0 if prob.sigma_source == "data" else math.sqrt(max(chi2 / max(dof, 1), 1e-300))
    r, a = r0 / noise, shifts / noise
    offsets: list[tuple[str, float]] = []
    t_fixed, p_fixed = 0.0, math.nan
    if a.size:
        gram = a.T @ a
        delta = np.linalg.solve(np.eye(a.shape[1]) + gram, a.T @ r)
        rest = r - a @ delta
        chi2_x = float(r @ rest) * noise**2
        # delta_hat ~ N(0, (1 + S)^-1 S) if the inputs are within their errors (S = A^T A): its chi^2 in S's
        # eigenbasis (directions the data see, lambda > 1e-6) tests the stated inputs against the data.
        lam, vec = np.linalg.eigh(gram)
        seen = lam > 1e-6
        if seen.any():
            proj = vec[:, seen].T @ delta
            t_fixed = float(np.sum(proj**2 * (1 + lam[seen]) / lam[seen]))
            p_fixed = float(stats.chi2.sf(t_fixed, int(seen.sum())))
            var = np.diag(gram) / (1 + np.diag(gram)) ** 2 + 1e-300  # marginal spread of each delta_hat_j
            z = delta / np.sqrt(np.maximum(var, 1e-300))
            # r = model(stated) - data ~ -A (true - stated): the inputs' offsets from their stated values are -delta
            offsets = [(prob.fixed[j], -float(delta[j])) for j in np.argsort(-np.abs(z))[:2]]
    else:
        rest, chi2_x = r, chi2
    # AR(1) noise: rho by REML (the noise variance profiled, so that stated sigmas larger or smaller than the
    # scatter do not move rho; with the data's sigmas the fixed inputs are random effects), then the least-squares
    # covariance under it (sandwich) with the stated variance (data) or the REML variance (no sigmas).  Not when
    # chi^2 is improbably small: the stated sigmas already exceed the scatter (round-off residuals are smooth).
    order = np.argsort(prob.x, kind="stable")
    known = prob.sigma_source == "data"
    n_reg = regressors.shape[1]
    inv = np.linalg.inv(jac.T @ jac)
    base = np.diag(inv) * (1.0 if known else noise**2)
    rho, lr_rho = 0.0, 0.0
    white = inv * (1.0 if known else noise**2)
    cov_corr = white
    too_small = known and dof > 0 and float(stats.chi2.cdf(chi2_x, dof)) < _P_REJECT
    if n > n_reg + 2 and not too_small:
        a_ord = a[order] if (known and a.size) else np.zeros((n, 0))
        rho, lr_rho = ar1_reml(r[order], regressors[order], a_ord, False)
        if rho > 0:
            j_ord = jac[order]
            sand = inv @ (j_ord.T @ ar1_times(j_ord, rho)) @ inv
            if not known:  # the REML variance of the noise, in the weighted residuals' units
                rs, xs = r0[order], regressors[order]
                w = np.column_stack([xs, rs])
                g = w.T @ ar1_precision(w, rho)
                gxx, gxr = g[:n_reg, :n_reg], g[:n_reg, -1]
                sand = sand * (float(g[-1, -1]) - float(gxr @ np.linalg.solve(gxx, gxr))) / max(dof, 1)
            if np.all(np.diag(sand) > 0):  # never below the white-noise covariance
                cov_corr = sand * max(1.0, float(np.max(base / np.diag(sand))))
                k = ar1_t_factor(rho, r[order], regressors[order], a_ord, j_ord, inv)
                cov_corr = cov_corr * np.outer(k, k)  # rho estimated from the same points (Satterthwaite)
    noise_free = False
    if prob.sigma_source == "residuals":
        rms_res = math.sqrt(float(res @ res) / n)
        rms_y = math.sqrt(float(prob.y @ prob.y) / n)
        noise_free = rms_res <= _ROUNDOFF * rms_y
    p_value = float(stats.chi2.sf(chi2_x, dof)) if prob.sigma_source == "data" and dof > 0 else math.nan
    inputs_ok = not (p_fixed < _P_REJECT)
    adequate = not (p_value < _P_REJECT) and inputs_ok
    birge, factor = 1.0, 1.0
    if noise_free:
        cov_corr = white
        notes.append(
            f"noise-free data: the residuals are at round-off level (rms {math.sqrt(float(res @ res) / n):.2g}, "
            f"below {_ROUNDOFF:g} of the data's rms), so the statistical error scaled from them is not a measurement "
            "error; give the data's 1-sigma errors (a sigma column, or sigma=) for a meaningful statistical error"
        )
    else:
        if not inputs_ok:
            where = ", ".join(f"{n} by {d:+.1f} sigma" for n, d in offsets)
            notes.append(
                f"fixed inputs inconsistent with the data: the data move them by {t_fixed:.3g} in chi^2 (p = "
                f"{p_fixed:.2g}; most: {where} of its stated error); an input is probably off by more than its "
                "stated error, and the fitted values and errors are not reliable: check it, or fit it"
            )
        if p_value < _P_REJECT:
            birge = math.sqrt(chi2_x / dof)
            notes.append(
                f"inadequate fit: chi^2 = {chi2_x:.4g} for {dof} degrees of freedom (reduced {chi2_x / dof:.3g}, "
                f"p = {p_value:.2g}, the fixed inputs' stated errors allowed for): the model does not describe the "
                "data within their stated errors (a fixed input off by more than its error, a missing layer, or "
                f"data errors understated); statistical errors inflated by sqrt(reduced chi^2) = "
                f"{math.sqrt(chi2_x / dof):.3g}"
            )
        factor = float(np.sqrt(np.max(np.diag(cov_corr) / base)))
        if factor > 1.0 + 1e-6:
            p_rho = float(stats.chi2.sf(lr_rho, 1) / 2.0)  # rho >= 0 on the boundary: half a chi^2_1
            notes.append(
                f"correlated residuals: AR(1) correlation {rho:.2f} from one point to the next (restricted maximum "
                f"likelihood, the fit's projection allowed for; p = {p_rho:.2g} against white noise): statistical "
                f"errors up to x{factor:.3g} (the least-squares covariance under that noise)"
            )
        else:
            cov_corr, factor = white, 1.0
        if prob.sigma_source == "data" and dof > 0 and float(stats.chi2.cdf(chi2_x, dof)) < _P_REJECT:
            notes.append(
                f"chi^2 = {chi2_x:.4g} for {dof} degrees of freedom is improbably small: the stated data errors look "
                "larger than the scatter, so the statistical errors are probably overestimated"
            )
    return {
        "covariance": cov_corr * birge**2,
        "p_value": p_value,
        "adequate": bool(adequate),
        "residual_correlation": rho,
        "error_inflation": float(birge * factor),
        "noise_free": bool(noise_free),
        "notes": notes,
    }


def fit(
    sample: Sample,
    mode: str,
    x: ArrayLike,
    y: ArrayLike,
    names: Sequence[str] | str,
    *,
    quantity: str | None = None,
    sigma: ArrayLike | None = None,
    bounds: Mapping[str, Sequence[float]] | None = None,
    x_range: Sequence[float] | None = None,
    rtol: float = 1e-6,
    max_nfev: int | None = None,
    progress: Progress | None = None,
) -> ThermoreflectanceFit:
    """Least-squares fit of the named sample parameters to TDTR or FDTR data.

    Parameters
    ----------
    sample : Sample
        The sample; its values of the fitted parameters are the start, the others stay fixed, and
        ``sample.errors`` (absolute 1-sigma, SI) are propagated into the fitted parameters' errors.
    mode : {"tdtr", "fdtr"}
    x : array_like, shape (n,)
        Pump-probe delays in s (tdtr) or modulation frequencies in Hz (fdtr).
    y : array_like, shape (n,)
        The data in model units: ratio -V_in/V_out; phase in degrees (arg H, negative = lag); in-phase,
        out-of-phase and amplitude in any units (a scale is fitted, see the module docstring).
    names : sequence of str, or one comma-separated str
        Parameters to fit, from ``sample.parameters()`` (e.g. ``["G", "k_sub"]``).
    quantity : str, optional
        One of ``model.OBSERVABLES[mode]``; default "ratio" (tdtr) or "phase" (fdtr).
    sigma : float or array_like, shape (n,), optional
        1-sigma error of y, in y's units.  Without it the weights are one and the covariance is scaled by
        the reduced chi^2 (``sigma_source = "residuals"``); with it ``sigma_source = "data"``.
    bounds : ``mapping name -> (low, high)``, optional
        SI; each must contain the start value.  Default p0/100 .. 100 p0.
    x_range : (low, high), optional
        Fit only points with low <= x <= high (s or Hz).
    rtol : float
        Relative accuracy of the model's Hankel integral.
    max_nfev : int, optional
        Most model evaluations of the optimiser (default 100 per fitted parameter, plus 100).
    progress : ``callable(done, total)``, optional
        Called after every model evaluation.

    Raises
    ------
    InputError
        Bad arrays, unknown or overlapping names, bounds not containing the start, too few points.
    ConvergenceError
        The optimiser did not converge, the model failed or gave non-finite values on the way, or the
        data do not determine the fitted parameters (singular Jacobian).
    """
    lmfit = _lmfit()
    prob = Problem(
        sample,
        mode,
        x,
        y,
        names,
        quantity=quantity,
        sigma=sigma,
        bounds=bounds,
        x_range=x_range,
        rtol=rtol,
        progress=progress,
    )
    n_fit = len(prob.names)
    if max_nfev is None:
        max_nfev = 100 * (n_fit + 1)
    if not isinstance(max_nfev, (int, np.integer)) or max_nfev < 1:
        raise InputError(f"max_nfev= must be a positive integer, got {max_nfev!r}")
    prob.total = int(max_nfev) + 2 * n_fit + 2 * len(prob.fixed) + 1

    params = lmfit.Parameters()
    keys = [f"p{i}" for i in range(n_fit)]
    for key, p, lo, hi in zip(keys, prob.p0, prob.lo, prob.hi, strict=True):
        params.add(key, value=math.log(p), min=math.log(lo), max=math.log(hi))

    def objective(pars: Any) -> NDArray[np.float64]:
        return prob.residual_theta(np.array([pars[k].value for k in keys]))

    minimizer = lmfit.Minimizer(objective, params, max_nfev=int(max_nfev))
    try:
        out = minimizer.minimize(method="least_squares", xtol=1e-8, ftol=1e-8, gtol=1e-8, diff_step=1e-6)
    except ValueError as exc:  # lmfit refuses NaN residuals; scipy non-finite costs
        raise ConvergenceError(
            f"the fit of {', '.join(prob.names)} failed: {' '.join(str(exc).split())[:200]}; check the data's "
            "values and units"
        ) from None
    theta = np.array([out.params[k].value for k in keys])
    if not out.success or getattr(out, "aborted", False) or not np.isfinite(theta).all():
        raise ConvergenceError(
            f"the fit of {', '.join(prob.names)} did not converge after {prob.nfev} model evaluations "
            f"({' '.join(str(out.message).split())}); try other start values, bounds or fewer parameters"
        )

    # The optimum, and the Jacobian there by central differences in ln p.
    values = prob.values_of(theta)
    m = prob.raw(values)
    r0 = prob.residual(m)
    jac = np.empty((r0.size, n_fit))
    for i in range(n_fit):
        step = np.zeros(n_fit)
        step[i] = _STEP
        jac[:, i] = (prob.residual_theta(theta + step) - prob.residual_theta(theta - step)) / (2 * _STEP)
    fisher = jac.T @ jac
    scale_j = np.sqrt(np.diag(fisher))
    if not (scale_j > 0).all() or np.linalg.cond(fisher / np.outer(scale_j, scale_j)) > 1e12:
        raise ConvergenceError(
            f"the data do not determine {', '.join(prob.names)} (the Jacobian is singular: "
            "no sensitivity, or parameters that move the signal the same way); fit fewer parameters"
        )
    inv = np.linalg.inv(fisher)
    chi2 = float(r0 @ r0)
    dof = r0.size - prob.n_free
    reduced = chi2 / dof

    # The fixed inputs: d theta / d x = -(J^T W J)^-1 J^T W J_x, per 1 sigma_x.
    params_now = prob.sample.parameters()
    contrib_theta = np.zeros((n_fit, len(prob.fixed)))
    shifts = np.zeros((r0.size, len(prob.fixed)))  # d r per +1 sigma of each fixed input
    for j, (name, sx) in enumerate(zip(prob.fixed, prob.fixed_sigma, strict=True)):
        x0 = params_now[name]
        up = prob.residual_theta(theta, {name: x0 * math.exp(_STEP)})
        down = prob.residual_theta(theta, {name: x0 * math.exp(-_STEP)})
        jx = (up - down) / (2 * _STEP * x0)  # d r / d x, per SI unit of x
        contrib_theta[:, j] = -inv @ (jac.T @ jx) * sx
        shifts[:, j] = jx * sx

    # What the residuals say (noise-free data, an inadequate model, correlated noise), with the fixed inputs'
    # own freedom (their stated errors) allowed for: the residual directions they can explain are projected out.
    shifts = shifts - jac @ (inv @ (jac.T @ shifts))
    regressors = jac if not prob.scaled else np.column_stack([jac, prob.weight * m])
    honesty = _honesty(prob, r0, shifts, chi2, int(dof), jac, regressors)
    cov_theta = honesty["covariance"]  # (J^T J)^-1, times chi^2_nu without sigmas, AR(1) and Birge as found

    p = np.exp(theta)
    cov_stat = cov_theta * np.outer(p, p)
    contributions = contrib_theta * p[:, None]
    cov = cov_stat + contributions @ contributions.T
    err_stat = np.sqrt(np.diag(cov_stat))
    err_fixed = np.sqrt(np.sum(contributions**2, axis=1))
    err = np.sqrt(np.diag(cov))

    s = prob.best_scale(m)
    y_fit = s * m
    at_bound = tuple(
        n
        for n, t, lo, hi in zip(prob.names, theta, prob.lo, prob.hi, strict=True)
        if min(abs(t - math.log(lo)), abs(t - math.log(hi))) < _AT_BOUND
    )
    final = prob.sample.with_parameters(values)
    if prob.progress is not None:
        prob.progress(prob.nfev, prob.nfev)
    return ThermoreflectanceFit(
        names=prob.names,
        values=p,
        error_statistical=err_stat,
        error_fixed=err_fixed,
        error=err,
        covariance=cov,
        covariance_statistical=cov_stat,
        correlation=_correlation(cov),
        correlation_statistical=_correlation(cov_stat),
        fixed_names=prob.fixed,
        fixed_sigma=prob.fixed_sigma,
        contributions=contributions,
        bounds={n: (float(lo), float(hi)) for n, lo, hi in zip(prob.names, prob.lo, prob.hi, strict=True)},
        at_bound=at_bound,
        parameters=final.parameters(),
        scale=s,
        mode=prob.mode,
        quantity=prob.quantity,
        x=prob.x,
        y=prob.y,
        y_fit=y_fit,
        residuals=prob.y - y_fit,
        sigma=prob.sigma,
        sigma_source=prob.sigma_source,
        chi2=chi2,
        dof=int(dof),
        reduced_chi2=reduced,
        success=True,
        nfev=prob.nfev,
        message=" ".join(str(out.message).split()),
        p_value=honesty["p_value"],
        adequate=honesty["adequate"],
        residual_correlation=honesty["residual_correlation"],
        error_inflation=honesty["error_inflation"],
        noise_free=honesty["noise_free"],
        notes=tuple(prob.notes)
        + tuple(honesty["notes"])
        + tuple(f"{n} ended at its bound: its error is not meaningful" for n in at_bound),
    )
