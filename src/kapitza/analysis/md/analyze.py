"""``kapitza md analyze`` as one call: whatever the source, one :class:`MdAnalysis` that the CLI only renders.

:func:`analyze_md` takes what the command takes and validates all of it here, once:

* a **profile file** (LAMMPS ``fix ave/chunk`` or columns) with the flux given (``flux``, ``flux_err``) or from a
  bath file (``baths`` with ``area``, ``block_time``, ``bath_columns``, ``timestep``, ``blocks``), analysed by
  :func:`kapitza.analysis.md.jump.analyze_jump`;
* a **kapitza run directory** (``run.json``): everything from its files (:func:`kapitza.analysis.md.response.
  analyze_run`), its thermostat regime beside it; the options that would contradict it are refused;
* a **folder of replicas** (``replicas.json``, ``kapitza md run CONFIG --replicas N``): every replica analysed as
  a single run and the complete ones pooled (:func:`kapitza.analysis.md.replicas.analyze_replicas`).

The result's :meth:`MdAnalysis.to_dict` is the ``--json`` document; the default text and ``--explain`` are drawn
by the CLI from the same object, so Python and the command line give the same numbers.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from ... import _checks
from ...errors import InputError
from ...io.replica_layout import REPLICAS_FILE, is_replica_parent
from ...io.results import result, to_jsonable
from ...io.run_manifest import MANIFEST_FILE
from .jump import DEFAULT_BATH_TOLERANCE, JumpAnalysis
from .units import unit_system

#: What analyze_md was given: a profile file, a run directory, or a folder of replicas.
KINDS = ("profile", "run", "replicas")
GEOMETRIES = ("periodic", "fixed")


@result
class MdAnalysis:
    """Everything ``kapitza md analyze`` shows, from one :func:`analyze_md` call.

    Attributes
    ----------
    kind : str
        ``profile`` (a profile file), ``run`` (a kapitza run directory) or ``replicas`` (a folder of replicas).
    source : str
        The path analysed.
    units : str
        The LAMMPS unit system (lj, metal, real, si).
    jump : JumpAnalysis or None
        Delta T and G of the profile or run (None for replicas).
    run : RunAnalysis or None
        The run directory's analysis (``run`` only).
    replicas : ReplicaAnalysis or None
        The replicas and their pool (``replicas`` only).
    regime : ThermostatRegime or None
        The thermostat-regime verdict of a run directory (None where it cannot be made or for a profile file).
    replica_regimes : tuple of (str, ThermostatRegime)
        Each pooled replica's verdict (``replicas`` only).
    bath_file_layout : str or None
        How a bath file's columns were read (``profile`` with a bath file).
    flux_err_given : bool
        Whether a given flux came with its error (``flux_err``); without it the flux is exact.
    profile : TemperatureProfile or None
        The profile as analysed, for a figure (with ``profile=True``).
    """

    kind: str
    source: str
    units: str
    jump: JumpAnalysis | None
    run: Any
    replicas: Any
    regime: Any
    replica_regimes: tuple[tuple[str, Any], ...]
    bath_file_layout: str | None
    flux_err_given: bool
    profile: Any

    _summary_fields: ClassVar[tuple[str, ...]] = ("kind", "source", "units")

    @property
    def system(self):
        """The :class:`~kapitza.analysis.md.units.UnitSystem` of the numbers."""
        return unit_system(self.units)

    @property
    def G(self) -> float:
        """The answer: the pooled G of replicas, else the combined G of the profile or run (conductance unit)."""
        return self.replicas.pool.G if self.kind == "replicas" else self.jump.G

    @property
    def G_err(self) -> float:
        return self.replicas.pool.G_err if self.kind == "replicas" else self.jump.G_err

    @property
    def warnings(self) -> tuple[str, ...]:
        """What changes the decision, in order: the analysis's own warnings, an unconverged flux error, and a
        thermostat-limited (or possibly limited) regime."""
        out: list[str] = []
        if self.kind == "replicas":
            out += self.replicas.warnings
            for name, regime in self.replica_regimes:
                if regime is not None and regime.verdict != "ok":
                    out.append(f"{name}: regime: {regime.message}")
            return tuple(out)
        out += self.jump.warnings
        bath = self.jump.bath_flux
        if bath is not None and not bath.converged:
            out.append(f"flux error: {bath.error_method}")
        if self.regime is not None and self.regime.verdict != "ok":
            out.append(f"regime: {self.regime.message}")
        return tuple(out)

    def to_dict(self) -> dict[str, Any]:
        """The ``kapitza md analyze --json`` document (non-finite numbers as "nan"/"inf", each undetermined or zero
        error with a ``<key>_note`` saying why)."""
        if self.kind == "replicas":
            return replicas_document(self)
        doc = jump_document(self.jump, self.system, self.flux_err_given)
        if self.bath_file_layout is not None:
            doc["bath_file_layout"] = self.bath_file_layout
        if self.run is not None:
            r = self.run
            doc.update(
                run_dir=r.run_dir,
                T_mean=float(r.T_mean),
                bath_delta_T=float(r.bath_delta_T),
                area=float(r.area),
                block_time=float(r.block_time),
                interface_fraction=float(r.interface_fraction),
            )
            if self.regime is not None:
                doc["regime"] = {"verdict": self.regime.verdict, "message": self.regime.message}
        return to_jsonable(doc)


def _option(name: str) -> str:
    """The CLI option of an argument, for messages that read in Python and on the command line alike."""
    return f"{name}= (--{name.replace('_', '-')})"


#: The arguments a run directory or a folder of replicas provides itself (given, they are refused).
PROFILE_ONLY = ("flux", "flux_err", "baths", "bath_columns", "timestep", "area", "block_time", "column",
                "composition", "cold_bath_at", "bath_width")  # fmt: skip


@dataclass(frozen=True)
class AnalysisSettings:
    """The one settings record of ``kapitza md analyze`` (:func:`analyze_md` takes it, or its fields by keyword;
    each field's meaning is :func:`analyze_md`'s parameter of that name).  Only grouped here: the values are
    checked by :func:`analyze_md`, naming them as the caller types them."""

    flux: float | None = None
    flux_err: float | None = None
    baths: str | os.PathLike | None = None
    bath_columns: str | dict | None = None
    timestep: float | None = None
    blocks: int | None = None
    area: float | None = None
    block_time: float | None = None
    interfaces: Any = None
    hot_bath_at: float | None = None
    cold_bath_at: float | None = None
    bath_width: float | None = None
    geometry: str | None = None
    units: str | None = None
    column: str | int | None = None
    composition: str | int | None = None
    exclude: int | None = None
    tolerance: float = DEFAULT_BATH_TOLERANCE
    profile: bool = False

    @classmethod
    def of(cls, settings: AnalysisSettings | None, given: dict[str, Any]) -> AnalysisSettings:
        """``settings`` (default: the defaults) with ``given`` (its fields by keyword) put in; InputError for a
        keyword that is no field."""
        return _checks.settings_record(cls, settings, given, "settings", " of analyze_md; its settings")


def analyze_md(
    source: str | os.PathLike,
    *,
    settings: AnalysisSettings | None = None,
    **given: Any,
) -> MdAnalysis:
    """Delta T and G of a profile file, a kapitza run directory or a folder of replicas (the module docstring).

    Parameters
    ----------
    source : path-like
        A profile file, a run directory (``run.json``) or a folder of replicas (``replicas.json``).
    settings : AnalysisSettings, optional
        The settings below as one record (:class:`AnalysisSettings`); each may also be given by keyword (put into
        the record), as ``analyze_md(path, flux=2.0, interfaces=[10, 30])``.
    flux, flux_err : float, optional
        Profile file only: the heat flux through each interface and its standard error (flux unit of ``units``);
        without ``flux_err`` the flux is exact.
    baths : path-like, optional
        Profile file only: a bath energy file (:func:`kapitza.analysis.md.baths.read_bath_tally`), with ``area``
        (length unit squared), ``block_time`` for a kapitza baths.txt, ``bath_columns`` (``time=COL,hot=COL,
        cold=COL``) and ``timestep`` (for ``step=COL``) where its header does not name its columns.
    blocks : int, optional
        Blocks for the flux error from the bath energies, taken as independent (default: from the data).
    interfaces : sequence of float, optional
        The interface planes (length unit; 2 periodic, 1 fixed); default: from the composition column or the run.
    hot_bath_at, cold_bath_at : float, optional
        Centres of the hot and cold baths (length unit): the heat-flow direction.
    bath_width : float, optional
        Profile file only: width of each bath slab (length unit), so that exclusions count from its edge.
    geometry, units : str, optional
        ``periodic``/``fixed`` and ``lj``/``metal``/``real``/``si``; default periodic and lj, or the run's (a
        contradicting value is refused).
    column, composition : str or int, optional
        Profile file only: the temperature and composition columns (header name or 0-based index).
    exclude : int, optional
        Bins left out next to each bath and interface (default: 20 % of each segment).
    tolerance : float
        Accepted relative difference of the two baths' powers.
    profile : bool
        Keep the analysed profile in the result (for a figure); refused for replicas (a figure shows one run).
    """
    found = AnalysisSettings.of(settings, given)
    geometry, units, exclude, blocks = found.geometry, found.units, found.exclude, found.blocks
    hot_bath_at, cold_bath_at, profile = found.hot_bath_at, found.cold_bath_at, found.profile
    path = Path(source)
    if not path.exists():
        raise InputError(f"{str(path)!r} does not exist")
    if geometry is not None and geometry not in GEOMETRIES:
        raise InputError(f"{_option('geometry')} must be periodic or fixed, got {geometry!r}")
    if units is not None:
        unit_system(units, "--units")
    if exclude is not None:
        exclude = _checks.count(exclude, _option("exclude"), minimum=0)
    if blocks is not None:
        blocks = _checks.count(blocks, _option("blocks"), minimum=2)
    tolerance = _checks.positive(found.tolerance, _option("tolerance"), "")
    planes = None if found.interfaces is None else _numbers(found.interfaces, "interfaces")
    for name, value in (("hot_bath_at", hot_bath_at), ("cold_bath_at", cold_bath_at)):
        if value is not None:
            _checks.number(value, _option(name), "length unit")
    if cold_bath_at is not None and hot_bath_at is None:
        raise InputError(f"{_option('cold_bath_at')} goes with {_option('hot_bath_at')} (the hot bath's centre)")
    if path.is_dir():
        for name in PROFILE_ONLY:
            if getattr(found, name) is not None:
                raise InputError(f"{_option(name)} is for a profile file; a run directory provides it ({str(path)!r})")
        if is_replica_parent(path) and os.path.lexists(path / MANIFEST_FILE):
            raise InputError(
                f"{str(path)!r} holds both replicas ({REPLICAS_FILE}) and a single run ({MANIFEST_FILE}) written "
                "beside them: md analyze cannot tell which you mean; move the single run to a folder of its own"
            )
        if is_replica_parent(path):
            if profile:
                raise InputError(
                    f"a profile figure shows one run; {str(path)!r} holds replicas: plot one of them "
                    f"(kapitza md analyze {path / 'replica-1'} --plot FILE)"
                )
            return _replicas(path, planes, exclude, tolerance, hot_bath_at, blocks, geometry, units)
        return _run(path, planes, exclude, tolerance, hot_bath_at, blocks, geometry, units, profile)
    checked = replace(found, blocks=blocks, geometry=geometry or "periodic", units=units or "lj", exclude=exclude,
                      tolerance=tolerance)  # fmt: skip
    return _profile_file(path, checked, planes)


def _numbers(values: Any, name: str) -> tuple[float, ...]:
    try:
        a = np.atleast_1d(np.asarray(values, dtype=float))
    except (TypeError, ValueError):
        raise InputError(f"{_option(name)} takes numbers, got {values!r}") from None
    if a.ndim != 1 or not np.all(np.isfinite(a)):
        raise InputError(f"{_option(name)} takes finite numbers, got {values!r}")
    return tuple(float(x) for x in a)


def _contradictions(geometry: str | None, units: str | None, have_geometry: str, have_units: str, where: str) -> None:
    if geometry is not None and geometry != have_geometry:
        raise InputError(f"{_option('geometry')} {geometry} contradicts the run directory's ({have_geometry}): {where}")
    if units is not None and unit_system(units, "--units").name != have_units:
        raise InputError(f"{_option('units')} {units} contradicts the run directory's units ({have_units}): {where}")


def _run(path, planes, exclude, tolerance, hot_bath, blocks, geometry, units, profile) -> MdAnalysis:
    from .regime import run_regime
    from .response import analyze_run, run_profile

    run = analyze_run(path, interfaces=planes, exclude_bins=exclude, tolerance=tolerance, hot_bath=hot_bath,
                      n_blocks=blocks)  # fmt: skip
    _contradictions(geometry, units, run.jump.geometry, run.jump.units, str(path))
    return MdAnalysis(
        kind="run",
        source=str(path),
        units=run.jump.units,
        jump=run.jump,
        run=run,
        replicas=None,
        regime=_regime(run_regime, path),
        replica_regimes=(),
        bath_file_layout=None,
        flux_err_given=True,
        profile=run_profile(path) if profile else None,
    )


def _regime(run_regime: Any, path: Path) -> Any:
    """The thermostat-regime verdict of a run directory, None when it cannot be made."""
    try:
        return run_regime(path)
    except (InputError, OSError, ValueError):
        return None


def _replicas(path, planes, exclude, tolerance, hot_bath, blocks, geometry, units) -> MdAnalysis:
    from .regime import run_regime
    from .replicas import analyze_replicas

    reps = analyze_replicas(path, planes, exclude, tolerance, hot_bath, blocks)
    first = next(r for r in reps.replicas if r.pooled)
    _contradictions(geometry, units, first.analysis.jump.geometry, reps.units, str(path))
    regimes = tuple((r.name, _regime(run_regime, Path(path) / r.name)) for r in reps.replicas if r.pooled)
    return MdAnalysis(
        kind="replicas",
        source=str(path),
        units=reps.units,
        jump=None,
        run=None,
        replicas=reps,
        regime=None,
        replica_regimes=regimes,
        bath_file_layout=None,
        flux_err_given=True,
        profile=None,
    )


def _profile_file(path: Path, found: AnalysisSettings, planes: tuple[float, ...] | None) -> MdAnalysis:
    """A profile file's analysis (``found``: the settings checked, geometry and units resolved)."""
    flux, flux_err, baths, bath_columns, timestep = (found.flux, found.flux_err, found.baths, found.bath_columns,
                                                     found.timestep)  # fmt: skip
    blocks, area, block_time, hot_bath, cold_bath = (found.blocks, found.area, found.block_time, found.hot_bath_at,
                                                     found.cold_bath_at)  # fmt: skip
    bath_width, geometry, units, column, composition = (found.bath_width, found.geometry, found.units, found.column,
                                                        found.composition)  # fmt: skip
    exclude, tolerance, keep_profile = found.exclude, found.tolerance, found.profile
    from .baths import parse_layout, read_bath_tally
    from .jump import analyze_jump
    from .profiles import read_profile
    from .response import flux_from_tally

    if flux is not None and baths is not None:
        raise InputError(f"give either {_option('flux')} or {_option('baths')}, not both")
    if flux_err is not None and flux is None:
        raise InputError(f"{_option('flux_err')} goes with {_option('flux')} (a flux from a bath file carries its own)")
    for value, name in ((block_time, "block_time"), (bath_columns, "bath_columns"), (blocks, "blocks")):
        if value is not None and baths is None:
            raise InputError(f"{_option(name)} goes with {_option('baths')}")
    if timestep is not None and bath_columns is None:
        raise InputError(f"{_option('timestep')} goes with {_option('bath_columns')} step=COL")
    if area is not None and baths is None:
        raise InputError(f"{_option('area')} goes with {_option('baths')} (the cross-section of the bath flux)")
    if flux is not None:
        flux = _checks.positive(flux, _option("flux"), "flux unit")
    if flux_err is not None:
        flux_err = _checks.number(flux_err, _option("flux_err"), "flux unit")
        if flux_err < 0:
            raise InputError(f"{_option('flux_err')} must be >= 0, got {flux_err:g}")
    col = int(column) if isinstance(column, str) and column.isdigit() else column
    comp = int(composition) if isinstance(composition, str) and composition.isdigit() else composition
    j: Any = flux
    tally = None
    if baths is not None:
        if area is None:
            raise InputError(
                f"{_option('baths')} needs {_option('area')} (the cross-section, in the units' length unit squared)"
            )
        area = _checks.positive(area, _option("area"), "length unit squared")
        layout = parse_layout(bath_columns) if isinstance(bath_columns, str) else bath_columns
        tally = read_bath_tally(baths, layout, timestep)
        if tally.kind == "blocks" and block_time is None:
            raise InputError(f"{_option('baths')} with a kapitza baths.txt (energies per block) needs "
                             f"{_option('block_time')}")  # fmt: skip
        if tally.kind == "cumulative" and block_time is not None:
            raise InputError(f"{_option('block_time')} is for a kapitza baths.txt; {str(baths)!r} holds cumulative "
                             "tallies")  # fmt: skip
    prof = read_profile(path, column=col, units=units, composition=comp)
    if tally is not None:
        j = flux_from_tally(tally, float(area), geometry, block_time, tolerance, units, blocks)
    bath_positions = (hot_bath, cold_bath) if cold_bath is not None else None
    result_ = analyze_jump(
        prof,
        interfaces=planes,
        geometry=geometry,
        flux=j,
        flux_err=0.0 if flux_err is None else flux_err,
        exclude_bins=exclude,
        bath_positions=bath_positions,
        hot_bath=hot_bath,
        bath_width=bath_width,
    )
    return MdAnalysis(
        kind="profile",
        source=str(path),
        units=result_.units,
        jump=result_,
        run=None,
        replicas=None,
        regime=None,
        replica_regimes=(),
        bath_file_layout=None if tally is None else tally.layout,
        flux_err_given=flux_err is not None,
        profile=prof if keep_profile else None,
    )


