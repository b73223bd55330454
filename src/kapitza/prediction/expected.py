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
:func:`expected_validation` cross-validates the whole procedure (base choice, ``k`` and bands refitted inside every
fold) with folds that never split a paper (:func:`~kapitza.prediction.empirical.grouped_folds`), and scores the
held-out rows by row and by paper, with the band's coverage, beside the Debye DMM, the full-dispersion DMM and
today's empirical estimate on the same rows; the calibration page (``scripts/calibration/expected.py``) publishes
it with the floor.

scikit-learn is optional (``pip install 'kapitza[empirical]'``); the fits take seconds and are cached in-process.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .. import _checks
from ..errors import InputError, MissingDependencyError
from ..io.descriptor_table import csv_field, read_descriptor_csv, shipped_text
from ..io.results import result
from ..literature import Measurements, shipped_measurements
from ..literature.sample import DEPOSITIONS, SURFACES, family_option
from .bonding import BONDING_FEATURES, bonding_columns, pair_features
from .dispersion_pairs import log10_g_fd, shipped_dispersion_pairs
from .empirical import METHODS, grouped_folds, log10_positive, normalize_method
from .scoring import Score, check_scored, median_factor, paper_median, paper_percentiles, score, within_2
from .stiffened import STIFFENED_FEATURES, stiffened_columns
from .validation import KINDS

__all__ = [
    "FEATURES",
    "K_GRID",
    "MIN_PAPERS",
    "ROUTES",
    "TEMPERATURE_RANGES",
    "ExpectedConductance",
    "ExpectedRows",
    "ExpectedValidation",
    "InterlabFloor",
    "expected_conductance",
    "expected_rows",
    "expected_validation",
    "held_out",
    "interlaboratory_floor",
]

#: The two routes: the database's physics, or a universal potential's phonons from the crystals' structures.
ROUTES = ("database", "structure")
#: Descriptor columns of each route, in order (log10 of conductances in W m^-2 K^-1, of T in K).
FEATURES: Mapping[str, tuple[str, ...]] = {
    "database": (
        "log10 G_dmm", "log10 G_limit", "log10 G_amm", "log10 G_dmm phonon", "log10 G_limit phonon",
        "log10 G_amm phonon", "log10 T", "log10 Debye ratio", "log10 impedance ratio", "log10 G_ep",
        *(f"kind {k}" for k in KINDS), *(f"method {m}" for m in METHODS),
    ),
    "structure": (
        "log10 G_fd", "log10 G_fd phonon", "log10 T", "log10 G_ep",
        *(f"kind {k}" for k in KINDS), *(f"method {m}" for m in METHODS),
    ),
}  # fmt: skip
#: Shrinkage constants k tried for the pair effect n/(n+k) (0: the other papers' median taken whole; inf: none).
K_GRID = (0.0, 0.125, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0, math.inf)
#: Temperature ranges (K) of the band's widening.
TEMPERATURE_RANGES = ((0.0, 100.0), (100.0, 250.0), (250.0, 400.0), (400.0, math.inf))
#: Fewest papers a subset of held-out residuals needs for its own band (else the widest measured widening).
MIN_PAPERS = 8
#: Central probability of the band.
INTERVAL = 0.68
#: Folds of every grouped cross-validation (outer by paper, inner by pair).
N_SPLITS = 5
#: The method a query is for when the user names none: the compilation's most common (765 of 1,330 rows).
DEFAULT_METHOD = "TDTR"


# -- rows ---------------------------------------------------------------------------------------------------------


@result
class ExpectedRows:
    """The measured rows one route can describe, with their descriptors.

    Attributes
    ----------
    route : str
        One of :data:`ROUTES`.
    features : ndarray, shape (n, len(FEATURES[route]))
        Descriptors (NaN = missing).
    measured : ndarray, shape (n,)
        Measured G, W m^-2 K^-1.
    temperature : ndarray, shape (n,)
        K.
    paper : tuple of str
        The compilation's reference id of each row (the group of every cross-validation).
    pair : tuple of str
        The pair, film and substrate in either order ("A|B", names sorted).
    side1, side2 : tuple of str
        Film and substrate as the route names them (database names, or the compilation's).
    row_id : tuple of str
        The row's place in the compilation (0-based, as text): the compilation's own ids repeat (890-899 name two
        rows each), so rows are told apart by position.
    dmm : ndarray, shape (n,)
        The route's own DMM as ``kapitza predict`` reports it (Debye, or full dispersion), W m^-2 K^-1, for
        comparison; NaN where none.
    source : str
        Where the descriptors come from, in words.
    names : tuple of str
        The descriptors' names, one per column of ``features``: :data:`FEATURES` ``[route]`` (the default), then any
        group added by :func:`with_columns` (the sample's families, ...).
    """

    route: str
    features: NDArray[np.float64]
    measured: NDArray[np.float64]
    temperature: NDArray[np.float64]
    paper: tuple[str, ...]
    pair: tuple[str, ...]
    side1: tuple[str, ...]
    side2: tuple[str, ...]
    row_id: tuple[str, ...]
    dmm: NDArray[np.float64]
    source: str
    names: tuple[str, ...] = ()

    _summary_fields: ClassVar[tuple[str, ...]] = ("route", "measured", "source")

    def __post_init__(self) -> None:
        if self.route not in ROUTES:
            raise InputError(f"route must be one of {', '.join(ROUTES)}, got {self.route!r}")
        names = tuple(self.names) or FEATURES[self.route]
        if names[: len(FEATURES[self.route])] != FEATURES[self.route] or len(set(names)) != len(names):
            raise InputError(f"names must start with the {self.route} route's descriptors and not repeat")
        object.__setattr__(self, "names", names)
        n = np.asarray(self.measured).size
        if np.shape(self.features) != (n, len(names)):
            raise InputError(f"features has shape {np.shape(self.features)}; expected ({n}, {len(names)})")
        _checks.labels(names, "names")
        for name in ("paper", "pair", "row_id"):
            _checks.labels(getattr(self, name), name, n)
        for name in ("side1", "side2"):
            _checks.labels(getattr(self, name), name, n, check=_checks.side_name)
        _checks.text(self.source, "source")
        _checks.positive_array(_checks.sized(self.measured, "measured", (n,)), "measured", "W m^-2 K^-1")
        _checks.positive_array(_checks.sized(self.temperature, "temperature", (n,)), "temperature", "K")
        _none_or_positive(_checks.sized(self.dmm, "dmm", (n,)), "dmm")
        if np.any(np.isinf(np.asarray(self.features, dtype=float))):
            raise InputError("features must be finite (NaN where a descriptor is missing)")

    def __len__(self) -> int:
        return int(np.asarray(self.measured).size)

    def select(self, mask: ArrayLike) -> ExpectedRows:
        """The rows where ``mask`` is True."""
        m = np.asarray(mask, dtype=bool)

        def pick(values: tuple[str, ...]) -> tuple[str, ...]:
            return tuple(v for v, keep in zip(values, m) if keep)

        return ExpectedRows(
            route=self.route, features=self.features[m], measured=self.measured[m], temperature=self.temperature[m],
            paper=pick(self.paper), pair=pick(self.pair), side1=pick(self.side1), side2=pick(self.side2),
            row_id=pick(self.row_id), dmm=self.dmm[m], source=self.source, names=self.names,
        )  # fmt: skip


def _none_or_positive(values: NDArray[np.float64], name: str, zero: bool = False) -> None:
    """Every entry NaN (no value) or a finite conductance > 0 (``zero``: >= 0), W m^-2 K^-1."""
    x = np.asarray(values, dtype=float)
    bad = ~np.isnan(x) & ~(np.isfinite(x) & ((x >= 0) if zero else (x > 0)))
    if np.any(bad):
        raise InputError(
            f"{name} must hold conductances {'>= 0' if zero else '> 0'} W m^-2 K^-1 or NaN, got {x[bad][0]:g}"
        )


def _check_band(value: Any, low: Any, high: Any, n: int) -> None:
    """One estimate and its band per row (shape (n,)): each NaN (none) or a conductance >= 0, W m^-2 K^-1, with
    low <= high where both are given (to round-off).  The value itself may lie outside its band: the band is the
    spread of held-out residuals, and where a fit's residuals are mostly of one sign both its edges lie on that side
    (the made-up compilations of the calibration page give such folds)."""
    v, lo, hi = (_checks.sized(x, name, (n,)) for x, name in ((value, "value"), (low, "low"), (high, "high")))
    for x, name in ((v, "value"), (lo, "low"), (hi, "high")):
        _none_or_positive(x, name, zero=True)
    given = np.isfinite(v) & np.isfinite(lo) & np.isfinite(hi)
    disordered = given & (lo > hi + 1e-9 * np.abs(hi))
    if np.any(disordered):
        i = int(np.flatnonzero(disordered)[0])
        raise InputError(
            f"the band must be ordered (low <= high), got {v[i]:g} in ({lo[i]:g}, {hi[i]:g}) W m^-2 K^-1 at row {i}"
        )


def pair_key(a: str, b: str) -> str:
    """The pair of ``a`` and ``b`` in either order: "A|B" with the names sorted."""
    return "|".join(sorted((str(a).strip(), str(b).strip())))


def _flags(values: Sequence[str], categories: Sequence[str]) -> list[NDArray[np.float64]]:
    return [np.array([v == c for v in values], dtype=float) for c in categories]


def database_features(table: Any) -> NDArray[np.float64]:
    """The database route's descriptors (:data:`FEATURES` ``["database"]``) of a validation table's rows (models
    dmm, limit and amm): the empirical estimate's descriptors (:func:`~kapitza.prediction.empirical.descriptor_matrix`,
    one copy of each rule) less its interlayer and has-G_ep flags (bare rows only; G_ep missing says the same)."""
    from .empirical import DESCRIPTORS, descriptor_matrix

    return descriptor_matrix(table)[:, [DESCRIPTORS.index(n) for n in FEATURES["database"]]]


def structure_features(
    g_fd: ArrayLike,
    g_fd_phonon: ArrayLike,
    temperature: ArrayLike,
    g_ep: ArrayLike,
    kind: Sequence[str],
    method: Sequence[str],
) -> NDArray[np.float64]:
    """The structure route's descriptors (:data:`FEATURES` ``["structure"]``): the full-dispersion DMM as reported
    and alone (W m^-2 K^-1), T (K), the metal's G_ep (W m^-2 K^-1, NaN where none), kind and method."""
    columns = [log10_positive(g_fd), log10_positive(g_fd_phonon), log10_positive(temperature), log10_positive(g_ep)]
    columns += _flags(kind, KINDS)
    columns += _flags([normalize_method(m) for m in method], METHODS)
    return np.column_stack(columns)


