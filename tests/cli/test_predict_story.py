"""``kapitza predict`` tells the whole story: electrons, the models in words, the measured values."""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest

import kapitza
from kapitza.literature import measurements_for
from kapitza.prediction import get_model
from kapitza.transmission.electronic import electronic_dmm, metal_electron_phonon_conductance


def run(cli, *args):
    """stdout of a command that must succeed (``cli``: the conftest fixture)."""
    status, out, err = cli(*args)
    assert status == 0, err
    return out


def _json(cli, *args):
    return json.loads(run(cli, "predict", *args, "--json"))


def test_metal_nonmetal_shows_g_ep_total_and_what_limits(cli):
    out = run(cli, "predict", "Al", "sapphire", "-t", "300", "--explain")
    gep = metal_electron_phonon_conductance("Al") / 1e6
    for text in ("G_ph", "G_ep Al", "G total", "R total", f"{gep:.4g}"):
        assert text in out
    gph = kapitza.conductance("Al", "sapphire", 300.0, "dmm") / 1e6
    total = 1 / (1 / gph + 1 / gep)
    assert f"{gph:.4g}" in out and f"{total:.4g}" in out
    # Al/sapphire at 300 K: G_ep (~1273) is above every phonon model's G, so the phonons limit.
    assert "phonons limit: G_ph < G_ep" in out
    assert "R_ep = 1/sqrt(g \u03ba_p)" in out and "Majumdar and P. Reddy, Appl. Phys. Lett. 84, 4768 (2004)" in out


def test_electron_phonon_limits_where_g_ph_exceeds_g_ep(cli):
    """Al/Si at 1000 K with per-branch cutoffs: the radiation limit's G_ph (1333) exceeds G_ep (1273), so there
    the coupling limits."""
    out = run(cli, "predict", "Al", "Si", "-t", "300,1000", "-m", "limit", "--cutoff", "branch", "--explain")
    assert "electron-phonon coupling in Al limits" in out and "limit at 1000 K" in out


def test_json_total_is_the_series_value_and_below_both(cli):
    """1/G_total = 1/G_ph + 1/G_ep (resistances in series, Majumdar & Reddy 2004)."""
    doc = _json(cli, "Au", "Si", "-t", "10,100,300")
    assert doc["interface_kind"] == "metal/non-metal"
    gep = doc["electron_phonon"]["conductance"]
    assert gep == metal_electron_phonon_conductance("Au") and doc["electron_phonon"]["metal"] == "Au"
    for entry in doc["results"]:
        gph, total = np.array(entry["conductance_phonon"]), np.array(entry["conductance_total"])
        assert entry["conductance"] == entry["conductance_phonon"]  # the existing key keeps the phonon G
        np.testing.assert_allclose(1 / total, 1 / gph + 1 / gep, rtol=1e-12)
        assert np.all(total <= np.minimum(gph, gep))
        np.testing.assert_allclose(entry["resistance_total"], 1 / total, rtol=1e-14)
        assert entry["limited_by"] == ["electron-phonon" if gep < g else "phonon" for g in gph]


def test_metal_metal_shows_the_electronic_dmm_and_the_statement(cli):
    out = run(cli, "predict", "Al", "Cu", "-t", "300", "--explain")
    g = float(electronic_dmm("Al", "Cu", 300.0).conductance[0]) / 1e6
    assert "electronic diffuse mismatch model" in out and "electronic-dmm" in out and f"{g:.4g}" in out
    assert "Gundrum, D. G. Cahill and R. S. Averback, Phys. Rev. B 72, 245426 (2005)" in out
    assert "metal/metal interface: electrons carry the heat across it" in out
    assert "phonon models below do not describe it" in out
    assert out.index("electronic-dmm") < out.index("amm-simple")  # the electrons come first
    doc = _json(cli, "Al", "Cu", "-t", "300")
    assert doc["electronic_dmm"]["conductance"] == pytest.approx([g * 1e6], rel=1e-14)
    assert doc["electron_phonon"] is None and "conductance_total" not in doc["results"][0]


def test_metal_metal_without_fermi_velocity_says_why(cli):
    out = run(cli, "predict", "Pt", "Au", "-t", "300", "--explain")
    assert "electronic DMM cannot be computed: no Fermi velocity" in out and "Pt" in out
    assert "metal/metal interface" in out
    assert _json(cli, "Pt", "Au", "-t", "300")["electronic_missing"].startswith("the electronic DMM")


def test_metal_without_coupling_says_so_and_shows_phonons_only(cli):
    out = run(cli, "predict", "Pb", "Si", "-t", "300")
    assert "no electron-phonon coupling constant" in out and "phonon numbers only" in out
    assert "G_ep Pb" not in out and "G total" not in out and "R_ep" not in out


def test_non_metals_have_no_electron_lines(cli):
    out = run(cli, "predict", "Si", "Ge", "-t", "300")
    for text in ("G_ep", "R_ep", "electron", "metal/metal"):
        assert text not in out
    doc = _json(cli, "Si", "Ge", "-t", "300")
    assert doc["interface_kind"] == "non-metal/non-metal" and doc["electron_phonon"] is None


def test_each_shown_model_is_named_in_words(cli):
    out = run(cli, "predict", "Si", "Ge", "-t", "300", "-m", "limit", "-m", "dmm", "--explain")
    lines = out.splitlines()
    for name in ("limit", "dmm"):
        assert f"{name} = {get_model(name).description}" in lines
    assert "the largest conductance detailed balance allows for elastic scattering" in out
    assert not any(line.startswith("amm") for line in lines)


