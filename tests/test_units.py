"""Lengths at the edge (issue 26, item 5): one parser (:func:`kapitza.units.parse_length`, with the range of
:func:`kapitza._checks.length` in :func:`kapitza.cli.common.parse_length_option`) and one printer
(:func:`kapitza.units.format_length`).

Reference values are the SI prefixes (BIPM, The International System of Units, 9th ed. 2019, table 7: centi 1e-2,
milli 1e-3, micro 1e-6, nano 1e-9, pico 1e-12) and the angstrom, 1e-10 m by definition.
"""

from __future__ import annotations

import math
import re

import pytest

from conftest import run_cli
from kapitza import _checks
from kapitza.cli.common import (
    parse_length_grid,
    parse_length_in,
    parse_length_interval,
    parse_length_option,
    parse_lengths,
)
from kapitza.errors import InputError
from kapitza.units import LENGTH_UNITS, format_length, parse_length


@pytest.mark.parametrize(
    ("text", "metres"),
    [
        ("100nm", 1e-7),
        ("2um", 2e-6),
        ("2\u00b5m", 2e-6),  # the micro sign
        ("2\u03bcm", 2e-6),  # the Greek mu
        ("1e-6m", 1e-6),
        ("0.3 mm", 3e-4),
        ("5 \u00c5", 5e-10),
        ("5A", 5e-10),
        ("1.5cm", 1.5e-2),
        ("300pm", 3e-10),
        ("  .5nm ", 5e-10),
    ],
)
def test_a_length_with_its_unit_is_read_in_metres(text, metres):
    """Each spelling gives the SI prefix's value; the division by an exact power of ten keeps ``100nm`` 1e-07 to
    the last bit, as the literal 1e-7 is."""
    value = parse_length(text, "m", "--x")
    assert value == pytest.approx(metres, rel=1e-15)
    if text == "100nm":
        assert value == 1e-7


@pytest.mark.parametrize(("default", "metres"), [("nm", 7e-9), ("um", 7e-6), ("m", 7.0), ("A", 7e-10)])
def test_a_bare_number_is_taken_in_the_default_unit(default, metres):
    assert parse_length("7", default, "--x") == pytest.approx(metres, rel=1e-15)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("10 parsecs", ("--x takes a length", "'10 parsecs'", "nm")),
        ("nm", ("--x takes a length", "'nm'")),
        ("", ("--x takes a length",)),
        ("-1nm", ("--x must be a length > 0", "'-1nm'")),
        ("0nm", ("--x must be a length > 0",)),
        ("1e999m", ("--x must be a finite length",)),
        ("1 2nm", ("--x takes a length",)),
    ],
)
def test_what_is_not_a_length_is_one_input_error_naming_the_option_and_the_text(text, words):
    with pytest.raises(InputError) as info:
        parse_length(text, "nm", "--x")
    for word in words:
        assert word in str(info.value)


def test_the_range_is_the_device_length_range_of_checks():
    """``1e308m`` is a number with a unit, but not a device length: refused by :func:`kapitza._checks.length`."""
    with pytest.raises(InputError, match=r"--radius must be 1e-11 to 10 m.*got 1e\+308 m"):
        parse_length_option("1e308m", "--radius", "nm")
    with pytest.raises(InputError, match="--radius must be 1e-11 to 10 m"):
        parse_length_option("0.01A", "--radius", "nm")  # 1e-12 m, below MIN_LENGTH
    assert parse_length_option(f"{_checks.MAX_LENGTH:g}m", "--radius", "nm") == _checks.MAX_LENGTH
    assert parse_length_option("0", "--wall", "m", zero=True) == 0.0
    with pytest.raises(InputError, match="--wall must be a length > 0"):
        parse_length_option("0", "--wall", "m")


