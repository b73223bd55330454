"""The AGF pairs kapitza ships (issue 87 item 3): ``kapitza validate --model agf`` reads a shipped pair exactly as
the computed one, from an empty cache and without running an AGF or building its crystals; a crystal the potential
refuses is shipped as a refusal and read as one; an altered entry or index is not used (said once), the pair then
counted as not computed.

The shipped folder is made here by the scripts that make the package's (``scripts/ship_crystals.py`` for the
crystals, ``scripts/ship_agf_pairs.py`` for the pairs and refusals), from LAMMPS's Stillinger-Weber silicon
(tests/mlip_factories.py: Si|Si scored, Ge refused), so no universal potential is needed.  The package's own shipped
pairs are held to their index rows at the end.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import warnings

import numpy as np
import pytest
import ship_agf_pairs
import ship_crystals

from conftest import shipped_from
from kapitza.atomistic import calculators
from kapitza.errors import CacheNote
from kapitza.io import shipped
from kapitza.literature import shipped_measurements
from kapitza.prediction.validation import agf as AV

pytest.importorskip("phonopy")

SW = "mlip_factories:lammps_sw_si"
SMALL = {"frequencies": 40, "kpoints": 2}
PAIRS = {("Si", "Si"), ("Si", "Ge")}


@pytest.fixture(scope="module")
def rows():
    data = shipped_measurements()
    return data.select(np.array([(f, s) in PAIRS for f, s in zip(data.film, data.substrate)], dtype=bool))


@pytest.fixture(scope="module")
def made(rows, tmp_path_factory):
    """The slice computed into a work cache once (Si|Si's AGF, Si's phonons, Ge refused), then shipped: Si's
    phonons as ship_crystals exports them, the pair and the refusal as ship_agf_pairs does, the digest beside.
    Si|Si by both routes.  Returns the computed validations by route, the folder, and the work cache and log that
    exported the crystal."""
    work = tmp_path_factory.mktemp("work")
    folder = tmp_path_factory.mktemp("shipped")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("KAPITZA_CACHE_DIR", str(work))
        mp.setenv("KAPITZA_SHIPPED_DIR", "")
        computed = AV.agf_validation(SW, measurements=rows, compute=True, **SMALL)
        fast = AV.agf_validation(SW, measurements=rows, compute=True, route="fast", **SMALL)
        files = sorted(p.name for p in work.glob("structure-phonons*.entry"))
        log = {"Si": {"name": "Si", "outcome": "computed", "seconds": 1.0, "entries": files}}
        ship_crystals.export(log, work, folder, "a test")
        identity = dict(calculators.calculator_source(SW).identity)
        doc = json.loads((folder / "index.json").read_text())
        doc["calculator"] = identity  # ship_crystals records the crystals' potential: SW's here
        (folder / "index.json").write_text(json.dumps(doc))
        found = ship_agf_pairs.collect(work, identity, work / "no data file", SMALL)
        refused = ship_agf_pairs.refusals(work, SW)
        _, raw = ship_agf_pairs.export(found, refused, [], folder)
    (folder / "index.sha256").write_text(hashlib.sha256(raw).hexdigest())
    return {"full": computed, "fast": fast}, folder, work, log


@pytest.fixture
def fresh(made, tmp_path, monkeypatch):
    """A copy of the shipped folder and an empty cache for the test: (the computed validations by route, the
    folder)."""
    computed, template, _, _ = made
    with shipped_from(template, tmp_path, monkeypatch) as folder:
        yield computed, folder


def _no_force(monkeypatch):
    def refuse(self):
        raise AssertionError("a force was asked for: the shipped entries were not used")

    monkeypatch.setattr(calculators.CalculatorSource, "calculator", refuse)
    monkeypatch.setattr("kapitza.transmission.agf.run.run_agf", lambda *a, **k: pytest.fail("an AGF ran"))


def test_the_export_ships_the_scored_pair_by_each_route_and_the_refusal(made):
    """Si|Si by the full route and by the fast one: two rows, each its route's G, each its own entry."""
    computed, folder, _, _ = made
    doc = json.loads((folder / "index.json").read_text())
    assert [p["route"] for p in doc["agf_pairs"]] == ["fast", "full"]
    for pair in doc["agf_pairs"]:
        assert (pair["film"], pair["substrate"], pair["plane"], pair["polarity"]) == ("Si", "Si", "001", "+")
        found = computed[pair["route"]]
        k = np.flatnonzero(found.scored)
        np.testing.assert_allclose(pair["conductance_W_m2K"], np.unique(found.agf_phonon[k]), rtol=1e-12)
        assert pair["stated_minutes"] is None  # a user's calculator has no measured cost: its time is not stated
        assert pair["run"] == {}  # no study data file here (and the fast route never has one)
    assert doc["agf_pairs"][0]["settings"] == {**SMALL, "route": "fast"} and doc["agf_pairs"][1]["settings"] == SMALL
    assert [r["crystal"] for r in doc["agf_pairs_refused_crystals"]] == ["Ge"]
    kinds = sorted(e["kind"] for e in doc["entries"].values())
    assert kinds.count("agf-validation-pair") == 2 and kinds.count("calculator-validation-crystal") == 1


