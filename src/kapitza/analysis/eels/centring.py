"""Stage 1 of the EELS temperature estimator (:mod:`.core`): each spectrum centred on its own zero-loss peak.

Stage 1, :func:`centre_block`: raw spectra (pixels x channels) -> :class:`Spectra`, each row shifted so that its
own zero-loss peak (ZLP) sits at 0 on the grid E = k w, k = -K..K, with the row's own reach (the largest k whose
+k and -k channels both lie inside *its* centred axis), its centring variance ratio kappa and whether a ZLP was
found.  The ZLP position is that of :func:`~.preprocess.zlp_position` (log-parabola vertex through the channels
within the half width at half maximum, at most 5 each side), with the half width read from the row itself, not
from a sum over other rows; the shift is :func:`~.preprocess.shift_many`'s sum-preserving one.  Already centred
data are copied onto the grid unchanged.  Rows may then be summed (:meth:`Spectra.binned`,
:meth:`Spectra.summed`): a binned or summed spectrum reaches as far as all of its parts do.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .preprocess import around_peak, centring_kappa, is_uniform, log_parabola_vertex, shift_many

_MAX_HALF = 5


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
