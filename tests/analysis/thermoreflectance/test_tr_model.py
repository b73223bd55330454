"""The multilayer model's own machinery: the Lerch sum, the quadrature check, symmetry, refusals."""

from __future__ import annotations

import math

import numpy as np
import pytest

from kapitza.analysis.thermoreflectance import Interface, Laser, Layer, Sample
from kapitza.analysis.thermoreflectance import model as M
from kapitza.errors import InputError


def _al_sapphire(g: float = 1e8) -> Sample:
    """80 nm Al on sapphire (C and k near 300 K: Al 2.42 MJ m^-3 K^-1, 237 W/m/K bulk, ~200 in films;
    sapphire 3.06 MJ m^-3 K^-1, 35 W/m/K): the standard TDTR calibration sample (Cahill 2004)."""
    return Sample(
        (Layer("Al", 80e-9, 2.42e6, 200.0, 200.0), Layer("sub", math.inf, 3.06e6, 35.0, 35.0)),
        (Interface("G", g),),
        Laser(10e-6, 5e-6, 80e6, 9.8e6),
    )


@pytest.mark.parity
def test_lerch_sum_equals_the_frequency_sum_done_by_brute_force() -> None:
    """sum_M (i w_M)^-1/2 e^{i M ws tau} summed over 2^21 terms with a smooth (Gaussian) cut,
    vs the Poisson/Lerch form.  The Gaussian cut smooths the time response over
    sigma_t = 1/(ws N / 4), here ~0.3 ps, so at delays of 100 ps and more the two agree to ~1e-4."""
    f_rep, f_mod = 80e6, 9.8e6
    ws, w0 = 2 * math.pi * f_rep, 2 * math.pi * f_mod
    tau = np.array([100e-12, 500e-12, 3e-9])
    n = 2**21
    m = np.arange(-n, n + 1)
    om = w0 + m * ws
    window = np.exp(-((4.0 * m / n) ** 2) / 2)
    brute = np.array([np.sum(window / np.sqrt(1j * om) * np.exp(1j * m * ws * t)) for t in tau])
    exact = M._lerch_sum(tau, w0, 1 / f_rep)
    assert np.allclose(exact, brute, rtol=2e-4, atol=0)


def test_lerch_sum_at_low_modulation_frequency() -> None:
    """The same at f_mod = 0.2 MHz, where |z/(1-z)| = 64 and the direct part needs ~2500 terms."""
    f_rep, f_mod = 80e6, 0.2e6
    ws, w0 = 2 * math.pi * f_rep, 2 * math.pi * f_mod
    tau = np.array([200e-12, 2e-9])
    n = 2**21
    m = np.arange(-n, n + 1)
    om = w0 + m * ws
    window = np.exp(-((4.0 * m / n) ** 2) / 2)
    brute = np.array([np.sum(window / np.sqrt(1j * om) * np.exp(1j * m * ws * t)) for t in tau])
    assert np.allclose(M._lerch_sum(tau, w0, 1 / f_rep), brute, rtol=2e-4, atol=0)


def test_response_is_hermitian_and_decays() -> None:
    """H(-w) = conj H(w) is used by the TDTR sum; here: |H| falls and the phase lags more with f
    (a diffusive response: causality), and the steady value is real and positive."""
    s = _al_sapphire()
    f = np.geomspace(1e3, 1e9, 25)
    h = M.surface_response(s, f)
    assert np.all(np.diff(np.abs(h)) < 0)
    assert np.all(np.angle(h) < 0)
    h0 = M.surface_response(s, [0.0])[0]
    assert h0.imag == 0 and h0.real > abs(h[0])


def test_tdtr_sum_check_reports_and_converges() -> None:
    """Tightening sum_rtol moves the ratio by less than the looser run said it might."""
    s = _al_sapphire()
    d = np.geomspace(100e-12, 4e-9, 12)
    loose = M.tdtr_signal(s, d, sum_rtol=1e-3)
    tight = M.tdtr_signal(s, d, sum_rtol=1e-5)
    assert tight.terms >= loose.terms
    assert np.max(np.abs(tight.ratio / loose.ratio - 1)) <= max(loose.sum_error, 1e-12)
    assert loose.quadrature_error < 1e-6


