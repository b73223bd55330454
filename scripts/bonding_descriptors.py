"""The interface's bonding descriptors of every buildable pair of the compilation, computed once and shipped as package
data (issue 62 item 2): the work of adhesion, the seam stiffness against each side's bulk and the overlap of the two
seam zones' spectra (:func:`kapitza.prediction.bonding.pair_bonding`), one row per pair (film, substrate, planes)
that ``kapitza interface buildable`` builds with its defaults.

  python scripts/bonding_descriptors.py run --calculator chgnet --budget-min 240
      Each pair in a fixed order chosen before any result was seen (the cheapest first, by the plan's stated time;
      ``order`` prints it), one ``pair_bonding`` call each, cached by content, so a second run reads every finished
      pair back in a moment and goes on with the next; a pair not started when the budget is spent is left for the
      next run.  After every pair the table is written whole and atomically
      (``src/kapitza/prediction/data/bonding_descriptors.csv``, or ``--out``): the finished pairs with their numbers,
      time and peak memory, the others with why not.  A run extends the table already there: its computed pairs are
      kept, not computed again (on a machine without the cache too), and ``--pairs`` computes the pairs it names
      and leaves the table's other rows as they were; a file of another potential is refused.  Run it in the
      background, niced, as often as it takes.
  python scripts/bonding_descriptors.py order
      The pairs in the run's order with each one's plan (slab, time, memory).
  python scripts/bonding_descriptors.py summary [--compare FILE]
      The table's computed pairs as a Markdown table (W, separation, seam stiffness and ratios, overlap, time,
      memory), the time per force call measured, and, with ``--compare``, the pairs of another potential's table
      beside these (the default potential's subset).
  python scripts/bonding_descriptors.py converge --pair Al/Si --thickness 4,8,12,16
      The descriptors of one pair against the least thickness of each side (the layer convergence).

The peak memory of a pair is its process's peak resident memory during it (Linux: ``/proc/self/status`` VmHWM, reset
through ``/proc/self/clear_refs`` before the pair; NaN elsewhere); the time its wall time.  Both are kept in the
pair's cache entry, so a resumed run reports the computation's own.
"""

from __future__ import annotations

import argparse
import datetime
import math
import sys
import textwrap
import time
from pathlib import Path

from repo_commit import commit  # scripts/ is on the path (its module text)

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "kapitza" / "prediction" / "data" / "bonding_descriptors.csv"

HEADER = textwrap.wrap(
    "The interface's own bonding, one row per pair (film, substrate, planes) that 'kapitza interface buildable' "
    "builds (its defaults: 3 % strain, 200 atoms a period), from the atoms of the interface itself "
    "(kapitza.atomistic.adhesion): the substrate below (side A) and the film above (side B) stacked in their common "
    "lateral cell, each side at least min_thickness thick, each crystal relaxed with the potential first; a slab with "
    "15 A of vacuum. work_of_adhesion: (E_substrate + E_film - E_interface) / area, the three relaxed (BFGS on every "
    "position to 0.05 eV/A, the lateral cell fixed), J m^-2. seam_*: force on the film per unit rigid displacement of "
    "the film, per area, N m^-3 (normal: zz; shear: mean of xx, yy); bulk_normal_*: the same across a period boundary "
    "of each side's relaxed bulk; ratio_*: seam over bulk. dos_overlap: the integral of min(g_substrate, g_film) of "
    "the unit-area local densities of states of the atoms within 2.5 A of the seam on each side (their force "
    "constants, the rest held, the lateral cell's Gamma point, 0.5 THz Gaussians), 0..1. gap_nm: the relaxed seam's "
    "width. seconds, peak_memory_mb: the pair's computation (wall time, peak resident memory of its process). note: "
    "empty, or why the pair has no numbers. Written by scripts/bonding_descriptors.py; do not edit by hand (rerun the "
    "script).",
    110,
)


