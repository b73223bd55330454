"""get_material / load_materials: names, aliases, user files and their errors."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from kapitza.errors import InputError
from kapitza.materials import Material, get_material, list_materials, load_materials
from kapitza.units import AMU

# -- names and aliases -------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "name"),
    [
        ("Si", "Si"),
        ("si", "Si"),
        ("SILICON", "Si"),
        ("diamond", "C"),
        ("sapphire", "Al2O3"),
        ("fused silica", "SiO2"),
        ("Fused-Silica", "SiO2"),
        ("silica", "SiO2"),
        ("He4", "He4"),
        ("he-4", "He4"),
        ("HE_4", "He4"),
        ("helium", "He4"),
        ("LHe", "He4"),
        ("gallium nitride", "GaN"),
        ("4h-sic", "4H-SiC"),
        ("SiC", "4H-SiC"),
        ("aluminum", "Al"),
        ("aluminium nitride", "AlN"),
        ("  gold ", "Au"),
    ],
)
def test_lookup_ignores_case_spaces_hyphens_underscores(spec, name):
    assert get_material(spec).name == name


def test_lookup_returns_the_shipped_object():
    assert get_material("copper") is next(m for m in list_materials() if m.name == "Cu")


def test_material_passes_through():
    m = Material(name="X", density=1000.0, v_l=3000.0, v_t=1500.0, number_density=5e28, debye_temperature=300.0)
    assert get_material(m) is m


def test_unknown_name_suggests_the_closest():
    with pytest.raises(InputError) as info:
        get_material("Sillicon")
    message = str(info.value)
    assert message.startswith("unknown material 'Sillicon'; did you mean 'Si' (silicon)")
    assert "Known: " in message and "GaN" in message


def test_unknown_name_without_close_match_lists_known():
    with pytest.raises(InputError, match=r"unknown material 'xyzzy'\. Known: 4H-SiC, Ag"):
        get_material("xyzzy")


@pytest.mark.parametrize(("spec", "fragment"), [("alumina", "'Al2O3' (sapphire)"), ("Quartz", "fused")])
def test_ambiguous_names_explain_instead_of_guessing(spec, fragment):
    """'alumina' must not resolve to sapphire (amorphous alumina films conduct heat an
    order of magnitude worse), nor be 'corrected' to Al."""
    with pytest.raises(InputError, match="not shipped") as info:
        get_material(spec)
    assert fragment in str(info.value)


def test_wrong_type_rejected():
    with pytest.raises(InputError, match="name, a .toml path or a Material"):
        get_material(42)


# -- user files --------------------------------------------------------------

TWO_MATERIALS = """
[materials.MyGlass]
aliases = ["my glass"]
density = 2500.0
v_l = 5800
v_t = 3400.0
mean_atomic_mass_amu = 20.0
debye_temperature = 450.0
thermal_conductivity = 1.1
notes = "a made-up glass"

[materials.MyGlass.sources]
density = "my lab book, p. 3"

[materials.MyCubic]
density = 3000.0
v_l = 7000.0
v_t = 4000.0
number_density = 8.0e28
debye_temperature = 500.0
lattice_constant = 4.0e-10