def test_shipping_again_keeps_each_entrys_recorded_minutes_unless_a_run_times_it_anew(made):
    """A pair's minutes are measured once, by the run that computed it: shipping again (more pairs, or the reasons
    redone) without that run's file keeps what the index recorded for the same entry (its file, its key's digest);
    a run given with --runs times it anew.  Before, shipping without every earlier --runs file dropped them."""
    _, folder, work, _ = made
    identity = json.loads((folder / "index.json").read_text())["calculator"]
    before = ship_agf_pairs.shipped_runs(folder)
    assert before == {}  # the fixture's pairs were shipped untimed
    doc = json.loads((folder / "index.json").read_text())
    before = {r["file"]: {"minutes": 7.0, "commit": "abc"} for r in doc["agf_pairs"]}
    assert all(f.startswith("agf-validation-pair-") and f.endswith(".xz") for f in before)
    found = ship_agf_pairs.collect(work, identity, work / "no data file", SMALL, before=before)
    assert [r["run"] for _, _, r in found] == [{"minutes": 7.0, "commit": "abc"}] * 2
    timed = {("Si", "Si", "fast"): {"minutes": 2.0}}
    found = ship_agf_pairs.collect(work, identity, work / "no data file", SMALL, timed=timed, before=before)
    assert {r["route"]: r["run"]["minutes"] for _, _, r in found} == {"fast": 2.0, "full": 7.0}
    assert {ship_agf_pairs.entry_file(ship_agf_pairs.KIND, k) for k, _, _ in found} == set(before)


def test_shipping_from_a_cache_without_the_shipped_pairs_keeps_them_unless_told_to_replace(made, tmp_path):
    """A new machine's cache holds only its own runs: shipping from it adds them to the table.  Before, every pair
    and refusal the cache lacked was dropped (the 28 shipped pairs, from a machine whose cache held none of them).
    With ``replace`` (``--replace``) the cache is the whole table, as before."""
    _, template, _, _ = made
    folder = tmp_path / "shipped"
    shutil.copytree(template, folder)
    before = json.loads((folder / "index.json").read_text())
    empty = ([], [])
    assert ship_agf_pairs.kept_rows(folder, *empty) == (before["agf_pairs"], before["agf_pairs_refused_crystals"])
    doc, _ = ship_agf_pairs.export(*empty, [], folder)
    assert doc["agf_pairs"] == before["agf_pairs"]
    assert doc["agf_pairs_refused_crystals"] == before["agf_pairs_refused_crystals"]
    assert doc["entries"] == before["entries"] and all((folder / e["file"]).is_file() for e in doc["entries"].values())
    doc, _ = ship_agf_pairs.export(*empty, [], folder, replace=True)
    assert doc["agf_pairs"] == [] and doc["agf_pairs_refused_crystals"] == []
    kinds = {e["kind"] for e in doc["entries"].values()}
    assert not kinds & {ship_agf_pairs.KIND, ship_agf_pairs.VERDICT} and kinds  # the crystals stay
    assert not list(folder.glob(f"{ship_agf_pairs.KIND}-*"))