# --------------------------------------------------------------------------- the JSON documents


def _undetermined(value: object) -> bool:
    return isinstance(value, float) and not math.isfinite(value)


def _mw(units: str, g: float) -> float:
    from .jump import conductance_mw

    return conductance_mw(g, units)


def _error_notes(r: JumpAnalysis, system: Any, flux_err_given: bool) -> dict[str, str]:
    """Why an error in the JSON is zero or NaN, by key (only the reasons that apply)."""
    notes: dict[str, str] = {}
    if r.flux_source == "none":
        notes["J_err"] = notes["G_err"] = "no flux given (--flux or --baths): J and G are not computed"
    elif r.flux_source == "given" and r.flux_err == 0:
        notes["J_err"] = (
            "the flux was given with --flux and no --flux-err: treated as exact, so G's error holds Delta T's only"
            if not flux_err_given
            else "--flux-err 0 was given: the flux is treated as exact"
        )
    if r.flux_source != "none" and not (np.isfinite(r.G) and r.delta_T > 0):
        notes["G_err"] = "Delta T <= 0: G = J / Delta T is not defined"
    if system.reduced:
        notes["G_si_err"] = notes["G_MW_m2K_err"] = "LJ reduced units have no SI value"
    elif "G_err" in notes:
        notes["G_si_err"] = notes["G_MW_m2K_err"] = notes["G_err"]
    if r.blocks_used < 3:
        notes["delta_T_err_jackknife"] = f"only {r.blocks_used} block(s) used: no jackknife over blocks"
    return notes


