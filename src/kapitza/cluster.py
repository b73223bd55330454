"""dask.distributed for every command that runs on it: connecting, local clusters, task sizing, workers' malloc.

AGF sweeps (:mod:`kapitza.transmission.agf.parallel`) and MD campaigns (:mod:`kapitza.md.campaign`) both run
on dask; what they share is here, defined once, so that every command that takes ``--address`` waits the same
:data:`CONNECT_TIMEOUT` for a scheduler (``--connect-timeout``), refuses an unreachable or silent address with the
same one-line :class:`~kapitza.errors.InputError`, and waits the same :data:`WORKERS_TIMEOUT` for a first worker.
``distributed`` is imported inside the functions that need it.

Work-unit sizing
----------------
A dask task costs a round trip through the scheduler on top of its own work.  :func:`task_overhead` measures
that round trip on the cluster at hand (empty tasks, in turn); :func:`task_count` then chooses as many tasks as
balance the workers (up to :data:`MAX_TASKS_PER_WORKER` each) while each task stays at least
``1 / OVERHEAD_FRACTION`` (20) times the overhead long, so the scheduling costs under 5 % of the work.

Workers' malloc
---------------
dask's nanny starts every worker process with ``MALLOC_TRIM_THRESHOLD_=65536`` (its config
``distributed.nanny.pre-spawn-environ``, for a ``LocalCluster`` and for ``dask worker ADDRESS`` alike).  Setting
any glibc malloc threshold freezes glibc's *dynamic* mmap threshold at its 128 KiB start value, so every array
above 128 KiB is mmap-ed, page-faulted in and unmapped again: the AGF kernels (stacks of small complex matrices,
0.1-1 MB each) ran 1.7-2.4x slower in such a worker than in a plain process (benchmarks/dask_scaling.py; in a plain
process with only ``MALLOC_TRIM_THRESHOLD_=65536`` set the same slow-down appears).  Environment variables given
to the nanny (``env=``) are set after the worker process has started, too late for glibc.  :func:`malloc_kept`
raises the thresholds with ``mallopt`` while a task runs, and sets the worker's own values back afterwards.  A
worker that keeps a model between its tasks (the force calls of a universal potential) raises them once for its
life instead (:func:`malloc_raised`): set back and trimmed after each task, every call grew its heap anew and ran as
slowly as without them.

Local workers: one rule
-----------------------
Every command that starts a local cluster (``kapitza agf --workers``, ``phonons --workers``, ``md run/emd --replicas
--workers``, ``md campaign``) checks its worker count with :func:`check_workers` before anything starts, and its
memory with :func:`check_local_workers`: a whole number from 1 to this machine's cores (:func:`machine_cores`: a local
worker is one single-threaded process, so more of them than cores only share the cores and multiply the memory),
and this process plus every worker at its peak (each loads what its tasks need: the potential of a force call, a
LAMMPS run) within the memory bound, stated in one line (:class:`LocalWorkers`).  :func:`local_client` applies the
count rule again, so no caller can start more.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import ctypes
import logging
import numbers
import os
import re
import statistics
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from . import _checks
from .errors import InputError, KapitzaError, optional_module

#: Seconds to wait for a scheduler to answer (``--connect-timeout``); an unreachable address is an input error.
CONNECT_TIMEOUT = 10.0
#: Longest connect timeout accepted (s): a scheduler that takes an hour to answer is not there.
MAX_CONNECT_TIMEOUT = 3600.0
#: Seconds to wait for a scheduler without workers to get one.
WORKERS_TIMEOUT = 30.0
#: A dask scheduler address: optional scheme, a host (name, IPv4 or [IPv6]) and a port (the one rule of every
#: command that takes one: ``kapitza agf --address``, ``--scheduler``).
ADDRESS = re.compile(r"(?:(?:tcp|tls|ws|wss|ucx)://)?(?:[A-Za-z0-9_.-]+|\[[0-9A-Fa-f:]+\]):[0-9]{1,5}")
#: What to do about a scheduler without workers (the end of its one-line error).
NO_WORKERS = "start some with 'dask worker ADDRESS', or use --workers N for a local cluster"
#: Scheduling overhead allowed per task, as a fraction of the task's own time.
OVERHEAD_FRACTION = 0.05
#: Most tasks per worker: more of them balance uneven units and unevenly loaded cores; each costs a round trip.
MAX_TASKS_PER_WORKER = 8
#: Empty tasks timed, in turn, by :func:`task_overhead` (the median is taken): a fixed cost of one sweep of
#: about 3 round trips (10 ms each on the busy 2-core machine), small against any sweep worth sending to dask.
OVERHEAD_SAMPLES = 3

#: Environment of local workers: one BLAS thread each.  (The malloc settings cannot go here: the nanny sets
#: these after the worker process started; see :func:`malloc_kept`.)
THREAD_ENV = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}

#: glibc's mallopt parameters and its default thresholds (bytes).
M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3
GLIBC_DEFAULT_THRESHOLD = 128 * 1024
#: The thresholds while a task runs: 64 MiB before mmap, 256 MiB of free heap before it is given back.
KEPT_MMAP_THRESHOLD = 64 * 1024 * 1024
KEPT_TRIM_THRESHOLD = 256 * 1024 * 1024


#: A local dask worker process before its first task (Python, distributed, numpy, scipy, kapitza's modules;
#: multiprocessing's spawn): measured 88 MB each at the end of a 1x1 AGF run whose blocks are ~1 MB.  What its tasks
#: load (a potential, LAMMPS, blocks) comes on top: each caller states it (:func:`check_local_workers`).
WORKER_LIBRARY_BYTES = 100e6


class DaskError(KapitzaError, RuntimeError):
    """The dask cluster did not answer in time or lost the work."""


#: What a client raises when the scheduler or a worker goes away under it (distributed's CommClosedError is an
#: OSError, as is TimeoutError; a future cancelled under the client raises a CancelledError).
LOST = (OSError, concurrent.futures.CancelledError, asyncio.CancelledError)


def one_line(exc: BaseException) -> str:
    """An exception as the reason in a one-line error: its type and message on one line, at most 200 characters."""
    return " ".join(f"{type(exc).__name__}: {exc}".split())[:200]


def first_line(exc: BaseException) -> str:
    """An exception's type and the first line of its message: what a failed replica or campaign member records."""
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}"


