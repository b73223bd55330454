"""kapitza.prediction.interface: the kind of an interface and the electronic parts of its conductance."""

from __future__ import annotations

import numpy as np
import pytest

import kapitza
from kapitza.errors import InputError
from kapitza.prediction import ElectronicParts, electronic_parts, interface_kind, is_metal
from kapitza.transmission.electronic import (
    electronic_dmm,
    metal_electron_phonon_conductance,
    series_conductance,
    two_temperature_profile,
)

T = np.array([0.0, 30.0, 300.0, 1000.0])
MODELS = ("dmm", "limit", "amm")


def _parts(a: str, b: str, t: np.ndarray = T) -> ElectronicParts:
    return electronic_parts(a, b, t, [kapitza.prediction.predict_model(a, b, t, m) for m in MODELS])


@pytest.mark.parametrize(
    ("a", "b", "kind"),
    [
        ("Al", "sapphire", "metal/non-metal"),
        ("Si", "Al", "non-metal/metal"),
        ("Al", "Cu", "metal/metal"),
        ("Si", "Ge", "non-metal/non-metal"),
        ("Bi", "Si", "non-metal/non-metal"),  # the semimetal has no electron data on purpose
        ("gold", "diamond", "metal/non-metal"),
    ],
)
def test_interface_kind(a, b, kind):
    assert interface_kind(a, b) == kind


def test_metals_are_the_materials_with_electron_data():
    from kapitza.materials.electrons import list_electron_metals

    assert all(is_metal(m) for m in list_electron_metals())
    assert not any(is_metal(m) for m in ("Si", "Al2O3", "He4", "Bi"))


@pytest.mark.parametrize(("a", "b"), [("Al", "sapphire"), ("Si", "Al"), ("Au", "Si"), ("Pt", "AlN")])
def test_total_is_the_series_value_and_below_both(a, b):
    """Law: resistances in series add, 1/G = 1/G_ph + 1/G_ep (Majumdar & Reddy 2004), so G <= min(G_ph, G_ep)."""
    parts = _parts(a, b)
    metal = a if is_metal(a) else b
    gep = metal_electron_phonon_conductance(metal)
    assert parts.metal == kapitza.get_material(metal).name and parts.electron_phonon == gep
    assert parts.total.shape == (len(MODELS), T.size) and parts.missing == ""
    for k, model in enumerate(MODELS):
        gph = kapitza.conductance(a, b, T, model)
        np.testing.assert_array_equal(parts.phonon[k], gph)
        positive = gph > 0
        np.testing.assert_allclose(parts.total_of(model)[positive], series_conductance(gph[positive], gep), rtol=1e-15)
        np.testing.assert_allclose(1 / parts.total[k, positive], 1 / gph[positive] + 1 / gep, rtol=1e-12)
        assert np.all(parts.total[k] <= np.minimum(gph, gep) * (1 + 1e-15))
        assert parts.total[k, 0] == 0.0  # T = 0: no phonons, no conductance
        expected = tuple("electron-phonon" if gep < g else "phonon" for g in gph)
        assert parts.limited_by[k] == expected
    with np.errstate(all="raise"):
        r = parts.resistance_total
    assert np.isinf(r[:, 0]).all() and np.all(np.isfinite(r[:, 1:]))


def test_low_temperature_total_is_the_phonon_value():
    """At 30 K G_ph (~T^3) is far below G_ep: the series total is G_ph to within G_ph/G_ep."""
    parts = _parts("Al", "Si")
    ratio = parts.phonon[:, 1] / parts.electron_phonon
    assert np.all(ratio < 0.05)
    np.testing.assert_allclose(parts.total[:, 1], parts.phonon[:, 1] / (1 + ratio), rtol=1e-14)
    assert all(row[1] == "phonon" for row in parts.limited_by)


def test_metal_metal_gives_the_electronic_dmm():
    """The EDMM result equals transmission.electronic's (Gundrum, Cahill & Averback 2005), G = 0 at T = 0."""
    parts = _parts("Al", "Cu")
    assert parts.total is None and parts.electron_phonon is None and parts.limited_by == ()
    edmm = parts.electronic_dmm
    direct = electronic_dmm("Al", "Cu", T[1:])
    np.testing.assert_allclose(edmm.conductance[1:], direct.conductance, rtol=1e-14)
    assert edmm.conductance[0] == 0.0 and edmm.transmission_12 == direct.transmission_12
    assert "phonon models" in edmm.note


def test_missing_electron_data_is_said_not_raised():
    pb = _parts("Pb", "C")  # Pb: no electron-phonon coupling stored
    assert pb.total is None and "electron_phonon_coupling" in pb.missing and "Pb" in pb.missing
    pt = _parts("Pt", "Au")  # Pt: no Fermi velocity stored
    assert pt.electronic_dmm is None and "fermi_velocity" in pt.missing and "Pt" in pt.missing
    with pytest.raises(InputError, match="no series total"):
        pb.total_of("dmm")


def test_non_metals_have_no_electronic_parts():
    parts = _parts("Si", "Ge")
    assert parts.kind == "non-metal/non-metal"
    assert parts.total is None and parts.electronic_dmm is None and parts.missing == ""


def test_two_temperature_profile_is_reachable_and_matches_the_module_function():
    parts = _parts("Al", "Si")
    x = np.array([0.0, 1e-9, 1e-6])
    found = parts.profile(x, 1e8)
    direct = two_temperature_profile(x, 1e8, parts.coupling, parts.kappa_electron, parts.kappa_phonon)
    np.testing.assert_array_equal(found.phonon_temperature, direct.phonon_temperature)
    assert found.electron_phonon_conductance == pytest.approx(parts.electron_phonon, rel=1e-12)
    with pytest.raises(InputError, match="no two-temperature profile"):
        _parts("Si", "Ge").profile(x, 1e8)


def test_result_is_frozen_and_serialisable():
    parts = _parts("Al", "Si")
    with pytest.raises(ValueError):
        parts.total[0, 0] = 1.0
    doc = parts.to_dict()
    assert doc["kind"] == "metal/non-metal" and doc["electron_phonon"] == parts.electron_phonon
    assert "ElectronicParts(" in repr(parts)


def test_bad_inputs_are_refused_clearly():
    r = kapitza.prediction.predict_model("Al", "Si", [300.0], "dmm")
    with pytest.raises(InputError, match="other temperatures"):
        electronic_parts("Al", "Si", [100.0], [r])
    with pytest.raises(InputError, match=">= 0 K, got -5"):
        electronic_parts("Al", "Si", [-5.0])
    with pytest.raises(InputError, match="results of kapitza.predict"):
        electronic_parts("Al", "Si", [300.0], [object()])
    with pytest.raises(InputError, match="unknown material"):
        electronic_parts("Al", "Unobtainium", [300.0])
