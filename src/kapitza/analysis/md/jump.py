"""The temperature jump at an interface from a NEMD profile, and G = J / Delta T with an honest error.

Method (the "direct method" of NEMD, e.g. Schelling, Phillpot & Keblinski, Phys. Rev. B 65,
144306 (2002); Landry & McGaughey, Phys. Rev. B 80, 165304 (2009)): each bulk segment between a
bath and an interface is fitted by a straight line, leaving out zones near the bath (non-linear
thermostat region, widened at the bath end when the profile shows that region reaching the fit) and near
the interface; both lines are extrapolated to the interface plane and
Delta T is the difference, taken along the heat flow.  This is done for every block of the
profile, so Delta T has a standard error over blocks (the jackknife is reported beside it).  A
significant linear trend of Delta T over the blocks means the run had not reached steady state:
the leading blocks are dropped until the trend is gone (reported), or the analysis is refused.

Geometries: ``"periodic"`` (two interfaces; baths half-way between them, i.e. at the box ends
and middle when the interfaces sit at L/4 and 3L/4, as in Mueller-Plathe and Langevin setups;
heat crosses both interfaces) and ``"fixed"`` (one interface, baths at the two ends).
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import stats

from ...errors import InputError
from ...io.profile_layout import (
    DEFAULT_EXCLUDE_FRACTION,
    GEOMETRIES,
    MIN_FIT_BINS,
    bins_in,
    default_baths,
    empty_bins,
    fit_bins,
    interfaces_too_close,
    segments,
)
from ...io.results import result
from .profiles import TemperatureProfile
from .units import unit_system

#: A trend of Delta T over blocks with a p-value below this is "significant".
DEFAULT_SIGNIFICANCE = 0.01
#: Relative difference of the two bath powers accepted as balanced.
DEFAULT_BATH_TOLERANCE = 0.05
#: Fewest blocks over which the statistical inefficiency of the block series is estimated (else taken as 1).
MIN_BLOCKS_INEFFICIENCY = 6


#: The start of :attr:`BathFlux.error_method`; the rest is the error estimator's own words
#: (:func:`kapitza.analysis.md.blocking.correlated_mean`).
FLUX_ERROR_PREFIX = "error of the mean flux: "


@result
class BathFlux:
    """The heat flux from the energy two baths exchange, with its error from block averages.

    Attributes
    ----------
    flux, flux_err : float
        J = mean(``|P_hot|``, ``|P_cold|``) / (paths * area) over the samples used, and its stated error: the error
        of the mean of the correlated per-interval series (:func:`kapitza.analysis.md.blocking.correlated_mean`;
        flux unit of ``units``); never the regression error of the cumulative energy curve, whose points are
        correlated.
    flux_err_blocking : float
        The block-average error beside it (Flyvbjerg & Petersen, blocks chosen by the Lee et al. criterion; NaN with
        fewer than 16 intervals): a cross-check.
    inefficiency : float
        Statistical inefficiency of the series the error is taken over (samples per independent sample; below 1
        when consecutive samples are anticorrelated).
    n_blocks, block_size : int
        Samples the error is taken over (the intervals, or the blocks given) and intervals per sample.
    block_time : float
        Duration of one sample (time unit of ``units``).
    converged : bool
        False when the correlation is not resolved inside the series (the error is then a lower bound).
    error_method : str
        In words.
    power_hot, power_cold : float
        Mean rates of change of the two bath energies over the blocks used (energy per time, signed as in the
        file: with the reservoir convention of ``fix langevin ... tally yes`` the hot bath's is negative).
    relative_difference : float
        | ``|P_hot|`` - ``|P_cold|`` | / mean(``|P|``).
    relative_difference_err : float
        Standard error of ``|P_hot| - |P_cold|`` over the same blocks, divided by mean(``|P|``).
    balanced : bool
        relative_difference <= tolerance, or within 2 standard errors of zero: a difference the thermal noise
        of the bath tallies explains is not an energy leak.
    tolerance : float
    paths : int
        Interfaces the power divides over (2 periodic, 1 fixed).
    units : str
    """

    flux: float
    flux_err: float
    flux_err_blocking: float
    inefficiency: float
    n_blocks: int
    block_size: int
    block_time: float
    converged: bool
    error_method: str
    power_hot: float
    power_cold: float
    relative_difference: float
    relative_difference_err: float
    balanced: bool
    tolerance: float
    paths: int
    units: str

    _summary_fields: ClassVar[tuple[str, ...]] = ("flux", "flux_err", "n_blocks", "balanced", "units")


def flux_from_baths(
    time: ArrayLike,
    energy_hot: ArrayLike,
    energy_cold: ArrayLike,
    area: float,
    paths: int = 2,
    tolerance: float = DEFAULT_BATH_TOLERANCE,
    units: str = "lj",
    n_blocks: int | None = None,
    *,
    min_intervals: int | None = None,
) -> BathFlux:
    """Heat flux from the cumulative energies of the hot and cold baths (e.g. ``fix langevin ... tally yes``).

    The cumulative energies are differenced over each sampling interval; the per-interval flux
    J_i = (s_hot dE_hot + s_cold dE_cold) / (2 dt_i paths area), with s the sign that makes each bath's mean
    contribution positive, is averaged, and J's error is the error of the mean of that correlated series
    (:func:`kapitza.analysis.md.blocking.correlated_mean`: its integrated autocorrelation time, Sokal 1997, cut by
    Geyer's initial monotone sequence, bias-corrected, times the Student-t factor for the effective number of
    samples); the block-average error (Flyvbjerg & Petersen, J. Chem. Phys. 91, 461 (1989), block length by the Lee
    et al. criterion) is reported beside it.  With ``n_blocks`` the intervals are grouped into that many blocks,
    taken as independent.

    Parameters
    ----------
    time : array_like, shape (n,)
        Times of the samples (time unit of ``units``: tau, ps, fs, s).
    energy_hot, energy_cold : array_like, shape (n,)
        Cumulative energy each bath exchanged (energy unit of ``units``); the signs must be opposite.
    area : float
        Cross-section normal to the heat flow (length unit squared), > 0.
    paths : int
        Interfaces the heat crosses in parallel: 2 in the periodic geometry (the power splits), 1 fixed.
    tolerance : float
        Largest relative difference of the two powers called balanced.
    units : str
        lj, metal, real or si.
    n_blocks : int, optional
        Blocks for the error, taken as independent; default: the correlated error of the per-interval series.
    min_intervals : int, optional
        Fewest sampling intervals accepted without ``n_blocks``: 16 by default (a tally written often, whose error
        is also checked by the blocking curve: not converged where the Lee et al. criterion finds no plateau within 8
        blocks); a kapitza baths.txt, whose intervals are whole production blocks, gives 2.

    Returns
    -------
    BathFlux
    """
    from .blocking import MIN_BLOCKS, block_average, correlated_mean

    tally = min_intervals is None  # a tally written often (not whole production blocks): Lee's check applies too
    if min_intervals is None:
        min_intervals = 2 * MIN_BLOCKS

    unit_system(units)
    t = np.asarray(time, dtype=float)
    eh = np.asarray(energy_hot, dtype=float)
    ec = np.asarray(energy_cold, dtype=float)
    if t.ndim != 1 or t.size < 3 or eh.shape != t.shape or ec.shape != t.shape:
        raise InputError(f"bath energies need at least 3 samples of (time, hot, cold), got {t.size}")
    if not (np.all(np.isfinite(t)) and np.all(np.isfinite(eh)) and np.all(np.isfinite(ec))):
        raise InputError("bath energies must be finite (found NaN or inf)")
    if np.any(np.diff(t) <= 0):
        raise InputError("bath times must increase strictly")
    if not (np.isfinite(area) and area > 0):
        raise InputError(f"area= must be > 0, got {float(area):g}")
    if paths not in (1, 2):
        raise InputError(f"paths= must be 1 or 2, got {paths}")
    if not (np.isfinite(tolerance) and tolerance > 0):
        raise InputError(f"tolerance= must be > 0, got {float(tolerance):g}")
    dt = np.diff(t)
    if np.ptp(dt) > 1e-6 * float(np.mean(dt)) + 1e-12 * abs(float(t[-1])):
        raise InputError(
            f"the bath energies must be sampled at equal time intervals (found intervals from {dt.min():g} to "
            f"{dt.max():g}); block averages need equal samples"
        )
    n_int = dt.size
    if n_blocks is None and n_int < min_intervals:
        raise InputError(
            f"the bath energies hold {n_int} sampling intervals; the error of their mean needs at least "
            f"{min_intervals} (write the bath tallies more often), or give the number of blocks"
        )
    if n_blocks is not None and (isinstance(n_blocks, bool) or int(n_blocks) != n_blocks or not 2 <= n_blocks <= n_int):
        raise InputError(f"the number of blocks must be an integer from 2 to the {n_int} intervals, got {n_blocks!r}")
    ph_i, pc_i = np.diff(eh) / dt, np.diff(ec) / dt
    ph, pc = float(np.mean(ph_i)), float(np.mean(pc_i))
    if ph == 0 or pc == 0 or np.sign(ph) == np.sign(pc):
        raise InputError(
            f"the bath energies must change with opposite signs (one bath gives heat, the other takes it); "
            f"their rates are {ph:g} and {pc:g}"
        )
    scale = paths * float(area)
    per_interval = 0.5 * (np.sign(ph) * ph_i + np.sign(pc) * pc_i) / scale
    if n_blocks is None:
        size, nb = 1, n_int
    else:
        nb = int(n_blocks)
        size = n_int // nb
    used = slice(n_int - nb * size, None)

    def block_means(x: np.ndarray) -> np.ndarray:
        return x[used].reshape(nb, size).mean(axis=1)

    # a rate per interval: the energy the crystal stores in one interval it releases in the next (telescoping)
    flux = correlated_mean(block_means(per_interval), independent=n_blocks is not None, telescoping=True)
    blocking = block_average(per_interval) if n_int >= 2 * MIN_BLOCKS else None
    cross = blocking.err if blocking is not None else math.nan
    # a tally written often: its correlation may span many samples; where the blocking curve of Flyvbjerg & Petersen
    # has no plateau within 8 blocks (Lee et al.), the correlation is a sizeable part of the run (as before)
    converged = flux.converged and not (tally and n_blocks is None and blocking is not None and not blocking.converged)
    ph, pc = float(np.mean(ph_i[used])), float(np.mean(pc_i[used]))
    mean = 0.5 * (abs(ph) + abs(pc))
    rel = abs(abs(ph) - abs(pc)) / mean
    # imbalance: P_hot + P_cold (opposite signs) is the rate at which the system's energy changes
    imbalance = correlated_mean(block_means(ph_i + pc_i), independent=n_blocks is not None, telescoping=True)
    rel_err = imbalance.err / mean
    within_noise = math.isfinite(rel_err) and rel <= 2 * rel_err
    what = "intervals" if n_blocks is None else f"blocks of {size} intervals (as given)"
    return BathFlux(
        flux=flux.mean,
        flux_err=flux.err,
        flux_err_blocking=float(cross),
        inefficiency=flux.inefficiency,
        n_blocks=nb,
        block_size=size,
        block_time=float(size * np.mean(dt)),
        converged=converged,
        error_method=FLUX_ERROR_PREFIX + flux.method.replace("samples", what, 1),
        power_hot=ph,
        power_cold=pc,
        relative_difference=rel,
        relative_difference_err=rel_err,
        balanced=bool(rel <= tolerance or within_noise),
        tolerance=float(tolerance),
        paths=int(paths),
        units=units,
    )


@result
class InterfaceJump:
    """The jump at one interface.

    Attributes
    ----------
    position : float
        Interface plane (length unit of ``units``).
    delta_T, delta_T_err, delta_T_err_jackknife : float
        Mean jump over the blocks used, taken along the heat flow (T upstream - T downstream), its
        standard error over blocks and the jackknife estimate of it.
    G, G_err : float
        J / Delta T and its error (conductance unit of the profile's units; NaN without a flux).
    direction : int
        +1 when the heat flows towards +z at this interface, -1 towards -z.
    T_left, T_right : float
        Mean extrapolated temperatures just left and right of the plane.
    slopes : tuple of float
        Mean fitted gradients of the left and right segments.
    fit_ranges : tuple of (float, float)
        The (start, end) of the left and right fits (positions may lie outside the box in the periodic
        geometry: they are unwrapped).
    excluded : tuple of (float, float)
        The zones left out next to the baths and the interface.
    delta_T_blocks : ndarray, shape (n_blocks_used,)
    widened : tuple of int
        Bins added to the default exclusion at the bath end of the left and right fits because the thermostat's
        non-linear zone reached the fit range (see :func:`analyze_jump`); 0 when it did not.
    """

    position: float
    delta_T: float
    delta_T_err: float
    delta_T_err_jackknife: float
    G: float
    G_err: float
    direction: int
    T_left: float
    T_right: float
    slopes: tuple[float, float]
    fit_ranges: tuple[tuple[float, float], tuple[float, float]]
    excluded: tuple[tuple[float, float], ...]
    delta_T_blocks: NDArray[np.float64]
    widened: tuple[int, int] = (0, 0)

    _summary_fields: ClassVar[tuple[str, ...]] = ("position", "delta_T", "delta_T_err", "G", "G_err")


@result
class JumpAnalysis:
    """Delta T and G of every interface of a profile, and combined.

    Attributes
    ----------
    interfaces : tuple of InterfaceJump
    delta_T, delta_T_err, delta_T_err_jackknife, G, G_err : float
        Combined over the interfaces (per block mean of their jumps), in the profile's units.
    G_si, G_si_err : float
        G in W m^-2 K^-1 (NaN in LJ reduced units, which have no SI value).
    flux, flux_err : float
        J used (flux unit of ``units``; NaN when none was given).
    flux_source : str
        "given", "baths" or "none".
    bath_flux : BathFlux or None
    geometry : str
    units : str
    unit_names : mapping
        length, temperature, flux, conductance unit names.
    blocks_used, blocks_dropped : int
        Blocks averaged, and leading blocks dropped as transient.
    trend_pvalue : float
        p-value of a linear trend of Delta T over the blocks used (NaN with fewer than 6 blocks).
    error_method : str
    exclusion : str
        How the excluded zones were chosen, and from where they are counted (the bath edge when the bath width
        is known, else the bath centre).
    bath_positions : tuple of float
        Centres of the two baths used (length unit; periodic: the one between the interfaces first).
    bath_width : float
        Width of each bath slab (length unit; NaN when unknown: exclusions then count from the bath centre).
    hot_bath : float
        Centre of the hot bath (length unit): the heat flows away from it.
    direction_source : str
        Where the heat-flow direction came from: given (the set-up) or inferred from the profile, with the
        numbers it was inferred from.
    warnings : tuple of str
    delta_T_series : CorrelatedMean or None
        The combined Delta T's block series as :func:`kapitza.analysis.md.blocking.correlated_mean` saw it (its
        statistical inefficiency, effective blocks, t factor, blocking curve); None with fewer than 3 blocks.
    """

    interfaces: tuple[InterfaceJump, ...]
    delta_T: float
    delta_T_err: float
    delta_T_err_jackknife: float
    G: float
    G_err: float
    G_si: float
    G_si_err: float
    flux: float
    flux_err: float
    flux_source: str
    bath_flux: BathFlux | None
    geometry: str
    units: str
    unit_names: Any
    blocks_used: int
    blocks_dropped: int
    trend_pvalue: float
    error_method: str
    exclusion: str
    bath_positions: tuple[float, float]
    bath_width: float
    hot_bath: float
    direction_source: str
    warnings: tuple[str, ...]
    delta_T_series: Any = None

    _summary_fields: ClassVar[tuple[str, ...]] = ("delta_T", "delta_T_err", "G", "G_err", "units", "blocks_used")


def conductance_mw(g: float, units: str) -> float:
    """A conductance in the conductance unit of ``units`` (flux unit per temperature unit) in MW m^-2 K^-1,
    through :attr:`kapitza.analysis.md.units.UnitSystem.flux_to_si` (NaN for LJ reduced units: no SI value)."""
    from ...units import MW_PER_M2K

    system = unit_system(units)
    return float("nan") if system.flux_to_si is None else float(g) * system.flux_to_si / MW_PER_M2K


def find_interfaces(profile: TemperatureProfile, geometry: str = "periodic") -> tuple[float, ...]:
    """Interface planes where the composition column crosses half-way between its extremes.

    Returns 2 positions (periodic) or 1 (fixed), linearly interpolated between bins.
    """
    comp = profile.composition
    if comp is None:
        raise InputError("no interface positions: give them (interfaces=, --interfaces z1,z2) or a composition column")
    z = profile.positions
    mid = 0.5 * (float(comp.min()) + float(comp.max()))
    if comp.max() - comp.min() <= 0:
        raise InputError("the composition column is constant: no interface found")
    above = comp > mid
    flips = np.nonzero(above[1:] != above[:-1])[0]
    found = [float(z[i] + (mid - comp[i]) * (z[i + 1] - z[i]) / (comp[i + 1] - comp[i])) for i in flips]
    want = 2 if geometry == "periodic" else 1
    if len(found) != want:
        raise InputError(
            f"the composition column crosses its mid value {len(found)} times; the {geometry} geometry has "
            f"{want} interface(s): give interfaces= (--interfaces)"
        )
    return tuple(found)


def analyze_jump(
    profile: TemperatureProfile,
    interfaces: ArrayLike | None = None,
    geometry: str = "periodic",
    flux: float | BathFlux | None = None,
    flux_err: float = 0.0,
    bath_positions: ArrayLike | None = None,
    exclude_bins: int | None = None,
    exclude_fraction: float = DEFAULT_EXCLUDE_FRACTION,
    steady_state: bool = True,
    significance: float = DEFAULT_SIGNIFICANCE,
    hot_bath: float | None = None,
    bath_width: float | None = None,
) -> JumpAnalysis:
    """Delta T at each interface of ``profile``, its error over blocks, and G = J / Delta T.

    Parameters
    ----------
    profile : TemperatureProfile
    interfaces : array_like of float, optional
        Interface planes (length unit of the profile): 2 for ``periodic``, 1 for ``fixed``.  Default:
        found from the profile's composition column.  In the periodic geometry any position is taken modulo
        the box length (an interface at 0 and one at Lz are the same plane; segments wrap around the box).
    geometry : {"periodic", "fixed"}
    flux : float or BathFlux, optional
        Heat flux through each interface (flux unit of the profile's units), or a :class:`BathFlux`.
        Without it Delta T is computed and G is NaN.
    flux_err : float
        Standard error of a given ``flux`` (ignored for a BathFlux, which carries its own).
    bath_positions : array_like of 2 floats, optional
        Centres of the two baths.  Default: half-way between the interfaces (periodic), the box ends (fixed).
    exclude_bins : int, optional
        Bins left out at each end of every bath-interface segment, counted from the bath's edge (when
        ``bath_width`` is known; else from its centre) and from the interface; default: ``exclude_fraction``.
    exclude_fraction : float
        Fraction of each segment's length (bath edge to interface) left out at each end when ``exclude_bins``
        is not given.  With this default and a known ``bath_width``, the exclusion at the *bath* end is widened
        bin by bin while the bin next to the fit range deviates from the fitted line by more than
        :data:`NONLINEAR_ZONE_Z` standard errors over blocks (the thermostat's non-linear zone reaching the fit
        range); the bins added are in ``InterfaceJump.widened``, the reason in ``exclusion`` and a warning (the
        zone's undetectable tail may still bias the extrapolation).  The interface end is never widened.  With
        ``exclude_bins`` given nothing is widened, but a deviating bath-end bin is warned about.
    steady_state : bool
        Test Delta T over the blocks for a trend and drop a leading transient.
    significance : float
        p-value below which a trend is significant.
    hot_bath : float, optional
        Position of the hot bath (length unit; the bath nearest to it, modulo the box in the periodic
        geometry): the heat-flow direction at every interface follows from it, never from the sign of fitted
        slopes.  Default: inferred from the profile (the bath region that is hotter by more than 3 standard
        errors over the blocks), said so in ``direction_source``; refused when the profile cannot tell.
    bath_width : float, optional
        Width of each bath slab (length unit), so that exclusions count from the bath's edge.

    Raises
    ------
    InputError
        Bad geometry, interfaces outside the box, a bath on an interface, too few bins to fit, no
        steady state.
    """
    _check_arguments(profile, geometry, exclude_bins, exclude_fraction, significance)
    empty = empty_bins(profile.counts)
    if empty.size:
        raise InputError(
            f"{empty.size} of the {profile.n_bins} profile bins hold no atoms (the first at "
            f"{profile.positions[empty[0]]:g}): an empty bin has no temperature (LAMMPS writes 0 for it); use bins "
            "at least as wide as the spacing of the atomic planes"
        )
    system = unit_system(profile.units)
    planes = _interface_planes(profile, interfaces, geometry)
    lo, hi = profile.box
    length = hi - lo
    dz = profile.bin_width
    baths = _baths(planes, bath_positions, geometry, lo, hi)
    half = _half_width(bath_width)
    sides = segments(planes, baths, geometry, lo, hi)
    where = "the bath edge" if half > 0 else "the bath centre (bath width unknown: give bath_width=, --bath-width)"
    exclusion = (
        f"{int(exclude_bins)} bins ({int(exclude_bins) * dz:g} {system.length}) from {where} and from the interface"
        if exclude_bins is not None
        else f"{exclude_fraction:g} of each segment's length at each end, counted from {where} (default)"
    )
    hot_index, direction_source = _hot_bath(profile, baths, hot_bath, half, geometry, lo, length)
    if geometry == "fixed":
        directions = (1,) if hot_index == 0 else (-1,)
    else:  # sides: (outer, z1), (z1, inner) and (inner, z2), (z2, outer)
        directions = (-1, 1) if hot_index == 0 else (1, -1)
    flux_value, flux_error, source, bath = _flux(flux, flux_err, profile.units)
    temps = profile.temperatures
    per_interface: list[dict[str, Any]] = []
    curvature: list[str] = []
    fallback: list[str] = []
    nonlinear_notes: list[str] = []
    nonlinear_unresolved: list[str] = []
    for plane, (left, right), direction in zip(planes, sides, directions, strict=True):
        fits = []
        excluded: list[tuple[float, float]] = []
        widened = [0, 0]
        for k, (a, b) in enumerate((left, right)):
            # the bath is at a for the left segment, at b for the right one: start from its edge
            a_edge, b_edge = (a + half, b) if k == 0 else (a, b - half)
            if b_edge - a_edge <= 0:
                raise InputError(
                    f"a bath overlaps the interface at {plane:g}: nothing lies between the bath edge and the "
                    f"interface (bath width {2 * half:g})"
                )
            # the one rule md run checks before it starts (kapitza.io.profile_layout): a short segment takes the
            # default fraction from the bath centre (the older convention)
            start, end, idx, zz, from_centre = fit_bins(
                profile.positions, (a, b), k == 0, half, length, geometry, exclude_fraction=exclude_fraction,
                exclude_length=None if exclude_bins is None else exclude_bins * dz,
            )  # fmt: skip
            if from_centre:
                fallback.append(f"{a:.4g}..{b:.4g}")
            if idx.size < MIN_FIT_BINS:
                raise InputError(
                    f"the segment {a:g}..{b:g} next to the interface at {plane:g} keeps {idx.size} bins after the "
                    f"exclusions ({exclusion}); at least {MIN_FIT_BINS} are needed: a bath overlaps the "
                    "interface, or exclude fewer bins (exclude_bins=, --exclude)"
                )
            if half > 0:
                # the thermostat's non-linear zone: does it reach the bin next to the fit range on the bath side?
                start, end, idx, zz, nl = _nonlinear_zone(
                    profile.positions,
                    temps,
                    (start, end),
                    k == 1,
                    (a_edge, b_edge),
                    idx,
                    zz,
                    length,
                    geometry,
                    dz,
                    adapt=exclude_bins is None,
                )
                widened[k] = nl["widened"]
                if nl["note"]:
                    (nonlinear_notes if nl["resolved"] else nonlinear_unresolved).append(nl["note"])
            excluded += [(a, start), (end, b)]
            fits.append(_fit(zz - plane, temps[:, idx]))
            fits[-1]["range"] = (float(start), float(end))
            curved = _curvature_pvalue(zz, temps[:, idx])
            if curved < CURVATURE_SIGNIFICANCE:
                curvature.append(f"{start:.4g}..{end:.4g} (p = {curved:.1g})")
        (tl, vl, sl, rl), (tr, vr, sr, rr) = ((f["intercept"], f["var"], f["slope"], f["range"]) for f in fits)
        per_interface.append(
            dict(
                plane=plane,
                blocks=direction * (tl - tr),
                var=vl + vr,
                T_left=tl,
                T_right=tr,
                slopes=(float(np.mean(sl)), float(np.mean(sr))),
                ranges=(rl, rr),
                excluded=tuple(excluded),
                direction=direction,
                widened=tuple(widened),
            )
        )
    combined = np.mean([d["blocks"] for d in per_interface], axis=0)
    warnings: list[str] = []
    if fallback:
        exclusion += (
            f"; in the short segment(s) {', '.join(fallback)} too few bins remained, so there the fraction is "
            "counted from the bath centre"
        )
        warnings.append(f"exclusions counted from the bath centre in the short segment(s) {', '.join(fallback)}")
    if nonlinear_notes:
        exclusion += "; " + "; ".join(nonlinear_notes)
    if nonlinear_notes or nonlinear_unresolved:
        warnings.append(
            "the thermostat's non-linear zone next to the bath reaches the fit range at "
            f"{len(nonlinear_notes) + len(nonlinear_unresolved)} of {2 * len(planes)} bath ends"
            + (f" ({len(nonlinear_notes)} widened, see the exclusion note)" if nonlinear_notes else "")
            + "".join("; " + u for u in nonlinear_unresolved)
            + ". The tail of that zone, too small to detect bin by bin, may still bias the straight-line "
            "extrapolation to the interface by more than its error: make the segments longer (more bins between "
            "bath and interface) or the bath coupling stronger, or compare with a larger exclusion "
            "(exclude_bins=, --exclude)"
        )
    if curvature:
        warnings.append(
            "the block-mean profile is curved within the fit range(s) "
            + ", ".join(curvature)
            + ": the straight-line extrapolation to the interface is biased; exclude more bins next to the baths "
            "(exclude_bins=, --exclude; give the bath width so that they count from its edge)"
        )
    n_all = combined.size
    first, pvalue = 0, float("nan")
    if steady_state and n_all >= 6:
        first, pvalue = _steady_start(combined, significance)
        if first:
            warnings.append(
                f"Delta T drifts over the first blocks (not yet steady): dropped the first {first} of {n_all} blocks"
            )
    used = slice(first, None)
    n = n_all - first
    error_method = (
        "error of the mean of the block series from its integrated autocorrelation time (Sokal; Geyer's initial "
        "monotone sequence), bias-corrected, x the Student-t factor of its effective number of blocks "
        "(kapitza.analysis.md.blocking.correlated_mean; jackknife beside it)"
        if n >= 3
        else f"fit residuals within the block(s) (only {n} block(s): no spread over blocks)"
    )
    if 3 <= n < 10:
        warnings.append(
            f"only {n} blocks: the error over blocks is itself uncertain (~{100 / np.sqrt(2 * (n - 1)):.0f} %)"
        )
    jumps = []
    for d in per_interface:
        jumps.append(_jump(d, used, n, flux_value, flux_error))
    cvar = np.mean([d["var"] for d in per_interface], axis=0) / len(per_interface)
    c = _jump(dict(blocks=combined, var=cvar), used, n, flux_value, flux_error)
    between = _between_interfaces(jumps, c, flux_value, flux_error) if len(jumps) == 2 and n >= 3 else None
    if between is not None:
        error_method += f"; {between}"
        warnings.append(
            f"the two interfaces' jumps differ by more than their errors allow ({between}): each carries a part "
            "that the run's blocks do not average out, so the combined error is the between-interface one; run "
            "replicas (kapitza md run CONFIG --replicas N) for an error that sees the run-to-run spread"
        )
    if c["series"] is not None and not c["series"].converged:
        s = c["series"]
        warnings.append(
            f"the Delta T of consecutive blocks is correlated over much of the run (statistical inefficiency "
            f"{s.inefficiency:.2g}, {s.n_effective:.2g} effective blocks of {s.n_samples}): its single-run error is a "
            "lower bound; use longer blocks and runs, or run replicas (kapitza md run CONFIG --replicas N) and pool "
            "them (kapitza md analyze FOLDER)"
        )
    if c["delta_T"] <= 2 * c["delta_T_err"]:
        warnings.append(
            f"no significant jump: Delta T = {c['delta_T']:.4g} +- {c['delta_T_err']:.2g} {system.temperature}"
        )
    if bath is not None and not bath.balanced:
        warnings.append(
            f"the two baths' powers differ by {100 * bath.relative_difference:.3g} +- "
            f"{100 * bath.relative_difference_err:.2g} % (tolerance {100 * bath.tolerance:.3g} %, and more than 2 "
            "standard errors): energy is not conserved or the run is not steady"
        )
    to_si = system.flux_to_si
    g_si = c["G"] * to_si if to_si is not None else float("nan")
    g_si_err = c["G_err"] * to_si if to_si is not None else float("nan")
    interfaces_out = tuple(
        InterfaceJump(
            position=float(d["plane"]),
            delta_T=j["delta_T"],
            delta_T_err=j["delta_T_err"],
            delta_T_err_jackknife=j["delta_T_err_jackknife"],
            G=j["G"],
            G_err=j["G_err"],
            direction=int(d["direction"]),
            T_left=float(np.mean(d["T_left"][used])),
            T_right=float(np.mean(d["T_right"][used])),
            slopes=d["slopes"],
            fit_ranges=d["ranges"],
            excluded=d["excluded"],
            delta_T_blocks=d["blocks"][used],
            widened=d["widened"],
        )
        for d, j in zip(per_interface, jumps, strict=True)
    )
    return JumpAnalysis(
        interfaces=interfaces_out,
        delta_T=c["delta_T"],
        delta_T_err=c["delta_T_err"],
        delta_T_err_jackknife=c["delta_T_err_jackknife"],
        G=c["G"],
        G_err=c["G_err"],
        G_si=g_si,
        G_si_err=g_si_err,
        flux=flux_value,
        flux_err=flux_error,
        flux_source=source,
        bath_flux=bath,
        geometry=geometry,
        units=profile.units,
        unit_names={
            "length": system.length,
            "temperature": system.temperature,
            "flux": system.flux,
            "conductance": system.flux + " per " + system.temperature,
            "conductance_si": "W m^-2 K^-1" if to_si is not None else "none (LJ reduced units)",
        },
        blocks_used=int(n),
        blocks_dropped=int(first),
        trend_pvalue=float(pvalue),
        error_method=error_method,
        exclusion=exclusion,
        bath_positions=(float(baths[0]), float(baths[1])),
        bath_width=2 * half if half > 0 else float("nan"),
        hot_bath=float(baths[hot_index]),
        direction_source=direction_source,
        warnings=tuple(warnings),
        delta_T_series=c["series"],
    )


def _check_arguments(
    profile: Any, geometry: str, exclude_bins: int | None, exclude_fraction: float, significance: float
) -> None:
    """The checks of :func:`analyze_jump`'s arguments that need no computation."""
    if geometry not in GEOMETRIES:
        raise InputError(f"geometry= must be one of {', '.join(GEOMETRIES)}, got {geometry!r}")
    if not isinstance(profile, TemperatureProfile):
        raise InputError(f"profile= must be a TemperatureProfile, got {type(profile).__name__}")
    if exclude_bins is not None and (
        isinstance(exclude_bins, bool) or int(exclude_bins) != exclude_bins or exclude_bins < 0
    ):
        raise InputError(f"exclude_bins= must be an integer >= 0, got {exclude_bins!r}")
    if not (np.isfinite(exclude_fraction) and 0 <= exclude_fraction < 0.5):
        raise InputError(f"exclude_fraction= must be in [0, 0.5), got {float(exclude_fraction):g}")
    if not (0 < significance < 1):
        raise InputError(f"significance= must be in (0, 1), got {float(significance):g}")


def _interface_planes(profile: TemperatureProfile, interfaces: ArrayLike | None, geometry: str) -> tuple[float, ...]:
    """The interface planes, sorted: given (periodic: modulo the box) or found from the composition; checked to
    be as many as the geometry has, inside the profile (fixed) and at least two bins apart (periodic)."""
    want = 2 if geometry == "periodic" else 1
    if interfaces is None:
        planes = find_interfaces(profile, geometry)
    else:
        planes = tuple(float(x) for x in np.atleast_1d(np.asarray(interfaces, dtype=float)))
    if len(planes) != want:
        raise InputError(f"the {geometry} geometry has {want} interface(s); got {len(planes)} position(s)")
    lo, hi = profile.box
    length = hi - lo
    if not all(np.isfinite(planes)):
        raise InputError(f"interface positions must be finite numbers, got {', '.join(f'{p:g}' for p in planes)}")
    if geometry == "periodic":  # any plane modulo the box: 0, Lz and -Lz are one plane
        planes = tuple(_wrap(p, lo, length) for p in planes)
    elif not all(lo < p < hi for p in planes):
        shown = ", ".join(f"{p:g}" for p in planes)
        raise InputError(f"interface positions {shown} must lie inside the profile, {lo:g} < z < {hi:g}")
    planes = tuple(sorted(planes))
    if want == 2 and interfaces_too_close(planes, length, profile.bin_width):
        raise InputError(f"the interfaces at {planes[0]:g} and {planes[1]:g} are closer than two bins")
    return planes


def _flux(flux: Any, flux_err: float, units: str) -> tuple[float, float, str, BathFlux | None]:
    if flux is None:
        return float("nan"), float("nan"), "none", None
    if isinstance(flux, BathFlux):
        if flux.units != units:
            raise InputError(f"the bath flux is in {flux.units} units, the profile in {units}")
        return float(flux.flux), float(flux.flux_err), "baths", flux
    try:
        value = float(flux)
        err = float(flux_err)
    except (TypeError, ValueError):
        raise InputError(f"flux= must be a number or a BathFlux, got {type(flux).__name__}") from None
    if not (np.isfinite(value) and value > 0):
        raise InputError(f"flux= must be > 0 (its magnitude through the interface), got {value:g}")
    if not (np.isfinite(err) and err >= 0):
        raise InputError(f"flux_err= must be >= 0, got {err:g}")
    return value, err, "given", None


def _baths(
    planes: tuple[float, ...], given: ArrayLike | None, geometry: str, lo: float, hi: float
) -> tuple[float, float]:
    length = hi - lo
    if given is None:
        return default_baths(planes, geometry, lo, hi)
    b = np.atleast_1d(np.asarray(given, dtype=float))
    if b.size != 2 or not np.all(np.isfinite(b)):
        raise InputError("bath_positions= must be two finite numbers")
    if geometry == "periodic":
        b = np.array([_wrap(x, lo, length) for x in b])
    for x in b:
        if not lo <= x <= hi:
            raise InputError(f"bath position {x:g} lies outside the profile {lo:g}..{hi:g}")
        for p in planes:
            if abs(x - p) < 1e-12 * length:
                raise InputError(f"a bath at {x:g} overlaps the interface at {p:g}")
    if geometry == "fixed":
        left, right = sorted(b)
        if not left < planes[0] < right:
            raise InputError(f"the interface at {planes[0]:g} must lie between the baths at {left:g} and {right:g}")
        return float(left), float(right)
    z1, z2 = planes
    inside = [x for x in b if z1 < x < z2]
    if len(inside) != 1:
        raise InputError(
            f"in the periodic geometry one bath lies between the interfaces ({z1:g}..{z2:g}) and one outside; "
            f"got baths at {b[0]:g} and {b[1]:g}"
        )
    outside = float(b[0] if b[1] == inside[0] else b[1])
    return float(inside[0]), outside


#: Relative precision of a box length LAMMPS prints with six digits: planes this close to the box's top edge
#: (relative to its length) are the bottom edge (0 and Lz as printed are one plane).
EDGE_TOLERANCE = 1e-5


def _wrap(p: float, lo: float, length: float) -> float:
    """``p`` brought into [lo, lo + length) modulo the box; within :data:`EDGE_TOLERANCE` L of the top edge it
    is the bottom one (a box read from six printed digits may end a little below the printed Lz)."""
    w = lo + (float(p) - lo) % length
    return lo if lo + length - w < EDGE_TOLERANCE * length else w


def _half_width(bath_width: float | None) -> float:
    if bath_width is None:
        return 0.0
    try:
        w = float(bath_width)
    except (TypeError, ValueError):
        raise InputError(f"bath_width= must be a number, got {bath_width!r}") from None
    if not (math.isfinite(w) and w > 0):
        raise InputError(f"bath_width= must be > 0 (the bath slab's width, length unit), got {w:g}")
    return 0.5 * w


def _hot_bath(
    profile: TemperatureProfile,
    baths: tuple[float, float],
    given: float | None,
    half: float,
    geometry: str,
    lo: float,
    length: float,
) -> tuple[int, str]:
    """Index (into ``baths``) of the hot bath and a sentence saying where that came from."""

    def distance(z: Any, x: float) -> Any:
        d = np.abs(np.asarray(z, dtype=float) - x)
        return np.minimum(d, length - d) if geometry == "periodic" else d

    if given is not None:
        try:
            g = float(given)
        except (TypeError, ValueError):
            raise InputError(f"hot_bath= must be a position (length unit), got {given!r}") from None
        if not math.isfinite(g):
            raise InputError(f"hot_bath= must be a finite position, got {g:g}")
        if geometry == "periodic":
            g = _wrap(g, lo, length)
        d = [float(distance(g, b)) for b in baths]
        if abs(d[0] - d[1]) < profile.bin_width:
            raise InputError(
                f"hot_bath= {g:g} is as near to the bath at {baths[0]:g} as to the one at {baths[1]:g}; "
                "give the hot bath's centre"
            )
        k = int(np.argmin(d))
        return k, f"given: the hot bath is the one at {baths[k]:g} (hot_bath= {g:g})"
    radius = max(half, profile.bin_width)
    temps = profile.temperatures
    near = [np.nonzero(distance(profile.positions, b) <= radius)[0] for b in baths]
    if any(idx.size == 0 for idx in near):
        raise InputError("cannot tell which bath is hot (no profile bins at a bath): give hot_bath= (--hot-bath-at Z)")
    t0, t1 = (temps[:, idx].mean(axis=1) for idx in near)
    diff = t0 - t1
    n = diff.size
    if n >= 3:
        mean, err = float(diff.mean()), float(diff.std(ddof=1) / math.sqrt(n))
    else:
        a, b = (temps[:, idx].ravel() for idx in near)
        mean = float(a.mean() - b.mean())
        err = float(np.sqrt(a.var(ddof=1) / a.size + b.var(ddof=1) / b.size)) if min(a.size, b.size) >= 2 else math.inf
    if not (math.isfinite(err) and abs(mean) > 3 * err):
        raise InputError(
            f"cannot tell which bath is hot: the profile at the baths ({baths[0]:g}, {baths[1]:g}) differs by "
            f"{mean:.3g} +- {err:.2g}, not significantly; give the hot bath's position (hot_bath=, --hot-bath-at Z)"
        )
    k = 0 if mean > 0 else 1
    sigmas = f"{abs(mean) / err:.0f} standard errors" if err > 0 else "no spread over the blocks"
    return k, (
        f"inferred from the profile: the bath region at {baths[k]:g} is hotter than at {baths[1 - k]:g} by "
        f"{abs(mean):.3g} +- {err:.2g} ({sigmas}); state it with hot_bath= (--hot-bath-at Z)"
    )


@result
class LineFit:
    """A straight line T = value + slope * (x - x0), fitted by least squares (one per row of the data).

    Attributes
    ----------
    x0 : float
        The point the line is read at (e.g. the interface plane), in the unit of x.
    value, value_err : float or ndarray (n_rows,)
        T(x0) and its standard error (unit of T).
    slope, slope_err : float or ndarray (n_rows,)
        dT/dx and its standard error (unit of T per unit of x).
    covariance : float or ndarray (n_rows,)
        cov(value, slope).
    chi2 : float or ndarray (n_rows,)
        Sum of squared residuals in units of sigma (of the residual scale when no sigma was given).
    dof : int
        Points minus 2.
    weighted : bool
        True when per-point sigmas were given (errors from the sigmas, "absolute"); False when the
        errors come from the scatter of the residuals.
    """

    x0: float
    value: Any
    value_err: Any
    slope: Any
    slope_err: Any
    covariance: Any
    chi2: Any
    dof: int
    weighted: bool

    _summary_fields: ClassVar[tuple[str, ...]] = ("x0", "value", "value_err", "slope", "slope_err")


def fit_line(x: ArrayLike, t: ArrayLike, sigma: ArrayLike | None = None, x0: float = 0.0) -> LineFit:
    """Fit T = value + slope (x - x0) to each row of ``t``: the one straight-line fit of the package.

    The NEMD jump (:func:`analyze_jump`, one fit per block, errors from the residual scatter) and the
    EELS temperature profile (one fit, errors from the per-point sigmas) both extrapolate with it.

    Parameters
    ----------
    x : array_like, shape (n,)
        Positions (any length unit).
    t : array_like, shape (n,) or (n_rows, n)
        Values (any unit).
    sigma : array_like, shape like ``t`` or (n,), optional
        Standard errors of ``t``.  Given: a weighted fit whose errors come from the sigmas (chi2 is
        reported, not used to scale them).  Omitted: ordinary least squares with the error scaled by
        the residual variance (dof = n - 2, at least 1).
    x0 : float
        Where ``value`` is read (unit of x).
    """
    xx = np.asarray(x, dtype=float) - float(x0)
    tt = np.asarray(t, dtype=float)
    one = tt.ndim == 1
    tt = np.atleast_2d(tt)
    if xx.ndim != 1 or tt.shape[-1] != xx.size:
        raise InputError(f"fit_line: x has {xx.size} points but t has shape {tuple(np.shape(t))}")
    if xx.size < 2 or np.ptp(xx) == 0:
        raise InputError(f"a straight-line fit needs at least 2 distinct positions (got {xx.size})")
    dof = xx.size - 2
    if sigma is None:
        w = np.ones_like(tt)
    else:
        s = np.broadcast_to(np.asarray(sigma, dtype=float), tt.shape)
        if not np.all(np.isfinite(s)) or np.any(s <= 0):
            raise InputError("fit_line: every sigma must be finite and > 0")
        w = 1.0 / s**2
    sw = w.sum(axis=1)
    sx = (w * xx).sum(axis=1)
    sxx = (w * xx**2).sum(axis=1)
    st = (w * tt).sum(axis=1)
    sxt = (w * xx * tt).sum(axis=1)
    det = sw * sxx - sx**2
    slope = (sw * sxt - sx * st) / det
    value = (sxx * st - sx * sxt) / det
    resid = tt - (value[:, None] + slope[:, None] * xx)
    chi2 = (w * resid**2).sum(axis=1)
    scale = 1.0 if sigma is not None else chi2 / max(dof, 1)
    var_value = scale * sxx / det
    var_slope = scale * sw / det
    cov = -scale * sx / det

    def out(a: NDArray[np.float64]) -> Any:
        return float(a[0]) if one else a

    return LineFit(
        x0=float(x0),
        value=out(value),
        value_err=out(np.sqrt(var_value)),
        slope=out(slope),
        slope_err=out(np.sqrt(var_slope)),
        covariance=out(cov),
        chi2=out(chi2),
        dof=dof,
        weighted=sigma is not None,
    )


def _fit(x: NDArray[np.float64], t: NDArray[np.float64]) -> dict[str, Any]:
    """Straight line T = a + b x for every block (rows of ``t``): a, b and var(a) from the residuals."""
    f = fit_line(x, t)
    return {"intercept": f.value, "slope": f.slope, "var": f.value_err**2}


#: |z| (deviation of the bin next to a fit range on the bath side from the fitted line, in standard errors over
#: blocks) above which the thermostat's non-linear zone counts as reaching that bin: two-sided p = 0.01.
NONLINEAR_ZONE_Z = float(stats.norm.isf(0.005))


def _probe_z(
    x_fit: NDArray[np.float64], t_fit: NDArray[np.float64], x_probe: float, t_probe: NDArray[np.float64]
) -> tuple[float, float]:
    """Deviation of one bin from the straight line fitted (per block) to the fit bins, read at the bin: its mean
    over blocks and that mean in standard errors over blocks (x sqrt(statistical inefficiency of the block series)
    with >= MIN_BLOCKS_INEFFICIENCY blocks).  The per-block residual carries the line's own error and the
    correlation between neighbouring bins, so no model of the noise is needed.  NaN with fewer than 3 blocks."""
    from .blocking import statistical_inefficiency

    r = t_probe - fit_line(x_fit, t_fit, x0=x_probe).value
    r = np.atleast_1d(np.asarray(r, dtype=float))
    nb = r.size
    if nb < 3:
        return float("nan"), float("nan")
    se = float(np.std(r, ddof=1) / math.sqrt(nb))
    if nb >= MIN_BLOCKS_INEFFICIENCY:
        se *= math.sqrt(statistical_inefficiency(r))
    mean = float(np.mean(r))
    if abs(mean) <= 1e3 * np.finfo(float).eps * max(1.0, float(np.max(np.abs(t_fit)))):
        return mean, 0.0  # round-off of a noise-free profile
    return mean, (mean / se if se > 0 else math.copysign(math.inf, mean))


def _nonlinear_zone(
    z: NDArray[np.float64],
    temps: NDArray[np.float64],
    fit_range: tuple[float, float],
    bath_above: bool,
    segment: tuple[float, float],
    idx: NDArray[np.intp],
    zz: NDArray[np.float64],
    length: float,
    geometry: str,
    dz: float,
    adapt: bool,
) -> tuple[float, float, NDArray[np.intp], NDArray[np.float64], dict[str, Any]]:
    """Widen a fit range bin by bin at its bath end while the thermostat's non-linear zone reaches it.

    The probe is the bin just outside the fit range on the bath side (between the bath's edge and the fit
    range).  When its block-mean temperature deviates from the line fitted to the fit range by more than
    :data:`NONLINEAR_ZONE_Z` standard errors over blocks (:func:`_probe_z`), the non-linear zone next to the
    bath (Schelling, Phillpot & Keblinski, PRB 65, 144306 (2002); Landry & McGaughey, PRB 80, 165304
    (2009)) reaches the probe, and the excess that decays from it still lifts (or lowers) the first
    fitted bins: the bath-most fitted bin is moved to the excluded zone and the test repeated, so that at the end
    at least one bin that does not deviate separates the non-linear zone from the fit.  The interface end is
    never touched (curvature next to the interface is physics).  Widening stops when :data:`MIN_FIT_BINS` bins
    are left; if the probe still deviates then, the zone is "unresolved" (a warning).  With ``adapt`` False (the
    user chose the exclusion) nothing is widened and a deviating probe is reported as unresolved.

    Returns the new (start, end), the fit bins and positions, and a dict with ``widened`` (bins added),
    ``resolved`` and ``note`` (a sentence, empty when nothing happened).
    """
    start, end = fit_range
    seg_lo, seg_hi = segment
    # bins between the bath edge and the fit range, on the bath side
    gap = (end, seg_hi) if bath_above else (seg_lo, start)
    gidx, gzz = bins_in(z, gap[0], gap[1], length, geometry)
    keep = (gzz > end) if bath_above else (gzz < start)
    gidx, gzz = gidx[keep], gzz[keep]
    order = np.argsort(zz)
    idx, zz = idx[order], zz[order]
    widened, first_z = 0, None
    while True:
        if gidx.size == 0 or idx.size < MIN_FIT_BINS:
            break
        p = int(np.argmin(gzz)) if bath_above else int(np.argmax(gzz))
        dev, zscore = _probe_z(zz, temps[:, idx], float(gzz[p]), temps[:, gidx[p]])
        if not (math.isfinite(zscore) and abs(zscore) > NONLINEAR_ZONE_Z):
            break
        if first_z is None:
            first_z = (float(gzz[p]), dev, zscore)
        if not adapt or idx.size <= MIN_FIT_BINS:
            where = f"{start:.4g}..{end:.4g}"
            reason = "the exclusion was given" if not adapt else f"only {MIN_FIT_BINS} bins are left"
            return (
                start,
                end,
                idx,
                zz,
                {
                    "widened": widened,
                    "resolved": False,
                    "note": (
                        f"the bin at {gzz[p]:.4g} next to the fit range {where} deviates from its line by {dev:.3g} "
                        f"({zscore:.1f} standard errors) and {reason}"
                    ),
                },
            )
        # move the bath-most fitted bin to the excluded zone
        j = idx.size - 1 if bath_above else 0
        gidx, gzz = np.append(gidx, idx[j]), np.append(gzz, zz[j])
        if bath_above:
            end = float(zz[j] - 0.5 * dz)
        else:
            start = float(zz[j] + 0.5 * dz)
        idx, zz = np.delete(idx, j), np.delete(zz, j)
        widened += 1
    note = ""
    if widened:
        zp, dev, zscore = first_z
        note = (
            f"{widened} more bin(s) excluded at the bath end of {start:.4g}..{end:.4g} (the thermostat's non-linear "
            f"zone: the bin at {zp:.4g} deviated from the fitted line by {dev:.3g}, {zscore:.1f} standard errors)"
        )
    return start, end, idx, zz, {"widened": widened, "resolved": True, "note": note}


#: p-value below which a segment's block-mean profile counts as curved (a quadratic term significant).
CURVATURE_SIGNIFICANCE = 0.01


def _curvature_pvalue(x: NDArray[np.float64], t: NDArray[np.float64]) -> float:
    """Two-sided p-value of the quadratic term of the block-mean profile T(x), weighted by each bin's standard
    error over the blocks (NaN with fewer than 3 blocks or 4 bins, or no spread)."""
    nb, n = t.shape
    if nb < 3 or n < 4:
        return float("nan")
    mean = t.mean(axis=0)
    se = t.std(axis=0, ddof=1) / math.sqrt(nb)
    if not np.all(se > 0):
        return float("nan")
    xc = x - x.mean()
    design = np.column_stack([np.ones(n), xc, xc**2]) / se[:, None]
    cov = np.linalg.pinv(design.T @ design)
    coef = cov @ (design.T @ (mean / se))
    z = coef[2] / math.sqrt(cov[2, 2]) if cov[2, 2] > 0 else 0.0
    return float(2 * stats.norm.sf(abs(z)))


def _steady_start(series: NDArray[np.float64], significance: float) -> tuple[int, float]:
    """Smallest number of leading blocks to drop so that no significant linear trend remains (<= half)."""
    n = series.size
    for first in range(0, n // 2 + 1):
        rest = series[first:]
        if rest.size < 3:
            break
        if np.ptp(rest) == 0:
            return first, 1.0
        p = float(stats.linregress(np.arange(rest.size, dtype=float), rest).pvalue)
        if p >= significance:
            return first, p
    raise InputError(
        f"no steady state: Delta T keeps drifting over the blocks (a linear trend with p < {significance:g} "
        f"remains after dropping the first half of the {n} blocks); run longer before production"
    )


#: |z| of the two interfaces' jump difference in units of its error above which the combined jump takes the
#: random-effects error (:func:`_between_interfaces`): 1.96, a 5 % two-sided test.
BETWEEN_INTERFACES_Z = float(stats.norm.isf(0.025))


def _between_interfaces(jumps: list[dict[str, Any]], c: dict[str, Any], flux: float, flux_err: float) -> str | None:
    """The combined jump's error where the two interfaces of a periodic cell disagree (changes ``c`` in place).

    The two interfaces of the periodic cell are the same interface; their jumps d1, d2 differ by the noise of their
    block series (sigma1, sigma2) unless each carries a part that is frozen over the run (a slow mode of the cell, a
    persistent local state): on SW Si|Ge cells of 2 x 2 x (8 + 8) their jumps are uncorrelated across 20 seeds (r =
    -0.07) while within a run they differ by 2.0 times their errors (rms), and the seed-to-seed spread of the combined
    jump is that of (d1 - d2) / 2; on LJ the difference is 0.89 times the errors.  When |d1 - d2| / sqrt(sigma1^2 +
    sigma2^2) exceeds :data:`BETWEEN_INTERFACES_Z`, the error of the combined jump becomes the random-effects one
    (DerSimonian & Laird, Control. Clin. Trials 7, 177 (1986)): the between-interface variance tau^2 = max(0,
    ((d1 - d2)^2 - sigma1^2 - sigma2^2) / 2), var = (sigma1^2 + sigma2^2 + 2 tau^2) / 4, times Student's t factor for
    the one degree of freedom of the difference (1.84), where that is larger than the block error.  On the 20 SW seeds
    it changes 6 runs and lifts the single-run G's coverage of the seeds' mean from 0.55 to 0.65; it changes none of
    40 LJ seeds.  Returns the sentence for the error method, or None when nothing changed."""
    from .blocking import t_factor

    (d1, s1), (d2, s2) = ((j["delta_T"], j["delta_T_err"]) for j in jumps)
    scale = math.hypot(s1, s2)
    if not (scale > 0 and math.isfinite(scale)):
        return None
    z = (d1 - d2) / scale
    if abs(z) <= BETWEEN_INTERFACES_Z:
        return None
    tau2 = max(0.0, ((d1 - d2) ** 2 - s1**2 - s2**2) / 2)
    err = t_factor(1) * math.sqrt((s1**2 + s2**2 + 2 * tau2) / 4)
    if err <= c["delta_T_err"]:
        return None
    c["delta_T_err"] = err
    if math.isfinite(c["G"]):
        c["G_err"] = float(abs(c["G"]) * np.hypot(err / c["delta_T"], flux_err / flux))
    return (
        f"the interfaces' jumps {d1:.4g} +- {s1:.2g} and {d2:.4g} +- {s2:.2g} differ by {abs(z):.2g} times the error "
        f"of their difference: combined error from the between-interface variance (random effects, DerSimonian & "
        f"Laird 1986) x Student's t for 1 degree of freedom"
    )


def _jump(d: dict[str, Any], used: slice, n: int, flux: float, flux_err: float) -> dict[str, Any]:
    """The mean jump of the blocks used, its stated error and G = J / Delta T with its error.

    With 3 or more blocks the error is :func:`kapitza.analysis.md.blocking.correlated_mean`'s (the integrated
    autocorrelation time of the block series, bias-corrected, times the Student-t factor for the effective number of
    blocks); the jackknife beside it is the plain leave-one-out error scaled the same way (a cross-check).  G's
    error adds the relative errors of J and Delta T in quadrature (delta method; the flux comes from the baths and
    Delta T from the profile).  Fewer blocks: the fit residuals within them."""
    blocks = d["blocks"][used]
    mean = float(np.mean(blocks))
    series = None
    if n >= 3:
        from .blocking import correlated_mean

        series = correlated_mean(blocks)
        err = series.err
        loo = (np.sum(blocks) - blocks) / (n - 1)
        jk = float(np.sqrt((n - 1) / n * np.sum((loo - np.mean(loo)) ** 2)))
        g = series.inefficiency
        jk *= series.t_factor * math.sqrt(g * (n - 1) / max(n - g, 1.0))  # the same correction: equal for a mean
    else:
        err = float(np.sqrt(np.sum(d["var"][used])) / n)
        jk = float("nan")
    out = dict(delta_T=mean, delta_T_err=err, delta_T_err_jackknife=jk, G=float("nan"), G_err=float("nan"),
               series=series)  # fmt: skip
    if not np.isfinite(flux) or mean <= 0:
        return out
    g = flux / mean
    out.update(G=float(g), G_err=float(abs(g) * np.hypot(err / mean, flux_err / flux)))
    return out
