"""analysis.eels.profile: the jump, gradients and Kapitza lengths from a temperature profile."""

from __future__ import annotations

import sys
import types

import numpy as np
import pytest

from kapitza.analysis.eels.data import eels_data
from kapitza.analysis.eels.profile import (
    EELSProfile,
    KapitzaJump,
    TemperatureMap,
    analyze_profile,
    eels_profile,
    temperature_map,
    temperature_profile,
)
from kapitza.errors import InputError

X = np.arange(-10.0, 10.01, 0.25)  # nm
XI = 0.3  # interface plane, nm (not on a grid point)
T_HOT, JUMP, G_LEFT, G_RIGHT = 320.0, 15.0, -1.2, -0.6  # K, K, K/nm, K/nm: heat flows +x


def truth(x: np.ndarray, flow: str = "+x") -> np.ndarray:
    """Two straight lines and a drop of JUMP at XI along the heat flow (analytic)."""
    if flow == "+x":
        return np.where(x < XI, T_HOT + G_LEFT * (x - XI), T_HOT - JUMP + G_RIGHT * (x - XI))
    # mirror image: heat flows -x, the right side is hot
    return np.where(x > XI, T_HOT - G_LEFT * (x - XI), T_HOT - JUMP - G_RIGHT * (x - XI))


def test_noise_free_profile_gives_exact_jump_gradients_and_lengths():
    """Analytic: exact lines -> Delta T = JUMP, slopes exact, L_K = Delta T / |gradient| per side."""
    p = eels_profile(X, truth(X), np.full(X.size, 0.5))
    j = analyze_profile(p, XI)
    assert isinstance(j, KapitzaJump)
    assert j.heat_flow == "+x" and j.heat_flow_source == "fits"
    assert j.delta_T == pytest.approx(JUMP, abs=1e-9)
    assert j.T_left == pytest.approx(T_HOT, abs=1e-9) and j.T_right == pytest.approx(T_HOT - JUMP, abs=1e-9)
    assert j.gradient_left_k_per_nm == pytest.approx(G_LEFT, abs=1e-10)
    assert j.gradient_right_k_per_nm == pytest.approx(G_RIGHT, abs=1e-10)
    assert j.kapitza_length_left_nm == pytest.approx(JUMP / abs(G_LEFT), rel=1e-9)
    assert j.kapitza_length_right_nm == pytest.approx(JUMP / abs(G_RIGHT), rel=1e-9)
    assert j.chi2_reduced_left == pytest.approx(0.0, abs=1e-12)
    # points within exclude_nm = 1 of the plane are left out
    assert j.left_range_nm[1] <= XI - 1.0 and j.right_range_nm[0] >= XI + 1.0
    assert j.n_left + j.n_right == int(np.sum(np.abs(X - XI) >= 1.0))
    assert np.isnan(j.resistance) and np.isnan(j.kapitza_length_given_nm)
    assert j.warnings == ()


def test_direction_reverse_flow_gives_positive_jump():
    """Heat flowing -x (right side hot): a drop along the flow is still Delta T = +JUMP (analytic)."""
    p = eels_profile(X, truth(X, "-x"), np.full(X.size, 0.5))
    j = analyze_profile(p, XI)
    assert j.heat_flow == "-x"
    assert j.delta_T == pytest.approx(JUMP, abs=1e-9)
    assert j.T_upstream == pytest.approx(j.T_right) and j.T_downstream == pytest.approx(j.T_left)
    assert j.gradient_left_k_per_nm == pytest.approx(-G_RIGHT) and j.gradient_right_k_per_nm == pytest.approx(-G_LEFT)
    assert j.kapitza_length_right_nm == pytest.approx(JUMP / abs(G_LEFT))
    # given the wrong direction, the jump comes out negative and the gradients are flagged
    k = analyze_profile(p, XI, heat_flow="+x")
    assert k.delta_T == pytest.approx(-JUMP, abs=1e-9) and k.heat_flow_source == "given"
    assert any("rises along the heat flow" in w for w in k.warnings)


