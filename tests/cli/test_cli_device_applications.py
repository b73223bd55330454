"""``kapitza device thermoelectric | pcm | nanofluidic`` as a user runs them (issue 15, items 8-10 and 15)."""

from __future__ import annotations

import json

import pytest

from kapitza.devices.nanofluidic import nanofluidic_exchanger
from kapitza.devices.phase_change import pcm_cell
from kapitza.devices.thermoelectric import thermoelectric_leg
from kapitza.units import format_length

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def test_thermoelectric_prints_the_library_numbers_and_plots(cli, tmp_path):
    """Key numbers equal the library's (ZT_dev at L, length for 90 %), and the PNG is written."""
    png = tmp_path / "te.png"
    status, out, err = cli("device", "thermoelectric", "-R", "1e-6", "--length", "0.2mm", "--plot", str(png))
    assert status == 0, err
    leg = thermoelectric_leg(2e-4, resistance=1e-6)
    assert f"ZT_device = {float(leg.zt_device[0]):.4g}" in out
    assert f"leg length keeping 90 % of ZT: {format_length(leg.length_for_fraction)}" in out
    assert png.read_bytes()[:8] == PNG_MAGIC and png.stat().st_size > 10_000


def test_pcm_prints_power_and_enhancement(cli, tmp_path):
    """The programming power (19.96 uW for the default 10 nm GST cell, see test_phase_change) and the
    enhancement are printed; --json carries the profile."""
    status, out, err = cli("device", "pcm")
    assert status == 0, err
    cell = pcm_cell(10e-9)
    assert f"{cell.programming_power:.4g} W" in out and "1.996e-05 W" in out
    assert f"x{cell.enhancement:.4g}" in out and "Kapitza length" in out
    status, out, err = cli("device", "pcm", "--radius", "5e-9", "--power", "1e-5", "--json")
    assert status == 0, err
    doc = json.loads(out)["cell"]
    assert doc["power"] == 1e-5 and doc["radius"] == 5e-9 and len(doc["temperature"]) == len(doc["r"])


def test_nanofluidic_prints_u_and_the_crossover(cli, tmp_path):
    """U, U without interfaces and H* as the library computes them; the plot is written."""
    png = tmp_path / "nf.png"
    status, out, err = cli("device", "nanofluidic", "--height", "100nm", "--nusselt", "flux", "--plot", str(png))
    assert status == 0, err
    ex = nanofluidic_exchanger(1e-7, nusselt="flux")
    assert f"U = {ex.U:.4g} W/m^2K" in out and f"H* = {format_length(ex.crossover_height)}" in out
    assert png.read_bytes()[:8] == PNG_MAGIC


@pytest.mark.parametrize(
    "args",
    [
        ("device", "thermoelectric", "--length", "-1"),
        ("device", "thermoelectric", "--fraction", "1.5"),
        ("device", "thermoelectric", "-R", "nonsense"),
        ("device", "thermoelectric", "--conductivity", "unobtainium"),
        ("device", "pcm", "--radius", "0"),
        ("device", "pcm", "--melting", "100"),
        ("device", "pcm", "-R", "-1e-8"),
        ("device", "nanofluidic", "--height", "-5e-9"),
        ("device", "nanofluidic", "--nusselt", "turbulent"),
        ("device", "nanofluidic", "--wall-thickness", "-1"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_no_file(cli, tmp_path, args):
    """InputError -> exit 2, one line on stderr, and no figure written."""
    png = tmp_path / "x.png"
    status, out, err = cli(*args, "--plot", str(png))
    assert status == 2
    assert err.startswith("kapitza: error:") and len(err.strip().splitlines()) == 1
    assert not png.exists()


def test_bad_plot_path_is_refused_before_work(cli, tmp_path):
    """--plot with a wrong suffix or a missing folder -> exit 2, nothing printed to stdout."""
    for target in (tmp_path / "x.txt", tmp_path / "missing" / "x.png"):
        status, out, err = cli("device", "pcm", "--plot", str(target))
        assert status == 2 and out == "" and "--plot" in err
