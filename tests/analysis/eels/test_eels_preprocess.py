"""Preprocessing of vibrational EEL spectra: ZLP centring, background, binning, summing, variances."""

from __future__ import annotations

import numpy as np
import pytest

from kapitza.analysis.eels.balance import KB_MEV, gain_loss_ratio
from kapitza.analysis.eels.data import eels_data
from kapitza.analysis.eels.preprocess import (
    Background,
    bin_channels,
    bin_positions,
    centre_zlp,
    centring_variance_ratio,
    default_fit_windows,
    fit_background,
    is_centred,
    preprocess,
    subtract_background,
    sum_along,
    zlp_fwhm,
    zlp_position,
)
from kapitza.errors import InputError

FWHM = 6.0  # meV, ZLP resolution of the synthetic spectra
SIGMA = FWHM / (2.0 * np.sqrt(2.0 * np.log(2.0)))
AXIS = np.arange(-150.0, 200.0, 1.0)  # meV, 1 meV channels, loss side longer than gain side
TAIL_R = 2.2  # power-law exponent of the ZLP tail
TAIL_CORE = 5.0  # meV: the tail is a pure power law for |E| >= this


def zlp_model(energy, centre=0.0, peak=1e6, tail=2e-3, gain_tail=0.7):
    """Gaussian ZLP core + power-law tail A max(|E - c|, 5 meV)^-r, a weaker tail on the gain side."""
    x = energy - centre
    core = peak * np.exp(-0.5 * (x / SIGMA) ** 2)
    amp = tail * peak * (12.0**TAIL_R)  # tail = tail * peak at |E| = 12 meV
    t = amp * np.maximum(np.abs(x), TAIL_CORE) ** -TAIL_R
    return core + np.where(x < 0, gain_tail * t, t)


def phonon_peaks(energy, centre=0.0, e0=60.0, loss=400.0, temperature=300.0, width=3.0):
    """Loss peak at +e0 and gain peak at -e0 in the detailed-balance ratio exp(-e0/kT) (same shape)."""
    x = energy - centre
    ratio = float(gain_loss_ratio(e0, temperature))
    return loss * (np.exp(-0.5 * ((x - e0) / width) ** 2) + ratio * np.exp(-0.5 * ((x + e0) / width) ** 2))


def noisy(mean, seed, n=None):
    rng = np.random.default_rng(seed)
    shape = mean.shape if n is None else (n,) + mean.shape
    return rng.poisson(np.broadcast_to(mean, shape)).astype(float)


# ---------------------------------------------------------------------------------------------- ZLP centre


@pytest.mark.parametrize("shift_channels", [0.0, 0.13, -0.27, 0.5, 2.71])
def test_zlp_position_recovers_sub_channel_shifts(shift_channels):
    """Analytic: a Gaussian+tail ZLP put at a known sub-channel offset is found within 0.05 channel."""
    data = eels_data(AXIS, zlp_model(AXIS, centre=shift_channels))
    assert abs(float(zlp_position(data)) - shift_channels) < 0.05


def test_zlp_position_is_vectorised_over_an_image():
    """Analytic: every pixel of a 3x4 image with its own offset is found within 0.05 channel."""
    shifts = np.linspace(-1.3, 2.2, 12).reshape(3, 4)
    counts = zlp_model(AXIS[None, None, :], centre=shifts[..., None])
    found = zlp_position(eels_data(AXIS, counts, (np.arange(3.0), np.arange(4.0))))
    assert found.shape == (3, 4)
    np.testing.assert_allclose(found, shifts, atol=0.05)


