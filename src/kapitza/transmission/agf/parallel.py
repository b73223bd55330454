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

#: Environment of local workers: one BLAS thread each.
THREAD_ENV = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


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


def _task(blocks: Any, omega: NDArray[np.float64], eta: float) -> tuple[NDArray[np.float64], int, int]:
    from .solver import solve_chunk

    return solve_chunk(blocks, omega, eta)


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
        remote = client.scatter(blocks)
        offsets = np.concatenate([[0], np.cumsum([c.size for c in chunks])])
        futures = {}
        for ik in range(kappa.shape[0]):
            for ic, c in enumerate(chunks):
                f = client.submit(_task, remote[ik], c, eta, pure=False)
                futures[f] = (ik, ic)
        xi = np.empty((kappa.shape[0], int(offsets[-1])))
        steps = np.zeros((kappa.shape[0], 2), dtype=np.int64)
        total = len(futures)
        for done, f in enumerate(distributed.as_completed(list(futures)), start=1):
            ik, ic = futures[f]
            x, sl, sr = f.result()
            xi[ik, offsets[ic] : offsets[ic + 1]] = x
            steps[ik] = np.maximum(steps[ik], (sl, sr))
            if progress is not None:
                progress(done, total)
        return xi, steps
    finally:
        if close:
            cluster = getattr(client, "cluster", None) if own is not None else None
            client.close()
            if cluster is not None:
                cluster.close()
