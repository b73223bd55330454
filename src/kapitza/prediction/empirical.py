"""An empirical estimate of G, trained on the shipped measurements, with a held-out error bar.

Physics models leave out what real interfaces add (roughness, intermixing,
contamination, bonding); a regressor trained on measurements can learn part of that,
but only an error measured on data it did not see says how much.  This module

* turns every mapped measured row (:func:`kapitza.prediction.validation.validation_table`)
  into physical descriptors (:data:`DESCRIPTORS`):

  - log10 of the physics predictions of ``dmm``, ``limit`` and ``amm`` as ``kapitza
    predict`` reports them (phonon, in series with electron-phonon, or electronic DMM)
    and of the phonon models alone (missing where there is no prediction);
  - log10 T;
  - |log10| of the ratios of the two sides' Debye temperatures and of their
    longitudinal acoustic impedances rho v_l (database values): how far apart the
    sides are, whichever is typed first (reciprocity: G(A, B) = G(B, A));
  - log10 of the metal's electron-phonon conductance G_ep = sqrt(g kappa_p) at a
    metal/non-metal interface (Majumdar & Reddy, Appl. Phys. Lett. 84, 4768 (2004)),
    missing elsewhere, and a flag saying whether it applies;
  - the interface kind (non-metal, metal/non-metal, metal/metal) and the measurement
    method (:data:`METHODS`), one-hot; an interlayer flag;

* fits :class:`sklearn.ensemble.HistGradientBoostingRegressor` (fixed
  ``random_state``; scikit-learn's default 100 iterations and learning rate 0.1,
  not tuned on the data) to log10 of the measured G.  Chosen over
  ``GradientBoostingRegressor`` because it handles missing descriptors natively
  (metal/metal rows without a Fermi velocity, rows without G_ep) instead of
  imputing made-up values, and over a Gaussian process because the target has
  heavy-tailed scatter between papers and the descriptors mix continuous and
  one-hot values.  The loss is the absolute error: the target is the median, which
  outliers of single papers move least;

* leaves out the rows above the physical upper bound of their interface
  (:attr:`ValidationTable.flagged`, :mod:`kapitza.prediction.bounds`): no physics allows them,
  so they are neither learnt from nor scored;

* validates it by cross-validation grouped by paper (:func:`grouped_folds`, GroupKFold's rule with its ties
  broken by the paper's name, so that the folds are the same on every machine): rows of one paper share a
  sample, an apparatus and an analysis, so they are never split between training and held-out folds.
  On the held-out rows it reports the median |log10 error| (and as a factor), the share within a
  factor 2, and the 16th-84th percentile band of the residuals, every paper weighted equally
  (:func:`paper_percentiles`), as a multiplicative interval; the physics models,
  which are not fitted, are scored on the SAME rows by their own ratio predicted/measured.

scikit-learn is optional (``pip install kapitza[empirical]``) and imported only inside
the functions that need it.  The regressor is fitted at run time from the shipped CSV (a
second or two; cached in-process), never stored.

Units: K, W m^-2 K^-1.
"""

from __future__ import annotations

import functools
import math
import os
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..errors import InputError, MissingDependencyError
from ..io.results import result
from ..literature import Measurements
from ..materials import Material, get_material
from ..materials.electrons import list_electron_metals
from ..materials.spec import MaterialSpec
from ..transmission.electronic import metal_electron_phonon_conductance
from .scoring import median_error, median_factor, paper_percentiles, within_2
from .validation import DEFAULT_MODELS, KINDS, ValidationTable, validation_table

__all__ = [
    "DESCRIPTORS",
    "METHODS",
    "EmpiricalEstimate",
    "EmpiricalValidation",
    "descriptor_matrix",
    "empirical_document",
    "empirical_estimate",
    "empirical_or_reason",
    "empirical_validation",
    "grouped_cross_validation",
    "normalize_method",
]

