"""A built-in potential's forces on a CUDA GPU against the CPU, side by side in one run (``$KAPITZA_MLIP_DEVICE``).

Run on a machine with a GPU (the [mlip] extra and torch with CUDA):

    python benchmarks/mlip_gpu.py [--potential sevennet-l3i5] [--repeats 2 4] [--json out.json]

For each size, wurtzite GaN (a = 3.189 A, c = 5.185 A, the lattice of ``kapitza agf GaN:wurtzite:a=3.189,c=5.185``)
repeated NxNxN with every atom moved by a seeded random 0.02 A (so that the forces are not zero by symmetry):

* the forces through ``calculator_source(NAME).forces`` with the potential on the CPU and on ``cuda``, the largest
  difference of any component (eV/A) against the largest force: the rule the cache relies on (the device is not part
  of the identity, so the two must agree to float32 round-off);
* the wall time of one call on each (the median of three after one warm-up call), their ratio, and the GPU's peak
  allocated memory (``torch.cuda.max_memory_allocated``).

The CPU's threads are torch's default on that machine (printed). Nothing here is a timed test.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time

import numpy as np


def _cell(n: int):
    from ase.build import bulk

    atoms = bulk("GaN", "wurtzite", a=3.189, c=5.185).repeat((n, n, n))
    rng = np.random.default_rng(7)
    atoms.positions += rng.normal(scale=0.02, size=atoms.positions.shape)
    return atoms


def _on(device: str, name: str, atoms) -> tuple[np.ndarray, float]:
    """Forces and the median wall time of three calls with the potential on ``device``."""
    from kapitza.atomistic import calculators

    os.environ[calculators.DEVICE_VARIABLE] = device
    source = calculators.calculator_source(name)
    source.forces([atoms])  # warm-up: the model's load and the first call's kernels
    times, forces = [], None
    for k in range(3):  # a copy moved by 1e-9 A: ASE's calculators return the last result for the same positions
        moved = atoms.copy()
        moved.positions[0, 0] += 1e-9 * (k + 1)
        t = time.perf_counter()
        source.forces([moved])
        times.append(time.perf_counter() - t)
    forces = source.forces([atoms])[0]
    return np.asarray(forces), statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--potential", default="sevennet-l3i5")
    ap.add_argument("--repeats", type=int, nargs="+", default=[2, 4])
    ap.add_argument("--json", default=None)
    args = ap.parse_args()
    import torch

    print(f"torch {torch.__version__}, {torch.get_num_threads()} CPU threads, GPU {torch.cuda.get_device_name(0)}")
    rows = []
    for n in args.repeats:
        atoms = _cell(n)
        cpu, t_cpu = _on("cpu", args.potential, atoms)
        torch.cuda.reset_peak_memory_stats()
        gpu, t_gpu = _on("cuda", args.potential, atoms)
        row = {
            "atoms": len(atoms),
            "max_abs_difference_eV_per_A": float(np.max(np.abs(cpu - gpu))),
            "max_force_eV_per_A": float(np.max(np.abs(cpu))),
            "cpu_s": t_cpu,
            "gpu_s": t_gpu,
            "cpu_over_gpu": t_cpu / t_gpu,
            "gpu_peak_gb": torch.cuda.max_memory_allocated() / 1e9,
        }
        rows.append(row)
        print(json.dumps(row), flush=True)
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"potential": args.potential, "rows": rows}, fh, indent=1)


if __name__ == "__main__":
    main()
