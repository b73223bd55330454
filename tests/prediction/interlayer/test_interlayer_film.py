"""A layer's own conductivity across its thickness (kapitza.prediction.interlayer.film): the laws of the amorphous
limit, the Debye heat capacity and the boundary-scattering interpolation, against their analytic limits."""

from __future__ import annotations

import math

import numpy as np
import pytest

from kapitza.errors import InputError
from kapitza.materials import get_material
from kapitza.materials.conductivity import thermal_conductivity
from kapitza.prediction.interlayer import film as F
from kapitza.prediction.interlayer.layers import MIN_THICKNESS_M
from kapitza.units import KB


def test_the_amorphous_limit_saturates_at_its_analytic_high_temperature_value():
    """Cahill, Watson & Pohl, Phys. Rev. B 46, 6131 (1992), Eq. (5): for T >> Theta_i each branch's integral tends to
    (Theta_i/T)^2 / 2, so kappa_min -> (pi/6)^(1/3) k_B n^(2/3) (v_L + 2 v_T) / 2 (analytic)."""
    m = get_material("SiO2")
    limit = (math.pi / 6) ** (1 / 3) * KB * m.number_density ** (2 / 3) * (m.v_l + 2 * m.v_t) / 2
    assert F.amorphous_limit("SiO2", [1e5])[0] == pytest.approx(limit, rel=1e-4)


def test_the_amorphous_limit_goes_as_t_squared_at_low_temperature():
    """At T << Theta_i the integral tends to 4 pi^4 / 15, so kappa_min ~ T^2 (analytic): doubling T quadruples it."""
    k = F.amorphous_limit("SiO2", [0.5, 1.0])
    assert k[1] / k[0] == pytest.approx(4.0, rel=1e-3)


def test_the_debye_heat_capacity_reaches_dulong_petit():
    """9 n k_B (T/Theta)^3 int_0^{Theta/T} x^4 e^x/(e^x-1)^2 dx -> 3 n k_B at T >> Theta (Dulong-Petit, analytic),
    and 12 pi^4/5 n k_B (T/Theta)^3 at T << Theta (Debye's T^3 law, analytic)."""
    m = get_material("Si")
    c = F.debye_heat_capacity("Si", [1e5, 1.0])
    assert c[0] == pytest.approx(3 * m.number_density * KB, rel=1e-4)
    assert c[1] == pytest.approx(12 * math.pi**4 / 5 * m.number_density * KB / m.debye_temperature**3, rel=1e-6)


def test_a_crystal_film_tends_to_its_bulk_when_thick_and_to_the_ballistic_limit_when_thin():
    """kappa_film = kappa / (1 + 4 Lambda / 3 d) (Majumdar, J. Heat Transfer 115, 7 (1993)): the bulk kappa for
    d >> Lambda, and 3 kappa d / (4 Lambda) for d << Lambda (analytic limits); Lambda = 3 kappa / (C v)."""
    t = [300.0]
    bulk = float(thermal_conductivity("Si", 300.0))
    mfp, carriers = F.gray_mean_free_path("Si", t)
    assert carriers == "phonons" and 1e-9 < mfp[0] < 1e-6
    assert F.film_conductivity("Si", 1e-3, t).kappa[0] == pytest.approx(bulk, rel=1e-3)
    thin = MIN_THICKNESS_M  # the thinnest film taken, ~1e-3 of Lambda: the limit to within the next order
    limit, next_order = 0.75 * bulk * thin / mfp[0], 0.75 * thin / mfp[0]
    assert F.film_conductivity("Si", thin, t).kappa[0] == pytest.approx(limit, rel=1.5 * next_order)


def test_the_gray_mean_free_path_is_kinetic_theory_by_hand():
    """Lambda = 3 kappa / (C v_D), 3/v_D^3 = 1/v_L^3 + 2/v_T^3 (computed in the test from the record)."""
    m = get_material("Ge")
    kappa = float(thermal_conductivity("Ge", 300.0))
    v = (3 / (1 / m.v_l**3 + 2 / m.v_t**3)) ** (1 / 3)
    c = F.debye_heat_capacity("Ge", [300.0])[0]
    assert F.gray_mean_free_path("Ge", [300.0])[0][0] == pytest.approx(3 * kappa / (c * v), rel=1e-12)


def test_an_amorphous_film_does_not_depend_on_its_thickness():
    a, b = (F.film_conductivity("SiO2", d, [300.0], "amorphous").kappa[0] for d in (1e-9, 1e-6))
    assert a == b == F.amorphous_limit("SiO2", [300.0])[0]


@pytest.mark.parametrize("thickness", [0.0, -1e-9, math.nan, math.inf, True, "2nm", 10**400, 1e-300, 5e-324, 2.0])
def test_bad_thicknesses_are_refused(thickness):
    """Not a length, not finite (10**400 included: an integer beyond a float), not > 0, thinner than an atomic plane
    or thicker than an interlayer: one InputError (round eight's OverflowError and 1e-300 m)."""
    with pytest.raises(InputError, match=r"^the thickness of a film (must be|\(.* m\) is (less|more) than)"):
        F.film_conductivity("Si", thickness, [300.0])


def test_a_fluid_has_no_amorphous_limit_and_a_monolayer_no_film():
    with pytest.raises(InputError, match="no amorphous-solid limit"):
        F.amorphous_limit("He4", [1.0])
    with pytest.raises(InputError, match="form must be crystal or amorphous"):
        F.film_conductivity("Si", 1e-9, [300.0], "monolayer")
    assert np.isnan(F.film_conductivity("Ti", 2e-9, [50.0]).kappa[0])  # below Ti's kappa(T) table: NaN, said
