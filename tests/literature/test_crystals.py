"""The crystal-structure table of the compilation's materials (kapitza/literature/data/crystals.toml).

Here without ASE: every name the compilation uses has a table, the tables parse into frozen descriptions or
reasons, and a malformed table is refused with one line.  The built crystals (composition, symmetry,
density against measured densities) are tested in tests/atomistic/test_prototypes.py.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from kapitza.errors import InputError
from kapitza.literature import shipped_measurements
from kapitza.literature.crystals import CrystalDescription, LeftOut, _parse, crystal_for, crystal_names


def test_every_material_of_the_bare_rows_has_a_table():
    m = shipped_measurements()
    bare = ~np.asarray(m.interlayer)
    names = {n for i in np.nonzero(bare)[0] for n in (m.film[i], m.substrate[i])} - {""}
    assert len(names) >= 45
    missing = sorted(names - set(crystal_names()))
    assert not missing, missing


def test_the_tables_are_structures_aliases_or_reasons():
    built = [n for n in crystal_names() if isinstance(crystal_for(n), CrystalDescription)]
    left = [n for n in crystal_names() if isinstance(crystal_for(n), LeftOut)]
    assert len(built) >= 35 and len(left) >= 10
    for name in built:
        d = crystal_for(name)
        assert d.name == name and d.source.strip() and d.conditions.strip()
        assert 1 <= d.spacegroup <= 230 and len(d.cellpar) == 6 and all(x > 0 for x in d.cellpar)
        with pytest.raises(dataclasses.FrozenInstanceError):
            d.spacegroup = 1  # type: ignore[misc]
    for name in left:
        assert len(crystal_for(name).reason) > 20


def test_aliases_resolve_to_their_crystal():
    assert crystal_for("GaAS").cellpar == crystal_for("GaAs").cellpar and crystal_for("GaAS").name == "GaAS"
    assert crystal_for("SI").positions == crystal_for("Si").positions
    assert crystal_for("graphite").spacegroup == crystal_for("g-C").spacegroup == 194


def test_amorphous_and_two_dimensional_materials_are_left_out_with_the_reason():
    assert "amorphous" in crystal_for("a-SiO2").reason
    assert "graphene" in crystal_for("gp-C").reason
    assert "x varies by row" in crystal_for("AuxCu1-x").reason
    with pytest.raises(InputError, match="no crystal recorded for 'unobtainium'"):
        crystal_for("unobtainium")


def test_free_parameters_and_filled_cell_parameters():
    al2o3 = crystal_for("Al2O3")
    assert al2o3.cellpar == (4.757, 4.757, 12.9877, 90.0, 90.0, 120.0)
    assert [p.xyz for p in al2o3.positions] == [(0.0, 0.0, 0.14782), (0.30625, 0.0, 0.25)]
    assert crystal_for("TiO2").positions[1].xyz == (0.3051, 0.3051, 0.0)
    assert crystal_for("Sn").cellpar == (5.8197, 5.8197, 3.17488, 90.0, 90.0, 90.0)
    assert crystal_for("Si").cellpar == (5.431, 5.431, 5.431, 90.0, 90.0, 90.0)
    assert math.isnan(crystal_for("Mo").density_kg_m3) and crystal_for("Mo").density_source == ""


GOOD = """
[crystals.X]
prototype = "rocksalt"
spacegroup = 225
a = 4.2
positions = [
    { element = "Mg", wyckoff = "4a", xyz = [0.0, 0.0, 0.0] },
    { element = "O", wyckoff = "4b", xyz = [0.5, 0.5, 0.5] },
]
formula = "MgO"
conditions = "room temperature"
source = "a page"

[crystals.Y]
same_as = "X"

[crystals.Z]
left_out = "amorphous"
"""


def test_a_well_formed_file_parses():
    parsed = _parse(GOOD)
    assert parsed["Y"].cellpar == parsed["X"].cellpar and parsed["Y"].name == "Y"
    assert parsed["Z"] == LeftOut("Z", "amorphous")


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("a = 4.2", "a = 4.2\nc = 5.0", "a cubic space group takes a only"),
        ("spacegroup = 225", "spacegroup = 194", "space group 194 needs c"),
        ("spacegroup = 225", "spacegroup = 231", "spacegroup must be an integer from 1 to 230"),
        ('formula = "MgO"\n', "", "missing formula"),
        ("a = 4.2", "a = -4.2", "a must lie in"),
        ("xyz = [0.5, 0.5, 0.5]", "xyz = [0.5, 0.5]", "xyz must be three reduced coordinates"),
        ('same_as = "X"', 'same_as = "Y"', "must name a table that is not itself a same_as"),
        ('left_out = "amorphous"', 'left_out = "amorphous"\nnote = "x"', "a left_out table has no other keys"),
        ('source = "a page"', 'source = "a page"\ndensity_kg_m3 = 3580.0', "density_kg_m3 and density_source"),
        ("[crystals.Z]", "[crystals.Z", "invalid TOML"),
        ('source = "a page"', 'source = "a page"\nelastic_symmetry = "cubic"', "go together"),
        (
            'source = "a page"',
            'source = "a page"\nelastic_constants_gpa = { C11 = 100.0, C12 = 150.0, C44 = 50.0 }\n'
            'elastic_symmetry = "cubic"\nelastic_source = "made up"',
            "elastic_constants_gpa",  # C11 < C12: Born's criterion fails
        ),
        (
            'source = "a page"',
            'source = "a page"\nelastic_constants_gpa = { C11 = 100.0, C44 = 50.0 }\n'
            'elastic_symmetry = "cubic"\nelastic_source = "made up"',
            "C12",
        ),
    ],
)
def test_a_malformed_file_is_refused_with_one_line(old, new, message):
    text = GOOD.replace(old, new, 1)
    assert text != GOOD
    with pytest.raises(InputError) as info:
        _parse(text)
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_a_record_carries_its_measured_elastic_constants():
    """A built table with elastic_constants_gpa, elastic_symmetry and elastic_source parses into an immutable
    record (hashable, copyable by dataclasses.asdict, which the validation's cache keys use); the shipped niobium
    record gives Landolt-Boernstein's C44 = 28.4 GPa (crystals.toml, [lb])."""
    text = GOOD.replace(
        'source = "a page"',
        'source = "a page"\nelastic_constants_gpa = { C11 = 297.0, C12 = 95.0, C44 = 156.0 }\n'
        'elastic_symmetry = "cubic"\nelastic_source = "made up"',
        1,
    )
    parsed = _parse(text)
    x = next(v for v in parsed.values() if v.elastic_constants_gpa)
    assert x.elastic_constants() == {"C11": 297.0, "C12": 95.0, "C44": 156.0}
    assert x.elastic_symmetry == "cubic" and x.elastic_source == "made up"
    assert hash(x) == hash(dataclasses.replace(x)) and dataclasses.asdict(x)["elastic_symmetry"] == "cubic"
    assert parsed["Y"].elastic_constants() == x.elastic_constants()  # an alias carries its target's
    from kapitza.literature.crystals import crystal_for

    assert crystal_for("Nb").elastic_constants()["C44"] == 28.4 and crystal_for("TiN").elastic_constants() is None
