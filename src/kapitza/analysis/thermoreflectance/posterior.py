r"""Posterior sampling of a thermoreflectance fit.

:func:`sample_posterior` samples the posterior with emcee (the ``mcmc`` extra) for correlated or poorly
determined parameters: flat priors in :math:`\ln p` within the bounds, optionally the fixed inputs with errors
as nuisance parameters under Gaussian priors.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ... import _checks
from ...errors import ConvergenceError, InputError, optional_module
from ...io.results import result
from .least_squares import Problem, Progress, fit
from .sample import Sample


@result
class PosteriorResult:
    """The result of :func:`sample_posterior`.

    Attributes
    ----------
    names : tuple of str
        Sampled parameters: the fitted ones, then (``marginalize=True``) the nuisance fixed inputs.
    nuisance : tuple of str
        The names of the nuisance parameters among ``names``.
    median, p16, p84 : ndarray, shape (n_dim,)
        Posterior median and 16th / 84th percentiles, SI (after the burn-in, all walkers).
    error_minus, error_plus : ndarray, shape (n_dim,)
        median - p16 and p84 - median.
    chain : ndarray, shape (n_kept, n_dim)
        Samples after the burn-in, thinned by ``thin``, walkers flattened, SI.
    acceptance_fraction : float
        Mean over walkers.
    autocorrelation_time : ndarray, shape (n_dim,)
        Integrated autocorrelation time in steps (emcee's estimate); NaN where the chain is too short
        for a reliable estimate (see ``notes``).
    least_squares_values, least_squares_errors, least_squares_errors_statistical : ndarray, shape (n_fit,)
        The :func:`fit` result the walkers started from (value, total and statistical error), SI: without
        ``marginalize`` the posterior width compares with the statistical error, with it with the total.
    walkers, steps, burn, thin, seed : int
    sigma_source : str
        "data", or "residuals" (the noise taken from the least-squares fit's residual scatter).
    mode, quantity : str
    notes : tuple of str
    """

    names: tuple[str, ...]
    nuisance: tuple[str, ...]
    median: NDArray[np.float64]
    p16: NDArray[np.float64]
    p84: NDArray[np.float64]
    error_minus: NDArray[np.float64]
    error_plus: NDArray[np.float64]
    chain: NDArray[np.float64]
    acceptance_fraction: float
    autocorrelation_time: NDArray[np.float64]
    least_squares_values: NDArray[np.float64]
    least_squares_errors: NDArray[np.float64]
    least_squares_errors_statistical: NDArray[np.float64]
    walkers: int
    steps: int
    burn: int
    thin: int
    seed: int
    sigma_source: str
    mode: str
    quantity: str
    notes: tuple[str, ...]

    _summary_fields: ClassVar[tuple[str, ...]] = ("names", "median", "error_minus", "error_plus", "walkers", "steps")


def _emcee() -> Any:
    return optional_module("emcee", "mcmc", "posterior sampling of thermoreflectance fits")


@dataclass(frozen=True)
class Sampling:
    """The settings of :func:`sample_posterior`'s sampler, one record (each field's meaning is that function's
    parameter of the name); only grouped here, checked where the sampler starts."""

    walkers: int | None = None
    steps: int = 2000
    burn: int = 500
    thin: int | None = None
    seed: int = 0
    max_evaluations: int = 1_000_000

    @classmethod
    def of(cls, sampling: Sampling | None, given: Mapping[str, Any]) -> Sampling:
        """``sampling`` (default: the defaults) with ``given`` (its fields by keyword) put in; InputError for a
        keyword that is no field of it."""
        return _checks.settings_record(cls, sampling, given, "sampling=", " of sample_posterior; its sampler's")


def sample_posterior(
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
    marginalize: bool = False,
    rtol: float = 1e-6,
    progress: Progress | None = None,
    sampling: Sampling | None = None,
    **sampler: Any,
) -> PosteriorResult:
    """Sample the posterior of the named parameters with emcee (affine-invariant ensemble sampler).

    The likelihood is Gaussian, exp(-chi^2/2), with the residuals of :func:`fit` (a scale, for a quantity in
    ``model.SCALED``, is profiled at every step).  Priors: flat in ln p within ``bounds`` (default p0/100 ..
    100 p0); with ``marginalize=True`` every fixed parameter with an error in ``sample.errors`` is sampled too,
    under a Gaussian prior N(value, error) (truncated at zero), and its spread reaches the fitted parameters
    through their correlation.  Without ``sigma`` the noise is the least-squares fit's residual scatter,
    sqrt(reduced chi^2) (``sigma_source = "residuals"``).

    The walkers start in a small ball (0.3 sigma) around the least-squares optimum of :func:`fit`, which is
    run first (its values and errors are reported for comparison).

    Parameters
    ----------
    sample, mode, x, y, names, quantity, sigma, bounds, x_range, rtol
        As for :func:`fit`.
    marginalize : bool
        Sample the fixed inputs with errors as nuisance parameters.
    sampling : Sampling, optional
        The sampler's settings as one record (:class:`Sampling`: ``walkers``, ``steps``, ``burn``, ``thin``, ``seed``,
        ``max_evaluations``, below); each may also be given by keyword, put into it.
    walkers : int, optional
        Number of walkers, >= 2 n_dim (default max(8, 4 n_dim)).
    steps, burn : int
        Steps per walker, and how many of the first are discarded (0 <= burn < steps).
    thin : int, optional
        Keep every thin-th step in ``chain`` (default: half the autocorrelation time, at least 1, and so that
        ``chain`` holds at most 20000 samples).  The percentiles use every step after the burn-in.
    seed : int
        Seeds the walkers' start and the sampler.
    max_evaluations : int
        Refuse more than walkers * steps model evaluations (raise it to run longer).
    progress : ``callable(done, total)``, optional
        Called after every step of the ensemble (total = steps).
    """
    emcee = _emcee()
    options = {"quantity": quantity, "sigma": sigma, "bounds": bounds, "x_range": x_range, "rtol": rtol}
    prob = Problem(sample, mode, x, y, names, progress=None, **options)
    if progress is not None and not callable(progress):
        raise InputError("progress= must be a function progress(done, total) or None")
    nuisance = prob.fixed if marginalize else ()
    ndim = len(prob.names) + len(nuisance)
    found = Sampling.of(sampling, sampler)
    walkers, thin = found.walkers, found.thin
    steps = _checks.count(found.steps, "steps=", 1)
    burn = _checks.count(found.burn, "burn=", 0)
    if burn >= steps:
        raise InputError(f"burn= ({burn}) must be smaller than steps= ({steps})")
    walkers = max(8, 4 * ndim) if walkers is None else _checks.count(walkers, "walkers=", 2 * ndim)
    if thin is not None:
        thin = _checks.count(thin, "thin=", 1)
    seed = _checks.count(found.seed, "seed=", 0)
    max_evaluations = _checks.count(found.max_evaluations, "max_evaluations=", 1)
    if walkers * steps > max_evaluations:
        raise InputError(
            f"walkers={walkers} x steps={steps} needs {walkers * steps} model evaluations "
            f"(limit {max_evaluations}; raise it with max_evaluations=)"
        )

    best = fit(sample, mode, x, y, names, **options)  # the least-squares optimum: the walkers' start
    notes = list(best.notes)
    if best.sigma_source == "residuals":
        prob.weight = np.full_like(prob.y, 1.0 / math.sqrt(best.reduced_chi2))
        notes.append(f"noise taken from the least-squares residuals: sigma = {math.sqrt(best.reduced_chi2):.4g}")
    lo, hi = np.log(prob.lo), np.log(prob.hi)
    params_now = prob.sample.parameters()
    x0 = np.array([params_now[n] for n in nuisance])
    sx = prob.fixed_sigma[: len(nuisance)]
    n_fit = len(prob.names)

    interrupted: list[bool] = []

    def log_prob(v: NDArray[np.float64]) -> float:
        theta, ln_x = v[:n_fit], v[n_fit:]
        if (theta < lo).any() or (theta > hi).any():
            return -math.inf
        extra = {}
        prior = 0.0
        if nuisance:
            xv = np.exp(ln_x)
            prior = float(np.sum(-0.5 * ((xv - x0) / sx) ** 2 + ln_x))  # Gaussian in x, + ln x: the Jacobian to ln x
            extra = {n: float(val) for n, val in zip(nuisance, xv, strict=True)}
        if interrupted:
            return -math.inf
        try:
            r = prob.residual_theta(theta, extra)
        except ConvergenceError:  # a failed model evaluation is a point the chain must not go to
            return -math.inf
        except KeyboardInterrupt:
            # emcee prints a traceback for any exception raised inside the log-probability before re-raising
            # it: note the interrupt here and raise it from the sampling loop below, outside emcee's wrapper.
            interrupted.append(True)
            return -math.inf
        return prior - 0.5 * float(r @ r)

    rng = np.random.default_rng(seed)
    theta_err = best.error_statistical / best.values
    centre = np.concatenate([np.log(best.values), np.log(x0)])
    width = np.concatenate([np.maximum(theta_err, 1e-6), np.maximum(sx / x0, 1e-6)]) * 0.3
    start = centre + width * rng.standard_normal((walkers, ndim))
    start[:, :n_fit] = np.clip(start[:, :n_fit], lo + 1e-9, hi - 1e-9)

    sampler = emcee.EnsembleSampler(walkers, ndim, log_prob)
    state = emcee.State(start, random_state=np.random.RandomState(seed).get_state())
    for i, _ in enumerate(sampler.sample(state, iterations=steps)):
        if interrupted:
            raise KeyboardInterrupt
        if progress is not None:
            progress(i + 1, steps)

    flat = np.exp(sampler.get_chain(discard=burn, flat=True))
    tau = np.full(ndim, np.nan)
    try:
        tau = np.asarray(sampler.get_autocorr_time(discard=burn), dtype=float)
    except emcee.autocorr.AutocorrError:
        rough = np.asarray(sampler.get_autocorr_time(discard=burn, tol=0), dtype=float)
        notes.append(
            f"the chain ({steps - burn} steps after the burn-in) is shorter than 50 autocorrelation times "
            f"(rough estimate {np.nanmax(rough):.3g} steps): the autocorrelation time is not reported; run longer"
        )
    if thin is None:
        thin = max(1, int(np.nanmax(tau) / 2)) if np.isfinite(tau).any() else 1
        thin = max(thin, math.ceil(flat.shape[0] / 20000))
    chain = np.exp(sampler.get_chain(discard=burn, thin=thin, flat=True))
    p16, median, p84 = np.percentile(flat, [15.865, 50.0, 84.135], axis=0)
    return PosteriorResult(
        names=tuple(prob.names) + tuple(nuisance),
        nuisance=tuple(nuisance),
        median=median,
        p16=p16,
        p84=p84,
        error_minus=median - p16,
        error_plus=p84 - median,
        chain=chain,
        acceptance_fraction=float(np.mean(sampler.acceptance_fraction)),
        autocorrelation_time=tau,
        least_squares_values=np.array(best.values),
        least_squares_errors=np.array(best.error),
        least_squares_errors_statistical=np.array(best.error_statistical),
        walkers=walkers,
        steps=steps,
        burn=burn,
        thin=int(thin),
        seed=seed,
        sigma_source=best.sigma_source,
        mode=prob.mode,
        quantity=prob.quantity,
        notes=tuple(notes),
    )
