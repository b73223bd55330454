"""kapitza._backend: --device selection, the numpy and torch operations with one meaning, the GPU batching rule."""

from __future__ import annotations

import pickle
import subprocess
import sys

import numpy as np
import pytest

from kapitza import _backend
from kapitza._backend import NUMPY, backend_of, fit_batch, select_backend
from kapitza.errors import InputError, MissingDependencyError


def _has_gpu() -> bool:
    if not _backend.torch_installed():
        return False
    import torch

    return bool(torch.cuda.is_available())


def test_cpu_is_numpy_and_unknown_devices_are_refused_with_the_choices():
    assert select_backend("cpu") is NUMPY and select_backend(" CPU ") is NUMPY
    assert NUMPY.name == "numpy" and NUMPY.device == "cpu" and NUMPY.label == "numpy (cpu)" and not NUMPY.is_gpu
    assert NUMPY.free_memory() is None
    with pytest.raises(InputError, match=r"^device must be one of auto, cpu, gpu, torch-cpu \(or cuda:N\), got 'tpu'$"):
        select_backend("tpu")
    with pytest.raises(InputError, match=r"^device must be one of auto, cpu, gpu, torch-cpu, got 3$"):
        select_backend(3)


def test_auto_takes_the_gpu_only_where_there_is_one():
    chosen = select_backend("auto")
    if _has_gpu():
        assert chosen.name == "torch" and chosen.device.startswith("cuda:") and chosen.is_gpu
    else:
        assert chosen is NUMPY


@pytest.mark.skipif(_backend.gpu_possible(), reason="a GPU driver is installed here")
def test_auto_without_a_gpu_driver_does_not_import_torch():
    """Importing torch costs seconds; on a machine without a GPU driver "auto" is numpy without it."""
    code = "import sys; from kapitza._backend import select_backend; b = select_backend('auto'); "
    code += "print(b.name, 'torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["numpy", "False"]


@pytest.mark.skipif(_has_gpu(), reason="this machine has a GPU")
def test_gpu_without_a_gpu_is_one_clear_line():
    pytest.importorskip("torch")
    with pytest.raises(InputError, match=r"^device 'gpu': no GPU: torch\.cuda\.is_available\(\) is False$"):
        select_backend("gpu")
    with pytest.raises(InputError, match="no GPU"):
        select_backend("cuda:1")


def test_torch_missing_names_the_gpu_extra(monkeypatch):
    """With torch not importable, "gpu" and "torch-cpu" name the extra that installs it and "auto" is numpy."""
    monkeypatch.setitem(sys.modules, "torch", None)  # import torch -> ImportError
    monkeypatch.setattr(_backend, "torch_installed", lambda: False)
    monkeypatch.setattr(_backend, "gpu_possible", lambda: True)
    _backend._torch.cache_clear()
    try:
        for device in ("gpu", "torch-cpu"):
            with pytest.raises(MissingDependencyError, match=r"pip install 'kapitza\[gpu\]'") as err:
                select_backend(device)
            assert "'torch' is not installed" in str(err.value)
        assert select_backend("auto") is NUMPY
    finally:
        _backend._torch.cache_clear()


