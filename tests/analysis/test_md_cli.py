"""``kapitza md analyze`` and ``kapitza md thickness`` end to end: JSON, figure, hostile inputs -> exit 2."""

from __future__ import annotations

import json

import numpy as np
import pytest
from analysis_synthetic import ave_chunk_text, synthetic

from kapitza.cli import main

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def run(capsys, *args):
    status = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture
def profile(tmp_path):
    path = tmp_path / "tmp.profile"
    path.write_text(ave_chunk_text(synthetic(3)))
    return path


def test_analyze_json_and_plot(capsys, tmp_path, profile):
    plot = tmp_path / "profile.png"
    status, out, err = run(
        capsys, "md", "analyze", profile, "--interfaces", "10,30", "--flux", "0.05", "--json", "--plot", plot
    )
    assert status == 0, err
    doc = json.loads(out)
    assert doc["units"] == "lj" and "LJ reduced" in doc["unit_names"]["conductance_si"]
    c = doc["combined"]
    assert abs(c["delta_T"] - 0.2) < 3 * c["delta_T_err"] and abs(c["G"] - 0.25) < 3 * c["G_err"]
    assert len(doc["interfaces"]) == 2 and doc["J"] == 0.05 and len(doc["interfaces"][0]["excluded_zones"]) == 4
    assert "0.2 of each segment" in doc["exclusion"]
    assert plot.read_bytes()[:8] == PNG_MAGIC


def test_analyze_table_with_baths_in_metal_units(capsys, tmp_path, profile):
    baths = tmp_path / "baths.txt"
    t = np.linspace(0, 10, 20)
    baths.write_text("time e_hot e_cold\n" + "".join(f"{a} {-3 * a} {3 * a}\n" for a in t))
    status, out, err = run(
        capsys,
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
    )
    assert status == 0, err
    assert "metal units" in out and "MW m" in out and "(baths)" in out and "2 bins" in out


def test_thickness_cli(capsys, tmp_path):
    f = tmp_path / "series.csv"
    f.write_text("L,R,sigma_R\n" + "".join(f"{L},{2e-9 + L / 100},{1e-10}\n" for L in (1e-8, 2e-8, 4e-8)))
    status, out, err = run(capsys, "md", "thickness", f, "--json")
    assert status == 0, err
    doc = json.loads(out)
    assert doc["R_K"] == pytest.approx(2e-9) and doc["kappa"] == pytest.approx(100.0) and doc["units"] == "si"
    status, out, _ = run(capsys, "md", "thickness", f)
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
        ("OK", ("--interfaces", "10,30", "--geometry", "slab"), "--geometry must be"),
        ("OK", ("--interfaces", "10,30", "--baths", "b.txt"), "--baths needs --area"),
        ("OK", ("--interfaces", "10,30", "--flux", "1", "--baths", "b.txt"), "either --flux or --baths"),
        ("OK", ("--interfaces", "10,30", "--exclude", "9"), "--exclude"),
        ("OK", (), "composition column"),
        ("OK", ("--interfaces", "10,30", "--plot", "out.txt"), "--plot file"),
    ],
)
def test_hostile_inputs_exit_2_with_one_line_and_write_nothing(capsys, tmp_path, content, args, match):
    path = tmp_path / "in.profile"
    if content == "OK":
        path.write_text(ave_chunk_text(synthetic(3)))
    elif content == "TRUNC":
        path.write_text(ave_chunk_text(synthetic(3))[:-40])
    elif content is not None:
        path.write_bytes(content)
    before = sorted(p.name for p in tmp_path.iterdir())
    plot = () if "--plot" in args else ("--plot", tmp_path / "fig.png")
    status, out, err = run(capsys, "md", "analyze", path, *args, *plot)
    assert status == 2
    assert err.count("\n") == 1 and err.startswith("kapitza: error:") and match in err, err
    assert sorted(p.name for p in tmp_path.iterdir()) == before
