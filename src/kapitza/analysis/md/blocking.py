"""The standard error of the mean of a correlated series: block averages, with the statistical inefficiency beside it.

Two estimators, both for a stationary series x_1..x_N (e.g. the power a thermostat bath exchanges per sampling
interval, whose samples are correlated over the bath's relaxation time):

* **Block averages** (Flyvbjerg & Petersen, J. Chem. Phys. 91, 461 (1989)): the series is cut into n_b
  contiguous blocks of B samples; once B is much longer than the correlation time the block means are
  independent and the error of the mean is std(block means, ddof=1) / sqrt(n_b).  Unless the number of blocks
  is given, B is chosen by the criterion of Lee, Kim, Needs & Foulkes (Phys. Rev. E 83, 066706 (2011), Eq. 13,
  after Wolff): the smallest power of two with B^3 > 2 N (sigma_B / sigma_1)^4, where sigma_B is the
  block-average error with blocks of B samples.  The block count never falls below :data:`MIN_BLOCKS` (the
  error of an error from n_b blocks is ~1/sqrt(2 (n_b - 1))); when the criterion asks for fewer blocks the
  result says it is not converged.
* **Statistical inefficiency** g = 1 + 2 sum_t (1 - t/N) C(t) (the integrated autocorrelation time in samples,
  times two, plus one), summed until the normalised autocorrelation C(t) first drops to zero or below
  (Chodera, Swope, Pitera, Seok & Dill, J. Chem. Theory Comput. 3, 26 (2007), Eq. 20; as in pymbar's
  ``statisticalInefficiency``); error of the mean sqrt(g var(x) / N).

The error of a mean that every NEMD number of kapitza states (:func:`correlated_mean`: the bath flux, the jump
at each interface, G of one run) is a third estimator, built for the short series a run gives (10 to a few
hundred blocks) and calibrated on them:

* **Integrated autocorrelation time** tau_int = 1/2 + sum_{t>=1} C(t) (Sokal, "Monte Carlo methods in
  statistical mechanics: foundations and new algorithms", in *Functional Integration*, Plenum 1997, pp. 131-192;
  the variance of the mean of N correlated samples is 2 tau_int var(x) / N), with the sum cut by Geyer's initial
  monotone sequence (C. J. Geyer, Statist. Sci. 7, 473 (1992)): the pairs C(2k) + C(2k+1) are summed while
  positive, each no larger than the one before.  Unlike a cut at the first C(t) <= 0, the pairs keep a negative
  lag-1 correlation, which the per-block flux of the bath tallies has (energy a block stores in the crystal is
  released in the next: consecutive blocks are anticorrelated), so g = 2 tau_int may fall below 1.
* **Bias of the autocorrelation**: every autocovariance of the mean-subtracted series is low by the variance of
  that mean, g var(x) / N, to first order (Bartlett, J. R. Stat. Soc. Suppl. 8, 27 (1946)); C(t) is corrected once,
  C(t) (1 - g/N) + g/N with the first estimate of g, before the sum is taken again (on 10-20 samples the
  uncorrected sum is ~25 % low for independent samples).
* **Bias of the variance**: the sample variance of a correlated series is low by the variance of its own mean,
  E[s_0^2] = var(x) (1 - g / N) (s_0 with 1/N; e.g. Janke, NIC Series 10, 423 (2002)), so the error of the mean
  is sqrt(g s_0^2 / (N - g)), which is s_1 / sqrt(N) (s_1 with 1/(N - 1)) for independent samples.
* **Small samples**: the error is itself estimated from N / g effective samples; it is multiplied by the
  84.13 % quantile of Student's t with N / g - 1 degrees of freedom (1.84 for 2 effective samples, 1.20 for 4,
  1.05 for 10), so that one stated sigma holds the mean 68 % of the time also where few blocks are independent.

On AR(1) series of 20 to 200 samples with lag-1 correlations from -0.3 to 0.6 this covers the mean 63-70 % of the
time (``tests/analysis/md/test_correlated_error.py``; the plain standard error covers 38 % at 0.6, 82 % at -0.3).
No estimator from inside one run sees a correlation longer than the run: where the monotone sequence never turns
non-positive, or fewer than :data:`MIN_EFFECTIVE_SAMPLES` blocks are independent, the result says it is not
converged.  Neither estimator is the regression error of a cumulative curve, whose points share all earlier noise
and whose error is therefore far too small.
"""

