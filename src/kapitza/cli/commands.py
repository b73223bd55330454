"""Register every command on the app.

The command modules define plain functions and never import :mod:`kapitza.cli.app`
back for them (no cycle); this module, imported by :func:`kapitza.cli.app.main`,
registers them.  ``agf``, ``materials`` and ``phonons`` still register
themselves with ``@app.command`` on import.
"""

from . import agf, materials, phonons  # noqa: F401  (self-registering)
from .app import app
from .predict import predict_command
from .transmission import transmission_command

app.command("predict")(predict_command)
app.command("transmission")(transmission_command)