#: Method categories (one-hot): time- and frequency-domain thermoreflectance, the electrical
#: harmonic methods (3 omega and its 1 omega / 2 omega variants), the suspended-platform thermometry
#: of the compilation ("Equivalent thermal circuit of thermometry platform"), everything else.
METHODS = ("TDTR", "FDTR", "3omega", "platform", "other")
#: Physics models whose predictions are descriptors (as reported, then phonon-only).
PHYSICS_MODELS = DEFAULT_MODELS
#: Descriptor names, in the column order of :func:`descriptor_matrix`.
DESCRIPTORS: tuple[str, ...] = (
    *(f"log10 G_{m}" for m in PHYSICS_MODELS),
    *(f"log10 G_{m} phonon" for m in PHYSICS_MODELS),
    "log10 T",
    "|log10 Debye ratio|",
    "|log10 impedance ratio|",
    "log10 G_ep",
    "has G_ep",
    *(f"kind {k}" for k in KINDS),
    *(f"method {m}" for m in METHODS),
    "interlayer",
)
#: Folds of the grouped cross-validation.
N_SPLITS = 5
#: Seed of the regressor.
RANDOM_STATE = 0
#: Central probability of the reported interval (16th-84th percentiles).
INTERVAL = 0.68

_METHOD_ALIASES = {
    "tdtr": "TDTR",
    "time-domain thermoreflectance": "TDTR",
    "fdtr": "FDTR",
    "frequency-domain thermoreflectance": "FDTR",
    "frequency-domain thermoreflectance (fdtr)": "FDTR",
    "3omega": "3omega",
    "3ω": "3omega",
    "3 ω": "3omega",
    "3 omega": "3omega",
    "2 ω": "3omega",
    "2ω": "3omega",
    "ω": "3omega",
    "platform": "platform",
    "equivalent thermal circuit of thermometry platform": "platform",
    "other": "other",
}


def normalize_method(method: str) -> str:
    """The category of :data:`METHODS` for a method as the compilation (or a user) writes it; unknown -> "other"."""
    return _METHOD_ALIASES.get(" ".join(str(method).split()).casefold(), "other")


def _sklearn() -> Any:
    """The scikit-learn modules used here, or MissingDependencyError."""
    try:
        from sklearn.ensemble import HistGradientBoostingRegressor
    except ImportError:
        raise MissingDependencyError("scikit-learn", "empirical", "the empirical estimate") from None
    return HistGradientBoostingRegressor


def grouped_folds(groups: Sequence[str], n_splits: int) -> NDArray[np.int64]:
    """The fold (0 .. n_splits-1) of each row, whole groups to one fold, shape (n_rows,).

    scikit-learn's GroupKFold rule (the largest group first, each to the fold with the fewest rows so far, the
    first such fold on a tie) with groups of equal size taken in order of their name.  GroupKFold itself orders
    them with numpy's default (unstable) argsort, whose SIMD path breaks ties differently on different CPUs:
    the same data then gave another deal of the papers, and the stored calibration moved by 0.003 decades
    from one machine to the next.
    """
    names = [str(g) for g in groups]
    sizes: dict[str, int] = {}
    for g in names:
        sizes[g] = sizes.get(g, 0) + 1
    load = [0] * n_splits
    fold_of: dict[str, int] = {}
    for g in sorted(sizes, key=lambda g: (-sizes[g], g)):
        k = min(range(n_splits), key=lambda i: (load[i], i))
        fold_of[g] = k
        load[k] += sizes[g]
    return np.array([fold_of[g] for g in names], dtype=np.int64)


def _regressor() -> Any:
    regressor_class = _sklearn()
    # scikit-learn's defaults (100 iterations, learning rate 0.1) except the loss: not tuned on the data.
    return regressor_class(loss="absolute_error", random_state=RANDOM_STATE)


def _one_thread() -> Any:
    """A context limiting OpenMP/BLAS to one thread: on a small table, threads cost more than they give."""
    from threadpoolctl import threadpool_limits

    return threadpool_limits(1)


