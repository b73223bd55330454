"""Running the (omega, k_par) sweep on dask.distributed.

The work splits into independent (k point, chunk of frequencies) units, grouped into
tasks.  The dense blocks of each k point are built once here and scattered to the
workers; each task runs the stacked kernels of :mod:`.kernels` on its units.  Workers
are single-threaded processes with their BLAS limited to one thread (OMP_NUM_THREADS =
OPENBLAS_NUM_THREADS = MKL_NUM_THREADS = 1, and each task limits it again), so n
workers use n cores without oversubscription: the kernels work on small matrices,
where one thread per process is fastest.  Each task also raises glibc's malloc
thresholds while it runs (:func:`kapitza.cluster.malloc_kept`): the trim threshold
dask's nanny gives every worker made the kernels 1.7-2.4x slower there than in a
plain process (the "external-worker penalty").  How many tasks: measured, see
:func:`run_on_dask`.

Use an existing ``distributed.Client``, the scheduler at ``address``
(any dask cluster), or a throw-away ``LocalCluster`` of ``workers``
processes (started and closed here).  Connecting, local clusters and the task
sizing are shared with the MD campaigns: :mod:`kapitza.cluster`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ... import cluster
from ...cluster import (  # noqa: F401 - re-exported: the names this module has always offered
    CONNECT_TIMEOUT,
    THREAD_ENV,
    DaskError,
    cancel_quietly,
    close_client,
    task_count,
    task_overhead,
)
from ...errors import InputError, KapitzaError
from .inputs import api_name

#: Seconds to wait for the blocks to reach the workers.
SCATTER_TIMEOUT = 120.0
#: Seconds without any finished task before the run is abandoned (a worker lost or a client stuck).
TASK_TIMEOUT = 1800.0
#: What to do about a scheduler without workers (the end of its one-line error).
_NO_WORKERS = cluster.NO_WORKERS


def _distributed() -> Any:
    return cluster.distributed_module("agf", "parallel AGF sweeps")


def local_client(workers: int = 2, **kwargs: Any) -> Any:
    """A ``distributed.Client`` on a new local cluster of ``workers`` single-threaded processes
    (:func:`kapitza.cluster.local_client`).  Close it with :func:`close_client`."""
    return cluster.local_client(workers, extra="agf", **kwargs)


def visible_gpus() -> list[str]:
    """The GPUs of this machine as ``CUDA_VISIBLE_DEVICES`` names them for a child process: the entries of this
    process's ``CUDA_VISIBLE_DEVICES`` where it is set, else 0, 1, ... (as many as torch sees)."""
    import os

    from ..._backend import gpu_count

    n = gpu_count()
    given = os.environ.get("CUDA_VISIBLE_DEVICES")
    if given is not None:
        return [g.strip() for g in given.split(",") if g.strip()][:n]
    return [str(i) for i in range(n)]


def local_devices(device: str, workers: int, label: Callable[[str], str] | None = None) -> list[str] | None:
    """The GPUs of a local cluster of ``workers`` processes for ``device`` (one worker per GPU), or None for a
    cluster of CPU workers.

    ``gpu``: the first ``workers`` GPUs of this machine; more workers than GPUs is refused (one worker per GPU:
    two processes on one GPU only queue on it).  ``cuda:N``: that GPU, for one worker.  ``auto``: the GPUs where
    this machine has at least ``workers`` of them, else CPU workers.  ``cpu`` and ``torch-cpu``: CPU workers.
    """
    label = label or api_name
    if device in ("cpu", "torch-cpu"):
        return None
    gpus = visible_gpus()
    if device == "auto":
        return gpus[: int(workers)] if len(gpus) >= int(workers) else None
    if device.startswith("cuda:"):
        index = int(device.partition(":")[2])
        if int(workers) > 1:
            raise InputError(
                f"{label('device')} {device} names one GPU and {label('workers')} {workers} takes one worker per GPU: "
                f"give {label('device')} gpu for {workers} GPUs, or {label('workers')} 1"
            )
        if index >= len(gpus):
            raise InputError(f"{label('device')} {device}: no such GPU; this machine has {len(gpus)}")
        return [gpus[index]]
    if not gpus:
        raise InputError(f"{label('device')} {device}: no GPU on this machine for the local dask workers")
    if int(workers) > len(gpus):
        raise InputError(
            f"{label('workers')} {workers} with {label('device')} {device}: one worker per GPU and this machine has "
            f"{len(gpus)}; give {label('workers')} {len(gpus)} or fewer (or {label('device')} cpu for {workers} CPU "
            "workers)"
        )
    return gpus[: int(workers)]


