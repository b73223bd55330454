"""Mode sums (kapitza.phonons.modes): the Debye parity, the continuum limit, symmetry unfolding."""

from __future__ import annotations

import numpy as np
import pytest

from kapitza import get_material, landauer
from kapitza.errors import InputError
from kapitza.phonons import debye_spectrum
from kapitza.phonons.full_dispersion import mode_sum_spectrum
from kapitza.phonons.modes import (
    ModeSample,
    irreducible_mesh,
    long_wavelength_limit,
    mesh_numbers,
    tabulate,
    unit_vector,
)
from kapitza.transmission import diffuse_mismatch, radiation_limit


def isotropic_dispersion(speeds):
    """omega = v_b |k|, v = v_b k/|k| for each band b: a Debye solid as a dispersion callable."""
    v = np.asarray(speeds, dtype=float)

    def dispersion(k):
        km = np.linalg.norm(k, axis=1)
        return km[:, None] * v[None, :], (k / km[:, None])[:, None, :] * v[None, :, None]

    return dispersion


def debye_mode_spectrum(spec, n_radial, normal=(0.0, 0.0, 1.0)):
    """A Debye spectrum rebuilt through the mode-sum path.

    k-points on a cubic grid of spacing k_D / n_radial inside the Debye sphere (radius
    k_D = omega_D,p / v_p, the same for every branch under the "branch" cutoff rule),
    omega = v_p |k|, weight dk^3 / (2 pi)^3 per point: the same ModeSample, broadening,
    continuum limit and tabulation as a crystal from force constants.
    """
    v = np.sort(np.repeat(spec.velocities, spec.degeneracy.astype(int)))  # bands T, T, L
    kd = spec.cutoffs[0] / spec.velocities[0]
    dk = kd / n_radial
    r = np.arange(-n_radial, n_radial + 1)
    k = np.stack(np.meshgrid(r, r, r, indexing="ij"), axis=-1).reshape(-1, 3) * dk
    km = np.linalg.norm(k, axis=1)
    k, km = k[km < kd], km[km < kd]
    khat = np.divide(k, km[:, None], out=np.zeros_like(k), where=km[:, None] > 0)
    n = unit_vector(normal)
    include = np.ones((len(k), len(v)), dtype=bool)
    include[km == 0] = False
    sample = ModeSample(
        frequencies=km[:, None] * v[None, :],
        normal_speed=np.abs(khat @ n)[:, None] * v[None, :],
        speed=np.broadcast_to(v, (len(k), len(v))).copy(),
        weights=np.full(len(k), dk**3 / (2 * np.pi) ** 3),
        spacing=dk,
        include=include,
    )
    limit = long_wavelength_limit(isotropic_dispersion(v), n, 1e-3 * kd)
    return mode_sum_spectrum(sample, limit, material=spec.material, mesh=(n_radial,) * 3, labels=("T1", "T2", "L"))


@pytest.fixture(scope="module")
def debye_pair():
    return debye_spectrum(get_material("Si"), "branch"), debye_spectrum(get_material("Ge"), "branch")


@pytest.mark.parametrize("rule", [diffuse_mismatch, radiation_limit])
@pytest.mark.parity
def test_mode_sum_of_a_debye_solid_reproduces_the_closed_form_conductance(debye_pair, rule):
    """Parity: the Si/Ge Debye spectra rebuilt as mode sums give the closed-form G(300 K).

    The closed form is M_p = g_p omega^2 / (8 pi^2 v_p^2) below omega_D,p (Swartz & Pohl,
    Rev. Mod. Phys. 61, 605 (1989)).  The mode sum smooths each cutoff step over the
    broadening sigma = 0.5 v dk, and DMM and the limit are nonlinear in M, so the error
    is O(sigma / omega_D) = O(1 / n_radial): measured 1.8 %, 1.1 %, 0.74 % (DMM) and 2.2 %,
    1.3 %, 0.86 % (limit) for n_radial = 16, 32, 48.  The tolerance shrinks accordingly.
    """
    si, ge = debye_pair
    exact = landauer.conductance(rule(si, ge), 300.0).conductance[0]
    errors = []
    for n_radial, tolerance in ((16, 0.025), (32, 0.015), (48, 0.010)):
        a, b = debye_mode_spectrum(si, n_radial), debye_mode_spectrum(ge, n_radial)
        err = abs(landauer.conductance(rule(a, b), 300.0).conductance[0] / exact - 1)
        assert err < tolerance, (n_radial, err)
        errors.append(err)
    assert errors[0] > errors[1] > errors[2]


