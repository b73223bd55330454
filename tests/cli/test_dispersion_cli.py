"""``kapitza predict --dispersion phonopy`` and ``--compare-debye`` (small meshes keep these fast)."""

from __future__ import annotations

import json

import numpy as np
import pytest

import kapitza

FAST = ["--mesh", "10"]


def test_full_dispersion_json_records_settings_and_shares(cli):
    status, out, err = cli(
        "predict", "Si", "Ge", "--dispersion", "phonopy", "--potential", "sw", "-t", "30,300", "--json", *FAST
    )
    assert status == 0, err
    doc = json.loads(out)
    assert [r["model"] for r in doc["results"]] == list(kapitza.available_models("phonopy"))
    dmm = doc["results"][0]
    assert dmm["settings"]["dispersion"] == "phonopy" and dmm["settings"]["potential"] == "sw"
    assert dmm["settings"]["mesh"] == [10, 10, 10] and dmm["settings"]["normal"] == [0.0, 0.0, 1.0]
    expected = kapitza.conductance("Si", "Ge", [30.0, 300.0], "dmm", dispersion="phonopy", potential="sw", mesh=10)
    np.testing.assert_allclose(dmm["conductance"], expected, rtol=1e-12)
    assert set(dmm["conductance_by_branch"]) == {"TA1", "TA2", "LA", "O1", "O2", "O3"}
    shares = dmm["shares"]
    np.testing.assert_allclose(np.sum(list(shares["by_branch"].values()), axis=0), 1.0, rtol=1e-9)
    np.testing.assert_allclose(np.sum(shares["by_frequency_band"], axis=0), 1.0, rtol=1e-9)
    assert shares["frequency_band_edges_THz"][0] == 0.0


def test_table_shows_shares_by_band_and_frequency(cli):
    status, out, _ = cli("predict", "Si", "Ge", "--dispersion", "phonopy", "-m", "dmm", "-t", "300", *FAST, "--explain")
    assert status == 0
    assert "share of G by incident band of Si" in out and "share of G by frequency band" in out
    assert "TA1" in out and "O1" in out


def test_compare_debye_prints_both_and_plots_spectral_conductance(cli, tmp_path):
    png = tmp_path / "cmp.png"
    status, out, err = cli("predict", "Al", "Si", "--compare-debye", "-t", "300", "--plot", str(png), *FAST)
    assert status == 0, err
    assert "Debye vs full dispersion" in out and "full / Debye" in out
    debye = kapitza.conductance("Al", "Si", 300.0, "dmm") / 1e6
    assert f"{debye:.4g}" in out
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_compare_debye_json_has_spectral_conductance(cli):
    status, out, _ = cli("predict", "Al", "Si", "--compare-debye", "-m", "dmm", "-t", "300", "--json", *FAST)
    assert status == 0
    c = json.loads(out)["comparison"]["comparisons"][0]  # the prediction's comparison (issue 61: --json is its to_dict)
    omega = np.array(c["omega"])
    assert len(c["dG_domega_full_dispersion"][0]) == omega.size
    integral = np.trapezoid(c["dG_domega_debye"][0], omega)
    assert integral == pytest.approx(c["conductance_debye"][0], rel=2e-2)  # trapezoid over the Debye steps


@pytest.mark.parametrize(
    "args,needle",
    [
        (["predict", "Si", "Ge", "--dispersion", "phonopy", "-m", "amm"], "Debye spectra only"),
        (["predict", "Si", "Ge", "--potential", "sw"], "--dispersion phonopy"),
        (["predict", "Si", "Ge", "--dispersion", "einstein"], "--dispersion"),
        (["predict", "Si", "Ge", "--dispersion", "phonopy", "--normal", "0,0,0"], "normal"),
        (["predict", "Al", "Si", "--dispersion", "phonopy", "--potential", "sw"], "sw"),
    ],
)
def test_bad_full_dispersion_requests(cli, args, needle):
    status, _, err = cli(*args)
    assert status == 2 and needle in err and err.count("\n") == 1


def test_inelastic_with_full_dispersion_runs(cli):
    """Issue 9 crash: `predict Si Ge -m dmm --dispersion phonopy --mesh 8 --inelastic ...` ended in AttributeError."""
    status, out, err = cli(
        "predict", "Si", "Ge", "-m", "dmm", "--dispersion", "phonopy", "--mesh", "8",
        "--inelastic", "A=1e-15,q=1,m=1", "-t", "300", "--json",
    )  # fmt: skip
    assert status == 0, err
    doc = json.loads(out)
    expected = kapitza.conductance(
        "Si", "Ge", 300.0, "dmm", dispersion="phonopy", mesh=8, inelastic=dict(A=1e-15, q=1, m=1)
    )
    assert doc["results"][0]["conductance"][0] == pytest.approx(expected, rel=1e-12)
    np.testing.assert_allclose(np.sum(list(doc["results"][0]["shares"]["by_branch"].values())), 1.0, rtol=1e-9)


@pytest.mark.parametrize("args", [["--mesh", "0"], ["--normal", "abc"], ["--width", "2"], ["--potential", "sw"]])
def test_full_dispersion_options_are_refused_with_debye(cli, args):
    """--mesh 0 and --normal abc used to be ignored with Debye spectra while --potential was refused."""
    status, _, err = cli("predict", "Si", "Ge", *args)
    assert status == 2 and err.count("\n") == 1
    assert args[0] in err and "--dispersion phonopy" in err
