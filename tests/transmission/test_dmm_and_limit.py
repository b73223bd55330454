"""Debye DMM and the phonon radiation limit: laws and closed forms.

Sources: Swartz & Pohl, Rev. Mod. Phys. 61, 605 (1989) (DMM, radiation limit,
low-temperature T^3 law); the closed forms below are re-derived in the
docstrings so that they are independent of the engine.
"""

from __future__ import annotations

import numpy as np
import pytest

import kapitza
from conftest import LOW_T_PREFACTOR
from kapitza import get_material
from kapitza.phonons import debye_spectrum
from kapitza.transmission import diffuse_mismatch, dmm_transmission, radiation_limit
from kapitza.units import KB

PAIRS = [("Al", "Si"), ("Au", "C"), ("Pb", "C"), ("Cu", "Al2O3"), ("Si", "Ge"), ("GaN", "4H-SiC"), ("Cu", "He4")]
T_GRID = np.geomspace(1.0, 1000.0, 25)


def s_sum(name):
    """S = 1/vL^2 + 2/vT^2 (1/vL^2 for a fluid), s^2 m^-2."""
    m = get_material(name)
    return 1 / m.v_l**2 + (2 / m.v_t**2 if not m.is_fluid else 0.0)


@pytest.mark.parametrize("model", ["dmm", "limit"])
@pytest.mark.parametrize("a,b", PAIRS)
@pytest.mark.law
def test_detailed_balance(model, a, b):
    """G(A->B) == G(B->A) to 1e-9 from 1 K to 1000 K (both models obey detailed balance).

    Analytic: M_1 tau_12 = M_1 M_2/(M_1 + M_2) (DMM, Eq. (21)) or min(M_1, M_2) (limit, Sec. IV.C) is symmetric in
    1 <-> 2 (Swartz & Pohl, Rev. Mod. Phys. 61, 605 (1989)).
    """
    g_ab = kapitza.conductance(a, b, T_GRID, model=model)
    g_ba = kapitza.conductance(b, a, T_GRID, model=model)
    np.testing.assert_allclose(g_ab, g_ba, rtol=1e-9)


@pytest.mark.parametrize("a,b", PAIRS)
@pytest.mark.law
def test_low_temperature_t_cubed_laws(a, b):
    """G/T^3 -> (pi^2 kB^4/30 hbar^3) S1 S2/(S1+S2) for DMM and -> prefactor * min(S1, S2) for the limit.

    Swartz & Pohl (1989), Eq. (22)-(23) in our channel notation.  At 0.2 K every
    Debye cutoff of these materials is > 100 kT, so the deviation is ~e^-100.
    """
    t = np.array([0.05, 0.2])
    s1, s2 = s_sum(a), s_sum(b)
    g_dmm = kapitza.conductance(a, b, t, model="dmm")
    g_lim = kapitza.conductance(a, b, t, model="limit")
    np.testing.assert_allclose(g_dmm / t**3, LOW_T_PREFACTOR * s1 * s2 / (s1 + s2), rtol=1e-9)
    np.testing.assert_allclose(g_lim / t**3, LOW_T_PREFACTOR * min(s1, s2), rtol=1e-9)


def classical_dmm_closed_form(a, b):
    """kB * int M1 M2/(M1+M2) dw with M_i = S_i(w) w^2/(8 pi^2) piecewise constant S_i.

    Between consecutive branch cutoffs the active sums S_i are constant, so each
    interval [lo, hi] contributes S1 S2/(S1+S2) (hi^3 - lo^3)/3 / (8 pi^2).
    """
    s1, s2 = debye_spectrum(get_material(a)), debye_spectrum(get_material(b))
    edges = np.unique(np.concatenate([[0.0], s1.cutoffs, s2.cutoffs]))
    total = 0.0
    for lo, hi in zip(edges[:-1], edges[1:]):
        mid = 0.5 * (lo + hi)
        a1 = sum(g / v**2 for g, v, c in zip(s1.degeneracy, s1.velocities, s1.cutoffs) if c > mid)
        a2 = sum(g / v**2 for g, v, c in zip(s2.degeneracy, s2.velocities, s2.cutoffs) if c > mid)
        if a1 > 0 and a2 > 0:
            total += a1 * a2 / (a1 + a2) * (hi**3 - lo**3) / 3
    return KB * total / (8 * np.pi**2)


