"""On-disk cache of computed arrays: keyed by everything that made them, signed with the user's own key, checked on
read.

Expensive intermediate results (force constants, lattice constants, elastic tensors, AGF rows) are stored under
:func:`cache_dir` (``$KAPITZA_CACHE_DIR``, else ``~/.cache/kapitza``) as ``KIND-HASH.entry`` files: a fixed header
and an uncompressed ``.npz`` payload.  The hash is a SHA-256 of a canonical JSON of the key, so a change of any input
(positions, potential parameters, displacement, format version) gives a new entry.  Writes are atomic.

Who can forge an entry
----------------------
Every entry is signed with HMAC-SHA256 under a secret of 32 random bytes that only the user can read, the key file
(:func:`key_file`): ``$KAPITZA_CACHE_KEY`` where set, else ``$XDG_CONFIG_HOME/kapitza/cache.key``, else
``~/.config/kapitza/cache.key``.  It is made on first use (mode 0600, atomically: a process never sees a partial
key) and used only if it is a regular file owned by the user, neither readable nor writable by group or others,
exactly 32 bytes, and not inside the cache folder.  Otherwise, or where it cannot be made (a read-only home), the
cache is off for that process: everything is computed, nothing is read or stored, and the user is told once
(:class:`~kapitza.errors.CacheNote`).

So whoever can write the cache folder (a shared ``KAPITZA_CACHE_DIR`` on a cluster, a copied cache) but cannot read
the key can delete entries or make them fail to verify, never make one be used: a forged, edited, truncated or
swapped entry, or one signed with another key, is recomputed and stored afresh, and the user is told once per
entry.  Whoever can read the key (the user, root) can forge entries.  An entry is the user's own earlier result
for the same key; a copied cache is recomputed under the reader's key.

What is checked, in order, before anything is parsed
----------------------------------------------------
1. The file is a regular file (no link, folder or pipe) no larger than the entry's bound: the arrays' bytes
   (``max_bytes`` stated by the caller, else 16 bytes an element of the expected ``shapes``, else
   :data:`DEFAULT_MAX_BYTES`), the stored key and :data:`MEMBER_OVERHEAD` a member.  Nothing larger is read.
2. Its fixed header (:data:`MAGIC`, the payload's length, the tag) matches its size, and the tag is the HMAC of the
   header and payload under the user's key (compared in constant time).  Only then is the payload parsed.
3. The payload is a zip of uncompressed ``.npy`` members (a compressed member is refused: nothing is ever
   decompressed, so nothing read back is larger than the file); every member's header is read before its data and
   its shape checked against ``shapes`` and its size against the member's; no object arrays (no pickle).
4. The stored key equals the caller's, so an entry of another key signed by the same user is not used.
5. The caller's ``check`` (the physical checks of what is read back: finite values, the acoustic sum rule and the
   symmetry of force constants, a symmetric elastic tensor; :func:`finite`, :func:`force_constant_rules`,
   :func:`symmetric_matrix`) passes.

Any failure means: recompute, store the fresh arrays, tell the user once; the reader never raises.  Freshly computed
arrays that would fail the same checks are returned but not stored, so every stored entry reads back.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import math
import os
import re
import stat
import warnings
import zipfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import NDArray

from ..errors import CacheNote, InputError
from .atomic import atomic_write
from .json_file import check_depth

#: Bump when the layout of cached entries changes, to invalidate old entries (their file names change with it).
#: 2: every entry carries its full key and a SHA-256 checksum of its arrays, verified on read.
#: 3: every entry is signed with HMAC-SHA256 under the user's key, checked before it is parsed (no checksum).
FORMAT_VERSION = 3

#: First bytes of every entry (16 bytes), then the payload's length (8 bytes, little-endian) and the tag (32 bytes).
MAGIC = b"KAPITZA-CACHE-03"
#: Size of the fixed header in bytes.
HEADER_BYTES = len(MAGIC) + 8 + 32
#: Size of the user's secret in bytes.
KEY_BYTES = 32
#: Bound on an entry's size where the caller states neither ``max_bytes`` nor every dimension of ``shapes``.
DEFAULT_MAX_BYTES = 1 << 30
#: Allowance per member, in bytes, in a bound derived from ``shapes``: the zip's and the ``.npy`` headers and a short
#: string member (a message of up to 16,000 characters).
MEMBER_OVERHEAD = 1 << 16
#: Relative tolerance of the acoustic sum rule and the symmetry of cached force constants (of the largest |entry|):
#: the largest residuals of honest entries measured are 3e-13 (sum rule) and 8e-7 (symmetry, phonopy's unsymmetrised
#: constants of Cu with MEAM), a thousand times below it.  A uniform scaling keeps both rules: the signature, not
#: this check, refuses a forged entry.
FORCE_CONSTANT_TOLERANCE = 1e-3

#: Name of the bookkeeping array stored beside the data in each entry.
_KEY_FIELD = "__kapitza_key__"
#: Names of cache entries: the kind is part of the file name, so it is a plain word (never a path).
_KIND = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
#: Notes given in this process (each is given once).
_told: set[str] = set()

Check = Callable[[Mapping[str, NDArray[Any]]], "str | None"]


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


def key_file() -> Path:
    """Where the user's cache key is: $KAPITZA_CACHE_KEY, else $XDG_CONFIG_HOME/kapitza/cache.key (an absolute
    XDG_CONFIG_HOME only, as the XDG rule says), else ~/.config/kapitza/cache.key."""
    named = os.environ.get("KAPITZA_CACHE_KEY")
    if named:
        path = Path(named).expanduser()
        if not path.is_absolute():
            shown = repr(named) if len(named) <= 80 else repr(named[:60]) + f"... ({len(named):,} characters)"
            raise InputError(
                f"KAPITZA_CACHE_KEY={shown} is a relative path: it would name another key file in every folder a "
                "command runs from; give an absolute path, or unset it for ~/.config/kapitza/cache.key"
            )
        return path
    config = os.environ.get("XDG_CONFIG_HOME", "")
    if not os.path.isabs(config):
        config = os.path.join(os.path.expanduser("~"), ".config")
    return Path(config) / "kapitza" / "cache.key"


def _note(message: str, stacklevel: int = 3) -> None:
    """Tell the user ``message`` once in this process (a :class:`CacheNote`; the CLI shows it as one line), pointing
    at the consumer ``stacklevel`` frames up (the caller of the public function that gives it)."""
    if message in _told:
        return
    _told.add(message)
    warnings.warn(message, CacheNote, stacklevel=stacklevel)


def _inside(path: Path, folder: Path) -> bool:
    real, root = os.path.realpath(path), os.path.realpath(folder)
    return real == root or real.startswith(root.rstrip(os.sep) + os.sep)


def _make_key(path: Path) -> None:
    """Create the key file at ``path``: 32 random bytes, mode 0600, made whole beside it and linked into place, so a
    concurrent process finds either no key or the whole key (an existing key is never replaced)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    tmp = path.parent / f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp"
    fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(os.urandom(KEY_BYTES))
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass  # another process made it first: use theirs
        except OSError:  # a file system without hard links: created in place, never over an existing key
            try:
                fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
            except FileExistsError:
                return
            with os.fdopen(fd, "wb") as fh:
                fh.write(tmp.read_bytes())
    finally:
        tmp.unlink(missing_ok=True)


