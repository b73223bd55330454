"""The one rule for the close names a refusal offers (kapitza.errors.did_you_mean), and the one for an optional
dependency that is not installed (kapitza.errors.optional_module)."""

from __future__ import annotations

import sys

import pytest

from kapitza.errors import CLOSE_NAME_RATIO, MissingDependencyError, did_you_mean, optional_module

NAMES = {"si": "'Si'", "silicon": "'Si'", "sic": "'SiC'", "ge": "'Ge'", "germanium": "'Ge'"}


def test_a_close_name_is_offered_once_even_when_two_keys_lead_to_it():
    assert did_you_mean("Silicone", NAMES) == "; did you mean 'Si'?"


def test_nothing_close_offers_nothing():
    assert did_you_mean("xyzzy", NAMES) == ""


def test_groups_keep_one_text_per_thing_named_the_closest_keys_text():
    names = {"si": "'Si'", "silicon": "'Si' (silicon)", "sio2": "'SiO2'"}
    group = {"si": "Si", "silicon": "Si", "sio2": "SiO2"}
    assert did_you_mean("silicon", names, group=group) == "; did you mean 'Si' (silicon)?"


def test_at_most_n_names_closest_first_joined_with_or():
    names = {"abc": "C", **{f"abc{c}": c.upper() for c in "def"}}  # "abc" itself is the closest (ratio 1)
    text = did_you_mean("abc", names, n=2)
    assert text.startswith("; did you mean C or ") and text.count(" or ") == 1 and text.endswith("?")
    assert did_you_mean("abc", names, n=3).count(", ") == 1


def test_the_ratio_is_the_cut():
    # difflib's ratio of "abcd" and "abxy" is 2 * 2 / 8 = 0.5, of "abcd" and "abcx" 0.75 (difflib documentation:
    # ratio = 2 M / T, M matches, T the total length)
    assert CLOSE_NAME_RATIO > 0.5
    assert did_you_mean("abcd", {"abxy": "X"}) == ""
    assert did_you_mean("abcd", {"abcx": "X"}) == "; did you mean X?"


def test_the_querys_key_may_be_given_normalised_by_the_caller():
    assert did_you_mean("SIL-ICON", {"silicon": "'Si'"}, key="silicon") == "; did you mean 'Si'?"


def test_an_optional_module_is_imported_and_a_submodule_is_returned_itself():
    import json.decoder

    assert optional_module("json.decoder", "any", "a test") is json.decoder


def test_a_missing_optional_module_names_its_package_and_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "skfem", None)  # an import of it fails as if it were not installed
    with pytest.raises(MissingDependencyError) as info:
        optional_module("skfem", "devices", "the hotspot model", "scikit-fem")
    assert str(info.value) == (
        "the optional package 'scikit-fem' is not installed (needed for the hotspot model); install it with: "
        "pip install 'kapitza[devices]'"
    )
    assert info.value.__cause__ is None and info.value.__suppress_context__
    monkeypatch.setitem(sys.modules, "json.nowhere", None)
    with pytest.raises(MissingDependencyError, match="package 'json' is not installed"):
        optional_module("json.nowhere", "x", "y")
