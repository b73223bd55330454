"""The answer-first rule of every command's text (kapitza.cli.report; issue 53 item 4), as each command's tests
check it: the default text is short, carries the answer on its first lines and ends with the one line that says
what ``--explain`` adds; ``--explain`` prints the details and no such line."""

from __future__ import annotations

import re

#: A number with its uncertainty as the commands print it: ``1.12 ± 0.19`` or ``304.2 +- 3.2``.
WITH_ERROR = re.compile(r"\d\s*(?:\u00b1|\+-)\s*\d")
#: The last line of a default text that holds details back (kapitza.cli.report.Report.lines).
HINT = re.compile(r"^--explain adds \d+ more lines? \(.+\)$")


def answer_first(out: str, most: int, within: int, answer: str | re.Pattern[str] = WITH_ERROR) -> list[str]:
    """The lines of a default text, after checking that there are at most ``most``, that one of the first
    ``within`` holds ``answer`` (a string, or a pattern such as :data:`WITH_ERROR`), and that the last one is the
    ``--explain`` hint."""
    lines = out.rstrip("\n").splitlines()
    assert len(lines) <= most, f"{len(lines)} lines, more than {most}:\n{out}"
    found = (lambda line: answer in line) if isinstance(answer, str) else (lambda line: answer.search(line))
    assert any(found(line) for line in lines[:within]), f"no {answer!r} in the first {within} lines:\n{out}"
    assert HINT.match(lines[-1].strip()), lines[-1]
    return lines


def explained(out: str, *details: str) -> str:
    """The ``--explain`` text with its white space folded (rich wraps long lines), after checking that it holds
    every one of ``details`` and no hint line."""
    text = " ".join(out.split())
    for detail in details:
        assert detail in text, f"{detail!r} not in the --explain text:\n{out}"
    assert "--explain adds" not in text
    return text
