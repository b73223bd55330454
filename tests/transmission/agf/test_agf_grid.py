"""The frequency grid of an AGF run: its estimated error and its bound (agf.grid) against a much finer grid, and
the adaptive grid.

Reference for every comparison: the same interface (SW Si|Ge [001], mass-mismatch model, 1x1, 2x2 k; and for
the estimate's coverage also 2x2 intermixed, seed 1, 2x1 k) on the uniform midpoint grid of 1215 frequencies, computed
here.  Its own error is far below the tolerances used:
against it, 405 frequencies were within 4e-4 of G at 50-300 K (docs/reference/performance.md measured 8x8 k),
and the grids of 45 and 135 compared below are 27x and 9x coarser.
"""

from __future__ import annotations

import numpy as np
import pytest

from kapitza.transmission.agf import grid
from kapitza.transmission.agf.run import run_agf

TEMPS = [50.0, 100.0, 300.0]
BASE = dict(kpoints=2, check_broadening=False, temperature=TEMPS)


@pytest.fixture(scope="module")
def fine():
    """The reference: 1215 uniform frequencies (holds the midpoint grids of 405, 135, 45 and 15 exactly)."""
    result, _ = run_agf("Si", "Ge", frequencies=1215, **BASE)
    return result


def test_embedded_grids_are_nodes_of_the_fine_grid(fine):
    """Node i of the midpoint grid of n/3 cells is node 3i+1 of the grid of n (what the estimate relies on)."""
    t = fine.transmission
    w_max = t.omega_weights[0] * t.omega.size
    for n in (405, 135, 45):
        coarse = grid.uniform_cells(w_max, n).omega
        np.testing.assert_allclose(coarse, t.omega[1215 // n // 2 :: 1215 // n], rtol=1e-13)


def embedded(reference, n):
    """G, the estimate and the bound of the midpoint grid of n whose nodes are those of the 1215 reference."""
    t = reference.transmission
    step = 1215 // n
    cells = grid.Cells(t.omega[step // 2 :: step], np.full(n, t.omega_weights[0] * step))
    f = grid.integrand(cells.omega, t.transmitted_channels[step // 2 :: step], np.array(TEMPS))
    return (f * cells.width).sum(axis=1), grid.estimated_error(cells, f), grid.cell_errors(cells, f).sum(axis=1)


@pytest.mark.parametrize("n", [15, 45, 135])
def test_bound_of_a_uniform_grid_covers_its_true_error(fine, n):
    """The bound of the midpoint grid of n (its nodes taken from the reference) is at least its distance
    to the 1215-frequency G at every temperature; and it is not vacuous: below 50 % of G."""
    g, _, bound = embedded(fine, n)
    true = np.abs(g - fine.conductance)
    assert np.all(bound >= true), (bound / fine.conductance, true / fine.conductance)
    assert np.all(bound < 0.5 * fine.conductance)


@pytest.fixture(scope="module")
def mixed():
    """A second reference: 2x2 intermixed (2 planes, seed 1), 2x1 k, 1215 uniform frequencies (6-14 s here)."""
    options = dict(BASE, kpoints=(2, 1))
    result, _ = run_agf("Si", "Ge", frequencies=1215, lateral=(2, 2), mixing_layers=2, seed=1, **options)
    return result


@pytest.mark.slow  # 33 s on 2 cores (pytest -m slow); the calibration module scores the estimate too
def test_estimate_is_a_one_sigma_error_on_two_interfaces(fine, mixed):
    """The 1-sigma estimate against the 1215-frequency G of the same sweep (the fixtures): on the uniform grids of
    15, 45, 135 and 405 at 50, 100 and 300 K of both interfaces (24 points) it covers the true error in a share
    that 24 points (about 8 independent: the three temperatures of a grid move together) cannot pin to 0.60-0.76:
    0.40-0.95 is asserted (measured 14 of 24 = 0.58; benchmarks/agf_grid_error.py 0.68 on its design set, 0.80
    on its test set); no point is beyond 3 estimates (measured at most 1.96); it is below the bound everywhere
    and much tighter: its median ratio to the true error is below 5 where the bound's is above (1.1 and 7.7)."""
    true, signed, estimate, bound = [], [], [], []
    for reference in (fine, mixed):
        for n in (15, 45, 135, 405):
            g, e, b = embedded(reference, n)
            true.extend(np.abs(g - reference.conductance))
            signed.extend(g - reference.conductance)
            estimate.extend(e)
            bound.extend(b)
    true, signed, estimate, bound = map(np.array, (true, signed, estimate, bound))
    assert 0.40 <= np.mean(estimate >= true) <= 0.95, estimate / true
    assert np.all(np.abs(signed) <= 3 * estimate), signed / estimate
    assert np.all(estimate < bound)
    assert np.median(estimate / true) < 5.0 < np.median(bound / true), (estimate / true, bound / true)


def test_run_states_the_error_of_its_uniform_grid(fine):
    """A uniform run reports the same estimate and bound as grid.grid_errors of its transmission; frequencies= n
    is the plain midpoint grid of n (no adaptive setting recorded)."""
    result, _ = run_agf("Si", "Ge", frequencies=45, **BASE)
    assert result.transmission.omega.size == 45
    estimate, bound = grid.grid_errors(result.transmission, np.array(TEMPS))
    np.testing.assert_array_equal(result.frequency_grid_error_estimate, estimate)
    np.testing.assert_array_equal(result.frequency_grid_error_bound, bound)
    assert "frequency_tolerance" not in result.settings
    assert np.all(np.abs(result.conductance - fine.conductance) <= result.frequency_grid_error_bound)


def test_adaptive_grid_agrees_with_the_fine_grid_within_its_bound(fine):
    """frequency_tolerance=0.01 (a 1-sigma tolerance: at 0.03 the 45 start frequencies already meet it here): the
    run refines past its start grid and stops with its estimate below the tolerance, with fewer frequencies than
    the cap, and its G is within its bound of the 1215-frequency G (and, here, within the tolerance); the merged
    transmission is sorted with widths that fill the grid."""
    result, _ = run_agf("Si", "Ge", frequencies=400, frequency_tolerance=0.01, **BASE)
    t = result.transmission
    assert np.all(np.diff(t.omega) > 0)
    np.testing.assert_allclose(t.omega_weights.sum(), result.settings["omega_max_rad_s"], rtol=1e-12)
    assert 45 < t.omega.size < 400 and result.settings["adaptive_frequencies"] == t.omega.size
    assert np.all(result.frequency_grid_error_estimate <= 0.01 * result.conductance)
    assert np.all(result.frequency_grid_error_estimate <= result.frequency_grid_error_bound)
    assert np.all(np.abs(result.conductance - fine.conductance) <= result.frequency_grid_error_bound)
    assert np.all(np.abs(result.conductance - fine.conductance) <= 0.01 * fine.conductance)
    assert any(n.startswith("adaptive frequency grid:") for n in result.notes)
    assert result.lead_omega.shape[1] == t.omega.size  # the leads' grids have as many frequencies


def test_adaptive_grid_stops_at_the_cap_with_a_note():
    """A tolerance the cap cannot reach: exactly the cap or one below it (two per split), and a note."""
    result, _ = run_agf("Si", "Ge", frequencies=60, frequency_tolerance=1e-4, **BASE)
    assert 59 <= result.transmission.omega.size <= 60
    assert any("NOT CONVERGED IN THE FREQUENCY GRID" in n and "frequencies= 60" in n for n in result.notes)


def test_split_keeps_the_old_node_as_the_middle_child():
    cells = grid.uniform_cells(9.0, 3)
    out, new = grid.split(cells, np.array([1]))
    np.testing.assert_allclose(new, [4.5 - 1.0, 4.5 + 1.0])
    np.testing.assert_allclose(out.omega, [1.5, 4.5, 7.5, 3.5, 5.5])
    np.testing.assert_allclose(out.width, [3.0, 1.0, 3.0, 1.0, 1.0])


def test_second_difference_is_exact_for_a_parabola_and_zero_for_a_line():
    """f = omega^2 on equal cells h: |D| = 2 h^3 inside; f linear: 0 inside (ends excepted: f(0) = 0 and the
    constant continuation past the top)."""
    cells = grid.uniform_cells(9.0, 9)
    x = cells.omega
    quad = grid.cell_errors(cells, (x**2)[None, :])
    np.testing.assert_allclose(quad[0, 2:-2], 2.0 / (3 * grid.RICHARDSON_FACTOR))
    line = grid.cell_errors(cells, x[None, :])
    np.testing.assert_allclose(line[0, 2:-2], 0.0, atol=1e-12)


def test_adaptive_grid_on_a_dask_local_cluster_equals_the_in_process_run():
    """Two worker processes (a LocalCluster through workers=2): every round's frequencies are the same, so the
    merged transmission and G equal the in-process ones exactly."""
    pytest.importorskip("distributed")
    args = dict(frequencies=120, frequency_tolerance=0.01, kpoints=2, check_broadening=False, temperature=TEMPS)
    local, _ = run_agf("Si", "Ge", **args)
    assert local.transmission.omega.size > 45  # more than the start round
    remote, _ = run_agf("Si", "Ge", workers=2, **args)
    np.testing.assert_array_equal(remote.transmission.omega, local.transmission.omega)
    np.testing.assert_array_equal(remote.transmission.xi_k, local.transmission.xi_k)
    np.testing.assert_array_equal(remote.conductance, local.conductance)
    np.testing.assert_array_equal(remote.frequency_grid_error_estimate, local.frequency_grid_error_estimate)
    np.testing.assert_array_equal(remote.frequency_grid_error_bound, local.frequency_grid_error_bound)


class Stop(Exception):
    pass


def test_adaptive_run_resumes_finished_rounds(tmp_path):
    """Stopped in its second round, a rerun with the same settings finds round 0 in its own checkpoint
    subfolder (only later units computed) and gives the uninterrupted result bit for bit."""
    out = tmp_path / "sige.npz"
    args = dict(frequencies=200, frequency_tolerance=0.01, kpoints=2, check_broadening=False, temperature=TEMPS)
    seen = []

    def stop(done, total):
        seen.append(done)
        if done >= 5:  # round 0: 45 frequencies in 2 chunks x 2 k points = 4 units, then one unit of round 1
            raise Stop

    with pytest.raises(Stop):
        run_agf("Si", "Ge", output=out, progress=stop, **args)
    partial = tmp_path / ".sige.npz.partial"
    assert (partial / "interface-round0").is_dir() and (partial / "interface-round1").is_dir()
    calls = []
    resumed, _ = run_agf("Si", "Ge", output=out, progress=lambda d, t: calls.append(d), **args)
    fresh, _ = run_agf("Si", "Ge", **args)
    assert calls[1:3] == [4, 5]  # after the start call (0): round 0's four units, then one of round 1, found
    np.testing.assert_array_equal(resumed.transmission.xi_k, fresh.transmission.xi_k)
    np.testing.assert_array_equal(resumed.conductance, fresh.conductance)
    assert out.exists() and not partial.exists()


@pytest.mark.parametrize("bad", ["0", "-1e-3", "1", "nan", "inf"])
def test_cli_refuses_a_bad_tolerance_with_one_line_and_writes_nothing(cli, tmp_path, bad):
    out = tmp_path / "g.npz"
    status, stdout, err = cli("agf", "Si", "Ge", "--frequency-tolerance", bad, "--output", out)
    lines = [line for line in err.splitlines() if line.strip()]
    assert status == 2 and len(lines) == 1 and "--frequency-tolerance" in lines[0], err
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_a_bad_tolerance_in_a_config_file_is_one_line(cli, tmp_path):
    config = tmp_path / "run.toml"
    config.write_text("frequency_tolerance = 0.0\n")
    status, _, err = cli("agf", "Si", "Ge", "--config", config)
    lines = [line for line in err.splitlines() if line.strip()]
    assert status == 2 and len(lines) == 1 and "frequency_tolerance in config file" in lines[0], err


def test_cli_reports_the_frequency_grid_error_in_json_and_in_the_summary(cli):
    """--json carries frequency_grid_error_estimate (W m^-2 K^-1, one per temperature, within the tolerance of
    G) and frequency_grid_error_bound (above it); the printed summary names both in % of G."""
    import json

    args = ("agf", "Si", "Ge", "--kpoints", "2", "--frequencies", "120", "--frequency-tolerance", "0.05")
    status, out, err = cli(*args, "--no-check", "-t", "100,300", "--json")
    assert status == 0, err
    doc = json.loads(out)
    error, g = np.array(doc["results"]["frequency_grid_error_estimate"]), np.array(doc["results"]["conductance"])
    bound = np.array(doc["results"]["frequency_grid_error_bound"])
    assert error.shape == (2,) and np.all((error > 0) & (error <= 0.05 * g) & (error < bound))
    assert doc["settings"]["frequency_tolerance"] == 0.05
    status, out, err = cli(*args, "--no-check", "-t", "100,300")
    assert status == 0 and "frequency-grid error of G two-probe: estimated" in out and "bound" in out, err


def test_the_broadening_check_of_an_adaptive_run_sweeps_its_final_grid():
    """G at eta/2 of the check equals a sweep at eta/2 over the adaptive grid's frequencies and weights, on the
    check's k sample (inputs.check_kpoints) with the sample's weights."""
    import dataclasses

    from kapitza.transmission.agf import inputs, transmission

    args = dict(frequencies=120, frequency_tolerance=0.05, kpoints=2, temperature=[300.0])
    result, model = run_agf("Si", "Ge", **args)
    t = result.transmission
    sample = t.restricted(inputs.check_kpoints(t.kpoints.shape[0]))
    half = transmission(model, t.omega, sample.kpoints, eta=t.eta / 2, omega_weights=t.omega_weights,
                        time_reversal=False)  # fmt: skip
    half = dataclasses.replace(half, kweights=sample.kweights)
    assert result.broadening.conductance[1] == pytest.approx(float(half.conductance(300.0)[0]), rel=1e-12)


def test_the_adaptive_progress_counts_the_frequencies_it_uses_not_the_cap():
    """Issue 39: the progress total of an adaptive run was that of its cap (--frequencies), so the bar stood far
    from its end and the time estimate counted frequencies never solved.  Now the first total is the first round's
    work (45 frequencies: 3 sweeps of 2 k points in 2 chunks), it grows as rounds add frequencies, never
    decreases, and ends equal to the work done, which is below the cap's."""
    calls: list[tuple[int, int]] = []
    result, _ = run_agf(
        "Si", "Ge", kpoints=2, frequencies=2000, frequency_tolerance=1e-2, temperature=[300.0],
        check_broadening=False, progress=lambda d, t: calls.append((d, t)),
    )  # fmt: skip
    n = result.transmission.omega.size
    cap_units = 3 * 2 * -(-2000 // 25)
    assert calls[0] == (0, 3 * 2 * 2)
    totals = [t for _, t in calls]
    assert totals == sorted(totals) and totals[-1] < cap_units
    done, total = calls[-1]
    assert done == total  # the bar ends full
    rounds = result.settings.get("adaptive_frequencies") == n
    assert rounds and total >= 3 * 2 * -(-n // 25) and all(d <= t for d, t in calls)
