"""The structure route's descriptors of the compilation's rows, computed once and shipped as package data.

The expected-measurement estimate (:mod:`kapitza.prediction.expected`) learns, for the structure route, from the
full-dispersion DMM of every bare measured row whose two crystals the structure route builds.  Computing those
takes the universal potential's phonons of about 40 crystals (an hour or more on two cores from an empty cache,
about a minute from a warm one); this script does it through ``kapitza validate --calculator``'s library call
(:func:`kapitza.prediction.validation.calculators.calculator_validation`, phonons cached on disk by content) and
writes ``src/kapitza/prediction/data/structure_descriptors.csv`` with the calculator, the command, kapitza's
version, the commit and the date, so that the estimate fits in seconds at run time and CI needs no potential.

Run from the repository root (the mlip extra installed)::

    PYTHONPATH=src python scripts/expected_descriptors.py [--calculator NAME]
"""

from __future__ import annotations

import argparse
import datetime
import sys
import time
from pathlib import Path

import numpy as np
from repo_commit import commit  # scripts/ is on the path (its module text)

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "kapitza" / "prediction" / "data" / "structure_descriptors.csv"


def main() -> None:
    from calibration.laboratory.tables import write_structure_descriptors

    from kapitza import __version__
    from kapitza.atomistic.calculators import DEFAULT_CALCULATOR
    from kapitza.literature import shipped_measurements
    from kapitza.prediction import expected
    from kapitza.prediction.validation import calculators as CV

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calculator", default=DEFAULT_CALCULATOR)
    args = parser.parse_args()

    def progress(stage: str, done: int, total: int) -> None:
        print(f"\r{stage}: {done}/{total}   ", end="", file=sys.stderr, flush=True)

    t0 = time.perf_counter()
    found = CV.calculator_validation(args.calculator, progress=progress)
    print(file=sys.stderr)
    data = shipped_measurements()
    ids = tuple(str(i) for i in np.flatnonzero(CV.available(data)))  # places: the compilation's own ids repeat
    if len(ids) != len(found):
        raise SystemExit("the validation's rows do not follow the compilation's available rows")
    scored = np.isfinite(found.phonon) & (found.phonon > 0) & np.isfinite(found.predicted) & (found.predicted > 0)
    scored &= np.array([k != "" for k in found.kind], dtype=bool)
    pick = np.flatnonzero(scored)
    date = datetime.date.today().isoformat()
    provenance = (
        f"kapitza validate --calculator {found.calculator} (scripts/expected_descriptors.py), kapitza "
        f"{__version__}, commit {commit()}, {date}; mesh {found.mesh}, normal {list(found.normal)}"
    )
    descriptors = expected.StructureDescriptors(
        calculator=found.calculator,
        provenance=provenance,
        row_id=tuple(ids[i] for i in pick),
        film=tuple(found.side1[i] for i in pick),
        substrate=tuple(found.side2[i] for i in pick),
        kind=tuple(found.kind[i] for i in pick),
        temperature=found.temperature[pick],
        g_fd=found.predicted[pick],
        g_fd_phonon=found.phonon[pick],
        g_ep=found.electron_phonon[pick],
    )
    OUT.write_text(write_structure_descriptors(descriptors), encoding="utf-8")
    papers = len({found.paper[i] for i in pick})
    print(f"wrote {OUT.relative_to(ROOT)}: {pick.size} rows of {papers} papers ({time.perf_counter() - t0:.0f} s)")


if __name__ == "__main__":
    main()
