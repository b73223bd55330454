"""A user's NEMD from the command line (issue 27, Build item 4 and Tests: "a short NEMD of one showcase system in
CI, a clear jump, bath balance"): ``kapitza md run config.toml`` with ``structure =`` and ``pair =`` named beside
the TOML, then ``kapitza md analyze``, on the GaN|SiC showcase (examples/interfaces/make_gan_sic.py,
GaN_SiC_dimer.pair).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from kapitza.md.nemd import files_beside

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "interfaces"


def _make_gan_sic():
    """The showcase builder script, imported from its file (examples/ is not a package)."""
    spec = importlib.util.spec_from_file_location("make_gan_sic", EXAMPLES / "make_gan_sic.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_files_beside_joins_only_relative_input_files():
    data = {"structure": "s.extxyz", "pair": "/abs/p.pair", "temperature": 300.0, "sides": "tags"}
    out = files_beside(data, os.path.join("cfg", "dir"))
    assert out["structure"] == os.path.join("cfg", "dir", "s.extxyz")
    assert out["pair"] == "/abs/p.pair" and out["sides"] == "tags" and out["temperature"] == 300.0
    assert data["structure"] == "s.extxyz"  # the caller's mapping is untouched
    assert files_beside({"structure": "s.extxyz"}, "")["structure"] == "s.extxyz"  # a config in the cwd
    assert files_beside({"structure": 3}, "d")["structure"] == 3  # left for the config's own one-line refusal


def test_showcase_structure_is_pseudomorphic_gan_on_sic():
    """GaN carries the whole in-plane mismatch: a_SiC / a_GaN - 1 with the potentials' lattice constants
    (lattice_constants.json: 3.08251 / 3.18092 - 1 = -3.094 %); SiC unstrained; 8 atoms per orthorhombic cell and
    period; the lateral cell 4 a x 2 sqrt(3) a of SiC."""
    pytest.importorskip("ase")
    module = _make_gan_sic()
    structure = module.build(periods=(3, 2), lateral=(4, 2))
    gan, sic = module.crystals()
    d = structure.description
    assert d["max_strain_a"] == pytest.approx(1 - sic["a"] / gan["a"], rel=1e-9)
    assert abs(d["max_strain_a"] - 0.03094) < 5e-5 and d["max_strain_b"] == 0.0
    assert len(structure.atoms) == 8 * (3 + 2) * 4 * 2
    assert np.count_nonzero(structure.side == 0) == 8 * 3 * 8
    np.testing.assert_allclose(structure.atoms.cell.lengths()[:2], [4 * sic["a"], 2 * np.sqrt(3) * sic["a"]])
    assert set(np.asarray(structure.species)[structure.side == 0]) == {"Ga", "N"}
    assert set(np.asarray(structure.species)[structure.side == 1]) == {"Si", "C"}


def _inputs(folder: Path, periods=(6, 6), lateral=(2, 1)) -> Path:
    """The showcase's structure (small) and pair files written into ``folder``."""
    pytest.importorskip("ase")
    folder.mkdir(parents=True, exist_ok=True)
    _make_gan_sic().main([str(folder), "--periods", *map(str, periods), "--lateral", *map(str, lateral)])
    for name in ("GaN_SiC_dimer.pair", "GaN_SiC_dimer.tersoff"):
        shutil.copyfile(EXAMPLES / name, folder / name)
    return folder


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('structure = "missing.extxyz"\npair = "GaN_SiC_dimer.pair"\n', "missing.extxyz"),
        ('structure = "gan_sic.extxyz"\npair = "missing.pair"\n', "missing.pair does not exist"),
        ('structure = "gan_sic.extxyz"\npair = "GaN_SiC_dimer.pair"\n', "not evenly spaced enough"),
    ],
)
def test_bad_user_toml_is_one_line_exit_2_and_no_run_directory(cli, tmp_path, monkeypatch, line, message):
    """Relative names are looked up beside the TOML (not in the cwd), and every refusal is one line with
    nothing written; the last case is the showcase's own structure without bin_width= (wurtzite planes
    alternate 0.65 and 1.95 A apart)."""
    _inputs(tmp_path / "inputs", periods=(2, 2), lateral=(1, 1))
    config = tmp_path / "inputs" / "c.toml"
    config.write_text(line)
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    status, out, err = cli("md", "run", str(config), "--run-dir", "run", "--no-progress")
    assert status == 2, out + err
    assert message in err and len(err.strip().splitlines()) == 1
    assert not (elsewhere / "run").exists()
