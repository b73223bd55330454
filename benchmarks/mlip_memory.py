"""Memory of the built-in universal potentials: resident once loaded, and working memory of one force call.

Run: python benchmarks/mlip_memory.py                 (a few cases: minutes)
     python benchmarks/mlip_memory.py --all           (the cases behind calculator_forces.FOOTPRINTS)
     python benchmarks/mlip_memory.py --cases chgnet:Cu:4,sevennet:Si:3
     python benchmarks/mlip_memory.py --cases sevennet-l3i5:Cu:4,sevennet-l3i5+d3:Cu:4   (D3 added: NAME's count)
     python benchmarks/mlip_memory.py --phonons [NAME:SIDE,...]   (whole crystals: the stated memory checked)
     python benchmarks/mlip_memory.py --elastic [NAME:SIDE,...]   (kapitza elastic: the stated memory checked)

Each case runs in a child process of its own: it imports kapitza, numpy, scipy and ase, loads the potential
(``calculator_source(NAME).calculator()``) and computes the forces of one bulk supercell (the crystal's conventional
cell repeated N x N x N; for CHGNet as many copies as its batches pack) through ``CalculatorSource.forces``, the
call the AGF's force constants make.  From
``VmHWM`` (the process's peak resident memory, /proc) before and after the load and after the call it prints the
resident memory of the model and the working memory of the call, the call's neighbour pairs within the model's
cutoff and bond angles (CHGNet), and beside them what ``kapitza.atomistic.calculator_forces.FOOTPRINTS`` counts for
that supercell and the ratio measured / counted (the statement needs it <= 1).

``--phonons`` runs ``kapitza.phonons.crystal_phonons(SIDE, NAME)`` (relaxation, the default supercell's force
constants, the stability check) in a fresh child process with an empty cache, and prints the peak resident memory
of the child (``ru_maxrss``, read by a wrapper that runs nothing else) beside the memory the result states
(``StructurePhonons.memory_gb``, :func:`kapitza.phonons.supercell_plan.supercell_memory`): stated / peak must be at
least 1 and at most 2.  ``--elastic`` does the same for ``kapitza.phonons.elastic.crystal_elastic_constants(SIDE,
NAME)`` (relaxation and twelve strained cells of the conventional cell; ``CrystalElasticConstants.memory_gb``,
:func:`kapitza.phonons.elastic.elastic_memory`).

Memory is taken on a shared machine; the load average is printed before and after.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

#: (potential, crystal, N): the cases of FOOTPRINTS' fit.
ALL = [
    *[("chgnet", c, n) for c, n in (("Si", 5), ("Si", 4), ("Ge", 5), ("Cu", 5), ("Fe", 6), ("NaCl", 4))],
    ("chgnet-r2scan", "Si", 5),
    *[("sevennet", c, n) for c, n in (("Si", 5), ("Si", 4), ("Si", 3), ("Cu", 5), ("Fe", 6), ("NaCl", 4))],
    *[("sevennet-l3i5", c, n) for c, n in (("Si", 4), ("Si", 3), ("Cu", 4), ("Fe", 5), ("NaCl", 3))],
]
QUICK = [("chgnet", "Si", 3), ("chgnet", "Cu", 3), ("sevennet", "Si", 3)]

#: Conventional cells (ASE's ``bulk``), lattice constants in A: near the measured room-temperature values.
CRYSTALS = {
    "Si": ("diamond", 5.43),
    "Ge": ("diamond", 5.66),
    "Cu": ("fcc", 3.61),
    "Fe": ("bcc", 2.87),
    "NaCl": ("rocksalt", 5.64),
}

CHILD = r"""
import json, sys
def hwm():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM"):
            return int(line.split()[1]) * 1024
