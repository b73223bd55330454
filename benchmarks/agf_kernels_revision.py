"""The AGF kernels of this tree against those of another git revision, on numpy: time ratio and difference.

Run: python benchmarks/agf_kernels_revision.py [--against REV] [--sizes 1,2] [--repeats 5]

The kernels module of ``REV`` (default ``main``) is loaded from git beside this tree's
(``kapitza.transmission.agf.kernels``), and both run the same work in turn, in every repeat (best of; which goes
first alternates), with one BLAS thread, on SW Si | Ge [001] N x N cross-sections (two intermixed planes each
side, one k point, frequencies across the band in one stack): both leads' self-energies by decimation and by
Bloch modes (reduction included), the device recursion with the Caroli trace, and both leads' channel counts.
It prints the CPU time of this process per stack (``time.process_time``: on a shared machine the wall time
mostly measures the other users) of each and their ratio (this tree / REV), and the largest |difference| of
the results relative to their largest entry (0 means bit for bit the same).  Written for the array-backend
change (kapitza._backend): its numpy path must compute what it did, as fast.
"""

from __future__ import annotations

import argparse
import importlib.util
import subprocess
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

from kapitza.atomistic.potentials import get_potential
from kapitza.atomistic.structures import build_interface
from kapitza.transmission.agf import interface_model, kernels, lead_max_frequency

ROOT = Path(__file__).resolve().parents[1]
KERNELS = "src/kapitza/transmission/agf/kernels.py"


def load_revision(rev: str):
    """The kernels module of git revision ``rev``, as ``kapitza.transmission.agf.kernels_at_rev`` (its relative
    imports resolve inside this tree's package)."""
    source = subprocess.run(["git", "show", f"{rev}:{KERNELS}"], cwd=ROOT, check=True, capture_output=True).stdout
    folder = Path(tempfile.mkdtemp(prefix="kernels_rev_"))
    path = folder / "kernels_at_rev.py"
    path.write_bytes(source)
    name = "kapitza.transmission.agf.kernels_at_rev"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def model_of(n: int):
    structure = build_interface(
        "Si",
        "Ge",
        "001",
        lattice_constants_angstrom=(5.431, 5.431),
        cells=(4, 4),
        lateral=(n, n),
        mass_only=True,
        masses_amu=(28.0855, 72.63),
        mixing_layers=2,
        seed=29,
    )
    return interface_model(structure, get_potential("sw", ["Si"]), pl_cells=2)


def work(k, z, blocks, method, sigmas=None):
    """One stack's kernel work of module ``k``: returns the arrays to compare."""
    left, device, right = blocks
    if method == "counts":
        return [k.propagating_channels(z.real, x) for x in (left, right)]
    if method == "device":
        return [k.caroli(z, device, *sigmas)]
    sl, sr = k.self_energy(z, left, method), k.self_energy(z, right, method)
    return [sl.sigma, sr.sigma]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", default="main", help="git revision of the kernels to compare with")
    parser.add_argument("--sizes", default="1,2", help="cross-sections N (N x N conventional cells)")
    parser.add_argument("--points", type=int, default=12, help="frequencies in the stack")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    old = load_revision(args.against)
    print(f"AGF kernels: this tree vs {args.against}, numpy, 1 BLAS thread, best of {args.repeats}, in turn")
    print("    N  nb  slice | work        this tree (ms CPU) rev (ms CPU) ratio | max |diff| / max")
    with threadpool_limits(limits=1, user_api="blas"):
        for n in (int(s) for s in args.sizes.split(",")):
            model = model_of(n)
            top = lead_max_frequency(model, "left", [(0.0, 0.0)])
            omega = np.linspace(0.04, 0.96, args.points) * top
            z = (omega**2 * (1 + 1e-6j)).astype(complex)
            blocks = model.blocks_at((0.13, 0.29))
            sigmas = [kernels.self_energy(z, x, "bloch").sigma for x in (blocks[0], blocks[2])]
            for method in ("decimation", "bloch", "device", "counts"):
                pair = (("new", kernels), ("old", old))
                jobs = {name: partial(work, k, z, blocks, method, sigmas) for name, k in pair}
                times = {name: [] for name in jobs}
                out = {}
                for i in range(args.repeats):
                    for name in ("new", "old") if i % 2 else ("old", "new"):  # alternate who goes first
                        job = jobs[name]
                        t0 = time.process_time()
                        out[name] = job()
                        times[name].append(time.process_time() - t0)
                t_new, t_old = min(times["new"]), min(times["old"])
                diff = max(
                    float(np.abs(a - b).max() / max(np.abs(b).max(), 1e-300)) for a, b in zip(out["new"], out["old"])
                )
                print(
                    f"    {n}  {blocks[0].boundary.size:3d} {model.slice_sizes[0]:5d} | {method:10s} "
                    f"{t_new * 1e3:14.2f} {t_old * 1e3:10.2f} {t_new / t_old:7.3f} | {diff:.1e}"
                )


if __name__ == "__main__":
    main()
