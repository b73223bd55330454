"""Shares of G by branch and frequency band; Debye vs full dispersion side by side; convergence table."""

from __future__ import annotations

import numpy as np
import pytest

import kapitza
from kapitza import get_material, landauer
from kapitza.errors import InputError
from kapitza.phonons import debye_spectrum, full_dispersion_spectrum
from kapitza.prediction import compare_debye, conductance_shares, convergence_table, interface_model
from kapitza.prediction.settings import side_potentials
from kapitza.transmission import diffuse_mismatch
from kapitza.units import thz_to_rad_s

T = np.array([5.0, 50.0, 300.0])


@pytest.fixture(scope="module")
def comparison():
    return compare_debye("Si", "Ge", T, "dmm", mesh=12)


def test_shares_add_up_to_the_landauer_conductance():
    """Branch shares and frequency-band shares each sum to G of landauer.conductance (1e-9, quadrature)."""
    model = diffuse_mismatch(debye_spectrum(get_material("Al"), "branch"), debye_spectrum(get_material("Si"), "branch"))
    shares = conductance_shares(model, T)
    total = landauer.conductance(model, T).conductance
    np.testing.assert_allclose(shares.conductance, total, rtol=1e-9)
    np.testing.assert_allclose(shares.by_branch.sum(axis=0), total, rtol=1e-9)
    np.testing.assert_allclose(shares.by_band.sum(axis=0), total, rtol=1e-9)
    np.testing.assert_allclose(shares.fractions("band").sum(axis=0), 1.0, rtol=1e-9)
    assert shares.labels == ("L", "T")
    np.testing.assert_allclose(shares.by_branch, landauer.conductance(model, T).by_group, rtol=1e-9)


def test_frequency_band_shares_are_integrals_over_their_own_band():
    """With edges at the Debye cutoff of Al's T branch, the T branch puts nothing above it.

    And the band share equals the integral of dG/domega over the band (trapezoid on 20,001
    points, 1e-6: the quadrature is exact, the trapezoid is the reference's error).
    """
    al = debye_spectrum(get_material("Al"), "branch")
    model = diffuse_mismatch(al, debye_spectrum(get_material("Si"), "branch"))
    cut = al.cutoffs[1]
    shares = conductance_shares(model, 300.0, band_edges=[cut])
    assert shares.band_edges[1] == cut
    assert shares.by_branch_and_band[1, 1, 0] == 0.0
    w = np.linspace(0, cut, 20_001)
    direct = np.trapezoid(landauer.spectral_conductance(model, w, 300.0).sum(axis=0), w)
    assert shares.by_band[0, 0] == pytest.approx(direct, rel=1e-6)


def test_default_bands_are_two_terahertz_wide():
    model = diffuse_mismatch(debye_spectrum(get_material("Al"), "branch"), debye_spectrum(get_material("Si"), "branch"))
    edges = conductance_shares(model, 300.0).band_edges
    np.testing.assert_allclose(np.diff(edges)[:-1], thz_to_rad_s(2.0), rtol=1e-12)


@pytest.mark.parametrize("edges", [[-1.0, 2.0], [3.0, 2.0], [np.nan]])
def test_bad_band_edges(edges):
    model = diffuse_mismatch(debye_spectrum(get_material("Al"), "branch"), debye_spectrum(get_material("Si"), "branch"))
    with pytest.raises(InputError, match="band_edges"):
        conductance_shares(model, 300.0, band_edges=edges)


def test_debye_side_is_the_foundation_prediction(comparison):
    """The Debye column is exactly kapitza.conductance(..., model='dmm') of the foundation."""
    np.testing.assert_allclose(comparison.debye.conductance, kapitza.conductance("Si", "Ge", T, "dmm"), rtol=1e-9)
    assert comparison.side1 == "Si" and comparison.side2 == "Ge" and comparison.model == "dmm"


