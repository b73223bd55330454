"""Preprocessing of vibrational EEL spectra: zero-loss-peak centring, ZLP-tail background, binning, summing.

The standard chain (:func:`preprocess`) is

1. :func:`centre_zlp` -- on the raw data, every spectrum is shifted (sub-channel) so that its zero-loss
   peak (ZLP) sits at 0 meV; the output axis lies on integer multiples of the channel width, so the gain
   channel at -E mirrors the loss channel at +E exactly.  Both sides are kept.
2. :func:`sum_along` -- optionally, sum the spectra along the navigation axis parallel to the interface
   (an image (ny, nx) becomes a line scan).
3. :func:`bin_positions` -- optionally, sum groups of neighbouring probe positions.
4. :func:`remove_background` -- the ZLP tail is fitted on both sides and subtracted.
5. :func:`bin_channels` -- optionally, sum groups of neighbouring energy channels.

Noise model (``NOISE_MODELS``): the variances are those of :func:`~kapitza.analysis.eels.data.eels_data`
(Poisson electrons times the detector gain, plus the read noise squared); every step here carries them:
sums add variances, the sub-channel shift applies its interpolation weights to the variances too (see
:func:`centre_zlp`), and the background subtraction adds the fit's variance (see :func:`fit_background`).

Everything is vectorised over the probe positions; large images are processed in chunks of pixels so
that the temporaries stay a small multiple of one chunk.
"""

from __future__ import annotations

import dataclasses
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from ...errors import InputError
from ...io.results import result
from .data import EELSData

#: The noise model carried through every step (the one of :func:`~kapitza.analysis.eels.data.eels_data`).
NOISE_MODELS = (
    "variance = detector_gain * counts + read_noise**2 (Poisson electrons in detector units plus Gaussian read "
    "noise), set when the data are read; sums add variances, shifts interpolate them, background "
    "subtraction adds the fit variance",
)
#: Background models understood by :func:`fit_background`.
BACKGROUND_MODELS = ("power-law", "zlp-fit")
#: Every centred data set carries a step starting with this text (see :func:`is_centred`).
CENTRED_STEP = "centred the zero-loss peak"

#: Pixels per chunk are chosen so that one chunk holds about this many channel values.
_CHUNK_VALUES = 1 << 22
#: Default inner fit window, in units of the ZLP FWHM.
_INNER_WINDOW_FWHM = (2.0, 3.0)
#: Default outer fit window: the top fraction of the |E| range present on both sides.
_OUTER_WINDOW_FRACTION = 0.85


# ----------------------------------------------------------------------------------------------------------
# helpers
# ----------------------------------------------------------------------------------------------------------


def _check_data(data: Any, name: str = "data") -> EELSData:
    if not isinstance(data, EELSData):
        raise InputError(f"{name} must be an EELSData (from read_eels or eels_data), got {type(data).__name__}")
    return data


