"""Reading a user's TOML data file safely: one reader for every table file of the materials layer.

Used by the material database (``[materials.<Name>]``) and the electron data
(``[metals.<Name>]``): a folder, an unreadable, oversized or non-UTF-8 file,
invalid or too deeply nested TOML, an unknown top-level key or no tables at all
each give one :class:`~kapitza.errors.InputError` naming the file.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import InputError


def read_text(path: str | os.PathLike[str], kind: str, max_bytes: int) -> str:
    """The UTF-8 text of ``path``, a ``kind`` file (e.g. "material file") of at most ``max_bytes``."""
    p = Path(path)
    if p.is_dir():
        raise InputError(f"{kind} {str(p)!r} is a folder; give a .toml file")
    try:
        with p.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except (OSError, ValueError) as exc:  # ValueError: a NUL byte in the path
        reason = getattr(exc, "strerror", None) or str(exc)
        raise InputError(f"cannot read {kind} {str(p)!r}: {reason}") from None
    if len(data) > max_bytes:
        raise InputError(f"{kind} {str(p)!r} is larger than {max_bytes / 1e6:g} MB; not a {kind}")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{kind} {str(p)!r} is not UTF-8 text (byte {exc.start}); is it a binary file?") from None


def tables(text: str, origin: str, key: str, what: str) -> Mapping[str, Any]:
    """The non-empty ``[key.<Name>]`` tables of a TOML text; ``what`` names one entry (e.g. "material")."""
    try:
        document = tomllib.loads(text)
    except RecursionError:
        raise InputError(f"{origin}: invalid TOML: arrays or tables nested too deeply") from None
    except ValueError as exc:  # TOMLDecodeError, and integers too long to convert
        raise InputError(f"{origin}: invalid TOML: {exc}") from None
    extra = sorted(set(document) - {key})
    if extra:
        raise InputError(f"{origin}: unknown top-level key {extra[0]!r}; {what} tables go under [{key}.<Name>]")
    found = document.get(key)
    if not isinstance(found, Mapping) or not found:
        raise InputError(f"{origin}: no {key} found; write one table per {what} as [{key}.<Name>]")
    return found
