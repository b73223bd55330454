"""The AGF run on the array backend (issue 55): ``run_agf(device=)``, the GPU's batching and memory, dask workers.

No GPU is lent to these tests: the GPU's code path runs on torch's CPU (``device="torch-cpu"``: the same kernels,
the same stacking of frequencies when a batch is given), and the checks that come before any work on a GPU
(selection, its memory, the refusals) run against a GPU that torch is made to report (the ``fake_gpu`` fixture of
tests/conftest.py: nothing runs on it).  The reference of every parity test is the numpy path of the same run,
which is the code kapitza has always run (``device="cpu"``); issue 55 asks 1e-10 relative on the transmission,
G(T) and the grid-error statement.  On a machine with a GPU, ``benchmarks/gpu.py`` measures the same parity on it.
"""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="the torch backend needs torch (pip install 'kapitza[gpu]')")

from kapitza.errors import InputError  # noqa: E402
from kapitza.transmission.agf import parallel  # noqa: E402
from kapitza.transmission.agf.run import estimate_run_memory, run_agf  # noqa: E402
from kapitza.transmission.agf.solver import lead_channels, transmission  # noqa: E402

#: Relative agreement asked of every number between the devices (issue 55 item 5).
PARITY = 1e-10
#: The smallest run of the other AGF tests: SW Si | Ge [001], 1x1 cell, 2x2 k (2 irreducible), 20 frequencies.
TINY = {"kpoints": 2, "frequencies": 20, "temperature": [50.0, 300.0]}


class Stop(Exception):
    pass


