"""kapitza md spectral | modes | rectification: run as a user would, on a tiny real LJ forward/reverse pair.

The pair: LJ 2x2 cross-section, 5 + 5 cells, masses 1 | 4, baths 0.5 / 0.1, 10 blocks of 400 steps sampled
every 5 steps (a few seconds each).  The numbers of such short runs are noisy; these tests check the commands'
wiring, outputs and refusals; the physics is tested in tests/test_spectra_chain.py, tests/md/test_spectral.py and
tests/analysis.
"""

from __future__ import annotations

import json
import shutil

import pytest

from kapitza.md.nemd import NemdConfig
from kapitza.md.run import run_nemd

TINY = dict(
    potential="lj/cut",
    n_x=2,
    n_y=2,
    cells_a=5,
    cells_b=5,
    mass_b=4.0,
    delta_temperature=0.4,
    bath_width=1.0,
    steps_equilibration=500,
    steps_steady=2000,
    spectral_planes=4,
    steps_production=4000,
    block_steps=400,
    spectral_every=5,
)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("spectral_cli")
    run_nemd(NemdConfig(**TINY), root / "fwd")
    run_nemd(NemdConfig(**TINY, reverse=True), root / "rev")
    return root


def test_spectral_json_and_plot(runs, cli):
    """The sum rule is printed and in the JSON; --no-harmonic says why there is no AGF curve; the plot is written."""
    status, out, err = cli("md", "spectral", runs / "fwd", "--no-harmonic", "--plot", runs / "s.png")
    assert status == 0, err
    text = " ".join(out.split())  # rich wraps lines
    assert "sum rule: integral of q_force" in text and "no harmonic comparison: --no-harmonic" in text
    assert (runs / "s.png").stat().st_size > 10_000
    doc = json.loads(cli("md", "spectral", runs / "fwd", "--no-harmonic", "--json")[1])
    sc = doc["spectral"]
    assert sc["q_source"] == "force" and sc["sum_rule"].startswith("sum rule")
    assert sc["G_nemd"] > 0 and doc["harmonic"] is None


def test_modes_prints_a_modal_temperature_per_plane(runs, cli):
    """Lattice dynamics of the run's own 160-atom cell, then one table row per sampled plane (-4 .. 3)."""
    status, out, err = cli("md", "modes", runs / "fwd", "--no-progress", "--bands", "3", "--plot", runs / "m.png")
    assert status == 0, err
    assert "480 modes" in " ".join(out.split())  # 160 atoms x 3
    rows = [ln.split() for ln in out.splitlines() if ln.split() and ln.split()[0].lstrip("-").isdigit()]
    assert [int(r[0]) for r in rows] == list(range(-4, 4))
    assert all(len(r) == 2 + 3 for r in rows)  # plane, T(all), 3 bands
    assert (runs / "m.png").exists()


def test_rectification_forward_then_reverse(runs, cli):
    status, out, err = cli("md", "rectification", runs / "fwd", runs / "rev", "--plot", runs / "r.png")
    assert status == 0, err
    assert "G forward (A -> B)" in out and "rectification" in out
    assert (runs / "r.png").exists()


@pytest.mark.parametrize(
    "args, message",
    [
        (("md", "spectral", "{root}/nowhere"), "does not exist"),
        (("md", "spectral", "{root}/fwd", "--plot", "{root}/x.txt"), "--plot"),
        (("md", "spectral", "{root}/fwd", "--no-harmonic", "--smoothing-bins", "-1"), "smoothing"),
        (("md", "spectral", "{root}/fwd", "--kpoints", "0"), "kpoints"),
        (("md", "spectral", "{root}/fwd", "--frequencies", "5"), "frequencies"),
        (("md", "modes", "{root}/fwd", "--bands", "0"), "--bands"),
        (("md", "modes", "{root}/fwd", "--bands", "100000"), "--bands"),
        (("md", "rectification", "{root}/rev", "{root}/fwd"), "forward run first"),
        (("md", "spectral", "{root}/plain"), "spectral"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(runs, cli, args, message):
    """Every refusal: exit status 2, one line on stderr naming the problem, no file written."""
    plain = runs / "plain"
    if not plain.exists():  # a run directory without spectral sampling
        shutil.copytree(runs / "fwd", plain, ignore=shutil.ignore_patterns("spectral"))
    status, out, err = cli(*(a.format(root=runs) for a in args))
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert status == 2 and len(lines) == 1 and lines[0].startswith("kapitza: error: "), err
    assert message in lines[0] and "Traceback" not in err, err
    assert not (runs / "x.txt").exists()


def test_spectral_on_a_profile_without_a_jump_says_why_there_is_no_g(runs, cli, tmp_path):
    """Hostile input of issue 39: a profile whose jump does not point along the heat flow (here the run's own
    profile turned upside down about its mean, so that T rises from the hot bath) has no G; md spectral says so in
    a sentence instead of printing "G from the bath flux = nan +- nan", and compares nothing with the AGF."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "analysis" / "md"))
    from analysis_synthetic import ave_chunk_text

    from kapitza.analysis import TemperatureProfile, read_profile

    run = tmp_path / "flat"
    shutil.copytree(runs / "fwd", run)
    p = read_profile(run / "profile.chunk")
    flipped = 2 * p.temperatures.mean() - p.temperatures
    upside_down = TemperatureProfile(positions=p.positions, temperatures=flipped, counts=None, steps=None, units="lj")
    (run / "profile.chunk").write_text(ave_chunk_text(upside_down))
    status, out, err = cli("md", "spectral", run, "--no-harmonic")
    text = " ".join(out.split())
    assert status == 0, err
    assert "no G: the temperature jump at the interface" in text and "does not point along the heat flow" in text
    assert "nan" not in text.lower()
    doc = json.loads(cli("md", "spectral", run, "--no-harmonic", "--json")[1])
    assert doc["spectral"]["G_note"].startswith("no G:")
