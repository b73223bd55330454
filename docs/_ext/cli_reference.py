"""Sphinx extension: write the CLI reference (``docs/reference/cli_commands.md``) from the typer app.

typer vendors its own click (``typer._click``), so sphinx-click cannot read the app; instead, at
``builder-inited``, :func:`kapitza.cli.reference.write_cli_reference` walks ``kapitza.cli.reference.click_app``
and writes one section per command path with its options table. ``docs/reference/cli.md`` includes the file,
which is generated (git-ignored) and rewritten only when the CLI changed.
"""

from __future__ import annotations

from pathlib import Path


def _generate(app) -> None:
    from kapitza.cli.reference import write_cli_reference

    write_cli_reference(Path(app.srcdir) / "reference" / "cli_commands.md")


def setup(app):
    """Register the generator with Sphinx."""
    app.connect("builder-inited", _generate)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
