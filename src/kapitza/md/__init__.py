"""Molecular dynamics with LAMMPS: NEMD runs on atomistic bicrystals (config, generated input, resumable driver),
and independent replicas of one configuration (:mod:`kapitza.md.replicas`).

LAMMPS is imported only inside the functions that run it (``kapitza.atomistic.lammps.lammps_module``).
"""

from .nemd import NemdConfig
from .replicas import run_replicas
from .run import NemdRun, run_nemd

__all__ = ["NemdConfig", "NemdRun", "run_nemd", "run_replicas"]
