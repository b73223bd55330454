"""Force constants of a 2,048-atom interface cell through LAMMPS: batched displacements vs the per-atom loop.

Run: python benchmarks/lammps_force_constants.py [--rows N]

The fixed problem: SW Si|Ge (mass mismatch), [001], a = 5.431 A, 8 + 8 cubic cells along z, 4 x 4 laterally:
2,048 atoms in a 21.7 x 21.7 x 86.9 A periodic cell, ``pair_style sw`` / ``pair_coeff * * Si.sw Si Si``.
(a) kapitza.atomistic.lammps_forces.hessian_rows with batching: atoms more than twice the force range (2 x 7.54 A)
    apart, minimum image, are displaced together; two force calls per colour and direction;
(b) the same function one atom at a time (two force calls per atom and direction), the reference, timed on the
    first --rows atoms and scaled to all 2,048 (its cost is the same for every atom: one full force call each).
Both in this process, one LAMMPS instance each, side by side; the rows they share are compared.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from kapitza.atomistic.forcefield import parse_pair_lines
from kapitza.atomistic.lammps_forces import force_range, hessian_rows
from kapitza.atomistic.structures import build_interface


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=128, help="atoms the per-atom loop is timed on")
    args = parser.parse_args()
    s = build_interface(
        "Si", "Ge", "001", lattice_constants_angstrom=(5.431, 5.431), cells=(8, 8), lateral=(4, 4), mass_only=True,
        masses_amu=(28.0855, 72.63),
    )  # fmt: skip
    atoms = s.atoms.copy()
    atoms.set_tags(s.side + 1)
    ff = parse_pair_lines(["pair_style sw", "pair_coeff * * Si.sw Si Si"])
    reach = force_range(ff)
    n = len(atoms)
    t0 = time.perf_counter()
    batched = hessian_rows(atoms, ff, np.arange(n), reach=reach, batched=True)
    t_batched = time.perf_counter() - t0
    sub = np.arange(args.rows)
    t0 = time.perf_counter()
    loop = hessian_rows(atoms, ff, sub, reach=reach, batched=False)
    t_loop = (time.perf_counter() - t0) * n / sub.size
    diff = float(np.abs(batched[sub] - loop).max())
    print(f"{n} atoms, force range {reach:.5g} A; all {3 * n} rows of the force constants")
    print(f"(a) batched:  {t_batched:7.1f} s")
    print(f"(b) per atom: {t_loop:7.1f} s (timed on {sub.size} atoms, scaled to {n})")
    print(f"ratio (b)/(a): {t_loop / t_batched:.2f}; largest difference of the shared rows {diff:.2e} eV/A^2")
    print(f"acoustic sum rule: max |sum_j Phi_ij| = {np.abs(batched.sum(axis=2)).max():.2e} eV/A^2")


if __name__ == "__main__":
    main()