# -- descriptors ------------------------------------------------------------------------------


def log10_positive(values: ArrayLike) -> NDArray[np.float64]:
    """log10 of positive finite values, NaN elsewhere (no RuntimeWarning); the descriptors' rule here and in
    :mod:`.expected`."""
    x = np.asarray(values, dtype=float)
    out = np.full(x.shape, np.nan)
    good = np.isfinite(x) & (x > 0)
    out[good] = np.log10(x[good])
    return out


@functools.lru_cache(maxsize=64)
def material_numbers(material: str | Material) -> tuple[float, float]:
    """(Debye temperature K, acoustic impedance rho v_l kg m^-2 s^-1) of a database material (its name) or of a
    material record."""
    m = get_material(material)
    return float(m.debye_temperature), float(m.density * m.v_l)


@functools.lru_cache(maxsize=64)
def metal_electron_phonon(metal: str | Material) -> float:
    """G_ep of a metal (a database name or a material record), NaN where its g or kappa_p is not stored."""
    try:
        return metal_electron_phonon_conductance(metal)
    except InputError:
        return math.nan


def descriptor_matrix(table: ValidationTable, records: Mapping[str, Material] | None = None) -> NDArray[np.float64]:
    """The descriptors (:data:`DESCRIPTORS`) of every row of a validation table.

    Parameters
    ----------
    table : ValidationTable
        From :func:`kapitza.prediction.validation.validation_table` (or
        :func:`~kapitza.prediction.validation.pair_table`) with at least the models :data:`PHYSICS_MODELS`.
    records : mapping of str to Material, optional
        The records the table's predictions were made with, by the side names of its rows, where they are not the
        database's (:func:`~kapitza.prediction.validation.pair_table`'s): the Debye-temperature and impedance ratios
        and the metal's G_ep are theirs.  Default: every side is the database material it names.

    Returns
    -------
    ndarray, shape (n_rows, len(DESCRIPTORS))
        NaN marks a missing value (no prediction, no G_ep).
    """
    missing = [m for m in PHYSICS_MODELS if m not in table.models]
    if missing:
        raise InputError(
            f"the validation table lacks the models {', '.join(missing)}; it has {', '.join(table.models)}"
        )
    n = len(table)
    index = [table.models.index(m) for m in PHYSICS_MODELS]
    columns: list[NDArray[np.float64]] = [log10_positive(table.predicted[i]) for i in index]
    columns += [log10_positive(table.phonon[i]) for i in index]
    columns.append(log10_positive(table.temperature))
    found = dict(records or {})

    def record(name: str) -> str | Material:
        return found.get(name, name)

    first = np.array([material_numbers(record(a)) for a in table.side1]).reshape(n, 2)
    second = np.array([material_numbers(record(b)) for b in table.side2]).reshape(n, 2)
    # |log10| of the ratios: a descriptor of the pair, not of the order its sides are typed in (reciprocity, issue
    # 83: the signed ratios had let the fit learn which side was the deposited film and apply it to the typing order)
    columns.append(np.abs(np.log10(first[:, 0] / second[:, 0])))
    columns.append(np.abs(np.log10(first[:, 1] / second[:, 1])))
    metals = set(list_electron_metals())
    g_ep = np.full(n, np.nan)
    for i, (a, b, kind) in enumerate(zip(table.side1, table.side2, table.kind)):
        if kind == "metal/non-metal":
            g_ep[i] = metal_electron_phonon(record(a if a in metals else b))
    columns.append(log10_positive(g_ep))
    columns.append(np.isfinite(g_ep).astype(float))
    columns += [np.array([k == kind for k in table.kind], dtype=float) for kind in KINDS]
    methods = [normalize_method(m) for m in table.method]
    columns += [np.array([m == category for m in methods], dtype=float) for category in METHODS]
    columns.append(np.asarray(table.interlayer, dtype=float))
    return np.column_stack(columns)