def lost_error(exc: BaseException, during: str, kept: str) -> DaskError:
    """One line for the connection to the cluster lost ``during`` the work; ``kept``: what a rerun resumes from."""
    return DaskError(f"lost the dask cluster during {during} ({one_line(exc)}); {kept}, rerun to resume")


def task_error(future: Any, task: str, kept: str, install: str = "kapitza", killed: str | None = None) -> BaseException:
    """The one-line error for a ``task`` ("force task") that ended as ``error`` or ``cancelled``.

    A kapitza error raised inside the task goes on as it is; anything else (a worker that cannot import
    ``install``, tasks that killed their workers: ``killed`` ends that line) becomes a DaskError naming what
    happened, so the CLI prints one line instead of a remote traceback.  ``kept``: what a rerun resumes from.
    """
    article = "an" if task[0] in "AEIOUaeiou" else "a"
    if future.status == "cancelled":
        return DaskError(f"{article} {task} was cancelled by the dask cluster (the scheduler closed or lost the "
                         f"client); {kept}, rerun to resume")  # fmt: skip
    try:
        exc = future.exception(timeout=CONNECT_TIMEOUT)
    except Exception as inner:  # noqa: BLE001 - the reason is reported, never hidden
        exc = inner
    if isinstance(exc, KapitzaError):
        return exc
    reason = one_line(exc)
    if isinstance(exc, ImportError):
        return DaskError(
            f"a dask worker could not run the {task} ({reason}): install {install} in the workers' environment"
        )
    if killed is not None and type(exc).__name__ == "KilledWorker":
        return DaskError(f"dask workers died running the same {task} twice ({reason}): {killed}")
    return DaskError(f"{article} {task} failed on the dask cluster ({reason}); {kept}, rerun to resume")


