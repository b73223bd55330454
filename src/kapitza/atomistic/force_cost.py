r"""What force calls cost: the seconds of one call of a built-in potential from its graph, the statement of a
computation's time before its first force call, and the time of many calls on N workers.

Per call
--------
A message-passing potential's force call does work in proportion to the edges of its graph: the ordered neighbour
pairs within its cutoff (and, for CHGNet, the bond angles of its three-body messages: ordered pairs of neighbours of
one atom within its 3 A bond graph), the same counts that state its memory
(:data:`kapitza.atomistic.calculator_forces.FOOTPRINTS`).  :func:`call_seconds` counts them on the structure and
multiplies by the seconds measured per edge (:data:`CALL_COSTS`, ``python benchmarks/force_cost.py NAME``, which
prints each measured case beside the count), plus a fixed part a call and, for SevenNet-l3i5, a part that grows with
the square of the edges.  It states the order of the time, not a promise: the default potential's costs were
measured with torch's two threads on this project's 2-core machine with no other force computation running (the
other potentials' on one thread beside a busy core); a busy machine is slower, another CPU differs, and a GPU is
another table (:data:`GPU_CALL_SECONDS`).  A relaxation is stated at :data:`RELAXATION_CALLS` force calls, the
typical count, beside its bound.

Before the first force call
---------------------------
:class:`Stage` is one computation's force calls (how many, on what, the seconds of one, the stated memory);
:func:`stage_words` says it in one line.  The structure routes (bulk phonons, elastic constants, the interface's
force constants) state their stages before their first force call, as a :class:`CostNote` (the command line shows it
as one line on stderr, ``kapitza: note: ...``) and in their result; for a calculator without a measured cost (a
user's ``module:factory``) the result's statement says so and states no time, and no note is given.

N workers
---------
:class:`ScalingModel`: ``n`` force calls of one size as tasks on ``N`` single-threaded worker processes of a machine
with ``P`` cores, one call a task.  Each worker computes its share in turn; calls that run at once slow each other by
the factor measured with two independent processes (``kappa = t_pair / t_alone``: memory bandwidth and caches
shared, and on a loaded machine the other users' work); more workers than cores share them in time.  So

.. math::

    T(N) = \lceil n / N \rceil \, t_1 \, \kappa(N) \, \max(1, N / P) + n \, t_o / N,

with :math:`t_1` one call alone, :math:`\kappa(1) = 1`, :math:`\kappa(N \ge 2) = t_\mathrm{pair} / t_\mathrm{alone}`
(measured at two; assumed the same beyond, which a machine with more cores would have to measure) and :math:`t_o` a
task's cost beyond its call (the scheduler's round trip and the structure's transfer, measured).  The speed-up of two
workers is then the ceiling ``2 / kappa`` when ``n`` is even and :math:`t_o = 0`; an odd ``n`` lowers it (one worker
has a round more), and an overhead, which the model does not slow by ``kappa``, moves it towards 2
(:math:`2 (t_1 + t_o) / (\kappa t_1 + t_o)` for even ``n``): small where :math:`t_o \ll t_1`.

A GPU worker computes its calls one after another on the GPU: :math:`T = n (t_\mathrm{gpu} + t_o)` on one, shared by
N GPU workers as above with :math:`\kappa = 1` (one GPU each).  :data:`GPU_CALL_SECONDS` are the only GPU per-call
costs kapitza has measured: SevenNet-l3i5 on one NVIDIA H100 in an earlier session (0.099 s at 32 atoms, 0.121 s
at 256 atoms, wurtzite GaN; ``benchmarks/mlip_gpu.py``), a line through those two points; no GPU was lent to the
session that wrote this model, so it is not checked against a GPU run.
"""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .. import _checks
from ..errors import InputError, KapitzaNote, TimeBoundError
from .calculators import D3_SUFFIX
from .potential_records import RecordTable


class CostNote(KapitzaNote):
    """The stated time and memory of a computation, given before its first force call."""


@dataclass(frozen=True)
class CallCost:
    """Seconds of one force call of a potential on the CPU: ``fixed`` s, plus ``per_pair`` s per ordered neighbour
    pair within ``pair_cutoff`` A and ``per_pair_squared`` s per pair squared (the work per edge grows with the
    graph), plus ``per_angle`` s per bond angle (ordered pair of neighbours of one atom within ``angle_cutoff`` A;
    CHGNet's bond graph)."""

    pair_cutoff: float
    per_pair: float
    fixed: float = 0.0
    angle_cutoff: float = 0.0
    per_angle: float = 0.0
    per_pair_squared: float = 0.0