def test_centred_symmetric_zlp_is_symmetric():
    """Analytic: after centring, a symmetric ZLP (gain tail = loss tail) satisfies I(-E) = I(E)."""
    data = eels_data(AXIS, zlp_model(AXIS, centre=0.37, gain_tail=1.0))
    c = centre_zlp(data)
    assert is_centred(c) and not is_centred(data)
    e = c.energy_mev
    np.testing.assert_allclose(e / 1.0, np.round(e))  # integer multiples of the 1 meV channel
    k = np.arange(1, 100)
    loss = c.counts[np.searchsorted(e, k)]
    gain = c.counts[np.searchsorted(e, -k)]
    # linear interpolation of a Gaussian sampled at 2.5-channel sigma: symmetric to within 1% of the peak
    assert np.max(np.abs(loss - gain)) < 0.01 * c.counts.max()
    np.testing.assert_allclose(loss[20:], gain[20:], rtol=1e-3)  # the tails: symmetric to 0.1 %
    assert abs(float(zlp_position(c))) < 0.05


def test_centring_preserves_sums_and_pairs_channels():
    """Analytic: the sum-preserving shift keeps each spectrum's total over the shared range."""
    shifts = np.array([-0.4, 0.0, 0.31, 1.7])
    counts = zlp_model(AXIS[None, :], centre=shifts[:, None])
    c = centre_zlp(eels_data(AXIS, counts))
    assert c.energy_mev[0] >= AXIS[0] - shifts.min() - 1.0 and c.energy_mev[-1] <= AXIS[-1] - shifts.max()
    assert 0.0 in c.energy_mev
    # the ZLP and its tail lie within the shared range: totals agree to the tail beyond it (< 1e-4)
    np.testing.assert_allclose(c.counts.sum(axis=1), counts.sum(axis=1), rtol=1e-4)
    assert any(s.startswith("centred the zero-loss peak") for s in c.steps)


def test_zlp_fwhm_of_gaussian():
    """Analytic: the FWHM of the Gaussian core is 6 meV (the tail adds ~1 %)."""
    data = eels_data(AXIS, zlp_model(AXIS, centre=0.2, tail=1e-4))
    assert zlp_fwhm(data) == pytest.approx(FWHM, rel=0.03)


# ---------------------------------------------------------------------------------------------- background


def test_default_windows_are_stated():
    """Defaults: 2-3 x FWHM and the top 15 % of the |E| range on both sides (150 meV here)."""
    c = centre_zlp(eels_data(AXIS, zlp_model(AXIS, centre=0.3)))
    inner, outer = default_fit_windows(c)
    assert inner == pytest.approx((2 * FWHM, 3 * FWHM), rel=0.05)
    assert outer[1] == pytest.approx(149.0, abs=1.0) and outer[0] == pytest.approx(0.85 * outer[1])
    bg = fit_background(c)
    assert isinstance(bg, Background) and bg.model == "power-law"
    assert bg.windows_mev == (inner, outer)


def test_pure_power_law_tail_is_removed_on_both_sides():
    """Analytic: without phonons the power-law background leaves only noise, on both sides.

    100 noisy copies (Poisson) of a ZLP with pure |E|^-2.2 tails, shifted by 0.23 channel: the fitted
    exponents are unbiased and scatter as their stated errors; the residual 25-140 meV band sums average
    to zero, and scatter between the data-only noise and the bound with fully correlated background errors.
    """
    raw = eels_data(AXIS, noisy(zlp_model(AXIS, centre=0.23), seed=1, n=100))
    c = centre_zlp(raw)
    bg = fit_background(c)
    out = subtract_background(c, bg)
    e = out.energy_mev
    for side, name in ((-1, "gain"), (1, "loss")):
        r_fit = bg.parameters[f"{name}_exponent"]
        r_err = bg.parameters[f"{name}_exponent_err"]
        assert abs(r_fit.mean() - TAIL_R) < 3 * r_fit.std() / 10, name
        assert r_fit.std() == pytest.approx(r_err.mean(), rel=0.2), name
        band = (side * e >= 25.0) & (side * e <= 140.0)
        sums = out.counts[:, band].sum(axis=1)
        assert abs(sums.mean()) < 3 * sums.std() / 10, name
        data_only = c.variance[:, band].sum(axis=1).mean()
        correlated = data_only + (np.sqrt(bg.variance[:, band]).sum(axis=1) ** 2).mean()
        assert data_only < sums.var() < 1.3 * correlated, name
    assert bg.parameters["loss_covariance"].shape == (100, 2, 2)


