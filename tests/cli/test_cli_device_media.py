"""``kapitza device superlattice | composite | polycrystal``: key numbers, JSON, figure, bad input -> exit 2."""

from __future__ import annotations

import json

import pytest

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


SL = ("device", "superlattice", "--ka", "148", "--kb", "60", "--da", "5", "--db", "5", "-R", "3e-9", "-n", "20")
CO = ("device", "composite", "--km", "10", "--kp", "100", "-R", "1e-8", "-f", "0.2")
PC = ("device", "polycrystal", "--k0", "148", "--grain", "100", "-R", "1e-9")


def test_superlattice_lines_json_plot(cli, tmp_path):
    """Hand value 1.63476 W/m/K: tests/devices/test_superlattice.py::test_worked_number."""
    status, out, err = cli(*SL, "--alloy", "8")
    assert status == 0, err
    assert "k_eff (cross-plane) = 1.635 W/m/K" in out and "critical period" in out and "bulk alloy 8" in out
    plot = tmp_path / "sl.png"
    status, out, err = cli(*SL, "--json", "--plot", plot, "--sweep", "0.5:5000")
    assert status == 0, err
    doc = json.loads(out)
    assert doc["effective_conductivity"] == pytest.approx(1.63476, rel=1e-5)
    assert len(doc["sweep_period"]) == 121 and doc["sweep_period"][0] == pytest.approx(0.5e-9)
    assert plot.read_bytes()[:8] == PNG_MAGIC


def test_composite_lines_json_plot(cli, tmp_path):
    """Hand value 8.78229 W/m/K: tests/devices/test_composite.py::test_worked_number."""
    status, out, err = cli(*CO, "--radius", "50")
    assert status == 0, err
    assert "a_K = R k_m = 100 nm" in out and "a_c = 111.1 nm" in out and "k_eff = 8.782 W/m/K" in out
    plot = tmp_path / "c.svg"
    status, out, err = cli(*CO, "--radius", "20,200", "--weights", "1,3", "--json", "--plot", plot)
    assert status == 0, err
    doc = json.loads(out)
    assert doc["weights"] == pytest.approx([0.25, 0.75]) and plot.stat().st_size > 0
    status, out, err = cli(*CO, "--lognormal", "50,0.3", "--shape", "cylinder-aligned")
    assert status == 0, err
    assert "along the cylinders" in out and "41 radii" in out


def test_polycrystal_lines_json_plot(cli, tmp_path):
    """Hand value 59.6774 W/m/K: tests/devices/test_polycrystal.py::test_worked_number."""
    plot = tmp_path / "p.png"
    status, out, err = cli(*PC, "--plot", plot)
    assert status == 0, err
    assert "k_eff = 59.68 W/m/K" in out and "Kapitza length k0 R_gb = 148 nm" in out
    assert plot.read_bytes()[:8] == PNG_MAGIC
    status, out, err = cli(*PC, "--contact-fraction", "0.5", "--json")
    assert status == 0, err
    assert json.loads(out)["boundary_resistance"] == pytest.approx(2e-9)


@pytest.mark.parametrize(
    "args",
    [
        (*SL[:7], "-5", *SL[8:]),  # negative thickness
        (*SL, "-n", "0"),
        (*SL, "--alloy", "-1"),
        (*SL, "--sweep", "0:10"),
        (*SL[:2], "--ka", "unobtainium", *SL[4:]),
        (*CO,),  # no size
        (*CO, "--radius", "50", "--lognormal", "50,0.3"),
        (*CO, "--radius", "-50"),
        (*CO, "--radius", "10,20", "--weights", "1"),
        (*CO, "--radius", "50", "--shape", "cube"),
        (*CO[:-1], "1.0", "--radius", "50"),
        (*CO, "--lognormal", "50"),
        (*PC, "--contact-fraction", "0"),
        (*PC[:5], "0", *PC[6:]),
        (*PC[:-1], "G=-1"),
        (*PC, "-t", "0"),
    ],
)
def test_bad_input_one_line_exit_2_no_file(cli, tmp_path, args):
    plot = tmp_path / "never.png"
    status, out, err = cli(*args, "--plot", plot)
    assert status == 2
    assert err.count("\n") == 1 and "error" in err
    assert not plot.exists()


def test_length_messages_name_the_option(cli):
    _, _, err = cli(*SL[:7], "-5", *SL[8:])
    assert "--da" in err and "-5" in err
    _, _, err = cli(*CO, "--radius", "10,-2")
    assert "--radius" in err


def test_bad_plot_suffix(cli, tmp_path):
    status, _, err = cli(*PC, "--plot", tmp_path / "x.txt")
    assert status == 2 and "--plot" in err
