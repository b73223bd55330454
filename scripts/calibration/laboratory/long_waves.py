"""The long-wave route of the expected measurement held out (issue 78, item 3): how much worse the database route's
estimate gets when each side's record is its long waves from a potential's elastic constants, and the widening of
its band that restores its coverage.

Where a potential refuses a crystal's phonons but its elastic tensor is stable, ``kapitza predict`` describes the
side by its long waves (:func:`kapitza.phonons.long_waves.long_wave_material`: the Debye-equivalent Christoffel
speeds of the relaxed-ion tensor, the density of the relaxed cell), and the expected measurement is the database
route's fit on the database descriptors of the two records as the prediction holds them
(:func:`kapitza.prediction.expected.long_wave_expected`).  The records differ from the database's measured ones by
what the potential gets wrong of the elastic constants and the cell, so its error is larger than the database
route's; how much larger is measured here on the database route's own rows:

* the rows (:func:`kapitza.prediction.expected.expected_rows` ``("database")``) whose two sides both have the default
  potential's relaxed-ion elastic tensor on the elastic-accuracy page (``docs/reference/elastic-accuracy/results.json``,
  its ``ok`` records: tensor in GPa, relaxed a, b, c; the angles and atoms those of the crystal's conventional cell as
  kapitza builds it, :func:`elastic_record`);
* each side's record replaced by exactly what a refused side would get (:func:`long_wave_material` on that tensor and
  cell, :func:`long_wave_records`), the rows' descriptors recomputed from the two records by the route's own rules
  (:func:`kapitza.prediction.expected.record_features`, :func:`substituted_features`);
* one fold per paper holding such a row: the procedure fitted on every other paper's rows with their real
  descriptors, the paper's rows predicted from the real descriptors and from the long-wave ones
  (:func:`~.held_out.substituted_held_out`), so the two differ only by the query's inputs;
* the widening W (:func:`coverage_widening`): the smallest factor >= 1 on the band's half-widths (decades, about the
  estimate, as the package's own widening rules scale the band) that brings the long-wave band's coverage by paper
  to 68 % at the finite-sample level of its number of papers (:func:`kapitza.prediction.expected.band_fractions`);
  chosen by coverage, not by the ratio of the residuals' spreads, because the long waves also shift the estimate
  (a potential softer than the crystal lowers every DMM) and a band centred on the estimate must cover that shift
  too; the spread ratio is reported beside it.  Its interval: the papers resampled
  (:mod:`~.paper_bootstrap`'s seed and draws).  Its honesty: each paper's coverage by the band widened with the W
  chosen without that paper (:func:`nested_coverage`).
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from kapitza.errors import InputError
from kapitza.prediction import expected as E
from kapitza.prediction.scoring import Score, paper_median, paper_percentiles, paper_weights, score

from .held_out import HeldOut, substituted_held_out
from .paper_bootstrap import DRAWS, INTERVAL, SEED, factor_interval, ratio_interval

ROOT = Path(__file__).resolve().parents[3]
#: The elastic-accuracy page's records (scripts/elastic_accuracy.py).
ELASTIC = ROOT / "docs" / "reference" / "elastic-accuracy" / "results.json"


def elastic_record(record: Mapping[str, Any]) -> Any:
    """A stored elastic-accuracy record (an ``ok`` one: ``crystal``, ``calculator``, ``symmetry``, ``atoms``,
    ``reference_cell``, ``relaxed_cell`` a, b, c in A, ``tensor_gpa``) as the
    :class:`~kapitza.phonons.elastic.CrystalElasticConstants` :func:`~kapitza.phonons.long_waves.long_wave_crystal`
    would hold, with the conventional cell kapitza builds for the crystal (its atoms, and the angles of its relaxed
    cell, which the record does not store: the page's relaxation keeps the crystal's symmetry).  Refused where the
    conventional cell's atom count is not the record's."""
    from types import MappingProxyType

    from kapitza.atomistic.calculators import calculator_source
    from kapitza.atomistic.side import side_structure
    from kapitza.materials.elastic import born_stability, named_constants
    from kapitza.phonons.elastic import RELAXED_ION_STRAIN, CrystalElasticConstants
    from kapitza.phonons.supercell_plan import conventional_cell

    if record.get("status") != "ok":
        raise InputError(f"{record.get('crystal')!r}: only an 'ok' record holds a tensor")
    built = side_structure(record["crystal"])
    conv, _, group = conventional_cell(built.atoms)
    if len(conv) != int(record["atoms"]):
        raise InputError(f"{record['crystal']}: the record's cell holds {record['atoms']} atoms, kapitza's "
                         f"conventional cell {len(conv)}")  # fmt: skip
    tensor = np.asarray(record["tensor_gpa"], dtype=float)
    angles = tuple(float(v) for v in conv.cell.cellpar()[3:])
    symmetry = str(record["symmetry"])
    return CrystalElasticConstants(
        name=built.label, structure=built.described, calculator=str(record["calculator"]),
        calculator_description=calculator_source(str(record["calculator"])).description, spacegroup=group,
        symmetry=symmetry, atoms=len(conv),
        input_cell=(*(float(v) for v in record["reference_cell"]), *angles),
        relaxed_cell=(*(float(v) for v in record["relaxed_cell"]), *angles), tensor=tensor,
        constants=MappingProxyType(named_constants(tensor, symmetry)), measured=MappingProxyType({}),
        measured_source="", smallest_eigenvalue=born_stability(tensor)[0], strain=RELAXED_ION_STRAIN,
    )  # fmt: skip


def stored_elastic(path: Path = ELASTIC, calculator: str | None = None) -> dict[str, Any]:
    """The ``ok`` records of ``calculator`` (default the default potential) on the elastic-accuracy page whose
    crystal is a database material, by database name, as :func:`elastic_record` reads them."""
    from kapitza.atomistic.calculators import DEFAULT_CALCULATOR
    from kapitza.materials import get_material

    chosen = DEFAULT_CALCULATOR if calculator is None else calculator
    doc = json.loads(path.read_text(encoding="utf-8"))
    out = {}
    for record in doc["records"]:
        if record.get("calculator") != chosen or record.get("status") != "ok":
            continue
        try:
            name = get_material(record["crystal"]).name
        except InputError:  # a crystal-table crystal (Ni, W, ...): no database row has it
            continue
        out[name] = elastic_record(record)
    return out


def long_wave_records(elastic: Mapping[str, Any]) -> dict[str, Any]:
    """Each crystal's long-wave record (:func:`kapitza.phonons.long_waves.long_wave_material`: exactly what a side
    whose phonons were refused gets from these elastic constants), by database name."""
    from kapitza.atomistic.side import side_structure
    from kapitza.phonons.long_waves import long_wave_material
    from kapitza.phonons.supercell_plan import conventional_cell

    out = {}
    for name, e in elastic.items():
        built = side_structure(name)
        conv, _, _ = conventional_cell(built.atoms)  # the cell the elastic constants were of, atom for atom
        out[name] = long_wave_material(e, list(conv.get_chemical_symbols()), conv.get_masses(), built.database)
    return out


def substituted_features(
    rows: E.ExpectedRows, records: Mapping[str, Any]
) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """The database route's descriptors of each row whose two sides both have a record in ``records`` (by database
    name), recomputed from those records (:func:`kapitza.prediction.expected.record_features`, the route's own rules,
    each row at its temperature and method), NaN elsewhere; and the mask of those rows."""
    if rows.route != "database":
        raise InputError(f"the long waves replace the database route's records, not the {rows.route} route's")
    scored = np.array([a in records and b in records for a, b in zip(rows.side1, rows.side2)], dtype=bool)
    x = np.full(rows.features.shape, np.nan)
    at = np.flatnonzero(scored)
    pairs: dict[tuple[str, str], list[int]] = {}
    for i in at:
        pairs.setdefault((rows.side1[i], rows.side2[i]), []).append(int(i))
    methods = _row_methods(rows)
    for (a, b), index in pairs.items():
        found, _ = E.record_features(records[a], records[b], rows.temperature[index], [methods[i] for i in index])
        x[index] = found
    return x, scored


def _row_methods(rows: E.ExpectedRows) -> list[str]:
    """Each row's measurement method, from its place in the compilation."""
    from kapitza.literature import shipped_measurements

    data = shipped_measurements()
    return [data.method[int(r)] for r in rows.row_id]


