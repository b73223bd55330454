"""The registry's "lj" potential: argon-like Lennard-Jones cut at 2.5 sigma, as LAMMPS lj/cut 2.5."""

from __future__ import annotations

import numpy as np
import pytest

from kapitza.atomistic.bicrystal import LJ_FCC_LATTICE_CONSTANT
from kapitza.atomistic.hessian import finite_difference_hessian
from kapitza.atomistic.lattice import bulk_cell, equilibrium_lattice_constant
from kapitza.atomistic.potentials import LJ_ARGON, get_potential
from kapitza.errors import InputError
from kapitza.transmission.agf.forceconstants import hessian_range

pytest.importorskip("ase")

SIGMA, EPS = LJ_ARGON["sigma_A"], LJ_ARGON["epsilon_eV"]
RC = LJ_ARGON["cutoff_sigma"] * SIGMA


def _fcc_vectors(a: float, rc: float) -> np.ndarray:
    """fcc lattice vectors 0 < |R| < rc (A) for cubic lattice constant a (A)."""
    n = int(np.ceil(2 * rc / a)) + 1
    r = np.arange(-2 * n, 2 * n + 1)
    g = np.array(np.meshgrid(r, r, r, indexing="ij")).reshape(3, -1).T
    g = g[(g.sum(axis=1) % 2) == 0] * (a / 2)  # fcc: integer coordinates in a/2 with an even sum
    d = np.linalg.norm(g, axis=1)
    return g[(d > 0) & (d < rc)]


def _pair_dynamical_matrix(q: np.ndarray, a: float, rc: float = RC) -> np.ndarray:
    """m * D(q) (eV/A^2) of a monatomic Bravais crystal with a central pair potential U(r): the lattice sum
    sum_R (1 - cos q.R) [U'' Rhat Rhat + (U'/r)(1 - Rhat Rhat)] (Ashcroft & Mermin, Solid State Physics,
    ch. 22, harmonic crystal with pair interactions), with U = 4 eps ((s/r)^12 - (s/r)^6) cut at RC."""
    vecs = _fcc_vectors(a, rc)
    r = np.linalg.norm(vecs, axis=1)
    sr6 = (SIGMA / r) ** 6
    u1 = 4 * EPS * (-12 * sr6**2 + 6 * sr6) / r
    u2 = 4 * EPS * (156 * sr6**2 - 42 * sr6) / r**2
    rhat = vecs / r[:, None]
    outer = rhat[:, :, None] * rhat[:, None, :]
    phi = u2[:, None, None] * outer + (u1 / r)[:, None, None] * (np.eye(3) - outer)
    return np.einsum("n,nab->ab", 1 - np.cos(vecs @ q), phi)


def test_lj_lattice_constant_is_the_md_one():
    """Zero-pressure T = 0 fcc lattice constant of LJ cut at 2.5 sigma: 1.5496 sigma, the lattice sum of
    kapitza.atomistic.bicrystal (LJ_FCC_LATTICE_CONSTANT, repeated in tests/md/test_bicrystal.py), i.e. the
    AGF runs on the structure of the LJ NEMD runs; 5.276 A for argon (sigma = 3.405 A, argon-like, near
    Rahman, Phys. Rev. 136, A405 (1964))."""
    pot = get_potential("lj", ["Ar"])
    a = equilibrium_lattice_constant(pot, "Ar", cache=False) * 1e10
    assert a / SIGMA == pytest.approx(LJ_FCC_LATTICE_CONSTANT, abs=1e-4)
    assert a == pytest.approx(5.276, abs=1e-3)


@pytest.mark.parity
def test_lj_zone_boundary_phonons_equal_the_lattice_sum():
    """The X-point frequencies from the registry's calculator (finite-difference Hessian of the 4-atom
    cubic cell, where X = 2 pi/a (0,0,1) folds onto Gamma) equal the analytic pair-potential lattice sum
    (Ashcroft & Mermin ch. 22) over the shells inside 2.5 sigma, to 1e-5: so the forces are those of
    LAMMPS lj/cut (unshifted) and the cutoff is 2.5 sigma (one shell more or less changes them by %)."""
    a = LJ_FCC_LATTICE_CONSTANT * SIGMA
    atoms = bulk_cell("Ar", "fcc", a)
    atoms.translate((0.123, 0.234, 0.345))
    atoms.wrap()
    atoms.calc = get_potential("lj", ["Ar"]).calculator()
    h = finite_difference_hessian(atoms, 1e-3)
    k = np.sort(np.linalg.eigvalsh(0.5 * (h + h.T)))  # eV/A^2 (equal masses: m omega^2)
    analytic = np.sort(np.linalg.eigvalsh(_pair_dynamical_matrix(np.array([0.0, 0.0, 2 * np.pi / a]), a)))
    assert np.abs(k[:3]).max() < 1e-6 * k.max()  # the acoustic sum rule (Gamma)
    expected = np.sort(np.repeat(analytic, 3))  # X_x, X_y, X_z
    assert k[3:] == pytest.approx(expected, rel=1e-5)
    assert analytic[2] > analytic[0]  # L above T at X
    # without the 5th shell (2.45 sigma) the lattice sum moves far beyond the tolerance above
    q = np.array([0.0, 0.0, 2 * np.pi / a])
    four_shells = np.sort(np.linalg.eigvalsh(_pair_dynamical_matrix(q, a, rc=2.4 * SIGMA)))
    assert np.abs(four_shells / analytic - 1).max() > 1e-3


def test_lj_force_range_and_species():
    pot = get_potential("lj", ["Ar"])
    assert hessian_range(pot) == pytest.approx(2.5 * 3.405)
    assert pot.reference.startswith("argon-like")
    with pytest.raises(InputError, match="argon's Lennard-Jones parameters"):
        get_potential("lj", ["Kr"])
