"""Planning tables (kapitza.analysis.eels.plan): the analytic Poisson estimate and the Monte-Carlo chain."""

from __future__ import annotations

import numpy as np
import pytest

from kapitza.analysis.eels.balance import KB_MEV
from kapitza.analysis.eels.plan import plan_experiment
from kapitza.errors import InputError

E = np.linspace(0.0, 120.0, 4801)
#: One sharp mode at 80 meV (0.3 meV wide) and a broad band at 50 meV.
D = np.exp(-0.5 * ((E - 80.0) / 0.3) ** 2) + 0.3 * np.exp(-0.5 * ((E - 50.0) / 5.0) ** 2)


def test_analytic_error_of_a_sharp_mode_is_the_poisson_formula():
    """Analytic (propagation of Poisson errors through T = -E / (k ln(N_g/N_l))):
    dT = (k_B T^2 / E) sqrt(1/N_gain + 1/N_loss) when nothing but phonons is counted (no ZLP tail)."""
    t = 300.0
    plan = plan_experiment(E, D, t, (72.0, 88.0), [1e6, 1e8], [2.0], n_seeds=0, zlp_tail=0.0)
    assert plan.effective_energy_mev[0] == pytest.approx(80.0, rel=1e-3)
    ng, nl = plan.n_gain[:, 0], plan.n_loss[:, 0]
    assert ng / nl == pytest.approx(np.exp(-80.0 / (KB_MEV * t)), rel=1e-3)
    expected = KB_MEV * t**2 / 80.0 * np.sqrt(1 / ng + 1 / nl)
    assert plan.analytic_err[:, 0] == pytest.approx(expected, rel=1e-3)
    assert plan.temperature_err is None
    assert plan.rows()[0]["dose"] == 1e6


def test_analytic_error_falls_as_one_over_sqrt_dose_and_grows_with_the_tail():
    """Poisson statistics: error x sqrt(dose) is constant; background counts under the mode add variance."""
    plan = plan_experiment(E, D, 500.0, (72.0, 88.0), [1e6, 1e7, 1e8], [3.0, 8.0], n_seeds=0)
    scaled = plan.analytic_err * np.sqrt(plan.doses)[:, None]
    assert np.allclose(scaled, scaled[0], rtol=1e-12)
    clean = plan_experiment(E, D, 500.0, (72.0, 88.0), [1e6], [3.0, 8.0], n_seeds=0, zlp_tail=0.0)
    assert np.all(plan.analytic_err[0] > clean.analytic_err[0])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"window_mev": (90.0, 70.0)}, "window_mev"),
        ({"window_mev": (200.0, 210.0)}, "no phonon counts"),
        ({"doses": [0.0]}, "doses"),
        ({"resolutions_mev": [-1.0]}, "resolution"),
        ({"n_seeds": 1}, "n_seeds"),
        ({"doses": np.ones(30), "resolutions_mev": np.ones(30)}, "cells"),
    ],
)
def test_bad_plans_are_input_errors(kwargs, message):
    args = {"window_mev": (72.0, 88.0), "doses": [1e6], "resolutions_mev": [6.0], "n_seeds": 0} | kwargs
    with pytest.raises(InputError, match=message):
        plan_experiment(E, D, 300.0, **args)


@pytest.mark.parity
def test_monte_carlo_through_the_analysis_chain_agrees_with_poisson():
    """Monte-Carlo (forward model -> preprocess -> fit_temperature over 80 seeds) against the analytic Poisson
    estimate: the spread agrees within the sampling error of a standard deviation over 80 copies (~8 %) plus
    the background-fit noise the estimate leaves out; the bias is small against the spread and the fit's own
    errors are finite and of the same order (their calibration is tested in test_eels_temperature*)."""
    n = 80
    plan = plan_experiment(E, D, 300.0, (72.0, 88.0), [1e7, 1e8], [4.0], n_seeds=n, seed=5, signal_fraction=1e-2)
    assert plan.n_valid.tolist() == [[n], [n]]
    ratio = plan.temperature_err / plan.analytic_err
    assert np.all((ratio > 0.7) & (ratio < 1.5))
    assert np.all(np.abs(plan.bias) < 0.5 * plan.temperature_err)
    assert np.all((plan.reported_err > 0.5 * plan.temperature_err) & (plan.reported_err < 2.5 * plan.temperature_err))
    assert plan.temperature_err[1, 0] < plan.temperature_err[0, 0]
