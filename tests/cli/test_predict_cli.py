"""``kapitza predict`` and ``kapitza materials`` as a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest

import kapitza
from kapitza.cli import main

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def test_table_lists_every_model_at_default_temperatures(cli):
    status, out, err = cli("predict", "Al", "Si")
    assert status == 0, err
    for model in kapitza.available_models():
        assert model in out
    for header in ("MW", "GW", "L_K Al (nm)", "L_K Si (nm)"):
        assert header in out
    g300 = kapitza.conductance("Al", "Si", 300.0, "dmm") / 1e6
    assert f"{g300:.4g}" in out


def test_json_output_has_exact_si_values(cli):
    status, out, _ = cli("predict", "Al", "Si", "--temperature", "10:1000:5", "--json")
    assert status == 0
    doc = json.loads(out)
    assert doc["side1"] == "Al" and doc["units"]["conductance"] == "W m^-2 K^-1"
    by_model = {r["model"]: r for r in doc["results"]}
    t = np.array(by_model["dmm"]["temperature"])
    np.testing.assert_allclose(t, np.geomspace(10, 1000, 5), rtol=1e-12)
    np.testing.assert_allclose(by_model["dmm"]["conductance"], kapitza.conductance("Al", "Si", t), rtol=1e-14)
    np.testing.assert_allclose(
        by_model["limit"]["kapitza_length"]["Si"], kapitza.kapitza_length("Al", "Si", t, "limit", side=2), rtol=1e-14
    )


def test_single_temperature_and_model_selection(cli):
    status, out, _ = cli("predict", "Al", "Si", "-t", "300", "--model", "limit", "--json")
    doc = json.loads(out)
    assert status == 0 and [r["model"] for r in doc["results"]] == ["limit"]
    assert doc["results"][0]["temperature"] == [300.0]


def test_plot_and_csv_are_written(cli, tmp_path):
    png, table = tmp_path / "g.png", tmp_path / "g.csv"
    status, _, err = cli("predict", "Al", "Si", "-t", "10:1000:4", "--plot", str(png), "--csv", str(table))
    assert status == 0, err
    assert png.read_bytes()[:8] == PNG_MAGIC and png.stat().st_size > 10_000
    rows = table.read_text().strip().splitlines()
    assert rows[0].startswith("model,temperature_K,conductance_W_m-2_K-1")
    assert len(rows) == 1 + 4 * len(kapitza.available_models())


@pytest.mark.parametrize(
    "args,needle",
    [
        (["predict", "Al", "Si", "-t", "-5"], "temperature"),
        (["predict", "Al", "Si", "-t", "nan"], "temperature"),
        (["predict", "Al", "Si", "-t", "hot"], "not a number"),
        (["predict", "Al", "Si", "-t", "10:1"], "START:STOP:COUNT"),
        (["predict", "Al", "Unobtainium"], "unknown material"),
        (["predict", "Al", "Si", "--model", "nope"], "unknown model"),
        (["predict", "Al", "Si", "--plot", "g.jpeg"], ".png"),
        (["materials", "show", "Sillicon"], "Si"),
    ],
)
def test_bad_input_is_one_line_on_stderr_and_status_2(cli, args, needle):
    status, out, err = cli(*args)
    assert status == 2
    assert err.count("\n") == 1 and err.startswith("kapitza: error:")
    assert needle in err
    assert "Traceback" not in err


def test_malformed_user_material_file(cli, tmp_path):
    bad = tmp_path / "mine.toml"
    bad.write_text("[materials.X]\ndensity = 'heavy'\n")
    status, _, err = cli("predict", str(bad), "Si")
    assert status == 2 and "mine.toml" in err


def test_traceback_flag_reraises(capsys):
    with pytest.raises(kapitza.InputError):
        main(["predict", "Al", "Si", "-t", "-5", "--traceback"])


def test_ctrl_c_gives_one_line_and_status_130(cli, monkeypatch):
    """click turns KeyboardInterrupt (Ctrl-C, and SIGTERM through cli.app.run) into Abort, after ending the
    terminal's line (the ^C); the CLI says so in one line (130 = 128 + SIGINT, the shell's convention)."""
    import kapitza.cli.predict

    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(kapitza.cli.predict, "predict", interrupt)
    status, out, err = cli("predict", "Al", "Si", "-t", "300")
    assert status == 130 and out == ""
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("kapitza: interrupted")


def test_materials_list_and_show(cli):
    status, out, _ = cli("materials")
    assert status == 0
    for name in ("Si", "He4", "Al2O3", "4H-SiC"):
        assert name in out
    status, out, _ = cli("materials", "show", "silicon")
    assert status == 0 and "2329" in out and "v_L" in out


def test_console_script_runs_in_a_subprocess():
    proc = subprocess.run(
        [sys.executable, "-c", "from kapitza.cli import run; run()", "predict", "Al", "Si", "-t", "300", "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["results"][0]["temperature"] == [300.0]


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs Linux's /dev/full")
def test_a_full_disk_under_the_output_is_one_line_and_status_2():
    """stdout redirected to a full device (/dev/full: every write fails with ENOSPC): one line, status 2, no
    traceback, and nothing printed again at the interpreter's exit."""
    with open("/dev/full", "w") as full:
        proc = subprocess.run(
            [sys.executable, "-c", "from kapitza.cli import run; run()", "predict", "Al", "Si", "-t", "300", "--json"],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
    assert proc.returncode == 2
    assert proc.stderr == "kapitza: error: cannot write the output: No space left on device\n"


def test_usage_error_exits_with_status_2(cli):
    status, _, err = cli("predict", "Al", "Si", "--no-such-option")
    assert status == 2 and "no-such-option" in err


def test_version(cli):
    status, out, _ = cli("--version")
    assert status == 0 and out.strip() == f"kapitza {kapitza.__version__}"


def test_help_of_temperature_says_ranges_may_descend(cli):
    status, out, _ = cli("predict", "--help")
    assert status == 0 and "descending" in " ".join(out.split())


@pytest.mark.parametrize(
    "args,needle",
    [
        (["-t", "1:10:100000000"], "at most 100,000"),
        (["-t", "-5"], "got -5 K"),
    ],
)
def test_sizes_and_numbers_in_temperature_messages(cli, args, needle):
    status, _, err = cli("predict", "Al", "Si", *args)
    assert status == 2 and needle in err and "np." not in err


def test_kapitza_length_footnote_names_a_user_file(cli, tmp_path):
    """The footnote called a user's material file "database"."""
    from kapitza.materials import get_material

    si = get_material("Si")
    mine = tmp_path / "mine.toml"
    mine.write_text(
        "[materials.MySi]\n"
        f"density = {si.density}\nv_l = {si.v_l}\nv_t = {si.v_t}\nnumber_density = {si.number_density}\n"
        f"debye_temperature = {si.debye_temperature}\nthermal_conductivity = {si.thermal_conductivity}\n"
    )
    status, out, err = cli("predict", str(mine), "Ge", "-t", "300", "-m", "dmm", "--explain")
    assert status == 0, err
    flat = " ".join(out.split())
    assert "mine.toml" in flat
    status, out, _ = cli("predict", "Si", "Ge", "-t", "300", "-m", "dmm", "--explain")
    assert "database" in " ".join(out.split())


def test_csv_electronic_dmm_resistance_is_a_plain_number(cli, tmp_path):
    """Issue 26: the CSV wrote the metal/metal R as 'np.float64(1.35e-10)' (the repr of a numpy scalar); R = 1/G."""
    out = tmp_path / "g.csv"
    status, _, err = cli("predict", "Al", "Cu", "-t", "0,300", "--csv", out)
    assert status == 0, err
    rows = [line.split(",") for line in out.read_text().splitlines() if line.startswith("electronic-dmm")]
    assert [r[3] for r in rows][0] == "inf"
    assert float(rows[1][3]) == pytest.approx(1.0 / float(rows[1][2]), rel=1e-15)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("predict",), "Missing argument 'side1'. (see kapitza predict --help)"),
        (("predict", "Al", "Si", "--bogus"), "No such option: --bogus (see kapitza predict --help)"),
        (("nosuch",), "No such command 'nosuch'. (see kapitza --help)"),
    ],
)
def test_usage_errors_are_one_line(cli, args, words):
    """Issue 28 item 11: a missing argument or unknown option is one line naming the help to read (it was a
    five-line Typer box), status 2, nothing on stdout."""
    status, out, err = cli(*args)
    assert status == 2 and out == ""
    assert err == f"kapitza: error: {words}\n"


