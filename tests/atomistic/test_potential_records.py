"""Issue 85, item 2: one record per potential.  The loader, the memory and time statements, the AGF's receptive
field and the bonding plan read their numbers from kapitza.atomistic.potential_records, and no other module's code
names a built-in potential."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest

from kapitza.atomistic import calculators, call_memory, force_cost, potential_records
from kapitza.atomistic.potential_records import POTENTIALS, PotentialRecord, register_potential
from kapitza.errors import InputError
from kapitza.prediction import bonding
from kapitza.transmission.agf import local_fc

SRC = Path(__file__).resolve().parents[2] / "src" / "kapitza"


def _code_strings(path: Path) -> set[str]:
    """The string constants of a module's code: not its docstrings (comments are not in the tree)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
            and id(n) not in docs}  # fmt: skip


def test_a_potential_is_named_in_the_code_of_two_modules_at_most():
    """The record and the loader (whose "chgnet" is also its package's name); issue 85's goal is three at most."""
    names = set(POTENTIALS) | {n + calculators.D3_SUFFIX for n in POTENTIALS}
    naming = {p.relative_to(SRC).as_posix() for p in SRC.rglob("*.py") if _code_strings(p) & names}
    assert naming <= {"atomistic/potential_records.py", "atomistic/calculators.py"}, naming


def test_a_classic_or_md_potential_is_named_in_the_code_of_three_modules_at_most():
    """Issue 85's goal for the force-constant registry (kapitza.atomistic.potentials) and the NEMD records
    (kapitza.atomistic.md_potentials) too: their own modules, and where a name is also a LAMMPS pair style the
    force-field reader's table of many-body styles (atomistic/forcefield.py), or where the NEMD driver stands the LJ
    record in for a user's structure (md/nemd.py).  Registry "lj" is left out: it is also LAMMPS's unit system, which
    many modules compare against (as a potential it is named in three: the registry, the NEMD records and the AGF
    of the MD systems).  Before this (cb563265): sw in 6 modules, tersoff 5, lj/cut 8."""
    from kapitza.atomistic.md_potentials import MD_POTENTIALS
    from kapitza.atomistic.potentials import available_potentials

    for name in (set(available_potentials()) - {"lj"}) | set(MD_POTENTIALS):
        naming = sorted(p.relative_to(SRC).as_posix() for p in SRC.rglob("*.py") if name in _code_strings(p))
        assert len(naming) <= 3, (name, naming)


def test_every_table_is_its_records():
    """Each consumer's table is the records' numbers, key for key (the law of one copy)."""
    assert dict(calculators.BUILTINS) == dict(POTENTIALS)
    for name, record in POTENTIALS.items():
        assert call_memory.FOOTPRINTS[name] == call_memory.Footprint(**record.footprint)
        assert force_cost.CALL_COSTS[name] == force_cost.CallCost(**record.call_cost)
        assert local_fc.RECEPTIVE_FIELD_ANGSTROM[name] == record.receptive_field
        assert force_cost.GPU_CALL_SECONDS.get(name, ()) == record.gpu_call_seconds
        if record.bonding_seconds is not None:
            assert bonding.SECONDS_PER_ATOM_CALL[name] == record.bonding_seconds
    assert calculators.DEFAULT_CALCULATOR.removesuffix(calculators.D3_SUFFIX) in POTENTIALS
    assert set(force_cost.GPU_CALL_SECONDS) <= set(POTENTIALS)


def _toy(description: str, factory: str) -> PotentialRecord:
    """A registered potential's record.  Its footprint and call cost are made-up stand-ins (no benchmark was run on
    these toys); the registry only has to carry them to the modules that state memory and time."""
    return PotentialRecord(
        package="ase",
        weights="",
        model="toy",
        description=description,
        citation="a toy of tests/atomistic/test_potential_records.py",
        receptive_field=0.0,
        footprint={"resident": 1e6, "pair_cutoff": 4.0, "per_pair": 1e3},
        call_cost={"pair_cutoff": 4.0, "per_pair": 1e-6, "fixed": 1e-3},
        factory=factory,
    )


@pytest.fixture
def toys():
    """Two potentials registered through one entry each (ASE's EMT; matscipy's Stillinger-Weber silicon), removed
    after the test."""
    names = {"toy-emt": "mlip_factories:emt", "toy-sw": "mlip_factories:stillinger_weber_si"}
    for name, factory in names.items():
        register_potential(name, _toy(f"{name}: {factory}", factory))
    try:
        yield names
    finally:
        for name in names:
            potential_records._REGISTRY.pop(name)


def test_a_registered_potential_runs_phonons_predict_and_agf(cli, toys):
    """Issue 85, item 2: one entry, and `phonons`, `predict --calculator` and the AGF take the potential by its
    name, with its record's numbers in every table that states memory and time."""
    pytest.importorskip("phonopy")
    pytest.importorskip("matscipy")
    for name in toys:
        assert call_memory.FOOTPRINTS[name].per_pair == 1e3 and force_cost.CALL_COSTS[name].fixed == 1e-3
        assert local_fc.RECEPTIVE_FIELD_ANGSTROM[name] == 0.0
    status, out, err = cli("phonons", "Si", "--calculator", "toy-sw", "--mesh", "8", "--quiet", "--json")
    assert status == 0, err
    assert "toy-sw" in out
    status, out, err = cli("predict", "Al", "Cu", "--calculator", "toy-emt", "-t", "300", "-m", "dmm", "--mesh", "8")
    assert status == 0, err
    assert "toy-emt" in out or "toy-emt" in err
    from kapitza.transmission.agf.run import run_agf

    result, _ = run_agf("Si", "Si", calculator="toy-sw", force_range=2 * 3.77118, kpoints=1, frequencies=40,
                        check_broadening=False, temperature=[300.0])  # fmt: skip
    assert result.settings["calculator"]["name"] == "toy-sw"
    assert np.all(result.conductance > 0)


@pytest.mark.parametrize(
    ("name", "factory", "fragment"),
    [("Toy", "m:f", "lower-case"), ("chgnet", "m:f", "registered already"), ("toy-x", "", "module:factory"),
     ("toy-x", "os.system", "module:factory")],
)  # fmt: skip
def test_a_bad_registration_is_refused(name, factory, fragment):
    with pytest.raises(InputError, match=fragment):
        register_potential(name, _toy("bad", factory))
    assert "toy-x" not in POTENTIALS and "Toy" not in POTENTIALS
