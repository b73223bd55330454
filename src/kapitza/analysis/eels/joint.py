"""Temperature and zero-loss-peak tail fitted jointly: the symmetric tail + detailed balance model.

Why.  Subtracting a background fitted elsewhere (:func:`~kapitza.analysis.eels.preprocess.fit_background`)
leaves any misfit of the tail in the window, where it biases the gain/loss ratio: on spectra with a
Lorentzian-power ZLP tail (|E|^-3, a few % of the peak) and a phonon mode near 30 meV the power-law
default gave temperatures 9-15 % low with errors of a few K (issue 25).  Here the tail is fitted in the
same fit as the temperature, on the channels that measure it.

Model.  Every channel pair (gain at -E, loss at +E, E > 0; centred data) is::

    L(E) = B(E) + S(E),        G(E) = B(E) + r(E) S(E),        r(E) = exp(-E / k_B T)

with B the zero-loss-peak tail, the *same* on both sides (the ZLP is symmetric in E: its tail is the
instrument's, not the sample's), S the phonon loss signal (free in every channel: no phonon DOS or
cross-section is assumed) and r the detailed-balance ratio (Idrobo et al., Phys. Rev. Lett. 120, 095901
(2018), Eq. 1; it holds for the quantum and the classical cross-section alike, see :mod:`.temperature`).
Eliminating S channel by channel (errors in both variables; for Gaussian errors this is the exact
profile likelihood) leaves one equation per pair::

    G - r L = (1 - r) B(E; theta),   chi2 = sum_i (G_i - r_i L_i - (1 - r_i) B_i)^2 / (var G_i + r_i^2 var L_i)

minimised over beta = 1/k_B T and the tail parameters theta (scipy.optimize.least_squares).  Where there
is no phonon signal (above the phonon band, between modes) G = L = B pins the tail; where there is, the
ratio pins T.  The variances are model-consistent (as in :mod:`.temperature`): after a first fit with the
observed variances, the Poisson part of each side is replaced by its fitted expectation (B + r S_hat,
B + S_hat) and the fit is repeated, which removes the low-count bias of observed-variance weights.

Fit region.  The channels of ``region_mev``; default from lo - (hi - lo)/2 (but not below 2 x the ZLP
FWHM) to the end of the axis, so the tail above the window (usually pure ZLP tail) is in the fit.  One
temperature holds over the whole region (equilibrium; :func:`~.temperature.band_temperatures` tests it).

Tail families (``FAMILIES``), h the ZLP's half width at half maximum (measured on the summed data):

- ``power-law``: A (E / 10 meV)^-p, p free;
- ``lorentzian-power``: A (1 + (E/h)^2)^(-3/2) (a Lorentzian to the power 3/2: falls as |E|^-3);
- ``pearson7``: A (1 + (E/h)^2)^(-m), m free (falls as |E|^-2m; Pearson VII with width h);
- ``voigt``: A V(E; sigma, gamma) / V(10 meV), sigma = FWHM / 2.3548 (the Gaussian part set by the
  core width), gamma free (Lorentzian tail |E|^-2).

Selection criterion: **Akaike weights** w_i = exp(-Delta_i / 2) / sum_j exp(-Delta_j / 2), Delta_i =
AIC_i - min AIC, AIC_i = chi2_i + 2 k_i (k_i free parameters; Akaike, IEEE Trans. Autom. Control 19, 716
(1974); Burnham & Anderson, *Model Selection and Multimodel Inference*, 2nd ed., Springer (2002), Sec. 2.9),
and the **model-averaged** beta = sum_i w_i beta_i with the unconditional variance
sum_i w_i (var_i + (beta_i - beta)^2) (Burnham & Anderson 2002, Sec. 4.3.2; the form they recommend in
Sociol. Methods Res. 33, 261 (2004)), which adds the spread between families to the error.

Adequacy verdict.  chi2_reduced = chi2 / (n - k) and p = P(chi2_{n-k} >= chi2) of the family with the
largest weight.  p >= ``ADEQUACY_P`` (0.001): "adequate", the error is the fit's.  Below: "inadequate",
the error is multiplied by sqrt(chi2_reduced) (the Birge ratio: the scatter the model does not explain is
taken as extra noise) and the verdict says so; the number is then a flagged estimate, not a claimed one.
Centred data: the centring shift by a fraction f of a channel leaves each channel's stated variance
1/kappa times its true one, kappa = (1 - f)^2 + f^2, with neighbouring channels correlated by
rho = (1 - kappa) / (2 kappa) (:func:`~kapitza.analysis.eels.preprocess.centring_variance_ratio`).  The
error of beta needs no correction (the overstated diagonal and the neglected covariance cancel in a smooth
weighted sum; measured: the scatter of T over 100 seeds equals the median stated error to 2 %), but chi2
does: every chi2 here (verdict, Akaike weights, the no-gain test) is the stated-variance chi2 divided by
kappa, and the p-value treats it as c chi2_nu with c = 1 + 2 rho^2, nu = dof / c (Satterthwaite,
Biometrics Bull. 2, 110 (1946): a sum of squares of unit-variance Gaussians with lag-1 correlation rho
has mean dof and variance about 2 dof (1 + 2 rho^2)).  A chi2 far *below* its distribution (lower-tail
p < ``ADEQUACY_P``) is said in the verdict: the variances exceed the scatter (e.g. channels with far
below one count, whose variance is floored at one count), and the error is then likely too large.
Covariance: from the Jacobian of the whitened residuals, cov = (J^T J)^+ (an SVD pseudo-inverse: a tail
parameter the region cannot resolve does not inflate beta's variance spuriously).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray
from scipy import optimize, special, stats

from ...errors import InputError
from ...io.results import result
from .balance import KB_MEV
from .data import EELSData

#: Tail families, in the order of the result's arrays.
FAMILIES = ("power-law", "lorentzian-power", "pearson7", "voigt")
#: p-value below which the model is called inadequate and the error inflated by sqrt(chi2_reduced).
ADEQUACY_P = 1e-3
#: Reference energy (meV) of the tail amplitudes (conditioning only).
_E_REF = 10.0
#: Fits with updated (model-consistent) variances after the first one with the observed variances.
_PASSES = 1
_FWHM_GAUSS = 2.0 * math.sqrt(2.0 * math.log(2.0))
CRITERION = (
    "Akaike weights (AIC = chi2 + 2k) over the tail families, model-averaged beta = 1/k_B T with the "
    "unconditional variance (Burnham & Anderson 2002, Sec. 4.3.2)"
)
METHOD = (
    "joint fit of the symmetric zero-loss-peak tail and the detailed-balance ratio: G - r L = (1 - r) B(E), "
    "r = exp(-E/k_B T), phonon signal free per channel (errors in both variables, model-consistent variances)"
)


@result
class JointTemperatureFit:
    """Temperature from the joint tail + detailed-balance fit of one spectrum.

    Attributes
    ----------
    temperature, temperature_err : float
        Model-averaged temperature and its one-sigma error, K (inflated by ``inflation`` when inadequate).
    window_mev, region_mev : tuple (lo, hi)
        The requested ``|E|`` window and the channels actually fitted (meV).
    energies_mev : ndarray (n,)
        ``|E|`` of the channel pairs fitted.
    n_channels : int
        Channel pairs fitted.
    families : tuple of str
        Tail families fitted.
    family_weights, family_temperatures, family_errors, family_chi2 : ndarray (n_families,)
        Akaike weight, temperature (K), its fit error (K) and chi2 of each family (NaN where it failed).
    family : str
        The family with the largest weight.
    tail_parameters : dict
        That family's tail parameters (names -> values).
    chi2, dof, chi2_reduced, p_value : float, int, float, float
        Of the family with the largest weight (chi2 divided by ``variance_ratio``; p from the
        Satterthwaite approximation, module docstring).
    adequate : bool
        p_value >= ``ADEQUACY_P``.
    variance_ratio : float
        kappa of the centring (1 when not shifted; see the module docstring): the chi2 values are the
        stated-variance chi2 divided by it.
    inflation : float
        Factor applied to the error (1 when adequate, sqrt(chi2_reduced) otherwise).
    verdict : str
        The adequacy verdict in words.
    criterion, method, background : str
        The averaging criterion, the estimator, and the background in words.
    """

    temperature: float
    temperature_err: float
    window_mev: tuple[float, float]
    region_mev: tuple[float, float]
    energies_mev: NDArray[np.float64]
    n_channels: int
    families: tuple[str, ...]
    family_weights: NDArray[np.float64]
    family_temperatures: NDArray[np.float64]
    family_errors: NDArray[np.float64]
    family_chi2: NDArray[np.float64]
    family: str
    tail_parameters: Any
    chi2: float
    dof: int
    chi2_reduced: float
    p_value: float
    adequate: bool
    inflation: float
    verdict: str
    variance_ratio: float = 1.0
    criterion: str = CRITERION
    method: str = METHOD
    background: str = "symmetric zero-loss-peak tail fitted jointly with the temperature"

    _summary_fields: ClassVar[tuple[str, ...]] = ("temperature", "temperature_err", "family", "verdict")


# ------------------------------------------------------------------------------------------------- tails


def _tail(family: str, e: NDArray, theta: NDArray, h: float, sigma: float) -> NDArray:
    a = theta[0]
    if family == "power-law":
        return np.exp(a - theta[1] * np.log(e / _E_REF))
    if family == "lorentzian-power":
        return np.exp(a - 1.5 * (np.log1p((e / h) ** 2) - math.log1p((_E_REF / h) ** 2)))
    if family == "pearson7":
        return np.exp(
            a - float(np.exp(np.clip(theta[1], -50.0, 50.0))) * (np.log1p((e / h) ** 2) - math.log1p((_E_REF / h) ** 2))
        )
    if family == "voigt":
        g = float(np.exp(np.clip(theta[1], -50.0, 50.0)))
        with np.errstate(all="ignore"):
            return (
                np.exp(np.clip(a, -700.0, 700.0))
                * special.voigt_profile(e, sigma, g)
                / special.voigt_profile(_E_REF, sigma, g)
            )
    raise InputError(f"tail family must be one of {', '.join(FAMILIES)}, got {family!r}")


def _theta0(family: str, a0: float) -> tuple[NDArray, tuple[NDArray, NDArray], tuple[str, ...]]:
    """Start, bounds and names of a family's tail parameters (amplitude first, ln A at 10 meV)."""
    big = 60.0
    if family == "power-law":
        return np.array([a0, 3.0]), (np.array([a0 - big, 0.3]), np.array([a0 + big, 10.0])), ("ln_A", "exponent")
    if family == "lorentzian-power":
        return np.array([a0]), (np.array([a0 - big]), np.array([a0 + big])), ("ln_A",)
    if family == "pearson7":
        return (
            np.array([a0, math.log(1.5)]),
            (np.array([a0 - big, math.log(0.2)]), np.array([a0 + big, math.log(6.0)])),
            ("ln_A", "ln_m"),
        )
    if family == "voigt":
        return (
            np.array([a0, math.log(2.0)]),
            (np.array([a0 - big, math.log(1e-3)]), np.array([a0 + big, math.log(200.0)])),
            ("ln_A", "ln_gamma_mev"),
        )
    raise InputError(f"tail family must be one of {', '.join(FAMILIES)}, got {family!r}")


