"""Campaigns: a series of NEMD runs (lengths x temperatures x bath differences x seeds) on dask.distributed.

A campaign is one TOML file (``structure`` and ``pair`` files, in [base] or as a [series] of structures,
are found beside it; a series of a user's structures of different lengths is a length series)::

    [campaign]              # optional
    folder = "lj.campaign"  # beside the TOML; default: the TOML's name with suffix .campaign in the current directory
    processes = 1           # MPI processes per member (run_nemd(..., processes=n) when n > 1)
    workers = 2             # members run at once on the default local cluster
    replicas = 1            # independent replicas of every member (kapitza.md.replicas), pooled in the table

    [base]                  # one NEMD config (kapitza.md.nemd.NemdConfig), shared by every member
    potential = "lj/cut"
    ...

    [series]                # lists; their product defines the members
    cells_a = [4, 8]
    temperature = [0.2, 0.3]
    seed = [1, 2]

Every member's config is built and validated (:class:`~kapitza.md.nemd.NemdConfig`) and planned
(:func:`kapitza.md.plan.plan_nemd`: its files read, its layout checked) before any run starts.  Each member
runs in its own run directory ``<folder>/<name>`` (the name from its series values, e.g.
``cells_a-4_temperature-0.2_seed-1``) as one dask task (its plan: nothing is read again there), on a
``LocalCluster(processes=True, threads_per_worker=1)`` or on an existing scheduler given by address
(e.g. one started by dask-jobqueue on Slurm).  A member whose run directory is complete (its
``state.json`` counts every unit and its ``config.toml`` is the member's) is skipped; one that fails
is reported and the others go on; an interrupted member resumes where it stopped (run_nemd
resumes).  :func:`kapitza.analysis.md.table.gather_runs` analyses every complete member
(:func:`campaign_entries`) into one table (``campaign.csv``, ``campaign.json``) with G(T_mean) where
the temperatures vary, J(Delta T) where the bath differences do, the thickness fit where lengths do.

With ``replicas = N`` (``md campaign --replicas N``) every member is a folder of N replicas
(:mod:`kapitza.md.replicas`: ``<folder>/<name>/replica-k`` with ``replicas.json``), each replica one dask task; the
table gives each member's pooled G with the error from the spread of its replicas
(:func:`kapitza.analysis.md.replicas.analyze_replicas`).
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import os
import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from .. import _checks, cluster
from ..cluster import CONNECT_TIMEOUT, check_connect_timeout
from ..errors import InputError
from ..io import toml_file
from ..io.paths import confined
from ..io.run_manifest import read_config_text
from .memory import (  # noqa: F401 - the memory rule of campaigns, defined once in md.memory for replicas too
    CAMPAIGN_MAIN_BYTES,
    CAMPAIGN_WORKER_BYTES,
    DEFAULT_MAX_MEMORY_GB,
    LAMMPS_BYTES_PER_ATOM,
    MPI_RANK_BYTES,
    member_atoms,
    member_memory,
)
from .nemd import INPUT_FILES, NemdConfig, files_beside
from .plan import NemdPlan, plan_nemd

CAMPAIGN_KEYS = ("folder", "processes", "workers", "replicas")
#: Settings that name files (a user's structure and pair file): found beside the campaign TOML, named by stem.
FILE_KEYS = INPUT_FILES
TOP_KEYS = ("campaign", "base", "series")
#: Members refused above this count (a typo in a list multiplies quickly).
MAX_MEMBERS = 10_000
#: Local workers refused above this count: each is a process running LAMMPS, and the largest single machines
#: have 256 cores (2 x 128-core CPUs); more workers than cores only oversubscribe the machine (issue 25).
MAX_WORKERS = 256


@dataclass(frozen=True)
class CampaignMemory:
    """Peak resident memory of a campaign, bytes: this process and each of its local workers; :attr:`total`.

    Attributes
    ----------
    main : float
        This process (:data:`CAMPAIGN_MAIN_BYTES`).
    workers : int
        Local dask workers (0 with a scheduler's address: those are other machines').
    per_worker : float
        Each worker running the campaign's largest member (:func:`member_memory`).
    """

    main: float
    workers: int
    per_worker: float

    @property
    def total(self) -> float:
        return self.main + self.workers * self.per_worker


def campaign_memory(campaign: Campaign, workers: int | None = None, *, address: bool = False) -> CampaignMemory:
    """The memory a campaign states and checks before it starts (:class:`CampaignMemory`): this process, and
    ``workers`` (default: the campaign's) local workers each running the largest member (every worker may hold one
    at once); with a scheduler's ``address`` this process alone (the workers are other machines')."""
    n = 0 if address else int(workers or campaign.workers)
    largest = max((member_memory(m.plan, campaign.processes) for m in campaign.members), default=0.0)
    tasks = len(campaign.members) * campaign.replicas
    return CampaignMemory(main=CAMPAIGN_MAIN_BYTES, workers=min(n, tasks), per_worker=largest)


def check_memory(
    campaign: Campaign,
    workers: int | None,
    max_memory_gb: float,
    *,
    address: bool = False,
    name: str = "--max-memory-gb",
) -> CampaignMemory:
    """Refuse a campaign whose local worker count is more than this machine's cores allow (the one rule of every
    local cluster, :func:`kapitza.cluster.check_workers`, each worker running the campaign's MPI ranks) or whose
    memory estimate (:func:`campaign_memory`) exceeds ``max_memory_gb``, in one line naming the parts; return the
    estimate."""
    if not address:
        count = "[campaign] workers" if workers is None else "--workers"
        cluster.check_workers(int(workers or campaign.workers), count, cores_each=campaign.processes)
    max_memory_gb = _checks.memory_bound_gb(max_memory_gb, name)
    need = campaign_memory(campaign, workers, address=address)
    if need.total > max_memory_gb * 1e9:
        raise InputError(
            f"this campaign needs ~{need.total / 1e9:.3g} GB of memory in all (this process {need.main / 1e9:.2g} GB, "
            f"{need.workers} worker(s) x {need.per_worker / 1e9:.2g} GB, each running a member of up to "
            f"{max(member_atoms(m.plan) for m in campaign.members)} atoms; limit {max_memory_gb:g} GB): raise it "
            f"with {name}, or use fewer workers (--workers)"
        )
    return need


@dataclass(frozen=True)
class Member:
    """One run of a campaign: its name (= run directory name), its series values, its validated config and the
    config's plan (:func:`kapitza.md.plan.plan_nemd`)."""

    name: str
    values: tuple[tuple[str, Any], ...]
    config: NemdConfig
    plan: NemdPlan


