"""``kapitza fit power-law | inelastic | thickness`` end to end: JSON, figure, hostile inputs -> one line, exit 2."""

from __future__ import annotations

import json

import numpy as np
import pytest

from kapitza.prediction import predict_model

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def cubic(tmp_path):
    """G = 250 T^3 with 2 % noise and sigmas, header line, 2-30 K."""
    t = np.geomspace(2.0, 30.0, 12)
    g = 250.0 * t**3 * (1 + 0.02 * np.random.default_rng(0).normal(size=t.size))
    path = tmp_path / "g.txt"
    path.write_text("T (K), G (W/m2/K), sigma\n" + "".join(f"{a},{b},{0.02 * 250 * a**3}\n" for a, b in zip(t, g)))
    return path


def test_power_law_json_and_plot(cli, tmp_path, cubic):
    plot = tmp_path / "fit.png"
    status, out, err = cli("fit", "power-law", cubic, "--t-max", "20", "--json", "--plot", plot)
    assert status == 0, err
    doc = json.loads(out)
    assert abs(doc["n"] - 3.0) < 3 * doc["n_err"] and doc["points_used"] < doc["points"] == 12
    assert doc["errors_from"].startswith("sigma") and doc["t_max"] == 20.0
    assert plot.read_bytes()[:8] == PNG_MAGIC
    status, out, _ = cli("fit", "power-law", cubic)
    assert status == 0 and "n = " in out and "12 of 12 points" in out


def test_power_law_two_columns_use_the_scatter(cli, tmp_path):
    path = tmp_path / "g2.dat"
    path.write_text("# T G\n" + "".join(f"{a} {5 * a**2.5}\n" for a in (1, 2, 3, 5, 8)))
    status, out, err = cli("fit", "power-law", path, "--json")
    assert status == 0, err
    doc = json.loads(out)
    assert doc["n"] == pytest.approx(2.5) and doc["errors_from"].startswith("scatter")


def test_inelastic_json_and_plot(cli, tmp_path):
    """Noise-free G(T) from predict (DMM + A=1e-12, q=0.5, m=0.8), m held: A and q come back to 1e-3."""
    t = np.array([30.0, 60.0, 100.0, 200.0, 300.0])
    g = predict_model("Al", "Al2O3", t, "dmm", inelastic={"A": 1e-12, "q": 0.5, "m": 0.8}).conductance
    path = tmp_path / "gi.csv"
    path.write_text("".join(f"{a},{b},{0.01 * b}\n" for a, b in zip(t, g)))
    plot = tmp_path / "inel.svg"
    args = ("fit", "inelastic", path, "--side1", "Al", "--side2", "Al2O3", "--fit", "A,q", "--fixed", "m=0.8")
    status, out, err = cli(*args, "--json", "--plot", plot)
    assert status == 0, err
    doc = json.loads(out)
    assert doc["values"]["A"] == pytest.approx(1e-12, rel=1e-3) and doc["values"]["q"] == pytest.approx(0.5, abs=1e-3)
    assert doc["fitted"] == ["A", "q"] and len(doc["elastic_conductance"]) == 5
    assert plot.read_text().lstrip().startswith("<?xml")
    status, out, err = cli(*args)
    assert status == 0, err
    assert "m = 0.8 (held)" in out and "log10 A" in out


def test_thickness_matches_md_thickness(cli, tmp_path):
    f = tmp_path / "series.csv"
    f.write_text("L,R,sigma_R\n" + "".join(f"{L},{2e-9 + L / 100},{1e-10}\n" for L in (1e-8, 2e-8, 4e-8)))
    status, out, err = cli("fit", "thickness", f, "--json")
    assert status == 0, err
    mine = json.loads(out)
    status, out, err = cli("md", "thickness", f, "--json")
    assert status == 0, err
    theirs = json.loads(out)
    assert mine["R_K"] == pytest.approx(2e-9) and mine["kappa"] == pytest.approx(100.0)
    assert {k: mine[k] for k in ("R_K", "R_K_err", "kappa", "points")} == {
        k: theirs[k] for k in ("R_K", "R_K_err", "kappa", "points")
    }
    status, out, _ = cli("fit", "thickness", f)
    assert status == 0 and "W m^-1 K^-1" in out