@pytest.mark.law
def test_low_temperature_conductance_of_the_mode_sum_is_the_debye_t3_law(debye_pair):
    """At 3 K the continuum limit C_b omega^2 carries the heat: the mode-sum path equals the closed form.

    C_b comes from long_wavelength_limit with the isotropic dispersion, the same function a
    crystal from force constants uses.  Tolerance 1e-6: the mesh sum starts at the blend
    window, hbar omega / kT = 27 at 3 K for n_radial = 12, where the weight x^4 e^-x of the
    heat capacity is 1e-6 of its peak (measured difference 1.4e-7).
    """
    si, ge = debye_pair
    a, b = debye_mode_spectrum(si, 12), debye_mode_spectrum(ge, 12)
    exact = landauer.conductance(diffuse_mismatch(si, ge), 3.0).conductance[0]
    assert landauer.conductance(diffuse_mismatch(a, b), 3.0).conductance[0] == pytest.approx(exact, rel=1e-6)


def test_density_of_states_counts_three_modes_per_atom(debye_pair):
    """int DOS d omega = 3 n (one mode per atom per polarisation, the analytic count): 0.5 % at n_radial = 16.

    The deficit is the lattice-point count inside the sphere and the Gamma point; it
    shrinks as the mesh grows (2.3 %, 0.54 %, 0.15 % at 8, 16, 32).
    """
    si, _ = debye_pair
    n = get_material("Si").number_density
    for n_radial, tolerance in ((16, 0.008), (32, 0.002)):
        spec = debye_mode_spectrum(si, n_radial)
        w = np.linspace(0.0, spec.omega[-1], 200_001)
        modes = np.trapezoid(spec.density_of_states(w).sum(axis=0), w)
        assert modes == pytest.approx(3 * n, rel=tolerance)


def test_continuum_limit_of_an_ellipsoidal_dispersion_is_its_shadow_area():
    """omega^2 = sum c_i^2 k_i^2: constant-frequency surfaces are ellipsoids, and the channels through z are

    M = (shadow area of the surface on the xy plane) / (2 pi)^3 = omega^2 / (8 pi^2 c_x c_y),
    although v is not parallel to k (coarea formula; the isotropic case gives the Debye
    1 / (8 pi^2 v^2)).  This checks the |v.n| / c^3 integral with anisotropy, to 1e-6.

    The expectations are derived above (coarea formula) and coded in the test.
    """
    c = np.array([3000.0, 5000.0, 8000.0])

    def ellipsoid(k):
        omega = np.sqrt(((c * k) ** 2).sum(axis=1))
        v = c**2 * k / omega[:, None]
        return omega[:, None], v[:, None, :]

    limit = long_wavelength_limit(ellipsoid, (0, 0, 1), 1e7, n_polar=48, n_azimuth=96, n_acoustic=1)
    assert limit.channels[0] == pytest.approx(1 / (8 * np.pi**2 * c[0] * c[1]), rel=1e-6)
    limit_x = long_wavelength_limit(ellipsoid, (1, 0, 0), 1e7, n_polar=48, n_azimuth=96, n_acoustic=1)
    assert limit_x.channels[0] == pytest.approx(1 / (8 * np.pi**2 * c[1] * c[2]), rel=1e-6)
    # DOS: the ellipsoid's volume 4 pi omega^3 / (3 c_x c_y c_z) / (2 pi)^3, differentiated
    assert limit.dos[0] == pytest.approx(1 / (2 * np.pi**2 * c.prod()), rel=1e-6)
    assert limit.max_speed == pytest.approx(c.max(), rel=1e-3)


