"""Running the (omega, k_par) sweep on dask.distributed.

The work splits into independent tasks, one per (k point, chunk of
frequencies).  The dense blocks of each k point are built once here and
scattered to the workers; each task runs the stacked kernels of
:mod:`.kernels` on its chunk.  Workers are single-threaded processes with
their BLAS limited to one thread (OMP_NUM_THREADS = OPENBLAS_NUM_THREADS =
MKL_NUM_THREADS = 1), so n workers use n cores without oversubscription:
the kernels work on small matrices, where one thread per process is fastest.

Use an existing ``distributed.Client``, the scheduler at ``address``
(any dask cluster), or a throw-away ``LocalCluster`` of ``workers``
processes (started and closed here).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import threading
import time
from collections.abc import Callable, Collection
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ...errors import InputError, KapitzaError, MissingDependencyError

#: Seconds to wait for a scheduler to answer (an unreachable address is an input error after this).
CONNECT_TIMEOUT = 10.0
#: Seconds to wait for a scheduler without workers to get one.
WORKERS_TIMEOUT = 30.0
#: Seconds to wait for the blocks to reach the workers.
SCATTER_TIMEOUT = 120.0
#: Seconds without any finished task before the run is abandoned (a worker lost or a client stuck).
TASK_TIMEOUT = 1800.0
#: Seconds between looks at the finished tasks while waiting.
POLL_SECONDS = 0.05


class DaskError(KapitzaError, RuntimeError):
    """The dask cluster did not answer in time or lost the work."""


#: Environment of local workers: one BLAS thread each, and glibc's heap kept.  (dask sets
#: MALLOC_TRIM_THRESHOLD_ = 64 KiB for its workers, which also freezes glibc's mmap threshold at
#: 128 KiB: every stack of small matrices above it is mmap-ed, page-faulted in and unmapped again, and
#: the kernels ran 2-3x slower in a worker than in the main process.)
THREAD_ENV = {
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "MALLOC_TRIM_THRESHOLD_": str(256 * 1024 * 1024),
    "MALLOC_MMAP_THRESHOLD_": str(64 * 1024 * 1024),
}


def _distributed() -> Any:
    try:
        import distributed
    except ImportError:
        raise MissingDependencyError("dask[distributed]", "agf", "parallel AGF sweeps") from None
    return distributed


def local_client(workers: int = 2, **kwargs: Any) -> Any:
    """A ``distributed.Client`` on a new local cluster of ``workers`` single-threaded processes.

    Close it with :func:`close_client`.
    """
    distributed = _distributed()
    if int(workers) != workers or workers < 1:
        raise InputError(f"workers must be a positive integer, got {workers!r}")
    options = {
        "n_workers": int(workers),
        "threads_per_worker": 1,
        "processes": True,
        "dashboard_address": ":0",  # any free port: several local clusters may coexist
        "env": dict(THREAD_ENV),
        "silence_logs": 40,
    }
    options.update(kwargs)
    cluster = distributed.LocalCluster(**options)
    return distributed.Client(cluster, timeout=CONNECT_TIMEOUT)


def connect(address: str, timeout: float = CONNECT_TIMEOUT) -> Any:
    """A ``distributed.Client`` on the scheduler at ``address``; InputError if none answers within ``timeout`` s.

    A tcp/tls address is first checked with a plain socket connection, then with one dask
    handshake (:func:`_probe`), so a malformed or unreachable address, or a server that is not a
    dask scheduler, fails fast with one line and without leaving a half-made client behind.
    """
    distributed = _distributed()
    if not isinstance(address, str) or not address.strip():
        raise InputError(f"the dask scheduler address must be a non-empty string, got {address!r}")

    def refuse(reason: str) -> InputError:
        return InputError(
            f"no dask scheduler answered at {address!r} within {timeout:g} s ({reason}); "
            "give an address such as tcp://host:8786, or use --workers N for a local cluster"
        )

    try:
        from distributed.comm import parse_address, parse_host_port

        scheme, loc = parse_address(address)
        if scheme in ("tcp", "tls"):
            import socket

            host, port = parse_host_port(loc)
            socket.create_connection((host, int(port)), timeout=timeout).close()
    except (OSError, ValueError, TypeError) as exc:
        raise refuse(" ".join(str(exc).split())[:160] or type(exc).__name__) from None
    try:
        _probe(address, timeout)
    except Exception as exc:  # noqa: BLE001 - whatever the peer sends, the answer is one line
        raise InputError(
            f"the server at {address!r} did not answer as a dask scheduler within {timeout:g} s (dask's handshake: "
            f"{' '.join(f'{type(exc).__name__}: {exc}'.split())[:160]}); give the address of a dask scheduler, "
            "e.g. tcp://host:8786"
        ) from None
    try:
        with _quiet():
            return distributed.Client(address, timeout=timeout, set_as_default=False)
    except Exception as exc:  # noqa: BLE001 - a client that cannot start is one line, never a traceback
        raise refuse(" ".join(f"{type(exc).__name__}: {exc}".split())[:160]) from None


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


def _quiet() -> Any:
    """Silence distributed's loggers (tracebacks of closing workers, connection retries) in a block."""
    from distributed.utils import silence_logging_cmgr

    return silence_logging_cmgr(logging.CRITICAL)


