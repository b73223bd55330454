"""Harmonic interface modes of periodic bicrystal cells (kapitza.atomistic.interface_modes)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

pytest.importorskip("phonopy")
pytest.importorskip("ase")

from kapitza.atomistic.bicrystal import build_lj_bicrystal  # noqa: E402
from kapitza.atomistic.interface_modes import (  # noqa: E402
    OMEGA_METAL_RAD_PER_PS,
    interface_modes,
    lj_force_constants,
)
from kapitza.errors import InputError  # noqa: E402


def _lj_cell(mass_b=1.0):
    s = build_lj_bicrystal(2, 2, 4, 4, 1.0, mass_b)
    return s, s.lattice_constant


def _modes(structure, a, **kw):
    return interface_modes(structure, "lj/cut", interface_z=4 * a, plane_spacing=a / 2, planes_per_side=4, **kw)


@pytest.fixture(scope="module")
def uniform():
    s, a = _lj_cell()
    return _modes(s, a)


@pytest.fixture(scope="module")
def light_plane():
    """The uniform cell with the masses of plane 0 (just above the interface) set to 1/3."""
    s, a = _lj_cell()
    plane = np.floor((s.positions[:, 2] - 4 * a) / (a / 2)).astype(int)
    types = np.where(plane == 0, 3, s.types)
    cell = SimpleNamespace(
        positions=s.positions, types=types, masses=np.array([1.0, 1.0, 1.0 / 3.0]), box=s.box, epsilons=np.ones(3)
    )
    return _modes(cell, a)


def test_sum_rule_symmetry_and_three_zero_modes(uniform):
    """A translation-invariant potential: sum_j Phi_ij = 0 (to rounding for the analytic LJ Hessian), so the
    periodic cell has exactly three zero modes (the translations) and no unstable one."""
    assert uniform.sum_rule_error < 1e-12 and uniform.symmetry_error < 1e-12
    top = uniform.omega.max()
    assert np.count_nonzero(np.abs(uniform.omega) < 1e-5 * top) == 3
    assert np.all(np.abs(uniform.omega[uniform.acoustic]) < 1e-5 * top)
    assert uniform.omega.min() > -1e-5 * top
    assert uniform.omega.shape == (3 * uniform.n_atoms,)
    assert uniform.plane_weight.shape == (3 * uniform.n_atoms, 8) and uniform.plane_first == -4
    np.testing.assert_array_equal(uniform.plane_atoms, 8)  # 2x2 cells of fcc (001): 8 atoms per plane
    np.testing.assert_allclose(uniform.plane_z, (np.arange(-4, 4) + 0.5) * uniform_spacing(), atol=1e-12)
    with pytest.raises(ValueError):
        uniform.omega[0] = 1.0
    assert "InterfaceModes(" in repr(uniform) and len(repr(uniform)) < 300


def uniform_spacing():
    return build_lj_bicrystal(1, 1, 1, 1).lattice_constant / 2


def test_lj_force_constants_match_finite_differences_of_ase():
    """The analytic LJ Hessian (images included, box 2a = 3.1 sigma thinner than twice the 2.5 sigma cutoff)
    against central differences of ASE's own LennardJones forces (smooth=False: plain truncation)."""
    from ase import Atoms
    from ase.calculators.lj import LennardJones

    from kapitza.atomistic.hessian import finite_difference_hessian

    s = build_lj_bicrystal(2, 2, 1, 1)
    rng = np.random.default_rng(1)
    pos = s.positions + 0.02 * rng.standard_normal(s.positions.shape)  # off equilibrium: the U'/r term counts
    k = lj_force_constants(pos, s.types, s.box, np.array([1.0, 1.0]), 1.0, 2.5)
    atoms = Atoms(numbers=np.ones(len(pos), dtype=int), positions=pos, cell=np.diag(s.box), pbc=True)
    atoms.calc = LennardJones(sigma=1.0, epsilon=1.0, rc=2.5, smooth=False)
    ref = finite_difference_hessian(atoms, 1e-4)
    np.testing.assert_allclose(k, ref, atol=2e-5 * np.abs(ref).max())


def test_uniform_crystal_has_no_interface_modes(uniform):
    """mass_a = mass_b, one epsilon: a perfect crystal; no mode may be called an interface mode, and every
    degenerate set is spread (participation ratio of a Gamma standing wave >= (2/3)^3 ~ 0.3).

    Analytic: a product of three standing waves cos(k x) has a participation ratio of (2/3)^3 = 0.296 (each factor
    <cos^2>^2/<cos^4> = (1/4)/(3/8) = 2/3).
    """
    assert uniform.n_interface == 0
    assert uniform.participation.min() > 0.25


