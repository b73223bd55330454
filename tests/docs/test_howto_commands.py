"""The kapitza commands written in the getting-started and how-to pages exist, with the options they use.

Those pages give commands as text (no output), so nothing at build time runs them; this test keeps them from
drifting away from the CLI: every ``kapitza ...`` line in a code block must name a real (sub)command, and every
``--option`` on it must be an option of that command.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest

DOCS = Path(__file__).resolve().parents[2] / "docs"
PAGES = [DOCS / "getting-started.md", *sorted((DOCS / "howto").glob("*.md"))]
FENCE = re.compile(r"^```(\w*)\s*\n(.*?)^```", re.S | re.M)


def _command_lines(page: Path) -> list[str]:
    lines = []
    for lang, body in FENCE.findall(page.read_text(encoding="utf-8")):
        if lang not in ("bash", "console", "sh"):
            continue
        for raw in body.splitlines():
            for part in raw.split("&&"):  # a one-line recipe: venv && pip && kapitza ...
                words = part.strip().split(None, 1)
                if len(words) == 2 and words[0] in ("kapitza", ".venv/bin/kapitza"):
                    lines.append(words[1])
    return lines


def _is_group(command: Any) -> bool:
    # duck-typed: typer may bring its own copy of click, so isinstance(click.Group) does not hold
    return hasattr(command, "get_command") and hasattr(command, "list_commands")


def _resolve(words: list[str]) -> tuple[Any, list[str]]:
    from kapitza.cli.reference import click_app

    command: Any = click_app
    used: list[str] = []
    for word in words:
        if not _is_group(command):
            break
        sub = command.get_command(None, word)
        if sub is None:
            break
        command = sub
        used.append(word)
    return command, used


def _cases() -> list[tuple[str, str]]:
    return [(page.name, line) for page in PAGES for line in _command_lines(page)]


def test_pages_have_commands() -> None:
    """Source: the pages themselves; each of them gives at least one kapitza command (so the parser finds them)."""
    found = {name for name, _ in _cases()}
    assert {"getting-started.md", "material-file.md", "cluster-dask.md", "resume.md"} <= found


@pytest.mark.parametrize(("page", "line"), _cases())
def test_command_and_options_exist(page: str, line: str) -> None:
    """Source: the typer app (kapitza.cli.reference.click_app): the page's command and options must be in it."""
    words = shlex.split(line, comments=True)
    command, used = _resolve(words)
    assert not _is_group(command) or not words[len(used) :] or words[len(used)].startswith("-"), (
        f"{page}: 'kapitza {line}' names no command of the group {' '.join(used) or 'kapitza'}"
    )
    assert not _is_group(command) or words[len(used) :] == [] or words[len(used)] == "--help", (
        f"{page}: 'kapitza {line}' stops at a command group"
    )
    known = {opt for param in command.params for opt in (*param.opts, *param.secondary_opts)} | {"--help"}
    for word in words[len(used) :]:
        if word.startswith("--"):
            name = word.split("=", 1)[0]
            assert name in known, f"{page}: 'kapitza {line}': {name} is not an option of 'kapitza {' '.join(used)}'"
