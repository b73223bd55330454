"""``kapitza device NAME ...``: the application models of :mod:`kapitza.devices`.

``device_app`` is a typer sub-app; each device's command is a plain function in its own
``cli/device_<topic>.py`` module, registered on ``device_app`` in :mod:`kapitza.cli.commands`.
"""

from __future__ import annotations

import typer

device_app = typer.Typer(
    help="Application models with interface resistances: hotspot, film, superlattice, composite, polycrystal, "
    "thermoelectric, pcm, nanofluidic, cryogenic, spin, contact. Each prints its key numbers; --plot draws it.",
    no_args_is_help=True,
)