# -- the widening --------------------------------------------------------------------------------------------------


def _offsets(held: HeldOut) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Per row: the measurement, the band's low and high edges, each in decades from the estimate."""
    v = np.log10(held.value)
    return np.log10(held.measured) - v, np.log10(held.low) - v, np.log10(held.high) - v


def _covered(r: NDArray[np.float64], lo: NDArray[np.float64], hi: NDArray[np.float64], w: float) -> NDArray[np.bool_]:
    return (r >= w * lo) & (r <= w * hi)


def _level(papers: int) -> float:
    """The share of papers a band is read to hold at the finite-sample level of ``papers`` papers."""
    a, b = E.band_fractions(papers)
    return b - a


def _widening(r: NDArray[np.float64], lo: NDArray[np.float64], hi: NDArray[np.float64], weights: NDArray[np.float64],
              level: float) -> float:  # fmt: skip
    """The smallest W >= 1 whose band (edges ``lo`` and ``hi`` times W) covers the share ``level`` of the weights."""
    with np.errstate(divide="ignore", invalid="ignore"):
        need = np.where(r > hi, r / hi, np.where(r < lo, r / lo, 1.0))  # the W at which each row is first inside
    candidates = np.unique(np.concatenate([[1.0], need[np.isfinite(need) & (need >= 1.0)]]))
    total = float(np.sum(weights))
    for w in candidates:  # in order: the first that covers enough
        if float(np.sum(weights * _covered(r, lo, hi, float(w)))) >= level * total - 1e-12:
            return float(w)
    return math.inf


