"""Issue 86, items 1-3: what a user types as a layer and its units, held to the one rule and to the laws of a stack.

A film of a side's own material is that side (the bare pair's answer); the same film twice is one film of the summed
thickness; a Layer built by hand is the layer its name gives; a thickness beyond a float or thinner than an atomic
plane, a unit that only folds to an ASCII one, a method with control characters: one line, exit 2 from the CLI."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import kapitza
from kapitza.errors import InputError
from kapitza.prediction.interlayer import layer_of
from kapitza.prediction.interlayer.design import rank_interlayers
from kapitza.prediction.interlayer.series import lawful_layers

T = 300.0


def _expected(layers):
    return kapitza.predict("Au", "Si", T, interlayers=layers).expected


def test_a_film_of_a_sides_own_material_is_the_bare_pair():
    """Au / Au:2nm / Si and Au / Si:3nm / Si are Au / Si: the same expected value and band, said in a warning
    (round eight: Al / Al:2nm / Si gave 245 against the bare 163, outside its own band)."""
    bare = _expected(None)
    for layers, words in ((["Au:2nm"], "Au:2nm on Au is Au itself"), (["Si:3nm"], "Si:3nm under Si is Si itself")):
        found = kapitza.predict("Au", "Si", T, interlayers=layers)
        np.testing.assert_allclose(found.expected.value, bare.value, rtol=1e-12)
        np.testing.assert_allclose(found.expected.high, bare.high, rtol=1e-12)
        assert any(words in w for w in found.warnings), found.warnings


def test_the_same_film_twice_is_one_film_of_the_summed_thickness():
    """Au / Ti:2nm / Ti:2nm / Si is Au / Ti:4nm / Si (round eight: 103 against 152 for Ti:4nm)."""
    twice, once = _expected(["Ti:2nm", "Ti:2nm"]), _expected(["Ti:4nm"])
    np.testing.assert_allclose(twice.value, once.value, rtol=1e-12)
    np.testing.assert_allclose(twice.low, once.low, rtol=1e-12)
    layers, notes = lawful_layers("Au", [layer_of("Ti", 2e-9), layer_of("Ti", 3e-9), layer_of("Cr", 1e-9)], "Si")
    assert [(x.name, x.thickness) for x in layers] == [("Ti", pytest.approx(5e-9)), ("Cr", 1e-9)]
    assert notes == ("Ti:2nm / Ti:3nm: one film, Ti:5nm",)


def test_films_of_other_materials_or_forms_stay():
    layers, notes = lawful_layers("Au", [layer_of("Ti", 2e-9), layer_of("graphene"), layer_of("Ti", 2e-9)], "Si")
    assert len(layers) == 3 and notes == ()


def test_a_stack_of_one_material_is_still_refused():
    with pytest.raises(InputError, match="a stack of one material"):
        kapitza.predict("Si", "Si", T, interlayers=["Si:2nm"])


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"form": "gas"}, "not \\('adhesion metal', 'Ti', 'gas'\\)"),
        ({"family": "evil family"}, "is 'adhesion metal'"),
        ({"material": "Au"}, "material 'Ti'"),
        ({"thickness": 1.0}, "more than 1 mm"),
        ({"thickness": 10**400}, "an integer beyond a float"),
        ({"thickness": -1e-9}, "finite length > 0"),
        ({"note": "x\x1b[31m"}, "short printable text"),
    ],
)
def test_a_layer_built_by_hand_goes_through_the_checks_of_a_typed_one(change, words):
    """Round eight: form="gas" ran as a crystal, family="evil family" moved the answer from 261 to 123, a 1 m layer
    passed the 1 mm bound."""
    with pytest.raises(InputError, match=words):
        dataclasses.replace(layer_of("Ti", 2e-9), **change)


def test_a_monolayer_built_by_hand_takes_no_thickness():
    with pytest.raises(InputError, match="takes no thickness"):
        dataclasses.replace(layer_of("graphene"), thickness=1e-9)


@pytest.mark.parametrize(
    "call",
    [
        lambda: kapitza.predict("Al", "Si", T, interlayers=[("Ti", 10**400)]),
        lambda: rank_interlayers("Al", "Si", T, thickness=10**400),
        lambda: kapitza.predict("Al", "Si", T, interlayers=["Ti:1e-300nm"]),
        lambda: kapitza.predict("Al", "Si", T, interlayers=[("Ti", 5e-324)]),
    ],
)
def test_a_thickness_beyond_a_float_or_below_an_atomic_plane_is_one_input_error(call):
    with pytest.raises(InputError, match=r"^the thickness of "):
        call()


def test_a_greek_mu_is_micro_and_a_capital_mu_is_refused(cli):
    """What a Greek keyboard types for micro (U+03BC) is the micro sign's micrometre; the capital Mu, a look-alike
    of M, is refused in one line (round eight: KeyError tracebacks)."""
    greek = kapitza.predict("Au", "Si", T, interlayers=["Ti:2\u03bcm"]).expected.value
    np.testing.assert_allclose(greek, _expected(["Ti:2um"]).value, rtol=1e-12)
    status, out, err = cli("predict", "Au", "Si", "-t", "300", "-i", "Ti:2\u039cm")
    assert status == 2 and not out and err.count("\n") == 1 and "takes a length" in err


@pytest.mark.parametrize("text", ["5\u017f", "5m\u0131n", "5m\u0130n"])
def test_a_duration_that_only_folds_to_ascii_is_one_line(cli, text):
    status, out, err = cli("predict", "Au", "Si", "-t", "300", "--max-time", text, "--calculator", "sevennet")
    assert status == 2 and not out and err.count("\n") == 1 and "duration" in err, err
    with pytest.raises(InputError, match="must be a duration"):
        kapitza.predict("Au", "Si", T, max_time=text, calculator="sevennet")


@pytest.mark.parametrize("command", ["predict", "interlayers"])
def test_a_method_with_control_characters_is_refused_by_both_commands(cli, command):
    status, out, err = cli(command, "Au", "Si", "-t", "300", "--method", "TDTR\x1b[31m")
    assert status == 2 and not out and "method must be printable text" in err and "\x1b" not in err
