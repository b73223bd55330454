r"""The interface's own bonding, from its atoms: work of adhesion, seam stiffness, and the overlap of the two sides'
vibrational spectra at the seam.

What the diffuse mismatch model cannot see is how strongly the two crystals hold each other.  Three numbers say it,
computed from an interface built by :func:`kapitza.atomistic.stacking.stack_crystals` (side A below, side B above,
in their common lateral cell) and any force source (an ASE calculator, or a
:class:`~kapitza.atomistic.calculators.CalculatorSource`, whose structures are then evaluated in batches).

The slab
    The structure's cell is opened along the normal (:func:`slab_cell`): a vacuum gap of ``vacuum_angstrom``
    (default :data:`DEFAULT_VACUUM_ANGSTROM`) below A and above B, wider than the reach of a short-ranged or
    machine-learned potential's graph (5-6 A), so that the only contact of the two sides is the seam.  Before that,
    each side's period along the normal is relaxed under its in-plane strain
    (:func:`kapitza.atomistic.stacking.relaxed_periods`, positions and the period, zero normal stress), as
    ``kapitza interface build --calculator`` does.

Work of adhesion (:func:`work_of_adhesion`), J m^-2
    .. math:: W = (E_A + E_B - E_{AB}) / A

    :math:`E_{AB}` is the energy of the slab, :math:`E_A` and :math:`E_B` those of each side's atoms alone in the
    same cell, A the area of the lateral cell.  All three are *relaxed the same way*: ASE's BFGS on the positions of
    the atoms within ``free_depth_angstrom`` of the seam (default :data:`DEFAULT_FREE_DEPTH_ANGSTROM`; the atoms
    beyond it, each side's outer face, held at the stacked bulk positions) to a largest force of
    ``fmax_ev_per_angstrom``, the lateral cell fixed at the common cell (the strained sides), the cell height fixed
    (the vacuum takes up any change of thickness).  The outer faces are the same in the three, so they cancel: W is
    the energy per area that separates the relaxed interface into two relaxed free surfaces (Dupre:
    :math:`W = \gamma_A + \gamma_B - \gamma_{AB}`).  For one
    crystal on both sides, cut at a bulk plane, W is twice that plane's surface energy (the cleavage energy).  The
    registry of B over A is the stacking's; other lateral shifts are not searched, so W is that of the nearest local
    minimum.

Seam stiffness (:func:`seam_stiffness`), N m^-3
    .. math:: K_{ab} = -\frac{1}{A}\frac{\partial F^{B}_{a}}{\partial u^{B}_{b}}
              = -\frac{1}{A}\sum_{i \in A,\, j \in B} \Phi^{ab}_{ij}

    the force on all of side B per unit rigid displacement of all of B, per area: by the acoustic sum rule the sum
    of the force-constant blocks that couple the two sides across the seam (the interface spring constant of the
    imperfect-interface models).  Central differences at :math:`\pm` ``block_step_angstrom`` of the relaxed slab,
    along x, y and z: ``normal`` is zz, ``shear`` the mean of xx and yy.  Each side's bulk value is the same sum
    across a plane of its own bulk at the same termination (a period boundary): its relaxed period repeated 2m times
    along z, periodic, the upper m periods displaced together, which stretches two such planes (the middle one and
    the one across the periodic boundary), so :math:`K_{bulk} = -\partial F / \partial u / (2A)`; m periods make at
    least ``half_thickness_angstrom``.  The ratios seam/bulk are 1 where the seam is a plane of one bulk.

Seam spectra (:func:`seam_spectra`)
    The zone: the atoms of each side within ``depth_angstrom`` of the seam (from A's highest atom down, from B's
    lowest up) of the relaxed slab.  Their force constants among themselves (central differences of the forces,
    :func:`kapitza.atomistic.hessian.coloured_rows` one atom at a time), every other atom held at its place, at the
    centre (Gamma) of the lateral cell; the local density of states of each side's zone,
    :math:`g_s(\omega) = \sum_n \sum_{i \in s} |e_{n,i}|^2 G_\sigma(\omega - \omega_n)`, Gaussian of width
    ``broadening_thz``, each normalised to unit area; the overlap

    .. math:: S = \int \min(g_A, g_B)\, d\omega \in [0, 1]

    is 1 for the same spectrum and the share of one side's seam modes at frequencies where the other side's seam has
    modes.  Only the Gamma point of the lateral cell is sampled (a cell of a few nm^2 holds tens of zone modes): the
    spectra are coarse, the overlap a descriptor, not a converged density of states.  Imaginary modes (a zone that is
    not at a minimum) are left out and their weight reported.

Units: energies in J, lengths in m, frequencies in rad/s at this module's results; ASE's A and eV at its inputs
(the structure's atoms, the settings named ``*_angstrom``, ``*_ev_per_angstrom``).
"""

