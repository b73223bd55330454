"""The vectorised decimal parser: bit-identical to Python's float() (the reference: CPython's correctly
rounded strtod), junk left to np.fromstring, and the profile reader unchanged by it."""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kapitza.analysis import read_profile
from kapitza.io import numbers_text
from kapitza.io.numbers_text import parse_decimal_text, parse_numbers

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from md import synthetic_profile  # noqa: E402


def bits(values) -> list[int]:
    return np.asarray(values, dtype=np.float64).view(np.int64).tolist()


def assert_same_as_float(text: str) -> None:
    got = parse_decimal_text(text)
    assert got is not None, text
    assert bits(got) == bits([float(t) for t in text.split()]), text


FORMATS = ("%g", "%.6g", "%.10g", "%.15g", "%.17g", "%e", "%.3e", "%f", "%.12f", "repr", "int")


def fmt(x: float, how: str) -> str:
    if how == "repr":
        return repr(x)
    if how == "int":
        return str(int(x))
    return how % x


finite = st.floats(allow_nan=False, allow_infinity=False)
moderate = st.floats(min_value=-1e12, max_value=1e12, allow_nan=False)
tokens = st.builds(fmt, st.one_of(finite, moderate, moderate.map(lambda x: x * 1e-9)), st.sampled_from(FORMATS))
signs = st.sampled_from(["", "+", "-"])
separators = st.sampled_from([" ", "  ", "\t", "\n", "\r\n", " \n  "])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(signs, tokens, separators), max_size=40), separators, separators)
def test_random_numbers_parse_like_float_bit_for_bit(items, lead, tail):
    """Random floats in many formats with extra signs and mixed whitespace: equal to float(token) bitwise."""
    parts = []
    for sign, tok, sep in items:
        if sign and tok[0] in "+-":
            sign = ""
        parts.append(sign + tok + sep)
    assert_same_as_float(lead + "".join(parts) + tail)


@pytest.mark.parametrize(
    "text",
    [
        ".5 5. +1 -1 +.5 -5. 1E-05 1e+05 1e5 -1.5E3 0 -0 -0.0 +0.0 0e0 -0e-0",
        "  \t 1.25\n2\r\n3 \r\n",
        "0.1 0.2 0.3 0.7 1.1 2.675 1e22 1e23 9007199254740993 9007199254740992 123456789012345678901",
        "1.7976931348623157e308 2.2250738585072014e-308 4.9e-324 5e-324 1e-400 1e400 0e999",
        "0.000000000000000000001 1000000000000000000000000 00000000000000000001.50000000000000000",
        "1e0000000005 1e-0000000005 123.456e-7 9999999999999999.0 0.30000000000000004",
        "-0.000123457 300.123 1.12499 0.0078125 100000000",
    ],
)
def test_edge_cases_parse_like_float(text):
    """Signs, missing digits around the dot, exponents, -0.0, CRLF, the fast-path borders (2**53, 1e22/1e23),
    subnormals, overflow and long digit strings (the per-token float() fallback)."""
    assert_same_as_float(text)


def test_empty_and_blank_text():
    assert parse_decimal_text("").size == 0
    assert parse_decimal_text(" \n\t\r\n ").size == 0
    assert parse_decimal_text(b"1 2").tolist() == [1.0, 2.0]


@pytest.mark.parametrize(
    "junk",
    [
        "1e",
        "--1",
        "1.2.3",
        "1e5.0",
        "1-2",
        "1e+",
        ".",
        "-",
        "e5",
        "nan",
        "inf",
        "-inf",
        "1,2",
        "1 x 2",
        "1_000",
        "\v1",
        "1 2 3 \u00e9",
        "1e5e5",
        "+-1",
        "1.e",
    ],
)
def test_junk_is_left_to_fromstring_with_the_same_outcome(junk):
    """Anything outside the decimal grammar is not parsed here (None); _parse_numbers then gives exactly
    what np.fromstring gave before (values or the not-a-number flag)."""
    text = f"1 {junk} 2"
    assert parse_decimal_text(text) is None
    got, ok = parse_numbers(text)
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        try:
            ref, ref_ok = np.fromstring(text, sep=" "), True
        except (ValueError, DeprecationWarning):
            ref, ref_ok = np.empty(0), False
    assert ok == ref_ok and bits(got) == bits(ref)


def test_slices_are_cut_at_whitespace(monkeypatch):
    """Tiny slices: tokens that would straddle a slice border are still read whole."""
    monkeypatch.setattr(numbers_text, "SLICE_BYTES", 7)
    text = " ".join(f"{x:.6g}" for x in np.linspace(-3, 1234.5, 200)) + "\n-1.5e-3 12345678901234 7"
    assert_same_as_float(text)


def test_profile_reader_gives_the_same_arrays_as_fromstring(tmp_path, monkeypatch):
    """benchmarks/md.py's synthetic ave/chunk file: read with the new parser and with np.fromstring alone."""
    path = tmp_path / "p.chunk"
    synthetic_profile(path, 300, n_chunks=16)
    new = read_profile(path)
    monkeypatch.setattr("kapitza.io.numbers_text.parse_decimal_text", lambda text: None)
    old = read_profile(path)
    for name in ("positions", "temperatures", "counts", "steps"):
        assert bits(getattr(new, name)) == bits(getattr(old, name)), name
    body = path.read_text().split("\n", 3)[3]
    assert bits(parse_decimal_text(body)) == bits(np.fromstring(body, sep=" "))


short_tokens = st.builds(
    lambda sign, x, how: sign + (how % x),
    st.sampled_from(["", "-", "+"]),
    st.floats(min_value=0, max_value=9999, allow_nan=False),
    st.sampled_from(["%.0f", "%.1f", "%.3g", "%.4g", "%.5g", "%.6g", "%.7g", "%.2f", "%.6f"]),
).filter(lambda t: len(t) <= 8 and "e" not in t)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(short_tokens, separators), min_size=1, max_size=60))
def test_short_tokens_take_the_one_word_path_and_parse_like_float(items):
    """Tokens of <= 8 bytes without exponent (the common LAMMPS %g output) are read from one 8-byte word each:
    that path is taken, and its values equal float(token) bit for bit."""
    text = "".join(tok + sep for tok, sep in items)
    taken = []
    original = numbers_text._short_tokens

    def spy(*args):
        out = original(*args)
        taken.append(out is not None)
        return out

    numbers_text._short_tokens = spy
    try:
        assert_same_as_float(text)
    finally:
        numbers_text._short_tokens = original
    assert taken == [True]


@pytest.mark.parametrize("junk", ["1-2", "--1", "1.2.3", ".", "-", "-.", "+-1", "1..", "1.2 3.4.5", "1+"])
def test_short_junk_is_refused(junk):
    """Junk of <= 8 bytes is caught by the one-word path's dot and sign counts."""
    assert parse_decimal_text(f"1.5 {junk} 2") is None
