"""``kapitza.prediction.validation.agf``: the AGF of the measured pairs the crystal route builds, scored beside the
two DMMs, or each row left out with one reason.

The calculator is LAMMPS's Stillinger-Weber silicon through the tests' ``module:factory`` (tests/mlip_factories.py):
it covers Si alone, so a slice of the shipped compilation exercises every branch in seconds: Si|Si scored (a
homo-interface), Si|Ge refused by the potential (no Ge), Al on GaN stacked on two planes (cubic (111) on hexagonal
(0001)), Au on amorphous SiO2, Cu|Pb above the bound of the pair.  Small AGF settings (40 frequencies, 2x2 k).
"""

from __future__ import annotations

import numpy as np
import pytest

from kapitza.errors import InputError
from kapitza.literature import shipped_measurements
from kapitza.prediction.scoring import score
from kapitza.prediction.validation import agf as AV
from kapitza.prediction.validation.buildable import buildable_rows

pytest.importorskip("phonopy")

SW = "mlip_factories:lammps_sw_si"
SMALL = {"frequencies": 40, "kpoints": 2}
#: What a validation that computes its pairs takes (compute=True; the default reads what is shipped or cached).
RUN = {**SMALL, "compute": True}
#: (film, substrate) -> the reason every bare row of the pair gets ("" = scored).
PAIRS = {
    ("Si", "Si"): "",
    ("Si", "Ge"): "refused by the potential",
    ("Al", "GaN"): "two planes",
    ("Au", "a-SiO2"): "amorphous",
    ("Cu", "Pb"): "above bound",
}


@pytest.fixture(scope="module")
def rows():
    data = shipped_measurements()
    return data.select(np.array([(f, s) in PAIRS for f, s in zip(data.film, data.substrate)], dtype=bool))


@pytest.fixture(scope="module")
def found(rows):
    return AV.agf_validation(SW, measurements=rows, **RUN)


def test_every_bare_row_is_scored_or_left_out_once_with_its_pairs_reason(found, rows):
    bare = ~np.asarray(rows.interlayer, dtype=bool)
    assert len(found) == int(bare.sum())
    assert sum(found.counts().values()) == len(found)
    for k in range(len(found)):
        assert found.reason[k] == PAIRS[(found.film[k], found.substrate[k])], (found.film[k], found.detail[k])
    assert found.counts()["scored"] >= 1
    refused = [d for d, r in zip(found.detail, found.reason) if r == "refused by the potential"]
    assert refused and all(d.startswith("Ge:") for d in refused)  # the crystal the potential lacks, named


def test_left_out_rows_have_no_agf(found):
    """No prediction on a row left out; the two-probe G only where it was computed (an unstable lead's, unscored)."""
    out = ~found.scored
    assert np.all(np.isnan(found.agf[out])) and np.all(np.isnan(found.agf_intrinsic[out]))
    uncomputed = out & np.array([r != "unstable lead" for r in found.reason])
    assert np.all(np.isnan(found.agf_phonon[uncomputed]))


def test_a_scored_row_is_the_agf_run_of_its_pair_at_its_temperature(found):
    """The row's number is ``run_agf(film, substrate, calculator, normal)``'s two-probe G at the row's T, and a pair
    of non-metals gets no electron term (predict's rule)."""
    from kapitza.transmission.agf.run import run_agf

    k = int(np.flatnonzero(found.scored)[0])
    t = found.temperature[k]
    result, _ = run_agf(found.film[k], found.substrate[k], calculator=SW, normal="001", temperature=[t], **SMALL)
    assert found.agf_phonon[k] == pytest.approx(float(result.conductance[0]), rel=1e-10)
    assert found.agf[k] == found.agf_phonon[k]
    assert found.agf_intrinsic[k] == pytest.approx(float(result.intrinsic[0]), rel=1e-10)


