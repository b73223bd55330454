"""Temperature maps of spectrum images: the chunked map and the whole-image chain against a per-pixel Python loop,
and a map of an image streamed from disk.

Run: python benchmarks/eels.py [NY NX CHANNELS [STREAM_NY STREAM_NX]]
     (default 128 128 2048 256 256: a few minutes, ~3 GB of memory and ~0.6 GB of disk in the temp directory)

Part 1, in memory: NY x NX noisy copies of the AlN forward-model spectrum at 300 K (dose 1e7, 6 meV resolution,
CHANNELS channels over -128..128 meV), all through the same analysis -- centring, power-law background fitted on
12-18 and 110-125 meV, fit_temperature over 50-80 meV:

* chunked: ``stream_temperature_map`` (kapitza.analysis.eels.stream) on the in-memory image, chunks of
  ``DEFAULT_CHUNK_MB`` of raw data, only the channels the fits read;
* whole image: ``fit_temperature(preprocess(image))``, vectorised over all pixels at once;
* loop: the same two calls on one spectrum at a time, as a script that loops over pixels would; timed on
  LOOP_PIXELS pixels and scaled to the image (a full loop takes many minutes).

They run side by side in one process (the chunked map and the loop alternately, three times each, the best of
each kept; the whole-image chain once): compare the ratios, not the absolute numbers.  Times are given as wall
time and as this process's CPU time (less disturbed by other work on a shared machine).  Peak memory is
traced with tracemalloc (numpy reports its allocations to it) in a second, untimed run of each, and printed above
the image and as a multiple of the image's counts array (float64).

Part 2, streamed: a STREAM_NY x STREAM_NX image of the same spectra is written to a temporary .npy file as int32
counts, one block of rows at a time (never whole in memory), opened as a read-only memory map and mapped with
``stream_temperature_map`` (LazyEELSData, Poisson variances made per chunk).  tracemalloc counts the arrays the
analysis allocates, not the file's pages in the page cache.
"""

from __future__ import annotations

import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np

from kapitza.analysis.eels.forward import simulate_stack
from kapitza.analysis.eels.preprocess import preprocess
from kapitza.analysis.eels.stream import DEFAULT_CHUNK_MB, LazyEELSData, stream_temperature_map
from kapitza.analysis.eels.temperature import fit_temperature
from kapitza.prediction.phonon_dos import material_dos

WINDOW = (50.0, 80.0)
#: Background windows given explicitly: the default outer window follows the axis range, which centring an image
#: trims to what all its pixels share, so a pixel alone would get a slightly different window.
BACKGROUND_WINDOWS = ((12.0, 18.0), (110.0, 125.0))
LOOP_PIXELS = 64
REPEATS = 3


