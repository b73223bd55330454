"""analysis/response.py: a run directory analysed with nothing typed, G(T_mean) and J(Delta T) on exact data."""

from __future__ import annotations

import json

import numpy as np
import pytest
from run_dir_synthetic import AREA, BLOCK_TIME, FLUX, JUMP, write_run_dir

from kapitza.analysis.md.response import (
    analyze_run,
    conductance_vs_temperature,
    flux_from_bath_blocks,
    flux_vs_jump,
    read_bath_blocks,
)
from kapitza.errors import InputError


def test_run_directory_gives_the_jump_and_flux_it_was_built_with(tmp_path):
    """Synthetic run: Delta T = 0.2 at interfaces 0 and L/2 (the manifest's, from cells_a/(cells_a+cells_b)),
    J = 0.05 exactly (written into baths.txt: 2 J area block_time per block)."""
    run = analyze_run(write_run_dir(tmp_path / "r"))
    j = run.jump
    assert [i.position for i in j.interfaces] == pytest.approx([0.0, 20.0], abs=1e-9)
    assert j.flux == pytest.approx(FLUX, rel=1e-10) and j.flux_source == "baths" and j.bath_flux.balanced
    assert abs(j.delta_T - JUMP) < 3 * j.delta_T_err
    assert abs(j.G - FLUX / JUMP) < 3 * j.G_err
    assert run.area == AREA and run.block_time == BLOCK_TIME and run.interface_fraction == 0.5
    assert run.T_mean == pytest.approx(1.0, abs=0.02) and run.bath_delta_T == 0.4


def test_bath_blocks_to_flux_exact():
    """Per-block energies +-2 J A tau give J exactly (two interfaces); one interface (paths=1) gives 2 J."""
    blocks = np.array([[b, 100 * b, -6.0, 6.0, 0.0] for b in range(1, 6)])
    assert flux_from_bath_blocks(blocks, 30.0, 2.0).flux == pytest.approx(6.0 / 2 / 2 / 30)
    assert flux_from_bath_blocks(blocks, 30.0, 2.0, paths=1).flux == pytest.approx(6.0 / 2 / 30)


def _edit_manifest(folder, **changes):
    doc = json.loads((folder / "run.json").read_text())
    doc.update(changes)
    for key in [k for k, v in changes.items() if v is None]:
        del doc[key]
    (folder / "run.json").write_text(json.dumps(doc))


@pytest.mark.parametrize(
    ("change", "match"),
    [
        (lambda d: (d / "run.json").unlink(), "has no run.json .made before kapitza wrote run manifests"),
        (lambda d: (d / "baths.txt").write_text("1 100 -3 3 0\n"), "holds 20 blocks but baths.txt 1"),
        (lambda d: (d / "baths.txt").write_text("1 100 -3 3\n"), "expected 5 columns"),
        (lambda d: (d / "profile.chunk").unlink(), "has no profile.chunk"),
        (lambda d: (d / "box.txt").write_text("nothing\n"), "not a kapitza box file"),
        (lambda d: _edit_manifest(d, system={"kind": "lj-fcc"}), "system: missing key 'species'"),
        (lambda d: _edit_manifest(d, block_steps=None), "missing key 'block_steps'"),
        (lambda d: _edit_manifest(d, timestep="0.01"), "timestep must be a finite number"),
        (lambda d: _edit_manifest(d, schema_version=2), "schema_version 2 is not 1"),
        (lambda d: (d / "run.json").write_text('{"timestep": NaN}'), "not valid JSON"),
    ],
)
def test_bad_run_directories_are_one_input_error(tmp_path, change, match):
    folder = write_run_dir(tmp_path / "r")
    change(folder)
    with pytest.raises(InputError, match=match):
        analyze_run(folder)


def test_read_bath_blocks_refuses_garbage(tmp_path):
    p = tmp_path / "b.txt"
    p.write_text("1 100 -3 nan 0\n")
    with pytest.raises(InputError, match="NaN"):
        read_bath_blocks(p)


def test_linear_response_exact():
    """J = 2 Delta T exactly: G = 2, c = 0, not non-linear (exact synthetic data)."""
    r = flux_vs_jump([1, 2, 3, 4], [0.01] * 4, [2, 4, 6, 8], [0.1] * 4)
    assert r.G == pytest.approx(2.0) and r.G_quadratic == pytest.approx(2.0)
    assert r.c == pytest.approx(0.0, abs=1e-12) and not r.nonlinear and r.linear_chi2_per_dof == pytest.approx(0)


def test_quadratic_response_exact_and_detected():
    """J = 2 Delta T + 0.3 Delta T^2 exactly: the quadratic fit returns (2, 0.3) and flags it."""
    dt = np.array([0.5, 1.0, 1.5, 2.0, 3.0])
    r = flux_vs_jump(dt, np.zeros(5), 2 * dt + 0.3 * dt**2, np.full(5, 0.01))
    assert r.G_quadratic == pytest.approx(2.0) and r.c == pytest.approx(0.3)
    assert r.nonlinear and r.c_pvalue < 1e-6 and r.linear_chi2_per_dof > 10


def test_effective_variance_uses_the_delta_T_errors():
    """With sigma_J = 0 the weights come from G sigma_DeltaT alone: exact data still give the exact slope."""
    r = flux_vs_jump([1.0, 2.0, 4.0], [0.1, 0.1, 0.2], [3.0, 6.0, 12.0], [0.0, 0.0, 0.0])
    assert r.G == pytest.approx(3.0) and r.c == pytest.approx(0.0, abs=1e-10)


