"""The AGF validation's pairs not yet computed, each with the cost its run states, before any force constant.

:func:`agf_plan` takes the pairs :func:`kapitza.prediction.validation.agf.agf_validation` would run with
``compute=True`` (the same rows, bounds, plane and AGF settings) and, for each that is neither shipped nor in this
machine's cache, and for each polarity a polar pair would run, states what its run states before its first force
call (:func:`kapitza.transmission.agf.run.stated_run`): the force calls of the interface's force constants and the
atoms of the largest, their stated time on this machine (the potential's measured cost per call:
:func:`kapitza.atomistic.force_cost.call_seconds`), and the run's memory against its bound.  It is what ``kapitza
validate --model agf --plan`` prints, so that the hours of ``--compute`` are known before it starts.

What it does to get there: each side's crystal read as the validation reads it (the phonons kapitza ships for the
compilation's crystals, or those cached; a crystal neither shipped nor cached has its phonons computed, as
``--compute`` would) and the two crystals relaxed with the potential and stacked (seconds, cached); no force
constant of an interface is computed.

The stated time is the force constants' alone: the sweeps' time is only stated once the model is built (a timed
chunk).  On the nine pairs kapitza ships, the whole pair took 0.70-1.95 (median 0.93) of the force constants'
stated time (the shipped table's page, ``scripts/ship_agf_pairs.py``).

Units: s, GB, atoms.
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from ... import _checks
from ..._progress import Progress
from ...errors import InputError
from ...io.results import result
from ...literature import Measurements
from .agf import (
    AGF_SETTINGS,
    DEFAULT_SCORED_CELL_ATOMS,
    pair_crystals,
    pair_origin,
    pair_query,
    pair_settings,
    polar_pair,
    run_bound,
    side_refusal,
    stated_pair,
)
from .buildable import DEFAULT_MAX_STRAIN

__all__ = ["PLAN_REASONS", "AgfPlan", "agf_plan"]

#: Why a planned run would not run (beside "" for one that would): as :data:`.agf.REASONS` names them.
PLAN_REASONS = ("refused by the potential", "over the memory bound", "no prediction")


@result
class AgfPlan:
    """One line per run the AGF validation's ``--compute`` would make (a pair, its plane and one polarity).

    Attributes
    ----------
    calculator : str
        The potential's name.
    film, substrate, plane, polarity : tuple of str
        The pair (film on substrate), its normal ("001") and polarity ("+", or "-" for a polar pair's other
        interface: both crystals turned over).
    rows, papers, cell_atoms : ndarray of int
        The compilation's rows and papers of the pair, and the atoms of one period of its common cell (the buildable
        list's).
    paper_ids : tuple of str
        The pair's papers, the compilation's reference ids joined by ", ".
    force_calls, call_atoms : ndarray of int
        The force calls of the interface's force constants and the atoms of the largest (0 where not stated).
    seconds : ndarray of float
        Their stated time on this machine, s; NaN where not stated (a refusal, or a potential without a measured
        cost).
    memory_gb, limit_gb : ndarray of float
        The run's stated memory, all its processes together, and its bound, GB (NaN where not stated).
    reason, detail : tuple of str
        "" for a run that would go, else one of :data:`PLAN_REASONS` and its words.
    stored : int
        Runs of the same pairs already shipped or cached (not planned: ``--compute`` reads them).
    settings : dict
        The bounds and the AGF settings, as :func:`~kapitza.prediction.validation.agf.agf_validation` records them.
    """

    calculator: str
    film: tuple[str, ...]
    substrate: tuple[str, ...]
    plane: tuple[str, ...]
    polarity: tuple[str, ...]
    rows: NDArray[np.int64]
    papers: NDArray[np.int64]
    cell_atoms: NDArray[np.int64]
    force_calls: NDArray[np.int64]
    call_atoms: NDArray[np.int64]
    seconds: NDArray[np.float64]
    memory_gb: NDArray[np.float64]
    limit_gb: NDArray[np.float64]
    paper_ids: tuple[str, ...]
    reason: tuple[str, ...]
    detail: tuple[str, ...]
    stored: int
    settings: dict[str, Any]

    _summary_fields: ClassVar[tuple[str, ...]] = ("calculator", "stored", "settings")

    def __post_init__(self) -> None:
        _checks.label(self.calculator, "calculator")
        n = len(self.film)
        for name in ("substrate", "plane", "polarity", "paper_ids", "reason", "detail"):
            _checks.labels(getattr(self, name), name, n, check=_checks.text)
        for name in ("rows", "papers", "cell_atoms", "force_calls", "call_atoms", "seconds", "memory_gb", "limit_gb"):
            _checks.sized(getattr(self, name), name, (n,))
        bad = sorted({r for r in self.reason if r and r not in PLAN_REASONS})
        if bad:
            raise InputError(f"reason must be '' or one of {', '.join(PLAN_REASONS)}, got {bad[0]!r}")
        if int(self.stored) < 0:
            raise InputError(f"stored must be >= 0, got {self.stored}")

    def _check_loaded(self, folder: Any) -> None:
        """Read back from a file: its calculator is a built-in potential's name (a file names data, never code)."""
        from ...atomistic.calculators import calculator_name

        calculator_name(self.calculator, from_file="a saved result")

    def __len__(self) -> int:
        return len(self.film)

    @property
    def runs(self) -> NDArray[np.bool_]:
        """The runs that would go (no reason)."""
        return np.array([r == "" for r in self.reason], dtype=bool)

    def total_seconds(self) -> float:
        """The stated time of every run that would go, s (NaN where one of them has none)."""
        return float(np.sum(self.seconds[self.runs])) if self.runs.any() else 0.0

    def papers_added(self) -> int:
        """The papers with rows among the pairs of the runs that would go (each counted once)."""
        return len({p for k in np.flatnonzero(self.runs) for p in self.paper_ids[k].split(", ")})

    def pairs_run(self) -> int:
        """The pairs of the runs that would go (a polar pair's two runs counted once)."""
        return len({(self.film[k], self.substrate[k], self.plane[k]) for k in np.flatnonzero(self.runs)})

    def left_out(self) -> dict[str, int]:
        """The runs that would not go, by reason (those with runs)."""
        return {r: sum(1 for x in self.reason if x == r) for r in dict.fromkeys(self.reason) if r}

    def rows_added(self) -> int:
        """The rows of the pairs of the runs that would go (each pair counted once)."""
        pairs = {(self.film[k], self.substrate[k], self.plane[k]): int(self.rows[k]) for k in np.flatnonzero(self.runs)}
        return sum(pairs.values())


