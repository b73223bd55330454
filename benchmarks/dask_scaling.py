"""dask per worker: 1 worker vs 2 vs two plain processes (the ceiling), the per-task overhead, external workers.

Run: python benchmarks/dask_scaling.py [--repeats N] [--part agf|campaign|external|all]  (about 5 minutes on
2 cores; not named dask.py: the script's folder comes first on sys.path and would shadow the dask package)

(a) AGF, SW Si | Ge (mass-mismatch, 28.0855 | 72.63 amu, a = 5.431 A), [001], a 2x2 conventional-cell
    cross-section (96 DOF per principal layer of 2 cells), 100 frequencies up to the light side's bulk maximum,
    a 2x2 k grid (2 points after time reversal), eta = 1e-6: 8 (k, 25-frequency) units.
    - in-process sweep (kapitza.transmission.agf.transmission, one BLAS thread);
    - run_on_dask on a LocalCluster of 1 and of 2 single-threaded workers (start-up excluded);
    - the same units in plain processes (a spawn pool): all of them in one, and half each in two at once: the
      machine's ceiling for two workers (2.00 = two free cores);
    - the per-task overhead (round trip of an empty task) against the tasks' compute time, as run_on_dask
      measured and chose them (kapitza.cluster.task_count).
(b) md campaign: 4 LJ bicrystal members (512 atoms, 18,000 steps each, seeds 1-4), run_campaign on a
    LocalCluster of 1 and of 2 workers (start-up excluded, each run in a fresh folder), and the same members
    run by run_member in one plain process vs two at once (two each); the per-task overhead against a member.
(c) external worker: a scheduler and one ``dask worker ADDRESS --nthreads 1`` started as separate processes on
    127.0.0.1 (with its nanny, as a user starts it) against a LocalCluster worker and this process: the kernels
    of one unit timed inside the worker (the least of 5 runs per repeat), first without, then with
    kapitza.cluster.malloc_kept, and the sweep of (a) (the fix of the penalty
    fix of the penalty: dask's nanny starts workers with MALLOC_TRIM_THRESHOLD_=65536, which freezes glibc's
    mmap threshold at 128 KiB).

Every variant of a part is timed in turn in every repeat and the best of the repeats is printed, so that all
see the same machine; the ratios are what to read.  On a shared 2-core machine two processes reach only
1.2-1.9x: dask's ratio is printed beside that ceiling.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import logging
import multiprocessing as mp
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

import kapitza
from kapitza import cluster
from kapitza.atomistic.potentials import get_potential
from kapitza.atomistic.structures import build_interface
from kapitza.md.campaign import load_campaign, run_campaign, run_member
from kapitza.transmission.agf import interface_model, lead_max_frequency, monkhorst_pack, reduce_time_reversal
from kapitza.transmission.agf import transmission as agf_transmission
from kapitza.transmission.agf.parallel import run_on_dask, split_units, work_units

ETA = 1e-6
CHUNK = 25
HOST = "127.0.0.1"
#: Seconds any wait on the plain process pool or the external cluster may take.
WAIT = 600
CAMPAIGN = """
[campaign]
folder = "run"

[base]
potential = "lj/cut"
n_x = 4
n_y = 4
cells_a = 4
cells_b = 4
mass_b = 3.0
temperature = 0.25
delta_temperature = 0.2
bath_width = 2.0
steps_equilibration = 2000
steps_steady = 4000
steps_production = 12000
block_steps = 2000

