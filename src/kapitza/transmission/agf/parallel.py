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

    Close it with ``client.close(); client.cluster.close()`` (or use it as a context manager).
    """
    distributed = _distributed()
    if int(workers) != workers or workers < 1:
        raise InputError(f"workers must be a positive integer, got {workers!r}")
    options = {
        "n_workers": int(workers),
        "threads_per_worker": 1,
        "processes": True,
        "dashboard_address": None,
        "env": dict(THREAD_ENV),
        "silence_logs": 40,
    }
    options.update(kwargs)
    cluster = distributed.LocalCluster(**options)
    return distributed.Client(cluster)


def _task(blocks: Any, chunks: list[NDArray[np.float64]], eta: float) -> tuple[NDArray[np.float64], int, int]:
    """Xi for consecutive frequency chunks of one k point (each chunk is one stacked solve)."""
    from .solver import single_threaded_blas, solve_chunk

    parts, left, right = [], 0, 0
    with single_threaded_blas():
        for c in chunks:
            x, sl, sr = solve_chunk(blocks, c, eta)
            parts.append(x)
            left, right = max(left, sl), max(right, sr)
    return np.concatenate(parts), left, right


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
    """Xi(kappa, omega) and decimation steps, computed as dask tasks; see the module docstring."""
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
        remote = client.scatter(blocks, hash=False)
        offsets = np.concatenate([[0], np.cumsum([c.size for c in chunks])])
        n_workers = max(1, sum(client.nthreads().values()))
        # about four tasks per worker: fewer, larger tasks amortise dask's per-task cost
        per_task = max(1, int(np.ceil(kappa.shape[0] * len(chunks) / (4 * n_workers))))
        per_task = min(per_task, len(chunks))
        futures = {}
        for ik in range(kappa.shape[0]):
            for ic in range(0, len(chunks), per_task):
                group = chunks[ic : ic + per_task]
                f = client.submit(_task, remote[ik], group, eta, pure=False)
                futures[f] = (ik, int(offsets[ic]), int(offsets[min(ic + per_task, len(chunks))]))
        xi = np.empty((kappa.shape[0], int(offsets[-1])))
        steps = np.zeros((kappa.shape[0], 2), dtype=np.int64)
        total = len(futures)
        done = 0
        for f, (x, sl, sr) in distributed.as_completed(list(futures), with_results=True):
            ik, start, stop = futures[f]
            xi[ik, start:stop] = x
            steps[ik] = np.maximum(steps[ik], (sl, sr))
            done += 1
            if progress is not None:
                progress(done, total)
        return xi, steps
    finally:
        if close:
            cluster = getattr(client, "cluster", None) if own is not None else None
            client.close()
            if cluster is not None:
                cluster.close()
