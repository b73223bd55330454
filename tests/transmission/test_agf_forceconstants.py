"""Force constants by lateral translation: the in-plane Fourier transform sees every image, once."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("ase")  # the [agf] extra: ase builds the slabs, matscipy gives the SW potential
pytest.importorskip("matscipy")

from ase.build import bulk

from kapitza.atomistic.force_constants import force_constants
from kapitza.atomistic.potentials import get_potential
from kapitza.errors import InputError
from kapitza.transmission.agf import lateral_force_constants, lateral_force_constants_from_phonopy
from kapitza.transmission.agf.forceconstants import hessian_range, required_repeat

SW = get_potential("sw", ["Si"])


@pytest.fixture(scope="module")
def slab():
    """Three cubic cells of Si along z with 12 A of vacuum: a finite slab, periodic in-plane."""
    atoms = bulk("Si", "diamond", a=5.431, cubic=True).repeat((1, 1, 3))
    atoms.cell[2, 2] += 12.0
    return atoms


@pytest.fixture(scope="module")
def lateral(slab):
    return lateral_force_constants(slab, SW)


@pytest.mark.parity
def test_k_zero_sum_equals_the_folded_hessian_of_the_cell(slab, lateral):
    """sum_n Phi(i0, jn) is the Hessian of the periodic cell with images folded in, which
    kapitza.atomistic.potentials.force_constants computes directly (matscipy, analytic): equal to round-off."""
    folded = force_constants(slab, SW, cache=False).matrix
    assert np.abs(lateral.folded() - folded).max() < 1e-9 * np.abs(folded).max()


def test_diagonal_images_are_kept_and_matter(slab, lateral):
    """Second neighbours across a corner of the 5.43 A cell couple through (+-1, +-1) translations;
    dropping them (as nearest-lateral-image codes do) breaks the k = 0 sum by far more than round-off.

    Derivation: the SW cutoff is a sigma = 1.80 x 2.0951 A (Stillinger & Weber, Phys. Rev. B 31, 5262 (1985)) and a
    three-body term couples atoms up to twice that apart.
    """
    diagonal = (lateral.translations[:, 0] != 0) & (lateral.translations[:, 1] != 0)
    assert diagonal.any()
    assert hessian_range(SW) == pytest.approx(2 * 1.80 * 2.0951)
    assert lateral.repeat == required_repeat(np.asarray(slab.cell)[:2], hessian_range(SW)) == (3, 3)
    folded = force_constants(slab, SW, cache=False).matrix
    n = len(slab)
    partial = np.zeros((n, 3, n, 3))
    keep = ~diagonal
    np.add.at(partial, (lateral.i[keep], slice(None), lateral.j[keep], slice(None)), lateral.blocks[keep])
    assert np.abs(partial.reshape(3 * n, 3 * n) - folded).max() > 1e-3 * np.abs(folded).max()


def test_a_too_small_supercell_is_detected(slab):
    """A 2x2 supercell (10.9 A) cannot hold two images 2 x 7.54 A apart: refused before any work.

    Analytic: 7.54 A = 2 x 1.80 x 2.0951 A, the SW Hessian range (Stillinger & Weber, Phys. Rev. B 31, 5262 (1985)); 2
    x 5.431 A = 10.9 A.
    """
    with pytest.raises(InputError, match="too small"):
        lateral_force_constants(slab, SW, repeat=(2, 2))


def test_an_understated_force_range_is_detected(slab):
    """Claiming a 3.0 A range: the second neighbours at 3.84 A have nonzero constants, so it is wrong.

    Analytic: second neighbours in diamond Si are a/sqrt(2) = 5.431/sqrt(2) = 3.84 A apart.
    """
    with pytest.raises(InputError, match="beyond the stated force range"):
        lateral_force_constants(slab, SW, force_range=3.0, cache=False)


@pytest.mark.parity
def test_phonopy_route_equals_the_analytic_route(slab, lateral):
    """Finite-difference force constants from phonopy (0.01 A steps) on the same 3x3 supercell give the
    same blocks as matscipy's analytic Hessian, to the O(h^2) finite-difference error (~1e-4 relative)."""
    from phonopy import Phonopy
    from phonopy.structure.atoms import PhonopyAtoms

    unit = PhonopyAtoms(symbols=slab.get_chemical_symbols(), cell=np.asarray(slab.cell), positions=slab.positions)
    phonon = Phonopy(unit, supercell_matrix=np.diag([3, 3, 1]), primitive_matrix="P")
    phonon.generate_displacements(distance=0.01, is_plusminus=True)
    from ase import Atoms

    calc = SW.calculator()
    forces = []
    for cell in phonon.supercells_with_displacements:
        a = Atoms(symbols=cell.symbols, cell=cell.cell, positions=cell.positions, pbc=True)
        a.calc = calc
        forces.append(a.get_forces())
    phonon.forces = np.array(forces)
    phonon.produce_force_constants()
    from_phonopy = lateral_force_constants_from_phonopy(phonon, hessian_range(SW))
    assert from_phonopy.repeat == (3, 3)
    scale = np.abs(lateral.blocks).max()
    assert np.abs(from_phonopy.folded() - lateral.folded()).max() < 1e-3 * scale
    key = {
        (int(i), int(j), int(a), int(b)): blk
        for i, j, (a, b), blk in zip(lateral.i, lateral.j, lateral.translations, lateral.blocks)
    }
    worst = 0.0
    for i, j, (a, b), blk in zip(from_phonopy.i, from_phonopy.j, from_phonopy.translations, from_phonopy.blocks):
        ref = key.get((int(i), int(j), int(a), int(b)), np.zeros((3, 3)))
        worst = max(worst, float(np.abs(blk - ref).max()))
    assert worst < 1e-3 * scale


def test_a_signed_entry_of_atoms_outside_the_supercell_is_recomputed(slab, lateral, tmp_path, monkeypatch):
    """Issue 51: rows read back from the cache are checked (finite 3x3 blocks of this supercell's atoms) before
    use; an entry that fails, even one signed with the user's own key, is recomputed with one note where it ended
    in 'cached force constants do not match the supercell; clear the cache'."""
    import io
    import warnings

    from kapitza.errors import CacheNote
    from kapitza.io import cache as cache_mod

    monkeypatch.setenv("KAPITZA_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(cache_mod, "_told", set())
    first = lateral_force_constants(slab, SW)
    (path,) = (tmp_path / "cache").glob("agf-lateral-fc-*.entry")
    with np.load(io.BytesIO(path.read_bytes()[cache_mod.HEADER_BYTES :]), allow_pickle=False) as data:
        arrays = {name: data[name] for name in data.files}
    arrays["column"] = arrays["column"] + 10**6
    payload = cache_mod._payload(arrays)
    secret = cache_mod.key_file().read_bytes()
    path.write_bytes(cache_mod.MAGIC + len(payload).to_bytes(8, "little") + cache_mod._tag(secret, payload) + payload)
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        again = lateral_force_constants(slab, SW)
    notes = [str(w.message) for w in record if issubclass(w.category, CacheNote)]
    assert len(notes) == 1 and "blocks of atoms outside the supercell" in notes[0]
    np.testing.assert_array_equal(again.blocks, first.blocks)
    np.testing.assert_array_equal(again.blocks, lateral.blocks)