# ---------------------------------------------------------------------------------------------- the fit


def _pair_arrays(data: EELSData, region: tuple[float, float]) -> tuple[NDArray, ...]:
    """(|E|, G, L, var G, var L) of the channel pairs in the region (centred data, one spectrum)."""
    from .temperature import centred_channels

    w, k = centred_channels(data)
    index = {int(kk): i for i, kk in enumerate(k)}
    lo, hi = region
    ks = [kk for kk in range(max(1, math.ceil(lo / w - 1e-6)), math.floor(hi / w + 1e-6) + 1)]
    ks = [kk for kk in ks if kk in index and -kk in index]
    il = np.array([index[kk] for kk in ks], dtype=np.intp)
    ig = np.array([index[-kk] for kk in ks], dtype=np.intp)
    c = np.asarray(data.counts, dtype=float).reshape(-1, data.n_channels)
    v = np.asarray(data.variance, dtype=float).reshape(-1, data.n_channels)
    return np.asarray(ks, dtype=float) * w, c[:, ig], c[:, il], v[:, ig], v[:, il]


def _fit_family(
    family: str,
    e: NDArray,
    g: NDArray,
    lc: NDArray,
    vg: NDArray,
    vl: NDArray,
    gain: float,
    h: float,
    sigma: float,
    beta0: float,
    theta_fixed: NDArray | None = None,
) -> dict[str, Any] | None:
    """Fit one family to one pixel; None when the fit fails.  ``theta_fixed``: tail shape held, amplitude free."""
    top = e >= np.quantile(e, 0.75)
    level = float(np.median(np.maximum(g[top], 0.5)))
    a0 = math.log(level) + 3.0 * math.log(float(np.median(e[top])) / _E_REF)
    th0, (tlo, thi), names = _theta0(family, a0)
    if theta_fixed is not None:
        th0 = np.array(theta_fixed, dtype=float)
        th0[0] = a0 if not math.isfinite(th0[0]) else th0[0]
        tlo = np.concatenate(([th0[0] - 60.0], th0[1:] - 1e-9))
        thi = np.concatenate(([th0[0] + 60.0], th0[1:] + 1e-9))
        free = np.array([True] + [False] * (th0.size - 1))
    else:
        free = np.ones(th0.size, dtype=bool)
    x0 = np.concatenate(([beta0], th0[free]))
    lo = np.concatenate(([1e-6], tlo[free]))
    hi = np.concatenate(([2.0], thi[free]))
    x0 = np.clip(x0, lo + 1e-12, hi - 1e-12)

    def unpack(x: NDArray) -> tuple[float, NDArray]:
        th = th0.copy()
        th[free] = x[1:]
        return float(x[0]), th

    floor = max(gain, 1e-12)
    wg, wl = np.maximum(vg, floor), np.maximum(vl, floor)  # first pass: observed variances, >= one count's

    def resid(x: NDArray) -> NDArray:
        beta, th = unpack(x)
        with np.errstate(all="ignore"):
            r = np.exp(np.clip(-beta * e, -700.0, 700.0))
            b = _tail(family, e, th, h, sigma)
            out = (g - r * lc - (1.0 - r) * b) / np.sqrt(wg + r * r * wl)
        return np.where(np.isfinite(out), out, 1e150)

    x = x0

    def solve(x: NDArray) -> Any:
        # MINPACK Levenberg-Marquardt (fast); the bounds only guard against a runaway, checked afterwards
        return optimize.least_squares(resid, x, method="lm", x_scale="jac", max_nfev=200 * (x.size + 1))

    try:
        for _ in range(_PASSES):
            sol = solve(x)
            x = sol.x
            beta, th = unpack(x)
            if not (np.all(np.isfinite(x)) and 0 < beta < 2.0):
                return None
            with np.errstate(all="ignore"):
                r = np.exp(-beta * e)
                b = _tail(family, e, th, h, sigma)
                # fitted signal (errors in both variables), then model-consistent variances
                s_hat = (r * (g - b) / wg + (lc - b) / wl) / (r * r / wg + 1.0 / wl)
                new_g = vg + gain * (b + r * s_hat - g)
                new_l = vl + gain * (b + s_hat - lc)
            if not (np.all(np.isfinite(new_g)) and np.all(np.isfinite(new_l))):
                return None
            wg, wl = np.maximum(new_g, floor), np.maximum(new_l, floor)
        sol = solve(x)
    except (ValueError, OverflowError, FloatingPointError, np.linalg.LinAlgError):
        return None
    if not sol.success and sol.status <= 0:
        return None
    x = sol.x
    if not (np.all(np.isfinite(x)) and np.all(x >= lo) and np.all(x <= hi)):
        return None
    chi2 = float(np.sum(sol.fun**2))
    jac = sol.jac
    u, s, vt = np.linalg.svd(jac, full_matrices=False)
    keep = s > 1e-8 * s[0]
    cov = (vt[keep].T / s[keep] ** 2) @ vt[keep]
    beta, th = unpack(x)
    if not (math.isfinite(chi2) and beta > 0 and cov[0, 0] > 0):
        return None
    return {
        "beta": beta,
        "var_beta": float(cov[0, 0]),
        "chi2": chi2,
        "k": int(x.size),
        "theta": th,
        "names": names,
        "wg": wg,
        "wl": wl,
        "at_bound": bool(np.any(np.isclose(x[1:], lo[1:]) | np.isclose(x[1:], hi[1:]))) if x.size > 1 else False,
    }


