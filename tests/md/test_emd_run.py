"""EMD runs in LAMMPS (kapitza.md.emd) and ``kapitza md emd``: a tiny LJ bicrystal gives a positive finite G.

Physics of the estimator: Domingues et al., PRL 94, 085901 (2005); Rajabpour & Volz, JAP 108, 094324 (2010)
(tested exactly in tests/analysis/md/test_emd.py).  Here: the LAMMPS side records what the estimator needs.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from kapitza.analysis.md.emd import emd_conductance
from kapitza.errors import InputError
from kapitza.md.emd import EmdConfig, lammps_input, run_emd

TINY = {
    "potential": "lj/cut",
    "n_x": 3,
    "n_y": 3,
    "cells_a": 4,
    "cells_b": 4,
    "mass_b": 2.0,
    "bath_width": 2.0,
    "steps_equilibration": 500,
    "emd": {"steps": 6000, "sample_every": 10, "n_runs": 2, "steps_nvt": 200},
}


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    """The TINY job, run in two calls (one run, then the rest): (config, first call's result, final result)."""
    folder = tmp_path_factory.mktemp("emd") / "r"
    cfg = EmdConfig.from_mapping(TINY)
    first = run_emd(cfg, folder, stop_after_runs=1)
    return cfg, first, run_emd(cfg, folder)


def test_tiny_lj_emd_positive_g_and_resume(tiny_run):
    """288 atoms, 2 runs of 6000 NVE steps: energy conserved, T near the set point, A's energy recorded;
    the second call ran only the missing run, a third runs nothing; G > 0 and finite."""
    cfg, first, run = tiny_run
    assert first.n_runs == 1 and run.n_runs == 2
    assert math.isnan(run_emd(cfg, run.run_dir).steps_per_second)  # nothing left to run
    assert np.array_equal(run.energy_a[0], first.energy_a[0])
    assert all(e.shape == (601,) for e in run.energy_a)
    assert not np.array_equal(run.energy_a[0], run.energy_a[1])  # re-drawn velocities: independent runs
    assert np.all(np.abs(run.energy_drift) < 1e-3)
    assert np.all(np.abs(run.temperature - 0.3) < 0.05)
    a = 3 * 1.5496
    assert run.area == pytest.approx(2 * a * a, rel=0.02)
    g = emd_conductance(run.energy_a, run.sample_interval, run.area, run.temperature)
    assert math.isfinite(g.G) and g.G > 0 and math.isfinite(g.G_err)
    assert (Path(run.run_dir) / "in.lammps").read_text() == lammps_input(cfg)


def test_generated_input_runs_with_plain_lmp(tiny_run, tmp_path):
    """``lmp -in in.lammps`` in a copy of the run directory gives the driver's series bit for bit."""
    _, _, run = tiny_run
    lmp = Path(sys.executable).parent / "lmp"
    if not lmp.exists():
        pytest.skip("no lmp executable beside the Python interpreter")
    for name in ("in.lammps", "bicrystal.data"):
        shutil.copy(Path(run.run_dir) / name, tmp_path / name)
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    subprocess.run([str(lmp), "-in", "in.lammps", "-screen", "none"], cwd=tmp_path, check=True, env=env, timeout=120)
    for i in range(2):
        name = f"emd.{i}.txt"
        assert (tmp_path / name).read_bytes() == (Path(run.run_dir) / name).read_bytes()


def test_cli_json_and_plot(tiny_run, tmp_path, cli):
    """``kapitza md emd --json --plot`` on the finished run directory (no LAMMPS work) prints G with its units."""
    cfg, _, run = tiny_run
    toml = tmp_path / "c.toml"
    toml.write_text(cfg.to_toml())
    png = tmp_path / "acf.png"
    status, out, err = cli("md", "emd", toml, "--run-dir", run.run_dir, "--json", "--plot", png)
    assert status == 0, err
    doc = json.loads(out)
    assert doc["units"] == "lj" and "LJ" in doc["conductance_unit"] and doc["n_runs"] == 2
    assert doc["G"] > 0 and len(doc["window"]) == 2
    assert png.stat().st_size > 1000
    status, _, err = cli("md", "emd", toml, "--run-dir", tmp_path / "new", "--plot", tmp_path / "x.txt")
    assert status == 2 and not (tmp_path / "new").exists()  # refused before any work
    assert "--plot" in err


def test_changed_config_refused(tmp_path):
    cfg = EmdConfig.from_mapping(TINY)
    run_emd(cfg, tmp_path / "r", stop_after_runs=0)
    other = dict(TINY, emd=dict(TINY["emd"], n_runs=3))
    with pytest.raises(InputError, match="config changed"):
        run_emd(EmdConfig.from_mapping(other), tmp_path / "r")


@pytest.mark.parametrize(
    ("emd", "message"),
    [
        ({"steps": 1000, "sample_every": 7}, "multiple of sample_every"),
        ({"steps": 1000, "sample_every": 10}, "at least 256"),
        ({"n_runs": 0}, "n_runs= must be an integer >= 1"),
        ({"bogus": 1}, "unknown \\[emd\\] setting"),
    ],
)
def test_bad_config(emd, message):
    with pytest.raises(InputError, match=message):
        EmdConfig.from_mapping(dict(TINY, emd=emd))


def test_an_edited_emd_state_is_refused_in_one_line(tiny_run, tmp_path):
    """Issue 63: an EMD state.json edited to list a run that never ran (or stripped of its signature) is refused in
    one line; the signed state of the finished run reads back."""
    from kapitza.md.emd import _read_state

    cfg, _, run = tiny_run
    folder = tmp_path / "copy"
    shutil.copytree(run.run_dir, folder)
    assert _read_state(folder, cfg) == {"equilibrated": True, "runs_done": [0, 1]}
    state = json.loads((folder / "state.json").read_text())
    for edited in (state | {"runs_done": [0, 1, 2]}, {k: v for k, v in state.items() if k != "signature"}):
        (folder / "state.json").write_text(json.dumps(edited))
        with pytest.raises(InputError, match="state.json' (does not carry|is not signed).*does not resume it") as info:
            run_emd(cfg, folder)
        assert "\n" not in str(info.value)