# -- grouped cross-validation -------------------------------------------------------------------


@result
class EmpiricalValidation:
    """Held-out performance of the empirical regressor, cross-validated by groups (papers).

    Attributes
    ----------
    n_rows, n_groups, n_splits : int
        Rows, groups (papers) and folds.
    fold : ndarray of int, shape (n_rows,)
        Held-out fold of each row (all rows of a group share one fold).
    groups : tuple of str, length n_rows
        The group (paper) of each row.
    held_out : ndarray, shape (n_rows,)
        log10 of the prediction for each row by the regressor that did not see its fold.
    target : ndarray, shape (n_rows,)
        log10 of the measured G (W m^-2 K^-1).
    median_error : float
        Median ``|held_out - target|`` (decades); ``median_factor`` = 10**median_error.
    within_2 : float
        Share of rows whose held-out prediction is within a factor 2 of the measurement.
    band : tuple of float
        (16th, 84th) percentiles of the held-out residuals target - held_out, decades.
    band_factor : float
        10**((p84 - p16) / 2): the ``x/÷`` factor of a 68 % interval.
    baseline_error : float
        Median ``|error|`` of the no-descriptor baseline (the median of the training folds' targets).
    physics_models : tuple of str
        Physics models compared.
    physics_error, physics_within_2 : tuple of float
        Their median ``|log10(predicted/measured)|`` and share within x2 on the compared rows.
    compared_rows : int
        Rows on which every physics model has a prediction (the comparison uses only these).
    empirical_error_compared, empirical_within_2_compared : float
        The regressor's held-out numbers on those same rows.
    best_physics : str
        The physics model with the lowest median error on the compared rows ("" if none).
    beats_physics : bool
        True when the regressor's held-out median error is lower AND its share within x2 higher
        than those of the best physics model on the same rows.
    regressor : str
        What was fitted.
    """

    n_rows: int
    n_groups: int
    n_splits: int
    fold: NDArray[np.int64]
    groups: tuple[str, ...]
    held_out: NDArray[np.float64]
    target: NDArray[np.float64]
    median_error: float
    median_factor: float
    within_2: float
    band: tuple[float, float]
    band_factor: float
    baseline_error: float
    physics_models: tuple[str, ...]
    physics_error: tuple[float, ...]
    physics_within_2: tuple[float, ...]
    compared_rows: int
    empirical_error_compared: float
    empirical_within_2_compared: float
    best_physics: str
    beats_physics: bool
    regressor: str

    _summary_fields: ClassVar[tuple[str, ...]] = ("n_rows", "n_groups", "median_factor", "within_2", "beats_physics")

    def summary(self) -> str:
        """One line: the held-out numbers, and how they compare with the best physics model."""
        text = (
            f"empirical ({self.regressor}): {self.n_rows} measurements from {self.n_groups} papers, "
            f"{self.n_splits}-fold cross-validation grouped by paper; held-out median error "
            f"x{self.median_factor:.2g}, {100 * self.within_2:.0f} % within x2, "
            f"68 % band x/÷ {self.band_factor:.2g}"
        )
        if self.best_physics:
            i = self.physics_models.index(self.best_physics)
            verdict = "beats" if self.beats_physics else "does not beat"
            text += (
                f"; {verdict} the best physics model ({self.best_physics}: x{10 ** self.physics_error[i]:.2g}, "
                f"{100 * self.physics_within_2[i]:.0f} % within x2; empirical on the same "
                f"{self.compared_rows} rows: x{10**self.empirical_error_compared:.2g}, "
                f"{100 * self.empirical_within_2_compared:.0f} %)"
            )
        return text