def test_lists_intervals_and_grids_of_lengths():
    assert parse_lengths("10nm,0.05um,200", "--radius", "nm") == pytest.approx((1e-8, 5e-8, 2e-7), rel=1e-15)
    assert parse_length_interval("0.1nm:1um", "--sweep", "nm", "1nm:1um") == pytest.approx((1e-10, 1e-6))
    assert parse_length_interval(None, "--sweep", "nm", "1nm:1um") is None
    with pytest.raises(InputError, match="--sweep needs LO < HI"):
        parse_length_interval("1um:1nm", "--sweep", "nm", "1nm:1um")
    grid = parse_length_grid("1nm:1um:4", "--thickness", "nm")
    # four log-spaced points over three decades: one decade apart
    assert grid == pytest.approx([1e-9, 1e-8, 1e-7, 1e-6], rel=1e-12)
    assert parse_length_grid("100,1nm,10", "--thickness", "nm") == pytest.approx([1e-9, 1e-8, 1e-7], rel=1e-15)
    with pytest.raises(InputError, match="--thickness: N must be a whole number"):
        parse_length_grid("1nm:1um:x", "--thickness", "nm")


def test_a_length_for_a_library_argument_in_nm_is_the_number_as_typed():
    """``exclude_nm`` and the like get the typed number itself when it is in nm or bare (no round trip through
    metres that could move a window edge by one bit), and an exact power-of-ten ratio otherwise."""
    assert parse_length_in("0.7", "--exclude", "nm") == 0.7
    assert parse_length_in("0.7nm", "--exclude", "nm") == 0.7
    assert parse_length_in("2.5um", "--exclude", "nm") == 2500.0
    assert parse_length_in("5A", "--mixing", "nm") == 0.5
    assert parse_length_in("0", "--mixing", "nm", zero=True) == 0.0
    with pytest.raises(InputError, match="--exclude takes a length"):
        parse_length_in("1 parsec", "--exclude", "nm")
    with pytest.raises(InputError, match="--exclude must be a length >= 0"):
        parse_length_in("-1", "--exclude", "nm", zero=True)


@pytest.mark.parametrize(
    ("metres", "text"),
    [
        (1e-4, "100 \u00b5m"),  # issue 26: ``stack`` printed "1e+05 nm" for it
        (3.2e-9, "3.2 nm"),
        (5e-11, "0.05 nm"),  # below a nanometre stays in nm
        (2.5e-7, "250 nm"),
        (9.99996e-7, "1 \u00b5m"),  # rounds to 1000 nm at 4 digits: the next unit up
        (1e-3, "1 mm"),
        (12.5, "12.5 m"),
        (-2e-6, "-2 \u00b5m"),
        (0.0, "0 m"),
        (math.inf, "inf m"),
    ],
)
def test_a_length_prints_in_a_readable_unit(metres, text):
    assert format_length(metres) == text


def test_printing_and_parsing_agree():
    """What is printed reads back as the same length (to the printed digits)."""
    for metres in (1e-10, 3.7e-9, 4.2e-6, 0.0125, 3.0):
        assert parse_length(format_length(metres, 12), "m") == pytest.approx(metres, rel=1e-11)
    assert set(LENGTH_UNITS) >= {"m", "mm", "um", "\u00b5m", "nm", "A", "\u00c5"}


# ---- every length option goes through the one parser -----------------------------------------------------------

#: (command, length option, a value with a unit, the unit a bare number takes) for each length option.
LENGTH_OPTIONS = [
    (("device", "thermoelectric"), "--length", "m"),
    (("device", "pcm"), "--radius", "m"),
    (("device", "nanofluidic"), "--height", "m"),
    (("device", "nanofluidic"), "--height-2", "m"),
    (("device", "nanofluidic"), "--wall-thickness", "m"),
    (("device", "cryogenic"), "--thickness", "m"),
    (("device", "spin"), "--relaxation-length", "nm"),
    (("device", "contact"), "--roughness", "um"),
    (("device", "superlattice"), "--da", "nm"),
    (("device", "superlattice"), "--db", "nm"),
    (("device", "superlattice"), "--sweep", "nm"),
    (("device", "composite"), "--radius", "nm"),
    (("device", "composite"), "--lognormal", "nm"),
    (("device", "composite"), "--sweep", "nm"),
    (("device", "polycrystal"), "--grain", "nm"),
    (("device", "polycrystal"), "--sweep", "nm"),
    (("device", "film"), "--thickness", "nm"),
    (("device", "film"), "--substrate-thickness", "um"),
    (("device", "hotspot"), "--width", "um"),
    (("eels", "profile"), "--exclude", "nm"),
    (("eels", "profile"), "--fit-range", "nm"),
    (("eels", "simulate"), "--mixing", "nm"),
]


