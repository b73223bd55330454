"""The stated cost of force calls: the per-call count from a structure's graph, and the statement a structure route
makes before its first force call (:mod:`kapitza.atomistic.force_cost`)."""

from __future__ import annotations

import dataclasses
import warnings

import pytest

from kapitza.atomistic import force_cost
from kapitza.atomistic.force_cost import CallCost, CostNote, Stage, call_seconds, stage_words

pytest.importorskip("ase")

SW_SI = "mlip_factories:stillinger_weber_si"


def _si(a: float = 5.431, repeat: int = 1):
    from ase.build import bulk

    return bulk("Si", "diamond", a=a, cubic=True).repeat(repeat)


def test_call_seconds_grows_with_the_neighbour_count():
    """Law: the count is extensive and grows with the graph's edges.  A 2x2x2 repeat of a periodic crystal has
    exactly 8x its ordered pairs and angles (every image counted), so the variable part is 8x; compressing the
    same atoms brings more neighbours within the cutoff, so the call costs more."""
    for name in ("chgnet", "sevennet"):
        cost = force_cost.CALL_COSTS[name]
        one, eight = call_seconds(name, _si()), call_seconds(name, _si(repeat=2))
        assert eight - cost.fixed == pytest.approx(8 * (one - cost.fixed), rel=1e-12)
        assert call_seconds(name, _si(a=4.5)) > one  # same 8 atoms, denser: more neighbours within the cutoff


@pytest.mark.parametrize("case", ["hexagonal cell narrower than the cutoff", "slab open along z", "triclinic"])
def test_the_graph_counted_is_ases_every_periodic_image(case):
    """The call costs and footprints were measured against ASE's neighbour list (every periodic image, also beyond
    half the cell); the counts now come from matscipy's (30x faster on a 960-atom diamond slab).  The counted pairs,
    images included, and so the interface statements of issue 87, must be ASE's exactly, and the colouring's
    neighbours (who is within reach of whom) ASE's set: a wurtzite cell 3.2 A wide under a 10 A cutoff, a slab with
    one open axis, a sheared cell."""
    import numpy as np
    from ase.build import bulk
    from ase.neighborlist import neighbor_list

    from kapitza.atomistic.hessian import neighbours

    atoms = {
        "hexagonal cell narrower than the cutoff": bulk("GaN", "wurtzite", a=3.19, c=5.19),
        "slab open along z": bulk("C", "diamond", a=3.567, cubic=True).repeat((2, 2, 6)),
        "triclinic": bulk("Cu", "fcc", a=3.615).repeat((2, 3, 2)),
    }[case]
    if case.startswith("slab"):
        atoms.pbc = (True, True, False)
    for cutoff in (2.6, 5.0, 10.0):
        i, j = neighbor_list("ij", atoms, cutoff)
        start, nbr = neighbours(atoms, cutoff)
        ours = set(zip(np.repeat(np.arange(len(atoms)), np.diff(start)).tolist(), nbr.tolist()))
        assert ours == set(zip(i.tolist(), j.tolist())), (case, cutoff)  # the colouring's: who is within reach
    cost = force_cost.CALL_COSTS["sevennet"]
    pairs = float(neighbor_list("i", atoms, cost.pair_cutoff).size)
    assert call_seconds("sevennet", atoms) == pytest.approx(cost.fixed + cost.per_pair * pairs
                                                            + cost.per_pair_squared * pairs**2, rel=1e-12)  # fmt: skip


