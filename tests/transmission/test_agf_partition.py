"""Identical leads and device, time reversal, and the partition's errors."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("matscipy")  # the [agf] extra: the SW potential built at import below

from kapitza import landauer
from kapitza.atomistic.potentials import get_potential
from kapitza.atomistic.structures import build_interface
from kapitza.errors import InputError
from kapitza.transmission.agf import interface_model, lead_max_frequency, transmission
from kapitza.transmission.agf.modes import channel_count

SW = get_potential("sw", ["Si"])
A_SW = 5.431


@pytest.fixture(scope="module")
def perfect():
    """All-silicon 'interface': the device is bulk Si, so nothing scatters."""
    s = build_interface("Si", "Si", "001", lattice_constants_angstrom=(A_SW, A_SW), cells=(3, 3), mass_only=True)
    return interface_model(s, SW, pl_cells=2)


def band_crossings(model, kappa, omega, samples=720):
    """Right-going channels from the bulk bands: upward crossings of omega by each sorted band over k_z."""
    h00, h01 = model.lead_blocks("left", kappa)
    q = np.linspace(-np.pi, np.pi, samples, endpoint=False)
    bands = np.array(
        [np.sqrt(np.abs(np.linalg.eigvalsh(h00 + h01 * np.exp(1j * x) + h01.conj().T * np.exp(-1j * x)))) for x in q]
    )
    nxt = np.roll(bands, -1, axis=0)
    return np.array([int(np.sum((bands < w) & (nxt >= w))) for w in omega])


def test_identical_leads_and_device_transmit_the_channel_count(perfect, strict):
    """Laws (tier 1): with nothing to scatter, Xi(omega, k) is the number of propagating channels, an
    integer staircase.  Three routes agree: the Caroli trace, the Bloch-mode count and upward band
    crossings of the bulk bands.  Points within 1% of a band edge (where a step is smeared and a
    720-point k_z grid can miss a crossing) are skipped.  eta = 1e-8 shifts Xi by < 1e-5 elsewhere
    (O(eta) times the device length over the decay length of the slowest mode); 1e-4 is the tolerance.

    Analytic: without scattering every propagating channel transmits with probability 1, so Xi is the channel count.
    """
    top = lead_max_frequency(perfect, "left", [(0, 0)])
    omega = np.linspace(0.02, 0.98, 97) * top
    for kappa in ((0.125, 0.375), (0.25, 0.0)):
        xi = transmission(perfect, omega, [kappa], eta=1e-8).xi
        count = channel_count(perfect, "left", omega, kappa)
        crossings = band_crossings(perfect, kappa, omega)
        edges = band_crossings(perfect, kappa, omega * 1.01) != band_crossings(perfect, kappa, omega / 1.01)
        ok = ~edges
        assert ok.sum() > 60
        assert np.abs(xi[ok] - count[ok]).max() < 1e-4
        assert np.array_equal(count[ok], crossings[ok])
        assert len(set(count[ok].tolist())) >= 4  # a staircase, not a constant


def test_perfect_crystal_conductance_is_the_ballistic_value(perfect):
    """G of the perfect crystal equals the ballistic G = int hbar w N(w)/(2 pi A) dn/dT dw built from the
    channel counts on the same grid (2x2 k).  With eta = 1e-8 the steps are sharp; 1e-3 covers the few
    frequency nodes that fall on a smeared band edge.

    The reference is an independent computation written in the test from the analytic ballistic formula above.
    """
    top = 1.001 * lead_max_frequency(perfect, "left", [(0, 0)])
    n = 160
    omega = (np.arange(n) + 0.5) * top / n
    weights = np.full(n, top / n)
    r = transmission(perfect, omega, 2, omega_weights=weights, eta=1e-8)
    counts = np.mean([channel_count(perfect, "left", omega, k) for k in r.kpoints], axis=0)
    phi = counts / (2 * np.pi * perfect.area)
    ballistic = landauer.integrate(omega, weights, phi, [100.0, 300.0]).conductance
    assert r.conductance([100.0, 300.0]) == pytest.approx(ballistic, rel=1e-3)


def test_time_reversal_k_and_minus_k_transmit_alike():
    """Xi(k) = Xi(-k) on an intermixed (low-symmetry) interface: the symmetry the solver uses to halve the grid.

    D(-k) = D(k)*, so Xi_LR(-k) = Xi_RL(k), which equals Xi_LR(k) as eta -> 0 (current conservation);
    the difference is O(eta), hence eta = 1e-9 and a 1e-6 tolerance (at eta = 1e-6 it is ~1e-5,
    the size of the broadening error itself).

    Derivation above: D(-k) = D(k)* and current conservation.
    """
    s = build_interface(
        "Si",
        "Ge",
        "001",
        lattice_constants_angstrom=(A_SW, A_SW),
        cells=(3, 3),
        lateral=(2, 1),
        mass_only=True,
        mixing_layers=2,
        seed=7,
    )
    model = interface_model(s, SW, pl_cells=1)
    omega = np.linspace(0.05, 0.6, 12) * lead_max_frequency(model, "left", [(0, 0)])
    k = np.array([[0.17, 0.31], [-0.17, -0.31]])
    r = transmission(model, omega, k, time_reversal=False, eta=1e-9)
    assert np.abs(r.xi_k[0] - r.xi_k[1]).max() < 1e-6 * max(1.0, r.xi_k.max())
    assert np.abs(r.xi_k[0]).max() > 0.1


def test_principal_layer_thinner_than_the_force_reach_is_refused():
    """A pair potential reaching 6 A on a simple-cubic lattice of 2.5 A: one-cell principal layers
    would let U_-1 couple to the device; the error names the cells needed."""
    from ase.calculators.lj import LennardJones

    s = build_interface("Po", "Po", "001", lattice_constants_angstrom=(2.5, 2.5), cells=(4, 4), mass_only=True)
    lj = LennardJones(sigma=2.2, epsilon=0.01, rc=6.0)
    with pytest.raises(InputError, match=r"too short; use at least 2 cells"):
        interface_model(s, lj, pl_cells=1, force_range=6.0)


def test_intermixing_that_reaches_the_lead_is_refused():
    s = build_interface(
        "Si",
        "Ge",
        "001",
        lattice_constants_angstrom=(A_SW, A_SW),
        cells=(2, 2),
        lateral=(4, 4),
        mass_only=True,
        mixing_layers=6,
        seed=1,
    )
    with pytest.raises(InputError, match="not a perfect crystal"):
        interface_model(s, SW, pl_cells=1)