def test_a_homo_interface_transmits_like_the_perfect_crystal(found):
    """Si|Si is no interface: the two-probe G is the lead's ballistic conductance (Landauer: every channel
    transmitted; the intrinsic G of Simons, 1/(1/G - 1/G_ballistic), is then far above it)."""
    from kapitza.transmission.agf.run import run_agf

    k = int(np.flatnonzero(found.scored)[0])
    result, _ = run_agf("Si", "Si", calculator=SW, normal="001", temperature=[found.temperature[k]], **SMALL)
    assert float(result.conductance[0]) == pytest.approx(float(np.asarray(result.ballistic)[0, 0]), rel=1e-3)
    assert found.agf_intrinsic[k] > 10 * found.agf[k]


def test_the_dmm_columns_are_predicts_on_the_same_rows(found):
    k = np.flatnonzero(found.scored)
    assert np.all(np.isfinite(found.full_dispersion[k]) & (found.full_dispersion[k] > 0))
    assert np.all(np.isfinite(found.debye[k]) & (found.debye[k] > 0))  # Si is a database material


def test_a_second_run_reads_the_pairs_from_the_cache(found, rows):
    stages = []
    again = AV.agf_validation(SW, measurements=rows, progress=lambda s, d, t: stages.append(s), **RUN)
    assert "force constants" not in stages and "relaxation" not in stages
    np.testing.assert_array_equal(again.agf, found.agf)
    scored = np.flatnonzero(found.scored)
    assert {found.origin[k] for k in scored} <= {"computed", "cache"}  # the module's first run, or a cache before it
    assert {again.origin[k] for k in scored} == {"cache"}  # each says where its AGF came from
    assert all(again.origin[k] == "" for k in np.flatnonzero(~found.scored) if found.reason[k] != "unstable lead")
    # a pair computed in the run says how long it took; one read says nothing of time
    assert all(found.seconds[k] > 0 for k in scored if found.origin[k] == "computed")
    assert np.isnan(again.seconds).all()
    assert all(g["seconds"] is None for g in again.pairs())  # nor in the pairs' entries
    assert all(g["seconds"] > 0 for g in found.pairs() if g["origin"] == "computed")


def test_without_compute_what_was_computed_is_read_back_and_nothing_runs(found, rows, monkeypatch):
    """Issue 87: compute=False (the default) scores the pairs whose AGF is stored (here cached by the fixture's run;
    on a fresh install, shipped) exactly as computed, and a side the potential refused is remembered as refused (SW
    and Ge), without running an AGF or building a crystal that is not stored."""
    from kapitza.transmission.agf import run as agf_run

    monkeypatch.setattr(agf_run, "run_agf", lambda *a, **k: pytest.fail("an AGF ran with compute=False"))
    again = AV.agf_validation(SW, measurements=rows, frequencies=40, kpoints=2)
    assert again.reason == found.reason and again.polarity == found.polarity
    np.testing.assert_array_equal(again.agf, found.agf)
    np.testing.assert_array_equal(again.full_dispersion, found.full_dispersion)
    assert "not computed" not in again.reason