from __future__ import annotations

import math
from typing import ClassVar

import numpy as np
from numpy.typing import ArrayLike

from ...errors import InputError
from ...io.results import result

#: Fewest blocks an error is taken over (the error of the error is then ~27 %).
MIN_BLOCKS = 8
#: Fewest effective (independent) samples of a converged :func:`correlated_mean`; below, the error of the error is
#: over ~35 % and the correlation time a sizeable part of the series.
MIN_EFFECTIVE_SAMPLES = 5
#: The smallest statistical inefficiency accepted from a series: the per-block bath flux is anticorrelated (g ~ 0.6
#: on 1 ps blocks of SW Si|Ge), but a lag-1 correlation of -1/2 or less estimated from 10-50 blocks is noise far more
#: often than physics (its standard error is ~1/sqrt(n)), and an error shrunk by it would be several times too small.
MIN_INEFFICIENCY = 0.5
#: The smallest inefficiency of a telescoping series (:func:`correlated_mean`): a rate per block whose samples carry
#: a stored amount that cancels in the mean (the bath power per block: energy the crystal stores in one block and
#: releases in the next), for which g = 1 + 2 C(1) near 0 is physics (g ~ 0.4 for LJ on 10 tau blocks, measured
#: over 40 seeds on the calibration page).
MIN_INEFFICIENCY_TELESCOPING = 0.1
#: The probability within one standard deviation of a Gaussian's mean, on either side: Phi(1) = 0.8413.
ONE_SIGMA_QUANTILE = 0.5 * (1.0 + math.erf(1.0 / math.sqrt(2.0)))


def t_factor(dof: float) -> float:
    """The Student-t factor of a one-sigma interval with ``dof`` degrees of freedom: the 84.13 % quantile of t.

    A mean of n independent samples with the sample standard error s / sqrt(n) is covered 68.27 % of the time by
    t_factor(n - 1) s / sqrt(n) (Student, Biometrika 6, 1 (1908)): 1.837 for n = 2, 1.321 for 3, 1.197 for 4, ->
    1 for large n.  ``dof`` may be fractional (an effective number of samples); below 1 it is taken as 1.
    """
    from scipy.stats import t as student_t

    return float(student_t.ppf(ONE_SIGMA_QUANTILE, max(float(dof), 1.0)))


@result
class BlockAverage:
    """The mean of a correlated series and its standard error from block averages.

    Attributes
    ----------
    mean : float
        Mean of the block means (the samples used; unit of the series).
    err : float
        std(block means, ddof=1) / sqrt(n_blocks).
    n_blocks, block_size : int
        Blocks used and samples per block (n_blocks * block_size samples; the leading remainder is dropped).
    n_samples : int
        Samples in the series.
    converged : bool
        False when the Lee et al. criterion asked for blocks so long that fewer than :data:`MIN_BLOCKS` remain:
        the series is correlated over a sizeable part of its length and the error is a lower bound.
    inefficiency : float
        Statistical inefficiency g (samples per independent sample; 1 for uncorrelated samples).
    err_inefficiency : float
        sqrt(g var / N): the error of the mean from the inefficiency, beside the block error.
    method : str
        In words: blocks, their size and how it was chosen.
    """

    mean: float
    err: float
    n_blocks: int
    block_size: int
    n_samples: int
    converged: bool
    inefficiency: float
    err_inefficiency: float
    method: str

    _summary_fields: ClassVar[tuple[str, ...]] = ("mean", "err", "n_blocks", "block_size", "inefficiency")


