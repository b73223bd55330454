"""Classical statistics in the AGF's G(T) (k_B per transmitted mode, as in classical MD) and the masses option."""

from __future__ import annotations

import numpy as np
import pytest

from kapitza.errors import InputError
from kapitza.transmission.agf import chain_model, frequency_grid, inputs, transmission
from kapitza.transmission.agf.run import run_agf
from kapitza.transmission.chain import band_edge
from kapitza.units import HBAR, KB

M1, M2 = 28.0855 * 1.66053906660e-27, 72.63 * 1.66053906660e-27
K1, K2, K12 = 12.0, 9.5, 7.0


def test_classical_gives_kB_per_channel_exactly():
    """Two identical chains transmit one mode with tau = 1 up to the band edge omega_max = 2 sqrt(k/m):
    classically each mode carries k_B, so the 1D Landauer G = k_B omega_max / (2 pi) at every T
    (Landauer; the 1D quantum of thermal conductance pi^2 k_B^2 T / (3 h) is its low-T BE counterpart).

    Analytic: G = kB int_0^w_max tau dw/(2 pi) with tau = 1, as derived above.
    """
    edge = band_edge(M1, K1)
    omega, weights = frequency_grid(edge, 400)
    r = transmission(chain_model(M1, M1, K1, K1, K1), omega, eta=1e-10, omega_weights=weights)
    g = r.conductance([1.0, 36.1, 300.0, 1e4], "classical")
    assert g == pytest.approx(np.full(4, KB * edge / (2 * np.pi)), rel=1e-5)
    assert np.ptp(g) <= 1e-12 * g[0]  # no temperature dependence at all


def test_classical_is_the_high_temperature_limit_of_bose_einstein():
    """The BE mode heat capacity x^2 e^x / (e^x - 1)^2 = 1 - x^2/12 + ..., x = hbar omega / k_B T: at
    x_max = 0.01 BE equals the classical G to < 1e-5; at low T BE is smaller (modes frozen out).

    Derivation: the series above puts the gap at x_max^2/12 or below, about 1e-5 at x_max = 0.01.
    """
    edge = min(band_edge(M1, K1), band_edge(M2, K2))
    omega, weights = frequency_grid(edge, 200)
    r = transmission(chain_model(M1, M2, K1, K2, K12), omega, eta=1e-10, omega_weights=weights)
    t_hot = HBAR * edge / (0.01 * KB)
    g_cl = r.conductance([t_hot], "classical")[0]
    g_be = r.conductance([t_hot], "bose-einstein")[0]
    assert g_be == pytest.approx(g_cl, rel=1e-5)
    assert g_be < g_cl
    t_cold = HBAR * edge / (10 * KB)
    assert r.conductance([t_cold], "bose-einstein")[0] < 0.5 * r.conductance([t_cold], "classical")[0]


