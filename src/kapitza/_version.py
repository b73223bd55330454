"""The package version, in one place (read by the build, results' metadata and ``kapitza --version``).

Written here, not taken from a git tag: a clone carries no tags, and a version derived from one then disagreed
with the changelog and CITATION.cff (0.1.devN against 0.16.0).  ``pyproject.toml`` reads this string
(``[tool.setuptools.dynamic]``), CITATION.cff repeats it and the changelog names it; a test ties the three.
Between releases it is the next release with ``.dev0``.
"""

from __future__ import annotations

__version__: str = "0.17.0.dev0"
