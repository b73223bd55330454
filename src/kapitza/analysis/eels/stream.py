"""Temperature maps of spectrum images of any size, read in bounded chunks of rows.

The image may be an in-memory :class:`~.data.EELSData` or a :class:`LazyEELSData`, whose counts are any array
sliceable along the first navigation axis: a dask array (``read_eels_lazy``, rosettasciio's ``lazy=True``), an
``np.memmap``, an h5py dataset.

**The default (``background="joint"``): the calibrated estimator, one pass.**  :func:`stream_temperature_map` reads a
chunk of rows (``chunk_mb``), hands its pixels in blocks to the estimator core (:func:`~.core.map_block`: each
spectrum centred on its own zero-loss peak, neighbouring pixels binned if asked, the joint tail + detailed-balance fit)
and writes the temperatures.  Nothing is summed over pixels, so every pixel's numbers are those of
:func:`~.joint.fit_joint_temperature` on its spectrum alone; memory: one chunk, one block's arrays per worker, the
results (:func:`memory_estimate` states the total).  The pages of a numpy memory map are released after each chunk.

**The old chain, kept as an explicit option** (``background="power-law"``, ``"zlp-fit"`` or None: a subtracted
tail and the ratio fit): :func:`stream_temperature_map` then gives the temperatures and errors of
``fit_temperature(preprocess(data, ...), window)`` (centre -> bin positions -> background -> gain/loss fit, see
:mod:`.preprocess` and :mod:`.temperature`) without ever holding more than one chunk of the image, as raw counts or
as any full-size temporary, in the passes below (the sections that follow describe this path only).

Passes (each reads the image once, chunk by chunk of whole rows):

1. **ZLP positions.**  Per pixel: the highest channel and the 11 channels around it (what the sub-channel
   log-parabola needs for any half width up to 5 channels); the raw summed spectrum.  After the pass: the half
   width from the summed spectrum, every pixel's zero-loss-peak position, and the common centred axis (the
   channels every pixel covers after its shift) -- the first half of the two-pass centring.
2. **The summed centred spectrum** (only with a background: its FWHM places the power law's core and the
   default fit windows; the ZLP-shape model is fitted to it).  For the power law the shifted channels of a chunk
   are summed without being stored (:func:`~.preprocess.shifted_sum`); for the ZLP shape each chunk is shifted
   (the second half of the centring) and summed in the whole-image chain's order.
3. *(only without a window)* the summed centred, background-subtracted spectrum, for
   :func:`~.temperature.auto_window`.
4. **The map.**  Each chunk is shifted onto the common axis *only at the channels the fits read* (the
   background fit windows and the window's gain/loss pairs: a shifted channel needs two raw channels), the
   background fitted there and evaluated at the pairs, and the temperatures fitted
   (:func:`~.temperature.window_fit`).

Equality with the whole-image chain: every per-pixel step is the same code on the same numbers, so the two
agree to rounding: the sums over channels are matrix-vector products, whose rounding may depend on how many
rows they hold; the raw summed spectrum of pass 1 (only its half width in whole channels is read) and, for
the power law, the summed centred spectrum of pass 2 (only its FWHM is read) are added in another order
than the whole image's; and the power law's Newton fit stops when *every* pixel of a block has converged
(relative step < 1e-10), so a pixel can take one more (quadratically smaller) step in one chunking than in
another.  The ZLP-shape fit, whose parameters move by about 1e-9 when its summed spectrum changes in the last
bit, gets that sum in the whole image's order.  ``tests/analysis/eels/test_eels_stream.py`` holds the two to
1e-12; measured on the 128 x 128 benchmark image (benchmarks/eels.py): 7.8e-16 in T and 1.7e-13 in its
error.

Speed: the fits run on blocks of 256 pixels (few numpy calls per pixel; their temporaries stay in the processor's
cache); the channels a chunk needs are shifted as slices of runs of consecutive channels; the power law's start table
and the fit channels' logarithms are made once per map (:func:`_columns`).

Memory: one chunk of raw counts and variances (``chunk_mb``, default :data:`DEFAULT_CHUNK_MB`) plus
temporaries of the shifted channels (a fraction of a chunk) and per-pixel results (22 numbers per pixel from
pass 1, a few per pixel after).  Not supported here (use the whole-image chain): summing along an axis, energy
binning, line scans.
"""

from __future__ import annotations

import dataclasses
import math
import mmap
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..._backend import NUMPY, Backend, select_backend
from ...errors import InputError
from ...io.results import result
from .data import EELSData, LazyEELSData, check_noise_model
from .preprocess import (
    BACKGROUND_MODELS,
    CENTRED_STEP,
    Background,
    around_peak,
    centred_axis,
    check_factor,
    check_fit_windows,
    format_windows,
    half_width_channels,
    is_centred,
    is_uniform,
    peak_fwhm,
    peak_vertex,
    power_law_core,
    power_law_side,
    power_law_table,
    power_law_values,
    shift_many,
    shift_rows,
    shifted_sum,
    window_mask,
    windows_from_fwhm,
    zlp_scale,
    zlp_shape,
)
from .results import TemperatureMap
from .tails import DEFAULT_FAMILIES
from .temperature import (
    auto_window,
    check_window,
    detector_gain,
    power_law_propagation,
    window_fit,
    window_pairs,
)

#: The calibrated estimator (the default): the zero-loss-peak tail fitted with the temperature, per pixel.
JOINT = "joint"
#: Suffixes read lazily (rosettasciio's dask arrays) by :func:`~.read.read_eels_lazy`.
LAZY_SUFFIXES = (".dm3", ".dm4", ".emd", ".hspy")
#: Default raw data per chunk, MB (counts and variances as float64 together).
DEFAULT_CHUNK_MB = 64.0
#: Channels kept around each pixel's highest channel in pass 1 (the largest half width of the ZLP fit).
_MAX_HALF = 5
#: Pixels per block of the fits (whole bins of positions): large enough that numpy's fixed cost per call is small,
#: small enough for the temporaries to stay in cache (measured on the 2-core development machine, 128 x 128 x 2048
#: image, 2026-11-24: 64 pixels 41-43 us per pixel, 128-512 33-37, 1024 37).
_FIT_PIXELS = 256