def distributed_module(extra: str = "agf", purpose: str = "parallel runs on dask") -> Any:
    """``import distributed``, or MissingDependencyError naming the pip ``extra`` that installs it."""
    return optional_module("distributed", extra, purpose, "dask[distributed]")


def check_address(address: Any, name: str = "--scheduler") -> str:
    """``address`` stripped, if it has the form of a dask scheduler's address (:data:`ADDRESS`, a port up to 65535);
    otherwise one InputError line naming ``name``.  Only the form: :func:`connect` asks whether one answers."""
    text = address.strip() if isinstance(address, str) else ""
    if not text or not ADDRESS.fullmatch(text) or int(text.rsplit(":", 1)[1]) > 65535:
        shown = repr(address[:60]) if isinstance(address, str) else f"a {type(address).__name__}"
        raise InputError(f"{name} must look like tcp://host:8786 (scheme, host and port), got {shown}")
    return text


def check_connect_timeout(value: Any, name: str = "connect timeout") -> float:
    """A connect timeout in s, above 0 and at most :data:`MAX_CONNECT_TIMEOUT`."""
    t = _checks.positive(value, name, "s")
    if t > MAX_CONNECT_TIMEOUT:
        raise InputError(f"{name} must be at most {MAX_CONNECT_TIMEOUT:g} s, got {t:g}")
    return t


def connect(address: str, timeout: float = CONNECT_TIMEOUT, *, extra: str = "agf") -> Any:
    """A ``distributed.Client`` on the scheduler at ``address``; InputError if none answers within ``timeout`` s.

    A tcp/tls address is first checked with a plain socket connection, then with one dask
    handshake (:func:`_probe`), so a malformed or unreachable address, or a server that is not a
    dask scheduler, fails fast with one line and without leaving a half-made client behind.  The
    client is never made the process's default client.

    Parameters
    ----------
    address : str
        ``tcp://host:port`` (or any address distributed understands).
    timeout : float
        Seconds to wait for the scheduler, > 0 (:data:`CONNECT_TIMEOUT` by default).
    extra : str
        The pip extra named if distributed is missing.
    """
    distributed = distributed_module(extra)
    if not isinstance(address, str) or not address.strip():
        raise InputError(f"the dask scheduler address must be a non-empty string, got {address!r}")
    timeout = check_connect_timeout(timeout)

    def refuse(reason: str) -> InputError:
        return InputError(
            f"no dask scheduler answered at {address!r} within {timeout:g} s ({reason}); "
            "give an address such as tcp://host:8786, or use --workers N for a local cluster"
        )

    def not_dask(reason: str) -> InputError:
        return InputError(
            f"the server at {address!r} did not answer as a dask scheduler within {timeout:g} s ({reason}); give the "
            "address of a dask scheduler, e.g. tcp://host:8786"
        )

    greeting = None
    try:
        from distributed.comm import parse_address, parse_host_port

        scheme, loc = parse_address(address)
        if scheme in ("tcp", "tls"):
            import socket

            host, port = parse_host_port(loc)
            with socket.create_connection((host, int(port)), timeout=timeout) as sock:
                greeting = _greeting(sock, timeout) if scheme == "tcp" else None
    except (OSError, ValueError, TypeError) as exc:
        raise refuse(" ".join(str(exc).split())[:160] or type(exc).__name__) from None
    if greeting:
        raise not_dask(greeting)
    try:
        _probe(address, timeout)
    except Exception as exc:  # noqa: BLE001 - whatever the peer sends, the answer is one line
        raise not_dask(f"its reply is not dask's handshake: {type(exc).__name__}") from None
    try:
        with quiet():
            return distributed.Client(address, timeout=timeout, set_as_default=False)
    except Exception as exc:  # noqa: BLE001 - a client that cannot start is one line, never a traceback
        raise refuse(" ".join(f"{type(exc).__name__}: {exc}".split())[:160]) from None


#: The most bytes a dask scheduler's first frame (its handshake: a few settings, ~100 bytes) may announce; a longer
#: one is not dask's (an HTTP reply's first 8 bytes read as a length announce 3 EiB).
MAX_HANDSHAKE_BYTES = 1 << 20


