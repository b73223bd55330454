"""Peak resident memory of ``kapitza agf`` runs, all their processes together, beside the estimate they state.

Run: python benchmarks/memory.py [--sizes 1,2,3,4] [--workers 0] [--warm]
     python benchmarks/memory.py --sizes 6 --refuse 1        (the issue's case: refused before it starts?)
     python benchmarks/memory.py --campaign                  (md campaign: N LAMMPS workers against their estimate)

For each N x N lateral cross-section of SW Si | Ge [001] it runs, as a user would,

    kapitza agf Si Ge --potential sw --lateral NxN --kpoints 4 --frequencies 100 --json [--workers W]

in a child process with its own, empty kapitza cache (``KAPITZA_CACHE_DIR``: the force constants are computed, the
build's worst case; ``--warm`` keeps one cache for all runs), and samples the resident memory (RSS) of the child
and every process it starts (dask workers, multiprocessing's resource tracker) every 20 ms with psutil.  Two
measured numbers: the largest sampled sum over the tree (what the machine held at once; a spike shorter than the
interval can be missed; a child that is forked but not yet exec'd, which shares its parent's pages copy-on-write,
is counted once, in its parent) and the sum of each process's own high-water mark (``VmHWM`` in /proc: no spike missed,
but the processes' peaks need not coincide, so this is an upper bound of the tree's peak).  The estimate is
``kapitza.transmission.agf.run.estimate_run_memory`` for the same settings (what the run checks against
``--max-memory-gb`` before it builds its model).  The goal: estimate >= measured peak and within 2x of it.

``--refuse X`` runs the same command with ``--max-memory-gb X`` and reports whether it was refused, after how many
seconds, and whether "started" was printed first.

Timings and memory are taken on a shared machine; the load average is printed before and after each run.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

KAPITZA = [sys.executable, "-m", "kapitza"]
SAMPLE_SECONDS = 0.02


def _hwm(proc: psutil.Process) -> int:
    """The process's peak resident memory so far (VmHWM), bytes; its current RSS where /proc has no VmHWM."""
    try:
        for line in Path(f"/proc/{proc.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return proc.memory_info().rss


def _parent_cmdline(proc: psutil.Process) -> list[str] | None:
    parent = proc.parent()
    return None if parent is None else parent.cmdline()


def measure(command: list[str], env: dict[str, str], cwd: Path | None = None) -> dict:
    """Run ``command``; sample the RSS of its process tree.  Returns the peaks, the exit status and the output."""
    t0 = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=cwd)
    root = psutil.Process(child.pid)
    peak_sum, hwm, kinds, first_started = 0, {}, {}, None
    stderr_lines: list[str] = []
    os.set_blocking(child.stderr.fileno(), False)
    while child.poll() is None:
        try:
            procs = [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            break
        total = 0
        for p in procs:
            try:
                if p.pid != root.pid and p.cmdline() == _parent_cmdline(p):
                    continue  # forked, not yet exec'd: its pages are its parent's (copy-on-write), counted there
                total += p.memory_info().rss
                hwm[p.pid] = max(hwm.get(p.pid, 0), _hwm(p))
                if p.pid not in kinds:
                    cmd = " ".join(p.cmdline())
                    kinds[p.pid] = "main" if p.pid == root.pid else "tracker" if "resource_tracker" in cmd else "worker"
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                pass
        peak_sum = max(peak_sum, total)
        try:
            chunk = child.stderr.read()
        except (OSError, TypeError):
            chunk = None
        if chunk:
            stderr_lines.append(chunk)
            if first_started is None and "started" in chunk:
                first_started = time.perf_counter() - t0
        time.sleep(SAMPLE_SECONDS)
    out, err = child.communicate()
    stderr = "".join(stderr_lines) + (err or "")
    if first_started is None and "started" in stderr:
        first_started = time.perf_counter() - t0
    by_kind: dict[str, list[int]] = {}
    for pid, value in hwm.items():
        by_kind.setdefault(kinds.get(pid, "worker"), []).append(value)
    return {
        "rc": child.returncode,
        "seconds": time.perf_counter() - t0,
        "sampled_peak": peak_sum,
        "hwm_sum": sum(hwm.values()),
        "by_kind": by_kind,
        "stderr": stderr,
        "stdout": out,
        "started_at": first_started,
    }


def agf_command(n: int, workers: int, limit: float | None) -> list[str]:
    cmd = [*KAPITZA, "agf", "Si", "Ge", "--potential", "sw", "--lateral", f"{n}x{n}", "--kpoints", "4"]
    cmd += ["--frequencies", "100", "--json"]
    if workers:
        cmd += ["--workers", str(workers)]
    if limit is not None:
        cmd += ["--max-memory-gb", f"{limit:g}"]
    return cmd


def load() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def agf(sizes: list[int], workers: int, warm: bool, refuse: float | None) -> None:
    from kapitza.transmission.agf.run import estimate_run_memory

    print(
        "AGF: kapitza agf Si Ge --potential sw --lateral NxN --kpoints 4 --frequencies 100 --json"
        + (f" --workers {workers}" if workers else "")
    )
    print(
        f"{'N':>3} {'estimate':>9} {'sampled':>8} {'HWM sum':>8} {'est/samp':>8} {'est/HWM':>8} "
        f"{'main':>7} {'workers':>14} {'s':>6}  load before -> after; estimate's parts"
    )
    shared = tempfile.mkdtemp(prefix="kapitza-memory-cache-") if warm else None
    try:
        for n in sizes:
            cache = shared or tempfile.mkdtemp(prefix="kapitza-memory-cache-")
            env = {**os.environ, "KAPITZA_CACHE_DIR": cache}
            estimate = estimate_run_memory(
                "Si", "Ge", potential="sw", lateral=(n, n), kpoints=4, frequencies=100, workers=workers or None,
                max_memory_gb=refuse if refuse is not None else 4.0,
            )  # fmt: skip
            before = load()
            r = measure(agf_command(n, workers, refuse), env)
            if shared is None:
                shutil.rmtree(cache, ignore_errors=True)
            if refuse is not None:
                line = r["stderr"].strip().splitlines()
                print(
                    f"{n:>3} --max-memory-gb {refuse:g}: exit {r['rc']} after {r['seconds']:.1f} s, "
                    f"'started' printed: {'yes' if r['started_at'] is not None else 'no'}; "
                    f"peak {r['hwm_sum'] / 1e6:.0f} MB; estimate {estimate.total / 1e9:.3g} GB\n    "
                    + (line[-1] if line else "")
                )
                continue
            if r["rc"] != 0:
                print(f"{n:>3} FAILED (exit {r['rc']}): {r['stderr'].strip().splitlines()[-1:]}")
                continue
            e = estimate.total
            main = max(r["by_kind"].get("main", [0]))
            others = r["by_kind"].get("worker", [])
            shown = ("-" if not others else "+".join(f"{w / 1e6:.0f}" for w in others))[:14]
            print(
                f"{n:>3} {e / 1e6:>7.0f}MB {r['sampled_peak'] / 1e6:>6.0f}MB {r['hwm_sum'] / 1e6:>6.0f}MB "
                f"{e / r['sampled_peak']:>8.2f} {e / r['hwm_sum']:>8.2f} {main / 1e6:>5.0f}MB {shown:>14} "
                f"{r['seconds']:>6.0f}  {before} -> {load()}; {estimate.parts()}"
            )
    finally:
        if shared is not None:
            shutil.rmtree(shared, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,2,3,4", help="lateral N of the N x N cross-sections, e.g. 1,2,3,4,6")
    parser.add_argument("--workers", type=int, default=0, help="local dask workers (0: in process)")
    parser.add_argument("--warm", action="store_true", help="one kapitza cache for all runs (else a cold one each)")
    parser.add_argument("--refuse", type=float, default=None, help="run with this --max-memory-gb and report")
    parser.add_argument("--campaign", action="store_true", help="md campaign instead: N LAMMPS workers")
    parser.add_argument("--processes", type=int, default=1, help="md campaign: MPI processes per member")
    args = parser.parse_args()
    if args.campaign:
        campaign(args)
        return
    agf([int(n) for n in args.sizes.split(",")], args.workers, args.warm, args.refuse)


CAMPAIGN = """[campaign]
workers = {workers}
processes = {processes}

[base]
potential = "lj/cut"
n_x = {n}
n_y = {n}
cells_b = 8
mass_a = 1.0
mass_b = 4.0
temperature = 0.3
timestep = 0.005
bath_width = 3.0
steps_equilibration = 200
steps_steady = 400
steps_production = 1000
block_steps = 200
seed = 12345

[series]
cells_a = [6, 10]
delta_temperature = [0.1, 0.2]
"""


def campaign(args: argparse.Namespace) -> None:
    """``kapitza md campaign`` of 4 LJ members (masses 1 | 4, 1600 steps each) on ``--workers`` local workers (default
    2), at lateral sizes N x N fcc cells (``--sizes``), against ``kapitza.md.campaign.campaign_memory``."""
    from kapitza.md.campaign import campaign_memory, load_campaign

    workers = args.workers or 2
    print(
        f"md campaign: 4 LJ members (cells_a 6, 10 x 2 bath differences), N x N x (cells_a + 8) fcc cells, {workers} "
        f"local workers, {args.processes} MPI process(es) per member: kapitza md campaign FILE --workers W"
    )
    print(f"{'N':>3} {'atoms':>6} {'estimate':>9} {'sampled':>8} {'HWM sum':>8} {'est/samp':>8} {'est/HWM':>8} "
          f"{'main':>7} {'workers':>16} {'s':>6}  load before -> after")  # fmt: skip
    for n in [int(x) for x in args.sizes.split(",")]:
        folder = Path(tempfile.mkdtemp(prefix="kapitza-memory-campaign-"))
        try:
            path = folder / "c.toml"
            path.write_text(CAMPAIGN.format(workers=workers, n=n, processes=args.processes), encoding="utf-8")
            spec = load_campaign(path)
            estimate = campaign_memory(spec, workers)
            before = load()
            env = {**os.environ, "KAPITZA_CACHE_DIR": str(folder / "cache")}
            r = measure([*KAPITZA, "md", "campaign", str(path), "--workers", str(workers)], env, cwd=folder)
            if r["rc"] != 0:
                print(f"{n:>3} FAILED (exit {r['rc']}): {r['stderr'].strip().splitlines()[-3:]}")
                continue
            atoms = max(m.config.n_atoms for m in spec.members)
            main = max(r["by_kind"].get("main", [0]))
            others = "+".join(f"{w / 1e6:.0f}" for w in r["by_kind"].get("worker", []))[:16]
            e = estimate.total
            print(
                f"{n:>3} {atoms:>6} {e / 1e6:>7.0f}MB {r['sampled_peak'] / 1e6:>6.0f}MB {r['hwm_sum'] / 1e6:>6.0f}MB "
                f"{e / r['sampled_peak']:>8.2f} {e / r['hwm_sum']:>8.2f} {main / 1e6:>5.0f}MB {others:>16} "
                f"{r['seconds']:>6.0f}  {before} -> {load()}"
            )
        finally:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