@pytest.mark.parametrize(
    ("content", "args", "match"),
    [
        (None, ("power-law",), "does not exist"),
        (b"\0\1binary", ("power-law",), "not a plain (ASCII) text file"),
        ("", ("power-law",), "no data rows"),
        ("1 2 3 4\n2 3 4 5\n", ("power-law",), "line 1: expected 2 or 3 columns, got 4"),
        ("1 2\n2 3 1\n", ("power-law",), "line 2: expected 2 columns, got 3"),
        ("T G\n1 2\nx y\n", ("power-law",), "line 3: not a number"),
        ("1 2\n2 nan\n3 4\n", ("power-law",), "NaN or infinite"),
        ("1 2\n2 -3\n3 4\n", ("power-law",), "conductance must be > 0"),
        ("1 2\n2 3\n", ("power-law",), "2 point(s)"),
        ("1 2\n2 3\n3 4\n", ("power-law", "--t-max", "-4"), "--t-max must be > 0 K, got -4"),
        ("1 2\n2 3\n3 4\n", ("power-law", "--plot", "out.txt"), "--plot file"),
        ("1 2\n2 3\n3 4\n", ("inelastic", "--side1", "Al", "--side2", "Si", "--fit", "A,x"), "--fit takes names"),
        ("1 2\n2 3\n3 4\n", ("inelastic", "--side1", "Al", "--side2", "Si", "--initial", "A"), "--initial"),
        ("1 2\n2 3\n3 4\n", ("inelastic", "--side1", "Al", "--side2", "Si"), "cannot determine 3"),
        ("1 2\n2 3\n3 4\n", ("thickness",), "line 1: expected 3 columns, got 2"),
        ("1 2 1\n2 3 1\n", ("thickness", "--units", "cgs"), "--units must be si or lj"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(cli, tmp_path, content, args, match):
    path = tmp_path / "data.txt"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content)
    command, *rest = args
    status, out, err = cli("fit", command, path, *rest)
    assert status == 2
    assert err.count("\n") == 1 and match in err, err
    assert out == ""


@pytest.mark.parametrize("command", [("power-law",), ("inelastic", "--side1", "Al", "--side2", "Si")])
def test_temperatures_outside_the_range_are_refused_before_anything_is_written(cli, tmp_path, command):
    """Issue 39: a measured-data file with temperatures near 1e308 K (outside what kapitza accepts, 1e5 K): one
    line naming the file, exit 2, no figure written (it used to print n +- nan, or a traceback with --plot)."""
    path = tmp_path / "g.txt"
    path.write_text("1e307 10\n2e307 80\n5e307 270\n1e308 640\n")
    plot = tmp_path / "fit.png"
    status, out, err = cli("fit", *command[:1], path, *command[1:], "--plot", plot)
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and "g.txt" in err and "above 100000 K" in err
    assert not plot.exists()


def test_power_law_prefactor_beyond_float_range_is_refused(cli, tmp_path):
    """G ~ T^60 at 1e-6 K: a = G / T^n (1e363) is beyond floating-point range; one line says so (it was a
    traceback, with T near 1e-300 K, now refused by kapitza's least temperature, 1e-6 K)."""
    path = tmp_path / "g.txt"
    path.write_text("1e-6 1e3\n2e-6 1.152921504606847e+21\n4e-6 1.329227995784916e+39\n")
    status, out, err = cli("fit", "power-law", path)
    assert status == 2 and out == "" and err.count("\n") == 1
    assert "beyond floating-point range" in err
    path.write_text("1e-300 10\n2e-300 80\n3e-300 270\n")
    status, out, err = cli("fit", "power-law", path)
    assert status == 2 and out == "" and err.count("\n") == 1
    assert "temperature 1e-300 K is below 1e-06 K" in err


def test_power_law_lines_never_print_a_bare_nan_or_inf():
    """The text of a fit whose covariance could not be estimated (NaN errors), whose errors are zero (exact data:
    correlation 0/0) or that has no degree of freedom: a sentence where the number would be NaN or inf."""
    from types import SimpleNamespace

    import numpy as np

    from kapitza.cli.fits import power_law_lines

    nan = float("nan")
    base = dict(a=10.0, n=3.0, used=np.ones(3, bool), errors_from="scatter", chi2_per_dof=1.0)
    cases = [
        SimpleNamespace(**base, a_err=nan, n_err=nan, correlation=nan, t_max=float("inf")),
        SimpleNamespace(**base, a_err=0.0, n_err=0.0, correlation=nan, t_max=5.0),
        SimpleNamespace(**{**base, "chi2_per_dof": nan}, a_err=1.0, n_err=0.1, correlation=0.5, t_max=5.0),
    ]
    texts = [" ".join(power_law_lines(fit)) for fit in cases]
    for text in texts:
        assert "nan" not in text.lower() and "inf" not in text.lower().replace("information", "")
    assert "error not determined" in texts[0] and "all temperatures" in texts[0]
    assert "an error is zero" in texts[1]
    assert "no degree of freedom" in texts[2]
