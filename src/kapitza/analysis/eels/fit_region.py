"""The window and the fit region of each spectrum (stage 2 of :mod:`.core`), and the settings that ask for them.

Per row: its zero-loss peak's FWHM from its own centred counts (:func:`fwhm_rows`), then the window and the region
(|E| in meV) from the settings and that width (:func:`region_rule`), with a reason code (:mod:`.reasons`) where they
do not fit the row; :func:`settings` checks what a caller asks (:class:`Settings`).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ...errors import InputError
from .centring import Spectra
from .reasons import BEYOND, CORE, NO_WIDTH, OK
from .tails import DEFAULT_FAMILIES, check_families

#: The automatic window starts at this many ZLP FWHM (of the spectrum itself) and ends at the axis end.
AUTO_WINDOW_FWHM = 6.0
#: Channel pairs the fit needs at least.
MIN_PAIRS = 8


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
