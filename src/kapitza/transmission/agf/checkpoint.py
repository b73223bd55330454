"""Finished (omega, k) chunks of a sweep on disk, so that an interrupted run resumes where it stopped.

A :class:`Checkpoint` is a folder holding one small ``.npz`` per finished
(k point, frequency chunk) unit, written atomically as soon as the unit is
done.  The folder is named by a SHA-256 of everything that determines the
numbers (the model's matrices and layout, the frequencies, the k points, the
broadening), so a rerun with the same inputs finds it and a run with other
inputs never mixes with it.  Every entry is checked on reading (its key, its
frequencies, finite values); one that does not verify is deleted and computed
again.  Files from disk are data: ``np.load(..., allow_pickle=False)``.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ...io.atomic import atomic_write

#: Bump when the layout of an entry changes.
FORMAT = 1


def sweep_key(model: Any, omega: NDArray[np.float64], kappa: NDArray[np.float64], eta: float, chunk: int) -> str:
    """SHA-256 hex digest of a sweep's inputs: model matrices and layout, frequencies, k points, eta, chunking."""
    h = hashlib.sha256()
    h.update(json.dumps({"format": FORMAT, "eta": float(eta).hex(), "chunk": int(chunk)}).encode())
    h.update(np.asarray(model.translations, dtype=np.int64).tobytes())
    h.update(np.asarray(model.bounds, dtype=np.int64).tobytes())
    for m in model.matrices:
        csr = m.tocsr()
        csr.sort_indices()
        for part in (csr.indptr, csr.indices, csr.data):
            h.update(np.ascontiguousarray(part).tobytes())
    h.update(np.ascontiguousarray(omega, dtype=np.float64).tobytes())
    h.update(np.ascontiguousarray(kappa, dtype=np.float64).tobytes())
    return h.hexdigest()


class Checkpoint:
    """The finished units of one sweep, under ``root/<key[:16]>/``."""

    def __init__(self, root: str | Path, key: str) -> None:
        self.key = key
        self.folder = Path(root) / key[:16]
        self.folder.mkdir(parents=True, exist_ok=True)
        #: The devices that computed the entries found so far (their ``--device``; "unrecorded" for entries
        #: written before the device was recorded): a run resumed on another device says which.
        self.found_devices: set[str] = set()

    def _path(self, ik: int, ic: int) -> Path:
        return self.folder / f"k{ik}-c{ic}.npz"

    def load(self, ik: int, ic: int, omega: NDArray[np.float64]) -> tuple[NDArray[np.float64], int, int] | None:
        """The unit's (xi, steps left, steps right) if a verified entry exists; a bad entry is removed."""
        path = self._path(ik, ic)
        if not path.is_file():
            return None
        try:
            with np.load(path, allow_pickle=False) as data:
                key = str(data["key"])
                w = np.array(data["omega"], dtype=float)
                xi = np.array(data["xi"], dtype=float)
                steps = np.array(data["steps"], dtype=np.int64)
                device = str(data["device"]) if "device" in data.files else "unrecorded"
        except Exception:  # noqa: BLE001 - any damage (truncated, bit flips, wrong keys) means: recompute
            path.unlink(missing_ok=True)
            return None
        if (
            key != self.key
            or w.shape != omega.shape
            or not np.array_equal(w, omega)
            or xi.shape != omega.shape
            or not np.all(np.isfinite(xi))
            or steps.shape != (2,)
        ):
            path.unlink(missing_ok=True)
            return None
        self.found_devices.add("".join(c for c in device[:80] if c.isprintable()))  # a file's text: one line
        return xi, int(steps[0]), int(steps[1])

    def store(
        self, ik: int, ic: int, omega: NDArray[np.float64], xi: NDArray[np.float64], sl: int, sr: int, device: str = ""
    ) -> None:
        """Write one finished unit atomically, with the ``device`` that computed it (its ``--device``) if given."""
        arrays = {"key": np.array(self.key), "omega": omega, "xi": np.asarray(xi, dtype=float), "steps": [sl, sr]}
        if device:
            arrays["device"] = np.array(str(device))
        atomic_write(self._path(ik, ic), lambda p: np.savez(p, **arrays))


def remove(root: str | Path) -> None:
    """Delete a checkpoint folder (after its result has been written)."""
    shutil.rmtree(root, ignore_errors=True)
