"""Temperature from the gain/loss ratio of a centred, background-subtracted vibrational EEL spectrum.

Physics.  For a mode of energy E in equilibrium at T, detailed balance gives
I_gain(E) / I_loss(E) = exp(-E / k_B T) (see :mod:`.balance`; Idrobo et al., Phys. Rev. Lett. 120,
095901 (2018), Eq. 1).  The loss channel at +E is paired with the gain channel at -E exactly (the
data must be centred: zero-loss peak at 0, channels at integer multiples of the channel width, as
:func:`~kapitza.analysis.eels.preprocess.centre_zlp` makes them), and the pairs of one energy window
are fitted together: model ``I_gain = r(E) I_loss`` with ``r(E) = exp(c - beta E)``, beta = 1 / k_B T,
and c = 0 (default, pure detailed balance) or a free intercept (``intercept=True``; it absorbs a
gain/loss efficiency asymmetry, e.g. a residual background, at the price of a larger error).

Quantum vs classical cross-section.  Only the ratio is used, and it is exp(-E / k_B T) for both the
quantum form (loss ~ n + 1, gain ~ n) and the detailed-balance-corrected classical form (loss ~
(k_B T/E) exp(+E/2k_BT), gain ~ (k_B T/E) exp(-E/2k_BT)); the two differ in absolute intensities
only, so the temperature does not depend on which one holds.  The forward model
(:mod:`.forward`) uses the quantum form by default.

Estimator.  The figure quantity is ln(I_gain / I_loss) against E, slope -1/k_B T (``log_ratio``,
``log_ratio_err``), but the logarithm of a few counts is biased (E[ln G] < ln E[G]) and undefined for
a channel with no gain count, so it is only the starting point of the fit with an intercept (the
slope-only fit starts from the ratio of the window sums, see :func:`_start`).  The estimate is the
**effective-variance least squares in ratio space**::

    chi2(beta, c) = sum_i (G_i - r_i L_i)^2 / (var G_i + r_i^2 var L_i),      r_i = exp(c - beta E_i)

(G, L: gain and loss counts of channel pair i; the denominator is the variance of G - r L, errors in
both variables), found by Gauss-Newton steps (slope only: secant steps on the score, see
:func:`_gauss_newton`) for all pixels at once.  The variances in the
denominator are *model-consistent*: the Poisson part of each side's variance (detector gain x counts)
is replaced by its expectation given the pair's total N = G + L and the current ratio (G_hat =
r N / (1 + r), L_hat = N / (1 + r)); the rest (read noise, background variance) is kept.  With the
observed variances instead (Neyman's chi2) a channel whose gain count fluctuates low gets a larger
weight, which biases T low: by 1.6 standard errors at ~10 gain counts per channel (300 K, 200
synthetic seeds; the ln-ratio fit is then 1.2 standard errors high); with the
model-consistent ones the weights and the projected intensities depend on N only, and since
E[G - r L | N] = 0 for Poisson counts the fitting equations are unbiased (for pure Poisson data
this is the conditional binomial likelihood of G given N).  The variances are updated between the
Gauss-Newton steps (iteratively reweighted).  The error is from the curvature, delta chi2 = 1:
cov = (sum_i a_i a_i^T / w_i)^-1 with a_i = lam_i dr_i/dtheta, lam_i the errors-in-variables
projection of the loss intensity.  ``chi2_reduced`` = chi2 / (n_channels - n_parameters) measures how
well one ratio exp(c - E/k_B T) describes the window; the error is NOT rescaled by it.

The detector gain (counts per electron) that splits the variance is ``data.metadata["detector_gain"]``
when present, else 1 (counts are electrons, as :func:`~kapitza.analysis.eels.data.eels_data` assumes).

Failures.  One spectrum: InputError with the numbers (window outside the data, narrower than one
channel, no gain or loss signal above noise, gain/loss ratio >= 1, fit not converging).  Maps: the
same tests per pixel give ``valid = False`` with a plain-words ``reasons`` entry, and temperature and
error NaN there (never a NaN with ``valid`` True).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray
from scipy import special, stats

from ...errors import InputError
from ...io.results import result
from .balance import KB_MEV
from .data import EELSData

#: A side's summed signal in the window must exceed this many standard deviations.
SIGNAL_SIGMA = 2.0
#: auto_window: per-channel significance required on the loss and the gain side (summed spectrum).
AUTO_LOSS_SIGMA = 5.0
AUTO_GAIN_SIGMA = 2.0
#: A fit whose chi2 has a p-value below this is "inadequate": its error is inflated by sqrt(chi2_reduced).
ADEQUACY_P = 1e-3
#: Default significance level of the Bose-Einstein consistency test of band temperatures.
DEFAULT_ALPHA = 0.01
_MAX_ITER = 60
_TOL = 1e-9
#: Rows per block of the background refits (:func:`_background_variance`).
_REFIT_ROWS = 256

METHOD_SLOPE = (
    "ratio-space effective-variance least squares of I_gain = exp(-E/k_B T) I_loss (model-consistent variances)"
)
METHOD_INTERCEPT = (
    "ratio-space effective-variance least squares of I_gain = exp(c - E/k_B T) I_loss, free intercept c "
    "(model-consistent variances)"
)
FORM_NOTE = (
    "the gain/loss ratio exp(-E/k_B T) holds for both the quantum (n+1, n) and the detailed-balance "
    "classical cross-section forms; only the ratio is used, so no form is assumed"
)


@result
class TemperatureFit:
    """Temperature from the gain/loss ratio over one energy window.

    Attributes
    ----------
    temperature, temperature_err : float (one spectrum) or ndarray nav_shape
        Temperature and its one-sigma error in K (NaN where ``valid`` is False).
    valid : bool or ndarray nav_shape
        False where no temperature could be measured (see ``reasons``).
    reasons : str or ndarray of str, nav_shape
        Why a pixel is not valid, in plain words ("" where valid).
    window_mev : tuple (lo, hi)
        The ``|E|`` window in meV.
    energies_mev : ndarray (n,)
        The ``|E|`` of the channel pairs used, meV.
    ratio, ratio_err : ndarray nav_shape + (n,)
        I_gain / I_loss per channel pair and its error (first-order; NaN where I_loss <= 0).
    log_ratio, log_ratio_err : ndarray nav_shape + (n,)
        ln(I_gain / I_loss) and its first-order error, for the figure (NaN where a side is <= 0).
    intercept, intercept_err : float or ndarray nav_shape
        The fitted c of r = exp(c - E/k_B T) (0 and 0 unless ``intercept=True``).
    chi2_reduced : float or ndarray nav_shape
        chi2 / (n_channels - n_parameters) of the fit.
    n_channels : int
        Number of channel pairs in the window.
    method, background, form_note : str
        The estimator, the background step read from ``data.steps``, and the cross-section note.
    p_value : float or ndarray nav_shape
        P(chi2_dof >= chi2) of the fit (NaN where not valid).
    adequate : bool or ndarray nav_shape
        p_value >= ``ADEQUACY_P``: one ratio exp(c - E/k_B T) describes the window within the noise.
    inflation : float or ndarray nav_shape
        Factor already applied to ``temperature_err``: 1 where adequate; where not, the fit's statistical
        variance is multiplied by chi2_reduced (the propagated background variance, correlated across
        channels and itself a cause of a large chi2, is added unscaled) and this is the resulting factor.
    verdict : str
        The adequacy verdict in words (for a map: how many pixels were inadequate).
    """

    temperature: Any
    temperature_err: Any
    valid: Any
    reasons: Any
    window_mev: tuple[float, float]
    energies_mev: NDArray[np.float64]
    ratio: NDArray[np.float64]
    ratio_err: NDArray[np.float64]
    log_ratio: NDArray[np.float64]
    log_ratio_err: NDArray[np.float64]
    intercept: Any
    intercept_err: Any
    chi2_reduced: Any
    n_channels: int
    method: str
    background: str
    form_note: str = FORM_NOTE
    p_value: Any = math.nan
    adequate: Any = True
    inflation: Any = 1.0
    verdict: str = ""

    _summary_fields: ClassVar[tuple[str, ...]] = ("temperature", "temperature_err", "window_mev", "chi2_reduced")


@result
class BandTemperatures:
    """Per-band temperatures and the test of one Bose-Einstein temperature for all bands.

    Attributes
    ----------
    bands_mev : ndarray (n_bands, 2)
        The ``|E|`` windows in meV.
    temperature, temperature_err : ndarray nav_shape + (n_bands,)
        Each band's temperature and error in K (NaN where ``valid`` is False).
    valid : ndarray bool, nav_shape + (n_bands,)
        Whether the band's fit succeeded.
    mean_temperature, mean_temperature_err : float or ndarray nav_shape
        The common temperature 1 / (k_B beta_mean), beta_mean the inverse-variance weighted mean of the bands'
        beta = 1 / k_B T (the fitted parameter, closer to Gaussian than T), with its error.
    chi2 : float or ndarray nav_shape
        sum_b (beta_b - beta_mean)^2 / sigma_b^2 over the valid bands.
    dof : int or ndarray nav_shape
        Number of valid bands - 1.
    p_value : float or ndarray nav_shape
        P(chi2_dof >= chi2): small means the bands do not share one temperature (NaN where dof < 1).
    consistent : bool or ndarray nav_shape
        p_value >= alpha (False also where dof < 1: no test possible; see ``tested``).
    tested : bool or ndarray nav_shape
        Whether at least two bands were valid.
    alpha : float
        Significance level.
    verdict : str
        The outcome in plain words.
    fits : tuple of TemperatureFit
        One fit per band.
    """

    bands_mev: NDArray[np.float64]
    temperature: NDArray[np.float64]
    temperature_err: NDArray[np.float64]
    valid: NDArray[np.bool_]
    mean_temperature: Any
    mean_temperature_err: Any
    chi2: Any
    dof: Any
    p_value: Any
    consistent: Any
    tested: Any
    alpha: float
    verdict: str
    fits: tuple[TemperatureFit, ...] = ()

    _summary_fields: ClassVar[tuple[str, ...]] = ("temperature", "mean_temperature", "p_value", "verdict")


# --------------------------------------------------------------------------------------------- helpers


def centred_channels(data: EELSData) -> tuple[float, NDArray[np.int64]]:
    """Channel width and integer channel indices k (E = k w); InputError unless the data are centred."""
    if not isinstance(data, EELSData):
        raise InputError(f"expected EELSData, got {type(data).__name__}")
    e = data.energy_mev
    w = data.channel_width_mev
    k = np.rint(e / w)
    uneven = float(np.max(np.abs(np.diff(e) - w))) > 1e-3 * w
    off_grid = float(np.max(np.abs(e / w - k))) > 1e-3
    if uneven or off_grid or e[0] >= 0 or e[-1] <= 0:
        raise InputError(
            "centre the zero-loss peak first (preprocess.centre_zlp): temperatures need a signed axis with the "
            "zero-loss peak at 0 meV and channels at integer multiples of the channel width "
            f"(got {e[0]:g}..{e[-1]:g} meV, width {w:g} meV)"
        )
    # A zero-loss peak left off zero shows in the variances (they keep its Poisson noise after subtraction).
    v = data.variance.reshape(-1, e.size).sum(axis=0)
    bg = data.background
    if bg is not None and np.shape(bg.variance) == data.variance.shape:
        # the background fit's own variance peaks at the edge of the core it leaves out: not a zero-loss peak
        v = v - np.asarray(bg.variance).reshape(-1, e.size).sum(axis=0)
    central = np.abs(e) <= 20.0
    if np.count_nonzero(central) >= 3:
        i = int(np.argmax(np.where(central, v, -np.inf)))
        i0 = int(np.argmin(np.abs(e)))
        if abs(e[i]) > 1.5 * w and v[i] > 10.0 * float(np.median(v)) and v[i] > 1.2 * v[i0]:
            raise InputError(
                f"centre the zero-loss peak first (preprocess.centre_zlp): the zero-loss peak sits at "
                f"{float(e[i]):g} meV, not 0"
            )
    return w, k.astype(np.int64)


def check_window(window_mev: Any, w: float) -> tuple[float, float]:
    """The |E| window (lo, hi) in meV, 0 < lo < hi and at least one channel ``w`` (meV) wide: the estimator
    core's rule (:func:`.fit_region.check_range`), which every EELS path shares."""
    from .fit_region import check_range

    if window_mev is None:
        raise InputError("window_mev must be two numbers (lo, hi) in meV, got None")
    checked = check_range(window_mev, "window_mev", w)
    assert checked is not None
    return checked


