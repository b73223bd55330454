"""``kapitza.prediction.validation.agf_plan``: the runs the AGF validation's ``compute=True`` would make, each stated
before any interface force constant is computed (issue 87 item 2: the per-pair cost stated before each pair).

The calculator is LAMMPS's Stillinger-Weber silicon through the tests' ``module:factory`` (tests/mlip_factories.py),
on a slice of the shipped compilation: Si|Si runs, Si|Ge is refused by the potential (no Ge), Al on GaN stacks two
planes and Cu|Pb lies above the bound (neither is a run).  Small AGF settings, a private cache.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from kapitza.errors import InputError
from kapitza.literature import shipped_measurements
from kapitza.prediction.validation import agf as AV
from kapitza.prediction.validation import agf_plan as AP

pytest.importorskip("phonopy")

SW = "mlip_factories:lammps_sw_si"
SMALL = {"frequencies": 40, "kpoints": 2}
PAIRS = {("Si", "Si"), ("Si", "Ge"), ("Al", "GaN"), ("Cu", "Pb")}


@pytest.fixture(scope="module")
def rows():
    data = shipped_measurements()
    return data.select(np.array([(f, s) in PAIRS for f, s in zip(data.film, data.substrate)], dtype=bool))


@pytest.fixture(scope="module")
def stated_then_run(rows, tmp_path_factory):
    """In an empty cache: the plan (no interface force constant may be computed while it is made), then the
    validation with compute=True, counting the force calls of the interface's force constants, then the plan again."""
    from kapitza.atomistic.calculator_forces import CalculatorForceConstants

    made: list[int] = []
    original = CalculatorForceConstants.hessian_rows

    def counted(self, atoms, wanted, step):
        before = self.calls
        try:
            return original(self, atoms, wanted, step)
        finally:
            made.append(self.calls - before)

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("KAPITZA_CACHE_DIR", str(tmp_path_factory.mktemp("plan-cache")))

        def refuse(*args, **kwargs):
            raise AssertionError("the plan computed interface force constants")

        mp.setattr(CalculatorForceConstants, "hessian_rows", refuse)
        before = AP.agf_plan(SW, measurements=rows, **SMALL)
        mp.setattr(CalculatorForceConstants, "hessian_rows", counted)
        found = AV.agf_validation(SW, measurements=rows, compute=True, **SMALL)
        after = AP.agf_plan(SW, measurements=rows, **SMALL)
    return before, found, sum(made), after


def _line(plan, film, substrate):
    return [k for k in range(len(plan)) if (plan.film[k], plan.substrate[k]) == (film, substrate)]


def test_the_plan_states_the_run_of_every_pair_the_validation_would_run_and_why_not_the_others(stated_then_run):
    plan = stated_then_run[0]
    (si,) = _line(plan, "Si", "Si")
    assert plan.reason[si] == "" and plan.polarity[si] == "+" and plan.plane[si] == "001"
    assert plan.force_calls[si] > 0 and plan.call_atoms[si] > 0
    assert 0 < plan.memory_gb[si] <= plan.limit_gb[si]
    assert math.isnan(plan.seconds[si])  # a user's calculator has no measured cost: not stated, not guessed
    (ge,) = _line(plan, "Si", "Ge")
    assert plan.reason[ge] == "refused by the potential" and plan.detail[ge].startswith("Ge:")
    assert not _line(plan, "Al", "GaN") and not _line(plan, "Cu", "Pb")  # left out before any run (two planes, bound)
    assert plan.stored == 0
    assert plan.pairs_run() == 1 and plan.left_out() == {"refused by the potential": 1}
    assert plan.rows_added() == int(plan.rows[si]) and plan.papers_added() == int(plan.papers[si])


def test_the_stated_force_calls_are_the_calls_the_run_makes(stated_then_run):
    """The statement is counted from the geometry alone; the run's force calls of the interface's force constants
    (every stage: the interface's rows and any bulk column) are the same number."""
    plan, found, made, _ = stated_then_run
    (si,) = _line(plan, "Si", "Si")
    assert found.counts()["scored"] >= 1
    assert made == int(plan.force_calls[si])