def _peak_meter():
    """Reset the process's peak resident memory (Linux) and return the function that reads it back, bytes."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as f:
            f.write("5")
    except OSError:
        return lambda: math.nan

    def peak() -> float:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return float(line.split()[1]) * 1024.0
        return math.nan

    return peak


def _crystal(name: str):
    """A compilation name's crystal, as ``kapitza interface buildable`` builds it (the crystal table's record)."""
    from kapitza.atomistic.prototypes import build
    from kapitza.literature.crystals import crystal_for

    return build(crystal_for(name))


def pairs() -> list[dict]:
    """Every pair the buildable list builds (its defaults): film, substrate, planes, rows, papers."""
    from kapitza.prediction.validation.buildable import buildable_rows

    return [g for g in buildable_rows().pairs() if g["built"]]


def ordered(calculator: str, thickness: float, max_memory_gb: float | None = None) -> list[tuple[dict, object]]:
    """The pairs with their plans, cheapest first (ties: more rows first), fixed before any result is seen."""
    from kapitza.errors import InputError, MemoryBoundError
    from kapitza.prediction.bonding import bonding_plan

    out = []
    for g in pairs():
        try:
            plan = bonding_plan(_crystal(g["film"]), _crystal(g["substrate"]), planes=g["planes"],
                                calculator=calculator, min_thickness_angstrom=thickness, max_memory_gb=max_memory_gb,
                                names=(g["film"], g["substrate"]))  # fmt: skip
        except MemoryBoundError as exc:
            plan = f"over the memory bound: {exc}"
        except InputError as exc:
            plan = f"refused: {exc}"
        out.append((g, plan))
    return sorted(out, key=lambda p: (isinstance(p[1], str), getattr(p[1], "seconds", 0.0), -p[0]["rows"]))


def _key(g: dict) -> tuple[str, str, str]:
    return g["film"], g["substrate"], g["planes"]


def _write(out: Path, calculator: str, provenance: str, plan: list, done: dict, notes: dict, pending: str,
           others: list = ()) -> None:  # fmt: skip
    """The table whole, atomically: the plan's pairs (computed or why not) and ``others``, rows of the table this run
    extends that its ``--pairs`` left alone, as they were."""
    from calibration.laboratory.tables import table, write_bonding_descriptors

    from kapitza.io.atomic import atomic_write_text

    rows = list(others)
    for g, _ in plan:
        key = _key(g)
        if key in done:
            rows.append(done[key])
        else:
            rows.append({"film": g["film"], "substrate": g["substrate"], "planes": g["planes"], "rows": g["rows"],
                         "papers": g["papers"], "note": notes.get(key, pending)})  # fmt: skip
    rows.sort(key=lambda r: (-int(r["rows"]), r["film"], r["substrate"], r["planes"]))
    text = write_bonding_descriptors(table(calculator, provenance, rows), header=HEADER)
    atomic_write_text(out, text)


def _refuse(line: str) -> None:
    """A bad input: one line on stderr, exit status 2 (as the kapitza command line), nothing written."""
    print(line, file=sys.stderr, flush=True)
    sys.exit(2)


def earlier_rows(out: Path, calculator: str) -> dict:
    """The rows already at ``out``, by pair (none where there is no file).  A run extends its table and never drops
    a computed pair: the content cache that makes a resumed run quick lives on one machine, the table travels with
    the commit.  Exits with one line where the file holds another potential's table or is not such a table."""
    from kapitza.cli.common import check_output
    from kapitza.errors import InputError
    from kapitza.prediction.bonding import read_bonding_descriptors

    try:
        check_output(out, (".csv",), "--out")  # before any work: a table found unwritable after a pair's minutes
        if not out.exists():
            return {}
        found = read_bonding_descriptors(out.read_text(encoding="utf-8"), where=str(out))
    except InputError as exc:
        _refuse(f"error: {exc}; a run extends the table at --out: name another file")
    except (OSError, UnicodeDecodeError) as exc:
        _refuse(f"error: --out {out} cannot be read as a table ({exc}); a run extends the table at --out: name "
                 "another file")  # fmt: skip
    if found.calculator != calculator:
        _refuse(f"error: {out} holds {found.calculator}'s table, not {calculator}'s: name another --out")
    return {(found.film[k], found.substrate[k], found.planes[k]):
            found.row(found.film[k], found.substrate[k], found.planes[k]) for k in range(len(found))}  # fmt: skip


