"""Superlattice cross-plane conductivity: series law, limits, critical period, alloy comparison, bad input."""

from __future__ import annotations

import math

import numpy as np
import pytest

from conftest import no_warnings
from kapitza.devices.superlattice import SIGE_ALLOY_CONDUCTIVITY, superlattice
from kapitza.errors import InputError


def test_worked_number_si_ge():
    """Si/Ge, 5 nm + 5 nm, k = 148 and 60 W/m/K, R = 3e-9 m^2K/W, N = 20.

    Reference computed by hand from the series sum (independent arithmetic, not the code):
    5e-9/148 + 5e-9/60 = 3.3784e-11 + 8.3333e-11 = 1.17117e-10; plus 2R = 6e-9 gives 6.117117e-9 per
    period; k_eff = 10e-9 / 6.117117e-9 = 1.63476 W/m/K.  Critical period p_c = 2R / (0.5/148 + 0.5/60)
    = 6e-9 / 1.17117e-2 = 5.1231e-7 m.
    """
    with no_warnings():
        r = superlattice(5e-9, 5e-9, 148.0, 60.0, 3e-9, periods=20)
    assert r.effective_conductivity == pytest.approx(1.63476, rel=1e-5)
    assert r.critical_period == pytest.approx(5.1231e-7, rel=1e-4)
    assert r.interface_share == pytest.approx(6e-9 / 6.117117e-9, rel=1e-5)
    assert r.alloy_conductivity is None  # numbers, not a Si/Ge pair: no default alloy


def test_no_interfaces_gives_layer_series():
    """R = 0: k_eff is the series average of the layers, at every period.

    Analytic: layers in series, 1/(x/k_A + (1 - x)/k_B) with x = 0.3, derived in kapitza.devices.superlattice's
    docstring.
    """
    r = superlattice(3e-9, 7e-9, 100.0, 10.0, 0.0, periods=5)
    expected = 1.0 / (0.3 / 100.0 + 0.7 / 10.0)
    assert r.effective_conductivity == pytest.approx(expected, rel=1e-12)
    assert r.layer_conductivity == pytest.approx(expected, rel=1e-12)
    assert np.allclose(r.sweep_conductivity, expected, rtol=1e-12)
    assert r.critical_period == 0.0 and r.interface_share == 0.0


def test_large_r_and_thin_limit():
    """R -> inf: k_eff -> 0; thin layers: k_eff -> period / (2R) (interfaces only).

    Derivation from k_eff = N p/(N r_period + 2 R_c) of kapitza.devices.superlattice: r_period -> 2R for thin layers,
    so k_eff -> p/(2R) = 0.2e-9/4e-9.
    """
    huge = superlattice(5e-9, 5e-9, 148.0, 60.0, 1.0)
    assert huge.effective_conductivity < 1e-8
    r = superlattice(0.1e-9, 0.1e-9, 148.0, 60.0, 2e-9, periods=100)
    assert r.effective_conductivity == pytest.approx(0.2e-9 / 4e-9, rel=2e-3)
    assert r.thin_limit_slope == pytest.approx(1 / 4e-9)
    assert r.interface_share > 0.99


def test_critical_period_halves_the_layer_conductivity():
    """At p = p_c the layers and interfaces resist equally: k_eff = k_layers / 2; thick periods -> k_layers.

    Derivation in kapitza.devices.superlattice's docstring: p_c = (R_AB + R_BA)/(x/k_A + (1 - x)/k_B), where layers
    and interfaces resist equally.
    """
    base = superlattice(2e-9, 6e-9, 50.0, 20.0, 1e-9, resistance_ba=3e-9)
    p_c = base.critical_period
    assert p_c == pytest.approx(4e-9 / (0.25 / 50 + 0.75 / 20))
    at = superlattice(0.25 * p_c, 0.75 * p_c, 50.0, 20.0, 1e-9, resistance_ba=3e-9)
    assert at.effective_conductivity == pytest.approx(base.layer_conductivity / 2, rel=1e-12)
    assert at.interface_share == pytest.approx(0.5)
    assert base.sweep_conductivity[-1] == pytest.approx(base.layer_conductivity, rel=2e-3)
    assert np.all(np.diff(base.sweep_conductivity) > 0)


def test_contacts_and_finite_n():
    """End contacts add 2 R_c once: their weight falls as 1/N.

    Analytic: r_period = d/k + 2R = 1e-8/100 + 2e-9 and k_eff = N p/(N r_period + 2 R_c), coded in the test.
    """
    few = superlattice(5e-9, 5e-9, 100.0, 100.0, 1e-9, periods=1, contact_resistance=1e-8)
    many = superlattice(5e-9, 5e-9, 100.0, 100.0, 1e-9, periods=1000, contact_resistance=1e-8)
    per = 1e-8 / 100.0 + 2e-9
    assert few.total_resistance == pytest.approx(per + 2e-8)
    assert many.effective_conductivity == pytest.approx(1e-8 / (per + 2e-8 / 1000), rel=1e-12)


def test_alloy_period():
    """The period where k_eff equals the alloy's value; for Si/Ge by name the default alloy value applies.

    The alloy period is where the closed-form k_eff of kapitza.devices.superlattice equals the alloy value (analytic),
    checked by evaluating k_eff there.
    """
    r = superlattice(5e-9, 5e-9, 148.0, 60.0, 3e-9, alloy_conductivity=1.0)
    p = r.alloy_period
    at = superlattice(p / 2, p / 2, 148.0, 60.0, 3e-9, alloy_conductivity=1.0)
    assert at.effective_conductivity == pytest.approx(1.0, rel=1e-10)
    worse = superlattice(5e-9, 5e-9, 2.0, 2.0, 0.0, alloy_conductivity=8.0)
    assert worse.alloy_period is None  # the layers alone conduct less than the alloy
    si = superlattice(5e-9, 5e-9, "Si", "Si", 3e-9)
    assert si.alloy_conductivity is None
    assert SIGE_ALLOY_CONDUCTIVITY == 8.0


def test_resistance_from_a_model_at_temperature():
    """A model spec is evaluated at the operating temperature and its label kept."""
    r = superlattice(5e-9, 5e-9, "Si", 60.0, "dmm:Si/Ge", temperature=300.0)
    assert r.resistance_ab > 0 and r.labels[2] == "dmm:Si/Ge"
    assert r.conductivity_a == pytest.approx(148.0, rel=1e-6)  # Si table at 300 K


@pytest.mark.parametrize(
    "kwargs",
    [
        {"thickness_a": -1e-9},
        {"thickness_b": float("nan")},
        {"conductivity_a": -3.0},
        {"resistance": -1e-9},
        {"periods": 0},
        {"periods": 2.5},
        {"temperature": 0.0},
        {"alloy_conductivity": 0.0},
        {"sweep_periods": [1e-9, -1e-9]},
        {"conductivity_b": "unobtainium"},
    ],
)
def test_bad_input(kwargs):
    args = {"thickness_a": 5e-9, "thickness_b": 5e-9, "conductivity_a": 148.0, "conductivity_b": 60.0,
            "resistance": 3e-9}  # fmt: skip
    args.update(kwargs)
    with pytest.raises(InputError) as info:
        superlattice(**args)
    assert "np.float64" not in str(info.value)


def test_result_is_frozen_and_saves(tmp_path):
    r = superlattice(5e-9, 5e-9, 148.0, 60.0, 3e-9)
    with pytest.raises(ValueError):
        r.sweep_conductivity[0] = 0.0
    r.save(tmp_path / "sl.json")
    assert "SuperlatticeResult" in (tmp_path / "sl.json").read_text()
    assert math.isfinite(r.period)
