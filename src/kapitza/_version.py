"""The package version, in one place (read by results' metadata and ``kapitza --version``)."""

__version__ = "0.1.0"
