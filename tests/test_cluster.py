"""kapitza.cluster: one connect timeout for every command that takes --address, task sizing, workers' malloc.

The unreachable schedulers here are loopback ports only (127.0.0.1): a free port where nothing listens
(refused at once) and a port of a socket that listens but never answers (a silent peer: refused after the
timeout).  No test asserts on wall time.
"""

from __future__ import annotations

import inspect
import os
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from kapitza import cluster
from kapitza.errors import InputError

HOST = "127.0.0.1"
CAMPAIGN = """
[campaign]
folder = "c.campaign"

[base]
potential = "lj/cut"
n_x = 2
n_y = 2
cells_a = 5
cells_b = 5
steps_equilibration = 10
steps_steady = 10
steps_production = 20
block_steps = 10
damp = 0.1  # within the 0.15 tau its baths are on (never run: the scheduler is what these tests check)

[series]
seed = [1]
"""
AGF = ("agf", "Si", "Ge", "--kpoints", "2", "--frequencies", "20", "--no-check", "-t", "300")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


@pytest.fixture
def silent_address():
    """tcp://127.0.0.1:PORT of a socket that accepts connections (its backlog) and never says a word."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        s.listen(8)
        yield f"tcp://{HOST}:{s.getsockname()[1]}"


def _error_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("kapitza: error:")]


def _campaign(tmp_path: Path) -> Path:
    spec = tmp_path / "c.toml"
    spec.write_text(CAMPAIGN)
    return spec


def test_both_commands_take_the_one_connect_timeout_option_with_the_one_default():
    """agf and md campaign declare --connect-timeout through the same annotation, default CONNECT_TIMEOUT."""
    from kapitza.cli.agf import agf_command
    from kapitza.cli.common import ConnectTimeoutOption
    from kapitza.cli.md_campaign import md_campaign_command

    for command in (agf_command, md_campaign_command):
        parameter = inspect.signature(command).parameters["connect_timeout"]
        assert parameter.default == cluster.CONNECT_TIMEOUT == 10.0
        assert parameter.annotation in (ConnectTimeoutOption, "ConnectTimeoutOption")


def test_a_silent_scheduler_is_refused_after_the_timeout_by_both_commands(cli, tmp_path, silent_address):
    """A listening loopback socket that never answers the dask handshake, --connect-timeout 0.5: both commands
    print the same one line naming the address and the 0.5 s, and exit 2 (before: md campaign waited 32 s,
    agf 10 s, neither could be told otherwise)."""
    lines = []
    for args in (AGF, ("md", "campaign", _campaign(tmp_path))):
        status, out, err = cli(*args, "--address", silent_address, "--connect-timeout", "0.5")
        errors = _error_lines(err)
        assert status == 2 and len(errors) == 1 and err.splitlines()[-1] == errors[0], err
        assert "Traceback" not in err
        assert f"the server at '{silent_address}' did not answer as a dask scheduler within 0.5 s" in errors[0]
        lines.append(errors[0])
    assert lines[0] == lines[1]  # one message, from one function


def test_a_port_where_nothing_listens_is_refused_by_md_campaign_in_one_line(cli, tmp_path):
    """Connection refused: one line naming the address and the default timeout, exit 2, no campaign folder."""
    address = f"tcp://{HOST}:{_free_port()}"
    status, out, err = cli("md", "campaign", _campaign(tmp_path), "--address", address)
    errors = _error_lines(err)
    assert status == 2 and len(errors) == 1, err
    assert f"no dask scheduler answered at '{address}' within 10 s" in errors[0] and "refused" in errors[0]
    assert not (tmp_path / "c.campaign").exists()  # refused before the campaign folder is made


@pytest.mark.parametrize("bad", ["0", "-1", "nan", "1e9"])
def test_a_bad_connect_timeout_is_refused_by_both_commands(cli, tmp_path, bad):
    for args in (AGF, ("md", "campaign", _campaign(tmp_path))):
        status, out, err = cli(*args, "--address", f"tcp://{HOST}:{_free_port()}", "--connect-timeout", bad)
        errors = _error_lines(err)
        assert status == 2 and len(errors) == 1 and "connect-timeout" in errors[0], err


def test_check_connect_timeout():
    assert cluster.check_connect_timeout(2) == 2.0
    for bad in (0, -1.0, float("inf"), float("nan"), cluster.MAX_CONNECT_TIMEOUT * 2, "ten"):
        with pytest.raises(InputError, match="connect timeout"):
            cluster.check_connect_timeout(bad)


def test_task_count_keeps_the_overhead_under_five_percent_and_every_worker_busy():
    """Law of the sizing: each task at least overhead / OVERHEAD_FRACTION long where the work allows, no more
    than MAX_TASKS_PER_WORKER per worker, never fewer tasks than workers nor more than units."""
    per_worker = cluster.MAX_TASKS_PER_WORKER
    for work_s in (0.01, 0.1, 1.0, 10.0, 1e4):
        for overhead_s in (1e-4, 5e-3, 0.05):
            for workers in (1, 2, 16):
                for units in (1, 3, 40, 10_000):
                    n = cluster.task_count(work_s, overhead_s, workers, units)
                    assert 1 <= n <= units
                    assert n <= max(per_worker * workers, workers)
                    if n > min(workers, units):  # more tasks than needed to fill the workers: each long enough
                        assert overhead_s / (work_s / n) <= cluster.OVERHEAD_FRACTION + 1e-12
                    assert n >= min(workers, units)
    # the 2x2 Si|Ge sweep on two cores (benchmarks/dask.py): 2.4 s of work, 10 ms per task, 8 units -> all 8
    assert cluster.task_count(2.4, 0.01, 2, 8) == 8
    # a 0.14 s sweep: only as many tasks as workers
    assert cluster.task_count(0.14, 0.01, 2, 8) == 2
    assert cluster.task_count(1.0, 0.01, 2, 0) == 0


MALLINFO = textwrap.dedent(
    """
    import ctypes, sys
    import numpy as np
    from kapitza.cluster import malloc_kept

    class Info(ctypes.Structure):
        _fields_ = [(n, ctypes.c_size_t) for n in ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks",
                                                     "fsmblks", "uordblks", "fordblks", "keepcost")]

    libc = ctypes.CDLL("libc.so.6")
    libc.mallinfo2.restype = Info

    def mmapped_blocks_with_a_1mb_array():
        a = np.ones(1 << 17)
        n = libc.mallinfo2().hblks
        del a
        return n

    base = libc.mallinfo2().hblks
    before = mmapped_blocks_with_a_1mb_array() - base
    with malloc_kept():
        inside = mmapped_blocks_with_a_1mb_array() - base
    after = mmapped_blocks_with_a_1mb_array() - base
    print(before, inside, after)
    """
)


@pytest.mark.skipif(not sys.platform.startswith("linux") or not os.confstr("CS_GNU_LIBC_VERSION"), reason="glibc")
def test_malloc_kept_takes_arrays_from_the_heap_and_sets_the_workers_threshold_back():
    """In a process started as dask's nanny starts its workers (MALLOC_TRIM_THRESHOLD_=65536, which freezes
    glibc's mmap threshold at 128 KiB), a 1 MB array is an mmap of its own (glibc's mallinfo2 counts it in
    hblks); inside malloc_kept it comes from the heap; afterwards it is mmap-ed again (the worker's setting
    is back).  Run in a subprocess so that this test process's malloc is left alone."""
    src = str(Path(cluster.__file__).resolve().parents[1])
    env = dict(os.environ, MALLOC_TRIM_THRESHOLD_="65536", PYTHONPATH=src)
    env.pop("MALLOC_MMAP_THRESHOLD_", None)
    done = subprocess.run(
        [sys.executable, "-c", MALLINFO], env=env, capture_output=True, text=True, timeout=120, check=True
    )
    before, inside, after = (int(x) for x in done.stdout.split())
    assert (before, inside, after) == (1, 0, 1), done.stdout


