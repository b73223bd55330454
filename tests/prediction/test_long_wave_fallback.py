"""A side whose phonons the potential refuses for imaginary modes while its elastic tensor is stable gets its long
waves from the potential's elastic constants (issue 62, bad input): the prediction exists, its warning names the side
and the fallback, and the models are the Debye ones for both sides; an unstable tensor, or a memory refusal, keeps the
refusal.  The refusal is faked (crystal_phonons raises it for Cu) so that a cheap calculator (EMT) gives the rest."""

from __future__ import annotations

import dataclasses
import json
import math

import numpy as np
import pytest

import kapitza
from kapitza.errors import DynamicalInstabilityError, InputError, MemoryBoundError
from kapitza.materials import get_material
from kapitza.materials.elastic import debye_christoffel_speeds
from kapitza.phonons import from_structure, stability
from kapitza.phonons.elastic import crystal_elastic_constants
from kapitza.phonons.long_waves import SOUND_SPEED_AVERAGE, LongWaveCrystal
from kapitza.units import AMU, ANGSTROM, GPA

pytest.importorskip("phonopy")
pytest.importorskip("sklearn")

EMT = "mlip_factories:emt"
REFUSED = (
    "Cu: imaginary acoustic frequency 0.321i THz next to Gamma at q = (0, 0, 0.05) with the mlip_factories:emt "
    "potential (also in the widest supercell tried, 5x5x5 (500 atoms)); refused: not a minimum of this potential"
)


@pytest.fixture
def refuse_cu(monkeypatch):
    """crystal_phonons refuses Cu as the potential refuses β-Ga2O3 (``error``: what it raises), Al as it is."""
    real = from_structure.crystal_phonons

    def install(error: Exception | None = None) -> None:
        error = DynamicalInstabilityError(REFUSED, 0.321) if error is None else error

        def fake(side, calculator=None, **options):  # side: the Side predict resolved once (issue 76)
            if getattr(side, "given", side) == "Cu":
                raise error
            return real(side, calculator, **options)

        monkeypatch.setattr(from_structure, "crystal_phonons", fake)

    return install


def test_a_refused_side_gets_the_debye_models_from_its_elastic_constants(refuse_cu):
    """The prediction exists; Cu's v_l, v_t are the Debye-equivalent Christoffel averages of EMT's relaxed-ion tensor
    at the relaxed cell's density (4 Cu atoms over a^3, computed here from the relaxed a); Al, whose phonons were not
    refused, takes Debye dispersion too (its own phonons' long waves), and the models are the Debye ones."""
    refuse_cu()
    p = kapitza.predict("Al", "Cu", 300, calculator=EMT, mesh=8)
    cu = p.side2
    assert cu.sound_speed_average == SOUND_SPEED_AVERAGE
    elastic = crystal_elastic_constants("Cu", EMT)
    assert elastic.smallest_eigenvalue > 0
    a = elastic.relaxed_cell[0] * ANGSTROM
    rho = 4 * 63.546 * AMU / a**3  # fcc: four atoms in the cube (standard atomic weight of Cu, IUPAC)
    assert cu.density == pytest.approx(rho, rel=1e-4)
    v_l, v_t = debye_christoffel_speeds(np.asarray(elastic.tensor) * GPA, rho,
                                        stability.fibonacci_directions(2000))  # fmt: skip
    assert (cu.v_l, cu.v_t) == pytest.approx((v_l, v_t), rel=1e-4)
    assert cu.number_density == pytest.approx(4 / a**3, rel=1e-12)
    al = p.side1
    assert al.sound_speed_average.startswith("Debye-equivalent speeds of the acoustic bands")
    assert p.settings.dispersion == "debye" and "amm" in p.models and p.crystals is None
    g = kapitza.prediction.predict_model(al, cu, 300.0, "dmm").conductance
    np.testing.assert_allclose(p.result("dmm").conductance, g, rtol=1e-12)
    first = p.warnings[0] if p.expected is not None else p.warnings[1]
    assert first.startswith("Cu: its phonons are refused with mlip_factories:emt (0.321i THz)")
    assert f"smallest eigenvalue {elastic.smallest_eigenvalue:.3g} GPa" in first
    assert "models are the Debye ones" in first and "potential's elastic constants" in first
    assert any(w.startswith("Al takes Debye dispersion too") for w in p.warnings)
    assert p.expected is not None and p.expected.route == "database"  # both database materials: their own records
    doc = p.to_dict()
    assert doc["crystals"][1]["phonons_refused"] == REFUSED and doc["crystals"][0]["name"] == "Al"
    assert any("phonons refused" in text for _, text in p.provenance)


