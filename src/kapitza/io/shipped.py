"""Results kapitza ships computed: the bulk phonons of the crystals users ask about most, read like cache entries.

The structure route (a side built from its structure with a potential) computes each crystal's relaxation and force
constants once per machine (:mod:`kapitza.phonons.from_structure`, minutes a crystal).  For the crystals of the
compilation's buildable pairs and of power, RF, optical and thermal-management devices, kapitza ships those
results, computed once with its default potential by ``scripts/ship_crystals.py`` (the command, the potential and
its version, the supercell and the date are in the shipped index, and on the docs page of shipped crystals).  Beside
them it ships the AGF of the measured pairs ``kapitza validate --model agf`` scores, and the crystals the potential
refuses there (``scripts/ship_agf_pairs.py``, from the cache of a validation run; the docs page of shipped AGF
pairs), so that a fresh install scores those pairs without a force call.

A shipped entry is the very entry the cache would hold (:mod:`kapitza.io.cache`): the same kind, the same full key
(the structure after standardisation, the calculator's identity -- its package version and the SHA-256 of its
weights -- and every setting), the same arrays; so a side uses it exactly where the cache would have served the same
computation, and only there.  A strained lattice, another polytype, another potential or another version of it is
another key: computed, never swapped for a shipped one.

What is checked before a shipped entry is used (:func:`shipped_arrays`)
----------------------------------------------------------------------
1. The index (``phonons/data/shipped/index.json``) has the SHA-256 the package's code records
   (:data:`kapitza.io.shipped_index.INDEX_SHA256`, written with the index by ``scripts/ship_crystals.py``), so an
   edited index (a value, a checksum, the potential named) is refused whole.
2. The entry's file is a regular file no larger than the index says, with the SHA-256 the index records; it is
   LZMA-compressed and decompressed to at most the size the index records (and the caller's bound), never more.
3. Then the cache's own reader: a zip of uncompressed ``.npy`` members, no object arrays, every shape checked, the
   stored key equal to the caller's, the caller's physical checks (the force constants' sum rule and symmetry).

Anything that fails is not used: the result is computed as if nothing were shipped, and the user is told once
(:class:`~kapitza.errors.CacheNote`).  Nothing here ever raises on a shipped file.
"""

from __future__ import annotations

import functools
import hashlib
import lzma
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from numpy.typing import NDArray

from ..errors import InputError
from .json_file import parse
from .paths import read_bounded

__all__ = ["SHIPPED_KINDS", "index", "shipped_arrays", "shipped_folder"]

#: The kinds of cache entries kapitza ships: a crystal's phonons and the supercell its widening search accepted
#: (``scripts/ship_crystals.py``); a measured pair's AGF and a crystal the potential refuses, as ``kapitza validate
#: --model agf`` reads them (``scripts/ship_agf_pairs.py``).
SHIPPED_KINDS = frozenset(
    {"structure-phonons", "structure-phonons-search", "agf-validation-pair", "calculator-validation-crystal"}
)
#: Largest index read, bytes.
MAX_INDEX_BYTES = 4_000_000
#: The folder of the shipped entries, inside the package.
_FOLDER = Path(__file__).resolve().parents[1] / "phonons" / "data" / "shipped"


def shipped_folder() -> Path | None:
    """Where the shipped entries and their index lie: the package's folder, or ``$KAPITZA_SHIPPED_DIR`` where set (an
    empty value: nothing shipped is used).

    What that variable is for: a folder of entries written the way ``scripts/ship_crystals.py`` writes kapitza's (a
    test's, or a group's own crystals computed once for its machines).  Such a folder is not kapitza's own: its
    ``index.sha256`` only says the folder is unchanged since whoever wrote it wrote it, not that kapitza computed it.
    Its entries are the user's data, so every use of one says so (:func:`shipped_arrays`), each time."""
    given = os.environ.get("KAPITZA_SHIPPED_DIR")
    if given is None:
        return _FOLDER
    return Path(given) if given.strip() else None


def _note(message: str) -> None:
    """Tell the user once (a :class:`~kapitza.errors.CacheNote`, as the cache tells what it did not use)."""
    import warnings

    from ..errors import CacheNote

    if message not in _told:
        _told.add(message)
        warnings.warn(message, CacheNote, stacklevel=4)


#: Notes given in this process (each is given once).
_told: set[str] = set()


def _digest_expected(folder: Path) -> str | None:
    """The SHA-256 the code records for the index of ``folder`` (the package's), or what a test folder's
    ``index.sha256`` beside it says (a test's own shipped folder records its own)."""
    if folder == _FOLDER:
        from .shipped_index import INDEX_SHA256

        return INDEX_SHA256
    try:
        return (folder / "index.sha256").read_text(encoding="ascii").strip()
    except OSError:
        return None


@functools.lru_cache(maxsize=4)
def _index_of(folder: str) -> dict[str, Any] | None:
    path = Path(folder) / "index.json"
    raw = _bounded_read(path, MAX_INDEX_BYTES)
    if raw is None:
        return None
    if isinstance(raw, str):
        _note(f"the shipped index {str(path)!r} {raw}: nothing shipped is used")
        return None
    expected = _digest_expected(Path(folder))
    if expected is None or hashlib.sha256(raw).hexdigest() != expected:
        _note(f"the shipped index {str(path)!r} is not the one this kapitza records (altered): nothing shipped is used")
        return None
    try:
        found = parse(raw.decode("utf-8"), "the shipped index")  # the one bounded reader: depth and constants
    except (InputError, UnicodeDecodeError):
        _note(f"the shipped index {str(path)!r} is not JSON within a record's depth: nothing shipped is used")
        return None
    if not isinstance(found, dict) or not isinstance(found.get("entries"), dict):
        _note(f"the shipped index {str(path)!r} has no entries: nothing shipped is used")
        return None
    return found