#: Why an error is exactly zero (whatever the case): the data have no spread to measure.
ZERO_NOTES = {
    "delta_T_err": "the blocks' Delta T are identical (noise-free data?): zero spread is not a measurement error",
    "delta_T_err_jackknife": "the blocks' Delta T are identical (noise-free data?): zero spread",
    "G_err": "Delta T has zero spread over the blocks and the flux is exact: not a measurement error",
    "G_si_err": "Delta T has zero spread over the blocks and the flux is exact: not a measurement error",
    "G_MW_m2K_err": "Delta T has zero spread over the blocks and the flux is exact: not a measurement error",
}


def annotate(doc: dict[str, Any], notes: dict[str, str]) -> dict[str, Any]:
    """``doc`` with a sibling ``<key>_note`` beside every error that is zero or NaN and has a reason."""
    out = dict(doc)
    for key, value in doc.items():
        if key.endswith("_err") or key.endswith("_err_jackknife"):
            if _undetermined(value) and key in notes:
                out[f"{key}_note"] = notes[key]
            elif value == 0 and (key in notes or key in ZERO_NOTES):
                out[f"{key}_note"] = notes.get(key, ZERO_NOTES.get(key, ""))
    return out


def _series_document(s: Any) -> dict[str, Any] | None:
    """The correlated-error details of a block series (:class:`~kapitza.analysis.md.blocking.CorrelatedMean`)."""
    if s is None:
        return None
    return {
        "blocks": s.n_samples,
        "statistical_inefficiency": float(s.inefficiency),
        "effective_blocks": float(s.n_effective),
        "t_factor": float(s.t_factor),
        "converged": s.converged,
        "method": s.method,
        "blocking_curve": [[size, float(e), float(ee)] for size, e, ee in s.blocking],
    }


