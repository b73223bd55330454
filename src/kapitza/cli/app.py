"""The typer application and the entry point that turns errors into exit status 2.

Light to import: typer and the command modules are imported only when a command (or ``--help``) needs
them, so ``kapitza --version`` imports neither; ``app`` is built on first access.
"""

from __future__ import annotations

import errno
import os
import signal
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

from ..errors import KapitzaError, KapitzaNote
from .root import new_app


def __getattr__(name: str):
    """``app``: the CLI's Typer app, whose commands are imported when called (:class:`commands.LazyGroup`)."""
    if name == "app":
        from .commands import LazyGroup

        value = globals()["app"] = new_app(cls=LazyGroup)
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


#: Exit status and line of an interrupted command (128 + SIGINT, the shell's convention).
INTERRUPTED = 130
INTERRUPTED_LINE = (
    "kapitza: interrupted (md run, md emd, md campaign and agf --output resume from their last completed unit "
    "when rerun; the force calls of phonons, predict and agf from the ones they finished)\n"
)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI with ``argv`` (default: sys.argv[1:]) and return the exit status.

    A :class:`~kapitza.errors.KapitzaError` becomes one line on stderr and
    status 2; ``--traceback`` re-raises it instead.  Usage errors also give 2.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    if args in (["--version"], ["-V"]):
        from .._version import __version__

        sys.stdout.write(f"kapitza {__version__}\n")
        return 0
    show_traceback = "--traceback" in args
    args = [a for a in args if a != "--traceback"]
    app = __getattr__("app") if "app" not in globals() else globals()["app"]
    try:
        with _one_line_notes():
            result = app(args=args, prog_name="kapitza", standalone_mode=False)
    except KapitzaError as exc:
        if show_traceback:
            raise
        message = " ".join(str(exc).split())
        sys.stderr.write(f"kapitza: error: {message}\n")
        return 2
    except SystemExit as exc:
        code = exc.code
        if code == INTERRUPTED:
            sys.stderr.write(INTERRUPTED_LINE)
        return code if isinstance(code, int) else (0 if code is None else 1)
    except KeyboardInterrupt:
        sys.stderr.write(INTERRUPTED_LINE)
        return INTERRUPTED
    except OSError as exc:
        if show_traceback or exc.errno not in _FULL:
            raise
        # the disk or quota is full (stdout redirected to a full disk, or an output file): one line; the output's
        # atomic writes have removed their temporary files while the error unwound, and stdout's unwritten buffer
        # is dropped so that the interpreter's exit does not try to flush it again
        _drop_stdout()
        sys.stderr.write(f"kapitza: error: cannot write the output: {exc.strerror}\n")
        return 2
    except Exception as exc:
        if type(exc).__name__ == "Abort":  # click's Ctrl-C (and SIGTERM, see run) without standalone mode
            sys.stderr.write(INTERRUPTED_LINE)
            return INTERRUPTED
        if not hasattr(exc, "format_message") or not hasattr(exc, "exit_code"):  # not a click usage error
            raise
        # a usage error (missing argument, unknown option, bad choice): one line, the command to ask for help
        where = getattr(getattr(exc, "ctx", None), "command_path", "kapitza")
        message = " ".join(str(exc.format_message()).split())
        sys.stderr.write(f"kapitza: error: {message} (see {where} --help)\n")
        return int(exc.exit_code)
    if result == INTERRUPTED:  # typer turns Ctrl-C (and SIGTERM, see run) into a silent exit 130
        sys.stderr.write(INTERRUPTED_LINE)
    return result if isinstance(result, int) else 0


@contextmanager
def _one_line_notes() -> Iterator[None]:
    """Within: each of the library's notes (:class:`~kapitza.errors.KapitzaNote`, e.g. a cache entry that did not
    verify) is one line on stderr, ``kapitza: note: ...``, whatever the warning filters say; other warnings as
    Python shows them."""
    with warnings.catch_warnings():
        shown = warnings.showwarning

        def show(message, category, filename, lineno, file=None, line=None):
            if issubclass(category, KapitzaNote):
                sys.stderr.write(f"kapitza: note: {' '.join(str(message).split())}\n")
            else:
                shown(message, category, filename, lineno, file, line)

        warnings.showwarning = show
        warnings.filterwarnings("always", category=KapitzaNote)  # the library gives each note once
        yield


#: errno values of a write that found no room (disk full, quota exceeded).
_FULL = frozenset({errno.ENOSPC, errno.EDQUOT})


def _drop_stdout() -> None:
    """Point stdout at the null device, so that its unwritten buffer is not flushed again at exit."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    except (OSError, ValueError, AttributeError):  # stdout without a file descriptor (a test's capture)
        pass


def _terminate(signum: int, frame: object) -> None:
    """SIGTERM unwinds like Ctrl-C, so atomic writes remove their temporary files."""
    raise KeyboardInterrupt


def run() -> None:
    """Console-script entry point (the process is ours here, so SIGTERM may be handled)."""
    signal.signal(signal.SIGTERM, _terminate)
    try:
        status = main()
    except KeyboardInterrupt:  # outside the typer app (while it is being built)
        sys.stderr.write(INTERRUPTED_LINE)
        status = INTERRUPTED
    sys.exit(status)
