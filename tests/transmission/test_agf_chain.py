"""AGF kernels on the 1D chain junction: parity with the exact formula, convergence errors, inputs."""

from __future__ import annotations

import numpy as np
import pytest

from kapitza.errors import ConvergenceError, InputError
from kapitza.transmission.agf import chain_model, transmission
from kapitza.transmission.agf.modes import mode_transmission
from kapitza.transmission.chain import ChainJunction, band_edge, chain_conductance, chain_transmission

M1, M2 = 28.0855 * 1.66053906660e-27, 72.63 * 1.66053906660e-27
K1, K2, K12 = 12.0, 9.5, 7.0


@pytest.mark.parametrize("device_sites", [(1, 1), (3, 2)])
@pytest.mark.parity
def test_chain_through_agf_equals_exact_formula(strict, device_sites):
    """Parity (DESIGN tier 3): the AGF transmission of two semi-infinite chains joined by k12 equals
    the closed form of transmission/chain.py (Zhang, Fisher & Mingo, Numer. Heat Transfer B 51, 333
    (2007), Sec. 4) to 1e-6 over the band.  The broadening eta = 1e-10 shifts tau by O(eta / sin q)
    < 1e-7 at the sampled points, which stay 1e-3 of the band edge away from it."""
    model = chain_model(M1, M2, K1, K2, K12, device_sites)
    edge = min(band_edge(M1, K1), band_edge(M2, K2))
    omega = np.linspace(1e-3, 1 - 1e-3, 400) * edge
    r = transmission(model, omega, eta=1e-10)
    exact = chain_transmission(omega, M1, M2, K1, K2, K12)
    assert np.abs(r.xi - exact).max() < 1e-6
    assert r.kpoints.shape == (1, 2)


@pytest.mark.parity
def test_chain_conductance_matches_landauer_of_exact_formula():
    """G through the AGF result equals G of the exact chain (same Landauer engine, fine grid): 1e-4,
    the trapezoid error of 4000 nodes against the engine's adaptive Gauss-Legendre panels.

    The exact chain transmission is derived in kapitza.transmission.chain's docstring (Zhang, Fisher & Mingo, Numer.
    Heat Transfer B 51, 333 (2007), Sec. 4).
    """
    model = chain_model(M1, M2, K1, K2, K12)
    edge = min(band_edge(M1, K1), band_edge(M2, K2))
    omega = np.linspace(1, 4000, 4000) / 4000 * edge
    r = transmission(model, omega, eta=1e-10)
    exact = chain_conductance(ChainJunction(M1, M2, K1, K2, K12), [50.0, 300.0]).conductance
    assert r.conductance([50.0, 300.0]) == pytest.approx(exact, rel=1e-4)


def test_identical_chains_transmit_everything_and_one_mode():
    """Analytic: identical chains transmit tau = 1 (kapitza.transmission.chain's docstring), one mode per frequency,
    and the group velocity is d omega/dq of omega = 2 sqrt(k/m) sin(q/2).
    """
    model = chain_model(M1, M1, K1, K1, K1)
    omega = np.linspace(0.05, 0.95, 50) * band_edge(M1, K1)
    r = transmission(model, omega, eta=1e-10)
    assert np.abs(r.xi - 1).max() < 1e-6
    m = mode_transmission(model, float(omega[10]), (0, 0))
    assert m.modes.count == 1 and m.tau[0] == pytest.approx(1.0, abs=1e-6)
    # group velocity of the monatomic chain: a sqrt(k/m) cos(q/2), with a = 1 m between sites here
    q = 2 * np.arcsin(omega[10] / band_edge(M1, K1))
    assert m.modes.velocity[0] == pytest.approx(np.sqrt(K1 / M1) * np.cos(q / 2), rel=1e-6)


def test_zero_broadening_raises_convergence_error_not_exit():
    """Without broadening the decimation of a propagating band cannot converge: a ConvergenceError."""
    model = chain_model(M1, M2, K1, K2, K12)
    with pytest.raises(InputError, match="broadening"):
        transmission(model, [1e13], eta=0.0)
    from kapitza.transmission.agf import kernels

    left, _, _ = model.blocks_at((0, 0))
    z = np.array([(0.5 * band_edge(M1, K1)) ** 2 + 0j])
    with pytest.raises(ConvergenceError, match="did not converge"):
        kernels.self_energy(z, left)


@pytest.mark.parametrize("omega", [[], [-1.0], [np.nan], [[1.0, 2.0]]])
def test_bad_frequencies_are_rejected(omega):
    with pytest.raises(InputError, match="omega"):
        transmission(chain_model(M1, M2, K1, K2, K12), omega)


def test_bad_chain_parameters_are_rejected():
    with pytest.raises(InputError, match="m1"):
        chain_model(-1.0, M2, K1, K2, K12)
    with pytest.raises(InputError, match="device_sites"):
        chain_model(M1, M2, K1, K2, K12, (0, 1))
