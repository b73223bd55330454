"""The public prediction API: shapes, units, errors, Kapitza lengths."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import kapitza
from conftest import no_warnings
from kapitza import InputError, get_material


def test_scalar_temperature_gives_float_and_array_gives_array():
    g = kapitza.conductance("Al", "Si", 300.0)
    assert isinstance(g, float) and g > 0
    ga = kapitza.conductance("Al", "Si", [100.0, 300.0])
    assert isinstance(ga, np.ndarray) and ga.shape == (2,)
    assert ga[1] == pytest.approx(g, rel=1e-14)


def test_conductance_is_increasing_with_temperature_for_dmm():
    t = np.geomspace(1, 1000, 50)
    assert np.all(np.diff(kapitza.conductance("Al", "Si", t)) > 0)


def test_resistance_is_reciprocal_and_infinite_at_zero_kelvin():
    t = np.array([0.0, 10.0, 300.0])
    with no_warnings():
        g = kapitza.conductance("Al", "Si", t)
        r = kapitza.resistance("Al", "Si", t)
    assert g[0] == 0.0 and np.isinf(r[0])
    np.testing.assert_allclose(r[1:] * g[1:], 1.0, rtol=1e-14)


def test_kapitza_length_is_kappa_times_resistance():
    r = kapitza.resistance("Al", "Si", 300.0)
    si, al = get_material("Si"), get_material("Al")
    assert kapitza.kapitza_length("Al", "Si", 300.0, side=2) == pytest.approx(si.thermal_conductivity * r, rel=1e-14)
    assert kapitza.kapitza_length("Al", "Si", 300.0, side="Al") == pytest.approx(al.thermal_conductivity * r, rel=1e-14)
    with pytest.raises(InputError, match="side"):
        kapitza.kapitza_length("Al", "Si", 300.0, side=3)


def test_kapitza_length_needs_a_thermal_conductivity():
    with pytest.raises(InputError, match="thermal conductivity"):
        kapitza.kapitza_length("Cu", "He4", 1.0, side=2)


def test_material_objects_and_names_agree_and_user_materials_work():
    al = get_material("Al")
    assert kapitza.conductance(al, "silicon", 300.0) == kapitza.conductance("AL", "Si", 300.0)
    softer = dataclasses.replace(al, name="soft-Al", v_t=0.5 * al.v_t)
    assert kapitza.conductance(softer, "Si", 300.0) != kapitza.conductance(al, "Si", 300.0)


def test_debye_temperature_cutoff_option_changes_high_t_only():
    """Per-branch and single Theta_D cutoffs share the T^3 law; the classical value changes."""
    t = np.array([0.5])
    np.testing.assert_allclose(
        kapitza.conductance("Al", "Si", t, cutoff="branch"), kapitza.conductance("Al", "Si", t), rtol=1e-9
    )
    assert kapitza.conductance("Al", "Si", 1000.0, cutoff="branch") != pytest.approx(
        kapitza.conductance("Al", "Si", 1000.0), rel=1e-3
    )


def test_default_cutoff_is_the_one_the_cutoff_table_chose():
    """docs/physics/cutoffs.md (benchmarks/cutoffs.py) found the single Theta_D cutoff closest to full dispersion."""
    from kapitza.phonons.debye import DEFAULT_CUTOFF

    assert DEFAULT_CUTOFF == "debye"
    assert kapitza.conductance("Al", "Si", 300.0) == kapitza.conductance("Al", "Si", 300.0, cutoff="debye")


def test_result_records_inputs_and_settings():
    r = kapitza.prediction.predict_model("Al", "Si", [300.0], "limit", statistics="classical")
    assert r.side1.name == "Al" and r.side2.name == "Si" and r.model == "limit"
    assert r.settings.statistics == "classical" and r.settings.cutoff == "debye"
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.model = "dmm"


@pytest.mark.parametrize(
    "kwargs,match",
    [
        (dict(model="amm-typo"), "unknown model"),
        (dict(cutoff="planck"), "cutoff"),
        (dict(statistics="fermi"), "statistics"),
    ],
)
def test_bad_options_raise_input_error(kwargs, match):
    with pytest.raises(InputError, match=match):
        kapitza.conductance("Al", "Si", 300.0, **kwargs)


@pytest.mark.parametrize("t", [-1.0, float("nan"), "warm", [1.0, float("inf")]])
def test_bad_temperature_is_a_value_error(t):
    with pytest.raises(ValueError):
        kapitza.conductance("Al", "Si", t)


def test_unknown_material_suggests_close_match():
    with pytest.raises(InputError, match="Si"):
        kapitza.conductance("Al", "Sillicon", 300.0)


@pytest.mark.parity
def test_full_dispersion_through_predict_equals_the_spectral_route():
    """predict(dispersion="phonopy") is the DMM of the two full-dispersion spectra through landauer."""
    from kapitza import landauer
    from kapitza.phonons import full_dispersion_spectrum
    from kapitza.transmission import diffuse_mismatch

    t = np.array([50.0, 300.0])
    via_predict = kapitza.conductance("Si", "Ge", t, "dmm", dispersion="phonopy", potential="sw", mesh=10)
    model = diffuse_mismatch(*(full_dispersion_spectrum(m, "sw", mesh=10) for m in ("Si", "Ge")))
    np.testing.assert_allclose(via_predict, landauer.conductance(model, t).conductance, rtol=1e-12)


def test_ready_spectra_can_be_passed_as_sides():
    from kapitza.phonons import full_dispersion_spectrum

    si, ge = (full_dispersion_spectrum(m, "sw", mesh=10) for m in ("Si", "Ge"))
    r = kapitza.prediction.predict_model(si, ge, 300.0, "limit")
    assert r.settings.dispersion == "phonopy" and r.side2.name == "Ge"
    assert r.conductance[0] == pytest.approx(
        kapitza.conductance("Si", "Ge", 300.0, "limit", dispersion="phonopy", potential="sw", mesh=10), rel=1e-12
    )


def test_shares_sum_to_the_conductance():
    from kapitza.prediction import shares

    s = shares("Al", "Si", [10.0, 300.0], "dmm")
    np.testing.assert_allclose(s.by_branch.sum(axis=0), kapitza.conductance("Al", "Si", [10.0, 300.0]), rtol=1e-9)
    np.testing.assert_allclose(s.fractions("band").sum(axis=0), 1.0, rtol=1e-9)


@pytest.mark.parametrize(
    "kwargs,match",
    [
        (dict(model="amm", dispersion="phonopy"), "Debye"),
        (dict(potential="sw"), "dispersion='phonopy'"),
        (dict(dispersion="einstein"), "dispersion"),
        (dict(dispersion="phonopy", width=-1.0), "width"),
    ],
)
def test_bad_dispersion_options(kwargs, match):
    with pytest.raises(InputError, match=match):
        kapitza.conductance("Si", "Ge", 300.0, **kwargs)


def test_result_arrays_are_read_only_and_repr_is_short():
    """r.conductance[0] = 0 used to be accepted (and r.resistance then read inf); repr was ~1,500 characters."""
    r = kapitza.prediction.predict_model("Si", "Ge", [10.0, 300.0])
    for name in ("temperature", "conductance", "by_branch"):
        with pytest.raises(ValueError):
            getattr(r, name)[0] = 0.0
    assert np.all(np.isfinite(r.resistance))
    assert len(repr(r)) < 300 and len(str(r)) < 300 and "\n" not in repr(r)
    assert "Si" in repr(r) and "dmm" in repr(r)


def test_result_saves_with_settings_and_version(tmp_path):
    r = kapitza.prediction.predict_model("Si", "Ge", [10.0, 300.0], "amm")
    doc = r.to_dict()
    assert doc["settings"]["dispersion"] == "debye" and doc["model"] == "amm"
    path = r.save(tmp_path / "g.json")
    import json

    saved = json.loads(path.read_text())
    assert saved["kind"] == "ConductanceResult" and saved["kapitza_version"] == kapitza.__version__
    np.testing.assert_allclose(saved["result"]["conductance"], r.conductance, rtol=1e-15)


@pytest.mark.parametrize(
    "kwargs",
    [dict(mesh=0), dict(normal="abc"), dict(width=0.5), dict(mesh=24), dict(phonopy_files=("x.yaml", None))],
)
def test_full_dispersion_options_are_refused_with_debye_spectra(kwargs):
    """--mesh 0 and --normal abc were silently ignored with Debye spectra while --potential was refused."""
    name = next(iter(kwargs))
    with pytest.raises(InputError, match=f"{name}=.*dispersion='phonopy'"):
        kapitza.prediction.predict_model("Si", "Ge", 300.0, **kwargs)


def test_settings_name_options_as_the_caller_spells_them():
    from kapitza.prediction import Settings

    with pytest.raises(InputError, match="--mesh describes full dispersion.*--dispersion phonopy"):
        Settings(mesh=0, option_names=lambda name: "--" + name)


def test_inelastic_channel_with_full_dispersion_spectra():
    """The crash of issue 9: DMM on full-dispersion spectra plus the inelastic channel (AttributeError before).

    The inelastic channel only adds transmission: G(inelastic) > G(elastic), and its shares add up to G.
    """
    from kapitza.prediction import shares

    options = dict(dispersion="phonopy", mesh=8)
    inelastic = dict(A=1e-15, q=1.0, m=1.0)
    t = [30.0, 300.0]
    g_el = kapitza.conductance("Si", "Ge", t, "dmm", **options)
    g_in = kapitza.conductance("Si", "Ge", t, "dmm", inelastic=inelastic, **options)
    assert np.all(g_in > g_el)
    s = shares("Si", "Ge", t, "dmm", inelastic=inelastic, **options)
    np.testing.assert_allclose(s.conductance, g_in, rtol=1e-7)


def test_registry_lists_each_model_once_with_a_reference():
    from kapitza.prediction import MODELS, available_models

    assert available_models() == ("dmm", "limit", "amm", "amm-simple")
    assert available_models("phonopy") == ("dmm", "limit")
    for info in MODELS.values():
        assert info.description and info.reference and callable(info.build)