def window_pairs(data: EELSData, window: tuple[float, float], n_params: int) -> tuple[NDArray, NDArray, NDArray]:
    """(``|E|`` of the pairs, loss indices, gain indices) inside the window."""
    w, k = centred_channels(data)
    lo, hi = window
    index = {int(kk): i for i, kk in enumerate(k)}
    ks = [kk for kk in range(max(1, math.ceil(lo / w - 1e-6)), math.floor(hi / w + 1e-6) + 1)]
    ks = [kk for kk in ks if kk in index and -kk in index]
    if not ks:
        e = data.energy_mev
        raise InputError(
            f"the window {lo:g}:{hi:g} meV lies outside the data: channels pair up (gain -E with loss +E) only for "
            f"|E| <= {min(-float(e[0]), float(e[-1])):g} meV (axis {float(e[0]):g}..{float(e[-1]):g} meV)"
        )
    if len(ks) < n_params + 1:
        raise InputError(
            f"the window {lo:g}:{hi:g} meV holds {len(ks)} channel pair(s); a fit with {n_params} parameter(s) and "
            f"a fit quality needs at least {n_params + 1}: widen window_mev"
        )
    kk = np.asarray(ks)
    return kk * w, np.array([index[int(x)] for x in kk]), np.array([index[int(-x)] for x in kk])


