"""The AGF through a calculator (``kapitza agf ... --calculator NAME``): the Si|Ge comparison with the LAMMPS route, the
reach of CHGNet's force constants, and the cost and memory of an interface's force constants.

Run (each part a separate invocation):

  python benchmarks/mlip_agf.py --sige [--cache DIR]   # Si|Ge [001] on one geometry: SW through LAMMPS pair lines,
                                                       # the same SW as an ASE calculator (module:factory), CHGNet
                                                       # (Ge masses on Si, the SW model's own, and Ge atoms)
  python benchmarks/mlip_agf.py --decay                # CHGNet, bulk Si: largest force-constant block beyond r
  python benchmarks/mlip_agf.py --interface ATOMS      # CHGNet force constants of a Si|Ge interface cell of about
                                                       # ATOMS atoms: displaced structures, time per structure on a
                                                       # sample, peak RSS; the full time extrapolated (labelled);
                                                       # with --whole also the whole stage run and timed

The machine is shared: the load average is printed before and after; absolute times drift with the load.  Bulk
force constants of a 64-atom supercell: ``python benchmarks/mlip_phonons.py --one chgnet``.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
#: Si|Ge geometry of the comparison: kapitza's built-in SW Si|Ge (mass mismatch), a = 5.431 A on both sides (every
#: coordinate on extxyz's grid), 3 + 3 conventional periods along [001], 1x1 lateral cell (4 atoms per period).
SIGE = {"a": 5.431, "cells": (3, 3), "masses": (28.0855, 72.63)}


def load() -> str:
    return "load average " + ", ".join(f"{v:.2f}" for v in os.getloadavg())


def _sige_files(folder: Path) -> dict[str, Path]:
    """The comparison's structure files and the SW pair file in ``folder``."""
    from kapitza.atomistic.structure_file import write_structure
    from kapitza.atomistic.structures import build_interface

    built = build_interface(
        "Si", "Ge", "001", lattice_constants_angstrom=(SIGE["a"], SIGE["a"]), cells=SIGE["cells"], mass_only=True,
        masses_amu=SIGE["masses"],
    )  # fmt: skip
    mass = write_structure(built, folder / "sige-mass.extxyz")
    atoms = built.atoms.copy()
    symbols = np.where(np.asarray(built.side) == 1, "Ge", "Si").tolist()
    atoms.set_chemical_symbols(symbols)
    atoms.set_masses(built.atoms.get_masses())
    chemical = write_structure(
        dataclasses.replace(built, atoms=atoms, species=tuple(symbols)), folder / "sige-chemical.extxyz"
    )
    pair = folder / "sw.pair"
    pair.write_text("pair_style sw\npair_coeff * * Si.sw Si Si\n")
    return {"mass": mass, "chemical": chemical, "pair": pair}


def sige(cache: str | None) -> None:
    """G(300 K) of one Si|Ge geometry through four force sources, side by side."""
    if cache:
        os.environ["KAPITZA_CACHE_DIR"] = cache
    sys.path.insert(0, str(HERE.parent / "tests"))  # mlip_factories: SW through LAMMPS as an ASE calculator
    from kapitza.transmission.agf.run import run_agf

    common = {"kpoints": 4, "frequencies": 100, "temperature": [300.0], "check_broadening": False}
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        files = _sige_files(Path(tmp))
        runs = [
            ("SW, LAMMPS pair lines", {"structure": files["mass"], "pair": files["pair"]}),
            (
                "SW as an ASE calculator (module:factory)",
                {"structure": files["mass"], "calculator": "mlip_factories:lammps_sw_si", "force_range": 2 * 3.77118},
            ),  # fmt: skip
            (
                "SW as an ASE calculator, truncated at 5 A",
                {"structure": files["mass"], "calculator": "mlip_factories:lammps_sw_si", "force_range": 5.0},
            ),  # fmt: skip
            ("CHGNet, Si atoms with Ge masses (the SW model)", {"structure": files["mass"], "calculator": "chgnet"}),
            ("CHGNet, Ge atoms on side B", {"structure": files["chemical"], "calculator": "chgnet"}),
        ]
        print(load(), flush=True)
        for label, kwargs in runs:
            t0 = time.perf_counter()
            result, model = run_agf(**kwargs, **common)
            row = {
                "run": label,
                "G_two_probe_MW": float(result.conductance[0]) / 1e6,
                "G_intrinsic_MW": float(result.intrinsic[0]) / 1e6,
                "force_range_A": model.metadata.get("force_range_A"),
                "dropped": model.metadata.get("dropped_beyond_range"),
                "lead_mismatch": model.metadata.get("copied_lead_mismatch"),
                "seconds": time.perf_counter() - t0,
            }
            rows.append(row)
            print(json.dumps(row), flush=True)
    print(load())
    ref = rows[0]
    print(f"\n{'run':50s} {'G 2-probe':>10s} {'G intr.':>10s}  (MW m^-2 K^-1 at 300 K; ratio to SW LAMMPS)")
    for r in rows:
        print(
            f"{r['run']:50s} {r['G_two_probe_MW']:10.5g} {r['G_intrinsic_MW']:10.5g}  "
            f"{r['G_two_probe_MW'] / ref['G_two_probe_MW']:.4f} {r['G_intrinsic_MW'] / ref['G_intrinsic_MW']:.4f}"
        )