def index() -> dict[str, Any] | None:
    """The verified index of the shipped entries (None where there is none, or it is refused: told once)."""
    folder = shipped_folder()
    return None if folder is None else _index_of(str(folder))


def _bounded_read(path: Path, bound: int) -> bytes | str | None:
    """The bytes of regular file ``path`` if it holds at most ``bound`` of them (the one bounded read,
    :func:`kapitza.io.paths.read_bounded`); None where there is no file; else why not (a link too: a shipped file
    is never one)."""
    if os.path.islink(path):
        return "is a link"
    if not os.path.lexists(path):
        return None
    try:
        return read_bounded(path, "", bound, "a shipped file is read")
    except InputError as exc:
        return str(exc).strip()


def _decompress(data: bytes, limit: int) -> bytes | str:
    """``data`` LZMA-decompressed to at most ``limit`` bytes, or why not."""
    try:
        d = lzma.LZMADecompressor(format=lzma.FORMAT_XZ)
        out = d.decompress(data, max_length=limit + 1)
    except lzma.LZMAError:
        return "is not an xz stream"
    if len(out) > limit or not d.eof:
        return f"decompresses to more than {limit} bytes"
    if d.unused_data:
        return "holds data after its stream"
    return out


def shipped_arrays(
    kind: str, key_text: str, bound: int, read: Callable[[bytes], dict[str, NDArray[Any]] | str]
) -> dict[str, NDArray[Any]] | None:
    """The arrays of the shipped entry of ``(kind, key_text)`` (the cache's full key of the same computation), or None
    where nothing is shipped for it or what is shipped is refused (told once).  ``bound``: most bytes its payload
    may hold; ``read(payload)``: the cache's own reader of a payload (its arrays, checked against the caller's key,
    shapes and physics; or why not), run on the decompressed file after the checks of the module text."""
    if kind not in SHIPPED_KINDS:
        return None
    found = index()
    if found is None:
        return None
    name = hashlib.sha256(key_text.encode()).hexdigest()
    entry = found["entries"].get(name)
    if not isinstance(entry, dict):
        return None
    why = _entry_why(entry, kind)
    folder = shipped_folder()
    arrays = None
    if why is None and folder is not None:
        arrays, why = _read_entry(folder, entry, bound, read)
    if why is not None:
        _note(f"the shipped {kind} entry {entry.get('crystal', name[:12])!r} {why}: not used, computed")
        return None
    if folder is not None and folder != _FOLDER:
        _say_foreign(folder, kind, str(entry.get("crystal", name[:12])))
    return arrays


def _say_foreign(folder: Path, kind: str, crystal: str) -> None:
    """Say, at every use, that an entry came from a folder that is not kapitza's own (``$KAPITZA_SHIPPED_DIR``)."""
    import warnings

    from ..errors import CacheNote

    warnings.warn(
        f"the {kind} entry {crystal!r} is read from KAPITZA_SHIPPED_DIR={str(folder)!r}, a folder that is not "
        "kapitza's own: its numbers are that folder's (its index.sha256 vouches only that it is unchanged)",
        CacheNote,
        stacklevel=4,
    )


def _entry_why(entry: Mapping[str, Any], kind: str) -> str | None:
    file, digest, size, packed = (entry.get(k) for k in ("file", "sha256", "bytes", "packed_bytes"))
    if entry.get("kind") != kind:
        return "is of another kind"
    if not isinstance(file, str) or "/" in file or "\\" in file or file.startswith(".") or not file.endswith(".xz"):
        return "names no file of the shipped folder"
    if not isinstance(digest, str) or len(digest) != 64:
        return "records no checksum"
    if not all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in (size, packed)):
        return "records no size"
    return None


def _read_entry(
    folder: Path, entry: Mapping[str, Any], bound: int, read: Callable[[bytes], dict[str, NDArray[Any]] | str]
) -> tuple[dict[str, NDArray[Any]] | None, str | None]:
    size, packed = int(entry["bytes"]), int(entry["packed_bytes"])
    if size > bound:
        return None, f"holds {size} bytes, more than the {bound} an entry of this key may"
    raw = _bounded_read(folder / str(entry["file"]), packed)
    if raw is None:
        return None, "is missing"
    if isinstance(raw, str):
        return None, raw
    if hashlib.sha256(raw).hexdigest() != entry["sha256"]:
        return None, "was altered (its checksum is not the index's)"
    payload = _decompress(raw, size)
    if isinstance(payload, str):
        return None, payload
    arrays = read(payload)
    return (None, arrays) if isinstance(arrays, str) else (arrays, None)


def pack(payload: bytes) -> bytes:
    """A cache entry's payload (:func:`kapitza.io.cache._payload`, its key included) as a shipped file holds it."""
    return lzma.compress(payload, format=lzma.FORMAT_XZ, preset=9 | lzma.PRESET_EXTREME)