@pytest.mark.parametrize("command", sorted({c for c, _, _ in LENGTH_OPTIONS}))
def test_each_length_option_names_the_unit_of_a_bare_number_in_its_help(capsys, command):
    """In ``--help``, each length option's text says in which unit a bare number is taken; no option carries a
    unit in its name any more (``--radius-nm``, ``--substrate-um`` are gone: the unit goes with the value)."""
    status, out, _ = run_cli(capsys, *command, "--help")
    assert status == 0
    flat = " ".join(out.replace("\u2502", " ").split())
    for cmd, option, unit in LENGTH_OPTIONS:
        if cmd != command:
            continue
        at = re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", flat)
        assert at is not None, (option, flat)
        row = flat[at.end() : at.end() + 400]
        assert re.search(rf"bare (number is |numbers are )?in {unit}\b", row), (option, row)
    assert not re.search(r"--[\w-]+-(nm|um)\b", flat), flat


# ---- the one rule of typed units (issue 86, item 1) ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "metres"),
    [
        ("2um", 2e-6),
        ("2\u00b5m", 2e-6),  # the micro sign
        ("2\u03bcm", 2e-6),  # the Greek small mu, what a Greek keyboard types
        ("2 NM", 2e-9),  # ASCII in any case
        ("5\u00c5", 5e-10),
        ("5\u212b", 5e-10),  # the angstrom sign
        ("5a", 5e-10),
    ],
)
def test_every_listed_spelling_of_a_length_is_read(text, metres):
    from kapitza.units import parse_length

    assert parse_length(text, "m") == pytest.approx(metres, rel=1e-15)


@pytest.mark.parametrize(
    "text",
    [
        "2\u039cm",  # Greek capital mu: a look-alike of "Mm", not micro
        "2\u00b5M",  # a non-ASCII unit is taken only as listed
        "2\u2160m",  # Roman numeral one
        "\uff12nm",  # a full-width digit
        "2 \u0274m",  # small capital N
    ],
)
def test_a_unit_that_folds_outside_ascii_is_refused_in_one_line(text):
    from kapitza.units import parse_length

    with pytest.raises(InputError, match=r"takes a length: a number with a unit \(m, cm, mm, um") as found:
        parse_length(text, "m")
    assert "\n" not in str(found.value)


@pytest.mark.parametrize(
    ("text", "seconds"), [("300", 300.0), ("300s", 300.0), ("5min", 300.0), ("5MIN", 300.0), ("1.5h", 5400.0)]
)
def test_durations_follow_the_same_rule(text, seconds):
    from kapitza._checks import duration_seconds

    assert duration_seconds(text, "max_time") == seconds


@pytest.mark.parametrize("text", ["5\u017f", "5m\u0131n", "5m\u0130n", "5\u212a", "5 mins", "5min s"])
def test_a_duration_whose_unit_only_folds_to_ascii_is_refused(text):
    """The long s, dotless i and dotted capital I lower or normalise onto s and i; the rule takes ASCII only
    case-folded, so each is refused in one line (the KeyError tracebacks of round eight)."""
    from kapitza._checks import duration_seconds

    with pytest.raises(InputError, match=r"^max_time must be a duration such as 300, 300s, 5min or 1.5h"):
        duration_seconds(text, "max_time")


def test_a_unit_is_found_only_where_one_key_has_it():
    from kapitza.units import DURATION_UNITS, LENGTH_UNITS, unit_of

    assert unit_of("MM", LENGTH_UNITS) == "mm" and unit_of("M", LENGTH_UNITS) == "m"
    assert unit_of("Min", DURATION_UNITS) == "min" and unit_of("\u017f", DURATION_UNITS) is None
    assert unit_of("x", {"ab": 1.0, "AB": 2.0}) is None and unit_of("ab", {"ab": 1.0, "AB": 2.0}) == "ab"
