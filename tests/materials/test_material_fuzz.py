"""Fuzz the material-file reader: whatever the bytes, the answer is materials or one InputError.

Random bytes, every truncation of a valid file, and every field given a value
of the wrong type must end in :class:`InputError` (or load, where the damaged
text is still a valid material), never another exception or a RuntimeWarning,
and quickly (the whole module runs in a few seconds).
"""

from __future__ import annotations

import warnings

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kapitza.errors import InputError
from kapitza.materials import Material
from kapitza.materials.database import _materials_from_text, load_materials

VALID = """\
[materials.Si]
aliases = ["silicon"]
formula = "Si"
description = "crystalline silicon"
structure = "diamond"
density = 2329.0
v_l = 8949.0
v_t = 5344.0
mean_atomic_mass_amu = 28.085
debye_temperature = 645.0
thermal_conductivity = 148.0
lattice_constant = 5.431e-10
temperature = 300.0
sound_speed_average = "Voigt-Reuss-Hill average of single-crystal elastic constants"
notes = "a test copy"

[materials.Si.elastic_constants_gpa]
symmetry = "cubic"
C11 = 165.7
C12 = 63.9
C44 = 79.56

[materials.Si.sources]
density = "CRC Handbook"
"""

#: TOML values of every type, spliced in for each field.
WRONG_VALUES = (
    '"text"',
    "true",
    "[1, 2]",
    "{a = 1}",
    "1979-05-27",
    "07:32:00",
    "1979-05-27T07:32:00Z",
    "-1",
    "0",
    "1e300",
    "-1e-300",
    "nan",
    "-inf",
    "1" + "0" * 400,
    '"' + "x" * 10_000 + '"',
    "[" * 200 + "]" * 200,
    "[[1], {a = 2}]",
)


def parse(text: str) -> None:
    """Parse; InputError or success only, no RuntimeWarning."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            materials = _materials_from_text(text, "fuzz.toml", "fuzz.toml")
        except InputError as exc:
            assert "\n" not in str(exc)
            return
    assert all(isinstance(m, Material) for m in materials.values())


def test_valid_base_loads():
    """The base text is itself valid, so each mutation is what fails."""
    parse(VALID)
    assert _materials_from_text(VALID, "x", "x")["Si"].number_density == pytest.approx(4.994e28, rel=1e-3)


def test_every_truncation_is_an_input_error_or_a_material():
    for end in range(len(VALID)):
        parse(VALID[:end])


def test_every_field_with_every_wrong_type():
    lines = VALID.splitlines()
    for i, line in enumerate(lines):
        if " = " not in line:
            continue
        key = line.split(" = ")[0]
        for value in WRONG_VALUES:
            parse("\n".join([*lines[:i], f"{key} = {value}", *lines[i + 1 :]]))


@settings(max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000))
def test_random_bytes(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("fuzz") / "m.toml"
    path.write_bytes(data)
    try:
        load_materials(path)
    except InputError as exc:
        assert "\n" not in str(exc)


@settings(max_examples=300, deadline=None, database=None)
@given(st.data())
def test_random_edits_of_a_valid_file(data):
    """Delete, duplicate or replace a random slice of the valid text with random characters."""
    start = data.draw(st.integers(0, len(VALID)))
    stop = data.draw(st.integers(start, min(len(VALID), start + 40)))
    insert = data.draw(st.text(alphabet=st.sampled_from(list('[]{}="., \n#0123456789e-+abcxyz')), max_size=20))
    parse(VALID[:start] + insert + VALID[stop:])
