"""AGF solver vs a straightforward per-(omega, k) loop, the machine's zgemm rate, and dask scaling.

Run: python benchmarks/agf.py

The fixed problem: Stillinger-Weber silicon (a = 5.431 A) on both sides,
masses 28.0855 amu (left) and 72.63 amu (right), transport along [001],
cross-section one conventional cubic cell (periodic), principal layer = 2
cubic cells (48 degrees of freedom), device = 4 principal layers (2 light,
2 heavy), omega_i = i omega_max / 100 (i = 1..100) with omega_max the bulk
maximum of the light side, a 2x2 Monkhorst-Pack grid of transverse
wavevectors, z = omega^2 (1 + 1e-6 i) everywhere.

(a) kapitza: reduced-lead decimation, recursive device sweep over
    12-DOF slices, frequencies stacked, time-reversal pairs merged;
(b) benchmarks/agf_baseline.py: decimation on the full layer, a dense
    inverse of the whole device, one (omega, k) at a time, all 4 k points.
Both run in this process with BLAS limited to one thread (the kernels' and
the baseline's matrices are small; see kapitza.transmission.agf.solver).
Ratios are measured side by side; absolute times on these shared machines
drift by tens of percent.

Then, for N x N conventional-cell cross-sections (N = 1..6, ``--sizes``) of
an intermixed SW Si | Ge interface: the cost per (omega, k) of the two lead
self-energy methods (decimation and Bloch modes) side by side, which one
``lead_method="auto"`` takes, the device recursion's GFLOP/s beside the
single-thread zgemm rate at the slice size, the leads' channel counts, the
parity of the two lead methods, and the 100 omega x 16 k run extrapolated
from the measured per-point cost (``--scaling-only`` for this part alone).

``--device gpu|torch-cpu`` instead runs the N x N cross-sections (``--sizes``) through the array backend
(kapitza._backend) beside the numpy path, in the same run: per (omega, k) at one k point and a stack of
frequencies (``--points``), the lead self-energies as a run takes them (folded onto the 1x1 cell's leads), the
device recursion (G_N1 and the Caroli trace) and the leads' channel counts, on the device and on numpy; the
device recursion's rate as a fraction of the zgemm rate measured on the same device at the slice size (and
numpy's of numpy's), the ratio of the two paths, the parity of Xi, and the memory of one stack: the estimate
(kernels.device_bytes, for the supercell leads: an upper bound for folded ones) beside the measured peak (on a
GPU torch.cuda.max_memory_allocated above what was allocated before; numpy's arrays by tracemalloc; none for
torch on the CPU, which keeps no allocator statistics).
torch-cpu runs torch with one thread, like numpy's one BLAS thread.

``--end-to-end N`` instead runs the whole N x N intermixed Si | Ge job as a user would (``run_agf``, the
API of ``kapitza agf Si Ge --potential sw --lateral NxN --mixing-layers 2 --seed 1 --kpoints 4
--frequencies 100 --workers 2``, defaults otherwise): model build, the interface sweep on a local dask cluster
of ``--workers`` processes, both leads' channel counts, the broadening check (eta/2 on one k point in eight); it
prints the wall time, the peak memory of this
process and its workers, and G; then the parity of three of its points (one k) against the supercell leads
decimated, the path the folded leads replaced.  Nothing else runs beside the job, so the time is the job's.
"""

from __future__ import annotations

import argparse
import logging
import operator
import os
import time
from functools import partial

import agf_baseline
import numpy as np
from threadpoolctl import threadpool_limits
from timing import best

from kapitza.atomistic.potentials import get_potential
from kapitza.atomistic.structures import build_interface
from kapitza.transmission.agf import (
    interface_model,
    kernels,
    lead_max_frequency,
    monkhorst_pack,
    reduce_time_reversal,
    transmission,
)
from kapitza.transmission.agf.folding import fold_lead
from kapitza.transmission.agf.parallel import close_client, local_client
from kapitza.transmission.agf.solver import BLOCH_MIN_SIZE, solve_chunk

ETA = 1e-6
#: Seconds any wait on the process pool may take (dask waits are bounded in kapitza.transmission.agf.parallel).
POOL_TIMEOUT = 600


