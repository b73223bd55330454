"""Data -> numbers, importing no simulation package: temperature profiles -> Delta T and G, thickness series, fits.

Everything here works on files and arrays from any simulation, so a user's own LAMMPS
output and kapitza's go through the same code.
"""

from .fits import ModelFit, PowerLawFit, fit_model, fit_power_law, fit_thickness
from .jump import BathFlux, InterfaceJump, JumpAnalysis, analyze_jump, find_interfaces, flux_from_baths
from .profiles import TemperatureProfile, read_profile
from .thickness import SizeExtrapolation, ThicknessFit, extrapolate_conductivity, fit_thickness_series
from .units import UNIT_SYSTEMS, UnitSystem, unit_system

__all__ = [
    "UNIT_SYSTEMS",
    "BathFlux",
    "InterfaceJump",
    "JumpAnalysis",
    "ModelFit",
    "PowerLawFit",
    "SizeExtrapolation",
    "TemperatureProfile",
    "ThicknessFit",
    "UnitSystem",
    "analyze_jump",
    "extrapolate_conductivity",
    "find_interfaces",
    "fit_model",
    "fit_power_law",
    "fit_thickness",
    "fit_thickness_series",
    "flux_from_baths",
    "read_profile",
    "unit_system",
]
