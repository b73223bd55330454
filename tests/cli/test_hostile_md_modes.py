"""Issue 25: the ``md modes`` inputs that hung.

``md modes`` diagonalises the dense 3N x 3N dynamical matrix of the run's periodic cell (time ~N^3).  The
hostile review's run directories whose config describes a cell of a few thousand atoms ran for minutes with one
line of progress and were killed at 90 s: measured here, 74 s for 1,000 LJ atoms (59 s in scipy's eigh) and
116 s for 1,440 on one busy core.  Now the cell is counted from the config before anything is built or read and
refused above ``--max-atoms`` (default 1,500, at most the library's 3,000), with the expected time; a Gaussian
smoothing wider than the run's whole frequency grid (``--smoothing-bins 1e300`` printed a table of flattened
numbers) is refused too.
"""

from __future__ import annotations

import time
from types import SimpleNamespace

import numpy as np
import pytest

from kapitza.cli.md_spectral import DEFAULT_MODE_ATOMS, MAX_MODE_ATOMS, _check_smoothing
from kapitza.errors import InputError
from kapitza.md.nemd import NemdConfig


def _run_dir(tmp_path, **overrides):
    """A run directory holding only the config (the refusal comes before any spectral block is read)."""
    base = {"potential": "lj/cut", "n_x": 2, "n_y": 2, "cells_a": 5, "cells_b": 5, "spectral_planes": 4}
    config = NemdConfig(**{**base, "spectral_every": 5, **overrides})
    folder = tmp_path / "run"
    folder.mkdir()
    (folder / "config.toml").write_text(config.to_toml())
    return folder


def _one_line(cli, *args):
    """The one stderr line of a refused command (``cli``: the conftest fixture)."""
    status, _, err = cli(*args)
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert status == 2 and len(lines) == 1 and lines[0].startswith("kapitza: error: "), err
    return lines[0]


@pytest.mark.parametrize(
    "overrides, atoms",
    [({"n_x": 8, "n_y": 8}, 2560), ({"n_x": 60, "n_y": 60}, 144_000), ({"cells_a": 5000, "cells_b": 5000}, 160_000)],
)
def test_a_large_cell_is_refused_before_any_work(cli, tmp_path, overrides, atoms):
    """4 atoms per fcc cell x n_x x n_y x (cells_a + cells_b); refused within seconds, naming --max-atoms."""
    folder = _run_dir(tmp_path, **overrides)
    start = time.perf_counter()
    line = _one_line(cli, "md", "modes", folder, "--no-progress")
    assert f"{atoms:,} atoms" in line and f"--max-atoms {DEFAULT_MODE_ATOMS:,}" in line and "N^3" in line
    assert time.perf_counter() - start < 5.0


@pytest.mark.parametrize("value", ["0", "1", "100000", "-5"])
def test_max_atoms_itself_is_bounded(cli, tmp_path, value):
    line = _one_line(cli, "md", "modes", _run_dir(tmp_path), "--max-atoms", value)
    assert f"--max-atoms must be 2 .. {MAX_MODE_ATOMS:,}" in line


def test_a_cell_within_max_atoms_passes_the_size_check(cli, tmp_path):
    """160 atoms (the tiny test run) is below the default; the command goes on and stops at the missing
    spectral data instead, so the bound does not refuse real small cells."""
    line = _one_line(cli, "md", "modes", _run_dir(tmp_path), "--no-progress")
    assert "--max-atoms" not in line and "no spectral/ folder" in line


@pytest.mark.parametrize("bins", [1e300, 42.0, -1.0, float("nan"), float("inf")])
def test_smoothing_wider_than_the_grid_is_refused(bins):
    """A run with 41 frequency bins: a Gaussian of more than 41 bins (or a negative / non-finite one) is refused."""
    run = SimpleNamespace(omega=np.linspace(0.0, 40.0, 41))
    with pytest.raises(InputError, match=r"--smoothing-bins must be 0 \.\. 41"):
        _check_smoothing(bins, run)
    _check_smoothing(41.0, run)
    _check_smoothing(3.0, run)


def test_the_shipped_spectral_examples_fit_the_default(tmp_path):
    """The default must not refuse the examples the docs tell users to run (examples/md/*spectral*.toml)."""
    import tomllib
    from pathlib import Path

    from kapitza.cli.md_spectral import _periodic_cell

    docs = [tomllib.loads(p.read_text()) for p in (Path(__file__).resolve().parents[2] / "examples" / "md").glob("*")
            if p.name.endswith(".toml") and "spectral" in p.name]  # fmt: skip
    runs = [doc for doc in docs if "campaign" not in doc]  # a campaign's members are runs like these
    assert len(runs) >= 4
    for i, doc in enumerate(runs):
        folder = tmp_path / str(i)
        folder.mkdir()
        (folder / "config.toml").write_text(NemdConfig(**doc).to_toml())
        assert _periodic_cell(folder)[1].n_atoms <= DEFAULT_MODE_ATOMS


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    """The tiny LJ run of tests/cli/test_md_spectral_cli.py (160 atoms, a few seconds of LAMMPS)."""
    from kapitza.md.run import run_nemd

    folder = tmp_path_factory.mktemp("hostile_modes") / "fwd"
    config = NemdConfig(potential="lj/cut", n_x=2, n_y=2, cells_a=5, cells_b=5, mass_b=4.0, delta_temperature=0.4,
                        bath_width=1.0, steps_equilibration=500, steps_steady=2000, spectral_planes=4,
                        steps_production=4000, block_steps=400, spectral_every=5)  # fmt: skip
    run_nemd(config, folder)
    return folder


def test_empty_bands_and_no_interface_modes_are_explained_not_printed_as_nan(cli, tiny_run):
    """Before: six bands on this 160-atom cell printed columns of 'nan' and a share of '0.0% +- 0.0%'
    with no word why.  Now a '-' with its legend, and the share says there are no interface modes."""
    import json

    status, out, _ = cli("md", "modes", tiny_run, "--no-progress", "--bands", "6")
    assert status == 0
    text = " ".join(out.split())
    assert "nan" not in out.split() and "+- 0.0%" not in text
    # the lattice dynamics of this cell (no MD noise): no interface mode, the top band empty on every plane
    assert "0 interface modes" in text
    assert "none (no mode of the cell is localised at the interface)" in text
    table = [ln.split() for ln in out.splitlines() if ln.split() and ln.split()[0].lstrip("-").isdigit()]
    assert all(row[-1] == "-" for row in table) and len(table) == 8
    assert "-: the band holds too few of the plane's modes" in text
    status, out, _ = cli("md", "modes", tiny_run, "--no-progress", "--bands", "6", "--json")
    assert status == 0
    doc = json.loads(out)
    assert all(t == "nan" for t in doc["modal_temperatures"]["T"][-1])
    assert "too few of the plane's modes" in doc["modal_temperatures_note"]
    assert doc["interface_modes"] == 0
    assert "no mode" in doc["interface_mode_share_note"]