def test_measured_line_for_al_si_closes_the_answer(cli):
    """The measured range is the last line of the answer (before the line that counts what --explain adds); with
    --explain the count of interlayer stacks left out (issue 28) follows among the details."""
    rows = measurements_for("Al", "Si", [300.0])
    assert len(rows) > 0
    out = run(cli, "predict", "Al", "Si", "-t", "300")
    lines = out.strip().splitlines()
    assert lines[-1].startswith("--explain adds ")
    last = next(line for line in lines if line.startswith("measured (within"))
    assert lines.index(last) >= len(lines) - 2 - sum(line.startswith("warning:") for line in lines)
    explained = run(cli, "predict", "Al", "Si", "-t", "300", "--explain")
    assert any(line.startswith("besides ") and "--interlayers" in line for line in explained.splitlines())
    assert last.startswith("measured (within 10 % of the requested temperatures)")
    assert f"{len(rows)} values from {rows.references} papers" in last
    assert "(kapitza measured Al Si lists them)" in last
    low, high = rows.conductance.min() / 1e6, rows.conductance.max() / 1e6
    assert f"G = {low:.4g}-{high:.4g} MW" in last
    assert "TDTR" in last
    measured = _json(cli, "Al", "Si", "-t", "300")["measured"]
    assert measured["count"] == len(rows) and measured["papers"] == rows.references
    assert measured["conductance_w_m2k"] == [rows.conductance.min(), rows.conductance.max()]
    assert measured["above_physical_bound"] == 0 and "physical upper bound" not in last


def test_measured_line_says_which_rows_no_physics_allows(cli):
    """Schumann et al.'s Cu/Pb rows at 2-6 K (10,800-32,400 MW m^-2 K^-1) lie far above the pair's physical bound
    (kapitza.prediction.bounds; validate leaves them out): predict's measured line says so, with their count."""
    out = run(cli, "predict", "Cu", "Pb", "-t", "2,4,6")
    line = next(x for x in out.splitlines() if x.startswith("measured (within"))
    rows = measurements_for("Cu", "Pb", [2.0, 4.0, 6.0])
    assert f"{len(rows)} of them lie above the physical upper bound of the pair" in line
    assert _json(cli, "Cu", "Pb", "-t", "2,4,6")["measured"]["above_physical_bound"] == len(rows) > 1


def test_no_measured_line_for_a_pair_without_data(cli):
    assert len(measurements_for("Ge", "He4")) == 0  # the compilation has no Ge/liquid-helium row at all
    out = run(cli, "predict", "Ge", "He4", "-t", "1")
    assert "measured (within" not in out and "measured with a layer" not in out
    assert _json(cli, "Ge", "He4", "-t", "1")["measured"] is None
    # Al/Si has data, but none near 3 K.
    assert len(measurements_for("Al", "Si", [3.0])) == 0
    assert "measured (within" not in run(cli, "predict", "Al", "Si", "-t", "3")


def test_measurements_above_the_radiation_limit_point_to_inelastic(cli):
    """Pb/diamond near 300 K: measured up to 30 MW m^-2 K^-1 (compilation), above the elastic limit (~20)."""
    rows = measurements_for("Pb", "C", [300.0])
    limit = kapitza.conductance("Pb", "C", rows.temperature, "limit")
    n_over = int(np.sum(rows.conductance > limit))
    assert n_over > 0
    out = run(cli, "predict", "Pb", "diamond", "-t", "300", "-m", "dmm")  # the check runs without -m limit
    assert f"{n_over} of these {len(rows)} measured values exceed the phonon radiation limit" in out
    assert "--inelastic" in out
    over = _json(cli, "Pb", "C", "-t", "300", "-m", "dmm")["measured"]["above_radiation_limit"]
    assert over["count"] == n_over and over["max_ratio"] == pytest.approx(np.max(rows.conductance / limit))


def test_no_inelastic_hint_where_measurements_are_below_the_limit(cli):
    rows = measurements_for("Al", "Si", [300.0])
    assert np.all(rows.conductance < kapitza.conductance("Al", "Si", rows.temperature, "limit"))
    assert "--inelastic" not in run(cli, "predict", "Al", "Si", "-t", "300")


def test_csv_carries_the_electronic_columns(cli, tmp_path):
    path = tmp_path / "g.csv"
    run(cli, "predict", "Al", "Si", "-t", "100,300", "-m", "dmm", "--csv", str(path))
    rows = list(csv.DictReader(path.open()))
    assert len(rows) == 2
    gep = metal_electron_phonon_conductance("Al")
    for row in rows:
        gph, total = float(row["conductance_W_m-2_K-1"]), float(row["conductance_total_W_m-2_K-1"])
        assert float(row["conductance_electron_phonon_W_m-2_K-1"]) == gep
        assert total == pytest.approx(1 / (1 / gph + 1 / gep), rel=1e-14)
    path2 = tmp_path / "m.csv"
    run(cli, "predict", "Al", "Cu", "-t", "300", "-m", "dmm", "--csv", str(path2))
    models = [row["model"] for row in csv.DictReader(path2.open())]
    assert models == ["dmm", "electronic-dmm"]
