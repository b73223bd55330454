"""``--calculator`` on ``phonons``, ``predict`` and ``materials show``: a crystal from its structure, the relaxed
lattice beside the input one, "derived from", the band hook; every bad input one line and exit 2.

The calculators are the tests' ``module:factory`` ones (tests/mlip_factories.py, on the path): matscipy's
Stillinger-Weber silicon and ASE's EMT, so these run without a machine-learned potential.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

import kapitza
from answer_rules import answer_first

pytest.importorskip("phonopy")
pytest.importorskip("matscipy")

SW = "mlip_factories:stillinger_weber_si"
EMT = "mlip_factories:emt"
FAST = ("--mesh", "8")


@pytest.fixture(scope="module", autouse=True)
def crystals_built_once():
    """Each crystal these commands build (Al, Cu, Ag with EMT, Si with SW: relaxed, force constants, checked stable)
    is built once for the module (:func:`conftest.built_once`), and each command then renders its own prediction from
    it: about 30 predict runs read four crystals."""
    from conftest import built_once
    from kapitza.phonons import from_structure

    with built_once(from_structure, "crystal_phonons", ignore=("progress", "runner")):
        yield


def _one_line(status, out, err, words):
    assert status == 2, err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("kapitza: error:") and words in lines[0], err
    assert out == ""


def test_phonons_of_a_database_name_with_a_calculator(cli):
    """The relaxation, the supercell and the memory statement are details (issue 53 item 4): --explain prints them,
    the default text holds the table (14 lines) and the hint."""
    status, out, err = cli("phonons", "Si", "--calculator", SW, *FAST, "--quiet")
    assert status == 0, err
    answer_first(out, most=15, within=9, answer="lattice constant (A)")
    assert "conventional supercell" not in out and "relaxed" not in out and "relaxation and supercell" in out
    status, out, err = cli("phonons", "Si", "--calculator", SW, *FAST, "--quiet", "--explain")
    assert status == 0, err
    assert "a = b = c: 5.4310 -> 5.4310 A (+0.00 %)" in out  # SW's own a is 5.43095 A: within fmax already
    assert f"forces from {SW}" in out and "space group Fd-3m (227)" in out
    assert "2x2x2 conventional supercell (64 atoms)" in out


def test_phonons_json_records_the_structure(cli, tmp_path):
    from ase.build import bulk
    from ase.io import write

    path = tmp_path / "strained.extxyz"
    write(path, bulk("Si", "diamond", a=5.6, cubic=True))
    status, out, err = cli("phonons", str(path), "--calculator", SW, *FAST, "--json", "--quiet")
    assert status == 0, err
    doc = json.loads(out)
    s = doc["structure"]
    assert s["structure"] == "file strained.extxyz" and s["input_cell_A_deg"][0] == pytest.approx(5.6)
    assert s["relaxed_cell_A_deg"][0] == pytest.approx(5.43095, abs=1e-3) and s["relaxation"]["steps"] > 0
    assert doc["lattice_constant_m"] == pytest.approx(s["relaxed_cell_A_deg"][0] * 1e-10)


def test_predict_with_a_calculator_prints_lattices_derived_records_and_the_band(cli):
    """Al | Cu through EMT: a metal/metal pair, so the electronic DMM of the database's electron data is there too."""
    status, out, err = cli("predict", "Al", "Cu", "--calculator", EMT, "-t", "300", *FAST, "--explain")
    assert status == 0, err
    assert "electronic diffuse mismatch model" in out
    assert "Al: database Al (fcc, a = 4.0496 A), space group Fm-3m (225), forces from mlip_factories:emt" in out
    assert "a = b = c: 4.0496 ->" in out and "a = b = c: 3.6146 ->" in out
    assert "electron data are the database's for Al" in out
    assert "band: not yet measured" in out
    assert "phonons from the ASE calculator EMT from mlip_factories:emt" in out


def test_predict_refuses_either_side_above_the_memory_bound_before_any_force(cli, monkeypatch):
    """Both sides' memory is checked before the first side's forces: with kapitza's own arrays (a user's calculator
    has no footprint; six copies of the force constants, three of them while the rotational sum rule is restored)
    Si's 64 atoms state 0.1519 GB and fit 0.152, Cu's 3x3x3 (108 atoms, 0.1553 GB) does not, and nothing is
    computed; the memory line is printed for an accepted crystal."""
    from kapitza.phonons import from_structure as fs

    computed = []
    monkeypatch.setattr(fs, "_compute", lambda *args: computed.append(args[2]) or {})
    status, out, err = cli("predict", "Si", "Cu", "--calculator", EMT, "--max-memory-gb", "0.152")
    _one_line(status, out, err, "Cu (fcc, a = 3.6146 A): the force constants of the 3x3x3 (108 atoms) supercell")
    assert "need ~0.155 GB" in err
    assert "kapitza's own arrays only" in err and "above --max-memory-gb 0.152; raise it with --max-memory-gb" in err
    assert computed == []
    monkeypatch.undo()
    status, out, err = cli("predict", "Si", "Si", "--calculator", SW, "-t", "300", *FAST, "--explain")
    assert status == 0, err
    assert "memory: not stated (no measured footprint for this calculator" in out


