"""Should the database hold graphite as a Debye solid of its cross-plane long waves?  Decided by the held-out score
(issue 84, item 2), not by hand.

The record (materials.toml, made by scripts/make_compound_records.py): graphite's c-axis pure modes,
v_L = sqrt(C33 / rho) and v_T = sqrt(C44 / rho), with the single-crystal
constants of A. Bosak, M. Krisch, M. Mohr, J. Maultzsch and C. Thomsen, Phys. Rev. B 75, 153408 (2007) (inelastic
x-ray scattering, room temperature: C33 = 38.7 GPa, C44 = 4.95 GPa; abstract read), the crystal density 2260 kg m^-3
of the cell a = 2.464 A, c = 6.711 A (P. Trucano and R. Chen, Nature 258, 136 (1975), as the AIST structure page
quotes it), and the CRC Handbook's Cp of graphite (8.5 J mol^-1 K^-1, chemicals 1.5.2).  This is the picture a
DMM with "c-axis speeds" takes for heat crossing into the basal plane (heat from a metal film into HOPG, the
compilation's g-C rows).  Graphene (gp-C), MoS2, MoSe2 and Ti3C2 are not tried: their rows measure single or
few-layer sheets, whose flexural and in-plane modes no bulk Debye record holds (and no bulk 2H-MoS2 elastic
constants were found in a source read).

The rule, fixed before the run: the record is kept only if (a) the held-out median factor of the papers that do not
involve graphite does not get worse by more than 2 % with graphite's rows in the fit, and (b) graphite's own papers,
held out, are predicted no worse than the pairs nobody else measured already are (the split's median factor by
paper).  Each run is a separate process (the package's caches hold the name table); the run without graphite
unmaps the compilation's g-C and graphite rows.

Run: PYTHONPATH=src:scripts python scripts/layered_study.py          (about 10 s on two cores)

The same rule is applied to the interlayer route (graphite as a side of its stacks: paper 31's Al/Ti/graphite).
Measured 2026-11-29 with the records of issue 84 (the compounds, the metals' Sommerfeld coefficients):

    -- the database route
    rows: 398 without graphite, 459 with (papers 47 -> 51; graphite's: 31, 43, 51, 76)
    the other papers, held out: x1.652 without graphite's rows in the fit, x1.562 with
    graphite's papers, held out: x1.475 (each: 31 x1.32, 43 x1.39, 51 x1.21, 76 x43.32)
    pairs nobody else measured (the bar for graphite's papers): x1.820 without graphite, x1.744 with (coverage
    0.70, 0.69)
    decision: graphite in this route's fit
    -- the interlayer route
    rows: 529 without graphite, 535 with (papers 26 -> 27; graphite's: 31)
    the other papers, held out: x1.528 without graphite's rows in the fit, x1.764 with
    graphite's papers, held out: x1.665 (each: 31 x1.67)
    pairs nobody else measured (the bar for graphite's papers): x1.719 without graphite, x1.787 with (coverage
    0.70, 0.56)
    decision: not in this route's fit (the rule)

So graphite is a record (a side of bare pairs), and kapitza.prediction.expected.rows.BARE_ONLY keeps it out of
the interlayer route's fit.
"""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np


def _without() -> None:
    """Unmap the compilation's graphite names in this process (before anything reads them): the route without
    graphite's rows."""
    from kapitza.literature import names

    for sheet in ("g-C", "graphite"):
        names.NAMES.pop(sheet, None)


def scores(candidate: bool) -> dict:
    """Every row of the database route held out (one fold per paper): its log ratio, paper and pair, and the
    pairs-nobody-else-measured split's median factor by paper; without graphite's rows unless ``candidate``; and the
    interlayer route's the same way (graphite's stacks in its fit with ``candidate``)."""
    from kapitza.prediction.expected import rows as R

    if not candidate:
        _without()
    else:
        R.BARE_ONLY.pop("graphite", None)
    from calibration.laboratory import held_out as H

    from kapitza.prediction import expected as E
    from kapitza.prediction.scoring import log_ratio

    out = {}
    for route in ("database", "interlayer"):
        rows = E.expected_rows(route)
        h = H.held_out(rows)
        split = H.split_scores(h, rows)["nobody else measured"]
        r = log_ratio(h.value, h.measured).tolist()
        out[route] = {"r": r, "paper": list(h.paper), "pair": list(h.pair), "nobody": float(split.median_factor_paper),
                      "nobody_coverage": float(split.coverage_paper)}  # fmt: skip
    return out


def _factor(run: dict, keep: set[str]) -> float:
    """The median factor by paper of ``run``'s rows whose paper is in ``keep``."""
    from kapitza.prediction.scoring import median_factor

    sel = [i for i, p in enumerate(run["paper"]) if p in keep]
    return median_factor(np.asarray(run["r"])[sel], [run["paper"][i] for i in sel])


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] in ("--one", "--candidate"):
        print(json.dumps(scores(sys.argv[1] == "--candidate")))
        return 0
    runs = {}
    for flag in ("--one", "--candidate"):
        out = subprocess.run([sys.executable, __file__, flag], capture_output=True, text=True, check=True).stdout
        runs[flag] = json.loads(out.strip().splitlines()[-1])
    for route in ("database", "interlayer"):
        print(f"-- the {route} route")
        keep = _report(runs["--one"][route], runs["--candidate"][route])
        print("decision: graphite in this route's fit" if keep else "decision: not in this route's fit (the rule)")
    return 0


def _report(base: dict, cand: dict) -> bool:
    """Print one route's comparison; True if the rule keeps graphite in its fit."""
    graphite = {p for p, pair in zip(cand["paper"], cand["pair"]) if "graphite" in pair}
    others = set(base["paper"]) & set(cand["paper"]) - graphite
    before, after, own = _factor(base, others), _factor(cand, others), _factor(cand, graphite)
    print(f"rows: {len(base['r'])} without graphite, {len(cand['r'])} with (papers {len(set(base['paper']))} -> "
          f"{len(set(cand['paper']))}; graphite's: {', '.join(sorted(graphite))})")  # fmt: skip
    print(f"the other papers, held out: x{before:.3f} without graphite's rows in the fit, x{after:.3f} with")
    print(f"graphite's papers, held out: x{own:.3f} (each: " + ", ".join(
        f"{p} x{_factor(cand, {p}):.2f}" for p in sorted(graphite)) + ")")  # fmt: skip
    print(f"pairs nobody else measured (the bar for graphite's papers): x{base['nobody']:.3f} without graphite, "
          f"x{cand['nobody']:.3f} with (coverage {base['nobody_coverage']:.2f}, "
          f"{cand['nobody_coverage']:.2f})")  # fmt: skip
    return after <= 1.02 * before and own <= base["nobody"]


if __name__ == "__main__":
    sys.exit(main())
