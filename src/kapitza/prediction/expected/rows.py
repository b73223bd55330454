"""The measured rows each route of the expected measurement learns from, with their descriptors.

Two routes, one per kind of input a query can bring (:data:`ROUTES`): ``"database"`` (both sides kapitza materials:
the Debye DMM, radiation limit and AMM from the database) and ``"structure"`` (the full-dispersion DMM of a
universal potential's phonons, for any pair the structure route builds; its training descriptors are package data
written by ``scripts/expected_descriptors.py``, read here by :func:`shipped_structure_descriptors`).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ... import _checks
from ...errors import InputError
from ...io.descriptor_table import read_descriptor_csv, shipped_text
from ...io.results import result
from ...literature import Measurements, shipped_measurements
from ...literature.stacks import FAMILIES as _FAMILIES
from ..empirical import METHODS, log10_positive, normalize_method
from ..validation import KINDS

#: The two routes of a bare pair: the database's physics, or a universal potential's phonons from the crystals'
#: structures.
ROUTES = ("database", "structure")
#: The route of a stack with interlayers between two database materials (issue 77): the series physics of
#: :mod:`kapitza.prediction.interlayer`.
STACK = "interlayer"
#: Every route the estimate has rows for.
ALL_ROUTES = (*ROUTES, STACK)
#: The route of a pair where a side's long waves stood in for the phonons the potential refused
#: (:func:`kapitza.phonons.long_waves.long_wave_crystal`): the database route's fit on the database descriptors of the
#: two records as the prediction holds them (:func:`record_features`), its band widened by what the calibration page
#: measured held out by paper on long-wave descriptors (``prediction/data/long_wave_scores.toml``).  It has no rows
#: of its own.
LONG_WAVES = "long waves"
#: The interlayer families as descriptors of the interlayer route (0/1: the stack holds a layer of the family),
#: tried by the honest selection on the compilation's stacks (scripts/calibration/interlayer.py; the calibration page).
FAMILY_FEATURES = tuple(f"family {f}" for f in _FAMILIES)
#: Whether the interlayer route's rows and queries carry :data:`FAMILY_FEATURES` after its own descriptors: the
#: page's verdict, by hand.  Kept on 2026-11-28 with boosting among the bases; dropped on 2026-11-29 when the bases
#: became the smooth ridge regressions (issue 83: the rows others measured got worse, x1.413 against x1.367); kept
#: again once the ridge may not learn the stack's physics backwards (``procedure.MONOTONE``): the rows nobody else
#: measured x1.851 against x1.890 without them and x2.015 with their placebo, by whole stack x1.492 against x1.579.
STACK_FAMILIES = True
#: Descriptor columns of each route, in order (log10 of conductances in W m^-2 K^-1, of T in K).
FEATURES: Mapping[str, tuple[str, ...]] = {
    "database": (
        "log10 G_dmm", "log10 G_limit", "log10 G_amm", "log10 G_dmm phonon", "log10 G_limit phonon",
        "log10 G_amm phonon", "log10 T", "|log10 Debye ratio|", "|log10 impedance ratio|", "log10 G_ep",
        *(f"kind {k}" for k in KINDS), *(f"method {m}" for m in METHODS),
    ),
    "structure": (
        "log10 G_fd", "log10 G_fd phonon", "log10 T", "log10 G_ep",
        *(f"kind {k}" for k in KINDS), *(f"method {m}" for m in METHODS),
    ),
    STACK: (
        "log10 G_stack", "log10 G_bare", "log10 T", "log10 G_ep",
        *(f"kind {k}" for k in KINDS), *(f"method {m}" for m in METHODS),
    ),
}  # fmt: skip


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
        if self.route not in ALL_ROUTES:
            raise InputError(f"route must be one of {', '.join(ALL_ROUTES)}, got {self.route!r}")
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
        none_or_positive(_checks.sized(self.dmm, "dmm", (n,)), "dmm")
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


def none_or_positive(values: NDArray[np.float64], name: str, zero: bool = False) -> None:
    """Every entry NaN (no value) or a finite conductance > 0 (``zero``: >= 0), W m^-2 K^-1."""
    x = np.asarray(values, dtype=float)
    bad = ~np.isnan(x) & ~(np.isfinite(x) & ((x >= 0) if zero else (x > 0)))
    if np.any(bad):
        raise InputError(
            f"{name} must hold conductances {'>= 0' if zero else '> 0'} W m^-2 K^-1 or NaN, got {x[bad][0]:g}"
        )


def pair_key(a: str, b: str) -> str:
    """The pair of ``a`` and ``b`` in either order: "A|B" with the names sorted."""
    return "|".join(sorted((str(a).strip(), str(b).strip())))


def _flags(values: Sequence[str], categories: Sequence[str]) -> list[NDArray[np.float64]]:
    return [np.array([v == c for v in values], dtype=float) for c in categories]


def database_features(table: Any, records: Mapping[str, Any] | None = None) -> NDArray[np.float64]:
    """The database route's descriptors (:data:`FEATURES` ``["database"]``) of a validation table's rows (models
    dmm, limit and amm): the empirical estimate's descriptors (:func:`~kapitza.prediction.empirical.descriptor_matrix`,
    one copy of each rule; ``records``: the material records the table was made with, by name, where they are not
    the database's) less its interlayer and has-G_ep flags (bare rows only; G_ep missing says the same)."""
    from ..empirical import DESCRIPTORS, descriptor_matrix

    return descriptor_matrix(table, records)[:, [DESCRIPTORS.index(n) for n in FEATURES["database"]]]