#: Measured seconds of one force call on the CPU, by name: each record's call cost
#: (:mod:`kapitza.atomistic.potential_records` says how each was measured).  A NAME+d3 calculator takes NAME's.
CALL_COSTS: RecordTable[CallCost] = RecordTable(
    lambda name, p: [(name, CallCost(**p.call_cost))] if p.call_cost else []
)

#: Force calls a relaxation of a crystal typically takes (the statement's typical value; its bound is the caller's
#: ``steps``, 500 by default): one a BFGS step, from the crystal's measured or database lattice to fmax 1e-3 eV/A
#: with SevenNet-l3i5 + D3 (2026-11-28, ``kapitza predict`` from an empty cache; the runs of
#: docs/howto/interface-from-atoms.md section 2c): GaN 11 (wurtzite, a = 3.189, c = 5.185 A; the database's GaN 10),
#: AlN 12, 4H-SiC 9, MgO 3, corundum Al2O3 17.
RELAXATION_CALLS = 12

#: The GPU per-call seconds measured, by name: (atoms, seconds) pairs (:mod:`kapitza.atomistic.potential_records`).
GPU_CALL_SECONDS: RecordTable[tuple[tuple[int, float], ...]] = RecordTable(
    lambda name, p: [(name, p.gpu_call_seconds)] if p.gpu_call_seconds else []
)


def _base(name: str) -> str:
    return str(name).removesuffix(D3_SUFFIX)


def call_seconds(name: str, atoms: Any) -> float | None:
    """Seconds of one force call of the built-in potential ``name`` on ``atoms`` on this project's CPU (counted from
    its graph with :data:`CALL_COSTS`); None where no cost was measured (a user's ``module:factory``)."""
    cost = CALL_COSTS.get(_base(name))
    if cost is None:
        return None
    from matscipy.neighbours import neighbour_list as neighbor_list  # every periodic image, ASE's pairs, 30x faster

    pairs = float(neighbor_list("i", atoms, cost.pair_cutoff).size)
    seconds = cost.fixed + cost.per_pair * pairs + cost.per_pair_squared * pairs**2
    if cost.per_angle:
        k = np.bincount(neighbor_list("i", atoms, cost.angle_cutoff), minlength=len(atoms)).astype(float)
        seconds += cost.per_angle * float(np.sum(k * (k - 1)))
    return float(seconds)


def duration_words(seconds: float) -> str:
    """A stated duration in words: "~40 s", "~3.5 min", "~1.2 h"."""
    if seconds < 90:
        return f"~{seconds:.2g} s"
    if seconds < 5400:
        return f"~{seconds / 60:.2g} min"
    return f"~{seconds / 3600:.2g} h"


@dataclass(frozen=True)
class Stage:
    """One computation's force calls, as stated before the first of them.

    Attributes
    ----------
    what : str
        What is computed, in words ("the 2x2x2 supercell (64 atoms)").
    calls : int
        Force calls (structures handed to the calculator).
    atoms : int
        Atoms of each structure.
    seconds_per_call : float or None
        :func:`call_seconds` of one, s; None where the calculator has no measured cost.
    memory_gb : float
        The stated memory, GB per process (0: not stated).
    """

    what: str
    calls: int
    atoms: int
    seconds_per_call: float | None
    memory_gb: float = 0.0

    @property
    def seconds(self) -> float | None:
        """calls x seconds_per_call, s (None: not stated)."""
        return None if self.seconds_per_call is None else self.calls * self.seconds_per_call


def stage(name: str, what: str, structure: Any, calls: int, memory_gb: float = 0.0) -> Stage:
    """The :class:`Stage` of ``calls`` force calls of the potential ``name`` on structures like ``structure``."""
    return Stage(what=what, calls=int(calls), atoms=len(structure), seconds_per_call=call_seconds(name, structure),
                 memory_gb=float(memory_gb))  # fmt: skip


