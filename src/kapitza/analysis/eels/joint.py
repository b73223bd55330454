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

minimised over beta = 1/k_B T and the tail parameters theta (a Levenberg-Marquardt iteration over a block of
spectra, :mod:`.core`).  Where there
is no phonon signal (above the phonon band, between modes) G = L = B pins the tail; where there is, the
ratio pins T.  The variances are model-consistent (as in :mod:`.temperature`): after a first fit weighted by
the observed variances of each pair's neighbours (two on each side, its own left out: a weight taken from the count
it weights pulls the fit down at low counts, Neyman's chi2; of the Pearson VII family, the most flexible; the next
family where it fails), the Poisson part of each side is replaced by its fitted expectation (B + r S_hat, B +
S_hat) and every family is fitted with those variances, which removes the low-count bias of observed-variance
weights.

Fit region.  The channels of ``region_mev``; default from lo - (hi - lo)/2 (but not below 2 x the ZLP
FWHM) to the end of the axis, so the tail above the window (usually pure ZLP tail) is in the fit.  One
temperature holds over the whole region (equilibrium; :func:`~.temperature.band_temperatures` tests it).

Automatic window (no ``window_mev``).  From ``fit_region.AUTO_WINDOW_FWHM`` (6) x the spectrum's own ZLP FWHM to the
end of its axis, and the region the same: beyond 6 FWHM the tail families are close to their far-field forms,
where the calibration spectra (four tail families, docs/reference/calibration.md) and kapitza's own forward
model show no bias; a window starting at 2-4 FWHM was biased by up to 5 sigma on Pearson VII tails (measured
while choosing the rule, ``scripts/calibration/eels.py``).  Phonons below 6 FWHM are then not used: give
``window_mev`` for a material whose modes lie that low.

One spectrum, one answer.  Every number here -- the ZLP position, its FWHM (the tail widths h, sigma), the
centring ratio kappa, the axis end, the automatic window -- is the spectrum's own, so a spectrum gives the same
temperature (to 1e-9 K) alone, in a line scan, in a map, or streamed from a file: every path runs
:mod:`.core` on blocks of spectra (raw spectra are centred there, each on its own axis).

Tail families (``FAMILIES``; ``DEFAULT_FAMILIES`` the first three), h the ZLP's half width at half maximum
(measured on the spectrum):

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

from ...errors import InputError
from ...io.results import result
from . import centring, core, fit_region, reasons, tails
from .data import EELSData
from .results import EELSProfile, TemperatureMap

#: Tail families, in the order of the result's arrays.
FAMILIES = tails.FAMILIES
#: The families fitted unless ``families=`` says otherwise.
DEFAULT_FAMILIES = tails.DEFAULT_FAMILIES
#: p-value below which the model is called inadequate and the error inflated by sqrt(chi2_reduced).
ADEQUACY_P = core.ADEQUACY_P
CRITERION = (
    "Akaike weights (AIC = chi2 + 2k) over the tail families, model-averaged beta = 1/k_B T with the "
    "unconditional variance (Burnham & Anderson 2002, Sec. 4.3.2)"
)
METHOD = (
    "joint fit of the symmetric zero-loss-peak tail and the detailed-balance ratio: G - r L = (1 - r) B(E), "
    "r = exp(-E/k_B T), phonon signal free per channel (errors in both variables, model-consistent variances)"
)
CENTRED_WORDS = (
    "each spectrum centred on its own zero-loss peak (sub-channel log-parabola, sum-preserving linear shift of "
    "counts and variances)"
)
AUTO_RULE = (
    f"automatic: from {fit_region.AUTO_WINDOW_FWHM:g} x the spectrum's zero-loss FWHM to the end of its axis "
    "(window and fitted region)"
)