def decay() -> None:
    """CHGNet 0.3.0, bulk Si at its relaxed a (3x3x3 conventional, 216 atoms), one atom moved +-0.001 A along x:
    the largest block beyond each distance, as a fraction of the largest."""
    from ase.build import bulk

    from kapitza.atomistic.calculators import calculator_source

    source = calculator_source("chgnet")
    atoms = bulk("Si", "diamond", a=5.461, cubic=True).repeat((3, 3, 3))  # 5.461 A: CHGNet's relaxed Si
    step = 0.001
    plus, minus = atoms.copy(), atoms.copy()
    plus.positions[0, 0] += step
    minus.positions[0, 0] -= step
    print(load())
    t0 = time.perf_counter()
    f = source.forces([plus, minus])
    print(f"two 216-atom force calls: {time.perf_counter() - t0:.1f} s; {load()}")
    row = -(f[0] - f[1]) / (2 * step)
    dist = atoms.get_distances(0, range(len(atoms)), mic=True)
    top = np.abs(row).max()
    for r in (2.4, 3.9, 4.6, 5.5, 6.0, 7.1, 8.3, 9.0, 10.0):
        print(f"beyond {r:4.1f} A: largest block / largest = {np.abs(row[dist > r]).max() / top:.2e}")
    print(f"acoustic sum of the row / its self term: {np.abs(row.sum(axis=0)).max() / abs(row[0, 0]):.2e}")