def statistical_inefficiency(x: ArrayLike) -> float:
    """g = 1 + 2 sum_{t=1}^{N-1} (1 - t/N) C(t), stopped where C(t) first <= 0 (Chodera et al. 2007, Eq. 20).

    Returns 1.0 for a constant series (no fluctuation: nothing is correlated).
    """
    a = np.asarray(x, dtype=float)
    n = a.size
    if n < 2:
        raise InputError(f"a statistical inefficiency needs at least 2 samples, got {n}")
    d = a - a.mean()
    var = float(np.dot(d, d) / n)
    if var == 0:
        return 1.0
    size = 1 << (2 * n - 1).bit_length()
    f = np.fft.rfft(d, size)
    acf = np.fft.irfft(f * np.conj(f), size)[:n] / (var * np.arange(n, 0, -1))  # C(t), unbiased per lag
    t = np.arange(1, n)
    c = acf[1:]
    stop = np.nonzero(c <= 0)[0]
    last = int(stop[0]) if stop.size else c.size
    g = 1.0 + 2.0 * float(np.sum((1.0 - t[:last] / n) * c[:last]))
    return max(g, 1.0)


def _block_error(a: np.ndarray, size: int) -> tuple[float, float, int]:
    nb = a.size // size
    means = a[a.size - nb * size :].reshape(nb, size).mean(axis=1)
    err = float(np.std(means, ddof=1) / math.sqrt(nb)) if nb >= 2 else math.nan
    return float(means.mean()), err, nb


def block_average(x: ArrayLike, n_blocks: int | None = None) -> BlockAverage:
    """Mean and standard error of a correlated series by block averages (see the module docstring).

    Parameters
    ----------
    x : array_like, shape (n,)
        The series (any unit), n >= 2 * :data:`MIN_BLOCKS` unless ``n_blocks`` is given.
    n_blocks : int, optional
        Number of blocks (>= 2).  Default: chosen by the Lee et al. criterion, at least :data:`MIN_BLOCKS`.
    """
    a = np.asarray(x, dtype=float)
    if a.ndim != 1 or not np.all(np.isfinite(a)):
        raise InputError("block averages need a 1-d series of finite numbers")
    n = a.size
    g = statistical_inefficiency(a) if n >= 2 else math.nan
    err_g = math.sqrt(g * float(np.var(a, ddof=1)) / n) if n >= 2 else math.nan
    if n_blocks is not None:
        if isinstance(n_blocks, bool) or int(n_blocks) != n_blocks or not 2 <= n_blocks <= n:
            raise InputError(f"the number of blocks must be an integer from 2 to the {n} samples, got {n_blocks!r}")
        size = n // int(n_blocks)
        mean, err, nb = _block_error(a, size)
        return BlockAverage(mean, err, nb, size, n, True, g, err_g, f"{nb} blocks of {size} samples (as given)")
    if n < 2 * MIN_BLOCKS:
        raise InputError(
            f"block averages need at least {2 * MIN_BLOCKS} samples ({MIN_BLOCKS} blocks of 2) to choose the block "
            f"length, got {n}; give the number of blocks"
        )
    sigma1 = _block_error(a, 1)[1]
    size, converged = 1, False
    while n // size >= MIN_BLOCKS:
        err = _block_error(a, size)[1]
        ratio = err / sigma1 if sigma1 > 0 else 1.0
        if size**3 > 2 * n * ratio**4:
            converged = True
            break
        size *= 2
    if not converged:
        size = n // MIN_BLOCKS
    mean, err, nb = _block_error(a, size)
    how = (
        "Lee et al. criterion"
        if converged
        else (
            f"the Lee et al. criterion wants fewer than {MIN_BLOCKS} blocks: correlated over much of the series, "
            "the error is a lower bound"
        )
    )
    return BlockAverage(mean, err, nb, size, n, converged, g, err_g, f"{nb} blocks of {size} samples ({how})")


