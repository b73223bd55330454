"""The expected measurement of a stack (kapitza.predict with interlayers): the bare pair keeps today's answer, a
stack leads with its own answer and band, its physics behind --explain, and the CLI refuses what it cannot do."""

from __future__ import annotations

import json

import numpy as np
import pytest

import kapitza
from kapitza.errors import InputError
from kapitza.prediction.expected import expected_conductance


def test_no_interlayer_is_the_bare_pair():
    """interlayers None, () and [] all give the bare pair's expected measurement, exactly."""
    bare = expected_conductance("Al", "Si", [100.0, 300.0])
    for empty in ((), []):
        same = expected_conductance("Al", "Si", [100.0, 300.0], interlayers=empty)
        np.testing.assert_array_equal(same.value, bare.value)
        assert same.route == bare.route and same.stack == ""


def test_a_stack_leads_with_its_expected_measurement_and_band():
    p = kapitza.predict("Au", "Al2O3", [50.0, 300.0], interlayers=["Ti:2nm"])
    e = p.expected
    assert e is not None and e.route == "interlayer" and e.stack == "Au / Ti:2nm / Al2O3"
    assert np.all((e.low <= e.value) & (e.value <= e.high)) and np.all(e.value > 0)
    assert p.answer_lines()[0].startswith("expected measurement at 50 K:")
    assert "the physics of the stack Au / Ti:2nm / Al2O3" in p.answer_lines()[0]
    assert p.stack is not None and p.stack.materials == ("Au", "Ti", "Al2O3")
    assert any(topic == "stack" and "Ti | Al2O3 G =" in text for topic, text in p.provenance)
    doc = p.to_dict()
    assert doc["stack"]["materials"] == ["Au", "Ti", "Al2O3"] and doc["expected"]["stack"] == e.stack


def test_the_bare_document_holds_no_stack():
    doc = kapitza.predict("Al", "Si", 300).to_dict()
    assert "stack" not in doc and "stack" not in doc["expected"]


def test_a_stack_round_trips_through_save_and_load(tmp_path):
    p = kapitza.predict("Al", "Si", [0.0, 300.0], interlayers=["a-SiO2:1.5nm"])
    back = kapitza.load(p.save(tmp_path / "stack.json"))
    assert back.to_dict() == p.to_dict()
    np.testing.assert_array_equal(back.stack.temperature, [300.0])  # the physics above 0 K


def test_a_stack_with_a_calculator_or_outside_the_database_is_refused():
    with pytest.raises(InputError, match="leave out calculator"):
        kapitza.predict("Au", "Al2O3", 300, interlayers=["Ti:2nm"], calculator="chgnet")
    with pytest.raises(InputError, match="database's solids"):
        kapitza.predict("Au", "He4", 1.0, interlayers=["Ti:2nm"])


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["-i", "Ti"], "give its thickness"),
        (["-i", "Ti:-1nm"], "finite length > 0"),
        (["-i", "Ti:5mm"], "more than 1 mm"),
        (["-i", "Kryptonite:1nm"], "no data for the interlayer"),
        (["-i", "a-Si:2nm"], None),  # valid: Au / a-Si / Al2O3
    ],
)
def test_the_cli_refuses_in_one_line(cli, args, words):
    status, out, err = cli("predict", "Au", "Al2O3", "-t", "300", *args)
    if words is None:
        assert status == 0 and out.startswith("expected measurement at 300 K:")
        return
    assert status == 2 and out == "" and len(err.strip().splitlines()) == 1 and words in err


def test_the_cli_json_of_a_stack_is_strict(cli):
    status, out, _ = cli("predict", "Al", "Si", "-t", "300", "-i", "a-SiO2:1.5nm", "--json")
    assert status == 0
    doc = json.loads(out)
    assert doc["expected"]["route"] == "interlayer" and doc["stack"]["materials"] == ["Al", "SiO2", "Si"]


def test_the_design_command_ranks_and_says_what_is_not_decided(cli, tmp_path):
    from kapitza.prediction.interlayer.design import rank_interlayers

    r = rank_interlayers("Au", "GaN", [300.0], ["", "Ti", "graphene", "MoS2"])
    assert sorted(r.rank[:, 0].tolist()) == [1, 2, 3, 4]
    best = int(np.argmax(r.value[:, 0]))
    assert r.rank[best, 0] == 1
    # the compilation holds Au/Ti/GaN rows (literature.stacks): the ranking says the estimate draws on them
    assert r.papers[1] >= 1 and r.papers[2] == 0
    # graphene and MoS2 enter through their family alone: one estimate, and the line says nothing tells them apart
    assert r.value[2, 0] == r.value[3, 0]
    assert any("graphene" in line and "the same estimate as MoS2" in line for line in r.lines(0))
    status, out, err = cli("interlayers", "Au", "GaN", "-t", "300", "-c", "none", "-c", "Ti", "--plot",
                           tmp_path / "rank.png")  # fmt: skip
    assert status == 0 and "interlayers between Au and GaN at 300 K" in out and (tmp_path / "rank.png").exists()
    assert ("decided" in out) and ("1. " in out)
    status, _, err = cli("interlayers", "Au", "GaN", "--thickness-nm", "-1")
    assert status == 2 and "--thickness-nm" in err


def test_measured_lists_the_rows_of_one_stack(cli):
    status, out, _ = cli("measured", "Al", "Si", "-i", "SiO2", "--json")
    doc = json.loads(out)
    assert status == 0 and doc["stack"] == ["a-SiO2"] and doc["measurements"]
    assert all("SiO2" in row["stack"] for row in doc["measurements"])
    status, _, err = cli("measured", "Au", "Al2O3", "-i", "Ti:2nm")
    assert status == 2 and "no interlayer's thickness" in err
