r"""Interfacial conductance from equilibrium fluctuations (EMD), on arrays from any simulation.

Physics
-------
Two bodies A and B exchange heat through an interface of area :math:`A` in a closed
(microcanonical) system.  Domingues, Volz, Joulain & Greffet, Phys. Rev. Lett. 94,
085901 (2005) give the conductance as a Green-Kubo integral of the power
:math:`Q(t)` exchanged between them,

.. math:: G = \frac{1}{A k_B T^2} \int_0^\infty \langle Q(t) Q(0) \rangle \, dt .

In a finite closed system the running integral :math:`I(t) = \int_0^t \langle QQ
\rangle` rises to a plateau and then decays to zero, because the fluctuation
:math:`\Delta T = T_A - T_B` it builds relaxes: Rajabpour & Volz, J. Appl. Phys.
108, 094324 (2010), describe this with two lumped heat capacities,
:math:`C_A \dot T_A = -G A (T_A - T_B) + \xi`, whose energy fluctuation
:math:`\delta E_A` is an Ornstein-Uhlenbeck process with relaxation time
:math:`\tau = C_A C_B / ((C_A + C_B) G A)`.  In that model, exactly,

.. math:: I(t) = \tfrac12 \frac{d}{dt}\langle (E_A(t) - E_A(0))^2 \rangle
          = k_B T^2 G A \, e^{-t/\tau}
          \qquad (t \gg \text{the microscopic correlation time}),

so the conductance is the plateau *extrapolated back to t = 0* along the exponential,
and equally :math:`G = C_{\rm eff} / (\tau A)` with :math:`C_{\rm eff} = C_A C_B/(C_A+C_B)`
measured from the fluctuation amplitude itself (:math:`\langle \delta E_A^2\rangle_{\rm slow}
= k_B T^2 C_{\rm eff}`): the Domingues integral and the Rajabpour decay time are one
estimator here.

What is computed
----------------
``energy_a`` is :math:`E_A(t)` (kinetic + potential energy of side A, sampled every
``sample_interval``), one series per independent run.  Since in NVE side A's energy
changes only by exchange with B, :math:`Q = -dE_A/dt`; we use the Helfand form: the
mean squared displacement :math:`M(t) = \langle (E_A(t) - E_A(0))^2 \rangle` (no mean
subtraction, hence no bias from a finite run), whose half-derivative is the running
integral of :math:`\langle QQ \rangle` (the discrete identity holds exactly with
:math:`Q` the finite difference over one sample).  On a window :math:`[t_1, t_2]`
after the plateau is reached, each run's :math:`M(t)` is fitted by
:math:`M_\infty - 2B e^{-t/\tau}` (linear in :math:`M_\infty, B` for each
:math:`\tau`; :math:`\tau` by a bounded 1-D search), giving that run's
:math:`G = B / (\tau k_B T^2 A)` (reported per run).  The reported G is the fit of the runs'
pooled curve, jackknife-corrected over runs (runs are independent: re-drawn velocities).  Its
error is the half-width of the 68.3 % jackknife *t*-interval: the jackknife standard error times
the 84.13 % quantile of Student's t with n_runs - 1 degrees of freedom (Tukey, Ann. Math. Statist.
29, 614 (1958): the pseudo-values are about t-distributed), 1.08 for 8 runs, 1.20 for 4, so that
one stated sigma covers the truth 68 % of the time also for few runs (the bare standard error
covers 53 % with 4 runs and 57-65 % with 8 on the three-body generator of
``scripts/calibration/emd.py``).  Fewer than :data:`MIN_RUNS_CLAIMED` runs carry a warning.

The window is chosen automatically on the runs' pooled :math:`M(t)` (and reported):
iterate :math:`t_1 = \max(\tau/5, t_{\rm peak})`, :math:`t_2 = t_1 + 3\tau`, where
:math:`t_{\rm peak}` is the time of the running integral's maximum (the end of its
rise) within :math:`\tau/2`; ``window=(t1, t2)`` overrides it.

Units: those of the data (``units="lj"``: energy epsilon, time tau, area sigma^2,
temperature epsilon/k_B, G in k_B/(tau sigma^2); ``"metal"``: eV, ps, Angstrom^2, K;
``"real"``: kcal/mol, fs, Angstrom^2, K; ``"si"``: J, s, m^2, K).  G is also given in
W m^-2 K^-1 where the unit system has an SI meaning.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import ClassVar

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.optimize import minimize_scalar
from scipy.stats import t as student_t

from ..._checks import positive
from ...errors import InputError
from ...io.results import result
from ...units import AVOGADRO, EV, KB
from .units import unit_system

#: k_B in each unit system's energy per temperature unit (LJ: 1 by definition; real: kcal/mol per K, with
#: 1 kcal = 4184 J, the thermochemical calorie, and N_A from kapitza.units).
BOLTZMANN = {"lj": 1.0, "metal": KB / EV, "real": KB / (4184.0 / AVOGADRO), "si": KB}
#: Fewest samples a run may have.
MIN_SAMPLES = 64
#: Fewer independent runs than this: the error (a t-interval with n_runs - 1 dof) carries a warning.
MIN_RUNS_CLAIMED = 5
#: The probability a stated 1-sigma interval should hold: erf(1/sqrt 2).
ONE_SIGMA = math.erf(1.0 / math.sqrt(2.0))


@result
class EmdConductance:
    """Conductance from equilibrium fluctuations of one side's energy, over independent runs.

    Attributes
    ----------
    G, G_err : float
        Conductance from the pooled fit (jackknife bias-corrected over runs) and the half-width of its
        68.3 % jackknife t-interval over runs (the standard error times t_{n-1}(0.8413); nan for one run),
        in the data's units (``conductance_unit``).
    G_si, G_si_err : float
        The same in W m^-2 K^-1 (nan for LJ reduced units).
    tau, tau_err : float
        Relaxation time of the energy fluctuation (jackknife t-interval over runs, as G), time unit.
    window : (2,) float array
        The fitted lag window (t1, t2), time unit.
    window_auto : bool
        Whether the window was chosen automatically.
    G_runs, tau_runs, temperature_runs : (n_runs,) float arrays
        Each run's G, tau and mean temperature.
    G_pooled : float
        G from one fit of the runs' pooled mean squared displacement (a cross-check of G).
    plateau_max : float
        The running integral's largest value divided by k_B T^2 A: the naive plateau reading, which the
        exponential extrapolation corrects.
    lag : (n_lags,) float array
        Lag times of ``running_integral`` (midpoints of the sample intervals), time unit.
    running_integral : (n_lags,) float array
        Pooled running integral of the power autocorrelation divided by k_B T^2 A: G(t), conductance unit.
    fit_curve : (n_lags,) float array
        The pooled fit's exponential G_pooled * exp(-lag / tau_pooled), for plotting.
    area : float
        Total exchange area (both interfaces of a periodic cell), length unit squared.
    n_runs : int
    units : str
    conductance_unit : str
    method : str
    warnings : tuple of str
    """

    G: float
    G_err: float
    G_si: float
    G_si_err: float
    tau: float
    tau_err: float
    window: NDArray[np.float64]
    window_auto: bool
    G_runs: NDArray[np.float64]
    tau_runs: NDArray[np.float64]
    temperature_runs: NDArray[np.float64]
    G_pooled: float
    plateau_max: float
    lag: NDArray[np.float64]
    running_integral: NDArray[np.float64]
    fit_curve: NDArray[np.float64]
    area: float
    n_runs: int
    units: str
    conductance_unit: str
    method: str
    warnings: tuple[str, ...]

    _summary_fields: ClassVar[tuple[str, ...]] = ("G", "G_err", "tau", "n_runs", "units")


def energy_msd(series: ArrayLike, max_lag: int) -> NDArray[np.float64]:
    """Mean squared displacement <(x(t+m) - x(t))^2> of one evenly sampled series, lags m = 0..max_lag (FFT)."""
    x = np.asarray(series, dtype=float)
    x = x - x.mean()  # M(m) does not depend on the mean; removing it keeps the sums accurate
    n = x.size
    size = 1 << int(math.ceil(math.log2(2 * n)))
    f = np.fft.rfft(x, size)
    corr = np.fft.irfft(f * np.conj(f), size)[: max_lag + 1]  # sum_k x[k+m] x[k]
    sq = x * x
    csum = np.concatenate(([0.0], np.cumsum(sq)))
    m = np.arange(max_lag + 1)
    # sum_{k=0}^{n-m-1} x[k+m]^2 + x[k]^2
    tail = csum[n] - csum[m]
    head = csum[n - m]
    return (tail + head - 2 * corr) / (n - m)


def _fit(lags: NDArray[np.float64], msd: NDArray[np.float64], tau_lo: float, tau_hi: float) -> tuple[float, float]:
    """Fit msd = a - 2 B exp(-lag/tau) on the given lags; return (B, tau)."""

    def linear(tau: float) -> tuple[NDArray[np.float64], float]:
        design = np.column_stack([np.ones_like(lags), -2.0 * np.exp(-lags / tau)])
        coef, *_ = np.linalg.lstsq(design, msd, rcond=None)
        residual = msd - design @ coef
        return coef, float(residual @ residual)

    best = minimize_scalar(
        lambda s: linear(math.exp(s))[1],
        bounds=(math.log(tau_lo), math.log(tau_hi)),
        method="bounded",
        options={"xatol": 1e-6},
    )
    tau = math.exp(float(best.x))
    coef, _ = linear(tau)
    return float(coef[1]), tau


def emd_conductance(
    energy_a: Sequence[ArrayLike],
    sample_interval: float,
    area: float | ArrayLike,
    temperature: float | ArrayLike,
    *,
    units: str = "lj",
    window: tuple[float, float] | None = None,
) -> EmdConductance:
    """G from the energy of one side of an interface in equilibrium (NVE) runs; see the module docstring.

    Parameters
    ----------
    energy_a : sequence of (n_samples,) float arrays
        E_A(t) of each independent run (energy unit of ``units``), sampled every ``sample_interval``; at least
        64 samples each.  Lengths may differ.
    sample_interval : float
        Time between samples (time unit of ``units``: tau, ps, fs or s).
    area : float or (n_runs,) floats
        Total area through which A exchanges heat with B (a periodic cell: twice the cross-section), length
        unit squared.
    temperature : float or (n_runs,) floats
        Mean temperature of each run (epsilon/k_B for LJ, K otherwise).
    units : str
        ``lj``, ``metal``, ``real`` or ``si``.
    window : (t1, t2), optional
        Lag window of the fit (time unit); default: chosen automatically (module docstring).
    """
    system = unit_system(units, "units=")
    kb = BOLTZMANN[system.name]
    if isinstance(energy_a, np.ndarray) and energy_a.ndim == 1:
        raise InputError("energy_a= must be a list of runs (one 1-D array each), got a single 1-D array")
    runs = [np.asarray(e, dtype=float) for e in energy_a]
    if not runs:
        raise InputError("energy_a= holds no runs")
    for i, e in enumerate(runs):
        if e.ndim != 1 or e.size < MIN_SAMPLES:
            raise InputError(f"energy_a= run {i}: need a 1-D series of at least {MIN_SAMPLES} samples, got {e.shape}")
        if not np.all(np.isfinite(e)):
            raise InputError(f"energy_a= run {i} holds NaN or infinite values")
    n_runs = len(runs)
    h = positive(sample_interval, "sample_interval=", "(time unit of the run)")
    areas = _per_run(area, n_runs, "area=")
    temps = _per_run(temperature, n_runs, "temperature=")
    shortest = min(e.size for e in runs)
    max_lag = shortest // 4
    if window is not None:
        t1, t2 = (float(w) for w in window)
        if not (math.isfinite(t1) and math.isfinite(t2) and 0 <= t1 < t2):
            raise InputError(f"window= must be two lag times 0 <= t1 < t2, got {window!r}")
        if t2 > max_lag * h:
            raise InputError(
                f"window= ends at {t2:g}, beyond a quarter of the shortest run ({max_lag * h:g}); "
                "use longer runs or a shorter window"
            )
    warnings: list[str] = []

    msd_runs = np.array([energy_msd(e, max_lag) for e in runs])
    norm = kb * temps**2 * areas  # k_B T^2 A per run
    pooled = np.mean(msd_runs / norm[:, None], axis=0)  # in units where the plateau is G
    lags = np.arange(max_lag + 1) * h
    integral = np.diff(pooled) / (2 * h)
    mid = (np.arange(max_lag) + 0.5) * h
    if not np.any(integral[: max(max_lag // 10, 2)] > 0):
        raise InputError(
            "the energy of side A does not fluctuate like an exchange with B (its running integral is not positive)"
        )

    def window_lags(a: float, b: float) -> NDArray[np.intp]:
        return np.nonzero((lags >= a - 1e-12 * h) & (lags <= b + 1e-12 * h))[0]

    tau_min, tau_max = h / 2, 100.0 * max_lag * h
    if window is None:
        idx = np.arange(1, max_lag + 1)
        _, tau = _fit(lags[idx], pooled[idx], tau_min, tau_max)
        t1 = t2 = 0.0
        for _ in range(30):
            half = mid <= tau / 2
            t_peak = float(mid[half][np.argmax(integral[half])]) if np.any(half) else h
            n1 = max(tau / 5, t_peak, h)
            n2 = min(n1 + 3 * tau, max_lag * h)
            if abs(n1 - t1) < h and abs(n2 - t2) < h:
                break
            t1, t2 = n1, n2
            idx = window_lags(t1, t2)
            if idx.size < 5:
                break
            _, tau = _fit(lags[idx], pooled[idx], tau_min, tau_max)
        if t2 < t1 + 3 * tau - h:
            warnings.append(
                f"runs are short for the relaxation time tau = {tau:.4g}: the window stops at {t2:.4g} "
                f"(a quarter of the shortest run) "
                f"instead of t1 + 3 tau = {t1 + 3 * tau:.4g}; use runs of 12 tau or more"
            )
    idx = window_lags(t1, t2)
    if idx.size < 5:
        raise InputError(
            f"the fit window {t1:g}..{t2:g} holds {idx.size} samples (need 5): sample more often or run longer"
        )
    b_pool, tau_pool = _fit(lags[idx], pooled[idx], tau_min, tau_max)
    g_pool = b_pool / tau_pool

    g_runs = np.empty(n_runs)
    tau_runs = np.empty(n_runs)
    lo, hi = max(tau_pool / 20, tau_min), tau_pool * 20
    for i in range(n_runs):
        b, tau_i = _fit(lags[idx], msd_runs[i, idx], lo, hi)
        tau_runs[i] = tau_i
        g_runs[i] = b / tau_i / norm[i]
    if n_runs > 1:
        # leave-one-run-out fits of the pooled curve: jackknife bias correction and standard error
        scaled = msd_runs[:, idx] / norm[:, None]
        g_minus = np.empty(n_runs)
        tau_minus = np.empty(n_runs)
        for i in range(n_runs):
            rest = (scaled.sum(axis=0) - scaled[i]) / (n_runs - 1)
            b, tau_minus[i] = _fit(lags[idx], rest, lo, hi)
            g_minus[i] = b / tau_minus[i]
        g = float(n_runs * g_pool - (n_runs - 1) * g_minus.mean())
        t_factor = float(student_t.ppf(0.5 + ONE_SIGMA / 2, n_runs - 1))
        g_err = t_factor * float(math.sqrt((n_runs - 1) / n_runs * np.sum((g_minus - g_minus.mean()) ** 2)))
        tau = float(n_runs * tau_pool - (n_runs - 1) * tau_minus.mean())
        tau_err = t_factor * float(math.sqrt((n_runs - 1) / n_runs * np.sum((tau_minus - tau_minus.mean()) ** 2)))
        if n_runs < MIN_RUNS_CLAIMED:
            warnings.append(
                f"{n_runs} runs: the error is a t-interval with {n_runs - 1} degrees of freedom (factor "
                f"{t_factor:.3g} on the jackknife standard error) and is itself uncertain; use "
                f"{MIN_RUNS_CLAIMED} or more independent runs"
            )
    else:
        g, g_err, tau, tau_err = float(g_pool), float("nan"), float(tau_pool), float("nan")
        warnings.append("one run: no error bar (the error is the spread over independent runs)")
    if not g > 0:
        warnings.append(f"G = {g:.4g} is not positive: the runs are too short or the window is wrong")
    to_si = system.flux_to_si
    return EmdConductance(
        G=g,
        G_err=g_err,
        G_si=g * to_si if to_si is not None else float("nan"),
        G_si_err=g_err * to_si if to_si is not None else float("nan"),
        tau=tau,
        tau_err=tau_err,
        window=np.array([t1, t2]),
        window_auto=window is None,
        G_runs=g_runs,
        tau_runs=tau_runs,
        temperature_runs=temps,
        G_pooled=float(g_pool),
        plateau_max=float(np.max(integral)),
        lag=mid,
        running_integral=integral,
        fit_curve=g_pool * np.exp(-mid / tau_pool),
        area=float(np.mean(areas)),
        n_runs=n_runs,
        units=system.name,
        conductance_unit=system.conductance,
        method=(
            "Helfand form of the Domingues et al. (2005) integral, exponential (Rajabpour & Volz 2010 lumped "
            "model) fit of <(E_A(t)-E_A(0))^2> on the window, extrapolated to t = 0; jackknife over "
            "independent runs"
        ),
        warnings=tuple(warnings),
    )


def _per_run(value: float | ArrayLike, n_runs: int, option: str) -> NDArray[np.float64]:
    arr = np.asarray(value, dtype=float)
    if arr.ndim == 0:
        arr = np.full(n_runs, float(arr))
    if arr.shape != (n_runs,):
        raise InputError(f"{option} must be one number or one per run ({n_runs}), got shape {arr.shape}")
    if not np.all(np.isfinite(arr) & (arr > 0)):
        bad = float(arr[~(np.isfinite(arr) & (arr > 0))][0])
        raise InputError(f"{option} must be positive and finite, got {bad:g}")
    return arr
