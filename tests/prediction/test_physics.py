"""prediction.physics (and predict_interface, the physics alone as a Prediction): one computation behind ``kapitza
predict``, and ``conductance(..., electrons=True)``; the notes of the presenter where the temperatures leave the
models' ground."""

from __future__ import annotations

import json
import sys
from collections import Counter

import numpy as np
import pytest

import kapitza
from conftest import run_cli
from kapitza.errors import InputError
from kapitza.literature import measurements_for
from kapitza.prediction import (
    Settings,
    available_models,
    default_models,
    predict_interface,
    radiation_limit_check,
)
from kapitza.prediction.settings import DISPERSIONS
from kapitza.transmission.electronic import metal_electron_phonon_conductance


def _strict(text: str):
    """json.loads that refuses the bare Infinity / NaN that Python writes and RFC 8259 does not allow."""

    def refuse(name):
        raise ValueError(f"not JSON: {name}")

    return json.loads(text, parse_constant=refuse)


@pytest.fixture
def counted(monkeypatch):
    """Count Settings constructions and Debye-spectrum builds (every kapitza module's reference patched)."""
    import kapitza.phonons.debye as debye

    counts: Counter = Counter()
    post_init = Settings.__post_init__

    def counting_post_init(self, *args):
        counts["Settings"] += 1
        return post_init(self, *args)

    original = debye.debye_spectrum

    def counting_spectrum(*args, **kwargs):
        counts["debye_spectrum"] += 1
        return original(*args, **kwargs)

    monkeypatch.setattr(Settings, "__post_init__", counting_post_init)
    for module in list(sys.modules.values()):
        ours = getattr(module, "__name__", "").startswith("kapitza")
        if ours and getattr(module, "debye_spectrum", None) is original:
            monkeypatch.setattr(module, "debye_spectrum", counting_spectrum)
    return counts


def test_cli_predict_builds_the_settings_once_and_each_spectrum_once(capsys, counted, monkeypatch):
    """Issue 26 item 9: ``predict Al Si -t 300`` built Settings 6 times and the Debye spectrum 10 times.

    Four models, the electrons and the radiation-limit check against 64 measurements need one Settings and
    one spectrum per side (2).  The measured line's check against the pair's physical upper bound
    (kapitza.prediction.bounds) takes every Debye-type spectrum of each side, since the bound spans them: one
    more build per spectrum it uses, and no other.  The expected measurement (issue 53) computes its own
    descriptors at the settings it learnt with, whatever the command's: it is left out of this count.
    """
    from kapitza.materials import get_material
    from kapitza.prediction import answer, bounds

    monkeypatch.setattr(answer, "expected_or_reason", lambda *args, **kwargs: (None, "left out of this count"))
    used = sum(len(bounds._phonon_limits(get_material(m), np.array([300.0]))) for m in ("Al", "Si"))
    counted.clear()
    status, out, _ = run_cli(capsys, "predict", "Al", "Si", "-t", "300")
    assert status == 0 and "measured" in out
    assert counted == {"Settings": 1, "debye_spectrum": 2 + used} and used >= 4


def test_predict_interface_reuses_its_spectra_for_other_temperatures(counted):
    found = predict_interface("Si", "Ge", [100.0, 300.0])
    again = found.results_at([50.0, 500.0])
    assert counted == {"Settings": 1, "debye_spectrum": 2}
    # the same numbers as a fresh kapitza.predict at those temperatures (an independent route: own settings and spectra)
    for r in again:
        fresh = kapitza.prediction.predict_model("Si", "Ge", [50.0, 500.0], r.model)
        np.testing.assert_allclose(r.conductance, fresh.conductance, rtol=1e-12)


@pytest.mark.parametrize(
    ("pair", "key"),
    [
        (("Al", "Si"), "conductance_total"),  # metal/non-metal: series total
        (("Si", "Ge"), "conductance"),  # two non-metals: the phonon model
        (("Al", "Cu"), None),  # two metals: the electronic DMM
    ],
)
def test_conductance_with_electrons_is_what_predict_json_prints(capsys, pair, key):
    """Issue 26 item 6: the Python call and ``kapitza predict --json`` give the same numbers."""
    temps = [10.0, 300.0]
    status, out, _ = run_cli(capsys, "predict", *pair, "-t", "10,300", "--json")
    assert status == 0
    doc = _strict(out)
    for entry in doc["results"]:
        printed = entry[key] if key else doc["electronic_dmm"]["conductance"]
        g = kapitza.conductance(*pair, temps, entry["model"], electrons=True)
        np.testing.assert_allclose(g, printed, rtol=1e-12)


