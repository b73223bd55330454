"""Full-dispersion spectra of Stillinger-Weber Si and Ge: laws, symmetry, low-T limit, elasticity, convergence."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from kapitza import landauer
from kapitza.errors import InputError, MissingDependencyError
from kapitza.phonons.debye import DebyeSpectrum
from kapitza.phonons.full_dispersion import FullDispersionSpectrum, band_labels, full_dispersion_spectrum
from kapitza.phonons.harmonic import HarmonicCrystal
from kapitza.transmission import diffuse_mismatch, radiation_limit
from kapitza.units import GPA


@pytest.fixture(scope="module")
def si_crystal():
    return HarmonicCrystal.from_potential("Si", "sw")


@pytest.fixture(scope="module")
def ge_crystal():
    return HarmonicCrystal.from_potential("Ge", "sw")


@pytest.fixture(scope="module")
def si(si_crystal):
    return full_dispersion_spectrum(si_crystal)


@pytest.fixture(scope="module")
def ge(ge_crystal):
    return full_dispersion_spectrum(ge_crystal)


def test_spectrum_is_a_channel_spectrum_with_every_band(si):
    """17.8 THz: the SW Si optical Gamma phonon computed independently with LAMMPS in tests/phonons/test_harmonic.py
    (Stillinger & Weber, Phys. Rev. B 31, 5262 (1985) parameters).
    """
    assert isinstance(si, FullDispersionSpectrum)
    assert si.labels == ("TA1", "TA2", "LA", "O1", "O2", "O3") == band_labels(6)
    m = si.channel_density(np.array([-1.0, 0.0, 1e13, 1e20]))
    assert m.shape == (6, 4) and np.all(m[:, [0, 3]] == 0) and np.all(m[:3, 2] > 0)
    assert np.all(m[:, 1] <= 1e-12 * si.mesh_channels.max())  # FFT round-off of the optical tables
    assert si.breakpoints.max() == si.max_frequency
    # SW Si: the optical bands reach 17.8 THz; the top of the table is above it
    assert si.max_frequency / (2 * np.pi * 1e12) > 17.8


@pytest.mark.parametrize("rule", [diffuse_mismatch, radiation_limit])
@pytest.mark.law
def test_detailed_balance(si, ge, rule):
    """G12 = G21: M1 tau12 is symmetric for DMM and the limit.

    The two orders integrate on different panels (the breakpoints of both spectra up to the
    top of side 1), so they agree to the quadrature accuracy, measured 2e-8; 1e-6 leaves room.

    Analytic: M1 M2/(M1 + M2) (DMM, Eq. (21)) and min(M1, M2) (limit, Sec. IV.C) are symmetric (Swartz & Pohl,
    Rev. Mod. Phys. 61, 605 (1989)).
    """
    t = [1.0, 10.0, 100.0, 300.0, 1000.0]
    g12 = landauer.conductance(rule(si, ge), t).conductance
    g21 = landauer.conductance(rule(ge, si), t).conductance
    np.testing.assert_allclose(g12, g21, rtol=1e-6)


def test_dmm_is_half_the_limit_between_identical_crystals_and_below_it_otherwise(si, ge):
    """tau_DMM = 1/2 between identical media (min(M, M) = M for the limit); DMM <= limit always (analytic: the
    DMM of Swartz & Pohl, Rev. Mod. Phys. 61, 605 (1989), tau_12 = M_2 / (M_1 + M_2))."""
    t = [10.0, 300.0]
    same_dmm = landauer.conductance(diffuse_mismatch(si, si), t).conductance
    same_lim = landauer.conductance(radiation_limit(si, si), t).conductance
    np.testing.assert_allclose(same_dmm, 0.5 * same_lim, rtol=1e-12)
    assert np.all(landauer.conductance(diffuse_mismatch(si, ge), t).conductance < same_lim)


@pytest.mark.filterwarnings("ignore::kapitza.phonons.modes.ConvergenceWarning")  # a small mesh on purpose
@pytest.mark.parametrize("normal", ["001", "111", "110", (1, 2, 3)])
@pytest.mark.parity
def test_irreducible_wedge_equals_the_full_mesh(si_crystal, normal):
    """Unfolding |v.n| over the star (images of the normal, degenerate perturbation along each)

    reproduces the full-mesh sums to round-off, for symmetric and general normals
    (measured 5e-14; the diamond structure has whole degenerate zone faces, where a
    naive use of phonopy's group velocities differs by 2 %).

    The reference is an independent computation written in the test (the full mesh without symmetry).
    """
    a = full_dispersion_spectrum(si_crystal, normal=normal, mesh=6)
    b = full_dispersion_spectrum(si_crystal, normal=normal, mesh=6, symmetry=False)
    assert a.symmetry_operations == 48 and b.symmetry_operations == 1
    np.testing.assert_allclose(a.mesh_channels, b.mesh_channels, rtol=0, atol=1e-10 * b.mesh_channels.max())
    np.testing.assert_allclose(a.mesh_dos, b.mesh_dos, rtol=0, atol=1e-10 * b.mesh_dos.max())


def _fibonacci_sphere(n):
    i = np.arange(n) + 0.5
    z = 1 - 2 * i / n
    r = np.sqrt(1 - z * z)
    phi = np.pi * (1 + 5**0.5) * i
    return np.stack([r * np.cos(phi), r * np.sin(phi), z], axis=1)


def slope_debye_spectrum(crystal, normal, n_directions=3000):
    """A Debye spectrum with the sound speeds read off the crystal's dispersion slopes.

    Independent of the library's route: phase speeds c = omega(k)/k and group velocities by
    central finite differences of the frequencies alone, over a Fibonacci sphere; each
    acoustic band b becomes a Debye branch with M_b = omega^2 / (8 pi^2 v_b^2), where
    1 / (8 pi^2 v_b^2) = (1 / 16 pi^3) int dOmega |v.n| / c^3 (an isotropic solid gives v_b = c).
    """
    b = crystal.reciprocal_basis
    to_reduced = np.linalg.inv(b).T
    k = 2e-3 * np.linalg.norm(b, axis=0).min()
    directions = _fibonacci_sphere(n_directions)
    n = np.asarray(normal, dtype=float) / np.linalg.norm(normal)
    dk = 1e-2 * k
    base = directions * k
    omega = crystal.frequencies(base @ to_reduced)[:, :3]
    grad = np.stack(
        [
            (
                crystal.frequencies((base + dk * e) @ to_reduced)[:, :3]
                - crystal.frequencies((base - dk * e) @ to_reduced)[:, :3]
            )
            / (2 * dk)
            for e in np.eye(3)
        ],
        axis=-1,
    )
    c = omega / k
    coefficient = (4 * np.pi / n_directions) * (np.abs(grad @ n) / c**3).sum(axis=0) / (16 * np.pi**3)
    speeds = 1.0 / np.sqrt(8 * np.pi**2 * coefficient)
    return DebyeSpectrum(
        material=crystal.name,
        labels=("TA1", "TA2", "LA"),
        velocities=speeds,
        degeneracy=np.ones(3),
        cutoffs=np.full(3, 1e14),
        cutoff_rule="branch",
    )


def test_low_temperature_limit_is_the_debye_dmm_with_the_slopes_sound_speeds(si_crystal, ge_crystal, si, ge):
    """Below ~5 K the full-dispersion DMM equals the closed-form Debye DMM of speeds read off the slopes.

    Reference: Debye DMM (Swartz & Pohl, Rev. Mod. Phys. 61, 605 (1989)) with per-band speeds
    from finite-difference slopes (slope_debye_spectrum).  Tolerance 5e-4: the two direction
    integrals (Fibonacci sphere here, Gauss-Legendre x uniform in the library) agree to ~1e-4
    in sum_b 1/v_b^2, and the finite differences to ~2e-5.
    """
    debye = landauer.conductance(
        diffuse_mismatch(slope_debye_spectrum(si_crystal, (0, 0, 1)), slope_debye_spectrum(ge_crystal, (0, 0, 1))),
        [1.0, 2.0],
    ).conductance
    full = landauer.conductance(diffuse_mismatch(si, ge), [1.0, 2.0]).conductance
    np.testing.assert_allclose(full, debye, rtol=5e-4)
    assert full[1] / full[0] == pytest.approx(8.0, rel=1e-6)  # T^3


def sw_elastic_constants(crystal_spec):
    """C11, C12 and the relaxed C44 of the potential (Pa), from second derivatives of the strain energy."""
    from ase.build import bulk
    from ase.optimize import BFGS

    a = crystal_spec.lattice_constant * 1e10
    calc = crystal_spec.potential.calculator()

    def energy(strain, relax):
        atoms = bulk(crystal_spec.element, "diamond", a=a, cubic=True)
        atoms.set_cell(atoms.cell[:] @ (np.eye(3) + strain), scale_atoms=True)
        atoms.calc = calc
        if relax:
            BFGS(atoms, logfile=None).run(fmax=1e-8, steps=100)
        return atoms.get_potential_energy() * 1.602176634e-19 / (a * 1e-10) ** 3

    def second_derivative(strain, relax=False, e=1e-4):
        return (energy(strain(e), relax) - 2 * energy(0 * strain(e), False) + energy(strain(-e), relax)) / e**2

    def shear(x):
        m = np.zeros((3, 3))
        m[1, 2] = m[2, 1] = x / 2
        return m

    c11 = second_derivative(lambda x: np.diag([x, 0, 0]))
    c12 = second_derivative(lambda x: np.diag([x, x, 0])) / 2 - c11
    c44 = second_derivative(shear, relax=True)
    return c11, c12, c44


def test_sound_speeds_are_those_of_the_elastic_constants_of_stillinger_weber(si_crystal):
    """Acoustic slopes along [100], [110], [111] equal sqrt(C/rho) of SW silicon.

    Elastic constants of the original SW Si (epsilon = 2.1683 eV): C11 = 151.4, C12 = 76.4,
    C44 = 56.4 GPa (relaxed).  Balamane, Halicioglu & Tiller, Phys. Rev. B 46, 2250 (1992),
    tabulate 161.6, 81.6, 60.3 GPa for SW with epsilon rescaled to 2.315 eV: the same set,
    since at fixed sigma every constant scales with epsilon (x 1.0676).  Our strain-energy
    values agree to 0.1 % (rounding of the quoted digits).  The slopes are then checked
    against sqrt(C/rho) of our own constants to 0.1 % (slope taken at 0.2 % of the zone, where
    dispersion lowers it by < 1e-5) and against the quoted ones to 0.5 %.
    """
    from kapitza.phonons.crystal import crystal_spec

    spec = crystal_spec("Si", "sw")
    c11, c12, c44 = sw_elastic_constants(spec)
    np.testing.assert_allclose(np.array([c11, c12, c44]) / GPA, [151.4, 76.4, 56.4], rtol=1e-3)
    rho = 8 * 28.085 * 1.66053906660e-27 / spec.lattice_constant**3
    expected = {
        (1, 0, 0): [c44, c44, c11],
        (1, 1, 0): [c44, (c11 - c12) / 2, (c11 + c12 + 2 * c44) / 2],
        (1, 1, 1): [(c11 - c12 + c44) / 3, (c11 - c12 + c44) / 3, (c11 + 2 * c12 + 4 * c44) / 3],
    }
    quoted = {
        (1, 0, 0): [56.4, 56.4, 151.4],
        (1, 1, 0): [56.4, 37.5, (151.4 + 76.4 + 112.8) / 2],
        (1, 1, 1): [43.8, 43.8, (151.4 + 152.8 + 225.6) / 3],
    }
    b = si_crystal.reciprocal_basis
    k = 2e-3 * np.linalg.norm(b, axis=0).min()
    for direction, moduli in expected.items():
        khat = np.array(direction, dtype=float) / np.linalg.norm(direction)
        slopes = np.sort(si_crystal.frequencies((khat * k) @ np.linalg.inv(b).T)[0, :3] / k)
        np.testing.assert_allclose(slopes, np.sort(np.sqrt(np.array(moduli) / rho)), rtol=1e-3)
        np.testing.assert_allclose(slopes, np.sort(np.sqrt(np.array(quoted[direction]) * GPA / rho)), rtol=5e-3)


def test_conductance_converges_in_mesh_and_width(si_crystal, ge_crystal, si, ge):
    """G(300 K) of Si/Ge DMM changes by < 1 % from the default 24^3 mesh to 32^3, and with the width.

    Measured: 24^3 -> 32^3 changes G by 1.4e-4 (371.34 -> 371.39 MW m^-2 K^-1; 40^3: 371.38);
    halving or doubling the broadening factor at 32^3 changes it by -0.3 % / +0.8 %, and
    these differences shrink with the mesh.  (1 % is the issue's criterion.)
    """
    g_default = landauer.conductance(diffuse_mismatch(si, ge), 300.0).conductance[0]
    dense = [full_dispersion_spectrum(c, mesh=32) for c in (si_crystal, ge_crystal)]
    g_dense = landauer.conductance(diffuse_mismatch(*dense), 300.0).conductance[0]
    assert abs(g_default / g_dense - 1) < 0.01
    for width in (0.25, 1.0):
        pair = [full_dispersion_spectrum(c, mesh=32, width=width) for c in (si_crystal, ge_crystal)]
        assert abs(landauer.conductance(diffuse_mismatch(*pair), 300.0).conductance[0] / g_dense - 1) < 0.01


def test_density_of_states_holds_six_modes_per_primitive_cell(si):
    """int DOS = 3 n_atoms / V_cell (2 atoms in the primitive cell of diamond), to 0.1 % (analytic mode count).

    The Gamma acoustic modes are replaced by the continuum (1 mesh point in 24^3) and the
    broadening tails lost below omega = 0 are tiny: measured deficit 4.4e-4.
    """
    w = np.linspace(0.0, si.max_frequency, 200_001)
    modes = np.trapezoid(si.density_of_states(w).sum(axis=0), w)
    assert modes == pytest.approx(6 / si.cell_volume, rel=1e-3)


def test_optical_bands_carry_heat_only_where_the_other_side_has_channels(si, ge):
    """Elastic DMM: a phonon crosses only at a frequency both sides have.

    SW Si's optical bands start at 12.1 THz, above SW Ge's highest phonon (10.6 THz): in
    Si -> Ge they carry nothing (measured 2e-13 of G, broadening tails); between two Si
    crystals they carry a quarter of G at 300 K (measured 0.259).
    """
    r = landauer.conductance(diffuse_mismatch(si, ge), 300.0)
    assert r.by_group[3:].sum() / r.conductance[0] < 1e-9
    assert si.highest_mode > ge.highest_mode
    same = landauer.conductance(diffuse_mismatch(si, si), 300.0)
    assert 0.2 < same.by_group[3:].sum() / same.conductance[0] < 0.3


def test_normal_changes_the_channels_but_not_the_dos(si_crystal, si):
    """Analytic: the DOS is a sum over modes that does not involve the transport direction, so it is the same for any
    normal.
    """
    other = full_dispersion_spectrum(si_crystal, normal="111")
    np.testing.assert_allclose(other.mesh_dos, si.mesh_dos, rtol=0, atol=1e-10 * si.mesh_dos.max())
    assert np.abs(other.mesh_channels - si.mesh_channels).max() > 1e-3 * si.mesh_channels.max()


@pytest.mark.parametrize(
    "kwargs,match",
    [
        ({"normal": "000"}, "zero"),
        ({"mesh": 0}, "mesh"),
        ({"width": -1.0}, "width"),
        ({"potential": "emt"}, "choose one of"),
    ],
)
def test_bad_arguments(kwargs, match):
    with pytest.raises(InputError, match=match):
        full_dispersion_spectrum("Si", **kwargs)


@pytest.mark.parametrize("module", ["phonopy", "ase", "matscipy.calculators.manybody"])
def test_missing_dependency_names_the_phonons_extra(monkeypatch, module):
    monkeypatch.setitem(sys.modules, module, None)
    with pytest.raises(MissingDependencyError, match=r"pip install 'kapitza\[phonons\]'"):
        full_dispersion_spectrum("Si", "sw", cache=False)


def test_the_long_wavelength_limit_is_computed_once_a_crystal_and_again_when_it_changes():
    """continuum_limit keeps each crystal's limit (the derived record and the spectrum both ask for it): asked again
    it returns the same object; a crystal whose masses were changed in place (as transmission.md_systems does) gets
    a new one, its speeds scaled by sqrt(m/m') (all masses scaled alike: omega ~ 1/sqrt(m))."""
    from kapitza.phonons.full_dispersion import continuum_limit

    pytest.importorskip("phonopy")
    crystal = HarmonicCrystal.from_potential("Si", "sw", cache=False)
    first = continuum_limit(crystal, (0.0, 0.0, 1.0))
    assert continuum_limit(crystal, (0.0, 0.0, 1.0)) is first
    assert continuum_limit(crystal, (0.0, 0.0, 2.0)) is first  # the same direction
    masses = np.asarray(crystal.phonopy.masses, dtype=float)
    crystal.phonopy.masses = list(4.0 * masses)
    heavier = continuum_limit(crystal, (0.0, 0.0, 1.0))
    assert heavier is not first
    np.testing.assert_allclose(heavier.max_speed, first.max_speed / 2.0, rtol=1e-6)
