"""Full-dispersion channel density of Si (SW) on 20^3, 30^3, 40^3 meshes, and G(T) once it exists.

Run: python benchmarks/dispersion.py [--meshes 20,30,40] [--temperatures 1000]

Measured in one run, side by side:
* per mesh: irreducible q-points, wall time and Python/numpy peak memory (tracemalloc, in a
  second call; phonopy's C/Rust buffers are not counted) of the mode sum (phonons on the
  irreducible wedge, star unfolding) and of the broadened tabulation; for the
  smallest mesh also the full mesh, for the symmetry speed-up (same result to 1e-13);
* full-dispersion DMM Si -> Ge G(T) for many temperatures from the ready spectra,
  next to the closed-form Debye DMM for the same temperatures.
The force constants and the long-wavelength limit are built before the clock starts.
"""

from __future__ import annotations

import argparse
import time
import tracemalloc

import numpy as np
from timing import best

from kapitza import get_material, landauer
from kapitza.phonons import HarmonicCrystal, debye_spectrum
from kapitza.phonons.full_dispersion import continuum_limit, full_dispersion_spectrum, mode_sum_spectrum
from kapitza.phonons.modes import irreducible_mesh
from kapitza.transmission import diffuse_mismatch


def measure(fn):
    """(seconds, peak MiB, result): wall time of a plain call, peak memory from a second, traced call.

    tracemalloc slows Python allocations several-fold, so the two are measured separately.
    """
    t0 = time.perf_counter()
    out = fn()
    seconds = time.perf_counter() - t0
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return seconds, peak / 2**20, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--meshes", default="20,30,40")
    parser.add_argument("--temperatures", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    meshes = [int(m) for m in args.meshes.split(",")]

    si = HarmonicCrystal.from_potential("Si", "sw")
    limit = continuum_limit(si, (0, 0, 1))
    print("Si (Stillinger-Weber), normal [001], channel density M_b(omega) of 6 bands")
    print(f"{'mesh':>6} {'q-points':>9} {'mode sum':>10} {'tabulate':>10} {'peak MiB':>9}")
    for n in meshes:
        mesh = (n, n, n)
        n_ir = len(irreducible_mesh(mesh, si.reciprocal_rotations)[0])
        t_sample, mem_sample, sample = measure(lambda mesh=mesh: si.mode_sample(mesh, (0, 0, 1)))
        t_tab, mem_tab, _ = measure(lambda s=sample, mesh=mesh: mode_sum_spectrum(s, limit, material="Si", mesh=mesh))
        print(f"{n:>4}^3 {n_ir:>9} {t_sample * 1e3:>8.0f}ms {t_tab * 1e3:>8.0f}ms {max(mem_sample, mem_tab):>9.1f}")
    n = meshes[0]
    t_full, mem_full, full = measure(lambda: si.mode_sample((n, n, n), (0, 0, 1), symmetry=False))
    t_ir, _, ir = measure(lambda: si.mode_sample((n, n, n), (0, 0, 1)))
    print(
        f"{n:>4}^3 full mesh: {n**3} q-points, {t_full * 1e3:.0f} ms, {mem_full:.1f} MiB peak; "
        f"irreducible wedge {t_full / t_ir:.1f}x faster"
    )

    spectra = [full_dispersion_spectrum(HarmonicCrystal.from_potential(m, "sw")) for m in ("Si", "Ge")]
    full_model = diffuse_mismatch(*spectra)
    debye_model = diffuse_mismatch(debye_spectrum(get_material("Si")), debye_spectrum(get_material("Ge")))
    t = np.geomspace(1.0, 1000.0, args.temperatures)
    t_fd, g_fd = best(lambda: landauer.conductance(full_model, t), args.repeats)
    t_db, _ = best(lambda: landauer.conductance(debye_model, t), args.repeats)
    print(f"\nDMM Si -> Ge, G(T) at {args.temperatures} temperatures (best of {args.repeats}), spectra ready")
    print(f"  full dispersion: {t_fd * 1e3:8.1f} ms   ({g_fd.quadrature_nodes} quadrature nodes)")
    print(f"  Debye          : {t_db * 1e3:8.1f} ms")
    print(f"  ratio          : {t_fd / t_db:8.1f}x")


if __name__ == "__main__":
    main()
