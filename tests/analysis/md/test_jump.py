"""Delta T and G from synthetic NEMD profiles with a known jump: recovered, with an honest error bar."""

from __future__ import annotations

import numpy as np
import pytest
from analysis_synthetic import synthetic
from scipy import stats

from kapitza.analysis import TemperatureProfile, analyze_jump, flux_from_baths
from kapitza.errors import InputError

JUMP, FLUX = 0.2, 0.05


def test_known_jump_and_conductance_recovered_within_the_error():
    """Exact synthetic case: piecewise-linear profile with Delta T = 0.2 at z = 10 and 30 (plus noise)."""
    r = analyze_jump(synthetic(1), interfaces=(10, 30), flux=FLUX)
    assert abs(r.delta_T - JUMP) < 3 * r.delta_T_err and r.delta_T_err < 0.01
    assert abs(r.G - FLUX / JUMP) < 3 * r.G_err
    assert r.delta_T_err == pytest.approx(r.delta_T_err_jackknife, rel=1e-9)  # linear statistic: identical
    assert [j.direction for j in r.interfaces] == [-1, 1]  # hot middle: heat flows outwards
    assert r.blocks_used == 20 and r.blocks_dropped == 0 and r.warnings == ()
    assert "0.2 of each segment" in r.exclusion and r.units == "lj" and np.isnan(r.G_si)
    assert "delta_T=" in repr(r) and len(repr(r)) < 240


def test_noise_free_profile_gives_the_exact_jump():
    r = analyze_jump(synthetic(0, noise=0.0), interfaces=(10, 30), flux=FLUX)
    assert r.delta_T == pytest.approx(JUMP, abs=1e-12)
    for j in r.interfaces:
        assert j.delta_T == pytest.approx(JUMP, abs=1e-12)
        assert j.slopes[0] == pytest.approx(j.slopes[1], abs=1e-12)  # one gradient on both sides


def test_reported_error_is_honest_over_200_seeds():
    """About 68 % of seeds within 1 sigma (t with 19 dof: 67 %), for Delta T and for G."""
    dt_hits = g_hits = 0
    for seed in range(200):
        r = analyze_jump(synthetic(seed, noise=0.05), interfaces=(10, 30), flux=FLUX, steady_state=False)
        dt_hits += abs(r.delta_T - JUMP) < r.delta_T_err
        g_hits += abs(r.G - FLUX / JUMP) < r.G_err
    assert 0.6 <= dt_hits / 200 <= 0.76
    assert 0.6 <= g_hits / 200 <= 0.76


def test_fixed_geometry_one_interface():
    r = analyze_jump(synthetic(2, fixed=True), interfaces=[20.0], geometry="fixed", flux=FLUX)
    assert len(r.interfaces) == 1 and r.interfaces[0].direction == 1
    assert abs(r.delta_T - JUMP) < 4 * r.delta_T_err


def test_interfaces_found_from_composition():
    p = synthetic(4)
    comp = np.where((p.positions > 10) & (p.positions < 30), 1.0, 0.0)
    q = TemperatureProfile(p.positions, p.temperatures, None, None, composition=comp)
    r = analyze_jump(q, flux=FLUX)
    assert [j.position for j in r.interfaces] == pytest.approx([10.0, 30.0])
    with pytest.raises(InputError, match="give them .*or a composition column"):
        analyze_jump(p)


def test_transient_blocks_dropped_and_reported():
    """Delta T relaxing over the first 8 of 40 blocks: a significant trend -> leading blocks dropped."""
    p = synthetic(5, blocks=40, drift=lambda b: 0.3 * max(0.0, 1 - b / 8))
    r = analyze_jump(p, interfaces=(10, 30), flux=FLUX)
    assert r.blocks_dropped >= 3 and r.blocks_used == 40 - r.blocks_dropped
    assert any("dropped the first" in w for w in r.warnings)
    assert abs(r.delta_T - JUMP) < 4 * r.delta_T_err


def test_no_steady_state_is_refused():
    p = synthetic(6, blocks=30, drift=lambda b: 0.02 * b)
    with pytest.raises(InputError, match="no steady state"):
        analyze_jump(p, interfaces=(10, 30), flux=FLUX)


