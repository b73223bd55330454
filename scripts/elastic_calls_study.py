"""How many force calls the elastic stage takes, against what it states (issue 85, item 3: "the elastic stage assumes
6 force calls per strained cell where a low-symmetry crystal takes about 24").  A study, not a change: it reads the
elastic-accuracy page's records (docs/reference/elastic-accuracy/results.json: the wall time of each crystal's
relaxed-ion tensor with sevennet-l3i5+d3) and divides each by the stated seconds of one force call on the crystal's
cell (kapitza.atomistic.force_cost.call_seconds) to get the calls it took; the statement counts
kapitza.phonons.elastic.elastic_calls (a relaxation of RELAXATION_CALLS calls and 12 strained cells of
STRAINED_CELL_CALLS = 6 each: 84).

Run: PYTHONPATH=src python scripts/elastic_calls_study.py            (a few seconds; spglib from the phonons extra)

Measured 2026-11-29 from the records then stored (several of them timed while other work shared the two cores, so
each time is an upper bound on a quiet machine's):

    crystal  atoms  took s  stated s  took/stated  calls taken  space group
    MgO          8     2.2      11.5         0.19           16  225
    GaAs         8     2.5       6.6         0.38           32  216
    Cu           4     2.5       5.4         0.46           39  225
    W            2     1.4       3.0         0.47           39  229
    Si           8     3.8       6.6         0.58           48  227
    Mg           2     3.1       2.7         1.16           98  194
    ZnO          4     7.9       5.3         1.48          124  186
    GaN          4    11.8       5.8         2.02          170  186
    Bi           6     9.1       4.2         2.19          184  166
    Al2O3       30   117.2      44.5         2.63          221  167
    4H-SiC       8    27.8       9.8         2.84          239  186
    Y2O3        80   263.8      78.0         3.38          284  206

What it says:
- The statement is x2-5 high for the cubic elements and the rock-salt, zincblende and fluorite compounds, at
  16-48 calls.
- It is x1.2-3.4 low for the hexagonal and trigonal crystals and for cubic bixbyite Y2O3, at 98-284 calls. These
  are hcp Mg, Zr and Ti; wurtzite ZnO, AlN and GaN; Bi; corundum; 4H-SiC.
- The lattice family alone does not decide it: Y2O3 is cubic and took 284. hcp Mg has no free Wyckoff parameter and
  took 98.
- What does decide it was not settled here. Candidates: the internal relaxation each strained cell allows (sites
  without inversion symmetry) and the free coordinates.
- A rule from the crystal's symmetry would replace STRAINED_CELL_CALLS. It was not built this round.

Then built (the same day, a later session): what decides it is the internal coordinates each strained cell sets free,
counted from its symmetry (kapitza.atomistic.bulk.strained_internal_coordinates: 0 in every cell for fcc, bcc and
rock salt; 1 in the six shear cells of diamond and zincblende, as Kleinman's internal strain has it; 1-2 in ten of
hcp's twelve; 1-6 for wurtzite; 2-15 corundum; 12-26 bixbyite).  A cell with none takes one call; one with F takes
1 + a F^p.  Fitted (least squares in log, scipy) to the 32 records: relaxation 21.8 calls, a = 3.10, p = 0.77;
rounded into kapitza.phonons.elastic (ELASTIC_RELAXATION_CALLS = 22, STRAINED_CELL_CALLS = (3.1, 0.77)).  With the
rule this script printed took/stated from 0.47 (MgO: 16 calls taken) to 1.88 (Bi), all 32 within x2.13 (the
former statement: 0.19 to 3.38), the fit's geometric spread x1.34 (tests/phonons/test_elastic_calls.py holds x2.2
and x1.4).  The fit is on the records it is scored on (three parameters, 32 crystals); the crystals the rule will
meet next are its test.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RECORDS = ROOT / "docs" / "reference" / "elastic-accuracy" / "results.json"
CALCULATOR = "sevennet-l3i5+d3"


def rows() -> list[tuple[str, int, float, float, float, int]]:
    """(crystal, atoms, seconds taken, seconds stated, calls taken, space group) of each record of CALCULATOR."""
    import spglib

    from kapitza.atomistic.force_cost import call_seconds
    from kapitza.atomistic.prototypes import build
    from kapitza.literature.crystals import crystal_for
    from kapitza.phonons.elastic import elastic_calls
    from kapitza.phonons.supercell_plan import conventional_cell

    out = []
    for record in json.loads(RECORDS.read_text(encoding="utf-8"))["records"]:
        if record["calculator"] != CALCULATOR or record["status"] != "ok":
            continue
        atoms = conventional_cell(build(crystal_for(record["crystal"])))[0]
        per_call = call_seconds(CALCULATOR, atoms)
        stated = elastic_calls(atoms, True, 500) * per_call
        found = spglib.get_symmetry_dataset((atoms.cell[:], atoms.get_scaled_positions(), atoms.numbers))
        out.append(
            (record["crystal"], len(atoms), record["seconds"], stated, record["seconds"] / per_call, found.number)
        )
    return sorted(out, key=lambda r: r[2] / r[3])


def main() -> int:
    print("crystal  atoms  took s  stated s  took/stated  calls taken  space group")
    for name, atoms, took, stated, calls, group in rows():
        print(f"{name:8s} {atoms:5d} {took:7.1f} {stated:9.1f} {took / stated:12.2f} {calls:12.0f}  {group}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