def test_the_cli_says_it_on_its_first_lines(refuse_cu, cli):
    refuse_cu()
    status, out, err = cli("predict", "Al", "Cu", "-t", "300", "--calculator", EMT, "--mesh", "8")
    assert status == 0, err
    lines = out.strip().splitlines()
    warnings = [line for line in lines if line.startswith("warning: ")]
    assert warnings[0].startswith("warning: Cu: its phonons are refused") and "models are the Debye ones" in warnings[0]
    assert "warning: --mesh describes full dispersion and is not used with Debye spectra" in warnings
    assert lines.index(warnings[0]) < len(lines) - 1 and lines[-1].startswith("--explain adds")  # before the details
    status, text, _ = cli("predict", "Al", "Cu", "-t", "300", "--calculator", EMT, "--json")
    assert status == 0 and json.loads(text)["crystals"][1]["imaginary_THz"] == 0.321


def test_a_side_outside_the_database_gets_the_long_wave_route_and_says_so_first(refuse_cu, monkeypatch, cli):
    """A refused side that is not a database material (issue 78 item 3) gets the long-wave route, the database route's
    fit on the two Debye records the prediction holds, its band widened by the shipped W; but where both sides are
    metals and kapitza has no electron data for one (CuX beside Al), electrons carry the heat and the long waves'
    phonon channel is only a lower bound: no expected line claims it (issue 83), the first warning says why."""
    from kapitza.phonons import long_waves
    from kapitza.prediction.expected.query import long_wave_expected, long_wave_widening

    real = long_waves.long_wave_material
    monkeypatch.setattr(long_waves, "long_wave_material",
                        lambda elastic, symbols, masses, database=None: dataclasses.replace(
                            real(elastic, symbols, masses, database), name="CuX", origin="user"))  # fmt: skip
    refuse_cu()
    p = kapitza.predict("Al", "Cu", 300, calculator=EMT)
    assert p.expected is None and p.result("dmm").conductance[0] > 0
    assert p.warnings[0].startswith("expected measurement: not available (Al/CuX is a metal/metal interface")
    assert "no electron data for CuX" in p.warnings[0]
    doc = p.to_dict()
    assert doc["expected"]["available"] is False and "electrons carry the heat" in doc["expected"]["reason"]
    # the same record beside a non-metal: the long-wave route, its band widened by W, said on its first line
    cux = next(m for m in (p.side1, p.side2) if m.name == "CuX")
    _, scores = long_wave_widening()
    e = long_wave_expected(get_material("Si"), cux, ["CuX"], np.array([300.0]), "TDTR", [], ("unknown", "unknown"))
    w = scores[e.held_out_split]["widening"]  # the W of the query's split (issue 83)
    assert e.held_out_split == "nobody else measured" and w > 1.0
    assert e.route == "long waves" and e.long_waves == ("CuX",) and e.widening == w
    assert e.low[0] < e.value[0] < e.high[0]
    assert f"widened by x{w:.2f} for long waves" in e.line(0)


def test_an_unstable_elastic_tensor_keeps_the_refusal(refuse_cu, monkeypatch, cli):
    """The tensor's smallest eigenvalue negative: the refusal stands, with why the long waves cannot stand in, one
    line and exit 2 from the command line."""
    from kapitza.phonons import long_waves

    real = long_waves.crystal_elastic_constants

    def unstable(*args, **kwargs):
        found = real(*args, **kwargs)
        tensor = np.array(found.tensor)
        tensor[3, 3] = -abs(tensor[3, 3])
        return dataclasses.replace(found, tensor=tensor, smallest_eigenvalue=-12.5)

    monkeypatch.setattr(long_waves, "crystal_elastic_constants", unstable)
    refuse_cu()
    with pytest.raises(DynamicalInstabilityError, match="unstable too, smallest eigenvalue -12.5 GPa"):
        kapitza.predict("Al", "Cu", 300, calculator=EMT)
    status, out, err = cli("predict", "Al", "Cu", "-t", "300", "--calculator", EMT)
    assert status == 2 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "0.321i THz" in lines[0] and "cannot stand in either" in lines[0]


