"""``kapitza agf --device`` and ``--max-gpu-memory-gb`` (issue 55) as a user runs them: the result records where it
ran, and every bad input (a GPU asked for and not there, a GPU too small for one frequency, a resume on a device
that lacks the memory, a dask cluster that mixes GPU and CPU workers) is one line, exit status 2, nothing written.

No GPU is lent to these tests: torch's CPU (``--device torch-cpu``) runs the GPU's code, and a GPU is made to be
reported by torch (the ``fake_gpu`` fixture of tests/conftest.py) for the refusals that come before any work on it.
The reference numbers are those of the same command on numpy (``--device cpu``).
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from kapitza.io import cache

torch = pytest.importorskip("torch", reason="the torch backend needs torch (pip install 'kapitza[gpu]')")

TINY = ("Si", "Ge", "--kpoints", "2", "--frequencies", "20", "--no-check", "-t", "100,300")


class Stop(Exception):
    pass


def one_line_error(status, out, err) -> str:
    """The single error line of a refused command (exit 2, nothing on stdout, no 'started' line)."""
    assert status == 2 and out == "" and err.count("\n") == 1, err
    assert err.startswith("kapitza: error: ") and "Traceback" not in err
    return err.strip()


def test_torch_cpu_gives_the_numpy_numbers_and_the_json_says_where_it_ran(cli):
    """--json of --device cpu and --device torch-cpu: G (two-probe, intrinsic) and the grid-error statement agree
    to 1e-10 relative; ``device`` names the device, its library and version, and the memory statement."""
    status, out_np, err = cli("agf", *TINY, "--device", "cpu", "--json")
    assert status == 0, err
    status, out_t, err = cli("agf", *TINY, "--device", "torch-cpu", "--json")
    assert status == 0, err
    a, b = json.loads(out_np), json.loads(out_t)
    for key in ("conductance", "intrinsic_conductance", "frequency_grid_error_estimate", "frequency_grid_error_bound"):
        x, y = np.array(a["results"][key]), np.array(b["results"][key])
        assert np.abs(x - y).max() <= 1e-10 * np.abs(x).max(), key
    assert a["device"]["device"] == "cpu" and a["device"]["library"].startswith("numpy ")
    assert b["device"]["device"] == "torch-cpu" and b["device"]["library"] == f"torch {torch.__version__}"
    assert b["device"]["requested"] == "torch-cpu" and b["device"]["memory"].startswith("host ~")


def test_the_table_says_where_it_ran_and_a_config_may_name_the_device(cli, tmp_path):
    config = tmp_path / "run.toml"
    config.write_text('[agf]\ndevice = "torch-cpu"\n')
    status, out, err = cli("agf", *TINY, "--config", config, "--explain")
    assert status == 0, err
    line = next(line for line in out.splitlines() if line.startswith("ran on "))
    assert line.startswith("ran on torch-cpu: ") and "(--device torch-cpu); memory host ~" in line
    config.write_text('[agf]\ndevice = "tpu"\n')
    words = one_line_error(*cli("agf", *TINY, "--config", config))
    assert "device in config file" in words
    assert "must be one of auto, cpu, gpu, torch-cpu (or cuda:N), got 'tpu'" in words


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--device", "tpu"), "--device must be one of auto, cpu, gpu, torch-cpu (or cuda:N), got 'tpu'"),
        (("--device", "cuda:-1"), "got 'cuda:-1'"),
        (("--max-gpu-memory-gb", "0"), "--max-gpu-memory-gb must be > 0, got 0"),
        (("--max-gpu-memory-gb", "nan"), "--max-gpu-memory-gb must be a finite number"),
        (("--max-gpu-memory-gb", "1e308"), "--max-gpu-memory-gb must be < 1e+06 GB (a petabyte"),
    ],
)
def test_a_bad_device_or_gpu_memory_bound_is_one_line(cli, tmp_path, args, words):
    out_file = tmp_path / "r.npz"
    assert words in one_line_error(*cli("agf", *TINY, *args, "--output", out_file))
    assert list(tmp_path.iterdir()) == []


def test_gpu_without_a_gpu_is_one_line_and_nothing_is_written(cli, tmp_path):
    from kapitza._backend import gpu_count

    if gpu_count():
        pytest.skip("this machine has a GPU")
    words = one_line_error(*cli("agf", *TINY, "--device", "gpu", "--output", tmp_path / "r.npz"))
    assert words == "kapitza: error: --device gpu: no GPU: torch.cuda.is_available() is False"
    assert list(tmp_path.iterdir()) == []


def test_a_gpu_too_small_for_one_frequency_is_one_line_with_the_estimate(cli, tmp_path, fake_gpu):
    """A GPU with 2 kB free: refused before 'started' with the estimate, the GPU's free memory and what to do."""
    fake_gpu(free=2000)
    words = one_line_error(*cli("agf", *TINY, "--device", "gpu", "--output", tmp_path / "r.npz"))
    assert "one frequency at one k point needs ~0.316 MB on cuda:0 (0.237 MB of blocks" in words
    assert "more than 80% of its 0.002 MB free; give --device cpu, or use a GPU with more memory" in words
    assert list(tmp_path.iterdir()) == []
    fake_gpu(free=80e9)
    words = one_line_error(*cli("agf", *TINY, "--device", "gpu", "--max-gpu-memory-gb", "1e-6"))
    assert words.endswith("more than --max-gpu-memory-gb 1e-06 allows (80 GB free); raise --max-gpu-memory-gb, "
                          "or give --device cpu")  # fmt: skip


