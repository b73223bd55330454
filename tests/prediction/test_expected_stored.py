"""The expected measurement's fit stored once without pickle (kapitza.prediction.expected.stored): the bases as
numbers predict what scikit-learn's objects predict, a stored fit answers as the fit it was made from, an altered
entry is refused and fitted again, and a process that finds it never imports scikit-learn."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from kapitza.prediction import expected as E
from kapitza.prediction.expected import procedure as P
from kapitza.prediction.expected import stored as S

pytest.importorskip("sklearn")

SRC = Path(__file__).resolve().parents[2] / "src"


def _data(seed: int, n: int = 300, d: int = 6) -> tuple[np.ndarray, np.ndarray]:
    """Rows with gaps in two columns (as the electron-phonon descriptor has) and a nonlinear target."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, d))
    x[rng.random(n) < 0.3, 1] = np.nan
    x[rng.random(n) < 0.1, 4] = np.nan
    y = np.sin(x[:, 0]) + 0.5 * np.nan_to_num(x[:, 1]) ** 2 + 0.1 * rng.normal(size=n)
    return x, y


@pytest.mark.parametrize("kind", ["ridge", "boosting"])
def test_a_base_as_numbers_predicts_what_scikit_learn_predicts(kind):
    """The procedure's own base (procedure._new_base: settings fixed before any look at the data) against its
    numbers, on its training rows and on new rows with gaps in columns that had none in training; the reference
    is scikit-learn's predict of the same fitted object."""
    x, y = _data(1)
    model = P._new_base(kind).fit(x, y)
    numbers = S.as_stored_base(model)
    new, _ = _data(2, n=500)
    new[::7, 0] = np.nan  # a gap where training had none
    for rows in (x, new):
        np.testing.assert_allclose(numbers.predict(rows), model.predict(rows), rtol=1e-12, atol=1e-12)
    assert isinstance(numbers, S.TreeBase if kind == "boosting" else S.LinearBase)


def test_a_stored_fit_answers_as_the_fit_it_was_made_from():
    """The database route's fit through its arrays and back: the same estimate and band for a measured pair (its
    fold's base and the other papers), for a pair no paper measured (the full base) and out of range."""
    rows = E.expected_rows("database")
    fitted = P.fit("database", rows.features, np.log10(rows.measured), rows.pair, rows.paper, rows.temperature,
                   names=rows.names)  # fmt: skip
    summary = S.summary_of(rows)
    back, back_summary = S.fitted_from(S.fitted_arrays(fitted, summary))
    assert back_summary == summary and back.k == fitted.k and back.base_kind == fitted.base_kind
    t = np.array([30.0, 300.0, 900.0])
    for pair in (rows.pair[0], "Nobody|Measured"):
        x = np.repeat(rows.features[:1], t.size, axis=0)
        x[:, 0] += np.array([-2.0, 0.0, 3.0])  # the last row outside every descriptor's range
        a, b = fitted.predict(x, pair, t), back.predict(x, pair, t)
        for name in ("value", "low", "high"):
            np.testing.assert_allclose(getattr(b, name), getattr(a, name), rtol=1e-12, atol=1e-12)
        assert np.array_equal(a.outside, b.outside) and a.n_other == b.n_other


def _tampered(arrays: dict, name: str, change) -> dict:
    out = dict(arrays)
    out[name] = change(np.array(arrays[name]))
    return out


