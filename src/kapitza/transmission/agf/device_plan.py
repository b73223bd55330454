"""Where a run's kernels go and how much memory it needs, settled before its model is built.

:func:`select_device` picks the device of the sweeps (this process's backend, or the dask workers' device) and
:func:`fit_device` the frequencies per call that fit a GPU (:class:`DevicePlan`); :func:`plan_run` takes the plan of
the model's source of force constants (:mod:`.force_plans`) and checks the whole run's memory against its bound,
with the frequencies per task that fit; :class:`Resumed` counts what the sweeps found on disk.
"""

from __future__ import annotations

import dataclasses
from dataclasses import field
from typing import Any

from ..._backend import NUMPY
from ...errors import InputError
from . import force_plans
from . import inputs as _inputs
from .force_plans import ModelPlan
from .solver import DEFAULT_CHUNK, TransmissionResult

#: The settings of :func:`plan_run`'s memory that :func:`.inputs.run_memory` takes: the fields of
#: :class:`.inputs.Processes`.
MEMORY_KEYS = tuple(f.name for f in dataclasses.fields(_inputs.Processes))


def plan_run(v: dict[str, Any], dev: DevicePlan | None = None) -> tuple[ModelPlan, int, dict[str, Any]]:
    """The plan of a run, the frequencies per task that fit its memory bound, and the memory settings.

    The memory of the whole run (this process, the model build, the sweeps, local dask workers; torch's libraries
    where ``dev`` runs the kernels on it) is checked here, before the model is built: fewer frequencies per task
    where the default do not fit, refused if one does not.
    """
    checked = v["checked"]
    dask = v["client"] is not None or v.get("own_client") is not None or v["address"] is not None
    memory = {
        "check_broadening": v["check_broadening"],
        "max_memory_gb": checked["max_memory_gb"],
        "label": v["option_names"],
        "workers": None if dask else v["workers"],
        "dask": dask,
        "torch_here": dev is not None and dev.backend.name == "torch",
        "torch_workers": dev is not None and dev.remote not in (None, "cpu"),
    }
    if checked["structure"] is not None:
        plan = force_plans.user_plan(v)
    elif checked["calculator"] is not None:
        plan = force_plans.crystal_plan(v)
    else:
        plan = force_plans.builtin_plan(v)
    memory["calculator"] = plan.calculator_bytes
    # each local worker loads the calculator for the force calls that run on the run's cluster, and keeps it
    memory["worker_calculator"] = plan.worker_bytes if memory["workers"] else 0.0
    try:
        chunk = _inputs.fit_chunk(plan.sizes, v["kgrid"], v["n_freq"], DEFAULT_CHUNK, build=plan.build_bytes, **memory)
    except InputError as refused:
        if not plan.described:
            raise
        raise type(refused)(f"{refused}; {plan.described}") from None  # a memory bound's refusal stays one
    return plan, chunk, memory


@dataclasses.dataclass
class Resumed:
    """The units a run's sweeps found on disk, and the devices that computed them (their checkpoints' records)."""

    units: int = 0
    devices: set[str] = field(default_factory=set)

    def add(self, r: TransmissionResult) -> TransmissionResult:
        """Count what the sweep ``r`` found (its metadata); returns ``r``."""
        self.units += int(r.metadata.get("resumed", 0))
        self.devices.update(r.metadata.get("resumed_from", ()))
        return r