def _background(data: EELSData) -> str:
    steps = [s for s in data.steps if "background" in s.lower()]
    return steps[-1] if steps else "none recorded in data.steps (background assumed already removed)"


def detector_gain(data: EELSData) -> float:
    """The detector gain (counts per electron) in ``data.metadata``; 1 where absent or not a number > 0."""
    g = data.metadata.get("detector_gain", 1.0) if hasattr(data.metadata, "get") else 1.0
    try:
        g = float(g)
    except (TypeError, ValueError):
        return 1.0
    return g if math.isfinite(g) and g > 0 else 1.0


def _safe_div(a: NDArray, b: NDArray) -> NDArray:
    ok = b != 0
    return np.where(ok, a / np.where(ok, b, 1.0), 0.0)


def _figure_ratios(g: NDArray, lc: NDArray, vg: NDArray, vl: NDArray) -> tuple[NDArray, NDArray, NDArray, NDArray]:
    lpos = lc > 0
    ls = np.where(lpos, lc, 1.0)
    ratio = np.where(lpos, g / ls, np.nan)
    ratio_err = np.where(lpos, np.sqrt(vg + (g / ls) ** 2 * vl) / ls, np.nan)
    both = lpos & (g > 0)
    gs = np.where(both, g, 1.0)
    ls2 = np.where(both, lc, 1.0)
    log_ratio = np.where(both, np.log(gs / ls2), np.nan)
    log_err = np.where(both, np.sqrt(vg / gs**2 + vl / ls2**2), np.nan)
    return ratio, ratio_err, log_ratio, log_err


def _signal_checks(sg: NDArray, sl: NDArray, svg: NDArray, svl: NDArray) -> tuple[NDArray, ...]:
    """The per-row failures found before any fit, from the window sums of G, L and their variances (n_pix,): no loss
    signal, no gain signal, ratio of the sums >= 1.

    Returns (sigma of sum G, sigma of sum L, ratio of the sums, no_loss, no_gain, too_big), each (n_pix,); the three
    failures exclude each other (in that order).
    """
    sig_g, sig_l = np.sqrt(svg), np.sqrt(svl)
    no_loss = sl <= SIGNAL_SIGMA * sig_l
    no_gain = (sg <= SIGNAL_SIGMA * sig_g) & ~no_loss
    ratio_sum = _safe_div(sg, sl)
    too_big = ~no_loss & ~no_gain & (ratio_sum >= 1.0)
    return sig_g, sig_l, ratio_sum, no_loss, no_gain, too_big


def _fit_pixels(
    e: NDArray, g: NDArray, lc: NDArray, vg: NDArray, vl: NDArray, intercept: bool, gain: float
) -> dict[str, NDArray]:
    """Vectorised fit over pixels (rows).  Returns beta, c, their errors, chi2, and a reason per row ('' = ok)."""
    npix = g.shape[0]
    reasons = np.full(npix, "", dtype=object)
    k = _fit_constants(e, g, lc, vg, vl, gain, intercept)
    sg, sl = g @ k["ones"], lc @ k["ones"]
    sig_g, sig_l, ratio_sum, no_loss, no_gain, too_big = _signal_checks(sg, sl, *k["variance_sums"])
    for i in np.flatnonzero(no_loss):
        reasons[i] = f"no loss signal above noise (loss sum {float(sl[i]):g} +- {float(sig_l[i]):g} counts)"
    for i in np.flatnonzero(no_gain):
        reasons[i] = (
            f"no gain signal above noise (gain sum {float(sg[i]):g} +- {float(sig_g[i]):g} counts, needs > "
            f"{SIGNAL_SIGMA:g} sigma)"
        )
    for i in np.flatnonzero(too_big):
        reasons[i] = (
            f"gain/loss ratio {float(ratio_sum[i]):.4g} >= 1: no positive temperature (is the loss side positive?)"
        )
    beta, c = _start(e, g, lc, vg, vl, sl, ratio_sum, intercept)
    return {**_gauss_newton(e, g, lc, k, intercept, beta, c, reasons), "constants": k, "window_sums": (sg, sl)}


def _start(
    e: NDArray, g: NDArray, lc: NDArray, vg: NDArray, vl: NDArray, sl: NDArray, ratio_sum: NDArray, intercept: bool
) -> tuple[NDArray, NDArray]:
    """Start of the fit, from the ratio of the window sums: sum G / sum L = <exp(-beta E)>_L, the mean over the
    window weighted by the loss counts.

    Slope only: to second order in beta (E - <E>), ln(sum G / sum L) = -beta <E> + beta^2 var_L(E) / 2, solved for
    beta (within the noise of the fit of the answer: a different estimator of the same beta); the first order
    (-ln(ratio) / <E>) where that has no root.  With an intercept: the weighted fit of ln(G/L) vs E on the channels
    where both sides are positive, else the first order with c = 0.
    """
    npix = g.shape[0]
    emean = np.where(sl > 0, _safe_div(lc @ e, sl), e.mean())
    emean = np.where(emean > 0, emean, e.mean())
    log_rs = np.log(np.clip(ratio_sum, 1e-300, 1.0 - 1e-12))
    first = -log_rs / emean
    if not intercept:
        var_e = np.where(sl > 0, _safe_div(lc @ (e * e), sl), 0.0) - emean * emean
        disc = emean * emean + 2.0 * var_e * log_rs
        ok = (var_e > 0) & (disc > 0)
        second = _safe_div(emean - np.sqrt(np.where(ok, disc, 0.0)), var_e)
        good = ok & np.isfinite(second) & (second > 0)
        return np.where(good, second, first), np.zeros(npix)
    both = (g > 0) & (lc > 0)
    y = np.log(np.where(both, g, 1.0) / np.where(both, lc, 1.0))
    gs, ls = np.where(both, g, 1.0), np.where(both, lc, 1.0)
    wy = np.where(both, 1.0 / np.maximum(vg / gs**2 + vl / ls**2, 1e-300), 0.0)
    s0, s1, s2 = wy.sum(1), (wy * e).sum(1), (wy * e * e).sum(1)
    t0, t1 = (wy * y).sum(1), (wy * e * y).sum(1)
    det = s0 * s2 - s1 * s1
    ok = det > 1e-12 * np.maximum(s0 * s2, 1e-300)
    beta0 = np.where(ok, -_safe_div(s0 * t1 - s1 * t0, det), np.nan)
    c0 = np.where(ok, _safe_div(s2 * t0 - s1 * t1, det), 0.0)
    bad0 = ~np.isfinite(beta0) | (beta0 <= 0) | ~np.isfinite(c0) | (np.abs(c0) > 5)
    return np.where(bad0, first, beta0), np.where(bad0, 0.0, c0)


