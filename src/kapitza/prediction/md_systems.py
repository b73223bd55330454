"""Deprecated path: the harmonic (AGF and full-dispersion DMM) spectra of an NEMD run's interface moved to
:mod:`kapitza.transmission.md_systems`, the layer its imports say (issue 76 item 5).

``from kapitza.prediction.md_systems import name`` still works, with a DeprecationWarning naming the new place.
"""

from __future__ import annotations

import importlib
from typing import Any


def __getattr__(name: str) -> Any:
    """A public name of :mod:`kapitza.transmission.md_systems`, from there, with a DeprecationWarning naming it."""
    from .._moved import moved_name

    public = [n for n in dir(importlib.import_module("kapitza.transmission.md_systems")) if not n.startswith("_")]
    return moved_name(__name__, name, dict.fromkeys(public, "kapitza.transmission.md_systems"))