def test_an_interrupted_shipping_leaves_the_folder_as_it_was(made, tmp_path):
    """The export writes a staged copy, put in place whole: an interruption (here an error after the entries and
    the index were written into the copy) leaves the folder byte for byte as it was and no copy behind; the next
    shipping puts its copy in place."""
    _, template, _, _ = made
    folder = tmp_path / "shipped"
    shutil.copytree(template, folder)
    was = {p.name: p.read_bytes() for p in folder.iterdir()}
    with pytest.raises(KeyboardInterrupt), ship_agf_pairs.staged(folder) as work:
        ship_agf_pairs.export([], [], [], work, replace=True)
        raise KeyboardInterrupt
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == was
    assert sorted(p.name for p in tmp_path.iterdir()) == ["shipped"]
    (tmp_path / "shipped.staging").mkdir()  # a leftover of a shipping killed outright
    with ship_agf_pairs.staged(folder) as work:
        doc, _ = ship_agf_pairs.export([], [], [], work, replace=True)
    assert json.loads((folder / "index.json").read_text()) == doc and doc["agf_pairs"] == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["shipped"]


def test_the_page_sets_the_measured_minutes_against_the_stated_ones():
    """The page's closing line: each single-polarity pair's whole-run minutes over its force constants' stated
    minutes; a polar pair (two rows, one measured time for both) and a row without a statement are not in it."""
    made_up = [
        {"film": "A", "substrate": "B", "run": {"minutes": 10.0}, "stated_minutes": 5.0},
        {"film": "C", "substrate": "D", "run": {"minutes": 3.0}, "stated_minutes": 6.0},
        {"film": "E", "substrate": "F", "run": {"minutes": 9.0}, "stated_minutes": 1.0},
        {"film": "E", "substrate": "F", "run": {"minutes": 9.0}, "stated_minutes": 1.0},
        {"film": "G", "substrate": "H", "run": {"minutes": 9.0}, "stated_minutes": None},
    ]
    words = ship_agf_pairs._stated_words(made_up)
    assert "0.50-2.00 of it (median 1.25, 2 pairs)" in words
    assert ship_agf_pairs._stated_words(made_up[4:]).startswith("No shipped pair")


def test_the_minutes_of_a_pair_come_from_the_validation_run_that_computed_and_timed_it(tmp_path):
    """``--runs``: the saved ``--json`` of validation runs; a pair read (shipped or cached) or not timed gives no
    minutes, each route keeps its own, and a later file wins."""

    def run(name, route, pairs):
        path = tmp_path / name
        path.write_text(json.dumps({"settings": {"route": route}, "pairs": pairs}))
        return path

    first = run(
        "a.json",
        "fast",
        [
            {"film": "Si", "substrate": "Ge", "origin": "computed", "seconds": 120.0},
            {"film": "Al", "substrate": "Si", "origin": "cache", "seconds": None},
            {"film": "Pt", "substrate": "Si", "origin": "computed", "seconds": None},
        ],
    )
    second = run("b.json", "fast", [{"film": "Si", "substrate": "Ge", "origin": "computed", "seconds": 60.0}])
    full = run("c.json", "full", [{"film": "Si", "substrate": "Ge", "origin": "computed", "seconds": 600.0}])
    timed = ship_agf_pairs.timed_runs([first, second, full])
    assert timed == {("Si", "Ge", "fast"): {"minutes": 1.0}, ("Si", "Ge", "full"): {"minutes": 10.0}}
    for bad in (b"\x00\xff binary", b"", b'{"pairs": []}'):  # binary, empty, no settings: one line, no traceback
        (tmp_path / "bad.json").write_bytes(bad)
        with pytest.raises(SystemExit, match="not the --json output of kapitza validate --model agf"):
            ship_agf_pairs.timed_runs([tmp_path / "bad.json"])


def test_the_page_sets_each_pair_shipped_by_both_routes_fast_over_full():
    """Made-up rows: a pair by both routes is compared at its highest common temperature; a pair by one route, or a
    polarity shipped by one route only, is not."""

    def row(film, route, t, g, polarity="+"):
        return {"film": film, "substrate": "Si", "plane": "001", "polarity": polarity, "route": route,
                "temperature_K": t, "conductance_W_m2K": g}  # fmt: skip

    made_up = [row("Al", "full", [100.0, 300.0], [1e8, 2e8]), row("Al", "fast", [300.0, 500.0], [2.2e8, 3e8]),
               row("Pt", "fast", [300.0], [1e8]), row("Ga", "full", [300.0], [1e8], "-"),
               row("Ga", "fast", [300.0], [1e8], "+")]  # fmt: skip
    assert ship_agf_pairs.route_ratios(made_up) == [("Al on Si (001) +", 300.0, pytest.approx(1.1))]
    assert "1.100-1.100" in ship_agf_pairs._route_words(made_up)
    assert ship_agf_pairs._route_words(made_up[2:]) == "No pair ships by both routes."