def build():
    structure = build_interface(
        "Si",
        "Ge",
        "001",
        lattice_constants_angstrom=(5.431, 5.431),
        cells=(6, 6),
        mass_only=True,
        masses_amu=(28.0855, 72.63),
    )
    model = interface_model(structure, get_potential("sw", ["Si"]), pl_cells=2)
    w_max = lead_max_frequency(model, "left", [(0.0, 0.0)], samples=64)
    omega = np.arange(1, 101) * w_max / 100
    return model, omega, w_max


def zgemm_rate(n: int, batch: int, repeats: int = 20) -> float:
    """Measured complex matmul rate (flop/s) for a stack of n x n products, 8 n^3 flops each."""
    rng = np.random.default_rng(0)
    a = rng.standard_normal((batch, n, n)) + 1j * rng.standard_normal((batch, n, n))
    b = rng.standard_normal((batch, n, n)) + 1j * rng.standard_normal((batch, n, n))
    t, _ = best(lambda: a @ b, repeats)
    return 8.0 * n**3 * batch / t


def flops_kapitza(model, omega, kpoints) -> float:
    """Analytic flop count of the kapitza kernels (complex: 8 flops per multiply-add; LU 8n^3/3, solve 8n^2 r)."""

    def lu(n):
        return 8.0 * n**3 / 3

    def solve(n, r):
        return lu(n) + 8.0 * n * n * r

    def mm(a, b, c):
        return 8.0 * a * b * c

    total = 0.0
    for k in kpoints:
        left, device, right = model.blocks_at(k)
        z = (omega**2 * (1 + 1j * ETA)).astype(complex)
        for lead in (left, right):
            nb, nr = lead.boundary.size, lead.rest.size
            m = lead.contact.shape[1]
            steps = kernels.self_energy(z, lead).steps  # per-frequency decimation steps
            per_w = solve(nr, 2 * nb) + 3 * mm(nb, nr, nb)  # reduction
            per_step = solve(nb, 2 * nb) + 4 * mm(nb, nb, nb)
            per_w += 8.0 * nb**3 + mm(m, nb, nb) + mm(m, nb, m)  # final inverse and Sigma
            total += omega.size * per_w + steps.sum() * per_step
        sizes = [h.shape[0] for h in device.onsite]
        for s, m in enumerate(sizes):
            if s < len(sizes) - 1:
                nxt = sizes[s + 1]
                total += omega.size * (solve(m, nxt + sizes[0]) + mm(nxt, m, nxt + sizes[0]))
            else:
                total += omega.size * solve(m, sizes[0])
        total += omega.size * (2 * mm(sizes[-1], sizes[-1], sizes[0]) + 8.0 * sizes[-1] * sizes[0])
    return total


def main() -> None:
    logging.getLogger("distributed").setLevel(logging.WARNING)  # keep the report readable
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--dask-only", action="store_true", help="only the dask scaling part")
    parser.add_argument("--scaling-only", action="store_true", help="only the cross-section scaling part")
    parser.add_argument(
        "--sizes", default="1,2,3,4,5,6", help="cross-sections (N for N x N conventional cells) of the scaling part"
    )
    parser.add_argument(
        "--end-to-end", type=int, metavar="N", help="only the whole N x N intermixed job, timed end to end"
    )
    parser.add_argument("--workers", type=int, default=2, help="dask workers of --end-to-end")
    parser.add_argument(
        "--device", choices=("gpu", "torch-cpu"), help="the cross-sections on this backend beside numpy"
    )
    parser.add_argument("--points", type=int, help="frequencies per stack of --device (default: by size)")
    args = parser.parse_args()
    if args.device:
        on_device(args.device, [int(n) for n in args.sizes.split(",")], args.points, args.repeats)
        return
    if args.end_to_end:
        end_to_end(args.end_to_end, args.workers)
        return
    if args.scaling_only:
        cross_sections([int(n) for n in args.sizes.split(",")])
        return

    model, omega, w_max = build()
    grid = monkhorst_pack(2)
    irreducible, weights = reduce_time_reversal(grid)
    n_points = omega.size * grid.shape[0]
    print("AGF benchmark: SW Si | heavy Si (28.0855 | 72.63 amu), [001], 1x1 cubic cross-section")
    print(
        f"  principal layer 48 DOF, device 4 layers = {model.bounds[-3] - model.bounds[2]} DOF "
        f"(kapitza slices: {model.n_slices} x {model.slice_sizes[0]} DOF)"
    )
    print(
        f"  omega_max = {w_max / 2e12 / np.pi:.3f} THz, 100 frequencies, 2x2 k grid "
        f"({irreducible.shape[0]} after time reversal), eta = {ETA:g}"
    )

    if not args.dask_only:
        compare(model, omega, grid, irreducible, n_points, args.repeats)
        cross_sections([int(n) for n in args.sizes.split(",")])
    dask_scaling(model, omega, grid, args.repeats)


