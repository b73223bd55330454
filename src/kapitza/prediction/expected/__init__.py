"""The conductance a measurement will give: one estimate per temperature, with a 68 % band measured on papers the
estimate never saw.

Physics models describe an ideal interface; a measured interface adds roughness, intermixing, contamination,
bonding and the laboratory.  What a user designs with is the value a measurement of their pair will give and how
far it may lie from it.  The shipped compilation (:mod:`kapitza.literature`) says how well that can be known:
one paper's value predicted by the median of the other papers that measured the same pair is off by a median
factor of about 1.4-1.5 (:func:`interlaboratory_floor`).  This module makes one estimate out of everything kapitza
knows and measures its error the way a new user meets it: on papers held out whole.

The model (SI; log10 of G in W m^-2 K^-1)
-----------------------------------------
``log10 G = base(x) + u_pair``

* ``x``: physics descriptors of the row (:data:`FEATURES`): the ideal-interface models as ``kapitza predict``
  reports them (with electrons), the phonon models alone, the temperature, the metal's electron-phonon
  conductance, the interface kind and the measurement method, and for the database route the Debye-temperature
  and acoustic-impedance ratios.  Two routes, one per kind of input a query can bring
  (:data:`ROUTES`): ``"database"`` (both sides kapitza materials: Debye DMM, radiation limit and AMM from the
  database) and ``"structure"`` (the full-dispersion DMM of a universal potential's phonons, for any pair the
  structure route builds; its training descriptors are package data written by ``scripts/expected_descriptors.py``).
  Where the potential refuses a crystal's phonons but its elastic tensor is stable, the side's long waves stand in
  (:mod:`kapitza.phonons.long_waves`) and the estimate is the database route's fit on the database descriptors of
  the two Debye records (:data:`LONG_WAVES`, :func:`long_wave_expected`), its band widened by what the calibration
  page measured held out by paper with both sides' long waves from the potential's elastic constants.
* ``base``: a regression of the measured log10 G on ``x`` that never sees the pair it predicts (fitted without
  every row of that pair), so it carries what physics says *across* pairs.  Two candidates, fixed before any
  look at the data: a ridge regression on the standardised descriptors (missing values imputed with an
  indicator; its penalty chosen by its own leave-one-out rule) and gradient boosting with scikit-learn's
  defaults (the empirical estimate's).  Which one is used is chosen on the training papers alone, by the
  paper-weighted median error of their pair-held-out predictions (nested inside every cross-validation fold).
* ``u_pair``: what the *other papers* that measured the same pair found, as the median over those papers of each
  paper's median residual against the pair-held-out base, shrunk by ``n / (n + k)`` for ``n`` papers (a random
  pair effect seen through paper-to-paper scatter).  ``k`` is chosen on the training papers alone: each paper of
  a pair measured by two or more is predicted from the others, and the ``k`` of :data:`K_GRID` with the smallest
  paper-weighted median error wins.  A paper's own rows never enter its own ``u_pair``.

The band
--------
The 68 % band is the central paper-weighted percentiles (:func:`~kapitza.prediction.empirical.paper_percentiles`:
every paper weighs the same, a new user's interface being a new paper) of held-out residuals of the same
procedure on the training papers, separately for pairs that other papers measured and pairs nobody did, read at
the finite-sample level of n papers (:func:`band_fractions`: the share 0.68 (n + 1)/n, the 16th-84th percentiles
as n grows), so that a new paper falls inside it 68 % of the time even where a range holds few papers.  Widened
(never narrowed) by two rules measured the same way: per temperature range (:data:`TEMPERATURE_RANGES`; a range
with fewer than :data:`MIN_PAPERS` papers takes the widest widening measured in any range, and says so) and where a
descriptor of the query lies outside the range of the rows its base learnt from (``outside``: the widening
measured on held-out rows that were outside their own training range, again at least :data:`MIN_PAPERS` papers,
else the widest measured).

How good it is
--------------
The laboratory that chose this estimate and scores it is not part of the package: ``scripts/calibration/laboratory``
in the source tree cross-validates the whole procedure (base choice, ``k`` and bands refitted inside every fold,
folds that never split a paper), scores the held-out rows by row and by paper with the band's coverage beside the
Debye DMM, the full-dispersion DMM, the empirical estimate and the inter-laboratory floor, and tries every
descriptor group by the honest selection; the calibration page (``scripts/calibration/expected.py``) publishes it,
and the numbers a query quotes ship as ``prediction/data/expected_scores.toml`` (:func:`held_out_scores`).

The package's modules, one concept each: :mod:`~kapitza.prediction.expected.rows` (the measured rows and their
descriptors), :mod:`~kapitza.prediction.expected.procedure` (the procedure and its band),
:mod:`~kapitza.prediction.expected.result` (the answer) and :mod:`~kapitza.prediction.expected.query` (a pair's
estimate).

scikit-learn is optional (``pip install 'kapitza[empirical]'``); a route is fitted once (seconds) and stored in the
user's signed cache without pickle (:mod:`~kapitza.prediction.expected.stored`): later processes read it back,
checked, and never import scikit-learn.
"""