def _ratio(e: NDArray, beta: NDArray, c: NDArray | None) -> NDArray:
    """r = exp(c - beta E) per pixel (rows of ``beta``, ``c``; None: c = 0) and pair (columns of ``e``), the
    exponent held within +-700 (no overflow for a wild start)."""
    x = np.multiply.outer(-beta, e)
    reach = float(np.abs(beta).max(initial=0.0)) * float(e.max(initial=0.0))
    if c is not None:
        x += c[:, None]
        reach += float(np.abs(c).max(initial=0.0))
    if reach > 700.0:
        np.clip(x, -700.0, 700.0, out=x)
    return np.exp(x, out=x)


def _pair_data(
    g: NDArray,
    lc: NDArray,
    vg: NDArray,
    vl: NDArray,
    gain: float,
    floor: NDArray,
    xg: NDArray | None = None,
    xl: NDArray | None = None,
) -> dict[str, NDArray]:
    """The per-pair numbers :func:`_pair_terms` needs that do not depend on the ratio: G, L, gain x max(N, 0)
    (N = G + L), the variances beyond the Poisson part xg = max(var G - gain G, 0) and xl (read noise, background;
    made here unless given), L xg, G xl, N and the least w per row ``floor``.  A gain of exactly 1 multiplies by
    nothing (the same numbers)."""
    n = g + lc
    scale = (lambda a: a) if gain == 1.0 else (lambda a: gain * a)
    if xg is None:
        xg = np.maximum(vg - scale(g), 0.0)
    if xl is None:
        xl = np.maximum(vl - scale(lc), 0.0)
    gn = scale(np.maximum(n, 0.0))
    return {"g": g, "lc": lc, "gn": gn, "xg": xg, "xl": xl, "lx": lc * xg, "gx": g * xl, "n": n, "floor": floor}


def _pair_terms(r: NDArray, d: dict[str, NDArray]) -> tuple[NDArray, NDArray, NDArray]:
    """Per pixel and pair at the ratio ``r``: the variance w of G - r L (model-consistent: the Poisson part of
    each side's variance is its expectation given N = G + L and r), the errors-in-variables projection lam of the
    loss intensity, and the residual G - r L (``d``: :func:`_pair_data`).

    With u = gain N / (1 + r) the loss count expected given N (times the gain), the model variances are
    xg + r u and xl + u, so w = xg + r u + r^2 (xl + u) = xg + r (gain N + r xl) and
    lam w = L (xg + r u) + r G (xl + u) = L xg + r (G xl + u N).
    """
    wt = r * d["xl"]
    wt += d["gn"]
    wt *= r
    wt += d["xg"]
    np.maximum(wt, d["floor"], out=wt)
    u = 1.0 + r
    np.divide(d["gn"], u, out=u)
    lam = u
    lam *= d["n"]
    lam += d["gx"]
    lam *= r
    lam += d["lx"]
    lam /= wt
    resid = r * d["lc"]
    np.subtract(d["g"], resid, out=resid)
    return wt, lam, resid


def _fisher_score(
    r: NDArray, wt: NDArray, lam: NDArray, resid: NDArray, bases: tuple[NDArray, NDArray], intercept: bool
) -> tuple[NDArray, ...]:
    """Fisher entries (fbb, fcc, fbc) and scores (sb, sc) of (beta, c) from the terms of :func:`_pair_terms`.

    With a_b = -lam E r / w and a_c = lam r / w the derivatives of the whitened residuals: F = sum a a^T w and
    s = sum a (G - r L) (``bases``: the columns E^2, E, 1 and E, 1 the sums are taken against, as matrix
    products; without ``intercept`` E^2 and E alone, and fcc, fbc, sc are fbb).
    """
    a = lam * r
    q = a / wt
    a *= q  # lam^2 r^2 / w
    q *= resid
    s = q @ bases[1]
    f = a @ bases[0]
    if not intercept:
        return f, f, f, -s, f
    return f[:, 0], f[:, 2], -f[:, 1], -s[:, 0], s[:, 1]


def _step(fbb: NDArray, fcc: NDArray, fbc: NDArray, sb: NDArray, sc: NDArray, intercept: bool) -> tuple[NDArray, ...]:
    """The Gauss-Newton step (d beta, d c) and where the Fisher matrix allows one."""
    if intercept:
        det = fbb * fcc - fbc * fbc
        okd = det > 1e-14 * np.maximum(fbb * fcc, 1e-300)
        return (
            np.where(okd, _safe_div(fcc * sb - fbc * sc, det), 0.0),
            np.where(okd, _safe_div(fbb * sc - fbc * sb, det), 0.0),
            okd,
        )
    okd = fbb > 0
    return np.where(okd, _safe_div(sb, fbb), 0.0), np.zeros(fbb.size), okd


def _fit_constants(
    e: NDArray, g: NDArray, lc: NDArray, vg: NDArray, vl: NDArray, gain: float, intercept: bool
) -> dict[str, Any]:
    """What the fit needs from the data that does not depend on (beta, c): the per-pair numbers
    (:func:`_pair_data`, under "pairs"), the bases of the sums, the row sums of the variances, the gain."""
    ones = np.ones(e.size)  # row sums as matrix-vector products
    bases = (np.stack((e * e, e, ones), axis=1), np.stack((e, ones), axis=1)) if intercept else (e * e, e)
    floor = 1e-14 * np.maximum((vg + vl).max(axis=1, keepdims=True), 1e-300)
    return {
        "pairs": _pair_data(g, lc, vg, vl, gain, floor),
        "bases": bases,
        "ones": ones,
        "variance_sums": (vg @ ones, vl @ ones),
        "gain": gain,
    }


