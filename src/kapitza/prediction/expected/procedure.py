"""The expected measurement's procedure: a base regression across pairs, the other papers' pair effect, and the
band measured on held-out residuals (the package's module text, :mod:`kapitza.prediction.expected`, says how).
"""

from __future__ import annotations

import functools
import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ... import _checks
from ...errors import InputError, MissingDependencyError
from ..empirical import grouped_folds
from ..scoring import paper_median, paper_percentiles
from .rows import FEATURES

#: Shrinkage constants k tried for the pair effect n/(n+k) (0: the other papers' median taken whole; inf: none).
K_GRID = (0.0, 0.125, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0, math.inf)
#: Temperature ranges (K) of the band's widening.
TEMPERATURE_RANGES = ((0.0, 100.0), (100.0, 250.0), (250.0, 400.0), (400.0, math.inf))
#: Fewest papers a subset of held-out residuals needs for its own band (else the widest measured widening).
MIN_PAPERS = 8
#: Central probability of the band.
INTERVAL = 0.68
#: Folds of every grouped cross-validation (outer by paper, inner by pair).
N_SPLITS = 5


def _sklearn() -> Any:
    try:
        import sklearn  # noqa: F401
    except ImportError:
        raise MissingDependencyError(
            "scikit-learn",
            "empirical",
            "refitting the expected measurement (the package's files differ from those its shipped fit was made from)",
        ) from None
    from threadpoolctl import threadpool_limits

    return threadpool_limits


def _new_base(kind: str) -> Any:
    """A fresh base regressor of ``kind`` ("ridge" or "boosting"), settings fixed before any look at the data."""
    if kind == "boosting":
        from sklearn.ensemble import HistGradientBoostingRegressor

        return HistGradientBoostingRegressor(loss="absolute_error", random_state=0)
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import RidgeCV
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(
        SimpleImputer(strategy="median", add_indicator=True, keep_empty_features=True),
        StandardScaler(),
        RidgeCV(alphas=np.logspace(-2, 3, 11)),
    )


#: The base candidates, fixed before looking: each regressor with the measurement method as a descriptor and without
#: it (a method's offset learnt across pairs may hurt more than it helps; the nested choice decides).
BASES = ("ridge", "ridge without method", "boosting", "boosting without method")
#: The candidates the package's estimate chooses among: the ridge regressions, smooth in every descriptor.  Gradient
#: boosting's trees are step functions of log10 T and of the physics descriptors, and the estimate must be continuous
#: in T (issue 83: the structure route, boosting until then, stepped by more than 5 % between temperatures 2 K
#: apart); the laboratory still tries them (``scripts/calibration``), the package does not ship them.
SMOOTH_BASES = ("ridge", "ridge without method")
#: What the suffix of a base's name leaves out.
NO_METHOD = " without method"


def _method_columns(names: Sequence[str]) -> frozenset[int]:
    """The columns of the measurement method's flags."""
    return frozenset(j for j, n in enumerate(names) if n.startswith("method "))


def _fit_base(kind: str, x: NDArray[np.float64], y: NDArray[np.float64], names: Sequence[str]) -> Any:
    """A base of ``kind`` (:data:`BASES`) fitted on the descriptors (named ``names``) that hold a value in some row
    (and without the method's flags for a "... without method" base)."""
    regressor = kind.removesuffix(NO_METHOD)
    method = _method_columns(names) if kind.endswith(NO_METHOD) else frozenset()
    usable = [j for j in range(x.shape[1]) if np.isfinite(x[:, j]).any() and j not in method]
    model = _new_base(regressor).fit(x[:, usable], y)
    while regressor == "ridge":  # the physics it must not learn backwards (MONOTONE): its coefficient >= 0
        coef = np.asarray(model.steps[-1][1].coef_, dtype=float).ravel()
        wrong = [j for k, j in enumerate(usable) if names[j] in MONOTONE and coef[k] < 0]
        if not wrong:
            break
        usable = [j for j in usable if j != wrong[0]]
        model = _new_base(regressor).fit(x[:, usable], y)
    return FittedBase(model, tuple(usable))


