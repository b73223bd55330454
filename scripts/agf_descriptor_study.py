"""Issue 54 item 4: may the expected-measurement estimate take a cached AGF as a descriptor?  Only if the held-out
by-paper score improves; both are reported.

  python scripts/agf_descriptor_study.py [--calculator sevennet-l3i5+d3] [--folds N]

The structure route's rows (``expected_rows("structure")``) predicted by the procedure fitted without their paper
(:func:`calibration.laboratory.held_out.held_out`), twice: with the route's descriptors, and with one more, log10 of the
AGF's two-probe G of that row (the validation study's data file, docs/howto/interface-from-atoms-data[-NAME].json,
rows matched by pair, paper, temperature and measured value), missing (NaN) on every other row: the ridge base
imputes it with the median and a missing-value flag, the boosting base splits on it natively.  Nothing else changes
(bases, k grid, bands, folds).  (Issue 80's honest test of the AGF goes through the selection of
scripts/calibration/laboratory instead; this study stays as it was run for issue 54.)  ``--placebo``: the same
column filled with a descriptor the rows already have (their full-dispersion DMM), a control for what the column's
pattern of missing values does by itself.
Prints the by-paper and by-row scores of both on all rows and on the rows that have an AGF.

``--rule`` (issue 87 item 4): the AGF column tried by the rule fixed in advance instead
(:func:`calibration.laboratory.selection.try_group`: held out by paper, one fold per paper, scored on the pairs
nobody else measured; against its placebo, the same values shuffled among the rows that have one; the rows others
measured and the rows without it may not get worse; held out by whole pair where the rest keeps it; the
paper-resampled interval of the gain).  Prints the try, kept or not, with its numbers.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--calculator", default="sevennet-l3i5+d3")
    ap.add_argument("--folds", type=int, default=0, help="0: one fold per paper (the calibration page's)")
    ap.add_argument("--placebo", action="store_true",
                    help="a control: the column holds the row's own log10 G_fd (already a descriptor) where the AGF "
                    "would be, so any change is the column's missingness, not the AGF")  # fmt: skip
    ap.add_argument("--rule", action="store_true", help="the try by the rule fixed in advance (module text)")
    args = ap.parse_args()
    from agf_validation_study import _load
    from calibration.laboratory.agf_column import agf_column
    from calibration.laboratory.groups import with_columns
    from calibration.laboratory.held_out import held_out

    from kapitza.prediction import expected as ex
    from kapitza.prediction.scoring import score

    rows = ex.expected_rows("structure")
    column = agf_column(rows, _load(args.calculator))
    have = np.isfinite(column)
    if args.placebo:
        column = np.where(have, rows.features[:, rows.names.index("log10 G_fd")], np.nan)
        print("placebo: the column holds log10 G_fd on the rows with an AGF", flush=True)
    print(f"{len(rows)} rows of {len(set(rows.paper))} papers; {have.sum()} with an AGF "
          f"({len({rows.paper[i] for i in np.flatnonzero(have)})} papers, pairs "
          f"{sorted({rows.pair[i] for i in np.flatnonzero(have)})})", flush=True)  # fmt: skip
    folds = args.folds or None
    if args.rule:
        return rule(rows, column, folds)
    results = {}
    added = "placebo" if args.placebo else "with AGF"
    for label, r in (("without", rows), (added, with_columns(rows, ("log10 G_agf",), column[:, None]))):
        t = time.time()
        h = held_out(r, n_splits=folds)
        results[label] = h
        for subset, mask in (("all rows", np.ones(len(r), bool)), ("rows with an AGF", have)):
            idx = np.flatnonzero(mask)
            s = score(h.value[idx], h.measured[idx], [h.paper[i] for i in idx], h.low[idx], h.high[idx])
            print(f"{label:9s} {subset:17s}: {s.rows} rows {s.papers} papers, median factor by paper "
                  f"x{s.median_factor_paper:.3f} (by row x{s.median_factor_row:.3f}), within x2 by paper "
                  f"{100 * s.within_2_paper:.0f} %, 68 % band covers {100 * s.coverage_paper:.0f} % by paper "
                  f"({time.time() - t:.0f} s)", flush=True)  # fmt: skip
    print(json.dumps({"bases": {k: v.base_kind for k, v in results.items()}}))


def rule(rows, column: np.ndarray, folds: int | None) -> None:
    """The AGF column tried by :func:`calibration.laboratory.selection.try_group`, printed whole."""
    from calibration.laboratory.selection import try_group

    t = time.time()
    found = try_group(rows, "agf", ("log10 G_agf",), column[:, None], n_splits=folds)
    print(f"try of the AGF column ({time.time() - t:.0f} s): kept {found.kept}: {found.reason}", flush=True)
    print(f"  rows with it: {found.rows_with}", flush=True)
    for label in ("baseline", "with_group", "placebo", "others_baseline", "others_with", "missing_baseline",
                  "missing_with", "pair_baseline", "pair_with"):  # fmt: skip
        s = getattr(found, label)
        print(f"  {label:17s}: {s.rows} rows {s.papers} papers, x{s.median_factor_paper:.3f} by paper, "
              f"x{s.median_factor_row:.3f} by row", flush=True)  # fmt: skip
    print(f"  gain interval (paper-resampled): {found.gain_interval}", flush=True)


if __name__ == "__main__":
    main()
