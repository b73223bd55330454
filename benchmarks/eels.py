"""Temperature maps of spectrum images: the map against a per-pixel loop of the SAME estimator, its memory, and the
memory statement of ``eels map --chunk-mb`` against the peak resident memory the operating system reports.

Run: python benchmarks/eels.py [NY NX [STREAM_NY STREAM_NX]]
     (default 128 128 256 256: several minutes on two cores, ~1 GB of memory and ~0.3 GB of disk)
     python benchmarks/eels.py --device torch-cpu|gpu [NY NX]
     (only the device comparison below; default 64 64)

--device: the map (``stream_temperature_map``) on numpy and on the array backend's device (:mod:`kapitza._backend`:
torch on the CPU, or on a GPU), alternating, REPEATS times each, at 512 and 2048 channels: wall and CPU times, the
ratio of numpy's time to the device's, the largest difference of the temperatures and errors, and the rate of the
fits' passes as a fraction of the device's memory bandwidth (measured here by copying a large array): bytes moved
= rows x pairs x evaluations (counted) x ACCESSES_PER_PAIR reads and writes of float64 (counted in
``lm.Problem._evaluate`` for a three-parameter family: 81), a model of the traffic, not a hardware counter.

Part 1, in memory, for two channel samplings side by side (512 channels of 0.5 meV -- ``eels simulate``'s sampling --
and 2048 channels of 0.125 meV, a fine sampling of the same -128..128 meV): NY x NX noisy copies of the AlN
forward-model spectrum at 300 K (dose 1e7, 6 meV resolution), through the default estimator (the joint tail +
detailed-balance fit, automatic window, :mod:`kapitza.analysis.eels.core`), three ways:

* map: ``stream_temperature_map`` (what ``eels map`` runs), one worker and two worker threads, with its evaluations
  compiled (:mod:`kapitza.analysis.eels.kernel`, numba: the ``fast`` extra; a map of at least
  ``core.KERNEL_MIN_VALUES`` pixels x channels) and, beside it, with numpy's passes (the rule set out of reach);
* loop: ``fit_joint_temperature`` on one pixel at a time (the same estimator on one spectrum, as a script looping over
  pixels would call it), timed on LOOP_PIXELS pixels and scaled to the image; its numbers are the map's to 1e-9 K.
  A single spectrum runs numpy's passes (it does not import numba: that alone takes longer than its fit).

They alternate, REPEATS times each, and the best of each is kept (the machine is shared): compare the ratios, not the
absolute numbers.  Times are wall time and this process's CPU time.  Peak memory above the image: tracemalloc (numpy
reports its allocations to it), as a multiple of the image's counts array.

Part 2, streamed: a STREAM_NY x STREAM_NX x 512 image written to a temporary .npy as int32 counts, one block of rows at
a time (never whole in memory), opened as a read-only memory map and mapped (LazyEELSData, Poisson variances made per
chunk).

Part 3, the memory statement: in fresh processes (one per case, so the peak is the run's own), the statement of
``memory_estimate`` (what ``eels map`` prints) against the peak resident memory of the process (VmHWM of
/proc/self/status: everything the OS counts, libraries, the image, every chunk): an image read whole from .npz (as
``eels map FILE`` reads it), a memory-mapped int32 .npy (LazyEELSData), with --chunk-mb 4 and 64 and 1 or 2 workers.
The statement must be at or above the measured peak and within 2x of it.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np

from kapitza.analysis.eels import core, kernel
from kapitza.analysis.eels.forward import simulate_stack
from kapitza.analysis.eels.joint import fit_joint_temperature
from kapitza.analysis.eels.stream import DEFAULT_CHUNK_MB, LazyEELSData, stream_temperature_map
from kapitza.phonons.dos import material_dos

LOOP_PIXELS = 48
REPEATS = 3
RANGE_MEV = 128.0


def _stack(n: int, channels: int, seed: object):
    width = 2 * RANGE_MEV / channels
    dos = material_dos("AlN")
    return simulate_stack(
        dos.energy_mev,
        dos.dos,
        300.0,
        n_copies=n,
        seed=seed,
        dose=1e7,
        channel_mev=width,
        energy_range_mev=(-RANGE_MEV, RANGE_MEV - width / 2),
    )


def image(ny: int, nx: int, channels: int):
    stack = _stack(ny * nx, channels, 0)
    return stack.replace(
        "as an image",
        counts=stack.counts.reshape(ny, nx, -1),
        variance=stack.variance.reshape(ny, nx, -1),
        positions_nm=(np.arange(ny) * 0.2, np.arange(nx) * 0.2),
        nav_names=("y", "x"),
    )


def loop(data, n: int) -> tuple[np.ndarray, np.ndarray]:
    """The per-pixel loop a script would write: one spectrum at a time through the public single-spectrum call."""
    flat_c = data.counts.reshape(-1, data.n_channels)
    flat_v = data.variance.reshape(-1, data.n_channels)
    t, e = [], []
    for i in range(n):
        one = data.replace("one pixel", counts=flat_c[i], variance=flat_v[i], positions_nm=(), nav_names=())
        fit = fit_joint_temperature(one)
        t.append(fit.temperature)
        e.append(fit.temperature_err)
    return np.array(t), np.array(e)


def _map(data, workers: int, compiled: bool):
    """``stream_temperature_map`` with ``workers`` threads, its evaluations compiled where ``compiled`` (and numba is
    installed) or numpy's passes (the map's own rule, :data:`core.KERNEL_MIN_VALUES`, set out of reach)."""
    keep = core.KERNEL_MIN_VALUES
    if not compiled:
        core.KERNEL_MIN_VALUES = sys.maxsize
    try:
        return stream_temperature_map(data, workers=workers)
    finally:
        core.KERNEL_MIN_VALUES = keep


def peak_bytes(run) -> int:
    tracemalloc.start()
    run()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def timed(run) -> tuple[float, float, object]:
    """(wall s, CPU s of this process, result) of one call."""
    w0, c0 = time.perf_counter(), time.process_time()
    out = run()
    return time.perf_counter() - w0, time.process_time() - c0, out


def in_memory(ny: int, nx: int, channels: int) -> None:
    data = image(ny, nx, channels)
    n_pix = ny * nx
    size = data.counts.nbytes
    print(
        f"\nimage {ny} x {nx} x {channels} channels of {2 * RANGE_MEV / channels:g} meV ({size / 1e9:.3f} GB of "
        "counts, "
        "as much again of variances); the default estimator (joint fit, automatic window)"
    )
    compiled = core.use_kernel(n_pix, channels)
    cases = {"map": (1, True), "map, 2 threads": (2, True)}
    if compiled:  # the same map without the compiled evaluations (numpy's passes), side by side
        cases.update({"map, numpy's passes": (1, False), "map, numpy's passes, 2 threads": (2, False)})
    wall: dict[str, list[float]] = {name: [] for name in (*cases, "loop")}
    cpu: dict[str, list[float]] = {name: [] for name in wall}
    maps = {}
    for _ in range(REPEATS):
        for name, (workers, fast) in cases.items():
            w, c, maps[name] = timed(lambda k=workers, f=fast: _map(data, k, f))
            wall[name].append(w)
            cpu[name].append(c)
        w, c, (t_loop, e_loop) = timed(lambda: loop(data, LOOP_PIXELS))
        wall["loop"].append(w / LOOP_PIXELS * n_pix)
        cpu["loop"].append(c / LOOP_PIXELS * n_pix)
    tl = min(wall["loop"])
    how = (
        "evaluations compiled by numba"
        if compiled
        else "numpy's passes: "
        + (
            f"numba not installed (pip install 'kapitza[{kernel.EXTRA}]')"
            if not kernel.available()
            else f"fewer than {core.KERNEL_MIN_VALUES} pixels x channels"
        )
    )
    print(f"map: {how}; loop: one spectrum at a time (numpy's passes, as any single spectrum)")
    print(f"{'':34s}{'wall s':>9s}{'pixels/s':>10s}{'CPU s':>9s}{'pixels/s':>10s}{'loop/map':>10s}")
    for name in wall:
        w, c = min(wall[name]), min(cpu[name])
        label = "per-pixel loop*" if name == "loop" else name
        print(f"{label:34s}{w:9.2f}{n_pix / w:10.0f}{c:9.2f}{n_pix / c:10.0f}{tl / w:9.1f}x")
    print(f"best of {REPEATS}, alternating; * timed on {LOOP_PIXELS} pixels and scaled to the {n_pix} of the image")
    tmap = maps["map"]
    t_map = tmap.temperature.reshape(-1)[:LOOP_PIXELS]
    e_map = tmap.temperature_err.reshape(-1)[:LOOP_PIXELS]
    same = float(np.nanmax(np.abs(np.r_[t_map - t_loop, e_map - e_loop])))
    others = max(float(np.nanmax(np.abs(m.temperature - tmap.temperature))) for m in maps.values())
    print(f"map = loop on the sampled pixels: max |difference| of T and error {same:.1e} K; maps {others:.1e} K apart")
    ok = tmap.valid
    print(
        f"map: {tmap.n_valid} valid pixels, median T {np.median(tmap.temperature[ok]):.1f} K (truth 300 K), median "
        f"error {np.median(tmap.temperature_err[ok]):.1f} K, {tmap.n_inadequate} inadequate"
    )
    peak = peak_bytes(lambda: stream_temperature_map(data))
    print(f"peak memory above the image, map: {peak / 1e9:.3f} GB = {peak / size:.2f} x the counts array")


def _write_npy(path: Path, ny: int, nx: int, channels: int) -> np.ndarray:
    out = np.lib.format.open_memmap(path, mode="w+", dtype=np.int32, shape=(ny, nx, channels))
    rows = max(1, 4096 // nx)
    energy = None
    for r in range(0, ny, rows):
        block = _stack(min(rows, ny - r) * nx, channels, (1, r))
        out[r : r + rows] = block.counts.reshape(-1, nx, channels).astype(np.int32)
        energy = block.energy_mev
    out.flush()
    del out
    return energy


def streamed(ny: int, nx: int, channels: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "image.npy"
        t0 = time.perf_counter()
        energy = _write_npy(path, ny, nx, channels)
        print(f"\nstreamed image {ny} x {nx} x {channels}: written to disk in {time.perf_counter() - t0:.0f} s")
        lazy = LazyEELSData(energy_mev=energy, counts=np.load(path, mmap_mode="r"), source=path.name)
        size = lazy.nbytes
        t, c, tmap = timed(lambda: stream_temperature_map(lazy))
        peak = peak_bytes(lambda: stream_temperature_map(lazy))
        ok = tmap.valid
        print(
            f"streamed map (memory-mapped int32 file, {DEFAULT_CHUNK_MB:g} MB chunks): {t:.1f} s wall "
            f"({ny * nx / t:.0f} pixels/s), {c:.1f} s CPU; {tmap.n_valid} valid pixels, median T "
            f"{np.median(tmap.temperature[ok]):.1f} K"
        )
        print(
            f"peak memory, streamed (second run, traced): {peak / 1e9:.3f} GB = {peak / size:.3f} x the image's "
            f"counts as float64 ({size / 1e9:.2f} GB; the file holds {path.stat().st_size / 1e9:.2f} GB)"
        )


_CHILD = r"""
import json, sys, numpy as np
from kapitza.analysis.eels.data import LazyEELSData
from kapitza.analysis.eels.read import read_eels
from kapitza.analysis.eels.stream import memory_estimate, stream_temperature_map
kind, path, chunk, workers = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
if kind == "npz":
    data = read_eels(path)
