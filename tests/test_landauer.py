"""The Landauer engine: occupation derivative, quadrature and analytic integrals."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

from conftest import no_warnings
from kapitza import landauer
from kapitza.errors import InputError
from kapitza.units import HBAR, KB


def reference_heat_capacity(x):
    """Series forms of x^2 e^x/(e^x-1)^2, independent of the engine's expm1 form."""
    x = np.asarray(x, dtype=float)
    out = np.empty_like(x)
    small, large = x < 0.1, x > 20
    mid = ~small & ~large
    xs, xl, xm = x[small], x[large], x[mid]
    out[small] = 1 - xs**2 / 12 + xs**4 / 240 - xs**6 / 6048
    e = np.exp(-xl)
    out[large] = xl**2 * e * (1 + 2 * e + 3 * e**2 + 4 * e**3 + 5 * e**4)
    out[mid] = xm**2 * np.exp(xm) / np.expm1(xm) ** 2
    return out


def test_mode_heat_capacity_stable_from_1e_minus8_to_1e3():
    """hbar w dn/dT / kB equals its series to 1e-12 for x = hbar w / kT in [1e-8, 650], is < 1e-299 J/K up to 1e3.

    Reference: an independent computation written in the test (reference_heat_capacity, series forms of x^2
    e^x/(e^x-1)^2); the cut-off bound is analytic: x^2 e^-x kB at x = 650 is about 3e-300 J/K.
    """
    x = np.geomspace(1e-8, 1e3, 2001)
    t = 300.0
    omega = x * KB * t / HBAR
    with no_warnings():
        c = landauer.mode_heat_capacity(omega, t) / KB
    ref = reference_heat_capacity(x)
    exact = x < 650  # beyond, the engine returns 0: the true value is < 1e-299 J/K
    np.testing.assert_allclose(c[exact], ref[exact], rtol=1e-12)
    assert np.all(c[~exact] == 0.0) and np.all(ref[~exact] * KB < 1e-299)
    assert np.all(c >= 0) and np.all(c <= 1 + 1e-15)


def test_mode_heat_capacity_zero_temperature_and_zero_frequency():
    """T = 0 gives exactly 0; omega = 0 gives the classical kB; no warnings either way.

    Analytic limits of x^2 e^x/(e^x-1)^2: 1 as x -> 0 (equipartition, kB) and 0 as x -> infinity (T = 0).
    """
    with no_warnings():
        at_zero_t = landauer.mode_heat_capacity(np.array([0.0, 1e12, 1e14]), 0.0)
        at_zero_w = landauer.mode_heat_capacity(0.0, 300.0)
    assert np.all(at_zero_t == 0.0)
    assert at_zero_w == pytest.approx(KB, rel=1e-15)


def test_classical_statistics_is_kb_for_every_mode():
    """Analytic: classical statistics is equipartition, kB per mode at every frequency."""
    c = landauer.mode_heat_capacity(np.geomspace(1e9, 1e15, 7), 10.0, "classical")
    assert np.all(c == KB)


@dataclass(frozen=True)
class PowerLaw:
    """Phi(omega) = c * omega^p below a cutoff: a minimal TransmittedChannels."""

    c: float
    p: float
    cutoff: float
    labels: tuple[str, ...] = ("all",)

    @property
    def breakpoints(self):
        return np.array([self.cutoff])

    def transmitted_channels(self, omega, temperature=None):
        w = np.asarray(omega, dtype=float)
        return np.where(w <= self.cutoff, self.c * w**self.p, 0.0)[None, None, :]


@pytest.mark.parity
def test_t_cubed_integral_matches_closed_form():
    """Phi = c w^2: G = c kB^4 T^3/hbar^3 * 4 pi^4/15 when the cutoff is far above kT/hbar.

    Analytic: with x = hbar w/kT, G = c kB^4 T^3/hbar^3 int x^4 e^x/(e^x-1)^2 dx and the integral is 4 pi^4/15.
    """
    model = PowerLaw(c=1.0, p=2.0, cutoff=1e15)
    t = np.array([0.01, 0.1, 1.0, 10.0])
    g = landauer.conductance(model, t).conductance
    exact = KB**4 * t**3 / HBAR**3 * 4 * np.pi**4 / 15
    np.testing.assert_allclose(g, exact, rtol=1e-10)


def test_one_dimensional_channel_gives_the_thermal_conductance_quantum():
    """One channel of tau = 1 (Phi = 1/(2 pi)) at kT << hbar w_c carries g0 = pi kB^2 T/(6 hbar).

    The quantum of thermal conductance (Pendry, J. Phys. A 16, 2161 (1983);
    Rego & Kirczenow, Phys. Rev. Lett. 81, 232 (1998)).
    """
    model = PowerLaw(c=1 / (2 * np.pi), p=0.0, cutoff=1e15)
    t = np.array([0.1, 1.0, 30.0])
    g = landauer.conductance(model, t).conductance
    np.testing.assert_allclose(g, np.pi * KB**2 * t / (6 * HBAR), rtol=1e-10)


