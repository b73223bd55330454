"""The time of one force call of each built-in potential on a 96-atom cell: which one the bonding table can afford.

A 2x2x3 supercell of diamond Si (96 atoms, rattled by 0.02 A), each potential loaded once, one call to warm up, then
three calls each after moving one atom by 1e-3 A (an ASE calculator returns its stored result for unchanged atoms),
through :meth:`kapitza.atomistic.calculators.CalculatorSource.forces` (CHGNet's batched route; the others one at a
time).  Prints the best and the median of the three, and the load average, since on a shared machine the load
decides more than the potential.

    python benchmarks/mlip_force_call.py chgnet sevennet sevennet-l3i5 sevennet-l3i5+d3
"""

from __future__ import annotations

import sys
import time

import numpy as np


def main(names: list[str]) -> None:
    from ase.build import bulk

    from kapitza.atomistic.calculators import calculator_source

    atoms = bulk("Si", "diamond", a=5.43, cubic=True).repeat((2, 2, 3))
    atoms.rattle(0.02, seed=1)
    for name in names:
        source = calculator_source(name)
        start = time.perf_counter()
        source.calculator()
        load = time.perf_counter() - start
        source.forces([atoms])  # warm up
        times = []
        for _ in range(3):
            atoms.positions[0, 0] += 0.001
            start = time.perf_counter()
            source.forces([atoms])
            times.append(time.perf_counter() - start)
        with open("/proc/loadavg", encoding="ascii") as f:
            average = f.read().split()[0]
        print(f"{name}: {len(atoms)} atoms, model loaded in {load:.1f} s, one force call best {min(times):.2f} s, "
              f"median {np.median(times):.2f} s; load average {average}", flush=True)  # fmt: skip


if __name__ == "__main__":
    main(sys.argv[1:] or ["chgnet", "sevennet", "sevennet-l3i5", "sevennet-l3i5+d3"])