def _gauss_newton(
    e: NDArray,
    g: NDArray,
    lc: NDArray,
    k: dict[str, Any],
    intercept: bool,
    beta: NDArray,
    c: NDArray,
    reasons: NDArray,
) -> dict[str, NDArray]:
    """The iteratively reweighted Gauss-Newton fit of :func:`_fit_pixels` from (beta, c).

    Each step re-evaluates the model-consistent variances at the current (beta, c), so the fit is a fixed point of
    the reweighted scores, s(beta) = 0, which plain Gauss-Newton steps approach linearly (about a factor 30 per
    step on the benchmark image).  Without an intercept the fixed point is found by the secant method on s(beta)
    instead (order 1.6), from the second step on and wherever the secant slope lies within a factor 5 of the
    Gauss-Newton one (-fbb); elsewhere the Gauss-Newton step.  Same stopping rule either way (a step below
    ``_TOL`` in ln r at the top of the window), so the same fixed point to that tolerance.  Rows still iterating
    are evaluated alone once they are fewer than half (a converged row evaluated with them is not moved).
    """
    npix, n = g.shape
    emax = float(np.max(e))
    active = reasons == ""
    converged = np.zeros(npix, dtype=bool)
    p = 2 if intercept else 1
    prev_b = np.full(npix, np.nan)  # the last point and score of each row (the secant)
    prev_s = np.full(npix, np.nan)
    pairs = k["pairs"]
    limit = 1.0 / emax  # ln r changes by at most 1 at the top of the window per step
    for _ in range(_MAX_ITER):
        rows = np.flatnonzero(active & ~converged)
        if rows.size == 0:
            break
        at: Any = slice(None) if rows.size == npix else rows
        every = 2 * rows.size > npix  # evaluate every row (views, no copies), use those of ``rows``
        d = pairs if every else {key: a[rows] for key, a in pairs.items()}
        cr = None if not intercept else c if every else c[rows]  # c = 0 without an intercept: not added
        r = _ratio(e, beta if every else beta[rows], cr)
        wt, lam, resid = _pair_terms(r, d)
        fbb, fcc, fbc, sb, sc = _fisher_score(r, wt, lam, resid, k["bases"], intercept)
        if every and rows.size < npix:
            fbb, fcc, fbc, sb, sc = (x[rows] for x in (fbb, fcc, fbc, sb, sc))
        if intercept:
            db, dc, okd = _step(fbb, fcc, fbc, sb, sc, intercept)
            dc = np.clip(dc, -1.0, 1.0)
            c[at] += dc
            okd &= np.abs(dc) < _TOL
        else:
            okd = fbb > 0
            db = np.divide(sb, fbb, out=np.zeros_like(sb), where=okd)  # the Gauss-Newton step
            b = beta[at]
            moved = b - prev_b[at]  # NaN on the first step: no secant
            slope = np.divide(sb - prev_s[at], moved, out=np.zeros_like(sb), where=moved != 0)
            secant = (slope < -0.2 * fbb) & (slope > -5.0 * fbb)  # (only where fbb > 0)
            np.divide(sb, -slope, out=db, where=secant)
            prev_b[at], prev_s[at] = b, sb
        np.minimum(db, limit, out=db)
        np.maximum(db, -limit, out=db)
        beta[at] += db
        converged[at] = okd & (np.abs(db) * emax < _TOL)

    r = _ratio(e, beta, c if intercept else None)
    wt, lam, resid = _pair_terms(r, pairs)
    fbb, fcc, fbc, _sb, _sc = _fisher_score(r, wt, lam, resid, k["bases"], intercept)
    resid *= resid
    resid /= wt
    chi2 = resid @ k["ones"]
    if intercept:
        det = fbb * fcc - fbc * fbc
        okf = det > 0
        var_b = np.where(okf, _safe_div(fcc, det), np.nan)
        var_c = np.where(okf, _safe_div(fbb, det), np.nan)
    else:
        okf = fbb > 0
        var_b = np.where(okf, _safe_div(np.ones(npix), fbb), np.nan)
        var_c = np.zeros(npix)
    for i in np.flatnonzero(active & ~converged):
        reasons[i] = "the ratio fit did not converge"
    for i in np.flatnonzero(active & converged & ~okf):
        reasons[i] = "the ratio fit has no curvature (no information in the window)"
    for i in np.flatnonzero((reasons == "") & (beta <= 0)):
        reasons[i] = "fitted gain/loss ratio >= 1: no positive temperature"
    return {
        "beta": beta,
        "c": c,
        "var_b": var_b,
        "var_c": var_c,
        "chi2": chi2 / (n - p),
        "reasons": reasons,
        "ratio": r,  # at the answer (the background refits start there)
    }


def _split(data: EELSData, window: tuple[float, float], intercept: bool) -> tuple[NDArray, ...]:
    e, iloss, igain = window_pairs(data, window, 2 if intercept else 1)
    nch = data.n_channels
    counts = data.counts.reshape(-1, nch)
    var = data.variance.reshape(-1, nch)
    return e, counts[:, igain], counts[:, iloss], var[:, igain], var[:, iloss]


#: How the background's uncertainty enters the temperature error (appended to ``method``).
BACKGROUND_NOTE = (
    "; the power-law background's fit covariance is propagated linearly: one Gauss-Newton step with the "
    "background moved one standard deviation along each principal axis of its (ln A, r) covariance, each side, "
    "instead of as independent per-channel variances (the background is one fit, correlated across channels)"
)


def _background_propagation(data: EELSData, window: tuple[float, float], intercept: bool) -> dict[str, Any] | None:
    """The subtracted power-law background's channels in the window and its principal perturbations, or None."""
    bg = data.background
    if bg is None or getattr(bg, "model", None) != "power-law" or bg.counts.shape != data.counts.shape:
        return None
    e, iloss, igain = window_pairs(data, window, 2 if intercept else 1)
    nch = data.n_channels
    bc = np.asarray(bg.counts).reshape(-1, nch)
    bv = np.asarray(bg.variance).reshape(-1, nch)
    var = data.variance.reshape(-1, nch)
    return power_law_propagation(
        e,
        {side: (bc[:, idx], bv[:, idx], var[:, idx]) for side, idx in (("gain", igain), ("loss", iloss))},
        {side: bg.parameters[f"{side}_covariance"] for side in ("gain", "loss")},
    )


def power_law_propagation(
    e: NDArray[np.float64], sides: dict[str, tuple[NDArray, NDArray, NDArray]], covariances: dict[str, Any]
) -> dict[str, Any]:
    """The propagation of a subtracted power-law background into the temperature fit, from the window channels.

    ``e`` (n,): ``|E|`` of the channel pairs, meV.  ``sides["gain"]``, ``sides["loss"]``: the background counts,
    the background variances and the variances of the subtracted data at the pairs' channels, each (n_pix, n).
    ``covariances[side]``: (n_pix, 2, 2) or nav_shape + (2, 2), the (ln A, r) covariance of that side's fit.
    """
    variances = tuple(np.maximum(sides[s][2] - sides[s][1], 0.0) for s in ("gain", "loss"))
    x = np.log(e)
    deltas = []  # (side, delta counts (n_pix, n)) for each principal direction of each side's covariance
    both = np.stack([np.asarray(covariances[side], dtype=float).reshape(-1, 2, 2) for side in ("gain", "loss")])
    eigen = np.linalg.eigh(both)  # one call for both sides (the same decomposition of each matrix)
    for j, side in enumerate(("gain", "loss")):
        lam, vec = eigen[0][j], eigen[1][j]
        for k in range(2):
            step = np.sqrt(np.maximum(lam[:, k], 0.0))[:, None] * vec[:, :, k]  # (n_pix, 2): (d ln A, d r)
            arg = step[:, :1] - step[:, 1:] * x[None, :]
            if float(np.max(np.abs(step[:, 0]) + np.abs(step[:, 1]) * float(np.max(np.abs(x))))) > 50.0:
                np.clip(arg, -50.0, 50.0, out=arg)
            factor = np.expm1(arg, out=arg)
            deltas.append((side, sides[side][0] * factor))
    return {"variances": variances, "deltas": deltas}


