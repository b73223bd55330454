"""Interface force constants where the interface is (``kapitza agf A B --calculator NAME``, ``--interface-fc``): the
local route against the all-atom route, their cost, and the memory of a 500-atom interface cell.

Run (each part a separate invocation; the machine is shared: the load average is printed before and after):

  python benchmarks/agf_interface_fc.py --parity [--atoms 512]
      Two pairs with potentials that have a true cutoff, through ASE, both routes end to end (``run_agf``, a fresh
      cache each): SW silicon | SW silicon with germanium's mass (the SW Si | Ge mass-mismatch model; a structure file
      for side B), in a [001] cell of about ATOMS atoms (2x2 conventional cells in the plane, 8 + 8 periods for 512),
      and the metal pair Cu | Ni with LAMMPS's CuNi.eam.alloy (default cells).  Prints G(300 K) of each route, their
      relative difference, the wall time of each run and the calculator's calls.
  python benchmarks/agf_interface_fc.py --calculator NAME --atoms 512 [--sample K] [--whole] [--reach A]
      A Si | Ge [001] interface cell of about ATOMS atoms (recorded lattice constants 5.431 and 5.658 A, strained
      into the common cell, not relaxed) through the built-in potential NAME: the memory each route states before
      any force (``calculator_route.force_constant_memory`` plus the model's resident memory), the displaced atoms
      and structures of each route, the time of K structures of each route's largest stage and the stage
      extrapolated from it (labelled); with ``--whole`` the local route's force constants computed (no cache) and
      timed, with the process's peak resident memory (``ru_maxrss``); ``--routes local`` times that route alone
      (the peak of a process is its largest structure's).
  python benchmarks/agf_interface_fc.py --compare NAME [--reach A]
      A small Si | Ge [001] cell (3 + 3 periods, 1x1 conventional) through NAME: the local route (interface reach A,
      default two periods) against the all-atom route: the seam record, the largest difference of the models, the
      transmission summed over 24 frequencies and 2x2 k points; the wall time of each.

Measured (2026-11-26, the shared 2-core machine; see the report of this work for the numbers of each run).
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
SW = "mlip_factories:lammps_sw_si"
SW_RANGE = 2 * 3.77118
EAM = "mlip_factories:lammps_eam_cuni"
#: CuNi.eam.alloy's cutoff is 6.394 A (its header); an EAM row reaches twice it (two atoms embedded at a common one).
EAM_RANGE = 2 * 6.394332378


def load() -> str:
    return "load average " + ", ".join(f"{v:.2f}" for v in os.getloadavg())


def rss_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


def _fresh_cache() -> None:
    os.environ["KAPITZA_CACHE_DIR"] = tempfile.mkdtemp(prefix="kapitza-bench-")


def _shape(atoms: int, lateral: int = 2) -> tuple[int, int]:
    """(lateral N, periods a side) of the Si | Ge [001] cell of N x N conventional cells in the plane (8 atoms a
    period each) nearest ``atoms``: 2x2 and 8 + 8 periods for 512 (the displaced atoms then one of each orbit of the
    cell's in-plane translations)."""
    return lateral, max(1, round(atoms / (2 * 8 * lateral * lateral)))


def parity(atoms: int) -> None:
    """G(300 K) of both routes on the SW Si | Ge mass model and on Cu | Ni (EAM)."""
    sys.path.insert(0, str(HERE.parent / "tests"))
    from ase.build import bulk
    from ase.io import write

    from kapitza.transmission.agf.run import run_agf

    lateral, periods = _shape(atoms)
    folder = Path(tempfile.mkdtemp())
    heavy = bulk("Si", "diamond", a=5.431, cubic=True)
    heavy.set_masses([72.63] * len(heavy))
    write(folder / "heavy-si.extxyz", heavy, format="extxyz")
    common = {"kpoints": 2, "frequencies": 100, "check_broadening": False, "temperature": [300.0]}
    cases = [
        ("SW Si | Si with Ge's mass", "Si", str(folder / "heavy-si.extxyz"),
         {"calculator": SW, "force_range": SW_RANGE, "cells": (periods, periods), "lateral": (lateral, lateral)}),
        ("EAM Cu | Ni (CuNi.eam.alloy)", "Cu", "Ni", {"calculator": EAM, "force_range": EAM_RANGE, "max_strain": 0.03}),
    ]  # fmt: skip
    print(load(), flush=True)
    for label, left, right, extra in cases:
        found = {}
        for route in ("all", "local"):
            _fresh_cache()
            t0 = time.perf_counter()
            result, model = run_agf(left, right, interface_fc=route, **extra, **common)
            wall = time.perf_counter() - t0
            found[route] = result
            md = model.metadata
            local = md.get("interface_force_constants", {})
            print(
                f"{label}, {route}: G(300 K) {result.conductance[0] / 1e6:.10g} MW m^-2 K^-1, intrinsic "
                f"{result.intrinsic[0] / 1e6:.10g}; {wall:.1f} s wall (relaxation, force constants, AGF); "
                f"{len(result.settings.get('crystals', []))} crystals; model atoms {model.masses.size}"
                + (f"; local: {local['displaced_rows']} rows displaced ({local['displaced_atoms']} atoms), "
                   f"{local['bulk_rows']} from the bulk, seam {local['seam_asymmetry']:.2g}, correction "
                   f"{local['sum_rule_correction']:.2g}" if local else ""),
                flush=True,
            )  # fmt: skip
        g = [found[r].conductance[0] for r in ("all", "local")]
        gi = [found[r].intrinsic[0] for r in ("all", "local")]
        print(f"{label}: local / all - 1 = {g[1] / g[0] - 1:.3g} (two-probe), {gi[1] / gi[0] - 1:.3g} (intrinsic)")
    print(load())


def _structure(atoms: int):
    from ase.build import bulk

    from kapitza.atomistic.stacking import stack_crystals
    from kapitza.atomistic.structures import repeat_lateral

    lateral, periods = _shape(atoms)
    s = stack_crystals(bulk("Si", "diamond", a=5.431, cubic=True), bulk("Ge", "diamond", a=5.658, cubic=True),
                       normal=(0, 0, 1), cells=(periods, periods), max_strain=0.03, seed=0)  # fmt: skip
    return repeat_lateral(s, (lateral, lateral)) if lateral > 1 else s


def cost(name: str, atoms: int, sample: int, whole: bool, reach: float | None, routes: tuple[str, ...]) -> None:
    """The memory statement, the displaced structures and the time of a 500-atom cell's force constants."""
    from kapitza.atomistic.calculator_forces import DEFAULT_FORCE_RANGE_ANGSTROM, CalculatorForceConstants
    from kapitza.atomistic.calculators import calculator_source
    from kapitza.atomistic.hessian import colours
    from kapitza.atomistic.translations import row_orbits
    from kapitza.transmission.agf import inputs
    from kapitza.transmission.agf.calculator_route import force_constant_memory
    from kapitza.transmission.agf.forceconstants import required_repeat
    from kapitza.transmission.agf.local_fc import bulk_column, interface_reach, local_rows, zone_slab
    from kapitza.transmission.agf.partition import padded_slab, principal_layer_cells

    f = DEFAULT_FORCE_RANGE_ANGSTROM
    s = _structure(atoms)
    source = calculator_source(name)
    fc = CalculatorForceConstants(source, force_range=f, resume=False)
    reach = interface_reach(name, f, reach)
    pl = principal_layer_cells(s, f)
    slab, parts = padded_slab(s, pl, f, padding=fc.padding)
    rows = np.concatenate([parts[k] for k in ("U-1", "U0", "device", "U1", "U2")])
    near = local_rows(s, slab, parts, reach)
    sub, index = zone_slab(slab, near, f, fc.padding)
    where = -np.ones(len(slab), dtype=np.int64)
    where[index] = np.arange(index.size)
    far_sides = set(np.asarray(s.side)[parts["source"][np.setdiff1d(rows, near)]].tolist())
    columns = [bulk_column(s, k, f)[:2] for k in sorted(far_sides)]
    stages = {"all": [(slab, rows)], "local": [(sub, where[near]), *columns]}
    print(f"{load()}\n{name}: Si | Ge [001] cell of {len(s.atoms)} atoms ({s.cells[0]} + {s.cells[1]} periods), "
          f"principal layers {pl}, force range {f} A, interface reach {reach:g} A; the padded slab {len(slab)} atoms, "
          f"the interface zone's part of it {len(sub)}", flush=True)  # fmt: skip
    plan = {}
    for route, parts_of in stages.items():
        need = force_constant_memory(s, fc, pl, f, interface_reach=reach if route == "local" else None)
        structures, biggest = 0, None
        for atoms_of, wanted in parts_of:
            if wanted.size == 0:
                continue
            rep = required_repeat(np.asarray(atoms_of.cell)[:2], f)
            sup = atoms_of.repeat((rep[0], rep[1], 1))
            orbits = row_orbits(sup, wanted)
            shown = orbits.displaced
            n = 6 * len(colours(sup, 2 * f + 1e-6, shown, orbits.translations))  # as coloured_rows displaces them
            structures += n
            biggest = max(biggest or (0, None, 0), (len(sup), sup, n), key=lambda t: t[0])
        sizes = inputs.structure_sizes((0, 0))
        stated = (
            inputs.LIBRARY_BYTES
            + need.resident
            + inputs.build_bytes(
                sizes, need.supercell_atoms, need.row_atoms, "finite-difference", need.displaced + need.work
            )
        )
        plan[route] = (structures, biggest)
        dense = 72 * need.row_atoms * need.supercell_atoms
        print(f"{route}: {structures} displaced structures (largest stage: {biggest[2]} of {biggest[0]} atoms); "
              f"stated peak resident memory {stated / 1e9:.2f} GB (libraries {inputs.LIBRARY_BYTES / 1e9:.2f}, model "
              f"{need.resident / 1e9:.2f}, one force call {need.work / 1e9:.2f}, rows {dense / 1e9:.2f})",
              flush=True)  # fmt: skip
    if sample:
        t0 = time.perf_counter()
        source.forces([plan[routes[-1]][1][1]])
        first = time.perf_counter() - t0
        for route in routes:
            sup = plan[route][1][1]
            moved = []
            for k in range(sample):
                m = sup.copy()
                m.positions[k % len(m), k % 3] += 0.001
                moved.append(m)
            t0 = time.perf_counter()
            source.forces(moved)
            per = (time.perf_counter() - t0) / sample
            print(f"{route}: {per:.1f} s a structure of {len(sup)} atoms (first call with the model's load "
                  f"{first:.1f} s); EXTRAPOLATION (not measured): the largest stage {plan[route][1][2] * per / 60:.1f} "
                  f"min; peak RSS so far {rss_gb():.2f} GB; {load()}", flush=True)  # fmt: skip
    if whole:
        from kapitza.transmission.agf.local_fc import local_force_constants

        t0 = time.perf_counter()
        found = local_force_constants(s, slab, parts, fc, force_range=f, reach=reach, displacement_angstrom=0.001,
                                      cache=False)  # fmt: skip
        print(f"MEASURED, local route: {(time.perf_counter() - t0) / 60:.2f} min wall, {fc.calls} structures, seam "
              f"{found.seam.asymmetry:.2g}, correction {found.seam.correction:.2g}; peak RSS {rss_gb():.2f} GB; "
              f"{load()}", flush=True)  # fmt: skip


def compare(name: str, reach: float | None) -> None:
    """The local route against the all-atom route through a learned potential on a small cell."""
    from ase.build import bulk

    from kapitza.atomistic.calculator_forces import CalculatorForceConstants
    from kapitza.atomistic.calculators import calculator_source
    from kapitza.atomistic.stacking import stack_crystals
    from kapitza.transmission.agf.local_fc import local_interface_model
    from kapitza.transmission.agf.partition import interface_model
    from kapitza.transmission.agf.solver import transmission

    _fresh_cache()
    s = stack_crystals(bulk("Si", "diamond", a=5.431, cubic=True), bulk("Ge", "diamond", a=5.658, cubic=True),
                       normal=(0, 0, 1), cells=(3, 3), max_strain=0.03, seed=0)  # fmt: skip
    source = CalculatorForceConstants(calculator_source(name), resume=False)
    reach = 10.9 if reach is None else reach
    print(load(), flush=True)
    t0 = time.perf_counter()
    every = interface_model(s, source, pl_cells=1, force_range=5.0, displacement_angstrom=0.001)
    t1 = time.perf_counter()
    calls = source.calls
    local = local_interface_model(s, source, pl_cells=1, force_range=5.0, reach=reach, displacement_angstrom=0.001)
    t2 = time.perf_counter()
    record = local.metadata["interface_force_constants"]
    scale = max(abs(m).max() for m in every.matrices)
    diff = max(abs(a - b).max() for a, b in zip(every.matrices, local.matrices)) / scale
    omega = np.linspace(0.5, 45.0, 24) * 1e12
    xi = [transmission(m, omega, (2, 2), eta=1e-6).xi.reshape(omega.size, -1).sum(axis=1) for m in (every, local)]
    print(f"{name}, Si | Ge 3 + 3 periods: all-atom {t1 - t0:.0f} s ({calls} structures), local {t2 - t1:.0f} s "
          f"({source.calls - calls} structures, reach {reach:g} A: {record['displaced_rows']} rows displaced, "
          f"{record['bulk_rows']} from the bulk); seam {record['seam_asymmetry']:.2g}, correction "
          f"{record['sum_rule_correction']:.2g}; largest model difference {diff:.2g} of the largest element; summed "
          f"transmission {np.abs(xi[1] - xi[0]).sum() / np.abs(xi[0]).sum():.3g} apart (relative L1); the all-atom "
          f"leads' copied mismatch {every.metadata.get('copied_lead_mismatch')}; {load()}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--parity", action="store_true")
    parser.add_argument("--calculator")
    parser.add_argument("--compare", metavar="NAME")
    parser.add_argument("--atoms", type=int, default=512)
    parser.add_argument("--sample", type=int, default=0, help="--calculator: structures timed")
    parser.add_argument("--whole", action="store_true", help="--calculator: compute the local route's stage")
    parser.add_argument("--reach", type=float, help="the interface reach, A (default the potential's)")
    parser.add_argument(
        "--routes",
        default="all,local",
        help="--calculator --sample: the routes timed (a process's "
        "peak memory is its largest structure's: time one route alone to measure its own)",
    )
    args = parser.parse_args()
    if args.parity:
        parity(args.atoms)
    elif args.calculator:
        _fresh_cache()
        cost(args.calculator, args.atoms, args.sample, args.whole, args.reach, tuple(args.routes.split(",")))
    elif args.compare:
        compare(args.compare, args.reach)
    else:
        parser.print_help()


if __name__ == "__main__":
    main()
