"""The empirical estimate: grouped cross-validation that never splits a paper, and honest refusals."""

from __future__ import annotations

import dataclasses
import sys

import numpy as np
import pytest

from kapitza.errors import InputError, MissingDependencyError
from kapitza.materials import get_material
from kapitza.prediction import empirical
from kapitza.prediction.empirical import (
    DESCRIPTORS,
    METHODS,
    descriptor_matrix,
    empirical_estimate,
    empirical_validation,
    grouped_cross_validation,
    normalize_method,
)
from kapitza.prediction.validation import validation_table

pytest.importorskip("sklearn")


def _synthetic(target_kind: str, n_groups: int = 30, per_group: int = 10, seed: int = 1):
    """Synthetic rows: 3 descriptors uniform in [0, 1], groups of ``per_group`` rows."""
    rng = np.random.default_rng(seed)
    n = n_groups * per_group
    x = rng.uniform(0.0, 1.0, size=(n, 3))
    groups = [f"paper{i // per_group}" for i in range(n)]
    if target_kind == "exact":
        y = 8.0 + 2.0 * x[:, 0]
    else:
        y = 8.0 + rng.normal(0.0, 0.3, size=n)
    return x, y, groups, rng


def test_folds_never_split_a_group():
    """Every group (paper) lies in exactly one held-out fold; every row is held out once."""
    x, y, groups, _ = _synthetic("exact")
    v = grouped_cross_validation(x, y, groups, n_splits=5)
    assert np.all(v.fold >= 0) and set(v.fold.tolist()) == set(range(5))
    folds_of = {}
    for g, k in zip(groups, v.fold.tolist()):
        folds_of.setdefault(g, set()).add(k)
    assert all(len(k) == 1 for k in folds_of.values())
    assert v.n_groups == 30 and v.n_rows == 300
    assert np.all(np.isfinite(v.held_out))


def test_exact_function_is_learned_and_beats_a_noisy_physics_model():
    """target = 8 + 2 x0 exactly: held-out error far below the physics stand-in's (noise sd 0.3 decades)."""
    x, y, groups, rng = _synthetic("exact")
    physics = {"noisy": rng.normal(0.0, 0.3, size=y.size)}
    v = grouped_cross_validation(x, y, groups, physics)
    assert v.median_error < 0.05
    assert v.within_2 > 0.99
    assert v.median_error < 0.2 * v.baseline_error
    assert v.best_physics == "noisy" and v.beats_physics
    assert v.compared_rows == y.size


def test_pure_noise_is_not_learned_and_beats_nothing():
    """target independent of the descriptors: no better than the no-descriptor baseline, loses to a good model."""
    x, y, groups, rng = _synthetic("noise")
    physics = {"good": rng.normal(0.0, 0.05, size=y.size)}
    v = grouped_cross_validation(x, y, groups, physics)
    assert v.median_error > 0.9 * v.baseline_error
    assert not v.beats_physics
    assert v.band_factor > 10**0.25


def test_physics_comparison_uses_only_rows_every_model_predicts():
    """NaN physics rows are left out of the comparison for every model and for the regressor alike."""
    x, y, groups, rng = _synthetic("exact")
    a = rng.normal(0.0, 0.3, size=y.size)
    b = a.copy()
    b[:40] = np.nan
    v = grouped_cross_validation(x, y, groups, {"a": a, "b": b})
    assert v.compared_rows == y.size - 40
    assert v.physics_error[0] == pytest.approx(np.median(np.abs(a[40:])))


def test_cross_validation_refuses_bad_inputs():
    x, y, groups, _ = _synthetic("exact", n_groups=3)
    with pytest.raises(InputError, match="needs at least 5 groups"):
        grouped_cross_validation(x, y, groups, n_splits=5)
    with pytest.raises(InputError, match="groups= has 2 entries"):
        grouped_cross_validation(x, y, groups[:2], n_splits=2)
    with pytest.raises(InputError, match="target= has shape"):
        grouped_cross_validation(x, y[:-1], groups, n_splits=2)
    with pytest.raises(InputError, match="physics"):
        grouped_cross_validation(x, y, groups, {"m": y[:3]}, n_splits=2)