def test_numpy_arrays_never_import_torch():
    """The numpy path (``import kapitza``, the AGF kernels on numpy arrays, ``--device cpu``) does not load torch."""
    code = (
        "import sys, numpy as np\n"
        "from kapitza._backend import backend_of, select_backend, NUMPY\n"
        "from kapitza.transmission.agf import kernels\n"
        "assert backend_of(np.zeros(2)) is NUMPY and select_backend('cpu') is NUMPY\n"
        "z = np.array([1.0 + 1e-3j])\n"
        "lead = kernels.LeadBlocks(np.eye(2, dtype=complex) * 2, np.eye(2, dtype=complex) * -0.5, np.eye(2,"
        " dtype=complex))\n"
        "kernels.self_energy(z, lead)\n"
        "print('torch' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_backends_pickle_and_compare_by_name_and_device():
    torch = pytest.importorskip("torch")
    t = select_backend("torch-cpu")
    assert t.name == "torch" and t.device == "cpu" and t.label == "torch (cpu)" and not t.is_gpu
    for b in (NUMPY, t):
        assert pickle.loads(pickle.dumps(b)) == b
    assert t != NUMPY and backend_of(torch.zeros(1)) == t and backend_of([1.0]) is NUMPY


def _ops_cases(rng):
    a = rng.standard_normal((3, 4, 4)) + 1j * rng.standard_normal((3, 4, 4))
    b = rng.standard_normal((3, 4, 2)) + 1j * rng.standard_normal((3, 4, 2))
    ties = np.array([[2.0, 1.0, 2.0, 1.0, 0.5], [1.0, 1.0, 1.0, 0.0, 1.0]])
    mask = np.array([[True, False, True, True], [False, False, False, False]])
    return a, b, ties, mask


def test_torch_operations_mean_what_numpys_do():
    """Each operation the kernels use gives numpy's result on torch's CPU, on the cases where the two libraries
    could differ: stable argsort with ties, take_along_axis with broadcast indices, where with scalars, the
    materialised conjugate transpose, masked and indexed assignment, reductions over several axes, repeat and
    tile, the dtype of every result."""
    torch = pytest.importorskip("torch")
    t = select_backend("torch-cpu")
    rng = np.random.default_rng(3)
    a, b, ties, mask = _ops_cases(rng)
    ta, tb, tties, tmask = (t.asarray(x) for x in (a, b, ties, mask))
    assert ta.dtype == torch.complex128 and tmask.dtype == torch.bool

    def same(x, y, exact=True):
        y = t.to_numpy(y)
        assert y.dtype == np.asarray(x).dtype and y.shape == np.shape(x)
        if exact:
            np.testing.assert_array_equal(y, x)
        else:
            np.testing.assert_allclose(y, x, rtol=1e-13, atol=1e-13)

    same(NUMPY.argsort_stable(ties, axis=1), t.argsort_stable(tties, axis=1))
    idx = NUMPY.argsort_stable(ties[:, :4], axis=1)[:, None, :3]
    x3 = np.stack([a[0, :2], a[1, :2]])  # (2, 2, 4)
    same(NUMPY.take_along_axis(x3, idx, axis=2), t.take_along_axis(t.asarray(x3), t.asarray(idx), axis=2))
    same(NUMPY.where(mask, 1, 2), t.where(tmask, 1, 2))
    same(NUMPY.where(ties > 1, ties, np.inf), t.where(tties > 1, tties, t.inf))
    same(NUMPY.maximum(ties, 1.5), t.maximum(tties, 1.5))
    same(NUMPY.minimum(ties, 1.5), t.minimum(tties, 1.5))
    same(NUMPY.dagger(a), t.dagger(ta))
    same(NUMPY.conj(a), t.conj(ta))
    same(NUMPY.count_nonzero(mask, axis=1), t.count_nonzero(tmask, axis=1))
    same(NUMPY.flatnonzero(mask), t.flatnonzero(tmask))
    same(NUMPY.amax(np.abs(a), (1, 2)), t.amax(t.abs(ta), (1, 2)))
    same(NUMPY.sum(mask, 0), t.sum(tmask, 0))
    same(NUMPY.repeat(a, 2, axis=0), t.repeat(ta, 2, axis=0))
    same(NUMPY.tile(ties[0], 3), t.tile(tties[0], 3))
    same(NUMPY.astype(mask, NUMPY.float64) * 4.0, t.astype(tmask, t.float64) * 4.0)
    assert NUMPY.absmax(a) == t.absmax(ta) and t.absmax(t.zeros((0, 3))) == 0.0 == NUMPY.absmax(np.zeros((0, 3)))
    same(NUMPY.solve(a, b), t.solve(ta, tb), exact=False)
    same(NUMPY.inv(a), t.inv(ta), exact=False)
    same(NUMPY.vector_norm(a, axis=1, keepdims=True), t.vector_norm(ta, axis=1, keepdims=True), exact=False)
    same(NUMPY.cond(a), t.cond(ta), exact=False)
    same(NUMPY.einsum("bij,bij->b", a, a), t.einsum("bij,bij->b", ta, ta), exact=False)
    w, v = t.eig(ta)  # an eigendecomposition, whatever the order and phases: A V = V diag(w)
    np.testing.assert_allclose(t.to_numpy(ta @ v), t.to_numpy(v * w[:, None, :]), atol=1e-12)
    np.testing.assert_allclose(np.sort_complex(t.to_numpy(t.eigvals(ta))), np.sort_complex(np.linalg.eigvals(a)))
    # masked and indexed writes, in place, as numpy's
    g_np, g_t = np.zeros((3, 2)), t.zeros((3, 2))
    ok = np.array([True, False, True])
    g_np[ok] = 1.5
    g_t[t.asarray(ok)] = 1.5
    g_np[np.array([1])] += 2.0
    g_t[t.index([1])] += 2.0
    same(g_np, g_t)
    with pytest.raises(t.LinAlgError):
        t.solve(t.zeros((2, 2), dtype=complex), t.ones((2, 1), dtype=complex))
    with pytest.raises(NUMPY.LinAlgError):
        NUMPY.solve(np.zeros((2, 2), dtype=complex), np.ones((2, 1), dtype=complex))
    # the deferred check: solve_ex / inv_ex return at once, check_info raises for the singular one of a list
    good, singular = t.solve_ex(ta, tb)[1], t.inv_ex(t.zeros((2, 2), dtype=complex))[1]
    t.check_info([good, None])
    with pytest.raises(t.LinAlgError, match="Singular matrix"):
        t.check_info([good, singular])
    with pytest.raises(NUMPY.LinAlgError):
        NUMPY.inv_ex(np.zeros((2, 2), dtype=complex))
    same(NUMPY.solve_ex(a, b)[0], t.solve_ex(ta, tb)[0], exact=False)
    # to_numpy resolves torch's lazy conjugate views; asarray takes read-only numpy arrays (a copy)
    same(np.conj(a), ta.conj())
    frozen = a.copy()
    frozen.flags.writeable = False
    same(a, t.asarray(frozen))


def test_fit_batch_fills_the_usable_share_of_the_free_memory_and_refuses_what_never_fits():
    """The rule, with the free memory given (no GPU needed): the largest batch b <= most with
    fixed + b * per_item <= GPU_MEMORY_FRACTION * free; at least one, or InputError with the numbers.  The CPU
    backends keep ``most`` (the host's rule is inputs.fit_chunk)."""
    gpu = _backend._TorchBackend("torch", "cuda:0")  # the rule only: nothing runs on it
    f = _backend.GPU_MEMORY_FRACTION
    free = 10_000_000_000
    fixed, per = 1e9, 0.25e9
    b = fit_batch(gpu, 1000, fixed, per, free=free)
    assert fixed + b * per <= f * free < fixed + (b + 1) * per
    assert fit_batch(gpu, 3, fixed, per, free=free) == 3  # most caps it
    assert fit_batch(gpu, 0, fixed, per, free=free) == 1
    assert fit_batch(gpu, 7, fixed, 0.0, free=free) == 7
    assert fit_batch(gpu, 100, f * free - per, per, free=free) == 1  # exactly one fits
    with pytest.raises(InputError) as err:
        fit_batch(gpu, 100, f * free - per + 1e6, per, free=free)
    msg = str(err.value)
    assert msg.startswith("one frequency needs ~8 GB on cuda:0 (7.75 GB of blocks and 0.25 GB of workspace)")
    assert "more than 80% of its 10 GB free; use --device cpu" in msg and "\n" not in msg
    assert fit_batch(NUMPY, 25, 1e30, 1e30) == 25
    pytest.importorskip("torch")
    assert fit_batch(select_backend("torch-cpu"), 25, 1e30, 1e30) == 25


def test_the_form_of_a_device_is_checked_without_looking_for_one():
    """check_device (the schema's check of --device, issue 55): the names normalised, anything else refused in one
    line naming the option; nothing imported, no GPU asked for."""
    from kapitza._backend import check_device

    assert [check_device(d) for d in ("auto", " CPU ", "gpu", "cuda", "torch-cpu", "cuda:1", "GPU:0")] == [
        "auto", "cpu", "gpu", "gpu", "torch-cpu", "cuda:1", "cuda:0"
    ]  # fmt: skip
    for bad in ("tpu", "cuda:", "cuda:-1", "gpu:x", "", 3, None):
        with pytest.raises(InputError, match=r"^--device must be one of auto, cpu, gpu, torch-cpu \(or cuda:N\), got "):
            check_device(bad, "--device")


def test_what_ran_is_recorded_with_its_library_and_name():
    """device_record: the --device that selects the backend again, the library and its version, a name."""
    from kapitza._backend import device_argument, device_record

    rec = device_record(NUMPY)
    assert rec["device"] == "cpu" and rec["backend"] == "numpy" and rec["library"] == f"numpy {np.__version__}"
    assert rec["name"] and device_argument(NUMPY) == "cpu"
    assert NUMPY.release() is None  # nothing cached on the CPU
    torch = pytest.importorskip("torch")
    t = select_backend("torch-cpu")
    rec = device_record(t)
    assert rec["device"] == "torch-cpu" and rec["library"] == f"torch {torch.__version__}" and rec["name"]
    assert device_argument(t) == "torch-cpu" and device_argument(_backend._TorchBackend("torch", "cuda:2")) == "cuda:2"
    t.release()


def test_a_limit_below_the_usable_share_bounds_the_batch_and_is_named():
    """fit_batch(limit=): the smaller of 80 % of the free memory and the limit (--max-gpu-memory-gb)."""
    gpu = _backend._TorchBackend("torch", "cuda:0")  # the rule only: nothing runs on it
    assert _backend.usable_memory(10e9) == pytest.approx(8e9) and _backend.usable_memory(10e9, 2e9) == 2e9
    assert fit_batch(gpu, 1000, 1e9, 0.25e9, free=10e9, limit=2e9) == 4
    assert fit_batch(gpu, 1000, 1e9, 0.25e9, free=10e9, limit=50e9) == 28  # a limit above 80 % of free: no effect
    with pytest.raises(InputError, match=r"more than the 1 GB allowed \(10 GB free\); use --device cpu"):
        fit_batch(gpu, 10, 1e9, 0.25e9, free=10e9, limit=1e9)


def test_a_misaligned_or_read_only_array_is_copied_before_torch_takes_it():
    """Issue 55: dask gives a worker the arrays it scattered unpickled from a message, at any byte offset; torch
    indexing a complex128 array at offset 12 died of SIGSEGV.  asarray copies such an array (and a read-only one)."""
    pytest.importorskip("torch")
    t = select_backend("torch-cpu")
    view = np.frombuffer(bytearray(16 * 6 + 4), dtype=np.complex128, count=6, offset=4).reshape(2, 3)
    assert not view.flags.aligned and view.flags.writeable  # 4 bytes into its buffer
    view[...] = np.arange(6).reshape(2, 3) + 1j
    tensor = t.asarray(view)
    assert np.array_equal(t.to_numpy(tensor[:, [0, 2]]), view[:, [0, 2]])
    frozen = np.arange(4.0)
    frozen.flags.writeable = False
    assert np.array_equal(t.to_numpy(t.asarray(frozen)), frozen)
