"""Atomistic structures for interface simulations (ASE, imported lazily)."""

from .structures import InterfaceStructure, build_interface, equilibrium_lattice_constant

__all__ = ["InterfaceStructure", "build_interface", "equilibrium_lattice_constant"]
