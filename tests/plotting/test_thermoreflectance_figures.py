"""Thermoreflectance figures: they build without pyplot, carry labelled axes with units, draw the expected
lines, and save to a file only when asked."""

from __future__ import annotations

import math

import numpy as np
import pytest
from matplotlib.figure import Figure

from kapitza.analysis.thermoreflectance import Interface, Laser, Layer, Sample, fdtr_signal, tdtr_signal
from kapitza.analysis.thermoreflectance.sensitivity import Sensitivity, sensitivity
from kapitza.errors import InputError
from kapitza.plotting.thermoreflectance import fit_figure, sensitivity_figure, signal_figure

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _sample() -> Sample:
    """80 nm Al on sapphire, G = 100 MW m^-2 K^-1 (as in tests/analysis/thermoreflectance)."""
    return Sample(
        (Layer("Al", 80e-9, 2.42e6, 200.0, 200.0), Layer("sub", math.inf, 3.06e6, 35.0, 35.0)),
        (Interface("G", 1e8),),
        Laser(10e-6, 5e-6, 80e6, 9.8e6),
    )


def _tdtr_sensitivity() -> Sensitivity:
    """A hand-made TDTR Sensitivity (a real one costs ~30 model evaluations): three parameters, 20 delays."""
    x = np.geomspace(100e-12, 4e-9, 20)
    rows = np.vstack([np.linspace(-0.1, -0.6, 20), np.linspace(0.3, 0.1, 20), np.full(20, 0.02)])
    return Sensitivity(
        mode="tdtr",
        quantity="ratio",
        x=x,
        names=("G", "k_sub", "k_Al"),
        values={"G": 1e8, "k_sub": 35.0, "k_Al": 200.0},
        signal=np.linspace(3.0, 0.5, 20),
        sensitivity=rows,
        absolute=rows * 2.0,
        peak=np.abs(rows).max(axis=1),
        step=1e-3,
    )


def test_sensitivity_figure_draws_one_line_per_parameter_and_a_zero_line(tmp_path) -> None:
    """FDTR: frequency axis in Hz (log), S label, legend with each parameter and its peak; TDTR: delay in ps."""
    sens = sensitivity(_sample(), "fdtr", np.geomspace(1e4, 2e7, 25))
    fig = sensitivity_figure(sens)
    assert isinstance(fig, Figure)
    (ax,) = fig.axes
    assert len(ax.get_lines()) == len(sens.names) + 1  # + the zero line
    assert ax.get_xscale() == "log"
    assert ax.get_xlabel() == "modulation frequency (Hz)"
    assert "ln p" in ax.get_ylabel()
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert [lab.split()[0] for lab in labels] == list(sens.names)
    np.testing.assert_allclose(ax.get_lines()[1].get_ydata(), sens.sensitivity[0])

    tdtr = sensitivity_figure(_tdtr_sensitivity(), absolute=True, names=["G", "k_sub"])
    (ax,) = tdtr.axes
    assert len(ax.get_lines()) == 3
    assert ax.get_xlabel().endswith("(ps)")
    np.testing.assert_allclose(ax.get_lines()[1].get_xdata(), _tdtr_sensitivity().x * 1e12)
    np.testing.assert_allclose(ax.get_lines()[1].get_ydata(), _tdtr_sensitivity().absolute[0])

    path = tmp_path / "sens.png"
    assert sensitivity_figure(sens, path=path) is not None
    assert path.read_bytes()[:8] == PNG_MAGIC


def test_phase_sensitivity_in_degrees_says_so() -> None:
    """d phi / d ln p (Schmidt 2009's FDTR plot) is labelled in degrees."""
    sens = sensitivity(_sample(), "fdtr", np.geomspace(1e5, 1e7, 5), ["G"])
    (ax,) = sensitivity_figure(sens, absolute=True).axes
    assert "(deg)" in ax.get_ylabel()
    (label,) = [t.get_text() for t in ax.get_legend().get_texts()]
    assert label == f"G  (max {np.abs(sens.absolute).max():.2g})"  # the legend gives the plotted peak, in deg