def test_zlp_fit_background_removes_pearson_tail():
    """Analytic: a symmetric Pearson VII-like ZLP (Lorentzian-squared tail) is removed by model="zlp-fit"."""
    e = AXIS
    zlp = 1e6 / (1.0 + ((e - 0.4) / 3.0) ** 2 * (2.0 ** (1 / 1.3) - 1.0)) ** 1.3
    raw = eels_data(e, noisy(zlp, seed=2))
    c = centre_zlp(raw)
    bg = fit_background(c, model="zlp-fit", fit_windows_mev=[(12, 20), (120, 148)])
    out = subtract_background(c, bg)
    band = (np.abs(out.energy_mev) >= 25) & (np.abs(out.energy_mev) <= 140)
    z = out.counts[band].sum() / np.sqrt(out.variance[band].sum())
    assert abs(z) < 3.0
    assert bg.parameters["shape_exponent"] == pytest.approx(1.3, rel=0.1)


def test_preprocessing_keeps_the_detailed_balance_ratio():
    """Idrobo et al. PRL 120, 095901 (2018) Eq. 1: the gain/loss ratio exp(-E/kT) survives preprocessing.

    The phonon peaks (60 meV, 300 K: ratio 0.0983) sit on a ZLP tail 5-20x larger; after centring and the
    power-law background the band-sum ratio agrees with exp(-E/kT) within 3 sigma of its stated error.
    """
    e0, temperature = 60.0, 300.0
    mean = zlp_model(AXIS, centre=-0.41) + phonon_peaks(AXIS, centre=-0.41, e0=e0, temperature=temperature)
    out = preprocess(eels_data(AXIS, noisy(mean, seed=3)))
    e = out.energy_mev
    loss = (e >= e0 - 8) & (e <= e0 + 8)
    gain = (e <= -(e0 - 8)) & (e >= -(e0 + 8))
    i_loss, i_gain = out.counts[loss].sum(), out.counts[gain].sum()
    ratio = i_gain / i_loss
    err = ratio * np.sqrt(out.variance[gain].sum() / i_gain**2 + out.variance[loss].sum() / i_loss**2)
    expected = np.exp(-e0 / (KB_MEV * temperature))
    assert abs(ratio - expected) < 3 * err
    assert err < 0.2 * expected  # the test has teeth: the ratio is measured to better than 20 %


# ---------------------------------------------------------------------------------------------- variances


@pytest.mark.parity
def test_band_sum_variance_after_centring_matches_monte_carlo():
    """Monte Carlo (200 seeds): the stated variance of a 30-60 meV band sum after centring is the scatter.

    The shift interpolates the variances with the counts' weights, which is exact for multi-channel sums
    up to the two end channels; the sampling error of a variance from 200 draws is 10 % (sqrt(2/199)).
    """
    mean = zlp_model(AXIS, centre=0.37) + phonon_peaks(AXIS, centre=0.37, e0=45.0)
    counts = noisy(mean, seed=4, n=200)
    c = centre_zlp(eels_data(AXIS, counts))
    band = (c.energy_mev >= 30.0) & (c.energy_mev <= 60.0)
    sums = c.counts[:, band].sum(axis=1)
    stated = c.variance[:, band].sum(axis=1).mean()
    assert np.var(sums, ddof=1) == pytest.approx(stated, rel=0.15)


