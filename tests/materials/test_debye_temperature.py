"""The elastic Debye temperature: derived for a material file that does not give one (issue 28 item 6)."""

from __future__ import annotations

import pytest

from kapitza.materials import elastic_debye_temperature


def test_a_material_file_without_debye_temperature_gets_the_elastic_one_and_says_so(tmp_path):
    """Issue 28: density, v_l, v_t and the number density fix the elastic Debye temperature, so a file that gives
    them needs no debye_temperature; the value equals elastic_debye_temperature of the same speeds (the one
    formula), scales as v and n^(1/3) (the Debye law), and its source says it was derived."""
    from kapitza.materials import get_material
    from kapitza.materials.database import load_materials
    from kapitza.materials.debye_temperature import debye_temperature_from_speeds

    si = get_material("Si")
    rows = {"Mine": (si.v_l, si.v_t, f"number_density = {si.number_density}"),
            "Fast": (2 * si.v_l, 2 * si.v_t, f"number_density = {si.number_density}"),
            "Dense": (si.v_l, si.v_t, "mean_atomic_mass_amu = 3.5")}  # fmt: skip
    text = "".join(
        f"[materials.{name}]\ndensity = {si.density}\nv_l = {vl}\nv_t = {vt}\n{last}\n"
        for name, (vl, vt, last) in rows.items()
    )
    path = tmp_path / "mine.toml"
    path.write_text(text)
    found = load_materials(path)
    mine, fast, dense = found["Mine"], found["Fast"], found["Dense"]
    assert mine.debye_temperature == pytest.approx(elastic_debye_temperature(si), rel=1e-12)
    assert mine.debye_temperature == pytest.approx(debye_temperature_from_speeds(si.v_l, si.v_t, si.number_density))
    assert fast.debye_temperature == pytest.approx(2 * mine.debye_temperature, rel=1e-12)
    ratio = (dense.number_density / mine.number_density) ** (1 / 3)
    assert dense.debye_temperature == pytest.approx(ratio * mine.debye_temperature, rel=1e-12)
    assert mine.sources["debye_temperature"].startswith("derived here")
    assert dense.sources["number_density"].startswith("derived here")
    assert "debye_temperature" not in get_material("Si").sources or not get_material("Si").sources[
        "debye_temperature"
    ].startswith("derived")


def test_materials_show_says_which_values_were_derived(cli, tmp_path):
    path = tmp_path / "inp.toml"
    path.write_text("[materials.InP]\ndensity = 4810.0\nv_l = 5130.0\nv_t = 3050.0\nnumber_density = 3.96e28\n")
    status, out, err = cli("materials", "show", path, "--explain")
    assert status == 0, err
    assert "derived here" in out
    bad = tmp_path / "bad.toml"
    bad.write_text("[materials.X]\ndensity = 4810.0\nv_l = 5130.0\nv_t = 3050.0\nnumber_density = 1.0\n")
    status, out, err = cli("materials", "show", bad)
    assert status == 2 and "number_density" in err and len(err.strip().splitlines()) == 1