def _user_key(folder: Path) -> bytes | str:
    """The user's secret (made on first use), or why it is refused (the cache is then off)."""
    path = key_file()
    where = f"its key file {str(path)!r}"
    if _inside(path, folder):
        return (
            f"{where} lies inside the cache folder {str(folder)!r}, where whoever can write the cache could read it; "
            "point KAPITZA_CACHE_KEY (or KAPITZA_CACHE_DIR) elsewhere"
        )
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        try:
            fd = os.open(path, flags)
        except FileNotFoundError:
            _make_key(path)
            fd = os.open(path, flags)
        with os.fdopen(fd, "rb") as fh:
            st = os.fstat(fh.fileno())
            if not stat.S_ISREG(st.st_mode):
                return f"{where} is not a regular file"
            getuid = getattr(os, "getuid", None)
            if getuid is not None and st.st_uid != getuid():
                return f"{where} is not owned by you (its owner is uid {st.st_uid}, who could know it)"
            if st.st_mode & 0o077:
                return (
                    f"{where} can be read or written by others (mode {stat.S_IMODE(st.st_mode):04o}); "
                    f"make it yours alone with: chmod 600 {path}"
                )
            secret = fh.read(KEY_BYTES + 1)
    except (OSError, ValueError) as exc:
        why = getattr(exc, "strerror", None) or type(exc).__name__
        return f"{where} cannot be read or made ({why}); point KAPITZA_CACHE_KEY at a file in a folder of your own"
    if len(secret) != KEY_BYTES:
        return f"{where} holds {len(secret)} bytes, not a {KEY_BYTES}-byte key; remove it and kapitza makes a new one"
    return secret


