"""``kapitza agf`` as a user runs it: table, saved results with their inputs, figure, config file, errors."""

from __future__ import annotations

import json

import numpy as np

from kapitza.cli import main

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
FAST = ("--kpoints", "2", "--frequencies", "40", "--no-check")


def run(capsys, *args):
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def test_si_ge_run_prints_notes_table_and_saves_results(capsys, tmp_path):
    out_file = tmp_path / "sige.npz"
    plot = tmp_path / "xi.png"
    status, out, err = run(
        capsys,
        "agf",
        "Si",
        "Ge",
        "--potential",
        "sw",
        "--normal",
        "001",
        *FAST,
        "-t",
        "100,300",
        "--output",
        str(out_file),
        "--plot",
        str(plot),
    )
    assert status == 0, err
    assert "mass-mismatch model" in out and "G two-probe" in out and "intrinsic" in out
    with np.load(out_file) as data:
        assert data["xi_k"].shape == (2, 40)  # 2x2 grid, time-reversal pairs merged
        assert np.all(data["conductance"] > 0) and data["temperature"].tolist() == [100.0, 300.0]
    doc = json.loads(out_file.with_suffix(".json").read_text())
    settings = doc["settings"]
    assert settings["potential"] == "sw" and settings["kpoints"] == [2, 2] and "seed" in settings
    assert doc["kapitza_version"] and doc["eta"] == 1e-6 and doc["model"]["structure"]["mass_only"] is True
    assert doc["results"]["conductance"][1] == np.load(out_file)["conductance"][1]
    assert plot.read_bytes()[:8] == PNG_MAGIC


def test_toml_config_sets_the_options_and_the_command_line_wins(capsys, tmp_path):
    cfg = tmp_path / "run.toml"
    cfg.write_text(
        '[agf]\nleft = "Si"\nright = "Ge"\nkpoints = 2\nfrequencies = 30\ncheck-broadening = false\n'
        "temperature = [300.0]\n"
    )
    status, out, err = run(capsys, "agf", "--config", str(cfg), "--frequencies", "20", "--no-save", "--json")
    assert status == 0, err
    doc = json.loads(out)
    assert doc["omega_rad_s"]["count"] == 20 and doc["settings"]["kpoints"] == [2, 2]
    assert doc["results"]["temperature"] == [300.0]


def test_errors_are_one_line_and_status_2(capsys, tmp_path):
    status, out, err = run(capsys, "agf", "Si", "Ge", "--normal", "123", "--no-save")
    assert status == 2 and err.count("\n") == 1 and "normal" in err
    status, _, err = run(capsys, "agf", "Si", "Ge", "--output", str(tmp_path / "x.txt"))
    assert status == 2 and ".npz" in err
    bad = tmp_path / "bad.toml"
    bad.write_text("colour = 'red'\n")
    status, _, err = run(capsys, "agf", "--config", str(bad))
    assert status == 2 and "colour" in err
