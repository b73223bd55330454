r"""One call from two material names to an AGF conductance: build, partition, solve, integrate, save.

:func:`run_agf` builds the interface (:func:`kapitza.md.build_interface`),
computes the force constants, partitions leads and device, sweeps the
transmission over frequencies and transverse wavevectors, and integrates
G(T) through :mod:`kapitza.landauer`.  It returns an :class:`~.result.AGFResult`
with everything needed to reproduce it (:meth:`~.result.AGFResult.inputs`).

The steps before the sweeps live beside it: the arguments checked (:mod:`.arguments`), the model's plan by its
source of force constants (:mod:`.force_plans`: the built-in materials and potentials, a user's structure, two
crystals through a calculator), the device and the memory (:mod:`.device_plan`), the leads (:mod:`.leads`); the
result types are :mod:`.result`'s.  This module runs them in order (:func:`run_agf`, :func:`estimate_run_memory`).
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from ...cluster import CONNECT_TIMEOUT
from ...errors import InputError
from . import config as _config
from . import grid as _grid
from . import inputs as _inputs
from .arguments import check_source, validated_arguments
from .chunk import solve_stack
from .device_plan import MEMORY_KEYS, DevicePlan, Resumed, fit_device, plan_run, select_device
from .leads import band_top, lead_checks, lead_label, lead_model, unit_z, unstable_leads
from .model import LayeredModel
from .result import AGFResult, BroadeningCheck, intrinsic_conductance
from .solver import DEFAULT_CHUNK, TransmissionResult, frequency_grid, lead_channels, model_sizes, transmission

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


def run_agf(
    left: str | None = None,
    right: str | None = None,
    *,
    config: _config.AGFConfig | None = None,
    client: Any = None,
    connect_timeout: float = CONNECT_TIMEOUT,
    progress: Callable[[int, int], None] | None = None,
    stage_progress: Callable[[str, int, int], None] | None = None,
    resume: bool = True,
    option_names: Callable[[str], str] = _inputs.api_name,
    **settings: Any,
) -> tuple[AGFResult, LayeredModel]:
    """Build the interface ``left``/``right``, solve the AGF and integrate G(T).

    The settings are those of :class:`.config.AGFConfig`, the one record of an AGF run (its defaults are written
    there once): give one as ``config`` (a config file is read into one with :func:`.config.read_config`), or its
    fields by keyword (``run_agf("Si", "Ge", kpoints=8)``), or both (the keywords put into the record); ``left``
    and ``right`` given here take the place of the record's.  The parameters below are the record's fields and
    the run's own (``client``, ``connect_timeout``, ``progress``, ``stage_progress``, ``resume``,
    ``option_names``).
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
        With ``calculator`` and two crystals: "local" displaces only the rows within ``interface_reach`` of the
        interface and takes the others from each side's bulk crystal, strained as the interface holds it, placed by
        the lattice (:mod:`.local_fc`); "all" displaces every row.  Default: the one whose stated cost is lower,
        every row where the local route saves nothing (:func:`.calculator_route.interface_route`; a note says which
        and both costs).  A structure file
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
    own = {"client": client, "connect_timeout": connect_timeout, "progress": progress,
           "stage_progress": stage_progress, "resume": resume, "option_names": option_names}  # fmt: skip
    v = validated_arguments({**run_settings(config, settings, left, right), **own})
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


#: The settings of an AGF run that are not fields of :class:`.config.AGFConfig`, with their defaults.
RUN_EXTRAS: dict[str, Any] = {"client": None, "connect_timeout": CONNECT_TIMEOUT, "progress": None,
                              "stage_progress": None, "resume": True, "option_names": _inputs.api_name}  # fmt: skip


def run_settings(
    config: _config.AGFConfig | None, settings: dict[str, Any], left: Any = None, right: Any = None
) -> dict[str, Any]:
    """Every field of an AGF run's record (:class:`.config.AGFConfig` but its figures): the defaults, then
    ``config``'s, then ``settings`` (its fields by keyword), then ``left`` and ``right`` where given.  InputError for
    a keyword that is no field (nothing is checked here beyond the names: :func:`.arguments.validated_arguments`
    checks the values, naming them as the caller types them)."""
    if config is not None and not isinstance(config, _config.AGFConfig):
        raise InputError(f"config must be an AGFConfig (kapitza.transmission.agf.config), got {type(config).__name__}")
    given = (config or _D).settings()
    known = {k for k in given if k not in _config.FIGURES}
    unknown = sorted(set(settings) - known)
    if unknown:
        raise InputError(f"unknown setting(s) of run_agf: {', '.join(unknown)}")
    merged = {k: given[k] for k in known} | settings
    for name, value in (("left", left), ("right", right)):
        if value is not None:
            merged[name] = value
    return merged


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
    return stated_run(left, right, **settings).memory


