"""Every bare measured row whose two crystals can be built, predicted from a calculator's phonons, beside the Debye DMM.

:func:`calculator_validation` takes every *available* row of the shipped compilation (:mod:`kapitza.literature`):
a bare interface (no layer between the two sides) at a temperature above 0 K.  Each row is either *scored* or
*left out* with exactly one reason, checked in this order (:data:`REASONS`):

1. ``above bound``: the measured G lies above the physical upper bound of its interface
   (:func:`kapitza.prediction.bounds.check_bounds`; only rows whose two sides are database materials can be
   checked, the others are scored as they are), left out of every statistic as in ``kapitza validate``;
2. ``amorphous``, ``alloy``, ``layered``, ``unknown crystal``: a side has no crystal in
   ``literature/data/crystals.toml`` (:func:`kapitza.literature.crystals.crystal_for`), grouped by the reason the
   file gives (amorphous solids and glasses; alloys of varying composition; 2D sheets and MXenes; the rest:
   no structure found, a polytype not stated, a molecular solid); amorphous SiO2 (the compilation's ``a-SiO2``)
   is left out here: the potential gives phonons of crystals only, and the database's fused-silica record is a
   Debye solid, which the Debye DMM column scores;
3. ``refused by the potential``: a side's crystal is refused by :func:`kapitza.phonons.crystal_phonons` with
   the calculator: dynamically or elastically unstable (imaginary frequencies beyond the tolerance), a relaxation
   that does not converge, elements the potential does not cover;
4. ``over the memory bound``: a side's force constants would need more memory than ``max_memory_gb`` (default:
   this machine's), or near-Gamma imaginary modes asked for a wider supercell than it allows; not remembered (with
   more memory the same crystal runs);
5. ``no prediction``: a metal/metal pair without the electron data of the electronic DMM.

A scored row is predicted the way ``kapitza predict --calculator`` reports it: both crystals (relaxed, force
constants by finite displacements, :func:`~kapitza.phonons.crystal_phonons`) give full-dispersion spectra through
the plane of normal ``normal`` of their standard conventional cells, the DMM integrates them at the row's
temperature, and the electron term is added where the database has the metal's electron data
(:func:`kapitza.prediction.validation.as_predicted`: G_ep in series for a metal/non-metal pair, the electronic DMM
for two metals); a metal whose electron data are not stored (W, Ni, Mo, ...) gives the phonon DMM alone, and the
row's note says so.  Side 1 is the film, heat flows film -> substrate.

The same rows are scored by the Debye DMM (:func:`kapitza.prediction.validation.validation_table`, the
database's sound speeds) where both sides are database materials.  The statistics (:func:`factor_statistics`, the
rules of :mod:`kapitza.prediction.scoring`): the median factor and the share within a factor 2, for the calculator
and the Debye DMM on the rows both score, and on all the rows each scores.

Cost and cache: the phonons of a crystal are the slow part (minutes with a universal potential) and are cached by
:func:`~kapitza.phonons.crystal_phonons`; a crystal refused by the potential is remembered here (its refusal
cached under the structure, the calculator's identity and the phonon settings, so a second run does not relax it
again), and the DMM of each pair at its rows' temperatures is cached under the two crystals' force constants and
the spectrum settings, so a second run reads everything.

Units: K, W m^-2 K^-1.
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..._progress import Progress
from ...errors import InputError, MemoryBoundError
from ...io.results import result
from ...literature import Measurements, shipped_measurements
from ...literature.crystals import CrystalDescription, LeftOut, crystal_for, crystal_names
from ...phonons.debye import DEFAULT_CUTOFF
from ..bounds import check_bounds
from ..empirical import INTERVAL
from ..mlip_band import LONG_WAVE_GROUPS, MODEL, shear_group
from ..scoring import log_ratio, median_factor, median_ratio, paper_percentiles, within_2
from .table import as_predicted, validation_table

__all__ = [
    "CACHE_FORMAT",
    "REASONS",
    "CalculatorBandMeasured",
    "CalculatorValidation",
    "FactorStatistics",
    "LongWaveGroup",
    "calculator_validation",
    "factor_statistics",
    "left_out_kind",
    "measured_band",
]


#: Why an available row is not scored, in the order they are checked (each row counted under the first).
REASONS = (
    "above bound",
    "amorphous",
    "alloy",
    "layered",
    "unknown crystal",
    "refused by the potential",
    "over the memory bound",
    "no prediction",
)
#: The reasons of the left-out crystals (crystals.toml), each with the words of its ``left_out`` text that mark it.
_KINDS = (
    ("amorphous", ("amorphous", "glass")),
    ("alloy", ("alloy",)),
    ("layered", ("sheet", "mxene", "monolayer", "single-layer")),
)
#: Version of the cached entries written here (the refusals and the pairs' DMM).
CACHE_FORMAT = 1


def left_out_kind(entry: LeftOut | None) -> str:
    """The reason group (one of :data:`REASONS`' crystal reasons) of a crystal not built; None: no table at all."""
    if entry is None:
        return "unknown crystal"
    words = entry.reason.lower()
    for kind, marks in _KINDS:
        if any(mark in words for mark in marks):
            return kind
    return "unknown crystal"


@result
class FactorStatistics:
    """How far predictions are from measurements on a set of rows.

    Attributes
    ----------
    rows : int
        Rows scored.
    papers : int
        Papers (the compilation's reference ids) among them.
    median_factor : float
        10 ** median |log10(p/m)| (:func:`~kapitza.prediction.scoring.median_factor`; NaN without rows).
    within_2 : float
        Share (0..1) of rows with 0.5 <= p/m <= 2 (NaN without rows).
    median_ratio : float
        10 ** median log10(p/m), the bias (:func:`~kapitza.prediction.scoring.median_ratio`; NaN without rows).
    """

    rows: int
    papers: int
    median_factor: float
    within_2: float
    median_ratio: float

    def line(self) -> str:
        """``x1.52, 61 % within x2 (n = 240, 31 papers)``."""
        if self.rows == 0:
            return "no rows"
        return (
            f"x{self.median_factor:.3g}, {100 * self.within_2:.0f} % within x2, median p/m {self.median_ratio:.3g} "
            f"(n = {self.rows}, {self.papers} papers)"
        )


def factor_statistics(predicted: ArrayLike, measured: ArrayLike, papers: Sequence[str] = ()) -> FactorStatistics:
    """The statistics of ``predicted`` against ``measured`` (same shape, W m^-2 K^-1; each finite and > 0)."""
    p = np.asarray(predicted, dtype=float).ravel()
    m = np.asarray(measured, dtype=float).ravel()
    if p.shape != m.shape:
        raise InputError(f"predicted and measured need the same shape, got {p.shape} and {m.shape}")
    if not (np.all(np.isfinite(p) & (p > 0)) and np.all(np.isfinite(m) & (m > 0))):
        raise InputError("predicted and measured must be finite and > 0 (leave rows without a prediction out)")
    if len(papers) not in (0, p.size):
        raise InputError(f"papers= has {len(papers)} entries; expected {p.size} or none")
    if p.size == 0:
        return FactorStatistics(0, 0, math.nan, math.nan, math.nan)
    r = log_ratio(p, m)
    return FactorStatistics(
        rows=int(p.size),
        papers=len(set(papers)),
        median_factor=median_factor(r),
        within_2=within_2(r),
        median_ratio=median_ratio(r),
    )


@result
class LongWaveGroup:
    """Scored rows of a calculator's validation whose pairs share how soft the potential's shear is
    (:meth:`CalculatorValidation.long_wave_groups`).

    Attributes
    ----------
    group : str
        The softest shear's range in words ("at or below -40 %", "-40 % to -25 %", "above -25 %"), or "not
        measured" (a crystal of the pair not on the elastic-accuracy page).
    rows, papers : int
        Scored rows and their papers.
    median_ratio : float
        The calculator's median p/m on them with every paper weighted equally (the band's rule: papers, not rows,
        are independent; :func:`~kapitza.prediction.scoring.paper_percentiles`), NaN without rows.
    row_median_ratio : float
        The same with every row weighted equally: a paper with many rows moves it.
    common_rows : int
        Those of them the Debye DMM scores too.
    common_debye_ratio, common_ratio : float
        The Debye DMM's and the calculator's median p/m on those, every paper weighted equally (NaN without them):
        the Debye DMM uses measured sound speeds, so what it shares with the calculator is the model's or the
        measurements', not the potential's.
    """

    group: str
    rows: int
    papers: int
    median_ratio: float
    row_median_ratio: float
    common_rows: int
    common_debye_ratio: float
    common_ratio: float


@result
class CalculatorBandMeasured:
    """The x/÷ band of a calculator's predictions, from their scatter about the measurements, every paper weighted
    equally (:func:`~kapitza.prediction.scoring.paper_percentiles`, the empirical estimate's rule).

    Attributes
    ----------
    factor : float
        [G / factor, G * factor] holds ``coverage`` of the measurements with every paper weighted equally:
        10 ** (the paper-weighted ``coverage`` percentile of |log10 p/m|).  About the prediction itself, so a
        bias widens it (a model is not fitted to the rows: nothing is learnt from them, all are held out).
    low, high : float
        The paper-weighted 16th and 84th percentiles of p/m (the asymmetric band the scatter has;
        ``10 ** ((log10 high - log10 low) / 2)`` is the empirical estimate's centred factor).
    coverage : float
        The share the band is made to hold (:data:`kapitza.prediction.empirical.INTERVAL`).
    rows, papers : int
        What it was measured on.
    median_ratio : float
        Paper-weighted median of p/m.
    """

    factor: float
    low: float
    high: float
    coverage: float
    rows: int
    papers: int
    median_ratio: float


def measured_band(predicted: ArrayLike, measured: ArrayLike, papers: Sequence[str]) -> CalculatorBandMeasured:
    """The band (:class:`CalculatorBandMeasured`) of predictions against measurements grouped by paper."""
    p = np.asarray(predicted, dtype=float).ravel()
    m = np.asarray(measured, dtype=float).ravel()
    if p.size == 0 or p.shape != m.shape or len(papers) != p.size:
        raise InputError("a band needs at least one row, with one prediction, measurement and paper each")
    if not (np.all(np.isfinite(p) & (p > 0)) and np.all(np.isfinite(m) & (m > 0))):
        raise InputError("predicted and measured must be finite and > 0 (leave rows without a prediction out)")
    r = np.log10(p / m)
    half = 0.5 * INTERVAL
    (spread,) = paper_percentiles(np.abs(r), papers, (INTERVAL,))
    low, high = paper_percentiles(r, papers, (0.5 - half, 0.5 + half))
    return CalculatorBandMeasured(
        factor=float(10**spread),
        low=float(10**low),
        high=float(10**high),
        coverage=float(INTERVAL),
        rows=int(p.size),
        papers=len(set(papers)),
        median_ratio=median_ratio(r, papers),
    )


@result
class CalculatorValidation:
    """Every available measured row, scored with a calculator's phonons and with the Debye DMM, or left out.

    Attributes
    ----------
    calculator : str
        The calculator's name ("chgnet", "module:factory").
    calculator_description : str
        In words, with its model's citation.
    measured : ndarray, shape (n,)
        Measured G of each available row, W m^-2 K^-1.
    temperature : ndarray, shape (n,)
        K.
    predicted : ndarray, shape (n,)
        With the calculator, as ``kapitza predict --calculator`` reports it (full-dispersion DMM and the electron
        term where the database has it), W m^-2 K^-1; NaN where the row is left out.
    phonon : ndarray, shape (n,)
        The calculator's full-dispersion DMM alone, W m^-2 K^-1; NaN where a crystal is missing.
    debye : ndarray, shape (n,)
        The Debye DMM as ``kapitza validate`` predicts it (electrons included the same way), W m^-2 K^-1; NaN
        where a side is not a database material or there is no prediction.
    side1, side2 : tuple of str
        Film and substrate as the compilation names them.
    paper : tuple of str
        The compilation's reference id of each row.
    reason : tuple of str
        "" for a scored row, else one of :data:`REASONS`.
    detail : tuple of str
        Why, in words (the crystal and its reason, the refusal, the bound), "" for a scored row.
    note : tuple of str
        For a scored row whose prediction is partial: why ("phonon model only: ..."), else "".
    flagged : ndarray of bool, shape (n,)
        Above the physical upper bound (left out of the Debye DMM's statistics too).
    crystals : mapping
        Per compilation name whose crystal was asked for: "" where the calculator's phonons were made, else why
        not.
    mesh : int
        Brillouin-zone mesh of the full-dispersion spectra.
    cutoff : str
        Debye cutoff rule of the Debye DMM column.
    normal : tuple of float
        Interface normal in the standard conventional cell of each side.
    kind : tuple of str
        The interface kind of each row's crystals (:func:`pair_electrons`), "" where no pair was predicted.
    electron_phonon : ndarray, shape (n,)
        The metal's G_ep at a metal/non-metal row, W m^-2 K^-1; NaN elsewhere or where kapitza stores none.
    """

    calculator: str
    calculator_description: str
    measured: NDArray[np.float64]
    temperature: NDArray[np.float64]
    predicted: NDArray[np.float64]
    phonon: NDArray[np.float64]
    debye: NDArray[np.float64]
    side1: tuple[str, ...]
    side2: tuple[str, ...]
    paper: tuple[str, ...]
    reason: tuple[str, ...]
    detail: tuple[str, ...]
    note: tuple[str, ...]
    flagged: NDArray[np.bool_]
    crystals: Mapping[str, str]
    mesh: int
    normal: tuple[float, float, float]
    cutoff: str
    kind: tuple[str, ...] = ()
    electron_phonon: NDArray[np.float64] = dataclasses.field(default_factory=lambda: np.zeros(0))

    _summary_fields: ClassVar[tuple[str, ...]] = ("calculator", "measured", "mesh")

    def __len__(self) -> int:
        return int(self.measured.size)

    @property
    def scored(self) -> NDArray[np.bool_]:
        """Rows scored with the calculator, shape (n,)."""
        return np.array([r == "" for r in self.reason], dtype=bool)

    @property
    def debye_scored(self) -> NDArray[np.bool_]:
        """Rows the Debye DMM scores (a prediction, not above the bound), shape (n,)."""
        return np.isfinite(self.debye) & (self.debye > 0) & ~self.flagged

    def left_out(self) -> dict[str, int]:
        """Rows left out, by reason (every reason of :data:`REASONS`, 0 included), in that order."""
        return {why: sum(r == why for r in self.reason) for why in REASONS}

    def left_out_names(self) -> dict[str, dict[str, int]]:
        """Per reason, the rows left out by each detail (the crystal and why), most rows first."""
        out: dict[str, dict[str, int]] = {}
        for why, text in zip(self.reason, self.detail):
            if why:
                out.setdefault(why, {})
                out[why][text] = out[why].get(text, 0) + 1
        return {k: dict(sorted(v.items(), key=lambda kv: (-kv[1], kv[0]))) for k, v in out.items()}

    def statistics(self, which: str, rows: str) -> FactorStatistics:
        """``which`` "calculator" or "debye" on ``rows`` "common" (both score it) or "all" (every row it scores)."""
        if which not in ("calculator", "debye") or rows not in ("common", "all"):
            raise InputError(
                f"statistics(which, rows): which is calculator or debye, rows common or all; got {which!r}, {rows!r}"
            )
        mask = (
            self.scored & self.debye_scored
            if rows == "common"
            else (self.scored if which == "calculator" else self.debye_scored)
        )
        values = self.predicted if which == "calculator" else self.debye
        index = np.flatnonzero(mask)
        return factor_statistics(values[index], self.measured[index], [self.paper[i] for i in index])

    def long_wave_groups(self, errors: Mapping[str, Any] | None = None) -> tuple[LongWaveGroup, ...]:
        """The scored rows grouped by the softest shear stiffness the potential gives either crystal of the pair
        against the measured one (:data:`~kapitza.prediction.mlip_band.SHEAR_BOUNDS`), and the rows with a crystal
        the elastic-accuracy page did not measure; empty where the page measured none with this calculator.

        ``errors``: the :class:`~kapitza.phonons.elastic.StiffnessErrors` by crystal name (default: the page's,
        :func:`~kapitza.phonons.elastic.recorded_stiffness_errors` of the calculator)."""
        if errors is None:
            from ...phonons.elastic import recorded_stiffness_errors

            errors = recorded_stiffness_errors(self.calculator)
        if not errors:
            return ()
        members: list[list[int]] = [[], [], [], []]
        for i in np.flatnonzero(self.scored):
            sides = (str(self.side1[i]), str(self.side2[i]))
            if not all(s in errors for s in sides):
                members[3].append(int(i))
                continue
            members[shear_group(min(errors[s].softest("shear") for s in sides))].append(int(i))
        out = []
        for label, index in zip(LONG_WAVE_GROUPS, members):
            common = [i for i in index if self.debye_scored[i]]

            def median(values: NDArray[np.float64], rows: list[int]) -> float:
                """Median p/m of ``rows``, every paper weighted equally."""
                if not rows:
                    return math.nan
                return median_ratio(log_ratio(values[rows], self.measured[rows]), [self.paper[i] for i in rows])

            row_median = median_ratio(log_ratio(self.predicted[index], self.measured[index])) if index else math.nan
            out.append(
                LongWaveGroup(
                    group=label,
                    rows=len(index),
                    papers=len({self.paper[i] for i in index}),
                    median_ratio=median(self.predicted, index),
                    row_median_ratio=row_median,
                    common_rows=len(common),
                    common_debye_ratio=median(self.debye, common),
                    common_ratio=median(self.predicted, common),
                )
            )
        return tuple(out)

    def band(self) -> CalculatorBandMeasured:
        """The x/÷ band of the calculator's predictions on every row it scores (:func:`measured_band`)."""
        index = np.flatnonzero(self.scored)
        if index.size == 0:
            raise InputError("no row is scored: no band can be measured")
        return measured_band(self.predicted[index], self.measured[index], [self.paper[i] for i in index])


# -- the work --------------------------------------------------------------------------------------------------------


def available(data: Measurements) -> NDArray[np.bool_]:
    """Bare rows at a temperature above 0 K (the rows any validation may score)."""
    return ~np.asarray(data.interlayer, dtype=bool) & (np.asarray(data.temperature) > 0)


def _crystal_key(desc: CrystalDescription) -> tuple[Any, ...]:
    """The same crystal under two names (``same_as``) has one key."""
    return (desc.spacegroup, desc.cellpar, desc.positions, desc.formula)


def _digest(*arrays: Any) -> str:
    h = hashlib.sha256()
    for a in arrays:
        x = np.asarray(a, dtype=float)
        h.update(str(x.shape).encode())
        h.update(np.round(x, 10).tobytes())
    return h.hexdigest()


def _verdict_parts(desc: CrystalDescription, source: Any) -> dict[str, Any]:
    """What a crystal's verdict (its phonons, or the potential's refusal) depends on: its cache key."""
    from ...phonons import from_structure, stability, supercell_plan
    from ...phonons.harmonic import UNSTABLE_FRACTION

    return {
        "format": CACHE_FORMAT,
        "phonons_format": from_structure.CACHE_FORMAT,
        "crystal": {
            k: v for k, v in dataclasses.asdict(desc).items() if k in ("spacegroup", "cellpar", "positions", "formula")
        },
        "calculator": dict(source.identity),
        "settings": [
            supercell_plan.DISPLACEMENT_ANGSTROM,
            supercell_plan.MIN_WIDTH_ANGSTROM,
            UNSTABLE_FRACTION,
            stability.NEAR_GAMMA,  # the rule that widens a supercell before a refusal: a remembered refusal
            supercell_plan.MAX_SUPERCELL_ATOMS,  # made under another rule must not be read back
            stability.STABILITY_RULES,
        ],
    }


#: How a crystal's verdict entry is stored: one array, the refusal's words in UTF-8 (none: accepted), and its bound.
_VERDICT_SHAPES: Mapping[str, tuple[None]] = {"refused": (None,)}
_VERDICT_BYTES = 1 << 20


def _refusal_text(stored: Mapping[str, NDArray[Any]]) -> str:
    """The refusal's words of a verdict entry ("" where the crystal was accepted); UnicodeDecodeError, ValueError or
    TypeError where they are not text."""
    return bytes(np.asarray(stored["refused"], dtype=np.uint8)).decode("utf-8")


def _verdict_check(stored: Mapping[str, NDArray[Any]]) -> str | None:
    """The cache's check of a verdict entry read back: its refusal is text (or none)."""
    try:
        _refusal_text(stored)
    except (UnicodeDecodeError, ValueError, TypeError):
        return "a refusal that is not text"
    return None


def remembered_refusal(desc: CrystalDescription, source: Any, cache: bool = True) -> str | None:
    """Why ``source`` refuses the crystal where that refusal is remembered (this machine's cache, or shipped), else
    None (accepted, or not known without computing it): read only, no force call."""
    from ...io.cache import cached_lookup

    if not cache:
        return None
    stored = cached_lookup("calculator-validation-crystal", _verdict_parts(desc, source), shapes=_VERDICT_SHAPES,
                           max_bytes=_VERDICT_BYTES, check=_verdict_check)  # fmt: skip
    return None if stored is None else _refusal_text(stored) or None


def _crystal_phonons(
    desc: CrystalDescription, source: Any, cache: bool, progress: Progress | None, max_memory_gb: float | None
) -> tuple[Any, str, bool]:
    """(StructurePhonons, "", False) or (None, why the potential refuses the crystal, False), a refusal remembered;
    (None, why, True) where the memory bound refuses it (not remembered)."""
    from ...atomistic.prototypes import build
    from ...io.cache import cached_arrays
    from ...phonons import from_structure

    parts = _verdict_parts(desc, source)
    found: list[Any] = []

    def phonons() -> Any:
        return from_structure.crystal_phonons(
            build(desc), source, name=desc.name, cache=cache, progress=progress, max_memory_gb=max_memory_gb
        )

    def compute() -> dict[str, NDArray[Any]]:
        try:
            found.append(phonons())
        except MemoryBoundError:
            raise  # the bound's refusal, not the potential's: nothing stored
        except InputError as exc:
            return {"refused": np.frombuffer(str(exc).encode("utf-8"), dtype=np.uint8)}
        return {"refused": np.zeros(0, dtype=np.uint8)}

    try:
        stored = cached_arrays("calculator-validation-crystal", parts, compute, enabled=cache,
                               shapes=_VERDICT_SHAPES, max_bytes=_VERDICT_BYTES, check=_verdict_check)  # fmt: skip
        refused = _refusal_text(stored)
        if refused:
            return None, refused, False
        return (found[0] if found else phonons()), "", False
    except MemoryBoundError as exc:
        return None, str(exc), True


#: Public names of :func:`_crystal_key` and :func:`_crystal_phonons` for the other listings of the compilation's
#: crystals (:mod:`.buildable`): one key per crystal, one remembered refusal.
crystal_key = _crystal_key
crystal_verdict = _crystal_phonons


def _pair_dmm(
    crystals: tuple[Any, Any],
    temperature: NDArray[np.float64],
    spectrum: Callable[[Any], Any],
    settings: Any,
    cache: bool,
) -> NDArray[np.float64]:
    """The full-dispersion DMM of two crystals at ``temperature`` (K), W m^-2 K^-1; cached under their force
    constants, cells and masses and the spectrum settings."""
    from ...io.cache import cached_arrays, finite
    from ..api import conductance_result, model_channels
    from ..registry import get_model

    info = get_model(MODEL, "phonopy")

    def key(c: Any) -> str:
        ph = c.crystal.phonopy
        return _digest(ph.force_constants, ph.primitive.cell, ph.primitive.scaled_positions, ph.primitive.masses)

    parts = {
        "format": CACHE_FORMAT,
        "model": info.name,
        "sides": [key(c) for c in crystals],
        "temperature": np.asarray(temperature, dtype=float),
        "settings": {"mesh": settings.mesh, "width": settings.width, "normal": list(settings.normal),
                     "statistics": settings.statistics},
    }  # fmt: skip

    def compute() -> dict[str, NDArray[Any]]:
        m1, m2 = crystals[0].material, crystals[1].material
        channels = model_channels(info, m1, m2, (spectrum(crystals[0]), spectrum(crystals[1])), settings)
        return {"conductance": conductance_result(info, m1, m2, channels, temperature, settings).conductance}

    stored = cached_arrays("calculator-validation-pair", parts, compute, enabled=cache,
                           shapes={"conductance": np.shape(temperature)}, check=finite)  # fmt: skip
    return np.asarray(stored["conductance"])


def pair_electrons(material1: Any, material2: Any) -> tuple[str, float]:
    """The kind of a pair (:data:`~kapitza.prediction.validation.KINDS`, metals by
    :func:`~kapitza.prediction.interface.is_metal`) and, at a metal/non-metal pair, the metal's electron-phonon
    conductance G_ep (W m^-2 K^-1; NaN where its data are not stored or the pair is of another kind)."""
    from ...transmission.electronic import metal_electron_phonon_conductance
    from ..interface import is_metal
    from .table import KINDS

    metal = (is_metal(material1), is_metal(material2))
    kind = KINDS[sum(metal)]
    if kind != "metal/non-metal":
        return kind, math.nan
    try:
        return kind, float(metal_electron_phonon_conductance(material1 if metal[0] else material2))
    except InputError:
        return kind, math.nan


def pair_full_dispersion(
    crystal1: Any,
    crystal2: Any,
    temperature: ArrayLike,
    *,
    mesh: int = 24,
    normal: ArrayLike | str = (0, 0, 1),
    cache: bool = True,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """The full-dispersion DMM of two crystals built from their structures
    (:class:`~kapitza.phonons.from_structure.StructurePhonons`) at ``temperature`` (K), alone and as ``kapitza
    predict --calculator`` reports it (with the electron term where kapitza has it; NaN for two metals it cannot
    describe), both W m^-2 K^-1: what :func:`calculator_validation` computes for each of its pairs."""
    from ...phonons.full_dispersion import full_dispersion_spectrum
    from ..settings import Settings

    settings = Settings(dispersion="phonopy", mesh=mesh, normal=normal)
    t = np.atleast_1d(np.asarray(temperature, dtype=float))

    def spectrum(c: Any) -> Any:
        return full_dispersion_spectrum(c.crystal, normal=settings.normal, mesh=settings.mesh, width=settings.width)

    phonon = _pair_dmm((crystal1, crystal2), t, spectrum, settings, cache)
    values, _ = as_predicted(crystal1.material, crystal2.material, t, [_PhononResult(t, phonon)])
    return np.asarray(phonon, dtype=float), np.asarray(values[0], dtype=float)


def calculator_validation(
    calculator: str | None = None,
    *,
    measurements: Measurements | None = None,
    mesh: int = 24,
    normal: ArrayLike | str = (0, 0, 1),
    cutoff: str = DEFAULT_CUTOFF,
    cache: bool = True,
    progress: Progress | None = None,
    max_memory_gb: float | None = None,
) -> CalculatorValidation:
    """Score every available measured row whose two crystals can be built, with ``calculator``'s phonons.

    Parameters
    ----------
    calculator : str, optional
        A built-in universal potential or "module:factory"
        (default :data:`~kapitza.atomistic.calculators.DEFAULT_CALCULATOR`).
    measurements : Measurements, optional
        The rows (default the shipped compilation); its bare rows above 0 K are the available ones.
    mesh : int
        Gamma-centred Brillouin-zone mesh of the full-dispersion spectra (default 24, ``kapitza predict``'s).
    normal : (3,) array_like or str
        Interface normal in each side's standard conventional cell (default (0, 0, 1): [001] of a cubic crystal,
        [0001] of a hexagonal one).
    cutoff : str
        Debye cutoff rule of the Debye DMM column (see :func:`kapitza.predict`).
    cache : bool
        Read and write the on-disk cache (phonons, refusals, the pairs' DMM).
    progress : callable, optional
        ``progress(stage, done, total)``: stage "crystals" over the crystals, then "pairs"; the phonon stages of
        :func:`~kapitza.phonons.crystal_phonons` in between.
    max_memory_gb : float, optional
        GB per process that each crystal's force constants may state (default: this machine's memory); a crystal
        above it leaves its rows out as "over the memory bound".

    Returns
    -------
    CalculatorValidation

    Raises
    ------
    InputError
        An unknown calculator or a bad ``mesh``/``normal``/``max_memory_gb`` (before any work).
    MissingDependencyError
        The calculator's package (``pip install 'kapitza[mlip]'``), phonopy or ASE.
    """
    from ...atomistic.calculators import calculator_source
    from ...phonons.full_dispersion import full_dispersion_spectrum
    from ...phonons.harmonic import import_phonopy
    from ...phonons.supercell_plan import memory_limit_gb
    from ..settings import Settings

    settings = Settings(dispersion="phonopy", mesh=mesh, normal=normal)  # refuses a bad mesh or normal up front
    memory_limit_gb(max_memory_gb)  # a bad bound up front, not as every crystal's remembered refusal
    Settings(cutoff=cutoff)
    source = calculator_source(calculator)
    import_phonopy()
    data = shipped_measurements() if measurements is None else measurements
    if not isinstance(data, Measurements):
        raise InputError(f"measurements= must be Measurements, got {type(data).__name__}")
    rows = data.select(available(data))
    n = len(rows)
    side1 = tuple(str(s) for s in rows.film)
    side2 = tuple(str(s) for s in rows.substrate)
    check = check_bounds(rows)
    flagged = np.asarray(check.above, dtype=bool)
    known = set(crystal_names())
    described: dict[str, CrystalDescription | LeftOut | None] = {
        name: (crystal_for(name) if name in known else None) for name in dict.fromkeys(side1 + side2)
    }
    reason = [""] * n
    detail = [""] * n
    for i in range(n):
        if flagged[i]:
            reason[i], detail[i] = "above bound", check.reason[i]
            continue
        missing = [(REASONS.index(left_out_kind(e)), name, e) for name in (side1[i], side2[i])
                   if not isinstance(e := described[name], CrystalDescription)]  # fmt: skip
        if missing:
            _, name, entry = min(missing, key=lambda item: item[0])
            reason[i] = left_out_kind(entry)
            detail[i] = f"{name}: {entry.reason}" if entry is not None else f"{name}: no table in crystals.toml"
    # the crystals the remaining rows need, each once (same_as names share one)
    wanted: dict[tuple[Any, ...], CrystalDescription] = {}
    for i in range(n):
        if not reason[i]:
            for name in (side1[i], side2[i]):
                desc = described[name]
                assert isinstance(desc, CrystalDescription)
                wanted.setdefault(_crystal_key(desc), desc)
    phonons: dict[tuple[Any, ...], tuple[Any, str, bool]] = {}
    for k, (key, desc) in enumerate(wanted.items()):
        if progress is not None:
            progress("crystals", k, len(wanted))
        phonons[key] = _crystal_phonons(desc, source, cache, progress, max_memory_gb)
    if progress is not None:
        progress("crystals", len(wanted), len(wanted))
    crystals_status = {}
    for name, desc in described.items():
        if isinstance(desc, CrystalDescription) and _crystal_key(desc) in phonons:
            crystals_status[name] = phonons[_crystal_key(desc)][1]
    spectra: dict[int, Any] = {}

    def spectrum(c: Any) -> Any:
        if id(c) not in spectra:
            spectra[id(c)] = full_dispersion_spectrum(c.crystal, normal=settings.normal, mesh=settings.mesh,
                                                      width=settings.width)  # fmt: skip
        return spectra[id(c)]

    predicted = np.full(n, np.nan)
    phonon = np.full(n, np.nan)
    note = [""] * n
    kinds = [""] * n
    g_ep = np.full(n, np.nan)
    pairs: dict[tuple[str, str], list[int]] = {}
    for i in range(n):
        if reason[i]:
            continue
        got = [(name, *phonons[_crystal_key(described[name])]) for name in (side1[i], side2[i])]  # type: ignore[arg-type]
        refused = sorted((bound, name, why) for name, _, why, bound in got if why)  # the potential's refusal first
        if refused:
            bound, name, why = refused[0]
            reason[i] = "over the memory bound" if bound else "refused by the potential"
            detail[i] = f"{name}: {why}"
            continue
        pairs.setdefault((side1[i], side2[i]), []).append(i)
    for k, ((a, b), index) in enumerate(pairs.items()):
        if progress is not None:
            progress("pairs", k, len(pairs))
        idx = np.asarray(index)
        c1 = phonons[_crystal_key(described[a])][0]  # type: ignore[arg-type]
        c2 = phonons[_crystal_key(described[b])][0]  # type: ignore[arg-type]
        t = np.asarray(rows.temperature[idx], dtype=float)
        g = _pair_dmm((c1, c2), t, spectrum, settings, cache)
        phonon[idx] = g
        found = _PhononResult(t, g)
        values, text = as_predicted(c1.material, c2.material, t, [found])
        predicted[idx] = values[0]
        kind, electron_phonon = pair_electrons(c1.material, c2.material)
        g_ep[idx] = electron_phonon
        for i in index:
            note[i] = text
            kinds[i] = kind
            if not (math.isfinite(predicted[i]) and predicted[i] > 0):
                reason[i], detail[i] = "no prediction", f"{a}/{b}: {text or 'no finite prediction'}"
                predicted[i] = math.nan
    if progress is not None:
        progress("pairs", len(pairs), len(pairs))
    debye = _debye(rows, cutoff)
    return CalculatorValidation(
        calculator=source.name,
        calculator_description=source.description,
        measured=rows.conductance,
        temperature=rows.temperature,
        predicted=predicted,
        phonon=phonon,
        debye=debye,
        side1=side1,
        side2=side2,
        paper=tuple(str(p) for p in rows.reference_id),
        reason=tuple(reason),
        detail=tuple(detail),
        note=tuple(note),
        flagged=flagged,
        crystals=crystals_status,
        mesh=int(settings.mesh[0]),  # type: ignore[index]
        normal=tuple(float(v) for v in settings.normal),
        cutoff=cutoff,
        kind=tuple(kinds),
        electron_phonon=g_ep,
    )


class _PhononResult:
    """The one field :func:`~kapitza.prediction.validation.as_predicted` reads of a phonon model's result."""

    def __init__(self, temperature: NDArray[np.float64], conductance: NDArray[np.float64]) -> None:
        self.temperature = temperature
        self.conductance = conductance
        self.model = MODEL


def _debye(rows: Measurements, cutoff: str) -> NDArray[np.float64]:
    """The Debye DMM as ``kapitza validate`` predicts each row (NaN where a side is not a database material)."""
    mapped = np.array([bool(a) and bool(b) for a, b in zip(rows.film_material, rows.substrate_material)], dtype=bool)
    out = np.full(len(rows), np.nan)
    if mapped.any():
        table = validation_table(("dmm",), cutoff=cutoff, measurements=rows.select(mapped))
        out[np.flatnonzero(mapped)] = table.predicted[0]
    return out


#: Public names of :class:`_PhononResult` and :func:`_debye` for the other validations of the compilation's rows
#: (:mod:`.agf_validation`): one rule of what ``predict`` reports, one Debye column.
PhononResult = _PhononResult
debye_predictions = _debye
