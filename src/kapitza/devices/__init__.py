"""Designing with interfaces: thermal circuits and the applications where a Kapitza resistance matters.

Every model takes its interface resistances from :mod:`kapitza.devices.sources` (a number, a model
prediction such as ``"dmm:Al/Si"`` at the local temperature, a power law, or a saved result file) and its
layer conductivities from a number or the database's kappa(T) (:mod:`kapitza.materials.conductivity`).
Results are frozen dataclasses holding the temperature profile, the budget and the inputs.
Units: SI (m, K, W, W m^-2, m^2 K W^-1, W m^-1 K^-1).

Modules
-------
sources
    Interface resistances R(T) and conductivities kappa(T) from what a user writes.
stack, stack_file
    Layers and interfaces in series: profile, budget, Kapitza lengths, two-temperature profiles at
    metal/non-metal interfaces; the TOML stack file of ``kapitza stack``.
film
    A heated film on a substrate: temperature rise vs film thickness with and without R_K.
hotspot
    2D/axisymmetric spreading under a finite heat source on layers with interface resistances
    (scikit-fem, the ``devices`` extra).
superlattice, composite, polycrystal
    Effective conductivities of layered, particulate and granular media with boundary resistances.
thermoelectric, phase_change, nanofluidic
    A thermoelectric leg's device ZT, a phase-change memory cell's temperature rise, a nanofluidic
    exchanger's overall coefficient.
cryogenic, spin, contact
    A chip in liquid helium (R_K ~ T^-3, the T^4 law), spin-dependent Kapitza resistance, and
    macroscopic contact conductance next to R_K (with the slip, one-way-flux and Onsager forms).
"""

from .composite import CompositeResult, composite, critical_radius
from .contact import ContactComparison, contact_vs_kapitza
from .cryogenic import ChipInHelium, chip_in_helium, chip_sweep
from .film import FilmScaling, film_scaling
from .hotspot import HotspotLayer, HotspotResult, hotspot, hotspot_sweep
from .nanofluidic import Exchanger, ExchangerResult, nanofluidic_exchanger
from .phase_change import PCMCell, pcm_cell
from .polycrystal import PolycrystalResult, polycrystal
from .sources import (
    ConductivitySource,
    ResistanceSource,
    conductivity_source,
    resistance_source,
)
from .spin import SpinHeatAccumulation, spin_heat_accumulation
from .stack import Layer, Stack, StackResult, make_stack, solve_stack, stack_resistance
from .stack_file import StackFile, read_stack
from .superlattice import SuperlatticeResult, superlattice
from .thermoelectric import ThermoelectricLeg, thermoelectric_leg

__all__ = [
    "ChipInHelium",
    "CompositeResult",
    "ConductivitySource",
    "ContactComparison",
    "Exchanger",
    "ExchangerResult",
    "FilmScaling",
    "HotspotLayer",
    "HotspotResult",
    "Layer",
    "PCMCell",
    "PolycrystalResult",
    "ResistanceSource",
    "SpinHeatAccumulation",
    "Stack",
    "StackFile",
    "StackResult",
    "SuperlatticeResult",
    "ThermoelectricLeg",
    "chip_in_helium",
    "chip_sweep",
    "composite",
    "conductivity_source",
    "contact_vs_kapitza",
    "critical_radius",
    "film_scaling",
    "hotspot",
    "hotspot_sweep",
    "make_stack",
    "nanofluidic_exchanger",
    "pcm_cell",
    "polycrystal",
    "read_stack",
    "resistance_source",
    "solve_stack",
    "spin_heat_accumulation",
    "stack_resistance",
    "superlattice",
    "thermoelectric_leg",
]
