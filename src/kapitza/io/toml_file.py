"""Reading a user's TOML file safely: one reader for every TOML file kapitza takes.

Used by the material database (``[materials.<Name>]``), the electron data
(``[metals.<Name>]``) and the run configs (``kapitza agf --config``, ``kapitza md
run``): a missing path, a folder, an unreadable, oversized or non-UTF-8 file,
invalid or too deeply nested TOML, and for table files an unknown top-level key
or no tables at all, each give one :class:`~kapitza.errors.InputError` naming
the file.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import InputError

#: Largest run config (``kapitza agf --config``, ``kapitza md run``) accepted, bytes: a config is a few lines.
MAX_CONFIG_BYTES = 1_000_000


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


def parse(text: str, origin: str, invalid: str = ": invalid TOML") -> dict[str, Any]:
    """The TOML document in ``text``; errors read ``origin + invalid + ": why"``."""
    try:
        return tomllib.loads(text)
    except RecursionError:
        raise InputError(f"{origin}{invalid}: arrays or tables nested too deeply") from None
    except ValueError as exc:  # TOMLDecodeError, and integers too long to convert
        raise InputError(f"{origin}{invalid}: {exc}") from None


def read_document(path: str | os.PathLike[str], kind: str, max_bytes: int) -> dict[str, Any]:
    """The TOML document of the ``kind`` file ``path`` (at most ``max_bytes``), e.g. a run config."""
    p = Path(path)
    where = f"{kind} {str(p)!r}"
    if not p.exists():
        raise InputError(f"{where} does not exist")
    if not p.is_file():
        raise InputError(f"{where} is not a file")
    return parse(read_text(p, kind, max_bytes), where, " is not valid TOML")


def tables(text: str, origin: str, key: str, what: str) -> Mapping[str, Any]:
    """The non-empty ``[key.<Name>]`` tables of a TOML text; ``what`` names one entry (e.g. "material")."""
    document = parse(text, origin)
    extra = sorted(set(document) - {key})
    if extra:
        raise InputError(f"{origin}: unknown top-level key {extra[0]!r}; {what} tables go under [{key}.<Name>]")
    found = document.get(key)
    if not isinstance(found, Mapping) or not found:
        raise InputError(f"{origin}: no {key} found; write one table per {what} as [{key}.<Name>]")
    return found
