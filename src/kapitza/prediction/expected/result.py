"""The expected measurement's answer: the conductance a measurement of the pair is expected to give, with its band."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from ... import _checks
from ...errors import InputError
from ...io.results import result
from ..empirical import METHODS
from .rows import ALL_ROUTES, LONG_WAVES, none_or_positive

#: The two kinds of held-out row: its pair measured by other papers (the estimate leans on them), or by nobody else
#: (the case of a user's new pair, and the reason to use a model at all).
SPLITS = ("measured by others", "nobody else measured")


def check_band(value: Any, low: Any, high: Any, n: int, *, inside: bool = False) -> None:
    """One estimate and its band per row (shape (n,)): each NaN (none) or a conductance >= 0, W m^-2 K^-1, with
    low <= high where both are given (to round-off), and with ``inside`` the value within its band.  A held-out
    fold's value may lie outside its band (the band is the spread of held-out residuals, and where a fold's residuals
    are mostly of one sign both its edges lie on that side: the made-up compilations of the calibration page give
    such folds); an answer's never does (:class:`ExpectedConductance`: its query widens such a band to its value)."""
    v, lo, hi = (_checks.sized(x, name, (n,)) for x, name in ((value, "value"), (low, "low"), (high, "high")))
    for x, name in ((v, "value"), (lo, "low"), (hi, "high")):
        none_or_positive(x, name, zero=True)
    given = np.isfinite(v) & np.isfinite(lo) & np.isfinite(hi)
    slack = 1e-9 * np.abs(np.where(given, hi, 0.0))
    disordered = given & (lo > hi + slack)
    if np.any(disordered):
        i = int(np.flatnonzero(disordered)[0])
        raise InputError(
            f"the band must be ordered (low <= high), got {v[i]:g} in ({lo[i]:g}, {hi[i]:g}) W m^-2 K^-1 at row {i}"
        )
    outside = given & ((v < lo - slack) | (v > hi + slack)) if inside else np.zeros(n, dtype=bool)
    if np.any(outside):
        i = int(np.flatnonzero(outside)[0])
        raise InputError(f"the expected value must lie inside its band, got {v[i]:g} outside ({lo[i]:g}, {hi[i]:g}) "
                         f"W m^-2 K^-1 at row {i}")  # fmt: skip


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
        "database" (the database's physics), "structure" (a universal potential's phonons), "interlayer" (a stack's
        series physics), "long waves" (the database route's fit on the Debye records of a pair where a side's long
        waves stood in for its refused phonons, :data:`~kapitza.prediction.expected.rows.LONG_WAVES`) or "physics
        only" (the route's physics with its own measured band, where the estimate cannot be used).
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
        "nobody else measured" where none did (:data:`SPLITS`); "" for the route's rows as a whole.
    stack : str
        The stack in words where the estimate is of one with interlayers ("Au / Ti:2nm / Al2O3"), else "".
    long_waves : tuple of str
        The sides whose long waves stood in for the phonons the potential refused (the "long waves" route, or
        "physics only" on its records), else empty.
    widening : float
        The factor the band's half-widths (decades, about the estimate) were widened by for the long waves: the
        calibration page's, measured held out by paper (1 where no side's long waves stood in).
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
    stack: str = ""
    long_waves: tuple[str, ...] = ()
    widening: float = 1.0

    _summary_fields: ClassVar[tuple[str, ...]] = ("side1", "side2", "temperature", "value", "route")

    def __post_init__(self) -> None:
        _checks.side_name(self.side1, "side1")
        _checks.side_name(self.side2, "side2")
        t = _checks.positive_array(self.temperature, "temperature", "K", zero=True, ndim=1)
        _checks.check_temperature_bound(t)
        n = t.size
        check_band(self.value, self.low, self.high, n, inside=True)
        if self.route not in (*ALL_ROUTES, LONG_WAVES, "physics only"):
            raise InputError(f"route must be one of {', '.join(ALL_ROUTES)}, {LONG_WAVES}, physics only; got "
                             f"{_checks.quoted(str(self.route))}")  # fmt: skip
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
        if self.stack:
            _checks.text(self.stack, "stack")
        _checks.labels(self.long_waves, "long_waves", check=_checks.side_name)
        _checks.factor(self.widening, "widening")  # >= 1: a band is never narrowed
        if (self.route == LONG_WAVES) != bool(self.long_waves) and self.route != "physics only":
            raise InputError(f"the {LONG_WAVES} route names the sides whose long waves stood in, and only it does")
        if self.widening != 1.0 and not self.long_waves:
            raise InputError("a band is widened only for long waves: name the sides whose long waves stood in")
        if self.held_out_split not in ("", *SPLITS):
            raise InputError(f"held_out_split must be one of {', '.join(SPLITS)} or empty, got "
                             f"{_checks.quoted(str(self.held_out_split))}")  # fmt: skip

    def line(self, i: int) -> str:
        """The answer at the i-th temperature, in one line (MW m^-2 K^-1): :func:`expected_line` of its document."""
        return expected_line(expected_document(self, None), i)


def mw_text(value: float) -> str:
    """An expected conductance (W m^-2 K^-1) as its line writes it in MW m^-2 K^-1: three significant digits below
    1000, whole numbers above."""
    v = value / 1e6
    return f"{v:.3g}" if v < 1000 else f"{v:.0f}"


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
    } | ({"stack": expected.stack} if expected.stack else {}) | (
        {"long_waves": {"sides": list(expected.long_waves), "widening": expected.widening,
                        "band": "the database route's band, its half-widths (decades, about the estimate) times "
                                "the widening measured held out by paper with both sides' long waves (docs: "
                                "reference/calibration)"}}
        if expected.long_waves else {})  # fmt: skip


def expected_line(document: Mapping[str, Any], i: int) -> str:
    """The answer at the i-th temperature of an estimate's document (:func:`expected_document`, or the ``expected``
    of a saved ``kapitza predict --json``: numbers or "inf"/"nan"), in one line (MW m^-2 K^-1); "none" where the
    physics gives no value there (a temperature above a melting point, two metals without electron data)."""
    t, value = float(document["temperature_k"][i]), float(document["conductance_w_m2k"][i])
    low, high = float(document["low_w_m2k"][i]), float(document["high_w_m2k"][i])
    if t == 0:
        return "expected measurement at 0 K: 0 (no phonon is populated: G = 0)"
    if not (math.isfinite(value) and value > 0):
        return f"expected measurement at {t:g} K: none (the physics of the pair gives no value there)"
    stack = document.get("stack", "")
    rests = f"the physics of the stack {stack}" if stack else "the physics of the pair"
    n = len(document["other_papers"])
    if document["route"] == "physics only":
        rests = (f"the series physics of the stack {stack} alone (times its median measured/physics, with "
                 "that physics' own measured band)" if stack
                 else "the physics of the pair alone (its DMM with the DMM's own measured band)")  # fmt: skip
    elif n:
        rests += f" and {n} paper{'s' if n > 1 else ''} that measured it"
    else:
        rests += " (no paper measured it)"
    band = "68 % of held-out papers"
    if "long_waves" in document:
        sides = document["long_waves"]["sides"]
        one = len(sides) == 1
        band += f", widened by x{float(document['long_waves']['widening']):.2f} for long waves"
        rests = (f"the long waves of {' and '.join(sides)} ({'its' if one else 'their'} phonons refused: "
                 f"the warnings say why) and {rests}")  # fmt: skip
    return (
        f"expected measurement at {t:g} K: {mw_text(value)} MW m^-2 K^-1 "
        f"({mw_text(low)}-{mw_text(high)}, {band}); from {rests}"
    )
