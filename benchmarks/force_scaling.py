"""Strong scaling of an interface's force calls on dask workers, beside what the machine allows.

    python benchmarks/force_scaling.py [--calculator chgnet] [--left GaN:wurtzite:a=3.189,c=5.185]
        [--right AlN:wurtzite:a=3.112,c=4.982] [--structures 8] [--repeats 2]

What it does, in one run, side by side, ``--repeats`` times in turn:

1. **The ceiling.**  The timed structures' force calls in one single-threaded plain process, then shared between
   two single-threaded plain processes at once (each process loaded the potential and made one untimed call on a
   copy of the first structure with one atom moved by 1e-3 A first): two independent copies of one force call on
   this machine's cores.  ``t_alone`` is a call's seconds in the first, ``t_pair`` in the second, and ``ceiling = 2
   t_alone / t_pair`` (for an even count, the first's time over the second's) is the most any two-worker run of such
   calls can gain here, memory bandwidth and the other users' load included.
2. **The force calls as tasks.**  The displaced structures of the interface's force constants as ``kapitza agf LEFT
   RIGHT --calculator NAME`` builds them at its defaults (the first batch that
   :func:`kapitza.transmission.agf.local_fc.local_interface_model` hands to its force runner: the interface zone's
   rows), the first ``--structures`` of them (all with ``--structures 0``), as tasks of
   :class:`kapitza.atomistic.force_tasks.ForceRunner` (the cache off) on a fresh local cluster of one
   single-threaded worker, then of two (:func:`kapitza.cluster.local_client`; each worker loads the potential and
   makes one untimed call first).  ``speed-up = T1 / T2``.

The four are timed one after another, the plain process beside the one worker and the two plain processes beside
the two workers, in the reverse order on every second repeat, so that a load that drifts weighs on both sides.

It prints, first, the interface, the structures timed, the per-call seconds stated for them
(:func:`kapitza.atomistic.force_cost.call_seconds`) and the load average; then one line a repeat: the plain
processes' times and a call's seconds alone and two at once, the ceiling, T1 and T2 and the speed-up, its fraction
of the ceiling (the goal of issue 65: at least 0.9), the tasks' overhead (T1 less the sum of the calls' own
seconds, per task) and the load; then the fractions of the ceiling of every repeat and their median; then
:class:`kapitza.atomistic.force_cost.ScalingModel` made from the medians (one call alone, two at once, the cores,
the per-task overhead): its kappa, its T(N) for 1, 2, 4 and 8 workers, and its T(1) and T(2) over the measured
medians; the model of one GPU worker where :data:`~kapitza.atomistic.force_cost.GPU_CALL_SECONDS` holds the
calculator (else it says none is measured); and the load average (1, 5, 15 min) before and after.

An interrupt (Ctrl-C, ``timeout -s INT``) after the first repeat sums up the repeats done.  Never a timed test:
numbers depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import math
import multiprocessing as mp
import os
import time
from typing import Any

import numpy as np


class _Collected(Exception):
    """Raised by the collecting runner once it has the structures of the first force-constant batch."""


def displaced_structures(calculator: str, left: str, right: str) -> tuple[list[Any], str]:
    """The displaced structures of the first batch of the interface's force constants, as ``kapitza agf LEFT RIGHT
    --calculator NAME`` builds them at its defaults (the crystals relaxed with the calculator), and the interface in
    words."""
    from kapitza.atomistic.calculator_forces import DISPLACEMENT_ANGSTROM, CalculatorForceConstants
    from kapitza.atomistic.calculators import calculator_source
    from kapitza.atomistic.force_tasks import ForceRunner
    from kapitza.transmission.agf.calculator_route import crystal_interface
    from kapitza.transmission.agf.config import AGF_DEFAULTS as D
    from kapitza.transmission.agf.local_fc import local_interface_model

    class Collecting(ForceRunner):
        structures: list[Any] = []

        def forces(self, source: Any, structures: Any, **kwargs: Any) -> Any:
            self.structures = list(structures)
            raise _Collected

    source = calculator_source(calculator)
    runner = Collecting()
    fc = CalculatorForceConstants(source, runner=runner, resume=False)
    crystals = crystal_interface(left, right, source, reach=fc.reach, normal=D.normal, max_strain=D.max_strain,
                                 cells=D.cells, pl_cells=D.pl_cells, lateral=D.lateral, mixing_layers=D.mixing_layers,
                                 seed=D.seed, polarity=D.polarity)  # fmt: skip
    try:
        local_interface_model(crystals.structure, fc, pl_cells=crystals.pl_cells, force_range=fc.reach,
                              reach=D.interface_reach, displacement_angstrom=DISPLACEMENT_ANGSTROM,
                              cache=False)  # fmt: skip
    except _Collected:
        pass
    if not runner.structures:
        raise SystemExit("the interface's force constants made no force call")
    words = f"{left} | {right} ({len(crystals.structure.atoms)}-atom interface cell), {calculator}"
    return runner.structures, words


def _moved(atoms: Any) -> Any:
    """A copy of ``atoms`` with its first atom moved by 1e-3 A (a warm-up call on it leaves no stored result that
    a calculator could return for ``atoms`` itself)."""
    copy = atoms.copy()
    copy.calc = None
    copy.positions[0, 0] += 1e-3
    return copy


def _calls(calculator: str, structures: list[Any], ready: Any, out: Any) -> None:
    """A plain process of the ceiling: load the potential, one untimed call, wait for the others, then one force
    call on each of ``structures`` in turn, timed together."""
    from kapitza.atomistic.calculators import calculator_source

    source = calculator_source(calculator)
    source.forces([_moved(structures[0])])
    ready.wait()
    t0 = time.perf_counter()
    for atoms in structures:
        source.forces([atoms])
    out.put(time.perf_counter() - t0)


def plain_processes(calculator: str, structures: list[Any], copies: int) -> float:
    """Wall seconds of one force call on each of ``structures``, shared in turn among ``copies`` single-threaded
    plain processes started together (``structures[k::copies]`` to the k-th; the slowest of them)."""
    ctx = mp.get_context("spawn")
    ready, out = ctx.Barrier(copies + 1), ctx.Queue()
    procs = [ctx.Process(target=_calls, args=(calculator, structures[k::copies], ready, out)) for k in range(copies)]
    for p in procs:
        p.start()
    try:
        ready.wait(timeout=600)
        times = [out.get(timeout=3600) for _ in procs]
    finally:
        for p in procs:
            p.join(timeout=60)
            if p.is_alive():
                p.terminate()
    return max(times)


def on_workers(calculator: str, structures: list[Any], workers: int) -> tuple[float, list[Any]]:
    """Wall seconds of the force calls of ``structures`` as tasks on a fresh local cluster of ``workers`` single-
    threaded processes (each loads the potential with one untimed call first), and the calls' records."""
    from kapitza.atomistic.calculators import calculator_source
    from kapitza.atomistic.force_tasks import ForceRunner, _payload, force_task
    from kapitza.cluster import close_client, local_client

    source = calculator_source(calculator)
    client = local_client(workers)
    try:
        client.wait_for_workers(workers, timeout=120)
        warm = [client.submit(force_task, source.name, dict(source.identity), [_payload(_moved(structures[0]))],
                              pure=False, workers=[w]) for w in client.scheduler_info()["workers"]]  # fmt: skip
        client.gather(warm)
        runner = ForceRunner(client, where=f"{workers} local workers")
        t0 = time.perf_counter()
        runner.forces(source, structures, cache=False)
        return time.perf_counter() - t0, runner.calls
    finally:
        close_client(client)


