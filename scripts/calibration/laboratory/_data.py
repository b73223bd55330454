"""The laboratory's own tables (``data/``): read from the source tree, never shipped in the wheel."""

from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


def lab_text(name: str) -> str | None:
    """The text of ``data/NAME``, or None where it is not there."""
    path = DATA / name
    return path.read_text(encoding="utf-8") if path.is_file() else None