def test_fit_figure_data_fit_residuals_and_annotation(tmp_path) -> None:
    """Top: data points (with error bars when sigma is given) and the fit line; bottom: (data - fit)/sigma."""
    rng = np.random.default_rng(1)
    x = np.geomspace(100e-12, 4e-9, 30)
    y_fit = 3.0 * (x / 100e-12) ** -0.4
    sigma = 0.01 * y_fit
    y = y_fit + sigma * rng.standard_normal(x.size)
    fig = fit_figure(
        x,
        y,
        y_fit,
        mode="tdtr",
        quantity="ratio",
        sigma=sigma,
        title="Al / sapphire",
        annotation="G = 95 \u00b1 8 MW m$^{-2}$ K$^{-1}$",
        path=tmp_path / "fit.png",
    )
    assert (tmp_path / "fit.png").read_bytes()[:8] == PNG_MAGIC
    top, bottom = fig.axes
    assert top.get_xscale() == "log" and bottom.get_xscale() == "log"
    assert bottom.get_xlabel() == "pump\u2013probe delay (ps)"
    assert "V$_{in}$" in top.get_ylabel()
    assert bottom.get_ylabel() == "(data \u2212 fit) / \u03c3"
    assert len(top.containers) == 1  # the error bars
    fit_line = [line for line in top.get_lines() if line.get_label() == "fit"]
    assert len(fit_line) == 1
    np.testing.assert_allclose(fit_line[0].get_ydata(), y_fit)
    assert [t.get_text() for t in top.texts] == ["G = 95 \u00b1 8 MW m$^{-2}$ K$^{-1}$"]
    assert top.get_title() == "Al / sapphire"
    resid = [line for line in bottom.get_lines() if line.get_marker() == "o"]
    np.testing.assert_allclose(resid[0].get_ydata(), (y - y_fit) / sigma)

    fd = fit_figure(np.geomspace(1e4, 1e7, 10), -np.ones(10) * 40, -np.ones(10) * 41, mode="fdtr", quantity="phase")
    top, bottom = fd.axes
    assert len(top.get_lines()) == 2 and not top.containers
    assert top.get_ylabel() == "phase (deg)"
    assert bottom.get_ylabel() == "data \u2212 fit (deg)"
    np.testing.assert_allclose([line for line in bottom.get_lines() if line.get_marker() == "o"][0].get_ydata(), 1.0)
    scaled = fit_figure([1e5, 1e6], [1.0, 0.5], [1.0, 0.5], mode="fdtr", quantity="amplitude", scaled=True)
    assert "data units" in scaled.axes[0].get_ylabel()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"mode": "xdtr"}, "mode must be tdtr or fdtr"),
        ({"quantity": "temperature"}, "quantity must be one of"),
        ({"y_fit": [1.0]}, "y_fit has 1 values; x has 3"),
        ({"sigma": [1.0, 2.0]}, "sigma has 2 values; x has 3"),
    ],
)
def test_fit_figure_refuses_mismatched_input(kwargs, message) -> None:
    args = {"x": [1e5, 1e6, 1e7], "y": [-40.0, -45, -50], "y_fit": [-40.0, -45, -50], "mode": "fdtr"}
    args = {"quantity": "phase", **args, **kwargs}
    with pytest.raises(InputError, match=message):
        fit_figure(**args)


def test_signal_figure_for_tdtr_and_fdtr(tmp_path) -> None:
    """TDTR: ratio on top, V_in and V_out below (K/W); FDTR: phase on top, amplitude below."""
    delays = np.geomspace(100e-12, 4e-9, 10)
    tdtr = signal_figure(tdtr_signal(_sample(), delays), path=tmp_path / "t.png")
    top, bottom = tdtr.axes
    assert len(top.get_lines()) == 1 and len(bottom.get_lines()) == 3  # ratio; zero line, V_in, V_out
    assert bottom.get_xlabel().endswith("(ps)") and "K W" in bottom.get_ylabel()
    assert "9.8 MHz" in top.get_title()
    assert (tmp_path / "t.png").read_bytes()[:8] == PNG_MAGIC

    freqs = np.geomspace(1e4, 2e7, 20)
    fdtr = signal_figure(fdtr_signal(_sample(), freqs), title="Al / sapphire")
    top, bottom = fdtr.axes
    assert top.get_ylabel() == "phase (deg)" and "K W" in bottom.get_ylabel()
    assert bottom.get_xlabel() == "modulation frequency (Hz)" and bottom.get_yscale() == "log"
    np.testing.assert_allclose(top.get_lines()[0].get_xdata(), freqs)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.png"]
    with pytest.raises(InputError, match="TDTRSignal or FDTRSignal"):
        signal_figure(object())


def test_module_uses_no_pyplot_and_leaves_the_backend_alone() -> None:
    """The module builds figures through the Figure API only (the package rule; test_figures.py checks the
    shared helpers in a fresh interpreter)."""
    import kapitza.plotting.thermoreflectance as module

    with open(module.__file__, encoding="utf-8") as fh:
        source = fh.read()
    assert "pyplot" not in source and "matplotlib.use" not in source
    assert isinstance(sensitivity_figure(_tdtr_sensitivity()), Figure)