def test_the_count_is_the_table_times_the_graph(monkeypatch):
    """The count is fixed + per_pair * pairs + per_pair_squared * pairs^2 + per_angle * angles: diamond Si's cubic
    cell has 4 first neighbours at a*sqrt(3)/4 = 2.35 A per atom and 12 second at a/sqrt(2) = 3.84 A (the diamond
    lattice), so within 3 A 8 atoms x 4 = 32 ordered pairs and 8 x 4 x 3 = 96 angles; within 4 A 8 x 16 = 128
    pairs."""
    monkeypatch.setitem(force_cost.CALL_COSTS, "toy", CallCost(pair_cutoff=4.0, per_pair=0.01, fixed=1.0,
                                                                 angle_cutoff=3.0, per_angle=0.001,
                                                                 per_pair_squared=1e-5))  # fmt: skip
    assert call_seconds("toy", _si()) == pytest.approx(1.0 + 0.01 * 128 + 1e-5 * 128**2 + 0.001 * 96, rel=1e-12)
    assert call_seconds("toy+d3", _si()) == call_seconds("toy", _si())  # NAME+d3 takes NAME's cost


def test_unknown_calculator_states_no_time():
    """A user's module:factory has no measured cost: None, and the statement says so instead of a time."""
    assert call_seconds("mymodule:make", _si()) is None
    words = stage_words(Stage("supercell 1x1x1 (8 atoms)", 6, 8, None))
    assert "time not stated" in words and "x ~" not in words


def _si_spec() -> dict:
    return {"name": "Si", "crystalstructure": "diamond", "a": 5.431, "cubic": True}


def test_phonon_statement_is_calls_times_seconds_per_call(monkeypatch):
    """With a stated per-call cost of exactly 0.5 s (fixed part only), the supercell's stated time is phonopy's
    count of displaced supercells (plus and minus of the symmetry-distinct atoms, counted here with phonopy's own
    API) times 0.5 s, and the relaxation's at most ``steps`` calls times 0.5 s, typically RELAXATION_CALLS of them
    (fewer where ``steps`` is smaller): the typical time is the supercell's and the typical relaxation's."""
    phonopy = pytest.importorskip("phonopy")
    pytest.importorskip("matscipy")
    from phonopy.structure.atoms import PhonopyAtoms

    from kapitza.phonons.supercell_plan import planned_cost

    monkeypatch.setitem(force_cost.CALL_COSTS, SW_SI, CallCost(pair_cutoff=3.0, per_pair=0.0, fixed=0.5))
    cost = planned_cost(_si_spec(), SW_SI, supercell=2, steps=40)
    atoms = _si(repeat=2)
    ph = phonopy.Phonopy(
        PhonopyAtoms(
            symbols=atoms.get_chemical_symbols(), cell=atoms.cell[:], scaled_positions=atoms.get_scaled_positions()
        ),
        primitive_matrix="auto",
    )
    ph.generate_displacements(distance=0.001, is_plusminus=True)
    calls = len(ph.displacements)
    assert cost.supercells[0].calls == calls and cost.supercells[0].atoms == 64
    assert cost.supercells[0].seconds == pytest.approx(0.5 * calls, rel=1e-12)
    assert cost.relaxation is not None and cost.relaxation.seconds == pytest.approx(0.5 * 40, rel=1e-12)
    typical = min(40, force_cost.RELAXATION_CALLS)
    assert cost.relaxation_calls() == typical and cost.relaxation_calls(bound=True) == 40
    assert cost.seconds() == pytest.approx(0.5 * calls + 0.5 * typical, rel=1e-12)
    assert f"{calls} force calls x ~0.5 s = {force_cost.duration_words(0.5 * calls)}" in cost.line()
    assert f"typically {typical} force calls x ~0.5 s, at most 40" in cost.line()
    assert f"{force_cost.duration_words(cost.seconds())} typical" in cost.line()
    small = planned_cost(_si_spec(), SW_SI, supercell=2, steps=3)  # a bound below the typical count: the bound
    assert small.relaxation_calls() == 3 and small.seconds() == pytest.approx(0.5 * calls + 0.5 * 3, rel=1e-12)
    assert len(cost.supercells) == 1 and "no wider supercell" in cost.line()  # a given supercell is not widened


