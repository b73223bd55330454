"""``kapitza md analyze`` with foreign bath files, --flux-err, the hot bath, MW units and the strict-JSON rule."""

from __future__ import annotations

import json

import numpy as np
import pytest
from analysis_synthetic import ave_chunk_text, synthetic

from json_rules import strict_loads, unexplained_errors
from kapitza.analysis import flux_from_baths


@pytest.fixture
def profile(tmp_path):
    path = tmp_path / "tmp.profile"
    path.write_text(ave_chunk_text(synthetic(3)))
    return path


def _tally(n=400, seed=0):
    """Cumulative Langevin tallies, reservoir convention (hot negative), rate 3 +- noise per unit time."""
    rng = np.random.default_rng(seed)
    t = np.arange(n + 1) * 0.5
    hot = np.concatenate([[0.0], np.cumsum(-1.5 + 0.3 * rng.standard_normal(n))])
    cold = np.concatenate([[0.0], np.cumsum(1.5 + 0.3 * rng.standard_normal(n))])
    return t, hot, cold


def test_fix_print_file_read_by_its_header_names(cli, tmp_path, profile):
    """A LAMMPS fix print file (step time f_hot f_cold etotal): the flux equals flux_from_baths on the same
    columns (the independent computation), and the output says which columns were used."""
    t, hot, cold = _tally()
    f = tmp_path / "tally.txt"
    f.write_text(
        "# step time f_hot f_cold etotal\n"
        + "".join(
            f"{int(2 * x * 1000)} {x:.6f} {h:.10g} {c:.10g} -1234.5\n" for x, h, c in zip(t, hot, cold, strict=True)
        )
    )
    args = ("md", "analyze", profile, "--interfaces", "10,30", "--baths", f, "--area", "30", "--units", "metal")
    status, out, err = cli(*args, "--json")
    assert status == 0, err
    doc = json.loads(out)
    ref = flux_from_baths(t, hot, cold, area=30.0, units="metal")
    assert doc["J"] == pytest.approx(ref.flux, rel=1e-6) and doc["J_err"] == pytest.approx(ref.flux_err, rel=1e-6)
    assert "time, f_hot, f_cold" in doc["bath_file_layout"] and doc["baths"]["flux_blocks"] >= 8
    assert "error of the mean flux" in doc["baths"]["flux_err_method"] and unexplained_errors(doc) == []
    status, out, err = cli(*args, "--explain")
    assert status == 0 and "statistical inefficiency" in out and "by their header names" in out


def test_a_file_without_names_is_refused_until_its_layout_is_stated(cli, tmp_path, profile):
    t, hot, cold = _tally()
    f = tmp_path / "three.txt"
    f.write_text("".join(f"{x} {h} {c}\n" for x, h, c in zip(t, hot, cold, strict=True)))
    args = ("md", "analyze", profile, "--interfaces", "10,30", "--baths", f, "--area", "30")
    status, out, err = cli(*args)
    assert status == 2 and "--bath-columns" in err and err.count("\n") == 1
    status, out, err = cli(*args, "--bath-columns", "time=0,hot=1,cold=2", "--json")
    assert status == 0, err
    assert json.loads(out)["J"] == pytest.approx(flux_from_baths(t, hot, cold, 30.0).flux, rel=1e-9)
    status, out, err = cli(*args, "--bath-columns", "time=0,hot=1")
    assert status == 2 and "needs hot, cold and one of time or step" in err


def test_flux_err_enters_g_error_and_an_exact_flux_is_said_so(cli, profile):
    """G = J / Delta T: sigma_G^2 = sigma_G,DeltaT^2 + (G sigma_J / J)^2 (first-order propagation)."""
    base = ("md", "analyze", profile, "--interfaces", "10,30", "--flux", "0.05", "--json")
    _, out, _ = cli(*base)
    exact = json.loads(out)
    _, out, _ = cli(*base, "--flux-err", "0.005")
    doc = json.loads(out)
    g, ge0 = exact["combined"]["G"], exact["combined"]["G_err"]
    assert doc["combined"]["G_err"] == pytest.approx(np.hypot(ge0, g * 0.1), rel=1e-9)
    assert "no --flux-err" in exact["J_err_note"] and unexplained_errors(exact) == [] and unexplained_errors(doc) == []
    status, out, err = cli("md", "analyze", profile, "--interfaces", "10,30", "--flux-err", "0.1")
    assert status == 2 and "flux_err= (--flux-err) goes with flux= (--flux)" in err


def test_no_json_error_is_zero_or_nan_without_a_note(cli, tmp_path, profile):
    """No flux (G NaN), LJ units (no SI), one block (no jackknife), noise-free blocks (zero spread)."""
    one = tmp_path / "one.profile"
    one.write_text(ave_chunk_text(synthetic(3, blocks=1)))
    flat = tmp_path / "flat.profile"
    flat.write_text(ave_chunk_text(synthetic(0, noise=0.0)))
    for f, extra in ((profile, ()), (one, ("--flux", "0.05")), (flat, ("--flux", "0.05")),
                     (profile, ("--units", "metal"))):  # fmt: skip
        status, out, err = cli("md", "analyze", f, "--interfaces", "10,30", "--hot-bath-at", "20", *extra,
                               "--json")  # fmt: skip
        assert status == 0, err
        doc = strict_loads(out)
        assert unexplained_errors(doc) == [], (f.name, extra)


def test_metal_units_print_g_in_mw(cli, profile):
    """1 eV ps^-1 A^-2 K^-1 = 1.602176634e-19 J / (1e-12 s 1e-20 m^2 K) = 1.602176634e13 W m^-2 K^-1
    = 1.602176634e7 MW m^-2 K^-1 (exact, SI 2019 value of the electronvolt)."""
    args = ("md", "analyze", profile, "--interfaces", "10,30", "--flux", "0.05", "--units", "metal")
    _, out, _ = cli(*args, "--json")
    c = json.loads(out)["combined"]
    assert c["G_MW_m2K"] == pytest.approx(c["G"] * 1.602176634e7, rel=1e-12)
    assert c["G_MW_m2K_err"] == pytest.approx(c["G_err"] * 1.602176634e7, rel=1e-12)
    status, out, _ = cli(*args)
    assert status == 0 and out.count("MW m") >= 2 and "eV/(ps" in out  # table column and the SI line


def test_hot_bath_and_edge_interfaces_on_the_command_line(cli, tmp_path):
    """Interfaces at 0 and L/2 of a profile whose box is printed with six digits (issue 25 item 3), the hot
    bath given: accepted, and the output says where the direction came from."""
    p = synthetic(3, length=62.8513)
    z = (p.positions - 62.8513 / 4) % 62.8513
    order = np.argsort(z)
    from kapitza.analysis import TemperatureProfile

    moved = TemperatureProfile(z[order], p.temperatures[:, order], None, None)
    f = tmp_path / "edge.profile"
    f.write_text(ave_chunk_text(moved).replace("e+01", "e+01"))
    for planes in ("31.4257,0", "31.4257,62.8513"):
        status, out, err = cli("md", "analyze", f, "--interfaces", planes, "--hot-bath-at", "15.7",
                               "--json")  # fmt: skip
        assert status == 0, err
        doc = json.loads(out)
        assert doc["direction_source"].startswith("given") and abs(doc["combined"]["delta_T"] - 0.2) < 0.05
    status, out, err = cli("md", "analyze", f, "--interfaces", "31.4257,0", "--explain")
    assert status == 0 and "inferred from the profile" in out
