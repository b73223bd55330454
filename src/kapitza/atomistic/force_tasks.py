"""Force calls as tasks: the forces of many structures through one calculator, in this process or on a dask
cluster, each structure's forces cached by its content.

Every route from atoms to force constants hands its displaced structures to one calculator: the interface's rows
(:class:`kapitza.atomistic.calculator_forces.CalculatorForceConstants`, the AGF's calculator route) and each bulk
crystal's phonopy displacements (:func:`kapitza.phonons.from_structure.crystal_phonons`).  A :class:`ForceRunner`
computes them:

* **in this process** (the default, :meth:`ForceRunner.here`): the calculator is loaded once per process, the
  structures computed in order (a batching potential, CHGNet, packs them into batches of
  :data:`~kapitza.atomistic.calculators.BATCH_ATOMS` atoms);
* **on dask** (:func:`force_runner` with ``workers`` for a local cluster of that many single-threaded processes,
  started at the first force call, its count and memory checked before anything starts by the one rule of every
  local cluster, :func:`kapitza.cluster.check_local_workers`: each worker loads the potential and holds one force
  call, :meth:`ForceRunner.check_memory`; or ``scheduler`` for a running cluster, whose workers may hold GPUs:
  each worker runs the built-in potentials where its own ``KAPITZA_MLIP_DEVICE`` says): one task per structure (per
  batch for a batching potential).  Each worker loads the potential once and keeps it (:func:`worker_source`, a
  cache of the worker's process keyed by the calculator's name and the worker's device), and checks that its
  potential is the
  caller's (the identity of :class:`~kapitza.atomistic.calculators.CalculatorSource`: package version, SHA-256 of the
  weights or of a user's module), so a worker with another version of the potential is refused, never mixed in.
  A task's key is its structures' cache key, so two runs sending the same structure to one scheduler share the task.

Either way the forces of each structure are cached by content (:func:`kapitza.io.cache.cached_lookup` and
:func:`~kapitza.io.cache.cached_store`: signed, written atomically, by this process only, never by a worker): a run
reads what an earlier or interrupted run computed and computes only the rest, and two runs share what either
finished.  A worker that dies mid-run loses only its running task, which dask gives to another worker; nothing it
was computing is in the cache, which holds only what came back whole.  The key is the calculator's identity and a
SHA-256 of the structure (numbers, cell, periodicity, tags, masses and positions to 1e-9 A; :func:`structure_digest`).

The device is not part of the key: the built-in potentials give the same forces to float32 round-off on a GPU and on
the CPU (:mod:`kapitza.atomistic.calculators`), so a run on GPU workers reads a CPU run's forces and the reverse.

Every force call that is computed is timed (:attr:`ForceRunner.calls`): seconds per call and the device it ran on,
the measured per-call costs from which the time of a run on N workers can be stated.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..errors import InputError, KapitzaError
from .calculators import BATCH_ATOMS, CalculatorSource

#: Version of the cached forces of one structure (bump when their meaning changes).
FORMAT = 1
#: The cache kind of one structure's forces.
KIND = "structure-forces"
#: Seconds without any finished force task before a run on dask is abandoned (a worker lost or stuck).
TASK_TIMEOUT = 3600.0

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class ForceCall:
    """One computed force call: ``structures`` structures of ``atoms`` atoms each in ``seconds`` s on ``device``
    ("cpu", "cuda:0", or a user calculator's "its own"), by ``worker`` ("" in this process)."""

    structures: int
    atoms: int
    seconds: float
    device: str
    worker: str = ""


def structure_digest(atoms: Any) -> str:
    """SHA-256 of what a calculator's forces on ``atoms`` depend on: numbers, cell, periodicity, tags, masses and
    positions (positions and cell rounded to 1e-9 A, as a structure read back from a file differs from the built one
    in the last bits only)."""
    digest = hashlib.sha256()
    for array in (
        np.asarray(atoms.numbers, dtype=np.int64),
        np.round(np.asarray(atoms.cell, dtype=float), 9),
        np.asarray(atoms.pbc, dtype=bool),
        np.asarray(atoms.get_tags(), dtype=np.int64),
        np.asarray(atoms.get_masses(), dtype=float),
        np.round(np.asarray(atoms.positions, dtype=float), 9) + 0.0,  # + 0.0: -0.0 and 0.0 alike
    ):
        a = np.ascontiguousarray(array)
        digest.update(str(a.shape).encode())
        digest.update(a.tobytes())
    return digest.hexdigest()


def _parts(source: CalculatorSource, digest: str) -> dict[str, Any]:
    return {"format": FORMAT, "calculator": dict(source.identity), "structure_sha256": digest}


def _check(arrays: Any) -> str | None:
    return None if np.all(np.isfinite(arrays["forces"])) else "forces that are not finite"


def _groups(source: CalculatorSource, sizes: Sequence[int], missing: Sequence[int]) -> list[list[int]]:
    """The missing structures in the groups one force call takes: a batching potential's batches of at most
    :data:`BATCH_ATOMS` atoms, else one structure a call."""
    batching = source._batch is not None
    groups: list[list[int]] = []
    for k in missing:
        if groups and batching and sum(sizes[i] for i in groups[-1]) + sizes[k] <= BATCH_ATOMS:
            groups[-1].append(k)
        else:
            groups.append([k])
    return groups


def _payload(atoms: Any) -> dict[str, NDArray[Any]]:
    """A structure as plain arrays (what a task sends): numbers, positions (A), cell (A), pbc, tags, masses."""
    return {
        "numbers": np.asarray(atoms.numbers),
        "positions": np.asarray(atoms.positions, dtype=float),
        "cell": np.asarray(atoms.cell, dtype=float),
        "pbc": np.asarray(atoms.pbc, dtype=bool),
        "tags": np.asarray(atoms.get_tags()),
        "masses": np.asarray(atoms.get_masses(), dtype=float),
    }


def _atoms(payload: dict[str, NDArray[Any]]) -> Any:
    from ase import Atoms

    return Atoms(numbers=payload["numbers"], positions=payload["positions"], cell=payload["cell"],
                 pbc=payload["pbc"], tags=payload["tags"], masses=payload["masses"])  # fmt: skip


def _device_of(source: CalculatorSource) -> str:
    """Where ``source`` runs in this process: the built-ins' :func:`~kapitza.atomistic.calculators.mlip_device`, a
    user's calculator "its own"."""
    from .calculators import BUILTINS, D3_SUFFIX, mlip_device

    return mlip_device() if source.name.removesuffix(D3_SUFFIX) in BUILTINS else "its own"


#: The calculators a worker process has loaded, by (name, device): :func:`worker_source`.
_WORKER_SOURCES: dict[tuple[str, str], CalculatorSource] = {}


def worker_source(name: str) -> CalculatorSource:
    """The calculator ``name`` in this (worker) process, loaded once and kept, keyed by its name and the device the
    process runs the built-in potentials on (``KAPITZA_MLIP_DEVICE``, read when it is asked for): a worker computes
    every task of a run, and of the next run, with the model it loaded for the first."""
    from .calculators import DEVICE_VARIABLE, calculator_source

    key = (name, os.environ.get(DEVICE_VARIABLE, "").strip().lower() or "cpu")
    found = _WORKER_SOURCES.get(key)
    if found is None:
        found = _WORKER_SOURCES[key] = calculator_source(name)
    return found


def force_task(name: str, identity: dict[str, Any], structures: list[dict[str, NDArray[Any]]]) -> dict[str, Any]:
    """One force call on a dask worker: the forces (eV/A) of ``structures`` (plain arrays, :func:`_payload`) through
    the worker's own ``name`` calculator (:func:`worker_source`), which must have the caller's ``identity``; with the
    seconds the call took and the device it ran on.

    In a worker, glibc's malloc thresholds are raised once for the worker's life (:func:`kapitza.cluster.
    malloc_raised`): with dask's nanny's ``MALLOC_TRIM_THRESHOLD_=65536`` and :func:`kapitza.cluster.malloc_kept`
    around each call, one CHGNet call on an 896-atom GaN|AlN structure took 9.39 s in a worker against 4.83 s in a
    plain process (medians of six, benchmarks/force_scaling.py, 2026-11-27; the cases that found the cause are in
    :func:`~kapitza.cluster.malloc_raised`).
    """
    source = worker_source(name)
    if dict(source.identity) != dict(identity):
        differ = sorted(k for k in set(identity) | set(source.identity) if identity.get(k) != source.identity.get(k))
        raise InputError(
            f"the dask worker's {name} calculator is not this process's ({', '.join(differ)} differ): install the "
            "same version of the potential's package on every worker"
        )
    try:
        from distributed import get_worker

        worker = str(get_worker().address)
    except (ImportError, ValueError):  # called outside a worker (a test, a caller's own pool)
        worker = ""
    if worker:  # never the caller's process: its malloc is its own
        from ..cluster import malloc_raised

        malloc_raised()  # dask's nanny's malloc setting made a CHGNet call 2x slower (see the docstring)
    atoms = [_atoms(p) for p in structures]
    device = _device_of(source)
    t0 = time.perf_counter()
    forces = source.forces(atoms)
    seconds = time.perf_counter() - t0
    return {"forces": forces, "seconds": seconds, "device": device, "worker": worker}


class ForceRunner:
    """Where force calls run: this process (``client`` None) or a dask cluster (see the module docstring).

    Parameters
    ----------
    client : distributed.Client, optional
        A client on the cluster the tasks go to (not closed here: :func:`force_runner` closes what it made).
    start : callable, optional
        Makes the client at the first force call that needs one (a local cluster started only when there is work
        for it, after every check of the run); its client is closed by :meth:`close`.
    where : str
        The cluster in words, for the record ("2 local workers", "the dask scheduler at tcp://...").
    task_timeout : float
        Seconds without a finished task before the run is abandoned (:class:`~kapitza.cluster.DaskError`).
    local_workers : int, optional
        The processes of the local cluster ``start`` makes (its memory: :meth:`check_memory`).

    Attributes
    ----------
    calls : list of ForceCall
        Every force call computed (a cache hit makes none), in the order they came back.
    cached : int
        Structures whose forces were read from the cache.
    """

    def __init__(self, client: Any = None, *, start: Callable[[], Any] | None = None, where: str = "this process",
                 task_timeout: float = TASK_TIMEOUT, local_workers: int | None = None) -> None:  # fmt: skip
        self._client = client
        self._start = start
        self._own = False
        self.local_workers = None if local_workers is None else int(local_workers)
        self.where = where
        self.task_timeout = float(task_timeout)
        self.calls: list[ForceCall] = []
        self.cached = 0

    @classmethod
    def here(cls) -> ForceRunner:
        """Force calls in this process (the default)."""
        return cls()

    @classmethod
    def of(cls, runner: Any) -> ForceRunner:
        """``runner`` as given, or :meth:`here` for None; InputError in one line for anything else (the one check of
        every function that takes a ``runner``)."""
        if runner is None:
            return cls.here()
        if not isinstance(runner, cls):
            raise InputError(f"runner must be a kapitza.atomistic.force_tasks.ForceRunner, got {type(runner).__name__}")
        return runner

    def worker_bytes(self, source: CalculatorSource, atoms: Any, structures: int | None = None) -> float:
        """Bytes of all the local workers this runner starts, each at its peak with the force calls of ``source`` on
        ``atoms`` (:func:`worker_memory`); 0 in this process or on a cluster at an address (other machines')."""
        if not self.local_workers:
            return 0.0
        return self.local_workers * worker_memory(source, atoms, structures)[0]

    def check_memory(
        self,
        source: CalculatorSource,
        atoms: Any,
        structures: int | None = None,
        *,
        main: float = 0.0,
        max_memory_gb: float | None = None,
        name: str = "workers=",
        bound_name: str = "max_memory_gb=",
        what: str = "a local dask cluster",
    ) -> Any:
        """The one rule of a local cluster (:func:`kapitza.cluster.check_local_workers`) for force calls of ``source``
        on ``atoms`` (``structures`` of them handed over at once): this process's ``main`` bytes and each worker at
        its peak (:func:`worker_memory`) within ``max_memory_gb`` (default this machine's memory), and on a CUDA GPU
        every worker's model and call within its free memory; checked before anything starts, whether or not a force
        call then needs the cluster (a crystal read from the cache gives the same verdict).  Returns the statement
        (:class:`kapitza.cluster.LocalWorkers`), or None without local workers."""
        if not self.local_workers:
            return None
        from ..cluster import check_local_workers
        from .call_memory import check_gpu_memory, force_call_memory

        per, known = worker_memory(source, atoms, structures)
        each = (
            f"the {source.name} potential and one force call on {len(atoms)} atoms"
            if known
            else f"its libraries only: no measured footprint for the {source.name} calculator"
        )
        found = check_local_workers(self.local_workers, per, main=main, max_memory_gb=max_memory_gb, name=name,
                                    bound_name=bound_name, what=what, each=each)  # fmt: skip
        if known:  # on a GPU: one model and one call per worker on the one device
            call = force_call_memory(source.name, atoms, structures)
            check_gpu_memory({**call, "gpu": self.local_workers * call["gpu"]},
                             f"{what} of {self.local_workers} worker(s) on one GPU")  # fmt: skip
        return found

    @property
    def distributed(self) -> bool:
        """Whether force calls go to dask workers."""
        return self._client is not None or self._start is not None

    @property
    def client(self) -> Any:
        """The dask client (started here at the first call for a lazy local cluster), or None in process."""
        if self._client is None and self._start is not None:
            self._client = self._start()
            self._own = True
        return self._client

    @property
    def started(self) -> bool:
        """Whether a dask client exists (given, or started by a force call)."""
        return self._client is not None

    def close(self) -> None:
        """Close the client and local cluster this runner started (a given client stays open)."""
        if self._own and self._client is not None:
            from ..cluster import close_client

            close_client(self._client)
        if self._own:
            self._client, self._own = None, False

    def record(self) -> dict[str, Any]:
        """What the force calls were (JSON-able): where, how many computed and read from the cache, their seconds
        per call by size and device."""
        out: dict[str, Any] = {"where": self.where, "computed": sum(c.structures for c in self.calls),
                               "calls": len(self.calls), "cached": self.cached}  # fmt: skip
        by: dict[tuple[int, str], list[float]] = {}
        for c in self.calls:
            by.setdefault((c.atoms, c.device), []).append(c.seconds / max(c.structures, 1))
        out["seconds_per_structure"] = [
            {"atoms": atoms, "device": device, "median_s": float(np.median(s)), "calls": len(s)}
            for (atoms, device), s in sorted(by.items())
        ]
        workers = sorted({c.worker for c in self.calls if c.worker})
        if workers:
            out["workers"] = workers
        return out

    def forces(
        self,
        source: CalculatorSource,
        structures: Sequence[Any],
        *,
        progress: Progress | None = None,
        stage: str = "forces",
        cache: bool = True,
    ) -> NDArray[np.float64]:
        """Forces in eV/A on each of ``structures`` (ase.Atoms, A) through ``source``, shape (k, n, 3) (structures
        of one size; the order of ``structures``), each read from the cache where it is there and computed (here
        or as a task) and stored as it comes back otherwise.  ``progress(stage, done, total)`` counts structures,
        those read back included.

        Raises
        ------
        InputError
            The calculator fails on a structure (:meth:`CalculatorSource.forces`), a worker's potential is not
            this process's.
        kapitza.cluster.DaskError
            The cluster lost the work or stopped answering.
        """
        from ..io.cache import cached_lookup, cached_store

        k = len(structures)
        if k == 0:
            return np.zeros((0, 0, 3))
        sizes = [len(a) for a in structures]
        digests = [structure_digest(a) for a in structures]  # the cache's keys, and the tasks' on dask
        out: list[NDArray[np.float64] | None] = [None] * k
        for i in range(k if cache else 0):
            found = cached_lookup(KIND, _parts(source, digests[i]), shapes={"forces": (sizes[i], 3)}, check=_check)
            if found is not None:
                out[i] = np.asarray(found["forces"], dtype=float)
        missing = [i for i in range(k) if out[i] is None]
        self.cached += k - len(missing)
        state = {"done": k - len(missing)}
        if progress is not None:
            progress(stage, state["done"], k)

        def arrived(group: list[int], forces: NDArray[np.float64], call: ForceCall) -> None:
            self.calls.append(call)
            for i, f in zip(group, forces):
                f = np.asarray(f, dtype=float)
                out[i] = f
                if cache:
                    cached_store(KIND, _parts(source, digests[i]), {"forces": f}, shapes={"forces": (sizes[i], 3)},
                                 check=_check)  # fmt: skip
            state["done"] += len(group)
            if progress is not None:
                progress(stage, state["done"], k)

        groups = _groups(source, sizes, missing)
        if groups and self.distributed:
            self._on_dask(source, structures, groups, digests, arrived)
        else:
            device = _device_of(source) if groups else ""
            for group in groups:
                t0 = time.perf_counter()
                forces = source.forces([structures[i] for i in group])
                call = ForceCall(len(group), sizes[group[0]], time.perf_counter() - t0, device)
                arrived(group, forces, call)
        return np.array(out, dtype=float).reshape(k, -1, 3)

    def _on_dask(
        self,
        source: CalculatorSource,
        structures: Sequence[Any],
        groups: list[list[int]],
        digests: list[str],
        arrived: Callable[[list[int], NDArray[np.float64], ForceCall], None],
    ) -> None:
        """The ``groups`` of ``structures`` as tasks on the cluster, each handed to ``arrived`` as it finishes."""
        from .. import cluster

        distributed = cluster.distributed_module("agf", "force calls on dask")
        client = self.client
        futures: list[Any] = []
        try:
            try:
                cluster.wait_for_workers(client, cluster.WORKERS_TIMEOUT, cluster.NO_WORKERS)
                identity = dict(source.identity)
                for group in groups:
                    key = (
                        "kapitza-forces-"
                        + hashlib.sha256((str(identity) + "".join(digests[i] for i in group)).encode()).hexdigest()[:40]
                    )
                    payload = [_payload(structures[i]) for i in group]
                    futures.append(client.submit(force_task, source.name, identity, payload, key=key,
                                                 pure=False, retries=1))  # fmt: skip
            except cluster.LOST as exc:
                raise _lost(exc) from None
            which = {f.key: g for f, g in zip(futures, groups)}
            stream = distributed.as_completed(futures, loop=client.loop)
            for future, value in cluster.finished(stream, lambda: len(futures), self.task_timeout, failed=_failure,
                                                  lost=_lost, stuck=self._stuck):  # fmt: skip
                group = which[future.key]
                call = ForceCall(len(group), len(structures[group[0]]), float(value["seconds"]),
                                 str(value["device"]), str(value["worker"]))  # fmt: skip
                arrived(group, np.asarray(value["forces"], dtype=float), call)
        except BaseException:
            cluster.cancel_quietly(futures)
            raise
        finally:
            futures.clear()

    def _stuck(self, pending: int, submitted: int) -> str:
        return (
            f"no force call finished on the dask cluster for {self.task_timeout:g} s ({pending} of {submitted} "
            f"still pending): the workers are lost or stuck; {_KEPT}, rerun to resume"
        )


#: What a rerun resumes from.
_KEPT = "the finished ones are cached"


def _lost(exc: BaseException) -> KapitzaError:
    from ..cluster import lost_error

    return lost_error(exc, "the force calls", _KEPT)


def _failure(future: Any) -> BaseException:
    """One line for a force task that ended in error or was cancelled (:func:`kapitza.cluster.task_error`)."""
    from ..cluster import task_error

    killed = "a structure too large for a worker's memory?  The finished ones are cached, rerun to resume"
    return task_error(future, "force task", _KEPT, "kapitza and the potential's package", killed)


def worker_memory(source: CalculatorSource, atoms: Any, structures: int | None = None) -> tuple[float, bool]:
    """(bytes, known): one local worker at its peak with the force calls of ``source`` on ``atoms``: the worker's
    libraries (:data:`kapitza.cluster.WORKER_LIBRARY_BYTES`), the potential it loads and keeps, and one force call's
    working memory (:func:`kapitza.atomistic.calculator_forces.force_call_memory`, a batching potential packing
    ``structures`` of them at most); ``known`` False for a calculator without a measured footprint (its libraries
    only are counted)."""
    from ..cluster import WORKER_LIBRARY_BYTES
    from .call_memory import force_call_memory

    call = force_call_memory(source.name, atoms, structures)
    return WORKER_LIBRARY_BYTES + float(call["resident"]) + float(call["work"]), bool(call["known"])


def check_runner_options(
    workers: Any = None,
    scheduler: Any = None,
    connect_timeout: Any = None,
    *,
    client: Any = None,
    label: Callable[[str], str] = lambda name: f"{name}=",
) -> float:
    """Check a command's ``workers``, ``scheduler`` and ``connect_timeout`` before any work (one InputError line
    each: not both, a positive integer, an address of the form ``tcp://host:port``, a timeout in range); returns
    the timeout in s.  Whether a scheduler answers is :func:`force_runner`'s to ask."""
    from .. import cluster

    given = [name for name, value in (("workers", workers), ("scheduler", scheduler), ("client", client))
             if value is not None]  # fmt: skip
    if len(given) > 1:
        raise InputError(f"give {' or '.join(label(n) for n in given)}, not both")
    if workers is not None:  # the one rule of a local worker count (its memory: ForceRunner.check_memory)
        cluster.check_workers(workers, label("workers"))
    if scheduler is not None:
        cluster.check_address(scheduler, label("scheduler"))
    if connect_timeout is None:
        return cluster.CONNECT_TIMEOUT
    return cluster.check_connect_timeout(connect_timeout, label("connect_timeout"))


@contextmanager
def force_runner(
    workers: int | None = None,
    scheduler: str | None = None,
    *,
    connect_timeout: float | None = None,
    client: Any = None,
    label: Callable[[str], str] = lambda name: f"{name}=",
) -> Iterator[ForceRunner]:
    """The :class:`ForceRunner` of a command's ``--workers`` or ``--scheduler`` (or a Python caller's ``client``),
    closed (its local cluster stopped, its client to a scheduler closed) when the block ends.

    ``scheduler`` is connected to at once (:func:`kapitza.cluster.connect`: a malformed address, or one where no
    scheduler answers within ``connect_timeout`` s, is one InputError line before any work); a local cluster of
    ``workers`` processes (at most this machine's cores, :func:`kapitza.cluster.check_workers`, checked here) is
    started at the first force call that is not in the cache; the caller checks its memory before any work, whether
    or not one is then needed (:meth:`ForceRunner.check_memory`).  Neither: this process.
    """
    from .. import cluster

    timeout = check_runner_options(workers, scheduler, connect_timeout, client=client, label=label)
    if client is not None:
        runner = ForceRunner(client, where="the given dask client")
    elif scheduler is not None:
        runner = ForceRunner(cluster.connect(scheduler.strip(), timeout), where=f"the dask scheduler at {scheduler}")
        runner._own = True
    elif workers is not None:
        n = int(workers)
        runner = ForceRunner(start=lambda: cluster.local_client(n), local_workers=n,
                             where=f"a local dask cluster of {n} worker{'s' if n > 1 else ''}")  # fmt: skip
    else:
        runner = ForceRunner.here()
    try:
        yield runner
    finally:
        if scheduler is not None and runner._client is not None:
            cluster.close_client(runner._client, cluster=False)  # a cluster at an address stays up
            runner._client, runner._own = None, False
        runner.close()


__all__ = [
    "FORMAT",
    "KIND",
    "TASK_TIMEOUT",
    "ForceCall",
    "ForceRunner",
    "check_runner_options",
    "force_runner",
    "force_task",
    "structure_digest",
    "worker_memory",
    "worker_source",
]