@dataclass(frozen=True)
class Campaign:
    """A validated campaign: where it lives, what varies, its members (each with ``replicas`` replicas)."""

    source: str
    folder: Path
    series: tuple[str, ...]
    members: tuple[Member, ...]
    processes: int
    workers: int
    replicas: int = 1

    def with_replicas(self, n: int | None) -> Campaign:
        """The campaign with ``n`` replicas per member (None: as its file says)."""
        if n is None:
            return self
        from .replicas import check_replicas

        return dataclasses.replace(self, replicas=check_replicas(n))

    def units(self) -> list[tuple[str, NemdConfig, Path]]:
        """The runs of the campaign: (name, config, run directory), one per member, or one per replica of each
        member (named ``<member>/replica-k``) when ``replicas`` > 1."""
        return [(name, plan.config, run_dir) for name, plan, run_dir in self.unit_plans()]

    def unit_plans(self) -> list[tuple[str, NemdPlan, Path]]:
        """The runs of the campaign as :meth:`units` gives them, each with its plan in place of its config (a
        replica's: its member's with the replica's seed, nothing read again)."""
        if self.replicas == 1:
            return [(m.name, m.plan, self.folder / m.name) for m in self.members]
        from .replicas import plan_replicas

        return [
            (f"{m.name}/{r.name}", m.plan.with_seed(r.seed), r.run_dir)
            for m in self.members
            for r in plan_replicas(m.config, self.folder / m.name, self.replicas)
        ]