def _background_variance(
    out: dict[str, Any],
    prop: dict[str, Any],
    e: NDArray,
    g: NDArray,
    lc: NDArray,
    vg: NDArray,
    vl: NDArray,
    intercept: bool,
) -> NDArray:
    """Variance of beta from the background fit: sum over principal directions of (beta(shifted) - beta)^2.

    Linear propagation: each shifted beta is one Gauss-Newton step from the converged fit (the background moves
    by one of its standard deviations, a small change), not a fit from scratch.  A shift counts where the moved
    data pass the fit's signal checks, the step's Fisher matrix allows it and the moved beta stays > 0.
    """
    beta, k, r = out["beta"], out["constants"], out["ratio"]  # the same ratio for every shift: the converged one
    gain, ones, base = k["gain"], k["ones"], k["pairs"]
    scale = (lambda a: a) if gain == 1.0 else (lambda a: gain * a)
    emax = float(np.max(e))
    total = np.zeros_like(beta)
    sums = k["variance_sums"]
    sg, sl = out["window_sums"]
    # blocks of rows: a whole image's shifted copies would leave the processor's cache (every row on its own)
    for b0 in range(0, beta.size, _REFIT_ROWS):
        rows = slice(b0, min(b0 + _REFIT_ROWS, beta.size))
        rr = r[rows]
        # what the four shifts share (the ratio and the side that does not move): as _pair_data and _pair_terms
        # make them, the same numbers in the same order
        xg0, xl0, floor = base["xg"][rows], base["xl"][rows], base["floor"][rows]
        g0, l0, vg0, vl0 = g[rows], lc[rows], vg[rows], vl[rows]
        rxl = rr * xl0  # gain side moves: xl stays
        one_r = 1.0 + rr
        rl = rr * l0  # gain side moves: r L stays
        terms = []  # the Fisher entries and scores of each shift (the big arrays), then the rest for all at once
        moved_sums = []
        for side, delta in prop["deltas"]:
            dk = delta[rows]
            if side == "gain":  # the other side's non-Poisson variance does not move
                gk, lk = g0 - dk, l0
                xg = np.maximum(vg0 - scale(gk), 0.0)
                xl = xl0
                moved_sums.append((sg[rows] - dk @ ones, sl[rows]))
            else:
                gk, lk = g0, l0 - dk
                xg = xg0
                xl = np.maximum(vl0 - scale(lk), 0.0)
                moved_sums.append((sg[rows], sl[rows] - dk @ ones))
            n = gk + lk
            gn = scale(np.maximum(n, 0.0))
            wt = rxl + gn if side == "gain" else rr * xl + gn  # w = xg + r (gain N + r xl), as _pair_terms
            wt *= rr
            wt += xg
            np.maximum(wt, floor, out=wt)
            lam = np.divide(gn, one_r)
            lam *= n
            lam += gk * xl
            lam *= rr
            lam += lk * xg
            lam /= wt
            resid = np.subtract(gk, rl) if side == "gain" else gk - rr * lk
            terms.append(_fisher_score(rr, wt, lam, resid, k["bases"], intercept))
        fisher = [np.stack(x) for x in zip(*terms)]  # (shifts, rows) each
        db, _dc, okd = _step(*fisher, intercept)
        np.clip(db, -1.0 / emax, 1.0 / emax, out=db)
        sgk, slk = (np.stack(x) for x in zip(*moved_sums))
        _sig_g, _sig_l, _ratio_sum, no_loss, no_gain, too_big = _signal_checks(sgk, slk, sums[0][rows], sums[1][rows])
        ok = okd & ~(no_loss | no_gain | too_big) & (beta[rows] + db > 0)
        sq = np.where(ok, db, 0.0) ** 2
        for j in range(sq.shape[0]):  # shift by shift, in order
            total[rows] += sq[j]
    return total


# --------------------------------------------------------------------------------------------- public API


def map_verdict(valid: NDArray[np.bool_], adequate: NDArray[np.bool_]) -> str:
    """The adequacy verdict of a map in words (how many valid pixels are inadequate)."""
    nbad = int(np.count_nonzero(valid & ~adequate))
    return (
        f"{nbad} of {int(valid.sum())} valid pixels inadequate (p < {ADEQUACY_P:g}): their errors are inflated "
        "by sqrt(chi2/dof)"
    )


def window_fit(
    e: NDArray[np.float64],
    g: NDArray[np.float64],
    lc: NDArray[np.float64],
    vg: NDArray[np.float64],
    vl: NDArray[np.float64],
    propagation: dict[str, Any] | None,
    intercept: bool,
    gain: float,
) -> dict[str, NDArray]:
    """Per-pixel temperatures of :func:`fit_temperature` from the window's channel pairs, flat over pixels.

    ``e`` (n,): ``|E|`` of the pairs, meV; ``g``, ``lc``, ``vg``, ``vl`` (n_pix, n): gain and loss counts and
    their variances (with a subtracted power law: the variances without the background's, see
    :func:`power_law_propagation`); ``gain``: detector counts per electron.  Returns arrays (n_pix,):
    temperature, temperature_err (K), valid, reasons, intercept, intercept_err, chi2_reduced, p_value, adequate,
    inflation.  Row-independent: a pixel's numbers do not depend on the other rows.
    """
    out = _fit_pixels(e, g, lc, vg, vl, intercept, gain)
    if propagation is not None:
        out["var_bg"] = _background_variance(out, propagation, e, g, lc, vg, vl, intercept)
    reasons = out["reasons"]
    valid = reasons == ""
    beta = np.where(valid, out["beta"], 1.0)
    temperature = np.where(valid, 1.0 / (KB_MEV * beta), np.nan)
    chi2r = np.where(valid, out["chi2"], np.nan)
    dof = e.size - (2 if intercept else 1)
    p_value = np.where(valid, special.chdtrc(dof, np.where(valid, chi2r, 0.0) * dof), np.nan)  # = stats.chi2.sf
    adequate = ~valid | (p_value >= ADEQUACY_P)
    # inadequate: the fit's own (statistical) variance is scaled by chi2/dof; the propagated background variance
    # (one fit, correlated across channels, which itself raises chi2) is added unscaled
    var_bg = out.get("var_bg", np.zeros_like(out["var_b"]))
    var_stat = np.abs(out["var_b"]) * np.where(adequate, 1.0, np.where(valid, chi2r, 1.0))
    var_old = np.abs(out["var_b"]) + var_bg
    var_new = var_stat + var_bg
    inflation = np.sqrt(_safe_div(var_new, var_old) + (var_old <= 0))
    temperature_err = np.where(valid, np.sqrt(var_new) / (KB_MEV * beta**2), np.nan)
    c = np.where(valid, out["c"], np.nan)
    c_err = np.where(valid, inflation * np.sqrt(np.abs(out["var_c"])), np.nan)
    return {
        "temperature": temperature,
        "temperature_err": temperature_err,
        "valid": valid,
        "reasons": reasons,
        "intercept": c,
        "intercept_err": c_err,
        "chi2_reduced": chi2r,
        "p_value": p_value,
        "adequate": adequate,
        "inflation": inflation,
    }


