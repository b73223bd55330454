"""Replicas of cheap MD systems for the calibration page: many seeds of one configuration, each analysed alone.

The NEMD and EMD calibration modules (:mod:`calibration.nemd`, :mod:`calibration.emd`) judge kapitza's error bars
on synthetic data; this script gives them the real thing: ``kapitza md run CONFIG --replicas N`` of a small LJ and
a small Stillinger-Weber Si|Ge bicrystal (and ``md emd`` of the LJ one), i.e. N runs that differ only in their
seeds (:mod:`kapitza.md.replicas`).  The truth of the seed-to-seed spread is the mean of all seeds; each run's own
stated 1-sigma (the single-run error of :func:`kapitza.analysis.md.response.analyze_run` or of
:func:`kapitza.analysis.md.emd.emd_conductance`) and each 4-replica pool's (:func:`kapitza.analysis.md.replicas.
pool_replicas`) should cover it 68 % of the time.  The runs are slow (minutes to an hour per system on one core),
so they are made once by::

    OMP_NUM_THREADS=1 PYTHONPATH=src:scripts nice -n 10 python -m calibration.md_seeds run SYSTEM [--replicas N]
        [--root /tmp/kapitza-md-seeds]

(resumable: rerun the same command), which analyses every complete replica and stores one record per replica in
``docs/reference/calibration/md_seeds.json``; ``make_page`` then reads that file (no MD runs there).  Systems:

* ``lj-nemd``: LJ fcc, masses 1 | 4, 3 x 3 x (6 + 6) cells (432 atoms), T = 0.3, baths 0.35 / 0.25, 2,000 steps NVT,
  10,000 steps transient, 40,000 steps (200 tau) of production in 20 blocks;
* ``sw-nemd``: SW Si|Ge mass mismatch [001], 2 x 2 x (8 + 8) cells (512 atoms), 300 K, baths 340 / 260 K, 5 ps NVT,
  20 ps transient, 80 ps of production in 20 blocks of 4 ps;
* ``lj-emd``: the LJ system of ``examples/md/lj_emd.toml`` (3 x 3 x (6 + 6), masses 1 | 4), 4 runs of 40,000 NVE steps.
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import sys
import time
from pathlib import Path

import numpy as np
from repo_commit import commit  # scripts/ is on the path (its module text)

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
STORE = ROOT / "docs" / "reference" / "calibration" / "runs" / "md_seeds.json"

LJ = dict(
    potential="lj/cut", units="lj", n_x=3, n_y=3, cells_a=6, cells_b=6, mass_b=4.0, temperature=0.3,
    delta_temperature=0.1, bath_width=2.0, steps_equilibration=2000, steps_steady=10000, steps_production=40000,
    block_steps=2000, seed=1,
)  # fmt: skip
SW = dict(
    potential="sw", units="metal", n_x=2, n_y=2, cells_a=8, cells_b=8, temperature=300.0, delta_temperature=80.0,
    timestep=0.001, steps_equilibration=5000, steps_steady=20000, steps_production=80000, block_steps=4000, seed=1,
)  # fmt: skip
LJ_EMD = dict(
    potential="lj/cut", units="lj", n_x=3, n_y=3, cells_a=6, cells_b=6, mass_b=4.0, temperature=0.3, timestep=0.005,
    bath_width=2.0, steps_equilibration=2000, seed=1,
    emd=dict(steps=40000, sample_every=10, n_runs=4, steps_nvt=1000, seed=2024),
)  # fmt: skip
SYSTEMS = {"lj-nemd": ("nemd", LJ), "sw-nemd": ("nemd", SW), "lj-emd": ("emd", LJ_EMD)}
DEFAULT_REPLICAS = {"lj-nemd": 40, "sw-nemd": 20, "lj-emd": 20}


def config_of(system: str):
    kind, settings = SYSTEMS[system]
    if kind == "emd":
        from kapitza.md.emd import EmdConfig

        return EmdConfig.from_mapping(settings, system)
    from kapitza.md.nemd import NemdConfig

    return NemdConfig(**settings)


def _f(x: float) -> float | None:
    x = float(x)
    return x if math.isfinite(x) else None


def nemd_record(run_dir: Path) -> dict:
    """One NEMD replica as kapitza analyses it (single-run errors), with the plain standard errors beside them."""
    from kapitza.analysis.md.response import analyze_run, read_bath_blocks, run_area, run_flux
    from kapitza.errors import KapitzaError
    from kapitza.io.run_manifest import read_manifest

    try:
        run = analyze_run(run_dir)
    except KapitzaError as exc:
        return {"error": str(exc)}
    j = run.jump
    dt_blocks = np.mean([np.asarray(i.delta_T_blocks) for i in j.interfaces], axis=0)  # each signed along the flow
    flux = run_flux(run_dir)
    m = read_manifest(run_dir)
    fluxes = m.block_fluxes(read_bath_blocks(run_dir / m.file("baths")), run_area(run_dir, m))
    n = dt_blocks.size
    return {
        "G": _f(j.G), "G_err": _f(j.G_err), "J": _f(j.flux), "J_err": _f(j.flux_err), "delta_T": _f(j.delta_T),
        "delta_T_err": _f(j.delta_T_err), "G_si": _f(j.G_si), "G_si_err": _f(j.G_si_err),
        "delta_T_inefficiency": _f(j.delta_T_series.inefficiency) if j.delta_T_series is not None else None,
        "J_inefficiency": _f(flux.inefficiency), "blocks_used": j.blocks_used, "blocks_dropped": j.blocks_dropped,
        "warnings": list(j.warnings),
        # the plain standard errors over blocks (before issue 64), for comparison
        "delta_T_err_plain": _f(np.std(dt_blocks, ddof=1) / math.sqrt(n)) if n > 1 else None,
        "J_err_plain": _f(np.std(fluxes, ddof=1) / math.sqrt(fluxes.size)) if fluxes.size > 1 else None,
        "delta_T_blocks": [round(float(x), 6) for x in dt_blocks],
        "J_blocks": [float(x) for x in fluxes],
    }  # fmt: skip


def emd_record(config, run_dir: Path) -> dict:
    from kapitza.analysis.md.emd import emd_conductance
    from kapitza.errors import KapitzaError
    from kapitza.md.emd import read_emd_run

    run = read_emd_run(config, run_dir)
    try:
        g = emd_conductance(run.energy_a, run.sample_interval, run.area, run.temperature, units=run.units)
    except KapitzaError as exc:
        return {"error": str(exc)}
    return {"G": _f(g.G), "G_err": _f(g.G_err), "tau": _f(g.tau), "G_runs": [_f(x) for x in g.G_runs],
            "warnings": list(g.warnings)}  # fmt: skip


def _load() -> dict:
    return json.loads(STORE.read_text(encoding="utf-8")) if STORE.exists() else {}


def main_run(args: argparse.Namespace) -> None:
    from kapitza.io.atomic import atomic_write_text
    from kapitza.md.replicas import plan_replicas, replica_complete, run_replicas

    system = args.system
    kind, settings = SYSTEMS[system]
    config = config_of(system)
    n = args.replicas or DEFAULT_REPLICAS[system]
    parent = Path(args.root) / system
    parent.parent.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()

    def report(o) -> None:
        print(f"{time.strftime('%H:%M:%S')} {system} {o.name}: {o.status} {o.error} {o.seconds:.0f} s", flush=True)

    outcomes = run_replicas(config, parent, n, report=report)
    wall = time.perf_counter() - t0
    records = []
    for r in plan_replicas(config, parent, n):
        if not replica_complete(r.config, r.run_dir):
            continue
        rec = emd_record(r.config, r.run_dir) if kind == "emd" else nemd_record(r.run_dir)
        records.append({"name": r.name, "seed": r.seed, **rec})
    data = _load()
    seconds = {o.name: o.seconds for o in outcomes if o.status == "ran"}
    previous = data.get(system, {})
    data[system] = {
        "kind": kind,
        "settings": settings,
        "replicas": records,
        "seconds_per_replica": _f(np.median(list(seconds.values()))) if seconds else previous.get(
            "seconds_per_replica"),
        "wall_seconds_this_call": round(wall, 1),
        "commit": commit(),
        "date": datetime.date.today().isoformat(),
        "command": f"PYTHONPATH=src:scripts python -m calibration.md_seeds run {system} --replicas {n}",
    }  # fmt: skip
    atomic_write_text(STORE, json.dumps(data, indent=1, sort_keys=True) + "\n")
    print(f"stored {len(records)} replicas of {system} in {STORE}", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("run",):
        p = sub.add_parser(name)
        p.add_argument("system", choices=sorted(SYSTEMS))
        p.add_argument("--replicas", type=int, default=None)
        p.add_argument("--root", default="/tmp/kapitza-md-seeds")
    sub.add_parser("variants", help="the next-run interval's variants tried on the stored seeds (no MD runs)")
    args = parser.parse_args(argv)
    if args.command == "variants":
        for system in SYSTEMS:
            for v in pool_error_variants(system):
                print(f"{system:8s} {v['variant']:60s} covers {v['coverage']:.3f}  median half-width "
                      f"{v['median_width']:.3f} of G  its spread (cv) {v['width_cv']:.2f}")  # fmt: skip
        return 0
    main_run(args)
    return 0


# ----------------------------------------------------------------------------- rows for the calibration page

#: The warnings of a run about its own error: blocks correlated over much of the run, interfaces that disagree.
FLAGS = ("the Delta T of consecutive blocks is correlated", "the two interfaces' jumps differ")
#: Pools of 4 are drawn from all 4-subsets of the seeds; at most this many (a random sample of them, seeded).
MAX_POOLS = 20_000


def _subsets(n: int, k: int = 4) -> list[tuple[int, ...]]:
    import itertools
    import random

    every = list(itertools.combinations(range(n), k))
    if len(every) <= MAX_POOLS:
        return every
    return random.Random(64).sample(every, MAX_POOLS)


def honest_share(n: int, k: int, t_dof: int | None = None) -> float:
    """The share an honest error would cover when a mean of k of the n seeds is compared with the mean of all n
    (which contains it): the difference has variance sigma^2 (1/k - 1/n), so an honest sigma/sqrt(k) covers
    P(|Z| <= 1/sqrt(1 - k/n)), and a t-interval with ``t_dof`` degrees of freedom P(|T| <= t / sqrt(1 - k/n))."""
    from scipy import stats

    scale = 1.0 / math.sqrt(1.0 - k / n)
    if t_dof is None:
        return float(2 * stats.norm.cdf(scale) - 1)
    t = stats.t.ppf(stats.norm.cdf(1.0), t_dof)
    return float(2 * stats.t.cdf(t * scale, t_dof) - 1)


def calibration_rows(system: str, estimator: str) -> list:
    """The calibration page's rows of one stored system: each run's stated 1-sigma (single run) and each 4-replica
    pool's against the mean of all seeds, with the plain standard errors of before issue 64 beside them (NEMD)."""
    from calibration import common

    data = _load().get(system)
    if not data:
        return []
    recs = [r for r in data["replicas"] if "error" not in r and r.get("G") is not None]
    n = len(recs)
    kind = data["kind"]
    settings = data["settings"]
    if kind == "nemd":
        what = (
            f"LJ fcc 1 | 4, {settings['n_x']} x {settings['n_y']} x ({settings['cells_a']} + {settings['cells_b']}) "
            f"cells, {settings['steps_production'] // settings['block_steps']} blocks of "
            f"{settings['block_steps'] * 0.005:g} tau"
            if settings["potential"] == "lj/cut"
            else f"SW Si|Ge, {settings['n_x']} x {settings['n_y']} x ({settings['cells_a']} + {settings['cells_b']}) "
            f"cells, {settings['steps_production'] // settings['block_steps']} blocks of "
            f"{settings['block_steps'] * settings['timestep']:g} ps"
        )
    else:
        e = settings["emd"]
        what = f"LJ EMD 3 x 3 x (6 + 6), {e['n_runs']} runs of {e['steps']} steps per job"
    note_truth = (
        f"truth: the mean of all {n} seeds (an honest 1-sigma then covers {honest_share(n, 1):.2f} of single runs "
        f"and {honest_share(n, 4, 3):.2f} of 4-replica t-intervals, the seeds being part of the mean); "
        f"coverage's own standard error sqrt(0.68 x 0.32 / {n}) = {common.coverage_error(n):.2f}"
    )
    rows = []

    def row(label: str, est: np.ndarray, sig: np.ndarray, truth: float, note: str = "", flagged: int = 0):
        cov = float(np.mean(np.abs(est - truth) <= sig))
        rel = float(np.median(sig / abs(truth))) if truth else math.nan
        rows.append(
            common.CalibrationRow(
                estimator, f"{label} ({what})", f"mean of {n} seeds", n, n, flagged, cov, math.nan, rel, "claimed",
                note or note_truth,
            )
        )  # fmt: skip

    keys = ("G", "delta_T", "J") if kind == "nemd" else ("G",)
    names = {"G": "G", "delta_T": "Delta T", "J": "J"}
    warned = np.array([any(w.startswith(FLAGS) for w in r.get("warnings", [])) for r in recs])
    for key in keys:
        est = np.array([r[key] for r in recs])
        sig = np.array([r[f"{key}_err"] for r in recs])
        truth = float(est.mean())
        label = f"MD, one run: {names[key]} and its single-run error, every run"
        row(label, est, sig, truth, flagged=int(warned.sum()))
        if kind == "nemd" and key != "G":
            plain = np.array([r[f"{key}_err_plain"] for r in recs])
            row(
                f"MD, one run: {names[key]} with the plain standard error over blocks (before issue 64)",
                est, plain, truth, note="for comparison: the error kapitza stated before issue 64",
            )  # fmt: skip
    g = np.array([r["G"] for r in recs])
    pools = _pools(kind, recs)  # every 4-subset's pool, made once for the rows below
    if kind == "nemd":
        j = np.array([r["J"] for r in recs])
        dt = np.array([r["delta_T"] for r in recs])
        truth = float(j.mean() / dt.mean())  # the pool's own estimator on all seeds (ratio of means)
        mean_g = float(g.mean())
        below = [abs(centre - mean_g) <= err for _, centre, err, _ in pools]
    else:
        truth = float(g.mean())
    hits = [abs(centre - truth) <= err for _, centre, err, _ in pools]
    sigs = [err / abs(truth) for _, _, err, _ in pools]
    pooled_truth = (
        f"mean J / mean Delta T of all {n} seeds (the pool's own estimator on every seed; against the mean of the "
        f"seeds' own G, which each run's G = J / Delta T biases upward by G (sigma_DeltaT / Delta T)^2, it covers "
        f"{np.mean(below):.2f})"
        if kind == "nemd"
        else f"mean of {n} seeds"
    )
    rows.append(
        common.CalibrationRow(
            estimator, f"MD, 4-replica pool: G and its replica error ({what})", pooled_truth, n, n, 0,
            float(np.mean(hits)), math.nan, float(np.median(sigs)), "claimed",
            f"over {len(hits)} sets of 4 of the {n} seeds (overlapping sets: the share's own error is larger than for "
            f"{len(hits)} independent pools); {note_truth}",
        )
    )  # fmt: skip
    rows.append(next_run_row(estimator, what, recs, pools))
    return rows