def test_missing_scikit_learn_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "sklearn.ensemble", None)
    x, y, groups, _ = _synthetic("exact")
    with pytest.raises(MissingDependencyError, match=r"kapitza\[empirical\]"):
        grouped_cross_validation(x, y, groups)


def test_method_categories_of_the_compilation(table):
    """The compilation's method strings fall into the one-hot categories."""
    assert normalize_method("TDTR") == "TDTR"
    assert normalize_method("3 ω") == "3omega" and normalize_method("2 ω") == "3omega"
    assert normalize_method("Equivalent thermal circuit of thermometry platform") == "platform"
    assert normalize_method("frequency-domain thermoreflectance (FDTR)") == "FDTR"
    assert normalize_method("Raman Thermometry") == "other" and normalize_method("") == "other"
    assert set(METHODS) >= {normalize_method(m) for m in table.method}


# -- the shipped data (one fit, cached in-process) ------------------------------------------------


@pytest.fixture(scope="module")
def shipped():
    return empirical_validation()


@pytest.fixture(scope="module")
def table(shipped):
    """The shipped validation table the regressor was fitted on (cached with the fit)."""
    return empirical._shipped_fit()[2]


def test_descriptors_of_the_shipped_rows(table):
    x = descriptor_matrix(table)
    assert x.shape == (len(table), len(DESCRIPTORS))
    # one kind and one method per row; G_ep exactly where the flag says so
    kinds = [i for i, d in enumerate(DESCRIPTORS) if d.startswith("kind ")]
    methods = [i for i, d in enumerate(DESCRIPTORS) if d.startswith("method ")]
    assert np.all(x[:, kinds].sum(axis=1) == 1) and np.all(x[:, methods].sum(axis=1) == 1)
    ep, has_ep = DESCRIPTORS.index("log10 G_ep"), DESCRIPTORS.index("has G_ep")
    assert np.array_equal(np.isfinite(x[:, ep]), x[:, has_ep] == 1)
    assert np.all(np.isfinite(x[:, DESCRIPTORS.index("log10 T")]))


def test_shipped_cross_validation_groups_by_paper(shipped):
    """The full-data CV: 5 folds, no paper in two folds, numbers as the summary states them."""
    assert shipped.n_splits == 5 and shipped.n_rows > 800 and shipped.n_groups > 40
    folds_of = {}
    for g, k in zip(shipped.groups, shipped.fold.tolist()):
        folds_of.setdefault(g, set()).add(k)
    assert all(len(k) == 1 for k in folds_of.values())
    assert shipped.physics_models == ("dmm", "limit", "amm")
    assert shipped.best_physics in shipped.physics_models
    line = shipped.summary()
    assert "\n" not in line and "grouped by paper" in line and shipped.best_physics in line
    assert 1.0 < shipped.median_factor < 10.0 and 0.0 < shipped.within_2 < 1.0


def test_query_descriptors_equal_those_of_a_training_row(table):
    """The estimate describes a query exactly as the training rows are described."""
    x = descriptor_matrix(table)
    i = next(k for k, (a, b) in enumerate(zip(table.side1, table.side2)) if (a, b) == ("Al", "Si"))
    rows = empirical.query_rows(
        "Al", "Si", table.temperature[i : i + 1], normalize_method(table.method[i]), bool(table.interlayer[i])
    )
    query = descriptor_matrix(validation_table(measurements=rows, interlayers=True))
    np.testing.assert_allclose(query[0], x[i], rtol=1e-12, equal_nan=True)


def test_estimate_interval_contains_the_value(shipped):
    e = empirical_estimate("Al", "sapphire", [100.0, 300.0])
    assert e.side1 == "Al" and e.side2 == "Al2O3" and e.value.shape == (2,)
    assert np.all(e.low < e.value) and np.all(e.value < e.high)
    np.testing.assert_allclose(e.high / e.value, shipped.band_factor)
    assert e.n_rows == shipped.n_rows and e.beats_physics == shipped.beats_physics
    line = e.summary()
    assert "\n" not in line and "empirical: gradient boosting on" in line and "held-out" in line
    assert np.all((e.value > 1e6) & (e.value < 1e10))