def _chunks(n_pixels: int, n_channels: int) -> list[slice]:
    size = max(1, _CHUNK_VALUES // max(1, n_channels))
    return [slice(i, min(i + size, n_pixels)) for i in range(0, n_pixels, size)] or [slice(0, 0)]


def _flat(array: NDArray[np.float64]) -> NDArray[np.float64]:
    return array.reshape(-1, array.shape[-1])


def _edges(energy: NDArray[np.float64]) -> NDArray[np.float64]:
    """Channel edges (n + 1): midpoints between centres, half a spacing beyond the ends."""
    mid = 0.5 * (energy[1:] + energy[:-1])
    return np.concatenate(([energy[0] - (mid[0] - energy[0])], mid, [energy[-1] + (energy[-1] - mid[-1])]))


def is_centred(data: EELSData) -> bool:
    """True when ``data`` went through :func:`centre_zlp` (its ``steps`` say so and the axis is k x width)."""
    if not any(step.startswith(CENTRED_STEP) for step in data.steps):
        return False
    d = data.channel_width_mev
    k = data.energy_mev / d
    return bool(np.all(np.abs(k - np.round(k)) < 1e-6) and np.any(np.round(k) == 0))


# ----------------------------------------------------------------------------------------------------------
# zero-loss peak
# ----------------------------------------------------------------------------------------------------------


def _summed(data: EELSData) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    flat_c, flat_v = _flat(data.counts), _flat(data.variance)
    return flat_c.sum(axis=0), flat_v.sum(axis=0)


def half_width_channels(spectrum: NDArray[np.float64]) -> int:
    """Half width at half maximum of a summed spectrum, in whole channels (>= 1)."""
    i = int(np.argmax(spectrum))
    half = 0.5 * spectrum[i]
    right = np.nonzero(spectrum[i:] < half)[0]
    left = np.nonzero(spectrum[: i + 1][::-1] < half)[0]
    widths = [int(x[0]) for x in (left, right) if x.size]
    return max(1, min(widths) if widths else 1)


def _peak_fraction(counts: NDArray[np.float64], variance: NDArray[np.float64], half: int) -> NDArray[np.float64]:
    """Sub-channel ZLP index of each row of ``counts`` (n_pix, n): weighted parabola through log counts.

    The log counts of the 2*half+1 channels around the highest one are fitted by weighted linear least
    squares with a parabola (weights counts^2/variance = 1/var(ln counts)); its vertex is the centre.  For
    a Gaussian peak the log is exactly a parabola, so the vertex is exact whatever the sampling.
    """
    top = np.argmax(counts, axis=1)
    c, v = around_peak(counts, variance, top, half)
    return peak_vertex(top, c, v, half, counts.shape[1])


def around_peak(
    counts: NDArray[np.float64], variance: NDArray[np.float64], top: NDArray[np.intp], half: int
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Counts and variances of the 2*half+1 channels around ``top`` per row (indices clipped to the axis)."""
    n = counts.shape[1]
    idx_c = np.clip(top[:, None] + np.arange(-half, half + 1)[None, :], 0, n - 1)
    return np.take_along_axis(counts, idx_c, axis=1), np.take_along_axis(variance, idx_c, axis=1)


def log_parabola_vertex(
    c: NDArray[np.float64], v: NDArray[np.float64], ok: NDArray[np.bool_], offsets: NDArray[np.intp]
) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """Per row, the weighted least-squares parabola y = p0 + p1 x + p2 x^2 through the log counts ``c`` at channel
    offsets x (weights c^2 / v; a zero variance, no noise model, weighted by counts) over the channels ``ok``:
    (the vertex offset -p1 / (2 p2), whether it is a maximum: at least 3 channels, a regular system, p2 < 0).  The
    normal equations are solved in closed form per row; the vertex of a row that is not a maximum is meaningless."""
    c_safe = np.where(ok, c, 1.0)
    v_safe = np.where(ok & (v > 0), v, c_safe)
    w = np.where(ok, c_safe**2 / v_safe, 0.0)
    y = np.log(c_safe)
    x = offsets[None, :].astype(float)
    s = [np.sum(w * x**k, axis=1) for k in range(5)]
    t = [np.sum(w * y * x**k, axis=1) for k in range(3)]
    mat = np.empty((c.shape[0], 3, 3))
    for a in range(3):
        for b in range(3):
            mat[:, a, b] = s[a + b]
    rhs = np.stack(t, axis=1)
    with np.errstate(all="ignore"):
        det = np.linalg.det(mat)
    solved = (np.count_nonzero(ok, axis=1) >= 3) & (np.abs(det) > 1e-300)
    mat[~solved] = np.eye(3)
    p = np.linalg.solve(mat, rhs[..., None])[..., 0]
    solved &= p[:, 2] < 0
    return -p[:, 1] / (2.0 * np.where(solved, p[:, 2], -1.0)), solved


def peak_vertex(
    top: NDArray[np.intp], c: NDArray[np.float64], v: NDArray[np.float64], half: int, n: int
) -> NDArray[np.float64]:
    """The log-parabola vertex of :func:`_peak_fraction` from the channels around ``top`` (see :func:`around_peak`)."""
    offsets = np.arange(-half, half + 1)
    idx = top[:, None] + offsets[None, :]
    ok = (idx >= 0) & (idx < n) & (c > 0)
    shift, good = log_parabola_vertex(c, v, ok, offsets)
    good &= (top > 0) & (top < n - 1) & (np.abs(shift) <= half + 0.5)
    if not np.all(good):
        bad = np.flatnonzero(~good)
        raise InputError(
            f"no zero-loss peak found in {bad.size} of {c.shape[0]} spectra (first at flat index {int(bad[0])}): the "
            "highest channel must be a peak inside the energy axis with positive counts around it"
        )
    return top + shift


def _zlp_index(data: EELSData) -> NDArray[np.float64]:
    if not np.any(data.counts > 0):
        raise InputError("no zero-loss peak found: all counts are zero")
    summed, _ = _summed(data)
    half = half_width_channels(summed)
    half = min(max(1, half), 5)
    flat_c, flat_v = _flat(data.counts), _flat(data.variance)
    out = np.empty(flat_c.shape[0])
    for sl in _chunks(flat_c.shape[0], 2 * half + 1):
        out[sl] = _peak_fraction(flat_c[sl], flat_v[sl], half)
    return out.reshape(data.nav_shape)


def zlp_position(data: EELSData) -> NDArray[np.float64]:
    """Sub-channel position of the zero-loss peak of every spectrum, in meV on ``data.energy_mev``.

    Per pixel (vectorised): the highest channel, then a weighted parabola through the log counts of the
    channels within about the half width at half maximum of the summed spectrum (at least 1, at most 5
    channels each side); the vertex is the centre (exact for a Gaussian core).  Works on raw data.

    Parameters
    ----------
    data : EELSData
        Spectra, counts shape nav_shape + (n_channels,).

    Returns
    -------
    ndarray, shape nav_shape
        ZLP centre in meV (a 0-d array for one spectrum).

    Raises
    ------
    InputError
        When a spectrum has no peak (all zero, or its maximum on the first or last channel).
    """
    data = _check_data(data)
    idx = _zlp_index(data)
    return np.interp(idx, np.arange(data.n_channels, dtype=float), data.energy_mev)


def _cumulative_at(cum: NDArray[np.float64], per: NDArray[np.float64], u: NDArray[np.float64]) -> NDArray:
    """Piecewise-linear cumulative sum at fractional edge index ``u`` (rows of ``cum``: n+1, ``per``: n)."""
    n = per.shape[1]
    i = np.clip(np.floor(u).astype(np.intp), 0, n - 1)
    frac = u - i
    return np.take_along_axis(cum, i, axis=1) + frac * np.take_along_axis(per, i, axis=1)


#: Metadata key of the per-spectrum variance ratio left by :func:`centre_zlp` (see :func:`centring_variance_ratio`).
KAPPA_KEY = "centring_variance_ratio"


def centring_variance_ratio(data: EELSData) -> NDArray[np.float64]:
    """kappa per spectrum (shape nav_shape): true / stated variance of ONE channel after the centring shift.

    The sum-preserving shift by a fraction f of a channel makes each new count (1 - f) c_i + f c_(i+1);
    :func:`centre_zlp` carries the variance with the same weights, (1 - f) v_i + f v_(i+1), which is exact
    for sums over several channels but overstates one channel's variance, whose true value is
    (1 - f)^2 v_i + f^2 v_(i+1): kappa = (1 - f)^2 + f^2 (1 at f = 0, 1/2 at f = 1/2), and neighbouring
    channels share the covariance f (1 - f) v = (1 - kappa) v / 2 (kappa + 2 f (1 - f) = 1: the shift
    preserves sums).  A chi2 summed over channels with the stated variances is therefore about kappa times
    its nominal value (chi2/dof ~ 0.5-1 on well-modelled centred data); the variance of a smooth weighted
    sum (a fitted parameter) is right, because the overstated diagonal and the neglected positive
    covariance cancel.  Sums of spectra (:func:`sum_along`, :func:`bin_positions`) average kappa weighted by
    each spectrum's total variance; binning m channels gives (m - 1 + kappa) / m.  1 where not centred on a
    uniform axis.
    """
    raw = data.metadata.get(KAPPA_KEY) if hasattr(data.metadata, "get") else None
    if raw is not None:
        try:
            k = np.asarray(raw, dtype=float).reshape(data.nav_shape)
        except (TypeError, ValueError):
            k = None
        if k is not None and np.all(np.isfinite(k)) and np.all((k >= 0.5 - 1e-9) & (k <= 1.0 + 1e-9)):
            return k
    return np.ones(data.nav_shape)


def _with_kappa(data: EELSData, kappa: NDArray[np.float64] | None) -> dict[str, Any]:
    meta = dict(data.metadata) if hasattr(data.metadata, "items") else {}
    if kappa is None:
        meta.pop(KAPPA_KEY, None)
    else:
        meta[KAPPA_KEY] = np.asarray(kappa, dtype=float).tolist()
    return meta


def _kappa_summed(data: EELSData, reshape: Any, axis: int) -> NDArray[np.float64] | None:
    """kappa of sums of spectra: the mean of the parts' kappa weighted by their total variance."""
    if KAPPA_KEY not in (data.metadata if hasattr(data.metadata, "keys") else {}):
        return None
    k = centring_variance_ratio(data)
    w = data.variance.sum(axis=-1)
    k, w = reshape(k), reshape(w)
    tot = w.sum(axis=axis)
    return np.where(tot > 0, (k * w).sum(axis=axis) / np.where(tot > 0, tot, 1.0), k.mean(axis=axis))


def is_uniform(energy: NDArray[np.float64], width: float) -> bool:
    """True when every channel of ``energy`` (meV) is ``width`` (meV) wide (to 1e-9 relative)."""
    return bool(np.all(np.abs(np.diff(energy) - width) <= 1e-9 * width))


def centred_axis(energy: NDArray[np.float64], width: float, shift_min: float, shift_max: float) -> NDArray[np.int64]:
    """Integer channels k (E = k * width, meV) that every spectrum covers after its shift by ``shifts`` (meV).

    ``shift_min``, ``shift_max``: the smallest and largest zero-loss-peak position (meV) over the spectra.
    InputError when fewer than 3 channels (or not both sides of 0) remain.
    """
    edges = _edges(energy)
    tol = 1e-9 * width
    k_lo = int(np.ceil((edges[0] - shift_min + 0.5 * width - tol) / width))
    k_hi = int(np.floor((edges[-1] - shift_max - 0.5 * width + tol) / width))
    if k_lo > 0 or k_hi < 0 or k_hi - k_lo + 1 < 3:
        raise InputError(
            f"the zero-loss peaks move by {shift_max - shift_min:g} meV across the data, leaving "
            "fewer than 3 channels common to all spectra after centring"
        )
    return np.arange(k_lo, k_hi + 1)


def centring_kappa(shifts: NDArray[np.float64], energy: NDArray[np.float64], width: float) -> NDArray[np.float64]:
    """kappa = (1 - f)^2 + f^2 of each shift (meV) on a uniform axis (see :func:`centring_variance_ratio`)."""
    q = (shifts - energy[0]) / width
    f = q - np.floor(q)
    return (1.0 - f) ** 2 + f**2


def shift_rows(
    rows: NDArray[np.float64],
    shifts: NDArray[np.float64],
    energy: NDArray[np.float64],
    width: float,
    k: NDArray[np.int64],
    columns: NDArray[np.intp] | None = None,
) -> NDArray[np.float64]:
    """The sum-preserving shift of :func:`centre_zlp` applied to ``rows`` (n_pix, n_channels) of counts or variances.

    ``shifts`` (n_pix,) are the zero-loss-peak positions in meV, ``k`` the output channels (:func:`centred_axis`);
    ``columns`` (indices into ``k``) restricts the output to those channels, with the same numbers as the whole
    row would give (each output channel depends on two input channels only, on a uniform axis).  Returns
    (n_pix, len(k)) or (n_pix, len(columns)).
    """
    return shift_many((rows,), shifts, energy, width, k, columns)[0]


def shift_many(
    arrays: tuple[NDArray[np.float64], ...],
    shifts: NDArray[np.float64],
    energy: NDArray[np.float64],
    width: float,
    k: NDArray[np.int64],
    columns: NDArray[np.intp] | None = None,
) -> list[NDArray[np.float64]]:
    """:func:`shift_rows` of several arrays of the same shape with the same shifts (the indices found once)."""
    if is_uniform(energy, width):
        # uniform axis: lower edge of new channel k sits at old fractional edge index k + q, q = (s - e0)/w,
        # so the new count is (1 - f) c[i] + f c[i + 1] with i = floor(q) + k, f = q - floor(q)
        q = (shifts - energy[0]) / width
        q_floor = np.floor(q)
        frac = (q - q_floor)[:, None]
        base = q_floor.astype(np.intp)
        n = energy.size
        kk = k if columns is None else k[columns]
        groups = np.unique(base)
        out = [np.empty((base.size, kk.size)) for _ in arrays]
        if groups.size > max(4, base.size // 16):  # many different whole-channel shifts: one gather of all rows
            first = base[:, None] + kk[None, :]
            rows = np.arange(base.size, dtype=np.intp)[:, None] * n
            i0 = np.clip(first, 0, n - 1) + rows  # flat indices into each C-ordered (n_pix, n) array
            i1 = np.clip(first + 1, 0, n - 1) + rows
            for a, o in zip(arrays, out):
                flat = np.ascontiguousarray(a).reshape(-1)
                o[...] = (1.0 - frac) * np.take(flat, i0) + frac * np.take(flat, i1)
            return out
        # rows sharing a whole-channel shift read the same columns: slices of the runs of consecutive channels
        breaks = np.flatnonzero(np.diff(kk) != 1) + 1
        runs = list(zip(np.concatenate(([0], breaks)).tolist(), np.concatenate((breaks, [kk.size])).tolist()))
        for b in groups:
            sel: Any = slice(None) if groups.size == 1 else np.flatnonzero(base == b)
            f = frac[sel]
            one_f = 1.0 - f
            for r0, r1 in runs:
                lo = int(b + kk[r0])
                if lo >= 0 and lo + (r1 - r0) <= n - 1:
                    c0: Any = slice(lo, lo + r1 - r0)
                    c1: Any = slice(lo + 1, lo + 1 + r1 - r0)
                else:
                    c0, c1 = np.clip(b + kk[r0:r1], 0, n - 1), np.clip(b + kk[r0:r1] + 1, 0, n - 1)
                    if groups.size > 1:  # rows and columns both by index: the block they span
                        c0, c1 = np.ix_(sel, c0)[1], np.ix_(sel, c1)[1]
                rows_: Any = sel if groups.size == 1 or isinstance(c0, slice) else sel[:, None]
                for a, o in zip(arrays, out):
                    # only the rows of this shift and the columns of this run are read (not whole rows)
                    o[sel, r0:r1] = one_f * a[rows_, c0] + f * a[rows_, c1]
        return out
    edges = _edges(energy)
    new_energy = k * width
    new_edges = np.concatenate((new_energy - 0.5 * width, [new_energy[-1] + 0.5 * width]))
    old_index = np.arange(edges.size, dtype=float)
    u = np.interp(new_edges[None, :] + shifts[:, None], edges, old_index)
    out = []
    for a in arrays:
        cum = np.zeros((a.shape[0], a.shape[1] + 1))
        np.cumsum(a, axis=1, out=cum[:, 1:])
        shifted = np.diff(_cumulative_at(cum, a, u), axis=1)
        out.append(shifted if columns is None else shifted[:, columns])
    return out


def shifted_sum(
    rows: NDArray[np.float64],
    shifts: NDArray[np.float64],
    energy: NDArray[np.float64],
    width: float,
    k: NDArray[np.int64],
) -> NDArray[np.float64]:
    """``shift_rows(rows, shifts, energy, width, k).sum(axis=0)`` (len(k),) without the shifted copy.

    On a uniform axis with few whole-channel shifts (at most 4) and consecutive ``k``: per whole-channel shift b,
    the rows' weights (1 - f) and f (zero for the other rows) times the raw channels b + k and b + k + 1, one matrix
    product that reads the rows once; otherwise the shifted rows summed.  The same sum in another order (the
    numbers agree to rounding).
    """
    if is_uniform(energy, width) and k.size > 1 and int(k[-1] - k[0]) + 1 == k.size:
        q = (shifts - energy[0]) / width
        q_floor = np.floor(q)
        frac = q - q_floor
        base = q_floor.astype(np.intp)
        groups = np.unique(base)
        lo, hi = int(groups[0] + k[0]), int(groups[-1] + k[-1]) + 1  # the raw channels read
        if groups.size <= 4 and lo >= 0 and hi < energy.size:
            out = np.zeros(k.size)
            for b in groups.tolist():
                inside = base == b
                weights = np.stack((np.where(inside, 1.0 - frac, 0.0), np.where(inside, frac, 0.0)))
                first = b + int(k[0])
                # einsum, not a BLAS product: one thread, the rows read once
                part = np.einsum("gr,rk->gk", weights, rows[:, first : first + k.size + 1])
                out += part[0, :-1]
                out += part[1, 1:]
            return out
    return shift_rows(rows, shifts, energy, width, k).sum(axis=0)


def centre_zlp(data: EELSData) -> EELSData:
    """Shift every spectrum so that its zero-loss peak is at 0 meV, keeping the gain and loss sides.

    The ZLP of each pixel is located with :func:`zlp_position` (sub-channel, on the raw data).  The output
    axis is ``k * w`` for integer k (w the median channel width), over the range every pixel covers after
    its shift, so the loss channel at +E and the gain channel at -E pair exactly.

    The shift is a sum-preserving linear interpolation: each old channel spreads its counts uniformly over
    its width, the piecewise-linear cumulative sum is read at the new channel edges, and the differences
    are the new counts (for a uniform axis and a shift of f channels: (1 - f) c_i + f c_(i+1)).  The SAME
    weights are applied to the variances.  Why: a sum over several new channels equals the sum of the old
    channels it covers (up to fractions of the two end channels), so its variance is the sum of the old
    variances, which is what the interpolated variances sum to; this is exact for the multi-channel sums
    that every fit uses.  The price: neighbouring output channels are correlated (they share an old
    channel), so a single channel's variance is overstated by 1/kappa, kappa = (1-f)^2 + f^2; kappa per
    spectrum is kept in the metadata (:func:`centring_variance_ratio`) so that a chi2 can be corrected.

    Parameters
    ----------
    data : EELSData
        Raw spectra on any strictly increasing axis (meV), counts shape nav_shape + (n_channels,).

    Returns
    -------
    EELSData
        Centred spectra on the common axis k * w (meV), with a step naming the range of shifts.
    """
    data = _check_data(data)
    if any(step.startswith(CENTRED_STEP) for step in data.steps):
        raise InputError("the zero-loss peak is already centred (centre_zlp was applied before)")
    energy = data.energy_mev
    width = data.channel_width_mev
    shifts = np.atleast_1d(zlp_position(data)).reshape(-1)
    k = centred_axis(energy, width, float(shifts.min()), float(shifts.max()))
    new_energy = k * width
    flat_c, flat_v = _flat(data.counts), _flat(data.variance)
    n_pix = flat_c.shape[0]
    out_c = np.empty((n_pix, k.size))
    out_v = np.empty((n_pix, k.size))
    kappa = np.ones(n_pix)
    uniform = is_uniform(energy, width)
    for sl in _chunks(n_pix, data.n_channels):
        out_c[sl], out_v[sl] = shift_many((flat_c[sl], flat_v[sl]), shifts[sl], energy, width, k)
        if uniform:
            kappa[sl] = centring_kappa(shifts[sl], energy, width)
    # cumulative differences may leave -1e-12 rounding on empty channels; the IEEE value is noise, not data
    np.maximum(out_v, 0.0, out=out_v)
    nav = data.nav_shape
    step = (
        f"{CENTRED_STEP} of each spectrum (sub-channel log-parabola, sum-preserving linear shift of counts and "
        f"variances); shifts {float(shifts.min()):g} to {float(shifts.max()):g} meV; axis {float(new_energy[0]):g}"
        f" to {float(new_energy[-1]):g} meV in steps of {width:g} meV"
    )
    return data.replace(
        step,
        energy_mev=new_energy,
        counts=out_c.reshape(nav + (k.size,)),
        variance=out_v.reshape(nav + (k.size,)),
        metadata=_with_kappa(data, kappa.reshape(nav) if uniform else None),
    )


def peak_fwhm(energy: NDArray[np.float64], spectrum: NDArray[np.float64]) -> float:
    """Full width at half maximum (units of ``energy``) of the highest peak of ``spectrum``."""
    i = int(np.argmax(spectrum))
    peak = spectrum[i]
    if peak <= 0:
        raise InputError("no zero-loss peak found: the summed spectrum has no positive maximum")
    half = 0.5 * peak
    right = np.nonzero(spectrum[i:] < half)[0]
    left = np.nonzero(spectrum[: i + 1][::-1] < half)[0]
    if not right.size or not left.size:
        raise InputError("the zero-loss peak is cut by the end of the energy axis: its FWHM is not defined")
    r = i + int(right[0])
    l_ = i - int(left[0])
    e_r = np.interp(half, [spectrum[r], spectrum[r - 1]], [energy[r], energy[r - 1]])
    e_l = np.interp(half, [spectrum[l_], spectrum[l_ + 1]], [energy[l_], energy[l_ + 1]])
    return float(e_r - e_l)


def zlp_fwhm(data: EELSData) -> float:
    """Full width at half maximum (meV) of the zero-loss peak of the summed, centred spectrum.

    Data that are not centred yet are centred first (:func:`centre_zlp`), so drift between pixels does
    not widen the peak.  The half-maximum crossings are interpolated linearly between channels.
    """
    data = _check_data(data)
    if not is_centred(data):
        data = centre_zlp(data)
    summed, _ = _summed(data)
    return peak_fwhm(data.energy_mev, summed)


# ----------------------------------------------------------------------------------------------------------
# background
# ----------------------------------------------------------------------------------------------------------


@result
class Background:
    """The zero-loss-peak tail fitted under the phonon signal, on both sides.

    Attributes
    ----------
    energy_mev : ndarray, shape (channels,)
        The energy axis of the data it was fitted to (meV).
    counts : ndarray, shape nav_shape + (channels,)
        Background counts per channel (0 inside the ZLP core for the power law, see ``parameters``).
    variance : ndarray, same shape
        Variance of the background from the fit's parameter uncertainty (per channel).
    model : str
        "power-law" or "zlp-fit".
    windows_mev : tuple of (lo, hi)
        The |E| windows (meV) the background was fitted on, used on both sides.
    parameters : mapping
        Fitted parameters: for the power law ``gain_exponent``, ``loss_exponent``, ``gain_amplitude``,
        ``loss_amplitude`` (arrays nav_shape; I = A |E / 1 meV|^-r), ``gain_exponent_err``,
        ``loss_exponent_err``, ``gain_covariance`` and ``loss_covariance`` (nav_shape + (2, 2), of (ln A, r))
        and ``core_mev`` (|E| below which the
        background is 0); for the ZLP fit the Pearson VII ``width_mev``, ``shape_exponent``, ``centre_mev``
        and the per-pixel ``scale`` (nav_shape).
    """

    energy_mev: NDArray[np.float64]
    counts: NDArray[np.float64]
    variance: NDArray[np.float64]
    model: str
    windows_mev: tuple[tuple[float, float], ...]
    parameters: Any = dataclasses.field(default_factory=dict)

    _summary_fields: ClassVar[tuple[str, ...]] = ("model", "windows_mev", "counts")


def check_fit_windows(windows: Any, data: EELSData) -> tuple[tuple[float, float], ...]:
    try:
        pairs = tuple((float(lo), float(hi)) for lo, hi in windows)
    except (TypeError, ValueError):
        raise InputError(
            "fit_windows_mev must be a list of (lo, hi) pairs of |E| in meV, e.g. [(12, 18), (130, 150)]"
        ) from None
    if not pairs:
        raise InputError("fit_windows_mev is empty: give at least one (lo, hi) window of |E| in meV")
    e = data.energy_mev
    e_max = float(min(-e[0], e[-1]))
    for lo, hi in pairs:
        if not (np.isfinite(lo) and np.isfinite(hi) and 0 < lo < hi):
            raise InputError(f"fit_windows_mev: each window needs 0 < lo < hi (got {lo:g}:{hi:g})")
        if e[0] >= 0 or e[-1] <= 0:
            raise InputError("the energy axis must contain both the gain (E < 0) and the loss (E > 0) side")
        # a window ending at the axis end is accepted to within one channel: centring moves the axis end by up
        # to half a channel (a raw axis ending at 160 meV ends at 159.5 meV), plus the last channel's half width
        if hi > e_max + data.channel_width_mev:
            raise InputError(
                f"fit_windows_mev {lo:g}:{hi:g} meV lies outside the data: both sides reach |E| = {e_max:g} meV "
                f"(windows may end up to one channel, {data.channel_width_mev:g} meV, beyond it)"
            )
    return pairs


def default_fit_windows(data: EELSData) -> tuple[tuple[float, float], tuple[float, float]]:
    """The default background windows (|E| in meV), used on both sides.

    - inner: 2 to 3 x the FWHM of the ZLP (:func:`zlp_fwhm`): just outside the ZLP core, below most
      phonons (give your own window ending below your analysis window when phonons start lower);
    - outer: the top 15 % of the |E| range present on both sides (0.85 E_max to E_max): above the phonon
      range when the axis reaches well beyond the highest phonon (~ 1.3 x its energy or more).
    """
    return windows_from_fwhm(data.energy_mev, zlp_fwhm(data))


def windows_from_fwhm(e: NDArray[np.float64], fwhm: float) -> tuple[tuple[float, float], tuple[float, float]]:
    """:func:`default_fit_windows` on the centred axis ``e`` (meV) for a zero-loss peak ``fwhm`` meV wide."""
    e_max = float(min(-e[0], e[-1]))
    inner = (_INNER_WINDOW_FWHM[0] * fwhm, _INNER_WINDOW_FWHM[1] * fwhm)
    outer = (max(_OUTER_WINDOW_FRACTION * e_max, inner[1]), e_max)
    if outer[0] >= outer[1] or inner[1] >= e_max:
        raise InputError(
            f"the energy axis (|E| up to {e_max:g} meV) is too short for the default background windows "
            f"(from {inner[0]:g} meV = 2 x FWHM); give fit_windows_mev"
        )
    return inner, outer


def window_mask(abs_e: NDArray[np.float64], windows: tuple[tuple[float, float], ...]) -> NDArray[np.bool_]:
    mask = np.zeros(abs_e.shape, dtype=bool)
    for lo, hi in windows:
        mask |= (abs_e >= lo) & (abs_e <= hi)
    return mask


def power_law_side(
    counts: NDArray[np.float64],
    variance: NDArray[np.float64],
    x: NDArray[np.float64],
    *,
    with_chi2: bool = True,
    table: tuple[NDArray[np.float64], ...] | None = None,
) -> tuple[NDArray, NDArray, NDArray, NDArray | None]:
    """Fit ln I = a - r ln|E| per row; returns (a, r, covariance of (a, r), shape (n_pix, 2, 2), chi2/dof).

    ``counts``, ``variance`` (n_pix, m) at the fit channels, ``x`` (m,) or (1, m) their ln|E / 1 meV|.
    The fit solves the Poisson score equations sum (c - mu) [1, x] = 0 (mu = exp(a - r x)), which are unbiased
    however few the counts (weights on ln c are biased by about +1/(2N) at N counts per channel), by Newton steps
    (iteratively reweighted LS with the MODEL's weights mu, the 2 x 2 systems in closed form) until every row's
    step is below 1e-10 relative.  Start: :func:`_power_law_start` (those equations solved on a table over r),
    else the weighted LS of ln counts on x (weights counts^2 / variance, counts > 0).  Covariance: the
    sandwich H^-1 (sum var [1,x][1,x]^T) H^-1 with the stated variances (detector gain and read noise
    included), NOT scaled by chi2/dof (see the comment in the code for the measured reason); chi2/dof
    (chi2 = sum (c - mu)^2 / var over the window channels, dof = n - 2) is returned and stored (None
    without ``with_chi2``).  The sums over channels are matrix products with the columns [1, x, x^2].
    """
    x = np.asarray(x, dtype=float).reshape(-1)
    basis = np.stack((np.ones_like(x), x, x * x), axis=1)  # (m, 3): sums of w, w x, w x^2 as one product
    ok = counts > 0
    s0, s1, s2 = (ok.astype(float) @ basis).T  # channels with counts, and the spread of their x
    bad = (s0 < 3) | ~(s0 * s2 - s1 * s1 > 1e-12 * np.maximum(s0 * s2, 1e-300))
    if np.any(bad):
        raise InputError(
            f"the background fit windows hold fewer than 3 channels with counts in {int(bad.sum())} spectra: widen "
            "fit_windows_mev, or sum/bin the spectra first"
        )
    icpt, slope, found = _power_law_start(counts, x, power_law_table(x) if table is None else table)
    if not np.all(found):
        icpt[~found], slope[~found] = _log_start(counts[~found], variance[~found], basis)
    ones, x2 = basis[:, 0].copy(), basis[:, 2].copy()  # matrix-vector products (faster than one with 3 columns)
    x_reach = float(np.abs(x).max())
    for _ in range(50):
        mu = _log_linear(icpt, slope, x, x_reach)
        h0, h1, h2 = mu @ ones, mu @ x, mu @ x2
        resid = np.subtract(counts, mu, out=mu)
        g0, g1 = resid @ ones, resid @ x
        det = h0 * h2 - h1 * h1
        d_icpt = (h2 * g0 - h1 * g1) / det
        d_slope = (h0 * g1 - h1 * g0) / det
        icpt = icpt + d_icpt
        slope = slope + d_slope
        if (np.abs(d_icpt) < 1e-10 * (1.0 + np.abs(icpt))).all() and (
            np.abs(d_slope) < 1e-10 * (1.0 + np.abs(slope))
        ).all():
            break
    mu = _log_linear(icpt, slope, x, x_reach)
    h0, h1, h2 = mu @ ones, mu @ x, mu @ x2
    m0, m1, m2 = variance @ ones, variance @ x, variance @ x2
    det = h0 * h2 - h1 * h1
    # H^-1 = [[h2, -h1], [-h1, h0]] / det; cov(icpt, slope) = H^-1 M H^-1 (M = [[m0, m1], [m1, m2]])
    p00, p01 = (h2 * m0 - h1 * m1) / det, (h2 * m1 - h1 * m2) / det  # rows of H^-1 M
    p10, p11 = (h0 * m1 - h1 * m0) / det, (h0 * m2 - h1 * m1) / det
    cov = np.empty((counts.shape[0], 2, 2))
    cov[:, 0, 0] = (p00 * h2 - p01 * h1) / det
    cov[:, 1, 1] = (p11 * h0 - p10 * h1) / det
    # (a, r) with r = -slope: the covariance of a and r is minus that of icpt and slope
    cov[:, 0, 1] = cov[:, 1, 0] = -(p01 * h0 - p00 * h1) / det
    chi2r = None
    if with_chi2:
        v_safe = np.where(variance > 0, variance, np.maximum(mu, 1.0))
        dof = max(counts.shape[1] - 2, 1)
        chi2r = np.sum((counts - mu) ** 2 / v_safe, axis=1) / dof
    # NOT scaled by chi2/dof (measured choice): on the forward model's spectra (tests/eels/test_eels_end_to_end.py)
    # scaling by max(1, chi2/dof) made the temperature errors about 7x their scatter (coverage 1.0), because the
    # window misfit there is phonon signal that barely moves the temperature; a misfit that does bias the
    # temperature shows in the temperature fit's own chi2, whose adequacy verdict inflates that error instead
    return icpt, -slope, cov, chi2r


def _log_start(
    counts: NDArray[np.float64], variance: NDArray[np.float64], basis: NDArray[np.float64]
) -> tuple[NDArray, NDArray]:
    """(icpt, slope) of the weighted LS of ln counts on x (weights counts^2 / variance, counts > 0; ``basis``: the
    columns 1, x, x^2 of the channels)."""
    ok = counts > 0
    c_safe = np.where(ok, counts, 1.0)
    v_safe = np.where(ok & (variance > 0), variance, c_safe)
    w = np.where(ok, c_safe**2 / v_safe, 0.0)
    s0, s1, s2 = (w @ basis).T
    t0, t1 = ((w * np.log(c_safe)) @ basis[:, :2]).T
    det = s0 * s2 - s1 * s1
    return (s2 * t0 - s1 * t1) / det, (s0 * t1 - s1 * t0) / det


#: Points of the table that starts the power-law fit (:func:`_power_law_start`), over r (ln x-span) in +-_START_RANGE.
_START_POINTS = 193
_START_RANGE = 30.0


def power_law_table(x: NDArray[np.float64]) -> tuple[NDArray[np.float64], ...]:
    """The table of :func:`_power_law_start` for the fit channels' x = ln|E / 1 meV| (m,): r, m(r), the variance of
    x weighted by exp(-r x), ln sum exp(-r (x - <x>)), <x>, and the cubic Hermite interpolants of r(m) and of
    ln sum exp(-r (x - <x>)) over r, per interval (:func:`_cubics`; a function of the channels only: one table
    serves every spectrum fitted on them)."""
    x = np.asarray(x, dtype=float).reshape(-1)
    xm = float(x.mean())
    xc = x - xm
    span = float(xc.max() - xc.min())
    grid = np.linspace(_START_RANGE / span, -_START_RANGE / span, _START_POINTS)  # r, so that m(r) increases
    weights = np.exp(-np.multiply.outer(grid, xc))  # (points, m)
    z = weights.sum(axis=1)
    mean = (weights @ xc) / z
    var = (weights @ (xc * xc)) / z - mean * mean
    log_z = np.log(z)
    return grid, mean, var, log_z, np.array([xm]), _cubics(mean, grid, -1.0 / var), _cubics(grid, log_z, -mean)


def _cubics(u: NDArray[np.float64], y: NDArray[np.float64], dy: NDArray[np.float64]) -> NDArray[np.float64]:
    """The cubic Hermite interpolant of y(u) (slopes dy) on each interval of the knots u, as rows (u0, 1 / h, and the
    coefficients of 1, t, t^2, t^3 in t = (u - u0) / h): (6, len(u) - 1)."""
    h = np.diff(u)
    y0, y1, d0, d1 = y[:-1], y[1:], h * dy[:-1], h * dy[1:]
    return np.stack((u[:-1], 1.0 / h, y0, d0, 3.0 * (y1 - y0) - 2.0 * d0 - d1, 2.0 * (y0 - y1) + d0 + d1))


def _cubic_at(c: NDArray[np.float64], u: NDArray[np.float64]) -> NDArray[np.float64]:
    """The interpolants of :func:`_cubics` (``c``: their rows at each point's interval) at the points u."""
    t = u - c[0]
    t *= c[1]
    out = c[5] * t
    out += c[4]
    out *= t
    out += c[3]
    out *= t
    out += c[2]
    return out


def _power_law_start(
    counts: NDArray[np.float64], x: NDArray[np.float64], table: tuple[NDArray[np.float64], ...]
) -> tuple[NDArray, NDArray, NDArray]:
    """(icpt, slope, found) of ln mu = icpt + slope x near the Poisson fit, from a table over r = -slope.

    The Poisson score equations sum (c - mu) = 0 and sum (c - mu) x = 0 say: the mean of x weighted by the counts
    equals m(r), its mean weighted by exp(-r x) (a function of r alone, decreasing), and A = sum c / sum exp(-r x).
    m(r) and ln sum exp(-r x) (slope -m) are tabulated (:func:`power_law_table`) at _START_POINTS values of r; r is
    read off the table by cubic Hermite interpolation of the inverse (slope -1 / variance of x) and ln A the same
    way (about 1e-5 from the fit's answer, which the Newton steps then reach in two steps).  ``found`` is False
    where the counts' mean x lies outside the table (or no counts): those rows start elsewhere.
    """
    grid, mean, _var, _log_z, xm, r_of_mean, log_z_of_r = table
    total = counts @ np.ones(x.size)
    found = total > 0
    xbar = (counts @ (x - xm[0])) / np.where(found, total, 1.0)
    found &= (xbar > mean[0]) & (xbar < mean[-1])
    i = np.clip(np.searchsorted(mean, xbar) - 1, 0, grid.size - 2)
    r = _cubic_at(r_of_mean[:, i], xbar)
    log_zr = _cubic_at(log_z_of_r[:, i], r)
    icpt = np.log(np.where(found, total, 1.0)) - log_zr + r * xm[0]  # sum mu = A exp(-r <x>) sum exp(-r (x - <x>))
    found &= np.isfinite(icpt) & np.isfinite(r)
    return icpt, -r, found


def _log_linear(
    icpt: NDArray[np.float64], slope: NDArray[np.float64], x: NDArray[np.float64], x_reach: float | None = None
) -> NDArray:
    """exp(icpt + slope x) per row (n_pix, m), the exponent held within +-700 (``x_reach``: max |x|, if known)."""
    eta = np.multiply.outer(slope, x)
    eta += icpt[:, None]
    if x_reach is None:
        x_reach = float(np.abs(x).max())
    reach = float(np.abs(icpt).max(initial=0.0)) + float(np.abs(slope).max(initial=0.0)) * x_reach
    if reach > 700.0:
        np.clip(eta, -700.0, 700.0, out=eta)
    return np.exp(eta, out=eta)


def power_law_values(
    a: NDArray[np.float64], r: NDArray[np.float64], cov: NDArray[np.float64], x_eval: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Background counts and their variances (n_pix, n) of ln B = a - r x at x = ln |E / 1 meV| (n,).

    ``a``, ``r`` (n_pix,) and ``cov`` (n_pix, 2, 2) of (a, r) from :func:`power_law_side`.
    """
    # ln B = a - r x; var(ln B) = var(a) - 2 x cov(a, r) + x^2 var(r); var(B) = B^2 var(ln B)
    b = np.exp(a[:, None] - r[:, None] * x_eval[None, :])
    var_log = (
        cov[:, 0, 0, None] - 2.0 * x_eval[None, :] * cov[:, 0, 1, None] + x_eval[None, :] ** 2 * cov[:, 1, 1, None]
    )
    return b, b * b * np.maximum(var_log, 0.0)


def power_law_core(windows: tuple[tuple[float, float], ...], fwhm: float) -> float:
    """|E| (meV) down to which the power law is evaluated: the lowest window start or 2 x the ZLP FWHM (meV)."""
    # evaluated down to 2 x FWHM even when every window lies higher (it was silently 0 below the lowest window)
    return min(min(lo for lo, _ in windows), 2.0 * fwhm)


def _fit_power_law(data: EELSData, windows: tuple[tuple[float, float], ...]) -> Background:
    e = data.energy_mev
    abs_e = np.abs(e)
    core = power_law_core(windows, zlp_fwhm(data))
    fit_mask = window_mask(abs_e, windows)
    flat_c, flat_v = _flat(data.counts), _flat(data.variance)
    n_pix = flat_c.shape[0]
    out_c = np.zeros_like(flat_c)
    out_v = np.zeros_like(flat_v)
    params = {
        f"{s}_{p}": np.empty(n_pix)
        for s in ("gain", "loss")
        for p in ("exponent", "exponent_err", "amplitude", "chi2_reduced")
    }
    params.update({f"{s}_covariance": np.empty((n_pix, 2, 2)) for s in ("gain", "loss")})
    for side, sel in (("gain", e < 0), ("loss", e > 0)):
        cols = np.flatnonzero(sel & fit_mask)
        if cols.size < 3:
            raise InputError(
                f"the background fit windows {format_windows(windows)} hold fewer than 3 channels on the {side} side"
            )
        x_fit = np.log(abs_e[cols])
        eval_cols = np.flatnonzero(sel & (abs_e >= core))
        x_eval = np.log(abs_e[eval_cols])
        table = power_law_table(x_fit)
        for sl in _chunks(n_pix, data.n_channels):
            a, r, cov, chi2r = power_law_side(flat_c[sl][:, cols], flat_v[sl][:, cols], x_fit, table=table)
            params[f"{side}_chi2_reduced"][sl] = chi2r
            out_c[sl, eval_cols], out_v[sl, eval_cols] = power_law_values(a, r, cov, x_eval)
            params[f"{side}_exponent"][sl] = r
            params[f"{side}_exponent_err"][sl] = np.sqrt(cov[:, 1, 1])
            params[f"{side}_amplitude"][sl] = np.exp(a)
            params[f"{side}_covariance"][sl] = cov
    nav = data.nav_shape
    parameters: dict[str, Any] = {k: v.reshape(nav + v.shape[1:]) for k, v in params.items()}
    parameters["core_mev"] = float(core)
    return Background(
        energy_mev=e,
        counts=out_c.reshape(data.counts.shape),
        variance=out_v.reshape(data.counts.shape),
        model="power-law",
        windows_mev=windows,
        parameters=parameters,
    )


def _pearson7(e: NDArray[np.float64], height: float, centre: float, width: float, m: float) -> NDArray[np.float64]:
    """Symmetric Pearson VII: height / (1 + ((E - centre)/width)^2 (2^(1/m) - 1))^m; FWHM = 2 width."""
    return height / (1.0 + ((e - centre) / width) ** 2 * (2.0 ** (1.0 / m) - 1.0)) ** m


def zlp_shape(
    e: NDArray[np.float64], summed: NDArray[np.float64], windows: tuple[tuple[float, float], ...]
) -> tuple[NDArray[np.float64], tuple[float, float, float, float]]:
    """The Pearson VII ZLP shape (height 1) on ``e`` (meV) fitted to the summed centred counts, and
    (height, centre, width, m) of the fit; see :func:`fit_background`, model ``"zlp-fit"``."""
    from scipy.optimize import least_squares

    abs_e = np.abs(e)
    core = min(lo for lo, _ in windows)
    fit_mask = window_mask(abs_e, windows)
    shape_mask = (fit_mask | (abs_e < core)) & (summed > 0)
    y = np.log(summed[shape_mask])
    x = e[shape_mask]
    fwhm = peak_fwhm(e, summed)
    h0 = float(summed.max())

    def residual(p: NDArray[np.float64]) -> NDArray[np.float64]:
        # fitted in log space, one weight per channel: the tails (relative accuracy) count as much as the core
        return np.log(_pearson7(x, np.exp(p[0]), p[1], np.exp(p[2]), np.exp(p[3]))) - y

    p0 = np.array([np.log(h0), 0.0, np.log(0.5 * fwhm), np.log(1.5)])
    fit = least_squares(residual, p0, method="lm", max_nfev=2000)
    height, centre, width, m = np.exp(fit.x[0]), fit.x[1], np.exp(fit.x[2]), np.exp(fit.x[3])
    return _pearson7(e, 1.0, centre, width, m), (float(height), float(centre), float(width), float(m))


def zlp_scale(
    c: NDArray[np.float64], v: NDArray[np.float64], p_fit: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Per-row scale of the ZLP shape ``p_fit`` (n,) and its variance, by linear LS over the window channels
    ``c``, ``v`` (n_pix, n)."""
    w = np.where(v > 0, 1.0 / np.where(v > 0, v, 1.0), 1.0 / np.maximum(np.abs(c), 1.0))
    spp = np.sum(w * p_fit**2, axis=1)
    s = np.sum(w * c * p_fit, axis=1) / spp
    return s, 1.0 / spp  # linear LS: var(scale) = 1 / sum(P^2 / var)


def _fit_zlp_shape(data: EELSData, windows: tuple[tuple[float, float], ...]) -> Background:
    e = data.energy_mev
    summed, _ = _summed(data)
    shape, (height, centre, width, m) = zlp_shape(e, summed, windows)
    cols = np.flatnonzero(window_mask(np.abs(e), windows))
    if cols.size < 2:
        raise InputError(f"the background fit windows {format_windows(windows)} hold fewer than 2 channels")
    p_fit = shape[cols]
    flat_c, flat_v = _flat(data.counts), _flat(data.variance)
    n_pix = flat_c.shape[0]
    out_c = np.empty_like(flat_c)
    out_v = np.empty_like(flat_v)
    scale = np.empty(n_pix)
    for sl in _chunks(n_pix, data.n_channels):
        s, var_s = zlp_scale(flat_c[sl][:, cols], flat_v[sl][:, cols], p_fit)
        out_c[sl] = s[:, None] * shape[None, :]
        out_v[sl] = var_s[:, None] * shape[None, :] ** 2
        scale[sl] = s
    nav = data.nav_shape
    return Background(
        energy_mev=e,
        counts=out_c.reshape(data.counts.shape),
        variance=out_v.reshape(data.counts.shape),
        model="zlp-fit",
        windows_mev=windows,
        parameters={
            "width_mev": float(width),
            "shape_exponent": float(m),
            "centre_mev": float(centre),
            "summed_height": float(height),
            "scale": scale.reshape(nav),
        },
    )


def format_windows(windows: tuple[tuple[float, float], ...]) -> str:
    return ", ".join(f"{lo:g}:{hi:g}" for lo, hi in windows) + " meV"


def fit_background(data: EELSData, model: str = "power-law", fit_windows_mev: Any = None) -> Background:
    """Fit the zero-loss-peak tail under the phonon signal, on the gain and the loss side.

    Models (``model=``; default ``"power-law"``):

    - ``"power-law"``: I_bg(E) = A |E|^-r, fitted SEPARATELY on the gain side (E < 0) and on the loss
      side (E > 0) of every spectrum by weighted linear least squares of ln I against ln |E| over the
      fit windows (start: weights counts^2 / variance = 1 / var(ln I), counts > 0), refined by
      iteratively reweighted LS in log-log space with the model's weights (= the Poisson likelihood
      equations, unbiased at low counts, where ln of N counts with data weights is biased by ~1/(2N)).
      It is evaluated (extrapolated where the windows lie above) for every |E| >= ``core_mev`` = the
      smaller of the lowest window start and 2 x the ZLP FWHM; below that, in the ZLP core, it is 0 and
      :func:`~kapitza.analysis.eels.temperature.fit_temperature` refuses a window that reaches there (a
      background fitted on 110:159 meV is subtracted at 60:100 meV, not silently left out).  Its
      uncertainty: the covariance C of (ln A, r) (the sandwich estimate with the stated variances, not
      scaled by chi2/dof, which is stored as ``gain_chi2_reduced``/``loss_chi2_reduced``: scaling made the
      temperature errors about 7x their scatter on the forward model, whose window misfit is phonon signal;
      a misfit that biases the temperature shows in the temperature fit's chi2 and its adequacy verdict,
      which inflates that error), propagated to each channel as
      var(I_bg) = I_bg^2 [1, -ln|E|] C [1, -ln|E|]^T.  This is the per-channel diagonal: the background
      errors of different channels are fully correlated (one fit), which a per-channel variance cannot
      say, so a sum over many channels where the background dominates is more uncertain than its summed
      variances (about 3x in scatter for a 25-140 meV band of pure tail in the Monte Carlo of
      tests/eels/test_eels_preprocess.py).  The per-pixel covariance of (ln A, r) is kept in
      ``parameters`` (``gain_covariance``, ``loss_covariance``) for an exact propagation.
    - ``"zlp-fit"``: a symmetric Pearson VII ZLP shape (power-law tails |E|^-2m) fitted, in log space, to
      the summed spectrum over the ZLP core and the fit windows (outside the phonon bands), then scaled
      per pixel by linear least squares over the fit windows; the scale's variance times the shape
      squared is the background variance.

    Default windows (``fit_windows_mev=None``; see :func:`default_fit_windows`), |E| in meV on both sides:
    2 to 3 x the ZLP FWHM (just outside the core), and the top 15 % of the |E| range present on both
    sides (above the phonons when the axis reaches far enough).  They are stored in ``windows_mev``.

    Parameters
    ----------
    data : EELSData
        Centred spectra (:func:`centre_zlp`), counts shape nav_shape + (n_channels,).
    model : {"power-law", "zlp-fit"}
        Background model.
    fit_windows_mev : sequence of (lo, hi), optional
        |E| windows in meV (0 < lo < hi, inside both sides of the axis) free of phonon signal.

    Returns
    -------
    Background
    """
    data = _check_data(data)
    if model not in BACKGROUND_MODELS:
        raise InputError(f"model must be one of {', '.join(BACKGROUND_MODELS)} (got {model!r})")
    if not is_centred(data):
        raise InputError("centre the zero-loss peak first (centre_zlp), so that E = 0 is the ZLP on every spectrum")
    if fit_windows_mev is None:
        windows: tuple[tuple[float, float], ...] = default_fit_windows(data)
    else:
        windows = check_fit_windows(fit_windows_mev, data)
    if model == "power-law":
        return _fit_power_law(data, windows)
    return _fit_zlp_shape(data, windows)


def subtract_background(data: EELSData, background: Background) -> EELSData:
    """Counts minus the background; the background's variance is added to the data's variance.

    Parameters
    ----------
    data : EELSData
        The spectra the background was fitted to.
    background : Background
        From :func:`fit_background` on ``data`` (same axis and shape).
    """
    data = _check_data(data)
    if not isinstance(background, Background):
        raise InputError(f"background must be a Background (from fit_background), got {type(background).__name__}")
    if background.counts.shape != data.counts.shape or not np.allclose(background.energy_mev, data.energy_mev):
        raise InputError(
            f"the background (shape {background.counts.shape}) was not fitted to these data (shape "
            f"{data.counts.shape}): fit it on the same spectra"
        )
    step = (
        f"subtracted the {background.model} ZLP-tail background (both sides, fitted on |E| in "
        + format_windows(background.windows_mev)
        + ")"
    )
    return data.replace(
        step,
        counts=data.counts - background.counts,
        variance=data.variance + background.variance,
        background=background,
    )


def remove_background(data: EELSData, model: str = "power-law", fit_windows_mev: Any = None) -> EELSData:
    """:func:`fit_background` then :func:`subtract_background` (see there for the models and windows)."""
    return subtract_background(data, fit_background(data, model=model, fit_windows_mev=fit_windows_mev))


# ----------------------------------------------------------------------------------------------------------
# binning and summing
# ----------------------------------------------------------------------------------------------------------


def check_factor(factor: Any, name: str) -> int:
    if isinstance(factor, bool) or not isinstance(factor, (int, np.integer)) or factor < 1:
        raise InputError(f"{name} must be an integer >= 1 (got {factor!r})")
    return int(factor)


def bin_channels(data: EELSData, factor: int) -> EELSData:
    """Sum groups of ``factor`` neighbouring energy channels (counts and variances add).

    Raw data: ``factor`` must divide the number of channels.  Centred data (:func:`centre_zlp`): the groups
    are centred on E = 0, so the gain/loss pairing stays exact; this needs an odd ``factor``, and the
    channels at the ends that do not fill a whole group are dropped (said in ``steps``).

    Parameters
    ----------
    data : EELSData
        Spectra, counts shape nav_shape + (n_channels,).
    factor : int
        Channels per bin, >= 1.
    """
    data = _check_data(data)
    f = check_factor(factor, "factor")
    if f == 1:
        return data
    n = data.n_channels
    if is_centred(data):
        if f % 2 == 0:
            raise InputError(
                f"factor={f}: centred spectra are binned in groups centred on E = 0, which needs an odd factor "
                "(an even one would break the pairing of gain and loss channels)"
            )
        k = np.round(data.energy_mev / data.channel_width_mev).astype(int)
        half = f // 2
        m_lo = -((-(k[0] + half)) // f)  # ceil((k0 + half) / f): first group wholly inside
        m_hi = (k[-1] - half) // f
        if m_hi - m_lo + 1 < 3:
            raise InputError(f"factor={f} leaves fewer than 3 channels of the {n} channels")
        start = (m_lo * f - half) - k[0]
        stop = start + (m_hi - m_lo + 1) * f
        dropped = n - (stop - start)
        sl = slice(start, stop)
        energy = np.arange(m_lo, m_hi + 1) * f * data.channel_width_mev
        note = f"; {dropped} end channels dropped" if dropped else ""
    else:
        if n % f:
            raise InputError(f"factor={f} does not divide the {n} energy channels (crop the axis first)")
        if n // f < 3:
            raise InputError(f"factor={f} leaves fewer than 3 of the {n} energy channels")
        sl = slice(0, n)
        energy = data.energy_mev.reshape(-1, f).mean(axis=1)
        note = ""
    shape = data.nav_shape + (-1, f)
    counts = data.counts[..., sl].reshape(shape).sum(axis=-1)
    variance = data.variance[..., sl].reshape(shape).sum(axis=-1)
    kappa = None
    if KAPPA_KEY in (data.metadata if hasattr(data.metadata, "keys") else {}):
        kappa = (f - 1 + centring_variance_ratio(data)) / f  # m channels: true var m k v + 2 (m-1)(1-k)/2 v
    return data.replace(
        f"binned energy channels by {f} (counts and variances summed){note}",
        energy_mev=energy,
        counts=counts,
        variance=variance,
        metadata=_with_kappa(data, kappa),
    )


def _nav_axis(data: EELSData, axis: Any, name: str) -> int:
    nav = data.nav_shape
    if not nav:
        raise InputError(f"{name}: a single spectrum has no probe-position axis")
    if isinstance(axis, str):
        if axis not in data.nav_names:
            raise InputError(f"{name}={axis!r}: the data have navigation axes {', '.join(data.nav_names)}")
        return data.nav_names.index(axis)
    if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)) or not -len(nav) <= axis < len(nav):
        raise InputError(
            f"{name}={axis!r}: the data have {len(nav)} navigation axes ({', '.join(data.nav_names)}); give a name "
            f"or an index from {-len(nav)} to {len(nav) - 1}"
        )
    return int(axis) % len(nav)


def bin_positions(data: EELSData, factor: int, axis: int | str = -1) -> EELSData:
    """Sum groups of ``factor`` neighbouring probe positions along one navigation axis.

    Parameters
    ----------
    data : EELSData
        A line scan or an image.
    factor : int
        Positions per bin, >= 1; must divide the number of positions along ``axis``.
    axis : int or str
        Navigation axis (index among the navigation axes, or its name "x"/"y"); default the last.

    The counts and variances are summed; the new position is the mean of the group's positions (nm).
    """
    data = _check_data(data)
    f = check_factor(factor, "factor")
    ax = _nav_axis(data, axis, "axis")
    n = data.nav_shape[ax]
    if n % f:
        raise InputError(f"factor={f} does not divide the {n} positions along {data.nav_names[ax]!r}")
    if f == 1:
        return data
    shape = data.nav_shape[:ax] + (n // f, f) + data.nav_shape[ax + 1 :] + (data.n_channels,)
    counts = data.counts.reshape(shape).sum(axis=ax + 1)
    variance = data.variance.reshape(shape).sum(axis=ax + 1)
    positions = list(data.positions_nm)
    positions[ax] = positions[ax].reshape(-1, f).mean(axis=1)
    kappa = _kappa_summed(
        data, lambda a: a.reshape(data.nav_shape[:ax] + (n // f, f) + data.nav_shape[ax + 1 :]), ax + 1
    )
    return data.replace(
        f"binned probe positions along {data.nav_names[ax]!r} by {f} (counts and variances summed)",
        counts=counts,
        variance=variance,
        positions_nm=tuple(positions),
        metadata=_with_kappa(data, kappa),
    )


def sum_along(data: EELSData, axis: int | str) -> EELSData:
    """Sum the spectra along one navigation axis (e.g. parallel to the interface): an image -> a line scan.

    Parameters
    ----------
    data : EELSData
        A line scan or an image.
    axis : int or str
        The navigation axis to sum over (its name, "x" or "y", or its index among the navigation axes).

    Counts and variances add; the remaining axes keep their positions and names.
    """
    data = _check_data(data)
    ax = _nav_axis(data, axis, "axis")
    name = data.nav_names[ax]
    n = data.nav_shape[ax]
    return data.replace(
        f"summed the {n} spectra along {name!r}",
        counts=data.counts.sum(axis=ax),
        variance=data.variance.sum(axis=ax),
        positions_nm=tuple(p for i, p in enumerate(data.positions_nm) if i != ax),
        nav_names=tuple(nm for i, nm in enumerate(data.nav_names) if i != ax),
        metadata=_with_kappa(data, _kappa_summed(data, lambda a: a, ax)),
    )


# ----------------------------------------------------------------------------------------------------------
# the chain
# ----------------------------------------------------------------------------------------------------------


def preprocess(
    data: EELSData,
    *,
    centre: bool = True,
    background: str | None = "power-law",
    fit_windows_mev: Any = None,
    bin_energy: int = 1,
    bin_position: int = 1,
    sum_axis: int | str | None = None,
) -> EELSData:
    """The standard chain: centre -> sum along an axis -> bin positions -> remove background -> bin energy.

    Each step is recorded in ``steps``.  Summing and position binning come before the background fit so it
    sees more counts; energy binning comes last so the centring and the fit use the finest channels.

    Parameters
    ----------
    data : EELSData
        Raw spectra.
    centre : bool
        Centre the ZLP of every spectrum (:func:`centre_zlp`); skipped for data already centred.
    background : {"power-law", "zlp-fit"} or None
        Background model (:func:`fit_background`); None keeps the ZLP tail.
    fit_windows_mev : sequence of (lo, hi), optional
        Background windows of |E| in meV (default: see :func:`default_fit_windows`).
    bin_energy : int
        Energy channels per bin (odd for centred data; :func:`bin_channels`).
    bin_position : int
        Probe positions per bin along the last navigation axis (:func:`bin_positions`).
    sum_axis : str or int, optional
        Navigation axis to sum over (:func:`sum_along`), e.g. "y" for an interface along y.
    """
    data = _check_data(data)
    if background is not None and background not in BACKGROUND_MODELS:
        raise InputError(f"background must be one of {', '.join(BACKGROUND_MODELS)} or None (got {background!r})")
    check_factor(bin_energy, "bin_energy")
    check_factor(bin_position, "bin_position")
    if sum_axis is not None:
        _nav_axis(data, sum_axis, "sum_axis")
    if bin_position > 1 and not data.nav_shape:
        raise InputError("bin_position: a single spectrum has no probe-position axis")
    if background is not None and not centre and not is_centred(data):
        raise InputError("background removal needs centred spectra: keep centre=True")
    if centre and not is_centred(data):
        data = centre_zlp(data)
    if sum_axis is not None:
        data = sum_along(data, sum_axis)
    if bin_position > 1:
        data = bin_positions(data, bin_position, axis=-1)
    if background is not None:
        data = remove_background(data, model=background, fit_windows_mev=fit_windows_mev)
    if bin_energy > 1:
        data = bin_channels(data, bin_energy)
    return data