def test_classical_limit_of_one_channel_is_kb_wc_over_2pi():
    """Analytic: every mode holds kB, so G = kB int_0^wc Phi dw = kB w_c/(2 pi) for Phi = 1/(2 pi) (the closed form
    coded in the test).
    """
    model = PowerLaw(c=1 / (2 * np.pi), p=0.0, cutoff=3e13)
    g = landauer.conductance(model, [1.0, 1e4], statistics="classical").conductance
    np.testing.assert_allclose(g, KB * 3e13 / (2 * np.pi), rtol=1e-12)


@pytest.mark.parity
def test_vectorised_result_equals_one_temperature_at_a_time():
    """The reference is an independent computation written in the test (one call per temperature)."""
    model = PowerLaw(c=2.0, p=2.0, cutoff=5e13)
    t = np.geomspace(0.5, 2000, 37)
    together = landauer.conductance(model, t).conductance
    one_by_one = np.array([landauer.conductance(model, ti).conductance[0] for ti in t])
    np.testing.assert_allclose(together, one_by_one, rtol=1e-12)


def test_zero_temperature_gives_zero_conductance_without_warnings():
    """Analytic: dn/dT = 0 at T = 0 for every w > 0, so G = 0 exactly."""
    model = PowerLaw(c=1.0, p=2.0, cutoff=5e13)
    with no_warnings():
        g = landauer.conductance(model, [0.0, 0.0]).conductance
    assert np.all(g == 0.0)


def test_groups_sum_to_total():
    """Analytic: the Landauer integral is linear in Phi_b, so the per-group conductances add to the total."""

    @dataclass(frozen=True)
    class TwoGroups:
        labels: tuple[str, ...] = ("a", "b")

        @property
        def breakpoints(self):
            return np.array([1e13, 4e13])

        def transmitted_channels(self, omega, temperature=None):
            w = np.asarray(omega)
            return np.vstack([np.where(w < 1e13, w**2, 0.0), np.where(w < 4e13, 0.5 * w**2, 0.0)])[None]

    r = landauer.conductance(TwoGroups(), [10.0, 300.0])
    np.testing.assert_allclose(r.by_group.sum(axis=0), r.conductance, rtol=1e-14)
    assert r.labels == ("a", "b")


def test_spectral_conductance_integrates_to_conductance():
    """The reference is an independent computation written in the test (trapezoid rule on 200001 points, hence rel
    1e-6).
    """
    model = PowerLaw(c=1.0, p=2.0, cutoff=5e13)
    w = np.linspace(0, 5e13, 200001)
    dg = landauer.spectral_conductance(model, w, 300.0)[0]
    total = landauer.conductance(model, 300.0).conductance[0]
    assert np.trapezoid(dg, w) == pytest.approx(total, rel=1e-6)


@pytest.mark.parametrize("bad", [-1.0, np.nan, np.inf, "hot", [300.0, -5.0], True, [[1.0, 2.0]], []])
def test_bad_temperatures_raise_input_error(bad):
    with pytest.raises(InputError):
        landauer.as_temperatures(bad)


def test_unknown_statistics_raises_input_error():
    with pytest.raises(InputError, match="statistics"):
        landauer.mode_heat_capacity(1e12, 300.0, "fermi-dirac")


def test_integrate_checks_shapes_and_finiteness():
    w = np.linspace(1e12, 1e13, 10)
    with pytest.raises(InputError):
        landauer.integrate(w, np.ones(10), np.ones((1, 9)), 300.0)
    with pytest.raises(InputError, match="NaN"):
        landauer.integrate(w, np.ones(10), np.full(10, np.nan), 300.0)


@dataclass(frozen=True)
class ScaledByTemperature:
    """Phi(omega, T) = (T / 100 K) * c omega^2: a temperature-dependent model with a closed form."""

    c: float = 1.0
    labels: tuple[str, ...] = ("all",)

    @property
    def breakpoints(self):
        return np.array([1e15])

    def transmitted_channels(self, omega, temperature=None):
        w = np.asarray(omega)
        return (np.asarray(temperature)[:, None, None] / 100.0) * self.c * w[None, None, :] ** 2


def test_temperature_dependent_models_are_integrated_per_temperature():
    """Analytic: Phi = (T/100) w^2 gives (T/100) times the T^3 closed form c kB^4 T^3/hbar^3 * 4 pi^4/15."""
    t = np.geomspace(0.1, 10.0, 1100)  # more than one block of temperatures
    g = landauer.conductance(ScaledByTemperature(), t).conductance
    exact = (t / 100.0) * KB**4 * t**3 / HBAR**3 * 4 * np.pi**4 / 15
    np.testing.assert_allclose(g, exact, rtol=1e-10)
    dg = landauer.spectral_conductance(ScaledByTemperature(), np.array([1e12]), 5.0)
    assert dg.shape == (1, 1) and dg[0, 0] > 0