def _line(job: tuple[str, str, str], members: list[int], built: Any, polarity: str) -> dict[str, Any]:
    """A plan line of the pair ``job`` (film, substrate, plane) and ``polarity``, nothing stated yet."""
    film, substrate, plane = job
    papers = sorted({built.paper[k] for k in members})
    return {
        "film": film, "substrate": substrate, "plane": plane, "polarity": polarity, "rows": len(members),
        "papers": len(papers), "paper_ids": ", ".join(papers),
        "cell_atoms": int(min(built.cell_atoms[k] for k in members)), "force_calls": 0, "call_atoms": 0,
        "seconds": math.nan, "memory_gb": math.nan, "limit_gb": math.nan, "reason": "", "detail": "",
    }  # fmt: skip


def _planned(line: dict[str, Any], t: NDArray[np.float64], run: tuple[Any, ...]) -> dict[str, Any]:
    """The line with its run's statement, or the run's refusal in words; ``run``: the source, the strain bound, the
    AGF settings and the memory bound (:func:`~kapitza.prediction.validation.agf.stated_pair`'s)."""
    try:
        found = stated_pair(line["film"], line["substrate"], line["plane"], t, *run, line["polarity"])
    except InputError as exc:  # the relaxed lattices no longer match, a side the potential does not hold ...
        return {**line, "reason": "refused by the potential", "detail": str(exc)}
    fc = found.force_constants
    line = {**line, "force_calls": int(fc.calls), "call_atoms": int(fc.supercell_atoms),
            "seconds": math.nan if found.seconds is None else found.seconds, "memory_gb": found.memory.total / 1e9,
            "limit_gb": found.limit / 1e9}  # fmt: skip
    if not found.fits:
        line.update(reason="over the memory bound", detail=_over_bound(found.memory, line, found.described))
    return line