def test_a_refusal_that_already_found_the_tensor_unstable_stands_without_more_work(refuse_cu, monkeypatch):
    from kapitza.phonons import long_waves

    monkeypatch.setattr(long_waves, "crystal_elastic_constants", lambda *a, **k: pytest.fail("computed anyway"))
    refuse_cu(DynamicalInstabilityError(REFUSED + "; elastically unstable", 0.321, elastically_unstable=True))
    with pytest.raises(DynamicalInstabilityError, match="elastically unstable"):
        kapitza.predict("Al", "Cu", 300, calculator=EMT)


def test_a_memory_refusal_does_not_fall_back(refuse_cu, monkeypatch):
    """The memory bound refused the widening, not the potential: with more memory a wider supercell might be stable,
    so the refusal stands and no elastic constant is computed."""
    from kapitza.phonons import long_waves

    monkeypatch.setattr(long_waves, "crystal_elastic_constants", lambda *a, **k: pytest.fail("fell back"))
    refuse_cu(MemoryBoundError("Cu: imaginary ...; the next, 6x6x6 (864 atoms), would need ~30 GB"))
    with pytest.raises(MemoryBoundError, match="would need"):
        kapitza.predict("Al", "Cu", 300, calculator=EMT)


def test_the_long_waves_count_against_the_time_bound(refuse_cu, monkeypatch, tmp_path):
    """max_time bounds the long waves too: with a stated 1 s a call (a stand-in put into CALL_COSTS), the two
    crystals' phonons (each the rule's 2 displaced supercells and a typical relaxation) fit 1.2x their stated time,
    but Cu's fallback, its elastic constants (a typical relaxation and 12 strained cells), is stated above what is
    left: refused before its first force call as the bound's refusal (TimeBoundError, not a refusal of the long
    waves), naming them (without a bound the fallback runs: the tests above)."""
    from kapitza.atomistic import force_cost
    from kapitza.errors import TimeBoundError
    from kapitza.phonons import elastic
    from kapitza.phonons.elastic import elastic_calls
    from kapitza.phonons.from_structure import phonon_cost

    monkeypatch.setenv("KAPITZA_CACHE_DIR", str(tmp_path))
    monkeypatch.setitem(force_cost.CALL_COSTS, EMT, force_cost.CallCost(pair_cutoff=3.0, per_pair=0.0, fixed=1.0))
    monkeypatch.setattr(elastic, "_compute", lambda *a, **k: pytest.fail("a force call before the refusal"))
    phonons = sum(phonon_cost(side, EMT).seconds() for side in ("Cu", "Al"))
    from ase.build import bulk

    assert elastic_calls(bulk("Cu", cubic=True), relax=True, steps=500) * 1.0 > 1.2 * phonons
    refuse_cu()
    with pytest.raises(TimeBoundError, match=r"^the elastic constants of .*Cu.* with mlip_factories:emt: ~") as bound:
        kapitza.predict("Cu", "Al", 300, calculator=EMT, max_time=1.2 * phonons)
    assert not isinstance(bound.value, DynamicalInstabilityError) and "time bound (max_time)" in str(bound.value)


def test_without_max_time_predict_states_its_default_bound_on_widening(refuse_cu, monkeypatch, tmp_path):
    """Issue 85: kapitza predict without max_time bounds only the widening (TimeBudget.widening); its statement,
    before any force call, says so with the long waves' stated time (elastic.long_wave_seconds: typical relaxation
    and strained cells x the stated 1 s a call put into CALL_COSTS), not the every-width worst case; a refusal at
    that default bound lets the long waves stand in, and the warning says a longer --max-time tries wider ones."""
    import warnings

    from kapitza.atomistic import force_cost
    from kapitza.errors import TimeBoundError
    from kapitza.phonons.elastic import long_wave_seconds

    monkeypatch.setenv("KAPITZA_CACHE_DIR", str(tmp_path))
    monkeypatch.setitem(force_cost.CALL_COSTS, EMT, force_cost.CallCost(pair_cutoff=3.0, per_pair=0.0, fixed=1.0))
    source = kapitza.atomistic.calculators.calculator_source(EMT)
    waves = long_wave_seconds("Cu", source) + long_wave_seconds("Al", source)
    assert waves > 0
    stopped = REFUSED + "; the next, 6x6x6 (864 atoms), is stated ~9.3 min, more than the 120 s left of the "
    stopped += "default 300 s bound on widening (kapitza predict's; max_time=, --max-time); raise it"
    refuse_cu(TimeBoundError(stopped, 0.321))
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        p = kapitza.predict("Cu", "Al", 300, calculator=EMT, mesh=8)
    notes = [str(w.message) for w in said if issubclass(w.category, force_cost.CostNote)]
    assert any(
        "a wider supercell starts only within kapitza predict's 5 min default bound on widening" in n
        and f"the long waves from the elastic constants stand in ({force_cost.duration_words(waves)} more)" in n
        for n in notes
    ), notes
    assert not any("every widening tried" in n for n in notes), notes  # the worst case no default run reaches
    first = p.warnings[0] if p.expected is not None else p.warnings[1]
    assert "default bound on widening allowed (a longer --max-time tries wider ones)" in first
    assert p.settings.dispersion == "debye"
    from kapitza.cli.common import PREDICT_MAX_TIME_HELP

    bound = force_cost.duration_words(force_cost.PREDICT_WIDENING_SECONDS).lstrip("~")
    assert f"Default: a wider supercell for imaginary modes next to Gamma starts only within {bound}" in (
        PREDICT_MAX_TIME_HELP
    )


