"""Thermoelectric leg with contact resistances (issue 15, item 8): limits, inversion, a worked number."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.optimize import brentq

from kapitza.devices.thermoelectric import leg_length_for_fraction, thermoelectric_leg
from kapitza.errors import InputError

LENGTHS = np.geomspace(1e-7, 1e-1, 25)


def test_no_contact_resistance_gives_the_material_zt():
    """rho_c = R_K = 0: ZT_dev = ZT at every length and the whole drop is across the leg.

    Analytic: n = m = 0 in ZT_dev = ZT/[(1 + n/L)(1 + m/L)], derived in kapitza.devices.thermoelectric's docstring.
    """
    leg = thermoelectric_leg(LENGTHS, zt=1.3, contact_resistivity=0.0, resistance=0.0)
    assert np.allclose(leg.zt_device, 1.3, rtol=0, atol=1e-15)
    assert np.all(leg.leg_fraction == 1.0)
    assert leg.length_for_fraction == 0.0


def test_long_and_short_legs():
    """L -> inf: ZT_dev -> ZT; L -> 0: ZT_dev -> 0 (the contacts take everything); monotonic in between.

    Analytic limits of ZT_dev/ZT = 1/[(1 + n/L)(1 + m/L)] (derived in kapitza.devices.thermoelectric's docstring): 1
    as L -> inf, 0 as L -> 0, increasing in L.
    """
    leg = thermoelectric_leg([1e-12, *LENGTHS, 1e3], zt=1.0, contact_resistivity=1e-10, resistance=1e-6)
    assert leg.ratio[-1] == pytest.approx(1.0, abs=1e-6)
    assert leg.ratio[0] < 1e-6
    assert np.all(np.diff(leg.ratio) > 0)


def test_kapitza_only_sets_the_share_of_the_temperature_drop():
    """With rho_c = 0 the ratio is the share of dT across the leg: L/k / (L/k + 2 R_K) (1D series).

    The expected fraction is the closed form derived in kapitza.devices.thermoelectric's docstring, coded in the test.
    """
    k, r, length = 1.5, 1e-6, 1e-4
    leg = thermoelectric_leg(length, contact_resistivity=0.0, resistance=r, conductivity=k)
    expected = (length / k) / (length / k + 2 * r)
    assert leg.leg_fraction[0] == pytest.approx(expected, rel=1e-12)
    assert leg.ratio[0] == pytest.approx(expected, rel=1e-12)


def test_device_zt_from_the_definition():
    """ZT_dev = S_dev^2 T / (R_e K) from S, rho, k directly (S_dev = S times the leg's share of dT), against
    the factored formula: two routes to one number.

    The direct route is an independent computation written in the test; the factored formula is derived in
    kapitza.devices.thermoelectric's docstring (Min & Rowe, J. Power Sources 38, 253 (1992)).
    """
    s, rho, k, t, rho_c, r_k, length = 200e-6, 1e-5, 1.5, 300.0, 1e-10, 1e-6, 2e-4
    zt = s * s * t / (rho * k)
    area = 1e-6
    r_e = (rho * length + 2 * rho_c) / area
    k_total = area / (length / k + 2 * r_k)
    s_dev = s * (length / k) / (length / k + 2 * r_k)
    direct = s_dev**2 * t / (r_e * k_total)
    leg = thermoelectric_leg(length, zt=zt, resistivity=rho, contact_resistivity=rho_c, conductivity=k, resistance=r_k)
    assert leg.zt_device[0] == pytest.approx(direct, rel=1e-12)


@pytest.mark.parametrize("fraction", [0.5, 0.9, 0.99])
@pytest.mark.parametrize("rho_c,r_k", [(1e-10, 1e-8), (0.0, 1e-6), (1e-9, 0.0), (1e-10, 1e-5)])
def test_length_for_fraction_inverts_the_forward_formula(fraction, rho_c, r_k):
    """The closed-form root of the quadratic equals a numerical root (brentq) of ratio(L) = x and, fed
    back, gives ratio = x."""
    kw = dict(contact_resistivity=rho_c, resistance=r_k)
    length = leg_length_for_fraction(fraction, **kw)
    assert thermoelectric_leg(length, fraction=fraction, **kw).ratio[0] == pytest.approx(fraction, rel=1e-10)
    root = brentq(lambda x: thermoelectric_leg(x, **kw).ratio[0] - fraction, 1e-12, 10.0, xtol=1e-16, rtol=1e-13)
    assert length == pytest.approx(root, rel=1e-9)


def test_worked_number_bi2te3_leg():
    """Bi2Te3 leg (brief's numbers): ZT 1, k 1.5 W/m/K, rho 1e-5 Ohm m, rho_c 1e-10 Ohm m^2, R_K 1e-8 m^2K/W.
    Reference computed by hand, independently of the code: n = 2 rho_c/rho = 20 um, m = 2 R_K k = 30 nm;
    at L = 1 mm, ZT_dev = 1 / (1.02 * 1.00003) = 0.980363; 90 % of ZT needs
    L = [(n+m) + sqrt((n+m)^2 + 4 (1/0.9 - 1) n m)] / (2 (1/0.9 - 1)) = 180.30 um."""
    leg = thermoelectric_leg(
        1e-3, zt=1.0, conductivity=1.5, resistivity=1e-5, contact_resistivity=1e-10, resistance=1e-8, fraction=0.9
    )
    assert leg.zt_device[0] == pytest.approx(1 / (1.02 * 1.00003), rel=1e-12)
    assert leg.zt_device[0] == pytest.approx(0.980363, abs=1e-6)
    assert leg.electrical_length == pytest.approx(20e-6) and leg.thermal_length == pytest.approx(30e-9)
    n, m, c = 20e-6, 30e-9, 1 / 0.9 - 1
    assert leg.length_for_fraction == pytest.approx(((n + m) + math.sqrt((n + m) ** 2 + 4 * c * n * m)) / (2 * c))
    assert leg.length_for_fraction == pytest.approx(180.30e-6, rel=1e-4)


def test_resistance_from_any_source():
    """R_K may be 'G=...' (R = 1/G) or a power law evaluated at the leg temperature.

    Analytic: R = 1/G = 1e-8, and R0 (T/T0)^-1 = 2e-8 * 150/300 = 1e-8.
    """
    a = thermoelectric_leg(1e-4, resistance="G=1e8")
    b = thermoelectric_leg(1e-4, resistance=1e-8)
    assert a.ratio[0] == pytest.approx(b.ratio[0], rel=1e-12) and a.resistance_label == "G = 1e+08 W m⁻² K⁻¹"
    c = thermoelectric_leg(1e-4, resistance="power:2e-8,150,1", temperature=300.0)
    assert c.resistance == pytest.approx(1e-8)


def test_result_is_frozen_and_saves(tmp_path):
    """Read-only arrays, a short repr and a JSON file with the inputs."""
    leg = thermoelectric_leg(LENGTHS)
    with pytest.raises(ValueError):
        leg.ratio[0] = 0
    assert len(repr(leg)) < 300
    leg.save(tmp_path / "leg.json")
    assert "contact_resistivity" in (tmp_path / "leg.json").read_text()


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(length=-1e-3),
        dict(length=0.0),
        dict(length=float("nan")),
        dict(length=[]),
        dict(length="x"),
        dict(length=1e-3, zt=-1),
        dict(length=1e-3, resistivity=0),
        dict(length=1e-3, contact_resistivity=-1e-10),
        dict(length=1e-3, conductivity=-1.5),
        dict(length=1e-3, resistance=-1e-8),
        dict(length=1e-3, resistance="nonsense"),
        dict(length=1e-3, fraction=1.0),
        dict(length=1e-3, fraction=0.0),
        dict(length=1e-3, temperature=0.0),
    ],
)
def test_hostile_inputs(kwargs):
    """Each bad value -> InputError with plain numbers (no 'np.float64')."""
    with pytest.raises(InputError) as err:
        thermoelectric_leg(**kwargs)
    assert "np." not in str(err.value)