def _zlp_shape(data: EELSData) -> tuple[float, float]:
    """(HWHM, Gaussian sigma) in meV of the ZLP of the summed, centred data."""
    from .preprocess import peak_fwhm

    summed = np.asarray(data.counts, dtype=float).reshape(-1, data.n_channels).sum(axis=0)
    fwhm = peak_fwhm(data.energy_mev, summed)
    return 0.5 * fwhm, fwhm / _FWHM_GAUSS


def _check_region(
    data: EELSData, window: tuple[float, float], region_mev: Any, fwhm: float
) -> tuple[tuple[float, float], float]:
    from .temperature import check_window

    w = data.channel_width_mev
    e = data.energy_mev
    e_max = float(min(-e[0], e[-1]))
    lo, hi = window
    if hi > e_max + w:
        raise InputError(
            f"the window {lo:g}:{hi:g} meV ends beyond the data: gain and loss channels pair up only to "
            f"|E| = {e_max:g} meV"
        )
    if region_mev is None:
        rlo = max(lo - 0.5 * (hi - lo), 2.0 * fwhm)
        region = (min(rlo, lo), e_max)
    else:
        region = check_window(region_mev, w)
        if region[0] > lo or region[1] < min(hi, e_max):
            raise InputError(f"region_mev {region[0]:g}:{region[1]:g} meV must contain the window {lo:g}:{hi:g} meV")
        if region[1] > e_max + w:
            raise InputError(f"region_mev {region[0]:g}:{region[1]:g} meV ends beyond the data (|E| <= {e_max:g} meV)")
    if region[0] < 1.0 * fwhm:
        raise InputError(
            f"the fit region starts at {region[0]:g} meV, inside the zero-loss peak's core (FWHM {fwhm:g} meV): "
            "start the window (or region_mev) at >= 1 x FWHM"
        )
    return region, e_max


