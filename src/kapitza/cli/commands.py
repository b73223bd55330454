"""Import every command module so that each registers itself on the app."""

from . import materials, predict, transmission  # noqa: F401
