"""Whether a lead is a stable crystal (``transmission.agf.stability``): the bulk frequencies of a monatomic chain
against its analytic dispersion, a chain softened until it is unstable, a silicon lead against the same lead folded
onto its primitive cell, and the run's record and warning."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from kapitza.transmission.agf.model import chain_model
from kapitza.transmission.agf.stability import (
    MAX_POINTS,
    UNSTABLE_FRACTION,
    check_points,
    lead_stability,
    unstable_note,
)
from kapitza.units import RAD_S_PER_THZ

M, K = 4.66e-26, 10.0  # kg (28 amu) and N/m: a monatomic chain


def test_a_chain_lead_is_stable_with_the_analytic_band_top():
    """Monatomic chain: omega(q) = 2 sqrt(K/M) |sin(q/2)| (Ashcroft & Mermin, Solid State Physics, eq. 22.29), so its
    highest frequency is 2 sqrt(K/M) at q = pi and none is imaginary."""
    model = chain_model(M, 2 * M, K, 3 * K, K)
    left = lead_stability(model, "left", check_points((1, 1), lateral=False))
    right = lead_stability(model, "right", check_points((1, 1), lateral=False))
    assert left.top == pytest.approx(2 * np.sqrt(K / M), rel=1e-12)
    assert right.top == pytest.approx(2 * np.sqrt(3 * K / (2 * M)), rel=1e-12)
    assert left.imaginary == 0.0 and left.stable and right.stable


def _softened(model, factor: float):
    """The chain with its left lead's on-site terms (2 K / M) times ``factor``: D(q) = (K/M)(2 factor - 2 cos q)."""
    matrix = model.matrices[0].tolil()
    for dof in range(model.bounds[0], model.bounds[2]):
        matrix[dof, dof] *= factor
    return dataclasses.replace(model, matrices=(matrix.tocsr(),))


def test_a_lead_whose_onsite_term_is_halved_is_unstable_by_its_analytic_frequency():
    """Halving the on-site term leaves D(q) = (K/M)(1 - 2 cos q): -K/M at q = 0 (an imaginary frequency sqrt(K/M))
    and 3 K/M at q = pi (the top, sqrt(3 K/M)): a ratio 1/sqrt(3), far above the threshold."""
    model = _softened(chain_model(M, M, K, K, K), 0.5)
    found = lead_stability(model, "left", np.zeros((1, 2)))
    assert found.imaginary == pytest.approx(np.sqrt(K / M), rel=1e-12)
    assert found.top == pytest.approx(np.sqrt(3 * K / M), rel=1e-12)
    assert found.q == 0.0 and not found.stable
    assert lead_stability(model, "right", np.zeros((1, 2))).stable
    note = unstable_note(found, "Si")
    assert "left lead (Si) is dynamically unstable" in note and f"{found.imaginary / RAD_S_PER_THZ:.2g}i THz" in note


def test_the_threshold_separates_a_slightly_soft_lead_from_an_unstable_one():
    """On-site factor 1 - x/2 gives D(q) = (K/M)(2 - x - 2 cos q): an imaginary sqrt(x K/M) at q = 0 against a top
    of sqrt((4 - x) K/M), a ratio sqrt(x / (4 - x)): 0.5 % at x = 1e-4, 10 % at x = 4e-2 (the threshold, 5 %, at
    x = 0.01)."""
    base = chain_model(M, M, K, K, K)
    soft = lead_stability(_softened(base, 1 - 0.5 * 1e-4), "left", np.zeros((1, 2)))
    hard = lead_stability(_softened(base, 1 - 0.5 * 4e-2), "left", np.zeros((1, 2)))
    assert soft.imaginary / soft.top == pytest.approx(np.sqrt(1e-4 / (4 - 1e-4)), rel=1e-6)
    assert soft.imaginary > 0 and soft.stable  # 0.5 % of the top: finite-difference noise, not an instability
    assert not hard.stable
    assert soft.imaginary / soft.top < UNSTABLE_FRACTION < hard.imaginary / hard.top


def test_check_points_are_the_grid_with_time_reversal_pairs_merged():
    points = check_points((3, 3))
    assert points.shape == (5, 2)  # 9 points: Gamma and 4 pairs
    grid = {tuple(np.round(p, 9)) for p in points} | {tuple(np.round(-p, 9)) for p in points}
    assert len(grid) == 9
    assert check_points((8, 8)).shape == (MAX_POINTS, 2)  # 32 pairs of the 64 points
    assert check_points((20, 20)).shape == (MAX_POINTS, 2)  # capped
    assert np.array_equal(check_points((8, 8), lateral=False), np.zeros((1, 2)))


@pytest.fixture(scope="module")
def folded_sige():
    """SW Si | Ge-mass Si [001] in a 2x1 lateral supercell, and its leads folded onto the 1x1 cell's."""
    from kapitza.atomistic.potentials import get_potential
    from kapitza.atomistic.structures import build_interface
    from kapitza.transmission.agf.folding import fold_lead
    from kapitza.transmission.agf.partition import interface_model

    def model(lateral):
        s = build_interface(
            "Si", "Ge", "001", lattice_constants_angstrom=(5.431, 5.431), cells=(4, 4), lateral=lateral,
            mass_only=True, masses_amu=(28.0855, 72.63),
        )  # fmt: skip
        return interface_model(s, get_potential("sw", ["Si"]), pl_cells=2)

    big, prim = model((2, 1)), model((1, 1))
    return big, (fold_lead(big, prim, "left"), fold_lead(big, prim, "right"))