def _average(fits: list[dict[str, Any] | None], kappa: float = 1.0) -> dict[str, Any]:
    aic = np.array([f["chi2"] / kappa + 2 * f["k"] if f else np.inf for f in fits])
    if not np.any(np.isfinite(aic)):
        raise InputError("the joint tail + temperature fit failed for every tail family")
    d = aic - np.min(aic)
    wts = np.where(np.isfinite(d), np.exp(-0.5 * np.where(np.isfinite(d), d, 0.0)), 0.0)
    wts /= wts.sum()
    beta = np.array([f["beta"] if f else np.nan for f in fits])
    var = np.array([f["var_beta"] if f else np.nan for f in fits])
    ok = wts > 0
    bbar = float(np.sum(wts[ok] * beta[ok]))
    vbar = float(np.sum(wts[ok] * (var[ok] + (beta[ok] - bbar) ** 2)))
    return {"weights": wts, "beta": beta, "var": var, "bbar": bbar, "vbar": vbar, "best": int(np.argmax(wts))}


def _verdict(chi2: float, dof: int, kappa: float = 1.0) -> tuple[float, float, bool, float, str]:
    """(chi2/dof, p, adequate, inflation, words) of a stated-variance ``chi2``, corrected by ``kappa``."""
    q = chi2 / kappa
    chi2r = q / dof
    rho = (1.0 - kappa) / (2.0 * kappa)
    c = 1.0 + 2.0 * rho * rho
    nu = dof / c
    p = float(stats.chi2.sf(q / c, nu))
    corr = f"; chi2 divided by the centring's variance ratio {kappa:.3g}" if kappa < 1.0 else ""
    if p >= ADEQUACY_P:
        p_low = float(stats.chi2.cdf(q / c, nu))
        small = (
            f"; chi2 TOO SMALL (lower-tail p = {p_low:.2g}): the stated variances exceed the scatter "
            "(counts far below one per channel, or smoothed data), so the error is likely too large"
            if p_low < ADEQUACY_P
            else ""
        )
        return chi2r, p, True, 1.0, f"adequate: chi2/dof = {chi2r:.3g} (p = {p:.3g} >= {ADEQUACY_P:g}){corr}{small}"
    infl = math.sqrt(chi2r)
    return (
        chi2r,
        p,
        False,
        infl,
        f"INADEQUATE: chi2/dof = {chi2r:.3g} (p = {p:.2g} < {ADEQUACY_P:g}){corr}; the error is inflated by "
        f"sqrt(chi2/dof) = {infl:.3g}; the tail or the signal departs from the symmetric-tail + detailed-balance "
        "model (asymmetric tail, a non-equilibrium mode, a background of another origin): treat the number as doubtful",
    )


