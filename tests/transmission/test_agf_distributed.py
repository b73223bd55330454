"""``kapitza agf --address`` against a dask scheduler and two workers started as separate processes (loopback).

The reference is the same command run in this process without dask: the distributed run must give the same
numbers bit for bit (each (k, chunk) unit is the same stacked solve wherever it runs, and the results are
put back at their (k, frequency) place, so the order in which tasks finish cannot change a sum).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/: the separate-process cluster helper

from dask_processes import HOST, free_port, separate_cluster  # noqa: E402

pytest.importorskip("distributed")

#: The two one-line errors of a cluster lost mid-run (parallel._task_failure, parallel._lost).
LOST_CLUSTER = r"an AGF task was cancelled by the dask cluster|lost the dask cluster during the AGF sweep"
TINY = ("Si", "Ge", "--kpoints", "2", "--frequencies", "20", "--no-check", "-t", "100,300")


def _arrays(path):
    with np.load(path, allow_pickle=False) as data:
        return {k: data[k] for k in data.files if k != "metadata"}, json.loads(str(data["metadata"]))


def _without_seconds(doc):
    """The record without what differs between two runs of the same numbers: the measured wall times, and where
    they ran (the device records: numpy here, dask workers there; issue 55)."""
    if isinstance(doc, dict):
        return {k: _without_seconds(v) for k, v in doc.items() if k not in ("seconds", "device")}
    if isinstance(doc, list):
        return [_without_seconds(v) for v in doc]
    return doc


def test_cli_with_address_gives_the_in_process_result_bitwise(cli, tmp_path, dask_address):
    """Two workers in their own processes: every array of the saved result equals the in-process one exactly,
    and the metadata too except the measured wall times.  No global default client is left behind."""
    import distributed

    status, out_local, err = cli("agf", *TINY, "--output", tmp_path / "local.npz")
    assert status == 0, err
    status, out_dask, err = cli("agf", *TINY, "--address", dask_address, "--output", tmp_path / "dask.npz")
    assert status == 0, err
    assert "Traceback" not in err and "No clients found" not in err
    local, meta_local = _arrays(tmp_path / "local.npz")
    remote, meta_dask = _arrays(tmp_path / "dask.npz")
    assert local.keys() == remote.keys() and "conductance" in local and "transmission.xi_k" in local
    for key in local:
        assert np.array_equal(local[key], remote[key]), key
    assert _without_seconds(meta_local) == _without_seconds(meta_dask)
    assert meta_local["result"]["device"]["device"] == "cpu" and "dask" not in meta_local["result"]["device"]
    assert meta_dask["result"]["device"]["dask"] is True and meta_dask["result"]["device"]["device"] == "cpu"
    assert meta_dask["result"]["settings"]["seed"] is None  # no intermixing: nothing random, no seed
    with pytest.raises(ValueError, match="No clients found"):
        distributed.default_client()  # the client was passed explicitly and closed, never made the default


def test_a_scheduler_without_workers_is_one_line_and_status_2(cli, tmp_path, monkeypatch):
    """A scheduler with no worker: refused after WORKERS_TIMEOUT (shortened here) with one line, exit 2."""
    from kapitza import cluster

    monkeypatch.setattr(cluster, "WORKERS_TIMEOUT", 2.0)
    with separate_cluster(tmp_path, n_workers=0) as lonely:
        status, out, err = cli("agf", *TINY, "--address", lonely)
    errors = [line for line in err.splitlines() if line.startswith("kapitza: error:")]
    assert status == 2 and len(errors) == 1 and err.splitlines()[-1] == errors[0], err  # after the start line
    assert "the dask scheduler has no workers" in errors[0] and "Traceback" not in err


def test_a_scheduler_killed_mid_run_is_one_line(tmp_path):
    """The scheduler killed (SIGKILL) when the first unit has come back: the run ends at once with one DaskError
    line, not a traceback and not a 30-minute wait.  Which line depends on where the client was when the
    connection broke: a task cancelled under it, or a result being fetched (CommClosedError): both are seen."""
    import os
    import signal
    import time

    from kapitza.transmission.agf.parallel import DaskError
    from kapitza.transmission.agf.run import run_agf

    procs = []
    with separate_cluster(tmp_path, n_workers=2, started=procs) as addr:
        killed = []

        def kill_scheduler(done, total):
            if done > 0 and not killed:
                os.killpg(procs[0].pid, signal.SIGKILL)
                killed.append(time.monotonic())

        with pytest.raises(DaskError, match=LOST_CLUSTER) as info:
            run_agf(
                "Si",
                "Ge",
                kpoints=2,
                frequencies=40,
                temperature=[300.0],
                check_broadening=False,
                address=addr,
                progress=kill_scheduler,
            )
        waited = time.monotonic() - killed[0]
    assert "\n" not in str(info.value) and waited < 60


def test_the_work_is_sized_from_measurements_and_gives_the_in_process_numbers(dask_address):
    """run_on_dask on two separate workers: one unit on each worker first, then the rest in
    kapitza.cluster.task_count tasks sized from the measured per-task overhead and unit time; every (k, chunk)
    unit is recorded once, and Xi equals the in-process sweep bit for bit (the same stacked solve per unit)."""
    from kapitza import cluster
    from kapitza.atomistic.potentials import get_potential
    from kapitza.atomistic.structures import build_interface
    from kapitza.transmission.agf import interface_model, monkhorst_pack, reduce_time_reversal, transmission
    from kapitza.transmission.agf.parallel import connect, run_on_dask

    structure = build_interface("Si", "Ge", "001", lattice_constants_angstrom=(5.431, 5.431), cells=(4, 4),
                                mass_only=True)  # fmt: skip
    model = interface_model(structure, get_potential("sw", ["Si"]), pl_cells=2)
    omega = np.linspace(1e12, 6e13, 30)
    grid = monkhorst_pack(4)
    reference = transmission(model, omega, grid, eta=1e-6, chunk=5)
    kappa, _ = reduce_time_reversal(grid)
    chunks = [omega[i : i + 5] for i in range(0, omega.size, 5)]
    xi = np.full((kappa.shape[0], omega.size), np.nan)
    seen = []

    def record(ik, start, x, sl, sr):
        seen.append((ik, start))
        xi[ik, start : start + x.size] = x

    client = connect(dask_address)
    try:
        plan = run_on_dask(model, kappa, chunks, 1e-6, record, client=client)
    finally:
        cluster.close_client(client, cluster=False)
    n_units = kappa.shape[0] * len(chunks)
    assert sorted(seen) == sorted({(ik, 5 * ic) for ik in range(kappa.shape[0]) for ic in range(len(chunks))})
    assert np.array_equal(xi, reference.xi_k)
    assert plan.workers == 2 and plan.overhead_s > 0 and plan.frequency_s > 0
    rest = n_units - plan.workers
    expected = cluster.task_count(plan.frequency_s * 5 * rest, plan.overhead_s, 2, rest)
    assert plan.tasks == plan.workers + expected
    assert plan.task_s == pytest.approx(plan.frequency_s * 5 * rest / expected)


def test_an_address_where_nothing_listens_is_one_line_and_status_2(cli):
    """A free loopback port: nothing listens; refused before any model is built, one line, exit 2."""
    status, out, err = cli("agf", *TINY, "--address", f"tcp://{HOST}:{free_port()}")
    errors = [line for line in err.splitlines() if line.startswith("kapitza: error:")]
    assert status == 2 and len(errors) == 1 and err.splitlines()[-1] == errors[0], err  # after the start line
    assert "no dask scheduler answered" in errors[0] and "Connection refused" in errors[0]


@pytest.mark.slow
def test_a_worker_killed_mid_sweep_changes_nothing(tmp_path):
    """Issue 25: with a client passed to run_agf, a worker killed (SIGKILL) when the first (k, chunk) unit has
    come back leaves the result bitwise equal to the in-process one: dask reruns the lost tasks on the other
    worker.  (8 k points x 4 chunks per sweep: one unit on each worker first, then the rest in tasks sized from
    the measured overhead; at the kill the other worker's tasks are not back yet, and the two lead sweeps run
    on one worker.)  Slow: ~30 s of CPU on two cores."""
    import os
    import signal

    from distributed import Client

    from kapitza.transmission.agf.run import run_agf

    settings = {"kpoints": 4, "frequencies": 100, "temperature": [300.0], "check_broadening": False}
    reference, _ = run_agf("Si", "Ge", **settings)
    with separate_cluster(tmp_path, n_workers=2) as addr:
        client = Client(addr, timeout=30, set_as_default=False)
        try:
            pids = client.run(os.getpid)
            victim = max(pids)  # one of the two workers, by address
            killed = []

            def kill_after_first(done, total):
                if done > 0 and not killed:
                    os.kill(pids[victim], signal.SIGKILL)
                    killed.append(done)

            result, _ = run_agf("Si", "Ge", client=client, progress=kill_after_first, **settings)
            alive = set(client.scheduler_info()["workers"])
        finally:
            client.close()
    assert killed == [1]  # killed when the first unit of the first sweep came back
    assert victim not in alive and len(alive) == 1
    assert np.array_equal(result.transmission.xi, reference.transmission.xi)
    assert np.array_equal(result.conductance, reference.conductance)
    assert np.array_equal(result.ballistic, reference.ballistic)


def test_a_port_where_a_web_server_listens_is_one_line_and_status_2(cli):
    """Something that is not a dask scheduler on the port (here an HTTP reply, which distributed read as a frame
    of 3 EiB: a MemoryError traceback, then a 20 s wait at exit): refused with one line before any work."""
    import socket
    import threading

    server = socket.create_server((HOST, 0))
    port = server.getsockname()[1]

    def answer():  # every connection (the reachability check, then dask's handshake) gets an HTTP reply
        while True:
            try:
                conn, _ = server.accept()
                with conn:
                    conn.sendall(b"HTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\nhello")
            except OSError:  # the peer hung up, or the server was closed: the test is over
                if server.fileno() == -1:
                    return

    threading.Thread(target=answer, daemon=True).start()
    try:
        status, out, err = cli("agf", *TINY, "--address", f"tcp://{HOST}:{port}")
    finally:
        server.close()
    errors = [line for line in err.splitlines() if line.startswith("kapitza: error:")]
    assert status == 2 and len(errors) == 1 and err.splitlines()[-1] == errors[0], err
    assert "did not answer as a dask scheduler" in errors[0] and "Traceback" not in err


def test_workers_without_kapitza_are_one_line(tmp_path, monkeypatch):
    """Workers whose kapitza cannot be imported (here a stand-in package that raises ImportError, first on their
    path): the model scattered to them (or the first task) fails to unpickle there, which distributed re-raises
    as a plain Exception; the run ends with one DaskError saying to install kapitza in the workers'
    environment, not a remote traceback."""
    import dask_processes
    from kapitza.transmission.agf.parallel import DaskError
    from kapitza.transmission.agf.run import run_agf

    fake = tmp_path / "fake"
    (fake / "kapitza").mkdir(parents=True)
    (fake / "kapitza" / "__init__.py").write_text("raise ImportError('no kapitza in this environment')\n")
    real = dask_processes.worker_env

    def env_without_kapitza():
        env = real()
        env["PYTHONPATH"] = str(fake)
        return env

    monkeypatch.setattr(dask_processes, "worker_env", env_without_kapitza)
    (tmp_path / "dask").mkdir()
    with separate_cluster(tmp_path / "dask", n_workers=1) as addr:
        with pytest.raises(DaskError, match="install kapitza in the workers' environment") as info:
            run_agf("Si", "Ge", kpoints=2, frequencies=20, temperature=[300.0], check_broadening=False, address=addr)
    assert "\n" not in str(info.value) and "no kapitza in this environment" in str(info.value)


@pytest.mark.parity
def test_folded_leads_and_bloch_method_on_dask_give_the_in_process_numbers(dask_address):
    """Parity (tier 3): a 2x2 intermixed Si|Ge with its leads folded onto the 1x1 cell's and Bloch-mode
    self-energies, on separate dask workers (the folded blocks built here and sent once), gives the in-process
    transmission bit for bit and the unfolded in-process transmission to 1e-8 of its maximum."""
    sys.path.insert(0, str(Path(__file__).resolve().parent / "agf"))
    from test_agf_bloch import sige

    from kapitza.transmission.agf import lead_max_frequency, transmission
    from kapitza.transmission.agf.folding import fold_lead

    model, prim = sige(2, 2, seed=11), sige(1)
    folds = (fold_lead(model, prim, "left"), fold_lead(model, prim, "right"))
    omega = np.linspace(0.05, 0.95, 6) * lead_max_frequency(model, "left", [(0.0, 0.0)])
    k = np.array([[0.1, 0.2], [0.37, -0.21]])
    here = transmission(model, omega, k, time_reversal=False, lead_method="bloch", folds=folds, chunk=2)
    there = transmission(
        model, omega, k, time_reversal=False, lead_method="bloch", folds=folds, address=dask_address, chunk=2
    )
    np.testing.assert_array_equal(there.xi_k, here.xi_k)
    plain = transmission(model, omega, k, time_reversal=False, lead_method="decimation")
    assert np.abs(there.xi_k - plain.xi_k).max() < 1e-8 * plain.xi_k.max()


def test_agf_workers_hold_one_blas_library_with_one_thread(dask_address):
    """Issue 29 asks for one BLAS library in the process and threads set deliberately.  The sweep's processes
    are the workers: after an intermixed 2x2 sweep on them (folded leads, Bloch modes) each holds numpy's
    OpenBLAS alone, with one thread.  scipy's second OpenBLAS comes with the model's force constants (matscipy)
    and stays in the process that built the model."""
    sys.path.insert(0, str(Path(__file__).resolve().parent / "agf"))
    from distributed import Client
    from test_agf_bloch import sige
    from threadpoolctl import threadpool_info

    from kapitza.transmission.agf import lead_max_frequency, transmission

    model = sige(2, 2, seed=11)
    omega = np.linspace(0.1, 0.9, 4) * lead_max_frequency(model, "left", [(0.0, 0.0)])
    transmission(model, omega, np.array([[0.1, 0.2], [0.3, 0.1]]), address=dask_address, chunk=2)
    with Client(dask_address, timeout=30, set_as_default=False) as client:
        libraries = client.run(threadpool_info)
    assert len(libraries) == 2
    for worker, libs in libraries.items():
        blas = [lib for lib in libs if lib["user_api"] == "blas"]
        assert len(blas) == 1, f"{worker} holds {[lib['filepath'] for lib in blas]}"
        assert blas[0]["num_threads"] == 1, f"{worker}: {blas[0]['num_threads']} BLAS threads"
