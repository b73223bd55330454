"""``kapitza md analyze`` is parse -> one public call -> render (issues 61 and 64): its command and renderers call one
function of the analysis layer, :func:`kapitza.analysis.md.analyze.analyze_md`, and validate nothing themselves
(no InputError is raised in them: every rule lives once, in analyze_md), so Python and the CLI refuse the same
input with the same line."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from kapitza.analysis.md.analyze import analyze_md
from kapitza.errors import InputError

CLI = Path(__file__).resolve().parents[2] / "src" / "kapitza" / "cli" / "md.py"
FUNCTIONS = ("analyze_command", "_render_jump", "_render_replicas", "_print")


def _functions() -> dict[str, ast.FunctionDef]:
    tree = ast.parse(CLI.read_text(encoding="utf-8"))
    return {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name in FUNCTIONS}


def test_the_command_imports_one_analysis_function_and_raises_nothing():
    found = _functions()
    assert set(found) == set(FUNCTIONS)
    imported = []
    for fn in found.values():
        for node in ast.walk(fn):
            if isinstance(node, ast.ImportFrom) and node.module and "analysis" in node.module:
                imported += [(node.module, a.name) for a in node.names]
            assert not isinstance(node, ast.Raise), f"{fn.name} raises at line {node.lineno}: validation is the API's"
    assert [name for _, name in imported if name != "conductance_mw"] == ["analyze_md"]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"flux": 1.0, "baths": "b.txt"}, "either flux= (--flux) or baths="),
        ({"flux_err": 0.1}, "flux_err= (--flux-err) goes with flux= (--flux)"),
        ({"geometry": "slab"}, "geometry= (--geometry) must be periodic or fixed"),
        ({"cold_bath_at": 3.0}, "cold_bath_at= (--cold-bath-at) goes with hot_bath_at="),
        ({"exclude": -1}, "exclude= (--exclude) must be an integer >= 0"),
    ],
)
def test_python_refuses_with_the_line_the_cli_prints(cli, tmp_path, kwargs, match):
    from analysis_synthetic import ave_chunk_text, synthetic

    path = tmp_path / "p.profile"
    path.write_text(ave_chunk_text(synthetic(3)))
    with pytest.raises(InputError, match=match.replace("(", r"\(").replace(")", r"\)")) as info:
        analyze_md(path, interfaces=(10, 30), **kwargs)
    args = []
    for key, value in kwargs.items():
        args += [f"--{key.replace('_', '-')}", str(value)]
    status, out, err = cli("md", "analyze", path, "--interfaces", "10,30", *args)
    assert status == 2 and err.strip() == f"kapitza: error: {' '.join(str(info.value).split())}"


def test_the_command_and_the_function_share_one_settings_record():
    """Issue 85, item 1: ``analyze_md`` takes one record, AnalysisSettings (or its fields by keyword); the command
    has an option for every field (the same name, or ``profile``'s file argument's ``--plot``), with the record's
    defaults; a keyword that is no field is one line."""
    import inspect
    from dataclasses import fields

    import pytest

    from kapitza.analysis.md import AnalysisSettings, analyze_md
    from kapitza.cli.md import analyze_command
    from kapitza.errors import InputError

    options = inspect.signature(analyze_command).parameters
    for f in fields(AnalysisSettings):
        if f.name == "profile":  # the command's first argument is the file; the kept profile is its --plot
            continue
        assert f.name in options, f.name
        assert options[f.name].default in (f.default, None), f.name
    assert set(inspect.signature(analyze_md).parameters) == {"source", "settings", "given"}
    with pytest.raises(InputError, match="unknown setting 'flux_error' of analyze_md"):
        analyze_md(".", flux_error=1.0)
    with pytest.raises(InputError, match="settings must be an AnalysisSettings"):
        analyze_md(".", settings={"flux": 1.0})
