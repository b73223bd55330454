r"""The plan of a crystal's phonons before any force: its conventional cell, the supercell, the memory and the
stated time, checked against their bounds (:func:`planned_cost`, :func:`planned_memory_gb`).

:func:`kapitza.phonons.crystal_phonons` makes this plan first (:func:`crystal_plan`), so a crystal too large for its
bounds is refused before its first force call, and a caller that builds several crystals states and checks them all
before the first one's forces.

Supercell
---------
The supercell is the smallest diagonal multiple of the conventional cell whose every perpendicular width (the
distance between opposite faces, V / |a_j x a_k|) is at least ``min_width_angstrom`` (default
:data:`MIN_WIDTH_ANGSTROM`, 10 A: Si 2x2x2, 64 atoms; corundum 3x3x1, 270 atoms).  Measured with CHGNet 0.3.0
(benchmarks/mlip_phonons.py ``--convergence``): see :data:`MIN_WIDTH_ANGSTROM`.

Memory
------
Before any force is computed, the stated peak resident memory of the process for the supercell
(:func:`supercell_memory`: the libraries, the potential loaded and its working memory in one force call from the
footprints measured by ``benchmarks/mlip_memory.py``, phonopy's arrays) is checked against ``max_memory_gb``
(default: this machine's memory, :func:`machine_memory_gb`); the widening search stops below it.  The result
states it (``memory_gb``).  Measured (``python benchmarks/mlip_memory.py --phonons``): see the performance page.

Finite-difference step
----------------------
See :data:`DISPLACEMENT_ANGSTROM`: chosen from the measured dependence of CHGNet's force constants on the step and
from the float32 noise of its forces.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import NDArray

from .. import _checks
from ..atomistic.bulk import MAX_STEPS, SYMPREC, check_crystal
from ..atomistic.calculators import CalculatorSource, calculator_source
from ..atomistic.force_cost import RELAXATION_CALLS, Stage, duration_words, stage, stage_words, unknown_words
from ..atomistic.side import side_structure
from ..cluster import machine_memory_gb
from ..errors import InputError, MemoryBoundError
from ..materials import Material
from .phonopy_file import import_phonopy

__all__ = [
    "DISPLACED_BYTES_PER_ATOM",
    "DISPLACEMENT_ANGSTROM",
    "LIBRARY_BYTES",
    "MAX_SUPERCELL_ATOMS",
    "MIN_WIDTH_ANGSTROM",
    "CrystalPlan",
    "PhononCost",
    "bound_words",
    "cells_text",
    "check_memory",
    "choose_supercell",
    "conventional_cell",
    "crystal_plan",
    "displaced_count",
    "machine_memory_gb",
    "memory_limit_gb",
    "perpendicular_widths",
    "phonopy_of",
    "plan_cost",
    "planned_cost",
    "planned_memory_gb",
    "supercell_gpu_memory",
    "supercell_memory",
    "supercell_multiples",
    "wider_supercells",
]

#: Finite-difference step (A) of the displaced supercells, plus and minus.  The harmonic force constants are the
#: limit of a vanishing step; the step is bounded below by the float32 noise of the machine-learned forces.
#: Measured on CHGNet 0.3.0, Si at its relaxed a = 5.461 A, 2x2x2 conventional supercell, one atom moved along x
#: (central differences of the self term, eV/A^2): 12.33 at 0.0005 A, 12.27 at 0.001, 12.07 at 0.002, 11.14 at
#: 0.005, 9.95 at 0.01, 8.66 at 0.02, 8.46 at 0.04.  CHGNet's forces are not linear in the displacement on the
#: 0.01 A scale (the Gamma optical frequency of Si: 14.79, 14.76, 14.64 THz at 0.0005, 0.001, 0.002 A but 13.12 at
#: phonopy's usual 0.01 A and 11.64 at 0.04 A); SevenNet-0's are (9.005-9.013 eV/A^2 from 0.0005 to 0.02 A).  The
#: float32 noise: forces on the relaxed crystal of 5e-6 eV/A (CHGNet) and 3e-7 eV/A (SevenNet-0); at 0.001 A the
#: raw force constants of Si break the acoustic sum rule by 2e-6 and index permutation by 1.3e-4 of the largest
#: element (CHGNet; 3.4e-3 at 0.01 A).  Rule: 0.001 A, within 1 % of the vanishing-step limit for CHGNet and with
#: noise below 1e-3 of the force constants.
DISPLACEMENT_ANGSTROM = 0.001
#: Smallest perpendicular width (A) of the supercell (see the module docstring).  Measured with CHGNet 0.3.0
#: (benchmarks/mlip_phonons.py --convergence; each against the largest supercell computed):
#: Si against 4x4x4 (512 atoms, 21.8 A): 1x1x1 (5.5 A) 5.7 % in frequencies at six q-points (zone boundary and
#: inside), 1.1 % in the radiation conductance G_rad(300 K), 12 % in v_l; 2x2x2 (10.9 A) 0.42 %, 0.024 %, 1.4 %;
#: 3x3x3 (16.4 A) 0.11 %, 0.014 %, 0.8 % (v_t; the Debye-equivalent speeds carry the float32 noise of the
#: long-range force constants).  Al2O3 against 4x4x1 of the hexagonal cell (480 atoms, widths 16.5, 16.5, 13.0 A):
#: 2x2x1 (8.3 A) 0.8 % in G_rad(300 K), 1.7 % in v_l; 3x3x1 (12.5 A) 1.8 %, 1.8 %; zone-boundary frequencies
#: within 0.4 THz, but single bands at incommensurate q differ by up to 1.9 THz (medians <= 0.07 THz): the
#: learned potentials' force constants reach beyond 10 A (CHGNet: 4 message-passing layers of a 6 A graph).  The
#: conductance, an integral over the zone, is what kapitza uses it for: 10 A keeps it within 2 % at 64 atoms for
#: Si and 270 for Al2O3; larger widths cost about the cube of the width.
MIN_WIDTH_ANGSTROM = 10.0
#: Largest supercell accepted by default (atoms): CHGNet on 2 cores takes ~2 s per 64-atom force call.
MAX_SUPERCELL_ATOMS = 600
#: Resident memory of the process before the potential is loaded (Python with numpy, scipy, ase, phonopy, typer and
#: rich, kapitza's modules): 79 MB measured (``ru_maxrss`` after importing ``kapitza.cli.predict`` and phonopy,
#: 2026-11-25, this machine); counted 150 MB, the AGF's :data:`kapitza.transmission.agf.inputs.LIBRARY_BYTES`.
LIBRARY_BYTES = 150e6
#: Bytes per atom of the supercell per displaced structure that phonopy and the calculator hold at once (the
#: PhonopyAtoms and ase.Atoms copies, their forces): a few hundred bytes; counted generously.
DISPLACED_BYTES_PER_ATOM = 1e3


def conventional_cell(atoms: Any, symprec: float = SYMPREC) -> tuple[Any, NDArray[np.float64], str]:
    """(conventional cell as ase.Atoms in spglib's standard orientation, phonopy's primitive matrix, space group).

    spglib's standardised, idealised conventional cell (rotated into the standard frame: cube axes along x, y, z;
    hexagonal a along x and c along z); the primitive matrix maps it to the primitive cell (phonopy's convention:
    primitive lattice = conventional lattice x matrix, as columns).  A structure without a symmetry dataset is
    taken as it is (identity matrix, space group "unknown").
    """

    import spglib
    from ase import Atoms
    from phonopy.structure.atoms import PhonopyAtoms
    from phonopy.structure.cells import guess_primitive_matrix

    from ..atomistic.bulk import symmetry_dataset

    data = symmetry_dataset(atoms, symprec)
    if data is None:
        return atoms.copy(), np.eye(3), "unknown"
    cell = (np.asarray(atoms.cell, dtype=float), atoms.get_scaled_positions(), atoms.numbers)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # spglib's old error handling (see symmetry_dataset)
        lattice, positions, numbers = spglib.standardize_cell(
            cell, to_primitive=False, no_idealize=False, symprec=symprec
        )
    mass_of = dict(zip(atoms.numbers.tolist(), atoms.get_masses().tolist()))
    conv = Atoms(numbers=numbers, cell=lattice, scaled_positions=positions, pbc=True)
    conv.set_masses([mass_of[int(z)] for z in numbers])
    unit = PhonopyAtoms(
        numbers=conv.numbers,
        cell=np.asarray(conv.cell),
        scaled_positions=conv.get_scaled_positions(),
        masses=conv.get_masses(),  # ASE's, as everywhere here (phonopy's table lacks some elements, e.g. Po)
    )
    pmat = guess_primitive_matrix(unit, symprec=symprec)
    return conv, np.asarray(pmat, dtype=float), f"{data.international} ({data.number})"


def perpendicular_widths(cell: NDArray[np.float64]) -> NDArray[np.float64]:
    """Distances between opposite faces of the cell (rows: lattice vectors, any length unit), shape (3,)."""
    cell = np.asarray(cell, dtype=float)
    volume = abs(float(np.linalg.det(cell)))
    return np.array([volume / np.linalg.norm(np.cross(cell[(i + 1) % 3], cell[(i + 2) % 3])) for i in range(3)])


def supercell_multiples(cell_angstrom: NDArray[np.float64], min_width_angstrom: float) -> tuple[int, int, int]:
    """The smallest diagonal multiples (n1, n2, n3) of ``cell`` (A, rows) whose every perpendicular width is at
    least ``min_width_angstrom``."""
    widths = perpendicular_widths(cell_angstrom)
    n = np.maximum(1, np.ceil(min_width_angstrom / widths - 1e-9)).astype(int)
    return int(n[0]), int(n[1]), int(n[2])


def choose_supercell(
    conv: Any, supercell: int | Sequence[int] | None, min_width: float, max_atoms: int, name: str
) -> tuple[int, int, int]:
    if supercell is None:
        n = supercell_multiples(np.asarray(conv.cell), min_width)
    else:
        values = [supercell] * 3 if np.ndim(supercell) == 0 else list(supercell)  # type: ignore[list-item]
        try:
            ints = [int(v) for v in values]
        except (TypeError, ValueError):
            raise InputError(f"supercell must be one or three positive integers, got {supercell!r}") from None
        if len(ints) != 3 or min(ints) < 1 or any(float(v) != i for v, i in zip(values, ints)):
            raise InputError(f"supercell must be one or three positive integers, got {supercell!r}")
        n = (ints[0], ints[1], ints[2])
    atoms = len(conv) * n[0] * n[1] * n[2]
    if atoms > max_atoms:
        raise InputError(
            f"{name}: the supercell {n[0]}x{n[1]}x{n[2]} of the {len(conv)}-atom conventional cell has {atoms} atoms, "
            f"above max_supercell_atoms={max_atoms}; raise it, or give a smaller supercell (or min_width_angstrom)"
        )
    return n


def supercell_memory(
    conv: Any, pmat: NDArray[np.float64], n: tuple[int, int, int], source: CalculatorSource
) -> tuple[float, bool]:
    """(bytes, known): the stated peak resident memory of the process that computes the force constants of the
    ``n`` supercell of ``conv`` (``pmat``: its primitive matrix) with ``source`` -- the libraries
    (:data:`LIBRARY_BYTES`), the potential loaded and its working memory in one force call
    (:func:`kapitza.atomistic.calculator_forces.force_call_memory`, from the footprints measured by
    ``benchmarks/mlip_memory.py``; CHGNet packs phonopy's displaced structures into one batch up to its size), the
    displaced structures and their forces, and phonopy's force constants (six copies of 9 N^2 float64: three, and
    three while the rotational sum rule is restored, :mod:`kapitza.phonons.invariance`: 72 MB measured for 588
    atoms, 2.9 copies).  Counted
    on the structure as given, before relaxation.  ``known`` is False for a calculator without a measured
    footprint: its model and force calls are not counted."""
    from ..atomistic.call_memory import force_call_memory

    supercell = conv.repeat(n)
    atoms = len(supercell)
    structures = displaced_count(conv, pmat)  # phonopy's displaced structures, all handed over at once
    call = force_call_memory(source.name, supercell, structures)
    displaced = DISPLACED_BYTES_PER_ATOM * atoms * structures
    force_constants = 6 * 9 * 8.0 * atoms**2
    total = LIBRARY_BYTES + call["resident"] + call["work"] + displaced + force_constants  # work: 0 on a GPU
    return float(total), bool(call["known"])


def displaced_count(conv: Any, pmat: NDArray[np.float64]) -> int:
    """Phonopy's displaced supercells (plus and minus) of a diagonal supercell of ``conv``: the count is the
    conventional cell's, its symmetry-distinct atoms and their site symmetry (fast)."""
    ph = phonopy_of(conv, pmat, (1, 1, 1))
    ph.generate_displacements(distance=DISPLACEMENT_ANGSTROM, is_plusminus=True)
    return len(ph.displacements)