#: Tasks per worker: two balance uneven chunks (band edges converge more slowly) while keeping
#: dask's per-task cost (a few ms per round trip on two cores) small against the work.
TASKS_PER_WORKER = 2


def close_client(client: Any, cluster: Any = None) -> None:
    """Close ``client`` (and ``cluster``, default: the client's own LocalCluster) without dask's chatter.

    ``cluster=False`` closes the client only (a cluster someone else runs stays up).  LocalCluster
    silences its logs only while it starts; closing it prints a dozen INFO lines, and closing it on
    Ctrl-C about sixty lines of worker tracebacks: all silenced here.  Errors while closing are
    swallowed, so they never hide the error or the interrupt that led here.
    """
    cluster = getattr(client, "cluster", None) if cluster is None else (cluster or None)
    with _quiet():
        for thing in (client, cluster):
            if thing is None:
                continue
            try:
                thing.close(timeout=CONNECT_TIMEOUT)
            except Exception:  # noqa: BLE001 - closing must not hide the error or interrupt that got us here
                pass


def _task_failure(future: Any) -> BaseException:
    """The one-line error for a task that ended as ``error`` or ``cancelled`` (a kapitza error kept as it is).

    A kapitza error raised inside the task (a ConvergenceError of the solver) goes on as it is; anything
    else (a worker that cannot import kapitza, tasks that killed their workers) becomes a DaskError
    naming what happened, so the CLI prints one line instead of a remote traceback.
    """
    if future.status == "cancelled":
        return DaskError(
            "an AGF task was cancelled by the dask cluster (the scheduler closed or lost the client); "
            "finished chunks are kept if --output was given, rerun to resume"
        )
    try:
        exc = future.exception(timeout=CONNECT_TIMEOUT)
    except Exception as inner:  # noqa: BLE001 - the reason is reported, never hidden
        exc = inner
    if isinstance(exc, KapitzaError):
        return exc
    reason = " ".join(f"{type(exc).__name__}: {exc}".split())[:200]
    if isinstance(exc, ImportError):
        return DaskError(
            f"a dask worker could not run the AGF task ({reason}): install kapitza in the workers' environment"
        )
    return DaskError(
        f"an AGF task failed on the dask cluster ({reason}); "
        "finished chunks are kept if --output was given, rerun to resume"
    )


#: What the client raises when the scheduler or a worker goes away under it (distributed's CommClosedError
#: is an OSError, as is TimeoutError; a future cancelled under the client raises a CancelledError).
LOST = (OSError, concurrent.futures.CancelledError, asyncio.CancelledError)


def _lost(exc: BaseException) -> DaskError:
    """One line for a connection to the dask cluster lost while the sweep ran."""
    reason = " ".join(f"{type(exc).__name__}: {exc}".split())[:200]
    return DaskError(
        f"lost the dask cluster during the AGF sweep ({reason}); "
        "finished chunks are kept if --output was given, rerun to resume"
    )


def _wait_all(distributed: Any, client: Any, futures: list[Any], timeout: float) -> Any:
    """Yield (future, result) as tasks finish; DaskError when none finishes for ``timeout`` s.

    The futures are followed on ``client``'s own event loop (``as_completed(..., loop=client.loop)``):
    nothing here looks for a default client, so a client made with ``set_as_default=False`` (the one
    :func:`connect` makes) works, and no process-wide default client is ever set.
    """
    done_so_far = 0
    stream = distributed.as_completed(futures, loop=client.loop)
    deadline = time.monotonic() + timeout
    while not stream.is_empty():
        batch = stream.next_batch(block=False)
        if not batch:
            if time.monotonic() > deadline:
                raise DaskError(
                    f"no AGF task finished for {timeout:g} s ({len(futures) - done_so_far} of {len(futures)} still "
                    "pending): the dask workers are lost or stuck; finished chunks are kept if --output was given, "
                    "rerun to resume"
                )
            time.sleep(POLL_SECONDS)
            continue
        deadline = time.monotonic() + timeout
        for f in batch:
            done_so_far += 1
            if f.status != "finished":
                raise _task_failure(f)
            try:
                value = f.result(timeout=timeout)
            except LOST as exc:
                raise _lost(exc) from None
            yield f, value