def _pools(kind: str, recs: list) -> list[tuple[tuple[int, ...], float, float, float]]:
    """Every pool of 4 of the seeds (:func:`_subsets`): (its seeds, its G, its replica error, its next-run half-width),
    by :func:`~kapitza.analysis.md.replicas.pool_replicas` (NEMD: J and Delta T) or ``pool_estimates`` (EMD: G)."""
    from kapitza.analysis.md.replicas import pool_estimates, pool_replicas

    out = []
    if kind == "nemd":
        j = np.array([r["J"] for r in recs])
        dt = np.array([r["delta_T"] for r in recs])
        for s in _subsets(len(recs)):
            p = pool_replicas(j[list(s)], dt[list(s)])
            out.append((s, p.G, p.G_err, p.G_next_err))
    else:
        g = np.array([r["G"] for r in recs])
        for s in _subsets(len(recs)):
            e = pool_estimates(g[list(s)])
            out.append((s, e.mean, e.err, e.next_err))
    return out


def next_run_row(estimator: str, what: str, recs: list, pools: list) -> object:
    """The calibration row of the next-run interval: every 4-replica pool's G +- its next-run half-width (``pools``,
    :func:`_pools`) against each seed it does not hold, that seed's own G (one further run of the configuration)."""
    from calibration import common

    n = len(recs)
    g = np.array([r["G"] for r in recs])
    hits, sigs = [], []
    for s, centre, _, half in pools:
        held = np.ones(n, dtype=bool)
        held[list(s)] = False
        hits.extend(np.abs(g[held] - centre) <= half)
        sigs.append(half / abs(centre))
    return common.CalibrationRow(
        estimator, f"MD, 4-replica pool: the next run's interval, G +- its prediction half-width ({what})",
        "each seed outside the pool (its own G: one further run)", n, n, 0, float(np.mean(hits)), math.nan,
        float(np.median(sigs)), "claimed",
        f"over {len(hits)} (pool, further seed) pairs of {len(sigs)} sets of 4 of the {n} seeds (overlapping: the "
        "share's own error is larger than for that many independent pairs); the interval is t sqrt(1 + 1/N) times "
        "the replicas' spread (Hahn & Meeker, Statistical Intervals (1991), ch. 4), printed by `kapitza md analyze "
        "PARENT` as 'one further run of this configuration'",
    )  # fmt: skip