def _greeting(sock: Any, timeout: float) -> str:
    """What is wrong with the first message of the server on ``sock`` for a dask scheduler, "" when nothing is.

    A dask scheduler speaks first: on every new connection it sends its handshake, one message whose first 8 bytes
    are its length (little-endian, as distributed's TCP comm writes it).  A server that sends nothing within
    ``timeout`` s, closes the connection, or whose first 8 bytes are no plausible length (at most
    :data:`MAX_HANDSHAKE_BYTES`: an HTTP reply, garbage) is not a scheduler; only these 8 bytes are read."""
    import struct

    head = b""
    deadline = time.monotonic() + timeout
    try:
        while len(head) < 8:
            sock.settimeout(max(1e-3, deadline - time.monotonic()))
            part = sock.recv(8 - len(head))
            if not part:
                return "it closed the connection without dask's handshake" + (f" after {head!r}" if head else "")
            head += part
    except TimeoutError:
        return "it sent nothing; a dask scheduler sends its handshake first" if not head else f"it sent only {head!r}"
    (length,) = struct.unpack("<Q", head)
    if not 0 < length <= MAX_HANDSHAKE_BYTES:
        return f"its first bytes {head!r} are not the start of dask's handshake"
    return ""


def _probe(address: str, timeout: float) -> None:
    """Open and close one dask comm to ``address`` (its handshake), in a thread of its own.

    A port where something other than a dask scheduler listens (a web server, a database) fails
    here, before any ``Client`` exists: a Client whose start failed is left half-made and tries to
    close itself when garbage-collected, printing a traceback after a 20 s wait at the program's
    exit.  (Distributed reads the peer's first 8 bytes as a frame length: an HTTP reply asked it
    for 3 EiB, a MemoryError.)  The thread keeps the probe off any event loop the caller runs.
    """

    from distributed.comm import connect as open_comm

    async def probe() -> None:
        comm = await open_comm(address, timeout=timeout)
        await comm.close()

    async def bounded() -> None:  # the handshake's read has no timeout of its own: a silent peer would hang
        await asyncio.wait_for(probe(), timeout)

    outcome: list[BaseException | None] = []

    def run() -> None:
        try:
            asyncio.run(bounded())
            outcome.append(None)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread
            outcome.append(exc)

    thread = threading.Thread(target=run, name="kapitza-dask-probe", daemon=True)  # never holds up exit
    thread.start()
    thread.join(2 * timeout + 5)
    if not outcome:
        raise TimeoutError(f"no handshake within {timeout:g} s")
    if outcome[0] is not None:
        raise outcome[0]


def quiet() -> Any:
    """Silence distributed's loggers (tracebacks of closing workers, connection retries) in a block."""
    from distributed.utils import silence_logging_cmgr

    return silence_logging_cmgr(logging.CRITICAL)


def cancel_quietly(futures: Sequence[Any]) -> None:
    """Cancel ``futures`` on the way out of a failed or interrupted run, best effort and with distributed's loggers
    silenced (a future of a lost cluster cannot be cancelled; that is no new error)."""
    with quiet():
        for f in futures:
            try:
                f.cancel()
            except Exception:  # noqa: BLE001 - best effort on the way out
                pass


