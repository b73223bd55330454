"""The AGF of measured pairs built from their crystals, scored against the measurements beside the two DMMs.

:func:`agf_validation` takes the bare rows of the shipped compilation that the AGF's crystal route builds
(:func:`kapitza.prediction.buildable.buildable_rows`: a commensurate cell within the strain and cell bounds, the
plane the paper names or the low-index default) and, for each distinct pair, runs ``kapitza agf FILM SUBSTRATE
--calculator NAME --normal PLANE`` (:func:`kapitza.transmission.agf.run_agf`: both crystals relaxed with the
potential, stacked in their common cell, force constants where the interface is, the two-probe Landauer
conductance G(T) at the rows' temperatures).  Each row is scored or left out with one reason (:data:`REASONS`):

1. a reason of :func:`~kapitza.prediction.buildable.buildable_rows` (``amorphous`` ... ``cell size``), or
   ``above bound`` (:func:`kapitza.prediction.bounds.check_bounds`, as every validation leaves them out), or ``0 K``;
2. ``two planes``: the film's plane differs from the substrate's (cubic (111) on hexagonal (0001)): the AGF's
   crystal route stacks both sides along one ``--normal`` of :data:`~kapitza.transmission.agf.inputs.NORMALS`;
   ``not computed``: the pair's AGF is neither shipped (:mod:`kapitza.io.shipped`: the pairs kapitza ships computed
   with its default potential, ``scripts/ship_agf_pairs.py``) nor in this machine's cache, and ``compute`` is False
   (the default: a fresh install scores the shipped pairs without a force call; ``compute=True``, ``kapitza
   validate --model agf --compute``, runs the rest, the smallest cells first), or, with ``max_time``, the pair's
   stated time is above what is left of it (:mod:`.agf_plan` states every run before any starts);
3. ``refused by the potential``: a side's crystal is refused by the structure route with the calculator
   (remembered as ``kapitza validate --calculator`` remembers it), or ``run_agf`` refuses the pair (the relaxed
   lattices no longer match within the strain bound), with its words;
4. ``over the memory bound``: a side's force constants, or the pair's AGF run, would state more memory than
   ``max_memory_gb`` (default this machine's memory, for a crystal and for a pair's run alike); not remembered;
5. ``unstable lead``: a lead of the pair's AGF model is dynamically unstable (imaginary bulk frequencies above
   :data:`~kapitza.transmission.agf.stability.UNSTABLE_FRACTION` of its highest: the potential does not hold that
   side's strained crystal), so its G is not a prediction; the two-probe G (computed with
   ``allow_unstable_leads=True``: ``kapitza agf`` refuses such a lead) is kept in ``agf_phonon``, not scored;
6. ``no prediction``: a metal/metal pair without the electron data of the electronic DMM, found before its AGF
   is run (the AGF could not change it).

A scored row is predicted as ``kapitza predict`` reports a pair (:func:`kapitza.prediction.validation.as_predicted`):
the AGF's two-probe phonon conductance, in series with the metal's electron-phonon conductance at a
metal/non-metal pair where kapitza stores it, the electronic DMM at a metal/metal pair.  The two-probe conductance
is the primary column because it is the Landauer quantity the DMM columns compute (transmission times the
incident flux of one side); the intrinsic one (the leads' ballistic resistance removed) is kept beside it and
scored too, and neither was chosen by its score.  On the same rows: the Debye DMM (``kapitza validate``) and the
full-dispersion DMM of the same potential (``kapitza validate --calculator``), each as ``predict`` reports them.

A polar pair (either crystal polar along the normal, :func:`kapitza.atomistic.polarity.is_polar`: wurtzite along
[0001], zincblende along [111]) has two interfaces: the scored one is polarity "+" (the normal as the compilation's
planes give it), and the other ("-", both crystals turned over) is run beside it, kept in ``agf_reversed`` and not
scored, since which face a paper grew is not recorded (issue 87: both polarities, each named).  It doubles the cost
of such a pair.

Statistics (:func:`kapitza.prediction.scoring.score`, one rule for every page): the median factor
``10 ** median |log10(p / m)|`` and the share within a factor 2, every row weighted equally and every paper
weighted equally, on the rows every column scores.

Cost: each pair's AGF is a ``kapitza agf`` run (minutes to an hour with a universal potential on 2 cores, by its
cell); its G at the rows' temperatures is cached by content (the two crystals' records, the plane, the calculator's
identity, the AGF settings, the temperatures), so a second run, or a run interrupted between pairs, reads what is
done.  ``max_cell_atoms`` bounds the cells scored (default :data:`DEFAULT_SCORED_CELL_ATOMS`, smaller than the
buildable list's bound so that the default run finishes on a workstation; raise it to score more pairs).

Units: K, W m^-2 K^-1.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from ... import _checks
from ..._progress import Progress
from ...errors import InputError, MemoryBoundError
from ...io.results import result
from ...literature import Measurements, shipped_measurements
from ...literature.crystals import CrystalDescription, crystal_for
from ...phonons.debye import DEFAULT_CUTOFF
from ..bounds import check_bounds
from ..scoring import Score, score
from .buildable import DEFAULT_MAX_STRAIN, buildable_rows, check_rows
from .buildable import REASONS as BUILD_REASONS
from .calculators import (
    PhononResult,
    crystal_verdict,
    debye_predictions,
    pair_full_dispersion,
    remembered_refusal,
)
from .table import as_predicted

__all__ = [
    "AGF_SETTINGS",
    "DEFAULT_SCORED_CELL_ATOMS",
    "MODELS",
    "ORIGINS",
    "REASONS",
    "ROUTES",
    "AgfValidation",
    "agf_validation",
]


#: The cells scored by default: at most this many atoms in one period of both sides of the common cell (the
#: buildable list's 200 would take days on 2 cores with a universal potential; 24 takes the pairs whose AGF runs
#: in minutes: Al|Si, Si|Ge, GaN|AlN, Pt|Si, ... on (001)).  Fixed by cost before any score was seen.
DEFAULT_SCORED_CELL_ATOMS = 24
#: Why a row is not scored beyond the buildable list's reasons (in the order checked).
REASONS = (
    "above bound",
    "0 K",
    "two planes",
    "not computed",
    "refused by the potential",
    "over the memory bound",
    "unstable lead",
    "no prediction",
)
#: Where a row's AGF came from (:attr:`AgfValidation.origin`); "" where its pair was not run.
ORIGINS = ("shipped", "cache", "computed", "")
#: The columns scored, as :meth:`AgfValidation.column` names them.
MODELS = ("agf", "agf intrinsic", "full-dispersion DMM", "Debye DMM")
#: The AGF settings of every pair: ``kapitza agf``'s defaults (frequencies, k points, broadening), fixed before any
#: score was seen.
AGF_SETTINGS: Mapping[str, int] = MappingProxyType({"frequencies": 200, "kpoints": 8})
#: The routes of a pair's interface force constants (``route=``, ``--route``): "full" runs ``kapitza agf``'s own
#: choice (every row displaced for a learned potential on the compilation's cells: the shipped table's route);
#: "fast" displaces only the rows within the force range of the interface and takes the others from each side's
#: strained bulk column (:mod:`kapitza.transmission.agf.local_fc` with ``interface_reach`` the force range): it
#: states 0.14-0.28 of the full route's time on the pairs not yet computed (``scripts/agf_route_statements.py``),
#: and leaves out what a learned potential's messages carry past the force range: with the default potential its G
#: was x1.025 (Si|Ge), x1.033 (Al|Si) and x1.139 (Pt|Si) of the full route's (``scripts/agf_routes_study.py
#: --calculator sevennet-l3i5+d3 --reach 5``, 2026-11-29).
ROUTES = ("full", "fast")
#: Version of the cached pair entries (2: with the leads' stability; 3: the interface's rows displaced as lateral
#: copies of their atoms, 12ba703, which changes what a potential reaching beyond the range puts into them; 4: a
#: potential with a receptive field displaces each row as itself again).
CACHE_FORMAT = 4


@result
class AgfValidation:
    """Measured rows of pairs the AGF's crystal route builds: the AGF beside the two DMMs, or why a row is left out.

    Attributes
    ----------
    calculator : str
        The potential's name.
    row : ndarray of int
        Each row's place in the compilation, shape (n,).
    film, substrate, paper : tuple of str
        The compilation's sides and reference id of each row.
    temperature, measured : ndarray
        K and W m^-2 K^-1, shape (n,).
    planes : tuple of str
        "001 on 001" (film on substrate), "" where no crystal.
    cell_atoms : ndarray of int
        Atoms of one period of both sides of the common cell (buildable list, recorded lattices).
    agf, agf_intrinsic : ndarray
        As ``predict`` reports a pair, from the AGF's two-probe and intrinsic phonon conductance, W m^-2 K^-1; NaN
        where the row is left out.
    agf_phonon : ndarray
        The AGF's two-probe phonon conductance alone, W m^-2 K^-1.
    full_dispersion, debye : ndarray
        The full-dispersion DMM of the same potential and the Debye DMM, each as ``predict`` reports them; NaN where
        a column cannot predict the row.
    agf_reversed : ndarray
        A polar pair's other interface (polarity "-": both crystals turned over, :mod:`kapitza.atomistic.polarity`),
        as ``predict`` reports a pair, W m^-2 K^-1; not scored (which face a paper grew is not recorded); NaN where
        the pair has one polarity or the other was not computed (``polarity`` says why).
    reason, detail : tuple of str
        "" for a scored row, else the reason (the buildable list's, or one of :data:`REASONS`) and its words.
    note : tuple of str
        Why a scored row's prediction is partial (the phonon conductance alone for a metal without electron data).
    settings : dict
        The bounds and the AGF settings.
    polarity : tuple of str
        "one" (neither crystal polar along the normal), "+ and -" (both computed: ``agf`` is "+", the normal as the
        compilation's planes give it), "+; - not computed: WHY", or "" where the row's pair was not run.
    origin : tuple of str
        Where the row's AGF (polarity "+") came from: "shipped" (the table kapitza ships), "cache" (this machine's),
        "computed" (in this run), or "" where the pair was not run (a result saved before this was recorded: "").
    seconds : ndarray
        Wall time of the row's pair where this run computed it (both polarities of a polar pair, with its crystals
        already read), s, shape (n,); NaN where its AGF was read or not run (a result saved before this was
        recorded: NaN).
    """

    calculator: str
    row: NDArray[np.int64]
    film: tuple[str, ...]
    substrate: tuple[str, ...]
    paper: tuple[str, ...]
    temperature: NDArray[np.float64]
    measured: NDArray[np.float64]
    planes: tuple[str, ...]
    cell_atoms: NDArray[np.int64]
    agf: NDArray[np.float64]
    agf_intrinsic: NDArray[np.float64]
    agf_phonon: NDArray[np.float64]
    full_dispersion: NDArray[np.float64]
    debye: NDArray[np.float64]
    reason: tuple[str, ...]
    detail: tuple[str, ...]
    note: tuple[str, ...]
    settings: dict[str, Any]
    agf_reversed: NDArray[np.float64] | None = None
    polarity: tuple[str, ...] | None = None
    origin: tuple[str, ...] | None = None
    seconds: NDArray[np.float64] | None = None

    _summary_fields: ClassVar[tuple[str, ...]] = ("calculator", "settings")

    def __post_init__(self) -> None:
        _checks.label(self.calculator, "calculator")
        rows = np.asarray(self.row).size
        if self.agf_reversed is None:  # a result saved before both polarities were run
            object.__setattr__(self, "agf_reversed", np.full(rows, np.nan))
        if self.polarity is None:
            object.__setattr__(self, "polarity", ("",) * rows)
        if self.origin is None:
            object.__setattr__(self, "origin", ("",) * rows)
        if self.seconds is None:
            object.__setattr__(self, "seconds", np.full(rows, np.nan))
        columns = ("agf", "agf_intrinsic", "agf_phonon", "full_dispersion", "debye", "agf_reversed")
        n = check_rows(self, columns, (*BUILD_REASONS, *REASONS))
        spent = _checks.sized(self.seconds, "seconds", (n,))
        if np.any(spent[np.isfinite(spent)] < 0):
            raise InputError("seconds must be >= 0 or NaN (not computed in the run)")
        _checks.positive_array(_checks.sized(self.measured, "measured", (n,)), "measured", "W m^-2 K^-1")
        _checks.labels(self.note, "note", n, check=_checks.text)
        _checks.labels(self.polarity, "polarity", n, check=_checks.text)
        _checks.labels(self.origin, "origin", n, check=_checks.text)
        bad = sorted(set(self.origin) - set(ORIGINS))
        if bad:
            raise InputError(f"origin must be one of {', '.join(map(repr, ORIGINS))}, got {bad[0]!r}")
        if not isinstance(self.settings, Mapping):
            raise InputError(f"settings must be a mapping, got {type(self.settings).__name__}")

    def _check_loaded(self, folder: Any) -> None:
        """Read back from a file: its calculator is a built-in potential's name (a file names data, never code)."""
        from ...atomistic.calculators import calculator_name

        calculator_name(self.calculator, from_file="a saved result")

    def __len__(self) -> int:
        return int(self.row.size)

    def column(self, model: str) -> NDArray[np.float64]:
        """The predictions of one of :data:`MODELS`, W m^-2 K^-1."""
        columns = {"agf": self.agf, "agf intrinsic": self.agf_intrinsic, "full-dispersion DMM": self.full_dispersion,
                   "Debye DMM": self.debye}  # fmt: skip
        if model not in columns:
            raise InputError(f"no column {model!r}; the columns are {', '.join(MODELS)}")
        return columns[model]

    @property
    def scored(self) -> NDArray[np.bool_]:
        """Rows the AGF scores."""
        return np.array([r == "" for r in self.reason], dtype=bool)

    def common(self) -> NDArray[np.bool_]:
        """Rows every column of :data:`MODELS` predicts (finite and > 0)."""
        ok = self.scored.copy()
        for model in MODELS:
            v = self.column(model)
            ok &= np.isfinite(v) & (v > 0)
        return ok

    def statistics(self, rows: str = "common") -> dict[str, Score]:
        """Per column of :data:`MODELS`, its :class:`~kapitza.prediction.scoring.Score` on the rows every column
        predicts (``rows="common"``) or on every row it predicts itself (``rows="own"``)."""
        if rows not in ("common", "own"):
            raise InputError(f"rows= is 'common' or 'own', got {rows!r}")
        out = {}
        for model in MODELS:
            v = np.array(self.column(model), dtype=float)
            keep = self.common() if rows == "common" else self.scored
            v[~keep] = np.nan
            out[model] = score(v, self.measured, self.paper)
        return out

    def counts(self) -> dict[str, int]:
        """Rows scored ("scored") and rows left out under each reason (those with rows)."""
        out = {"scored": int(self.scored.sum())}
        for r in dict.fromkeys(self.reason):
            if r:
                out[r] = sum(1 for x in self.reason if x == r)
        return out

    def reversed_ratios(self) -> dict[str, tuple[float, int]]:
        """Each scored polar pair ("film|substrate") whose other interface was computed: the median over its rows of
        that interface's G to the scored G, and the rows."""
        ratios: dict[str, list[float]] = {}
        for k in np.flatnonzero(self.scored):
            if self.polarity[k] == "+ and -":
                ratios.setdefault(f"{self.film[k]}|{self.substrate[k]}", []).append(self.agf_reversed[k] / self.agf[k])
        return {pair: (float(np.median(r)), len(r)) for pair, r in ratios.items()}

    def pairs(self) -> list[dict[str, Any]]:
        """One entry per (film, substrate, planes) with rows: rows, papers, scored, the reason and detail, the
        polarities run, where its AGF came from (:data:`ORIGINS`) and the seconds it took where this run computed
        it (None otherwise)."""
        groups: dict[tuple[str, str, str], dict[str, Any]] = {}
        for k in range(len(self)):
            key = (self.film[k], self.substrate[k], self.planes[k])
            g = groups.setdefault(key, {"film": key[0], "substrate": key[1], "planes": key[2], "rows": 0,
                                        "papers": set(), "scored": 0, "reason": self.reason[k],
                                        "detail": self.detail[k], "cell_atoms": int(self.cell_atoms[k]),
                                        "polarity": self.polarity[k], "origin": self.origin[k],
                                        "seconds": _timed(self.seconds[k])})  # fmt: skip
            g["rows"] += 1
            g["papers"].add(self.paper[k])
            g["scored"] += int(self.reason[k] == "")
        return sorted(({**g, "papers": len(g["papers"])} for g in groups.values()),
                      key=lambda g: (-g["scored"], -g["rows"], g["film"], g["substrate"]))  # fmt: skip


