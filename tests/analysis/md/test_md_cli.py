"""``kapitza md analyze`` and ``kapitza md thickness`` end to end: JSON, figure, hostile inputs -> exit 2."""

from __future__ import annotations

import json

import numpy as np
import pytest
from analysis_synthetic import ave_chunk_text, synthetic

from answer_rules import WITH_ERROR, answer_first, explained

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def profile(tmp_path):
    path = tmp_path / "tmp.profile"
    path.write_text(ave_chunk_text(synthetic(3)))
    return path


def test_analyze_json_and_plot(cli, tmp_path, profile):
    plot = tmp_path / "profile.png"
    status, out, err = cli(
        "md", "analyze", profile, "--interfaces", "10,30", "--flux", "0.05", "--json", "--plot", plot
    )
    assert status == 0, err
    doc = json.loads(out)
    assert doc["units"] == "lj" and "LJ reduced" in doc["unit_names"]["conductance_si"]
    c = doc["combined"]
    assert abs(c["delta_T"] - 0.2) < 3 * c["delta_T_err"] and abs(c["G"] - 0.25) < 3 * c["G_err"]
    assert len(doc["interfaces"]) == 2 and doc["J"] == 0.05 and len(doc["interfaces"][0]["excluded_zones"]) == 4
    assert "0.2 of each segment" in doc["exclusion"]
    assert plot.read_bytes()[:8] == PNG_MAGIC


def test_analyze_table_with_baths_in_metal_units(cli, tmp_path, profile):
    baths = tmp_path / "baths.txt"
    t = np.linspace(0, 10, 20)
    baths.write_text("time e_hot e_cold\n" + "".join(f"{a} {-3 * a} {3 * a}\n" for a in t))
    status, out, err = cli(
        "md",
        "analyze",
        profile,
        "--interfaces",
        "10,30",
        "--baths",
        baths,
        "--area",
        "30",
        "--units",
        "metal",
        "--exclude",
        "2",
        "--explain",
    )
    assert status == 0, err
    assert "metal units" in out and "MW m" in out and "(baths)" in out and "2 bins" in out


def test_thickness_cli(cli, tmp_path):
    f = tmp_path / "series.csv"
    f.write_text("L,R,sigma_R\n" + "".join(f"{L},{2e-9 + L / 100},{1e-10}\n" for L in (1e-8, 2e-8, 4e-8)))
    status, out, err = cli("md", "thickness", f, "--json")
    assert status == 0, err
    doc = json.loads(out)
    assert doc["R_K"] == pytest.approx(2e-9) and doc["kappa"] == pytest.approx(100.0) and doc["units"] == "si"
    status, out, _ = cli("md", "thickness", f)
    assert status == 0 and "W m^-1 K^-1" in out


@pytest.mark.parametrize(
    ("content", "args", "match"),
    [
        (None, ("--interfaces", "10,30"), "does not exist"),
        (b"\0\1\2binary", ("--interfaces", "10,30"), "not a text file"),
        (b"", ("--interfaces", "10,30"), "is empty"),
        ("TRUNC", ("--interfaces", "10,30"), "line 822: expected 4 columns, got 3"),
        ("OK", ("--interfaces", "10,abc"), "--interfaces takes numbers"),
        ("OK", ("--interfaces", "10,30", "--units", "cgs"), "--units must be one of"),
        ("OK", ("--interfaces", "10,30", "--geometry", "slab"), "geometry= (--geometry) must be"),
        ("OK", ("--interfaces", "10,30", "--baths", "b.txt"), "baths= (--baths) needs area= (--area)"),
        ("OK", ("--interfaces", "10,30", "--flux", "1", "--baths", "b.txt"), "either flux= (--flux) or baths="),
        ("OK", ("--interfaces", "10,30", "--exclude", "9"), "--exclude"),
        ("OK", (), "composition column"),
        ("OK", ("--interfaces", "10,30", "--plot", "out.txt"), "--plot file"),
    ],
)
def test_hostile_inputs_exit_2_with_one_line_and_write_nothing(cli, tmp_path, content, args, match):
    path = tmp_path / "in.profile"
    if content == "OK":
        path.write_text(ave_chunk_text(synthetic(3)))
    elif content == "TRUNC":
        path.write_text(ave_chunk_text(synthetic(3))[:-40])
    elif content is not None:
        path.write_bytes(content)
    before = sorted(p.name for p in tmp_path.iterdir())
    plot = () if "--plot" in args else ("--plot", tmp_path / "fig.png")
    status, out, err = cli("md", "analyze", path, *args, *plot)
    assert status == 2
    assert err.count("\n") == 1 and err.startswith("kapitza: error:") and match in err, err
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_analyze_run_directory_needs_nothing_else(cli, tmp_path):
    """A kapitza run directory: interfaces, flux (both baths), area and units all from its files."""
    from run_dir_synthetic import AREA, FLUX, JUMP, write_run_dir

    folder = write_run_dir(tmp_path / "r")
    plot = tmp_path / "p.png"
    status, out, err = cli("md", "analyze", folder, "--json", "--plot", plot)
    assert status == 0, err
    doc = json.loads(out)
    assert doc["J"] == pytest.approx(FLUX) and doc["flux_source"] == "baths" and doc["baths"]["balanced"]
    assert doc["area"] == AREA and doc["interface_fraction"] == 0.5 and doc["units"] == "lj"
    c = doc["combined"]
    assert abs(c["delta_T"] - JUMP) < 3 * c["delta_T_err"] and abs(c["G"] - FLUX / JUMP) < 3 * c["G_err"]
    assert [i["position"] for i in doc["interfaces"]] == pytest.approx([0.0, 20.0], abs=1e-9)
    assert doc["T_mean"] == pytest.approx(1.0, abs=0.02) and plot.read_bytes()[:8] == PNG_MAGIC
    status, out, err = cli("md", "analyze", folder, "--explain")
    assert status == 0 and "T_mean" in out and "(baths)" in out


