"""Figures are built without pyplot, returned as Figures, saved atomically, and readable.

These pin issue 9 items 6 and the review notes on figures: the library must not
switch the matplotlib backend (``matplotlib.use("Agg", force=True)`` turned off
a notebook's inline backend), must not import pyplot, must leave no temporary
file behind when drawing fails, and the figures must not draw labels or
legends across their curves.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from matplotlib.artist import Artist
from matplotlib.collections import QuadMesh
from matplotlib.figure import Figure

from kapitza import amm_angular
from kapitza.plotting import canvas
from kapitza.plotting.agf import ldos_figure, transmission_figure
from kapitza.plotting.conductance import conductance_figure
from kapitza.plotting.transmission import angular_transmission_figure
from kapitza.prediction import predict_model

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
SRC = Path(__file__).resolve().parents[2] / "src"


def _fake_ldos(n_planes: int = 12, n_omega: int = 60) -> SimpleNamespace:
    """A LocalDOS stand-in: two crystals of n_planes/2 planes each."""
    omega = np.linspace(1e12, 1e14, n_omega)
    plane = np.abs(np.sin(np.outer(np.arange(1, n_planes + 1), omega / 3e13))) * 1e-13
    labels = ("Si",) * (n_planes // 2) + ("Ge",) * (n_planes - n_planes // 2)
    return SimpleNamespace(omega=omega, plane=plane, plane_labels=labels, plane_z=np.arange(n_planes) * 1e-10)


def _fake_agf_result() -> SimpleNamespace:
    """An AGFResult stand-in with the fields transmission_figure reads."""
    omega = np.linspace(1e12, 1e14, 50)
    temps = np.array([50.0, 300.0])
    return SimpleNamespace(
        transmission=SimpleNamespace(omega=omega, xi=np.linspace(0, 5, 50), area=1e-18),
        lead_omega=np.stack([omega, omega]),
        lead_xi=np.stack([np.full(50, 8.0), np.full(50, 6.0)]),
        temperature=temps,
        conductance=np.array([1e8, 3e8]),
        intrinsic=np.array([1.5e8, 4e8]),
        ballistic=np.array([[2e8, 9e8], [2e8, 8e8]]),
        settings={"left": "Si", "right": "Ge", "normal": "001", "potential": "sw", "kpoints": (4, 4)},
    )


def test_library_leaves_backend_alone_and_never_imports_pyplot(tmp_path):
    """In a fresh interpreter whose backend is 'pdf', drawing and saving every kind of figure keeps 'pdf'.

    Before the fix, ``canvas.pyplot()`` (then ``_mpl``) called ``matplotlib.use("Agg", force=True)``
    and imported pyplot, so both assertions failed.
    """
    script = textwrap.dedent(
        f"""
        import sys
        import matplotlib
        matplotlib.use("pdf")
        from kapitza import amm_angular
        from kapitza.prediction import predict_model
        from kapitza.plotting import angular_transmission_figure, conductance_figure
        fig1 = angular_transmission_figure(amm_angular("Al", "Si", n_angles=91), {str(tmp_path / "a.png")!r})
        fig2 = conductance_figure([predict_model("Al", "Si", [10.0, 100.0, 300.0])], {str(tmp_path / "g.svg")!r})
        assert type(fig1).__name__ == "Figure" and type(fig2).__name__ == "Figure"
        print(matplotlib.get_backend(), "matplotlib.pyplot" in sys.modules)
        """
    )
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    env.pop("MPLBACKEND", None)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["pdf", "False"]
    assert (tmp_path / "a.png").read_bytes()[:8] == PNG_MAGIC
    assert (tmp_path / "g.svg").read_text().lstrip().startswith("<?xml")


class _Explodes(Artist):
    """An artist whose draw raises, as a failing savefig would."""

    def draw(self, renderer):
        raise RuntimeError("boom while drawing")


@pytest.mark.parametrize("suffix", [".png", ".svg", ".pdf"])
def test_failed_save_leaves_no_temporary_file_and_keeps_the_old_one(tmp_path, suffix):
    """A savefig that raises leaves the directory as it was: no temporary file, the old figure intact."""
    target = tmp_path / f"x{suffix}"
    target.write_bytes(b"old figure")
    fig = canvas.figure()
    fig.add_artist(_Explodes())
    with pytest.raises(RuntimeError, match="boom"):
        canvas.save(fig, target)
    assert sorted(p.name for p in tmp_path.iterdir()) == [target.name]
    assert target.read_bytes() == b"old figure"


def test_interrupted_save_leaves_no_temporary_file(tmp_path):
    """Ctrl-C (KeyboardInterrupt) during drawing also cleans up."""

    class _Interrupted(Artist):
        def draw(self, renderer):
            raise KeyboardInterrupt

    fig = canvas.figure()
    fig.add_artist(_Interrupted())
    with pytest.raises(KeyboardInterrupt):
        canvas.save(fig, tmp_path / "y.png")
    assert list(tmp_path.iterdir()) == []


def test_every_plotting_function_returns_a_figure_and_saves_only_when_asked(tmp_path):
    """Without a path nothing is written; with one the file appears; both return the Figure."""
    angular = amm_angular("Al", "Si", n_angles=91)
    curves = [predict_model("Al", "Si", [10.0, 100.0, 300.0])]
    calls = [
        lambda p: angular_transmission_figure(angular, p),
        lambda p: conductance_figure(curves, p),
        lambda p: transmission_figure(_fake_agf_result(), p),
        lambda p: ldos_figure(_fake_ldos(), p),
    ]
    for n, call in enumerate(calls):
        assert isinstance(call(None), Figure)
        assert sorted(p.name for p in tmp_path.iterdir()) == [f"f{k}.png" for k in range(n)]
        path = tmp_path / f"f{n}.png"
        assert isinstance(call(path), Figure)
        assert path.read_bytes()[:8] == PNG_MAGIC
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"f{n}.png" for n in range(len(calls))]


def test_critical_angle_labels_are_horizontal_above_the_panel_and_do_not_collide():
    """Al -> Si, incident SV has three critical angles (20.3, 29.1, 35.6 deg; Al/Si AMM, docs/physics/amm.md).

    Their labels used to be rotated 90 deg inside the axes, across the curves.
    Now each is horizontal, wholly above the axes, and no two overlap.
    """
    fig = angular_transmission_figure(amm_angular("Al", "Si", n_angles=181))
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    n_labels = 0
    for ax in fig.axes:
        top = ax.get_window_extent(renderer).y1
        boxes = []
        for text in ax.texts:
            if "\u03b8c" not in text.get_text():
                continue
            assert text.get_rotation() == 0
            box = text.get_window_extent(renderer)
            assert box.y0 >= top - 0.5, text.get_text()
            boxes.append(box)
        for i, a in enumerate(boxes):
            for b in boxes[i + 1 :]:
                assert not a.overlaps(b)
        n_labels += len(boxes)
    assert n_labels == 5  # P: 1, SV: 3, SH: 1


def test_helium_critical_angles_inside_the_narrow_axis_are_labelled_above_it():
    """He4 -> Cu transmits within about 7 deg (Khalatnikov cone); both critical angles get a label above the axes."""
    fig = angular_transmission_figure(amm_angular("He4", "Cu", n_angles=721), log=True)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    (ax,) = fig.axes
    labels = [t for t in ax.texts if "\u03b8c" in t.get_text()]
    assert len(labels) == 2
    assert all(t.get_rotation() == 0 for t in labels)
    assert all(t.get_window_extent(renderer).y0 >= ax.get_window_extent(renderer).y1 - 0.5 for t in labels)


def test_ldos_is_a_plane_by_frequency_map():
    """The LDOS figure is one map (planes x frequencies) plus the two outermost planes, not 10 overlapping curves."""
    ldos = _fake_ldos(n_planes=12, n_omega=60)
    fig = ldos_figure(ldos)
    meshes = [c for c in fig.axes[0].collections if isinstance(c, QuadMesh)]
    assert len(meshes) == 1
    assert meshes[0].get_array().shape == (12, 60)
    np.testing.assert_allclose(meshes[0].get_array(), ldos.plane * 2 * np.pi * 1e12)
    assert len(fig.axes[1].get_lines()) == 2
    limited = ldos_figure(ldos, planes=3)
    mesh = next(c for c in limited.axes[0].collections if isinstance(c, QuadMesh))
    assert mesh.get_array().shape == (6, 60)


def test_conductance_figure_says_which_g_and_shows_the_measurements_and_the_electrons(tmp_path):
    """Issue 28 item 5: the G(T) figure labels the phonon curves as phonons, draws the metal's electron-phonon
    conductance and the first model in series with it (1/G = 1/G_ph + 1/G_ep), and the measured bare-interface
    values of the pair as points; no marker for each of 50 requested temperatures."""
    import numpy as np

    from kapitza.literature import measurements_for
    from kapitza.plotting import conductance_figure
    from kapitza.prediction import predict_model

    t = np.geomspace(1.0, 1000.0, 50)
    curves = [predict_model("Al", "Si", t, "dmm"), predict_model("Al", "Si", t, "amm")]
    rows = measurements_for("Al", "Si")
    fig = conductance_figure(curves, tmp_path / "g.png", markers=curves, measured=rows, electron_phonon=("Al", 1e9))
    ax = fig.axes[0]
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert "dmm (phonons)" in labels and "G_ep of Al (electrons to phonons)" in labels
    assert "dmm + G_ep in series" in labels
    papers = list(dict.fromkeys(rows.reference_id))  # 8 papers: one marker and one legend entry each
    assert [label for label in labels if "(paper " in label] == [
        f"{_first(rows, p)} et al. (paper {p})" for p in papers
    ]
    drawn = [line for line in ax.get_lines() if "(paper " in line.get_label()]
    assert sum(len(line.get_xdata()) for line in drawn) == len(rows)
    series = next(line for line in ax.get_lines() if line.get_label() == "dmm + G_ep in series")
    g = curves[0].conductance[-1]
    assert series.get_ydata()[-1] == pytest.approx(1.0 / (1.0 / g + 1.0 / 1e9) / 1e6, rel=1e-12)
    assert not any(line.get_marker() == "o" for line in ax.get_lines())  # 50 temperatures: no markers
    assert (tmp_path / "g.png").stat().st_size > 10_000


def test_conductance_figure_shades_the_stated_band_around_its_model_only(tmp_path):
    """Issue 38 item 6: a prediction from a calculator's phonons is drawn with its measured x/÷ band: [G/f, G*f]
    around the model the band was measured for (the DMM), and around no other curve."""
    from matplotlib.collections import PolyCollection

    t = np.geomspace(1.0, 1000.0, 30)
    curves = [predict_model("Al", "Si", t, "dmm"), predict_model("Al", "Si", t, "amm")]
    ax = conductance_figure(curves, tmp_path / "g.png", band=("dmm", 3.0)).axes[0]
    shaded = [c for c in ax.collections if isinstance(c, PolyCollection)]
    assert len(shaded) == 1 and "dmm x/\u00f7 3 (68 % of measurements)" in shaded[0].get_label()
    y = np.concatenate([p.vertices[:, 1] for p in shaded[0].get_paths()])
    g = curves[0].conductance / 1e6
    assert y.min() == pytest.approx(g.min() / 3.0, rel=1e-9) and y.max() == pytest.approx(g.max() * 3.0, rel=1e-9)
    none = conductance_figure(curves, band=("limit", 3.0)).axes[0]
    assert not [c for c in none.collections if isinstance(c, PolyCollection)]


def _first(rows, paper):
    """The first author of ``paper`` as the compilation writes it (the legend's words)."""
    authors = rows.reference_authors[list(rows.reference_id).index(paper)]
    return authors.replace(";", ",").split(",")[0].strip()
