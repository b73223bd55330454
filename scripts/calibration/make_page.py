"""Run every calibration module and write docs/reference/calibration.md.

Run: PYTHONPATH=src:scripts python -m calibration.make_page [--seeds 200] [--only eels,nemd] [--out PATH]

Each module in ``scripts/calibration/`` that defines ``run(n_seeds)`` is run in name order; its rows
become one table, followed by the Markdown lines of its ``page_lines()`` where it has one (stored with the
rows).  The rows of every module run are also stored in ``docs/reference/calibration/<name>.json`` (with the
seed count, the commit and the date), and the page is written from the stored rows of every module,
so modules can be rerun one at a time (``--only``) and the page stays whole.  The page records, per module,
the date, the commit, the seed count and the command, so a reader can remake it.  Nothing here is timed.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import importlib
import json
import math
import pkgutil
import sys
import time
from pathlib import Path

from repo_commit import commit  # scripts/ is on the path (its module text)

from . import common

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
STORE = ROOT / "docs" / "reference" / "calibration"


def modules(only: set[str] | None = None) -> list[str]:
    """Names of the calibration modules (every module with a ``run`` function)."""
    names = []
    for info in pkgutil.iter_modules([str(HERE)]):
        if info.name in ("common", "make_page", "md_seeds", "ship_fits") or info.name.startswith("_"):
            continue
        if only and info.name not in only:
            continue
        names.append(info.name)
    return sorted(names)


def _fmt(x: float, spec: str) -> str:
    return "n/a" if x is None or (isinstance(x, float) and math.isnan(x)) else format(x, spec)


def _cell(text: object) -> str:
    """A table cell's text with its pipes escaped (a case such as "SW Si|Ge" would split the row)."""
    return str(text).replace("|", "\\|")


