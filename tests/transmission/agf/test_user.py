"""The user's-interface route of the AGF: which settings go together (the work itself is tested with its parts)."""

from __future__ import annotations

import pytest

from kapitza.errors import InputError
from kapitza.transmission.agf.run import run_agf


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"left": "Si", "right": "Ge", "structure": "s.extxyz", "pair": "p.lmp"}, "not both"),
        ({"structure": "s.extxyz"}, "exactly one of pair= .* and force_constants="),
        ({"structure": "s.extxyz", "pair": "p.lmp", "force_constants": "FC"}, "exactly one of"),
        ({"left": "Si", "right": "Ge", "pair": "p.lmp"}, "pair= goes with structure="),
        ({"left": "Si"}, "give the two crystals"),
        ({}, "give the two crystals"),
        ({"structure": "s.extxyz", "pair": "p.lmp", "cells": (4, 4)}, "cells= describes a built-in structure"),
        ({"structure": "s.extxyz", "pair": "p.lmp", "normal": "111"}, "normal= describes a built-in"),
        ({"structure": "s.extxyz", "pair": "p.lmp", "supercell": 2}, "supercell= goes with force_constants="),
    ],
)
def test_settings_that_do_not_go_together_are_refused_before_any_work(kwargs, match):
    with pytest.raises(InputError, match=match):
        run_agf(**kwargs)


def test_the_cli_names_its_options(cli, tmp_path):
    status, out, err = cli("agf", "--structure", str(tmp_path / "s.extxyz"))
    assert status == 2 and out == ""
    assert "--structure needs exactly one of --pair (LAMMPS pair lines) and --force-constants" in err
    assert len(err.strip().splitlines()) == 1
    status, _, err = cli("agf", "Si", "Ge", "--pair", str(tmp_path / "p.lmp"))
    assert status == 2 and "--pair goes with --structure" in err
