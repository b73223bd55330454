"""``kapitza eels``: every command as a user runs it, and every bad input as one line with exit 2.

Reference values: the truth the forward model was given (temperature, jump); the analysis must land within a
few of its own stated errors of it (the systematic of the default background, measured in
test_eels_end_to_end.py, is about 3 %).
"""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from answer_rules import WITH_ERROR, answer_first, explained
from kapitza.analysis.eels.forward import simulate_stack
from kapitza.analysis.eels.read import write_eels
from kapitza.cli import main
from kapitza.phonons.dos import material_dos

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def spectrum(tmp_path_factory):
    path = tmp_path_factory.mktemp("eels") / "spec.hspy"
    status = main(
        [
            "eels",
            "simulate",
            "--material",
            "AlN",
            "--temperature",
            "300",
            "--dose",
            "1e8",
            "--seed",
            "5",
            "--out",
            str(path),
        ]
    )
    assert status == 0 and path.exists()
    return path


@pytest.fixture(scope="module")
def line_scan(tmp_path_factory):
    path = tmp_path_factory.mktemp("eels") / "line.hspy"
    args = ["eels", "simulate", "--material", "AlN", "--material-right", "4H-SiC", "--temperature", "500"]
    args += ["--positions=-20:20:41", "--jump", "15", "--gradient", "0.5", "--dose", "1e8", "--seed", "2"]
    assert main([*args, "--out", str(path)]) == 0
    return path


def test_temperature_json_has_the_documented_fields(cli, spectrum, tmp_path):
    """Truth 300 K (the forward model's); within 3 sigma + 3 % (the forward model's phonon lines carry the
    instrument's tail, which the symmetric-tail model does not describe: +0.3 sigma at this dose on the
    calibration page).  The default is the joint fit, and --plot draws it."""
    plot = tmp_path / "spec.png"
    status, out, err = cli("eels", "temperature", spectrum, "--window", "50:80", "--json", "--plot", plot)
    assert status == 0, err
    doc = json.loads(out)
    for key in ("temperature", "temperature_err", "window_mev", "background", "chi2_reduced", "method"):
        assert key in doc
    assert doc["window_mev"] == [50.0, 80.0] and doc["window_rule"] == "given"
    assert "jointly" in doc["background"] and "tail_families" in doc
    assert abs(doc["temperature"] - 300.0) < 3 * doc["temperature_err"] + 9.0
    assert plot.read_bytes()[:8] == PNG_MAGIC
    status, out, err = cli("eels", "temperature", spectrum, "--json")  # the automatic window
    assert status == 0, err
    auto = json.loads(out)
    assert auto["window_rule"].startswith("automatic")
    assert auto["window_mev"][0] == pytest.approx(6.0 * auto["fwhm_mev"])
    assert abs(auto["temperature"] - 300.0) < 3 * auto["temperature_err"] + 9.0


def test_a_two_column_csv_with_a_header_is_a_valid_file(cli, tmp_path):
    """The issue's plain format: energy in meV (loss positive, gain negative) and counts, optional header."""
    dos = material_dos("AlN")
    stack = simulate_stack(dos.energy_mev, dos.dos, 300.0, n_copies=1, seed=9, dose=1e8)
    csv = tmp_path / "spec.csv"
    rows = "\n".join(f"{e:.4f},{c:.0f}" for e, c in zip(stack.energy_mev, stack.counts[0]))
    csv.write_text("energy_meV,counts\n" + rows + "\n")
    status, out, err = cli("eels", "temperature", csv, "--window", "50:80", "--json")
    assert status == 0, err
    doc = json.loads(out)
    assert abs(doc["temperature"] - 300.0) < 3 * doc["temperature_err"] + 9.0


def test_profile_recovers_the_simulated_jump(cli, line_scan, tmp_path):
    """Truth: a 15 K jump (forward model); also R_K = Delta T / q with the given flux."""
    plot = tmp_path / "profile.png"
    args = ["eels", "profile", line_scan, "--interface", "0", "--window", "40:80", "--json", "--plot", plot]
    status, out, err = cli(*args, "--heat-flux", "1e9", "--gradient", "0.18")
    assert status == 0, err
    jump = json.loads(out)["jump"]
    assert abs(jump["delta_T"] - 15.0) < 3 * jump["delta_T_err"]
    assert jump["resistance"] == pytest.approx(jump["delta_T"] / 1e9)
    assert jump["kapitza_length_given_nm"] == pytest.approx(jump["delta_T"] / 0.18)
    assert plot.read_bytes()[:8] == PNG_MAGIC


