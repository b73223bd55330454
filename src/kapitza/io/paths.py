"""Where a file may name another file, and what an error may quote of a file.

Two rules for files from users (issues 25 and 39):

* A file that names other files reaches only paths at or below its own folder: :func:`confined` resolves the
  name (symlinks included) and refuses ``../``, absolute paths and symlinks that lead elsewhere, before anything
  is opened, unless the user allowed more on the command line (``--allow-outside``) or named the path there
  directly.  It is the one rule for every such name: a stack file's material and result files, a run config's
  ``run_dir``, ``structure``, ``pair`` and the potential files of its ``pair_lines``, a campaign's ``folder``,
  the potential files of a pair file (:mod:`kapitza.atomistic.forcefield`; there also a potential shipped with
  LAMMPS by its bare name), an AGF config's input files and outputs, a thermoreflectance sample's materials,
  the potential files of a saved force field (:func:`kapitza.load`).
* An error about a bad line quotes at most a short, printable excerpt of a file the user named directly, never
  of a file reached through a symbolic link (a link to /etc/passwd must not print its lines): :func:`excerpt`.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from ..errors import InputError

__all__ = [
    "EXCERPT_CHARS",
    "confined",
    "excerpt",
    "is_file",
    "message_about",
    "read_ascii_text",
    "read_bounded",
    "read_utf8_text",
    "through_link",
]

#: Longest excerpt of a bad line quoted in an error message, characters.
EXCERPT_CHARS = 24


def confined(
    path: str | os.PathLike[str],
    base: str | os.PathLike[str],
    what: str,
    allow_outside: bool = False,
    hint: str = "give the path on the command line, or --allow-outside where offered",
) -> Path:
    """``path`` (relative to ``base`` unless absolute), refused unless it resolves to ``base`` or below.

    Parameters
    ----------
    path : path-like
        The name as written in the file (``"mine.toml"``, ``"runs/a"``, ``"../x"``, ``"/etc/x"``).
    base : path-like
        The folder of the file that names it.
    what : str
        How the message names the entry (e.g. ``"stack.toml: layer 2 material"``).
    allow_outside : bool
        True: no confinement (the user allowed it on the command line); the path is still joined to ``base``.
    hint : str
        What the user can do instead, the message's last words.

    Returns
    -------
    Path
        ``base / path`` (or ``path`` if absolute), not resolved: messages keep the user's spelling.

    Raises
    ------
    InputError
        The path, with every symbolic link followed, lies outside ``base``.
    """
    if "\0" in os.fspath(path):
        raise InputError(f"{what} holds a NUL character; no file is named so")
    raw = Path(path)
    joined = raw if raw.is_absolute() else Path(base) / raw
    if allow_outside:
        return joined
    root = Path(os.path.realpath(base))
    target = Path(os.path.realpath(joined))
    if target != root and root not in target.parents:
        link = " (through a symbolic link)" if not raw.is_absolute() and ".." not in raw.parts else ""
        raise InputError(
            f"{what} {str(path)!r} leads outside {str(base) or '.'!r}{link}; a file may name only files at or "
            f"below its own folder ({hint})"
        )
    return joined


def is_file(path: str | os.PathLike[str]) -> bool:
    """``Path(path).is_file()``, False also where the name itself is impossible (too long, a NUL character), which
    raises OSError or ValueError there instead of answering."""
    try:
        return Path(path).is_file()
    except (OSError, ValueError):
        return False


def through_link(path: str | os.PathLike[str]) -> bool:
    """True when ``path`` or one of its folders is a symbolic link (its real place differs from its name)."""
    p = Path(path)
    return os.path.realpath(p) != os.path.abspath(p)


def excerpt(path: str | os.PathLike[str], text: str) -> str:
    """A short, printable, quoted excerpt of a bad line of ``path`` for an error message.

    Nothing of the line is quoted from a file reached through a symbolic link (its content may be another
    file's): the result is then ``"a line not quoted (the file is read through a symbolic link)"``.  Otherwise
    only printable ASCII is kept (control characters and escapes become ``?``), cut to :data:`EXCERPT_CHARS`.
    """
    if through_link(path):
        return "a line not quoted (the file is read through a symbolic link)"
    clean = "".join(c if " " <= c <= "~" else "?" for c in text.strip())
    if len(clean) > EXCERPT_CHARS:
        clean = clean[: EXCERPT_CHARS - 3] + "..."
    return repr(clean)


#: Longest part of a parser's own message (ASE's, a TOML parser's) quoted in an error, characters.
MESSAGE_CHARS = 120


def message_about(path: str | os.PathLike[str], exc: BaseException) -> str:
    """A third-party parser's message about ``path`` (``TypeName: text``), safe to print.

    Such messages may quote the file (``invalid literal for int(): 'root:x:0:0:...'``): nothing of it is kept for
    a file reached through a symbolic link, and otherwise only its first line, printable ASCII, cut to
    :data:`MESSAGE_CHARS`.
    """
    if through_link(path):
        return f"{type(exc).__name__} (its message is not quoted: the file is read through a symbolic link)"
    lines = str(exc).strip().splitlines()
    clean = "".join(c if " " <= c <= "~" else "?" for c in (lines[0] if lines else ""))
    if len(clean) > MESSAGE_CHARS:
        clean = clean[: MESSAGE_CHARS - 3] + "..."
    return f"{type(exc).__name__}: {clean}" if clean else type(exc).__name__


def read_bounded(path: str | os.PathLike[str], where: str, max_bytes: int, limit_text: str) -> bytes:
    """The bytes of a regular file of at most ``max_bytes``: the one bounded read of a small file kapitza reads back.

    The file is opened without waiting (``O_NONBLOCK``: a FIFO put in its place is never waited on) and never as a
    controlling terminal, checked to be a regular file on the open descriptor (a FIFO, a device such as /dev/zero
    or a folder is refused, whatever a check by name said before) and read up to ``max_bytes`` + 1 bytes, so a file
    that grows meanwhile is refused, never read without end.  A symbolic link is followed (the user's own files may
    be links); a reader that must refuse links says so itself.  ``where`` names the file in messages; ``limit_text``
    says what the size bound is for (``"a replica record is read"``).  InputError for a missing path, anything that
    is not a regular file, a file above ``max_bytes`` or one that cannot be read.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise InputError(f"{where} does not exist or is not a file") from None
    except (OSError, ValueError) as exc:  # ValueError: a NUL character in the name
        if isinstance(exc, IsADirectoryError):
            raise InputError(f"{where} does not exist or is not a file") from None
        reason = getattr(exc, "strerror", None) or str(exc)
        raise InputError(f"{where} cannot be read ({reason})") from None
    try:
        with os.fdopen(fd, "rb") as handle:
            mode = os.fstat(handle.fileno()).st_mode
            if stat.S_ISDIR(mode):
                raise InputError(f"{where} does not exist or is not a file")
            if not stat.S_ISREG(mode):
                raise InputError(f"{where} is not a regular file (a FIFO, a socket or a device); only files are read")
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise InputError(f"{where} cannot be read ({exc.strerror or type(exc).__name__})") from None
    if len(data) > max_bytes:
        size = max(len(data), _size(path))
        raise InputError(f"{where} is {size / 1e6:.3g} MB; {limit_text} up to {max_bytes / 1e6:g} MB")
    return data


def _size(path: str | os.PathLike[str]) -> int:
    try:
        return os.stat(path).st_size
    except (OSError, ValueError):
        return 0


def read_ascii_text(path: Path, where: str, max_bytes: int, limit_text: str) -> str:
    """The text of a small plain-ASCII data file the user named, checked before it is parsed.

    ``where`` names the file in messages (``"bath file 'x.txt'"``); ``limit_text`` says what the size bound is for
    (``"bath files are read"``).  Read by :func:`read_bounded`: InputError for a missing path, a folder, a FIFO or a
    device, a file above ``max_bytes``, or one holding NUL or non-ASCII bytes (binary data).
    """
    data = read_bounded(path, where, max_bytes, limit_text)
    if b"\0" in data or not data.isascii():
        raise InputError(f"{where} is not a plain (ASCII) text file")
    return data.decode("ascii")


def read_utf8_text(path: Path, where: str, max_bytes: int, limit_text: str) -> str:
    """The text of a small UTF-8 file kapitza wrote (a run's ``config.toml``), read by :func:`read_bounded`;
    InputError as there, or for bytes that are not UTF-8 or hold NUL."""
    data = read_bounded(path, where, max_bytes, limit_text)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{where} is not UTF-8 text (byte {exc.start})") from None
    if "\0" in text:
        raise InputError(f"{where} is not a text file (it holds a NUL byte)")
    return text
