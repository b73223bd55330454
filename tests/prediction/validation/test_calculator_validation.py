"""``kapitza.prediction.validation.calculators``: every bare measured row scored with a calculator's phonons, or left
out with one reason, beside the Debye DMM.

The calculator is ASE's EMT through the tests' ``module:factory`` (tests/mlip_factories.py): it covers Al, Cu, Ag,
Au, Ni, Pd and Pt and refuses every other element, so a small slice of the shipped compilation exercises every
branch (scored metal/metal rows, a refused crystal, amorphous, alloy, layered, unknown crystals, rows above the
bound, a metal/metal pair without electron data) in about a minute on a quiet machine, with 8^3 meshes.
"""

from __future__ import annotations

import dataclasses
import math
import statistics

import numpy as np
import pytest

import kapitza
from kapitza.errors import InputError
from kapitza.literature import shipped_measurements
from kapitza.prediction.bounds import check_bounds
from kapitza.prediction.validation import calculators as CV

pytest.importorskip("phonopy")

EMT = "mlip_factories:emt"
MESH = 8
#: Pairs of the slice: (film, substrate) -> the reason every available row of the pair must get ("" = scored).
PAIRS = {
    ("Al", "Cu"): "",  # two metals with electron data: the electronic DMM
    ("Pt", "Au"): "no prediction",  # Pt has no Fermi velocity stored: no electronic DMM
    ("Au", "Si"): "refused by the potential",  # EMT has no Si
    ("Au", "a-SiO2"): "amorphous",
    ("AuxCu1-x", "Al2O3"): "alloy",
    ("MoS2", "Au"): "layered",
    ("Al", "SiC"): "unknown crystal",  # the polytype is not stated
    ("Cu", "Pb"): "above bound",  # the compilation's Cu/Pb rows lie above the bound of the pair
}


def _slice():
    data = shipped_measurements()
    keep = np.array([(f, s) in PAIRS for f, s in zip(data.film, data.substrate)], dtype=bool)
    return data.select(keep)


@pytest.fixture(scope="module")
def rows():
    return _slice()


@pytest.fixture(scope="module")
def found(rows):
    return CV.calculator_validation(EMT, measurements=rows, mesh=MESH)


def test_every_available_row_is_scored_or_left_out_once(found, rows):
    """Available = bare rows above 0 K; scored + every reason's count = available, each reason as the pair's."""
    available = ~rows.interlayer & (rows.temperature > 0)
    assert len(found) == int(available.sum()) > 0
    counts = found.left_out()
    assert tuple(counts) == CV.REASONS
    assert int(found.scored.sum()) + sum(counts.values()) == len(found)
    expected = [PAIRS[(a, b)] for a, b in zip(found.side1, found.side2)]
    assert list(found.reason) == expected
    for why in set(PAIRS.values()) - {""}:
        assert counts[why] == expected.count(why) > 0, why
    assert counts["refused by the potential"] == sum(p == ("Au", "Si") for p in zip(found.side1, found.side2))


def test_left_out_rows_have_no_prediction_and_say_why(found):
    out = ~found.scored
    assert np.all(np.isnan(found.predicted[out])) and np.all(np.isfinite(found.predicted[found.scored]))
    assert all(d for d, o in zip(found.detail, out) if o) and not any(d for d, o in zip(found.detail, out) if not o)
    names = found.left_out_names()
    assert set(names["amorphous"]) == {next(d for d, r in zip(found.detail, found.reason) if r == "amorphous")}
    assert next(iter(names["refused by the potential"])).startswith("Si: ")
    assert "Si" in found.crystals and found.crystals["Si"] and found.crystals["Au"] == ""


def test_above_bound_rows_are_the_bound_checks(found, rows):
    """The rows flagged are exactly check_bounds' (the one rule of kapitza validate)."""
    available = rows.select(~rows.interlayer & (rows.temperature > 0))
    np.testing.assert_array_equal(found.flagged, check_bounds(available).above)
    assert [r == "above bound" for r in found.reason] == list(found.flagged)