[materials.MyCubic.elastic_constants_gpa]
symmetry = "cubic"
C11 = 200.0
C12 = 100.0
C44 = 60.0
"""


def write(tmp_path: Path, text: str, name: str = "mine.toml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_user_file_round_trip_and_unit_conversion(tmp_path):
    """GPa -> Pa, u -> kg; number_density derived from density / mass when left out."""
    path = write(tmp_path, TWO_MATERIALS)
    loaded = load_materials(path)
    assert list(loaded) == ["MyGlass", "MyCubic"]
    glass, cubic = loaded["MyGlass"], loaded["MyCubic"]
    assert glass.mean_atomic_mass == pytest.approx(20.0 * AMU)
    assert glass.number_density == pytest.approx(2500.0 / (20.0 * AMU))
    assert glass.v_l == 5800.0 and isinstance(glass.v_l, float)
    assert glass.thermal_conductivity == 1.1
    assert glass.sources["density"] == "my lab book, p. 3"
    assert cubic.elastic_symmetry == "cubic"
    assert cubic.elastic_constants["C11"] == pytest.approx(200e9)
    assert cubic.thermal_conductivity is None


def test_get_material_by_path_and_by_path_colon_name(tmp_path):
    path = write(tmp_path, TWO_MATERIALS)
    with pytest.raises(InputError, match="holds 2 materials"):
        get_material(path)
    assert get_material(f"{path}:MyCubic").name == "MyCubic"
    assert get_material(f"{path}:my-glass").name == "MyGlass"  # aliases work inside a file too
    with pytest.raises(InputError, match="did you mean 'MyCubic'"):
        get_material(f"{path}:MyCubik")


def test_single_material_file_by_str_and_path(tmp_path):
    text = TWO_MATERIALS.split("[materials.MyCubic]")[0]
    path = write(tmp_path, text, "one.toml")
    assert get_material(path).name == "MyGlass"
    assert get_material(str(path)).name == "MyGlass"


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        get_material(tmp_path / "nope.toml")
    with pytest.raises(InputError, match="cannot read"):
        load_materials(tmp_path / "nope.toml")


# -- malformed files -------------------------------------------------------

GOOD = """
[materials.Foo]
density = 1000.0
v_l = 3000.0
v_t = 1500.0
number_density = 5e28
debye_temperature = 300.0
"""


@pytest.mark.parametrize(
    ("text", "fragments"),
    [
        ("[materials.Foo\ndensity = 1", ["invalid TOML"]),
        (GOOD.replace("density = 1000.0\n", ""), ["'Foo'", "'density'", "missing"]),
        (GOOD.replace("number_density = 5e28\n", ""), ["'Foo'", "'number_density'", "missing"]),
        (GOOD.replace("density = 1000.0", 'density = "1000"'), ["'Foo'", "'density'", "expected a number"]),
        (GOOD.replace("v_l = 3000.0", "v_l = true"), ["'Foo'", "'v_l'", "expected a number"]),
        (GOOD + "densty = 1.0\n", ["'Foo'", "'densty'", "unknown field", "did you mean 'density'"]),
        (GOOD + "name = 'Foo'\n", ["'Foo'", "'name'", "unknown field"]),
        (GOOD.replace("v_t = 1500.0", "v_t = 2900.0"), ["'Foo'", "v_t", "2900.0", "sqrt(3)/2"]),
        (GOOD.replace("density = 1000.0", "density = -1.0"), ["'Foo'", "density", "-1.0", "> 0"]),
        (GOOD + "aliases = 'foo'\n", ["'Foo'", "'aliases'", "list of strings"]),
        (GOOD + "notes = 3\n", ["'Foo'", "'notes'", "expected a string"]),
        (GOOD + "[materials.Foo.sources]\ndensty = 'x'\n", ["'Foo'", "sources.densty", "not a number field"]),
        (GOOD + "[materials.Foo.sources]\ndensity = 3\n", ["'Foo'", "sources.density", "expected a string"]),
        (
            GOOD + "[materials.Foo.elastic_constants_gpa]\nsymmetry = 'monoclinic'\nC11 = 1.0\n",
            ["'Foo'", "elastic_constants_gpa.symmetry", "monoclinic"],
        ),
        (
            GOOD + "[materials.Foo.elastic_constants_gpa]\nsymmetry = 'cubic'\nC11 = 100.0\nC44 = 30.0\n",
            ["'Foo'", "elastic_constants", "missing C12"],
        ),
        (
            GOOD + "[materials.Foo.elastic_constants_gpa]\nsymmetry = 'cubic'\nC11 = 100.0\nC12 = '5'\nC44 = 3.0\n",
            ["'Foo'", "elastic_constants_gpa.C12", "expected a number"],
        ),
        ("title = 'mine'\n" + GOOD, ["unknown top-level key 'title'"]),
        ("# nothing here\n", ["no materials found"]),
        ("[materials]\nFoo = 3\n", ["'Foo'", "expected a table"]),
    ],
)
def test_malformed_files_raise_input_error_naming_the_problem(tmp_path, text, fragments):
    path = write(tmp_path, text, "bad.toml")
    with pytest.raises(InputError) as info:
        load_materials(path)
    message = str(info.value)
    assert str(path) in message
    for fragment in fragments:
        assert fragment in message, message


def test_good_minimal_file_loads(tmp_path):
    """The base text of the malformed cases is itself valid (so each case fails for its own reason)."""
    m = load_materials(write(tmp_path, GOOD))["Foo"]
    assert m.v_t == 1500.0 and m.thermal_conductivity is None and m.temperature == 300.0


@pytest.mark.parametrize("spec", ["InP.cif", "GaN:wurtzite:a=3.19,c=5.19", "POSCAR", "dir/CONTCAR", "x.extxyz"])
def test_a_crystal_structure_is_not_a_material_record_and_says_it_needs_a_potential(tmp_path, spec):
    """A structure file (even an existing one, which used to fail as 'invalid TOML') or NAME:STRUCTURE:a=... has
    no Debye numbers: the message says a calculator is needed, in one line."""
    from ase.build import bulk

    path = tmp_path / "InP.cif"
    bulk("InP", "zincblende", a=5.869).write(path)
    for given in (spec, str(path)):
        with pytest.raises(InputError, match="crystal structure, not a material record.*calculator") as info:
            get_material(given)
        assert "\n" not in str(info.value)


def test_a_toml_file_with_a_selected_name_is_still_a_material_file(tmp_path):
    """``path.toml:Name`` holds two colons' worth of text but no structure: it still reads as a material file."""
    with pytest.raises(InputError, match="does not exist"):
        get_material(str(tmp_path / "mine.toml") + ":Si")


def test_a_name_of_ten_thousand_characters_is_quoted_by_its_start_and_length():
    """A hostile name (issue 51's hostile review: a 10,000-character side) is one short line, not echoed whole; the
    known names are counted, not listed, so the line stays short as the database grows (a 43rd record had pushed
    the listed names past 300 characters)."""
    with pytest.raises(InputError) as info:
        get_material("X" * 10_000)
    message = str(info.value)
    assert len(message) < 150 and "(10,000 characters)" in message
    assert message.endswith(f"kapitza materials list shows the {len(list_materials())} known")
