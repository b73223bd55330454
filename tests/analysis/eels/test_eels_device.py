"""The joint EELS fits on the array backend (:mod:`kapitza._backend`): torch runs the numpy path's code.

Issue 40 item 2: the GPU path gives the numpy path's temperatures to 1e-9 K.  These tests run the torch code on the
CPU (``device="torch-cpu"``, the same code a GPU runs, on another device); they are skipped where torch is not
installed.  Reference: the numpy path itself (the calibrated estimator, ``tests/analysis/eels/test_eels_core.py``).
"""

from __future__ import annotations

import numpy as np
import pytest

from kapitza._backend import select_backend
from kapitza.analysis.eels import centring, core, fit_region, reasons, tails
from kapitza.analysis.eels.forward import simulate_stack
from kapitza.analysis.eels.stream import stream_temperature_map
from kapitza.errors import InputError
from kapitza.phonons.dos import material_dos


def _image(ny: int, nx: int, temperature: float, seed: int, dose: float = 1e7):
    dos = material_dos("AlN")
    stack = simulate_stack(dos.energy_mev, dos.dos, temperature, n_copies=ny * nx, seed=seed, dose=dose)
    return stack.replace(
        "as an image",
        counts=stack.counts.reshape(ny, nx, -1),
        variance=stack.variance.reshape(ny, nx, -1),
        positions_nm=(np.arange(ny) * 0.5, np.arange(nx) * 0.5),
        nav_names=("y", "x"),
    )


def test_torch_cpu_map_equals_the_numpy_map_to_1e_9_kelvin():
    """A 3 x 6 image (300 K in the first three columns, 650 K in the rest, dose 1e7, noisy): the map through
    torch's code (on the CPU) has the numpy map's valid pixels, temperatures and errors to 1e-9 K, and says which
    ran."""
    pytest.importorskip("torch")
    cold, hot = _image(3, 3, 300.0, 1), _image(3, 3, 650.0, 2)
    image = cold.replace(
        "two halves",
        counts=np.concatenate((cold.counts, hot.counts), axis=1),
        variance=np.concatenate((cold.variance, hot.variance), axis=1),
        positions_nm=(np.arange(3) * 0.5, np.arange(6) * 0.5),
    )
    ref = stream_temperature_map(image, device="cpu")
    run = stream_temperature_map(image, device="torch-cpu")
    assert ref.device == "numpy (cpu)" and run.device == "torch (cpu)"
    assert run.steps[-2] == "fits on torch (cpu)"
    assert ref.n_valid == 18 and np.array_equal(run.valid, ref.valid)
    assert np.max(np.abs(run.temperature - ref.temperature)) < 1e-9
    assert np.max(np.abs(run.temperature_err - ref.temperature_err)) < 1e-9
    # the temperatures are the estimator's, not noise: each half near its truth
    assert abs(np.median(ref.temperature[:, :3]) - 300.0) < 30.0
    assert abs(np.median(ref.temperature[:, 3:]) - 650.0) < 60.0


def test_torch_cpu_fits_every_family_and_every_reason_as_numpy_does():
    """All four tail families (the Voigt tail's Faddeeva function stays on the host), a given window with the
    one-sided bound, dark and faint rows: the same reasons, temperatures, errors and bounds per row (1e-9 K), and
    every family's chi2 to 1e-9 relative."""
    pytest.importorskip("torch")
    data = _image(1, 10, 300.0, 3)
    c = data.counts.reshape(10, -1).copy()
    v = data.variance.reshape(10, -1).copy()
    c[0], v[0] = 0.0, 0.0  # dark: no zero-loss peak
    c[1] *= 1e-4  # faint: no loss signal above noise
    v[1] *= 1e-4
    sp = centring.centre_block(c, v, data.energy_mev, half=centring.grid_half(c.shape[1]))
    torch_cpu = select_backend("torch-cpu")
    for st in (fit_region.Settings(families=tails.FAMILIES), fit_region.Settings(window=(40.0, 90.0), bound=True)):
        a = core.fit_block(sp, st)
        b = core.fit_block(sp, st, torch_cpu)
        assert np.array_equal(a["reason"], b["reason"])
        assert a["valid"].sum() == 8 and a["reason"][0] == reasons.NO_PEAK and a["reason"][1] == reasons.NO_LOSS
        ok = a["valid"]
        assert np.max(np.abs(a["temperature"][ok] - b["temperature"][ok])) < 1e-9
        assert np.max(np.abs(a["temperature_err"][ok] - b["temperature_err"][ok])) < 1e-9
        fa, fb = a["family_chi2"][ok], b["family_chi2"][ok]
        assert np.array_equal(np.isnan(fa), np.isnan(fb))
        assert np.nanmax(np.abs(fa - fb) / fa) < 1e-9


def test_a_gpu_asked_for_without_one_is_one_clear_line():
    """``device="gpu"`` where no GPU is there: an InputError that says so, before anything is read."""
    try:
        import torch

        if torch.cuda.is_available():
            pytest.skip("this machine has a GPU")
    except ImportError:
        pass
    with pytest.raises((InputError, ImportError)) as info:
        stream_temperature_map(_image(1, 2, 300.0, 4), device="gpu")
    assert "\n" not in str(info.value)


def test_the_subtracted_background_runs_on_numpy_only():
    pytest.importorskip("torch")
    with pytest.raises(InputError, match="numpy only"):
        stream_temperature_map(_image(1, 2, 300.0, 5), (50.0, 80.0), background="power-law", device="torch-cpu")