def test_a_long_range_is_summarised_as_text_and_whole_in_json_and_csv(cli, tmp_path):
    """Issue 63: 5,000 temperatures print the first and last 10 rows of each table (the expected measurement and
    every model's), a "..." row between, and one line saying how many are left out and where they are, in well
    under 200 lines; --csv and --json of the same range hold every temperature of every model."""
    t = np.geomspace(1.0, 1e5, 5000)
    models = kapitza.available_models()
    table = tmp_path / "all.csv"
    status, out, err = cli("predict", "Al", "Si", "-t", "1:1e5:5000", "--csv", table)
    assert status == 0, err
    assert len(out.splitlines()) < 200
    assert "4,980 temperatures not shown; --json or --csv holds every one" in out
    rows = [line for line in out.splitlines() if line.startswith("│ dmm ")]
    assert [r.split("│")[2].strip() for r in rows] == [f"{x:g}" for x in (*t[:10], *t[-10:])]
    gaps = [line for line in out.splitlines() if set(line.replace("│", " ").split()) == {"..."}]
    assert len(gaps) == 1 + len(models)  # one gap a table: the expected measurement's and each model's
    assert len(table.read_text().strip().splitlines()) == 1 + 5000 * len(models)
    status, out, err = cli("predict", "Al", "Si", "-t", "1:1e5:5000", "--json")
    assert status == 0, err
    doc = json.loads(out)
    np.testing.assert_allclose(doc["expected"]["temperature_k"], t, rtol=1e-14)
    assert len(doc["expected"]["conductance_w_m2k"]) == 5000
    assert {r["model"]: len(r["conductance"]) for r in doc["results"]} == dict.fromkeys(models, 5000)
    assert "not shown" not in out


