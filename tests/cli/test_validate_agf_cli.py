"""``kapitza validate --model agf``: the AGF of the measured pairs the crystal route builds beside the two DMMs, the
answer first, the library's numbers in --json; every bad input one line and exit 2.

The rows are a slice of the shipped compilation and the calculator is LAMMPS's SW silicon through
tests/mlip_factories.py (Si|Si scored, Si|Ge refused, Al on GaN on two planes), with small AGF settings, so the
command runs in seconds.
"""

from __future__ import annotations

import functools
import json

import numpy as np
import pytest

from answer_rules import answer_first
from kapitza.prediction.validation import agf as AV

pytest.importorskip("phonopy")

SW = "mlip_factories:lammps_sw_si"
PAIRS = {("Si", "Si"), ("Si", "Ge"), ("Al", "GaN")}
SMALL = {"frequencies": 40, "kpoints": 2, "compute": True}


@pytest.fixture(scope="module")
def small_rows():
    data = AV.shipped_measurements()
    return data.select(np.array([(f, s) in PAIRS for f, s in zip(data.film, data.substrate)], dtype=bool))


@pytest.fixture(scope="module", autouse=True)
def validated_once():
    """The AGF validation of the slice is computed once for the module (:func:`conftest.built_once`): the first
    command computes it, and every later command with the same arguments (text, --explain, --json) and the library
    call the tests compare with get that one result, so the tests check each rendering against the library's object;
    a command that passed other arguments (another bound, cell size or mesh) computes afresh and differs."""
    from conftest import built_once

    with built_once(AV, "agf_validation") as built:
        yield built


@pytest.fixture
def small(monkeypatch, small_rows):
    """The slice as the shipped compilation and the small AGF settings, for the command and for
    ``AV.agf_validation(SW)``."""
    monkeypatch.setattr(AV, "shipped_measurements", lambda: small_rows)
    monkeypatch.setattr(AV, "agf_validation", functools.partial(AV.agf_validation, **SMALL))
    return small_rows


def _one_line(status, out, err, words):
    assert status == 2, err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("kapitza: error:") and words in lines[0], err
    assert out == ""


def test_the_table_and_the_rows_scored_come_first(cli, small):
    status, out, err = cli("validate", "--model", "agf", "--calculator", SW, "--compute")
    assert status == 0, err
    found = AV.agf_validation(SW)
    scored = int(found.scored.sum())
    lines = answer_first(out, most=16, within=14, answer=f"scored: {scored} of {len(found)} bare measured rows")
    assert any("agf intrinsic" in line for line in lines) and any("Debye DMM" in line for line in lines)
    assert "Si|Si (001 on 001" not in out
    status, out, err = cli("validate", "--model", "agf", "--calculator", SW, "--compute", "--explain")
    assert status == 0, err
    text = " ".join(out.split())
    assert "Si|Si (001 on 001, 16 atoms a period): 1 rows, 1 papers" in text
    k = int(np.flatnonzero(found.scored)[0])  # where its AGF came from, in words
    assert {"computed": "computed in this run", "cache": "read from this machine's cache"}[found.origin[k]] in text
    for why, count in found.counts().items():
        if why != "scored":
            assert f"{count} {why}" in text
    assert "40 frequencies, 2x2 k points" in text


def test_json_equals_the_library(cli, small):
    status, out, err = cli("validate", "--model", "agf", "--calculator", SW, "--compute", "--json")
    assert status == 0, err
    doc = json.loads(out)
    found = AV.agf_validation(SW)
    assert doc["counts"] == found.counts()
    assert doc["calculator"] == found.calculator
    for model, s in found.statistics("common").items():
        assert doc["statistics"]["common"][model]["rows"] == s.rows
        got = doc["statistics"]["common"][model]["median_factor_row"]
        assert (got is None and np.isnan(s.median_factor_row)) or got == pytest.approx(s.median_factor_row)
    assert len(doc["rows"]["agf"]) == len(found)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--model", "agf", "--model", "dmm"), "--model agf scores alone"),
        (("--model", "agf", "--plot", "v.png"), "--plot does not combine with --model agf"),
        (("--model", "agf", "--empirical"), "--empirical does not combine with --model agf"),
        (("--model", "agf", "--max-cell-atoms", "0"), "--max-cell-atoms must be between 1 and 100000"),
        (("--model", "agf", "--mesh", "0"), "--mesh must be a positive whole number"),
        (("--model", "agf", "--calculator", "no-such-potential"), "no-such-potential"),
        (("--max-cell-atoms", "10"), "--max-cell-atoms bounds the cells of --model agf"),
        (("--compute",), "--compute runs the pairs' AGF of --model agf"),
        (("--plan",), "--plan states the runs of --model agf --compute"),
        (("--model", "agf", "--plan", "--compute"), "give one of them"),
        (("--model", "agf", "--plan", "--mesh", "4"), "--plan runs nothing to score"),
        (("--model", "agf", "--plan", "--max-memory-gb", "-1"), "--max-memory-gb must be > 0 GB"),
        (("--model", "agf", "--max-memory-gb", "nan"), "--max-memory-gb must be finite"),
        (("--max-time", "6h"), "--max-time bounds the runs of --model agf --compute"),
        (("--route", "fast"), "--route sets the interface force constants of --model agf"),
        (("--model", "agf", "--route", "quick"), "--route must be one of full, fast"),
        (("--model", "agf", "--max-time", "6h"), "give --compute with it"),
        (("--model", "agf", "--compute", "--max-time", "soon"), "--max-time"),
        (("--model", "agf", "--compute", "--max-time", "-5"), "--max-time"),
        (("--model", "agf", "--calculator", ""), "calculator must be a built-in name"),  # not the default
    ],
)
def test_bad_input_is_one_line(cli, args, words, monkeypatch):
    monkeypatch.setattr(AV, "buildable_rows", lambda **_: pytest.fail("work began"))  # the validation's and the plan's
    status, out, err = cli("validate", *args)
    _one_line(status, out, err, words)


