"""kapitza.transmission.md_systems: AGF and DMM spectral conductance of an NEMD config's interface."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from kapitza.errors import InputError
from kapitza.io.run_manifest import manifest_from_document
from kapitza.md.nemd import NemdConfig
from kapitza.md.plan import run_manifest
from kapitza.transmission import md_systems
from kapitza.transmission.md_systems import harmonic_spectra, intrinsic_or_inf
from kapitza.units import ANGSTROM, KB

#: Si|Ge SW in the smallest AGF/DMM that runs: 1 transverse k point, 20 frequencies, DMM mesh 4^3.
SMALL = {"kpoints": 1, "frequencies": 20, "mesh": 4}
SIGE = {"potential": "sw", "units": "metal"}


def _m(config, **system_changes):
    """The run manifest of the NEMD config ``config`` (kapitza.md writes it), with its system edited."""
    manifest = run_manifest(NemdConfig(**config))
    if not system_changes:
        return manifest
    doc = manifest.to_document()
    builder = {**doc["system"]["builder"], **system_changes.pop("builder", {})}
    doc["system"] = {**doc["system"], **system_changes, "builder": builder}
    return manifest_from_document(doc)


def _run(config, **kwargs):
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*mesh.*")  # mesh 4 < 8: the DMM warns it is not converged
        return harmonic_spectra(_m(config), **{**SMALL, **kwargs})


@pytest.fixture(scope="module")
def sige():
    return _run(SIGE)


SISI = {**SIGE, "mass_b": 28.0855 / 72.630}
PROGRESS: list[tuple[int, int]] = []


@pytest.fixture(scope="module")
def sisi():
    """Both sides with silicon's mass: no interface (mass_b is a ratio to Ge's 72.630 amu)."""
    return _run(SISI, progress=lambda done, total: PROGRESS.append((done, total)))


def test_progress_reaches_the_total_and_a_cache_hit_computes_nothing(sisi):
    """The AGF reports its (omega, k) chunks through progress; the second identical call is read from the cache
    (no progress, the same arrays)."""
    assert PROGRESS and PROGRESS[0][0] == 0 and PROGRESS[-1][0] == PROGRESS[-1][1] > 0
    seen = len(PROGRESS)
    again = _run(SISI, progress=lambda done, total: PROGRESS.append((done, total)))
    assert len(PROGRESS) == seen
    assert np.array_equal(again.g_agf, sisi.g_agf) and again.conductance_dmm == sisi.conductance_dmm


def test_agf_spectrum_integrates_to_the_agf_conductance(sige):
    """sum g_agf(omega_i) w_i is run_agf's two-probe G: the same midpoint quadrature and k_B per mode
    (transmission.agf.solver.TransmissionResult.conductance with classical statistics), so to round-off."""
    assert sige.units == "metal" and sige.omega_unit == "rad/s"
    assert np.sum(sige.g_agf * sige.omega_weights) == pytest.approx(sige.conductance_agf, rel=1e-9)
    assert sige.g_agf == pytest.approx(KB * sige.xi_agf / (2 * np.pi * sige.area), rel=1e-12)
    assert 0 < sige.conductance_agf < min(sige.ballistic_a, sige.ballistic_b)
    assert sige.conductance_agf < sige.conductance_agf_intrinsic < math.inf


def test_dmm_fine_spectrum_integrates_to_the_landauer_dmm(sige):
    """The trapezoid of g_dmm_fine (4000 points) equals the Landauer engine's adaptive Gauss-Legendre G of the
    same model; 1e-4 covers the trapezoid's error on the linearly interpolated tables (seen: 8e-7)."""
    assert np.trapezoid(sige.g_dmm_fine, sige.omega_dmm) == pytest.approx(sige.conductance_dmm, rel=1e-4)
    assert sige.g_dmm.shape == sige.omega.shape and np.all(sige.g_dmm >= 0)


def test_band_tops_scale_with_the_mass(sige):
    """The same SW force constants on both sides: every frequency scales as 1/sqrt(mass), so the band tops
    satisfy omega_max_b / omega_max_a = sqrt(28.0855 / 72.630) (harmonic scaling, exact)."""
    assert sige.omega_max_b / sige.omega_max_a == pytest.approx(math.sqrt(28.0855 / 72.630), rel=1e-9)
    assert sige.settings["masses_amu"] == pytest.approx([28.0855, 72.630])
    assert 1e13 < sige.omega_max_a < 2e14  # Si's top (optical at Gamma) is about 16 THz = 1e14 rad/s


