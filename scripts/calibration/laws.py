"""The laws the expected measurement obeys off its rows (issue 83), counted over every pair of the database's solids
and a grid of stacks by ``scripts/laws_audit.py``: the counts now, beside those measured at 98cb718 (before issue 83)
with the same script.  No error bar is calibrated here (the module has no rows); its lines go on the page.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from . import common

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # scripts/, for laws_audit

#: The counts at 98cb718, before issue 83 (``PYTHONPATH=src python scripts/laws_audit.py``, run on 2026-11-29 on
#: the checkout of that commit): 136 pairs in both orders, 35 stacks at 300 K.
BEFORE = {"reciprocity": 118, "no_value": 36, "withheld": 0, "steps": 234, "wide": 202, "wide_unsaid": 202,
          "rises": 31, "above_film": 140}  # fmt: skip
_LAST: dict = {}


def run(n_seeds: int) -> list[common.CalibrationRow]:
    """Count the laws broken now (``n_seeds`` not used: the pairs and stacks are enumerated)."""
    import laws_audit

    t0 = time.perf_counter()
    _LAST.update(pairs=laws_audit.pairs(), stacks=laws_audit.stacks(), seconds=time.perf_counter() - t0)
    return []


def page_lines() -> list[str]:
    """The before/after table of the laws."""
    if not _LAST:
        return []
    p, s = _LAST["pairs"], _LAST["stacks"]
    now = {k: len(p[k]) for k in ("reciprocity", "no_value", "withheld", "steps", "wide", "wide_unsaid")}
    now |= {k: len(s[k]) for k in ("rises", "above_film")}
    n = p["pairs"]
    rows = (
        (
            f"pairs whose value or band differs by more than 1 % between the two orders (of 136 then, {n} now)",
            "reciprocity",
        ),
        (f"orders without a finite value at some T in 20-800 K (of 272, {2 * n})", "no_value"),
        (
            "orders withheld by design, one line saying why: a metal/metal pair with a metal whose electrons kapitza "
            "has no record of (the elemental metals of issue 84)",
            "withheld",
        ),
        (f"orders stepping more than 5 % over 2 K beyond the T^3 law (of 272, {2 * n})", "steps"),
        (f"orders with a band wider than x10 at some T (of 272, {2 * n})", "wide"),
        ("... of them without a note saying why", "wide_unsaid"),
        ("stacks whose G rises as a film thickens beyond 9 lambda (of 35, 300 K)", "rises"),
        ("stack answers above a film's own conductance kappa / d (of 350)", "above_film"),
    )
    lines = [
        f"**The laws off the rows** (issue 83; `PYTHONPATH=src python scripts/laws_audit.py`, {_LAST['seconds']:.0f} "
        f"s): every pair of the database's solids ({n} pairs since issue 84's metals) in both orders at 20-800 K "
        "every 2 K, and 35 stacks (Al/Si, Au/Si, "
        "GaN/C, Al/GaN, Al/Al2O3, Pt/Al2O3, Au/SiO2 with a-SiO2, a-Al2O3, Ti, Cr or SiO2 of 0.5 nm to 10 um) at "
        "300 K. The property-based suite `tests/laws/test_expected_laws.py` draws pairs, stacks of 0-3 layers, "
        "thicknesses 0.3 nm - 10 um and temperatures 1-1000 K for the same laws in the default test run.",
        "",
        "| law broken | at 98cb718 | now |",
        "|---|---:|---:|",
    ]
    lines += [f"| {label} | {BEFORE[key]} | {now[key]} |" for label, key in rows]
    return lines
