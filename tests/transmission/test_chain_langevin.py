"""Chain physics for the spectral heat current: Langevin-bath transmission and the defect (interface) mode."""

from __future__ import annotations

import numpy as np
import pytest

from kapitza.errors import InputError
from kapitza.transmission.chain import defect_mode_frequency, langevin_chain_transmission


def brute_force(w, masses, springs, gamma_left, gamma_right):
    """4 gL gR m1 mN w^2 |G_1N|^2 with G the dense inverse of K - M w^2 - i w Gamma (Dhar, PRL 86, 5882 (2001))."""
    n = len(masses)
    fixed = len(springs) == n + 1
    inner = springs[1:-1] if fixed else springs
    k = np.zeros((n, n))
    for i, s in enumerate(inner):
        k[i : i + 2, i : i + 2] += s * np.array([[1, -1], [-1, 1]])
    if fixed:
        k[0, 0] += springs[0]
        k[-1, -1] += springs[-1]
    damping = np.zeros((n, n))
    damping[0, 0], damping[-1, -1] = gamma_left * masses[0], gamma_right * masses[-1]
    g = np.linalg.inv(k - np.diag(masses) * w**2 - 1j * w * damping)[0, -1]
    return 4 * gamma_left * gamma_right * masses[0] * masses[-1] * w**2 * abs(g) ** 2


@pytest.mark.parametrize("fixed", [False, True])
@pytest.mark.parity
def test_langevin_transmission_matches_dense_green_function(fixed):
    """The tridiagonal recurrence equals the dense inverse (independent route) to 1e-12 on a random chain.

    The reference is an independent computation written in the test (dense matrix inverse).
    """
    rng = np.random.default_rng(3)
    masses = rng.uniform(1, 3, 12)
    springs = rng.uniform(0.5, 2, 13 if fixed else 11)
    omega = np.linspace(0.05, 2.5, 40)
    got = langevin_chain_transmission(omega, masses, springs, 0.7, 0.4)
    want = [brute_force(w, masses, springs, 0.7, 0.4) for w in omega]
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-300)


def test_langevin_transmission_is_a_landauer_transmission():
    """0 <= T <= 1; reciprocity: the mirrored chain with the baths swapped has the same T (detailed balance);
    a uniform chain with impedance-matched baths (gamma m = sqrt(k m)) transmits T -> 1 as w -> 0, and a free
    chain's w = 0 limit is 4 g'L g'R / (g'L + g'R)^2 (the chain moves as one body: G_1N -> 1 / (-i w (g'L + g'R))).

    The w = 0 limit is derived above (the chain moves as one body).
    """
    rng = np.random.default_rng(4)
    masses, springs = rng.uniform(1, 3, 9), rng.uniform(0.5, 2, 8)
    omega = np.linspace(0, 3, 301)
    t = langevin_chain_transmission(omega, masses, springs, 0.9, 0.3)
    assert np.all(t >= 0) and np.all(t <= 1 + 1e-12)
    mirrored = langevin_chain_transmission(omega, masses[::-1], springs[::-1], 0.3, 0.9)
    np.testing.assert_allclose(mirrored, t, rtol=1e-12, atol=1e-15)
    fl, fr = 0.9 * masses[0], 0.3 * masses[-1]
    assert t[0] == pytest.approx(4 * fl * fr / (fl + fr) ** 2, rel=1e-12)
    assert langevin_chain_transmission(1e-7, masses, springs, 0.9, 0.3) == pytest.approx(t[0], rel=1e-6)
    uniform = langevin_chain_transmission(np.array([1e-3, 0.05]), np.ones(30), np.ones(29), 1.0, 1.0)
    np.testing.assert_allclose(uniform, 1.0, atol=1e-3)
    fixed = langevin_chain_transmission(0.0, masses, np.r_[1.0, springs, 1.0], 0.9, 0.3)
    assert fixed == 0.0


def test_langevin_transmission_refuses_bad_input():
    with pytest.raises(InputError, match="N - 1 = 2"):
        langevin_chain_transmission(1.0, [1, 1, 1], [1, 1, 1], 1, 1)
    with pytest.raises(InputError, match="masses"):
        langevin_chain_transmission(1.0, [1, -1], [1], 1, 1)
    with pytest.raises(InputError, match="gamma_left"):
        langevin_chain_transmission(1.0, [1, 1], [1], 0, 1)
    with pytest.raises(InputError, match="omega"):
        langevin_chain_transmission(-1.0, [1, 1], [1], 1, 1)


@pytest.mark.parametrize("light", [0.1, 0.5, 0.9])
def test_defect_mode_uniform_chain_is_montroll_potts(light):
    """Montroll & Potts, Phys. Rev. 100, 525 (1955): w = w_max / sqrt(1 - e^2), e = (m - m_d)/m, w_max = 2 sqrt(k/m);
    here with SI-like numbers (k = 30 N/m, m = 28 amu) to 1e-12."""
    k, m = 30.0, 28 * 1.66053906660e-27
    e = 1 - light
    want = 2 * np.sqrt(k / m) / np.sqrt(1 - e * e)
    assert defect_mode_frequency(k, m, m, light * m) == pytest.approx(want, rel=1e-12)


@pytest.mark.parity
def test_defect_mode_heterogeneous_matches_finite_chain_eigenvalue():
    """m | 2m with a light defect (m/2) at the junction: the top eigenfrequency of a long finite chain (200 + 1 + 200
    atoms, free ends; the mode's tails decay as 0.33^n and 0.17^n) equals the semi-infinite result to 1e-10; it lies
    above both band edges; heavy defects have no such mode (None).

    The reference is an independent computation written in the test (eigenvalues of the finite chain); the band edge 2
    sqrt(k/m) is analytic.
    """
    k, m = 1.0, 1.0
    w = defect_mode_frequency(k, m, 2 * m, 0.5 * m)
    masses = np.r_[np.full(200, m), 0.5 * m, np.full(200, 2 * m)]
    n = masses.size
    stiff = 2 * k * np.eye(n) - k * np.eye(n, k=1) - k * np.eye(n, k=-1)
    stiff[0, 0] = stiff[-1, -1] = k
    scaled = stiff / np.sqrt(np.outer(masses, masses))
    top = np.sqrt(np.linalg.eigvalsh(scaled)[-1])
    assert w == pytest.approx(top, rel=1e-10)
    assert w > 2 * np.sqrt(k / m)
    assert defect_mode_frequency(k, m, 2 * m, 0.99 * m) is None
    assert defect_mode_frequency(k, m, m, m) is None
    with pytest.raises(InputError, match="mass_defect"):
        defect_mode_frequency(k, m, m, 0.0)
