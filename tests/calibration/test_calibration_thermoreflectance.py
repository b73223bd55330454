"""Calibration of the thermoreflectance fit of G (issue 25): 1-sigma coverage and bias on FDTR data made by an
independent forward model (scripts/calibration/thermoreflectance.py: Cahill's transfer matrices, scipy's adaptive
quad_vec), with white noise, AR(1)-correlated noise and fixed inputs drawn from their stated errors (claimed:
coverage 0.60-0.76, |bias| < 0.25 sigma; the AR(1) case needs the fit's restricted-likelihood estimate of the
noise correlation), and a beam radius 6 stated sigma off (not claimed: must be flagged, by the fixed-input offset
test).

Seed counts: 200 for the noise cases (coverage error 0.033), 100 for the drawn inputs (0.047; each seed needs its
own generator call; marked slow so that the default run stays well under a minute); the TDTR rows (seconds per
fit) are on the docs page only."""

from __future__ import annotations

import numpy as np
import pytest

from calibration import common
from calibration import thermoreflectance as T
from kapitza.analysis.thermoreflectance import model as M

BIAS = 0.25  # |mean error| / median sigma allowed on claimed cases
SURROGATE_SEEDS = 300  # coverage error 0.027


@pytest.mark.parity
def test_the_independent_generator_agrees_with_kapitzas_model() -> None:
    """Cahill's transfer matrices + adaptive quadrature on a linear u axis and kapitza's impedance recursion +
    Gauss-Legendre panels in ln u agree to 1e-9 degree at the nominal and a wider beam: the calibration data
    differ from the fit's model only by what each case says."""
    for values in ({}, {"w": 3.6e-6, "G": 2e7}):
        s = T.au_si(**values)
        assert np.abs(T.fdtr_phase_independent(s, T.FREQ) - M.observable(s, "fdtr", "phase", T.FREQ)).max() < 1e-9


@pytest.mark.parametrize(
    ("one", "n"),
    [
        (T.fdtr_white, 200),
        (T.fdtr_ar1, 200),
        pytest.param(T.fdtr_fixed_drawn, 100, marks=pytest.mark.slow),  # a generator call per seed: ~20 s alone
    ],
    ids=["white-noise", "ar1-noise", "fixed-inputs-drawn"],
)
def test_claimed_fdtr_cases_cover_68_percent(one, n: int) -> None:
    row = common.summarize("G", one.__name__, "50 MW", common.run_seeds(one, n))
    assert row.accepted == n
    lo, hi = common.COVERAGE_BAND
    assert lo <= row.coverage <= hi, row
    assert abs(row.bias_over_sigma) < BIAS, row
    assert row.flagged <= 0.05 * n  # a claimed case is not flagged (beyond the tests' 1e-3 false alarms and rho)


def test_a_beam_radius_far_off_is_flagged() -> None:
    """The beam radius 20 % larger than stated (6 stated sigma): the fit's error does not cover G (coverage below
    0.2), and it says so: at least 90 % of 30 seeds are flagged, every flagged one by the fixed-input offset test
    (what the calibration page's note says: the flag comes from it, chi^2 with the inputs' errors allowed for
    fires in fewer)."""
    T.FLAG_SOURCES.update(offsets=0, chi2=0)
    row = common.summarize("G", "radius off", "50 MW", common.run_seeds(T.fdtr_radius_off, 30), expected="flagged")
    assert row.coverage < 0.2
    assert row.flagged >= 0.9 * row.accepted
    assert T.FLAG_SOURCES["offsets"] == row.flagged
    assert T.FLAG_SOURCES["chi2"] < T.FLAG_SOURCES["offsets"]


def test_tdtr_ar1_error_formula_covers_68_percent_on_the_linearised_fit() -> None:
    """The TDTR AR(1) case (rho 0.7, 20 delays, 1 % stated) through the fit's own error formula on its
    linearisation at the truth: G_hat - G = j.e / j.j for weighted sensitivity j, rho from the residuals by
    restricted likelihood, the sandwich at rho_hat widened by Satterthwaite's t (noise.ar1_t_factor).  The full
    non-linear fit tracks this linearisation (correlation 0.9993 of the two z over 35 seeds, measured when the
    t factor was added); a full fit costs seconds, so only here are :data:`SURROGATE_SEEDS` seeds affordable.
    Claimed: coverage 0.60-0.76; the plug-in sandwich alone reaches less (0.650 over 2,000 seeds)."""
    from kapitza.analysis.thermoreflectance.noise import ar1_reml, ar1_t_factor, ar1_times

    clean = M.observable(T.al_sapphire(), "tdtr", "ratio", T.DELAY)
    h = 1e-4 * T.G_TDTR
    up = M.observable(T.al_sapphire(G=T.G_TDTR + h), "tdtr", "ratio", T.DELAY)
    down = M.observable(T.al_sapphire(G=T.G_TDTR - h), "tdtr", "ratio", T.DELAY)
    j = ((up - down) / (2 * h) / (0.01 * clean))[:, None]
    jj = float(j[:, 0] @ j[:, 0])
    n = j.shape[0]
    hits_t, hits_plug = [], []
    for seed in range(SURROGATE_SEEDS):
        e = T.ar1(np.random.default_rng(50_000 + seed), n, T.RHO)
        d = float(j[:, 0] @ e) / jj
        r = e - j[:, 0] * d
        rho, _ = ar1_reml(r, j, np.zeros((n, 0)), False)
        var = max(float(j[:, 0] @ ar1_times(j, rho)[:, 0]) / jj**2, 1 / jj) if rho > 0 else 1 / jj
        k = float(ar1_t_factor(rho, r, j, np.zeros((n, 0)), j, np.array([[1 / jj]]))[0]) if rho > 0 else 1.0
        hits_plug.append(abs(d) < var**0.5)
        hits_t.append(abs(d) < k * var**0.5)
    lo, hi = common.COVERAGE_BAND
    assert lo <= np.mean(hits_t) <= hi
    assert np.mean(hits_t) > np.mean(hits_plug), (np.mean(hits_t), np.mean(hits_plug))
    print(f"coverage {np.mean(hits_t):.3f} (plug-in {np.mean(hits_plug):.3f}) over {SURROGATE_SEEDS} seeds")
