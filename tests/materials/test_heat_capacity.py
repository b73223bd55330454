"""Volumetric heat capacity of the database materials (issue 14, item 5): present, sourced, physical.

The physics checks compare the stored C = density * c_p with the Dulong-Petit value 3 n k_B and with the
Debye C_v(T, theta_D) (Kittel, Introduction to Solid State Physics, 8th ed., Ch. 5, Eq. 35), computed here
with scipy from the stored number_density and debye_temperature.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from scipy import integrate

from kapitza.errors import InputError
from kapitza.io.results import to_jsonable
from kapitza.materials import Material, get_material, list_materials, load_materials
from kapitza.units import KB

MATERIALS = list_materials()
SOLIDS = [m for m in MATERIALS if not m.is_fluid]
MONATOMIC = {"Si", "Ge", "C", "Al", "Cu", "Au", "Ag", "Pt", "Pb", "Ti", "Cr", "Bi"}
#: Crystals with more than one species: acoustic and optical branches are not one Debye spectrum.
POLYATOMIC_CRYSTALS = {"GaN", "AlN", "4H-SiC", "Al2O3", "InP", "ZnO", "Y2O3", "beta-Ga2O3"}


def ids(m: Material) -> str:
    return m.name


def dulong_petit(m: Material) -> float:
    """3 n k_B, J m^-3 K^-1: the classical heat capacity of 3 harmonic modes per atom."""
    return 3.0 * m.number_density * KB


def debye_fraction(temperature: float, theta: float) -> float:
    """Debye C_v / (3 n k_B) = 3 (T/theta)^3 int_0^{theta/T} x^4 e^x / (e^x - 1)^2 dx (Kittel Ch. 5, Eq. 35)."""
    x_max = theta / temperature

    def integrand(x: float) -> float:
        return x**4 * math.exp(-x) / (-math.expm1(-x)) ** 2 if x > 0 else 0.0

    value, _ = integrate.quad(integrand, 0.0, x_max)
    return 3.0 * value / x_max**3


def test_debye_function_reference_values():
    """The Debye integral here reproduces its analytic limits: 1 for T >> theta, (4 pi^4 / 5)(T/theta)^3 for
    T << theta (Debye 1912; Kittel, Introduction to Solid State Physics, 8th ed., Ch. 5)."""
    assert debye_fraction(1e4, 1.0) == pytest.approx(1.0, abs=1e-6)
    assert debye_fraction(1.0, 100.0) == pytest.approx(4 * math.pi**4 / 5 / 100**3, rel=1e-6)
    # tabulated: C_v / 3 N k = 0.8250 at theta / T = 2 (e.g. Landolt-Boernstein Debye-function tables)
    assert debye_fraction(1.0, 2.0) == pytest.approx(0.8250, abs=5e-4)


@pytest.mark.parametrize("m", MATERIALS, ids=ids)
def test_every_material_has_a_sourced_heat_capacity(m):
    """Every shipped material (He-4 included, at its 1.5 K) has C and a source stating c_p with its unit."""
    assert m.heat_capacity is not None and m.heat_capacity > 0
    source = m.sources["heat_capacity"]
    assert "J g^-1 K^-1" in source and "density" in source


@pytest.mark.parametrize("m", [m for m in MATERIALS if not m.is_fluid], ids=ids)
def test_source_states_the_product_that_was_stored(m):
    """The source's "rho kg m^-3 x c_p J kg^-1 K^-1" multiplies out to the stored value (4 significant figures)."""
    source = m.sources["heat_capacity"]
    head = source.rsplit(": ", 1)[1]
    rho = float(head.split(" kg m^-3 x ")[0])
    c_p = float(head.split(" kg m^-3 x ")[1].split(" J kg^-1 K^-1")[0])
    assert rho == m.density
    assert rho * c_p == pytest.approx(m.heat_capacity, rel=6e-4)


@pytest.mark.parametrize("m", SOLIDS, ids=ids)
def test_no_solid_exceeds_dulong_petit_by_more_than_ten_percent(m):
    """C <= 1.1 x 3 n k_B at 300 K: c_p - c_v (alpha^2 B V T, 1-5 %) and the electronic gamma T (<= 4 %, Ti)
    are the only additions to the classical lattice value.

    The bound is the classical (analytic) lattice value 3 n kB, the high-temperature limit of the Debye model (Kittel,
    Introduction to Solid State Physics, 8th ed., Ch. 5, as kapitza.materials.debye_temperature cites).
    """
    assert m.temperature == 300.0
    assert m.heat_capacity <= 1.1 * dulong_petit(m)