def table(rows: list[common.CalibrationRow]) -> list[str]:
    """Markdown table of rows (one estimator)."""
    out = [
        "| case | truth | seeds | accepted | flagged | 1σ coverage | bias / σ | median σ / truth | expected |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        verdict = r.expected
        if r.expected == "claimed" and r.accepted:
            verdict += " ✓" if r.within_band else " ✗ outside 0.60–0.76"
        out.append(
            f"| {_cell(r.case)} | {_cell(r.truth)} | {r.n} | {r.accepted} | {r.flagged} | {_fmt(r.coverage, '.3f')} | "
            f"{_fmt(r.bias_over_sigma, '+.2f')} | {_fmt(r.median_sigma_rel, '.2g')} | {verdict} |"
        )
    notes = [f"- *{r.case}*: {r.note}" for r in rows if r.note]
    return out + ([""] + notes if notes else [])


def store(
    name: str,
    rows: list[common.CalibrationRow],
    seeds: int,
    seconds: float,
    folder: Path = STORE,
    lines: list[str] | None = None,
    made_from: str | None = None,
) -> Path:
    """Write one module's rows (and how they were made; ``lines``: Markdown below its table; ``made_from``: the
    commit stamped before the module ran, else now) to ``folder/<name>.json``."""
    folder.mkdir(parents=True, exist_ok=True)
    doc = {
        "module": name,
        "seeds": seeds,
        "seconds": round(seconds, 1),
        "commit": made_from if made_from is not None else commit(),
        "date": datetime.date.today().isoformat(),
        "rows": [
            {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in dataclasses.asdict(r).items()}
            for r in rows
        ],  # fmt: skip
    }
    if lines:
        doc["lines"] = list(lines)
    path = folder / f"{name}.json"
    path.write_text(json.dumps(doc, indent=1, allow_nan=False) + "\n", encoding="utf-8")
    return path


def stored(folder: Path = STORE) -> dict[str, dict]:
    """Every stored module's document, by module name."""
    out = {}
    for path in sorted(folder.glob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        doc["rows"] = [
            common.CalibrationRow(**{k: (math.nan if v is None else v) for k, v in r.items()}) for r in doc["rows"]
        ]
        out[doc["module"]] = doc
    return out


#: The score files of the expected measurement the lead table reads (package data, written by the page's modules).
SCORES = ROOT / "src" / "kapitza" / "prediction" / "data"
#: The lead's routes: (file, route, split, what a reader calls it).
LEAD = (
    ("expected_scores.toml", "as a user gets it", None, "a bare pair, the route a query takes"),
    ("expected_scores.toml", "as a user gets it", "nobody else measured", "... a pair nobody else measured"),
    ("expected_scores.toml", "database", None, "both sides database materials"),
    ("expected_scores.toml", "structure", None, "crystals from their structures"),
    ("long_wave_scores.toml", "long waves", None, "a side's long waves standing in"),
    ("interlayer_scores.toml", "interlayer", None, "a stack with interlayers"),
)


def lead_table() -> list[str]:
    """One table a screen wide: per route, its rows, papers, median factor by paper and band coverage by paper, held
    out by paper (from the shipped score files)."""
    import tomllib

    out = ["| the expected measurement of | rows | papers | off by (median, by paper) | band held (by paper) |",
           "|---|---:|---:|---:|---:|"]  # fmt: skip
    for name, route, split, label in LEAD:
        path = SCORES / name
        if not path.exists():
            continue
        found = tomllib.loads(path.read_text(encoding="utf-8")).get("routes", {}).get(route, {})
        s = found.get(split, {}) if split else found
        if s:
            out.append(f"| {label} | {s['rows']} | {s['papers']} | ×{s['median_factor_paper']:.2f} | "
                       f"{s['coverage_paper']:.2f} |")  # fmt: skip
    return out


def lead(folder: Path = STORE) -> list[str]:
    """What a reader meets first: the expected measurement against the measured values held out by paper (the
    figure the ``expected`` module draws) and :func:`lead_table`, also written to ``folder/lead.md`` for the docs'
    front page to include."""
    table = lead_table()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "lead.md").write_text("\n".join(table) + "\n", encoding="utf-8")
    return [
        "## What a measurement of your interface will give",
        "",
        "![The expected measurement against the measured values, each held out by paper, with its band]"
        "(../figures/expected_held_out.png)",
        "",
        "*Each row of the shipped compilation predicted by the estimate fitted without its paper, with its 68 % "
        "band, as a user gets it (`calibration.expected`).* Held out by paper, every paper weighted equally (the "
        "band should hold about 0.68 of the papers):",
        "",
        *table,
        "",
    ]


def page(docs: dict[str, dict]) -> str:
    """The whole markdown page from the stored documents."""
    lines = [
        "# Calibration: are the error bars honest?",
        "",
        *lead(),
        "## Every error bar against a truth it did not make",
        "",
        "Every estimator in kapitza that states an error bar is run here on synthetic data made by a",
        "generator that is **not** the estimator's own model (other line shapes, correlated noise,",
        "mis-specified inputs), over many seeds. For each family of cases the table gives the **1σ",
        "coverage** (the fraction of seeds whose stated 1σ interval contains the truth; an honest",
        f"Gaussian error gives {common.GAUSS_1SIGMA:.3f}) and the **bias** in units of the median stated",
        "error. Cases marked *claimed* are ones kapitza answers without a warning; the tests in",
        "`tests/calibration/` assert 0.60 ≤ coverage ≤ 0.76 on them (with fewer seeds). Cases marked",
        "*flagged* or *refused* are ones kapitza must warn about or refuse, and the table shows how often",
        "it does. A coverage measured over n seeds has its own standard error sqrt(0.68·0.32/n):",
        f"{common.coverage_error(100):.3f} at n = 100, {common.coverage_error(200):.3f} at n = 200, so among",
        "many claimed rows one or two just outside the band are expected by chance.",
        "",
        "Generated by `PYTHONPATH=src:scripts python -m calibration.make_page [--only MODULE] [--seeds N]`",
        "from the rows stored in `docs/reference/calibration/`; do not edit by hand.",
        "",
    ]
    for name, doc in docs.items():
        rows = doc["rows"]
        title = rows[0].estimator if rows else name
        lines += [
            f"## {title}",
            "",
            f"Module `scripts/calibration/{name}.py`: {doc['seeds']} seeds per case unless the case says otherwise, "
            f"run on {doc['date']} at commit `{doc['commit']}` ({doc['seconds']:.0f} s).",
            "",
        ]
        lines += table(rows) + [""]
        if doc.get("lines"):
            lines += list(doc["lines"]) + [""]
    return "\n".join(lines).rstrip() + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=200)
    parser.add_argument("--only", default="", help="comma-separated module names")
    parser.add_argument("--out", default=str(ROOT / "docs" / "reference" / "calibration.md"))
    parser.add_argument("--store", default=str(STORE), help="folder of the stored rows")
    parser.add_argument("--page-only", action="store_true", help="write the page from the stored rows, run nothing")
    args = parser.parse_args(argv)
    only = {s for s in args.only.split(",") if s} or None
    folder = Path(args.store)
    if not args.page_only:
        for name in modules(only):
            t0 = time.perf_counter()
            print(f"calibrating {name} ...", flush=True)
            mod = importlib.import_module(f"calibration.{name}")
            made_from = commit(ignore=getattr(mod, "WRITES", ()))  # before the module writes its own files
            rows = list(mod.run(args.seeds))
            extra = list(mod.page_lines()) if hasattr(mod, "page_lines") else None
            store(name, rows, args.seeds, time.perf_counter() - t0, folder, extra, made_from)
            for r in rows:
                print(f"  {r.case}: coverage {r.coverage:.3f}, bias/sigma {r.bias_over_sigma:+.2f}, {r.expected}")
    if not args.page_only and {"expected", "interlayer"} & set(modules(only)):
        from calibration.ship_fits import main as ship  # the fits a fresh install reads (issue 85, item 5)

        ship()
    docs = stored(folder)
    Path(args.out).write_text(page(docs), encoding="utf-8")
    print(f"wrote {args.out} ({len(docs)} modules)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