def supercell_gpu_memory(
    conv: Any, pmat: NDArray[np.float64], n: tuple[int, int, int], source: CalculatorSource
) -> dict[str, Any]:
    """The force call of :func:`supercell_memory` by device
    (:func:`kapitza.atomistic.calculator_forces.force_call_memory`): ``gpu`` is the GPU memory of the model and the
    call's work where the potential runs on a CUDA GPU, 0 on the CPU."""
    from ..atomistic.call_memory import force_call_memory

    return force_call_memory(source.name, conv.repeat(n), displaced_count(conv, pmat))


def memory_limit_gb(max_memory_gb: float | None) -> float:
    """The bound in GB: the user's, or this machine's memory (:func:`machine_memory_gb`)."""
    if max_memory_gb is None:
        return machine_memory_gb()
    return _checks.memory_bound_gb(max_memory_gb, "max_memory_gb")


def bound_words(limit: float, given: bool) -> str:
    """The memory bound a refusal names: the caller's ``max_memory_gb``, or this machine's memory."""
    return f"max_memory_gb={limit:g}" if given else f"this machine's {limit:.3g} GB (max_memory_gb)"


def check_memory(
    conv: Any,
    pmat: NDArray[np.float64],
    n: tuple[int, int, int],
    source: CalculatorSource,
    limit: float,
    name: str,
    given: bool,
) -> float:
    """The stated memory of the ``n`` supercell in GB, or InputError if above ``limit`` (before any force)."""
    need, known = supercell_memory(conv, pmat, n, source)
    if need > limit * 1e9:
        bound = bound_words(limit, given)
        counted = (
            "the model and one force call on the supercell"
            if known
            else "kapitza's own arrays only: no measured footprint for this calculator"
        )
        raise MemoryBoundError(
            f"{name}: the force constants of the {cells_text(n, len(conv))} supercell need ~{need / 1e9:.3g} GB with "
            f"the {source.name} potential (per process: {counted}), above {bound}; "
            "raise it, or give a smaller supercell (or min_width_angstrom)"
        )
    from ..atomistic.call_memory import call_device, check_gpu_memory

    if call_device(source.name).startswith("cuda"):  # the call's work is the GPU's: checked against its free memory
        what = f"{name}: the force constants of the {cells_text(n, len(conv))} supercell"
        check_gpu_memory(supercell_gpu_memory(conv, pmat, n, source), what)
    return need / 1e9 if known else 0.0