def _restated(plan) -> None:
    """Print a plan stated again on the relaxed lattices' common cell (the first statement is printed before)."""
    if plan.relaxed:
        print(f"  {plan.words()}", flush=True)


def run(args: argparse.Namespace) -> None:
    from kapitza import __version__
    from kapitza.atomistic.calculators import calculator_source
    from kapitza.errors import InputError, MemoryBoundError
    from kapitza.prediction.bonding import pair_bonding, table_row

    source = calculator_source(args.calculator)
    out = Path(args.out)
    start = time.time()
    earlier = earlier_rows(out, args.calculator)
    plan = ordered(args.calculator, args.min_thickness, args.max_memory_gb)
    others: list = []
    if args.pairs:
        wanted = {tuple(p.split("|")) for p in args.pairs}
        unknown = wanted - {_key(g) for g, _ in plan} - {_key(g)[:2] for g, _ in plan}
        if unknown:
            _refuse(f"error: not a buildable pair: {', '.join('|'.join(w) for w in sorted(unknown))} (the pairs: "
                     "python scripts/bonding_descriptors.py order)")  # fmt: skip
        plan = [p for p in plan if _key(p[0]) in wanted or _key(p[0])[:2] in wanted]
        named = {_key(g) for g, _ in plan}
        others = [r for k, r in earlier.items() if k not in named]
    else:
        gone = sorted(set(earlier) - {_key(g) for g, _ in plan})
        if gone:
            print(f"dropped from {out}, no longer built: {'; '.join(' on '.join(k[:2]) for k in gone)}", flush=True)
    date = datetime.date.today().isoformat()
    command = " ".join(["python scripts/bonding_descriptors.py run", *sys.argv[2:]])
    provenance = (f"{command}; kapitza {__version__}, commit {commit()}, {date}; potential {source.name} "
                  f"({source.description}, {source.package} {source.version}); min_thickness {args.min_thickness:g} A; "
                  "each pair cached by content (pair-bonding entries), its time and memory those of its own "
                  "computation; the pairs computed by the table's earlier runs kept, each with its 'finished' "
                  "date")  # fmt: skip
    done: dict = {}
    notes: dict = {}
    pending = f"not computed: pending in the run started {date} (python scripts/bonding_descriptors.py run resumes)"
    for g, p in plan:
        if isinstance(p, str):
            notes[_key(g)] = p
    for g, _ in plan:  # what the table's earlier runs found is kept, not computed again
        key, row = _key(g), earlier.get(_key(g))
        if row is None:
            continue
        if not row["note"]:
            done[key] = row
            notes.pop(key, None)
        elif row["note"].startswith("refused:") and key not in notes:  # refused while computing (relaxed lattices)
            notes[key] = row["note"]
    print(f"{len(plan)} pairs, {len(notes)} not built, {len(done)} computed before and kept from {out}; budget "
          f"{args.budget_min:g} min", flush=True)  # fmt: skip
    for g, p in plan:
        key = _key(g)
        if key in notes or key in done:
            continue
        if (time.time() - start) / 60.0 > args.budget_min:
            notes[key] = (f"not computed: the run's time budget ({args.budget_min:g} min on {args.machine}) ended "
                          "before it; python scripts/bonding_descriptors.py run resumes")  # fmt: skip
            continue
        print(f"{g['film']} on {g['substrate']} ({g['planes']}), {g['rows']} rows: {p.words()}", flush=True)
        t0 = time.time()
        try:
            found = pair_bonding(_crystal(g["film"]), _crystal(g["substrate"]), planes=g["planes"],
                                 calculator=args.calculator, max_memory_gb=args.max_memory_gb,
                                 min_thickness_angstrom=args.min_thickness, names=(g["film"], g["substrate"]),
                                 meter=_peak_meter, announce=_restated)  # fmt: skip
        except MemoryBoundError as exc:
            notes[key] = f"over the memory bound: {exc}"
        except InputError as exc:
            notes[key] = f"refused: {exc}"
        else:
            done[key] = table_row(found, rows=g["rows"], papers=g["papers"])
            b = found.bonding
            print(f"  {'cached' if found.cached else 'computed'} in {time.time() - t0:.0f} s (its computation "
                  f"{found.seconds:.0f} s, peak {found.peak_memory / 1e6:.0f} MB): W {b.adhesion.work:.3g} J/m2 "
                  f"(separation {b.adhesion.separation:.3g}), "
                  f"K {b.stiffness.normal:.3g} N/m3, ratios {b.stiffness.ratio_normal.round(3).tolist()}, "
                  f"overlap {b.spectra.overlap:.3f}", flush=True)  # fmt: skip
        if key in notes:
            print(f"  {notes[key]}", flush=True)
        _write(out, args.calculator, provenance, plan, done, notes, pending, others)
    for g, _ in plan:  # the run is over: nothing is pending any more
        notes.setdefault(_key(g), f"not computed: the run's time budget ({args.budget_min:g} min) ended before it")
    _write(out, args.calculator, provenance, plan, done, notes, pending, others)
    print(f"wrote {out}: {len(done)} of {len(plan)} pairs computed ({(time.time() - start) / 60:.0f} min)", flush=True)


