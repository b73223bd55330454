"""The 1D chain junction: exact lattice transmission, its limits, and its conductance.

The closed form is checked against an independent route: the two matching
equations of the interface sites solved numerically as a 2x2 linear system,
with the energy-current ratio computed from the amplitudes.
"""

from __future__ import annotations

import numpy as np
import pytest

from kapitza.errors import InputError
from kapitza.transmission.chain import (
    ChainJunction,
    band_edge,
    chain_conductance,
    chain_transmission,
    long_wavelength_transmission,
)
from kapitza.units import AMU, HBAR, KB

M_SI, M_GE = 28.0855 * AMU, 72.63 * AMU


def matched_transmission(w, m1, m2, k1, k2, k12):
    """Solve the equations of motion of sites 0 and 1 for (r, t) directly.

    u_n = e^{i q1 n} + r e^{-i q1 n} (n <= 0), u_n = t e^{i q2 (n-1)} (n >= 1);
    site 0: -m1 w^2 u0 = k1 (u_-1 - u0) + k12 (u1 - u0)
    site 1: -m2 w^2 u1 = k2 (u2 - u1) + k12 (u0 - u1)
    """
    q1 = np.arccos(1 - m1 * w**2 / (2 * k1))
    q2 = np.arccos(1 - m2 * w**2 / (2 * k2))
    e1, e2 = np.exp(1j * q1), np.exp(1j * q2)
    # unknowns x = (r, t); u0 = 1 + r, u_-1 = e^{-iq1} + r e^{iq1}, u1 = t, u2 = t e^{iq2}
    a = np.array(
        [
            [-m1 * w**2 - k1 * (e1 - 1) + k12, -k12],
            [-k12, -m2 * w**2 - k2 * (e2 - 1) + k12],
        ],
        dtype=complex,
    )
    b = np.array([m1 * w**2 + k1 * (1 / e1 - 1) - k12, k12], dtype=complex)
    r, t = np.linalg.solve(a, b)
    return (k2 * np.sin(q2) * abs(t) ** 2) / (k1 * np.sin(q1)), abs(r) ** 2


@pytest.mark.parametrize("mass_ratio", [1.0, 2.586, 0.2, 7.0])
@pytest.mark.parametrize("k12_factor", [1.0, 0.3, 2.5])
@pytest.mark.parity
def test_closed_form_equals_direct_matching_and_conserves_energy(mass_ratio, k12_factor):
    """The closed form derived in kapitza.transmission.chain (whose low-frequency limit is the 1D acoustic mismatch
    of Zhang, Fisher & Mingo, Numer. Heat Transfer B 51, 333 (2007)) equals the interface matching equations
    solved as a 2x2 system, and tau + R = 1."""
    k1, k2 = 10.0, 8.0
    m1, m2 = M_SI, M_SI * mass_ratio
    k12 = k12_factor * np.sqrt(k1 * k2)
    edge = min(band_edge(m1, k1), band_edge(m2, k2))
    for w in np.linspace(0.01, 0.99, 9) * edge:
        tau_direct, refl = matched_transmission(w, m1, m2, k1, k2, k12)
        assert chain_transmission(w, m1, m2, k1, k2, k12) == pytest.approx(tau_direct, rel=1e-10)
        assert tau_direct + refl == pytest.approx(1.0, abs=1e-10)


@pytest.mark.law
def test_identical_chains_transmit_everything_below_the_band_edge():
    """Analytic: identical chains with k12 = k give tau = 1 below the band edge (derivation in
    kapitza.transmission.chain's docstring).
    """
    k, m = 12.0, M_SI
    w = np.linspace(0, 0.999, 200) * band_edge(m, k)
    np.testing.assert_allclose(chain_transmission(w, m, m, k, k, k), 1.0, rtol=1e-12)


def test_long_wavelength_limit_is_the_impedance_formula():
    """tau -> 4 Z1 Z2/(Z1+Z2)^2, Z = sqrt(m k) (seed 004, 1D acoustic mismatch).

    Derivation in kapitza.transmission.chain's docstring: A_i -> i w Z_i as w -> 0 (Zhang, Fisher & Mingo, Numer. Heat
    Transfer B 51, 333 (2007), Sec. 4).
    """
    m1, m2, k1, k2 = M_SI, M_GE, 10.0, 7.0
    z1, z2 = np.sqrt(m1 * k1), np.sqrt(m2 * k2)
    expected = 4 * z1 * z2 / (z1 + z2) ** 2
    assert long_wavelength_transmission(m1, m2, k1, k2) == pytest.approx(expected, rel=1e-15)
    w = 1e-5 * band_edge(m2, k2)
    assert chain_transmission(w, m1, m2, k1, k2, 3.0) == pytest.approx(expected, rel=1e-8)
    assert chain_transmission(0.0, m1, m2, k1, k2, 3.0) == pytest.approx(expected, rel=1e-15)