@pytest.mark.parametrize("t", [5e-324, 1e-300, 1e-200])
def test_tiny_temperatures_give_zero_conductance_without_overflow(t):
    """Below ~1e-290 K, G ~ a T^3 underflows: 0 to double precision (was OverflowError in the quadrature).

    Reference: the T^3 law G = c kB^4 T^3/hbar^3 * 4 pi^4/15 for Phi = c w^2, below 1e-600 here.
    """
    model = PowerLaw(c=1.0, p=2.0, cutoff=5e13)
    with no_warnings():
        g = landauer.conductance(model, [t, 1.0]).conductance
    assert g[0] == 0.0 and g[1] > 0


@pytest.mark.law
def test_tiny_temperature_that_is_representable_follows_t_cubed():
    """At 1e-100 K, G = c kB^4 T^3/hbar^3 * 4 pi^4/15 (closed form of the T^3 integral), ~1e-279 W m^-2 K^-1."""
    model = PowerLaw(c=1.0, p=2.0, cutoff=5e13)
    t = 1e-100
    with no_warnings():
        g = landauer.conductance(model, t).conductance[0]
    assert g == pytest.approx(KB**4 * t**3 / HBAR**3 * 4 * np.pi**4 / 15, rel=1e-9)


def test_huge_temperature_gives_the_classical_limit_without_warnings():
    """T = 1e308 K: every mode holds kB (the classical limit, kB w_c/(2 pi) for one channel).

    Analytic: G = kB int_0^wc dw/(2 pi) = kB w_c/(2 pi) when every mode holds kB.
    """
    model = PowerLaw(c=1 / (2 * np.pi), p=0.0, cutoff=3e13)
    with no_warnings():
        g = landauer.conductance(model, 1e308).conductance[0]
    assert g == pytest.approx(KB * 3e13 / (2 * np.pi), rel=1e-9)


@pytest.mark.parametrize(
    "bad,message",
    [
        (None, "temperature must be a number in K, got None"),
        (np.float64(-5.0), "got -5 K"),
        ([300.0, np.float64(-5.0)], "got -5 K"),
    ],
)
def test_temperature_messages_are_plain_numbers(bad, message):
    with pytest.raises(InputError) as info:
        landauer.as_temperatures(bad)
    assert message in str(info.value) and "np." not in str(info.value)


def test_too_many_temperatures_are_refused_with_an_estimate():
    """Issue 63: the refusal states what the largest accepted run costs, as measured by benchmarks/long_outputs.py
    (MAX_TEMPERATURES_COST), in the same words from the library and from a command line's range (one rule)."""
    from kapitza.cli.common import temperature_values

    seconds, gb = landauer.MAX_TEMPERATURES_COST
    assert seconds > 1 and gb > 0.1  # a measured cost, not a placeholder
    with pytest.raises(InputError, match="at most 100,000") as library:
        landauer.as_temperatures(np.ones(landauer.MAX_TEMPERATURES + 1))
    with pytest.raises(InputError, match="at most 100,000") as command_line:
        temperature_values("1:10:100001")
    cost = f"about {seconds:.0f} s and {gb:.1f} GB"
    assert cost in str(library.value) and cost in str(command_line.value)
    assert str(library.value).split("100,001")[1] == str(command_line.value).split("100,001")[1]


def test_landauer_result_is_read_only_with_a_short_repr():
    r = landauer.conductance(PowerLaw(c=1.0, p=2.0, cutoff=5e13), np.geomspace(1, 300, 500))
    with pytest.raises(ValueError):
        r.conductance[0] = 0.0
    assert len(repr(r)) < 300


def test_a_model_with_the_wrong_shape_is_refused():
    """The one protocol: (n_T or 1, n_groups, n_omega); a 2D answer is refused with the expected shape."""

    @dataclass(frozen=True)
    class Flat:
        labels: tuple[str, ...] = ("all",)

        @property
        def breakpoints(self):
            return np.array([1e13])

        def transmitted_channels(self, omega, temperature=None):
            return np.ones((1, np.size(omega)))

    with pytest.raises(InputError, match="expected"):
        landauer.conductance(Flat(), 300.0)


def test_the_heat_capacity_grid_is_each_temperature_on_its_own_bit_for_bit():
    """Issue 63 made the (temperatures, frequencies) grid by broadcasting instead of raveled copies: every row of
    the grid equals, bit for bit, the same frequencies at that one temperature, including T = 0, a temperature where
    omega/T overflows (1e-300 K), x below 1e-8 and beyond 650; and the shapes are those of the inputs broadcast."""
    from kapitza.landauer import mode_heat_capacity

    omega = np.concatenate([[0.0, 1e-30, 1e5], np.geomspace(1e8, 1e15, 200)])
    temperature = np.array([0.0, 1e-300, 1e-6, 0.1, 1.0, 300.0, 1e5])
    grid = mode_heat_capacity(omega[None, :], temperature[:, None])
    assert grid.shape == (temperature.size, omega.size)
    for i, t in enumerate(temperature):
        np.testing.assert_array_equal(grid[i], mode_heat_capacity(omega, t))
        assert mode_heat_capacity(omega[5], t).shape == ()
    assert np.all(grid[0] == 0.0) and np.all(grid[1, 1:] == 0.0) and grid[-1, 3] > 0  # omega = 0: kB at T > 0
    assert mode_heat_capacity(omega[:, None], temperature[None, :], "classical").shape == (omega.size, temperature.size)
