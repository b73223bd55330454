"""Which interlayer to use: candidate stacks between two materials ranked by their expected measurement.

For a pair (say Au on GaN) and the user's temperatures, each candidate (none, the adhesion metals, the oxides, the
2D crystals kapitza knows, or the user's own list) gets the expected measurement of its stack with its 68 % band
(:func:`kapitza.prediction.expected.expected_conductance` with ``interlayers=``), ranked by the expected G at each
temperature.  Two candidates whose bands overlap are **not decided** by the estimate: the ranking says so, and which
ones, rather than order them by a difference the held-out papers do not support.

A film candidate takes one thickness (default :data:`DEFAULT_THICKNESS_M`, a thin adhesion layer, the user's to
change); a layer of atomic thickness takes none.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ... import _checks
from ...errors import InputError
from ...io.results import result
from ...landauer import as_positive_temperatures
from .layers import Layer, layer_of, parse_interlayers

__all__ = ["CANDIDATES", "DEFAULT_THICKNESS_M", "InterlayerRanking", "rank_interlayers"]

#: The film candidates' thickness when none is given, m (2 nm: a thin adhesion layer; change it with thickness=).
DEFAULT_THICKNESS_M = 2e-9
#: The default candidates: the bare pair (""), the adhesion metals, the oxides and the 2D crystals kapitza describes.
CANDIDATES = ("", "Ti", "Cr", "Cu", "Ni", "W", "Ta", "Mo", "a-SiO2", "a-Al2O3", "graphene", "MoS2")


@result
class InterlayerRanking:
    """Candidate stacks between two materials, with their expected measurements.

    Attributes
    ----------
    side1, side2 : str
    temperature : ndarray, shape (n_T,)
        K.
    candidates : tuple of str
        Each candidate's interlayers as the option takes them ("" for the bare pair), in the order given.
    value, low, high : ndarray, shape (n_candidates, n_T)
        The expected measurement and its 68 % band, W m^-2 K^-1 (NaN where a candidate has none).
    reasons : tuple of str
        Why a candidate has no estimate ("" where it has one).
    rank : ndarray of int, shape (n_candidates, n_T)
        1 for the highest expected G at each temperature (-1 where none).
    decided : ndarray of bool, shape (n_candidates, n_T)
        Whether the candidate's band overlaps no other candidate's (its place is then decided by the estimate).
    papers : ndarray of int, shape (n_candidates,)
        How many papers of the compilation measured the candidate's stack (its estimate draws on them; 0 for none).
    """

    side1: str
    side2: str
    temperature: NDArray[np.float64]
    candidates: tuple[str, ...]
    value: NDArray[np.float64]
    low: NDArray[np.float64]
    high: NDArray[np.float64]
    reasons: tuple[str, ...]
    rank: NDArray[np.int64]
    decided: NDArray[np.bool_]
    papers: NDArray[np.int64]

    _summary_fields: ClassVar[tuple[str, ...]] = ("side1", "side2", "candidates")

    def __post_init__(self) -> None:
        _checks.side_name(self.side1, "side1")
        _checks.side_name(self.side2, "side2")
        t = _checks.positive_array(self.temperature, "temperature", "K", ndim=1)
        n = len(self.candidates)
        if not all(isinstance(c, str) for c in self.candidates):
            raise InputError('candidates must be texts ("" for the bare pair)')
        for c in self.candidates:
            if c:
                _checks.text(c, "candidates")
        for name in ("value", "low", "high"):
            _checks.sized(getattr(self, name), name, (n, t.size))
        _checks.sized(self.rank, "rank", (n, t.size), kind="i")
        _checks.sized(self.decided, "decided", (n, t.size), kind="b")
        _checks.sized(self.papers, "papers", (n,), kind="i")
        if len(self.reasons) != n:
            raise InputError(f"reasons must hold one text per candidate ({n}), got {len(self.reasons)}")
        v, lo, hi = (np.asarray(getattr(self, k), dtype=float) for k in ("value", "low", "high"))
        given = np.isfinite(v)
        if np.any(given & ~((lo <= v * (1 + 1e-9)) & (v <= hi * (1 + 1e-9)))):
            raise InputError("each candidate's expected value must lie inside its band")

    def lines(self, i: int = 0) -> list[str]:
        """The ranking at the i-th temperature, best first, one line a candidate (MW m^-2 K^-1)."""
        from ..expected import mw_text

        out = [f"interlayers between {self.side1} and {self.side2} at {self.temperature[i]:g} K, by expected "
               "measurement (68 % band of held-out papers):"]  # fmt: skip
        order = sorted(range(len(self.candidates)), key=lambda k: (self.rank[k, i] < 0, self.rank[k, i]))
        for k in order:
            name = self.candidates[k] or "none (the bare pair)"
            if self.rank[k, i] < 0:
                out.append(f"  -  {name}: no estimate ({self.reasons[k]})")
                continue
            v, lo, hi = self.value[k, i], self.low[k, i], self.high[k, i]
            overlap = self._overlapping(k, i)
            tail = "decided" if not overlap else f"not decided against {', '.join(overlap)} (bands overlap)"
            same = self._same(k, i)
            if same:
                tail += f"; the same estimate as {', '.join(same)} (kapitza tells them apart by their family only)"
            seen = f"measured by {self.papers[k]} paper{'s' if self.papers[k] != 1 else ''}" if self.papers[k] else ""
            seen = f", {seen}" if seen else ""
            out.append(f"  {self.rank[k, i]}. {name}: {mw_text(v)} ({mw_text(lo)}-{mw_text(hi)}{seen}); {tail}")
        return out

    def _same(self, k: int, i: int) -> list[str]:
        """The other candidates whose estimate at the i-th temperature equals candidate k's."""
        band = np.column_stack([self.value[:, i], self.low[:, i], self.high[:, i]])
        return [self.candidates[j] or "none" for j in range(len(self.candidates))
                if j != k and self.rank[j, i] >= 0 and np.allclose(band[j], band[k], rtol=1e-12, atol=0)]  # fmt: skip

    def _overlapping(self, k: int, i: int) -> list[str]:
        out = []
        for j in range(len(self.candidates)):
            if j == k or self.rank[j, i] < 0:
                continue
            if self.low[j, i] <= self.high[k, i] and self.low[k, i] <= self.high[j, i]:
                out.append(self.candidates[j] or "none")
        return out