def _start_beta(e: NDArray, g: NDArray, lc: NDArray) -> float:
    ok = (g > 0) & (lc > g)
    if np.count_nonzero(ok) >= 2:
        y = np.log(g[ok] / lc[ok])
        b = -float(np.polyfit(e[ok], y, 1)[0])
        if math.isfinite(b) and b > 0:
            return b
    return 1.0 / (KB_MEV * 300.0)


def _one_pixel(
    e: NDArray,
    g: NDArray,
    lc: NDArray,
    vg: NDArray,
    vl: NDArray,
    gain: float,
    h: float,
    sigma: float,
    families: Sequence[str],
    fixed: Sequence[NDArray | None] | None = None,
) -> tuple[list[dict[str, Any] | None], str]:
    """Fits of every family on one pixel, and a reason ('' when at least one worked)."""
    sl, sg = float(lc.sum()), float(g.sum())
    if sl <= 2.0 * math.sqrt(max(float(vl.sum()), 1e-300)):
        return [], f"no loss signal above noise (loss sum {sl:g} counts)"
    if sg >= sl:
        return [], f"gain sum {sg:g} >= loss sum {sl:g} counts: no positive temperature"
    beta0 = _start_beta(e, g, lc)
    fits = [
        _fit_family(f, e, g, lc, vg, vl, gain, h, sigma, beta0, None if fixed is None else fixed[i])
        for i, f in enumerate(families)
    ]
    if not any(fits):
        return fits, "the joint fit failed for every tail family"
    return fits, ""


