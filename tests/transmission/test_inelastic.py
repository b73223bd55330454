"""The phenomenological inelastic channel: caps, the elastic limit, saturation, validation, bookkeeping."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import kapitza
from conftest import no_warnings
from kapitza import InputError, get_material
from kapitza.phonons import debye_spectrum
from kapitza.prediction import Settings
from kapitza.transmission import diffuse_mismatch
from kapitza.transmission.amm import acoustic_mismatch
from kapitza.transmission.chain import ChainJunction
from kapitza.transmission.inelastic import InelasticChannel, InelasticParameters

T_GRID = np.array([1.0, 30.0, 300.0, 1000.0])


@pytest.mark.parametrize("model", ["dmm", "limit", "amm", "amm-simple"])
@pytest.mark.parametrize("a,b", [("Al", "Si"), ("C", "Pb"), ("Cu", "He4")])
def test_zero_prefactor_gives_the_elastic_model(model, a, b):
    """A = 0: the wrapper goes through the engine's temperature-dependent path and must reproduce the elastic G.

    Analytic: tau_inel = A T^q w^m = 0 for A = 0, so tau_tot = tau_el (kapitza.transmission.inelastic's docstring).
    """
    elastic = kapitza.conductance(a, b, T_GRID, model)
    with no_warnings():
        wrapped = kapitza.conductance(a, b, T_GRID, model, inelastic=dict(A=0.0, q=1.0, m=1.0))
    np.testing.assert_allclose(wrapped, elastic, rtol=1e-13)


def wrapper(a, b, parameters, model="dmm"):
    ma, mb = get_material(a), get_material(b)
    sa, sb = debye_spectrum(ma), debye_spectrum(mb)
    elastic = diffuse_mismatch(sa, sb) if model == "dmm" else acoustic_mismatch(ma, mb, sa, sb, model)
    return InelasticChannel(elastic, InelasticParameters(**parameters))


@pytest.mark.parametrize("model", ["dmm", "amm"])
def test_caps_are_respected(model):
    """tau_el <= tau_tot <= 1; tau_tot = tau_el + tau_inel where that fits; 1 - tau_el is the cap.

    Analytic: tau_tot = tau_el + min(tau_inel, 1 - tau_el), the rule of kapitza.transmission.inelastic, coded in the
    test.
    """
    channel = wrapper("C", "Pb", dict(A=3e-16, q=1.0, m=1.0), model)
    w = np.linspace(1e10, channel.breakpoints.max(), 4000)
    t = np.array([1.0, 50.0, 300.0, 3000.0])
    tau_el = channel.elastic_transmission(w)[0]  # elastic: leading axis of length 1 (no T dependence)
    tau = channel.transmission_at(w, t)
    inel = 3e-16 * t[:, None, None] * w[None, None, :]
    assert np.all(tau <= 1.0) and np.all(tau >= tau_el[None] - 1e-15)
    fits = inel <= 1 - tau_el[None]
    assert np.any(fits) and np.any(~fits)
    np.testing.assert_allclose(tau[fits], (tau_el[None] + inel)[fits], rtol=1e-12)
    np.testing.assert_allclose(tau[~fits], 1.0, rtol=1e-15)


def test_above_the_receiving_cutoff_only_the_inelastic_channel_transmits_capped_at_one():
    """Diamond phonons above every Pb cutoff: tau_el = 0, tau = min(A T^q w^m, 1).

    Analytic: tau_el = 0 there, so tau_tot = min(A T^q w^m, 1) (kapitza.transmission.inelastic's docstring), coded in
    the test.
    """
    channel = wrapper("C", "Pb", dict(A=1e-14, q=0.5, m=1.0))
    pb_top = debye_spectrum(get_material("Pb")).max_frequency
    w = np.geomspace(1.01 * pb_top, 0.99 * channel.breakpoints.max(), 50)
    t = np.array([0.1, 10.0, 1000.0])
    assert np.all(channel.elastic_transmission(w) == 0.0)
    expected = np.minimum(1e-14 * np.sqrt(t)[:, None] * w[None, :], 1.0)
    tau = channel.transmission_at(w, t)
    for b in range(tau.shape[1]):
        np.testing.assert_allclose(tau[:, b, :], expected, rtol=1e-12)
    assert np.any(expected == 1.0) and np.any(expected < 1.0)


@pytest.mark.parametrize("model", ["dmm", "amm"])
def test_saturated_channel_is_side_one_emitting_into_a_perfect_sink(model):
    """Huge A: every side-1 phonon crosses, tau = 1, so G = G_limit(A, A) (identical media, tau = 1).

    Analytic: tau = 1 for every side-1 phonon gives Phi = M_1, which is min(M_1, M_1) of the radiation limit for C/C.
    """
    huge = dict(A=1e10, q=0.0, m=0.0)
    g = kapitza.conductance("C", "Pb", T_GRID, model, inelastic=huge)
    np.testing.assert_allclose(g, kapitza.conductance("C", "C", T_GRID, "limit"), rtol=1e-12)


def test_conductance_grows_with_the_prefactor_and_breaks_detailed_balance():
    """The inelastic term adds conductance monotonically in A; it is one-directional (no detailed balance).

    Analytic: tau_tot = tau_el + min(A T^q w^m, 1 - tau_el) is non-decreasing in A; the term is one-directional, as
    kapitza.transmission.inelastic's docstring derives (no detailed balance).
    """
    g = [kapitza.conductance("Al", "Si", 300.0, "dmm", inelastic=dict(A=a, q=1.0, m=1.0)) for a in (0, 1e-18, 1e-17)]
    assert g[0] < g[1] < g[2]
    forward = kapitza.conductance("C", "Pb", 300.0, "dmm", inelastic=dict(A=1e-17, q=1.0, m=1.0))
    backward = kapitza.conductance("Pb", "C", 300.0, "dmm", inelastic=dict(A=1e-17, q=1.0, m=1.0))
    assert abs(forward / backward - 1) > 1e-3


def test_temperature_exponent_enters():
    """tau_inel = A T w with A = 1e-19 equals A' w with A' = 300 A at 300 K, and exceeds it at 600 K.

    Analytic: A T w at 300 K is (300 A) w; at 600 K it is twice that, less where the cap 1 - tau_el binds, hence >
    1.5.
    """
    elastic = kapitza.conductance("C", "Pb", [300.0, 600.0], "dmm")
    p = dict(A=1e-19, q=1.0, m=1.0)
    total = kapitza.conductance("C", "Pb", [300.0, 600.0], "dmm", inelastic=p)
    excess = total - elastic
    flat = kapitza.conductance("C", "Pb", [300.0, 600.0], "dmm", inelastic=dict(A=1e-19 * 300.0, q=0.0, m=1.0))
    assert excess[0] == pytest.approx((flat - elastic)[0], rel=1e-9)  # same tau at 300 K
    assert excess[1] > 1.5 * (flat - elastic)[1]


def test_result_records_the_parameters_and_stays_hashable():
    r = kapitza.prediction.predict_model("Al", "Si", [300.0], "dmm", inelastic={"A": 1e-18, "q": 1, "m": 2})
    assert r.settings.inelastic == InelasticParameters(1e-18, 1.0, 2.0)
    assert r.settings.inelastic.as_dict() == {"A": 1e-18, "q": 1.0, "m": 2.0}
    assert hash(r.settings) == hash(Settings(inelastic=dict(A=1e-18, q=1.0, m=2.0)))
    assert kapitza.prediction.predict_model("Al", "Si", [300.0]).settings.inelastic is None
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.settings.inelastic.A = 0.0


@pytest.mark.parametrize(
    "bad,match",
    [
        (dict(A=-1e-15, q=1.0, m=1.0), "A must be >= 0"),
        (dict(A=float("nan"), q=1.0, m=1.0), "finite"),
        (dict(A=1e-15, q=float("inf"), m=1.0), "q must be finite"),
        (dict(A=1e-15, q=1.0), "missing \\['m'\\]"),
        (dict(A=1e-15, q=1.0, m=1.0, n=2.0), "unexpected \\['n'\\]"),
        (dict(A="big", q=1.0, m=1.0), "real number"),
        (dict(A=True, q=1.0, m=1.0), "real number"),
        ([1e-15, 1.0, 1.0], "mapping"),
    ],
)
def test_bad_parameters_are_named(bad, match):
    with pytest.raises(InputError, match=match):
        kapitza.conductance("Al", "Si", 300.0, "dmm", inelastic=bad)


def test_a_model_without_an_incident_spectrum_is_refused():
    with pytest.raises(InputError, match="side1"):
        InelasticChannel(ChainJunction(1e-26, 1e-26, 1.0, 1.0, 1.0), InelasticParameters(1e-15, 1.0, 1.0))


def test_no_overflow_or_nan_at_the_edges():
    """Zero temperature, zero frequency, huge and negative exponents: finite transmissions in [0, 1].

    Analytic: the term is 0 at T = 0 or w = 0 and capped to [0, 1] (kapitza.transmission.inelastic's docstring).
    """
    p = InelasticParameters(1e-3, -2.0, 5.0)
    with no_warnings():
        tau = p.transmission(np.array([0.0, 1.0, 1e14]), np.array([0.0, 1e-3, 1e3]))
    assert np.all(np.isfinite(tau)) and np.all((tau >= 0) & (tau <= 1))
    assert np.all(tau[0] == 0) and np.all(tau[:, 0] == 0)
    with no_warnings():
        g = kapitza.conductance("Al", "Si", [0.0, 10.0], "amm", inelastic=dict(A=1e-3, q=-2.0, m=5.0))
    assert g[0] == 0.0 and np.isfinite(g[1])