@pytest.mark.slow  # 23 s: the 2x1 model
def test_a_folded_lead_is_checked_on_its_primitive_cell_with_the_same_frequencies(folded_sige):
    """Zone folding is exact: the 2x1 lead's frequencies at kappa are its primitive lead's at the two q that fold
    onto kappa, so top and (absent) imaginary frequencies agree; Stillinger-Weber silicon and germanium-mass silicon
    at their minimum are stable."""
    model, folds = folded_sige
    points = check_points((2, 2))
    for k, side in enumerate(("left", "right")):
        plain = lead_stability(model, side, points)
        folded = lead_stability(model, side, points, folds[k])
        assert folded.top == pytest.approx(plain.top, rel=1e-9)
        assert plain.stable and folded.stable
        assert plain.imaginary < 1e-3 * plain.top


def test_a_run_records_both_leads_stability():
    from kapitza.transmission.agf.run import run_agf
    from kapitza.transmission.agf.solver import lead_max_frequency

    result, model = run_agf("Si", "Ge", frequencies=20, kpoints=2, temperature=[300.0])
    record = result.model_metadata["lead_stability"]
    assert set(record) == {"left", "right"}
    assert all(record[s]["stable"] and record[s]["points"] == 2 for s in record)
    for side in ("left", "right"):  # the top over the same points, by the solver's own band-top rule (24 k_z)
        top = lead_max_frequency(model, side, check_points((2, 2))) / RAD_S_PER_THZ
        assert record[side]["top_THz"] == pytest.approx(top, rel=2e-2)
    assert not any("dynamically unstable" in n for n in result.notes)


def _soft_left_lead(monkeypatch, factor: float = 0.5):
    """run_agf's built-in model with the left lead's on-site (translation 0) diagonal times ``factor``: at kappa = q
    = 0 the acoustic sum rule then leaves D u = -(1 - factor) diag(D) u for a uniform displacement, a negative
    eigenvalue, so the lead has imaginary frequencies (as the chain with its on-site term halved above)."""
    from kapitza.transmission.agf import force_plans

    real = force_plans.builtin_plan

    def plan(v):
        found = real(v)
        inner = found.build

        def build():
            model, settings, notes = inner()
            zero = int(np.flatnonzero(~np.asarray(model.translations).reshape(-1, 2).any(axis=1))[0])
            matrices = list(model.matrices)
            matrix = matrices[zero].tolil()
            for dof in range(model.bounds[0], model.bounds[2]):
                matrix[dof, dof] *= factor
            matrices[zero] = matrix.tocsr()
            return dataclasses.replace(model, matrices=tuple(matrices)), settings, notes

        return dataclasses.replace(found, build=build)

    monkeypatch.setattr(force_plans, "builtin_plan", plan)


def test_a_run_with_an_unstable_lead_is_refused_with_its_imaginary_frequency(monkeypatch, cli):
    """Issue 65 item 4: a dynamically unstable lead is refused as a dynamically unstable crystal is
    (phonons.from_structure.crystal_phonons), naming its most imaginary frequency: the number lead_stability finds
    on the run's own k points (the check whose analytic chain values are tested above), beyond UNSTABLE_FRACTION of
    the lead's highest.  allow_unstable_leads=True (--allow-unstable-leads) computes G anyway, the warning kept among
    the notes; the stable right lead (Stillinger-Weber Ge-mass silicon at its minimum) is not named.  The command
    refuses in one line with exit 2."""
    from kapitza.errors import InputError
    from kapitza.transmission.agf.leads import lead_checks
    from kapitza.transmission.agf.run import run_agf

    _soft_left_lead(monkeypatch)
    run = dict(frequencies=20, kpoints=2, temperature=[300.0], check_broadening=False)
    with pytest.raises(InputError, match=r"^refused: the left lead \(Si\) is dynamically unstable") as refused:
        run_agf("Si", "Ge", **run)
    text = str(refused.value)
    assert text.endswith("; allow_unstable_leads=True computes it anyway") and "right lead" not in text
    result, model = run_agf("Si", "Ge", allow_unstable_leads=True, **run)
    left, right = lead_checks(model, (2, 2))
    assert not left.stable and right.stable and left.imaginary > UNSTABLE_FRACTION * left.top
    assert f"imaginary frequencies up to {left.imaginary / RAD_S_PER_THZ:.2g}i THz" in text
    assert not result.model_metadata["lead_stability"]["left"]["stable"]
    assert any("left lead (Si) is dynamically unstable" in n for n in result.notes)
    assert np.all(np.isfinite(result.conductance))
    status, _, err = cli("agf", "Si", "Ge", "--frequencies", "20", "--kpoints", "2", "-t", "300", "--no-check")
    assert status == 2 and "--allow-unstable-leads computes it anyway" in err
    assert [line.startswith("kapitza: error: refused:") for line in err.strip().splitlines()] == [False, True]
    status, out, err = cli("agf", "Si", "Ge", "--frequencies", "20", "--kpoints", "2", "-t", "300", "--no-check",
                           "--allow-unstable-leads")  # fmt: skip
    assert status == 0, err
    assert "dynamically unstable" in out + err
