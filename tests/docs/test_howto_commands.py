"""The kapitza commands written in the docs and in the example files exist, with their options, and run.

The getting-started, how-to and physics pages and the comments of the example TOML files give commands as
text (no output), so nothing at build time runs them; these tests keep them from drifting away from the CLI:

- every ``kapitza ...`` line must name a real (sub)command, and every ``--option`` on it must be one of its
  options;
- every such command that is cheap (no MD run, campaign, AGF or structure build) and whose input files ship
  with the repository is run, from an empty working directory (outputs land there), and must exit 0;
- the shipped LJ NEMD example is run (shortened) and its own "Analyse:" commands must then work on its run
  directory (issue 28: the analyse line of ``lj_mass_ratio.toml`` exited 2).
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest

DOCS = Path(__file__).resolve().parents[2] / "docs"
ROOT = DOCS.parent
PAGES = [DOCS / "getting-started.md", *sorted((DOCS / "howto").glob("*.md")), *sorted((DOCS / "physics").glob("*.md"))]
EXAMPLE_CONFIGS = sorted((ROOT / "examples").rglob("*.toml"))
EXAMPLE_SCRIPTS = sorted((ROOT / "examples").rglob("*.py"))
#: A command in an example script's docstring: an indented ``kapitza ...`` line (a trailing ``\\`` continues it).
INDENTED = re.compile(r"^\s+kapitza (.+)$")
#: A commented command in an example file: ``# Run:  kapitza md run ...`` or ``#   kapitza md analyze ...``.
COMMENTED = re.compile(r"^#[^`(]*?\bkapitza (.+?)(?:\s{2,}\(.*\))?$")
FENCE = re.compile(r"^```(\w*)\s*\n(.*?)^```", re.S | re.M)


#: Environment assignments before a command (``KAPITZA_MLIP_DEVICE=cuda kapitza agf ...``): dropped, so that the
#: command's options are checked (the commands that carry one are heavy, and are not run).
ENVIRONMENT = re.compile(r"^(?:[A-Z_][A-Z0-9_]*=\S*\s+)+")


def _command_lines(page: Path) -> list[str]:
    lines = []
    for lang, body in FENCE.findall(page.read_text(encoding="utf-8")):
        if lang not in ("bash", "console", "sh"):
            continue
        for raw in re.sub(r"\\\n\s*", " ", body).splitlines():  # a trailing backslash continues the line
            for part in raw.split("&&"):  # a one-line recipe: venv && pip && kapitza ...
                words = ENVIRONMENT.sub("", part.strip()).split(None, 1)
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


def _example_lines(path: Path) -> list[str]:
    lines = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        m = COMMENTED.match(raw.strip())
        if m and "..." not in m.group(1) and _resolve(m.group(1).split())[1]:  # prose ("kapitza NEMD ...") is not
            lines.append(m.group(1).strip())
    return lines


def _script_lines(path: Path) -> list[str]:
    lines, raw = [], path.read_text(encoding="utf-8").splitlines()
    for k, text in enumerate(raw):
        m = INDENTED.match(text)
        if not m:
            continue
        line = m.group(1)
        while line.endswith("\\") and k + 1 < len(raw):
            k += 1
            line = line.rstrip("\\") + " " + raw[k].strip()
        if _resolve(line.split())[1]:
            lines.append(line.strip())
    return lines


def _help_lines() -> list[tuple[str, str]]:
    """``kapitza ...`` commands quoted in the --help texts of the CLI (the command's and its options' help)."""
    from kapitza.cli.reference import click_app

    found: list[tuple[str, str]] = []

    def walk(command: Any, path: str) -> None:
        for text in [command.help or ""] + [getattr(p, "help", None) or "" for p in command.params]:
            for m in re.finditer(r"kapitza ((?:[a-z]+ )*[a-z]+(?: --[a-z][\w-]*(?: [A-Z]+)?)*)", text):
                if _resolve(m.group(1).split())[1]:
                    found.append((f"{path} --help", m.group(1)))
        if _is_group(command):
            for name in command.list_commands(None):
                walk(command.get_command(None, name), f"{path} {name}")

    walk(click_app, "kapitza")
    return found


def _cases() -> list[tuple[str, str]]:
    pages = [(page.name, line) for page in PAGES for line in _command_lines(page)] + _help_lines()
    configs = [(path.name, line) for path in EXAMPLE_CONFIGS for line in _example_lines(path)]
    return pages + configs + [(path.name, line) for path in EXAMPLE_SCRIPTS for line in _script_lines(path)]


def test_pages_have_commands() -> None:
    """Source: the pages themselves; each of them gives at least one kapitza command (so the parser finds them)."""
    found = {name for name, _ in _cases()}
    assert {"getting-started.md", "material-file.md", "cluster-dask.md", "resume.md"} <= found
    assert {"thermoreflectance.md", "lj_mass_ratio.toml", "lj_spectral.toml", "tutorial_11_al_si.py"} <= found
    gpu = [line for name, line in _cases() if name == "interface-from-atoms.md" and "--device gpu" in line]
    assert gpu and "--calculator sevennet-l3i5+d3" in gpu[0]  # after an environment prefix and a continued line
    assert any(name.endswith("--help") for name in found)  # the commands quoted in --help texts


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


#: Commands too heavy to run here (an MD run, a campaign, an AGF, a structure build or relaxation; and any command
#: with --calculator, which relaxes crystals and computes force constants with a learned potential; ``elastic``
#: relaxes its crystal with the default learned potential without one: tests/cli/test_elastic_cli.py runs it with
#: the tests' calculators).
HEAVY = (
    ("md", "run"),
    ("md", "campaign"),
    ("md", "emd"),
    ("agf",),
    ("interface", "build"),
    ("elastic",),
    ("validate", "--model", "agf"),
)  # validate --model agf: an AGF per pair, with a learned potential
#: Commands that run but take about a minute (the interface modes of a user's structure through LAMMPS): slow tier.
MINUTE = (("md", "modes"), ("md", "eels"))
#: Options whose value is a file the command writes.
OUTPUTS = ("--plot", "--output", "-o", "--save", "--out", "--ldos-plot")


def _runnable(line: str) -> list[str] | None:
    """The command's words with repository inputs made absolute, or None if it is heavy or needs a file that does
    not ship (a user's own file, or a run directory made by another command)."""
    words = shlex.split(line, comments=True)
    if any(tuple(words[: len(h)]) == h for h in HEAVY) or "--address" in words or "--calculator" in words:
        return None  # --calculator: relaxation and force constants with a learned potential, minutes
    out = []
    for k, word in enumerate(words):
        is_output = k > 0 and words[k - 1] in OUTPUTS
        suffix = r"\.(toml|txt|csv|extxyz|yaml|json|npz|run|replicas|cif|vasp|xyz)(:|$)"
        looks_like_path = "/" in word or re.search(suffix, word)
        if looks_like_path and not word.startswith("-") and not is_output:
            name, colon, rest = word.partition(".toml:")  # material file:entry
            path = ROOT / (name + ".toml" if colon else word)
            if not path.exists():
                return None
            word = str(path) + (":" + rest if colon else "")
        out.append(word)
    return out


def _runnable_cases() -> list[tuple[str, list[str]]]:
    cases = []
    for page, line in _cases():
        if page.endswith("--help"):  # a --help text quotes a command's name and options, not a whole command
            continue
        words = _runnable(line)
        if words is not None and (page, words) not in cases:
            cases.append((page, words))
    return cases


def _params() -> list[Any]:
    return [
        pytest.param(page, words, marks=[pytest.mark.slow] if tuple(words[:2]) in MINUTE else [])
        for page, words in _runnable_cases()
    ]


def test_cheap_commands_are_found():
    """The run test below covers commands of the pages and of the example files (so its filter finds them)."""
    commands = [" ".join(w[:2]) for _, w in _runnable_cases()]
    assert {"predict Al", "tdtr fit", "fdtr fit", "md spectral", "md eels"} <= set(commands)


@pytest.mark.parametrize(("page", "words"), _params(), ids=lambda v: v if isinstance(v, str) else " ".join(v))
def test_cheap_commands_run(page: str, words: list[str], cli) -> None:
    """Source: the page or example file itself; the command, run as written from an empty folder, exits 0."""
    status, out, err = cli(*words, *(["--no-progress"] if words[:2] in (["tdtr", "fit"], ["fdtr", "fit"]) else []))
    assert status == 0, f"{page}: kapitza {' '.join(words)} -> {status}: {err[-500:]}"


def test_lj_example_shortened_runs_and_its_analyse_lines_work(cli, tmp_path) -> None:
    """The LJ example as shipped, its steps cut by 10x: its own run line makes the run directory in the current
    folder and its own analyse commands then work on it."""
    _lj_example_then_analyse(cli, tmp_path, shorten=10)


def _lj_example_then_analyse(cli, tmp_path: Path, shorten: int) -> None:
    source = ROOT / "examples" / "md" / "lj_mass_ratio.toml"
    text = source.read_text(encoding="utf-8")
    short = re.sub(
        r"^(steps_\w+|block_steps) = (\d+)",
        lambda m: f"{m.group(1)} = {max(int(m.group(2)) // shorten, 1)}",
        text,
        flags=re.M,
    )
    config = tmp_path / source.name
    config.write_text(short, encoding="utf-8")
    lines = _example_lines(source)
    run = [shlex.split(x) for x in lines if x.startswith("md run")]
    assert run == [["md", "run", "examples/md/lj_mass_ratio.toml"]]
    status, _, err = cli("md", "run", config, "--no-progress")
    assert status == 0, err
    assert (Path.cwd() / "lj_mass_ratio.run" / "profile.chunk").is_file()  # in the current folder, not the source
    analyse = [shlex.split(x) for x in lines if not x.startswith("md run")]
    assert analyse
    for words in analyse:
        status, out, err = cli(*words)
        assert status == 0, f"kapitza {' '.join(words)} -> {status}: {err[-500:]}"