def test_crystal_phonons_raises_the_instability_refusal_the_fallback_catches(monkeypatch):
    """The real refusal's type: a crystal whose stability check finds a zone-boundary imaginary mode raises
    DynamicalInstabilityError (an InputError) with the frequency's magnitude; faked by a lowest frequency of -3.3 THz
    at X (CHGNet's Cu, stability.NEAR_GAMMA's note), the rest EMT's Cu in a 2x2x2 cell."""
    x_point = (-3.3, "q = (0.5, 0, 0.5) (X)", np.array([0.5, 0.0, 0.5]))
    monkeypatch.setattr(stability, "lowest_frequency", lambda crystal, progress: x_point)
    with pytest.raises(DynamicalInstabilityError, match="dynamically unstable .* 3.3i THz") as refused:
        from_structure.crystal_phonons("Cu", EMT, supercell=2, cache=False)
    assert refused.value.imaginary_thz == pytest.approx(3.3) and not refused.value.elastically_unstable
    assert isinstance(refused.value, InputError)


def test_a_long_wave_crystal_needs_a_stable_tensor():
    elastic = crystal_elastic_constants("Cu", EMT)
    found = dataclasses.replace(elastic, smallest_eigenvalue=-1.0)
    with pytest.raises(InputError, match="only where its elastic tensor is stable"):
        LongWaveCrystal(name="Cu", structure="Cu", calculator=EMT, refusal=REFUSED, imaginary_thz=0.321, elastic=found,
                        material=kapitza.get_material("Cu"))  # fmt: skip
    assert math.isfinite(elastic.smallest_eigenvalue)


def test_a_time_bound_that_stopped_the_widening_lets_the_long_waves_stand_in(refuse_cu):
    """--max-time stopped the widening search at a supercell with near-Gamma imaginary modes (issue 78 items 3 and
    4): the user asked for an answer within the bound, so the long waves stand in as for the potential's refusal,
    said on the first lines; a time bound's refusal before any force call (no frequency) stands."""
    from kapitza.errors import TimeBoundError

    stopped = (
        REFUSED + "; the next, 6x6x6 (864 atoms), is stated ~9.3 min, more than the 120 s left of the 300 s "
        "time bound (max_time); raise it"
    )
    refuse_cu(TimeBoundError(stopped, 0.321))
    p = kapitza.predict("Al", "Cu", 300, calculator=EMT, mesh=8)
    assert p.settings.dispersion == "debye" and p.side2.sound_speed_average == SOUND_SPEED_AVERAGE
    first = p.warnings[0] if p.expected is not None else p.warnings[1]
    assert first.startswith("Cu: its phonons are refused with mlip_factories:emt (0.321i THz) in the supercells the "
                            "time bound (max_time) allowed") and "long waves stand in" in first  # fmt: skip
    assert p.to_dict()["crystals"][1]["phonons_refused"] == stopped
    refuse_cu(TimeBoundError("the phonons of Cu: ~30 s stated (typical), more than the 18 s left"))
    with pytest.raises(TimeBoundError, match="18 s left"):
        kapitza.predict("Al", "Cu", 300, calculator=EMT, mesh=8)
