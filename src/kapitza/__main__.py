"""``python -m kapitza``: the same as the ``kapitza`` command."""

from .cli import run

run()
