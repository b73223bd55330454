"""What a function accepts where it needs a material: a name, a path to a material file, or a Material."""

from __future__ import annotations

import os

from .material import Material

#: A database name or alias, a path to a user's material file (.toml), or a :class:`Material`.
MaterialSpec = str | os.PathLike | Material

__all__ = ["MaterialSpec"]