def test_statistics_recomputed_by_hand(found):
    """The median factor (10 ** the median of |log10 p/m|) and the share within 0.5..2, with the standard library,
    on both sets of rows (an independent computation of kapitza.prediction.scoring's rules)."""
    for which, values in (("calculator", found.predicted), ("debye", found.debye)):
        for rows in ("common", "all"):
            if rows == "common":
                pick = [i for i in range(len(found)) if found.scored[i] and found.debye_scored[i]]
            elif which == "calculator":
                pick = [i for i in range(len(found)) if found.reason[i] == ""]
            else:
                pick = [
                    i
                    for i in range(len(found))
                    if not found.flagged[i] and math.isfinite(found.debye[i]) and found.debye[i] > 0
                ]
            ratios = [float(values[i] / found.measured[i]) for i in pick]
            s = found.statistics(which, rows)
            assert s.rows == len(pick) > 0
            by_hand = 10 ** statistics.median(abs(math.log10(r)) for r in ratios)
            assert s.median_factor == pytest.approx(by_hand, rel=1e-12)
            assert s.within_2 == pytest.approx(sum(0.5 <= r <= 2 for r in ratios) / len(ratios), abs=1e-12)
            assert s.papers == len({found.paper[i] for i in pick})


def test_metal_metal_rows_are_the_electronic_dmm_like_the_debye_column(found):
    """Two metals with electron data: both columns give the electronic DMM (Gundrum et al. 2005), not the phonons."""
    both = found.scored & found.debye_scored
    assert both.any()
    np.testing.assert_allclose(found.predicted[both], found.debye[both], rtol=1e-12)
    assert np.all(found.phonon[both] < found.predicted[both])  # the phonon DMM of Al/Cu is well below


def test_phonon_column_is_the_full_dispersion_dmm_of_kapitza_predict(found):
    """Parity: the cached pair value equals kapitza.predict on the two crystals built from crystals.toml."""
    from kapitza.atomistic.prototypes import build
    from kapitza.literature.crystals import crystal_for
    from kapitza.phonons import crystal_phonons

    i = np.flatnonzero(found.scored)
    t = found.temperature[i]
    sides = [crystal_phonons(build(crystal_for(n)), EMT, name=n) for n in ("Al", "Cu")]
    expected = kapitza.prediction.predict_model(sides[0], sides[1], t, "dmm", mesh=MESH).conductance
    np.testing.assert_allclose(found.phonon[i], expected, rtol=1e-10)


def test_two_metals_one_without_electron_data_are_not_scored_as_phonon_carried():
    """Au (electron data) on Ni (a metallic element, none stored): a metal/metal pair, whose heat the electrons
    carry (Gundrum, Cahill & Averback 2005); the electronic DMM needs Ni's Fermi velocity and Sommerfeld
    coefficient, so the rows are left out as "no prediction", as Pt/Au's are, not scored with the phonon DMM in
    series with Au's G_ep as if Ni were an insulator (which put the Cu/W rows at 1-10 K a factor of 5e4 to
    5e6 below the measurements).  Rows made from the Ni/Al2O3 rows with Au as substrate; the phonon DMM is still
    recorded."""
    data = shipped_measurements()
    pick = np.array([(f, s) == ("Ni", "Al2O3") for f, s in zip(data.film, data.substrate)]) & ~data.interlayer
    rows = data.select(pick)
    n = len(rows)
    made = dataclasses.replace(rows, substrate=("Au",) * n, substrate_material=("Au",) * n)
    found = CV.calculator_validation(EMT, measurements=made, mesh=MESH)
    assert not found.scored.any() and set(found.reason) == {"no prediction"}
    assert all("not stored for Ni" in d for d in found.detail), found.detail
    assert np.all(np.isnan(found.predicted)) and np.all(found.phonon > 0)
    assert np.all(np.isnan(found.debye))  # Ni is not a database material: no Debye DMM
    assert found.statistics("debye", "all").rows == 0 and math.isnan(found.statistics("debye", "all").median_factor)


def test_a_second_run_reads_everything_from_the_cache(found, rows, monkeypatch):
    """Nothing is recomputed: neither phonons (refused ones included) nor spectra."""
    from kapitza.phonons import from_structure, full_dispersion

    def fail(*args, **kwargs):
        raise AssertionError("recomputed")

    monkeypatch.setattr(from_structure, "_compute", fail)
    monkeypatch.setattr(full_dispersion, "full_dispersion_spectrum", fail)
    again = CV.calculator_validation(EMT, measurements=rows, mesh=MESH)
    np.testing.assert_array_equal(again.predicted, found.predicted)
    assert again.reason == found.reason and dict(again.crystals) == dict(found.crystals)