def _name_part(value: Any, key: str = "") -> str:
    if key in FILE_KEYS and isinstance(value, str):
        value = Path(value).stem  # structure-gan_sic_6, not the whole path
    text = repr(value) if isinstance(value, float) else str(value)
    return re.sub(r"[^A-Za-z0-9.+-]", "_", text)


def _count(value: Any, name: str, where: str, most: int | None = None) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise InputError(f"{where}: {name} must be an integer >= 1, got {value!r}")
    if most is not None and value > most:
        raise InputError(f"{where}: {name} must be at most {most} (one LAMMPS process each), got {value}")
    return value


def load_campaign(path: str | os.PathLike, *, allow_outside: bool = False) -> Campaign:
    """Read and validate a campaign TOML: every member's config is built before anything runs.

    ``[campaign] folder`` and the files the members name (``structure``, ``pair``, the potential files of
    ``pair_lines``) must lie at or below the TOML's folder unless ``allow_outside``
    (:func:`kapitza.io.paths.confined`).

    Raises
    ------
    InputError
        Unknown keys, a series entry that is not a non-empty list of numbers/strings, a key both in
        [base] and [series], too many members, or a member config that :class:`NemdConfig` or
        :func:`~kapitza.md.plan.plan_nemd` refuses
        (the message names the member).
    """
    p = Path(path)
    where = f"campaign file {str(p)!r}"
    doc = toml_file.read_document(p, "campaign file", toml_file.MAX_CONFIG_BYTES)
    unknown = sorted(set(doc) - set(TOP_KEYS))
    if unknown:
        raise InputError(f"{where}: unknown top-level key(s) {', '.join(unknown)} (known: {', '.join(TOP_KEYS)})")
    settings = doc.get("campaign", {})
    base = doc.get("base")
    series = doc.get("series", {})
    for name, table in (("campaign", settings), ("base", base), ("series", series)):
        if not isinstance(table, Mapping):
            hint = " (the NEMD config shared by every member)" if name == "base" else ""
            raise InputError(f"{where}: [{name}] must be a table{hint}")
    unknown = sorted(set(settings) - set(CAMPAIGN_KEYS))
    if unknown:
        raise InputError(f"{where}: unknown [campaign] key(s) {', '.join(unknown)} (known: {', '.join(CAMPAIGN_KEYS)})")
    folder_value = settings.get("folder")
    if folder_value is None:  # the default lies in the current directory, never beside a shipped example
        folder = Path.cwd() / p.with_suffix(".campaign").name
    elif not isinstance(folder_value, str) or not folder_value.strip():
        raise InputError(f"{where}: [campaign] folder must be a folder name, got {folder_value!r}")
    else:
        folder = confined(folder_value, p.parent, f"{where}: [campaign] folder", allow_outside)
    processes = _count(settings.get("processes", 1), "[campaign] processes", where)
    workers = _count(settings.get("workers", 1), "[campaign] workers", where, MAX_WORKERS)
    from .replicas import MAX_REPLICAS

    replicas = _count(settings.get("replicas", 1), "[campaign] replicas", where, MAX_REPLICAS)
    known = {f.name for f in fields(NemdConfig)}
    unknown = sorted((set(base) | set(series)) - known)
    if unknown:
        raise InputError(f"{where}: unknown NEMD setting(s) {', '.join(unknown)} (known: {', '.join(sorted(known))})")
    both = sorted(set(base) & set(series))
    if both:
        raise InputError(f"{where}: {', '.join(both)} in both [base] and [series]; give each setting in one place")
    keys = tuple(series)
    total = 1
    for key in keys:
        values = series[key]
        if not isinstance(values, list) or not values:
            raise InputError(f"{where}: [series] {key} must be a non-empty list, got {values!r}")
        for v in values:
            if isinstance(v, list | dict) or (isinstance(v, float) and not math.isfinite(v)):
                raise InputError(f"{where}: [series] {key} must list plain numbers or strings, got {v!r}")
        if len({_name_part(v, key) for v in values}) != len(values):
            raise InputError(f"{where}: [series] {key} lists a value twice: {values!r}")
        total *= len(values)
    if total > MAX_MEMBERS:
        raise InputError(f"{where}: the series define {total} members (limit {MAX_MEMBERS}); shorten the lists")
    members = []
    for combo in itertools.product(*(series[k] for k in keys)):
        values = tuple(zip(keys, combo, strict=True))
        name = "_".join(f"{k}-{_name_part(v, k)}" for k, v in values) or "base"
        try:
            # files named as seen from the TOML, at or below its folder
            merged = files_beside({**base, **dict(values)}, p.parent, allow_outside, where)
            config = NemdConfig.from_mapping(merged, f"{where} member {name}")
            plan = plan_nemd(config)  # its files read, every member analysable by md analyze, before any runs
        except TypeError as exc:  # a dataclass argument error: report it as bad input
            raise InputError(f"{where} member {name}: {exc}") from None
        except InputError as exc:
            text = str(exc)
            prefix = f"{where} member {name}"
            raise InputError(text if text.startswith(prefix) else f"{prefix}: {text}") from None
        members.append(Member(name=name, values=values, config=config, plan=plan))
    return Campaign(
        source=str(p),
        folder=folder,
        series=keys,
        members=tuple(members),
        processes=processes,
        workers=workers,
        replicas=replicas,
    )