def order(args: argparse.Namespace) -> None:
    for g, p in ordered(args.calculator, args.min_thickness):
        print(f"{g['film']} on {g['substrate']} ({g['planes']}), {g['rows']} rows, {g['papers']} papers: "
              f"{p if isinstance(p, str) else p.words()}")  # fmt: skip


def converge(args: argparse.Namespace) -> None:
    from kapitza.prediction.bonding import pair_bonding

    film, substrate = args.pair.split("/")
    for t in (float(v) for v in args.thickness.split(",")):
        found = pair_bonding(_crystal(film), _crystal(substrate), calculator=args.calculator, names=(film, substrate),
                             min_thickness_angstrom=t, spectra=not args.no_spectra, meter=_peak_meter)  # fmt: skip
        b = found.bonding
        overlap = "-" if b.spectra is None else f"{b.spectra.overlap:.4f}"
        k = b.stiffness
        print(f"{film} on {substrate} {args.calculator}, least thickness {t:g} A: cells {found.cells}, {b.atoms} "
              f"atoms: W {b.adhesion.work:.4f} J/m2, K_normal {k.normal:.4g} N/m3, ratios normal "
              f"{k.ratio_normal.round(4).tolist()} shear {k.ratio_shear.round(4).tolist()}, overlap {overlap}; "
              f"{found.seconds:.0f} s, {b.force_calls} force calls", flush=True)  # fmt: skip


def _read(path: str):
    from kapitza.prediction.bonding import read_bonding_descriptors

    return read_bonding_descriptors(Path(path).read_text(encoding="utf-8"), where=path)


