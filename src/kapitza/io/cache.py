"""On-disk cache of computed arrays, keyed by everything that made them.

Expensive intermediate results (force constants, Brillouin-zone meshes) are
stored as ``.npz`` files under :func:`cache_dir` (``$KAPITZA_CACHE_DIR``, else
``~/.cache/kapitza``).  The file name is a SHA-256 of a canonical JSON of the
key, so a change of any input (positions, potential parameters, displacement,
code version of the format) gives a new entry.  Writes are atomic.
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

from .atomic import atomic_write

#: Bump when the layout of cached arrays changes, to invalidate old entries.
FORMAT_VERSION = 1


def cache_dir() -> Path:
    """Directory of the cache: $KAPITZA_CACHE_DIR, else ~/.cache/kapitza (created on demand)."""
    root = os.environ.get("KAPITZA_CACHE_DIR") or os.path.join(os.path.expanduser("~"), ".cache", "kapitza")
    path = Path(root)
    path.mkdir(parents=True, exist_ok=True)
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


def cache_key(kind: str, parts: Mapping[str, Any]) -> str:
    """SHA-256 hex digest of ``kind`` and the canonical JSON of ``parts``."""
    text = json.dumps({"kind": kind, "format": FORMAT_VERSION, "parts": _canonical(parts)}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


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
        Returns a mapping name -> ndarray when the cache has no entry.
    enabled : bool
        False skips the cache entirely (always computes, writes nothing).
    """
    if not enabled:
        return dict(compute())
    path = cache_dir() / f"{kind}-{cache_key(kind, parts)[:32]}.npz"
    if path.exists():
        try:
            with np.load(path, allow_pickle=False) as data:
                return {name: data[name] for name in data.files}
        except (OSError, ValueError):
            path.unlink(missing_ok=True)  # a corrupt entry is recomputed
    arrays = dict(compute())
    atomic_write(path, lambda p: np.savez(p, **arrays))
    return arrays