def database_rows(measurements: Measurements | None = None) -> ExpectedRows:
    """Every bare row whose two sides are database materials, not above its pair's physical upper bound, with
    the database route's descriptors."""
    from .validation import validation_table

    data = shipped_measurements() if measurements is None else measurements
    table = validation_table(("dmm", "limit", "amm"), measurements=data)
    ids = _row_places(data, table)
    keep = ~np.asarray(table.flagged, dtype=bool) & np.isfinite(table.measured) & (table.measured > 0)
    table = table.select(keep)
    ids = tuple(i for i, k in zip(ids, keep) if k)
    return ExpectedRows(
        route="database",
        features=database_features(table),
        measured=np.asarray(table.measured, dtype=float),
        temperature=np.asarray(table.temperature, dtype=float),
        paper=tuple(table.paper),
        pair=tuple(pair_key(a, b) for a, b in zip(table.side1, table.side2)),
        side1=tuple(table.side1),
        side2=tuple(table.side2),
        row_id=ids,
        dmm=np.asarray(table.predicted[0], dtype=float),
        source="the database's materials: Debye DMM, radiation limit and AMM as kapitza predict reports them",
    )


def _row_places(data: Measurements, table: Any, interlayers: bool = False) -> tuple[str, ...]:
    """The places in the compilation (0-based, as text) of a validation table's rows (its rule: both sides mapped,
    T > 0, no interlayer unless ``interlayers``)."""
    keep = np.array([bool(f) and bool(s) for f, s in zip(data.film_material, data.substrate_material)], dtype=bool)
    keep &= data.temperature > 0
    if not interlayers:
        keep &= ~data.interlayer
    ids = tuple(str(i) for i in np.flatnonzero(keep))
    if len(ids) != len(table):
        raise InputError("the validation table does not follow the compilation's rows (internal)")
    return ids


# -- the stored structure-route descriptors -------------------------------------------------------------------

#: Package data: the structure route's descriptors of the compilation's rows (scripts/expected_descriptors.py).
STRUCTURE_FILE = "structure_descriptors.csv"
_STRUCTURE_COLUMNS = ("row", "film", "substrate", "temperature_k", "g_fd_w_m2k", "g_fd_phonon_w_m2k", "g_ep_w_m2k",
                      "kind")  # fmt: skip


@result
class StructureDescriptors:
    """The stored full-dispersion descriptors of the compilation's rows (one calculator).

    Attributes
    ----------
    calculator : str
    provenance : str
        The command, kapitza version, commit and date that wrote them.
    row_id, film, substrate, kind : tuple of str
    temperature, g_fd, g_fd_phonon, g_ep : ndarray
        K and W m^-2 K^-1 (g_ep NaN where no electron-phonon term applies).
    """

    calculator: str
    provenance: str
    row_id: tuple[str, ...]
    film: tuple[str, ...]
    substrate: tuple[str, ...]
    kind: tuple[str, ...]
    temperature: NDArray[np.float64]
    g_fd: NDArray[np.float64]
    g_fd_phonon: NDArray[np.float64]
    g_ep: NDArray[np.float64]

    _summary_fields: ClassVar[tuple[str, ...]] = ("calculator", "provenance")

    def __post_init__(self) -> None:
        n = np.asarray(self.temperature).size
        _checks.label(self.calculator, "calculator")
        _checks.text(self.provenance, "provenance")
        for name in ("row_id", "film", "substrate", "kind"):
            _checks.labels(getattr(self, name), name, n)
        for name in ("g_fd", "g_fd_phonon", "g_ep"):
            _checks.sized(getattr(self, name), name, (n,))
        _none_or_positive(self.g_ep, "g_ep")
        if any(k not in KINDS for k in self.kind):
            raise InputError(f"kind must be one of {', '.join(KINDS)}")
        if not (np.all(np.isfinite(self.temperature)) and np.all(np.asarray(self.temperature) > 0)):
            raise InputError("temperature must hold finite temperatures > 0 K")
        for name in ("g_fd", "g_fd_phonon"):
            v = np.asarray(getattr(self, name))
            if not (np.all(np.isfinite(v)) and np.all(v > 0)):
                raise InputError(f"{name} must hold finite conductances > 0 W m^-2 K^-1")

    def _check_loaded(self, folder: Any) -> None:
        """Read back from a file: its calculator is a built-in potential's name (a file names data, never code;
        the rule of a prediction's settings, :meth:`kapitza.prediction.settings.Settings._check_loaded`)."""
        from ..atomistic.calculators import calculator_name

        calculator_name(self.calculator, from_file="a saved result's descriptors")


def read_structure_descriptors(text: str, where: str = STRUCTURE_FILE) -> StructureDescriptors:
    """Parse the stored descriptors (CSV with ``# calculator:`` and ``# provenance:`` comment lines)."""
    meta, rows = read_descriptor_csv(text, where, _STRUCTURE_COLUMNS)
    from ..atomistic.calculators import calculator_name

    calculator_name(meta["calculator"], from_file=where)

    def numbers(key: str) -> NDArray[np.float64]:
        try:
            return np.array([float(r[key]) if r[key] else math.nan for r in rows], dtype=float)
        except ValueError as exc:
            raise InputError(f"{where}: column {key}: {exc}") from None

    return StructureDescriptors(
        calculator=meta["calculator"], provenance=meta["provenance"],
        row_id=tuple(r["row"] for r in rows), film=tuple(r["film"] for r in rows),
        substrate=tuple(r["substrate"] for r in rows), kind=tuple(r["kind"] for r in rows),
        temperature=numbers("temperature_k"), g_fd=numbers("g_fd_w_m2k"), g_fd_phonon=numbers("g_fd_phonon_w_m2k"),
        g_ep=numbers("g_ep_w_m2k"),
    )  # fmt: skip


def write_structure_descriptors(found: StructureDescriptors) -> str:
    """The CSV text :func:`read_structure_descriptors` reads."""
    lines = [
        "# The structure route's descriptors of the measured-conductance compilation's bare rows: the",
        "# full-dispersion DMM of the universal potential's phonons as kapitza predict --calculator reports it",
        "# (g_fd, with the electron term where kapitza has it) and alone (g_fd_phonon), the metal's electron-phonon",
        "# conductance g_ep (empty where none applies) and the interface kind. W m^-2 K^-1, K.",
        "# Written by scripts/expected_descriptors.py; do not edit by hand (rerun the script).",
        f"# calculator: {found.calculator}",
        f"# provenance: {found.provenance}",
        ",".join(_STRUCTURE_COLUMNS),
    ]
    for i in range(len(found.row_id)):
        g_ep = "" if not math.isfinite(found.g_ep[i]) else repr(float(found.g_ep[i]))
        lines.append(",".join((found.row_id[i], csv_field(found.film[i]), csv_field(found.substrate[i]),
                               repr(float(found.temperature[i])), repr(float(found.g_fd[i])),
                               repr(float(found.g_fd_phonon[i])), g_ep, found.kind[i])))  # fmt: skip
    return "\n".join(lines) + "\n"


@functools.lru_cache(maxsize=1)
def shipped_structure_descriptors() -> StructureDescriptors | None:
    """The package's stored descriptors, or None where the file is not shipped."""
    text = shipped_text(STRUCTURE_FILE)
    return None if text is None else read_structure_descriptors(text)


def structure_rows(
    measurements: Measurements | None = None, descriptors: StructureDescriptors | None = None
) -> ExpectedRows:
    """Every bare row with stored full-dispersion descriptors (``descriptors``, default the shipped ones), not
    above its pair's physical upper bound."""
    from .bounds import check_bounds

    data = shipped_measurements() if measurements is None else measurements
    found = shipped_structure_descriptors() if descriptors is None else descriptors
    if found is None:
        raise InputError(f"no stored structure-route descriptors ({STRUCTURE_FILE} is not in the package)")
    place = np.array([int(r) for r in found.row_id], dtype=int)
    if place.size and (place.min() < 0 or place.max() >= len(data)):
        raise InputError(
            f"{STRUCTURE_FILE}: a row lies outside the compilation (rerun scripts/expected_descriptors.py)"
        )
    same = [data.film[i] == f and data.substrate[i] == s and math.isclose(float(data.temperature[i]), t, rel_tol=1e-9)
            for i, f, s, t in zip(place, found.film, found.substrate, found.temperature)]  # fmt: skip
    if not all(same):
        raise InputError(
            f"{STRUCTURE_FILE} does not follow the compilation (a row's film, substrate or temperature differs): "
            "rerun scripts/expected_descriptors.py"
        )
    rows = data
    mask = np.zeros(len(data), dtype=bool)
    mask[place] = True
    above = np.asarray(check_bounds(data.select(mask)).above, dtype=bool)  # in the compilation's order
    flagged = above[np.searchsorted(np.flatnonzero(mask), place)]
    keep = np.flatnonzero(~flagged)
    sel = place[keep]
    method = [rows.method[i] for i in sel]
    film = tuple(found.film[i] for i in keep)
    substrate = tuple(found.substrate[i] for i in keep)
    return ExpectedRows(
        route="structure",
        features=structure_features(
            found.g_fd[keep],
            found.g_fd_phonon[keep],
            found.temperature[keep],
            found.g_ep[keep],
            [found.kind[i] for i in keep],
            method,
        ),  # fmt: skip
        measured=np.asarray(rows.conductance[sel], dtype=float),
        temperature=np.asarray(found.temperature[keep], dtype=float),
        paper=tuple(rows.reference_id[i] for i in sel),
        pair=tuple(pair_key(a, b) for a, b in zip(film, substrate)),
        side1=film,
        side2=substrate,
        row_id=tuple(found.row_id[i] for i in keep),
        dmm=np.asarray(found.g_fd[keep], dtype=float),
        source=f"the crystals' structures: full-dispersion DMM with {found.calculator} ({found.provenance})",
    )


# -- descriptors beyond the route's: the sample ----------------------------------------------------------------------