def test_identical_sides_transmit_every_channel(sisi):
    """Equal masses: the interface is a perfect crystal, so Xi(omega) is the lead's channel count at every
    frequency (to the broadening), the two-probe G is the ballistic G, and the intrinsic G is infinite."""
    assert np.allclose(sisi.lead_omega[0], sisi.omega)
    assert np.max(np.abs(sisi.xi_agf - sisi.lead_xi[0])) < 1e-2 * np.max(sisi.lead_xi[0])
    assert sisi.conductance_agf == pytest.approx(sisi.ballistic_a, rel=1e-3)
    assert sisi.ballistic_a == pytest.approx(sisi.ballistic_b, rel=1e-9)
    assert math.isinf(sisi.conductance_agf_intrinsic)
    assert any("intrinsic G is infinite" in note for note in sisi.notes)
    assert sisi.omega_max_a == pytest.approx(sisi.omega_max_b, rel=1e-9)


def test_intrinsic_or_inf():
    """Simons: 1/G_int = 1/G - (1/G_A + 1/G_B)/2 (J. Phys. C 7, 4048 (1974)); inf within the tolerance, 0 at G = 0."""
    assert intrinsic_or_inf(1.0, 4.0, 4.0) == pytest.approx(1 / (1 - 0.25))
    assert math.isinf(intrinsic_or_inf(1.0, 1.0, 1.0))
    assert math.isinf(intrinsic_or_inf(0.9999, 1.0, 1.0))
    assert intrinsic_or_inf(0.0, 1.0, 1.0) == 0.0


def _fake_si(calls):
    """SI arrays of a made-up spectrum, in the shape _compute returns (the AGF and DMM are not run)."""

    def compute(system, kpoints, frequencies, mesh, progress, cache):
        calls.append(dict(system))
        omega, d = (np.arange(frequencies) + 0.5) * 1e11, np.full(frequencies, 1e11)
        return {
            "omega": omega,
            "omega_weights": d,
            "xi": np.linspace(0, 2, frequencies),
            "area": np.array(25 * ANGSTROM**2),
            "lead_omega": np.array([omega, omega]),
            "lead_xi": np.ones((2, frequencies)),
            "conductance_agf": np.array([1e8, 4e8, 4e8]),
            "g_dmm": np.ones(frequencies),
            "omega_dmm": np.linspace(0, 1e12, 5),
            "g_dmm_fine": np.ones(5),
            "conductance_dmm": np.array(2e8),
            "omega_max": np.array([2e12, 1e12]),
        }

    return compute


def test_reduced_and_si_results_differ_by_the_unit_factors(monkeypatch):
    """One lj/cut config in units lj and in units metal is one physical system (masses are ratios to argon's):
    one computation (the second call is a cache hit), and the reduced numbers are the SI ones times
    tau = sigma sqrt(m/epsilon) = 2.1485e-12 s for omega, sigma^2/k_B for g and sigma^2 tau/k_B for G
    (argon-like sigma 3.405 A, epsilon 0.0104 eV, m 39.948 amu; tau by hand from CODATA constants)."""
    calls = []
    monkeypatch.setattr(md_systems, "_compute", _fake_si(calls))
    si = harmonic_spectra(_m({"potential": "lj/cut", "units": "metal", "mass_b": 4.0}), frequencies=20)
    lj = harmonic_spectra(_m({"potential": "lj/cut", "units": "lj", "mass_b": 4.0}), frequencies=20)
    assert len(calls) == 1
    assert calls[0]["masses_amu"] == pytest.approx((39.948, 4 * 39.948))
    tau, sigma = 2.1485e-12, 3.405e-10
    assert md_systems.lj_time_unit() == pytest.approx(tau, rel=1e-4)
    assert lj.omega == pytest.approx(si.omega * tau, rel=1e-4)
    assert lj.omega_max_b == pytest.approx(si.omega_max_b * tau, rel=1e-4)
    assert lj.g_agf == pytest.approx(si.g_agf * sigma**2 / KB, rel=1e-9)
    assert lj.conductance_agf == pytest.approx(si.conductance_agf * sigma**2 * tau / KB, rel=1e-4)
    assert lj.conductance_dmm == pytest.approx(si.conductance_dmm * sigma**2 * tau / KB, rel=1e-4)
    assert lj.area == pytest.approx(25 / 3.405**2, rel=1e-9)
    assert lj.omega_weights == pytest.approx(si.omega_weights * tau, rel=1e-4)
    assert lj.units == "lj" and "tau" in lj.conductance_unit and si.conductance_unit == "W m^-2 K^-1"
    # Simons with the fake numbers: 1/G_int = 1e-8 - 0.25e-8
    assert si.conductance_agf_intrinsic == pytest.approx(1 / 0.75e-8)