def test_electrons_add_the_electron_phonon_resistance_in_series():
    """1/G = 1/G_ph + 1/G_ep at a metal/non-metal interface (Majumdar & Reddy, APL 84, 4768 (2004)),
    computed here from the phonon-only G and the metal's G_ep."""
    g_ph = kapitza.conductance("Al", "Si", 300.0, "dmm")
    g_ep = metal_electron_phonon_conductance("Al")
    total = kapitza.conductance("Al", "Si", 300.0, "dmm", electrons=True)
    assert total == pytest.approx(1.0 / (1.0 / g_ph + 1.0 / g_ep), rel=1e-12)
    assert total < min(g_ph, g_ep)
    assert kapitza.conductance("Si", "Ge", 300.0, "dmm", electrons=True) == kapitza.conductance("Si", "Ge", 300.0)


def test_electrons_without_electron_data_are_refused():
    """Pb has no stored electron-phonon coupling: a series total cannot be given, and is not replaced silently."""
    with pytest.raises(InputError, match="electron-phonon coupling"):
        kapitza.conductance("Pb", "diamond", 300.0, electrons=True)
    with pytest.raises(InputError, match="electrons= must be True or False"):
        kapitza.conductance("Si", "Ge", 300.0, electrons="yes")


@pytest.mark.parametrize(("pair", "temps"), [(("Au", "Si"), [100.0, 300.0]), (("Al", "Si"), [300.0])])
def test_radiation_limit_check_counts_measurements_above_the_limit(pair, temps):
    """Independent computation: kapitza.predict's limit model at each measured temperature, compared here row
    by row (Au/Si has measurements above the elastic limit, Al/Si none)."""
    found = predict_interface(*pair, temps)
    rows = measurements_for(*pair, temps)
    check = found.radiation_limit
    assert check.to_dict() == radiation_limit_check(found.spectra, rows).to_dict()
    limit = kapitza.conductance(*pair, rows.temperature, "limit")
    ratio = rows.conductance / limit
    assert check.of == len(rows) > 0
    assert check.count == int((ratio > 1).sum())
    assert check.max_ratio == (pytest.approx(ratio.max(), rel=1e-12) if check.count else None)


def test_radiation_limit_is_not_checked_at_metal_metal_interfaces():
    found = predict_interface("Al", "Cu", 300.0)
    assert found.electronic.kind == "metal/metal"
    assert found.radiation_limit is None


def test_default_models_drop_the_amm_for_sine_cutoffs():
    """The AMM is a continuum model: sine dispersions have no single sound speed (registry.default_models)."""
    for dispersion in DISPERSIONS:
        assert default_models(dispersion, "debye") == available_models(dispersion)
    assert default_models("debye", "sine") == ("dmm", "limit")
    assert default_models("debye", "sine-zb") == ("dmm", "limit")
    assert predict_interface("Si", "Ge", 300.0, cutoff="sine").models == ("dmm", "limit")


def test_json_document_is_strict_with_inf_and_nan_as_strings(capsys):
    """R = 1/G is infinite at T = 0 (G = 0) and L_K is NaN outside the kappa(T) table: one JSON policy
    (io.results.dumps), where predict wrote null before."""
    status, out, _ = run_cli(capsys, "predict", "Al", "Si", "-t", "0,300", "--json")
    assert status == 0
    doc = _strict(out)
    entry = doc["results"][0]
    assert entry["conductance"][0] == 0.0 and entry["resistance"][0] == "inf"
    assert entry["resistance_total"][0] == "inf"
    assert entry["kapitza_length"]["Al"][0] == "nan"
    from kapitza.prediction.answer import physics_document

    physics = physics_document(predict_interface("Al", "Si", [0.0, 300.0]))
    assert doc["expected"]["conductance_w_m2k"][0] == 0.0  # the expected measurement beside it (issue 53): G = 0 at 0 K
    answer = ("expected", "total", "warnings", "provenance")  # the Prediction's own keys (issue 61) around the physics
    assert {k: v for k, v in doc.items() if k not in answer} == physics
    assert doc == kapitza.predict("Al", "Si", [0.0, 300.0]).to_dict()  # --json is the Python object's to_dict


def test_settings_and_options_are_exclusive():
    with pytest.raises(InputError, match="not both"):
        predict_interface("Si", "Ge", 300.0, settings=Settings(), cutoff="branch")


def test_interface_prediction_arrays_are_read_only():
    found = predict_interface("Si", "Ge", [100.0, 300.0])
    with pytest.raises(ValueError):
        found.temperature[0] = 1.0
    with pytest.raises(ValueError):
        found.results[0].conductance[0] = 1.0