def test_given_gradient_and_flux():
    """Analytic: L_K = Delta T / 0.18 K/nm (seed 000: 180 K/um); R_K = Delta T / q, G = q / Delta T."""
    p = eels_profile(X, truth(X), np.full(X.size, 0.5))
    q, dq = 2.0e9, 0.2e9  # W/m^2
    j = analyze_profile(p, XI, gradient_k_per_nm=0.18, gradient_err_k_per_nm=0.018, heat_flux_w_m2=q, heat_flux_err=dq)
    assert j.kapitza_length_given_nm == pytest.approx(JUMP / 0.18)
    rel_dt = j.delta_T_err / j.delta_T
    assert j.kapitza_length_given_err_nm == pytest.approx(JUMP / 0.18 * np.hypot(rel_dt, 0.1))
    assert j.resistance == pytest.approx(JUMP / q)  # m^2 K / W
    assert j.conductance == pytest.approx(q / JUMP)  # W / (m^2 K)
    assert j.resistance_err == pytest.approx(JUMP / q * np.hypot(rel_dt, 0.1))
    assert j.conductance_err == pytest.approx(q / JUMP * np.hypot(rel_dt, 0.1))


def test_noisy_profiles_recover_jump_and_length_within_uncertainty():
    """Synthetic profiles with Gaussian noise of known sigma: ~68 % of seeds within 1 sigma (coverage).

    Reference: analytic truth of :func:`truth`; the binomial spread of the coverage over 400 seeds is
    ~0.023, the window 0.60-0.76 is ~3.5 of it.
    """
    sigma = np.where(np.abs(X) < 5, 1.0, 1.5)  # K, heteroscedastic on purpose
    hits = {"dT": 0, "lk_l": 0, "lk_r": 0, "g_l": 0}
    n = 400
    pulls = []
    for seed in range(n):
        rng = np.random.default_rng(seed)
        t = truth(X) + sigma * rng.standard_normal(X.size)
        j = analyze_profile(eels_profile(X, t, sigma), XI)
        pulls.append((j.delta_T - JUMP) / j.delta_T_err)
        hits["dT"] += abs(j.delta_T - JUMP) < j.delta_T_err
        hits["lk_l"] += abs(j.kapitza_length_left_nm - JUMP / abs(G_LEFT)) < j.kapitza_length_left_err_nm
        hits["lk_r"] += abs(j.kapitza_length_right_nm - JUMP / abs(G_RIGHT)) < j.kapitza_length_right_err_nm
        hits["g_l"] += abs(j.gradient_left_k_per_nm - G_LEFT) < j.gradient_left_err_k_per_nm
    for key, h in hits.items():
        assert 0.60 < h / n < 0.76, (key, h / n)
    assert abs(np.mean(pulls)) < 0.15 and 0.9 < np.std(pulls) < 1.1


def test_invalid_points_are_left_out_and_fit_range_limits():
    """A wild invalid point does not change the noise-free answer; fit_range_nm keeps points near the plane."""
    t = truth(X)
    t[3] = 1e4
    valid = np.ones(X.size, bool)
    valid[3] = False
    j = analyze_profile(eels_profile(X, t, np.full(X.size, 0.5), valid), XI, fit_range_nm=4.0)
    assert j.delta_T == pytest.approx(JUMP, abs=1e-9)
    assert j.left_range_nm[0] >= XI - 4.0 and j.right_range_nm[1] <= XI + 4.0
    assert j.fit_range_nm == 4.0


def test_poor_fit_and_insignificant_jump_warn():
    """A curved side (chi2 p << 0.01) and a zero jump each give a warning."""
    t = truth(X) + np.where(X < XI, 0.3 * (X - XI) ** 2, 0.0)
    j = analyze_profile(eels_profile(X, t, np.full(X.size, 0.2)), XI)
    assert any("left side's line is a poor fit" in w for w in j.warnings)
    assert j.pvalue_left < 0.01 and j.pvalue_right > 0.01
    flat = eels_profile(X, 300.0 - 0.5 * X, np.full(X.size, 0.5))
    k = analyze_profile(flat, XI, heat_flux_w_m2=1e9)
    assert any("no significant jump" in w for w in k.warnings)


