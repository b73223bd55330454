"""Debye-type cutoff rules against the full-dispersion DMM (issue 10, item 1).

Run: PYTHONPATH=src python benchmarks/cutoffs.py [--pairs Si/Ge Al/Si] [--mesh 24]

For each pair, G_dmm(T) in MW m^-2 K^-1 at 10, 100, 300 and 1000 K with every
Debye-type spectrum (cutoff "branch", "debye", "sine", and "sine-zb" where both
sides have measured zone-boundary frequencies) and with full dispersion
(kapitza.conductance(..., dispersion="phonopy"), each material's default
potential), then each Debye-type value divided by the full-dispersion one.
The full-dispersion spectra are built once per pair and reused for all
temperatures.  The default cutoff is not changed here: the lead decides it from
a table over every pair with a potential on both sides.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

import kapitza
from kapitza import get_material
from kapitza.errors import InputError
from kapitza.prediction import Settings, build_spectra

TEMPERATURES = np.array([10.0, 100.0, 300.0, 1000.0])
RULES = ("branch", "debye", "sine", "sine-zb")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", nargs="+", default=["Si/Ge", "Al/Si"], help="SIDE1/SIDE2 pairs")
    parser.add_argument("--mesh", type=int, default=24, help="full-dispersion mesh N (N^3)")
    args = parser.parse_args()
    header = "".join(f"{t:>10.0f} K" for t in TEMPERATURES)
    for pair in args.pairs:
        a, b = pair.split("/")
        start = time.perf_counter()
        settings = Settings(dispersion="phonopy", mesh=(args.mesh,) * 3)
        sides = build_spectra(get_material(a), get_material(b), settings)
        full = np.asarray(kapitza.conductance(*sides, TEMPERATURES, "dmm", **settings.options()))
        print(f"\n{a} -> {b}: DMM in MW m^-2 K^-1 (full dispersion built in {time.perf_counter() - start:.0f} s)")
        print(f"{'spectrum':<16}{header}")
        print(f"{'full dispersion':<16}" + "".join(f"{g / 1e6:>12.1f}" for g in full))
        ratios = {}
        for rule in RULES:
            try:
                g = np.asarray(kapitza.conductance(a, b, TEMPERATURES, "dmm", cutoff=rule))
            except InputError as exc:
                print(f"{rule:<16}  ({exc})")
                continue
            ratios[rule] = g / full
            print(f"{rule:<16}" + "".join(f"{x / 1e6:>12.1f}" for x in g))
        print(f"{'ratio to full':<16}{header}")
        for rule, r in ratios.items():
            print(f"{rule:<16}" + "".join(f"{x:>12.2f}" for x in r))


if __name__ == "__main__":
    main()
