"""A saved prediction is read back through the invariants that tie its parts together (issue 79, item 2): the expected
value inside its band, each total the one its parts make, one temperature axis, a calculator that is a name; a saved
result that holds a field its class lacks is refused (item 8); and temperatures are real, plain, finite numbers
through the one rule (items 5 and 8)."""

from __future__ import annotations

import json

import numpy as np
import pytest

import kapitza
from kapitza.errors import InputError


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    """Al on Si at 100 and 300 K (a metal on a non-metal: phonon models, G_ep, series totals, the expected
    measurement), saved as JSON: (the prediction, the saved document)."""
    p = kapitza.predict("Al", "Si", [100.0, 300.0])
    path = tmp_path_factory.mktemp("saved") / "al_si.json"
    p.save(path)
    return p, json.loads(path.read_text())


def _load(doc, tmp_path):
    path = tmp_path / "edited.json"
    path.write_text(json.dumps(doc))
    return kapitza.load(path)


def _edited(saved, change):
    doc = json.loads(json.dumps(saved[1]))
    change(doc["result"])
    return doc


def test_the_saved_prediction_loads_whole(saved, tmp_path):
    p, doc = saved
    back = _load(doc, tmp_path)
    np.testing.assert_array_equal(back.expected.value, p.expected.value)
    assert back.total.keys() == p.total.keys()


def _times(key, factor):
    def change(result):
        result[key] = {k: [v * factor for v in values] for k, values in result[key].items()}

    return change


def _expected_outside(result):
    e = result["expected"]
    e["value"] = [v * 40 for v in e["value"]]  # the review's 9205 MW in (27.8-234)


def _temperatures(result):
    result["physics"]["temperature"] = [1000.0, 2000.0]


def _unknown_field(result):
    result["expected"]["confidence"] = 0.99


def _calculator(result):
    result["calculator"] = "\x1b]8;;http://x\x1b\\not a potential"


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (_expected_outside, "inside its band"),
        (_times("total", 1000.0), "not the one its parts make"),
        (_temperatures, "temperatures"),
        (_unknown_field, "it does not have"),
        (_calculator, "calculator"),
    ],
    ids=["value outside its band", "total x1000", "another temperature axis", "unknown field", "calculator"],
)
def test_an_edited_prediction_is_refused_in_one_line(saved, tmp_path, change, words):
    with pytest.raises(InputError, match=words) as found:
        _load(_edited(saved, change), tmp_path)
    assert "\n" not in str(found.value)


def test_the_electronic_series_total_must_be_its_parts(saved, tmp_path):
    """G_total = 1/(1/G_ph + 1/G_ep) (Majumdar & Reddy, Appl. Phys. Lett. 84, 4768 (2004)): the parts' total scaled
    alone is refused, not shown beside the phonon rows it no longer follows."""

    def scale(result):
        parts = result["physics"]["electronic"]
        parts["total"] = [[v * 2 for v in row] for row in parts["total"]]

    with pytest.raises(InputError, match="1/G_ep"):
        _load(_edited(saved, scale), tmp_path)


@pytest.mark.parametrize(
    ("temperature", "words"),
    [
        (10**400, "beyond any float"),
        ([300.0, 10**400], "beyond any float"),
        (np.array([300.0 + 1j, 200.0]), "real number"),
        (300.0 + 1j, "real number"),
        (np.ma.masked_array([300.0, 100.0], mask=[False, True]), "masked array"),
    ],
    ids=["10**400", "a list holding 10**400", "a complex array", "a complex scalar", "a masked array"],
)
def test_temperatures_are_real_plain_finite_numbers_everywhere(temperature, words):
    """One rule (kapitza.landauer.as_temperatures) for predict, the expected measurement and a stack's physics."""
    from kapitza.prediction.expected import expected_conductance
    from kapitza.prediction.interlayer.film import debye_heat_capacity

    for call in (lambda t: kapitza.predict("Al", "Si", t), lambda t: expected_conductance("Al", "Si", t),
                 lambda t: debye_heat_capacity("Si", t)):  # fmt: skip
        with pytest.raises(InputError, match=words):
            call(temperature)


@pytest.fixture(scope="module")
def saved_stack(tmp_path_factory):
    """Au / Ti:2nm / Si at 300 K saved as JSON: (the prediction, the saved document)."""
    p = kapitza.predict("Au", "Si", 300.0, interlayers=["Ti:2nm"])
    path = tmp_path_factory.mktemp("saved") / "au_ti_si.json"
    p.save(path)
    return p, json.loads(path.read_text())


def _scaled(field, factor):
    def change(result):
        result["stack"][field] = [v * factor for v in result["stack"][field]]

    return change


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (_scaled("conductance", 10.0), "conductance is not the series law"),
        (_scaled("series", 0.5), "series is not the series law"),
        (_scaled("bare", -1.0), "bare must be finite conductances > 0"),
        (lambda r: r["stack"]["thickness"].__setitem__(1, -2e-9), "thickness must be NaN for the two sides"),
        (lambda r: r["stack"]["thickness"].__setitem__(1, 5.0), "thickness must be NaN for the two sides"),
        (lambda r: r["stack"]["thickness"].__setitem__(0, 1e-9), "thickness must be NaN for the two sides"),
        (lambda r: r["stack"]["layers"][1].__setitem__(0, -1e-9), "layers must be resistances >= 0"),
        (lambda r: r["stack"].__setitem__("temperature", [310.0]), "at the prediction's temperatures"),
    ],
)
def test_a_saved_stack_is_checked_on_load_like_the_rest(saved_stack, tmp_path, change, words):
    """Issue 86, item 5: round eight loaded a stack conductance x10 and a negative layer thickness without a word; a
    stack read back is one the series physics could have made (its law, its thicknesses, its temperatures)."""
    back = _load(saved_stack[1], tmp_path)
    np.testing.assert_array_equal(back.stack.conductance, saved_stack[0].stack.conductance)
    with pytest.raises(InputError, match=words):
        _load(_edited(saved_stack, change), tmp_path)
