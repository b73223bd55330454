"""The NEMD protocol study: G against the Langevin damping time, the bath width and the length.

Usage::

    OMP_NUM_THREADS=1 PYTHONPATH=src python scripts/nemd_protocol_study.py run
        [--phase coupling|width|length|seeds|examples|long] [--only NAME ...] [--run-root /tmp/nemd_study]
    PYTHONPATH=src python scripts/nemd_protocol_study.py page      # docs/physics/nemd-protocol.md from the JSON

``run`` runs the cases of a phase one after the other (LAMMPS in-process: one MPI rank, one thread), each in its
own run directory under ``--run-root`` (resumable: a rerun skips finished cases and resumes an interrupted
one), analyses it with :func:`kapitza.analysis.md.response.analyze_run` and adds one record to
``docs/physics/nemd-protocol-data.json`` as soon as it is done (written atomically).  ``page`` turns that file
into ``docs/physics/nemd-protocol.md``; the thermostat-limited diagnostic
(:func:`kapitza.analysis.md.regime.thermostat_regime`) is recomputed there from the stored mean profiles.

The systems are the smallest that still give G to about 10-15 %:

* ``lj``: Lennard-Jones fcc (cut at 2.5 sigma), masses 1 | 4, LAMMPS units lj, T = 0.3 epsilon/k_B, bath set
  points 0.35 and 0.25, cross-section 4 x 4 fcc cells, 8 + 8 cells along z (1,024 atoms), timestep 0.005 tau;
  2,000 steps NVT, 15,000 steps transient, 40,000 steps production in 10 blocks;
* ``sw``: Si|Ge mass mismatch with Stillinger-Weber Si on both sides (the model of ``kapitza agf --potential
  sw``), units metal, 300 K, baths at 320 and 280 K, cross-section 2 x 2 diamond cells, 10 + 10 cells (640
  atoms), timestep 1 fs; 5 ps NVT, 30 ps transient, 100 ps production in 10 blocks of 10 ps.

Phases: ``coupling`` (damping time and bath width at fixed geometry), ``length`` (cells per side at the chosen
defaults, for the 1/L extrapolation of Sellan et al., PRB 81, 214305 (2010) and Wei et al., Chin. Phys. B 34,
116301 (2025)), ``examples`` (the documented example ``examples/md/si_ge_sw.toml``'s system, 3 x 3 x (10 +
10), at the new defaults and at half the damping time).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "docs" / "physics" / "nemd-protocol-data.json"
PAGE = ROOT / "docs" / "physics" / "nemd-protocol.md"

LJ = dict(
    potential="lj/cut", units="lj", n_x=4, n_y=4, cells_a=8, cells_b=8, mass_b=4.0, temperature=0.3,
    delta_temperature=0.1, timestep=0.005, steps_equilibration=2000, steps_steady=15000, steps_production=40000,
    block_steps=4000, seed=12345,
)  # fmt: skip
SW = dict(
    potential="sw", units="metal", n_x=2, n_y=2, cells_a=10, cells_b=10, temperature=300.0, delta_temperature=40.0,
    timestep=0.001, steps_equilibration=5000, steps_steady=30000, steps_production=100000, block_steps=10000,
    seed=12345,
)  # fmt: skip
#: the documented example (examples/md/si_ge_sw.toml): its geometry and run lengths, production cut to 100 ps
SW_EXAMPLE = dict(
    SW, n_x=3, n_y=3, steps_npt=10000, steps_equilibration=10000, steps_steady=30000, steps_production=100000,
    block_steps=5000,
)  # fmt: skip
#: Replicas of the defaults (phase seeds): replica k of the study's seed 12345 (kapitza.md.replicas.replica_seed).
REPLICAS = 4


def _cases(phase: str) -> list[tuple[str, str, dict]]:
    """(name, series, settings) of a phase, most important first."""
    from kapitza.md.nemd import NemdConfig

    if phase == "coupling":
        lj = {d: (f"lj-damp-{d:g}", "lj-damp", dict(LJ, damp=d, bath_width=3.0)) for d in (2.0, 0.5, 0.2, 0.1, 0.05)}
        sw = {d: (f"sw-damp-{d:g}", "sw-damp", dict(SW, damp=d, bath_width=10.0)) for d in (1.0, 0.3, 0.1, 0.05)}
        # the old defaults and the strong couplings first, the points in between when CPU allows
        return [lj[2.0], lj[0.5], sw[1.0], sw[0.1], sw[0.05], lj[0.1], lj[0.05], sw[0.3], lj[0.2]]
    lj_d, sw_d = NemdConfig(**LJ), NemdConfig(**SW)  # the defaults chosen from the coupling phase
    lj, sw = dict(LJ, damp=lj_d.damp, bath_width=lj_d.bath_width), dict(SW, damp=sw_d.damp, bath_width=sw_d.bath_width)
    if phase == "width":
        return [
            ("lj-width-6", "lj-width", dict(lj, bath_width=6.0)),
            ("sw-width-20", "sw-width", dict(sw, bath_width=20.0)),
        ]
    if phase == "length":
        out = [(f"lj-length-{n}", "lj-length", dict(lj, cells_a=n, cells_b=n)) for n in (6, 16)]
        out += [(f"sw-length-{n}", "sw-length", dict(sw, cells_a=n, cells_b=n)) for n in (5, 20)]
        return out
    if phase == "seeds":  # replicas at the defaults: the seed-to-seed scatter against the stated errors
        from kapitza.md.replicas import replica_seed

        seeds = [replica_seed(LJ["seed"], k) for k in range(2, REPLICAS + 1)]  # replica 1 is the damp run's
        out = [(f"lj-replica-{k}", "lj-seed", dict(lj, seed=s)) for k, s in enumerate(seeds, start=2)]
        return out + [(f"sw-replica-{k}", "sw-seed", dict(sw, seed=s)) for k, s in enumerate(seeds, start=2)]
    if phase == "long":  # the example's cross-section with 30 + 30 cells (the independent 3x3x(30+30) run)
        return [("sw-long-30", "sw-long", dict(SW_EXAMPLE, cells_a=30, cells_b=30, damp=sw_d.damp,
                                                bath_width=sw_d.bath_width))]  # fmt: skip
    if phase == "examples":  # the documented examples as they stand (examples/md/*.toml), SW's production shortened
        import tomllib

        def example(name: str) -> dict:
            text = (ROOT / "examples" / "md" / name).read_text(encoding="utf-8")
            settings = {k: v for k, v in tomllib.loads(text).items() if k != "run_dir"}
            return {"units": "lj"} | settings  # NemdConfig's default, explicit for the records

        return [
            ("lj-example", "lj-example", example("lj_mass_ratio.toml")),
            ("argon-example", "argon-example", example("argon_si.toml")),
            ("sw-example", "sw-example", dict(SW_EXAMPLE, damp=sw_d.damp, bath_width=sw_d.bath_width)),
        ]
    raise SystemExit(f"unknown phase {phase!r}")


def _load() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8")) if DATA.exists() else {"runs": {}}


def _save(data: dict) -> None:
    from kapitza.io.atomic import atomic_write_text

    atomic_write_text(DATA, json.dumps(data, indent=1, sort_keys=True) + "\n")


def run_case(name: str, series: str, settings: dict, root: Path) -> dict:
    from kapitza.analysis.md.profiles import read_profile
    from kapitza.md.nemd import NemdConfig
    from kapitza.md.plan import plan_nemd
    from kapitza.md.run import run_nemd

    cfg = NemdConfig(**settings)
    plan = plan_nemd(cfg)
    t0 = time.perf_counter()
    run = run_nemd(plan, root / name)
    wall = time.perf_counter() - t0
    profile = read_profile(root / name / "profile.chunk", units=cfg.units)
    lo, hi = profile.box
    per_cell = 4 if cfg.potential == "lj/cut" else 8
    record = {
        "series": series,
        "settings": {k: settings[k] for k in sorted(settings)},
        "damp": cfg.damp,
        "bath_width": cfg.bath_width,
        "seed": cfg.seed,
        "atoms": cfg.n_x * cfg.n_y * (cfg.cells_a + cfg.cells_b) * per_cell,
        "side_length": cfg.cells_a * cfg.lattice_constant,
        "steps_per_second": run.steps_per_second,
        "wall_seconds": wall,
        "box": [lo, hi],
        "interfaces": [lo, lo + plan.interface_fraction * (hi - lo)],
        "bath_regions": plan.bath_regions(lo, hi),
        "set_points": [cfg.hot_temperature, cfg.cold_temperature],
        "positions": [round(float(z), 5) for z in profile.positions],
        "mean_profile": [round(float(t), 5) for t in profile.temperatures.mean(axis=0)],
        "flux_blocks": [float(j) for j in run.heat_flux],
    }
    return record | analyze(root / name, cfg, record["flux_blocks"])


def analyze(run_dir: Path, cfg, flux_blocks) -> dict:
    """Delta T, J and G of a finished run as ``kapitza md analyze`` gives them (issue 64: the single-run errors from
    the block series' integrated autocorrelation time with Student's t, kapitza.analysis.md.blocking.correlated_mean),
    with each interface's jump and the combined jump's and flux's block series (for later reanalysis)."""
    from kapitza.analysis.md.response import analyze_run
    from kapitza.errors import KapitzaError

    try:
        a = analyze_run(run_dir).jump
    except KapitzaError as exc:
        return {"error": str(exc)}
    combined = np.mean([np.asarray(i.delta_T_blocks) for i in a.interfaces], axis=0)
    series = a.delta_T_series
    si = 1.602176634e-19 / (1e-20 * 1e-12)  # units metal: eV / (A^2 ps K) in W m^-2 K^-1
    return dict(
        G=a.G, G_err=a.G_err, G_si=a.G * si if cfg.units == "metal" else math.nan,
        G_si_err=a.G_err * si if cfg.units == "metal" else math.nan, delta_T=a.delta_T, delta_T_err=a.delta_T_err,
        flux=a.flux, flux_err=a.flux_err, blocks_used=int(a.blocks_used), warnings=list(a.warnings),
        jumps=[[float(i.delta_T), float(i.delta_T_err)] for i in a.interfaces],
        delta_T_blocks=[round(float(x), 6) for x in combined],
        delta_T_inefficiency=float(series.inefficiency) if series is not None else math.nan,
        flux_inefficiency=float(a.bath_flux.inefficiency) if a.bath_flux is not None else math.nan,
        analyze_run={"directions": [i.direction for i in a.interfaces], "error_method": a.error_method},
    )  # fmt: skip