def interface(atoms_wanted: int, sample: int, lateral: int | None = None, whole: bool = False) -> None:
    """The CHGNet force-constant stage of a Si|Ge [001] interface cell of about ``atoms_wanted`` atoms: the displaced
    structures it needs (exact: one atom of each orbit of the slab's in-plane translations, coloured), the time per
    structure measured on ``sample`` of them and the whole stage extrapolated from it (labelled as such); with
    ``whole``, the whole stage run (``lateral_force_constants``, no cache) and timed, and its blocks checked against
    the copies' symmetry."""
    from kapitza.atomistic.calculator_forces import (
        DEFAULT_FORCE_RANGE_ANGSTROM,
        DEFAULT_PADDING_ANGSTROM,
        CalculatorForceConstants,
    )
    from kapitza.atomistic.calculators import calculator_source
    from kapitza.atomistic.hessian import colours
    from kapitza.atomistic.structures import build_interface
    from kapitza.atomistic.translations import row_orbits
    from kapitza.transmission.agf.forceconstants import lateral_force_constants, required_repeat
    from kapitza.transmission.agf.partition import padded_slab, principal_layer_cells

    reach = DEFAULT_FORCE_RANGE_ANGSTROM
    best = None
    shapes = ((1, 1), (2, 2), (3, 3), (4, 4)) if lateral is None else ((lateral, lateral),)
    for shape in shapes:
        for n in range(1, 40):
            s = build_interface("Si", "Ge", "001", lattice_constants_angstrom=(5.431, 5.658), cells=(n, n),
                                lateral=shape)  # fmt: skip
            if len(s.atoms) >= atoms_wanted:
                break
        if best is None or abs(len(s.atoms) - atoms_wanted) < abs(len(best.atoms) - atoms_wanted):
            best = s
    s = best
    pl = principal_layer_cells(s, reach)
    slab, parts = padded_slab(s, pl, reach, padding=DEFAULT_PADDING_ANGSTROM)
    rows = np.concatenate([parts["U-1"], parts["U0"], parts["device"], parts["U1"], parts["U2"]])
    repeat = required_repeat(np.asarray(slab.cell)[:2], reach)
    supercell = slab.repeat((repeat[0], repeat[1], 1))
    orbits = row_orbits(supercell, rows)
    every = len(colours(supercell, 2.0 * reach + 1e-6, rows))
    groups = colours(supercell, 2.0 * reach + 1e-6, orbits.displaced, orbits.translations)  # as coloured_rows does
    n_structures = 6 * len(groups)
    print(
        f"{load()}\ninterface cell {len(s.atoms)} atoms ({s.cells[0]}+{s.cells[1]} periods, lateral "
        f"{s.description.get('lateral', '1x1')}); slab with lead copies {len(slab)}; lateral repeat {repeat} -> "
        f"{len(supercell)} atoms per displaced structure; {rows.size} row atoms, {len(orbits.translations)} in-plane "
        f"translations -> {orbits.displaced.size} displaced in {len(groups)} colours -> {n_structures} structures "
        f"(displacing every row atom: {every} colours, {6 * every} structures)",
        flush=True,
    )
    source = calculator_source("chgnet")
    fc = CalculatorForceConstants(source, force_range=reach, resume=False)  # timed: no colour's forces cached
    t0 = time.perf_counter()
    source.forces([supercell])  # the model's load and first call, apart
    first = time.perf_counter() - t0
    structures = []
    for k in range(sample):
        moved = supercell.copy()
        moved.positions[int(rows[k % rows.size]), k % 3] += 0.001
        structures.append(moved)
    t0 = time.perf_counter()
    source.forces(structures)
    per = (time.perf_counter() - t0) / sample
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    print(
        f"first call (model load + one structure): {first:.1f} s; {sample} structures: {per:.2f} s each "
        f"({1e3 * per / len(supercell):.1f} ms per atom); peak RSS {rss:.2f} GB\n"
        f"EXTRAPOLATION (not measured): the force-constant stage = {n_structures} x {per:.2f} s = "
        f"{n_structures * per / 60:.1f} min at this load; {load()}",
        flush=True,
    )
    if whole:
        from kapitza.transmission.agf import forceconstants

        built, walls = [], []
        for label, orbits_of in (("one atom of each orbit", row_orbits), ("every row atom", _every_row)):
            forceconstants.row_orbits = orbits_of  # the second run displaces every row atom (no copies)
            fc.calls = 0
            t0 = time.perf_counter()
            built.append(lateral_force_constants(slab, fc, force_range=reach, rows=rows, cache=False))
            walls.append(time.perf_counter() - t0)
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
            print(
                f"MEASURED, {label}: the whole force-constant stage (lateral_force_constants, no cache) "
                f"{walls[-1] / 60:.2f} min wall, {fc.calls} structures, {built[-1].displaced} atoms displaced, "
                f"{built[-1].i.size} blocks; peak RSS so far {rss:.2f} GB; {load()}",
                flush=True,
            )
        forceconstants.row_orbits = row_orbits
        sym, every = built
        a, b = (np.lexsort((f.translations[:, 1], f.translations[:, 0], f.j, f.i)) for f in (sym, every))
        same = np.array_equal(sym.i[a], every.i[b]) and np.array_equal(sym.j[a], every.j[b])
        diff = np.abs(sym.blocks[a] - every.blocks[b]).max() / np.abs(every.blocks).max() if same else np.nan
        print(
            f"ratio of wall times, every row atom / one of each orbit: {walls[1] / walls[0]:.2f}x; same blocks: "
            f"{same}; largest difference {diff:.2g} of the largest block (each displaced atom also sees CHGNet's "
            "response to the others of its colour beyond the range; see docs/physics/agf.md)"
        )
    del fc


def _every_row(atoms, rows):
    """Orbits of the identity alone: every row atom displaced."""
    from kapitza.atomistic.translations import row_orbits

    return row_orbits(atoms, rows, translations=np.arange(len(atoms))[None, :])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sige", action="store_true")
    parser.add_argument("--cache", help="the on-disk cache folder of --sige (default: a fresh one)")
    parser.add_argument("--decay", action="store_true")
    parser.add_argument("--interface", type=int, metavar="ATOMS")
    parser.add_argument("--sample", type=int, default=3, help="--interface: structures timed")
    parser.add_argument("--lateral", type=int, help="--interface: N x N conventional cells in the plane (default: the "
                        "shape whose atom count is nearest ATOMS)")  # fmt: skip
    parser.add_argument("--whole", action="store_true", help="--interface: also run and time the whole stage")
    args = parser.parse_args()
    if args.sige:
        if args.cache is None:
            with tempfile.TemporaryDirectory() as cache:
                sige(cache)
        else:
            sige(args.cache)
    elif args.decay:
        decay()
    elif args.interface:
        interface(args.interface, args.sample, args.lateral, args.whole)
    else:
        parser.print_help()


if __name__ == "__main__":
    main()