def connect(address: str, timeout: float = CONNECT_TIMEOUT) -> Any:
    """A ``distributed.Client`` on the scheduler at ``address`` (:func:`kapitza.cluster.connect`)."""
    return cluster.connect(address, timeout, extra="agf")


def _task_failure(future: Any) -> BaseException:
    """The one-line error for an AGF task that ended as ``error`` or ``cancelled`` (:func:`kapitza.cluster.task_error`:
    a ConvergenceError of the solver goes on as it is)."""
    return cluster.task_error(future, "AGF task", _KEPT)


#: What a rerun resumes from.
_KEPT = "finished chunks are kept if --output was given"


def _lost(exc: BaseException) -> DaskError:
    """One line for a connection to the dask cluster lost while the sweep ran."""
    return cluster.lost_error(exc, "the AGF sweep", _KEPT)


def _wait_all(stream: Any, total: Callable[[], int], timeout: float) -> Any:
    """Yield (future, result) as the tasks of ``stream`` finish (:func:`kapitza.cluster.finished`, with the AGF's
    words); DaskError when none finishes for ``timeout`` s."""

    def stuck(pending: int, submitted: int) -> str:
        return (
            f"no AGF task finished for {timeout:g} s ({pending} of {submitted} still pending): the dask workers are "
            "lost or stuck; finished chunks are kept if --output was given, rerun to resume"
        )

    return cluster.finished(stream, total, timeout, failed=_task_failure, lost=_lost, stuck=stuck)


Unit = tuple[int, int, NDArray[np.float64]]


def _task(
    blocks: list[Any],
    work: list[Unit],
    eta: float,
    lead_method: str = "auto",
    device: str = "cpu",
    batch: int | None = None,
) -> tuple[list[tuple[int, int, NDArray[np.float64], int, int]], float]:
    """Xi for a list of (k index, frequency offset, frequency chunk) work units, and the seconds they took.

    ``blocks`` holds the dense blocks of every k point (broadcast to every worker
    once per sweep); the units are solved by :func:`.chunk.solve_units` on the backend that ``device`` selects on
    this worker (:func:`kapitza._backend.select_backend`: "cpu" is numpy, "gpu" the worker's GPU, which is
    its ``cuda:0`` where it was started with ``CUDA_VISIBLE_DEVICES``), ``batch`` frequencies of one k point per
    call on a GPU, one unit per call on the CPU.
    The work runs with one BLAS thread and glibc's malloc thresholds raised
    (:func:`kapitza.cluster.malloc_kept`: without it, a worker started by dask's
    nanny ran the kernels 1.7-2.4x slower than a plain process).  The seconds are
    the solves' alone (not the imports or the transfer): the estimate that sizes
    the other tasks (:func:`run_on_dask`).
    """
    from ..._backend import select_backend
    from .chunk import single_threaded_blas, solve_units

    backend = select_backend(device)
    with single_threaded_blas(), cluster.malloc_kept():
        t0 = time.perf_counter()
        out = list(solve_units(blocks.__getitem__, work, eta, lead_method, backend, batch))
        seconds = time.perf_counter() - t0
    # the GPU's memory back to the device between tasks: a local cluster's worker 0 shares its GPU with the
    # submitting process, which counts the leads' channels there after the sweep
    backend.release()
    return out, seconds


def worker_device(device: str) -> dict[str, Any]:
    """What ``device`` selects on the dask worker this runs on (through ``client.run``): its
    :func:`kapitza._backend.device_record`, with ``gpu`` (bool) and, on a GPU, ``free_bytes``; or
    ``{"error": the one-line reason}`` (no GPU there, no torch there)."""
    from ..._backend import device_memory, device_record, select_backend

    try:
        backend = select_backend(device)
        record = device_record(backend)
        memory = device_memory(backend)
    except KapitzaError as exc:
        return {"error": str(exc)}
    record.update({"gpu": backend.is_gpu, "free_bytes": None if memory is None else memory[0]})
    return record


@dataclass(frozen=True)
class WorkerDevices:
    """The device the tasks of a dask sweep run on, and what each worker reported (:func:`worker_device`).

    Attributes
    ----------
    device : str
        The ``--device`` value every task selects on its worker: "cpu", "torch-cpu", "gpu" or "cuda:N".
    workers : tuple of (address, report)
        Each worker's device record.
    """

    device: str
    workers: tuple[tuple[str, dict[str, Any]], ...]

    @property
    def gpu(self) -> bool:
        """Whether the tasks run on the workers' GPUs."""
        return any(r.get("gpu") for _, r in self.workers)

    @property
    def free(self) -> int | None:
        """The least free memory of a worker's GPU, bytes (None on the CPU)."""
        free = [int(r["free_bytes"]) for _, r in self.workers if r.get("free_bytes") is not None]
        return min(free) if free else None

    def labels(self) -> list[str]:
        """Each distinct device as "name (library)", for a result's record."""
        return sorted({f"{r.get('name', '?')} ({r.get('library', '?')}, {r.get('device', '?')})"
                       for _, r in self.workers})  # fmt: skip