def fit_temperature(
    data: EELSData, window_mev: Sequence[float] | None = None, *, intercept: bool = False
) -> TemperatureFit:
    """Temperature (K) from the gain/loss ratio over an energy window, for every pixel at once.

    Parameters
    ----------
    data : EELSData
        Centred (zero-loss peak at 0 meV, channels at integer multiples of the width) and
        background-subtracted spectra, any navigation shape.
    window_mev : (lo, hi), optional
        ``|E|`` window in meV, 0 < lo < hi, at least one channel wide; default :func:`auto_window`.
    intercept : bool
        Fit r = exp(c - E/k_B T) with a free c (default False: c = 0, pure detailed balance).

    Returns
    -------
    TemperatureFit
        See the module docstring for the estimator.  One spectrum: floats, and an InputError instead
        of an invalid result; maps: arrays with ``valid`` and ``reasons``.
    """
    if not isinstance(data, EELSData):
        raise InputError(f"expected EELSData, got {type(data).__name__}")
    w, _ = centred_channels(data)
    window = auto_window(data) if window_mev is None else check_window(window_mev, w)
    bg = data.background
    core = None if bg is None else getattr(bg, "parameters", {}).get("core_mev")
    if core is not None and window[0] < float(core) - 0.5 * w:
        raise InputError(
            f"the window {window[0]:g}:{window[1]:g} meV reaches below {float(core):g} meV, where the subtracted "
            f"{bg.model} background is not defined (the zero-loss-peak core): start the window at >= "
            f"{float(core):g} meV"
        )
    e, g, lc, vg, vl = _split(data, window, intercept)
    gain = detector_gain(data)
    propagation = _background_propagation(data, window, intercept)
    if propagation is not None:
        vg, vl = propagation["variances"]
    nav = data.nav_shape
    m = window_fit(e, g, lc, vg, vl, propagation, intercept, gain)
    valid, reasons, chi2r, p_value, adequate = m["valid"], m["reasons"], m["chi2_reduced"], m["p_value"], m["adequate"]
    if not nav and not valid[0]:
        raise InputError(f"no temperature in the window {window[0]:g}:{window[1]:g} meV: {reasons[0]}")
    temperature, temperature_err, c, c_err, inflation = (
        m["temperature"],
        m["temperature_err"],
        m["intercept"],
        m["intercept_err"],
        m["inflation"],
    )
    if not nav:
        verdict = (
            f"adequate: chi2/dof = {float(chi2r[0]):.3g} (p = {float(p_value[0]):.3g} >= {ADEQUACY_P:g})"
            if adequate[0]
            else (
                f"INADEQUATE: chi2/dof = {float(chi2r[0]):.3g} (p = {float(p_value[0]):.2g} < {ADEQUACY_P:g}); the "
                f"fit's statistical error is inflated by sqrt(chi2/dof) (total error x {float(inflation[0]):.3g}): "
                "one detailed-balance ratio does "
                "not describe the window (background misfit, a non-equilibrium mode): treat the number as doubtful"
            )
        )
    else:
        verdict = map_verdict(valid, adequate)
    ratio, ratio_err, log_ratio, log_err = _figure_ratios(g, lc, vg, vl)
    n = e.size

    def shape(x: NDArray) -> Any:
        return float(x[0]) if not nav else x.reshape(nav)

    return TemperatureFit(
        temperature=shape(temperature),
        temperature_err=shape(temperature_err),
        valid=bool(valid[0]) if not nav else valid.reshape(nav),
        reasons=str(reasons[0]) if not nav else reasons.astype(str).reshape(nav),
        window_mev=window,
        energies_mev=e,
        ratio=ratio.reshape(nav + (n,)),
        ratio_err=ratio_err.reshape(nav + (n,)),
        log_ratio=log_ratio.reshape(nav + (n,)),
        log_ratio_err=log_err.reshape(nav + (n,)),
        intercept=shape(c),
        intercept_err=shape(c_err),
        chi2_reduced=shape(chi2r),
        n_channels=int(n),
        method=(METHOD_INTERCEPT if intercept else METHOD_SLOPE) + ("" if propagation is None else BACKGROUND_NOTE),
        background=_background(data),
        p_value=shape(p_value),
        adequate=bool(adequate[0]) if not nav else adequate.reshape(nav),
        inflation=shape(inflation),
        verdict=verdict,
    )


def _check_bands(bands_mev: Any, w: float) -> list[tuple[float, float]]:
    try:
        bands = [tuple(b) for b in bands_mev]
    except TypeError:
        raise InputError(f"bands_mev must be a list of (lo, hi) windows in meV, got {bands_mev!r}") from None
    if len(bands) < 2:
        raise InputError(f"bands_mev needs at least two bands to compare temperatures (got {len(bands)})")
    checked = [check_window(b, w) for b in bands]
    order = sorted(checked)
    for (lo1, hi1), (lo2, hi2) in zip(order, order[1:]):
        if lo2 <= hi1:
            raise InputError(f"bands {lo1:g}:{hi1:g} and {lo2:g}:{hi2:g} meV overlap: the test needs independent bands")
    return checked