def test_settings_messages_use_the_api_spelling_by_default():
    """The library spells options as a Python caller types them; a caller with another spelling passes it."""
    with pytest.raises(InputError, match=r"^mesh= describes full dispersion.*dispersion='phonopy'"):
        Settings(mesh=0)
    with pytest.raises(InputError, match=r"^<mesh> describes full dispersion.*<dispersion> phonopy"):
        Settings(mesh=0, option_names=lambda name: f"<{name}>")


def test_reported_resistance_is_that_of_the_series_total():
    """At a metal/non-metal interface the table's R and L_K are those of G_total (independent computation here:
    1/G_total from conductance(..., electrons=True), kappa from the material's kappa(T) table)."""
    from kapitza.materials.conductivity import conductivity_or_nan

    found = predict_interface("Al", "Si", [0.0, 300.0])
    total = kapitza.conductance("Al", "Si", [0.0, 300.0], "dmm", electrons=True)
    r = found.reported_resistance("dmm")
    assert r[0] == np.inf and r[1] == pytest.approx(1.0 / total[1], rel=1e-12)
    si = kapitza.get_material("Si")
    length = found.reported_kapitza_length("dmm", 2)
    assert np.isnan(length[0]) and length[1] == pytest.approx(conductivity_or_nan(si, 300.0) / total[1], rel=1e-12)
    rt3 = found.reported_resistance_t3("dmm")
    assert np.isnan(rt3[0]) and rt3[1] == pytest.approx(300.0**3 / total[1], rel=1e-12)
    # two non-metals: the phonon model's own R
    plain = predict_interface("Si", "Ge", 300.0)
    np.testing.assert_array_equal(plain.reported_resistance("dmm"), plain.results[0].resistance)


def test_electronic_parts_give_r_ep_the_two_temperature_factor_and_edmm_resistance():
    """(1 + kappa_p/kappa_e)^(3/2) written out here from the metal's stored kappa_p and kappa_e
    (two-temperature model, transmission.electronic); R = 1/G for R_ep and the electronic DMM."""
    parts = predict_interface("Al", "Si", 300.0).electronic
    assert parts.two_temperature_factor == pytest.approx(
        (1.0 + parts.kappa_phonon / parts.kappa_electron) ** 1.5, rel=1e-12
    )
    assert parts.electron_phonon_resistance == pytest.approx(1.0 / parts.electron_phonon, rel=1e-15)
    edmm = predict_interface("Al", "Cu", [0.0, 300.0]).electronic
    r = edmm.electronic_dmm_resistance
    assert r[0] == np.inf and r[1] == pytest.approx(1.0 / edmm.electronic_dmm.conductance[1], rel=1e-15)


def test_plot_temperatures_span_the_request_or_the_default_decades():
    """By construction: a request covering a decade or more keeps its own span; a narrower one gets the
    1-1000 K default, 0.05-2 K with liquid helium; log-spaced, so consecutive points share one ratio."""
    from kapitza.materials import get_material
    from kapitza.prediction.physics import PLOT_POINTS, plot_temperatures

    al, si, he = get_material("Al"), get_material("Si"), get_material("He4")
    wide = plot_temperatures([0.0, 2.0, 300.0, 20.0], al, si)  # 0 K is left out of the span
    assert wide[0] == pytest.approx(2.0) and wide[-1] == pytest.approx(300.0) and wide.size == PLOT_POINTS
    ratios = wide[1:] / wide[:-1]
    assert np.allclose(ratios, (300.0 / 2.0) ** (1 / (PLOT_POINTS - 1)))
    assert plot_temperatures([300.0], al, si)[[0, -1]].tolist() == pytest.approx([1.0, 1000.0])
    assert plot_temperatures([1.0], si, he)[[0, -1]].tolist() == pytest.approx([0.05, 2.0])
    assert not wide.flags.writeable


def test_comparison_plot_temperatures_keep_the_requested_ones():
    """The union of every fourth grid point with the request: sorted, distinct, the request included (by
    construction: 50 grid points of 200, plus the 2 requested values that are not grid points)."""
    from kapitza.materials import get_material
    from kapitza.prediction.physics import comparison_plot_temperatures, plot_temperatures

    al, si = get_material("Al"), get_material("Si")
    requested = [10.0, 123.0, 700.0]
    t = comparison_plot_temperatures(requested, al, si)
    grid = plot_temperatures(requested, al, si)
    assert set(requested) <= set(t.tolist()) and set(grid[::4].tolist()) <= set(t.tolist())
    assert t.size == 50 + 2  # 10 K is the grid's first point, counted once
    assert np.all(np.diff(t) > 0) and not t.flags.writeable


