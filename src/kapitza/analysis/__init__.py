"""Data -> numbers, importing no simulation package: MD post-processing (:mod:`.md`), STEM-EELS thermometry
(:mod:`.eels`), TDTR/FDTR (:mod:`.thermoreflectance`) and the fits they share (:mod:`.fits`).

Everything here works on files and arrays from any simulation, so a user's own LAMMPS
output and kapitza's go through the same code.
"""

from .fits import ModelFit, PowerLawFit, fit_model, fit_power_law, fit_thickness
from .md import (
    UNIT_SYSTEMS,
    BathFlux,
    CorrelatedMean,
    InterfaceJump,
    JumpAnalysis,
    MdAnalysis,
    ReplicaAnalysis,
    ReplicaPool,
    SizeExtrapolation,
    TemperatureProfile,
    ThicknessFit,
    UnitSystem,
    analyze_jump,
    analyze_md,
    analyze_replicas,
    correlated_mean,
    extrapolate_conductivity,
    find_interfaces,
    fit_thickness_series,
    flux_from_baths,
    pool_replicas,
    read_profile,
    unit_system,
)

__all__ = [
    "UNIT_SYSTEMS",
    "BathFlux",
    "CorrelatedMean",
    "MdAnalysis",
    "ReplicaAnalysis",
    "ReplicaPool",
    "analyze_md",
    "analyze_replicas",
    "correlated_mean",
    "pool_replicas",
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
