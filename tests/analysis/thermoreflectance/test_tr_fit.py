"""Thermoreflectance fits: recovery of known parameters, scaled quantities, refusals, results.

The data are the model itself (Cahill, Rev. Sci. Instrum. 75, 5119 (2004); FDTR per Schmidt, Cheaito &
Chiesa, RSI 80, 094901 (2009)) at known parameters: a fit must give them back.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from kapitza.analysis.thermoreflectance import Interface, Laser, Layer, Sample
from kapitza.analysis.thermoreflectance import model as M
from kapitza.analysis.thermoreflectance.least_squares import fit
from kapitza.errors import ConvergenceError, InputError

FREQ = np.geomspace(1e5, 2e7, 12)
DELAY = np.geomspace(100e-12, 4e-9, 15)


def al_sapphire(g: float = 1e8, **errors: float) -> Sample:
    """80 nm Al on sapphire near 300 K (Al 2.42 MJ m^-3 K^-1, ~200 W/m/K in films; sapphire 3.06 MJ m^-3 K^-1,
    35 W/m/K): the standard TDTR calibration sample of Cahill 2004."""
    return Sample(
        (Layer("Al", 80e-9, 2.42e6, 200.0, 200.0), Layer("sub", math.inf, 3.06e6, 35.0, 35.0)),
        (Interface("G", g),),
        Laser(10e-6, 5e-6, 80e6, 9.8e6),
        errors=errors,
    )


def test_fdtr_noise_free_data_give_back_the_parameters() -> None:
    """FDTR phase at G = 1e8 W m^-2 K^-1, k_sub = 35 W/m/K, fitted from a start 2x / 0.7x off: recovered to
    1e-4 (the model is exact for its own data; the tolerance is the optimiser's, xtol 1e-8 in ln p)."""
    truth = al_sapphire()
    y = M.observable(truth, "fdtr", "phase", FREQ)
    r = fit(truth.with_parameters({"G": 2e8, "k_sub": 25.0}), "fdtr", FREQ, y, ["G", "k_sub"], sigma=0.1)
    assert r.success and r.names == ("G", "k_sub")
    assert np.allclose(r.values, [1e8, 35.0], rtol=1e-4, atol=0)
    assert r.chi2 < 1e-10 and r.dof == FREQ.size - 2 and r.sigma_source == "data"
    assert r.parameters["G"] == pytest.approx(r.values[0]) and r.parameters["k_sub"] == pytest.approx(r.values[1])
    assert np.allclose(r.y_fit, y, atol=1e-6) and r.at_bound == ()
    assert r.scale == 1.0 and r.quantity == "phase" and r.mode == "fdtr"
    # no fixed errors given: the total error is the statistical one
    assert r.fixed_names == () and np.array_equal(r.error, r.error_statistical)
    assert np.allclose(np.diag(r.correlation), 1.0)


def test_tdtr_noise_free_data_give_back_the_parameters() -> None:
    """TDTR ratio -V_in/V_out at 15 delays, G and k_sub from a start 1.5x / 0.8x off: recovered to 1e-4
    (self-consistency of the model of Cahill 2004; the tolerance is the optimiser's)."""
    truth = al_sapphire()
    y = M.observable(truth, "tdtr", "ratio", DELAY)
    r = fit(truth.with_parameters({"G": 1.5e8, "k_sub": 28.0}), "tdtr", DELAY, y, ["G", "k_sub"])
    assert np.allclose(r.values, [1e8, 35.0], rtol=1e-4, atol=0)
    assert r.sigma_source == "residuals" and r.quantity == "ratio"


def test_scaled_amplitude_changes_only_the_scale() -> None:
    """FDTR amplitude in arbitrary units (a lock-in voltage: |H| times an unknown gain; Schmidt 2009): data times
    any factor give the same fit, and the factor goes into ``scale`` (the model's own amplitude, K/W, times it)."""
    truth = al_sapphire()
    rng = np.random.default_rng(5)
    y = M.observable(truth, "fdtr", "amplitude", FREQ) * (1 + 0.01 * rng.standard_normal(FREQ.size))
    start = truth.with_parameters({"G": 1.5e8})
    a = fit(start, "fdtr", FREQ, y, ["G", "k_sub"], quantity="amplitude")
    b = fit(start, "fdtr", FREQ, 3.7e-3 * y, ["G", "k_sub"], quantity="amplitude")
    assert np.allclose(a.values, b.values, rtol=1e-6)
    assert np.allclose(a.error, b.error, rtol=1e-4)
    assert b.scale / a.scale == pytest.approx(3.7e-3, rel=1e-8)
    assert a.dof == FREQ.size - 3  # G, k_sub and the scale
    assert a.reduced_chi2 == pytest.approx(b.reduced_chi2 / 3.7e-3**2, rel=1e-6)
    assert np.allclose(
        b.y_fit, b.scale * M.observable(truth.with_parameters(dict(b.parameters)), "fdtr", "amplitude", FREQ)
    )


def test_fixed_errors_are_propagated_and_a_fitted_one_is_not() -> None:
    """Yang, Ziade & Schmidt, RSI 87, 014901 (2016): the fitted G moves by -(J^T J)^-1 J^T J_x sigma_x per fixed
    input.  Checked against refitting with the input moved by +-1 sigma, (up - down) / 2: linear to 1 % for
    2 nm of 80 (one side alone differs by ~7 %: the quadratic term, which the first-order propagation omits)."""
    truth = al_sapphire(d_Al=2e-9, k_sub=1.0)
    y = M.observable(truth, "fdtr", "phase", FREQ)
    r = fit(truth, "fdtr", FREQ, y, ["G", "k_sub"], sigma=0.1)
    assert r.fixed_names == ("d_Al",) and any("k_sub" in n and "fitted" in n for n in r.notes)
    up = fit(truth.with_parameters({"d_Al": 82e-9}), "fdtr", FREQ, y, ["G", "k_sub"], sigma=0.1)
    down = fit(truth.with_parameters({"d_Al": 78e-9}), "fdtr", FREQ, y, ["G", "k_sub"], sigma=0.1)
    assert np.allclose(r.contributions[:, 0], (up.values - down.values) / 2, rtol=1e-2)
    assert np.allclose(r.error**2, r.error_statistical**2 + r.error_fixed**2, rtol=1e-10)
    assert np.allclose(r.error_fixed, np.abs(r.contributions[:, 0]))


def test_progress_results_and_save(tmp_path) -> None:
    """progress(done, total) ends at done == total; the result is frozen, one-line, and saves as JSON."""
    truth = al_sapphire()
    calls: list[tuple[int, int]] = []
    r = fit(
        truth, "fdtr", FREQ, M.observable(truth, "fdtr", "phase", FREQ), "G", progress=lambda d, t: calls.append((d, t))
    )
    assert calls and calls[-1][0] == calls[-1][1] == r.nfev
    assert all(d <= t for d, t in calls)
    with pytest.raises(ValueError):
        r.values[0] = 1.0
    assert "\n" not in repr(r)
    r.save(tmp_path / "fit.json")
    doc = json.loads((tmp_path / "fit.json").read_text())
    assert doc["result"]["names"] == ["G"] and doc["kind"] == "ThermoreflectanceFit"
    assert r.value("G")[0] == pytest.approx(1e8, rel=1e-6)


def _one_line(exc: pytest.ExceptionInfo) -> str:
    text = str(exc.value)
    assert "\n" not in text and "np.float" not in text
    return text


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"x": []}, "non-empty"),
        ({"x": FREQ[:-1]}, "same length"),
        ({"x": -FREQ}, "> 0"),
        ({"y": np.full(FREQ.size, np.nan)}, "finite"),
        ({"names": ["G", "k_nope"]}, "unknown fit parameter 'k_nope'"),
        ({"names": ["G", "G_G"]}, "same quantity"),
        ({"names": ["k_sub", "kz_sub"]}, "same quantity"),
        ({"names": ["d_sub"]}, "infinite"),
        ({"names": []}, "at least one"),
        ({"bounds": {"G": (2e8, 3e8)}}, "do not contain the start value 1e+08"),
        ({"bounds": {"G": (-1.0, 3e8)}}, "0 < low < high"),
        ({"bounds": {"k_sub": (1.0, 100.0)}}, "not fitted"),
        ({"x_range": (1e5, 1.2e5)}, "leaves 1 points; fitting 1 parameter(s) needs at least 2"),
        ({"x_range": (2e7, 1e5)}, "low < high"),
        ({"sigma": [0.1, 0.2]}, "one per point"),
        ({"sigma": 0.0}, "> 0"),
        ({"mode": "xdtr"}, "mode= must be one of"),
        ({"quantity": "ratio"}, "fdtr quantity= must be one of"),
        ({"rtol": 1.0}, "rtol="),
    ],
)
def test_bad_input_is_refused_in_one_line(kwargs: dict, fragment: str) -> None:
    """Every refusal is an InputError of one line naming the option (the project's rule for bad input)."""
    truth = al_sapphire()
    args = {"sample": truth, "mode": "fdtr", "x": FREQ, "y": np.zeros(FREQ.size), "names": ["G"]}
    args.update(kwargs)
    with pytest.raises(InputError) as exc:
        fit(args.pop("sample"), args.pop("mode"), args.pop("x"), args.pop("y"), args.pop("names"), **args)
    assert fragment in _one_line(exc)


