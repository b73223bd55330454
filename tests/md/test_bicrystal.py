"""The LJ fcc bicrystal builder: geometry, lattice constant, intermixing, data file, bad input."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import brentq

from kapitza.atomistic.bicrystal import LJ_FCC_LATTICE_CONSTANT, build_lj_bicrystal
from kapitza.errors import InputError


def _fcc_distances(shells: int = 4) -> np.ndarray:
    basis = np.array([[0, 0, 0], [0.5, 0.5, 0], [0.5, 0, 0.5], [0, 0.5, 0.5]])
    r = np.arange(-shells, shells + 1)
    cells = np.stack(np.meshgrid(r, r, r, indexing="ij"), axis=-1).reshape(-1, 3)
    points = (cells[:, None, :] + basis[None]).reshape(-1, 3)
    d = np.linalg.norm(points, axis=1)
    return d[d > 0]


def test_lattice_constant_is_the_zero_virial_root_for_cutoff_2_5():
    """a = 1.5496 sigma: root of sum r U'(r) over the fcc lattice within 2.5 sigma (the module's derivation);
    the untruncated sum gives 1.5424 sigma (nearest neighbours 1.0906 sigma, Kittel's 1.09 sigma)."""
    d = _fcc_distances()

    def virial(a: float, cutoff: float) -> float:
        r = d * a
        r = r[r < cutoff]
        return float(np.sum(-48 * r**-12 + 24 * r**-6))

    assert brentq(lambda a: virial(a, 2.5), 1.45, 1.7) == pytest.approx(LJ_FCC_LATTICE_CONSTANT, abs=1e-4)
    assert brentq(lambda a: virial(a, 6.0), 1.45, 1.7) == pytest.approx(1.5424, abs=1e-4)


def test_geometry_types_and_neighbours():
    s = build_lj_bicrystal(2, 3, 4, 5, 1.0, 3.0)
    a = LJ_FCC_LATTICE_CONSTANT
    assert s.n_atoms == 4 * 2 * 3 * 9
    np.testing.assert_allclose(s.box, [2 * a, 3 * a, 9 * a])
    assert np.all((s.positions >= 0) & (s.positions < s.box))
    assert np.all(s.types[s.positions[:, 2] < 4 * a] == 1)
    assert np.all(s.types[s.positions[:, 2] > 4 * a] == 2)
    np.testing.assert_allclose(s.interfaces_z, [0, 4 * a])
    # minimum-image nearest-neighbour distance a/sqrt(2), 12 neighbours each (fcc)
    diff = s.positions[:, None, :] - s.positions[None, :, :]
    diff -= s.box * np.round(diff / s.box)
    dist = np.linalg.norm(diff, axis=-1)
    np.fill_diagonal(dist, np.inf)
    assert dist.min() == pytest.approx(a / np.sqrt(2))
    assert np.all(np.sum(np.isclose(dist, a / np.sqrt(2)), axis=1) == 12)
    assert s.seed is None
    with pytest.raises(ValueError):
        s.positions[0, 0] = 1.0  # frozen result


def test_intermixing_is_seeded_recorded_and_local():
    one = build_lj_bicrystal(4, 4, 6, 6, 1.0, 2.0, mixing_layers=2, seed=7)
    two = build_lj_bicrystal(4, 4, 6, 6, 1.0, 2.0, mixing_layers=2, seed=7)
    np.testing.assert_array_equal(one.types, two.types)
    drawn = build_lj_bicrystal(4, 4, 6, 6, 1.0, 2.0, mixing_layers=2)
    assert drawn.seed is not None
    again = build_lj_bicrystal(4, 4, 6, 6, 1.0, 2.0, mixing_layers=2, seed=drawn.seed)
    np.testing.assert_array_equal(drawn.types, again.types)
    a = LJ_FCC_LATTICE_CONSTANT
    z = one.positions[:, 2]
    sharp = build_lj_bicrystal(4, 4, 6, 6, 1.0, 2.0)
    changed = one.types != sharp.types
    assert changed.any()
    # only the 2 planes (one cell) on each side of the interfaces at z = 0 and z = 6a change
    near = (np.abs(z - 6 * a) < a) | (z < a) | (z > 11 * a)
    assert not changed[~near].any()
    # the A-side planes next to the interface at 6a are mostly A, the B-side mostly B (linear profile)
    assert np.mean(one.types[(z > 5 * a) & (z < 5.5 * a)] == 2) < 0.5
    assert np.mean(one.types[(z > 6.5 * a) & (z < 7 * a)] == 2) > 0.5


def test_data_file(tmp_path):
    s = build_lj_bicrystal(2, 2, 2, 2, 1.0, 4.0)
    path = s.write_lammps_data(tmp_path / "x.data")
    text = path.read_text()
    assert f"{s.n_atoms} atoms" in text and "2 atom types" in text
    assert "\n1 1\n2 4\n" in text
    rows = text.split("Atoms # atomic\n\n")[1].strip().splitlines()
    data = np.array([r.split() for r in rows], dtype=float)
    np.testing.assert_allclose(data[:, 2:], s.positions, atol=1e-9)
    np.testing.assert_array_equal(data[:, 1], s.types)


@pytest.mark.parametrize(
    ("kwargs", "word"),
    [
        ({"n_x": 0}, "n_x="),
        ({"cells_b": 1.5}, "cells_b="),
        ({"mass_b": -1.0}, "mass_b="),
        ({"mass_a": float("nan")}, "mass_a="),
        ({"mixing_layers": 3}, "mixing_layers=3"),
        ({"seed": -2, "mixing_layers": 1}, "seed="),
        ({"max_atoms": 10}, "max_atoms="),
    ],
)
def test_bad_input(kwargs, word):
    args = {"n_x": 2, "n_y": 2, "cells_a": 2, "cells_b": 2, "mass_a": 1.0, "mass_b": 2.0}
    args.update(kwargs)
    with pytest.raises(InputError, match=word):
        build_lj_bicrystal(**args)


def test_the_built_in_is_the_user_route_and_the_textbook_fcc_lattice():
    """The LJ bicrystal's atoms are those of stack_crystals (the builder of a user's interface) on ASE's cubic fcc
    cell, and equal the fcc lattice written out by hand: basis (0,0,0), (1/2,1/2,0), (1/2,0,1/2), (0,1/2,1/2)
    (Kittel, Introduction to Solid State Physics, ch. 1), shifted by a/4, ordered by z, y, x."""
    from ase.build import bulk

    from kapitza.atomistic.stacking import stack_crystals
    from kapitza.atomistic.structures import repeat_lateral

    a = LJ_FCC_LATTICE_CONSTANT
    s = build_lj_bicrystal(3, 2, 4, 5, 1.0, 2.0)
    basis = np.array([[0, 0, 0], [0.5, 0.5, 0], [0.5, 0, 0.5], [0, 0.5, 0.5]]) + 0.25
    grid = np.stack(np.meshgrid(np.arange(3), np.arange(2), np.arange(9), indexing="ij"), axis=-1).reshape(-1, 3)
    frac = (grid[:, None, :] + basis[None]).reshape(-1, 3)
    frac = frac[np.lexsort((frac[:, 0], frac[:, 1], frac[:, 2]))]
    np.testing.assert_allclose(s.positions, frac * a, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(s.types, np.where(frac[:, 2] < 4, 1, 2))
    user = repeat_lateral(
        stack_crystals(bulk("Ar", "fcc", a=a, cubic=True), bulk("Ar", "fcc", a=a, cubic=True), cells=(4, 5)), (3, 2)
    )
    np.testing.assert_allclose(np.diag(user.atoms.cell), s.box, rtol=0, atol=1e-12)
    assert sorted(np.bincount(user.side)) == sorted(np.bincount(s.types)[1:])