@pytest.mark.parametrize("a,b", PAIRS)
@pytest.mark.parity
def test_classical_saturation_equals_closed_form(a, b):
    """Classical statistics: G is temperature independent and equals the piecewise closed form."""
    g = kapitza.conductance(a, b, [1.0, 300.0, 1e4], model="dmm", statistics="classical")
    np.testing.assert_allclose(g, classical_dmm_closed_form(a, b), rtol=1e-10)


def test_quantum_result_approaches_classical_at_high_temperature():
    """Bose-Einstein -> classical as T >> Theta: the relative gap shrinks like (Theta/T)^2.

    Derivation: the Bose-Einstein heat capacity of a mode is kB (1 - x^2/12 + ...) with x = hbar w/kB T, so the gap
    falls as (Theta/T)^2: a factor 100 from 2e3 K to 2e4 K, tested as > 50; the classical value is the closed form
    derived in classical_dmm_closed_form.
    """
    classical = classical_dmm_closed_form("Al", "Si")
    gap = [abs(kapitza.conductance("Al", "Si", t) / classical - 1) for t in (2e3, 2e4)]
    assert gap[0] < 0.05
    assert gap[1] < gap[0] / 50


@pytest.mark.parametrize("a,b", PAIRS)
def test_dmm_never_exceeds_radiation_limit(a, b):
    """Analytic: M1 M2/(M1 + M2) <= min(M1, M2) at every frequency, Swartz & Pohl, Rev. Mod. Phys. 61, 605 (1989),
    Sec. IV.C.
    """
    t = np.geomspace(0.1, 3000, 40)
    assert np.all(kapitza.conductance(a, b, t, "dmm") <= kapitza.conductance(a, b, t, "limit") * (1 + 1e-12))


def test_identical_materials_give_half_transmission():
    """DMM tau = 1/2 exactly for identical media (a known artefact); the limit gives tau = 1.

    Analytic: tau = M2/(M1 + M2) = 1/2 (DMM, Eq. (21)) and min(1, M2/M1) = 1 (limit, Sec. IV.C) at M1 = M2, Swartz
    & Pohl, Rev. Mod. Phys. 61, 605 (1989).
    """
    s = debye_spectrum(get_material("Si"))
    w = np.linspace(1e11, 0.99 * s.max_frequency, 101)
    assert np.all(diffuse_mismatch(s, s).transmission(w) == 0.5)
    assert np.all(radiation_limit(s, s).transmission(w) == 1.0)
    t = np.array([10.0, 300.0])
    np.testing.assert_allclose(
        kapitza.conductance("Si", "Si", t, "dmm"), 0.5 * kapitza.conductance("Si", "Si", t, "limit"), rtol=1e-13
    )


def test_dmm_transmission_function():
    """tau_12 = M_2 / (M_1 + M_2) of the channel sums (the DMM, Swartz & Pohl, Rev. Mod. Phys. 61, 605 (1989)):
    1/(1+1) and 1/(3+1) by hand; 0 where neither side has a channel."""
    np.testing.assert_allclose(dmm_transmission([1.0, 3.0, 0.0], [1.0, 1.0, 0.0]), [0.5, 0.25, 0.0])


def test_no_transmission_above_receiving_cutoff():
    """Side-1 phonons above every cutoff of side 2 have nothing to go into.

    Analytic: M2 = 0 above side 2's cutoffs, so M2/(M1 + M2) = 0 and min(1, M2/M1) = 0 (Swartz & Pohl 1989, Eq. (21)
    and Sec. IV.C).
    """
    s_c, s_pb = debye_spectrum(get_material("C")), debye_spectrum(get_material("Pb"))
    w = np.array([1.01 * s_pb.max_frequency, 0.5 * s_c.max_frequency])
    assert np.all(diffuse_mismatch(s_c, s_pb).transmission(w) == 0.0)
    assert np.all(radiation_limit(s_c, s_pb).transmission(w) == 0.0)


def test_branch_contributions_sum_to_total():
    """Analytic: the Landauer integral is linear in the per-branch channel densities, so the branch terms add to G."""
    r = kapitza.prediction.predict_model("Al", "Si", [10.0, 300.0], "dmm")
    assert r.branch_labels == ("L", "T")
    np.testing.assert_allclose(r.by_branch.sum(axis=0), r.conductance, rtol=1e-13)
