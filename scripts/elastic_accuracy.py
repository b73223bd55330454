"""Measure the universal potentials' elastic constants against the measured ones of kapitza's database; write the
elastic-accuracy page.

Run (from the repository root; a few minutes per potential on two cores):

    PYTHONPATH=src python scripts/elastic_accuracy.py                     # every potential, every crystal
    PYTHONPATH=src python scripts/elastic_accuracy.py --calculators sevennet-l3i5+d3 --crystals Si,Ti
    PYTHONPATH=src python scripts/elastic_accuracy.py --page-only         # page and figure from the stored rows
    PYTHONPATH=src python scripts/elastic_accuracy.py --check             # exit 1 if the page is not what it writes

Why: the phonon-accuracy page (scripts/phonon_accuracy.py) compares frequencies at zone-boundary points; the long
waves, which carry all of a DMM's conductance at low temperature and its channel density ~ 1 / v^2 near Gamma at
any temperature, are set by the elastic constants instead.  For each potential of the phonon-accuracy page
(:func:`phonon_accuracy.candidates`) and each crystal of the material database that stores measured single-crystal
elastic constants and has a recorded structure (:func:`crystals`), the crystal is built from its structure with
measured lattice parameters (:func:`kapitza.literature.crystals.crystal_for`, conventional cell: cubic axes along
x, y, z; hexagonal and trigonal a along x, c along z, the frame the measured constants are given in), relaxed with
the potential (:func:`kapitza.atomistic.bulk.relax_crystal`, the route's own rule) and its relaxed-ion elastic
tensor computed (:func:`kapitza.atomistic.bulk.elastic_tensor` with ``relax_ions=True``, the constants a sound wave
sees).  The comparison is on the stiffnesses rho v^2 of the pure modes along the crystal axes
(:data:`kapitza.materials.elastic.AXIS_STIFFNESSES`):
C11 and C44 and C' = (C11 - C12)/2 of a cubic crystal, C11, C33, C44 and C66 = (C11 - C12)/2 of a hexagonal or
trigonal one.  The records are stored in ``docs/reference/elastic-accuracy/results.json``; the page, the figure and
the package's copy of the errors (``src/kapitza/phonons/data/elastic_errors.toml``, which ``kapitza predict
--calculator`` prints per side) are written from that file and the database only, and
``tests/docs/test_elastic_accuracy_page.py`` checks them.
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from phonon_accuracy import accuracy_panels, candidates  # scripts/: the script's folder, on the path
from repo_commit import commit  # scripts/ is on the path (its module text)

from kapitza.materials.elastic import AXIS_STIFFNESSES, axis_stiffnesses, named_constants

ROOT = Path(__file__).resolve().parents[1]
STORE = ROOT / "docs" / "reference" / "elastic-accuracy" / "results.json"
PAGE = ROOT / "docs" / "reference" / "elastic-accuracy.md"
FIGURE = ROOT / "docs" / "figures" / "elastic_accuracy.png"
FIGURE_LINK = "../figures/elastic_accuracy.png"
#: The package's copy of the measured errors, which ``kapitza predict/phonons --calculator`` print per side.
ERRORS = ROOT / "src" / "kapitza" / "phonons" / "data" / "elastic_errors.toml"
COMMAND = "PYTHONPATH=src python scripts/elastic_accuracy.py"
FORMAT = 1
#: Percentiles whose half-distance is the stated scatter (a Gaussian's +-1 sigma), as on the phonon-accuracy page.
SCATTER_PERCENTILES = (16.0, 84.0)


def crystals() -> list[str]:
    """Crystals with measured single-crystal elastic constants (not isotropic) and a recorded structure: the
    material database's, in its order, then the crystal table's records that carry constants
    (:func:`kapitza.phonons.elastic.measured_elastic_constants`)."""
    from kapitza.literature.crystals import CrystalDescription, crystal_for, crystal_names
    from kapitza.materials.database import list_materials
    from kapitza.phonons.elastic import measured_elastic_constants

    table = [n for n in crystal_names() if not _in_database(n)]  # not a database name or alias ("SI" for Si)
    out = []
    for name in [m.name for m in list_materials()] + table:
        if name not in crystal_names() or measured_elastic_constants(name) is None:
            continue
        if isinstance(crystal_for(name), CrystalDescription):
            out.append(name)
    return out


def measured(name: str) -> tuple[str, dict[str, float], str]:
    """The measured constants of ``name`` (GPa, C14 by magnitude), their symmetry and source."""
    from kapitza.phonons.elastic import measured_elastic_constants

    found = measured_elastic_constants(name)
    if found is None:
        raise SystemExit(f"{name}: no measured elastic constants")
    return found


def measure(calculator: Any, calculator_name: str, crystal: str) -> dict[str, Any]:
    """One potential on one crystal: its record (relaxed cell, constants, seconds; or the refusal)."""
    from kapitza.atomistic.bulk import elastic_tensor, relax_crystal
    from kapitza.atomistic.prototypes import build
    from kapitza.errors import InputError
    from kapitza.literature.crystals import crystal_for

    symmetry, _, _ = measured(crystal)
    description = crystal_for(crystal)
    record: dict[str, Any] = {
        "calculator": calculator_name,
        "crystal": crystal,
        "symmetry": symmetry,
        "reference_cell": [float(v) for v in description.cellpar[:3]],
        "commit": commit(),
        "date": datetime.date.today().isoformat(),
        "load_before": round(os.getloadavg()[0], 2),
    }
    start = time.perf_counter()
    try:
        atoms = build(description)
        relaxed, _ = relax_crystal(atoms, calculator, crystal)
        tensor = elastic_tensor(relaxed, calculator, relax_ions=True)
    except InputError as exc:
        return record | {
            "status": "refused",
            "message": str(exc),
            "seconds": round(time.perf_counter() - start, 1),
            "load_after": round(os.getloadavg()[0], 2),
        }
    return record | {
        "status": "ok",
        "message": "",
        "atoms": len(atoms),
        "relaxed_cell": [round(float(v), 5) for v in relaxed.cell.cellpar()[:3]],
        "tensor_gpa": [[round(float(v), 3) for v in row] for row in tensor],
        "constants": {k: round(v, 3) for k, v in named_constants(tensor, symmetry).items()},
        "seconds": round(time.perf_counter() - start, 1),
        "load_after": round(os.getloadavg()[0], 2),
    }


def load(path: Path = STORE) -> dict[str, Any]:
    if not path.is_file():
        return {"format": FORMAT, "calculators": {}, "records": []}
    doc = json.loads(path.read_text(encoding="utf-8"))
    if doc.get("format") != FORMAT:
        raise SystemExit(f"{path}: format {doc.get('format')!r}, this script writes {FORMAT}")
    return doc


def save(doc: dict[str, Any], path: Path = STORE) -> None:
    from kapitza.io.atomic import atomic_write

    names = crystals()
    order = {c: i for i, c in enumerate(candidates())}
    doc["records"].sort(key=lambda r: (order.get(r["calculator"], len(order)), names.index(r["crystal"])))
    text = json.dumps(doc, indent=1, allow_nan=False, ensure_ascii=False) + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, lambda p: p.write_text(text, encoding="utf-8"))


def errors(record: Mapping[str, Any]) -> list[tuple[str, str, float, float, float]]:
    """(stiffness, kind, calculated, measured, calculated / measured - 1) of one measured record."""
    symmetry, constants, _ = measured(record["crystal"])
    kinds = dict(AXIS_STIFFNESSES[symmetry])
    calc = axis_stiffnesses(record["constants"], symmetry)
    meas = axis_stiffnesses(constants, symmetry)
    return [(name, kinds[name], calc[name], meas[name], calc[name] / meas[name] - 1.0) for name in calc]


def summary(doc: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Per potential: median signed error and scatter of its stiffnesses (all, longitudinal, shear), crystals."""
    out: dict[str, dict[str, Any]] = {}
    for calc in doc["calculators"]:
        records = [r for r in doc["records"] if r["calculator"] == calc]
        rows = [e for r in records if r["status"] == "ok" for e in errors(r)]
        entry: dict[str, Any] = {
            "crystals": sum(r["status"] == "ok" for r in records),
            "attempted": len(records),
            "refused": sorted(r["crystal"] for r in records if r["status"] != "ok"),
            "stiffnesses": len(rows),
        }
        for kind in ("all", "longitudinal", "shear"):
            err = np.array([e[4] for e in rows if kind in ("all", e[1])], dtype=float)
            lo, hi = np.percentile(err, SCATTER_PERCENTILES) if err.size else (math.nan, math.nan)
            entry[kind] = {
                "n": int(err.size),
                "median": float(np.median(err)) if err.size else math.nan,
                "scatter": float(hi - lo) / 2.0,
            }
        out[calc] = entry
    return out