@dataclasses.dataclass(frozen=True)
class RunStatement:
    """What an AGF run states before its first force call (:func:`stated_run`).

    Attributes
    ----------
    memory : MemoryEstimate
        The run's memory, all its processes together (:func:`estimate_run_memory`).
    limit : float
        The run's memory bound, bytes (``max_memory_gb``): the run is refused where ``memory.total`` exceeds it.
    force_constants : ForceConstantMemory or None
        With a calculator: its force constants' statement (force calls, atoms of the largest, stated seconds where the
        potential has a measured cost; :class:`.calculator_route.ForceConstantMemory`); None without one.
    described : str
        The structure in words (two crystals' common cell).
    """

    memory: _inputs.MemoryEstimate
    limit: float
    force_constants: Any
    described: str

    @property
    def fits(self) -> bool:
        """Whether the run's memory is within its bound (else :func:`run_agf` refuses it before the force constants)."""
        return bool(self.memory.total <= self.limit)

    @property
    def seconds(self) -> float | None:
        """The force constants' stated time, s (the sweeps' is not stated before the model is built); None where
        there is no calculator or its cost is not measured."""
        fc = self.force_constants
        return None if fc is None or fc.seconds is None else float(fc.seconds)


def stated_run(left: str | None = None, right: str | None = None, **settings: Any) -> RunStatement:
    """What ``run_agf(left, right, **settings)`` states before its first force call, without making one: its memory
    against its bound and, with a calculator, its force constants' force calls and stated time
    (:class:`RunStatement`).  Plans the run as :func:`estimate_run_memory` does (with a calculator and two crystals,
    the crystals relaxed with it: seconds, cached); nothing is refused for its size here."""
    own = {k: settings.pop(k) for k in list(settings) if k in RUN_EXTRAS}
    given = {**run_settings(None, settings), **RUN_EXTRAS, **own, "left": left, "right": right}
    limit = _inputs.check_value("max_memory_gb", given["max_memory_gb"], given["option_names"]("max_memory_gb"))
    v = validated_arguments({**given, "max_memory_gb": _inputs.MAX_MEMORY_GB / 2})  # the size is not refused here
    # the device where this process can see it (a cluster at an address is not asked here)
    dev = select_device(v) if v["address"] is None and v["client"] is None else None
    plan, _, memory = plan_run(v, dev)
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
    kw = {k: memory[k] for k in MEMORY_KEYS}
    estimate = _inputs.run_memory(
        v["kgrid"], v["n_freq"], v["check_broadening"], sizes=plan.sizes, chunk=chunk, build=plan.build_bytes, **kw
    )
    if dev is not None and dev.free is not None:  # the GPU beside the host
        try:
            fit_device(dev, plan.sizes, v)
        except InputError:  # not even one frequency fits: the least the run needs
            dev.batch = 1
        estimate = estimate.with_device(
            dev.where, plan.sizes, int(dev.batch or 1), dev.free, v["checked"]["max_gpu_memory_gb"]
        )
    return RunStatement(estimate, float(limit) * 1e9, plan.force_cost, plan.described)


def _run(**v: Any) -> tuple[AGFResult, LayeredModel]:
    """The work of :func:`run_agf` once its inputs are checked (``v``: its local variables)."""
    dev = select_device(v)  # a GPU asked for and not there, or a mixed dask cluster: refused before any work
    runner = v["force_runner"] = _force_runner(v, dev)  # the calculator's force calls: on the run's cluster too
    try:
        return _run_with(v, dev, runner)
    finally:
        runner.close()  # a local cluster started for the force calls (and used by the sweeps) stops here


def _force_runner(v: dict[str, Any], dev: DevicePlan) -> Any:
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


def _sweep_client(v: dict[str, Any], dev: DevicePlan, runner: Any) -> tuple[Any, Any]:
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


def _run_with(v: dict[str, Any], dev: DevicePlan, runner: Any) -> tuple[AGFResult, LayeredModel]:
    """:func:`_run` once the device and the force runner are settled."""
    checked, option_names, progress = v["checked"], v["option_names"], v["progress"]
    n_freq, kgrid, eta, temps, workers = v["n_freq"], v["kgrid"], v["eta"], v["temps"], v["workers"]
    check_broadening, check_temperature = v["check_broadening"], v["check_temperature"]
    out_path, resume = v["out_path"], v["resume"]
    statistics = checked["statistics"]
    tolerance = checked["frequency_tolerance"]
    plan, chunk, memory = plan_run(v, dev)
    fit_device(dev, plan.sizes, v)  # a slice too large for the GPU: refused before the model is built
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
    notes.extend(unstable_leads(model, stability, checked["allow_unstable_leads"], option_names))
    w_top = TOP_MARGIN * min(tops.values())
    omega, weights = frequency_grid(w_top, n_freq)
    # the model as built: its sizes are exact now (a user's structure had only a lower bound before)
    sizes = model_sizes(model, folds)
    chunk = min(chunk, _inputs.fit_chunk(sizes, kgrid, n_freq, DEFAULT_CHUNK, **memory))
    fit_device(dev, sizes, v)
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
    resumed = Resumed()

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
                                  **{k: memory[k] for k in MEMORY_KEYS})  # fmt: skip
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


#: The public names of this module, as before its split (issue 76 item 5): the result types, the leads and the
#: source check are importable from here too.
__all__ = [
    "BROADENING_TOLERANCE",
    "CONVERGED_FREQUENCIES",
    "DEFAULT_TEMPERATURES",
    "PROBE_UNITS",
    "TOP_MARGIN",
    "AGFResult",
    "BroadeningCheck",
    "RunStatement",
    "band_top",
    "check_source",
    "estimate_run_memory",
    "intrinsic_conductance",
    "lead_checks",
    "lead_label",
    "lead_model",
    "run_agf",
    "stated_run",
    "unit_z",
]
