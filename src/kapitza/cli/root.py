"""The ``kapitza`` Typer app with no command registered: its name, help and settings.

Both the entry point (:mod:`kapitza.cli.app`) and the command table (:mod:`kapitza.cli.commands`, which builds a
one-command app when a command is called) make their apps here, so neither imports the other's module for it.
Light to import: typer is imported only when an app is made.
"""

from __future__ import annotations

_HELP = (
    "Thermal boundary (Kapitza) resistance: predict, simulate, analyse.\n\n"
    "Add --traceback anywhere to see the full traceback of an error."
)


def new_app(cls: type | None = None):
    """A ``kapitza`` Typer app with no command registered (``cls``: the class of its click group)."""
    import typer

    return typer.Typer(
        name="kapitza",
        help=_HELP,
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        cls=cls,
        # a callback makes typer build a group even before any command is registered (it takes no option)
        callback=_no_options if cls is not None else None,
    )


def _no_options() -> None:
    """Top-level options: none (``--version`` is answered before typer is imported)."""


__all__ = ["new_app"]
