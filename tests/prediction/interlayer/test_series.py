"""The series physics of a stack (kapitza.prediction.interlayer.series): a hand calculation of a three-layer stack,
the bare pair as a layer vanishes, detailed balance on reversal, transparent monolayers and the refusals."""

from __future__ import annotations

import numpy as np
import pytest

from kapitza.errors import InputError
from kapitza.prediction.interlayer import layer_of, parse_interlayers, stack_physics
from kapitza.prediction.interlayer.film import film_conductivity
from kapitza.prediction.interlayer.series import dominant_wavelength, interface_conductance

T = np.array([100.0, 300.0])


def test_a_three_layer_stack_is_its_series_by_hand():
    """Al / a-SiO2 (10 nm) / Si: 1/G_series = 1/G(Al|SiO2) + d/kappa_min(SiO2) + 1/G(SiO2|Si), and 1/G = (1 - w)
    /G(Al|Si) + w (1/G(Al|SiO2) + 1/G(SiO2|Si)) + d/kappa_min with w = min(1, d/(d + lambda)/0.9) (issue 83: the
    layer's own resistance in full at every thickness; by hand from the parts: each interface's Debye DMM with
    electrons as kapitza predict reports it, from the database's sourced records; the amorphous limit of Cahill,
    Watson & Pohl 1992; lambda the dominant phonon wavelength h v_D / (2.82 k_B T))."""
    d = 10e-9
    found = stack_physics("Al", parse_interlayers(["a-SiO2:10nm"]), "Si", T)
    g1, g2, bare = (interface_conductance(a, b, T)[0] for a, b in (("Al", "SiO2"), ("SiO2", "Si"), ("Al", "Si")))
    r_layer = d / film_conductivity("SiO2", d, T, "amorphous").kappa
    series = 1 / (1 / g1 + r_layer + 1 / g2)
    w = np.minimum(1.0, d / (d + dominant_wavelength("SiO2", T)) / 0.9)
    np.testing.assert_allclose(found.series, series, rtol=1e-12)
    np.testing.assert_allclose(found.conductance, 1 / ((1 - w) / bare + w * (1 / g1 + 1 / g2) + r_layer), rtol=1e-12)
    assert found.materials == ("Al", "SiO2", "Si")
    shares = dict(found.shares())
    np.testing.assert_allclose(sum(shares.values()), 1.0, rtol=1e-12)  # the shares of the series add up


def test_a_vanishing_interlayer_tends_to_the_bare_pair():
    """w -> 0 as d -> 0: the stack's G tends to the bare pair's (the law the interpolation is built on).  A layer
    thinner than an atomic plane (1 A) is refused, so the limit is followed down to it: the weight falls in
    proportion to d (w = d / (d + lambda) / THIN_WEIGHT, lambda >> d) and G falls toward the bare pair's with it."""
    bare = interface_conductance("Au", "Al2O3", T)[0]
    found = [stack_physics("Au", parse_interlayers([f"Ti:{d}A"]), "Al2O3", T) for d in (30, 10, 3, 1)]
    excess = np.array([f.conductance / bare - 1 for f in found])
    assert np.all(np.diff(excess, axis=0) < 0) and np.all(excess[-1] > 0)
    lam = dominant_wavelength("Ti", T)
    np.testing.assert_allclose(found[-1].weight / found[-2].weight, (1 / (1 + lam * 1e10)) / (3 / (3 + lam * 1e10)))
    # the weight d / (d + lambda): linear in d as d -> 0, where the stack is the bare pair


def test_reversing_the_stack_keeps_its_conductance():
    """Detailed balance: each interface's DMM obeys G12 = G21 and a film conducts both ways alike, so A / I / B and
    B / I / A have one G."""
    for layers in (["Ti:2nm"], ["a-SiO2:3nm", "Ti:2nm"]):
        one = stack_physics("Au", parse_interlayers(layers), "Si", T)
        back = stack_physics("Si", parse_interlayers(list(reversed(layers))), "Au", T)
        np.testing.assert_allclose(one.conductance, back.conductance, rtol=1e-9)


def test_a_layer_of_atomic_thickness_is_transparent_to_the_physics():
    found = stack_physics("Au", parse_interlayers(["graphene"]), "SiO2", T)
    np.testing.assert_allclose(found.conductance, interface_conductance("Au", "SiO2", T)[0], rtol=1e-12)
    assert any("graphene: a layer of atomic thickness" in n for n in found.notes)


def test_a_stack_of_one_material_and_an_undescribed_layer_are_refused():
    with pytest.raises(InputError, match="a stack of one material"):
        stack_physics("Si", parse_interlayers(["a-Si:2nm"]), "Si", T)
    with pytest.raises(InputError, match="no data for the interlayer ZnO"):
        stack_physics("Au", (layer_of("ZnO", need_thickness=False),), "Si", T)
