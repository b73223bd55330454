"""Independent replicas of one NEMD or EMD configuration: their seeds, their folders, one after another or on dask.

Blocks of one run are not independent samples of what the next run gives (issue 64: three hand-written runs of one
Si|Ge model, nothing changed but the seeds, gave 434 +- 25, 329 +- 20 and 343 +- 13 MW m^-2 K^-1).  Replicas are
the direct measure of that spread: N runs of the same configuration that differ only in their seeds.

* **Seeds.** Replica 1 keeps the configuration's ``seed`` (so ``--replicas N`` contains the plain run); replica k > 1
  gets :func:`replica_seed` (seed, k), a number drawn from numpy's ``SeedSequence([seed, k])`` (a hash: nearby base
  seeds give unrelated replica seeds) in 1 .. :data:`SEED_RANGE`.  For NEMD the seed sets the initial velocities and
  the Langevin baths of every block (block b uses seed + 2b + 1 and + 2, :mod:`kapitza.md.inputs`); for EMD both
  the equilibration's velocities (``seed``) and the re-drawn velocities of its runs (``[emd] seed``) are derived.
  The seeds depend on (seed, k) only: ``--replicas 8`` after ``--replicas 4`` keeps the first four and adds four.
* **Folders.** The parent (``run_dir``, default the config's name with ``.run``) holds ``replicas.json``
  (:mod:`kapitza.io.replica_layout`: the configuration, each replica's seeds and status) and one ordinary run
  directory per replica, ``replica-1`` .. ``replica-N``, each resumable as a single run is: rerunning the same
  command resumes every unfinished replica and skips the finished ones.  A parent made from another configuration
  is refused before anything runs.
* **Where they run.** One after the other in this process by default; as tasks of dask.distributed on a scheduler
  (``address``, e.g. ``tcp://host:8786``) or on a local cluster of ``workers`` processes (:mod:`kapitza.cluster`,
  the connection and worker rules of ``md campaign`` and ``agf``), so that a user with a cluster runs them side by
  side.  A replica that fails is reported and the others go on; its status is recorded and a rerun resumes it.
* **Progress.** Per replica: ``progress(name, stage, done, total)`` after each unit when they run here, and from
  each replica's ``state.json`` every :data:`POLL_SECONDS` while they run on dask (where the workers share this
  file system; a remote worker's replica reports when it ends).

The analysis (:func:`kapitza.analysis.md.replicas.analyze_replicas`, ``kapitza md analyze PARENT``) pools them.
"""

from __future__ import annotations

import dataclasses
import os
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .. import _checks, cluster
from ..cluster import CONNECT_TIMEOUT, check_connect_timeout
from ..errors import InputError
from ..io.replica_layout import (
    REPLICAS_FILE,
    ReplicaEntry,
    ReplicaSet,
    config_difference,
    config_sha256,
    failure_status,
    is_replica_parent,
    read_replica_set,
    replica_name,
    write_replica_set,
)
from ..io.run_manifest import CONFIG_FILE, STATE_FILE, read_config_text, read_state_data
from .nemd import NemdConfig
from .plan import NemdPlan, plan_nemd

#: Most replicas of one configuration: 100 shrink the replica error tenfold; more is a typo (each is a whole run).
MAX_REPLICAS = 100
#: Derived seeds lie in 1 .. SEED_RANGE: LAMMPS's Marsaglia generator (fix langevin) takes seeds up to 900,000,000,
#: and block b of a run uses seed + 2b + 2.
SEED_RANGE = 800_000_000
#: Seconds between two looks at the replicas' state files while they run on dask.
POLL_SECONDS = 1.0
#: Default bound on the memory estimate of replicas on a local dask cluster, GB (``md campaign``'s).
DEFAULT_MAX_MEMORY_GB = 4.0

#: progress(replica name, stage, done, total): units (NEMD) or runs (EMD) done of the replica's total.
ReplicaProgress = Callable[[str, str, int, int], None]


def replica_seed(seed: int, index: int) -> int:
    """The seed of replica ``index`` (1-based) of a configuration whose seed is ``seed``.

    Replica 1 keeps ``seed``; replica k > 1 gets 1 + (the first 32-bit word of numpy's ``SeedSequence([seed, k])``)
    mod :data:`SEED_RANGE`, a hash of both numbers, so replicas of nearby base seeds share no seeds in practice.
    """
    seed = _checks.count(seed, "seed", minimum=0)
    index = _checks.count(index, "replica index")
    if index == 1:
        return int(seed)
    word = int(np.random.SeedSequence([int(seed), int(index)]).generate_state(1, dtype=np.uint32)[0])
    return 1 + word % SEED_RANGE