def test_sound_speeds_of_the_isotropic_limit_are_the_input_speeds():
    """Analytic: for omega = v k on every branch the long-wavelength speeds are the input speeds."""
    limit = long_wavelength_limit(isotropic_dispersion([3000.0, 3000.0, 7000.0]), "111", 1e7)
    np.testing.assert_allclose(limit.sound_speeds, [3000.0, 3000.0, 7000.0], rtol=1e-9)


@pytest.mark.parity
def test_irreducible_mesh_matches_phonopy_weights():
    """Our reduction of a Gamma-centred fcc mesh under O_h and time reversal has phonopy's ir-points and weights.

    The reference is an independent computation written in the test (phonopy's mesh); 48 = order of O_h (analytic).
    """
    pytest.importorskip("phonopy")
    from phonopy import Phonopy
    from phonopy.structure.atoms import PhonopyAtoms

    a = 5.43
    cell = PhonopyAtoms(
        symbols=["Si"] * 2,
        cell=np.array([[0, a, a], [a, 0, a], [a, a, 0]]) / 2,
        scaled_positions=[[0, 0, 0], [0.25, 0.25, 0.25]],
    )
    ph = Phonopy(cell, supercell_matrix=np.eye(3, dtype=int), primitive_matrix="P")
    ph.force_constants = np.zeros((2, 2, 3, 3))
    for mesh in ((8, 8, 8), (6, 6, 6)):
        grid, weights, ops = irreducible_mesh(mesh, ph.primitive_symmetry.reciprocal_operations)
        ph.init_mesh(mesh, is_gamma_center=True)
        assert len(ops) == 48
        assert weights.sum() == np.prod(mesh)
        assert sorted(weights.tolist()) == sorted(np.asarray(ph.mesh.weights).tolist())


def test_irreducible_mesh_without_symmetry_is_the_full_mesh():
    """Analytic: with only the identity every point is its own orbit, 3 x 4 x 5 = 60 points of weight 1."""
    grid, weights, ops = irreducible_mesh((3, 4, 5), None)
    assert grid.shape == (60, 3) and np.all(weights == 1) and len(ops) == 1


def test_broadened_sums_conserve_the_weights():
    """int DOS = sum of weights and int M = sum of weights |v.n| / 2 when no weight is pushed below omega = 0.

    Analytic: each mode is spread with a normalised kernel, so the integrals equal the sums computed in the test.
    """
    rng = np.random.default_rng(3)
    f = rng.uniform(5e13, 9e13, size=(400, 2))
    sample = ModeSample(
        frequencies=f,
        normal_speed=rng.uniform(0, 5000, size=f.shape),
        speed=rng.uniform(0, 5000, size=f.shape),
        weights=rng.uniform(1, 2, size=400) * 1e26,
        spacing=1e9,
        include=np.ones(f.shape, dtype=bool),
    )
    t = tabulate(sample)
    h = t.omega[1]
    np.testing.assert_allclose(t.dos.sum(axis=1) * h, [sample.weights.sum()] * 2, rtol=1e-9)
    expected = 0.5 * (sample.weights[:, None] * sample.normal_speed).sum(axis=0)
    np.testing.assert_allclose(t.channels.sum(axis=1) * h, expected, rtol=1e-9)


@pytest.mark.parametrize(
    "text,expected",
    [("001", (0, 0, 1)), ("111", (1, 1, 1)), ("1-10", (1, -1, 0)), ("[1,1,0]", (1, 1, 0)), ((0, 2, 0), (0, 1, 0))],
)
def test_directions_parse(text, expected):
    np.testing.assert_allclose(unit_vector(text), np.array(expected) / np.linalg.norm(expected))


@pytest.mark.parametrize("bad", ["000", "abc", "12", (1, 0), (0, 0, np.nan)])
def test_bad_directions_are_refused(bad):
    with pytest.raises(InputError):
        unit_vector(bad)


@pytest.mark.parametrize("bad", [0, -3, (4, 4), 2.5, (4, 4, 0)])
def test_bad_meshes_are_refused(bad):
    with pytest.raises(InputError, match="mesh"):
        mesh_numbers(bad)