def test_tdtr_delay_beyond_the_pulse_period_is_refused() -> None:
    """Delays must be shorter than 1/f_rep = 12.5 ns at 80 MHz (Cahill 2004: the pulse train's period)."""
    with pytest.raises(InputError) as exc:
        fit(al_sapphire(), "tdtr", [1e-9, 2e-8], [1.0, 1.0], ["G"])
    assert "12.5 ns" in _one_line(exc)


def test_undetermined_and_unconverged_fits_raise_convergence_error() -> None:
    """Pump and probe radii enter only as w_pump^2 + w_probe^2 (the model's beam weight, Cahill 2004 Eq. 11): fitting
    both is singular.  And a fit cut at 2 model evaluations has not converged."""
    truth = al_sapphire()
    y = M.observable(truth, "fdtr", "phase", FREQ)
    with pytest.raises(ConvergenceError) as exc:
        fit(truth, "fdtr", FREQ, y, ["w_pump", "w_probe"], sigma=0.1)
    assert "do not determine" in _one_line(exc)
    with pytest.raises(ConvergenceError) as exc:
        fit(truth.with_parameters({"G": 3e8}), "fdtr", FREQ, y, ["G"], max_nfev=2)
    assert "did not converge" in _one_line(exc)


def test_a_parameter_pinned_at_its_bound_is_reported() -> None:
    """Data from G = 1e8 fitted with G limited to >= 2e8 end at the bound, and the result says so."""
    truth = al_sapphire()
    y = M.observable(truth, "fdtr", "phase", FREQ)
    r = fit(truth.with_parameters({"G": 3e8}), "fdtr", FREQ, y, ["G"], bounds={"G": (2e8, 1e9)})
    assert r.at_bound == ("G",) and r.values[0] == pytest.approx(2e8, rel=1e-6)
    assert any("bound" in n for n in r.notes)


def test_largest_contributions_are_sorted_magnitudes_without_zeros() -> None:
    """Hand-made shifts of two fitted parameters under three fixed inputs: for G the magnitudes {2, 5, 0} give
    (C 5, d 2) (the zero shift left out); for k {1, 1, 3} give (w 3, d 1, C 1), the tie in fixed_names order."""
    from types import SimpleNamespace

    from kapitza.analysis.thermoreflectance.least_squares import ThermoreflectanceFit

    fake = SimpleNamespace(
        names=("G", "k"),
        fixed_names=("d", "C", "w"),
        contributions=np.array([[-2.0, 5.0, 0.0], [1.0, -1.0, 3.0]]),
    )
    top = ThermoreflectanceFit.largest_contributions
    assert top(fake, "G") == (("C", 5.0), ("d", 2.0))
    assert top(fake, "k") == (("w", 3.0), ("d", 1.0), ("C", 1.0))
    assert top(fake, "k", 1) == (("w", 3.0),)
    assert top(SimpleNamespace(names=("G",), fixed_names=(), contributions=np.zeros((1, 0))), "G") == ()
    with pytest.raises(InputError, match="not fitted"):
        top(fake, "R")
