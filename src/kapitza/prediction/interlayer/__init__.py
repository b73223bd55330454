"""The interface as it is made: a stack of layers between two materials (issue 77).

- :mod:`.layers`: an interlayer as a user names it (``Ti:2nm``), its family and form;
- :mod:`.film`: a layer's own conductivity across its thickness (boundary scattering, the amorphous limit);
- :mod:`.series`: the stack's physics, each interface from kapitza's models and each layer in series.

The compilation's stacks are read by :mod:`kapitza.literature.stacks`; the expected measurement of a stack is
:func:`kapitza.prediction.expected.expected_conductance` with ``interlayers=``.
"""

from .film import FilmConductivity, amorphous_limit, film_conductivity
from .layers import MAX_INTERLAYERS, Layer, layer_of, parse_interlayers
from .series import StackPhysics, stack_physics

__all__ = [
    "MAX_INTERLAYERS",
    "FilmConductivity",
    "Layer",
    "StackPhysics",
    "amorphous_limit",
    "film_conductivity",
    "layer_of",
    "parse_interlayers",
    "stack_physics",
]
