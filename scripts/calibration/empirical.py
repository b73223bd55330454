"""Calibration of the empirical G estimate (kapitza.prediction.empirical): does its x/÷ band cover held-out papers?

The estimate states a 68 % interval ``value x/÷ band_factor``, with ``band_factor`` from the 16th-84th
percentiles of the residuals of a cross-validation grouped by paper.  That band is measured on the same rows it
describes, so it is checked here out of sample (nested cross-validation, Varma & Simon, BMC Bioinformatics 7, 91
(2006)): the papers of the shipped compilation are dealt at random (one deal per seed) into the estimator's
``N_SPLITS`` folds; for each outer fold the estimator is rebuilt from the other papers only (its regressor *and*
its band, by its own grouped cross-validation of those papers) and judged on the held-out papers' measurements:
covered when ``|log10 G_measured - log10 G_estimated| <= log10 band_factor``.

The generator is not a model: the held-out data are real measurements from papers the estimator never saw.
Two rows: every held-out measurement counts once, and every held-out paper counts once (each measurement
weighted 1/rows of its paper), since rows of one paper share a sample and an apparatus.  Errors and bias are in
decades of G (log10); the coverage's own error is set by the ~50 papers, not the ~900 rows: about
sqrt(0.68 * 0.32 / 50) = 0.066.

A deal costs 30 regressor fits (about 15 s on a quiet machine).  So that the default test suite checks the
calibration in seconds, the held-out outcomes of deal 0 are stored in ``tests/calibration/data/empirical_deal0.json``
(:func:`write_deal`; regenerate with ``PYTHONPATH=src:scripts python -m calibration.empirical --write PATH``
after any change to the estimator); the default test recomputes one outer fold (6 fits) and requires it to equal
the stored one, the slow test recomputes the whole deal.
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

import numpy as np

from kapitza.prediction import empirical as E
from kapitza.prediction.validation import validation_table

from . import common

ESTIMATOR = "Empirical G estimate (gradient boosting, x/÷ band from grouped cross-validation)"
SEEDS = 3


def held_out(seed: int, folds: tuple[int, ...] | None = None) -> dict[str, np.ndarray]:
    """One random deal of the papers into folds: per held-out measurement its estimate, band (decades), truth
    (log10 measured G), paper and outer fold; ``folds`` (default all) limits the outer folds computed."""
    table = validation_table(E.PHYSICS_MODELS, interlayers=True)  # the training set of kapitza.prediction.empirical
    x, y, groups, _ = E.training_data(table)
    groups_a = np.array(groups)
    papers = np.array(sorted(set(groups)))
    order = np.random.default_rng(seed).permutation(papers.size)
    fold_of = {papers[j]: i % E.N_SPLITS for i, j in enumerate(order)}
    fold = np.array([fold_of[g] for g in groups])
    est, sig, tru, pap, fol = [], [], [], [], []
    for k in range(E.N_SPLITS) if folds is None else folds:
        train, test = fold != k, fold == k
        inner = E.grouped_cross_validation(x[train], y[train], tuple(groups_a[train]))
        with E._one_thread():
            pred = E._regressor().fit(x[train], y[train]).predict(x[test])
        est.append(pred)
        sig.append(np.full(pred.size, math.log10(inner.band_factor)))
        tru.append(y[test])
        pap.append(groups_a[test])
        fol.append(np.full(pred.size, k))
    pairs = (("est", est), ("sig", sig), ("tru", tru), ("paper", pap), ("fold", fol))
    return {k: np.concatenate(v) for k, v in pairs}


def write_deal(path: str | Path, seed: int = 0) -> None:
    """Store the held-out outcomes of one deal as JSON (the default test's precomputed piece)."""
    import sklearn

    d = held_out(seed)
    # the inner grouped folds are kapitza's own (empirical.grouped_folds, the same on every CPU); the regressor is
    # scikit-learn's, whose results may change between releases: the version that made the deal is stored so
    # that a mismatch can say why
    import scipy

    versions = {"sklearn": sklearn.__version__, "numpy": np.__version__, "scipy": scipy.__version__}
    doc = {"seed": seed, **versions, **{k: v.tolist() for k, v in d.items()}}
    Path(path).write_text(json.dumps(doc, separators=(",", ":")) + "\n", encoding="utf-8")


def deal_versions(path: str | Path) -> str:
    """The scikit-learn, numpy and scipy versions that made the deal stored at ``path`` against this interpreter's
    ("unknown" where the deal did not record one): the words a stale deal's failure gives."""
    import scipy
    import sklearn

    doc = json.loads(Path(path).read_text(encoding="utf-8"))
    now = {"sklearn": sklearn.__version__, "numpy": np.__version__, "scipy": scipy.__version__}
    return ", ".join(f"{k} {doc.get(k, 'unknown')} made it, this is {v}" for k, v in now.items())


def read_deal(path: str | Path) -> dict[str, np.ndarray]:
    """The outcomes stored by :func:`write_deal`."""
    doc = json.loads(Path(path).read_text(encoding="utf-8"))
    return {k: np.asarray(doc[k]) for k in ("est", "sig", "tru", "paper", "fold")}


def run(n_seeds: int, deals: int | None = None) -> list[common.CalibrationRow]:
    """The two rows, over ``deals`` random deals of the papers (default min(n_seeds, SEEDS): each costs 30 fits)."""
    n = min(n_seeds, SEEDS) if deals is None else deals
    return rows_of([held_out(s) for s in range(n)])


def rows_of(results: list[dict[str, np.ndarray]]) -> list[common.CalibrationRow]:
    """The two rows (every measurement once; every paper once) of the given deals' held-out outcomes."""
    n = len(results)
    outcomes = [
        (float(e), float(s), float(t), False)
        for d in results
        for e, s, t in zip(d["est"], d["sig"], d["tru"], strict=True)
    ]
    rows_row = common.summarize(
        ESTIMATOR,
        "held-out measurements, papers dealt into 5 folds (nested grouped cross-validation)",
        "measured G of 53 papers (log10)",
        outcomes,
        note=f"{n} deals of the papers; bias and sigma in decades of G; median sigma/truth is relative to log10 G",
    )
    cov_p, bias_p = common.paper_weighted(results)
    papers = len(set(results[0]["paper"]))
    paper_row = common.CalibrationRow(
        estimator=ESTIMATOR,
        case="the same, every held-out paper weighted equally",
        truth=f"measured G of {papers} papers (log10)",
        n=papers * n,
        accepted=papers * n,
        flagged=0,
        coverage=cov_p,
        bias_over_sigma=bias_p,
        median_sigma_rel=rows_row.median_sigma_rel,
        note=f"coverage error about {common.coverage_error(papers):.3f} (papers, not rows, are independent)",
    )
    return [rows_row, paper_row]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="store the held-out outcomes of one deal (the default test's data)")
    parser.add_argument("--write", required=True, help="JSON file to write")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    write_deal(args.write, args.seed)