def _plane(planes: str) -> str | None:
    """The one normal of "hkl on hkl" where both sides share it and the AGF builds it, else None."""
    parts = planes.split(" on ")
    if len(parts) != 2 or parts[0] != parts[1]:
        return None
    from ...transmission.agf.inputs import NORMALS

    return parts[0] if parts[0] in NORMALS else None


def _pair_parts(
    film: str, substrate: str, plane: str, temperature: NDArray[np.float64], source: Any, max_strain: float,
    agf_settings: dict[str, int], polarity: str,
) -> dict[str, Any]:  # fmt: skip
    """What one pair's AGF depends on: its cache key (and the shipped table's, :mod:`kapitza.io.shipped`)."""
    return {
        "format": CACHE_FORMAT,
        "film": _record(film),
        "substrate": _record(substrate),
        "plane": plane,
        "calculator": dict(source.identity),
        "max_strain": max_strain,
        "settings": agf_settings,
        "temperature": np.asarray(temperature, dtype=float),
        "polarity": polarity,
    }


def _pair_shapes(temperature: NDArray[np.float64]) -> dict[str, tuple[int, ...]]:
    shape = np.shape(temperature)
    return {"conductance": shape, "intrinsic": shape, "imaginary": (2,)}


def pair_settings(frequencies: Any, kpoints: Any, route: Any = "full") -> dict[str, Any]:
    """The AGF settings of every pair of a validation, checked: the grid, and the route where it is "fast" (absent
    for "full", so the full route's cache keys and shipped entries stay what they were); InputError otherwise."""
    settings: dict[str, Any] = {"frequencies": int(_checks.positive(frequencies, "frequencies", "")),
                                "kpoints": int(_checks.positive(kpoints, "kpoints", ""))}  # fmt: skip
    if route not in ROUTES:
        raise InputError(f"route must be one of {', '.join(ROUTES)}, got {route!r}")
    return settings | ({"route": route} if route != "full" else {})