name, crystal, n, structure, a = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], float(sys.argv[5])
import numpy, scipy, ase
from ase.build import bulk
from kapitza.atomistic.calculator_forces import FOOTPRINTS, CalculatorForceConstants
from kapitza.atomistic.calculators import calculator_source
before = hwm()
source = calculator_source(name)
source.calculator()
loaded = hwm()
atoms = bulk(crystal, structure, a, cubic=True).repeat((n, n, n))
counted = CalculatorForceConstants(source).memory(atoms)
batch = FOOTPRINTS[name.removesuffix('+d3')].batch_atoms  # NAME+d3: NAME's footprint (and D3's own memory)
copies = max(1, batch // len(atoms)) if batch else 1  # as many as the AGF's calls pack into one batch
source.forces([atoms] * copies)
out = {"atoms": copies * len(atoms), "before": before, "loaded": loaded, "after": hwm(), "counted": counted}
print(json.dumps(out))
"""


#: (potential, side) of --phonons: a small and a dense crystal with the default potential, one with CHGNet.
PHONONS = [("sevennet-l3i5", "Si"), ("sevennet-l3i5", "Cu"), ("chgnet", "Si")]

#: (potential, side) of --elastic: the default potential on a small cell and on corundum's 30 atoms.
ELASTIC = [("sevennet-l3i5+d3", "Si"), ("sevennet-l3i5+d3", "Ti"), ("sevennet-l3i5+d3", "Al2O3")]

#: What the child of --phonons and --elastic runs (argv: NAME SIDE): it prints the stated GB and the atoms.
CHILDREN = {
    "phonons": "import sys\nfrom kapitza.phonons.from_structure import crystal_phonons\n"
    "f = crystal_phonons(sys.argv[2], sys.argv[1])\nprint(f.memory_gb, f.supercell_atoms)",
    "elastic": "import sys\nfrom kapitza.phonons.elastic import crystal_elastic_constants\n"
    "f = crystal_elastic_constants(sys.argv[2], sys.argv[1])\nprint(f.memory_gb, f.atoms)",
}

PHONONS_WRAPPER = r"""
import json, os, resource, subprocess, sys, tempfile, time
child = sys.argv[3]
with tempfile.TemporaryDirectory() as cache:
    t = time.perf_counter()
    r = subprocess.run([sys.executable, "-c", child, sys.argv[1], sys.argv[2]], capture_output=True, text=True,
                       env={**os.environ, "KAPITZA_CACHE_DIR": cache})
    wall = time.perf_counter() - t
if r.returncode != 0:
    print(json.dumps({"error": (r.stderr.strip().splitlines() or ["?"])[-1]}))
else:
    stated, atoms = r.stdout.split()[-2:]
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    print(json.dumps({"stated": float(stated) * 1e9, "atoms": int(atoms), "peak": peak, "wall": wall}))
"""


def phonons(name: str, side: str, kind: str = "phonons") -> None:
    """One whole crystal in a fresh child process: the stated memory beside the child's peak."""
    out = subprocess.run([sys.executable, "-c", PHONONS_WRAPPER, name, side, CHILDREN[kind]], capture_output=True,
                         text=True)  # fmt: skip
    r = json.loads(out.stdout.strip().splitlines()[-1]) if out.returncode == 0 else {"error": out.stderr[-300:]}
    if "error" in r:
        print(f"{name:14s} {side:8s} failed: {r['error']}")
        return
    print(
        f"{name:14s} {side:8s} {r['atoms']:4d} atoms  stated {r['stated'] / 1e9:5.2f} GB  peak "
        f"{r['peak'] / 1e9:5.2f} GB  stated/peak {r['stated'] / r['peak']:.2f}  ({r['wall']:.0f} s)",
        flush=True,
    )


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def run(name: str, crystal: str, n: int) -> None:
    structure, a = CRYSTALS[crystal]
    out = subprocess.run(
        [sys.executable, "-c", CHILD, name, crystal, str(n), structure, str(a)],
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        print(f"{name:14s} {crystal:5s} failed: {out.stderr.strip().splitlines()[-1]}")
        return
    r = json.loads(out.stdout.strip().splitlines()[-1])
    resident, work = r["loaded"] - r["before"], r["after"] - r["loaded"]
    c = r["counted"]
    print(
        f"{name:14s} {crystal:5s} {r['atoms']:5d} atoms  resident {resident / 1e6:6.0f} MB (counted "
        f"{c['resident'] / 1e6:4.0f}, ratio {resident / c['resident']:.2f})  work {work / 1e6:6.0f} MB "
        f"({work / r['atoms'] / 1e6:5.2f} MB/atom; counted {c['work'] / 1e6:6.0f}, ratio {work / c['work']:.2f})",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--all", action="store_true", help="every case behind FOOTPRINTS (about 10 minutes)")
    parser.add_argument("--cases", default=None, help="NAME:CRYSTAL:N,... e.g. chgnet:Cu:4")
    parser.add_argument(
        "--phonons", nargs="?", const="", default=None, help="whole crystals, NAME:SIDE,... (default: a few)"
    )
    parser.add_argument(
        "--elastic", nargs="?", const="", default=None, help="kapitza elastic, NAME:SIDE,... (default: a few)"
    )
    args = parser.parse_args()
    for kind, given, default in (("phonons", args.phonons, PHONONS), ("elastic", args.elastic, ELASTIC)):
        if given is None:
            continue
        chosen = [tuple(c.split(":", 1)) for c in given.split(",")] if given else default
        print(f"load average before: {load()}")
        for name, side in chosen:
            phonons(name, side, kind)
        print(f"load average after: {load()}")
        return
    if args.cases:
        cases = [(p[0], p[1], int(p[2])) for p in (c.split(":") for c in args.cases.split(","))]
    else:
        cases = ALL if args.all else QUICK
    print(f"load average before: {load()}")
    for case in cases:
        run(*case)
    print(f"load average after: {load()}")


if __name__ == "__main__":
    main()
