"""Phonons of any crystal from a universal machine-learned potential: cost, memory, the supercell rule, batching,
and a pair kapitza has never seen, end to end.

Run (each part is a separate invocation; the numbers of one are measured side by side in one run):

  python benchmarks/mlip_phonons.py                 # force constants of 64-atom Si (conventional 2x2x2) with chgnet
                                                    # and sevennet: wall time, peak RSS, the cached second call
  python benchmarks/mlip_phonons.py --convergence   # Si and Al2O3 frequencies, sound speeds and G_rad(300 K) against
                                                    # the supercell's smallest perpendicular width
  python benchmarks/mlip_phonons.py --batch         # CHGNet: six 64-atom supercells batched vs one by one
  python benchmarks/mlip_phonons.py --predict       # kapitza predict InP.cif Si --calculator chgnet, fresh cache

Each calculator runs in its own process (``--one NAME``) with a fresh cache, so its peak RSS (ru_maxrss) is its own and
its first call computes everything (model load, relaxation, displaced supercells, stability check); the second call
in the same process reads the cache, and a third, in a new process, is what a user's second command costs.  The
machine is shared: ``uptime`` is printed before and after; absolute times drift with the load.

InP: zinc blende, a = 5.8687 A at 300 K (Ioffe Institute, "Basic parameters of indium phosphide",
matprop.ru/InP_basic).  Al2O3: corundum, R-3c, a = 4.7605, c = 12.9956 A, Al 12c z = 0.35216, O 18e x = 0.30668
(L. Lutterotti and P. Scardi, J. Appl. Cryst. 23, 246 (1990), COD 1000032).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
INP_A = 5.8687  # A, Ioffe Institute
CORUNDUM = {"a": 4.7605, "c": 12.9956, "z_al": 0.35216, "x_o": 0.30668}  # Lutterotti & Scardi 1990


def uptime() -> str:
    return os.getloadavg().__repr__()


def _si_64(calculator: str, cache: bool = True) -> tuple[object, dict]:
    """Si (database structure) with the 2x2x2 conventional supercell; the time of each stage."""
    from kapitza.phonons.from_structure import crystal_phonons

    stages: dict[str, list[float]] = {}

    def progress(stage: str, done: int, total: int) -> None:
        stages.setdefault(stage, [time.perf_counter(), 0.0])[1] = time.perf_counter()

    start = time.perf_counter()
    found = crystal_phonons("Si", calculator, supercell=2, cache=cache, progress=progress)
    total = time.perf_counter() - start
    return found, {"total_s": total, **{k: v[1] - v[0] for k, v in stages.items()}}


def one(calculator: str) -> None:
    """Child process: load, first call, second call; JSON on stdout."""
    from kapitza.atomistic.calculators import calculator_source

    t0 = time.perf_counter()
    source = calculator_source(calculator)
    source.calculator()
    load = time.perf_counter() - t0
    found, first = _si_64(calculator)
    t1 = time.perf_counter()
    _si_64(calculator)
    second = time.perf_counter() - t1
    print(
        json.dumps(
            {
                "calculator": calculator,
                "load_s": load,
                "first": first,
                "second_s": second,
                "supercell_atoms": found.supercell_atoms,
                "gamma_optical_thz": float(found.crystal.frequencies(np.zeros((1, 3)))[0, -1] / (2e12 * np.pi)),
                "a_relaxed": found.relaxed_cell[0],
                "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            }
        )
    )


def cached_only(calculator: str) -> None:
    """Child process: one call that should find everything in the cache (a user's second command)."""
    t0 = time.perf_counter()
    _si_64(calculator)
    print(json.dumps({"cached_fresh_process_s": time.perf_counter() - t0}))


def _child(args: list[str], cache: str) -> dict:
    env = dict(os.environ, KAPITZA_CACHE_DIR=cache)
    start = time.perf_counter()
    out = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), *args], capture_output=True, text=True, env=env, check=True
    )
    doc = json.loads(out.stdout.strip().splitlines()[-1])
    doc["process_s"] = time.perf_counter() - start
    return doc


