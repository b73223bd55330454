"""A chip in liquid helium (issue 15, item 11): linear vs T^4 interface law, energy balance, T_c flag."""

from __future__ import annotations

import math

import numpy as np
import pytest

from kapitza.devices.cryogenic import chip_in_helium, chip_sweep, interface_flux
from kapitza.devices.sources import PowerLawResistance
from kapitza.errors import InputError

#: R_K T^3 of Cu/He-4, m^2 K^4 W^-1: an illustrative value of the order of the measured Cu/He data reviewed by
#: Pollack, Rev. Mod. Phys. 41, 48 (1969); the tests below check the solver against closed forms, not this number.
RT3 = 2e-3
CHIP = {"area": 1e-4, "thickness": 5e-4, "conductivity": 5.0, "bath_temperature": 1.5}


def rk(t0: float = 1.5) -> PowerLawResistance:
    return PowerLawResistance(RT3 / t0**3, t0, 3.0)


def test_worked_number_one_square_centimetre_10_mW():
    """1 cm^2 at 1.5 K dissipating 10 mW with R_K T^3 = 2e-3 m^2 K^4 W^-1 (closed forms, computed by hand):
    q = 100 W m^-2, R_K(1.5 K) = 2e-3 / 3.375 = 5.926e-4 m^2 K W^-1;
    linear: dT = q R = 0.05926 K;  T^4 law: T_s = (1.5^4 + 4 q R T^3)^(1/4) = 5.8625^(1/4) = 1.55605 K;
    chip: q d / kappa = 100 * 5e-4 / 5 = 0.01 K, so the boundary takes ~85 % of the rise (the seed's point)."""
    lin = chip_in_helium(0.01, resistance=rk(), law="linear", **CHIP)
    t4 = chip_in_helium(0.01, resistance=rk(), law="t4", **CHIP)
    exact = chip_in_helium(0.01, resistance=rk(), law="integral", **CHIP)
    assert lin.interface_drop == pytest.approx(100 * RT3 / 1.5**3, rel=1e-12)
    assert t4.surface_temperature == pytest.approx((1.5**4 + 4 * 100 * RT3) ** 0.25, rel=1e-12)
    assert t4.surface_temperature == pytest.approx(1.55605, abs=2e-5)
    assert exact.surface_temperature == pytest.approx(t4.surface_temperature, rel=1e-10)  # R ~ T^-3 IS the T^4 law
    assert t4.chip_drop == pytest.approx(0.01, rel=1e-9)
    assert t4.interface_drop > t4.chip_drop
    assert 0.8 < t4.interface_share < 0.9


def test_small_drop_limit_of_t4_law_is_linear():
    """Issue 15 test: for q -> 0, (T_s - T_He) of the T^4 law -> q R_K(T_He); the difference is second order,
    (T_s^4 - T^4) = 4 T^3 dT (1 + 3/2 dT/T + ...), so the ratio differs from 1 by ~ 1.5 dT / T.

    Derivation: the binomial expansion above; the T^4 law is that of Pollack, Rev. Mod. Phys. 41, 48 (1969), Sec. II,
    as kapitza.devices.cryogenic states.
    """
    for power in (1e-7, 1e-6, 1e-5):
        lin = chip_in_helium(power, resistance=rk(), law="linear", **CHIP)
        t4 = chip_in_helium(power, resistance=rk(), law="t4", **CHIP)
        ratio = t4.interface_drop / lin.interface_drop
        assert abs(1 - ratio) < 2 * 1.5 * lin.interface_drop / 1.5
    flux = interface_flux(1.5 + 1e-7, 1.5, rk(), law="t4")
    assert flux == pytest.approx(1e-7 / rk().at(1.5), rel=1e-6)


def test_t4_and_linear_diverge_at_large_power_with_t4_cooler():
    """A(T_s^4 - T^4) > 4 A T^3 (T_s - T) for T_s > T: the T^4 chip is always cooler, and the gap grows with P.

    Analytic: T^4 is convex, so its chord lies above its tangent at T_He (derivation in kapitza.devices.cryogenic's
    docstring); at 1e-4 W the drop is in the small-drop limit where the two laws agree to first order.
    """
    sweep = chip_sweep([1e-4, 1e-2, 1.0, 10.0], resistance=rk(), **CHIP)
    gap = sweep.surface_linear - sweep.surface_nonlinear
    assert np.all(gap > 0)
    assert np.all(np.diff(gap) > 0)
    assert gap[0] / (sweep.surface_linear[0] - 1.5) < 1e-3
    assert sweep.surface_linear[-1] - 1.5 > 2 * (sweep.surface_nonlinear[-1] - 1.5)


