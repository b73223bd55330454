"""The numbers of docs/howto/replicas.md: the error of G against the number of replicas and the production time, and
what each costs, from one folder of replicas (``kapitza md run CONFIG --replicas N``).

Usage::

    PYTHONPATH=src python scripts/replicas_howto.py FOLDER [--block NAME] [--write]

For every production time t (the first k blocks of each replica, k = the run's blocks / 5, 2/5, ... all) and every
number of replicas n = 1 .. N (the first n replicas), the folder is analysed as ``kapitza md analyze`` does
(:func:`kapitza.analysis.md.analyze.analyze_md`, on copies of the replicas cut to k blocks): for n = 1 the
single-run G and its error (the mean over the replicas of their single-run errors), for n >= 2 the pooled G and its
replica error.  The cost is LAMMPS's own loop time (``log.lammps``: the equilibration and transient once per
replica, then per ps of production), in CPU seconds on one core.  With ``--write`` the table replaces the block
between ``<!-- NAME:begin -->`` and ``<!-- NAME:end -->`` of docs/howto/replicas.md and the numbers go to
docs/howto/NAME-data.json (``--block``, default ``replicas-howto``: the example's 10 + 10 cell, data file
replicas-data.json; ``replicas-30``: the 30 + 30 cell of issue 64's goal).
"""

from __future__ import annotations

import argparse
import json
import math
import re
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "howto" / "replicas.md"
DATA = ROOT / "docs" / "howto" / "replicas-data.json"
LOOP = re.compile(r"^Loop time of ([0-9.eE+-]+) on \d+ procs for (\d+) steps")
CPU = re.compile(r"^([0-9.]+)% CPU use with")


def loop_times(run_dir: Path) -> list[tuple[float, int]]:
    """(CPU seconds, steps) of every LAMMPS ``run`` in the replica's log, in order: the loop's wall time times the
    share of a core it had (LAMMPS prints both; the machine was shared, so the wall time alone overstates the cost)."""
    out = []
    lines = (run_dir / "log.lammps").read_text(encoding="utf-8", errors="replace").splitlines()
    for k, line in enumerate(lines):
        m = LOOP.match(line.strip())
        if m:
            share = next((c for c in (CPU.match(x.strip()) for x in lines[k + 1 : k + 5]) if c), None)
            out.append((float(m.group(1)) * (float(share.group(1)) / 100 if share else 1.0), int(m.group(2))))
    return out


def cut(run_dir: Path, blocks: int, into: Path) -> None:
    """A copy of ``run_dir`` whose profile.chunk and baths.txt hold only the first ``blocks`` blocks."""
    from kapitza.io.run_manifest import BATHS_HEADER
    from kapitza.md.run import truncate_profile

    into.mkdir(parents=True)
    for name in ("run.json", "box.txt", "state.json", "config.toml"):
        shutil.copy(run_dir / name, into / name)
    (into / "profile.chunk").write_text(
        truncate_profile((run_dir / "profile.chunk").read_text(encoding="utf-8"), blocks), encoding="utf-8"
    )
    rows = [ln for ln in (run_dir / "baths.txt").read_text(encoding="utf-8").splitlines() if ln and ln[0] != "#"]
    (into / "baths.txt").write_text(BATHS_HEADER + "".join(r + "\n" for r in rows[:blocks]), encoding="utf-8")