@result
class CorrelatedMean:
    """The mean of a correlated series and its error, from the integrated autocorrelation time (module docstring).

    Attributes
    ----------
    mean : float
        Mean of the series (its unit).
    err : float
        The stated one-sigma error of the mean: t_factor * sqrt(g s_0^2 / (n - g)); 0 for a constant series.
    n_samples : int
        Samples (blocks) in the series.
    inefficiency : float
        g = 2 tau_int, samples per independent sample (1 for independent samples, below 1 for anticorrelated).
    tau_int : float
        The integrated autocorrelation time, in samples (g / 2).
    n_effective : float
        n / g, the number of effectively independent samples.
    t_factor : float
        The Student-t factor for n_effective - 1 degrees of freedom (:func:`t_factor`).
    converged : bool
        False when the correlation is not resolved inside the series: the monotone sequence of autocorrelation pairs
        never turned non-positive, or fewer than :data:`MIN_EFFECTIVE_SAMPLES` samples are independent.  The error
        is then a lower bound.
    blocking : tuple of (int, float, float)
        The Flyvbjerg-Petersen curve beside it: (block size, standard error of the block means, its own error
        err / sqrt(2 (n_blocks - 1))) for block sizes 1, 2, 4, ... with at least 4 blocks; it rises to a plateau
        at the correlated error (a check, not the stated error).
    method : str
        In words.
    """

    mean: float
    err: float
    n_samples: int
    inefficiency: float
    tau_int: float
    n_effective: float
    t_factor: float
    converged: bool
    blocking: tuple[tuple[int, float, float], ...]
    method: str

    _summary_fields: ClassVar[tuple[str, ...]] = ("mean", "err", "n_samples", "inefficiency", "converged")


def _autocorrelation(d: np.ndarray) -> np.ndarray:
    """C(t) of the mean-free series ``d``, each lag's sum divided by its own number of pairs (n - t)."""
    n = d.size
    var = float(np.dot(d, d) / n)
    size = 1 << (2 * n - 1).bit_length()
    f = np.fft.rfft(d, size)
    return np.fft.irfft(f * np.conj(f), size)[:n] / (var * np.arange(n, 0, -1))


def initial_monotone_inefficiency(x: ArrayLike, *, telescoping: bool = False) -> tuple[float, bool]:
    """(g, resolved): g = 2 tau_int = -1 + 2 sum_k Gamma_k, Gamma_k = C(2k) + C(2k+1), summed while Gamma_k > 0 and
    each Gamma_k no larger than the one before (Geyer, Statist. Sci. 7, 473 (1992), the initial monotone sequence
    estimator), after one step of the correction for the subtracted mean (below).  ``resolved`` is False when the
    sequence ran to the end of the series without turning non-positive.  A constant series gives (1, True).  g is
    floored at :data:`MIN_INEFFICIENCY`; with ``telescoping`` (a rate whose samples carry a stored amount that
    cancels in the mean, :func:`correlated_mean`) at :data:`MIN_INEFFICIENCY_TELESCOPING`, and the pairs after the
    first count only above their noise, 1 / sqrt(n)."""
    a = np.asarray(x, dtype=float)
    n = a.size
    if n < 2:
        raise InputError(f"an autocorrelation time needs at least 2 samples, got {n}")
    d = a - a.mean()
    if _constant(a):
        return 1.0, True
    c = _autocorrelation(d)
    noise = 1.0 / math.sqrt(n) if telescoping else 0.0
    g, _ = _monotone_sum(c, n, noise)
    # the mean subtracted from the series lowers every autocovariance by the variance of that mean, g var / n, to
    # first order (Bartlett, J. R. Stat. Soc. Suppl. 8, 27 (1946)): one step of that correction, C(t) (1 - g/n) + g/n
    corrected = c * (1.0 - g / n) + g / n
    corrected[0] = 1.0
    g, resolved = _monotone_sum(corrected, n, noise)
    return max(g, MIN_INEFFICIENCY_TELESCOPING if telescoping else MIN_INEFFICIENCY), resolved


def _monotone_sum(c: np.ndarray, n: int, noise: float = 0.0) -> tuple[float, bool]:
    """-1 + 2 sum of the initial monotone sequence of pairs C(2k) + C(2k+1), and whether it turned non-positive (or,
    after the first pair, fell to ``noise``)."""
    pairs = (n - 1) // 2
    gamma = c[0 : 2 * pairs : 2] + c[1 : 2 * pairs + 1 : 2] if pairs else c[:1]
    total, previous, resolved = 0.0, math.inf, False
    for k, value in enumerate(gamma):
        if value <= (noise if k else 0.0):
            resolved = True
            break
        previous = min(float(value), previous)
        total += previous
    return -1.0 + 2.0 * total, resolved


def _constant(a: np.ndarray) -> bool:
    """True when the series does not fluctuate beyond round-off (a noise-free input: nothing is correlated)."""
    return bool(np.ptp(a) <= 1e-12 * max(float(np.max(np.abs(a))), np.finfo(float).tiny))


