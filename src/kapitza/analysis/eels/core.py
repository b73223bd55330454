"""The one EELS temperature estimator, over a block of spectra: array functions on (spectra x channels).

Every temperature path of :mod:`kapitza.analysis.eels` -- one spectrum (:func:`~.joint.fit_joint_temperature`),
a line scan (:func:`~.profile.temperature_profile`), a map in memory (:func:`~.profile.temperature_map`) or
streamed from a file (:func:`~.stream.stream_temperature_map`) -- calls the two stages here on blocks of
spectra; the drivers only read, chunk, sum and write.  A spectrum's temperature is a function of that spectrum
(and the settings) alone: the same spectrum gives the same number in any block, any chunking, any path.

The estimator's parts, one concept a module: the centring (:mod:`.centring`, stage 1), the tail families
(:mod:`.tails`), the window and fit region (:mod:`.fit_region`), the vectorised Levenberg-Marquardt engine
(:mod:`.lm`, which also states the convergence) and the reason codes (:mod:`.reasons`); this module drives them over
blocks of spectra (:func:`fit_block`, :func:`fit_spectra`, :func:`map_block`).

Stage 1, :func:`centre_block` (:mod:`.centring`, which says how): raw spectra (pixels x channels) ->
:class:`Spectra`, each row shifted so that its own zero-loss peak (ZLP) sits at 0 on the grid E = k w, k = -K..K;
rows may then be summed (:meth:`Spectra.binned`, :meth:`Spectra.summed`).

Stage 2, :func:`fit_block`: the joint fit of the symmetric ZLP tail and the detailed-balance ratio
(:mod:`.joint` has the physics and the sources) on each row's channel pairs, every tail family and both
variance passes fitted for all rows at once by a Levenberg-Marquardt iteration written over the block (normal
equations per row, no per-row Python loop), the Akaike average over the families, the chi2 verdict and the
no-gain-signal test.  Per row: its ZLP width (FWHM of its own centred counts), the fit region and window
(:func:`region_rule`), the pairs inside its own reach.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import ndimage, special

from ..._backend import NUMPY, Backend
from .balance import KB_MEV
from .centring import Spectra, centre_block, grid_half, zlp_rows
from .fit_region import AUTO_WINDOW_FWHM, MIN_PAIRS, Settings, check_range, fwhm_rows, region_rule, settings
from .lm import FTOL_CHI2, XTOL, XTOL_FIRST, Problem, Work, cov00, solve_lm
from .reasons import (
    BEYOND,
    CORE,
    FAILED,
    FEW,
    GAIN_GE_LOSS,
    NO_GAIN,
    NO_LOSS,
    NO_PEAK,
    NO_WIDTH,
    OK,
    ONE_SIDED,
    RATIO,
    REASON_LABELS,
)
from .tails import (
    DEFAULT_FAMILIES,
    E_REF,
    FAMILIES,
    FWHM_PER_SIGMA,
    check_families,
    fit_bounds,
    n_tail,
    tail_features,
    tail_names,
    tail_values,
)

#: p-value below which the model is called inadequate and the error inflated by sqrt(chi2_reduced).
ADEQUACY_P = 1e-3
#: chi2 rise (2 sigma) below which r = 0 (no gain signal, T -> 0) is called compatible with the data.
NO_GAIN_DCHI2 = 4.0
#: chi2 rise of a one-sided 95 % bound (the 0.90 quantile of chi2 with one degree of freedom).
BOUND_DCHI2 = float(special.chdtri(1.0, 0.10))
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


def _first_pass(
    e: NDArray, d: dict[str, NDArray], beta0: NDArray, a0: NDArray, gain: float, work: Work, families: Sequence[str]
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
        th0, lo, hi = fit_bounds(fam, a0[todo])
        x0 = np.clip(np.column_stack((beta0[todo], th0)), lo + 1e-12, hi - 1e-12)
        x, _, _, ok = solve_lm(Problem(fam, e, sub, work), x0, 1e-3, XTOL_FIRST, (lo, hi))
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
    family: str, e: NDArray, d: dict[str, NDArray], x0: NDArray, lo: NDArray, hi: NDArray, work: Work
) -> dict[str, NDArray]:
    """One family with the model-consistent variances ``d["WG"]``, ``d["WL"]``, all rows: beta, its variance,
    chi2, theta and whether the fit holds (converged, inside its bounds, beta > 0)."""
    x, chi2, a, ok = solve_lm(Problem(family, e, d, work), np.clip(x0, lo + 1e-12, hi - 1e-12), 1e-4, XTOL, (lo, hi))
    # a minimum on the box's edge is one the family does not have inside its range: the family fails there
    ok &= np.all(np.isfinite(x), axis=1) & np.all((x > lo) & (x < hi), axis=1)
    var = cov00(np.where(ok[:, None, None], a, np.eye(a.shape[1])))
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
        work = Work(act.size, e.size, backend, compiled)
        if "lorentzian-power" in fams or "pearson7" in fams:  # the shared features ln(1 + (E/h)^2) - ...
            sub["feat_h"] = tail_features("pearson7", e, sub["h"])
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
            th0, lo, hi = fit_bounds(fam, a0)
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
    n_k = np.array([1 + n_tail(f) for f in fams])
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
        prob = Problem(fam, e, dz, work, np.full(rt.size, np.inf))
        # start: the fit's tail shape with the amplitude that fits the gain side alone (linear least squares)
        th = f["theta"][mt].copy()
        shape_b, _ = tail_values(fam, e, th, dz["h"], dz["sigma"])
        with np.errstate(all="ignore"):
            wgt = dz["W"] / dz["WG"]
            amp = np.einsum("ij,ij->i", dz["G"] * wgt, shape_b) / np.einsum("ij,ij->i", shape_b * wgt, shape_b)
        th[:, 0] = np.where(amp > 0, th[:, 0] + np.log(np.where(amp > 0, amp, 1.0)), th[:, 0])
        _, tlo, thi = fit_bounds(fam, th[:, 0])
        tail_box = (tlo[:, 1:].copy(), thi[:, 1:].copy())
        tail_box[0][:, 0], tail_box[1][:, 0] = -np.inf, np.inf  # the amplitude is free; the shape stays in range
        _, c0, _, conv = solve_lm(prob, th, 1e-4, XTOL_FIRST, tail_box, FTOL_CHI2)
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
    work: Work,
    box: tuple[NDArray, NDArray] | None = None,
) -> NDArray:
    """T (K) above each row's fitted temperature where the profile chi2 rises by ``BOUND_DCHI2`` (NaN: none below
    1e5 K), by bisection in ln beta on all rows at once (the tail refitted at each beta)."""
    target = chi2 + kappa * BOUND_DCHI2
    b_hi = beta.copy()
    b_lo = np.full(beta.size, 1.0 / (KB_MEV * 1e5))

    def profile(bt: NDArray) -> NDArray:
        _, c, _, conv = solve_lm(Problem(family, e, dict(d), work, bt), theta, 1e-4, XTOL_FIRST, box, FTOL_CHI2)
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


#: The estimator's public names: its own, and those of its parts that were defined here before the split (issue 76
#: item 5), importable from here as before.
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
    # re-exported from the parts
    "BEYOND",
    "CORE",
    "E_REF",
    "FAILED",
    "FEW",
    "FWHM_PER_SIGMA",
    "GAIN_GE_LOSS",
    "MIN_PAIRS",
    "NO_GAIN",
    "NO_LOSS",
    "NO_PEAK",
    "NO_WIDTH",
    "OK",
    "ONE_SIDED",
    "RATIO",
    "check_families",
    "check_range",
    "grid_half",
    "settings",
    "tail_names",
    "tail_values",
]
