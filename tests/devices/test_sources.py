"""Interface-resistance and conductivity sources: every spec a user can write, result files, bad input."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest

from kapitza.analysis.fits import fit_power_law
from kapitza.analysis.md.emd import EmdConductance
from kapitza.analysis.md.jump import JumpAnalysis
from kapitza.analysis.thermoreflectance.least_squares import ThermoreflectanceFit
from kapitza.devices.sources import (
    FixedResistance,
    PowerLawResistance,
    PredictedResistance,
    TabulatedResistance,
    conductivity_source,
    resistance_source,
)
from kapitza.errors import InputError
from kapitza.prediction import electronic_parts, predict_model, resistance


def test_numbers_r_and_g():
    """Analytic: R = 1/G, 1/2e8 = 5e-9 m^2 K/W."""
    assert resistance_source(5e-9).at(300.0) == 5e-9
    assert resistance_source("R=5e-9").at(10.0) == 5e-9
    assert resistance_source("G=2e8").at(10.0) == pytest.approx(5e-9, rel=1e-15)
    assert resistance_source("0").at(300.0) == 0.0
    assert not resistance_source(1e-9).temperature_dependent


def test_model_spec_is_the_prediction_plus_electron_phonon():
    """dmm:Si/Ge is kapitza.prediction.resistance; at Al/Si R_ep = 1/G_ep is added in series
    (Majumdar & Reddy, Appl. Phys. Lett. 84, 4768 (2004))."""
    si_ge = resistance_source("dmm:Si/Ge")
    assert isinstance(si_ge, PredictedResistance)
    assert si_ge.at(150.0) == pytest.approx(resistance("Si", "Ge", 150.0, "dmm"), rel=1e-12)
    assert si_ge.electron_phonon_resistance() == 0.0
    al_si = resistance_source("amm:Al/Si")
    g_ep = electronic_parts("Al", "Si", [300.0]).electron_phonon
    assert al_si.at(300.0) == pytest.approx(resistance("Al", "Si", 300.0, "amm") + 1 / g_ep, rel=1e-12)
    assert resistance_source("dmm", sides=("Si", "Ge")).at(300.0) == pytest.approx(si_ge.at(300.0), rel=1e-12)


def test_power_law_is_t_to_the_minus_n():
    """Analytic: R0 (T/T0)^-n = 1e-3 * 2^-3 = 1e-3/8."""
    law = resistance_source("power:1e-3,1,3")
    assert isinstance(law, PowerLawResistance)
    assert law.at(2.0) == pytest.approx(1e-3 / 8, rel=1e-15)


def test_prediction_file_is_interpolated_log_log(tmp_path):
    """A saved ConductanceResult: R = 1/G at its temperatures, power laws exact in between, no extrapolation.

    Analytic: linear interpolation in log R vs log T gives the geometric mean of R at the geometric mean of T.
    """
    t = np.array([1.0, 2.0, 4.0, 8.0])
    pred = predict_model("Au", "He4", t, "amm")
    path = pred.save(tmp_path / "amm.json")
    src = resistance_source(str(path))
    assert isinstance(src, TabulatedResistance)
    np.testing.assert_allclose([src.at(x) for x in t], pred.resistance, rtol=1e-12)
    # log-log interpolation: at the geometric mean of two temperatures R is the geometric mean of theirs
    assert src.at(np.sqrt(2.0)) == pytest.approx(float(np.sqrt(pred.resistance[0] * pred.resistance[1])), rel=1e-12)
    with pytest.raises(InputError, match="1-8 K"):
        src.at(20.0)


def test_power_law_fit_file(tmp_path):
    """Analytic: G = 300 T^3 is 300 * 125 at 5 K, and R = 1/G."""
    t = np.geomspace(2, 20, 8)
    fit = fit_power_law(t, 300.0 * t**3)
    path = fit.save(tmp_path / "fit.json")
    src = resistance_source(str(path))
    assert src.at(5.0) == pytest.approx(1 / (300.0 * 125.0), rel=1e-6)


def test_field_names_read_from_result_files_exist():
    """The reader uses names/values of a thermoreflectance fit and G_si of MD analyses: they must exist."""
    assert {"names", "values"} <= {f.name for f in dataclasses.fields(ThermoreflectanceFit)}
    assert "G_si" in {f.name for f in dataclasses.fields(JumpAnalysis)}
    assert "G_si" in {f.name for f in dataclasses.fields(EmdConductance)}


def _write(tmp_path, doc, name="r.json"):
    path = tmp_path / name
    path.write_text(json.dumps(doc))
    return str(path)


def test_thermoreflectance_and_md_documents(tmp_path):
    """Analytic: R = 1/G for the G written into each document (1/2e8 = 5e-9, 1/4e8 = 2.5e-9)."""
    tr = _write(tmp_path, {"kind": "ThermoreflectanceFit", "result": {"names": ["G", "k_sub"], "values": [2e8, 35]}})
    assert resistance_source(tr).at(300.0) == pytest.approx(5e-9)
    two = _write(tmp_path, {"kind": "ThermoreflectanceFit", "result": {"names": ["G_1", "G_2"], "values": [1e8, 4e8]}})
    with pytest.raises(InputError, match="#NAME"):
        resistance_source(two)
    assert resistance_source(two + "#G_2").at(300.0) == pytest.approx(2.5e-9)
    md = _write(tmp_path, {"units": "metal", "combined": {"G_si": 4e8}}, "md.json")
    assert resistance_source(md).at(300.0) == pytest.approx(2.5e-9)
    lj = _write(tmp_path, {"kind": "JumpAnalysis", "result": {"G_si": "nan"}}, "lj.json")
    with pytest.raises(InputError, match="LJ"):
        resistance_source(lj)


@pytest.mark.parametrize(
    "spec, match",
    [
        (-1e-9, ">= 0"),
        ("R=abc", "number"),
        ("G=-1", "> 0"),
        ("G=0", "> 0"),
        ("inf", "finite"),
        ("nan", "finite"),
        ("dmm:Al", "cannot read"),
        ("dmm:Al/Unobtainium", "Unobtainium"),
        ("dmm", "needs the two materials"),
        ("power:1,2", "power:R0,T0,n"),
        ("power:-1,1,3", ">= 0"),
        ("missing.json", "not found"),
        (None, "interface resistance"),
        (True, "interface resistance"),
    ],
)
def test_bad_resistance_specs(spec, match):
    with pytest.raises(InputError, match=match):
        resistance_source(spec)


def test_bad_files(tmp_path):
    binary = tmp_path / "b.json"
    binary.write_bytes(b"\xff\x00\x01")
    with pytest.raises(InputError, match="not JSON"):
        resistance_source(str(binary))
    other = _write(tmp_path, {"kind": "SizeExtrapolation", "result": {"c": 1.0}})
    with pytest.raises(InputError, match="no interface conductance"):
        resistance_source(other)
    with pytest.raises(InputError, match="not a kapitza result"):
        resistance_source(_write(tmp_path, [1, 2, 3]))


def test_conductivity_sources():
    assert conductivity_source(3.0).at(10.0) == 3.0
    assert conductivity_source("Si").at(300.0) == pytest.approx(148.0, rel=0.15)
    for bad, match in ((-1.0, "> 0"), (True, "number"), ("He4", "no thermal conductivity"), ("nope", "nope")):
        with pytest.raises(InputError, match=match):
            conductivity_source(bad)
    assert isinstance(resistance_source(FixedResistance(1e-9)), FixedResistance)