def test_full_side_is_the_dmm_of_the_full_dispersion_spectra(comparison):
    """Same G as landauer.conductance of the DMM, to 1e-7 (the shares add 2 THz band edges to the panels)."""
    si = full_dispersion_spectrum("Si", mesh=12)
    ge = full_dispersion_spectrum("Ge", mesh=12)
    expected = landauer.conductance(diffuse_mismatch(si, ge), T).conductance
    np.testing.assert_allclose(comparison.full.conductance, expected, rtol=1e-7)
    assert comparison.full.labels == ("TA1", "TA2", "LA", "O1", "O2", "O3")
    np.testing.assert_allclose(comparison.ratio, expected / comparison.debye.conductance, rtol=1e-7)


def test_spectral_conductance_integrates_to_g(comparison):
    """int dG/domega domega = G for both descriptions (trapezoid on the 1000-point grid: 2 % at most,

    from the Debye cutoff steps; the full-dispersion curve is smooth, 0.2 %)."""
    w = comparison.omega
    for spectral, shares, tol in (
        (comparison.debye_spectral, comparison.debye, 0.02),
        (comparison.full_spectral, comparison.full, 0.002),
    ):
        np.testing.assert_allclose(np.trapezoid(spectral[-1], w), shares.conductance[-1], rtol=tol)
    assert comparison.full_spectral.shape == (3, w.size)


def test_interface_model_takes_spectra_materials_and_potential_pairs():
    """One route (the registry) builds full-dispersion models from ready spectra or materials."""
    si = full_dispersion_spectrum("Si", mesh=8)
    _, _, m2, model, settings = interface_model(si, "Al", "limit", potential=(None, "emt"), mesh=8)
    assert model.name == "limit" and model.side1 is si and m2.name == "Al"
    assert settings.potential == (None, "emt") and settings.mesh == (8, 8, 8)
    assert side_potentials("sw") == ("sw", "sw")
    assert side_potentials(None) == (None, None)
    with pytest.raises(InputError, match="Debye"):
        interface_model(si, si, "amm")
    with pytest.raises(InputError, match="pair"):
        side_potentials(("sw", "sw", "sw"))


def test_convergence_table_shrinks_towards_the_densest_mesh():
    """The radiation conductance of Si (all channels transmit) approaches its 24^3 value as the mesh grows.

    Measured at 300 K: 8^3 is 4.6 % and 16^3 0.6 % below 24^3 (the mesh sum of |v.n|, which
    has kinks where v.n = 0, converges as 1/N^2; 24^3 is itself 0.3 % below 40^3).
    """
    table = convergence_table("Si", meshes=(8, 16, 24), widths=(0.5,))
    assert table.conductance.shape == (3, 1) and table.partner is None
    change = table.relative_change[:, 0]
    assert change[-1] == 0.0 and change[1] < change[0]
    assert change[1] < 0.01


def test_the_comparison_takes_the_predictions_settings_record():
    """Issue 85, item 1: compare_debye takes the prediction's one settings record (or its fields by keyword, as
    before); the same numbers either way, and a keyword that is no setting is one line."""
    from kapitza.errors import InputError
    from kapitza.prediction.settings import Settings

    by_keyword = compare_debye("Si", "Ge", 300.0, "dmm", mesh=8, n_omega=100)
    by_record = compare_debye("Si", "Ge", 300.0, "dmm", settings=Settings(dispersion="phonopy", mesh=8), n_omega=100)
    np.testing.assert_array_equal(by_keyword.full_spectral, by_record.full_spectral)
    np.testing.assert_array_equal(by_keyword.full.conductance, by_record.full.conductance)
    with pytest.raises(InputError, match="unknown setting 'meshes' of compare_debye"):
        compare_debye("Si", "Ge", 300.0, meshes=8)
    with pytest.raises(InputError, match="dispersion must be 'phonopy'"):
        compare_debye("Si", "Ge", 300.0, settings=Settings())