def _off(why: str) -> str:
    """The note of a cache that is off (one text, so it is given once whoever asks for the key)."""
    return f"the cache is off: {why}; results are computed, not cached (nor kept to resume an interrupted run)"


def signing_key() -> bytes | None:
    """The user's cache key (made on first use), for the intermediates kapitza writes and reads back beside the
    cache (AGF checkpoints, md run states): None where the cache is off, the user told once, as
    :func:`cached_arrays` does.  Raises InputError where ``$KAPITZA_CACHE_DIR`` or ``$KAPITZA_CACHE_KEY`` is set
    wrong (:func:`cache_dir`, :func:`key_file`)."""
    try:
        folder = cache_dir()
    except InputError:
        raise
    except OSError as exc:
        _note(_off(f"its folder cannot be made ({exc.strerror or type(exc).__name__})"))
        return None
    secret = _user_key(folder)
    if isinstance(secret, str):
        _note(_off(secret))
        return None
    return secret


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


def _tag(secret: bytes, payload: bytes | bytearray) -> bytes:
    """HMAC-SHA256 under ``secret`` of the magic, the payload's length and the payload."""
    mac = hmac.new(secret, MAGIC + len(payload).to_bytes(8, "little"), hashlib.sha256)
    mac.update(payload)
    return mac.digest()


def _bound(shapes: Mapping[str, Sequence[int | None]] | None, max_bytes: int | None, key_text: str) -> int:
    """Most bytes an entry's file may hold: the header, the arrays' data (``max_bytes``, else 16 bytes an element of
    ``shapes`` where every dimension is given, else :data:`DEFAULT_MAX_BYTES`), the stored key (4 bytes a character)
    and :data:`MEMBER_OVERHEAD` for each member (16 where ``shapes`` does not say) and the key's."""
    if max_bytes is not None:
        data = int(max_bytes)
    elif shapes is None or any(d is None for shape in shapes.values() for d in shape):
        data = DEFAULT_MAX_BYTES
    else:
        data = sum(16 * math.prod(int(d) for d in shape) for shape in shapes.values())
    members = 16 if shapes is None else len(shapes)
    return HEADER_BYTES + data + 4 * len(key_text) + MEMBER_OVERHEAD * (members + 1)


def _shape_fits(shape: tuple[int, ...], expected: Sequence[int | None]) -> bool:
    return len(shape) == len(expected) and all(e is None or int(e) == s for s, e in zip(shape, expected))


