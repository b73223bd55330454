"""Rescore every route of the expected measurement after issue 83's lawful estimate, without the descriptor-group
tries of the full page (``calibration.expected``'s ``tries``: about 33 minutes on two cores): each route held out by
paper, by split and by whole pair; the interlayer route held out; the long-wave route's widening chosen again; the
score files ``kapitza predict`` quotes written (the same writers as the page's modules), and the before/after table
printed from the score files as they were and as they are.

Run: PYTHONPATH=src:scripts python -m calibration.rescore_laws [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import tomllib
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "src" / "kapitza" / "prediction" / "data"
FILES = ("expected_scores.toml", "interlayer_scores.toml", "long_wave_scores.toml")
KEYS = ("rows", "papers", "median_factor_paper", "median_factor_row", "coverage_paper", "band_half_width")


def _read() -> dict:
    out: dict = {}
    for name in FILES:
        out |= tomllib.loads((DATA / name).read_text(encoding="utf-8")).get("routes", {})
    return out


def _flat(scores: dict) -> dict[str, dict]:
    out = {}
    for route, values in scores.items():
        out[route] = {k: values.get(k) for k in KEYS}
        for split, sub in values.items():
            if isinstance(sub, dict):
                out[f"{route} / {split}"] = {k: sub.get(k) for k in KEYS}
    return out


def _moved(before: dict, after: dict, key: str, fmt: str) -> str:
    x, y = before.get(key), after.get(key)
    return f"{'n/a' if x is None else format(x, fmt)} -> {'n/a' if y is None else format(y, fmt)}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", default="")
    args = parser.parse_args(argv)
    before = _flat(_read())
    from kapitza.prediction import expected as E

    from . import expected as page_expected
    from . import interlayer as page_interlayer
    from . import long_waves as page_long_waves
    from .laboratory import held_out as H
    from .laboratory import interlayer as IL
    from .laboratory import long_waves as LW
    from .laboratory import validation as V

    t0 = time.perf_counter()
    validations = V.expected_validation()
    by_pair = {v.name: H.held_out(E.expected_rows(v.name), group="pair") for v in validations if v.name in E.ROUTES}
    page_expected.write_scores(validations, by_pair)
    print(f"bare routes rescored in {time.perf_counter() - t0:.0f} s", flush=True)
    t0 = time.perf_counter()
    page_interlayer.write_scores(IL.interlayer_validation())
    print(f"interlayer route rescored in {time.perf_counter() - t0:.0f} s", flush=True)
    t0 = time.perf_counter()
    held_out_scores = E.held_out_scores
    held_out_scores.cache_clear()
    page_long_waves.write_scores(LW.long_wave_validation())
    print(f"long-wave route rescored in {time.perf_counter() - t0:.0f} s", flush=True)
    after = _flat(_read())
    print("| route / rows of | rows | papers | factor (paper) before -> after | (row) | coverage (paper) | "
          "half-width |")  # fmt: skip
    print("|---|---:|---:|---|---|---|---|")
    for key in sorted(set(before) | set(after)):
        b, a = before.get(key, {}), after.get(key, {})
        cells = [_moved(b, a, k, f) for k, f in (("rows", "d"), ("papers", "d"), ("median_factor_paper", ".3f"),
                                                  ("median_factor_row", ".3f"), ("coverage_paper", ".3f"),
                                                  ("band_half_width", ".3f"))]  # fmt: skip
        print(f"| {key} | {' | '.join(cells)} |")
    if args.json:
        Path(args.json).write_text(json.dumps({"before": before, "after": after}, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