def test_analyze_baths_txt_outside_a_run_directory(cli, tmp_path):
    """profile.chunk + baths.txt given as files: the same J as from the run directory, once area and block time
    are given; without them one error naming what is missing."""
    from run_dir_synthetic import FLUX, write_run_dir

    folder = write_run_dir(tmp_path / "r")
    args = ("md", "analyze", folder / "profile.chunk", "--interfaces", "0,20", "--baths", folder / "baths.txt")
    status, out, err = cli(*args, "--area", "30", "--block-time", "1", "--json")
    assert status == 0, err
    assert json.loads(out)["J"] == pytest.approx(FLUX)
    status, out, err = cli(*args, "--area", "30")
    assert status == 2 and "needs block_time= (--block-time)" in err
    status, out, err = cli(*args)
    assert status == 2 and "needs area= (--area)" in err


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (("--flux", "1"), "flux= (--flux) is for a profile file"),
        (("--units", "metal"), "contradicts the run directory's units"),
        (("--geometry", "fixed"), "contradicts the run directory"),
    ],
)
def test_analyze_run_directory_refuses_contradicting_options(cli, tmp_path, args, match):
    from run_dir_synthetic import write_run_dir

    status, out, err = cli("md", "analyze", write_run_dir(tmp_path / "r"), *args)
    assert status == 2 and match in err and err.count("\n") == 1, err


def test_response_command_g_of_t_and_j_of_delta_t(cli, tmp_path):
    """Runs at T = 0.5, 1, 2 with G = 0.25 T (synthetic): exponent ~1; runs at Delta T = 0.1, 0.2, 0.4 with J = 0.25
    Delta T: slope G = 0.25, no significant quadratic term."""
    from run_dir_synthetic import write_run_dir

    temps = [write_run_dir(tmp_path / f"t{i}", seed=i, temperature=t, flux=0.05 * t) for i, t in enumerate((0.5, 1, 2))]
    plot = tmp_path / "r.png"
    status, out, err = cli("md", "response", *temps, "--json", "--plot", plot)
    assert status == 0, err
    doc = json.loads(out)
    g = doc["G_of_T"]
    assert abs(g["exponent"] - 1) < 3 * g["exponent_err"] and doc["J_of_delta_T"] is None and len(doc["runs"]) == 3
    assert plot.read_bytes()[:8] == PNG_MAGIC
    jumps = [
        write_run_dir(tmp_path / f"d{i}", seed=i, jump=d, flux=0.25 * d, delta_temperature=2 * d)
        for i, d in enumerate((0.1, 0.2, 0.4))
    ]
    status, out, err = cli("md", "response", *jumps, "--json")
    r = json.loads(out)["J_of_delta_T"]
    assert status == 0 and abs(r["G"] - 0.25) < 3 * r["G_err"] and r["nonlinear"] is False
    status, out, err = cli("md", "response", *jumps)
    assert status == 0 and "no significant non-linearity" in out