def test_statistics_weight_rows_and_papers_as_the_expected_page_does():
    """Made-up rows: paper A three rows at p/m = 2, paper B one row at p/m = 1/4; by row the median factor is 2,
    by paper (each paper weighted equally) it lies between 2 and 4, the shared rule's number."""
    n = 4
    measured = np.full(n, 1e8)
    agf = measured * np.array([2.0, 2.0, 2.0, 0.25])
    made = AV.AgfValidation(
        calculator="made-up", row=np.arange(n), film=("A",) * n, substrate=("B",) * n, paper=("A", "A", "A", "B"),
        temperature=np.full(n, 300.0), measured=measured, planes=("001 on 001",) * n, cell_atoms=np.full(n, 8),
        agf=agf, agf_intrinsic=agf * 1.5, agf_phonon=agf, full_dispersion=measured * 3, debye=measured * 0.5,
        reason=("",) * n, detail=("",) * n, note=("",) * n, settings={},
    )  # fmt: skip
    assert made.origin == ("",) * n  # a result made (or saved) without it: no origin claimed
    assert np.isnan(made.seconds).all()  # nor a time
    with pytest.raises(InputError, match="seconds must be >= 0"):
        AV.AgfValidation(**{**made.__dict__, "seconds": np.full(n, -1.0)})
    with pytest.raises(InputError, match="origin must be one of"):
        AV.AgfValidation(**{**made.__dict__, "origin": ("downloaded",) * n})
    s = made.statistics()["agf"]
    assert s.rows == 4 and s.papers == 2
    assert s.median_factor_row == pytest.approx(2.0)
    expect = score(agf, measured, made.paper)
    assert s.median_factor_paper == pytest.approx(expect.median_factor_paper)
    assert 2.0 <= s.median_factor_paper <= 4.0
    assert made.statistics()["Debye DMM"].median_factor_row == pytest.approx(2.0)
    assert made.statistics()["full-dispersion DMM"].within_2_row == 0.0


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"max_cell_atoms": 0}, "max_cell_atoms"),
        ({"max_strain": 2.0}, "max_strain"),
        ({"frequencies": 0}, "frequencies"),
        ({"max_memory_gb": -1}, "memory"),
    ],
)
def test_bad_inputs_are_refused_before_any_work(kwargs, words, monkeypatch):
    monkeypatch.setattr(AV, "buildable_rows", lambda **_: pytest.fail("work began"))
    with pytest.raises(InputError, match=words):
        AV.agf_validation(SW, **kwargs)


def test_an_unknown_calculator_is_refused_before_any_work(monkeypatch):
    monkeypatch.setattr(AV, "buildable_rows", lambda **_: pytest.fail("work began"))
    with pytest.raises(InputError):
        AV.agf_validation("no-such-potential")


@pytest.mark.parametrize(("planes", "normal"), [("001 on 001", "001"), ("111 on 111", "111"), ("111 on 001", None),
                                                ("112 on 112", None), ("", None)])  # fmt: skip
def test_one_normal_for_both_sides_or_none(planes, normal):
    assert AV._plane(planes) == normal


def test_the_rows_are_the_buildable_lists(found, rows):
    built = buildable_rows(measurements=rows, max_cell_atoms=AV.DEFAULT_SCORED_CELL_ATOMS)
    np.testing.assert_array_equal(found.row, built.row)
    assert found.planes == built.planes


def test_a_bound_too_small_for_the_pair_leaves_its_rows_over_the_memory_bound(rows):
    """The bound's refusal (a crystal's force constants or the pair's AGF run), not the potential's: its own reason,
    and not remembered (the same rows score with the bound lifted, the fixture)."""
    si = rows.select(np.array([(f, s) == ("Si", "Si") for f, s in zip(rows.film, rows.substrate)], dtype=bool))
    tight = AV.agf_validation(SW, measurements=si, max_memory_gb=0.05, cache=False, **RUN)
    assert set(tight.reason) == {"over the memory bound"}, tight.detail
    assert all("GB" in d for d in tight.detail)


def test_a_pair_run_over_the_bound_is_the_bounds_refusal_with_the_interface_described(rows):
    """Above the libraries' pre-check but below the built model's statement: run_agf's refusal names the interface
    and stays a MemoryBoundError, so the validation says 'over the memory bound' (Bi|BeO with CHGNet said
    'refused by the potential' before)."""
    from kapitza.errors import MemoryBoundError
    from kapitza.transmission.agf.run import run_agf

    with pytest.raises(MemoryBoundError, match="the interface is 48 atoms"):
        run_agf("Si", "Si", calculator=SW, max_memory_gb=0.2, **SMALL)
    si = rows.select(np.array([(f, s) == ("Si", "Si") for f, s in zip(rows.film, rows.substrate)], dtype=bool))
    tight = AV.agf_validation(SW, measurements=si, max_memory_gb=0.2, cache=False, **RUN)
    assert set(tight.reason) == {"over the memory bound"} and "the interface is 48 atoms" in tight.detail[0]