def _layout(arrays: Mapping[str, NDArray[Any]], shapes: Mapping[str, Sequence[int | None]] | None) -> str | None:
    """Why the names and shapes of ``arrays`` are not those of ``shapes`` (None: they are, or nothing is expected)."""
    if shapes is None:
        return None
    if set(arrays) != set(shapes):
        return f"holds the arrays {sorted(arrays)}, not {sorted(shapes)}"
    for name, a in arrays.items():
        if not _shape_fits(a.shape, shapes[name]):
            return f"holds {name!r} of shape {a.shape}, not {tuple(shapes[name])}"
    return None


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, expected: Sequence[int | None] | None) -> Any:
    """The array of one member, or why it is refused: its header is read and checked before its data."""
    if info.compress_type != zipfile.ZIP_STORED or info.file_size != info.compress_size:
        return f"has a compressed or mis-sized member {info.filename!r}"
    with zf.open(info) as fp:
        version = np.lib.format.read_magic(fp)
        if version == (1, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_1_0(fp)
        elif version == (2, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_2_0(fp)
        else:
            return f"has a member {info.filename!r} of .npy version {version}"
        if dtype.hasobject:
            return f"has an object array {info.filename!r}"
        if any(d < 0 for d in shape):
            return f"has a member {info.filename!r} of shape {tuple(shape)}"
        if expected is not None and not _shape_fits(tuple(shape), expected):
            return f"has {info.filename!r} of shape {tuple(shape)}, not {tuple(expected)}"
        nbytes = math.prod(shape) * dtype.itemsize
        if fp.tell() + nbytes != info.file_size:
            return f"has a member {info.filename!r} whose header claims {nbytes} bytes, not what it holds"
        buf = bytearray(nbytes)
        if fp.readinto(buf) != nbytes:
            return f"has a short member {info.filename!r}"
    return np.frombuffer(buf, dtype=dtype).reshape(shape, order="F" if fortran else "C")


def _parse(
    payload: bytes | bytearray, key_text: str, shapes: Mapping[str, Sequence[int | None]] | None
) -> dict[str, NDArray[Any]] | str:
    """The arrays of a verified payload, or why they are refused."""
    with zipfile.ZipFile(io.BytesIO(payload)) as zf:
        infos = zf.infolist()
        names = [info.filename for info in infos]
        if len(set(names)) != len(names) or not all(n.endswith(".npy") for n in names):
            return "has duplicate or foreign members"
        if f"{_KEY_FIELD}.npy" not in names:
            return "stores no key"
        if any(info.compress_type != zipfile.ZIP_STORED for info in infos):  # never decompressed
            return "has a compressed member"
        if sum(info.file_size for info in infos) > len(payload):  # members that overlap (each read in full)
            return "has members larger together than the entry"
        arrays: dict[str, NDArray[Any]] = {}
        for info in infos:
            name = info.filename[:-4]
            if shapes is not None and name != _KEY_FIELD and name not in shapes:
                return f"holds an array {name!r} not expected"
            expected = () if name == _KEY_FIELD else None if shapes is None else shapes[name]
            found = _read_member(zf, info, expected)
            if isinstance(found, str):
                return found
            arrays[name] = found
    stored = arrays.pop(_KEY_FIELD)
    if stored.dtype.kind != "U" or stored.shape != () or str(stored) != key_text:
        return "was stored under another key"
    return _layout(arrays, shapes) or arrays


def _run_check(check: Check | None, arrays: Mapping[str, NDArray[Any]]) -> str | None:
    if check is None:
        return None
    try:
        why = check(arrays)
    except Exception as exc:  # noqa: BLE001 - a check that cannot run on the arrays refuses them
        return f"fails its check ({type(exc).__name__})"
    return None if why is None else f"fails its check ({why})"


def _read(
    path: Path,
    secret: bytes,
    key_text: str,
    shapes: Mapping[str, Sequence[int | None]] | None,
    bound: int,
    check: Check | None,
) -> tuple[dict[str, NDArray[Any]] | None, str | None]:
    """(arrays, None) from a verified entry; (None, None) where there is no entry; (None, why) where it is refused."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        return None, None
    except OSError as exc:
        return None, "is a link" if os.path.islink(path) else f"cannot be read ({exc.strerror})"
    try:
        raw = _raw(fd, bound)
    except OSError as exc:
        return None, f"cannot be read ({exc.strerror})"
    finally:
        os.close(fd)
    if isinstance(raw, str):
        return None, raw
    header, payload = raw
    if not hmac.compare_digest(header[len(MAGIC) + 8 :], _tag(secret, payload)):
        return None, "does not carry your key's signature (forged, damaged, or signed with another key)"
    try:
        arrays = _parse(payload, key_text, shapes)
    except Exception as exc:  # noqa: BLE001 - a signed entry that cannot be parsed (zip, header, value): recompute
        return None, f"cannot be parsed ({type(exc).__name__})"
    if isinstance(arrays, str):
        return None, arrays
    why = _run_check(check, arrays)
    return (None, why) if why else (arrays, None)


def _raw(fd: int, bound: int) -> tuple[bytes, bytearray] | str:
    """The header and payload of the open entry ``fd``, or why they are refused, reading at most ``bound`` bytes."""
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode):
        return "is not a regular file"
    if st.st_size > bound:
        return f"holds {st.st_size} bytes, more than the {bound} an entry of this key may"
    with os.fdopen(fd, "rb", closefd=False) as fh:
        header = fh.read(HEADER_BYTES)
        if len(header) < HEADER_BYTES or header[: len(MAGIC)] != MAGIC:
            return "is not a kapitza cache entry of this format"
        length = int.from_bytes(header[len(MAGIC) : len(MAGIC) + 8], "little")
        if length != st.st_size - HEADER_BYTES:
            return "is truncated or extended"
        payload = bytearray(length)
        if fh.readinto(payload) != length:
            return "is truncated"
    return header, payload


def _payload(arrays: Mapping[str, NDArray[Any]]) -> bytes:
    """A zip of uncompressed .npy members (no pickle), as np.savez writes it."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED, allowZip64=True) as zf:
        for name, a in arrays.items():
            with zf.open(f"{name}.npy", "w", force_zip64=True) as fh:
                np.lib.format.write_array(fh, np.asanyarray(a), allow_pickle=False)
    return buf.getvalue()


def _store(
    path: Path,
    secret: bytes,
    key_text: str,
    arrays: Mapping[str, NDArray[Any]],
    shapes: Mapping[str, Sequence[int | None]] | None,
    bound: int,
    check: Check | None,
) -> None:
    """Sign and write ``arrays`` at ``path`` if they pass the reader's checks (else nothing is stored)."""
    if _layout(arrays, shapes) or _run_check(check, arrays):
        return
    try:
        payload = _payload({**arrays, _KEY_FIELD: np.array(key_text)})
    except ValueError:  # an object array: never stored
        return
    if HEADER_BYTES + len(payload) > bound:
        return
    header = MAGIC + len(payload).to_bytes(8, "little") + _tag(secret, payload)

    def write(p: Path) -> None:
        with open(p, "wb") as fh:
            fh.write(header)
            fh.write(payload)

    try:
        atomic_write(path, write)
    except OSError:
        pass  # an unwritable cache costs a recomputation next time, never the result


def cached_arrays(
    kind: str,
    parts: Mapping[str, Any],
    compute: Callable[[], Mapping[str, NDArray[Any]]],
    enabled: bool = True,
    *,
    shapes: Mapping[str, Sequence[int | None]] | None = None,
    max_bytes: int | None = None,
    check: Check | None = None,
) -> dict[str, NDArray[Any]]:
    """Return the arrays for ``(kind, parts)`` from the cache, computing and storing them if absent.

    Parameters
    ----------
    kind : str
        Family of results, e.g. "force-constants"; becomes the file-name prefix (lower-case letters, digits, "-").
    parts : mapping
        Everything the result depends on (JSON-able values and numpy arrays).
    compute : callable
        Returns a mapping name -> ndarray when the cache has no valid entry.
    enabled : bool
        False skips the cache entirely (always computes, writes nothing).
    shapes : mapping name -> shape, optional
        The arrays an entry must hold and their shapes (None: any length along that axis); checked from each
        member's header before its data is read.
    max_bytes : int, optional
        Bound on the bytes of the arrays' data (default: 16 bytes an element of ``shapes`` where every dimension is
        given, else :data:`DEFAULT_MAX_BYTES`); the entry's file may hold this, the stored key and
        :data:`MEMBER_OVERHEAD` a member, checked before anything is read.
    check : callable, optional
        ``check(arrays)`` -> None where the arrays read back are physically sound, else why not (a short phrase):
        :func:`finite`, :func:`force_constant_rules`, :func:`symmetric_matrix`, :func:`every`.

    An existing entry is used only if it is signed with the user's key, holds the key ``(kind, parts)``, has the
    expected layout and passes ``check``; otherwise the entry kapitza ships for the same key, if any
    (:mod:`kapitza.io.shipped`, checked the same way), else it is recomputed, rewritten, and the user told once
    (:class:`~kapitza.errors.CacheNote`).  Reading never raises; what ``compute`` raises passes through.
    """
    if not isinstance(kind, str) or not _KIND.fullmatch(kind):
        raise ValueError(f"cache kind {kind!r} is not a plain word of lower-case letters, digits and '-'")
    if not enabled:
        return dict(compute())
    entry = _entry(kind, parts, shapes, max_bytes)
    found, why = (None, None) if entry is None else _lookup(entry, shapes, check)
    if found is None:
        found = _shipped(kind, parts, shapes, max_bytes, check, entry)
    if found is not None:
        return found
    if entry is None:  # the cache is off (told once) or its default folder cannot be made: computed, not cached
        return dict(compute())
    arrays = {name: np.asarray(value) for name, value in compute().items()}
    if _KEY_FIELD in arrays:
        raise ValueError(f"the array name {_KEY_FIELD!r} is reserved by the cache")
    if why == "is not a regular file":  # a folder or pipe in the way: leave it, computed without caching
        return arrays
    _store(entry.path, entry.secret, entry.key_text, arrays, shapes, entry.bound, check)
    return arrays


class _Entry(NamedTuple):
    """Where the entry of one key lives and how it is signed and bounded."""

    path: Path
    secret: bytes
    key_text: str
    bound: int


def _entry(
    kind: str, parts: Mapping[str, Any], shapes: Mapping[str, Sequence[int | None]] | None, max_bytes: int | None
) -> _Entry | None:
    """The entry of ``(kind, parts)``, or None where the cache is off (the user told once) or its default folder
    cannot be made.  Raises ValueError for a kind that is not a plain word, InputError for a wrong
    ``$KAPITZA_CACHE_DIR``."""
    if not isinstance(kind, str) or not _KIND.fullmatch(kind):
        raise ValueError(f"cache kind {kind!r} is not a plain word of lower-case letters, digits and '-'")
    key_text = _key_text(kind, parts)
    try:
        folder = cache_dir()
    except InputError:
        raise
    except OSError:
        return None
    secret = _user_key(folder)
    if isinstance(secret, str):
        _note(_off(secret), stacklevel=4)  # warn in _note (1), _entry, cached_*, the consumer (4)
        return None
    path = folder / f"{kind}-{hashlib.sha256(key_text.encode()).hexdigest()[:32]}.entry"
    return _Entry(path, secret, key_text, _bound(shapes, max_bytes, key_text))


def _lookup(
    entry: _Entry, shapes: Mapping[str, Sequence[int | None]] | None, check: Check | None
) -> tuple[dict[str, NDArray[Any]] | None, str | None]:
    """The verified arrays of ``entry`` (or None), and why an entry there was refused (told once, as a note)."""
    found, why = _read(entry.path, entry.secret, entry.key_text, shapes, entry.bound, check)
    if found is None and why is not None:
        _note(f"the cache entry {str(entry.path)!r} {why}: not used, recomputed", stacklevel=4)
    return found, why


def cached_lookup(
    kind: str,
    parts: Mapping[str, Any],
    *,
    shapes: Mapping[str, Sequence[int | None]] | None = None,
    max_bytes: int | None = None,
    check: Check | None = None,
) -> dict[str, NDArray[Any]] | None:
    """The arrays :func:`cached_arrays` would read for ``(kind, parts)``, or None where there is no verified entry
    (or the cache is off): the read half of it, for a caller that computes the missing entries elsewhere (dask
    workers) and stores each with :func:`cached_store` as it arrives.  Same checks; never raises on an entry."""
    entry = _entry(kind, parts, shapes, max_bytes)
    found = None if entry is None else _lookup(entry, shapes, check)[0]
    return found if found is not None else _shipped(kind, parts, shapes, max_bytes, check, entry)


def stored_where(
    kind: str,
    parts: Mapping[str, Any],
    *,
    shapes: Mapping[str, Sequence[int | None]] | None = None,
    max_bytes: int | None = None,
    check: Check | None = None,
) -> str:
    """Where :func:`cached_lookup` reads ``(kind, parts)`` from: ``"cache"`` (this machine's, verified), ``"shipped"``
    (kapitza's shipped entry, verified: :mod:`kapitza.io.shipped`) or ``""`` (neither; or the cache is off and
    nothing ships for it): the provenance a result states of what it read.  Same checks; never raises on an entry."""
    entry = _entry(kind, parts, shapes, max_bytes)
    if entry is not None and _lookup(entry, shapes, check)[0] is not None:
        return "cache"
    return "shipped" if _shipped(kind, parts, shapes, max_bytes, check, entry) is not None else ""


def _shipped(
    kind: str,
    parts: Mapping[str, Any],
    shapes: Mapping[str, Sequence[int | None]] | None,
    max_bytes: int | None,
    check: Check | None,
    entry: _Entry | None,
) -> dict[str, NDArray[Any]] | None:
    """The entry kapitza ships for ``(kind, parts)`` (:mod:`kapitza.io.shipped`), checked as the cache checks its
    own (but for the signature: the shipped index's checksums stand for it), or None (nothing shipped for it, or
    refused: told once)."""
    from .shipped import SHIPPED_KINDS, shipped_arrays

    if kind not in SHIPPED_KINDS:
        return None
    key_text = entry.key_text if entry is not None else _key_text(kind, parts)
    bound = entry.bound if entry is not None else _bound(shapes, max_bytes, key_text)

    def read(payload: bytes) -> dict[str, NDArray[Any]] | str:
        try:
            arrays = _parse(payload, key_text, shapes)
        except Exception as exc:  # noqa: BLE001 - a shipped entry that cannot be parsed is not used
            return f"cannot be parsed ({type(exc).__name__})"
        if isinstance(arrays, str):
            return arrays
        return _run_check(check, arrays) or arrays

    return shipped_arrays(kind, key_text, bound, read)


def cached_store(
    kind: str,
    parts: Mapping[str, Any],
    arrays: Mapping[str, NDArray[Any]],
    *,
    shapes: Mapping[str, Sequence[int | None]] | None = None,
    max_bytes: int | None = None,
    check: Check | None = None,
) -> None:
    """Store ``arrays`` under ``(kind, parts)`` as :func:`cached_arrays` stores what it computed: signed, written
    atomically (a process killed while writing leaves no entry), and only where they pass the reader's ``shapes``
    and ``check``; a cache that is off or unwritable stores nothing."""
    entry = _entry(kind, parts, shapes, max_bytes)
    if entry is None:
        return
    arrays = {name: np.asarray(value) for name, value in arrays.items()}
    if _KEY_FIELD in arrays:
        raise ValueError(f"the array name {_KEY_FIELD!r} is reserved by the cache")
    _store(entry.path, entry.secret, entry.key_text, arrays, shapes, entry.bound, check)


# Signed intermediates beside the cache: checkpoints and run states --------------------------------------------


def write_signed(
    path: str | os.PathLike,
    secret: bytes,
    key_text: str,
    arrays: Mapping[str, NDArray[Any]],
    *,
    shapes: Mapping[str, Sequence[int | None]] | None = None,
    max_bytes: int | None = None,
    check: Check | None = None,
) -> None:
    """Write ``arrays`` at ``path`` as a cache entry signed with ``secret`` (:func:`signing_key`) under the full
    key ``key_text`` (what the arrays are of), atomically; nothing is written where the arrays fail the reader's
    ``shapes`` or ``check`` (so every entry written reads back).  An unwritable folder costs a recomputation."""
    target = Path(path)
    _store(target, secret, key_text, arrays, shapes, _bound(shapes, max_bytes, key_text), check)


def read_signed(
    path: str | os.PathLike,
    secret: bytes,
    key_text: str,
    *,
    shapes: Mapping[str, Sequence[int | None]] | None = None,
    max_bytes: int | None = None,
    check: Check | None = None,
) -> tuple[dict[str, NDArray[Any]] | None, str | None]:
    """The arrays of the entry :func:`write_signed` wrote at ``path``, checked as :func:`cached_arrays` checks a
    cache entry (a regular file within its bound, the signature of ``secret``, the stored key ``key_text``, the
    layout ``shapes``, the physics ``check``): ``(arrays, None)``; ``(None, None)`` where there is no file;
    ``(None, why)`` where it is refused.  Never raises."""
    target = Path(path)
    try:
        return _read(target, secret, key_text, shapes, _bound(shapes, max_bytes, key_text), check)
    except Exception as exc:  # noqa: BLE001 - whatever is wrong with the file: not used
        return None, f"cannot be read ({type(exc).__name__})"


#: The field of a signed JSON document (:func:`write_signed_document`) that holds its signature.
SIGNATURE_FIELD = "signature"
#: Largest signed JSON document read (a run's state is a few lines).
MAX_DOCUMENT_BYTES = 1_000_000


def _document_tag(secret: bytes, key_text: str, body: Mapping[str, Any]) -> str:
    text = json.dumps({"key": key_text, "document": body}, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return _tag(secret, text.encode()).hex()


def write_signed_document(
    path: str | os.PathLike, secret: bytes | None, key_text: str, document: Mapping[str, Any]
) -> Path:
    """Write the JSON ``document`` (plain JSON values, no ``signature`` key) at ``path`` atomically, with its
    HMAC under ``secret`` for the key ``key_text`` in a ``signature`` field; unsigned where ``secret`` is None
    (the cache is off: :func:`read_signed_document` then refuses it)."""
    from .atomic import atomic_write_text

    body = dict(document)
    if SIGNATURE_FIELD in body:
        raise ValueError(f"the field {SIGNATURE_FIELD!r} is the signature's")
    if secret is not None:
        body[SIGNATURE_FIELD] = _document_tag(secret, key_text, document)
    return atomic_write_text(Path(path), json.dumps(body, indent=1, allow_nan=False) + "\n")


def read_signed_document(
    path: str | os.PathLike, secret: bytes | None, key_text: str, *, verify: bool = True
) -> tuple[dict[str, Any] | None, str | None]:
    """The JSON document :func:`write_signed_document` wrote at ``path`` (its ``signature`` removed):
    ``(document, None)`` where it carries the signature of ``secret`` for ``key_text``; ``(None, None)`` where
    there is no file; ``(None, why)`` otherwise (not a regular file, larger than :data:`MAX_DOCUMENT_BYTES`, not
    a JSON object, unsigned, signed with another key or for another key, or ``secret`` None).  ``verify=False``
    reads it as anyone's data (the signature not required: analysis of a run made elsewhere).  Never raises; the
    caller checks the values against what it could have written."""
    target = Path(path)
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(target, flags)
    except FileNotFoundError:
        return None, None
    except OSError as exc:
        return None, "is a link" if os.path.islink(target) else f"cannot be read ({exc.strerror})"
    try:
        with os.fdopen(fd, "rb") as fh:
            if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                return None, "is not a regular file"
            raw = fh.read(MAX_DOCUMENT_BYTES + 1)
    except OSError as exc:
        return None, f"cannot be read ({exc.strerror})"
    if len(raw) > MAX_DOCUMENT_BYTES:
        return None, f"holds more than {MAX_DOCUMENT_BYTES:,} bytes"
    try:
        document = check_depth(json.loads(raw.decode("utf-8"), parse_constant=lambda name: None), "the entry")
    except InputError:
        return None, "nests lists or objects deeper than a kapitza record"
    except (ValueError, RecursionError):
        return None, "is not JSON"
    if not isinstance(document, dict):
        return None, "is not a JSON object"
    tag = document.pop(SIGNATURE_FIELD, None)
    if not verify:
        return document, None
    if secret is None:
        return None, "cannot be verified (the cache is off)"
    if not isinstance(tag, str):
        return None, "is not signed (written by an older kapitza, or by hand)"
    try:
        expected = _document_tag(secret, key_text, document)
    except ValueError:
        return None, "holds a value that is not plain JSON"
    if not hmac.compare_digest(tag, expected):
        return None, "does not carry your key's signature for this run (edited, copied, or signed with another key)"
    return document, None


def note(message: str) -> None:
    """Tell the user ``message`` once in this process (a :class:`~kapitza.errors.CacheNote`): an intermediate
    read back that was not used, and what was done instead."""
    _note(message)


# The checks of what is read back -----------------------------------------------------------------------------------


def finite(arrays: Mapping[str, NDArray[Any]]) -> str | None:
    """Every number of every array is finite (None), else which array is not."""
    for name, a in arrays.items():
        if a.dtype.kind in "fc" and not np.all(np.isfinite(a)):
            return f"{name!r} is not finite"
    return None


def force_constant_rules(name: str, layout: str = "matrix", tolerance: float = FORCE_CONSTANT_TOLERANCE) -> Check:
    """A check that array ``name`` holds finite force constants that keep the acoustic sum rule (a rigid translation
    costs no force) and their symmetry, within ``tolerance`` of their largest |entry|.

    ``layout``: "matrix", the (3N, 3N) Hessian; "phonopy", phonopy's full (N, N, 3, 3) force constants."""

    def check(arrays: Mapping[str, NDArray[Any]]) -> str | None:
        fc = np.asarray(arrays[name], dtype=float)
        if not np.all(np.isfinite(fc)):
            return f"{name!r} is not finite"
        if layout == "matrix":
            n = fc.shape[0] // 3
            if fc.shape != (3 * n, 3 * n):
                return f"{name!r} is not a (3N, 3N) matrix"
            sums, transposed = fc.reshape(n, 3, n, 3).sum(axis=2), fc.T
        else:
            if fc.ndim != 4 or fc.shape[0] != fc.shape[1] or fc.shape[2:] != (3, 3):
                return f"{name!r} is not of shape (N, N, 3, 3)"
            sums, transposed = fc.sum(axis=1), fc.transpose(1, 0, 3, 2)
        scale = tolerance * float(np.max(np.abs(fc), initial=0.0))
        if np.max(np.abs(sums), initial=0.0) > scale:
            return f"{name!r} breaks the acoustic sum rule"
        if np.max(np.abs(fc - transposed), initial=0.0) > scale:
            return f"{name!r} is not symmetric"
        return None

    return check


def symmetric_matrix(name: str, tolerance: float = 1e-9) -> Check:
    """A check that array ``name`` is a finite symmetric square matrix (within ``tolerance`` of its largest
    |entry|): an elastic tensor in Voigt form."""

    def check(arrays: Mapping[str, NDArray[Any]]) -> str | None:
        m = np.asarray(arrays[name], dtype=float)
        if m.ndim != 2 or m.shape[0] != m.shape[1] or not np.all(np.isfinite(m)):
            return f"{name!r} is not a finite square matrix"
        if np.max(np.abs(m - m.T), initial=0.0) > tolerance * float(np.max(np.abs(m), initial=0.0)):
            return f"{name!r} is not symmetric"
        return None

    return check


def every(*checks: Check) -> Check:
    """A check that passes where each of ``checks`` does (the first failure is the answer)."""

    def check(arrays: Mapping[str, NDArray[Any]]) -> str | None:
        for one in checks:
            why = one(arrays)
            if why is not None:
                return why
        return None

    return check