def test_a_local_cluster_leaves_the_callers_environment_as_it_was(monkeypatch):
    """DESIGN.md: the library changes no process-wide state. dask's nannies (in this process) write their
    workers' settings (OMP_NUM_THREADS, MALLOC_TRIM_THRESHOLD_, ...) into os.environ while starting them.  The thread
    settings the test run gives its xdist workers (conftest.THREAD_SETTINGS) are taken out first, so that a nanny's
    OMP_NUM_THREADS=1 left behind would show."""
    import os

    pytest.importorskip("distributed")
    from conftest import THREAD_SETTINGS
    from kapitza.cluster import close_client, local_client

    for name in THREAD_SETTINGS:
        monkeypatch.delenv(name, raising=False)
    before = dict(os.environ)
    client = local_client(1)
    try:
        assert dict(os.environ) == before
        assert client.submit(int, "3").result(timeout=60) == 3  # the workers still run
    finally:
        close_client(client)
    assert dict(os.environ) == before


def test_cancel_quietly_cancels_every_future_and_skips_those_that_fail():
    """The one rule of both dask routes (AGF sweeps, force calls) on the way out: every future is asked to cancel,
    one whose cancel raises (a lost cluster) does not stop the others nor raise."""
    pytest.importorskip("distributed")
    from kapitza.cluster import cancel_quietly

    class Future:
        def __init__(self, fails):
            self.fails, self.cancelled = fails, False

        def cancel(self):
            if self.fails:
                raise OSError("the scheduler is gone")
            self.cancelled = True

    futures = [Future(False), Future(True), Future(False)]
    cancel_quietly(futures)
    assert [f.cancelled for f in futures] == [True, False, True]


def test_a_result_lost_with_its_worker_is_waited_for_again_not_called_a_failure():
    """CI at 875ce03 (tests/atomistic/test_force_tasks.py, a worker killed mid run): a task that had finished on the
    killed worker came out of the stream with its status back to "pending" (distributed's FutureState.retry: the
    scheduler computes it again) and was reported as a failed task.  Here a stand-in stream hands out such a future
    first; `finished` puts it back, yields it once when it has finished, and still raises for a task in error."""

    class Future:
        def __init__(self, statuses, value):
            self.statuses, self.value = list(statuses), value

        @property
        def status(self):
            return self.statuses[0]

        def result(self, timeout=None):
            return self.value

    class Stream:
        def __init__(self, futures):
            self.queue = list(futures)

        def is_empty(self):
            return not self.queue

        def next_batch(self, block=False):
            batch, self.queue = self.queue, []
            return batch

        def add(self, future):
            future.statuses.pop(0)  # computed again: finished (or failed) the next time it comes out
            self.queue.append(future)

    def failed(f):
        return cluster.DaskError(f"failed {f.value}")

    def never(*args):
        raise AssertionError("not expected here")

    retried = Future(["pending", "finished"], "a")
    lost = Future(["lost", "finished"], "b")
    stream = Stream([retried, Future(["finished"], "c"), lost])
    got = [value for _, value in cluster.finished(stream, lambda: 3, 60.0, failed=failed, lost=never, stuck=never)]
    assert sorted(got) == ["a", "b", "c"]
    broken = Stream([Future(["error"], "d")])
    with pytest.raises(cluster.DaskError, match="failed d"):
        list(cluster.finished(broken, lambda: 1, 60.0, failed=failed, lost=never, stuck=never))
