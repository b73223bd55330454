"""Value classes of the atomistic and phonon layers are @result: read-only arrays and a short repr."""

from __future__ import annotations

import numpy as np
import pytest

from kapitza.atomistic.structures import build_interface
from kapitza.phonons.bands import BandStructure
from kapitza.phonons.modes import ModeSample


def test_mode_sample_arrays_are_read_only_copies_and_repr_is_short():
    freq = np.linspace(1e12, 2e13, 3000).reshape(1000, 3)
    sample = ModeSample(
        frequencies=freq,
        normal_speed=np.full((1000, 3), 3000.0),
        speed=np.full((1000, 3), 5000.0),
        weights=np.full(1000, 1e25),
        spacing=1e8,
        include=np.ones((1000, 3), dtype=bool),
    )
    with pytest.raises(ValueError, match="read-only"):
        sample.frequencies[0, 0] = 0.0
    freq[0, 0] = -1.0  # the caller's array is copied, not shared
    assert sample.frequencies[0, 0] == 1e12
    assert len(repr(sample)) < 300 and len(str(sample)) < 300


def test_band_structure_is_frozen():
    bands = BandStructure(
        distance=np.linspace(0, 1e10, 500),
        omega=np.ones((500, 6)),
        ticks=np.array([0.0, 1e10]),
        tick_labels=["Γ", "X"],
        segment=np.zeros(500, dtype=np.int64),
    )
    assert isinstance(bands.tick_labels, tuple)
    with pytest.raises(ValueError, match="read-only"):
        bands.omega[0, 0] = 0.0
    assert len(repr(bands)) < 300


def test_interface_structure_is_frozen():
    s = build_interface("Si", "Ge", "001", lattice_constants_angstrom=(5.431, 5.658), cells=(4, 4), lateral=(2, 2))
    for name in ("cell_index", "side"):
        with pytest.raises(ValueError, match="read-only"):
            getattr(s, name)[0] = 1
    with pytest.raises(TypeError):
        s.description["seed"] = 0
    assert len(repr(s)) < 300


def test_force_constants_are_frozen():
    pytest.importorskip("matscipy")
    from ase.build import bulk

    from kapitza.atomistic.force_constants import force_constants
    from kapitza.atomistic.potentials import get_potential

    fc = force_constants(bulk("Si", "diamond", a=5.431, cubic=True), get_potential("sw", ["Si"]), cache=False)
    with pytest.raises(ValueError, match="read-only"):
        fc.matrix[0, 0] = 0.0
    assert len(repr(fc)) < 300
