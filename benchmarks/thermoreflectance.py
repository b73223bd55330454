"""Thermoreflectance model speed: vectorised evaluation against a per-point loop, and a full G + k fit.

Run: python benchmarks/thermoreflectance.py [REPEATS]   (default 5; about a minute)

The sample: 80 nm Al on sapphire with one interface (G = 100 MW m^-2 K^-1), pump/probe 1/e^2 radii 10/5 um,
80 MHz repetition rate, 9.8 MHz modulation.

* TDTR: the ratio at 50 delays (100 ps to 4 ns).  Vectorised: one ``tdtr_signal`` call (all delays share the
  pulse-sum frequencies and the Hankel quadrature nodes); loop: one call per delay, as a script that loops over
  delays would.
* FDTR: the phase at 50 modulation frequencies (10 kHz to 20 MHz): one ``fdtr_signal`` call vs one per frequency.
* Fit: G and k of the substrate from TDTR ratio data (the model plus 0.5 % noise), wall time of
  ``kapitza.analysis.thermoreflectance.least_squares.fit`` from a start 2x off in both.

Both variants run side by side in one process; compare the ratios, not the absolute numbers (the machines are
noisy).  Nothing here is a test.
"""

from __future__ import annotations

import math
import sys
import time

import numpy as np
from timing import best

from kapitza.analysis.thermoreflectance import Interface, Laser, Layer, Sample, fdtr_signal, tdtr_signal


def sample(g: float = 1e8, k_sub: float = 35.0) -> Sample:
    return Sample(
        (Layer("Al", 80e-9, 2.42e6, 200.0, 200.0), Layer("sub", math.inf, 3.06e6, k_sub, k_sub)),
        (Interface("G", g),),
        Laser(10e-6, 5e-6, 80e6, 9.8e6),
    )


def best_of(repeats: int, call) -> float:
    return best(call, repeats)[0]


def main(repeats: int = 5) -> None:
    s = sample()
    delays = np.geomspace(100e-12, 4e-9, 50)
    freqs = np.geomspace(1e4, 2e7, 50)
    rows = []
    vec = best_of(repeats, lambda: tdtr_signal(s, delays))
    loop = best_of(max(1, repeats // 2), lambda: [tdtr_signal(s, [d]) for d in delays])
    same = np.allclose(tdtr_signal(s, delays).ratio, [tdtr_signal(s, [d]).ratio[0] for d in delays], rtol=1e-4)
    rows.append(("TDTR, 50 delays", vec, loop, same))
    vec = best_of(repeats, lambda: fdtr_signal(s, freqs))
    loop = best_of(repeats, lambda: [fdtr_signal(s, [f]) for f in freqs])
    same = np.allclose(fdtr_signal(s, freqs).phase_deg, [fdtr_signal(s, [f]).phase_deg[0] for f in freqs], rtol=1e-9)
    rows.append(("FDTR, 50 frequencies", vec, loop, same))
    print(f"{'model':24s} {'vectorised':>14s} {'loop':>14s} {'ratio':>7s}  same result")
    for name, v, lo, ok in rows:
        print(f"{name:24s} {1 / v:9.1f} ev/s {1 / lo:9.2f} ev/s {lo / v:6.1f}x  {ok}")
    try:
        from kapitza.analysis.thermoreflectance.least_squares import fit
    except ImportError:  # before the fit module exists
        return
    rng = np.random.default_rng(1)
    y = tdtr_signal(s, delays).ratio * (1 + 0.005 * rng.standard_normal(delays.size))
    start = sample(g=2e8, k_sub=17.5)
    t0 = time.perf_counter()
    result = fit(start, "tdtr", delays, y, ["G", "k_sub"], quantity="ratio")
    wall = time.perf_counter() - t0
    g, k = result.values
    print(
        f"fit G + k_sub (TDTR, 50 delays, 0.5 % noise): {wall:.1f} s, {result.nfev} model evaluations; "
        f"G = {g / 1e6:.1f} MW m^-2 K^-1 (true 100), k_sub = {k:.2f} W/m/K (true 35)"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