def test_map_of_an_image(cli, tmp_path):
    """A 3 x 4 image at 400 K everywhere: every pixel valid and within 4 sigma + 3 % of 400 K."""
    dos = material_dos("AlN")
    stack = simulate_stack(dos.energy_mev, dos.dos, 400.0, n_copies=12, seed=4, dose=1e8)
    image = stack.replace(
        "reshaped to an image",
        counts=stack.counts.reshape(3, 4, -1),
        variance=stack.variance.reshape(3, 4, -1),
        positions_nm=(np.arange(3) * 0.5, np.arange(4) * 0.5),
        nav_names=("y", "x"),
    )
    path = write_eels(tmp_path / "image.npz", image)
    plot = tmp_path / "map.png"
    status, out, err = cli("eels", "map", path, "--window", "50:80", "--json", "--plot", plot)
    assert status == 0, err
    m = json.loads(out)["map"]
    t, e = np.asarray(m["temperature"]), np.asarray(m["temperature_err"])
    assert t.shape == (3, 4) and all(np.asarray(m["valid"]).ravel())
    assert np.all(np.abs(t - 400.0) < 4 * e + 12.0)
    assert plot.read_bytes()[:8] == PNG_MAGIC


def test_plan_table(cli):
    """The error falls with dose (Poisson): the 1e8 row is below the 1e6 row in every column."""
    args = ["eels", "plan", "--material", "AlN", "--temperature", "300", "--window", "50:80"]
    status, out, err = cli(*args, "--doses", "1e6,1e8", "--resolutions", "6,10", "--seeds", "20", "--json")
    assert status == 0, err
    plan = json.loads(out)["plan"]
    err_k = np.asarray(plan["temperature_err"], dtype=float)
    assert err_k.shape == (2, 2)
    assert np.all(err_k[1] < err_k[0])


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--window", "90:60"], "LO < HI"),
        (["--window", "500:600"], "beyond the data"),
        (["--window", "abc"], "--window"),
        (["--background", "magic"], "--background"),
        (["--bands", "40:60,50:70", "--background", "power-law"], "overlap"),
        (["--bands", "65:75,85:95"], "--bands needs a subtracted background"),
        (["--intercept"], "--intercept is for a subtracted background"),
        (["--background-windows", "12:18"], "--background-windows is for a subtracted background"),
    ],
)
def test_bad_temperature_options_are_one_line_exit_2(cli, spectrum, args, needle, tmp_path):
    plot = tmp_path / "never.png"
    status, out, err = cli("eels", "temperature", spectrum, *args, "--plot", plot)
    assert status == 2
    assert needle in err and err.count("\n") == 1
    assert not plot.exists()


def test_bad_files_are_one_line_exit_2(cli, tmp_path):
    junk = tmp_path / "junk.dm3"
    junk.write_bytes(b"\x00\x01garbage" * 50)
    negative = tmp_path / "neg.csv"
    negative.write_text("\n".join(f"{e},{-5 if e == 3 else 100}" for e in range(-50, 51)) + "\n")
    odd = tmp_path / "spec.xyz"
    odd.write_text("1 2\n")
    for path, needle in ((junk, "junk.dm3"), (negative, "negative"), (odd, ".xyz"), (tmp_path / "nope.hspy", "nope")):
        status, _out, err = cli("eels", "temperature", path)
        assert status == 2, path
        assert needle in err and err.count("\n") == 1


def test_no_gain_signal_is_an_error_not_a_nan(cli, tmp_path):
    """At 20 K the 50-80 meV gain side holds exp(-E/kT) < 1e-12 of the loss side: nothing to measure."""
    path = tmp_path / "cold.npz"
    assert cli("eels", "simulate", "--material", "AlN", "--temperature", "20", "--seed", "1", "--out", path)[0] == 0
    status, out, err = cli("eels", "temperature", path, "--window", "50:80", "--background", "power-law", "--json")
    assert status == 2 and out == ""
    assert "no gain signal" in err


def test_no_gain_signal_is_refused_by_the_joint_fit(cli, tmp_path):
    path = tmp_path / "cold.npz"
    assert cli("eels", "simulate", "--material", "AlN", "--temperature", "20", "--seed", "1", "--out", path)[0] == 0
    status, out, err = cli("eels", "temperature", path, "--window", "50:80", "--json")
    assert status == 2 and "no gain signal" in err


