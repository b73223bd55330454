"""Every model against every measurement whose two sides are in the database.

:func:`validation_table` predicts, for each measured row of the shipped compilation
(:mod:`kapitza.literature`) with both sides mapped onto the database, what each
model gives at the row's temperature, the way ``kapitza predict`` reports it:

* two non-metals: the phonon model's G;
* a metal and a non-metal: the phonon model's G in series with the metal's
  electron-phonon conductance G_ep = sqrt(g kappa_p) (Majumdar & Reddy,
  Appl. Phys. Lett. 84, 4768 (2004)) where the metal's g and kappa_p are stored;
* two metals: the electronic DMM (Gundrum, Cahill & Averback, Phys. Rev. B 72,
  245426 (2005)), the same for every phonon model, which does not describe
  such an interface (NaN where a metal lacks a Fermi velocity).

Each pair is computed once, vectorised over its measured temperatures.
The phonon-only values are kept beside (``phonon``) so that both can be shown.

Every row is also checked against the physical upper bound of its pair at its temperature
(:func:`kapitza.prediction.bounds.check_bounds`): a row above it is *flagged* (``flagged``, with the
reason in ``bound_note``).  It stays in the table, as the source gives it, but every statistic of
any model (:mod:`~kapitza.prediction.validation.stats`) and the empirical model's training leave it
out.  Rows whose sides kapitza cannot bound are "not checked", with the reason in ``bound_note``.

Units: K, W m^-2 K^-1.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from ...errors import InputError
from ...io.results import result
from ...literature import Measurements, shipped_measurements
from ...materials import Material
from ...phonons.debye import DEFAULT_CUTOFF, SINE_CUTOFFS
from ..api import predict_model
from ..bounds import check_bounds
from ..interface import SERIES_KINDS, MaterialLike, electronic_parts, is_metal, lacking_electron_data
from ..registry import get_model
from ..settings import Settings

__all__ = [
    "DEFAULT_MODELS",
    "KINDS",
    "as_predicted",
    "PHONON_ONLY",
    "FlaggedGroup",
    "ValidationTable",
    "flagged_groups",
    "interface_kinds",
    "pair_kind",
    "pair_table",
    "validation_table",
]

#: Models compared by default.
DEFAULT_MODELS = ("dmm", "limit", "amm")
#: How :attr:`ValidationTable.note` starts for a row predicted by the phonon model alone (no electron data).
PHONON_ONLY = "phonon model only"
#: Interface kinds, as stored in :attr:`ValidationTable.kind`.
KINDS = ("non-metal", "metal/non-metal", "metal/metal")


@result
class ValidationTable:
    """Predictions of several models for measured rows.

    Attributes
    ----------
    models : tuple of str
        Model names, length n_models.
    measured : ndarray, shape (n,)
        Measured G, W m^-2 K^-1.
    temperature : ndarray, shape (n,)
        Temperature of each measurement, K.
    predicted : ndarray, shape (n_models, n)
        What kapitza predicts for each row (see the module text), W m^-2 K^-1; NaN where
        no prediction can be made (a metal/metal pair without Fermi velocities).
    phonon : ndarray, shape (n_models, n)
        The phonon model alone, W m^-2 K^-1.
    side1, side2 : tuple of str
        Database names of film and substrate, length n.
    kind : tuple of str
        One of :data:`KINDS` per row.
    paper : tuple of str
        The compilation's reference id of each row (cross-validation groups by it).
    method : tuple of str
        Measurement method of each row (TDTR, 3omega, ...).
    interlayer : ndarray of bool, shape (n,)
        True where the measured stack has a layer between the two sides.
    cutoff : str
        Debye cutoff rule used for the phonon models.
    note : tuple of str
        Per row, why it has no prediction or only a partial one ("" where the prediction is
        complete): a metal/metal pair without Fermi velocities, or a metal without stored
        electron-phonon data (then "predicted" is the phonon model alone). Length n, or empty
        for a table made without notes.
    bound : ndarray, shape (n,)
        The physical upper bound on a measured G of the row's pair at its temperature, W m^-2 K^-1
        (:func:`~kapitza.prediction.bounds.check_bounds`); inf where the pair has none, NaN where it is
        not checked.  All NaN for a table made without it.
    flagged : ndarray of bool, shape (n,)
        True where the measured G is above the bound (times its margin): a value no physics allows, left
        out of every statistic.  All False for a table made without it.
    bound_note : tuple of str
        Per row, why it is flagged, why it is not checked against the bound, or "" (length n, or empty).
    authors : tuple of str
        The authors of each row's reference, as the compilation gives them (length n, or empty).
    """

    models: tuple[str, ...]
    measured: NDArray[np.float64]
    temperature: NDArray[np.float64]
    predicted: NDArray[np.float64]
    phonon: NDArray[np.float64]
    side1: tuple[str, ...]
    side2: tuple[str, ...]
    kind: tuple[str, ...]
    paper: tuple[str, ...]
    method: tuple[str, ...]
    interlayer: NDArray[np.bool_]
    cutoff: str
    note: tuple[str, ...] = ()
    bound: NDArray[np.float64] | None = None
    flagged: NDArray[np.bool_] | None = None
    bound_note: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()

    _summary_fields: ClassVar[tuple[str, ...]] = ("models", "measured", "cutoff")

    def __post_init__(self) -> None:
        n = np.shape(self.measured)[0] if np.ndim(self.measured) else 0
        if self.bound is None:
            object.__setattr__(self, "bound", np.full(n, np.nan))
        if self.flagged is None:
            object.__setattr__(self, "flagged", np.zeros(n, dtype=bool))
        bound = np.asarray(self.bound, dtype=float)
        flagged = np.asarray(self.flagged, dtype=bool)
        if bound.shape != (n,) or flagged.shape != (n,):
            raise InputError(
                f"bound= and flagged= need shape ({n},), one entry per row; got {bound.shape}, {flagged.shape}"
            )
        for name in ("note", "bound_note", "authors"):
            if len(getattr(self, name)) not in (0, n):
                raise InputError(f"{name}= has {len(getattr(self, name))} entries; expected {n} or none")
        object.__setattr__(self, "bound", bound)
        object.__setattr__(self, "flagged", flagged)

    def __len__(self) -> int:
        return int(self.measured.size)

    def select(self, mask: NDArray[np.bool_]) -> ValidationTable:
        """The rows where ``mask`` (bool, shape (n,)) is True, in order (e.g. ``table.select(~table.flagged)``)."""
        keep = np.asarray(mask, dtype=bool)
        if keep.shape != self.measured.shape:
            raise InputError(f"mask= has shape {keep.shape}; expected ({len(self)},)")
        index = np.flatnonzero(keep)

        def rows(values: tuple[str, ...]) -> tuple[str, ...]:
            return tuple(values[i] for i in index) if len(values) == len(self) else values

        return ValidationTable(
            models=self.models,
            measured=self.measured[index],
            temperature=self.temperature[index],
            predicted=self.predicted[:, index],
            phonon=self.phonon[:, index],
            side1=rows(self.side1),
            side2=rows(self.side2),
            kind=rows(self.kind),
            paper=rows(self.paper),
            method=rows(self.method),
            interlayer=self.interlayer[index],
            cutoff=self.cutoff,
            note=rows(self.note),
            bound=self.bound[index],  # type: ignore[index]
            flagged=self.flagged[index],  # type: ignore[index]
            bound_note=rows(self.bound_note),
            authors=rows(self.authors),
        )

    def ratio(self, model: str) -> NDArray[np.float64]:
        """predicted / measured for ``model``, shape (n,) (NaN where there is no prediction)."""
        if model not in self.models:
            raise InputError(f"model {model!r} is not in this table; it has {', '.join(self.models)}")
        return self.predicted[self.models.index(model)] / self.measured


def pair_kind(side1: MaterialLike, side2: MaterialLike) -> str:
    """The kind (one of :data:`KINDS`) of one pair, in either order (metals: :func:`~.interface.is_metal`; a name or
    a material record)."""
    return KINDS[is_metal(side1) + is_metal(side2)]


def interface_kinds(side1: Sequence[str], side2: Sequence[str]) -> tuple[str, ...]:
    """The kind (one of :data:`KINDS`, :func:`pair_kind`) of each pair of database names, in either order."""
    kinds: dict[tuple[str, str], str] = {}
    return tuple(kinds.setdefault((a, b), pair_kind(a, b)) for a, b in zip(side1, side2))


def as_predicted(
    side1: MaterialLike, side2: MaterialLike, temperature: NDArray[np.float64], results: Sequence[Any]
) -> tuple[NDArray[np.float64], str]:
    """What ``kapitza predict`` reports for a pair, from its phonon models' results (the module text's rule).

    Parameters
    ----------
    side1, side2 : str or Material
        The two materials (a derived record of a crystal from its structure keeps its database name, and with
        it the database's electron data).
    temperature : ndarray, shape (n_T,)
        K, the temperatures of ``results``.
    results : sequence of ConductanceResult
        The phonon models at exactly these temperatures.

    Returns
    -------
    (ndarray of shape (n_models, n_T), str)
        The predicted G, W m^-2 K^-1 (NaN for a metal/metal pair without Fermi velocities), and the note
        ("" where the prediction is complete; otherwise why it is partial or missing).
    """
    parts = electronic_parts(side1, side2, temperature, results)
    out = np.array([found.conductance for found in results], dtype=float).reshape(len(results), -1)
    text = ""
    if parts.kind == "metal/metal":
        dmm = parts.electronic_dmm
        if dmm is None:
            lacking = ", ".join(lacking_electron_data((side1, side2)))
            text = f"electronic DMM needs the Fermi velocity and Sommerfeld coefficient, not stored for {lacking}"
            out[:] = np.nan
        else:
            out[:] = dmm.conductance
    elif parts.kind in SERIES_KINDS:
        if parts.total is None:
            text = f"{PHONON_ONLY}: no electron-phonon coupling or kappa_p stored for {parts.metal}"
        else:
            out = np.array([parts.total[j] for j in range(len(results))], dtype=float).reshape(len(results), -1)
    return out, text


def _model_names(models: Sequence[str], cutoff: str) -> tuple[str, ...]:
    """The models' registered names, each once, refused with the cutoff where a continuum model meets a sine
    dispersion (before any work)."""
    Settings(cutoff=cutoff)  # refuses an unknown cutoff rule
    names = tuple(get_model(m, "debye").name for m in models)
    if not names:
        raise InputError("models= needs at least one model")
    if len(set(names)) != len(names):
        raise InputError(f"models= lists a model twice: {', '.join(names)}")
    continuum = [name for name in names if name.startswith("amm")]
    if cutoff in SINE_CUTOFFS and continuum:
        raise InputError(
            f"cutoff {cutoff!r} is a sine dispersion, which the acoustic mismatch model ({', '.join(continuum)}) "
            "does not take (a continuum model needs linear Debye spectra: cutoff 'branch' or 'debye')"
        )
    return names


def _pair_predictions(
    side1: MaterialLike, side2: MaterialLike, temperature: NDArray[np.float64], names: Sequence[str], cutoff: str
) -> tuple[NDArray[np.float64], NDArray[np.float64], str]:
    """One pair's rows (the module text's rule): what ``kapitza predict`` reports with each model
    (:func:`as_predicted`), each phonon model alone, both shape (n_models, n_T) in W m^-2 K^-1, and the note."""
    results = [predict_model(side1, side2, temperature, name, cutoff=cutoff) for name in names]
    predicted, text = as_predicted(side1, side2, temperature, results)
    phonon = np.array([found.conductance for found in results], dtype=float).reshape(len(results), -1)
    return predicted, phonon, text


def pair_table(
    side1: Material,
    side2: Material,
    temperature: NDArray[np.float64],
    method: str | Sequence[str],
    models: Sequence[str] = DEFAULT_MODELS,
    *,
    cutoff: str = DEFAULT_CUTOFF,
) -> ValidationTable:
    """The rows :func:`validation_table` would make of one pair given as two material records rather than database
    names (a crystal's long waves, a derived record): each model's prediction as ``kapitza predict`` reports it with
    these records, at each temperature.

    Parameters
    ----------
    side1, side2 : Material
        The two records (their names name the rows).
    temperature : ndarray, shape (n,)
        K, > 0.
    method : str or sequence of str
        The measurement method of every row, or of each.
    models, cutoff
        As :func:`validation_table` takes them.

    Returns
    -------
    ValidationTable
        ``measured`` 1 (a placeholder: a query has no measurement), paper "query", no interlayer; not checked
        against the physical upper bound (there is no measurement to check).
    """
    for side, option in ((side1, "side1"), (side2, "side2")):
        if not isinstance(side, Material):
            raise InputError(f"{option} must be a Material record, got {type(side).__name__}")
    names = _model_names(models, cutoff)
    t = np.atleast_1d(np.asarray(temperature, dtype=float))
    if t.ndim != 1 or t.size == 0 or not np.all(np.isfinite(t) & (t > 0)):
        raise InputError("temperature must be one or more finite temperatures > 0 K")
    methods = (method,) * t.size if isinstance(method, str) else tuple(method)
    if len(methods) != t.size:
        raise InputError(f"method has {len(methods)} entries for {t.size} temperatures")
    predicted, phonon, text = _pair_predictions(side1, side2, t, names, cutoff)
    n = t.size
    return ValidationTable(
        models=names, measured=np.ones(n), temperature=t, predicted=predicted, phonon=phonon,
        side1=(side1.name,) * n, side2=(side2.name,) * n, kind=(pair_kind(side1, side2),) * n,
        paper=("query",) * n, method=methods, interlayer=np.zeros(n, dtype=bool), cutoff=cutoff, note=(text,) * n,
    )  # fmt: skip


def validation_table(
    models: Sequence[str] = DEFAULT_MODELS,
    *,
    cutoff: str = DEFAULT_CUTOFF,
    measurements: Measurements | None = None,
    interlayers: bool = False,
) -> ValidationTable:
    """Predict every measured row whose two sides are in the database, with each model.

    Parameters
    ----------
    models : sequence of str
        Model names (see :func:`kapitza.prediction.available_models`); Debye spectra.
    cutoff : str
        Debye cutoff rule for the phonon models (see :func:`kapitza.predict`).
    measurements : Measurements, optional
        The table to use (default: the shipped compilation).
    interlayers : bool
        Also the rows whose stack has a layer between the two sides (another interface than the one the
        models describe); left out by default.

    Returns
    -------
    ValidationTable
        Rows in the order of the measurements; rows with an unmapped side, or at T = 0, are left out, and
        interlayer rows unless asked for.  Rows above the physical upper bound of their pair are kept and
        flagged (``flagged``, ``bound_note``).
    """
    names = _model_names(models, cutoff)  # refused before any work
    data = shipped_measurements() if measurements is None else measurements
    keep = np.array([bool(f) and bool(s) for f, s in zip(data.film_material, data.substrate_material)], dtype=bool) & (
        data.temperature > 0
    )
    if not interlayers:
        keep &= ~data.interlayer
    rows = data.select(keep)
    check = check_bounds(rows)
    side1 = tuple(str(s) for s in rows.film_material)
    side2 = tuple(str(s) for s in rows.substrate_material)
    kinds = interface_kinds(side1, side2)
    predicted = np.full((len(names), len(rows)), np.nan)
    phonon = np.full((len(names), len(rows)), np.nan)
    pairs: dict[tuple[str, str], list[int]] = {}
    for i, pair in enumerate(zip(side1, side2)):
        pairs.setdefault(pair, []).append(i)
    note = [""] * len(rows)
    for (a, b), index in pairs.items():
        idx = np.asarray(index)
        predicted[:, idx], phonon[:, idx], text = _pair_predictions(a, b, rows.temperature[idx], names, cutoff)
        for i in index:
            note[i] = text
    return ValidationTable(
        models=names,
        measured=rows.conductance,
        temperature=rows.temperature,
        predicted=predicted,
        phonon=phonon,
        side1=side1,
        side2=side2,
        kind=kinds,
        paper=tuple(rows.reference_id),
        method=tuple(rows.method),
        interlayer=rows.interlayer,
        cutoff=cutoff,
        note=tuple(note),
        bound=check.bound,
        flagged=check.above,
        bound_note=check.reason,
        authors=tuple(rows.reference_authors),
    )


@result
class FlaggedGroup:
    """The flagged rows (above the physical upper bound) of one pair and one paper of a validation table.

    Attributes
    ----------
    side1, side2 : str
        The pair as the rows give it (film, substrate).
    paper : str
        The compilation's reference id.
    authors : str
        Its authors ("" where the table has none).
    rows : int
        How many rows.
    temperature : (float, float)
        Lowest and highest temperature, K.
    measured : (float, float)
        Lowest and highest measured G, W m^-2 K^-1.
    ratio : (float, float)
        Lowest and highest measured / bound.
    index : tuple of int
        The rows' positions in the table.
    """

    side1: str
    side2: str
    paper: str
    authors: str
    rows: int
    temperature: tuple[float, float]
    measured: tuple[float, float]
    ratio: tuple[float, float]
    index: tuple[int, ...]


def flagged_groups(table: ValidationTable) -> tuple[FlaggedGroup, ...]:
    """The table's flagged rows grouped by pair and paper, in the order they first appear."""
    groups: dict[tuple[str, str, str], list[int]] = {}
    for i in map(int, np.flatnonzero(table.flagged)):
        groups.setdefault((table.side1[i], table.side2[i], table.paper[i]), []).append(i)
    out = []
    for (a, b, paper), index in groups.items():
        t, g = table.temperature[index], table.measured[index]
        ratio = g / table.bound[index]  # type: ignore[index]
        out.append(
            FlaggedGroup(
                side1=a,
                side2=b,
                paper=paper,
                authors=table.authors[index[0]] if table.authors else "",
                rows=len(index),
                temperature=(float(t.min()), float(t.max())),
                measured=(float(g.min()), float(g.max())),
                ratio=(float(ratio.min()), float(ratio.max())),
                index=tuple(index),
            )
        )
    return tuple(out)
