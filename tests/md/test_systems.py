"""The systems of kapitza.md: SI argon, Si/Ge sw and tersoff, their generated LAMMPS input run briefly."""

from __future__ import annotations

import tomllib

import numpy as np
import pytest

from kapitza.errors import InputError
from kapitza.md.inputs import DATA_FILE, lammps_input, unit_commands
from kapitza.md.nemd import NemdConfig
from kapitza.md.plan import plan_nemd
from kapitza.md.systems import build_structure, copy_potential_files

TINY = {"n_x": 2, "n_y": 2, "cells_a": 3, "cells_b": 3, "steps_equilibration": 400, "steps_steady": 100}
SYSTEMS = {
    "sw": {"potential": "sw", "units": "metal", "bath_width": 5.0, **TINY},
    "tersoff": {"potential": "tersoff", "units": "metal", "bath_width": 5.0, "steps_npt": 200, **TINY},
    "argon": {"potential": "lj/cut", "units": "metal", "mass_b": 3.0, "bath_width": 5.0, **TINY},
}


def test_defaults_units_and_masses_by_system():
    """Argon: 39.948 amu, 0.0104 eV, 3.405 A; Si 28.0855 and Ge 72.630 amu (IUPAC)."""
    sw = NemdConfig(potential="sw", units="metal")
    assert (sw.temperature, sw.timestep, sw.length_unit, sw.energy_unit) == (300.0, 0.001, "Angstrom", "eV")
    assert sw.masses == pytest.approx((28.0855, 72.630))
    assert sw.lattice_constant == 5.431 and sw.plane_spacing == pytest.approx(5.431 / 4)
    assert NemdConfig(potential="tersoff", units="metal").lattice_constant == 5.432
    ar = NemdConfig(potential="lj/cut", units="metal", mass_b=2.0, epsilon_b=4.0)
    assert ar.masses == pytest.approx((39.948, 79.896))
    assert ar.epsilons == pytest.approx((0.0104, 0.0416))
    assert ar.lattice_constant == pytest.approx(1.5496 * 3.405)
    assert plan_nemd(ar, layout=False).interface_fraction == 0.5
    lj = NemdConfig(potential="lj/cut")
    assert (lj.temperature, lj.timestep, lj.bath_width, lj.masses) == (0.3, 0.005, 3.0, (1.0, 1.0))
    assert plan_nemd(NemdConfig(potential="lj/cut", cells_a=2, cells_b=6), layout=False).interface_fraction == 0.25
    # to_toml round trip keeps the resolved defaults and states the units
    text = sw.to_toml()
    assert "units metal: Angstrom, eV, ps, K, amu" in text.splitlines()[0]
    assert NemdConfig.from_mapping(tomllib.loads(text)) == sw


@pytest.mark.parametrize("name", sorted(SYSTEMS))
def test_structure_matches_the_config(name):
    config = NemdConfig(**SYSTEMS[name])
    s = build_structure(config)
    per_cell = 4 if config.potential == "lj/cut" else 8
    assert s.n_atoms == per_cell * 2 * 2 * 6
    np.testing.assert_allclose(s.masses, config.masses)
    np.testing.assert_allclose(s.interfaces_z, [0.0, 3 * config.lattice_constant])
    assert s.interfaces_z[1] / s.box[2] == pytest.approx(plan_nemd(config, layout=False).interface_fraction)
    assert s.area == pytest.approx((2 * config.lattice_constant) ** 2)


@pytest.mark.parametrize(("name", "t_range"), [("sw", (200, 400)), ("tersoff", (200, 400)), ("argon", (25, 55))])
def test_generated_input_runs_in_lammps_and_holds_the_temperature(name, t_range, tmp_path, monkeypatch):
    """Units 0 (minimise, 400 NVT steps) and 1 (100 steps with the baths) run; T stays near its set point."""
    from kapitza.atomistic.lammps import lammps_module

    config = NemdConfig(**SYSTEMS[name])
    build_structure(config).write_lammps_data(tmp_path / DATA_FILE)
    copies = copy_potential_files(config, tmp_path)
    assert [p.name for p in copies] == ({"sw": ["Si.sw"], "tersoff": ["SiCGe.tersoff"]}.get(name, []))
    text = lammps_input(config)
    assert "units metal" in text and "units metal: Angstrom, eV, ps, amu, T in K" in text
    if copies:
        assert f"pair_coeff * * {copies[0].name} " in text  # no path: the run directory is self-contained
    monkeypatch.chdir(tmp_path)
    lmp = lammps_module().lammps(cmdargs=["-screen", "none", "-log", "none", "-nocite"])
    try:
        lmp.commands_string(unit_commands(config, 0))
        t_eq = lmp.get_thermo("temp")
        lmp.commands_string(unit_commands(config, 1))
        t_bath = lmp.get_thermo("temp")
        n_atoms = lmp.get_natoms()
    finally:
        lmp.close()
    assert n_atoms == build_structure(config).n_atoms
    for t in (t_eq, t_bath):
        assert t_range[0] < t < t_range[1]
    assert (tmp_path / "restart.0").exists()


