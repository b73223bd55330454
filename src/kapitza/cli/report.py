"""The one rule of every command's text: the answer first, the details behind ``--explain``.

A user acts on the result, its uncertainty and any warning that changes the decision; provenance and diagnostics
(relaxation steps, supercells, memory statements, long-wave lines, shares by branch and by frequency band, model
definitions, sources) are for checking it.  A command collects its lines into a :class:`Report` as one of three
kinds and prints it once:

* ``answer``: the result and its uncertainty (a line or a rich table), always printed, first;
* ``warning``: what changes the decision (a refused input, a prediction that is partial, a band that rests on few
  papers), always printed, after the answer, prefixed ``warning:``;
* ``detail``: everything else, printed only with ``--explain``; without it one last line says how many lines
  ``--explain`` adds and what they are.

``--json`` is untouched by this rule: it always holds everything.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rich.console import Console

#: The help text of every command's ``--explain``.
EXPLAIN_HELP = "Also print the provenance and diagnostics (sources, models in words, settings); --json holds all."


@dataclass
class Report:
    """A command's text, collected as answer, warnings and details, printed once by :meth:`show`."""

    explain: bool = False
    answers: list[Any] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    details: list[Any] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)

    def answer(self, item: Any) -> None:
        """The result and its uncertainty: a line or a rich renderable (a table)."""
        self.answers.append(item)

    def warn(self, text: str) -> None:
        """A warning that changes the decision (one line, printed after the answer)."""
        self.warnings.append(text if text.startswith("warning:") else f"warning: {text}")

    def detail(self, item: Any, topic: str | None = None) -> None:
        """Provenance or a diagnostic, printed with ``--explain`` only; ``topic`` names it in the hint line."""
        self.details.append(item)
        if topic and topic not in self.topics:
            self.topics.append(topic)

    def lines(self) -> list[Any]:
        """What :meth:`show` prints, in order (the hint line last where details are held back)."""
        out = [*self.answers, *self.warnings]
        if self.explain:
            out += self.details
        elif self.details:
            what = f" ({', '.join(self.topics)})" if self.topics else ""
            out.append(
                f"--explain adds {_count(self.details)} more line{'s' if _count(self.details) != 1 else ''}{what}"
            )
        return out

    def show(self, console: Console | None = None) -> None:
        """Print the report (plain text lines without rich markup; tables as rich renders them)."""
        if console is None:
            console = Console()
            if not console.is_terminal:  # pipes and files: no need to squeeze tables into rich's 80 columns
                console = Console(width=max(console.width, 100))
        for item in self.lines():
            if isinstance(item, str):
                console.print(item, markup=False, highlight=False, soft_wrap=True)
            else:
                console.print(item)


def _count(items: list[Any]) -> int:
    """Lines the details would take (a table counts its rows plus its frame, about)."""
    total = 0
    for item in items:
        if isinstance(item, str):
            total += item.count("\n") + 1
        else:
            rows = getattr(item, "row_count", None)
            total += (rows + 4) if isinstance(rows, int) else 1
    return total


__all__ = ["EXPLAIN_HELP", "Report"]