def test_a_resume_on_a_device_without_the_memory_is_refused_then_resumes_elsewhere(cli, tmp_path, fake_gpu):
    """A run stopped after 3 chunks (numpy; through the API: an interrupt of the command is not reproducible here)
    resumed with --device gpu on a GPU too small: one line, exit 2, the checkpoint as it was, no result; resumed
    with --device torch-cpu: the result, which says that 3 chunks computed on cpu were found (one entry's record
    forged with rich markup and a newline: printed as text, on one line)."""
    from kapitza.transmission.agf.run import run_agf

    out_file = tmp_path / "sige.npz"

    def stop(done, total):
        if done >= 3:
            raise Stop

    with pytest.raises(Stop):
        run_agf("Si", "Ge", kpoints=2, frequencies=20, check_broadening=False, temperature=[100.0, 300.0],
                device="cpu", output=out_file, progress=stop)  # fmt: skip
    partial = tmp_path / ".sige.npz.partial"
    entry = sorted(partial.rglob("*.entry"))[0]  # its device record made markup and a newline (a file's text)
    arrays = _entry_arrays(entry)
    key = str(arrays.pop("__kapitza_key__"))
    assert str(arrays["device"]) == "cpu"
    cache.write_signed(entry, cache.signing_key(), key, {**arrays, "device": np.array("[/bold]cpu\n")})  # signed
    before = {p: p.read_bytes() for p in partial.rglob("*") if p.is_file()}
    fake_gpu(free=2000)
    one_line_error(*cli("agf", *TINY, "--device", "gpu", "--output", out_file))
    assert {p: p.read_bytes() for p in partial.rglob("*") if p.is_file()} == before and not out_file.exists()
    status, out, err = cli("agf", *TINY, "--device", "torch-cpu", "--output", out_file, "--explain")
    assert status == 0, err
    assert "; resumed 3 chunks computed on [/bold]cpu, cpu" in out and out_file.exists() and not partial.exists()


def _entry_arrays(path):
    """The arrays of a checkpoint entry (its payload is a plain zip after the signed header)."""
    import io
    import zipfile

    payload = path.read_bytes()[cache.HEADER_BYTES :]
    with zipfile.ZipFile(io.BytesIO(payload)) as archive:
        return {n[:-4]: np.load(io.BytesIO(archive.read(n)), allow_pickle=False) for n in archive.namelist()}


def _half_gpu_report(device: str, dask_worker=None) -> dict:
    """A worker's report in a cluster of which worker 0 has a GPU and the others not (dask's ``client.run`` passes
    the worker as ``dask_worker``)."""
    gpu = dask_worker.name == 0
    return {"device": "cuda:0" if gpu else "cpu", "name": "GPU" if gpu else "CPU", "library": "x", "gpu": gpu,
            "free_bytes": 8e9 if gpu else None}  # fmt: skip


def test_a_mixed_dask_cluster_is_one_line_and_nothing_is_written(cli, tmp_path, monkeypatch):
    """--address of a cluster (in this process, on a loopback port) whose two workers report one GPU and one CPU:
    one line naming the mix and the way out, exit 2, nothing written, for --device auto (the default) and gpu."""
    distributed = pytest.importorskip("distributed")
    from kapitza.transmission.agf import parallel

    monkeypatch.setattr(parallel, "worker_device", _half_gpu_report)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, protocol="tcp",
                                  host="127.0.0.1", dashboard_address=":0") as lc:  # fmt: skip
        for device in ("auto", "gpu"):
            address, out_file = lc.scheduler_address, tmp_path / "r.npz"
            words = one_line_error(*cli("agf", *TINY, "--device", device, "--address", address, "--output", out_file))
            assert f"--device {device}: the dask cluster mixes 1 worker(s) with a GPU and 1 without" in words
            assert "give --device cpu to run numpy on every worker" in words
    assert list(tmp_path.iterdir()) == []


def test_more_local_workers_than_gpus_is_one_line(cli, fake_gpu):
    fake_gpu(free=80e9, count=1)
    words = one_line_error(*cli("agf", *TINY, "--device", "gpu", "--workers", "2"))
    assert "--workers 2 with --device gpu: one worker per GPU and this machine has 1; give --workers 1" in words
