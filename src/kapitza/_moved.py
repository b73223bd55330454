"""The one way a public name that moved keeps working at its old place: from its new module, with a
DeprecationWarning that names the new place (a module-level ``__getattr__`` of the old module calls
:func:`moved_name`).  The warning is given where the name is used, never when the old module is imported, so a
walk over kapitza's modules (:func:`kapitza.load`) stays silent."""

from __future__ import annotations

import importlib
import warnings
from collections.abc import Mapping
from typing import Any

__all__ = ["moved_name"]


def moved_name(module: str, name: str, moved: Mapping[str, str]) -> Any:
    """``name`` of the old ``module`` from its new place, with a DeprecationWarning; AttributeError for any other name.

    ``moved`` maps each old name to its new module ("kapitza.phonons.stability"), or to "module:new_name" where the
    name changed too."""
    target = moved.get(name)
    if target is None:
        raise AttributeError(f"module {module!r} has no attribute {name!r}")
    where, _, new = target.partition(":")
    new = new or name
    warnings.warn(f"{module}.{name} is deprecated: use {where}.{new}", DeprecationWarning, stacklevel=3)
    return getattr(importlib.import_module(where), new)