def test_single_channel_variance_after_centring_is_kappa_times_the_stated_one():
    """Monte Carlo (400 seeds, ZLP 0.5 channel off): one channel's scatter after centring is kappa = (1-f)^2 + f^2
    (= 0.5 at f = 1/2; analytic: the new count is (1-f) c_i + f c_(i+1)) times its stated variance, and the lag-1
    covariance is (1 - kappa)/2 of it.  Sampling error of a variance from 400 draws: 7 % (sqrt(2/399)), summed
    over 41 channels (30-70 meV) and pooled: about 2 %.  The recorded kappa follows binning ((m-1+kappa)/m) and
    summing (variance-weighted mean)."""
    mean = zlp_model(AXIS, centre=0.5) + phonon_peaks(AXIS, centre=0.5, e0=45.0)
    counts = noisy(mean, seed=7, n=400)
    c = centre_zlp(eels_data(AXIS, counts))
    kappa = centring_variance_ratio(c)
    assert kappa.shape == (400,)
    assert np.all(np.abs(kappa - 0.5) < 0.02)  # the centring finds f = 1/2 to ~0.1 channel
    band = (c.energy_mev >= 30.0) & (c.energy_mev <= 70.0)
    x = c.counts[:, band]
    scatter = np.var(x, axis=0, ddof=1).sum()
    stated = c.variance[:, band].mean(axis=0).sum()
    assert scatter / stated == pytest.approx(kappa.mean(), rel=0.06)
    d = x - x.mean(axis=0)
    lag1 = np.mean(d[:, :-1] * d[:, 1:], axis=0).sum() / stated
    assert lag1 == pytest.approx((1 - kappa.mean()) / 2, abs=0.04)
    assert centring_variance_ratio(bin_channels(c, 3)) == pytest.approx((2 + kappa) / 3)
    summed = centring_variance_ratio(sum_along(c, 0))
    w = c.variance.sum(axis=1)
    assert summed.shape == () and float(summed) == pytest.approx(np.sum(kappa * w) / np.sum(w))
    assert np.all(centring_variance_ratio(eels_data(AXIS, counts)) == 1.0)  # not centred: no correction


def test_binning_and_summing_add_variances():
    """Analytic: the variance of a binned/summed channel is the sum of the variances that went in."""
    rng = np.random.default_rng(5)
    counts = rng.poisson(50.0, size=(4, 6, AXIS.size)).astype(float)
    data = eels_data(AXIS, counts, (np.arange(4.0), np.arange(6.0) * 0.5), detector_gain=2.0, read_noise=3.0)
    b = bin_channels(data, 5)
    assert b.n_channels == AXIS.size // 5
    np.testing.assert_allclose(b.variance.sum(), data.variance.sum())
    np.testing.assert_allclose(b.variance, data.variance.reshape(4, 6, -1, 5).sum(axis=-1))
    np.testing.assert_allclose(b.energy_mev, AXIS.reshape(-1, 5).mean(axis=1))
    p = bin_positions(data, 3, axis="x")
    assert p.nav_shape == (4, 2)
    np.testing.assert_allclose(p.variance, data.variance.reshape(4, 2, 3, -1).sum(axis=2))
    np.testing.assert_allclose(p.positions_nm[1], [0.5, 2.0])
    s = sum_along(data, "y")
    assert s.nav_shape == (6,) and s.nav_names == ("x",)
    np.testing.assert_allclose(s.counts, counts.sum(axis=0))
    np.testing.assert_allclose(s.variance, data.variance.sum(axis=0))
    np.testing.assert_allclose(s.positions_nm[0], np.arange(6.0) * 0.5)
    assert sum_along(s, 0).nav_shape == ()


def test_binning_centred_data_keeps_pairs():
    """Analytic: odd bins of centred data are centred on E = 0, so +E and -E channels still pair."""
    c = centre_zlp(eels_data(AXIS, zlp_model(AXIS, centre=0.3)))
    b = bin_channels(c, 3)
    k = b.energy_mev / 3.0
    np.testing.assert_allclose(k, np.round(k), atol=1e-9)
    assert 0.0 in b.energy_mev and is_centred(b)
    centre_bin = int(np.flatnonzero(b.energy_mev == 0.0)[0])
    zero = int(np.flatnonzero(c.energy_mev == 0.0)[0])
    assert b.counts[centre_bin] == pytest.approx(c.counts[zero - 1 : zero + 2].sum())
    with pytest.raises(InputError, match="odd"):
        bin_channels(c, 2)


