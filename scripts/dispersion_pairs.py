"""The universal potential's full-dispersion DMM of every pair of the database's solid materials on a temperature
grid, computed once and kept with the laboratory (:mod:`calibration.laboratory.dispersion_pairs`, its data in
scripts/calibration/laboratory/data).

Each material is built from its crystal structure (``literature/crystals.toml``) with the potential, its phonons
cached on disk by content (as ``kapitza validate --calculator`` does, so a rerun or an interrupted run resumes in
about a minute); each pair's DMM (cached too) at :data:`~calibration.laboratory.dispersion_pairs.GRID`.  Before it
writes, the curves are checked against the structure route's shipped descriptors, computed at each row's own
temperature with the same potential: a pair's interpolated value may differ by at most :data:`DEVIATION` (the grid's
interpolation and two machines' relaxations; another potential or other settings move it by far more).  The table
is written atomically at the end, nothing half-written.

Run from the repository root (the mlip extra installed)::

    PYTHONPATH=src python scripts/dispersion_pairs.py [--calculator NAME] [--out CSV]
"""

from __future__ import annotations

import argparse
import datetime
import itertools
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
from repo_commit import commit  # scripts/ is on the path (its module text)

ROOT = Path(__file__).resolve().parents[1]

#: How far a pair's curve, interpolated to a structure-route row's temperature, may lie from that row's shipped DMM:
#: two machines' relaxations moved it by up to 0.38 % (scripts/soft_phonons.py, 2026-11-28).
DEVIATION = 1e-2


def _refuse(message: str) -> None:
    """One line on stderr and exit 2, as the kapitza command line refuses."""
    print(message, file=sys.stderr)
    raise SystemExit(2)


def materials() -> list[str]:
    """The database's solid materials whose crystal structure is recorded under their own name *and* means the
    database's material: the compilation's name maps onto it (``kapitza.literature.names``), so the database's SiO2,
    fused silica, is not the compilation's SiO2, crystalline quartz, and has no crystal here (its rows and queries
    go without the column, as amorphous films must)."""
    from kapitza.literature.crystals import CrystalDescription, crystal_for, crystal_names
    from kapitza.literature.names import NAMES, UNMAPPED
    from kapitza.materials import list_materials

    known = set(crystal_names())
    return [m.name for m in list_materials() if not m.is_fluid and m.name in known and m.name not in UNMAPPED
            and NAMES.get(m.name, m.name) == m.name
            and isinstance(crystal_for(m.name), CrystalDescription)]  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calculator", default=None, help="default: kapitza's default potential")
    parser.add_argument("--out", default=None, help="default: the laboratory's data/dispersion_pairs.csv")
    args = parser.parse_args(argv)

    from calibration.laboratory import dispersion_pairs as D

    from kapitza import __version__
    from kapitza.atomistic.calculators import DEFAULT_CALCULATOR, calculator_source
    from kapitza.cli.common import check_output
    from kapitza.errors import InputError
    from kapitza.io import atomic_write_text
    from kapitza.literature.crystals import crystal_for
    from kapitza.prediction import expected as E
    from kapitza.prediction.validation.calculators import crystal_verdict, pair_full_dispersion

    try:
        source = calculator_source(args.calculator or DEFAULT_CALCULATOR)
    except InputError as exc:
        _refuse(str(exc))
    shipped = E.shipped_structure_descriptors()
    if shipped is None or shipped.calculator != source.name:
        _refuse(
            f"the structure route's shipped descriptors are not {source.name}'s: nothing to check the curves against"
        )
    target = Path(args.out) if args.out else ROOT / "scripts/calibration/laboratory/data" / D.PAIRS_FILE
    try:
        check_output(str(target), (".csv",), "--out")
    except InputError as exc:
        _refuse(str(exc))
    t0 = time.perf_counter()
    crystals: dict[str, Any] = {}
    for k, name in enumerate(materials()):
        t1 = time.perf_counter()
        found, why, _ = crystal_verdict(crystal_for(name), source, True, None, None)
        if found is None:
            print(f"[{k + 1}] {name}: left out ({why})", flush=True)
            continue
        crystals[name] = found
        print(f"[{k + 1}] {name}: built ({time.perf_counter() - t1:.0f} s)", flush=True)
    if len(crystals) < 2:
        _refuse(f"{len(crystals)} crystal built: no pair")
    grid = np.asarray(D.GRID)
    pairs = list(itertools.combinations(crystals, 2))
    g = np.full((len(pairs), grid.size), np.nan)
    g_phonon = np.full((len(pairs), grid.size), np.nan)
    for k, (a, b) in enumerate(pairs):
        t1 = time.perf_counter()
        g_phonon[k], g[k] = pair_full_dispersion(crystals[a], crystals[b], grid)
        print(f"[{k + 1}/{len(pairs)}] {a}|{b}: {g[k, grid.searchsorted(300.0)] / 1e6:.4g} MW m^-2 K^-1 near 300 K "
              f"({time.perf_counter() - t1:.0f} s)", flush=True)  # fmt: skip
    a, b = pairs[0]
    swapped = pair_full_dispersion(crystals[b], crystals[a], grid)[0]
    asymmetry = float(np.max(np.abs(swapped / g_phonon[0] - 1)))
    provenance = (f"scripts/dispersion_pairs.py, kapitza {__version__}, commit {commit()}, "
                  f"{datetime.date.today().isoformat()}; mesh 24, normal [0, 0, 1]")  # fmt: skip
    found = D.DispersionPairs(
        calculator=source.name, provenance=provenance, side1=tuple(p[0] for p in pairs),
        side2=tuple(p[1] for p in pairs), temperature=grid, g_fd=g, g_fd_phonon=g_phonon,
    )  # fmt: skip
    check = D.log10_g_fd(shipped.film, shipped.substrate, shipped.temperature, found)
    have = np.isfinite(check)
    deviation = float(np.max(np.abs(10 ** check[have] / shipped.g_fd[have] - 1))) if have.any() else 0.0
    print(f"checked against {int(have.sum())} structure-route rows: up to {deviation:.2%} apart; "
          f"{a}|{b} in the other order {asymmetry:.1e} apart", flush=True)  # fmt: skip
    if deviation > DEVIATION or asymmetry > 1e-6:
        _refuse(
            f"the curves differ from the structure route's descriptors by up to {deviation:.2%} (or the DMM "
            f"depends on the order of the sides, {asymmetry:.1e}): rerun scripts/expected_descriptors.py"
        )
    atomic_write_text(target, D.write_dispersion_pairs(found))
    print(f"wrote {target}: {len(pairs)} pairs of {len(crystals)} crystals, {grid.size} temperatures "
          f"({time.perf_counter() - t0:.0f} s)")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
