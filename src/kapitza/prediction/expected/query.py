"""The expected measurement of a pair: its descriptors, the shipped fit, and the answer with its band."""

from __future__ import annotations

import dataclasses
import functools
import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ... import _checks
from ...errors import InputError
from ...io.descriptor_table import shipped_text
from ...literature.sample import DEPOSITIONS, SURFACES, family_option
from ..empirical import METHODS, normalize_method
from .procedure import NO_METHOD, TEMPERATURE_RANGES, range_index
from .result import SPLITS, ExpectedConductance, mw_text
from .rows import LONG_WAVES, pair_key, record_features, structure_features
from .stored import route_summary, shipped_fit

DEFAULT_METHOD = "TDTR"


#: The calibration page's score files (package data): the bare routes', the interlayer route's, the long waves'.
SCORE_FILES = ("expected_scores.toml", "interlayer_scores.toml", "long_wave_scores.toml")


@functools.lru_cache(maxsize=1)
def held_out_scores() -> dict[str, dict[str, Any]]:
    """The calibration page's held-out scores of each route (package data, :data:`SCORE_FILES`)."""
    import tomllib

    out: dict[str, dict[str, Any]] = {}
    for name in SCORE_FILES:
        text = shipped_text(name)
        if text is not None:
            out |= {route: dict(values) for route, values in tomllib.loads(text).get("routes", {}).items()}
    return out


def check_method(method: Any, name: str) -> None:
    """A measurement method as the user names it: a text of printable characters (any name; one the compilation
    does not know is noted where it is used), or InputError naming the option ``name``."""
    if not isinstance(method, str):
        raise InputError(f"{name} must be a string, one of {', '.join(METHODS)}; got {type(method).__name__}")
    if not method.isprintable():
        raise InputError(f"{name} must be printable text (one of {', '.join(METHODS)}), got {_checks.quoted(method)}")


def _method(method: str | None) -> tuple[str, str | None]:
    """The method category and a note where the user's method is not one of the compilation's."""
    if method is None:
        return DEFAULT_METHOD, None
    check_method(method, "method")
    category = normalize_method(method)
    if category == "other" and " ".join(method.split()).casefold() != "other":
        shown = repr(method) if len(method) <= 40 else f"{method[:30]!r}... ({len(method):,} characters)"
        return DEFAULT_METHOD, (
            f"method {shown} is none of the compilation's ({', '.join(METHODS)}): the estimate is for "
            f"{DEFAULT_METHOD}, its most common"
        )
    return category, None


def _temperatures(temperature: ArrayLike, allow_zero: bool = False) -> NDArray[np.float64]:
    """The query's temperatures by the one rule (:func:`kapitza.landauer.as_temperatures`), > 0 K unless
    ``allow_zero``."""
    from ...landauer import as_positive_temperatures, as_temperatures

    return as_temperatures(temperature) if allow_zero else as_positive_temperatures(temperature)


#: Band (high/low) beyond which an answer's first note says why it is so wide.
WIDE_BAND = 10.0

#: What computes a query's descriptors at temperatures (K, shape (n_T,)): (descriptors of shape (n_T, d), the
#: route's physics as ``kapitza predict`` reports it, W m^-2 K^-1, shape (n_T,)).
Describe = Callable[[NDArray[np.float64]], tuple[NDArray[np.float64], NDArray[np.float64]]]


