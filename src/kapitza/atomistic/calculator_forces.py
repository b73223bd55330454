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
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..errors import InputError
from .calculators import CalculatorSource

# The memory of a force call (its footprints, device and GPU check) is its own module, below the force tasks that
# count it too (issue 79: no circle); its names stay importable from here.
from .call_memory import (  # noqa: F401
    FOOTPRINTS,
    Footprint,
    call_device,
    check_gpu_memory,
    force_call_memory,
    gpu_free_bytes,
)
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
#: Version of the cached rows (bump when their meaning changes; 2: a potential with a receptive field displaces each
#: row as itself again, not as a lateral image, :func:`displaces_images`).
FORMAT = 2


def displaces_images(name: str) -> bool:
    """Whether the calculator ``name`` may displace a row as a lateral image of its atom (:func:`.hessian.colours`):
    only where its forces end at the force range, that is where no receptive field is known for it
    (:func:`.potential_records.receptive_field`: a classic potential, a registered one with a field of 0, a user's
    ``module:factory``, whose range the user states).  A message-passing potential's forces reach a displaced atom's
    receptive field beyond the force range, and the lateral images pack the displaced atoms of a colour closer (the
    CHGNet Si | Ge [001] cell of ``tests/transmission/agf/test_local_fc.py``: the local and all-atom routes' summed
    transmissions 5.4 % apart with images, 0.8 % without); it displaces each row as itself, as before issue 65
    (GaN | AlN's interface: 60 force calls, not 42)."""
    from .potential_records import receptive_field

    return not receptive_field(name)


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

        self.runner = ForceRunner.of(runner)
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
        moves = lateral_translations(atoms) if displaces_images(self.name) else None
        h = coloured_rows(atoms, rows, float(step), self.reach, forces_of, progress=counted, tails=tails,
                          translations=moves)  # fmt: skip
        self.tail = max(tails, default=0.0)
        return h.reshape(len(rows) * 3, -1)


__all__ = [
    "DEFAULT_FORCE_RANGE_ANGSTROM",
    "DISPLACEMENT_ANGSTROM",
    "FOOTPRINTS",
    "call_device",
    "displaces_images",
    "check_gpu_memory",
    "gpu_free_bytes",
    "FORMAT",
    "CalculatorForceConstants",
    "force_call_memory",
]
