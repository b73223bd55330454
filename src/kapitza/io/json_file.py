"""The one reader of the small JSON records kapitza writes and reads back (a run's ``run.json`` and ``state.json``, a
folder of replicas' ``replicas.json``): read within a size bound, parsed within a depth bound.

* **Bounded read.** :func:`kapitza.io.paths.read_ascii_text` (through :func:`~kapitza.io.paths.read_bounded`): a
  FIFO, a device or a file above the bound is refused, never waited on or read without end.  kapitza writes these
  records as ASCII (``json.dumps`` escapes the rest).
* **Bounded depth.** A record is a few levels deep; a document nested deeper than :data:`MAX_DEPTH` (a hundred
  thousand ``[`` in a 5 MB file makes the parser recurse past Python's limit, and even a thousand would make every
  later ``repr`` of it recurse) is refused before anything looks at its values, as is a ``RecursionError`` of the
  parser itself.
* **Plain JSON.** ``NaN`` and ``Infinity``, which Python's parser accepts and JSON does not have, are refused.

Every refusal is one InputError line naming the file.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from ..errors import InputError
from .paths import read_ascii_text

__all__ = ["MAX_DEPTH", "check_depth", "parse", "read"]

#: Deepest nesting of lists and objects a record may have (a run manifest or a replica record is 4 deep).
MAX_DEPTH = 32


def _refuse(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def parse(text: str, where: str) -> Any:
    """The JSON document in ``text`` (``where`` names it in messages): InputError for text that is not JSON, holds
    ``NaN``/``Infinity``, or nests lists and objects deeper than :data:`MAX_DEPTH`."""
    try:
        doc = json.loads(text, parse_constant=_refuse)
    except RecursionError:
        raise InputError(f"{where} nests lists or objects deeper than a kapitza record ({MAX_DEPTH} levels)") from None
    except ValueError as exc:
        raise InputError(f"{where} is not valid JSON ({' '.join(str(exc).split())[:200]})") from None
    if _depth(doc) > MAX_DEPTH:
        raise InputError(f"{where} nests lists or objects deeper than a kapitza record ({MAX_DEPTH} levels)")
    return doc


def check_depth(doc: Any, where: str) -> Any:
    """``doc`` (a parsed JSON document) if it nests lists and objects at most :data:`MAX_DEPTH` deep, else InputError
    naming ``where``: the depth bound of :func:`parse` for a document parsed elsewhere (a cache entry's, a saved
    result's, whose own parsing rules differ)."""
    if _depth(doc) > MAX_DEPTH:
        raise InputError(f"{where} nests lists or objects deeper than a kapitza record ({MAX_DEPTH} levels)")
    return doc


def read(path: str | os.PathLike, where: str, max_bytes: int, limit_text: str) -> Any:
    """The JSON document of the file ``path`` (at most ``max_bytes``, ASCII): :func:`parse` of its bounded read."""
    return parse(read_ascii_text(Path(path), where, max_bytes, limit_text), where)


def _depth(doc: Any) -> int:
    """Deepest nesting of lists and objects in ``doc``, counted without recursion (stops past :data:`MAX_DEPTH`)."""
    deepest = 0
    stack = [(doc, 1)] if isinstance(doc, (list, dict)) else []
    while stack:
        value, depth = stack.pop()
        deepest = max(deepest, depth)
        if deepest > MAX_DEPTH:
            break
        for item in value.values() if isinstance(value, dict) else value:
            if isinstance(item, (list, dict)):
                stack.append((item, depth + 1))
    return deepest