def expected_from_features(
    route: str,
    side1: str,
    side2: str,
    describe: Describe,
    temperature: ArrayLike,
    method: str,
    inputs: Sequence[str],
    notes: Sequence[str] = (),
    sample: tuple[str, str] = ("unknown", "unknown"),
    *,
    pair: str | None = None,
    stack: str = "",
) -> ExpectedConductance:
    """The estimate for query rows whose descriptors ``describe(t)`` gives (shape (n_T, len(FEATURES[route])), with
    the route's physics: its DMM as reported, W m^-2 K^-1; a stack's series physics).  ``sample`` the (deposition,
    surface) families of the sample, said in the notes and not used: no route's estimate takes them (the honest
    selection of ``scripts/calibration/laboratory`` dropped them).  ``pair``: what other papers that measured the
    same interface share (default the two sides, :func:`~kapitza.prediction.expected.rows.pair_key`; a stack's
    :func:`~kapitza.prediction.expected.rows.stack_key`); ``stack``: the stack in words where it has interlayers.

    Outside the temperatures of every row the route learnt from (``t_min``-``t_max``) the estimate is its value at
    the nearer edge carried by the physics' own temperature law, ``G(T) = G_exp(T_edge) P(T) / P(T_edge)`` with its
    band's ratios kept: continuous at the edge, and G -> 0 as T -> 0 wherever the physics does (issue 83).  Where
    the physics has no value (a metal/metal pair without Fermi data), P is the electrons' linear law P ∝ T (the
    electronic DMM's C_e = gamma T, Gundrum, Cahill & Averback, Phys. Rev. B 72, 245426 (2005)) for a metal/metal
    pair, else Debye's T^3 below the rows and a classical constant above them."""
    fitted = shipped_fit(route)
    summary = route_summary(route)
    t = _temperatures(temperature)
    t_min, t_max = summary["t_min"], summary["t_max"]
    inner = np.clip(t, t_min, t_max)
    edges = np.unique(np.concatenate([t, inner]))
    x_all, dmm_all = describe(edges)
    x_all, dmm_all = np.asarray(x_all, dtype=float), np.asarray(dmm_all, dtype=float)
    where = np.searchsorted(edges, t)
    at_edge = np.searchsorted(edges, inner)
    inputs, notes = tuple(inputs), [*notes, *_sample_note(route, sample)]
    pair = pair_key(side1, side2) if pair is None else pair
    found = fitted.predict(x_all[at_edge], pair, inner)
    law = _continuation(fitted.names, x_all, dmm_all, edges, where, at_edge)
    value, low, high = 10**found.value * law, 10**found.low * law, 10**found.high * law
    # an answer's band holds its value: where a route's held-out residuals had both percentiles of one sign, the band
    # would lie beside it; it is widened to the value instead (never on the shipped routes, whose percentiles all
    # straddle zero: stored.shipped_fit(route).bands)
    low, high = np.minimum(low, value), np.maximum(high, value)
    beyond = (t < t_min) | (t > t_max)
    if beyond.any():
        notes.append(
            f"{_temperature_words(t[beyond], t_min)} outside every measurement the estimate learnt from "
            f"({t_min:g}-{t_max:g} K): there it is the estimate at {t_min:g} or {t_max:g} K carried by the physics' "
            "own temperature law, its band's ratios kept: not measured there"
        )
    few = sorted(
        {range_index(float(v)) for v in inner} & {i for i, ok in enumerate(fitted.bands.temperature_measured) if not ok}
    )
    for i in few:
        lo, hi = TEMPERATURE_RANGES[i]
        span = f"{lo:g}-{hi:g} K" if math.isfinite(hi) else f"above {lo:g} K"
        notes.append(
            f"few papers measured {span} ({fitted.bands.temperature_papers[i]}): the band there is widened "
            "by the widest widening measured in any temperature range"
        )
    if np.any(found.outside):
        notes.append(
            "a descriptor of this pair lies outside the range of the measured rows: the band is widened by the rule "
            "measured on held-out papers that were outside theirs"
            + ("" if fitted.bands.outside_measured else " (too few of them: the widest measured widening)")
        )
    papers = tuple(p for p in fitted.medians.get(pair, {}))
    wide = _wide_note(high / np.where(low > 0, low, np.nan), t, route, fitted, papers)
    if wide:
        notes.insert(0, wide)
    split = SPLITS[0] if papers else SPLITS[1]
    route_scores = held_out_scores().get(route, {})
    scores = route_scores.get(split) if isinstance(route_scores.get(split), dict) else None
    scores, split = (scores, split) if scores is not None else (route_scores, "")
    method_words = (
        "the method left out (the held-out papers were predicted better without it)"
        if fitted.base_kind.endswith(NO_METHOD)
        else f"the method ({method})"
    )
    inputs = (*inputs, f"base: {fitted.base_kind.removesuffix(NO_METHOD)} regression across pairs, {method_words}; "
              f"the other papers' residuals shrunk by n/(n + {fitted.k:g})")  # fmt: skip
    return ExpectedConductance(
        side1=str(side1), side2=str(side2), temperature=t, value=value, low=low, high=high,
        route=route, method=method, other_papers=papers,
        outside=np.asarray(found.outside | beyond, dtype=bool), inputs=tuple(inputs), notes=tuple(notes),
        held_out_factor=float(scores.get("median_factor_paper", math.nan)),
        held_out_coverage=float(scores.get("coverage_paper", math.nan)),
        held_out_rows=int(scores.get("rows", 0)), held_out_papers=int(scores.get("papers", 0)), held_out_split=split,
        stack=stack,
    )  # fmt: skip