def test_progress_goes_over_the_crystals(rows):
    seen = []
    CV.calculator_validation(EMT, measurements=rows, mesh=MESH, progress=lambda s, d, t: seen.append((s, d, t)))
    crystals = [x for x in seen if x[0] == "crystals"]
    assert crystals[0][1] == 0 and crystals[-1][1] == crystals[-1][2] == 5  # Al, Cu, Pt, Au, Si


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"calculator": "no_such_module_here:make"}, "no_such_module_here"),
        ({"calculator": "not a name"}, "calculator"),
        ({"calculator": EMT, "mesh": 0}, "mesh"),
        ({"calculator": EMT, "cutoff": "nope"}, "cutoff"),
        ({"calculator": EMT, "measurements": "rows.csv"}, "Measurements"),
    ],
)
def test_bad_inputs_are_refused_before_any_work(kwargs, words):
    with pytest.raises(InputError, match=words):
        CV.calculator_validation(**kwargs)


def test_factor_statistics_of_known_ratios():
    """p/m = 2, 0.5, 4, 1: factors 2, 2, 4, 1 (median 2), three of four within x2, median p/m sqrt(2) (by hand: the
    median in decades of 0, log10 2, -log10 2 and log10 4 is (0 + log10 2) / 2)."""
    s = CV.factor_statistics([2.0, 0.5, 4.0, 1.0], [1.0, 1.0, 1.0, 1.0], ["a", "a", "b", "c"])
    assert (s.rows, s.papers, s.median_factor, s.within_2) == (4, 3, pytest.approx(2.0), 0.75)
    assert s.median_ratio == pytest.approx(math.sqrt(2.0))
    with pytest.raises(InputError):
        CV.factor_statistics([1.0, math.nan], [1.0, 1.0])


def test_band_of_a_constant_ratio_is_that_ratio():
    """Every prediction twice the measurement: the band that holds 68 % about the prediction is x/÷ 2."""
    band = CV.measured_band([2.0] * 6, [1.0] * 6, ["a", "a", "a", "b", "c", "d"])
    assert band.factor == pytest.approx(2.0) and band.low == band.high == pytest.approx(2.0)
    assert (band.rows, band.papers, band.coverage) == (6, 4, pytest.approx(0.68))


def test_band_weights_papers_equally_and_holds_68_percent_of_papers():
    """Papers with a shared offset (lognormal, sigma 0.3 decades) and t-distributed row noise, one paper with 200
    rows: the band is set by the papers, and about 68 % of new papers (held out) fall within it."""
    rng = np.random.default_rng(3)
    covered = []
    for _ in range(40):
        papers, p, m = [], [], []
        sizes = [200] + list(rng.integers(1, 12, size=49))
        for k, size in enumerate(sizes):
            offset = rng.normal(0.0, 0.3) + (1.5 if k == 0 else 0.0)  # the big paper far off
            r = offset + 0.05 * rng.standard_t(3, size=size)
            papers += [f"p{k}"] * size
            p += list(10**r)
            m += [1.0] * size
        band = CV.measured_band(p, m, papers)
        assert band.papers == 50
        fresh = rng.normal(0.0, 0.3, size=200)  # new papers' median offsets
        covered.append(np.mean(np.abs(fresh) <= math.log10(band.factor)))
    assert 0.58 <= float(np.mean(covered)) <= 0.78
    # the 200-row paper 1.5 decades off does not set the band: a row-weighted band would be > 10^1.5
    assert band.factor < 10**1.0


@pytest.mark.parametrize(
    ("reason", "kind"),
    [
        ("amorphous silica", "amorphous"),
        ("metallic glass", "amorphous"),
        ("disordered alloy series", "alloy"),
        ("few-layer 2D sheets", "layered"),
        ("Ti3C2Tx MXene", "layered"),
        ("no structure was found", "unknown crystal"),
    ],
)
def test_left_out_kind_reads_the_reason(reason, kind):
    from kapitza.literature.crystals import LeftOut

    assert CV.left_out_kind(LeftOut("X", reason)) == kind