def test_bad_simulate_and_profile_options(cli, line_scan, tmp_path):
    out_file = tmp_path / "x.hspy"
    cases = [
        (["eels", "simulate", "--temperature", "-3", "--material", "AlN", "--out", out_file], "--temperature"),
        (["eels", "simulate", "--temperature", "300", "--out", out_file], "exactly one"),
        (["eels", "simulate", "--temperature", "300", "--material", "Unobtainium", "--out", out_file], "Unobtainium"),
        (["eels", "simulate", "--temperature", "300", "--material", "AlN", "--out", tmp_path / "x.txt"], "--out"),
        (["eels", "profile", line_scan, "--interface", "500"], "interface"),
        (
            ["eels", "simulate", "--temperature", "300", "--material", "AlN", "--dose", "1e30", "--out", out_file],
            "dose",
        ),
        (["eels", "plan", "--temperature", "300", "--material", "AlN", "--window", "50:80", "--doses", "1e30"], "dose"),
        (
            [
                "eels",
                "simulate",
                "--temperature",
                "300",
                "--material",
                "AlN",
                "--mode-temperature",
                "80:70=3",
                "--out",
                out_file,
            ],
            "LO < HI",
        ),
    ]
    for args, needle in cases:
        status, _out, err = cli(*args)
        assert status == 2, args
        assert needle in err and err.count("\n") == 1, (args, err)
    assert not out_file.exists()


def test_temperature_of_a_line_scan_sums_before_the_background(cli, line_scan):
    """One background fitted on the summed counts (not one per position, then dropped by the sum), so its
    covariance reaches the error: the steps say summed -> subtracted, and the method says propagated."""
    status, out, err = cli("eels", "temperature", line_scan, "--window", "40:80", "--background", "power-law", "--json")
    assert status == 0, err
    doc = json.loads(out)
    summed = next(i for i, s in enumerate(doc["steps"]) if s.startswith("summed"))
    subtracted = next(i for i, s in enumerate(doc["steps"]) if "background" in s)
    assert summed < subtracted
    assert "propagated" in doc["method"]


def test_simulate_rows_writes_a_spectrum_image_that_map_reads(cli, tmp_path):
    """--rows N: N line scans as one spectrum image; eels map reads it (2 navigation axes); --rows without
    --material-right, and --rows 0, are one line and exit 2 with nothing written."""
    from kapitza.analysis.eels import read_eels

    path = tmp_path / "image.npz"
    base = ["eels", "simulate", "--material", "AlN", "--temperature", "320", "--dose", "1e6", "--seed", "3"]
    status, _, err = cli(*base, "--material-right", "4H-SiC", "--rows", "3", "--positions", "-4:4:5", "--out", path)
    assert status == 0, err
    assert read_eels(path).nav_shape == (3, 5)
    status, out, err = cli("eels", "map", path, "--json")
    assert status == 0, err
    for bad in (["--rows", "2"], ["--material-right", "4H-SiC", "--rows", "0"]):
        target = tmp_path / "bad.npz"
        status, _, err = cli(*base, *bad, "--out", target)
        assert status == 2 and "rows" in err and len(err.strip().splitlines()) == 1
        assert not target.exists()


def test_flows_of_two_equal_files_print_no_bare_nan(cli, tmp_path):
    """Issue 39: ``eels flows`` with two equal files printed nan.  A noise-free scan whose second band lies above
    the phonons (no gain left after the background): every number that is not one is n/a with a sentence."""
    path = tmp_path / "nf.npz"
    args = ["eels", "simulate", "--material", "AlN", "--material-right", "4H-SiC", "--temperature", "400"]
    assert cli(*args, "--positions=-10:10:5", "--dose", "1e7", "--no-noise", "--out", path)[0] == 0
    status, out, err = cli("eels", "flows", path, path, "--bands", "40:60,115:125")
    assert status == 0, err
    assert not re.search(r"\bnan\b", out.lower())
    assert "(b) n/a for 115-125 meV: at no position" in " ".join(out.split())
    status, out, err = cli("eels", "flows", path, path, "--bands", "40:60,115:125", "--json")
    assert status == 0 and any("115-125" in n for n in json.loads(out)["notes"])
    # issue 53 item 4: the table and the dominance first, the n/a sentences as warnings (a partial result), the
    # test in words with --explain (12 lines in all here)
    status, out, err = cli("eels", "flows", path, path, "--bands", "40:60,115:125")
    lines = answer_first(out, most=12, within=8, answer="dominance gain(40-60) / gain(115-125 meV)")
    assert [line[:13] for line in lines if line.startswith("warning:")] == ["warning: (a) ", "warning: (b) ",
                                                                            "warning: (c) "]  # fmt: skip
    assert "small p:" not in out
    status, out, err = cli("eels", "flows", path, path, "--bands", "40:60,115:125", "--explain")
    explained(out, "small p: the two heat flows populate that band differently")


