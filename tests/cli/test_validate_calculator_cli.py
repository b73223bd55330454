"""``kapitza validate --calculator NAME``: coverage, the rows left out by reason, the calculator beside the Debye
DMM, the band, the figure; every bad input one line and exit 2.

The rows are a slice of the shipped compilation (the library's ``shipped_measurements`` replaced for the command)
and the calculator is ASE's EMT through tests/mlip_factories.py, so the command runs in seconds.
"""

from __future__ import annotations

import importlib.util
import json

import numpy as np
import pytest

from answer_rules import answer_first
from kapitza.prediction.validation import calculators as CV

pytest.importorskip("phonopy")

EMT = "mlip_factories:emt"
PAIRS = {("Al", "Cu"), ("Pt", "Au"), ("Au", "Si"), ("Au", "a-SiO2"), ("AuxCu1-x", "Al2O3"), ("Cu", "Pb")}


@pytest.fixture(scope="module")
def small_rows():
    data = CV.shipped_measurements()
    return data.select(np.array([(f, s) in PAIRS for f, s in zip(data.film, data.substrate)], dtype=bool))


@pytest.fixture
def small(monkeypatch, small_rows):
    """The slice as the shipped compilation, for the command and for ``CV.calculator_validation(EMT, mesh=8)``."""
    monkeypatch.setattr(CV, "shipped_measurements", lambda: small_rows)
    return small_rows


@pytest.fixture(scope="module", autouse=True)
def validated_once():
    """The validation of the slice is computed once for the module (:func:`conftest.built_once`): the first command
    computes it, and every later command with the same arguments (text, --explain, --json, --plot) and the library
    call the tests compare with get that one result, so the tests check each rendering against the library's object;
    a command that passed other arguments (another mesh, cutoff or bound) computes afresh and differs.  A test that
    changes what the validation reads must call ``validated_once.real``."""
    from conftest import built_once

    with built_once(CV, "calculator_validation") as built:
        yield built


def _one_line(status, out, err, words):
    assert status == 2, err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("kapitza: error:") and words in lines[0], err
    assert out == ""


def test_prints_coverage_reasons_the_two_models_and_the_band(cli, small):
    """Issue 53 item 4: the table, the band and the coverage first (at most 17 lines with the hint), the rows left
    out by reason and the models in words with --explain."""
    status, out, err = cli("validate", "--calculator", EMT, "--mesh", "8")
    assert status == 0, err
    found = CV.calculator_validation(EMT, mesh=8)
    lines = answer_first(out, most=17, within=14, answer=f"band: x/\u00f7 {found.band().factor:.3g}")
    scored = int(found.scored.sum())
    assert any(f"coverage: {scored} of {len(found)} bare measured rows scored" in line for line in lines)
    assert "amorphous SiO2" not in out and "phonons from" not in out
    status, out, err = cli("validate", "--calculator", EMT, "--mesh", "8", "--explain")
    assert status == 0, err
    text = " ".join(out.split())  # rich wraps long lines
    scored = int(found.scored.sum())
    assert f"coverage: {scored} of {len(found)} bare measured rows scored" in text
    for why, count in found.left_out().items():
        if count:
            assert f"{count} {why}:" in text
    assert "a-SiO2 " in text and "amorphous SiO2 (a-SiO2): left out of the calculator's rows" in text
    assert "Debye DMM" in text and "full-dispersion DMM" in text
    band = found.band()
    assert f"band: x/÷ {band.factor:.3g}" in text
    assert "phonons from the ASE calculator EMT from mlip_factories:emt" in text


