"""Deprecated path: moved to :mod:`kapitza.prediction.validation.buildable`, the validation subpackage (issue 76 item
5).

``from kapitza.prediction.buildable import name`` still works, with a DeprecationWarning naming the new place.
"""

from __future__ import annotations

import importlib
from typing import Any


def __getattr__(name: str) -> Any:
    """A public name of
    :mod:`kapitza.prediction.validation.buildable`, from there, with a DeprecationWarning naming it."""
    from .._moved import moved_name

    new = "kapitza.prediction.validation.buildable"
    public = [n for n in dir(importlib.import_module(new)) if not n.startswith("_")]
    return moved_name(__name__, name, dict.fromkeys(public, new))
