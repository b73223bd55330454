"""Heated film on a substrate: the 1D closed form, R -> 0 and R -> inf, and the Kapitza-length crossover."""

from __future__ import annotations

import numpy as np
import pytest

from kapitza.devices.film import film_scaling
from kapitza.errors import InputError

Q = 1e8
D = np.array([1e-9, 1e-8, 1e-7, 1e-6])


def test_closed_form_rise():
    """Delta T = q (d_f/k_f + R + d_s/k_s) (series conduction; Cahill et al., J. Appl. Phys. 93, 793 (2003), sec. I)."""
    res = film_scaling(10.0, 148.0, 2e-8, D, heat_flux=Q, substrate_thickness=1e-4)
    np.testing.assert_allclose(res.rise_with, Q * (D / 10.0 + 2e-8 + 1e-4 / 148.0), rtol=1e-12)
    np.testing.assert_allclose(res.rise_without, Q * (D / 10.0 + 1e-4 / 148.0), rtol=1e-12)
    np.testing.assert_allclose(res.interface_jump, Q * 2e-8, rtol=1e-12)


def test_crossover_is_the_kapitza_length():
    """Analytic: at d_f = L_K = k_f R the film and its interface drop the same temperature; R multiplies the film's own
    rise by 1 + L_K/d_f."""
    res = film_scaling(10.0, 148.0, 2e-8, [2e-7], heat_flux=Q, substrate_thickness=1e-4)
    assert res.crossover_thickness == pytest.approx(10.0 * 2e-8, rel=1e-12)
    assert res.film_drop[0] == pytest.approx(res.interface_jump[0], rel=1e-12)
    thin = film_scaling(10.0, 148.0, 2e-8, D, heat_flux=Q, substrate_thickness=1e-4)
    np.testing.assert_allclose(thin.enhancement, 1 + 2e-7 / D, rtol=1e-10)


def test_r_limits():
    """R -> 0: with and without agree; R large: the interface takes nearly all of the rise.

    Analytic: Delta T = q (d_f/kappa_f + R_K + d_s/kappa_s) (kapitza.devices.film's docstring); R_K = 1e-2 dwarfs the
    layers' d/kappa.
    """
    zero = film_scaling(10.0, 148.0, 0.0, D, heat_flux=Q, substrate_thickness=1e-6)
    np.testing.assert_allclose(zero.rise_with, zero.rise_without, rtol=1e-12)
    big = film_scaling(10.0, 148.0, 1e-2, D, heat_flux=1e3, substrate_thickness=1e-6)
    assert np.all(big.interface_fraction > 0.999)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"film_thickness": [-1e-9]}, "thickness"),
        ({"film_thickness": []}, "thickness"),
        ({"heat_flux": 0.0}, "heat_flux"),
        ({"substrate_thickness": 0.0}, "thickness"),
    ],
)
def test_bad_input(kwargs, match):
    args = {"film_thickness": D, "heat_flux": Q, "substrate_thickness": 1e-4, **kwargs}
    thickness = args.pop("film_thickness")
    with pytest.raises(InputError, match=match):
        film_scaling(10.0, 148.0, 1e-8, thickness, **args)
