"""analysis.modes: plane DOS map, modal temperatures and the interface-mode share on synthetic spectral runs."""

from __future__ import annotations

import numpy as np
import pytest
from spectral_synthetic import N_PLANES, PLANE_FIRST, as_metal, grid, reference_ldos, write_spectral_run

from kapitza.analysis.md.modes import interface_mode_share, modal_temperatures, plane_dos_map
from kapitza.analysis.md.spectral import read_spectral_run, spectral_conductance
from kapitza.errors import InputError


@pytest.fixture(scope="module")
def equilibrium(tmp_path_factory):
    """Every plane's kinetic spectrum is 3 N k_B T / 2 times its reference LDOS, T = 1.3 (k_B = 1)."""
    return write_spectral_run(tmp_path_factory.mktemp("eq") / "run", blocks=6, plane_temperature=1.3)


def test_modal_temperatures_of_equilibrium_equal_the_set_temperature(equilibrium):
    """Equipartition: each band holds k_B T / 2 of kinetic energy per degree of freedom, so T_band = 1.3 in
    every band and plane, and the plane temperature from the total KE is 1.3 too."""
    run = read_spectral_run(equilibrium)
    mt = modal_temperatures(run, reference_ldos(), min_dof_fraction=0.0)
    assert mt.T.shape == (4, N_PLANES)
    assert np.allclose(mt.T, 1.3, rtol=1e-10)
    assert np.allclose(mt.T_plane, 1.3, rtol=1e-10)
    assert mt.plane_index.tolist() == list(range(PLANE_FIRST, PLANE_FIRST + N_PLANES))
    assert mt.band_edges[0] == 0.0 and mt.band_edges.size == 5
    assert np.allclose(mt.dof.sum(axis=0), 3 * 18, rtol=1e-3)


def test_modal_temperatures_with_given_bands_and_one_ldos_row(equilibrium):
    """A single LDOS row for all planes gives the wrong dof for planes with another LDOS: T_band is then no
    longer uniform, but the plane temperature (from the total KE) stays 1.3."""
    run = read_spectral_run(equilibrium)
    edges = np.array([0.0, 8.0, 16.0, 32.0])
    mt = modal_temperatures(run, reference_ldos()[0], band_edges=edges, min_dof_fraction=0.0)
    assert mt.T.shape == (3, N_PLANES)
    assert np.allclose(mt.T[:, 0], 1.3, rtol=1e-6)
    assert not np.allclose(mt.T[:, -1], 1.3, rtol=1e-2)
    assert np.allclose(mt.T_plane, 1.3)


def test_bands_with_almost_no_reference_modes_have_no_temperature(equilibrium):
    """A band holding under min_dof_fraction of a plane's 3 N reference degrees of freedom gets NaN (its kinetic
    energy over a vanishing dof is not a temperature); the others keep the equilibrium value 1.3."""
    run = read_spectral_run(equilibrium)
    mt0 = modal_temperatures(run, reference_ldos(), min_dof_fraction=0.0)
    share = mt0.dof / (3 * 18)
    cut = float(np.median(share))
    mt = modal_temperatures(run, reference_ldos(), min_dof_fraction=cut)
    small = share < cut
    assert small.any() and (~small).any()
    assert np.all(np.isnan(mt.T[small]))
    assert np.allclose(mt.T[~small], 1.3, rtol=1e-10)
    with pytest.raises(InputError, match="min_dof_fraction"):
        modal_temperatures(run, reference_ldos(), min_dof_fraction=1.5)


def test_reference_ldos_must_integrate_to_one(equilibrium):
    run = read_spectral_run(equilibrium)
    with pytest.raises(InputError, match="integrate to 1"):
        modal_temperatures(run, 2 * reference_ldos())
    with pytest.raises(InputError, match="shape"):
        modal_temperatures(run, reference_ldos()[:3])
    with pytest.raises(InputError, match="band_edges="):
        modal_temperatures(run, reference_ldos(), band_edges=[3.0, 1.0])


def test_plane_dos_map_rows_integrate_to_one(equilibrium):
    """Normalised KE spectra of an equilibrium run are the reference LDOS rows (same grid, same unit)."""
    run = read_spectral_run(equilibrium)
    dm = plane_dos_map(run)
    _, d = grid()
    assert np.allclose(dm.dos.sum(axis=1) * d, 1.0)
    assert np.allclose(dm.dos, reference_ldos())


def test_interface_mode_share(equilibrium):
    """A fraction of 1 everywhere gives share 1 exactly; 0.25 everywhere gives 0.25; a callable works too."""
    sc = spectral_conductance(equilibrium)
    omega, _ = grid()
    assert interface_mode_share(sc, omega, np.ones(omega.size)).value == pytest.approx(1.0)
    assert interface_mode_share(sc, None, lambda w: np.full(w.shape, 0.25)).value == pytest.approx(0.25)
    with pytest.raises(InputError, match="between 0 and 1"):
        interface_mode_share(sc, omega, 2 * np.ones(omega.size))


def test_metal_modal_temperatures_are_in_kelvin(tmp_path):
    """md writes plane_ke as sum m v^2 / 2 in amu A^2 ps^-2 (1.0364e-4 eV, LAMMPS's mvv2e for units metal): read
    with k_B in eV/K, an equilibrium spectrum written for 300 K gives 300 K in every band and plane (without the
    conversion it would read 2.9e6 K)."""
    run = read_spectral_run(as_metal(write_spectral_run(tmp_path / "run", units="metal", plane_temperature=300.0)))
    mt = modal_temperatures(run, reference_ldos(), min_dof_fraction=0.0)
    assert np.allclose(mt.T, 300.0, rtol=1e-6)
    assert np.allclose(mt.T_plane, 300.0, rtol=1e-6)


def test_reference_ldos_rows_have_parseval_sum_one(equilibrium):
    """A stand-in for InterfaceModes whose plane_dos gives row k = (k + 1) x a flat row, and a last row of zeros:
    after rescaling every non-zero row has sum(row) d_omega = 1 (the normalisation of modal_temperatures), the zero
    row stays zero, and the Gaussian width is max(bins, 1) bins (by definition)."""
    from kapitza.analysis.md.modes import reference_ldos

    run = read_spectral_run(equilibrium)
    nf = run.omega.size

    class FlatModes:
        def plane_dos(self, omega, width):
            self.width = width
            rows = np.arange(1.0, N_PLANES + 1)[:, None] * np.ones((N_PLANES, omega.size))
            rows[-1] = 0.0
            return rows

    modes = FlatModes()
    ldos, width = reference_ldos(modes, run, 0.25)
    assert width == pytest.approx(run.d_omega) and modes.width == width  # below one bin: one bin
    assert ldos.shape == (N_PLANES, nf) and not ldos.flags.writeable
    assert np.allclose(ldos[:-1].sum(axis=1) * run.d_omega, 1.0)
    assert np.allclose(ldos[:-1], 1.0 / (nf * run.d_omega)) and not ldos[-1].any()
    assert reference_ldos(modes, run, 3.0)[1] == pytest.approx(3.0 * run.d_omega)
