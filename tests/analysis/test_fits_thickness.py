"""analysis/fits.py: fit_thickness is the one thickness-series implementation (analysis/thickness.py), called."""

from __future__ import annotations

import numpy as np
import pytest

from kapitza.analysis import fits
from kapitza.analysis.md import thickness
from kapitza.errors import InputError


def test_fit_thickness_is_the_thickness_series_fit(monkeypatch):
    """Exact line R = 2e-9 + L/100 (R_K = 2e-9 m^2 K/W, kappa = 100 W/m/K): same numbers as fit_thickness_series,
    and the call goes through it (no second line fit)."""
    L = np.array([1e-8, 2e-8, 4e-8, 8e-8])
    R = 2e-9 + L / 100.0
    sig = np.full(L.size, 1e-11)
    fit = fits.fit_thickness(L, R, sig)
    ref = thickness.fit_thickness_series(L, R, sig)
    assert fit.R_K == pytest.approx(2e-9, rel=1e-9) and fit.kappa == pytest.approx(100.0, rel=1e-9)
    assert (fit.R_K, fit.R_K_err, fit.kappa_err) == (ref.R_K, ref.R_K_err, ref.kappa_err)
    calls = []
    monkeypatch.setattr(fits, "fit_thickness_series", lambda *a: calls.append(a) or ref)
    assert fits.fit_thickness(L, R, sig) is ref and len(calls) == 1


def test_fit_thickness_refuses_bad_lengths():
    with pytest.raises(InputError, match="length must be > 0"):
        fits.fit_thickness([-1.0, 1.0], [1.0, 2.0], [0.1, 0.1])