def test_run_agf_classical_and_masses_match_the_mass_mismatch_model():
    """Si | Si with the masses of Si and Ge (masses_amu) is the Si/Ge Stillinger-Weber mass-mismatch model
    (same lattice, same force constants, same masses): same G.  With statistics="classical" every G
    (two-probe, the leads' ballistic ones) is k_B per mode: independent of T, equal to the transmission's
    classical integral, and above Bose-Einstein at 300 K.

    Analytic: with kB per mode G does not depend on T, and the classical G exceeds the Bose-Einstein one (x^2
    e^x/(e^x-1)^2 < 1).
    """
    kw = {"potential": "sw", "kpoints": 2, "frequencies": 20, "temperature": [300.0, 3000.0], "check_broadening": False}
    from ase.data import atomic_masses, atomic_numbers

    masses = (float(atomic_masses[atomic_numbers["Si"]]), float(atomic_masses[atomic_numbers["Ge"]]))
    mm, _ = run_agf("Si", "Ge", statistics="classical", **kw)
    by_mass, _ = run_agf("Si", "Si", statistics="classical", masses_amu=masses, **kw)
    assert by_mass.conductance == pytest.approx(mm.conductance, rel=1e-9)
    assert tuple(by_mass.settings["masses_amu"]) == masses
    assert mm.settings["statistics"] == "classical"
    assert mm.conductance[0] == pytest.approx(mm.conductance[1], rel=1e-12)
    assert mm.ballistic[:, 0] == pytest.approx(mm.ballistic[:, 1], rel=1e-12)
    assert mm.conductance == pytest.approx(mm.transmission.conductance([300.0, 3000.0], "classical"), rel=1e-12)
    assert mm.conductance[0] > mm.transmission.conductance([300.0], "bose-einstein")[0]
    assert any("classical statistics" in n for n in mm.notes)


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("39.948", "masses_amu= must be two positive masses in amu"),
        ("1,2,3", "got '1,2,3'"),
        ("-1,4", "got '-1,4'"),
        ("0,4", "got '0,4'"),
        ("a,b", "got 'a,b'"),
        ((1.0, float("nan")), "got [1, nan]"),
        ((1.0, float("inf")), "got [1, inf]"),
        ((1.0, True), "masses_amu="),
        (5.0, "got 5"),
    ],
)
def test_bad_masses_are_refused(value, words):
    with pytest.raises(InputError, match=None) as info:
        inputs.check_value("masses_amu", value)
    assert words in str(info.value)


def test_masses_and_statistics_are_normalised():
    assert inputs.check_value("masses_amu", "39.948, 159.792") == (39.948, 159.792)
    assert inputs.check_value("masses_amu", [1, 2]) == (1.0, 2.0)
    with pytest.raises(InputError, match="statistics= must be one of bose-einstein, classical, got 'quantum'"):
        inputs.check_value("statistics", "quantum")


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--masses-amu", "1,-2"], "--masses-amu must be two positive masses in amu"),
        (["--statistics", "boltzmann"], "--statistics must be one of bose-einstein, classical"),
    ],
)
def test_cli_bad_masses_and_statistics_exit_2(args, words, monkeypatch, cli):
    """Refused before any work: one line on stderr, exit 2."""
    import kapitza.atomistic.structures as structures

    monkeypatch.setattr(structures, "build_interface", lambda *a, **k: pytest.fail("work started"))
    status, _, err = cli("agf", "Ar", "Ar", "--potential", "lj", *args)
    assert status == 2
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and words in lines[0], err


@pytest.mark.slow  # about 40 s on one core: finite-difference LJ force constants in a 4x4 lateral supercell
def test_lj_argon_heavy_argon_runs_and_scales_with_mass():
    """The LJ NEMD system in the AGF: Ar | Ar with 4x the mass on the right (potential="lj", masses_amu).
    Harmonic scaling: the same force constants with mass 4m give every frequency / 2, so with classical
    occupation (k_B per mode, the channel count integrated over omega) the right lead's ballistic G is
    exactly half the left one's; the interface G lies below both.

    Derivation: omega scales as m^(-1/2), so the classical ballistic G (kB times the channel count integrated over
    omega) halves for 4 m; the atomic mass unit 1.66053906660e-27 kg is CODATA 2018.
    """
    result, model = run_agf(
        "Ar",
        "Ar",
        potential="lj",
        masses_amu=(39.948, 4 * 39.948),
        statistics="classical",
        kpoints=1,
        frequencies=20,
        temperature=[36.2],
        check_broadening=False,
    )
    assert result.ballistic[1, 0] == pytest.approx(0.5 * result.ballistic[0, 0], rel=1e-9)
    assert 0 < result.conductance[0] < result.ballistic[1, 0]
    assert result.settings["potential"] == "lj" and tuple(result.settings["masses_amu"]) == (39.948, 4 * 39.948)
    assert model.masses.min() == pytest.approx(39.948 * 1.66053906660e-27, rel=1e-6)