def machine_cores() -> int:
    """The cores this process may run on: its CPU affinity (a batch job's or a container's share), else the machine's
    count, at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # no affinity on this system
        return max(1, os.cpu_count() or 1)


def machine_memory_gb() -> float:
    """The memory this process may use, GB: the machine's physical memory, or its control group's limit where
    that is lower (a container, a batch job)."""
    total = float(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    for path in ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"):
        try:
            with open(path, encoding="ascii") as f:
                text = f.read().strip()
        except (OSError, UnicodeDecodeError):
            continue
        if text.isdigit():
            total = min(total, float(text))
    return total / 1e9


def check_workers(workers: Any, name: str = "workers=", *, cores_each: int = 1) -> int:
    """The one rule of a local worker count: a whole number (not a bool) from 1 to this machine's cores
    (:func:`machine_cores`; ``cores_each``: the cores each worker's task keeps busy, e.g. the MPI ranks of a LAMMPS
    run), else one InputError line naming ``name``.  Checked before anything starts."""
    whole = isinstance(workers, numbers.Integral) and not isinstance(workers, bool)
    cores = machine_cores()
    each = max(1, int(cores_each))
    most = max(1, cores // each)
    if not whole or workers < 1:
        shown = int(workers) if whole else repr(workers)
        raise InputError(f"{name} must be a whole number of local worker processes from 1 to {most}, got {shown}")
    if workers > most:
        per = "one single-threaded process" if each == 1 else f"one process running {each} MPI ranks"
        raise InputError(
            f"{name} {int(workers)}: a local dask worker is {per} and this machine has {cores} core(s), so at most "
            f"{most} worker(s) run side by side; give at most {most}, or a --scheduler whose cluster has more"
        )
    return int(workers)


@dataclass(frozen=True)
class LocalWorkers:
    """The memory statement of a local dask cluster (:func:`check_local_workers`): ``workers`` processes of
    ``per_worker`` bytes each at their peak (``each``: what one holds, in words) beside ``main`` bytes of this
    process, against ``bound_gb`` (``bound``: the bound in words)."""

    workers: int
    per_worker: float
    main: float
    bound_gb: float
    bound: str
    each: str = ""

    @property
    def total(self) -> float:
        """Bytes of this process and the workers together."""
        return self.main + self.workers * self.per_worker

    def statement(self) -> str:
        """The statement in words: "~1.4 GB of memory in all (2 worker(s) x 0.44 GB, each the chgnet potential ...;
        this process 0.5 GB; limit 16 GB)"."""
        each = f", each {self.each}" if self.each else ""
        return (
            f"~{self.total / 1e9:.3g} GB of memory in all ({self.workers} worker(s) x {self.per_worker / 1e9:.2g} GB"
            f"{each}; this process {self.main / 1e9:.2g} GB; {self.bound})"
        )


def check_local_workers(
    workers: Any,
    per_worker: float = WORKER_LIBRARY_BYTES,
    *,
    main: float = 0.0,
    max_memory_gb: float | None = None,
    busy: int | None = None,
    name: str = "workers=",
    bound_name: str = "max_memory_gb=",
    what: str = "a local dask cluster",
    each: str = "",
    cores_each: int = 1,
) -> LocalWorkers:
    """The one rule of a local cluster, before anything starts: the count (:func:`check_workers`) and the memory of
    this process (``main`` bytes) and the workers (``per_worker`` bytes each at their peak: the worker's libraries
    and what its tasks load) within ``max_memory_gb`` (default: this machine's memory, :func:`machine_memory_gb`).
    ``busy``: the most workers that hold a task at once (fewer tasks than workers: the rest are never started).
    Returns the statement (:class:`LocalWorkers`); MemoryBoundError in one line naming the parts otherwise.
    """
    n = check_workers(workers, name, cores_each=cores_each)
    if busy is not None:
        n = max(1, min(n, int(busy)))
    if max_memory_gb is None:
        bound_gb = machine_memory_gb()
        bound = f"this machine's {bound_gb:.3g} GB"
    else:
        bound_gb = _checks.memory_bound_gb(max_memory_gb, bound_name)
        bound = f"limit {bound_gb:g} GB"
    found = LocalWorkers(n, float(per_worker), float(main), bound_gb, bound, each)
    if found.total > bound_gb * 1e9:
        from .errors import MemoryBoundError

        fix = f"use fewer workers ({name})" + ("" if max_memory_gb is None else f" or raise {bound_name}")
        raise MemoryBoundError(f"{what} of {n} worker(s) needs {found.statement()}: {fix}")
    return found