def compare(model, omega, grid, irreducible, n_points, repeats) -> None:
    with threadpool_limits(limits=1, user_api="blas"):
        t_kap, res = best(lambda: transmission(model, omega, grid, eta=ETA), repeats)
        t_base, base = best(lambda: agf_baseline.transmission(model, omega, grid, ETA), 1)
        rate_small = zgemm_rate(12, 100)
        rate_large = zgemm_rate(192, 4, repeats=5)
        flops = flops_kapitza(model, omega, irreducible)

    # same k points: kapitza's irreducible ones are among the baseline's grid
    index = [int(np.argmin(np.abs(grid - k).sum(axis=1))) for k in irreducible]
    diff_same_k = np.abs(res.xi_k - base[index]).max()
    base_avg = base.mean(axis=0)
    diff_avg = np.abs(res.xi - base_avg).max()
    print(
        f"\n  kapitza solver : {t_kap * 1e3:9.1f} ms  ({t_kap / n_points * 1e6:7.1f} us per (omega, k) of the grid, "
        f"{t_kap / (omega.size * irreducible.shape[0]) * 1e6:.1f} us per point computed)"
    )
    print(f"  baseline loop  : {t_base * 1e3:9.1f} ms  ({t_base / n_points * 1e6:7.1f} us per (omega, k))")
    print(
        f"  speed-up       : {t_base / t_kap:9.1f}x per (omega, k) of the grid "
        f"({t_base / t_kap / 2:.1f}x without the time-reversal halving)"
    )
    print(f"  max |Xi_kapitza - Xi_baseline| at the same k: {diff_same_k:.1e} (Xi up to {base.max():.2f})")
    print(f"  max |k-averaged difference|                 : {diff_avg:.1e} (time reversal holds to O(eta))")
    print(
        f"\n  zgemm rate (numpy, 1 thread): {rate_small / 1e9:6.1f} GFLOP/s at 12x12 (stacked x100), "
        f"{rate_large / 1e9:6.1f} GFLOP/s at 192x192"
    )
    achieved = flops / t_kap
    print(
        f"  kapitza kernels: {flops / 1e9:.3f} GFLOP (analytic count) -> {achieved / 1e9:.1f} GFLOP/s = "
        f"{achieved / rate_small:.0%} of the 12x12 zgemm rate, {achieved / rate_large:.0%} of the 192x192 rate"
    )


#: Frequencies timed per cross-section N (one k point): fewer for the large ones, whose cost is extrapolated.
SCALING_POINTS = {1: 25, 2: 25, 3: 12, 4: 6, 5: 3, 6: 3}
#: The issue's target run: 100 frequencies x a 4x4 k grid (16 points, 8 after time reversal).
TARGET_OMEGA, TARGET_K = 100, 8


def scaling_model(n: int):
    """SW Si | Ge (mass mismatch), [001], N x N conventional cells in the plane, 6 + 6 cells along z, two atomic
    planes intermixed on each side (seed 29): 16 device slices of 12 N^2 DOF, lead units of 48 N^2 DOF."""
    structure = build_interface(
        "Si",
        "Ge",
        "001",
        lattice_constants_angstrom=(5.431, 5.431),
        cells=(6, 6),
        lateral=(n, n),
        mass_only=True,
        masses_amu=(28.0855, 72.63),
        mixing_layers=2,
        seed=29,
    )
    return interface_model(structure, get_potential("sw", ["Si"]), pl_cells=2)


def device_flops(sizes) -> float:
    """Analytic flops of one G_N1 sweep and the Caroli trace at one z (complex: 8 per multiply-add)."""
    total = 0.0
    for s, m in enumerate(sizes):
        if s < len(sizes) - 1:
            r = sizes[s + 1] + sizes[0]
            total += 8.0 * m**3 / 3 + 8.0 * m * m * r + 8.0 * sizes[s + 1] * m * r
        else:
            total += 8.0 * m**3 / 3 + 8.0 * m * m * sizes[0]
    return total + 2 * 8.0 * sizes[-1] ** 2 * sizes[0] + 8.0 * sizes[-1] * sizes[0]