def table(folder: Path) -> dict:
    from kapitza.analysis.md.analyze import analyze_md
    from kapitza.analysis.md.jump import conductance_mw
    from kapitza.errors import KapitzaError
    from kapitza.io.replica_layout import read_replica_set, write_replica_set
    from kapitza.io.run_manifest import read_manifest

    record = read_replica_set(folder)
    names = [r.name for r in record.replicas if (folder / r.name / "state.json").is_file()]
    manifest = read_manifest(folder / names[0])
    n_blocks, block_ps = manifest.n_blocks, manifest.block_time
    units = manifest.units

    def mw(g: float) -> float:
        return conductance_mw(g, units) if units != "lj" else g

    # cost: the runs before production (unit 0 and the transient) and the production blocks, per replica
    setup, per_block = [], []
    for name in names:
        times = loop_times(folder / name)
        blocks = times[-n_blocks:]
        setup.append(sum(t for t, _ in times[: len(times) - n_blocks]))
        per_block.append(np.mean([t for t, _ in blocks]))
    steps = sorted({max(1, round(n_blocks * f)) for f in (0.2, 0.4, 0.6, 0.8, 1.0)})
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for k in steps:
            parent = Path(tmp) / f"k{k}"
            parent.mkdir()
            for name in names:
                cut(folder / name, k, parent / name)
            try:
                singles = [analyze_md(parent / name) for name in names]
            except KapitzaError as exc:  # too short to analyse (e.g. baths not yet steady): said, not tabled
                rows.append({"production_ps": k * block_ps, "blocks": k, "refused": str(exc)})
                continue
            single_g = [s.jump.G for s in singles]
            single_err = [s.jump.G_err for s in singles]
            for n in range(1, len(names) + 1):
                cost = n * (float(np.mean(setup)) + k * float(np.mean(per_block)))
                if n == 1:
                    g, err = float(np.mean(single_g)), float(np.sqrt(np.mean(np.square(single_err))))
                    spread = float(np.std(single_g, ddof=1))
                    how = f"single run (rms of {len(names)} runs' own errors; their G scatter {mw(spread):.3g})"
                else:  # every set of n of the replicas: the mean G and the rms replica error
                    import itertools

                    gs, errs = [], []
                    for subset in itertools.combinations(names, n):
                        sub = dataclass_parent(record, list(subset), parent, write_replica_set)
                        pool = analyze_md(sub).replicas.pool
                        gs.append(pool.G)
                        errs.append(pool.G_err)
                    g, err = float(np.mean(gs)), float(np.sqrt(np.mean(np.square(errs))))
                    how = f"{n} replicas pooled (mean over the {len(gs)} sets of {n})"
                rows.append(
                    {
                        "production_ps": k * block_ps, "blocks": k, "replicas": n, "G": mw(g), "G_err": mw(err),
                        "relative_err": err / g if g else math.nan, "cpu_seconds": cost, "what": how,
                    }
                )  # fmt: skip
    return {
        "folder": str(folder),
        "replicas": names,
        "seeds": [record.entry(n).seed for n in names],
        "block_ps": block_ps,
        "n_blocks": n_blocks,
        "setup_cpu_seconds": float(np.mean(setup)),
        "cpu_seconds_per_block": float(np.mean(per_block)),
        "unit": "MW m^-2 K^-1" if units != "lj" else "k_B/(tau sigma^2)",
        "time_unit": "tau" if units == "lj" else "ps",
        "rows": rows,
    }


def dataclass_parent(record, names: list[str], parent: Path, write) -> Path:
    """A folder holding the first replicas of ``parent`` only (links to their cut copies) with its replicas.json."""
    import dataclasses

    sub = parent.parent / f"{parent.name}-{'-'.join(n.split('-')[-1] for n in names)}"
    if not sub.exists():  # the chosen replicas, numbered 1..n in the new folder (their seeds kept)
        sub.mkdir()
        kept = []
        for k, name in enumerate(names, start=1):
            (sub / f"replica-{k}").symlink_to(parent / name)
            kept.append(dataclasses.replace(record.entry(name), name=f"replica-{k}", index=k))
        write(sub, dataclasses.replace(record, replicas=tuple(kept)))
    return sub


def markdown(doc: dict) -> list[str]:
    unit = doc["unit"]
    out = [
        f"| production per replica | replicas | G ({unit}) | error | relative | CPU time (one core) |",
        "|---|---|---|---|---|---|",
    ]
    for r in doc["rows"]:
        if "refused" in r:
            out.append(f"| {r['production_ps']:g} {doc['time_unit']} | | refused: {r['refused'][:80]} | | | |")
            continue
        out.append(
            f"| {r['production_ps']:g} {doc['time_unit']} | {r['replicas']} | {r['G']:.3g} | {r['G_err']:.2g} | "
            f"{100 * r['relative_err']:.0f} % | {r['cpu_seconds'] / 60:.0f} min |"
        )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder")
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--block", default="replicas-howto", help="the marked block of the page (and its data file)")
    args = parser.parse_args(argv)
    begin, end = f"<!-- {args.block}:begin -->", f"<!-- {args.block}:end -->"
    page = PAGE.read_text(encoding="utf-8")
    if args.write and not (re.fullmatch(r"[a-z0-9][a-z0-9-]*", args.block) and begin in page and end in page):
        parser.error(f"--block {args.block!r}: {PAGE.name} has no block of that name (marked {begin} ... {end})")
    doc = table(Path(args.folder))
    lines = markdown(doc)
    print("\n".join(lines))
    if args.write:
        data = DATA if args.block == "replicas-howto" else PAGE.with_name(f"{args.block}-data.json")
        data.write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")
        head, rest = page.split(begin, 1)
        _, tail = rest.split(end, 1)
        PAGE.write_text(head + begin + "\n" + "\n".join(lines) + "\n" + end + tail, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    sys.exit(main())
