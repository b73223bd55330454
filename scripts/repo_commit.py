"""The commit a script's output was made from, for the provenance line of a shipped table or a page: one rule for
every script (``scripts/`` is on the path of each: run as ``python scripts/NAME.py``, or with ``PYTHONPATH=src:scripts``
for the calibration package, as the tests put it there)."""

from __future__ import annotations

import subprocess
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def commit(ignore: Iterable[Path] = ()) -> str:
    """HEAD's short hash, "+ uncommitted changes" where the package or the scripts differ from it (an output made
    from a working tree must not pass for HEAD's), or "unknown" outside a git checkout.  ``ignore``: files the run
    itself writes under them (a shipped table, a scores file), which a change of does not make its output another
    commit's."""
    skip = [f":(exclude){Path(p).resolve().relative_to(ROOT).as_posix()}" for p in ignore]
    try:
        head = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
        changed = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--", "src", "scripts", *skip],
                                 capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{head} + uncommitted changes" if changed else head