def record_features(
    side1: Any, side2: Any, temperature: ArrayLike, method: str | Sequence[str]
) -> tuple[NDArray[np.float64], Any]:
    """The database route's descriptors of a pair given as two material records (its database records, or a
    crystal's long waves and the other crystal's record as a prediction holds them), at each temperature (K) with
    the measurement ``method`` (one, or one per temperature): (descriptors of shape (n_T, len(FEATURES["database"])),
    the :class:`~kapitza.prediction.validation.ValidationTable` they were computed from, whose ``predicted[0]`` is
    the DMM as ``kapitza predict`` reports it and ``phonon[0]`` the phonon DMM alone).  The rules are those of the
    route's rows (:func:`~kapitza.prediction.validation.pair_table`, :func:`database_features`), with the records'
    numbers in place of the database's."""
    from ..validation import pair_table

    if side1.name == side2.name and side1 != side2:
        raise InputError(f"two different records are both named {side1.name!r}: the descriptors take each by name")
    table = pair_table(side1, side2, np.asarray(temperature, dtype=float), method)
    return database_features(table, {side1.name: side1, side2.name: side2}), table


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
    from ..validation import validation_table

    data = shipped_measurements() if measurements is None else measurements
    table = validation_table(("dmm", "limit", "amm"), measurements=data)
    ids = row_places(data, table)
    keep = ~np.asarray(table.flagged, dtype=bool) & np.isfinite(table.measured) & (table.measured > 0)
    keep &= ~np.array([electrons_unrecorded(a, b, k) for a, b, k in zip(table.side1, table.side2, table.kind)], bool)
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


def electrons_unrecorded(side1: Any, side2: Any, kind: str) -> bool:
    """A metal/metal pair with a side whose electronic DMM kapitza cannot compute (no Fermi velocity or Sommerfeld
    coefficient: the transition metals W, Ni, Pt, Pd, Ir ... of issue 84, or a metal without any electron record):
    electrons carry its heat and no descriptor here describes them, so the database route neither learns from its
    rows nor answers it, as the structure and long-wave routes do not (issue 84: learnt from, paper 73's Cu/W rows at
    1-10 K came out x3.2e6 off held out, paper 74's Au/Pt and Cu/Pt x14, paper 36's Ir/Pd x11, and the pairs
    nobody else measured went from x1.68 to x2.25)."""
    if kind != "metal/metal":
        return False
    from ...materials import get_material
    from ..interface import lacking_electron_data

    return bool(lacking_electron_data((get_material(side1).name, get_material(side2).name)))


