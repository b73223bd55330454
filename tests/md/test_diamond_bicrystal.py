"""The Si/Ge diamond bicrystal along [001] (kapitza.atomistic.diamond_bicrystal)."""

from __future__ import annotations

import numpy as np
import pytest

from kapitza.atomistic.diamond_bicrystal import (
    MASS_GE_AMU,
    MASS_SI_AMU,
    SI_SW_LATTICE_CONSTANT,
    build_diamond_bicrystal,
)
from kapitza.errors import InputError


def test_counts_types_and_interfaces():
    s = build_diamond_bicrystal(2, 3, 4, 5)
    a = SI_SW_LATTICE_CONSTANT
    assert s.n_atoms == 8 * 2 * 3 * 9
    np.testing.assert_allclose(s.box, [2 * a, 3 * a, 9 * a])
    np.testing.assert_allclose(s.interfaces_z, [0.0, 4 * a])
    assert s.area == pytest.approx(6 * a * a)
    z = s.positions[:, 2]
    np.testing.assert_array_equal(s.types, np.where(z < 4 * a, 1, 2))
    assert (s.types == 1).sum() == 8 * 6 * 4
    np.testing.assert_allclose(s.masses, [MASS_SI_AMU, MASS_GE_AMU])
    # four (001) planes per cell, a/4 apart, none on a cell face (the interfaces lie between planes)
    planes = np.unique(np.round(z / a, 6))
    np.testing.assert_allclose(planes, 0.125 + 0.25 * np.arange(36), atol=1e-9)


def test_every_atom_has_four_neighbours_at_the_diamond_bond_length():
    """Diamond: 4 nearest neighbours at a*sqrt(3)/4, the next shell at a/sqrt(2) (Kittel, ch. 1)."""
    s = build_diamond_bicrystal(2, 2, 1, 1, lattice_constant_angstrom=5.0)
    d = s.positions[:, None, :] - s.positions[None, :, :]
    d -= s.box * np.round(d / s.box)
    r = np.linalg.norm(d, axis=-1)
    bond = 5.0 * np.sqrt(3) / 4
    assert np.all(np.sum(np.isclose(r, bond), axis=1) == 4)
    r[r == 0] = np.inf
    np.testing.assert_allclose(r.min(axis=1), bond)


def test_intermixing_is_reproducible_and_local():
    a = build_diamond_bicrystal(2, 2, 4, 4, mixing_layers=2, seed=7)
    b = build_diamond_bicrystal(2, 2, 4, 4, mixing_layers=2, seed=7)
    c = build_diamond_bicrystal(2, 2, 4, 4, mixing_layers=2, seed=8)
    sharp = build_diamond_bicrystal(2, 2, 4, 4)
    assert a.seed == 7 and sharp.seed is None
    np.testing.assert_array_equal(a.types, b.types)
    assert not np.array_equal(a.types, c.types)
    changed = a.types != sharp.types
    assert changed.any()
    # only the 2 planes (a/2) on each side of each interface may change
    z = a.positions[:, 2]
    lz, zi = a.box[2], 4 * a.lattice_constant
    dist = np.minimum(np.abs(z - zi), np.minimum(z, lz - z))
    assert np.all(dist[changed] < a.lattice_constant / 2)
    drawn = build_diamond_bicrystal(1, 1, 2, 2, mixing_layers=1)
    assert isinstance(drawn.seed, int)
    np.testing.assert_array_equal(
        build_diamond_bicrystal(1, 1, 2, 2, mixing_layers=1, seed=drawn.seed).types, drawn.types
    )


@pytest.mark.parametrize(
    "kwargs",
    [
        {"n_x": 0},
        {"cells_a": 1.5},
        {"lattice_constant_angstrom": -1.0},
        {"mass_b_amu": 0.0},
        {"mixing_layers": 5},
        {"seed": -1},
        {"max_atoms": 10},
    ],
)
def test_bad_input_is_one_input_error(kwargs):
    args = {"n_x": 1, "n_y": 1, "cells_a": 2, "cells_b": 2}
    args.update(kwargs)
    with pytest.raises(InputError):
        build_diamond_bicrystal(**args)


def test_lammps_reads_the_data_file_and_sw_gives_the_silicon_cohesive_energy(tmp_path):
    """Stillinger & Weber (PRB 31, 5262 (1985)): diamond Si at a = 5.431 A has E = -2 epsilon = -4.3366 eV/atom."""
    from kapitza.atomistic.lammps import lammps_module, potential_file

    s = build_diamond_bicrystal(2, 2, 2, 2)
    path = s.write_lammps_data(tmp_path / "si_ge.data")
    lmp = lammps_module().lammps(cmdargs=["-screen", "none", "-log", "none", "-nocite"])
    try:
        lmp.commands_string(
            f"units metal\natom_style atomic\nboundary p p p\nread_data {path}\n"
            f"pair_style sw\npair_coeff * * {potential_file('Si.sw')} Si Si\nrun 0\n"
        )
        assert lmp.get_natoms() == s.n_atoms
        assert lmp.get_thermo("pe") / s.n_atoms == pytest.approx(-4.3366, abs=1e-4)
        assert lmp.get_thermo("press") == pytest.approx(0.0, abs=50.0)  # bar: a = 5.431 is the minimum
        assert lmp.get_thermo("lz") == pytest.approx(4 * SI_SW_LATTICE_CONSTANT)
    finally:
        lmp.close()


def test_the_built_in_is_the_user_route_and_the_textbook_diamond_lattice():
    """The Si|Ge bicrystal's atoms equal the diamond lattice written out by hand (fcc basis plus the same shifted
    by (1/4, 1/4, 1/4); Kittel, ch. 1), shifted by a/8 and ordered by z, y, x, and its cell is that of
    stack_crystals (the builder of a user's interface) on ASE's cubic diamond cell."""
    from ase.build import bulk

    from kapitza.atomistic.stacking import stack_crystals
    from kapitza.atomistic.structures import repeat_lateral

    a = SI_SW_LATTICE_CONSTANT
    s = build_diamond_bicrystal(2, 3, 3, 2)
    fcc = np.array([[0, 0, 0], [0, 0.5, 0.5], [0.5, 0, 0.5], [0.5, 0.5, 0]])
    basis = np.vstack([fcc, fcc + 0.25]) + 0.125
    grid = np.stack(np.meshgrid(np.arange(2), np.arange(3), np.arange(5), indexing="ij"), axis=-1).reshape(-1, 3)
    frac = (grid[:, None, :] + basis[None]).reshape(-1, 3)
    frac = frac[np.lexsort((frac[:, 0], frac[:, 1], frac[:, 2]))]
    np.testing.assert_allclose(s.positions, frac * a, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(s.types, np.where(frac[:, 2] < 3, 1, 2))
    si = bulk("Si", "diamond", a=a, cubic=True)
    user = repeat_lateral(stack_crystals(si, si, cells=(3, 2)), (2, 3))
    np.testing.assert_allclose(np.diag(user.atoms.cell), s.box, rtol=0, atol=1e-12)