def test_bad_map_inputs_are_one_line_exit_2_and_nothing_written(cli, tmp_path):
    """Issue 39's bad inputs: a map whose pixels are all dark, NaN counts, a negative dose (simulate and plan), and
    --lazy on an .npz (a sentence, not an API name): one line on stderr, exit 2, no plot written."""
    e = np.arange(-100.0, 100.5, 0.5)
    dark = tmp_path / "dark.npz"
    np.savez(dark, energy_mev=e, counts=np.zeros((3, 3, e.size)))
    nan = tmp_path / "nan.npz"
    counts = np.ones((3, 3, e.size))
    counts[1, 1, 10] = np.nan
    np.savez(nan, energy_mev=e, counts=counts)
    plot = tmp_path / "map.png"
    sim = tmp_path / "sim.npz"
    cases = [
        (["eels", "map", dark, "--plot", plot], "no pixel of the 3 x 3 map has a temperature"),
        (["eels", "map", nan, "--plot", plot], "NaN"),
        (["eels", "map", dark, "--lazy", "--plot", plot], "run without --lazy"),
        (["eels", "simulate", "--material", "AlN", "--temperature", "300", "--dose", "-1e6", "--out", sim], "--dose"),
        (["eels", "plan", "--material", "AlN", "--temperature", "300", "--window", "50:80", "--doses", "-1e6"], "dose"),
        (["eels", "temperature", dark], "no zero-loss peak"),
    ]
    for args, needle in cases:
        status, out, err = cli(*args)
        assert status == 2, (args, err)
        assert needle in err and err.count("\n") == 1, (args, err)
        assert "read_eels" not in err and not plot.exists() and not sim.exists()


def test_map_device_is_recorded_and_a_missing_gpu_is_one_line_exit_2(cli, tmp_path):
    """``--device``: cpu runs numpy and says so in --json; torch-cpu (the GPU's code on the CPU, where torch is
    installed) gives the same temperatures to 1e-9 K; gpu on a machine without one is one line, exit 2, nothing
    written (checked before the file is read)."""
    dos = material_dos("AlN")
    stack = simulate_stack(dos.energy_mev, dos.dos, 300.0, n_copies=4, seed=6, dose=1e7)
    image = stack.replace(
        "reshaped to an image",
        counts=stack.counts.reshape(2, 2, -1),
        variance=stack.variance.reshape(2, 2, -1),
        positions_nm=(np.arange(2) * 0.5, np.arange(2) * 0.5),
        nav_names=("y", "x"),
    )
    path = write_eels(tmp_path / "image.npz", image)
    status, out, err = cli("eels", "map", path, "--device", "cpu", "--json")
    assert status == 0, err
    doc = json.loads(out)
    assert doc["device"] == "numpy (cpu)" and doc["map"]["device"] == "numpy (cpu)"
    try:
        import torch
    except ImportError:
        torch = None
    if torch is not None:
        status, out2, err = cli("eels", "map", path, "--device", "torch-cpu", "--json")
        assert status == 0, err
        doc2 = json.loads(out2)
        assert doc2["device"] == "torch (cpu)"
        t1, t2 = np.asarray(doc["map"]["temperature"]), np.asarray(doc2["map"]["temperature"])
        assert np.max(np.abs(t1 - t2)) < 1e-9
    if torch is None or not torch.cuda.is_available():
        plot = tmp_path / "map.png"
        status, out, err = cli("eels", "map", path, "--device", "gpu", "--plot", plot)
        assert status == 2 and err.count("\n") == 1 and not plot.exists(), err
        assert "GPU" in err or "torch" in err
    status, out, err = cli("eels", "map", path, "--device", "tpu")
    assert status == 2 and "device must be one of" in err and err.count("\n") == 1


# -- issue 53 item 4: the answer first, the details with --explain ---------------------------------------------


def test_temperature_prints_t_with_its_error_and_explain_the_fit(cli, spectrum):
    """The joint fit (the default): T +- its error on the first line and the hint (2 lines); the adequacy verdict,
    the window rule, the preprocessing, the tail families and the method (printed before) with --explain."""
    status, out, err = cli("eels", "temperature", spectrum)
    assert status == 0, err
    lines = answer_first(out, most=2, within=1)
    assert lines[0].startswith("T = ") and " K (window " in lines[0]
    status, out, err = cli("eels", "temperature", spectrum, "--explain")
    assert status == 0, err
    explained(
        out,
        "model: adequate: chi2/dof =",
        "window: automatic: from 6 x the spectrum's zero-loss FWHM",
        "read spec.hspy (HSPY)",
        "tail families (Akaike weight, T): power-law",
        "method: joint fit of the symmetric zero-loss-peak tail and the detailed-balance ratio",
    )