def test_every_left_out_crystal_of_the_file_has_its_group():
    """The shipped crystals.toml's left-out names, each in the group its reason says (the printed groups)."""
    from kapitza.literature.crystals import LeftOut, crystal_for, crystal_names

    groups = {n: CV.left_out_kind(e) for n in crystal_names() if isinstance(e := crystal_for(n), LeftOut)}
    assert {n for n, g in groups.items() if g == "amorphous"} == {
        "a-SiO2",
        "AlOx",
        "a-Zr47Cu31Al13Ni9",
        "PMMA",
    }
    assert {n for n, g in groups.items() if g == "alloy"} == {"c-Zr47Cu31Al13Ni9", "AuxCu1-x", "AuxPd1-x"}
    assert {n for n, g in groups.items() if g == "layered"} == {"gp-C", "MoS2", "MoSe2", "Ti3C2"}
    assert CV.left_out_kind(None) == "unknown crystal" and groups["SiC"] == "unknown crystal"


def test_a_crystal_over_the_memory_bound_leaves_its_rows_out_and_is_not_remembered(found, rows):
    """A bound below what the force constants state (a user's calculator: kapitza's own arrays, at least the 0.15 GB
    of libraries) leaves the rows out as "over the memory bound", not as the potential's refusal, and the refusal
    is not stored: the same rows with the default bound are scored again (the module's run, same cache)."""
    pair = np.array([(a, b) == ("Al", "Cu") for a, b in zip(rows.film, rows.substrate)])
    bounded = CV.calculator_validation(EMT, measurements=rows.select(pair), mesh=MESH, max_memory_gb=0.01)
    available = [i for i in range(len(found)) if (found.side1[i], found.side2[i]) == ("Al", "Cu")]
    assert len(bounded) == len(available) > 0
    assert set(bounded.reason) == {"over the memory bound"} and not bounded.scored.any()
    assert all("above max_memory_gb=0.01" in d for d in bounded.detail)
    assert "over the memory bound" in found.left_out() and found.left_out()["over the memory bound"] == 0
    again = CV.calculator_validation(EMT, measurements=rows.select(pair), mesh=MESH)
    assert again.scored.all()
    np.testing.assert_array_equal(again.predicted, found.predicted[available])


def test_a_bad_memory_bound_is_refused_before_any_crystal():
    with pytest.raises(InputError, match="max_memory_gb must be"):
        CV.calculator_validation(EMT, measurements=_slice(), mesh=MESH, max_memory_gb=-1.0)


def test_long_wave_groups_follow_the_softest_shear_of_each_pair():
    """A made-up validation of four crystals: each scored row falls in the group of the softer shear of its two
    crystals (errors as the elastic-accuracy page's records give them; a longitudinal error, softer still, does not
    count), a pair with a crystal the page did not measure in the last group; each group's medians are its own
    rows', the Debye DMM's only where it scores (not above the bound); rows left out are in no group."""
    from kapitza.phonons.elastic import StiffnessErrors

    rng = np.random.default_rng(5)
    n = 300
    pairs = [("A", "B"), ("A", "C"), ("B", "C"), ("C", "D")]  # softest shear: -50 %, -50 %, -30 %, D not measured
    pick = rng.integers(0, 4, size=n)
    measured = 10 ** rng.uniform(7, 9, size=n)
    predicted = measured * 10 ** rng.normal(0.1, 0.3, n)
    debye = np.where(rng.random(n) < 0.7, measured * 10 ** rng.normal(0.2, 0.3, n), np.nan)
    reason = tuple("alloy" if k % 17 == 0 else "" for k in range(n))
    found = CV.CalculatorValidation(
        calculator="made-up", calculator_description="made up", measured=measured,
        temperature=np.full(n, 300.0), predicted=np.where(np.array(reason) == "", predicted, np.nan),
        phonon=predicted, debye=debye, side1=tuple(pairs[k][0] for k in pick), side2=tuple(pairs[k][1] for k in pick),
        paper=tuple(f"p{k}" for k in range(n)), reason=reason, detail=("",) * n, note=("",) * n,
        flagged=np.zeros(n, dtype=bool), crystals={c: "" for c in "ABCD"}, mesh=8, normal=(0.0, 0.0, 1.0),
        cutoff="debye",
    )  # fmt: skip

    def errors(shear: float) -> StiffnessErrors:
        rows = (("C11", "longitudinal", 10.0, 100.0), ("C44", "shear", 50 * (1 + shear), 50.0))
        return StiffnessErrors("made-up", "x", rows, "", "")

    groups = found.long_wave_groups({"A": errors(-0.5), "B": errors(-0.3), "C": errors(-0.1)})
    scored = np.array(reason) == ""
    expected = [scored & (pick <= 1), scored & (pick == 2), np.zeros(n, dtype=bool), scored & (pick == 3)]
    assert [g.rows for g in groups] == [int(m.sum()) for m in expected]
    assert [g.group for g in groups] == ["at or below -40 %", "-40 % to -25 %", "above -25 %", "not measured"]
    for g, m in zip(groups, expected):
        both = m & np.isfinite(debye)
        assert g.common_rows == int(both.sum()) and g.papers == int(m.sum())  # a paper a row here
        if not m.any():
            assert math.isnan(g.median_ratio) and math.isnan(g.common_ratio) and math.isnan(g.row_median_ratio)
            continue
        # a paper a row: the paper-weighted median is the median of log p/m (two middle rows: their geometric mean)
        assert g.median_ratio == pytest.approx(10 ** np.median(np.log10(predicted[m] / measured[m])), rel=1e-12)
        assert g.row_median_ratio == pytest.approx(10 ** np.median(np.log10(predicted[m] / measured[m])), rel=1e-12)
        assert g.common_debye_ratio == pytest.approx(10 ** np.median(np.log10(debye[both] / measured[both])), rel=1e-12)
        assert g.common_ratio == pytest.approx(10 ** np.median(np.log10(predicted[both] / measured[both])), rel=1e-12)
    assert found.long_wave_groups({}) == ()
    assert dataclasses.replace(found, calculator="module:factory").long_wave_groups() == ()  # never measured