def test_a_stored_fit_whose_parts_do_not_hold_together_is_refused():
    """Read back checked beyond its signature: a leaf value, a coefficient or a fold's pair altered (as a file signed
    by a kapitza of another layout could hold) is refused, not used."""
    rows = E.expected_rows("database")
    fitted = P.fit("database", rows.features, np.log10(rows.measured), rows.pair, rows.paper, rows.temperature,
                   bases=("ridge",), names=rows.names)  # fmt: skip
    arrays = S.fitted_arrays(fitted, S.summary_of(rows))
    S.fitted_from(arrays)  # whole: read
    with pytest.raises(ValueError, match="does not predict"):
        S.fitted_from(_tampered(arrays, "fold0_coef", lambda c: c * 1.01))
    with pytest.raises(ValueError, match="does not predict"):
        S.fitted_from(_tampered(arrays, "full_intercept", lambda c: c + 0.1))
    doc = json.loads(str(arrays["document"]))
    doc["fold_of_pair"][rows.pair[0]] = 99
    with pytest.raises(ValueError, match="fold that is not stored"):
        S.fitted_from({**arrays, "document": np.array(json.dumps(doc))})
    with pytest.raises(KeyError):
        S.fitted_from({k: v for k, v in arrays.items() if k != "full_scale"})


def _python(code: str, cache: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "KAPITZA_CACHE_DIR": str(cache), "PYTHONPATH": str(SRC)}
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300)


QUERY = """
import sys, json, warnings
warnings.simplefilter("error")
from kapitza.prediction.expected import expected_conductance, stored
stored._from_package = lambda route: None  # as where the package's files differ from its shipped fit's (issue 85)
e = expected_conductance("Al", "Si", [300.0])
print(json.dumps({"value": e.value.tolist(), "low": e.low.tolist(), "sklearn": "sklearn" in sys.modules}))
"""


def test_where_the_shipped_fit_is_not_read_each_process_fits_and_stores_nothing(tmp_path):
    """Issue 86, items 6 and 7: where the package's files differ from its shipped fit's, a process fits the route
    itself (scikit-learn imported) and writes nothing of it to the cache; a second process answers the same to the
    last digit, and so does one whose cache is not a folder (KAPITZA_CACHE_DIR a file): the headline answer depends
    on no writable cache, and nothing re-signed with the user's key can change it."""
    cache = tmp_path / "cache"
    first, second = _python(QUERY, cache), _python(QUERY, cache)
    assert first.returncode == 0, first.stderr
    assert second.returncode == 0, second.stderr
    assert not list(cache.glob("expected-fit-*"))
    a, b = json.loads(first.stdout), json.loads(second.stdout)
    assert a["sklearn"] and b["sklearn"] and a == b
    not_a_folder = tmp_path / "a-file"
    not_a_folder.write_text("x")
    third = _python(QUERY.replace('warnings.simplefilter("error")', ""), not_a_folder)
    assert third.returncode == 0, third.stderr
    assert json.loads(third.stdout) == a


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda d: d.__setitem__("k", 2.0), "shrinkage k"),
        (lambda d: d["bands"]["percentiles"].__setitem__("True", ["nan", "nan"]), "finite, ordered percentiles"),
        (lambda d: d["bands"]["percentiles"].__setitem__("False", [0.3, -0.6]), "finite, ordered percentiles"),
        (lambda d: d["bands"].__setitem__("outside_widening", 0.1), "widening"),
        (lambda d: d["summary"].__setitem__("t_max", 1.0), "t_min < t_max"),
        (lambda d: d["summary"].__setitem__("physics_low", 5.0), "physics band is not ordered"),
        (lambda d: d["summary"].pop("physics_mid"), "five finite numbers"),
    ],
)
def test_a_fit_is_read_whole_or_not_at_all(change, words):
    """Round eight re-signed a stored fit with bands x0.1, NaN bands, a changed k or t_max; whatever a fit holds on
    disk is checked whole on read: a shrinkage outside [0, 1], a band not finite and ordered, a widening below 1, a
    summary not finite and ordered is refused (ValueError; the query then fits again)."""
    rows = E.expected_rows("database")
    fitted = P.fit("database", rows.features, np.log10(rows.measured), rows.pair, rows.paper, rows.temperature,
                   bases=("ridge",), names=rows.names)  # fmt: skip
    arrays = S.fitted_arrays(fitted, S.summary_of(rows))
    S.fitted_from(arrays)
    doc = json.loads(str(arrays["document"]))
    change(doc)
    with pytest.raises(ValueError, match=words):
        S.fitted_from({**arrays, "document": np.array(json.dumps(doc))})
