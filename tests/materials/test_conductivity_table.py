"""kappa(T) tables (kapitza.materials.conductivity, data/conductivity.toml): data, interpolation, physics.

Reference values, each from the table's named source:
* Si 148 W/m/K at 300 K and 884 at 100 K: C. J. Glassbrenner and G. A. Slack, Phys. Rev. 134, A1058 (1964)
  as adopted in the recommended values of C. Y. Ho, R. W. Powell and P. E. Liley, J. Phys. Chem. Ref. Data
  1, 279 (1972) (CRC Handbook: 1.48 and 8.84 W/cm/K).
* Cu 401 W/m/K at 300 K and its low-T peak 24900 at 9 K, Ho, Powell and Liley (1972), well-annealed Cu.
"""

from __future__ import annotations

import tomllib
from importlib import resources

import numpy as np
import pytest

from kapitza.errors import InputError
from kapitza.materials import get_material
from kapitza.materials.conductivity import (
    ConductivityTable,
    conductivity_or_nan,
    conductivity_table,
    thermal_conductivity,
    uses_conductivity_table,
)
from kapitza.materials.database import list_materials

NONMETALS = ["Si", "Ge", "C", "GaN", "AlN", "4H-SiC", "Al2O3", "SiO2"]
#: How the notes of a record made by scripts/make_element_records.py or make_compound_records.py begin.
ELEMENT_RECORDS = ("Made by scripts/make_element_records.py", "Made by scripts/make_compound_records.py")
SOLIDS = NONMETALS + ["Al", "Cu", "Au", "Ag", "Pt", "Pb", "Ti", "Cr", "Bi"]
METALS = ["Al", "Cu", "Au", "Ag", "Pt", "Pb", "Cr"]  # the tables from Ho et al. reaching the melting point
#: Tables that may differ from the record's 300 K value by more than 15 %, and why.
INCONSISTENT_AT_300K = {
    "Al2O3": "table: Touloukian's sapphire, 46 W/m/K at 300 K (recalled); record: Cahill et al.'s 35 W/m/K "
    "(sapphire is anisotropic and 300 K values of 33-46 W/m/K are reported)",
}


