"""The whole chain on known truth: forward model -> preprocessing -> detailed-balance fit (issue 13's tests).

Reference values: the truth is the temperature the forward model was given (its Bose populations obey
I_gain/I_loss = exp(-E/k_B T) exactly, Idrobo et al. PRL 120, 095901 (2018)); a well-calibrated estimator puts
about 68 % of noise seeds within 1 standard error of it, and its error falls as 1/sqrt(dose) (Poisson counting).
"""

from __future__ import annotations

import numpy as np
import pytest

from kapitza.analysis.eels.forward import simulate_stack
from kapitza.analysis.eels.preprocess import preprocess
from kapitza.analysis.eels.temperature import fit_temperature
from kapitza.prediction.phonon_dos import material_dos

N_SEEDS = 120


@pytest.fixture(scope="module")
def aln():
    return material_dos("AlN")


def _fit(dos, temperature, dose, seed, window=(60.0, 90.0)):
    stack = simulate_stack(dos.energy_mev, dos.dos, temperature, n_copies=N_SEEDS, seed=seed, dose=dose, resolution_mev=6.0)
    data = preprocess(stack)
    return fit_temperature(data, window)


@pytest.mark.parametrize("temperature", [100.0, 300.0, 1000.0])
def test_forward_model_temperatures_are_recovered_within_their_errors(aln, temperature):
    """Truth = the simulated T; coverage of +-1 sigma about 68 % (binomial band for 120 seeds: 0.55-0.80)."""
    fit = _fit(aln, temperature, 1e8 if temperature < 200 else 1e7, seed=int(temperature))
    t = np.asarray(fit.temperature)
    e = np.asarray(fit.temperature_err)
    ok = np.asarray(fit.valid)
    assert ok.all()
    z = (t - temperature) / e
    assert abs(np.mean(t) - temperature) < 3 * np.std(t) / np.sqrt(t.size) + 0.01 * temperature
    assert 0.55 <= np.mean(np.abs(z) < 1) <= 0.80


def test_temperature_error_falls_as_one_over_root_dose(aln):
    """Poisson counting: sigma_T(dose) * sqrt(dose) is constant; x100 dose -> errors / 10 (within 15 %)."""
    low = np.median(np.asarray(_fit(aln, 300.0, 1e6, seed=1).temperature_err))
    high = np.median(np.asarray(_fit(aln, 300.0, 1e8, seed=2).temperature_err))
    assert low / high == pytest.approx(10.0, rel=0.15)
