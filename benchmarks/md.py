"""NEMD through kapitza vs plain LAMMPS, mpirun -np 2 vs 1 beside the machine's two-process ceiling, and the
analysis of a 10^5-block ave/chunk profile.

Run: python benchmarks/md.py  (about 2 minutes on 2 cores)

The fixed problem: a periodic LJ fcc bicrystal, 4x4 cells across, 8 + 8 cells along z (1,024 atoms), masses
1 and 3, T = 0.25, baths at 0.35 / 0.15; 1,000 equilibration + 2,000 transient + 6 blocks of 1,000 steps
(9,000 steps, plus the minimisation, in every variant).

(a) ``run_nemd(config, dir)`` (LAMMPS in this process, one unit at a time) vs the generated ``in.lammps`` run
    by plain ``lmp -in in.lammps`` in a copy of the run directory: steps/s and kapitza's overhead in %;
(b) ``run_nemd(..., processes=2)`` (one ``mpirun -np 2 lmp`` job) vs 1 process, and plain ``mpirun -np 2 lmp``;
(c) the machine's ceiling: two independent copies of the plain 1-process run at once, aggregate throughput
    relative to one copy alone (2.0 = two free cores; as benchmarks/agf.py does for the AGF);
(d) ``read_profile`` + ``analyze_jump`` on a synthetic ave/chunk file of 10^5 blocks x 32 chunks x 5 columns,
    and of 10^4 blocks.
Each variant runs once, all in one process, side by side: compare ratios, not absolute times (these shared
machines drift by tens of percent).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from timing import best

from kapitza.analysis.md.jump import analyze_jump
from kapitza.analysis.md.profiles import read_profile
from kapitza.io.numbers_text import parse_decimal_text
from kapitza.md.inputs import DATA_FILE
from kapitza.md.nemd import NemdConfig
from kapitza.md.run import INPUT_FILE, find_executables, run_nemd

SETTINGS = {
    "potential": "lj/cut",
    "n_x": 4,
    "n_y": 4,
    "cells_a": 8,
    "cells_b": 8,
    "mass_b": 3.0,
    "temperature": 0.25,
    "delta_temperature": 0.2,
    "bath_width": 2.0,
    "steps_equilibration": 1000,
    "steps_steady": 2000,
    "steps_production": 6000,
    "block_steps": 1000,
}
STEPS = 9000


def plain_copy(run: Path, target: Path) -> Path:
    target.mkdir()
    for name in (DATA_FILE, INPUT_FILE):
        shutil.copy(run / name, target / name)
    return target


def plain_command(lmp: str, mpirun: str | None = None, np_: int = 1) -> list[str]:
    base = [lmp, "-in", INPUT_FILE, "-log", "log.lammps", "-screen", "none", "-nocite"]
    return base if mpirun is None else [mpirun, "-np", str(np_), *base]


def timed(command: list[str], cwd: Path) -> float:
    t0 = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t0


def nemd(work: Path) -> None:
    config = NemdConfig(**SETTINGS)
    mpirun, lmp = find_executables()
    t0 = time.perf_counter()
    run_nemd(config, work / "k1")
    t_k1 = time.perf_counter() - t0
    t_p1 = timed(plain_command(lmp), plain_copy(work / "k1", work / "p1"))
    t0 = time.perf_counter()
    run_nemd(config, work / "k2", processes=2)
    t_k2 = time.perf_counter() - t0
    t_p2 = timed(plain_command(lmp, mpirun, 2), plain_copy(work / "k1", work / "p2"))
    # the ceiling: two plain 1-process copies at once
    dirs = [plain_copy(work / "k1", work / f"c{i}") for i in range(2)]
    t0 = time.perf_counter()
    procs = [subprocess.Popen(plain_command(lmp), cwd=d, stdout=subprocess.DEVNULL) for d in dirs]
    for p in procs:
        p.wait()
    t_both = time.perf_counter() - t0
    n_atoms = 4 * SETTINGS["n_x"] * SETTINGS["n_y"] * (SETTINGS["cells_a"] + SETTINGS["cells_b"])
    print(f"NEMD, LJ bicrystal of {n_atoms} atoms, {STEPS} steps + minimisation (wall time of the whole run)")
    print(f"  (a) kapitza run_nemd, in-process   {STEPS / t_k1:8.0f} steps/s  ({t_k1:.2f} s)")
    print(f"      plain lmp -in in.lammps        {STEPS / t_p1:8.0f} steps/s  ({t_p1:.2f} s)")
    print(f"      kapitza overhead               {100 * (t_k1 / t_p1 - 1):+8.1f} %")
    print(f"  (b) kapitza processes=2 (mpirun)   {STEPS / t_k2:8.0f} steps/s  ({t_k2:.2f} s)")
    print(f"      plain mpirun -np 2 lmp         {STEPS / t_p2:8.0f} steps/s  ({t_p2:.2f} s)")
    print(f"      kapitza speed-up 2 vs 1 proc   {t_k1 / t_k2:8.2f} x  (plain lmp: {t_p1 / t_p2:.2f} x)")
    print(f"  (c) machine ceiling: 2 independent 1-process copies at once, aggregate {2 * t_p1 / t_both:.2f} x")
    print("      of one copy alone (2.00 = two free cores)")


def synthetic_profile(path: Path, n_blocks: int, n_chunks: int = 32, seed: int = 0) -> None:
    """An ave/chunk file (Chunk Coord1 Ncount density/number temp) of a periodic bicrystal: A in the lower half,
    hot bath at L/4, cold at 3L/4, a jump of 0.05 down from A to B at both interfaces, noise 0.01 per bin."""
    rng = np.random.default_rng(seed)
    z = (np.arange(n_chunks) + 0.5) / n_chunks  # fraction of the box
    base = np.where(z < 0.5, 1.125 - 0.4 * np.abs(z - 0.25), 0.875 + 0.4 * np.abs(z - 0.75))
    templates = []
    for _ in range(100):  # 100 noisy blocks, repeated with their own timesteps
        t = base + 0.01 * rng.standard_normal(n_chunks)
        templates.append("".join(f"  {i + 1} {32 * z[i]:.6g} 40 0.95 {t[i]:.6g}\n" for i in range(n_chunks)))
    head = (
        "# Chunk-averaged data for fix profile and group all\n# Timestep Number-of-chunks Total-count\n"
        "# Chunk Coord1 Ncount density/number temp\n"
    )
    body = "".join(f"{(b + 1) * 1000} {n_chunks} {40 * n_chunks}\n{templates[b % 100]}" for b in range(n_blocks))
    path.write_text(head + body)


def profiles(work: Path) -> None:
    print("(d) Profile analysis (read_profile + analyze_jump, interfaces at 0 and 16, flux 1; best of 3)")
    for n_blocks in (10_000, 100_000):
        path = work / f"profile_{n_blocks}.chunk"
        synthetic_profile(path, n_blocks)
        t_read, profile = best(lambda p=path: read_profile(p), 3)
        t_fit, result = best(lambda pr=profile: analyze_jump(pr, interfaces=[0.0, 16.0], flux=1.0), 3)
        size = path.stat().st_size / 1e6
        print(
            f"  {n_blocks:>7} blocks x 32 chunks ({size:.1f} MB): read {t_read:.3f} s, analyse {t_fit:.3f} s, "
            f"total {t_read + t_fit:.3f} s (Delta T {result.delta_T:.4f}, set 0.05)"
        )
        body = path.read_text().split("\n", 3)[3]
        t_new, new = best(lambda b=body: parse_decimal_text(b), 3)
        t_old, old = best(lambda b=body: np.fromstring(b, sep=" "), 1 if n_blocks > 10_000 else 3)
        same = np.array_equal(new.view(np.int64), old.view(np.int64))
        print(
            f"      number parsing alone ({new.size / 1e6:.1f} M numbers): numbers_text {t_new:.3f} s, "
            f"np.fromstring {t_old:.3f} s ({t_old / t_new:.1f} x), bitwise identical: {same}"
        )


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        if sys.argv[1:] != ["profiles"]:  # `python benchmarks/md.py profiles`: part (d) alone
            nemd(work)
        profiles(work)


if __name__ == "__main__":
    main()