def test_predict_json_equals_the_library(cli):
    status, out, err = cli("predict", "Al", "Cu", "--calculator", EMT, "-t", "100,300", "-m", "dmm", "--json", *FAST)
    assert status == 0, err
    doc = json.loads(out)
    assert doc["band"] is None and [c["name"] for c in doc["crystals"]] == ["Al", "Cu"]
    result = doc["results"][0]
    assert result["settings"]["calculator"] == EMT and result["settings"]["dispersion"] == "phonopy"
    expected = kapitza.prediction.predict_model("Al", "Cu", [100.0, 300.0], "dmm", calculator=EMT, mesh=8).conductance
    np.testing.assert_allclose(result["conductance"], expected, rtol=1e-12)


def test_predict_reads_a_stored_band(cli, monkeypatch, tmp_path):
    """The one band file: where it holds the calculator, its x/÷ factor is printed (the hook the validation fills)."""
    from kapitza.prediction import mlip_band

    path = tmp_path / "calculator_bands.toml"
    path.write_text(f'[bands."{EMT}"]\nfactor = 1.8\nrows = 12\nsource = "a test"\n')
    monkeypatch.setattr(mlip_band, "BAND_FILE", path)
    status, out, err = cli("predict", "Al", "Cu", "--calculator", EMT, "-t", "300", "-m", "dmm", *FAST, "--explain")
    assert status == 0, err
    assert "band: x/\u00f7 1.8 (68 %, from 12 measured rows: a test)" in out


def test_materials_show_derives_the_record(cli):
    status, out, err = cli("materials", "show", "Cu", "--calculator", EMT, "--explain")
    assert status == 0, err
    assert "derived from" in out and "mlip_factories:emt" in out
    assert "from: derived from the ASE calculator EMT" in out
    assert "database (Cu)" in out  # the conductivity stays the database's, with its source


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("phonons", "Si", "--calculator", "nosuch"), "unknown calculator 'nosuch'"),
        (("phonons", "Si", "--calculator", "mlip_no_such:make"), "no module 'mlip_no_such' can be imported"),
        (("phonons", "Si", "--calculator", "mlip_factories:not_a_calculator"), "not an ASE calculator"),
        (("phonons", "Si", "--calculator", "mlip_factories:failing"), "failing() failed"),
        (("phonons", "Si", "--calculator", SW, "--potential", "sw"), "leave out --potential"),
        (("phonons", "missing.cif", "--calculator", SW), "structure file 'missing.cif' does not exist"),
        (("phonons", "Si:diamond:a=nan", "--calculator", SW), "not a finite number"),
        (("phonons", "Si:diamond:a=1e9", "--calculator", SW), "must be between 0.5 and 100 A"),
        (("phonons", "Si:diamond:a=40", "--calculator", SW, "--quiet"), "holds no atom"),
        (("phonons", "Si:fcc:a=3.9", "--calculator", SW, "--quiet"), "dynamically unstable"),
        (("phonons", "a-SiO2", "--calculator", SW), "give a structure file"),
        (("predict", "Si", "Si", "--calculator", SW, "--dispersion", "debye"), "--calculator describes full"),
        (("predict", "Si", "Si", "--calculator", SW, "--compare-debye"), "leave out --calculator"),
        (("predict", "Si", "Si", "--calculator", SW, "--potential", "sw"), "exclude each other"),
        (("predict", "Si", "Si", "--calculator", SW, "-t", "nan"), "temperature"),
        (("materials", "show", "He4", "--calculator", SW), "structure 'liquid'"),
        (("predict", "Si", "Ge", "--max-memory-gb", "2"), "give --calculator with it"),
        (("phonons", "Si", "--calculator", SW, "--max-memory-gb", "0.1"), "above --max-memory-gb 0.1; raise it"),
        (("predict", "Si", "Ge", "--calculator", SW, "--max-memory-gb", "nan"), "--max-memory-gb must be finite"),
        (("predict", "Si", "Ge", "--calculator", SW, "--max-memory-gb", "0"), "--max-memory-gb must be > 0"),
        (("predict", "Si", "Ge", "--calculator", SW, "--max-memory-gb", "1e308"), "must be < 1e+06 GB (a petabyte"),
        (("materials", "show", "Si", "--max-memory-gb", "2"), "give --calculator with it"),
        (("materials", "show", "Si", "--calculator", SW, "--max-memory-gb", "-1"), "--max-memory-gb must be > 0"),
        (("materials", "show", "Si", "--calculator", SW, "--max-memory-gb", "0.1"), "above --max-memory-gb 0.1; raise"),
        (("validate", "--max-memory-gb", "2"), "give --calculator with it"),
        (("validate", "--calculator", SW, "--max-memory-gb", "nan"), "--max-memory-gb must be finite"),
        (("validate", "--calculator", SW, "--max-memory-gb", "1e308"), "must be < 1e+06 GB (a petabyte"),
    ],
)
def test_bad_inputs_are_one_line_and_exit_2(cli, args, words):
    _one_line(*cli(*args), words)


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("", "the file is empty"),
        (b"\x00\xff\x13\x37" * 64, "cif"),  # ASE's reader: AssertionError, or a message in other versions
        ("data_x\n_cell_length_a 5\n", "not a well-formed cif file (ASE's reader stopped with StopIteration"),
    ],
)
def test_structure_files_that_do_not_parse(cli, tmp_path, content, words):
    path = tmp_path / "mine.cif"
    path.write_bytes(content) if isinstance(content, bytes) else path.write_text(content)
    status, out, err = cli("predict", str(path), "Si", "--calculator", SW)
    _one_line(status, out, err, words)
    assert err.count("mine.cif") == 1, err  # the file named once, not once by each layer
    assert content == "" or "not a well-formed cif file" in err or "cannot be read as cif" in err, err