#: The sample's families (:mod:`kapitza.literature.sample`) as descriptors: a 0/1 flag per family but "unknown" (a
#: row whose deposition or surface is not said has no flag of that kind set).
SAMPLE_FEATURES = (
    *(f"deposition {d}" for d in DEPOSITIONS if d != "unknown"),
    *(f"surface {s}" for s in SURFACES if s != "unknown"),
)
#: Descriptor groups a route may take beyond :data:`FEATURES`, by name.
#: The potential's own full-dispersion DMM as a group (log10, as ``kapitza predict`` reports it, from the shipped
#: pairs of :mod:`kapitza.prediction.dispersion_pairs`): the control of the ``stiffened`` group, the same column
#: before the stiffening.
FULL_DISPERSION_FEATURES = ("log10 G_fd potential",)
EXTRA_FEATURES: Mapping[str, tuple[str, ...]] = {
    "sample": SAMPLE_FEATURES, "bonding": BONDING_FEATURES, "stiffened": STIFFENED_FEATURES,
    "full dispersion": FULL_DISPERSION_FEATURES,
}  # fmt: skip
#: The groups each route tries (not the structure route's own descriptor again: its full-dispersion DMM is its first).
TRIED: Mapping[str, tuple[str, ...]] = {
    "database": tuple(EXTRA_FEATURES), "structure": tuple(g for g in EXTRA_FEATURES if g != "full dispersion"),
}  # fmt: skip
#: The groups a query reads from a shipped table of pairs, known for some pairs only (the sample is the query's own).
TABLE_GROUPS = ("bonding", "stiffened", "full dispersion")
#: The groups the estimate takes, per route: only those the honest selection kept (scripts/calibration/expected.py
#: tries each on the rows nobody else measured, held out by paper, against a placebo with its missing pattern; the
#: calibration page lists every try, kept or dropped, with its numbers).
SELECTED: Mapping[str, tuple[str, ...]] = {"database": (), "structure": ()}
#: Groups the honest selection kept that the estimate does not take, per route, each with why (the calibration
#: page says so beside its verdict; a test holds the page's kept groups equal to SELECTED's and these together).
PENDING: Mapping[str, Mapping[str, str]] = {
    "database": {
        "stiffened": "a query has no stiffened DMM (its table holds the structure route's rows only), and on those "
        "rows it did no better than its control, the same DMM unstiffened (x1.459 against x1.463 on 2026-11-28)",
    },
    "structure": {},
}


def sample_flags(deposition: Sequence[str], surface: Sequence[str]) -> NDArray[np.float64]:
    """The :data:`SAMPLE_FEATURES` of rows from their deposition and surface families, shape (n, 11)."""
    if len(deposition) != len(surface):
        raise InputError(f"{len(deposition)} deposition families for {len(surface)} surface families")
    return np.column_stack(
        _flags(deposition, [d for d in DEPOSITIONS if d != "unknown"]) + _flags(surface, [s for s in SURFACES
                                                                                           if s != "unknown"])
    ).reshape(len(deposition), len(SAMPLE_FEATURES))  # fmt: skip


def with_columns(rows: ExpectedRows, names: Sequence[str], columns: ArrayLike) -> ExpectedRows:
    """``rows`` with descriptor columns ``columns`` (shape (n, len(names))) named ``names`` appended."""
    x = np.asarray(columns, dtype=float).reshape(len(rows), len(names))
    return dataclasses.replace(rows, features=np.column_stack([rows.features, x]), names=(*rows.names, *names))


def sample_families_of(rows: ExpectedRows, measurements: Measurements | None = None) -> tuple[tuple[str, ...], ...]:
    """(deposition families, surface families) of ``rows`` from the compilation (their places, ``row_id``)."""
    from ..literature.sample import sample_families

    data = shipped_measurements() if measurements is None else measurements
    place = [int(r) for r in rows.row_id]
    return sample_families([data.film_deposition[i] for i in place], [data.surface_treatment[i] for i in place],
                           [data.notes[i] for i in place])  # fmt: skip


def with_group(rows: ExpectedRows, group: str, measurements: Measurements | None = None) -> ExpectedRows:
    """``rows`` with the descriptor group ``group`` of :data:`EXTRA_FEATURES` appended: the sample's families of
    each row, from the compilation, the interface's bonding of its pair from the shipped bonding table
    (:func:`kapitza.prediction.bonding.bonding_columns`), or the full-dispersion DMM of its crystals stiffened to
    their measured elastic constants (:func:`kapitza.prediction.stiffened.stiffened_columns`) or not
    (:func:`full_dispersion_columns`, any rows of the database's materials); the bonding and the stiffened DMM for
    the shipped compilation only."""
    if group not in EXTRA_FEATURES:
        raise InputError(f"group must be one of {', '.join(EXTRA_FEATURES)}, got {group!r}")
    if group == "sample":
        deposition, surface = sample_families_of(rows, measurements)
        return with_columns(rows, SAMPLE_FEATURES, sample_flags(deposition, surface))
    if group == "full dispersion":
        return with_columns(rows, FULL_DISPERSION_FEATURES, full_dispersion_columns(rows))
    if measurements is not None:
        raise InputError(f"the {group} group is known for the shipped compilation's rows only")
    columns = {
        "bonding": lambda: bonding_columns([int(r) for r in rows.row_id]),
        "stiffened": lambda: stiffened_columns(rows.row_id),
    }[group]()
    return with_columns(rows, EXTRA_FEATURES[group], columns)


def full_dispersion_columns(rows: ExpectedRows) -> NDArray[np.float64]:
    """:data:`FULL_DISPERSION_FEATURES` of ``rows``: the potential's full-dispersion DMM of each row's pair at its
    temperature from the shipped pairs (:func:`kapitza.prediction.dispersion_pairs.log10_g_fd`, a query's rule too),
    shape (n, 1); NaN where they have no value."""
    return log10_g_fd(rows.side1, rows.side2, rows.temperature)[:, None]


def expected_rows(route: str) -> ExpectedRows:
    """The shipped compilation's rows of ``route`` (:data:`ROUTES`) with the groups :data:`SELECTED` keeps, cached
    in-process."""
    if route not in ROUTES:
        raise InputError(f"route must be one of {', '.join(ROUTES)}, got {route!r}")
    return _rows(route)


@functools.lru_cache(maxsize=2)
def _rows(route: str) -> ExpectedRows:
    rows = base_rows(route)
    for group in SELECTED[route]:
        rows = with_group(rows, group)
    return rows


@functools.lru_cache(maxsize=2)
def base_rows(route: str) -> ExpectedRows:
    """The shipped compilation's rows of ``route`` with the route's own descriptors (:data:`FEATURES`) only."""
    return database_rows() if route == "database" else structure_rows()


# -- the procedure --------------------------------------------------------------------------------------------------


def _sklearn() -> Any:
    try:
        import sklearn  # noqa: F401
    except ImportError:
        raise MissingDependencyError("scikit-learn", "empirical", "the expected measurement") from None
    from threadpoolctl import threadpool_limits

    return threadpool_limits


def _new_base(kind: str) -> Any:
    """A fresh base regressor of ``kind`` ("ridge" or "boosting"), settings fixed before any look at the data."""
    if kind == "boosting":
        from sklearn.ensemble import HistGradientBoostingRegressor

        return HistGradientBoostingRegressor(loss="absolute_error", random_state=0)
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import RidgeCV
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(
        SimpleImputer(strategy="median", add_indicator=True, keep_empty_features=True),
        StandardScaler(),
        RidgeCV(alphas=np.logspace(-2, 3, 11)),
    )


#: The base candidates, fixed before looking: each regressor with the measurement method as a descriptor and without
#: it (a method's offset learnt across pairs may hurt more than it helps; the nested choice decides).
BASES = ("ridge", "ridge without method", "boosting", "boosting without method")
#: What the suffix of a base's name leaves out.
_NO_METHOD = " without method"


def _method_columns(names: Sequence[str]) -> frozenset[int]:
    """The columns of the measurement method's flags."""
    return frozenset(j for j, n in enumerate(names) if n.startswith("method "))


def _fit_base(kind: str, x: NDArray[np.float64], y: NDArray[np.float64], names: Sequence[str]) -> Any:
    """A base of ``kind`` (:data:`BASES`) fitted on the descriptors (named ``names``) that hold a value in some row
    (and without the method's flags for a "... without method" base)."""
    regressor = kind.removesuffix(_NO_METHOD)
    method = _method_columns(names) if kind.endswith(_NO_METHOD) else frozenset()
    usable = [j for j in range(x.shape[1]) if np.isfinite(x[:, j]).any() and j not in method]
    model = _new_base(regressor).fit(x[:, usable], y)
    return _Base(model, tuple(usable))