def _chi2_at_beta(
    family: str, e: NDArray, g: NDArray, lc: NDArray, fit: dict[str, Any], beta: float, h: float, sigma: float
) -> float:
    """Least chi2 over the tail parameters with beta = 1/k_B T held (the fit's final variances); beta = inf: r = 0."""
    wg, wl = fit["wg"], fit["wl"]
    with np.errstate(all="ignore"):
        r = np.zeros_like(e) if math.isinf(beta) else np.exp(np.clip(-beta * e, -700.0, 700.0))
    den = np.sqrt(wg + r * r * wl)

    def resid(th: NDArray) -> NDArray:
        with np.errstate(all="ignore"):
            out = (g - r * lc - (1.0 - r) * _tail(family, e, th, h, sigma)) / den
        return np.where(np.isfinite(out), out, 1e150)

    th0 = np.array(fit["theta"], dtype=float)
    try:
        sol = optimize.least_squares(resid, th0, method="lm", x_scale="jac", max_nfev=200 * (th0.size + 1))
    except (ValueError, OverflowError, np.linalg.LinAlgError):
        return math.nan
    return float(np.sum(sol.fun**2))


#: chi2 rise (2 sigma) below which r = 0 (no gain signal, T -> 0) is called compatible with the data.
_NO_GAIN_DCHI2 = 4.0
#: chi2 rise of a one-sided 95 % bound (the 0.90 quantile of chi2 with one degree of freedom).
_BOUND_DCHI2 = float(stats.chi2.ppf(0.90, 1))


def _gain_signal_reason(
    fit: dict[str, Any],
    family: str,
    e: NDArray,
    g: NDArray,
    lc: NDArray,
    window: tuple[float, float],
    h: float,
    sigma: float,
    kappa: float = 1.0,
) -> str:
    """'' when the data bound T from below (the gain side carries phonon signal), else the reason.

    Two tests, both with the joint fit's own (model-consistent) variances: (1) the gain side exceeds the
    fitted tail in the window by > 2 sigma; (2) profile likelihood: holding r = exp(-E/k_B T) = 0 (no gain
    signal at all, T -> 0) and refitting the tail must raise chi2 by >= 4 (2 sigma).  When (2) fails the
    likelihood in T is one-sided (it does not fall off towards T = 0) and a symmetric error would be a
    fiction; the reason then quotes the one-sided 95 % upper bound, where chi2 rises by 2.71 (Wilks'
    theorem; Cowan, *Statistical Data Analysis*, Oxford (1998), Sec. 9.6 and 9.8).  ``kappa`` divides
    chi2 differences (see :func:`centring_variance_ratio`).
    """
    inw = (e >= window[0] - 1e-9) & (e <= window[1] + 1e-9)
    excess = float(np.sum(g[inw] - _tail(family, e[inw], fit["theta"], h, sigma)))
    noise = math.sqrt(max(float(np.sum(fit["wg"][inw])), 1e-300))
    if excess <= 2.0 * noise:
        return (
            f"no gain signal above noise: the gain side exceeds the fitted tail by {excess:.3g} +- {noise:.3g} counts "
            f"in the window {window[0]:g}:{window[1]:g} meV (needs > 2 sigma)"
        )
    chi2_zero = _chi2_at_beta(family, e, g, lc, fit, math.inf, h, sigma)
    if not math.isfinite(chi2_zero):
        return ""
    rise = (chi2_zero - fit["chi2"]) / kappa
    if rise >= _NO_GAIN_DCHI2:
        return ""
    bound = _upper_bound(family, e, g, lc, fit, h, sigma, kappa)
    text = f"T < {bound:.4g} K (one-sided 95 % bound)" if math.isfinite(bound) else "no upper bound either"
    return (
        f"no gain signal above noise: a gain side of pure zero-loss tail (r = 0, T -> 0) fits as well (chi2 rises by "
        f"{rise:.3g} < {_NO_GAIN_DCHI2:g}), so the likelihood in T is one-sided and no T +- error is given; {text}"
    )


def _upper_bound(
    family: str, e: NDArray, g: NDArray, lc: NDArray, fit: dict[str, Any], h: float, sigma: float, kappa: float
) -> float:
    """T (K) above beta_hat's temperature where the profile chi2 rises by ``_BOUND_DCHI2``; NaN if none below 1e5 K."""
    target = fit["chi2"] + kappa * _BOUND_DCHI2
    b_hi = fit["beta"]  # chi2 at the minimum is below the target
    b_lo = 1.0 / (KB_MEV * 1e5)
    if b_lo >= b_hi or not _chi2_at_beta(family, e, g, lc, fit, b_lo, h, sigma) > target:
        return math.nan
    for _ in range(40):  # bisection in ln beta
        mid = math.sqrt(b_lo * b_hi)
        if _chi2_at_beta(family, e, g, lc, fit, mid, h, sigma) > target:
            b_lo = mid
        else:
            b_hi = mid
        if b_hi / b_lo < 1.002:
            break
    return 1.0 / (KB_MEV * math.sqrt(b_lo * b_hi))


