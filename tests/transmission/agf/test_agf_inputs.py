"""run_agf checks every input before any work, refuses absurd sizes, and reports G(0 K) = 0 without warnings."""

from __future__ import annotations

import numpy as np
import pytest

from kapitza.errors import InputError
from kapitza.transmission.agf import inputs
from kapitza.transmission.agf.result import AGFResult, intrinsic_conductance
from kapitza.transmission.agf.run import run_agf


@pytest.fixture
def no_build(monkeypatch):
    """Make building a structure fail the test: inputs must be refused before any work."""
    import kapitza.atomistic.structures as structures

    def fail(*args, **kwargs):
        pytest.fail("build_interface was called although an input was bad")

    monkeypatch.setattr(structures, "build_interface", fail)


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"temperature": [-5]}, "temperature= must be finite and >= 0 K, got -5 K"),
        ({"temperature": [float("nan")]}, "got nan K"),
        ({"eta": 0.0}, "eta= must be > 0 (eta = 0 is not offered: an intermixed device has bound states"),
        ({"kpoints": 0}, "kpoints="),
        ({"frequencies": 1}, "frequencies= must be >= 20"),
        ({"cells": (0, 3)}, "cells="),
        ({"seed": 1.5}, "seed= must be an integer, got 1.5"),
        ({"mixing_layers": 1.7}, "mixing_layers= must be an integer, got 1.7"),
        ({"workers": 0}, "workers= must be a whole number of local worker processes from 1 to"),
        ({"check_broadening": "no"}, "check_broadening= must be true or false, got 'no'"),
        ({"normal": "123"}, "normal= must be one of 001, 110, 111"),
        ({"temperature": [np.float64(-5.0)]}, "got -5 K"),
    ],
)
def test_bad_inputs_are_refused_before_any_structure_is_built(no_build, kwargs, words):
    """The builder is replaced by one that fails the test: every bad input must be refused before it."""
    with pytest.raises(InputError) as info:
        run_agf("Si", "Ge", **kwargs)
    assert words in str(info.value) and "np.float64" not in str(info.value)


def test_unwritable_output_is_refused_before_any_work(no_build, tmp_path):
    with pytest.raises(InputError, match="output="):
        run_agf("Si", "Ge", output=tmp_path)  # a directory
    with pytest.raises(InputError, match="output="):
        run_agf("Si", "Ge", output=tmp_path / "missing" / "r.npz")


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        (
            {"kpoints": 10000},
            "need ~422 GB of memory in all (libraries 0.15 GB, sweeps 422 GB; limit 4 GB; raise it "
            "with max_memory_gb=)",
        ),  # fmt: skip
        ({"frequencies": 100_000_000}, "raise it with max_memory_gb="),
    ],
)
def test_absurd_sizes_are_refused_with_the_estimate_and_the_override(no_build, kwargs, words):
    """kpoints 10000 was seen taking 22.9 GB before dying (issue 9); the estimate names the override."""
    with pytest.raises(InputError) as info:
        run_agf("Si", "Ge", **kwargs)
    assert words in str(info.value)


def test_memory_estimate_counts_irreducible_points_and_sweeps():
    """2x2 grid: 4 points, pairs (k, -k) merge to 2; 3x3: 9 points, Gamma is its own partner -> 5."""
    assert inputs.irreducible_kpoints((2, 2)) == 2 and inputs.irreducible_kpoints((3, 3)) == 5
    small = inputs.estimate_memory((8, 8), 200, check_broadening=True)
    assert small < 1e7  # the default run needs a few MB
    assert inputs.estimate_memory((8, 8), 200, False) < small


def test_time_estimate_refuses_with_the_override_name():
    with pytest.raises(InputError, match=r"--max-hours"):
        inputs.check_time(2.0, 100_000, 1, max_hours=1.0, label=inputs.cli_name)
    assert inputs.check_time(0.01, 100, 2) == pytest.approx(0.5)


def test_zero_kelvin_gives_zero_conductance_and_infinite_resistance_without_warnings():
    """At T = 0 K no phonon is excited: G = 0 for the interface and both leads, so G_int = 0 and R = inf
    (issue 9 saw G_int = inf, R = 0 and RuntimeWarnings).  Above 0 K the Simons formula holds."""
    g = np.array([0.0, 100.0])
    gb = np.array([[0.0, 400.0], [0.0, 400.0]])
    with np.errstate(all="raise"):
        out = intrinsic_conductance(g, gb)
    assert out[0] == 0.0 and out[1] == pytest.approx(1.0 / (1 / 100.0 - 1 / 400.0))


def test_agf_result_is_frozen_and_short(sige_small):
    result, _ = sige_small
    assert isinstance(result, AGFResult)
    with pytest.raises(ValueError):
        result.conductance[0] = 0.0
    with pytest.raises(ValueError):
        result.transmission.xi_k[0, 0] = 0.0
    assert len(repr(result)) <= 240 and "AGFResult(" in repr(result)
    assert result.intrinsic[0] == 0.0 and np.isinf(result.resistance[0])  # T = 0 K row


@pytest.fixture(scope="module")
def sige_small():
    """A small Si/Ge run with a 0 K row (2x2 k, 20 frequencies: fast, not converged)."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        return run_agf("Si", "Ge", kpoints=2, frequencies=20, temperature=[0.0, 300.0], check_broadening=False)


def test_the_connect_timeout_of_a_sweep_at_an_address_reaches_connect(monkeypatch):
    """Issue 39: ``transmission(..., address=)`` waited the default 10 s whatever the caller wanted (the timeout
    was not passed to connect).  Now the one ``connect_timeout`` goes through, and a bad one is refused first."""
    from kapitza.transmission.agf import parallel
    from kapitza.transmission.agf.model import chain_model
    from kapitza.transmission.agf.solver import transmission

    seen: list[tuple[str, float]] = []

    def fake_connect(address, timeout=parallel.CONNECT_TIMEOUT):
        seen.append((address, timeout))
        raise InputError("no dask scheduler answered (test)")

    monkeypatch.setattr(parallel, "connect", fake_connect)
    model = chain_model(1.0, 2.0, 1.0, 1.0, 1.0)
    with pytest.raises(InputError, match="test"):
        transmission(model, [1.0, 2.0], address="tcp://127.0.0.1:1", connect_timeout=0.25)
    assert seen == [("tcp://127.0.0.1:1", 0.25)]
    with pytest.raises(InputError, match="connect_timeout="):
        transmission(model, [1.0, 2.0], address="tcp://127.0.0.1:1", connect_timeout=-1.0)
    assert len(seen) == 1
