"""Debye spectra: cutoffs, mode counting, channel densities."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import integrate

from kapitza import get_material
from kapitza.errors import InputError
from kapitza.phonons import debye_spectrum
from kapitza.units import HBAR, KB


@pytest.mark.parametrize("name", ["Si", "Pb", "Al2O3", "He4"])
def test_branch_cutoff_holds_one_mode_per_atom_per_polarisation(name):
    """int_0^wD DOS dw = g_p n for every branch: the defining property of the branch cutoff.

    Analytic: int_0^wD g w^2/(2 pi^2 v^3) dw = g k_D^3/(6 pi^2) = g n with k_D = (6 pi^2 n)^(1/3), the branch rule of
    Swartz & Pohl, Rev. Mod. Phys. 61, 605 (1989), Sec. IV.
    """
    m = get_material(name)
    s = debye_spectrum(m, "branch")
    for b in range(len(s.labels)):
        modes, _ = integrate.quad(lambda w, b=b: s.density_of_states(np.array([w]))[b, 0], 0, s.cutoffs[b], limit=200)
        assert modes == pytest.approx(s.degeneracy[b] * m.number_density, rel=1e-9)


def test_cutoffs_formula_and_debye_temperature_option():
    """Expected cutoffs computed in the test from the closed forms in kapitza.phonons.debye's docstring: w_D,p = v_p
    (6 pi^2 n)^(1/3) (Swartz & Pohl, Rev. Mod. Phys. 61, 605 (1989), Sec. IV) and w_D = kB Theta_D/hbar.
    """
    m = get_material("Si")
    s = debye_spectrum(m, "branch")
    k_d = (6 * np.pi**2 * m.number_density) ** (1 / 3)
    np.testing.assert_allclose(s.cutoffs, [m.v_l * k_d, m.v_t * k_d], rtol=1e-14)
    d = debye_spectrum(m, "debye")
    np.testing.assert_allclose(d.cutoffs, KB * m.debye_temperature / HBAR, rtol=1e-14)


def test_channel_density_is_omega_squared_below_cutoff_and_zero_above():
    """Expected values: M_p = g_p w^2/(8 pi^2 v_p^2) below the cutoff, the closed form derived in
    kapitza.phonons.debye's docstring, coded in the test.
    """
    m = get_material("Al")
    s = debye_spectrum(m, "branch")
    w = np.array([1e12, 0.5 * s.cutoffs[1], 0.999 * s.cutoffs[1], 1.001 * s.cutoffs[1], 1.001 * s.cutoffs[0]])
    ch = s.channel_density(w)
    expected_l = w**2 / (8 * np.pi**2 * m.v_l**2)
    expected_t = 2 * w**2 / (8 * np.pi**2 * m.v_t**2)
    np.testing.assert_allclose(ch[0, :4], expected_l[:4], rtol=1e-14)
    np.testing.assert_allclose(ch[1, :3], expected_t[:3], rtol=1e-14)
    assert ch[1, 3] == 0 and ch[0, 4] == 0 and ch[1, 4] == 0


def test_fluid_has_only_a_longitudinal_branch():
    s = debye_spectrum(get_material("He4"), "branch")
    assert s.labels == ("L",)
    assert s.channel_density(np.array([1e10])).shape == (1, 1)


def test_high_temperature_heat_capacity_is_dulong_petit():
    """Integrating the Debye DOS with kB per mode gives 3 n kB: the DOS counts 3 modes per atom (the classical
    limit, analytic: Dulong & Petit 1819; Kittel, Introduction to Solid State Physics, 8th ed., Ch. 5)."""
    m = get_material("Ge")
    s = debye_spectrum(m, "branch")
    c = 0.0
    for b, cutoff in enumerate(s.cutoffs):
        w = np.linspace(0, cutoff, 20001)  # each branch up to its own cutoff: no step inside the grid
        c += np.trapezoid(s.density_of_states(w)[b], w) * KB
    assert c == pytest.approx(3 * m.number_density * KB, rel=1e-7)


def test_unknown_cutoff_rule():
    with pytest.raises(InputError, match="cutoff"):
        debye_spectrum(get_material("Si"), "planck")


def test_cutoff_rules_and_the_spectrum_each_gives():
    """'branch'/'debye' give linear Debye spectra; 'sine'/'sine-zb' the dispersive SineSpectrum."""
    from kapitza.phonons import CUTOFFS, DebyeSpectrum, SineSpectrum

    assert CUTOFFS == ("branch", "debye", "sine", "sine-zb")
    si = get_material("Si")
    assert all(isinstance(debye_spectrum(si, rule), DebyeSpectrum) for rule in ("branch", "debye"))
    assert all(isinstance(debye_spectrum(si, rule), SineSpectrum) for rule in ("sine", "sine-zb"))
