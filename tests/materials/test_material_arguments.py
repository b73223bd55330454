"""The materials layer's functions take a material the way every kapitza function does (issue 26 item 6).

A database name or alias, a material file (``path.toml`` or ``path.toml:Name``), or a :class:`Material`,
all through :func:`kapitza.materials.get_material`.  The name/path/Material parity over the whole API is in
tests/test_api.py; here: aliases, a user's own file, and the refusals.
"""

from __future__ import annotations

import dataclasses
import math

import pytest

from kapitza.errors import InputError
from kapitza.materials import elastic_debye_temperature, get_material
from kapitza.materials.zone_boundary import zone_boundary
from kapitza.units import HBAR, KB


def test_zone_boundary_of_an_alias_is_the_entry_of_its_name():
    """ "silicon" is the database's alias of Si; before issue 26 zone_boundary matched only the exact name."""
    assert zone_boundary("silicon") == zone_boundary("Si") == zone_boundary(get_material("Si"))
    assert zone_boundary("silicon").material == "Si"


def test_zone_boundary_of_a_users_file_is_looked_up_by_the_materials_name(tmp_path):
    """A user's Ge (own numbers, its file as origin) gets the measured Ge values, as sine_spectrum does."""
    path = tmp_path / "mine.toml"
    ge = get_material("Ge")
    path.write_text(
        "[materials.Ge]\n"
        f"density = {ge.density}\nv_l = {ge.v_l * 1.01}\nv_t = {ge.v_t}\n"
        f"number_density = {ge.number_density}\ndebye_temperature = {ge.debye_temperature}\n",
        encoding="utf-8",
    )
    assert get_material(path).origin != "database"
    assert zone_boundary(path) == zone_boundary(f"{path}:Ge") == zone_boundary("Ge")


def test_zone_boundary_refusals_name_the_material():
    with pytest.raises(InputError, match=r"no measured zone-boundary frequencies for Au.*Al, Cu, Ge, Si"):
        zone_boundary("gold")
    with pytest.raises(InputError, match="Unobtainium"):
        zone_boundary("Unobtainium")
    with pytest.raises(InputError, match="got int"):
        zone_boundary(14)


def test_elastic_debye_temperature_of_a_name_a_file_and_a_material():
    """theta = hbar v_D (6 pi^2 n)^(1/3) / k_B, 3 / v_D^3 = 1/v_l^3 + 2/v_t^3 (Kittel, Introduction to Solid State
    Physics, 8th ed., Ch. 5), written out here from Cu's stored numbers."""
    cu = get_material("Cu")
    v_d = (3.0 / (1.0 / cu.v_l**3 + 2.0 / cu.v_t**3)) ** (1.0 / 3.0)
    by_hand = HBAR * v_d * (6.0 * math.pi**2 * cu.number_density) ** (1.0 / 3.0) / KB
    assert elastic_debye_temperature("copper") == pytest.approx(by_hand, rel=1e-12)
    assert elastic_debye_temperature(cu) == elastic_debye_temperature("Cu")
    faster = dataclasses.replace(cu, v_l=2 * cu.v_l, v_t=2 * cu.v_t)
    assert elastic_debye_temperature(faster) == pytest.approx(2 * by_hand, rel=1e-12)  # theta is linear in v


def test_elastic_debye_temperature_refuses_what_is_not_a_material():
    with pytest.raises(InputError, match="Unobtainium"):
        elastic_debye_temperature("Unobtainium")
    with pytest.raises(InputError, match="got float"):
        elastic_debye_temperature(300.0)
