"""``kapitza transmission`` and the helium / inelastic parts of ``kapitza predict``, as a user runs them."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

import kapitza
from kapitza.transmission.amm import hemispherical_averages

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def test_transmission_table_shows_averages_and_critical_angles(cli):
    status, out, err = cli("transmission", "Al", "Si")
    assert status == 0, err
    for needle in ("incident P", "incident SV", "incident SH", "transmitted SV", "critical angles"):
        assert needle in out
    means = hemispherical_averages("Al", "Si", "P")
    assert f"{means['transmitted_P']:.6g}" in out
    al, si = kapitza.get_material("Al"), kapitza.get_material("Si")
    assert f"{math.degrees(math.asin(al.v_l / si.v_l)):.4f}" in out


def test_transmission_json_matches_the_api(cli):
    status, out, _ = cli("transmission", "He4", "Cu", "--model", "amm", "--angles", "46", "--json")
    assert status == 0
    doc = json.loads(out)
    assert doc["incident"] == ["P"] and doc["model"] == "amm"
    r = kapitza.amm_angular("He4", "Cu", n_angles=46)
    np.testing.assert_allclose(doc["angle"], r.angle, rtol=1e-15)
    np.testing.assert_allclose(doc["alpha"]["P"]["transmitted_SV"], r.coefficients[0, 2], rtol=1e-15)
    assert doc["hemispherical_average"]["P"]["transmitted_P"] == pytest.approx(r.averages[0, 1], rel=1e-15)
    assert doc["critical_angles_deg"]["P"]["transmitted_SV"] == pytest.approx(
        math.degrees(r.critical["P"]["transmitted_SV"]), rel=1e-15
    )


@pytest.mark.parametrize("args", [["Al", "Si"], ["He4", "Cu", "--log"], ["Cu", "He4", "--model", "amm-simple"]])
def test_transmission_plot_is_written(cli, tmp_path, args):
    png = tmp_path / "alpha.png"
    status, _, err = cli("transmission", *args, "--plot", str(png))
    assert status == 0, err
    assert png.read_bytes()[:8] == PNG_MAGIC and png.stat().st_size > 20_000


@pytest.mark.parametrize(
    "args,needle",
    [
        (["transmission", "Al", "Si", "--model", "dmm"], "amm"),
        (["transmission", "Al", "Si", "--angles", "1"], "--angles"),
        (["transmission", "Al", "Si", "--angles", "100000000"], "GB"),
        (["transmission", "Al", "Unobtainium"], "unknown material"),
        (["transmission", "Al", "Si", "--plot", "a.jpeg"], ".png"),
        (["predict", "Al", "Si", "--inelastic", "A=-1,q=1,m=1"], "A must be >= 0"),
        (["predict", "Al", "Si", "--inelastic", "A=1e-18,q=1"], "missing"),
        (["predict", "Al", "Si", "--inelastic", "A=big,q=1,m=1"], "not a number"),
        (["predict", "Al", "Si", "--inelastic", "A"], "A=1e-15,q=1,m=1"),
    ],
)
def test_bad_input_is_one_line_and_status_2(cli, args, needle):
    status, _, err = cli(*args)
    assert status == 2
    assert err.count("\n") == 1 and err.startswith("kapitza: error:") and needle in err


def test_predict_copper_helium_reports_r_t_cubed(cli):
    """`kapitza predict Cu He4` runs every model at cryogenic defaults and shows R T^3 in m^2 K^4 W^-1."""
    status, out, err = cli("predict", "Cu", "He4")
    assert status == 0, err
    assert "R T\u00b3" in out and "amm-simple" in out
    rt3 = kapitza.prediction.predict_model("Cu", "He4", [1.0], "amm").resistance_t3[0]
    assert f"{rt3:.4g}" in out
    assert "L_K He4" not in out  # helium has no Fourier conductivity: no Kapitza-length column
    status, out, _ = cli("predict", "Cu", "He4", "-t", "0.1,1", "--json")
    doc = json.loads(out)
    assert doc["units"]["resistance_t3"] == "m^2 K^4 W^-1"
    by_model = {r["model"]: r for r in doc["results"]}
    np.testing.assert_allclose(
        by_model["amm"]["resistance_t3"],
        kapitza.prediction.predict_model("Cu", "He4", [0.1, 1.0], "amm").resistance_t3,
        rtol=1e-15,
    )


def test_predict_solid_pair_has_no_r_t_cubed(cli):
    status, out, _ = cli("predict", "Al", "Si", "-t", "300", "--json")
    assert status == 0 and "resistance_t3" not in out
    status, out, _ = cli("predict", "Al", "Si", "-t", "300")
    assert "R T\u00b3" not in out


def test_predict_with_inelastic_channel(cli):
    status, out, _ = cli("predict", "Al", "Si", "-t", "300", "-m", "amm", "--inelastic", "A=1e-18,q=1,m=1", "--json")
    assert status == 0
    entry = json.loads(out)["results"][0]
    assert entry["settings"]["inelastic"] == {"A": 1e-18, "q": 1.0, "m": 1.0}
    expected = kapitza.conductance("Al", "Si", 300.0, "amm", inelastic=dict(A=1e-18, q=1, m=1))
    assert entry["conductance"][0] == pytest.approx(expected, rel=1e-15)
    assert expected > kapitza.conductance("Al", "Si", 300.0, "amm")
    status, out, _ = cli("predict", "Al", "Si", "-t", "300", "--inelastic", "A=1e-18,q=1,m=1", "--explain")
    assert status == 0 and "inelastic" in out