def _check_fit_inputs(
    features: ArrayLike,
    target: ArrayLike,
    groups: Sequence[str],
    physics: Mapping[str, ArrayLike] | None,
    n_splits: int,
) -> tuple[NDArray[np.float64], NDArray[np.float64], tuple[str, ...], dict[str, NDArray[np.float64]]]:
    x = np.asarray(features, dtype=float)
    y = np.asarray(target, dtype=float)
    if x.ndim != 2:
        raise InputError(f"features= must be a 2-D array (rows, descriptors); got {x.ndim} dimensions")
    if y.shape != (x.shape[0],):
        raise InputError(f"target= has shape {y.shape}; expected ({x.shape[0]},), one value per row of features=")
    if not np.all(np.isfinite(y)):
        raise InputError("target= holds non-finite values")
    names = tuple(str(g) for g in groups)
    if len(names) != y.size:
        raise InputError(f"groups= has {len(names)} entries; expected {y.size}, one per row")
    if isinstance(n_splits, bool) or not isinstance(n_splits, int) or n_splits < 2:
        raise InputError(f"n_splits= must be an integer >= 2; got {n_splits!r}")
    if len(set(names)) < n_splits:
        raise InputError(f"n_splits={n_splits} needs at least {n_splits} groups; got {len(set(names))}")
    ratios: dict[str, NDArray[np.float64]] = {}
    for name, values in (physics or {}).items():
        r = np.asarray(values, dtype=float)
        if r.shape != y.shape:
            raise InputError(f"physics[{name!r}] has shape {r.shape}; expected {y.shape}")
        ratios[str(name)] = r
    return x, y, names, ratios


def grouped_cross_validation(
    features: ArrayLike,
    target: ArrayLike,
    groups: Sequence[str],
    physics: Mapping[str, ArrayLike] | None = None,
    *,
    n_splits: int = N_SPLITS,
) -> EmpiricalValidation:
    """Cross-validate the empirical regressor with folds that never split a group.

    Parameters
    ----------
    features : array_like, shape (n_rows, n_descriptors)
        Descriptors (NaN = missing).
    target : array_like, shape (n_rows,)
        log10 of the measured G (G in W m^-2 K^-1).
    groups : sequence of str, length n_rows
        Group of each row (the paper); a group is held out whole.
    physics : mapping of str to array_like of shape (n_rows,), optional
        log10(predicted / measured) of each physics model (NaN where it has no prediction);
        they are not fitted, so this is their held-out error.
    n_splits : int
        Number of folds (>= 2, at most the number of groups).

    Returns
    -------
    EmpiricalValidation
    """
    x, y, names, ratios = _check_fit_inputs(features, target, groups, physics, n_splits)
    fold = grouped_folds(names, n_splits)
    held_out = np.full(y.size, np.nan)
    baseline = np.full(y.size, np.nan)
    with _one_thread():
        for k in range(n_splits):
            train, test = fold != k, fold == k
            model = _regressor().fit(x[train], y[train])
            held_out[test] = model.predict(x[test])
            baseline[test] = np.median(y[train])
    residual = y - held_out
    p16, p84 = paper_percentiles(residual, names, (0.5 - 0.5 * INTERVAL, 0.5 + 0.5 * INTERVAL))
    models = tuple(ratios)
    compared = np.ones(y.size, dtype=bool)
    for r in ratios.values():
        compared &= np.isfinite(r)
    physics_error = tuple(median_error(ratios[m][compared]) if compared.any() else math.nan for m in models)
    physics_within = tuple(within_2(ratios[m][compared]) if compared.any() else 0.0 for m in models)
    emp_error = median_error(residual[compared]) if compared.any() else math.nan
    emp_within = within_2(residual[compared]) if compared.any() else 0.0
    best = ""
    beats = False
    if models and compared.any():
        i = int(np.argmin(physics_error))
        best = models[i]
        beats = bool(emp_error < physics_error[i] and emp_within > physics_within[i])
    error_median = median_error(residual)
    return EmpiricalValidation(
        n_rows=int(y.size),
        n_groups=len(set(names)),
        n_splits=n_splits,
        fold=fold,
        groups=names,
        held_out=held_out,
        target=y,
        median_error=error_median,
        median_factor=median_factor(residual),
        within_2=within_2(residual),
        band=(p16, p84),
        band_factor=float(10 ** ((p84 - p16) / 2)),
        baseline_error=float(np.median(np.abs(y - baseline))),
        physics_models=models,
        physics_error=physics_error,
        physics_within_2=physics_within,
        compared_rows=int(compared.sum()),
        empirical_error_compared=emp_error,
        empirical_within_2_compared=emp_within,
        best_physics=best,
        beats_physics=beats,
        regressor="gradient boosting",
    )