def local_client(workers: int = 2, *, extra: str = "agf", **kwargs: Any) -> Any:
    """A ``distributed.Client`` on a new local cluster of ``workers`` single-threaded processes (the count checked
    by :func:`check_workers`: the callers check it, and its memory, before anything starts).

    Each worker has one BLAS thread (:data:`THREAD_ENV`).  Close it with :func:`close_client`.
    """
    distributed = distributed_module(extra)
    workers = check_workers(workers)
    options = {
        "n_workers": int(workers),
        "threads_per_worker": 1,
        "processes": True,
        "dashboard_address": ":0",  # any free port: several local clusters may coexist
        "env": dict(THREAD_ENV),
        "silence_logs": 40,
    }
    options.update(kwargs)
    with _environment_kept():
        cluster = distributed.LocalCluster(**options)
    return distributed.Client(cluster, timeout=CONNECT_TIMEOUT, set_as_default=False)


def local_gpu_client(gpus: Sequence[str], *, extra: str = "agf") -> Any:
    """A ``distributed.Client`` on a new local cluster of one single-threaded worker process per GPU.

    Worker i sees the GPU ``gpus[i]`` alone (``CUDA_VISIBLE_DEVICES``, set by its nanny before the worker imports
    torch), as its ``cuda:0``: the one-worker-per-GPU layout, so that no two workers share a device.  Each worker
    has one BLAS thread (:data:`THREAD_ENV`), as :func:`local_client`'s.  Close it with :func:`close_client`.
    """
    distributed = distributed_module(extra)
    gpus = [str(g) for g in gpus]
    if not gpus:
        raise InputError("a local GPU cluster needs at least one GPU")
    check_workers(len(gpus))
    workers = {
        f"gpu-{i}": {
            "cls": distributed.Nanny,
            "options": {"nthreads": 1, "env": {**THREAD_ENV, "CUDA_VISIBLE_DEVICES": g}, "silence_logs": 40},
        }
        for i, g in enumerate(gpus)
    }
    scheduler = {"cls": distributed.Scheduler, "options": {"dashboard_address": ":0"}}
    with _environment_kept():
        cluster = distributed.SpecCluster(scheduler=scheduler, workers=workers, silence_logs=40)
    return distributed.Client(cluster, timeout=CONNECT_TIMEOUT, set_as_default=False)


@contextmanager
def _environment_kept() -> Iterator[None]:
    """Put ``os.environ`` back as it was: dask's nannies live in this process and write their workers'
    settings (``OMP_NUM_THREADS=1``, ``MALLOC_TRIM_THRESHOLD_``, ``PYTHONHASHSEED`` ...) into its environment
    while they start them; the caller's environment is not the library's to change."""
    saved = dict(os.environ)
    try:
        yield
    finally:
        for key in set(os.environ) - set(saved):
            del os.environ[key]
        os.environ.update(saved)


def close_client(client: Any, cluster: Any = None) -> None:
    """Close ``client`` (and ``cluster``, default: the client's own LocalCluster) without dask's chatter.

    ``cluster=False`` closes the client only (a cluster someone else runs stays up).  LocalCluster
    silences its logs only while it starts; closing it prints a dozen INFO lines, and closing it on
    Ctrl-C about sixty lines of worker tracebacks: all silenced here.  Errors while closing are
    swallowed, so they never hide the error or the interrupt that led here.
    """
    cluster = getattr(client, "cluster", None) if cluster is None else (cluster or None)
    with quiet():
        for thing in (client, cluster):
            if thing is None:
                continue
            try:
                thing.close(timeout=CONNECT_TIMEOUT)
            except Exception:  # noqa: BLE001 - closing must not hide the error or interrupt that got us here
                pass


def wait_for_workers(client: Any, timeout: float, hint: str) -> None:
    """Wait up to ``timeout`` s for a first worker; DaskError naming ``hint`` (how to start one) otherwise."""
    try:
        client.wait_for_workers(1, timeout=timeout)
    except (OSError, TimeoutError):
        raise DaskError(f"the dask scheduler has no workers (none joined within {timeout:g} s): {hint}") from None


def _nothing(x: int) -> int:
    """An empty task (it returns its argument): what :func:`task_overhead` times."""
    return x