def test_estimate_refusals(table):
    with pytest.raises(InputError, match="Unobtainium|unobtainium"):
        empirical_estimate("Unobtainium", "Si", 300.0)
    with pytest.raises(InputError, match="appears in no training measurement"):
        empirical_estimate("Al", "He4", 1.0 + float(table.temperature.min()))
    with pytest.raises(InputError, match="no interface"):
        empirical_estimate("Si", "silicon", 300.0)
    user_si = dataclasses.replace(get_material("Si"), origin="user")
    with pytest.raises(InputError, match="not a shipped material"):
        empirical_estimate("Al", user_si, 300.0)
    lo, hi = float(table.temperature.min()), float(table.temperature.max())
    with pytest.raises(InputError, match=f"outside the range of the training measurements \\({lo:g} to {hi:g} K\\)"):
        empirical_estimate("Al", "Si", hi + 100.0)
    with pytest.raises(InputError, match="outside the range"):
        empirical_estimate("Al", "Si", [300.0, float("nan")])
    with pytest.raises(InputError, match="method='XRD' is not known"):
        empirical_estimate("Al", "Si", 300.0, method="XRD")
    with pytest.raises(InputError, match="temperature= must be"):
        empirical_estimate("Al", "Si", "hot")


def test_grouped_folds_keep_groups_whole_and_follow_group_k_fold_without_ties() -> None:
    """The folds hold every group whole, balance the rows as GroupKFold does (largest group first, to the lightest
    fold), and do not depend on the order of the rows: equal-size groups are taken by name, so that the deal is
    the same on every CPU (GroupKFold's unstable argsort breaks such ties differently with numpy's SIMD sort)."""
    from sklearn.model_selection import GroupKFold

    sizes = {"a": 9, "b": 7, "c": 5, "d": 4, "e": 2, "f": 1}  # distinct sizes: GroupKFold has no tie to break
    groups = [g for g, n in sizes.items() for _ in range(n)]
    fold = empirical.grouped_folds(groups, 3)
    for g in sizes:
        assert len(set(fold[np.array(groups) == g])) == 1
    expected = np.full(len(groups), -1)
    for k, (_, test) in enumerate(GroupKFold(n_splits=3).split(np.zeros(len(groups)), groups=groups)):
        expected[test] = k
    assert np.array_equal(fold, expected)
    tied = ["p", "q", "r", "s"] * 3  # four groups of three rows
    rng = np.random.default_rng(1)
    order = rng.permutation(len(tied))
    shuffled = [tied[i] for i in order]
    by_name = dict(zip(tied, empirical.grouped_folds(tied, 2), strict=True))
    assert dict(zip(shuffled, empirical.grouped_folds(shuffled, 2), strict=True)) == by_name
    assert by_name == {"p": 0, "q": 1, "r": 0, "s": 1}


def test_paper_percentiles_weight_every_paper_equally() -> None:
    """One paper of 100 rows at 0 and three papers of one row at 1, 2 and 3: with every paper weighted 1/4, the
    weighted distribution puts its row midpoints at 1/8 (the big paper), 3/8, 5/8 and 7/8, so its median is 1.5
    (linear between 3/8 and 5/8), where the plain median of the rows is 0; equal-size papers give np.percentile's
    midpoint rule (the 16th-84th band of four single rows: linear between the midpoints 1/8 .. 7/8)."""
    values = [0.0] * 100 + [1.0, 2.0, 3.0]
    groups = ["big"] * 100 + ["a", "b", "c"]
    (median,) = empirical.paper_percentiles(values, groups, (0.5,))
    assert median == pytest.approx(1.5, abs=1e-12)
    assert np.median(values) == 0.0
    lo, hi = empirical.paper_percentiles([4.0, 1.0, 3.0, 2.0], ["p", "q", "r", "s"], (0.125, 0.875))
    assert (lo, hi) == (pytest.approx(1.0), pytest.approx(4.0))
