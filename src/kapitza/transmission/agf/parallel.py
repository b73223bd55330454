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

import logging
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ...errors import InputError, MissingDependencyError

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
    return distributed.Client(cluster)


#: Tasks per worker: two balance uneven chunks (band edges converge more slowly) while keeping
#: dask's per-task cost (a few ms per round trip on two cores) small against the work.
TASKS_PER_WORKER = 2


def close_client(client: Any, cluster: Any = None) -> None:
    """Close ``client`` (and ``cluster``, default: the client's own LocalCluster) without dask's INFO chatter.

    LocalCluster silences its logs only while it starts; closing it prints a dozen INFO lines.
    """
    from distributed.utils import silence_logging_cmgr

    cluster = cluster if cluster is not None else getattr(client, "cluster", None)
    with silence_logging_cmgr(logging.ERROR):
        client.close()
        if cluster is not None:
            cluster.close()


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


def split_work(n_k: int, chunks: list[NDArray[np.float64]], n_tasks: int) -> list[list[tuple[int, int, Any]]]:
    """Spread the (k, chunk) units over ``n_tasks`` tasks of nearly equal numbers of frequencies.

    Units are taken in (k, chunk) order, so a task holds few k points (their blocks
    are reused across its chunks).
    """
    offsets = np.concatenate([[0], np.cumsum([c.size for c in chunks])])
    units = [(ik, int(offsets[ic]), c) for ik in range(n_k) for ic, c in enumerate(chunks)]
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
    progress: Callable[[int, int], None] | None = None,
    *,
    client: Any = None,
    workers: int | None = None,
    address: str | None = None,
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """Xi(kappa, omega) and decimation steps, computed as dask tasks; see the module docstring.

    The dense blocks of all k points are built here and broadcast to every worker once
    (they are small: a few layers of 3N x 3N), then the (k, chunk) work is split into
    :data:`TASKS_PER_WORKER` tasks per worker of equal size.  Measured on two cores
    (benchmarks/agf.py): fewer, larger tasks and the broadcast are what make the second
    worker pay off on a 0.1 s problem.
    """
    distributed = _distributed()
    own = None
    if client is None:
        if address is not None:
            client = distributed.Client(address)
        else:
            client = own = local_client(workers or 2)
        close = True
    else:
        close = False
    try:
        blocks = [model.blocks_at(k) for k in kappa]
        remote = client.scatter(blocks, hash=False, broadcast=True)
        n_workers = max(1, sum(client.nthreads().values()))
        tasks = split_work(kappa.shape[0], chunks, TASKS_PER_WORKER * n_workers)
        futures = [client.submit(_task, remote, work, eta, pure=False) for work in tasks]
        n_omega = int(sum(c.size for c in chunks))
        xi = np.empty((kappa.shape[0], n_omega))
        steps = np.zeros((kappa.shape[0], 2), dtype=np.int64)
        for done, (_, parts) in enumerate(distributed.as_completed(futures, with_results=True), start=1):
            for ik, start, x, sl, sr in parts:
                xi[ik, start : start + x.size] = x
                steps[ik] = np.maximum(steps[ik], (sl, sr))
            if progress is not None:
                progress(done, len(futures))
        return xi, steps
    finally:
        if close:
            if own is not None:
                close_client(client)
            else:
                client.close()
