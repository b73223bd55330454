"""``kapitza device hotspot`` as a user runs it."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("skfem")

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
BASE = (
    "device",
    "hotspot",
    "--layer",
    "GaN=160:2um",
    "--layer",
    "SiC=370:100um",
    "--interface",
    "3e-8",
    "--width",
    "1um",
    "--resolution",
    "6",
)


def test_prints_peak_1d_and_jump(cli):
    status, out, err = cli(*BASE, "--power", "5W/mm")
    assert status == 0, err
    for text in ("peak temperature rise", "1D stack estimate", "spreading ratio", "jump on the axis", "GaN", "SiC"):
        assert text in out
    assert "5000 W/m in, 5000 W/m into the sink" in out


def test_json_sweep_and_plot(cli, tmp_path):
    png = tmp_path / "h.png"
    status, out, err = cli(*BASE, "--power", "5000", "--sweep-r", "0,3e-8", "--json", "--plot", str(png))
    assert status == 0, err
    doc = json.loads(out)
    assert doc["sweep"]["values"] == [0.0, 3e-8]
    peaks = doc["sweep"]["peak_temperature_rise"]
    assert peaks[0] < peaks[1]
    assert doc["result"]["power"] == pytest.approx(5000.0)
    assert png.read_bytes()[:8] == PNG_MAGIC


def test_axisymmetric_width_sweep(cli):
    status, out, err = cli(
        "device",
        "hotspot",
        "--layer",
        "100:50um",
        "--width",
        "2um",
        "--power",
        "10mW",
        "--geometry",
        "axisymmetric",
        "--sweep-width",
        "1um,2um",
        "--resolution",
        "4",
    )
    assert status == 0, err
    assert "peak vs width" in out and "10 mW" not in out and "0.01 W" in out


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (("--power", "5W/mm", "--layer", "1:-2um"), "must be a length > 0"),
        (("--power", "5W/mm", "--layer", "1:2parsecs"), "takes a length: a number with a unit"),
        (("--power", "-5W/mm"), "--power must be > 0"),
        (("--power", "5W"), "--power for a planar"),
        (("--power", "5W/mm", "--heat-flux", "1e9"), "exactly one"),
        (("--power", "5W/mm", "--interface", "1e-8"), "need 1 --interface"),
        (("--power", "5W/mm", "--geometry", "cube"), "--geometry"),
        (("--power", "5W/mm", "--sweep-r", "1e-8,-1"), "--sweep-r"),
        (("--power", "5W/mm", "--sweep-interface", "2", "--sweep-r", "1e-8"), "--sweep-interface"),
        (("--power", "5W/mm", "--max-nodes", "10"), "--max-nodes"),
        (("--power", "5W/mm", "--layer", "Unobtainium:1um", "--interface", "1e-8"), "Unobtainium"),
    ],
)
def test_bad_input_exits_2_with_one_line_and_no_file(cli, tmp_path, extra, message):
    png = tmp_path / "h.png"
    status, out, err = cli(*BASE, *extra, "--plot", str(png))
    assert status == 2
    assert message in err and len(err.strip().splitlines()) == 1
    assert not png.exists()


def test_bad_plot_suffix_refused_before_work(cli, tmp_path):
    status, _, err = cli(*BASE, "--power", "5W/mm", "--plot", str(tmp_path / "h.txt"))
    assert status == 2 and "--plot" in err