def decimation_flops(nb: int, nr: int, m: int, steps: float) -> float:
    """Analytic flops of one lead's reduction, ``steps`` decimation steps and Sigma at one z."""
    reduce = 8.0 * nr**3 / 3 + 8.0 * nr * nr * 2 * nb + 3 * 8.0 * nb * nr * nb
    per_step = 8.0 * nb**3 / 3 + 8.0 * nb * nb * 2 * nb + 4 * 8.0 * nb**3
    return reduce + steps * per_step + 8.0 * nb**3 + 8.0 * m * nb * nb + 8.0 * m * nb * m


def cross_sections(sizes) -> None:
    """Per-point cost, GFLOP/s and the single-thread zgemm rate at the slice size for N x N cross-sections.

    For each N, at one k point (0.13, 0.29) and SCALING_POINTS[N] frequencies across the band (one stacked
    chunk), with one BLAS thread, best of 2: the two lead self-energies of the supercell leads by decimation
    and by Bloch modes, and folded onto the 1x1 cell's leads (agf.folding, "auto" method on those); the device
    recursion (G_N1 and the Caroli trace); the two leads' channel counts (supercell and folded); the parity of
    the transmission between the lead routes.  The 100 omega x 16 k run is extrapolated from the per-point
    cost as 800 points (time reversal) of one interface sweep plus 2 x 800 channel counts and the blocks of the
    8 k points (three times: interface and both counts), on one core; for
    two cores divide by the two-worker speed-up that the dask section measures (no speed-up is assumed here).
    """
    print(
        "\n  Cross-sections (SW Si | Ge, 2 intermixed planes each side, 16 slices; 1 BLAS thread; ms per (omega, k)):"
    )
    print(
        "    N  slice  nb | leads: decim   Bloch  folded | device  GFLOP/s  zgemm(slice)   % | counts: super folded"
        " | point: auto  folded | parity | 100 w x 16 k on 1 core: auto, folded"
    )
    k = (0.13, 0.29)
    primitive = scaling_model(1)
    for n in sizes:
        t0 = time.perf_counter()
        model = scaling_model(n)
        build = time.perf_counter() - t0
        top = lead_max_frequency(model, "left", [(0.0, 0.0)])
        omega = np.linspace(0.04, 0.96, SCALING_POINTS.get(n, 3)) * top
        z = (omega**2 * (1 + 1j * ETA)).astype(complex)
        with threadpool_limits(limits=1, user_api="blas"):
            t_blocks, (left, device, right) = best(partial(model.blocks_at, k), 1)
            leads = (left, right)
            folds = [fold_lead(model, primitive, side) for side in ("left", "right")]
            t_fblocks, folded = best(partial(_fold_blocks, leads, folds, k), 1)
            t_dec, dec = best(partial(_sigmas, z, leads, "decimation"), 2)
            t_blo, blo = best(partial(_sigmas, z, leads, "bloch"), 2)
            t_fol, fol = best(partial(_folded_sigmas, z, folded), 2)
            t_dev, xi_d = best(partial(kernels.caroli, z, device, dec[0].sigma, dec[1].sigma), 2)
            xi_b = kernels.caroli(z, device, blo[0].sigma, blo[1].sigma)
            xi_f = kernels.caroli(z, device, fol[0].sigma, fol[1].sigma)
            t_cnt, _ = best(partial(_counts, z, leads), 1)
            t_fcnt, _ = best(partial(_folded_counts, z, folded), 2)
            m = max(model.slice_sizes)
            rate = zgemm_rate(m, max(1, min(25, int(2e8 // (16 * m * m)))), repeats=3)
        per = omega.size
        nb, nr = left.boundary.size, left.rest.size
        auto = "bloch" if nb >= BLOCH_MIN_SIZE else "decimation"
        t_lead = t_blo if auto == "bloch" else t_dec
        point = (t_lead + t_dev) / per
        point_f = (t_fol + t_dev) / per
        gflops = device_flops(model.slice_sizes) * per / t_dev / 1e9
        scale = max(xi_d.max(), 1e-300)
        parity = float(max(np.abs(xi_b - xi_d).max(), np.abs(xi_f - xi_d).max()) / scale)
        # per k: the blocks once for the interface sweep and once for each lead's count (the folded blocks too)
        total = TARGET_K * (TARGET_OMEGA * (point + t_cnt / per) + 3 * t_blocks)
        total_f = TARGET_K * (TARGET_OMEGA * (point_f + t_fcnt / per) + 3 * (t_blocks + t_fblocks))
        print(
            f"    {n}  {m:5d} {nb:4d} | {t_dec / per * 1e3:11.2f} {t_blo / per * 1e3:7.2f} {t_fol / per * 1e3:7.2f}"
            f" | {t_dev / per * 1e3:7.2f} {gflops:7.1f} {rate / 1e9:8.1f} {gflops * 1e9 / rate:9.0%}"
            f" | {t_cnt / per * 1e3:13.2f} {t_fcnt / per * 1e3:6.2f} | {point * 1e3:11.2f} {point_f * 1e3:7.2f}"
            f" | {parity:.0e}  | {_duration(total)}, {_duration(total_f)}   [{per} points ({auto}); model built in"
            f" {build:.0f} s]"
        )
        steps = float(np.mean([d.steps.mean() for d in dec]))
        lead_gflops = 2 * decimation_flops(nb, nr, device.onsite[0].shape[0], steps) * per / t_dec / 1e9
        print(
            f"       decimation: {steps:.1f} steps per z, {lead_gflops:.1f} GFLOP/s (analytic count); "
            f"Bloch / decimation {t_blo / t_dec:.2f}, folded / auto {t_fol / t_lead:.3f}; per k: blocks"
            f" {t_blocks * 1e3:.0f} ms, folded lead blocks {t_fblocks * 1e3:.0f} ms"
        )
    print(
        "    leads: both lead self-energies of the supercell (decim = Lopez Sancho-Rubio, Bloch = one eigenproblem"
        " per z)\n    and folded onto N x N primitive leads; device: the G_N1 sweep + Caroli trace, its GFLOP/s"
        " from the analytic count\n    and its share of the zgemm rate at the slice size; counts: both leads'"
        " channel counts (the ballistic G); point: leads + device;\n    parity: largest |Xi - Xi_decimation| /"
        " max Xi of the other two routes; last: 800 points + 1600 counts + 3 x 8 k-point block set-ups"
        " (model build excluded)"
    )


def _sync(backend) -> None:
    """Wait for the device's queued work (CUDA runs asynchronously); nothing on the CPU."""
    if backend.is_gpu:
        import torch

        torch.cuda.synchronize(backend.device)


def _in_turn(jobs, repeats, clock):
    """Best time of each job of ``jobs`` ({key: (backend, fn)}), all timed in turn in every repeat (so that they
    see the same machine), with the device synchronised; and each job's last result."""
    times = {key: [] for key in jobs}
    out = {}
    for _ in range(repeats):
        for key, (backend, fn) in jobs.items():
            t0 = clock()
            out[key] = fn()
            _sync(backend)
            times[key].append(clock() - t0)
    return {key: min(t) for key, t in times.items()}, out


def device_zgemm_rates(backends, n: int, batch: int, clock, repeats: int = 5) -> dict:
    """Measured complex matmul rate (flop/s) of each of ``backends`` ({name: backend}) for a stack of n x n
    products (8 n^3 flops each), timed in turn."""
    rng = np.random.default_rng(0)
    a = rng.standard_normal((batch, n, n)) + 1j * rng.standard_normal((batch, n, n))
    b = rng.standard_normal((batch, n, n)) + 1j * rng.standard_normal((batch, n, n))
    jobs = {}
    for name, backend in backends.items():
        x, y = backend.asarray(a), backend.asarray(b)
        jobs[name] = (backend, partial(operator.matmul, x, y))
    _in_turn(jobs, 1, clock)  # warm up (library handles, first-call costs)
    times, _ = _in_turn(jobs, repeats, clock)
    return {name: 8.0 * n**3 * batch / t for name, t in times.items()}


def peak_bytes(backend, fn) -> float | None:
    """Bytes the call ``fn()`` adds at its peak: torch's allocator on a GPU, tracemalloc for numpy (its arrays,
    not LAPACK's internal copies); None for torch on the CPU (no allocator statistics there)."""
    if backend.is_gpu:
        import torch

        _sync(backend)
        torch.cuda.reset_peak_memory_stats(backend.device)
        before = torch.cuda.memory_allocated(backend.device)
        fn()
        _sync(backend)
        return float(torch.cuda.max_memory_allocated(backend.device) - before)
    if backend.name != "numpy":
        return None
    import tracemalloc

    tracemalloc.start()
    try:
        fn()
        return float(tracemalloc.get_traced_memory()[1])
    finally:
        tracemalloc.stop()


def on_device(device: str, sizes, points, repeats) -> None:
    """The cross-sections on ``device``'s backend beside numpy, in this run (see the module docstring)."""
    import torch

    from kapitza._backend import NUMPY, select_backend
    from kapitza.transmission.agf.solver import model_sizes

    backend = select_backend(device)
    if not backend.is_gpu:
        torch.set_num_threads(1)  # a benchmark may: like numpy's single BLAS thread
    # on a GPU wall time; on the CPU this process's CPU time (a shared machine's other users drop out of it)
    clock = time.perf_counter if backend.is_gpu else time.process_time
    k = (0.13, 0.29)
    print(
        f"AGF kernels on {backend.label} beside numpy (1 BLAS thread), SW Si | Ge, 2 intermixed planes, k = {k};"
        f" best of {repeats} in turn, {'wall' if backend.is_gpu else 'CPU'} time"
    )
    print(
        "    N  slice pts | ms per (omega, k): leads (folded) numpy  dev  ratio | device numpy  dev  ratio"
        " | counts numpy  dev  ratio | point ratio | device GFLOP/s dev (% of its zgemm) numpy (%)"
        " | parity | memory of a stack: estimate, measured dev, numpy"
    )
    primitive = scaling_model(1)
    for n in sizes:
        model = scaling_model(n)
        top = lead_max_frequency(model, "left", [(0.0, 0.0)])
        per = points or SCALING_POINTS.get(n, 3)
        omega = np.linspace(0.04, 0.96, per) * top
        z = (omega**2 * (1 + 1j * ETA)).astype(complex)
        left, device_blocks, right = model.blocks_at(k)
        folds = [fold_lead(model, primitive, side) for side in ("left", "right")]
        folded = _fold_blocks((left, right), folds, k)
        m = max(model.slice_sizes)
        with threadpool_limits(limits=1, user_api="blas"):
            on_dev = kernels.to_backend((folded, device_blocks), backend)
            zt = backend.asarray(z)
            paths = {"numpy": (NUMPY, z, folded, device_blocks), "dev": (backend, zt, *on_dev)}
            sig = {name: _folded_sigmas(zz, lp) for name, (_, zz, lp, _) in paths.items()}  # also warms up
            jobs = {}
            for name, (xp, zz, lp, dev) in paths.items():
                jobs[name, "leads"] = (xp, partial(_folded_sigmas, zz, lp))
                jobs[name, "device"] = (xp, partial(kernels.caroli, zz, dev, sig[name][0].sigma, sig[name][1].sigma))
                jobs[name, "counts"] = (xp, partial(_folded_counts, zz, lp))
            times, out = _in_turn(jobs, repeats, clock)
            batch = max(1, min(per, int(2e8 // (16 * m * m))))
            rate = device_zgemm_rates({"dev": backend, "numpy": NUMPY}, m, batch, clock)
            estimate = kernels.device_bytes(model_sizes(model), per, "decimation")
            measured = {name: peak_bytes(xp, partial(_stack, zz, lp, dev)) for name, (xp, zz, lp, dev) in paths.items()}
        flops = device_flops(model.slice_sizes) * per
        xi_np, xi_dev = out["numpy", "device"], backend.to_numpy(out["dev", "device"])
        parity = float(np.abs(xi_dev - xi_np).max() / max(np.abs(xi_np).max(), 1e-300))
        ms = {key: t / per * 1e3 for key, t in times.items()}
        point = {name: ms[name, "leads"] + ms[name, "device"] for name in ("numpy", "dev")}
        g_dev, g_np = flops / times["dev", "device"] / 1e9, flops / times["numpy", "device"] / 1e9
        print(
            f"    {n}  {m:5d} {per:3d} | {ms['numpy', 'leads']:26.2f} {ms['dev', 'leads']:6.2f}"
            f" {ms['numpy', 'leads'] / ms['dev', 'leads']:5.2f}x | {ms['numpy', 'device']:12.2f}"
            f" {ms['dev', 'device']:5.2f} {ms['numpy', 'device'] / ms['dev', 'device']:5.2f}x"
            f" | {ms['numpy', 'counts']:12.2f} {ms['dev', 'counts']:5.2f}"
            f" {ms['numpy', 'counts'] / ms['dev', 'counts']:5.2f}x | {point['numpy'] / point['dev']:10.2f}x"
            f" | {g_dev:17.1f} ({g_dev * 1e9 / rate['dev']:4.0%} of {rate['dev'] / 1e9:.1f})"
            f" {g_np:5.1f} ({g_np * 1e9 / rate['numpy']:4.0%} of {rate['numpy'] / 1e9:.1f})"
            f" | {parity:.0e} | {estimate / 1e6:.0f} MB, {_mb(measured['dev'])}, {_mb(measured['numpy'])}"
        )
    print(
        "    ratio: numpy time / device time (> 1: the device is faster); GFLOP/s from the analytic count of the"
        " G_N1 sweep,\n    beside the zgemm rate measured in this run on the same device at the slice size;"
        " parity: max |Xi_dev - Xi_numpy| / max Xi"
    )


def _mb(nbytes: float | None) -> str:
    return "-" if nbytes is None else f"{nbytes / 1e6:.0f} MB"


def _stack(z, leads, device):
    """One stack's work as a run does it: both folded leads' self-energies, then the device recursion."""
    sig = _folded_sigmas(z, leads)
    return kernels.caroli(z, device, sig[0].sigma, sig[1].sigma)


def end_to_end(n: int, workers: int) -> None:
    """The N x N intermixed Si | Ge job of ``kapitza agf`` at 100 omega x 16 k, timed from the call to the result."""
    import resource

    from kapitza.transmission.agf.run import run_agf

    settings = {"potential": "sw", "lateral": f"{n}x{n}", "mixing_layers": 2, "seed": 1, "kpoints": 4}
    shown = " ".join(f"{k}={v}" for k, v in settings.items())
    print(f"AGF end to end: SW Si | Ge, {shown}, {TARGET_OMEGA} frequencies, {workers} dask workers")
    t0 = time.perf_counter()
    result, model = run_agf("Si", "Ge", frequencies=TARGET_OMEGA, workers=workers, temperature=300.0, **settings)
    wall = time.perf_counter() - t0
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6  # kB on Linux -> GB
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1e6
    t = result.transmission
    print(
        f"  {t.omega.size} frequencies x {t.kpoints.shape[0]} k points (after time reversal of 16), "
        f"{model.n_dof} DOF in the model"
    )
    print(f"  wall {wall:.1f} s = {_duration(wall)} (target: under 10 min); sweep {t.seconds:.1f} s")
    print(f"  peak RSS: this process {own:.2f} GB, largest worker {kids:.2f} GB")
    print(
        f"  G(300 K): two-probe {result.conductance[0] / 1e6:.1f}, intrinsic {result.intrinsic[0] / 1e6:.1f}"
        " MW m^-2 K^-1"
    )
    b = result.broadening
    print(
        f"  broadening check on {len(b.kpoints)} of {b.of_kpoints} k points: G(300 K) {b.conductance[0] / 1e6:.2f} at"
        f" eta = {b.eta:g}, {b.conductance[1] / 1e6:.2f} at eta/2 (relative change {b.relative_change:.1e})"
    )
    # parity: a few points of the run against the path it replaced (the supercell leads, decimated, one process)
    ik = t.kpoints.shape[0] - 1
    picks = np.array([10, 50, 90]) * t.omega.size // 100
    t0 = time.perf_counter()
    with threadpool_limits(limits=1, user_api="blas"):
        ref, _, _ = solve_chunk(model.blocks_at(tuple(t.kpoints[ik])), t.omega[picks], t.eta, "decimation")
    got = t.xi_k[ik, picks]
    print(
        f"  parity at k = ({t.kpoints[ik][0]:.4g}, {t.kpoints[ik][1]:.4g}), frequencies {picks.tolist()}: Xi of the run"
        f" {np.round(got, 6).tolist()}, supercell leads decimated {np.round(ref, 6).tolist()};"
        f" max |difference| / max Xi {np.abs(got - ref).max() / max(np.abs(ref).max(), 1e-300):.1e}"
        f" ({time.perf_counter() - t0:.0f} s)"
    )


def _fold_blocks(leads, folds, k):
    return [f.blocks(x, k) for x, f in zip(leads, folds)]


def _folded_sigmas(z, folded):
    return [f.self_energy(z, "decimation") for f in folded]


def _folded_counts(z, folded):
    return [f.channels(z.real) for f in folded]


def _sigmas(z, leads, method):
    return [kernels.self_energy(z, x, method) for x in leads]


def _counts(z, leads):
    return [kernels.propagating_channels(z.real, x) for x in leads]


def _duration(seconds: float) -> str:
    return f"{seconds / 60:.1f} min" if seconds < 5400 else f"{seconds / 3600:.2f} h"


def _solve_units(args):
    """The kernel work of a list of (k, chunk) units, in a plain process (the machine-ceiling probe)."""
    blocks, work, eta = args
    from kapitza.transmission.agf.parallel import _task

    t0 = time.perf_counter()
    _task(blocks, work, eta)
    return time.perf_counter() - t0


def dask_scaling(model, omega, grid, repeats) -> None:
    """dask 2 workers vs 1, and the same kernel work in 1 vs 2 plain processes (the machine's ceiling).

    All four are timed in turn in every repeat (best of), so that they see the same machine: on these
    VMs two vCPUs often deliver only ~1.2-1.5x for compute-bound code (they behave like two hyperthreads
    of one core), which caps any parallel speed-up of the solver.
    """
    from kapitza.transmission.agf.parallel import THREAD_ENV

    print("\n  dask.distributed (LocalCluster, single-threaded worker processes; start-up excluded):")
    os.environ.update({k: v for k, v in THREAD_ENV.items() if "THREADS" in k})
    for label, kgrid, chunk in (
        ("benchmark problem (2x2 k)", grid, 10),
        ("same interface, 8x8 k", monkhorst_pack(8), 25),
    ):
        best_of = _scaling_times(model, omega, kgrid, chunk, max(repeats, 5))
        dask, plain = best_of["dask 1"] / best_of["dask 2"], best_of["plain 1"] / best_of["plain 2"]
        print(
            f"    {label:28s}: 1 worker {best_of['dask 1'] * 1e3:8.1f} ms, 2 workers "
            f"{best_of['dask 2'] * 1e3:8.1f} ms, speed-up {dask:.2f}x\n"
            f"    {'':28s}  the same kernel work in plain processes: 1 {best_of['plain 1'] * 1e3:8.1f} ms, "
            f"2 {best_of['plain 2'] * 1e3:8.1f} ms, speed-up {plain:.2f}x (dask reaches {dask / plain:.0%} of it)"
        )


def _scaling_times(model, omega, kgrid, chunk, repeats) -> dict[str, float]:
    """Best-of times of dask (1, 2 workers) and plain processes (1, 2), timed in turn in every repeat."""
    import multiprocessing as mp

    from kapitza.transmission.agf.parallel import split_work

    irreducible, _ = reduce_time_reversal(kgrid)
    blocks = [model.blocks_at(k) for k in irreducible]
    chunks = [omega[i : i + chunk] for i in range(0, omega.size, chunk)]
    halves = split_work(len(blocks), chunks, 2)
    whole = [u for h in halves for u in h]
    clients = {n: local_client(n) for n in (1, 2)}
    pool = mp.get_context("spawn").Pool(2)
    try:
        jobs = {
            "dask 1": lambda: transmission(model, omega, kgrid, eta=ETA, client=clients[1], chunk=chunk),
            "dask 2": lambda: transmission(model, omega, kgrid, eta=ETA, client=clients[2], chunk=chunk),
            # every wait bounded: a stuck pool is an error, not an 18-minute hang
            "plain 1": lambda: pool.map_async(_solve_units, [(blocks, whole, ETA)]).get(timeout=POOL_TIMEOUT),
            "plain 2": lambda: pool.map_async(_solve_units, [(blocks, h, ETA) for h in halves], chunksize=1).get(
                timeout=POOL_TIMEOUT
            ),
        }
        for job in jobs.values():
            job()  # warm up: imports and first-call costs
        times: dict[str, list[float]] = {name: [] for name in jobs}
        for _ in range(repeats):
            for name, job in jobs.items():
                t0 = time.perf_counter()
                job()
                times[name].append(time.perf_counter() - t0)
    finally:
        pool.terminate()  # also after a timeout: no worker left behind
        for c in clients.values():
            close_client(c)
    return {name: min(t) for name, t in times.items()}


if __name__ == "__main__":
    main()
