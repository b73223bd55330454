"""Issue 85, item 5: the estimate ships as numbers.  Each route's fit on the shipped rows is package data
(prediction/data/expected_fit_<route>.npz, scripts/calibration/ship_fits.py); a query on a fresh install reads it with
numpy alone.  Held here to the procedure as it fits now, and to the files it was made from."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

from kapitza.prediction.expected import stored
from kapitza.prediction.expected.procedure import fit
from kapitza.prediction.expected.rows import ALL_ROUTES, expected_rows

STALE = "the shipped fit was made from other files: run `PYTHONPATH=src python -m calibration.ship_fits` in scripts/"


@pytest.mark.parametrize("route", ALL_ROUTES)
def test_the_shipped_fit_is_the_fit_of_the_installed_files(route):
    """Its digest is the installed files' (else a query would refit), and it predicts, bands and shrinks as the
    procedure fitted now on the same rows does (to 1e-9: the same arithmetic, stored as numbers)."""
    with np.load(stored._shipped_path(route), allow_pickle=False) as found:
        assert str(found["inputs"]) == stored.inputs_digest(), STALE
    shipped, summary = stored._from_package(route)
    rows = expected_rows(route)
    now = fit(route, rows.features, np.log10(rows.measured), rows.pair, rows.paper, rows.temperature,
              names=rows.names)  # fmt: skip
    np.testing.assert_allclose(shipped.x, now.x, rtol=0, atol=0, equal_nan=True)
    q = rows.features[:: max(1, len(rows) // 50)]
    np.testing.assert_allclose(shipped._full[0][0].predict(q), now._base_without(None)[0].predict(q), rtol=1e-9)
    assert shipped.k == pytest.approx(now.k, rel=1e-9) and shipped.base_kind == now.base_kind
    for split in (False, True):
        assert shipped.bands.percentiles[split] == pytest.approx(now.bands.percentiles[split], rel=1e-9)
    assert summary == pytest.approx(stored.summary_of(rows))


def test_a_changed_input_is_not_read(tmp_path, monkeypatch):
    """A digest that is not the installed files' (as after an edit of the compilation): the shipped fit is not
    read (the query fits again in the process, storing nothing)."""
    monkeypatch.setattr(stored, "inputs_digest", lambda: "0" * 64)
    assert stored._from_package("database") is None


def test_a_fresh_install_answers_without_scikit_learn(tmp_path):
    """In a new process with an empty cache (a separate process: which modules a first query imports is the
    question) where scikit-learn cannot be imported (it is an extra now), ``kapitza.predict('Al', 'Si', 300)`` leads
    with its expected measurement and imports neither scikit-learn nor scipy at all (issue 85's goal named
    scipy.optimize; scipy.constants alone cost 0.1 s of start-up, so the rule is now the whole of scipy)."""
    code = (
        "import sys\n"
        "sys.modules['sklearn'] = None  # as if scikit-learn were not installed: importing it fails\n"
        "import kapitza\n"
        "p = kapitza.predict('Al', 'Si', 300.0)\n"
        "print(p.expected.line(0))\n"
        "print(sys.modules['sklearn'] is not None or any(m.split('.')[0] == 'scipy' for m in sys.modules))\n"
    )
    env = {**os.environ, "KAPITZA_CACHE_DIR": str(tmp_path / "cache")}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    line, imported = done.stdout.strip().splitlines()[-2:]
    assert line.startswith("expected measurement at 300 K:")
    assert imported == "False"


def test_a_shipped_file_that_cannot_be_read_is_not_used(tmp_path, monkeypatch):
    """A truncated or altered shipped fit (bytes that are no npz, or an npz cut short): not used, said once; the
    query then fits as where none is shipped."""
    whole = stored._shipped_path("database").read_bytes()
    for content in (b"not an npz", whole[: len(whole) // 2]):
        path = tmp_path / "expected_fit_database.npz"
        path.write_bytes(content)
        monkeypatch.setattr(stored, "_shipped_path", lambda route, p=path: p)
        with pytest.warns(Warning, match="cannot be read"):
            assert stored._from_package("database") is None
