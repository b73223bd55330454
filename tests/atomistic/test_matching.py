"""The in-plane coincidence (Zur-McGill) search on lattice pairs whose coincidences are known analytically."""

from __future__ import annotations

import time

import numpy as np
import pytest

from kapitza.atomistic.matching import LatticeMatch, match_lattices, reduce_basis
from kapitza.errors import InputError


def hexagonal(a):
    """2D hexagonal lattice of constant a (A): a1 = a x, a2 at 120 degrees."""
    return np.array([[a, 0.0], [-a / 2, a * np.sqrt(3) / 2]])


def test_hexagonal_3x3_on_2x2_is_exact():
    """3 x 2 = 2 x 3: the 3x3 supercell of a = 2 A coincides with the 2x2 of a = 3 A, zero strain, no rotation."""
    matches = match_lattices(hexagonal(2.0), hexagonal(3.0), max_strain=0.005, max_area=100)
    m = matches[0]
    assert isinstance(m, LatticeMatch)
    assert round(np.linalg.det(m.matrix_a)) == 9 and round(np.linalg.det(m.matrix_b)) == 4
    assert m.atoms == (9, 4) and m.max_strain == pytest.approx(0, abs=1e-12)
    assert m.rotation_deg % 60 == pytest.approx(0, abs=1e-9) or m.rotation_deg % 60 == pytest.approx(60)
    assert m.area_angstrom2 == pytest.approx(9 * 4 * np.sqrt(3) / 2)  # 9 cells of area a^2 sqrt(3)/2, a = 2
    assert np.allclose(m.matrix_a @ hexagonal(2.0), m.common_cell_angstrom)
    with pytest.raises(ValueError):
        m.strain_a[0, 0] = 1.0  # frozen result


def three_on_two(strain_on):
    """The 3x3-on-2x2 match of a = 2 and a = 3.03 (the smaller sqrt7-on-sqrt3 one, 0.8 %, is also listed)."""
    matches = match_lattices(hexagonal(2.0), hexagonal(3.03), max_strain=0.012, max_area=40, strain_on=strain_on)
    assert matches[0].atoms == (7, 3)  # sqrt(7) * 2 = 5.29 vs sqrt(3) * 3.03 = 5.25: fewer atoms, listed first
    (m,) = [m for m in matches if m.atoms == (9, 4)]
    return m


def test_strain_sits_on_the_side_asked_for():
    """a = 2 vs 3.03: B's 2x2 (6.06 A) squeezed to A's 3x3 (6 A): strain of B = 6/6.06 - 1 (isotropic)."""
    m = three_on_two("b")
    expected = 6.0 / 6.06 - 1
    assert np.allclose(m.strain_b, expected * np.eye(2), atol=1e-12)
    assert np.allclose(m.strain_a, 0.0)
    assert m.max_strain_b == pytest.approx(abs(expected))
    assert np.allclose(np.linalg.norm(m.common_cell_angstrom, axis=1), 6.0)  # A is the substrate
    # strain_on="a": A stretched to B (6.06/6 - 1); "both": the mean cell, each side about half
    ma = three_on_two("a")
    assert np.allclose(ma.strain_a, (6.06 / 6.0 - 1) * np.eye(2)) and np.allclose(ma.strain_b, 0.0)
    mb = three_on_two("both")
    assert np.allclose(np.linalg.norm(mb.common_cell_angstrom, axis=1), 6.03)
    assert mb.max_strain_b == pytest.approx(abs(6.03 / 6.06 - 1)) and mb.max_strain_a == pytest.approx(6.03 / 6 - 1)


def test_square_root2_r45():
    """Square a = 1 vs sqrt(2): the sqrt2 x sqrt2 R45 cell of A (2 cells) is B's 1x1 turned by 45 degrees."""
    m = match_lattices(np.eye(2), np.sqrt(2) * np.eye(2), max_strain=0.01, max_area=10)[0]
    assert m.atoms == (2, 1) and m.max_strain == pytest.approx(0, abs=1e-12)
    assert abs(m.rotation_deg) == pytest.approx(45)
    assert np.allclose(np.abs(m.common_cell_angstrom), 1.0)  # rows (1, 1) and (-1, 1) up to sign


def test_no_match_within_the_bound_is_empty():
    """1 vs 1.37 (square): the nearest area ratios n/m * 1.37^2 within area 10 are all >= 0.5 % off."""
    assert match_lattices(np.eye(2), 1.37 * np.eye(2), max_strain=0.005, max_area=10) == ()


def test_reduced_basis_is_gauss_reduced_and_unimodular():
    """Reduction of ((1, 0), (7, 1)) gives ((1, 0), (0, 1)) with an integer matrix of det 1 (Lagrange-Gauss)."""
    cell = np.array([[1.0, 0.0], [7.0, 1.0]])
    u, t = reduce_basis(cell)
    assert np.allclose(u, np.eye(2)) and round(np.linalg.det(t)) == 1
    assert np.allclose(t @ cell, u)


def test_bounded_search_is_fast_and_bounded():
    """GaN-like 3.19 A on SiC-like 3.08 A hexagonal with 40 atoms per cell, at most 2000 atoms: < 1 s."""
    t0 = time.perf_counter()
    matches = match_lattices(hexagonal(3.19), hexagonal(3.08), max_strain=0.02, max_atoms=2000, atoms_per_cell=(40, 40))
    assert time.perf_counter() - t0 < 1.0
    assert matches and all(m.n_atoms <= 2000 and m.max_strain <= 0.02 for m in matches)
    assert [m.n_atoms for m in matches] == sorted(m.n_atoms for m in matches)
    m = matches[0]
    assert m.atoms == (40, 40)  # 1x1: each side half of the mismatch, about 1.7 %
    assert m.max_strain_b == pytest.approx(3.135 / 3.08 - 1)


def test_bad_input_is_refused():
    with pytest.raises(InputError, match="strain_on"):
        match_lattices(np.eye(2), np.eye(2), strain_on="c")
    with pytest.raises(InputError, match="parallel"):
        match_lattices([[1, 0], [2, 0]], np.eye(2))
    with pytest.raises(InputError, match="xy plane"):
        match_lattices([[1, 0, 0], [0, 1, 1]], np.eye(2))
