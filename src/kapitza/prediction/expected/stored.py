"""The fitted procedure shipped as numbers, read back checked: a process that answers a query does only its work.

Fitting the procedure on every shipped row of a route (:func:`~kapitza.prediction.expected.procedure.fit`: four
bases, each on five folds of pairs, the shrinkage and the bands) costs a second or more, and importing
scikit-learn most of another.  The fit is a pure function of the shipped rows (the compilation and the materials
database inside the package) and the code that turns them into descriptors and fits them; so it ships inside the
package (below), and nothing of it is kept in the user's cache: where the installed files are not those the shipped
fit was made from (a changed checkout), each process fits again (seconds, with scikit-learn) and stores nothing
(issue 86, item 6: a cache that cannot be written, or an entry re-signed with the user's key, changes no answer).

Nothing is pickled.  A base is stored as its numbers and evaluated here in numpy, with scikit-learn's arithmetic:

- **ridge** (``SimpleImputer(median, add_indicator) -> StandardScaler -> RidgeCV``): each missing value replaced by
  its column's training median, the missing-value indicators of the columns that had gaps appended, each column
  centred and scaled, then ``z @ coef + intercept``;
- **boosting** (``HistGradientBoostingRegressor``): each tree's nodes (feature, threshold, the side a missing value
  takes, children, leaf value); a row goes left where its value is <= the threshold, and the prediction is the
  baseline plus every tree's leaf, added in the trees' order.

Both equal scikit-learn's own predictions (``tests/prediction/test_expected_stored.py``, to 1e-12 relative).  A
shipped fit is read whole or not at all (:func:`fitted_from`): its arrays in the layout the fit writes, every base
predicting what it predicted when fitted, its bands finite and ordered, its summary finite and ordered; anything
else is not used (said once) and the route is fitted again.

**Shipped as numbers** (issue 85, item 5).  Each route's fit on the shipped rows also ships inside the package, as
the same arrays in ``prediction/data/expected_fit_<route>.npz`` (no pickle: numbers and one JSON document), written
by ``scripts/calibration/ship_fits.py`` with the digest of the files it was made from (:data:`FIT_INPUTS`: the
compilation, the materials and electron records, the name and stack tables, the structure descriptors, the code of
the rows and of the fit).  A query reads it where that digest is the installed files' own, and so answers with
numpy alone on a fresh install: scikit-learn is needed only where the files changed (the fit is then made in the
process) and for ``--empirical``.  ``tests/prediction/test_expected_shipped.py`` refits every route and
holds the shipped numbers to it.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ...errors import InputError
from ...io.json_file import parse
from ..scoring import paper_percentiles
from .procedure import Bands, Fitted, FittedBase, PairOut, band_fractions, fit
from .rows import expected_rows

__all__ = [
    "FIT_INPUTS",
    "LinearBase",
    "TreeBase",
    "as_stored_base",
    "inputs_digest",
    "route_summary",
    "shipped_fit",
]


def _package_root() -> Path:
    return Path(__file__).resolve().parents[2]


def _files_digest(root: Path, paths: Any) -> str:
    """SHA-256 of ``paths`` (under ``root``), each by its relative path and its bytes, in sorted order."""
    digest = hashlib.sha256()
    for path in sorted(set(paths)):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


#: The package files (globs relative to the package) a route's rows and fit are made from: a shipped fit is read only
#: where their digest is the one it was made with.
FIT_INPUTS = (
    "literature/data/*",
    "literature/names.py",
    "literature/stacks.py",
    "materials/data/*",
    "prediction/data/structure_descriptors.csv",
    "prediction/expected/rows.py",
    "prediction/expected/procedure.py",
)
#: The shipped fit of a route, in ``kapitza/prediction/data``.
SHIPPED_FIT = "expected_fit_{route}.npz"


@functools.lru_cache(maxsize=1)
def inputs_digest() -> str:
    """SHA-256 of the files of :data:`FIT_INPUTS` (by relative path and bytes), about a millisecond."""
    root = _package_root()
    return _files_digest(root, (p for pattern in FIT_INPUTS for p in root.glob(pattern) if p.is_file()))


def _shipped_path(route: str) -> Path:
    return Path(__file__).resolve().parents[1] / "data" / SHIPPED_FIT.format(route=route)


def _from_package(route: str) -> tuple[Fitted, dict[str, float]] | None:
    """The fit shipped in the package for ``route``, or None where there is none, it was made from other files, or it
    cannot be read whole (a truncated or altered file: the query then fits as where none is shipped, and says so)."""
    from ...io.cache import note

    path = _shipped_path(route)
    if not path.is_file():
        return None
    try:
        with np.load(path, allow_pickle=False) as found:
            arrays = {name: found[name] for name in found.files}
        if str(arrays.pop("inputs", "")) != inputs_digest():
            return None
        return fitted_from(arrays)
    except (OSError, ValueError, KeyError, TypeError, IndexError, zipfile.BadZipFile) as exc:
        note(f"the shipped fit of the {route} route cannot be read ({type(exc).__name__}): not used, fitted instead")
        return None


# -- the bases as numbers ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LinearBase:
    """A fitted ridge pipeline as numbers (see the module text): ``fill`` (n,) the training medians, ``indicator``
    the columns whose missing-value flags are appended, ``mean`` and ``scale`` of the scaler (n + n_indicator,),
    ``coef`` and ``intercept`` of the ridge."""

    fill: NDArray[np.float64]
    indicator: NDArray[np.int64]
    mean: NDArray[np.float64]
    scale: NDArray[np.float64]
    coef: NDArray[np.float64]
    intercept: float

    def __post_init__(self) -> None:
        _freeze(self)

    def predict(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        x = np.array(x, dtype=float)
        if x.ndim != 2 or x.shape[1] != self.fill.size:
            raise InputError(f"the base takes rows of {self.fill.size} descriptors, got shape {x.shape}")
        missing = np.isnan(x)
        flags = missing[:, self.indicator].astype(float)
        z = np.where(missing, self.fill[None, :], x)
        z = np.hstack([z, flags])
        z -= self.mean
        z /= self.scale
        return z @ self.coef + self.intercept

    def arrays(self, prefix: str) -> dict[str, NDArray[Any]]:
        return {f"{prefix}fill": self.fill, f"{prefix}indicator": self.indicator, f"{prefix}mean": self.mean,
                f"{prefix}scale": self.scale, f"{prefix}coef": self.coef,
                f"{prefix}intercept": np.array([self.intercept])}  # fmt: skip


@dataclass(frozen=True)
class TreeBase:
    """A fitted histogram gradient boosting as numbers (see the module text): per node ``feature``, ``threshold``,
    ``missing_left`` (a missing value goes left), ``left`` and ``right`` (indices into the nodes of all trees),
    ``leaf`` and ``value``; ``roots`` the first node of each tree; ``baseline`` the constant the trees add to."""

    feature: NDArray[np.int64]
    threshold: NDArray[np.float64]
    missing_left: NDArray[np.bool_]
    left: NDArray[np.int64]
    right: NDArray[np.int64]
    leaf: NDArray[np.bool_]
    value: NDArray[np.float64]
    roots: NDArray[np.int64]
    baseline: float
    n_features: int

    def __post_init__(self) -> None:
        _freeze(self)

    def predict(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        x = np.asarray(x, dtype=float)
        if x.ndim != 2 or x.shape[1] != self.n_features:
            raise InputError(f"the base takes rows of {self.n_features} descriptors, got shape {x.shape}")
        rows = np.arange(x.shape[0])[:, None]
        node = np.broadcast_to(self.roots[None, :], (x.shape[0], self.roots.size)).copy()
        for _ in range(self.value.size):  # a path visits each node at most once
            inner = ~self.leaf[node]
            if not inner.any():
                break
            v = x[rows, np.where(inner, self.feature[node], 0)]
            left = np.where(np.isnan(v), self.missing_left[node], v <= self.threshold[node])
            node = np.where(inner, np.where(left, self.left[node], self.right[node]), node)
        out = np.zeros(x.shape[0])
        out += self.baseline
        for t in range(self.roots.size):  # added tree by tree, as scikit-learn adds them
            out += self.value[node[:, t]]
        return out

    def arrays(self, prefix: str) -> dict[str, NDArray[Any]]:
        return {f"{prefix}feature": self.feature, f"{prefix}threshold": self.threshold,
                f"{prefix}missing_left": self.missing_left, f"{prefix}left": self.left, f"{prefix}right": self.right,
                f"{prefix}leaf": self.leaf, f"{prefix}value": self.value, f"{prefix}roots": self.roots,
                f"{prefix}baseline": np.array([self.baseline]),
                f"{prefix}n_features": np.array([self.n_features])}  # fmt: skip


def _freeze(base: Any) -> None:
    """Every array field of a base as its own read-only copy."""
    for name, value in vars(base).items():
        if isinstance(value, np.ndarray):
            copy = np.array(value)
            copy.flags.writeable = False
            object.__setattr__(base, name, copy)


_LINEAR = ("fill", "indicator", "mean", "scale", "coef", "intercept")
_TREE = ("feature", "threshold", "missing_left", "left", "right", "leaf", "value", "roots", "baseline", "n_features")


def as_stored_base(model: Any) -> LinearBase | TreeBase:
    """A fitted scikit-learn base of the procedure (its ridge pipeline or its boosting) as numbers."""
    if isinstance(model, LinearBase | TreeBase):
        return model
    if hasattr(model, "_predictors"):
        return _tree_of(model)
    if hasattr(model, "named_steps"):
        return _linear_of(model)
    raise InputError(f"no stored form for a base of type {type(model).__name__}")


def _linear_of(pipeline: Any) -> LinearBase:
    imputer, scaler, ridge = (pipeline.steps[i][1] for i in range(3))
    fill = np.asarray(imputer.statistics_, dtype=float)
    if imputer.indicator_ is not None:
        indicator = np.asarray(imputer.indicator_.features_, dtype=np.int64)
    else:
        indicator = np.zeros(0, dtype=np.int64)
    coef = np.asarray(ridge.coef_, dtype=float).ravel()
    return LinearBase(fill=fill, indicator=indicator, mean=np.asarray(scaler.mean_, dtype=float),
                      scale=np.asarray(scaler.scale_, dtype=float), coef=coef,
                      intercept=float(np.asarray(ridge.intercept_).ravel()[0]))  # fmt: skip


def _tree_of(model: Any) -> TreeBase:
    if getattr(model, "n_trees_per_iteration_", 1) != 1:
        raise InputError("a boosting of more than one tree an iteration has no stored form")
    parts: dict[str, list[NDArray[Any]]] = {k: [] for k in ("feature", "threshold", "missing", "left", "right",
                                                           "leaf", "value")}  # fmt: skip
    roots, offset = [], 0
    for (predictor,) in model._predictors:
        nodes = predictor.nodes
        if np.any(nodes["is_categorical"]):
            raise InputError("a boosting with categorical splits has no stored form")
        roots.append(offset)
        parts["feature"].append(nodes["feature_idx"].astype(np.int64))
        parts["threshold"].append(nodes["num_threshold"].astype(float))
        parts["missing"].append(nodes["missing_go_to_left"].astype(bool))
        parts["left"].append(nodes["left"].astype(np.int64) + offset)
        parts["right"].append(nodes["right"].astype(np.int64) + offset)
        parts["leaf"].append(nodes["is_leaf"].astype(bool))
        parts["value"].append(nodes["value"].astype(float))
        offset += nodes.size
    joined = {k: np.concatenate(v) if v else np.zeros(0) for k, v in parts.items()}
    return TreeBase(feature=joined["feature"].astype(np.int64), threshold=joined["threshold"].astype(float),
                    missing_left=joined["missing"].astype(bool), left=joined["left"].astype(np.int64),
                    right=joined["right"].astype(np.int64), leaf=joined["leaf"].astype(bool),
                    value=joined["value"].astype(float), roots=np.array(roots, dtype=np.int64),
                    baseline=float(np.asarray(model._baseline_prediction).ravel()[0]),
                    n_features=int(model.n_features_in_))  # fmt: skip


def _base_arrays(base: LinearBase | TreeBase, prefix: str) -> dict[str, NDArray[Any]]:
    kind = "linear" if isinstance(base, LinearBase) else "tree"
    return {f"{prefix}kind": np.array(kind), **base.arrays(prefix)}


def _base_from(arrays: dict[str, NDArray[Any]], prefix: str) -> LinearBase | TreeBase:
    kind = str(arrays[f"{prefix}kind"])
    if kind == "linear":
        a = {k: arrays[prefix + k] for k in _LINEAR}
        base: LinearBase | TreeBase = LinearBase(
            fill=a["fill"].astype(float), indicator=a["indicator"].astype(np.int64), mean=a["mean"].astype(float),
            scale=a["scale"].astype(float), coef=a["coef"].astype(float), intercept=float(a["intercept"][0]),
        )  # fmt: skip
        n = base.fill.size + base.indicator.size
        ok = base.mean.size == n and base.scale.size == n and base.coef.size == n
        ok = ok and bool(np.all((base.indicator >= 0) & (base.indicator < base.fill.size)))
    elif kind == "tree":
        a = {k: arrays[prefix + k] for k in _TREE}
        base = TreeBase(
            feature=a["feature"].astype(np.int64), threshold=a["threshold"].astype(float),
            missing_left=a["missing_left"].astype(bool), left=a["left"].astype(np.int64),
            right=a["right"].astype(np.int64), leaf=a["leaf"].astype(bool), value=a["value"].astype(float),
            roots=a["roots"].astype(np.int64), baseline=float(a["baseline"][0]), n_features=int(a["n_features"][0]),
        )  # fmt: skip
        m = base.value.size
        sizes = {x.size for x in (base.feature, base.threshold, base.missing_left, base.left, base.right, base.leaf)}
        inner = ~base.leaf
        ok = sizes == {m} and bool(np.all((base.roots >= 0) & (base.roots < max(m, 1))))
        ok = ok and bool(np.all((base.left[inner] > np.flatnonzero(inner)) & (base.left[inner] < m)))
        ok = ok and bool(np.all((base.right[inner] > np.flatnonzero(inner)) & (base.right[inner] < m)))
        ok = ok and bool(np.all((base.feature[inner] >= 0) & (base.feature[inner] < base.n_features)))
    else:
        raise ValueError(f"a base of kind {kind!r}")
    if not ok:
        raise ValueError("a base whose arrays do not fit together")
    return base


# -- the fitted procedure as arrays ------------------------------------------------------------------------------


def fitted_arrays(fitted: Any, summary: dict[str, float]) -> dict[str, NDArray[Any]]:
    """``fitted`` (:class:`~kapitza.prediction.expected.procedure.Fitted`, its full base made) and the route's
    ``summary`` (t_min, t_max and the physics-only percentiles) as the arrays of one cache entry."""
    out: PairOut = fitted.pair_out
    full = fitted._base_without(None)
    bands = fitted.bands
    document = {
        "route": fitted.route, "names": list(fitted.names), "pair": list(fitted.pair), "paper": list(fitted.paper),
        "base_kind": fitted.base_kind, "k": _number(fitted.k), "base_errors": {k: _number(v) for k, v in
                                                                               fitted.base_errors.items()},
        "medians": {a: {p: [t.tolist(), r.tolist()] for p, (t, r) in byp.items()} for a, byp in
                    fitted.medians.items()},
        "fold_of_pair": dict(out.fold_of_pair), "folds": len(out.bases),
        "bands": {"percentiles": {str(g): list(v) for g, v in bands.percentiles.items()},
                  "papers": {str(g): v for g, v in bands.papers.items()},
                  "temperature_widening": list(bands.temperature_widening),
                  "temperature_papers": list(bands.temperature_papers),
                  "temperature_measured": list(bands.temperature_measured),
                  "outside_widening": bands.outside_widening, "outside_papers": bands.outside_papers,
                  "outside_measured": bands.outside_measured},
        "summary": {k: float(v) for k, v in summary.items()},
        "columns": {"full": list(full[0].columns), **{str(i): list(b[0].columns) for i, b in enumerate(out.bases)}},
    }  # fmt: skip
    arrays: dict[str, NDArray[Any]] = {
        "document": np.array(json.dumps(document, allow_nan=False)),
        "x": np.asarray(fitted.x, dtype=float), "y": np.asarray(fitted.y, dtype=float),
        "prediction": np.asarray(out.prediction, dtype=float),
        "full_prediction": full[0].predict(np.asarray(fitted.x, dtype=float)),
        "full_low": full[1], "full_high": full[2],
    }  # fmt: skip
    arrays.update(_base_arrays(as_stored_base(full[0].model), "full_"))
    for i, (base, low, high) in enumerate(out.bases):
        arrays.update(_base_arrays(as_stored_base(base.model), f"fold{i}_"))
        arrays[f"fold{i}_low"], arrays[f"fold{i}_high"] = low, high
    return arrays


def _number(v: float) -> float | str:
    return v if math.isfinite(v) else ("inf" if v > 0 else "-inf" if v < 0 else "nan")


def _float(v: Any) -> float:
    return float(v)  # "inf", "-inf" and "nan" are how a document holds them


def fitted_from(arrays: dict[str, NDArray[Any]]) -> tuple[Any, dict[str, float]]:
    """The :class:`~kapitza.prediction.expected.procedure.Fitted` and the route summary of a stored entry; raises
    ValueError (or KeyError, TypeError) where its parts do not fit together."""
    doc = parse(str(arrays["document"]), "the stored fit's document")  # the one bounded reader (raises a ValueError)
    names = tuple(str(n) for n in doc["names"])
    x, y = np.array(arrays["x"], dtype=float), np.array(arrays["y"], dtype=float)
    pair, paper = tuple(str(p) for p in doc["pair"]), tuple(str(p) for p in doc["paper"])
    if x.ndim != 2 or x.shape != (y.size, len(names)) or len(pair) != y.size or len(paper) != y.size:
        raise ValueError("rows that do not fit together")

    def base(prefix: str, columns: list[int]) -> tuple[Any, NDArray[np.float64], NDArray[np.float64]]:
        model = _base_from(arrays, prefix)
        cols = tuple(int(c) for c in columns)
        width = model.fill.size if isinstance(model, LinearBase) else model.n_features
        if width != len(cols) or any(not 0 <= c < len(names) for c in cols):
            raise ValueError("a base whose columns are not the descriptors'")
        low, high = np.array(arrays[f"{prefix}low"], dtype=float), np.array(arrays[f"{prefix}high"], dtype=float)
        if low.shape != (len(names),) or high.shape != (len(names),):
            raise ValueError("ranges that are not the descriptors'")
        return FittedBase(model, cols), low, high

    folds = int(doc["folds"])
    bases = tuple(base(f"fold{i}_", doc["columns"][str(i)]) for i in range(folds))
    fold_of_pair = {str(a): int(f) for a, f in doc["fold_of_pair"].items()}
    if any(not 0 <= f < folds for f in fold_of_pair.values()):
        raise ValueError("a pair of a fold that is not stored")
    prediction = np.array(arrays["prediction"], dtype=float)
    if prediction.shape != y.shape:
        raise ValueError("predictions that are not the rows'")
    b = doc["bands"]
    bands = Bands(
        percentiles={g == "True": (float(v[0]), float(v[1])) for g, v in b["percentiles"].items()},
        papers={g == "True": int(v) for g, v in b["papers"].items()},
        temperature_widening=tuple(float(v) for v in b["temperature_widening"]),
        temperature_papers=tuple(int(v) for v in b["temperature_papers"]),
        temperature_measured=tuple(bool(v) for v in b["temperature_measured"]),
        outside_widening=float(b["outside_widening"]), outside_papers=int(b["outside_papers"]),
        outside_measured=bool(b["outside_measured"]),
    )  # fmt: skip
    if set(bands.percentiles) != {False, True}:
        raise ValueError("bands without both splits")
    medians = {str(a): {str(p): (np.array(v[0], dtype=float), np.array(v[1], dtype=float)) for p, v in byp.items()}
               for a, byp in doc["medians"].items()}  # fmt: skip
    fitted = Fitted(
        route=str(doc["route"]), x=x, y=y, pair=pair, paper=paper, names=names, base_kind=str(doc["base_kind"]),
        k=_float(doc["k"]), medians=medians, bands=bands,
        base_errors={str(k): _float(v) for k, v in doc["base_errors"].items()},
        pair_out=PairOut(prediction, fold_of_pair, bases),
    )  # fmt: skip
    fitted._full.append(base("full_", doc["columns"]["full"]))
    _check_predictions(fitted, np.array(arrays["full_prediction"], dtype=float))
    summary = {str(k): float(v) for k, v in doc["summary"].items()}
    _check_whole(fitted, summary)
    return fitted, summary


def _check_whole(fitted: Any, summary: dict[str, float]) -> None:
    """What every fit makes true of its numbers (raises ValueError otherwise): the shrinkage k in [0, 1], each band's
    percentiles finite and ordered (low below high), every widening finite and >= 1, the summary's five numbers
    finite with t_min < t_max and physics_low <= physics_mid <= physics_high."""
    if not 0.0 <= fitted.k <= 1.0:
        raise ValueError(f"a shrinkage k of {fitted.k!r}, outside [0, 1]")
    bands = fitted.bands
    for lo, hi in bands.percentiles.values():
        if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
            raise ValueError(f"a band ({lo!r}, {hi!r}) that is not two finite, ordered percentiles")
    widening = (*bands.temperature_widening, bands.outside_widening)
    if not all(math.isfinite(w) and w >= 1.0 for w in widening):
        raise ValueError("a band widening that is not a finite factor >= 1")
    keys = ("t_min", "t_max", "physics_low", "physics_mid", "physics_high")
    if set(summary) != set(keys) or not all(math.isfinite(summary[k]) for k in keys):
        raise ValueError(f"a summary that is not the five finite numbers {', '.join(keys)}")
    if not (0 < summary["t_min"] < summary["t_max"]):
        raise ValueError("a summary whose temperatures are not 0 < t_min < t_max")
    if not summary["physics_low"] <= summary["physics_mid"] <= summary["physics_high"]:
        raise ValueError("a summary whose physics band is not ordered")


def _check_predictions(fitted: Any, full_prediction: NDArray[np.float64]) -> None:
    """Each stored base predicts what it predicted when it was fitted: the full base every row, each fold's base
    the rows of its pairs (their pair-held-out predictions); raises ValueError otherwise."""
    x = fitted.x
    if full_prediction.shape != fitted.y.shape or not _same(fitted._full[0][0].predict(x), full_prediction):
        raise ValueError("a full base that does not predict what it predicted when fitted")
    out = fitted.pair_out
    folds = np.array([out.fold_of_pair.get(a, -1) for a in fitted.pair])
    for i, (base, _, _) in enumerate(out.bases):
        rows = folds == i
        if rows.any() and not _same(base.predict(x[rows]), out.prediction[rows]):
            raise ValueError(f"the base of fold {i} does not predict what it predicted when fitted")


def _same(a: NDArray[np.float64], b: NDArray[np.float64]) -> bool:
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=1e-12, atol=1e-12, equal_nan=True))


# -- the shipped routes' fits --------------------------------------------------------------------------------------


def shipped_fit(route: str) -> Fitted:
    """The procedure fitted on every shipped row of ``route``: the fit shipped in the package where it was made from
    the installed files (:data:`FIT_INPUTS`), else fitted now (seconds; nothing stored on disk); kept in-process."""
    return _shipped(route)[0]


def route_summary(route: str) -> dict[str, float]:
    """What a query of ``route`` needs of its rows besides the fit, stored with it: ``t_min`` and ``t_max`` (K) of
    the rows, and ``physics_low``, ``physics_mid``, ``physics_high``: the (lower band, 50th, upper band)
    paper-weighted percentiles of log10(measured / DMM), the DMM's own measured correction and band."""
    return dict(_shipped(route)[1])