def _raw() -> dict:
    text = resources.files("kapitza.materials").joinpath("data/conductivity.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def test_file_parses_and_every_solid_has_a_table():
    """Every solid has a kappa(T) table but the records of elemental metals made from pymatgen's element data and of
    the compounds made from sourced tables (issue 84, scripts/make_element_records.py, make_compound_records.py),
    which hold one room-temperature value (or none), used at every T like a user's file's (no kappa(T) source
    kapitza reads has them)."""
    raw = _raw()
    made = {m.name for m in list_materials() if m.notes.startswith(ELEMENT_RECORDS)}
    names = [m.name for m in list_materials() if m.thermal_conductivity is not None and m.name not in made]
    assert sorted(names) == sorted(SOLIDS)
    assert {"W", "Ni", "Sn", "GaAs", "MgO"} <= made
    for name in (n for n in made if get_material(n).thermal_conductivity is not None):
        assert not uses_conductivity_table(name)
        m = get_material(name)
        np.testing.assert_array_equal(thermal_conductivity(name, [100.0, 300.0]), [m.thermal_conductivity] * 2)
    assert set(raw) == set(SOLIDS)
    for name in SOLIDS:
        table = conductivity_table(name)
        assert isinstance(table, ConductivityTable)
        assert table.source and table.sample, name
        assert np.all(np.diff(table.temperature) > 0), name
        assert np.all(table.conductivity > 0), name
        assert uses_conductivity_table(name)


def test_helium_has_no_table_and_no_conductivity():
    assert not uses_conductivity_table("He4")
    with pytest.raises(InputError, match="no thermal conductivity"):
        thermal_conductivity("He4", 1.0)
    with pytest.raises(InputError, match="no thermal conductivity"):
        conductivity_or_nan("He4", 1.0)


@pytest.mark.parametrize("name", SOLIDS)
def test_table_agrees_with_the_300_K_record(name):
    """Each table at 300 K within 15 % of materials.toml's thermal_conductivity (sources in the two files)."""
    table = conductivity_table(name)
    if not table.range[0] <= 300.0 <= table.range[1]:
        pytest.fail(f"{name} table does not reach 300 K")
    if name in INCONSISTENT_AT_300K:
        pytest.skip(INCONSISTENT_AT_300K[name])
    assert table(300.0) == pytest.approx(get_material(name).thermal_conductivity, rel=0.15)


@pytest.mark.parametrize("name", SOLIDS)
def test_interpolation_reproduces_the_points_and_stays_between_neighbours(name):
    """Analytic: log-log linear interpolation passes through the points and is monotonic between neighbours."""
    table = conductivity_table(name)
    np.testing.assert_allclose(table(table.temperature), table.conductivity, rtol=1e-12)
    mid = np.sqrt(table.temperature[:-1] * table.temperature[1:])
    k = table(mid)
    low = np.minimum(table.conductivity[:-1], table.conductivity[1:])
    high = np.maximum(table.conductivity[:-1], table.conductivity[1:])
    assert np.all(k >= low * (1 - 1e-12)) and np.all(k <= high * (1 + 1e-12))


def test_power_law_is_exact_between_points():
    """Log-log interpolation: kappa = A T^-n through the points is reproduced exactly in between.

    Analytic: log kappa is linear in log T for kappa = A T^-n, so the interpolation is exact.
    """
    t = np.array([100.0, 200.0, 400.0, 1000.0])
    table = ConductivityTable(material="X", temperature=t, conductivity=3e4 * t**-1.3, source="test")
    for x in (123.0, 250.0, 777.0):
        assert table(x) == pytest.approx(3e4 * x**-1.3, rel=1e-12)


def test_outside_the_range_is_an_input_error_naming_it():
    with pytest.raises(InputError, match=r"1-1685 K only, asked for 0.5 K"):
        thermal_conductivity("Si", 0.5)
    with pytest.raises(InputError, match=r"200-1000 K only, asked for 2000 K"):
        thermal_conductivity("C", [300.0, 2000.0])
    with pytest.raises(InputError, match="finite"):
        thermal_conductivity("Si", float("nan"))


def test_nan_outside_the_range_for_kapitza_lengths():
    k = conductivity_or_nan("Si", [0.5, 300.0, 2000.0])
    assert np.isnan(k[0]) and np.isnan(k[2]) and k[1] == pytest.approx(148.0)
    assert conductivity_or_nan("Si", 300.0).shape == ()


def test_reference_values_of_the_sources():
    """Si 148 (300 K) and 884 (100 K), Cu 401 (300 K) and 24900 (9 K), Ge 59.9 (300 K): Ho et al. (1972)."""
    assert thermal_conductivity("Si", 300.0) == pytest.approx(148.0)
    assert thermal_conductivity("Si", 100.0) == pytest.approx(884.0)
    assert thermal_conductivity("Cu", 300.0) == pytest.approx(401.0)
    assert thermal_conductivity("Cu", 9.0) == pytest.approx(24900.0)
    assert thermal_conductivity("Ge", 300.0) == pytest.approx(59.9)


@pytest.mark.parametrize("name, t_max", [("Si", (15.0, 40.0)), ("Ge", (10.0, 25.0))])
def test_dielectric_crystals_peak_at_tens_of_kelvin_and_fall_above(name, t_max):
    """Phonon conductivity of a pure crystal: boundary-limited rise, peak at ~Theta_D/20-30, Umklapp fall
    (Glassbrenner & Slack 1964, Fig. 1: Si peaks near 25 K, Ge near 15 K).  Up to 1000 K: near its melting
    point Ge's kappa rises again (17.0 -> 17.4 W/m/K, 1100 -> 1200 K, Ho et al.: carriers excited across the gap)."""
    table = conductivity_table(name)
    peak = table.temperature[np.argmax(table.conductivity)]
    assert t_max[0] <= peak <= t_max[1]
    above = (table.temperature >= peak) & (table.temperature <= 1000.0)
    assert np.all(np.diff(table.conductivity[above]) <= 0)


@pytest.mark.parametrize("name", ["C", "Al2O3", "GaN", "AlN", "4H-SiC"])
def test_other_crystals_fall_with_temperature_in_their_range(name):
    """Above ~100 K kappa of a dielectric crystal falls with T (Umklapp); their tables start above the peak."""
    table = conductivity_table(name)
    assert np.all(np.diff(table.conductivity) < 0)


def test_fused_silica_rises_monotonically():
    """A glass: kappa rises with T over the whole range (Cahill & Pohl, Phys. Rev. B 35, 4067 (1987))."""
    table = conductivity_table("SiO2")
    assert np.all(np.diff(table.conductivity) > 0)


@pytest.mark.parametrize("name", METALS)
def test_metals_peak_at_low_T_and_flatten_at_high_T(name):
    """Pure metals (Ho et al. 1972): an impurity/phonon peak below ~40 K, then a near plateau where the
    Wiedemann-Franz kappa = L0 T / rho(T) with rho ~ T changes little: between 300 K and 600 K kappa changes
    by less than 15 % (Pb: melts at 600 K)."""
    table = conductivity_table(name)
    assert table.temperature[np.argmax(table.conductivity)] < 40.0
    assert table.conductivity.max() > 2 * table(300.0)
    assert table(600.0) == pytest.approx(table(300.0), rel=0.15)


def test_user_material_keeps_its_single_conductivity():
    si = get_material("Si")
    from dataclasses import replace

    mine = replace(si, name="MySi", origin="file mine.toml")
    assert not uses_conductivity_table(mine)
    np.testing.assert_array_equal(conductivity_or_nan(mine, [1.0, 300.0]), [148.0, 148.0])
