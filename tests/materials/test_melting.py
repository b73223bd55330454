"""Melting points of crystals without a database record (kapitza.materials.melting)."""

from __future__ import annotations

import tomllib
from importlib import resources

import pytest

from kapitza.materials import list_materials
from kapitza.materials.melting import _symbols, melting_point, reduced_composition


def _entries() -> dict:
    text = resources.files("kapitza.materials").joinpath("data", "melting.toml").read_text()
    return tomllib.loads(text)["melting"]


def test_the_table_agrees_with_the_databases_own_crc_values():
    """Both copy the CRC Handbook through the chemicals package (materials.toml names it in each source): every
    database material with such a source and an entry here has the same value, to the digits stored."""
    compared = 0
    for m in list_materials():
        source = m.sources.get("melting_temperature", "")
        if m.melting_temperature is None or "CRC_INORG" not in source or not m.formula:
            continue
        found = melting_point(_symbols(m.formula))
        if found is None:
            continue
        assert found.kelvin == pytest.approx(m.melting_temperature, rel=1e-5), m.name
        compared += 1
    assert compared >= 10


def test_every_entry_is_a_crc_value_inside_the_bound_of_a_melting_point():
    entries = _entries()
    assert len(entries) > 90
    for formula, entry in entries.items():
        assert entry["method"] == "CRC_INORG", formula
        assert 1.0 <= entry["kelvin"] <= 5000.0, formula  # materials.material.BOUNDS of melting_temperature


@pytest.mark.parametrize(
    ("symbols", "kelvin"),
    [
        (["Xe"] * 4, 161.4),  # CRC Handbook via chemicals 1.5.2, CAS 7440-63-3
        (["P", "In", "In", "P"], 1335.15),  # InP, any order and any cell: CAS 22398-80-7
        (["O", "Al", "O", "O", "Al"] * 6, 2327.15),  # Al2O3 (corundum's 30-atom cell), CAS 1344-28-1
        (["Ga"] * 8, 302.915),  # CAS 7440-55-3
    ],
)
def test_a_crystal_is_found_by_its_reduced_composition(symbols, kelvin):
    found = melting_point(symbols)
    assert found is not None and found.kelvin == pytest.approx(kelvin, rel=1e-5)
    assert found.source.startswith("CRC Handbook") and "CAS " in found.source


def test_a_composition_the_table_lacks_has_none():
    assert melting_point(["Cu", "Cu", "Cu", "Au"]) is None  # an ordered alloy: no entry
    assert melting_point(["Si", "O", "O"]) is None  # silica: no CRC value in the package (left out, not guessed)
    assert melting_point([]) is None


def test_reduced_composition():
    assert reduced_composition(["Al"] * 4 + ["O"] * 6) == {"Al": 2, "O": 3}
    assert reduced_composition(["Si"] * 8) == {"Si": 1}
    assert reduced_composition([]) == {}