def _continuation(
    names: Sequence[str],
    x: NDArray[np.float64],
    physics: NDArray[np.float64],
    edges: NDArray[np.float64],
    where: NDArray[np.intp],
    at_edge: NDArray[np.intp],
) -> NDArray[np.float64]:
    """P(T) / P(T_edge) per query temperature (1 inside the rows' range): the physics' temperature law, or where the
    physics has no value at either, the electrons' (metal/metal) or Debye's law (:func:`expected_from_features`)."""
    t, te = edges[where], edges[at_edge]
    p, pe = physics[where], physics[at_edge]
    ratio = np.ones(t.size)
    beyond = t != te
    known = beyond & np.isfinite(p) & np.isfinite(pe) & (pe > 0) & (p >= 0)
    ratio[known] = p[known] / pe[known]
    rest = beyond & ~known
    if rest.any():
        column = names.index("kind metal/metal") if "kind metal/metal" in names else None
        metal = x[where, column] > 0.5 if column is not None else np.zeros(t.size, dtype=bool)
        power = np.where(metal, 1.0, np.where(t < te, 3.0, 0.0))
        ratio[rest] = (t[rest] / te[rest]) ** power[rest]
    return ratio


def _wide_note(width: NDArray[np.float64], t: NDArray[np.float64], route: str, fitted: Any,
               papers: Sequence[str]) -> str:  # fmt: skip
    """Why the band is wider than :data:`WIDE_BAND` (high/low) where it is: the route, how many papers its band's
    temperature range rests on, how many measured the pair."""
    wide = np.isfinite(width) & (width > WIDE_BAND)
    if not wide.any():
        return ""
    i = int(np.argmax(np.where(wide, width, -np.inf)))
    r = range_index(float(t[i]))
    lo, hi = TEMPERATURE_RANGES[r]
    span = f"{lo:g}-{hi:g} K" if math.isfinite(hi) else f"above {lo:g} K"
    others = (
        f"{len(papers)} other paper{'s' if len(papers) != 1 else ''} measured this pair"
        if papers
        else ("no other paper measured this pair")
    )
    return (f"the band is wider than x{WIDE_BAND:g} (high/low x{width[i]:.3g} at {t[i]:g} K): the {route} route's "
            f"held-out residuals are that wide where {fitted.bands.temperature_papers[r]} papers measured {span}, "
            f"and {others}")  # fmt: skip


def _sample_note(route: str, sample: tuple[str, str]) -> list[str]:
    """The note that the sample's families, where the user gave them, are not used by ``route``'s estimate."""
    if sample == ("unknown", "unknown"):
        return []
    return [
        f"the sample (deposition {sample[0]}, surface {sample[1]}) is not used: the {route} estimate did not "
        "improve with the sample's families on held-out pairs nobody else measured (docs: reference/calibration)"
    ]


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
def physics_only(route: str) -> tuple[float, float, float]:
    """(lower band, 50th, upper band) paper-weighted percentiles of log10(measured / DMM) over the route's rows
    (the band's at its finite-sample level): the DMM's own measured correction and band."""
    s = route_summary(route)
    return s["physics_low"], s["physics_mid"], s["physics_high"]