def force_constants() -> None:
    print(f"load average before: {uptime()}")
    rows = []
    for calculator in ("chgnet", "sevennet"):
        with tempfile.TemporaryDirectory() as cache:
            doc = _child(["--one", calculator], cache)
            doc |= _child(["--cached", calculator], cache)
        rows.append(doc)
    print(f"load average after: {uptime()}")
    print("\nforce constants of Si, 2x2x2 conventional supercell (64 atoms), from the database structure:")
    print(f"{'':24s}" + "".join(f"{r['calculator']:>14s}" for r in rows))
    for key, label in (
        ("load_s", "model load (s)"),
        (("first", "relaxation"), "relaxation (s)"),
        (("first", "displacements"), "displacements (s)"),
        (("first", "stability"), "stability check (s)"),
        (("first", "total_s"), "first call total (s)"),
        ("second_s", "second call, cached (s)"),
        ("cached_fresh_process_s", "cached, new process (s)"),
        ("maxrss_mb", "peak RSS (MB)"),
        ("a_relaxed", "relaxed a (A)"),
        ("gamma_optical_thz", "Gamma optical (THz)"),
    ):
        values = [r[key[0]].get(key[1], float("nan")) if isinstance(key, tuple) else r[key] for r in rows]
        print(f"{label:24s}" + "".join(f"{v:14.4g}" for v in values))
    print(
        f"ratio of first-call totals chgnet/sevennet: {rows[0]['first']['total_s'] / rows[1]['first']['total_s']:.3g}"
    )


def _corundum():
    from ase.spacegroup import crystal

    c = CORUNDUM
    return crystal(
        ["Al", "O"],
        basis=[(0, 0, c["z_al"]), (c["x_o"], 0, 0.25)],
        spacegroup=167,
        cellpar=[c["a"], c["a"], c["c"], 90, 90, 120],
    )


def convergence(calculator: str, skip_largest: bool) -> None:
    """Frequencies at fixed reduced q-points, Debye-equivalent speeds and the radiation conductance at 300 K against
    the supercell; changes relative to the largest supercell."""
    from ase import Atoms

    from kapitza import landauer
    from kapitza.phonons.derived_record import sound_speeds
    from kapitza.phonons.from_structure import crystal_phonons
    from kapitza.phonons.full_dispersion import full_dispersion_spectrum
    from kapitza.phonons.supercell_plan import perpendicular_widths
    from kapitza.transmission import radiation_limit

    print(f"load average before: {uptime()}")
    cases = {
        "Si": ("Si", [(1, 1, 1), (2, 2, 2), (3, 3, 3), (4, 4, 4)]),
        "Al2O3": (_corundum(), [(1, 1, 1), (2, 2, 1), (3, 3, 1), (4, 4, 1)]),
    }
    q = np.array(
        [[0.5, 0.5, 0.0], [0.5, 0.5, 0.5], [0.5, 0.0, 0.0], [0.3, 0.0, 0.0], [0.2, 0.2, 0.2], [0.15, 0.3, 0.0]]
    )
    for name, (side, supercells) in cases.items():
        if skip_largest:
            supercells = supercells[:-1]
        relaxed = crystal_phonons(side, calculator, supercell=1)
        unit = relaxed.crystal.phonopy.unitcell
        atoms = Atoms(numbers=unit.numbers, cell=unit.cell, scaled_positions=unit.scaled_positions, pbc=True)
        atoms.set_masses(unit.masses)
        print(f"\n{name} ({relaxed.spacegroup}, {len(atoms)}-atom conventional cell, relaxed with {calculator}):")
        results = []
        for n in supercells:
            t0 = time.perf_counter()
            found = crystal_phonons(atoms, calculator, relax=False, supercell=n, name=name)
            elapsed = time.perf_counter() - t0
            freqs = found.crystal.frequencies(q) / (2e12 * np.pi)
            gamma = found.crystal.frequencies(np.zeros((1, 3)))[0] / (2e12 * np.pi)
            speeds = sound_speeds(found.crystal)
            spectrum = full_dispersion_spectrum(found.crystal, mesh=12)
            g = landauer.conductance(radiation_limit(spectrum, spectrum), [300.0]).conductance[0]
            width = perpendicular_widths(np.asarray(unit.cell) * np.array(n)[:, None]).min()
            results.append((n, width, found.supercell_atoms, elapsed, freqs, gamma, speeds, g))
        ref = results[-1]
        print(f"{'supercell':>10s} {'min width A':>12s} {'atoms':>6s} {'time s':>8s} {'max |dw|/w q-pts':>17s} "
              f"{'Gamma opt dw/w':>15s} {'v_l, v_t dv/v':>16s} {'G_rad(300K) dG/G':>17s}")  # fmt: skip
        for n, width, atoms_n, elapsed, freqs, gamma, speeds, g in results:
            dq = np.abs(freqs - ref[4])[freqs > 0.5].max() / ref[4].max()
            dg = np.abs(gamma[3:] - ref[5][3:]).max() / ref[5].max() if len(gamma) > 3 else 0.0
            dv = np.abs(np.array(speeds) / np.array(ref[6]) - 1)
            print(
                f"{'x'.join(map(str, n)):>10s} {width:12.2f} {atoms_n:6d} {elapsed:8.1f} {dq:17.2e} {dg:15.2e} "
                f"{dv[0]:8.1e},{dv[1]:8.1e} {abs(g / ref[7] - 1):17.2e}"
            )
        print("frequencies (THz) at q =", q.tolist(), "of the largest supercell:")
        print(np.round(ref[4], 3))
    print(f"load average after: {uptime()}")