def test_a_pair_whose_lead_is_unstable_is_computed_but_not_scored(rows, monkeypatch):
    """A lead with imaginary frequencies above the stability threshold (as CHGNet's Si strained 2.4 % in-plane in Al
    on Si) gives no prediction: its rows say 'unstable lead', name the side and keep the two-probe G unscored."""
    from kapitza.transmission.agf.stability import UNSTABLE_FRACTION

    si = rows.select(np.array([(f, s) == ("Si", "Si") for f, s in zip(rows.film, rows.substrate)], dtype=bool))
    g = 3e8
    calls = []

    def made_up(film, substrate, plane, t, *args):
        calls.append(plane)
        return np.full(t.shape, g), np.full(t.shape, 2 * g), np.array([0.0, 2 * UNSTABLE_FRACTION])

    monkeypatch.setattr(AV, "_pair_agf", made_up)
    found = AV.agf_validation(SW, measurements=si, **RUN)
    assert calls == ["001"] and set(found.reason) == {"unstable lead"}
    assert all("Si lead 10 %" in d for d in found.detail)
    assert np.all(found.agf_phonon == g) and np.all(np.isnan(found.agf)) and not found.scored.any()
    monkeypatch.setattr(AV, "_pair_agf", lambda f, s, p, t, *a: (np.full(t.shape, g), np.full(t.shape, 2 * g),
                                                                np.array([0.0, 0.5 * UNSTABLE_FRACTION])))  # fmt: skip
    assert AV.agf_validation(SW, measurements=si, **RUN).scored.all()  # below the threshold: scored


def test_a_pair_predict_cannot_score_runs_no_agf(rows, monkeypatch):
    """A metal/metal pair without the electron data of the electronic DMM (Pd on Ir, Pt on Au in the compilation)
    has no finite prediction whatever its phonon G (``as_predicted`` returns NaN): its rows say 'no prediction'
    before any AGF is run (Pd on Ir ran 19.5 min of SevenNet force constants for nothing)."""
    si = rows.select(np.array([(f, s) == ("Si", "Si") for f, s in zip(rows.film, rows.substrate)], dtype=bool))
    text = "electronic DMM needs the Fermi velocity and Sommerfeld coefficient, not stored for Si"

    def nothing(side1, side2, temperature, results):
        return np.full((len(results), np.size(temperature)), np.nan), text

    monkeypatch.setattr(AV, "as_predicted", nothing)
    monkeypatch.setattr(AV, "_pair_agf", lambda *a, **k: pytest.fail("the AGF ran for a pair that cannot score"))
    found = AV.agf_validation(SW, measurements=si, cache=False, **RUN)
    assert set(found.reason) == {"no prediction"} and all(text in d for d in found.detail)
    assert not found.scored.any() and np.all(np.isnan(found.agf_phonon))


def test_polarity_is_decided_by_the_crystals_symmetry_along_the_normal():
    """Wurtzite is polar along [0001] (kapitza's "001" of a hexagonal cell), diamond along no axis: AlN on GaN has two
    interfaces, Si on Si one."""
    assert AV.polar_pair("AlN", "GaN", "001")
    assert not AV.polar_pair("Si", "Si", "001") and not AV.polar_pair("Si", "Si", "111")


