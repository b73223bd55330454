"""Force constants of an interface slab from any :class:`~kapitza.atomistic.calculators.CalculatorSource`: a universal
machine-learned potential (CHGNet, SevenNet) or a user's ``module:factory`` ASE calculator.

:class:`CalculatorForceConstants` offers the rows of the Hessian to the AGF
(:func:`kapitza.transmission.agf.forceconstants.lateral_force_constants`) the way
:class:`~kapitza.atomistic.lammps_forces.LammpsSource` does for a LAMMPS force field: central differences through
the one vectorised routine :func:`~kapitza.atomistic.hessian.coloured_rows` (atoms more than twice the force range
apart displaced together), with the displaced structures handed to a :class:`~.force_tasks.ForceRunner` (this process,
CHGNet evaluating as many as fit in one batch, or the tasks of a dask cluster), which caches each structure's forces
by content as it comes back.  The AGF caches the rows on disk by content too: the slab (numbers, positions, cell,
sides), the calculator's identity (name, package version, SHA-256 of its weights or of a user's module), the step,
the force range and :data:`FORMAT`.

Force range
-----------
A machine-learned potential has no cutoff of its force constants: message passing reaches several graph radii and
its float32 forces add noise to every block.  The AGF needs a finite range (principal layers at least that thick,
a lateral supercell more than twice that wide), so the force constants are *truncated* at ``force_range`` and the
acoustic sum rule restored on the self blocks (:func:`kapitza.transmission.agf.forceconstants._assign` with
``truncate``); the largest dropped block, as a fraction of the largest one, is recorded in the model's metadata
(``dropped_beyond_range``), and so is how far each lead's two principal layers differed before they were made
copies of each other (``copied_lead_mismatch``).  :data:`DEFAULT_FORCE_RANGE_ANGSTROM` states the default.  A potential
with a true cutoff (Stillinger-Weber through ``module:factory``) given its exact range loses nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..errors import InputError
from .calculators import BATCH_ATOMS, D3_SUFFIX, CalculatorSource
from .hessian import CHUNK_VALUES, coloured_rows
from .translations import lateral_translations

#: Default force range (A) of a machine-learned potential's interface force constants: blocks beyond it are dropped.
#: Measured on CHGNet 0.3.0, bulk Si at its relaxed a = 5.461 A (3x3x3 conventional supercell, one atom displaced by
#: +-0.001 A along x; benchmarks/mlip_agf.py --decay): the largest block beyond a distance r, as a
#: fraction of the largest block, is 4.2e-2 beyond 2.4 A (the second neighbours, 3.86 A, are large), 2.7e-3
#: beyond 3.9 A, 1.3e-3 beyond 4.6 A and 5.5 A, 8.9e-4 beyond 6.0 A and 3.9e-4 beyond 9.0 A (float32 noise: the
#: acoustic sum of that row is 3.2e-5 of its self term).  5 A keeps the first three neighbour shells of Si and Ge
#: and drops blocks of at most ~1e-3 of the largest; every doubling of the range costs about 2^3 in force calls.
DEFAULT_FORCE_RANGE_ANGSTROM = 5.0
#: Bulk copies of each lead (A) between its outer unit and the slab's surface: CHGNet's message passing sees the
#: surface from further than its force constants reach.  Measured on SW's Si|Ge [001] geometry (a = 5.431 A, 3 + 3
#: periods, every atom Si, CHGNet 0.3.0, range 5 A; benchmarks/mlip_agf.py's structure): the outer and inner
#: principal layers of each lead differed by 8.9 % of the largest force constant with the copies the range alone
#: asks for (one period beyond the outer unit), by 0.45 % with 12 A of copies; the force-constant stage took 534 s
#: instead of 187 s (different loads).
DEFAULT_PADDING_ANGSTROM = 12.0
#: Finite-difference step (A): the one :mod:`kapitza.phonons.from_structure` measured for CHGNet (its forces are not
#: linear on the 0.01 A scale: the self term of Si moves from 12.27 to 9.95 eV/A^2 between 0.001 and 0.01 A).
DISPLACEMENT_ANGSTROM = 0.001
#: Version of the cached rows (bump when their meaning changes).
FORMAT = 1


@dataclass(frozen=True)
class Footprint:
    """The measured memory of a built-in potential: resident once loaded, and working memory of one force call
    counted from the call's graph (bytes per ordered neighbour pair within ``pair_cutoff`` A, per bond angle, i.e.
    ordered pair of neighbours of one atom within ``angle_cutoff`` A; CHGNet's bond graph).  ``batch_atoms``:
    structures are packed into one call up to that many atoms (CHGNet's batches,
    :data:`kapitza.atomistic.calculators.BATCH_ATOMS`)."""

    resident: float
    pair_cutoff: float
    per_pair: float
    angle_cutoff: float = 0.0
    per_angle: float = 0.0
    batch_atoms: int = 0


#: The measured memory of the built-in potentials (torch 2.13 CPU, chgnet 0.4.2, sevenn 0.13.0, this machine,
#: 2026-11-25; ``python benchmarks/mlip_memory.py``, which prints each case beside these).  ``resident``: the peak
#: resident memory of a process once the model is loaded, less that of the same process before (kapitza, numpy, scipy,
#: ase imported): 294-309 MB (chgnet and chgnet-r2scan, four processes), 430-456 MB (sevennet, three), 444-466 MB
#: (sevennet-l3i5, two); counted about 1.1x the largest.  Working memory: the rise of the peak resident memory in one
#: force call on bulk supercells of diamond Si and Ge, fcc Cu, bcc Fe and rock-salt NaCl (64 to 1000 atoms), fitted by
#: least squares to bytes per neighbour pair (and, for CHGNet, per bond angle), without a constant: CHGNet 51 kB per
#: pair within its 6 A atom graph and 51 kB per angle within its 3 A bond graph (Si 2.8-3.1 MB per atom, Cu 10.9, Fe
#: 12.3: the fit within 0.96-1.05 of the nine cases); SevenNet-0 128 kB and SevenNet-l3i5 286 kB per pair within 5 A
#: (the fits within 0.84-1.04 and 0.91-1.01 of seven and eight cases).  Counted: 1.3x the fits, which covers every
#: measured case.  The count grows with the crystal's density where a per-atom figure would not: Cu needs 3.8x Si's per
#: atom with CHGNet, 1.5x with SevenNet.
#: A NAME+d3 calculator takes NAME's footprint: Grimme's D3 (dftd3) added no measurable memory or time to a
#: SevenNet-l3i5 force call on graphite supercells (peak resident memory of a fresh process 4999 MB with D3 against
#: 5041 MB without at 288 atoms, 1771 against 1808 MB at 72 atoms; 19.3 against 20.3 s and 7.5 against 7.6 s;
#: measured 2026-11-26), nor to its bulk cases (``benchmarks/mlip_memory.py --cases sevennet-l3i5:Si:3,
#: sevennet-l3i5+d3:Si:3,sevennet-l3i5:Cu:4,sevennet-l3i5+d3:Cu:4``: work 1968 against 1996 MB for 216 Si atoms, 3282
#: against 3262 MB for 256 Cu atoms, counted 2250 and 4000), and tests/phonons/test_from_structure_mlip.py checks the
#: statement with D3 in a fresh process.
FOOTPRINTS: dict[str, Footprint] = {
    "chgnet": Footprint(resident=340e6, pair_cutoff=6.0, per_pair=67e3, angle_cutoff=3.0, per_angle=66e3,
                        batch_atoms=BATCH_ATOMS),
    "chgnet-r2scan": Footprint(resident=340e6, pair_cutoff=6.0, per_pair=67e3, angle_cutoff=3.0, per_angle=66e3,
                               batch_atoms=BATCH_ATOMS),
    "sevennet": Footprint(resident=510e6, pair_cutoff=5.0, per_pair=166e3),
    "sevennet-l3i5": Footprint(resident=520e6, pair_cutoff=5.0, per_pair=372e3),
}  # fmt: skip


#: Memory per device.  The footprints above were measured on the CPU, where the model and a call's working memory are
#: host memory.  With the potential on a CUDA GPU (``KAPITZA_MLIP_DEVICE``) the same counts are stated as GPU memory
#: (the model, and the largest call's work from the same graph counts), and the host keeps the libraries, the model
#: as loaded (``resident``, counted on both: torch loads it on the host first) and kapitza's arrays.  The one GPU
#: measurement so far: SevenNet-l3i5 + D3 on GaN | AlN (0001), ``kapitza agf GaN:wurtzite:a=3.189,c=5.185
#: AlN:wurtzite:a=3.112,c=4.982 --calculator sevennet-l3i5+d3`` on one H100, GPU peak 15.2 GB (nvidia-smi) and host
#: peak 2.13 GB, 2026-11-27 (docs/howto/interface-from-atoms.md, section 2a), where the CPU's statement of the same
#: run was 19.2 GB of host memory; the GPU's share is stated from the CPU's per-pair bytes, not fitted to it.


def call_device(name: str) -> str:
    """Where a force call of the calculator ``name`` runs: a built-in potential's
    :func:`~kapitza.atomistic.calculators.mlip_device` (``cpu``, ``cuda`` or ``cuda:N``), ``cpu`` for a user's
    calculator (whose memory is not counted anyway)."""
    from .calculators import BUILTINS, mlip_device

    return mlip_device() if name.removesuffix(D3_SUFFIX) in BUILTINS else "cpu"


def gpu_free_bytes(device: str) -> float:
    """Free memory of the CUDA device ``device`` (``cuda`` or ``cuda:N``), bytes (``torch.cuda.mem_get_info``)."""
    import torch

    index = int(device.partition(":")[2] or 0)
    return float(torch.cuda.mem_get_info(index)[0])


def check_gpu_memory(call: dict[str, Any], what: str) -> str:
    """Refuse (MemoryBoundError, one line naming both numbers) a force call whose GPU memory (``call["gpu"]``, from
    :func:`force_call_memory`) is above the free memory of its device (:func:`gpu_free_bytes`); return the statement
    in words ("" where the call runs on the CPU or its memory is not known).  ``what`` names the work."""
    device = str(call.get("device", "cpu"))
    if not device.startswith("cuda") or not call.get("known"):
        return ""
    need, free = float(call["gpu"]), gpu_free_bytes(device)
    if need > free:
        from ..errors import MemoryBoundError

        raise MemoryBoundError(
            f"{what}: the largest force call needs ~{need / 1e9:.3g} GB of GPU memory on {device} (the model and the "
            f"call's work), but {free / 1e9:.3g} GB are free there: free the GPU, or unset KAPITZA_MLIP_DEVICE to run "
            "the potential on the CPU"
        )
    return f"GPU memory on {device}: the largest force call needs ~{need / 1e9:.3g} GB of the {free / 1e9:.3g} GB free"


def force_call_memory(
    name: str, atoms: Any, structures: int | None = None, device: str | None = None
) -> dict[str, Any]:
    """What a force call of the built-in potential ``name`` on ``atoms`` holds, bytes: ``resident`` (its libraries
    and model once loaded, host memory) and ``work`` (the call's working memory in host memory, counted from its
    graph with the measured :data:`FOOTPRINTS`; a CHGNet call packs ``batch_atoms // len(atoms)`` structures, or all
    ``structures`` when fewer are handed over at once); ``known`` is False, and both are 0, for a calculator without a
    measured footprint (a user's ``module:factory``).  ``device`` (default :func:`call_device`) is where the call
    runs: on ``cuda`` the work is GPU memory, so ``work`` is 0 and ``gpu`` holds the model and the work (0 on the
    CPU).  The statement of a GPU call is checked with :func:`check_gpu_memory`."""
    found = FOOTPRINTS.get(name.removesuffix(D3_SUFFIX))  # NAME+d3: NAME's (see FOOTPRINTS)
    if found is None:
        return {"resident": 0.0, "work": 0.0, "gpu": 0.0, "device": "cpu", "known": False}
    where = call_device(name) if device is None else str(device)
    from ase.neighborlist import neighbor_list  # every periodic image, also beyond half the cell

    n = len(atoms)
    work = found.per_pair * float(neighbor_list("i", atoms, found.pair_cutoff).size)
    if found.per_angle:
        k = np.bincount(neighbor_list("i", atoms, found.angle_cutoff), minlength=n).astype(float)
        work += found.per_angle * float(np.sum(k * (k - 1)))
    per_call = max(1, found.batch_atoms // max(n, 1)) if found.batch_atoms else 1
    if structures is not None:
        per_call = max(1, min(per_call, int(structures)))
    work *= per_call
    if where.startswith("cuda"):
        return {"resident": found.resident, "work": 0.0, "gpu": found.resident + work, "device": where, "known": True}
    return {"resident": found.resident, "work": work, "gpu": 0.0, "device": where, "known": True}


class CalculatorForceConstants:
    """A :class:`CalculatorSource` as a source of AGF force constants (finite differences of its forces).

    Parameters
    ----------
    source : CalculatorSource
        From :func:`kapitza.atomistic.calculators.calculator_source`.
    force_range : float
        A; the blocks beyond it are dropped (see the module docstring), > 0.
    padding : float
        A: the slab's lead copies reach at least this far beyond the outer lead units
        (:func:`kapitza.transmission.agf.partition.padded_slab`), so its surfaces do not perturb the leads.
    progress : callable, optional
        progress(stage, done, total) over the displaced structures (the stage is "force constants").
    resume : bool
        Cache the forces of each displaced structure on disk as it comes (:class:`.force_tasks.ForceRunner`), so
        that an interrupted computation resumes from them and two runs share them; False computes them all again.
    runner : ForceRunner, optional
        Where the force calls run (:mod:`kapitza.atomistic.force_tasks`): this process (default) or the tasks of a
        dask cluster.
    """

    truncate = True

    def __init__(
        self,
        source: CalculatorSource,
        *,
        force_range: float = DEFAULT_FORCE_RANGE_ANGSTROM,
        padding: float = DEFAULT_PADDING_ANGSTROM,
        progress: Callable[[str, int, int], None] | None = None,
        resume: bool = True,
        runner: Any = None,
    ) -> None:
        if not isinstance(source, CalculatorSource):
            raise InputError(f"expected a CalculatorSource (calculator_source(NAME)), got {type(source).__name__}")
        reach = float(force_range) if isinstance(force_range, (int, float, np.integer, np.floating)) else np.nan
        if not np.isfinite(reach) or not 0.5 <= reach < 50.0:
            raise InputError(f"force_range must be a length of at least 0.5 A and below 50 A, got {force_range!r}")
        pad = float(padding) if isinstance(padding, (int, float, np.integer, np.floating)) else np.nan
        if not np.isfinite(pad) or not 0.0 <= pad <= 100.0:
            raise InputError(f"padding must be a length between 0 and 100 A, got {padding!r}")
        self.padding = pad
        self.source = source
        self.name = source.name
        self.reach = reach
        self.method = f"finite-difference ({source.name})"
        self.parameters = {"calculator": dict(source.identity), "force_range_A": reach, "padding_A": pad,
                           "format": FORMAT}  # fmt: skip
        self.progress = progress
        self.resume = bool(resume)
        from .force_tasks import ForceRunner

        if runner is not None and not isinstance(runner, ForceRunner):
            raise InputError(f"runner must be a kapitza.atomistic.force_tasks.ForceRunner, got {type(runner).__name__}")
        self.runner = runner if runner is not None else ForceRunner.here()
        self.calls = 0  # force evaluations handed to the calculator (a cache hit makes none)
        self.tail = 0.0  # largest response beyond the range left out by the last hessian_rows, eV/A^2

    def calculator(self) -> Any:
        """The ASE calculator (for relaxations)."""
        return self.source.calculator()

    def memory(self, supercell: Any) -> dict[str, Any]:
        """What the force constants of ``supercell`` (the ase.Atoms that :meth:`hessian_rows` displaces) hold, bytes:
        ``displaced`` (the displaced structures handed to the calculator at once and their forces, four copies of
        up to :data:`~kapitza.atomistic.hessian.CHUNK_VALUES` coordinates: the positions, the structures made of them,
        the forces and their stacked array), ``resident`` (the potential's libraries and model once loaded) and
        ``work`` (its working memory in one force call), the last two from :data:`FOOTPRINTS` for a built-in
        potential and 0 for a user's calculator, for which ``known`` is False."""
        displaced = 4 * 8.0 * max(CHUNK_VALUES, 18 * len(supercell))
        return {"displaced": displaced} | force_call_memory(self.source.name, supercell)

    def hessian_rows(self, atoms: Any, rows: NDArray[np.int64], step: float) -> NDArray[np.float64]:
        """Rows of the Hessian of ``atoms`` (A, tags kept), eV/A^2, shape (len(rows) * 3, 3 n)."""
        self.source.check_elements(atoms.get_chemical_symbols(), "the interface")
        state = {"done": 0, "total": 0}

        def forces_of(positions: NDArray[np.float64]) -> NDArray[np.float64]:
            structures = []
            for p in positions:
                copy = atoms.copy()
                copy.calc = None
                copy.positions = p
                structures.append(copy)
            offset = state["done"]
            before = len(self.runner.calls)

            def inner(stage: str, done: int, total: int) -> None:
                if self.progress is not None:
                    self.progress("force constants", offset + done, state["total"])

            try:
                f = self.runner.forces(self.source, structures, progress=inner, cache=self.resume)
            finally:  # an interrupted computation counts what it computed (and cached) before it stopped
                self.calls += sum(c.structures for c in self.runner.calls[before:])
            state["done"] += len(structures)  # the structures read from the cache count as done too
            return f

        def counted(done: int, total: int) -> None:
            state["total"] = total
            if self.progress is not None:
                self.progress("force constants", done, total)

        tails: list[float] = []
        moves = lateral_translations(atoms)  # a row may be displaced as an image of its atom
        h = coloured_rows(atoms, rows, float(step), self.reach, forces_of, progress=counted, tails=tails,
                          translations=moves)  # fmt: skip
        self.tail = max(tails, default=0.0)
        return h.reshape(len(rows) * 3, -1)


__all__ = [
    "DEFAULT_FORCE_RANGE_ANGSTROM",
    "DISPLACEMENT_ANGSTROM",
    "FOOTPRINTS",
    "call_device",
    "check_gpu_memory",
    "gpu_free_bytes",
    "FORMAT",
    "CalculatorForceConstants",
    "force_call_memory",
]
