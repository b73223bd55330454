"""Nanofluidic exchanger (issue 15, item 10): series law, Nusselt numbers, limits, crossover, a worked number."""

from __future__ import annotations

import numpy as np
import pytest

from kapitza.devices.nanofluidic import NUSSELT, exchanger_sweep, nanofluidic_exchanger, nusselt_number
from kapitza.errors import InputError


def test_nusselt_numbers_of_parallel_plates():
    """Shah & London (1978), fully developed laminar flow between parallel plates: 7.541 (uniform wall T),
    8.235 (uniform flux), 4.861 / 5.385 with one wall insulated; h = Nu k / (2 H)."""
    assert NUSSELT["temperature"] == 7.541 and NUSSELT["flux"] == 8.235
    assert NUSSELT["one-side-temperature"] == 4.861 and NUSSELT["one-side-flux"] == 5.385
    assert nusselt_number("Flux") == 8.235 and nusselt_number(6.0) == 6.0 and nusselt_number("6") == 6.0
    ex = nanofluidic_exchanger(1e-6, fluid_conductivity=0.6, nusselt="flux")
    assert ex.h_1 == pytest.approx(8.235 * 0.6 / 2e-6, rel=1e-12)


def test_series_law_and_shares():
    """1/U = 1/h1 + R1 + t/k_w + R2 + 1/h2 written out by hand; shares sum to 1; side 2 differs from side 1."""
    ex = nanofluidic_exchanger(
        200e-9,
        channel_height_2=1e-6,
        fluid_conductivity=0.6,
        fluid_conductivity_2=0.15,
        wall_thickness=50e-9,
        wall_conductivity=30.0,
        resistance=1e-8,
        resistance_2="G=5e7",
        nusselt="temperature",
        nusselt_2="flux",
    )
    by_hand = 2 * 200e-9 / (7.541 * 0.6) + 1e-8 + 50e-9 / 30 + 2e-8 + 2 * 1e-6 / (8.235 * 0.15)
    assert 1 / ex.U == pytest.approx(by_hand, rel=1e-12)
    assert sum(ex.shares) == pytest.approx(1.0)
    assert ex.shares[1] == pytest.approx(1e-8 * ex.U) and ex.shares[3] == pytest.approx(2e-8 * ex.U)
    assert ex.kapitza_lengths == pytest.approx((0.6e-8, 0.15 * 2e-8))


def test_no_interfaces_and_huge_interfaces():
    """R = 0: U = U_without_interfaces; R -> inf: U -> 1/(2R) whatever the channel.

    Derivation from the series sum 1/U = 1/h_1 + R_1 + t_w/k_w + R_2 + 1/h_2 of kapitza.devices.nanofluidic: R = 0
    drops two terms; R = 1e3 makes 1/U = 2R to 1e-9.
    """
    ex = nanofluidic_exchanger(100e-9, resistance=0.0)
    assert ex.U == ex.U_without_interfaces and ex.crossover_height == 0.0
    big = exchanger_sweep([1e-9, 1e-6], resistance=1e3)
    assert np.allclose(big.U, 1 / 2e3, rtol=1e-9)


def test_interfaces_take_over_in_narrow_channels():
    """As H shrinks, the convective terms fall ~ H and the interface shares rise to (2R)/(2R + t/k_w);
    U without interfaces grows ~ 1/H; at H* the two convective terms equal the two interface terms.

    Derivation in kapitza.devices.nanofluidic's docstring: 1/h = 2 H/(Nu k_f) is proportional to H, and H* is where
    the convective terms equal the boundary terms.
    """
    sweep = exchanger_sweep(np.geomspace(1e-10, 1e-3, 40), wall_thickness=0.0)
    interface = sweep.shares[:, 1] + sweep.shares[:, 3]
    assert np.all(np.diff(interface) < 0) and interface[0] > 0.99 and interface[-1] < 1e-4
    assert sweep.U_without_interfaces[0] / sweep.U_without_interfaces[1] == pytest.approx(
        sweep.channel_height[1] / sweep.channel_height[0], rel=1e-9
    )
    star = exchanger_sweep([sweep.crossover_height], wall_thickness=0.0)
    assert star.terms[0, 0] + star.terms[0, 4] == pytest.approx(star.terms[0, 1] + star.terms[0, 3], rel=1e-12)


