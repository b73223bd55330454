"""Issue 85, item 2: one record per potential.  The loader, the memory and time statements, the AGF's receptive
field and the bonding plan read their numbers from kapitza.atomistic.potential_records, and no other module's code
names a built-in potential."""

from __future__ import annotations

import ast
from pathlib import Path

from kapitza.atomistic import calculators, call_memory, force_cost
from kapitza.atomistic.potential_records import POTENTIALS
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
