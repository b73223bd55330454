"""``max_time=`` of ``kapitza.predict`` and ``--max-time`` of ``kapitza predict`` and ``kapitza phonons
--calculator`` (issue 78, item 4): a bound on the stated time of the crystals' force calls, refused up front, before
any force call, in one line and exit status 2 where the statement says it cannot be met; bad values refused alike.

The calculator is EMT (``mlip_factories:emt``, cheap) with a stated per-call cost put into
:data:`kapitza.atomistic.force_cost.CALL_COSTS` by the test (a stand-in for a measured table: the statement's
arithmetic, not its numbers, is under test), and every force call is made to fail the test, so a refusal that comes
after a force call fails it too."""

from __future__ import annotations

import pytest

import kapitza
from kapitza.atomistic import force_cost
from kapitza.atomistic.force_cost import CallCost
from kapitza.errors import InputError, TimeBoundError

pytest.importorskip("phonopy")

EMT = "mlip_factories:emt"


@pytest.fixture
def no_force_call(monkeypatch, tmp_path):
    """An empty cache of its own, and every computation with forces (phonons, elastic constants) fails the test."""
    from kapitza.phonons import elastic, from_structure

    monkeypatch.setenv("KAPITZA_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(from_structure, "_compute", lambda *a, **k: pytest.fail("a force call before the refusal"))
    monkeypatch.setattr(elastic, "_compute", lambda *a, **k: pytest.fail("a force call before the refusal"))


def _stated(seconds_per_call: float, monkeypatch) -> float:
    """EMT's stated cost set to ``seconds_per_call`` a call; the typical time of the two crystals Al and Cu."""
    from kapitza.phonons.from_structure import phonon_cost

    monkeypatch.setitem(force_cost.CALL_COSTS, EMT, CallCost(pair_cutoff=3.0, per_pair=0.0, fixed=seconds_per_call))
    return sum(phonon_cost(side, EMT).seconds() for side in ("Al", "Cu"))


def test_a_bound_below_the_statement_is_refused_before_any_force_call(no_force_call, monkeypatch):
    """10 s a call: Al and Cu (3x3x3 supercells, each 2 displaced supercells and a typical relaxation) are stated
    far above 60 s; the refusal names both crystals, their stated time and the bound."""
    stated = _stated(10.0, monkeypatch)
    assert stated > 60
    with pytest.raises(TimeBoundError) as refused:
        kapitza.predict("Al", "Cu", 300, calculator=EMT, max_time=60)
    words = str(refused.value)
    assert words.startswith("the phonons of database Al") and " and database Cu " in words
    assert f"with mlip_factories:emt: {force_cost.duration_words(stated)} stated (typical)" in words
    assert "of the 60 s time bound (max_time)" in words
    with pytest.raises(TimeBoundError):  # the same bound as a text
        kapitza.predict("Al", "Cu", 300, calculator=EMT, max_time="1min")


def test_the_command_line_refuses_in_one_line(no_force_call, monkeypatch, cli):
    _stated(10.0, monkeypatch)
    for command in (["predict", "Al", "Cu", "-t", "300"], ["phonons", "Cu"]):
        status, out, err = cli(*command, "--calculator", EMT, "--max-time", "1min")
        lines = err.strip().splitlines()
        assert status == 2 and out == "" and len(lines) == 1, err
        assert "of the 60 s time bound (--max-time); raise it" in lines[0] and "max_time" not in lines[0]


@pytest.mark.parametrize("value", ["0", "-5", "nan", "inf", "garbage", "5 minutes", "1e400"])
def test_bad_bounds_are_one_line_and_exit_2(value, cli, no_force_call):
    for command in (["predict", "Al", "Cu", "-t", "300"], ["phonons", "Cu"]):
        status, out, err = cli(*command, "--calculator", EMT, "--max-time", value)
        lines = err.strip().splitlines()
        assert status == 2 and out == "" and len(lines) == 1, err
        assert lines[0].startswith("error: --max-time must be") or "--max-time must be" in lines[0]


def test_a_bound_needs_a_calculator_with_a_stated_time(cli, no_force_call):
    """Without a calculator there is no force call to bound; a user's calculator (EMT without a table entry) states
    no time: both refused, the library's words and the command line's."""
    with pytest.raises(InputError, match=r"^max_time= bounds the time of the force calls of calculator=; give"):
        kapitza.predict("Al", "Si", 300, max_time=60)
    with pytest.raises(InputError, match="no measured per-call cost for the mlip_factories:emt calculator"):
        kapitza.predict("Al", "Cu", 300, calculator=EMT, max_time=60)
    status, _, err = cli("predict", "Al", "Si", "-t", "300", "--max-time", "5min")
    assert status == 2 and "--max-time bounds the time of the force calls of --calculator" in err
    status, _, err = cli("phonons", "Si", "--max-time", "5min")
    assert status == 2 and "--max-time bounds the time of the force calls of --calculator" in err
    status, _, err = cli("predict", "Al", "Cu", "-t", "300", "--calculator", EMT, "--max-time", "1h")
    assert status == 2 and "leave out --max-time" in err and len(err.strip().splitlines()) == 1
