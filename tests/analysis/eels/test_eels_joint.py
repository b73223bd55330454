"""The joint tail + temperature fit, the power-law background below its windows, and the .ndata zip bomb (issue 25).

The spectra here are written out in the tests (not kapitza's forward model): a Gaussian zero-loss peak, a
symmetric |E|^-3 tail (gamma^3 / (gamma^2 + E^2)^(3/2)), one Gaussian phonon mode with loss S (n + 1) and
gain S n (detailed balance, Idrobo et al., PRL 120, 095901 (2018), Eq. 1), Poisson noise.
"""

from __future__ import annotations

import zipfile

import numpy as np
import pytest

from kapitza.analysis.eels.balance import KB_MEV
from kapitza.analysis.eels.data import eels_data
from kapitza.analysis.eels.joint import fit_joint_temperature
from kapitza.analysis.eels.preprocess import centre_zlp, preprocess
from kapitza.analysis.eels.read import read_eels
from kapitza.analysis.eels.temperature import fit_temperature
from kapitza.errors import InputError


def _spectrum(t_k=400.0, dose=1e9, seed=0, tail=0.03, gain_tail=1.0, e_max=160.0, t_mode=None, offset=0.0):
    axis = np.arange(-e_max, e_max + 0.5, 1.0)
    e = axis - offset  # energy from the ZLP, which sits at ``offset`` on the axis
    core = np.exp(-0.5 * (e / 2.5) ** 2)
    tl = 4.0**3 / (16.0 + e * e) ** 1.5
    tl = np.where(e < -15, tl * gain_tail, tl)
    zlp = (1 - tail) * core / core.sum() + tail * tl / tl.sum()
    a = np.maximum(np.abs(e), 1e-9)
    ph = np.zeros_like(e)
    for t, s in (
        (t_k, np.exp(-0.5 * ((a - 30) / 5) ** 2) / a),
        (t_k if t_mode is None else t_mode, 0.6 * np.exp(-0.5 * ((a - 80) / 7) ** 2) / a),
    ):
        n = 1.0 / np.expm1(a / (KB_MEV * t))
        ph += 1e-3 * np.where(e > 0, s * (n + 1), s * n)
    ph[e == 0] = 0.0
    mu = dose * (zlp + ph)
    return axis, np.random.default_rng(seed).poisson(mu).astype(float)


def test_power_law_fitted_above_the_window_is_subtracted_in_it():
    """Issue 25 item 2: a background fitted on 110:159 meV was silently 0 at 60:100 meV (the temperature equal
    to the no-background one).  Now it is extrapolated there: the subtracted counts at 60-100 meV are the tail's
    (the true |E|^-3 tail at 80 meV, within 20 %), and the temperature differs from the no-background one."""
    e, c = _spectrum(seed=1)
    raw = eels_data(e, c)
    sub = preprocess(raw, background="power-law", fit_windows_mev=[(110, 159)])
    none = preprocess(raw, background=None)
    bg = np.asarray(sub.background.counts)
    at80 = np.argmin(np.abs(sub.energy_mev - 80.0))
    assert bg[at80] > 0
    true_tail = 1e9 * 0.03 * (4.0**3 / (16.0 + 80.0**2) ** 1.5) / np.sum(4.0**3 / (16.0 + e * e) ** 1.5)
    assert bg[at80] == pytest.approx(true_tail, rel=0.2)
    t_sub = fit_temperature(sub, (60, 100)).temperature
    t_none = fit_temperature(none, (60, 100)).temperature
    assert abs(t_sub - t_none) > 5.0


def test_window_below_the_background_core_is_refused():
    e, c = _spectrum(seed=2)
    sub = preprocess(eels_data(e, c), background="power-law", fit_windows_mev=[(110, 159)])
    core = sub.background.parameters["core_mev"]
    with pytest.raises(InputError, match="not defined"):
        fit_temperature(sub, (0.5 * core, 100))


def test_background_window_may_end_at_the_axis_end():
    """A raw axis ending at 160 meV ends at 159 meV after centring here: 110:160 is accepted (one channel)."""
    e, c = _spectrum(seed=3)
    sub = preprocess(eels_data(e, c), background="power-law", fit_windows_mev=[(110, 160)])
    assert sub.background.windows_mev == ((110.0, 160.0),)
    with pytest.raises(InputError, match="outside the data"):
        preprocess(eels_data(e, c), background="power-law", fit_windows_mev=[(110, 162)])