def rel(a, b) -> float:
    """max |a - b| / max |b|: the error against the largest value (a transmission is ~0 at its band edges)."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    assert a.shape == b.shape
    return float(np.abs(a - b).max(initial=0.0) / max(np.abs(b).max(initial=0.0), 1e-300))


def assert_same_numbers(got, reference) -> None:
    """Transmission, G(T) (two-probe, intrinsic, ballistic), the grid-error statement and the broadening check of
    two AGFResults agree to PARITY."""
    assert rel(got.transmission.xi_k, reference.transmission.xi_k) < PARITY
    for name in ("conductance", "intrinsic", "ballistic", "frequency_grid_error_estimate",
                 "frequency_grid_error_bound"):  # fmt: skip
        assert rel(getattr(got, name), getattr(reference, name)) < PARITY, name
    np.testing.assert_array_equal(got.lead_xi, reference.lead_xi)  # channel counts: integers, the same
    if reference.broadening is not None:
        assert rel(got.broadening.conductance, reference.broadening.conductance) < PARITY


@pytest.fixture(scope="module")
def numpy_run():
    """The reference: the tiny run on numpy, with the broadening check (every sweep of a run)."""
    return run_agf("Si", "Ge", device="cpu", **TINY)


def test_torch_cpu_gives_the_numpy_numbers_and_records_its_device(numpy_run):
    """Every sweep of a run (the interface, both leads' channel counts, the broadening check at eta/2) on torch's
    CPU: the same transmission, G(T) and grid-error statement as numpy to 1e-10.  The result records what ran.
    (Leads folded onto the 1x1 cell's, as a lateral supercell's are, swept on the device:
    test_backend_parity.py::test_folded_si_ge_sweep_and_counts_on_the_device.)"""
    reference = numpy_run[0]
    got, _ = run_agf("Si", "Ge", device="torch-cpu", **TINY)
    assert_same_numbers(got, reference)
    d = got.device
    assert d["requested"] == "torch-cpu" and d["device"] == "torch-cpu" and d["backend"] == "torch"
    assert d["library"] == f"torch {torch.__version__}" and d["name"]
    assert "host ~" in d["memory"] and "GPU" not in d["memory"]  # torch's CPU: the host's memory alone
    assert reference.device["device"] == "cpu" and reference.device["library"].startswith("numpy ")
    assert got.transmission.metadata["device"] == "torch-cpu"
    assert got.inputs()["device"]["library"] == d["library"]  # in the record of every input (--json, saved files)


def test_auto_is_numpy_where_there_is_no_gpu(numpy_run):
    """The default device is auto: on this machine (no GPU) the numpy path, recorded as asked."""
    from kapitza._backend import gpu_count

    if gpu_count():
        pytest.skip("this machine has a GPU")
    got, _ = run_agf("Si", "Ge", **TINY)
    assert got.device["requested"] == "auto" and got.device["device"] == "cpu"
    np.testing.assert_array_equal(got.conductance, numpy_run[0].conductance)


@pytest.fixture(scope="module")
def sweep_inputs(numpy_run):
    _, model = numpy_run
    return model, numpy_run[0].transmission.omega


@pytest.mark.parametrize("batch", [12, 3], ids=["stacked-chunks", "chunk-in-pieces"])
def test_the_gpu_batching_on_the_cpu_gives_the_same_units_and_numbers(batch, sweep_inputs, tmp_path):
    """The GPU's way of a sweep, run on torch's CPU: chunks of one k point stacked up to ``batch`` frequencies per
    call (12: two chunks of 5 in a call), or a chunk larger than the batch cut into pieces (3).  Xi equals numpy's
    one-chunk-per-call sweep to 1e-10 and the largest decimation steps per k point are the same; the checkpoint holds
    the same units, so a numpy sweep finds every one of them (nothing computed again)."""
    model, omega = sweep_inputs
    reference = transmission(model, omega, 2, chunk=5)
    got = transmission(model, omega, 2, chunk=5, device="torch-cpu", batch=batch, checkpoint=tmp_path)
    assert rel(got.xi_k, reference.xi_k) < PARITY
    np.testing.assert_array_equal(got.steps, reference.steps)
    seen = []
    again = transmission(model, omega, 2, chunk=5, checkpoint=tmp_path, progress=lambda d, t: seen.append((d, t)))
    assert seen == [(8, 8)]  # 2 k points x 4 chunks, all found on disk
    assert again.metadata["resumed"] == 8 and list(again.metadata["resumed_from"]) == ["torch-cpu"]
    np.testing.assert_array_equal(again.xi_k, got.xi_k)
    on_numpy = transmission(model, omega, 2, chunk=5, device="cpu", batch=batch)  # numpy stacks alike
    assert rel(on_numpy.xi_k, reference.xi_k) < PARITY


def test_channel_counts_stacked_on_torch_are_numpys(sweep_inputs):
    """The leads' channel counts (integers) on torch's CPU, stacked 12 frequencies per call: equal to numpy's."""
    model, omega = sweep_inputs
    for side in ("left", "right"):
        reference = lead_channels(model, side, omega, 2, chunk=5)
        got = lead_channels(model, side, omega, 2, chunk=5, device="torch-cpu", batch=12)
        np.testing.assert_array_equal(got.xi_k, reference.xi_k)
        assert reference.xi_k.max() >= 1 and got.metadata["device"] == "torch-cpu"


@pytest.mark.parametrize(("first", "then"), [("cpu", "torch-cpu"), ("torch-cpu", "cpu")])
def test_a_run_started_on_one_device_resumes_on_another_with_the_same_numbers(first, then, tmp_path, numpy_run):
    """Issue 55 item 1: stopped after 4 chunks on ``first`` (an exception from the progress callback, as Ctrl-C),
    resumed on ``then``: only the other chunks are computed, the numbers are the uninterrupted numpy run's to 1e-10,
    and the result says how many chunks were found and which device computed them."""
    out = tmp_path / "sige.npz"
    args = {**TINY, "output": out}

    def stop(done, total):
        if done >= 4:
            raise Stop

    with pytest.raises(Stop):
        run_agf("Si", "Ge", device=first, progress=stop, **args)
    assert not out.exists() and (tmp_path / ".sige.npz.partial").is_dir()
    progress = []
    resumed, _ = run_agf("Si", "Ge", device=then, progress=lambda d, t: progress.append((d, t)), **args)
    computed = sum(1 for a, b in zip(progress, progress[1:]) if b[0] == a[0] + 1)
    assert computed == progress[0][1] - 4
    assert_same_numbers(resumed, numpy_run[0])
    assert resumed.device["device"] == then and resumed.device["resumed"] == 4
    assert list(resumed.device["resumed_from"]) == [first]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sige.npz"]  # the checkpoint removed once written


def test_dask_workers_on_torch_cpu_give_the_numpy_numbers(numpy_run):
    """Two local dask workers selecting torch's CPU in each task (the code of a GPU worker): the numbers of the
    in-process numpy run to 1e-10, and the record names the workers' device."""
    got, _ = run_agf("Si", "Ge", device="torch-cpu", workers=2, **TINY)
    assert_same_numbers(got, numpy_run[0])
    assert got.device["dask"] is True and got.device["device"] == "torch-cpu"
    assert got.transmission.metadata["device"] == "dask workers (torch-cpu)"


# ---------------------------------------------------------------------------------------------- a GPU's memory


def test_a_gpu_too_small_for_one_frequency_is_refused_before_any_work(fake_gpu, tmp_path):
    """A GPU with 2 kB free (the 1x1 model's blocks and one frequency's workspace are ~0.1 MB): refused in one line
    with the estimate and what to do, before the model is built (progress never called) and with nothing written."""
    fake_gpu(free=2000)
    calls = []
    out = tmp_path / "r.npz"
    with pytest.raises(InputError) as err:
        run_agf("Si", "Ge", device="gpu", output=out, progress=lambda d, t: calls.append(d), **TINY)
    msg = str(err.value)
    assert msg.startswith("one frequency at one k point needs ~") and "on cuda:0" in msg and "\n" not in msg
    assert "more than 80% of its 0.002 MB free" in msg
    assert "give device= cpu" in msg and "degrees of freedom" in msg
    assert calls == [] and list(tmp_path.iterdir()) == []


def test_max_gpu_memory_bounds_the_device_and_is_named_in_the_refusal(fake_gpu):
    """With 80 GB free but max_gpu_memory_gb=1e-6 (1 kB) the bound is the option's, and the refusal names it."""
    fake_gpu(free=80e9)
    with pytest.raises(InputError, match=r"more than max_gpu_memory_gb=1e-06 allows \(80 GB free\); raise "
                                         r"max_gpu_memory_gb=, or give device= cpu$"):  # fmt: skip
        run_agf("Si", "Ge", device="gpu", max_gpu_memory_gb=1e-6, **TINY)


def test_the_memory_statement_names_the_gpu_beside_the_host(fake_gpu):
    """estimate_run_memory on a (fake) 80 GB GPU: the host's statement as before, and the GPU's beside it, every
    frequency of a k point in one call (they fit); on a GPU with ~60 kB usable, fewer per call."""
    from kapitza.transmission.agf.inputs import ModelSizes

    fake_gpu(free=80e9)
    big = estimate_run_memory("Si", "Ge", device="gpu", **TINY)
    host = estimate_run_memory("Si", "Ge", device="cpu", **TINY)
    assert big.device == "cuda:0" and big.batch == 20 and big.device_free == 80e9
    assert big.device_usable == pytest.approx(0.8 * 80e9)
    assert big.libraries == host.libraries + 250e6  # torch's libraries in this process
    statement = big.statement()
    assert statement.startswith(f"host ~{big.total / 1e9:.3g} GB (") and "; GPU on cuda:0 ~" in statement
    assert statement.endswith("(20 frequencies of one k point per call) of 64 GB usable (80 GB free)")
    assert host.device == "" and "GPU" not in host.statement()
    sizes = ModelSizes(n_dof=96, nonzeros=0, lead_dof=48, boundary_dof=24, slice_dof=12, n_slices=16)
    per, fixed = sizes.bytes_per_frequency(), sizes.solved_bytes()
    fake_gpu(free=(fixed + 5.5 * per) / 0.8)
    small = estimate_run_memory("Si", "Ge", device="gpu", **TINY)
    assert 1 <= small.batch < 20


def test_a_resume_on_a_gpu_without_the_memory_is_refused_and_keeps_the_checkpoint(fake_gpu, tmp_path, numpy_run):
    """Started on numpy and stopped; resumed on a GPU too small for one frequency: refused in one line before any
    work, the finished chunks untouched and no result written; then resumed on torch's CPU: the same numbers."""
    out = tmp_path / "sige.npz"

    def stop(done, total):
        if done >= 3:
            raise Stop

    with pytest.raises(Stop):
        run_agf("Si", "Ge", device="cpu", output=out, progress=stop, **TINY)
    partial = tmp_path / ".sige.npz.partial"
    before = {p: p.read_bytes() for p in partial.rglob("*") if p.is_file()}
    assert len(before) == 3
    fake_gpu(free=2000)
    with pytest.raises(InputError, match="^one frequency at one k point needs"):
        run_agf("Si", "Ge", device="gpu", output=out, **TINY)
    assert {p: p.read_bytes() for p in partial.rglob("*") if p.is_file()} == before and not out.exists()
    fake_gpu(free=80e9)  # the GPU is still "there"; torch-cpu is not a GPU: it is selected without one
    resumed, _ = run_agf("Si", "Ge", device="torch-cpu", output=out, **TINY)
    assert_same_numbers(resumed, numpy_run[0])
    assert resumed.device["resumed"] == 3 and list(resumed.device["resumed_from"]) == ["cpu"]


def test_gpu_without_a_gpu_is_one_line_naming_the_option(tmp_path):
    from kapitza._backend import gpu_count

    if gpu_count():
        pytest.skip("this machine has a GPU")
    with pytest.raises(InputError, match=r"^device= gpu: no GPU: torch\.cuda\.is_available\(\) is False$"):
        run_agf("Si", "Ge", device="gpu", output=tmp_path / "r.npz", **TINY)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("tpu", "device= must be one of auto, cpu, gpu, torch-cpu (or cuda:N), got 'tpu'"),
        (3, "device= must be one of auto, cpu, gpu, torch-cpu (or cuda:N), got 3"),
        ("cuda:x", "got 'cuda:x'"),
    ],
)
def test_a_device_that_is_no_device_is_refused(value, words):
    with pytest.raises(InputError) as err:
        run_agf("Si", "Ge", device=value, **TINY)
    assert words in str(err.value)


