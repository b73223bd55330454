"""Two hostile AGF inputs: a broadening too large to mean anything, and a random seed recorded where nothing is random.

Broadening: with z = omega^2 (1 + i eta) every phonon gets a half-width eta*omega/2 (quality factor 1/eta), and
G falls linearly with eta (measured on Si/Ge [001]: -0.8 % at 1e-4, -7.5 % at 1e-3, -99 % at 0.1; see
inputs.ETA_MAX).  So eta >= ETA_MAX is refused always, eta > ETA_UNCHECKED_MAX without the broadening check,
and a checked run whose G moves by more than BROADENING_TOLERANCE between eta and eta/2 says so in its notes.

Seed: without intermixing nothing in the structure is random, so no seed is recorded and two identical runs
give identical outputs; with intermixing the drawn seed is recorded and reproduces the run.
"""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest

from kapitza.errors import InputError
from kapitza.transmission.agf import inputs
from kapitza.transmission.agf.run import BROADENING_TOLERANCE, run_agf

TINY = {"kpoints": 1, "frequencies": 20, "temperature": [300.0]}


@pytest.fixture
def no_build(monkeypatch):
    """Building a structure fails the test: a refused input must be refused before any work."""
    import kapitza.atomistic.structures as structures

    monkeypatch.setattr(structures, "build_interface", lambda *a, **k: pytest.fail("built although refused"))


@pytest.mark.parametrize("eta", [inputs.ETA_MAX, 1.0, 10.0])
@pytest.mark.parametrize("check", [True, False])
def test_a_broadening_of_0_1_or_more_is_refused_before_any_work(no_build, eta, check):
    with pytest.raises(InputError, match=r"eta= must be < 0\.1 \(a broadening that large damps every phonon") as info:
        run_agf("Si", "Ge", eta=eta, check_broadening=check, **TINY)
    assert "\n" not in str(info.value)


def test_without_the_check_eta_above_1e_4_is_refused_and_up_to_it_accepted(no_build):
    with pytest.raises(InputError, match=r"eta= 0\.001 is refused with check_broadening=False") as info:
        run_agf("Si", "Ge", eta=1e-3, check_broadening=False, **TINY)
    assert "drop check_broadening=False so that G at eta/2 measures it" in str(info.value)
    for eta in (inputs.ETA_UNCHECKED_MAX, 1e-6):  # the bound itself and the default pass validation
        checked = inputs.validate_inputs({"eta": eta, "check_broadening": False})
        assert checked["eta"] == eta
    assert inputs.validate_inputs({"eta": 0.05, "check_broadening": True})["eta"] == 0.05  # the check will measure it


def test_a_checked_run_whose_g_moves_with_eta_says_it_is_not_converged(tmp_path):
    """eta = 3e-3 on the tiny model: G at eta/2 is larger (the broadening absorbs), by more than 1 %; the note
    quotes that change and twice it as the bias (linear loss: G(eta) = G0 (1 - a eta) => G(eta) is low by
    about 2 |G(eta/2) - G(eta)| / G(eta/2)).  The default eta gives no such note.

    The factor two is derived above (linear loss in eta).
    """
    result, _ = run_agf("Si", "Ge", eta=3e-3, **TINY)
    b = result.broadening
    assert b.conductance[1] > b.conductance[0] and b.relative_change > BROADENING_TOLERANCE
    notes = [n for n in result.notes if n.startswith("NOT CONVERGED IN THE BROADENING")]
    assert len(notes) == 1
    assert f"by {100 * b.relative_change:.2g} %" in notes[0] and f"about {200 * b.relative_change:.2g} %" in notes[0]
    quiet, _ = run_agf("Si", "Ge", **TINY)
    assert quiet.broadening.relative_change < BROADENING_TOLERANCE
    assert not any("NOT CONVERGED IN THE BROADENING" in n for n in quiet.notes)


def _strip_seconds(doc):
    if isinstance(doc, dict):
        return {k: _strip_seconds(v) for k, v in doc.items() if k != "seconds"}
    if isinstance(doc, list):
        return [_strip_seconds(v) for v in doc]
    return doc


