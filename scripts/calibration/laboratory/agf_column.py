"""The AGF of a row's pair as a descriptor (issue 87 item 4): log10 of the two-probe G that ``kapitza validate --model
agf`` computed with the default potential, from the validation study's data file
(``docs/howto/interface-from-atoms-data-sevennet-l3i5+d3.json``, written by ``scripts/agf_validation_study.py``: the
pairs it scored, each row as ``predict`` reports the pair), missing on every other row.

A row is matched by its two sides (film, substrate), paper, temperature and measured value; a row the study left
out (its reason not empty, or no finite positive G) is missing.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

ROOT = Path(__file__).resolve().parents[3]
#: The data file of the default potential's pairs (the one the calibration page's try reads).
DATA = ROOT / "docs" / "howto" / "interface-from-atoms-data-sevennet-l3i5+d3.json"
#: The group's one column.
AGF_FEATURES = ("log10 G_agf",)


def agf_column(rows: Any, doc: dict | None = None) -> NDArray[np.float64]:
    """log10 G_AGF (two-probe, as ``predict`` reports the pair, W m^-2 K^-1) of each row, NaN where the study
    computed none; ``doc`` the study's data (default :data:`DATA`)."""
    doc = json.loads(DATA.read_text()) if doc is None else doc
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
    """The data the column is read from, in words: its pairs scored, rows, papers and commits."""
    doc = json.loads(DATA.read_text()) if doc is None else doc
    scored = [(e["paper"][k], e.get("commit", "")) for e in doc["pairs"].values()
              for k, r in enumerate(e["reason"]) if r == ""]  # fmt: skip
    return (f"{doc.get('calculator')}, {len(scored)} rows of {len({p for p, _ in scored})} papers scored, commits "
            f"{', '.join(sorted({c for _, c in scored}))}")  # fmt: skip