def test_conductivity_gaps_are_the_temperatures_outside_the_table():
    """Al2O3's shipped kappa(T) table spans 100-1000 K (materials/data/conductivity.toml): of the pooled
    {50, 300, 2000, 300} K, 50 and 2000 K have no kappa; a material with one conductivity has no gap."""
    from dataclasses import replace

    from kapitza.materials import get_material
    from kapitza.materials.conductivity import conductivity_table
    from kapitza.prediction.physics import conductivity_gaps

    sapphire = get_material("Al2O3")
    assert conductivity_table(sapphire).range == pytest.approx((100.0, 1000.0))
    gaps = conductivity_gaps(sapphire, [300.0, 50.0], np.array([2000.0, 300.0]))
    assert gaps.tolist() == [50.0, 2000.0] and not gaps.flags.writeable
    assert conductivity_gaps(sapphire, [100.0, 1000.0]).size == 0  # the table's ends are inside
    assert conductivity_gaps(sapphire).size == 0
    user = replace(sapphire, origin="user")  # a user's record: its one conductivity at every T
    assert conductivity_gaps(user, [1.0, 50.0, 5000.0]).size == 0


def test_notes_at_zero_kelvin_and_above_a_melting_point():
    """Issue 28 item 7: T = 0 and T above a side's melting point (Al 933.473 K, CRC Handbook via chemicals) get a
    plain note in the result and its JSON; temperatures inside the solid's range get none."""
    from kapitza.prediction.answer import predict_interface

    found = predict_interface("Al", "Si", [0.0, 300.0, 1200.0], models=["dmm"])
    text = " | ".join(found.notes)
    assert "T = 0 K" in text and "melting point of Al (933.473 K" in text and "of Si" not in text
    assert found.to_dict()["notes"] == list(found.notes)
    assert not any("melting" in n or "T = 0" in n for n in predict_interface("Al", "Si", [300.0], models=["dmm"]).notes)


def test_cryogenic_notes_for_a_metal_in_liquid_helium():
    """Issue 28 item 10: Cu in He-4 at 1.5 K carries the Kapitza-anomaly caveat (Pollack 1969), the roton note
    (He II entropy grows as T^5.7 at 1.5 K: Donnelly and Barenghi 1998, the stored heat capacity's source) and the
    room-temperature electron data caveat below a tenth of Cu's Debye temperature; Al/Si at 300 K has none."""
    from kapitza.prediction.answer import predict_interface
    from kapitza.prediction.notes import KAPITZA_ANOMALY_REFERENCE

    text = " | ".join(predict_interface("Cu", "He4", [1.5], models=["amm"]).notes)
    assert KAPITZA_ANOMALY_REFERENCE in text and "upper end of the expected range" in text
    assert "rotons" in text and "room-temperature g and kappa_p" in text
    assert predict_interface("Cu", "He4", [0.5], models=["amm"]).notes[1:2] != ("rotons",)
    assert not any("rotons" in n for n in predict_interface("Cu", "He4", [0.5], models=["amm"]).notes)
    assert not any("helium" in n for n in predict_interface("Al", "Si", [300.0], models=["dmm"]).notes)


def test_values_not_checked_against_their_source_are_flagged_with_their_uncertainty():
    """Issue 28 item 9: a shipped value not checked against its source carries a stated uncertainty, and the
    prediction that uses it says so: Al's g and kappa_p (50 %, electrons.toml [unchecked]), diamond's kappa(T)
    table (15 %, conductivity.toml), Si's zone-boundary frequencies with cutoff sine-zb (10 %); Si/Ge with the
    Debye cutoff uses none of them."""
    from kapitza.materials.conductivity import conductivity_table
    from kapitza.materials.electrons import get_electrons
    from kapitza.prediction.answer import predict_interface

    assert get_electrons("Al").unchecked["electron_phonon_coupling"] == 0.5
    assert conductivity_table("C").unchecked == 0.15 and conductivity_table("Si").unchecked == 0.0
    al_c = " | ".join(predict_interface("Al", "C", [300.0], models=["dmm"]).notes)
    assert "Al's electron data were not checked" in al_c and "kappa(T) table of C was not checked" in al_c
    si_ge = predict_interface("Si", "Ge", [300.0], models=["dmm"], cutoff="sine-zb").notes
    assert any("zone-boundary frequencies of Si" in n for n in si_ge)
    assert predict_interface("Si", "Ge", [300.0], models=["dmm"]).notes == ()
    # two metals take the electronic DMM (gamma, v_F), not g and kappa_p: Al/Cu says nothing about those, nor
    # that room-temperature g and kappa_p stand in at low temperature, which Al/Si at 4 K says
    al_cu = " | ".join(predict_interface("Al", "Cu", [4.0, 300.0]).notes)
    assert "electron data were not checked" not in al_cu and "room-temperature g and kappa_p" not in al_cu
    assert "room-temperature g and kappa_p" in " | ".join(predict_interface("Al", "Si", [4.0]).notes)
