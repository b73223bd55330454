"""The one rule for the close names a refusal offers (kapitza.errors.did_you_mean)."""

from __future__ import annotations

from kapitza.errors import CLOSE_NAME_RATIO, did_you_mean

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
