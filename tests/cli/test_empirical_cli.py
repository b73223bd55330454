"""``--empirical`` on predict and validate (issue 10, item 5): the estimate beside the physics models, marked
as empirical, with the held-out numbers of the grouped cross-validation."""

from __future__ import annotations

import json

import numpy as np
import pytest

from kapitza.prediction import empirical_estimate, empirical_validation

pytest.importorskip("sklearn")


def test_predict_shows_the_empirical_line_with_its_band(cli):
    """The values and band printed are the library's (empirical_estimate), and the line says it is not physics."""
    status, out, err = cli("predict", "Al", "Si", "-t", "300", "--empirical")
    assert status == 0, err
    line = next(x for x in out.splitlines() if x.startswith("empirical estimate"))
    e = empirical_estimate("Al", "Si", 300.0)
    assert "not physics" in line and "grouped by paper" in line
    assert f"300 K: {e.value[0] / 1e6:.3g} ({e.low[0] / 1e6:.3g}-{e.high[0] / 1e6:.3g})" in line
    assert e.low[0] < e.value[0] < e.high[0]


def test_predict_json_carries_the_estimate(cli):
    status, out, err = cli("predict", "Al", "Si", "-t", "100,300", "--empirical", "--json")
    assert status == 0, err
    doc = json.loads(out)["empirical"]
    e = empirical_estimate("Al", "Si", [100.0, 300.0])
    assert doc["available"] is True
    np.testing.assert_allclose(doc["conductance"], e.value, rtol=1e-12)
    np.testing.assert_allclose(doc["low"], e.low, rtol=1e-12)
    assert doc["beats_physics"] == e.beats_physics


@pytest.mark.parametrize(
    "args,reason",
    [(("Si", "Ag", "-t", "300"), "no training measurement"), (("Al", "Si", "-t", "3000"), "outside the range")],
)
def test_predict_says_why_there_is_no_estimate(cli, args, reason):
    """A pair or temperature outside the training data: the physics table as usual, and one line saying why."""
    status, out, err = cli("predict", *args, "--empirical")
    assert status == 0, err
    line = next(x for x in out.splitlines() if x.startswith("empirical estimate"))
    assert "not available" in line and reason in line


def test_without_the_flag_there_is_no_empirical_line(cli):
    status, out, _ = cli("predict", "Al", "Si", "-t", "300")
    assert status == 0 and "empirical" not in out


def test_validate_prints_the_grouped_cross_validation(cli):
    status, out, err = cli("validate", "--empirical")
    assert status == 0, err
    text = " ".join(out.split())
    v = empirical_validation()
    assert f"held-out median error x{v.median_factor:.2g}" in text
    assert "grouped by paper" in text
    assert ("beats" if v.beats_physics else "does not beat") in text


def test_a_material_file_gets_no_empirical_estimate_and_says_why(cli, tmp_path):
    """The regressor learnt from the shipped database only (prediction.empirical, its one rule): a material file,
    even with Si's own numbers, gets the library's reason in the text and in --json, and the command succeeds."""
    from kapitza.materials import get_material

    si = get_material("Si")
    mine = tmp_path / "mine.toml"
    mine.write_text(
        "[materials.MySi]\n"
        f"density = {si.density}\nv_l = {si.v_l}\nv_t = {si.v_t}\nnumber_density = {si.number_density}\n"
        f"debye_temperature = {si.debye_temperature}\nthermal_conductivity = {si.thermal_conductivity}\n"
    )
    status, out, err = cli("predict", str(mine), "Ge", "-t", "300", "-m", "dmm", "--empirical")
    assert status == 0, err
    flat = " ".join(out.split())
    assert "empirical estimate: not available" in flat and "is not a shipped material" in flat
    status, out, err = cli("predict", str(mine), "Ge", "-t", "300", "-m", "dmm", "--empirical", "--json")
    doc = json.loads(out)["empirical"]
    assert status == 0 and doc["available"] is False and "is not a shipped material" in doc["reason"]
