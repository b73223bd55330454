"""The AGF validation's fast route against its full route, pair by pair, from what this machine has computed (issue
87 item 1: the fast route's error against the full route, stated per pair).

    PYTHONPATH=src python scripts/agf_fast_vs_full.py [--max-cell-atoms 60]

Reads ``kapitza validate --model agf`` (the full route: shipped or cached) and ``... --route fast`` (cached: run it
first with ``--compute --route fast``), neither computing anything (``compute=False``), and prints for every pair
both routes scored: the two-probe phonon G of each at the pair's highest temperature, their ratio, and each route's
median factor against the measured rows of the pair; then both routes' statistics on the rows both score.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def main() -> None:
    import numpy as np

    from kapitza.prediction.scoring import score
    from kapitza.prediction.validation.agf import agf_validation

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--max-cell-atoms", type=int, default=60)
    args = parser.parse_args()
    full = agf_validation(max_cell_atoms=args.max_cell_atoms)
    fast = agf_validation(max_cell_atoms=args.max_cell_atoms, route="fast")
    both = full.scored & fast.scored
    print("| pair | rows | G full | G fast (MW m^-2 K^-1, phonon, highest T) | fast / full | median p/m full | fast |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    ratios = []
    for pair in dict.fromkeys(zip(full.film, full.substrate)):
        k = np.flatnonzero(both & np.array([(f, s) == pair for f, s in zip(full.film, full.substrate)]))
        if k.size == 0:
            continue
        top = k[np.argmax(full.temperature[k])]
        ratio = fast.agf_phonon[top] / full.agf_phonon[top]
        ratios.append(ratio)
        pm = [float(np.median(c[k] / full.measured[k])) for c in (full.agf, fast.agf)]
        g = (full.agf_phonon[top] / 1e6, fast.agf_phonon[top] / 1e6)
        cells = f"{g[0]:.1f} | {g[1]:.1f} | {ratio:.3f} | {pm[0]:.2f} | {pm[1]:.2f}"
        print(f"| {pair[0]} on {pair[1]} | {k.size} | {cells} |")
    if not ratios:
        print("no pair is scored by both routes: run kapitza validate --model agf --compute --route fast first")
        return
    print(
        f"\nfast / full over {len(ratios)} pairs: {min(ratios):.3f}-{max(ratios):.3f}, median {np.median(ratios):.3f}"
    )
    for name, found in (("full", full), ("fast", fast)):
        v = np.where(both, found.agf, np.nan)
        s = score(v, full.measured, full.paper)
        print(f"{name}: {s.rows} rows, {s.papers} papers, median factor by row x{s.median_factor_row:.3g}, by paper "
              f"x{s.median_factor_paper:.3g}")  # fmt: skip
    s = score(np.where(fast.scored, fast.agf, np.nan), fast.measured, fast.paper)
    print(f"fast, every row it scores: {s.rows} rows, {s.papers} papers, by row x{s.median_factor_row:.3g}, by paper "
          f"x{s.median_factor_paper:.3g}")  # fmt: skip


if __name__ == "__main__":
    main()
