"""The AGF of measured pairs built from their crystals, scored against experiment (issue 54 item 3): run pair by pair
within a time budget, then write the page's table from what was computed.

  python scripts/agf_validation_study.py run --calculator chgnet --max-memory-gb 16 --budget-min 80
      Each pair of ``kapitza validate --model agf`` (``kapitza.prediction.validation.agf``) in a fixed order chosen
      before any score was seen (:data:`ORDER`: the pairs measured by the most papers first, then by rows), one
      ``agf_validation`` call on that pair's rows each, so every finished pair is cached (by content) and written to
      the data file at once; a pair not started when the budget is spent is left for the next run (which reads the
      finished ones from the cache).
  python scripts/agf_validation_study.py page
      The table of docs/howto/interface-from-atoms.md between its markers, from the data file.
  python scripts/agf_validation_study.py figure --calculator chgnet --pairs Al/Si AlN/GaN
      The AGF's transmission per area of each pair against frequency, beside the DMM of the same two leads
      (the AGF's own ballistic channel counts M1, M2 of the strained bulk crystals: Xi_DMM = M1 M2 / (M1 + M2),
      :func:`kapitza.transmission.dmm.dmm_transmission`): the same phonons, a diffuse interface against the atomic
      one.  Reads the force constants the run cached; writes docs/figures/interface-from-atoms.png.

The AGF settings are ``kapitza agf``'s defaults (200 frequencies, 8x8 k points); the strain bound 3 % (the buildable
list's). Nothing is tuned to the scores.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "howto" / "interface-from-atoms.md"
#: Where the study runs unless told otherwise (pairs run elsewhere are marked in the table).
HOME = "the shared 2-core machine"


def data_file(calculator: str) -> Path:
    """Each potential's pairs in a file of their own (CHGNet's, the first run, under the original name)."""
    suffix = "" if calculator == "chgnet" else f"-{calculator}"
    return ROOT / "docs" / "howto" / f"interface-from-atoms-data{suffix}.json"


def markers(calculator: str) -> tuple[str, str]:
    """The page's markers around a potential's table."""
    name = "" if calculator == "chgnet" else f" {calculator}"
    return f"<!-- agf-validation table{name}: begin -->", f"<!-- agf-validation table{name}: end -->"


def pair_groups(max_cell_atoms: int) -> dict[tuple[str, str], dict]:
    """Each pair (film, substrate) the validation would run within ``max_cell_atoms``: its rows, its papers (a set)
    and its smallest common cell (atoms of one period, a proxy of the cost known before any crystal is relaxed)."""
    from kapitza.prediction.validation.agf import _plane
    from kapitza.prediction.validation.buildable import buildable_rows

    built = buildable_rows(max_cell_atoms=max_cell_atoms)
    groups: dict[tuple[str, str], dict] = {}
    for k in range(len(built)):
        if built.built[k] and _plane(built.planes[k]) is not None and built.temperature[k] > 0:
            g = groups.setdefault((built.film[k], built.substrate[k]), {"rows": 0, "papers": set(), "cell": 10**9})
            g["rows"] += 1
            g["papers"].add(built.paper[k])
            g["cell"] = min(g["cell"], int(built.cell_atoms[k]))
    return groups


def _pairs(max_cell_atoms: int, order: str = "papers") -> list[tuple[str, str, int, int]]:
    """(film, substrate, rows, papers) of every pair the validation would run (:func:`pair_groups`), most papers
    first, then rows (``order="papers"``), or the smallest common cell first (``"cells"``), then papers, then
    rows."""
    groups = pair_groups(max_cell_atoms)
    out = [(f, s, g["rows"], len(g["papers"])) for (f, s), g in groups.items()]
    if order == "cells":
        return sorted(out, key=lambda p: (groups[p[0], p[1]]["cell"], -p[3], -p[2], p[0], p[1]))
    return sorted(out, key=lambda p: (-p[3], -p[2], p[0], p[1]))


def _load(calculator: str) -> dict:
    path = data_file(calculator)
    return json.loads(path.read_text()) if path.exists() else {"pairs": {}}


def run(
    calculator: str, max_memory_gb: float, budget_min: float, max_cell_atoms: int, machine: str,
    order: str = "papers", only: tuple[str, ...] = (),
) -> None:  # fmt: skip
    from kapitza.literature import shipped_measurements
    from kapitza.prediction.validation.agf import agf_validation

    data = shipped_measurements()
    doc = _load(calculator)
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip() or os.environ.get("KAPITZA_COMMIT", "")  # fmt: skip
    doc.update({"calculator": calculator, "max_memory_gb": max_memory_gb, "max_cell_atoms": max_cell_atoms})
    start = time.time()
    for film, substrate, rows, papers in _pairs(max_cell_atoms, order):
        key = f"{film}|{substrate}"
        if only and key not in only:
            continue
        entry = doc["pairs"].get(key, {})
        if entry.get("calculator") == calculator and "polarity" in entry and "cell size" not in entry["reason"]:
            continue  # a pair computed before both polarities were run (2026-11-29), or left out by a smaller
            # cell bound, is computed again
        if (time.time() - start) / 60 > budget_min:
            print(f"budget spent: {key} and the pairs after it not started", flush=True)
            break
        mask = np.array([(f, s) == (film, substrate) for f, s in zip(data.film, data.substrate)], dtype=bool)
        t0 = time.time()
        print(f"{key}: {rows} rows, {papers} papers ...", flush=True)
        found = agf_validation(
            calculator,
            measurements=data.select(mask),
            max_memory_gb=max_memory_gb,
            compute=True,
            max_cell_atoms=max_cell_atoms,
        )
        minutes = (time.time() - t0) / 60
        keep = ("film", "substrate", "paper", "temperature", "measured", "planes", "cell_atoms", "agf",
                "agf_intrinsic", "agf_phonon", "full_dispersion", "debye", "reason", "detail", "note", "agf_reversed",
                "polarity")  # fmt: skip
        entry = {name: np.asarray(getattr(found, name)).tolist() for name in keep}
        entry.update({"calculator": calculator, "minutes": round(minutes, 2), "commit": commit,
                      "date": date.today().isoformat(), "machine": machine,
                      "max_memory_gb": max_memory_gb})  # fmt: skip
        doc["pairs"][key] = entry
        path = data_file(calculator)  # written whole or not at all: an interrupted run keeps the pairs before
        path.with_suffix(".tmp").write_text(json.dumps(doc, indent=1, allow_nan=True) + "\n")
        path.with_suffix(".tmp").replace(path)
        print(f"{key}: {found.counts()} in {minutes:.1f} min", flush=True)


def _table(doc: dict) -> str:
    from kapitza.prediction.scoring import score

    columns = {"agf": "AGF (two-probe)", "agf_intrinsic": "AGF (intrinsic)",
               "full_dispersion": "full-dispersion DMM", "debye": "Debye DMM"}  # fmt: skip
    rows: dict[str, list] = {k: [] for k in (*columns, "measured", "paper")}
    done, left = [], []
    for key, e in doc["pairs"].items():
        ok = [r == "" for r in e["reason"]]
        (done if any(ok) else left).append((key, e))
        for k, good in enumerate(ok):
            values = [e[c][k] for c in columns]
            if good and all(v is not None and np.isfinite(v) and v > 0 for v in values):
                for c, v in zip(columns, values):
                    rows[c].append(v)
                rows["measured"].append(e["measured"][k])
                rows["paper"].append(e["paper"][k])
    lines = ["| model | rows | papers | median factor by row | by paper | within x2 by row | by paper |",
             "|---|---|---|---|---|---|---|"]  # fmt: skip
    for c, label in columns.items():
        s = score(rows[c], rows["measured"], rows["paper"])
        lines.append(f"| {label} | {s.rows} | {s.papers} | x{s.median_factor_row:.3g} | x{s.median_factor_paper:.3g} | "
                     f"{100 * s.within_2_row:.0f} % | {100 * s.within_2_paper:.0f} % |")  # fmt: skip
    lines.append("")
    lines.append("| film on substrate | rows scored | papers | minutes | median p/m AGF | median p/m FD DMM |")
    lines.append("|---|---|---|---|---|---|")
    for key, e in done:
        ok = [k for k, r in enumerate(e["reason"]) if r == ""]
        m = np.array([e["measured"][k] for k in ok])
        a = np.array([e["agf"][k] for k in ok])
        f = np.array([np.nan if e["full_dispersion"][k] is None else e["full_dispersion"][k] for k in ok])
        lines.append(f"| {_pair(key)} | {len(ok)} | {len({e['paper'][k] for k in ok})} | {_minutes(e)} | "
                     f"{np.median(a / m):.3g} | {np.nanmedian(f / m):.3g} |")  # fmt: skip
    for key, e in left:
        reasons = sorted({r for r in e["reason"] if r})
        unstable = [k for k, r in enumerate(e["reason"]) if r == "unstable lead"]  # computed, not scored
        ratio = ""
        if unstable:
            ratio = f"({np.median([e['agf_phonon'][k] / e['measured'][k] for k in unstable]):.3g}, phonons, unscored)"
        lines.append(f"| {_pair(key)} | 0 ({', '.join(reasons)}) | | {_minutes(e)} | {ratio} | |")
    commits = sorted({e.get("commit", "") for e in doc["pairs"].values()})
    dates = sorted({e.get("date", "") for e in doc["pairs"].values()})
    lines.append("")
    lines.append(f"Potential {doc.get('calculator')}, memory bound {doc.get('max_memory_gb')} GB a run, cells of at "
                 f"most {doc.get('max_cell_atoms')} atoms a period, 3 % strain; commits {', '.join(commits)}, "
                 f"{', '.join(dates)} (`python scripts/agf_validation_study.py run ...`, then `page`).")  # fmt: skip
    elsewhere: dict[tuple[str, float], list[str]] = {}
    for key, e in doc["pairs"].items():
        if e.get("machine", HOME) != HOME:
            elsewhere.setdefault((e["machine"], e.get("max_memory_gb")), []).append(_pair(key))
    for (machine, bound), keys in elsewhere.items():
        lines.append(f"Minutes marked * ran on {machine}, memory bound {bound} GB: {', '.join(keys)}; the others on "
                     f"{HOME}.")  # fmt: skip
    return "\n".join(lines)


def _minutes(entry: dict) -> str:
    """A pair's minutes, marked * where it ran elsewhere than the shared 2-core machine."""
    return f"{entry['minutes']:.1f}" + (" *" if entry.get("machine", HOME) != HOME else "")


