"""The one shape of a long computation's progress report, shared by every layer that takes one."""

from __future__ import annotations

from collections.abc import Callable

#: ``progress(stage, done, total)``: called as a long computation advances (the stage in words, e.g. "crystals",
#: "relaxation", and how many of its ``total`` steps are done); the command line draws it as a bar or a log line.
Progress = Callable[[str, int, int], None]

__all__ = ["Progress"]
