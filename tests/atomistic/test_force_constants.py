"""Named potentials and harmonic force constants: invariances, parity of routes, cache."""

from __future__ import annotations

import sys

import numpy as np
import pytest

pytest.importorskip("ase")  # the [phonons] extra: ase builds the crystals of every test here

from ase.build import bulk

from kapitza.atomistic import lammps as lammps_loader
from kapitza.atomistic.force_constants import EV_PER_A2, force_constants
from kapitza.atomistic.potentials import get_potential
from kapitza.errors import InputError, MissingDependencyError


def si_cell(repeat=2, a=5.431):
    return bulk("Si", "diamond", a=a, cubic=True).repeat(repeat)


@pytest.mark.parametrize(
    "name,atoms",
    [
        ("sw", si_cell()),
        ("tersoff", si_cell()),
        ("emt", bulk("Cu", "fcc", a=3.6, cubic=True).repeat(2)),
    ],
)
def test_force_constants_are_symmetric_and_obey_the_acoustic_sum_rule(name, atoms):
    """sum_j Phi_ij = 0 (a rigid translation costs nothing) and Phi = Phi^T.

    Analytic: Phi_ij = d^2 E/du_i du_j is symmetric, and translation invariance gives the acoustic sum rule.
    """
    fc = force_constants(atoms, get_potential(name, atoms.get_chemical_symbols()))
    n = len(atoms)
    scale = np.abs(fc.matrix).max()
    assert np.abs(fc.matrix - fc.matrix.T).max() < 1e-12 * scale
    assert np.abs(fc.matrix.reshape(n, 3, n, 3).sum(axis=2)).max() < 1e-6 * scale


@pytest.mark.parity
def test_analytic_hessian_equals_finite_differences():
    """The finite-difference Hessian is an independent computation of the same matrix (central differences, O(h^2)
    error at h = 1e-3 A).
    """
    atoms = si_cell()
    pot = get_potential("sw", ["Si"])
    analytic = force_constants(atoms, pot, method="analytic", cache=False).matrix
    numeric = force_constants(atoms, pot, method="finite-difference", displacement_angstrom=1e-3, cache=False).matrix
    assert np.abs(analytic - numeric).max() < 1e-5 * np.abs(analytic).max()


def test_units_are_newton_per_metre():
    """Analytic: 1 eV/A^2 = 1.602176634e-19 J/1e-20 m^2 = 16.02176634 N/m (CODATA 2018 elementary charge); the atomic
    mass unit 1.66053906660e-27 kg is CODATA 2018.
    """
    assert EV_PER_A2 == pytest.approx(16.0217663, rel=1e-8)
    fc = force_constants(si_cell(), get_potential("sw", ["Si"]))
    assert 10 < np.abs(fc.matrix).max() < 1000  # bond stiffness of Si is ~ 100 N/m
    assert fc.masses[0] == pytest.approx(28.085 * 1.66053906660e-27, rel=1e-3)


def test_ding_andersen_germanium_sits_at_its_lattice_constant():
    """SW equilibrium: r0 = 2^(1/6) sigma, a = 4 r0/sqrt(3) = 5.654 A for sigma = 2.181 A (Ge: 5.658 A, exp.);
    cohesive energy 2 epsilon = 3.86 eV/atom (Ding & Andersen, PRB 34, 6987 (1986))."""
    pot = get_potential("sw", ["Ge"])
    a_grid = np.linspace(5.60, 5.71, 23)
    energies = []
    for a in a_grid:
        atoms = bulk("Ge", "diamond", a=a, cubic=True)
        atoms.calc = pot.calculator()
        energies.append(atoms.get_potential_energy() / len(atoms))
    a_min = a_grid[int(np.argmin(energies))]
    assert a_min == pytest.approx(4 * 2 ** (1 / 6) * 2.181 / np.sqrt(3), abs=0.006)
    assert min(energies) == pytest.approx(-2 * 1.93, rel=1e-3)


@pytest.mark.parity
def test_lammps_tersoff_equals_matscipy_tersoff_for_silicon():
    """Two implementations of Tersoff (1989) Si: LAMMPS SiCGe.tersoff and matscipy agree."""
    pytest.importorskip("lammps")
    atoms = si_cell(1)
    e = []
    for name in ("tersoff", "tersoff-lammps"):
        a = atoms.copy()
        a.calc = get_potential(name, ["Si"]).calculator()
        e.append(a.get_potential_energy() / len(a))
    assert e[0] == pytest.approx(e[1], abs=1e-5)
    fc_m = force_constants(atoms.repeat(2), get_potential("tersoff", ["Si"])).matrix
    fc_l = force_constants(atoms.repeat(2), get_potential("tersoff-lammps", ["Si"]), displacement_angstrom=1e-3).matrix
    assert np.abs(fc_m - fc_l).max() < 2e-3 * np.abs(fc_m).max()


def test_cache_returns_the_stored_matrix_and_keys_on_inputs(isolated_cache, monkeypatch):
    atoms = si_cell(1)
    pot = get_potential("sw", ["Si"])
    first = force_constants(atoms, pot, method="finite-difference", displacement_angstrom=0.02)
    calls = []
    import kapitza.atomistic.force_constants as fc_module

    original = fc_module.finite_difference_hessian
    monkeypatch.setattr(fc_module, "finite_difference_hessian", lambda *a: calls.append(1) or original(*a))
    again = force_constants(atoms, pot, method="finite-difference", displacement_angstrom=0.02)
    assert calls == [] and np.array_equal(first.matrix, again.matrix)
    force_constants(atoms, pot, method="finite-difference", displacement_angstrom=0.03)
    assert calls == [1]


@pytest.mark.parametrize(
    "name,species,match",
    [("morse", ["Si"], "unknown potential"), ("sw", ["Si", "Ge"], "Si-Ge"), ("emt", ["Si"], "EMT")],
)
def test_bad_potential_requests(name, species, match):
    with pytest.raises(InputError, match=match):
        get_potential(name, species)


def test_species_outside_the_potential_are_refused():
    atoms = bulk("Ge", "diamond", a=5.658, cubic=True)
    with pytest.raises(InputError, match="Ge"):
        force_constants(atoms, get_potential("sw", ["Si"]))


def test_missing_lammps_names_the_extra(monkeypatch):
    lammps_loader.lammps_module.cache_clear()
    monkeypatch.setitem(sys.modules, "lammps", None)
    try:
        with pytest.raises(MissingDependencyError, match=r"kapitza\[md\]"):
            lammps_loader.lammps_module()
    finally:
        lammps_loader.lammps_module.cache_clear()


def test_atomistic_modules_by_concept():
    """potentials (registry), hessian (the one finite-difference Hessian), force_constants (SI force
    constants and the one eV/A^2 -> N/m factor): each name lives in exactly one module."""
    import kapitza.atomistic.force_constants as fc
    import kapitza.atomistic.hessian as hessian
    import kapitza.atomistic.potentials as potentials
    from kapitza.transmission.agf import forceconstants as agf_fc

    assert hasattr(potentials, "get_potential") and not hasattr(potentials, "force_constants")
    assert not hasattr(potentials, "EV_PER_A2") and not hasattr(potentials, "finite_difference_rows")
    assert agf_fc.finite_difference_rows is hessian.finite_difference_rows
    assert agf_fc.EV_PER_A2 is fc.EV_PER_A2
