"""Figures: an edge layer over the API.

Every function builds a :class:`matplotlib.figure.Figure` without pyplot and
without touching the matplotlib backend (a notebook keeps its inline
backend), returns it, and writes it atomically when given a path.
matplotlib is imported only when a figure is made.
"""

from .conductance import plot_conductance
from .transmission import plot_angular_transmission
from .validation import plot_validation

__all__ = ["plot_angular_transmission", "plot_conductance", "plot_validation"]
