r"""One call from two material names to an AGF conductance: build, partition, solve, integrate, save.

:func:`run_agf` builds the interface (:func:`kapitza.md.build_interface`),
computes the force constants, partitions leads and device, sweeps the
transmission over frequencies and transverse wavevectors, and integrates
G(T) through :mod:`kapitza.landauer`.  It returns an :class:`AGFResult`
with everything needed to reproduce it (:meth:`AGFResult.inputs`).

Materials and potentials
------------------------
``potential="sw"`` with two different elements (Si and Ge): Stillinger-Weber
has no mixed Si-Ge parameters, so the *mass-mismatch model* is used: Si
force constants and the Si lattice everywhere, the right crystal's atomic
mass on its side (a note in the result says so).  ``"tersoff-lammps"``
gives a genuine Si-Ge interface (Tersoff 1989 through LAMMPS), coherent,
with the mean of the two equilibrium lattice constants in the plane and
bulk periods along the normal.  Lattice constants are the potential's own
equilibrium values.

Two conductances
----------------
``conductance`` is the two-probe Landauer (Caroli) conductance of lead |
interface | lead: it contains the ballistic contact resistance of the
leads.  ``intrinsic`` removes it with Simons' correction (J. Phys. C 7,
4048 (1974)), :math:`1/G_{int} = 1/G - \tfrac12(1/G_L + 1/G_R)`, where
:math:`G_{L,R}` are the ballistic conductances of the two leads: a perfect
lead transmits one per open channel, and the channels are counted from its
propagating Bloch modes at each (omega, k) (:func:`.solver.lead_channels`,
exact), not by two more Green's-function sweeps over perfect-lead models
(:func:`lead_model`, which give the same count up to the broadening).  The
intrinsic value is the one to compare with NEMD and with equilibrium-
distribution models; the two-probe one with other AGF codes.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Sequence
from dataclasses import field
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray

from ..._backend import NUMPY
from ...cluster import CONNECT_TIMEOUT, check_connect_timeout
from ...errors import InputError
from ...io.results import result
from . import config as _config
from . import grid as _grid
from . import inputs as _inputs
from .chunk import solve_stack
from .model import LayeredModel
from .solver import (
    DEFAULT_CHUNK,
    TransmissionResult,
    frequency_grid,
    lead_channels,
    lead_max_frequency,
    model_sizes,
    transmission,
)
from .stability import LeadStability, check_points, lead_stability, unstable_note

#: Temperatures (K) reported by default (:data:`.config.DEFAULT_TEMPERATURES`).
DEFAULT_TEMPERATURES = _config.DEFAULT_TEMPERATURES
#: The defaults of every setting (:class:`.config.AGFConfig`), the keyword defaults of :func:`run_agf`.
_D = _config.AGF_DEFAULTS
#: The frequency grid ends this factor above the smaller lead's band top (its sampled maximum).
TOP_MARGIN = 1.01
#: Below this many frequencies the result carries a note that G is not converged (see inputs.MIN_FREQUENCIES).
CONVERGED_FREQUENCIES = 100
#: Largest relative change of G(check_temperature) between eta and eta/2 accepted without a note.  The
#: broadening lowers G linearly in eta (inputs.ETA_MAX), so a change r at eta/2 means G(eta) is ~2r low.
BROADENING_TOLERANCE = 0.01
#: Runs of at least this many (omega, k) chunks time one chunk first to estimate their duration.
PROBE_UNITS = 400


@result
class BroadeningCheck:
    """G(T_check) at eta and eta/2: the convergence diagnostic of the broadening.

    The interface is solved again at eta/2 on a sample of its irreducible k points
    (:func:`.inputs.check_kpoints`: one in eight, at least one), and G of that sample at both broadenings is
    compared; the measurement behind the sample is at :data:`.inputs.CHECK_EVERY`.

    Attributes
    ----------
    eta : float
        Relative broadening of the main sweep.
    temperature : float
        K.
    conductance : (float, float)
        G of the sample at eta and at eta/2, W m^-2 K^-1.
    kpoints : ndarray
        The sample's fractional in-plane wavevectors, shape (n_sample, 2).
    of_kpoints : int
        Irreducible k points of the run, which the sample was drawn from.
    relative_change : float
        |G(eta/2) - G(eta)| / |G(eta/2)| (0 when both are 0).
    """

    eta: float
    temperature: float
    conductance: tuple[float, float]
    kpoints: NDArray[np.float64]
    of_kpoints: int
    relative_change: float = field(init=False)

    def __post_init__(self) -> None:
        g1, g2 = (float(g) for g in self.conductance)
        object.__setattr__(self, "conductance", (g1, g2))
        object.__setattr__(self, "relative_change", abs(g2 - g1) / abs(g2) if g2 else 0.0)


def intrinsic_conductance(conductance: ArrayLike, ballistic: ArrayLike) -> NDArray[np.float64]:
    """Simons-corrected conductance, 1/G_int = 1/G - (1/G_L + 1/G_R)/2, W m^-2 K^-1, shape (n_T,).

    ``conductance`` has shape (n_T,), ``ballistic`` (2, n_T).  Where G = 0 (T = 0 K) the
    intrinsic G is 0 too (no carriers, R = inf); where the correction removes all the
    resistance (1/G_int <= 0, possible only through broadening noise) it is reported as inf.
    No division by zero is evaluated, so no RuntimeWarning arises.
    """
    g = np.asarray(conductance, dtype=float)
    gb = np.asarray(ballistic, dtype=float)
    ok = (g > 0) & np.all(gb > 0, axis=0)
    inv = np.zeros_like(g)
    np.divide(1.0, g, out=inv, where=ok)
    for side in gb:
        inv -= 0.5 * np.divide(1.0, side, out=np.zeros_like(g), where=ok)
    out = np.zeros_like(g)  # G = 0 where there is no conductance at all (T = 0)
    positive = ok & (inv > 0)
    np.divide(1.0, inv, out=out, where=positive)
    out[ok & ~positive] = np.inf
    return out


@result
class AGFResult:
    """Transmission and conductance of an interface from the AGF solver.

    Attributes
    ----------
    transmission : TransmissionResult
        Xi(omega, k_par) and its k average.
    temperature : ndarray
        K, shape (n_T,).
    conductance : ndarray
        Two-probe G(T), W m^-2 K^-1, shape (n_T,).
    ballistic : ndarray
        Ballistic G(T) of the left and right leads, W m^-2 K^-1, shape (2, n_T).
    broadening : BroadeningCheck or None
    lead_omega, lead_xi : ndarray
        Frequencies (rad/s) and channel counts Xi of each perfect lead, shape (2, n_lead).
    model_metadata : Mapping
        How the layered model was made (structure, partition, force constants).
    settings : Mapping
        The inputs of :func:`run_agf`.
    notes : tuple of str
        Modelling choices the user should know about.
    frequency_grid_error_estimate : ndarray
        Estimated 1-sigma quadrature error of ``conductance`` from the frequency grid (calibrated: it covered
        the true error in about 2 cases in 3 measured), W m^-2 K^-1, shape (n_T,) (:func:`.grid.estimated_error`);
        empty for results saved before it was estimated.
    frequency_grid_error_bound : ndarray
        Conservative bound on the same error (typically 5x to 100x the true error), W m^-2 K^-1, shape (n_T,)
        (:func:`.grid.cell_errors` summed); empty for results saved before it was named a bound.
    device : Mapping
        Where the kernels ran: the ``device`` asked for (``requested``) and the one selected (``device``: "cpu",
        "torch-cpu", "cuda:N", or on dask the workers' with each worker's device in ``workers``), the library and
        its version (``library``), the device's name (the GPU's, or the host's processor), on a GPU the
        frequencies per call (``batch``); the memory statement (``memory``: the host's, and the GPU's beside it);
        and, for a resumed run, the units found on disk (``resumed``) and the devices that computed them
        (``resumed_from``).  Empty for results saved before it was recorded.
    intrinsic : ndarray
        Interface conductance with the leads' ballistic resistance removed (Simons), W m^-2 K^-1,
        shape (n_T,); 0 at T = 0 K (see :func:`intrinsic_conductance`).
    """

    transmission: TransmissionResult
    temperature: NDArray[np.float64]
    conductance: NDArray[np.float64]
    ballistic: NDArray[np.float64]
    broadening: BroadeningCheck | None
    lead_omega: NDArray[np.float64] = field(default_factory=lambda: np.zeros((2, 0)))
    lead_xi: NDArray[np.float64] = field(default_factory=lambda: np.zeros((2, 0)))
    model_metadata: dict[str, Any] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    frequency_grid_error_estimate: NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))
    frequency_grid_error_bound: NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))
    device: dict[str, Any] = field(default_factory=dict)
    intrinsic: NDArray[np.float64] = field(init=False)

    _summary_fields: ClassVar[tuple[str, ...]] = ("temperature", "conductance", "intrinsic", "broadening")

    def __post_init__(self) -> None:
        object.__setattr__(self, "intrinsic", intrinsic_conductance(self.conductance, self.ballistic))

    @property
    def resistance(self) -> NDArray[np.float64]:
        """Intrinsic interface resistance 1/G_int, m^2 K W^-1, shape (n_T,); inf at T = 0 K, 0 where G_int = inf."""
        g = self.intrinsic
        out = np.full_like(g, np.inf)
        np.divide(1.0, g, out=out, where=g > 0)
        return out

    def inputs(self) -> dict[str, Any]:
        """JSON-able record of every input (structure, potential, k grid, broadening, frequencies, seed, version)."""
        from ...io.results import to_jsonable

        t = self.transmission
        from ..._version import __version__

        return {
            "kapitza_version": __version__,
            "settings": to_jsonable(self.settings),
            "model": to_jsonable(self.model_metadata),
            "kpoints": t.kpoints.tolist(),
            "kweights": t.kweights.tolist(),
            "eta": t.eta,
            "omega_rad_s": {"first": float(t.omega[0]), "last": float(t.omega[-1]), "count": int(t.omega.size)},
            "area_m2": t.area,
            "device": to_jsonable(self.device),
            "notes": list(self.notes),
        }

    def lead_dmm(self) -> Any:
        """The full-dispersion DMM of the same two leads from their channel counts, at this result's temperatures
        (:func:`kapitza.transmission.agf.dmm.lead_dmm`): the ideal-interface model beside the AGF."""
        from .dmm import lead_dmm

        return lead_dmm(self)

    def document(self, seconds: float | None = None) -> dict[str, Any]:
        """``kapitza agf --json``: :meth:`inputs` and the results in SI (two-probe, intrinsic and ballistic G, the
        frequency-grid error estimate and bound, the leads' DMM, the broadening check), with the run's wall time in
        ``seconds`` where given."""
        dmm = self.lead_dmm()
        doc = self.inputs()
        doc["results"] = {
            "units": {"temperature": "K", "conductance": "W m^-2 K^-1"},
            "statistics": self.settings["statistics"],
            "temperature": self.temperature.tolist(),
            "conductance": self.conductance.tolist(),
            "intrinsic_conductance": self.intrinsic.tolist(),
            "ballistic_conductance": self.ballistic.tolist(),
            "frequency_grid_error_estimate": self.frequency_grid_error_estimate.tolist(),
            "frequency_grid_error_bound": self.frequency_grid_error_bound.tolist(),
            "dmm_conductance": dmm.conductance.tolist(),
            "broadening_check": None if self.broadening is None else self.broadening.to_dict(),
            "seconds": seconds,
        }
        return doc


def lead_model(model: LayeredModel, side: str) -> LayeredModel:
    """A perfect lead as a layered model: the lead unit repeated, one unit as the device.

    Its Caroli transmission is the lead's number of propagating channels, so
    its conductance is the ballistic one.
    """
    if side not in ("left", "right"):
        raise InputError(f"side must be 'left' or 'right', got {side!r}")
    n_blocks = len(model.bounds) - 1
    a, b = (0, 1) if side == "left" else (n_blocks - 2, n_blocks - 1)
    ra, rb = model.block_range(a), model.block_range(b)
    n = ra.stop - ra.start
    mats = []
    for m in model.matrices:
        m = sp.csr_matrix(m)
        onsite = m[rb, rb]
        up = m[ra, rb]  # unit j -> j+1
        down = m[rb, ra]
        units = 5
        blocks = [[None] * units for _ in range(units)]
        for u in range(units):
            blocks[u][u] = onsite
            if u + 1 < units:
                blocks[u][u + 1] = up
                blocks[u + 1][u] = down
        mats.append(sp.bmat(blocks, format="csr"))
    atoms = model.atom_of_dof[rb]
    dz = unit_z(model, a, b)
    positions = np.concatenate([model.positions[np.unique(atoms)] + [0.0, 0.0, (u - 1) * dz] for u in range(5)])
    masses = np.tile(model.masses[np.unique(atoms)], 5)
    labels = tuple(model.labels[i] for i in np.unique(atoms)) * 5 if model.labels else ()
    n_atoms = np.unique(atoms).size
    return LayeredModel(
        translations=model.translations,
        matrices=tuple(mats),
        bounds=tuple(n * u for u in range(6)),
        atom_of_dof=np.repeat(np.arange(5 * n_atoms), n // n_atoms),
        positions=positions,
        masses=masses,
        lateral_cell=model.lateral_cell,
        labels=labels,
        metadata={"kind": f"perfect {side} lead"},
    )


def unit_z(model: LayeredModel, a: int, b: int) -> float:
    za = model.positions[model.atom_of_dof[model.block_range(a).start], 2]
    zb = model.positions[model.atom_of_dof[model.block_range(b).start], 2]
    return float(zb - za)


def _resolve_materials(left: str, right: str, potential: str) -> tuple[Any, dict[str, Any], list[str]]:
    from ...atomistic.lattice import equilibrium_lattice_constant
    from ...atomistic.potentials import get_potential
    from ...units import ANGSTROM

    notes: list[str] = []
    name = str(potential).strip().lower()
    if name == "sw" and left != right:
        pot = get_potential(name, [left])
        a = equilibrium_lattice_constant(pot, left) / ANGSTROM
        notes.append(
            f"{name}: no mixed {left}-{right} parameters, so the mass-mismatch model is used: {left} force constants "
            f"and lattice constant ({a:.4f} A) on both sides, {right} atomic mass on the {right} side; use "
            "--potential tersoff-lammps for a genuine Si-Ge interface"
        )
        return pot, {"mass_only": True, "lattice_constants": (a, a)}, notes
    pot = get_potential(name, [left, right])
    a1 = equilibrium_lattice_constant(pot, left) / ANGSTROM
    a2 = equilibrium_lattice_constant(pot, right) / ANGSTROM
    if left != right:
        notes.append(
            f"coherent {left}/{right} interface: in-plane lattice constant {(a1 + a2) / 2:.4f} A (mean of "
            f"{a1:.4f} and {a2:.4f} A), bulk periods along the normal, positions not relaxed"
        )
    return pot, {"mass_only": False, "lattice_constants": (a1, a2)}, notes


def run_agf(
    left: str | None = None,
    right: str | None = None,
    *,
    structure: str | Path | None = _D.structure,
    pair: str | Path | None = _D.pair,
    force_constants: str | Path | None = _D.force_constants,
    left_lead: str | Path | None = _D.left_lead,
    right_lead: str | Path | None = _D.right_lead,
    sides: str = _D.sides,
    supercell: int | tuple[int, int] | None = _D.supercell,
    potential: str = _D.potential,
    calculator: str | None = _D.calculator,
    force_range: float | None = _D.force_range,
    max_strain: float = _D.max_strain,
    interface_fc: str | None = _D.interface_fc,
    interface_reach: float | None = _D.interface_reach,
    normal: str = _D.normal,
    polarity: str = _D.polarity,
    kpoints: int | Sequence[int] = _D.kpoints,
    frequencies: int = _D.frequencies,
    frequency_tolerance: float | None = _D.frequency_tolerance,
    temperature: ArrayLike = _D.temperature,
    eta: float = _D.eta,
    cells: tuple[int, int] | None = _D.cells,
    pl_cells: int | tuple[int, int] | None = _D.pl_cells,
    lateral: tuple[int, int] = _D.lateral,
    mixing_layers: int = _D.mixing_layers,
    seed: int | None = _D.seed,
    masses_amu: Sequence[float] | str | None = _D.masses_amu,
    statistics: str = _D.statistics,
    check_broadening: bool = _D.check_broadening,
    check_temperature: float = _D.check_temperature,
    allow_unstable_leads: bool = _D.allow_unstable_leads,
    workers: int | None = _D.workers,
    address: str | None = _D.address,
    client: Any = None,
    connect_timeout: float = CONNECT_TIMEOUT,
    progress: Callable[[int, int], None] | None = None,
    stage_progress: Callable[[str, int, int], None] | None = None,
    output: str | Path | None = _D.output,
    resume: bool = True,
    max_memory_gb: float = _D.max_memory_gb,
    device: str = _D.device,
    max_gpu_memory_gb: float | None = _D.max_gpu_memory_gb,
    max_hours: float = _D.max_hours,
    option_names: Callable[[str], str] = _inputs.api_name,
) -> tuple[AGFResult, LayeredModel]:
    """Build the interface ``left``/``right``, solve the AGF and integrate G(T).

    The defaults are those of :class:`.config.AGFConfig` (one place); a config file is read into one
    with :func:`.config.read_config`, and ``run_agf(cfg.left, cfg.right, **cfg.run_options())`` runs it.
    Every input is validated before any work (:mod:`.inputs`), including the
    memory the run needs; the time it needs is estimated from one timed chunk
    once the model is built, before the sweeps.

    Parameters
    ----------
    left, right : str
        Chemical symbols of a built-in interface; heat flows left -> right.  Give these, or ``structure``.
    structure : path, optional
        The user's interface: any structure file ASE reads (:func:`kapitza.atomistic.structure_file.read_structure`),
        side A at low z (the left lead), side B at high z; with ``pair`` or ``force_constants``.
    pair : path, optional
        A pair file: the LAMMPS ``pair_style``/``pair_coeff``/``mass`` lines of the force field
        (:func:`kapitza.atomistic.forcefield.read_pair_file`); force constants by finite differences of LAMMPS forces.
    force_constants : path, optional
        Force constants computed elsewhere (phonopy ``FORCE_CONSTANTS``, ``fc2.hdf5``/``force_constants.hdf5``):
        of the structure's ``supercell`` (N1 x N2 x 1); the leads come from the structure's own end cells.
    sides : str
        How the structure's atoms are split into sides A and B: "tags" (1 and 2), "species:Ga,N/Si,C",
        "plane:Z" (A below Z, in A) or "column:NAME".
    supercell : int or (int, int), optional
        Lateral supercell of ``force_constants``.
    left_lead, right_lead : path, optional
        With ``force_constants``: a bulk crystal's ``phonopy.yaml`` (force constants inside or beside it) whose
        force constants replace those of that lead's principal layers (:mod:`.bulk_leads`); default: the
        structure's own end cells.
    potential : str
        Named potential (:func:`kapitza.atomistic.potentials.get_potential`) of the built-in crystals.
    calculator : str, optional
        A force source of :func:`kapitza.atomistic.calculators.calculator_source` (a built-in universal potential,
        "chgnet", ..., or "module:factory"), instead of ``potential``.  With ``left`` and ``right`` these are then
        any crystals (structure files, ``NAME:STRUCTURE:a=..``, database or ASE names), each relaxed with the
        calculator (its own lattice constants, as the built-in route uses the potential's), stacked along
        ``normal`` in the smallest common lateral cell within ``max_strain``
        (:func:`kapitza.atomistic.stacking.stack_crystals`, strain reported in the notes) and their force
        constants computed with it (:class:`kapitza.atomistic.calculator_forces.CalculatorForceConstants`,
        cached by content); with ``structure`` the file's atoms take them.  The interface's positions are not
        relaxed (as in the built-in route): relax them with ``kapitza interface build --calculator`` and give the
        file with ``structure``.
    force_range : float, optional
        A, with ``calculator``: the force constants are truncated there (default
        :data:`kapitza.atomistic.calculator_forces.DEFAULT_FORCE_RANGE_ANGSTROM`).
    max_strain : float
        With ``calculator`` and two crystals: the largest in-plane strain of the common cell (0.02 = 2 %).
    interface_fc : {"local", "all"}, optional
        With ``calculator`` and two crystals: "local" (the default) displaces only the rows within
        ``interface_reach`` of the interface and takes the others from each side's bulk crystal, strained as the
        interface holds it, placed by the lattice (:mod:`.local_fc`); "all" displaces every row.  A structure file
        takes "all" (its atoms may be relaxed away from the bulk lattice).
    interface_reach : float, optional
        A, with ``interface_fc="local"``: rows of atoms within it of the other crystal (or of an intermixed atom) are
        displaced; default the force range plus the potential's receptive field
        (:func:`.local_fc.interface_reach`), at least the force range.
    normal : {"001", "110", "111"}
    polarity : {"+", "-"}
        With ``calculator`` and two crystals: "+" stacks them along ``normal``, "-" along its opposite (both crystals
        turned over).  Where either crystal is polar along the normal (wurtzite's [0001], zincblende's [111]: no
        symmetry turns it over, :mod:`kapitza.atomistic.polarity`) these are two different interfaces, and the notes
        say which was built, what faces its seam and what faces the other's; "-" is refused for a pair that is not
        polar.
    kpoints : int or (int, int)
        Monkhorst-Pack grid of transverse wavevectors (>= 1 each).
    frequencies : int
        Midpoint-grid frequencies from 0 to the smaller lead's band top; at least
        :data:`.inputs.MIN_FREQUENCIES` (fewer do not resolve the band).  With ``frequency_tolerance``: the
        most frequencies the adaptive grid may grow to.  Either way the result estimates the grid's error of G
        and bounds it (``frequency_grid_error_estimate``, ``frequency_grid_error_bound``, :mod:`.grid`).
    frequency_tolerance : float, optional
        Relative error of the two-probe G(T) to aim for at every reported temperature, 0 < tolerance < 1: the
        grid then starts coarse and is refined where the integrand needs it (:func:`.grid.adaptive_transmission`)
        until its 1-sigma estimated error is below the tolerance (a 1-sigma statement, not a guarantee: the bound,
        also reported, is one) or ``frequencies`` are reached (a note says so).
    temperature : array_like
        K, >= 0, shape (n_T,).
    eta : float
        Relative broadening, > 0.
    cells : (int, int), optional
        Cells of each crystal; default: two principal layers of each in the device plus the leads'.
    pl_cells : int or (int, int), optional
        Cells per principal layer; default from the force range.
    lateral : (int, int)
        Lateral repetitions of the smallest cell (needed for intermixing).
    mixing_layers, seed : int
        Interface intermixing (see :func:`kapitza.atomistic.structures.build_interface`); integers >= 0.
        The seed is recorded (given or drawn) only when ``mixing_layers`` > 0; without intermixing nothing
        is random, the recorded seed is None and identical runs give identical outputs.
    masses_amu : (float, float), optional
        Atomic masses of the left and right crystal in amu (default: the elements' standard atomic
        weights), e.g. ``("Ar", "Ar", potential="lj", masses_amu=(39.948, 159.792))`` for the
        argon | heavy-argon interface of the LJ NEMD runs.  Every atom of a side gets its mass.
    statistics : {"bose-einstein", "classical"}
        Occupation in the Landauer integral of every G (two-probe, leads, broadening check):
        "classical" gives each transmitted mode k_B (the equipartition of a classical MD run),
        the high-temperature limit of Bose-Einstein.
    check_broadening : bool
        Also solve at eta/2 and report the change of G(check_temperature).
    check_temperature : float
        K, > 0.
    allow_unstable_leads : bool
        A lead with imaginary bulk frequencies beyond :data:`.stability.UNSTABLE_FRACTION` of its highest (its force
        constants are not those of a stable crystal) is refused, naming its most imaginary frequency, after the
        model is built and before any transmission is solved, as a dynamically unstable crystal is
        (:func:`kapitza.phonons.from_structure.crystal_phonons`); True computes it anyway, with that warning among
        the result's notes (the validation against experiment does, to report the pair unscored).
    workers, address, client
        dask.distributed execution (see :mod:`.parallel`); default in-process.  ``workers`` >= 1;
        a scheduler at ``address`` that does not answer within ``connect_timeout`` is an InputError.
    connect_timeout : float
        Seconds to wait for the scheduler at ``address``, > 0 (:data:`kapitza.cluster.CONNECT_TIMEOUT`, the
        one default of every command that takes ``--address``).
    progress : callable, optional
        progress(done, total) in (omega, k) chunks over all sweeps; called with the total before any work.
    stage_progress : callable, optional
        stage_progress(stage, done, total) of the work before the sweeps with ``calculator``: "relaxation" of
        each crystal, "force constants" over the displaced structures (not called when they come from the cache).
    output : path, optional
        Save the result there (.npz: arrays with the JSON metadata inside; .json: everything), atomically.
        Nothing is written without it.
    resume : bool
        With ``output``: keep finished chunks in ``.<output name>.partial/`` beside it while the run goes,
        skip those found there on a rerun with the same inputs, and delete the folder once the result
        is written.
    max_memory_gb, max_hours : float
        Refuse runs whose memory (GB) or time (hours) estimate exceeds these bounds.  The memory estimate
        counts the Xi arrays, the model with its dense blocks at one k and the kernels' workspace per stacked
        frequency (:class:`.inputs.ModelSizes`): a built-in model whose lead blocks alone exceed the bound is
        refused before its force constants are computed, and a run whose default 25 frequencies per task do
        not fit stacks fewer (refused only if one at a time does not fit).  With ``calculator`` the estimate also
        counts the force constants' dense rows and displaced structures and a built-in potential's model and
        working memory (:data:`kapitza.atomistic.calculator_forces.FOOTPRINTS`, measured), checked after the
        crystals are relaxed and before the force constants; a ``module:factory`` calculator's own memory is not
        counted (a note of the result says so).  ``max_memory_gb`` is the host's memory whatever the device.
    device : str
        Where the sweeps' kernels run (:func:`kapitza._backend.select_backend`, the one rule of every
        ``--device``): "cpu" (numpy), "gpu" or "cuda:N" (torch on a CUDA GPU; the ``gpu`` extra), "auto" (the GPU
        where torch sees one, numpy otherwise) or "torch-cpu" (the GPU's code on the CPU, for tests).  G, the
        transmission and the grid-error statement agree to 1e-10 relative on every device, and a run resumes on
        another device than the one it started on (the checkpoint's units do not depend on it).  With ``workers``:
        one local worker per GPU ("gpu": at most as many workers as GPUs; "auto": the GPUs where there are at least
        ``workers``, CPU workers otherwise); with ``address`` or ``client`` every worker must have a GPU for "gpu",
        and "auto" takes the GPUs only where every worker has one: a cluster that mixes workers with and without a
        GPU is refused (:func:`.parallel.resolve_devices`).  The result records the device
        (:attr:`AGFResult.device`).
    max_gpu_memory_gb : float, optional
        GB of each GPU the kernels may fill (default: 80 % of its free memory when the run starts,
        :data:`kapitza._backend.GPU_MEMORY_FRACTION`; the smaller of the two where given).  Frequencies of one k
        point are stacked per call as far as they fit (:func:`.inputs.device_batch`); a run of which one frequency
        does not fit is refused before any work, with the estimate.
    option_names : callable
        How error messages name a setting (default ``name=``; the CLI passes ``--name``).

    Returns
    -------
    (AGFResult, LayeredModel)
    """
    v = _validated(locals())
    connect_timeout, client, address = v["connect_timeout"], v["client"], v["address"]
    own_client = None
    if client is None and address is not None:
        from .parallel import connect

        own_client = connect(address, connect_timeout)  # fails fast, before any work, if no scheduler answers
    try:
        return _run(**v, own_client=own_client)
    finally:
        if own_client is not None:
            from .parallel import close_client

            close_client(own_client, cluster=False)  # a cluster at an address stays up


def _validated(given: dict[str, Any]) -> dict[str, Any]:
    """The arguments of :func:`run_agf` checked (every one, before any work), with the values the run uses."""
    g = dict(given)
    option_names = g["option_names"]
    checked = _inputs.validate_inputs(
        {
            "left": g["left"],
            "right": g["right"],
            "structure": g["structure"],
            "pair": g["pair"],
            "force_constants": g["force_constants"],
            "left_lead": g["left_lead"],
            "right_lead": g["right_lead"],
            "sides": g["sides"],
            "supercell": g["supercell"],
            "potential": g["potential"],
            "calculator": g["calculator"],
            "force_range": g["force_range"],
            "max_strain": g["max_strain"],
            "interface_fc": g["interface_fc"],
            "interface_reach": g["interface_reach"],
            "normal": g["normal"],
            "polarity": g["polarity"],
            "kpoints": g["kpoints"],
            "frequencies": g["frequencies"],
            "frequency_tolerance": g["frequency_tolerance"],
            "temperature": g["temperature"],
            "eta": g["eta"],
            "cells": g["cells"],
            "pl_cells": g["pl_cells"],
            "lateral": g["lateral"],
            "mixing_layers": g["mixing_layers"],
            "seed": g["seed"],
            "masses_amu": g["masses_amu"],
            "statistics": g["statistics"],
            "check_broadening": g["check_broadening"],
            "check_temperature": g["check_temperature"],
            "allow_unstable_leads": g["allow_unstable_leads"],
            "workers": g["workers"],
            "address": g["address"],
            "max_memory_gb": g["max_memory_gb"],
            "device": g["device"],
            "max_gpu_memory_gb": g["max_gpu_memory_gb"],
            "max_hours": g["max_hours"],
            "output": g["output"],
        },
        option_names,
    )
    check_source(checked, option_names)
    if not isinstance(g["resume"], bool):
        raise InputError(f"{option_names('resume')} must be true or false, got {g['resume']!r}")
    if g["workers"] is not None and (g["address"] is not None or g["client"] is not None):
        raise InputError(f"give {option_names('workers')} or {option_names('address')}, not both")
    out_path = None
    if g["output"] is not None:
        from ...io.results import check_save_path

        try:
            out_path = check_save_path(g["output"])
        except InputError as exc:
            raise InputError(f"{option_names('output')}: {exc}") from None
    return {
        **g,
        "checked": checked,
        "out_path": out_path,
        "temps": checked["temperature"],
        "kgrid": checked["kpoints"],
        "n_freq": checked["frequencies"],
        "pl_cells": checked["pl_cells"],
        "cells": checked["cells"],
        "lateral": checked["lateral"],
        "connect_timeout": check_connect_timeout(g["connect_timeout"], option_names("connect_timeout")),
    }


def check_source(checked: dict[str, Any], option_names: Callable[[str], str]) -> None:
    """Either two crystals or a structure file with one source of force constants; not both.

    The crystals are built-in (chemical symbols, with ``potential``) or, with ``calculator``, any crystals
    (:func:`_crystal_plan`); a structure file takes pair lines, a force-constant file or a calculator.
    """
    name = option_names
    builtin = checked["left"] is not None or checked["right"] is not None
    user = checked["structure"] is not None
    calculator = checked.get("calculator")
    if calculator is not None:
        from ...atomistic.calculators import calculator_name

        calculator_name(calculator)  # the syntax, nothing imported
        if checked["potential"] != _D.potential:
            raise InputError(f"give {name('potential')} or {name('calculator')}, not both")
    else:
        for key in ("force_range", "max_strain", "interface_fc", "interface_reach", "polarity"):
            default = getattr(_D, key)
            if checked.get(key) is not None and checked.get(key) != default:
                raise InputError(f"{name(key)} goes with {name('calculator')}")
    if builtin and user:
        raise InputError(f"give the two crystals or {name('structure')}, not both")
    if user and checked.get("interface_fc") == "local":
        raise InputError(
            f"{name('interface_fc')} local goes with two crystals: a structure file's atoms may be relaxed away from "
            "the bulk lattice, so every row is displaced"
        )
    if user and checked.get("polarity", _D.polarity) != _D.polarity:
        raise InputError(f"{name('polarity')} goes with two crystals: a structure file's atoms are stacked already")
    if checked.get("interface_reach") is not None and (user or checked.get("interface_fc") == "all"):
        raise InputError(f"{name('interface_reach')} goes with {name('interface_fc')} local (two crystals)")
    given = checked.get("interface_reach")
    if given is not None and calculator is not None:
        from ...atomistic.calculator_forces import DEFAULT_FORCE_RANGE_ANGSTROM

        least = DEFAULT_FORCE_RANGE_ANGSTROM if checked.get("force_range") is None else float(checked["force_range"])
        if given < least:
            raise InputError(
                f"{name('interface_reach')} must be at least the force range ({least:.3g} A): rows within the force "
                f"range of the other crystal are never bulk rows; got {given:g}"
            )
    if not user:
        if checked["left"] is None or checked["right"] is None:
            raise InputError(f"give the two crystals (left and right) or {name('structure')} with {name('pair')}")
        extra = [
            k for k in ("pair", "force_constants", "supercell", "left_lead", "right_lead") if checked[k] is not None
        ]
        if extra:
            raise InputError(f"{name(extra[0])} goes with {name('structure')}; the built-in crystals use --potential")
        if calculator is not None and checked["masses_amu"] is not None:
            raise InputError(
                f"{name('masses_amu')} goes with the built-in crystals; with {name('calculator')} each crystal's "
                "atoms keep their own masses"
            )
        return
    sources = [k for k in ("pair", "force_constants", "calculator") if checked.get(k) is not None]
    if len(sources) != 1:
        raise InputError(
            f"{name('structure')} needs exactly one of {name('pair')} (LAMMPS pair lines), "
            f"{name('force_constants')} (a phonopy force-constant file) and {name('calculator')} (a universal "
            "potential or module:factory)"
        )
    builder = {"normal": _D.normal, "cells": _D.cells, "lateral": _D.lateral, "mixing_layers": _D.mixing_layers,
               "seed": _D.seed, "masses_amu": _D.masses_amu, "max_strain": _D.max_strain}  # fmt: skip
    changed = [k for k, default in builder.items() if checked.get(k) != (_inputs.check_value(k, default) if default
               is not None else None)]  # fmt: skip
    if changed:
        raise InputError(
            f"{name(changed[0])} describes a built-in structure; with {name('structure')} the file gives the atoms"
        )
    if checked["supercell"] is not None and checked["force_constants"] is None:
        raise InputError(f"{name('supercell')} goes with {name('force_constants')}")
    for lead in ("left_lead", "right_lead"):
        if checked[lead] is not None and checked["force_constants"] is None:
            raise InputError(
                f"{name(lead)} goes with {name('force_constants')}: with {name('pair')} or {name('calculator')} the "
                "leads are periodic copies of the structure's end cells, computed with the same forces"
            )


@dataclasses.dataclass
class _Plan:
    """What a run knows before its model is built, and how to build it.

    ``sizes`` and ``build_bytes`` set the memory estimate that is checked before the build (:func:`_run`): exact
    sizes for a built-in interface (its primitive cell's model, folded onto the supercell), a lower bound for a
    user's structure and for two crystals through a calculator.  ``calculator_bytes``: a calculator's libraries and
    model, resident from the force constants on (:attr:`.inputs.MemoryEstimate.calculator`).  ``build()`` returns
    the model, its settings record and notes.  ``described``: the structure in words, added to a refusal of its
    memory (two crystals' common cell, which the user did not choose, can be large).
    """

    sizes: _inputs.ModelSizes
    build_bytes: float
    build: Callable[[], tuple[LayeredModel, dict[str, Any], list[str]]]
    exact: bool
    folds: Any = None
    calculator_bytes: float = 0.0
    described: str = ""


def _builtin_plan(v: dict[str, Any]) -> _Plan:
    """The plan of the built-in interface left/right: its structure, and its primitive cell's model (seconds), which
    gives the sizes of the lateral supercell's model before its force constants are computed (minutes at 6x6)."""
    left, right, potential, normal = v["left"], v["right"], v["potential"], v["normal"]
    lateral, cells, pl_cells, mixing_layers, seed = (
        v["lateral"],
        v["cells"],
        v["pl_cells"],
        v["mixing_layers"],
        v["seed"],
    )
    checked, option_names = v["checked"], v["option_names"]
    masses = checked["masses_amu"]

    from ...atomistic.structures import build_interface
    from .forceconstants import force_constant_method, hessian_range, required_repeat
    from .partition import interface_model, padded_slab, principal_layer_cells

    pot, material, notes = _resolve_materials(left, right, potential)
    mass_pair = (None, None) if masses is None else masses
    if masses is not None:
        notes.append(
            f"atomic masses set by hand: {masses[0]:g} amu on the left ({left}), "
            f"{masses[1]:g} amu on the right ({right})"
        )
    if seed is not None and not mixing_layers:
        notes.append(
            f"{option_names('seed')} {seed} is not used: without intermixing ({option_names('mixing_layers')} 0) "
            "nothing is random, and no seed is recorded"
        )
    common = {
        "lattice_constants_angstrom": material["lattice_constants"],
        "mass_only": material["mass_only"],
        "masses_amu": mass_pair,
    }
    probe = build_interface(left, right, normal, cells=(1, 1), lateral=lateral, **common)
    force_range = hessian_range(pot, probe.atoms)
    pl = principal_layer_cells(probe, force_range) if pl_cells is None else pl_cells
    if cells is None:
        cells = (3 * pl[0], 3 * pl[1])  # lead layer + two principal layers of device on each side
    structure = build_interface(
        left, right, normal, cells=tuple(cells), lateral=lateral, mixing_layers=mixing_layers, seed=seed, **common
    )
    # the primitive lateral cell's model: the whole model when lateral is 1x1, else the leads the supercell's are
    # folded onto (agf.folding) and, scaled, the supercell model's sizes
    primitive = structure if tuple(lateral) == (1, 1) else build_interface(
        left, right, normal, cells=tuple(cells), lateral=(1, 1), **common
    )  # fmt: skip
    prim_model = interface_model(primitive, pot, pl_cells=pl, force_range=force_range)
    slab, parts = padded_slab(structure, pl, force_range)
    repeat = required_repeat(np.asarray(slab.cell)[:2], force_range)
    rows = sum(len(parts[k]) for k in ("U-1", "U0", "device", "U1", "U2"))
    sizes = model_sizes(prim_model).folded_onto(tuple(lateral))
    build_bytes = _inputs.build_bytes(sizes, len(slab) * repeat[0] * repeat[1], rows, force_constant_method(pot))

    def build() -> tuple[LayeredModel, dict[str, Any], list[str]]:
        model = prim_model
        if tuple(lateral) != (1, 1):
            from .folding import fold_lead

            model = interface_model(structure, pot, pl_cells=pl, force_range=force_range)
            try:
                plan.folds = (fold_lead(model, prim_model, "left"), fold_lead(model, prim_model, "right"))
                notes.append(
                    f"leads solved as {lateral[0]}x{lateral[1]} copies of the 1x1 cell's leads (zone folding, exact; "
                    "on dask too)"
                )
            except InputError:
                plan.folds = None  # not a plain repetition (cannot happen for the built-ins): the leads as they are
        settings = {
            "left": left,
            "right": right,
            "potential": pot.name,
            "potential_reference": pot.reference,
            "normal": normal,
            "cells": list(cells),
            "principal_layer_cells": list(pl),
            "lateral": list(lateral),
            "mixing_layers": int(mixing_layers),
            "seed": structure.description["seed"] if mixing_layers else None,  # recorded only where it was used
            "masses_amu": list(structure.description["masses_amu"]),
        }
        return model, settings, notes

    plan = _Plan(sizes=sizes, build_bytes=build_bytes, build=build, exact=True)
    return plan


def _user_plan(v: dict[str, Any]) -> _Plan:
    """The plan of the user's structure file with its pair lines or force-constant file: a lower bound of the
    memory from the structure alone (its lead cells; the force constants' dense rows, at least the structure's
    atoms times one atom of each orbit of its in-plane translations, 72 bytes each), the model itself only from
    the build."""
    from ...atomistic.structure_file import read_structure
    from .user import user_interface_model

    c = v["checked"]
    interface = read_structure(c["structure"], sides=c["sides"])
    n = len(interface.atoms)
    lead_atoms = (len(interface.cell_atoms(0)), len(interface.cell_atoms(-1)))
    sizes = _inputs.structure_sizes(lead_atoms)
    notes: list[str] = []
    resident = 0.0
    if c["calculator"] is not None:
        from .calculator_route import force_constant_memory, gpu_note, memory_note

        fc_source, reach = _calculator_forces(v)
        need = force_constant_memory(interface, fc_source, v["pl_cells"], reach)
        build_bytes = _inputs.build_bytes(
            sizes, need.supercell_atoms, need.row_atoms, "finite-difference", need.displaced + need.work
        )
        resident = need.resident
        notes += memory_note(need, fc_source.name) + [need.cost_line(fc_source.name)]
        notes += gpu_note(need, f"the force constants of {c['structure']}")
    else:
        from ...atomistic.translations import row_orbits

        fc_source = None
        # finite differences hold the dense rows of one atom of each orbit of the structure's in-plane translations
        rows = int(row_orbits(interface.atoms, np.arange(n)).displaced.size)
        build_bytes = _inputs.build_bytes(sizes, n, rows, "lammps" if c["pair"] is not None else "finite-difference")

    def build() -> tuple[LayeredModel, dict[str, Any], list[str]]:
        if fc_source is not None and need.seconds is not None:  # without a measured cost: in the notes only
            from ...atomistic.force_cost import say

            say(notes[-1])  # the force constants' cost, before their first force call
        model, settings, built_notes = user_interface_model(
            c["structure"],
            sides=c["sides"],
            pair=c["pair"],
            force_constants=c["force_constants"],
            leads=(c["left_lead"], c["right_lead"]),
            supercell=c["supercell"],
            pl_cells=v["pl_cells"],
            calculator=fc_source,
        )
        return model, settings, built_notes + notes

    return _Plan(sizes=sizes, build_bytes=build_bytes, build=build, exact=False, calculator_bytes=resident)


def _calculator_forces(v: dict[str, Any]) -> tuple[Any, float]:
    """The run's calculator as a source of force constants (its model is loaded on first use) and their range, A."""
    from ...atomistic.calculator_forces import DEFAULT_FORCE_RANGE_ANGSTROM, CalculatorForceConstants
    from ...atomistic.calculators import calculator_source

    c = v["checked"]
    reach = DEFAULT_FORCE_RANGE_ANGSTROM if c["force_range"] is None else float(c["force_range"])
    source = calculator_source(c["calculator"])
    fc = CalculatorForceConstants(source, force_range=reach, progress=v["stage_progress"], runner=v.get("force_runner"))
    return fc, reach


def _crystal_plan(v: dict[str, Any]) -> _Plan:
    """The plan of two crystals through a calculator: each crystal relaxed with it (its model loaded: seconds) and
    the two stacked, which fixes the structure; the memory from it (the lead cells, a lower bound of the model, and
    exactly the force constants' dense rows, displaced structures and the calculator's memory), the force constants
    and the model only from the build."""
    from ...atomistic.calculator_forces import DISPLACEMENT_ANGSTROM
    from .calculator_route import (
        calculator_notes,
        calculator_record,
        crystal_interface,
        force_constant_memory,
        gpu_note,
        memory_note,
    )
    from .local_fc import interface_reach, local_interface_model
    from .partition import interface_model

    checked = v["checked"]
    fc_source, reach = _calculator_forces(v)
    source = fc_source.source
    crystals = crystal_interface(
        v["left"],
        v["right"],
        source,
        reach=reach,
        normal=v["normal"],
        polarity=checked["polarity"],
        polarity_option=v["option_names"]("polarity"),
        max_strain=checked["max_strain"],
        cells=v["cells"],
        pl_cells=v["pl_cells"],
        lateral=v["lateral"],
        mixing_layers=v["mixing_layers"],
        seed=v["seed"],
        progress=v["stage_progress"],
    )
    structure, pl = crystals.structure, crystals.pl_cells
    lead_atoms = (len(structure.cell_atoms(0)) * pl[0], len(structure.cell_atoms(-1)) * pl[1])
    sizes = _inputs.structure_sizes(lead_atoms)
    local = checked.get("interface_fc") in (None, "local")
    rows_reach = interface_reach(source.name, reach, checked.get("interface_reach")) if local else None
    need = force_constant_memory(structure, fc_source, pl, reach, interface_reach=rows_reach)
    build_bytes = _inputs.build_bytes(
        sizes, need.supercell_atoms, need.row_atoms, "finite-difference", need.displaced + need.work
    )
    cost = need.cost_line(fc_source.name)
    notes = [*crystals.notes, *memory_note(need, fc_source.name), cost]
    notes += gpu_note(need, f"the force constants of {v['left']} | {v['right']}")

    def build() -> tuple[LayeredModel, dict[str, Any], list[str]]:
        from ...atomistic.force_cost import say

        if need.seconds is not None:  # without a measured cost: in the notes only
            say(cost)  # before the force constants' first force call
        if local:
            model = local_interface_model(
                structure, fc_source, pl_cells=pl, force_range=reach, reach=checked.get("interface_reach"),
                displacement_angstrom=DISPLACEMENT_ANGSTROM,
            )  # fmt: skip
        else:
            model = interface_model(
                structure, fc_source, pl_cells=pl, force_range=reach, displacement_angstrom=DISPLACEMENT_ANGSTROM
            )
        d = structure.description
        settings = {
            "left": v["left"],
            "right": v["right"],
            "calculator": calculator_record(source),
            "force_range_A": reach,
            "displacement_A": DISPLACEMENT_ANGSTROM,
            "crystals": list(crystals.sides),
            "normal": v["normal"],
            "polarity": dict(structure.description["polarity"]),
            "cells": list(crystals.cells),
            "principal_layer_cells": list(pl),
            "lateral": list(crystals.lateral),
            "mixing_layers": int(v["mixing_layers"]),
            "seed": d["seed"] if v["mixing_layers"] else None,
            "max_strain": checked["max_strain"],
            "interface_fc": "local" if local else "all",
            "interface_reach_A": rows_reach,
        }
        return model, settings, notes + calculator_notes(model, reach, source.name)

    widths = np.linalg.norm(np.asarray(structure.atoms.cell)[:2], axis=1)
    label = v["option_names"]
    described = (
        f"the interface is {len(structure.atoms)} atoms in a {widths[0]:.3g} x {widths[1]:.3g} A lateral cell "
        f"({_inputs.named(label('lateral'), f'{crystals.lateral[0]}x{crystals.lateral[1]}')} of the smallest common "
        f"cell within {_inputs.named(label('max_strain'), format(checked['max_strain'], 'g'))})"
    )
    return _Plan(sizes=sizes, build_bytes=build_bytes, build=build, exact=False, calculator_bytes=need.resident,
                 described=described)  # fmt: skip


def band_top(model: LayeredModel, side: str, folds: Any = None) -> float:
    """Highest bulk frequency (rad/s) of a lead at kappa = 0 (:func:`.solver.lead_max_frequency`).

    With folded leads (``folds``, the two :class:`.folding.LeadFold`) it is found on the primitive lead at the
    N1 N2 wavevectors that fold onto kappa = 0: the same eigenvalues (the supercell lead is unitarily the
    primitive leads side by side), from N1 N2 matrices of the primitive size instead of one N1 N2 times larger
    (at 6x6: 36 of 48 DOF instead of one of 1728, each at 24 k_z).
    """
    if folds is None:
        return lead_max_frequency(model, side, [(0.0, 0.0)])
    fold = folds[0 if side == "left" else 1]
    return lead_max_frequency(fold.primitive, side, fold.qpoints((0.0, 0.0)))


def lead_checks(model: LayeredModel, kgrid: tuple[int, int], folds: Any = None) -> tuple[LeadStability, ...]:
    """Both leads' stability (:func:`.stability.lead_stability`) on the run's k grid (:func:`.stability.check_points`),
    folded leads on their primitive cell."""
    points = check_points(kgrid, lateral=model.lateral_cell is not None)
    return tuple(
        lead_stability(model, side, points, None if folds is None else folds[k])
        for k, side in enumerate(("left", "right"))
    )


def _unstable_leads(
    model: LayeredModel, stability: tuple[LeadStability, ...], allow: bool, option_names: Callable[[str], str]
) -> list[str]:
    """The warnings of the unstable leads where ``allow``; otherwise a refusal naming their imaginary frequencies,
    as a dynamically unstable crystal is refused (:func:`kapitza.phonons.from_structure.crystal_phonons`)."""
    unstable = [unstable_note(found, lead_label(model, found.side)) for found in stability if not found.stable]
    if unstable and not allow:
        flag = option_names("allow_unstable_leads")
        flag += "True" if flag.endswith("=") else ""
        raise InputError(f"refused: {'; '.join(unstable)}; {flag} computes it anyway")
    return unstable


def lead_label(model: LayeredModel, side: str) -> str:
    """The species of a lead unit, e.g. "Si" or "Ga, N"."""
    dofs = model.block_range(1 if side == "left" else len(model.bounds) - 3)
    atoms = np.unique(np.asarray(model.atom_of_dof)[dofs])
    names = sorted({str(model.labels[a]) for a in atoms}) if model.labels else []
    return ", ".join(names) or side


#: The settings of :func:`_planned`'s memory that :func:`.inputs.run_memory` takes.
_MEMORY_KEYS = ("workers", "dask", "calculator", "torch_here", "torch_workers")


def _planned(v: dict[str, Any], dev: _DevicePlan | None = None) -> tuple[_Plan, int, dict[str, Any]]:
    """The plan of a run, the frequencies per task that fit its memory bound, and the memory settings.

    The memory of the whole run (this process, the model build, the sweeps, local dask workers; torch's libraries
    where ``dev`` runs the kernels on it) is checked here, before the model is built: fewer frequencies per task
    where the default do not fit, refused if one does not.
    """
    checked = v["checked"]
    dask = v["client"] is not None or v.get("own_client") is not None or v["address"] is not None
    memory = {
        "check_broadening": v["check_broadening"],
        "max_memory_gb": checked["max_memory_gb"],
        "label": v["option_names"],
        "workers": None if dask else v["workers"],
        "dask": dask,
        "torch_here": dev is not None and dev.backend.name == "torch",
        "torch_workers": dev is not None and dev.remote not in (None, "cpu"),
    }
    if checked["structure"] is not None:
        plan = _user_plan(v)
    elif checked["calculator"] is not None:
        plan = _crystal_plan(v)
    else:
        plan = _builtin_plan(v)
    memory["calculator"] = plan.calculator_bytes
    try:
        chunk = _inputs.fit_chunk(plan.sizes, v["kgrid"], v["n_freq"], DEFAULT_CHUNK, build=plan.build_bytes, **memory)
    except InputError as refused:
        if not plan.described:
            raise
        raise type(refused)(f"{refused}; {plan.described}") from None  # a memory bound's refusal stays one
    return plan, chunk, memory


@dataclasses.dataclass
class _Resumed:
    """The units a run's sweeps found on disk, and the devices that computed them (their checkpoints' records)."""

    units: int = 0
    devices: set[str] = field(default_factory=set)

    def add(self, r: TransmissionResult) -> TransmissionResult:
        """Count what the sweep ``r`` found (its metadata); returns ``r``."""
        self.units += int(r.metadata.get("resumed", 0))
        self.devices.update(r.metadata.get("resumed_from", ()))
        return r


@dataclasses.dataclass
class _DevicePlan:
    """Where a run's kernels go, settled before any work (:func:`_select_device`), and its GPU batch once the
    model's sizes are known (:func:`_fit_device`).

    ``backend``: this process's (the sweeps in process; the leads' channel counts always).  ``remote``: the
    tasks' ``--device`` on dask (None in process).  ``gpus``: a local cluster's GPUs, one worker each.
    ``free``: the least free bytes of the GPU(s) the sweeps use (None on the CPU).  ``cluster``: the
    :class:`.parallel.WorkerDevices` of a cluster given by address or client.
    """

    requested: str
    backend: Any
    remote: str | None = None
    gpus: list[str] | None = None
    free: int | None = None
    where: str = ""
    cluster: Any = None
    notes: list[str] = field(default_factory=list)
    batch: int | None = None

    @property
    def probe_backend(self) -> Any:
        """Where the chunk timed for the time estimate runs: the sweeps' backend in process, numpy for dask."""
        return self.backend if self.remote is None else NUMPY

    @property
    def count_batch(self) -> int | None:
        """Frequencies per call of the leads' channel counts in this process (None: one chunk per call)."""
        return self.batch if self.backend.is_gpu else None

    def finished(
        self, estimate: Any, sizes: Any, limit_gb: float | None, resumed: _Resumed, kept: bool
    ) -> dict[str, Any]:
        """The result's record: :meth:`record`, the GPU batch, the memory statement (``estimate``, the host's, with
        the GPU's share of a model of ``sizes`` beside it) and, for a run that ``kept`` a checkpoint, the units
        found on disk and the devices that computed them (``resumed``)."""
        out = self.record()
        if self.batch is not None:
            out["batch"] = int(self.batch)
        if self.free is not None:
            estimate = estimate.with_device(self.where, sizes, int(self.batch or 1), self.free, limit_gb)
        out["memory"] = estimate.statement()
        if kept:
            out.update(resumed=resumed.units, resumed_from=sorted(resumed.devices))
        return out

    def local_client(self, workers: int) -> Any:
        """A new local dask cluster for the run: ``workers`` CPU workers, or one worker per GPU of ``gpus``."""
        if self.gpus is None:
            from .parallel import local_client

            return local_client(workers)
        from ...cluster import local_gpu_client

        return local_gpu_client(self.gpus)

    @property
    def sweep_device(self) -> Any:
        """What the sweeps take as ``device``: this process's backend, or the tasks' device on dask."""
        return self.backend if self.remote is None else self.remote

    def record(self) -> dict[str, Any]:
        """The result's record of the device (:attr:`AGFResult.device`), without the memory and resume parts."""
        from ..._backend import device_record

        if self.remote is None:
            return {"requested": self.requested, **device_record(self.backend)}
        out: dict[str, Any] = {"requested": self.requested, "device": self.remote, "dask": True}
        if self.cluster is not None and self.cluster.workers:
            out["workers"] = self.cluster.labels()
        elif self.gpus:
            out["workers"] = [f"one worker per GPU, CUDA_VISIBLE_DEVICES {', '.join(self.gpus)}"]
        else:
            out["workers"] = [f"{self.remote} on every worker"]
        out["here"] = device_record(self.backend)  # the leads' channel counts, run in this process
        return out


def _here(remote: str) -> Any:
    """The backend of this process for a dask run whose tasks select ``remote``: the same where this process can
    select it (the leads' channel counts, integers, are the same on every device), numpy otherwise."""
    from ..._backend import NUMPY, select_backend
    from ...errors import MissingDependencyError

    try:
        return select_backend(remote)
    except (InputError, MissingDependencyError):
        return NUMPY


def _select_device(v: dict[str, Any]) -> _DevicePlan:
    """The device of a run, before any work: selected in this process (a GPU asked for and not there is refused
    here), or on dask by the rule of :func:`.parallel.local_devices` (``workers``) or
    :func:`.parallel.resolve_devices` (``address``, ``client``: the workers are asked)."""
    from ..._backend import device_memory, gpu_count, select_backend, torch_backend

    device, label = v["checked"]["device"], v["option_names"]
    client = v.get("own_client") or v["client"]
    if client is not None:
        from .parallel import cluster_devices

        found = cluster_devices(client, device, label)
        return _DevicePlan(device, _here(found.device), remote=found.device, free=found.free if found.gpu else None,
                           where="each dask worker's GPU", cluster=found)  # fmt: skip
    if v["workers"] is not None:
        from .parallel import local_devices

        workers = int(v["workers"])
        gpus = local_devices(device, workers, label)
        if gpus is None:
            remote = "torch-cpu" if device == "torch-cpu" else "cpu"
            notes = []
            if device == "auto" and gpu_count():
                notes.append(
                    f"{label('device')} auto: {label('workers')} {workers} with {gpu_count()} GPU(s) here ran on the "
                    f"CPU (one worker per GPU; {label('device')} gpu {label('workers')} {gpu_count()} for the GPUs)"
                )
            return _DevicePlan(device, _here(remote), remote=remote, notes=notes)
        indices = [int(device.partition(":")[2])] if device.startswith("cuda:") else list(range(len(gpus)))
        free = min(device_memory(torch_backend(f"cuda:{i}"))[0] for i in indices)  # type: ignore[index]
        where = "each local worker's GPU" if len(gpus) > 1 else f"cuda:{indices[0]}"
        return _DevicePlan(device, _here(f"cuda:{indices[0]}"), remote="gpu", gpus=gpus, free=free, where=where)
    try:
        backend = select_backend(device)
    except InputError as exc:  # "device 'gpu': no GPU ...": named as the user gave it
        raise InputError(str(exc).replace(f"device {device!r}", f"{label('device')} {device}", 1)) from None
    memory = device_memory(backend)
    return _DevicePlan(device, backend, free=None if memory is None else memory[0], where=backend.device)


def _fit_device(dev: _DevicePlan, sizes: _inputs.ModelSizes, v: dict[str, Any]) -> None:
    """Set ``dev.batch``: the frequencies of one k point per call that fit the GPU (all of a sweep's at most), or
    refuse the run if one does not (:func:`.inputs.device_batch`); nothing on the CPU."""
    if dev.free is None:
        return
    dev.batch = _inputs.device_batch(
        sizes, v["n_freq"], dev.free, v["checked"]["max_gpu_memory_gb"], where=dev.where, label=v["option_names"]
    )


def estimate_run_memory(left: str | None = None, right: str | None = None, **settings: Any) -> _inputs.MemoryEstimate:
    """The memory that ``run_agf(left, right, **settings)`` states and checks before it builds its model: the peak
    resident memory of all the run's processes together (:class:`.inputs.MemoryEstimate`; ``.total`` in bytes).

    Plans the run as :func:`run_agf` does (the structure and, for a built-in interface, the primitive cell's model:
    seconds; with a calculator and two crystals, the crystals relaxed with it) and builds nothing else; for a user's
    structure and for a calculator's two crystals the estimate is a lower bound until the model is built.
    ``max_memory_gb`` is ignored here (nothing is refused; the estimate is for the frequencies per task that fit
    it, at most the default).  Where the run's ``device`` is a GPU this process sees, the GPU's share is stated
    beside the host's (:meth:`.inputs.MemoryEstimate.statement`); nothing is refused for it here either.
    ``benchmarks/memory.py`` measures runs against it.
    """
    import inspect

    defaults = {k: p.default for k, p in inspect.signature(run_agf).parameters.items()}
    unknown = sorted(set(settings) - set(defaults))
    if unknown:
        raise InputError(f"unknown setting(s) of run_agf: {', '.join(unknown)}")
    given = {**defaults, **settings, "left": left, "right": right}
    limit = _inputs.check_value("max_memory_gb", given["max_memory_gb"], given["option_names"]("max_memory_gb"))
    v = _validated({**given, "max_memory_gb": _inputs.MAX_MEMORY_GB / 2})  # the size is not refused here
    # the device where this process can see it (a cluster at an address is not asked here)
    dev = _select_device(v) if v["address"] is None and v["client"] is None else None
    plan, _, memory = _planned(v, dev)
    try:
        chunk = _inputs.fit_chunk(
            plan.sizes,
            v["kgrid"],
            v["n_freq"],
            DEFAULT_CHUNK,
            build=plan.build_bytes,
            **{**memory, "max_memory_gb": limit},
        )
    except InputError:  # not even one frequency per task fits: the least the run needs
        chunk = 1
    kw = {k: memory[k] for k in _MEMORY_KEYS}
    estimate = _inputs.run_memory(
        v["kgrid"], v["n_freq"], v["check_broadening"], sizes=plan.sizes, chunk=chunk, build=plan.build_bytes, **kw
    )
    if dev is not None and dev.free is not None:  # the GPU beside the host
        try:
            _fit_device(dev, plan.sizes, v)
        except InputError:  # not even one frequency fits: the least the run needs
            dev.batch = 1
        estimate = estimate.with_device(
            dev.where, plan.sizes, int(dev.batch or 1), dev.free, v["checked"]["max_gpu_memory_gb"]
        )
    return estimate


def _run(**v: Any) -> tuple[AGFResult, LayeredModel]:
    """The work of :func:`run_agf` once its inputs are checked (``v``: its local variables)."""
    dev = _select_device(v)  # a GPU asked for and not there, or a mixed dask cluster: refused before any work
    runner = v["force_runner"] = _force_runner(v, dev)  # the calculator's force calls: on the run's cluster too
    try:
        return _run_with(v, dev, runner)
    finally:
        runner.close()  # a local cluster started for the force calls (and used by the sweeps) stops here


def _force_runner(v: dict[str, Any], dev: _DevicePlan) -> Any:
    """Where a calculator's force calls run: this process, or the run's dask cluster (the client given, the
    scheduler at ``address``, or the local cluster of ``workers``, started at the first force call and then used by
    the sweeps too)."""
    from ...atomistic.force_tasks import ForceRunner

    client = v.get("own_client") or v["client"]
    if client is not None:
        return ForceRunner(client, where="the run's dask cluster")
    if v["workers"] is not None and v["checked"].get("calculator") is not None:
        n = int(v["workers"])
        return ForceRunner(start=lambda: dev.local_client(n), where=f"the run's local dask cluster of {n} workers")
    return ForceRunner.here()


def _sweep_client(v: dict[str, Any], dev: _DevicePlan, runner: Any) -> tuple[Any, Any]:
    """The sweeps' dask client (None in process) and the one made here for them (closed after them): the client
    given, the scheduler's at ``address``, the local cluster the force calls started (closed by :func:`_run`), or a
    new local cluster of ``workers``."""
    client = v["own_client"] or v["client"]
    if client is not None or v["workers"] is None:
        return client, None
    if runner.started:
        return runner.client, None
    own = dev.local_client(int(v["workers"]))
    return own, own


def _run_with(v: dict[str, Any], dev: _DevicePlan, runner: Any) -> tuple[AGFResult, LayeredModel]:
    """:func:`_run` once the device and the force runner are settled."""
    checked, option_names, progress = v["checked"], v["option_names"], v["progress"]
    n_freq, kgrid, eta, temps, workers = v["n_freq"], v["kgrid"], v["eta"], v["temps"], v["workers"]
    check_broadening, check_temperature = v["check_broadening"], v["check_temperature"]
    out_path, resume = v["out_path"], v["resume"]
    statistics = checked["statistics"]
    tolerance = checked["frequency_tolerance"]
    plan, chunk, memory = _planned(v, dev)
    _fit_device(dev, plan.sizes, v)  # a slice too large for the GPU: refused before the model is built
    n_k = _inputs.irreducible_kpoints(kgrid)
    n_check = _inputs.check_kpoints(n_k).size if check_broadening else 0
    # an adaptive grid starts from its first round and grows as rounds add frequencies; a uniform one is n_freq
    first = n_freq if tolerance is None else _grid.start_frequencies(n_freq)
    if progress is not None:
        progress(0, (3 * n_k + n_check) * -(-first // chunk))  # checked: the work starts (the CLI says "started")
    model, model_settings, notes = plan.build()
    folds = plan.folds  # in process and on dask alike
    if statistics == "classical":
        notes.append("classical statistics: every transmitted mode carries k_B (as in classical MD), not Bose-Einstein")
    tops = {side: band_top(model, side, folds) for side in ("left", "right")}
    stability = lead_checks(model, kgrid, folds)
    notes.extend(_unstable_leads(model, stability, checked["allow_unstable_leads"], option_names))
    w_top = TOP_MARGIN * min(tops.values())
    omega, weights = frequency_grid(w_top, n_freq)
    # the model as built: its sizes are exact now (a user's structure had only a lower bound before)
    sizes = model_sizes(model, folds)
    chunk = min(chunk, _inputs.fit_chunk(sizes, kgrid, n_freq, DEFAULT_CHUNK, **memory))
    _fit_device(dev, sizes, v)
    notes.extend(dev.notes)
    cap_units = _inputs.work_units(kgrid, -(-n_freq // chunk), check_broadening)
    if cap_units >= PROBE_UNITS:
        t0 = time.perf_counter()
        probe = model.blocks_at((0.0, 0.0))
        if folds is not None:
            left_fold, right_fold = folds
            probe = (left_fold.blocks(probe[0], (0.0, 0.0)), probe[1], right_fold.blocks(probe[2], (0.0, 0.0)))
        solve_stack(probe, omega[:chunk], eta, backend=dev.probe_backend)
        _inputs.check_time(
            time.perf_counter() - t0,
            cap_units,
            workers or 1,
            max_hours=checked["max_hours"],
            label=option_names,
            adaptive=None if tolerance is None else (n_freq, first),
        )
    if n_freq < CONVERGED_FREQUENCIES and tolerance is None:
        notes.append(
            f"only {n_freq} frequencies: G is not converged (on Si/Ge [001] the intrinsic G(300 K) was off by "
            f"11 % with 20, 5 % with 40 and 0.7 % with 100 frequencies); use {CONVERGED_FREQUENCIES} or more "
            "for numbers to quote"
        )
    # progress in (k, chunk) units over all sweeps: those done, the current one's, and the sweeps still to come on
    # the interface frequencies known so far (an adaptive grid's total grows with its rounds, never counts the cap)
    track = {"offset": 0, "last": 0, "frequencies": 0, "leads": 2, "check": n_check}

    def later() -> int:
        return (track["leads"] * n_k + track["check"]) * -(-track["frequencies"] // chunk)

    def sub_progress(done: int, total: int) -> None:
        track["last"] = total
        if progress is not None:
            progress(track["offset"] + done, track["offset"] + total + later())

    partial = None if out_path is None or not resume else out_path.parent / f".{out_path.name}.partial"
    client, own_local = _sweep_client(v, dev, runner)
    run_opts: dict[str, Any] = {"client": client}
    on_device = {"device": dev.sweep_device, "batch": dev.batch}
    resumed = _Resumed()

    def sweep(
        target: LayeredModel, w: Any, wt: Any, broadening: float, name: str, kpoints: Any = None
    ) -> TransmissionResult:
        extra = {} if folds is None else {"folds": folds}
        if kpoints is not None:  # explicit irreducible points, each computed as it is
            extra["time_reversal"] = False
        if name.startswith("interface"):
            track["frequencies"] += len(w)  # this round's frequencies: the later sweeps' total grows with them
        else:
            track["check"] = 0
        r = transmission(
            target,
            w,
            kgrid if kpoints is None else kpoints,
            eta=broadening,
            omega_weights=wt,
            chunk=chunk,
            progress=sub_progress,
            checkpoint=None if partial is None else partial / name,
            max_gpu_memory_gb=checked["max_gpu_memory_gb"],
            **on_device,
            **run_opts,
            **extra,
        )
        track["offset"] += track["last"]
        return resumed.add(r)

    try:
        if tolerance is None:
            result = sweep(model, omega, weights, eta, "interface")
            grid_error, grid_bound = _grid.grid_errors(result, temps, statistics)
        else:
            adaptive = _grid.adaptive_transmission(
                lambda w, wt, r: sweep(model, w, wt, eta, f"interface-round{r}"), w_top, n_freq, tolerance, temps,
                statistics,
            )  # fmt: skip
            result, grid_error, grid_bound = adaptive.transmission, adaptive.error, adaptive.bound
            omega, weights = result.omega, result.omega_weights  # the broadening check sweeps the final grid
            notes.append(_grid.adaptive_note(adaptive, tolerance, n_freq, option_names))
        g = result.conductance(temps, statistics)
        ballistic, lead_omega, lead_xi = [], [], []
        for side in ("left", "right"):
            w_lead, wt_lead = frequency_grid(TOP_MARGIN * tops[side], omega.size)
            track["leads"] -= 1
            r = lead_channels(
                model,
                side,
                w_lead,
                kgrid,
                omega_weights=wt_lead,
                chunk=chunk,
                progress=sub_progress,
                checkpoint=None if partial is None else partial / f"lead-{side}",
                fold=None if folds is None else folds[0 if side == "left" else 1],
                device=dev.backend,
                batch=dev.count_batch,
            )
            resumed.add(r)
            track["offset"] += track["last"]
            ballistic.append(r.conductance(temps, statistics))
            lead_omega.append(r.omega)
            lead_xi.append(r.xi)
        check = None
        if check_broadening:
            rows = _inputs.check_kpoints(result.kpoints.shape[0])
            sample = result.restricted(rows)
            half = sweep(model, omega, weights, eta / 2, "half-eta", kpoints=sample.kpoints)
            half = dataclasses.replace(half, kweights=sample.kweights)  # the time-reversal weights of the sample
            g1 = float(sample.conductance(check_temperature, statistics)[0])
            g2 = float(half.conductance(check_temperature, statistics)[0])
            check = BroadeningCheck(
                eta=float(eta),
                temperature=float(check_temperature),
                conductance=(g1, g2),
                kpoints=sample.kpoints,
                of_kpoints=int(result.kpoints.shape[0]),
            )
            if check.relative_change > BROADENING_TOLERANCE:
                notes.append(
                    f"NOT CONVERGED IN THE BROADENING: halving {option_names('eta')} {eta:g} changed "
                    f"G({check_temperature:g} K) by {100 * check.relative_change:.2g} %; the loss is linear in eta, "
                    f"so G at {eta:g} is low by about {200 * check.relative_change:.2g} %: rerun with a smaller eta"
                )
    finally:
        if own_local is not None:
            from .parallel import close_client

            close_client(own_local)  # ours: the client and its local cluster
    grid = {"kpoints": list(kgrid), "frequencies": n_freq, "omega_max_rad_s": float(w_top), "eta": float(eta)}
    if tolerance is not None:
        grid.update({"frequency_tolerance": tolerance, "adaptive_frequencies": int(omega.size)})
    settings: dict[str, Any] = {}
    for key, value in model_settings.items():  # the grid after the normal, where records have always had it
        settings[key] = value
        if key == "normal":
            settings.update(grid)
    settings.update({**grid, **settings})
    settings.update(
        {"statistics": statistics, "temperature_K": temps.tolist(), "check_temperature_K": float(check_temperature)}
    )
    estimate = _inputs.run_memory(kgrid, n_freq, check_broadening, sizes=sizes, chunk=chunk, build=plan.build_bytes,
                                  **{k: memory[k] for k in _MEMORY_KEYS})  # fmt: skip
    device_record = dev.finished(estimate, sizes, checked["max_gpu_memory_gb"], resumed, kept=partial is not None)
    out = AGFResult(
        transmission=result,
        temperature=temps,
        conductance=g,
        ballistic=np.array(ballistic),
        broadening=check,
        lead_omega=np.array(lead_omega),
        lead_xi=np.array(lead_xi),
        model_metadata=dict(model.metadata) | {"lead_stability": {f.side: f.record() for f in stability}},
        settings=settings,
        notes=tuple(notes),
        frequency_grid_error_estimate=grid_error,
        frequency_grid_error_bound=grid_bound,
        device=device_record,
    )
    if out_path is not None:
        out.save(out_path)
        if partial is not None:
            from .checkpoint import remove

            remove(partial)
    return out, model
