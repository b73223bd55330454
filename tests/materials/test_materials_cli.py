"""``kapitza materials template`` and ``kapitza materials show`` (issue 9, item 8)."""

from __future__ import annotations

import tomllib

import pytest

from answer_rules import answer_first, explained
from kapitza.materials import Material, get_material, load_materials, material_template
from kapitza.materials.database import _ALLOWED_KEYS


def test_template_written_to_a_file_loads_back_as_a_material(cli, tmp_path):
    """template -> mine.toml -> load -> Material, with the file's path as its origin."""
    status, out, err = cli("materials", "template")
    assert status == 0 and err == ""
    path = tmp_path / "mine.toml"
    path.write_text(out, encoding="utf-8")
    (m,) = load_materials(path).values()
    assert isinstance(m, Material) and m.name == "MySi" and m.origin == str(path)
    assert get_material(str(path)).v_l == 8949.0
    assert m.elastic_constants["C44"] == pytest.approx(79.56e9)
    assert out == material_template()


def test_template_uses_every_key_and_says_its_unit():
    """Every key the reader accepts appears in the template, and every number key carries a unit comment."""
    text = material_template()
    table = tomllib.loads(text)["materials"]["MySi"]
    assert set(table) == set(_ALLOWED_KEYS)
    main_table = text.split("[materials.MySi.elastic_constants_gpa]")[0]
    for line in main_table.splitlines():
        key = line.split("=")[0].strip()
        if key in ("density", "v_l", "v_t", "debye_temperature", "number_density", "lattice_constant"):
            assert "#" in line, line
    for word in ("optional", "required", "GPa", "sources", "kg m^-3", "m/s", "atoms m^-3", "Born"):
        assert word in text


def test_show_gives_the_values_first_and_the_sources_with_explain(cli):
    """Issue 53 item 4: the values with their units in 19 lines for Si (at most 20 here; a record has no error
    bar), density first; the sources, aliases and origin (the column and lines printed before) with --explain."""
    status, out, err = cli("materials", "show", "Si")
    assert status == 0, err
    lines = answer_first(out, most=20, within=6, answer="2329")
    assert "Si (crystalline silicon)" in lines[0] and "McSkimin" not in out and "from:" not in out
    assert lines[-1].endswith("more lines (sources, aliases, origin)")
    status, out, err = cli("materials", "show", "Si", "--explain")
    assert status == 0, err
    explained(
        out,
        "2329",
        "CRC Handbook, 'Physical Constants of Inorganic Compounds' (2.329 g cm^-3)",
        "H. J. McSkimin, J. Appl. Phys. 24, 988 (1953), 25 C values",
        "aliases: silicon, c-Si",
        "sound speeds: Voigt-Reuss-Hill average of single-crystal elastic constants",
        "from: the kapitza database",
    )


def test_show_gives_elastic_constants_with_sources_mass_and_lattice_constant(cli):
    status, out, _ = cli("materials", "show", "Si", "--explain")
    assert status == 0
    for fragment in ("C11 (cubic)", "165.7", "C12", "63.9", "C44", "79.56", "GPa", "McSkimin"):
        assert fragment in out, fragment
    assert "mean atomic mass" in out and "28.09" in out
    assert "lattice constant" in out and "5.431" in out and "\u00c5" in out
    assert "from: the kapitza database" in out


def test_show_of_a_user_file_says_it_is_the_users_file(cli, tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text(material_template(), encoding="utf-8")
    status, out, _ = cli("materials", "show", str(path), "--explain")
    assert status == 0
    assert "your file" in out and "database" not in out.split("from:")[-1]


def test_show_of_a_fluid_without_elastic_constants(cli):
    """He4 has neither elastic constants nor a lattice constant: those rows are left out."""
    status, out, _ = cli("materials", "show", "He4")
    assert status == 0
    assert "GPa" not in out and "lattice constant" not in out
    assert "1.5 K" in out