def _run_options(agf_settings: dict[str, Any]) -> dict[str, Any]:
    """``run_agf``'s keywords of the validation's AGF settings: the grid as it is, the ``route`` (present for
    "fast" only, so the full route's cache keys and shipped entries stay what they were) as the local route at the
    force range."""
    from ...atomistic.calculator_forces import DEFAULT_FORCE_RANGE_ANGSTROM

    options = {k: v for k, v in agf_settings.items() if k != "route"}
    if agf_settings.get("route") == "fast":
        options.update(interface_fc="local", interface_reach=DEFAULT_FORCE_RANGE_ANGSTROM)
    return options


def pair_origin(
    film: str, substrate: str, plane: str, temperature: NDArray[np.float64], source: Any, max_strain: float,
    agf_settings: dict[str, int], cache: bool, polarity: str = "+",
) -> str:  # fmt: skip
    """Where the pair's AGF is stored (verified as it would be read, so that :func:`_pair_agf` makes no force call
    for it): ``"cache"`` (this machine's), ``"shipped"`` (the table kapitza ships), or ``""`` (neither, or
    ``cache`` is False)."""
    from ...io.cache import finite, stored_where

    if not cache:
        return ""
    parts = _pair_parts(film, substrate, plane, temperature, source, max_strain, agf_settings, polarity)
    return stored_where("agf-validation-pair", parts, shapes=_pair_shapes(temperature), check=finite)