def member_complete(config: NemdConfig, run_dir: str | os.PathLike, *, verify: bool = True) -> bool:
    """True when ``run_dir`` holds a finished run of ``config`` (every unit done, the same config).  ``verify``: its
    state must carry the user's signature (a member is skipped only then: :func:`kapitza.md.run.completed_units`);
    False for the gathering of runs made anywhere, whose state is read as data."""
    from .run import completed_units

    folder = Path(run_dir)
    try:
        same = read_config_text(folder) == config.to_toml()  # the bounded reader: a FIFO is never waited on
        return same and completed_units(folder, config, verify=verify) >= config.n_blocks + 2
    except (OSError, ValueError, InputError):
        return False


def run_member(config: NemdConfig | NemdPlan, run_dir: str, processes: int = 1) -> str:
    """Run (or resume) one member (its config, or its plan: nothing is read again); the dask task.  Returns the
    run directory."""
    from .run import run_nemd

    if processes > 1:
        run_nemd(config, run_dir, processes=processes)  # type: ignore[call-arg]
    else:
        run_nemd(config, run_dir)
    return run_dir


@dataclass(frozen=True)
class MemberOutcome:
    """What happened to one member in :func:`run_campaign`: ``"ran"``, ``"skipped"`` or ``"failed"`` (with why)."""

    name: str
    status: str
    error: str = ""


