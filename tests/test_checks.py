"""kapitza._checks: the one set of argument validators, ``check(value, name, unit)``.

Each check returns the value as a float (or float array) when it is allowed and otherwise raises one
InputError that names the argument, what is allowed and the offending value as a plain number.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from kapitza import _checks
from kapitza.errors import InputError


def test_positive_allows_inf_only_when_asked():
    assert _checks.positive("2.5", "k", "W m^-1 K^-1") == 2.5
    assert _checks.positive(math.inf, "G", "W m^-2 K^-1", inf=True) == math.inf
    with pytest.raises(InputError, match=r"^G must be finite \(W m\^-2 K\^-1\), got inf$"):
        _checks.positive(math.inf, "G", "W m^-2 K^-1")
    with pytest.raises(InputError, match=r"^G must be > 0 W m\^-2 K\^-1 \(or inf\), got -inf$"):
        _checks.positive(-math.inf, "G", "W m^-2 K^-1", inf=True)
    with pytest.raises(InputError, match=r"^G must be > 0 W m\^-2 K\^-1 \(or inf\), got nan$"):
        _checks.positive(math.nan, "G", "W m^-2 K^-1", inf=True)


def test_a_scalar_check_refuses_an_array_by_its_shape_and_a_bool():
    assert _checks.number(np.array(3.0), "t", "K") == 3.0  # a 0-d array is one number
    with pytest.raises(InputError, match=r"^t must be a number \(K\), not an array of shape \(2,\)$"):
        _checks.positive([300.0, 400.0], "t", "K")
    with pytest.raises(InputError, match=r"^t must be a number \(K\), got True$"):
        _checks.number(True, "t", "K")


def test_a_dimensionless_value_has_no_unit_in_the_message():
    with pytest.raises(InputError, match=r"^ratio must be > 0, got -1$"):
        _checks.positive(-1, "ratio", "")
    with pytest.raises(InputError, match=r"^ratio must be a number, got 'x'$"):
        _checks.positive("x", "ratio", "")


def test_positive_array_keeps_the_shape_and_names_the_first_bad_entry():
    x = _checks.positive_array([[1.0, 2.0], [3.0, 4.0]], "k", "N/m")
    assert x.shape == (2, 2) and x.dtype == np.float64 and x.sum() == 10.0
    assert _checks.positive_array(2.0, "k", "N/m").ndim == 0
    with pytest.raises(InputError, match=r"^k must be finite and > 0 N/m, got -3 at index \(1, 0\)$"):
        _checks.positive_array([[1.0, 2.0], [-3.0, -4.0]], "k", "N/m")
    with pytest.raises(InputError, match=r"^k must be finite and > 0 N/m, got 0 at index 1$"):
        _checks.positive_array([1.0, 0.0], "k", "N/m")
    with pytest.raises(InputError, match=r"^k must be finite and > 0 N/m, got nan$"):
        _checks.positive_array(np.nan, "k", "N/m")


@pytest.mark.parametrize(
    ("kwargs", "good", "bad", "message"),
    [
        ({"zero": True}, [0.0, 1.0], [0.0, -1.0], r"^x must be finite and >= 0 m, got -1 at index 1$"),
        ({"inf": True}, [math.inf, 1.0], [math.inf, math.nan], r"^x must be > 0 m \(or inf\), got nan at index 1$"),
        ({"zero": True, "inf": True}, [0.0, math.inf], [-math.inf], r"^x must be >= 0 m \(or inf\), got -inf at"),
    ],
)
def test_positive_array_allows_zero_and_inf_only_when_asked(kwargs, good, bad, message):
    assert np.array_equal(_checks.positive_array(good, "x", "m", **kwargs), good)
    with pytest.raises(InputError, match=message):
        _checks.positive_array(bad, "x", "m", **kwargs)


def test_ndim_asks_for_a_non_empty_array_of_that_many_dimensions():
    assert _checks.positive_array([1.0], "masses", "kg", ndim=1).shape == (1,)
    for bad in ([], [[1.0]], 1.0):
        with pytest.raises(InputError, match=r"^masses must be a non-empty 1-D list of numbers \(kg\)$"):
            _checks.positive_array(bad, "masses", "kg", ndim=1)
    with pytest.raises(InputError, match=r"^masses must be a number or an array of numbers \(kg\), got"):
        _checks.positive_array(["heavy"], "masses", "kg")


def test_number_array_refuses_only_non_finite_entries():
    assert np.array_equal(_checks.number_array([-1.0, 0.0, 2.0], "x", "m"), [-1.0, 0.0, 2.0])
    with pytest.raises(InputError, match=r"^x must be finite \(m\), got inf at index 2$"):
        _checks.number_array([-1.0, 0.0, math.inf], "x", "m")


def test_between_includes_both_ends():
    assert _checks.between(1e-12, "rtol", "", 1e-12, 0.1) == 1e-12
    assert _checks.between(0.1, "rtol", "", 1e-12, 0.1) == 0.1
    with pytest.raises(InputError, match=r"^rtol must be between 1e-12 and 0.1, got 1$"):
        _checks.between(1, "rtol", "", 1e-12, 0.1)
    with pytest.raises(InputError, match=r"^step must be between 1e-06 and 0.1 in ln p, got 0$"):
        _checks.between(0, "step", "in ln p", 1e-6, 0.1)


def test_count_takes_whole_numbers_from_the_minimum():
    assert _checks.count(np.int64(3), "cells") == 3 and type(_checks.count(np.int64(3), "cells")) is int
    assert _checks.count(0, "seed", 0) == 0
    for bad, shown in ((np.int64(0), "0"), (2.0, "2.0"), (True, "True"), ("3", "'3'")):
        with pytest.raises(InputError, match=rf"^cells must be an integer >= 1, got {shown}$"):
            _checks.count(bad, "cells")


@pytest.mark.parametrize(
    ("value", "words"),
    [(0, "must be > 0 GB"), (-1, "must be > 0 GB"), (float("nan"), "must be finite"), (1e308, r"must be < 1e\+06 GB"),
     ("lots", "must be a number"), (True, "must be a number")],
)  # fmt: skip
def test_one_memory_bound_rule_for_every_command(value, words):
    """``--max-memory-gb`` of the AGF, the MD campaign, the phonon mesh and the calculator's crystals: one rule."""
    from kapitza._checks import MAX_MEMORY_GB, memory_bound_gb

    with pytest.raises(InputError, match=words):
        memory_bound_gb(value, "max_memory_gb")
    assert memory_bound_gb(0.5, "x") == 0.5 and memory_bound_gb(MAX_MEMORY_GB / 2, "x") == MAX_MEMORY_GB / 2