#: Descriptors an estimate may not learn backwards: a stack whose interfaces' series physics conducts better is never
#: expected to conduct worse, all else equal (issue 83: the interlayer route's ridge had learnt a coefficient of -0.20
#: on it, so an adhesion layer whose physics raised G lowered the estimate, and the published Au / Cu and Au / Cr /
#: sapphire thickness series of Jeong et al., Phys. Rev. Applied 5, 014009 (2016), held out, fell where they rose).
#: Where the ridge's coefficient comes out negative, the constrained optimum lies on the bound: the descriptor is
#: left out and the ridge refitted (one descriptor at a time until none is negative).
MONOTONE = frozenset({"log10 G_stack"})


@dataclass(frozen=True)
class FittedBase:
    model: Any
    columns: tuple[int, ...]

    def predict(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        return np.asarray(self.model.predict(x[:, list(self.columns)]), dtype=float)


@dataclass(frozen=True)
class PairOut:
    """Bases each fitted without one fold of pairs, the fold of every pair, and each row's prediction by the base
    that never saw its pair: one base serves the residuals of a pair's papers and a query on that pair, so that
    what the other papers found transfers to the query exactly."""

    prediction: NDArray[np.float64]
    fold_of_pair: Mapping[str, int]
    bases: tuple[tuple[FittedBase, NDArray[np.float64], NDArray[np.float64]], ...]


def _pair_out(
    kind: str, x: NDArray[np.float64], y: NDArray[np.float64], pair: Sequence[str], names: Sequence[str]
) -> PairOut:
    """Predictions of a base of ``kind`` for every row, each by a base that saw no row of its pair (folds of
    pairs), with those bases and the ranges of the rows each learnt from."""
    pairs = sorted(set(pair))
    out = np.full(y.size, np.nan)
    if len(pairs) < 2:
        return PairOut(out, {}, ())
    folds = grouped_folds(pair, min(N_SPLITS, len(pairs)))
    bases = []
    for k in range(int(folds.max()) + 1):
        test = folds == k
        low, high = _ranges(x[~test])
        base = _fit_base(kind, x[~test], y[~test], names)
        out[test] = base.predict(x[test])
        bases.append((base, low, high))
    fold_of_pair = {str(a): int(f) for a, f in zip(pair, folds)}
    return PairOut(out, fold_of_pair, tuple(bases))


#: Width (decades of T) over which another paper's residuals describe a query temperature: each of the paper's rows
#: weighs exp(-(d / T_WINDOW)^2 / 2) at a distance d (decades) from the query, the weights normalised (so that a
#: query far from every row takes, in the limit, its nearest row's residual).  A smooth kernel rather than a hard
#: window: the estimate is continuous in T (issue 83: a row entering or leaving a +-0.1 decade window had stepped
#: the value by up to 15 % between temperatures 2 K apart).
T_WINDOW = 0.1

#: Per pair, per paper: (log10 T, residual) of the paper's rows.
PairResiduals = dict[str, dict[str, tuple[NDArray[np.float64], NDArray[np.float64]]]]


def _paper_residuals(residual: NDArray[np.float64], pair: Sequence[str], paper: Sequence[str],
                     log_t: NDArray[np.float64]) -> PairResiduals:  # fmt: skip
    """Per pair, per paper: the log10 temperatures and residuals of the paper's rows."""
    collected: dict[str, dict[str, list[tuple[float, float]]]] = {}
    for r, a, p, lt in zip(residual, pair, paper, log_t):
        if math.isfinite(r):
            collected.setdefault(a, {}).setdefault(p, []).append((float(lt), float(r)))
    return {a: {p: (np.array([v[0] for v in rows]), np.array([v[1] for v in rows])) for p, rows in byp.items()}
            for a, byp in collected.items()}  # fmt: skip


#: Query temperatures taken at once by :func:`_at`: bounds its (temperatures, rows) matrices to a few MB a paper.
_T_BLOCK = 4096


def _middle(ordered: NDArray[np.float64], count: NDArray[np.intp]) -> NDArray[np.float64]:
    """Per row of ``ordered`` (ascending in its first ``count`` entries), the median of those entries, as
    ``np.median`` computes it: the middle one, or the mean (a + b) / 2 of the two middle ones (exactly np.median's
    numbers: (a + a) / 2 == a)."""
    rows = np.arange(ordered.shape[0])
    return (ordered[rows, (count - 1) // 2] + ordered[rows, count // 2]) / 2


def _at(paper_rows: tuple[NDArray[np.float64], NDArray[np.float64]], log_t: NDArray[np.float64]) -> NDArray[np.float64]:
    """A paper's residual at each of ``log_t`` (shape (m,)): the mean of its rows' residuals weighted by the Gaussian
    kernel of :data:`T_WINDOW` in log10 T (continuous in T; far from every row, the nearest rows')."""
    t, r = paper_rows
    out = np.empty(log_t.size)
    for start in range(0, log_t.size, _T_BLOCK):
        block = log_t[start : start + _T_BLOCK]
        d2 = (t[None, :] - block[:, None]) ** 2
        d2 -= d2.min(axis=1, keepdims=True)  # the nearest row weighs 1: no underflow far from every row
        w = np.exp(-0.5 * d2 / T_WINDOW**2)
        out[start : start + block.size] = (w @ r) / w.sum(axis=1)
    return out


def _effect(papers: Mapping[str, tuple[NDArray[np.float64], NDArray[np.float64]]], exclude: str | None, k: float,
            log_t: NDArray[np.float64]) -> tuple[NDArray[np.float64], int]:  # fmt: skip
    """The shrunk pair effect at each of ``log_t`` (shape (m,)) from the papers other than ``exclude`` (the median
    of their residuals there, times n / (n + k)), and how many papers there were."""
    others = [_at(rows, log_t) for p, rows in papers.items() if p != exclude]
    n = len(others)
    if n == 0 or math.isinf(k):
        return np.zeros(log_t.size), n
    return n / (n + k) * _median_of_papers(others), n


def _median_of_papers(values: Sequence[NDArray[np.float64]]) -> NDArray[np.float64]:
    """Per query, the median over papers of their residuals ``values`` (one array (m,) a paper)."""
    ordered = np.sort(np.column_stack(values), axis=1)
    return _middle(ordered, np.full(ordered.shape[0], ordered.shape[1]))


def _outside(
    x: NDArray[np.float64], low: NDArray[np.float64], high: NDArray[np.float64], columns: Sequence[int]
) -> NDArray[np.bool_]:
    """Rows of ``x`` with a continuous descriptor outside [low, high] (a NaN descriptor is not outside)."""
    return _excess(x, low, high, columns) > 0


def _excess(
    x: NDArray[np.float64], low: NDArray[np.float64], high: NDArray[np.float64], columns: Sequence[int]
) -> NDArray[np.float64]:
    """Per row of ``x``, how far (decades: the continuous descriptors are log10 of quantities) its furthest
    continuous descriptor lies outside [low, high]; 0 inside (and for a NaN descriptor)."""
    sub = x[:, list(columns)]
    lo, hi = low[list(columns)], high[list(columns)]
    with np.errstate(invalid="ignore"):
        beyond = np.maximum(np.maximum(lo - sub, sub - hi), 0.0)
    beyond = np.where(np.isfinite(beyond), beyond, 0.0)
    return beyond.max(axis=1) if beyond.shape[1] else np.zeros(x.shape[0])


def _ranges(x: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    with warnings.catch_warnings():  # an all-NaN column (a descriptor no row has) gives NaN: never "outside"
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmin(x, axis=0), np.nanmax(x, axis=0)


@dataclass(frozen=True)
class Bands:
    """The band's rule, measured on held-out residuals (decades): percentiles per group (other papers measured
    the pair or not), widening factors per temperature range and outside the training range."""

    percentiles: Mapping[bool, tuple[float, float]]
    papers: Mapping[bool, int]
    temperature_widening: tuple[float, ...]
    temperature_papers: tuple[int, ...]
    temperature_measured: tuple[bool, ...]
    outside_widening: float
    outside_papers: int
    outside_measured: bool

    def interval(self, measured_by_others: bool, temperature: float, outside: float) -> tuple[float, float]:
        """(low, high) residual percentiles (decades) for one query row; ``outside``: how far (decades) a
        descriptor of the row lies outside the training range (0 inside; True counts as fully outside).

        Continuous in T and in the descriptors (issue 83): the temperature ranges' widenings are interpolated in
        log10 T between the ranges' middles (:func:`range_weights`), and the outside widening grows linearly over
        the first :data:`OUTSIDE_RAMP` decades beyond the range."""
        lo, hi = self.percentiles[measured_by_others]
        scale = float(np.dot(range_weights(temperature), self.temperature_widening))
        scale *= 1.0 + (self.outside_widening - 1.0) * min(1.0, float(outside) / OUTSIDE_RAMP)
        return lo * scale, hi * scale


#: Decades beyond the training range of a descriptor over which the outside widening comes in in full.
OUTSIDE_RAMP = 0.1
#: The temperature (K) that stands for an open end of :data:`TEMPERATURE_RANGES` in :func:`range_weights`: the
#: compilation's rows lie at 25-800 K.
_OPEN_ENDS = (25.0, 800.0)


@functools.lru_cache(maxsize=1)
def range_middles() -> tuple[float, ...]:
    """log10 of each temperature range's middle (geometric; the open ends read as :data:`_OPEN_ENDS`)."""
    out = []
    for lo, hi in TEMPERATURE_RANGES:
        a, b = max(lo, _OPEN_ENDS[0]), hi if math.isfinite(hi) else _OPEN_ENDS[1]
        out.append(0.5 * (math.log10(a) + math.log10(b)))
    return tuple(out)


def range_weights(t: float) -> NDArray[np.float64]:
    """The weight of each temperature range's widening at ``t`` (K): linear in log10 T between two neighbouring
    ranges' middles, all on the first (last) range below (above) its middle; they sum to 1."""
    middles = np.array(range_middles())
    eye = np.eye(middles.size)
    x = math.log10(max(float(t), 1e-300))
    return np.array([np.interp(x, middles, eye[i]) for i in range(middles.size)])


def range_index(t: float) -> int:
    for i, (lo, hi) in enumerate(TEMPERATURE_RANGES):
        if lo <= t < hi:
            return i
    return len(TEMPERATURE_RANGES) - 1


def band_fractions(papers: int) -> tuple[float, float]:
    """The central percentiles (fractions) a band reads off the held-out residuals of ``papers`` papers: the share
    :data:`INTERVAL` raised to its finite-sample level, min(1, INTERVAL (n + 1) / n).

    A new paper's residual, exchangeable with the n it is measured from, lies inside the central share q of them
    with probability q n / (n + 1) only, not q (the order statistics of n draws split the line into n + 1 equally
    likely gaps); reading the share q (n + 1) / n instead restores q.  This is the level of split conformal
    prediction (Lei, G'Sell, Rinaldo, Tibshirani & Wasserman, J. Am. Stat. Assoc. 113, 1094 (2018), the
    ceil((n + 1)(1 - alpha))-th residual; Vovk, Gammerman & Shafer, *Algorithmic Learning in a Random World*, 2005),
    applied to the papers, the unit a new user's interface is one more of.  Adopted 2026-11-28: held out by paper the
    band had covered 0.621 of the 12 papers at 100-250 K and 0.567 of the 7 below 100 K, where a range's widening is
    read off its 10-11 training papers (0.68 x 11/12 = 0.62).  On Student-t and log-normal residuals, one row a paper
    (``tests/prediction/test_expected.py``), the level held a new paper in 0.678-0.725 of 4,000 trials for 8-20
    papers (it errs wide on 8 papers of heavy tails), the plain share in 0.618-0.653."""
    n = _checks.count(papers, "papers", 1)
    q = min(1.0, INTERVAL * (n + 1) / n)
    return 0.5 - 0.5 * q, 0.5 + 0.5 * q


def _band_percentiles(residual: NDArray[np.float64], paper: Sequence[str]) -> tuple[float, float]:
    """(low, high) percentiles of ``residual`` (decades) with every paper weighted equally, at the level of
    :func:`band_fractions` for its number of papers."""
    lo, hi = paper_percentiles(residual, paper, band_fractions(len(set(map(str, paper)))))
    return lo, hi


def _half_width(residual: NDArray[np.float64], paper: Sequence[str]) -> float:
    lo, hi = _band_percentiles(residual, paper)
    return 0.5 * (hi - lo)


def _measure_bands(
    residual: NDArray[np.float64],
    paper: Sequence[str],
    other: NDArray[np.bool_],
    temperature: NDArray[np.float64],
    outside: NDArray[np.bool_],
) -> Bands:
    """The band's rule from held-out residuals (see the module text)."""
    papers = np.asarray(paper)
    percentiles: dict[bool, tuple[float, float]] = {}
    counts: dict[bool, int] = {}
    pooled = _band_percentiles(residual, papers)
    for group in (False, True):
        sel = other == group
        counts[group] = len(set(papers[sel]))
        percentiles[group] = _band_percentiles(residual[sel], papers[sel]) if counts[group] >= MIN_PAPERS else pooled
    whole = _half_width(residual, papers)
    ratios, n_papers, measured = [], [], []
    for lo, hi in TEMPERATURE_RANGES:
        sel = (temperature >= lo) & (temperature < hi)
        n = len(set(papers[sel]))
        n_papers.append(n)
        measured.append(n >= MIN_PAPERS)
        ratios.append(max(1.0, _half_width(residual[sel], papers[sel]) / whole) if n >= MIN_PAPERS else math.nan)
    widest = max([r for r in ratios if math.isfinite(r)], default=1.0)
    ratios = [r if math.isfinite(r) else widest for r in ratios]
    n_out = len(set(papers[outside]))
    inside = ~outside
    if n_out >= MIN_PAPERS and len(set(papers[inside])) >= MIN_PAPERS:
        widening = max(
            1.0, _half_width(residual[outside], papers[outside]) / _half_width(residual[inside], papers[inside])
        )
    else:
        widening = widest
    return Bands(
        percentiles=percentiles, papers=counts, temperature_widening=tuple(ratios), temperature_papers=tuple(n_papers),
        temperature_measured=tuple(measured), outside_widening=float(widening), outside_papers=n_out,
        outside_measured=n_out >= MIN_PAPERS,
    )  # fmt: skip


@dataclass
class Fitted:
    """The procedure fitted on some rows (its training papers): base choice, k, the bands, and what a query needs.

    Internal; a query goes through :meth:`predict`.
    """

    route: str
    x: NDArray[np.float64]
    y: NDArray[np.float64]
    pair: tuple[str, ...]
    paper: tuple[str, ...]
    names: tuple[str, ...]
    base_kind: str
    k: float
    medians: PairResiduals
    bands: Bands
    base_errors: dict[str, float]
    pair_out: PairOut
    _full: list[tuple[FittedBase, NDArray[np.float64], NDArray[np.float64]]] = field(default_factory=list)

    def _base_without(self, pair: str | None) -> tuple[FittedBase, NDArray[np.float64], NDArray[np.float64]]:
        """The base that never saw ``pair``, with the ranges of the rows it learnt from: for a pair of the
        training rows the base of its fold of pairs (the one its papers' residuals were taken against), for
        another pair the base fitted on every row (cached)."""
        if pair in self.pair_out.fold_of_pair:
            return self.pair_out.bases[self.pair_out.fold_of_pair[pair]]
        if not self._full:
            low, high = _ranges(self.x)
            self._full.append((_fit_base(self.base_kind, self.x, self.y, self.names), low, high))
        return self._full[0]

    def predict(
        self, x: NDArray[np.float64], pair: str, temperature: NDArray[np.float64], exclude_paper: str | None = None
    ) -> RowEstimate:
        """log10 G and its band for query rows of one pair (``exclude_paper``: a paper whose own rows may not
        inform the pair effect)."""
        base, low, high = self._base_without(pair)
        value = base.predict(x)
        temps = np.asarray(temperature, dtype=float)
        papers = self.medians.get(pair, {})
        u = _effect(papers, exclude_paper, self.k, np.array([math.log10(t) for t in temps]))[0]
        n = len([p for p in papers if p != exclude_paper])
        excess = _excess(x, low, high, _continuous_columns(self.names))
        lo = np.empty(value.size)
        hi = np.empty(value.size)
        for i, t in enumerate(temps):
            lo[i], hi[i] = self.bands.interval(n > 0, float(t), float(excess[i]))
        return RowEstimate(value=value + u, low=value + u + lo, high=value + u + hi, n_other=n, outside=excess > 0)


@dataclass(frozen=True)
class RowEstimate:
    """log10 G and its band (decades) for query rows of one pair (:meth:`Fitted.predict`), the number of other
    papers its pair effect drew on, and which rows lie outside the descriptor ranges the base learnt from."""

    value: NDArray[np.float64]
    low: NDArray[np.float64]
    high: NDArray[np.float64]
    n_other: int
    outside: NDArray[np.bool_]


def _continuous_columns(names: Sequence[str]) -> tuple[int, ...]:
    """The columns of continuous descriptors (log10 of a quantity; the others are 0/1 flags)."""
    return tuple(j for j, n in enumerate(names) if n.startswith(("log10", "|log10")))


def fit(
    route: str,
    x: ArrayLike,
    y: ArrayLike,
    pair: Sequence[str],
    paper: Sequence[str],
    temperature: ArrayLike,
    bases: Sequence[str] = SMOOTH_BASES,
    names: Sequence[str] | None = None,
) -> Fitted:
    """Fit the procedure (module text) on rows: descriptors ``x`` (n, d) of ``route`` named ``names`` (default
    :data:`FEATURES` ``[route]``), ``y`` = log10 measured G, their pairs, papers and temperatures (K); ``bases``: the
    candidates (a subset of :data:`BASES`; default :data:`SMOOTH_BASES`, what the package ships)."""
    limits = _sklearn()
    if isinstance(bases, str) or not bases or any(b not in BASES for b in bases):
        raise InputError(f"bases must be a non-empty list of {', '.join(BASES)}; got {bases!r}")
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    t = np.asarray(temperature, dtype=float)
    pair = tuple(str(p) for p in pair)
    paper = tuple(str(p) for p in paper)
    names = tuple(names) if names is not None else FEATURES[route]
    if len(names) != x.shape[1]:
        raise InputError(f"{len(names)} descriptor names for {x.shape[1]} columns")
    candidates = {}
    with limits(1):
        for kind in bases:
            out = _pair_out(kind, x, y, pair, names)
            candidates[kind] = (out, *_procedure(out.prediction, y, pair, paper, np.log10(t)))
    errors = {kind: c[4] for kind, c in candidates.items()}
    kind = min(errors, key=lambda b: (errors[b] if math.isfinite(errors[b]) else math.inf, BASES.index(b)))
    out, medians, k, held, _ = candidates[kind]
    other = np.array([len(medians.get(pair[i], {})) - (paper[i] in medians.get(pair[i], {})) > 0
                      for i in range(y.size)], dtype=bool)  # fmt: skip
    outside = _training_outside(names, x, pair, out)
    good = np.isfinite(held)
    bands = _measure_bands(held[good], np.asarray(paper)[good], other[good], t[good], outside[good])
    return Fitted(route=route, x=x, y=y, pair=pair, paper=paper, names=names, base_kind=kind, k=k, medians=medians,
                  bands=bands, base_errors=errors, pair_out=out)  # fmt: skip


def _procedure(
    base: NDArray[np.float64],
    y: NDArray[np.float64],
    pair: tuple[str, ...],
    paper: tuple[str, ...],
    log_t: NDArray[np.float64],
) -> tuple[PairResiduals, float, NDArray[np.float64], float]:
    """With pair-held-out base predictions ``base``: the papers' residuals per pair, the chosen k, each row's
    held-out residual (base + the effect of the other papers of its pair at its temperature) and their
    paper-weighted median |error| (the score that chooses the base)."""
    residual = y - base
    medians = _paper_residuals(residual, pair, paper, log_t)
    k = _choose_k(residual, pair, paper, medians, log_t)
    held = np.empty(y.size)
    for (a, p), rows in _rows_by_paper(pair, paper).items():
        held[rows] = residual[rows] - _effect(medians.get(a, {}), p, k, log_t[rows])[0]
    good = np.isfinite(held)
    return medians, k, held, paper_median(np.abs(held[good]), np.asarray(paper)[good])


def _rows_by_paper(pair: Sequence[str], paper: Sequence[str]) -> dict[tuple[str, str], NDArray[np.intp]]:
    """The rows (indices) of each (pair, paper), in order."""
    groups: dict[tuple[str, str], list[int]] = {}
    for i, key in enumerate(zip(pair, paper)):
        groups.setdefault(key, []).append(i)
    return {key: np.array(rows) for key, rows in groups.items()}


def _training_outside(
    names: Sequence[str], x: NDArray[np.float64], pair: Sequence[str], out: PairOut
) -> NDArray[np.bool_]:
    """Each row outside the descriptor ranges of the rows its pair-held-out base learnt from."""
    result_ = np.zeros(x.shape[0], dtype=bool)
    if not out.bases:
        return result_
    columns = _continuous_columns(names)
    folds = np.array([out.fold_of_pair[str(a)] for a in pair])
    for k, (_, low, high) in enumerate(out.bases):
        sel = folds == k
        result_[sel] = _outside(x[sel], low, high, columns)
    return result_


def _choose_k(residual: NDArray[np.float64], pair: Sequence[str], paper: Sequence[str], medians: PairResiduals,
              log_t: NDArray[np.float64]) -> float:  # fmt: skip
    """The k of :data:`K_GRID` that best predicts each paper of a multi-paper pair from the other papers (the
    paper-weighted median error of its rows); inf where no pair has two papers."""
    rows = [i for i in range(len(pair)) if len(medians.get(pair[i], {})) >= 2 and math.isfinite(residual[i])]
    if not rows:
        return math.inf
    groups = [paper[i] for i in rows]
    n_others, median = np.empty(len(rows)), np.empty(len(rows))  # per row: its pair's other papers, their median
    for (a, p), at in _rows_by_paper([pair[i] for i in rows], groups).items():
        others = [_at(r, log_t[np.asarray(rows)[at]]) for q, r in medians[a].items() if q != p]
        n_others[at], median[at] = len(others), _median_of_papers(others)
    best, best_error = math.inf, math.inf
    for k in K_GRID:
        shift = np.zeros(len(rows)) if math.isinf(k) else n_others / (n_others + k) * median
        error = np.abs(residual[rows] - shift)
        e = paper_median(error, groups)
        if e < best_error - 1e-12:
            best, best_error = k, e
    return best
