"""plotting.md_spectral: the spectral figures build from synthetic analysis results and save to png, no pyplot."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from matplotlib.figure import Figure

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "analysis" / "md"))

from spectral_synthetic import reference_ldos, write_spectral_run  # noqa: E402

from kapitza.analysis.md.modes import modal_temperatures, plane_dos_map  # noqa: E402
from kapitza.analysis.md.rectification import rectification  # noqa: E402
from kapitza.analysis.md.spectral import read_spectral_run, spectral_conductance  # noqa: E402
from kapitza.plotting.md_spectral import modes_figure, rectification_figure, spectrum_figure  # noqa: E402


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    base = tmp_path_factory.mktemp("spectral_plots")
    return write_spectral_run(base / "f", blocks=6), write_spectral_run(base / "r", blocks=6, reverse=True)


def _png(path):
    assert path.is_file() and path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_spectrum_figure_with_harmonic_curves(runs, tmp_path):
    sc = spectral_conductance(runs[0])
    harmonic = SimpleNamespace(
        omega=np.linspace(0.5, 20.0, 40),
        g_agf=np.linspace(0.0, 0.01, 40),
        g_dmm=np.linspace(0.0, 0.02, 40),
        omega_max_a=22.0,
        omega_max_b=15.0,
    )
    fig = spectrum_figure(sc, harmonic, path=tmp_path / "spectrum.png")
    assert isinstance(fig, Figure)
    _png(tmp_path / "spectrum.png")
    top, bottom = fig.axes
    assert "rad/tau" in bottom.get_xlabel() and "k_B/(tau sigma^2)" in top.get_ylabel()
    labels = [t.get_text() for t in top.get_legend().get_texts()]
    assert "AGF" in labels and "DMM" in labels
    assert any(abs(line.get_xdata()[0] - 15.0) < 1e-12 for line in top.get_lines() if line.get_linestyle() == ":")
    assert spectrum_figure(sc, show="q").axes[0].get_ylabel().startswith("q")


def test_modes_and_rectification_figures(runs, tmp_path):
    run = read_spectral_run(runs[0])
    modes = SimpleNamespace(omega=np.array([3.0, 9.0, 12.0]), interface=np.array([False, True, True]))
    fig = modes_figure(plane_dos_map(run), modal_temperatures(run, reference_ldos()), modes, path=tmp_path / "m.png")
    assert len(fig.axes) == 3  # map, its colour bar, temperatures
    _png(tmp_path / "m.png")
    assert any("modal temperature" in ax.get_ylabel() for ax in fig.axes)
    rect = rectification(*runs, reference_ldos=reference_ldos())
    fig = rectification_figure(rect, path=tmp_path / "r.png")
    assert len(fig.axes) == 3
    _png(tmp_path / "r.png")


def test_spectral_figures_never_import_pyplot(runs, tmp_path):
    """The figures are built in a fresh interpreter; matplotlib.pyplot must not appear in sys.modules."""
    code = textwrap.dedent(
        f"""
        import sys
        sys.path.insert(0, {str(Path(__file__).resolve().parents[1] / "analysis" / "md")!r})
        from kapitza.analysis.md.spectral import spectral_conductance
        from kapitza.plotting.md_spectral import spectrum_figure
        spectrum_figure(spectral_conductance({str(runs[0])!r}), path={str(tmp_path / "x.png")!r})
        assert "matplotlib.pyplot" not in sys.modules
        """
    )
    env = {"PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src"), "MPLBACKEND": "agg"}
    subprocess.run([sys.executable, "-c", code], check=True, env=env, timeout=120)
    _png(tmp_path / "x.png")


def test_si_spectrum_area_under_plotted_g_is_plotted_G(tmp_path):
    """Law: g is plotted per THz against a THz axis, so its area is the plotted G (MW m^-2 K^-1) (issue 28:
    the SI figure showed g per rad/s against THz and G with a 1e8 axis offset). Source of the data: the stored
    GaN/SiC spectral run shipped in examples/data/interfaces (LAMMPS metal units)."""
    run = Path(__file__).resolve().parents[2] / "examples" / "data" / "interfaces" / "gan_sic_spectral"
    sc = spectral_conductance(run)
    fig = spectrum_figure(sc, path=tmp_path / "s.png")
    top, bottom = fig.axes
    assert "THz" in bottom.get_xlabel() and "MW" in top.get_ylabel() and "THz" in top.get_ylabel()
    assert "MW" in bottom.get_ylabel()
    g_line, G_line = top.get_lines()[0], bottom.get_lines()[0]
    x, g = np.asarray(g_line.get_xdata()), np.asarray(g_line.get_ydata())
    area = float(np.sum(0.5 * (g[1:] + g[:-1]) * np.diff(x)))
    G_end = float(np.asarray(G_line.get_ydata())[-1])
    assert G_end == pytest.approx(sc.G_cumulative[-1] * 1e-6, rel=1e-12)
    assert area == pytest.approx(G_end, rel=0.02)  # trapezoid vs the analysis' own cumulative sum
    assert 10.0 < G_end < 1e4  # MW m^-2 K^-1, not W m^-2 K^-1