def test_refusals():
    """Interface outside, too few points per side (with the count), all invalid, bad options."""
    p = eels_profile(X, truth(X), np.full(X.size, 0.5))
    with pytest.raises(InputError, match="outside the profile"):
        analyze_profile(p, 12.0)
    with pytest.raises(InputError, match="only 1 valid point"):
        analyze_profile(p, 8.9)
    with pytest.raises(InputError, match="only 0 valid point"):
        analyze_profile(p, XI, exclude_nm=11.0)
    with pytest.raises(InputError, match="no valid temperature"):
        analyze_profile(eels_profile(X, truth(X), np.full(X.size, 0.5), np.zeros(X.size, bool)), XI)
    with pytest.raises(InputError, match="fit_range_nm"):
        analyze_profile(p, XI, fit_range_nm=0.5)
    with pytest.raises(InputError, match="heat_flux_w_m2 must be > 0"):
        analyze_profile(p, XI, heat_flux_w_m2=-1.0)
    with pytest.raises(InputError, match="heat_flow"):
        analyze_profile(p, XI, heat_flow="up")
    with pytest.raises(InputError, match="EELSProfile"):
        analyze_profile({"x": X}, XI)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="mismatched profile"):
        eels_profile(X, X[:-1], X)
    with pytest.raises(InputError, match="marked valid"):
        eels_profile(X, np.full(X.size, np.nan), np.ones(X.size), np.ones(X.size, bool))


def test_profile_result_is_frozen_and_saves(tmp_path):
    """Results are read-only and save to JSON (the package's result convention)."""
    p = eels_profile(X, truth(X), np.full(X.size, 0.5))
    with pytest.raises(ValueError):
        p.temperature[0] = 0.0
    j = analyze_profile(p, XI)
    out = j.save(tmp_path / "jump.json")
    assert out.exists() and "delta_T" in out.read_text()
    assert "KapitzaJump(" in repr(j) and len(repr(j)) < 300


# --- wrappers, with stand-ins for fit_temperature / sum_along so they are tested on their own ---


def _fake_modules(monkeypatch, calls):
    temp = types.ModuleType("kapitza.analysis.eels.temperature")

    def fit_temperature(data, window_mev=None, *, intercept=False):
        calls.append(data)
        t = 300.0 + data.counts.sum(axis=-1) * 0.0 + np.arange(data.counts[..., 0].size).reshape(data.nav_shape)
        return types.SimpleNamespace(
            temperature=t,
            temperature_err=np.ones(data.nav_shape),
            valid=np.ones(data.nav_shape, bool),
            window_mev=(60.0, 90.0),
            method="fake",
        )

    temp.fit_temperature = fit_temperature
    pre = types.ModuleType("kapitza.analysis.eels.preprocess")

    def sum_along(data, axis):
        ax = data.nav_names.index(axis)
        return data.replace(
            f"summed along {axis}",
            counts=data.counts.sum(axis=ax),
            variance=data.variance.sum(axis=ax),
            positions_nm=tuple(p for i, p in enumerate(data.positions_nm) if i != ax),
            nav_names=tuple(n for i, n in enumerate(data.nav_names) if i != ax),
        )

    pre.sum_along = sum_along
    monkeypatch.setitem(sys.modules, "kapitza.analysis.eels.temperature", temp)
    monkeypatch.setitem(sys.modules, "kapitza.analysis.eels.preprocess", pre)


