"""Start-up stays light (issue 26 item 9): what ``import kapitza``, ``kapitza --version`` and ``kapitza --help``
import, checked structurally (module lists, not timings: the times are benchmarks/startup.py's job), and the lazy
``--help`` is the same text as the help of the app with every command registered."""

from __future__ import annotations

import subprocess
import sys

import pytest

typer = pytest.importorskip("typer")

#: Modules the light paths must not import (numpy and scipy are the cost of every computation; typer the
#: cost of the CLI; the command modules the cost of registering every command).
_PROBE = (
    "import sys; {statement}; sys.__stdout__.write(' '.join(sorted(m for m in sys.modules"
    " if m.split('.')[0] in {roots!r} or m.startswith('kapitza.cli.'))))"
)


def _modules_after(statement: str, roots: tuple[str, ...] = ("numpy", "scipy", "typer", "rich")) -> set[str]:
    code = _PROBE.format(statement=statement, roots=roots)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    return set(proc.stdout.split())


def test_import_kapitza_imports_no_numpy_scipy_or_typer():
    """`import kapitza` binds the exceptions only; everything else comes on first access (PEP 562)."""
    assert _modules_after("import kapitza") == set()


def test_version_imports_neither_typer_nor_a_command_module():
    loaded = _modules_after(
        "from kapitza.cli import main; import io, contextlib; "
        "contextlib.redirect_stdout(io.StringIO()).__enter__(); main(['--version'])"
    )
    assert loaded == {"kapitza.cli.app", "kapitza.cli.root"}


def test_help_imports_no_command_module():
    loaded = _modules_after(
        "from kapitza.cli import main; import io, contextlib; "
        "contextlib.redirect_stdout(io.StringIO()).__enter__(); main(['--help'])"
    )
    assert {m for m in loaded if m.startswith("kapitza.cli.")} == {
        "kapitza.cli.app",
        "kapitza.cli.commands",
        "kapitza.cli.root",
    }
    assert not any(m.split(".")[0] in ("numpy", "scipy") for m in loaded)


def _help_text(app) -> str:
    from typer.testing import CliRunner

    result = CliRunner().invoke(app, ["--help"], prog_name="kapitza", terminal_width=100)
    assert result.exit_code == 0, result.output
    return result.output


def test_lazy_help_is_the_help_of_the_fully_registered_app():
    """The static table of cli/commands.py gives the same `kapitza --help` as registering every command
    (so its one-line helps cannot drift from the commands' own docstrings and sub-app helps)."""
    from kapitza.cli.commands import TOP_LEVEL, LazyGroup, register_all
    from kapitza.cli.root import new_app

    lazy = _help_text(new_app(cls=LazyGroup))
    full = _help_text(register_all(new_app()))
    assert lazy == full
    for name, _ in TOP_LEVEL:
        assert f"│ {name} " in lazy


def test_a_lazy_command_runs_and_a_typo_is_still_suggested(capsys):
    from conftest import run_cli

    status, out, _ = run_cli(capsys, "materials", "show", "Si")
    assert status == 0 and "Si" in out
    status, _, err = run_cli(capsys, "predic", "Al", "Si")
    assert status == 2 and "Did you mean 'predict'?" in err