def _over_bound(memory: Any, line: dict[str, Any], described: str) -> str:
    """A run over its bound in the words of the run's own refusal (:func:`~kapitza.transmission.agf.inputs.
    check_size`): both numbers, the part that sets the largest share where it is the model build, and every part."""
    from ...transmission.agf.inputs import BUILD_PART

    largest = f"; {BUILD_PART} is the largest part" if memory.build_dominates else ""
    return (
        f"the run states ~{line['memory_gb']:.3g} GB against its bound of {line['limit_gb']:.3g} GB "
        f"(max_memory_gb){largest} ({memory.parts()}); {described}"
    )


def agf_plan(
    calculator: str | None = None,
    *,
    measurements: Measurements | None = None,
    max_strain: float = DEFAULT_MAX_STRAIN,
    max_cell_atoms: int = DEFAULT_SCORED_CELL_ATOMS,
    cache: bool = True,
    progress: Progress | None = None,
    max_memory_gb: float | None = None,
    frequencies: int = AGF_SETTINGS["frequencies"],
    kpoints: int = AGF_SETTINGS["kpoints"],
    route: str = "full",
) -> AgfPlan:
    """State the runs ``agf_validation(..., compute=True)`` would make with the same arguments (module docstring).

    The parameters are :func:`~kapitza.prediction.validation.agf.agf_validation`'s (without ``compute``,
    ``max_time``, ``cutoff`` and ``mesh``, which no run's statement depends on); ``route`` "fast" states the fast
    route's runs.  ``progress("pairs", done, total)`` over the pairs.

    Raises
    ------
    InputError
        An unknown calculator or a bad bound (before any work).
    """
    bound = run_bound(max_memory_gb)
    query = pair_query(calculator, measurements, max_strain, max_cell_atoms, pair_settings(frequencies, kpoints, route))
    source, eps, cap, agf_settings = query.source, query.max_strain, query.max_cell_atoms, query.settings
    built, temperature, jobs = query.built, query.temperature, query.jobs
    run = (source, eps, agf_settings, bound)
    lines: list[dict[str, Any]] = []
    stored = 0
    seen: dict[str, Any] = {}
    for done, (job, members) in enumerate(jobs.items()):
        if progress is not None:
            progress("pairs", done, len(jobs))
        film, substrate, plane = job
        t = np.unique(temperature[np.asarray(members)])
        refused = side_refusal(film, substrate, source, cache)
        if refused:
            lines.append({**_line(job, members, built, "+"), "reason": "refused by the potential", "detail": refused})
            continue
        polarities = ("+", "-") if polar_pair(film, substrate, plane) else ("+",)
        left = [p for p in polarities if not pair_origin(film, substrate, plane, t, source, eps, agf_settings,
                                                          cache, p)]  # fmt: skip
        stored += len(polarities) - len(left)
        if not left:
            continue
        why = pair_crystals(film, substrate, t, source, cache, None, max_memory_gb, seen)[0]
        for p in left:
            line = _line(job, members, built, p)
            lines.append({**line, "reason": why[0], "detail": why[1]} if why else _planned(line, t, run))
    if progress is not None:
        progress("pairs", len(jobs), len(jobs))
    return _plan(source.name, lines, stored, {"max_strain": eps, "max_cell_atoms": cap, "max_memory_gb": bound,
                                              **agf_settings, "route": route})  # fmt: skip


def _plan(calculator: str, lines: list[dict[str, Any]], stored: int, settings: dict[str, Any]) -> AgfPlan:
    """The plan's lines, the cheapest stated first (a refusal after every run that would go)."""
    lines = sorted(lines, key=lambda x: (bool(x["reason"]), x["seconds"] if math.isfinite(x["seconds"]) else math.inf,
                                         x["film"], x["substrate"], x["polarity"]))  # fmt: skip

    def column(name: str, dtype: Any) -> NDArray[Any]:
        return np.array([x[name] for x in lines], dtype=dtype)

    return AgfPlan(
        calculator=calculator,
        **{
            k: tuple(str(x[k]) for x in lines)
            for k in ("film", "substrate", "plane", "polarity", "paper_ids", "reason", "detail")
        },
        **{k: column(k, np.int64) for k in ("rows", "papers", "cell_atoms", "force_calls", "call_atoms")},
        **{k: column(k, float) for k in ("seconds", "memory_gb", "limit_gb")},
        stored=int(stored),
        settings=settings,
    )