def test_temperature_profile_and_map_wrappers(monkeypatch):
    """The ratio-fit route (method="ratio", for background-subtracted data): an image is summed along the axis
    parallel to the interface; a map keeps the pixels.  Without a subtracted background "auto" is the joint fit."""
    calls: list = []
    _fake_modules(monkeypatch, calls)
    e = np.linspace(-100, 100, 41)
    image = eels_data(e, np.ones((3, 5, e.size)), (np.arange(3.0), np.arange(5.0) * 0.5))
    prof = temperature_profile(image, (60, 90), across="x", method="ratio")
    assert isinstance(prof, EELSProfile)
    assert calls[-1].nav_shape == (5,) and np.all(calls[-1].counts == 3.0)  # summed over the 3 rows
    np.testing.assert_allclose(prof.positions_nm, np.arange(5.0) * 0.5)
    assert prof.window_mev == (60.0, 90.0) and prof.valid.all()
    prof_y = temperature_profile(image, across="y", method="ratio")
    assert prof_y.positions_nm.size == 3 and calls[-1].nav_shape == (3,)
    tmap = temperature_map(image, method="ratio")
    assert isinstance(tmap, TemperatureMap) and tmap.shape == (3, 5) and tmap.nav_names == ("y", "x")
    line = eels_data(e, np.ones((4, e.size)))
    assert temperature_profile(line, method="ratio").temperature.shape == (4,)
    with pytest.raises(InputError, match="method must be one of"):
        temperature_map(image, method="magic")
    with pytest.raises(InputError, match="single spectrum"):
        temperature_profile(eels_data(e, np.ones(e.size)))
    with pytest.raises(InputError, match="across="):
        temperature_profile(image, across="z", method="ratio")
    with pytest.raises(InputError, match="spectrum image"):
        temperature_map(line)


def test_profile_counts_and_median_chi2_follow_their_definitions():
    """Hand-counted: 4 positions, position 2 invalid (error 0); of the 3 valid ones position 1 is inadequate;
    the median of the non-NaN chi2 values {0.9, 3.0, 1.2} is 1.2 (the middle of three)."""
    p = EELSProfile(
        positions_nm=[0.0, 1.0, 2.0, 3.0],
        temperature=[300.0, 301.0, 302.0, 303.0],
        temperature_err=[1.0, 1.0, 0.0, 1.0],
        chi2_reduced=[0.9, 3.0, np.nan, 1.2],
        adequate=[True, False, False, True],
    )
    assert p.n_valid == 3
    assert p.n_inadequate == 1  # position 2 is inadequate too but has no temperature
    assert p.median_chi2_reduced == pytest.approx(1.2)
    bare = EELSProfile(positions_nm=[0.0, 1.0], temperature=[300.0, 301.0], temperature_err=[1.0, 1.0])
    assert bare.n_inadequate is None and bare.median_chi2_reduced is None
    all_nan = EELSProfile(positions_nm=[0.0], temperature=[300.0], temperature_err=[1.0], chi2_reduced=[np.nan])
    assert np.isnan(all_nan.median_chi2_reduced)


def test_map_summary_is_over_the_valid_pixels_only():
    """A 2 x 2 map with pixel (1, 1) invalid and a wild value there that must not count: over the three valid
    pixels T = {300, 310, 305} -> min 300, max 310, median 305; errors {2, 4, 3} -> median 3 (hand-sorted)."""
    m = TemperatureMap(
        positions_nm=(np.arange(2.0), np.arange(2.0)),
        nav_names=("y", "x"),
        temperature=np.array([[300.0, 310.0], [305.0, 1e6]]),
        temperature_err=np.array([[2.0, 4.0], [3.0, 99.0]]),
        valid=np.array([[True, True], [True, False]]),
        window_mev=(50.0, 80.0),
    )
    assert m.n_valid == 3
    assert m.valid_summary() == (300.0, 310.0, 305.0, 3.0)
    none = TemperatureMap(
        positions_nm=(np.arange(1.0),),
        nav_names=("x",),
        temperature=np.array([300.0]),
        temperature_err=np.array([1.0]),
        valid=np.array([False]),
        window_mev=(50.0, 80.0),
    )
    assert none.n_valid == 0 and all(np.isnan(v) for v in none.valid_summary())