def _pct(x: float, signed: bool = True) -> str:
    if not math.isfinite(x):
        return "-"
    return f"{100 * x:+.1f} %" if signed else f"{100 * x:.1f} %"


def render(doc: Mapping[str, Any]) -> str:
    """The whole page from the stored document and the database's measured constants."""
    from kapitza.atomistic.calculators import DEFAULT_CALCULATOR

    stats = summary(doc)
    calcs = list(doc["calculators"])
    names = [c for c in crystals() if any(r["crystal"] == c for r in doc["records"])]
    records = {(r["calculator"], r["crystal"]): r for r in doc["records"]}
    table = [c for c in names if not _in_database(c)]
    dates = sorted({r["date"] for r in doc["records"]})
    commits = sorted({r["commit"] for r in doc["records"]})
    lines = [
        "# Elastic accuracy of the universal potentials",
        "",
        "How far to trust the long waves of the phonons kapitza computes from a crystal structure alone "
        "(`--calculator`): the relaxed-ion elastic constants of every potential of the "
        "[phonon-accuracy page](phonon-accuracy.md) against measured single-crystal constants: those of kapitza's "
        f"material database ({len(names) - len(table)} crystals) and, for crystals it does not hold, those its "
        f"crystal table records ({len(table)}: {', '.join(table)}; Landolt-Boernstein's values through a "
        "secondary transcription, the crystal table's header says which); each with its source below. The "
        "frequencies at the "
        "zone boundary on that page and the stiffnesses here test different parts of a dispersion: the DMM's "
        "conductance at low temperature is carried by the long waves alone, and near Gamma its channel density "
        "goes as 1 / v^2, that is as 1 / stiffness, at any temperature. The measured numbers are never fitted to.",
        "",
        f"Generated by `{COMMAND}` from the records stored in `docs/reference/elastic-accuracy/results.json` "
        f"(measured on {', '.join(dates)} at commit {', '.join(f'`{c}`' for c in commits)}) and the database's "
        f"measured constants; `{COMMAND} --page-only` rewrites this page and its figure. Do not edit by hand.",
        "",
        "## How the numbers are made",
        "",
        "- **Crystal**: built from its recorded structure with *measured* lattice parameters "
        "({func}`kapitza.literature.crystals.crystal_for`, the conventional cell: cubic axes along x, y, z; "
        "hexagonal and trigonal a along x and c along z, the frame the measured constants are given in) and relaxed "
        "with the potential by the route's own rule ({func}`kapitza.atomistic.bulk.relax_crystal`). The phonon "
        "route's stability check is not applied: a crystal it refuses for imaginary frequencies away from Gamma "
        "(chgnet's Cu, for one) still has elastic constants, and they are listed; only a relaxation or a strained "
        "cell that does not converge refuses a crystal here.",
        "- **Elastic constants**: relaxed ions ({func}`kapitza.atomistic.bulk.elastic_tensor` with "
        "`relax_ions=True`): central differences of the potential's stress under strains of +-0.01 of each Voigt "
        "component, the positions relaxed in every strained cell to 1e-4 eV/A. Checked against a public reference "
        "in the test suite: Stillinger-Weber silicon gives 151.4, 76.4 and 56.4 GPa, E. R. Cowley's values "
        "(Phys. Rev. Lett. 60, 2379 (1988)) that LAMMPS's examples/ELASTIC quotes as its expected output.",
        "- **Compared**: the stiffnesses rho v^2 of the pure modes along the crystal axes, which set the sound "
        "speeds: C11, C44 and C' = (C11 - C12)/2 of a cubic crystal; C11, C33, C44 and C66 = (C11 - C12)/2 of a "
        "hexagonal or trigonal one (longitudinal: C11, C33; shear: C44, C', C66). Error: calculated / measured "
        f"- 1; scatter: half the {SCATTER_PERCENTILES[0]:g}-{SCATTER_PERCENTILES[1]:g} % range. Every constant is "
        "listed below; trigonal C14 by its magnitude (its sign depends on the x axis's sense along a twofold axis).",
        "- **Temperature**: the measured constants are room-temperature ones (as each source states), the "
        "potentials' are static (0 K). Elastic constants stiffen on cooling, shear constants most: from room "
        "temperature to 0 K, C44 x1.15 and C11 x1.10 for Al, C44 x1.11 and C11 x1.06 for Cu, C44 x1.02 for W "
        "(A. G. Every and A. K. McCurdy, Landolt-Boernstein New Series III/29a (Springer, 1992), Table 28, as "
        "transcribed in GitHub ugurandguler/potential-library, standalone/refdata.py, commit 179656e; secondary). "
        "A potential exact at 0 K therefore reads a few per cent stiff here, soft metals' shear most.",
        "- **Where these numbers reach a user**: `kapitza predict --calculator NAME` (and `phonons`, `materials "
        "show`) prints a `long waves:` line under each side built from a crystal measured here with that potential "
        "(the package's copy of these errors, `src/kapitza/phonons/data/elastic_errors.toml`, written with this "
        "page; {func}`kapitza.phonons.elastic.stiffness_errors`), and `kapitza validate --calculator NAME` groups "
        "its scored rows by the softest shear of each pair ({doc}`calibration`).",
        "",
        "## Summary",
        "",
        "| potential | all: median | scatter | longitudinal: median | scatter | shear: median | scatter | "
        "stiffnesses | crystals | refused |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for calc in calcs:
        s = stats[calc]
        refused = ", ".join(s["refused"]) or "none"
        lines.append(
            f"| {calc} | {_pct(s['all']['median'])} | {_pct(s['all']['scatter'], False)} | "
            f"{_pct(s['longitudinal']['median'])} | {_pct(s['longitudinal']['scatter'], False)} | "
            f"{_pct(s['shear']['median'])} | {_pct(s['shear']['scatter'], False)} | {s['stiffnesses']} | "
            f"{s['crystals']} of {s['attempted']} | {refused} |"
        )
    best = min(calcs, key=lambda c: abs(stats[c]["all"]["median"]))
    negative = sorted(
        f"{r['crystal']} with {r['calculator']}"
        for r in doc["records"]
        if r["status"] == "ok" and min(e[2] for e in errors(r)) <= 0
    )
    lines += [
        "",
        f"Smallest median error in magnitude: **{best}**. The default potential, {DEFAULT_CALCULATOR} "
        "({data}`kapitza.atomistic.calculators.DEFAULT_CALCULATOR`), is chosen by the phonon-accuracy page's rule. "
        + (
            f"A negative stiffness (the potential holds the crystal elastically unstable): {', '.join(negative)}."
            if negative
            else "No stiffness is negative."
        ),
        "",
        f"![Calculated against measured stiffness, one panel per potential]({FIGURE_LINK})",
        "",
        "*Calculated against measured stiffness rho v^2 of every crystal, one panel per potential (log scales; the "
        "line is equality, the band +-10 %); filled: longitudinal (C11, C33), open: shear (C44, C', C66). A "
        "stiffness below 5 GPa, a negative one (elastically unstable: Born's criterion fails) included, falls below "
        "the axes; the table lists it.*",
        "",
        "## Stiffnesses",
        "",
        "GPa, measured and each potential's (its error in brackets).",
        "",
        "| crystal | stiffness | measured | " + " | ".join(calcs) + " |",
        "|---|---|---:|" + "---:|" * len(calcs),
    ]
    refusals = []
    for crystal in names:
        symmetry, constants, _ = measured(crystal)
        meas = axis_stiffnesses(constants, symmetry)
        per_calc = {}
        for calc in calcs:
            r = records.get((calc, crystal))
            if r is not None and r["status"] == "ok":
                per_calc[calc] = {e[0]: e for e in errors(r)}
            elif r is not None and (calc, crystal) not in {(x[0], x[1]) for x in refusals}:
                refusals.append((calc, crystal, r["message"]))
        for name, _ in AXIS_STIFFNESSES[symmetry]:
            cols = []
            for calc in calcs:
                r = records.get((calc, crystal))
                if r is None:
                    cols.append("not run")
                elif r["status"] != "ok":
                    cols.append(r["status"])
                else:
                    e = per_calc[calc][name]
                    cols.append(f"{e[2]:.1f} ({_pct(e[4])})")
            lines.append(f"| {crystal} | {name} | {meas[name]:.1f} | " + " | ".join(cols) + " |")
    if refusals:
        lines += ["", "Refusals, as the route words them:", ""]
        lines += [f"- {crystal}, {calc}: {message}" for calc, crystal, message in refusals]
    lines += [
        "",
        "## Every constant",
        "",
        "GPa; the relaxed lattice constant a (A) beside the measured one; the seconds of relaxation and tensor.",
        "",
    ]
    for crystal in names:
        symmetry, constants, source = measured(crystal)
        keys = list(constants)
        lines += [
            f"### {crystal} ({symmetry})",
            "",
            "| | a (A) | " + " | ".join(keys) + " | s |",
            "|---|---:|" + "---:|" * (len(keys) + 1),
        ]
        first = next((r for (c, x), r in records.items() if x == crystal), None)
        ref_a = f"{first['reference_cell'][0]:.3f}" if first else ""
        lines.append(f"| measured | {ref_a} | " + " | ".join(f"{constants[k]:.1f}" for k in keys) + " | |")
        for calc in calcs:
            r = records.get((calc, crystal))
            if r is None or r["status"] != "ok":
                continue
            lines.append(
                f"| {calc} | {r['relaxed_cell'][0]:.3f} | "
                + " | ".join(f"{r['constants'][k]:.1f}" for k in keys)
                + f" | {r['seconds']:.0f} |"
            )
        lines += ["", f"Measured: {source}.", ""]
    lines += ["## Potentials", ""]
    lines += [f"- **{calc}**: {info['description']}." for calc, info in doc["calculators"].items()]
    return "\n".join(lines).rstrip() + "\n"


def figure(doc: Mapping[str, Any], path: Path = FIGURE) -> None:
    """Calculated against measured stiffness, one panel per potential (the phonon-accuracy page's panels)."""
    stats = summary(doc)
    panels = []
    for calc in doc["calculators"]:
        rows = [e for r in doc["records"] if r["calculator"] == calc and r["status"] == "ok" for e in errors(r)]
        s = stats[calc]["all"]
        points = {kind: ([e[3] for e in rows if e[1] == kind], [e[2] for e in rows if e[1] == kind])
                  for kind in ("longitudinal", "shear")}  # fmt: skip
        panels.append((f"{calc}\nmedian {100 * s['median']:+.1f} %, scatter {100 * s['scatter']:.1f} %", points))
    groups = (
        ("longitudinal", {"color": "C0"}, "longitudinal"),
        ("shear", {"facecolors": "none", "edgecolors": "C3"}, "shear"),
    )
    accuracy_panels(path, panels, groups, (5.0, 1500.0), "GPa")


def errors_file(doc: Mapping[str, Any]) -> str:
    """The package's data file of measured stiffness errors (:data:`ERRORS`, read by
    :func:`kapitza.phonons.elastic.stiffness_errors`): one table per potential and crystal measured here, with what
    identifies the crystal in a prediction (its reduced formula, atoms in the conventional cell, the potential's
    relaxed a, b, c)."""
    from kapitza.atomistic.prototypes import build
    from kapitza.atomistic.side import reduced_formula
    from kapitza.literature.crystals import crystal_for

    lines = [
        "# Measured long-wave errors of the built-in potentials: relaxed-ion elastic constants against measured ones,",
        "# read by kapitza.phonons.elastic.stiffness_errors.  Written by scripts/elastic_accuracy.py from",
        "# docs/reference/elastic-accuracy/results.json (the elastic-accuracy page); do not edit by hand.",
    ]
    for record in doc["records"]:
        if record["status"] != "ok":
            continue
        rows = errors(record)
        _, _, source = measured(record["crystal"])
        formula = reduced_formula(build(crystal_for(record["crystal"])).get_chemical_symbols())
        entry = {
            "calculator": record["calculator"],
            "crystal": record["crystal"],
            "formula": formula,
            "atoms": int(record["atoms"]),
            "relaxed_cell": [float(v) for v in record["relaxed_cell"]],
            "measured_on": f"commit {record['commit']}, {record['date']}",
            "measured_source": source,
            "stiffness": [r[0] for r in rows],
            "wave": [r[1] for r in rows],
            "calculated_gpa": [round(float(r[2]), 3) for r in rows],
            "measured_gpa": [round(float(r[3]), 3) for r in rows],
        }
        lines += ["", "[[records]]"] + [f"{k} = {json.dumps(v, ensure_ascii=False)}" for k, v in entry.items()]
    return "\n".join(lines) + "\n"


def _in_database(name: str) -> bool:
    """``name`` is a material of kapitza's database (or one of its aliases)."""
    from kapitza.errors import InputError
    from kapitza.materials.database import get_material

    try:
        return get_material(name).origin == "database"
    except InputError:
        return False


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calculators", default="", help="comma-separated names (default: the phonon page's)")
    parser.add_argument("--crystals", default="", help="comma-separated database materials (default: all)")
    parser.add_argument("--page-only", action="store_true", help="write the page and figure from the stored records")
    parser.add_argument("--check", action="store_true", help="exit 1 if the page differs from what is written")
    args = parser.parse_args(argv)
    doc = load()
    if args.check:
        same = PAGE.is_file() and PAGE.read_text(encoding="utf-8") == render(doc)
        same &= ERRORS.is_file() and ERRORS.read_text(encoding="utf-8") == errors_file(doc)
        print("the page is up to date" if same else f"the page or {ERRORS.name} differs: run {COMMAND} --page-only")
        return 0 if same else 1
    if not args.page_only:
        from kapitza.atomistic.calculators import calculator_source

        names = [c for c in args.crystals.split(",") if c] or crystals()
        for calc in [c for c in args.calculators.split(",") if c] or candidates():
            source = calculator_source(calc)
            doc["calculators"][calc] = {"description": source.description, "identity": dict(source.identity)}
            calculator = source.calculator()
            for crystal in names:
                record = measure(calculator, calc, crystal)
                key = (calc, crystal)
                doc["records"] = [r for r in doc["records"] if (r["calculator"], r["crystal"]) != key] + [record]
                save(doc)
                print(f"{calc:18s} {crystal:8s} {record['status']:8s} {record['seconds']:7.1f} s "
                      f"{record['message'][:100]}", flush=True)  # fmt: skip
        doc["calculators"] = {c: doc["calculators"][c] for c in candidates() if c in doc["calculators"]} | {
            c: v for c, v in doc["calculators"].items() if c not in candidates()
        }
        save(doc)
    PAGE.write_text(render(doc), encoding="utf-8")
    ERRORS.write_text(errors_file(doc), encoding="utf-8")
    figure(doc)
    print(f"wrote {PAGE.relative_to(ROOT)}, {ERRORS.relative_to(ROOT)} and {FIGURE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