# ---------------------------------------------------------------------------------------------- dask


def test_local_gpu_workers_are_one_per_gpu(monkeypatch):
    """The rule of a local cluster (parallel.local_devices) on a machine with 2 GPUs, "0" and "1"."""
    monkeypatch.setattr(parallel, "visible_gpus", lambda: ["0", "1"])
    assert parallel.local_devices("gpu", 2) == ["0", "1"]
    assert parallel.local_devices("gpu", 1) == ["0"]
    assert parallel.local_devices("auto", 2) == ["0", "1"]
    assert parallel.local_devices("auto", 3) is None  # more workers than GPUs: CPU workers
    assert parallel.local_devices("cuda:1", 1) == ["1"]
    assert parallel.local_devices("cpu", 2) is None and parallel.local_devices("torch-cpu", 2) is None
    with pytest.raises(InputError, match=r"^workers= 3 with device= gpu: one worker per GPU and this machine has 2; "):
        parallel.local_devices("gpu", 3)
    with pytest.raises(InputError, match=r"^device= cuda:1 names one GPU and workers= 2 takes one worker per GPU"):
        parallel.local_devices("cuda:1", 2)
    monkeypatch.setattr(parallel, "visible_gpus", lambda: [])
    with pytest.raises(InputError, match="no GPU on this machine for the local dask workers"):
        parallel.local_devices("gpu", 1)
    assert parallel.local_devices("auto", 1) is None