# -- the shipped data ---------------------------------------------------------------------------


def training_data(
    table: ValidationTable,
) -> tuple[NDArray[np.float64], NDArray[np.float64], tuple[str, ...], dict[str, NDArray[np.float64]]]:
    """Descriptors, target, groups and physics errors of the rows the regressor may learn from: the table's rows
    less those above the physical upper bound (:attr:`ValidationTable.flagged`), which no physics allows."""
    table = table.select(~table.flagged)
    features = descriptor_matrix(table)
    target = np.log10(table.measured)
    physics = {m: log10_positive(table.ratio(m)) for m in PHYSICS_MODELS}
    return features, target, tuple(table.paper), physics


def empirical_validation(table: ValidationTable | None = None, *, n_splits: int = N_SPLITS) -> EmpiricalValidation:
    """Grouped cross-validation of the empirical regressor on the shipped measurements.

    Parameters
    ----------
    table : ValidationTable, optional
        Rows to use (default: :func:`kapitza.prediction.validation.validation_table` of the
        shipped compilation with the models :data:`PHYSICS_MODELS`, interlayer stacks included: the
        regressor takes the interlayer as a descriptor).  Flagged rows (above the physical upper bound)
        are left out.
    n_splits : int
        Number of folds, grouped by paper.
    """
    if table is None:
        return _shipped_fit()[1]
    return grouped_cross_validation(*training_data(table), n_splits=n_splits)


@functools.lru_cache(maxsize=1)
def _shipped_fit() -> tuple[Any, EmpiricalValidation, ValidationTable]:
    """(regressor fitted on every row, its grouped cross-validation, the table), computed once."""
    _sklearn()
    table = validation_table(PHYSICS_MODELS, interlayers=True)  # the regressor takes the interlayer as a descriptor
    table = table.select(~table.flagged)  # rows above the physical upper bound are not learnt from
    features, target, groups, physics = training_data(table)
    validation = grouped_cross_validation(features, target, groups, physics)
    with _one_thread():
        model = _regressor().fit(features, target)
    return model, validation, table


# -- the estimate ----------------------------------------------------------------------------------


@result
class EmpiricalEstimate:
    """An empirical estimate of G with its held-out 68 % interval.

    Attributes
    ----------
    side1, side2 : str
        Database names of the two sides.
    temperature : ndarray, shape (n_T,)
        K.
    value : ndarray, shape (n_T,)
        Estimated G, W m^-2 K^-1.
    low, high : ndarray, shape (n_T,)
        value / band_factor and value * band_factor, W m^-2 K^-1: the interval that held 68 %
        of the held-out measurements.
    band_factor : float
        The ``x/÷`` factor of the interval.
    method : str
        Method category the estimate is for (:data:`METHODS`).
    interlayer : bool
        Whether an interlayer was assumed.
    n_rows, n_papers : int
        Training measurements and papers.
    median_factor, within_2 : float
        Held-out median error factor and share within x2 (grouped cross-validation).
    beats_physics : bool
        Whether the regressor beat the best physics model out of sample.
    text : str
        What this is, in words.
    """

    side1: str
    side2: str
    temperature: NDArray[np.float64]
    value: NDArray[np.float64]
    low: NDArray[np.float64]
    high: NDArray[np.float64]
    band_factor: float
    method: str
    interlayer: bool
    n_rows: int
    n_papers: int
    median_factor: float
    within_2: float
    beats_physics: bool
    text: str

    _summary_fields: ClassVar[tuple[str, ...]] = ("side1", "side2", "temperature", "value", "band_factor")

    def summary(self) -> str:
        """One line: the values with their interval, then what the estimate is."""
        values = ", ".join(
            f"{v / 1e6:.3g} MW/m2K at {t:g} K" for v, t in zip(self.value.tolist(), self.temperature.tolist())
        )
        return f"{self.side1}/{self.side2}: G = {values} (x/÷ {self.band_factor:.2g}, 68 %); {self.text}"