def side_refusal(film: str, substrate: str, source: Any, cache: bool) -> str | None:
    """A side's refusal by the potential where it is remembered (shipped or cached), "NAME: WHY", or None; no
    crystal is touched."""
    for name in (film, substrate):
        why = remembered_refusal(crystal_for(name), source, cache)
        if why:
            return f"{name}: {why}"
    return None


def uncomputed(
    film: str, substrate: str, plane: str, temperature: NDArray[np.float64], source: Any, max_strain: float,
    agf_settings: dict[str, int], cache: bool,
) -> tuple[str, str] | None:  # fmt: skip
    """Without ``compute``: why a pair is left out without touching its crystals (a side's refusal by the potential
    where it is remembered, shipped or cached; else ``not computed`` where its AGF is neither shipped nor cached),
    or None where its AGF is stored and it is scored as computed."""
    refused = side_refusal(film, substrate, source, cache)
    if refused:
        return "refused by the potential", refused
    if pair_origin(film, substrate, plane, temperature, source, max_strain, agf_settings, cache):
        return None
    return "not computed", (f"{film}/{substrate} ({plane}): its AGF is neither shipped nor in this machine's cache; "
                            "compute=True (kapitza validate --model agf --compute) runs it")  # fmt: skip


def _timed(seconds: float) -> float | None:
    """A pair's measured seconds, None where it was not timed (NaN)."""
    return float(seconds) if math.isfinite(seconds) else None