def task_overhead(client: Any, samples: int = OVERHEAD_SAMPLES, timeout: float = CONNECT_TIMEOUT) -> float:
    """Seconds one task costs on ``client``'s cluster beyond its own work: the median round trip of empty tasks.

    The tasks are submitted one after the other (each waits for the last), so each time is a whole round
    trip client -> scheduler -> worker -> scheduler -> client: an upper bound of the gap a worker sees
    between two tasks of a queue.
    """
    times = []
    for i in range(int(samples)):
        t0 = time.perf_counter()
        try:
            client.submit(_nothing, i, pure=False).result(timeout=timeout)
        except (OSError, concurrent.futures.CancelledError):  # a timeout or a lost cluster: the caller's to say
            raise
        except Exception as exc:  # noqa: BLE001 - a worker that cannot unpickle the task (distributed re-raises
            # its ImportError as a plain Exception): one line
            raise DaskError(
                f"a dask worker could not run a kapitza task ({one_line(exc)}): install kapitza in the workers' "
                "environment"
            ) from None
        times.append(time.perf_counter() - t0)
    return float(statistics.median(times))


def task_count(work_s: float, overhead_s: float, n_workers: int, n_units: int) -> int:
    """How many tasks to split ``work_s`` seconds of work (``n_units`` indivisible units) into.

    As many as balance the workers, up to :data:`MAX_TASKS_PER_WORKER` each, while every task stays at
    least ``overhead_s / OVERHEAD_FRACTION`` long (scheduling under 5 % of the work); never fewer than
    the workers (an idle worker costs more than a round trip) and never more than the units.

    Parameters
    ----------
    work_s : float
        Estimated compute time of all the work on one worker, s.
    overhead_s : float
        Per-task overhead (:func:`task_overhead`), s.
    n_workers, n_units : int
        Workers (threads) of the cluster; units the work is made of.
    """
    if n_units < 1:
        return 0
    longest = MAX_TASKS_PER_WORKER * max(1, n_workers)
    by_overhead = longest if overhead_s <= 0 else int(work_s * OVERHEAD_FRACTION / overhead_s)
    n = max(min(by_overhead, longest), max(1, n_workers))
    return max(1, min(n, n_units))