@pytest.mark.parametrize("m", [m for m in SOLIDS if m.name in MONATOMIC and m.debye_temperature <= 450.0], ids=ids)
def test_elements_with_low_debye_temperature_obey_dulong_petit(m):
    """Dulong-Petit law: for elements with theta_D <= 450 K (Pb, Bi, Au, Ag, Pt, Cu, Ge, Ti, Al) C / 3 n k_B is 1
    within 10 %.  At T / theta_D >= 2/3 the Debye C_v is >= 0.90 of it; c_p exceeds c_v by a few per cent
    (c_p - c_v = alpha^2 B V T: Pb about 5 %), which is why Pb and Pt sit slightly above 1.

    Derivation: the Debye C_v at T/theta_D = 2/3 is 0.896 of 3 n kB (debye_fraction, computed in this file); Kittel,
    Introduction to Solid State Physics, 8th ed., Ch. 5.
    """
    ratio = m.heat_capacity / dulong_petit(m)
    assert 0.90 <= ratio <= 1.10, f"{m.name}: C / 3 n k_B = {ratio:.3f}"


@pytest.mark.parametrize("m", [m for m in SOLIDS if m.name not in ("SiO2", "graphite")], ids=ids)
def test_crystals_agree_with_the_debye_model(m):
    """The stored C lies between 3 n k_B D(theta_hi / T) and 1.12 x 3 n k_B D(0.8 theta_D / T).

    Tolerances, and why:
    - theta_D is the calorimetric T -> 0 value (Kittel) or the elastic one; the theta that fits C at 300 K
      differs from it by up to ~20 % in real solids (Kittel Ch. 5; diamond: theta(300 K) ~ 1860 K vs 2230 K),
      and where theta/T is large (diamond x = 7.4) C_v is exponentially sensitive to theta, so the band is
      set on theta (0.8 .. 1.2 theta_D), not on C.
    - upper factor 1.12: c_p - c_v (1-5 %), the electronic gamma T (Ti 4 %, Cr 2 %), anharmonicity (a few %);
      1.15 for ferromagnetic Ni, whose stored c_p (CRC, 26.1 J mol^-1 K^-1) is 1.047 x 3R at 298 K already.
    - polyatomic crystals with a light atom (GaN, AlN, 4H-SiC, Al2O3; of issue 84's compounds InP, ZnO, Y2O3 and
      beta-Ga2O3, whose stored c_p lies 2-9 % below the Debye value of 1.2 theta_D; ZnO's, CRC's 40.3
      J mol^-1 K^-1, lies below even 1.5 theta_D's, so its bound uses 1.6 theta_D): the optical branches of the
      light atom lie far above the
      acoustic theta_D (GaN: LO phonon ~ 91 meV ~ 1060 K vs theta_D = 600 K), so one Debye spectrum
      overestimates C; their lower bound uses 1.5 theta_D.  (Fused silica, a glass with an elastic theta_D,
      is tested separately.)

    The bounds are computed in the test from the Debye heat capacity (an analytic integral evaluated in
    debye_fraction).
    """
    theta, temperature = m.debye_temperature, m.temperature
    theta_hi = (1.6 if m.name == "ZnO" else 1.5 if m.name in POLYATOMIC_CRYSTALS else 1.2) * theta
    low = dulong_petit(m) * debye_fraction(temperature, theta_hi)
    high = (1.15 if m.name == "Ni" else 1.12) * dulong_petit(m) * debye_fraction(temperature, 0.8 * theta)
    assert low <= m.heat_capacity <= high, f"{m.name}: {m.heat_capacity:.4g} not in [{low:.4g}, {high:.4g}]"


def test_graphite_lies_far_below_the_debye_value_of_its_cross_plane_speeds():
    """Graphite's record holds its c-axis long waves (issue 84): the Debye heat capacity of those speeds at 300 K is
    near 3 n k_B, while the measured one (CRC, 8.5 J mol^-1 K^-1, 0.34 of 3R) stays far below it, the stiff in-plane
    modes being frozen; the record's notes say the Debye picture holds for the cross-plane long waves only."""
    m = next(m for m in SOLIDS if m.name == "graphite")
    debye = dulong_petit(m) * debye_fraction(m.temperature, m.debye_temperature)
    assert debye > 0.9 * dulong_petit(m)
    assert m.heat_capacity < 0.4 * debye
    assert "cross-plane long waves only" in m.notes


def test_fused_silica_lies_below_the_debye_value_of_its_elastic_theta():
    """SiO2 glass: its theta_D (499 K) is the elastic one, describing acoustic modes only; the Si-O stretching
    modes near 1100 cm^-1 (~1600 K) are frozen at 300 K, so C (1.63 MJ m^-3 K^-1, c_p 0.739 J/g/K) lies well below
    the Debye C_v(300 K, 499 K) yet above half of it.

    The Debye value is computed in the test (debye_fraction, analytic Debye integral); the bounds 0.5 and 0.8 follow
    the frozen-mode argument above.
    """
    m = get_material("SiO2")
    debye = dulong_petit(m) * debye_fraction(m.temperature, m.debye_temperature)
    assert 0.5 * debye < m.heat_capacity < 0.8 * debye


