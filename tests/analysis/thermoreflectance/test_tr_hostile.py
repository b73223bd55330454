"""Hostile thermoreflectance inputs (issue 25, 'Inputs that still hang or print nonsense'): each is refused with one
InputError naming the value and the bound, before any model evaluation, and quickly."""

from __future__ import annotations

import math
import re
import time

import numpy as np
import pytest

from kapitza.analysis.thermoreflectance import Interface, Laser, Layer, Sample
from kapitza.analysis.thermoreflectance.arguments import MAX_POINTS
from kapitza.analysis.thermoreflectance.inputs import MAX_DATA_ROWS, read_data, read_sample
from kapitza.analysis.thermoreflectance.least_squares import fit
from kapitza.analysis.thermoreflectance.sample import MAX_LAYERS
from kapitza.errors import InputError

LASER = "[laser]\nradius_um = 3.0\nmodulation_frequency_mhz = 1.0\n"


def _stack(n: int) -> Sample:
    layers = tuple(Layer(f"L{i}", 10e-9, 2.4e6, 100.0, 100.0) for i in range(n - 1)) + (
        Layer("sub", math.inf, 1.6e6, 148.0, 148.0),
    )
    return Sample(layers, tuple(Interface(f"G{i}", 1e8) for i in range(n - 1)), Laser(3e-6, 3e-6, 80e6, 1e6))


def test_layer_count_is_bounded() -> None:
    """MAX_LAYERS (100) layers make a sample; one more is refused with the count and the bound."""
    assert len(_stack(MAX_LAYERS).layers) == MAX_LAYERS
    with pytest.raises(InputError, match=f"{MAX_LAYERS + 1} layers; at most {MAX_LAYERS}"):
        _stack(MAX_LAYERS + 1)


def test_a_3001_layer_sample_file_is_refused_quickly(tmp_path) -> None:
    """The issue's hostile sample (3,001 layers, which ran unbounded) is refused by the reader in well under the
    90 s it used to run, naming the file, the count and the bound."""
    text = LASER
    for i in range(3001):
        text += f'[[layer]]\nname = "L{i}"\nheat_capacity = 2.4e6\nk = 100.0\n' + (
            "thickness_nm = 10.0\n" if i < 3000 else ""
        )
    text += "[[interface]]\nconductance = 1e8\n" * 3000
    path = tmp_path / "many.toml"
    path.write_text(text)
    t0 = time.perf_counter()
    with pytest.raises(InputError, match=r"many.toml.*3001 \[\[layer\]\] tables; at most 100"):
        read_sample(path)
    assert time.perf_counter() - t0 < 20


def test_data_rows_are_bounded_and_named(tmp_path) -> None:
    """MAX_DATA_ROWS (10,000) rows are read; the 10,001st row is refused with its line number, and a file of
    200,000 rows (the issue had 2 million) stops there instead of being parsed whole."""
    ok = tmp_path / "ok.txt"
    ok.write_text("Delay (ps) Ratio\n" + "".join(f"{100 + i * 0.1:.1f} 3.0\n" for i in range(MAX_DATA_ROWS)))
    assert read_data(ok).x.size == MAX_DATA_ROWS
    big = tmp_path / "big.txt"
    big.write_text("Delay (ps) Ratio\n" + "".join(f"{100 + i * 0.001:.3f} 3.0\n" for i in range(200_000)))
    t0 = time.perf_counter()
    with pytest.raises(InputError, match=f"line {MAX_DATA_ROWS + 2}: more than {MAX_DATA_ROWS} data rows"):
        read_data(big)
    assert time.perf_counter() - t0 < 20


@pytest.mark.parametrize("value", ["1e308", "-1e31", "1e40"])
def test_overflowing_values_are_refused_with_their_line(tmp_path, value: str) -> None:
    """A value beyond +-1e30 (the issue's 1e308 ended in an lmfit traceback) is refused naming the line and column."""
    path = tmp_path / "d.txt"
    path.write_text(f"Delay (ps) Ratio\n100 3.0\n200 {value}\n300 2.0\n")
    with pytest.raises(InputError, match=re.escape(f"line 3: Ratio is {float(value):g}; a measured value beyond")):
        read_data(path)


def test_fit_refuses_too_many_points_and_overflowing_values() -> None:
    """The library fit itself: more than MAX_POINTS points, or a |y / sigma| beyond 1e100, are refused before any
    model evaluation (no lmfit traceback)."""
    s = _stack(2)
    x = np.geomspace(1e5, 1e7, MAX_POINTS + 1)
    with pytest.raises(InputError, match=f"{MAX_POINTS + 1} points; at most {MAX_POINTS}"):
        fit(s, "fdtr", x, np.zeros_like(x), ["G_G0"])
    x = np.geomspace(1e5, 1e7, 10)
    y = np.full(10, -20.0)
    y[4] = 1e200
    with pytest.raises(InputError, match="y= point 4 .* is 1e\\+200 with sigma 1: beyond 1e\\+100 sigma"):
        fit(s, "fdtr", x, y, ["G_G0"], sigma=1.0)


def test_tdtr_delays_below_one_picosecond_are_refused_and_a_fit_can_leave_them_out() -> None:
    """Issue 51: delays of 1e-300 ps printed a ratio of 3.4e151, the 1/sqrt(delay) divergence of delta-function
    pulses.  The model's shortest delay is MIN_DELAY (1 ps, the pulses' cross-correlation): simulated delays below
    it are refused, and data holding some are refused in a fit unless x_range leaves them out; the fit then finds
    the G that made the data (80 nm Al on sapphire, Cahill 2004's calibration stack; exact, noise-free ratios give
    the truth back to 1e-4, as in test_tr_fit.py)."""
    from kapitza.analysis.thermoreflectance import model

    assert model.MIN_DELAY == 1e-12
    s = Sample(
        (Layer("Al", 80e-9, 2.42e6, 200.0, 200.0), Layer("sub", math.inf, 3.06e6, 35.0, 35.0)),
        (Interface("G", 1e8),),
        Laser(10e-6, 5e-6, 80e6, 9.8e6),
    )
    with pytest.raises(InputError, match=r"delays must be at least 1 ps .* got 1e-300 ps"):
        model.tdtr_signal(s, np.geomspace(1e-312, 1e-311, 10))
    x = np.concatenate([[0.5e-12], np.geomspace(100e-12, 4e-9, 8)])
    y = np.concatenate([[100.0], model.tdtr_signal(s, x[1:]).ratio])
    start = s.with_parameters({"G": 1.5e8})
    t0 = time.perf_counter()
    with pytest.raises(InputError, match=r"the data hold delays below 1 ps \(the shortest 0.5 ps\).*x_range="):
        fit(start, "tdtr", x, y, ["G"])
    assert time.perf_counter() - t0 < 1.0  # before any model evaluation
    result = fit(start, "tdtr", x, y, ["G"], x_range=(50e-12, 5e-9))
    assert result.value("G")[0] == pytest.approx(1e8, rel=1e-4)
