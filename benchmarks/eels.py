"""Temperature map of a spectrum image: the vectorised analysis against a per-pixel Python loop.

Run: python benchmarks/eels.py [NY NX CHANNELS]   (default 256 256 2048; several minutes and ~15 GB at full size)

The image: NY x NX noisy copies of the AlN forward-model spectrum at 300 K (dose 1e7, 6 meV resolution,
CHANNELS channels over -128..128 meV).  Both variants run the same analysis -- preprocess (ZLP centring, power-law
background with its covariance) and fit_temperature over 50-80 meV:

* vectorised: one call on the whole image (kapitza.analysis.eels, chunked over pixels inside);
* loop: the same two calls on one spectrum at a time, as a script that loops over pixels would; timed on a
  sample of LOOP_PIXELS pixels and scaled to the image (a full loop takes hours).

Peak memory above the image itself is traced with tracemalloc (numpy reports its allocations to it) in a second,
untimed pass.  Both run once, side by side in one process: compare the ratio, not the absolute numbers.
"""

from __future__ import annotations

import sys
import time
import tracemalloc

import numpy as np

from kapitza.analysis.eels.forward import simulate_stack
from kapitza.analysis.eels.preprocess import preprocess
from kapitza.analysis.eels.temperature import fit_temperature
from kapitza.prediction.phonon_dos import material_dos

WINDOW = (50.0, 80.0)
#: Background windows given explicitly: the default outer window follows the axis range, which centring an image
#: trims to what all its pixels share, so a pixel alone would get a slightly different window.
BACKGROUND_WINDOWS = ((12.0, 18.0), (110.0, 125.0))
LOOP_PIXELS = 64


def image(ny: int, nx: int, channels: int):
    dos = material_dos("AlN")
    width = 256.0 / channels
    stack = simulate_stack(
        dos.energy_mev,
        dos.dos,
        300.0,
        n_copies=ny * nx,
        seed=0,
        dose=1e7,
        channel_mev=width,
        energy_range_mev=(-128.0, 128.0 - width / 2),
    )
    return stack.replace(
        "as an image",
        counts=stack.counts.reshape(ny, nx, -1),
        variance=stack.variance.reshape(ny, nx, -1),
        positions_nm=(np.arange(ny) * 0.2, np.arange(nx) * 0.2),
        nav_names=("y", "x"),
    )


def vectorised(data):
    return fit_temperature(preprocess(data, fit_windows_mev=BACKGROUND_WINDOWS), WINDOW)


def loop(data, n: int):
    flat_c = data.counts.reshape(-1, data.n_channels)
    flat_v = data.variance.reshape(-1, data.n_channels)
    out = []
    for i in range(n):
        one = data.replace("one pixel", counts=flat_c[i], variance=flat_v[i], positions_nm=(), nav_names=())
        out.append(fit_temperature(preprocess(one, fit_windows_mev=BACKGROUND_WINDOWS), WINDOW).temperature)
    return np.array(out)


def main() -> None:
    ny, nx, channels = (int(a) for a in sys.argv[1:4]) if len(sys.argv) >= 4 else (256, 256, 2048)
    data = image(ny, nx, channels)
    n_pix = ny * nx
    print(f"image {ny} x {nx} x {data.n_channels} channels ({data.counts.nbytes / 1e9:.2f} GB of counts)")
    t0 = time.perf_counter()
    fit = vectorised(data)
    t_vec = time.perf_counter() - t0
    t0 = time.perf_counter()
    temps = loop(data, LOOP_PIXELS)
    t_loop = (time.perf_counter() - t0) / LOOP_PIXELS * n_pix
    same = np.allclose(temps, np.asarray(fit.temperature).reshape(-1)[:LOOP_PIXELS], rtol=1e-4)
    print(f"vectorised: {t_vec:.1f} s for {n_pix} pixels ({n_pix / t_vec:.0f} pixels/s)")
    print(f"loop: {t_loop:.0f} s estimated from {LOOP_PIXELS} pixels ({n_pix / t_loop:.1f} pixels/s)")
    print(f"speed-up vectorised / loop: {t_loop / t_vec:.0f}x; same temperatures on the sampled pixels: {same}")
    t = np.asarray(fit.temperature)
    print(f"map: {int(np.sum(fit.valid))} valid pixels, median T {np.nanmedian(t):.1f} K (truth 300 K)")
    for name, run in (("vectorised", lambda: vectorised(data)), ("loop", lambda: loop(data, LOOP_PIXELS))):
        tracemalloc.start()
        run()
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        print(f"peak memory above the image, {name}: {peak / 1e9:.2f} GB")


if __name__ == "__main__":
    main()