def _candidate_layers(item: Any, thickness: float) -> tuple[Layer, ...]:
    """A candidate: "" (the bare pair), a name (a film takes ``thickness``), a NAME:THICKNESS text, or a list."""
    if item == "" or item == () or item is None:
        return ()
    if isinstance(item, str) and ":" not in item:
        found = layer_of(item, need_thickness=False)
        return (found,) if found.form == "monolayer" else (layer_of(item, thickness),)
    return parse_interlayers([item] if isinstance(item, str) else item)


def rank_interlayers(
    side1: str,
    side2: str,
    temperature: ArrayLike,
    candidates: Sequence[Any] | None = None,
    *,
    thickness: float = DEFAULT_THICKNESS_M,
    method: str | None = None,
) -> InterlayerRanking:
    """Rank candidate interlayers between ``side1`` and ``side2`` (database solids) at each ``temperature`` (K, > 0)
    by the expected measurement of each stack (module text).  ``candidates``: names or NAME:THICKNESS texts ("" for
    the bare pair; default :data:`CANDIDATES`); ``thickness``: m, of a film candidate named without one."""
    from ..expected import expected_conductance
    from .layers import check_thickness
    from .series import check_stack

    check_thickness(thickness, "a film candidate named without one")
    if method is not None:
        from ..expected.query import check_method

        check_method(method, "method")
    t = as_positive_temperatures(temperature)
    items = list(CANDIDATES if candidates is None else candidates)
    if not items:
        raise InputError("give at least one candidate interlayer")
    stacks = [_candidate_layers(item, thickness) for item in items]  # every candidate checked before any work
    a, b = check_stack(side1, (), side2)
    names = tuple(" / ".join(x.text() for x in layers) for layers in stacks)
    n = len(stacks)
    value, low, high = (np.full((n, t.size), np.nan) for _ in range(3))
    reasons = []
    papers = np.zeros(n, dtype=np.int64)
    for k, layers in enumerate(stacks):
        try:
            found = expected_conductance(a, b, t, method=method, interlayers=layers or None)
        except InputError as exc:
            reasons.append(str(exc))
            continue
        value[k], low[k], high[k] = found.value, found.low, found.high
        papers[k] = len(found.other_papers)
        reasons.append("")
    rank = np.full((n, t.size), -1, dtype=np.int64)
    for i in range(t.size):
        order = [k for k in np.argsort(-np.nan_to_num(value[:, i], nan=-np.inf)) if np.isfinite(value[k, i])]
        for place, k in enumerate(order, start=1):
            rank[k, i] = place
    decided = np.zeros((n, t.size), dtype=bool)
    for k in range(n):
        for i in range(t.size):
            if rank[k, i] < 0:
                continue
            others = [j for j in range(n) if j != k and rank[j, i] >= 0]
            decided[k, i] = all(low[j, i] > high[k, i] or low[k, i] > high[j, i] for j in others)
    return InterlayerRanking(side1=a, side2=b, temperature=t, candidates=names, value=value, low=low, high=high,
                             reasons=tuple(reasons), rank=rank, decided=decided, papers=papers)  # fmt: skip
