"""Shared fixtures and helpers for the kapitza test suite."""

from __future__ import annotations

import functools
import sys
import warnings
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest

from kapitza.units import HBAR, KB

#: scripts/ on the path: tests/calibration imports the calibration generators shared with the docs page
#: (``from calibration import eels, common``).  Here, not in a conftest of tests/calibration, because a second
#: conftest module would shadow this one for the tests that import ``no_warnings`` from ``conftest``.
SCRIPTS = Path(__file__).resolve().parents[1] / "scripts"
if str(SCRIPTS) not in sys.path:
    sys.path.insert(0, str(SCRIPTS))

#: Test helper modules shared across directories, importable from any test whatever was collected first:
#: tests/ itself (chain_md, dask_processes, json_rules; pytest puts it there for this conftest) and
#: tests/analysis (analysis_synthetic, run_dir_synthetic, spectral_synthetic, also used by tests/md and
#: tests/plotting).
HELPERS = Path(__file__).resolve().parent / "analysis"
if str(HELPERS) not in sys.path:
    sys.path.append(str(HELPERS))

#: pi^2 kB^4 / (30 hbar^3): G/T^3 of a unit-transmission channel sum S = sum_p 1/v_p^2.
#: From G = sum_p tau_p/(8 pi^2 v_p^2) * int hbar w^3 dn/dT dw and
#: int_0^inf x^4 e^x/(e^x-1)^2 dx = 4 pi^4/15 (Swartz & Pohl 1989, Eq. (14)).
LOW_T_PREFACTOR = np.pi**2 * KB**4 / (30 * HBAR**3)


@contextmanager
def no_warnings():
    """Turn every warning, and numpy's divide/overflow/invalid events, into an error.

    Underflow stays ignored (numpy's default): exp(-1000) = 0 is correct, not a warning.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(divide="raise", over="raise", invalid="raise", under="ignore"):
            yield


@pytest.fixture(scope="session", autouse=True)
def isolated_cache(tmp_path_factory):
    """Every test session gets its own on-disk cache (force constants, meshes)."""
    import os

    path = tmp_path_factory.mktemp("kapitza-cache")
    old = os.environ.get("KAPITZA_CACHE_DIR")
    os.environ["KAPITZA_CACHE_DIR"] = str(path)
    yield path
    if old is None:
        os.environ.pop("KAPITZA_CACHE_DIR", None)
    else:
        os.environ["KAPITZA_CACHE_DIR"] = old


@pytest.fixture
def strict():
    """Fixture form of :func:`no_warnings`."""
    with no_warnings():
        yield


def run_cli(capsys, *args):
    """Run the kapitza CLI in-process on ``args`` (any path-like or number is turned into text): returns
    (exit status, stdout, stderr)."""
    from kapitza.cli import main

    status = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture
def cli(capsys):
    """The one in-process CLI runner as a fixture: ``status, out, err = cli("predict", "Al", "Si", "-t", 300)``.

    Each call returns what that command alone printed (capsys is read after it).  A test that needs a separate
    process (start-up, environment, signals) uses subprocess itself, and says why.
    """
    return functools.partial(run_cli, capsys)


@pytest.fixture(scope="module")
def dask_address(tmp_path_factory):
    """tcp://127.0.0.1:PORT of a scheduler with two single-threaded workers, all separate processes
    (tests/dask_processes.py), shared by the tests of one module and killed after them."""
    from dask_processes import separate_cluster

    with separate_cluster(tmp_path_factory.mktemp("dask"), n_workers=2) as addr:
        yield addr
