"""The AGF of a row's pair as a descriptor (issue 87 item 4): log10 of the two-probe G that ``kapitza validate --model
agf`` scores with the default potential, read as a fresh install reads it: from the AGF table kapitza ships
(``scripts/ship_agf_pairs.py``), the full route's G where it ships the pair, else the fast route's (``--route fast``),
missing on every other row.  (``doc``: a validation study's data file instead, as ``scripts/agf_descriptor_study.py``
reads one.)

A row is matched by its two sides (film, substrate), paper, temperature and measured value; a row the validation
left out (its reason not empty, or no finite positive G) is missing.
"""

from __future__ import annotations

import functools
import math
import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

ROOT = Path(__file__).resolve().parents[3]
#: The study's data file of the default potential's pairs (full route), which the try read before the table shipped.
DATA = ROOT / "docs" / "howto" / "interface-from-atoms-data-sevennet-l3i5+d3.json"
#: The group's one column.
AGF_FEATURES = ("log10 G_agf",)
#: The cells the shipped table's validations read: the buildable list's (every shipped pair among them).
CELLS = 200


@functools.lru_cache(maxsize=1)
def shipped_doc() -> dict[str, Any]:
    """The rows the shipped AGF table scores, in a data file's shape (one entry holding every buildable row: film,
    substrate, paper, temperature, measured, agf, reason, route), read through ``agf_validation`` by both routes
    from an empty cache (so nothing computed on this machine enters; no force is computed)."""
    from kapitza.atomistic.calculators import DEFAULT_CALCULATOR
    from kapitza.prediction.validation.agf import agf_validation

    before = os.environ.get("KAPITZA_CACHE_DIR")
    with tempfile.TemporaryDirectory() as empty:
        os.environ["KAPITZA_CACHE_DIR"] = empty
        try:
            full = agf_validation(max_cell_atoms=CELLS, route="full")
            fast = agf_validation(max_cell_atoms=CELLS, route="fast")
        finally:
            if before is None:
                os.environ.pop("KAPITZA_CACHE_DIR", None)
            else:
                os.environ["KAPITZA_CACHE_DIR"] = before
    take = [("full", full) if full.scored[k] else ("fast", fast) for k in range(len(full))]
    entry = {
        "film": list(full.film), "substrate": list(full.substrate), "paper": list(full.paper),
        "temperature": [float(t) for t in full.temperature], "measured": [float(m) for m in full.measured],
        "agf": [float(v.agf[k]) for k, (_, v) in enumerate(take)],
        "reason": [str(v.reason[k]) for k, (_, v) in enumerate(take)],
        "route": [r if v.scored[k] else "" for k, (r, v) in enumerate(take)],
    }  # fmt: skip
    return {"calculator": DEFAULT_CALCULATOR, "source": "shipped", "pairs": {"shipped": entry}}


def agf_column(rows: Any, doc: dict | None = None) -> NDArray[np.float64]:
    """log10 G_AGF (two-probe, as ``predict`` reports the pair, W m^-2 K^-1) of each row, NaN where none is scored;
    ``doc`` a study's data (default the shipped table's, :func:`shipped_doc`)."""
    doc = shipped_doc() if doc is None else doc
    found: dict[tuple, float] = {}
    for e in doc["pairs"].values():
        for k, reason in enumerate(e["reason"]):
            g = e["agf"][k]
            if reason == "" and g is not None and math.isfinite(g) and g > 0:
                key = (e["film"][k], e["substrate"][k], e["paper"][k], round(e["temperature"][k], 6),
                       round(e["measured"][k], 3))  # fmt: skip
                found[key] = math.log10(g)
    out = np.full(len(rows), np.nan)
    for i in range(len(rows)):
        key = (rows.side1[i], rows.side2[i], rows.paper[i], round(float(rows.temperature[i]), 6),
               round(float(rows.measured[i]), 3))  # fmt: skip
        out[i] = found.get(key, np.nan)
    return out


def agf_state(doc: dict | None = None) -> str:
    """The data the column is read from, in words: its potential, rows and papers scored, and by which route."""
    doc = shipped_doc() if doc is None else doc
    scored = [(e["paper"][k], (e.get("route") or [""] * len(e["reason"]))[k] or e.get("commit", ""))
              for e in doc["pairs"].values() for k, r in enumerate(e["reason"]) if r == ""]  # fmt: skip
    routes = {w: sum(1 for _, x in scored if x == w) for w in sorted({x for _, x in scored})}
    where = "the AGF table kapitza ships" if doc.get("source") == "shipped" else "the validation study's data file"
    return (f"{doc.get('calculator')} from {where}, {len(scored)} rows of {len({p for p, _ in scored})} papers scored "
            f"({', '.join(f'{n} {w}' for w, n in routes.items())})")  # fmt: skip