def coverage_widening(held: HeldOut, weights: NDArray[np.float64] | None = None) -> float:
    """The smallest factor W >= 1 on the band's half-widths (its edges' offsets from the estimate, decades, times W)
    whose band holds the finite-sample share of 68 % of the held-out papers (every paper weighted equally, its rows
    sharing its weight; ``weights``: other row weights, a resampling's).  inf where no W covers enough (a row
    whose band lies on one side of its estimate)."""
    r, lo, hi = _offsets(held)
    w = paper_weights(held.paper) if weights is None else np.asarray(weights, dtype=float)
    return _widening(r, lo, hi, w, _level(len(set(held.paper))))


def widening_interval(held: HeldOut, draws: int = DRAWS, seed: int = SEED) -> tuple[float, float]:
    """The central 68 % of :func:`coverage_widening` over the papers resampled with replacement (a paper drawn twice
    weighs twice; :mod:`~.paper_bootstrap`'s seed and draws)."""
    names, inverse, counts = np.unique(np.asarray(held.paper), return_inverse=True, return_counts=True)
    r, lo, hi = _offsets(held)
    level = _level(names.size)
    rng = np.random.default_rng(seed)
    found = np.empty(draws)
    for d in range(draws):
        times = np.bincount(rng.integers(0, names.size, size=names.size), minlength=names.size)
        found[d] = _widening(r, lo, hi, (times / counts)[inverse], level)
    a, b = np.percentile(found, [50 * (1 - INTERVAL), 50 * (1 + INTERVAL)])
    return float(a), float(b)