def test_preprocess_records_every_step():
    """The chain on an image: centre, sum along y, bin x, background, bin energy; each step in `steps`."""
    shifts = np.array([[0.1, -0.3, 0.6, 0.0], [0.2, 0.25, -0.5, 0.4]])
    mean = zlp_model(AXIS[None, None, :], centre=shifts[..., None]) + phonon_peaks(AXIS, e0=70.0)
    data = eels_data(AXIS, noisy(mean, seed=6), (np.arange(2.0), np.arange(4.0)))
    out = preprocess(data, sum_axis="y", bin_position=2, bin_energy=3)
    assert out.nav_shape == (2,) and out.nav_names == ("x",)
    assert len(out.steps) == 5
    for word in ("centred", "summed", "binned probe", "subtracted the power-law", "binned energy"):
        assert any(word in s for s in out.steps), word
    assert 0.0 in out.energy_mev


# ---------------------------------------------------------------------------------------------- bad input


def test_bad_inputs_are_input_errors():
    """Window outside data, bad factors, missing axes, no ZLP, bad model: one InputError each."""
    line = eels_data(AXIS, np.stack([zlp_model(AXIS, centre=0.1)] * 4))
    c = centre_zlp(line)
    with pytest.raises(InputError, match="outside the data"):
        fit_background(c, fit_windows_mev=[(12, 18), (140, 400)])
    with pytest.raises(InputError, match="lo < hi"):
        fit_background(c, fit_windows_mev=[(18, 12)])
    with pytest.raises(InputError, match="model"):
        fit_background(c, model="spline")
    with pytest.raises(InputError, match="centre the zero-loss peak first"):
        fit_background(line)
    with pytest.raises(InputError, match="does not divide"):
        bin_channels(line, 3)  # 350 channels
    with pytest.raises(InputError, match=">= 1"):
        bin_channels(line, 0)
    with pytest.raises(InputError, match=">= 1"):
        bin_positions(line, 1.5)
    with pytest.raises(InputError, match="does not divide"):
        bin_positions(line, 3)
    with pytest.raises(InputError, match="navigation axes"):
        sum_along(line, "y")
    with pytest.raises(InputError, match="navigation axes"):
        sum_along(line, 1)
    with pytest.raises(InputError, match="no probe-position axis"):
        sum_along(eels_data(AXIS, zlp_model(AXIS)), "x")
    with pytest.raises(InputError, match="no zero-loss peak"):
        zlp_position(eels_data(AXIS, np.zeros(AXIS.size)))
    with pytest.raises(InputError, match="no zero-loss peak"):
        centre_zlp(eels_data(AXIS, np.linspace(1.0, 100.0, AXIS.size)))  # maximum on the last channel
    with pytest.raises(InputError, match="already centred"):
        centre_zlp(c)
    with pytest.raises(InputError, match="sum_axis"):
        preprocess(line, sum_axis="y")
    with pytest.raises(InputError, match="background must be"):
        preprocess(line, background="linear")


@pytest.mark.parity
def test_uniform_fast_shift_equals_general_rebinning():
    """Parity: the two-tap shift of a uniform axis equals the cumulative-sum rebinning of a non-uniform one.

    The general path runs when the first channel is moved by 1e-3 meV; away from that channel both agree.
    """
    shifts = np.array([-0.4, 0.0, 0.31, 1.7, -2.2])
    counts = noisy(zlp_model(AXIS[None, :], centre=shifts[:, None]), seed=7)
    fast = centre_zlp(eels_data(AXIS, counts))
    axis = AXIS.copy()
    axis[0] -= 1e-3
    general = centre_zlp(eels_data(axis, counts))
    np.testing.assert_array_equal(fast.energy_mev, general.energy_mev)
    np.testing.assert_allclose(fast.counts[:, 3:], general.counts[:, 3:], rtol=1e-12, atol=1e-6)
    np.testing.assert_allclose(fast.variance[:, 3:], general.variance[:, 3:], rtol=1e-12, atol=1e-6)


