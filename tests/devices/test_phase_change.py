"""Phase-change memory cell (issue 15, item 9): closed forms, limits, energy balance, a worked number."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.integrate import quad

from kapitza.devices.phase_change import pcm_cell, pcm_sweep
from kapitza.errors import InputError

K_C, K_D = 0.5, 1.4


def test_no_interface_gives_the_closed_form():
    """R = 0: dT_0 = P [1/(8 pi k_c a) + 1/(4 pi k_d a)] (uniformly heated sphere in an infinite medium,
    Carslaw & Jaeger's steady solution), no jump, enhancement 1."""
    a, p = 20e-9, 1e-4
    cell = pcm_cell(a, power=p, resistance=0.0, cell_conductivity=K_C, dielectric_conductivity=K_D)
    expected = p * (1 / (8 * math.pi * K_C * a) + 1 / (4 * math.pi * K_D * a))
    assert cell.centre_rise == pytest.approx(expected, rel=1e-12)
    assert cell.jump == 0.0 and cell.enhancement == 1.0
    assert np.allclose(cell.temperature, cell.temperature_without_interface)


def test_interface_dominates_below_the_kapitza_length():
    """a << L_K: the interface takes nearly all the rise and the enhancement approaches
    1 + (L_K/a) / (1 + k_d/(2 k_c)) ~ R / (a (1/k_d + 1/(2 k_c))); a >> L_K: enhancement -> 1.

    The enhancement is derived from steady radial conduction in kapitza.devices.phase_change's docstring and coded in
    the test.
    """
    r = 5e-8
    sweep = pcm_sweep(np.geomspace(1e-11, 1e-3, 30), resistance=r, cell_conductivity=K_C, dielectric_conductivity=K_D)
    lk = K_D * r
    expected = 1 + (lk / sweep.radius) / (1 + K_D / (2 * K_C))
    assert np.allclose(sweep.enhancement, expected, rtol=1e-12)
    assert sweep.interface_share[0] > 0.999 and sweep.interface_share[-1] < 1e-3
    assert sweep.enhancement[-1] == pytest.approx(1.0, abs=1e-3)
    assert np.all(np.diff(sweep.enhancement) < 0)


def test_resistance_to_infinity_drives_the_rise_up_and_the_power_down():
    """Larger R: the same power heats the centre more (R -> inf: no heat leaves, dT -> inf), and less power
    programs the cell.  The largest R here gives a jump P R / (4 pi a^2) = 8e4 K, just below the 1e5 K that
    every device model refuses (kapitza.prediction.settings.MAX_TEMPERATURE).

    Analytic: the jump P R/(4 pi a^2) = 1e-5 W * 1e-5 m^2 K/W/(4 pi (1e-8 m)^2) = 7.96e4 K, hence rises[-1] > 5e4.
    """
    rises = [pcm_cell(10e-9, power=1e-5, resistance=r).centre_rise for r in (0.0, 1e-8, 1e-6, 1e-5)]
    powers = [pcm_cell(10e-9, resistance=r).programming_power for r in (0.0, 1e-8, 1e-6, 1e-3)]
    assert np.all(np.diff(rises) > 0) and rises[-1] > 5e4
    assert np.all(np.diff(powers) < 0)


def test_energy_balance_of_the_radial_profile():
    """Integrating the local flux of P through a sphere of radius r, q(r) = P min(r/a,1)^3 / (4 pi r^2),
    over dr/k plus the jump P R/(4 pi a^2) reproduces the centre rise (numerical quad, an independent
    route); the returned profile has that jump at r = a and the finite-difference flux outside is P.

    The reference is an independent computation written in the test; the profile is derived in
    kapitza.devices.phase_change's docstring.
    """
    a, p, r = 15e-9, 3e-5, 3e-8
    cell = pcm_cell(a, power=p, resistance=r, cell_conductivity=K_C, dielectric_conductivity=K_D)
    # in units of a (x = a s); outside, s = 1/u maps [1, inf) onto (0, 1]
    inside, _ = quad(lambda s: p * s**3 / (4 * math.pi * a * s * s) / K_C, 0, 1)
    outside, _ = quad(lambda u: p / (4 * math.pi * a) / K_D, 0, 1)
    assert cell.centre_rise == pytest.approx(inside + p * r / (4 * math.pi * a * a) + outside, rel=1e-8)
    n = cell.r.size // 2
    assert cell.r[n - 1] == cell.r[n] == pytest.approx(a)
    assert cell.temperature[n - 1] - cell.temperature[n] == pytest.approx(cell.jump, rel=1e-12)
    assert cell.temperature[0] - cell.ambient_temperature == pytest.approx(cell.centre_rise, rel=1e-12)
    ro, to = cell.r[n:], cell.temperature[n:]
    flux = -K_D * np.gradient(to, ro) * 4 * math.pi * ro**2
    assert np.allclose(flux[5:-5], p, rtol=1e-3)
    assert sum(cell.shares) == pytest.approx(1.0) and sum(cell.terms) == pytest.approx(cell.thermal_resistance)


def test_worked_number_gst_cell():
    """GST sphere a = 10 nm, k_c = 0.5, SiO2 k_d = 1.4 W/m/K, R = 2e-8 m^2K/W, T_0 = 300 K, T_m = 890 K.
    By hand (independent of the code): terms 1/(8 pi 0.5 1e-8) = 7.958e6, 2e-8/(4 pi 1e-16) = 1.592e7,
    1/(4 pi 1.4 1e-8) = 5.684e6 K/W; total 2.956e7 K/W; programming power 590 / 2.956e7 = 19.96 uW
    (43.2 uW without R); L_K = 28 nm; enhancement 2.167."""
    cell = pcm_cell(10e-9)
    assert cell.thermal_resistance == pytest.approx(2.956e7, rel=1e-3)
    assert cell.programming_power == pytest.approx(19.96e-6, rel=1e-3)
    assert cell.programming_power_without_interface == pytest.approx(43.25e-6, rel=1e-3)
    assert cell.kapitza_length == pytest.approx(28e-9)
    assert cell.enhancement == pytest.approx(2.1667, rel=1e-4)
    assert float(cell.temperature.max()) == pytest.approx(890.0)


def test_temperature_dependent_resistance_is_self_consistent():
    """R = R0 (T/T0)^-1: the returned R equals the source at the mean interface temperature."""
    cell = pcm_cell(10e-9, resistance="power:2e-8,300,1")
    n = cell.r.size // 2
    t_mean = 0.5 * (cell.temperature[n - 1] + cell.temperature[n])
    assert cell.resistance == pytest.approx(2e-8 * 300 / t_mean, rel=1e-8)
    assert cell.temperature[0] == pytest.approx(890.0)


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(radius=-1e-9),
        dict(radius=0.0),
        dict(radius=float("inf")),
        dict(radius=1e-8, power=-1.0),
        dict(radius=1e-8, resistance=-1e-8),
        dict(radius=1e-8, cell_conductivity=0.0),
        dict(radius=1e-8, dielectric_conductivity="unobtainium"),
        dict(radius=1e-8, melting_temperature=200.0),
        dict(radius=1e-8, ambient_temperature=float("nan")),
    ],
)
def test_hostile_inputs(kwargs):
    """Each bad value -> InputError in plain words."""
    with pytest.raises(InputError) as err:
        pcm_cell(**kwargs)
    assert "np." not in str(err.value)


def test_hostile_sweep():
    """Bad radii in a sweep -> InputError."""
    for radii in ([], [1e-9, -1e-9], [[1e-9]], "x"):
        with pytest.raises(InputError):
            pcm_sweep(radii)