def stage_words(found: Stage) -> str:
    """One stage in words: "the 2x2x2 supercell (64 atoms): 6 force calls x ~0.2 s = ~1.2 s, ~0.9 GB"."""
    memory = f", ~{found.memory_gb:.2g} GB" if found.memory_gb > 0 else ", memory not stated"
    if found.seconds_per_call is None:
        return f"{found.what}: {found.calls} force calls, time not stated{memory}"
    per, total = duration_words(found.seconds_per_call), duration_words(found.calls * found.seconds_per_call)
    return f"{found.what}: {found.calls} force calls x {per} = {total}{memory}"


def unknown_words(name: str) -> str:
    """Why no time is stated for ``name``."""
    return f"no measured per-call cost for the {name} calculator (only the built-in potentials' are measured)"


def say(line: str) -> None:
    """Give a cost statement: a :class:`CostNote` (the command line prints it as one line on stderr)."""
    warnings.warn(line, CostNote, stacklevel=3)


@dataclass(frozen=True)
class TimeBudget:
    """A bound on the time of a computation's force calls (``max_time=``, ``--max-time``): ``seconds`` from ``start``
    on ``clock`` (:func:`time.monotonic`, s).  Work whose stated time (:class:`Stage`, typical) is above what is left
    of it is refused before its first force call (:meth:`check`); what the work spent, force calls or not, counts
    as spent.  One budget is shared by every crystal of one call (``kapitza.predict`` passes its own to both).

    Attributes
    ----------
    seconds : float
        The bound, s (finite, > 0: :func:`kapitza._checks.duration_seconds`).
    start : float
        ``clock()`` when the bound started, s.
    widening_only : bool
        The bound decides only which wider supercells a widening search starts (:meth:`widening`, the default of
        ``kapitza predict``): it refuses no work up front (:meth:`check`), stops none on the wall clock
        (:meth:`enforced`) and takes a calculator without a stated time (:func:`binding`).
    """

    seconds: float
    start: float
    clock: Callable[[], float] = field(default=time.monotonic, repr=False, compare=False)
    widening_only: bool = False

    @classmethod
    def widening(cls, seconds: float | None = None) -> TimeBudget:
        """``kapitza predict``'s bound where none is given: a wider supercell for imaginary modes next to Gamma is
        started only where its stated time fits in what is left of :data:`PREDICT_WIDENING_SECONDS` (else the
        crystal's long waves stand in), and nothing else is bounded."""
        bound = PREDICT_WIDENING_SECONDS if seconds is None else _checks.duration_seconds(seconds, "seconds")
        return cls(bound, time.monotonic(), widening_only=True)

    @classmethod
    def of(cls, max_time: Any, name: str = "max_time") -> TimeBudget | None:
        """The budget of ``max_time``: None stays None, a :class:`TimeBudget` is taken as it is (shared), else a
        duration (:func:`kapitza._checks.duration_seconds`: seconds, or a text such as "5min") starting now."""
        if max_time is None or isinstance(max_time, TimeBudget):
            return max_time
        return cls(_checks.duration_seconds(max_time, name), time.monotonic())

    @property
    def words(self) -> str:
        """The bound as a refusal names it: "300 s time bound (max_time)", or for :meth:`widening` the default bound
        on widening (:data:`WIDENING_WORDS`, which the long waves' warning looks for)."""
        if self.widening_only:
            return f"default {self.seconds:g} s {WIDENING_WORDS}; max_time=, --max-time)"
        return f"{self.seconds:g} s time bound (max_time)"

    def left(self) -> float:
        """What is left of the bound, s (negative once it is spent)."""
        return self.seconds - (self.clock() - self.start)

    def check(self, stated: float, what: str) -> None:
        """TimeBoundError, before any force call, where ``stated`` seconds of ``what`` are above :meth:`left` (the
        stated costs are a quiet machine's: on a loaded one the work may take longer, and :meth:`enforced` stops it
        at the bound)."""
        left = self.left()
        if stated > left and not self.widening_only:
            raise TimeBoundError(
                f"{what}: {duration_words(stated)} stated (typical), more than the {max(0.0, left):.3g} s left of "
                f"the {self.words}; raise it (a crystal in the cache costs nothing)"
            )

    def watch(self, progress: Callable[[str, int, int], None] | None) -> Callable[[str, int, int], None]:
        """``progress`` (or nothing) that also keeps the last stage it was told (:meth:`enforced` says it)."""

        def told(stage: str, done: int, total: int) -> None:
            _STAGES[id(self)] = f"{stage} {done} of {total}"
            if progress is not None:
                progress(stage, done, total)

        return told

    @contextmanager
    def enforced(self, what: str) -> Iterator[None]:
        """Hold the bound on the wall clock while the block runs: where what is left of it runs out, the work is
        stopped where it is (a SIGALRM timer in the main thread; the exception leaves through whatever it
        interrupts, so nothing unfinished is stored) and TimeBoundError says what was running and the last stage
        :meth:`watch` was told.  Re-entrant (one timer for nested blocks of one budget); outside the main thread or
        where the platform has no SIGALRM the block runs unbounded but by the up-front :meth:`check`."""
        import signal
        import threading

        armed = getattr(signal, "SIGALRM", None) is not None and threading.current_thread() is threading.main_thread()
        armed = armed and not self.widening_only
        if id(self) in _ARMED:  # an outer block of this budget holds the timer
            yield
            return
        left = self.left()
        if not armed or left <= 0:  # no timer here; or spent: work that calls forces was refused by check(), what is
            try:  # read from the cache goes on
                yield
            finally:
                _STAGES.pop(id(self), None)
            return
        outer, _ = signal.getitimer(signal.ITIMER_REAL)  # a caller's own timer (a harness's alarm): kept
        began = time.monotonic()

        def stop(signum: int, frame: Any) -> None:
            if self.left() > 0 and callable(before):  # the caller's timer, due first: its handler, then ours again
                before(signum, frame)
                signal.setitimer(signal.ITIMER_REAL, max(1e-3, self.left()), REPEAT_S)
                return
            _FIRED[id(self)] = self._stopped(what)
            raise _FIRED[id(self)]

        before = signal.signal(signal.SIGALRM, stop)
        _ARMED.add(id(self))
        # the timer repeats: code that catches the first stop (a library that wraps what its callback raised) meets
        # the next; and what leaves the block after a stop leaves as the stop (below)
        signal.setitimer(signal.ITIMER_REAL, min(left, outer) if outer > 0 else left, REPEAT_S)
        try:
            yield
        except BaseException as exc:
            fired = _FIRED.pop(id(self), None)
            if fired is not None and exc is not fired:
                raise fired from None
            raise
        finally:
            _FIRED.pop(id(self), None)
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, before)
            _ARMED.discard(id(self))
            _STAGES.pop(id(self), None)
            if outer > 0:  # the caller's timer goes on from where it was
                signal.setitimer(signal.ITIMER_REAL, max(1e-3, outer - (time.monotonic() - began)))

    def _stopped(self, what: str) -> TimeBoundError:
        at = _STAGES.get(id(self))
        where = f", at {at}" if at else ""
        return TimeBoundError(
            f"{what}: stopped at the {self.words} after {self.clock() - self.start:.2f} s"
            f"{where}; nothing unfinished is kept (raise the bound; what finished before is in the cache)"
        )


