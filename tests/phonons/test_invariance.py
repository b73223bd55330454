"""The rotational sum rule (kapitza.phonons.invariance): the law it restores and what it must keep.

The force constants are ASE's EMT (a short-ranged, rotationally invariant energy) on wurtzite AlN in a supercell
narrower than EMT's reach, so that the supercell's cut-off breaks the sum rule as CHGNet's reach does in the
default supercell (tests/phonons/test_from_structure_mlip.py runs CHGNet).  EMT's AlN is not a stable crystal; the
law tested does not need one.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from kapitza.phonons.invariance import linear_term, pair_vectors, restore_rotational_sum_rule

pytest.importorskip("phonopy")


def _phonopy_emt(formula: str, structure: str, supercell: tuple[int, int, int], **kw):
    """Phonopy force constants of ``ase.build.bulk(formula, structure, **kw)`` with EMT (central differences)."""
    import phonopy
    from ase import Atoms
    from ase.build import bulk
    from ase.calculators.emt import EMT
    from phonopy.structure import cells
    from phonopy.structure.atoms import PhonopyAtoms

    at = bulk(formula, structure, **kw)
    unit = PhonopyAtoms(symbols=at.get_chemical_symbols(), cell=at.cell[:], scaled_positions=at.get_scaled_positions())
    with warnings.catch_warnings():  # phonopy 4 warns that "auto" found a smaller primitive cell: it is meant to
        warnings.simplefilter("ignore", getattr(cells, "PrimitiveMatrixAutoDefaultWarning", UserWarning))
        ph = phonopy.Phonopy(unit, supercell_matrix=np.diag(supercell), primitive_matrix="auto")
    ph.generate_displacements(distance=1e-3, is_plusminus=True)
    forces = []
    for cell in ph.supercells_with_displacements:
        atoms = Atoms(cell.symbols, cell=cell.cell, scaled_positions=cell.scaled_positions, pbc=True)
        atoms.calc = EMT()
        forces.append(atoms.get_forces())
    ph.forces = np.array(forces)
    ph.produce_force_constants()
    ph.symmetrize_force_constants()
    return ph, np.array(ph.force_constants)


@pytest.fixture(scope="module")
def wurtzite():
    """Wurtzite AlN (a, c of the database's record: 3.112, 4.982 A) with EMT in a 2x2x1 supercell."""
    ph, fc = _phonopy_emt("AlN", "wurtzite", (2, 2, 1), a=3.112, c=4.982)
    return ph, fc, restore_rotational_sum_rule(fc, ph)


def _acoustic_odd_part(ph, fc, q_reduced) -> float:
    """|odd part in q| / |whole| of the dynamical matrix projected on the three rigid translations at ``q``: the
    term linear in q that the sum rule removes (Born and Huang: zero for a rotationally invariant energy)."""
    ph.force_constants = fc
    masses = np.asarray(ph.primitive.masses)
    vec = np.kron(np.sqrt(masses / masses.sum())[:, None], np.eye(3))  # (3 n, 3): the rigid translations
    parts = []
    for q in (q_reduced, -np.asarray(q_reduced)):
        ph.dynamical_matrix.run(q)
        parts.append(vec.T @ ph.dynamical_matrix.dynamical_matrix @ vec)
    return float(np.abs(parts[0] - parts[1]).max() / np.abs(parts[0] + parts[1]).max())


def test_the_cut_off_breaks_the_rule_and_the_restored_constants_obey_it(wurtzite):
    """T (the summed first moment of the force constants) is large in the narrow supercell and zero after; so is
    the term of the acoustic dynamical matrix linear in q, which before dominates it at q = 1e-3 a*."""
    ph, fc, fixed = wurtzite
    assert fixed.corrected and fixed.before > 1.0  # eV/A (3.1 measured)
    assert np.abs(linear_term(fixed.force_constants, ph)).max() == pytest.approx(fixed.after, abs=1e-12)
    assert fixed.after < 1e-9 * fixed.before
    q = [1e-3, 0.0, 0.0]
    assert _acoustic_odd_part(ph, fc, q) > 1.0
    assert _acoustic_odd_part(ph, np.array(fixed.force_constants), q) < 1e-6


def test_the_restored_constants_keep_every_other_symmetry(wurtzite):
    """The acoustic sum rule, the index permutation and the space group (phonopy's own symmetrisation by the
    space group leaves them as they are), to rounding."""
    ph, _, fixed = wurtzite
    fc = np.array(fixed.force_constants)
    scale = np.abs(fc).max()
    assert np.abs(fc.sum(axis=1)).max() < 1e-12 * scale
    assert np.abs(fc - fc.transpose(1, 0, 3, 2)).max() < 1e-12 * scale
    ph.force_constants = fc
    ph.symmetrize_force_constants_by_space_group()
    assert np.abs(np.array(ph.force_constants) - fc).max() < 1e-12 * scale


def test_the_change_sits_on_the_nearest_shell(wurtzite):
    """Pairs beyond the shell carry at most a hundredth of the largest change (only what the acoustic sum rule
    spreads); the stated change is the largest one."""
    ph, fc, fixed = wurtzite
    delta = np.abs(np.array(fixed.force_constants) - fc).max(axis=(2, 3))  # (N, N)
    assert delta.max() / np.abs(fc).max() == pytest.approx(fixed.change, rel=1e-12)
    _, length = pair_vectors(ph)
    rows = np.asarray(ph.primitive.p2s_map)
    far = length > fixed.shell_angstrom * (1 + 1e-9)
    assert delta[rows][far].max() < 1e-2 * delta.max()


def test_a_centrosymmetric_crystal_is_left_alone():
    """fcc Cu (EMT, 2x2x2 cubic): T vanishes by the centre of inversion, so nothing is changed, bit for bit."""
    ph, fc = _phonopy_emt("Cu", "fcc", (2, 2, 2), a=3.6, cubic=True)
    fixed = restore_rotational_sum_rule(fc, ph)
    assert not fixed.corrected and fixed.describe() == ""
    assert np.array_equal(fixed.force_constants, fc)
    with pytest.raises(ValueError):
        fixed.force_constants[0, 0, 0, 0] = 1.0  # a frozen result


def test_a_users_phonopy_file_gets_the_rule_and_says_so(tmp_path, wurtzite):
    """The same broken force constants written by phonopy's own writer (a user's file of a polar crystal): the
    crystal kapitza reads from it obeys the sum rule, and its source line says what was changed."""
    from kapitza.phonons.harmonic import HarmonicCrystal

    ph, fc, _ = wurtzite
    ph.force_constants = fc
    path = tmp_path / "AlN" / "phonopy.yaml"
    path.parent.mkdir()
    ph.save(str(path), settings={"force_constants": True})
    crystal = HarmonicCrystal.from_phonopy_file(path)
    assert "rotational sum rule restored (linear term 3." in crystal.source and "eV/A" in crystal.source
    assert np.abs(linear_term(crystal.phonopy.force_constants, crystal.phonopy)).max() < 1e-9


def test_compact_force_constants_get_the_same_rows(wurtzite):
    """phonopy's compact layout (the primitive cell's rows only, as a FORCE_CONSTANTS file may hold them): the
    corrected rows equal the full layout's."""
    ph, fc, fixed = wurtzite
    rows = np.asarray(ph.primitive.p2s_map)
    compact = restore_rotational_sum_rule(fc[rows], ph)
    assert compact.force_constants.shape == fc[rows].shape
    np.testing.assert_allclose(compact.force_constants, np.asarray(fixed.force_constants)[rows], atol=1e-12)
    assert compact.after < 1e-9 * compact.before


def test_a_one_atom_supercell_and_zero_force_constants_are_left_alone():
    """Degenerate files a user may hand over: a one-atom supercell (no pair at all) and force constants that are
    all zero: returned unchanged, no error."""
    ph, fc = _phonopy_emt("Cu", "fcc", (1, 1, 1), a=3.6)
    assert fc.shape[:2] == (1, 1)
    for given in (fc, np.zeros_like(fc)):
        fixed = restore_rotational_sum_rule(given, ph)
        assert not fixed.corrected and np.array_equal(fixed.force_constants, given)
