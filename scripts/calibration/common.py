"""The one calibration record and the two statistics every estimator is judged by.

A *case* is one family of synthetic data (a generator, its true value, its mis-specification) run
over many seeds.  For each seed the estimator returns ``(estimate, sigma)`` or refuses
(``None``, with the refusal counted).  Over the accepted seeds:

- **1-sigma coverage**: the fraction with ``|estimate - truth| <= sigma``.  For an honest Gaussian
  error bar it is erf(1/sqrt 2) = 0.6827; with n seeds its own standard error is
  sqrt(0.68 * 0.32 / n) (0.033 at n = 200).
- **bias / error**: ``mean(estimate - truth) / median(sigma)``; an estimator whose bias is a
  sizeable fraction of its stated error misleads even when its coverage looks right.

kapitza *claims* a case when it returns a number without a warning for it; a case it does not
claim must be refused or flagged (``expected="refused"`` or ``"flagged"``), and the page says which.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

#: erf(1/sqrt(2)): the probability that a Gaussian lands within one standard deviation.
GAUSS_1SIGMA = math.erf(1.0 / math.sqrt(2.0))
#: The band the issue asks the tests to assert on claimed cases.
COVERAGE_BAND = (0.60, 0.76)


@dataclass(frozen=True)
class CalibrationRow:
    """Coverage and bias of one estimator on one family of synthetic cases.

    Attributes
    ----------
    estimator : str
        What was estimated, e.g. ``"EELS temperature"``.
    case : str
        The generator and its mis-specification, in words.
    truth : str
        The true value(s), with unit, in words (cases may span several truths).
    n : int
        Seeds run.
    accepted : int
        Seeds for which the estimator returned a number (the rest were refused).
    flagged : int
        Accepted seeds whose result carried a warning or an inadequacy verdict.
    coverage : float
        Fraction of accepted seeds with ``|estimate - truth| <= sigma`` (NaN if none accepted).
    bias_over_sigma : float
        ``mean(estimate - truth) / median(sigma)`` over the accepted seeds.
    median_sigma_rel : float
        Median stated error relative to the truth (``sigma / |truth|``), to show the error's size.
    expected : str
        ``"claimed"`` (coverage asserted), ``"flagged"`` (accepted but the result must say it is
        doubtful) or ``"refused"`` (must be refused).
    note : str
        Anything a reader needs: the seed count's own error, why a case is refused.
    """

    estimator: str
    case: str
    truth: str
    n: int
    accepted: int
    flagged: int
    coverage: float
    bias_over_sigma: float
    median_sigma_rel: float
    expected: str = "claimed"
    note: str = ""

    @property
    def within_band(self) -> bool:
        """Coverage inside :data:`COVERAGE_BAND` (only meaningful for claimed cases)."""
        lo, hi = COVERAGE_BAND
        return bool(lo <= self.coverage <= hi)


def summarize(
    estimator: str,
    case: str,
    truth_text: str,
    outcomes: Iterable[tuple[float, float, float, bool] | None],
    expected: str = "claimed",
    note: str = "",
) -> CalibrationRow:
    """Turn per-seed outcomes into a :class:`CalibrationRow`.

    Parameters
    ----------
    outcomes : iterable of ``(estimate, sigma, truth, flagged)`` or ``None``
        One entry per seed; ``None`` means the estimator refused that seed.
    """
    rows = list(outcomes)
    n = len(rows)
    acc = [r for r in rows if r is not None]
    if not acc:
        return CalibrationRow(estimator, case, truth_text, n, 0, 0, math.nan, math.nan, math.nan, expected, note)
    est, sig, tru, flag = (np.array(c, dtype=float) for c in zip(*acc))
    err = est - tru
    cov = float(np.mean(np.abs(err) <= sig))
    med = float(np.median(sig))
    bias = float(np.mean(err) / med) if med > 0 else math.inf
    rel = float(np.median(sig / np.abs(tru))) if np.all(tru != 0) else math.nan
    return CalibrationRow(estimator, case, truth_text, n, len(acc), int(flag.sum()), cov, bias, rel, expected, note)


def run_seeds(
    one: Callable[[int], tuple[float, float, float, bool] | None], n_seeds: int, first_seed: int = 0
) -> list[tuple[float, float, float, bool] | None]:
    """Call ``one(seed)`` for ``n_seeds`` consecutive seeds (a refusal is ``None``)."""
    return [one(first_seed + s) for s in range(n_seeds)]


def paper_weighted(deals: list[dict[str, np.ndarray]]) -> tuple[float, float]:
    """Coverage and bias / median sigma with every paper weighted equally, averaged over deals of the papers into
    folds (each deal: arrays ``est``, ``sig``, ``tru`` and ``paper`` of its held-out rows)."""
    cov, bias, sig = [], [], []
    for d in deals:
        papers, inverse, counts = np.unique(d["paper"], return_inverse=True, return_counts=True)
        w = 1.0 / counts[inverse]
        err = d["est"] - d["tru"]
        cov.append(np.sum(w * (np.abs(err) <= d["sig"])) / papers.size)
        bias.append(np.sum(w * err) / papers.size)
        sig.append(np.median(d["sig"]))
    return float(np.mean(cov)), float(np.mean(bias) / np.median(sig))


def coverage_error(n: int) -> float:
    """Standard error of a measured coverage over ``n`` seeds at the Gaussian value."""
    return math.sqrt(GAUSS_1SIGMA * (1 - GAUSS_1SIGMA) / max(n, 1))


def score_toml_lines(s: Any, coverage: float | None = None) -> list[str]:
    """The TOML lines of a held-out :class:`kapitza.prediction.scoring.Score` as the shipped score files hold them
    (``kapitza predict`` quotes them): rows, papers, the median factors, the within-x2 share, the band's coverage by
    paper (``coverage`` in its place where given: a nested coverage) and by row, and its half-width."""
    return [
        f"rows = {s.rows}",
        f"papers = {s.papers}",
        f"median_factor_paper = {s.median_factor_paper!r}",
        f"median_factor_row = {s.median_factor_row!r}",
        f"within_2_paper = {s.within_2_paper!r}",
        f"coverage_paper = {(s.coverage_paper if coverage is None else coverage)!r}",
        f"coverage_row = {s.coverage_row!r}",
        f"band_half_width = {s.band_half_width!r}",
    ]
