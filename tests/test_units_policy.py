"""Physical constants are written once, in :mod:`kapitza.units` (issue 26, item 5; DESIGN.md "Conventions").

An AST scan of every module of ``src/kapitza`` outside ``units.py`` fails on

* a number literal equal (relative 1e-6) to a CODATA constant that :mod:`kapitza.units` defines
  (:data:`kapitza.units.CODATA`: hbar, h, k_B, e, N_A, amu, c, m_e, sigma_SB) or to one of them in the units a
  user meets (k_B, hbar and h in eV), times any power of ten (``1.602176634e13`` is e in eV ps^-1 A^-2 -> W m^-2),
  or to the angular frequency of 1 THz;
* a product of pi (``np.pi``, ``math.pi``, ``pi``, ``tau``) with ``1e12`` (or a quotient by ``1e12``): the THz <->
  rad/s factor, which is :data:`kapitza.units.RAD_S_PER_THZ` and :func:`kapitza.units.thz_to_rad_s`.

Docstrings and comments are not scanned (a derivation may quote a constant).  A self-test runs the scanner on a fake
source, so that a scan that finds nothing is known to be able to find something.
"""

from __future__ import annotations

import ast
import math
from pathlib import Path

import pytest

import kapitza
from kapitza import units

PACKAGE = Path(kapitza.__file__).parent

#: Constants no module but units.py may type, by name, matched times any power of ten: the CODATA values and the
#: same in the units users meet.
CONSTANTS: dict[str, float] = {
    **units.CODATA,
    "k_B in eV/K": units.KB / units.EV,
    "hbar in eV s": units.HBAR / units.EV,
    "h in eV s": units.PLANCK / units.EV,
}
#: Factors matched as they are (2 pi itself is a fine thing to type; 2 pi x 1e12 is the THz factor).
FACTORS: dict[str, float] = {
    "2 pi x 1e12 (rad/s per THz)": 2.0 * math.pi * 1e12,
    "1 / (2 pi x 1e12)": 1.0 / (2.0 * math.pi * 1e12),
}
RELATIVE = 1e-6


def _match(value: float) -> str | None:
    """The name of the constant ``value`` is (times a power of ten for CONSTANTS), or None."""
    for name, constant in FACTORS.items():
        if math.isclose(value, constant, rel_tol=RELATIVE):
            return name
    for name, constant in CONSTANTS.items():
        ratio = value / constant
        if not (ratio > 0 and math.isfinite(ratio)):
            continue
        power = round(math.log10(ratio))
        if math.isclose(ratio, 10.0**power, rel_tol=RELATIVE):
            return name if power == 0 else f"{name} x 1e{power}"
    return None


def _is_pi(node: ast.AST) -> bool:
    if isinstance(node, ast.Attribute):
        return node.attr in ("pi", "tau")
    if isinstance(node, ast.Name):
        return node.id in ("pi", "tau", "PI", "TAU", "TWO_PI")
    return False


def _factors(node: ast.AST) -> list[ast.AST]:
    """The operands of a chain of * and /, flattened."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mult, ast.Div)):
        return _factors(node.left) + _factors(node.right)
    return [node]


def _docstring_nodes(tree: ast.AST) -> set[int]:
    found: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def find_constants(source: str, where: str = "<source>") -> list[str]:
    """Every typed-in physical constant in ``source``, as 'where:line: what'."""
    tree = ast.parse(source)
    problems: list[str] = []
    inner: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mult, ast.Div)) and id(node) not in inner:
            factors = _factors(node)
            for sub in ast.walk(node):
                if sub is not node:
                    inner.add(id(sub))
            numbers = [f.value for f in factors if isinstance(f, ast.Constant) and isinstance(f.value, (int, float))]
            if any(_is_pi(f) for f in factors) and any(abs(float(v)) in (1e12, 1e-12) for v in numbers):
                problems.append(f"{where}:{node.lineno}: 2 pi x 1e12 typed (use units.RAD_S_PER_THZ / thz_to_rad_s)")
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
            value = abs(float(node.value))
            if value == 0 or not math.isfinite(value):
                continue
            name = _match(value)
            if name is not None:
                problems.append(f"{where}:{node.lineno}: {node.value!r} is {name} (use kapitza.units)")
    return problems


def test_the_scanner_finds_typed_constants_in_a_fake_source():
    """Self-test: each kind of typed constant is found, and ordinary numbers and docstrings are not."""
    fake = '''
"""Module docstring quoting k_B = 1.380649e-23 J/K: not code."""
import math
import numpy as np
KB = 1.380649e-23
N = 6.02214076e23
HB = 1.054571817e-34
EV_PER_K = 8.617333262e-5
FLUX = 1.602176634e13
def omega(f):
    """Docstring 2 * np.pi * 1e12 is not code either."""
    return f * (2.0 * np.pi * 1e12)
def thz(w):
    return w / (2 * math.pi) / 1e12
def also(w):
    return 2 * pi * 1e12 * w
ordinary = 1e12 * 3.0 + 2.0 * np.pi + 1e-9 + 300.0
'''
    problems = find_constants(fake, "fake.py")
    lines = sorted(int(p.split(":")[1]) for p in problems)
    assert lines == [5, 6, 7, 8, 9, 12, 14, 16], problems
    assert any("is e x 1e32" in p for p in problems)
    assert any("is k_B (use" in p for p in problems) and any("is N_A" in p for p in problems)
    assert any("k_B in eV/K" in p for p in problems)
    assert find_constants("x = 1.38e-23  # two digits: an estimate, not the constant\n") == []


def test_no_module_outside_units_types_a_physical_constant():
    problems: list[str] = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        if rel == "units.py":
            continue
        problems += find_constants(path.read_text(encoding="utf-8"), rel)
    assert not problems, "\n".join(problems)


def test_the_constants_of_units_are_codata_2018():
    """The values are CODATA 2018 (exact since the 2019 SI for h, e, k_B, N_A, c: BIPM SI brochure, 9th ed.)."""
    assert units.PLANCK == 6.62607015e-34 and units.ELEMENTARY_CHARGE == 1.602176634e-19
    assert units.KB == 1.380649e-23 and units.AVOGADRO == 6.02214076e23 and units.SPEED_OF_LIGHT == 299792458.0
    assert math.isclose(units.HBAR, units.PLANCK / (2 * math.pi), rel_tol=1e-15)
    assert units.RAD_S_PER_THZ == 2 * math.pi * 1e12


def test_the_constants_of_units_are_scipys():
    """units.py types the constants instead of importing scipy.constants (0.1 s of start-up): each must be the
    number scipy.constants carries (CODATA 2022 in scipy >= 1.15), to the last bit but for the derived ones."""
    constants = pytest.importorskip("scipy.constants")
    exact = {"h": constants.h, "k_B": constants.k, "e": constants.e, "N_A": constants.N_A, "c": constants.c}
    measured = {"amu": constants.atomic_mass, "m_e": constants.m_e}
    for name, value in {**exact, **measured}.items():
        assert units.CODATA[name] == value, name
    assert math.isclose(units.HBAR, constants.hbar, rel_tol=1e-15)
    assert math.isclose(units.STEFAN_BOLTZMANN, constants.Stefan_Boltzmann, rel_tol=1e-15)
    assert units.EV == constants.electron_volt
