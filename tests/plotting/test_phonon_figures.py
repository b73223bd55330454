"""Phonon figures are written and show what they claim."""

from __future__ import annotations

import numpy as np
import pytest

from kapitza import get_material
from kapitza.phonons import HarmonicCrystal, debye_spectrum, full_dispersion_spectrum
from kapitza.phonons.bands import band_structure
from kapitza.plotting.phonons import dispersion_figure, spectral_comparison_figure
from kapitza.prediction import compare_debye

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def al():
    return HarmonicCrystal.from_potential("Al")


def test_dispersion_figure(al, tmp_path):
    """The figure is written, and its legend covers neither DOS curve (review note: the Debye spike ran under it)."""
    path = tmp_path / "al.png"
    m = get_material("Al")
    fig = dispersion_figure(
        band_structure(al, 20),
        full_dispersion_spectrum(al, mesh=8),
        path,
        debye=debye_spectrum(m),
        number_density=m.number_density,
    )
    assert path.read_bytes()[:8] == PNG_MAGIC and path.stat().st_size > 20_000
    fig.canvas.draw()
    ax_dos = fig.axes[1]
    legend = ax_dos.get_legend().get_window_extent(fig.canvas.get_renderer())
    for line in ax_dos.get_lines():
        xy = line.get_transform().transform(line.get_xydata())
        inside = (xy[:, 0] > legend.x0) & (xy[:, 0] < legend.x1) & (xy[:, 1] > legend.y0) & (xy[:, 1] < legend.y1)
        assert not inside.any(), line.get_label()


def test_comparison_figure_one_and_many_temperatures(tmp_path):
    many = compare_debye("Al", "Si", [30.0, 100.0, 300.0], mesh=8, n_omega=200)
    one = compare_debye("Al", "Si", 300.0, "limit", mesh=8, n_omega=200)
    assert one.model == "limit" and np.all(one.full.conductance > many.full.conductance[-1])
    for comparison, name in ((many, "many.svg"), (one, "one.png")):
        spectral_comparison_figure(comparison, tmp_path / name)
        assert (tmp_path / name).stat().st_size > 10_000
    assert (tmp_path / "many.svg").read_text().count("G(T)") >= 1
    assert np.all(many.full.conductance > 0)
