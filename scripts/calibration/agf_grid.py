r"""Calibration of the frequency-grid error of the AGF conductance G (:mod:`kapitza.transmission.agf.grid`).

Every AGF run states a 1-sigma estimate of the quadrature error of its two-probe G from its midpoint frequency
grid (:func:`~kapitza.transmission.agf.grid.estimated_error`, ``ESTIMATE_FACTOR`` x the root-sum-square of the
cells' second-difference terms).  The factor was fitted for 68 % coverage on the DESIGN cases of
``benchmarks/agf_grid_error.py``; the cases here are that benchmark's TEST cases, measured with the factor
fixed, in four families:

* SW Si|Ge [001] 1x1 at 5x5 and 7x7 k;
* SW Si|Ge 1x1 on the other normals: [110] at 4x4 k, [111] at 2x2 and 3x3 k;
* SW Si|Ge [001] 2x2 intermixed (2 planes, the mixing drawn by the seed): seeds 4/5/6/7 at 4x4/3x3/2x2/5x5 k;
* LJ Ar|heavy-Ar (39.948|159.792 amu, the mass-mismatch model) at 3x3 and 4x4 k.

Nothing here is synthetic noise: the "truth" of each case is G on the uniform midpoint grid of 1215
frequencies, and the grids judged are its embedded grids of 405, 135, 45 and 15 (every 3^m-th node), so each
coarse G and its estimate come from the same sweep, at T = 10, 30, 100, 300, 1000 K.  A *point* (the "seeds"
column's n) is one (case, grid, temperature); the seed count of ``make_page`` does not apply.  Values are taken
relative to the 1215-frequency G (truth 1).  The points are not independent (the five temperatures of one grid
move together), so a row's coverage has a larger error than sqrt(0.68 0.32 / n).  The 1215-frequency sweeps are
read from ``.kapitza-cache/agf_grid_error/`` when the benchmark left them there, otherwise computed (a few
minutes for all eleven on two cores).

Measured (2026-11-24): pooled over the 220 points the estimate covered 0.795 (the design set it was fitted on:
0.680), over the band's top; per family 0.68 ([110]/[111]), 0.76 (intermixed), 0.83 ([001] 1x1) and 1.00
(LJ Ar|heavy-Ar, whose estimate is too wide).  The signed error is mostly positive (the coarse grid's G above
the truth; median +0.18 estimates).  The rows are claimed and published as measured: the factor is not retuned
on these cases.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np

from kapitza.transmission.agf import grid
from kapitza.transmission.agf.run import run_agf

from . import common

ESTIMATOR = "AGF frequency-grid error of G"
ROOT = Path(__file__).resolve().parent.parent.parent
CACHE = ROOT / ".kapitza-cache" / "agf_grid_error"
FINE = 1215
GRIDS = (405, 135, 45, 15)
TEMPS = np.array([10.0, 30.0, 100.0, 300.0, 1000.0])
SIGE = dict(left="Si", right="Ge")
MIX = dict(left="Si", right="Ge", lateral=(2, 2), mixing_layers=2)
ARAR = dict(left="Ar", right="Ar", potential="lj", masses_amu=(39.948, 159.792))

#: The families of the TEST set of benchmarks/agf_grid_error.py: case text -> {cache name: run_agf options}.
FAMILIES: dict[str, dict[str, dict]] = {
    "SW Si|Ge [001] 1x1, k = 5, 7": {
        "SiGe-001-1x1-k5": dict(SIGE, kpoints=5),
        "SiGe-001-1x1-k7": dict(SIGE, kpoints=7),
    },
    "SW Si|Ge 1x1, other normals: [110] k = 4; [111] k = 2, 3": {
        "SiGe-110-1x1-k4": dict(SIGE, normal="110", kpoints=4),
        "SiGe-111-1x1-k2": dict(SIGE, normal="111", kpoints=2),
        "SiGe-111-1x1-k3": dict(SIGE, normal="111", kpoints=3),
    },
    "SW Si|Ge [001] 2x2 intermixed, seeds 4/5/6/7 at k = 4/3/2/5": {
        "SiGe-001-2x2mix-s4-k4": dict(MIX, seed=4, kpoints=4),
        "SiGe-001-2x2mix-s5-k3": dict(MIX, seed=5, kpoints=3),
        "SiGe-001-2x2mix-s6-k2": dict(MIX, seed=6, kpoints=2),
        "SiGe-001-2x2mix-s7-k5": dict(MIX, seed=7, kpoints=5),
    },
    "LJ Ar|heavy-Ar (39.948|159.792 amu), k = 3, 4": {
        "ArAr-lj-k3": dict(ARAR, kpoints=3),
        "ArAr-lj-k4": dict(ARAR, kpoints=4),
    },
}


def sweep(name: str, options: dict, fine: int = FINE, cache: Path | None = CACHE) -> dict[str, np.ndarray]:
    """The ``fine``-frequency sweep of a case (omega, widths, channels Phi): from ``cache`` when there (the
    benchmark's files, same format), otherwise computed (and stored there when ``cache`` is given)."""
    path = None if cache is None else cache / f"{name}.npz"
    if path is not None and path.exists():
        data = np.load(path)
        if data["omega"].size == fine:
            return {k: data[k] for k in data.files}
    result, _ = run_agf(frequencies=fine, check_broadening=False, temperature=TEMPS, **options)
    t = result.transmission
    out = {"omega": t.omega, "width": t.omega_weights, "phi": t.transmitted_channels}
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez(path, **out)
    return out


def fine_conductance(data: dict[str, np.ndarray], temps: np.ndarray = TEMPS) -> np.ndarray:
    """G of a cached sweep on its own (fine) grid at ``temps``, shape (n_T,)."""
    return (grid.integrand(data["omega"], data["phi"], temps) * data["width"]).sum(axis=1)


def embedded(
    data: dict[str, np.ndarray], n: int, temps: np.ndarray = TEMPS
) -> tuple[grid.Cells, np.ndarray, np.ndarray]:
    """The midpoint grid of ``n`` cells held in a sweep's finer one (nodes step i + step // 2, step = fine / n):
    its cells, the Landauer integrand there (n_T, n) and its G at ``temps`` (n_T,)."""
    step = data["omega"].size // n
    cells = grid.Cells(data["omega"][step // 2 :: step], data["width"][step // 2 :: step] * step)
    f = grid.integrand(cells.omega, data["phi"][step // 2 :: step], temps)
    return cells, f, (f * cells.width).sum(axis=1)


def outcomes(data: dict[str, np.ndarray], grids: tuple[int, ...]) -> list[tuple[float, float, float, bool]]:
    """(G / G_fine, estimate / G_fine, 1, False) for each embedded grid of ``grids`` and each temperature."""
    g_fine = fine_conductance(data)
    out = []
    for n in grids:
        cells, f, g = embedded(data, n)
        estimate = grid.estimated_error(cells, f)
        out += [(gi / gf, ei / gf, 1.0, False) for gi, ei, gf in zip(g, estimate, g_fine) if gf > 0]
    return out


def rows(
    families: dict[str, dict[str, dict]] = FAMILIES,
    fine: int = FINE,
    grids: tuple[int, ...] = GRIDS,
    cache: Path | None = CACHE,
) -> list[common.CalibrationRow]:
    """One row per family (its cases x ``grids`` x :data:`TEMPS`, against the ``fine``-frequency G), and one of
    all families pooled when there are several."""
    out, pooled = [], {}
    for case, members in families.items():
        out.append(_row(case, members, fine, grids, cache))
        pooled.update(members)
    if len(families) > 1:
        out.append(_row(f"all {len(families)} families above", pooled, fine, grids, cache))
    return out


def _row(
    case: str, members: dict[str, dict], fine: int, grids: tuple[int, ...], cache: Path | None
) -> common.CalibrationRow:
    points = [p for name, options in members.items() for p in outcomes(sweep(name, options, fine, cache), grids)]
    z = np.array([(e - t) / s for e, s, t, _ in points])
    note = (
        f"n = {len(members)} cases x {len(grids)} grids ({'/'.join(map(str, grids))} of {fine} frequencies) x "
        f"{TEMPS.size} temperatures (10-1000 K), not seeds; signed error / estimate per point: median "
        f"{np.median(z):+.2f}, mean {np.mean(z):+.2f}, beyond 2 estimates {np.mean(np.abs(z) > 2):.0%} (bias / σ, "
        "mean error / median σ, is led by the 15-frequency points, whose true errors (median 2.2 % of G on the "
        "test set) are about 5x to 80x those of the finer grids)"
    )
    row = common.summarize(ESTIMATOR, case, f"G of {fine} frequencies", points, "claimed", note)
    lo, hi = common.COVERAGE_BAND
    if not lo <= row.coverage <= hi:  # a claimed row outside the band is published with what it means
        scale = float(np.quantile(np.abs(z), common.GAUSS_1SIGMA))
        side = "conservative: wider" if row.coverage > hi else "too narrow"
        row = dataclasses.replace(
            row,
            note=f"{note}; OUTSIDE THE BAND, {side} than a 1-sigma error: the estimate x {scale:.2f} would have "
            f"covered 68 % of these points (the factor was fitted on the design set, where this was 1.00, and is "
            "kept; `kapitza agf --help` says so under --frequency-tolerance)",
        )
    return row


def run(n_seeds: int) -> list[common.CalibrationRow]:
    """Rows for the calibration page (module docstring); ``n_seeds`` does not apply (the points are fixed)."""
    del n_seeds
    return rows()