def band_temperatures(
    data: EELSData, bands_mev: Sequence[Sequence[float]], *, alpha: float = DEFAULT_ALPHA
) -> BandTemperatures:
    """Per-band temperatures and a chi-square test that all bands share one Bose-Einstein temperature.

    Each band gets its own :func:`fit_temperature` (slope only).  The test is done on beta = 1 / k_B T:
    chi2 = sum_b (beta_b - beta_mean)^2 / sigma_b^2 with beta_mean the inverse-variance weighted mean,
    dof = n_bands - 1, p = chi2 survival function.  Bands are independent (disjoint channels), so
    under equilibrium p is uniform.

    Parameters
    ----------
    data : EELSData
        Centred, background-subtracted spectra (any navigation shape).
    bands_mev : sequence of (lo, hi)
        Two or more non-overlapping ``|E|`` windows in meV (e.g. one per mode).
    alpha : float
        Significance level (0 < alpha < 1): p_value < alpha means "not one temperature".
    """
    if not isinstance(data, EELSData):
        raise InputError(f"expected EELSData, got {type(data).__name__}")
    if not (isinstance(alpha, (int, float)) and 0 < alpha < 1):
        raise InputError(f"alpha must lie between 0 and 1, got {alpha!r}")
    w, _ = centred_channels(data)
    bands = _check_bands(bands_mev, w)
    fits = []
    for lo, hi in bands:
        try:
            fits.append(fit_temperature(data, (lo, hi)))
        except InputError as exc:
            raise InputError(f"band {lo:g}:{hi:g} meV: {exc}") from None
    nav = data.nav_shape
    t = np.stack([np.asarray(f.temperature, dtype=float).reshape(-1) for f in fits], axis=-1)
    te = np.stack([np.asarray(f.temperature_err, dtype=float).reshape(-1) for f in fits], axis=-1)
    ok = np.stack([np.asarray(f.valid, dtype=bool).reshape(-1) for f in fits], axis=-1)
    ts = np.where(ok, t, 1.0)
    beta = 1.0 / (KB_MEV * ts)
    sb = np.where(ok, te / ts * beta, 1.0)
    wgt = np.where(ok, 1.0 / sb**2, 0.0)
    nvalid = ok.sum(axis=1)
    wsum = wgt.sum(axis=1)
    has = wsum > 0
    bmean = np.where(has, _safe_div((wgt * beta).sum(axis=1), wsum), 1.0)
    bmean_err = np.where(has, np.sqrt(_safe_div(np.ones_like(wsum), wsum)), np.nan)
    chi2 = (wgt * (beta - bmean[:, None]) ** 2).sum(axis=1)
    dof = nvalid - 1
    tested = dof >= 1
    p = np.where(tested, stats.chi2.sf(chi2, np.maximum(dof, 1)), np.nan)
    good = has & (bmean > 0)
    tmean = np.where(good, 1.0 / (KB_MEV * np.where(good, bmean, 1.0)), np.nan)
    tmean_err = np.where(good, bmean_err / (KB_MEV * np.where(good, bmean, 1.0) ** 2), np.nan)
    chi2 = np.where(tested, chi2, np.nan)
    consistent = tested & (np.where(tested, p, 0.0) >= alpha)
    if not nav:
        verdict = (
            f"consistent with one Bose-Einstein temperature (p = {float(p[0]):.3g} >= {alpha:g})"
            if consistent[0]
            else (
                "the bands do not share one temperature: not Bose-Einstein populated "
                f"(p = {float(p[0]):.3g} < {alpha:g})"
            )
        )
    else:
        nt = int(tested.sum())
        nbad = int((tested & ~consistent).sum())
        verdict = (
            f"{nbad} of {nt} tested pixels depart from one Bose-Einstein temperature (p < {alpha:g}; "
            f"about {alpha * nt:.3g} expected by chance)"
        )

    def shape(x: NDArray) -> Any:
        if not nav:
            v = x[0]
            return bool(v) if x.dtype == bool else (int(v) if x.dtype.kind == "i" else float(v))
        return x.reshape(nav)

    return BandTemperatures(
        bands_mev=np.asarray(bands, dtype=float),
        temperature=t.reshape(nav + (len(bands),)),
        temperature_err=te.reshape(nav + (len(bands),)),
        valid=ok.reshape(nav + (len(bands),)),
        mean_temperature=shape(tmean),
        mean_temperature_err=shape(tmean_err),
        chi2=shape(chi2),
        dof=shape(dof.astype(np.int64)),
        p_value=shape(p),
        consistent=shape(consistent),
        tested=shape(tested),
        alpha=float(alpha),
        verdict=verdict,
        fits=tuple(fits),
    )


def _zlp_fwhm_from_variance(e: NDArray, v: NDArray, w: float) -> float | None:
    """FWHM (meV) of the zero-loss peak seen in the summed variance (which keeps its Poisson noise), or None."""
    i0 = int(np.argmin(np.abs(e)))
    central = np.abs(e) <= max(20.0, 3 * w)
    peak = v[i0]
    if not peak > 0 or peak < float(np.max(v[central])) or peak < 10.0 * float(np.median(v)):
        return None
    half = 0.5 * peak
    right = i0
    while right + 1 < e.size and v[right + 1] > half:
        right += 1
    left = i0
    while left - 1 >= 0 and v[left - 1] > half:
        left -= 1
    return float(e[right] - e[left] + w)


def auto_window(data: EELSData) -> tuple[float, float]:
    """A default ``|E|`` window (meV) from the summed spectrum.

    Rule: sum all pixels; smooth each side over one resolution element (a box of round(FWHM / width)
    channels, FWHM the zero-loss peak's full width at half maximum read from the summed variances, which
    keep the peak's Poisson noise after background subtraction; 3 channels when no peak is seen there).
    Candidate channels: ``|E|`` >= 2 x FWHM (>= 3 channels without a peak), loss signal > 5 sigma and gain
    signal > 2 sigma.  The window is the contiguous run of candidates around the strongest loss channel
    among them (at least two channels: a one-channel run is widened by a channel each side).
    InputError when no channel qualifies (then give window_mev).
    """
    w, k = centred_channels(data)
    e = data.energy_mev
    nch = data.n_channels
    c = data.counts.reshape(-1, nch).sum(axis=0)
    v = data.variance.reshape(-1, nch).sum(axis=0)
    fwhm = _zlp_fwhm_from_variance(e, v, w)
    emin = 2.0 * fwhm if fwhm is not None else 3.0 * w
    box = max(1, int(round(fwhm / w))) if fwhm is not None else 1
    index = {int(kk): i for i, kk in enumerate(k)}
    kmax = min(-int(k[0]), int(k[-1]))
    ks = np.arange(1, kmax + 1)
    il = np.array([index[int(x)] for x in ks])
    ig = np.array([index[int(-x)] for x in ks])
    kernel = np.ones(box)

    def smooth(x: NDArray) -> NDArray:
        return np.convolve(x, kernel, mode="same")

    lsum, lvar = smooth(c[il]), smooth(v[il])
    gsum, gvar = smooth(c[ig]), smooth(v[ig])
    zl = lsum / np.sqrt(np.maximum(lvar, 1e-300))
    zg = gsum / np.sqrt(np.maximum(gvar, 1e-300))
    cand = (ks * w >= emin - 1e-9) & (zl > AUTO_LOSS_SIGMA) & (zg > AUTO_GAIN_SIGMA) & (lvar > 0) & (gvar > 0)
    where = f"(|E| >= {emin:g} meV{', 2 x the zero-loss FWHM' if fwhm is not None else ''})"
    if not np.any(cand):
        raise InputError(
            f"no energy window found automatically: no channel {where} has loss > {AUTO_LOSS_SIGMA:g} sigma and "
            f"gain > {AUTO_GAIN_SIGMA:g} sigma in the summed spectrum; give window_mev"
        )
    best = int(np.flatnonzero(cand)[np.argmax(c[il][cand])])
    lo = hi = best
    while lo - 1 >= 0 and cand[lo - 1]:
        lo -= 1
    while hi + 1 < ks.size and cand[hi + 1]:
        hi += 1
    if hi == lo:
        lo, hi = max(lo - 1, 0), min(hi + 1, ks.size - 1)
    return float(ks[lo] * w), float(ks[hi] * w)


__all__ = [
    "BandTemperatures",
    "TemperatureFit",
    "auto_window",
    "band_temperatures",
    "fit_temperature",
]