@dataclass(frozen=True)
class _Base:
    model: Any
    columns: tuple[int, ...]

    def predict(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        return np.asarray(self.model.predict(x[:, list(self.columns)]), dtype=float)


@dataclass(frozen=True)
class _PairOut:
    """Bases each fitted without one fold of pairs, the fold of every pair, and each row's prediction by the base
    that never saw its pair: one base serves the residuals of a pair's papers and a query on that pair, so that
    what the other papers found transfers to the query exactly."""

    prediction: NDArray[np.float64]
    fold_of_pair: Mapping[str, int]
    bases: tuple[tuple[_Base, NDArray[np.float64], NDArray[np.float64]], ...]


def _pair_out(
    kind: str, x: NDArray[np.float64], y: NDArray[np.float64], pair: Sequence[str], names: Sequence[str]
) -> _PairOut:
    """Predictions of a base of ``kind`` for every row, each by a base that saw no row of its pair (folds of
    pairs), with those bases and the ranges of the rows each learnt from."""
    pairs = sorted(set(pair))
    out = np.full(y.size, np.nan)
    if len(pairs) < 2:
        return _PairOut(out, {}, ())
    folds = grouped_folds(pair, min(N_SPLITS, len(pairs)))
    bases = []
    for k in range(int(folds.max()) + 1):
        test = folds == k
        low, high = _ranges(x[~test])
        base = _fit_base(kind, x[~test], y[~test], names)
        out[test] = base.predict(x[test])
        bases.append((base, low, high))
    fold_of_pair = {str(a): int(f) for a, f in zip(pair, folds)}
    return _PairOut(out, fold_of_pair, tuple(bases))


#: Half-width (decades of T) of the window in which another paper's residuals describe a query temperature:
#: +-0.1 decade (x/÷ 1.26, 240-380 K around 300 K); where a paper has no row inside it, its nearest row's residual.
T_WINDOW = 0.1

#: Per pair, per paper: (log10 T, residual) of the paper's rows.
PairResiduals = dict[str, dict[str, tuple[NDArray[np.float64], NDArray[np.float64]]]]


def _paper_residuals(residual: NDArray[np.float64], pair: Sequence[str], paper: Sequence[str],
                     log_t: NDArray[np.float64]) -> PairResiduals:  # fmt: skip
    """Per pair, per paper: the log10 temperatures and residuals of the paper's rows."""
    collected: dict[str, dict[str, list[tuple[float, float]]]] = {}
    for r, a, p, lt in zip(residual, pair, paper, log_t):
        if math.isfinite(r):
            collected.setdefault(a, {}).setdefault(p, []).append((float(lt), float(r)))
    return {a: {p: (np.array([v[0] for v in rows]), np.array([v[1] for v in rows])) for p, rows in byp.items()}
            for a, byp in collected.items()}  # fmt: skip


#: Query temperatures taken at once by :func:`_at`: bounds its (temperatures, rows) matrices to a few MB a paper.
_T_BLOCK = 4096


def _middle(ordered: NDArray[np.float64], count: NDArray[np.intp]) -> NDArray[np.float64]:
    """Per row of ``ordered`` (ascending in its first ``count`` entries), the median of those entries, as
    ``np.median`` computes it: the middle one, or the mean (a + b) / 2 of the two middle ones (exactly np.median's
    numbers: (a + a) / 2 == a)."""
    rows = np.arange(ordered.shape[0])
    return (ordered[rows, (count - 1) // 2] + ordered[rows, count // 2]) / 2


def _at(paper_rows: tuple[NDArray[np.float64], NDArray[np.float64]], log_t: NDArray[np.float64]) -> NDArray[np.float64]:
    """A paper's residual at each of ``log_t`` (shape (m,)): the median of its rows within :data:`T_WINDOW`, else
    its nearest row's (the first of equally near rows)."""
    t, r = paper_rows
    out = np.empty(log_t.size)
    for start in range(0, log_t.size, _T_BLOCK):
        block = log_t[start : start + _T_BLOCK]
        distance = np.abs(t[None, :] - block[:, None])
        near = distance <= T_WINDOW
        count = near.sum(axis=1)
        ordered = np.sort(np.where(near, r[None, :], np.inf), axis=1)  # the near residuals first, ascending
        median = _middle(ordered, np.maximum(count, 1))
        out[start : start + block.size] = np.where(count > 0, median, r[np.argmin(distance, axis=1)])
    return out


def _effect(papers: Mapping[str, tuple[NDArray[np.float64], NDArray[np.float64]]], exclude: str | None, k: float,
            log_t: NDArray[np.float64]) -> tuple[NDArray[np.float64], int]:  # fmt: skip
    """The shrunk pair effect at each of ``log_t`` (shape (m,)) from the papers other than ``exclude`` (the median
    of their residuals there, times n / (n + k)), and how many papers there were."""
    others = [_at(rows, log_t) for p, rows in papers.items() if p != exclude]
    n = len(others)
    if n == 0 or math.isinf(k):
        return np.zeros(log_t.size), n
    return n / (n + k) * _median_of_papers(others), n


def _median_of_papers(values: Sequence[NDArray[np.float64]]) -> NDArray[np.float64]:
    """Per query, the median over papers of their residuals ``values`` (one array (m,) a paper)."""
    ordered = np.sort(np.column_stack(values), axis=1)
    return _middle(ordered, np.full(ordered.shape[0], ordered.shape[1]))


def _outside(
    x: NDArray[np.float64], low: NDArray[np.float64], high: NDArray[np.float64], columns: Sequence[int]
) -> NDArray[np.bool_]:
    """Rows of ``x`` with a continuous descriptor outside [low, high] (a NaN descriptor is not outside)."""
    sub = x[:, list(columns)]
    with np.errstate(invalid="ignore"):
        bad = (sub < low[list(columns)]) | (sub > high[list(columns)])
    return np.any(bad & np.isfinite(sub), axis=1)


def _ranges(x: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    with warnings.catch_warnings():  # an all-NaN column (a descriptor no row has) gives NaN: never "outside"
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmin(x, axis=0), np.nanmax(x, axis=0)


@dataclass(frozen=True)
class Bands:
    """The band's rule, measured on held-out residuals (decades): percentiles per group (other papers measured
    the pair or not), widening factors per temperature range and outside the training range."""

    percentiles: Mapping[bool, tuple[float, float]]
    papers: Mapping[bool, int]
    temperature_widening: tuple[float, ...]
    temperature_papers: tuple[int, ...]
    temperature_measured: tuple[bool, ...]
    outside_widening: float
    outside_papers: int
    outside_measured: bool

    def interval(self, measured_by_others: bool, temperature: float, outside: bool) -> tuple[float, float]:
        """(low, high) residual percentiles (decades) for one query row."""
        lo, hi = self.percentiles[measured_by_others]
        scale = self.temperature_widening[_range_index(temperature)]
        if outside:
            scale *= self.outside_widening
        return lo * scale, hi * scale


def _range_index(t: float) -> int:
    for i, (lo, hi) in enumerate(TEMPERATURE_RANGES):
        if lo <= t < hi:
            return i
    return len(TEMPERATURE_RANGES) - 1


def band_fractions(papers: int) -> tuple[float, float]:
    """The central percentiles (fractions) a band reads off the held-out residuals of ``papers`` papers: the share
    :data:`INTERVAL` raised to its finite-sample level, min(1, INTERVAL (n + 1) / n).

    A new paper's residual, exchangeable with the n it is measured from, lies inside the central share q of them
    with probability q n / (n + 1) only, not q (the order statistics of n draws split the line into n + 1 equally
    likely gaps); reading the share q (n + 1) / n instead restores q.  This is the level of split conformal
    prediction (Lei, G'Sell, Rinaldo, Tibshirani & Wasserman, J. Am. Stat. Assoc. 113, 1094 (2018), the
    ceil((n + 1)(1 - alpha))-th residual; Vovk, Gammerman & Shafer, *Algorithmic Learning in a Random World*, 2005),
    applied to the papers, the unit a new user's interface is one more of.  Adopted 2026-11-28: held out by paper the
    band had covered 0.621 of the 12 papers at 100-250 K and 0.567 of the 7 below 100 K, where a range's widening is
    read off its 10-11 training papers (0.68 x 11/12 = 0.62).  On Student-t and log-normal residuals, one row a paper
    (``tests/prediction/test_expected.py``), the level held a new paper in 0.678-0.725 of 4,000 trials for 8-20
    papers (it errs wide on 8 papers of heavy tails), the plain share in 0.618-0.653."""
    n = _checks.count(papers, "papers", 1)
    q = min(1.0, INTERVAL * (n + 1) / n)
    return 0.5 - 0.5 * q, 0.5 + 0.5 * q


def _band_percentiles(residual: NDArray[np.float64], paper: Sequence[str]) -> tuple[float, float]:
    """(low, high) percentiles of ``residual`` (decades) with every paper weighted equally, at the level of
    :func:`band_fractions` for its number of papers."""
    lo, hi = paper_percentiles(residual, paper, band_fractions(len(set(map(str, paper)))))
    return lo, hi


def _half_width(residual: NDArray[np.float64], paper: Sequence[str]) -> float:
    lo, hi = _band_percentiles(residual, paper)
    return 0.5 * (hi - lo)


def _measure_bands(
    residual: NDArray[np.float64],
    paper: Sequence[str],
    other: NDArray[np.bool_],
    temperature: NDArray[np.float64],
    outside: NDArray[np.bool_],
) -> Bands:
    """The band's rule from held-out residuals (see the module text)."""
    papers = np.asarray(paper)
    percentiles: dict[bool, tuple[float, float]] = {}
    counts: dict[bool, int] = {}
    pooled = _band_percentiles(residual, papers)
    for group in (False, True):
        sel = other == group
        counts[group] = len(set(papers[sel]))
        percentiles[group] = _band_percentiles(residual[sel], papers[sel]) if counts[group] >= MIN_PAPERS else pooled
    whole = _half_width(residual, papers)
    ratios, n_papers, measured = [], [], []
    for lo, hi in TEMPERATURE_RANGES:
        sel = (temperature >= lo) & (temperature < hi)
        n = len(set(papers[sel]))
        n_papers.append(n)
        measured.append(n >= MIN_PAPERS)
        ratios.append(max(1.0, _half_width(residual[sel], papers[sel]) / whole) if n >= MIN_PAPERS else math.nan)
    widest = max([r for r in ratios if math.isfinite(r)], default=1.0)
    ratios = [r if math.isfinite(r) else widest for r in ratios]
    n_out = len(set(papers[outside]))
    inside = ~outside
    if n_out >= MIN_PAPERS and len(set(papers[inside])) >= MIN_PAPERS:
        widening = max(
            1.0, _half_width(residual[outside], papers[outside]) / _half_width(residual[inside], papers[inside])
        )
    else:
        widening = widest
    return Bands(
        percentiles=percentiles, papers=counts, temperature_widening=tuple(ratios), temperature_papers=tuple(n_papers),
        temperature_measured=tuple(measured), outside_widening=float(widening), outside_papers=n_out,
        outside_measured=n_out >= MIN_PAPERS,
    )  # fmt: skip


@dataclass
class Fitted:
    """The procedure fitted on some rows (its training papers): base choice, k, the bands, and what a query needs.

    Internal; a query goes through :meth:`predict`.
    """

    route: str
    x: NDArray[np.float64]
    y: NDArray[np.float64]
    pair: tuple[str, ...]
    paper: tuple[str, ...]
    names: tuple[str, ...]
    base_kind: str
    k: float
    medians: PairResiduals
    bands: Bands
    base_errors: dict[str, float]
    pair_out: _PairOut
    _full: list[tuple[_Base, NDArray[np.float64], NDArray[np.float64]]] = field(default_factory=list)

    def _base_without(self, pair: str | None) -> tuple[_Base, NDArray[np.float64], NDArray[np.float64]]:
        """The base that never saw ``pair``, with the ranges of the rows it learnt from: for a pair of the
        training rows the base of its fold of pairs (the one its papers' residuals were taken against), for
        another pair the base fitted on every row (cached)."""
        if pair in self.pair_out.fold_of_pair:
            return self.pair_out.bases[self.pair_out.fold_of_pair[pair]]
        if not self._full:
            low, high = _ranges(self.x)
            self._full.append((_fit_base(self.base_kind, self.x, self.y, self.names), low, high))
        return self._full[0]

    def predict(
        self, x: NDArray[np.float64], pair: str, temperature: NDArray[np.float64], exclude_paper: str | None = None
    ) -> Prediction:
        """log10 G and its band for query rows of one pair (``exclude_paper``: a paper whose own rows may not
        inform the pair effect)."""
        base, low, high = self._base_without(pair)
        value = base.predict(x)
        temps = np.asarray(temperature, dtype=float)
        papers = self.medians.get(pair, {})
        u = _effect(papers, exclude_paper, self.k, np.array([math.log10(t) for t in temps]))[0]
        n = len([p for p in papers if p != exclude_paper])
        outside = _outside(x, low, high, _continuous_columns(self.names))
        lo = np.empty(value.size)
        hi = np.empty(value.size)
        for i, t in enumerate(temps):
            lo[i], hi[i] = self.bands.interval(n > 0, float(t), bool(outside[i]))
        return Prediction(value=value + u, low=value + u + lo, high=value + u + hi, n_other=n, outside=outside)


@dataclass(frozen=True)
class Prediction:
    value: NDArray[np.float64]
    low: NDArray[np.float64]
    high: NDArray[np.float64]
    n_other: int
    outside: NDArray[np.bool_]


def _continuous_columns(names: Sequence[str]) -> tuple[int, ...]:
    """The columns of continuous descriptors (log10 of a quantity; the others are 0/1 flags)."""
    return tuple(j for j, n in enumerate(names) if n.startswith("log10"))


def fit(
    route: str,
    x: ArrayLike,
    y: ArrayLike,
    pair: Sequence[str],
    paper: Sequence[str],
    temperature: ArrayLike,
    bases: Sequence[str] = BASES,
    names: Sequence[str] | None = None,
) -> Fitted:
    """Fit the procedure (module text) on rows: descriptors ``x`` (n, d) of ``route`` named ``names`` (default
    :data:`FEATURES` ``[route]``), ``y`` = log10 measured G, their pairs, papers and temperatures (K); ``bases``: the
    candidates (a subset of :data:`BASES`)."""
    limits = _sklearn()
    if isinstance(bases, str) or not bases or any(b not in BASES for b in bases):
        raise InputError(f"bases must be a non-empty list of {', '.join(BASES)}; got {bases!r}")
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    t = np.asarray(temperature, dtype=float)
    pair = tuple(str(p) for p in pair)
    paper = tuple(str(p) for p in paper)
    names = tuple(names) if names is not None else FEATURES[route]
    if len(names) != x.shape[1]:
        raise InputError(f"{len(names)} descriptor names for {x.shape[1]} columns")
    candidates = {}
    with limits(1):
        for kind in bases:
            out = _pair_out(kind, x, y, pair, names)
            candidates[kind] = (out, *_procedure(out.prediction, y, pair, paper, np.log10(t)))
    errors = {kind: c[4] for kind, c in candidates.items()}
    kind = min(errors, key=lambda b: (errors[b] if math.isfinite(errors[b]) else math.inf, BASES.index(b)))
    out, medians, k, held, _ = candidates[kind]
    other = np.array([len(medians.get(pair[i], {})) - (paper[i] in medians.get(pair[i], {})) > 0
                      for i in range(y.size)], dtype=bool)  # fmt: skip
    outside = _training_outside(names, x, pair, out)
    good = np.isfinite(held)
    bands = _measure_bands(held[good], np.asarray(paper)[good], other[good], t[good], outside[good])
    return Fitted(route=route, x=x, y=y, pair=pair, paper=paper, names=names, base_kind=kind, k=k, medians=medians,
                  bands=bands, base_errors=errors, pair_out=out)  # fmt: skip


def _procedure(
    base: NDArray[np.float64],
    y: NDArray[np.float64],
    pair: tuple[str, ...],
    paper: tuple[str, ...],
    log_t: NDArray[np.float64],
) -> tuple[PairResiduals, float, NDArray[np.float64], float]:
    """With pair-held-out base predictions ``base``: the papers' residuals per pair, the chosen k, each row's
    held-out residual (base + the effect of the other papers of its pair at its temperature) and their
    paper-weighted median |error| (the score that chooses the base)."""
    residual = y - base
    medians = _paper_residuals(residual, pair, paper, log_t)
    k = _choose_k(residual, pair, paper, medians, log_t)
    held = np.empty(y.size)
    for (a, p), rows in _rows_by_paper(pair, paper).items():
        held[rows] = residual[rows] - _effect(medians.get(a, {}), p, k, log_t[rows])[0]
    good = np.isfinite(held)
    return medians, k, held, paper_median(np.abs(held[good]), np.asarray(paper)[good])


def _rows_by_paper(pair: Sequence[str], paper: Sequence[str]) -> dict[tuple[str, str], NDArray[np.intp]]:
    """The rows (indices) of each (pair, paper), in order."""
    groups: dict[tuple[str, str], list[int]] = {}
    for i, key in enumerate(zip(pair, paper)):
        groups.setdefault(key, []).append(i)
    return {key: np.array(rows) for key, rows in groups.items()}


def _training_outside(
    names: Sequence[str], x: NDArray[np.float64], pair: Sequence[str], out: _PairOut
) -> NDArray[np.bool_]:
    """Each row outside the descriptor ranges of the rows its pair-held-out base learnt from."""
    result_ = np.zeros(x.shape[0], dtype=bool)
    if not out.bases:
        return result_
    columns = _continuous_columns(names)
    folds = np.array([out.fold_of_pair[str(a)] for a in pair])
    for k, (_, low, high) in enumerate(out.bases):
        sel = folds == k
        result_[sel] = _outside(x[sel], low, high, columns)
    return result_


def _choose_k(residual: NDArray[np.float64], pair: Sequence[str], paper: Sequence[str], medians: PairResiduals,
              log_t: NDArray[np.float64]) -> float:  # fmt: skip
    """The k of :data:`K_GRID` that best predicts each paper of a multi-paper pair from the other papers (the
    paper-weighted median error of its rows); inf where no pair has two papers."""
    rows = [i for i in range(len(pair)) if len(medians.get(pair[i], {})) >= 2 and math.isfinite(residual[i])]
    if not rows:
        return math.inf
    groups = [paper[i] for i in rows]
    n_others, median = np.empty(len(rows)), np.empty(len(rows))  # per row: its pair's other papers, their median
    for (a, p), at in _rows_by_paper([pair[i] for i in rows], groups).items():
        others = [_at(r, log_t[np.asarray(rows)[at]]) for q, r in medians[a].items() if q != p]
        n_others[at], median[at] = len(others), _median_of_papers(others)
    best, best_error = math.inf, math.inf
    for k in K_GRID:
        shift = np.zeros(len(rows)) if math.isinf(k) else n_others / (n_others + k) * median
        error = np.abs(residual[rows] - shift)
        e = paper_median(error, groups)
        if e < best_error - 1e-12:
            best, best_error = k, e
    return best


# -- held-out evaluation --------------------------------------------------------------------------------------------


@result
class HeldOut:
    """Every row predicted by the procedure fitted on the other folds' papers (folds never split a paper).

    Attributes
    ----------
    route : str
    value, low, high : ndarray, shape (n,)
        The held-out estimate and its 68 % band, W m^-2 K^-1.
    measured, temperature : ndarray, shape (n,)
        W m^-2 K^-1, K.
    paper, pair : tuple of str
    n_other : ndarray of int, shape (n,)
        Papers of the same pair the estimate drew on (never the row's own).
    outside : ndarray of bool, shape (n,)
        A descriptor outside the range its base learnt from.
    fold : ndarray of int, shape (n,)
    base_kind : tuple of str
        The base each fold chose.
    k : ndarray, shape (n_folds,)
        Each fold's shrinkage constant.
    """

    route: str
    value: NDArray[np.float64]
    low: NDArray[np.float64]
    high: NDArray[np.float64]
    measured: NDArray[np.float64]
    temperature: NDArray[np.float64]
    paper: tuple[str, ...]
    pair: tuple[str, ...]
    n_other: NDArray[np.int64]
    outside: NDArray[np.bool_]
    fold: NDArray[np.int64]
    base_kind: tuple[str, ...]
    k: NDArray[np.float64]

    _summary_fields: ClassVar[tuple[str, ...]] = ("route", "measured", "base_kind")

    def __post_init__(self) -> None:
        if self.route not in ROUTES:
            raise InputError(f"route must be one of {', '.join(ROUTES)}, got {_checks.quoted(str(self.route))}")
        n = np.asarray(self.measured).size
        _checks.positive_array(_checks.sized(self.measured, "measured", (n,)), "measured", "W m^-2 K^-1")
        _checks.positive_array(_checks.sized(self.temperature, "temperature", (n,)), "temperature", "K")
        _check_band(self.value, self.low, self.high, n)
        _checks.labels(self.paper, "paper", n)
        _checks.labels(self.pair, "pair", n)
        if np.any(_checks.sized(self.n_other, "n_other", (n,), kind="i") < 0):
            raise InputError("n_other must hold counts of papers >= 0")
        _checks.sized(self.outside, "outside", (n,), kind="b")
        if np.any(_checks.sized(self.fold, "fold", (n,), kind="i") < -1):
            raise InputError("fold must hold fold numbers >= 0 (-1: rows of several cross-validations merged)")
        _checks.labels(self.base_kind, "base_kind")
        k = _checks.sized(self.k, "k", (len(self.base_kind),))
        _checks.positive_array(k, "k", "", zero=True, inf=True)

    def __len__(self) -> int:
        return int(self.measured.size)

    def error(self) -> NDArray[np.float64]:
        """|log10(estimate / measured)| of each row, decades."""
        return np.abs(np.log10(self.value / self.measured))

    def covered(self) -> NDArray[np.bool_]:
        """Whether each row's measurement lies inside its band."""
        return (self.measured >= self.low) & (self.measured <= self.high)


#: What a fold of :func:`held_out` leaves out whole: a paper (a new user's paper on a pair others may have measured),
#: or a pair (every paper of it: a pair nobody measured).
HELD_OUT_BY = ("paper", "pair")


def held_out(
    rows: ExpectedRows, n_splits: int | None = None, bases: Sequence[str] = BASES, group: str = "paper"
) -> HeldOut:
    """Cross-validate the procedure on ``rows`` by paper (or by pair): each fold's rows predicted by the procedure
    fitted on the other folds' rows alone (base choice, k and bands included); the pair effect of a held-out row
    draws on the training papers of its pair only.

    ``n_splits`` None (default): one fold per paper (each paper predicted from all the others, as a new user's
    paper is from the shipped ones, and as :func:`interlaboratory_floor` predicts it); an integer: that many
    folds of whole papers (:func:`~kapitza.prediction.empirical.grouped_folds`).  ``bases``: the candidates of
    every fold's fit (a subset of :data:`BASES`).  ``group`` "pair" leaves every paper of a pair out together (one
    fold per pair, or ``n_splits`` folds of whole pairs): each row is then predicted as a pair nobody measured.
    """
    if not isinstance(rows, ExpectedRows):
        raise InputError(f"rows must be ExpectedRows, got {type(rows).__name__}")
    if group not in HELD_OUT_BY:
        raise InputError(f"group must be one of {', '.join(HELD_OUT_BY)}, got {group!r}")
    groups = rows.paper if group == "paper" else rows.pair
    names = sorted(set(groups))
    if n_splits is not None and (isinstance(n_splits, bool) or not isinstance(n_splits, int) or n_splits < 2):
        raise InputError(f"n_splits must be None (one fold per {group}) or an integer >= 2, got {n_splits!r}")
    if len(names) < (n_splits or 2):
        raise InputError(f"{n_splits or 2} folds need at least {n_splits or 2} {group}s; the rows hold {len(names)}")
    y = np.log10(rows.measured)
    if n_splits is None:
        number = {p: i for i, p in enumerate(names)}
        fold = np.array([number[p] for p in groups], dtype=np.int64)
        n_splits = len(names)
    else:
        fold = grouped_folds(groups, n_splits)
    value, low, high = (np.full(len(rows), np.nan) for _ in range(3))
    n_other = np.zeros(len(rows), dtype=np.int64)
    outside = np.zeros(len(rows), dtype=bool)
    kinds: list[str] = []
    ks: list[float] = []
    pairs = np.asarray(rows.pair)
    for f in range(n_splits):
        train = fold != f
        fitted = fit(rows.route, rows.features[train], y[train], [rows.pair[i] for i in np.flatnonzero(train)],
                     [rows.paper[i] for i in np.flatnonzero(train)], rows.temperature[train], bases,
                     rows.names)  # fmt: skip
        kinds.append(fitted.base_kind)
        ks.append(fitted.k)
        test = np.flatnonzero(~train)
        for a in dict.fromkeys(pairs[test]):
            idx = test[pairs[test] == a]
            found = fitted.predict(rows.features[idx], str(a), rows.temperature[idx])
            value[idx], low[idx], high[idx] = found.value, found.low, found.high
            n_other[idx], outside[idx] = found.n_other, found.outside
    return HeldOut(
        route=rows.route, value=10**value, low=10**low, high=10**high, measured=rows.measured,
        temperature=rows.temperature, paper=rows.paper, pair=rows.pair, n_other=n_other, outside=outside,
        fold=fold, base_kind=tuple(kinds), k=np.array(ks),
    )  # fmt: skip


# -- scores ----------------------------------------------------------------------------------------------------------


#: The two kinds of held-out row: its pair measured by other papers (the estimate leans on them), or by nobody else
#: (the case of a user's new pair, and the reason to use a model at all).
SPLITS = ("measured by others", "nobody else measured")


def known_splits(group: str) -> tuple[str, str]:
    """The rows nobody else measured, split by whether their pair has the table group ``group`` (of
    :data:`TABLE_GROUPS`; a route whose estimate takes it): known, missing.  A user's pair outside the group's
    table is of the second kind."""
    if group not in TABLE_GROUPS:
        raise InputError(f"group must be one of {', '.join(TABLE_GROUPS)}, got {group!r}")
    return (f"{SPLITS[1]}, {group} known", f"{SPLITS[1]}, {group} missing")


#: Every split :func:`known_splits` names.
KNOWN_SPLITS = tuple(name for group in TABLE_GROUPS for name in known_splits(group))
#: The bonding's (:func:`known_splits`).
BONDING_SPLITS = known_splits("bonding")


def group_known(features: NDArray[np.float64], names: Sequence[str], group: str) -> NDArray[np.bool_] | None:
    """Which rows of ``features`` (shape (n, len(names))) hold the table group ``group`` (its columns of
    :data:`EXTRA_FEATURES` all finite); None where the columns are not among ``names``."""
    wanted = EXTRA_FEATURES[group]
    if not all(n in names for n in wanted):
        return None
    at = [list(names).index(n) for n in wanted]
    return np.isfinite(np.asarray(features, dtype=float)[:, at]).all(axis=1)


def split_scores(held: HeldOut, rows: ExpectedRows | None = None) -> dict[str, Score]:
    """The held-out estimate scored on each of :data:`SPLITS`: rows whose pair other (training) papers measured, and
    rows whose pair nobody else did; with ``rows`` (the held-out rows' own, in their order) holding a table group,
    also on each of its :func:`known_splits`."""
    other = np.asarray(held.n_other) > 0
    cases = [(SPLITS[0], other), (SPLITS[1], ~other)]
    for group in TABLE_GROUPS:
        known = None if rows is None else group_known(rows.features, rows.names, group)
        if known is not None:
            split = known_splits(group)
            cases += [(split[0], ~other & known), (split[1], ~other & ~known)]
    return {name: held_score(held, sel) for name, sel in cases}


def held_score(held: HeldOut, sel: NDArray[np.bool_]) -> Score:
    """The held-out estimate scored on the rows ``sel`` selects (a mask in the rows' order), with its band."""
    paper = [held.paper[i] for i in np.flatnonzero(sel)]
    return score(held.value[sel], held.measured[sel], paper, held.low[sel], held.high[sel])


def whole_score(held: HeldOut) -> Score:
    """The held-out estimate scored on every row, with its band."""
    return held_score(held, np.ones(len(held), dtype=bool))


def temperature_scores(held: HeldOut) -> tuple[Score, ...]:
    """The held-out estimate scored in each of :data:`TEMPERATURE_RANGES` (the rows measured in it), with its
    band."""
    return tuple(held_score(held, (held.temperature >= lo) & (held.temperature < hi)) for lo, hi in TEMPERATURE_RANGES)


# -- the inter-laboratory floor --------------------------------------------------------------------------------------

#: The temperature window of the floor (K): room temperature, where most pairs were measured by several papers.
FLOOR_WINDOW = (250.0, 350.0)


@result
class InterlabFloor:
    """One paper's value predicted by the median of the other papers that measured the same pair.

    Attributes
    ----------
    values, pairs : int
        Paper values scored (a paper's median over its rows in the window) and the pairs they belong to.
    median_factor : float
        10 ** (median |log10(paper / median of the other papers)|).
    within_2 : float
        Share within a factor 2.
    paper, pair : tuple of str
        The scored papers and their pairs.
    error : ndarray
        log10(paper / others' median) of each, decades.
    window : tuple of float
        K.
    """

    values: int
    pairs: int
    median_factor: float
    within_2: float
    paper: tuple[str, ...]
    pair: tuple[str, ...]
    error: NDArray[np.float64]
    window: tuple[float, float]

    _summary_fields: ClassVar[tuple[str, ...]] = ("values", "pairs", "median_factor", "within_2")

    def __post_init__(self) -> None:
        values = _checks.count(self.values, "values", 0)
        _checks.labels(self.paper, "paper", values)
        _checks.labels(self.pair, "pair", values)
        pairs = _checks.count(self.pairs, "pairs", 0)
        if pairs != len(set(self.pair)) or 2 * pairs > values:
            raise InputError(
                f"pairs ({pairs}) must be the distinct pairs of the values ({len(set(self.pair))}), each measured by "
                "two papers or more"
            )
        check_scored(_checks.factor(self.median_factor, "median_factor", nan=True), "median_factor", values)
        check_scored(_checks.fraction(self.within_2, "within_2", nan=True), "within_2", values)
        _checks.number_array(_checks.sized(self.error, "error", (values,)), "error", "decades")
        if np.shape(self.window) != (2,):
            raise InputError(f"window must be two temperatures (K), got {self.window!r}")
        low, high = (_checks.non_negative(t, "window", "K") for t in self.window)
        if low > high:
            raise InputError(f"window must run from low to high, got {low:g}-{high:g} K")


def paper_values(
    measured: ArrayLike,
    temperature: ArrayLike,
    pair: Sequence[str],
    paper: Sequence[str],
    window: tuple[float, float] = FLOOR_WINDOW,
) -> dict[str, dict[str, float]]:
    """Per pair, per paper: the median of the paper's measurements inside ``window`` (K), W m^-2 K^-1."""
    g = np.asarray(measured, dtype=float)
    t = np.asarray(temperature, dtype=float)
    collected: dict[str, dict[str, list[float]]] = {}
    for i in np.flatnonzero((t >= window[0]) & (t <= window[1]) & np.isfinite(g) & (g > 0)):
        collected.setdefault(str(pair[i]), {}).setdefault(str(paper[i]), []).append(float(g[i]))
    return {a: {p: float(np.median(v)) for p, v in byp.items()} for a, byp in collected.items()}


def interlaboratory_floor(
    measured: ArrayLike,
    temperature: ArrayLike,
    pair: Sequence[str],
    paper: Sequence[str],
    window: tuple[float, float] = FLOOR_WINDOW,
) -> InterlabFloor:
    """The floor of any estimate that knows nothing of the sample: each paper's median in ``window`` predicted by
    the median of the other papers' medians for the same pair (pairs measured by two papers or more)."""
    values = paper_values(measured, temperature, pair, paper, window)
    papers, pairs, errors = [], [], []
    for a, byp in values.items():
        if len(byp) < 2:
            continue
        for p, v in byp.items():
            others = [w for q, w in byp.items() if q != p]
            papers.append(p)
            pairs.append(a)
            errors.append(math.log10(v / float(np.median(others))))
    e = np.array(errors, dtype=float)
    return InterlabFloor(
        values=len(errors), pairs=len(set(pairs)), median_factor=median_factor(e), within_2=within_2(e),
        paper=tuple(papers), pair=tuple(pairs), error=np.array(errors, dtype=float), window=window,
    )  # fmt: skip


# -- the fitted model of the shipped data and the query ---------------------------------------------------------


@functools.lru_cache(maxsize=2)
def shipped_fit(route: str) -> Fitted:
    """The procedure fitted on every shipped row of ``route`` (seconds; cached in-process)."""
    rows = expected_rows(route)
    return fit(route, rows.features, np.log10(rows.measured), rows.pair, rows.paper, rows.temperature,
               names=rows.names)  # fmt: skip


@result
class ExpectedConductance:
    """The conductance a measurement of the pair is expected to give, per temperature, with its 68 % band.

    Attributes
    ----------
    side1, side2 : str
        The two sides as the estimate named them (database names, or the compilation's names of the crystals).
    temperature : ndarray, shape (n_T,)
        K.
    value, low, high : ndarray, shape (n_T,)
        The expected measured G and its 68 % band, W m^-2 K^-1.
    route : str
        "database" (the database's physics), "structure" (a universal potential's phonons) or "physics only" (the
        route's DMM with its own measured band, where the estimate cannot be used).
    method : str
        The measurement method the estimate is for (:data:`~kapitza.prediction.empirical.METHODS`).
    other_papers : tuple of str
        The papers that measured this pair and informed the estimate.
    outside : ndarray of bool, shape (n_T,)
        A descriptor outside the range of the rows the estimate learnt from (the band is widened by the measured
        rule); true at 0 K.
    inputs : tuple of str
        What the estimate used, in words.
    notes : tuple of str
        What it could not use and what it did instead; where its band rests on few papers.
    held_out_factor, held_out_coverage : float
        The route's held-out median factor and band coverage, every paper weighted equally, on the rows of the
        query's kind (:attr:`held_out_split`; the calibration page's; NaN where not measured).
    held_out_rows, held_out_papers : int
    held_out_split : str
        Which held-out rows those numbers are of: "measured by others" where other papers measured the pair,
        "nobody else measured" where none did (:data:`SPLITS`), and of those, where the estimate takes the
        descriptors of a shipped table of pairs (none does today: :data:`SELECTED`), the rows with them known or
        missing as for the query (:func:`known_splits`); "" for the route's rows as a whole.
    """

    side1: str
    side2: str
    temperature: NDArray[np.float64]
    value: NDArray[np.float64]
    low: NDArray[np.float64]
    high: NDArray[np.float64]
    route: str
    method: str
    other_papers: tuple[str, ...]
    outside: NDArray[np.bool_]
    inputs: tuple[str, ...]
    notes: tuple[str, ...]
    held_out_factor: float
    held_out_coverage: float
    held_out_rows: int
    held_out_papers: int
    held_out_split: str = ""

    _summary_fields: ClassVar[tuple[str, ...]] = ("side1", "side2", "temperature", "value", "route")

    def __post_init__(self) -> None:
        _checks.side_name(self.side1, "side1")
        _checks.side_name(self.side2, "side2")
        t = _checks.positive_array(self.temperature, "temperature", "K", zero=True, ndim=1)
        _checks.check_temperature_bound(t)
        n = t.size
        _check_band(self.value, self.low, self.high, n)
        if self.route not in (*ROUTES, "physics only"):
            raise InputError(
                f"route must be one of {', '.join(ROUTES)}, physics only; got {_checks.quoted(str(self.route))}"
            )
        if self.method not in METHODS:
            raise InputError(f"method must be one of {', '.join(METHODS)}, got {_checks.quoted(str(self.method))}")
        _checks.labels(self.other_papers, "other_papers")
        outside = _checks.sized(self.outside, "outside", (n,), kind="b")
        if np.any((t == 0) & ~outside):
            raise InputError("0 K lies outside every measurement the estimate learnt from: outside must be true there")
        _checks.labels(self.inputs, "inputs", check=_checks.text)
        _checks.labels(self.notes, "notes", check=_checks.text)
        _checks.factor(self.held_out_factor, "held_out_factor", nan=True)
        _checks.fraction(self.held_out_coverage, "held_out_coverage", nan=True)
        rows = _checks.count(self.held_out_rows, "held_out_rows", 0)
        if _checks.count(self.held_out_papers, "held_out_papers", 0) > rows:
            raise InputError(f"held_out_papers ({self.held_out_papers}) must be at most held_out_rows ({rows})")
        if self.held_out_split not in ("", *SPLITS, *KNOWN_SPLITS):
            raise InputError(f"held_out_split must be one of {', '.join((*SPLITS, *KNOWN_SPLITS))} or empty, got "
                             f"{_checks.quoted(str(self.held_out_split))}")  # fmt: skip

    def line(self, i: int) -> str:
        """The answer at the i-th temperature, in one line (MW m^-2 K^-1); "none" where the physics gives no value
        there (a temperature above a melting point, two metals without electron data)."""
        if self.temperature[i] == 0:
            return "expected measurement at 0 K: 0 (no phonon is populated: G = 0)"
        if not (math.isfinite(self.value[i]) and self.value[i] > 0):
            t = self.temperature[i]
            return f"expected measurement at {t:g} K: none (the physics of the pair gives no value there)"
        rests = "the physics of the pair"
        n = len(self.other_papers)
        if self.route == "physics only":
            rests = "the physics of the pair alone (its DMM with the DMM's own measured band)"
        elif n:
            rests += f" and {n} paper{'s' if n > 1 else ''} that measured it"
        else:
            rests += " (no paper measured it)"
        return (
            f"expected measurement at {self.temperature[i]:g} K: {mw_text(self.value[i])} MW m^-2 K^-1 "
            f"({mw_text(self.low[i])}-{mw_text(self.high[i])}, 68 % of held-out papers); from {rests}"
        )


def mw_text(value: float) -> str:
    """An expected conductance (W m^-2 K^-1) as its line writes it in MW m^-2 K^-1: three significant digits below
    1000, whole numbers above."""
    v = value / 1e6
    return f"{v:.3g}" if v < 1000 else f"{v:.0f}"


@functools.lru_cache(maxsize=1)
def held_out_scores() -> dict[str, dict[str, Any]]:
    """The calibration page's held-out scores of each route (package data, ``expected_scores.toml``)."""
    import tomllib

    text = shipped_text("expected_scores.toml")
    if text is None:
        return {}
    data = tomllib.loads(text)
    return {route: dict(values) for route, values in data.get("routes", {}).items()}


def _method(method: str | None) -> tuple[str, str | None]:
    """The method category and a note where the user's method is not one of the compilation's."""
    if method is None:
        return DEFAULT_METHOD, None
    if not isinstance(method, str):
        raise InputError(f"method must be a string, one of {', '.join(METHODS)}; got {type(method).__name__}")
    category = normalize_method(method)
    if category == "other" and " ".join(method.split()).casefold() != "other":
        shown = repr(method) if len(method) <= 40 else f"{method[:30]!r}... ({len(method):,} characters)"
        return DEFAULT_METHOD, (
            f"method {shown} is none of the compilation's ({', '.join(METHODS)}): the estimate is for "
            f"{DEFAULT_METHOD}, its most common"
        )
    return category, None


def _temperatures(temperature: ArrayLike, allow_zero: bool = False) -> NDArray[np.float64]:
    try:
        t = np.atleast_1d(np.asarray(temperature, dtype=float))
    except (TypeError, ValueError):
        raise InputError(f"temperature must be a number or a 1-D list of numbers, in K; got {temperature!r}") from None
    low = np.any(t < 0) if allow_zero else np.any(t <= 0)
    if t.ndim != 1 or t.size == 0 or not np.all(np.isfinite(t)) or low:
        raise InputError(f"temperature must be one or more finite temperatures {'>=' if allow_zero else '>'} 0 K")
    return t


def expected_from_features(
    route: str,
    side1: str,
    side2: str,
    features: ArrayLike,
    temperature: ArrayLike,
    dmm: ArrayLike,
    method: str,
    inputs: Sequence[str],
    notes: Sequence[str] = (),
    sample: tuple[str, str] = ("unknown", "unknown"),
) -> ExpectedConductance:
    """The estimate for query rows whose descriptors (``features``, shape (n_T, len(FEATURES[route]))) are known;
    ``dmm`` is the route's DMM (W m^-2 K^-1) for the physics-only fallback at temperatures outside every training
    row; ``sample`` the (deposition, surface) families of the sample (taken where the route's estimate learnt them,
    :data:`SELECTED`; said and ignored where it did not)."""
    fitted = shipped_fit(route)
    rows = expected_rows(route)
    t = _temperatures(temperature)
    x, inputs, notes = _with_selected(route, side1, side2, np.asarray(features, dtype=float), inputs, notes, sample,
                                      temperature=t)  # fmt: skip
    pair = pair_key(side1, side2)
    found = fitted.predict(x, pair, t)
    value, low, high = 10**found.value, 10**found.low, 10**found.high
    t_min, t_max = float(rows.temperature.min()), float(rows.temperature.max())
    beyond = (t < t_min) | (t > t_max)
    fallback = _physics_only(route)
    if beyond.any():
        g = np.asarray(dmm, dtype=float)
        lo, mid, hi = fallback
        value[beyond], low[beyond], high[beyond] = g[beyond] * 10**mid, g[beyond] * 10**lo, g[beyond] * 10**hi
        notes.append(
            f"{_temperature_words(t[beyond], t_min)} outside every measurement the estimate learnt from "
            f"({t_min:g}-{t_max:g} K): there it is the physics alone, the DMM times its median measured/predicted "
            f"with the DMM's own held-out band, not an extrapolation"
        )
    few = sorted(
        {_range_index(float(v)) for v in t[~beyond]}
        & {i for i, ok in enumerate(fitted.bands.temperature_measured) if not ok}
    )
    for i in few:
        lo, hi = TEMPERATURE_RANGES[i]
        span = f"{lo:g}-{hi:g} K" if math.isfinite(hi) else f"above {lo:g} K"
        notes.append(
            f"few papers measured {span} ({fitted.bands.temperature_papers[i]}): the band there is widened "
            "by the widest widening measured in any temperature range"
        )
    if np.any(found.outside & ~beyond):
        notes.append(
            "a descriptor of this pair lies outside the range of the measured rows: the band is widened by the rule "
            "measured on held-out papers that were outside theirs"
            + ("" if fitted.bands.outside_measured else " (too few of them: the widest measured widening)")
        )
    papers = tuple(p for p in fitted.medians.get(pair, {}))
    split = SPLITS[0] if papers else SPLITS[1]
    route_scores = held_out_scores().get(route, {})
    for group in TABLE_GROUPS if split == SPLITS[1] else ():  # the held-out rows of the query's kind
        known = group_known(x[:1], rows.names, group)
        if known is not None:
            name = known_splits(group)[0 if known[0] else 1]
            split = name if isinstance(route_scores.get(name), dict) else SPLITS[1]
            break
    scores = route_scores.get(split) if isinstance(route_scores.get(split), dict) else None
    scores, split = (scores, split) if scores is not None else (route_scores, "")
    method_words = (
        "the method left out (the held-out papers were predicted better without it)"
        if fitted.base_kind.endswith(_NO_METHOD)
        else f"the method ({method})"
    )
    inputs = (*inputs, f"base: {fitted.base_kind.removesuffix(_NO_METHOD)} regression across pairs, {method_words}; "
              f"the other papers' residuals shrunk by n/(n + {fitted.k:g})")  # fmt: skip
    return ExpectedConductance(
        side1=str(side1), side2=str(side2), temperature=t, value=value, low=low, high=high,
        route="physics only" if beyond.all() else route, method=method, other_papers=papers,
        outside=np.asarray(found.outside, dtype=bool), inputs=tuple(inputs), notes=tuple(notes),
        held_out_factor=float(scores.get("median_factor_paper", math.nan)),
        held_out_coverage=float(scores.get("coverage_paper", math.nan)),
        held_out_rows=int(scores.get("rows", 0)), held_out_papers=int(scores.get("papers", 0)), held_out_split=split,
    )  # fmt: skip


def _with_selected(
    route: str,
    side1: str,
    side2: str,
    x: NDArray[np.float64],
    inputs: Sequence[str],
    notes: Sequence[str],
    sample: tuple[str, str],
    *,
    temperature: ArrayLike | None = None,
) -> tuple[NDArray[np.float64], tuple[str, ...], list[str]]:
    """The query's descriptors (one row per temperature, ``temperature``, K) with the groups :data:`SELECTED` keeps
    for ``route`` appended in their order (the training rows' order, :func:`expected_rows`), each said in ``inputs``
    (a table group also where it is missing, :func:`_query_group`); a group the route did not keep but the caller
    gave (the sample) is said in ``notes`` and ignored."""
    inputs, notes = tuple(inputs), list(notes)
    for group in SELECTED[route]:
        if group == "sample":
            extra = np.repeat(sample_flags([sample[0]], [sample[1]]), x.shape[0], axis=0)
            said = f"the sample: deposition {sample[0]}, surface {sample[1]}"
        else:
            extra, said = _query_group(group, side1, side2, x.shape[0], temperature)
        inputs = (*inputs, said)
        x = np.column_stack([x, extra])
    if "sample" not in SELECTED[route] and sample != ("unknown", "unknown"):
        notes.append(
            f"the sample (deposition {sample[0]}, surface {sample[1]}) is not used: the {route} estimate did not "
            "improve with the sample's families on held-out pairs nobody else measured (docs: reference/calibration)"
        )
    return x, inputs, notes


def _query_group(
    group: str, side1: str, side2: str, n: int, temperature: ArrayLike | None
) -> tuple[NDArray[np.float64], str]:
    """A table group's columns for a query of ``n`` temperatures, shape (n, k), and what it took in words: the
    bonding is the shipped table's row of the pair (:func:`kapitza.prediction.bonding.pair_features`), the
    full-dispersion DMM the shipped pairs' curve at each temperature (:func:`full_dispersion_columns`' rule); each
    missing where its table has no value, said, as for the compilation's rows without it."""
    if group == "bonding":
        values, words = pair_features(side1, side2)
        if np.isfinite(values).all():
            return np.repeat(np.asarray(values, dtype=float)[None, :], n, axis=0), (
                f"the interface's bonding from the shipped table: {words}"
            )
        return np.full((n, len(values)), np.nan), (
            f"the interface's bonding missing ({words}), as for the compilation's pairs without it"
        )
    if group != "full dispersion":
        raise InputError(f"a query cannot take the {group} group (its table holds the compilation's rows only)")
    t = np.asarray([] if temperature is None else temperature, dtype=float).reshape(-1)
    if t.size != n:
        raise InputError(f"the full-dispersion DMM of a query needs its {n} temperatures, got {t.size}")
    values = log10_g_fd([side1] * t.size, [side2] * t.size, t)
    table = shipped_dispersion_pairs()
    source = "not shipped" if table is None else f"{table.calculator}, {table.provenance.split(';')[0]}"
    if np.isfinite(values).all():
        return values[:, None], (
            f"the potential's full-dispersion DMM of {side1}|{side2} from the shipped pairs ({source})"
        )
    return values[:, None], (
        f"the potential's full-dispersion DMM missing at {int(np.sum(~np.isfinite(values)))} of {t.size} "
        f"temperatures (the shipped pairs, {source}, have no value for {side1}|{side2} there), as for the "
        "compilation's rows without it"
    )


def _temperature_words(t: NDArray[np.float64], t_min: float) -> str:
    """ "5000 K lies", "20 and 600 K lie", "5 temperatures (20-23.8 K, 550-600 K) lie" for a note on the temperatures
    ``t`` outside the training range (those below ``t_min`` and those above it apart)."""
    if t.size == 1:
        return f"{t[0]:g} K lies"
    if t.size <= 3:
        return f"{', '.join(f'{v:.3g}' for v in t[:-1])} and {t[-1]:.3g} K lie"
    spans = []
    for part in (t[t < t_min], t[t >= t_min]):
        if part.size:
            lo, hi = float(part.min()), float(part.max())
            spans.append(f"{lo:.3g}-{hi:.3g} K" if lo != hi else f"{lo:.3g} K")
    return f"{t.size} temperatures ({', '.join(spans)}) lie"


@functools.lru_cache(maxsize=2)
def _physics_only(route: str) -> tuple[float, float, float]:
    """(16th, 50th, 84th) paper-weighted percentiles of log10(measured / DMM) over the route's rows: the DMM's own
    measured correction and band."""
    rows = expected_rows(route)
    ok = np.isfinite(rows.dmm) & (rows.dmm > 0)
    r = np.log10(rows.measured[ok] / rows.dmm[ok])
    paper = [rows.paper[i] for i in np.flatnonzero(ok)]
    low, high = band_fractions(len(set(paper)))
    lo, mid, hi = paper_percentiles(r, paper, (low, 0.5, high))
    return lo, mid, hi


def expected_conductance(
    side1: Any,
    side2: Any,
    temperature: ArrayLike,
    *,
    method: str | None = None,
    crystals: tuple[Any, Any] | None = None,
    deposition: str | None = None,
    surface: str | None = None,
) -> ExpectedConductance:
    """The conductance a measurement of the interface is expected to give, with its 68 % band.

    Parameters
    ----------
    side1, side2 : str, os.PathLike or Material
        The two sides.  Without ``crystals`` both must be database materials (the database route).
    temperature : float or array_like, shape (n_T,)
        K.
    method : str, optional
        The measurement (TDTR, FDTR, 3omega, platform, other; the compilation's spellings too); default TDTR,
        the compilation's most common.  A method the compilation does not know is noted and TDTR used.
    crystals : (CrystalPhonons, CrystalPhonons), optional
        The two crystals built from their structures with a universal potential
        (:func:`kapitza.phonons.crystal_phonons`): the structure route, for any pair the structure route builds.
    deposition, surface : str, optional
        How the sample is made, as a family of :mod:`kapitza.literature.sample` (deposition: evaporation,
        sputtering, epitaxy, chemical, bonding, exfoliation; surface: ion-cleaned, oxide-removed, annealed,
        native-oxide, solvent-cleaned); default unknown.  Used where the route's estimate learnt them
        (:data:`SELECTED`), else said in the notes and ignored.

    Returns
    -------
    ExpectedConductance

    Raises
    ------
    InputError
        A side outside the database without ``crystals``; bad temperatures.
    MissingDependencyError
        scikit-learn is not installed (``pip install 'kapitza[empirical]'``).
    """
    t = _temperatures(temperature, allow_zero=True)
    category, note = _method(method)
    sample = (family_option(deposition, DEPOSITIONS, "deposition"), family_option(surface, SURFACES, "surface"))
    notes = [note] if note else []
    warm = t > 0
    if not warm.any():
        raise InputError("at 0 K no phonon is populated: G = 0, nothing to estimate")
    if crystals is not None:
        found = _structure_query(crystals, t[warm], category, notes, sample)
    else:
        found = _database_query(side1, side2, t[warm], category, notes, sample)
    return found if warm.all() else _with_zero_kelvin(found, t, warm)


def _with_zero_kelvin(
    found: ExpectedConductance, t: NDArray[np.float64], warm: NDArray[np.bool_]
) -> ExpectedConductance:
    """``found`` (at the temperatures above 0 K) with 0 K put back where it was asked: G = 0 there, exactly, and
    outside the training range (no measurement it learnt from was below 25 K)."""

    def full(values: NDArray[Any], fill: Any) -> NDArray[Any]:
        out = np.full(t.size, fill, dtype=np.asarray(values).dtype)
        out[warm] = values
        return out

    return dataclasses.replace(
        found, temperature=t, value=full(found.value, 0.0), low=full(found.low, 0.0), high=full(found.high, 0.0),
        outside=full(found.outside, True),
    )  # fmt: skip


def _database_query(
    side1: Any,
    side2: Any,
    t: NDArray[np.float64],
    method: str,
    notes: list[str],
    sample: tuple[str, str],
) -> ExpectedConductance:
    from ..materials import get_material
    from .empirical import query_rows
    from .validation import validation_table

    names = []
    for side, option in ((side1, "side1"), (side2, "side2")):
        m = get_material(side)
        if m.is_fluid:
            raise InputError(
                f"{option} {m.name} is a fluid: the estimate learnt from solid interfaces only (the compilation holds "
                "no liquid-helium row); see the expected range between the DMM and the AMM below"
            )
        if m.origin != "database":
            raise InputError(
                f"{option} {m.name!r} comes from {m.origin}, not the database: the estimate learnt from the "
                "database's materials and from crystals built from their structures (a structure file or "
                "--calculator), not from a material file's numbers; the physics below is the file's"
            )
        names.append(m.name)
    a, b = names
    if a == b:
        raise InputError(f"side1 and side2 are both {a}: there is no interface to estimate")
    query = validation_table(("dmm", "limit", "amm"), measurements=query_rows(a, b, t, method, False))
    x = database_features(query)
    inputs = ("Debye DMM, radiation limit and AMM of the pair (with its electrons), Debye-temperature and "
              "impedance ratios and the temperature",)  # fmt: skip
    return expected_from_features("database", a, b, x, t, query.predicted[0], method, inputs, notes, sample)


def _structure_query(
    crystals: tuple[Any, Any],
    t: NDArray[np.float64],
    method: str,
    notes: list[str],
    sample: tuple[str, str],
) -> ExpectedConductance:
    from .calculator_validation import pair_electrons, pair_full_dispersion

    c1, c2 = crystals
    g_phonon, g_reported = pair_full_dispersion(c1, c2, t)
    kind, g_ep = pair_electrons(c1.material, c2.material)
    x = structure_features(g_reported, g_phonon, t, np.full(t.size, g_ep), [kind] * t.size, [method] * t.size)
    inputs = (f"full-dispersion DMM of both crystals with {c1.calculator} (with the electrons where kapitza has "
              f"them), the interface kind ({kind}) and the temperature",)  # fmt: skip
    return expected_from_features("structure", c1.name, c2.name, x, t, g_reported, method, inputs, notes, sample)


def expected_or_reason(
    side1: Any,
    side2: Any,
    temperature: ArrayLike,
    method: str | None = None,
    crystals: tuple[Any, Any] | None = None,
    sample: tuple[str | None, str | None] = (None, None),
) -> tuple[ExpectedConductance | None, str | None]:
    """:func:`expected_conductance`, or None and why it cannot be given for this pair (a side it has no
    descriptors for, no stored structure-route rows); scikit-learn missing still raises MissingDependencyError.
    ``sample``: (deposition, surface) families, checked by the caller."""
    try:
        return expected_conductance(side1, side2, temperature, method=method, crystals=crystals,
                                    deposition=sample[0], surface=sample[1]), None  # fmt: skip
    except InputError as exc:
        return None, str(exc)


def expected_document(expected: ExpectedConductance | None, why_not: str | None) -> dict[str, Any]:
    """The estimate in SI as ``kapitza predict --json`` writes it (``available`` false and the reason where there is
    none)."""
    if expected is None:
        return {"available": False, "reason": why_not}
    return {
        "available": True,
        "route": expected.route,
        "method": expected.method,
        "temperature_k": expected.temperature.tolist(),
        "conductance_w_m2k": expected.value.tolist(),
        "low_w_m2k": expected.low.tolist(),
        "high_w_m2k": expected.high.tolist(),
        "band": "68 % of held-out papers (central paper-weighted percentiles of held-out residuals, at the "
        "finite-sample level of their number of papers)",
        "other_papers": list(expected.other_papers),
        "outside_training_range": expected.outside.tolist(),
        "inputs": list(expected.inputs),
        "notes": list(expected.notes),
        "held_out": {"median_factor_by_paper": expected.held_out_factor,
                     "coverage_by_paper": expected.held_out_coverage,
                     "rows": expected.held_out_rows, "papers": expected.held_out_papers,
                     "rows_of": expected.held_out_split or "the route's rows"},
    }  # fmt: skip


# -- the whole validation -------------------------------------------------------------------------------------


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
    from .empirical import PHYSICS_MODELS, grouped_cross_validation, training_data
    from .validation import validation_table

    data = shipped_measurements()
    table = validation_table(PHYSICS_MODELS, interlayers=True)
    ids = _row_places(data, table, interlayers=True)
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
