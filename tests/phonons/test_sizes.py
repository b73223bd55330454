"""Absurd meshes and widths are refused before any work, with the estimate and the override (issue 9).

The review saw ``kapitza phonons --mesh 10000`` end in "Unable to allocate 7.28 TiB" and
``--width 1e6`` killed at 24 GB; meshes 1 and 2 gave 11x and 6x the converged DMM with no warning.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from kapitza.errors import InputError
from kapitza.phonons import full_dispersion as fd
from kapitza.phonons.full_dispersion import full_dispersion_spectrum
from kapitza.phonons.harmonic import HarmonicCrystal
from kapitza.phonons.modes import (
    BYTES_PER_MESH_POINT,
    MESH_FLOOR,
    ConvergenceWarning,
    check_mesh,
    check_width,
    tabulate,
    unit_vector,
)


@pytest.fixture
def no_crystal(monkeypatch):
    """Fail the test if a crystal is built: the checks must come first."""

    def refuse(*args, **kwargs):
        raise AssertionError("work started before the size check")

    monkeypatch.setattr(fd, "harmonic_crystal", refuse)


def test_mesh_10000_is_refused_up_front(no_crystal):
    with pytest.raises(
        InputError, match=r"10000x10000x10000 mesh .* GB \(limit 4 GB; raise it with max_memory_gb="
    ) as e:
        full_dispersion_spectrum("Si", mesh=10000)
    assert "np." not in str(e.value)


def test_width_1e6_is_refused_up_front(no_crystal):
    with pytest.raises(InputError, match=r"broadening width 1e\+06 needs ~.* GB"):
        full_dispersion_spectrum("Si", width=1e6)


@pytest.mark.parametrize("width", [0.0, -1.0, float("nan"), float("inf")])
def test_bad_width_is_refused_up_front(no_crystal, width):
    with pytest.raises(InputError, match="width must be a positive number"):
        full_dispersion_spectrum("Si", width=width)


def test_limit_can_be_raised():
    """The override works: the estimate of 200^3 (8e6 points) is ~8 GB, accepted with 16."""
    check_mesh((200, 200, 200), max_memory_gb=16)
    with pytest.raises(InputError, match="GB"):
        check_mesh((200, 200, 200))
    assert 200**3 * BYTES_PER_MESH_POINT > 4e9


@pytest.mark.parametrize("limit", [0, -1, float("nan"), "lots"])
def test_bad_memory_limit(limit):
    with pytest.raises(InputError, match="max_memory_gb must be (> 0|finite|a number)"):
        check_mesh((8, 8, 8), max_memory_gb=limit)


def test_default_settings_pass_the_checks():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check_mesh((24, 24, 24))
        check_mesh((32, 32, 32))
        check_width(1.0, (16, 16, 16))


@pytest.mark.parametrize("mesh", [1, 2, MESH_FLOOR - 1])
def test_mesh_below_floor_warns(mesh):
    with pytest.warns(ConvergenceWarning, match="convergence floor"):
        check_mesh((mesh, mesh, mesh))


def test_small_mesh_spectrum_warns():
    """The issue's case: a 2x2x2 full-dispersion mesh is computed, with a warning."""
    crystal = HarmonicCrystal.from_potential("Si", "sw")
    with pytest.warns(ConvergenceWarning):
        spectrum = full_dispersion_spectrum(crystal, mesh=2)
    assert spectrum.mesh == (2, 2, 2)


def test_tabulate_checks_the_exact_grid():
    """A width that passes the up-front estimate but whose real grid is too big is refused in tabulate."""
    crystal = HarmonicCrystal.from_potential("Si", "sw")
    sample = crystal.mode_sample((8, 8, 8), unit_vector("001"))
    check_width(200.0, (8, 8, 8), max_memory_gb=0.1)  # the lower-bound estimate passes
    with pytest.raises(InputError, match="broadening width 200 needs"):
        tabulate(sample, width=200.0, max_memory_gb=0.1)
    tables = tabulate(sample, width=0.5, max_memory_gb=0.1)
    assert np.all(np.isfinite(tables.channels))
