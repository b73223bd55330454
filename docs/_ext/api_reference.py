"""Sphinx extension: the API reference pages, one per public package, generated from the code at build time.

At ``builder-inited`` it writes ``docs/reference/generated/<module>.rst`` (git-ignored) for every module in
:data:`PUBLIC_MODULES`: the module docstring, then an ``autoclass``/``autofunction``/``autoexception``/
``autodata`` entry for every public name (the module's ``__all__``, or else the public functions and classes
defined in it). It also checks, through ``autodoc-process-docstring``, that every public class, function,
method and module documented has a docstring: an empty one is a warning, which ``-W`` makes an error.
"""

from __future__ import annotations

import importlib
import inspect
from pathlib import Path

from sphinx.util import logging

logger = logging.getLogger(__name__)

#: The modules with a page (the top-level names of ``kapitza`` are re-exports, listed in ``api.md`` with
#: links to these pages, so that every object is documented exactly once).
#: The modules with a page in the API reference, in the order of the package's layers.
PUBLIC_MODULES = (
    "kapitza.materials",
    "kapitza.literature",
    "kapitza.phonons",
    "kapitza.transmission",
    "kapitza.transmission.amm",
    "kapitza.transmission.chain",
    "kapitza.transmission.agf",
    "kapitza.prediction",
    "kapitza.atomistic.potentials",
    "kapitza.atomistic.calculators",
    "kapitza.atomistic.force_constants",
    "kapitza.atomistic.structures",
    "kapitza.atomistic.interface_modes",
    "kapitza.md",
    "kapitza.md.emd",
    "kapitza.md.spectral",
    "kapitza.md.campaign",
    "kapitza.md.replicas",
    "kapitza.cluster",
    "kapitza.analysis",
    "kapitza.analysis.eels",
    "kapitza.analysis.thermoreflectance",
    "kapitza.devices",
    "kapitza.plotting",
    "kapitza.io",
    "kapitza.errors",
)


def public_names(module) -> list[str]:
    """The documented names of ``module``: its ``__all__``, or the public classes and functions defined in it."""
    names = getattr(module, "__all__", None)
    if names is not None:
        return [name for name in names if name != "__version__"] + (["__version__"] if "__version__" in names else [])
    return [
        name
        for name, value in vars(module).items()
        if not name.startswith("_")
        and (inspect.isclass(value) or inspect.isfunction(value))
        and getattr(value, "__module__", None) == module.__name__
    ]


def _directive(module, name: str, seen: dict[int, str]) -> str:
    value = getattr(module, name)
    full = f"{module.__name__}.{name}"
    if inspect.isclass(value) and issubclass(value, BaseException):
        text = f".. autoexception:: {full}\n"
    elif inspect.isclass(value):
        text = f".. autoclass:: {full}\n   :members:\n"
    elif callable(value):
        text = f".. autofunction:: {full}\n"
    else:
        return f".. autodata:: {full}\n"
    if id(value) in seen:  # a re-export of an object documented on an earlier page: a second entry, no target
        return text + "   :no-index:\n"
    seen[id(value)] = full
    return text


def module_page(modname: str, seen: dict[int, str] | None = None) -> str:
    """The reStructuredText of the API page of ``modname`` (``seen``: objects documented on earlier pages)."""
    seen = {} if seen is None else seen
    module = importlib.import_module(modname)
    lines = [modname, "=" * len(modname), "", f".. automodule:: {modname}", "   :no-members:", ""]
    for name in public_names(module):
        lines += [_directive(module, name, seen)]
    return "\n".join(lines)


def write_api_pages(outdir: str | Path) -> list[Path]:
    """Write one page per module of :data:`PUBLIC_MODULES` into ``outdir`` (unchanged files are left alone)."""
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    seen: dict[int, str] = {}
    for modname in PUBLIC_MODULES:
        path = outdir / f"{modname}.rst"
        text = module_page(modname, seen)
        if not (path.is_file() and path.read_text(encoding="utf-8") == text):
            path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def _generate(app) -> None:
    write_api_pages(Path(app.srcdir) / "reference" / "generated")


def _is_missing(what: str, name: str, obj, lines: list[str]) -> bool:
    if any(part.startswith("_") for part in name.split(".")[1:]):
        return False
    if what not in ("module", "class", "exception", "function", "method"):
        return False
    text = "\n".join(lines).strip()
    if what in ("class", "exception") and inspect.isclass(obj):
        own = obj.__dict__.get("__doc__")
        # a dataclass without a docstring gets its signature as __doc__
        if not own or own.startswith(f"{obj.__name__}("):
            return True
    return not text


def _process_docstring(app, what, name, obj, options, lines) -> None:
    if what in ("data", "attribute") and not inspect.isclass(obj) and not callable(obj):
        # a constant without a ``#:`` comment would show its type's docstring (dict's, tuple's, ...)
        type_doc = inspect.getdoc(type(obj)) or ""
        if lines and "\n".join(lines).strip() == type_doc.strip():
            lines.clear()
        return
    if _is_missing(what, name, obj, lines):
        logger.warning("public %s %s has no docstring", what, name, type="kapitza", subtype="docstring")


def setup(app):
    """Register the generator and the docstring check with Sphinx."""
    app.connect("builder-inited", _generate)
    app.connect("autodoc-process-docstring", _process_docstring)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