def planned_memory_gb(
    side: Any,
    calculator: str | CalculatorSource | None = None,
    *,
    name: str | None = None,
    min_width_angstrom: float = MIN_WIDTH_ANGSTROM,
    supercell: int | Sequence[int] | None = None,
    max_supercell_atoms: int = MAX_SUPERCELL_ATOMS,
    max_memory_gb: float | None = None,
) -> float:
    """The stated memory (GB per process, 0 where the calculator has no measured footprint) of the rule's supercell
    of ``side``, checked as :func:`crystal_phonons` checks it (same arguments), without computing anything: so a
    caller that builds several crystals refuses before the first one's forces.  Raises InputError as
    :func:`crystal_phonons` would before its first force call."""
    source = calculator if isinstance(calculator, CalculatorSource) else calculator_source(calculator)
    return crystal_plan(side, source, name, min_width_angstrom, supercell, max_supercell_atoms, max_memory_gb).memory_gb


def planned_cost(
    side: Any,
    calculator: str | CalculatorSource | None = None,
    *,
    name: str | None = None,
    relax: bool = True,
    steps: int = MAX_STEPS,
    min_width_angstrom: float = MIN_WIDTH_ANGSTROM,
    supercell: int | Sequence[int] | None = None,
    max_supercell_atoms: int = MAX_SUPERCELL_ATOMS,
    max_memory_gb: float | None = None,
) -> PhononCost:
    """What :func:`crystal_phonons` (same arguments) will state before its first force call, without computing
    anything: the rule's supercell and every wider one the stability-driven widening search may try under
    ``max_supercell_atoms`` and the memory bound, each with its force calls, their stated time and its stated memory.
    Raises InputError as :func:`crystal_phonons` would before its first force call."""
    source = calculator if isinstance(calculator, CalculatorSource) else calculator_source(calculator)
    plan = crystal_plan(side, source, name, min_width_angstrom, supercell, max_supercell_atoms, max_memory_gb)
    conv, pmat, n = plan.conventional, plan.primitive_matrix, plan.supercell
    widths, stopped = [n], ""
    if supercell is None:

        def need(m: tuple[int, int, int]) -> float:
            return supercell_memory(conv, pmat, m, source)[0]

        widths, stopped = wider_supercells(conv, n, plan.max_atoms, need, plan.limit_gb)
    return plan_cost(plan, source, widths, stopped, relax, int(_checks.positive(steps, "steps", "")))


