"""kapitza.atomistic.side: what a side names, decided once (issue 76, item 4), and the crystal it names.

One rule reads every side two ways, each with its refusal in its own words: as a material record (the Debye
models) and as a crystal (a calculator).  The table below pins what each kind of input is."""

from __future__ import annotations

import dataclasses

import pytest

from kapitza.atomistic.side import SIDE_KINDS, Side, resolve_side, side_structure
from kapitza.errors import InputError
from kapitza.materials import get_material


@pytest.fixture
def files(tmp_path):
    """A material file, a structure file and a folder (a cubic Ni cell written by ASE)."""
    ase_io = pytest.importorskip("ase.io")
    from ase.build import bulk

    toml = tmp_path / "mine.toml"
    toml.write_text(
        "[materials.Mine]\ndensity = 2330.0\nv_l = 8433.0\nv_t = 5843.0\nnumber_density = 4.994e28\n"
        "debye_temperature = 645.0\n"
    )
    cif = tmp_path / "nickel.cif"
    ase_io.write(cif, bulk("Ni", "fcc", a=3.52, cubic=True))
    return {"toml": str(toml), "cif": str(cif), "folder": str(tmp_path)}


@pytest.mark.parametrize(
    ("given", "kind", "how"),
    [
        ("Si", "database", "database"),
        ("silicon", "database", "database"),
        ("3C-SiC", "structure", "record"),
        ("GaN:wurtzite:a=3.189,c=5.185", "structure", "spec"),
        ("Xe", "unknown", "ase"),
        ("missing/x.cif", "unknown", ""),
        ("", "unknown", ""),
        ("GaN:wurtzite", "unknown", ""),
        ({"name": "Cu", "crystalstructure": "fcc", "a": 3.61}, "structure", "dict"),
        (None, "unknown", ""),
    ],
)  # fmt: skip
def test_each_kind_of_name_is_decided_once(given, kind, how):
    side = resolve_side(given)
    assert (side.kind, side.how) == (kind, how) and side.kind in SIDE_KINDS
    assert resolve_side(side) is side  # a Side is taken as it is
    assert (side.material is None) == (kind not in ("database", "file", "material", "built"))


def test_files_and_records_in_hand(files):
    mine = resolve_side(files["toml"])
    assert mine.kind == "file" and mine.record().name == "Mine" and mine.how == ""
    assert "a material file (.toml) holds no crystal structure" in mine.not_a_crystal
    cif = resolve_side(files["cif"])
    assert cif.kind == "structure" and cif.how == "file" and cif.buildable
    with pytest.raises(InputError, match="is a crystal structure, not a material record"):
        cif.record()
    assert resolve_side(files["folder"]).not_a_crystal.endswith("is a folder, not a structure file")
    si = get_material("Si")
    assert resolve_side(si).kind == "database" and resolve_side(si).record() is si
    own = dataclasses.replace(si, origin="user")  # a record of the caller's: built from its own structure
    assert resolve_side(own).kind == "material" and resolve_side(own).how == "material"


def test_a_record_refusal_says_the_way_to_a_calculator_where_the_crystal_table_knows_the_name():
    """The refusal of a crystal-table name as a record names the caller's spelling of the calculator option; the
    database's own words otherwise (an unknown name with its close matches, a structure text)."""
    side = resolve_side("3C-SiC")
    with pytest.raises(InputError, match=r"3C-SiC is not in the material database, but .* give --calculator NAME"):
        side.record("--calculator")
    with pytest.raises(InputError, match="unknown material '3C-SiC'"):
        side.record()
    with pytest.raises(InputError, match="unknown material 'Unobtainium'"):
        resolve_side("Unobtainium").record("--calculator")
    with pytest.raises(InputError, match="crystal 'GaN:wurtzite'"):
        raise InputError(resolve_side("GaN:wurtzite").parse_error)


def test_the_crystal_reading_builds_what_the_side_names():
    """The builder takes the Side (or anything resolve_side takes): a database material from its record, a
    crystal-table name from its record, a spec through ase.build.bulk; the refusals are the reading's own."""
    pytest.importorskip("ase")
    si = side_structure(resolve_side("Si"))
    assert si.label == "Si" and si.database is not None and len(si.atoms) == 8
    sic = side_structure("3C-SiC")
    assert sic.record == "3C-SiC" and sic.database is None
    gan = side_structure(Side("structure", "x", how="spec", spec={"name": "GaN", "crystalstructure": "wurtzite",
                                                                  "a": 3.189, "c": 5.185}))  # fmt: skip
    assert gan.label == "GaN"
    for bad, words in (("", "the crystal is empty"), ("missing/x.cif", "structure file 'missing/x.cif' does not "
                       "exist"), ("Unobtainium", "is not a structure file, a database material")):  # fmt: skip
        with pytest.raises(InputError, match=words):
            side_structure(bad)


def test_the_default_calculator_reads_the_sides_once():
    """predict's rule: two records need no calculator; a side a calculator can build takes the default potential
    where the mlip extra is installed; a name nothing knows is the database's refusal; a NAME:STRUCTURE text that
    does not parse is the parser's."""
    import importlib.util

    from kapitza.atomistic.calculators import DEFAULT_CALCULATOR
    from kapitza.prediction.sides import default_calculator

    assert default_calculator((resolve_side("Si"), resolve_side("Ge"))) is None
    assert default_calculator((get_material("Si"), "3C-SiC")) is None  # not both names: nothing is built
    installed = all(importlib.util.find_spec(p) is not None for p in ("sevenn", "dftd3"))
    if installed:
        assert default_calculator(("Si", "3C-SiC")) == DEFAULT_CALCULATOR
    with pytest.raises(InputError, match="unknown material 'Unobtainium'"):
        default_calculator(("Unobtainium", "Si"))
    with pytest.raises(InputError, match="crystal 'GaN:wurtzite'"):
        default_calculator(("Si", "GaN:wurtzite"))


def test_a_sides_crystal_is_built_once_and_handed_out_as_copies(monkeypatch, tmp_path):
    """Issue 85, item 4: on predict's path the phonons' plan, the elastic constants and the long waves each asked for
    the side's crystal and each built it again.  A resolved side builds it once; every caller gets its own copy (a
    caller that moves its atoms moves nobody else's).  Counted on ``kapitza.predict`` with EMT: one build a side."""
    pytest.importorskip("phonopy")
    import kapitza
    from kapitza.atomistic import side as side_module

    built = []
    real = side_module._built_structure
    monkeypatch.setattr(side_module, "_built_structure", lambda s, n: built.append(s.given) or real(s, n))
    monkeypatch.setenv("KAPITZA_CACHE_DIR", str(tmp_path))
    kapitza.predict("Cu", "Al", 300.0, calculator="mlip_factories:emt")
    assert sorted(built) == ["Al", "Cu"]
    side = resolve_side("Cu")
    one, two = side_structure(side), side_structure(side)
    before = two.atoms.positions.copy()
    one.atoms.positions += 1.0
    assert one.atoms is not two.atoms and (two.atoms.positions == before).all()
    assert (side_structure(side).atoms.positions == before).all()
