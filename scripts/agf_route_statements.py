"""What the AGF's two routes for the interface's force constants state on the compilation's pairs not yet computed,
before any force call (issue 87 item 1: the price a cheaper route could save, from the geometry alone).

    PYTHONPATH=src python scripts/agf_route_statements.py [--max-cell-atoms 60] [--pairs Cr|Si Mo|C ...]

For each pair the AGF validation would run (``kapitza.prediction.validation.agf_plan``'s, polarity "+"), three
statements of ``kapitza.transmission.agf.run.stated_run`` with the default potential: every row displaced (the full
route, what ``validate --model agf`` runs), and the local route (:mod:`kapitza.transmission.agf.local_fc`: the rows
within a reach of the interface displaced, the others from each side's bulk column) at the reach kapitza takes for a
learned potential (the force range plus its receptive field) and at the force range alone (as if the potential's
messages did not carry past its force range: the least a local route could displace).  Force calls, atoms of the
largest call, stated time and memory; nothing is computed.  What the local route at the force range would change in
G is not measured here: that needs the force constants of both routes on the same pairs
(``scripts/agf_routes_study.py --reach 5``).

Measured 2026-11-29 on the 2-core machine (``--max-cell-atoms 60 --pairs Cr|Si Bi|Si Pb|Si Cu|C Mo|C TiN|MgO Al|Cu
Au|BaF2``, 451 s beside a running pair; the stated minutes of the force constants, full / local at the record's
reach / local at the force range, and the memory of the full and of the last, GB):

  Pb|Si (001)     14.4 /   12.3 /   4.0    4.65 / 2.49
  Bi|Si (001)     36.7 /   29.0 /   8.2    6.56 / 3.18
  Cr|Si (001)     44.7 /   44.7 /  10.2    12.4 / 6.86
  TiN|MgO (111)  116.2 /  116.2 /  26.7    24.3 / 11.3
  Au|BaF2 (001)  131.7 /  119.0 /  20.8    17.2 / 7.84
  Cu|C (001)     227.4 /  227.4 /  42.1    34.4 / 16.3
  TiN|MgO (001)  274.2 /  243.1 /  46.0    36.2 / 15.2
  Al|Cu (001)    380.3 /  368.4 /  54.0    27.2 / 12.0
  Mo|C (001)    4613.2 / 4613.2 / 723.2    55.4 / 27.5

At the record's reach (5 A plus SevenNet's 25 A receptive field) the local route saves 0-16 %: the zone holds most
of every cell.  At the force range alone it states 0.14-0.28 of the full route's time and about half its memory,
mostly from smaller calls (the zone's slab), not fewer: the cheaper route the scale needs, if its G holds.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def main() -> None:
    import numpy as np

    from kapitza.atomistic.calculator_forces import DEFAULT_FORCE_RANGE_ANGSTROM
    from kapitza.atomistic.calculators import DEFAULT_CALCULATOR
    from kapitza.errors import InputError
    from kapitza.prediction.validation.agf_plan import agf_plan
    from kapitza.transmission.agf.run import stated_run

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--max-cell-atoms", type=int, default=60)
    parser.add_argument("--max-memory-gb", type=float, default=16.0)
    parser.add_argument("--pairs", nargs="*", default=(), help="FILM|SUBSTRATE pairs (default every planned one)")
    args = parser.parse_args()
    t0 = time.time()
    plan = agf_plan(max_cell_atoms=args.max_cell_atoms, max_memory_gb=args.max_memory_gb)
    routes = {"full": {"interface_fc": "all"}, "local, reach by record": {"interface_fc": "local"},
              "local, reach = force range": {"interface_fc": "local",
                                             "interface_reach": DEFAULT_FORCE_RANGE_ANGSTROM}}  # fmt: skip
    print("| pair | plane | route | force calls | atoms of the largest | stated | memory GB |")
    print("|---|---|---|---:|---:|---:|---:|")
    for k in range(len(plan)):
        pair = f"{plan.film[k]}|{plan.substrate[k]}"
        if plan.polarity[k] != "+" or plan.reason[k] not in ("", "over the memory bound"):
            continue
        if args.pairs and pair not in args.pairs:
            continue
        for name, route in routes.items():
            try:
                s = stated_run(plan.film[k], plan.substrate[k], calculator=DEFAULT_CALCULATOR, normal=plan.plane[k],
                               temperature=np.array([300.0]), allow_unstable_leads=True, max_memory_gb=1e3,
                               **route)  # fmt: skip
            except InputError as exc:
                print(f"| {pair} | ({plan.plane[k]}) | {name} | refused: {str(exc)[:120]} | | | |", flush=True)
                continue
            fc = s.force_constants
            minutes = "" if s.seconds is None else f"{s.seconds / 60:.1f} min"
            print(f"| {pair} | ({plan.plane[k]}) | {name} | {fc.calls} | {fc.supercell_atoms} | {minutes} | "
                  f"{s.memory.total / 1e9:.3g} |", flush=True)  # fmt: skip
    print(f"\n{time.time() - t0:.0f} s", flush=True)


if __name__ == "__main__":
    main()
