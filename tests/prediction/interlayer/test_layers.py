"""An interlayer as a user names it (kapitza.prediction.interlayer.layers): the one syntax and every refusal."""

from __future__ import annotations

import pytest

from kapitza.errors import InputError
from kapitza.prediction.interlayer import parse_interlayers


@pytest.mark.parametrize(
    ("text", "name", "thickness"),
    [("Ti:2nm", "Ti", 2e-9), ("a-SiO2:1.5nm", "a-SiO2", 1.5e-9), ("Cr:20A", "Cr", 2e-9), ("Cu:0.01um", "Cu", 1e-8),
     ("graphene", "graphene", None), ("Al2O3:3e-9m", "Al2O3", 3e-9)],
)  # fmt: skip
def test_the_syntax(text, name, thickness):
    (layer,) = parse_interlayers([text])
    assert layer.name == name and (
        layer.thickness == pytest.approx(thickness) if thickness else layer.thickness is None
    )


def test_one_layer_is_one_canonical_name_whatever_the_word():
    """SiO2, SiOx and a-SiO2 between two sides are one amorphous silica: one stack for other papers' rows."""
    names = {parse_interlayers([f"{w}:1nm"])[0].canonical for w in ("SiO2", "SiOx", "a-SiO2")}
    assert names == {"a-SiO2"}


@pytest.mark.parametrize(
    ("items", "words"),
    [
        (["Ti"], "give its thickness"),
        (["Ti:-2nm"], "finite length > 0"),
        (["Ti:0nm"], "finite length > 0"),
        (["Ti:2mm"], "more than 1 mm"),
        (["Ti:two nm"], "a number with a unit"),
        (["graphene:1nm"], "takes no thickness"),
        (["Unobtainium:1nm"], "no data for the interlayer"),
        (["ZnO:1nm"], "no data for the interlayer ZnO"),
        (["[bold]Ti:1nm"], "markup"),
        (["Ti\x1b[31m:1nm"], "control character"),
        (["Ti:1nm"] * 5, "4 at most"),
        ("Ti:1nm", "a list"),
        ([3.0], "NAME or NAME:THICKNESS"),
    ],
)
def test_bad_interlayers_are_one_line(items, words):
    with pytest.raises(InputError, match=words):
        parse_interlayers(items)