def test_the_widening_search_states_its_worst_case(monkeypatch):
    """Without a given supercell, every wider supercell the search may try under the atom cap is stated, wider
    each time, and the bound is the sum of them all (each relaxed again at its ``steps`` bound)."""
    pytest.importorskip("phonopy")
    pytest.importorskip("matscipy")
    from kapitza.phonons.supercell_plan import planned_cost

    monkeypatch.setitem(force_cost.CALL_COSTS, SW_SI, CallCost(pair_cutoff=3.0, per_pair=0.01))
    cost = planned_cost(_si_spec(), SW_SI, max_supercell_atoms=600, steps=10)
    atoms = [c.atoms for c in cost.supercells]
    assert atoms[0] == 64 and len(atoms) >= 2 and atoms == sorted(set(atoms)) and atoms[-1] <= 600
    relax = cost.relaxation.seconds
    assert cost.seconds(widest=True) == pytest.approx(sum(c.seconds + relax for c in cost.supercells), rel=1e-12)
    assert f"up to {cost.supercells[-1].what}" in cost.line()
    assert f"at most {force_cost.duration_words(cost.seconds(widest=True))} in all" in cost.line()


def test_the_statement_comes_before_the_first_force_call(monkeypatch):
    """A calculator that records when it is asked for forces, and a note handler that records when the statement
    is given: the statement comes first, and the result carries it."""
    pytest.importorskip("phonopy")
    pytest.importorskip("matscipy")
    from kapitza.atomistic.calculators import calculator_source
    from kapitza.phonons.from_structure import crystal_phonons
    from kapitza.phonons.supercell_plan import planned_cost

    monkeypatch.setitem(force_cost.CALL_COSTS, SW_SI, CallCost(pair_cutoff=3.0, per_pair=0.0, fixed=0.25))
    events: list[str] = []
    source = calculator_source(SW_SI)
    inner = source.calculator()

    class Recording(type(inner)):  # the same calculator, noting each force evaluation
        def calculate(self, *args, **kwargs):
            events.append("force")
            return super().calculate(*args, **kwargs)

    inner.__class__ = Recording
    recording = dataclasses.replace(source, _load=lambda: inner)

    def show(message, category, *args, **kwargs):
        if issubclass(category, CostNote):
            events.append(f"note: {message}")

    with warnings.catch_warnings():
        warnings.simplefilter("always")
        monkeypatch.setattr(warnings, "showwarning", show)
        found = crystal_phonons(_si_spec(), recording, relax=False, supercell=1, cache=False)
    assert events[0].startswith("note: ") and "force" in events[1:]
    assert sum(e.startswith("note") for e in events) == 1
    assert events[0] == f"note: {found.cost}"
    calls = planned_cost(_si_spec(), SW_SI, supercell=1, relax=False).supercells[0].calls
    assert found.seconds_stated == pytest.approx(0.25 * calls, rel=1e-12)


def test_a_calculator_without_a_measured_cost_states_no_time_and_gives_no_note():
    """A user's module:factory: the result's statement says that no per-call cost was measured and states no time
    (0 s), and no note is given (it would say nothing on every run)."""
    pytest.importorskip("phonopy")
    pytest.importorskip("matscipy")
    from kapitza.phonons.from_structure import crystal_phonons

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        found = crystal_phonons(_si_spec(), SW_SI, relax=False, supercell=1, cache=False)
    assert not [w for w in caught if issubclass(w.category, CostNote)]
    assert found.seconds_stated == 0.0
    assert "time not stated" in found.cost and f"no measured per-call cost for the {SW_SI} calculator" in found.cost


def test_progress_lines_for_a_log(capsys):
    """Where no terminal shows a bar: one line at the start of a force stage and at each tenth of it, the end once;
    other stages are not reported."""
    from kapitza.cli.common import progress_lines

    update = progress_lines()
    for done in range(0, 101):
        update("displacements", done, 100)
    update("displacements", 100, 100)
    update("stability", 1, 2)
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 11 and all(line.startswith("kapitza: displacements: ") for line in lines)
    assert lines[0].startswith("kapitza: displacements: 0/100")
    assert lines[-1].startswith("kapitza: displacements: 100/100")