def nested_coverage(held: HeldOut) -> tuple[float, NDArray[np.float64]]:
    """Each paper's share of rows inside the band widened by the W chosen without that paper
    (:func:`coverage_widening` on the other papers): the widened band's coverage by paper as a new paper meets it,
    and the W of each paper's fold (in the order of the sorted papers)."""
    r, lo, hi = _offsets(held)
    paper = np.asarray(held.paper)
    names = sorted(set(held.paper))
    shares, ws = [], []
    for p in names:
        mine = paper == p
        others = ~mine
        w = _widening(r[others], lo[others], hi[others], paper_weights(list(paper[others])), _level(len(names) - 1))
        ws.append(w)
        shares.append(float(np.mean(_covered(r[mine], lo[mine], hi[mine], w))))
    return float(np.mean(shares)), np.array(ws)


def _nested_share(held: HeldOut, fold_w: Mapping[str, float]) -> float:
    """The mean over ``held``'s papers of each paper's share of rows inside the band widened by its fold's W."""
    r, lo, hi = _offsets(held)
    paper = np.asarray(held.paper)
    shares = [np.mean(_covered(r[paper == p], lo[paper == p], hi[paper == p], fold_w[p])) for p in set(held.paper)]
    return float(np.mean(shares)) if shares else math.nan


def spread_ratio(own: HeldOut, other: HeldOut) -> float:
    """The half-width of the paper-weighted central percentiles (at the finite-sample level of their papers) of the
    long-wave residuals log10(measured / estimate) over that of the real descriptors' residuals, on the same rows:
    the widening the procedure's own rule (a ratio of half-widths) would give, blind to a shift of the estimate."""
    fractions = E.band_fractions(len(set(own.paper)))

    def half(h: HeldOut) -> float:
        lo, hi = paper_percentiles(np.log10(h.measured / h.value), h.paper, fractions)
        return 0.5 * (hi - lo)

    return half(other) / half(own)


def widened(held: HeldOut, w: float) -> HeldOut:
    """``held`` with its band's half-widths times ``w`` (decades, about the estimate)."""
    v = held.value
    return dataclasses.replace(held, low=v * (held.low / v) ** w, high=v * (held.high / v) ** w)


# -- the validation ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LongWaveValidation:
    """Everything the page says of the long-wave route.

    Attributes
    ----------
    rows : ExpectedRows
        The database route's rows whose two sides both have a long-wave record.
    crystals : tuple of str
        The database materials with the potential's tensor (of the page's 25 crystals, those in the database).
    calculator : str
    own, long : HeldOut
        One fold per paper: from the real descriptors and from the long-wave ones (the long-wave band unwidened).
    widening : float
        :func:`coverage_widening` of ``long``.
    interval : (float, float)
        Its central 68 % over the papers resampled.
    spread : float
        :func:`spread_ratio`, for comparison.
    spread_coverage : float
        The coverage by paper of the long-wave band widened by ``spread`` instead.
    nested : float
        :func:`nested_coverage`: the widened band's coverage by paper with W chosen without the paper.
    nested_widenings : ndarray
        The W of each paper's fold.
    scores : dict of str to dict of str to Score
        Per split ("all rows", :data:`~kapitza.prediction.expected.SPLITS`): "real" (the real descriptors), "long"
        (long waves, unwidened band), "widened" (long waves, band times ``widening``).
    nested_splits : dict of str to float
        The nested coverage of each split's rows.
    factor_intervals : dict of str to (float, float)
        The 68 % interval over papers resampled of the long-wave median factor by paper ("long") and of its ratio to
        the real descriptors' ("ratio"), on every row.
    dmm_shift : float
        Median by paper of log10(long-wave phonon DMM / database phonon DMM), decades.
    split_widenings : dict of str to float
        Per split of :data:`~kapitza.prediction.expected.SPLITS`: the W chosen on that split's rows alone (where it
        holds :data:`~kapitza.prediction.expected.MIN_PAPERS` papers; else ``widening``), the one a query of that
        split gets (issue 83: one W for both splits had left the pairs nobody else measured at 0.55-0.57); the
        split's "widened" scores and nested coverage are with it.
    """

    rows: E.ExpectedRows
    crystals: tuple[str, ...]
    calculator: str
    own: HeldOut
    long: HeldOut
    widening: float
    interval: tuple[float, float]
    spread: float
    spread_coverage: float
    nested: float
    nested_widenings: NDArray[np.float64]
    scores: dict[str, dict[str, Score]]
    nested_splits: dict[str, float]
    factor_intervals: dict[str, tuple[float, float]]
    dmm_shift: float
    split_widenings: dict[str, float] = dataclasses.field(default_factory=dict)


