"""``kapitza predict`` answers first (issue 53): the expected measurement with its band on the first line, the
physics table, the measured range; everything else behind --explain and whole in --json."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("sklearn")


def test_a_database_pair_answers_in_few_lines_with_the_expected_measurement_first(cli):
    status, out, err = cli("predict", "GaN", "SiC", "-t", "300")
    assert status == 0, err
    lines = out.strip().splitlines()
    assert len(lines) <= 20
    assert lines[0].startswith("expected measurement at 300 K: ") and "68 % of held-out papers" in lines[0]
    assert lines[-1].startswith("--explain adds ")
    assert not any(line.startswith("dmm = ") for line in lines)  # the models in words are details


def test_explain_holds_the_details_the_default_leaves_out(cli):
    status, out, err = cli("predict", "Al", "Si", "-t", "300", "--explain")
    assert status == 0, err
    for detail in (
        "dmm = diffuse mismatch model",  # the models in words
        "R_ep = 1/sqrt(g \u03ba_p)",  # the electrons
        "L_K = \u03ba(T) R_total",  # the Kapitza lengths' footnote
        "expected measurement (database route):",  # what the estimate rested on
        "besides 42 measured with a layer between Al and Si",  # the interlayer rows left out
    ):
        assert detail in out, detail
    assert "--explain adds" not in out


def test_several_temperatures_give_a_table_of_the_expected_measurement(cli):
    status, out, err = cli("predict", "Al", "Si", "-t", "100,200,300,400")
    assert status == 0, err
    assert "expected measurement (TDTR), with the 68 % band of held-out papers" in " ".join(out.split())
    assert out.index("expected G") < out.index("G_ph")


def test_json_holds_the_expected_measurement(cli):
    status, out, err = cli("predict", "Al", "Si", "-t", "300", "--json")
    assert status == 0, err
    doc = json.loads(out)["expected"]
    assert doc["available"] and doc["route"] == "database"
    assert doc["low_w_m2k"][0] < doc["conductance_w_m2k"][0] < doc["high_w_m2k"][0]
    assert len(doc["other_papers"]) == 8 and doc["inputs"]


def test_a_crystal_built_from_its_structure_answers_first_too(cli):
    """The structure route through a cheap user calculator (EMT on Al and Cu, mesh 8): the expected measurement of
    the pair from its full-dispersion DMM on the first line, the relaxations and records behind --explain."""
    pytest.importorskip("phonopy")
    status, out, err = cli("predict", "Al", "Cu", "--calculator", "mlip_factories:emt", "-t", "300", "--mesh", "8")
    assert status == 0, err
    lines = out.strip().splitlines()
    assert len(lines) <= 20
    assert lines[0].startswith("expected measurement at 300 K: ")
    assert "relaxed (" not in out and "supercell" not in out
    status, out, err = cli(
        "predict", "Al", "Cu", "--calculator", "mlip_factories:emt", "-t", "300", "--mesh", "8", "--explain"
    )
    assert status == 0, err
    assert "expected measurement (structure route): full-dispersion DMM of both crystals with mlip_factories:emt" in out
    assert "conventional supercell" in out


def test_a_method_the_compilation_lacks_is_a_warning_not_an_error(cli):
    status, out, err = cli("predict", "Al", "Si", "-t", "300", "--method", "laser flash")
    assert status == 0, err
    assert "warning: method 'laser flash' is none of the compilation's" in out