def test_response_command_refuses_what_is_not_a_run_directory(cli, tmp_path):
    (tmp_path / "empty").mkdir()
    status, out, err = cli("md", "response", tmp_path / "empty")
    assert status == 2 and "not a kapitza NEMD run directory: it has no run.json" in err and err.count("\n") == 1
    status, out, err = cli("md", "response", tmp_path / "nowhere")
    assert status == 2 and "does not exist" in err


def test_analyze_a_kapitza_run_directory_gives_the_thermostat_regime(cli):
    """``md analyze RUN_DIR`` says what ``md run`` says after a run: the thermostat-regime verdict (issue 25:
    "a check in every run"), from the run's own profile, set points and slabs.  The shipped LJ run
    (examples/data/md/lj_small, bath slabs within 7 % of their set points, interface 60 % of the slab-to-slab
    drop: see analysis/regime.py's thresholds) is not thermostat-limited."""
    from pathlib import Path

    folder = Path(__file__).resolve().parents[3] / "examples" / "data" / "md" / "lj_small"
    status, out, err = cli("md", "analyze", folder, "--json")
    assert status == 0, err
    regime = json.loads(out)["regime"]
    assert regime["verdict"] == "ok" and "lost in the baths" in regime["message"]
    status, out, err = cli("md", "analyze", folder, "--explain")
    assert status == 0 and "regime: not thermostat-limited" in out
    status, out, err = cli("md", "analyze", folder)
    assert status == 0 and "regime:" not in out and "the thermostat regime" in out.splitlines()[-1]


def test_analyze_gives_the_jump_and_g_first_and_explain_the_analysis(cli):
    """Issue 53 item 4, on the shipped GaN|SiC run (examples/data/interfaces/gan_sic_spectral, metal units): G in
    MW m^-2 K^-1 with its error and the run's mean temperature on the first line, then the table (9 lines in all;
    a 10th: this short run's jump blocks are correlated, issue 64's warning);
    the flux, the direction, the blocks, the exclusions, the run and the regime (printed before) with --explain."""
    from pathlib import Path

    folder = Path(__file__).resolve().parents[3] / "examples" / "data" / "interfaces" / "gan_sic_spectral"
    status, out, err = cli("md", "analyze", folder)
    assert status == 0, err
    lines = answer_first(out, most=11, within=1)
    assert lines[0].startswith("G = ") and "MW m" in lines[0] and "at T_mean = " in lines[0]
    assert any("combined" in line and WITH_ERROR.search(line) for line in lines)
    assert "heat-flow direction" not in out and "(baths)" not in out
    status, out, err = cli("md", "analyze", folder, "--explain")
    assert status == 0, err
    explained(
        out,
        "(baths)",
        "heat-flow direction:",
        "blocks used",
        "excluded zones:",
        "T_mean = ",
        "regime: not thermostat-limited",
    )


def test_a_thermostat_limited_run_and_a_flagged_fit_are_warnings_after_the_answer(cli, tmp_path):
    """A synthetic LJ run whose baths were set 1.5 apart while its slabs sit 0.38 apart (74 % of the set difference
    lost in the baths: thermostat-limited, analysis/md/regime.py), and whose fit the analysis flags (the bath's
    non-linear zone reaches the fit range at one end): both are warnings, after the table, in the default text;
    the JSON is unchanged (its regime and warnings)."""
    from run_dir_synthetic import write_run_dir

    folder = write_run_dir(tmp_path / "r", delta_temperature=1.5)
    status, out, err = cli("md", "analyze", folder)
    assert status == 0, err
    lines = answer_first(out, most=14, within=8)
    warnings = [n for n, line in enumerate(lines) if line.startswith("warning:")]
    table_end = max(n for n, line in enumerate(lines) if "combined" in line)
    assert len(warnings) == 2 and min(warnings) > table_end, out
    assert lines[warnings[0]].startswith("warning: the thermostat's non-linear zone next to the bath")
    assert lines[warnings[1]].startswith("warning: regime: thermostat-limited:")
    status, out, err = cli("md", "analyze", folder, "--json")
    doc = json.loads(out)
    assert status == 0 and doc["regime"]["verdict"] == "thermostat-limited" and len(doc["warnings"]) == 1
