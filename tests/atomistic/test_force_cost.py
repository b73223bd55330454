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


def test_the_count_is_the_table_times_the_graph(monkeypatch):
    """The count is fixed + per_pair * pairs + per_angle * angles: diamond Si's cubic cell has 4 first neighbours
    at a*sqrt(3)/4 = 2.35 A per atom and 12 second at a/sqrt(2) = 3.84 A (the diamond lattice), so within 3 A 8
    atoms x 4 = 32 ordered pairs and 8 x 4 x 3 = 96 angles; within 4 A 8 x 16 = 128 pairs."""
    monkeypatch.setitem(force_cost.CALL_COSTS, "toy", CallCost(pair_cutoff=4.0, per_pair=0.01, fixed=1.0,
                                                                 angle_cutoff=3.0, per_angle=0.001))  # fmt: skip
    assert call_seconds("toy", _si()) == pytest.approx(1.0 + 0.01 * 128 + 0.001 * 96, rel=1e-12)
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
    API) times 0.5 s, and the relaxation's at most ``steps`` calls times 0.5 s."""
    phonopy = pytest.importorskip("phonopy")
    pytest.importorskip("matscipy")
    from phonopy.structure.atoms import PhonopyAtoms

    from kapitza.phonons.from_structure import planned_cost

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
    assert cost.seconds() == pytest.approx(0.5 * calls + 0.5 * 40, rel=1e-12)
    assert f"{calls} force calls x ~0.5 s = {force_cost.duration_words(0.5 * calls)}" in cost.line()
    assert len(cost.supercells) == 1 and "no wider supercell" in cost.line()  # a given supercell is not widened


def test_the_widening_search_states_its_worst_case(monkeypatch):
    """Without a given supercell, every wider supercell the search may try under the atom cap is stated, wider
    each time, and the worst case is the sum of them all (each relaxed again)."""
    pytest.importorskip("phonopy")
    pytest.importorskip("matscipy")
    from kapitza.phonons.from_structure import planned_cost

    monkeypatch.setitem(force_cost.CALL_COSTS, SW_SI, CallCost(pair_cutoff=3.0, per_pair=0.01))
    cost = planned_cost(_si_spec(), SW_SI, max_supercell_atoms=600, steps=10)
    atoms = [c.atoms for c in cost.supercells]
    assert atoms[0] == 64 and len(atoms) >= 2 and atoms == sorted(set(atoms)) and atoms[-1] <= 600
    relax = cost.relaxation.seconds
    assert cost.seconds(widest=True) == pytest.approx(sum(c.seconds + relax for c in cost.supercells), rel=1e-12)
    assert f"up to {cost.supercells[-1].what}" in cost.line()


def test_the_statement_comes_before_the_first_force_call(monkeypatch):
    """A calculator that records when it is asked for forces, and a note handler that records when the statement
    is given: the statement comes first, and the result carries it."""
    pytest.importorskip("phonopy")
    pytest.importorskip("matscipy")
    from kapitza.atomistic.calculators import calculator_source
    from kapitza.phonons.from_structure import crystal_phonons, planned_cost

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


def test_predict_states_both_crystals_before_the_first_force_call(monkeypatch):
    """``predict`` with two crystals from their structures states their time together before the first crystal's
    force calls (each crystal then states its own supercells when it starts)."""
    pytest.importorskip("phonopy")
    from kapitza.atomistic.force_cost import duration_words
    from kapitza.phonons import from_structure
    from kapitza.prediction import answer

    monkeypatch.setitem(force_cost.CALL_COSTS, SW_SI, CallCost(pair_cutoff=3.0, per_pair=0.0, fixed=0.25))
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
            answer._structure_sides(_si_spec(), _si_spec(), SW_SI, None, None)
    one = from_structure.planned_cost(_si_spec(), SW_SI)
    assert events == [events[0], "first crystal"] and "the two crystals' phonons" in events[0]
    assert f"{duration_words(2 * one.seconds())} stated" in events[0]
    assert f"{duration_words(2 * one.seconds(widest=True))} if every widening" in events[0]