def expected_conductance(
    side1: Any,
    side2: Any,
    temperature: ArrayLike,
    *,
    method: str | None = None,
    crystals: tuple[Any, Any] | None = None,
    deposition: str | None = None,
    surface: str | None = None,
    interlayers: Sequence[Any] | None = None,
    long_waves: Sequence[str] = (),
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
        native-oxide, solvent-cleaned); default unknown.  Checked, said in the notes and not used: no route's
        estimate improved with them on held-out pairs nobody else measured (the calibration page).
    interlayers : sequence, optional
        The layers between side 1 and side 2, from side 1's (``"Ti:2nm"``, ``("a-SiO2", 1.5e-9)``,
        ``"graphene"``; :func:`kapitza.prediction.interlayer.parse_interlayers`): the expected measurement of the
        stack, from its series physics and the compilation's stacks (the interlayer route).  None or () is the bare
        pair.
    long_waves : sequence of str, optional
        The names of the sides whose long waves stood in for the phonons the potential refused
        (:func:`kapitza.phonons.long_waves.long_wave_crystal`): ``side1`` and ``side2`` are then the two Material
        records as the prediction holds them (the refused side's Debye record from the potential's elastic
        constants, the other as the Debye settings take it), and the estimate is the long-wave route
        (:func:`long_wave_expected`).

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
    from ..interlayer.layers import parse_interlayers

    layers = parse_interlayers(interlayers)
    if layers and crystals is None and not long_waves:
        from ..interlayer.series import check_stack, lawful_layers

        check_stack(side1, layers, side2)
        layers, said = lawful_layers(side1, layers, side2)  # a side's own film left out, one film twice merged
        notes += said
    if layers and crystals is not None:
        raise InputError("a stack's expected measurement runs through the database's materials: leave out the "
                         "crystals built from their structures")  # fmt: skip
    if isinstance(long_waves, str) or not isinstance(long_waves, (tuple, list)):
        raise InputError(f"long_waves must be a list of side names, got {type(long_waves).__name__}")
    if long_waves and (layers or crystals is not None):
        raise InputError("the long-wave route takes the two sides' records alone: no interlayers, no crystals")
    if long_waves:
        found = long_wave_expected(side1, side2, long_waves, t[warm], category, notes, sample)
    elif layers:
        found = _stack_query(side1, side2, layers, t[warm], category, notes, sample)
    elif crystals is not None:
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


def _solid(material: Any, option: str) -> None:
    """Refuse a fluid side (liquid helium): every route learnt from solid interfaces only."""
    if material.is_fluid:
        raise InputError(
            f"{option} {material.name} is a fluid: the estimate learnt from solid interfaces only (the compilation "
            "holds no liquid-helium row); see the expected range between the DMM and the AMM below"
        )