from __future__ import annotations

from typing import Any

from .procedure import (
    BASES,
    INTERVAL,
    K_GRID,
    MIN_PAPERS,
    N_SPLITS,
    SMOOTH_BASES,
    TEMPERATURE_RANGES,
    band_fractions,
    fit,
)
from .query import (
    DEFAULT_METHOD,
    expected_conductance,
    expected_from_features,
    expected_or_reason,
    held_out_scores,
    long_wave_expected,
    long_wave_widening,
    physics_only,
)
from .result import SPLITS, ExpectedConductance, check_band, expected_document, expected_line, mw_text
from .rows import (
    ALL_ROUTES,
    FAMILY_FEATURES,
    FEATURES,
    LONG_WAVES,
    ROUTES,
    STACK,
    STACK_FAMILIES,
    STRUCTURE_FILE,
    ExpectedRows,
    StructureDescriptors,
    database_features,
    database_rows,
    expected_rows,
    interlayer_rows,
    pair_key,
    read_structure_descriptors,
    record_features,
    shipped_structure_descriptors,
    stack_key,
    structure_features,
    structure_rows,
)
from .stored import shipped_fit

__all__ = [
    "ALL_ROUTES",
    "FAMILY_FEATURES",
    "BASES",
    "SMOOTH_BASES",
    "DEFAULT_METHOD",
    "FEATURES",
    "INTERVAL",
    "K_GRID",
    "LONG_WAVES",
    "MIN_PAPERS",
    "N_SPLITS",
    "ROUTES",
    "SPLITS",
    "STACK",
    "STACK_FAMILIES",
    "STRUCTURE_FILE",
    "TEMPERATURE_RANGES",
    "ExpectedConductance",
    "ExpectedRows",
    "StructureDescriptors",
    "band_fractions",
    "check_band",
    "database_features",
    "database_rows",
    "expected_conductance",
    "expected_document",
    "expected_line",
    "expected_from_features",
    "expected_or_reason",
    "expected_rows",
    "fit",
    "held_out_scores",
    "interlayer_rows",
    "long_wave_expected",
    "long_wave_widening",
    "mw_text",
    "pair_key",
    "physics_only",
    "read_structure_descriptors",
    "record_features",
    "shipped_fit",
    "shipped_structure_descriptors",
    "stack_key",
    "structure_features",
    "structure_rows",
]

#: Names that moved out with the laboratory (issue 76): where each lives now, in the source tree (not installed).
MOVED = {
    **dict.fromkeys(("held_out", "HeldOut", "HELD_OUT_BY", "split_scores", "held_score", "whole_score",
                     "temperature_scores"), "scripts/calibration/laboratory/held_out.py"),
    **dict.fromkeys(("interlaboratory_floor", "InterlabFloor", "paper_values", "FLOOR_WINDOW"),
                    "scripts/calibration/laboratory/floor.py"),
    **dict.fromkeys(("expected_validation", "ExpectedValidation", "empirical_held_out"),
                    "scripts/calibration/laboratory/validation.py"),
    **dict.fromkeys(("SELECTED", "PENDING", "TRIED", "TABLE_GROUPS", "EXTRA_FEATURES", "SAMPLE_FEATURES",
                     "FULL_DISPERSION_FEATURES", "with_group", "with_columns", "sample_flags", "known_splits",
                     "KNOWN_SPLITS", "BONDING_SPLITS", "group_known", "full_dispersion_columns", "base_rows"),
                    "scripts/calibration/laboratory/groups.py"),
    "write_structure_descriptors": "scripts/calibration/laboratory/tables.py",
    "score": "kapitza.prediction.scoring",
    "Score": "kapitza.prediction.scoring",
}  # fmt: skip


def __getattr__(name: str) -> Any:
    """A name that moved: the scores to :mod:`kapitza.prediction.scoring` (found there, with a warning); the
    laboratory's (held-out scoring, the floor, the validation, the descriptor groups, the table writers) out of the
    package, to ``scripts/calibration/laboratory`` of the source tree (an AttributeError saying where)."""
    if name in ("score", "Score"):
        from ..._moved import moved_name

        return moved_name(__name__, name, {name: "kapitza.prediction.scoring"})
    if name in MOVED:
        raise AttributeError(
            f"kapitza.prediction.expected.{name} moved with the calibration laboratory out of the installed package "
            f"(0.17, issue 76): {MOVED[name]} in kapitza's source tree (run it with PYTHONPATH=src:scripts)"
        )
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
