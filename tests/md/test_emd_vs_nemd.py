"""EMD and NEMD give the same interfacial conductance on one small LJ mass-ratio bicrystal (slow).

EMD: Domingues et al., PRL 94, 085901 (2005) with the Rajabpour & Volz, JAP 108, 094324 (2010) extrapolation
(kapitza.analysis.md.emd); NEMD: kapitza.md.run + kapitza.analysis.analyze_jump.  Agreement within two combined
standard errors.  Measured once here (2 cores, 112 s): NEMD G = 0.822 +- 0.11, EMD G = 0.684 +- 0.13
k_B/(tau sigma^2), tau = 10.8.  Marked slow: run with `pytest -m slow`.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from kapitza.analysis import analyze_jump, read_profile
from kapitza.analysis.md.emd import emd_conductance
from kapitza.md.emd import EmdConfig, run_emd
from kapitza.md.nemd import NemdConfig
from kapitza.md.run import run_nemd

SYSTEM = {
    "potential": "lj/cut",
    "n_x": 3,
    "n_y": 3,
    "cells_a": 6,
    "cells_b": 6,
    "mass_a": 1.0,
    "mass_b": 4.0,
    "temperature": 0.3,
    "bath_width": 2.0,
    "steps_equilibration": 2000,
    "seed": 12345,
}


@pytest.mark.slow
@pytest.mark.parity
def test_emd_agrees_with_nemd(tmp_path):
    nemd = NemdConfig.from_mapping(
        dict(SYSTEM, delta_temperature=0.1, steps_steady=10000, steps_production=40000, block_steps=4000)
    )
    run = run_nemd(nemd, tmp_path / "nemd")
    a = nemd.lattice_constant
    length_a, length = nemd.cells_a * a, (nemd.cells_a + nemd.cells_b) * a
    profile = read_profile(tmp_path / "nemd" / "profile.chunk")
    flux = float(np.mean(run.heat_flux))
    flux_err = float(np.std(run.heat_flux, ddof=1) / math.sqrt(run.heat_flux.size))
    jump = analyze_jump(profile, interfaces=(length_a, length), flux=flux, flux_err=flux_err)

    emd = EmdConfig.from_mapping(dict(SYSTEM, emd={"steps": 40000, "sample_every": 10, "n_runs": 8}))
    series = run_emd(emd, tmp_path / "emd")
    g = emd_conductance(series.energy_a, series.sample_interval, series.area, series.temperature)
    print(f"NEMD G = {jump.G:.4g} +- {jump.G_err:.2g}; EMD G = {g.G:.4g} +- {g.G_err:.2g} (tau {g.tau:.3g})")
    assert jump.G > 0 and g.G > 0
    assert abs(g.G - jump.G) < 2 * math.hypot(g.G_err, jump.G_err)