def test_zero_above_the_smaller_band_edge():
    """Analytic: above w_2 = 2 sqrt(k/m2) the heavier chain has no propagating wave (m w^2 = 2k(1 - cos q) has no real
    q), so tau = 0.
    """
    m1, m2, k = M_SI, M_GE, 10.0
    edge = band_edge(m2, k)  # the heavier chain has the lower band edge
    w = np.array([1.0001, 1.5, 1.99]) * edge
    assert np.all(chain_transmission(w, m1, m2, k, k, k) == 0.0)
    assert chain_transmission(0.9999 * edge, m1, m2, k, k, k) > 0


@pytest.mark.law
def test_detailed_balance_of_the_transmission():
    """tau(1 -> 2) = tau(2 -> 1): the closed form is symmetric under 1 <-> 2 (derivation in
    kapitza.transmission.chain)."""
    w = np.linspace(0.05, 0.95, 19) * band_edge(M_GE, 9.0)
    np.testing.assert_allclose(
        chain_transmission(w, M_SI, M_GE, 11.0, 9.0, 4.0), chain_transmission(w, M_GE, M_SI, 9.0, 11.0, 4.0), rtol=1e-12
    )


def test_classical_conductance_of_a_perfect_chain_is_kb_wc_over_2pi_s():
    """tau = 1 below w_c: G = kB w_c tau / (2 pi S) (seed 004, classical 1D limit).

    Analytic: every mode holds kB and a 1D channel has 1/(2 pi) modes per rad/s, so G = kB w_c/(2 pi S); at 1e6 K the
    quantum correction is of order (hbar w_c/kT)^2.
    """
    area = (5.431e-10) ** 2 / 4
    j = ChainJunction(M_SI, M_SI, 10.0, 10.0, 10.0, cross_section=area)
    g = chain_conductance(j, [10.0, 1000.0], statistics="classical").conductance
    np.testing.assert_allclose(g, KB * j.band_edge / (2 * np.pi * area), rtol=1e-12)
    hot = chain_conductance(j, 1e6).conductance[0]
    assert hot == pytest.approx(g[0], rel=1e-4)


def test_quantum_conductance_at_low_temperature_is_tau0_times_the_quantum():
    """kT << hbar w_c: G per chain -> tau(0) * pi kB^2 T / (6 hbar) (quantum of thermal conductance).

    Derivation: G = tau0 kB^2 T/(2 pi hbar) int x^2 e^x/(e^x-1)^2 dx and the integral over (0, infinity) is pi^2/3.
    """
    j = ChainJunction(M_SI, M_GE, 10.0, 9.0, 6.0)
    t = 1e-3 * HBAR * j.band_edge / KB
    g = chain_conductance(j, t).conductance[0]
    tau0 = long_wavelength_transmission(M_SI, M_GE, 10.0, 9.0)
    assert g == pytest.approx(tau0 * np.pi * KB**2 * t / (6 * HBAR), rel=1e-5)
    assert not chain_conductance(j, t).per_area


@pytest.mark.law
def test_conductance_detailed_balance():
    """Analytic: the tau formula of kapitza.transmission.chain is symmetric under 1 <-> 2 (detailed balance)."""
    t = np.geomspace(1, 1000, 7)
    a = chain_conductance(ChainJunction(M_SI, M_GE, 10.0, 9.0, 6.0), t).conductance
    b = chain_conductance(ChainJunction(M_GE, M_SI, 9.0, 10.0, 6.0), t).conductance
    np.testing.assert_allclose(a, b, rtol=1e-10)


@pytest.mark.parametrize("bad", [dict(m1=-1.0), dict(k12=0.0), dict(k1=np.nan)])
def test_bad_parameters(bad):
    args = dict(m1=M_SI, m2=M_GE, k1=1.0, k2=1.0, k12=1.0) | bad
    with pytest.raises(InputError):
        chain_transmission(1e12, **args)
    with pytest.raises(InputError, match="omega"):
        chain_transmission(-1.0, M_SI, M_GE, 1.0, 1.0, 1.0)


def test_chain_conductance_is_frozen_with_a_short_repr():
    r = chain_conductance(ChainJunction(M_SI, M_GE, 10.0, 9.0, 6.0), np.geomspace(1, 1000, 400))
    with pytest.raises(ValueError):
        r.conductance[0] = 0.0
    assert len(repr(r)) < 300
