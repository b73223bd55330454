"""Figures: an edge layer over the API.

Every function builds a :class:`matplotlib.figure.Figure` without pyplot and
without touching the matplotlib backend (a notebook keeps its inline
backend), returns it, and writes it atomically when given a path.
matplotlib is imported only when a figure is made.
"""

from .conductance import conductance_figure
from .transmission import angular_transmission_figure
from .validation import calculator_validation_figure, validation_figure

__all__ = ["angular_transmission_figure", "calculator_validation_figure", "conductance_figure", "validation_figure"]
