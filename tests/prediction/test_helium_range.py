"""Helium without measured values: the AMM and the DMM as the two ends of the expected range (issue 39, item 4)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from kapitza.literature import measurements_for
from kapitza.prediction import predict_interface, predict_model
from kapitza.prediction.physics import MEZHOV_DEGLIN_REFERENCE, SWARTZ_POHL_REFERENCE
from kapitza.transmission.electronic import metal_electron_phonon_conductance

T = np.array([0.5, 1.0, 1.5])


@pytest.mark.parametrize("solid", ["Cu", "Au"])
def test_range_ends_are_the_amm_and_the_dmm_as_predict_reports_them(solid):
    """Each end is the model's G in series with the metal's electron-phonon conductance (the number ``predict``
    reports as the interface's), the same in either order of the sides; the AMM end is the resistive one."""
    found = predict_interface(solid, "He4", T, ["dmm"])
    helium = found.helium
    assert helium is not None and (helium.solid, helium.fluid) == (solid, "He4")
    g_ep = metal_electron_phonon_conductance(solid)
    for end in ("amm", "dmm"):
        g = predict_model(solid, "He4", T, end).conductance
        assert np.allclose(1 / getattr(helium, end), 1 / g + 1 / g_ep, rtol=1e-12)
    assert np.all(helium.resistance_amm > helium.resistance_dmm)
    swapped = predict_interface("He4", solid, T, ["dmm"]).helium
    assert swapped is not None and swapped.solid == solid
    assert np.allclose(swapped.dmm, helium.dmm, rtol=1e-9)


@pytest.mark.parametrize("solid", ["Cu", "Au"])
def test_range_spans_more_than_two_orders_as_the_abstract_says(solid):
    """Swartz & Pohl, Rev. Mod. Phys. 61, 605 (1989), abstract: for helium on a solid, diffuse mismatch lowers
    the boundary resistance "typically over 2 orders of magnitude" below the acoustic mismatch: kapitza's AMM/DMM
    ratio of R for Cu and Au at 0.5-1.5 K is above 100; R T^3 is nearly constant there (the T^3 regime)."""
    helium = predict_interface(solid, "He4", T, ["amm"]).helium
    assert np.all(helium.resistance_amm / helium.resistance_dmm > 100)
    for end in ("amm", "dmm"):
        rt3 = helium.resistance_t3(end)
        assert np.ptp(rt3) < 0.01 * rt3.mean()


def test_no_range_for_solids_and_a_note_with_a_sine_cutoff():
    """Solid/solid: no helium range; solid/helium with a sine cutoff: none either (the AMM takes linear Debye
    spectra), and a note says why."""
    assert predict_interface("Cu", "Si", 300.0, ["dmm"]).helium is None
    found = predict_interface("Cu", "He4", 1.0, ["dmm"], cutoff="sine")
    assert found.helium is None
    assert any("needs linear Debye spectra" in note for note in found.notes)


def test_cli_prints_the_bracket_with_its_sources(cli):
    """``kapitza predict Cu He4 -t 1.5``: the range table (R of the DMM and of the AMM, and R T^3) with the
    library's numbers, that no measured value is shipped, that measured values depend on the surface, and both
    sources as read (their abstracts)."""
    assert len(measurements_for("Cu", "He4")) == 0
    status, out, err = cli("predict", "Cu", "He4", "-t", "1.5", "--explain")
    assert status == 0, err
    text = " ".join(out.split())
    helium = predict_interface("Cu", "He4", 1.5).helium
    assert "Cu/He4: expected range, from the DMM" in text
    assert f"{helium.resistance_dmm[0] / 1e-9:.4g}" in text and f"{helium.resistance_amm[0] / 1e-9:.4g}" in text
    assert f"{helium.resistance_t3('amm')[0]:.4g}" in text
    assert "no measured value of Cu/He4 in the shipped compilation" in text
    assert "depend on how the surface was prepared" in text
    assert "one to two orders of magnitude below the acoustic mismatch value" in text
    assert "typically over two orders of magnitude" in text
    assert MEZHOV_DEGLIN_REFERENCE in text and SWARTZ_POHL_REFERENCE in text
    status, out, _ = cli("predict", "Au", "He4", "-t", "1.5", "--json")
    doc = json.loads(out)["helium_range"]
    assert doc["solid"] == "Au" and doc["resistance_amm"][0] > doc["resistance_dmm"][0]
    assert doc["references"] == [MEZHOV_DEGLIN_REFERENCE, SWARTZ_POHL_REFERENCE]
    status, out, _ = cli("predict", "Cu", "Si", "-t", "300", "--json")
    assert json.loads(out)["helium_range"] is None