def _database_name(side: Any, option: str) -> str:
    """The database name of ``side`` through the one resolver; a material from a file is refused (see
    :func:`empirical_estimate`)."""
    if not isinstance(side, (str, os.PathLike, Material)):
        raise InputError(f"{option} must be a material name, a material file or a Material; got {type(side).__name__}")
    material = get_material(side)
    if material.origin != "database":
        raise InputError(
            f"{option} {material.name!r} is not a shipped material; the empirical estimate only knows the database"
        )
    return material.name


def _check_method(method: str) -> str:
    if not isinstance(method, str):
        raise InputError(f"method= must be a string, one of {', '.join(METHODS)}; got {type(method).__name__}")
    key = " ".join(method.split()).casefold()
    if key not in _METHOD_ALIASES:
        raise InputError(f"method={method!r} is not known; use one of {', '.join(METHODS)}")
    return _METHOD_ALIASES[key]


def query_rows(side1: str, side2: str, temperature: NDArray[np.float64], method: str, interlayer: bool) -> Measurements:
    """Measurement-shaped rows for the query (G = 1 as a placeholder), for validation_table."""
    n = temperature.size
    text = ("",) * n
    return Measurements(
        conductance=np.ones(n),
        temperature=temperature,
        film_thickness=np.full(n, np.nan),
        interlayer=np.full(n, interlayer),
        id=text,
        stack=(f"{side1}/{side2}",) * n,
        method=(method,) * n,
        film=(side1,) * n,
        substrate=(side2,) * n,
        substrate_description=text,
        notes=text,
        reference_id=("query",) * n,
        reference_title=text,
        reference_authors=text,
        reference_journal=text,
        reference_doi=text,
        film_material=(side1,) * n,
        substrate_material=(side2,) * n,
        source="empirical_estimate",
    )


