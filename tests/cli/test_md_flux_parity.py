"""``md run`` and ``md analyze`` print one flux for one run directory (issue 26, item 1): both call
:func:`kapitza.analysis.md.response.run_flux`, the one computation of the value, its sign (``reverse``) and its block
error.

The run directory is the synthetic one of ``tests/analysis/md/run_dir_synthetic.py`` (written by hand, with the
manifest kapitza.md writes), so no LAMMPS is needed: ``md run`` on a finished run directory with the same config
runs nothing and reports what the directory holds.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "analysis" / "md"))

from run_dir_synthetic import AREA, BLOCK_TIME, FLUX, write_run_dir  # noqa: E402

from json_rules import strict_loads  # noqa: E402
from kapitza.analysis.md.blocking import correlated_mean  # noqa: E402
from kapitza.analysis.md.response import analyze_run, run_flux  # noqa: E402
from kapitza.io.run_manifest import read_baths_file, read_manifest  # noqa: E402
from kapitza.md.run import read_run_config, run_nemd  # noqa: E402

FLUX_LINE = re.compile(r"heat flux per interface \(A->B, mean of both baths\): (\S+) \+- (\S+) ")


def _noisy_run(folder: Path, blocks: int, seed: int = 7) -> Path:
    """A synthetic run whose baths.txt has a noisy flux per block (mean FLUX, 10 % spread), so that the error is
    not zero."""
    write_run_dir(folder, blocks=blocks)
    rng = np.random.default_rng(seed)
    per_block = FLUX * (1 + 0.1 * rng.standard_normal(blocks))
    energy = 2 * per_block * AREA * BLOCK_TIME  # two interfaces
    rows = "".join(f"{b} {100 * b} {-e:.12g} {e:.12g} -900\n" for b, e in enumerate(energy, start=1))
    (folder / "baths.txt").write_text("# block step E_hot E_cold E_total\n" + rows)
    return folder


@pytest.mark.parametrize("blocks", [10, 17])
def test_md_run_and_md_analyze_print_one_flux(cli, tmp_path, blocks):
    """10 and 17 blocks: md run and md analyze print the same flux and error, the mean of every block's flux and
    the error of that mean from the block series' integrated autocorrelation time (issue 64; before, 16 or more rows
    were grouped into blocks and the first row left out, where md run used to print the mean of all rows)."""
    folder = _noisy_run(tmp_path / "run", blocks)
    config = tmp_path / "run.toml"
    shutil.copy(folder / "config.toml", config)
    status, out, err = cli("md", "run", str(config), "--run-dir", str(folder), "--no-progress")
    assert status == 0, err
    match = FLUX_LINE.search(" ".join(out.split()))
    assert match, out
    status, text, err = cli("md", "analyze", str(folder), "--json")
    assert status == 0, err
    doc = strict_loads(text)
    assert match.group(1) == f"{doc['J']:.5g}" and match.group(2) == f"{doc['J_err']:.2g}"
    # the number itself, independently: the mean of all blocks and correlated_mean's error of it
    fluxes = read_manifest(folder).block_fluxes(read_baths_file(folder / "baths.txt"), AREA)
    b = correlated_mean(fluxes)
    assert doc["J"] == pytest.approx(float(np.mean(fluxes)), rel=1e-12)
    assert doc["J_err"] == pytest.approx(b.err, rel=1e-12) and b.n_samples == blocks


def test_library_paths_agree_and_reverse_signs_the_flux(tmp_path):
    """run_nemd (md) and analyze_run (analysis) on one directory: one flux; with reverse the A->B flux of
    run_flux is the negative of the magnitude analyze_run's jump uses, and so are NemdRun's block fluxes."""
    forward = _noisy_run(tmp_path / "f", 12)
    run = run_nemd(read_run_config(forward), forward)
    analysis = analyze_run(forward)
    flux = run_flux(forward)
    assert float(np.mean(run.heat_flux)) == pytest.approx(flux.flux, rel=1e-12)
    assert analysis.jump.flux == flux.flux and analysis.jump.flux_err == flux.flux_err
    reverse = tmp_path / "r"
    write_run_dir(reverse, blocks=12, reverse=True)
    assert run_flux(reverse).flux == pytest.approx(-FLUX, rel=1e-10)
    assert run_nemd(read_run_config(reverse), reverse).heat_flux == pytest.approx(np.full(12, -FLUX), rel=1e-10)
