"""Import every command module so that each registers itself on the app."""

from . import (  # noqa: F401
    agf,  # noqa: F401,E402
    materials,
    phonons,
    predict,
    transmission,
)