#: The next-run interval's variants tried on the stored seeds (issue 64; :func:`pool_error_variants`).
VARIANTS = (
    "between replicas, t sqrt(1 + 1/N) s (shipped)",
    "max(between, rms of the single-run errors) (Birge's scale)",
    "max(between, median of the single-run errors)",
    "within and between pooled by degrees of freedom",
)


def pool_error_variants(system: str) -> list[dict]:
    """The next-run interval of every 4-replica pool of the stored seeds by the shipped rule and by three that
    also use the replicas' single-run errors (issue 64: could they steady an interval from 3 degrees of freedom?):
    their share of (pool, further seed) pairs covered, the median half-width as a fraction of G and that width's
    coefficient of variation between pools.

    * between: t_3 s sqrt(1 + 1/N), s the spread of the replicas (:attr:`ReplicaPool.G_next_err`);
    * Birge's scale (the Particle Data Group's averaging rule, Review of Particle Physics, "Introduction", sect.
      5.2.2: the internal error, enlarged by the Birge ratio where that exceeds 1): max(t_3 s, rms sigma_i)
      sqrt(1 + 1/N);
    * the same with the median sigma_i (robust to one run's large error);
    * pooled (NEMD only: its records hold the blocks): s_c^2 = ((N - 1) s^2 + sum nu_i (sigma_i / t(nu_i))^2) /
      (N - 1 + sum nu_i), nu_i = blocks used / the larger of the flux's and the jump's statistical inefficiency
      - 1, half-width t(N - 1 + sum nu_i) s_c sqrt(1 + 1/N) (each run's error taken as an estimate of the same
      seed-to-seed variance, with its own degrees of freedom).
    """
    from kapitza.analysis.md.blocking import t_factor

    data = _load().get(system)
    if not data:
        return []
    recs = [r for r in data["replicas"] if "error" not in r and r.get("G") is not None]
    kind = data["kind"]
    n = len(recs)
    g = np.array([r["G"] for r in recs])
    sig = np.array([r["G_err"] for r in recs])
    nu = None
    if kind == "nemd":
        ineff = np.array([max(r["delta_T_inefficiency"], r["J_inefficiency"], 1.0) for r in recs])
        nu = np.maximum(np.array([r["blocks_used"] for r in recs]) / ineff - 1.0, 1.0)
    hits: dict[str, list] = {v: [] for v in VARIANTS}
    widths: dict[str, list] = {v: [] for v in VARIANTS}
    for s, centre, _, half in _pools(kind, recs):
        idx = list(s)
        held = np.ones(n, dtype=bool)
        held[idx] = False
        between = len(idx) - 1.0  # the spread's degrees of freedom
        t, grow = t_factor(between), math.sqrt(1.0 + 1.0 / len(idx))
        spread = half / (t * grow)
        halves = {
            VARIANTS[0]: half,
            VARIANTS[1]: max(t * spread, float(np.sqrt(np.mean(sig[idx] ** 2)))) * grow,
            VARIANTS[2]: max(t * spread, float(np.median(sig[idx]))) * grow,
        }
        if nu is not None:
            dof = between + float(nu[idx].sum())
            within = np.sum(nu[idx] * (sig[idx] / np.array([t_factor(x) for x in nu[idx]])) ** 2)
            halves[VARIANTS[3]] = t_factor(dof) * math.sqrt((between * spread**2 + within) / dof) * grow
        for v, h in halves.items():
            hits[v].extend(np.abs(g[held] - centre) <= h)
            widths[v].append(h / abs(centre))
    out = []
    for v in VARIANTS:
        if not widths[v]:
            continue
        w = np.array(widths[v])
        out.append({"variant": v, "coverage": float(np.mean(hits[v])), "median_width": float(np.median(w)),
                    "width_cv": float(np.std(w) / np.mean(w))})  # fmt: skip
    return out


if __name__ == "__main__":
    sys.exit(main())
