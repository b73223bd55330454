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

The block-average error is the one reported; the inefficiency is a cross-check printed beside it.  Neither is
the regression error of a cumulative curve, whose points share all earlier noise and whose error is therefore
far too small.
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