def test_after_the_run_the_pair_is_read_not_planned(stated_then_run):
    after = stated_then_run[3]
    assert not _line(after, "Si", "Si") and after.stored == 1
    assert after.pairs_run() == 0 and after.total_seconds() == 0.0


def test_a_run_above_its_memory_bound_is_stated_over_it_naming_both_numbers(stated_then_run, rows, tmp_path,
                                                                             monkeypatch):  # fmt: skip
    """A bound below the run's statement (and above its crystals'): the run is stated over it, with both numbers."""
    first = stated_then_run[0]
    (si,) = _line(first, "Si", "Si")
    need = float(first.memory_gb[si])
    bound = round(0.9 * need, 3)
    monkeypatch.setenv("KAPITZA_CACHE_DIR", str(tmp_path))
    plan = AP.agf_plan(SW, measurements=rows, max_memory_gb=bound, **SMALL)
    (si,) = _line(plan, "Si", "Si")
    assert plan.reason[si] == "over the memory bound", plan.detail[si]
    assert f"~{need:.3g} GB against its bound of {bound:.3g} GB" in plan.detail[si]
    assert "libraries" in plan.detail[si] and "sweeps" in plan.detail[si], plan.detail[si]
    assert plan.pairs_run() == 0


def test_a_plan_over_its_bound_names_the_model_build_where_it_sets_the_largest_part():
    """Issue 87: the plan's over-bound line says what the run's own refusal says first
    (:func:`kapitza.transmission.agf.inputs.check_size`): the model build where it dominates, not where the sweeps
    do; every part is listed either way."""
    from kapitza.transmission.agf.inputs import BUILD_PART, MemoryEstimate

    line = {"memory_gb": 20.0, "limit_gb": 16.0}
    build = AP._over_bound(MemoryEstimate(libraries=1e9, build=18e9, sweep=1e9), line, "the interface is 44 atoms")
    assert f"(max_memory_gb); {BUILD_PART} is the largest part (libraries 1 GB, model build 18 GB" in build, build
    assert build.endswith("; the interface is 44 atoms")
    sweeps = AP._over_bound(MemoryEstimate(libraries=1e9, build=1e9, sweep=18e9), line, "x")
    assert BUILD_PART not in sweeps and "sweeps 18 GB" in sweeps, sweeps


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"max_cell_atoms": 0}, "max_cell_atoms"),
        ({"max_memory_gb": -1.0}, "max_memory_gb"),
        ({"measurements": "rows.csv"}, "measurements= must be Measurements"),
        ({"max_strain": 0.9}, "max_strain"),
    ],
)
def test_bad_arguments_are_refused_before_any_work(kwargs, words, monkeypatch):
    from kapitza.atomistic import calculators

    monkeypatch.setattr(calculators, "calculator_source", lambda *a: pytest.fail("a calculator was loaded"))
    with pytest.raises(InputError, match=words):
        AP.agf_plan(SW, **kwargs)


def _made_up(**changes):
    n = 3
    fields = dict(
        calculator="made-up", film=("A", "A", "C"), substrate=("B", "B", "D"), plane=("001",) * n,
        polarity=("+", "-", "+"), rows=np.array([4, 4, 2]), papers=np.array([2, 2, 1]), cell_atoms=np.full(n, 8),
        force_calls=np.array([10, 12, 0]), call_atoms=np.array([100, 100, 0]),
        seconds=np.array([60.0, 90.0, np.nan]), memory_gb=np.array([1.0, 1.0, np.nan]), limit_gb=np.full(n, 4.0),
        paper_ids=("p1, p2", "p1, p2", "p3"), reason=("", "", "no prediction"), detail=("", "", "no electrons"),
        stored=2, settings={},
    )  # fmt: skip
    return AP.AgfPlan(**{**fields, **changes})