def _check_families(families: Any) -> tuple[str, ...]:
    if isinstance(families, str):
        families = (families,)
    try:
        fams = tuple(str(f) for f in families)
    except TypeError:
        raise InputError(f"families must be a list of tail families ({', '.join(FAMILIES)})") from None
    bad = [f for f in fams if f not in FAMILIES]
    if bad or not fams:
        raise InputError(f"tail families must be among {', '.join(FAMILIES)}, got {', '.join(fams) or 'none'}")
    return fams


def _gain(data: EELSData) -> float:
    from .temperature import detector_gain

    return detector_gain(data)


def _prepare(data: EELSData, window_mev: Any, region_mev: Any) -> tuple[Any, ...]:
    from .temperature import centred_channels, check_window

    if not isinstance(data, EELSData):
        raise InputError(f"expected EELSData, got {type(data).__name__}")
    if data.background is not None or any("background" in s.lower() for s in data.steps):
        raise InputError(
            "the joint fit models the zero-loss-peak tail itself: give centred data with the background NOT "
            "subtracted (preprocess(..., background=None))"
        )
    w, _ = centred_channels(data)
    if window_mev is None:
        raise InputError("window_mev is required for the joint fit: give the |E| window of the mode, e.g. (60, 100)")
    window = check_window(window_mev, w)
    h, sigma = _zlp_shape(data)
    region, _ = _check_region(data, window, region_mev, 2.0 * h)
    e, g, lc, vg, vl = _pair_arrays(data, region)
    if e.size < 8:
        raise InputError(
            f"the fit region {region[0]:g}:{region[1]:g} meV holds {e.size} channel pairs; the joint fit needs >= 8"
        )
    from .preprocess import centring_variance_ratio

    kappa = centring_variance_ratio(data).reshape(-1)
    return window, region, h, sigma, e, g, lc, vg, vl, kappa


def fit_joint_temperature(
    data: EELSData,
    window_mev: Sequence[float],
    *,
    region_mev: Sequence[float] | None = None,
    families: Sequence[str] = FAMILIES,
) -> JointTemperatureFit:
    """Temperature (K) of one spectrum by the joint symmetric-tail + detailed-balance fit (module docstring).

    Parameters
    ----------
    data : EELSData
        One centred spectrum (or a scan/image, summed first) with the ZLP tail NOT subtracted.
    window_mev : (lo, hi)
        ``|E|`` window of the mode in meV; it may end at the axis end to within one channel.
    region_mev : (lo, hi), optional
        ``|E|`` channels fitted (must contain the window); default see the module docstring.
    families : sequence of str
        Tail families to fit and average (default all of ``FAMILIES``).

    Returns
    -------
    JointTemperatureFit
        With the Akaike weights, the chi2 verdict and (when inadequate) the inflated error.

    Raises
    ------
    InputError
        Window or region outside the data, no loss signal, gain >= loss, every family failing.
    """
    fams = _check_families(families)
    if isinstance(data, EELSData) and data.nav_shape:
        from .preprocess import sum_along

        while data.nav_shape:
            data = sum_along(data, 0)
    window, region, h, sigma, e, g, lc, vg, vl, kap = _prepare(data, window_mev, region_mev)
    kappa = float(kap[0])
    fits, reason = _one_pixel(e, g[0], lc[0], vg[0], vl[0], _gain(data), h, sigma, fams)
    if reason:
        raise InputError(f"no temperature in the region {region[0]:g}:{region[1]:g} meV: {reason}")
    avg = _average(fits, kappa)
    best = fits[avg["best"]]
    assert best is not None
    why = _gain_signal_reason(best, fams[avg["best"]], e, g[0], lc[0], window, h, sigma, kappa)
    if why:
        raise InputError(f"no temperature in the window {window[0]:g}:{window[1]:g} meV: {why}")
    dof = e.size - best["k"]
    chi2r, p, adequate, infl, verdict = _verdict(best["chi2"], dof, kappa)
    bbar = avg["bbar"]
    if bbar <= 0:
        raise InputError("the fitted gain/loss ratio is >= 1: no positive temperature")
    t = 1.0 / (KB_MEV * bbar)
    t_err = infl * math.sqrt(avg["vbar"]) / (KB_MEV * bbar**2)
    fam_t = np.where(np.isfinite(avg["beta"]), 1.0 / (KB_MEV * avg["beta"]), np.nan)
    fam_e = np.sqrt(avg["var"]) / (KB_MEV * avg["beta"] ** 2)
    return JointTemperatureFit(
        temperature=float(t),
        temperature_err=float(t_err),
        window_mev=window,
        region_mev=(float(region[0]), float(region[1])),
        energies_mev=e,
        n_channels=int(e.size),
        families=fams,
        family_weights=avg["weights"],
        family_temperatures=fam_t,
        family_errors=fam_e,
        family_chi2=np.array([f["chi2"] / kappa if f else np.nan for f in fits]),
        family=fams[avg["best"]],
        tail_parameters={n: float(v) for n, v in zip(best["names"], best["theta"])},
        chi2=float(best["chi2"] / kappa),
        dof=int(dof),
        chi2_reduced=float(chi2r),
        p_value=float(p),
        adequate=bool(adequate),
        inflation=float(infl),
        verdict=verdict,
        variance_ratio=kappa,
    )