def test_helium_value_is_for_the_liquid_at_its_stated_temperature():
    """He II at 1.5 K: c = 1.10 J/g/K from T dS/dT of the Donnelly-Barenghi (1998) entropy table; far below the
    Dulong-Petit 3 n k_B (only phonons and rotons are excited) and well above the phonon-only Debye T^3 term."""
    he = get_material("He4")
    assert he.temperature == 1.5 and "1.5 K" in he.sources["heat_capacity"]
    assert he.heat_capacity == pytest.approx(145.0 * 1103.0, rel=0.01)
    phonons = (2 * math.pi**2 / 15) * KB * (KB * he.temperature / (1.054571817e-34 * he.v_l)) ** 3
    assert 5 * phonons < he.heat_capacity < 0.3 * dulong_petit(he)


def test_in_json_and_as_a_plain_float():
    """heat_capacity is a plain float and travels with the material into JSON (to_jsonable, used by results)."""
    si = get_material("Si")
    assert type(si.heat_capacity) is float and si.heat_capacity == 1.642e6
    document = json.loads(json.dumps(to_jsonable(si)))
    assert document["heat_capacity"] == 1.642e6


GOOD = """
[materials.Foo]
density = 2000.0
v_l = 6000.0
v_t = 3000.0
number_density = 5e28
debye_temperature = 400.0
"""


def test_user_file_may_give_it(tmp_path):
    path = tmp_path / "foo.toml"
    path.write_text(GOOD + "heat_capacity = 1.5e6\n[materials.Foo.sources]\nheat_capacity = 'my DSC'\n")
    foo = get_material(str(path))
    assert foo.heat_capacity == 1.5e6 and foo.sources["heat_capacity"] == "my DSC"
    path.write_text(GOOD)
    assert get_material(str(path)).heat_capacity is None


@pytest.mark.parametrize(
    ("value", "fragments"),
    [
        ("-1.6e6", ["heat_capacity = -1600000.0", "> 0 J m^-3 K^-1"]),
        ("0.0", ["heat_capacity = 0.0", "> 0 J m^-3 K^-1"]),
        ("'1.6e6'", ["heat_capacity", "expected a number"]),
        ("1e9", ["heat_capacity", "1e+08 J m^-3 K^-1"]),
        ("700.0", ["heat_capacity = 700.0", "J kg^-1 K^-1", "multiplied by the density"]),
        ("5e7", ["heat_capacity", "Dulong-Petit"]),
    ],
)
def test_bad_heat_capacity_in_a_user_file_is_one_input_error_line(tmp_path, value, fragments):
    """Negative, zero, text, out of range, a per-kg specific heat (700 J/kg/K for 'volumetric'), or 24 x 3 n k_B."""
    path = tmp_path / "foo.toml"
    path.write_text(GOOD + f"heat_capacity = {value}\n")
    with pytest.raises(InputError) as info:
        load_materials(path)
    message = str(info.value)
    assert "\n" not in message and "'Foo'" in message and str(path) in message
    for fragment in fragments:
        assert fragment in message, message


def test_per_kg_check_is_off_far_below_the_debye_temperature():
    """Below theta_D / 10 a small C is physical (Debye T^3): 50 J m^-3 K^-1 at 2 K is accepted, at 300 K not."""
    values = dict(name="cold", density=2329.0, v_l=8949.0, v_t=5344.0, number_density=4.994e28)
    cold = Material(**values, debye_temperature=645.0, temperature=2.0, heat_capacity=np.float64(50.0))
    assert cold.heat_capacity == 50.0 and type(cold.heat_capacity) is float
    with pytest.raises(InputError, match="J kg\\^-1 K\\^-1"):
        Material(**values, debye_temperature=645.0, temperature=300.0, heat_capacity=700.0)


def test_alternative_may_carry_a_heat_capacity():
    """GaN keeps the older handbook value (Barin, 0.49 J/g/K) beside the stored Leitner et al. (2003) one."""
    gan = get_material("GaN")
    (barin,) = [a for a in gan.alternatives if a.label == "barin"]
    assert barin.values["heat_capacity"] == pytest.approx(6090 * 487, rel=1e-3)
    assert gan.heat_capacity < barin.values["heat_capacity"]


def test_show_prints_it_with_unit_and_source(cli, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")  # the source on one line of the sources table
    status, out, _ = cli("materials", "show", "Cu", "--explain")
    assert status == 0
    assert "C (volumetric)" in out and "3.45" in out and "MJ m" in out and "Heat Capacity" in out
    status, out, _ = cli("materials", "show", "GaN", "--explain")
    assert status == 0 and "barin" in out