def _task(
    blocks: list[Any], work: list[tuple[int, int, NDArray[np.float64]]], eta: float
) -> list[tuple[int, int, NDArray[np.float64], int, int]]:
    """Xi for a list of (k index, frequency offset, frequency chunk) work units.

    ``blocks`` holds the dense blocks of every k point (broadcast to every worker
    once per sweep); each unit is one stacked solve of :func:`.solver.solve_chunk`.
    """
    from .solver import single_threaded_blas, solve_chunk

    out = []
    with single_threaded_blas():
        for ik, start, omega in work:
            x, sl, sr = solve_chunk(blocks[ik], omega, eta)
            out.append((ik, start, x, sl, sr))
    return out


def split_work(
    n_k: int,
    chunks: list[NDArray[np.float64]],
    n_tasks: int,
    only: Collection[tuple[int, int]] | None = None,
) -> list[list[tuple[int, int, Any]]]:
    """Spread the (k, chunk) units over ``n_tasks`` tasks of nearly equal numbers of frequencies.

    Units are taken in (k, chunk) order, so a task holds few k points (their blocks
    are reused across its chunks).  ``only`` restricts the work to these (k index,
    chunk index) units (the ones a resumed run still lacks).
    """
    offsets = np.concatenate([[0], np.cumsum([c.size for c in chunks])])
    units = [
        (ik, int(offsets[ic]), c)
        for ik in range(n_k)
        for ic, c in enumerate(chunks)
        if only is None or (ik, ic) in only
    ]
    if not units:
        return []
    sizes = np.array([u[2].size for u in units], dtype=float)
    n_tasks = max(1, min(int(n_tasks), len(units)))
    cuts = np.searchsorted(np.cumsum(sizes), np.arange(1, n_tasks) * sizes.sum() / n_tasks, side="left") + 1
    edges = [0, *sorted(set(int(c) for c in cuts)), len(units)]
    return [units[a:b] for a, b in zip(edges[:-1], edges[1:]) if b > a]


def run_on_dask(
    model: Any,
    kappa: NDArray[np.float64],
    chunks: list[NDArray[np.float64]],
    eta: float,
    record: Callable[[int, int, NDArray[np.float64], int, int], None],
    *,
    client: Any = None,
    workers: int | None = None,
    address: str | None = None,
    only: Collection[tuple[int, int]] | None = None,
    task_timeout: float = TASK_TIMEOUT,
) -> None:
    """Compute the (k, chunk) units as dask tasks; ``record(ik, start, xi, steps_left, steps_right)`` takes each.

    The dense blocks of all k points are built here and broadcast to every worker once
    (they are small: a few layers of 3N x 3N), then the (k, chunk) work is split into
    :data:`TASKS_PER_WORKER` tasks per worker of equal size.  Measured on two cores
    (benchmarks/agf.py): fewer, larger tasks and the broadcast are what make the second
    worker pay off on a 0.1 s problem.

    Every wait is bounded: connecting (:data:`CONNECT_TIMEOUT`, InputError), a first
    worker (:data:`WORKERS_TIMEOUT`), scattering the blocks (:data:`SCATTER_TIMEOUT`) and
    each stretch without a finished task (``task_timeout``) raise :class:`DaskError`.
    On Ctrl-C the client (and a cluster started here) is closed with distributed's loggers
    silenced, and the KeyboardInterrupt goes on.
    """
    distributed = _distributed()
    own = None
    close = client is None
    if client is None:
        client = connect(address) if address is not None else (own := local_client(workers or 2))
    futures: list[Any] = []
    try:
        blocks = [model.blocks_at(k) for k in kappa]
        try:
            client.wait_for_workers(1, timeout=WORKERS_TIMEOUT)
        except TimeoutError:
            raise DaskError(
                f"the dask scheduler has no workers (none joined within {WORKERS_TIMEOUT:g} s): start some with "
                "'dask worker ADDRESS', or use --workers N for a local cluster"
            ) from None
        except LOST as exc:
            raise _lost(exc) from None
        try:
            remote = client.scatter(blocks, hash=False, broadcast=True, timeout=SCATTER_TIMEOUT)
            n_workers = max(1, sum(client.nthreads().values()))
            tasks = split_work(kappa.shape[0], chunks, TASKS_PER_WORKER * n_workers, only)
            futures = [client.submit(_task, remote, work, eta, pure=False) for work in tasks]
        except TimeoutError:
            raise DaskError(f"the dask workers did not take the model within {SCATTER_TIMEOUT:g} s") from None
        except LOST as exc:
            raise _lost(exc) from None
        for _, parts in _wait_all(distributed, client, futures, task_timeout):
            for ik, start, x, sl, sr in parts:
                record(ik, start, x, sl, sr)
    except BaseException:
        with _quiet():
            for f in futures:
                try:
                    f.cancel()
                except Exception:  # noqa: BLE001 - best effort on the way out
                    pass
        if close:
            close_client(client) if own is not None else close_client(client, cluster=False)
            close = False
        raise
    finally:
        if close:
            close_client(client) if own is not None else close_client(client, cluster=False)
