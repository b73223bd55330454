"""Atomic writes and up-front checks of output paths.

Nothing here changes process-wide state (no ``os.umask`` calls): temporary
files are created with mode 0o666, so the kernel applies the process's umask
exactly as for an ordinary ``open(path, "w")``.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path

from ..errors import InputError


def _temporary(target: Path) -> Path:
    """Create an empty temporary file beside ``target`` (umask-respecting permissions) and return it."""
    for _ in range(100):
        tmp = target.parent / f".{target.name}.{secrets.token_hex(4)}.tmp{target.suffix}"
        try:
            fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666)
        except FileExistsError:
            continue
        os.close(fd)
        return tmp
    raise OSError(f"could not create a temporary file beside {target}")


def atomic_write(path: str | os.PathLike, write: Callable[[Path], None]) -> Path:
    """Write a file atomically: ``write(tmp)`` fills a temporary file that then replaces ``path``.

    A reader never sees a half-written file, and an interrupted write (an
    exception, Ctrl-C, or SIGTERM through the CLI's handler) leaves the old
    file, if any, in place and no temporary file behind.

    Parameters
    ----------
    path : path-like
        Destination; its directory must exist.
    write : callable
        Called with the temporary path (same directory, same suffix).
    """
    target = Path(path)
    tmp_path = _temporary(target)
    try:
        write(tmp_path)
        os.replace(tmp_path, target)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()
    return target


def atomic_write_text(path: str | os.PathLike, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically."""
    return atomic_write(path, lambda p: p.write_text(text, encoding="utf-8"))


def check_writable(path: str | os.PathLike, option: str | None = None) -> Path:
    """Check, before any work, that a file can be written at ``path``; return it as a Path.

    Refuses (InputError, naming ``option`` as the user typed it) a path that is
    a directory, whose folder does not exist or is not a folder, or whose folder
    is not writable (tried by creating and removing a temporary file, which
    also catches read-only file systems and /proc).
    """
    target = Path(path)
    label = f"{option} " if option else ""
    if target.is_dir():
        raise InputError(f"{label}{str(target)!r} is a directory; give a file name")
    parent = target.parent
    if not parent.exists():
        raise InputError(f"{label}{str(target)!r}: folder {str(parent)!r} does not exist")
    if not parent.is_dir():
        raise InputError(f"{label}{str(target)!r}: {str(parent)!r} is not a folder")
    try:
        probe = _temporary(target)
        probe.unlink()
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise InputError(f"{label}{str(target)!r} cannot be written: {reason}") from None
    if target.exists() and not os.access(target, os.W_OK):
        raise InputError(f"{label}{str(target)!r} cannot be written: permission denied")
    return target
