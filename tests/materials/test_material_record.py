"""The Material dataclass: validation, derived properties, immutability."""

from __future__ import annotations

import dataclasses
import math

import pytest

from kapitza.errors import InputError, KapitzaError
from kapitza.materials import Material


def make(**overrides) -> Material:
    values = dict(
        name="Test",
        density=2000.0,
        v_l=6000.0,
        v_t=3000.0,
        number_density=5e28,
        debye_temperature=400.0,
        thermal_conductivity=100.0,
        sources={"density": "made up for a test"},
    )
    values.update(overrides)
    return Material(**values)


def test_derived_properties_of_a_solid():
    """Z = rho v (the acoustic impedance of the AMM, Swartz & Pohl, Rev. Mod. Phys. 61, 605 (1989)); a solid has
    L + 2T branches."""
    m = make()
    assert not m.is_fluid
    assert m.n_branches == 3
    assert m.acoustic_impedance_l == pytest.approx(2000.0 * 6000.0)
    assert m.acoustic_impedance_t == pytest.approx(2000.0 * 3000.0)


def test_a_fluid_has_one_branch():
    """Analytic: v_t = 0 leaves only the longitudinal branch, and Z_t = rho v_t = 0."""
    m = make(v_t=0.0, thermal_conductivity=None)
    assert m.is_fluid
    assert m.n_branches == 1
    assert m.acoustic_impedance_t == 0.0


def test_ints_become_floats():
    m = make(density=2000, v_l=6000)
    assert type(m.density) is float and type(m.v_l) is float


@pytest.mark.parametrize(
    ("field", "value", "fragment"),
    [
        ("density", 0.0, "> 0"),
        ("density", -1.0, "> 0"),
        ("v_l", float("nan"), "finite"),
        ("v_l", float("inf"), "finite"),
        ("number_density", 0.0, "> 0"),
        ("debye_temperature", -5.0, "> 0"),
        ("v_t", -1.0, ">= 0"),
        ("thermal_conductivity", 0.0, "> 0"),
        ("thermal_conductivity", float("nan"), "finite"),
        ("mean_atomic_mass", -1e-26, "> 0"),
        ("lattice_constant", 0.0, "> 0"),
        ("temperature", 0.0, "> 0"),
        ("density", "2000", "must be a number"),
        ("density", True, "must be a number"),
    ],
)
def test_bad_values_name_material_field_value_and_rule(field, value, fragment):
    with pytest.raises(InputError) as info:
        make(**{field: value})
    message = str(info.value)
    assert "'Test'" in message
    assert field in message
    assert repr(value) in message
    assert fragment in message


def test_transverse_speed_bounded_by_positive_bulk_modulus():
    """K = rho (v_l^2 - 4 v_t^2 / 3) > 0 requires v_t < v_l sqrt(3)/2.

    Derivation: K = rho (v_l^2 - 4 v_t^2/3) > 0 gives v_t < v_l sqrt(3)/2.
    """
    limit = 6000.0 * math.sqrt(3) / 2
    make(v_t=limit * 0.999)
    with pytest.raises(InputError, match="sqrt\\(3\\)/2"):
        make(v_t=limit)
    with pytest.raises(InputError, match="v_t"):
        make(v_t=7000.0)


def test_input_error_is_a_value_error():
    with pytest.raises(ValueError):
        make(density=-1.0)
    with pytest.raises(KapitzaError):
        make(density=-1.0)


def test_empty_name_rejected():
    with pytest.raises(InputError, match="name"):
        make(name="  ")


def test_aliases_must_be_strings():
    with pytest.raises(InputError, match="aliases"):
        make(aliases="silicon")
    assert make(aliases=["a", "b"]).aliases == ("a", "b")


def test_elastic_constants_need_a_symmetry_and_must_fit_it():
    with pytest.raises(InputError, match="elastic_symmetry"):
        make(elastic_constants={"C11": 1e11, "C12": 5e10, "C44": 3e10})
    with pytest.raises(InputError, match="elastic_constants"):
        make(elastic_constants={"C11": 1e11, "C44": 3e10}, elastic_symmetry="cubic")
    with pytest.raises(InputError, match="elastic_symmetry"):
        make(elastic_symmetry="cubic")


def test_frozen_hashable_and_sources_ignored_in_comparison():
    a = make(sources={"density": "one citation"})
    b = make(sources={"density": "another citation"})
    assert a == b
    assert hash(a) == hash(b)
    assert len({a, b, make(density=2100.0)}) == 2
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.density = 1.0


def test_mappings_are_read_only_copies():
    sources = {"density": "x"}
    constants = {"C11": 1e11, "C12": 5e10, "C44": 3e10}
    m = make(sources=sources, elastic_constants=constants, elastic_symmetry="cubic")
    sources["v_l"] = "added later"
    constants["C11"] = 0.0
    assert "v_l" not in m.sources
    assert m.elastic_constants["C11"] == 1e11
    with pytest.raises(TypeError):
        m.sources["v_l"] = "y"
    with pytest.raises(TypeError):
        m.elastic_constants["C11"] = 2e11
