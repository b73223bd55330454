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

Units: K, W m^-2 K^-1.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

import numpy as np
from numpy.typing import NDArray

from ..errors import InputError
from ..io.results import result
from ..literature import Measurements, shipped_measurements
from ..materials.electrons import get_electrons
from ..phonons.debye import DEFAULT_CUTOFF, SINE_CUTOFFS
from .api import predict
from .interface import electronic_parts, is_metal
from .registry import get_model
from .settings import Settings

__all__ = ["DEFAULT_MODELS", "KINDS", "PHONON_ONLY", "ValidationTable", "interface_kinds", "validation_table"]

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

    _summary_fields: ClassVar[tuple[str, ...]] = ("models", "measured", "cutoff")

    def __len__(self) -> int:
        return int(self.measured.size)

    def ratio(self, model: str) -> NDArray[np.float64]:
        """predicted / measured for ``model``, shape (n,) (NaN where there is no prediction)."""
        if model not in self.models:
            raise InputError(f"model {model!r} is not in this table; it has {', '.join(self.models)}")
        return self.predicted[self.models.index(model)] / self.measured


def interface_kinds(side1: Sequence[str], side2: Sequence[str]) -> tuple[str, ...]:
    """The kind (one of :data:`KINDS`) of each pair, in either order (metals: :func:`~.interface.is_metal`)."""
    metal = {name: is_metal(name) for name in set(side1) | set(side2)}
    return tuple(KINDS[metal[a] + metal[b]] for a, b in zip(side1, side2))


def _missing_electrons(metals: Sequence[str]) -> str:
    """The metals among ``metals`` without a Fermi velocity or Sommerfeld coefficient, comma-joined."""
    lacking = []
    for name in metals:
        data = get_electrons(name)
        if data.fermi_velocity is None or data.sommerfeld_gamma is None:
            lacking.append(name)
    return ", ".join(dict.fromkeys(lacking))


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
        interlayer rows unless asked for.
    """
    Settings(cutoff=cutoff)  # refuses an unknown cutoff rule before any work
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
    data = shipped_measurements() if measurements is None else measurements
    keep = np.array([bool(f) and bool(s) for f, s in zip(data.film_material, data.substrate_material)], dtype=bool) & (
        data.temperature > 0
    )
    if not interlayers:
        keep &= ~data.interlayer
    rows = data.select(keep)
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
        t = rows.temperature[idx]
        results = [predict(a, b, t, name, cutoff=cutoff) for name in names]
        parts = electronic_parts(a, b, t, results)
        text = ""
        if parts.kind == "metal/metal" and parts.electronic_dmm is None:
            lacking = _missing_electrons((a, b))
            text = f"electronic DMM needs the Fermi velocity and Sommerfeld coefficient, not stored for {lacking}"
        elif parts.kind in ("metal/non-metal", "non-metal/metal") and parts.total is None:
            text = f"{PHONON_ONLY}: no electron-phonon coupling or kappa_p stored for {parts.metal}"
        for i in index:
            note[i] = text
        for j, found in enumerate(results):
            phonon[j, idx] = found.conductance
            if parts.kind == "metal/metal":
                dmm = parts.electronic_dmm
                predicted[j, idx] = np.nan if dmm is None else dmm.conductance
            elif parts.total is not None:
                predicted[j, idx] = parts.total[j]
            else:
                predicted[j, idx] = found.conductance
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
    )
