"""The package version, in one place (read by results' metadata and ``kapitza --version``).

It is the version of the installed distribution, which setuptools-scm takes from the git tag at install
time (``v0.16.0`` gives ``0.16.0``; commits after it ``0.16.1.devN+gHASH``). Imported from a source tree
that was never installed, the version is unknown: ``0.0.0+unknown``.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__: str = version("kapitza")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0+unknown"
