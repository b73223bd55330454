"""Forward vs reverse heat flow through one interface: per-mode gain/loss asymmetries and their significance.

Seed 000 (the AlN/SiC interface, Nature 2025): under forward and reverse heat flow the gain-side
intensities of two interface modes near 70 and 90 meV swap dominance, and an AlN optical mode near
80 meV falls out of equilibrium within ~3 nm of the interface.  A mode whose population is raised
above the lattice temperature shows a larger gain/loss ratio I_gain / I_loss = n / (n + 1) =
exp(-E / k_B T_mode) (:mod:`.balance`) at those positions, in one flow direction only.

:func:`compare_flows` takes the two (centred, background-subtracted) runs on the same probe grid and,
for every energy band (lo, hi) in meV:

- the gain-side intensity (counts summed over -hi <= E <= -lo) and the loss-side intensity
  (lo <= E <= hi), with errors from the carried variances;
- the gain/loss asymmetry r = I_gain / I_loss (dose-independent; exp(-E/k_B T) in equilibrium);
- the mode temperature from the gain/loss fit over the band
  (:func:`~kapitza.analysis.eels.temperature.fit_temperature` with ``window_mev=band``);
- the differences forward - reverse of r and of the mode temperature, with z = difference / its
  error (the runs are independent), and a chi2 over all positions with its p-value: the significance
  of "the two flows differ" for that band;

and the "dominance" gain(band 0) / gain(band 1) per position for both runs (the 70 vs 90 meV swap),
with its difference and z-score.  Raw intensities are reported but not differenced: the two runs'
doses differ; the ratios and temperatures do not depend on dose.

Intensities are sums of counts (no channel-width factor).  After sub-channel centring neighbouring
channels are correlated, but a sum over a band of several channels has the right variance (see
:func:`~kapitza.analysis.eels.preprocess.centre_zlp`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray
from scipy import stats

from ...errors import InputError
from ...io.results import result
from .data import EELSData


@result
class FlowComparison:
    """Forward vs reverse heat flow, band by band (see the module docstring).

    Shapes: ``(n_bands,) + nav_shape`` for per-band arrays, ``nav_shape`` for the dominance.  Values
    where ``*_valid`` is False are NaN (no positive intensity to form a ratio, or no temperature).

    Attributes
    ----------
    bands_mev : tuple of (float, float)
        The energy bands (lo, hi), meV (``|E|``).
    positions_nm : tuple of ndarray
        Probe positions, nm, one array per navigation axis.
    nav_names : tuple of str
    gain_forward, gain_forward_err, loss_forward, loss_forward_err : ndarray
        Band-integrated gain- and loss-side counts of the forward run, and their errors.
    gain_reverse, gain_reverse_err, loss_reverse, loss_reverse_err : ndarray
        The same for the reverse run.
    ratio_forward, ratio_forward_err, ratio_reverse, ratio_reverse_err : ndarray
        Gain/loss asymmetry I_gain / I_loss of each band, and its error.
    ratio_diff, ratio_diff_err, ratio_z : ndarray
        Forward - reverse of the asymmetry, its error and z = diff / err.
    ratio_valid : ndarray of bool
        Where both runs give a ratio (positive loss intensity, finite error).
    ratio_chi2, ratio_pvalue : ndarray (n_bands,)
        sum of z^2 over the valid positions and its chi2 p-value (small: the flows differ in that band).
    ratio_max_abs_z : ndarray (n_bands,)
        Largest ``|z|`` of the band (NaN if no valid position).
    temperature_forward, temperature_forward_err, temperature_reverse, temperature_reverse_err : ndarray
        Mode temperature of each band, K (empty arrays when ``temperatures=False``).
    temperature_diff, temperature_diff_err, temperature_z, temperature_valid : ndarray
        Forward - reverse of the mode temperatures, K, with z-scores.
    temperature_chi2, temperature_pvalue : ndarray (n_bands,)
    dominance_forward, dominance_forward_err, dominance_reverse, dominance_reverse_err : ndarray nav_shape
        gain(band 0) / gain(band 1) of each run (NaN everywhere with a single band).
    dominance_diff, dominance_diff_err, dominance_z, dominance_valid : ndarray nav_shape
    dominance_pvalue : float
    window_mev : tuple of float or None
        The window of the overall temperature (None: not computed).
    overall_temperature_forward, overall_temperature_reverse, overall_temperature_z : ndarray nav_shape
        Temperature over ``window_mev`` of each run and the z-score of their difference (empty
        without ``window_mev``).
    steps_forward, steps_reverse : tuple of str
        Processing history of the two runs.
    """

    bands_mev: tuple[tuple[float, float], ...]
    positions_nm: tuple[NDArray[np.float64], ...]
    nav_names: tuple[str, ...]
    gain_forward: NDArray[np.float64]
    gain_forward_err: NDArray[np.float64]
    loss_forward: NDArray[np.float64]
    loss_forward_err: NDArray[np.float64]
    gain_reverse: NDArray[np.float64]
    gain_reverse_err: NDArray[np.float64]
    loss_reverse: NDArray[np.float64]
    loss_reverse_err: NDArray[np.float64]
    ratio_forward: NDArray[np.float64]
    ratio_forward_err: NDArray[np.float64]
    ratio_reverse: NDArray[np.float64]
    ratio_reverse_err: NDArray[np.float64]
    ratio_diff: NDArray[np.float64]
    ratio_diff_err: NDArray[np.float64]
    ratio_z: NDArray[np.float64]
    ratio_valid: NDArray[np.bool_]
    ratio_chi2: NDArray[np.float64]
    ratio_pvalue: NDArray[np.float64]
    ratio_max_abs_z: NDArray[np.float64]
    temperature_forward: NDArray[np.float64]
    temperature_forward_err: NDArray[np.float64]
    temperature_reverse: NDArray[np.float64]
    temperature_reverse_err: NDArray[np.float64]
    temperature_diff: NDArray[np.float64]
    temperature_diff_err: NDArray[np.float64]
    temperature_z: NDArray[np.float64]
    temperature_valid: NDArray[np.bool_]
    temperature_chi2: NDArray[np.float64]
    temperature_pvalue: NDArray[np.float64]
    dominance_forward: NDArray[np.float64]
    dominance_forward_err: NDArray[np.float64]
    dominance_reverse: NDArray[np.float64]
    dominance_reverse_err: NDArray[np.float64]
    dominance_diff: NDArray[np.float64]
    dominance_diff_err: NDArray[np.float64]
    dominance_z: NDArray[np.float64]
    dominance_valid: NDArray[np.bool_]
    dominance_pvalue: float
    window_mev: Any
    overall_temperature_forward: NDArray[np.float64]
    overall_temperature_reverse: NDArray[np.float64]
    overall_temperature_z: NDArray[np.float64]
    steps_forward: tuple[str, ...] = ()
    steps_reverse: tuple[str, ...] = ()

    _summary_fields: ClassVar[tuple[str, ...]] = ("bands_mev", "ratio_pvalue", "ratio_max_abs_z", "dominance_pvalue")

    @property
    def nav_shape(self) -> tuple[int, ...]:
        return tuple(self.dominance_forward.shape)


def _bands(bands_mev: Any) -> tuple[tuple[float, float], ...]:
    try:
        b = np.asarray(bands_mev, dtype=float)
    except (TypeError, ValueError):
        raise InputError("bands_mev must be pairs (lo, hi) of energies in meV, e.g. [(65, 75), (85, 95)]") from None
    if b.ndim == 1 and b.size == 2:
        b = b[None, :]
    if b.ndim != 2 or b.shape[1] != 2 or b.shape[0] == 0:
        raise InputError(
            f"bands_mev must be pairs (lo, hi) of energies in meV, e.g. [(65, 75), (85, 95)] (got shape {b.shape})"
        )
    for lo, hi in b:
        if not (np.isfinite(lo) and np.isfinite(hi) and 0 < lo < hi):
            raise InputError(f"each band needs 0 < lo < hi (meV, |E|); got {float(lo):g}..{float(hi):g}")
    return tuple((float(lo), float(hi)) for lo, hi in b)


def _channels(energy: NDArray[np.float64], band: tuple[float, float]) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    lo, hi = band
    width = float(np.median(np.diff(energy)))
    tol = 1e-6 * width
    if hi > energy[-1] + tol or -hi < energy[0] - tol:
        raise InputError(
            f"the band {lo:g}-{hi:g} meV lies outside the data (loss side up to {float(energy[-1]):g} meV, "
            f"gain side down to {float(energy[0]):g} meV)"
        )
    loss = np.nonzero((energy >= lo - tol) & (energy <= hi + tol))[0]
    gain = np.nonzero((energy >= -hi - tol) & (energy <= -lo + tol))[0]
    if loss.size == 0 or gain.size == 0:
        raise InputError(f"the band {lo:g}-{hi:g} meV holds no channel (channel width {width:g} meV)")
    if loss.size != gain.size or not np.allclose(-energy[gain][::-1], energy[loss], atol=max(0.01 * width, tol)):
        raise InputError(
            f"the gain and loss channels of the band {lo:g}-{hi:g} meV do not mirror each other: "
            "centre the zero-loss peak first (preprocess.centre_zlp)"
        )
    return gain, loss


def _ratio(
    num: NDArray[np.float64], var_num: NDArray[np.float64], den: NDArray[np.float64], var_den: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.bool_]]:
    """num / den with first-order error where both are > 0 (elsewhere NaN and invalid), without warnings."""
    ok = (den > 0) & (num > 0)
    r = np.full(num.shape, np.nan)
    err = np.full(num.shape, np.nan)
    np.divide(num, den, out=r, where=ok)
    rel2 = np.zeros(num.shape)
    np.divide(var_num, num**2, out=rel2, where=ok)
    rel2d = np.zeros(num.shape)
    np.divide(var_den, den**2, out=rel2d, where=ok)
    np.multiply(r, np.sqrt(rel2 + rel2d), out=err, where=ok)
    return r, err, ok & (err > 0)


def _difference(
    a: NDArray[np.float64],
    ea: NDArray[np.float64],
    va: NDArray[np.bool_],
    b: NDArray[np.float64],
    eb: NDArray[np.float64],
    vb: NDArray[np.bool_],
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], NDArray[np.bool_]]:
    ok = va & vb
    diff = np.where(ok, a - b, np.nan)
    err = np.where(ok, np.hypot(np.where(ok, ea, 0.0), np.where(ok, eb, 0.0)), np.nan)
    ok &= np.where(ok, err, 0.0) > 0
    z = np.full(diff.shape, np.nan)
    np.divide(diff, err, out=z, where=ok)
    return diff, err, z, ok


def _chi2(z: NDArray[np.float64], ok: NDArray[np.bool_], per_band: bool) -> tuple[Any, Any]:
    """sum z^2 over valid positions and its p-value (per band along axis 0, or overall)."""
    zz = np.where(ok, z, 0.0)
    if per_band:
        axes = tuple(range(1, z.ndim))
        chi2 = (zz**2).sum(axis=axes) if axes else zz**2
        dof = ok.sum(axis=axes) if axes else ok.astype(int)
    else:
        chi2, dof = np.asarray((zz**2).sum()), np.asarray(ok.sum())
    p = np.where(dof > 0, stats.chi2.sf(chi2, np.maximum(dof, 1)), np.nan)
    return np.asarray(chi2, dtype=float), np.asarray(p, dtype=float)


def _check_pair(forward: Any, reverse: Any) -> tuple[EELSData, EELSData]:
    for name, d in (("forward", forward), ("reverse", reverse)):
        if not isinstance(d, EELSData):
            raise InputError(f"{name} must be an EELSData (from read_eels or eels_data), got {type(d).__name__}")
    if forward.nav_shape != reverse.nav_shape:
        raise InputError(
            f"mismatched probe grids: forward {forward.nav_shape}, reverse {reverse.nav_shape} "
            "(bin or crop both runs the same way)"
        )
    ef, er = forward.energy_mev, reverse.energy_mev
    if ef.size != er.size or not np.allclose(ef, er, rtol=0, atol=1e-6 * max(forward.channel_width_mev, 1e-300)):
        raise InputError(
            "mismatched energy axes: forward and reverse runs must share their channels "
            "(centre and bin both the same way)"
        )
    for pf, pr, n in zip(forward.positions_nm, reverse.positions_nm, forward.nav_names, strict=True):
        span = float(np.ptp(pf)) if pf.size > 1 else 1.0
        if not np.allclose(pf, pr, rtol=0, atol=1e-6 * max(span, 1e-12)):
            raise InputError(f"mismatched probe positions along {n!r} between the forward and reverse runs")
    return forward, reverse


def _temperatures(data: EELSData, window: tuple[float, float], what: str) -> tuple[Any, Any, Any]:
    from .temperature import fit_temperature  # lazily: the layer above data/balance

    try:
        fit = fit_temperature(data, window)
    except InputError as err:
        raise InputError(f"{what}, {window[0]:g}-{window[1]:g} meV: {err}") from None
    shape = data.nav_shape
    t = np.asarray(fit.temperature, dtype=float).reshape(shape)
    e = np.asarray(fit.temperature_err, dtype=float).reshape(shape)
    v = np.asarray(fit.valid, dtype=bool).reshape(shape) & np.isfinite(t) & np.isfinite(e) & (e > 0)
    return np.where(v, t, np.nan), np.where(v, e, np.nan), v


def compare_flows(
    forward: EELSData,
    reverse: EELSData,
    bands_mev: Sequence[tuple[float, float]],
    *,
    window_mev: tuple[float, float] | None = None,
    temperatures: bool = True,
) -> FlowComparison:
    """Per-mode gain/loss asymmetries, mode temperatures and dominance of two runs, and their differences.

    Parameters
    ----------
    forward, reverse : EELSData
        The two runs (heat flowing one way, then the other), centred and background-subtracted, on the
        same probe grid (any nav_shape: one spectrum, a line scan or an image) and the same channels.
    bands_mev : sequence of (lo, hi)
        Energy bands of the modes, meV (``|E|``), e.g. [(65, 75), (85, 95)] for the 70 and 90 meV
        interface modes; the dominance is band 0 over band 1.
    window_mev : (float, float), optional
        Also fit one temperature per position over this window for both runs (overall lattice
        temperature) and the z-score of their difference.
    temperatures : bool
        Fit a mode temperature per band (with
        :func:`~kapitza.analysis.eels.temperature.fit_temperature`); False skips it (the arrays are
        then empty).
    """
    forward, reverse = _check_pair(forward, reverse)
    bands = _bands(bands_mev)
    energy = forward.energy_mev
    if window_mev is not None:
        wb = _bands([window_mev])[0]
        _channels(energy, wb)
    channel_sets = [_channels(energy, b) for b in bands]  # validate every band before any work
    shape = forward.nav_shape

    def integrate(d: EELSData) -> tuple[NDArray[np.float64], ...]:
        g = np.stack([d.counts[..., gi].sum(axis=-1) for gi, _ in channel_sets])
        gv = np.stack([d.variance[..., gi].sum(axis=-1) for gi, _ in channel_sets])
        lo = np.stack([d.counts[..., li].sum(axis=-1) for _, li in channel_sets])
        lv = np.stack([d.variance[..., li].sum(axis=-1) for _, li in channel_sets])
        return g, gv, lo, lv

    gf, gfv, lf, lfv = integrate(forward)
    gr, grv, lr, lrv = integrate(reverse)
    rf, rf_err, rf_ok = _ratio(gf, gfv, lf, lfv)
    rr, rr_err, rr_ok = _ratio(gr, grv, lr, lrv)
    rdiff, rdiff_err, rz, r_ok = _difference(rf, rf_err, rf_ok, rr, rr_err, rr_ok)
    r_chi2, r_p = _chi2(rz, r_ok, per_band=True)
    axes = tuple(range(1, rz.ndim))
    absz = np.where(r_ok, np.abs(np.where(r_ok, rz, 0.0)), -1.0)
    r_max = absz.max(axis=axes) if axes else absz
    r_max = np.where(r_max >= 0, r_max, np.nan)

    if len(bands) >= 2:
        df, df_err, df_ok = _ratio(gf[0], gfv[0], gf[1], gfv[1])
        dr, dr_err, dr_ok = _ratio(gr[0], grv[0], gr[1], grv[1])
        ddiff, ddiff_err, dz, d_ok = _difference(df, df_err, df_ok, dr, dr_err, dr_ok)
        _, d_p = _chi2(dz, d_ok, per_band=False)
        d_pvalue = float(d_p)
    else:
        nan = np.full(shape, np.nan)
        df = df_err = dr = dr_err = ddiff = ddiff_err = dz = nan
        d_ok = np.zeros(shape, dtype=bool)
        d_pvalue = float("nan")

    empty = np.zeros((0,))
    if temperatures:
        tf = [_temperatures(forward, b, "forward run") for b in bands]
        tr = [_temperatures(reverse, b, "reverse run") for b in bands]
        t_f, t_f_err, t_f_ok = (np.stack([t[i] for t in tf]) for i in range(3))
        t_r, t_r_err, t_r_ok = (np.stack([t[i] for t in tr]) for i in range(3))
        tdiff, tdiff_err, tz, t_ok = _difference(t_f, t_f_err, t_f_ok, t_r, t_r_err, t_r_ok)
        t_chi2, t_p = _chi2(tz, t_ok, per_band=True)
    else:
        t_f = t_f_err = t_r = t_r_err = tdiff = tdiff_err = tz = t_chi2 = t_p = empty
        t_ok = np.zeros((0,), dtype=bool)

    if window_mev is not None:
        of, of_err, of_ok = _temperatures(forward, wb, "forward run")
        orr, or_err, or_ok = _temperatures(reverse, wb, "reverse run")
        _, _, oz, _ = _difference(of, of_err, of_ok, orr, or_err, or_ok)
        window: Any = wb
    else:
        of = orr = oz = empty
        window = None

    return FlowComparison(
        bands_mev=bands,
        positions_nm=forward.positions_nm,
        nav_names=forward.nav_names,
        gain_forward=gf,
        gain_forward_err=np.sqrt(gfv),
        loss_forward=lf,
        loss_forward_err=np.sqrt(lfv),
        gain_reverse=gr,
        gain_reverse_err=np.sqrt(grv),
        loss_reverse=lr,
        loss_reverse_err=np.sqrt(lrv),
        ratio_forward=rf,
        ratio_forward_err=rf_err,
        ratio_reverse=rr,
        ratio_reverse_err=rr_err,
        ratio_diff=rdiff,
        ratio_diff_err=rdiff_err,
        ratio_z=rz,
        ratio_valid=r_ok,
        ratio_chi2=np.atleast_1d(r_chi2),
        ratio_pvalue=np.atleast_1d(r_p),
        ratio_max_abs_z=np.atleast_1d(r_max),
        temperature_forward=t_f,
        temperature_forward_err=t_f_err,
        temperature_reverse=t_r,
        temperature_reverse_err=t_r_err,
        temperature_diff=tdiff,
        temperature_diff_err=tdiff_err,
        temperature_z=tz,
        temperature_valid=t_ok,
        temperature_chi2=np.atleast_1d(t_chi2),
        temperature_pvalue=np.atleast_1d(t_p),
        dominance_forward=np.asarray(df),
        dominance_forward_err=np.asarray(df_err),
        dominance_reverse=np.asarray(dr),
        dominance_reverse_err=np.asarray(dr_err),
        dominance_diff=np.asarray(ddiff),
        dominance_diff_err=np.asarray(ddiff_err),
        dominance_z=np.asarray(dz),
        dominance_valid=np.asarray(d_ok),
        dominance_pvalue=d_pvalue,
        window_mev=window,
        overall_temperature_forward=of,
        overall_temperature_reverse=orr,
        overall_temperature_z=oz,
        steps_forward=forward.steps,
        steps_reverse=reverse.steps,
    )