def joint_profile(
    data: EELSData,
    window_mev: Sequence[float],
    *,
    across: str = "x",
    region_mev: Sequence[float] | None = None,
    families: Sequence[str] = FAMILIES,
) -> Any:
    """Temperature at every probe position of a line scan by the joint fit; an image is summed along the interface.

    Every family is fitted to the summed scan (all counts) and the one with the largest Akaike weight is
    kept with its tail *shape* (exponent, m, gamma); at every position the temperature and the tail amplitude
    are fitted with that shape, and the error inflated by sqrt(chi2_reduced) where the position's fit is
    inadequate (p < ``ADEQUACY_P``; ``adequate`` False there).  (One family per position, not the average:
    the per-position fits are the cost of a profile, and the families' spread is measured on the summed scan.)

    Returns
    -------
    EELSProfile
        With ``chi2_reduced`` and ``adequate`` per position.
    """
    from .preprocess import sum_along
    from .profile import EELSProfile

    fams = _check_families(families)
    if not isinstance(data, EELSData):
        raise InputError(f"expected EELSData, got {type(data).__name__}")
    nav = data.nav_shape
    if len(nav) == 2:
        if across not in data.nav_names:
            raise InputError(f"across={across!r} is not a navigation axis (axes: {', '.join(data.nav_names)})")
        data = sum_along(data, next(n for n in data.nav_names if n != across))
    elif len(nav) != 1:
        raise InputError(f"a profile needs a line scan or an image, got navigation shape {nav}")
    total = data
    while total.nav_shape:
        total = sum_along(total, 0)
    window, region, h, sigma, e, g, lc, vg, vl, kap = _prepare(data, window_mev, region_mev)
    from .preprocess import centring_variance_ratio

    kap_sum = float(centring_variance_ratio(total).reshape(-1)[0])
    gain = _gain(data)
    _, gs, ls, vgs, vls = _pair_arrays(total, region)
    shape_fits, reason = _one_pixel(e, gs[0], ls[0], vgs[0], vls[0], gain, h, sigma, fams)
    if reason:
        raise InputError(f"the summed scan has no temperature in {region[0]:g}:{region[1]:g} meV: {reason}")
    w_sum = _average(shape_fits, kap_sum)["weights"]
    use = [int(np.argmax(w_sum))]  # the summed scan's best family (speed: one family per position)
    fixed = [np.concatenate(([np.nan], shape_fits[i]["theta"][1:])) for i in use]
    n = nav[0] if len(nav) == 1 else data.nav_shape[0]
    t = np.full(n, np.nan)
    te = np.full(n, np.nan)
    chi2r = np.full(n, np.nan)
    adequate = np.zeros(n, dtype=bool)
    for j in range(n):
        fits, why = _one_pixel(e, g[j], lc[j], vg[j], vl[j], gain, h, sigma, [fams[i] for i in use], fixed)
        if why:
            continue
        avg = _average(fits, float(kap[j]))
        best = fits[avg["best"]]
        c2r, _, ok, infl, _ = _verdict(best["chi2"], e.size - best["k"], float(kap[j]))
        if avg["bbar"] <= 0 or _gain_signal_reason(best, fams[use[0]], e, g[j], lc[j], window, h, sigma, float(kap[j])):
            continue
        t[j] = 1.0 / (KB_MEV * avg["bbar"])
        te[j] = infl * math.sqrt(avg["vbar"]) / (KB_MEV * avg["bbar"] ** 2)
        chi2r[j] = c2r
        adequate[j] = ok
    valid = np.isfinite(t) & np.isfinite(te) & (te > 0)
    return EELSProfile(
        positions_nm=data.positions_nm[0],
        temperature=t,
        temperature_err=te,
        valid=valid,
        window_mev=window,
        source=data.source,
        steps=(
            *data.steps,
            f"temperature per position: {METHOD}; tail families {', '.join(fams[i] for i in use)} (shape from the "
            f"summed scan), {CRITERION}; fitted |E| {region[0]:g}-{region[1]:g} meV",
        ),
        chi2_reduced=chi2r,
        adequate=adequate,
    )


__all__ = ["ADEQUACY_P", "FAMILIES", "JointTemperatureFit", "fit_joint_temperature", "joint_profile"]