else:
    energy = np.load(path + ".energy.npy")
    data = LazyEELSData(energy_mev=energy, counts=np.load(path, mmap_mode="r"))
est = memory_estimate(data, chunk_mb=chunk, workers=workers)
tmap = stream_temperature_map(data, chunk_mb=chunk, workers=workers)
peak = 0
for line in open("/proc/self/status"):
    if line.startswith("VmHWM:"):
        peak = int(line.split()[1]) * 1024
print(json.dumps({"estimate": est.total_bytes, "base": est.base_bytes, "peak": peak, "valid": int(tmap.n_valid)}))
"""


def memory_statement(ny: int, nx: int, channels: int) -> None:
    from kapitza.analysis.eels.read import write_eels

    print(
        f"\nmemory statement (eels map --chunk-mb) against the peak resident memory (VmHWM), {ny} x {nx} x {channels}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        npz = Path(tmp) / "image.npz"
        write_eels(npz, image(ny, nx, channels))
        npy = Path(tmp) / "image.npy"
        np.save(str(npy) + ".energy.npy", _write_npy(npy, ny, nx, channels))
        print(f"{'case':44s}{'stated MB':>10s}{'peak MB':>9s}{'stated/peak':>12s}")
        worst = []
        for kind, path in (("npz", npz), ("memory map", npy)):
            for chunk, workers in ((4.0, 1), (64.0, 1), (4.0, 2)):
                res = subprocess.run(
                    [
                        sys.executable,
                        "-c",
                        _CHILD,
                        "npz" if kind == "npz" else "npy",
                        str(path),
                        str(chunk),
                        str(workers),
                    ],
                    capture_output=True,
                    text=True,
                    check=True,
                )
                doc = json.loads(res.stdout.strip().splitlines()[-1])
                ratio = doc["estimate"] / doc["peak"]
                worst.append(ratio)
                name = f"{kind}, --chunk-mb {chunk:g}, --workers {workers}"
                print(f"{name:44s}{doc['estimate'] / 1e6:10.0f}{doc['peak'] / 1e6:9.0f}{ratio:12.2f}")
        inside = all(1.0 <= r <= 2.0 for r in worst)
        print(f"stated/peak from {min(worst):.2f} to {max(worst):.2f}: {'inside' if inside else 'OUTSIDE'} [1, 2]")


#: float64 reads and writes per channel pair and evaluation in ``lm.Problem._evaluate`` (three-parameter family)
ACCESSES_PER_PAIR = 81


def _bandwidth(backend) -> float:
    """Bytes per second of a large copy on the backend's device (read + write), best of 5."""
    import torch

    n = (1 << 27) if backend.is_gpu else (1 << 25)
    a = torch.ones(n, dtype=torch.float64, device=backend.device)
    b = torch.empty_like(a)
    best = float("inf")
    for _ in range(5):
        if backend.is_gpu:
            torch.cuda.synchronize()
        t0 = time.perf_counter()
        b.copy_(a)
        if backend.is_gpu:
            torch.cuda.synchronize()
        best = min(best, time.perf_counter() - t0)
    return 2 * 8 * n / best