def test_npt_relaxes_the_box_and_the_baths_follow_it(tmp_path, monkeypatch):
    """LJ at T = 0.3 on its T = 0 lattice expands under zero-pressure NPT; the baths stay in the middle of A and B."""
    from kapitza.atomistic.lammps import lammps_module

    config = NemdConfig(potential="lj/cut", bath_width=1.5, steps_npt=600, **{**TINY, "steps_equilibration": 50})
    nominal = build_structure(config)
    nominal.write_lammps_data(tmp_path / DATA_FILE)
    monkeypatch.chdir(tmp_path)
    lmp = lammps_module().lammps(cmdargs=["-screen", "none", "-log", "none", "-nocite"])
    try:
        lmp.commands_string(unit_commands(config, 0))
        lmp.commands_string(unit_commands(config, 1))
        lx, ly, lz = (lmp.get_thermo(k) for k in ("lx", "ly", "lz"))
        lmp.commands_string("variable zh equal xcm(hot,z)\nvariable zc equal xcm(cold,z)")
        z_hot, z_cold = lmp.extract_variable("zh"), lmp.extract_variable("zc")
    finally:
        lmp.close()
    assert lx == pytest.approx(ly, rel=1e-12)  # x and y coupled
    assert lz > nominal.box[2] * 1.005 and lx > nominal.box[0] * 1.005  # thermal expansion at T = 0.3
    assert z_hot == pytest.approx(0.25 * lz, abs=0.02 * lz)  # middle of A (3 of 6 cells)
    assert z_cold == pytest.approx(0.75 * lz, abs=0.02 * lz)  # middle of B
    assert "$(zlo+0.25*lz-0.75)" in lammps_input(config)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"potential": "eam", "units": "metal"}, "potential= must be one of lj/cut, sw, tersoff"),
        ({"potential": "tersoff", "units": "lj"}, 'potential="tersoff" needs units="metal"'),
        ({"potential": "sw", "units": "metal", "epsilon_a": 0.5}, "apply to lj/cut only"),
        ({"potential": "sw", "units": "metal", "bath_width": 20.0}, "bath_width= 20 Angstrom does not fit"),
        ({"potential": "lj/cut", "units": "SI"}, "units= must be one of lj, metal"),
        ({"potential": "lj/cut", "steps_npt": 1}, "steps_npt= must be 0"),
    ],
)
def test_bad_system_is_one_input_error(change, message):
    with pytest.raises(InputError, match=message.replace("(", r"\(")):
        NemdConfig(**{**TINY, **change})


