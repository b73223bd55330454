"""``kapitza device cryogenic | spin | contact`` as a user runs them (issue 15, items 11, 13, 14)."""

from __future__ import annotations

import json

import pytest

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def test_cryogenic_prints_key_numbers_and_plots(cli, tmp_path):
    """Default chip (1 cm^2, 10 mW, R_K T^3 = 2e-3 m^2 K^4/W, 1.5 K): T_s = (1.5^4 + 0.8)^(1/4) = 1.55604 K by the
    closed form of the T^4 law, the linear law 1.5 + 0.05926 K; the plot is a PNG."""
    png = tmp_path / "c.png"
    status, out, err = cli("device", "cryogenic", "--tc", "2", "--plot", str(png))
    assert status == 0, err
    assert "T_s = 1.55604 K" in out and "linear law: 1.55926 K" in out
    assert "below T_c" in out and "reached at P =" in out
    assert png.read_bytes()[:8] == PNG_MAGIC


def test_cryogenic_json_and_exceeds(cli):
    status, out, err = cli("device", "cryogenic", "--power", "1", "--tc", "2", "--json")
    assert status == 0, err
    data = json.loads(out)
    assert data["exceeds_critical"] is True and data["power"] == 1.0


def test_spin_prints_accumulation(cli, tmp_path):
    """lambda = inf: T_up - T_down = q (R_down - R_up)/2 = 1 K (closed form, module docstring of devices.spin)."""
    png = tmp_path / "s.png"
    status, out, err = cli("device", "spin", "--relaxation-length", "inf", "--plot", str(png))
    assert status == 0, err
    assert "T_up - T_down = 1 K" in out
    assert "decays over lambda = inf (no relaxation) into N" in out
    assert png.read_bytes()[:8] == PNG_MAGIC


def test_contact_prints_dominance(cli, tmp_path):
    png = tmp_path / "k.png"
    status, out, err = cli("device", "contact", "--resistance", "G=1e4", "--plot", str(png))
    assert status == 0, err
    assert "contact dominates" in out and "kapitza dominates" in out and "crossover pressure" in out
    assert png.read_bytes()[:8] == PNG_MAGIC
    status, out, err = cli("device", "contact", "--json")
    assert status == 0 and json.loads(out)["dominant"][0] == "contact"


@pytest.mark.parametrize(
    "args",
    [
        ("cryogenic", "--power", "-1"),
        ("cryogenic", "--law", "cubic"),
        ("cryogenic", "--tc", "1.2"),
        ("cryogenic", "--resistance", "bogus"),
        ("cryogenic", "--sweep", "0:1"),
        ("spin", "--r-up", "-1e-9"),
        ("spin", "--relaxation-length", "0"),
        ("contact", "--pressure", "-1:10"),
        ("contact", "--slope", "0.1,0.1,0.1"),
        ("contact", "--hardness-gpa", "0"),
    ],
)
def test_bad_inputs_exit_2_one_line_no_file(cli, tmp_path, args):
    png = tmp_path / "bad.png"
    status, out, err = cli("device", *args, "--plot", str(png))
    assert status == 2
    assert len(err.strip().splitlines()) == 1
    assert not png.exists()


def test_bad_plot_suffix_refused(cli, tmp_path):
    status, out, err = cli("device", "spin", "--plot", str(tmp_path / "x.txt"))
    assert status == 2 and "--plot" in err