def device_comparison(device: str, ny: int, nx: int) -> None:
    """The map on numpy against the map on ``device``, side by side."""
    from kapitza._backend import select_backend
    from kapitza.analysis.eels import lm

    backend = select_backend(device)
    bw = _bandwidth(backend)
    print(f"device {backend.label}: measured copy bandwidth {bw / 1e9:.1f} GB/s")
    counted = {"pair_evaluations": 0}
    call = lm.Problem.__call__

    def counting(self, x):
        counted["pair_evaluations"] += self.size * int(self.dv["G"].shape[1])
        return call(self, x)

    for channels in (512, 2048):
        sy, sx = (ny, nx) if channels == 512 else (max(1, ny // 2), max(1, nx // 2))
        data = image(sy, sx, channels)
        n_pix = sy * sx
        stream_temperature_map(data, device=device)  # warm-up (library loading, the device's first kernels)
        times = {"cpu": [], device: []}
        cpus = {"cpu": [], device: []}
        maps = {}
        for _ in range(REPEATS):
            for dev in ("cpu", device):
                w, c, maps[dev] = timed(lambda d=data, v=dev: stream_temperature_map(d, device=v))
                times[dev].append(w)
                cpus[dev].append(c)
        lm.Problem.__call__ = counting
        counted["pair_evaluations"] = 0
        try:
            w_dev, _, _ = timed(lambda d=data: stream_temperature_map(d, device=device))
        finally:
            lm.Problem.__call__ = call
        moved = counted["pair_evaluations"] * ACCESSES_PER_PAIR * 8
        tn, td = min(times["cpu"]), min(times[device])
        print(
            f"\n{sy} x {sx} x {channels} channels: map on numpy {tn:.2f} s wall ({n_pix / tn:.0f} pixels/s, "
            f"{min(cpus['cpu']):.2f} s CPU), on {maps[device].device} {td:.2f} s wall ({n_pix / td:.0f} pixels/s, "
            f"{min(cpus[device]):.2f} s CPU; best of {REPEATS}): numpy / device = {tn / td:.2f}x wall"
        )
        dt = float(np.nanmax(np.abs(maps["cpu"].temperature - maps[device].temperature)))
        de = float(np.nanmax(np.abs(maps["cpu"].temperature_err - maps[device].temperature_err)))
        same = bool(np.array_equal(maps["cpu"].valid, maps[device].valid))
        print(f"same valid pixels: {same}; max |difference| of T {dt:.1e} K, of its error {de:.1e} K")
        print(
            f"fits' passes: {counted['pair_evaluations'] / n_pix:.0f} pair evaluations per pixel, ~{moved / 1e9:.2f} "
            f"GB moved (model) in {w_dev:.2f} s = {moved / w_dev / 1e9:.1f} GB/s = {moved / w_dev / bw:.3f} of the "
            "measured bandwidth (the whole map's time, host steps and reading included)"
        )


def main() -> None:
    if "--device" in sys.argv:
        i = sys.argv.index("--device")
        device = sys.argv[i + 1]
        rest = [int(a) for a in sys.argv[1:i] + sys.argv[i + 2 :]]
        ny, nx = rest[:2] if len(rest) >= 2 else (64, 64)
        device_comparison(device, ny, nx)
        return
    args = [int(a) for a in sys.argv[1:]]
    ny, nx = args[:2] if len(args) >= 2 else (128, 128)
    sy, sx = args[2:4] if len(args) >= 4 else (256, 256)
    for channels in (512, 2048):
        if channels == 2048:
            ny, nx = max(1, ny // 2), max(1, nx // 2)  # the same run time per image, about
        in_memory(ny, nx, channels)
    streamed(sy, sx, 512)
    memory_statement(64, 64, 2048)


if __name__ == "__main__":
    main()