@dataclass(frozen=True)
class PhononCost:
    """The stated cost of a crystal's phonons (:func:`planned_cost`), said before the first force call.

    Two times are stated: the *typical* one (:meth:`seconds`: the rule's supercell and a relaxation of
    :data:`~kapitza.atomistic.force_cost.RELAXATION_CALLS` force calls, what a crystal that is stable in the rule's
    supercell takes) and the *bound* (``seconds(widest=True)``: every supercell the widening search may try, each
    relaxed again at its ``steps`` bound).

    Attributes
    ----------
    crystal : str
        The crystal in words.
    calculator : str
        The calculator's name.
    relaxation : Stage or None
        The relaxation of the conventional cell at its bound: at most ``steps`` force calls (None with
        ``relax=False``); typically :data:`~kapitza.atomistic.force_cost.RELAXATION_CALLS` of them.
    supercells : tuple of Stage
        The rule's supercell, then every wider one the widening search may try (each relaxed and displaced again
        only if the one before it has imaginary modes next to Gamma): its displaced supercells as force calls.
    stopped : str
        Why the search stops where it does, when the memory bound stops it ("" where the atom cap does).
    cached : bool
        The crystal's phonons are in the cache (:func:`kapitza.phonons.from_structure.phonon_cost`): no force call,
        no time (0 s).
    """

    crystal: str
    calculator: str
    relaxation: Stage | None
    supercells: tuple[Stage, ...]
    stopped: str = ""
    cached: bool = False

    @property
    def known(self) -> bool:
        """Whether the calculator has a measured per-call cost (:data:`kapitza.atomistic.force_cost.CALL_COSTS`)."""
        return self.supercells[0].seconds_per_call is not None

    def relaxation_calls(self, bound: bool = False) -> int:
        """Force calls of one relaxation: typically :data:`~kapitza.atomistic.force_cost.RELAXATION_CALLS` (at
        most the bound), or with ``bound`` its ``steps`` bound; 0 without a relaxation."""
        if self.relaxation is None:
            return 0
        return self.relaxation.calls if bound else min(self.relaxation.calls, RELAXATION_CALLS)

    def width_seconds(self, k: int, bound: bool = False) -> float | None:
        """The stated time of the ``k``-th supercell of the search (0: the rule's) and its relaxation, s: typical, or
        with ``bound`` the relaxation at its bound; None where not known."""
        found = self.supercells[k]
        if found.seconds is None:
            return None
        per = 0.0 if self.relaxation is None else float(self.relaxation.seconds_per_call or 0.0)
        return float(found.seconds) + self.relaxation_calls(bound) * per

    def seconds(self, widest: bool = False) -> float | None:
        """The stated time of the force calls, s: typical (the rule's supercell and a typical relaxation), or with
        ``widest`` the bound (every supercell the search may try, each relaxed again at its bound); 0 for a crystal
        in the cache; None where not known."""
        if not self.known:
            return None
        if self.cached:
            return 0.0
        tried = range(len(self.supercells)) if widest else range(1)
        return float(sum(float(self.width_seconds(k, bound=widest) or 0.0) for k in tried))

    def line(self, widening: float | None = None) -> str:
        """The statement, one line; ``widening``: the seconds of a bound on widening only
        (:meth:`~kapitza.atomistic.force_cost.TimeBudget.widening`), said instead of the every-width worst case."""
        if self.cached:
            return f"{self.crystal}: phonons with {self.calculator}: in the cache, no force call"
        first = self.supercells[0]
        head = f"{self.crystal}: phonons with {self.calculator}: {stage_words(first)}"
        if self.relaxation is not None and self.known:
            r = self.relaxation
            head += (f" (and the relaxation: typically {self.relaxation_calls()} force calls x "
                     f"{duration_words(r.seconds_per_call or 0)}, at most {r.calls})")  # fmt: skip
        head += (
            f"; {unknown_words(self.calculator)}"
            if not self.known
            else f"; {duration_words(self.seconds() or 0)} typical"
        )
        if len(self.supercells) == 1:
            return head + "; no wider supercell within the bounds"
        last = self.supercells[-1]
        at = f"~{last.memory_gb:.2g} GB" if last.memory_gb > 0 else "memory not stated"
        wider = len(self.supercells) - 1
        line = (
            f"{head}; if imaginary modes next to Gamma widen it, {wider} wider supercell{'s' if wider > 1 else ''} "
            f"up to {last.what}: {last.calls} force calls"
            + ("" if last.seconds is None else f" x {duration_words(last.seconds_per_call or 0)}")
            + f", {at} at the widest{self.stopped}"
        )
        if not self.known:
            return line
        if widening is not None:  # kapitza predict's default bound (TimeBudget.widening) decides which start
            bound = duration_words(widening).lstrip("~")
            return f"{line}; each starts only within the {bound} default bound on widening"
        worst = duration_words(self.seconds(widest=True) or 0.0)
        return f"{line}; at most {worst} in all (every widening tried, relaxations at their bound)"


