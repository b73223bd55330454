"""The thermoreflectance model against its closed-form limits (issue 14, "Tests": limits with closed forms).

Notation (as in ``model.py``): a pump of 1/e^2 radius w0 and unit absorbed power, read by a probe of
radius w1; s = w0^2 + w1^2; H(f) is the probe-averaged surface temperature per W (K W^-1);
Z(u, omega) is the surface impedance (K m^2 W^-1) at Hankel variable u (rad m^-1); and

    H = (1 / 2 pi) * integral_0^inf Z(u, omega) exp(-u^2 s / 8) u du        (Cahill, RSI 75, 5119 (2004)).

Each test derives its reference from this integral in a limit where it is elementary, and states
the size of the terms the limit drops; the tolerances sit above those terms and above the model's
requested quadrature accuracy (rtol = 1e-6 unless stated).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from kapitza.analysis.thermoreflectance import Interface, Laser, Layer, Sample
from kapitza.analysis.thermoreflectance.model import fdtr_signal, steady_heating, surface_response
from kapitza.errors import InputError

# Room-temperature values of the usual test stack, 100 nm Al on sapphire (the example of Schmidt,
# Cheaito & Chiesa, RSI 80, 094901 (2009)); the limits do not depend on them.
AL = {"heat_capacity": 2.43e6, "k_z": 180.0, "k_r": 180.0}
SAPPHIRE = {"heat_capacity": 3.1e6, "k_z": 35.0, "k_r": 35.0}


def _substrate(**override: float) -> Layer:
    values = {"thickness": math.inf, **SAPPHIRE, **override}
    return Layer("substrate", **values)


def _sample(layers: list[Layer], conductances: list[float], w0: float, w1: float | None = None) -> Sample:
    interfaces = tuple(Interface(f"i{n}", g) for n, g in enumerate(conductances))
    laser = Laser(pump_radius=w0, probe_radius=w0 if w1 is None else w1)
    return Sample(layers=tuple(layers), interfaces=interfaces, laser=laser)


def _area(sample: Sample) -> float:
    """The effective heated area of the 1-D limit: pi (w0^2 + w1^2) / 2, m^2.

    At u -> 0, Z does not depend on u, and (1/2 pi) integral exp(-u^2 s/8) u du = 2 / (pi s).
    """
    return math.pi * (sample.laser.pump_radius**2 + sample.laser.probe_radius**2) / 2.0


# --- steady state of a semi-infinite substrate ----------------------------------------------------
@pytest.mark.parametrize(("w0", "w1"), [(10e-6, 10e-6), (10e-6, 4e-6), (3e-6, 20e-6)])
def test_steady_state_semi_infinite(w0: float, w1: float) -> None:
    """One semi-infinite isotropic layer, no transducer, f = 0: dT = P / (sqrt(2 pi) k sqrt(w0^2 + w1^2)).

    Derivation: Z = 1/(k u) at omega = 0, so H = (1/(2 pi k)) integral exp(-u^2 s/8) du
    = (1/(2 pi k)) sqrt(2 pi / s) = 1 / (sqrt(2 pi) k sqrt(s)); for w0 = w1 = w this is
    1 / (2 sqrt(pi) k w), Cahill RSI 75, 5119 (2004), Eq. 5 (the steady heating of a Gaussian spot).
    The model's integral starts 1e-6 below the beam scale, dropping ~1e-6 of H; tolerance 1e-5.
    """
    k = 35.0
    sample = _sample([_substrate()], [], w0, w1)
    expected = 1.0 / (math.sqrt(2.0 * math.pi) * k * math.sqrt(w0**2 + w1**2))
    h0 = surface_response(sample, [0.0])[0]
    assert h0.real == pytest.approx(expected, rel=1e-5)
    assert abs(h0.imag) <= 1e-12 * expected
    if w0 == w1:
        assert h0.real == pytest.approx(1.0 / (2.0 * math.sqrt(math.pi) * k * w0), rel=1e-5)
    # steady_heating is P H(0), K.
    assert steady_heating(sample, absorbed_power=0.02) == pytest.approx(0.02 * expected, rel=1e-5)


def test_steady_state_anisotropic_uses_geometric_mean() -> None:
    """An anisotropic semi-infinite substrate at f = 0 heats as an isotropic one of k = sqrt(k_z k_r).

    Derivation: q = sqrt(k_r/k_z) u, so Z = 1/(k_z q) = 1/(sqrt(k_z k_r) u); the rest as in
    ``test_steady_state_semi_infinite`` (Schmidt, Chen & Chen, RSI 79, 114902 (2008): only
    sqrt(k_z k_r) enters the steady spreading of a semi-infinite anisotropic solid).  Tolerance 1e-5.
    """
    w = 8e-6
    sample = _sample([_substrate(k_z=5.0, k_r=80.0)], [], w)
    expected = 1.0 / (2.0 * math.sqrt(math.pi) * math.sqrt(5.0 * 80.0) * w)
    assert surface_response(sample, [0.0])[0].real == pytest.approx(expected, rel=1e-5)


def test_low_frequency_tends_to_steady_state() -> None:
    """H(f) -> H(0) as f -> 0: the first correction is ~ w sqrt(omega C / k) (the spot over the
    thermal penetration depth), 2e-4 at f = 1e-3 Hz for w = 10 um on sapphire, and shrinks as sqrt(f)."""
    sample = _sample([_substrate()], [], 10e-6)
    h = surface_response(sample, [0.0, 1e-3, 1e-1])
    rel = np.abs(h[1:] - h[0]) / abs(h[0])
    assert rel[0] < 1e-3
    assert rel[0] < rel[1]  # closer to the steady state at the lower frequency


# --- the one-dimensional limits (spot >> thermal length) ------------------------------------------
def test_one_dimensional_semi_infinite() -> None:
    """Spot >> thermal penetration depth on a semi-infinite solid: H = 1 / (e sqrt(i omega) * area).

    Derivation: at u -> 0, Z = 1/(k q) with q = sqrt(i omega C / k), i.e. 1/(e sqrt(i omega)),
    e = sqrt(k C) the effusivity; the Gaussian integral gives the area pi (w0^2 + w1^2)/2 (see
    ``_area``).  The phase is exactly -45 degrees.  Dropped terms: u^2 / q^2 ~ (8/s) k / (omega C),
    below 1e-5 for w = 1 mm and f >= 1e5 Hz on sapphire.  Tolerance 1e-4 (magnitude), 0.01 degree.
    """
    sample = _sample([_substrate()], [], 1e-3)
    f = np.array([1e5, 1e6, 1e7])
    omega = 2.0 * math.pi * f
    effusivity = math.sqrt(SAPPHIRE["k_z"] * SAPPHIRE["heat_capacity"])
    expected = 1.0 / (effusivity * np.sqrt(1j * omega) * _area(sample))
    h = surface_response(sample, f)
    np.testing.assert_allclose(h, expected, rtol=1e-4)
    np.testing.assert_allclose(fdtr_signal(sample, f).phase_deg, -45.0, atol=0.01)


def _transfer_matrix_1d(layers: list[Layer], conductances: list[float], omega: float) -> complex:
    """The 1-D (u = 0) surface impedance of a stack on a semi-infinite substrate, K m^2 W^-1,
    written out as Cahill's 2x2 transfer matrices (RSI 75, 5119 (2004), Eqs. 9-12), independently
    of the model's impedance recursion.

    State (theta, F): temperature and downward heat flux.  Across a layer (q = sqrt(i omega C / k_z)),
    theta = a e^{qz} + b e^{-qz} gives  [theta, F]_bottom = [[cosh qd, -sinh qd / (k q)],
    [-k q sinh qd, cosh qd]] [theta, F]_top; across an interface, [[1, -1/G], [0, 1]].  In the
    semi-infinite substrate only e^{-qz} survives: F = k_s q_s theta at its top.  With M the product
    from the surface down to the substrate's top, that condition on M [theta0, F0] gives
    Z = theta0 / F0 = -(M22 - g M12) / (M21 - g M11), g = k_s q_s.
    """
    m = np.eye(2, dtype=complex)
    for n, layer in enumerate(layers[:-1]):
        q = np.sqrt(1j * omega * layer.heat_capacity / layer.k_z)
        kq = layer.k_z * q
        qd = q * layer.thickness
        m = np.array([[np.cosh(qd), -np.sinh(qd) / kq], [-kq * np.sinh(qd), np.cosh(qd)]]) @ m
        m = np.array([[1.0, -1.0 / conductances[n]], [0.0, 1.0]]) @ m
    sub = layers[-1]
    g = sub.k_z * np.sqrt(1j * omega * sub.heat_capacity / sub.k_z)
    return complex(-(m[1, 1] - g * m[0, 1]) / (m[1, 0] - g * m[0, 0]))


def test_large_spot_film_on_substrate_is_the_1d_transfer_matrix() -> None:
    """100 nm Al / G = 1e8 W m^-2 K^-1 / sapphire under a 1 mm spot equals the 1-D transfer matrix
    (``_transfer_matrix_1d``) divided by the area pi (w0^2 + w1^2)/2.

    Dropped terms: the substrate's u^2 / q^2 (< 1e-4 at f >= 1e5 Hz, w = 1 mm) and the film's in-plane
    spreading k_r d u^2 Z (smaller still).  Tolerance 1e-3 on the complex H, 0.02 degree on the phase.
    """
    layers = [Layer("Al", 100e-9, **AL), _substrate()]
    conductances = [1e8]
    sample = _sample(layers, conductances, 1e-3)
    f = np.array([1e5, 1e6, 1e7, 3e7])
    expected = np.array([_transfer_matrix_1d(layers, conductances, 2 * math.pi * x) for x in f]) / _area(sample)
    h = surface_response(sample, f)
    np.testing.assert_allclose(h, expected, rtol=1e-3)
    np.testing.assert_allclose(np.degrees(np.angle(h)), np.degrees(np.angle(expected)), atol=0.02)
    # The film and the interface matter here (the check is not the bare substrate's -45 degrees).
    assert np.all(np.abs(np.degrees(np.angle(expected[1:])) + 45.0) > 1.0)


def test_lumped_capacitance_of_a_finite_layer() -> None:
    """A single finite layer on an adiabatic back face, 1-D and at f << k / (C d^2): the layer heats
    as a lumped capacitance, H = 1 / (i omega C d * area).

    Derivation: Z = 1/(k q tanh qd) -> 1/(k q^2 d) = 1/(i omega C d) for qd -> 0, the relative
    correction being (qd)^2/3 = i omega C d^2 / (3 k), 4e-5 at 1 MHz for d = 100 nm, k = 100 W/m/K,
    C = 2e6 J/m^3/K (it reaches 4e-3 at 10 MHz, so the test stops at 1 MHz); in-plane spreading adds
    k <u^2> / (omega C) with <u^2> = 8/s, 3e-4 at 0.1 MHz for w = 1 mm.  Tolerance 1e-3.
    With no semi-infinite substrate there is no steady state: f = 0 is refused.
    """
    layer = Layer("film", 100e-9, heat_capacity=2e6, k_z=100.0, k_r=100.0)
    sample = _sample([layer], [], 1e-3)
    f = np.array([1e5, 3e5, 1e6])
    omega = 2.0 * math.pi * f
    expected = 1.0 / (1j * omega * layer.heat_capacity * layer.thickness * _area(sample))
    np.testing.assert_allclose(surface_response(sample, f), expected, rtol=1e-3)
    np.testing.assert_allclose(fdtr_signal(sample, f).phase_deg, -90.0, atol=0.05)
    with pytest.raises(InputError):
        surface_response(sample, [0.0])


# --- transducer and interface limits --------------------------------------------------------------
def test_thin_conductive_transducer_is_invisible() -> None:
    """A transducer with d -> 0, C -> 0, k -> inf in perfect contact leaves the substrate's response.

    Layer(d = 0.01 nm, C = 1e3 J m^-3 K^-1, k = 1e3 W/m/K) on sapphire, w = 5 um: its series
    resistance d/k = 1e-14 m^2 K/W against the substrate's Z >= 1e-8, its heat capacity omega C d
    against k_s q_s, and its in-plane spreading k d u^2 Z (<= 3e-4 where the beam weight is
    not negligible) are the dropped terms.  Tolerance 1e-3 on the complex H, 0.02 degree on the phase.
    """
    w = 5e-6
    thin = Layer("skin", 1e-11, heat_capacity=1e3, k_z=1e3, k_r=1e3)
    with_skin = _sample([thin, _substrate()], [math.inf], w)
    bare = _sample([_substrate()], [], w)
    f = np.array([1e4, 1e5, 1e6, 1e7])
    h_skin, h_bare = surface_response(with_skin, f), surface_response(bare, f)
    np.testing.assert_allclose(h_skin, h_bare, rtol=1e-3)
    np.testing.assert_allclose(np.degrees(np.angle(h_skin)), np.degrees(np.angle(h_bare)), atol=0.02)


def test_infinite_conductance_merges_layers() -> None:
    """G = inf is no interface: Al 40 nm | G = inf | Al 60 nm on sapphire equals Al 100 nm on sapphire.

    Exact (a layer is a product of transfer matrices, and cosh/sinh add over thickness: M(d1) M(d2)
    = M(d1 + d2)); only the two quadratures differ, each to rtol 1e-7 as requested here.  The TDTR
    signals are linear in H (a sum over H at the sidebands), so equal H means equal TDTR signals.
    """
    w = 10e-6
    split = _sample([Layer("a", 40e-9, **AL), Layer("b", 60e-9, **AL), _substrate()], [math.inf, 1e8], w)
    merged = _sample([Layer("a", 100e-9, **AL), _substrate()], [1e8], w)
    f = np.array([1e4, 1e6, 1e8])
    np.testing.assert_allclose(surface_response(split, f, rtol=1e-7), surface_response(merged, f, rtol=1e-7), rtol=1e-6)


def test_large_conductance_approaches_no_interface() -> None:
    """H(G) -> H(G = inf) as 1/G: the interface adds 1/G in series with the substrate's Z
    (~1e-8 K m^2/W at these frequencies), so the relative difference scales as 1/(G Z)."""
    w = 10e-6
    f = np.array([1e5, 1e7])

    def h(g: float) -> np.ndarray:
        return surface_response(_sample([Layer("Al", 100e-9, **AL), _substrate()], [g], w), f, rtol=1e-8)

    h_inf = h(math.inf)
    d10 = np.abs(h(1e10) - h_inf) / np.abs(h_inf)
    d12 = np.abs(h(1e12) - h_inf) / np.abs(h_inf)
    assert np.all(d12 < 1e-4)
    # Ten-fold per decade of G would be 100x over two decades; allow the quadrature's floor.
    assert np.all(d10 > 30 * d12)