def test_energy_balance_flux_through_chip_equals_flux_into_helium():
    """The flux kappa dT/dz through the chip equals the interface law's flux at T_s, which is P / A.

    Analytic: steady one-dimensional energy balance, q = P/A = 0.5 W/1e-4 m^2 through the chip and across the
    interface.
    """
    kappa = 5.0
    res = chip_in_helium(0.5, resistance=rk(), law="integral", **CHIP)
    q_chip = kappa * float(np.gradient(res.temperature, res.z)[len(res.z) // 2])
    q_interface = interface_flux(res.surface_temperature, 1.5, rk(), law="integral")
    assert q_chip == pytest.approx(0.5 / 1e-4, rel=1e-9)
    assert q_interface == pytest.approx(0.5 / 1e-4, rel=1e-9)


@pytest.mark.parity
def test_temperature_dependent_conductivity_profile_matches_kirchhoff_transform():
    """kappa = c T (a metal's electronic conductivity) gives the closed form T_top^2 = T_s^2 + 2 q d / c."""

    class Linear:
        label = "c T"
        temperature_dependent = True

        def at(self, t: float) -> float:
            return 10.0 * t

    res = chip_in_helium(0.2, resistance=rk(), area=1e-4, thickness=5e-4, conductivity=Linear())
    q = 0.2 / 1e-4
    assert res.top_temperature == pytest.approx(math.sqrt(res.surface_temperature**2 + 2 * q * 5e-4 / 10.0), rel=1e-9)


def test_resistance_limits():
    """R -> 0: the face sits at the bath; R huge: the interface takes the whole rise.

    Analytic: the interface drop is q R, 0 for R = 0 and dominant over the chip's drop q d/kappa when R >> d/kappa.
    """
    zero = chip_in_helium(0.01, resistance=0.0, **CHIP)
    assert zero.surface_temperature == 1.5 and zero.interface_drop == 0
    big = chip_in_helium(1e-6, resistance=1e3, law="linear", **CHIP)
    assert big.interface_share > 0.999


def test_critical_temperature_flag_and_power():
    """Al (T_c = 1.2 K) cannot sit in a 1.5 K bath (refused); Nb-like T_c = 2 K: the flag switches at the
    critical power, and at that power the top face is at T_c."""
    with pytest.raises(InputError, match="critical_temperature"):
        chip_in_helium(0.01, resistance=rk(), critical_temperature=1.2, **CHIP)
    res = chip_in_helium(0.01, resistance=rk(), critical_temperature=2.0, **CHIP)
    assert not res.exceeds_critical
    pc = res.critical_power
    at = chip_in_helium(pc, resistance=rk(), critical_temperature=2.0, **CHIP)
    assert at.top_temperature == pytest.approx(2.0, rel=1e-8)
    assert chip_in_helium(1.01 * pc, resistance=rk(), critical_temperature=2.0, **CHIP).exceeds_critical
    lin = chip_in_helium(0.01, resistance=rk(), critical_temperature=2.0, law="linear", **CHIP)
    assert lin.critical_power < pc  # the linear law overheats, so it reaches T_c at a lower power


def test_model_source_amm_si_helium():
    """Any source works: the acoustic-mismatch R_K of Si/He-4 (R ~ T^-3 at these temperatures) through the
    exact integral agrees with its own T^4 law to better than 1 % for a 50 mK drop.

    Analytic: for R_K ~ T^-3 the integral law is exactly the T^4 law (derived in kapitza.devices.cryogenic's
    docstring); the 1 % allows the AMM's departure from a pure T^-3.
    """
    lin = chip_in_helium(1e-4, resistance="amm:Si/He4", law="t4", **CHIP)
    exact = chip_in_helium(1e-4, resistance="amm:Si/He4", law="integral", **CHIP)
    assert lin.resistance_label == "amm:Si/He4"
    assert exact.interface_drop == pytest.approx(lin.interface_drop, rel=1e-2)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"power": -1.0}, "power"),
        ({"power": float("nan")}, "power"),
        ({"area": 0.0}, "area"),
        ({"thickness": -1e-3}, "thickness"),
        ({"conductivity": -5.0}, "conductivity"),
        ({"resistance": -1e-3}, "R"),
        ({"bath_temperature": 0.0}, "bath_temperature"),
        ({"law": "cubic"}, "law"),
        ({"conductivity": "unobtainium"}, "unobtainium"),
    ],
)
def test_hostile_inputs(kwargs, match):
    """Every bad input is one InputError naming it."""
    args = {"power": 0.01, "resistance": rk(), **CHIP, **kwargs}
    power = args.pop("power")
    with pytest.raises(InputError, match=match):
        chip_in_helium(power, **args)


def test_sweep_refuses_bad_powers_and_result_is_frozen():
    with pytest.raises(InputError, match="powers"):
        chip_sweep([0.1, -0.1], resistance=rk(), **CHIP)
    with pytest.raises(InputError, match="at most"):
        chip_sweep(np.ones(5000), resistance=rk(), **CHIP)
    sweep = chip_sweep([0.1, 0.2], resistance=rk(), critical_temperature=2.0, **CHIP)
    assert not sweep.power.flags.writeable
    assert sweep.critical_power_nonlinear > sweep.critical_power_linear
    assert "ChipSweep(" in repr(sweep)