def test_visible_gpus_follow_cuda_visible_devices(monkeypatch, fake_gpu):
    fake_gpu(free=1e9, count=2)
    assert parallel.visible_gpus() == ["0", "1"]
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "3,5")
    assert parallel.visible_gpus() == ["3", "5"]


def _report(gpu: bool, free: float | None = None) -> dict:
    return {"device": "cuda:0" if gpu else "cpu", "name": "GPU" if gpu else "CPU", "library": "x", "gpu": gpu,
            "free_bytes": free}  # fmt: skip


def _half_gpu_report(device: str, dask_worker=None) -> dict:
    """A worker's report in a cluster of which worker 0 has a GPU and the others not (dask's ``client.run`` passes
    the worker as ``dask_worker``)."""
    gpu = dask_worker.name == 0
    return _report(gpu, 8e9 if gpu else None)


def test_the_devices_of_a_dask_cluster_and_a_mixed_cluster_refused():
    """The rule of parallel.resolve_devices on workers' reports: gpu needs a GPU on every worker, auto takes the
    GPUs only where every worker has one and the CPUs where none has; a mix is refused for both in one line."""
    two_gpus = {"tcp://a:1": _report(True, 8e9), "tcp://b:1": _report(True, 6e9)}
    found = parallel.resolve_devices(two_gpus, "auto")
    assert found.device == "gpu" and found.gpu and found.free == 6e9
    assert parallel.resolve_devices(two_gpus, "gpu").device == "gpu"
    cpus = {"tcp://a:1": _report(False), "tcp://b:1": _report(False)}
    on_cpus = parallel.resolve_devices(cpus, "auto")
    assert on_cpus.device == "cpu" and on_cpus.free is None and not on_cpus.gpu
    mixed = {"tcp://a:1": _report(True, 8e9), "tcp://b:1": {"error": "device 'gpu': no GPU"}}
    for device in ("gpu", "auto"):
        with pytest.raises(InputError) as err:
            parallel.resolve_devices(mixed if device == "gpu" else {**mixed, "tcp://b:1": _report(False)}, device)
        msg = str(err.value)
        assert "the dask cluster mixes 1 worker(s) with a GPU and 1 without (e.g. tcp://b:1)" in msg
        assert "give device= cpu to run numpy on every worker" in msg and "\n" not in msg
    with pytest.raises(InputError, match=r"^device= gpu: no dask worker has a GPU \(tcp://a:1: no GPU\)"):
        parallel.resolve_devices(cpus, "gpu")
    with pytest.raises(InputError, match=r"^device= torch-cpu: 1 of 2 dask workers cannot run it \(tcp://b:1: no "):
        parallel.resolve_devices({"tcp://a:1": _report(False), "tcp://b:1": {"error": "no torch"}}, "torch-cpu")
    with pytest.raises(InputError, match="has no workers"):
        parallel.resolve_devices({}, "auto")


