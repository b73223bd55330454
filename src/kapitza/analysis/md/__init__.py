"""MD post-processing for anyone's simulation output (LAMMPS files and arrays), importing no simulation package.

* :mod:`.analyze` ``kapitza md analyze`` as one call (:func:`analyze_md`: a profile file, a run directory or a
  folder of replicas -> :class:`MdAnalysis`, whose ``to_dict`` is the ``--json`` document);
* :mod:`.profiles` temperature profiles (LAMMPS ``fix ave/chunk``), :mod:`.jump` Delta T at each interface and
  G = J / Delta T, :mod:`.baths` the bath heat flux, :mod:`.blocking` the error of a correlated mean (the single-run
  error), :mod:`.replicas` replicas pooled, :mod:`.regime` the thermostat-limited check;
* :mod:`.response` kapitza run directories (through their manifest ``run.json``, :mod:`kapitza.io.run_manifest`)
  and J(Delta T), G(T); :mod:`.thickness` thickness series and size extrapolation;
* :mod:`.emd` G from equilibrium fluctuations; :mod:`.spectral` the spectral heat current, sum rule and
  rectification; :mod:`.modes` DOS maps and modal temperatures; :mod:`.units` LAMMPS unit systems and G in SI.
"""

from .analyze import AnalysisSettings, MdAnalysis, analyze_md
from .blocking import CorrelatedMean, correlated_mean
from .jump import BathFlux, InterfaceJump, JumpAnalysis, analyze_jump, find_interfaces, flux_from_baths
from .profiles import TemperatureProfile, read_profile
from .replicas import ReplicaAnalysis, ReplicaPool, analyze_replicas, pool_replicas
from .thickness import SizeExtrapolation, ThicknessFit, extrapolate_conductivity, fit_thickness_series
from .units import UNIT_SYSTEMS, UnitSystem, unit_system

__all__ = [
    "UNIT_SYSTEMS",
    "AnalysisSettings",
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
    "SizeExtrapolation",
    "TemperatureProfile",
    "ThicknessFit",
    "UnitSystem",
    "analyze_jump",
    "extrapolate_conductivity",
    "find_interfaces",
    "fit_thickness_series",
    "flux_from_baths",
    "read_profile",
    "unit_system",
]