def test_power_law_fit_solves_the_poisson_score_equations():
    """power_law_side solves the Poisson score equations sum (c - mu) [1, x] = 0 (mu = exp(a - r x)): they hold at
    its answer to 1e-10 of the counts, a and r agree with scipy's root of them to 1e-9, and the covariance is
    the sandwich H^-1 M H^-1 (H = sum mu [1, x][1, x]^T, M the same with the variances) to 1e-8; also for a
    spectrum whose counts sit almost all in the last channel (its start lies outside the start table: the
    log-log start is used)."""
    from scipy.optimize import root

    from kapitza.analysis.eels.preprocess import _power_law_start, power_law_side, power_law_table

    rng = np.random.default_rng(11)
    x = np.log(np.r_[np.arange(12.0, 18.0, 0.25), np.arange(110.0, 125.0, 0.25)])
    counts = rng.poisson(np.tile(np.exp(9.0 - 2.8 * x), (6, 1))).astype(float)
    odd = np.zeros(x.size)
    odd[[0, 1, 2]], odd[-1] = 1.0, 1e6
    counts = np.vstack([counts, odd])
    var = counts + 0.5  # a read noise in the covariance's variances
    assert not _power_law_start(counts, x, power_law_table(x))[2][-1]  # the last row starts elsewhere
    a, r, cov, _ = power_law_side(counts, var, x)
    basis = np.stack([np.ones_like(x), x])
    for i in range(counts.shape[0]):
        c = counts[i]
        mu = np.exp(a[i] - r[i] * x)
        assert np.all(np.abs(basis @ (c - mu)) < 1e-10 * c.sum())
        if i < 6:
            ok = c > 0
            p0 = np.polyfit(x[ok], np.log(c[ok]), 1, w=np.sqrt(c[ok]))[::-1]
            sol = root(lambda p, c=c: basis @ (c - np.exp(p[0] + p[1] * x)), p0, tol=1e-13)
            np.testing.assert_allclose([a[i], -r[i]], sol.x, rtol=1e-9)
        h_inv = np.linalg.inv((basis * mu) @ basis.T)
        ref = h_inv @ ((basis * var[i]) @ basis.T) @ h_inv
        ref[0, 1] = ref[1, 0] = -ref[0, 1]  # (a, r) with r = -slope
        # the last row's H is nearly singular (condition ~1e9): the two inverses agree to rounding x that
        np.testing.assert_allclose(cov[i], ref, rtol=1e-8 if i < 6 else 1e-6)


def test_power_law_start_table_cubics_are_the_hermite_interpolants():
    """The start table's per-interval cubics (Horner in t) are the cubic Hermite interpolants of r(m) (slopes
    -1 / var) and of ln z(r) (slopes -m) through the table's points, written out plainly here: to 1e-12."""
    from kapitza.analysis.eels.preprocess import _cubic_at, power_law_table

    x = np.log(np.r_[np.arange(12.0, 18.0, 0.25), np.arange(110.0, 125.0, 0.25)])
    grid, mean, var, log_z, _xm, r_of_mean, log_z_of_r = power_law_table(x)

    def hermite(t, h, y0, y1, d0, d1):
        return (
            (2 * t**3 - 3 * t**2 + 1) * y0
            + (t**3 - 2 * t**2 + t) * h * d0
            + (3 * t**2 - 2 * t**3) * y1
            + (t**3 - t**2) * h * d1
        )

    rng = np.random.default_rng(2)
    i = rng.integers(0, grid.size - 1, 200)
    t = rng.random(200)
    m = mean[i] + t * (mean[i + 1] - mean[i])
    r = hermite(t, mean[i + 1] - mean[i], grid[i], grid[i + 1], -1.0 / var[i], -1.0 / var[i + 1])
    np.testing.assert_allclose(_cubic_at(r_of_mean[:, i], m), r, rtol=1e-12, atol=1e-12 * np.abs(grid).max())
    s = grid[i] + t * (grid[i + 1] - grid[i])
    z = hermite(t, grid[i + 1] - grid[i], log_z[i], log_z[i + 1], -mean[i], -mean[i + 1])
    np.testing.assert_allclose(_cubic_at(log_z_of_r[:, i], s), z, rtol=1e-12, atol=1e-12 * np.abs(log_z).max())