def jump_document(r: JumpAnalysis, system: Any, flux_err_given: bool = True) -> dict[str, Any]:
    """The JSON document of one profile's or run's jump analysis (``md analyze --json``)."""
    notes = _error_notes(r, system, flux_err_given)
    si = not system.reduced

    def one(j: Any) -> dict[str, Any]:
        d = {
            "position": float(j.position),
            "delta_T": float(j.delta_T),
            "delta_T_err": float(j.delta_T_err),
            "delta_T_err_jackknife": float(j.delta_T_err_jackknife),
            "G": float(j.G),
            "G_err": float(j.G_err),
            "direction": j.direction,
            "fit_ranges": [list(map(float, x)) for x in j.fit_ranges],
            "excluded_zones": [list(map(float, x)) for x in j.excluded],
        }
        if si:
            d.update(G_MW_m2K=float(_mw(r.units, j.G)), G_MW_m2K_err=float(_mw(r.units, j.G_err)))
        return annotate(d, notes)

    combined = {
        "delta_T": float(r.delta_T),
        "delta_T_err": float(r.delta_T_err),
        "delta_T_err_jackknife": float(r.delta_T_err_jackknife),
        "G": float(r.G),
        "G_err": float(r.G_err),
        "G_si": float(r.G_si),
        "G_si_err": float(r.G_si_err),
    }
    if si:
        combined.update(G_MW_m2K=float(_mw(r.units, r.G)), G_MW_m2K_err=float(_mw(r.units, r.G_err)))
    out: dict[str, Any] = {
        "units": r.units,
        "unit_names": {**dict(r.unit_names), **({"conductance_MW": "MW m^-2 K^-1"} if si else {})},
        "geometry": r.geometry,
        "interfaces": [one(j) for j in r.interfaces],
        "combined": annotate(combined, notes),
        **annotate({"J": float(r.flux), "J_err": float(r.flux_err)}, notes),
        "flux_source": r.flux_source,
        "exclusion": r.exclusion,
        "bath_positions": [float(x) for x in r.bath_positions],
        "bath_width": float(r.bath_width),
        "hot_bath": float(r.hot_bath),
        "direction_source": r.direction_source,
        "blocks_used": r.blocks_used,
        "blocks_dropped": r.blocks_dropped,
        "error_method": r.error_method,
        "delta_T_series": _series_document(r.delta_T_series),
        "warnings": list(r.warnings),
    }
    if r.bath_flux is not None:
        b = r.bath_flux
        baths = {
            "flux_err_method": b.error_method,
            "flux_blocks": b.n_blocks,
            "block_time": float(b.block_time),
            "flux_err_blocking": float(b.flux_err_blocking),
            "statistical_inefficiency": float(b.inefficiency),
            "converged": b.converged,
            "power_hot": float(b.power_hot),
            "power_cold": float(b.power_cold),
            "relative_difference": float(b.relative_difference),
            "relative_difference_err": float(b.relative_difference_err),
            "balanced": b.balanced,
            "tolerance": float(b.tolerance),
        }
        reasons = {
            "relative_difference_err": "the two baths' powers are equal in every block: no spread",
            "flux_err_blocking": "fewer than 16 samples: no block-average cross-check",
        }
        out["baths"] = annotate(baths, reasons)
        if b.flux_err == 0:
            out["J_err_note"] = "the flux is the same in every block (noise-free tallies): no spread over blocks"
    return out