def summary(args: argparse.Namespace) -> None:
    import numpy as np

    t = _read(args.table)
    c = t.columns
    done = np.flatnonzero(t.computed)
    print(f"{done.size} of {len(t)} pairs computed with {t.calculator}; rows {int(c['rows'][done].sum())} of "
          f"{int(c['rows'].sum())}\n")  # fmt: skip
    print("| film on substrate | planes | rows | atoms | W (J/m^2) | separation | K seam (1e20 N/m^3) | K/K_sub | "
          "K/K_film | overlap | gap (nm) | s | MB |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for k in done:
        print(f"| {t.film[k]} on {t.substrate[k]} | {t.planes[k]} | {c['rows'][k]} | {c['atoms'][k]} | "
              f"{c['work_of_adhesion_j_m2'][k]:.3g} | {c['work_of_separation_j_m2'][k]:.3g} | "
              f"{c['seam_normal_n_m3'][k] / 1e20:.3g} | {c['ratio_normal_substrate'][k]:.3g} | "
              f"{c['ratio_normal_film'][k]:.3g} | {c['dos_overlap'][k]:.3g} | {c['gap_nm'][k]:.3g} | "
              f"{c['seconds'][k]:.0f} | {c['peak_memory_mb'][k]:.0f} |")  # fmt: skip
    rate = c["seconds"][done] / c["atom_calls"][done]
    print(f"\nseconds per atom in a force call: median {np.median(rate):.3g} ({rate.min():.3g}-{rate.max():.3g}); "
          f"seconds a pair: median {np.median(c['seconds'][done]):.0f}, total {c['seconds'][done].sum() / 60:.0f} min; "
          f"peak memory median {np.median(c['peak_memory_mb'][done]):.0f} MB, largest "
          f"{c['peak_memory_mb'][done].max():.0f} MB")  # fmt: skip
    reasons: dict[str, int] = {}
    for k in np.flatnonzero(~t.computed):
        head = t.note[k].split(":")[0]
        reasons[head] = reasons.get(head, 0) + 1
    print("not computed:", reasons)
    doubts = t.doubts  # the rule runs once per row
    doubtful = [k for k, d in enumerate(doubts) if d]
    print(f"\ncomputed but doubtful (kapitza.prediction.bonding.doubt; left out of the estimate's descriptors): "
          f"{len(doubtful)}")  # fmt: skip
    for k in doubtful:
        print(f"- {t.film[k]} on {t.substrate[k]} ({t.planes[k]}, {c['rows'][k]} rows): {doubts[k]}")
    if args.compare:
        o = _read(args.compare)
        print(f"\n| film on substrate | quantity | {t.calculator} | {o.calculator} | ratio |")
        print("|---|---|---|---|---|")
        for k in np.flatnonzero(o.computed):
            mine = [j for j in range(len(t)) if (t.film[j], t.substrate[j], t.planes[j]) ==
                    (o.film[k], o.substrate[k], o.planes[k])]  # fmt: skip
            if not mine or not t.computed[mine[0]]:
                continue
            j = mine[0]
            for name, label, scale in (("work_of_adhesion_j_m2", "W (J/m^2)", 1.0),
                                       ("work_of_separation_j_m2", "separation (J/m^2)", 1.0),
                                       ("seam_normal_n_m3", "K seam (1e20 N/m^3)", 1e-20),
                                       ("ratio_normal_substrate", "K/K_substrate", 1.0),
                                       ("ratio_normal_film", "K/K_film", 1.0), ("dos_overlap", "overlap", 1.0),
                                       ("seconds", "seconds", 1.0)):  # fmt: skip
                a, b = t.columns[name][j] * scale, o.columns[name][k] * scale
                print(f"| {o.film[k]} on {o.substrate[k]} | {label} | {a:.3g} | {b:.3g} | {b / a:.3g} |")


def main() -> None:
    from kapitza.prediction.bonding import DEFAULT_MIN_THICKNESS_ANGSTROM

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="what", required=True)
    r = sub.add_parser("run")
    r.add_argument("--calculator", default="chgnet")
    r.add_argument("--budget-min", type=float, default=240.0)
    r.add_argument("--max-memory-gb", type=float, default=8.0)
    r.add_argument("--min-thickness", type=float, default=DEFAULT_MIN_THICKNESS_ANGSTROM)
    r.add_argument("--out", default=str(OUT))
    r.add_argument("--pairs", nargs="*", default=[], help="only these: FILM|SUBSTRATE or FILM|SUBSTRATE|PLANES")
    r.add_argument("--machine", default="the shared 2-core machine")
    o = sub.add_parser("order")
    o.add_argument("--calculator", default="chgnet")
    o.add_argument("--min-thickness", type=float, default=DEFAULT_MIN_THICKNESS_ANGSTROM)
    m = sub.add_parser("summary")
    m.add_argument("--table", default=str(OUT))
    m.add_argument("--compare", default=None)
    c = sub.add_parser("converge")
    c.add_argument("--pair", default="Al/Si")
    c.add_argument("--calculator", default="chgnet")
    c.add_argument("--thickness", default="4,8,12")
    c.add_argument("--no-spectra", action="store_true")
    args = parser.parse_args()
    {"run": run, "order": order, "converge": converge, "summary": summary}[args.what](args)


if __name__ == "__main__":
    main()
