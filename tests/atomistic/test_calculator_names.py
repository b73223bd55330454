"""Fuzz the calculator-name parser (issue 51, item 5): whatever the text, :func:`calculator_name` returns a
normalised name or raises one InputError line, imports nothing, and a name read from a file is never a
``module:factory``.

Random text (any characters, and text built from the characters a name is made of), random values of other types,
and random keys of an AGF config holding a calculator.  Bounded: a few hundred examples each, the module in a few
seconds.  (That a module a file names is not imported is checked end to end, with a module that leaves a marker,
in tests/cli/test_hostile_calculators.py.)
"""

from __future__ import annotations

import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from kapitza.atomistic.calculators import (
    _IDENTIFIER,
    _MODULE,
    BUILTINS,
    D3_SUFFIX,
    MAX_NAME_CHARS,
    calculator_name,
)
from kapitza.errors import InputError

#: The characters names are made of, with the ones that trip a parser (newline, a second colon, dots, case).
NAME_CHARS = st.sampled_from(list("abcdefosmxyzABCDOS_019.:+- \n\t\x00") + ["+d3", "+D3", "chgnet", "os:abort"])
#: Text a user might type: a built-in in any case and spacing, with or without +d3, module:factory, or noise.
NAMES = st.one_of(
    st.text(max_size=40),
    st.lists(NAME_CHARS, max_size=20).map("".join),
    st.tuples(
        st.sampled_from(list(BUILTINS)).map(lambda n: n.upper() if len(n) % 2 else n.title()),
        st.sampled_from(["", "+d3", " +D3", "+d3+d3", "+", ":x"]),
        st.sampled_from(["", " ", "\n", "\t"]),
    ).map(lambda t: t[2] + t[0] + t[1] + t[2]),
    st.tuples(st.from_regex(_MODULE, fullmatch=True), st.from_regex(_IDENTIFIER, fullmatch=True)).map(":".join),
    st.integers(MAX_NAME_CHARS - 2, MAX_NAME_CHARS + 2).map(lambda n: "m" * (n - 2) + ":f"),
)
#: Anything a TOML file or a Python caller could hand over instead of text.
NOT_TEXT = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), st.binary(max_size=10), st.lists(st.integers(), max_size=3)
)
FUZZ = settings(max_examples=300, deadline=None, database=None)


def _parsed(spec, **kw):
    """calculator_name(spec) or the InputError it raised (asserted one bounded line), and the modules it imported."""
    before = set(sys.modules)
    try:
        found = calculator_name(spec, **kw)
    except InputError as exc:
        text = str(exc)
        assert "\n" not in text and len(text) < 600, text
        found = exc
    return found, set(sys.modules) - before


def _is_normalised(name: str, *, code: bool) -> bool:
    base = name.removesuffix(D3_SUFFIX)
    if base in BUILTINS:
        return True
    module, sep, factory = base.partition(":")
    return code and bool(sep) and bool(_MODULE.fullmatch(module)) and bool(_IDENTIFIER.fullmatch(factory))


@FUZZ
@given(NAMES)
def test_any_text_is_a_normalised_name_or_one_input_error(text):
    """A name comes back lower case for a built-in, +d3 once at most, a module:factory matched whole (a newline is
    no part of one), the same name again when parsed again; anything else is one line; nothing is imported."""
    found, imported = _parsed(text)
    assert not imported
    if isinstance(found, str):
        assert _is_normalised(found, code=True), found
        assert calculator_name(found) == found
        assert found.count(D3_SUFFIX) <= 1 and len(found) <= MAX_NAME_CHARS


@FUZZ
@given(NAMES)
def test_a_name_read_from_a_file_is_never_code(text):
    """The file route: only a built-in (with or without +d3) passes; a module:factory is refused in a line that
    names the file and the way out, --calculator on the command line."""
    found, imported = _parsed(text, from_file="config file 'fuzz.toml'")
    api, _ = _parsed(text)
    assert not imported
    if isinstance(found, str):
        assert _is_normalised(found, code=False) and ":" not in found and found == api, found
    elif isinstance(api, str):  # a module:factory the command line would take
        assert ":" in api
        assert str(found).startswith("calculator '") and " in config file 'fuzz.toml' names Python code" in str(found)
        assert "--calculator on the command line" in str(found)


@FUZZ
@given(NOT_TEXT)
def test_a_value_that_is_not_text_is_one_input_error(value):
    found, imported = _parsed(value)
    assert isinstance(found, InputError) and not imported
    assert "calculator must be a built-in name" in str(found)


@FUZZ
@given(
    key=st.one_of(st.just("calculator"), st.text(max_size=12)),
    value=st.one_of(NAMES, NOT_TEXT),
    table=st.booleans(),
)
def test_an_agf_config_with_random_keys_holds_a_builtin_calculator_or_is_refused(key, value, table):
    """Random keys beside ``calculator`` in an AGF config (top level or [agf]): the config holds None or a built-in
    name, or one InputError line; nothing is imported."""
    from kapitza.transmission.agf.config import AGFConfig, config_from_mapping

    settings_ = {"calculator": value, key: value}
    try:
        cfg = config_from_mapping({"agf": settings_} if table else settings_, "config file 'fuzz.toml'")
    except InputError as exc:
        assert "\n" not in str(exc)
    else:
        assert isinstance(cfg, AGFConfig)
        assert cfg.calculator is None or cfg.calculator.removesuffix(D3_SUFFIX) in BUILTINS