def test_predict_states_both_crystals_before_the_first_force_call(monkeypatch, tmp_path):
    """``predict`` with two crystals from their structures states their time together before the first crystal's
    force calls (each crystal then states its own supercells when it starts): typical and at most (an empty cache:
    both crystals cost)."""
    pytest.importorskip("phonopy")
    from kapitza.atomistic.force_cost import duration_words
    from kapitza.phonons import from_structure
    from kapitza.phonons.supercell_plan import planned_cost
    from kapitza.prediction import sides

    monkeypatch.setitem(force_cost.CALL_COSTS, SW_SI, CallCost(pair_cutoff=3.0, per_pair=0.0, fixed=0.25))
    monkeypatch.setenv("KAPITZA_CACHE_DIR", str(tmp_path))
    events: list[str] = []

    def first_crystal(*args, **kwargs):
        events.append("first crystal")
        raise RuntimeError("stopped at the first crystal")

    def show(message, category, *args, **kwargs):
        if issubclass(category, CostNote):
            events.append(f"note: {message}")

    monkeypatch.setattr(from_structure, "crystal_phonons", first_crystal)
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        monkeypatch.setattr(warnings, "showwarning", show)
        with pytest.raises(RuntimeError, match="first crystal"):
            sides.structure_sides(_si_spec(), _si_spec(), SW_SI, None, None)
    one = planned_cost(_si_spec(), SW_SI)
    assert events == [events[0], "first crystal"] and "the two crystals' phonons" in events[0]
    assert f"{duration_words(2 * one.seconds())} typical" in events[0]
    assert f"at most {duration_words(2 * one.seconds(widest=True))} (every widening tried" in events[0]
    assert "in the cache" not in events[0]


# --- the time of n force calls on N workers (ScalingModel) ---


def _model(structures=12, alone=4.0, pair=6.0, cores=2, overhead=0.0):
    return force_cost.ScalingModel(structures=structures, seconds_alone=alone, seconds_pair=pair, cores=cores,
                                   overhead_s=overhead)  # fmt: skip


@pytest.mark.parametrize("n", [0, 1, 7, 12])
def test_one_worker_takes_every_call_alone_and_every_overhead(n):
    """T(1) = n t_1 + n t_o (force_cost's docstring: one worker computes its calls in turn, nothing beside it to
    slow it, one task's overhead a call)."""
    model = _model(structures=n, alone=3.5, pair=9.0, overhead=0.25)
    assert model.seconds(1) == pytest.approx(n * 3.5 + n * 0.25, rel=1e-12)


@pytest.mark.parametrize(("alone", "pair"), [(4.0, 4.0), (4.0, 6.0), (5.96, 12.43), (1.0, 1.54)])
def test_two_workers_reach_the_ceiling_for_an_even_count_without_overhead(alone, pair):
    """Two workers, n even, t_o = 0: T(1) / T(2) = 2 t_alone / t_pair = 2 / kappa, the ceiling two independent
    processes give on the machine (n t_1 against n/2 rounds of kappa t_1)."""
    model = _model(structures=12, alone=alone, pair=pair)
    assert model.kappa == pytest.approx(pair / alone, rel=1e-12)
    assert model.speed_up(2) == pytest.approx(model.ceiling, rel=1e-12)
    assert model.ceiling == pytest.approx(2 * alone / pair, rel=1e-12)