def test_a_folder_is_not_a_structure(cli, tmp_path):
    _one_line(*cli("materials", "show", str(tmp_path), "--calculator", SW), "is a folder")


@pytest.mark.parametrize(("command", "name"), [("predict", "BeO"), ("materials", "3C-SiC")])
def test_a_crystal_table_name_without_calculator_says_what_it_needs(cli, command, name, monkeypatch):
    """A crystal the database lacks but kapitza's crystal table records, the universal potentials not installed:
    one line naming --calculator, exit 2."""
    import importlib.util

    find = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda n, *a: None if n in ("sevenn", "dftd3") else find(n, *a))
    args = ("predict", name, "MgO") if command == "predict" else ("materials", "show", name)
    status, out, err = cli(*args)
    _one_line(status, out, err, f"{name} is not in the material database, but kapitza's crystal table records")
    assert "give --calculator NAME" in err


def test_predict_builds_a_side_the_database_lacks_with_the_default_potential(cli, monkeypatch):
    """Issue 53 item 2: with the mlip extra installed, predict builds a crystal-table name (BeO) or a structure
    text from its structure with the default potential, without --calculator (stopped here before any force)."""
    from kapitza.atomistic.calculators import DEFAULT_CALCULATOR
    from kapitza.errors import InputError
    from kapitza.prediction import answer

    def stop(side1, side2, calculator, *args, **kwargs):  # the two Sides predict resolved (issue 76)
        raise InputError(f"would build {side1.given} and {side2.given} with {calculator}")

    monkeypatch.setattr(answer, "structure_sides", stop)
    for sides in (("BeO", "Si"), ("GaN:wurtzite:a=3.189,c=5.185", "SiC")):
        status, out, err = cli("predict", *sides, "-t", "300")
        _one_line(status, out, err, f"would build {sides[0]} and {sides[1]} with {DEFAULT_CALCULATOR}")
    status, out, err = cli("predict", "Unobtainium", "Si")
    _one_line(status, out, err, "unknown material 'Unobtainium'")


