"""Contact vs Kapitza, Knudsen slip, one-way flux and Onsager forms (issue 15, item 14)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from kapitza.devices.contact import (
    cmy_conductance,
    contact_vs_kapitza,
    mean_free_path,
    one_way_flux,
    one_way_resistance,
    onsager_conductance,
    onsager_flux,
    slip_resistance,
    temperature_slip,
)
from kapitza.errors import InputError

#: Two lapped stainless-steel blocks (illustrative): k = 16 W/m/K, sigma_i = 1 um, m_i = 0.1, H_c = 3 GPa.
STEEL = {
    "conductivity1": 16.0,
    "conductivity2": 16.0,
    "roughness1": 1e-6,
    "roughness2": 1e-6,
    "slope1": 0.1,
    "slope2": 0.1,
    "hardness": 3e9,
}


def test_cmy_worked_number():
    """CMY, h_c = 1.25 k_s (m/sigma) (P/H_c)^0.95 (Yovanovich 2005), computed by hand for STEEL at P = 1 MPa:
    k_s = 16, m/sigma = 0.1414/1.414e-6 = 1e5 m^-1, (1e6/3e9)^0.95 = 4.976e-4 -> h_c = 995 W m^-2 K^-1."""
    h = cmy_conductance(1e6, **STEEL)
    assert h.shape == (1,)
    assert float(h[0]) == pytest.approx(995.2, rel=1e-3)


def test_cmy_laws():
    """h_c ~ P^0.95; k_s is the harmonic mean 2 k1 k2/(k1+k2); sigma and m add in quadrature (the CMY correlation,
    Cooper, Mikic & Yovanovich, Int. J. Heat Mass Transfer 12, 279 (1969); Yovanovich 2005)."""
    h = cmy_conductance([1e5, 1e6], **STEEL)
    assert h[1] / h[0] == pytest.approx(10**0.95, rel=1e-12)
    mixed = cmy_conductance(1e6, **{**STEEL, "conductivity1": 400.0})
    assert mixed[0] / cmy_conductance(1e6, **STEEL)[0] == pytest.approx((2 * 400 * 16 / 416) / 16, rel=1e-12)
    one_sided = cmy_conductance(1e6, **{**STEEL, "roughness2": 0.0, "slope2": 0.0, "roughness1": math.sqrt(2e-12)})
    assert one_sided[0] == pytest.approx(cmy_conductance(1e6, **STEEL)[0] / math.sqrt(2), rel=1e-12)


def test_contact_vs_kapitza_crossover_and_limits():
    """At P* the two conductances are equal; below it contact dominates, above it R_K; R_K = 0 -> contact always.

    Expectations: h_c(P*) = G by the definition of P*; resistances in series add (analytic); the range 1e-6 < P/H_c <
    2e-2 is the CMY validity range of Cooper, Mikic & Yovanovich, Int. J. Heat Mass Transfer 12, 279 (1969), as
    kapitza.devices.contact states.
    """
    res = contact_vs_kapitza(np.geomspace(1e4, 1e8, 9), resistance="G=1e6", **STEEL)
    p_star = res.crossover_pressure
    at = contact_vs_kapitza(p_star, resistance="G=1e6", **STEEL)
    assert float(at.contact_conductance[0]) == pytest.approx(1e6, rel=1e-10)
    assert all(d == ("contact" if p < p_star else "kapitza") for d, p in zip(res.dominant, res.pressure, strict=True))
    assert np.allclose(res.total_resistance, 1 / res.contact_conductance + 1e-6)
    zero = contact_vs_kapitza([1e6], resistance=0.0, **STEEL)
    assert zero.crossover_pressure == math.inf and zero.contact_share[0] == 1.0
    assert list(res.in_range) == [bool(1e-6 <= p / 3e9 <= 2e-2) for p in res.pressure]


def test_intrinsic_resistance_at_room_temperature_is_negligible_against_contact():
    """Seed 002: at room temperature macroscopic contact resistance dominates: a DMM Al/Si R_K (~ 1e-9 m^2 K/W)
    is below 1/h_c by orders of magnitude at 1 MPa."""
    res = contact_vs_kapitza([1e6], resistance="dmm:Al/Si", **STEEL)
    assert res.dominant == ("contact",)
    assert res.contact_share[0] > 0.999


def test_mean_free_path_and_kennard_slip():
    """Air at 300 K, 1 atm with a kinetic diameter 3.7e-10 m: lambda = k_B T/(sqrt(2) pi d^2 p) = 67.2 nm (closed
    form; ~68 nm is the textbook value). Kennard's slip for a monatomic gas (gamma = 5/3, Pr = 2/3) with full
    accommodation: factor (2-1)/1 * 2(5/3)/(8/3) / (2/3) = 1.875; alpha = 0.5 triples (2-a)/a (Kennard, Kinetic
    Theory of Gases, 1938, Sec. 180-182)."""
    lam = mean_free_path(300.0, 101325.0, 3.7e-10)
    assert lam == pytest.approx(67.2e-9, rel=2e-3)
    assert temperature_slip(1e6, mean_free_path=lam) == pytest.approx(1.875 * lam * 1e6, rel=1e-12)
    assert temperature_slip(1e6, mean_free_path=lam, accommodation=0.5) == pytest.approx(3 * 1.875 * lam * 1e6)
    k_gas = 0.026
    r = slip_resistance(k_gas, mean_free_path=lam)
    assert r * (k_gas * 1e6) == pytest.approx(temperature_slip(1e6, mean_free_path=lam), rel=1e-12)


def test_one_way_flux_resistance_is_the_derivative():
    """Seed 002: flux = sigma T^n gives R = 1/(sigma n T^(n-1)); checked by a central finite difference of the
    net flux sigma((T+h)^n - (T-h)^n)/(2h), and n = 4 gives R ~ T^-3.

    Analytic: R = 1/(sigma n T^(n-1)), derived in kapitza.devices.contact's docstring; for n = 4, R(1)/R(2) = 2^3 = 8.
    """
    sigma, n, t, h = 120.0, 4.0, 1.5, 1e-5
    numeric = (
        one_way_flux(t + h, coefficient=sigma, exponent=n) - one_way_flux(t - h, coefficient=sigma, exponent=n)
    ) / (2 * h)
    assert 1 / one_way_resistance(t, coefficient=sigma, exponent=n) == pytest.approx(numeric, rel=1e-9)
    ratio = one_way_resistance(1.0, coefficient=sigma, exponent=4) / one_way_resistance(
        2.0, coefficient=sigma, exponent=4
    )
    assert ratio == pytest.approx(8.0, rel=1e-12)


def test_onsager_small_drop_limit_and_nonlinear_difference():
    """Seed 003: J = L Delta(1/T); small drops -> G = L / T^2; finite drops -> G at the geometric mean.

    Derivation: J = L (1/T_c - 1/T_h) = L (T_h - T_c)/(T_h T_c) = [L/(sqrt(T_h T_c))^2] (T_h - T_c), so G = L/T^2 at
    the geometric mean.
    """
    lc, t = 3e12, 300.0
    g = onsager_conductance(t, coefficient=lc)
    small = onsager_flux(t + 1e-4, t, coefficient=lc)
    assert small / 1e-4 == pytest.approx(g, rel=1e-6)
    big = onsager_flux(400.0, 200.0, coefficient=lc)
    assert big == pytest.approx(lc * 200 / (400 * 200), rel=1e-12)
    assert big < onsager_conductance(200.0, coefficient=lc) * 200  # G at T_cold overestimates
    assert big == pytest.approx(onsager_conductance(math.sqrt(400 * 200), coefficient=lc) * 200, rel=1e-12)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: cmy_conductance(-1e6, **STEEL), "pressure"),
        (lambda: cmy_conductance([], **STEEL), "pressure"),
        (lambda: cmy_conductance(1e6, **{**STEEL, "hardness": 0}), "hardness"),
        (lambda: cmy_conductance(1e6, **{**STEEL, "roughness1": -1e-6}), "roughness1"),
        (lambda: cmy_conductance(1e6, **{**STEEL, "roughness1": 0, "roughness2": 0}), "flat"),
        (lambda: cmy_conductance(1e6, **{**STEEL, "conductivity2": -3}), "conductivity"),
        (lambda: contact_vs_kapitza(1e6, resistance="nonsense", **STEEL), "nonsense"),
        (lambda: temperature_slip(1.0, mean_free_path=1e-8, accommodation=1.5), "accommodation"),
        (lambda: temperature_slip(1.0, mean_free_path=0.0), "mean_free_path"),
        (lambda: mean_free_path(300, 0, 3e-10), "pressure"),
        (lambda: one_way_resistance(0.0, coefficient=1, exponent=4), "temperature"),
        (lambda: onsager_flux(300, -1, coefficient=1), "cold"),
    ],
)
def test_hostile_inputs(call, match):
    with pytest.raises(InputError, match=match):
        call()


def test_a_pressure_at_or_above_the_hardness_is_refused():
    """Issue 51: P = 1e308 Pa gave h_c = 8e289 W m^-2 K^-1.  The real contact area is the fraction P/H_c of the
    apparent one (Yovanovich 2005, the plastic model), so at P = H_c every asperity is flattened: refused there."""
    assert float(cmy_conductance(2.99e9, **STEEL)[0]) > 0
    for p in ([3e9], [1e4, 1e308]):
        with pytest.raises(InputError, match=r"pressure (3e\+09|1e\+308) Pa is at or above the microhardness H_c"):
            contact_vs_kapitza(p, resistance="G=1e6", **STEEL)


def test_a_pressure_whose_h_c_underflows_gives_the_whole_resistance_to_the_contact():
    """h_c = 1.25 k_s (m/sigma) (P/H_c)^0.95 underflows to 0 at P = 5e-324 Pa: r_c = inf and the contact's share is
    1 (its limit as P -> 0), without a RuntimeWarning (a NaN share and two warnings before, issue 51)."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = contact_vs_kapitza([5e-324, 1.0], resistance="G=1e6", **STEEL)
    assert res.contact_conductance[0] == 0.0 and res.total_resistance[0] == math.inf
    assert list(res.contact_share) == [1.0, pytest.approx(1 / (1 + 1e-6 * res.contact_conductance[1]), rel=1e-15)]
    assert res.dominant == ("contact", "contact")
