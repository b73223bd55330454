"""The AGF and the EELS map on a GPU, and the CPU path of the same problems, in one unattended run (issue 55).

Run (from the repository root, on a machine with a GPU; each line within 10 minutes on one H100 by design,
never yet measured there: no GPU was lent to the work that wrote this script):

    python benchmarks/gpu.py --device gpu --sizes small --json gpu-small.json
    python benchmarks/gpu.py --device gpu --sizes large --json gpu-large.json

and anywhere, as a smoke test of the script and of the GPU's code on torch's CPU (tiny problems; its times say
nothing about a GPU):

    python benchmarks/gpu.py --device torch-cpu --sizes tiny --json gpu-tiny.json

What is measured, per size (``--sizes tiny|small|large``; ``--parts agf,recursion,eels`` to take some parts only):

agf        The intermixed SW Si | Ge AGF end to end as a user runs it (``run_agf``: ``kapitza agf Si Ge --potential sw
           --lateral NxN --mixing-layers 2 --seed 1 --kpoints 4 --frequencies 100``, the default checks, i.e. the
           broadening check at eta/2): small 6x6, large 10x10 (tiny: 1x1 and 2x2 at 2x2 k and 20 frequencies), on
           ``--device``: the wall time from the call to the result, the sweep's time, G, the grid-error statement and
           the device record (batch, the memory statement).  Then the CPU path of the same run (numpy, ``--cpu-workers``
           local dask workers, default one per core) where affordable (``--cpu full``; sizes up to ``--cpu-full-max``
           N, default 6): its wall time and the parity of G, the transmission and the grid-error statement to the
           device's (goal 1e-10 relative); above that size the CPU time is extrapolated from the per-(omega, k) cost
           of numpy on a few points (``--cpu extrapolate``, stated as such in the JSON), or not measured (``--cpu
           skip``).
recursion  The device recursion (G_N1 and the Caroli trace, :func:`kapitza.transmission.agf.kernels.caroli`) of
           the same model at one k point for a stack of frequencies, its GFLOP/s from the analytic count
           (benchmarks/agf.py ``device_flops``) as a fraction of the complex matmul (zgemm) rate measured in this
           run on the same device at the slice size (goal on a GPU: 60 % or more); numpy's beside it (one BLAS
           thread) where affordable.
eels       A spectrum image streamed from disk: an int32 .npy (small 256 x 256 x 2048, large 1024 x 1024 x 2048 =
           8.6 GB; tiny 16 x 16 x 256) written to a temporary folder (``--scratch``) as 4096 distinct noisy copies
           of the AlN forward-model spectrum at 300 K (dose 1e7; benchmarks/eels.py's spectra) tiled over the image
           (the fits' cost does not depend on the pixels being distinct), memory-mapped (LazyEELSData) and mapped with
           the calibrated estimator (``stream_temperature_map(device=)``, what ``eels map --device`` runs): wall time
           and pixels/s (goal on one H100: 1024 x 1024 x 2048 under 2 min).  The CPU path on a strip of rows
           (numpy, one worker thread per core), extrapolated to the image, and the parity of the temperatures on
           the strip.

Before anything is timed a 1x1 run goes once on the device and once on numpy (imports, torch's libraries, the GPU's
context: ``warm_up_s``).  Each cross-section's force constants are computed once into an empty cache
(``KAPITZA_CACHE_DIR``) by a 20-frequency, 1-k run on the CPU, timed as ``build_s`` (CPU work: matscipy's Hessian;
a user's first run pays it, a second run of the same interface reads it); the device's run and the CPU's then both
read them, so their times (``device_run.wall_s``, ``cpu_run.wall_s``) hold the same work: everything after the
force constants, the sweeps and the broadening check.

The JSON (``--json``) is written after every part, so a run stopped by a time limit keeps what it measured; parts
not started before ``--deadline-s`` (default 570 s from the start) are recorded as skipped.  Each record names the
device, its library and version, the date and the commit.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

#: The problems of each size: AGF cross-sections (N x N), their k grid and frequencies; the EELS image.
SIZES = {
    "tiny": {"agf": (1, 2), "kpoints": 2, "frequencies": 20, "eels": (16, 16, 256), "strip_rows": 16},
    "small": {"agf": (6,), "kpoints": 4, "frequencies": 100, "eels": (256, 256, 2048), "strip_rows": 8},
    "large": {"agf": (10,), "kpoints": 4, "frequencies": 100, "eels": (1024, 1024, 2048), "strip_rows": 4},
}
PARTS = ("agf", "recursion", "eels")
#: Frequencies of the numpy per-point measurement that extrapolates the CPU path (and of the recursion's stack).
POINTS = 8
#: Distinct noisy spectra tiled over the EELS image.
DISTINCT = 4096


def _commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=HERE, timeout=10, check=True
        )
        return out.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown (no git here)"


def _sync(backend) -> None:
    if backend.is_gpu:
        import torch

        torch.cuda.synchronize(backend.device)


def _rel(a, b) -> float:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(np.abs(a - b).max(initial=0.0) / max(np.abs(b).max(initial=0.0), 1e-300))


def _agf_settings(n: int, size: dict) -> dict:
    return {
        "potential": "sw",
        "lateral": (n, n),
        "mixing_layers": 2,
        "seed": 1,
        "kpoints": size["kpoints"],
        "frequencies": size["frequencies"],
    }


def _agf_numbers(result) -> dict:
    b = result.broadening
    return {
        "temperature_K": result.temperature.tolist(),
        "conductance_W_m2K": result.conductance.tolist(),
        "intrinsic_W_m2K": result.intrinsic.tolist(),
        "grid_error_estimate_W_m2K": result.frequency_grid_error_estimate.tolist(),
        "grid_error_bound_W_m2K": result.frequency_grid_error_bound.tolist(),
        "broadening_check": None if b is None else {"G_eta": b.conductance[0], "G_eta_half": b.conductance[1]},
        "sweep_s": result.transmission.seconds,
        "omega_x_k": [int(result.transmission.omega.size), int(result.transmission.kpoints.shape[0])],
    }


def _parity(a, b) -> dict:
    return {
        "transmission": _rel(a.transmission.xi_k, b.transmission.xi_k),
        "conductance": _rel(a.conductance, b.conductance),
        "intrinsic": _rel(a.intrinsic, b.intrinsic),
        "grid_error_estimate": _rel(a.frequency_grid_error_estimate, b.frequency_grid_error_estimate),
        "grid_error_bound": _rel(a.frequency_grid_error_bound, b.frequency_grid_error_bound),
    }


def _numpy_per_point(model, omega, k=(0.13, 0.29)) -> float:
    """Seconds of numpy per (omega, k) point of the interface sweep (the leads folded as a run does), one BLAS
    thread, from POINTS frequencies at one k point: the cost that extrapolates the CPU path."""
    from kapitza.transmission.agf.chunk import single_threaded_blas
    from kapitza.transmission.agf.solver import transmission

    w = np.linspace(0.05, 0.95, POINTS) * float(omega[-1])
    with single_threaded_blas():
        t0 = time.perf_counter()
        transmission(model, w, np.array([k]), time_reversal=False, chunk=POINTS)
        return (time.perf_counter() - t0) / POINTS


@contextlib.contextmanager
def own_cache(args):
    """An empty cache (``KAPITZA_CACHE_DIR``) for the runs of one cross-section, removed afterwards."""
    old = os.environ.get("KAPITZA_CACHE_DIR")
    with tempfile.TemporaryDirectory(dir=args.scratch) as tmp:
        os.environ["KAPITZA_CACHE_DIR"] = tmp
        try:
            yield
        finally:
            if old is None:
                os.environ.pop("KAPITZA_CACHE_DIR", None)
            else:
                os.environ["KAPITZA_CACHE_DIR"] = old


def warm_up(args) -> float:
    """Imports, torch's libraries and the device's context, before anything is timed: a 1x1 run on the device and
    on numpy (seconds of both)."""
    from kapitza.transmission.agf.run import run_agf

    t0 = time.perf_counter()
    for device in (args.device, "cpu"):
        run_agf("Si", "Ge", kpoints=1, frequencies=20, check_broadening=False, temperature=[300.0], device=device)
    return time.perf_counter() - t0


def agf_part(n: int, size: dict, args, out: dict) -> dict:
    """The N x N model built once (its force constants into an empty cache, timed: ``build_s``), then the run on
    the device and the CPU path of it (measured, extrapolated or skipped), both reading the force constants from
    that cache: the same work for both, the sweeps and everything after the force constants."""
    with own_cache(args):
        return _agf_part(n, size, args, out)


def _agf_part(n: int, size: dict, args, out: dict) -> dict:
    from kapitza.io.results import to_jsonable
    from kapitza.transmission.agf.run import run_agf

    settings = _agf_settings(n, size)
    rec: dict = {"settings": {**settings, "lateral": f"{n}x{n}"}}
    settings["max_memory_gb"] = args.max_memory_gb
    cheap = {**settings, "kpoints": 1, "frequencies": 20, "check_broadening": False, "temperature": [300.0]}
    t0 = time.perf_counter()
    run_agf("Si", "Ge", device="cpu", **cheap)  # the model's force constants, computed once, into the cache
    rec["build_s"] = time.perf_counter() - t0
    print(f"  AGF {n}x{n}: model built in {rec['build_s']:.1f} s (force constants, cold cache; with a 20 x 1 sweep)")
    t0 = time.perf_counter()
    result, model = run_agf("Si", "Ge", device=args.device, **settings)
    wall = time.perf_counter() - t0
    rec["device_run"] = {"wall_s": wall, **_agf_numbers(result), "device": to_jsonable(result.device)}
    rec["model"] = {"dof": int(model.n_dof), "slices": list(model.slice_sizes), "lead_dof": list(model.lead_sizes)}
    out["_model"] = model
    out["_batch"] = result.device.get("batch")
    print(
        f"  AGF {n}x{n} on {args.device}: {rec['device_run']['wall_s']:.1f} s wall (sweep "
        f"{result.transmission.seconds:.1f} s), G(300 K) two-probe {result.conductance[-2] / 1e6:.2f} MW/m2K"
    )
    mode = args.cpu if n <= args.cpu_full_max or args.cpu != "full" else "extrapolate"
    if mode == "full":
        workers = None if args.cpu_workers == 0 else args.cpu_workers
        t0 = time.perf_counter()
        cpu, _ = run_agf("Si", "Ge", device="cpu", workers=workers, **settings)
        wall = time.perf_counter() - t0
        rec["cpu_run"] = {"wall_s": wall, "workers": workers or "in process", **_agf_numbers(cpu)}
        rec["parity"] = _parity(result, cpu)
        rec["cpu_over_device"] = wall / rec["device_run"]["wall_s"]
        print(
            f"  AGF {n}x{n} on numpy ({workers or 'in process'} workers): {wall:.1f} s wall; "
            f"parity {max(rec['parity'].values()):.1e}"
        )
    elif mode == "extrapolate":
        per = _numpy_per_point(model, result.transmission.omega)
        t = result.transmission
        units = t.omega.size * t.kpoints.shape[0]
        sweeps = 1 + (0 if result.broadening is None else len(result.broadening.kpoints) / t.kpoints.shape[0])
        cores = args.cpu_workers or os.cpu_count() or 1
        rec["cpu_extrapolated"] = {
            "numpy_s_per_point": per,
            "interface_sweeps_s_one_core": per * units * sweeps,
            "on_cores": cores,
            "interface_sweeps_s_all_cores": per * units * sweeps / cores,
            "what": "numpy's cost per (omega, k) point on POINTS frequencies at one k, times the points of the "
            "interface sweep and the broadening check, over the cores (perfect scaling assumed); the model build "
            "and the leads' channel counts are not in it",
        }
        print(
            f"  AGF {n}x{n} on numpy: {per:.2f} s per (omega, k) point on one core; the sweeps would take "
            f"~{per * units * sweeps / cores:.0f} s on {cores} cores (extrapolated)"
        )
    return rec


def recursion_part(model, size: dict, args, batch: int | None = None) -> dict:
    """The device recursion's rate against the zgemm rate at the slice size, on the device and on numpy.

    A stack of ``batch`` frequencies (the run's own batch on a GPU, all its frequencies at most; POINTS on the
    CPU) at one k point.  The self-energies are a constant absorbing -0.05i max|H| on the first and last slice:
    the recursion's cost does not depend on their values, and the leads' own cost is not this measurement's."""
    from agf import device_flops, device_zgemm_rates
    from threadpoolctl import threadpool_limits

    from kapitza._backend import NUMPY, select_backend
    from kapitza.transmission.agf import kernels
    from kapitza.transmission.agf.solver import lead_max_frequency

    backend = select_backend(args.device)
    clock = time.perf_counter
    top = lead_max_frequency(model, "left", [(0.0, 0.0)])
    stack = min(size["frequencies"], batch or size["frequencies"]) if backend.is_gpu else POINTS
    omega = np.linspace(0.04, 0.96, stack) * top
    z = (omega**2 * (1 + 1e-6j)).astype(complex)
    k = (0.13, 0.29)
    _, dev_blocks, _ = model.blocks_at(k)
    m = max(model.slice_sizes)
    rec: dict = {"slice_dof": m, "slices": len(model.slice_sizes), "stack": stack}
    paths = {"device": backend}
    if args.cpu != "skip" and (m <= 600 or not backend.is_gpu):
        paths["numpy"] = NUMPY
    with threadpool_limits(limits=1, user_api="blas"), threadpool_limits(limits=1, user_api="openmp"):
        for name, xp in paths.items():
            zz = z if xp is NUMPY else xp.asarray(z)
            scale = max(float(np.abs(h).max()) for h in dev_blocks.onsite)
            first, last = dev_blocks.onsite[0].shape[0], dev_blocks.onsite[-1].shape[0]
            sl = xp.asarray(np.broadcast_to(-0.05j * scale * np.eye(first), (stack, first, first)).copy())
            sr = xp.asarray(np.broadcast_to(-0.05j * scale * np.eye(last), (stack, last, last)).copy())
            dev = kernels.to_backend(dev_blocks, xp)
            kernels.caroli(zz, dev, sl, sr)  # warm up
            _sync(xp)
            best = float("inf")
            for _ in range(3):
                t0 = clock()
                kernels.caroli(zz, dev, sl, sr)
                _sync(xp)
                best = min(best, clock() - t0)
            rate = device_zgemm_rates({name: xp}, m, max(1, min(stack, int(2e8 // (16 * m * m)))), clock)[name]
            gflops = device_flops(model.slice_sizes) * stack / best
            rec[name] = {
                "label": xp.label,
                "seconds": best,
                "gflops": gflops / 1e9,
                "zgemm_gflops": rate / 1e9,
                "fraction_of_zgemm": gflops / rate,
            }
            print(
                f"  recursion on {xp.label}: {gflops / 1e9:.1f} GFLOP/s = {gflops / rate:.0%} of its zgemm "
                f"({rate / 1e9:.1f} GFLOP/s at {m} x {m}, {stack} frequencies)"
            )
    return rec


def _write_image(path: Path, ny: int, nx: int, channels: int) -> np.ndarray:
    """An int32 (ny, nx, channels) .npy of DISTINCT noisy AlN spectra tiled in row-major order; returns the energy
    axis (meV)."""
    from eels import _stack

    stack = _stack(min(DISTINCT, ny * nx), channels, 0)
    tiles = stack.counts.reshape(-1, channels).astype(np.int32)
    out = np.lib.format.open_memmap(path, mode="w+", dtype=np.int32, shape=(ny, nx, channels))
    flat = out.reshape(ny * nx, channels)
    for start in range(0, ny * nx, tiles.shape[0]):
        stop = min(start + tiles.shape[0], ny * nx)
        flat[start:stop] = tiles[: stop - start]
    out.flush()
    del flat, out
    return np.asarray(stack.energy_mev)


def eels_part(size: dict, args) -> dict:
    from kapitza.analysis.eels.stream import LazyEELSData, stream_temperature_map

    ny, nx, channels = size["eels"]
    rec: dict = {"image": [ny, nx, channels]}
    with tempfile.TemporaryDirectory(dir=args.scratch) as tmp:
        path = Path(tmp) / "image.npy"
        t0 = time.perf_counter()
        energy = _write_image(path, ny, nx, channels)
        rec["write_s"] = time.perf_counter() - t0
        rec["file_bytes"] = path.stat().st_size
        lazy = LazyEELSData(energy_mev=energy, counts=np.load(path, mmap_mode="r"), source=path.name)
        t0 = time.perf_counter()
        tmap = stream_temperature_map(lazy, device=args.device)
        wall = time.perf_counter() - t0
        ok = tmap.valid
        rec["device_map"] = {
            "wall_s": wall,
            "pixels_per_s": ny * nx / wall,
            "device": tmap.device,
            "valid": int(tmap.n_valid),
            "median_T_K": float(np.median(tmap.temperature[ok])),
        }
        print(
            f"  EELS {ny} x {nx} x {channels} streamed on {tmap.device}: {wall:.1f} s ({ny * nx / wall:.0f} "
            f"pixels/s), median T {rec['device_map']['median_T_K']:.1f} K"
        )
        if args.cpu != "skip":
            rows = min(ny, size["strip_rows"])
            strip = LazyEELSData(energy_mev=energy, counts=np.load(path, mmap_mode="r")[:rows], source=path.name)
            workers = args.cpu_workers or os.cpu_count() or 1
            t0 = time.perf_counter()
            cpu = stream_temperature_map(strip, device="cpu", workers=workers)
            t_strip = time.perf_counter() - t0
            on_dev = tmap.temperature[:rows]
            both = ok[:rows] & cpu.valid
            rec["cpu_strip"] = {
                "rows": rows,
                "workers": workers,
                "wall_s": t_strip,
                "extrapolated_image_s": t_strip * ny / rows,
                "max_abs_dT_K": float(np.max(np.abs(on_dev[both] - cpu.temperature[both]), initial=0.0)),
                "same_valid": bool(np.array_equal(ok[:rows], cpu.valid)),
            }
            print(
                f"  EELS on numpy ({workers} threads): {rows} rows in {t_strip:.1f} s, the image ~"
                f"{t_strip * ny / rows:.0f} s (extrapolated); max |T_dev - T_numpy| "
                f"{rec['cpu_strip']['max_abs_dT_K']:.1e} K on the strip"
            )
    return rec


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--device", default="gpu", help="gpu, cuda:N or torch-cpu (the smoke test)")
    parser.add_argument("--sizes", default="small", help="tiny, small, large, or a comma list (small,large)")
    parser.add_argument("--parts", default=",".join(PARTS), help="a comma list of agf, recursion, eels")
    parser.add_argument(
        "--cpu",
        choices=("full", "extrapolate", "skip"),
        default="full",
        help="the CPU path: run it (up to --cpu-full-max), extrapolate it, or skip it",
    )
    parser.add_argument("--cpu-full-max", type=int, default=6, help="largest N x N run in full on the CPU")
    parser.add_argument(
        "--cpu-workers",
        type=int,
        default=os.cpu_count() or 1,
        help="local dask workers (threads for EELS) of the CPU path; 0: in process",
    )
    parser.add_argument("--max-memory-gb", type=float, default=100.0, help="the AGF runs' host memory bound")
    parser.add_argument("--deadline-s", type=float, default=570.0, help="no part starts after this many seconds")
    parser.add_argument("--scratch", default=None, help="folder for the EELS image (default: the temp folder)")
    parser.add_argument("--json", default="gpu-benchmark.json", help="where the results go")
    args = parser.parse_args()
    start = time.perf_counter()

    from kapitza._backend import device_record, select_backend
    from kapitza._version import __version__

    backend = select_backend(args.device)
    doc: dict = {
        "script": "benchmarks/gpu.py",
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "commit": _commit(),
        "kapitza": __version__,
        "host": {"python": platform.python_version(), "cpus": os.cpu_count(), "machine": platform.machine()},
        "device": device_record(backend),
        "args": vars(args),
        "smoke": not backend.is_gpu,
        "note": "no GPU number in a smoke run: torch's CPU runs the GPU's code to test the script and its parity"
        if not backend.is_gpu
        else "",
        "results": {},
    }
    if not backend.is_gpu:
        print(f"SMOKE RUN on {backend.label}: the GPU's code on the CPU; these times say nothing about a GPU")

    def save() -> None:
        Path(args.json).write_text(json.dumps(doc, indent=1, default=str) + "\n", encoding="utf-8")

    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    parts = [p.strip() for p in args.parts.split(",") if p.strip()]
    for name in sizes:
        if name not in SIZES:
            parser.error(f"--sizes: {name!r} is not one of {', '.join(SIZES)}")
    for part in parts:
        if part not in PARTS:
            parser.error(f"--parts: {part!r} is not one of {', '.join(PARTS)}")
    if "agf" in parts or "recursion" in parts:
        doc["warm_up_s"] = warm_up(args)
    save()
    for name in sizes:
        size = SIZES[name]
        out = doc["results"].setdefault(name, {})
        jobs = []
        if "agf" in parts or "recursion" in parts:
            for n in size["agf"]:
                jobs.append((f"agf {n}x{n}", n))
        if "eels" in parts:
            jobs.append(("eels", None))
        for label, n in jobs:
            elapsed = time.perf_counter() - start
            if elapsed > args.deadline_s:
                out[label] = {"skipped": f"deadline: {elapsed:.0f} s > --deadline-s {args.deadline_s:g}"}
                save()
                continue
            print(f"[{name}] {label} (at {elapsed:.0f} s)")
            try:
                if n is None:
                    out[label] = eels_part(size, args)
                else:
                    scratch: dict = {}
                    out[label] = agf_part(n, size, args, scratch) if "agf" in parts else {}
                    if "recursion" in parts:
                        from agf import scaling_model

                        model = scratch.get("_model") or scaling_model(n)
                        out[label]["recursion"] = recursion_part(model, size, args, scratch.get("_batch"))
            except Exception as exc:  # noqa: BLE001 - unattended: the error is recorded, the other parts go on
                out[label] = {"error": f"{type(exc).__name__}: {exc}", "traceback": traceback.format_exc()[-2000:]}
                print(f"  FAILED: {type(exc).__name__}: {exc}")
            save()
    doc["wall_s"] = time.perf_counter() - start
    save()
    print(f"written: {args.json} ({doc['wall_s']:.0f} s)")


if __name__ == "__main__":
    main()