@result
class JointTemperatureFit:
    """Temperature from the joint tail + detailed-balance fit of one spectrum.

    Attributes
    ----------
    temperature, temperature_err : float
        Model-averaged temperature and its one-sigma error, K (inflated by ``inflation`` when inadequate).
    window_mev, region_mev : tuple (lo, hi)
        The ``|E|`` window (given, or the automatic one) and the channels actually fitted (meV).
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
    window_rule : str
        "given", or the automatic rule in words.
    fwhm_mev : float
        The zero-loss peak's FWHM (meV) on the spectrum (it sets the tail widths and the automatic window).
    gain_counts, loss_counts, tail_counts : ndarray (n,)
        At ``energies_mev``: the gain and loss counts fitted and the fitted tail B of ``family`` (for figures).
    steps : tuple of str
        What was done to the data before the fit (centring, summing), oldest first.
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
    window_rule: str = "given"
    fwhm_mev: float = math.nan
    gain_counts: Any = None
    loss_counts: Any = None
    tail_counts: Any = None
    steps: tuple[str, ...] = ()

    _summary_fields: ClassVar[tuple[str, ...]] = ("temperature", "temperature_err", "family", "verdict")


def verdict_text(chi2r: float, p: float, p_low: float, adequate: bool, inflation: float, kappa: float) -> str:
    """The adequacy verdict in words (module docstring: chi2 corrected by the centring's kappa)."""
    corr = f"; chi2 divided by the centring's variance ratio {kappa:.3g}" if kappa < 1.0 else ""
    if adequate:
        small = (
            f"; chi2 TOO SMALL (lower-tail p = {p_low:.2g}): the stated variances exceed the scatter "
            "(counts far below one per channel, or smoothed data), so the error is likely too large"
            if p_low < ADEQUACY_P
            else ""
        )
        return f"adequate: chi2/dof = {chi2r:.3g} (p = {p:.3g} >= {ADEQUACY_P:g}){corr}{small}"
    return (
        f"INADEQUATE: chi2/dof = {chi2r:.3g} (p = {p:.2g} < {ADEQUACY_P:g}){corr}; the error is inflated by "
        f"sqrt(chi2/dof) = {inflation:.3g}; the tail or the signal departs from the symmetric-tail + detailed-balance "
        "model (asymmetric tail, a non-equilibrium mode, a background of another origin): treat the number as doubtful"
    )


# ------------------------------------------------------------------------------------------------ drivers


def check_data(data: Any) -> EELSData:
    if not isinstance(data, EELSData):
        raise InputError(f"expected EELSData, got {type(data).__name__}")
    if data.background is not None or any("background" in s.lower() for s in data.steps):
        raise InputError(
            "the joint fit models the zero-loss-peak tail itself: give the data with the background NOT "
            "subtracted (raw, or preprocess(..., background=None))"
        )
    return data


def centred_kappa(data: EELSData) -> NDArray[np.float64] | None:
    """None for raw data (each spectrum is centred in the core); kappa per spectrum for centred data."""
    from .preprocess import centring_variance_ratio, is_centred
    from .temperature import centred_channels

    if not is_centred(data):
        return None
    centred_channels(data)  # a zero-loss peak left off 0 is refused here
    return np.asarray(centring_variance_ratio(data), dtype=float).reshape(-1)


def spectra(data: EELSData) -> centring.Spectra:
    """Every spectrum of ``data`` (raw or centred, any navigation shape) on the centred grid, flat (n_pix, ...)."""
    n = data.n_channels
    flat_c = np.asarray(data.counts, dtype=float).reshape(-1, n)
    flat_v = np.asarray(data.variance, dtype=float).reshape(-1, n)
    kappa = centred_kappa(data)
    half = centring.grid_half(n)
    parts = []
    rows = max(1, (1 << 22) // max(n, 1))
    for start in range(0, flat_c.shape[0], rows):
        sl = slice(start, start + rows)
        parts.append(
            centring.centre_block(
                flat_c[sl], flat_v[sl], data.energy_mev, half=half, centred_kappa=None if kappa is None else kappa[sl]
            )
        )
    if len(parts) == 1:
        return parts[0]
    first = parts[0]
    return centring.Spectra(
        first.width,
        first.half,
        np.concatenate([p.counts for p in parts]),
        np.concatenate([p.variance for p in parts]),
        np.concatenate([p.reach for p in parts]),
        np.concatenate([p.kappa for p in parts]),
        np.concatenate([p.weight for p in parts]),
        np.concatenate([p.peak for p in parts]),
    )


def settings_for(
    data: EELSData | Any, window_mev: Any, region_mev: Any, families: Any, bound: bool = False
) -> fit_region.Settings:
    from .temperature import detector_gain

    gain = detector_gain(data) if isinstance(data, EELSData) else float(dict(data.metadata).get("detector_gain", 1.0))
    return fit_region.settings(window_mev, region_mev, families, gain, data.channel_width_mev, bound)


def _window_words(settings: fit_region.Settings) -> str:
    if settings.window is None:
        return AUTO_RULE
    return f"window {settings.window[0]:g}:{settings.window[1]:g} meV"


def reason_summary(out: dict[str, Any], rows: NDArray[np.intp] | None = None) -> dict[str, int]:
    """Why rows have no temperature: a short reason -> number of rows (all invalid rows, or ``rows``)."""
    bad = np.flatnonzero(~np.asarray(out["valid"], dtype=bool)) if rows is None else rows
    counts: dict[str, int] = {}
    for r in bad.tolist():
        text = reasons.REASON_LABELS.get(int(out["reason"][r]), "no temperature")
        counts[text] = counts.get(text, 0) + 1
    return counts


def fit_joint_temperature(
    data: EELSData,
    window_mev: Sequence[float] | None = None,
    *,
    region_mev: Sequence[float] | None = None,
    families: Sequence[str] = DEFAULT_FAMILIES,
) -> JointTemperatureFit:
    """Temperature (K) of one spectrum by the joint symmetric-tail + detailed-balance fit (module docstring).

    Parameters
    ----------
    data : EELSData
        One spectrum, raw or centred, with the ZLP tail NOT subtracted; a line scan or image is summed first
        (each spectrum centred on its own zero-loss peak, then added).
    window_mev : (lo, hi), optional
        ``|E|`` window of the mode in meV; it may end at the axis end to within one channel.  Default: the
        automatic window (:data:`AUTO_RULE`).
    region_mev : (lo, hi), optional
        ``|E|`` channels fitted (must contain the window); default see the module docstring.
    families : sequence of str
        Tail families to fit and average (default :data:`DEFAULT_FAMILIES`).

    Returns
    -------
    JointTemperatureFit
        With the Akaike weights, the chi2 verdict and (when inadequate) the inflated error.

    Raises
    ------
    InputError
        Window or region outside the data, no loss signal, gain >= loss, every family failing, a gain side
        without phonon signal (with a one-sided upper bound where the data give one).
    """
    data = check_data(data)
    st = settings_for(data, window_mev, region_mev, families, bound=True)
    sp = spectra(data)
    steps = list(data.steps)
    if centred_kappa(data) is None:
        steps.append(CENTRED_WORDS)
    if sp.size > 1:
        sp = sp.grouped((sp.size,), 0)
        steps.append(f"summed the {data.counts[..., 0].size} spectra")
    out = core.fit_block(sp, st)
    code = int(out["reason"][0])
    if code != reasons.OK:
        text = core.reason_text(code, 0, out)
        where = (
            f"the window {out['window_lo'][0]:.4g}:{out['window_hi'][0]:.4g} meV"
            if code in (reasons.NO_GAIN, reasons.ONE_SIDED)
            else f"the region {out['region_lo'][0]:.4g}:{out['region_hi'][0]:.4g} meV"
        )
        raise InputError(f"no temperature in {where}: {text}")
    fams = st.families
    best = int(out["best"][0])
    kappa = float(out["kappa"][0])
    chi2r, p, p_low = float(out["chi2_reduced"][0]), float(out["p_value"][0]), float(out["p_low"][0])
    adequate, infl = bool(out["adequate"][0]), float(out["inflation"][0])
    e_all = out["energies"]
    lo_r, hi_r = float(out["region_lo"][0]), float(out["region_hi"][0])
    w = sp.width
    e = e_all[(e_all >= math.ceil(lo_r / w - 1e-6) * w - 1e-9) & (e_all <= min(hi_r, sp.reach[0] * w) + 1e-9)]
    theta = out["theta"][0]
    ks = np.rint(e / w).astype(np.int64)
    tail, _ = tails.tail_values(
        fams[best],
        e,
        np.asarray(theta, dtype=float)[None, :],
        out["fwhm"][:1] / 2.0,
        out["fwhm"][:1] / tails.FWHM_PER_SIGMA,
    )
    return JointTemperatureFit(
        temperature=float(out["temperature"][0]),
        temperature_err=float(out["temperature_err"][0]),
        window_mev=(float(out["window_lo"][0]), float(out["window_hi"][0])),
        region_mev=(lo_r, hi_r),
        energies_mev=e,
        n_channels=int(out["n_pairs"][0]),
        families=fams,
        family_weights=out["weights"][0],
        family_temperatures=out["family_temperatures"][0],
        family_errors=out["family_errors"][0],
        family_chi2=out["family_chi2"][0],
        family=fams[best],
        tail_parameters={n: float(v) for n, v in zip(tails.tail_names(fams[best]), theta)},
        chi2=float(out["chi2"][0]),
        dof=int(out["dof"][0]),
        chi2_reduced=chi2r,
        p_value=p,
        adequate=adequate,
        inflation=infl,
        verdict=verdict_text(chi2r, p, p_low, adequate, infl, kappa),
        variance_ratio=kappa,
        window_rule="given" if st.window is not None else AUTO_RULE,
        fwhm_mev=float(out["fwhm"][0]),
        gain_counts=sp.counts[0, sp.half - ks],
        loss_counts=sp.counts[0, sp.half + ks],
        tail_counts=tail[0],
        steps=tuple(steps),
    )


def _median_window(out: dict[str, Any], st: fit_region.Settings) -> tuple[float, float]:
    if st.window is not None:
        return st.window
    ok = np.asarray(out["valid"], dtype=bool)
    if not ok.any():
        return (math.nan, math.nan)
    return float(np.median(out["window_lo"][ok])), float(np.median(out["window_hi"][ok]))


def joint_profile(
    data: EELSData,
    window_mev: Sequence[float] | None = None,
    *,
    across: str = "x",
    region_mev: Sequence[float] | None = None,
    families: Sequence[str] = DEFAULT_FAMILIES,
    bin_position: int = 1,
) -> EELSProfile:
    """Temperature at every probe position of a line scan by the joint fit, each position on its own.

    Parameters
    ----------
    data : EELSData
        A line scan (nav_shape (n,)) or a spectrum image (ny, nx), raw or centred, tail not subtracted; an image
        is summed along the axis that is not ``across`` (each spectrum centred on its own peak before the sum).
    window_mev, region_mev, families
        As in :func:`fit_joint_temperature` (default: the automatic window, per position).
    across : str
        For an image: the navigation axis that crosses the interface.
    bin_position : int
        Positions summed per bin along the scan (must divide the number of positions).

    Returns
    -------
    EELSProfile
        With ``chi2_reduced`` and ``adequate`` per position; ``window_mev`` the window (automatic: the median
        over the valid positions).
    """
    from .preprocess import check_factor

    data = check_data(data)
    nav = data.nav_shape
    st = settings_for(data, window_mev, region_mev, families)
    f = check_factor(bin_position, "bin_position")
    sp = spectra(data)
    steps = list(data.steps)
    positions = data.positions_nm
    if len(nav) == 2:
        if across not in data.nav_names:
            raise InputError(f"across={across!r} is not a navigation axis (axes: {', '.join(data.nav_names)})")
        if data.nav_names[0] == data.nav_names[1]:
            raise InputError(f"the image's two navigation axes have the same name {across!r}")
        ax = data.nav_names.index(across)
        other = 1 - ax
        sp = sp.grouped(nav, other)
        positions = (data.positions_nm[ax],)
        steps.append(f"{CENTRED_WORDS}, then summed along {data.nav_names[other]!r} ({nav[other]} per position)")
    elif len(nav) != 1:
        raise InputError(f"a profile needs a line scan or an image, got navigation shape {nav}")
    x = positions[0]
    if x.size % f:
        raise InputError(f"bin_position={f} does not divide the {x.size} positions")
    if f > 1:
        sp = sp.binned(f)
        x = x.reshape(-1, f).mean(axis=1)
        steps.append(f"binned positions by {f} (counts and variances summed)")
    out = core.fit_spectra(sp, st)
    valid = np.asarray(out["valid"], dtype=bool)
    return EELSProfile(
        positions_nm=x,
        temperature=out["temperature"],
        temperature_err=out["temperature_err"],
        valid=valid,
        window_mev=_median_window(out, st),
        source=data.source,
        steps=(
            *steps,
            f"temperature per position: {METHOD}; tail families {', '.join(st.families)}, {CRITERION}; "
            f"{_window_words(st)}",
        ),
        chi2_reduced=np.where(valid, out["chi2_reduced"], np.nan),
        adequate=np.asarray(out["adequate"], dtype=bool),
    )


def joint_map(
    data: EELSData,
    window_mev: Sequence[float] | None = None,
    *,
    region_mev: Sequence[float] | None = None,
    families: Sequence[str] = DEFAULT_FAMILIES,
    bin_position: int = 1,
) -> TemperatureMap:
    """Temperature at every pixel of a spectrum image (raw or centred, in memory) by the joint fit.

    The numbers of :func:`~.stream.stream_temperature_map` (which reads large images chunk by chunk) and of
    :func:`fit_joint_temperature` on each pixel alone; see :func:`joint_profile` for the arguments.
    """
    from .preprocess import check_factor

    data = check_data(data)
    if len(data.nav_shape) != 2:
        raise InputError(
            f"a temperature map needs a spectrum image (2 navigation axes), got navigation shape {data.nav_shape}"
        )
    st = settings_for(data, window_mev, region_mev, families)
    f = check_factor(bin_position, "bin_position")
    ny, nx = data.nav_shape
    if nx % f:
        raise InputError(f"bin_position={f} does not divide the {nx} positions along x")
    compiled = core.use_kernel(ny * (nx // f), data.n_channels)  # the rule of stream_temperature_map
    out = core.fit_spectra(spectra(data).binned(f), st, compiled=compiled)
    positions = list(data.positions_nm)
    if f > 1:
        positions[1] = positions[1].reshape(-1, f).mean(axis=1)
    steps = (core.COMPILED_STEP,) if compiled else ()
    return map_result(out, st, (ny, nx // f), tuple(positions), data, steps)


def map_result(
    out: dict[str, Any],
    st: fit_region.Settings,
    shape: tuple[int, int],
    positions: Any,
    data: Any,
    steps: Sequence[str],
    device: str = "numpy (cpu)",
) -> TemperatureMap:
    """A :class:`TemperatureMap` from the core's per-pixel arrays."""
    valid = np.asarray(out["valid"], dtype=bool).reshape(shape)
    return TemperatureMap(
        positions_nm=tuple(positions),
        nav_names=tuple(data.nav_names),
        temperature=np.asarray(out["temperature"]).reshape(shape),
        temperature_err=np.asarray(out["temperature_err"]).reshape(shape),
        valid=valid,
        window_mev=_median_window(out, st),
        source=data.source,
        steps=(
            *data.steps,
            *steps,
            f"temperature per pixel: {METHOD}; tail families {', '.join(st.families)}, {CRITERION}; "
            f"{_window_words(st)}",
        ),
        chi2_reduced=np.where(valid, np.asarray(out["chi2_reduced"]).reshape(shape), np.nan),
        adequate=np.asarray(out["adequate"], dtype=bool).reshape(shape),
        reasons=reason_summary(out),
        device=device,
    )


__all__ = [
    "ADEQUACY_P",
    "AUTO_RULE",
    "DEFAULT_FAMILIES",
    "FAMILIES",
    "JointTemperatureFit",
    "fit_joint_temperature",
    "joint_map",
    "joint_profile",
]