def summary_of(rows: Any) -> dict[str, float]:
    """:func:`route_summary` computed from the route's rows
    (:class:`~kapitza.prediction.expected.rows.ExpectedRows`)."""
    ok = np.isfinite(rows.dmm) & (rows.dmm > 0)
    r = np.log10(rows.measured[ok] / rows.dmm[ok])
    paper = [rows.paper[i] for i in np.flatnonzero(ok)]
    low, high = band_fractions(len(set(paper)))
    lo, mid, hi = paper_percentiles(r, paper, (low, 0.5, high))
    return {"t_min": float(rows.temperature.min()), "t_max": float(rows.temperature.max()),
            "physics_low": float(lo), "physics_mid": float(mid), "physics_high": float(hi)}  # fmt: skip


@functools.lru_cache(maxsize=4)
def _shipped(route: str) -> tuple[Fitted, dict[str, float]]:
    """The shipped fit, or where the installed files are not those it was made from (a changed checkout) the fit made
    now, in this process: nothing of the estimate lives in the user's cache (issue 86, item 6), so neither a cache
    that cannot be written nor an entry re-signed with the user's key changes an answer."""
    shipped = _from_package(route)
    if shipped is not None:
        return shipped
    rows = expected_rows(route)
    fitted = fit(route, rows.features, np.log10(rows.measured), rows.pair, rows.paper, rows.temperature,
                 names=rows.names)  # fmt: skip
    return fitted, summary_of(rows)