def test_light_plane_carries_localised_modes_above_the_bulk_band(uniform, light_plane):
    """One (001) plane at mass 1/3: local modes above the host's highest frequency (26.9 rad/tau for this
    2x2 cell, whose Gamma holds the X points where the fcc LJ band tops), on that plane, with a small PR.

    Reference: the bulk maximum of the same potential is the uniform cell's own top mode (no external number);
    a lighter mass can only raise the top (Rayleigh quotient), and a state above the band cannot propagate.

    Analytic bound: omega^2 = k_eff/m, so a mass of 1/3 raises a frequency by at most sqrt(3) (Rayleigh quotient).
    """
    top = uniform.omega.max()
    above = light_plane.omega > top * 1.01
    assert np.count_nonzero(above) >= 4
    assert np.all(light_plane.interface[above])
    assert np.all(light_plane.participation[above] < 0.15)
    plane0 = light_plane.plane_weight[:, 4]  # column of plane index 0
    assert np.all(plane0[above] > 0.7)
    # the light atoms cannot vibrate faster than sqrt(3) times the host's top
    assert light_plane.omega.max() < np.sqrt(3) * top


def test_plane_dos_normalised_and_interface_fraction(uniform, light_plane):
    """Rows of plane_dos integrate to 1 on the grid; the interface share is ~1 above the host band (only
    the light plane's modes live there) and 0 everywhere for the uniform crystal.

    Analytic: each row is a sum of normalised broadening kernels, so it integrates to 1.
    """
    grid = np.linspace(0.0, 45.0, 901)
    dos = light_plane.plane_dos(grid, 0.5)
    assert dos.shape == (8, grid.size) and np.all(dos >= 0)
    np.testing.assert_allclose(np.trapezoid(dos, grid, axis=1), 1.0, rtol=1e-12)
    frac = light_plane.interface_fraction(grid, 0.5)
    top = uniform.omega.max()
    assert np.all(frac[(grid > top + 3) & (grid < 40)] > 0.99)
    assert np.all(uniform.interface_fraction(grid, 0.5) == 0)
    # the light plane's DOS reaches above the band, the far planes' does not
    assert dos[4, grid > top + 3].sum() > 100 * dos[0, grid > top + 3].sum()


def test_si_ge_sw_cell_si_side_top_is_the_sw_optical_phonon():
    """Si|Ge with SW Si force constants (the MD runs' mass-mismatch model), 1x1 cross-section, 2+2 cells.

    Reference: SW Si's optical Gamma phonon is 17.83 THz (tests/phonons/test_harmonic.py, from LAMMPS's own
    pair_style sw; experiment 15.6 THz, SW is 14 % stiff).  Here it is confined to 8 Si planes, so a little
    lower; the Ge side tops at 17.83 sqrt(m_Si/m_Ge) = 11.1 THz or below.

    Derivation: the Ge-side bound is the Si value scaled by sqrt(m_Si/m_Ge) (same force constants, omega ~ m^(-1/2));
    17.83 THz is the LAMMPS value for the Stillinger & Weber, Phys. Rev. B 31, 5262 (1985) potential; three zero modes
    are the rigid translations (analytic).
    """
    pytest.importorskip("matscipy")
    from kapitza.atomistic.diamond_bicrystal import build_diamond_bicrystal

    s = build_diamond_bicrystal(1, 1, 2, 2)
    a = s.lattice_constant
    r = interface_modes(s, "sw", interface_z=2 * a, plane_spacing=a / 4, planes_per_side=8, cache=False)
    assert r.omega_unit == "rad/ps" and r.sum_rule_error < 1e-10
    thz = r.omega / (2 * np.pi)
    si_side = r.plane_weight[:, :8].sum(axis=1) > 0.5
    ge_side = r.plane_weight[:, 8:].sum(axis=1) > 0.5
    assert abs(thz[si_side].max() - 17.83) < 0.03 * 17.83
    assert thz[ge_side].max() < 17.83 * np.sqrt(28.0855 / 72.630) * 1.01
    assert np.count_nonzero(np.abs(thz) < 1e-4) == 3


def test_metal_frequency_unit():
    """sqrt(eV / (A^2 amu)) = 98.2269 rad/ps (phonopy's VaspToTHz 15.6330 THz times 2 pi).

    Analytic: sqrt(1 eV/(1 A^2 * 1 amu)) in rad/ps from the CODATA values of e and the atomic mass unit, equal to
    phonopy's VaspToTHz times 2 pi.
    """
    assert OMEGA_METAL_RAD_PER_PS == pytest.approx(2 * np.pi * 15.633302, rel=1e-6)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"potential": "eam"}, "potential="),
        ({"plane_spacing": 0.0}, "plane_spacing="),
        ({"planes_per_side": 9}, "planes_per_side=9"),
        ({"interface_z": 0.3875}, "between two atomic planes"),
        ({"plane_spacing": 0.5165}, "holds no atom"),
        ({"near_planes": 3}, "near planes hold"),
        ({"units": "real"}, "units="),
        ({"max_atoms": 100}, "max_atoms="),
    ],
)
def test_bad_input_is_refused(kwargs, match):
    s, a = _lj_cell()
    args = {"potential": "lj/cut", "interface_z": 4 * a, "plane_spacing": a / 2, "planes_per_side": 4}
    args.update(kwargs)
    pot = args.pop("potential")
    with pytest.raises(InputError, match=match):
        interface_modes(s, pot, **args)


def test_bad_grid_is_refused(uniform):
    with pytest.raises(InputError, match="omega_grid="):
        uniform.plane_dos([3.0, 1.0], 0.5)
    with pytest.raises(InputError, match="width="):
        uniform.plane_dos([0.0, 1.0], -1.0)
