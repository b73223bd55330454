"""How close estimates lie to measurements: the one set of rules behind every score kapitza publishes.

Every score of a model against the compilation (``kapitza validate``, the expected measurement's held-out scores,
the calculator and AGF validations, the calibration page) is built from these few rules, defined here once:

* the error of one row is ``r = log10(predicted / measured)`` in decades (:func:`log_ratio`); a row counts only
  where both are finite and > 0;
* the **median factor** is ``10 ** median(|r|)`` (x1.5 means a typical estimate within a factor 1.5 either way),
  the median taken in decades, so that 0.5 and 2 are the same factor 2 (:func:`median_factor`);
* the **median ratio** (the bias) is ``10 ** median(r)``, again in decades: ratios 0.5 and 2 give 1, not their
  arithmetic mean 1.25 (:func:`median_ratio`);
* **within x2** is the share of rows with ``|r| <= log10 2``, inclusive, to :data:`WITHIN_TOLERANCE` decades of
  round-off, so that a ratio of exactly 0.5 or 2 counts as within (:func:`within_2`);
* **by paper**: every paper (the compilation's reference id) weighs the same, each row ``1 / (rows of its
  paper)`` (:func:`paper_weights`), a new user's interface being one more paper; a median or percentile by paper is
  read off the weighted empirical distribution at the middle of each row's weight, linear between rows
  (:func:`weighted_percentiles`, :func:`paper_percentiles`); **by row**, every row weighs the same and the median is
  numpy's.

Before this module (issue 76) five copies computed these with differences: ``calculator_validation`` took the
median of ``max(p/m, m/p)`` and of ``p/m`` in ratio space (for an even count the arithmetic mean of the two middle
values instead of their geometric mean) with a tolerance on the x2 edge, ``validation_stats`` took ``0.5 <= p/m
<= 2`` and the ratio-space median, and ``expected``, ``empirical`` and the inter-laboratory floor took ``|r| <=
log10 2`` without a tolerance.  The rules above are the expected measurement's (the page's headline numbers), with
the inclusive edge of the other two; the numbers that moved are listed in the changelog of 0.17.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import ClassVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .. import _checks
from ..errors import InputError
from ..io.results import result

__all__ = [
    "LOG10_2",
    "WITHIN_TOLERANCE",
    "Score",
    "check_scored",
    "log_ratio",
    "median_error",
    "median_factor",
    "median_ratio",
    "paper_median",
    "paper_percentiles",
    "paper_weights",
    "score",
    "weighted_percentiles",
    "within_2",
]

#: log10 2: the half-width, in decades, of "within a factor 2".
LOG10_2 = math.log10(2.0)
#: Round-off allowed on the edge of "within x2", decades: a ratio of exactly 2 or 0.5 counts as within.
WITHIN_TOLERANCE = 1e-12


def log_ratio(predicted: ArrayLike, measured: ArrayLike) -> NDArray[np.float64]:
    """``log10(predicted / measured)`` of each row, decades; NaN where either is not finite and > 0.

    Parameters
    ----------
    predicted, measured : array_like, shape (n,)
        Conductances in one unit (W m^-2 K^-1), or ratios with ``measured`` = 1.
    """
    p = np.asarray(predicted, dtype=float)
    m = np.asarray(measured, dtype=float)
    if p.shape != m.shape:
        raise InputError(f"predicted and measured need the same shape, got {p.shape} and {m.shape}")
    ok = np.isfinite(p) & (p > 0) & np.isfinite(m) & (m > 0)
    out = np.full(p.shape, np.nan)
    np.log10(p / m, out=out, where=ok)
    return out


def paper_weights(paper: Sequence[str]) -> NDArray[np.float64]:
    """Each row's weight when every paper weighs the same: 1 / (rows of its paper), shape (n,)."""
    names = np.asarray([str(p) for p in paper])
    if names.size == 0:
        return np.zeros(0)
    _, inverse, counts = np.unique(names, return_inverse=True, return_counts=True)
    return 1.0 / counts[inverse]


