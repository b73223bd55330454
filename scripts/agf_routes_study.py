"""A study for issue 87 item 1: the AGF's local route (only the rows within the potential's reach of the interface
displaced, the others from each side's strained bulk column) against the full route (every row of the interface
cell displaced), pair by pair, as ``kapitza validate --model agf`` builds the pairs.

  python scripts/agf_routes_study.py [--calculator chgnet] [--pairs AlN/GaN Pt/Si ...] [--out FILE]

Each pair is run as the validation runs it (``run_agf(film, substrate, calculator=..., normal=..., max_strain=0.03)``
with ``kapitza agf``'s 200 frequencies and 8 x 8 k points, unstable leads allowed), once with ``interface_fc="all"``
and once with ``"local"``; printed and written to ``--out`` (JSON, one pair at a time, so an interrupted run keeps
what it finished and a rerun skips it): G(300 K) two-probe of each route, their ratio, the transmission summed over
frequency and k points of each (same grid) and its relative difference, each route's force calls and their time as
stated before the first (the count is the build's own: a test holds them equal), its wall time, and the local
route's seam asymmetry.  The force
calls are cached by content, so the second route reads what the first computed for the same displaced structures;
each route's force constants are assembled afresh (``resume=False``).

Measured 2026-11-29 (CHGNet, the shared 2-core machine; G(300 K) every row, local, MW m^-2 K^-1; summed transmission
difference; force calls every row / local as stated):

  AlN/GaN  332.7, 343.2 (x1.032)  0.136  48 / 48
  Pt/Si     65.5,  66.4 (x1.014)  0.032  72 / 84
  Si/Si   1274.9, 1277.2 (x1.002) 0.003  42 / 42
  Al/Si    110.9, 110.9 (x1.000)  0.045  72 / 84

So the default route (calculator_route.interface_route) takes every row for a learned potential unless the local
route at least halves the stated cost.

Measured 2026-11-29 (SevenNet-l3i5 + D3, kapitza's default; ``--reach 5``: the local route at the force range, the
validation's ``--route fast``; the shared 2-core machine, Si/Ge beside another run, the others alone; G(300 K)
every row, local; summed transmission difference; force calls; the local route's wall time and seam asymmetry):

  Si/Ge  126.6, 129.8 (x1.025)  0.052  42 / 84  584 s (beside a run)  0.011
  Al/Si  307.8, 317.9 (x1.033)  0.051  72 / 78  285 s                 0.016
  Pt/Si   96.8, 110.2 (x1.139)  0.152  72 / 78  300 s                 0.043

The full route of Al/Si and Pt/Si states 19 min; the local route at the force range 4 min each.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

import numpy as np

#: The pairs the CHGNet validation scored or computed (docs/howto/interface-from-atoms-data.json), film/substrate,
#: with the one normal each was built along there.
PAIRS = {"AlN/GaN": "001", "Pt/Si": "001", "Si/Si": "001", "Al/Si": "001", "Si/Ge": "001"}


def _route(film: str, substrate: str, normal: str, calculator: str, route: str,
           reach: float | None = None) -> dict[str, Any]:  # fmt: skip
    import re

    from kapitza.transmission.agf.run import run_agf

    started = time.perf_counter()
    found, model = run_agf(film, substrate, calculator=calculator, normal=normal, max_strain=0.03,
                           temperature=[300.0], allow_unstable_leads=True, interface_fc=route,
                           frequencies=200, kpoints=8, resume=False, max_memory_gb=16.0,
                           **({} if reach is None or route == "all" else {"interface_reach": reach}))  # fmt: skip
    stated = [n for n in found.notes if n.startswith("the interface's force constants with ")]
    calls = re.search(r": (\d+) force calls on up to (\d+) atoms, ~?([^;]*);", stated[0]) if stated else None
    xi = np.asarray(found.transmission.xi, dtype=float)
    meta = found.model_metadata
    return {
        "G_300K": float(np.asarray(found.conductance)[0]),
        "xi": xi.reshape(xi.shape[0], -1).sum(axis=1).tolist(),
        "force_calls": int(calls.group(1)) if calls else None,  # as stated before the first (the build's own)
        "largest_call_atoms": int(calls.group(2)) if calls else None,
        "stated_time": calls.group(3) if calls else None,
        "seconds": time.perf_counter() - started,
        "seam_asymmetry": (meta.get("interface_force_constants") or {}).get("seam_asymmetry"),
        "dropped_beyond_range": meta.get("dropped_beyond_range"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calculator", default="chgnet")
    parser.add_argument("--pairs", nargs="*", default=list(PAIRS))
    parser.add_argument("--out", type=Path, default=Path("agf_routes_study.json"))
    parser.add_argument("--reach", type=float, default=None,
                        help="A, the local route's interface reach (default the potential's record: the force range "
                        "plus its receptive field)")  # fmt: skip
    args = parser.parse_args()
    done: dict[str, Any] = json.loads(args.out.read_text()) if args.out.exists() else {}
    for pair in args.pairs:
        if pair in done:
            continue
        film, substrate = pair.split("/")
        normal = PAIRS.get(pair, "001")
        found = {}
        for route in ("all", "local"):
            try:
                found[route] = _route(film, substrate, normal, args.calculator, route, args.reach)
            except Exception as exc:  # noqa: BLE001 - a refused pair is recorded with why
                found[route] = {"refused": f"{type(exc).__name__}: {exc}"}
            print(pair, route, {k: v for k, v in found[route].items() if k != "xi"}, flush=True)
        done[pair] = found
        args.out.with_suffix(".tmp").write_text(json.dumps(done, indent=1))  # whole or not at all
        args.out.with_suffix(".tmp").replace(args.out)
    print(f"\n{args.calculator}: the local route against the full (all-atom) route")
    print("pair | G(300 K) all, local (MW m^-2 K^-1) | local/all | summed transmission differs | calls all, local | "
          "seconds all, local")  # fmt: skip
    for pair, r in done.items():
        a, b = r["all"], r["local"]
        if "refused" in a or "refused" in b:
            print(f"{pair} | refused: {a.get('refused') or b.get('refused')}")
            continue
        xa, xb = np.asarray(a["xi"]), np.asarray(b["xi"])
        diff = np.abs(xb - xa).sum() / np.abs(xa).sum()
        print(
            f"{pair} | {a['G_300K'] / 1e6:.1f}, {b['G_300K'] / 1e6:.1f} | {b['G_300K'] / a['G_300K']:.4f} | "
            f"{diff:.4f} | {a['force_calls']}, {b['force_calls']} | {a['seconds']:.0f}, {b['seconds']:.0f}"
        )


if __name__ == "__main__":
    main()