def figure(calculator: str, pairs: list[str], max_memory_gb: float) -> None:
    from kapitza.plotting.agf import NM2
    from kapitza.plotting.canvas import figure as new_figure
    from kapitza.plotting.canvas import save
    from kapitza.transmission.agf.run import run_agf
    from kapitza.transmission.dmm import dmm_transmission
    from kapitza.units import rad_s_to_thz

    fig = new_figure(figsize=(5.0 * len(pairs), 4.0))
    axes = np.atleast_1d(fig.subplots(1, len(pairs)))
    for ax, pair in zip(axes, pairs):
        film, substrate = pair.split("/")
        result, _ = run_agf(film, substrate, calculator=calculator, normal="001", max_strain=0.03,
                            temperature=[300.0], max_memory_gb=max_memory_gb)  # fmt: skip
        t = result.transmission
        area = (t.area or 1.0) / NM2
        omega = np.asarray(t.omega)
        m = [np.interp(omega, result.lead_omega[k], result.lead_xi[k], right=0.0) / area for k in range(2)]
        xi_dmm = m[0] * dmm_transmission(m[0], m[1])
        ax.plot(rad_s_to_thz(omega), t.xi / area, color="C0", lw=1.4, label="AGF (the interface's atoms)")
        ax.plot(rad_s_to_thz(omega), xi_dmm, color="C3", lw=1.2, ls="--", label="DMM of the same two leads")
        for k, style in enumerate((":", "-.")):
            ax.plot(rad_s_to_thz(omega), m[k], style, color="grey", lw=0.9,
                    label=f"{(film, substrate)[k]} channels")  # fmt: skip
        ax.set_xlabel("frequency (THz)")
        ax.set_ylabel(r"transmission per area (nm$^{-2}$)")
        ax.set_xlim(0, None)
        ax.set_ylim(0, None)
        ax.set_title(f"{film} | {substrate} (001), {calculator}: G(300 K) two-probe "
                     f"{result.conductance[0] / 1e6:.0f} MW m$^{{-2}}$ K$^{{-1}}$", fontsize=9)  # fmt: skip
        ax.legend(frameon=False, fontsize=8)
        share = np.trapezoid(xi_dmm, omega) / np.trapezoid(t.xi / area, omega)
        print(f"{pair}: G(300 K) two-probe {result.conductance[0] / 1e6:.1f}, intrinsic "
              f"{result.intrinsic[0] / 1e6:.1f} MW m^-2 K^-1; the leads' DMM integrates to {share:.3g} of the "
              "AGF's transmission", flush=True)  # fmt: skip
    fig.tight_layout()
    save(fig, ROOT / "docs" / "figures" / "interface-from-atoms.png")


