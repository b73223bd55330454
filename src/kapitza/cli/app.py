"""The typer application and the entry point that turns errors into exit status 2."""

from __future__ import annotations

import sys

import click
import typer

from ..errors import KapitzaError

app = typer.Typer(
    name="kapitza",
    help=(
        "Thermal boundary (Kapitza) resistance: predict, simulate, analyse.\n\n"
        "Add --traceback anywhere to see the full traceback of an error."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI with ``argv`` (default: sys.argv[1:]) and return the exit status.

    A :class:`~kapitza.errors.KapitzaError` becomes one line on stderr and
    status 2; ``--traceback`` re-raises it instead.  Usage errors also give 2.
    """
    from . import commands  # noqa: F401  (registers the commands)

    args = list(sys.argv[1:] if argv is None else argv)
    show_traceback = "--traceback" in args
    args = [a for a in args if a != "--traceback"]
    try:
        result = app(args=args, prog_name="kapitza", standalone_mode=False)
    except KapitzaError as exc:
        if show_traceback:
            raise
        message = " ".join(str(exc).split())
        sys.stderr.write(f"kapitza: error: {message}\n")
        return 2
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.exceptions.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.exceptions.Abort:
        sys.stderr.write("kapitza: aborted\n")
        return 130
    return result if isinstance(result, int) else 0


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())
