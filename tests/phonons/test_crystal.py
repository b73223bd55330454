"""Bulk crystals for the full-dispersion route: supported materials, equilibrium lattice constants."""

from __future__ import annotations

import numpy as np
import pytest

from kapitza.errors import InputError
from kapitza.phonons.crystal import crystal_spec, default_potential, supported_materials
from kapitza.units import ANGSTROM


def test_stillinger_weber_silicon_relaxes_to_its_analytic_lattice_constant():
    """SW: the three-body term vanishes at the tetrahedral angle, so E(a) = 2 phi_2(r_nn) per atom.

    phi_2 is smallest at r0 = 2^(1/6) sigma, hence a0 = 4 r0 / sqrt(3) = 5.43095 A for
    sigma = 2.0951 A (Stillinger & Weber, Phys. Rev. B 31, 5262 (1985)); the Brent search
    stops at 1e-7 A, so 1e-5 A is a safe bound.
    """
    spec = crystal_spec("Si", "sw")
    assert spec.lattice_constant / ANGSTROM == pytest.approx(4 * 2 ** (1 / 6) * 2.0951 / np.sqrt(3), abs=1e-5)
    assert spec.reference_lattice_constant == pytest.approx(5.431e-10)


def test_relaxed_crystal_is_stress_free():
    """At the potential's own lattice constant the cubic cell has no stress (EMT Al: |sigma| < 10 kPa).

    Analytic: the stress is dE/d(strain)/V, zero at the energy minimum that defines the relaxed lattice constant.
    """
    from ase.units import GPa

    spec = crystal_spec("Al", "emt")
    atoms = spec.conventional_cell()
    atoms.calc = spec.potential.calculator()
    assert np.abs(atoms.get_stress()).max() / GPa < 1e-5
    # and the measured lattice constant is not stress-free with EMT: the relaxation mattered
    from ase.build import bulk

    measured = bulk("Al", "fcc", a=4.0496, cubic=True)
    measured.calc = spec.potential.calculator()
    assert np.abs(measured.get_stress()).max() / GPa > 1.0


def test_lattice_constant_is_cached(monkeypatch):
    crystal_spec("Ge", "sw")
    import scipy.optimize

    def refuse(*args, **kwargs):
        raise AssertionError("the cached lattice constant should have been used")

    monkeypatch.setattr(scipy.optimize, "minimize_scalar", refuse)
    assert crystal_spec("Ge", "sw").lattice_constant > 0


def test_default_potentials():
    assert default_potential("Si") == "sw"
    assert default_potential("Ge") == "sw"
    assert default_potential("diamond") == "tersoff"
    assert default_potential("Al") == "emt"
    assert default_potential("Pb") == "meam-lammps"
    table = supported_materials()
    assert set(table) == {"Si", "Ge", "C", "Al", "Cu", "Ag", "Au", "Pt", "Pb"}


@pytest.mark.parametrize(
    "material,potential,match",
    [
        ("Ti", None, "phonopy file"),
        ("GaN", None, "no interatomic potential"),
        ("He4", None, "no interatomic potential"),
        ("Si", "emt", "choose one of sw, tersoff, tersoff-lammps"),
        ("Pb", "emt", "meam-lammps"),
    ],
)
def test_unsupported_requests_name_what_is_allowed(material, potential, match):
    with pytest.raises(InputError, match=match):
        crystal_spec(material, potential)
