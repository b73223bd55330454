"""The laws every model must obey, over random valid materials and temperatures (hypothesis).

Tier 1 of DESIGN.md: energy conservation (R + T = 1), detailed balance
(G12 = G21), bounds (DMM <= radiation limit), G finite and > 0 for T > 0,
G(0) = 0.  Materials are physical: densities 100-25,000 kg/m^3, longitudinal
speeds 500-20,000 m/s, transverse speeds 0.25-0.68 v_L (below v_L/sqrt(2), a
positive Poisson ratio), 1e28-3e29 atoms per m^3.  Bounded: 40 examples per
law, no deadline (the whole file runs in well under a minute).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kapitza
from conftest import no_warnings
from kapitza.transmission.chain import ChainJunction, chain_conductance
from kapitza.units import AMU

LAW = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)

#: Models that obey detailed balance (the inelastic channel does not, by construction).
BALANCED = ("dmm", "limit", "amm", "amm-simple")


def _log_uniform(lo: float, hi: float) -> st.SearchStrategy[float]:
    return st.floats(np.log10(lo), np.log10(hi)).map(lambda x: float(10.0**x))


@st.composite
def materials(draw: st.DrawFn, name: str = "X") -> kapitza.Material:
    """A physical isotropic solid built through the public API."""
    density = draw(_log_uniform(100.0, 25_000.0))
    v_l = draw(_log_uniform(500.0, 20_000.0))
    v_t = v_l * draw(st.floats(0.25, 0.68))
    n = draw(_log_uniform(1e28, 3e29))
    theta = draw(st.floats(50.0, 2000.0))
    return kapitza.Material(name, density, v_l, v_t, n, theta)


temperatures = _log_uniform(0.05, 3000.0)


@LAW
@given(a=materials("A"), b=materials("B"), t=temperatures, model=st.sampled_from(BALANCED))
def test_detailed_balance(a, b, t, model):
    """G(A -> B) = G(B -> A) for every model that obeys detailed balance.

    DMM and limit: exact identity of the channel rule (round-off 1e-12); AMM: reciprocity of
    the elastic scattering matrix (Khalatnikov 1952), to the angular quadrature's 1e-9.
    """
    with no_warnings():
        g12 = kapitza.conductance(a, b, t, model)
        g21 = kapitza.conductance(b, a, t, model)
    assert g12 == pytest.approx(g21, rel=1e-9)


@LAW
@given(
    a=materials("A"),
    b=materials("B"),
    angle=st.floats(0.0, np.pi / 2),
    incident=st.sampled_from(("P", "SV", "SH")),
    model=st.sampled_from(("amm", "amm-simple")),
)
def test_energy_is_conserved_at_every_angle(a, b, angle, incident, model):
    """R + T = 1 for a plane wave at any angle of incidence (energy conservation at the boundary).

    The expected sum 1 is analytic (a lossless elastic boundary, derived in kapitza.transmission.amm's docstring);
    1e-12 is round-off.
    """
    with no_warnings():
        c = kapitza.amm_coefficients(a, b, angle, incident, model)
    assert all(0.0 <= v <= 1.0 + 1e-12 for v in c.values())
    assert sum(c.values()) == pytest.approx(1.0, abs=1e-12)


@LAW
@given(a=materials("A"), b=materials("B"), t=temperatures)
def test_dmm_does_not_exceed_the_radiation_limit(a, b, t):
    """tau_DMM = M2/(M1+M2) <= min(1, M2/M1) at every frequency, so G_DMM <= G_limit (Swartz & Pohl 1989)."""
    assert kapitza.conductance(a, b, t, "dmm") <= kapitza.conductance(a, b, t, "limit") * (1 + 1e-12)


@LAW
@given(a=materials("A"), b=materials("B"), t=temperatures, model=st.sampled_from(BALANCED))
def test_conductance_is_finite_and_positive_above_zero_and_zero_at_zero(a, b, t, model):
    """G > 0 and finite for T > 0; G(0) = 0 (no phonons are excited at T = 0).

    Analytic: dn/dT = 0 for every w > 0 at T = 0, and the Landauer integrand is positive for T > 0 (kapitza.landauer's
    docstring).
    """
    with no_warnings():
        g = kapitza.conductance(a, b, [0.0, t], model)
    assert g[0] == 0.0
    assert np.isfinite(g[1]) and g[1] > 0


@LAW
@given(a=materials("A"), b=materials("B"), t=temperatures)
def test_the_inelastic_channel_only_adds(a, b, t):
    """tau_el + min(tau_inel, 1 - tau_el) >= tau_el: G with the channel >= G without (and <= the limit of 1).

    Analytic: min(tau_inel, 1 - tau_el) >= 0 (the rule of kapitza.transmission.inelastic); 1e-12 is round-off.
    """
    inelastic = dict(A=1e-14, q=1.0, m=1.0)
    g_el = kapitza.conductance(a, b, t, "dmm")
    g_in = kapitza.conductance(a, b, t, "dmm", inelastic=inelastic)
    assert g_el * (1 - 1e-12) <= g_in


@LAW
@given(
    m1=_log_uniform(1.0, 300.0),
    m2=_log_uniform(1.0, 300.0),
    k1=_log_uniform(1.0, 100.0),
    k2=_log_uniform(1.0, 100.0),
    k12=_log_uniform(1.0, 100.0),
    t=temperatures,
)
def test_chain_detailed_balance(m1, m2, k1, k2, k12, t):
    """The 1D chain junction: G(1 -> 2) = G(2 -> 1) (tau is symmetric, Landauer 1D).

    Analytic: the chain's tau is symmetric under 1 <-> 2 (derivation in kapitza.transmission.chain's docstring; Zhang,
    Fisher & Mingo, Numer. Heat Transfer B 51, 333 (2007)).
    """
    g12 = chain_conductance(ChainJunction(m1 * AMU, m2 * AMU, k1, k2, k12), t).conductance[0]
    g21 = chain_conductance(ChainJunction(m2 * AMU, m1 * AMU, k2, k1, k12), t).conductance[0]
    assert g12 == pytest.approx(g21, rel=1e-9)
    assert np.isfinite(g12) and g12 > 0