def _plan(route, lines):
    """A made-up AgfPlan of ``route`` whose runs are ``lines`` (film, substrate, plane, polarity, reason, detail, s,
    GB)."""
    from kapitza.prediction.validation.agf_plan import AgfPlan

    n = len(lines)
    column = list(zip(*lines))
    return AgfPlan(
        calculator="made-up", film=column[0], substrate=column[1], plane=column[2], polarity=column[3],
        rows=np.full(n, 3), papers=np.ones(n, dtype=int), cell_atoms=np.full(n, 8), force_calls=np.full(n, 10),
        call_atoms=np.full(n, 100), seconds=np.array(column[6], dtype=float),
        memory_gb=np.array(column[7], dtype=float), limit_gb=np.full(n, 16.0), paper_ids=("p1",) * n,
        reason=column[4], detail=column[5], stored=0, settings={"route": route},
    )  # fmt: skip


def test_each_unshipped_pair_says_why_by_its_routes_own_plan(monkeypatch, tmp_path):
    """Issue 87's "every buildable pair or a stated reason per pair": a pair a route did not ship takes its reason
    from that route's plan (a run that would go: its stated time and memory against the bound; a pair whose runs
    differ, by polarity or by plane: each named), and from the study's data file only where the plan has no line
    of it."""
    import agf_validation_study

    over = "the run states ~17.2 GB against its bound of 16 GB (max_memory_gb); the interface is 36 atoms"
    fast = _plan("fast", [("Al", "GaN", "001", "+", "", "", 1200.0, 9.7),
                          ("Al", "GaN", "001", "-", "over the memory bound", over, 600.0, 17.2),
                          ("Cu", "C", "001", "+", "over the memory bound", over, 3000.0, 33.0),
                          ("TiN", "MgO", "001", "+", "", "", 2760.0, 15.2),
                          ("TiN", "MgO", "111", "+", "", "", 1620.0, 11.3)])  # fmt: skip
    reason, why = ship_agf_pairs.plan_why(fast, "Al", "GaN")
    assert reason == "not computed yet / over the memory bound"
    assert why.startswith("+: not computed yet: stated ~20 min of force calls and ~9.7 GB against a bound of 16 GB")
    assert (
        "; -: over the memory bound: stated ~17.2 GB against a bound of 16 GB (its largest force call 100 atoms; "
        "the interface is 36 atoms)" in why
    )
    reason, why = ship_agf_pairs.plan_why(fast, "TiN", "MgO")
    assert reason == "not computed yet" and "(001) +: not computed yet: stated ~46 min" in why and "(111) +: " in why
    assert ship_agf_pairs.plan_why(fast, "Si", "Ge") is None
    full = _plan("full", [("Cu", "C", "001", "+", "refused by the potential", "C: unstable", np.nan, np.nan)])
    groups = {("Si", "Ge"): {"rows": 2, "papers": {"p"}, "cell": 8}, ("Cu", "C"): {"rows": 3, "papers": {"q"},
              "cell": 12}, ("Al", "GaN"): {"rows": 5, "papers": {"r", "s"}, "cell": 16}}  # fmt: skip
    monkeypatch.setattr(agf_validation_study, "pair_groups", lambda cap: groups)
    found = [("key", {}, {"film": "Si", "substrate": "Ge", "route": "fast"})]
    left = ship_agf_pairs.left_out(found, tmp_path / "no data", {"fast": fast, "full": full})
    said = {(r["film"], r["route"]): (r["reason"], r["why"]) for r in left}
    assert set(said) == {("Si", "full"), ("Cu", "fast"), ("Cu", "full"), ("Al", "fast"), ("Al", "full")}
    # TiN on MgO shipped on (001) only: its (111) run, which the plan still states, is left out with its own rows
    groups[("TiN", "MgO")] = {"rows": 9, "papers": {"t"}, "cell": 16}
    tin = _plan("fast", [("TiN", "MgO", "111", "+", "", "", 1620.0, 11.3)])
    shipped_001 = [("key", {}, {"film": "TiN", "substrate": "MgO", "route": "fast"})]
    (partial,) = [r for r in ship_agf_pairs.left_out(shipped_001, tmp_path / "no data", {"fast": tin})
                  if r["film"] == "TiN"]  # fmt: skip
    assert (partial["rows"], partial["papers"], partial["reason"]) == (3, 1, "not computed yet"), partial
    assert partial["why"].startswith("(111) +: not computed yet: stated ~27 min"), partial["why"]
    assert not [r for r in ship_agf_pairs.left_out(shipped_001, tmp_path / "no data", {"fast": _plan("fast", [
        ("Si", "Ge", "001", "+", "", "", 60.0, 1.0)])}) if r["film"] == "TiN"]  # fmt: skip
    assert said["Si", "full"][0] == "not run" and said["Cu", "full"][1] == "refused by the potential: C: unstable"
    bound = {"max_memory_gb": 16, "max_cell_atoms": 200}
    words = ship_agf_pairs._left_words({"agf_pairs_left": left, "agf_pairs_left_plan": bound})
    assert "**fast**: over the memory bound 1 pairs (3 rows), not computed yet / over the memory bound 1 pairs" in words
    assert "--max-memory-gb 16" in words