def test_equal_epsilons_are_solved_as_lighter_masses(monkeypatch):
    """epsilon_a = epsilon_b = c: c K / m = K / (m / c), so the harmonic problem uses argon's epsilon and masses m/c."""
    calls = []
    monkeypatch.setattr(md_systems, "_compute", _fake_si(calls))
    r = harmonic_spectra(_m({"potential": "lj/cut", "epsilon_a": 2.0, "epsilon_b": 2.0, "mass_b": 3.0}), frequencies=20)
    assert calls[0]["masses_amu"] == pytest.approx((39.948 / 2, 3 * 39.948 / 2))
    assert r.settings["epsilon_scale"] == 2.0 and any("masses divided" in n for n in r.notes)


LJ = {"potential": "lj/cut"}
SW = {"potential": "sw", "units": "metal"}


@pytest.mark.parametrize(
    ("config", "edits", "kwargs", "words"),
    [
        ({"potential": "tersoff", "units": "metal"}, {}, {}, "different structures"),
        ({**LJ, "epsilon_b": 2.0}, {}, {}, "epsilon mismatch is not modelled"),
        (SW, {"builder": {"epsilon_a": 2.0}}, {}, "leave them at 1"),
        (SW, {"units": "lj"}, {}, 'needs units "metal"'),
        ({**LJ, "mixing_layers": 2}, {}, {}, "intermixed interfaces are not supported"),
        (LJ, {"builder": {"epsilon_a": -1}}, {}, "epsilon_a must be a positive number"),
        (LJ, {"builder": {"epsilon_b": True}}, {}, "epsilon_b must be a positive number"),
        (LJ, {"potential": "eam"}, {}, "potential must be one of lj/cut, sw, tersoff"),
        (LJ, {"kind": "user", "structure": "mine.xyz"}, {}, "a user's structure: its AGF is a separate run"),
        (LJ, {}, {"kpoints": 0}, "kpoints= must be an integer >= 1"),
        (LJ, {}, {"frequencies": 10}, "frequencies= must be an integer >= 20"),
        (LJ, {}, {"mesh": 2.5}, "mesh= must be an integer >= 2"),
        (LJ, {}, {"progress": 3}, "progress= must be callable"),
    ],
)
def test_bad_systems_are_refused_before_any_work(config, edits, kwargs, words, monkeypatch):
    """Refused with an InputError naming the reason, before anything is computed."""
    monkeypatch.setattr(md_systems, "_compute", lambda *a, **k: pytest.fail("work started"))
    with pytest.raises(InputError, match=words.replace("(", r"\(").replace(")", r"\)")):
        harmonic_spectra(_m(config, **edits), **kwargs)


def test_a_mapping_is_not_a_manifest(monkeypatch):
    """The raw config keys are md's to interpret: harmonic_spectra takes the run manifest only."""
    monkeypatch.setattr(md_systems, "_compute", lambda *a, **k: pytest.fail("work started"))
    with pytest.raises(InputError, match="need an NEMD run manifest"):
        harmonic_spectra({"potential": "lj/cut"})


@pytest.mark.slow  # about a minute: the AGF's finite-difference LJ force constants (ASE) dominate
@pytest.mark.parity
def test_lj_reduced_run_matches_the_agf_of_the_same_system():
    """The LJ 4:1 mass system through the real AGF: the reduced G* integral matches, and the two-probe G lies
    below the intrinsic G and below the smaller ballistic G (the heavy lead's, half the light one's: harmonic
    scaling with mass 4m halves every frequency)."""
    r = _run({"potential": "lj/cut", "units": "lj", "mass_b": 4.0})
    assert np.sum(r.g_agf * r.omega_weights) == pytest.approx(r.conductance_agf, rel=1e-9)
    assert r.ballistic_b == pytest.approx(0.5 * r.ballistic_a, rel=1e-6)
    assert r.conductance_agf < r.ballistic_b and r.conductance_agf < r.conductance_agf_intrinsic < math.inf
    assert r.omega_max_b == pytest.approx(0.5 * r.omega_max_a, rel=1e-9)