def binding(budget: TimeBudget | None) -> TimeBudget | None:
    """``budget`` where it bounds the work itself (refused up front, stopped on the wall clock, refused for a
    calculator without a stated time), None where there is none or it bounds only a widening search
    (:meth:`TimeBudget.widening`)."""
    return None if budget is None or budget.widening_only else budget


#: Seconds within which ``kapitza predict``, given no ``max_time``, starts a wider supercell for a crystal's
#: imaginary modes next to Gamma (:meth:`TimeBudget.widening`): past it the crystal's long waves stand in, the
#: answer the issue-85 goal asks within 5 minutes on two cores (beta-Ga2O3 on SiC: the 600-atom supercell it would
#: widen to is stated ~9.3 min and gave the same imaginary mode; docs/howto/interface-from-atoms.md).
PREDICT_WIDENING_SECONDS = 300.0
#: How a refusal at :meth:`TimeBudget.widening`'s bound names it (:attr:`TimeBudget.words`), one wording for the
#: refusal and the long waves' warning that reads it.
WIDENING_WORDS = "bound on widening (kapitza predict's"


def enforced(budget: TimeBudget | None, what: str) -> Any:
    """:meth:`TimeBudget.enforced` of ``budget``, or a block without a bound where there is none."""
    from contextlib import nullcontext

    return nullcontext() if budget is None else budget.enforced(what)