def _repeat(calculator: str, structures: list[Any], r: int) -> tuple[float, ...]:
    """One repeat (the ``r``-th from 0): the plain processes and the workers, printed; (one call alone, one call two
    at once, T1, T2, the ceiling, the speed-up, the overhead a task), s."""
    n = len(structures)
    times: dict[str, Any] = {}
    steps = [("plain 1", 1), ("workers 1", 1), ("plain 2", 2), ("workers 2", 2)]
    for what, copies in steps if r % 2 == 0 else steps[::-1]:
        if what.startswith("plain"):
            times[what] = plain_processes(calculator, structures, copies)
        else:
            times[what] = on_workers(calculator, structures, copies)
    (p1, p2), (t1, calls1), (t2, _) = (times["plain 1"], times["plain 2"]), times["workers 1"], times["workers 2"]
    alone, pair = p1 / n, p2 / math.ceil(n / 2)  # one call alone; one call while the other process makes one
    c, s = 2 * alone / pair, t1 / t2
    overhead = (t1 - sum(x.seconds for x in calls1)) / len(calls1)
    inside = float(np.median([x.seconds for x in calls1]))  # a call's own seconds in the one worker
    print(f"repeat {r + 1}: {n} calls in 1 plain process {p1:.1f} s ({alone:.2f} s a call), in 2 at once "
          f"{p2:.1f} s ({pair:.2f} s a call): ceiling x{c:.3f}; as tasks on 1 worker {t1:.1f} s ({inside:.2f} s "
          f"a call inside it, median), on 2 workers {t2:.1f} s: x{s:.3f} = {s / c:.3f} of the ceiling; overhead "
          f"{overhead:.3f} s a task; load average {_loads()}", flush=True)  # fmt: skip
    return alone, pair, t1, t2, c, s, overhead


