"""The two JSON rules every ``--json`` output obeys, written once for the tests (issue 25's "strict" rule).

1. **Strict JSON**: no ``NaN``/``Infinity`` literals (Python's json writes them by default; they are not JSON).
2. **No silent zero or NaN error**: a key that names an error (``*_err``, ``*_error``, ``error``, ``error_*``,
   ``*_err_jackknife``) whose value is 0 or NaN (a number, ``null`` or the string ``"nan"``) needs a note in
   the same JSON object: a key ``<key>_note`` or any key ending in ``note``/``notes`` that is non-empty.
"""

from __future__ import annotations

import json
from typing import Any


def strict_loads(text: str) -> Any:
    """``json.loads`` that refuses NaN and Infinity literals."""

    def refuse(name: str) -> None:
        raise ValueError(f"non-JSON constant {name} in the output")

    return json.loads(text, parse_constant=refuse)


def _is_error_key(key: str) -> bool:
    if key.endswith("note") or key.endswith("notes"):
        return False
    return (
        key in ("error", "err", "sigma")
        or key.startswith("error_")
        or key.endswith("_err")
        or key.endswith("_error")
        or key.endswith("_err_jackknife")
    )


def _zero_or_nan(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return value == 0 or value != value
    if isinstance(value, str):
        return value.strip().lower() in ("nan", "0", "0.0")
    return False


def _noted(doc: dict, key: str) -> bool:
    if doc.get(f"{key}_note"):
        return True
    return any((k.endswith("note") or k.endswith("notes")) and doc[k] for k in doc)


def unexplained_errors(doc: Any, path: str = "$") -> list[str]:
    """Paths of error keys whose value is zero or NaN with no note beside them (rule 2)."""
    bad: list[str] = []
    if isinstance(doc, dict):
        for key, value in doc.items():
            if _is_error_key(key) and _zero_or_nan(value) and not _noted(doc, key):
                bad.append(f"{path}.{key}")
            bad += unexplained_errors(value, f"{path}.{key}")
    elif isinstance(doc, list):
        for i, value in enumerate(doc):
            bad += unexplained_errors(value, f"{path}[{i}]")
    return bad