def test_a_bound_that_leaves_nothing_scored_says_so_after_the_table(cli, small, monkeypatch, tmp_path):
    """Every pair over the memory bound: the (empty) table, then one warning naming the bound to raise.  An empty
    cache: a pair read back from the cache needs no memory, so the bound refuses only what is computed."""
    monkeypatch.setenv("KAPITZA_CACHE_DIR", str(tmp_path / "cache"))
    status, out, err = cli("validate", "--model", "agf", "--calculator", SW, "--compute", "--max-memory-gb", "0.2")
    assert status == 0, err
    text = " ".join(out.split())
    assert "scored: 0 of" in text and "rows are over the memory bound: raise --max-memory-gb" in text


def test_pairs_with_an_unstable_lead_are_named_in_a_warning_after_the_table(cli, small, monkeypatch, validated_once):
    """A pair whose lead is dynamically unstable (transmission.agf.stability) is left out; the warning names it and
    the potential, so that a user does not read the table as the AGF's verdict on that pair.  The module's stored
    validation is set aside (the pairs' AGF is made up here) and none of this one is kept."""
    from kapitza.transmission.agf.stability import UNSTABLE_FRACTION

    monkeypatch.setattr(AV, "agf_validation", functools.partial(validated_once.real, **SMALL))

    def made_up(film, substrate, plane, t, *args):
        return np.full(t.shape, 3e8), np.full(t.shape, 6e8), np.array([2 * UNSTABLE_FRACTION, 0.0])

    monkeypatch.setattr(AV, "_pair_agf", made_up)
    status, out, err = cli("validate", "--model", "agf", "--calculator", SW, "--compute")
    assert status == 0, err
    text = " ".join(out.split())
    found = AV.agf_validation(SW)
    n = found.counts()["unstable lead"]
    assert n > 0 and f"warning: {n} rows left out: a lead of Si/Si is dynamically unstable with" in text


