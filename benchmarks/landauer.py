"""Vectorised Landauer G(T) vs a per-temperature Python loop (Debye DMM, Al -> Si).

Run: python benchmarks/landauer.py [--temperatures 10000]

Both paths are timed in the same process, interleaved, best of several
repeats; the printed ratio is what matters (these machines are noisy).
The loop path evaluates the same model one temperature at a time, as a
straightforward script would.
"""

from __future__ import annotations

import argparse

import numpy as np
from timing import best

from kapitza import get_material, landauer
from kapitza.phonons import debye_spectrum
from kapitza.transmission import diffuse_mismatch


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--temperatures", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    model = diffuse_mismatch(debye_spectrum(get_material("Al")), debye_spectrum(get_material("Si")))
    t = np.geomspace(1.0, 1000.0, args.temperatures)

    def vectorised():
        return landauer.conductance(model, t).conductance

    def loop():
        return np.array([landauer.conductance(model, ti).conductance[0] for ti in t])

    tv, gv, tl, gl = 0.0, None, 0.0, None
    for _ in range(args.repeats):  # interleave the two so that drifts hit both alike
        a, gv = best(vectorised, 1)
        b, gl = best(loop, 1)
        tv = a if tv == 0 else min(tv, a)
        tl = b if tl == 0 else min(tl, b)
    err = np.max(np.abs(gv / gl - 1))
    print(f"Debye DMM Al->Si, {args.temperatures} temperatures (best of {args.repeats})")
    print(f"  vectorised : {tv * 1e3:9.2f} ms")
    print(f"  python loop: {tl * 1e3:9.2f} ms")
    print(f"  speed-up   : {tl / tv:9.1f}x   (max relative difference {err:.1e})")


if __name__ == "__main__":
    main()
