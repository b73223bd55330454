"""Polycrystal k_eff = k_0 / (1 + c k_0 R_gb / d): limits, 1D brick parity, open-area boundaries, bad input."""

from __future__ import annotations

import numpy as np
import pytest

from conftest import no_warnings
from kapitza.devices.polycrystal import grain_boundary_resistance, polycrystal, polycrystal_conductivity
from kapitza.errors import InputError


def test_worked_number():
    """k_0 = 148 W/m/K (Si near 300 K), R_gb = 1e-9 m^2K/W, d = 100 nm.

    By hand: L_K = 148 * 1e-9 = 148 nm; k_eff = 148 / (1 + 148/100) = 59.6774 W/m/K.
    """
    with no_warnings():
        r = polycrystal(148.0, 100e-9, 1e-9)
    assert r.kapitza_length == pytest.approx(148e-9)
    assert r.effective_conductivity == pytest.approx(59.6774, rel=1e-5)
    assert r.boundary_share == pytest.approx(1.48 / 2.48)


def test_chain_of_grains():
    """Parity with the explicit 1D sum over N grains and N boundaries (each grain then a boundary).

    Analytic: N grains and N boundaries in series, the sum coded in the test.
    """
    k0, d, rgb, n = 40.0, 30e-9, 2e-9, 17
    chain = n * d / (n * d / k0 + n * rgb)
    assert polycrystal_conductivity(k0, d, rgb) == pytest.approx(chain, rel=1e-13)


def test_limits():
    """R -> 0 and d -> inf: bulk; d << L_K: d / R_gb (c = 1) or d / (2 R_gb) (c = 2).

    Derivation in kapitza.devices.polycrystal's docstring: k_eff = k_0/(1 + c L_K/d) tends to k_0 as R -> 0 or d ->
    inf, and to d/(c R_gb) for d << c L_K.
    """
    assert polycrystal(148.0, 100e-9, 0.0).effective_conductivity == pytest.approx(148.0, rel=1e-14)
    assert polycrystal(148.0, 1.0, 1e-9).effective_conductivity == pytest.approx(148.0, rel=1e-6)
    small = polycrystal(148.0, 1e-10, 1e-8)
    assert small.effective_conductivity == pytest.approx(1e-10 / 1e-8, rel=1e-3)
    two = polycrystal(148.0, 1e-10, 1e-8, shape_factor=2.0)
    assert two.effective_conductivity == pytest.approx(1e-10 / 2e-8, rel=1e-3)
    r = polycrystal(148.0, 100e-9, 1e-9)
    assert np.all(np.diff(r.sweep_conductivity) > 0) and r.sweep_conductivity[-1] < 148.0


def test_open_area():
    """A boundary bonded over half its area conducts half as well: R_gb = R_contact / phi.

    Analytic: only the bonded fraction phi conducts, so G_gb = phi G_contact and R_gb = R_contact/phi = 2e-9/0.5 =
    4e-9.
    """
    assert grain_boundary_resistance(2e-9, 0.5) == pytest.approx(4e-9)
    half = polycrystal(100.0, 50e-9, 2e-9, contact_fraction=0.5)
    full = polycrystal(100.0, 50e-9, 4e-9)
    assert half.boundary_resistance == pytest.approx(4e-9)
    assert half.effective_conductivity == pytest.approx(full.effective_conductivity, rel=1e-14)
    assert half.contact_resistance == pytest.approx(2e-9)


def test_material_and_model_sources():
    r = polycrystal("Si", 100e-9, "G=5e8", temperature=300.0)
    assert r.bulk_conductivity == pytest.approx(148.0, rel=1e-6)
    assert r.boundary_resistance == pytest.approx(2e-9)
    assert r.labels[0] == "Si kappa(T)"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"grain_size": 0.0},
        {"grain_size": float("inf")},
        {"bulk_conductivity": 0.0},
        {"resistance": -1e-9},
        {"contact_fraction": 0.0},
        {"contact_fraction": 1.5},
        {"shape_factor": -1.0},
        {"temperature": -5.0},
        {"sweep_grain_sizes": []},
    ],
)
def test_bad_input(kwargs):
    args = {"bulk_conductivity": 148.0, "grain_size": 1e-7, "resistance": 1e-9}
    args.update(kwargs)
    with pytest.raises(InputError) as info:
        polycrystal(**args)
    assert "np.float64" not in str(info.value)
