"""One naming scheme for figures (issue 26 item 6): every public function of kapitza.plotting that returns a
matplotlib Figure is called ``NAME_figure`` (the majority's scheme; the ``plot_*`` names were renamed)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import kapitza.plotting


def _figure_functions() -> dict[str, object]:
    found = {}
    for info in pkgutil.walk_packages(kapitza.plotting.__path__, "kapitza.plotting."):
        if info.name.rsplit(".", 1)[-1].startswith("_") or info.name.endswith(".canvas"):  # the blank canvas
            continue
        module = importlib.import_module(info.name)
        for name, obj in vars(module).items():
            if inspect.isfunction(obj) and obj.__module__ == module.__name__ and not name.startswith("_"):
                if "Figure" in str(inspect.signature(obj).return_annotation):
                    found[f"{info.name}.{name}"] = obj
    return found


def test_every_figure_function_is_named_name_figure():
    functions = _figure_functions()
    assert len(functions) > 25  # the walk found the package's figures (33 when this test was written)
    assert [name for name in functions if not name.endswith("_figure")] == []


def test_no_plot_prefix_is_left():
    names = [
        name
        for info in pkgutil.walk_packages(kapitza.plotting.__path__, "kapitza.plotting.")
        for name in vars(importlib.import_module(info.name))
        if name.startswith("plot_")
    ]
    assert names + [n for n in kapitza.plotting.__all__ if n.startswith("plot_")] == []