def _loads() -> str:
    a, b, c = os.getloadavg()
    return f"{a:.2f} / {b:.2f} / {c:.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calculator", default="chgnet")
    parser.add_argument("--left", default="GaN:wurtzite:a=3.189,c=5.185")
    parser.add_argument("--right", default="AlN:wurtzite:a=3.112,c=4.982")
    parser.add_argument("--structures", type=int, default=8, help="the first N displaced structures (0: all)")
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    if args.structures < 0 or args.repeats < 1:
        parser.error("--structures must be at least 0 and --repeats at least 1")
    from kapitza.cluster import THREAD_ENV

    os.environ.update(THREAD_ENV)  # this process's children (the ceiling's processes, the local workers): one thread
    from kapitza.atomistic.force_cost import ScalingModel, call_seconds, gpu_call_seconds, gpu_seconds

    before = _loads()
    structures, words = displaced_structures(args.calculator, args.left, args.right)
    found = len(structures)
    structures = structures[: args.structures] if args.structures else structures
    n, atoms = len(structures), structures[0]
    cores = os.cpu_count() or 1
    stated = call_seconds(args.calculator, atoms)
    print(f"{words}: timing {n} of the {found} displaced structures of the first batch, {len(atoms)} atoms each "
          f"(stated {'not known' if stated is None else f'{stated:.2f} s'} a call); {cores} cores; load average "
          f"{before} before (1, 5, 15 min)", flush=True)  # fmt: skip
    rows = []
    for r in range(args.repeats):  # the odd repeats in the reverse order, so that a drift of the load evens out
        try:
            rows.append(_repeat(args.calculator, structures, r))
        except KeyboardInterrupt:  # Ctrl-C or ``timeout -s INT``: the repeats done so far are summed up
            if not rows:
                raise
            print(f"stopped in repeat {r + 1}: the summary is of the {len(rows)} before it")
            break
    alone, pair, t1, t2, c, s, overhead = (float(np.median(col)) for col in zip(*rows))
    fractions = [row[5] / row[4] for row in rows]
    print(f"speed-up over the ceiling: {', '.join(f'{f:.3f}' for f in fractions)} (median {np.median(fractions):.3f}; "
          f"goal at least 0.9)")  # fmt: skip
    model = ScalingModel(
        structures=n, seconds_alone=alone, seconds_pair=pair, cores=cores, overhead_s=max(0.0, overhead)
    )
    print(f"model from the medians (one call alone {alone:.2f} s, two at once {pair:.2f} s: kappa {model.kappa:.3f}, "
          f"{cores} cores, overhead {model.overhead_s:.3f} s a task): "
          + ", ".join(f"T({w}) = {model.seconds(w):.1f} s" for w in (1, 2, 4, 8)))  # fmt: skip
    print(f"model over measured (medians): T(1) {model.seconds(1):.1f} / {t1:.1f} s = {model.seconds(1) / t1:.3f}, "
          f"T(2) {model.seconds(2):.1f} / {t2:.1f} s = {model.seconds(2) / t2:.3f}; speed-up model x"
          f"{model.speed_up(2):.3f}, measured x{t1 / t2:.3f}")  # fmt: skip
    gpu = gpu_call_seconds(args.calculator, len(atoms))
    if gpu is None:
        print(f"GPU worker: no GPU per-call cost measured for {args.calculator} (force_cost.GPU_CALL_SECONDS)")
    else:
        print(f"GPU worker (model, not measured here): {gpu:.3f} s a call of {len(atoms)} atoms, {n} calls "
              f"{gpu_seconds(n, gpu, 1, model.overhead_s):.1f} s on one GPU worker")  # fmt: skip
    print(f"load average {before} before, {_loads()} after (1, 5, 15 min)")


if __name__ == "__main__":
    main()