def test_an_odd_count_leaves_one_worker_a_round_more():
    """An odd n leaves one worker a round more: T(2) = ceil(n/2) kappa t_1 + n t_o / 2.  By hand, n = 5, t_1 = 4 s,
    t_pair = 6 s (kappa 1.5), t_o = 0.1 s: T(1) = 20.5 s, T(2) = 3 x 6 + 0.25 = 18.25 s, a speed-up of 1.123, below
    the ceiling 4/3; without the overhead 20 / 18 = 10/9 = (5/6) of the ceiling, n / (2 ceil(n/2))."""
    model = _model(structures=5, alone=4.0, pair=6.0, overhead=0.1)
    assert model.seconds(1) == pytest.approx(20.5, rel=1e-12)
    assert model.seconds(2) == pytest.approx(18.25, rel=1e-12)
    assert model.speed_up(2) == pytest.approx(20.5 / 18.25, rel=1e-12) and model.speed_up(2) < model.ceiling
    bare = _model(structures=5, alone=4.0, pair=6.0)
    assert bare.speed_up(2) / bare.ceiling == pytest.approx(5 / 6, rel=1e-12)


def test_an_overhead_not_slowed_by_the_pair_moves_the_speed_up_towards_two():
    """The overhead is shared by N workers without kappa: for even n, T(1) / T(2) = 2 (t_1 + t_o) / (kappa t_1 +
    t_o) (force_cost's docstring).  By hand, n = 12, t_1 = 4 s, t_pair = 6 s, t_o = 0.1 s: T(1) = 49.2 s, T(2) =
    6 x 6 + 0.6 = 36.6 s, x1.344 against the ceiling's 4/3; 12 calls of t_o = 0.01 s (this project's measured task
    overhead is of that order against seconds a call) stay within 0.3 % of the ceiling."""
    model = _model(structures=12, alone=4.0, pair=6.0, overhead=0.1)
    assert model.seconds(1) == pytest.approx(49.2, rel=1e-12) and model.seconds(2) == pytest.approx(36.6, rel=1e-12)
    assert model.speed_up(2) == pytest.approx(2 * 4.1 / 6.1, rel=1e-12) and model.speed_up(2) > model.ceiling
    small = _model(structures=12, alone=4.0, pair=6.0, overhead=0.01)
    assert small.speed_up(2) == pytest.approx(small.ceiling, rel=3e-3)


def test_more_workers_than_cores_share_the_cores():
    """N workers on P < N cores take N / P times as long a round: on 2 cores, 4 workers finish 8 calls in the time
    of 2 workers (2 rounds x 2 against 4 rounds), 8 workers too; on 8 cores, 4 workers halve 2 workers' time."""
    two_cores = _model(structures=8, alone=4.0, pair=6.0, cores=2)
    assert two_cores.seconds(4) == pytest.approx(two_cores.seconds(2), rel=1e-12)
    assert two_cores.seconds(8) == pytest.approx(two_cores.seconds(2), rel=1e-12)
    eight_cores = _model(structures=8, alone=4.0, pair=6.0, cores=8)
    assert eight_cores.seconds(4) == pytest.approx(eight_cores.seconds(2) / 2, rel=1e-12)
    assert eight_cores.seconds(2) == pytest.approx(4 * 6.0, rel=1e-12)


def test_a_pair_measured_faster_than_alone_gains_at_most_twice():
    """kappa is at least 1: two calls at once never take less than one alone, so a pair measured faster (noise on a
    loaded machine) caps the ceiling at 2."""
    model = _model(alone=4.0, pair=3.5)
    assert model.kappa == 1.0 and model.ceiling == 2.0 and model.speed_up(2) == pytest.approx(2.0, rel=1e-12)


@pytest.mark.parametrize(
    "bad",
    [
        {"structures": -1},
        {"alone": 0.0},
        {"alone": float("nan")},
        {"pair": -1.0},
        {"pair": float("inf")},
        {"cores": 0},
        {"overhead": -0.1},
        {"overhead": float("nan")},
    ],
)
def test_a_scaling_model_refuses_bad_inputs(bad):
    """Negative counts, seconds that are not finite and positive, no core or a negative overhead: one InputError."""
    from kapitza.errors import InputError

    with pytest.raises(InputError, match="a scaling model needs"):
        _model(**bad)


