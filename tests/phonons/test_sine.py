"""The sine (Born-von Karman) dispersion: channel density, laws, and its use by DMM and the limit.

Sources: the dispersion omega_p(k) = omega_max,p sin(pi k / 2 k_max) with omega_max,p = 2 v_p k_max / pi is that of
Dames & Chen, "Thermal conductivity of nanostructured thermoelectric materials", CRC Thermoelectrics Handbook
(2006), ch. 42; the flux-channel density is re-derived in kapitza.phonons.debye.SineSpectrum and checked here
against a numerical k-space integral; the low-temperature T^3 law is Swartz & Pohl, Rev. Mod. Phys. 61, 605
(1989), Eq. (22)-(23), in the channel notation of tests/transmission/test_dmm_and_limit.py.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import integrate

import kapitza
from conftest import LOW_T_PREFACTOR
from kapitza import get_material, landauer
from kapitza.errors import InputError
from kapitza.materials.zone_boundary import list_zone_boundaries, zone_boundary
from kapitza.phonons import SineSpectrum, debye_spectrum
from kapitza.transmission import diffuse_mismatch, radiation_limit
from kapitza.units import KB

PAIRS = [("Al", "Si"), ("Au", "C"), ("Pb", "C"), ("Cu", "Al2O3"), ("Si", "Ge"), ("Cu", "He4")]
ZB_PAIRS = [("Al", "Si"), ("Si", "Ge"), ("Cu", "Si"), ("Al", "Cu")]
T_GRID = np.geomspace(1.0, 1000.0, 25)


def k_max_of(name):
    """(6 pi^2 n)^(1/3), 1/m: the radius of the sphere holding one k-point per atom."""
    return (6 * np.pi**2 * get_material(name).number_density) ** (1 / 3)


def dispersion(k, w_max, k_max):
    """omega(k) = w_max sin(pi k / 2 k_max), written here independently of the library."""
    return w_max * np.sin(np.pi * k / (2 * k_max))


def low_k_sum(name, rule):
    """S = sum_p g_p / v0_p^2 (s^2 m^-2) with the low-k slopes v0 the test computes itself."""
    m = get_material(name)
    if rule == "sine":
        speeds = [m.v_l] if m.is_fluid else [m.v_l, m.v_t]
    else:  # slope of w_zb sin(pi k / 2 k_max) at k = 0
        zb = zone_boundary(name)
        speeds = [np.pi * 2e12 * np.pi * f / (2 * k_max_of(name)) for f in (zb.la_thz, zb.ta_thz)]
    return sum(g / v**2 for g, v in zip((1.0, 2.0), speeds))


@pytest.mark.parametrize("rule,name", [("sine", "Si"), ("sine", "He4"), ("sine-zb", "Al"), ("sine-zb", "Ge")])
@pytest.mark.parity
def test_channel_density_equals_numerical_k_space_flux_integral(rule, name):
    """int_0^W M(w) dw = (2 pi)^-3 int_{w(k)<W, v_z>0} v_z d^3k, to 1e-8.

    The right side is integrated numerically over the wave vector (radius and polar angle; the azimuth gives
    2 pi), with the group velocity from a finite difference of the dispersion: nothing of the closed form
    M = g k^2 / (8 pi^2) is used.
    """
    s = debye_spectrum(get_material(name), rule)
    assert isinstance(s, SineSpectrum)
    for b, (g, w_max) in enumerate(zip(s.degeneracy, s.cutoffs)):
        for fraction in (0.01, 0.5, 0.9, 1.0):
            top = fraction * w_max
            k_top = 2 * s.k_max / np.pi * np.arcsin(fraction)
            h = 1e-4 * s.k_max

            def v_group(k, w_max=w_max, h=h):
                return (dispersion(k + h, w_max, s.k_max) - dispersion(k - h, w_max, s.k_max)) / (2 * h)

            flux, _ = integrate.dblquad(lambda mu, k: k**2 * v_group(k) * mu, 0, k_top, 0, 1, epsabs=0, epsrel=1e-12)
            numeric = g * 2 * np.pi * flux / (2 * np.pi) ** 3
            closed, _ = integrate.quad(
                lambda w, b=b: s.channel_density(np.array([w]))[b, 0], 0, top, epsabs=0, epsrel=1e-12, limit=200
            )
            assert closed == pytest.approx(numeric, rel=1e-8), (b, fraction)


def test_channel_density_reduces_to_debye_at_low_frequency_and_counts_k_max_at_the_top():
    """Analytic: M -> g w^2/(8 pi^2 v^2) as w -> 0 (relative correction (w/w_max)^2/3); M(w_max) =
    g k_max^2/(8 pi^2)."""
    m = get_material("Al")
    s, d = debye_spectrum(m, "sine"), debye_spectrum(m, "branch")
    w = 1e-4 * s.cutoffs.min()
    np.testing.assert_allclose(s.channel_density([w])[:, 0], d.channel_density([w])[:, 0], rtol=1e-8)
    np.testing.assert_allclose(s.channel_density(s.cutoffs[[0]])[0, 0], k_max_of("Al") ** 2 / (8 * np.pi**2))
    np.testing.assert_allclose(s.cutoffs, 2 / np.pi * d.cutoffs, rtol=1e-14)
    above = s.channel_density(1.0001 * s.cutoffs)
    assert above[0, 0] == 0 and above[1, 1] == 0


@pytest.mark.parametrize("name", ["Si", "Pb", "He4"])
def test_each_branch_holds_one_mode_per_atom(name):
    """int_0^w_max DOS dw = g_p n (the van Hove singularity at w_max is integrable), to 1e-8.

    Analytic: the sine branch runs over the Debye sphere k <= k_max = (6 pi^2 n)^(1/3), which holds g_p n modes per
    volume.
    """
    m = get_material(name)
    s = debye_spectrum(m, "sine")
    for b, w_max in enumerate(s.cutoffs):
        modes, _ = integrate.quad(lambda w, b=b: s.density_of_states(np.array([w]))[b, 0], 0, w_max, limit=400)
        assert modes == pytest.approx(s.degeneracy[b] * m.number_density, rel=1e-8)


@pytest.mark.parametrize("rule", ["sine", "sine-zb"])
def test_classical_saturation_of_the_limit_is_the_closed_form(rule):
    """Si -> Si radiation limit, classical: G = kB sum_p g_p int_0^w_max k^2/(8 pi^2) dw.

    With w = w_max sin(u), k = 2 k_max u / pi: int_0^w_max k^2 dw = w_max k_max^2 (1 - 8/pi^2).  To 1e-12:
    this needs the panel edges graded towards w_max (without them the quadrature error is 6e-5).
    """
    s = debye_spectrum(get_material("Si"), rule)
    exact = KB * np.sum(s.degeneracy * s.cutoffs) * s.k_max**2 * (1 - 8 / np.pi**2) / (8 * np.pi**2)
    g = landauer.conductance(radiation_limit(s, s), np.array([1.0, 300.0, 1e4]), statistics="classical")
    np.testing.assert_allclose(g.conductance, exact, rtol=1e-12)


@pytest.mark.parametrize("a,b", [("Al", "Si"), ("Cu", "He4"), ("Pb", "C")])
@pytest.mark.parity
def test_classical_dmm_saturation_equals_quadrature_of_the_closed_form(a, b):
    """Classical DMM G = kB int M1 M2/(M1+M2) dw, the integral done by scipy quad with the test's own M.

    The reference is an independent computation written in the test (scipy quad of the test's own channel density).
    """

    def m_total(name, w):
        mat = get_material(name)
        speeds = [mat.v_l] if mat.is_fluid else [mat.v_l, mat.v_t]
        total = 0.0
        for g, v in zip((1.0, 2.0), speeds):
            w_max = 2 * v * k_max_of(name) / np.pi
            if w <= w_max:
                total += g * (2 * k_max_of(name) / np.pi * np.arcsin(w / w_max)) ** 2 / (8 * np.pi**2)
        return total

    def phi(w):
        m1, m2 = m_total(a, w), m_total(b, w)
        return m1 * m2 / (m1 + m2) if m1 > 0 and m2 > 0 else 0.0

    s1, s2 = debye_spectrum(get_material(a), "sine"), debye_spectrum(get_material(b), "sine")
    edges = np.unique(np.concatenate([[0.0], s1.cutoffs, s2.cutoffs]))
    reference = KB * sum(
        integrate.quad(phi, lo, hi, epsabs=0, epsrel=1e-12, limit=400)[0] for lo, hi in zip(edges[:-1], edges[1:])
    )
    g = kapitza.conductance(a, b, [1.0, 1e4], model="dmm", statistics="classical", cutoff="sine")
    np.testing.assert_allclose(g, reference, rtol=1e-9)


def test_quantum_result_approaches_classical_at_high_temperature():
    """Bose-Einstein -> classical as T >> w_max hbar / kB: the gap shrinks like T^-2.

    Derivation: the mode heat capacity is kB (1 - x^2/12 + ...) with x = hbar w/kT, so the gap falls by 100 from 2e3 K
    to 2e4 K (tested as > 50).
    """
    classical = kapitza.conductance("Al", "Si", 1.0, "dmm", statistics="classical", cutoff="sine")
    gap = [abs(kapitza.conductance("Al", "Si", t, "dmm", cutoff="sine") / classical - 1) for t in (2e3, 2e4)]
    assert gap[0] < 0.05
    assert gap[1] < gap[0] / 50


@pytest.mark.parametrize("model", ["dmm", "limit"])
@pytest.mark.parametrize("rule,a,b", [("sine", a, b) for a, b in PAIRS] + [("sine-zb", a, b) for a, b in ZB_PAIRS])
@pytest.mark.law
def test_detailed_balance(model, rule, a, b):
    """G(A->B) == G(B->A) to 1e-9 from 1 K to 1000 K with the sine spectra.

    Analytic: M1 M2/(M1 + M2) (DMM, Eq. (21)) and min(M1, M2) (limit, Sec. IV.C) are symmetric in 1 <-> 2 (Swartz &
    Pohl, Rev. Mod. Phys. 61, 605 (1989)).
    """
    g_ab = kapitza.conductance(a, b, T_GRID, model=model, cutoff=rule)
    g_ba = kapitza.conductance(b, a, T_GRID, model=model, cutoff=rule)
    np.testing.assert_allclose(g_ab, g_ba, rtol=1e-9)


@pytest.mark.parametrize("rule,a,b", [("sine", a, b) for a, b in PAIRS] + [("sine-zb", a, b) for a, b in ZB_PAIRS])
@pytest.mark.law
def test_low_temperature_t_cubed_law(rule, a, b):
    """G/T^3 -> (pi^2 kB^4/30 hbar^3) S1 S2/(S1+S2) (DMM) and -> prefactor min(S1, S2) (limit), S from low-k slopes.

    The sine dispersion is linear at low k, so the Debye T^3 law holds with its slopes; the first correction is
    ~9 (kB T / hbar w_max)^2, below 1e-7 at 1 mK for all these materials (He-4: 1.3e-7 on its own side).
    """
    t = np.array([3e-4, 1e-3])
    s1, s2 = low_k_sum(a, rule), low_k_sum(b, rule)
    g_dmm = kapitza.conductance(a, b, t, model="dmm", cutoff=rule)
    g_lim = kapitza.conductance(a, b, t, model="limit", cutoff=rule)
    np.testing.assert_allclose(g_dmm / t**3, LOW_T_PREFACTOR * s1 * s2 / (s1 + s2), rtol=2e-7)
    np.testing.assert_allclose(g_lim / t**3, LOW_T_PREFACTOR * min(s1, s2), rtol=2e-7)


def test_sine_equals_branch_cutoff_at_low_temperature_and_lies_below_it_at_room_temperature():
    """Same low-k slopes, same T^3 law; fewer flux channels (lower group velocity) near the zone edge.

    Derivation: at 1 mK both spectra follow the same T^3 law with corrections ~9 (kB T/hbar w_max)^2 < 1e-7 (see
    test_low_temperature_t_cubed_law); the factor 0.5 at 300 K is a bound observed for Al/Si, not a derived number.
    """
    low = [kapitza.conductance("Al", "Si", 1e-3, cutoff=rule) for rule in ("sine", "branch")]
    assert low[0] == pytest.approx(low[1], rel=1e-7)
    assert kapitza.conductance("Al", "Si", 300, cutoff="sine") < 0.5 * kapitza.conductance(
        "Al", "Si", 300, cutoff="branch"
    )


def test_measured_zone_boundary_variant_uses_the_stored_frequencies():
    """cutoff 'sine-zb': w_max = 2 pi f_zb and the low-k slope pi w_max / (2 k_max) (not the sound speed).

    Expectations derived in the test: w_max = 2 pi f_zb and the slope of w_max sin(pi k/(2 k_max)) at k = 0.
    """
    s = debye_spectrum(get_material("Si"), "sine-zb")
    zb = zone_boundary("Si")
    np.testing.assert_allclose(s.cutoffs, 2e12 * np.pi * np.array([zb.la_thz, zb.ta_thz]), rtol=1e-14)
    np.testing.assert_allclose(s.velocities, np.pi * s.cutoffs / (2 * k_max_of("Si")), rtol=1e-12)
    assert "Nilsson" in s.source and s.cutoff_rule == "sine-zb"
    assert np.all(np.isin(s.cutoffs, s.breakpoints))


def test_zone_boundary_table_is_sourced_and_names_database_materials():
    entries = list_zone_boundaries()
    assert {z.material for z in entries} == {"Si", "Ge", "Al", "Cu"}
    for z in entries:
        assert get_material(z.material).name == z.material
        assert z.source and "neutron" in z.source and 0 < z.ta_thz < z.la_thz < 20


def test_sine_zb_without_data_or_on_a_fluid_is_refused_in_plain_words():
    with pytest.raises(InputError, match=r"no measured zone-boundary frequencies for Au.*Al, Cu, Ge, Si"):
        kapitza.conductance("Au", "Si", 300, cutoff="sine-zb")
    with pytest.raises(InputError, match="He4 is a fluid"):
        debye_spectrum(get_material("He4"), "sine-zb")


@pytest.mark.parametrize("model", ["amm", "amm-simple"])
def test_amm_refuses_the_sine_spectrum(model):
    """The AMM is a continuum model (frequency-independent impedances): it takes linear Debye spectra only."""
    with pytest.raises(InputError, match="continuum model.*'branch' or 'debye'"):
        kapitza.conductance("Al", "Si", 300, model=model, cutoff="sine")


def test_dmm_builds_from_sine_spectra_directly():
    """The reference is an independent computation written in the test (the public conductance)."""
    s1, s2 = debye_spectrum(get_material("Al"), "sine"), debye_spectrum(get_material("Si"), "sine")
    g = landauer.conductance(diffuse_mismatch(s1, s2), np.array([300.0])).conductance[0]
    assert g == pytest.approx(kapitza.conductance("Al", "Si", 300.0, cutoff="sine"), rel=1e-13)


def test_cli_predict_with_sine_runs_dmm_and_limit_only(cli):
    status, out, err = cli("predict", "Al", "Si", "-t", "300", "--cutoff", "sine")
    assert status == 0, err
    assert "dmm" in out and "limit" in out and "amm" not in out
    assert f"{kapitza.conductance('Al', 'Si', 300.0, cutoff='sine') / 1e6:.4g}" in out


def test_the_limit_puts_breakpoints_where_the_sine_channel_densities_cross():
    """min(M1, M2) has a kink where M1 = M2; without that breakpoint Cu/Al2O3 broke detailed balance by 3e-5.

    The expectation is analytic: at a kink of min(M1, M2) the two channel densities are equal.
    """
    from kapitza.phonons import total_channel_density

    s1, s2 = debye_spectrum(get_material("Cu"), "sine"), debye_spectrum(get_material("Al2O3"), "sine")
    model = radiation_limit(s1, s2)
    extra = np.setdiff1d(model.breakpoints, np.union1d(s1.breakpoints, s2.breakpoints))
    assert extra.size >= 1
    np.testing.assert_allclose(total_channel_density(s1, extra), total_channel_density(s2, extra), rtol=1e-10)
