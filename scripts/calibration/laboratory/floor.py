"""The inter-laboratory floor: one paper's value predicted by the median of the other papers that measured the same
pair (the limit of any estimate that knows nothing of the sample)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import ClassVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from kapitza import _checks
from kapitza.errors import InputError
from kapitza.io.results import result
from kapitza.prediction.scoring import check_scored, median_factor, within_2

#: The temperature window of the floor (K): room temperature, where most pairs were measured by several papers.
FLOOR_WINDOW = (250.0, 350.0)


@result
class InterlabFloor:
    """One paper's value predicted by the median of the other papers that measured the same pair.

    Attributes
    ----------
    values, pairs : int
        Paper values scored (a paper's median over its rows in the window) and the pairs they belong to.
    median_factor : float
        10 ** (median |log10(paper / median of the other papers)|).
    within_2 : float
        Share within a factor 2.
    paper, pair : tuple of str
        The scored papers and their pairs.
    error : ndarray
        log10(paper / others' median) of each, decades.
    window : tuple of float
        K.
    """

    values: int
    pairs: int
    median_factor: float
    within_2: float
    paper: tuple[str, ...]
    pair: tuple[str, ...]
    error: NDArray[np.float64]
    window: tuple[float, float]

    _summary_fields: ClassVar[tuple[str, ...]] = ("values", "pairs", "median_factor", "within_2")

    def __post_init__(self) -> None:
        values = _checks.count(self.values, "values", 0)
        _checks.labels(self.paper, "paper", values)
        _checks.labels(self.pair, "pair", values)
        pairs = _checks.count(self.pairs, "pairs", 0)
        if pairs != len(set(self.pair)) or 2 * pairs > values:
            raise InputError(
                f"pairs ({pairs}) must be the distinct pairs of the values ({len(set(self.pair))}), each measured by "
                "two papers or more"
            )
        check_scored(_checks.factor(self.median_factor, "median_factor", nan=True), "median_factor", values)
        check_scored(_checks.fraction(self.within_2, "within_2", nan=True), "within_2", values)
        _checks.number_array(_checks.sized(self.error, "error", (values,)), "error", "decades")
        if np.shape(self.window) != (2,):
            raise InputError(f"window must be two temperatures (K), got {self.window!r}")
        low, high = (_checks.non_negative(t, "window", "K") for t in self.window)
        if low > high:
            raise InputError(f"window must run from low to high, got {low:g}-{high:g} K")


def paper_values(
    measured: ArrayLike,
    temperature: ArrayLike,
    pair: Sequence[str],
    paper: Sequence[str],
    window: tuple[float, float] = FLOOR_WINDOW,
) -> dict[str, dict[str, float]]:
    """Per pair, per paper: the median of the paper's measurements inside ``window`` (K), W m^-2 K^-1."""
    g = np.asarray(measured, dtype=float)
    t = np.asarray(temperature, dtype=float)
    collected: dict[str, dict[str, list[float]]] = {}
    for i in np.flatnonzero((t >= window[0]) & (t <= window[1]) & np.isfinite(g) & (g > 0)):
        collected.setdefault(str(pair[i]), {}).setdefault(str(paper[i]), []).append(float(g[i]))
    return {a: {p: float(np.median(v)) for p, v in byp.items()} for a, byp in collected.items()}


def interlaboratory_floor(
    measured: ArrayLike,
    temperature: ArrayLike,
    pair: Sequence[str],
    paper: Sequence[str],
    window: tuple[float, float] = FLOOR_WINDOW,
) -> InterlabFloor:
    """The floor of any estimate that knows nothing of the sample: each paper's median in ``window`` predicted by
    the median of the other papers' medians for the same pair (pairs measured by two papers or more)."""
    values = paper_values(measured, temperature, pair, paper, window)
    papers, pairs, errors = [], [], []
    for a, byp in values.items():
        if len(byp) < 2:
            continue
        for p, v in byp.items():
            others = [w for q, w in byp.items() if q != p]
            papers.append(p)
            pairs.append(a)
            errors.append(math.log10(v / float(np.median(others))))
    e = np.array(errors, dtype=float)
    return InterlabFloor(
        values=len(errors), pairs=len(set(pairs)), median_factor=median_factor(e), within_2=within_2(e),
        paper=tuple(papers), pair=tuple(pairs), error=np.array(errors, dtype=float), window=window,
    )  # fmt: skip