def batch() -> None:
    """CHGNet's predict_structure on six 64-atom displaced Si supercells: one batch vs one by one (best of 3)."""
    from ase.build import bulk
    from pymatgen.io.ase import AseAtomsAdaptor

    from kapitza.atomistic.calculators import calculator_source, quiet

    model = calculator_source("chgnet").calculator().model
    base = bulk("Si", "diamond", a=5.461, cubic=True) * (2, 2, 2)
    structures = []
    for i in range(6):
        b = base.copy()
        b.positions[i, i % 3] += 0.001
        structures.append(AseAtomsAdaptor.get_structure(b))
    print(f"load average before: {uptime()}")
    times: dict[str, list[float]] = {"batched": [], "serial": []}
    with quiet():
        for _ in range(3):
            t0 = time.perf_counter()
            model.predict_structure(structures, task="ef", batch_size=6)
            times["batched"].append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            for s in structures:
                model.predict_structure(s, task="ef")
            times["serial"].append(time.perf_counter() - t0)
    print(f"load average after: {uptime()}")
    b, s = min(times["batched"]), min(times["serial"])
    print(f"six 64-atom Si supercells, CHGNet forces: batched {b:.2f} s, one by one {s:.2f} s, ratio {b / s:.3g}")


def predict() -> None:
    """``kapitza predict InP.cif Si --calculator chgnet`` as a new user runs it: a CIF written by ASE, fresh cache."""
    from ase.build import bulk
    from ase.io import write

    with tempfile.TemporaryDirectory() as work:
        path = Path(work) / "InP.cif"
        write(path, bulk("InP", "zincblende", a=INP_A))
        env = dict(os.environ, KAPITZA_CACHE_DIR=str(Path(work) / "cache"))
        command = [sys.executable, "-m", "kapitza", "predict", "InP.cif", "Si", "--calculator", "chgnet"]
        print(f"load average before: {uptime()}")
        for label in ("first run", "second run (cached)"):
            t0 = time.perf_counter()
            out = subprocess.run(command, capture_output=True, text=True, env=env, cwd=work)
            elapsed = time.perf_counter() - t0
            print(f"\n{label}: exit {out.returncode}, {elapsed:.1f} s wall")
            if label == "first run":
                print(out.stdout)
                print(out.stderr[-2000:])
        print(f"load average after: {uptime()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--convergence", action="store_true")
    parser.add_argument("--skip-largest", action="store_true", help="--convergence without the largest supercells")
    parser.add_argument("--batch", action="store_true")
    parser.add_argument("--predict", action="store_true")
    parser.add_argument("--calculator", default="chgnet")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--cached", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        one(args.one)
    elif args.cached:
        cached_only(args.cached)
    elif args.convergence:
        convergence(args.calculator, args.skip_largest)
    elif args.batch:
        batch()
    elif args.predict:
        predict()
    else:
        force_constants()


if __name__ == "__main__":
    main()
