"""analysis.eels.flows: forward vs reverse heat flow, per-mode asymmetry differences and their significance."""

from __future__ import annotations

import sys
import types

import numpy as np
import pytest

from kapitza.analysis.eels.balance import KB_MEV
from kapitza.analysis.eels.data import eels_data
from kapitza.analysis.eels.flows import FlowComparison, compare_flows
from kapitza.errors import InputError

E = np.arange(-150.0, 150.5, 1.0)  # meV, centred: E[::-1] == -E
X = np.arange(-20.0, 20.01, 0.2)  # nm
MODES = (70.0, 90.0)  # meV, the seed's two interface modes
BANDS = [(64.0, 76.0), (84.0, 96.0)]
NEAR = np.abs(X) < 2.0  # nm: where one mode is driven out of equilibrium


def line_scan(hot_band: int, seed: int, amplitude: float = 2e5, zlp: bool = False):
    """Background-free, centred line scan: two Gaussian modes (3 meV), loss ~ n+1, gain ~ n (detailed balance).

    The lattice is at 300 K; mode ``hot_band`` is at 400 K where |x| < 2 nm (one flow direction only).
    """
    rng = np.random.default_rng(seed)
    t_mode = np.full((2, X.size), 300.0)
    t_mode[hot_band, NEAR] = 400.0
    a = np.abs(E)
    safe = np.where(a > 0, a, 1.0)
    expected = np.zeros((X.size, E.size))
    for b, e0 in enumerate(MODES):
        shape = amplitude * np.exp(-0.5 * ((a - e0) / 3.0) ** 2) / np.sqrt(2 * np.pi * 9.0)
        n = 1.0 / np.expm1(safe[None, :] / (KB_MEV * t_mode[b][:, None]))
        expected += shape * np.where(E > 0, n + 1.0, np.where(E < 0, n, 0.0))
    if zlp:
        expected += 1e7 * np.exp(-0.5 * (E / 4.0) ** 2)[None, :]
    return eels_data(E, rng.poisson(expected).astype(float), X)


def test_raised_mode_gives_large_z_only_there_and_nowhere_else():
    """Band 0 hot near the interface in the forward run, band 1 in the reverse run (the seed's swap).

    Reference (analytic): at 300 vs 400 K the 70 meV ratio exp(-E/kT) goes 0.067 -> 0.131, tens of sigma
    at these counts; elsewhere the two runs are statistically identical, so z ~ N(0, 1).
    """
    fwd, rev = line_scan(0, seed=1), line_scan(1, seed=2)
    c = compare_flows(fwd, rev, BANDS, temperatures=False)
    assert isinstance(c, FlowComparison)
    assert c.ratio_z.shape == (2, X.size) and c.ratio_valid.all()
    # near the interface: band 0 larger forward (z >> 0), band 1 larger reverse (z << 0)
    assert np.all(c.ratio_z[0, NEAR] > 10) and np.all(c.ratio_z[1, NEAR] < -5)
    far = ~NEAR
    for b in range(2):
        z = c.ratio_z[b, far]
        assert abs(z.mean()) < 0.25 and 0.8 < z.std() < 1.2, (b, z.mean(), z.std())
    assert np.all(c.ratio_pvalue < 1e-10)
    # equilibrium ratio far from the interface: the band integral of n / (n + 1) over the 3 meV wide mode at
    # 300 K (analytic, detailed balance; ~0.7 % above exp(-70 meV / kT) because the mode has a width)
    a = E[(E >= 64) & (E <= 76)]
    w = np.exp(-0.5 * ((a - MODES[0]) / 3.0) ** 2)
    n = 1.0 / np.expm1(a / (KB_MEV * 300.0))
    r300 = np.sum(w * n) / np.sum(w * (n + 1.0))
    assert r300 == pytest.approx(np.exp(-MODES[0] / (KB_MEV * 300.0)), rel=0.01)
    pull = (c.ratio_forward[0, far] - r300) / c.ratio_forward_err[0, far]
    assert abs(pull.mean()) < 0.3 and 0.8 < pull.std() < 1.2
    # dominance gain(70)/gain(90) swaps: higher in the forward run near the interface
    assert np.all(c.dominance_z[NEAR] > 5) and abs(c.dominance_z[far].mean()) < 0.3
    assert c.dominance_forward[NEAR].mean() > 1.5 * c.dominance_reverse[NEAR].mean()
    assert c.temperature_forward.size == 0 and c.window_mev is None


def test_identical_flows_are_consistent():
    """Pairs of independent noisy copies of one state: z ~ N(0, 1) over 10 pairs x 2 bands x 201 positions.

    Reference: for 4020 standard normal values the sample std is 1 +- 0.011 and P(max |z| > 5.5) ~ 2e-4.
    """
    zs, pv, dom = [], [], []
    for k in range(10):
        c = compare_flows(line_scan(0, seed=100 + 2 * k), line_scan(0, seed=101 + 2 * k), BANDS, temperatures=False)
        zs.append(c.ratio_z)
        pv.append(c.ratio_pvalue)
        dom.append(c.dominance_z)
    z = np.array(zs)
    assert abs(z.mean()) < 0.05 and 0.95 < z.std() < 1.05 and np.abs(z).max() < 5.5
    assert 0.9 < np.std(dom) < 1.1
    assert np.min(pv) > 1e-4  # 20 chi2 tests of a true null