def _stack(n: int, channels: int, seed: object):
    width = 256.0 / channels
    return simulate_stack(
        material_dos("AlN").energy_mev,
        material_dos("AlN").dos,
        300.0,
        n_copies=n,
        seed=seed,
        dose=1e7,
        channel_mev=width,
        energy_range_mev=(-128.0, 128.0 - width / 2),
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


def vectorised(data):
    return fit_temperature(preprocess(data, fit_windows_mev=BACKGROUND_WINDOWS), WINDOW)


def chunked(data):
    return stream_temperature_map(data, WINDOW, fit_windows_mev=BACKGROUND_WINDOWS)


def loop(data, n: int):
    flat_c = data.counts.reshape(-1, data.n_channels)
    flat_v = data.variance.reshape(-1, data.n_channels)
    out = []
    for i in range(n):
        one = data.replace("one pixel", counts=flat_c[i], variance=flat_v[i], positions_nm=(), nav_names=())
        out.append(fit_temperature(preprocess(one, fit_windows_mev=BACKGROUND_WINDOWS), WINDOW).temperature)
    return np.array(out)


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
    print(f"image {ny} x {nx} x {data.n_channels} channels ({size / 1e9:.2f} GB of counts, as much again of variances)")
    # the chunked map and the loop sample alternate, REPEATS times each; the best of each is kept (the machine is
    # shared: the least disturbed run of each), by wall time and by this process's CPU time
    chunk_w, chunk_c, loop_w, loop_c = [], [], [], []
    for _ in range(REPEATS):
        w, c, tmap = timed(lambda: chunked(data))
        chunk_w.append(w)
        chunk_c.append(c)
        w, c, temps = timed(lambda: loop(data, LOOP_PIXELS))
        loop_w.append(w / LOOP_PIXELS * n_pix)
        loop_c.append(c / LOOP_PIXELS * n_pix)
    w2, c2, _ = timed(lambda: stream_temperature_map(data, WINDOW, fit_windows_mev=BACKGROUND_WINDOWS, workers=2))
    t_vec, c_vec, fit = timed(lambda: vectorised(data))
    whole = np.asarray(fit.temperature)
    err = np.asarray(fit.temperature_err)
    d_t = float(np.nanmax(np.abs(tmap.temperature / whole - 1.0)))
    d_e = float(np.nanmax(np.abs(tmap.temperature_err / err - 1.0)))
    same_loop = np.allclose(temps, whole.reshape(-1)[:LOOP_PIXELS], rtol=1e-4)
    tc, cc, tl, cl = min(chunk_w), min(chunk_c), min(loop_w), min(loop_c)
    print(f"{'':32s}{'wall s':>9s}{'pixels/s':>10s}{'CPU s':>9s}{'pixels/s':>10s}")
    for name, w, c in (
        (f"chunked map (best of {REPEATS})", tc, cc),
        ("chunked map, 2 worker threads", w2, c2),
        ("whole-image chain", t_vec, c_vec),
        (f"per-pixel loop (best of {REPEATS})*", tl, cl),
    ):
        print(f"{name:32s}{w:9.2f}{n_pix / w:10.0f}{c:9.2f}{n_pix / c:10.0f}")
    print(f"* timed on {LOOP_PIXELS} pixels and scaled to the {n_pix} of the image")
    print(
        f"speed-up over the loop: chunked {tl / tc:.1f}x wall, {cl / cc:.1f}x CPU; 2 threads {tl / w2:.1f}x wall; "
        f"whole image {tl / t_vec:.1f}x wall, {cl / c_vec:.1f}x CPU"
    )
    print(
        f"chunked vs whole image: max |relative difference| T {d_t:.1e}, error {d_e:.1e}; "
        f"loop = whole image on the sampled pixels (rtol 1e-4): {same_loop}"
    )
    print(
        f"map: {tmap.n_valid} valid pixels, median T {np.nanmedian(tmap.temperature):.1f} K (truth 300 K), "
        f"median error {np.nanmedian(tmap.temperature_err):.1f} K"
    )
    for name, run in (("chunked", lambda: chunked(data)), ("whole image", lambda: vectorised(data))):
        peak = peak_bytes(run)
        print(f"peak memory above the image, {name}: {peak / 1e9:.3f} GB = {peak / size:.2f} x the counts array")


def streamed(ny: int, nx: int, channels: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "image.npy"
        t0 = time.perf_counter()
        out = np.lib.format.open_memmap(path, mode="w+", dtype=np.int32, shape=(ny, nx, channels))
        rows = max(1, 4096 // nx)
        for r in range(0, ny, rows):
            block = _stack(min(rows, ny - r) * nx, channels, (1, r))
            out[r : r + rows] = block.counts.reshape(-1, nx, channels).astype(np.int32)
            energy = block.energy_mev
        out.flush()
        del out
        print(f"\nstreamed image {ny} x {nx} x {channels}: written to disk in {time.perf_counter() - t0:.0f} s")
        counts = np.load(path, mmap_mode="r")
        lazy = LazyEELSData(energy_mev=energy, counts=counts, source=path.name, metadata={"detector_gain": 1.0})
        size = lazy.nbytes
        t, c, tmap = timed(lambda: stream_temperature_map(lazy, WINDOW, fit_windows_mev=BACKGROUND_WINDOWS))
        peak = peak_bytes(lambda: stream_temperature_map(lazy, WINDOW, fit_windows_mev=BACKGROUND_WINDOWS))
        print(
            f"streamed map (from a memory-mapped int32 file, {DEFAULT_CHUNK_MB:g} MB chunks): {t:.1f} s wall "
            f"({ny * nx / t:.0f} pixels/s), {c:.1f} s CPU ({ny * nx / c:.0f} pixels/s); {tmap.n_valid} valid pixels, "
            f"median T {np.nanmedian(tmap.temperature):.1f} K"
        )
        print(
            f"peak memory, streamed (second run, traced): {peak / 1e9:.3f} GB = {peak / size:.3f} x the image's "
            f"counts as float64 ({size / 1e9:.2f} GB; the file holds {path.stat().st_size / 1e9:.2f} GB)"
        )
        print(f"  {tmap.steps[-1]}")


def main() -> None:
    args = [int(a) for a in sys.argv[1:]]
    ny, nx, channels = args[:3] if len(args) >= 3 else (128, 128, 2048)
    sy, sx = args[3:5] if len(args) >= 5 else (256, 256)
    in_memory(ny, nx, channels)
    streamed(sy, sx, channels)


if __name__ == "__main__":
    main()
