"""The click command behind the typer app with every command registered, for the CLI reference of the docs.

``click_app`` is built when this module is imported (the CLI itself never imports it).
"""

from __future__ import annotations

import typer

from . import commands  # noqa: F401  (registers the commands on the app)
from .app import app

click_app = typer.main.get_command(app)