@pytest.mark.parametrize(
    ("value", "seconds"),
    [("300", 300.0), ("300s", 300.0), ("5min", 300.0), ("1h", 3600.0), ("1.5h", 5400.0), (" 2 min ", 120.0),
     ("1e3s", 1000.0), (300, 300.0), (2.5, 2.5)],
)  # fmt: skip
def test_a_duration_is_seconds_or_one_number_with_its_unit(value, seconds):
    """``--max-time`` and ``max_time=``: seconds as a number or a text, or one number with s, min or h (60 and 3600
    seconds to the unit)."""
    assert _checks.duration_seconds(value, "--max-time") == pytest.approx(seconds, rel=1e-15)


@pytest.mark.parametrize(
    ("value", "words"),
    [("0", "finite duration > 0 s, got 0 s"), ("-5min", "> 0 s, got -300 s"), ("nan", "got nan s"),
     ("inf", "got inf s"), ("1e400", "got inf s"), (0, "got 0 s"), (float("nan"), "got nan s"),
     (-1.0, "got -1 s"), ("abc", "such as 300, 300s, 5min or 1.5h"), ("5 minutes", "got '5 minutes'"),
     ("5m", "got '5m'"), ("", "got ''"), ("1h30min", "got '1h30min'"), (True, "must be a number"),
     ("400d", "got '400d'"), (4e7, "at most a year")],
)  # fmt: skip
def test_a_duration_refuses_what_is_not_one(value, words):
    """Zero, negative, nan, inf, garbage, two units or a unit kapitza does not read: one InputError naming the
    option and the value."""
    with pytest.raises(InputError, match=re.escape(words)) as refused:
        _checks.duration_seconds(value, "--max-time")
    assert str(refused.value).startswith("--max-time must be")