def _glibc() -> Any:
    """glibc's C library (its ``mallopt`` and ``malloc_trim``), or None on another libc or system."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        if not os.confstr("CS_GNU_LIBC_VERSION"):
            return None
        return ctypes.CDLL("libc.so.6")
    except (OSError, ValueError, AttributeError):
        return None


def _threshold(name: str) -> int:
    """The worker's own malloc threshold ``name`` (its environment, else glibc's 128 KiB default)."""
    try:
        return max(0, int(os.environ.get(name, GLIBC_DEFAULT_THRESHOLD)))
    except ValueError:
        return GLIBC_DEFAULT_THRESHOLD


@contextmanager
def malloc_kept() -> Iterator[None]:
    """Inside a dask worker: let glibc keep freed memory while a task runs, and set the worker's values back.

    Raises glibc's mmap threshold to :data:`KEPT_MMAP_THRESHOLD` and its trim threshold to
    :data:`KEPT_TRIM_THRESHOLD` (``mallopt``), so that the task's short-lived arrays reuse heap memory
    instead of a fresh mmap each (see the module's docstring); afterwards the thresholds go back to the
    worker's (``MALLOC_TRIM_THRESHOLD_``/``MALLOC_MMAP_THRESHOLD_`` as dask's nanny set them, or glibc's
    128 KiB) and the freed heap is returned to the system (``malloc_trim``), as dask wants for its memory
    accounting.  (A worker thread's malloc arena keeps its heap's address range, its pages given back, so a
    later task in that thread may reuse it even without this.)  Does nothing on a system without glibc.
    Used only by the tasks that run in dask workers, never in the caller's process.
    """
    libc = _glibc()
    if libc is None:
        yield
        return
    libc.mallopt(M_MMAP_THRESHOLD, KEPT_MMAP_THRESHOLD)
    libc.mallopt(M_TRIM_THRESHOLD, KEPT_TRIM_THRESHOLD)
    try:
        yield
    finally:
        libc.mallopt(M_MMAP_THRESHOLD, _threshold("MALLOC_MMAP_THRESHOLD_"))
        libc.mallopt(M_TRIM_THRESHOLD, _threshold("MALLOC_TRIM_THRESHOLD_"))
        libc.malloc_trim(0)


#: Whether :func:`malloc_raised` raised this (worker) process's malloc thresholds.
_MALLOC_RAISED = False


def malloc_raised() -> bool:
    """Inside a dask worker that keeps a model between its tasks (the force tasks of
    :mod:`kapitza.atomistic.force_tasks`): raise glibc's thresholds as :func:`malloc_kept` does, once, for the rest
    of the worker's life, and give no heap back between tasks; True where they are raised (glibc), else False.

    Per task, as :func:`malloc_kept` does it, does not serve a force call of a universal potential: each call then
    grows its heap from nothing again (the worker's thresholds set back and its heap trimmed after the one before)
    and faults every page in anew.  One CHGNet call on an 896-atom GaN | AlN structure, three calls in a worker-like
    thread of a process started with dask's nanny's ``MALLOC_TRIM_THRESHOLD_=65536`` (one torch thread, the 2-core
    machine at load averages 2-3, 2026-11-27): 8.8-9.4 s as the nanny leaves it (20 s of system time), 7.2-10.7 s
    with :func:`malloc_kept` around each call (16 s), 4.5-5.4 s with the thresholds raised once (6.5 s), 4.3-5.6 s
    in a plain process's thread.  The heap a worker keeps is the call's working memory, which the force calls'
    memory statement already counts per process.  Only ever called in a worker, never in the caller's process.
    """
    global _MALLOC_RAISED
    if _MALLOC_RAISED:
        return True
    libc = _glibc()
    if libc is None:
        return False
    libc.mallopt(M_MMAP_THRESHOLD, KEPT_MMAP_THRESHOLD)
    libc.mallopt(M_TRIM_THRESHOLD, KEPT_TRIM_THRESHOLD)
    _MALLOC_RAISED = True
    return True


#: Seconds between looks at the finished tasks while waiting (a finished task wakes the wait at once).
POLL_SECONDS = 0.05


RESCHEDULED = frozenset({"pending", "lost"})
"""Statuses of a future whose result went with a killed worker and that the scheduler computes again."""


def finished(
    stream: Any,
    total: Any,
    timeout: float,
    *,
    failed: Any,
    lost: Any,
    stuck: Any,
) -> Iterator[tuple[Any, Any]]:
    """Yield (future, result) as the tasks of ``stream`` finish, the one wait of every command that runs tasks here.

    ``stream`` is a ``distributed.as_completed`` made on the client's own event loop (``as_completed(...,
    loop=client.loop)``): nothing here looks for a default client.  Tasks may be added to it while this runs;
    ``total()`` counts those submitted.  A finished task wakes the wait at once (the stream's condition).  The
    caller words the failures: ``failed(future)`` is raised for a task that ended in error or was cancelled,
    ``lost(exc)`` for a connection lost while a result is fetched, and a :class:`DaskError` of ``stuck(pending,
    submitted)`` where no task finished for ``timeout`` s.  A task whose result was lost with its worker after it
    finished (its status back to pending or lost: the scheduler computes it again) goes back into the stream and is
    yielded when it finishes again.
    """
    done_so_far = 0
    deadline = time.monotonic() + timeout
    condition = getattr(stream, "thread_condition", None)
    while not stream.is_empty():
        batch = stream.next_batch(block=False)
        if not batch:
            if time.monotonic() > deadline:
                raise DaskError(stuck(total() - done_so_far, total()))
            if condition is None:
                time.sleep(POLL_SECONDS)
            else:
                with condition:
                    condition.wait(timeout=POLL_SECONDS)
            continue
        deadline = time.monotonic() + timeout
        for f in batch:
            if f.status in RESCHEDULED:  # its worker died holding it: the scheduler computes it again
                stream.add(f)
                continue
            done_so_far += 1
            if f.status != "finished":
                raise failed(f)
            try:
                value = f.result(timeout=timeout)
            except LOST as exc:
                raise lost(exc) from None
            yield f, value
