"""The memory a run holds on a dask worker, defined once for campaigns (:mod:`kapitza.md.campaign`) and replicas
(:mod:`kapitza.md.replicas`): this process, one worker, LAMMPS's atoms, MPI ranks and spectral samples."""

from __future__ import annotations

from .nemd import NemdConfig
from .plan import NemdPlan, as_plan

#: Default bound on a campaign's memory estimate (GB, all its processes on this machine), as ``kapitza agf``'s.
DEFAULT_MAX_MEMORY_GB = 4.0
#: This process during a campaign on a local cluster: Python with kapitza's MD modules, distributed's client,
#: scheduler and nannies (they live here), and multiprocessing's resource tracker.  Measured 150 MB (+13 MB for
#: the tracker) with 2 workers (``python benchmarks/memory.py --campaign``, LJ members of 648 to 18432 atoms).
CAMPAIGN_MAIN_BYTES = 180e6
#: One local campaign worker before its member's atoms: Python with distributed, numpy, kapitza's MD modules and
#: the LAMMPS library loaded, LAMMPS's own tables.  Measured 163-166 MB running LJ members of 504-648 atoms.
CAMPAIGN_WORKER_BYTES = 190e6
#: LAMMPS's memory per atom of a member (per-atom arrays, ghost atoms, neighbour lists and their pages): measured
#: ~0.7 kB (LJ, workers of 166 MB at 4608 atoms and 176 MB at 18432); twice that is counted.
LAMMPS_BYTES_PER_ATOM = 1.5e3
#: One rank of ``mpirun -np N lmp`` (processes > 1) before atoms, and ``mpirun`` with its proxy.
MPI_RANK_BYTES = 60e6


def member_atoms(plan: NemdPlan | NemdConfig) -> int:
    """Atoms of a member's system (its plan, :func:`kapitza.md.plan.plan_nemd`; a config is planned here): the
    user's structure's, or the built-in bicrystal's."""
    plan = as_plan(plan)
    user = plan.system
    return len(user.structure.atoms) if user is not None else plan.config.n_atoms


def member_memory(plan: NemdPlan | NemdConfig, processes: int = 1) -> float:
    """Bytes one member holds while it runs on a worker: the worker (:data:`CAMPAIGN_WORKER_BYTES`), LAMMPS's
    atoms (:data:`LAMMPS_BYTES_PER_ATOM` each; with ``processes`` > 1 in ``mpirun -np N lmp``, N ranks of
    :data:`MPI_RANK_BYTES` and ``mpirun``), and the spectral sampling's velocity samples of one block (float64,
    positions too for lj/cut) where ``spectral_every`` is set."""
    plan = as_plan(plan)
    config = plan.config
    atoms = member_atoms(plan)
    lammps = LAMMPS_BYTES_PER_ATOM * atoms + (MPI_RANK_BYTES * (processes + 1) if processes > 1 else 0.0)
    spectral = 0.0
    if config.spectral_every:
        analytic = config.record is not None and config.record.analytic
        per_sample = 2 if analytic else 1  # velocities, and positions for a pair form's analytic force constants
        spectral = 3 * 8.0 * atoms * per_sample * config.n_spectral_samples
    return CAMPAIGN_WORKER_BYTES + lammps + spectral
