"""Figures (matplotlib, imported lazily, Agg backend): an edge layer over the API."""

from .conductance import plot_conductance

__all__ = ["plot_conductance"]
