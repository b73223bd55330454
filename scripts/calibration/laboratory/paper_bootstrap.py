"""How much a median factor by paper would move with other papers: the papers resampled with replacement.

The calibration page scores the expected measurement by the median factor 10 ** median |log10(estimate/measured)|
with every paper weighted equally (:func:`kapitza.prediction.scoring.score`), on splits of 17 to 42 papers.  On so
few papers a difference of a few percent between two estimates is within what another draw of papers would give.
This module draws the papers again (the bootstrap over the sampling unit, the paper: Efron & Tibshirani, *An
Introduction to the Bootstrap*, 1993, ch. 6; a paper drawn twice weighs twice, its rows sharing the weight as in the
score) and returns the median factors of each draw, for one estimate or several on the same rows (a paired draw:
the same papers for each, so their ratio's spread is that of the difference, not of either).

The draws' seed and number are fixed (:data:`SEED`, :data:`DRAWS`); an interval is the central 68 % of the draws
(:data:`INTERVAL`), the share the page's bands use.  Measured on made-up compilations of 17 papers that the module
does not assume (``tests/prediction/test_paper_bootstrap.py``: Student-t paper effects, papers of 1-6 rows, rows
correlated within a paper; 300 of them): a factor's interval covered the population's value in 0.677 of them; the
paired ratio's in 0.793 (0.713 on 40 papers): it errs wide on few papers, so a gain whose interval excludes 1 is
the safer for it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

from kapitza.errors import InputError
from kapitza.prediction.scoring import median_factor

__all__ = ["DRAWS", "INTERVAL", "SEED", "factor_draws", "factor_interval", "ratio_interval"]

#: Draws of the papers, and their seed, fixed before any use.
DRAWS = 2000
SEED = 20261128
#: The central share of the draws an interval spans.
INTERVAL = 0.68


def factor_draws(errors: ArrayLike, paper: Sequence[str], draws: int = DRAWS, seed: int = SEED) -> NDArray[np.float64]:
    """The median factor by paper of each estimate in each draw of the papers, shape (draws, k).

    ``errors``: |log10(estimate/measured)| of k estimates on the same n rows, shape (k, n) (or (n,) for one);
    ``paper``: each row's paper.  Rows with a non-finite error in any estimate are left out (the estimates are
    compared on the same rows)."""
    e = np.atleast_2d(np.asarray(errors, dtype=float))
    if e.ndim != 2 or e.shape[1] != len(paper):
        raise InputError(f"errors must hold one value per row of paper ({len(paper)}), got shape {e.shape}")
    if isinstance(draws, bool) or not isinstance(draws, int) or draws < 1:
        raise InputError(f"draws must be an integer >= 1, got {draws!r}")
    ok = np.all(np.isfinite(e), axis=0)
    e = e[:, ok]
    names, inverse, counts = np.unique(np.asarray([str(p) for p in paper])[ok], return_inverse=True,
                                       return_counts=True)  # fmt: skip
    out = np.full((draws, e.shape[0]), math.nan)
    if names.size == 0:
        return out
    rng = np.random.default_rng(seed)
    for d in range(draws):
        times = np.bincount(rng.integers(0, names.size, size=names.size), minlength=names.size)
        w = (times / counts)[inverse]
        out[d] = [median_factor(row, weights=w) for row in e]
    return out


def _central(values: NDArray[np.float64]) -> tuple[float, float]:
    lo, hi = np.nanpercentile(values, [50 * (1 - INTERVAL), 50 * (1 + INTERVAL)])
    return float(lo), float(hi)


def factor_interval(errors: ArrayLike, paper: Sequence[str], draws: int = DRAWS) -> tuple[float, float]:
    """The central :data:`INTERVAL` of one estimate's median factor by paper over the draws (NaN without rows)."""
    found = factor_draws(np.asarray(errors, dtype=float).reshape(1, -1), paper, draws)[:, 0]
    return _central(found) if np.isfinite(found).any() else (math.nan, math.nan)


def ratio_interval(
    errors_new: ArrayLike, errors_old: ArrayLike, paper: Sequence[str], draws: int = DRAWS
) -> tuple[float, float]:
    """The central :data:`INTERVAL` of new / old median factor by paper over paired draws of the papers (the same
    papers for both; NaN without rows): below 1 throughout, the new estimate is better on other papers too."""
    found = factor_draws(np.vstack([np.asarray(errors_new, dtype=float), np.asarray(errors_old, dtype=float)]),
                         paper, draws)  # fmt: skip
    ratio = found[:, 0] / found[:, 1]
    return _central(ratio) if np.isfinite(ratio).any() else (math.nan, math.nan)