def plan_cost(
    plan: CrystalPlan,
    source: CalculatorSource,
    widths: Sequence[tuple[int, int, int]],
    stopped: str,
    relax: bool,
    steps: int,
) -> PhononCost:
    """The stated cost of the widths a search may try (the first is the plan's)."""
    conv, pmat = plan.conventional, plan.primitive_matrix
    calls = displaced_count(conv, pmat)
    supercells = []
    for m in widths:
        memory = plan.memory_gb if m == plan.supercell else supercell_memory(conv, pmat, m, source)[0] / 1e9
        memory = memory if plan.memory_gb > 0 else 0.0  # a calculator without a footprint: not stated
        supercells.append(stage(source.name, f"supercell {cells_text(m, len(conv))}", conv.repeat(m), calls, memory))
    relaxation = stage(source.name, f"the {len(conv)}-atom cell", conv, steps) if relax else None
    return PhononCost(plan.described, source.name, relaxation, tuple(supercells), stopped)


class CrystalPlan(NamedTuple):
    """What :func:`crystal_plan` checked before any force."""

    atoms: Any
    label: str
    described: str
    database: Material | None
    conventional: Any
    primitive_matrix: NDArray[np.float64]
    spacegroup: str
    supercell: tuple[int, int, int]
    max_atoms: int
    limit_gb: float
    memory_gb: float  # the rule's supercell's stated memory (0: not stated)