def _pair(key: str) -> str:
    """ "Al|Si" as the page writes it (a bar would split a Markdown table's cell)."""
    film, substrate = key.split("|")
    return f"{film} on {substrate}"


def page(calculator: str) -> None:
    begin, end = markers(calculator)
    text = PAGE.read_text()
    head, rest = text.split(begin, 1)
    _, tail = rest.split(end, 1)
    PAGE.write_text(head + begin + "\n" + _table(_load(calculator)) + "\n" + end + tail)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="what", required=True)
    r = sub.add_parser("run")
    r.add_argument("--calculator", default="chgnet")
    r.add_argument("--max-memory-gb", type=float, default=16.0)
    r.add_argument("--budget-min", type=float, default=80.0)
    r.add_argument("--max-cell-atoms", type=int, default=24)
    r.add_argument("--machine", default=HOME, help="where it ran (kept with each pair)")
    r.add_argument(
        "--order",
        choices=("papers", "cells"),
        default="papers",
        help="most papers first, or the smallest common cell first (the cheapest known before a run)",
    )
    r.add_argument("--only", nargs="+", default=(), help="these pairs only (FILM|SUBSTRATE), in the order's order")
    pg = sub.add_parser("page")
    pg.add_argument("--calculator", default="chgnet")
    sub.add_parser("order")
    f = sub.add_parser("figure")
    f.add_argument("--calculator", default="chgnet")
    f.add_argument("--pairs", nargs="+", default=["Al/Si", "Si/Ge"])
    f.add_argument("--max-memory-gb", type=float, default=16.0)
    args = parser.parse_args()
    if args.what == "run":
        run(
            args.calculator,
            args.max_memory_gb,
            args.budget_min,
            args.max_cell_atoms,
            args.machine,
            args.order,
            tuple(args.only),
        )
    elif args.what == "figure":
        figure(args.calculator, args.pairs, args.max_memory_gb)
    elif args.what == "order":
        for p in _pairs(24):
            print(p)
    else:
        page(args.calculator)


if __name__ == "__main__":
    sys.exit(main())