def check_replicas(value: Any, name: str = "replicas= (--replicas)") -> int:
    """A replica count: an integer from 1 to :data:`MAX_REPLICAS` (InputError naming ``name`` otherwise)."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise InputError(f"{name} must be a whole number of replicas from 1 to {MAX_REPLICAS}, got {value!r}")
    if not 1 <= int(value) <= MAX_REPLICAS:
        raise InputError(
            f"{name} must be from 1 to {MAX_REPLICAS} (each replica is a whole run; 100 replicas shrink the replica "
            f"error tenfold), got {int(value)}"
        )
    return int(value)


def _kind(config: Any) -> str:
    from .emd import EmdConfig

    if isinstance(config, EmdConfig):
        return "emd"
    if isinstance(config, NemdConfig):
        return "nemd"
    raise InputError(f"replicas need a NemdConfig or an EmdConfig, got {type(config).__name__}")


@dataclass(frozen=True)
class Replica:
    """One replica: its name (run directory in the parent), index, seeds and configuration."""

    name: str
    index: int
    seed: int
    emd_seed: int | None
    config: Any
    run_dir: Path


def replica_config(config: Any, index: int) -> Any:
    """``config`` with the seeds of replica ``index`` (:func:`replica_seed`)."""
    if _kind(config) == "emd":
        from .emd import EmdConfig

        nemd = dataclasses.replace(config.nemd, seed=replica_seed(config.nemd.seed, index))
        emd = dataclasses.replace(config.emd, seed=replica_seed(config.emd.seed, index))
        return EmdConfig(nemd, emd)
    return dataclasses.replace(config, seed=replica_seed(config.seed, index))


def plan_replicas(config: Any, parent: str | os.PathLike, n: int) -> tuple[Replica, ...]:
    """The first ``n`` replicas of ``config`` in ``parent`` (nothing is written)."""
    n = check_replicas(n)
    folder = Path(parent).absolute()
    out = []
    for k in range(1, n + 1):
        c = replica_config(config, k)
        emd = _kind(config) == "emd"
        out.append(
            Replica(
                name=replica_name(k),
                index=k,
                seed=c.nemd.seed if emd else c.seed,
                emd_seed=c.emd.seed if emd else None,
                config=c,
                run_dir=folder / replica_name(k),
            )
        )
    return tuple(out)


def replica_complete(config: Any, run_dir: str | os.PathLike) -> bool:
    """True when ``run_dir`` holds a finished run of ``config`` (every unit or EMD run done, the same config); its
    files read through the bounded readers (a FIFO or a device in their place is a replica not complete)."""
    folder = Path(run_dir)
    try:
        state = read_state_data(folder)
        if read_config_text(folder) != config.to_toml():
            return False
        if _kind(config) == "emd":
            done = {int(r) for r in state["runs_done"]}
            return bool(state["equilibrated"]) and done >= set(range(config.emd.n_runs))
        return int(state["completed_units"]) >= config.n_blocks + 2
    except (InputError, ValueError, KeyError, TypeError):
        return False


def _progress_of(replica: Replica) -> tuple[int, int]:
    """(done, total) of a replica from its state file: units for NEMD, runs for EMD (0 where none is there)."""
    kind = _kind(replica.config)
    total = replica.config.emd.n_runs + 1 if kind == "emd" else replica.config.n_blocks + 2
    try:
        state = read_state_data(replica.run_dir) if (replica.run_dir / STATE_FILE).is_file() else {}
        if kind == "emd":
            done = int(bool(state["equilibrated"])) + len(state["runs_done"])
        else:
            done = int(state["completed_units"])
    except (InputError, ValueError, KeyError, TypeError):
        done = 0
    return min(done, total), total


def open_parent(config: Any, parent: str | os.PathLike, n: int) -> tuple[ReplicaSet, tuple[Replica, ...]]:
    """Create the parent folder and its ``replicas.json``, or check that it holds replicas of ``config``.

    An existing record with fewer replicas is extended (the first keep their seeds); one with more keeps them all
    listed (only the first ``n`` run).  A record of another configuration, a file in the way or a missing folder
    above the parent is an InputError, before anything is written.
    """
    replicas = plan_replicas(config, parent, n)
    folder = Path(parent).absolute()
    kind, text = _kind(config), config.to_toml()
    if folder.exists() and not folder.is_dir():
        raise InputError(f"replica folder {str(folder)!r} exists and is not a folder")
    if folder.is_dir() and os.path.lexists(folder / CONFIG_FILE) and not is_replica_parent(folder):
        raise InputError(
            f"{str(folder)!r} holds a single run, not replicas: give --run-dir another folder for the replicas "
            "(or analyse that run with kapitza md analyze)"
        )
    old = read_replica_set(folder) if is_replica_parent(folder) else None
    if old is not None:
        if old.kind != kind:
            raise InputError(
                f"{str(folder)!r} holds {old.kind.upper()} replicas (its {REPLICAS_FILE}), and this is an "
                f"{kind.upper()} configuration: give another --run-dir"
            )
        if old.config != text:
            what = config_difference(old.config, text)
            raise InputError(
                f"{str(folder)!r} holds replicas of another configuration (its {REPLICAS_FILE} records config "
                f"sha256 {old.config_sha256[:12]}, this one is {config_sha256(text)[:12]}"
                + (f"; {what}" if what else "")
                + "): give another --run-dir, or restore the configuration they were made from"
            )
        entries = list(old.replicas)
    else:
        if not folder.parent.is_dir():
            raise InputError(f"the folder of replica folder {str(folder)!r} does not exist")
        entries = []
    for r in replicas[len(entries) :]:
        entries.append(ReplicaEntry(name=r.name, index=r.index, seed=r.seed, emd_seed=r.emd_seed, status="pending"))
    record = ReplicaSet(kind=kind, config=text, config_sha256=config_sha256(text), replicas=tuple(entries))
    try:
        folder.mkdir(exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create replica folder {str(folder)!r}: {exc.strerror or exc}") from None
    write_replica_set(folder, record)
    return record, replicas


@dataclass(frozen=True)
class ReplicaOutcome:
    """What happened to one replica: ``ran``, ``skipped`` (already complete) or ``failed`` (with why)."""

    name: str
    status: str
    error: str = ""
    seconds: float = float("nan")


def run_replica(
    config: Any,
    run_dir: str,
    processes: int = 1,
    lmp: str | None = None,
    progress: Any = None,
    plan: NemdPlan | None = None,
) -> float:
    """Run (or resume) one replica in ``run_dir``; the dask task.  Returns the seconds it took here.

    ``plan``: the plan of the replica's system (:func:`kapitza.md.plan.plan_nemd`; of its NEMD part for EMD),
    made once for every replica, so that nothing is read again here; planned here when None.
    """
    t0 = time.perf_counter()
    if _kind(config) == "emd":
        from .emd import run_emd

        run_emd(config, run_dir, progress=progress, plan=plan)
    else:
        from .run import run_nemd

        if plan is not None and plan.config != config:
            raise InputError("plan= is not the plan of this replica's config")
        run_nemd(config if plan is None else plan, run_dir, progress=progress, processes=processes, lmp=lmp)
    return time.perf_counter() - t0


def _system_plan(config: Any) -> NemdPlan:
    """The plan of the system ``config`` runs, its files read and checked (NEMD: the layout is checked by each
    replica's run, as by any run; EMD: its NEMD part, :func:`kapitza.md.emd.plan_emd`)."""
    if _kind(config) == "emd":
        from .emd import plan_emd

        return plan_emd(config)
    return plan_nemd(config, layout=False)


def replica_memory(config: Any, processes: int = 1) -> float:
    """Bytes one replica holds on a dask worker (:func:`kapitza.md.memory.member_memory`, a campaign member's);
    ``config`` a NemdConfig, an EmdConfig or the plan of its system."""
    from .memory import member_memory

    return member_memory(config if isinstance(config, NemdPlan) else _system_plan(config), processes)


def check_replica_memory(
    config: Any, workers: int, max_memory_gb: float, processes: int = 1, replicas: int | None = None
) -> float:
    """Bytes of this process and ``workers`` local workers each running a replica (at most ``replicas`` of them hold
    one at once), by the one rule of every local cluster (:func:`kapitza.cluster.check_local_workers`: the count
    against this machine's cores, each worker running ``processes`` MPI ranks, and the memory against the bound);
    one InputError line otherwise."""
    from .memory import CAMPAIGN_MAIN_BYTES

    found = cluster.check_local_workers(
        workers, replica_memory(config, processes), main=CAMPAIGN_MAIN_BYTES, max_memory_gb=max_memory_gb,
        busy=replicas, name="workers= (--workers)", bound_name="max_memory_gb= (--max-memory-gb)",
        what="local workers running a replica each", each="one replica's LAMMPS run", cores_each=processes,
    )  # fmt: skip
    return found.total


def run_replicas(
    config: Any,
    parent: str | os.PathLike,
    n: int,
    *,
    address: str | None = None,
    workers: int | None = None,
    client: Any = None,
    connect_timeout: float = CONNECT_TIMEOUT,
    progress: ReplicaProgress | None = None,
    report: Callable[[ReplicaOutcome], None] | None = None,
    processes: int = 1,
    lmp: str | os.PathLike | None = None,
    max_memory_gb: float = DEFAULT_MAX_MEMORY_GB,
) -> tuple[ReplicaOutcome, ...]:
    """Run (or resume) ``n`` replicas of ``config`` under ``parent``; finished ones are skipped, failures reported.

    Parameters
    ----------
    config : NemdConfig or EmdConfig
        The configuration; each replica runs it with its own seeds (:func:`replica_seed`).
    parent : path-like
        The folder of the replicas (created; the folder above it must exist).
    n : int
        Replicas, 1 .. :data:`MAX_REPLICAS`.
    address : str, optional
        A running dask scheduler (``tcp://host:8786``): one task per replica on its workers.
    workers : int, optional
        Run on a new local dask cluster of this many worker processes (one replica each at a time).  Neither
        ``address`` nor ``workers`` (nor ``client``): one replica after the other in this process.
    client : distributed.Client, optional
        Run on this existing client's cluster (left open).
    connect_timeout : float
        Seconds to wait for the scheduler at ``address``; a silent one is an InputError before anything is written.
    progress : callable, optional
        ``progress(name, stage, done, total)`` per replica (see the module docstring).
    report : callable, optional
        Called with each replica's :class:`ReplicaOutcome` as it ends.
    processes, lmp
        NEMD only: MPI ranks of each replica and the LAMMPS executable (:func:`kapitza.md.run.run_nemd`).
    max_memory_gb : float
        With ``workers``: refuse, before anything starts, when this process and the workers need more (GB).
    """
    base = _system_plan(config)  # its files read and checked, before anything is written
    n = check_replicas(n)
    given = [name for name, v in (("address= (--scheduler)", address), ("workers= (--workers)", workers),
                                  ("client=", client)) if v is not None]  # fmt: skip
    if len(given) > 1:
        raise InputError(f"give either {' or '.join(given)}, not both: each says where the replicas run")
    if address is not None and (not isinstance(address, str) or not address.strip()):
        raise InputError("the scheduler address (--scheduler) must name a scheduler, e.g. tcp://host:8786")
    if isinstance(processes, bool) or not isinstance(processes, (int, np.integer)) or processes < 1:
        raise InputError(f"processes= (--np) must be a positive integer, got {processes!r}")
    if workers is not None:  # the one rule of a local cluster: its count and its memory, before anything starts
        check_replica_memory(base, workers, max_memory_gb, processes, replicas=n)
    connect_timeout = check_connect_timeout(connect_timeout, "connect_timeout= (--connect-timeout)")
    if processes > 1 and _kind(config) == "emd":
        raise InputError("EMD replicas run in-process only (processes=1)")
    own_client = None
    if address is not None:  # fails fast, before the parent folder is made, if no scheduler answers
        plan_replicas(config, parent, n)  # the count and the seeds are checked first
        own_client = client = cluster.connect(address, connect_timeout, extra="md")
    try:
        record, replicas = open_parent(config, parent, n)
        outcomes: dict[str, ReplicaOutcome] = {}
        folder = Path(parent).absolute()

        def done(outcome: ReplicaOutcome) -> None:
            nonlocal record
            outcomes[outcome.name] = outcome
            status = "complete" if outcome.status in ("ran", "skipped") else failure_status(outcome.error)
            record = dataclasses.replace(
                record,
                replicas=tuple(
                    dataclasses.replace(e, status=status) if e.name == outcome.name else e for e in record.replicas
                ),
            )
            write_replica_set(folder, record)
            if report is not None:
                report(outcome)

        pending = []
        for r in replicas:
            if replica_complete(r.config, r.run_dir):
                if progress is not None:
                    d, t = _progress_of(r)
                    progress(r.name, "complete", d, t)
                done(ReplicaOutcome(r.name, "skipped"))
            else:
                pending.append(r)
        if pending and client is None and workers is None:
            _run_here(pending, base, done, progress, processes, lmp)
        elif pending:
            _run_distributed(pending, base, done, progress, processes, lmp, client, workers)
    finally:
        if own_client is not None:
            cluster.close_client(own_client, cluster=False)  # a cluster at an address stays up
    return tuple(outcomes[r.name] for r in replicas)


def _run_here(
    pending: list[Replica],
    base: NemdPlan,
    done: Callable[[ReplicaOutcome], None],
    progress: ReplicaProgress | None,
    processes: int,
    lmp: Any,
) -> None:
    """One replica after the other in this process; a failure is reported and the next one runs."""
    for r in pending:
        step = None
        if progress is not None:
            progress(r.name, "starting", *_progress_of(r))

            def step(stage: str, k: int, total: int, _r: Replica = r) -> None:
                # NEMD reports units (equilibration, transient, blocks) in steps; EMD its runs: both as the state file
                progress(_r.name, stage, *_progress_of(_r))

        try:
            lmp_path = None if lmp is None else str(lmp)
            seconds = run_replica(r.config, str(r.run_dir), processes, lmp_path, step, base.with_seed(r.seed))
        except Exception as exc:  # one replica's failure must not stop the others; Ctrl-C still stops them all
            done(ReplicaOutcome(r.name, "failed", cluster.first_line(exc)))
        else:
            done(ReplicaOutcome(r.name, "ran", seconds=seconds))


def _run_distributed(
    pending: list[Replica],
    base: NemdPlan,
    done: Callable[[ReplicaOutcome], None],
    progress: ReplicaProgress | None,
    processes: int,
    lmp: Any,
    client: Any,
    workers: int | None,
) -> None:
    """One dask task per replica on ``client`` (connected to ``--scheduler``, or the caller's) or, without one, on a
    new local cluster of ``workers`` processes (:mod:`kapitza.cluster`); the client is never made the default one."""
    cluster.distributed_module("md", "replicas on dask")
    own = client is None
    if own:
        client = cluster.local_client(workers or 1, extra="md")
    try:
        if not own:  # a scheduler without workers would leave the replicas waiting for ever
            cluster.wait_for_workers(
                client,
                cluster.WORKERS_TIMEOUT,
                "start workers with `dask worker ADDRESS`, or leave out --scheduler (--workers N: a local cluster)",
            )
        token = uuid.uuid4().hex[:12]  # a key is global on a scheduler: another parent's replica-1 must not match
        futures = {
            client.submit(
                run_replica,
                r.config,
                str(r.run_dir),
                processes,
                None if lmp is None else str(lmp),
                plan=base.with_seed(r.seed),
                key=f"kapitza-{r.name}-{token}",
                pure=False,
            ): r
            for r in pending
        }
        shown: dict[str, tuple[int, int]] = {}
        remaining = dict(futures)
        while remaining:
            for future in [f for f in remaining if f.done()]:
                r = remaining.pop(future)
                try:
                    seconds = future.result()
                except Exception as exc:  # a failed replica is reported; the others go on
                    done(ReplicaOutcome(r.name, "failed", cluster.first_line(exc)))
                else:
                    if progress is not None:
                        progress(r.name, "complete", *_progress_of(r))
                    done(ReplicaOutcome(r.name, "ran", seconds=float(seconds)))
            if progress is not None:
                for r in remaining.values():
                    state = _progress_of(r)
                    if shown.get(r.name) != state:
                        shown[r.name] = state
                        progress(r.name, "running on dask", *state)
            if remaining:
                time.sleep(POLL_SECONDS)
    finally:
        if own:
            cluster.close_client(client)


__all__ = [
    "MAX_REPLICAS",
    "Replica",
    "ReplicaOutcome",
    "check_replicas",
    "open_parent",
    "plan_replicas",
    "replica_complete",
    "replica_config",
    "replica_seed",
    "run_replica",
    "run_replicas",
]
