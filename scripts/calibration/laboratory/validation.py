"""The expected measurement's whole validation: each route held out by paper, and as a user gets it, beside the
Debye DMM, the full-dispersion DMM, the empirical estimate and the inter-laboratory floor on the same rows."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from kapitza import _checks
from kapitza.errors import InputError
from kapitza.io.results import result
from kapitza.literature import shipped_measurements
from kapitza.prediction.expected import (
    ROUTES,
    TEMPERATURE_RANGES,
    ExpectedRows,
    expected_rows,
    shipped_structure_descriptors,
)
from kapitza.prediction.expected.rows import row_places
from kapitza.prediction.scoring import Score, median_factor, score

from .floor import InterlabFloor, interlaboratory_floor, paper_values
from .held_out import HeldOut, held_out, temperature_scores


@result
class ExpectedValidation:
    """The expected-measurement estimate held out by paper, beside the physics models and today's empirical
    estimate on the same rows, and the inter-laboratory floor.

    Attributes
    ----------
    name : str
        "database", "structure", or "as a user gets it" (each row scored by the route a user's query on its pair
        takes: the database route where both sides are database materials, else the structure route).
    held : HeldOut
        The held-out estimates (the combined one: the routes' rows merged).
    estimate : Score
        The estimate, with its band's coverage.
    debye_dmm, full_dispersion_dmm, empirical : Score
        On the same rows where each has a value (the empirical estimate of ``kapitza predict --empirical``, held out
        by paper with its own five folds; database materials only).
    floor : InterlabFloor
        On these rows.
    estimate_on_floor : float
        The estimate's median factor on the floor's paper values (each paper's median over its rows in the
        floor's window against the paper's measured median), comparable with ``floor.median_factor``.
    by_temperature : tuple of Score
        The estimate per :data:`TEMPERATURE_RANGES`.
    base_kinds : tuple of str
        The bases the folds chose (:data:`BASES`), each once, in order of first use.
    """

    name: str
    held: HeldOut
    estimate: Score
    debye_dmm: Score
    full_dispersion_dmm: Score
    empirical: Score
    floor: InterlabFloor
    estimate_on_floor: float
    by_temperature: tuple[Score, ...]
    base_kinds: tuple[str, ...]

    _summary_fields: ClassVar[tuple[str, ...]] = ("name", "estimate", "floor")

    def __post_init__(self) -> None:
        _checks.label(self.name, "name")
        for name, kind in (("held", HeldOut), ("estimate", Score), ("debye_dmm", Score),
                           ("full_dispersion_dmm", Score), ("empirical", Score), ("floor", InterlabFloor)):  # fmt: skip
            if not isinstance(getattr(self, name), kind):
                raise InputError(f"{name} must be a {kind.__name__}, got {type(getattr(self, name)).__name__}")
        _checks.factor(self.estimate_on_floor, "estimate_on_floor", nan=True)
        if len(self.by_temperature) != len(TEMPERATURE_RANGES) or not all(
            isinstance(x, Score) for x in self.by_temperature
        ):
            raise InputError(f"by_temperature must be {len(TEMPERATURE_RANGES)} Scores, one per temperature range")
        _checks.labels(self.base_kinds, "base_kinds")


def _scores(
    name: str, held: HeldOut, debye: NDArray[np.float64], fd: NDArray[np.float64], empirical: NDArray[np.float64]
) -> ExpectedValidation:
    """Score a held-out estimate and its comparisons on the same rows."""
    paper = list(held.paper)
    floor = interlaboratory_floor(held.measured, held.temperature, held.pair, held.paper)
    measured = paper_values(held.measured, held.temperature, held.pair, held.paper)
    estimated = paper_values(held.value, held.temperature, held.pair, held.paper)
    errors = [abs(math.log10(estimated[a][p] / measured[a][p])) for a, p in zip(floor.pair, floor.paper)]
    return ExpectedValidation(
        name=name,
        held=held,
        estimate=score(held.value, held.measured, paper, held.low, held.high),
        debye_dmm=score(debye, held.measured, paper),
        full_dispersion_dmm=score(fd, held.measured, paper),
        empirical=score(empirical, held.measured, paper),
        floor=floor,
        estimate_on_floor=median_factor(errors),
        by_temperature=temperature_scores(held),
        base_kinds=tuple(dict.fromkeys(held.base_kind)),
    )


def _by_id(ids: Sequence[str], values: NDArray[np.float64], wanted: Sequence[str]) -> NDArray[np.float64]:
    where = dict(zip(ids, values))
    return np.array([where.get(i, math.nan) for i in wanted], dtype=float)


def empirical_held_out() -> tuple[tuple[str, ...], NDArray[np.float64]]:
    """Today's empirical estimate (``kapitza predict --empirical``) held out by paper as its own validation does
    it: the places of its rows in the compilation and the held-out G (W m^-2 K^-1)."""
    from kapitza.prediction.empirical import PHYSICS_MODELS, grouped_cross_validation, training_data
    from kapitza.prediction.validation import validation_table

    data = shipped_measurements()
    table = validation_table(PHYSICS_MODELS, interlayers=True)
    ids = row_places(data, table, interlayers=True)
    good = ~np.asarray(table.flagged, dtype=bool)
    ids = tuple(i for i, g in zip(ids, good) if g)
    found = grouped_cross_validation(*training_data(table))
    return ids, 10**found.held_out


def expected_validation(n_splits: int | None = None) -> tuple[ExpectedValidation, ...]:
    """The estimate of each route held out by paper, and as a user gets it (module text), with the comparisons.

    Minutes: every fold refits the procedure (one fold per paper by default, see :func:`held_out`).
    """
    out = []
    held_by_route = {}
    rows_by_route = {}
    emp_ids, emp_values = empirical_held_out()
    structure = shipped_structure_descriptors()
    fd_ids = () if structure is None else structure.row_id
    fd_values = np.zeros(0) if structure is None else structure.g_fd
    db = expected_rows("database")
    debye_ids, debye_values = db.row_id, db.dmm
    for route in ROUTES:
        if route == "structure" and structure is None:
            continue
        rows = expected_rows(route)
        held = held_out(rows, n_splits)
        held_by_route[route], rows_by_route[route] = held, rows
        out.append(
            _scores(
                route,
                held,
                _by_id(debye_ids, debye_values, rows.row_id),
                _by_id(fd_ids, fd_values, rows.row_id),
                _by_id(emp_ids, emp_values, rows.row_id),
            )  # fmt: skip
        )
    if len(held_by_route) == 2:
        combined, ids = _combined(rows_by_route, held_by_route)
        out.append(
            _scores(
                "as a user gets it",
                combined,
                _by_id(debye_ids, debye_values, ids),
                _by_id(fd_ids, fd_values, ids),
                _by_id(emp_ids, emp_values, ids),
            )  # fmt: skip
        )
    return tuple(out)


def _combined(rows: Mapping[str, ExpectedRows], held: Mapping[str, HeldOut]) -> tuple[HeldOut, tuple[str, ...]]:
    """Every row once: the database route's held-out estimate where its pair is a database pair, else the
    structure route's."""
    db, st = rows["database"], rows["structure"]
    take_db = list(range(len(db)))
    db_ids = set(db.row_id)
    take_st = [i for i, rid in enumerate(st.row_id) if rid not in db_ids]
    h_db, h_st = held["database"], held["structure"]

    def join(a: NDArray[Any], b: NDArray[Any]) -> NDArray[Any]:
        return np.concatenate([np.asarray(a)[take_db], np.asarray(b)[take_st]])

    def join_text(a: Sequence[str], b: Sequence[str]) -> tuple[str, ...]:
        return tuple(a[i] for i in take_db) + tuple(b[i] for i in take_st)

    pairs = join_text(db.pair, st.pair)
    combined = HeldOut(
        route="database",
        value=join(h_db.value, h_st.value),
        low=join(h_db.low, h_st.low),
        high=join(h_db.high, h_st.high),
        measured=join(h_db.measured, h_st.measured),
        temperature=join(h_db.temperature, h_st.temperature),
        paper=join_text(h_db.paper, h_st.paper),
        pair=pairs,
        n_other=join(h_db.n_other, h_st.n_other),
        outside=join(h_db.outside, h_st.outside),
        fold=np.full(len(pairs), -1, dtype=np.int64),
        base_kind=h_db.base_kind + h_st.base_kind,
        k=np.concatenate([h_db.k, h_st.k]),
    )
    return combined, join_text(db.row_id, st.row_id)
