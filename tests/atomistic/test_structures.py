"""The interface builder: geometry, masses, intermixing and its recorded seed."""

from __future__ import annotations

import numpy as np
import pytest

from kapitza.atomistic.structures import build_interface
from kapitza.errors import InputError
from kapitza.units import ANGSTROM


def planes(atoms):
    return np.unique(np.round(atoms.positions[:, 2], 6))


def test_coherent_si_ge_stack_geometry():
    """[001] diamond: 8 atoms and 4 planes per cubic cell; planes a/4 apart in each crystal, the mean
    gap at the interface; a common in-plane lattice constant (mean of the two).

    Analytic geometry of the diamond structure: 8 atoms and 4 (001) planes a/4 apart per cubic cell.
    """
    s = build_interface("Si", "Ge", "001", lattice_constants_angstrom=(5.431, 5.658), cells=(2, 3))
    assert len(s.atoms) == 8 * 5
    z = planes(s.atoms)
    gaps = np.diff(z)
    assert np.allclose(gaps[:7], 5.431 / 4) and np.allclose(gaps[-11:], 5.658 / 4)
    assert gaps[7] == pytest.approx((5.431 + 5.658) / 8)
    assert s.atoms.cell[0, 0] == pytest.approx((5.431 + 5.658) / 2)
    assert s.periods == pytest.approx((5.431 * ANGSTROM, 5.658 * ANGSTROM))
    assert set(s.atoms.get_chemical_symbols()) == {"Si", "Ge"}
    assert np.array_equal(np.bincount(s.cell_index), [8] * 5)


def test_mass_mismatch_model_changes_only_masses():
    """Analytic count: 2 cubic cells of 8 atoms on the Ge side give 16 atoms labelled Ge."""
    s = build_interface(
        "Si",
        "Ge",
        "001",
        lattice_constants_angstrom=(5.431, 5.658),
        cells=(2, 2),
        mass_only=True,
        masses_amu=(28.0855, 72.63),
    )
    assert set(s.atoms.get_chemical_symbols()) == {"Si"}
    assert np.allclose(np.diff(planes(s.atoms)), 5.431 / 4)
    masses = s.atoms.get_masses()
    assert np.allclose(masses[s.side == 0], 28.0855) and np.allclose(masses[s.side == 1], 72.63)
    assert s.species.count("Ge") == 16


def test_intermixing_is_reproducible_from_the_recorded_seed():
    """Analytic: two (001) planes are 2 a/4 deep."""
    kw = dict(lattice_constants_angstrom=(5.431, 5.431), cells=(3, 3), lateral=(3, 3), mass_only=True, mixing_layers=2)
    a = build_interface("Si", "Ge", "001", **kw)
    b = build_interface("Si", "Ge", "001", seed=a.description["seed"], **kw)
    assert np.array_equal(a.atoms.get_masses(), b.atoms.get_masses())
    z = a.atoms.positions[:, 2]
    swapped = (a.side == 0) != (np.array(a.species) == "Si")
    assert swapped.any()
    interface_z = z[a.side == 1].min()
    assert np.abs(z[swapped] - interface_z).max() < 2 * 5.431 / 4 + 1e-6  # only the 2+2 planes around it


@pytest.mark.parametrize("normal,atoms_per_cell", [("110", 4), ("111", 12)])
def test_other_normals(normal, atoms_per_cell):
    s = build_interface("Si", "Si", normal, lattice_constants_angstrom=(5.431, 5.431), cells=(1, 1))
    assert len(s.atoms) == 2 * atoms_per_cell
    assert abs(np.asarray(s.atoms.cell)[:2, 2]).max() == 0


def test_bad_inputs_are_named():
    with pytest.raises(InputError, match="normal"):
        build_interface("Si", "Ge", "123", lattice_constants_angstrom=(5.4, 5.6))
    with pytest.raises(InputError, match="cells"):
        build_interface("Si", "Ge", lattice_constants_angstrom=(5.4, 5.6), cells=(0, 2))
    with pytest.raises(InputError, match="lattice constant"):
        build_interface("Si", "Ge", lattice_constants_angstrom=(-1.0, 5.6))
    with pytest.raises(InputError, match="Xx"):
        build_interface("Xx", "Ge", lattice_constants_angstrom=(5.4, 5.6))


def test_non_si_arguments_carry_their_unit_in_the_name():
    """lattice constants in A, masses in amu and finite-difference steps in A say so in the keyword."""
    import inspect

    from kapitza.atomistic.force_constants import force_constants
    from kapitza.transmission.agf.forceconstants import lateral_force_constants
    from kapitza.transmission.agf.partition import interface_model

    params = inspect.signature(build_interface).parameters
    assert "lattice_constants_angstrom" in params and "masses_amu" in params
    assert "lattice_constants" not in params and "masses" not in params
    for func in (force_constants, lateral_force_constants, interface_model):
        params = inspect.signature(func).parameters
        assert "displacement_angstrom" in params and "displacement" not in params, func.__name__
    with pytest.raises(TypeError):
        build_interface("Si", "Si", lattice_constants=(5.431, 5.431))
    with pytest.raises(InputError, match=r"lattice_constants_angstrom: .* got -1$"):
        build_interface("Si", "Ge", lattice_constants_angstrom=(-1.0, 5.6))


def test_repeat_lateral_is_the_builders_lateral_repetition():
    # the builder's own lateral=(2, 3) is the reference: the same atoms, sides and cells, in another order
    from kapitza.atomistic.structures import repeat_lateral

    one = build_interface("Si", "Ge", "001", lattice_constants_angstrom=(5.431, 5.658), cells=(2, 2))
    many = repeat_lateral(one, (2, 3))
    ref = build_interface("Si", "Ge", "001", lattice_constants_angstrom=(5.431, 5.658), cells=(2, 2), lateral=(2, 3))
    assert len(many.atoms) == len(ref.atoms) == 6 * len(one.atoms)
    np.testing.assert_allclose(np.asarray(many.atoms.cell), np.asarray(ref.atoms.cell), atol=1e-12)

    def key(s):
        rows = np.column_stack([np.round(s.atoms.positions, 6), s.side, s.cell_index])
        return rows[np.lexsort(rows.T[::-1])]

    np.testing.assert_allclose(key(many), key(ref), atol=1e-6)
    assert many.description["lateral_repeat"] == [2, 3] and many.periods == one.periods
    with pytest.raises(InputError, match="lateral repetitions"):
        repeat_lateral(one, (0, 1))
    with pytest.raises(InputError, match="more than 1000000"):
        repeat_lateral(one, (100000, 100000))