def test_writing_the_crystals_again_keeps_the_pairs_and_the_refusals(made, tmp_path, monkeypatch):
    """scripts/ship_crystals.py rewrites the index without --add: the AGF pairs, the refusals and their rows, which
    scripts/ship_agf_pairs.py put there, stay (files and entries)."""
    _, template, work, log = made
    folder = tmp_path / "shipped"
    shutil.copytree(template, folder)
    monkeypatch.setenv("KAPITZA_SHIPPED_DIR", "")
    before = json.loads((folder / "index.json").read_text())
    doc, _ = ship_crystals.export(log, work, folder, "again")
    kinds = sorted(e["kind"] for e in doc["entries"].values())
    assert kinds.count("agf-validation-pair") == 2 and kinds.count("calculator-validation-crystal") == 1
    assert doc["agf_pairs"] == before["agf_pairs"] and doc["agf_pairs_refused_crystals"]
    assert all((folder / e["file"]).is_file() for e in doc["entries"].values())


def test_a_fresh_install_scores_the_shipped_pair_as_computed_without_a_force(fresh, rows, monkeypatch):
    """Empty cache, the model refusing to load, no AGF allowed: every row as computed (the AGF and the full-dispersion
    DMM bit for bit; Ge's refusal read from the shipped one, in its words)."""
    computed, _ = fresh
    _no_force(monkeypatch)
    for route in ("full", "fast"):  # each route reads its own entry
        found = AV.agf_validation(SW, measurements=rows, route=route, **SMALL)
        assert found.reason == computed[route].reason and found.detail == computed[route].detail
        np.testing.assert_array_equal(found.agf, computed[route].agf)
        np.testing.assert_array_equal(found.full_dispersion, computed[route].full_dispersion)
        assert found.scored.any() and "refused by the potential" in found.reason
        assert {found.origin[k] for k in np.flatnonzero(found.scored)} == {"shipped"}  # and says so


def _told(change, folder, rows) -> tuple[AV.AgfValidation, str]:
    change(folder)
    shipped._index_of.cache_clear()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", CacheNote)
        found = AV.agf_validation(SW, measurements=rows, **SMALL)
    return found, " ".join(str(w.message) for w in caught if issubclass(w.category, CacheNote))


