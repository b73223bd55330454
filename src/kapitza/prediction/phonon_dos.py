"""Deprecated path: the phonon densities of states of the EELS forward model moved to :mod:`kapitza.phonons.dos`,
the layer its imports say (issue 76 item 5).

``from kapitza.prediction.phonon_dos import name`` still works, with a DeprecationWarning naming the new place.
"""

from __future__ import annotations

import importlib
from typing import Any


def __getattr__(name: str) -> Any:
    """A public name of :mod:`kapitza.phonons.dos`, from there, with a DeprecationWarning naming it."""
    from .._moved import moved_name

    public = [n for n in dir(importlib.import_module("kapitza.phonons.dos")) if not n.startswith("_")]
    return moved_name(__name__, name, dict.fromkeys(public, "kapitza.phonons.dos"))