def main_harmonic(_args: argparse.Namespace) -> None:
    """The AGF (two-probe and intrinsic) and full-dispersion DMM of the SW Si|Ge system, classical, into the JSON.

    :func:`kapitza.transmission.md_systems.harmonic_spectra` (the numbers of ``scripts/md_systems_predictions.py``):
    8 x 8 transverse k, 100 frequencies, DMM mesh 16^3, the model of ``kapitza agf Si Ge --potential sw``.
    """
    from kapitza.transmission.md_systems import harmonic_spectra

    t0 = time.perf_counter()
    from kapitza.md.nemd import NemdConfig
    from kapitza.md.plan import run_manifest

    system = run_manifest(NemdConfig(potential="sw", units="metal"))
    r = harmonic_spectra(system, kpoints=8, frequencies=100, mesh=16)
    data = _load()
    data["harmonic"] = {
        "sw": {
            "agf_two_probe": r.conductance_agf, "agf_intrinsic": r.conductance_agf_intrinsic,
            "dmm": r.conductance_dmm, "ballistic_a": r.ballistic_a, "ballistic_b": r.ballistic_b,
            "omega_max_a": r.omega_max_a, "omega_max_b": r.omega_max_b, "unit": r.conductance_unit,
            "omega_unit": r.omega_unit, "settings": "AGF 8 x 8 k, 100 frequencies; DMM mesh 16^3; classical",
            "seconds": time.perf_counter() - t0,
        }
    }  # fmt: skip
    _save(data)


