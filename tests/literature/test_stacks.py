"""The compilation's stacks read into interlayers (kapitza.literature.stacks): every interlayer row of the shipped
compilation reads, each word is reviewed, and the compilation's ways of writing a layer are understood."""

from __future__ import annotations

from collections import Counter

from kapitza.literature import shipped_measurements
from kapitza.literature.stacks import FAMILIES, INTERLAYERS, stack_layers


def test_every_word_of_every_shipped_stack_is_reviewed():
    """No interlayer word of the 627 rows is unknown (an unknown word would never reach a number)."""
    data = shipped_measurements()
    unknown, families = Counter(), Counter()
    rows = 0
    for i in range(len(data)):
        if data.interlayer[i]:
            rows += 1
            found = stack_layers(data.stack[i], data.film[i], data.substrate[i])
            unknown.update(found.unknown)
            families.update(found.families)
    assert rows == 627 and not unknown
    assert set(families) == set(FAMILIES)  # every family has rows


def test_the_compilations_ways_of_writing_a_layer():
    assert stack_layers("Au/Ti/graphene/a-SiO2/Si", "Au", "Si").key == "Ti/graphene/a-SiO2"
    assert stack_layers("Pb/H-Si(111)", "Pb", "Si").key == "H-"  # a termination folded into the substrate's name
    assert stack_layers("Cr/O/diamond", "Cr", "C").families == ("termination or monolayer",)
    assert stack_layers("Au/ SiO2 /Si", "Au", "Si").key == "SiO2"  # blanks
    assert stack_layers("Au/HS-(CH2)8-SH/GaAs", "Au", "GaAS").key == "HS-(CH2)8-SH"  # a "/" inside parentheses
    found = stack_layers("Au/Zz9/Si", "Au", "Si")
    assert found.unknown == ("Zz9",) and found.interlayers == ()
    assert INTERLAYERS["SiO2"].canonical == INTERLAYERS["a-SiO2"].canonical == "a-SiO2"
