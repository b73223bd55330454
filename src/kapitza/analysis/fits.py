r"""Fits of measured (or simulated) conductance data: G(T) power laws, inelastic-channel parameters, thickness series.

Three fits, each returning a frozen result with values, standard errors, the covariance and the goodness of fit:

:func:`fit_power_law`
    G = a T^n on the low-temperature points (T <= ``t_max``).  In the Debye limit both the acoustic
    and the diffuse mismatch models give G proportional to T^3 (Swartz & Pohl, Rev. Mod. Phys. 61,
    605 (1989), Sec. IV), so n is the first check of a low-T data set.  Fitted as
    G = G_0 (T/T_0)^n with T_0 the geometric mean of the used temperatures (which makes ln G_0 and n
    nearly uncorrelated); a = G_0 T_0^-n and its error come from the covariance by the chain rule.
:func:`fit_model`
    The inelastic channel tau_inel = A T^q omega^m of :func:`kapitza.prediction.predict_model` (``inelastic=``;
    T in K, omega in rad/s, A in K^-q (rad/s)^-m, see :mod:`kapitza.transmission.inelastic`) fitted to
    G(T) on top of an elastic model (DMM by default).  A spans decades, so log10(A) is the fitted
    parameter; the errors of A follow from that of log10(A).  The elastic-only G is reported beside.
:func:`fit_thickness`
    R_total(L) = R_K + L / kappa: the one implementation is
    :func:`kapitza.analysis.md.thickness.fit_thickness_series` (weighted straight line), called here.

Uncertainties (power law and model fits, least squares by lmfit, an optional extra:
``pip install 'kapitza[thermoreflectance]'``):

* with ``sigma`` given, the residuals are (model - G) / sigma and the covariance is the inverse of
  J^T J as it stands: the errors are those implied by the stated sigmas, and chi^2/dof says whether
  the sigmas and the model agree (~1);
* with ``sigma=None`` every point is given the same *relative* error (residuals (model - G) / G,
  natural for data spanning decades) and the covariance is scaled by the reduced chi^2, i.e. the error
  size is estimated from the scatter about the fit.

``errors_from`` in every result says which of the two was done.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._checks import check_temperature_bound
from ..errors import ConvergenceError, InputError, optional_module
from ..io.results import result
from .md.thickness import ThicknessFit, fit_thickness_series

__all__ = ["INELASTIC_NAMES", "ModelFit", "PowerLawFit", "fit_model", "fit_power_law", "fit_thickness"]

#: Parameters of the inelastic channel that :func:`fit_model` can fit.
INELASTIC_NAMES: tuple[str, ...] = ("A", "q", "m")
#: ``errors_from`` values.
FROM_SIGMA = "sigma (stated errors; covariance not scaled)"
FROM_SCATTER = "scatter (equal relative errors assumed; covariance scaled by chi2/dof)"
#: log10(A) range scanned for a starting value when no initial A is given.
_LOG10_A_SCAN = np.arange(-40.0, 5.01, 0.5)


def _lmfit() -> Any:
    return optional_module("lmfit", "thermoreflectance", "least-squares fits of G(T)")


@result
class PowerLawFit:
    """G = a T^n fitted to the points with T <= t_max.

    Attributes
    ----------
    a, a_err : float
        Prefactor and its standard error, W m^-2 K^-(1+n) (G in W m^-2 K^-1, T in K).
    n, n_err : float
        Exponent and its standard error.
    covariance : ndarray, shape (2, 2)
        Of (a, n).
    correlation : float
        Correlation coefficient of a and n.
    chi2 : float
        Sum of squared residuals (in units of sigma; relative residuals without sigma).
    dof : int
        Points used minus 2.
    chi2_per_dof : float
        chi2 / dof (NaN with dof = 0).
    errors_from : str
        Where the errors come from: the stated sigmas, or the scatter (covariance scaled by chi2/dof).
    t_max : float
        Upper temperature limit in K (inf: all points).
    temperature, conductance : ndarray, shape (n_used,)
        The points used, K and W m^-2 K^-1.
    sigma : ndarray or None, shape (n_used,)
        Their standard errors, W m^-2 K^-1 (None if not given).
    used : ndarray of bool, shape (n_points,)
        Which input points were used.
    """

    a: float
    a_err: float
    n: float
    n_err: float
    covariance: NDArray[np.float64]
    correlation: float
    chi2: float
    dof: int
    chi2_per_dof: float
    errors_from: str
    t_max: float
    temperature: NDArray[np.float64]
    conductance: NDArray[np.float64]
    sigma: NDArray[np.float64] | None
    used: NDArray[np.bool_]

    _summary_fields: ClassVar[tuple[str, ...]] = ("a", "a_err", "n", "n_err", "chi2_per_dof", "t_max")

    def evaluate(self, temperature: ArrayLike) -> NDArray[np.float64]:
        """a T^n in W m^-2 K^-1 at ``temperature`` (K, any shape)."""
        return self.a * np.asarray(temperature, dtype=float) ** self.n


@result
class ModelFit:
    """Inelastic-channel parameters A, q, m of a prediction model fitted to G(T).

    Attributes
    ----------
    model : str
        Elastic model (e.g. "dmm").
    side1, side2 : str
        The materials (names as the model resolved them).
    fitted : tuple of str
        Names of the fitted parameters, in the order of ``covariance`` and ``correlation``
        (``"A"`` stands for log10(A) there).
    values : mapping
        A, q, m used for the best fit (fitted and held), A in K^-q (rad/s)^-m.
    errors : mapping
        Standard errors of the fitted parameters (A: first order, A ln(10) sigma_log10A; NaN when the
        covariance could not be estimated).
    log10_A, log10_A_err : float
        The fitted quantity for A and its error (NaN error when A was held).
    covariance, correlation : ndarray, shape (k, k)
        Of the fitted parameters (log10 A in place of A).
    chi2, chi2_per_dof : float
    dof : int
    errors_from : str
        The stated sigmas, or the scatter (covariance scaled by chi2/dof).
    temperature, conductance : ndarray, shape (n,)
        The data, K and W m^-2 K^-1.
    sigma : ndarray or None, shape (n,)
    fitted_conductance : ndarray, shape (n,)
        G of the best fit, W m^-2 K^-1.
    elastic_conductance : ndarray, shape (n,)
        G of the elastic model alone (no inelastic channel), W m^-2 K^-1, for comparison.
    evaluations : int
        Model evaluations the fit took.
    options : mapping
        The other keyword arguments passed to :func:`kapitza.prediction.predict_model`.
    """

    model: str
    side1: str
    side2: str
    fitted: tuple[str, ...]
    values: Mapping[str, float]
    errors: Mapping[str, float]
    log10_A: float
    log10_A_err: float
    covariance: NDArray[np.float64]
    correlation: NDArray[np.float64]
    chi2: float
    dof: int
    chi2_per_dof: float
    errors_from: str
    temperature: NDArray[np.float64]
    conductance: NDArray[np.float64]
    sigma: NDArray[np.float64] | None
    fitted_conductance: NDArray[np.float64]
    elastic_conductance: NDArray[np.float64]
    evaluations: int
    options: Mapping[str, Any]

    _summary_fields: ClassVar[tuple[str, ...]] = ("model", "side1", "side2", "values", "errors", "chi2_per_dof")


def _columns(
    temperature: ArrayLike, conductance: ArrayLike, sigma: ArrayLike | None, what: str
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64] | None]:
    t = np.asarray(temperature, dtype=float)
    g = np.asarray(conductance, dtype=float)
    s = None if sigma is None else np.asarray(sigma, dtype=float)
    if t.ndim != 1 or g.shape != t.shape or (s is not None and s.shape != t.shape):
        shapes = f"temperature {t.shape}, conductance {g.shape}" + ("" if s is None else f", sigma {s.shape}")
        raise InputError(f"{what}: temperature, conductance and sigma must be 1-d and of one length, got {shapes}")
    for name, v in (("temperature", t), ("conductance", g), ("sigma", s)):
        if v is not None and not np.all(np.isfinite(v)):
            raise InputError(f"{what}: {name} values must be finite (found NaN or inf)")
    if t.size and float(t.min()) <= 0:
        raise InputError(f"{what}: every temperature must be > 0 K, got {float(t.min()):g}")
    check_temperature_bound(t, f"{what}: temperature")  # the range kapitza's data and models cover
    if g.size and float(g.min()) <= 0:
        raise InputError(f"{what}: every conductance must be > 0 W m^-2 K^-1, got {float(g.min()):g}")
    if s is not None and s.size and float(s.min()) <= 0:
        raise InputError(f"{what}: every sigma must be > 0 W m^-2 K^-1, got {float(s.min()):g}")
    return t, g, s


def _covariance(fit: Any, names: list[str]) -> NDArray[np.float64]:
    k = len(names)
    if fit.covar is None or np.shape(fit.covar) != (k, k) or not np.all(np.isfinite(fit.covar)):
        return np.full((k, k), np.nan)
    # lmfit orders covar by fit.var_names
    order = [fit.var_names.index(n) for n in names]
    return np.asarray(fit.covar, dtype=float)[np.ix_(order, order)]


def _correlation(cov: NDArray[np.float64]) -> NDArray[np.float64]:
    d = np.sqrt(np.diag(cov))
    if not np.all(np.isfinite(d)) or np.any(d == 0):
        return np.full(cov.shape, np.nan)
    return cov / np.outer(d, d)


def fit_power_law(
    temperature: ArrayLike,
    conductance: ArrayLike,
    sigma: ArrayLike | None = None,
    *,
    t_max: float | None = None,
) -> PowerLawFit:
    """Fit G = a T^n to the points with T <= ``t_max``.

    Parameters
    ----------
    temperature : array_like, shape (n,)
        Temperatures in K, > 0.
    conductance : array_like, shape (n,)
        G in W m^-2 K^-1, > 0.
    sigma : array_like, shape (n,), optional
        Standard errors of G in W m^-2 K^-1, > 0.  Without them every point gets the same relative
        error, estimated from the scatter (see the module docstring).
    t_max : float, optional
        Highest temperature used, K (default: all points).  At least 3 points must remain.

    Returns
    -------
    PowerLawFit
    """
    t, g, s = _columns(temperature, conductance, sigma, "power-law fit")
    if t_max is not None:
        if isinstance(t_max, bool) or not isinstance(t_max, (int, float, np.integer, np.floating)):
            raise InputError(f"t_max must be a number of kelvin, got {t_max!r}")
        if not float(t_max) > 0:
            raise InputError(f"t_max must be > 0 K, got {float(t_max):g}")
    limit = math.inf if t_max is None else float(t_max)
    used = t <= limit
    if int(used.sum()) < 3:
        raise InputError(
            f"power-law fit: {int(used.sum())} point(s) at T <= {limit:g} K; a fit of a and n with an error "
            "needs at least 3 (raise t_max=)"
        )
    tu, gu = t[used], g[used]
    su = None if s is None else s[used]
    if np.ptp(tu) == 0:
        raise InputError(f"power-law fit: all used points share one temperature ({float(tu[0]):g} K)")
    lmfit = _lmfit()
    t0 = float(np.exp(np.mean(np.log(tu))))
    x = np.log(tu / t0)
    scale = su if su is not None else gu
    # starting values: the straight line through ln G vs ln(T/T0)
    slope, intercept = np.polyfit(x, np.log(gu), 1)
    params = lmfit.Parameters()
    params.add("ln_g0", value=float(intercept))
    params.add("n", value=float(slope))

    def residual(p: Any) -> NDArray[np.float64]:
        return (np.exp(p["ln_g0"].value + p["n"].value * x) - gu) / scale

    fit = lmfit.minimize(residual, params, method="leastsq", scale_covar=su is None)
    if not fit.success or not np.isfinite(fit.chisqr):
        raise ConvergenceError(f"power-law fit did not converge: {fit.message}")
    ln_g0, n = float(fit.params["ln_g0"].value), float(fit.params["n"].value)
    cov_ln = _covariance(fit, ["ln_g0", "n"])
    ln_a = ln_g0 - n * math.log(t0)
    if not -700.0 < ln_a < 700.0:  # exp overflows past 709.8 and leaves the normal floats below -708.4
        raise InputError(
            f"power-law fit: the prefactor a = 10^{ln_a / math.log(10):.4g} W m^-2 K^-(1+n) (n = {n:.4g}) is beyond "
            f"floating-point range for temperatures around {t0:.3g} K; fit G against T in a unit near the data "
            "(e.g. T / T0) instead"
        )
    a = math.exp(ln_a)
    # a = exp(ln_g0 - n ln T0): d a / d ln_g0 = a, d a / d n = -a ln T0
    jac = np.array([[a, -a * math.log(t0)], [0.0, 1.0]])
    cov = jac @ cov_ln @ jac.T
    dof = int(tu.size - 2)
    return PowerLawFit(
        a=a,
        a_err=float(np.sqrt(cov[0, 0])),
        n=n,
        n_err=float(np.sqrt(cov[1, 1])),
        covariance=cov,
        correlation=float(_correlation(cov)[0, 1]),
        chi2=float(fit.chisqr),
        dof=dof,
        chi2_per_dof=float(fit.chisqr / dof) if dof > 0 else math.nan,
        errors_from=FROM_SIGMA if su is not None else FROM_SCATTER,
        t_max=limit,
        temperature=tu,
        conductance=gu,
        sigma=su,
        used=used,
    )


def _names(fit: Iterable[str] | str) -> tuple[str, ...]:
    names = tuple(n.strip() for n in fit.split(",")) if isinstance(fit, str) else tuple(fit)
    bad = [n for n in names if n not in INELASTIC_NAMES]
    if bad or not names:
        raise InputError(f"fit= takes names among A, q, m (e.g. ('A', 'q')), got {', '.join(map(str, bad)) or 'none'}")
    if len(set(names)) != len(names):
        raise InputError(f"fit= names a parameter twice: {', '.join(names)}")
    return tuple(n for n in INELASTIC_NAMES if n in names)


def _mapping(values: Mapping[str, Any] | None, option: str) -> dict[str, float]:
    if values is None:
        return {}
    if not isinstance(values, Mapping):
        raise InputError(f"{option} must be a mapping of A, q, m to numbers, got {type(values).__name__}")
    out = {}
    for key, value in values.items():
        if key not in INELASTIC_NAMES:
            raise InputError(f"{option} names {key!r}; the inelastic parameters are A, q, m")
        if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
            raise InputError(f"{option}[{key!r}] must be a number, got {value!r}")
        if not math.isfinite(float(value)):
            raise InputError(f"{option}[{key!r}] must be finite, got {float(value):g}")
        out[key] = float(value)
    if "A" in out and not out["A"] > 0:
        raise InputError(f"{option}['A'] must be > 0 (A is fitted as log10 A), got {out['A']:g}")
    return out


def _bounds(bounds: Mapping[str, Any] | None, names: tuple[str, ...]) -> dict[str, tuple[float, float]]:
    if bounds is None:
        return {}
    if not isinstance(bounds, Mapping):
        raise InputError(f"bounds= must be a mapping like {{'q': (0, 3)}}, got {type(bounds).__name__}")
    out = {}
    for key, pair in bounds.items():
        if key not in names:
            raise InputError(f"bounds= names {key!r}, which is not fitted (fitted: {', '.join(names)})")
        try:
            lo, hi = (float(v) for v in pair)
        except (TypeError, ValueError):
            raise InputError(f"bounds[{key!r}] must be a pair (low, high) of numbers, got {pair!r}") from None
        if math.isnan(lo) or math.isnan(hi) or not lo < hi:
            raise InputError(f"bounds[{key!r}] needs low < high, got ({lo:g}, {hi:g})")
        if key == "A":
            if not hi > 0:
                raise InputError(f"bounds['A'] needs high > 0 (A is fitted as log10 A), got ({lo:g}, {hi:g})")
            lo, hi = (math.log10(lo) if lo > 0 else -math.inf), math.log10(hi)
        out[key] = (lo, hi)
    return out


def fit_model(
    temperature: ArrayLike,
    conductance: ArrayLike,
    sigma: ArrayLike | None,
    side1: Any,
    side2: Any,
    *,
    model: str = "dmm",
    fit: Iterable[str] | str = INELASTIC_NAMES,
    initial: Mapping[str, float] | None = None,
    fixed: Mapping[str, float] | None = None,
    bounds: Mapping[str, tuple[float, float]] | None = None,
    **predict_options: Any,
) -> ModelFit:
    """Fit the inelastic channel A, q, m of :func:`kapitza.prediction.predict_model` to measured G(T).

    G_model(T) = ``predict_model(side1, side2, T, model, inelastic={"A": A, "q": q, "m": m}, **predict_options)``.

    Parameters
    ----------
    temperature : array_like, shape (n,)
        Temperatures in K, > 0.
    conductance : array_like, shape (n,)
        Measured G in W m^-2 K^-1, > 0.
    sigma : array_like, shape (n,), or None
        Standard errors of G in W m^-2 K^-1; None: equal relative errors estimated from the scatter.
    side1, side2 : str, path or Material
        Incident and receiving sides, as for :func:`kapitza.prediction.predict_model`.
    model : str
        The elastic model the channel is added to ("dmm", "amm", ...).
    fit : iterable of str or "A,q,m"
        Which of A, q, m vary; the others are held at ``fixed`` (or ``initial``, or the defaults q = 1, m = 1).
    initial : mapping, optional
        Starting values (A in K^-q (rad/s)^-m, > 0).  Without a starting A, log10 A is scanned from
        -40 to 5 in steps of 0.5 at the starting q, m and the best point is taken.
    fixed : mapping, optional
        Values of parameters held fixed (names must not be in ``fit``).
    bounds : mapping, optional
        name -> (low, high) for fitted parameters (A in its own unit; it is fitted as log10 A).
    **predict_options
        Other keyword arguments of :func:`kapitza.prediction.predict_model` (``cutoff``, ``statistics``, ...).

    Returns
    -------
    ModelFit

    Raises
    ------
    InputError
        For bad data or options, before any fitting.
    ConvergenceError
        When the least-squares fit does not converge.
    """
    from ..prediction import predict_model

    t, g, s = _columns(temperature, conductance, sigma, "model fit")
    names = _names(fit)
    start = _mapping(initial, "initial")
    held = _mapping(fixed, "fixed")
    clash = [n for n in held if n in names]
    if clash:
        raise InputError(f"fixed= holds {', '.join(clash)}, which fit= also varies; name each in one of them")
    limits = _bounds(bounds, names)
    if "inelastic" in predict_options:
        raise InputError("fit_model sets inelastic= itself; give starting values with initial=")
    if t.size <= len(names):
        raise InputError(f"model fit: {t.size} point(s) cannot determine {len(names)} parameter(s) with an error")
    values = {"A": 1e-20, "q": 1.0, "m": 1.0} | start | held
    lmfit = _lmfit()

    def model_g(p: Mapping[str, float]) -> NDArray[np.float64]:
        inel = {"A": float(p["A"]), "q": float(p["q"]), "m": float(p["m"])}
        return predict_model(side1, side2, t, model, inelastic=inel, **predict_options).conductance

    for n in names:  # a default start outside the bounds moves inside them; a user's start is refused
        lo, hi = limits.get(n, (-math.inf, math.inf))
        v = math.log10(values[n]) if n == "A" else values[n]
        if not lo <= v <= hi:
            if n in start:
                raise InputError(f"initial {n} = {values[n]:g} lies outside bounds[{n!r}]")
            inside = 0.5 * (lo + hi) if math.isfinite(lo) and math.isfinite(hi) else (lo if math.isfinite(lo) else hi)
            values[n] = 10.0**inside if n == "A" else inside
    scale = s if s is not None else g
    elastic = predict_model(side1, side2, t, model, **predict_options)  # validates sides, model and options first
    if "A" in names and "A" not in start:
        lo, hi = limits.get("A", (-math.inf, math.inf))
        grid = [v for v in _LOG10_A_SCAN if lo <= v <= hi] or [float(np.clip(-20.0, lo, hi))]
        costs = [float(np.sum(((model_g(values | {"A": 10.0**la}) - g) / scale) ** 2)) for la in grid]
        values["A"] = 10.0 ** grid[int(np.argmin(costs))]
    if not values["A"] > 0:
        raise InputError("model fit: A must be > 0 (it is fitted as log10 A); give it with initial= or fixed=")
    keys = {"A": "log10_A", "q": "q", "m": "m"}
    params = lmfit.Parameters()
    for n in INELASTIC_NAMES:
        v = math.log10(values[n]) if n == "A" else values[n]
        lo, hi = limits.get(n, (-math.inf, math.inf))
        params.add(keys[n], value=v, vary=n in names, min=lo, max=hi)

    def current(p: Any) -> dict[str, float]:
        return {"A": 10.0 ** p["log10_A"].value, "q": p["q"].value, "m": p["m"].value}

    def residual(p: Any) -> NDArray[np.float64]:
        return (model_g(current(p)) - g) / scale

    result_ = lmfit.minimize(residual, params, method="leastsq", scale_covar=s is None)
    if not result_.success or not np.isfinite(result_.chisqr):
        raise ConvergenceError(f"model fit did not converge: {result_.message}")
    best = current(result_.params)
    cov = _covariance(result_, [keys[n] for n in names])
    errs = np.sqrt(np.diag(cov))
    errors = {n: float(e) for n, e in zip(names, errs)}
    log10_a_err = errors.get("A", math.nan)
    if "A" in errors:
        errors["A"] = best["A"] * math.log(10.0) * log10_a_err
    dof = int(t.size - len(names))
    return ModelFit(
        model=elastic.model,
        side1=elastic.side1.name,
        side2=elastic.side2.name,
        fitted=names,
        values=best,
        errors=errors,
        log10_A=math.log10(best["A"]),
        log10_A_err=log10_a_err,
        covariance=cov,
        correlation=_correlation(cov),
        chi2=float(result_.chisqr),
        dof=dof,
        chi2_per_dof=float(result_.chisqr / dof) if dof > 0 else math.nan,
        errors_from=FROM_SIGMA if s is not None else FROM_SCATTER,
        temperature=t,
        conductance=g,
        sigma=s,
        fitted_conductance=model_g(best),
        elastic_conductance=elastic.conductance,
        evaluations=int(result_.nfev),
        options=dict(predict_options),
    )


def fit_thickness(lengths: ArrayLike, resistances: ArrayLike, sigmas: ArrayLike) -> ThicknessFit:
    """R_total(L) = R_K + L / kappa weighted by 1/sigma^2: the intercept R_K is the interface resistance.

    The one implementation is :func:`kapitza.analysis.md.thickness.fit_thickness_series` (shared with the MD
    thickness series, ``kapitza md thickness``); this calls it.  Errors are absolute (from ``sigmas``,
    covariance not scaled); chi^2/dof in the result says whether the line and the sigmas agree.

    Parameters
    ----------
    lengths : array_like, shape (n,)
        Sample (or film) thicknesses, m in SI (any one length unit), > 0.
    resistances : array_like, shape (n,)
        Total resistances per area, m^2 K W^-1 in SI.
    sigmas : array_like, shape (n,)
        Standard errors of the resistances (same unit), > 0.
    """
    return fit_thickness_series(lengths, resistances, sigmas)
