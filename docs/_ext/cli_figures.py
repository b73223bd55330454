"""Sphinx extension: the ``kapitza-figure`` directive, a CLI figure drawn by its own command at build time.

In a page (MyST)::

    ```{kapitza-figure} g.png
    :caption: What the figure shows.
    kapitza predict Al Si -t 1:1000:50 --plot g.png
    ```

The directive runs every ``kapitza ...`` line of its body, in order, as a user would type it from the
repository root: in a fresh scratch folder (under the build's doctree folder) in which ``examples`` points to
the repository's ``examples/``, so the shipped inputs are found and every output lands in the scratch folder.
The last line must write the named PNG. The page then shows the commands and the figure at the size the
command saved it, so the figure can never drift from the code that draws it. A command that fails or that
does not write the PNG is a build error (``-W`` stops the build), with the end of its stderr.

The commands of every figure in the documents to be read are started before reading
(``env-before-read-docs``), :data:`WORKERS` figures at a time in the background, each in its own scratch folder,
while Sphinx parses the pages; the directive then takes its figure's outcome (the minutes of ``md modes`` and
``md eels`` overlap instead of adding up). A figure the scan did not find runs where its directive is read.

``tests/docs/test_cli_figures.py`` checks that the figures page has one such figure for every ``--plot``
option the CLI has.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[2]
#: The folder (relative to the docs source) where the figures land; git-ignored.
FIGURE_DIR = "reference/cli_figures"
#: A command taking longer than this (s) is reported, so that a slow figure is noticed in the build log.
SLOW_S = 30.0
#: Figures whose commands run at once in the background (each command is one process): one a core.
WORKERS = max(1, os.cpu_count() or 1)
#: A figure block in a page's source: its PNG name and its body (the options, then the commands).
BLOCK = re.compile(r"^```\{kapitza-figure\} (\S+)\n(.*?)^```", re.S | re.M)


def _kapitza() -> list[str]:
    """The kapitza of the Python that runs Sphinx (the environment being documented)."""
    return [sys.executable, "-m", "kapitza"]


def _scratch(base: Path, name: str, tag: str = "") -> Path:
    folder = base / "cli_figures" / (Path(name).stem + tag)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    (folder / "examples").symlink_to(ROOT / "examples", target_is_directory=True)
    return folder


def run_commands(lines: list[str], folder: Path) -> None:
    """Run each ``kapitza ...`` line in ``folder``; raise RuntimeError with the stderr of a failing one."""
    env = {**os.environ, "MPLBACKEND": "Agg", "COLUMNS": "100"}
    if WORKERS > 1:  # the figures are the parallelism: one BLAS/OpenMP thread a command, as many commands as cores
        env = {name: "1" for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")} | env
    for line in lines:
        words = shlex.split(line)
        if not words or words[0] != "kapitza":
            raise RuntimeError(f"not a kapitza command: {line!r}")
        start = time.perf_counter()
        done = subprocess.run(
            _kapitza() + words[1:], cwd=folder, env=env, capture_output=True, text=True, timeout=600, check=False
        )
        took = time.perf_counter() - start
        if done.returncode != 0:
            tail = "\n".join(done.stderr.strip().splitlines()[-5:])
            raise RuntimeError(f"{line!r} exited {done.returncode}:\n{tail}")
        if took > SLOW_S:
            logger.info(f"kapitza-figure: {line!r} took {took:.0f} s")


def _commands(body: list[str] | str) -> list[str]:
    """The command lines of a figure's body (its ``:option:`` lines and blank lines left out)."""
    lines = body.splitlines() if isinstance(body, str) else body
    return [line.strip() for line in lines if line.strip() and not line.strip().startswith(":")]


def _make(base: Path, name: str, lines: list[str], tag: str = "") -> tuple[Path, str | None]:
    """Run one figure's commands in a fresh scratch folder: (the folder, None) or (the folder, why it failed)."""
    folder = _scratch(base, name, tag)
    try:
        run_commands(lines, folder)
    except (RuntimeError, subprocess.TimeoutExpired) as exc:
        return folder, str(exc)
    return folder, None


def start_figures(app, env, docnames) -> None:  # noqa: ANN001
    """Start the commands of every figure in the documents about to be read, :data:`WORKERS` at a time (not with
    Sphinx's own parallel reading, whose forked readers could not wait on this process's threads)."""
    app.kapitza_figures = {}
    if app.parallel > 1:
        return
    pool = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="kapitza-figure")
    started: dict[tuple[str, tuple[str, ...]], Future] = {}
    for docname in sorted(docnames):
        source = Path(env.doc2path(docname))
        if source.suffix != ".md" or not source.is_file():
            continue
        for name, body in BLOCK.findall(source.read_text(encoding="utf-8")):
            lines = _commands(body)
            key = (name, tuple(lines))
            if lines and key not in started:
                started[key] = pool.submit(_make, Path(app.doctreedir), name, lines, f"-{len(started)}")
    pool.shutdown(wait=False)
    app.kapitza_figures = started  # taken by the directives


class KapitzaFigure(SphinxDirective):
    """Run the body's kapitza commands; show them and the PNG the last one wrote."""

    required_arguments = 1
    has_content = True
    option_spec = {"caption": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        name = self.arguments[0]
        if Path(name).name != name or not name.endswith(".png"):
            raise self.error(f"kapitza-figure: the argument must be a PNG file name, not {name!r}")
        lines = [line.strip() for line in self.content if line.strip()]
        if not lines:
            raise self.error(f"kapitza-figure {name}: no command")
        started = getattr(self.env.app, "kapitza_figures", {}).pop((name, tuple(lines)), None)
        if started is not None:
            folder, failure = started.result()
        else:  # not found by the scan before reading: run here
            folder, failure = _make(Path(self.env.app.doctreedir), name, lines)
        if failure is not None:
            raise self.error(f"kapitza-figure {name}: {failure}")
        made = folder / name
        if not made.is_file():
            raise self.error(f"kapitza-figure {name}: the last command wrote no {name}")
        target = Path(self.env.srcdir) / FIGURE_DIR / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(made, target)
        shutil.rmtree(folder, ignore_errors=True)

        block = nodes.literal_block("\n".join(lines), "\n".join(lines), language="bash")
        docdir = Path(self.env.doc2path(self.env.docname)).parent
        uri = os.path.relpath(target, docdir).replace(os.sep, "/")
        image = nodes.image(uri=uri, alt=self.options.get("caption", name))
        out: list[nodes.Node] = [block, image]
        if "caption" in self.options:
            text, _ = self.state.inline_text(self.options["caption"], self.lineno)
            out.append(nodes.paragraph("", "", *text))
        return out


def setup(app):  # noqa: ANN001, ANN201
    app.add_directive("kapitza-figure", KapitzaFigure)
    app.connect("env-before-read-docs", start_figures)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