def test_the_totals_count_a_polar_pairs_two_runs_once_for_its_rows_and_papers():
    plan = _made_up()
    assert plan.total_seconds() == 150.0  # both polarities run: both stated times
    assert plan.pairs_run() == 1 and plan.rows_added() == 4 and plan.papers_added() == 2
    assert plan.left_out() == {"no prediction": 1}
    with pytest.raises(ValueError):
        plan.seconds[0] = 1.0  # a frozen result's arrays are read-only


def test_a_made_up_plan_with_an_unknown_reason_or_a_short_column_is_refused():
    with pytest.raises(InputError, match="reason"):
        _made_up(reason=("", "", "too dear"))
    with pytest.raises(InputError, match="seconds"):
        _made_up(seconds=np.array([1.0, 2.0]))


# -- max_time: the pairs run in the order of their stated time, none started above what is left -------------------


class _Stated:
    """A run's statement with a made-up stated time (what ``stated_run`` returns for a potential with a cost)."""

    def __init__(self, seconds, fits=True):
        self.seconds = seconds
        self.fits = fits


def test_max_time_without_compute_is_refused_before_any_work(rows, monkeypatch):
    monkeypatch.setattr(AV, "buildable_rows", lambda **_: pytest.fail("work began"))
    with pytest.raises(InputError, match="max_time bounds the pairs compute=True runs"):
        AV.agf_validation(SW, measurements=rows, max_time=60, **SMALL)
    with pytest.raises(InputError, match="max_time"):
        AV.agf_validation(SW, measurements=rows, max_time=-1, compute=True, **SMALL)


