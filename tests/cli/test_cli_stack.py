"""``kapitza stack FILE`` and ``kapitza device film``: printed budget, JSON, figure; bad input -> one line, exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

STACK = """
title = "test stack"
heat_flux = 1e8
sink_temperature = 300.0

[[layer]]
name = "film"
conductivity = 10.0
thickness_nm = 100.0

[[interface]]
resistance = "G=1e8"

[[layer]]
material = "Si"
conductivity = 148.0
thickness_um = 10.0
"""


@pytest.fixture
def stack_file(tmp_path):
    path = tmp_path / "stack.toml"
    path.write_text(STACK)
    return path


def test_stack_prints_the_budget_and_draws(cli, tmp_path, stack_file):
    plot = tmp_path / "profile.png"
    status, out, err = cli("stack", stack_file, "--plot", plot)
    assert status == 0, err
    assert "resistance budget" in out and "Kapitza length" in out and "G = 1e+08 W m⁻² K⁻¹" in out
    assert plot.read_bytes()[:8] == PNG_MAGIC


def test_stack_json_is_si_and_consistent(cli, stack_file):
    """T_top = T_sink + q (d1/k1 + 1/G + d2/k2) for constant conductivities."""
    status, out, err = cli("stack", stack_file, "--json", "--heat-flux", "2e8")
    assert status == 0, err
    doc = json.loads(out)
    expected = 300.0 + 2e8 * (100e-9 / 10.0 + 1e-8 + 10e-6 / 148.0)
    assert doc["top_temperature"] == pytest.approx(expected, rel=1e-10)
    assert doc["interfaces"][0]["jump"] == pytest.approx(2e8 * 1e-8, rel=1e-12)
    assert doc["units"]["resistance"] == "m^2 K W^-1"


@pytest.mark.parametrize(
    "edit, message",
    [
        (("thickness_nm = 100.0", "thickness_nm = -100.0"), "thickness_nm must be > 0"),
        (("conductivity = 10.0", "conductivity = -10.0"), "conductivity must be > 0"),
        (('material = "Si"', 'material = "Unobtainium"'), "Unobtainium"),
        (('resistance = "G=1e8"', 'resistance = "xyz"'), "cannot read interface resistance"),
        (("heat_flux = 1e8", "heat_flux = -1e12"), "below 0 K"),
        (("sink_temperature = 300.0", "sink_temperature = 0.0"), "sink_temperature must be > 0"),
        (("title", "colour = 1\ntitle"), "unknown keys"),
        (("[[interface]]", "[[interfaces]]"), "unknown keys"),
    ],
)
def test_bad_stack_files(cli, tmp_path, edit, message):
    path = tmp_path / "bad.toml"
    path.write_text(STACK.replace(*edit))
    plot = tmp_path / "never.png"
    status, out, err = cli("stack", path, "--plot", plot)
    assert status == 2
    assert message in err and len(err.strip().splitlines()) == 1
    assert not plot.exists()


def test_empty_binary_and_missing_stack_files(cli, tmp_path):
    empty = tmp_path / "empty.toml"
    empty.write_text("")
    binary = tmp_path / "binary.toml"
    binary.write_bytes(b"\x00\xff\x00")
    for path, message in ((empty, "no layers"), (binary, "stack file"), (tmp_path / "none.toml", "none.toml")):
        status, _, err = cli("stack", path)
        assert status == 2 and message in err and len(err.strip().splitlines()) == 1


def test_stack_refuses_a_bad_plot_path_before_work(cli, tmp_path, stack_file):
    status, _, err = cli("stack", stack_file, "--plot", tmp_path / "x.txt")
    assert status == 2 and "--plot" in err
    status, _, err = cli("stack", stack_file, "--plot", tmp_path / "missing" / "x.png")
    assert status == 2 and "--plot" in err


def test_film_table_json_and_plot(cli, tmp_path):
    plot = tmp_path / "film.png"
    args = [
        "device",
        "film",
        "--film",
        "10",
        "--substrate",
        "148",
        "--resistance",
        "G=1e8",
        "--substrate-thickness",
        "10",
    ]
    status, out, err = cli(*args, "--thickness", "1,10,100", "--plot", plot)
    assert status == 0, err
    assert "Kapitza length" in out and plot.read_bytes()[:8] == PNG_MAGIC
    status, out, err = cli(*args, "--thickness", "1:1000:4", "--json")
    doc = json.loads(out)
    assert doc["crossover_thickness"] == pytest.approx(10.0 * 1e-8, rel=1e-12)
    assert len(doc["film_thickness"]) == 4


@pytest.mark.parametrize(
    "args, message",
    [
        (["--thickness", "-1,2"], "thickness"),
        (["--thickness", "10:1:5"], "--thickness"),
        (["--substrate-thickness", "0"], "--substrate-thickness"),
        (["--heat-flux", "-5"], "heat_flux"),
        (["--resistance", "R=-1"], "resistance"),
    ],
)
def test_film_bad_input(cli, args, message):
    base = ["device", "film", "--film", "10", "--substrate", "148", "--resistance", "G=1e8"]
    if "--resistance" in args:
        base = base[:-2]
    status, _, err = cli(*base, *args)
    assert status == 2 and message in err and len(err.strip().splitlines()) == 1


def test_material_file_is_read_beside_the_stack_file(cli, tmp_path, monkeypatch):
    """material = "mine.toml" is looked up in the stack file's folder, not the working directory."""
    from kapitza.materials import material_template

    folder = tmp_path / "design"
    folder.mkdir()
    (folder / "mine.toml").write_text(material_template())
    (folder / "stack.toml").write_text(STACK.replace('material = "Si"', 'material = "mine.toml"'))
    monkeypatch.chdir(tmp_path)
    status, out, err = cli("stack", folder / "stack.toml", "--json")
    assert status == 0, err
    assert json.loads(out)["layers"][1]["thickness"] == pytest.approx(10e-6)


EXAMPLES_DEVICES = Path(__file__).resolve().parents[2] / "examples" / "devices"


def test_stack_notes_unchecked_kappa_tables_and_electron_data(cli):
    """GaN on 4H-SiC uses two kappa(T) tables stated at +-15 % (conductivity.toml 'unchecked'); the Al|Si cold
    stack uses Al's electron data stated at +-50 % (electrons.toml [unchecked])."""
    status, out, err = cli("stack", EXAMPLES_DEVICES / "gan_on_sic.toml")
    assert status == 0, err
    assert "note: the kappa(T) table of GaN was not checked against its source (+-15 %" in out
    status, out, err = cli("stack", EXAMPLES_DEVICES / "al_si_cold.toml")
    assert status == 0, err
    assert "note: Al's electron data were not checked against their sources" in out
