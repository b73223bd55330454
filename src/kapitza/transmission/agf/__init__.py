"""Atomistic Green's function (AGF): harmonic phonon transmission of atomistic interfaces."""

from .forceconstants import LateralForceConstants, lateral_force_constants, lateral_force_constants_from_phonopy
from .local_fc import local_interface_model
from .model import LayeredModel, chain_model
from .partition import interface_model, padded_slab
from .solver import (
    DEFAULT_ETA,
    TransmissionResult,
    frequency_grid,
    lead_max_frequency,
    monkhorst_pack,
    reduce_time_reversal,
    transmission,
)

__all__ = [
    "DEFAULT_ETA",
    "LateralForceConstants",
    "LayeredModel",
    "TransmissionResult",
    "chain_model",
    "frequency_grid",
    "interface_model",
    "lateral_force_constants",
    "lateral_force_constants_from_phonopy",
    "lead_max_frequency",
    "local_interface_model",
    "monkhorst_pack",
    "padded_slab",
    "reduce_time_reversal",
    "transmission",
]
