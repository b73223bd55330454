"""``kapitza tdtr | fdtr`` simulate, sensitivity, fit end to end; hostile inputs -> one line, exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "thermoreflectance"

SAMPLE = """
title = "Al on sapphire, CLI test"
[laser]
pump_radius_um = 10.0
probe_radius_um = 5.0
modulation_frequency_mhz = 9.8
[[layer]]
name = "Al"
thickness_nm = 80.0
thickness_nm_err = 2.0
heat_capacity = 2.42e6
k = 200.0
[[layer]]
name = "sub"
heat_capacity = 3.06e6
k = 35.0
[[interface]]
conductance = 1.0e8
"""


@pytest.fixture
def sample(tmp_path):
    path = tmp_path / "sample.toml"
    path.write_text(SAMPLE)
    return path


def test_simulate_then_fit_recovers_g(cli, tmp_path, sample):
    """Data written by `simulate` (the model at G = 100 MW m^-2 K^-1, no noise) read back by `fit`, started at
    G = 50: G comes back to 1e-3 (the written data carry 8 digits), and the JSON is SI with the errors split."""
    data = tmp_path / "d.txt"
    status, _, err = cli("tdtr", "simulate", sample, "--delays", "100:4000:20", "--out", data)
    assert status == 0, err
    start = tmp_path / "start.toml"
    start.write_text(SAMPLE.replace("conductance = 1.0e8", "conductance = 5.0e7"))
    plot = tmp_path / "fit.png"
    status, out, err = cli("tdtr", "fit", start, data, "--fit", "G", "--json", "--plot", plot, "--predict", "none")
    assert status == 0, err
    doc = json.loads(out)
    g = doc["fitted"]["G"]
    assert g["value"] == pytest.approx(1e8, rel=1e-3)
    assert g["unit"] == "W m^-2 K^-1"
    assert g["error"] ** 2 == pytest.approx(g["error_statistical"] ** 2 + g["error_fixed"] ** 2, rel=1e-6)
    assert g["error_fixed"] > 0  # d_Al has a stated error
    assert doc["fixed"]["d_Al"]["error"] == pytest.approx(2e-9)
    assert plot.read_bytes()[:8] == PNG_MAGIC


def test_examples_fit_within_their_errors(cli):
    """The README's FDTR example: the true G of the synthetic data (80 MW m^-2 K^-1, stated in the file's title)
    lies within 2 sigma of the fitted value."""
    status, out, err = cli(
        "fdtr", "fit", EXAMPLES / "fdtr_sample.toml", EXAMPLES / "fdtr_phase.txt", "--fit", "G,k_Si", "--json"
    )
    assert status == 0, err
    g = json.loads(out)["fitted"]["G"]
    assert abs(g["value"] - 8e7) < 2 * g["error"]


def test_sensitivity_json_and_plot(cli, tmp_path, sample):
    plot = tmp_path / "s.png"
    status, out, err = cli("fdtr", "sensitivity", sample, "--frequencies", "1e4:1e7:12", "--json", "--plot", plot)
    assert status == 0, err
    doc = json.loads(out)
    assert doc["quantity"] == "phase" and "G" in doc["sensitivity"]["names"]
    assert plot.read_bytes()[:8] == PNG_MAGIC


@pytest.mark.parametrize(
    ("edit", "args", "message"),
    [
        (None, ("--fit", "G,k_nothing"), "k_nothing"),
        (None, ("--fit", "G", "--bounds", "G=1e9:1e7"), "LO < HI"),
        (None, ("--fit", "G", "--range", "4000:100"), "LO < HI"),
        (None, ("--fit", "G", "--quantity", "phase"), "quantity"),
        (None, ("--fit", "G", "--plot", "fit.gif"), ".png"),
        (None, ("--fit", "G", "--mcmc", "-1"), "--mcmc"),
        (("thickness_nm = 80.0", "thickness_nm = 0.0"), ("--fit", "G"), "thickness"),
        (("k = 35.0", "k = -35.0"), ("--fit", "G"), "conductivity"),
        (("[[interface]]\nconductance = 1.0e8", ""), ("--fit", "G"), "interface"),
    ],
)
def test_bad_input_is_one_line_and_writes_nothing(cli, tmp_path, edit, args, message):
    text = SAMPLE if edit is None else SAMPLE.replace(*edit)
    sample = tmp_path / "s.toml"
    sample.write_text(text)
    data = tmp_path / "d.txt"
    data.write_text("Delay (ps)  Ratio\n100 3.0\n200 2.5\n400 2.0\n800 1.5\n")
    args = tuple(str(tmp_path / a) if a.endswith(".gif") else a for a in args)
    status, out, err = cli("tdtr", "fit", sample, data, *args)
    assert status == 2
    assert message in err and len(err.strip().splitlines()) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.txt", "s.toml"]


def test_bad_data_file_is_one_line(cli, tmp_path, sample):
    data = tmp_path / "d.txt"
    data.write_text("Delay (ps)  Ratio\n100 3.0 7\n200 2.5\n400 2.0\n")
    status, _, err = cli("tdtr", "fit", sample, data, "--fit", "G")
    assert status == 2 and "d.txt" in err and len(err.strip().splitlines()) == 1
    data.write_text("Frequency (Hz)  Phase (deg)\n1e5 -10\n1e6 -20\n1e7 -30\n")
    status, _, err = cli("tdtr", "fit", sample, data, "--fit", "G")
    assert status == 2 and len(err.strip().splitlines()) == 1


def test_unresolvable_fit_is_one_line(cli, tmp_path, sample):
    """Pump and probe radii enter only through w_pump^2 + w_probe^2: a fit of both cannot converge to a
    unique answer and must say so in one line (exit 2), not print a meaningless covariance."""
    data = tmp_path / "d.txt"
    assert cli("fdtr", "simulate", sample, "--frequencies", "1e4:1e7:15", "--out", data)[0] == 0
    status, _, err = cli("fdtr", "fit", sample, data, "--fit", "w_pump,w_probe", "--predict", "none")
    assert status == 2 and len(err.strip().splitlines()) == 1


def test_simulate_refuses_bad_grid_and_noise(cli, tmp_path, sample):
    for args, message in (
        (("--delays", "100:50:10"), "LO < HI"),
        (("--delays", "100:4000:x"), "whole number"),
        (("--delays", "1:20000:5"), "pulse period"),
        (("--noise", "-1"), "--noise"),
    ):
        status, _, err = cli("tdtr", "simulate", sample, *args)
        assert status == 2 and message in err, (args, err)


def test_error_before_any_work_prints_no_progress_residue(cli, tmp_path, sample):
    """Two names for one quantity (G and G_G) are refused before the model runs: stderr is that one line and
    nothing else (the progress bar only appears at the first model evaluation)."""
    data = tmp_path / "d.txt"
    data.write_text("Delay (ps)  Ratio\n100 3.0\n200 2.5\n400 2.0\n800 1.5\n")
    status, out, err = cli("tdtr", "fit", sample, data, "--fit", "G,G_G")
    assert status == 2 and out == ""
    assert err.startswith("kapitza: error: ") and err.count("\n") == 1 and "G_G" in err


def _unexplained_errors(doc, path=""):
    """Every key naming an error (``error``, ``error_*``, ``*_error``) whose value is 0 or NaN, without a sibling
    key ending in ``note`` (a note saying why) in the same JSON object."""
    bad = []
    if isinstance(doc, dict):
        noted = any(k.endswith("note") for k in doc)
        for key, value in doc.items():
            is_error = key == "error" or key.startswith("error_") or key.endswith("_error")
            if is_error and not key.endswith("note") and isinstance(value, (int, float, str)):
                x = float(value) if not isinstance(value, str) or value in ("nan", "inf", "-inf") else None
                if x is not None and (x == 0 or x != x) and not noted:
                    bad.append(f"{path}/{key}")
            bad += _unexplained_errors(value, f"{path}/{key}")
    elif isinstance(doc, list):
        for i, value in enumerate(doc):
            bad += _unexplained_errors(value, f"{path}/{i}")
    return bad


def test_noise_free_fit_json_says_so_and_no_error_is_zero_without_a_note(cli, tmp_path, sample):
    """Issue 25 item 7: `fdtr simulate` data (noise-free, 8 digits) fitted without sigmas give a statistical error at
    round-off.  The console marks it 'round-off*' with the note; the JSON has noise_free = true, the note in
    'notes' and beside every statistical error; the sample states no fixed-input error (error_fixed = 0, noted), and
    no JSON error is zero or NaN without a note beside it (checked over the whole document)."""
    data = tmp_path / "d.txt"
    assert cli("fdtr", "simulate", sample, "--frequencies", "1e5:2e7:20", "--out", data)[0] == 0
    start = tmp_path / "start.toml"
    start.write_text(SAMPLE.replace("conductance = 1.0e8", "conductance = 5.0e7").replace("thickness_nm_err = 2.0", ""))
    status, out, err = cli("fdtr", "fit", start, data, "--fit", "G", "--json", "--predict", "none")
    assert status == 0, err
    doc = json.loads(out)
    assert doc["goodness_of_fit"]["noise_free"] is True
    assert any(n.startswith("noise-free data") for n in doc["notes"])
    g = doc["fitted"]["G"]
    assert "not a measurement error" in g["error_statistical_note"]
    assert g["error_fixed"] == 0 and "no fixed input has a stated error" in g["error_fixed_note"]
    assert _unexplained_errors(doc) == []
    status, out, err = cli("fdtr", "fit", start, data, "--fit", "G", "--no-progress", "--predict", "none")
    assert status == 0, err
    assert "round-off*" in out and "noise-free data" in out


def test_fit_on_data_with_1e308_is_one_line_naming_the_row(cli, tmp_path, sample):
    """Issue 25 hostile input: `tdtr fit` on a data file holding 1e308 ended in an lmfit traceback; now exit 2 and
    one stderr line naming the file, the line and the value."""
    data = tmp_path / "d.txt"
    data.write_text("Delay (ps) Ratio\n100 7.2\n200 1e308\n400 5.0\n800 3.9\n")
    status, out, err = cli("tdtr", "fit", sample, data, "--fit", "G", "--no-progress", "--predict", "none")
    assert status == 2 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "d.txt': line 3: Ratio is 1e+308" in lines[0] and "Traceback" not in err
