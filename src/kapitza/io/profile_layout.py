"""What an NEMD temperature profile must resolve to be analysed, defined once for the run and for the analysis.

``kapitza md analyze`` fits a straight line to the profile between each bath and each interface
(:func:`kapitza.analysis.md.jump.analyze_jump`) and ``md run``'s regime line averages the profile over each bath
slab (:mod:`kapitza.analysis.md.regime`).  Whether a run can be analysed is decided by its layout alone: where the
profile bins, the baths and the interfaces sit.  :mod:`kapitza.md` may not import :mod:`kapitza.analysis`, so the
rules live here and both call them: the analysis on the profile it reads, ``md run`` on the layout it is about to
write, before LAMMPS starts (:func:`layout_problems`).

The rules (one copy each):

* every bin holds atoms (:func:`empty_bins`): a bin between atomic planes has no temperature, and LAMMPS writes 0
  for it;
* each bath slab holds a bin (:func:`slab_bins`);
* each segment between a bath and an interface keeps :data:`MIN_FIT_BINS` bins for its straight-line fit after
  the default exclusion (:func:`fit_bins`): :data:`DEFAULT_EXCLUDE_FRACTION` of its length at each end, counted
  from the bath's edge, or, where that leaves too few, from the bath's centre;
* the regime line's estimate of the interface jump (:func:`regime_bins`) fits the middle half of each segment
  between a bath slab's edge and an interface and needs :data:`MIN_REGIME_BINS` bins there.

Positions are in the run's length unit; a periodic profile wraps modulo its box length.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

#: Default exclusion at each end of a segment between a bath and an interface, as a fraction of its length.
DEFAULT_EXCLUDE_FRACTION = 0.2
#: Fewest bins a segment's straight-line fit may use.
MIN_FIT_BINS = 3
#: Fewest bins in the middle half of a segment for the regime line's estimate of the interface jump.
MIN_REGIME_BINS = 2
#: Fewest bins between the two interfaces of a periodic profile, either way round the box.
MIN_INTERFACE_BINS = 2
GEOMETRIES = ("periodic", "fixed")


def periodic_offset(z: ArrayLike, origin: float, period: float | None) -> NDArray[np.float64]:
    """``z - origin``, wrapped into [-period/2, period/2) when ``period`` is given (a periodic box)."""
    d = np.asarray(z, dtype=float) - origin
    return d if period is None else (d + period / 2) % period - period / 2


def bins_in(
    z: NDArray[np.float64], start: float, end: float, length: float, geometry: str
) -> tuple[NDArray[np.intp], NDArray[np.float64]]:
    """Indices of the bins (centres ``z``) in [start, end], with their positions unwrapped to that range (a
    periodic profile is looked at one box length below and above too)."""
    shifts = (-length, 0.0, length) if geometry == "periodic" else (0.0,)
    idx, pos = [], []
    for s in shifts:
        zz = z + s
        keep = np.nonzero((zz >= start) & (zz <= end))[0]
        idx.append(keep)
        pos.append(zz[keep])
    return np.concatenate(idx), np.concatenate(pos)


def interfaces_too_close(planes: Sequence[float], length: float, bin_width: float) -> bool:
    """True when the two interfaces of a periodic profile (sorted, in the box) lie fewer than
    :data:`MIN_INTERFACE_BINS` bins apart, either way round the box."""
    z1, z2 = planes
    return min(z2 - z1, z1 + length - z2) < MIN_INTERFACE_BINS * bin_width


def default_baths(planes: Sequence[float], geometry: str, lo: float, hi: float) -> tuple[float, float]:
    """Where md analyze puts the baths when none are given: fixed ends, at the two ends (lo, hi); periodic, midway
    between the interfaces (z1, z2, sorted), (inner, outer) with the outer one wrapped into the box."""
    if geometry == "fixed":
        return lo, hi
    length = hi - lo
    z1, z2 = planes
    b2 = 0.5 * (z2 + z1 + length)
    return 0.5 * (z1 + z2), b2 - length if b2 >= hi else b2


def segments(
    planes: Sequence[float], baths: Sequence[float], geometry: str, lo: float, hi: float
) -> list[tuple[tuple[float, float], tuple[float, float]]]:
    """For each interface, the (bath, plane) and (plane, bath) segments in unwrapped coordinates.

    Fixed ends: ``baths`` are (left, right) around the one plane.  Periodic: ``planes`` are (z1, z2) with
    z1 < z2 and ``baths`` (inner, outer), the inner one between them.
    """
    if geometry == "fixed":
        return [((baths[0], planes[0]), (planes[0], baths[1]))]
    length = hi - lo
    z1, z2 = planes
    inner, outer = baths
    out_below = outer if outer < z1 else outer - length
    out_above = outer if outer > z2 else outer + length
    return [((out_below, z1), (z1, inner)), ((inner, z2), (z2, out_above))]


def fit_bins(
    z: NDArray[np.float64],
    segment: tuple[float, float],
    bath_first: bool,
    half: float,
    length: float,
    geometry: str,
    *,
    exclude_fraction: float = DEFAULT_EXCLUDE_FRACTION,
    exclude_length: float | None = None,
) -> tuple[float, float, NDArray[np.intp], NDArray[np.float64], bool]:
    """The bins of one segment's straight-line fit: (start, end, indices, unwrapped positions, from the centre).

    ``segment`` is (a, b) with the bath at a (``bath_first``) or at b, ``half`` the bath's half width (0:
    unknown).  The fit range starts ``exclude_length`` (a length given by the user), else ``exclude_fraction`` of
    the segment's length from its bath's edge and from the interface; where that leaves fewer than
    :data:`MIN_FIT_BINS` bins (and the bath's width is known and no length was given), the fraction is counted
    from the bath's centre instead (``from_centre`` True).  Fewer than :data:`MIN_FIT_BINS` bins may come back:
    the caller refuses them in its own words.  A bath that reaches the interface gives start >= end.
    """
    a, b = segment
    a_edge, b_edge = (a + half, b) if bath_first else (a, b - half)
    w = exclude_length if exclude_length is not None else exclude_fraction * (b_edge - a_edge)
    start, end = a_edge + w, b_edge - w
    idx, zz = bins_in(z, start, end, length, geometry)
    if idx.size < MIN_FIT_BINS and exclude_length is None and half > 0 and b_edge > a_edge:
        w = exclude_fraction * (b - a)
        start, end = a + w, b - w
        idx, zz = bins_in(z, start, end, length, geometry)
        return start, end, idx, zz, True
    return start, end, idx, zz, False


def slab_bins(z: NDArray[np.float64], region: tuple[float, float], period: float | None) -> NDArray[np.bool_]:
    """Which bins (centres ``z``) lie in the bath slab ``region`` = (start, end), modulo ``period`` if given."""
    lo, hi = region
    return np.abs(periodic_offset(z, (lo + hi) / 2, period)) <= (hi - lo) / 2


def regime_bins(z: NDArray[np.float64], plane: float, edge: float, period: float | None) -> NDArray[np.bool_]:
    """The bins of the middle half of the segment between an interface at ``plane`` and a bath slab's near edge
    at the signed distance ``edge`` from it (< 0 below the plane): what the regime line fits."""
    d = periodic_offset(z, plane, period)
    a, b = (edge, 0.0) if edge < 0 else (0.0, edge)
    lo, hi = a + 0.25 * (b - a), b - 0.25 * (b - a)
    return (d > lo) & (d < hi)


def empty_bins(counts: ArrayLike) -> NDArray[np.intp]:
    """Indices of the bins that hold no atoms (``counts`` per bin, or per block and bin: their mean); NaN counts
    (a file with no count column) are not judged."""
    c = np.asarray(counts, dtype=float)
    if c.ndim == 2:
        c = np.mean(c, axis=0) if c.shape[0] else np.zeros(c.shape[1])
    return np.flatnonzero(c == 0)


def layout_problems(
    positions: ArrayLike,
    box: tuple[float, float],
    planes: Sequence[float],
    baths: Sequence[float],
    bath_width: float,
    geometry: str,
    *,
    counts: ArrayLike | None = None,
) -> tuple[list[str], list[str]]:
    """What the analysis of a profile with this layout would refuse, and what it could not estimate, as two lists
    of sentences (both empty: nothing).

    Parameters
    ----------
    positions : array_like, shape (n_bins,)
        Bin centres (length unit), increasing.
    box : (float, float)
        (low, high) of the profile's box.
    planes : floats
        The interface planes: (z1, z2) periodic (sorted, in the box), (z,) fixed ends.
    baths : floats
        The bath centres: (inner, outer) periodic (inner between the planes), (left, right) fixed ends.
    bath_width : float
        The bath slabs' width (length unit).
    geometry : {"periodic", "fixed"}
    counts : array_like, optional
        Atoms per bin (per block and bin, or per bin).
    """
    z = np.asarray(positions, dtype=float)
    lo, hi = (float(v) for v in box)
    length = hi - lo
    period = length if geometry == "periodic" else None
    half = 0.5 * float(bath_width)
    out: list[str] = []
    notes: list[str] = []
    short: list[tuple[float, float, int]] = []
    if counts is not None and (empty := empty_bins(counts)).size:
        out.append(
            f"{empty.size} of the {z.size} profile bins hold no atoms (the first at {z[empty[0]]:.4g}): the bins are "
            "narrower than the spacing of the atomic planes, and an empty bin has no temperature"
        )
    if geometry == "periodic" and interfaces_too_close(planes, length, length / z.size):
        out.append(f"the interfaces at {planes[0]:.4g} and {planes[1]:.4g} are closer than {MIN_INTERFACE_BINS} bins")
    for centre in baths:
        if not slab_bins(z, (centre - half, centre + half), period).any():
            out.append(f"no profile bin lies in the bath slab {centre - half:.4g} .. {centre + half:.4g}")
    for plane, pair in zip(planes, segments(planes, baths, geometry, lo, hi), strict=True):
        for k, seg in enumerate(pair):
            bath_first = k == 0
            bath, other = (seg[0], seg[1]) if bath_first else (seg[1], seg[0])
            edge = bath + half if bath_first else bath - half
            if (edge - plane) * (bath - plane) <= 0:
                out.append(f"the bath at {bath:.4g} (width {bath_width:.4g}) reaches the interface at {plane:.4g}")
                continue
            start, end, idx, _, from_centre = fit_bins(z, seg, bath_first, half, length, geometry)
            if idx.size < MIN_FIT_BINS:
                out.append(
                    f"the segment between the bath at {bath:.4g} and the interface at {plane:.4g} keeps {idx.size} "
                    f"profile bins for md analyze's straight-line fit (at least {MIN_FIT_BINS}, after excluding "
                    f"{DEFAULT_EXCLUDE_FRACTION:g} of its length at each end"
                    + (", counted from the bath's centre)" if from_centre else ")")
                )
            elif (n := int(regime_bins(z, plane, edge - plane, period).sum())) < MIN_REGIME_BINS:
                short.append((edge, plane, n))
    if short:
        edge, plane, n = short[0]
        notes.append(
            f"{len(short)} of the {2 * len(planes)} segments between a bath slab's edge and an interface hold fewer "
            f"than {MIN_REGIME_BINS} profile bins in their middle half (the first, {edge:.4g} .. {plane:.4g}, holds "
            f"{n}): the regime line needs {MIN_REGIME_BINS} to estimate the interface's share of the drop, so it "
            "will not say whether the bulk profiles are flat; longer crystals or narrower baths give it"
        )
    return out, notes


__all__ = [
    "DEFAULT_EXCLUDE_FRACTION",
    "MIN_FIT_BINS",
    "MIN_INTERFACE_BINS",
    "MIN_REGIME_BINS",
    "bins_in",
    "default_baths",
    "empty_bins",
    "fit_bins",
    "interfaces_too_close",
    "layout_problems",
    "periodic_offset",
    "regime_bins",
    "segments",
    "slab_bins",
]