def test_ratio_falls_with_delay() -> None:
    """The transducer cools between pulses: -V_in/V_out falls with delay for any G (Cahill 2004, Fig. 4)."""
    d = np.geomspace(100e-12, 4e-9, 10)
    for g in (3e7, 3e8):
        assert np.all(np.diff(M.tdtr_signal(_al_sapphire(g), d).ratio) < 0)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda s: M.tdtr_signal(s, [-1e-12]), "delay"),
        (lambda s: M.tdtr_signal(s, [20e-9]), "pulse period"),
        (lambda s: M.tdtr_signal(s, [1e-312, 1e-311]), r"at least 1 ps .*got 1e-300 ps"),
        (lambda s: M.tdtr_signal(s, [0.999e-12, 100e-12]), r"at least 1 ps .*got 0.999 ps"),
        (lambda s: M.fdtr_signal(s, [0.0]), "frequency"),
        (lambda s: M.fdtr_signal(s, [np.nan]), "frequency"),
        (lambda s: M.surface_response(s, [1.0], rtol=0), "rtol"),
        (lambda s: M.observable(s, "tdtr", "phase", [1e-9]), "quantity"),
        (lambda s: M.observable(s, "xdtr", "ratio", [1e-9]), "mode"),
        (lambda s: M.steady_heating(s), "absorbed pump power"),
    ],
)
def test_bad_inputs_are_one_line(call, message) -> None:
    with pytest.raises(InputError, match=message) as info:
        call(_al_sapphire())
    assert "\n" not in str(info.value)


def test_steady_state_needs_a_heat_sink() -> None:
    """A finite stack on an adiabatic back face has no steady state: refused, not infinite."""
    s = Sample((Layer("film", 1e-6, 2e6, 10.0, 10.0),), (), Laser(5e-6, 5e-6))
    with pytest.raises(InputError, match="semi-infinite"):
        M.surface_response(s, [0.0])


def _signals():
    n = 4
    tdtr = M.TDTRSignal(
        delay=np.linspace(1e-10, 4e-9, n),
        in_phase=np.array([300.0, 250.0, 200.0, 150.0]),
        out_of_phase=np.array([-50.0, -52.0, -55.0, -60.0]),
        ratio=np.array([6.0, 250.0 / 52.0, 200.0 / 55.0, 2.5]),
        phase_deg=np.zeros(n),
        modulation_frequency=1e7,
        repetition_rate=8e7,
        terms=10,
        quadrature_error=0.0,
        sum_error=0.0,
    )
    fdtr = M.FDTRSignal(
        frequency=np.array([1e4, 1e5, 1e6, 1e7]),
        phase_deg=np.array([-1.0, -3.0, -9.0, -20.0]),
        amplitude=np.array([1000.0, 900.0, 500.0, 100.0]),
        quadrature_error=0.0,
    )
    return tdtr, fdtr


def test_simulated_columns_follow_the_documented_draws() -> None:
    """Independent computation of the documented recipe: one default_rng(seed), one standard-normal draw per column
    in the order ratio, in_phase, out_of_phase (TDTR) or phase, amplitude (FDTR); relative noise except the phase
    (degrees); without noise TDTR writes the exact ratio alone."""
    tdtr, fdtr = _signals()
    exact = M.simulated_columns(tdtr)
    assert list(exact) == ["ratio"] and exact["ratio"].tolist() == tdtr.ratio.tolist()
    rng = np.random.default_rng(7)
    z_ratio, z_in, z_out = (rng.standard_normal(4) for _ in range(3))
    noisy = M.simulated_columns(tdtr, 0.02, 7)
    assert list(noisy) == ["in_phase", "out_of_phase"]
    assert np.allclose(noisy["in_phase"], tdtr.in_phase * (1 + 0.02 * z_in))
    assert np.allclose(noisy["out_of_phase"], tdtr.out_of_phase * (1 + 0.02 * z_out))
    assert not noisy["in_phase"].flags.writeable and z_ratio.size == 4
    rng = np.random.default_rng(3)
    z_phase, z_amp = rng.standard_normal(4), rng.standard_normal(4)
    f = M.simulated_columns(fdtr, 0.5, 3)
    assert np.allclose(f["phase"], fdtr.phase_deg + 0.5 * z_phase)
    assert np.allclose(f["amplitude"], fdtr.amplitude * (1 + 0.5 * z_amp))
    assert M.simulated_columns(fdtr)["phase"].tolist() == fdtr.phase_deg.tolist()
    with pytest.raises(InputError, match="noise"):
        M.simulated_columns(fdtr, -0.1)
    with pytest.raises(InputError, match="TDTRSignal or an FDTRSignal"):
        M.simulated_columns(object())