# ----------------------------------------------------------------------------------------------------- reading


def _noise(data: EELSData | LazyEELSData) -> tuple[float, float]:
    meta = data.metadata if isinstance(data.metadata, Mapping) else {}
    gain, read = meta.get("detector_gain", 1.0), meta.get("read_noise", 0.0)
    try:
        gain, read = float(gain), float(read)
    except (TypeError, ValueError):
        return 1.0, 0.0
    return (gain if math.isfinite(gain) and gain > 0 else 1.0), (read if math.isfinite(read) and read >= 0 else 0.0)


def _row_chunks(data: EELSData | LazyEELSData, chunk_mb: float) -> list[slice]:
    """Chunks of whole rows holding at most ``chunk_mb`` MB of raw counts and variances (float64), >= 1 row."""
    ny, nx = data.nav_shape
    per_row = nx * data.n_channels * 16  # counts and variances, float64
    rows = max(1, int(chunk_mb * 1e6 // per_row))
    return [slice(r, min(r + rows, ny)) for r in range(0, ny, rows)]


def _read_rows(data: EELSData | LazyEELSData, rows: slice) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Counts and variances of the pixels in ``rows``, flat (n_pix, n_channels) float64, checked."""
    n = data.n_channels
    counts = np.asarray(data.counts[rows], dtype=float).reshape(-1, n)
    if isinstance(data, EELSData):
        return counts, np.asarray(data.variance[rows]).reshape(-1, n)
    where = f"rows {rows.start}..{rows.stop - 1} of {data.source}"
    if not np.all(np.isfinite(counts)):
        raise InputError(f"the counts contain NaN or infinite values ({where})")
    if np.any(counts < 0):
        raise InputError(f"negative counts ({float(counts.min()):g}, {where}): raw spectra must be >= 0")
    if data.variance is None:
        gain, read = _noise(data)
        return counts, gain * counts + read**2
    var = np.asarray(data.variance[rows], dtype=float).reshape(-1, n)
    if not np.all(np.isfinite(var)) or np.any(var < 0):
        raise InputError(f"the variances must be finite and >= 0 ({where})")
    return counts, var


def _chunks(data: EELSData | LazyEELSData, plan: _Plan) -> Iterator[tuple[slice, NDArray, NDArray]]:
    for rows in plan.rows:
        c, v = _read_rows(data, rows)
        yield rows, c, v


def with_lazy_noise_model(data: LazyEELSData, detector_gain: float, read_noise: float) -> LazyEELSData:
    """``data`` with its variances made per chunk as detector_gain * counts + read_noise**2 (the noise model of
    :func:`~.data.with_noise_model`, recorded in ``metadata`` and ``steps``)."""
    check_noise_model(detector_gain, read_noise)
    return dataclasses.replace(
        data,
        variance=None,
        metadata={**dict(data.metadata), "detector_gain": float(detector_gain), "read_noise": float(read_noise)},
        steps=(*data.steps, f"variance = {detector_gain:g} x counts + {read_noise:g}^2 (detector gain, read noise)"),
    )


class _Accumulator:
    """Sum over rows in the order ``ndarray.sum(axis=0)`` adds them (one row after another), chunk by chunk."""

    def __init__(self) -> None:
        self.total: NDArray[np.float64] | None = None

    def add(self, rows: NDArray[np.float64]) -> None:
        if self.total is None:
            self.total = rows.sum(axis=0)
            return
        stacked = np.empty((rows.shape[0] + 1, rows.shape[1]))
        stacked[0] = self.total
        stacked[1:] = rows
        self.total = stacked.sum(axis=0)


# ------------------------------------------------------------------------------------------------------ plan


@dataclasses.dataclass
class _Plan:
    """What the passes find: chunks, shifts, the centred axis, windows and the background's global parts."""

    rows: list[slice]
    shifts: NDArray[np.float64]
    k: NDArray[np.int64]
    width: float
    bin_position: int
    model: str | None
    windows: tuple[tuple[float, float], ...] = ()
    core: float = 0.0
    shape: NDArray[np.float64] | None = None
    steps: list[str] = dataclasses.field(default_factory=list)
    cache: dict[bytes, Any] = dataclasses.field(default_factory=dict)

    @property
    def energy(self) -> NDArray[np.float64]:
        return self.k * self.width


def _bin(rows: NDArray[np.float64], nx: int, f: int) -> NDArray[np.float64]:
    """Sum groups of ``f`` neighbouring pixels along x of flat pixels (n, m), as bin_positions does (n a multiple of
    ``f`` starting at a group: ``nx`` is a multiple of ``f``, so groups never straddle two rows)."""
    if f == 1:
        return rows
    m = rows.shape[1]
    return rows.reshape(-1, f, m).sum(axis=1)


def _zlp_pass(data: EELSData | LazyEELSData, rows: list[slice]) -> tuple[NDArray[np.float64], NDArray, bool]:
    """Pass 1: every pixel's zero-loss-peak position (meV), as :func:`~.preprocess.zlp_position` finds it; the raw
    summed spectrum; whether every count is >= 0 (always so for a LazyEELSData, whose reads refuse negative
    counts)."""
    n = data.n_channels
    n_pix = int(np.prod(data.nav_shape))
    top = np.empty(n_pix, dtype=np.intp)
    cw = np.empty((n_pix, 2 * _MAX_HALF + 1))
    vw = np.empty_like(cw)
    raw = np.zeros(n)  # only its half width in whole channels is read: the order of the sum does not matter
    positive = False
    nonnegative = True
    start = 0
    for sl in rows:
        c, v = _read_rows(data, sl)
        stop = start + c.shape[0]
        positive = positive or bool(np.any(c > 0))
        nonnegative = nonnegative and (isinstance(data, LazyEELSData) or float(c.min()) >= 0.0)
        raw += c.sum(axis=0)
        top[start:stop] = np.argmax(c, axis=1)
        cw[start:stop], vw[start:stop] = around_peak(c, v, top[start:stop], _MAX_HALF)
        start = stop
    if not positive:
        raise InputError("no zero-loss peak found: all counts are zero")
    half = min(max(1, half_width_channels(raw)), _MAX_HALF)
    keep = slice(_MAX_HALF - half, _MAX_HALF + half + 1)
    index = peak_vertex(top, cw[:, keep], vw[:, keep], half, n)
    return np.interp(index, np.arange(n, dtype=float), data.energy_mev), raw, nonnegative


def _axis_data(energy: NDArray[np.float64], steps: Sequence[str]) -> EELSData:
    """A one-spectrum EELSData of zeros on the centred axis: for the checks that read only the axis."""
    z = np.zeros(energy.size)
    return EELSData(energy_mev=energy, counts=z, variance=z, steps=tuple(steps))


def _centred_sum(
    data: EELSData | LazyEELSData, plan: _Plan, exact: bool, channels: NDArray[np.int64] | None = None
) -> NDArray[np.float64]:
    """Pass 2: the summed centred counts (at the centred ``channels`` alone, default all of ``plan.k``, when not
    ``exact``).

    ``exact``: in the order the whole-image chain adds them (each chunk shifted and binned as the chain does, the
    rows summed one after another), for the ZLP-shape fit, whose parameters move by about 1e-9 when the sum changes
    in its last bit.  Otherwise (only its FWHM is read) :func:`~.preprocess.shifted_sum` of each chunk: the same
    sum without storing the shifted channels, in another order (binning positions does not change a sum over all
    of them).
    """
    acc = _Accumulator()
    k = plan.k if channels is None else channels
    total = np.zeros(k.size)
    nx = data.nav_shape[1]
    start = 0
    for _rows, c, _v in _chunks(data, plan):
        sh = plan.shifts[start : start + c.shape[0]]
        start += c.shape[0]
        if exact:
            acc.add(_bin(shift_rows(c, sh, data.energy_mev, plan.width, plan.k), nx, plan.bin_position))
        else:
            total += shifted_sum(c, sh, data.energy_mev, plan.width, k)
    return acc.total if acc.total is not None else total


def _centred_fwhm(data: EELSData | LazyEELSData, plan: _Plan, raw: NDArray, nonnegative: bool) -> float:
    """The FWHM (meV) of the summed centred spectrum (pass 2 for the power law), summing only the channels
    around 0 where they settle it.

    With counts >= 0 on a uniform axis, a centred channel k of any pixel with whole-channel shift b in
    [b_min, b_max] is at most the sum of its raw channels b + k and b + k + 1, so the summed centred channel k is
    at most the raw summed channels b_min + k .. b_max + k + 1 added up.  Only the channels within 4 raw half
    widths (plus the spread of the shifts) of 0 are summed; where every other channel's bound lies below their
    highest value, and both half-maximum crossings lie among them, the FWHM is that of the whole spectrum
    (:func:`~.preprocess.peak_fwhm` reads nothing else).  Otherwise every channel is summed.
    """
    e, k = plan.energy, plan.k
    if nonnegative and is_uniform(data.energy_mev, plan.width):
        base = np.floor((plan.shifts - data.energy_mev[0]) / plan.width).astype(np.intp)
        b_min, b_max = int(base.min()), int(base.max())
        reach = 4 * half_width_channels(raw) + (b_max - b_min) + 4
        centre = int(np.argmin(np.abs(k)))
        lo, hi = max(0, centre - reach), min(k.size, centre + reach + 1)
        cum = np.concatenate(([0.0], np.cumsum(raw)))
        first = np.clip(b_min + k, 0, raw.size)
        last = np.clip(b_max + k + 2, 0, raw.size)
        bound = cum[last] - cum[first]
        bound[lo:hi] = -np.inf
        part = _centred_sum(data, plan, exact=False, channels=k[lo:hi])
        if float(bound.max()) < (1.0 - 1e-9) * float(part.max()):
            try:
                return peak_fwhm(e[lo:hi], part)
            except InputError:  # a half-maximum crossing beyond the channels summed
                pass
    return peak_fwhm(e, _centred_sum(data, plan, exact=False))


def _plan(
    data: EELSData | LazyEELSData,
    model: str | None,
    fit_windows_mev: Any,
    bin_position: int,
    chunk_mb: float,
) -> _Plan:
    width = data.channel_width_mev
    rows = _row_chunks(data, chunk_mb)
    shifts, raw, nonnegative = _zlp_pass(data, rows)
    k = centred_axis(data.energy_mev, width, float(shifts.min()), float(shifts.max()))
    plan = _Plan(rows=rows, shifts=shifts, k=k, width=width, bin_position=bin_position, model=model)
    e = plan.energy
    plan.steps.append(
        f"{CENTRED_STEP} of each spectrum (sub-channel log-parabola, sum-preserving linear shift of counts and "
        f"variances); shifts {float(shifts.min()):g} to {float(shifts.max()):g} meV; axis {float(e[0]):g}"
        f" to {float(e[-1]):g} meV in steps of {width:g} meV"
    )
    if bin_position > 1:
        plan.steps.append(
            f"binned probe positions along {data.nav_names[-1]!r} by {bin_position} (counts and variances summed)"
        )
    if model is None:
        return plan
    summed = _centred_sum(data, plan, exact=True) if model == "zlp-fit" else None
    fwhm: list[float] = []  # found once, when first needed

    def centred_fwhm() -> float:
        if not fwhm:
            fwhm.append(peak_fwhm(e, summed) if summed is not None else _centred_fwhm(data, plan, raw, nonnegative))
        return fwhm[0]

    axis = _axis_data(e, plan.steps)
    if fit_windows_mev is None:
        plan.windows = windows_from_fwhm(e, centred_fwhm())
    else:
        plan.windows = check_fit_windows(fit_windows_mev, axis)
    if model == "power-law":
        plan.core = power_law_core(plan.windows, centred_fwhm())
        for side, sel in (("gain", e < 0), ("loss", e > 0)):
            if np.count_nonzero(sel & window_mask(np.abs(e), plan.windows)) < 3:
                raise InputError(
                    f"the background fit windows {format_windows(plan.windows)} hold fewer than 3 channels on the "
                    f"{side} side"
                )
    else:
        assert summed is not None
        plan.shape, _ = zlp_shape(e, summed, plan.windows)
        if np.count_nonzero(window_mask(np.abs(e), plan.windows)) < 2:
            raise InputError(f"the background fit windows {format_windows(plan.windows)} hold fewer than 2 channels")
    plan.steps.append(
        f"subtracted the {model} ZLP-tail background (both sides, fitted on |E| in "
        + format_windows(plan.windows)
        + ")"
    )
    return plan


# ------------------------------------------------------------------------------------------------ the chunks


def _columns(plan: _Plan, cols: NDArray[np.intp]) -> tuple[Any, ...]:
    """The centred channels a chunk needs for ``cols`` and the background fit, and where each set sits in them; for
    the power law, per side, the fit channels' ln|E|, their start table (:func:`~.preprocess.power_law_table`) and
    the ln|E| where the background is evaluated (the same for every block: found once)."""
    key = cols.tobytes()
    if key in plan.cache:
        return plan.cache[key]
    e = plan.energy
    abs_e = np.abs(e)
    mask = window_mask(abs_e, plan.windows) if plan.model is not None else np.zeros(e.size, dtype=bool)
    where: dict[str, Any] = {}  # index arrays, or slices where consecutive
    logs: dict[str, tuple[Any, ...]] = {}
    if plan.model == "power-law":
        fit = {side: np.flatnonzero(sel & mask) for side, sel in (("gain", e < 0), ("loss", e > 0))}
        where = {
            side: np.flatnonzero(sel[cols] & (abs_e[cols] >= plan.core))
            for side, sel in (("gain", e < 0), ("loss", e > 0))
        }
        for side, js in fit.items():
            x = np.log(abs_e[js])
            logs[side] = (x, power_law_table(x), np.log(abs_e[cols[where[side]]]))
            w = where[side]
            if w.size and int(w[-1] - w[0]) + 1 == w.size:  # consecutive: a slice (no gather, no scatter)
                where[side] = slice(int(w[0]), int(w[-1]) + 1)
    elif plan.model == "zlp-fit":
        fit = {"all": np.flatnonzero(mask)}
    else:
        fit = {}
    need = np.unique(np.concatenate([cols, *fit.values()]))
    pos = {name: _runs(np.searchsorted(need, js)) for name, js in (*fit.items(), ("cols", cols))}
    plan.cache[key] = (need, fit, where, pos, logs)
    return plan.cache[key]


def _runs(p: NDArray[np.intp]) -> list[tuple[int, int, slice]]:
    """``p`` as runs of step +1 or -1: (first, stop) in ``p`` and the slice of the indices they hold."""
    out = []
    i = 0
    while i < p.size:
        j = i + 1
        step = int(p[j] - p[i]) if j < p.size and abs(int(p[j] - p[i])) == 1 else 1
        while j < p.size and int(p[j] - p[j - 1]) == step:
            j += 1
        stop = int(p[j - 1]) + step
        out.append((i, j, slice(int(p[i]), stop if stop >= 0 else None, step)))
        i = j
    return out


def _take(a: NDArray[np.float64], runs: list[tuple[int, int, slice]]) -> NDArray[np.float64]:
    """``a[:, p]`` for the runs of :func:`_runs`, C-ordered (the pixels' rows contiguous, as the fits read them)."""
    if len(runs) == 1:
        return np.ascontiguousarray(a[:, runs[0][2]])
    out = np.empty((a.shape[0], runs[-1][1]))
    for i, j, sl in runs:
        out[:, i:j] = a[:, sl]
    return out


def _subtracted(
    c: NDArray[np.float64],
    v: NDArray[np.float64],
    shifts: NDArray[np.float64],
    energy_raw: NDArray[np.float64],
    plan: _Plan,
    nx: int,
    cols: NDArray[np.intp],
) -> dict[str, Any]:
    """One chunk centred, binned and background-subtracted at the centred channels ``cols`` (indices into k).

    Returns counts and variances (n_pix, len(cols)) after subtraction, the background's counts and variances
    there, and for the power law the (ln A, r) covariances per side.
    """
    need, fit, where, pos, logs = _columns(plan, cols)
    cc, vv = shift_many((c, v), shifts, energy_raw, plan.width, plan.k, need)
    np.maximum(vv, 0.0, out=vv)
    cc, vv = _bin(cc, nx, plan.bin_position), _bin(vv, nx, plan.bin_position)
    n_pix = cc.shape[0]
    bc = np.zeros((n_pix, cols.size))
    bv = np.zeros((n_pix, cols.size))
    cov: dict[str, NDArray[np.float64]] = {}
    if plan.model == "power-law":
        for side in ("gain", "loss"):
            p = pos[side]
            x, table, x_eval = logs[side]
            a, r, cov[side], _ = power_law_side(_take(cc, p), _take(vv, p), x, with_chi2=False, table=table)
            w = where[side]
            bc[:, w], bv[:, w] = power_law_values(a, r, cov[side], x_eval)
    elif plan.model == "zlp-fit":
        assert plan.shape is not None
        p = pos["all"]
        s, var_s = zlp_scale(_take(cc, p), _take(vv, p), plan.shape[fit["all"]])
        bc = s[:, None] * plan.shape[cols][None, :]
        bv = var_s[:, None] * plan.shape[cols][None, :] ** 2
    p = pos["cols"]
    return {"counts": _take(cc, p) - bc, "variance": _take(vv, p) + bv, "bg_counts": bc, "bg_variance": bv, "cov": cov}


def _auto_window(data: EELSData | LazyEELSData, plan: _Plan) -> tuple[float, float]:
    """Pass 3: the automatic window from the summed centred, subtracted spectrum (as fit_temperature finds it)."""
    cols = np.arange(plan.k.size)
    sums = {key: _Accumulator() for key in ("counts", "variance", "bg_counts", "bg_variance")}
    start = 0
    nx = data.nav_shape[1]
    for _rows, c, v in _chunks(data, plan):
        sh = plan.shifts[start : start + c.shape[0]]
        start += c.shape[0]
        out = _subtracted(c, v, sh, data.energy_mev, plan, nx, cols)
        for key, acc in sums.items():
            acc.add(out[key])
    total = {key: acc.total for key, acc in sums.items()}
    e = plan.energy
    background = None
    if plan.model is not None:
        # the summed background travels with the sum, as it does with the image: the check that the zero-loss
        # peak sits at 0 (centred_channels) leaves the background's own variance out of the summed variance
        background = Background(
            energy_mev=e,
            counts=total["bg_counts"],
            variance=total["bg_variance"],
            model=plan.model,
            windows_mev=plan.windows,
        )
    summed = EELSData(
        energy_mev=e,
        counts=total["counts"],
        variance=total["variance"],
        steps=tuple(plan.steps),
        background=background,
    )
    return auto_window(summed)


# ---------------------------------------------------------------------------------------------------- public


def _check_map_request(data: Any, bin_position: Any, chunk_mb: Any, workers: Any) -> tuple[int, int]:
    """The map's binning factor and worker count, checked with the chunk size and the image's pixels (both map
    paths: the joint fit and the subtracted background)."""
    f = check_factor(bin_position, "bin_position")
    if data.nav_shape[1] % f:
        raise InputError(f"bin_position={f} does not divide the {data.nav_shape[1]} positions along x")
    if isinstance(chunk_mb, bool) or not isinstance(chunk_mb, (int, float)) or not (0 < chunk_mb < math.inf):
        raise InputError(f"chunk_mb must be a finite number of MB > 0, got {chunk_mb!r}")
    workers = check_factor(workers, "workers")
    if 0 in data.nav_shape:
        raise InputError(f"the spectrum image has no pixels (navigation shape {data.nav_shape})")
    return f, workers


def stream_temperature_map(
    data: EELSData | LazyEELSData,
    window_mev: Sequence[float] | None = None,
    *,
    background: str | None = JOINT,
    fit_windows_mev: Any = None,
    region_mev: Sequence[float] | None = None,
    families: Sequence[str] = DEFAULT_FAMILIES,
    bin_position: int = 1,
    intercept: bool = False,
    chunk_mb: float = DEFAULT_CHUNK_MB,
    workers: int = 1,
    device: str = "cpu",
) -> TemperatureMap:
    """Temperature map of a spectrum image of any size, processed in chunks of rows (see the module docstring).

    Parameters
    ----------
    data : EELSData or LazyEELSData
        Spectrum image, navigation shape (ny, nx); counts (ny, nx, n_channels): raw (or, for the joint fit, an
        in-memory image centred already).
    window_mev : (lo, hi), optional
        ``|E|`` window, meV; default: the joint fit's automatic window, chosen per spectrum (with a subtracted
        background: :func:`~.temperature.auto_window` of the summed, preprocessed image).
    background : {"joint", "power-law", "zlp-fit"} or None
        ``"joint"`` (default): the calibrated estimator, the zero-loss-peak tail fitted with the temperature per
        pixel (:mod:`.joint`, one pass over the data; every pixel's numbers are those of
        :func:`~.joint.fit_joint_temperature` on that spectrum alone).  Otherwise the older chain, a subtracted
        ZLP tail (:func:`~.preprocess.fit_background`; None: no subtraction) and the ratio fit
        (:func:`~.temperature.fit_temperature`), kept as an explicit option: biased on tails it does not model
        (docs/reference/calibration.md, the "OLD default" rows).
    fit_windows_mev : sequence of (lo, hi), optional
        Background fit windows of a subtracted background, ``|E|`` in meV.
    region_mev, families
        The joint fit's region and tail families (:func:`~.joint.fit_joint_temperature`).
    bin_position : int
        Probe positions summed per bin along x (must divide nx).
    intercept : bool
        Subtracted background only: fit r = exp(c - E/k_B T) with a free c.
    chunk_mb : float
        Raw counts and variances (float64) per chunk, MB (> 0); at least one row of the image per chunk.  The
        whole process's memory is bounded by :func:`memory_estimate`.
    workers : int
        Threads fitting the blocks of a chunk (>= 1; the numbers do not depend on it).
    device : {"cpu", "gpu", "auto", "torch-cpu"} or "cuda:N"
        Where the joint fits' passes over the channel pairs run (:func:`kapitza._backend.select_backend`): numpy
        ("cpu", the default; "auto" without a GPU), torch on a GPU ("gpu", "auto" with one; larger blocks), torch
        on the CPU ("torch-cpu": the GPU's code without a GPU).  The temperatures are the same to far below 1e-9
        K; the result's ``device`` says which ran.  The subtracted-background estimators run on numpy only.

    Returns
    -------
    TemperatureMap
        Temperatures and errors (K), valid pixels, the window; ``steps`` say what was done, and in how many
        chunks.

    Raises
    ------
    InputError
        Bad arguments, unreadable chunks (NaN, negative counts), no pixel with a temperature (e.g. every pixel
        dark), with the reasons counted, or a GPU asked for where there is none.
    """
    backend = select_backend(device)
    if not isinstance(data, (EELSData, LazyEELSData)):
        raise InputError(f"data must be an EELSData or a LazyEELSData, got {type(data).__name__}")
    if len(data.nav_shape) != 2:
        raise InputError(
            f"a temperature map needs a spectrum image (2 navigation axes), got navigation shape {data.nav_shape}"
        )
    if background != JOINT and background is not None and background not in BACKGROUND_MODELS:
        raise InputError(
            f"background must be {JOINT!r}, one of {', '.join(BACKGROUND_MODELS)} or None (got {background!r})"
        )
    f, workers = _check_map_request(data, bin_position, chunk_mb, workers)
    if background != JOINT:
        if backend.name != "numpy":
            raise InputError(
                f"device {device!r}: the subtracted-background estimators run on numpy only (device 'cpu'); the "
                "joint fit (background='joint') runs on a GPU"
            )
        if region_mev is not None or tuple(families) != tuple(DEFAULT_FAMILIES):
            raise InputError("region_mev and families are for the joint fit (background='joint')")
        if isinstance(data, EELSData) and is_centred(data):
            raise InputError(
                "stream_temperature_map takes raw spectra; these are centred already (use temperature_map)"
            )
        return _stream_subtracted(
            data,
            window_mev,
            background=background,
            fit_windows_mev=fit_windows_mev,
            bin_position=f,
            intercept=intercept,
            chunk_mb=chunk_mb,
            workers=workers,
        )
    if fit_windows_mev is not None or intercept:
        raise InputError(
            "fit_windows_mev and intercept are for a subtracted background; the joint fit models the tail "
            "(give background='power-law' for them)"
        )
    return _stream_joint(data, window_mev, region_mev, families, f, float(chunk_mb), workers, backend)


def _stream_joint(
    data: EELSData | LazyEELSData,
    window_mev: Any,
    region_mev: Any,
    families: Any,
    f: int,
    chunk_mb: float,
    workers: int,
    backend: Backend = NUMPY,
) -> TemperatureMap:
    """The joint fit, one pass: read a chunk of rows, fit its blocks (stage 1 and 2 of :mod:`.core`), write."""
    from . import centring, core
    from .joint import centred_kappa, check_data, map_result, reason_summary, settings_for

    centred = None
    if isinstance(data, EELSData):
        check_data(data)
        centred = centred_kappa(data)
    st = settings_for(data, window_mev, region_mev, families)
    ny, nx = data.nav_shape
    n_out = ny * (nx // f)
    half = centring.grid_half(data.n_channels)
    keys = ("temperature", "temperature_err", "chi2_reduced", "window_lo", "window_hi")
    out: dict[str, Any] = {k: np.empty(n_out) for k in keys}
    out["valid"] = np.empty(n_out, dtype=bool)
    out["adequate"] = np.empty(n_out, dtype=bool)
    out["reason"] = np.empty(n_out, dtype=np.int64)
    rows = _row_chunks(data, chunk_mb)
    compiled = core.use_kernel(ny * nx // f, data.n_channels, backend)
    step = max(1, core.block_rows(data.n_channels, backend, compiled, ny * nx) // f) * f  # blocks of whole bins

    def fit_block(c: NDArray[np.float64], v: NDArray[np.float64], first: int) -> None:
        kap = None if centred is None else centred[first : first + c.shape[0]]
        res = core.map_block(
            c, v, data.energy_mev, st, half=half, bin_position=f, centred_kappa=kap, backend=backend,
            compiled=compiled,
        )  # fmt: skip
        o = first // f
        for key in out:
            out[key][o : o + res["valid"].size] = res[key]

    # blocks fitted in a pool of ``workers`` threads (numba's kernel and numpy's loops release the GIL)
    pool = ThreadPoolExecutor(max_workers=workers) if workers > 1 else None
    try:
        start = 0
        for sl in rows:
            c, v = _read_rows(data, sl)
            blocks = [(c[b : b + step], v[b : b + step], start + b) for b in range(0, c.shape[0], step)]
            start += c.shape[0]
            if pool is None:
                for block in blocks:
                    fit_block(*block)
            else:
                for done in [pool.submit(fit_block, *block) for block in blocks]:
                    done.result()
            del c, v, blocks
            _release(data, sl)
    finally:
        if pool is not None:
            pool.shutdown()
    if not out["valid"].any():
        why = "; ".join(f"{n} pixel(s): {text}" for text, n in reason_summary(out).items())
        raise InputError(f"no pixel of the {ny} x {nx // f} map has a temperature ({why})")
    positions = list(data.positions_nm)
    if f > 1:
        positions[1] = positions[1].reshape(-1, f).mean(axis=1)
    n_rows = rows[0].stop - rows[0].start
    steps = [
        "each spectrum centred on its own zero-loss peak (sub-channel log-parabola, sum-preserving shift)",
        *(
            [f"binned probe positions along {data.nav_names[-1]!r} by {f} (counts and variances summed)"]
            if f > 1
            else []
        ),
        f"streamed: {len(rows)} chunk(s) of up to {n_rows} rows, one pass over the data",
        f"fits on {backend.label}"
        + (f"; {core.COMPILED_STEP}" if compiled else "")
        + (f"; {workers} threads" if workers > 1 else ""),
    ]
    return map_result(out, st, (ny, nx // f), tuple(positions), data, steps, backend.label)


def _peak_bytes() -> int:
    """This process's peak resident memory so far (bytes; VmHWM of /proc/self/status), 0 where not known."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _resident_bytes() -> int:
    """This process's resident memory now (bytes): /proc/self/statm where there is one, else the peak so far."""
    try:
        with open("/proc/self/statm", encoding="ascii") as fh:
            return int(fh.read().split()[1]) * mmap.PAGESIZE
    except (OSError, ValueError, IndexError):
        import resource
        import sys

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return int(peak) * (1 if sys.platform == "darwin" else 1024)


#: float64 values of a block's working arrays per channel and spectrum: the centred grid (counts, variances and the
#: shift's index and weight temporaries) and the pairs' arrays of the fits.  Measured with tracemalloc on blocks of
#: 32-512 AlN spectra of 521-2048 channels, automatic window and 50:80 meV (core.map_block): 15.7-15.9; 18 stated.
_WORK_VALUES_PER_CHANNEL = 18
#: The same with the evaluations compiled (:mod:`.kernel`: one scratch array instead of about ten), on blocks of
#: 512-2048 spectra of 512-2048 channels: 11.7-11.8; 13 stated.
_COMPILED_WORK_VALUES_PER_CHANNEL = 13
#: Bytes per output pixel: the result arrays while the map is filled and the frozen copies of the result.
_OUTPUT_BYTES_PER_PIXEL = 160
#: The allocator's and the numerical libraries' own memory during a map (arenas of the worker threads, LAPACK and
#: einsum workspaces): without it the statement fell up to 5 MB short of the measured peak (benchmarks/eels.py).
_SLACK_BYTES = 16_000_000
#: More of numba's runtime than :func:`.kernel.warm` makes resident (its dispatcher's paths, the machine code's
#: pages as the map first runs them): with the compiled kernel the statement fell 1 MB short of the measured peak
#: with only the slack above (benchmarks/eels.py, a 64 MB chunk of a memory-mapped 64 x 64 x 2048 image).
_KERNEL_SLACK_BYTES = 32_000_000


@result
class MemoryEstimate:
    """The peak resident memory of :func:`stream_temperature_map` in total: this process, all its threads.

    Attributes
    ----------
    total_bytes : int
        The statement (bytes): the larger of ``peak_bytes`` and base + chunk + work + output.
    peak_bytes : int
        The process's peak resident memory before the map (reading a file whole peaks above what stays).
    base_bytes : int
        Resident now, before the map (interpreter, libraries, the image itself when read whole), plus a fixed 16 MB
        for the allocator's and the libraries' own memory during the map.
    chunk_bytes : int
        One chunk of rows: as read (a lazy file's dtype) and as float64 counts and variances.
    work_bytes : int
        The working arrays of the fits, per block of spectra, times the worker threads.
    output_bytes : int
        The map's arrays.
    words : str
        The statement in words.
    """

    total_bytes: int
    base_bytes: int
    chunk_bytes: int
    work_bytes: int
    output_bytes: int
    words: str = ""
    peak_bytes: int = 0


def memory_estimate(
    data: EELSData | LazyEELSData,
    *,
    chunk_mb: float = DEFAULT_CHUNK_MB,
    workers: int = 1,
    bin_position: int = 1,
    device: str = "cpu",
) -> MemoryEstimate:
    """The bound on the peak resident memory (the operating system's count, in total: this process and its worker
    threads) of the joint map of ``data`` by :func:`stream_temperature_map` with these settings.

    Measured against the peak resident memory of fresh processes by ``benchmarks/eels.py`` (the estimate above the
    measured peak and within 2x of it, for images in memory, memory-mapped and read lazily).
    """
    from . import core, joint, kernel, results  # noqa: F401  (loaded now: the resident memory below includes them)

    ny, nx = data.nav_shape[:2] if len(data.nav_shape) == 2 else (1, max(1, int(np.prod(data.nav_shape))))
    n = data.n_channels
    backend = select_backend(device)
    pixels = ny * (nx // max(1, int(bin_position)))  # of the map
    slack = _SLACK_BYTES
    compiled = core.use_kernel(pixels, n, backend)
    if compiled:
        kernel.warm()  # numba and the compiled kernel resident before the count below
        slack += _KERNEL_SLACK_BYTES
    rows = _row_chunks(data, chunk_mb)
    chunk_rows = rows[0].stop - rows[0].start
    values = chunk_rows * nx * n
    if isinstance(data, LazyEELSData):
        itemsize = int(getattr(getattr(data.counts, "dtype", None), "itemsize", 8))
        # as read (file dtype) + float64 counts and variances + the variance's temporary
        chunk = values * (itemsize + 24) + (0 if data.variance is None else values * (itemsize + 8))
    else:
        chunk = values * 16 if data.counts.dtype != np.float64 else 0  # views of the image otherwise
    # on a GPU the blocks are larger (core.block_rows); their host-side arrays (the pairs, the first pass's
    # variances) are counted as a CPU block's are; the device's own memory is not part of this statement
    block = min(core.block_rows(n, backend, compiled, ny * nx), chunk_rows * nx)
    per_value = _COMPILED_WORK_VALUES_PER_CHANNEL if compiled else _WORK_VALUES_PER_CHANNEL
    work = int(workers) * block * n * 8 * per_value
    output = pixels * _OUTPUT_BYTES_PER_PIXEL
    base = _resident_bytes() + slack
    before = _peak_bytes()
    during = base + chunk + work + output
    total = max(before, during)
    words = (
        f"peak resident memory at most ~{total / 1e6:.0f} MB in total (this process and its {int(workers)} worker "
        f"thread(s)): the larger of the peak before the map ({before / 1e6:.0f} MB, reading the data) and "
        f"{base / 1e6:.0f} MB resident before the map + {chunk / 1e6:.0f} MB per chunk of {chunk_rows} rows + "
        f"{work / 1e6:.0f} MB of fit arrays + {output / 1e6:.0f} MB of results"
    )
    return MemoryEstimate(total, base, chunk, work, output, words, before)


def _release(data: EELSData | LazyEELSData, rows: slice) -> None:
    """Drop the pages of a memory-mapped image's rows from this process once read (the kernel reads them again
    if asked): without it a map streamed from an ``np.memmap`` keeps every page it read resident, and the
    resident memory grows to the file's size.  Only for numpy memory maps; anything else is left alone."""
    if not isinstance(data, LazyEELSData):
        return
    for arr in (data.counts, data.variance):
        mm = getattr(arr, "_mmap", None)
        if mm is None or not hasattr(mm, "madvise") or not hasattr(mmap, "MADV_DONTNEED"):
            continue
        try:
            base_ptr = np.asarray(arr).__array_interface__["data"][0]
            row_bytes = int(np.prod(arr.shape[1:])) * arr.itemsize
            map_ptr = np.frombuffer(mm, dtype=np.uint8).__array_interface__["data"][0]
            lo = base_ptr - map_ptr + rows.start * row_bytes
            hi = base_ptr - map_ptr + rows.stop * row_bytes
            page = mmap.PAGESIZE
            lo = (lo // page) * page
            if hi > lo:
                mm.madvise(mmap.MADV_DONTNEED, lo, min(hi, len(mm)) - lo)
        except (ValueError, OSError, TypeError, AttributeError):
            continue


def _stream_subtracted(
    data: EELSData | LazyEELSData,
    window_mev: Sequence[float] | None = None,
    *,
    background: str | None,
    fit_windows_mev: Any = None,
    bin_position: int = 1,
    intercept: bool = False,
    chunk_mb: float = DEFAULT_CHUNK_MB,
    workers: int = 1,
) -> TemperatureMap:
    """Temperature map of a raw spectrum image, processed in chunks of rows (see the module docstring).

    The same numbers as ``temperature_map(preprocess(data, background=background, fit_windows_mev=...,
    bin_position=...), window_mev)`` (to < 1e-12 relative; exactly, except for the power law's stopping rule)
    for any image size, holding one chunk at a time.

    Parameters
    ----------
    data : EELSData or LazyEELSData
        Raw (not centred) spectrum image, navigation shape (ny, nx); counts (ny, nx, n_channels).
    window_mev : (lo, hi), optional
        ``|E|`` window of the gain/loss fit, meV; default: :func:`~.temperature.auto_window` of the summed,
        preprocessed image (one more pass over the data).
    background : {"power-law", "zlp-fit"} or None
        ZLP-tail model (:func:`~.preprocess.fit_background`); None: no subtraction.
    fit_windows_mev : sequence of (lo, hi), optional
        Background fit windows, ``|E|`` in meV (default :func:`~.preprocess.default_fit_windows`).
    bin_position : int
        Probe positions summed per bin along x (must divide nx).
    intercept : bool
        Fit r = exp(c - E/k_B T) with a free c (see :func:`~.temperature.fit_temperature`).
    chunk_mb : float
        Raw counts and variances (float64) per chunk, MB (> 0); at least one row of the image per chunk.
    workers : int
        Threads fitting the blocks of a chunk (>= 1; the numbers do not depend on it).

    Returns
    -------
    TemperatureMap
        Temperatures and errors (K), valid pixels, the window; ``steps`` say what was done, and in how many chunks.
    """
    if not isinstance(data, (EELSData, LazyEELSData)):
        raise InputError(f"data must be an EELSData or a LazyEELSData, got {type(data).__name__}")
    if len(data.nav_shape) != 2:
        raise InputError(
            f"a temperature map needs a spectrum image (2 navigation axes), got navigation shape {data.nav_shape}"
        )
    if isinstance(data, EELSData) and is_centred(data):
        raise InputError("stream_temperature_map takes raw spectra; these are centred already (use temperature_map)")
    if background is not None and background not in BACKGROUND_MODELS:
        raise InputError(f"background must be one of {', '.join(BACKGROUND_MODELS)} or None (got {background!r})")
    f, workers = _check_map_request(data, bin_position, chunk_mb, workers)
    plan = _plan(data, background, fit_windows_mev, f, float(chunk_mb))
    w = plan.width
    axis = _axis_data(plan.energy, plan.steps)
    window = _auto_window(data, plan) if window_mev is None else check_window(window_mev, w)
    if plan.model == "power-law" and window[0] < plan.core - 0.5 * w:
        raise InputError(
            f"the window {window[0]:g}:{window[1]:g} meV reaches below {plan.core:g} meV, where the subtracted "
            f"power-law background is not defined (the zero-loss-peak core): start the window at >= {plan.core:g} meV"
        )
    e, iloss, igain = window_pairs(axis, window, 2 if intercept else 1)
    cols = np.concatenate([igain, iloss])
    n = e.size
    gain = detector_gain(data) if isinstance(data, EELSData) else _noise(data)[0]
    ny, nx = data.nav_shape
    n_out = ny * (nx // f)
    results = {key: np.empty(n_out) for key in ("temperature", "temperature_err")}
    valid = np.empty(n_out, dtype=bool)
    step = max(1, _FIT_PIXELS // f) * f  # blocks of about _FIT_PIXELS pixels, whole bins, for the fits

    def fit_block(c: NDArray[np.float64], v: NDArray[np.float64], first: int) -> None:
        """Fit the raw pixels ``c``, ``v`` whose first is pixel ``first`` of the image; store the results."""
        sh = plan.shifts[first : first + c.shape[0]]
        s = _subtracted(c, v, sh, data.energy_mev, plan, nx, cols)
        g, lc = s["counts"][:, :n], s["counts"][:, n:]
        vg, vl = s["variance"][:, :n], s["variance"][:, n:]
        prop = None
        if plan.model == "power-law":
            sides = {
                "gain": (s["bg_counts"][:, :n], s["bg_variance"][:, :n], vg),
                "loss": (s["bg_counts"][:, n:], s["bg_variance"][:, n:], vl),
            }
            prop = power_law_propagation(e, sides, s["cov"])
            vg, vl = prop["variances"]
        m = window_fit(e, g, lc, vg, vl, prop, intercept, gain)
        o = first // f
        results["temperature"][o : o + g.shape[0]] = m["temperature"]
        results["temperature_err"][o : o + g.shape[0]] = m["temperature_err"]
        valid[o : o + g.shape[0]] = m["valid"]

    _columns(plan, cols)  # found once, before any thread reads the plan
    pool = ThreadPoolExecutor(max_workers=workers) if workers > 1 else None
    try:
        start = 0
        for _rows, chunk_c, chunk_v in _chunks(data, plan):
            # blocks keep their (pixels, pairs) temporaries in the processor's cache; with workers > 1 the blocks
            # of a chunk are fitted in threads (numpy releases the GIL in its array loops)
            blocks = [(chunk_c[b : b + step], chunk_v[b : b + step], start + b) for b in range(0, len(chunk_c), step)]
            start += chunk_c.shape[0]
            if pool is None:
                for block in blocks:
                    fit_block(*block)
            else:
                for done in [pool.submit(fit_block, *block) for block in blocks]:
                    done.result()
    finally:
        if pool is not None:
            pool.shutdown()
    t = results["temperature"].reshape(ny, nx // f)
    err = results["temperature_err"].reshape(ny, nx // f)
    ok = valid.reshape(t.shape) & np.isfinite(t) & np.isfinite(err) & (err > 0)
    positions = list(data.positions_nm)
    if f > 1:
        positions[1] = positions[1].reshape(-1, f).mean(axis=1)
    rows = plan.rows[0].stop - plan.rows[0].start
    return TemperatureMap(
        positions_nm=tuple(positions),
        nav_names=tuple(data.nav_names),
        temperature=t,
        temperature_err=err,
        valid=ok,
        window_mev=(float(window[0]), float(window[1])),
        source=data.source,
        steps=(
            *data.steps,
            *plan.steps,
            f"temperature per pixel (streamed: {len(plan.rows)} chunk(s) of up to {rows} rows, "
            f"{'4' if window_mev is None else '3' if plan.model else '2'} passes over the data)",
        ),
        device=NUMPY.label,
    )


__all__ = [
    "DEFAULT_CHUNK_MB",
    "JOINT",
    "MemoryEstimate",
    "memory_estimate",
    "LAZY_SUFFIXES",
    "LazyEELSData",
    "stream_temperature_map",
    "with_lazy_noise_model",
]