def main_reanalyze(args: argparse.Namespace) -> None:
    """Redo the analysis of every stored run whose run directory is still under --run-root."""
    from kapitza.md.nemd import NemdConfig

    data = _load()
    for name, record in data["runs"].items():
        folder = Path(args.run_root) / name
        if folder.is_dir():
            for key in ("error", "G", "G_err", "G_si", "G_si_err", "jumps", "analyze_run", "delta_T_blocks"):
                record.pop(key, None)
            record.update(analyze(folder, NemdConfig(**record["settings"]), record["flux_blocks"]))
    _save(data)


def main_run(args: argparse.Namespace) -> None:
    data = _load()
    root = Path(args.run_root)
    root.mkdir(parents=True, exist_ok=True)
    for phase in args.phase:
        for name, series, settings in _cases(phase):
            if args.only and name not in args.only:
                continue
            if name in data["runs"] and data["runs"][name]["settings"] == dict(sorted(settings.items())):
                continue
            print(f"{time.strftime('%H:%M:%S')} {name} ...", flush=True)
            record = run_case(name, series, settings, root)
            data = _load()  # another phase may have added records meanwhile
            data["runs"][name] = record
            _save(data)
            g = record.get("G_si") if settings["units"] == "metal" else record.get("G")
            err = record.get("G_si_err") if settings["units"] == "metal" else record.get("G_err")
            print(
                f"{time.strftime('%H:%M:%S')} {name}: G = {g} +- {err}, {record['wall_seconds']:.0f} s, "
                f"{record['steps_per_second']:.0f} steps/s {record.get('error', '')}",
                flush=True,
            )


# ---------------------------------------------------------------- the page


def _g(record: dict) -> tuple[float, float, str]:
    """G and its error in the display unit: G* = G sigma^2 tau / k_B (lj) or MW m^-2 K^-1 (metal)."""
    if "G" not in record:
        return math.nan, math.nan, ""
    if record["settings"]["units"] == "lj":
        return record["G"], record["G_err"], "k_B/(tau sigma^2)"
    return record["G_si"] / 1e6, record["G_si_err"] / 1e6, "MW m^-2 K^-1"


def _regime(record: dict):
    from kapitza.analysis.md.regime import thermostat_regime

    jumps = [j[0] for j in record["jumps"]] if "jumps" in record else None
    errors = [j[1] for j in record["jumps"]] if "jumps" in record else None
    return thermostat_regime(
        record["positions"], record["mean_profile"], set_points=record["set_points"],
        bath_regions=record["bath_regions"], interfaces=record["interfaces"], box=record["box"],
        interface_jumps=jumps,
        interface_jump_errors=errors,
    )  # fmt: skip


def extrapolate(lengths: list[float], g: list[float], g_err: list[float]) -> tuple[float, float, float, float]:
    """1/G = 1/G_inf + c / L by weighted least squares: (G_inf, its error, c, chi^2 per dof).

    The form of the NEMD size extrapolation (Sellan et al., PRB 81, 214305 (2010), for 1/kappa; Wei et al.,
    Chin. Phys. B 34, 116301 (2025), for the interface conductance): the bath-to-interface phonon transport
    adds a resistance proportional to 1/L.  The same weighted line as kapitza's
    :func:`kapitza.analysis.md.thickness.extrapolate_conductivity` (weights from sigma(1/G) = G_err / G^2).
    """
    from kapitza.analysis.md.thickness import extrapolate_conductivity

    fit = extrapolate_conductivity(lengths, g, g_err)
    return fit.kappa_inf, fit.kappa_inf_err, fit.c, fit.chi2_per_dof


def _cell(record: dict, key: str) -> str:
    return str(record[key]) if key == "seed" else format(record[key], ".4g")