def test_a_pair_stated_above_what_is_left_of_max_time_is_not_started(rows, tmp_path, monkeypatch):
    """Si|Si stated at 100 s (made up) against a 50 s bound: not computed, with both numbers, and no AGF runs."""
    from kapitza.transmission.agf import run as agf_run

    monkeypatch.setenv("KAPITZA_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(AV, "stated_pair", lambda *a, **k: _Stated(100.0))
    monkeypatch.setattr(agf_run, "run_agf", lambda *a, **k: pytest.fail("an AGF ran above the time bound"))
    found = AV.agf_validation(SW, measurements=rows, compute=True, max_time=50, **SMALL)
    si = [k for k in range(len(found)) if (found.film[k], found.substrate[k]) == ("Si", "Si")]
    assert si and all(found.reason[k] == "not computed" for k in si)
    words = found.detail[si[0]]
    assert "Si/Si (001)" in words and "stated" in words and "50 s time bound (max_time)" in words
    assert "refused by the potential" in found.reason  # the other pairs' reasons are as without a bound


def test_a_pair_stated_within_max_time_runs(rows, tmp_path, monkeypatch):
    monkeypatch.setenv("KAPITZA_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(AV, "stated_pair", lambda *a, **k: _Stated(100.0))
    found = AV.agf_validation(SW, measurements=rows, compute=True, max_time=3600, **SMALL)
    assert found.scored.any()
    assert {found.origin[k] for k in range(len(found)) if found.scored[k]} == {"computed"}


def test_a_potential_without_a_stated_cost_is_not_started_under_max_time(rows, tmp_path, monkeypatch):
    """SW through a module:factory has no measured cost of a call: max_time cannot bound its runs, so none starts,
    and the words say why (not a made-up time)."""
    monkeypatch.setenv("KAPITZA_CACHE_DIR", str(tmp_path))
    found = AV.agf_validation(SW, measurements=rows, compute=True, max_time=3600, **SMALL)
    si = [k for k in range(len(found)) if (found.film[k], found.substrate[k]) == ("Si", "Si")]
    assert si and found.reason[si[0]] == "not computed"
    assert "time is not stated" in found.detail[si[0]] and "max_time cannot bound it" in found.detail[si[0]]


def test_with_max_time_the_pairs_run_cheapest_stated_first(monkeypatch):
    """The order is the stated time's (a stored pair, 0 s, first; a pair without a statement last); equal times
    keep the order they came in (the smallest cells first)."""
    seconds = {("A", "B", "001"): 5.0, ("C", "D", "001"): 1.0, ("E", "F", "001"): math.inf, ("G", "H", "001"): 0.0,
               ("I", "J", "001"): 1.0}  # fmt: skip
    monkeypatch.setattr(AV, "_pair_seconds", lambda job, t, run: seconds[job])
    jobs = {job: [k] for k, job in enumerate(seconds)}
    ordered, stated = AV._by_stated_time(jobs, np.full(len(jobs), 300.0), ())
    assert list(ordered) == [("G", "H", "001"), ("C", "D", "001"), ("I", "J", "001"), ("A", "B", "001"),
                             ("E", "F", "001")]  # fmt: skip
    assert stated == seconds and ordered[("A", "B", "001")] == [0]


# -- route="fast": the rows within the force range of the interface displaced, cached apart -----------------------


def test_the_routes_settings_keep_the_full_routes_keys_and_refuse_an_unknown_route():
    full = AV.pair_settings(200, 8)
    assert full == {"frequencies": 200, "kpoints": 8} == dict(AV.AGF_SETTINGS)  # the shipped entries' key part
    assert AV.pair_settings(200, 8, "fast") == {**full, "route": "fast"}
    with pytest.raises(InputError, match="route must be one of full, fast"):
        AV.pair_settings(200, 8, "quick")


def test_the_fast_route_is_cached_apart_and_agrees_where_the_potential_ends_at_its_range(stated_then_run, rows,
                                                                                          monkeypatch):  # fmt: skip
    """SW's forces end at its range, so the local route at the force range is the full route up to the finite
    differences' round-off (kapitza.transmission.agf.local_fc's module docstring): the fast route's G equals the full
    route's to 1e-6; its runs are cached under their own key, so the full route's stored pair is not read as it."""
    from kapitza.transmission.agf import local_fc

    _, full, _, _ = stated_then_run
    calls = []
    original = local_fc.local_interface_model
    monkeypatch.setattr(local_fc, "local_interface_model", lambda *a, **k: calls.append(k) or original(*a, **k))
    stored = AV.agf_validation(SW, measurements=rows, route="fast", **SMALL)
    assert "not computed" in stored.reason  # the full route's entry is not the fast route's
    fast = AV.agf_validation(SW, measurements=rows, route="fast", compute=True, **SMALL)
    assert calls and all(k.get("reach") == 5.0 for k in calls)  # the local route at the force range ran
    assert fast.settings["route"] == "fast" and full.settings["route"] == "full"
    both = fast.scored & full.scored
    assert both.any()
    np.testing.assert_allclose(fast.agf[both], full.agf[both], rtol=1e-6)


def test_a_saved_plan_reads_back_and_a_file_naming_code_as_its_calculator_is_refused(tmp_path):
    from kapitza.io.results import load

    plan = _made_up(calculator="sevennet-l3i5+d3")
    for name in ("plan.json", "plan.npz"):
        plan.save(tmp_path / name)
        back = load(tmp_path / name)
        assert back.film == plan.film and back.reason == plan.reason and back.stored == plan.stored
        np.testing.assert_array_equal(back.seconds, plan.seconds)  # NaN where not stated, read back as NaN
        assert back.total_seconds() == plan.total_seconds()
    _made_up(calculator="os:system").save(tmp_path / "hostile.json")
    with pytest.raises(InputError, match="built-in"):
        load(tmp_path / "hostile.json")


def test_a_pair_over_its_memory_bound_under_max_time_says_the_memory_not_the_time(rows, tmp_path, monkeypatch):
    """A run that does not fit its memory bound is refused for that before any force call, whatever its stated time:
    its rows say "over the memory bound", as without a time bound."""
    monkeypatch.setenv("KAPITZA_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(AV, "stated_pair", lambda *a, **k: _Stated(1e6, fits=False))
    found = AV.agf_validation(SW, measurements=rows, compute=True, max_time=60, max_memory_gb=0.2, **SMALL)
    si = [k for k in range(len(found)) if (found.film[k], found.substrate[k]) == ("Si", "Si")]
    assert si and all(found.reason[k] == "over the memory bound" for k in si), found.detail[si[0]]
