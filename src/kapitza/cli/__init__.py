"""Command-line interface: a thin typer layer over the public API.

``main`` and ``run`` import neither typer nor any command module until a command needs them;
``app`` (the Typer app) is built on first access.
"""

from .app import main, run

# importing the submodule bound ``app`` to it; ``kapitza.cli.app`` is the Typer app, as it always was
globals().pop("app", None)

__all__ = ["app", "main", "run"]


def __getattr__(name: str):
    if name == "app":
        # not ``from . import app``: with the attribute popped, that would call this function again
        import importlib

        return importlib.import_module(f"{__name__}.app").__getattr__("app")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
