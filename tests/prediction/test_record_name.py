"""A crystal built from its structure answers under the database's record of its formula
(kapitza.phonons.derived_record.derived_material: the record's thermal conductivity, melting point and electron data
go with it).  Where that record's name is not the crystal's (3C-SiC from the crystal table is 4H-SiC's record, the
database's one SiC), the answer says so in a warning: before, ``kapitza predict 3C-SiC Si`` headed its table
"4H-SiC → Si" and gave 4H-SiC's Kapitza lengths with no warning at all (found by hand, 2026-11-29)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

import kapitza
from kapitza.prediction.presenter import record_name_line


def test_a_crystal_under_another_records_name_is_said_and_one_under_its_own_is_not():
    record = SimpleNamespace(name="4H-SiC", formula="SiC")
    line = record_name_line(SimpleNamespace(name="3C-SiC", material=record))
    assert line.startswith("3C-SiC appears as 4H-SiC, the database's record of its formula SiC")
    assert "thermal conductivity (the Kapitza lengths), melting point and electron data 4H-SiC's" in line
    assert record_name_line(SimpleNamespace(name="4H-SiC", material=record)) == ""
    assert record_name_line(SimpleNamespace(name="Si")) == ""  # a crystal without a record: nothing to say


def test_predict_3c_sic_on_si_says_whose_record_it_answers_with():
    """The shipped crystals (kapitza's default potential): no force call."""
    pytest.importorskip("sevenn")
    pytest.importorskip("phonopy")
    p = kapitza.predict("3C-SiC", "Si", 300)
    said = [w for w in p.warnings if "appears as" in w]
    assert said == [record_name_line(p.crystals[0])] and p.crystals[0].name == "3C-SiC"
    assert p.to_dict()["warnings"].count(said[0]) == 1  # in the document, so in --json and the text alike
    assert record_name_line(p.crystals[1]) == ""  # Si: its own record's name