def test_an_inadequate_fit_is_a_warning_after_the_answer(cli, tmp_path):
    """A mode at 75-85 meV out of equilibrium (900 K in a 300 K spectrum, 1e9 electrons): one detailed-balance
    temperature does not describe it, the fit is INADEQUATE, and that verdict is a warning right after T, by both
    estimators (the verdict of an adequate fit is a detail)."""
    path = tmp_path / "neq.hspy"
    args = ["eels", "simulate", "--material", "AlN", "--temperature", "300", "--dose", "1e9", "--seed", "5"]
    assert cli(*args, "--mode-temperature", "75:85=900", "--out", path)[0] == 0
    for extra in ((), ("--background", "power-law")):
        status, out, err = cli("eels", "temperature", path, *extra)
        assert status == 0, err
        lines = answer_first(out, most=3, within=1)
        assert lines[1].startswith("warning: model: INADEQUATE: chi2/dof =") and "doubtful" in lines[1], out


def test_band_temperatures_are_part_of_the_answer(cli, spectrum):
    """--bands: the table of band temperatures and the one-temperature test answer the question asked (10 lines
    here); the method with --explain."""
    args = ("eels", "temperature", spectrum, "--background", "power-law", "--bands", "50:60,65:75")
    status, out, err = cli(*args)
    assert status == 0, err
    lines = answer_first(out, most=10, within=1)
    assert any(line.startswith("\u2502 50-60") for line in lines) and "Bose-Einstein temperature" in out
    status, out, err = cli(*args, "--explain")
    explained(out, "method: ratio-space effective-variance least squares", "background: subtracted the power-law")


def test_profile_prints_the_jump_and_r_k_first(cli, line_scan):
    """The jump with its error, R_K and G with a flux, the Kapitza lengths and the gradients (5 lines with the
    hint); the positions, the window, the adequacy and the preprocessing with --explain."""
    args = ("eels", "profile", line_scan, "--interface", "0", "--window", "40:80", "--heat-flux", "1e9")
    status, out, err = cli(*args)
    assert status == 0, err
    lines = answer_first(out, most=6, within=1)
    assert "Delta T = " in lines[0] and lines[1].startswith("R_K = ") and WITH_ERROR.search(lines[1])
    status, out, err = cli(*args, "--explain")
    assert status == 0, err
    explained(out, "41 of 41 positions with a temperature; window 40-80 meV", "positions inadequate", "read line.hspy")


def test_map_prints_the_temperatures_first(cli, tmp_path):
    """A 3 x 4 image: the temperatures with their median error, then the pixels counted (3 lines); the memory
    statement and the preprocessing with --explain."""
    dos = material_dos("AlN")
    stack = simulate_stack(dos.energy_mev, dos.dos, 400.0, n_copies=12, seed=4, dose=1e8)
    image = stack.replace(
        "reshaped to an image",
        counts=stack.counts.reshape(3, 4, -1),
        variance=stack.variance.reshape(3, 4, -1),
        positions_nm=(np.arange(3) * 0.5, np.arange(4) * 0.5),
        nav_names=("y", "x"),
    )
    path = write_eels(tmp_path / "image.npz", image)
    status, out, err = cli("eels", "map", path, "--window", "50:80")
    assert status == 0, err
    lines = answer_first(out, most=4, within=1, answer="median error")
    assert lines[0].startswith("T from ") and lines[1].startswith("12 of 12 pixels with a temperature")
    status, out, err = cli("eels", "map", path, "--window", "50:80", "--explain")
    assert status == 0, err
    explained(out, "memory: peak resident memory at most", "pixels inadequate", "image.npz: ")


def test_plan_prints_the_table_first(cli):
    """The error table (8 lines with the hint); the DOS, the window, the signal fraction and the cells in words
    with --explain."""
    args = ["eels", "plan", "--material", "AlN", "--temperature", "300", "--window", "50:80"]
    args += ["--doses", "1e6,1e8", "--resolutions", "6,10", "--seeds", "3"]
    status, out, err = cli(*args)
    assert status == 0, err
    lines = answer_first(out, most=9, within=8, answer="1e+08")
    assert "Monte-Carlo (bias); analytic" in lines[0]
    status, out, err = cli(*args, "--explain")
    assert status == 0, err
    explained(out, "T = 300 K, mode window 50-80 meV (signal fraction", "Monte-Carlo scatter over 3 simulated spectra")
