"""Figures (matplotlib, imported lazily, Agg backend): an edge layer over the API."""

from .conductance import plot_conductance
from .transmission import plot_angular_transmission

__all__ = ["plot_angular_transmission", "plot_conductance"]