def crystal_plan(
    side: Any,
    source: CalculatorSource,
    name: str | None,
    min_width: Any,
    supercell: Any,
    max_atoms: Any,
    max_memory_gb: float | None,
) -> CrystalPlan:
    """The checks before any force: the structure, its conventional cell and the rule's supercell, within the atom
    cap and the memory bound."""
    atoms, label, described, database, _ = side_structure(side, name)
    check_crystal(atoms, described)
    width = _checks.positive(min_width, "min_width_angstrom", "A")
    cap = int(_checks.positive(max_atoms, "max_supercell_atoms", "atoms"))
    limit = memory_limit_gb(max_memory_gb)
    conv, pmat, group = conventional_cell(atoms)
    n = choose_supercell(conv, supercell, width, cap, described)
    memory = check_memory(conv, pmat, n, source, limit, described, max_memory_gb is not None)
    return CrystalPlan(atoms, label, described, database, conv, pmat, group, n, cap, limit, memory)


def cells_text(n: tuple[int, int, int], per_cell: int) -> str:
    """The supercell ``n`` of a ``per_cell``-atom cell in words: "2x2x2 (64 atoms)"."""
    return f"{n[0]}x{n[1]}x{n[2]} ({per_cell * n[0] * n[1] * n[2]} atoms)"