def _database_query(
    side1: Any,
    side2: Any,
    t: NDArray[np.float64],
    method: str,
    notes: list[str],
    sample: tuple[str, str],
) -> ExpectedConductance:
    from ...materials import get_material

    records = []
    for side, option in ((side1, "side1"), (side2, "side2")):
        m = get_material(side)
        _solid(m, option)
        if m.origin != "database":
            raise InputError(
                f"{option} {m.name!r} comes from {m.origin}, not the database: the estimate learnt from the "
                "database's materials and from crystals built from their structures (a structure file or "
                "--calculator), not from a material file's numbers; the physics below is the file's"
            )
        records.append(m)
    a, b = (m.name for m in records)
    if a == b:
        raise InputError(f"side1 and side2 are both {a}: there is no interface to estimate")
    first, second = _canonical(records[0], records[1])
    lacking = _lacking_electrons(first, second)  # the rule rows.electrons_unrecorded keeps such rows out by
    if lacking:
        raise _withheld(first, second, lacking)

    def describe(tt: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        x, query = record_features(first, second, tt, method)
        return x, query.predicted[0]

    inputs = ("Debye DMM, radiation limit and AMM of the pair (with its electrons), how far apart the two sides' "
              "Debye temperatures and impedances lie (|log10| of their ratios) and the temperature",)  # fmt: skip
    return expected_from_features("database", a, b, describe, t, method, inputs, notes, sample)


def _lacking_electrons(one: Any, two: Any) -> tuple[str, ...]:
    """The metals of a metal/metal pair whose electronic DMM data (Fermi velocity, Sommerfeld coefficient) kapitza
    lacks; () for a pair of another kind or one it can describe."""
    from ..interface import interface_kind, lacking_electron_data

    if interface_kind(one, two) != "metal/metal":
        return ()
    return lacking_electron_data((one, two))  # the records: no second lookup of their names


def _withheld(one: Any, two: Any, lacking: Sequence[str]) -> InputError:
    """The refusal (the answer's reason) of a metal/metal pair whose electrons kapitza cannot describe: they carry the
    heat across it, and the phonon channel a route would otherwise lead with is only a lower bound, an order of
    magnitude or more below (issue 83).  It names what each metal lacks."""
    return InputError(
        f"{one.name}/{two.name} is a metal/metal interface: electrons carry the heat across it, and kapitza has no "
        f"{'; no '.join(_lacks(name) for name in lacking)} (the electronic DMM needs both of each metal); the phonon "
        "numbers below are the phonon channel alone, a lower bound (metal/metal interfaces conduct in the "
        "GW m^-2 K^-1 range through their electrons)"
    )


def _lacks(metal: str) -> str:
    """'Fermi velocity for W' (what of the electronic DMM's data ``metal`` lacks)."""
    from ...materials.electrons import list_electron_metals

    if metal not in list_electron_metals():
        return f"electron data for {metal}"
    from ...materials.electrons import get_electrons

    data = get_electrons(metal)
    words = {"fermi_velocity": "Fermi velocity", "sommerfeld_gamma": "Sommerfeld coefficient"}
    return " or ".join(w for f, w in words.items() if getattr(data, f) is None) + f" for {metal}"


def _canonical(one: Any, two: Any) -> tuple[Any, Any]:
    """The two sides in one order whichever was typed first (by name): every route computes a pair's descriptors in
    this order, so that (A, B) and (B, A) give the same numbers to the last bit (reciprocity, issue 83)."""
    return (one, two) if str(one.name) <= str(two.name) else (two, one)


def long_wave_widening() -> tuple[float, dict[str, Any]]:
    """The factor the long-wave route widens the database route's band by, and the scores it quotes: the
    calibration page's (package data ``long_wave_scores.toml``, ``scripts/calibration/long_waves.py``)."""
    scores = held_out_scores().get(LONG_WAVES)
    if not scores or "widening" not in scores:
        raise InputError("the long-wave route's scores are not shipped (long_wave_scores.toml): run "
                         "PYTHONPATH=src:scripts python -m calibration.make_page --only long_waves")  # fmt: skip
    return float(scores["widening"]), scores


def long_wave_expected(
    side1: Any,
    side2: Any,
    long_waves: Sequence[str],
    t: NDArray[np.float64],
    method: str,
    notes: list[str],
    sample: tuple[str, str],
) -> ExpectedConductance:
    """The long-wave route: where a side's long waves stood in for the phonons the potential refused, the database
    route's shipped fit on the database descriptors of the two records as the prediction holds them
    (:func:`~kapitza.prediction.expected.rows.record_features`), its band's half-widths (decades, about the
    estimate) times the widening measured held out by paper on long-wave descriptors (:func:`long_wave_widening`),
    and the long-wave scores quoted.  ``side1``, ``side2``: Material records; ``long_waves``: the names of the sides
    whose long waves stood in; ``t`` > 0 K."""
    from ...materials import Material

    records = (side1, side2)
    for side, option in zip(records, ("side1", "side2")):
        if not isinstance(side, Material):
            raise InputError(f"{option}: the long-wave route takes the Material records the prediction holds, got "
                             f"{type(side).__name__}")  # fmt: skip
        _solid(side, option)
    names = _checks.labels(long_waves, "long_waves", check=_checks.side_name)
    if not names or any(n not in (side1.name, side2.name) for n in names):
        raise InputError(f"long_waves must name side1 ({side1.name}) or side2 ({side2.name}), got {list(long_waves)}")
    if side1.name == side2.name:
        raise InputError(f"side1 and side2 are both {side1.name}: there is no interface to estimate")
    widening, scores = long_wave_widening()
    first, second = _canonical(side1, side2)
    lacking = _lacking_electrons(first, second)
    if lacking:
        raise _withheld(first, second, lacking)

    def describe(tt: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        x, query = record_features(first, second, tt, method)
        return x, query.predicted[0]

    inputs = (f"Debye DMM, radiation limit and AMM of the pair (with its electrons), Debye-temperature and impedance "
              f"ratios and the temperature, from the Debye records of {' and '.join(names)} (the potential's "
              "relaxed-ion elastic constants: its phonons were refused) and of the other side as the prediction "
              "holds it; the database route's fit",)  # fmt: skip
    found = expected_from_features("database", side1.name, side2.name, describe, t, method, inputs, notes,
                                   sample)  # fmt: skip
    split = found.held_out_split
    quoted = scores.get(split) if isinstance(scores.get(split), dict) else None
    quoted, split = (quoted, split) if quoted is not None else (scores, "")
    widening = float(quoted.get("widening", widening))  # the split's own W where the page chose one (issue 83)
    v = found.value
    low, high = v * (found.low / v) ** widening, v * (found.high / v) ** widening
    note = (f"the band is the database route's widened by x{widening:.2f} for the long waves: held out by paper on "
            f"{quoted.get('rows', 0)} rows of {quoted.get('papers', 0)} papers whose two sides the page replaced by "
            "their long waves from the same potential's elastic constants (those of its pairs "
            f"{split or 'of every kind'}), the factor that brings the band's coverage to 68 % of the papers (docs: "
            "reference/calibration)")  # fmt: skip
    return dataclasses.replace(
        found, route=LONG_WAVES if found.route == "database" else found.route, low=low, high=high,
        notes=(*found.notes, note), long_waves=names, widening=widening,
        held_out_factor=float(quoted.get("median_factor_paper", math.nan)),
        held_out_coverage=float(quoted.get("coverage_paper", math.nan)),
        held_out_rows=int(quoted.get("rows", 0)), held_out_papers=int(quoted.get("papers", 0)), held_out_split=split,
    )  # fmt: skip


def _stack_query(
    side1: Any,
    side2: Any,
    layers: Sequence[Any],
    t: NDArray[np.float64],
    method: str,
    notes: list[str],
    sample: tuple[str, str],
) -> ExpectedConductance:
    """The interlayer route (issue 83's construction): the estimate fitted on the compilation's stacks learns what
    their rows measure, the stack's interfaces with no thickness given (descriptors: the series physics of the
    stack's interfaces alone, as the rows have it, and the bare pair's; the interlayers' families); each layer's own
    resistance d / kappa(d, T) and the thin-layer weight w enter by the series law outside the fit, with the bare
    pair's expected measurement (the database route):

    ``1/G = (1 - w) / G_bare + w / G_interfaces + sum_k d_k / kappa_k(d_k, T)``

    so G never rises as a layer thickens beyond the thin-layer regime (w = 1 from d = 9 lambda on), never exceeds a
    layer's own conductance kappa / d, and tends to the bare pair's as every layer vanishes.  The band: each part's
    band edges put through the same law (the two estimates' errors taken as fully correlated), the film's physics
    without a band of its own (the compilation measured no film conductivity)."""
    from ...materials import get_material
    from ..interlayer.series import stack_physics
    from ..validation.calculators import pair_electrons
    from .rows import STACK, STACK_FAMILIES, family_flags, stack_features, stack_key

    names, records = [], {}
    for side, option in ((side1, "side1"), (side2, "side2")):
        m = get_material(side)
        if m.is_fluid or m.origin != "database":
            raise InputError(f"{option} {m.name}: a stack's expected measurement takes the database's solids (its "
                             "estimate learnt from their stacks)")  # fmt: skip
        names.append(m.name)
        records[m.name] = m  # what goes down: the records, not their names to look up again
    a, b = names
    words = " / ".join([a, *(layer.text() for layer in layers), b])
    key = stack_key(a, [layer.canonical for layer in layers], b)
    if key != f"{a}|{'/'.join(layer.canonical for layer in layers)}|{b}":  # one orientation whichever is typed
        a, b, layers = b, a, tuple(reversed(tuple(layers)))
    physics = stack_physics(records[a], layers, records[b], t)
    kind, g_ep = pair_electrons(records[a], records[b])
    unthick = tuple(dataclasses.replace(layer, thickness=None) for layer in layers)
    flags = family_flags(layers)

    def describe(tt: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        found = stack_physics(records[a], unthick, records[b], tt)
        x = stack_features(found.conductance, found.bare, tt, np.full(tt.size, g_ep), kind, [method] * tt.size)
        if STACK_FAMILIES:
            x = np.column_stack([x, np.repeat(flags[None, :], tt.size, axis=0)])
        return x, found.conductance

    families = ", ".join(dict.fromkeys(layer.family for layer in layers))
    family_words = (f"; the interlayers' families ({families})" if STACK_FAMILIES
                    else f" (not the interlayers' families, {families}: the selection dropped them)")  # fmt: skip
    inputs = (f"the series physics of the interfaces of {words} (each interface's Debye DMM with its electrons, no "
              "layer's own resistance: the compilation's stacks give no thickness), the bare pair's DMM and the "
              f"temperature{family_words}",)  # fmt: skip
    interfaces = expected_from_features(STACK, names[0], names[1], describe, t, method, inputs,
                                        [*notes, *physics.notes], sample, pair=key, stack=words)  # fmt: skip
    thick = [layer for layer in layers if layer.thickness is not None]
    if not thick:
        return interfaces
    w, films = np.asarray(physics.weight), np.asarray(physics.films)
    if np.all(w >= 1) or a == b:  # a == b: no bare interface (a vanishing layer leaves one material)
        bare = (math.inf, math.inf, math.inf)
    else:
        found = _database_query(records[a], records[b], t, method, [], sample)
        bare = (found.value, found.low, found.high)

    def law(g_bare: Any, g_interfaces: NDArray[np.float64]) -> NDArray[np.float64]:
        return 1.0 / ((1.0 - w) / np.asarray(g_bare, dtype=float) + w / g_interfaces + films)

    value, low, high = (law(g, h) for g, h in zip(bare, (interfaces.value, interfaces.low, interfaces.high)))
    said = _film_notes(layers, physics, t, method, interfaces)
    return dataclasses.replace(interfaces, value=value, low=low, high=high,
                               notes=(*said, *interfaces.notes))  # fmt: skip


#: The modulation frequency (Hz) at which a thermoreflectance measurement's reach is stated: TDTR's common 10 MHz
#: (Cahill, Rev. Sci. Instrum. 75, 5119 (2004)).
MODULATION_HZ = 10e6


def _film_notes(layers: Sequence[Any], physics: Any, t: NDArray[np.float64], method: str,
                interfaces: ExpectedConductance) -> list[str]:  # fmt: skip
    """What the layers' own resistance does to the answer, and what a thermoreflectance measurement of the stack
    reports: a layer thinner than its thermal penetration depth d_p = sqrt(kappa / (pi C f)) at f =
    :data:`MODULATION_HZ` (Cahill 2004) lies inside the one conductance such a fit reports (the first line); a
    thicker one is a layer of its thermal model, reported with its own conductivity beside the interfaces'."""
    from ..interlayer.film import debye_heat_capacity, film_conductivity

    i = int(np.argmin(np.abs(np.log(t / 300.0))))
    out = [
        f"each layer's own resistance (d / kappa(d, T)) is in series with the interfaces' estimate by the series "
        f"law, outside the fit: at {t[i]:g} K the layers add {1e9 * float(physics.films[i]):.3g} m^2 K GW^-1"
    ]
    if method not in ("TDTR", "FDTR"):
        return out
    for layer in layers:
        if layer.thickness is None or layer.material is None or layer.form == "monolayer":
            continue
        name = layer.material  # the record's name (a Layer is the one layer_of gives)
        form = "amorphous" if layer.form == "amorphous" else "crystal"
        kappa = float(film_conductivity(name, layer.thickness, t[i : i + 1], form).kappa[0])
        heat = float(debye_heat_capacity(name, t[i : i + 1])[0])
        if not (math.isfinite(kappa) and heat > 0):
            continue
        reach = math.sqrt(kappa / (math.pi * heat * MODULATION_HZ))
        d = layer.thickness
        if d < reach:
            out.append(f"{layer.text()} is thinner than its thermal penetration depth at {MODULATION_HZ / 1e6:g} MHz "
                       f"({1e9 * reach:.3g} nm at {t[i]:g} K, Cahill 2004): a {method} fit reports the stack as one "
                       "conductance, the first line, the layer's resistance inside it")  # fmt: skip
        else:
            out.append(f"{layer.text()} is thicker than its thermal penetration depth at {MODULATION_HZ / 1e6:g} MHz "
                       f"({1e9 * reach:.3g} nm at {t[i]:g} K, Cahill 2004): a {method} fit resolves it as a layer and "
                       f"reports its conductivity ({kappa:.3g} W m^-1 K^-1, physics without a measured band) and the "
                       f"interfaces' conductance, expected {mw_text(interfaces.value[i])} "
                       f"({mw_text(interfaces.low[i])}-{mw_text(interfaces.high[i])}) MW m^-2 K^-1, apart from the "
                       "stack's total on the first line")  # fmt: skip
    return out


def _structure_query(
    crystals: tuple[Any, Any],
    t: NDArray[np.float64],
    method: str,
    notes: list[str],
    sample: tuple[str, str],
) -> ExpectedConductance:
    from ..validation.calculators import pair_electrons, pair_full_dispersion

    c1, c2 = _canonical(*crystals)
    kind, g_ep = pair_electrons(c1.material, c2.material)
    lacking = _lacking_electrons(c1.material, c2.material)
    if lacking:
        raise _withheld(c1.material, c2.material, lacking)

    def describe(tt: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        g_phonon, g_reported = pair_full_dispersion(c1, c2, tt)
        n = tt.size
        return structure_features(g_reported, g_phonon, tt, np.full(n, g_ep), [kind] * n, [method] * n), g_reported

    inputs = (f"full-dispersion DMM of both crystals with {c1.calculator} (with the electrons where kapitza has "
              f"them), the interface kind ({kind}) and the temperature",)  # fmt: skip
    a, b = crystals[0].name, crystals[1].name
    return expected_from_features("structure", a, b, describe, t, method, inputs, notes, sample)


def expected_or_reason(
    side1: Any,
    side2: Any,
    temperature: ArrayLike,
    method: str | None = None,
    crystals: tuple[Any, Any] | None = None,
    sample: tuple[str | None, str | None] = (None, None),
    interlayers: Sequence[Any] | None = None,
    long_waves: Sequence[str] = (),
) -> tuple[ExpectedConductance | None, str | None]:
    """:func:`expected_conductance`, or None and why it cannot be given for this pair (a side it has no
    descriptors for, no stored structure-route rows); scikit-learn missing still raises MissingDependencyError.
    ``sample``: (deposition, surface) families, checked by the caller; ``interlayers`` checked by the caller too;
    ``long_waves``: the sides whose long waves stood in (the long-wave route, on the records ``side1``, ``side2``)."""
    try:
        return expected_conductance(side1, side2, temperature, method=method, crystals=crystals,
                                    deposition=sample[0], surface=sample[1], interlayers=interlayers,
                                    long_waves=long_waves), None  # fmt: skip
    except InputError as exc:
        return None, str(exc)