def test_a_polar_pairs_other_interface_is_run_named_and_not_scored(rows, monkeypatch):
    """Issue 87: both polarities of a polar pair, each named.  The '+' interface is scored as before; the '-' one
    (both crystals turned over) is computed beside it, kept in agf_reversed as predict reports a pair, and not
    scored (which face a paper grew is not recorded); a '-' that is refused or has an unstable lead leaves the '+'
    row scored and says why."""
    from kapitza.transmission.agf.stability import UNSTABLE_FRACTION

    si = rows.select(np.array([(f, s) == ("Si", "Si") for f, s in zip(rows.film, rows.substrate)], dtype=bool))
    asked = []

    def made_up(film, substrate, plane, t, *args):
        polarity = args[6] if len(args) > 6 else "+"
        asked.append(polarity)
        g = 3e8 if polarity == "+" else 2e8
        return np.full(t.shape, g), np.full(t.shape, 2 * g), np.zeros(2)

    monkeypatch.setattr(AV, "_pair_agf", made_up)
    monkeypatch.setattr(AV, "polar_pair", lambda *a: True)
    found = AV.agf_validation(SW, measurements=si, cache=False, **RUN)
    assert asked == ["+", "-"] and found.scored.all()
    assert np.all(found.agf == 3e8) and np.all(found.agf_reversed == 2e8)
    assert set(found.polarity) == {"+ and -"} and found.pairs()[0]["polarity"] == "+ and -"
    assert found.statistics()["agf"].rows == len(found)  # the '+' rows alone are scored

    def refused(film, substrate, plane, t, *args):
        if len(args) > 6 and args[6] == "-":
            raise InputError("the lattices no longer match")
        return np.full(t.shape, 3e8), np.full(t.shape, 6e8), np.zeros(2)

    monkeypatch.setattr(AV, "_pair_agf", refused)
    found = AV.agf_validation(SW, measurements=si, cache=False, **RUN)
    assert found.scored.all() and np.all(np.isnan(found.agf_reversed))
    assert set(found.polarity) == {"+; - not computed: the lattices no longer match"}

    def unstable(film, substrate, plane, t, *args):
        bad = len(args) > 6 and args[6] == "-"
        return np.full(t.shape, 3e8), np.full(t.shape, 6e8), np.array([0.0, 2 * UNSTABLE_FRACTION if bad else 0.0])

    monkeypatch.setattr(AV, "_pair_agf", unstable)
    found = AV.agf_validation(SW, measurements=si, cache=False, **RUN)
    assert found.scored.all() and np.all(np.isnan(found.agf_reversed))
    assert all(p.startswith("+; - not computed: a lead is unstable") for p in found.polarity)


def test_a_pair_with_one_polarity_runs_once_and_says_so(found):
    k = found.scored
    assert set(np.asarray(found.polarity)[k]) == {"one"} and np.all(np.isnan(found.agf_reversed))
    assert set(np.asarray(found.polarity)[~k]) == {""}  # rows whose pair was not run


def test_the_other_interfaces_column_is_held_to_the_rule_of_every_column():
    """agf_reversed, like agf, holds finite values >= 0 or NaN, one a row (a saved result edited by hand is refused);
    a result saved before it existed reads back with NaN and no polarity."""
    n = 2
    fields = dict(
        calculator="chgnet", row=np.arange(n), film=("AlN",) * n, substrate=("GaN",) * n, paper=("52",) * n,
        temperature=np.full(n, 300.0), measured=np.full(n, 2e8), planes=("001 on 001",) * n, cell_atoms=np.full(n, 8),
        agf=np.full(n, 3e8), agf_intrinsic=np.full(n, 4e8), agf_phonon=np.full(n, 3e8), full_dispersion=np.full(n, 5e8),
        debye=np.full(n, 6e8), reason=("",) * n, detail=("",) * n, note=("",) * n, settings={},
    )  # fmt: skip
    old = AV.AgfValidation(**fields)
    assert np.all(np.isnan(old.agf_reversed)) and old.polarity == ("", "")
    with pytest.raises(InputError, match="agf_reversed must hold finite values >= 0 or NaN"):
        AV.AgfValidation(**fields, agf_reversed=np.array([-5.0, 1e8]), polarity=("+ and -",) * n)
    with pytest.raises(InputError, match="agf_reversed has shape"):
        AV.AgfValidation(**fields, agf_reversed=np.array([1e8]), polarity=("+ and -",) * n)