def test_mode_temperatures_through_fit_temperature(monkeypatch):
    """Mode temperatures are fitted per band (window = band) and differenced with z-scores.

    A stand-in fit_temperature returns T = -E_mid / (k_B ln r) of the band's integrated ratio (analytic
    detailed balance for a narrow mode) so the wrapper is tested before temperature.py lands.
    """
    temp = types.ModuleType("kapitza.analysis.eels.temperature")
    windows = []

    def fit_temperature(data, window_mev=None, *, intercept=False):
        windows.append(tuple(window_mev))
        lo, hi = window_mev
        g = data.counts[..., (E >= -hi) & (E <= -lo)].sum(-1)
        loss = data.counts[..., (E >= lo) & (E <= hi)].sum(-1)
        mid = 70.0 if lo < 80 else 90.0
        t = -mid / (KB_MEV * np.log(g / loss))
        return types.SimpleNamespace(
            temperature=t, temperature_err=0.01 * t, valid=np.ones(data.nav_shape, bool), window_mev=window_mev
        )

    temp.fit_temperature = fit_temperature
    monkeypatch.setitem(sys.modules, "kapitza.analysis.eels.temperature", temp)
    c = compare_flows(line_scan(0, seed=5), line_scan(1, seed=6), BANDS, window_mev=(60, 100))
    assert set(windows) == {(64.0, 76.0), (84.0, 96.0), (60.0, 100.0)}
    assert c.temperature_forward.shape == (2, X.size)
    assert np.all(c.temperature_forward[0, NEAR] > 370) and np.all(np.abs(c.temperature_forward[0, ~NEAR] - 300) < 20)
    assert np.all(c.temperature_z[0, NEAR] > 5) and np.all(c.temperature_z[1, NEAR] < -5)
    assert c.overall_temperature_z.shape == (X.size,) and c.window_mev == (60.0, 100.0)


def test_single_band_single_spectrum_and_image():
    """Any probe grid: one spectrum, an image; one band gives no dominance (NaN, invalid)."""
    one_f = eels_data(E, line_scan(0, 7).counts[0])
    one_r = eels_data(E, line_scan(0, 8).counts[0])
    c = compare_flows(one_f, one_r, [(64, 76)], temperatures=False)
    assert c.ratio_z.shape == (1,) and c.ratio_valid.all()
    assert not c.dominance_valid and np.isnan(c.dominance_pvalue)
    img_f = eels_data(E, line_scan(0, 9).counts[:20].reshape(4, 5, -1))
    img_r = eels_data(E, line_scan(0, 10).counts[:20].reshape(4, 5, -1))
    ci = compare_flows(img_f, img_r, BANDS, temperatures=False)
    assert ci.ratio_z.shape == (2, 4, 5) and ci.dominance_z.shape == (4, 5) and ci.ratio_pvalue.shape == (2,)


def test_refusals():
    """Mismatched runs, bad bands, uncentred axes: one clear InputError each, before any work."""
    f = line_scan(0, 11)
    with pytest.raises(InputError, match="mismatched probe grids"):
        compare_flows(f, eels_data(E, f.counts[:10]), BANDS)
    with pytest.raises(InputError, match="mismatched energy axes"):
        compare_flows(f, eels_data(E + 0.3, f.counts, X), BANDS)
    with pytest.raises(InputError, match="mismatched probe positions"):
        compare_flows(f, eels_data(E, f.counts, X + 1.0), BANDS)
    with pytest.raises(InputError, match="outside the data"):
        compare_flows(f, f, [(64, 200)])
    with pytest.raises(InputError, match="0 < lo < hi"):
        compare_flows(f, f, [(76, 64)])
    with pytest.raises(InputError, match="pairs"):
        compare_flows(f, f, [(1, 2, 3)])
    shifted = eels_data(E + 0.4, f.counts, X)
    with pytest.raises(InputError, match="centre the zero-loss peak"):
        compare_flows(shifted, shifted, BANDS, temperatures=False)
    with pytest.raises(InputError, match="EELSData"):
        compare_flows(f.counts, f, BANDS)  # type: ignore[arg-type]


def test_no_gain_signal_is_invalid_not_nan_silently():
    """Where a band has no gain counts the ratio is invalid (flagged), and no RuntimeWarning leaks."""
    f = line_scan(0, 12)
    counts = f.counts.copy()
    counts[:5][:, E < 0] = 0.0
    g = eels_data(E, counts, X)
    with np.errstate(all="raise"):
        c = compare_flows(g, f, BANDS, temperatures=False)
    assert not c.ratio_valid[:, :5].any() and c.ratio_valid[:, 5:].all()
    assert np.isfinite(c.ratio_pvalue).all()


def test_with_real_preprocess_and_temperature():
    """End to end through the real centre_zlp and fit_temperature."""
    from kapitza.analysis.eels import preprocess as pre

    fwd = pre.centre_zlp(line_scan(0, 13, zlp=True))
    rev = pre.centre_zlp(line_scan(1, 14, zlp=True))
    c = compare_flows(fwd, rev, BANDS)
    assert np.nanmedian(c.temperature_z[0, NEAR]) > 3 and np.nanmedian(c.temperature_z[1, NEAR]) < -3
    assert abs(np.nanmedian(c.temperature_z[:, ~NEAR])) < 1