@pytest.mark.parametrize("workers", [0, -2, 1.5, True, "2"])
def test_a_worker_count_must_be_a_positive_integer(workers):
    from kapitza.errors import InputError

    with pytest.raises(InputError, match="workers must be an integer of at least 1"):
        _model().seconds(workers)


def test_a_gpu_worker_from_the_measured_h100_calls():
    """The GPU model: SevenNet-l3i5's measured H100 calls (0.099 s at 32 atoms, 0.121 s at 256 atoms; force_cost's
    GPU_CALL_SECONDS) returned at the measured sizes, a straight line between (0.110 s at 144 atoms), flat below the
    first; NAME+d3 as NAME; none for a potential without GPU measurements.  N GPU workers share the calls in rounds
    with no slow-down between them (one GPU each): 10 calls of 0.1 s on 3 workers take 4 rounds."""
    assert force_cost.gpu_call_seconds("sevennet-l3i5", 256) == pytest.approx(0.121, rel=1e-12)
    assert force_cost.gpu_call_seconds("sevennet-l3i5", 32) == pytest.approx(0.099, rel=1e-12)
    assert force_cost.gpu_call_seconds("sevennet-l3i5", 144) == pytest.approx(0.110, rel=1e-12)
    assert force_cost.gpu_call_seconds("sevennet-l3i5", 8) == pytest.approx(0.099, rel=1e-12)
    assert force_cost.gpu_call_seconds("sevennet-l3i5+d3", 256) == pytest.approx(0.121, rel=1e-12)
    assert force_cost.gpu_call_seconds("chgnet", 256) is None
    assert force_cost.gpu_seconds(10, 0.1, workers=3) == pytest.approx(0.4, rel=1e-12)
    assert force_cost.gpu_seconds(10, 0.1, workers=1, overhead_s=0.02) == pytest.approx(1.2, rel=1e-12)


# --- the time bound (max_time, issue 78 item 4) and the crystals in the cache ---

EMT = "mlip_factories:emt"


def test_a_time_budget_counts_what_is_spent_and_refuses_what_is_stated_above_what_is_left():
    """TimeBudget on a clock the test moves: 100 s from t = 5 s, 30 s spent at t = 35 s, so 70 s left; 70 s of
    stated work is allowed, 70.5 s refused (TimeBoundError, an InputError, naming what, its stated time, what is
    left and the bound).  A budget given to TimeBudget.of is shared as it is; None stays None; text is read as
    _checks.duration_seconds reads it."""
    from kapitza.errors import InputError, TimeBoundError

    now = [5.0]
    budget = force_cost.TimeBudget(seconds=100.0, start=5.0, clock=lambda: now[0])
    now[0] = 35.0
    assert budget.left() == pytest.approx(70.0, rel=1e-15)
    budget.check(70.0, "X: its phonons")
    with pytest.raises(TimeBoundError, match=r"^X: its phonons: ~70 s stated \(typical\), more than the 70 s left of "
                                             r"the 100 s time bound \(max_time\)") as refused:  # fmt: skip
        budget.check(70.5, "X: its phonons")
    assert isinstance(refused.value, InputError)
    assert force_cost.TimeBudget.of(budget) is budget and force_cost.TimeBudget.of(None) is None
    assert force_cost.TimeBudget.of("5min").seconds == 300.0
    with pytest.raises(InputError, match="^--max-time must be a finite duration > 0 s"):
        force_cost.TimeBudget.of("0", "--max-time")