from __future__ import annotations

import contextlib
import math
import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from .. import _checks
from ..errors import InputError, MissingDependencyError
from ..io.results import result
from ..units import AMU, ANGSTROM, EV, RAD_S_PER_THZ
from .force_constants import EV_PER_A2
from .structures import InterfaceStructure

#: Vacuum below side A and above side B, A: more than the reach of CHGNet's (6 A) and SevenNet's (5 A) graphs and of
#: a Lennard-Jones cut-off of 2.5 sigma for argon (8.5 A), so no force reaches across it (D3 dispersion does, by
#: about (15 A)^-4 of its contact value: left in).
DEFAULT_VACUUM_ANGSTROM = 15.0
#: Depth from the seam within which the relaxations move the atoms, A; the atoms beyond it, on each side's outer face,
#: stay at the stacked bulk positions: a thin free slab of a polar crystal otherwise changes as a whole (CHGNet's
#: AlN on GaN (0001), 2 + 2 periods, every atom free: the seam opened from 0.64 to 2.21 A and W came out 0.51 J/m^2),
#: and the faces held cancel in W as the free ones do.
DEFAULT_FREE_DEPTH_ANGSTROM = 6.0
#: Largest residual force of the three relaxations, eV/A.
DEFAULT_FMAX_EV_PER_ANGSTROM = 0.05
#: Most BFGS steps of each relaxation (not converging is recorded, not refused).
DEFAULT_STEPS = 300
#: Rigid displacement of a side for the seam stiffness, A.
DEFAULT_BLOCK_STEP_ANGSTROM = 0.01
#: Atom displacement of the zone's force constants, A (the machine-learned potentials' step:
#: :data:`kapitza.atomistic.calculator_forces.DISPLACEMENT_ANGSTROM`).
DEFAULT_DISPLACEMENT_ANGSTROM = 0.001
#: Depth of each side's seam zone, A: the two atomic planes nearest the seam of diamond (001) (1.36 A apart) and of
#: fcc (001) (2.0 A apart).
DEFAULT_DEPTH_ANGSTROM = 2.5
#: Gaussian width of the zone spectra, THz (ordinary frequency).
DEFAULT_BROADENING_THZ = 0.5
#: Least thickness of each half of a bulk reference cell, A (its upper half is displaced across two planes).
DEFAULT_HALF_THICKNESS_ANGSTROM = 6.0
#: Largest residual force of the bulk periods' relaxation (positions and the period along z), eV/A, or the relaxations'
#: ``fmax`` where that is smaller: the seam is compared with a bulk relaxed at least as well as the slab.
PERIOD_FMAX_EV_PER_ANGSTROM = 0.01
#: Points of the frequency grid of the zone spectra.
SPECTRUM_POINTS = 2000


# -- the force source ------------------------------------------------------------------------------------------------


#: A function of many structures giving their forces (eV/A) as one array (an Engine holds no arrays itself: it
#: is a counter beside its calculator, not a result).
BatchForces = Callable[[list[Any]], NDArray[np.float64]]


@dataclass
class Engine:
    """One force source for every step of a computation, counting what it is asked: ``calls`` force evaluations and
    ``atom_calls`` the atoms in them (the cost of a machine-learned potential grows with both).  ``calculator`` has
    stresses (the periods' relaxation); ``fixed`` energies and forces (the relaxations in a fixed cell; default
    ``calculator``)."""

    calculator: Any
    batch: BatchForces
    quiet: Callable[[], contextlib.AbstractContextManager[Any]]
    name: str
    fixed: Any = None
    calls: int = 0
    atom_calls: int = 0
    seconds: dict[str, float] = field(default_factory=dict)

    def counted(self, fixed_cell: bool = False) -> Any:
        """An ASE calculator that hands every calculation to :attr:`calculator` (``fixed_cell``: to :attr:`fixed`)
        and counts it here."""
        from ase.calculators.calculator import Calculator, all_changes

        eng = self
        inner = self.fixed if fixed_cell and self.fixed is not None else self.calculator

        class Counted(Calculator):
            implemented_properties = ("energy", "free_energy", "forces", "stress")

            def calculate(self, atoms: Any = None, properties: Any = ("energy",), system_changes: Any = all_changes):
                super().calculate(atoms, properties, system_changes)
                work = self.atoms.copy()
                work.calc = inner
                if system_changes:  # a new geometry (a property asked later of the same one is no new call)
                    eng.calls += 1
                    eng.atom_calls += len(work)
                energy = work.get_potential_energy()
                self.results = {"energy": energy, "free_energy": energy, "forces": work.get_forces()}
                if "stress" in properties:
                    self.results["stress"] = work.get_stress()

        return Counted()

    def forces(self, structures: Sequence[Any]) -> NDArray[np.float64]:
        """Forces in eV/A on each of ``structures``, shape (k, n, 3)."""
        self.calls += len(structures)
        self.atom_calls += sum(len(s) for s in structures)
        return np.asarray(self.batch(list(structures)), dtype=float)

    @contextlib.contextmanager
    def stage(self, name: str) -> Iterator[None]:
        """Time a stage (seconds kept under ``name``)."""
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - start