def replicas_document(a: MdAnalysis) -> dict[str, Any]:
    """The JSON document of a folder of replicas (``md analyze PARENT --json``)."""
    reps = a.replicas
    p = reps.pool
    system = a.system
    si = not system.reduced

    def mw(x: float) -> float:
        return float(_mw(reps.units, x)) if si else float("nan")

    pooled = {
        "n": p.n,
        "G": float(p.G),
        "G_err": float(p.G_err),
        "G_si": float(reps.G_si),
        "G_si_err": float(reps.G_si_err),
        "G_next_err": float(p.G_next_err),
        "G_si_next_err": float(reps.G_si_next_err),
        "next_run": f"G +- G_next_err holds one further run of this configuration: {p.next_run}",
        "J": float(p.flux),
        "J_err": float(p.flux_err),
        "delta_T": float(p.delta_T),
        "delta_T_err": float(p.delta_T_err),
        "t_factor": float(p.t_factor),
        "estimator": p.estimator,
        "spread_ratio": float(p.spread_ratio),
        "spread_pvalue": float(p.spread_pvalue),
        "single_run_errors_understate_spread": p.understated,
    }
    if si:
        pooled.update(G_MW_m2K=mw(p.G), G_MW_m2K_err=mw(p.G_err), G_MW_m2K_next_err=mw(p.G_next_err))
    notes = (
        {"G_si_err": "LJ reduced units have no SI value", "G_si_next_err": "LJ reduced units have no SI value"}
        if system.reduced
        else {}
    )
    pooled = annotate(pooled, notes)
    if not math.isfinite(p.spread_ratio):
        pooled["spread_ratio_note"] = "a replica's single-run error is not positive: no comparison"
    rows = []
    for r in reps.replicas:
        row: dict[str, Any] = {"name": r.name, "seed": r.seed, "status": r.status}
        if r.analysis is not None:
            j = r.analysis.jump
            row.update(
                run_dir=r.analysis.run_dir,
                G=float(j.G),
                G_err=float(j.G_err),
                J=float(j.flux),
                J_err=float(j.flux_err),
                delta_T=float(j.delta_T),
                delta_T_err=float(j.delta_T_err),
                T_mean=float(r.analysis.T_mean),
                warnings=list(j.warnings),
            )
            if si:
                row.update(G_MW_m2K=mw(j.G), G_MW_m2K_err=mw(j.G_err))
        rows.append(row)
    doc = {
        "units": reps.units,
        "unit_names": {**dict(reps.unit_names), **({"conductance_MW": "MW m^-2 K^-1"} if si else {})},
        "parent": reps.parent,
        "config_sha256": reps.config_sha256,
        "T_mean": float(reps.T_mean),
        "pooled": pooled,
        "replicas": rows,
        "regimes": [
            {"name": name, "verdict": g.verdict, "message": g.message} for name, g in a.replica_regimes if g is not None
        ],
        "warnings": list(reps.warnings),
    }
    return to_jsonable(doc)


__all__ = ["AnalysisSettings", "MdAnalysis", "analyze_md", "jump_document", "replicas_document"]