def test_quadratic_term_error_is_honest_over_seeds():
    """Linear data with Gaussian noise on J: c / c_err is standard normal, ~68 % of 400 seeds within 1 sigma
    and ~1 % flagged non-linear at significance 0.01."""
    dt = np.array([0.2, 0.4, 0.6, 0.8, 1.0, 1.2])
    sigma = 0.02
    pulls, flagged = [], 0
    for seed in range(400):
        rng = np.random.default_rng(seed)
        r = flux_vs_jump(dt, np.zeros(6), 0.7 * dt + rng.normal(0, sigma, 6), np.full(6, sigma))
        pulls.append(r.c / r.c_err)
        flagged += r.nonlinear
    within = np.mean(np.abs(pulls) < 1)
    assert 0.62 < within < 0.74 and flagged <= 10


def test_power_law_and_line_exact():
    """G = 3 T^1.5 exactly: exponent 1.5, prefactor 3; G = 1 + 2 T exactly: intercept 1, slope 2."""
    t = np.array([1.0, 2.0, 4.0, 0.5])
    r = conductance_vs_temperature(t, 3 * t**1.5, 0.01 * 3 * t**1.5)
    assert r.exponent == pytest.approx(1.5) and r.prefactor == pytest.approx(3.0)
    assert list(r.temperatures) == [0.5, 1.0, 2.0, 4.0]
    r = conductance_vs_temperature(t, 1 + 2 * t, np.full(4, 0.1))
    assert r.intercept == pytest.approx(1.0) and r.slope == pytest.approx(2.0) and r.linear_chi2_per_dof < 1e-20


def test_two_points_give_the_table_only():
    r = conductance_vs_temperature([1.0, 2.0], [3.0, 4.0], [0.1, 0.1])
    assert np.isnan(r.exponent) and np.isnan(r.slope) and r.conductances.tolist() == [3.0, 4.0]
    r = flux_vs_jump([1.0, 2.0], [0.0, 0.0], [2.0, 4.0], [0.1, 0.1])
    assert r.G == pytest.approx(2.0) and np.isnan(r.c) and not r.nonlinear


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: conductance_vs_temperature([1, 2], [1], [1, 1]), "same length"),
        (lambda: conductance_vs_temperature([1, -2, 3], [1, 1, 1], [1, 1, 1]), "must all be > 0"),
        (lambda: conductance_vs_temperature([2, 2, 2], [1, 1, 1], [1, 1, 1]), "share one temperature"),
        (lambda: flux_vs_jump([1, 0], [0.1, 0.1], [1, 1], [0.1, 0.1]), "Delta T must be > 0"),
        (lambda: flux_vs_jump([1, 2], [0, 0], [1, 1], [0, 0.1]), "non-zero error"),
        (lambda: flux_vs_jump([1, 1, 1], [0.1] * 3, [1, 1, 1], [0.1] * 3), "two different Delta T"),
        (lambda: flux_vs_jump([1, 2], [0.1] * 2, [1, float("nan")], [0.1] * 2), "finite"),
    ],
)
def test_bad_response_input(call, match):
    with pytest.raises(InputError, match=match):
        call()


def test_path_resistance_of_a_synthetic_run(tmp_path):
    """Synthetic run (analysis_synthetic): bath centres at 1.2 and 0.8 on the extrapolated lines (jump 0.2 plus a
    gradient 0.01 over 2 x 10 length units), J = 0.05: R_total = 0.4 / 0.05 = 8 over a path of L/2 = 20."""
    from kapitza.analysis.md.response import path_resistance

    length, r, err = path_resistance(analyze_run(write_run_dir(tmp_path / "r")))
    assert length == pytest.approx(20.0) and abs(r - 8.0) < 3 * err and 0 < err < 0.5


def test_flux_from_tally_chooses_the_formula_by_the_file_kind(tmp_path):
    """One flux whichever file carries it: per-block energies (kapitza baths.txt) and the same energies as
    cumulative tallies (time, hot, cold) give J = 6 / 2 / (2 x 30) per block of 2 time units (exact data,
    derivation: each block moves 6 energy units through two interfaces of area 30 in 2 time units, mean of the
    two baths); the block time is required for the first kind and refused for the second."""
    from kapitza.analysis.md.baths import read_bath_tally
    from kapitza.analysis.md.response import flux_from_tally

    blocks = tmp_path / "baths.txt"
    blocks.write_text("# block step E_hot E_cold E_total\n" + "".join(f"{b} {100 * b} -6 6 0\n" for b in range(1, 9)))
    cumulative = tmp_path / "tally.txt"
    cumulative.write_text("# time hot cold\n" + "".join(f"{2.0 * i} {-6.0 * i} {6.0 * i}\n" for i in range(9)))
    per_block = flux_from_tally(read_bath_tally(blocks), 30.0, block_time=2.0)
    tallied = flux_from_tally(read_bath_tally(cumulative), 30.0, n_blocks=8)
    assert per_block.flux == pytest.approx(6.0 / 2 / (2 * 30)) and tallied.flux == pytest.approx(per_block.flux)
    assert flux_from_tally(read_bath_tally(blocks), 30.0, "fixed", 2.0).flux == pytest.approx(2 * per_block.flux)
    with pytest.raises(InputError, match="needs the block time"):
        flux_from_tally(read_bath_tally(blocks), 30.0)
    with pytest.raises(InputError, match="holds cumulative tallies"):
        flux_from_tally(read_bath_tally(cumulative), 30.0, block_time=2.0)
