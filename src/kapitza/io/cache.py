"""On-disk cache of computed arrays, keyed by everything that made them, verified on read.

Expensive intermediate results (force constants, Brillouin-zone meshes) are
stored as ``.npz`` files under :func:`cache_dir` (``$KAPITZA_CACHE_DIR``, else
``~/.cache/kapitza``).  The file name is a SHA-256 of a canonical JSON of the
key, so a change of any input (positions, potential parameters, displacement,
code version of the format) gives a new entry.  Writes are atomic.

Each entry also stores the full canonical key and a SHA-256 checksum of its
arrays (names, dtypes, shapes and bytes).  On read both are verified: an entry
that is truncated, empty, not a zip file, bit-flipped, edited (a scaled array
gives another checksum), of another key, or of a layout the caller did not ask
for is discarded and recomputed; it is never used and never raises.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..errors import InputError
from .atomic import atomic_write

#: Bump when the layout of cached arrays changes, to invalidate old entries.
#: 2: every entry carries its full key and a SHA-256 checksum of its arrays, verified on read.
FORMAT_VERSION = 2

#: Names of the bookkeeping arrays stored beside the data in each entry.
_KEY_FIELD = "__kapitza_key__"
_CHECKSUM_FIELD = "__kapitza_checksum__"


def cache_dir() -> Path:
    """Directory of the cache: $KAPITZA_CACHE_DIR, else ~/.cache/kapitza (created on demand).

    Raises InputError where $KAPITZA_CACHE_DIR names something that is not a folder and cannot be made one (the
    user's setting is wrong: one line), OSError where the default folder cannot be made (the caller then computes
    without the cache)."""
    named = os.environ.get("KAPITZA_CACHE_DIR")
    root = named or os.path.join(os.path.expanduser("~"), ".cache", "kapitza")
    path = Path(root)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        if named:
            raise InputError(
                f"KAPITZA_CACHE_DIR={named!r} is not a folder kapitza can use for its cache "
                f"({exc.strerror or type(exc).__name__}): point it at a folder, or unset it for ~/.cache/kapitza"
            ) from None
        raise
    return path


def _canonical(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        data = np.round(value, 12) if value.dtype.kind in "fc" else value
        return {"__array__": value.dtype.str, "shape": list(value.shape), "data": data.ravel().tolist()}
    if isinstance(value, (np.floating, np.integer)):
        return value.item()
    if isinstance(value, Mapping):
        return {str(k): _canonical(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, (list, tuple)):
        return [_canonical(v) for v in value]
    if isinstance(value, float):
        return float(f"{value:.15g}")
    return value


def _key_text(kind: str, parts: Mapping[str, Any]) -> str:
    """Canonical JSON of ``kind``, the format version and ``parts``: the full key of an entry."""
    return json.dumps({"kind": kind, "format": FORMAT_VERSION, "parts": _canonical(parts)}, sort_keys=True)


def cache_key(kind: str, parts: Mapping[str, Any]) -> str:
    """SHA-256 hex digest of ``kind`` and the canonical JSON of ``parts``."""
    return hashlib.sha256(_key_text(kind, parts).encode()).hexdigest()


def checksum(arrays: Mapping[str, NDArray[Any]]) -> str:
    """SHA-256 hex digest of the arrays' names, dtypes, shapes and bytes (in name order)."""
    digest = hashlib.sha256()
    for name in sorted(arrays):
        a = np.ascontiguousarray(arrays[name])
        digest.update(json.dumps([name, a.dtype.str, list(a.shape)]).encode())
        digest.update(a.tobytes())
    return digest.hexdigest()


def _read_verified(path: Path, key_text: str) -> dict[str, NDArray[Any]] | None:
    """The arrays of the entry at ``path`` if it verifies (key and checksum), else None."""
    try:
        with np.load(path, allow_pickle=False) as data:
            if not hasattr(data, "files"):  # a bare .npy, not an entry
                return None
            names = set(data.files)
            if _KEY_FIELD not in names or _CHECKSUM_FIELD not in names:
                return None
            stored_key = data[_KEY_FIELD]
            stored_sum = data[_CHECKSUM_FIELD]
            if stored_key.dtype.kind != "U" or stored_key.shape != () or str(stored_key) != key_text:
                return None
            arrays = {name: data[name] for name in names - {_KEY_FIELD, _CHECKSUM_FIELD}}
    except Exception:  # noqa: BLE001 - any damage (zip, zlib, header, EOF, value) means: recompute
        return None
    if stored_sum.dtype.kind != "U" or stored_sum.shape != () or str(stored_sum) != checksum(arrays):
        return None
    return arrays


def cached_arrays(
    kind: str,
    parts: Mapping[str, Any],
    compute: Callable[[], Mapping[str, NDArray[Any]]],
    enabled: bool = True,
) -> dict[str, NDArray[Any]]:
    """Return the arrays for ``(kind, parts)`` from the cache, computing and storing them if absent.

    Parameters
    ----------
    kind : str
        Family of results, e.g. "force-constants"; becomes the file-name prefix.
    parts : mapping
        Everything the result depends on (JSON-able values and numpy arrays).
    compute : callable
        Returns a mapping name -> ndarray when the cache has no valid entry.
    enabled : bool
        False skips the cache entirely (always computes, writes nothing).

    An existing entry is used only if its stored key equals ``(kind, parts)`` and
    its checksum matches its arrays; otherwise it is recomputed and rewritten.
    """
    if not enabled:
        return dict(compute())
    key_text = _key_text(kind, parts)
    try:
        folder = cache_dir()
    except InputError:
        raise
    except OSError:  # the default folder cannot be made (a read-only home): computed, not cached
        return dict(compute())
    path = folder / f"{kind}-{hashlib.sha256(key_text.encode()).hexdigest()[:32]}.npz"
    if path.is_file():
        arrays = _read_verified(path, key_text)
        if arrays is not None:
            return arrays
    elif path.exists():  # a folder or other non-file in the way: leave it, compute without caching
        return dict(compute())
    arrays = {name: np.asarray(value) for name, value in compute().items()}
    if _KEY_FIELD in arrays or _CHECKSUM_FIELD in arrays:
        raise ValueError(f"array names {_KEY_FIELD!r} and {_CHECKSUM_FIELD!r} are reserved by the cache")
    stored = {**arrays, _KEY_FIELD: np.array(key_text), _CHECKSUM_FIELD: np.array(checksum(arrays))}
    try:
        atomic_write(path, lambda p: np.savez(p, **stored))
    except OSError:
        pass  # an unwritable cache costs a recomputation next time, never the result
    return arrays