#: Seconds between the repeats of a time bound's stop, once it ran out (:meth:`TimeBudget.enforced`).
REPEAT_S = 0.25
#: The stop each budget raised, by id, until its block is left (another exception leaving the block is this one).
_FIRED: dict[int, TimeBoundError] = {}
#: The budgets whose wall-clock timer is armed (:meth:`TimeBudget.enforced`), by id.
_ARMED: set[int] = set()
#: The last stage each watched budget was told (:meth:`TimeBudget.watch`), by id.
_STAGES: dict[int, str] = {}


def no_stated_time(name: str) -> InputError:
    """The refusal of a time bound for a calculator whose force calls have no stated time."""
    return InputError(
        f"max_time bounds the stated time of the force calls, and there is none: {unknown_words(name)}; leave out "
        "max_time"
    )


def gpu_call_seconds(name: str, atoms: int) -> float | None:
    """Seconds of one force call of ``name`` on ``atoms`` atoms on a GPU, from :data:`GPU_CALL_SECONDS` (a line
    through the measured points, flat below the first); None where none was measured."""
    points = GPU_CALL_SECONDS.get(_base(name))
    if not points:
        return None
    (n0, t0), (n1, t1) = points[0], points[-1]
    slope = (t1 - t0) / (n1 - n0) if n1 != n0 else 0.0
    return t0 + slope * max(0, int(atoms) - n0)


@dataclass(frozen=True)
class ScalingModel:
    """The time of ``structures`` force calls of one size on N workers (the module docstring's T(N)).

    Attributes
    ----------
    structures : int
        Force calls (one a task).
    seconds_alone : float
        One call in one single-threaded process alone, s.
    seconds_pair : float
        One call while a second process makes one at the same time, s (the slower of the two).
    cores : int
        The machine's cores.
    overhead_s : float
        A task's cost beyond its call (scheduling, transfer), s.
    """

    structures: int
    seconds_alone: float
    seconds_pair: float
    cores: int = 1
    overhead_s: float = 0.0

    def __post_init__(self) -> None:
        seconds = (self.seconds_alone, self.seconds_pair)
        if (
            self.structures < 0
            or not all(0 < s < math.inf for s in seconds)
            or self.cores < 1
            or not 0 <= self.overhead_s < math.inf
        ):
            raise InputError(
                f"a scaling model needs calls >= 0 (got {self.structures!r}), finite positive seconds (got "
                f"{self.seconds_alone!r} alone, {self.seconds_pair!r} in pairs), at least one core (got "
                f"{self.cores!r}) and a finite overhead >= 0 (got {self.overhead_s!r} s)"
            )

    @property
    def kappa(self) -> float:
        """How much two calls at once slow each other (at least 1)."""
        return max(1.0, self.seconds_pair / self.seconds_alone)

    @property
    def ceiling(self) -> float:
        """The most two workers can gain: two calls in the time of ``kappa`` of one."""
        return 2.0 / self.kappa

    def seconds(self, workers: int) -> float:
        """T(N) of the module docstring, s."""
        if isinstance(workers, bool) or not isinstance(workers, (int, np.integer)) or workers < 1:
            raise InputError(f"workers must be an integer of at least 1, got {workers!r}")
        n = int(workers)
        slow = 1.0 if n == 1 else self.kappa
        rounds = math.ceil(self.structures / n)
        return rounds * self.seconds_alone * slow * max(1.0, n / self.cores) + self.structures * self.overhead_s / n

    def speed_up(self, workers: int) -> float:
        """T(1) / T(N)."""
        return self.seconds(1) / self.seconds(workers)


def gpu_seconds(structures: int, seconds_per_call: float, workers: int = 1, overhead_s: float = 0.0) -> float:
    """The time of ``structures`` force calls on ``workers`` GPU workers (one GPU each), ``seconds_per_call`` a call
    (:func:`gpu_call_seconds`), s."""
    n = max(1, int(workers))
    return math.ceil(int(structures) / n) * float(seconds_per_call) + int(structures) * float(overhead_s) / n


__all__ = [
    "CALL_COSTS",
    "GPU_CALL_SECONDS",
    "PREDICT_WIDENING_SECONDS",
    "WIDENING_WORDS",
    "RELAXATION_CALLS",
    "CallCost",
    "CostNote",
    "ScalingModel",
    "Stage",
    "TimeBudget",
    "binding",
    "call_seconds",
    "duration_words",
    "gpu_call_seconds",
    "gpu_seconds",
    "no_stated_time",
    "say",
    "stage",
    "stage_words",
    "unknown_words",
]