def test_without_compute_pairs_neither_shipped_nor_cached_are_counted_and_no_agf_runs(
    cli, small, monkeypatch, tmp_path
):
    """Issue 87: the default reads the shipped and cached pairs only (a fresh install answers at once); a pair that
    is neither (the slice's pairs in an empty cache: kapitza ships no pair of a test potential) is left out as "not
    computed" before its crystals are touched, no AGF runs, and one warning after the table counts the rows, pairs
    and papers as the library leaves them out and names --compute."""
    monkeypatch.setenv("KAPITZA_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(AV, "_pair_agf", lambda *a, **k: pytest.fail("an AGF ran without --compute"))
    monkeypatch.setattr(AV, "crystal_verdict", lambda *a, **k: pytest.fail("a crystal was built without --compute"))
    status, out, err = cli("validate", "--model", "agf", "--calculator", SW)
    assert status == 0, err
    found = AV.agf_validation(SW, compute=False)
    left = [k for k, r in enumerate(found.reason) if r == "not computed"]
    pairs = {(found.film[k], found.substrate[k]) for k in left}
    papers = {found.paper[k] for k in left}
    assert left and not found.scored.any()
    text = " ".join(out.split())
    assert "scored: 0 of" in text
    assert f"warning: {len(left)} rows of {len(pairs)} pairs ({len(papers)} papers) not computed" in text
    assert "--compute runs them" in text


def test_a_polar_pairs_other_interface_is_said_beside_the_answer(capsys):
    """Issue 87: the other polarity of a polar pair, named in the answer with its ratio to the scored G, and each
    scored pair's polarity behind --explain; the JSON rows carry agf_reversed and polarity."""
    from kapitza.cli.report import Report
    from kapitza.cli.validate_agf import agf_document, agf_report

    n = 3
    made = AV.AgfValidation(
        calculator="chgnet", row=np.arange(n), film=("AlN",) * n, substrate=("GaN",) * n, paper=("52",) * n,
        temperature=np.array([100.0, 200.0, 300.0]), measured=np.full(n, 2e8), planes=("001 on 001",) * n,
        cell_atoms=np.full(n, 8), agf=np.full(n, 3e8), agf_intrinsic=np.full(n, 4e8), agf_phonon=np.full(n, 3e8),
        full_dispersion=np.full(n, 5e8), debye=np.full(n, 6e8), reason=("",) * n, detail=("",) * n,
        note=("",) * n, settings={"max_cell_atoms": 24, "max_strain": 0.03, "frequencies": 200, "kpoints": 8,
                                  "mesh": 24, "cutoff": "debye"},
        agf_reversed=np.full(n, 2e8), polarity=("+ and -",) * n,
    )  # fmt: skip
    report = Report(explain=True)
    agf_report(made, report)
    report.show()
    out = " ".join(capsys.readouterr().out.split())
    assert "AlN|GaN is polar along its normal" in out and "gives x0.667 the scored G (median of 3 rows)" in out
    assert "polarity + and -" in out
    rows = agf_document(made)["rows"]
    assert rows["polarity"] == ["+ and -"] * n and rows["agf_reversed"] == [2e8] * n


@pytest.fixture
def planned(monkeypatch, small_rows):
    """The slice as the shipped compilation and the small AGF settings for ``--plan`` (:func:`agf_plan`), and the
    library's plan of it (made after the command's: the same cache, so the same statement)."""
    from kapitza.prediction.validation import agf_plan as AP

    monkeypatch.setattr(AV, "shipped_measurements", lambda: small_rows)  # the plan's too (agf.pair_query)
    monkeypatch.setattr(AP, "agf_plan", functools.partial(AP.agf_plan, frequencies=40, kpoints=2))
    return AP


def test_the_plan_says_its_total_first_then_each_run(cli, planned):
    """Issue 87: --plan states what --compute would run before it runs; the answer line is the library's totals."""
    status, out, err = cli("validate", "--model", "agf", "--calculator", SW, "--plan")
    assert status == 0, err
    plan = planned.agf_plan(SW)
    runs = sum(plan.runs.tolist())
    answer = f"--compute would run {runs} runs of {plan.pairs_run()} pairs ({plan.rows_added()} rows"
    lines = answer_first(out, most=30, within=2, answer=answer)
    text = " ".join(out.split())
    assert f"{plan.stored} runs already shipped or cached are read" in text
    for k in range(len(plan)):
        assert f"{plan.film[k]} on {plan.substrate[k]}" in text
    assert any("refused" in line for line in lines)  # Si|Ge: no Ge in the potential
    status, out, err = cli("validate", "--model", "agf", "--calculator", SW, "--plan", "--explain")
    assert status == 0, err
    assert "Si|Ge (001, +): Ge:" in " ".join(out.split())


def test_the_plans_json_is_the_librarys(cli, planned):
    status, out, err = cli("validate", "--model", "agf", "--calculator", SW, "--plan", "--json")
    assert status == 0, err
    doc = json.loads(out)
    plan = planned.agf_plan(SW)
    assert doc["runs"] == sum(plan.runs.tolist()) and doc["rows"] == plan.rows_added()
    assert doc["plan"]["film"] == list(plan.film) and doc["plan"]["reason"] == list(plan.reason)
    assert doc["plan"]["force_calls"] == plan.force_calls.tolist()
    assert doc["stated_seconds"] is None or doc["stated_seconds"] == pytest.approx(plan.total_seconds())


def test_pairs_left_by_max_time_are_named_in_a_warning(cli, small, tmp_path, monkeypatch):
    """SW has no stated cost of a call, so under --max-time no pair starts: the warning after the table names the
    pairs and how to see and resume them."""
    monkeypatch.setenv("KAPITZA_CACHE_DIR", str(tmp_path))
    status, out, err = cli("validate", "--model", "agf", "--calculator", SW, "--compute", "--max-time", "1h")
    assert status == 0, err
    text = " ".join((out + err).split())
    assert "not started within --max-time (Si|Si)" in text and "--plan states each" in text