def _scores(h: HeldOut, sel: NDArray[np.bool_]) -> Score:
    return score(h.value[sel], h.measured[sel], [h.paper[i] for i in np.flatnonzero(sel)], h.low[sel], h.high[sel])


def long_wave_validation(bases: Sequence[str] = E.SMOOTH_BASES, calculator: str | None = None) -> LongWaveValidation:
    """The long-wave route held out (module text).  About a second a fold (one per paper)."""
    elastic = stored_elastic(calculator=calculator)
    records = long_wave_records(elastic)
    every = E.expected_rows("database")
    query, scored = substituted_features(every, records)
    own, long = substituted_held_out(every, query, scored, bases)
    rows = every.select(scored)
    w = coverage_widening(long)
    wide = widened(long, w)
    nested, ws = nested_coverage(long)
    spread = spread_ratio(own, long)
    other = np.asarray(long.n_other) > 0
    splits = {"all rows": np.ones(len(rows), dtype=bool), E.SPLITS[0]: other, E.SPLITS[1]: ~other}
    scores = {name: {"real": _scores(own, sel), "long": _scores(long, sel), "widened": _scores(wide, sel)}
              for name, sel in splits.items()}  # fmt: skip
    fold_w = dict(zip(sorted(set(long.paper)), ws))
    nested_splits = {name: _nested_share(_select(long, sel), fold_w) for name, sel in splits.items()}
    split_widenings = {}
    for name in E.SPLITS:
        part = _select(long, splits[name])
        if len(set(part.paper)) >= E.MIN_PAPERS:
            split_widenings[name] = coverage_widening(part)
            nested_splits[name] = nested_coverage(part)[0]
        else:
            split_widenings[name] = w
        scores[name]["widened"] = _scores(widened(long, split_widenings[name]), splits[name])
    err_own = np.abs(np.log10(own.value / own.measured))
    err_long = np.abs(np.log10(long.value / long.measured))
    phonon = E.FEATURES["database"].index("log10 G_dmm phonon")
    shift = query[scored, phonon] - rows.features[:, phonon]
    return LongWaveValidation(
        rows=rows, crystals=tuple(sorted(records)), calculator=next(iter(elastic.values())).calculator, own=own,
        long=long, widening=w, interval=widening_interval(long), spread=spread,
        spread_coverage=_scores(widened(long, max(1.0, spread)), np.ones(len(rows), dtype=bool)).coverage_paper,
        nested=nested,
        nested_widenings=ws, scores=scores, nested_splits=nested_splits,
        factor_intervals={"long": factor_interval(err_long, list(long.paper)),
                          "ratio": ratio_interval(err_long, err_own, list(long.paper))},
        dmm_shift=paper_median(shift, list(rows.paper)), split_widenings=split_widenings,
    )  # fmt: skip


def _select(held: HeldOut, sel: NDArray[np.bool_]) -> HeldOut:
    """The rows ``sel`` selects of ``held`` (its folds' bases and k kept)."""
    at = np.flatnonzero(sel)
    return dataclasses.replace(
        held, value=held.value[sel], low=held.low[sel], high=held.high[sel], measured=held.measured[sel],
        temperature=held.temperature[sel], paper=tuple(held.paper[i] for i in at),
        pair=tuple(held.pair[i] for i in at), n_other=held.n_other[sel], outside=held.outside[sel],
        fold=held.fold[sel],
    )  # fmt: skip
