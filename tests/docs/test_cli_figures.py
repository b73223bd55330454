"""The figures page (docs/reference/figures.md) shows every figure the CLI draws, each made by its own command.

Issue 28 (item 5): "review every figure kapitza draws at the size it is saved ... keep a gallery page that shows
them all". The page's ``kapitza-figure`` blocks are run by the docs build (``docs/_ext/cli_figures.py``), which
fails on a command that exits non-zero or writes no PNG; these tests keep the page complete and its commands
well formed without building the site.
"""

from __future__ import annotations

import re
import shlex
import sys
from pathlib import Path
from typing import Any

import pytest

DOCS = Path(__file__).resolve().parents[2] / "docs"
PAGE = DOCS / "reference" / "figures.md"
BLOCK = re.compile(r"^```\{kapitza-figure\} (\S+)\n(.*?)^```", re.S | re.M)

sys.path.insert(0, str(DOCS / "_ext"))

import cli_figures  # noqa: E402
from test_howto_commands import _is_group, _resolve  # noqa: E402  (the one walk of the CLI's commands)


def _blocks() -> list[tuple[str, list[str]]]:
    found = []
    for name, body in BLOCK.findall(PAGE.read_text(encoding="utf-8")):
        lines = [line.strip() for line in body.splitlines() if line.strip() and not line.startswith(":")]
        found.append((name, lines))
    return found


def _plot_options() -> set[tuple[str, str]]:
    """(command path, option) for every option of the CLI whose name contains 'plot'."""
    from kapitza.cli.reference import click_app

    found: set[tuple[str, str]] = set()

    def walk(command: Any, path: tuple[str, ...]) -> None:
        if _is_group(command):
            for name in command.list_commands(None):
                walk(command.get_command(None, name), (*path, name))
            return
        for param in command.params:
            for opt in getattr(param, "opts", []):
                if opt.startswith("--") and "plot" in opt:
                    found.add((" ".join(path), opt))

    walk(click_app, ())
    return found


def _command_of(words: list[str]) -> tuple[Any, str]:
    command, used = _resolve(words)
    return command, " ".join(used)


def test_page_is_in_the_reference_toctree() -> None:
    """Source: docs/index.md; the page must be reachable (Sphinx -W fails on an orphan, this says which)."""
    assert "reference/figures" in (DOCS / "index.md").read_text(encoding="utf-8")


def test_every_plot_option_has_a_figure_on_the_page() -> None:
    """Source: the CLI itself (every option named --*plot*). A new --plot without a figure here fails."""
    shown: set[tuple[str, str]] = set()
    for _, lines in _blocks():
        for line in lines:
            words = shlex.split(line)[1:]
            _, path = _command_of(words)
            shown |= {(path, w) for w in words if w.startswith("--") and "plot" in w}
    missing = sorted(_plot_options() - shown)
    assert not missing, f"figures page lacks: {missing}"


def test_figure_blocks_are_well_formed() -> None:
    """Every block: kapitza commands with existing options, the last writing the PNG the block names, and no
    two blocks writing the same file (they share the page's figure folder)."""
    blocks = _blocks()
    assert len(blocks) >= 36
    names = [name for name, _ in blocks]
    assert len(names) == len(set(names))
    for name, lines in blocks:
        assert lines and all(line.startswith("kapitza ") for line in lines), name
        assert name in shlex.split(lines[-1]), f"{name}: the last command must write it"
        for line in lines:
            words = shlex.split(line)[1:]
            command, path = _command_of(words)
            options = {opt for p in command.params for opt in getattr(p, "opts", []) + getattr(p, "secondary_opts", [])}
            for word in words:
                if word.startswith("--"):
                    assert word.split("=")[0] in options, f"{name}: {path} has no option {word}"


def test_a_failing_command_is_an_error_naming_it(tmp_path: Path) -> None:
    """The build must stop on a figure whose command fails: run_commands raises with the command and its
    stderr (here an unknown material)."""
    with pytest.raises(RuntimeError, match=r"kapitza predict Xx Si.*exited 2"):
        cli_figures.run_commands(["kapitza predict Xx Si --plot x.png"], tmp_path)
    with pytest.raises(RuntimeError, match="not a kapitza command"):
        cli_figures.run_commands(["rm -rf x"], tmp_path)


def test_the_build_starts_each_figure_once_before_reading(tmp_path: Path, monkeypatch) -> None:
    """The build starts the commands of every figure of the pages it will read before reading them
    (cli_figures.start_figures: a few figures at a time, in the background), keyed by the PNG and the commands the
    directive runs, each once; with Sphinx's own parallel reading (-j) nothing is started and each directive runs
    its figure itself."""
    from types import SimpleNamespace

    made: list[tuple[str, list[str]]] = []
    monkeypatch.setattr(
        cli_figures, "_make", lambda base, name, lines, tag="": made.append((name, lines)) or (base, None)
    )
    env = SimpleNamespace(doc2path=lambda docname: DOCS / f"{docname}.md")
    app = SimpleNamespace(parallel=0, doctreedir=str(tmp_path))
    cli_figures.start_figures(app, env, ["reference/figures", "index"])
    blocks = _blocks()
    assert [(name, tuple(lines)) for name, lines in blocks] == list(app.kapitza_figures)
    assert all(future.result() == (tmp_path, None) for future in app.kapitza_figures.values())
    assert sorted(made) == sorted(blocks)
    app = SimpleNamespace(parallel=2, doctreedir=str(tmp_path))
    cli_figures.start_figures(app, env, ["reference/figures"])
    assert app.kapitza_figures == {}
