"""Calibration of EELS temperature maps on held-out images (issue 39): ``stream_temperature_map`` with no options,
what ``kapitza eels map FILE`` runs.

The generator (scripts/calibration/eels_map.py) is neither kapitza's forward model nor the single-spectrum
calibration's: ZLP tails of families the fit does not contain (half |E|^-2, half |E|^-4.4 Lorentzian powers), a
ZLP that drifts and changes width from pixel to pixel, Lorentzian optical modes on a Debye-like band, the phonon
signal broadened by the instrument's core (so gain/loss is not exactly exp(-E/k_B T) per channel), Poisson counts
blurred by a detector point-spread function (correlated noise) while the file states Poisson variances.  Truth:
300 K in the left half of a 6 x 6 image, 650 K in the right, dose 1e6.

Default run (12 images, a few seconds): per-pixel 1-sigma coverage in [0.60, 0.76] over the 432 pixels (Gaussian
0.683; standard error 0.022 at n = 432) and |bias| < 0.35 sigma; every half's median within 2 stated (median
pixel) errors + 1 % of its truth (the issue's "done when"), and the median's bias, in units of its own standard
error (1.2533 x median sigma / sqrt(18)), below 1 on average (averaging over pixels does not remove a bias: it
shows here).  ``slow``: the calibration page's rows, 200 images at doses 1e6 and 1e7 (the page's seed count: a
median's coverage over 100 images has a standard error of 0.047, so [0.60, 0.76] would fail about one claimed row
in twenty by chance; at 200, 0.033).
"""

from __future__ import annotations

import numpy as np
import pytest

from calibration import common
from calibration import eels_map as cal

N_IMAGES = 12


def test_held_out_map_pixels_are_covered_and_medians_unbiased():
    case = cal.MapCase()
    out = cal.outcomes(case, N_IMAGES, first_seed=30000)
    pixels = common.summarize("map", "pixels", "300 | 650 K", out["pixel_left"] + out["pixel_right"])
    assert pixels.accepted >= 0.97 * pixels.n, pixels
    assert 0.60 <= pixels.coverage <= 0.76, pixels
    assert abs(pixels.bias_over_sigma) < 0.35, pixels
    z = []
    for side, truth in (("left", 300.0), ("right", 650.0)):
        for med in out[f"median_{side}"]:
            assert med is not None
            median, se, tr, _ = med
            pixel_err = se * np.sqrt(18) / 1.2533
            assert abs(median - truth) <= 2.0 * pixel_err + 0.01 * truth, (side, median, pixel_err)
            z.append((median - tr) / se)
    assert abs(float(np.mean(z))) < 1.0, z


#: History: without the detector's point-spread function (white Poisson noise) at dose 1e6, the median of the 300 K
#: half covered 0.570 (its pixels 0.617; z scattering by 1.12-1.15, a low-count effect: scripts/eels_map_low_dose.py)
#: until the first pass took its weights from each pair's neighbours instead of its own count (core._neighbours,
#: 2026-11-26): 0.625 (pixels 0.651), and every claimed row inside its band.


@pytest.fixture(scope="module")
def claimed_map_rows():
    return [row for row in cal.run(200) if row.expected == "claimed"]


@pytest.mark.slow
def test_held_out_map_rows_of_the_calibration_page(claimed_map_rows):
    rows = claimed_map_rows
    assert len(rows) >= 12
    for row in rows:
        assert row.accepted >= 0.95 * row.n, row
        assert abs(row.bias_over_sigma) < 0.6, row
        assert 0.60 <= row.coverage <= 0.76, row
