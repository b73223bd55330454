"""A dask scheduler and workers started as separate processes on 127.0.0.1, for the distributed tests.

``separate_cluster(n_workers)`` starts ``python -m distributed.cli.dask_scheduler`` on a free loopback
port and ``n_workers`` ``python -m distributed.cli.dask_worker`` processes (one thread each, no nanny),
waits a bounded time until they have all joined, yields the scheduler's address, and always kills every
process it started (each in its own session, killed by its process group) when the block ends, also on
a failure.  The workers import the kapitza of this checkout (its ``src`` first on PYTHONPATH), so the
code under test is the code the workers run.  Only loopback addresses are used.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import kapitza

#: Seconds to wait for the scheduler and every worker to come up (generous: two cores shared by many).
STARTUP_TIMEOUT = 120.0
HOST = "127.0.0.1"


def free_port() -> int:
    """A TCP port free on the loopback interface right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def worker_env() -> dict[str, str]:
    """This process's environment with this checkout's ``src`` first on PYTHONPATH and one BLAS thread."""
    src = str(Path(kapitza.__file__).resolve().parents[1])
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([src, *filter(None, [env.get("PYTHONPATH")])])
    env.update(OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    return env


def _kill(procs: list[subprocess.Popen[bytes]]) -> None:
    for p in procs:
        if p.poll() is None:
            try:
                os.killpg(p.pid, signal.SIGKILL)  # the process is its session's leader: only what it started
            except ProcessLookupError:
                pass
    for p in procs:
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass


def _wait_port(port: int, procs: list[subprocess.Popen[bytes]], deadline: float, log: Path) -> None:
    while time.monotonic() < deadline:
        if procs[0].poll() is not None:
            raise RuntimeError(f"the dask scheduler exited ({procs[0].returncode}): {log.read_text()[-2000:]}")
        try:
            socket.create_connection((HOST, port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"the dask scheduler did not listen on {HOST}:{port} within {STARTUP_TIMEOUT:g} s")


@contextmanager
def separate_cluster(
    folder: Path, n_workers: int = 2, started: list[subprocess.Popen[bytes]] | None = None
) -> Iterator[str]:
    """Scheduler + ``n_workers`` workers as subprocesses on loopback; yields ``tcp://127.0.0.1:PORT``.

    ``folder`` holds their logs and scratch space.  Every process is killed when the block ends.
    ``started``, if given, receives the processes (the scheduler first) as they start.
    """
    from distributed import Client

    port = free_port()
    address = f"tcp://{HOST}:{port}"
    env = worker_env()
    procs: list[subprocess.Popen[bytes]] = [] if started is None else started
    deadline = time.monotonic() + STARTUP_TIMEOUT

    def start(args: list[str], name: str) -> None:
        log = folder / f"{name}.log"
        with open(log, "wb") as fh:
            procs.append(
                subprocess.Popen(
                    [sys.executable, "-m", *args],
                    stdout=fh,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                    env=env,
                    cwd=folder,
                    start_new_session=True,
                )
            )

    try:
        start(
            ["distributed.cli.dask_scheduler", "--host", HOST, "--port", str(port), "--no-dashboard"],
            "scheduler",
        )
        _wait_port(port, procs, deadline, folder / "scheduler.log")
        for i in range(n_workers):
            start(
                [
                    "distributed.cli.dask_worker",
                    address,
                    "--nthreads",
                    "1",
                    "--no-nanny",
                    "--no-dashboard",
                    "--host",
                    HOST,
                    "--name",
                    f"worker-{i}",
                    "--local-directory",
                    str(folder / f"worker-{i}"),
                ],
                f"worker-{i}",
            )
        if n_workers:
            client = Client(address, timeout=30, set_as_default=False)
            try:
                client.wait_for_workers(n_workers, timeout=max(1.0, deadline - time.monotonic()))
            finally:
                client.close()
        yield address
    finally:
        _kill(procs)
