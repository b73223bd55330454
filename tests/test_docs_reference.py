"""The docs' references cover the code: every public name, every CLI command, the version.

No Sphinx build here (that is `.ci/run`'s job): the generators of docs/_ext and kapitza.cli.reference are
called directly.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import re
import sys
from pathlib import Path

import pytest

import kapitza

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "docs" / "_ext"))

pytest.importorskip("sphinx")

import api_reference  # noqa: E402


def _api_entries() -> list[str]:
    """The names listed in docs/reference/api.md (autosummary entries and autodata)."""
    text = (ROOT / "docs" / "reference" / "api.md").read_text(encoding="utf-8")
    entries = re.findall(r"^ {3}~?([\w.]+)\s*$", text, flags=re.MULTILINE)
    entries += re.findall(r"^\.\. autodata:: ([\w.]+)", text, flags=re.MULTILINE)
    return entries


def test_every_top_level_name_is_in_the_api_reference():
    """Each name of kapitza.__all__ is listed in api.md, pointing at the same object on a package page."""
    entries = {entry.rsplit(".", 1)[-1]: entry for entry in _api_entries()}
    missing = [name for name in kapitza.__all__ if name not in entries]
    assert missing == []
    pages = set(api_reference.PUBLIC_MODULES)
    for name in kapitza.__all__:
        if name == "__version__":
            continue
        modname, attr = f"kapitza.{entries[name]}".rsplit(".", 1)
        assert modname in pages, f"{name}: {modname} has no page"
        assert attr in api_reference.public_names(importlib.import_module(modname))
        assert getattr(importlib.import_module(modname), attr) is getattr(kapitza, name)


def test_every_package_page_is_in_the_toctree():
    text = (ROOT / "docs" / "reference" / "api.md").read_text(encoding="utf-8")
    for modname in api_reference.PUBLIC_MODULES:
        assert f"generated/{modname}.rst" in text


def test_api_pages_document_every_public_name(tmp_path):
    """The generated pages carry an entry for every name of each package's __all__."""
    written = api_reference.write_api_pages(tmp_path)
    assert len(written) == len(api_reference.PUBLIC_MODULES)
    for modname in ("kapitza.materials", "kapitza.analysis.eels", "kapitza.devices", "kapitza.io"):
        text = (tmp_path / f"{modname}.rst").read_text(encoding="utf-8")
        for name in importlib.import_module(modname).__all__:
            assert re.search(rf"^\.\. auto\w+:: {re.escape(modname)}\.{re.escape(name)}$", text, re.MULTILINE)


def test_missing_docstring_is_flagged():
    """A public function or a dataclass without a docstring counts as missing; a private one does not."""
    from dataclasses import dataclass

    def public():
        pass

    @dataclass
    class NoDoc:
        x: int = 0

    assert api_reference._is_missing("function", "kapitza.x.public", public, [])
    assert api_reference._is_missing("class", "kapitza.x.NoDoc", NoDoc, ["NoDoc(x: int = 0)"])
    assert not api_reference._is_missing("function", "kapitza.x._private", public, [])
    assert not api_reference._is_missing("function", "kapitza.conductance", kapitza.conductance, ["Doc."])


def test_every_cli_command_is_in_the_cli_reference(tmp_path):
    """Walking the click tree independently, every command path has a section in the generated page."""
    from kapitza.cli.reference import click_app, command_paths, write_cli_reference

    path = tmp_path / "cli_commands.md"
    assert write_cli_reference(path) is True
    assert write_cli_reference(path) is False  # unchanged: not rewritten
    text = path.read_text(encoding="utf-8")

    def walk(command, prefix):
        yield prefix
        for name, sub in getattr(command, "commands", {}).items():
            yield from walk(sub, f"{prefix} {name}")

    paths = list(walk(click_app, "kapitza"))
    assert len(paths) > 40 and "kapitza md run" in paths and "kapitza device hotspot" in paths
    assert sorted(command_paths()) == sorted(paths)
    for command_path in paths:
        assert re.search(rf"^## {re.escape(command_path)}$", text, re.MULTILINE), command_path
    # every option of a command is in its table
    section = text.split("## kapitza predict\n", 1)[1].split("\n## ", 1)[0]
    for option in ("`--temperature`", "`--model`", "`--mesh`", "`--json`", "`SIDE1`"):
        assert option in section


def test_one_version_in_the_package_the_distribution_citation_and_changelog():
    """The version is written once (kapitza/_version.py); the installed distribution, CITATION.cff and the
    changelog agree with it (issue 28: a clone printed 0.1.dev407 while both said 0.16.0)."""
    import kapitza._version as version_module

    root = Path(__file__).resolve().parents[1]
    v = version_module.__version__
    assert re.fullmatch(r"\d+\.\d+\.\d+(\.dev\d+)?", v)
    assert importlib.metadata.version("kapitza") == v
    assert f'version: "{v}"' in (root / "CITATION.cff").read_text(encoding="utf-8")
    assert v in (root / "docs" / "changelog.md").read_text(encoding="utf-8")
    assert 'attr = "kapitza._version.__version__"' in (root / "pyproject.toml").read_text(encoding="utf-8")


def test_cli_version_option():
    """`kapitza --version` prints the package version."""
    from kapitza.cli.app import main

    pytest.importorskip("typer")
    import io
    from contextlib import redirect_stdout

    out = io.StringIO()
    with redirect_stdout(out):
        status = main(["--version"])
    assert status == 0 and out.getvalue().strip() == f"kapitza {kapitza.__version__}"