def empirical_estimate(
    side1: MaterialSpec,
    side2: MaterialSpec,
    temperature: ArrayLike,
    method: str = "TDTR",
    interlayer: bool = False,
) -> EmpiricalEstimate:
    """Empirical G of an interface, from gradient boosting on the shipped measurements.

    Parameters
    ----------
    side1, side2 : str, os.PathLike or Material
        Film and substrate, each a name or alias, a material file, or a Material
        (:func:`kapitza.materials.get_material`).  The regressor learnt from the shipped database's
        materials, so the material must be one of them: a material read from a file (``Material.origin``
        not "database") is refused, whatever its numbers.
    temperature : float or array_like, shape (n_T,)
        Temperatures, K, inside the range of the training measurements.
    method : str
        The measurement the estimate should mimic, one of :data:`METHODS` (case-insensitive).
    interlayer : bool
        Whether the stack has a layer between the two sides (e.g. a Ti adhesion layer).

    Returns
    -------
    EmpiricalEstimate
        Values with the 68 % interval of the grouped cross-validation.

    Raises
    ------
    InputError
        A side not in the database (a file's material included) or in no training measurement, the
        same material twice, a temperature outside the training range, an unknown method.
    MissingDependencyError
        scikit-learn is not installed.
    """
    a = _database_name(side1, "side1=")
    b = _database_name(side2, "side2=")
    try:
        t = np.atleast_1d(np.asarray(temperature, dtype=float))
    except (TypeError, ValueError):
        raise InputError(f"temperature= must be a number or a 1-D list of numbers, in K; got {temperature!r}") from None
    if t.ndim != 1 or t.size == 0:
        raise InputError(f"temperature= must be a number or a 1-D list of numbers; got shape {t.shape}")
    category = _check_method(method)
    if not isinstance(interlayer, (bool, np.bool_)):
        raise InputError(f"interlayer= must be True or False; got {interlayer!r}")
    if a == b:
        raise InputError(f"side1= and side2= are both {a}: there is no interface to estimate")
    model, validation, table = _shipped_fit()
    known = sorted(set(table.side1) | set(table.side2))
    for name, option in ((a, "side1="), (b, "side2=")):
        if name not in known:
            raise InputError(
                f"{option} {name} appears in no training measurement; the empirical estimate knows only "
                f"{', '.join(known)}"
            )
    t_min, t_max = float(table.temperature.min()), float(table.temperature.max())
    bad = ~np.isfinite(t) | (t < t_min) | (t > t_max)
    if bad.any():
        raise InputError(
            f"temperature {float(t[bad][0]):g} K is outside the range of the training measurements "
            f"({t_min:g} to {t_max:g} K); the empirical estimate does not extrapolate"
        )
    query = validation_table(
        PHYSICS_MODELS,
        cutoff=table.cutoff,
        measurements=query_rows(*sorted((a, b)), t, category, bool(interlayer)),  # one order, whichever is typed
        interlayers=True,
    )
    with _one_thread():
        value = 10 ** model.predict(descriptor_matrix(query))
    factor = validation.band_factor
    text = (
        f"empirical: gradient boosting on {validation.n_rows} measurements from {validation.n_groups} papers; "
        f"held-out (grouped by paper) median error x{validation.median_factor:.2g}, "
        f"{100 * validation.within_2:.0f} % within x2; "
        + ("beats" if validation.beats_physics else "does not beat")
        + f" the best physics model ({validation.best_physics}) out of sample"
    )
    return EmpiricalEstimate(
        side1=a,
        side2=b,
        temperature=t,
        value=value,
        low=value / factor,
        high=value * factor,
        band_factor=factor,
        method=category,
        interlayer=bool(interlayer),
        n_rows=validation.n_rows,
        n_papers=validation.n_groups,
        median_factor=validation.median_factor,
        within_2=validation.within_2,
        beats_physics=validation.beats_physics,
        text=text,
    )


def empirical_or_reason(
    side1: MaterialSpec, side2: MaterialSpec, temperature: ArrayLike
) -> tuple[EmpiricalEstimate | None, str | None]:
    """:func:`empirical_estimate`, or None and why it cannot be given for this pair (a material from a file, a
    pair or temperature it cannot place); a missing scikit-learn still raises MissingDependencyError."""
    try:
        return empirical_estimate(side1, side2, temperature), None
    except InputError as exc:
        return None, str(exc)


def empirical_document(estimate: EmpiricalEstimate | None, why_not: str | None) -> dict[str, Any]:
    """The estimate in SI as ``kapitza predict --empirical --json`` writes it (``available`` false and the
    reason where there is none)."""
    if estimate is None:
        return {"available": False, "reason": why_not}
    return {
        "available": True,
        "temperature": estimate.temperature.tolist(),
        "conductance": estimate.value.tolist(),
        "low": estimate.low.tolist(),
        "high": estimate.high.tolist(),
        "band_factor": estimate.band_factor,
        "held_out_median_factor": estimate.median_factor,
        "held_out_within_2": estimate.within_2,
        "beats_physics": estimate.beats_physics,
        "text": estimate.text,
    }


def __getattr__(name: str) -> Any:
    """``weighted_percentiles`` moved to :mod:`kapitza.prediction.scoring` (0.17): still found here, with a warning."""
    from .._moved import moved_name

    return moved_name(__name__, name, {"weighted_percentiles": "kapitza.prediction.scoring"})
