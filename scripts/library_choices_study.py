"""Hand-written beside a library (issue 85): each piece measured against the library that could replace it.

1. ``kapitza.phonons.modes.irreducible_mesh`` against spglib's ``get_stabilized_reciprocal_mesh`` (the same job: a
   Gamma-centred mesh reduced by given reciprocal rotations and time reversal): the number of irreducible points,
   the weights, and the time, side by side in one run, on the shipped crystals' own rotations.
2. ``kapitza.atomistic.side.reduced_formula`` against ASE's ``Formula(...).reduce()``: the same string on every
   crystal of the compilation's crystal table?
3. A settings check's refusal, as pydantic words it and as kapitza does.

Not measured here, decided from the libraries' own documentation: ``joblib.Memory`` and ``diskcache`` store their
values as pickles (joblib's maintainers keep it so by design, joblib/joblib#1582, CVE-2024-34997), and loading a
pickle from a cache folder someone else can write runs their code; kapitza's cache holds JSON and ``.npz`` read with
``allow_pickle=False`` and checked against the user's key, so it stays.

Results, 2026-11-29, this machine (2 cores), ``--repeats 5``:

    mesh  n_ir ours  n_ir spglib  weights equal    ours s  spglib s  ratio
    8^3         29           29           True    0.0017    0.0001   22.0
   16^3        145          145           True    0.0053    0.0004   12.1
   24^3        413          413           True    0.0146    0.0014   10.5
   32^3        897          897           True    0.0331    0.0033   10.0

   reduced formula: 43 crystals of the crystal table the same, 0 different

Decisions: the mesh reduction stays (the same orbits as spglib's; 15 ms at the default 24^3 mesh, under a hundredth
of a full-dispersion spectrum's time; it also returns the operations that keep the mesh, which the normal's images
need, and spglib does not); ``tests/phonons/test_mode_sums.py`` already holds its weights to phonopy's mesh (spglib's
reduction underneath).  The formula stays (two
lines on ``reduced_composition``, which the melting table also uses; ASE's gives the same strings).  The checks
stay hand-written: one line naming the option and the unit, where pydantic's report is several lines.

Run: PYTHONPATH=src python scripts/library_choices_study.py [--repeats 5]
"""

from __future__ import annotations

import argparse
import time

import numpy as np


def _best(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def mesh_study(repeats: int) -> None:
    import spglib

    from kapitza.phonons import HarmonicCrystal
    from kapitza.phonons.modes import irreducible_mesh

    crystal = HarmonicCrystal.from_potential("Si", "sw", cache=True)
    rotations = np.asarray(crystal.reciprocal_rotations)
    # spglib takes the real-space rotations (lattice basis) and applies their inverse transpose to q itself;
    # handing it the reciprocal ones gives another group's orbits (orbits of 1, 1, 2 points where fcc has X's 3)
    real = np.rint(np.linalg.inv(rotations).transpose(0, 2, 1)).astype("intc")
    print(f"Si (Stillinger-Weber), {len(rotations)} reciprocal rotations")
    print(f"{'mesh':>8} {'n_ir ours':>10} {'n_ir spglib':>12} {'weights equal':>14} {'ours s':>9} {'spglib s':>9} "
          f"{'ratio':>6}")  # fmt: skip
    for n in (8, 16, 24, 32):
        mesh = (n, n, n)
        grid, weights, _ = irreducible_mesh(mesh, rotations)
        mapping, _ = spglib.get_stabilized_reciprocal_mesh(mesh, real, is_shift=[0, 0, 0], is_time_reversal=True)
        ir, counts = np.unique(mapping, return_counts=True)
        same = len(ir) == len(grid) and np.array_equal(np.sort(counts), np.sort(weights))
        ours = _best(lambda m=mesh: irreducible_mesh(m, rotations), repeats)
        theirs = _best(
            lambda m=mesh: spglib.get_stabilized_reciprocal_mesh(m, real, is_shift=[0, 0, 0], is_time_reversal=True),
            repeats,
        )
        ratio = ours / theirs
        print(f"{n:>5}^3 {len(grid):>10} {len(ir):>12} {str(same):>14} {ours:>9.4f} {theirs:>9.4f} {ratio:>6.1f}")


def formula_study() -> None:
    from ase.formula import Formula

    from kapitza.atomistic.prototypes import build
    from kapitza.atomistic.side import reduced_formula
    from kapitza.literature.crystals import CrystalDescription, crystal_for, crystal_names

    same = differ = 0
    for name in crystal_names():
        found = crystal_for(name)
        if not isinstance(found, CrystalDescription):
            continue
        symbols = build(found).get_chemical_symbols()
        ours = reduced_formula(symbols)
        ase = str(Formula.from_list(symbols).reduce()[0])
        if ours == ase:
            same += 1
        else:
            differ += 1
            print(f"  differ: {ours} (kapitza) vs {ase} (ASE)")
    print(f"reduced formula: {same} crystals of the crystal table the same, {differ} different")


def message_study() -> None:
    """A settings check's refusal: pydantic's ValidationError text beside kapitza's one line (the CLI prints its
    errors as one line after "kapitza: error:")."""
    import pydantic

    from kapitza.errors import InputError
    from kapitza.prediction.interlayer.layers import check_thickness

    class Film(pydantic.BaseModel):
        thickness_m: pydantic.confloat(gt=1e-10, le=1e-3)

    try:
        Film(thickness_m=1e-300)
    except pydantic.ValidationError as exc:
        text = str(exc)
        print(f"pydantic {pydantic.VERSION}: {len(text.splitlines())} lines, {len(text)} characters:")
        print("  " + "\n  ".join(text.splitlines()))
    try:
        check_thickness(1e-300, "Ti:1e-300nm")
    except InputError as exc:
        print(f"kapitza: 1 line, {len(str(exc))} characters:\n  {exc}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    mesh_study(args.repeats)
    formula_study()
    message_study()


if __name__ == "__main__":
    main()