def weighted_percentiles(values: ArrayLike, weights: ArrayLike, fractions: Sequence[float]) -> tuple[float, ...]:
    """Percentiles of ``values`` with row ``weights`` (>= 0; rows of zero weight left out), one per fraction in
    [0, 1]: read off the weighted empirical distribution at the middle of each row's weight, linear between rows."""
    v, w = np.asarray(values, dtype=float), np.asarray(weights, dtype=float)
    keep = w > 0
    v, w = v[keep], w[keep]
    order = np.argsort(v, kind="stable")
    cum = (np.cumsum(w[order]) - 0.5 * w[order]) / w.sum()
    return tuple(float(np.interp(f, cum, v[order])) for f in fractions)


def paper_percentiles(values: ArrayLike, groups: Sequence[str], fractions: Sequence[float]) -> tuple[float, ...]:
    """Percentiles of ``values`` with every group (paper) weighted equally, one per fraction in [0, 1].

    Each row carries the weight 1 / (rows of its paper) (:func:`paper_weights`); the percentile is read off the
    weighted empirical distribution (:func:`weighted_percentiles`).  A band from these percentiles covers the stated
    share of held-out *papers* (a new user's interface is a new paper), where plain percentiles cover that share of
    rows and leave papers with few rows under-covered.
    """
    return weighted_percentiles(values, paper_weights(groups), fractions)


def paper_median(values: ArrayLike, groups: Sequence[str]) -> float:
    """The median of ``values`` with every group (paper) weighted equally; NaN where there are none."""
    v = np.asarray(values, dtype=float)
    if v.size == 0:
        return math.nan
    return paper_percentiles(v, groups, (0.5,))[0]


def _finite(
    r: ArrayLike, paper: Sequence[str] | None, weights: ArrayLike | None = None
) -> tuple[NDArray[np.float64], NDArray[np.float64] | None]:
    """The finite entries of ``r`` and their weights: 1 / (rows of the paper) with ``paper``, ``weights`` where
    given (one per entry, >= 0), else None (every row the same)."""
    x = np.asarray(r, dtype=float).reshape(-1)
    if paper is not None and weights is not None:
        raise InputError("give paper or weights, not both")
    if paper is not None and len(paper) != x.size:
        raise InputError(f"paper has {len(paper)} entries for {x.size} rows")
    ok = np.isfinite(x)
    if paper is not None:
        return x[ok], paper_weights([str(p) for p, k in zip(paper, ok) if k])
    if weights is not None:
        w = np.asarray(weights, dtype=float).reshape(-1)
        if w.shape != x.shape or np.any(~np.isfinite(w) | (w < 0)):
            raise InputError(f"weights must be {x.size} finite numbers >= 0")
        return x[ok], w[ok]
    return x[ok], None


def _median(x: NDArray[np.float64], w: NDArray[np.float64] | None) -> float:
    if x.size == 0 or (w is not None and not np.any(w > 0)):
        return math.nan
    return float(np.median(x)) if w is None else weighted_percentiles(x, w, (0.5,))[0]


def median_error(r: ArrayLike, paper: Sequence[str] | None = None, *, weights: ArrayLike | None = None) -> float:
    """``median(|r|)`` of the finite log ratios ``r`` (decades; :func:`log_ratio`): by row, by paper with ``paper``
    (one name per entry of ``r``), or with row ``weights`` (a resampling of the papers); NaN without rows."""
    x, w = _finite(r, paper, weights)
    return _median(np.abs(x), w)


def median_factor(r: ArrayLike, paper: Sequence[str] | None = None, *, weights: ArrayLike | None = None) -> float:
    """``10 ** median(|r|)`` (:func:`median_error`) of the finite log ratios ``r`` (decades): by row, by paper with
    ``paper``, or with row ``weights``; NaN without rows."""
    return float(10 ** median_error(r, paper, weights=weights))


def median_ratio(r: ArrayLike, paper: Sequence[str] | None = None) -> float:
    """``10 ** median(r)``, the bias, of the finite log ratios ``r`` (decades): by row, or by paper with ``paper``;
    NaN without rows."""
    x, w = _finite(r, paper)
    return float(10 ** _median(x, w))


def within_2(r: ArrayLike, paper: Sequence[str] | None = None) -> float:
    """The share of the finite log ratios ``r`` (decades) with ``|r| <= log10 2`` (:data:`WITHIN_TOLERANCE`
    inclusive): of the rows, or of the papers' weight with ``paper``; NaN without rows."""
    x, w = _finite(r, paper)
    if x.size == 0:
        return math.nan
    inside = np.abs(x) <= LOG10_2 + WITHIN_TOLERANCE
    return float(np.mean(inside)) if w is None else float(np.sum(w * inside) / w.sum())