def row_places(data: Measurements, table: Any, interlayers: bool = False) -> tuple[str, ...]:
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
STRUCTURE_COLUMNS = ("row", "film", "substrate", "temperature_k", "g_fd_w_m2k", "g_fd_phonon_w_m2k", "g_ep_w_m2k",
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
        none_or_positive(self.g_ep, "g_ep")
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
        from ...atomistic.calculators import calculator_name

        calculator_name(self.calculator, from_file="a saved result's descriptors")


def read_structure_descriptors(text: str, where: str = STRUCTURE_FILE) -> StructureDescriptors:
    """Parse the stored descriptors (CSV with ``# calculator:`` and ``# provenance:`` comment lines)."""
    meta, rows = read_descriptor_csv(text, where, STRUCTURE_COLUMNS)
    from ...atomistic.calculators import calculator_name

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
    from ..bounds import check_bounds

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


def expected_rows(route: str) -> ExpectedRows:
    """The shipped compilation's rows of ``route`` (:data:`ALL_ROUTES`) with the route's descriptors
    (:data:`FEATURES`), cached in-process."""
    if route not in ALL_ROUTES:
        raise InputError(f"route must be one of {', '.join(ALL_ROUTES)}, got {route!r}")
    return _rows(route)


@functools.lru_cache(maxsize=3)
def _rows(route: str) -> ExpectedRows:
    if route == STACK:
        return interlayer_rows(families=STACK_FAMILIES)
    return database_rows() if route == "database" else structure_rows()


# -- the stacks with interlayers ---------------------------------------------------------------------------------


def stack_key(side1: str, layers: Sequence[str], side2: str) -> str:
    """A stack in either orientation as one text, ``"A|I1/I2|B"``, the orientation whose text sorts first: the "pair"
    of a stack (what other papers that measured the same stack share)."""
    one = f"{side1}|{'/'.join(layers)}|{side2}"
    other = f"{side2}|{'/'.join(reversed(list(layers)))}|{side1}"
    return min(one, other)


def stack_features(
    g_stack: ArrayLike, g_bare: ArrayLike, temperature: ArrayLike, g_ep: ArrayLike, kind: str, method: Sequence[str]
) -> NDArray[np.float64]:
    """The interlayer route's descriptors (:data:`FEATURES` ``["interlayer"]``): the stack's series physics and the
    bare pair's (W m^-2 K^-1), T (K), the outer metal's G_ep (W m^-2 K^-1, NaN where none), kind and method."""
    t = np.atleast_1d(np.asarray(temperature, dtype=float))
    columns = [log10_positive(g_stack), log10_positive(g_bare), log10_positive(t), log10_positive(g_ep)]
    columns += _flags([kind] * t.size, KINDS)
    columns += _flags([normalize_method(m) for m in method], METHODS)
    return np.column_stack(columns)


#: Database records that are sides of bare pairs only, not of the interlayer route's stacks, and why (issue 84):
#: with paper 31's Al/Ti/graphite stacks in its fit the interlayer route's held-out factor by paper went from x1.53
#: to x1.76 and its coverage of the stacks nobody else measured to 0.56 (scripts/layered_study.py).
BARE_ONLY: dict[str, str] = {
    "graphite": "graphite's record (its cross-plane long waves) is a side of bare pairs only: stacks on it made the "
    "interlayer route worse held out (scripts/layered_study.py)",
}


@functools.lru_cache(maxsize=1)
def _stack_rows_found() -> tuple[Any, ...]:
    """Per interlayer row of the shipped compilation it can describe: (place, layers, physics at its T) and the
    rows it cannot with why (computed once a process)."""
    from ...literature.stacks import stack_layers
    from ..interlayer.layers import layer_of
    from ..interlayer.series import stack_physics

    data = shipped_measurements()
    groups: dict[tuple[str, str, str], list[int]] = {}
    left_out: dict[str, str] = {}
    for i in np.flatnonzero(data.interlayer):
        film, substrate = data.film_material[i], data.substrate_material[i]
        if not (film and substrate) or not data.temperature[i] > 0 or not data.conductance[i] > 0:
            left_out[str(i)] = "a side is not a database material"
            continue
        if film in BARE_ONLY or substrate in BARE_ONLY:
            left_out[str(i)] = BARE_ONLY[film if film in BARE_ONLY else substrate]
            continue
        read = stack_layers(data.stack[i], data.film[i], data.substrate[i])
        if read.unknown or not read.interlayers:
            left_out[str(i)] = f"the stack's words are not read ({', '.join(read.unknown) or 'no interlayer'})"
            continue
        groups.setdefault((film, read.key, substrate), []).append(int(i))
    found = []
    for (film, key, substrate), rows in groups.items():
        words = key.split("/")
        try:
            layers = tuple(layer_of(w, need_thickness=False) for w in words)
            physics = stack_physics(film, layers, substrate, data.temperature[rows])
        except InputError as exc:
            for i in rows:
                left_out[str(i)] = str(exc)
            continue
        if not np.all(np.isfinite(physics.conductance) & (physics.conductance > 0)):
            for i in rows:
                left_out[str(i)] = "the series physics gives no value"
            continue
        found.append((film, layers, substrate, tuple(rows), physics))
    return tuple(found), left_out


def family_flags(layers: Sequence[Any]) -> NDArray[np.float64]:
    """:data:`FAMILY_FEATURES` of a stack's interlayers (each with a ``family``), shape (5,)."""
    have = {layer.family for layer in layers}
    return np.array([f in have for f in _FAMILIES], dtype=float)


def interlayer_rows(families: bool = STACK_FAMILIES) -> ExpectedRows:
    """Every interlayer row of the shipped compilation whose two sides are database materials and whose interlayers
    kapitza reads and describes (:mod:`kapitza.literature.stacks`, :mod:`kapitza.prediction.interlayer`), with the
    interlayer route's descriptors and, with ``families``, the :data:`FAMILY_FEATURES` the estimate takes; its "pair"
    is its stack (:func:`stack_key`)."""
    from ..validation.calculators import pair_electrons

    data = shipped_measurements()
    found, _ = _stack_rows_found()
    x_rows, place, pair, s1, s2, physics_g = [], [], [], [], [], []
    for film, layers, substrate, rows, physics in found:
        kind, g_ep = pair_electrons(film, substrate)
        t = data.temperature[list(rows)]
        x = stack_features(physics.conductance, physics.bare, t, np.full(t.size, g_ep), kind,
                           [data.method[i] for i in rows])  # fmt: skip
        if families:
            x = np.column_stack([x, np.repeat(family_flags(layers)[None, :], t.size, axis=0)])
        x_rows.append(x)
        key = stack_key(film, [layer.canonical for layer in layers], substrate)
        for k, i in enumerate(rows):
            place.append(i)
            pair.append(key)
            s1.append(film)
            s2.append(substrate)
            physics_g.append(float(physics.conductance[k]))
    order = np.argsort(place, kind="stable")
    names = (*FEATURES[STACK], *(FAMILY_FEATURES if families else ()))
    x = np.vstack(x_rows)[order] if x_rows else np.zeros((0, len(names)))
    idx = [place[k] for k in order]
    return ExpectedRows(
        route=STACK, features=x, measured=np.asarray(data.conductance[idx], dtype=float),
        temperature=np.asarray(data.temperature[idx], dtype=float), paper=tuple(data.reference_id[i] for i in idx),
        pair=tuple(pair[k] for k in order), side1=tuple(s1[k] for k in order), side2=tuple(s2[k] for k in order),
        row_id=tuple(str(i) for i in idx), dmm=np.asarray([physics_g[k] for k in order], dtype=float),
        source="the stack's series physics: each interface's Debye DMM with its electrons, each layer's film",
        names=names,
    )  # fmt: skip


def interlayer_left_out() -> dict[str, str]:
    """The compilation's interlayer rows the route leaves out (place -> why)."""
    return dict(_stack_rows_found()[1])