def test_a_mixed_cluster_is_refused_before_any_work(monkeypatch, tmp_path):
    """run_agf on a dask cluster (in this process, two workers) whose workers report one GPU and one CPU (the
    report is replaced: no GPU here): refused in one line for auto and gpu, before the model is built, nothing
    written; cpu asks nothing of the workers."""
    distributed = pytest.importorskip("distributed")
    monkeypatch.setattr(parallel, "worker_device", _half_gpu_report)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0") as lc:
        with distributed.Client(lc, set_as_default=False) as client:
            calls = []
            with pytest.raises(InputError, match=r"^device= auto: the dask cluster mixes 1 worker\(s\) with a GPU"):
                run_agf("Si", "Ge", client=client, output=tmp_path / "r.npz", progress=lambda d, t: calls.append(d),
                        **TINY)  # fmt: skip
            assert calls == [] and list(tmp_path.iterdir()) == []
            with pytest.raises(InputError, match=r"^device= gpu: the dask cluster mixes"):
                run_agf("Si", "Ge", client=client, device="gpu", **TINY)
            # cpu: numpy on every worker, whatever each has (nothing asked of them)
            assert parallel.cluster_devices(client, "cpu") == parallel.WorkerDevices("cpu", ())


def test_local_gpu_workers_each_see_their_own_gpu():
    """kapitza.cluster.local_gpu_client(["3", "5"]) starts two worker processes, each with CUDA_VISIBLE_DEVICES
    set to its GPU before it imports torch (no GPU here: the environment is what is checked)."""
    pytest.importorskip("distributed")
    import os

    from kapitza.cluster import close_client, local_gpu_client

    client = local_gpu_client(["3", "5"])
    try:
        seen = client.run(lambda: os.environ.get("CUDA_VISIBLE_DEVICES"))
        threads = client.nthreads()
    finally:
        close_client(client)
    assert sorted(seen.values()) == ["3", "5"] and sorted(threads.values()) == [1, 1]
    with pytest.raises(InputError, match="needs at least one GPU"):
        local_gpu_client([])


def test_checkpoint_entries_record_their_device_and_older_ones_read_as_unrecorded(tmp_path):
    """An entry keeps the device that computed it (its text made one printable line when read back); an entry
    written before the device was recorded is still used, read as "unrecorded"."""
    from kapitza.transmission.agf.checkpoint import Checkpoint

    omega = np.array([1.0, 2.0])
    store = Checkpoint(tmp_path, "a" * 64)
    store.store(0, 0, omega, np.array([0.5, 0.5]), 3, 4, device="torch-cpu")
    store.store(0, 1, omega, np.array([0.5, 0.5]), 3, 4, device="cuda:0\n[red]")
    store.store(1, 0, omega, np.array([0.5, 0.5]), 3, 4)  # no device: as entries of format 1 before issue 55
    again = Checkpoint(tmp_path, "a" * 64)
    assert all(again.load(ik, ic, omega) is not None for ik, ic in ((0, 0), (0, 1), (1, 0)))
    assert again.found_devices == {"torch-cpu", "cuda:0[red]", "unrecorded"}