def resolve_devices(
    reports: dict[str, dict[str, Any]], device: str, label: Callable[[str], str] = api_name
) -> WorkerDevices:
    """The device of a dask sweep from its workers' reports (``{address: worker_device(device)}``).

    The rule: ``cpu`` runs numpy on every worker, whatever it has; ``torch-cpu`` needs torch on every worker;
    ``gpu`` (or ``cuda:N``) needs a GPU on every worker; ``auto`` takes the GPUs where every worker has one and
    the CPUs where none has.  A cluster where some workers have a GPU and others do not is refused for ``gpu``
    and ``auto`` (one line, how many of each and what to do), never split between devices: the work would wait on
    the slowest worker and the record would name two devices.

    Raises
    ------
    InputError
        A mixed cluster, or a device no worker (or not every worker) can select.
    """
    name = label("device")
    if not reports:
        raise InputError(f"{name} {device}: the dask cluster has no workers")
    failed = {a: r["error"] for a, r in reports.items() if "error" in r}
    gpu = sorted(a for a, r in reports.items() if "error" not in r and r.get("gpu"))
    cpu = sorted(a for a, r in reports.items() if "error" not in r and not r.get("gpu"))
    ordered = tuple(sorted(reports.items()))
    if device in ("cpu", "torch-cpu"):
        if failed:
            address, reason = sorted(failed.items())[0]
            raise InputError(
                f"{name} {device}: {len(failed)} of {len(reports)} dask workers cannot run it ({address}: {reason})"
            )
        return WorkerDevices(device, ordered)
    hint = (
        f"give {name} cpu to run numpy on every worker, or use a cluster of GPU workers only (one per GPU: "
        "CUDA_VISIBLE_DEVICES=N dask worker ADDRESS --nthreads 1)"
    )
    without = sorted(set(cpu) | set(failed))
    if gpu and without:
        raise InputError(
            f"{name} {device}: the dask cluster mixes {len(gpu)} worker(s) with a GPU and {len(without)} without "
            f"(e.g. {without[0]}); {hint}"
        )
    if not gpu:
        if device == "auto":
            return WorkerDevices("cpu", ordered)
        address, reason = sorted(failed.items())[0] if failed else (without[0], "no GPU")
        raise InputError(f"{name} {device}: no dask worker has a GPU ({address}: {reason}); {hint}")
    return WorkerDevices("gpu" if device == "auto" else device, ordered)


def cluster_devices(client: Any, device: str, label: Callable[[str], str] = api_name) -> WorkerDevices:
    """Ask every worker of ``client`` what ``device`` selects there (:func:`worker_device`) and apply the rule of
    :func:`resolve_devices`."""
    if device == "cpu":  # numpy on every worker: nothing to ask
        return WorkerDevices("cpu", ())
    try:
        cluster.wait_for_workers(client, cluster.WORKERS_TIMEOUT, _NO_WORKERS)
        reports = client.run(worker_device, device)
    except cluster.LOST as exc:
        raise _lost(exc) from None
    except KapitzaError:
        raise
    except Exception as exc:  # noqa: BLE001 - a worker without kapitza: one line instead of a remote traceback
        raise DaskError(
            f"the dask workers could not report their device ({cluster.one_line(exc)}): install kapitza in the "
            "workers' environment"
        ) from None
    return resolve_devices(dict(reports), device, label)


def work_units(
    n_k: int, chunks: list[NDArray[np.float64]], only: Collection[tuple[int, int]] | None = None
) -> list[Unit]:
    """The (k index, frequency offset, frequencies) units in (k, chunk) order; ``only``: these (k, chunk) alone."""
    offsets = np.concatenate([[0], np.cumsum([c.size for c in chunks])])
    return [
        (ik, int(offsets[ic]), c)
        for ik in range(n_k)
        for ic, c in enumerate(chunks)
        if only is None or (ik, ic) in only
    ]