@pytest.fixture(scope="module")
def al_in_the_cache(tmp_path_factory):
    """A cache holding Al's phonons with EMT, computed for real (the database's fcc Al, relaxed, 3x3x3)."""
    pytest.importorskip("phonopy")
    from kapitza.phonons.from_structure import crystal_phonons

    folder = tmp_path_factory.mktemp("cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("KAPITZA_CACHE_DIR", str(folder))
        crystal_phonons("Al", EMT)
    return folder


def test_a_crystal_in_the_cache_is_stated_as_costing_nothing(al_in_the_cache, monkeypatch, tmp_path):
    """With Al's phonons in the cache, its cost is 0 s and says so ("in the cache, no force call"); Cu's is its own
    stated time.  The statement of both crystals counts Cu alone and names Al as cached; with an empty cache it
    counts both.  The budget is checked on what the statement counts: 1.5x Cu's time lets the pair through with Al
    cached and refuses it (both named) without."""
    from kapitza.errors import TimeBoundError
    from kapitza.phonons import from_structure
    from kapitza.phonons.from_structure import phonon_cost
    from kapitza.prediction import sides

    monkeypatch.setitem(force_cost.CALL_COSTS, EMT, CallCost(pair_cutoff=3.0, per_pair=0.0, fixed=0.5))
    monkeypatch.setenv("KAPITZA_CACHE_DIR", str(al_in_the_cache))
    al, cu = phonon_cost("Al", EMT), phonon_cost("Cu", EMT)
    assert al.cached and al.seconds() == 0.0 and al.seconds(widest=True) == 0.0
    assert al.line().endswith("phonons with mlip_factories:emt: in the cache, no force call")
    assert not cu.cached and cu.seconds() > 0
    assert phonon_cost("Al", EMT, cache=False).seconds() == pytest.approx(cu.seconds(), rel=1e-12)  # same calls

    events: list[str] = []

    def first_crystal(*args, **kwargs):
        events.append("first crystal")
        raise RuntimeError("stopped at the first crystal")

    def show(message, category, *args, **kwargs):
        if issubclass(category, CostNote):
            events.append(str(message))

    monkeypatch.setattr(from_structure, "crystal_phonons", first_crystal)
    monkeypatch.setattr(warnings, "showwarning", show)
    budget = force_cost.TimeBudget.of(1.5 * cu.seconds())
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        with pytest.raises(RuntimeError, match="first crystal"):
            sides.structure_sides("Al", "Cu", EMT, None, None, budget)
    assert events[1] == "first crystal" and events[0].startswith(f"the phonons of {cu.crystal} with")
    assert f"{force_cost.duration_words(cu.seconds())} typical" in events[0]
    assert events[0].endswith(f"; {al.crystal} is in the cache (no force call)")
    monkeypatch.setenv("KAPITZA_CACHE_DIR", str(tmp_path))  # empty: both crystals cost
    events.clear()
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        with pytest.raises(TimeBoundError, match=r"^the phonons of .*Al.* and .*Cu.* with mlip_factories:emt: ~"):
            sides.structure_sides("Al", "Cu", EMT, None, None, budget)
    assert events == []  # refused before the statement: one line, which names the time


def test_both_crystals_in_the_cache_say_nothing_and_pass_any_budget(al_in_the_cache, monkeypatch):
    """Two crystals read from the cache make no force call: no statement, and even a 1 ms budget lets them through
    to crystal_phonons, which reads them (stubbed here: what it reads is tested above)."""
    from kapitza.phonons import from_structure
    from kapitza.prediction import sides

    monkeypatch.setitem(force_cost.CALL_COSTS, EMT, CallCost(pair_cutoff=3.0, per_pair=0.0, fixed=0.5))
    monkeypatch.setenv("KAPITZA_CACHE_DIR", str(al_in_the_cache))
    read: list[dict] = []
    monkeypatch.setattr(from_structure, "crystal_phonons", lambda side, source, **options: read.append(options))
    budget = force_cost.TimeBudget.of(1e-3)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        sides.structure_sides("Al", "Al", EMT, None, None, budget)
    assert not [w for w in caught if issubclass(w.category, CostNote)]
    assert len(read) == 2 and all(options["max_time"] is budget for options in read)
