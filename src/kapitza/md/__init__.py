"""Molecular dynamics with LAMMPS: NEMD runs on atomistic bicrystals (config, its plan: the files it names read and
checked before any work, generated input, resumable driver), and independent replicas of one configuration
(:mod:`kapitza.md.replicas`).

LAMMPS is imported only inside the functions that run it (``kapitza.atomistic.lammps.lammps_module``).
"""

from .nemd import NemdConfig
from .plan import NemdPlan, plan_nemd
from .replicas import run_replicas
from .run import NemdRun, run_nemd

__all__ = ["NemdConfig", "NemdPlan", "NemdRun", "plan_nemd", "run_nemd", "run_replicas"]