def split_units(units: list[Unit], n_tasks: int) -> list[list[Unit]]:
    """Consecutive runs of ``units`` for ``n_tasks`` tasks of nearly equal numbers of frequencies."""
    if not units:
        return []
    sizes = np.array([u[2].size for u in units], dtype=float)
    n_tasks = max(1, min(int(n_tasks), len(units)))
    cuts = np.searchsorted(np.cumsum(sizes), np.arange(1, n_tasks) * sizes.sum() / n_tasks, side="left") + 1
    edges = [0, *sorted(set(int(c) for c in cuts)), len(units)]
    return [units[a:b] for a, b in zip(edges[:-1], edges[1:]) if b > a]


def split_work(
    n_k: int,
    chunks: list[NDArray[np.float64]],
    n_tasks: int,
    only: Collection[tuple[int, int]] | None = None,
) -> list[list[Unit]]:
    """Spread the (k, chunk) units over ``n_tasks`` tasks of nearly equal numbers of frequencies.

    Units are taken in (k, chunk) order, so a task holds few k points (their blocks
    are reused across its chunks).  ``only`` restricts the work to these (k index,
    chunk index) units (the ones a resumed run still lacks).
    """
    return split_units(work_units(n_k, chunks, only), n_tasks)


@dataclass(frozen=True)
class DaskPlan:
    """How :func:`run_on_dask` cut the work: measured overhead and unit cost, and the tasks chosen.

    Attributes
    ----------
    workers : int
        Worker threads of the cluster.
    overhead_s : float
        Per-task round trip of an empty task (:func:`kapitza.cluster.task_overhead`), s.
    frequency_s : float
        Compute time per frequency of one k point, measured by the first tasks, s.
    tasks : int
        Tasks submitted in all (the first one per worker, then the rest as sized).
    task_s : float
        Mean estimated compute time of the sized tasks, s (0 when all the work fitted in the first ones).
    device : str
        The ``--device`` the tasks selected on their workers (:func:`resolve_devices`).
    devices : tuple of str
        The workers' distinct devices in words (empty for numpy on every worker, which was not asked).
    batch : int or None
        Frequencies of one k point per kernel call on the workers' GPUs (None: one unit per call).
    """

    workers: int
    overhead_s: float
    frequency_s: float
    tasks: int
    task_s: float
    device: str = "cpu"
    devices: tuple[str, ...] = ()
    batch: int | None = None

    @property
    def overhead_fraction(self) -> float:
        """Per-task overhead over the sized tasks' compute time (the goal: below 5 %)."""
        return self.overhead_s / self.task_s if self.task_s > 0 else float("nan")


def _solved_blocks(model: Any, kappa: NDArray[np.float64], folds: tuple[Any, Any] | None) -> tuple[Any, Any, Any]:
    """The blocks of one k point as the kernels take them: the leads folded where ``folds`` are given."""
    left, device, right = model.blocks_at(kappa)
    if folds is None:
        return left, device, right
    return folds[0].blocks(left, kappa), device, folds[1].blocks(right, kappa)