def engine(calculator: Any, max_structures: int | None = None) -> Engine:
    """The :class:`Engine` of an ASE calculator or a :class:`~kapitza.atomistic.calculators.CalculatorSource` (whose
    model is then loaded once and fed its structures in batches of at most ``max_structures``, default as many as
    the source takes at once: CHGNet's :data:`~kapitza.atomistic.calculators.BATCH_ATOMS`); InputError for anything
    else."""
    from .calculators import CalculatorSource, quiet

    if isinstance(calculator, Engine):
        return calculator
    if isinstance(calculator, CalculatorSource):
        source = calculator
        most = None if max_structures is None else _checks.count(max_structures, "max_structures")

        def batch(structures: list[Any]) -> NDArray[np.float64]:
            if most is None or len(structures) <= most:
                return source.forces(structures)
            return np.concatenate([source.forces(structures[k : k + most]) for k in range(0, len(structures), most)])

        from .calculators import fixed_cell_calculator

        return Engine(source.calculator(), batch, quiet, source.name, fixed=fixed_cell_calculator(source))
    if not (hasattr(calculator, "get_forces") or hasattr(calculator, "calculate")):
        raise InputError(f"expected an ASE calculator or a CalculatorSource, got {type(calculator).__name__}")

    def one_by_one(structures: list[Any]) -> NDArray[np.float64]:
        out = []
        for atoms in structures:
            work = atoms.copy()
            work.calc = calculator
            out.append(np.asarray(work.get_forces(), dtype=float))
        return np.array(out)

    return Engine(calculator, one_by_one, contextlib.nullcontext, type(calculator).__name__)


def _calling(what: str, run: Callable[[], Any]) -> Any:
    """``run()``, a calculator's failure (any exception of foreign code) as one InputError naming ``what``."""
    try:
        return run()
    except (InputError, MissingDependencyError):
        raise
    except Exception as exc:  # noqa: BLE001 - any failure of a foreign calculator is one line
        raise InputError(f"{what}: the calculator failed: {type(exc).__name__}: {exc}") from None


# -- the slab and its relaxation -------------------------------------------------------------------------------------


def slab_cell(structure: InterfaceStructure, vacuum_angstrom: float = DEFAULT_VACUUM_ANGSTROM) -> Any:
    """The interface as a slab: its atoms (A) with the cell height opened to the stack's thickness plus
    ``vacuum_angstrom``, half of it below A's lowest atom and half above B's highest; tags 1 (side A) and 2 (B)."""
    vacuum = _checks.positive(vacuum_angstrom, "vacuum_angstrom", "A")
    cell = np.array(structure.atoms.cell, dtype=float)  # a copy: the structure's cell stays
    if np.any(np.abs(cell[2, :2]) > 1e-9) or np.any(np.abs(cell[:2, 2]) > 1e-9):
        raise InputError("the interface's cell must have a1, a2 in the plane and a3 along z (stack_crystals' cells)")
    atoms = structure.atoms.copy()
    atoms.calc = None
    z = atoms.positions[:, 2]
    atoms.positions[:, 2] = z - z.min() + vacuum / 2.0
    cell[2, 2] = float(np.ptp(z)) + vacuum
    atoms.set_cell(cell)
    atoms.pbc = True
    atoms.set_tags(np.asarray(structure.side) + 1)
    return atoms


@result
class PositionRelaxation:
    """One relaxation of positions at fixed cell (ASE's BFGS).

    Attributes
    ----------
    energy : float
        The relaxed energy, J.
    steps : int
        BFGS steps taken.
    converged : bool
        The largest force fell below ``fmax`` within the steps allowed.
    residual : float
        The largest force at the end, eV/A.
    atoms : int
        Atoms relaxed (the others held).
    """

    energy: float
    steps: int
    converged: bool
    residual: float
    atoms: int