def test_missing_potential_file_is_an_input_error(tmp_path, monkeypatch):
    import kapitza.atomistic.lammps as lammps

    def missing(name):
        raise FileNotFoundError(name)

    monkeypatch.setattr(lammps, "potential_file", missing)
    with pytest.raises(InputError, match="potential file SiCGe.tersoff is not in the installed LAMMPS"):
        copy_potential_files(NemdConfig(**SYSTEMS["tersoff"]), tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_run_directory_is_self_contained(tmp_path):
    """run_nemd's preparation (no LAMMPS run) writes the Si/Ge data file and a copy of Si.sw beside in.lammps."""
    from kapitza.md.run import run_nemd

    run_nemd(NemdConfig(**SYSTEMS["sw"]), tmp_path / "run", stop_after_units=0)
    names = {p.name for p in (tmp_path / "run").iterdir()}
    assert {"Si.sw", DATA_FILE, "in.lammps", "config.toml"} <= names
    assert "72.63" in (tmp_path / "run" / DATA_FILE).read_text()


FIXED = {
    "potential": "lj/cut",
    "geometry": "fixed",
    "frozen_planes": 2,
    "bath_width": 1.5,
    "steps_npt": 200,
    **{**TINY, "cells_a": 4, "cells_b": 4},
}


def test_fixed_ends_structure_has_one_interface_and_mixes_only_it():
    config = NemdConfig(**{**FIXED, "mixing_layers": 2, "structure_seed": 3})
    assert config.n_interfaces == 1 and NemdConfig(potential="lj/cut").n_interfaces == 2
    s = build_structure(config)
    a = config.lattice_constant
    np.testing.assert_allclose(s.interfaces_z, [4 * a])
    z = s.positions[:, 2]
    near_walls = (z < a) | (z > s.box[2] - a)
    np.testing.assert_array_equal(s.types[near_walls], np.where(z[near_walls] < a, 1, 2))  # ends stay pure
    assert (s.types[np.abs(z - 4 * a) < a] != np.where(z[np.abs(z - 4 * a) < a] < 4 * a, 1, 2)).any()


def test_fixed_ends_run_in_lammps_walls_frozen_baths_beside_them(tmp_path, monkeypatch):
    """boundary p p f, 2 frozen planes at each end (zero kinetic energy, never integrated), hot bath in A next to
    the left wall, cold bath in B next to the right one; the mobile atoms at the set temperature."""
    from kapitza.atomistic.lammps import lammps_module

    config = NemdConfig(**FIXED)
    s = build_structure(config)
    s.write_lammps_data(tmp_path / DATA_FILE)
    text = lammps_input(config)
    assert "boundary p p f" in text and "fix integrate mobile nve" in text and "z 0 0" not in text
    monkeypatch.chdir(tmp_path)
    lmp = lammps_module().lammps(cmdargs=["-screen", "none", "-log", "none", "-nocite"])
    try:
        lmp.commands_string(unit_commands(config, 0))
        lmp.commands_string(unit_commands(config, 1))
        lmp.commands_string(
            "compute kewalls walls ke\ncompute tmobile mobile temp\n"
            "variable zh equal xcm(hot,z)\nvariable zc equal xcm(cold,z)\nvariable zw equal xcm(wall_lo,z)\n"
            "variable nw equal count(walls)\nvariable nh equal count(hot)\n"
            "thermo_style custom step c_kewalls c_tmobile\nrun 0"
        )
        ke_walls, t_mobile = lmp.extract_compute("kewalls", 0, 0), lmp.extract_compute("tmobile", 0, 0)
        z_hot, z_cold, z_wall = (lmp.extract_variable(v) for v in ("zh", "zc", "zw"))
        n_walls, n_hot = lmp.extract_variable("nw"), lmp.extract_variable("nh")
        lz = lmp.get_thermo("lz")
    finally:
        lmp.close()
    a, w = config.lattice_constant, config.bath_width
    plane_atoms = 2 * 2 * 2  # atoms per (001) plane of a 2x2 fcc cross-section
    assert n_walls == 2 * 2 * plane_atoms
    assert ke_walls == 0.0
    assert lz == pytest.approx(s.box[2])  # z is not barostatted with walls
    assert z_wall == pytest.approx(a / 2, abs=1e-9)  # planes at a/4 and 3a/4 have not moved
    assert 0.2 < t_mobile < 0.4
    assert n_hot == 2 * plane_atoms  # 1.5 sigma next to the wall holds two planes
    assert z_hot == pytest.approx(a + w / 2, abs=0.3) and z_hot < 4 * a
    assert z_cold == pytest.approx(lz - a - w / 2, abs=0.3) and z_cold > 4 * a


def test_bath_inside_the_frozen_ends_is_an_input_error():
    with pytest.raises(InputError, match="does not fit in crystal A between its frozen end"):
        NemdConfig(**{**FIXED, "frozen_planes": 7})
    with pytest.raises(InputError, match="geometry= must be periodic or fixed"):
        NemdConfig(**{**FIXED, "geometry": "open"})


@pytest.mark.parametrize("name", ["si_ge_sw.toml", "si_ge_tersoff_fixed.toml", "argon_si.toml", "lj_mass_ratio.toml"])
def test_example_configs_are_valid(name):
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "examples" / "md" / name
    config = NemdConfig.from_mapping(tomllib.loads(path.read_text()), name)
    assert config.n_blocks >= 5
    assert build_structure(config).n_atoms > 0
