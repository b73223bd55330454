"""Issue 61 item 4: the getting-started page shows the Python route beside the command line with the same numbers.

The page's ``text`` blocks are what the two routes print: each of their lines must be a line that
``kapitza predict Al Si -t 10,300`` or ``print(kapitza.predict("Al", "Si", [10.0, 300.0]))`` prints today (so
the page cannot drift from the code), and the expected measurement's lines of the two routes are the same lines.
"""

from __future__ import annotations

import re
from pathlib import Path

import kapitza

PAGE = Path(__file__).resolve().parents[2] / "docs" / "getting-started.md"


def _text_blocks() -> list[list[str]]:
    text = PAGE.read_text(encoding="utf-8")
    return [block.strip("\n").splitlines() for block in re.findall(r"```text\n(.*?)```", text, flags=re.S)]


def test_the_page_prints_what_both_routes_print(cli):
    status, out, _ = cli("predict", "Al", "Si", "-t", "10,300")
    assert status == 0
    python = str(kapitza.predict("Al", "Si", [10.0, 300.0])).splitlines()
    command, printed = _text_blocks()[:2]
    assert command and all(line in out.splitlines() for line in command)
    assert printed and printed == python[: len(printed)]
    assert [line for line in printed if line.startswith("expected")] == command  # one answer, both routes