def test_no_jump_is_flagged():
    r = analyze_jump(synthetic(7, jump=0.0), interfaces=(10, 30), flux=FLUX, steady_state=False)
    assert any("no significant jump" in w for w in r.warnings)


def test_bath_flux_balance_and_units():
    """Cumulative energies with rates +-2.0 (hot gives, cold takes); area 4, periodic: J = 2 / (2 * 4)."""
    t = np.linspace(0, 100, 50)
    b = flux_from_baths(t, -2.0 * t, 2.0 * t, area=4.0, paths=2, units="metal")
    assert b.flux == pytest.approx(0.25) and b.balanced and b.relative_difference == pytest.approx(0, abs=1e-12)
    p = synthetic(8)
    q = TemperatureProfile(p.positions, p.temperatures, None, None, units="metal")
    r = analyze_jump(q, interfaces=(10, 30), flux=b)
    assert r.flux_source == "baths" and r.G_si == pytest.approx(r.G * 1.602176634e-19 / 1e-12 / 1e-20)
    off = flux_from_baths(t, -2.0 * t, 2.4 * t, area=4.0, units="metal")
    assert not off.balanced and off.relative_difference == pytest.approx(0.4 / 2.2)
    assert any("powers differ" in w for w in analyze_jump(q, interfaces=(10, 30), flux=off).warnings)
    with pytest.raises(InputError, match="opposite signs"):
        flux_from_baths(t, 2.0 * t, 2.0 * t, area=4.0)


def test_bath_imbalance_within_its_noise_is_balanced():
    """Rates -2 and +2.4 on average (18 % apart), but with a per-interval noise of sd 3 on each bath over 20
    intervals the imbalance's standard error is ~0.95 / 2.2 = 43 %: noise, not a leak (balanced).  The same
    means with no noise are 18 % apart, beyond 2 standard errors of zero: not balanced (the test above).  With
    20 blocks of one interval given (taken as independent) the error is the plain standard error of the 20 rates
    times Student's t factor for 19 degrees of freedom (scipy.stats.t.ppf(Phi(1), 19) = 1.026)."""
    rng = np.random.default_rng(5)
    t = np.arange(21.0)
    hot = np.concatenate([[0.0], np.cumsum(-2.0 + 3.0 * rng.standard_normal(20))])
    cold = np.concatenate([[0.0], np.cumsum(2.4 + 3.0 * rng.standard_normal(20))])
    b = flux_from_baths(t, hot, cold, area=1.0, n_blocks=20)
    assert b.n_blocks == 20 and b.block_size == 1
    assert b.relative_difference > b.tolerance
    assert b.relative_difference <= 2 * b.relative_difference_err and b.balanced
    rates = np.diff(hot) + np.diff(cold)
    mean = 0.5 * (abs(b.power_hot) + abs(b.power_cold))
    t19 = stats.t.ppf(stats.norm.cdf(1.0), 19)
    assert b.relative_difference_err == pytest.approx(t19 * np.std(rates, ddof=1) / np.sqrt(20) / mean)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"interfaces": (10,)}, "periodic geometry has 2 interface"),
        ({"interfaces": (10, 50)}, "closer than two bins"),  # periodic: 50 is 10 modulo the box of 40
        ({"interfaces": (50,), "geometry": "fixed"}, "must lie inside the profile"),
        ({"interfaces": (10, 30), "hot_bath": 10.0}, "as near to the bath"),
        ({"interfaces": (10, 30), "bath_width": 30.0}, "nothing lies between the bath edge"),
        ({"interfaces": (10, 30), "bath_width": -1.0}, "bath_width= must be > 0"),
        ({"interfaces": (10, 30), "geometry": "slab"}, "geometry= must be one of"),
        ({"interfaces": (10, 30), "bath_positions": (10, 0)}, "overlaps the interface"),
        ({"interfaces": (10, 30), "exclude_bins": 5}, "keeps 0 bins after the exclusions"),
        ({"interfaces": (10, 30), "flux": -1.0}, "flux= must be > 0"),
        ({"interfaces": (10, 10.5)}, "closer than two bins"),
    ],
)
def test_bad_arguments_are_one_clear_error(kwargs, match):
    with pytest.raises(InputError, match=match):
        analyze_jump(synthetic(9), **kwargs)