@result
class Score:
    """How close estimates lie to measurements, by row and by paper (every paper weighted equally).

    Attributes
    ----------
    rows, papers : int
    median_factor_row, median_factor_paper : float
        10 ** (median |log10(estimate / measured)|), every row or every paper weighted equally
        (:func:`median_factor`).
    within_2_row, within_2_paper : float
        Share within a factor 2 (:func:`within_2`).
    coverage_row, coverage_paper : float
        Share of measurements inside the band (NaN for an estimate without one).
    band_half_width : float
        The band's half-width as a factor, 10 ** (median of log10(high / low) / 2) with every paper weighted equally
        (x2 means a band from G/2 to 2 G about; NaN without a band).
    """

    rows: int
    papers: int
    median_factor_row: float
    median_factor_paper: float
    within_2_row: float
    within_2_paper: float
    coverage_row: float
    coverage_paper: float
    band_half_width: float = math.nan

    _summary_fields: ClassVar[tuple[str, ...]] = ("rows", "papers", "median_factor_paper", "coverage_paper")

    def __post_init__(self) -> None:
        rows, papers = _checks.count(self.rows, "rows", 0), _checks.count(self.papers, "papers", 0)
        if papers > rows or (rows > 0) != (papers > 0):
            raise InputError(f"papers ({papers}) must be from 1 to rows ({rows}), or both 0")
        for name in ("median_factor_row", "median_factor_paper"):
            check_scored(_checks.factor(getattr(self, name), name, nan=True), name, rows)
        for name in ("within_2_row", "within_2_paper"):
            check_scored(_checks.fraction(getattr(self, name), name, nan=True), name, rows)
        for name in ("coverage_row", "coverage_paper"):
            _checks.fraction(getattr(self, name), name, nan=True)
        _checks.factor(self.band_half_width, "band_half_width", nan=True)


def check_scored(value: float, name: str, rows: int) -> None:
    """A statistic of ``rows`` scored rows: a number where there are rows, NaN where there are none."""
    if math.isnan(value) != (rows == 0):
        raise InputError(f"{name} must be a number where rows were scored and NaN where none were ({rows} rows)")


def score(
    estimate: ArrayLike,
    measured: ArrayLike,
    paper: Sequence[str],
    low: ArrayLike | None = None,
    high: ArrayLike | None = None,
) -> Score:
    """Score estimates (W m^-2 K^-1) against measurements on the rows where both are finite and > 0: the median
    factor and the share within x2 by row and by paper, and with ``low`` and ``high`` (the band, W m^-2 K^-1) its
    coverage and half-width."""
    r = log_ratio(estimate, measured)
    groups = [str(p) for p in paper]
    if len(groups) != r.size:
        raise InputError(f"paper has {len(groups)} entries for {r.size} rows")
    ok = np.isfinite(r)
    if not ok.any():
        return Score(rows=0, papers=0, median_factor_row=math.nan, median_factor_paper=math.nan,
                     within_2_row=math.nan, within_2_paper=math.nan, coverage_row=math.nan,
                     coverage_paper=math.nan)  # fmt: skip
    x = r[ok]
    g = [p for p, k in zip(groups, ok) if k]
    coverage, half = (math.nan, math.nan), math.nan
    if low is not None and high is not None:
        m = np.asarray(measured, dtype=float)[ok]
        lo, hi = np.asarray(low, dtype=float)[ok], np.asarray(high, dtype=float)[ok]
        inside = (m >= lo) & (m <= hi)
        w = paper_weights(g)
        coverage = (float(inside.mean()), float(np.sum(w * inside) / w.sum()))
        half = float(10 ** paper_median(0.5 * np.log10(hi / lo), g))
    return Score(
        rows=int(x.size), papers=len(set(g)), median_factor_row=median_factor(x),
        median_factor_paper=median_factor(x, g), within_2_row=within_2(x), within_2_paper=within_2(x, g),
        coverage_row=coverage[0], coverage_paper=coverage[1], band_half_width=half,
    )  # fmt: skip
