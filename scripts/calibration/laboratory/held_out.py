"""The expected measurement held out: every row predicted by the procedure fitted without its paper (or its whole
pair), and its scores by split and temperature range (the laboratory's, not the package's); and the same folds by
paper predicting from substituted descriptors (:func:`substituted_held_out`: what a query that brings other inputs,
a crystal's long waves, would give)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from kapitza import _checks
from kapitza.errors import InputError
from kapitza.io.results import result
from kapitza.prediction.empirical import grouped_folds
from kapitza.prediction.expected import (
    ALL_ROUTES,
    SMOOTH_BASES,
    SPLITS,
    TEMPERATURE_RANGES,
    ExpectedRows,
    check_band,
    fit,
)
from kapitza.prediction.scoring import Score, score

from .groups import TABLE_GROUPS, group_known, known_splits


@result
class HeldOut:
    """Every row predicted by the procedure fitted on the other folds' papers (folds never split a paper).

    Attributes
    ----------
    route : str
    value, low, high : ndarray, shape (n,)
        The held-out estimate and its 68 % band, W m^-2 K^-1.
    measured, temperature : ndarray, shape (n,)
        W m^-2 K^-1, K.
    paper, pair : tuple of str
    n_other : ndarray of int, shape (n,)
        Papers of the same pair the estimate drew on (never the row's own).
    outside : ndarray of bool, shape (n,)
        A descriptor outside the range its base learnt from.
    fold : ndarray of int, shape (n,)
    base_kind : tuple of str
        The base each fold chose.
    k : ndarray, shape (n_folds,)
        Each fold's shrinkage constant.
    """

    route: str
    value: NDArray[np.float64]
    low: NDArray[np.float64]
    high: NDArray[np.float64]
    measured: NDArray[np.float64]
    temperature: NDArray[np.float64]
    paper: tuple[str, ...]
    pair: tuple[str, ...]
    n_other: NDArray[np.int64]
    outside: NDArray[np.bool_]
    fold: NDArray[np.int64]
    base_kind: tuple[str, ...]
    k: NDArray[np.float64]

    _summary_fields: ClassVar[tuple[str, ...]] = ("route", "measured", "base_kind")

    def __post_init__(self) -> None:
        if self.route not in ALL_ROUTES:
            raise InputError(f"route must be one of {', '.join(ALL_ROUTES)}, got {_checks.quoted(str(self.route))}")
        n = np.asarray(self.measured).size
        _checks.positive_array(_checks.sized(self.measured, "measured", (n,)), "measured", "W m^-2 K^-1")
        _checks.positive_array(_checks.sized(self.temperature, "temperature", (n,)), "temperature", "K")
        check_band(self.value, self.low, self.high, n)
        _checks.labels(self.paper, "paper", n)
        _checks.labels(self.pair, "pair", n)
        if np.any(_checks.sized(self.n_other, "n_other", (n,), kind="i") < 0):
            raise InputError("n_other must hold counts of papers >= 0")
        _checks.sized(self.outside, "outside", (n,), kind="b")
        if np.any(_checks.sized(self.fold, "fold", (n,), kind="i") < -1):
            raise InputError("fold must hold fold numbers >= 0 (-1: rows of several cross-validations merged)")
        _checks.labels(self.base_kind, "base_kind")
        k = _checks.sized(self.k, "k", (len(self.base_kind),))
        _checks.positive_array(k, "k", "", zero=True, inf=True)

    def __len__(self) -> int:
        return int(self.measured.size)

    def error(self) -> NDArray[np.float64]:
        """|log10(estimate / measured)| of each row, decades."""
        return np.abs(np.log10(self.value / self.measured))

    def covered(self) -> NDArray[np.bool_]:
        """Whether each row's measurement lies inside its band."""
        return (self.measured >= self.low) & (self.measured <= self.high)


#: What a fold of :func:`held_out` leaves out whole: a paper (a new user's paper on a pair others may have measured),
#: or a pair (every paper of it: a pair nobody measured).
HELD_OUT_BY = ("paper", "pair")


def held_out(
    rows: ExpectedRows, n_splits: int | None = None, bases: Sequence[str] = SMOOTH_BASES, group: str = "paper"
) -> HeldOut:
    """Cross-validate the procedure on ``rows`` by paper (or by pair): each fold's rows predicted by the procedure
    fitted on the other folds' rows alone (base choice, k and bands included); the pair effect of a held-out row
    draws on the training papers of its pair only.

    ``n_splits`` None (default): one fold per paper (each paper predicted from all the others, as a new user's
    paper is from the shipped ones, and as :func:`interlaboratory_floor` predicts it); an integer: that many
    folds of whole papers (:func:`~kapitza.prediction.empirical.grouped_folds`).  ``bases``: the candidates of
    every fold's fit (a subset of :data:`~kapitza.prediction.expected.BASES`; default the ones the package ships,
    :data:`~kapitza.prediction.expected.SMOOTH_BASES`).  ``group`` "pair" leaves every paper of a pair out together (one
    fold per pair, or ``n_splits`` folds of whole pairs): each row is then predicted as a pair nobody measured.
    """
    if not isinstance(rows, ExpectedRows):
        raise InputError(f"rows must be ExpectedRows, got {type(rows).__name__}")
    if group not in HELD_OUT_BY:
        raise InputError(f"group must be one of {', '.join(HELD_OUT_BY)}, got {group!r}")
    groups = rows.paper if group == "paper" else rows.pair
    names = sorted(set(groups))
    if n_splits is not None and (isinstance(n_splits, bool) or not isinstance(n_splits, int) or n_splits < 2):
        raise InputError(f"n_splits must be None (one fold per {group}) or an integer >= 2, got {n_splits!r}")
    if len(names) < (n_splits or 2):
        raise InputError(f"{n_splits or 2} folds need at least {n_splits or 2} {group}s; the rows hold {len(names)}")
    if n_splits is None:
        number = {p: i for i, p in enumerate(names)}
        fold = np.array([number[p] for p in groups], dtype=np.int64)
        n_splits = len(names)
    else:
        fold = grouped_folds(groups, n_splits)
    found = _Predictions(len(rows))
    kinds: list[str] = []
    ks: list[float] = []
    for f in range(n_splits):
        train = fold != f
        fitted = _fit_on(rows, train, bases)
        kinds.append(fitted.base_kind)
        ks.append(fitted.k)
        found.fill(fitted, rows, rows.features, np.flatnonzero(~train))
    return found.held_out(rows, fold, kinds, ks)


class _Predictions:
    """The held-out predictions of some rows, filled fold by fold (log10 G and its band, decades)."""

    def __init__(self, n: int) -> None:
        self.value, self.low, self.high = (np.full(n, np.nan) for _ in range(3))
        self.n_other = np.zeros(n, dtype=np.int64)
        self.outside = np.zeros(n, dtype=bool)

    def fill(self, fitted: Any, rows: ExpectedRows, features: NDArray[np.float64], test: NDArray[np.intp]) -> None:
        """The rows ``test`` (indices into ``rows``) predicted by ``fitted`` from ``features`` (rows x descriptors,
        in the rows' order: their own, or substituted ones), pair by pair."""
        pairs = np.asarray(rows.pair)
        for a in dict.fromkeys(pairs[test]):
            idx = test[pairs[test] == a]
            found = fitted.predict(features[idx], str(a), rows.temperature[idx])
            self.value[idx], self.low[idx], self.high[idx] = found.value, found.low, found.high
            self.n_other[idx], self.outside[idx] = found.n_other, found.outside

    def held_out(
        self,
        rows: ExpectedRows,
        fold: NDArray[np.int64],
        kinds: Sequence[str],
        ks: Sequence[float],
        mask: NDArray[np.bool_] | None = None,
    ) -> HeldOut:
        """The HeldOut of the rows (those ``mask`` selects, in order; default every one)."""
        m = np.ones(len(rows), dtype=bool) if mask is None else np.asarray(mask, dtype=bool)
        at = np.flatnonzero(m)
        return HeldOut(
            route=rows.route, value=10 ** self.value[m], low=10 ** self.low[m], high=10 ** self.high[m],
            measured=rows.measured[m], temperature=rows.temperature[m], paper=tuple(rows.paper[i] for i in at),
            pair=tuple(rows.pair[i] for i in at), n_other=self.n_other[m], outside=self.outside[m], fold=fold[m],
            base_kind=tuple(kinds), k=np.array(ks),
        )  # fmt: skip


def _fit_on(rows: ExpectedRows, train: NDArray[np.bool_], bases: Sequence[str]) -> Any:
    """The procedure fitted on the rows ``train`` selects (their own descriptors)."""
    at = np.flatnonzero(train)
    return fit(rows.route, rows.features[train], np.log10(rows.measured[train]), [rows.pair[i] for i in at],
               [rows.paper[i] for i in at], rows.temperature[train], bases, rows.names)  # fmt: skip


def substituted_held_out(
    rows: ExpectedRows, query: NDArray[np.float64], scored: NDArray[np.bool_], bases: Sequence[str] = SMOOTH_BASES
) -> tuple[HeldOut, HeldOut]:
    """One fold per paper that holds a ``scored`` row (a mask in the rows' order): the procedure fitted on every
    other paper's rows with their own descriptors, that paper's scored rows predicted from their own descriptors and
    from ``query``'s (the same rows' descriptors computed otherwise, shape of ``rows.features``: what a query that
    brings other inputs would give; NaN rows where not scored).  The two HeldOut (own, substituted) of the scored
    rows, in the rows' order, each fold a paper; the training rows are every other paper's, scored or not."""
    if not isinstance(rows, ExpectedRows):
        raise InputError(f"rows must be ExpectedRows, got {type(rows).__name__}")
    mask = _checks.sized(scored, "scored", (len(rows),), kind="b")
    x = _checks.sized(query, "query", rows.features.shape)
    papers = sorted({rows.paper[i] for i in np.flatnonzero(mask)})
    if len(set(rows.paper)) < 2 or not papers:
        raise InputError("substituted_held_out needs scored rows and at least two papers")
    own, other = _Predictions(len(rows)), _Predictions(len(rows))
    paper = np.asarray(rows.paper)
    fold = np.full(len(rows), -1, dtype=np.int64)
    kinds: list[str] = []
    ks: list[float] = []
    for f, p in enumerate(papers):
        held = paper == p
        fitted = _fit_on(rows, ~held, bases)
        kinds.append(fitted.base_kind)
        ks.append(fitted.k)
        test = np.flatnonzero(held & mask)
        fold[test] = f
        own.fill(fitted, rows, rows.features, test)
        other.fill(fitted, rows, x, test)
    return own.held_out(rows, fold, kinds, ks, mask), other.held_out(rows, fold, kinds, ks, mask)


def split_scores(held: HeldOut, rows: ExpectedRows | None = None) -> dict[str, Score]:
    """The held-out estimate scored on each of :data:`SPLITS`: rows whose pair other (training) papers measured, and
    rows whose pair nobody else did; with ``rows`` (the held-out rows' own, in their order) holding a table group,
    also on each of its :func:`known_splits`."""
    other = np.asarray(held.n_other) > 0
    cases = [(SPLITS[0], other), (SPLITS[1], ~other)]
    for group in TABLE_GROUPS:
        known = None if rows is None else group_known(rows.features, rows.names, group)
        if known is not None:
            split = known_splits(group)
            cases += [(split[0], ~other & known), (split[1], ~other & ~known)]
    return {name: held_score(held, sel) for name, sel in cases}


def held_score(held: HeldOut, sel: NDArray[np.bool_]) -> Score:
    """The held-out estimate scored on the rows ``sel`` selects (a mask in the rows' order), with its band."""
    paper = [held.paper[i] for i in np.flatnonzero(sel)]
    return score(held.value[sel], held.measured[sel], paper, held.low[sel], held.high[sel])


def whole_score(held: HeldOut) -> Score:
    """The held-out estimate scored on every row, with its band."""
    return held_score(held, np.ones(len(held), dtype=bool))


def temperature_scores(held: HeldOut) -> tuple[Score, ...]:
    """The held-out estimate scored in each of :data:`TEMPERATURE_RANGES` (the rows measured in it), with its
    band."""
    return tuple(held_score(held, (held.temperature >= lo) & (held.temperature < hi)) for lo, hi in TEMPERATURE_RANGES)