[series]
seed = [1, 2, 3, 4]
"""


# ----------------------------------------------------------------------------------------------- helpers
def agf_problem():
    structure = build_interface(
        "Si",
        "Ge",
        "001",
        lattice_constants_angstrom=(5.431, 5.431),
        cells=(6, 6),
        lateral=(2, 2),
        mass_only=True,
        masses_amu=(28.0855, 72.63),
    )
    model = interface_model(structure, get_potential("sw", ["Si"]), pl_cells=2)
    w_max = lead_max_frequency(model, "left", [(0.0, 0.0)], samples=64)
    omega = np.arange(1, 101) * w_max / 100
    kappa, _ = reduce_time_reversal(monkhorst_pack(2))
    chunks = [omega[i : i + CHUNK] for i in range(0, omega.size, CHUNK)]
    return model, omega, kappa, chunks


def _solve(args) -> float:
    """The kernels of a list of units in a plain process, one BLAS thread; returns the compute seconds."""
    blocks, units, eta = args
    from kapitza.transmission.agf.solver import solve_chunk

    with threadpool_limits(limits=1, user_api="blas"):
        t0 = time.perf_counter()
        for ik, _, omega in units:
            solve_chunk(blocks[ik], omega, eta)
        return time.perf_counter() - t0


def _kernels_in_worker(blocks, units, eta, kept: bool, samples: int = 5) -> float:
    """The kernels of ``units`` inside a dask worker (or this process), with or without malloc_kept: the least
    compute seconds of ``samples`` runs (short samples, the least of them: robust to a busy machine)."""
    from kapitza.cluster import malloc_kept
    from kapitza.transmission.agf.solver import solve_chunk

    times = []
    with threadpool_limits(limits=1, user_api="blas"):
        for _ in range(samples):
            with malloc_kept() if kept else contextlib.nullcontext():
                t0 = time.perf_counter()
                for ik, _, omega in units:
                    solve_chunk(blocks[ik], omega, eta)
                times.append(time.perf_counter() - t0)
    return min(times)


def _members(args) -> float:
    """run_member on each (config, run_dir) in a plain process; the seconds."""
    t0 = time.perf_counter()
    for config, run_dir in args:
        run_member(config, run_dir)
    return time.perf_counter() - t0


def best_in_turn(jobs: dict, repeats: int) -> tuple[dict[str, float], dict[str, list]]:
    """Run every job once to warm up, then all in turn ``repeats`` times; the best time and the values of each."""
    for job in jobs.values():
        job()
    times: dict[str, list[float]] = {name: [] for name in jobs}
    values: dict[str, list] = {name: [] for name in jobs}
    for _ in range(repeats):
        for name, job in jobs.items():
            t0 = time.perf_counter()
            values[name].append(job())
            times[name].append(time.perf_counter() - t0)
    return {name: min(t) for name, t in times.items()}, values


def scaling_lines(best: dict[str, float], unit: str = "s") -> list[str]:
    d1, d2, p1, p2 = best["dask 1"], best["dask 2"], best["plain 1"], best["plain 2"]
    dask, plain = d1 / d2, p1 / p2
    return [
        f"    dask 1 worker {d1:7.3f} s, 2 workers {d2:7.3f} s: speed-up {dask:.2f}x = {dask / 2:.2f} per worker",
        f"    plain processes: 1 {p1:7.3f} s, 2 at once {p2:7.3f} s: the ceiling {plain:.2f}x = {plain / 2:.2f} per "
        "process",
        f"    dask reaches {dask / plain:.0%} of the ceiling; 2 workers vs 1 plain process {p1 / d2:.2f}x",
    ]


def machine_load() -> str:
    try:
        return "load average (1, 5, 15 min): " + ", ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "load average unknown"


# ----------------------------------------------------------------------------------------------- (a) AGF
def agf(repeats: int, pool) -> None:
    model, omega, kappa, chunks = agf_problem()
    blocks = [model.blocks_at(k) for k in kappa]
    units = work_units(kappa.shape[0], chunks)
    halves = split_units(units, 2)
    print(
        f"(a) AGF, SW Si|Ge [001], 2x2 cells across ({model.slice_sizes[0]}-DOF slices x {model.n_slices}), "
        f"100 frequencies x {kappa.shape[0]} k points = {len(units)} units of {CHUNK}"
    )
    clients = {n: cluster.local_client(n) for n in (1, 2)}
    plans: dict[int, list] = {1: [], 2: []}

    def on_dask(n: int):
        def job():
            xi = np.empty((kappa.shape[0], omega.size))

            def record(ik, start, x, sl, sr):
                xi[ik, start : start + x.size] = x

            plans[n].append(run_on_dask(model, kappa, chunks, ETA, record, client=clients[n]))
            return xi

        return job

    def in_process():
        with threadpool_limits(limits=1, user_api="blas"):
            return agf_transmission(model, omega, monkhorst_pack(2), eta=ETA, chunk=CHUNK).xi_k

    try:
        jobs = {
            "in-process": in_process,
            "dask 1": on_dask(1),
            "dask 2": on_dask(2),
            "plain 1": lambda: pool.map_async(_solve, [(blocks, units, ETA)]).get(timeout=WAIT),
            "plain 2": lambda: pool.map_async(_solve, [(blocks, h, ETA) for h in halves], chunksize=1).get(
                timeout=WAIT
            ),
        }
        best, values = best_in_turn(jobs, repeats)
    finally:
        for c in clients.values():
            cluster.close_client(c)
    same = all(np.array_equal(values[name][-1], values["in-process"][-1]) for name in ("dask 1", "dask 2"))
    print(f"    in-process sweep {best['in-process']:7.3f} s (dask's Xi equal to it bit for bit: {same})")
    for line in scaling_lines(best):
        print(line)
    print(f"    dask 1 worker vs the in-process sweep: {best['dask 1'] / best['in-process']:.2f}x the time")
    for n in (1, 2):
        plan = plans[n][-1]
        print(
            f"    sizing, {n} worker{'s' if n > 1 else ''}: per-task overhead {plan.overhead_s * 1e3:.1f} ms "
            f"(median empty-task round trip), {plan.frequency_s * 1e3:.1f} ms per frequency; {plan.tasks} tasks "
            f"({plan.workers} first units, then tasks of {plan.task_s:.3f} s): overhead {plan.overhead_fraction:.1%} "
            "of a task"
        )


# ----------------------------------------------------------------------------------------------- (b) campaign
def campaign(repeats: int, pool, work: Path) -> None:
    spec_path = work / "campaign.toml"
    spec_path.write_text(CAMPAIGN)
    spec = load_campaign(spec_path)
    counter = {"n": 0}

    def fresh() -> Path:
        counter["n"] += 1
        folder = work / f"run{counter['n']}"
        folder.mkdir()
        return folder

    print(f"(b) md campaign: {len(spec.members)} LJ members of 512 atoms, 18,000 steps each")
    clients = {n: cluster.local_client(n, extra="md") for n in (1, 2)}

    def on_dask(n: int):
        def job():
            outcomes = run_campaign(dataclasses.replace(spec, folder=fresh()), client=clients[n])
            assert all(o.status == "ran" for o in outcomes), outcomes

        return job

    def plain(parts: int):
        def job():
            folder = fresh()
            pairs = [(m.config, str(folder / m.name)) for m in spec.members]
            groups = [pairs[i::parts] for i in range(parts)]
            return pool.map_async(_members, groups, chunksize=1).get(timeout=WAIT)

        return job

    try:
        jobs = {"dask 1": on_dask(1), "dask 2": on_dask(2), "plain 1": plain(1), "plain 2": plain(2)}
        best, values = best_in_turn(jobs, repeats)
        overhead = {n: cluster.task_overhead(clients[n]) for n in (1, 2)}
    finally:
        for c in clients.values():
            cluster.close_client(c)
    for line in scaling_lines(best):
        print(line)
    member = best["plain 1"] / len(spec.members)
    print(
        f"    per-task overhead {overhead[1] * 1e3:.1f} ms (1 worker), {overhead[2] * 1e3:.1f} ms (2 workers) against "
        f"{member:.2f} s per member: {max(overhead.values()) / member:.2%} (one member = one task)"
    )


# ----------------------------------------------------------------------------------------------- (c) external
def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def start_external(folder: Path) -> tuple[str, list[subprocess.Popen]]:
    """A scheduler and one `dask worker ADDRESS --nthreads 1` (with its nanny) on 127.0.0.1, this kapitza."""
    port = _free_port()
    address = f"tcp://{HOST}:{port}"
    env = dict(os.environ)
    src = str(Path(kapitza.__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join([src, *filter(None, [env.get("PYTHONPATH")])])
    procs = []
    for name, args in (
        ("scheduler", ["distributed.cli.dask_scheduler", "--host", HOST, "--port", str(port), "--no-dashboard"]),
        ("worker", ["distributed.cli.dask_worker", address, "--nthreads", "1", "--no-dashboard", "--host", HOST]),
    ):
        log = open(folder / f"{name}.log", "wb")  # noqa: SIM115 - kept open while the process runs
        procs.append(
            subprocess.Popen(
                [sys.executable, "-m", *args],
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=env,
                cwd=folder,
                start_new_session=True,
            )
        )
        if name == "scheduler":
            deadline = time.monotonic() + 60
            while True:
                try:
                    socket.create_connection((HOST, port), timeout=1).close()
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.2)
    return address, procs


def stop(procs: list[subprocess.Popen]) -> None:
    for p in procs:
        if p.poll() is None:
            try:
                os.killpg(p.pid, signal.SIGKILL)  # each process leads its own session: only what it started
            except ProcessLookupError:
                pass
        p.wait(timeout=30)


def external(repeats: int, work: Path) -> None:
    model, omega, kappa, chunks = agf_problem()
    blocks = [model.blocks_at(k) for k in kappa]
    units = work_units(kappa.shape[0], chunks)
    sample = units[:1]  # the kernels' A/B: one (k, 25-frequency) unit, the least of 5 runs per repeat
    print("(c) external worker (`dask worker ADDRESS --nthreads 1`, with its nanny) vs a LocalCluster worker")
    address, procs = start_external(work)
    clients = {}
    try:
        clients["external"] = cluster.connect(address, 60)
        clients["external"].wait_for_workers(1, timeout=WAIT)
        clients["local"] = cluster.local_client(1)
        remote = {name: c.scatter(blocks, broadcast=True, hash=False) for name, c in clients.items()}

        def sweep(name):
            def job():
                run_on_dask(model, kappa, chunks, ETA, lambda *a: None, client=clients[name])

            return job

        def kernels(name, kept):
            def job():
                return (
                    clients[name]
                    .submit(_kernels_in_worker, remote[name], sample, ETA, kept, pure=False)
                    .result(timeout=WAIT)
                )

            return job

        def here():
            with threadpool_limits(limits=1, user_api="blas"):
                agf_transmission(model, omega, monkhorst_pack(2), eta=ETA, chunk=CHUNK)

        # In phases, not in turn: once a kept task has run, the worker thread's malloc arena keeps a heap that
        # later allocations reuse, so the workers' first tasks are the "not kept" ones.
        here_kernels = lambda: _kernels_in_worker(blocks, sample, ETA, False)  # noqa: E731
        best, values = best_in_turn(
            {
                "kernels external, not kept": kernels("external", False),
                "kernels local, not kept": kernels("local", False),
                "kernels in this process": here_kernels,
            },
            repeats,
        )
        for phase in (
            {
                "kernels external, kept": kernels("external", True),
                "kernels local, kept": kernels("local", True),
                "kernels in this process, again": here_kernels,
            },
            {"sweep external": sweep("external"), "sweep local": sweep("local"), "sweep in-process": here},
        ):
            more_best, more_values = best_in_turn(phase, repeats)
            best.update(more_best)
            values.update(more_values)
        values["kernels in this process"] += values.pop("kernels in this process, again")
        env = clients["external"].run(lambda: os.environ.get("MALLOC_TRIM_THRESHOLD_"))
    finally:
        for c in clients.values():
            cluster.close_client(c)
        stop(procs)
    compute = {name: min(v) for name, v in values.items() if name.startswith("kernels")}  # in-worker seconds
    t_here = compute["kernels in this process"]
    print(f"    the external worker's MALLOC_TRIM_THRESHOLD_ (set by its nanny): {sorted(set(env.values()))}")
    print(
        f"    whole sweep: external {best['sweep external']:.3f} s, LocalCluster {best['sweep local']:.3f} s, "
        f"in-process {best['sweep in-process']:.3f} s: external / in-process "
        f"{best['sweep external'] / best['sweep in-process']:.2f}x, external / LocalCluster "
        f"{best['sweep external'] / best['sweep local']:.2f}x"
    )
    for where in ("external", "local"):
        kept, bare = compute[f"kernels {where}, kept"], compute[f"kernels {where}, not kept"]
        print(
            f"    kernels of one unit in the {where} worker: {bare:.3f} s without malloc_kept ({bare / t_here:.2f}x "
            f"this process's {t_here:.3f} s), {kept:.3f} s with it ({kept / t_here:.2f}x)"
        )


def main() -> None:
    logging.getLogger("distributed").setLevel(logging.WARNING)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--part", choices=("agf", "campaign", "external", "all"), default="all")
    args = parser.parse_args()
    os.environ.update(cluster.THREAD_ENV)  # this script's own process and its plain pool: one BLAS thread
    print(f"dask scaling per worker, {os.cpu_count()} CPUs; {machine_load()} at the start")
    pool = mp.get_context("spawn").Pool(2)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            if args.part in ("agf", "all"):
                agf(args.repeats, pool)
            if args.part in ("campaign", "all"):
                campaign(max(1, args.repeats - 1), pool, Path(tmp))
            if args.part in ("external", "all"):
                external(args.repeats, Path(tmp))
    finally:
        pool.terminate()
    print(f"{machine_load()} at the end")


if __name__ == "__main__":
    main()
