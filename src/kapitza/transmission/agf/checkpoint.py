"""Finished (omega, k) chunks of a sweep on disk, so that an interrupted run resumes where it stopped.

A :class:`Checkpoint` is a folder holding one small entry per finished (k point, frequency chunk) unit, written
atomically as soon as the unit is done.  The folder is named by a SHA-256 of everything that determines the
numbers (the model's matrices and layout, the frequencies, the k points, the broadening), so a rerun with the same
inputs finds it and a run with other inputs never mixes with it.

An entry is used only as the cache uses one (:func:`kapitza.io.cache.read_signed`): signed with the user's cache
key (HMAC-SHA256; whoever can write the folder but not read the key cannot make an entry be used), holding the
full key of its sweep and its own place in it (k point and chunk: an entry renamed to another place is refused),
the unit's frequencies, and a transmission the physics allows: finite, between 0 and the number of channels
(``most``, the smaller lead's degrees of freedom per layer: no more modes propagate one way), whole numbers for
a lead's channel count.  Anything else (edited, truncated, foreign, out of range) is deleted and computed again,
and the user told once per sweep (:class:`~kapitza.errors.CacheNote`).  Where the cache is off (its key refused)
nothing is read or written: the sweep is computed whole.  Files from disk are data: no pickle.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ...io import cache

#: Bump when the layout of an entry changes.  2: entries signed with the cache's key and range-checked.
FORMAT = 2
#: Relative slack of the range check (of the channel bound): the Caroli trace of a channel that is fully open or
#: closed lands within round-off of 1 or 0.
RANGE_SLACK = 1e-6


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
    """The finished units of one sweep, under ``root/<key[:16]>/``.

    ``most``: the most channels a unit's transmission may count (None: no upper bound); ``integer``: the entries
    are channel counts (whole numbers)."""

    def __init__(self, root: str | Path, key: str, most: float | None = None, integer: bool = False) -> None:
        self.key = key
        self.folder = Path(root) / key[:16]
        self.most = None if most is None else float(most)
        self.integer = bool(integer)
        self._secret = cache.signing_key()
        if self._secret is not None:
            self.folder.mkdir(parents=True, exist_ok=True)
        #: The devices that computed the entries found so far (their ``--device``; "unrecorded" for entries
        #: written without one): a run resumed on another device says which.
        self.found_devices: set[str] = set()
        #: Why each entry found and not used was refused.
        self.refused: list[str] = []

    def _path(self, ik: int, ic: int) -> Path:
        return self.folder / f"k{ik}-c{ic}.entry"

    def _key_text(self, ik: int, ic: int) -> str:
        return json.dumps({"kind": "agf-checkpoint", "format": FORMAT, "sweep": self.key, "k": ik, "chunk": ic})

    def _check(self, omega: NDArray[np.float64]) -> cache.Check:
        """What an entry of this unit must hold: its frequencies, a finite transmission within [0, most] (whole
        numbers for channel counts) and two non-negative step counts."""
        most = self.most

        def check(arrays: Mapping[str, NDArray[Any]]) -> str | None:
            w, xi, steps = arrays["omega"], arrays["xi"], arrays["steps"]
            if w.dtype.kind != "f" or not np.array_equal(w, omega):
                return "its frequencies are not the unit's"
            if xi.dtype.kind != "f" or not np.all(np.isfinite(xi)):
                return "its transmission is not finite"
            slack = RANGE_SLACK * (1.0 if most is None else max(most, 1.0))
            if np.any(xi < -slack) or (most is not None and np.any(xi > most + slack)):
                bound = "0" if most is None else f"0 to {most:g} channels"
                return f"its transmission {_extreme(xi, most):g} lies outside {bound}"
            if self.integer and np.any(np.abs(xi - np.rint(xi)) > slack):
                return "its channel counts are not whole numbers"
            if steps.dtype.kind not in "iu" or np.any(steps < 0):
                return "its step counts are not whole numbers >= 0"
            return None

        return check

    def load(self, ik: int, ic: int, omega: NDArray[np.float64]) -> tuple[NDArray[np.float64], int, int] | None:
        """The unit's (xi, steps left, steps right) if a verified entry exists; a refused entry is removed."""
        if self._secret is None:
            return None
        path = self._path(ik, ic)
        shapes = {"omega": omega.shape, "xi": omega.shape, "steps": (2,), "device": ()}
        found, why = cache.read_signed(path, self._secret, self._key_text(ik, ic), shapes=shapes,
                                       check=self._check(omega))  # fmt: skip
        if found is None:
            if why is not None:
                self.refused.append(why)
                path.unlink(missing_ok=True)
            return None
        device = str(found["device"]) if found["device"].dtype.kind == "U" else ""
        self.found_devices.add("".join(c for c in device[:80] if c.isprintable()) or "unrecorded")  # one line
        xi = np.array(found["xi"], dtype=float)
        return xi, int(found["steps"][0]), int(found["steps"][1])

    def store(
        self, ik: int, ic: int, omega: NDArray[np.float64], xi: NDArray[np.float64], sl: int, sr: int, device: str = ""
    ) -> None:
        """Write one finished unit atomically and signed, with the ``device`` that computed it (its ``--device``)
        if given; nothing where the cache is off."""
        if self._secret is None:
            return
        w = np.asarray(omega, dtype=float)
        arrays = {"omega": w, "xi": np.asarray(xi, dtype=float), "steps": np.array([sl, sr], dtype=np.int64),
                  "device": np.array(str(device))}  # fmt: skip
        shapes = {"omega": w.shape, "xi": w.shape, "steps": (2,), "device": ()}
        cache.write_signed(self._path(ik, ic), self._secret, self._key_text(ik, ic), arrays, shapes=shapes,
                           check=self._check(w))  # fmt: skip

    def tell(self) -> None:
        """Tell the user that entries of this sweep were not used (recomputed), and why the first was not: once
        per reason in a process, so the sweeps of one run that found the same damage give one note."""
        if self.refused:
            cache.note(f"checkpoint entries of an interrupted run not used, recomputed: one {self.refused[0]}")
            self.refused = []


def _extreme(xi: NDArray[np.float64], most: float | None) -> float:
    """The entry of ``xi`` farthest outside [0, most]."""
    low = float(np.min(xi))
    if most is None or low < 0 and -low >= float(np.max(xi)) - most:
        return low
    return float(np.max(xi))


def remove(root: str | Path) -> None:
    """Delete a checkpoint folder (after its result has been written)."""
    shutil.rmtree(root, ignore_errors=True)