def run_on_dask(
    model: Any,
    kappa: NDArray[np.float64],
    chunks: list[NDArray[np.float64]],
    eta: float,
    record: Callable[[int, int, NDArray[np.float64], int, int], None],
    *,
    only: Collection[tuple[int, int]] | None = None,
    task_timeout: float = TASK_TIMEOUT,
    lead_method: str = "auto",
    folds: tuple[Any, Any] | None = None,
    sizes: Callable[[], Any] | None = None,
    execution: Any = None,
    **where: Any,
) -> DaskPlan | None:
    """Compute the (k, chunk) units as dask tasks; ``record(ik, start, xi, steps_left, steps_right)`` takes each.

    The dense blocks of all k points are built here and broadcast to every worker once
    (they are small: a few layers of 3N x 3N).  The work is then sized from measurements,
    not a constant: the per-task overhead of the cluster (:func:`kapitza.cluster.task_overhead`)
    and the compute time of the first units, one per worker, sent first; the rest is split
    into :func:`kapitza.cluster.task_count` tasks of equal frequencies, each long enough
    that the overhead stays under 5 % of it.  Returns the :class:`DaskPlan` (None when
    there was nothing to do).

    Every wait is bounded: connecting (``connect_timeout``, InputError), a first
    worker (:data:`kapitza.cluster.WORKERS_TIMEOUT`), scattering the blocks (:data:`SCATTER_TIMEOUT`) and
    each stretch without a finished task (``task_timeout``) raise :class:`DaskError`.
    On Ctrl-C the client (and a cluster started here) is closed with distributed's loggers
    silenced, and the KeyboardInterrupt goes on.

    ``device`` is the ``--device`` of the tasks, selected on each worker by the rule of :func:`resolve_devices`
    (a mixed cluster is refused before any task); on GPU workers ``batch`` frequencies of one k point are
    stacked per call, by default as many as fit the least free GPU memory of a worker (``sizes()``, the model's
    :class:`.inputs.ModelSizes`, and ``max_gpu_memory_gb``: :func:`.inputs.device_batch`).  A local cluster made
    here for a GPU device has one worker per GPU (``workers`` of them at most: :func:`local_devices`).

    ``execution`` (:class:`.execution.Execution`, or its fields by keyword: ``client``, ``workers``, ``address``,
    ``connect_timeout``, ``device``, ``batch``, ``max_gpu_memory_gb``) says where the tasks run.
    """
    from .execution import Execution

    run = Execution.of(execution, where, "run_on_dask")
    client, workers, address, connect_timeout = run.client, run.workers, run.address, run.connect_timeout
    device, batch, max_gpu_memory_gb = run.device, run.batch, run.max_gpu_memory_gb
    distributed = _distributed()
    units = work_units(kappa.shape[0], chunks, only)
    if not units:
        return None
    own = None
    close = client is None
    if client is None:
        if address is not None:
            client = connect(address, connect_timeout)
        else:
            gpus = local_devices(device, workers or 2)
            own = local_client(workers or 2) if gpus is None else cluster.local_gpu_client(gpus)
            client = own
    futures: list[Any] = []
    try:
        # the supercell's leads as copies of the primitive cell's, built here, sent once; each k folded as it is
        # made, so that the supercell's dense lead blocks of one k at a time are alive, never those of all of them
        blocks = [_solved_blocks(model, k, folds) for k in kappa]
        try:
            cluster.wait_for_workers(client, cluster.WORKERS_TIMEOUT, _NO_WORKERS)
        except cluster.LOST as exc:
            raise _lost(exc) from None
        devices = cluster_devices(client, device)
        if devices.gpu and batch is None:
            from .inputs import device_batch

            most = max(sum(c.size for c in chunks), 1)
            batch = device_batch(sizes(), most, devices.free, max_gpu_memory_gb, where="a dask worker's GPU")
        task_batch = batch if devices.gpu else None
        try:
            remote = client.scatter(blocks, hash=False, broadcast=True, timeout=SCATTER_TIMEOUT)
            n_workers = max(1, sum(client.nthreads().values()))
            overhead = task_overhead(client, timeout=SCATTER_TIMEOUT)
            first, rest = units[:n_workers], units[n_workers:]
            futures = [
                client.submit(_task, remote, [u], eta, lead_method, devices.device, task_batch, pure=False)
                for u in first
            ]
        except TimeoutError:
            raise DaskError(f"the dask workers did not take the model within {SCATTER_TIMEOUT:g} s") from None
        except cluster.LOST as exc:
            raise _lost(exc) from None
        except KapitzaError:
            raise
        except Exception as exc:  # noqa: BLE001 - a worker that cannot unpickle the model (no kapitza there):
            # distributed re-raises its ImportError as a plain Exception; one line instead of a remote traceback
            raise DaskError(
                f"the dask workers could not take the AGF model ({cluster.one_line(exc)}): install kapitza in the "
                "workers' environment"
            ) from None
        stream = distributed.as_completed(futures, loop=client.loop)
        per_frequency = 0.0
        sized: list[list[Unit]] = []
        for _, (parts, seconds) in _wait_all(stream, lambda: len(futures), task_timeout):
            for ik, start, x, sl, sr in parts:
                record(ik, start, x, sl, sr)
            if rest and not sized:  # the first unit back: its time sizes the rest
                per_frequency = seconds / max(1, sum(p[2].size for p in parts))
                work_s = per_frequency * sum(u[2].size for u in rest)
                sized = split_units(rest, task_count(work_s, overhead, n_workers, len(rest)))
                more = [
                    client.submit(_task, remote, w, eta, lead_method, devices.device, task_batch, pure=False)
                    for w in sized
                ]
                futures.extend(more)
                stream.update(more)
            elif not per_frequency:
                per_frequency = seconds / max(1, sum(p[2].size for p in parts))
        task_s = per_frequency * sum(u[2].size for u in rest) / len(sized) if sized else 0.0
        return DaskPlan(
            workers=n_workers,
            overhead_s=overhead,
            frequency_s=per_frequency,
            tasks=len(futures),
            task_s=task_s,
            device=devices.device,
            devices=tuple(devices.labels()),
            batch=task_batch,
        )
    except BaseException:
        cancel_quietly(futures)
        if close:
            close_client(client) if own is not None else close_client(client, cluster=False)
            close = False
        raise
    finally:
        if close:
            close_client(client) if own is not None else close_client(client, cluster=False)