def _pair_agf(
    film: str, substrate: str, plane: str, temperature: NDArray[np.float64], source: Any, max_strain: float,
    agf_settings: dict[str, int], cache: bool, max_memory_gb: float | None, stage_progress: Progress | None,
    polarity: str = "+",
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:  # fmt: skip
    """The AGF's two-probe and intrinsic G of one pair at ``temperature`` (cached by content), and each lead's most
    imaginary frequency as a fraction of its highest (left, right: :mod:`kapitza.transmission.agf.stability`);
    ``polarity`` "-" builds a polar pair's other interface."""
    from ...io.cache import cached_arrays, finite
    from ...transmission.agf.run import run_agf

    parts = _pair_parts(film, substrate, plane, temperature, source, max_strain, agf_settings, polarity)

    def compute() -> dict[str, NDArray[Any]]:
        options = {"max_memory_gb": run_bound(max_memory_gb)}
        found, _ = run_agf(
            film, substrate, calculator=source.name, normal=plane, max_strain=max_strain, temperature=temperature,
            stage_progress=stage_progress, allow_unstable_leads=True, polarity=polarity, **_run_options(agf_settings),
            **options,
        )  # fmt: skip
        checked = found.model_metadata["lead_stability"]
        imaginary = [checked[side]["imaginary_THz"] / checked[side]["top_THz"] for side in ("left", "right")]
        return {"conductance": np.asarray(found.conductance, dtype=float),
                "intrinsic": np.asarray(found.intrinsic, dtype=float), "imaginary": np.array(imaginary)}  # fmt: skip

    stored = cached_arrays("agf-validation-pair", parts, compute, enabled=cache, shapes=_pair_shapes(temperature),
                           check=finite)  # fmt: skip
    return np.asarray(stored["conductance"]), np.asarray(stored["intrinsic"]), np.asarray(stored["imaginary"])


def run_bound(max_memory_gb: float | None) -> float:
    """A pair's AGF run's memory bound, GB: the caller's, or this machine's memory, as for its crystals
    (:func:`kapitza.phonons.supercell_plan.memory_limit_gb`; ``kapitza agf``'s own default, 4 GB, refuses every pair
    of the compilation with a universal potential: Si|Ge states 5.4 GB)."""
    from ...phonons.supercell_plan import memory_limit_gb

    return memory_limit_gb(max_memory_gb)


def stated_pair(
    film: str, substrate: str, plane: str, temperature: NDArray[np.float64], source: Any, max_strain: float,
    agf_settings: dict[str, int], max_memory_gb: float | None, polarity: str = "+",
) -> Any:  # fmt: skip
    """What the pair's AGF run (:func:`_pair_agf`'s) states before its first force call
    (:func:`kapitza.transmission.agf.run.stated_run`: its force constants' calls and time, its memory against the
    bound); the crystals relaxed (cached), no force constant computed."""
    from ...transmission.agf.run import stated_run

    return stated_run(film, substrate, calculator=source.name, normal=plane, temperature=temperature,
                      polarity=polarity, max_strain=max_strain, allow_unstable_leads=True,
                      max_memory_gb=run_bound(max_memory_gb), **_run_options(agf_settings))  # fmt: skip


def _pair_seconds(job: tuple[str, str, str], t: NDArray[np.float64], run: tuple[Any, ...]) -> float:
    """The stated time of a pair's runs not yet stored (both polarities of a polar pair), s: 0 where every run is
    stored, a side is remembered as refused by the potential, or a run is refused before its first force call (over
    the memory bound, or refused by the potential: the loop then says why, as without a bound),
    infinite where the potential's cost of a call is not measured (a user's calculator).  ``run``: source, strain
    bound, AGF settings, cache, memory bound."""
    film, substrate, plane = job
    source, eps, agf_settings, cache, max_memory_gb = run
    if side_refusal(film, substrate, source, cache):
        return 0.0  # refused before any force call: nothing to state
    total = 0.0
    for p in ("+", "-") if polar_pair(film, substrate, plane) else ("+",):
        if pair_origin(film, substrate, plane, t, source, eps, agf_settings, cache, p):
            continue
        try:
            found = stated_pair(film, substrate, plane, t, source, eps, agf_settings, max_memory_gb, p)
        except InputError:
            return 0.0
        if not found.fits:
            return 0.0  # over the memory bound: refused before any force call, as without a time bound
        total += math.inf if found.seconds is None else found.seconds
    return total


def _by_stated_time(
    jobs: dict[tuple[str, str, str], list[int]], temperature: NDArray[np.float64], run: tuple[Any, ...]
) -> tuple[dict[tuple[str, str, str], list[int]], dict[tuple[str, str, str], float]]:
    """The pairs in the order of their stated time, the cheapest (a stored pair: 0) first, and each one's
    (:func:`_pair_seconds`)."""
    seconds = {job: _pair_seconds(job, np.unique(temperature[np.asarray(m)]), run) for job, m in jobs.items()}
    order = sorted(jobs, key=lambda job: seconds[job])  # stable: equal times keep the smallest cells first
    return {job: jobs[job] for job in order}, seconds


def polar_pair(film: str, substrate: str, plane: str) -> bool:
    """Whether the pair has two interfaces along ``plane``: either crystal polar along it
    (:func:`kapitza.atomistic.polarity.is_polar`) as the crystal table records it, the crystal the validation's
    phonons build (a relaxation keeps the symmetry that decides it)."""
    from ...atomistic.polarity import is_polar
    from ...atomistic.prototypes import build
    from ...atomistic.stacking import bulk_crystal

    axis = tuple(int(c) for c in plane)
    return any(
        is_polar(bulk_crystal(build(crystal_for(name)), tag), axis) for name, tag in ((film, "a"), (substrate, "b"))
    )


def _record(name: str) -> dict[str, Any]:
    """The crystal table's record of a compilation name (what the pair's cache entry depends on)."""
    desc = crystal_for(name)
    if not isinstance(desc, CrystalDescription):
        return {"name": name}
    keep = ("spacegroup", "cellpar", "positions", "formula")
    return {k: v for k, v in dataclasses.asdict(desc).items() if k in keep}


def _other_polarity(
    pair: tuple[str, str, str, NDArray[np.float64]],
    rows: tuple[Any, Any, NDArray[np.float64], NDArray[np.int64]],
    run: tuple[Any, ...],
    compute: bool = True,
) -> tuple[NDArray[np.float64], str]:
    """A scored pair's other interface, as ``predict`` reports it at the rows' temperatures (NaN where not computed),
    and the rows' ``polarity`` words.  ``pair``: film, substrate, plane and the temperatures its AGF is run at;
    ``rows``: the two Materials, the rows' temperatures and their places in the run's; ``run``: the rest of
    :func:`_pair_agf`'s arguments (source, strain bound, AGF settings, cache, memory bound, progress).  Computed
    where the pair is polar along the plane and the other polarity has stable leads; without ``compute``, only read
    (shipped or cached)."""
    from ...transmission.agf.stability import UNSTABLE_FRACTION

    film, substrate, plane, t = pair
    side1, side2, tt, at = rows
    none = np.full(np.shape(tt), np.nan)
    if not polar_pair(film, substrate, plane):
        return none, "one"
    if not compute and not pair_origin(film, substrate, plane, t, *run[:4], "-"):
        return none, "+; - not computed: neither shipped nor cached (compute=True runs it)"
    try:
        g, _, imaginary = _pair_agf(film, substrate, plane, t, *run, "-")
    except InputError as exc:  # a MemoryBoundError too: the "+" interface is scored either way
        return none, f"+; - not computed: {exc}"
    if np.max(imaginary) > UNSTABLE_FRACTION:
        return none, f"+; - not computed: a lead is unstable ({100 * float(np.max(imaginary)):.0f} % imaginary)"
    return as_predicted(side1, side2, tt, [PhononResult(tt, g[at])])[0][0], "+ and -"


def no_prediction(side1: Any, side2: Any, temperature: NDArray[np.float64]) -> str | None:
    """Why ``predict``'s rule gives no finite G for this pair whatever its phonon conductance (a metal/metal pair
    without the electron data of its electronic DMM), or None: asked with a stand-in phonon G of 1e8 W m^-2 K^-1
    before the pair's AGF is run (Pd on Ir with SevenNet-l3i5 + D3 ran 19.5 min before it was found)."""
    t = np.asarray(temperature, dtype=float)
    stand_in = PhononResult(t, np.full(t.shape, 1e8))
    values, text = as_predicted(side1, side2, t, [stand_in])
    return None if np.all(np.isfinite(values) & (values > 0)) else (text or "no finite prediction")


def first_reasons(built: Any, above: NDArray[np.bool_]) -> tuple[list[str], list[str]]:
    """Each row's reason and words before any crystal is touched: the buildable list's, then ``above bound``,
    ``0 K``, ``two planes`` (module docstring)."""
    reason, detail = list(built.reason), list(built.detail)
    for k in range(len(reason)):
        if above[k]:
            reason[k], detail[k] = "above bound", "the measured G lies above the physical upper bound"
        elif not built.temperature[k] > 0:
            reason[k], detail[k] = "0 K", "no conductance at 0 K"
        elif not reason[k] and _plane(built.planes[k]) is None:
            reason[k] = "two planes"
            detail[k] = f"{built.planes[k]}: the AGF stacks both sides along one normal ({built.orientation[k]})"
    return reason, detail


def pair_jobs(built: Any, reason: list[str]) -> dict[tuple[str, str, str], list[int]]:
    """The pairs to run: (film, substrate, plane) to the places of its rows not yet left out, the smallest common
    cells (the cheapest) first."""
    jobs: dict[tuple[str, str, str], list[int]] = {}
    for k in sorted(range(len(reason)), key=lambda k: int(built.cell_atoms[k])):
        if not reason[k]:
            jobs.setdefault((built.film[k], built.substrate[k], str(_plane(built.planes[k]))), []).append(k)
    return jobs


@dataclasses.dataclass(frozen=True)
class PairQuery:
    """What a validation of the AGF (or its plan) asks for, found before any crystal is touched
    (:func:`pair_query`): the potential, the strain and cell bounds, the AGF settings, the buildable list and its
    bare rows, each row's temperature, reason and words so far, and the pairs to run (film, substrate, plane) to the
    places of their rows, the smallest common cells first."""

    source: Any
    max_strain: float
    max_cell_atoms: int
    settings: dict[str, Any]
    built: Any
    rows: Measurements
    temperature: NDArray[np.float64]
    reason: list[str]
    detail: list[str]
    jobs: dict[tuple[str, str, str], list[int]]


def pair_query(
    calculator: str | None, measurements: Measurements | None, max_strain: float, max_cell_atoms: int,
    agf_settings: dict[str, Any],
) -> PairQuery:  # fmt: skip
    """The one prologue of :func:`agf_validation` and :func:`~.agf_plan.agf_plan`: the bounds checked, the potential
    named (not loaded), the buildable list of ``measurements`` (default the shipped compilation) and the rows' first
    reasons (:func:`first_reasons`), the pairs to run (:func:`pair_jobs`).  ``agf_settings``: :func:`pair_settings`'."""
    from ...atomistic.calculators import calculator_source

    eps = _checks.between(max_strain, "max_strain", "", 1e-6, 0.25)
    cap = int(_checks.positive(max_cell_atoms, "max_cell_atoms", "atoms"))
    data = shipped_measurements() if measurements is None else measurements
    if not isinstance(data, Measurements):
        raise InputError(f"measurements= must be Measurements, got {type(data).__name__}")
    source = calculator_source(calculator)
    built = buildable_rows(measurements=data, max_strain=eps, max_cell_atoms=cap)
    rows = data.select(np.isin(np.arange(len(data)), built.row))  # the bare rows, in the compilation's order
    reason, detail = first_reasons(built, np.asarray(check_bounds(rows).above, dtype=bool))
    temperature = np.asarray(built.temperature, dtype=float)
    return PairQuery(source, eps, cap, agf_settings, built, rows, temperature, reason, detail, pair_jobs(built, reason))


def pair_crystals(
    film: str, substrate: str, temperature: NDArray[np.float64], source: Any, cache: bool,
    progress: Progress | None, max_memory_gb: float | None, seen: dict[str, Any] | None = None,
) -> tuple[tuple[str, str] | None, tuple[Any, Any]]:  # fmt: skip
    """The pair's two crystals as the validation reads them (:func:`~.calculators.crystal_verdict`) and why no AGF
    of the pair could be scored for them, or None: a side the potential refuses (its refusal first), a side over
    the memory bound (not the potential's), a metal/metal pair without electron data (:func:`no_prediction`, found
    before its AGF is run).  Returns ((reason, detail) or None, (film's, substrate's) phonons, None where refused).

    ``seen`` (a dict one run of the pairs keeps, crystal name -> verdict) reads a crystal once per run: its verdict
    from the cache still assembles its phonons (4 s of sound speeds for a crystal on 2 cores; silicon is in 11 of the
    44 buildable pairs)."""

    def verdict(name: str) -> Any:
        if seen is not None and name in seen:
            return seen[name]
        found = crystal_verdict(crystal_for(name), source, cache, progress, max_memory_gb)
        if seen is not None:
            seen[name] = found
        return found

    verdicts = [verdict(s) for s in (film, substrate)]
    refused = sorted((bound, s, why) for s, (_, why, bound) in zip((film, substrate), verdicts) if why)
    if refused:
        bound, name, why = refused[0]
        return ("over the memory bound" if bound else "refused by the potential", f"{name}: {why}"), (None, None)
    c1, c2 = verdicts[0][0], verdicts[1][0]
    missing = no_prediction(c1.material, c2.material, temperature)
    return (None if missing is None else ("no prediction", f"{film}/{substrate}: {missing}")), (c1, c2)


def _over_budget(budget: Any, seconds: float, what: str) -> str | None:
    """The time bound's refusal of a pair whose runs state ``seconds`` (nothing where there is no bound or nothing
    to run), in words, or None where it fits what is left."""
    from ...errors import TimeBoundError

    if budget is None or not seconds > 0:
        return None
    if math.isinf(seconds):
        return (f"{what}: its force constants' time is not stated (the potential's cost of a force call is not "
                "measured), so max_time cannot bound it")  # fmt: skip
    try:
        budget.check(seconds, what)
    except TimeBoundError as exc:
        return str(exc)
    return None


def agf_validation(
    calculator: str | None = None,
    *,
    measurements: Measurements | None = None,
    max_strain: float = DEFAULT_MAX_STRAIN,
    max_cell_atoms: int = DEFAULT_SCORED_CELL_ATOMS,
    cutoff: str = DEFAULT_CUTOFF,
    mesh: int = 24,
    cache: bool = True,
    progress: Progress | None = None,
    max_memory_gb: float | None = None,
    frequencies: int = AGF_SETTINGS["frequencies"],
    kpoints: int = AGF_SETTINGS["kpoints"],
    compute: bool = False,
    max_time: Any = None,
    route: str = "full",
) -> AgfValidation:
    """Score the AGF of every measured pair the crystal route builds within the bounds (module docstring).

    Parameters
    ----------
    calculator : str, optional
        A built-in universal potential (default :data:`~kapitza.atomistic.calculators.DEFAULT_CALCULATOR`); a
        ``module:factory`` too, from Python only.
    measurements : Measurements, optional
        The rows (default the shipped compilation).
    max_strain : float
        Largest principal in-plane strain of either side (default 3 %).
    max_cell_atoms : int
        Most atoms of one period of both sides of the common cell scored (default
        :data:`DEFAULT_SCORED_CELL_ATOMS`).
    cutoff : str
        Debye cutoff rule of the Debye DMM column.
    mesh : int
        Brillouin-zone mesh of the full-dispersion DMM column.
    cache : bool
        Read and write the on-disk cache (crystals' phonons and refusals, the pairs' AGF and DMM).
    progress : callable, optional
        ``progress(stage, done, total)``: "pairs" over the pairs scored, the crystals' and the AGF's stages between.
    max_memory_gb : float, optional
        GB per process each crystal's force constants and each AGF run may state (default this machine's).
    frequencies, kpoints : int
        The AGF's frequency grid and k-point mesh of every pair (default :data:`AGF_SETTINGS`, ``kapitza agf``'s).
    compute : bool
        Run the AGF of the pairs neither shipped nor cached (minutes to an hour a pair on 2 cores; the smallest
        common cells first, each pair's cost stated before its first force call).  False (the default): those rows
        are left out as ``not computed`` and no crystal of theirs is touched, so the shipped pairs are scored at
        once.
    max_time : float or str, optional
        With ``compute``: the time the pairs' runs may take, s or a text such as "6h"
        (:class:`kapitza.atomistic.force_cost.TimeBudget`).  The pairs are then run in the order of their stated
        time (the force constants' of each run not stored, both polarities of a polar pair: ``kapitza validate
        --model agf --plan``'s statement), the cheapest first, and a pair whose stated time is above what is left
        is not started (``not computed``, with both numbers); a started pair runs to its end.
    route : {"full", "fast"}
        The interface force constants' route of every pair (:data:`ROUTES`): "full" (the default, the shipped
        table's) or "fast" (the rows within the force range of the interface displaced; cached apart, never read as
        the full route's).

    Raises
    ------
    InputError
        An unknown calculator or a bad bound (before any work).
    """
    from ...atomistic.force_cost import TimeBudget
    from ...phonons.supercell_plan import memory_limit_gb
    from ...transmission.agf.stability import UNSTABLE_FRACTION

    memory_limit_gb(max_memory_gb)
    budget = TimeBudget.of(max_time, "max_time")
    if budget is not None and not compute:
        raise InputError("max_time bounds the pairs compute=True runs; without compute nothing is run")
    query = pair_query(calculator, measurements, max_strain, max_cell_atoms, pair_settings(frequencies, kpoints, route))
    source, eps, agf_settings, built, rows = query.source, query.max_strain, query.settings, query.built, query.rows
    temperature, reason, detail, jobs = query.temperature, query.reason, query.detail, query.jobs
    idx = built.row
    n = idx.size
    note = [""] * n
    stated: dict[tuple[str, str, str], float] = {}
    if budget is not None:
        jobs, stated = _by_stated_time(jobs, temperature, (source, eps, agf_settings, cache, max_memory_gb))
    agf, agf_i, agf_p, fd, agf_r, spent = (np.full(n, np.nan) for _ in range(6))
    polarity = np.full(n, "", dtype=object)
    origin = [""] * n
    seen: dict[str, Any] = {}
    for done, ((film, substrate, plane), members) in enumerate(jobs.items()):
        if progress is not None:
            progress("pairs", done, len(jobs))
        m = np.asarray(members)
        t = np.unique(temperature[m])
        if not compute:
            left = uncomputed(film, substrate, plane, t, source, eps, agf_settings, cache)
            if left is not None:
                for k in members:
                    reason[k], detail[k] = left
                continue
        why, (c1, c2) = pair_crystals(film, substrate, temperature[m], source, cache, progress, max_memory_gb, seen)
        if why is None:
            over = _over_budget(budget, stated.get((film, substrate, plane), 0.0), f"{film}/{substrate} ({plane})")
            why = None if over is None else ("not computed", over)
        if why is not None:
            for k in members:
                reason[k], detail[k] = why
            continue
        came = pair_origin(film, substrate, plane, t, source, eps, agf_settings, cache) or "computed"
        started = time.perf_counter()
        try:
            g, gi, imaginary = _pair_agf(
                film, substrate, plane, t, source, eps, agf_settings, cache, max_memory_gb, progress
            )
        except MemoryBoundError as exc:  # the bound's refusal, not the pair's: not remembered
            for k in members:
                reason[k], detail[k] = "over the memory bound", f"{film}/{substrate} ({plane}): {exc}"
            continue
        except InputError as exc:
            for k in members:
                reason[k], detail[k] = "refused by the potential", f"{film}/{substrate} ({plane}): {exc}"
            continue
        unstable = [f"{name} lead {100 * f:.0f} %" for name, f in zip((film, substrate), imaginary)
                    if f > UNSTABLE_FRACTION]  # fmt: skip
        at = np.searchsorted(t, temperature[m])
        agf_p[m] = g[at]
        for k in members:
            origin[k] = came
        if came == "computed":
            spent[m] = time.perf_counter() - started
        if unstable:  # computed (the two-probe G kept in agf_phonon) but not scored: not a prediction
            for k in members:
                reason[k] = "unstable lead"
                detail[k] = (f"{film}/{substrate} ({plane}): imaginary lead frequencies up to "
                             f"{', '.join(unstable)} of its highest")  # fmt: skip
            continue
        tt = temperature[m]
        values, text = as_predicted(c1.material, c2.material, tt, [PhononResult(tt, g[at]), PhononResult(tt, gi[at])])
        agf[m], agf_i[m] = values[0], values[1]
        run = (source, eps, agf_settings, cache, max_memory_gb, progress)
        agf_r[m], polarity[m] = _other_polarity((film, substrate, plane, t), (c1.material, c2.material, tt, at), run,
                                                compute)  # fmt: skip
        if came == "computed":  # both polarities of a polar pair
            spent[m] = time.perf_counter() - started
        fd[m] = pair_full_dispersion(c1, c2, tt, mesh=mesh, normal=tuple(int(c) for c in plane), cache=cache)[1]
        for k in members:
            note[k] = text
            if not (math.isfinite(agf[k]) and agf[k] > 0):
                reason[k], detail[k] = "no prediction", f"{film}/{substrate}: {text or 'no finite prediction'}"
    if progress is not None:
        progress("pairs", len(jobs), len(jobs))
    debye = debye_predictions(rows, cutoff)
    return AgfValidation(
        calculator=source.name,
        row=idx.astype(np.int64),
        film=built.film,
        substrate=built.substrate,
        paper=built.paper,
        temperature=temperature,
        measured=np.asarray(rows.conductance, dtype=float),
        planes=built.planes,
        cell_atoms=built.cell_atoms,
        agf=agf,
        agf_intrinsic=agf_i,
        agf_phonon=agf_p,
        full_dispersion=fd,
        debye=debye,
        reason=tuple(reason),
        detail=tuple(detail),
        note=tuple(note),
        agf_reversed=agf_r,
        polarity=tuple(str(p) for p in polarity),
        origin=tuple(origin),
        seconds=spent,
        settings={
            "max_strain": eps,
            "max_cell_atoms": query.max_cell_atoms,
            "cutoff": cutoff,
            "mesh": int(mesh),
            **agf_settings,
            "route": route,
            "conductance": "two-probe (agf), intrinsic (agf intrinsic)",
        },  # fmt: skip
    )