def wider_supercells(
    conv: Any, n: tuple[int, int, int], cap: int, need: Callable[[tuple[int, int, int]], float], limit: float
) -> tuple[list[tuple[int, int, int]], str]:
    """The rule's supercell, then the supercells of the next widths (each adds cells along every shortest
    direction), while they hold at most ``cap`` atoms and ``need`` (bytes) at most ``limit`` GB: where near-Gamma
    imaginary modes send the search.  Second item: why the next width was not taken, when memory stopped it."""
    out = [n]
    widths = perpendicular_widths(np.asarray(conv.cell)) * np.asarray(n)
    target = float(widths.min())
    while True:
        target *= 1.2
        m = supercell_multiples(np.asarray(conv.cell), target)
        m = (max(m[0], out[-1][0]), max(m[1], out[-1][1]), max(m[2], out[-1][2]))
        if m == out[-1]:
            continue
        if len(conv) * m[0] * m[1] * m[2] > cap:
            return out, ""
        needed = need(m)
        if needed > limit * 1e9:
            return out, f"; the next, {cells_text(m, len(conv))}, would need ~{needed / 1e9:.3g} GB"
        out.append(m)


def phonopy_of(atoms: Any, pmat: NDArray[np.float64], n: tuple[int, int, int]) -> Any:
    """A phonopy object of the cell ``atoms`` (ase.Atoms, its masses kept), primitive matrix ``pmat`` and the diagonal
    supercell ``n``."""
    phonopy = import_phonopy()
    from phonopy.structure.atoms import PhonopyAtoms

    unit = PhonopyAtoms(
        symbols=atoms.get_chemical_symbols(),
        cell=np.asarray(atoms.cell, dtype=float),
        scaled_positions=atoms.get_scaled_positions(),
        masses=atoms.get_masses(),
    )
    with warnings.catch_warnings():
        # phonopy's note where the supercell's lattice has another point group than the primitive cell's (a
        # diagonal supercell of the hexagonal axes of a rhombohedral crystal, Bi): the crystal's own symmetry is
        # what the force constants keep, and the note reached the user as a Python-formatted line
        warnings.filterwarnings("ignore", message=".*Point group symmetries of supercell and primitivecell")
        return phonopy.Phonopy(unit, supercell_matrix=np.diag(n), primitive_matrix=pmat, symprec=SYMPREC)
