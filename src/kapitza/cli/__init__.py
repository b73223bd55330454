"""Command-line interface: a thin typer layer over the public API."""

from .app import app, main, run

__all__ = ["app", "main", "run"]