@dataclasses.dataclass
class DevicePlan:
    """Where a run's kernels go, settled before any work (:func:`select_device`), and its GPU batch once the
    model's sizes are known (:func:`fit_device`).

    ``backend``: this process's (the sweeps in process; the leads' channel counts always).  ``remote``: the
    tasks' ``--device`` on dask (None in process).  ``gpus``: a local cluster's GPUs, one worker each.
    ``free``: the least free bytes of the GPU(s) the sweeps use (None on the CPU).  ``cluster``: the
    :class:`.parallel.WorkerDevices` of a cluster given by address or client.
    """

    requested: str
    backend: Any
    remote: str | None = None
    gpus: list[str] | None = None
    free: int | None = None
    where: str = ""
    cluster: Any = None
    notes: list[str] = field(default_factory=list)
    batch: int | None = None

    @property
    def probe_backend(self) -> Any:
        """Where the chunk timed for the time estimate runs: the sweeps' backend in process, numpy for dask."""
        return self.backend if self.remote is None else NUMPY

    @property
    def count_batch(self) -> int | None:
        """Frequencies per call of the leads' channel counts in this process (None: one chunk per call)."""
        return self.batch if self.backend.is_gpu else None

    def finished(
        self, estimate: Any, sizes: Any, limit_gb: float | None, resumed: Resumed, kept: bool
    ) -> dict[str, Any]:
        """The result's record: :meth:`record`, the GPU batch, the memory statement (``estimate``, the host's, with
        the GPU's share of a model of ``sizes`` beside it) and, for a run that ``kept`` a checkpoint, the units
        found on disk and the devices that computed them (``resumed``)."""
        out = self.record()
        if self.batch is not None:
            out["batch"] = int(self.batch)
        if self.free is not None:
            estimate = estimate.with_device(self.where, sizes, int(self.batch or 1), self.free, limit_gb)
        out["memory"] = estimate.statement()
        if kept:
            out.update(resumed=resumed.units, resumed_from=sorted(resumed.devices))
        return out

    def local_client(self, workers: int) -> Any:
        """A new local dask cluster for the run: ``workers`` CPU workers, or one worker per GPU of ``gpus``."""
        if self.gpus is None:
            from .parallel import local_client

            return local_client(workers)
        from ...cluster import local_gpu_client

        return local_gpu_client(self.gpus)

    @property
    def sweep_device(self) -> Any:
        """What the sweeps take as ``device``: this process's backend, or the tasks' device on dask."""
        return self.backend if self.remote is None else self.remote

    def record(self) -> dict[str, Any]:
        """The result's record of the device (:attr:`AGFResult.device`), without the memory and resume parts."""
        from ..._backend import device_record

        if self.remote is None:
            return {"requested": self.requested, **device_record(self.backend)}
        out: dict[str, Any] = {"requested": self.requested, "device": self.remote, "dask": True}
        if self.cluster is not None and self.cluster.workers:
            out["workers"] = self.cluster.labels()
        elif self.gpus:
            out["workers"] = [f"one worker per GPU, CUDA_VISIBLE_DEVICES {', '.join(self.gpus)}"]
        else:
            out["workers"] = [f"{self.remote} on every worker"]
        out["here"] = device_record(self.backend)  # the leads' channel counts, run in this process
        return out


def _here(remote: str) -> Any:
    """The backend of this process for a dask run whose tasks select ``remote``: the same where this process can
    select it (the leads' channel counts, integers, are the same on every device), numpy otherwise."""
    from ..._backend import NUMPY, select_backend
    from ...errors import MissingDependencyError

    try:
        return select_backend(remote)
    except (InputError, MissingDependencyError):
        return NUMPY


def select_device(v: dict[str, Any]) -> DevicePlan:
    """The device of a run, before any work: selected in this process (a GPU asked for and not there is refused
    here), or on dask by the rule of :func:`.parallel.local_devices` (``workers``) or
    :func:`.parallel.resolve_devices` (``address``, ``client``: the workers are asked)."""
    from ..._backend import device_memory, gpu_count, select_backend, torch_backend

    device, label = v["checked"]["device"], v["option_names"]
    client = v.get("own_client") or v["client"]
    if client is not None:
        from .parallel import cluster_devices

        found = cluster_devices(client, device, label)
        return DevicePlan(device, _here(found.device), remote=found.device, free=found.free if found.gpu else None,
                           where="each dask worker's GPU", cluster=found)  # fmt: skip
    if v["workers"] is not None:
        from .parallel import local_devices

        workers = int(v["workers"])
        gpus = local_devices(device, workers, label)
        if gpus is None:
            remote = "torch-cpu" if device == "torch-cpu" else "cpu"
            notes = []
            if device == "auto" and gpu_count():
                notes.append(
                    f"{label('device')} auto: {label('workers')} {workers} with {gpu_count()} GPU(s) here ran on the "
                    f"CPU (one worker per GPU; {label('device')} gpu {label('workers')} {gpu_count()} for the GPUs)"
                )
            return DevicePlan(device, _here(remote), remote=remote, notes=notes)
        indices = [int(device.partition(":")[2])] if device.startswith("cuda:") else list(range(len(gpus)))
        free = min(device_memory(torch_backend(f"cuda:{i}"))[0] for i in indices)  # type: ignore[index]
        where = "each local worker's GPU" if len(gpus) > 1 else f"cuda:{indices[0]}"
        return DevicePlan(device, _here(f"cuda:{indices[0]}"), remote="gpu", gpus=gpus, free=free, where=where)
    try:
        backend = select_backend(device)
    except InputError as exc:  # "device 'gpu': no GPU ...": named as the user gave it
        raise InputError(str(exc).replace(f"device {device!r}", f"{label('device')} {device}", 1)) from None
    memory = device_memory(backend)
    return DevicePlan(device, backend, free=None if memory is None else memory[0], where=backend.device)


def fit_device(dev: DevicePlan, sizes: _inputs.ModelSizes, v: dict[str, Any]) -> None:
    """Set ``dev.batch``: the frequencies of one k point per call that fit the GPU (all of a sweep's at most), or
    refuse the run if one does not (:func:`.inputs.device_batch`); nothing on the CPU."""
    if dev.free is None:
        return
    dev.batch = _inputs.device_batch(
        sizes, v["n_freq"], dev.free, v["checked"]["max_gpu_memory_gb"], where=dev.where, label=v["option_names"]
    )