def test_predict_states_each_sides_measured_long_wave_errors(cli, monkeypatch, tmp_path):
    """Per side, the elastic-accuracy page's stiffness errors of this potential on this crystal where it measured
    them (the errors file, here a made-up record for EMT aluminium at EMT's relaxed a), else how to measure them."""
    from kapitza.phonons import elastic

    status, out, err = cli("predict", "Al", "Cu", "--calculator", EMT, "-t", "300", "-m", "dmm", "--json", *FAST)
    assert status == 0, err
    crystals = json.loads(out)["crystals"]
    assert [c["long_waves"] for c in crystals] == [None, None]
    a = crystals[0]["relaxed_cell_A_deg"][0]
    path = tmp_path / "elastic_errors.toml"
    path.write_text(
        f'[[records]]\ncalculator = "{EMT}"\ncrystal = "Al"\nformula = "Al"\natoms = 4\n'
        f"relaxed_cell = [{a}, {a}, {a}]\n"
        'measured_on = "a test"\nmeasured_source = "made up"\nstiffness = ["C11", "C44"]\n'
        'wave = ["longitudinal", "shear"]\ncalculated_gpa = [90.0, 14.0]\nmeasured_gpa = [100.0, 28.0]\n'
    )
    monkeypatch.setattr(elastic, "ERRORS_FILE", path)
    status, out, err = cli("predict", "Al", "Cu", "--calculator", EMT, "-t", "300", "-m", "dmm", *FAST, "--explain")
    assert status == 0, err
    assert f"long waves: {EMT}'s stiffnesses rho v^2 of Al against measured ones: C44 (shear) -50 %, C11" in out
    assert f"long waves: {EMT} was not measured on this crystal's elastic constants; kapitza elastic" in out


def test_predict_states_what_the_validation_measured_on_pairs_as_soft_as_this_one(cli, monkeypatch, tmp_path):
    """With a band that stores the validation's long-wave groups and both crystals measured on the elastic-accuracy
    page (both files made up for EMT: Al's C44 60 % soft, Cu's C' 20 %), predict names the pair's softest shear and
    its group's median p/m, in the text and in --json; without the groups, or with a crystal not measured, nothing."""
    from kapitza.phonons import elastic
    from kapitza.prediction import mlip_band

    status, out, err = cli("predict", "Al", "Cu", "--calculator", EMT, "-t", "300", "-m", "dmm", "--json", *FAST)
    assert status == 0, err
    crystals = json.loads(out)["crystals"]
    records = []
    for c, (name, calc, meas) in zip(crystals, (("C44", 12.0, 30.0), ("C'", 20.0, 25.0))):
        a = c["relaxed_cell_A_deg"][0]
        records.append(
            f'[[records]]\ncalculator = "{EMT}"\ncrystal = "{c["name"]}"\nformula = "{c["name"]}"\natoms = 4\n'
            f'relaxed_cell = [{a}, {a}, {a}]\nmeasured_on = "t"\nmeasured_source = "made up"\nstiffness = ["{name}"]\n'
            f'wave = ["shear"]\ncalculated_gpa = [{calc}]\nmeasured_gpa = [{meas}]\n'
        )
    errors = tmp_path / "errors.toml"
    errors.write_text("\n".join(records))
    monkeypatch.setattr(elastic, "ERRORS_FILE", errors)
    bands = tmp_path / "bands.toml"
    monkeypatch.setattr(mlip_band, "BAND_FILE", bands)
    mlip_band.write_band(EMT, 2.0, 20, "a test", path=bands)
    status, out, err = cli("predict", "Al", "Cu", "--calculator", EMT, "-t", "300", "-m", "dmm", *FAST, "--explain")
    assert status == 0 and "long waves of the pair" not in out, err  # the band stores no groups
    extra = {"long_wave_groups": ["at or below -40 %", "above -25 %"], "long_wave_rows": [9, 11],
             "long_wave_papers": [2, 3], "long_wave_median_ratio": [0.6, 1.4],
             "long_wave_row_median_ratio": [0.5, 1.3]}  # fmt: skip
    mlip_band.write_band(EMT, 2.0, 20, "a test", extra=extra, path=bands)
    status, out, err = cli("predict", "Al", "Cu", "--calculator", EMT, "-t", "300", "-m", "dmm", *FAST, "--explain")
    assert status == 0, err
    text = " ".join(out.split())
    assert f"long waves of the pair: its softest shear with {EMT} is Al's C44, -60 %" in text
    assert "the validation's 9 rows of 2 papers whose pairs' softest shear is at or below -40 % were predicted at a " \
        "median 0.6 of their measurements, every paper weighted equally (0.5 by row; others: above -25 %: 1.4 (3 " \
        "papers)" in text  # fmt: skip
    status, out, err = cli("predict", "Al", "Cu", "--calculator", EMT, "-t", "300", "-m", "dmm", "--json", *FAST)
    assert status == 0 and "is Al's C44, -60 %" in json.loads(out)["long_waves_of_the_pair"], err
    status, out, err = cli("predict", "Al", "Ag", "--calculator", EMT, "-t", "300", "-m", "dmm", *FAST)
    assert status == 0 and "long waves of the pair" not in out, err  # Ag not measured
