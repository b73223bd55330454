"""NEMD config validation and the generated LAMMPS input (deterministic, readable, the key commands in order)."""

from __future__ import annotations

import pytest

from kapitza.errors import InputError
from kapitza.md.inputs import lammps_input, unit_commands
from kapitza.md.nemd import NemdConfig
from kapitza.md.run import run_nemd, truncate_profile

SMALL = {
    "potential": "lj/cut",
    "n_x": 3,
    "n_y": 3,
    "cells_a": 6,
    "cells_b": 6,
    "mass_b": 4.0,
    "steps_production": 4000,
    "block_steps": 2000,
    "bath_width": 2.0,
}


def test_input_is_deterministic_and_has_the_key_commands_in_order():
    config = NemdConfig(**SMALL)
    text = lammps_input(config)
    assert text == lammps_input(NemdConfig(**SMALL))
    order = [
        "units lj",
        "read_data bicrystal.data",
        "pair_style lj/cut 2.5",
        "minimize",
        "velocity all create 0.3 12345",
        "fix nvt all nvt",
        "write_restart restart.eq",
        "read_restart restart.eq",
        "fix hot hot langevin 0.35 0.35 0.2",  # damp: the protocol study's default (docs/physics/nemd-protocol.md)
        "fix cold cold langevin 0.25 0.25 0.2",
        f"run {config.steps_steady}",
        "reset_timestep 0   # production",
        "write_restart restart.0",
        "variable b loop 2",
        "compute planes all chunk/atom bin/1d z",
        "fix profile all ave/chunk 10 200 2000 planes density/number temp ave one append profile.chunk",
        "run 2000\n",
        "append baths.txt",
        "write_restart restart.${b}",
        "jump SELF block",
    ]
    positions = [text.index(item) for item in order]
    assert positions == sorted(positions)
    assert text.count("tally yes") == 4  # two baths in the transient, two in the block
    # thermo_style resets the normalisation: every thermo_style is followed by thermo_modify norm no
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("thermo_style"):
            assert lines[i + 1].startswith("thermo_modify norm no")
    # the driver's block text is the script's block text
    assert unit_commands(config, 3).split("\n", 1)[1] in text
    assert unit_commands(config, 3).startswith("variable b equal 2\n")


def test_epsilon_mismatch_uses_the_geometric_mean():
    text = lammps_input(NemdConfig(**{**SMALL, "epsilon_b": 4.0}))
    assert "pair_coeff 2 2 4 1.0" in text and "pair_coeff 1 2 2 1.0" in text


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"steps_steady": -5}, "steps_steady= must be an integer >= 0"),
        ({"steps_production": 0}, "steps_production="),
        ({"steps_production": 3000}, "multiple of block_steps"),
        ({"block_steps": 2001, "steps_production": 4002}, "multiple of sample_every"),
        ({"bath_width": 9.3}, "bath_width= 9.3 sigma does not fit inside crystal A"),
        ({"cells_b": 1}, "does not fit inside crystal B"),
        ({"mixing_layers": 5}, "clear of the interfaces"),
        ({"temperature": 0.0}, "temperature= must be > 0 epsilon/k_B"),
        ({"delta_temperature": 1.0}, "below 2\\*temperature"),
        ({"potential": "eam"}, "potential= must be one of lj/cut"),
        ({"units": "real"}, "units= must be one of lj, metal"),
        ({"potential": "sw"}, 'potential="sw" needs units="metal"'),
        ({"potential": "tersoff", "units": "metal", "epsilon_b": 2.0}, "epsilon_a= and epsilon_b= apply to lj/cut"),
        ({"timestep": float("inf")}, "timestep= must be finite"),
        ({"timestep": "0.005"}, None),
        ({"seed": True}, "seed= must be an integer"),
    ],
)
def test_config_errors(change, message):
    """Refused with one InputError naming the setting; a number given as text is checked (kapitza._checks) and
    stored as the number."""
    if message is None:
        config = NemdConfig(**{**SMALL, **change})
        assert all(getattr(config, k) == float(v) for k, v in change.items())
        return
    with pytest.raises(InputError, match=message):
        NemdConfig(**{**SMALL, **change})


def test_mapping_errors():
    with pytest.raises(InputError, match="missing potential"):
        NemdConfig.from_mapping({k: v for k, v in SMALL.items() if k != "potential"})
    with pytest.raises(InputError, match="unknown setting\\(s\\) tempreature"):
        NemdConfig.from_mapping({**SMALL, "tempreature": 1.0})
    assert NemdConfig.from_mapping(SMALL) == NemdConfig(**SMALL)


def test_toml_round_trip():
    import tomllib

    config = NemdConfig(**SMALL)
    assert NemdConfig.from_mapping(tomllib.loads(config.to_toml())) == config


def test_changed_config_is_refused_and_nothing_is_written(tmp_path):
    """A run directory prepared (no LAMMPS: stop after 0 units) refuses a different config."""
    run = tmp_path / "run"
    result = run_nemd(NemdConfig(**SMALL), run, stop_after_units=0)
    assert result.n_blocks == 0
    names = sorted(p.name for p in run.iterdir())
    assert names == ["baths.txt", "bicrystal.data", "config.toml", "in.lammps", "run.json", "state.json"]
    before = {p.name: p.read_bytes() for p in run.iterdir()}
    with pytest.raises(InputError, match="config changed since the run started"):
        run_nemd(NemdConfig(**{**SMALL, "temperature": 0.4}), run)
    assert {p.name: p.read_bytes() for p in run.iterdir()} == before


def test_missing_parent_folder(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        run_nemd(NemdConfig(**SMALL), tmp_path / "no" / "run", stop_after_units=0)


def test_truncate_profile_keeps_whole_blocks_only():
    header = "# Chunk-averaged data\n# Timestep Number-of-chunks Total-count\n# Chunk Coord1 Ncount temp\n"
    block = "{step} 2 10\n  1 0.5 5 0.3\n  2 1.5 5 0.2\n"
    text = header + block.format(step=100) + block.format(step=200) + "300 2 10\n  1 0.5 5"
    assert truncate_profile(text, 5) == header + block.format(step=100) + block.format(step=200)
    assert truncate_profile(text, 1) == header + block.format(step=100)
    assert truncate_profile(text, 0) == header
