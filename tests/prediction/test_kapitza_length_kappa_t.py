"""Kapitza lengths use kappa(T) (issue 15 item 1): L_K(T) = kappa(T) R(T), not kappa(300 K) R(T).

Reference: Si kappa 148 W/m/K at 300 K and 884 at 100 K (Glassbrenner & Slack, Phys. Rev. 134, A1058 (1964),
as in Ho, Powell and Liley, J. Phys. Chem. Ref. Data 1, 279 (1972)); R from kapitza's own DMM.
"""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest

import kapitza
from kapitza.materials import get_material


def test_length_at_300_K_is_table_kappa_times_r():
    r = kapitza.resistance("Al", "Si", 300.0)
    assert kapitza.kapitza_length("Al", "Si", 300.0, side=2) == pytest.approx(148.0 * r, rel=1e-12)


def test_length_at_100_K_uses_kappa_at_100_K():
    """The bug: every T used kappa near 300 K (so L_K ~ 4e8 nm at 1 K)."""
    r = kapitza.resistance("Al", "Si", 100.0)
    length = kapitza.kapitza_length("Al", "Si", 100.0, side="Si")
    assert length == pytest.approx(884.0 * r, rel=1e-12)
    assert length / (148.0 * r) == pytest.approx(884.0 / 148.0, rel=1e-12)


def test_nan_outside_the_table_and_finite_inside():
    t = np.array([0.5, 1.0, 300.0, 2000.0])
    result = kapitza.prediction.predict_model("Al", "Si", t)
    lengths = result.kapitza_length(2)
    assert np.isnan(lengths[0]) and np.isnan(lengths[3])
    assert np.all(np.isfinite(lengths[1:3]))
    assert lengths[1] == pytest.approx(6.93 * result.resistance[1], rel=1e-12)  # Si 1 K: 6.93 W/m/K (Ho et al.)


def test_user_material_keeps_its_single_kappa():
    mine = replace(get_material("Si"), name="MySi", origin="file mine.toml")
    result = kapitza.prediction.predict_model("Al", mine, [100.0, 300.0])
    np.testing.assert_allclose(result.kapitza_length(2), 148.0 * result.resistance, rtol=1e-12)


def run(cli, *args):
    """(status, stdout with its whitespace runs made single spaces, stderr) (``cli``: the conftest fixture)."""
    status, out, err = cli(*args)
    return status, " ".join(out.split()), err


def test_cli_prints_the_lengths_it_can_and_a_footnote(cli):
    """`kapitza predict Al Si -T 0.5,10,300,2000`: n/a outside the tables, the footnote names them."""
    status, flat, err = run(cli, "predict", "Al", "Si", "-t", "0.5,10,300,2000", "-m", "dmm", "--explain")
    assert status == 0, err
    assert "n/a" in flat
    assert "Si: κ(T) table 1-1685 K" in flat and "Al: κ(T) table 1-933.52 K" in flat
    assert "Al at 0.5, 2000 K" in flat and "Si at 0.5, 2000 K" in flat


def test_cli_json_and_csv_lengths(cli, tmp_path):
    status, out, err = cli("predict", "Al", "Si", "-t", "0.5,100,300", "-m", "dmm", "--json")
    assert status == 0, err
    doc = json.loads(out)
    si = doc["results"][0]["kapitza_length"]["Si"]
    r = kapitza.resistance("Al", "Si", [100.0, 300.0])
    assert si[0] == "nan"  # outside the kappa(T) table; one JSON policy (io.results.dumps), null before issue 26
    np.testing.assert_allclose(si[1:], [884.0 * r[0], 148.0 * r[1]], rtol=1e-12)
    out = tmp_path / "g.csv"
    status, _, err = run(cli, "predict", "Al", "Si", "-t", "0.5,100", "-m", "dmm", "--csv", str(out))
    assert status == 0, err
    rows = [line.split(",") for line in out.read_text().splitlines()]
    header = rows[0]
    col = header.index("kapitza_length_Si_m")
    assert rows[1][col] == "" and float(rows[2][col]) == pytest.approx(884.0 * r[0], rel=1e-12)


def test_cli_footnote_for_a_user_file(cli, tmp_path):
    si = get_material("Si")
    mine = tmp_path / "mine.toml"
    mine.write_text(
        "[materials.MySi]\n"
        f"density = {si.density}\nv_l = {si.v_l}\nv_t = {si.v_t}\nnumber_density = {si.number_density}\n"
        f"debye_temperature = {si.debye_temperature}\nthermal_conductivity = {si.thermal_conductivity}\n"
    )
    status, flat, err = run(cli, "predict", str(mine), "Ge", "-t", "1,300", "-m", "dmm", "--explain")
    assert status == 0, err
    assert "MySi: κ near 300 K from the file mine.toml" in flat
