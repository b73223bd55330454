"""Every module of the package serves the package (issue 76): a module under src/kapitza that only scripts/ or tests/
import is the laboratory's or a test's, and belongs there, not in the wheel.

A module that is only an old path kept for one release (its body a module ``__getattr__`` giving its names from
their new place through :func:`kapitza._moved.moved_name`, with a DeprecationWarning) is a *deprecated path*:
nothing imports it, by design, and it is not counted. A module is *reached* when another module of the package
imports it (any import, lazy ones inside functions too; a submodule's import reaches its parent packages), names it
by its dotted path in a string (``kapitza/__init__.py``'s lazy names), or is named by its last part in a package
that loads its modules by name through ``importlib.import_module`` (the CLI's lazy command group). The few public
entry points that nothing in the package imports, because they are what a user calls, are listed in
:data:`ENTRY_POINTS`, each with its reason.
"""

from __future__ import annotations

import ast
from pathlib import Path

import kapitza

PACKAGE = Path(kapitza.__file__).parent

#: Modules a user calls that no other module imports, each with why it belongs in the package.
ENTRY_POINTS: dict[str, str] = {
    "kapitza.__main__": "`python -m kapitza`, the CLI without the console script",
    "kapitza.cli.reference": "the whole CLI registered at once for the docs' CLI reference page, which the docs "
    "build imports (docs/_ext/cli_reference.py); the CLI itself registers a command only when it runs",
    "kapitza.atomistic.tersoff_mixing": "mixes two LAMMPS Tersoff files for a user's own interface (mix_tersoff; "
    "docs/howto/your-interface.md)",
    "kapitza.phonons.reference": "measured phonon frequencies with their sources, for a user to hold a crystal's "
    "phonons against (reference_frequencies; the phonon-accuracy page reads it too)",
    "kapitza.transmission.agf.convergence": "convergence_table, a user's check of an AGF run on finer grids "
    "(docs/howto/your-interface.md)",
    "kapitza.transmission.agf.modes": "mode_transmission, the transmission per incident Bloch mode, a lower-level "
    "AGF piece documented for users (docs/physics/agf.md)",
}


def _module_name(path: Path, package: Path) -> str:
    parts = list(path.relative_to(package.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _targets(path: Path, package: Path, modules: set[str]) -> tuple[set[str], set[str], bool]:
    """(modules ``path`` imports, string literals in it, whether it calls importlib.import_module)."""
    name = _module_name(path, package)
    is_init = path.name == "__init__.py"
    here = name.split(".") if is_init else name.split(".")[:-1]
    found: set[str] = set()
    strings: set[str] = set()
    dynamic = False
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = here[: len(here) - (node.level - 1)] + (node.module.split(".") if node.module else [])
            else:
                base = node.module.split(".") if node.module else []
            dotted = ".".join(base)
            found.add(dotted)
            found.update(f"{dotted}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            strings.add(node.value)
        elif isinstance(node, ast.Attribute) and node.attr == "import_module":
            dynamic = True
    reached = {m for m in found if m in modules}
    for m in list(reached):  # a submodule's import reaches its parents
        parts = m.split(".")
        reached.update(".".join(parts[:k]) for k in range(1, len(parts)))
    return reached, strings, dynamic


def is_deprecated_path(path: Path) -> bool:
    """The module only forwards moved names: no function or class but ``__getattr__``, which calls moved_name, and no
    import of a kapitza module at its top (a package that re-exports its modules is no deprecated path)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    defined = [n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]
    if [n.name for n in defined] != ["__getattr__"]:
        return False
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").startswith("kapitza")):
            return False
    return any(isinstance(n, ast.Call) and getattr(n.func, "id", "") == "moved_name" for n in ast.walk(defined[0]))


def unreached(package: Path) -> list[str]:
    """Modules of ``package`` (a folder holding an ``__init__.py``) that no other module of it reaches, deprecated
    paths left out."""
    files = [p for p in sorted(package.rglob("*.py")) if not is_deprecated_path(p)]
    modules = {_module_name(p, package) for p in files}
    reached: set[str] = set()
    for path in files:
        me = _module_name(path, package)
        imports, strings, dynamic = _targets(path, package, modules)
        reached |= imports - {me}
        reached |= {s for s in strings if s in modules and s != me}
        if dynamic:  # a loader by name: its package's modules named by their last part
            pkg = me if path.name == "__init__.py" else me.rsplit(".", 1)[0]
            reached |= {m for m in modules if m.rsplit(".", 1)[0] == pkg and m.rsplit(".", 1)[-1] in strings}
    return sorted(modules - reached - {package.name})


def test_every_module_is_reached_from_the_package():
    """Issue 76: no module of the package is imported only by scripts/ or tests/ (the calibration laboratory lives
    in scripts/calibration/laboratory); the public entry points nothing imports are listed with their reasons."""
    left = [m for m in unreached(PACKAGE) if m not in ENTRY_POINTS]
    assert left == [], f"modules only scripts/ or tests/ import (move them out, or list an entry point): {left}"


def test_every_listed_entry_point_exists_and_is_unreached():
    """The allowlist stays short and true: each entry exists and is still an entry point (else it leaves the list)."""
    found = set(unreached(PACKAGE))
    for name in ENTRY_POINTS:
        assert (PACKAGE.parent / (name.replace(".", "/") + ".py")).exists(), name
        assert name in found, f"{name} is imported by the package now: take it off ENTRY_POINTS"


def test_the_reach_check_sees_a_module_nobody_imports(tmp_path):
    """The check itself can fail: in a fake package, a module only a test would import is reported; a module
    imported lazily, one named in a string and one loaded by name through importlib are not."""
    fake = tmp_path / "kapitza"
    (fake / "sub").mkdir(parents=True)
    (fake / "__init__.py").write_text('LAZY = {"x": "kapitza.named"}\n')
    (fake / "sub" / "__init__.py").write_text("")
    (fake / "named.py").write_text("")
    (fake / "used.py").write_text("def f():\n    from .sub import lazy\n")
    (fake / "sub" / "lazy.py").write_text("")
    (fake / "loader.py").write_text(
        'import importlib\nTABLE = ("cmd",)\nimportlib.import_module(f"{__package__}.{TABLE[0]}")\n'
    )
    (fake / "cmd.py").write_text("from . import used\n")
    (fake / "orphan.py").write_text("")
    (fake / "old.py").write_text("def __getattr__(name):\n    return moved_name(__name__, name, {})\n")
    (fake / "not_old.py").write_text("def __getattr__(name):\n    return 1\n")
    (fake / "pkg").mkdir()
    (fake / "pkg" / "__init__.py").write_text("from .part import x\ndef __getattr__(n):\n    return moved_name(n)\n")
    (fake / "pkg" / "part.py").write_text("x = 1\n")
    assert unreached(fake) == ["kapitza.loader", "kapitza.not_old", "kapitza.orphan", "kapitza.pkg"]
