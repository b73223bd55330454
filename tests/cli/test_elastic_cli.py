"""``kapitza elastic``: a crystal's relaxed-ion elastic constants beside the measured ones; bad input one line,
exit 2.  Calculators from tests/mlip_factories.py (on the path), so no machine-learned potential is needed."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("ase")
pytest.importorskip("matscipy")

SW = "mlip_factories:stillinger_weber_si"


def test_the_tables_state_constants_stiffnesses_and_sources(cli):
    status, out, err = cli("elastic", "Si", "--calculator", SW, "--quiet")
    assert status == 0, err
    assert "relaxed-ion elastic constants with" in out and "C'" in out and "shear" in out
    assert "elastically stable" in out and "McSkimin" in out and "docs/reference/elastic-accuracy" in out
    assert "space group Fd-3m (227), 8 atoms in the conventional cell; relaxed a 5.4310 -> 5.4310 A" in out
    assert "memory: not stated (no measured footprint for this calculator; the libraries were counted)" in out


def test_json_holds_the_numbers(cli):
    status, out, err = cli("elastic", "Si", "--calculator", SW, "--json")
    assert status == 0, err
    doc = json.loads(out)
    assert doc["symmetry"] == "cubic" and doc["constants_GPa"]["C44"] == pytest.approx(56.4, abs=0.15)
    assert doc["measured_GPa"]["C44"] == pytest.approx(79.56)
    assert doc["axis_stiffnesses_GPa"]["C44"]["wave"] == "shear" and len(doc["tensor_GPa"]) == 6
    assert doc["memory_GB_per_process"] is None  # a user's calculator: no measured footprint


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("SiO2",), "amorphous"),
        (("nosuch.cif",), "does not exist"),
        (("Cu:fcc:a=-1",), "a must be between"),
        (("Si", "--calculator", "os:getcwd"), "not an ASE calculator"),
        (("Si", "--calculator", "nosuch+d4"), "unknown calculator"),
        (("Si", "--calculator", SW, "--max-memory-gb", "nan"), "--max-memory-gb must be finite"),
        (("Si", "--calculator", SW, "--max-memory-gb", "0.01"), "above --max-memory-gb 0.01"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(cli, args, words):
    status, out, err = cli("elastic", *args, "--quiet")
    lines = [line for line in err.splitlines() if line.strip()]
    assert status == 2 and out == "" and len(lines) == 1 and words in lines[0], err
