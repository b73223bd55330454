"""Calibration of the EELS temperature and profile on spectra from an independent generator (issue 25).

The generator (scripts/calibration/eels.py) is not kapitza's forward model: four ZLP-tail families
(Lorentzian-power |E|^-3, Pearson VII, Voigt, power law) averaged over each channel, a ZLP at a random
sub-channel offset, two Gaussian phonon modes with detailed balance restated from Idrobo et al., PRL 120,
095901 (2018), Eq. 1, and Poisson noise.  Truth = the generator's temperature.

Assertions on claimed cases: 1-sigma coverage in [0.60, 0.76] (Gaussian 0.683; with n seeds its standard
error is sqrt(0.68 x 0.32 / n), 0.047 at n = 100) and |bias| < 0.35 sigma, or, where the stated error is below a
third of a percent (dose 1e9), a bias below the estimator's measured systematic limit, :data:`SYSTEMATIC` of T
(docs/physics/eels.md, "Known limits of the estimator, measured": the Pearson VII tail at dose 1e9 reads +0.25 %
high, +0.38 sigma, with coverage 0.66).

Default run (about 300 joint fits, ~25 s on a quiet machine; one fit is ~0.075 s of CPU): one claimed case
per temperature regime at N = 100 seeds (300 K Lorentzian-power dose 1e9, 650 K Pearson VII dose 1e8,
950 K Voigt dose 1e9: three families, both doses), the two-temperature case that must be flagged (30
seeds) and the old default on the issue's spectra (5 seeds per temperature).  ``slow``: the full grid
(4 families x 3 temperatures x 2 doses, 200 seeds), the window-edge modes (200 seeds) and the profile.
"""

from __future__ import annotations

import pytest

from calibration import common
from calibration import eels as cal

N = 100
MAX_BIAS = 0.35
#: The systematic limit of one spectrum's temperature the physics page states (a fraction of T): a bias below it is
#: the estimator's known limit, not a miscalibrated error bar, even where it exceeds MAX_BIAS of a small error.
SYSTEMATIC = 0.003


def _claimed(row: common.CalibrationRow) -> None:
    assert row.n >= N, row
    assert row.accepted >= 0.95 * row.n, row
    assert row.flagged <= 0.05 * row.accepted, row
    assert 0.60 <= row.coverage <= 0.76, row
    assert abs(row.bias_over_sigma) < MAX_BIAS or abs(row.bias_over_sigma) * row.median_sigma_rel < SYSTEMATIC, row


@pytest.mark.parametrize(
    ("family", "temperature", "dose"),
    [
        ("lorentzian-power", 300.0, 1e9),
        ("pearson7", 650.0, 1e8),
        ("voigt", 950.0, 1e9),
    ],
)
def test_temperature_coverage_one_family_per_temperature_regime(family, temperature, dose):
    (row,) = cal.temperature_rows(N, families=(family,), temps=(temperature,), doses=(dose,))
    _claimed(row)


def test_two_temperatures_are_flagged():
    """The 80 meV mode at 800 K, the 30 meV mode at 650 K: flagged by the chi2 verdict in >= 80 % of the seeds."""
    row = cal.two_temperature_row(30)
    assert row.accepted >= 0.95 * row.n
    assert row.flagged >= 0.8 * row.accepted, row


def test_old_default_is_flagged_on_the_issue_spectra():
    """The pre-issue-25 default (power-law background, ratio fit) on the Lorentzian-power spectra: flagged."""
    for row in cal.old_default_rows(5):
        assert row.flagged == row.accepted == row.n


@pytest.mark.slow
def test_modes_at_the_window_edges_are_claimed():
    for row in cal.edge_rows(200):
        if row.expected == "claimed":
            _claimed(row)


@pytest.mark.slow
def test_profile_jump_coverage():
    rows = cal.profile_rows(100)
    jump = rows[0]
    assert jump.accepted >= 0.95 * jump.n
    assert 0.60 <= jump.coverage <= 0.76, jump
    assert abs(jump.bias_over_sigma) < 0.5, jump
    points = rows[1]
    assert 0.60 <= points.coverage <= 0.76, points  # 20 scans x 21 positions
    assert abs(points.bias_over_sigma) < MAX_BIAS, points


@pytest.mark.slow
def test_temperature_coverage_full_grid():
    for row in cal.temperature_rows(200):
        _claimed(row)