def test_json_equals_the_library(cli, small):
    status, out, err = cli("validate", "--calculator", EMT, "--mesh", "8", "--json")
    assert status == 0, err
    doc = json.loads(out)
    found = CV.calculator_validation(EMT, mesh=8)
    assert doc["rows_available"] == len(found) and doc["rows_scored"] == int(found.scored.sum())
    assert doc["left_out"] == found.left_out()
    assert doc["rows_scored"] + sum(doc["left_out"].values()) == doc["rows_available"]
    for which in ("calculator", "debye"):
        for rows in ("common", "all"):
            s = found.statistics(which, rows)
            assert doc["statistics"][which][rows]["rows"] == s.rows
            assert doc["statistics"][which][rows]["median_factor"] == pytest.approx(s.median_factor, rel=1e-12)
    assert doc["band"]["factor"] == pytest.approx(found.band().factor, rel=1e-12)
    assert doc["crystals"]["Si"].startswith("structure Si")  # EMT has no Si: refused, with the reason


def test_plot_draws_both_models(cli, small, tmp_path):
    path = tmp_path / "v.png"
    status, out, err = cli("validate", "--calculator", EMT, "--mesh", "8", "--plot", path)
    assert status == 0, err
    assert path.stat().st_size > 10_000 and "plot written to" in err


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--calculator", "no_such_module_here:make"), "no_such_module_here"),
        (("--calculator", "no such"), "calculator"),
        (("--calculator", EMT, "--model", "dmm"), "--model does not combine with --calculator"),
        (("--calculator", EMT, "--interlayers"), "--interlayers does not combine with --calculator"),
        (("--mesh", "8"), "--mesh sets the full-dispersion spectra of --calculator"),
        (("--calculator", EMT, "--mesh", "0"), "mesh"),
        (("--calculator", EMT, "--cutoff", "nope"), "cutoff"),
        (("--calculator", EMT, "--plot", "v.txt"), "--plot"),
    ],
)
def test_bad_input_is_one_line(cli, args, words):
    _one_line(*cli("validate", *args), words)


def test_a_missing_extra_is_one_line_naming_it(cli, monkeypatch):
    from kapitza.atomistic import calculators

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "chgnet" else real(name, *a))
    calculators._builtin_source.cache_clear()
    try:
        _one_line(*cli("validate", "--calculator", "chgnet"), "kapitza[mlip]")
    finally:
        calculators._builtin_source.cache_clear()


@pytest.mark.slow  # 20-50 s on 2 cores: the default suite stays near 10 minutes (pytest -m slow)
def test_long_wave_groups_are_printed_where_the_page_measured_the_calculator(cli, small, monkeypatch, tmp_path):
    """No group for a calculator the elastic-accuracy page never measured (EMT: [] in --json, no table); with an
    errors file that holds EMT on Al and Cu (made up: Al's shear 50 % soft, Cu's 10 %), the table and the JSON carry
    the library's groups."""
    from kapitza.phonons import elastic

    status, out, err = cli("validate", "--calculator", EMT, "--mesh", "8", "--json")
    assert status == 0 and json.loads(out)["long_wave_groups"] == [], err
    path = tmp_path / "errors.toml"
    records = []
    for crystal, shear in (("Al", 0.5), ("Cu", 0.9)):
        records.append(
            f'[[records]]\ncalculator = "{EMT}"\ncrystal = "{crystal}"\nformula = "{crystal}"\natoms = 4\n'
            f'relaxed_cell = [4.0, 4.0, 4.0]\nmeasured_on = "test"\nmeasured_source = "made up"\n'
            f'stiffness = ["C44"]\nwave = ["shear"]\ncalculated_gpa = [{10 * shear}]\nmeasured_gpa = [10.0]\n'
        )
    path.write_text("\n".join(records))
    monkeypatch.setattr(elastic, "ERRORS_FILE", path)
    found = CV.calculator_validation(EMT, mesh=8)
    groups = found.long_wave_groups()
    assert sum(g.rows for g in groups) == int(found.scored.sum()) and groups[0].rows > 0  # Al/Cu: -50 %
    status, out, err = cli("validate", "--calculator", EMT, "--mesh", "8", "--json")
    assert status == 0, err
    assert json.loads(out)["long_wave_groups"] == [json.loads(json.dumps(g.to_dict())) for g in groups]
    status, out, err = cli("validate", "--calculator", EMT, "--mesh", "8", "--explain")
    assert status == 0 and "softest shear" in out and "at or below -40 %" in out, err
