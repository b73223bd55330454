"""How far each model is from the measurements: summary statistics of a :class:`ValidationTable`.

For each model, over the rows that have a prediction (finite and > 0), with
r = predicted / measured:

* ``rows``: how many rows have a prediction;
* ``median_ratio``: the median of r, taken in decades (10 ** median log10 r: 1 is unbiased; 3 means a typical
  prediction is three times the measured conductance);
* ``within_2``: the share of rows with 0.5 <= r <= 2 (a fraction in [0, 1]);
* ``median_abs_log10``: the median of |log10 r| (0.3 is a typical factor of 2
  either way), the spread that ``median_ratio`` hides when errors cancel.

The rules are those of :mod:`kapitza.prediction.scoring`, every score's.

Each is given for all rows and for each interface kind (:data:`KINDS`), and
for "predicted" (what ``kapitza predict`` reports, electrons included where the
package has their data) and "phonon" (the phonon model alone).  Rows without a
prediction are counted per model, with the reason.  Statistics of an empty
group are NaN (rows 0).

Rows the table flags as above the physical upper bound of their interface
(:attr:`ValidationTable.flagged`, :mod:`kapitza.prediction.bounds`) are left out of every
statistic, of every model and basis: they are counted apart (``flagged``), and ``total``
counts the rows that remain.  Rows that could not be checked against the bound are counted
by reason (``not_checked``); they stay in the statistics.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

import numpy as np
from numpy.typing import NDArray

from ...errors import InputError
from ...io.results import result
from ..bounds import NOT_CHECKED
from ..scoring import log_ratio, median_error, median_ratio, within_2
from .table import KINDS, PHONON_ONLY, ValidationTable

__all__ = ["BASES", "GROUPS", "ValidationStatistics", "ratio_statistics", "validation_statistics"]

#: Row groups: every row, then each interface kind.
GROUPS = ("all", *KINDS)
#: What is compared with the measurement: kapitza's prediction, or the phonon model alone.
BASES = ("predicted", "phonon")
#: Reason given for a row without a prediction when the table has no note for it.
NO_VALUE = "the model gives no finite positive conductance"


def ratio_statistics(ratio: NDArray[np.float64]) -> tuple[int, float, float, float]:
    """(count, median ratio, share within x2, median ``|log10 ratio|``) of the finite positive ratios.

    Parameters
    ----------
    ratio : array_like, shape (n,)
        predicted / measured, dimensionless; NaN, inf and values <= 0 are left out.

    Returns
    -------
    tuple
        Count (int) and three floats; the floats are NaN when the count is 0.
    """
    r = log_ratio(ratio, np.ones(np.shape(ratio)))
    n = int(np.count_nonzero(np.isfinite(r)))
    return n, median_ratio(r), within_2(r), median_error(r)


@result
class ValidationStatistics:
    """Per model, interface kind and basis: rows, median ratio, share within x2, median ``|log10 ratio|``.

    Attributes
    ----------
    models : tuple of str
        Model names, length n_models.
    groups : tuple of str
        :data:`GROUPS`: "all" and each interface kind, length n_groups.
    bases : tuple of str
        :data:`BASES`: "predicted" and "phonon", length 2.
    total : ndarray of int, shape (n_groups,)
        Rows of the table in each group that are scored (not flagged).
    rows : ndarray of int, shape (2, n_models, n_groups)
        Rows with a prediction (finite, > 0), by basis, model and group.
    median_ratio : ndarray, shape (2, n_models, n_groups)
        Median of predicted / measured, taken in decades (dimensionless); NaN where ``rows`` is 0.
    within_2 : ndarray, shape (2, n_models, n_groups)
        Share (0..1) of those rows with 0.5 <= predicted / measured <= 2; NaN where ``rows`` is 0.
    median_abs_log10 : ndarray, shape (2, n_models, n_groups)
        Median of ``|log10(predicted / measured)|``; NaN where ``rows`` is 0.
    missing : mapping
        ``missing[basis][model]`` maps each reason to the number of rows without a prediction.
    phonon_only : mapping
        Rows whose "predicted" value is the phonon model alone although a metal is involved
        (its electron data are not stored): the table's note -> number of rows.
    cutoff : str
        Debye cutoff rule of the table's phonon models.
    flagged : ndarray of int, shape (n_groups,)
        Rows of each group above the physical upper bound, left out of every statistic.
    not_checked : mapping
        Why rows could not be checked against the bound -> number of rows (they are scored).
    """

    models: tuple[str, ...]
    groups: tuple[str, ...]
    bases: tuple[str, ...]
    total: NDArray[np.int64]
    rows: NDArray[np.int64]
    median_ratio: NDArray[np.float64]
    within_2: NDArray[np.float64]
    median_abs_log10: NDArray[np.float64]
    missing: Mapping[str, Mapping[str, Mapping[str, int]]]
    phonon_only: Mapping[str, int]
    cutoff: str
    flagged: NDArray[np.int64] | None = None
    not_checked: Mapping[str, int] | None = None

    _summary_fields: ClassVar[tuple[str, ...]] = ("models", "total", "cutoff")

    def __post_init__(self) -> None:
        if self.flagged is None:
            object.__setattr__(self, "flagged", np.zeros(len(self.groups), dtype=np.int64))
        if self.not_checked is None:
            object.__setattr__(self, "not_checked", {})

    def get(self, model: str, group: str = "all", basis: str = "predicted") -> dict[str, float | int]:
        """The four numbers of one model, group and basis as a dict (rows, median_ratio, within_2,
        median_abs_log10)."""
        for value, allowed, option in (
            (model, self.models, "model"),
            (group, self.groups, "group"),
            (basis, self.bases, "basis"),
        ):
            if value not in allowed:
                raise InputError(f"{option}={value!r} is not in these statistics; expected one of {', '.join(allowed)}")
        b, m, g = self.bases.index(basis), self.models.index(model), self.groups.index(group)
        return {
            "rows": int(self.rows[b, m, g]),
            "median_ratio": float(self.median_ratio[b, m, g]),
            "within_2": float(self.within_2[b, m, g]),
            "median_abs_log10": float(self.median_abs_log10[b, m, g]),
        }


def _reasons(table: ValidationTable, values: NDArray[np.float64], scored: NDArray[np.bool_]) -> dict[str, int]:
    """Reason -> number of scored rows where ``values`` (shape (n,)) is not a finite positive conductance."""
    bad = ~(np.isfinite(values) & (values > 0)) & scored
    out: dict[str, int] = {}
    for i in np.flatnonzero(bad):
        note = table.note[i] if len(table.note) == len(table) else ""
        reason = note if note and not note.startswith(PHONON_ONLY) else NO_VALUE
        out[reason] = out.get(reason, 0) + 1
    return out


def validation_statistics(table: ValidationTable) -> ValidationStatistics:
    """Summarise how far each model of ``table`` is from the measurements (see the module text).

    Parameters
    ----------
    table : ValidationTable
        From :func:`kapitza.prediction.validation.validation_table` (or made by hand).

    Returns
    -------
    ValidationStatistics
    """
    if not isinstance(table, ValidationTable):
        raise InputError(f"table= must be a ValidationTable, got {type(table).__name__}")
    kinds = np.asarray(table.kind, dtype=object)
    flagged = np.asarray(table.flagged, dtype=bool)
    scored = ~flagged
    groups = [np.ones(len(table), dtype=bool)] + [kinds == kind for kind in KINDS]
    masks = [group & scored for group in groups]
    shape = (len(BASES), len(table.models), len(GROUPS))
    rows = np.zeros(shape, dtype=np.int64)
    median_ratio, within_2, median_abs_log10 = (np.full(shape, np.nan) for _ in range(3))
    missing: dict[str, dict[str, dict[str, int]]] = {}
    # a metal whose electron data are missing: the "predicted" value is the phonon model alone, which does not
    # describe that interface; such rows are counted apart (phonon_only), not folded into the medians
    undescribed = np.zeros(len(table), dtype=bool)
    if len(table.note) == len(table):
        undescribed = np.array([note.startswith(PHONON_ONLY) for note in table.note], dtype=bool)
    for b, values in enumerate((table.predicted, table.phonon)):
        missing[BASES[b]] = {}
        for m, model in enumerate(table.models):
            ratio = np.full(len(table), np.nan)
            np.divide(values[m], table.measured, out=ratio, where=table.measured > 0)
            if BASES[b] == "predicted":
                ratio[undescribed] = np.nan
            for g, mask in enumerate(masks):
                stats = ratio_statistics(ratio[mask])
                rows[b, m, g], median_ratio[b, m, g], within_2[b, m, g], median_abs_log10[b, m, g] = stats
            reasons = _reasons(table, values[m], scored)
            if BASES[b] == "predicted":
                for i in np.flatnonzero(undescribed & scored & np.isfinite(values[m]) & (values[m] > 0)):
                    why = f"{table.note[i]}: the phonon model alone does not describe a metal's interface"
                    reasons[why] = reasons.get(why, 0) + 1
            missing[BASES[b]][model] = reasons
    phonon_only: dict[str, int] = {}
    for note, keep in zip(table.note, scored):
        if keep and note.startswith(PHONON_ONLY):
            phonon_only[note] = phonon_only.get(note, 0) + 1
    not_checked: dict[str, int] = {}
    for note in table.bound_note:
        if note.startswith(NOT_CHECKED):
            why = note.removeprefix(NOT_CHECKED)
            not_checked[why] = not_checked.get(why, 0) + 1
    return ValidationStatistics(
        models=table.models,
        groups=GROUPS,
        bases=BASES,
        total=np.array([int(np.count_nonzero(mask)) for mask in masks], dtype=np.int64),
        rows=rows,
        median_ratio=median_ratio,
        within_2=within_2,
        median_abs_log10=median_abs_log10,
        missing=missing,
        phonon_only=phonon_only,
        cutoff=table.cutoff,
        flagged=np.array([int(np.count_nonzero(group & flagged)) for group in groups], dtype=np.int64),
        not_checked=not_checked,
    )
