"""Spin-dependent Kapitza resistance and spin heat accumulation (issue 15, item 13)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.sparse import lil_matrix
from scipy.sparse.linalg import spsolve

from kapitza.devices.spin import spin_heat_accumulation
from kapitza.errors import InputError

BASE = {"resistance_up": 1e-9, "resistance_down": 3e-9, "conductivity": 50.0, "relaxation_length": 20e-9}


def test_equal_channels_give_no_spin_heat_accumulation():
    """R_up = R_down: the two channels are identical, T_up = T_down everywhere, R_eff = R / 2.

    Analytic: dG = 0 gives T_s0 = 0 and R_eff = 1/G = R/2 (two equal channels in parallel), derived in
    kapitza.devices.spin's docstring.
    """
    res = spin_heat_accumulation(1e9, **{**BASE, "resistance_down": 1e-9})
    assert res.spin_temperature == 0.0
    assert np.array_equal(res.temperature_up, res.temperature_down)
    assert res.effective_resistance == pytest.approx(0.5e-9, rel=1e-12)


def test_parallel_law_when_relaxation_is_instant():
    """lambda -> 0: T_s0 -> 0 and R_eff -> 1/(1/R_up + 1/R_down) = 0.75e-9 m^2 K W^-1 (parallel law, analytic)."""
    res = spin_heat_accumulation(1e9, **{**BASE, "relaxation_length": 1e-18})
    assert res.parallel_resistance == pytest.approx(0.75e-9, rel=1e-12)
    assert res.effective_resistance == pytest.approx(0.75e-9, rel=1e-6)
    assert abs(res.spin_temperature) < 1e-6


def test_no_relaxation_each_channel_carries_half_the_flux():
    """Worked number (closed form, module docstring): lambda = inf, R_up = 1e-9, R_down = 3e-9, q = 1e9 W m^-2:
    each channel carries q/2, so T_up - T_down = q (R_down - R_up) / 2 = 1 K and R_eff = (R_up + R_down)/4 = 1e-9."""
    res = spin_heat_accumulation(1e9, **{**BASE, "relaxation_length": math.inf})
    assert res.spin_temperature == pytest.approx(1.0, rel=1e-12)
    assert res.effective_resistance == pytest.approx(1e-9, rel=1e-12)
    assert np.allclose(res.temperature_up - res.temperature_down, 1.0)


def test_spin_temperature_decays_over_lambda_and_reverses_with_flux():
    """T_s(z) = T_s0 exp(-z/lambda); the up channel (lower R) is hotter for q > 0 and colder for q < 0.

    Derivation in kapitza.devices.spin's docstring (Heikkilae, Hatami & Bauer, Phys. Rev. B 81, 100408(R) (2010)
    picture): T_s'' = T_s/lambda^2, so T_s(z)/T_s0 = exp(-z/lambda); T_s0 is linear in q, so it reverses with the
    flux.
    """
    res = spin_heat_accumulation(1e9, **BASE)
    ts = res.temperature_up - res.temperature_down
    i = np.searchsorted(res.z, 20e-9)
    assert ts[i] / ts[0] == pytest.approx(math.exp(-res.z[i] / 20e-9), rel=1e-12)
    assert res.spin_temperature > 0
    assert spin_heat_accumulation(-1e9, **BASE).spin_temperature == pytest.approx(-res.spin_temperature)
    assert res.parallel_resistance < res.effective_resistance < (1e-9 + 3e-9) / 4


@pytest.mark.parity
def test_closed_form_matches_finite_difference_two_channel_solution():
    """Independent route: finite differences of (kappa/2) T_s'' = +-g (T_up - T_down), g = kappa/(4 lambda^2),
    with q_sigma = (T_F - T_sigma(0)) / R_sigma at z = 0 and q/2 per channel far away (sparse solve, 4000 cells);
    the interface spin temperature and the effective resistance agree with the closed form to 1e-3."""
    q, kappa, lam, r_up, r_dn = 1e9, 50.0, 20e-9, 1e-9, 3e-9
    n, length = 4000, 15 * lam
    h = length / n
    g = kappa / (4 * lam**2)
    size = 2 * (n + 1) + 1
    a = lil_matrix((size, size))
    b = np.zeros(size)
    up, dn, tf = (lambda i: i), (lambda i: n + 1 + i), size - 1
    row = 0
    for i in range(1, n):
        for me, other in ((up, dn), (dn, up)):
            a[row, me(i - 1)] += kappa / 2 / h**2
            a[row, me(i + 1)] += kappa / 2 / h**2
            a[row, me(i)] += -kappa / h**2 - g
            a[row, other(i)] += g
            row += 1
    for ch, r in ((up, r_up), (dn, r_dn)):
        # -(kappa/2) T'(0) (second-order one-sided) = (T_F - T(0)) / R
        c = -(kappa / 2) / (2 * h)
        a[row, ch(0)] += c * -3 + 1 / r
        a[row, ch(1)] += c * 4
        a[row, ch(2)] += c * -1
        a[row, tf] += -1 / r
        row += 1
        # far end: -(kappa/2) T'(L) = q/2
        a[row, ch(n)] += c * 3
        a[row, ch(n - 1)] += c * -4
        a[row, ch(n - 2)] += c * 1
        b[row] = q / 2
        row += 1
    a[row, tf] = 1.0
    b[row] = 300.0
    sol = spsolve(a.tocsr(), b)
    ts0 = sol[up(0)] - sol[dn(0)]
    r_eff = (300.0 - 0.5 * (sol[up(0)] + sol[dn(0)])) / q
    res = spin_heat_accumulation(q, resistance_up=r_up, resistance_down=r_dn, conductivity=kappa, relaxation_length=lam)
    assert ts0 == pytest.approx(res.spin_temperature, rel=1e-3)
    assert r_eff == pytest.approx(res.effective_resistance, rel=1e-3)


def test_sources_and_result():
    """Resistances from specs ("G=...", power law) are evaluated at the interface temperature; result is frozen."""
    res = spin_heat_accumulation(1e8, **{**BASE, "resistance_up": "G=1e9", "resistance_down": "power:3e-9,300,1"})
    assert res.resistance_up == pytest.approx(1e-9) and res.resistance_down == pytest.approx(3e-9)
    assert res.resistance_labels == ("G = 1e+09 W m⁻² K⁻¹", "R = 3e-09 (T/300 K)^-1 m² K W⁻¹")
    assert not res.z.flags.writeable
    assert "SpinHeatAccumulation(" in repr(res)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"resistance_up": -1e-9}, "R"),
        ({"resistance_down": 0.0}, "resistance_down"),
        ({"conductivity": 0.0}, "conductivity"),
        ({"relaxation_length": -1.0}, "relaxation_length"),
        ({"temperature": float("nan")}, "temperature"),
        ({"heat_flux": float("inf")}, "heat_flux"),
        ({"heat_flux": 1e13}, "below 0 K"),
    ],
)
def test_hostile_inputs(kwargs, match):
    """Each bad input is one InputError naming it; a flux that would cool N below 0 K is refused."""
    args = {"heat_flux": 1e9, **BASE, **kwargs}
    with pytest.raises(InputError, match=match):
        spin_heat_accumulation(args.pop("heat_flux"), **args)