def _table(records: list[tuple[str, dict]], key: str, label: str) -> list[str]:
    rows = [
        f"| {label} | G | Delta T | slabs off set points | interface share | verdict | atoms | steps/s | wall |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for _name, r in records:
        r = dict(r, seed=r["settings"]["seed"])
        g, ge, unit = _g(r)
        if "error" in r:
            rows.append(f"| {r[key]:.4g} | refused: {r['error']} | | | | | {r['atoms']} | | |")
            continue
        reg = _regime(r)
        t_unit = "" if r["settings"]["units"] == "lj" else " K"
        rows.append(
            f"| {_cell(r, key)} | {g:.3g} +- {ge:.2g} {unit} | {r['delta_T']:.3g} +- {r['delta_T_err']:.2g}{t_unit} | "
            f"{100 * reg.bath_shortfall:.0f} % | {100 * reg.interface_share:.0f} % | {reg.verdict} | "
            f"{r['atoms']} | {r['steps_per_second']:.0f} | {r['wall_seconds']:.0f} s |"
        )
    return rows


def main_page(_args: argparse.Namespace) -> None:
    from kapitza.io.atomic import atomic_write_text

    runs = _load()["runs"]

    def series(name: str, key: str) -> list[tuple[str, dict]]:
        return sorted(((n, r) for n, r in runs.items() if r["series"] == name), key=lambda nr: -nr[1][key])

    out = [PAGE_HEAD, *_parity()]
    for title, name, key, label in (
        ("LJ: G against the damping time (bath width 3 sigma)", "lj-damp", "damp", "damp (tau)"),
        ("LJ: bath width", "lj-width", "bath_width", "width (sigma)"),
        ("SW Si|Ge: G against the damping time (bath width 10 A)", "sw-damp", "damp", "damp (ps)"),
        ("SW Si|Ge: bath width", "sw-width", "bath_width", "width (A)"),
        ("LJ: length series at the defaults", "lj-length", "side_length", "side (sigma)"),
        ("SW Si|Ge: length series at the defaults", "sw-length", "side_length", "side (A)"),
        ("LJ: replicas at the defaults (other seeds)", "lj-seed", "seed", "seed"),
        ("SW Si|Ge: replicas at the defaults (other seeds)", "sw-seed", "seed", "seed"),
    ):  # fmt: skip
        rec = series(name, key)
        if name.endswith("width"):  # the width series includes the coupling run at the default damp, width as given
            base = [(n, r) for n, r in runs.items() if r["series"] == name.replace("width", "damp")]
            ref = [nr for nr in base if rec and nr[1]["damp"] == rec[0][1]["damp"]]
            rec = sorted(rec + ref, key=lambda nr: nr[1]["bath_width"])
        if name.endswith("length"):
            base = [(n, r) for n, r in runs.items() if r["series"] == name.replace("length", "damp")]
            same = ("damp", "bath_width")
            ref = [nr for nr in base if rec and all(nr[1][k] == rec[0][1][k] for k in same)]
            rec = sorted(rec + ref, key=lambda nr: nr[1]["side_length"])
        if name.endswith("seed"):
            base = [(n, r) for n, r in runs.items() if r["series"] == name.replace("seed", "damp")]
            same = ("damp", "bath_width")
            rec += [nr for nr in base if rec and all(nr[1][k] == rec[0][1][k] for k in same)]
            rec = sorted(rec, key=lambda nr: nr[1]["settings"]["seed"])
        if not rec:
            continue
        out += [f"## {title}", "", *_table(rec, key, label), ""]
        ok = [r for _n, r in rec if "G" in r]
        if name.endswith("seed") and len(ok) >= 2:
            out += [_pooled_line(ok), ""]
        if name.endswith("length") and len(ok) >= 3:
            g, ge = zip(*(_g(r)[:2] for r in ok), strict=True)
            g_inf, g_inf_err, c, chi2 = extrapolate([r["side_length"] for r in ok], list(g), list(ge))
            out += [
                f"1/G = 1/G_inf + c/L over L = {', '.join(format(r['side_length'], '.3g') for r in ok)} "
                f"(length of each crystal): **G_inf = {g_inf:.3g} +- {g_inf_err:.2g} {_g(ok[0])[2]}**, "
                f"c = {c:.3g}, chi^2/dof = {chi2:.2g}.",
                "",
            ]
    out += _examples(runs)
    out += _conclusions(runs, _load().get("harmonic", {}))
    atomic_write_text(PAGE, "\n".join(out) + "\n")


PAGE_HEAD = """# The NEMD protocol: a conductance that does not depend on the thermostat

<!-- written by scripts/nemd_protocol_study.py page from nemd-protocol-data.json; do not edit by hand -->

A Langevin bath absorbs the phonons that reach it only if it is coupled strongly enough and wide enough.
With weak baths (a damping time of many phonon periods, a thin slab) phonons cross the bath slab and the
crystal ballistically: the bulk profiles are flat, the interface takes nearly all of the drop, the slabs'
temperatures may stay far from their set points (or, as for SW Si|Ge below, close to them while the phonons
leaving them are not thermal), and G = J / Delta T measures the thermostat, not the interface. This page
is the convergence study behind kapitza's defaults (`kapitza.md.nemd.NemdConfig`): G against the Langevin
damping time and the bath width at fixed geometry until it stops moving, then against the length, with the
1/L extrapolation (Sellan et al., PRB 81, 214305 (2010); Wei et al., Chin. Phys. B 34, 116301 (2025)).

Every number here was measured by `scripts/nemd_protocol_study.py` (records in `nemd-protocol-data.json`:
settings, mean profiles, block fluxes) with LAMMPS in-process, one MPI rank and one thread, on a machine
shared with other jobs (the speeds are not benchmarks). Systems:

* **LJ**: Lennard-Jones fcc cut at 2.5 sigma, masses 1 | 4, units lj, T = 0.3 epsilon/k_B, baths at 0.35 and
  0.25, cross-section 4 x 4 fcc cells, 8 + 8 cells along z (1,024 atoms), timestep 0.005 tau; 2,000 steps NVT,
  15,000 steps transient, 40,000 steps (200 tau) production in 10 blocks; seed 12345.
* **SW Si|Ge**: Stillinger-Weber Si on both sides, B with Ge's mass (the model of `kapitza agf --potential
  sw`), units metal, 300 K, baths at 320 and 280 K, cross-section 2 x 2 diamond cells, 10 + 10 cells (640
  atoms), timestep 1 fs; 5 ps NVT, 30 ps transient, 100 ps production in 10 blocks of 10 ps; seed 12345.

The replicas (other seeds) are `kapitza md run CONFIG --replicas 4`'s: replica 1 is the run at the defaults
(seed 12345), replicas 2-4 have the seeds `kapitza.md.replicas.replica_seed` derives from it.

No NPT in the study (the lattice constants are the builder's). The length series varies the cells of both
crystals at once (L below is the length of one crystal); everything else as above.

Delta T, J and G as `kapitza md analyze` gives them (`kapitza.analysis.md.response.analyze_run`): the bulk fits
and extrapolations per block, each interface's jump signed by the heat-flow direction of the set-up (hot bath in
A), the combined jump the per-block mean of the two interfaces; J the mean of the blocks' bath fluxes; each error
the single-run error of issue 64, from the block series' integrated autocorrelation time with Student's t factor
for its effective number of blocks (`kapitza.analysis.md.blocking.correlated_mean`; measured against many seeds on
the calibration page); G = J / Delta T, relative errors in quadrature. "Slabs off set
points" is the share of the set difference T_hot - T_cold that the bath slabs' own mean temperatures miss;
"interface share" the share of the slab-to-slab drop taken by the interface jump; the verdict is
`kapitza.analysis.md.regime.thermostat_regime`'s, which every `kapitza md run` now prints.
"""


#: The parity of kapitza md run with a hand-written input (benchmarks/nemd_parity.py; issue 52).
PARITY = ROOT / "docs" / "physics" / "nemd-parity-data.json"


def _parity() -> list[str]:
    """The section on kapitza md run beside a hand-written LAMMPS input of the same model, from its stored data."""
    if not PARITY.is_file():
        return []
    doc = json.loads(PARITY.read_text(encoding="utf-8"))
    rows = doc["rows"]
    hand = {r["analysis"]: r for r in rows if r["run"].startswith("hand")}
    out = [
        "## kapitza md run beside a hand-written input of the same model",
        "",
        f"{doc['model']}. The hand-written input (`benchmarks/nemd_hand/si_ge_sw.in`, written from the LAMMPS manual, "
        "not by kapitza's generator: one LAMMPS run, `lattice diamond`, its own seeds, Langevin baths without "
        "`zero`, the plane of every atom from the ideal lattice, per-atom kinetic energy with 3N degrees of freedom, "
        "the flux from the bath tallies corrected by each side's energy change) beside `kapitza md run` of "
        "`examples/md/si_ge_sw.toml` with these lengths; each analysed by `benchmarks/nemd_parity.py`'s own line fits "
        "(independent) and by `kapitza md analyze` (its reader of anyone's files for the hand-written run). "
        f"Command: `{doc['command']}`; {doc['date']}, commit `{doc['commit']}`.",
        "",
        "| run | analysis | G (MW m^-2 K^-1) | J (W m^-2) | Delta T (K) | kapitza - hand (combined errors) |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        h = hand[r["analysis"]]
        diff = "" if r["run"].startswith("hand") else (f"{(r['G'] - h['G']) / math.hypot(r['G_err'], h['G_err']):+.1f}")
        out.append(
            f"| {r['run']} | {r['analysis']} | {r['G']:.0f} +- {r['G_err']:.0f} | {r['J']:.3g} +- {r['J_err']:.2g} | "
            f"{r['dT']:.1f} +- {r['dT_err']:.1f} | {diff} |"
        )
    out += [
        "",
        "The cause (issue 52): kapitza's baths were `fix langevin ... zero yes`. That keyword subtracts the sum of the "
        "random forces on a bath slab at every step while the slab's friction still acts on its centre of mass: the "
        "slab's rigid motion, which drives the long-wavelength phonons that cross the interface ballistically, was "
        "damped and never driven. The flux fell by 12-17 % at the same bath temperatures and G with it; the "
        "temperature jump and the analysis were unaffected (kapitza's analysis of the hand-written run's own files "
        "agrees with the independent one). The same script without the keyword, run with plain `lmp`, gives "
        "the blocks of the fixed `kapitza md run` bit for bit. Every number on this page below was measured again "
        "after the fix.",
        "",
    ]
    return out


def _pooled_line(records: list[dict]) -> str:
    """The replicas pooled as ``kapitza md analyze PARENT`` pools them (kapitza.analysis.md.replicas.pool_replicas):
    G from their mean flux and mean jump, its error from their spread, and the Birge ratio of the spread against the
    single-run errors."""
    from kapitza.analysis.md.replicas import pool_replicas

    p = pool_replicas(
        [r["flux"] for r in records], [r["delta_T"] for r in records], [r["flux_err"] for r in records],
        [r["delta_T_err"] for r in records],
    )  # fmt: skip
    scale = _g(records[0])[0] / records[0]["G"]  # the display unit per the run's conductance unit
    g = [_g(r)[0] for r in records]
    verdict = (
        f"the single-run errors understate the spread by a factor {p.spread_ratio:.2g}"
        if p.understated
        else "the single-run errors account for the spread"
    )
    return (
        f"The {p.n} replicas pooled as `kapitza md analyze PARENT` pools them (G = mean J / mean Delta T, error from "
        f"their spread x Student's t {p.t_factor:.3g}): **G = {p.G * scale:.3g} +- {p.G_err * scale:.2g} "
        f"{_g(records[0])[2]}**; the replicas' own G range over {min(g):.3g} to {max(g):.3g} (standard deviation "
        f"{np.std(g, ddof=1):.2g}). Spread against the single-run errors: Birge ratio {p.spread_ratio:.2g} (p = "
        f"{p.spread_pvalue:.2g}): {verdict}."
    )


def _span(runs: dict, series: str, key: str, damp: float | None = None) -> str:
    """min-max of a record key over a series (e.g. the jumps' errors), for the text."""
    v = [r[key] for r in runs.values() if r["series"] == series and key in r and (damp is None or r["damp"] == damp)]
    return f"{min(v):.2g}-{max(v):.2g}" if v else "(not run)"


def g_at_width(runs: dict, series: str, width: float) -> str:
    r = next((r for r in runs.values() if r["series"] == series and r["bath_width"] == width and "G" in r), None)
    return "(not run)" if r is None else "{:.3g} +- {:.2g}".format(*_g(r)[:2])


def _seed_range(runs: dict, series: str) -> str:
    """The range of G over a series of replicas and the run at the defaults with the study's seed."""
    seeds = [r for r in runs.values() if r["series"] == series and "G" in r]
    if not seeds:
        return "(not run)"
    base = [
        r for r in runs.values()
        if r["series"] == series.replace("seed", "damp") and "G" in r
        and all(r[k] == seeds[0][k] for k in ("damp", "bath_width"))
    ]  # fmt: skip
    g = [_g(r)[0] for r in seeds + base]
    return f"{min(g):.3g} to {max(g):.3g} (mean {np.mean(g):.3g}, standard deviation {np.std(g, ddof=1):.2g})"


def _examples(runs: dict) -> list[str]:
    """The documented examples (examples/md/*.toml) re-run at the new defaults."""
    from kapitza.md.nemd import ARGON_EPSILON_EV, ARGON_MASS_AMU, ARGON_SIGMA_ANGSTROM

    # k_B/(tau sigma^2) of argon in W m^-2 K^-1: tau = sigma sqrt(m/epsilon)
    sigma, kb = ARGON_SIGMA_ANGSTROM * 1e-10, 1.380649e-23
    tau = sigma * math.sqrt(ARGON_MASS_AMU * 1.66053906660e-27 / (ARGON_EPSILON_EV * 1.602176634e-19))
    g_star = kb / (tau * sigma**2)
    names = {"lj-example": "lj_mass_ratio.toml", "argon-example": "argon_si.toml", "sw-example": "si_ge_sw.toml"}
    rows = [(n, runs[n]) for n in names if n in runs]
    if not rows:
        return []
    out = [
        "## The documented examples at the new defaults",
        "",
        "| example | system | damp | G | Delta T | verdict | steps/s | wall |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for n, r in rows:
        st = r["settings"]
        system = f"{st['n_x']} x {st['n_y']} x ({st['cells_a']} + {st['cells_b']}) cells, {r['atoms']} atoms"
        if "G" not in r:
            out.append(f"| `{names[n]}` | {system} | {r['damp']:g} | refused: {r.get('error')} | | | | |")
            continue
        g, ge, unit = _g(r)
        text = f"{g:.3g} +- {ge:.2g} {unit}"
        if n == "argon-example":
            text += f" = {r['G_si'] / g_star:.3g} +- {r['G_si_err'] / g_star:.2g} k_B/(tau sigma^2)"
        t_unit = "" if st["units"] == "lj" else " K"
        out.append(
            f"| `{names[n]}` | {system} | {r['damp']:g} | {text} | {r['delta_T']:.3g} +- {r['delta_T_err']:.2g}"
            f"{t_unit} | {_regime(r).verdict} | {r['steps_per_second']:.0f} | {r['wall_seconds']:.0f} s |"
        )
    out += [
        "",
        f"(k_B/(tau sigma^2) = {g_star / 1e6:.4g} MW m^-2 K^-1 for argon.) Each example ran as its file "
        "stands (the SW one with 30 ps of transient and 100 ps of production, its file's lengths since this "
        "study; before, 100 ps and 200 ps at 1 ps damping gave 143 +- 16 MW m^-2 K^-1 with the regression flux "
        "error).",
        "",
    ]
    return out


def _conclusions(runs: dict, harmonic: dict) -> list[str]:
    """The defaults and the comparison with the harmonic models, with the numbers of the records."""
    from kapitza.md.nemd import NemdConfig

    lj, sw = NemdConfig(potential="lj/cut"), NemdConfig(potential="sw", units="metal")

    def g_at(series: str, damp: float) -> str:
        r = next((r for r in runs.values() if r["series"] == series and r["damp"] == damp and "G" in r), None)
        return "(not run)" if r is None else "{:.3g} +- {:.2g}".format(*_g(r)[:2])

    out = [
        "## The defaults",
        "",
        f"`NemdConfig` now defaults to a damping time of {sw.damp:g} ps and {sw.bath_width:g} A baths for Si/Ge "
        "(SW and Tersoff; Tersoff not studied separately: same atoms, same phonon frequencies), and to "
        f"{lj.damp:g} tau and {lj.bath_width:g} sigma for LJ (argon in units metal: the same in its units, "
        "0.4296 ps and 10.215 A).",
        "",
        f"* SW Si|Ge on 2 x 2 x (10 + 10) cells with 40 K between the baths and 100 ps of production: G is "
        f"{g_at('sw-damp', 1.0)}, {g_at('sw-damp', 0.3)}, {g_at('sw-damp', 0.1)} and {g_at('sw-damp', 0.05)} "
        "MW m^-2 K^-1 at 1, 0.3, 0.1 and 0.05 ps. Since the baths drive the long waves (no `zero yes`, the "
        f"parity section above) the interface jumps in cells this small are {_span(runs, 'sw-damp', 'delta_T')} K "
        f"with errors of {_span(runs, 'sw-damp', 'delta_T_err')} K, so G carries large errors and these runs cannot "
        "place a plateau: only 1 ps stands apart (the "
        "lowest G, its slabs the furthest off their set points). The default stays 0.1 ps: at 0.1 ps the 3 x 3 x "
        "(30 + 30) run with 200 ps of production agrees with a hand-written input of the same model within "
        "its error (parity section), and 20 A baths give the same G as 10 A (below).",
        f"* LJ (masses 1 | 4): never thermostat-limited between 2 and 0.05 tau. G is {g_at('lj-damp', 2.0)}, "
        f"{g_at('lj-damp', 0.5)}, {g_at('lj-damp', 0.2)}, {g_at('lj-damp', 0.1)} and {g_at('lj-damp', 0.05)} "
        f"at 2, 0.5, 0.2, 0.1 and 0.05 tau, while four replicas at 0.2 tau give {_seed_range(runs, 'lj-seed')}: "
        "from 0.5 to 0.05 tau the values agree within their errors and the seeds' spread, 2 tau lies at the low "
        "end. 0.2 tau keeps the slabs within 4 % of their set points and stays the default: "
        f"{lj.damp:g} tau.",
        f"* Bath width: SW Si|Ge with 20 A baths gives {g_at_width(runs, 'sw-width', 20.0)} against "
        f"{g_at('sw-damp', sw.damp)} with 10 A: no change, so 10 A stays. LJ with 6 sigma baths gives "
        f"{g_at_width(runs, 'lj-width', 6.0)}, above the seeds' range at 3 sigma; with 8-cell (12.4 sigma) "
        "crystals a 6 sigma slab leaves 3.2 sigma of bulk on each side for the fits, so this one run does not "
        "say that wider is better; 3 sigma stays.",
        "* Run lengths are not changed: the errors above say how long a run must be for a given precision "
        "(docs/howto/replicas.md: the error against replicas and production time). The errors here are the "
        "single-run errors of issue 64: the block series' integrated autocorrelation time with Student's t factor, "
        "measured against 40 (LJ) and 24 (SW) seeds on the calibration page; the replica sections above compare "
        "them with the spread of four replicas. The jumps are signed by the set-up's heat-flow direction "
        "(issue 25 item 5).",
        "",
    ]
    h = harmonic.get("sw")
    if h:
        mw = 1e-6
        thz = 1 / (2 * math.pi * 1e12)
        out += [
            "## SW Si|Ge: NEMD against the harmonic models of the same system",
            "",
            f"The same model (SW Si, Ge's mass on side B, [001]), {h['settings']} "
            f"(`scripts/nemd_protocol_study.py harmonic`, i.e. `kapitza.transmission.md_systems.harmonic_spectra`): "
            f"AGF two-probe {h['agf_two_probe'] * mw:.0f}, AGF intrinsic {h['agf_intrinsic'] * mw:.0f}, "
            f"DMM {h['dmm'] * mw:.0f} MW m^-2 K^-1; band tops {h['omega_max_a'] * thz:.1f} THz (Si side) and "
            f"{h['omega_max_b'] * thz:.1f} THz (Ge side).",
            "",
        ]
        kinds = ("sw-damp", "sw-length", "sw-seed", "sw-example", "sw-long")
        rows = [(n, r) for n, r in runs.items() if r["series"] in kinds]
        rows = [(n, r) for n, r in rows if r["damp"] == sw.damp and r["bath_width"] == sw.bath_width and "G" in r]
        for n, r in sorted(rows):
            g, ge, _ = _g(r)
            out.append(
                f"* `{n}` ({r['atoms']} atoms, {r['settings']['n_x']} x {r['settings']['n_y']} x "
                f"({r['settings']['cells_a']} + {r['settings']['cells_b']}) cells): G = {g:.0f} +- {ge:.0f}, "
                f"{g / (h['agf_intrinsic'] * mw):.2f} +- {ge / (h['agf_intrinsic'] * mw):.2f} of the intrinsic AGF."
            )
        same = [r for n, r in rows if r["settings"]["cells_a"] == 10 and r["settings"]["n_x"] == 2]
        if same:
            g, ge = np.array([_g(r)[:2] for r in same]).T
            w = 1 / ge**2
            mean, err = float(np.sum(w * g) / np.sum(w)), float(1 / np.sqrt(np.sum(w)))
            agf = h["agf_intrinsic"] * mw
            out += [
                "",
                f"Weighted mean of the {len(same)} runs on 2 x 2 x (10 + 10) cells at the defaults (seeds "
                f"{', '.join(str(r['settings']['seed']) for r in same)}): **G = {mean:.0f} +- {err:.0f} "
                f"MW m^-2 K^-1, {mean / agf:.2f} +- {err / agf:.2f} of the intrinsic AGF** "
                f"({mean / (h['dmm'] * mw):.2f} of the DMM, {mean / (h['agf_two_probe'] * mw):.2f} of the two-probe "
                "AGF). At 1 ps it is "
                f"{_g(runs['sw-damp-1'])[0] / agf:.2f} of the AGF."
                if "sw-damp-1" in runs
                else "",
            ]
            two = h["agf_two_probe"] * mw
            ex = runs.get("sw-example")
            ex_text = (
                f" and the documented example (3 x 3 x (10 + 10) cells) {_g(ex)[0] / agf:.2f} +- {_g(ex)[1] / agf:.2f}"
                if ex and "G" in ex
                else ""
            )
            fit = [r for r in runs.values() if r["series"] == "sw-length" and "G" in r]
            fit += [r for r in same if r["settings"]["seed"] == 12345]
            g_inf = (
                extrapolate(*zip(*((r["side_length"], *_g(r)[:2]) for r in fit), strict=True)) if len(fit) > 2 else None
            )
            parity = json.loads(PARITY.read_text(encoding="utf-8")) if PARITY.is_file() else None
            fixed = next(
                (r for r in (parity or {}).get("rows", [])
                 if r["run"].startswith("kapitza md run after") and r["analysis"] == "kapitza md analyze"),
                None,
            )  # fmt: skip
            long_text = (
                f"The most precise run of the model, 3 x 3 x (30 + 30) cells with 200 ps of production (parity "
                f"section), gives G = {fixed['G']:.0f} +- {fixed['G_err']:.0f} MW m^-2 K^-1, "
                f"{fixed['G'] / agf:.2f} +- {fixed['G_err'] / agf:.2f} of the intrinsic AGF and "
                f"{fixed['G'] / two:.2f} +- {fixed['G_err'] / two:.2f} of the two-probe AGF. "
                if fixed
                else ""
            )
            out += [
                "",
                long_text + "The short cells of this study scatter widely around it: "
                f"{mean / agf:.2f} +- {err / agf:.2f} of the intrinsic AGF on 2 x 2 x (10 + 10) cells{ex_text}. In "
                "cells this short the 27 A of crystal between a bath's centre and the interface are shorter than the "
                "mean free paths of the low-frequency phonons, so the phonons reaching the interface are not in "
                "local equilibrium and the leads' ballistic (contact) resistance, which the intrinsic AGF removes and "
                "the two-probe AGF keeps, enters the measured jump in part; a 2 x 2 or 3 x 3 cross-section holds "
                "only a few transverse wavevectors; and MD is anharmonic where the AGF is not (three-phonon "
                "processes let phonons above the 11 THz Ge band top cross at 300 K; both are classical here). "
                "This study's length series does not separate them: "
                + (
                    f"1/L gives G_inf = {g_inf[0]:.0f} +- {g_inf[1]:.0f} MW m^-2 K^-1 from points with 25-60 % errors; "
                    if g_inf
                    else ""
                )
                + "a length series precise enough needs several hundred ps per run, more than this study could "
                "spend on two shared cores. The spectral heat current (`kapitza md spectral`) shows the inelastic "
                "part directly, as weight above the Ge band top.",
                "",
            ]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run")
    run.add_argument("--phase", action="append", choices=["coupling", "width", "length", "examples", "seeds", "long"])
    run.add_argument("--only", action="append")
    run.add_argument("--run-root", default="/tmp/nemd_study")
    sub.add_parser("page")
    sub.add_parser("harmonic")
    again = sub.add_parser("reanalyze")
    again.add_argument("--run-root", default="/tmp/nemd_study")
    args = parser.parse_args()
    if args.command == "run":
        args.phase = args.phase or ["coupling"]
        main_run(args)
    elif args.command == "reanalyze":
        main_reanalyze(args)
    elif args.command == "harmonic":
        main_harmonic(args)
    else:
        main_page(args)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    main()
