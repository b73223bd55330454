r"""Is an NEMD run measuring the interface or the thermostat?  A diagnostic on the numbers of a profile.

Physics
-------
A Langevin bath of :math:`N` atoms with damping time :math:`\tau_d` exchanges with the system the power
:math:`P \simeq 3Nk_B(T_\mathrm{set} - T_\mathrm{slab})/\tau_d` (the friction :math:`m/\tau_d` acting on the
slab's kinetic temperature), so in steady state the slab's own mean temperature misses its set point by
:math:`P\tau_d/(3Nk_B)`.  When the bath is weak (:math:`\tau_d` many phonon periods) or thin, phonons
cross it without being thermalised, the crystals between the baths are ballistic, the bulk profiles are flat
and the interface takes most of the slab-to-slab drop.  The heat flux is then limited by the baths, and
:math:`G = J/\Delta T` depends on the coupling: the review of issue 25 measured the SW Si|Ge conductance
move 3.3-3.5x between damping times of 1 and 0.1 ps at fixed geometry, with the slabs far from their set
points and the interface taking 70-85 % of the drop.  kapitza's protocol study
(``docs/physics/nemd-protocol.md``, ``scripts/nemd_protocol_study.py``) puts numbers on both signs.

What is computed
----------------
From a (block-averaged) temperature profile, the bath set points and slabs and the interface planes:

* the slabs' mean temperatures :math:`\bar T_h, \bar T_c` (mean over the bins whose centre lies in each
  slab, periodic wrap allowed) and the **bath shortfall**
  :math:`s = 1 - (\bar T_h - \bar T_c)/(T_{h,\mathrm{set}} - T_{c,\mathrm{set}})`: the share of the imposed
  difference spent driving the thermostats;
* the **interface share** :math:`f = |\Delta T_\mathrm{interface}|/(\bar T_h - \bar T_c)`: the share of the
  slab-to-slab drop along one heat path taken by its interface (mean over the interfaces).  The jumps are
  given (e.g. from :func:`kapitza.analysis.md.jump.analyze_jump`), or estimated here by straight lines fitted
  to the middle half of each bulk segment between a slab edge and the interface, extrapolated to the plane.

Verdict: ``"thermostat-limited"`` when :math:`s >` :data:`SHORTFALL_LIMIT` (the slabs far from their set
points) or :math:`f >` :data:`INTERFACE_SHARE_LIMIT` by more than the standard error of :math:`f` over blocks
(flat, ballistic bulk profiles: the interface takes nearly all of the drop); ``"uncertain"`` when :math:`f`
is above the limit by less than its error, or has no error (jumps given, fewer than 3 blocks); ``"ok"``
otherwise.  The thresholds come from the protocol study as it stood before issue 52 (baths with ``zero yes``,
which damped the slabs' rigid motion without driving it): the SW Si|Ge bicrystal (2 x 2 x (10 + 10) cells) with a
1 ps damping time had its slabs within 5 % of their set points but f = 0.99 (f = 1.5 at 0.3 ps: the bulk
profiles even sloped the wrong way), and G = 117 +- 37 MW m^-2 K^-1 against 307 +- 77 at 0.1 ps (f = 0.77); the
LJ mass-ratio runs had f = 0.39-0.66 between 2 and 0.05 tau.  Measured again with plain baths
(``docs/physics/nemd-protocol.md``), the 1 ps SW run has f = 0.82 with its slabs 15 % off their set points and
G = 201 +- 70 against 581 +- 198 at 0.1 ps (f = 0.66); the LJ runs f = 0.31-0.56.  The 1 ps run, the lowest G
there, is no longer flagged (f = 0.82 < 0.9, slabs 15 % off < 50 %): the verdict catches only the flat-profile
extreme, and a scan of the damping time remains the check.  The estimate of f carries the statistical error of the
jump (about 0.15 on those runs), so a verdict near the threshold is to be checked by halving the damping
time.  The remedy is stronger coupling (a shorter damping time) and wider baths, and checking that G no
longer moves.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ...errors import InputError
from ...io.profile_layout import MIN_REGIME_BINS, periodic_offset, regime_bins, slab_bins
from ...io.results import result

#: Bath shortfall above which the run is thermostat-limited (the baths take half the imposed difference).
SHORTFALL_LIMIT = 0.5
#: Interface share of the slab-to-slab drop above which the bulk profiles are flat (ballistic crystals).
INTERFACE_SHARE_LIMIT = 0.9
REMEDY = (
    "shorten the Langevin damping time (damp=, e.g. halve it) and/or widen the baths (bath_width=), and check "
    "that G no longer moves (docs/physics/nemd-protocol.md)"
)


@result
class ThermostatRegime:
    """The thermostat-limited diagnostic of one NEMD profile (temperatures in the profile's unit).

    Attributes
    ----------
    verdict : str
        ``"ok"``, ``"thermostat-limited"`` or ``"uncertain"`` (interface share above the limit by less than its
        error over blocks, or without such an error).
    message : str
        One line: the verdict, the numbers behind it and (when limited) the remedy.
    remedy : str
        What to change ("" when ok).
    bath_temperatures : tuple of 2 floats
        Mean temperatures of the hot and the cold slab.
    set_points : tuple of 2 floats
        The hot and cold set points.
    bath_shortfall : float
        1 - (T_hot_slab - T_cold_slab) / (T_hot_set - T_cold_set).
    interface_share : float
        Mean |interface jump| over the slab-to-slab drop (NaN if that drop is not positive).
    interface_share_err : float
        Standard error of the share: over blocks (estimated jumps, at least 3 blocks), or from
        ``interface_jump_errors``; else NaN.
    interface_jumps : tuple of float
        The jumps used: given, or estimated from the profile along the heat flow (upstream minus downstream,
        the hot slab's side being upstream: positive for a normal jump).
    jumps_estimated : bool
        True when the jumps were estimated here from the profile.
    """

    verdict: str
    message: str
    remedy: str
    bath_temperatures: tuple[float, float]
    set_points: tuple[float, float]
    bath_shortfall: float
    interface_share: float
    interface_share_err: float
    interface_jumps: tuple[float, ...]
    jumps_estimated: bool

    _summary_fields: ClassVar[tuple[str, ...]] = ("verdict", "bath_shortfall", "interface_share")


def _finite(name: str, values: ArrayLike, shape: tuple[int, ...] | None = None) -> NDArray[np.float64]:
    try:
        a = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise InputError(f"thermostat regime: {name} must be numbers, got {values!r}") from None
    if shape is not None and a.shape != shape:
        raise InputError(f"thermostat regime: {name} must have shape {shape}, got {a.shape}")
    if not np.all(np.isfinite(a)):
        raise InputError(f"thermostat regime: {name} must be finite, got {values!r}")
    return a


def _message(verdict: str, numbers: str, have_share: bool) -> str:
    """The verdict in words, with the numbers behind it and the remedy where one is due."""
    if verdict == "thermostat-limited":
        return f"thermostat-limited: {numbers}; G measures the baths, not the interface: {REMEDY}"
    if verdict == "uncertain" and not have_share:
        return f"possibly thermostat-limited: {numbers}; without it the flat-profile test cannot be made"
    if verdict == "uncertain":
        return (
            f"possibly thermostat-limited: {numbers}, above {100 * INTERFACE_SHARE_LIMIT:.0f} % but not by more "
            f"than its error over blocks (none with given jumps or fewer than 3 blocks): run longer, or {REMEDY}"
        )
    return f"not thermostat-limited: {numbers}"


def _mean_magnitude(values: Sequence[float]) -> float:
    """Mean of |values| over the finite ones; NaN (and no numpy warning) when none is."""
    v = np.abs(np.asarray(values, dtype=float))
    v = v[np.isfinite(v)]
    return float(v.mean()) if v.size else math.nan


def _slab_mean(z, t, region, period):
    lo, hi = region
    centre, half = (lo + hi) / 2, (hi - lo) / 2
    inside = slab_bins(z, region, period)
    if not inside.any():
        raise InputError(f"thermostat regime: no profile bin lies in the bath slab {lo:g} .. {hi:g} (bins too coarse?)")
    return float(np.mean(t[inside])), centre, half


def _estimate_jump(z, t, plane, edges, period):
    """T just upstream minus downstream of ``plane`` from lines fitted to the middle half of each bulk segment.

    ``edges`` are the distances from the plane to the nearest slab edge on the left (< 0) and right (> 0).
    """
    d = periodic_offset(z, plane, period)
    ends = []
    for edge in edges:
        sel = regime_bins(z, plane, edge, period)
        if sel.sum() < MIN_REGIME_BINS:
            return math.nan
        slope, intercept = np.polyfit(d[sel], t[sel], 1)
        ends.append(intercept)
    return float(ends[0] - ends[1])


def _share_text(share: float, share_err: float, t_hot: float, t_cold: float) -> str:
    """The interface share in words: a percentage with its error, or why it is not defined (never "nan %")."""
    if math.isfinite(share):
        return f"{100 * share:.0f} %" + (f" +- {100 * share_err:.0f} %" if math.isfinite(share_err) else "")
    if not t_hot > t_cold:
        return (
            f"not defined (the hot slab is not warmer than the cold one: {t_hot:.4g} against {t_cold:.4g}, so there "
            "is no slab-to-slab drop to share)"
        )
    return (
        f"not defined (no interface jump could be estimated from the profile: fewer than {MIN_REGIME_BINS} profile "
        "bins lie in the middle half of a segment between a bath slab and an interface, the bins too coarse or the "
        "crystals too short)"
    )


def thermostat_regime(
    positions: ArrayLike,
    temperatures: ArrayLike,
    *,
    set_points: Sequence[float],
    bath_regions: Sequence[Sequence[float]],
    interfaces: Sequence[float],
    box: Sequence[float] | None = None,
    interface_jumps: Sequence[float] | None = None,
    interface_jump_errors: Sequence[float] | None = None,
) -> ThermostatRegime:
    """Say whether a steady NEMD profile is in the thermostat-limited regime, with the numbers behind it.

    Parameters
    ----------
    positions : array_like, shape (n_bins,)
        Bin centres along the heat flow (any length unit).
    temperatures : array_like, shape (n_bins,) or (n_blocks, n_bins)
        The steady profile (averaged over blocks when 2-d), same temperature unit as ``set_points``.
    set_points : 2 floats
        Hot and cold bath set points (hot > cold).
    bath_regions : 2 pairs of floats
        The hot and the cold slab as (start, end) along z, start < end (unwrapped: a slab across the periodic
        boundary may end beyond the box).
    interfaces : floats
        Interface planes (1 or 2), each between the slabs along a heat path.
    box : 2 floats, optional
        (low, high) of a periodic box: positions, slabs and planes wrap modulo its length.  None: not periodic.
    interface_jumps : floats, optional
        Temperature jump at each interface (any sign; its magnitude is used), e.g. the ``delta_T`` of
        :func:`kapitza.analysis.md.jump.analyze_jump`'s interfaces.  Default: estimated from the profile.
    interface_jump_errors : floats, optional
        Standard errors of ``interface_jumps`` (independent): they give the share's error.
    """
    z = _finite("positions", positions)
    t = _finite("temperatures", temperatures)
    if z.ndim != 1 or z.size < 4:
        raise InputError(f"thermostat regime: positions must be a 1-d array of at least 4 bins, got shape {z.shape}")
    blocks = t if t.ndim == 2 and t.shape[0] >= 3 else None
    if t.ndim == 2:
        t = t.mean(axis=0)
    if t.shape != z.shape:
        raise InputError(f"thermostat regime: temperatures must have {z.size} bins (or shape (blocks, {z.size}))")
    hot_set, cold_set = (float(v) for v in _finite("set_points", set_points, (2,)))
    if not hot_set > cold_set:
        raise InputError(
            f"thermostat regime: the hot set point must exceed the cold one, got {hot_set:g}, {cold_set:g}"
        )
    regions = _finite("bath_regions", bath_regions, (2, 2))
    if np.any(regions[:, 1] <= regions[:, 0]):
        raise InputError(f"thermostat regime: each bath region must be (start, end) with start < end, got {regions}")
    planes = _finite("interfaces", interfaces)
    if planes.ndim != 1 or not 1 <= planes.size <= 2:
        raise InputError(f"thermostat regime: give 1 or 2 interface planes, got {interfaces!r}")
    period = None
    if box is not None:
        lo, hi = (float(v) for v in _finite("box", box, (2,)))
        if not hi > lo:
            raise InputError(f"thermostat regime: box must be (low, high) with high > low, got {box!r}")
        period = hi - lo

    (t_hot, c_hot, h_hot), (t_cold, c_cold, h_cold) = (_slab_mean(z, t, r, period) for r in regions)
    drop = t_hot - t_cold
    shortfall = 1.0 - drop / (hot_set - cold_set)

    estimated = interface_jumps is None
    geometry = []  # per interface: (plane, left edge, right edge, hot side is left)
    for plane in planes:
        # each slab's near edge as a signed distance from the plane; the heat flows from the hot one
        near = []
        for centre, half, hot in ((c_hot, h_hot, True), (c_cold, h_cold, False)):
            d = float(periodic_offset(np.array([centre]), plane, period)[0])
            near.append((d + half if d < 0 else d - half, hot))
        if estimated and (near[0][0] < 0) == (near[1][0] < 0):
            raise InputError(f"thermostat regime: the interface at {plane:g} does not lie between the two baths")
        (left, left_hot), (right, _) = sorted(near)
        geometry.append((plane, left, right, left_hot))

    def estimate(profile: NDArray[np.float64]) -> list[float]:
        """The jumps along the heat flow (upstream minus downstream) estimated from one profile."""
        out = []
        for plane, left, right, left_hot in geometry:
            jump = _estimate_jump(z, profile, plane, (left, right), period)
            out.append(jump if left_hot else -jump)
        return out

    if estimated:
        jumps = estimate(t)
    else:
        jumps = [float(v) for v in _finite("interface_jumps", interface_jumps, (planes.size,))]
    share = _mean_magnitude(jumps) / drop if drop > 0 else math.nan
    share_err = math.nan
    if not estimated and interface_jump_errors is not None and drop > 0:
        errors = _finite("interface_jump_errors", interface_jump_errors, (planes.size,))
        share_err = float(np.sqrt(np.sum(errors**2)) / planes.size / drop)
    if estimated and blocks is not None:  # the share of each block, its scatter over blocks
        per_block = []
        for row in blocks:
            d = _slab_mean(z, row, regions[0], period)[0] - _slab_mean(z, row, regions[1], period)[0]
            per_block.append(_mean_magnitude(estimate(row)) / d if d > 0 else math.nan)
        per_block = np.asarray(per_block, dtype=float)
        if np.all(np.isfinite(per_block)):
            share_err = float(np.std(per_block, ddof=1) / math.sqrt(per_block.size))

    flat = math.isfinite(share) and share > INTERFACE_SHARE_LIMIT
    if shortfall > SHORTFALL_LIMIT or (flat and share - share_err > INTERFACE_SHARE_LIMIT):
        verdict = "thermostat-limited"
    elif flat or not math.isfinite(share):  # above the limit, but not by more than its error (or no error: given
        verdict = "uncertain"  # jumps, < 3 blocks), or no share at all: the flat-profile test cannot be made
    else:
        verdict = "ok"
    numbers = (
        f"bath slabs at {t_hot:.4g} and {t_cold:.4g} for set points {hot_set:.4g} and {cold_set:.4g} "
        f"({100 * shortfall:.0f} % of the set difference lost in the baths), interface share of the slab-to-slab "
        f"drop {_share_text(share, share_err, t_hot, t_cold)}"
    )
    return ThermostatRegime(
        verdict=verdict,
        message=_message(verdict, numbers, math.isfinite(share)),
        remedy=REMEDY if verdict != "ok" else "",
        bath_temperatures=(t_hot, t_cold),
        set_points=(hot_set, cold_set),
        bath_shortfall=float(shortfall),
        interface_share=share,
        interface_share_err=share_err,
        interface_jumps=tuple(jumps),
        jumps_estimated=estimated,
    )


def run_regime(run_dir: str | os.PathLike) -> ThermostatRegime:
    """:func:`thermostat_regime` of a kapitza NEMD run directory: its profile (``profile.chunk``) with the set
    points, bath slabs and interfaces of its manifest (``run.json``), placed in the profile's own box.

    ``md run`` prints it after a run and ``md analyze RUN_DIR`` on any finished one.
    """
    from ...io.run_manifest import read_manifest
    from .profiles import drop_overflow_bin, read_profile

    manifest = read_manifest(run_dir)
    profile = read_profile(Path(run_dir) / manifest.file("profile"), units=manifest.units)
    profile = drop_overflow_bin(profile, manifest.n_planes)
    lo, hi = profile.box
    return thermostat_regime(
        profile.positions,
        profile.temperatures,
        set_points=(manifest.hot_temperature, manifest.cold_temperature),
        bath_regions=manifest.bath_regions(lo, hi),
        interfaces=manifest.interface_planes(lo, hi),
        box=(lo, hi) if manifest.geometry == "periodic" else None,
    )
