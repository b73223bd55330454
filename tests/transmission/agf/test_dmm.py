"""The full-dispersion DMM of the AGF's own leads: the laws it obeys."""

from __future__ import annotations

import numpy as np
import pytest

from kapitza.transmission.agf.dmm import lead_dmm
from kapitza.transmission.agf.run import run_agf

pytest.importorskip("matscipy")


@pytest.fixture(scope="module")
def si_ge():
    result, _ = run_agf("Si", "Ge", potential="sw", kpoints=1, frequencies=40, check_broadening=False)
    return result


@pytest.fixture(scope="module")
def si_si():
    result, _ = run_agf("Si", "Si", potential="sw", kpoints=1, frequencies=40, check_broadening=False)
    return result


@pytest.mark.law
def test_identical_leads_give_half_the_ballistic_conductance(si_si):
    # Swartz & Pohl's DMM: tau = 1/2 between identical media, so G_DMM = G_ballistic / 2 (the model's artefact)
    # (the two lead solves agree to ~1e-4 at a few band-edge frequencies: the broadened solver's noise)
    dmm = lead_dmm(si_si)
    np.testing.assert_allclose(dmm.transmission[dmm.channels[0] > 0], 0.5, atol=1e-4)
    np.testing.assert_allclose(dmm.conductance, 0.5 * si_si.ballistic[0], rtol=1e-4)


@pytest.mark.law
def test_dmm_is_below_either_leads_ballistic_conductance_and_detailed_balance_holds(si_ge):
    dmm = lead_dmm(si_ge)
    assert np.all(dmm.conductance <= si_ge.ballistic.min(axis=0) + 1e-9)
    assert np.all(dmm.conductance[si_ge.temperature > 0] > 0)
    # tau_LR M_L = tau_RL M_R (detailed balance): Xi_L Xi_R / (Xi_L + Xi_R) from either side
    xl, xr = dmm.channels
    tau_rl = np.divide(xl, xl + xr, out=np.zeros_like(xl), where=xl + xr > 0)
    np.testing.assert_allclose(dmm.transmission * xl, tau_rl * xr, atol=1e-12)


def test_classical_statistics_and_other_temperatures(si_ge):
    hot = lead_dmm(si_ge, temperature=[300.0, 3000.0], statistics="classical")
    # classical limit: every mode carries k_B, so G does not depend on T
    assert hot.conductance[0] == pytest.approx(hot.conductance[1], rel=1e-12)
    assert hot.statistics == "classical"