def test_an_altered_pair_entry_is_not_used_and_the_pair_is_not_computed(fresh, rows, monkeypatch):
    _, folder = fresh
    monkeypatch.setattr("kapitza.transmission.agf.run.run_agf", lambda *a, **k: pytest.fail("an AGF ran"))

    def flip(folder):
        for entry in folder.glob("agf-validation-pair-*.xz"):  # both routes' entries
            raw = bytearray(entry.read_bytes())
            raw[len(raw) // 2] ^= 0x01
            entry.write_bytes(bytes(raw))

    found, told = _told(flip, folder, rows)
    assert "'Si|Si (001) +' was altered" in told
    assert not found.scored.any() and "not computed" in found.reason


def test_a_row_of_the_index_altered_by_hand_refuses_the_whole_index(fresh, rows, monkeypatch):
    """A shipped G edited in the index (its digest not): nothing shipped is used, so the pair is not computed and
    Ge is no longer known to be refused without building it."""
    _, folder = fresh
    monkeypatch.setattr("kapitza.transmission.agf.run.run_agf", lambda *a, **k: pytest.fail("an AGF ran"))

    def edit(folder):
        doc = json.loads((folder / "index.json").read_text())
        doc["agf_pairs"][0]["conductance_W_m2K"][0] *= 2
        (folder / "index.json").write_text(json.dumps(doc))

    found, told = _told(edit, folder, rows)
    assert "not the one this kapitza records" in told
    assert "not computed" in found.reason
    assert "refused by the potential" not in found.reason


@pytest.fixture
def package(monkeypatch, tmp_path):
    """The package's own shipped index, read by a fresh install (an empty cache)."""
    with shipped_from(None, tmp_path, monkeypatch):
        yield shipped.index()


def test_the_packages_shipped_pairs_are_their_index_rows(package):
    """Each AGF pair the package ships: its entry (read through the checks a query uses) holds the G its index row
    states, under a key of the index's potential (kapitza's default), the row's crystals, plane and polarity."""
    from kapitza.io.cache import cached_lookup, finite

    rows = package["agf_pairs"]
    assert rows  # the package ships AGF pairs (scripts/ship_agf_pairs.py)
    source = calculators.calculator_source(None)
    for row in rows:
        t = np.array(row["temperature_K"])
        parts = AV._pair_parts(row["film"], row["substrate"], row["plane"], t, source, row["max_strain"],
                               row["settings"], row["polarity"])  # fmt: skip
        got = cached_lookup("agf-validation-pair", parts, shapes=AV._pair_shapes(t), check=finite)
        assert got is not None, f"{row['film']}|{row['substrate']}"
        np.testing.assert_array_equal(got["conductance"], row["conductance_W_m2K"])
        np.testing.assert_array_equal(got["intrinsic"], row["intrinsic_W_m2K"])


@pytest.mark.parametrize("route", ["full", "fast"])
def test_a_fresh_install_scores_the_packages_pairs_without_a_force(package, route, monkeypatch):
    """Issue 87's "done when": ``kapitza validate --model agf`` (its library call, cells up to the buildable list's
    200 atoms so that every shipped pair is among its rows), by each route, from an empty cache,
    the default potential refusing to load and no AGF allowed, scores every shipped pair's rows (the crystals, their
    full-dispersion DMM and the pairs read from the package), each semiconductor row's G the shipped one; the pairs
    not shipped are counted as not computed."""
    index = package
    _no_force(monkeypatch)
    found = AV.agf_validation(max_cell_atoms=200, route=route)  # every cell the buildable list holds
    scored = np.flatnonzero(found.scored)
    from kapitza.transmission.agf.stability import UNSTABLE_FRACTION

    mine = [r for r in index["agf_pairs"] if r.get("route", "full") == route]  # this route's rows
    stable = {(r["film"], r["substrate"]): max(r["lead_imaginary_fraction"]) <= UNSTABLE_FRACTION
              for r in mine}  # fmt: skip
    assert {(found.film[k], found.substrate[k]) for k in scored} == {p for p, ok in stable.items() if ok}
    for k in range(len(found)):  # a shipped pair with an unstable lead (Bi|Si: bismuth 6.6 %) is read, not scored
        if stable.get((found.film[k], found.substrate[k])) is False:
            assert found.reason[k] == "unstable lead" and np.isfinite(found.agf_phonon[k])
    assert len({found.paper[k] for k in scored}) >= 10 and "not computed" in found.reason
    si_ge = next(r for r in mine if (r["film"], r["substrate"]) == ("Si", "Ge"))
    rows = [k for k in scored if (found.film[k], found.substrate[k]) == ("Si", "Ge")]
    expected = np.interp(found.temperature[rows], si_ge["temperature_K"], si_ge["conductance_W_m2K"])
    np.testing.assert_array_equal(found.agf[rows], expected)  # two semiconductors: the phonon G itself
    assert np.isfinite(found.full_dispersion[scored]).all()