def test_worked_number_water_exchanger():
    """Water (k 0.6 W/m/K) both sides, R = 1e-8 m^2K/W per side (Kapitza length 6 nm, the hydrophilic range
    3-6 nm of Ge, Cahill & Braun, PRL 96, 186101 (2006)), Nu = 7.541, 20 nm SiO2 wall (k 1.4), H = 50 nm.
    By hand: 1/h = 2 * 50e-9 / (7.541 * 0.6) = 2.2101e-8 per side, wall 1.4286e-8, sum
    2 * 2.2101e-8 + 2e-8 + 1.4286e-8 = 7.8488e-8 m^2K/W -> U = 1.2741e7 W/m^2K (1/5.8488e-8 = 1.7097e7 without R);
    H* = Nu k R / 2 = 7.541 * 0.6 * 1e-8 / 2 = 22.62 nm."""
    ex = nanofluidic_exchanger(50e-9)
    assert 1 / ex.U == pytest.approx(7.8488e-8, rel=1e-4)
    assert ex.U == pytest.approx(1.2741e7, rel=1e-4)
    assert ex.U_without_interfaces == pytest.approx(1.7097e7, rel=1e-4)
    assert ex.crossover_height == pytest.approx(22.62e-9, rel=1e-3)


def test_resistance_at_the_operating_temperature():
    """A power-law R(T) is evaluated at ``temperature``. Analytic: R0 (T/T0)^-2 = 1e-8 (600/300)^-2 = 0.25e-8."""
    ex = nanofluidic_exchanger(50e-9, resistance="power:1e-8,300,2", temperature=600.0)
    assert ex.resistance_1 == pytest.approx(0.25e-8) and ex.resistance_2 == ex.resistance_1


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(channel_height=-1e-9),
        dict(channel_height=0.0),
        dict(channel_height=[1e-9, 2e-9]),
        dict(channel_height=1e-8, wall_thickness=-1e-9),
        dict(channel_height=1e-8, wall_conductivity=0.0),
        dict(channel_height=1e-8, fluid_conductivity=-0.6),
        dict(channel_height=1e-8, resistance=-1e-8),
        dict(channel_height=1e-8, nusselt="turbulent"),
        dict(channel_height=1e-8, nusselt=-7.5),
        dict(channel_height=1e-8, temperature=-3.0),
    ],
)
def test_hostile_inputs(kwargs):
    """Each bad value -> InputError in plain words."""
    with pytest.raises(InputError) as err:
        nanofluidic_exchanger(**kwargs)
    assert "np." not in str(err.value)


def test_the_exchanger_and_its_sweep_take_one_record():
    """nanofluidic_exchanger and exchanger_sweep take one Exchanger (or its fields by keyword, as before; issue 85
    item 1: each had its own copy of nine keywords): the sweep at one height is the single exchanger's U."""
    from kapitza.devices.nanofluidic import Exchanger

    record = Exchanger(resistance=2e-8, wall_thickness=50e-9, nusselt="flux")
    one = nanofluidic_exchanger(80e-9, exchanger=record)
    typed = nanofluidic_exchanger(80e-9, resistance=2e-8, wall_thickness=50e-9, nusselt="flux")
    assert (one.U, one.terms, one.resistance_labels) == (typed.U, typed.terms, typed.resistance_labels)
    assert exchanger_sweep([80e-9], exchanger=record).U[0] == pytest.approx(one.U, rel=1e-12)
    with pytest.raises(InputError, match="unknown setting 'resistanse' of exchanger_sweep"):
        exchanger_sweep([80e-9], resistanse=1e-8)