def test_the_default_potentials_long_wave_groups_are_the_pages_records():
    """Without errors given, the groups use the elastic-accuracy page's records of the validation's calculator."""
    from kapitza.atomistic.calculators import DEFAULT_CALCULATOR
    from kapitza.phonons.elastic import StiffnessErrors, recorded_stiffness_errors

    recorded = recorded_stiffness_errors(DEFAULT_CALCULATOR)
    assert {"Si", "C", "Nb", "Al2O3"} <= set(recorded)
    assert all(isinstance(e, StiffnessErrors) and e.calculator == DEFAULT_CALCULATOR for e in recorded.values())
    assert recorded["Nb"].softest("shear") == pytest.approx(min(c / m - 1 for _, w, c, m in recorded["Nb"].rows
                                                                if w == "shear"))  # fmt: skip
    assert math.isnan(recorded["Nb"].softest("torsional"))


def test_the_shear_groups_bounds_belong_to_the_softer_group():
    """SHEAR_BOUNDS (-40 %, -25 %): a pair exactly on a bound is in the softer group, just above it in the next."""
    from kapitza.prediction.mlip_band import LONG_WAVE_GROUPS, shear_group

    assert [shear_group(x) for x in (-0.9, -0.40, -0.3999, -0.25, -0.2499, 0.3)] == [0, 0, 1, 1, 2, 2]
    assert LONG_WAVE_GROUPS[:3] == ("at or below -40 %", "-40 % to -25 %", "above -25 %")


def test_a_paper_with_many_rows_moves_the_row_median_not_the_papers_median():
    """One paper of nine rows at p/m 0.1 and three papers of one row at 2: by row the group's median is 0.1, with
    every paper weighted equally (the band's rule) it is 2 (the paper-weighted distribution puts 1/4 of its weight
    on the nine rows)."""
    from kapitza.phonons.elastic import StiffnessErrors

    n = 12
    measured = np.full(n, 1e8)
    predicted = measured * np.array([0.1] * 9 + [2.0] * 3)
    found = CV.CalculatorValidation(
        calculator="made-up", calculator_description="made up", measured=measured, temperature=np.full(n, 300.0),
        predicted=predicted, phonon=predicted, debye=predicted.copy(), side1=("A",) * n, side2=("B",) * n,
        paper=("big",) * 9 + ("b1", "b2", "b3"), reason=("",) * n, detail=("",) * n, note=("",) * n,
        flagged=np.zeros(n, dtype=bool), crystals={"A": "", "B": ""}, mesh=8, normal=(0.0, 0.0, 1.0), cutoff="debye",
    )  # fmt: skip
    rows = (("C44", "shear", 1.0, 2.0),)
    errors = {c: StiffnessErrors("made-up", c, rows, "", "") for c in "AB"}
    (group,) = [g for g in found.long_wave_groups(errors) if g.rows]
    assert group.group == "at or below -40 %" and group.papers == 4
    assert group.row_median_ratio == pytest.approx(0.1) and group.median_ratio == pytest.approx(2.0)
    assert group.common_ratio == pytest.approx(2.0) and group.common_debye_ratio == pytest.approx(2.0)