def blocking_curve(x: ArrayLike, min_blocks: int = 4) -> tuple[tuple[int, float, float], ...]:
    """The Flyvbjerg-Petersen blocking curve (J. Chem. Phys. 91, 461 (1989)): for block sizes 1, 2, 4, ... with at
    least ``min_blocks`` blocks, (size, standard error of the block means, that error / sqrt(2 (n_blocks - 1))).
    The blocks are taken from the end of the series (a leading remainder is dropped)."""
    a = np.asarray(x, dtype=float)
    out = []
    size = 1
    while a.size // size >= max(min_blocks, 2):
        _, err, nb = _block_error(a, size)
        out.append((size, err, err / math.sqrt(2.0 * (nb - 1))))
        size *= 2
    return tuple(out)


def correlated_mean(x: ArrayLike, *, independent: bool = False, telescoping: bool = False) -> CorrelatedMean:
    """Mean and stated one-sigma error of a correlated series (see the module docstring).

    Parameters
    ----------
    x : array_like, shape (n,)
        The series (any unit), n >= 2, finite.
    independent : bool
        Take the samples as independent (g = 1), e.g. block means the user chose to be long enough; the bias
        correction and the t factor (n - 1 degrees of freedom) still apply.
    telescoping : bool
        The series is a rate per sample that carries the change of a stored amount, x_b = q_b - (S_b - S_{b-1}),
        so that the stored part cancels in the mean (the power a thermostat exchanges per block: what the crystal
        stores in one block it gives back in the next).  Its lag-1 anticorrelation, -var(S) / var(x), is then
        physics and g = 1 + 2 C(1) may approach 0: g is floored at :data:`MIN_INEFFICIENCY_TELESCOPING` instead of
        :data:`MIN_INEFFICIENCY`, and the pairs after the first count only above their own noise 1 / sqrt(n)
        (Bartlett's standard error of an autocorrelation), which otherwise add positive noise to a sum that should
        stop at the first lag.  On such series with 10-50 samples this covers 0.63-0.76 where the default covers up
        to 0.93 (``tests/analysis/md/test_correlated_error.py``).
    """
    a = np.asarray(x, dtype=float)
    if a.ndim != 1 or not np.all(np.isfinite(a)):
        raise InputError("the error of a mean needs a 1-d series of finite numbers")
    n = a.size
    if n < 2:
        raise InputError(f"the error of a mean needs at least 2 samples, got {n}")
    mean = float(a.mean())
    curve = blocking_curve(a)
    s0 = float(np.var(a))
    if independent:
        g, resolved = 1.0, True
    else:
        g, resolved = initial_monotone_inefficiency(a, telescoping=telescoping)
    n_eff = n / g
    factor = t_factor(n_eff - 1.0)
    if s0 == 0 or _constant(a):
        err = 0.0
    else:
        err = factor * math.sqrt(g * s0 / max(n - g, 1.0))
    converged = bool(resolved and n_eff >= MIN_EFFECTIVE_SAMPLES and n - g > 1.0)
    if independent:
        how = f"{n} samples taken as independent; x Student-t factor {factor:.3g} ({n - 1} degrees of freedom)"
    else:
        how = (
            f"{n} samples, integrated autocorrelation time {g / 2:.3g} samples (statistical inefficiency {g:.3g}, "
            f"{n_eff:.3g} effective samples; Sokal, Geyer's initial monotone sequence"
            + ("; a telescoping rate" if telescoping else "")
            + f"), bias-corrected, x Student-t factor {factor:.3g}"
        )
        if not converged:
            why = (
                "the autocorrelation does not decay within the series"
                if not resolved
                else f"fewer than {MIN_EFFECTIVE_SAMPLES} effective samples"
            )
            how += f"; not converged ({why}): the error is a lower bound"
    return CorrelatedMean(
        mean=mean,
        err=float(err),
        n_samples=int(n),
        inefficiency=float(g),
        tau_int=float(g / 2),
        n_effective=float(n_eff),
        t_factor=float(factor),
        converged=converged,
        blocking=curve,
        method=how,
    )
