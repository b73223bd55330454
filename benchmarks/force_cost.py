"""The seconds of one force call of each built-in potential on bulk supercells, beside the count of
:data:`kapitza.atomistic.force_cost.CALL_COSTS` (seconds per ordered neighbour pair within the potential's graph
cutoff, plus a fixed part), so the table can be filled and checked from this output.

One process, one potential at a time (run it once per potential: a fresh process, its model loaded once), torch's
threads set by ``--threads`` (default torch's own, the machine's cores, as ``kapitza`` runs them; say the count and
the machine's load beside the numbers: on a shared machine the load decides more than the potential, and torch's
threads on busy cores slow a small cell's call many times over).  Each case: the supercell rattled by 0.02 A, one
call to warm up, then ``--repeats`` calls each after moving one atom by 1e-3 A (an ASE calculator returns its stored
result for unchanged atoms), through :meth:`kapitza.atomistic.calculators.CalculatorSource.forces` with one
structure (CHGNet's batched route with a batch of one; the others one at a time); the best of them is the call's
seconds.  At the end,
the least-squares fit of seconds = fixed + per_pair * pairs + per_pair_squared * pairs^2 (+ per_angle * angles for
CHGNet, whose bond graph within 3 A adds the angles of its three-body messages, as in its memory footprint) over the
cases, relative and non-negative, and each case's ratio to the fit and to the table's count.  The square: SevenNet's
work per edge grows with the graph (2 torch threads, quiet: 3.1e-4 s a pair at 1,792 pairs, 5.2e-4 at 12,096), which
a line through the small cases would understate by 1.5x at 216 atoms of MgO.

    flock /tmp/kapitza-heavy.lock python benchmarks/force_cost.py sevennet-l3i5+d3 --threads 2 \
        --cases GaN:1,Si:1,MgO:1,Si:2,MgO:2,GaN:4x4x2,Si:3,MgO:3

Never a timed test: the numbers are the machine's, at the load it had.
"""

from __future__ import annotations

import argparse
import os
import time
from typing import Any

import numpy as np

#: The crystals of the cases: ase.build.bulk arguments (conventional cells).
CRYSTALS: dict[str, dict[str, Any]] = {
    "Si": {"name": "Si", "crystalstructure": "diamond", "a": 5.431, "cubic": True},
    "GaN": {"name": "GaN", "crystalstructure": "wurtzite", "a": 3.189, "c": 5.185},
    "MgO": {"name": "MgO", "crystalstructure": "rocksalt", "a": 4.212, "cubic": True},
}
DEFAULT_CASES = "Si:2,Si:3,GaN:3x3x2,GaN:4x4x3,MgO:2,MgO:3"


def _case(text: str) -> Any:
    from ase.build import bulk

    crystal, _, repeat = text.partition(":")
    n = [int(v) for v in repeat.split("x")] if repeat else [1]
    atoms = bulk(**CRYSTALS[crystal]).repeat(tuple(n * 3 if len(n) == 1 else n))
    atoms.rattle(0.02, seed=1)
    return atoms


def _load() -> str:
    with open("/proc/loadavg", encoding="ascii") as f:
        return " ".join(f.read().split()[:3])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("name", help="a built-in potential (chgnet, sevennet, sevennet-l3i5; NAME+d3 with D3)")
    parser.add_argument("--cases", default=DEFAULT_CASES, help="CRYSTAL:N or CRYSTAL:NxMxK, comma-separated")
    parser.add_argument("--threads", type=int, default=None, help="torch.set_num_threads (default: torch's own)")
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()

    import torch
    from ase.neighborlist import neighbor_list

    from kapitza.atomistic.calculator_forces import FOOTPRINTS
    from kapitza.atomistic.calculators import D3_SUFFIX, calculator_source
    from kapitza.atomistic.force_cost import CALL_COSTS, call_seconds

    if args.threads is not None:
        torch.set_num_threads(args.threads)
    footprint = FOOTPRINTS[args.name.removesuffix(D3_SUFFIX)]  # the graph the memory is counted on: the same edges
    cutoff = footprint.pair_cutoff
    source = calculator_source(args.name)
    start = time.perf_counter()
    source.calculator()
    threads = f"torch threads {torch.get_num_threads()}, OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', 'unset')}"
    print(f"{args.name}: model loaded in {time.perf_counter() - start:.1f} s; {threads}, load average {_load()}")
    rows = []
    for text in args.cases.split(","):
        atoms = _case(text)
        pairs = int(neighbor_list("i", atoms, cutoff).size)
        angles = 0
        if footprint.angle_cutoff:
            k = np.bincount(neighbor_list("i", atoms, footprint.angle_cutoff), minlength=len(atoms))
            angles = int(np.sum(k * (k - 1)))
        source.forces([atoms])  # warm up
        times = []
        for _ in range(args.repeats):
            atoms.positions[0, 0] += 0.001
            start = time.perf_counter()
            source.forces([atoms])
            times.append(time.perf_counter() - start)
        best = min(times)
        counted = call_seconds(args.name, atoms)
        rows.append((text, len(atoms), pairs, angles, best))
        table = "no entry in CALL_COSTS" if counted is None else f"CALL_COSTS counts {counted:.2f} s"
        within = f", {angles:7d} angles within {footprint.angle_cutoff:g} A" if footprint.angle_cutoff else ""
        print(f"  {text:>10}: {len(atoms):4d} atoms, {pairs:7d} pairs within {cutoff:g} A{within}: best {best:.2f} s "
              f"(of {', '.join(f'{t:.2f}' for t in times)}); {table}; load average {_load()}", flush=True)  # fmt: skip
    if len(rows) >= 2:
        from scipy.optimize import nnls

        pairs = np.array([r[2] for r in rows], dtype=float)
        columns = [np.ones(len(rows)), pairs, pairs**2]  # the square: a call's work per edge grows with the graph
        if footprint.angle_cutoff:
            columns.append(np.array([r[3] for r in rows], dtype=float))
        design = np.stack(columns, axis=1)
        seconds = np.array([r[4] for r in rows])
        # relative least squares (each case weighted by 1/its seconds), every part non-negative
        fit, _ = nnls(design / seconds[:, None], np.ones(len(rows)))
        counted = design @ fit
        words = f"{fit[0]:.3g} + {fit[1]:.3g} * pairs + {fit[2]:.3g} * pairs^2" + (
            f" + {fit[3]:.3g} * angles" if len(fit) > 3 else ""
        )
        print(
            f"  fit: seconds = {words}; measured / fit: "
            + ", ".join(f"{r[0]} {r[4] / c:.2f}" for r, c in zip(rows, counted))
        )
        if args.name in CALL_COSTS:
            print("  measured / CALL_COSTS: " + ", ".join(
                f"{r[0]} {r[4] / call_seconds(args.name, _case(r[0])):.2f}" for r in rows))  # fmt: skip


if __name__ == "__main__":
    main()