def relax_positions(
    atoms: Any, eng: Engine, fmax: float, steps: int, what: str, held: NDArray[np.bool_] | None = None
) -> tuple[Any, PositionRelaxation]:
    """``atoms`` with its positions relaxed (BFGS, the cell fixed; the atoms ``held`` stay where they are) and the
    record; ``atoms`` is not changed.  The residual is the largest force on a free atom."""
    try:
        from ase.constraints import FixAtoms
        from ase.optimize import BFGS
    except ImportError:
        raise MissingDependencyError("ase", "agf", "relaxing interfaces") from None
    work = atoms.copy()
    work.set_constraint()
    free = np.ones(len(work), dtype=bool) if held is None else ~np.asarray(held, dtype=bool)
    if not free.all():
        work.set_constraint(FixAtoms(mask=~free))
    work.calc = eng.counted(fixed_cell=True)
    optimizer = BFGS(work, logfile=None)

    def run() -> tuple[bool, float, NDArray[np.float64]]:
        with eng.quiet(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            done = bool(optimizer.run(fmax=fmax, steps=int(steps)))
            return done, float(work.get_potential_energy()), np.asarray(work.get_forces(apply_constraint=False))

    converged, energy, forces = _calling(what, run)
    if not math.isfinite(energy) or not np.all(np.isfinite(forces)):
        raise InputError(f"{what}: the calculator returned an energy or forces that are not finite")
    work.calc = None
    work.set_constraint()
    record = PositionRelaxation(
        energy=energy * EV, steps=int(optimizer.nsteps), converged=converged, atoms=int(free.sum()),
        residual=float(np.max(np.linalg.norm(forces[free], axis=1))) if free.any() else 0.0,
    )  # fmt: skip
    return work, record


# -- the three descriptors -------------------------------------------------------------------------------------------


@result
class Adhesion:
    """The work of adhesion of one relaxed interface (module docstring).

    Attributes
    ----------
    work : float
        W = (E_A + E_B - E_AB) / A, J m^-2.
    area : float
        The lateral cell's area A, m^2.
    interface, side_a, side_b : PositionRelaxation
        The relaxed slab and each side alone (energies in J).
    gap : float
        The relaxed seam's width along z: B's lowest atom less A's highest, m.
    gap_built : float
        The same before relaxation (the stacking's gap), m.
    separation : float
        The ideal work of separation: the relaxed interface pulled apart with each side's atoms kept where they are,
        (E_A' + E_B' - E_AB) / A, J m^-2; W plus the energy per area each side gains relaxing alone, so never below W
        by more than the relaxations' tolerance.  A large difference says a side changes on its own (a thin polar
        slab that reconstructs).
    frozen : ndarray
        E_A' and E_B': each side's energy at its positions in the relaxed interface, J, shape (2,).
    """

    work: float
    area: float
    interface: PositionRelaxation
    side_a: PositionRelaxation
    side_b: PositionRelaxation
    gap: float
    gap_built: float
    separation: float
    frozen: NDArray[np.float64]

    _summary_fields: ClassVar[tuple[str, ...]] = ("work", "separation", "area", "gap")


def _gap(atoms: Any, side: NDArray[np.int64]) -> float:
    z = atoms.positions[:, 2]
    return float(z[side == 1].min() - z[side == 0].max()) * ANGSTROM


def work_of_adhesion(
    slab: Any,
    side: NDArray[np.int64],
    calculator: Any,
    *,
    fmax_ev_per_angstrom: float = DEFAULT_FMAX_EV_PER_ANGSTROM,
    steps: int = DEFAULT_STEPS,
    free_depth_angstrom: float | None = DEFAULT_FREE_DEPTH_ANGSTROM,
) -> tuple[Adhesion, Any]:
    """The work of adhesion of ``slab`` (ase.Atoms from :func:`slab_cell`, A) whose atoms belong to ``side`` (0: A,
    1: B, shape (n,)), and the relaxed slab.  The atoms farther than ``free_depth_angstrom`` from the seam
    (:func:`seam_zone`) are held at their places in all three relaxations (None: every atom free).  See the module
    docstring for what is relaxed and how."""
    eng = engine(calculator)
    side = _sides(slab, side)
    fmax = _checks.positive(fmax_ev_per_angstrom, "fmax_ev_per_angstrom", "eV/A")
    n_steps = _checks.count(steps, "steps")
    held = np.zeros(len(slab), dtype=bool)
    if free_depth_angstrom is not None:
        held[:] = True
        held[np.concatenate(seam_zone(slab, side, free_depth_angstrom))] = False
    relaxed, whole = relax_positions(slab, eng, fmax, n_steps, "the interface slab", held)
    frozen = np.array([_energy(relaxed[side == k], eng, f"side {'AB'[k]} as in the interface") for k in (0, 1)])
    _, alone_a = relax_positions(slab[side == 0], eng, fmax, n_steps, "side A alone", held[side == 0])
    _, alone_b = relax_positions(slab[side == 1], eng, fmax, n_steps, "side B alone", held[side == 1])
    area = _area(slab)
    found = Adhesion(
        work=(alone_a.energy + alone_b.energy - whole.energy) / area, area=area, interface=whole, side_a=alone_a,
        side_b=alone_b, gap=_gap(relaxed, side), gap_built=_gap(slab, side),
        separation=(float(frozen.sum()) - whole.energy) / area, frozen=frozen,
    )  # fmt: skip
    return found, relaxed


def _energy(atoms: Any, eng: Engine, what: str) -> float:
    """The energy of ``atoms`` as they are (one force call), J."""
    work = atoms.copy()
    work.calc = eng.counted(fixed_cell=True)

    def run() -> float:
        with eng.quiet(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return float(work.get_potential_energy())

    energy = _calling(what, run)
    if not math.isfinite(energy):
        raise InputError(f"{what}: the calculator returned an energy that is not finite")
    return energy * EV


def _sides(atoms: Any, side: Any) -> NDArray[np.int64]:
    s = np.asarray(side)
    if s.shape != (len(atoms),) or not np.all(np.isin(s, (0, 1))) or not (np.any(s == 0) and np.any(s == 1)):
        raise InputError(f"side must give 0 (A) or 1 (B) for each of the {len(atoms)} atoms, with atoms on both sides")
    return s.astype(np.int64)


def _area(atoms: Any) -> float:
    a1, a2 = np.asarray(atoms.cell, dtype=float)[:2]
    return float(np.linalg.norm(np.cross(a1, a2))) * ANGSTROM**2


@result
class SeamStiffness:
    """The force constants across the seam per area against each side's bulk across the same kind of plane.

    Attributes
    ----------
    seam : ndarray
        K_xx, K_yy, K_zz of the seam, N m^-3, shape (3,).
    bulk : ndarray
        The same of side A's bulk (row 0) and side B's (row 1), N m^-3, shape (2, 3).
    bulk_periods : ndarray of int
        Periods of each side's bulk reference cell (its upper half displaced), shape (2,).
    step : float
        The rigid displacement, m.
    """

    seam: NDArray[np.float64]
    bulk: NDArray[np.float64]
    bulk_periods: NDArray[np.int64]
    step: float

    _summary_fields: ClassVar[tuple[str, ...]] = ("normal", "shear", "ratio_normal")

    @property
    def normal(self) -> float:
        """K_zz of the seam, N m^-3."""
        return float(self.seam[2])

    @property
    def shear(self) -> float:
        """(K_xx + K_yy) / 2 of the seam, N m^-3."""
        return float(np.mean(self.seam[:2]))

    @property
    def ratio_normal(self) -> NDArray[np.float64]:
        """K_zz of the seam over each side's bulk K_zz, shape (2,)."""
        return np.asarray(self.seam[2] / self.bulk[:, 2])

    @property
    def ratio_shear(self) -> NDArray[np.float64]:
        """The seam's shear stiffness over each side's bulk one, shape (2,)."""
        return np.asarray(np.mean(self.seam[:2]) / np.mean(self.bulk[:, :2], axis=1))


def _block_stiffness(atoms: Any, moved: NDArray[np.bool_], eng: Engine, step: float, cuts: int) -> NDArray[np.float64]:
    """-(1 / (cuts A)) dF_moved,a / du_a for a = x, y, z: central differences of the total force on the atoms
    ``moved`` displaced together by +-``step`` (A) along each axis; N m^-3, shape (3,)."""
    structures = []
    for axis in range(3):
        for sign in (1.0, -1.0):
            s = atoms.copy()
            s.calc = None
            s.positions[moved, axis] += sign * step
            structures.append(s)
    forces = _calling("the seam stiffness", lambda: eng.forces(structures)).reshape(3, 2, len(atoms), 3)
    total = forces[:, :, moved, :].sum(axis=2)  # (axis, sign, component)
    k = np.array([-(total[a, 0, a] - total[a, 1, a]) / (2.0 * step) for a in range(3)])  # eV/A^2
    return k * EV_PER_A2 / (cuts * _area(atoms))


def bulk_reference(period: Any, half_thickness_angstrom: float) -> tuple[Any, NDArray[np.bool_]]:
    """A side's relaxed period (ase.Atoms, periodic, a3 along z) repeated 2m times along z, m periods at least
    ``half_thickness_angstrom`` thick, and which atoms form its upper half."""
    height = float(np.asarray(period.cell)[2, 2])
    m = max(1, math.ceil(_checks.positive(half_thickness_angstrom, "half_thickness_angstrom", "A") / height - 1e-9))
    cell = period.repeat((1, 1, 2 * m))
    copy = np.repeat(np.arange(2 * m), len(period))  # ase's repeat: the copies one after the other
    return cell, copy >= m


def seam_stiffness(
    slab: Any,
    side: NDArray[np.int64],
    periods: tuple[Any, Any],
    calculator: Any,
    *,
    block_step_angstrom: float = DEFAULT_BLOCK_STEP_ANGSTROM,
    half_thickness_angstrom: float = DEFAULT_HALF_THICKNESS_ANGSTROM,
) -> SeamStiffness:
    """The seam stiffness of the relaxed ``slab`` (ase.Atoms, A; ``side`` 0/1 per atom) against the bulk of each
    side, ``periods`` (each side's relaxed period: :func:`kapitza.atomistic.stacking.relaxed_periods`).  See the
    module docstring."""
    eng = engine(calculator)
    side = _sides(slab, side)
    step = _checks.positive(block_step_angstrom, "block_step_angstrom", "A")
    seam = _block_stiffness(slab, side == 1, eng, step, cuts=1)
    bulk, counts = [], []
    for period in periods:
        cell, upper = bulk_reference(period, half_thickness_angstrom)
        bulk.append(_block_stiffness(cell, upper, eng, step, cuts=2))
        counts.append(len(cell) // len(period))
    return SeamStiffness(seam=seam, bulk=np.array(bulk), bulk_periods=np.array(counts, dtype=np.int64),
                         step=step * ANGSTROM)  # fmt: skip


@result
class SeamSpectra:
    """The local vibrational spectra of the seam's two zones and their overlap (module docstring).

    Attributes
    ----------
    overlap : float
        S = integral of min(g_A, g_B) d omega, between 0 and 1.
    omega : ndarray
        Angular frequencies of the grid, rad/s, shape (m,).
    ldos : ndarray
        g_A (row 0) and g_B (row 1), each of unit integral over omega, s, shape (2, m).
    zone_atoms : ndarray of int
        Atoms of each side's zone, shape (2,).
    imaginary_weight : ndarray
        Each side's share of its zone's weight in imaginary modes (left out), shape (2,).
    depth : float
        The zone's depth, m.
    broadening : float
        The Gaussian's width, rad/s.
    """

    overlap: float
    omega: NDArray[np.float64]
    ldos: NDArray[np.float64]
    zone_atoms: NDArray[np.int64]
    imaginary_weight: NDArray[np.float64]
    depth: float
    broadening: float

    _summary_fields: ClassVar[tuple[str, ...]] = ("overlap", "zone_atoms")


def seam_zone(slab: Any, side: NDArray[np.int64], depth_angstrom: float) -> tuple[NDArray[np.int64], ...]:
    """The atoms of each side within ``depth_angstrom`` (A) of the seam: (side A's, side B's) indices."""
    depth = _checks.positive(depth_angstrom, "depth_angstrom", "A")
    z = slab.positions[:, 2]
    top, bottom = z[side == 0].max(), z[side == 1].min()
    return (np.flatnonzero((side == 0) & (z >= top - depth - 1e-9)),
            np.flatnonzero((side == 1) & (z <= bottom + depth + 1e-9)))  # fmt: skip


def seam_spectra(
    slab: Any,
    side: NDArray[np.int64],
    calculator: Any,
    *,
    depth_angstrom: float = DEFAULT_DEPTH_ANGSTROM,
    broadening_thz: float = DEFAULT_BROADENING_THZ,
    displacement_angstrom: float = DEFAULT_DISPLACEMENT_ANGSTROM,
) -> SeamSpectra:
    """The seam zones' local spectra of the relaxed ``slab`` (ase.Atoms, A; ``side`` 0/1 per atom) and their overlap.
    See the module docstring."""
    from .hessian import coloured_rows

    eng = engine(calculator)
    side = _sides(slab, side)
    step = _checks.positive(displacement_angstrom, "displacement_angstrom", "A")
    sigma = RAD_S_PER_THZ * _checks.positive(broadening_thz, "broadening_thz", "THz")
    zones = seam_zone(slab, side, depth_angstrom)
    rows = np.concatenate(zones)
    n = rows.size

    def forces_of(positions: NDArray[np.float64]) -> NDArray[np.float64]:
        structures = []
        for p in positions:
            s = slab.copy()
            s.calc = None
            s.positions = p
            structures.append(s)
        return _calling("the seam's force constants", lambda: eng.forces(structures))

    h = coloured_rows(slab, rows, step, 1.0, forces_of, batched=False)[:, :, rows, :].reshape(3 * n, 3 * n)
    h = 0.5 * (h + h.T) * EV_PER_A2  # N/m
    inv = np.repeat(1.0 / np.sqrt(slab.get_masses()[rows] * AMU), 3)
    values, vectors = np.linalg.eigh(h * inv[:, None] * inv[None, :])
    weight = (np.abs(vectors) ** 2).reshape(n, 3, 3 * n).sum(axis=1)  # (zone atom, mode)
    in_a = np.arange(n) < zones[0].size
    per_side = np.array([weight[in_a].sum(axis=0), weight[~in_a].sum(axis=0)])  # (2, modes)
    real = values > 0
    omega_n = np.sqrt(np.where(real, values, 0.0))
    top = float(omega_n.max(initial=0.0)) + 5.0 * sigma
    omega = np.linspace(0.0, top, SPECTRUM_POINTS)
    kernel = np.exp(-0.5 * ((omega[:, None] - omega_n[None, real]) / sigma) ** 2)
    ldos = (kernel @ per_side[:, real].T).T
    ldos /= np.trapezoid(ldos, omega, axis=1)[:, None]
    overlap = float(np.trapezoid(np.minimum(ldos[0], ldos[1]), omega))
    imaginary = per_side[:, ~real].sum(axis=1) / per_side.sum(axis=1)
    return SeamSpectra(
        overlap=min(overlap, 1.0), omega=omega, ldos=ldos, zone_atoms=np.array([z.size for z in zones], dtype=np.int64),
        imaginary_weight=imaginary, depth=float(depth_angstrom) * ANGSTROM, broadening=sigma,
    )  # fmt: skip


# -- all three -------------------------------------------------------------------------------------------------------


@result
class InterfaceBonding:
    """The bonding descriptors of one interface (module docstring).

    Attributes
    ----------
    adhesion : Adhesion
    stiffness : SeamStiffness
    spectra : SeamSpectra or None
        None where not asked (``spectra=False``).
    atoms : int
        Atoms of the slab.
    area : float
        The lateral cell's area, m^2.
    calculator : str
        The force source's name.
    force_calls : int
        Force evaluations, all stages together.
    atom_calls : int
        Atoms in them, summed (the cost model of :func:`kapitza.prediction.bonding.bonding_plan`).
    seconds : Mapping
        Wall time of each stage, s ("periods", "adhesion", "stiffness", "spectra").
    settings : Mapping
        What made it (the keyword arguments, in their units).
    """

    adhesion: Adhesion
    stiffness: SeamStiffness
    spectra: SeamSpectra | None
    atoms: int
    area: float
    calculator: str
    force_calls: int
    atom_calls: int
    seconds: Any
    settings: Any

    _summary_fields: ClassVar[tuple[str, ...]] = ("adhesion", "stiffness", "spectra", "atoms", "calculator")


def interface_bonding(
    structure: InterfaceStructure,
    calculator: Any,
    *,
    vacuum_angstrom: float = DEFAULT_VACUUM_ANGSTROM,
    fmax_ev_per_angstrom: float = DEFAULT_FMAX_EV_PER_ANGSTROM,
    steps: int = DEFAULT_STEPS,
    free_depth_angstrom: float | None = DEFAULT_FREE_DEPTH_ANGSTROM,
    block_step_angstrom: float = DEFAULT_BLOCK_STEP_ANGSTROM,
    half_thickness_angstrom: float = DEFAULT_HALF_THICKNESS_ANGSTROM,
    depth_angstrom: float = DEFAULT_DEPTH_ANGSTROM,
    broadening_thz: float = DEFAULT_BROADENING_THZ,
    displacement_angstrom: float = DEFAULT_DISPLACEMENT_ANGSTROM,
    spectra: bool = True,
    max_structures: int | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> InterfaceBonding:
    """Work of adhesion, seam stiffness and seam spectra of an interface built by
    :func:`~kapitza.atomistic.stacking.stack_crystals`, with ``calculator`` (an ASE calculator or a
    :class:`~kapitza.atomistic.calculators.CalculatorSource`).

    Steps: each side's period relaxed under its in-plane strain and the structure stretched to it
    (:func:`~kapitza.atomistic.stacking.relax_periods`); the slab opened (:func:`slab_cell`); the three relaxations
    of :func:`work_of_adhesion`; :func:`seam_stiffness` of the relaxed slab against the relaxed periods;
    :func:`seam_spectra` (unless ``spectra=False``).  ``progress(stage, done, total)`` after each stage.  Settings
    as the module docstring and the ``DEFAULT_*`` constants say (A, eV/A, THz); ``max_structures`` bounds the
    structures a :class:`~kapitza.atomistic.calculators.CalculatorSource` evaluates at once (its memory).
    """
    from .stacking import relax_periods

    if not isinstance(structure, InterfaceStructure):
        raise InputError(f"expected an InterfaceStructure (stack_crystals), got {type(structure).__name__}")
    eng = engine(calculator, max_structures)
    settings = {
        "vacuum_A": _checks.positive(vacuum_angstrom, "vacuum_angstrom", "A"),
        "fmax_eV_per_A": _checks.positive(fmax_ev_per_angstrom, "fmax_ev_per_angstrom", "eV/A"),
        "steps": _checks.count(steps, "steps"),
        "free_depth_A": None
        if free_depth_angstrom is None
        else _checks.positive(free_depth_angstrom, "free_depth_angstrom", "A"),
        "block_step_A": _checks.positive(block_step_angstrom, "block_step_angstrom", "A"),
        "half_thickness_A": _checks.positive(half_thickness_angstrom, "half_thickness_angstrom", "A"),
        "depth_A": _checks.positive(depth_angstrom, "depth_angstrom", "A"),
        "broadening_THz": _checks.positive(broadening_thz, "broadening_thz", "THz"),
        "displacement_A": _checks.positive(displacement_angstrom, "displacement_angstrom", "A"),
        "period_fmax_eV_per_A": min(PERIOD_FMAX_EV_PER_ANGSTROM, float(fmax_ev_per_angstrom)),
        "spectra": bool(spectra),
    }
    stages = 4 if spectra else 3

    def told(stage: str, done: int) -> None:
        if progress is not None:
            progress(stage, done, stages)

    with eng.stage("periods"):
        periods = _calling(
            "the bulk periods", lambda: _periods(structure, eng, settings["period_fmax_eV_per_A"], settings["steps"])
        )
        stretched = relax_periods(structure, eng.calculator, periods=periods)
    told("periods", 1)
    slab = slab_cell(stretched, settings["vacuum_A"])
    side = np.asarray(stretched.side, dtype=np.int64)
    with eng.stage("adhesion"):
        adhesion, relaxed = work_of_adhesion(slab, side, eng, fmax_ev_per_angstrom=settings["fmax_eV_per_A"],
                                             steps=settings["steps"],
                                             free_depth_angstrom=settings["free_depth_A"])  # fmt: skip
    told("adhesion", 2)
    with eng.stage("stiffness"):
        stiffness = seam_stiffness(relaxed, side, periods, eng, block_step_angstrom=settings["block_step_A"],
                                   half_thickness_angstrom=settings["half_thickness_A"])  # fmt: skip
    told("stiffness", 3)
    found = None
    if spectra:
        with eng.stage("spectra"):
            found = seam_spectra(relaxed, side, eng, depth_angstrom=settings["depth_A"],
                                 broadening_thz=settings["broadening_THz"],
                                 displacement_angstrom=settings["displacement_A"])  # fmt: skip
        told("spectra", 4)
    return InterfaceBonding(
        adhesion=adhesion, stiffness=stiffness, spectra=found, atoms=len(slab), area=adhesion.area,
        calculator=eng.name, force_calls=eng.calls, atom_calls=eng.atom_calls, seconds=dict(eng.seconds),
        settings=settings,
    )  # fmt: skip


def _periods(structure: InterfaceStructure, eng: Engine, fmax: float, steps: int) -> tuple[Any, Any]:
    """Each side's relaxed period (:func:`kapitza.atomistic.stacking.relaxed_periods`), counted on ``eng``."""
    from .stacking import relaxed_periods

    with eng.quiet():
        return relaxed_periods(structure, eng.counted(), fmax_ev_per_angstrom=fmax, steps=steps)


__all__ = [
    "DEFAULT_BLOCK_STEP_ANGSTROM",
    "DEFAULT_BROADENING_THZ",
    "DEFAULT_DEPTH_ANGSTROM",
    "DEFAULT_DISPLACEMENT_ANGSTROM",
    "DEFAULT_FMAX_EV_PER_ANGSTROM",
    "DEFAULT_FREE_DEPTH_ANGSTROM",
    "DEFAULT_HALF_THICKNESS_ANGSTROM",
    "DEFAULT_STEPS",
    "DEFAULT_VACUUM_ANGSTROM",
    "Adhesion",
    "Engine",
    "InterfaceBonding",
    "PositionRelaxation",
    "SeamSpectra",
    "SeamStiffness",
    "bulk_reference",
    "engine",
    "interface_bonding",
    "relax_positions",
    "seam_spectra",
    "seam_stiffness",
    "seam_zone",
    "slab_cell",
    "work_of_adhesion",
]
