"""The layered stack: energy balance, jumps q R, limits, kappa(T) through the Kirchhoff transform, bad input."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.integrate import quad

from kapitza.devices.sources import FixedResistance, PowerLawResistance, resistance_source
from kapitza.devices.stack import make_stack, solve_stack, stack_resistance
from kapitza.errors import InputError
from kapitza.materials.conductivity import thermal_conductivity

Q = 1e8


def _three(r1: float | str = 1e-8, r2: float | str = 2e-8):
    layers = [
        {"name": "a", "conductivity": 10.0, "thickness": 100e-9},
        {"name": "b", "conductivity": 100.0, "thickness": 1e-6},
        {"name": "c", "conductivity": 50.0, "thickness": 10e-6},
    ]
    return make_stack(layers, [r1, r2])


def test_constant_properties_closed_form():
    """Delta T = q (sum d/kappa + sum R) (Fourier's law in series; Swartz & Pohl, Rev. Mod. Phys. 61, 605 (1989))."""
    res = solve_stack(_three(), Q, 300.0)
    expected = Q * (100e-9 / 10 + 1e-6 / 100 + 10e-6 / 50 + 1e-8 + 2e-8)
    assert res.total_drop == pytest.approx(expected, rel=1e-12)
    assert res.total_resistance == pytest.approx(stack_resistance(_three(), 300.0), rel=1e-12)
    np.testing.assert_allclose(res.layer_resistance, [1e-8, 1e-8, 2e-7], rtol=1e-12)


def test_jumps_are_q_times_r_and_flux_is_the_same_everywhere():
    """Energy balance: the same flux crosses every layer (kappa dT/dx = q), and each jump is q R.

    Derivation in kapitza.devices.stack's docstring: steady 1D conduction carries one flux q, and Delta T = q R at
    each interface (Swartz & Pohl, Rev. Mod. Phys. 61, 605 (1989)).
    """
    res = solve_stack(_three(), Q, 300.0, points_per_layer=11)
    np.testing.assert_allclose(res.interface_jump, Q * np.array([1e-8, 2e-8]), rtol=1e-12)
    for i, k in enumerate((10.0, 100.0, 50.0)):
        here = res.layer_index == i
        flux = -k * np.gradient(res.temperature[here], res.position[here])
        np.testing.assert_allclose(flux, Q, rtol=1e-9)
    # the profile shows each jump as two points at the same position
    for j, x in enumerate(res.interface_position):
        at = np.flatnonzero(np.isclose(res.position, x, rtol=0, atol=1e-15))
        assert at.size == 2
        assert res.temperature[at[0]] - res.temperature[at[1]] == pytest.approx(res.interface_jump[j], rel=1e-12)


def test_no_interface_resistance_is_the_bulk_result():
    """R = 0 everywhere: the drop is that of the layers alone, and one merged layer gives the same.

    Analytic: the layers' drops q d/kappa add, Q (100e-9/10 + 1e-6/100 + 10e-6/50) = Q (1e-8 + 1e-8 + 2e-7); one 100
    nm layer of kappa 10 gives Q 1e-8.
    """
    res = solve_stack(_three(0.0, 0.0), Q, 300.0)
    merged = make_stack([{"conductivity": 10.0, "thickness": 100e-9}], [])
    assert solve_stack(merged, Q, 300.0).total_drop == pytest.approx(Q * 1e-8, rel=1e-12)
    assert res.total_drop == pytest.approx(Q * (1e-8 + 1e-8 + 2e-7), rel=1e-12)
    assert res.interface_share == 0.0


def test_large_r_dominates_the_budget():
    """R -> large: the interface takes the whole drop and crossover_scale >> 1.

    Analytic: the shares are fractions of one total (sum 1); R = 1e-3 per interface is far above the layers' d/kappa.
    """
    res = solve_stack(_three(1e-3, 1e-3), 10.0, 300.0)
    assert res.interface_share > 0.999
    assert res.crossover_scale > 1e3
    shares = [row[2] for row in res.budget]
    assert sum(shares) == pytest.approx(1.0, rel=1e-12)


def test_kapitza_length_and_crossover():
    """L_K = kappa R for both neighbours; crossover_scale = sum R / sum d/kappa.

    Analytic: L_K = kappa R, and sum R/sum d/kappa = (1e-8 + 2e-8)/(1e-8 + 1e-8 + 2e-7) = 3e-8/2.2e-7.
    """
    res = solve_stack(_three(), Q, 300.0)
    np.testing.assert_allclose(res.kapitza_length[0], [10.0 * 1e-8, 100.0 * 1e-8], rtol=1e-12)
    np.testing.assert_allclose(res.kapitza_length[1], [100.0 * 2e-8, 50.0 * 2e-8], rtol=1e-12)
    assert res.crossover_scale == pytest.approx(3e-8 / 2.2e-7, rel=1e-12)


def test_kappa_of_t_obeys_the_kirchhoff_transform():
    """In a layer with kappa(T): int_{T_bottom}^{T_top} kappa dT = q d (Kirchhoff transform of Fourier's law:
    analytic)."""
    stack = make_stack([{"material": "Si", "thickness": 500e-6}], [])
    q = 3e7
    res = solve_stack(stack, q, 300.0)
    t_top = res.top_temperature
    integral, _ = quad(lambda t: thermal_conductivity("Si", t), 300.0, t_top, epsabs=0, epsrel=1e-10)
    assert t_top - 300.0 > 50.0  # a large drop: kappa changes by more than 30 % across the layer
    assert integral == pytest.approx(q * 500e-6, rel=1e-6)
    linear = solve_stack(stack, q, 300.0, self_consistent=False)
    assert linear.top_temperature == pytest.approx(300.0 + q * 500e-6 / 148.0, rel=1e-9)
    assert t_top > linear.top_temperature  # kappa of Si falls with T, so the hot side is hotter


def test_r_of_t_is_evaluated_at_the_interface_mean_temperature():
    """A T^-3 resistance: the jump satisfies Delta T = q R((T_u + T_l)/2) exactly, and the small-q limit is linear.

    Derivation in kapitza.devices.stack's docstring: the jump solves Delta T = q R((T_lower + Delta T/2)) exactly; for
    q -> 0 it tends to q R(T_sink).
    """
    law = PowerLawResistance(1e-3, 1.0, 3.0)
    stack = make_stack([{"conductivity": 100.0, "thickness": 1e-6}, {"conductivity": 100.0, "thickness": 1e-6}], [law])
    res = solve_stack(stack, 2e3, 1.5)
    t_mid = res.interface_temperature[0]
    assert res.interface_jump[0] == pytest.approx(2e3 * law.at(t_mid), rel=1e-10)
    assert res.interface_jump[0] > 0.1  # a large drop relative to 1.5 K
    small = solve_stack(stack, 1.0, 1.5)
    assert small.interface_jump[0] == pytest.approx(1.0 * law.at(1.5), rel=1e-3)


def test_model_interface_uses_the_neighbouring_materials_and_adds_r_ep():
    """A bare 'dmm' between Al and Si is dmm:Al/Si at the local T, with Al's electron-phonon R in series
    (Majumdar & Reddy, Appl. Phys. Lett. 84, 4768 (2004)); the two-temperature profiles meet far from it."""
    stack = make_stack(
        [{"material": "Al", "conductivity": 237.0, "thickness": 200e-9}, {"material": "Si", "thickness": 100e-6}],
        ["dmm"],
    )
    res = solve_stack(stack, Q, 300.0)
    source = stack.interfaces[0]
    t_mid = float(res.interface_temperature[0])
    assert res.interface_resistance[0] == pytest.approx(
        source.phonon_resistance(t_mid) + source.electron_phonon_resistance(), rel=1e-9
    )
    assert source.electron_phonon_resistance() > 0
    (metal,) = res.metal_sides
    assert metal.layer == 0
    far = metal.position.argmin()  # deepest point into the Al
    assert abs(metal.electron_temperature[far] - metal.phonon_temperature[far]) < 1e-3 * abs(
        metal.electron_temperature[0] - metal.phonon_temperature[0]
    )
    # at the interface the phonons are colder than the electrons by about q d / kappa_p (heat flows into Si)
    near = metal.position.argmax()
    assert metal.phonon_temperature[near] < metal.electron_temperature[near]


def test_negative_flux_heats_the_sink_side_and_below_zero_is_refused():
    stack = _three()
    res = solve_stack(stack, -Q, 300.0)
    assert res.top_temperature < 300.0
    with pytest.raises(InputError, match="below 0 K"):
        solve_stack(stack, -1e12, 300.0)


@pytest.mark.parametrize(
    "layers, interfaces, match",
    [
        ([], [], "at least one layer"),
        ([{"conductivity": 1.0, "thickness": -1e-9}], [], "thickness"),
        ([{"conductivity": -1.0, "thickness": 1e-9}], [], "conductivity"),
        ([{"material": "unobtainium", "thickness": 1e-9}], [], "unobtainium"),
        ([{"conductivity": 1.0, "thickness": 1e-9}] * 2, [], "interfaces"),
        ([{"conductivity": 1.0, "thickness": 1e-9}] * 2, [-1e-9], "resistance"),
        ([{"conductivity": 1.0, "thickness": 1e-9}] * 2, ["dmm"], "materials"),
        ([{"material": "He4", "thickness": 1e-9}], [], "conductivity"),
        ([{"thickness": 1e-9}], [], "material or a conductivity"),
    ],
)
def test_bad_stacks(layers, interfaces, match):
    with pytest.raises(InputError, match=match):
        make_stack(layers, interfaces)


@pytest.mark.parametrize("q, t, match", [(0.0, 300.0, "non-zero"), (np.nan, 300.0, "finite"), (1e8, 0.0, "> 0 K")])
def test_bad_conditions(q, t, match):
    with pytest.raises(InputError, match=match):
        solve_stack(_three(), q, t)


def test_result_is_frozen_and_saves(tmp_path):
    res = solve_stack(_three(), Q, 300.0)
    with pytest.raises(ValueError):
        res.temperature[0] = 0.0
    assert "top_temperature" in repr(res) and len(repr(res)) < 240
    path = res.save(tmp_path / "stack.json")
    assert path.stat().st_size > 0
    # a fixed source keeps its value and label
    assert isinstance(resistance_source("R=1e-8"), FixedResistance)
