"""The one EELS temperature estimator, over a block of spectra: array functions on (spectra x channels).

Every temperature path of :mod:`kapitza.analysis.eels` -- one spectrum (:func:`~.joint.fit_joint_temperature`),
a line scan (:func:`~.profile.temperature_profile`), a map in memory (:func:`~.profile.temperature_map`) or
streamed from a file (:func:`~.stream.stream_temperature_map`) -- calls the two stages here on blocks of
spectra; the drivers only read, chunk, sum and write.  A spectrum's temperature is a function of that spectrum
(and the settings) alone: the same spectrum gives the same number in any block, any chunking, any path.

Stage 1, :func:`centre_block`: raw spectra (pixels x channels) -> :class:`Spectra`, each row shifted so that its
own zero-loss peak (ZLP) sits at 0 on the grid E = k w, k = -K..K, with the row's own reach (the largest k whose
+k and -k channels both lie inside *its* centred axis), its centring variance ratio kappa and whether a ZLP was
found.  The ZLP position is that of :func:`~.preprocess.zlp_position` (log-parabola vertex through the channels
within the half width at half maximum, at most 5 each side), with the half width read from the row itself, not
from a sum over other rows; the shift is :func:`~.preprocess.shift_many`'s sum-preserving one.  Already centred
data are copied onto the grid unchanged.  Rows may then be summed (:meth:`Spectra.binned`,
:meth:`Spectra.summed`): a binned or summed spectrum reaches as far as all of its parts do.

Stage 2, :func:`fit_block`: the joint fit of the symmetric ZLP tail and the detailed-balance ratio
(:mod:`.joint` has the physics and the sources) on each row's channel pairs, every tail family and both
variance passes fitted for all rows at once by a Levenberg-Marquardt iteration written over the block (normal
equations per row, no per-row Python loop), the Akaike average over the families, the chi2 verdict and the
no-gain-signal test.  Per row: its ZLP width (FWHM of its own centred counts), the fit region and window
(:func:`region_rule`), the pairs inside its own reach.

Convergence: a row stops when its accepted Levenberg-Marquardt step is below 1e-12 relative in every parameter
(tail parameters absolute 1e-12), or, once a step was below 1e-10, at the first step that no longer lowers chi2
(the rounding floor); the fits converge linearly (about a factor 13 a step), so the parameters end within about
1e-13 of the minimum.  The rounding of sums over a longer or shorter grid (a block's other rows set its extent),
of numpy's passes against the compiled kernel (:mod:`.kernel`) or torch, then moves a temperature by far less
than 1e-9 K (``tests/analysis/eels/test_eels_core.py`` holds every path to 1e-9 K; a stop at 1e-10 alone left
5e-9 K between numpy and the kernel on one pixel in 4096).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import ndimage, special

from ..._backend import NUMPY, Backend
from ...errors import InputError
from .balance import KB_MEV
from .preprocess import around_peak, centring_kappa, is_uniform, log_parabola_vertex, shift_many

#: Tail families, in the order of the result's arrays (``FAMILIES[:3]`` are fitted by default).
FAMILIES = ("power-law", "lorentzian-power", "pearson7", "voigt")
#: The default set: the Voigt family is left out (its Faddeeva evaluations are a third of a fit's time, and on the
#: calibration spectra it changed no coverage or bias: weight 0 except on Voigt tails, where the three others
#: cover it; see docs/reference/calibration.md).
DEFAULT_FAMILIES = FAMILIES[:3]
#: p-value below which the model is called inadequate and the error inflated by sqrt(chi2_reduced).
ADEQUACY_P = 1e-3
#: The automatic window starts at this many ZLP FWHM (of the spectrum itself) and ends at the axis end.
AUTO_WINDOW_FWHM = 6.0
#: Channel pairs the fit needs at least.
MIN_PAIRS = 8
#: chi2 rise (2 sigma) below which r = 0 (no gain signal, T -> 0) is called compatible with the data.
NO_GAIN_DCHI2 = 4.0
#: chi2 rise of a one-sided 95 % bound (the 0.90 quantile of chi2 with one degree of freedom).
BOUND_DCHI2 = float(special.chdtri(1.0, 0.10))
#: Reference energy (meV) of the tail amplitudes (conditioning only).
E_REF = 10.0
#: FWHM / sigma of a Gaussian: the Voigt tail's Gaussian part from the measured FWHM.
FWHM_PER_SIGMA = 2.0 * math.sqrt(2.0 * math.log(2.0))
#: A family's fit stops where its step is below this, relative (tail parameters absolute) ...
_XTOL = 1e-12
#: ... or, once a step was below this, where no step lowers chi2 any more (the rounding floor of chi2 and its
#: gradient: some rows cannot step below _XTOL).  Two routes to the same minimum (numpy's passes, the compiled
#: kernel, torch) then stop within 3e-11 K of each other where 1e-10 alone left 5e-9 K between them (measured on
#: 64 x 64 images at 512 and 2048 channels, benchmarks/eels.py's generator).
_XTOL_NEAR = 1e-10
#: The first pass (the neighbours' observed variances) only sets the second's variances: a looser stop.
_XTOL_FIRST = 1e-6
#: The no-gain test and the upper bound need chi2 itself, to this much (their thresholds are 2.71 and 4).
_FTOL_CHI2 = 1e-3
#: The longest step of a tail parameter (ln A, an exponent, ln m, ln gamma) in one iteration.
_MAX_TAIL_STEP = 2.0
_MAX_ITER = 200
_MAX_HALF = 5

# reasons a row has no temperature (codes of the ``reason`` arrays); the words are in :func:`reason_text`
OK, NO_PEAK, NO_WIDTH, BEYOND, CORE, FEW, NO_LOSS, GAIN_GE_LOSS, FAILED, NO_GAIN, ONE_SIDED, RATIO = range(12)
#: Short words for each reason (summaries of maps and profiles).
REASON_LABELS = {
    NO_PEAK: "no zero-loss peak (dark or empty spectrum)",
    NO_WIDTH: "zero-loss peak cut by the axis end (no FWHM)",
    BEYOND: "window or region beyond the spectrum's axis",
    CORE: "region inside the zero-loss peak's core",
    FEW: "fewer than 8 channel pairs in the region",
    NO_LOSS: "no loss signal above noise",
    GAIN_GE_LOSS: "gain >= loss (no positive temperature)",
    FAILED: "the fit failed for every tail family",
    NO_GAIN: "no gain signal above noise",
    ONE_SIDED: "no gain signal: only an upper bound on T",
    RATIO: "fitted ratio >= 1 (no positive temperature)",
}
#: Spectra per block of the fits (at most): numpy's cost per call is then small against the arithmetic.
BLOCK_ROWS = 512


#: Spectra per block (at most) where the evaluations are compiled (:mod:`.kernel`): a block's working arrays are then
#: 12 values per channel instead of about 16 and each is read once per evaluation, so a block can be 4x larger, and
#: the Levenberg-Marquardt steps between evaluations (numpy on a few numbers per row, under the GIL) cost a quarter
#: as much per spectrum (measured side by side, maps of ``benchmarks/eels.py``'s images against blocks of
#: :data:`BLOCK_ROWS`: 1.02x faster on one thread and 1.37x on two at 512 channels, 1.05x and 1.41x at 2048).  A
#: block is also at most 1/16 of the map (:func:`block_rows`), so that two workers' blocks stay within the
#: image's own memory.  Each row's numbers do not depend on its block.
COMPILED_BLOCK_ROWS = 2048
#: Values (spectra x channels) per block on a GPU: its arithmetic is then long against the cost per operation
#: (kernel launches, the host's Levenberg-Marquardt steps between evaluations).
GPU_BLOCK_VALUES = 1 << 24


#: Values (spectra x channels) from which a map runs the compiled evaluation (:mod:`.kernel`) where numba is
#: installed: below it numba's import and the loading of its cached machine code (about 0.8 s, once per process)
#: cost more than the kernel saves (``benchmarks/eels.py``: about 0.08 ms a pixel at 512 channels, 0.6 ms at 2048,
#: one thread).
KERNEL_MIN_VALUES = 1 << 22
#: The step a map that ran the compiled evaluation lists.
COMPILED_STEP = "the fits' evaluations compiled (numba)"


def use_kernel(n_spectra: int, n_channels: int, backend: Backend = NUMPY) -> bool:
    """Whether a map of ``n_spectra`` spectra of ``n_channels`` channels runs the compiled evaluation: numpy
    backend, at least :data:`KERNEL_MIN_VALUES` values, numba installed."""
    if backend.name != "numpy" or int(n_spectra) * int(n_channels) < KERNEL_MIN_VALUES:
        return False
    from . import kernel

    return kernel.available()


def block_rows(n_channels: int, backend: Backend = NUMPY, compiled: bool = False, n_spectra: int = 0) -> int:
    """Spectra per block for spectra of ``n_channels`` channels: up to ``BLOCK_ROWS``, fewer for long spectra
    (the working arrays of a block then stay a few MB: 2^18 values of each); ``compiled`` (the evaluations of
    :mod:`.kernel`): up to ``COMPILED_BLOCK_ROWS`` and 2^20 values, and not more than 1/16 of the ``n_spectra`` of
    the map (nor fewer than the numpy rule's); on a GPU up to ``GPU_BLOCK_VALUES`` values (a block's working
    arrays, about 20 per value, a few GB of the device's memory)."""
    n = max(1, int(n_channels))
    if backend.is_gpu:
        return int(max(32, GPU_BLOCK_VALUES // n))
    rows = int(min(BLOCK_ROWS, max(32, (1 << 18) // n)))
    if compiled:
        return max(rows, min(COMPILED_BLOCK_ROWS, (1 << 20) // n, int(n_spectra) // 16))
    return rows


# ------------------------------------------------------------------------------------------------ stage 1


@dataclasses.dataclass
class Spectra:
    """A block of spectra centred on the grid E = k ``width`` (meV), k = -``half``..``half``: the core's working
    block between its stages (not a result, so not in ``__all__``: results leave the core as the frozen classes of
    :mod:`.results`).

    ``counts``, ``variance`` (m, 2 half + 1); ``reach`` (m,) int: the largest k with both +-k inside the row's own
    centred axis (0 where no peak was found); ``kappa`` (m,): the centring variance ratio; ``weight`` (m,): the
    summed variance (kappa's weight in sums); ``peak`` (m,) bool: a zero-loss peak was found.
    """

    width: float
    half: int
    counts: NDArray[np.float64]
    variance: NDArray[np.float64]
    reach: NDArray[np.int64]
    kappa: NDArray[np.float64]
    weight: NDArray[np.float64]
    peak: NDArray[np.bool_]

    @property
    def size(self) -> int:
        return int(self.counts.shape[0])

    def take(self, rows: Any) -> Spectra:
        return Spectra(
            self.width,
            self.half,
            self.counts[rows],
            self.variance[rows],
            self.reach[rows],
            self.kappa[rows],
            self.weight[rows],
            self.peak[rows],
        )

    def grouped(self, shape: tuple[int, ...], axis: int) -> Spectra:
        """Rows seen as an array of ``shape`` (row-major), summed along ``axis``: the spectra of the sums."""
        n = 2 * self.half + 1
        c = self.counts.reshape(*shape, n).sum(axis=axis)
        v = self.variance.reshape(*shape, n).sum(axis=axis)
        reach = self.reach.reshape(shape).min(axis=axis)
        peak = self.peak.reshape(shape).all(axis=axis)
        w = self.weight.reshape(shape)
        k = self.kappa.reshape(shape)
        tot = w.sum(axis=axis)
        kappa = np.where(tot > 0, (k * w).sum(axis=axis) / np.where(tot > 0, tot, 1.0), k.mean(axis=axis))
        flat = int(np.prod(c.shape[:-1]))
        return Spectra(
            self.width,
            self.half,
            c.reshape(flat, n),
            v.reshape(flat, n),
            reach.reshape(flat),
            kappa.reshape(flat),
            tot.reshape(flat),
            peak.reshape(flat),
        )

    def binned(self, factor: int) -> Spectra:
        """Groups of ``factor`` consecutive rows summed (binning probe positions along a row of an image)."""
        if factor == 1:
            return self
        return self.grouped((self.size // factor, factor), 1)

    def plus(self, other: Spectra) -> Spectra:
        """Row-by-row sums of two blocks of the same shape (accumulating a sum over chunks)."""
        both = Spectra(
            self.width,
            self.half,
            np.stack((self.counts, other.counts)).reshape(-1, self.counts.shape[1]),
            np.stack((self.variance, other.variance)).reshape(-1, self.counts.shape[1]),
            np.concatenate((self.reach, other.reach)),
            np.concatenate((self.kappa, other.kappa)),
            np.concatenate((self.weight, other.weight)),
            np.concatenate((self.peak, other.peak)),
        )
        return both.grouped((2, self.size), 0)


def grid_half(n_channels: int) -> int:
    """K of the centred grid for spectra of ``n_channels`` channels: no row can reach further."""
    return max(1, (int(n_channels) - 1) // 2)


def zlp_rows(
    counts: NDArray[np.float64], variance: NDArray[np.float64], energy: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """Each row's zero-loss-peak position (meV) and whether it has one (a peak inside the axis).

    The vertex of a weighted parabola through the log counts of the channels around the highest one, as
    :func:`~.preprocess.peak_vertex` fits it, through the channels within the row's own half width at half maximum
    in whole channels (at least 1, at most 5 each side).
    """
    m, n = counts.shape
    top = np.argmax(counts, axis=1)
    c, v = around_peak(counts, variance, top, _MAX_HALF)
    peak_c = counts[np.arange(m), top]
    offsets = np.arange(-_MAX_HALF, _MAX_HALF + 1)
    idx = top[:, None] + offsets[None, :]
    inside = (idx >= 0) & (idx < n)
    below = inside & (c < 0.5 * peak_c[:, None])
    dist = np.abs(offsets)[None, :]
    # first channel below half maximum on each side (distance), 6 where none within 5 channels
    right = np.where(below & (offsets > 0), dist, _MAX_HALF + 1).min(axis=1)
    left = np.where(below & (offsets < 0), dist, _MAX_HALF + 1).min(axis=1)
    half = np.clip(np.minimum(left, right), 1, _MAX_HALF)
    use = inside & (dist <= half[:, None])
    ok = use & (c > 0)
    shift, good = log_parabola_vertex(c, v, ok, offsets)
    good &= (top > 0) & (top < n - 1) & (peak_c > 0) & (np.abs(shift) <= half + 0.5)
    index = top + np.where(good, shift, 0.0)
    return np.interp(index, np.arange(n, dtype=float), energy), good


def centre_block(
    counts: NDArray[np.float64],
    variance: NDArray[np.float64],
    energy: NDArray[np.float64],
    *,
    half: int | None = None,
    centred_kappa: NDArray[np.float64] | None = None,
) -> Spectra:
    """Stage 1: raw spectra (m, n_channels) on ``energy`` (meV) -> :class:`Spectra` on the grid k = -half..half.

    ``centred_kappa`` (m,): the data are centred already (ZLP at 0, channels at k w) with these variance ratios:
    copied onto the grid (reach from the axis) instead of being shifted.
    """
    counts = np.asarray(counts, dtype=float)
    variance = np.asarray(variance, dtype=float)
    m, n = counts.shape
    width = float(np.median(np.diff(energy)))
    big = grid_half(n) if half is None else int(half)
    k = np.arange(-big, big + 1)
    if centred_kappa is not None:
        kk = np.rint(energy / width).astype(np.int64)
        k_lo, k_hi = int(kk[0]), int(kk[-1])
        cols = np.clip(k - k_lo, 0, n - 1)
        c_out, v_out = counts[:, cols], variance[:, cols]
        reach = np.full(m, max(0, min(-k_lo, k_hi)), dtype=np.int64)
        kappa = np.asarray(centred_kappa, dtype=float).reshape(m)
        peak = np.ones(m, dtype=bool)
    else:
        pos, peak = zlp_rows(counts, variance, energy)
        c_out, v_out = shift_many((counts, variance), pos, energy, width, k)
        edges = np.concatenate(([energy[0] - 0.5 * (energy[1] - energy[0])], 0.5 * (energy[1:] + energy[:-1])))
        edges = np.concatenate((edges, [energy[-1] + 0.5 * (energy[-1] - energy[-2])]))
        tol = 1e-9 * width
        k_lo = np.ceil((edges[0] - pos + 0.5 * width - tol) / width)
        k_hi = np.floor((edges[-1] - pos - 0.5 * width + tol) / width)
        reach = np.where(peak, np.clip(np.minimum(-k_lo, k_hi), 0, big), 0).astype(np.int64)
        kappa = centring_kappa(pos, energy, width) if is_uniform(energy, width) else np.ones(m)
    np.maximum(v_out, 0.0, out=v_out)
    inside = np.abs(k)[None, :] <= reach[:, None]
    weight = np.where(inside, v_out, 0.0).sum(axis=1)
    return Spectra(width, big, c_out, v_out, reach, kappa, weight, peak)


# ------------------------------------------------------------------------------------------------ stage 2


def fwhm_rows(spectra: Spectra) -> NDArray[np.float64]:
    """FWHM (meV) of each row's zero-loss peak on its own centred channels (NaN where no half-maximum crossing
    lies inside its reach on one side), interpolated linearly as :func:`~.preprocess.peak_fwhm` does."""
    c = spectra.counts
    m, n = c.shape
    k = np.arange(-spectra.half, spectra.half + 1)
    e = k * spectra.width
    inside = np.abs(k)[None, :] <= spectra.reach[:, None]
    masked = np.where(inside, c, -np.inf)
    i0 = np.argmax(masked, axis=1)
    rows = np.arange(m)
    peak = c[rows, i0]
    half = 0.5 * peak
    below = inside & (c < half[:, None])
    col = np.arange(n)[None, :]
    right_c = below & (col > i0[:, None])
    left_c = below & (col < i0[:, None])
    found = right_c.any(axis=1) & left_c.any(axis=1) & (peak > 0) & spectra.peak
    r = np.argmax(right_c, axis=1)
    lft = n - 1 - np.argmax(left_c[:, ::-1], axis=1)
    r = np.where(found, r, 1)
    lft = np.where(found, lft, 0)
    c_r, c_r1 = c[rows, r], c[rows, r - 1]
    c_l, c_l1 = c[rows, lft], c[rows, np.minimum(lft + 1, n - 1)]
    with np.errstate(all="ignore"):
        e_r = (e[r - 1] - e[r]) / (c_r1 - c_r) * (half - c_r) + e[r]
        e_l = (e[np.minimum(lft + 1, n - 1)] - e[lft]) / (c_l1 - c_l) * (half - c_l) + e[lft]
    return np.where(found, e_r - e_l, np.nan)


@dataclasses.dataclass(frozen=True)
class Settings:
    """What the estimator is asked: the window and region (|E| meV, None: the rules of :func:`region_rule`), the
    tail families, the detector gain (counts per electron) and whether an upper bound is wanted where the gain
    side shows no signal."""

    window: tuple[float, float] | None = None
    region: tuple[float, float] | None = None
    families: tuple[str, ...] = DEFAULT_FAMILIES
    gain: float = 1.0
    bound: bool = False


def region_rule(settings: Settings, fwhm: NDArray, e_max: NDArray, width: float) -> dict[str, NDArray]:
    """Per row: the window, the fitted region (|E| meV) and a reason code where they do not fit the row.

    Given window (lo, hi): the region runs from min(lo, max(lo - (hi - lo)/2, 2 FWHM)) to the row's axis end
    (``e_max``), unless ``settings.region`` says otherwise (it must contain the window); the window may end at
    most one channel beyond the axis end.  No window: the window and the region run from ``AUTO_WINDOW_FWHM`` x
    FWHM (or the given region's start, if later) to the axis end.  A region starting inside the ZLP's core
    (below 1 FWHM) is refused.
    """
    m = fwhm.size
    reason = np.where(np.isfinite(fwhm), OK, NO_WIDTH)
    f = np.where(np.isfinite(fwhm), fwhm, 1.0)
    if settings.window is not None:
        lo, hi = settings.window
        w_lo, w_hi = np.full(m, lo), np.full(m, hi)
        reason = np.where((reason == OK) & (hi > e_max + width), BEYOND, reason)
        if settings.region is None:
            r_lo = np.minimum(np.maximum(lo - 0.5 * (hi - lo), 2.0 * f), lo)
            r_hi = e_max.astype(float)
        else:
            r_lo, r_hi = np.full(m, settings.region[0]), np.full(m, settings.region[1])
            reason = np.where((reason == OK) & (r_hi > e_max + width), BEYOND, reason)
    else:
        start = AUTO_WINDOW_FWHM * f
        if settings.region is not None:
            start = np.maximum(start, settings.region[0])
            r_hi = np.minimum(settings.region[1], e_max)
        else:
            r_hi = e_max.astype(float)
        w_lo, w_hi = start, r_hi
        r_lo = start
    reason = np.where((reason == OK) & (r_lo < f), CORE, reason)
    return {
        "window_lo": w_lo,
        "window_hi": np.minimum(w_hi, e_max),
        "region_lo": r_lo,
        "region_hi": r_hi,
        "reason": reason,
    }


def _tail_features(family: str, e: NDArray, h: NDArray) -> NDArray:
    """The fixed part of a family's log tail: power law ln(E/E_ref) (n,); Lorentzian-power and Pearson VII
    ln(1 + (E/h)^2) - ln(1 + (E_ref/h)^2) per row (m, n); Voigt: E itself."""
    if family == "power-law":
        return np.log(e / E_REF)
    if family in ("lorentzian-power", "pearson7"):
        hh = h[:, None]
        return np.log1p((e[None, :] / hh) ** 2) - np.log1p((E_REF / hh) ** 2)
    return e


def _voigt_log(e: NDArray, sigma: NDArray, gamma: NDArray) -> tuple[NDArray, NDArray]:
    """ln V(e; sigma, gamma) and d ln V / d ln gamma (rows: sigma, gamma (m,); e (n,) or (m, n))."""
    s2 = (sigma * math.sqrt(2.0))[:, None]
    z = (e + 1j * gamma[:, None]) / s2
    w = special.wofz(z)
    dw = -2.0 * z * w + 2j / math.sqrt(math.pi)
    re = w.real
    with np.errstate(all="ignore"):
        # V = Re w / (sigma sqrt(2 pi)); dV/dgamma = Re(w'(z) i / (sigma sqrt 2)) / (sigma sqrt(2 pi))
        dlog = gamma[:, None] * (-dw.imag / s2) / re
        return np.log(re) - np.log(sigma[:, None] * math.sqrt(2.0 * math.pi)), dlog


def _n_tail(family: str) -> int:
    return 1 if family == "lorentzian-power" else 2


def _start(family: str, a0: NDArray) -> tuple[NDArray, NDArray, NDArray]:
    """Start and bounds (lo, hi) of a family's tail parameters (ln A at 10 meV first), rows (m, k)."""
    m = a0.size
    big = 60.0
    if family == "power-law":
        x, lo, hi = [a0, np.full(m, 3.0)], [a0 - big, np.full(m, 0.3)], [a0 + big, np.full(m, 10.0)]
    elif family == "lorentzian-power":
        x, lo, hi = [a0], [a0 - big], [a0 + big]
    elif family == "pearson7":
        x = [a0, np.full(m, math.log(1.5))]
        lo, hi = [a0 - big, np.full(m, math.log(0.2))], [a0 + big, np.full(m, math.log(6.0))]
    elif family == "voigt":
        x = [a0, np.full(m, math.log(2.0))]
        lo, hi = [a0 - big, np.full(m, math.log(1e-3))], [a0 + big, np.full(m, math.log(200.0))]
    else:
        raise InputError(f"tail family must be one of {', '.join(FAMILIES)}, got {family!r}")
    return np.stack(x, axis=1), np.stack(lo, axis=1), np.stack(hi, axis=1)


def tail_names(family: str) -> tuple[str, ...]:
    return {
        "power-law": ("ln_A", "exponent"),
        "lorentzian-power": ("ln_A",),
        "pearson7": ("ln_A", "ln_m"),
        "voigt": ("ln_A", "ln_gamma_mev"),
    }[family]


def tail_values(family: str, e: NDArray, theta: NDArray, h: NDArray, sigma: NDArray) -> tuple[NDArray, list]:
    """The tail B (m, n) at ``e`` of rows with parameters ``theta`` (m, k) and dB/dtheta_j (list of (m, n))."""
    feat = _tail_features(family, e, h)
    a = theta[:, 0:1]
    if family == "power-law":
        p = theta[:, 1:2]
        b = np.exp(a - p * feat)
        return b, [b, -feat * b]
    if family == "lorentzian-power":
        b = np.exp(a - 1.5 * feat)
        return b, [b]
    if family == "pearson7":
        mm = np.exp(np.clip(theta[:, 1:2], -50.0, 50.0))
        b = np.exp(a - mm * feat)
        return b, [b, -mm * feat * b]
    gamma = np.exp(np.clip(theta[:, 1], -50.0, 50.0))
    lv, dlv = _voigt_log(e, sigma, gamma)
    lr, dlr = _voigt_log(np.array([E_REF]), sigma, gamma)
    b = np.exp(np.clip(a + lv - lr, -700.0, 700.0))
    return b, [b, (dlv - dlr) * b]


class _NumpyOps:
    """The evaluation's array operations on numpy: numpy's own functions (no wrapper, the numpy path's numbers and
    speed are those of plain numpy)."""

    mul = staticmethod(np.multiply)
    sub = staticmethod(np.subtract)
    add = staticmethod(np.add)
    div = staticmethod(np.divide)
    exp = staticmethod(np.exp)
    clip = staticmethod(np.clip)
    vecdot = staticmethod(np.vecdot)


class _TorchOps:
    """The same operations on torch tensors (same names, same ``out=`` and broadcasting)."""

    def __init__(self, torch: Any):
        self.mul, self.sub, self.add, self.div, self.exp = torch.mul, torch.sub, torch.add, torch.div, torch.exp
        self.clip = torch.clamp
        self.vecdot = torch.linalg.vecdot


class _Work:
    """What every evaluation of a block's fits shares: the array backend (:mod:`kapitza._backend`), its scratch
    arrays (rows x pairs, on the backend's device), and the data already moved there.

    No large temporaries are allocated in the iterations (fresh arrays of a few hundred kB each cost the process
    page faults).  (Evaluating a block in tiles of rows that stay in the cache was measured and was not faster: the
    exponentials and the number of passes, not the memory traffic, set the time.)  On numpy the data are used where
    they are; on torch each host array is copied to the device once (:meth:`put`) however many problems use it.
    ``row_evaluations`` counts rows x evaluations (benchmarks).
    """

    NAMES = ("r", "b", "lb", "u", "t", "s", "inv", "ui", "c0", "c2", "ci")

    def __init__(self, m: int, n: int, backend: Backend = NUMPY, compiled: bool = False):
        self.m, self.n = m, n
        self.backend = backend
        self.numpy = backend.name == "numpy"
        #: the evaluations compiled (:mod:`.kernel`) instead of numpy's passes
        self.compiled = bool(compiled) and self.numpy
        if self.numpy:
            self.ops: Any = _NumpyOps
        else:
            import torch  # installed: the backend exists

            self.ops = _TorchOps(torch)
        if self.compiled:
            self.buf = {"b": np.empty((m, n))}  # the tail's values, from numpy (the kernel's input)
        elif self.numpy:
            self.buf = {name: np.empty((m, n)) for name in self.NAMES}
        else:
            self.buf = {name: backend.zeros((m, n)) for name in self.NAMES}
        self._moved: dict[int, tuple[NDArray, Any]] = {}
        self.row_evaluations = 0

    def put(self, a: NDArray) -> Any:
        """``a`` on the backend's device: ``a`` itself on numpy (C-ordered for the compiled kernel, which is compiled
        for that layout once), a cached device copy on torch."""
        if self.numpy:
            return np.ascontiguousarray(a) if self.compiled else a
        held = self._moved.get(id(a))
        if held is None or held[0] is not a:
            held = (a, self.backend.asarray(np.ascontiguousarray(a), dtype=float))
            self._moved[id(a)] = held
        return held[1]


class _Problem:
    """The rows' data and one family's model: chi2, J^T J and J^T rho of the whitened residuals at parameters x.

    ``x`` (m, 1 + k): beta = 1/k_B T in 1/meV, then the tail parameters (``fixed_beta``: the tail parameters only,
    with beta held at ``fixed_beta`` (m,), inf meaning r = 0).  Residual of pair i: (G - r L - (1 - r) B) /
    sqrt(WG + r^2 WL), r = exp(-beta E); its derivatives written out (beta also through the variance).  A shape
    parameter's column is c h dB/dln A with h shared by all rows (c scales its row and column of J^T J afterwards),
    and the row sums are dot products (``vecdot``): about 30 passes over the rows x pairs per evaluation.  The
    passes run on the work's backend (numpy, or torch on its device); x in and chi2, J^T J, J^T rho out are host
    arrays, and the Levenberg-Marquardt steps (a few numbers per row) are taken on the host.
    """

    KEYS = ("G", "L", "WG", "WL", "W", "feat", "shape")

    def __init__(
        self,
        family: str,
        e: NDArray,
        d: dict[str, NDArray],
        work: _Work,
        fixed_beta: NDArray | None = None,
        _on_device: dict[str, Any] | None = None,
    ):
        self.family = family
        self.e = e
        self.work = work
        self.fixed = fixed_beta
        self.sigma = d.get("sigma")
        if _on_device is None:
            if "feat" not in d:
                shared = family in ("lorentzian-power", "pearson7") and "feat_h" in d
                d["feat"] = d["feat_h"] if shared else _tail_features(family, e, d["h"])
                if family == "lorentzian-power":
                    d["shape"] = np.exp(-1.5 * d["feat"])
            _on_device = {k: work.put(d[k]) for k in self.KEYS if k in d}
        self.dv = _on_device
        self._step: float | None = None  # the pair energies' uniform step (compiled path), found once
        self.e_dev = work.put(e)
        self.neg_e = -self.e_dev

    @property
    def size(self) -> int:
        return int(self.dv["G"].shape[0])

    def subset(self, keep: NDArray) -> _Problem:
        idx = keep if self.work.numpy else self.work.backend.index(keep)
        dv = {k: (v[idx] if v.ndim == 2 else v) for k, v in self.dv.items()}
        host = {} if self.sigma is None else {"sigma": self.sigma[keep]}
        fixed = None if self.fixed is None else self.fixed[keep]
        sub = _Problem(self.family, self.e, host, self.work, fixed, dv)
        sub._step = self._step
        return sub

    def tail(self, theta: Any, b: Any) -> tuple[Any, Any]:
        """B into ``b``; dB/dtheta_1 = c h B as (h (n,) or (m, n), c (m,) or None), (None, None) for a
        one-parameter tail (dB/d ln A = B).  ``theta`` on the backend's device."""
        d, op = self.dv, self.work.ops
        a = theta[:, 0:1]
        fam = self.family
        if fam == "lorentzian-power":
            op.mul(d["shape"], op.exp(a), out=b)
            return None, None
        if fam in ("power-law", "pearson7"):
            p = theta[:, 1:2] if fam == "power-law" else op.exp(op.clip(theta[:, 1:2], -50.0, 50.0))
            feat = d["feat"]
            op.mul(p, feat, out=b)
            op.sub(a, b, out=b)
            op.exp(b, out=b)
            # dB/dp = -feat B (power law); dB/d ln m = -m feat B (Pearson VII)
            return feat, (0.0 * p[:, 0] - 1.0 if fam == "power-law" else -p[:, 0])
        # the Voigt tail's Faddeeva function is scipy's: computed on the host, moved to the device
        th = self.work.backend.to_numpy(theta)
        gamma = np.exp(np.clip(th[:, 1], -50.0, 50.0))
        lv, dlv = _voigt_log(self.e, self.sigma, gamma)
        lr, dlr = _voigt_log(np.array([E_REF]), self.sigma, gamma)
        bb = np.exp(np.clip(th[:, 0:1] + lv - lr, -700.0, 700.0))
        if self.work.numpy:
            b[...] = bb
            return dlv - dlr, None
        b.copy_(self.work.backend.asarray(bb))
        return self.work.backend.asarray(dlv - dlr), None

    def __call__(self, x: NDArray) -> tuple[NDArray, NDArray, NDArray, NDArray]:
        m = self.size
        work = self.work
        work.row_evaluations += m
        xd = x if work.numpy else work.backend.asarray(x, dtype=float)
        if self.fixed is None:
            beta, theta = xd[:, 0], xd[:, 1:]
            r_zero = False
        else:
            r_zero = bool(np.all(np.isinf(self.fixed)))
            beta, theta = (self.fixed if work.numpy else work.put(self.fixed)), xd
        k = theta.shape[1] + (self.fixed is None)
        if work.numpy:
            chi2, a, g = np.empty(m), np.empty((m, k, k)), np.empty((m, k))
        else:
            chi2, a, g = work.backend.zeros(m), work.backend.zeros((m, k, k)), work.backend.zeros((m, k))
        with np.errstate(all="ignore"):
            if work.compiled:
                self._evaluate_compiled(beta, theta, chi2, a, g, r_zero)
            else:
                self._evaluate(beta, theta, chi2, a, g, r_zero)
        if not work.numpy:
            chi2, a, g = (work.backend.to_numpy(v) for v in (chi2, a, g))
        ok = np.isfinite(chi2) & np.all(np.isfinite(a), axis=(1, 2)) & np.all(np.isfinite(g), axis=1)
        return chi2, a, g, ok

    def _evaluate_compiled(self, beta: NDArray, theta: NDArray, chi2: NDArray, a: NDArray, g: NDArray, r_zero: bool):
        """:meth:`_evaluate`'s numbers from :mod:`.kernel`: the tail here (:meth:`tail`, numpy), the passes over
        the pairs in one compiled loop."""
        from . import kernel

        n = beta.shape[0]
        b = self.work.buf["b"][:n]
        h, c = self.tail(theta, b)
        if self._step is None:
            self._step = kernel.uniform_step(self.e)
        data = tuple(self.dv[k] for k in ("G", "L", "WG", "WL", "W"))
        beta = np.ascontiguousarray(beta, dtype=float)
        kernel.evaluate(self.fixed is None, r_zero, beta, self.e, self._step, b, h, data, (chi2, a, g))
        if c is not None:
            k = a.shape[1]
            a[:, k - 1, :] *= c[:, None]
            a[:, :, k - 1] *= c[:, None]
            g[:, k - 1] *= c

    def _evaluate(self, beta: Any, theta: Any, chi2: Any, a: Any, g: Any, r_zero: bool) -> None:
        """chi2, J^T J and J^T rho into ``chi2``, ``a``, ``g`` (one pass over the pairs per array operation), on the
        work's backend: the same code on numpy arrays and on torch tensors."""
        d, buf, op = self.dv, self.work.buf, self.work.ops
        n = beta.shape[0]
        r, b, lb, u, t, s, inv, ui = (buf[name][:n] for name in ("r", "b", "lb", "u", "t", "s", "inv", "ui"))
        free = self.fixed is None
        if r_zero:
            r.fill(0.0) if self.work.numpy else r.fill_(0.0)
        else:
            op.mul(beta[:, None], self.neg_e, out=r)
            op.exp(r, out=r)
        h, c = self.tail(theta, b)
        op.sub(d["L"], b, out=lb)
        op.sub(d["G"], b, out=u)
        op.mul(r, lb, out=t)  # r (L - B)
        op.sub(u, t, out=u)  # u = G - r L - (1 - r) B
        op.mul(r, r, out=s)
        op.mul(s, d["WL"], out=s)  # r^2 WL
        op.add(d["WG"], s, out=inv)
        op.div(d["W"], inv, out=inv)  # mask / variance of u
        op.mul(u, inv, out=ui)
        chi2[:] = op.vecdot(u, ui)
        cols = []
        if free:
            c0 = buf["c0"][:n]
            op.mul(ui, s, out=c0)
            op.add(c0, t, out=c0)
            op.mul(c0, self.e_dev, out=c0)  # d u / d beta, with the variance's dependence on beta
            cols.append(c0)
        op.sub(r, 1.0, out=r)  # -(1 - r): d u / d theta = -(1 - r) dB/dtheta
        op.mul(b, r, out=lb)  # d u / d ln A (L - B no longer needed)
        cols.append(lb)
        if h is not None:
            c2 = buf["c2"][:n]
            op.mul(lb, h, out=c2)  # d u / d theta_1, divided by c
            cols.append(c2)
        ci = buf["ci"][:n]
        k = len(cols)
        for i in range(k):
            op.mul(cols[i], inv, out=ci)
            g[:, i] = op.vecdot(cols[i], ui)
            for j in range(i, k):
                a[:, i, j] = a[:, j, i] = op.vecdot(ci, cols[j])
        if c is not None:
            a[:, k - 1, :] *= c[:, None]
            a[:, :, k - 1] *= c[:, None]
            g[:, k - 1] *= c


def _solve_lm(
    problem: _Problem,
    x0: NDArray,
    lam0: float = 1e-3,
    xtol: float = _XTOL,
    bounds: tuple[NDArray, NDArray] | None = None,
    ftol: float = 0.0,
) -> tuple[NDArray, NDArray, NDArray, NDArray]:
    """Levenberg-Marquardt (Marquardt's diagonal scaling, Nielsen's damping update) for every row at once; each row
    stops on its own.

    Steps solve (J^T J + lam diag(J^T J)) dx = -J^T rho; a step is taken where it lowers chi2, and lam then moves by the
    ratio of the actual to the predicted decrease (Nielsen, IMM-REP-1999-05, DTU (1999): lam x max(1/3, 1 - (2 q - 1)^3)
    on success, x 2, 4, 8 ... on failures in a row), which does not oscillate as a fixed x10 / /10 rule does.
    ``bounds`` (lo, hi), rows (m, k): the parameters are kept inside them (a step is cut back to the box), so that a
    tail parameter the data do not constrain cannot run away; a parameter on the box's edge whose gradient points out of
    it is held there while the others step (the constrained minimum, in as few steps as inside).  A row stops when an
    accepted step is below ``xtol`` relative in every parameter, or, where the tail has a direction the data do not
    constrain (a Voigt width going to 0), when an accepted step moves beta by less than ``xtol`` (at most
    ``_XTOL_NEAR``) relative and chi2 by less than 1e-9 relative (with ``xtol`` below ``_XTOL_NEAR``: while a tail
    parameter still moves by more than 1e-6).  A step is at most half of beta and ``_MAX_TAIL_STEP`` in a tail parameter
    (shortened along its direction).  ``ftol`` > 0: a row also stops when an undamped (lam <= 1e-3) accepted step lowers
    chi2 by less than ``ftol`` (where only chi2 itself is needed, to that precision).  With ``xtol`` below
    ``_XTOL_NEAR``, a row whose accepted step was below ``_XTOL_NEAR`` also stops at the first step that does not lower
    chi2 (the rounding floor; the last accepted point is kept).  ``lam0``: the first damping.  Returns x (m, k), chi2
    (m,), J^T J at x (m, k, k) and whether the row converged.
    """
    m, k = x0.shape
    x = x0.copy()
    chi2, a, g, ok = problem(x)
    lam = np.full(m, lam0)
    nu = np.full(m, 2.0)
    done = np.zeros(m, dtype=bool)
    near = np.zeros(m, dtype=bool)  # an accepted step below _XTOL_NEAR (the final fits' stop only)
    fine = xtol < _XTOL_NEAR
    active = ok.copy()
    cur = np.arange(m)  # rows of the original problem held by ``part``
    part = problem
    eye = np.eye(k)
    for _ in range(_MAX_ITER):
        live = active[cur]
        if not np.any(live):
            break
        if np.count_nonzero(live) <= cur.size // 2:
            keep = np.flatnonzero(live)
            cur = cur[keep]
            part = part.subset(keep)
            live = np.ones(cur.size, dtype=bool)
        xa, aa, ga, ca, la = x[cur], a[cur], g[cur], chi2[cur], lam[cur]
        diag = np.einsum("ijj->ij", aa)
        mat = aa + (la[:, None] * np.where(diag > 0, diag, 1.0))[:, :, None] * eye
        mat[~live] = eye
        ga = np.where(live[:, None], ga, 0.0)
        if bounds is not None:
            # a parameter on the box's edge whose gradient points out of the box is held there (its row and column
            # of the normal equations replaced by the identity, its gradient by 0): the others then step as for
            # the constrained minimum, where a step cut back to the box zig-zags to the iteration limit
            held = ((xa <= bounds[0][cur]) & (ga > 0)) | ((xa >= bounds[1][cur]) & (ga < 0))
            if np.any(held):
                mat = np.where(held[:, :, None] | held[:, None, :], eye, mat)
                ga = np.where(held, 0.0, ga)
        with np.errstate(all="ignore"):
            try:
                step = -np.linalg.solve(mat, ga[..., None])[..., 0]
            except np.linalg.LinAlgError:
                step = np.stack([-np.linalg.lstsq(mm, gg, rcond=None)[0] for mm, gg in zip(mat, ga)])
        # a step longer than half of beta or 2 in a tail parameter (log amplitudes, exponents) is shortened along its
        # direction: far from the minimum the linearisation is poor, and one wild step can land where the tail
        # vanishes and no gradient leads back
        limit = np.full(step.shape, _MAX_TAIL_STEP)
        if part.fixed is None:
            limit[:, 0] = 0.5 * np.abs(xa[:, 0])
        with np.errstate(all="ignore"):
            scale = np.min(np.where(np.abs(step) > limit, limit / np.abs(step), 1.0), axis=1)
        step = step * scale[:, None]
        xn = xa + step
        if bounds is not None:
            xn = np.clip(xn, bounds[0][cur], bounds[1][cur])
            step = xn - xa
        cn, an, gn, okn = part(xn)
        with np.errstate(all="ignore"):
            # predicted decrease of chi2 = |rho|^2 by the linearised step: -(2 dx.g + dx.A.dx)
            pred = -(2.0 * np.einsum("ij,ij->i", step, ga) + np.einsum("ij,ijk,ik->i", step, aa, step))
            gain = (ca - cn) / pred
        better = live & okn & np.all(np.isfinite(step), axis=1) & (cn <= ca * (1.0 + 1e-14))
        small = np.all(np.abs(step) <= xtol * (np.abs(xa) + xtol), axis=1)
        if part.fixed is None:
            flat = (np.abs(step[:, 0]) <= max(xtol, _XTOL_NEAR) * np.abs(xa[:, 0])) & (ca - cn <= 1e-9 * ca)
            if fine:  # a direction the data do not constrain: a tail parameter still wandering (above 1e-6)
                flat &= np.any(np.abs(step[:, 1:]) > 1e-6 * (np.abs(xa[:, 1:]) + 1e-6), axis=1)
            small |= flat
        acc = cur[better]
        x[acc], chi2[acc], a[acc], g[acc] = xn[better], cn[better], an[better], gn[better]
        q = np.where(np.isfinite(gain), gain, 0.0)
        shrink = np.maximum(1.0 / 3.0, 1.0 - (2.0 * np.clip(q, 0.0, 1.0) - 1.0) ** 3)
        lam[cur] = np.where(better, np.maximum(la * shrink, 1e-15), np.where(live, la * nu[cur], la))
        nu[cur] = np.where(better, 2.0, np.where(live, 2.0 * nu[cur], nu[cur]))
        conv = better & small
        if ftol > 0:
            conv |= better & (ca - cn <= ftol) & (la <= 1e-3)
        if fine:
            conv |= live & ~better & near[cur]  # at the rounding floor: the last accepted point is the minimum
            near[cur[better & np.all(np.abs(step) <= _XTOL_NEAR * (np.abs(xa) + _XTOL_NEAR), axis=1)]] = True
        stuck = live & ~better & (lam[cur] > 1e25)
        done[cur[conv]] = True
        active[cur[conv | stuck]] = False
    return x, chi2, a, done


def _cov00(a: NDArray) -> NDArray:
    """(J^T J)^+ [0, 0] per row: the pseudo-inverse keeping singular values of J above 1e-8 of the largest."""
    val, vec = np.linalg.eigh(a)
    top = val[:, -1:]
    keep = val > 1e-16 * top
    inv = np.where(keep, 1.0 / np.where(keep, val, 1.0), 0.0)
    return np.einsum("ij,ij->i", vec[:, 0, :] ** 2, inv)


def _bounds(family: str, a0: NDArray) -> tuple[NDArray, NDArray, NDArray]:
    """Default start, lower and upper bounds of (beta, tail parameters) per row."""
    th0, tlo, thi = _start(family, a0)
    m = a0.size
    lo = np.column_stack((np.full(m, 1e-6), tlo))
    hi = np.column_stack((np.full(m, 2.0), thi))
    return th0, lo, hi


def _first_pass(
    e: NDArray, d: dict[str, NDArray], beta0: NDArray, a0: NDArray, gain: float, work: _Work, families: Sequence[str]
) -> tuple[NDArray, NDArray, dict[int, NDArray]]:
    """The fit with the observed variances (each pair's from its neighbours', :func:`_neighbours`), whose expected
    counts make the model-consistent variances of the fits that count (:mod:`.joint`): one family per row -- the
    Pearson VII tail where asked for (the most flexible: it contains the Lorentzian-power tail and falls as a power
    law far out; on the calibration spectra of every tail family its variances moved the other families' temperatures
    by 0.001 K, 1e-3 of their errors), else the Lorentzian-power one, else the first; a row where it fails takes the
    next.  Returns the variances (WG, WL) (m, n) and the first-pass parameters per family index (NaN rows where that
    family was not the one used)."""
    m = a0.size
    floor = max(gain, 1e-12)
    wg0, wl0 = (np.maximum(v, floor) for v in _neighbours(d["W"], d["VG"], d["VL"]))
    wg, wl = wg0.copy(), wl0.copy()
    todo = np.arange(m)
    rank = {"pearson7": 0, "lorentzian-power": 1}
    order = sorted(range(len(families)), key=lambda i: rank.get(families[i], 2))
    starts: dict[int, NDArray] = {}
    for i in order:
        if todo.size == 0:
            break
        fam = families[i]
        sub = (
            {k: (v[todo] if v.ndim == 2 or k in ("h", "sigma") else v) for k, v in d.items()}
            if todo.size < m
            else dict(d)
        )
        sub["WG"], sub["WL"] = wg0[todo], wl0[todo]
        th0, lo, hi = _bounds(fam, a0[todo])
        x0 = np.clip(np.column_stack((beta0[todo], th0)), lo + 1e-12, hi - 1e-12)
        x, _, _, ok = _solve_lm(_Problem(fam, e, sub, work), x0, 1e-3, _XTOL_FIRST, (lo, hi))
        ok &= np.all(np.isfinite(x), axis=1) & np.all((x > lo) & (x < hi), axis=1)
        with np.errstate(all="ignore"):
            r = np.exp(-x[:, 0:1] * e)
            b, _ = tail_values(fam, e, x[:, 1:], sub["h"], sub["sigma"])
            vg, vl = sub["WG"], sub["WL"]
            # fitted signal (errors in both variables), then model-consistent variances
            s_hat = (r * (sub["G"] - b) / vg + (sub["L"] - b) / vl) / (r * r / vg + 1.0 / vl)
            new_g = sub["VG"] + gain * (b + r * s_hat - sub["G"])
            new_l = sub["VL"] + gain * (b + s_hat - sub["L"])
        inside = sub["W"] > 0
        ok &= np.all(np.isfinite(new_g) | ~inside, axis=1) & np.all(np.isfinite(new_l) | ~inside, axis=1)
        rows = todo[ok]
        wg[rows] = np.where(np.isfinite(new_g[ok]), np.maximum(new_g[ok], floor), floor)
        wl[rows] = np.where(np.isfinite(new_l[ok]), np.maximum(new_l[ok], floor), floor)
        full = np.full((m, x.shape[1]), np.nan)
        full[rows] = x[ok]
        starts[i] = full
        todo = todo[~ok]
    return wg, wl, starts


def _neighbours(w: NDArray, *variances: NDArray) -> tuple[NDArray, ...]:
    """The first pass's weights: each pair's variance as the mean of its neighbours' (two on each side, inside the
    row's own window ``w`` > 0), its own left out; the pair's own where it has none; for each of ``variances`` (the
    neighbour counts found once).  A weight taken from the count it weights (Neyman's chi2) pulls a fit down at low
    counts (a channel below its mean weighs more); this first pass sets the variances of the fits that count, so its
    bias made their errors too small at a few counts per channel (calibration page, the map at dose 1e6: z
    scattering by 1.12-1.15 instead of 1)."""
    inside = w > 0
    around = np.array([1.0, 1.0, 0.0, 1.0, 1.0])
    cnt = ndimage.convolve1d(inside.astype(float), around, axis=1, mode="constant")
    has = cnt > 0
    safe = np.where(has, cnt, 1.0)
    out = []
    for v in variances:
        tot = ndimage.convolve1d(np.where(inside, v, 0.0), around, axis=1, mode="constant")
        out.append(np.where(has, tot / safe, v))
    return tuple(out)


def _fit_family(
    family: str, e: NDArray, d: dict[str, NDArray], x0: NDArray, lo: NDArray, hi: NDArray, work: _Work
) -> dict[str, NDArray]:
    """One family with the model-consistent variances ``d["WG"]``, ``d["WL"]``, all rows: beta, its variance,
    chi2, theta and whether the fit holds (converged, inside its bounds, beta > 0)."""
    x, chi2, a, ok = _solve_lm(_Problem(family, e, d, work), np.clip(x0, lo + 1e-12, hi - 1e-12), 1e-4, _XTOL, (lo, hi))
    # a minimum on the box's edge is one the family does not have inside its range: the family fails there
    ok &= np.all(np.isfinite(x), axis=1) & np.all((x > lo) & (x < hi), axis=1)
    var = _cov00(np.where(ok[:, None, None], a, np.eye(a.shape[1])))
    ok &= np.isfinite(chi2) & (x[:, 0] > 0) & (var > 0)
    return {"beta": x[:, 0], "var": var, "chi2": chi2, "theta": x[:, 1:], "wg": d["WG"], "wl": d["WL"], "ok": ok}


def _starts(e: NDArray, g: NDArray, lc: NDArray, w: NDArray) -> tuple[NDArray, NDArray]:
    """beta0 (1/meV) from a straight line through ln(G/L) over the pairs with 0 < G < L (1/(k_B 300 K) where fewer
    than 2), and ln A0 from the median gain counts of the top quarter of each row's pairs."""
    m = g.shape[0]
    use = (w > 0) & (g > 0) & (lc > g)
    nn = use.sum(axis=1)
    with np.errstate(all="ignore"):
        y = np.where(use, np.log(np.where(use, g / np.where(use, lc, 1.0), 1.0)), 0.0)
    ee = np.where(use, e[None, :], 0.0)
    sx, sy = ee.sum(axis=1), y.sum(axis=1)
    sxx, sxy = (ee * ee).sum(axis=1), (ee * y).sum(axis=1)
    den = nn * sxx - sx * sx
    with np.errstate(all="ignore"):
        slope = (nn * sxy - sx * sy) / den
    beta0 = np.where((nn >= 2) & np.isfinite(slope) & (-slope > 0), -slope, 1.0 / (KB_MEV * 300.0))
    own = w > 0
    idx = np.arange(e.size)[None, :]
    first = np.argmax(own, axis=1)
    last = e.size - 1 - np.argmax(own[:, ::-1], axis=1)
    thr = e[first] + 0.75 * (e[last] - e[first])
    top = own & (e[None, :] >= thr[:, None] - 1e-9) & (idx >= first[:, None])
    level = _row_median(np.where(top, np.maximum(g, 0.5), np.nan))
    e_top = _row_median(np.where(top, e[None, :], np.nan))
    a0 = np.log(level) + 3.0 * np.log(e_top / E_REF)
    return beta0, np.where(np.isfinite(a0), a0, 0.0)[:m]


def _row_median(a: NDArray) -> NDArray:
    """``np.nanmedian(a, axis=1)`` (the same numbers; NaN for a row of NaN only, without its warning) by one sort of
    the rows: numpy's nanmedian of short rows goes through masked arrays, 7x slower on a block."""
    s = np.sort(a, axis=1)  # NaN last
    c = np.count_nonzero(~np.isnan(a), axis=1)
    rows = np.arange(a.shape[0])
    mid = 0.5 * (s[rows, np.maximum((c - 1) // 2, 0)] + s[rows, np.minimum(c // 2, a.shape[1] - 1)])
    return np.where(c > 0, mid, np.nan)


def satterthwaite(chi2: NDArray, dof: NDArray, kappa: NDArray) -> dict[str, NDArray]:
    """chi2/dof, upper and lower p of a stated-variance chi2 corrected by the centring's kappa (see :mod:`.joint`)."""
    q = chi2 / kappa
    chi2r = q / dof
    rho = (1.0 - kappa) / (2.0 * kappa)
    c = 1.0 + 2.0 * rho * rho
    nu = dof / c
    return {"chi2_reduced": chi2r, "p": special.chdtrc(nu, q / c), "p_low": special.chdtr(nu, q / c)}


def _fit_rows(
    e: NDArray,
    d: dict[str, NDArray],
    kappa: NDArray,
    win: tuple[NDArray, NDArray],
    settings: Settings,
    backend: Backend = NUMPY,
    compiled: bool = False,
) -> dict[str, Any]:
    """Stage 2 on the pairs of rows that passed the region checks (the arrays of ``d`` are (m, n))."""
    g, lc, w = d["G"], d["L"], d["W"]
    m = g.shape[0]
    reason = np.full(m, OK)
    sl, sg = np.einsum("ij,ij->i", lc, w), np.einsum("ij,ij->i", g, w)
    svl = np.einsum("ij,ij->i", d["VL"], w)
    no_loss = sl <= 2.0 * np.sqrt(np.maximum(svl, 1e-300))
    reason[no_loss] = NO_LOSS
    reason[(reason == OK) & (sg >= sl)] = GAIN_GE_LOSS
    detail: dict[str, NDArray] = {"loss_sum": sl, "gain_sum": sg}
    fams = settings.families
    nf = len(fams)
    beta = np.full((m, nf), np.nan)
    var = np.full((m, nf), np.nan)
    chi2 = np.full((m, nf), np.nan)
    fits: list[dict[str, NDArray] | None] = [None] * nf
    act = np.flatnonzero(reason == OK)
    if act.size:
        sub = {k: (v[act] if v.ndim and v.shape[0] == m else v) for k, v in d.items()} if act.size < m else dict(d)
        beta0, a0 = _starts(e, sub["G"], sub["L"], sub["W"])
        work = _Work(act.size, e.size, backend, compiled)
        if "lorentzian-power" in fams or "pearson7" in fams:  # the shared features ln(1 + (E/h)^2) - ...
            sub["feat_h"] = _tail_features("pearson7", e, sub["h"])
        wg, wl, first = _first_pass(e, sub, beta0, a0, settings.gain, work, fams)
        sub["WG"], sub["WL"] = wg, wl
        # starts from the first pass: beta and ln A (every family's amplitude is its tail at E_ref) from it, a power
        # law's exponent from Pearson VII's far end (E^-2m), a Pearson VII m = 3/2 from a Lorentzian-power tail
        prior = np.full((act.size, 3), np.nan)
        for j, x1 in first.items():
            with np.errstate(over="ignore", invalid="ignore"):
                extra = 2.0 * np.exp(x1[:, 2]) if fams[j] == "pearson7" else np.full(act.size, np.nan)
            prior = np.where(np.isfinite(prior), prior, np.column_stack((x1[:, :2], extra)))
        for i, fam in enumerate(fams):
            th0, lo, hi = _bounds(fam, a0)
            x0 = np.column_stack((beta0, th0))
            x0[:, :2] = np.where(np.isfinite(prior[:, :2]), prior[:, :2], x0[:, :2])
            if fam == "power-law":
                x0[:, 2] = np.where(np.isfinite(prior[:, 2]), np.clip(prior[:, 2], 0.5, 9.0), x0[:, 2])
            if i in first:  # per row: a row whose first pass was this family starts from it (the others: NaN)
                x0 = np.where(np.isfinite(first[i]), first[i], x0)
            f = _fit_family(fam, e, dict(sub), x0, lo, hi, work)
            fits[i] = f
            beta[act, i] = np.where(f["ok"], f["beta"], np.nan)
            var[act, i] = np.where(f["ok"], f["var"], np.nan)
            chi2[act, i] = np.where(f["ok"], f["chi2"], np.nan)
    n_k = np.array([1 + _n_tail(f) for f in fams])
    good = np.isfinite(chi2)
    reason[(reason == OK) & ~good.any(axis=1)] = FAILED
    aic = np.where(good, chi2 / kappa[:, None] + 2 * n_k[None, :], np.inf)
    best = np.argmin(aic, axis=1)
    aic_min = aic[np.arange(m), best]
    with np.errstate(invalid="ignore"):
        delta = aic - aic_min[:, None]
    wts = np.where(good, np.exp(-0.5 * np.where(good, delta, 0.0)), 0.0)
    tot = wts.sum(axis=1)
    wts = wts / np.where(tot > 0, tot, 1.0)[:, None]
    bsafe = np.where(good, beta, 0.0)
    bbar = (wts * bsafe).sum(axis=1)
    vbar = (wts * (np.where(good, var, 0.0) + (bsafe - bbar[:, None]) ** 2)).sum(axis=1)
    rows = np.arange(m)
    chi2_best = chi2[rows, best]
    dof = d["W"].sum(axis=1) - n_k[best]
    sat = satterthwaite(np.where(reason == OK, chi2_best, 1.0), np.maximum(dof, 1), kappa)
    adequate = sat["p"] >= ADEQUACY_P
    inflation = np.where(adequate, 1.0, np.sqrt(sat["chi2_reduced"]))
    reason[(reason == OK) & ~(bbar > 0)] = RATIO
    # the gain side must carry phonon signal: by > 2 sigma over the tail in the window, and r = 0 must fit worse
    excess = np.full(m, np.nan)
    noise = np.full(m, np.nan)
    rise = np.full(m, np.nan)
    bound = np.full(m, np.nan)
    best_theta: list[Any] = [None] * m
    for i, fam in enumerate(fams):
        f = fits[i]
        if f is None:
            continue
        mine = np.flatnonzero((reason[act] == OK) & (best[act] == i))
        if mine.size == 0:
            continue
        rws = act[mine]
        th = f["theta"][mine]
        for j, r_ in enumerate(rws.tolist()):
            best_theta[r_] = th[j]
        e_in = (e[None, :] >= win[0][rws, None] - 1e-9) & (e[None, :] <= win[1][rws, None] + 1e-9)
        wi = e_in * d["W"][rws]
        b, _ = tail_values(fam, e, th, d["h"][rws], d["sigma"][rws])
        excess[rws] = np.einsum("ij,ij->i", d["G"][rws] - b, wi)
        noise[rws] = np.sqrt(np.maximum(np.einsum("ij,ij->i", f["wg"][mine], wi), 1e-300))
        low = excess[rws] <= 2.0 * noise[rws]
        reason[rws[low]] = NO_GAIN
        test = ~low
        if not np.any(test):
            continue
        rt, mt = rws[test], mine[test]
        dz = {
            "G": d["G"][rt], "L": d["L"][rt], "W": d["W"][rt], "WG": f["wg"][mt], "WL": f["wl"][mt],
            "h": d["h"][rt], "sigma": d["sigma"][rt],
        }  # fmt: skip
        prob = _Problem(fam, e, dz, work, np.full(rt.size, np.inf))
        # start: the fit's tail shape with the amplitude that fits the gain side alone (linear least squares)
        th = f["theta"][mt].copy()
        shape_b, _ = tail_values(fam, e, th, dz["h"], dz["sigma"])
        with np.errstate(all="ignore"):
            wgt = dz["W"] / dz["WG"]
            amp = np.einsum("ij,ij->i", dz["G"] * wgt, shape_b) / np.einsum("ij,ij->i", shape_b * wgt, shape_b)
        th[:, 0] = np.where(amp > 0, th[:, 0] + np.log(np.where(amp > 0, amp, 1.0)), th[:, 0])
        _, tlo, thi = _bounds(fam, th[:, 0])
        tail_box = (tlo[:, 1:].copy(), thi[:, 1:].copy())
        tail_box[0][:, 0], tail_box[1][:, 0] = -np.inf, np.inf  # the amplitude is free; the shape stays in range
        _, c0, _, conv = _solve_lm(prob, th, 1e-4, _XTOL_FIRST, tail_box, _FTOL_CHI2)
        rs = (c0 - f["chi2"][mt]) / kappa[rt]
        rise[rt] = np.where(conv, rs, np.nan)
        one_sided = conv & (rs < NO_GAIN_DCHI2)
        reason[rt[one_sided]] = ONE_SIDED
        if settings.bound and np.any(one_sided):
            sel = np.flatnonzero(one_sided)
            bound[rt[sel]] = _upper_bound(
                fam, e, {k: v[sel] for k, v in dz.items() if k in ("G", "L", "W", "WG", "WL", "h", "sigma")},
                f["theta"][mt[sel]], f["beta"][mt[sel]], f["chi2"][mt[sel]], kappa[rt[sel]], work,
                (tail_box[0][sel], tail_box[1][sel]),
            )  # fmt: skip
    valid = reason == OK
    bb = np.where(valid, bbar, 1.0)
    t = np.where(valid, 1.0 / (KB_MEV * bb), np.nan)
    t_err = np.where(valid, inflation * np.sqrt(np.abs(vbar)) / (KB_MEV * bb**2), np.nan)
    with np.errstate(all="ignore"):
        fam_t = np.where(good, 1.0 / (KB_MEV * beta), np.nan)
        fam_e = np.where(good, np.sqrt(var) / (KB_MEV * beta**2), np.nan)
    detail.update(excess=excess, noise=noise, rise=rise, bound=bound)
    return {
        "temperature": t,
        "temperature_err": t_err,
        "valid": valid,
        "reason": reason,
        "chi2": np.where(valid, chi2_best / kappa, np.nan),
        "dof": np.where(valid, dof, 0).astype(np.int64),
        "chi2_reduced": np.where(valid, sat["chi2_reduced"], np.nan),
        "p_value": np.where(valid, sat["p"], np.nan),
        "p_low": np.where(valid, sat["p_low"], np.nan),
        "adequate": valid & adequate,
        "inflation": np.where(valid, inflation, np.nan),
        "best": best,
        "weights": wts,
        "family_temperatures": fam_t,
        "family_errors": fam_e,
        "family_chi2": np.where(good, chi2 / kappa[:, None], np.nan),
        "theta": best_theta,
        "detail": detail,
    }


def _upper_bound(
    family: str,
    e: NDArray,
    d: dict[str, NDArray],
    theta: NDArray,
    beta: NDArray,
    chi2: NDArray,
    kappa: NDArray,
    work: _Work,
    box: tuple[NDArray, NDArray] | None = None,
) -> NDArray:
    """T (K) above each row's fitted temperature where the profile chi2 rises by ``BOUND_DCHI2`` (NaN: none below
    1e5 K), by bisection in ln beta on all rows at once (the tail refitted at each beta)."""
    target = chi2 + kappa * BOUND_DCHI2
    b_hi = beta.copy()
    b_lo = np.full(beta.size, 1.0 / (KB_MEV * 1e5))

    def profile(bt: NDArray) -> NDArray:
        _, c, _, conv = _solve_lm(_Problem(family, e, dict(d), work, bt), theta, 1e-4, _XTOL_FIRST, box, _FTOL_CHI2)
        return np.where(conv, c, np.nan)

    has = (b_lo < b_hi) & (profile(b_lo) > target)
    for _ in range(40):
        live = has & (b_hi / b_lo >= 1.002)
        if not np.any(live):
            break
        mid = np.sqrt(b_lo * b_hi)
        above = profile(mid) > target
        b_lo = np.where(live & above, mid, b_lo)
        b_hi = np.where(live & ~above, mid, b_hi)
    return np.where(has, 1.0 / (KB_MEV * np.sqrt(b_lo * b_hi)), np.nan)


def fit_block(
    spectra: Spectra, settings: Settings, backend: Backend | None = None, compiled: bool = False
) -> dict[str, Any]:
    """Stage 2: the temperature of every row of ``spectra`` (see the module docstring).

    ``backend`` (:mod:`kapitza._backend`, default numpy): where the fits' passes over the channel pairs run (numpy,
    or torch on the CPU or a GPU); the numbers are the same to rounding (the temperatures to far below 1e-9 K).
    ``compiled`` (numpy backend only, numba installed: :func:`.kernel.available`): the evaluations of the fits
    compiled (:mod:`.kernel`) instead of numpy's passes; the same numbers to rounding.

    Returns arrays (m,): temperature, temperature_err (K, NaN where not valid), valid, reason (codes, see
    :func:`reason_text`), chi2 (kappa-corrected), dof, chi2_reduced, p_value, p_low, adequate, inflation, the
    window and region per row, fwhm, kappa, n_pairs; best (index into the families), weights,
    family_temperatures, family_errors, family_chi2 (m, n_families); theta (the best family's tail parameters, a
    list); detail (the numbers behind a reason).
    """
    m = spectra.size
    fwhm = fwhm_rows(spectra)
    w = spectra.width
    e_max = spectra.reach * w
    rule = region_rule(settings, fwhm, e_max, w)
    reason = np.where(spectra.peak, rule["reason"], NO_PEAK)
    k_first = np.maximum(1, np.ceil(rule["region_lo"] / w - 1e-6)).astype(np.int64)
    k_last = np.minimum(spectra.reach, np.floor(rule["region_hi"] / w + 1e-6).astype(np.int64))
    n_pairs = np.where(reason == OK, np.maximum(k_last - k_first + 1, 0), 0)
    reason = np.where((reason == OK) & (n_pairs < MIN_PAIRS), FEW, reason)
    out: dict[str, Any] = {
        "fwhm": fwhm,
        "kappa": spectra.kappa,
        "n_pairs": n_pairs,
        **{k: v for k, v in rule.items() if k != "reason"},
    }
    act = np.flatnonzero(reason == OK)
    nf = len(settings.families)
    res: dict[str, Any] = {
        "temperature": np.full(m, np.nan),
        "temperature_err": np.full(m, np.nan),
        "valid": np.zeros(m, dtype=bool),
        "reason": reason,
        "chi2": np.full(m, np.nan),
        "dof": np.zeros(m, dtype=np.int64),
        "chi2_reduced": np.full(m, np.nan),
        "p_value": np.full(m, np.nan),
        "p_low": np.full(m, np.nan),
        "adequate": np.zeros(m, dtype=bool),
        "inflation": np.full(m, np.nan),
        "best": np.zeros(m, dtype=np.int64),
        "weights": np.zeros((m, nf)),
        "family_temperatures": np.full((m, nf), np.nan),
        "family_errors": np.full((m, nf), np.nan),
        "family_chi2": np.full((m, nf), np.nan),
        "theta": [None] * m,
        "detail": {},
    }
    if act.size:
        ks = np.arange(int(k_first[act].min()), int(k_last[act].max()) + 1)
        e = ks * w
        K = spectra.half
        sub = spectra.take(act)
        mask = (ks[None, :] >= k_first[act, None]) & (ks[None, :] <= k_last[act, None])
        fw = fwhm[act]
        # np.take: C-ordered pairs (the compiled kernel's layout; ``a[:, idx]`` would be F-ordered, and copied again
        # for every problem of the block)
        d = {
            "G": np.take(sub.counts, K - ks, axis=1),
            "L": np.take(sub.counts, K + ks, axis=1),
            "VG": np.take(sub.variance, K - ks, axis=1),
            "VL": np.take(sub.variance, K + ks, axis=1),
            "W": mask.astype(float),
            "h": 0.5 * fw,
            "sigma": fw / FWHM_PER_SIGMA,
        }
        win = (rule["window_lo"][act], rule["window_hi"][act])
        fit = _fit_rows(e, d, sub.kappa, win, settings, backend or NUMPY, compiled)
        for key, value in fit.items():
            if key == "theta":
                for j, r_ in enumerate(act.tolist()):
                    res["theta"][r_] = value[j]
            elif key == "detail":
                res["detail"] = {k: _scatter(m, act, v) for k, v in value.items()}
            else:
                res[key][act] = value
        res["energies"] = e
    out.update(res)
    return out


def fit_spectra(
    spectra: Spectra,
    settings: Settings,
    block: int | None = None,
    backend: Backend | None = None,
    compiled: bool = False,
) -> dict[str, Any]:
    """:func:`fit_block` on blocks of ``block`` rows (default :func:`block_rows`), the per-row results concatenated
    (``energies`` dropped); ``compiled``: as in :func:`fit_block`."""
    backend = backend or NUMPY
    block = block_rows(2 * spectra.half + 1, backend, compiled, spectra.size) if block is None else int(block)
    parts = [
        fit_block(spectra.take(slice(i, i + block)), settings, backend, compiled) for i in range(0, spectra.size, block)
    ]
    if len(parts) == 1:
        return parts[0]
    out: dict[str, Any] = {}
    for key in parts[0]:
        if key == "energies":
            continue
        if key == "theta":
            out[key] = [t for p in parts for t in p[key]]
        elif key == "detail":
            names = set().union(*(p[key].keys() for p in parts))
            out[key] = {
                n: np.concatenate([p[key].get(n, np.full(p["valid"].size, np.nan)) for p in parts]) for n in names
            }
        else:
            out[key] = np.concatenate([p[key] for p in parts])
    return out


def map_block(
    counts: NDArray[np.float64],
    variance: NDArray[np.float64],
    energy: NDArray[np.float64],
    settings: Settings,
    *,
    half: int,
    bin_position: int = 1,
    centred_kappa: NDArray[np.float64] | None = None,
    backend: Backend | None = None,
    compiled: bool = False,
) -> dict[str, Any]:
    """Raw (or centred) spectra (m, n_channels) -> their temperatures: stage 1, groups of ``bin_position``
    neighbouring rows summed, stage 2 (its passes on ``backend``, default numpy, or ``compiled``: :func:`fit_block`).
    What every chunked driver calls per block."""
    sp = centre_block(counts, variance, energy, half=half, centred_kappa=centred_kappa)
    return fit_block(sp.binned(bin_position), settings, backend, compiled)


def _scatter(m: int, rows: NDArray, values: NDArray) -> NDArray:
    full = np.full(m, np.nan)
    full[rows] = values
    return full


def reason_text(code: int, row: int, out: dict[str, Any]) -> str:
    """The reason a row has no temperature, in words with its numbers."""
    det = out.get("detail", {})

    def get(name: str) -> float:
        v = det.get(name)
        return float(v[row]) if v is not None else math.nan

    f = float(out["fwhm"][row]) if np.isfinite(out["fwhm"][row]) else math.nan
    if code == NO_PEAK:
        return "no zero-loss peak found (the highest channel must be a peak inside the energy axis, with counts)"
    if code == NO_WIDTH:
        return "the zero-loss peak's half maximum is not crossed inside the axis on both sides: its FWHM is undefined"
    if code == BEYOND:
        return (
            f"the window or region ends beyond the data: gain and loss channels pair up only to |E| = "
            f"{float(out['region_hi'][row]) if np.isfinite(out['region_hi'][row]) else math.nan:g} meV"
        )
    if code == CORE:
        return (
            f"the fit region starts at {float(out['region_lo'][row]):g} meV, inside the zero-loss peak's core (FWHM "
            f"{f:.4g} meV): start the window (or the region) at >= 1 x FWHM"
        )
    if code == FEW:
        return (
            f"the fit region {float(out['region_lo'][row]):.4g}:{float(out['region_hi'][row]):.4g} meV holds "
            f"{int(out['n_pairs'][row])} channel pairs; the joint fit needs >= {MIN_PAIRS}"
        )
    if code == NO_LOSS:
        return f"no loss signal above noise (loss sum {get('loss_sum'):g} counts)"
    if code == GAIN_GE_LOSS:
        return f"gain sum {get('gain_sum'):g} >= loss sum {get('loss_sum'):g} counts: no positive temperature"
    if code == FAILED:
        return "the joint fit failed for every tail family"
    if code == RATIO:
        return "the fitted gain/loss ratio is >= 1: no positive temperature"
    lo, hi = float(out["window_lo"][row]), float(out["window_hi"][row])
    if code == NO_GAIN:
        return (
            f"no gain signal above noise: the gain side exceeds the fitted tail by {get('excess'):.3g} +- "
            f"{get('noise'):.3g} counts in the window {lo:.4g}:{hi:.4g} meV (needs > 2 sigma)"
        )
    if code == ONE_SIDED:
        b = get("bound")
        text = f"T < {b:.4g} K (one-sided 95 % bound)" if math.isfinite(b) else "no upper bound either"
        return (
            f"no gain signal above noise: a gain side of pure zero-loss tail (r = 0, T -> 0) fits as well (chi2 "
            f"rises by {get('rise'):.3g} < {NO_GAIN_DCHI2:g}), so the likelihood in T is one-sided and no T +- error "
            f"is given; {text}"
        )
    return ""


def check_families(families: Any) -> tuple[str, ...]:
    if isinstance(families, str):
        families = (families,)
    try:
        fams = tuple(str(f) for f in families)
    except TypeError:
        raise InputError(f"families must be a list of tail families ({', '.join(FAMILIES)})") from None
    bad = [f for f in fams if f not in FAMILIES]
    if bad or not fams or len(set(fams)) != len(fams):
        raise InputError(
            f"tail families must be distinct, among {', '.join(FAMILIES)}; got {', '.join(fams) or 'none'}"
        )
    return fams


def check_range(value: Any, name: str, width: float) -> tuple[float, float] | None:
    """(lo, hi) in meV with 0 < lo < hi and at least one channel wide; None stays None."""
    if value is None:
        return None
    try:
        lo, hi = (float(x) for x in value)
    except (TypeError, ValueError):
        raise InputError(f"{name} must be two numbers (lo, hi) in meV, got {value!r}") from None
    if not (math.isfinite(lo) and math.isfinite(hi)) or lo <= 0 or hi <= lo:
        raise InputError(f"{name} must satisfy 0 < lo < hi (|E| in meV), got {lo:g}:{hi:g}")
    if hi - lo < width:
        raise InputError(f"{name} {lo:g}:{hi:g} meV is narrower than one channel ({width:g} meV)")
    return lo, hi


def settings(
    window_mev: Any, region_mev: Any, families: Sequence[str] | str, gain: float, width: float, bound: bool = False
) -> Settings:
    """Checked :class:`Settings` (InputError for a window or region that is not two increasing |E| in meV)."""
    window = check_range(window_mev, "window_mev", width)
    region = check_range(region_mev, "region_mev", width)
    if window is not None and region is not None and (region[0] > window[0] or region[1] < window[1] - width):
        raise InputError(
            f"region_mev {region[0]:g}:{region[1]:g} meV must contain the window {window[0]:g}:{window[1]:g} meV"
        )
    g = float(gain)
    return Settings(window, region, check_families(families), g if math.isfinite(g) and g > 0 else 1.0, bound)


__all__ = [
    "ADEQUACY_P",
    "BLOCK_ROWS",
    "COMPILED_BLOCK_ROWS",
    "REASON_LABELS",
    "fit_spectra",
    "map_block",
    "AUTO_WINDOW_FWHM",
    "DEFAULT_FAMILIES",
    "FAMILIES",
    "Settings",
    "centre_block",
    "fit_block",
    "fwhm_rows",
    "reason_text",
    "region_rule",
    "zlp_rows",
]