def run_campaign(
    campaign: Campaign,
    address: str | None = None,
    workers: int | None = None,
    scheduler: str = "distributed",
    report: Callable[[MemberOutcome], None] | None = None,
    connect_timeout: float = CONNECT_TIMEOUT,
    client: Any = None,
    max_memory_gb: float = DEFAULT_MAX_MEMORY_GB,
) -> tuple[MemberOutcome, ...]:
    """Run every unfinished member as a dask task; complete members are skipped, failures reported.

    Parameters
    ----------
    campaign : Campaign
        From :func:`load_campaign`.
    address : str, optional
        A running dask scheduler (``tcp://host:8786``); default: a new LocalCluster.
    workers : int, optional
        Workers of the LocalCluster (default: the campaign's ``workers``); not with ``address``.
    scheduler : {"distributed", "synchronous"}
        ``"synchronous"`` runs the members one after the other in this process (tests, debugging).
    report : callable, optional
        Called with each member's outcome as it finishes.
    connect_timeout : float
        Seconds to wait for the scheduler at ``address``, > 0 (:data:`kapitza.cluster.CONNECT_TIMEOUT`, the one
        default of every command that takes ``--address``); a silent or unreachable one is an InputError.
    client : distributed.Client, optional
        Run on this existing client's cluster instead (left open); not with ``address`` or ``workers``.
    max_memory_gb : float
        Refuse the campaign, before any member starts, when its memory estimate (:func:`campaign_memory`: this
        process and every local worker running the largest member; with ``address`` or ``client`` this process
        alone) exceeds this many GB in total.
    """
    if scheduler not in ("distributed", "synchronous"):
        raise InputError(f"scheduler= must be distributed or synchronous, got {scheduler!r}")
    if address is not None and workers is not None:
        raise InputError("give either a scheduler address (--address) or a local worker count (--workers), not both")
    if client is not None and (address is not None or workers is not None):
        raise InputError("give a client= or a scheduler address / local worker count, not both")
    if workers is not None:
        _count(workers, "workers= (--workers)", "campaign", MAX_WORKERS)
    connect_timeout = check_connect_timeout(connect_timeout, "connect_timeout= (--connect-timeout)")
    remote = address is not None or client is not None
    local = 1 if scheduler == "synchronous" else (workers or campaign.workers)  # synchronous: one member at a time
    check_memory(campaign, local, max_memory_gb, address=remote, name="max_memory_gb= (--max-memory-gb)")
    if not campaign.folder.parent.is_dir():
        raise InputError(f"the folder of campaign folder {str(campaign.folder)!r} does not exist")
    outcomes: dict[str, MemberOutcome] = {}

    def done(outcome: MemberOutcome) -> None:
        outcomes[outcome.name] = outcome
        if report is not None:
            report(outcome)

    units = campaign.unit_plans()
    pending = []
    for name, plan, run_dir in units:
        if member_complete(plan.config, run_dir):
            done(MemberOutcome(name, "skipped"))
        else:
            pending.append((name, plan, run_dir))
    own_client = None
    if pending and scheduler == "distributed" and address is not None and client is None:
        # fails fast, before the campaign folder is made, if no scheduler answers
        own_client = client = cluster.connect(address, connect_timeout, extra="md")
    try:
        try:
            campaign.folder.mkdir(exist_ok=True)
        except OSError as exc:
            raise InputError(f"cannot create campaign folder {str(campaign.folder)!r}: {exc.strerror or exc}") from None
        if campaign.replicas > 1:
            from .replicas import open_parent

            for m in campaign.members:  # each member's folder of replicas with its replicas.json
                open_parent(m.config, campaign.folder / m.name, campaign.replicas)
        if pending and scheduler == "synchronous":
            for name, plan, run_dir in pending:
                try:
                    run_member(plan, str(run_dir), campaign.processes)
                except Exception as exc:  # one member's failure must not stop the others
                    done(MemberOutcome(name, "failed", cluster.first_line(exc)))
                else:
                    done(MemberOutcome(name, "ran"))
        elif pending:
            _run_distributed(campaign, pending, workers or campaign.workers, done, client)
    finally:
        if own_client is not None:
            cluster.close_client(own_client, cluster=False)  # a cluster at an address stays up
    if campaign.replicas > 1:
        _record_replicas(campaign, outcomes)
    return tuple(outcomes[name] for name, _, _ in units)