def test_without_intermixing_no_seed_is_recorded_and_two_runs_give_the_same_output(tmp_path):
    """Two identical runs saved as JSON: the same document except the measured wall times ("seconds")."""
    docs = []
    for name in ("a.json", "b.json"):
        result, _ = run_agf("Si", "Ge", check_broadening=False, output=tmp_path / name, **TINY)
        assert result.settings["seed"] is None and result.model_metadata["structure"]["seed"] is None
        docs.append(json.loads((tmp_path / name).read_text()))
    assert _strip_seconds(docs[0]) == _strip_seconds(docs[1])
    given, _ = run_agf("Si", "Ge", check_broadening=False, seed=5, **TINY)
    assert given.settings["seed"] is None and any("seed= 5 is not used: without intermixing" in n for n in given.notes)


def test_with_intermixing_the_drawn_seed_is_recorded_and_reproduces_the_run():
    first, _ = run_agf("Si", "Ge", mixing_layers=1, check_broadening=False, **TINY)
    seed = first.settings["seed"]
    assert isinstance(seed, int) and first.model_metadata["structure"]["seed"] == seed
    again, _ = run_agf("Si", "Ge", mixing_layers=1, seed=seed, check_broadening=False, **TINY)
    assert np.array_equal(again.transmission.xi, first.transmission.xi)
    assert np.array_equal(again.conductance, first.conductance)


@pytest.mark.parametrize("n", [1, 2, 7, 8, 9, 32, 100])
def test_the_check_samples_one_irreducible_k_point_in_eight(n):
    """inputs.check_kpoints: ceil(n/8) rows (at least one), distinct, inside the list, one in each group of 8."""
    rows = inputs.check_kpoints(n)
    assert rows.size == -(-n // inputs.CHECK_EVERY) >= 1
    assert np.unique(rows).size == rows.size and rows.min() >= 0 and rows.max() < n
    groups = (rows * rows.size) // n  # the group of n/m points each row stands for
    np.testing.assert_array_equal(groups, np.arange(rows.size))


def test_the_sampled_check_measures_what_the_full_check_does():
    """The broadening check solves eta/2 on one irreducible k point in eight (inputs.CHECK_EVERY).

    Parity: its G at eta is the run's own Xi on the sample (same numbers, restricted).  Reference: the relative
    change of G(300 K) from eta to eta/2 on the sample is within a factor 3 of that on every k point; the spread
    of single k points measured on SW Si | Ge 1x1, 4x4 k, 100 frequencies was 2.4e-5 to 1.05e-4 around 3.9e-5
    for all (the measurement written at inputs.CHECK_EVERY).  Here: 40 frequencies, eta = 1e-4, where the change
    is about 1e-3 and far above round-off.
    """
    from kapitza.transmission.agf import transmission

    result, model = run_agf("Si", "Ge", kpoints=4, frequencies=40, eta=1e-4, temperature=[300.0])
    b, t = result.broadening, result.transmission
    assert b.of_kpoints == t.kpoints.shape[0] == 8 and len(b.kpoints) == 1
    rows = inputs.check_kpoints(8)
    np.testing.assert_array_equal(b.kpoints, t.kpoints[rows])
    assert b.conductance[0] == pytest.approx(t.restricted(rows).conductance(300.0)[0], rel=1e-12)
    half = transmission(model, t.omega, t.kpoints, eta=5e-5, omega_weights=t.omega_weights, time_reversal=False)
    half = dataclasses.replace(half, kweights=t.kweights)  # the run's irreducible points with their weights
    g1, g2 = t.conductance(300.0)[0], half.conductance(300.0)[0]
    full_change = abs(g2 - g1) / g2
    assert 1e-4 < full_change < 1e-2
    assert full_change / 3 < b.relative_change < 3 * full_change


def test_eta_zero_is_refused_with_the_reason(no_build):
    """eta = 0 is not offered (measured at inputs.ETA_MAX: Xi = -19600 at a bound state of a 2x2 intermixed
    device at real z); the refusal says why and what to use, before any work."""
    with pytest.raises(InputError, match=r"eta= must be > 0 \(eta = 0 is not offered: .*bound states") as info:
        run_agf("Si", "Ge", eta=0.0, **TINY)
    assert "default 1e-6" in str(info.value)