def test_joint_fit_is_within_its_error_and_says_adequate():
    """Truth 400 K (the simulated T); the joint fit within 3 sigma, adequate, weights summing to 1; the old
    default (power-law on 2-3 x FWHM and the top 15 %) on the same spectrum is flagged INADEQUATE."""
    e, c = _spectrum(seed=4)
    data = centre_zlp(eels_data(e, c))
    fit = fit_joint_temperature(data, (60, 100))
    assert abs(fit.temperature - 400.0) < 3 * fit.temperature_err
    assert fit.adequate and fit.inflation == 1.0 and "adequate" in fit.verdict
    assert np.nansum(fit.family_weights) == pytest.approx(1.0)
    assert 0.5 < fit.chi2_reduced < 2.0
    old = fit_temperature(preprocess(eels_data(e, c)), (60, 100))
    assert not old.adequate and "INADEQUATE" in old.verdict and old.inflation > 1.0


def test_two_temperatures_are_flagged_and_the_error_inflated():
    """The 80 meV mode at 600 K, the 30 meV mode (whose tail reaches the fitted region) at 400 K: no one
    temperature, so the chi2 verdict is INADEQUATE and the error inflated by exactly sqrt(chi2/dof)."""
    e, c = _spectrum(seed=5, t_mode=600.0)
    fit = fit_joint_temperature(centre_zlp(eels_data(e, c)), (60, 100))
    assert not fit.adequate
    assert fit.inflation == pytest.approx(np.sqrt(fit.chi2_reduced))
    assert "INADEQUATE" in fit.verdict


def test_joint_fit_refuses_subtracted_data_and_a_window_beyond_the_axis():
    e, c = _spectrum(seed=6)
    with pytest.raises(InputError, match="NOT"):
        fit_joint_temperature(preprocess(eels_data(e, c)), (60, 100))
    with pytest.raises(InputError, match="beyond the data"):
        fit_joint_temperature(centre_zlp(eels_data(e, c)), (60, 170))


def test_ndata_zip_bomb_is_refused_before_inflating(tmp_path):
    """A .ndata whose data.npy declares 100 MiB in a file of ~100 kB (deflated zeros) is refused from the declared
    size, with one line naming both sizes."""
    path = tmp_path / "bomb.ndata"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("metadata.json", "{}")
        with zf.open("data.npy", "w", force_zip64=True) as fh:
            block = bytes(2**20)
            for _ in range(100):
                fh.write(block)
    assert path.stat().st_size < 2 * 2**20
    with pytest.raises(InputError, match="refused before inflating") as info:
        read_eels(path)
    assert "\n" not in str(info.value)


def test_one_sided_likelihood_is_refused_with_an_upper_bound():
    """Issue 25: at 80 K (dose 1e8) the gain side at 60-100 meV holds ~exp(-80/6.9) ~ 1e-5 of the loss signal,
    i.e. nothing: r = 0 (T -> 0) fits within 2 sigma, so no T +- error may be given.  The refusal quotes a
    one-sided 95 % upper bound (profile chi2 rising by 2.71), which must lie above the truth (80 K)."""
    import re

    e, c = _spectrum(t_k=80.0, dose=1e8, seed=2)
    with pytest.raises(InputError, match="one-sided") as info:
        fit_joint_temperature(centre_zlp(eels_data(e, c)), (60, 100))
    msg = str(info.value)
    assert "no gain signal" in msg and "\n" not in msg
    bound = float(re.search(r"T < ([0-9.e+]+) K \(one-sided 95 % bound\)", msg).group(1))
    assert 80.0 < bound < 1000.0


def test_chi2_of_an_adequate_fit_is_near_one_after_a_half_channel_shift():
    """The ZLP half a channel off (at +0.5 meV, point-sampled): the centring's interpolation leaves each
    channel's stated variance twice its true one (kappa = 0.5, preprocess.centring_variance_ratio); the joint fit
    divides chi2 by kappa, so chi2/dof of an adequate model is ~1 (it was ~0.5).  Mean over 5 seeds of
    ~120 dof each: standard error ~0.06 (sqrt(2 (1 + 2 rho^2) / 600), rho = 0.5)."""
    r = []
    for seed in range(5):
        e, c = _spectrum(seed=20 + seed, offset=0.5)
        fit = fit_joint_temperature(centre_zlp(eels_data(e, c)), (60, 100))
        assert fit.variance_ratio == pytest.approx(0.5, abs=0.02)
        assert fit.adequate and "TOO SMALL" not in fit.verdict
        r.append(fit.chi2_reduced)
    assert 0.85 < np.mean(r) < 1.15
