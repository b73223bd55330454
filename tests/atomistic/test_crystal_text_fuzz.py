"""Fuzz the structure-text parser (``NAME:STRUCTURE:a=..,c=..``, :func:`kapitza.atomistic.bulk.parse_crystal_text`):
whatever the text, the answer is the text back (a file or a name), a dict of keywords that obeys every rule, or one
InputError line that quotes no more than an excerpt -- never another exception (issue 51: OSError "File name too
long" from a file-name probe, ``a=٥.٤٣`` read as 5.43, a repeated key's last value taken, a key the prototype does
not use ignored).  Random text, every truncation of valid texts, and random keys and values; each test a bounded
number of examples with a deadline per example, so the module runs in seconds.
"""

from __future__ import annotations

import math
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kapitza.atomistic.bulk import (
    BULK_KEYS,
    LENGTH_KEYS,
    LENGTH_RANGE_ANGSTROM,
    MAX_CRYSTAL_TEXT_CHARS,
    OPEN_RANGES,
    PROTOTYPE_KEYS,
    parse_crystal_text,
)
from kapitza.errors import InputError
from kapitza.io.paths import is_file

#: Each example parses one short text (microseconds) and probes the file system once: a second is a hang.
FUZZ = settings(
    max_examples=300, deadline=timedelta(seconds=1), database=None, suppress_health_check=[HealthCheck.too_slow]
)
#: Texts that parse (one per prototype family and key).
VALID = (
    "GaN:wurtzite:a=3.18920,c=5.18500,u=0.377",
    "Si:diamond:a=5.431",
    "Al:hcp:a=2.86,c=4.67",
    "Bi:rhombohedral:a=4.75,alpha=57.2",
    "Si:orthorhombic:a=3,b=4.5,c=5.5e0",
    "NaCl:rocksalt:a=5.64",
    "CaF2:fluorite:a=5.46",
    "In:bct:a=3.25,c=4.95",
)
#: Characters of the syntax and its near misses: non-ASCII digits (Arabic-Indic, full-width, Devanagari), a
#: narrow no-break space, underscores, signs, letters of nan and inf, a NUL and a slash (file-name probes).
ALPHABET = "SiGaN:=,.0123456789eE+-_ abcuphlnfdt" + "\u0665\u0664\uff15\u0967\u202f\x00/"


def check_answer(text: str) -> None:
    """The one contract: the text back, a dict obeying every rule, or InputError of one bounded line."""
    try:
        answer = parse_crystal_text(text)
    except InputError as exc:
        message = str(exc)
        assert "\n" not in message and len(message) < 2 * MAX_CRYSTAL_TEXT_CHARS + 300, message
        return
    if isinstance(answer, str):  # a file (none of these texts names one), or a name for what follows to look up
        assert answer == text and len(text) <= MAX_CRYSTAL_TEXT_CHARS and ":" not in text and not is_file(text)
        return
    name, structure, numbers = text.split(":")
    assert answer.pop("name") == name and answer.pop("crystalstructure") == structure
    keys = [item.partition("=")[0] for item in numbers.split(",") if item]
    assert sorted(answer) == sorted(keys) and len(set(keys)) == len(keys)  # each key once, all of them kept
    assert set(answer) <= set(PROTOTYPE_KEYS[structure])
    for key, value in answer.items():
        assert isinstance(value, float) and math.isfinite(value)
        if key in LENGTH_KEYS:
            assert LENGTH_RANGE_ANGSTROM[0] <= value <= LENGTH_RANGE_ANGSTROM[1]
        else:
            assert OPEN_RANGES[key][0] < value < OPEN_RANGES[key][1]
    assert text.isascii()


@FUZZ
@given(st.text(max_size=400))
def test_random_text(text):
    check_answer(text)


@FUZZ
@given(st.text(alphabet=ALPHABET, max_size=80))
def test_random_text_of_the_syntax_alphabet(text):
    check_answer(text)


@FUZZ
@given(st.sampled_from(VALID), st.data())
def test_truncations_and_splices_of_valid_texts(text, data):
    """Every prefix and suffix of a valid text, and a valid text with a random piece put into it."""
    cut = data.draw(st.integers(0, len(text)))
    check_answer(text[:cut])
    check_answer(text[cut:])
    check_answer(text[:cut] + data.draw(st.text(alphabet=ALPHABET, max_size=12)) + text[cut:])


@pytest.mark.parametrize("text", VALID)
def test_the_valid_texts_parse(text):
    """The seeds of the fuzzing are accepted (so their truncations start from valid text)."""
    assert isinstance(parse_crystal_text(text), dict)
    check_answer(text)


numbers = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.floats(0.01, 200.0).map(lambda v: f"{v:.6g}"),
    st.integers(-(10**40), 10**40).map(str),
    st.text(alphabet="0123456789.eE+-\u0665\uff15_", min_size=1, max_size=40),
)
keys = st.one_of(
    st.sampled_from(BULK_KEYS), st.sampled_from(("alpha", "beta", "gamma", "covera", "A", "")), st.text(max_size=6)
)


@FUZZ
@given(
    st.sampled_from(("Si", "GaN", "Al", "Bi", "CaF2", "Og", "Xx", "")),
    st.one_of(st.sampled_from(sorted(PROTOTYPE_KEYS)), st.sampled_from(("tetragonal", "mcl", "Diamond"))),
    st.lists(st.tuples(keys, numbers), max_size=6),
)
def test_random_keys_and_values(name, structure, items):
    """Keys of the syntax, of ASE's bulk that kapitza does not take, and random ones; values of every kind."""
    check_answer(f"{name}:{structure}:" + ",".join(f"{k}={v}" for k, v in items))


@settings(max_examples=60, deadline=timedelta(seconds=5), database=None)
@given(
    st.sampled_from(sorted(PROTOTYPE_KEYS)),
    st.sampled_from(("Si", "Al", "Bi", "GaN", "NaCl", "CaF2")),
    st.floats(0.5, 100.0),
    st.floats(0.5, 100.0),
)
def test_what_parses_builds_a_crystal_or_is_one_input_error(structure, name, a, c):
    """A parsed text goes on to ase.build.bulk and the checks of a bulk crystal: Atoms or InputError, nothing else
    (a formula of the wrong number of atoms, a lattice ASE has no basis for, overlapping atoms, a slab-like gap)."""
    pytest.importorskip("ase")
    from kapitza.atomistic.bulk import check_crystal
    from kapitza.atomistic.stacking import bulk_crystal

    extra = {"a": f"a={a:.5g}", "c": f"c={c:.5g}", "b": f"b={c:.5g}", "alpha": "alpha=57.2", "u": "u=0.377"}
    text = f"{name}:{structure}:" + ",".join(extra[k] for k in PROTOTYPE_KEYS[structure])
    try:
        atoms = bulk_crystal(parse_crystal_text(text), text)
        check_crystal(atoms, text)
    except InputError as exc:
        assert "\n" not in str(exc)
        return
    assert len(atoms) >= 1 and atoms.pbc.all()