def test_a_range_of_24_temperatures_is_shown_whole(cli):
    """Up to 24 temperatures (:data:`kapitza.prediction.answer.MAX_SHOWN_TEMPERATURES`) every row is printed and no
    line says some are left out; 25 leave out 5."""
    status, out, err = cli("predict", "Al", "Si", "-t", "10:1000:24", "--model", "dmm")
    assert status == 0, err
    assert "not shown" not in out and "│ ..." not in out
    assert sum(line.startswith("│ dmm ") for line in out.splitlines()) == 24
    status, out, err = cli("predict", "Al", "Si", "-t", "10:1000:25", "--model", "dmm")
    assert status == 0, err
    assert "5 temperatures not shown; --json or --csv holds every one" in out
    assert sum(line.startswith("│ dmm ") for line in out.splitlines()) == 20


def test_output_paths_are_printed_as_typed_not_as_markup(cli, tmp_path):
    """The last review: a --csv or --plot path holding rich markup ("[bold]", "[red]", "[link=...]") was interpreted
    (the brackets vanished, the style applied); the paths are printed literally."""
    folder = tmp_path / "[bold]red"
    folder.mkdir()
    table, png = folder / "[link=file:x]x.csv", folder / "[red]g[blink].png"
    status, _, err = cli("predict", "Al", "Si", "-t", "300", "--csv", table, "--plot", png)
    assert status == 0, err
    assert table.exists() and png.exists()
    assert f"CSV written to {table}" in err and f"plot written to {png}" in err