def _record_replicas(campaign: Campaign, outcomes: Mapping[str, MemberOutcome]) -> None:
    """Each replica's status in its member's replicas.json (complete, or failed with why)."""
    from ..io.replica_layout import read_replica_set, write_replica_set

    for m in campaign.members:
        parent = campaign.folder / m.name
        record = read_replica_set(parent)
        entries = []
        for e in record.replicas:
            o = outcomes.get(f"{m.name}/{e.name}")
            if o is not None:
                e = dataclasses.replace(
                    e, status="complete" if o.status in ("ran", "skipped") else f"failed: {o.error}"
                )
            entries.append(e)
        write_replica_set(parent, dataclasses.replace(record, replicas=tuple(entries)))


def _run_distributed(
    campaign: Campaign,
    pending: list[tuple[str, NemdPlan, Path]],
    workers: int,
    done: Callable[..., None],
    client: Any = None,
) -> None:
    """One dask task per member, on ``client`` (connected by :func:`run_campaign` to ``--address``, or the
    caller's) or, without one, on a new local cluster of ``workers`` processes (:mod:`kapitza.cluster`).

    The connection, its timeout and the wait for a first worker are the AGF sweep's (one definition); the
    client is passed explicitly and never made the process's default one.
    """
    distributed = cluster.distributed_module("md", "campaigns on dask")
    own = client is None  # a client given here stays open
    if own:
        client = cluster.local_client(workers, extra="md")
    try:
        if not own:  # a scheduler without workers would leave as_completed waiting for ever
            cluster.wait_for_workers(
                client,
                cluster.WORKERS_TIMEOUT,
                "start workers with `dask worker ADDRESS`, or leave out --address for a local cluster",
            )
        # a key is global on a scheduler: a bare member name would pick up another campaign's member of that name
        token = uuid.uuid4().hex[:12]
        futures = {
            client.submit(
                run_member,
                plan,
                str(Path(run_dir).resolve()),
                campaign.processes,
                key=f"kapitza-{name.replace('/', '-')}-{token}",
                pure=False,
            ): name
            for name, plan, run_dir in pending
        }
        for future in distributed.as_completed(futures, loop=client.loop):
            name = futures[future]
            try:
                future.result()
            except Exception as exc:  # a failed member is reported; the others go on
                done(MemberOutcome(name, "failed", cluster.first_line(exc)))
            else:
                done(MemberOutcome(name, "ran"))
    finally:
        if own:
            cluster.close_client(client)


def campaign_entries(campaign: Campaign, outcomes: tuple[MemberOutcome, ...] = ()) -> list[dict[str, Any]]:
    """One plain entry per member for :func:`kapitza.analysis.md.table.gather_runs` (which analyses them; md does
    not import analysis): name, series values, run directory, whether it is complete, and its status text."""
    status = {o.name: o for o in outcomes}
    out = []
    for m in campaign.members:
        folder = campaign.folder / m.name
        if campaign.replicas > 1:
            from .replicas import plan_replicas

            reps = plan_replicas(m.config, folder, campaign.replicas)
            complete_n = sum(member_complete(r.config, r.run_dir, verify=False) for r in reps)
            failed = [
                status[f"{m.name}/{r.name}"] for r in reps if getattr(status.get(f"{m.name}/{r.name}"), "error", "")
            ]
            text = f"{complete_n} of {campaign.replicas} replicas complete" + (
                f" (failed: {failed[0].name}: {failed[0].error})" if failed else ""
            )
            out.append({"name": m.name, "values": dict(m.values), "run_dir": str(folder), "complete": complete_n >= 2,
                        "status": text, "replicas": campaign.replicas})  # fmt: skip
            continue
        outcome = status.get(m.name)
        complete = member_complete(m.config, folder, verify=False)
        if complete:
            text = outcome.status if outcome else "complete"
        else:
            text = f"failed: {outcome.error}" if outcome and outcome.error else "not complete"
        out.append({"name": m.name, "values": dict(m.values), "run_dir": str(folder), "complete": complete,
                    "status": text})  # fmt: skip
    return out
