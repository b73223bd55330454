"""One NEMD run directory, run in-process through the LAMMPS library or as one mpirun job, resumable.

:func:`run_nemd` fills a directory with

* ``config.toml``: the run's settings (canonical form; a rerun must match it),
* ``bicrystal.data``: the structure (LAMMPS data file),
* ``in.lammps``: the whole run as one readable script (``lmp -in in.lammps``),
* ``log.lammps``: LAMMPS's log (appended across resumes),
* ``profile.chunk``: the standard ``fix ave/chunk`` file, one profile per block,
* ``baths.txt``: block, timestep, energy into the hot and the cold bath's reservoir, system energy,
* ``state.json``: the number of units (equilibration, transient, blocks) completed,
* ``restart.*``: the restart file of the last completed unit,
* with ``processes > 1`` also ``remaining.in`` (the units that ``mpirun -np N lmp -in remaining.in`` ran),
  ``units.done`` (one line per unit that job completed, written after the unit's restart) and ``mpirun.out``.

Every unit starts from the restart of the one before (see
:mod:`kapitza.md.inputs`), so rerunning the same call after an interruption
resumes at the last completed unit: the profile and bath files are cut back
to the completed blocks first (a block that was cut short leaves nothing), and
the blocks are those an uninterrupted run gives, bit for bit (the restart is
binary, the Langevin seed of a block depends on the block only, and the
commands a unit runs are the same either way).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import ClassVar

import numpy as np
from numpy.typing import NDArray

from ..errors import InputError, KapitzaError
from ..io.atomic import atomic_write_text
from ..io.paths import read_utf8_text
from ..io.replica_layout import REPLICAS_FILE
from ..io.results import result
from ..io.run_manifest import (
    BATHS_FILE,
    BATHS_HEADER,
    BOX_FILE,
    CONFIG_FILE,
    INPUT_FILE,
    MANIFEST_FILE,
    PROFILE_FILE,
    STATE_FILE,
    read_baths_file,
    read_box_file,
    read_config_text,
    write_manifest,
)
from .inputs import lammps_input, restart_name, unit_commands
from .nemd import NemdConfig
from .plan import NemdPlan, as_plan, layout_notes, run_manifest

#: the script of the remaining units that ``mpirun -np N lmp`` runs (processes > 1)
MPI_INPUT_FILE = "remaining.in"
#: one line per unit completed by the mpirun script (written after the unit's restart file)
MARKER_FILE = "units.done"
#: stdout and stderr of mpirun
MPI_OUTPUT_FILE = "mpirun.out"
#: Largest in.lammps read back (the script of a run: a few hundred lines; the atoms are in the data file).
MAX_INPUT_BYTES = 10_000_000

#: progress(stage, steps_done, steps_total); the stage text carries the speed in steps/s.
Progress = Callable[[str, int, int], None]


@result
class NemdRun:
    """What a finished NEMD run directory holds (in the run's LAMMPS units: ``lj`` or ``metal``).

    Attributes
    ----------
    run_dir : str
    n_blocks : int
    block_steps : int
    bath_energies : (n_blocks, 2) float array, energy into the hot and cold reservoirs per block (epsilon; eV)
    heat_flux : (n_blocks,) float array, flux A->B through each interface per block from the mean of the two
        baths, (E_cold - E_hot) / 2 / (n_interfaces area block_time) (epsilon/(sigma^2 tau); eV/(A^2 ps));
        with ``reverse`` (hot bath in B) the heat flows B -> A and this A->B flux is negative
    area : float, cross-section lx ly after equilibration (NPT may change it), from box.txt (sigma^2; A^2)
    block_time : float, tau; ps
    units : str, LAMMPS units of the run (lj or metal)
    steps_per_second : float, speed of the units run by this call (nan if none ran)
    resumed_from_unit : int, units already complete when this call started
    """

    run_dir: str
    n_blocks: int
    block_steps: int
    bath_energies: NDArray[np.float64]
    heat_flux: NDArray[np.float64]
    area: float
    block_time: float
    steps_per_second: float
    resumed_from_unit: int
    units: str

    _summary_fields: ClassVar[tuple[str, ...]] = ("run_dir", "n_blocks", "steps_per_second")


def _unit_steps(config: NemdConfig, unit: int) -> int:
    if unit == 0:
        return config.steps_npt + config.steps_equilibration
    if unit == 1:
        return config.steps_steady
    return config.block_steps


@contextmanager
def inside_directory(folder: Path) -> Iterator[None]:
    """LAMMPS writes relative to the process's working directory: work inside the run directory."""
    previous = os.getcwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(previous)


def _state_key(kind: str, config_text: str) -> str:
    """What a run state is signed for: its kind and the SHA-256 of its run's canonical config (a state copied from
    another run is refused)."""
    import hashlib

    return f"{kind} {hashlib.sha256(config_text.encode()).hexdigest()}"


def read_state(
    run_dir: str | os.PathLike,
    kind: str,
    config_text: str,
    problem: Callable[[dict], str | None],
    *,
    verify: bool = True,
) -> dict | None:
    """The state document of a run directory (``state.json``) if it carries the user's signature for this run
    (:func:`kapitza.io.cache.read_signed_document`) and ``problem(document)`` finds nothing wrong with its values;
    None where there is none.

    A state that does not verify (edited, copied from another run or another user's key, written by a kapitza
    before states were signed, or the cache off) is refused with one InputError line and nothing in the folder is
    changed: resuming from it would trust its count of finished units, and starting again would cut the LAMMPS
    outputs of a run that may be the only copy.  ``verify=False`` (analysis of a run made elsewhere) reads the
    document as data: its values checked, its signature not required; one that fails them reads as None."""
    from ..io import cache

    path = Path(run_dir) / STATE_FILE
    secret = cache.signing_key() if verify else None
    document, why = cache.read_signed_document(path, secret, _state_key(kind, config_text), verify=verify)
    if document is not None:
        try:
            why = problem(document)
        except (TypeError, ValueError, KeyError) as exc:
            why = f"holds values no run writes ({type(exc).__name__})"
        if why is None:
            return document
    if why is not None and verify:
        raise InputError(
            f"the run state {str(path)!r} {why}: kapitza cannot tell which units this run completed, so it does not "
            "resume it (nothing in the folder was changed); start a new run directory (md analyze still reads this "
            "one)"
        )
    return None


def write_state(run_dir: str | os.PathLike, kind: str, config_text: str, document: dict) -> None:
    """Write a run's state document (``state.json``) atomically, signed with the user's cache key for this run."""
    from ..io import cache

    cache.write_signed_document(
        Path(run_dir) / STATE_FILE, cache.signing_key(), _state_key(kind, config_text), document
    )


def whole_number(value: object, low: int, high: int) -> bool:
    """Whether a value read from a run's file is a whole number (not a bool) from ``low`` to ``high``."""
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def completed_units(run_dir: str | os.PathLike, config: NemdConfig, *, verify: bool = True) -> int:
    """Units (equilibration, transient, blocks) a run directory of ``config`` completed, by its state (0 where there
    is none): verified as :func:`read_state` says (InputError where it does not verify), or with ``verify=False``
    read as data (0 where its values are not a run's)."""

    def problem(state: dict) -> str | None:
        units, total = state.get("completed_units"), config.n_blocks + 2
        if not whole_number(units, 0, total) or state.get("n_blocks") != config.n_blocks:
            return f"counts {units!r} units of a run of {total}"
        if state.get("blocks_done") != max(units - 2, 0):
            return "counts its blocks and its units differently"
        return None

    state = read_state(run_dir, "nemd", config.to_toml(), problem, verify=verify)
    return 0 if state is None else int(state["completed_units"])


def write_run_state(run_dir: str | os.PathLike, config: NemdConfig, units: int) -> None:
    """Record that a run directory of ``config`` completed ``units`` units (signed, as :func:`completed_units`
    reads it); with spectral sampling, with the SHA-256 of the spectral setup the run wrote (a resume checks it)."""
    state: dict = {"completed_units": int(units), "blocks_done": max(int(units) - 2, 0), "n_blocks": config.n_blocks}
    if config.spectral_every:
        state["spectral_setup_sha256"] = _setup_digest(Path(run_dir))
    write_state(run_dir, "nemd", config.to_toml(), state)


def _setup_digest(run_dir: Path) -> str | None:
    """SHA-256 of the run's ``spectral/setup.npz`` (None where there is none)."""
    import hashlib

    from ..io.spectral_layout import SETUP_FILE, SPECTRAL_DIR

    path = run_dir / SPECTRAL_DIR / SETUP_FILE
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None


def truncate_profile(text: str, n_blocks: int) -> str:
    """The first ``n_blocks`` blocks of a ``fix ave/chunk`` file (its comment header kept; anything after dropped)."""
    lines = text.splitlines(keepends=True)
    out: list[str] = []
    blocks = 0
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("#"):
            if blocks == 0:
                out.append(line)
            i += 1
            continue
        if blocks == n_blocks:
            break
        fields = line.split()
        if len(fields) != 3:
            break
        n_chunks = int(fields[1])
        rows = lines[i + 1 : i + 1 + n_chunks]
        if len(rows) < n_chunks or not all(r.endswith("\n") for r in rows):
            break
        out.append(line)
        out.extend(rows)
        blocks += 1
        i += 1 + n_chunks
    return "".join(out)


def _cut_outputs(run_dir: Path, blocks_done: int) -> None:
    """Drop from the profile and bath files whatever a cut-short block left there."""
    profile = run_dir / PROFILE_FILE
    if profile.exists():
        atomic_write_text(profile, truncate_profile(profile.read_text(encoding="utf-8"), blocks_done))
    baths = run_dir / BATHS_FILE
    if baths.exists():
        rows = [ln for ln in baths.read_text(encoding="utf-8").splitlines() if ln and not ln.startswith("#")]
        keep = [ln for ln in rows if len(ln.split()) == 5 and int(ln.split()[0]) <= blocks_done]
        atomic_write_text(baths, BATHS_HEADER + "".join(ln + "\n" for ln in keep))


def read_area(path: Path | str) -> float:
    """The cross-section lx ly from ``box.txt`` (written at the end of the equilibration)."""
    lx, ly, _ = read_box_file(path)
    return lx * ly


def read_baths(path: Path | str) -> NDArray[np.float64]:
    """``baths.txt`` as an (n_blocks, 5) array: block, step, E_hot, E_cold, E_total (epsilon)
    (:func:`kapitza.io.run_manifest.read_baths_file`)."""
    return read_baths_file(path)


def read_run_config(run_dir: str | os.PathLike) -> NemdConfig:
    """The NemdConfig of a run directory (its ``config.toml``, read with the safe TOML reader); what md needs to
    rebuild the structure.  Analysis reads the manifest (``run.json``) instead."""
    from ..io import toml_file

    path = Path(run_dir) / CONFIG_FILE
    if not path.is_file():
        raise InputError(f"{str(run_dir)!r} is not a kapitza run directory (no {CONFIG_FILE})")
    data = toml_file.read_document(path, "run config", toml_file.MAX_CONFIG_BYTES)
    if "structure" in data:  # its paths are the first run's (relative to where it started): never opened from here
        raise InputError(
            f"{str(path)!r} is a user's run: its atoms and force field are read from its run.json and "
            "structure.extxyz (kapitza.md.systems.run_atoms), not from the paths its config names"
        )
    return NemdConfig.from_mapping(data, where=str(path))


def check_not_replicas(run_dir: str | os.PathLike) -> None:
    """InputError when ``run_dir`` is a folder of replicas (it holds ``replicas.json``): a single run written beside
    the replicas would hide them from ``md analyze``, which would show that run instead of their pool."""
    if os.path.lexists(Path(run_dir) / REPLICAS_FILE):
        raise InputError(
            f"{str(run_dir)!r} is a folder of replicas (it holds {REPLICAS_FILE}), not a run directory: give --run-dir "
            "another folder for a single run, or add --replicas N to run the replicas"
        )


def open_run_directory(run_dir: Path, config_text: str, populate: Callable[[Path], None]) -> bool:
    """Create the run directory of a config, or check that it holds the same one.

    Returns True when ``run_dir`` already holds this config (a resume), False when it was created: then
    ``populate(run_dir)`` has written its files and ``config.toml`` is written last, so that its presence
    means the directory is complete.  A different config, a file in the way or a missing parent is an
    InputError.
    """
    config_path = run_dir / CONFIG_FILE
    if run_dir.exists() and not run_dir.is_dir():
        raise InputError(f"run directory {str(run_dir)!r} exists and is not a folder")
    check_not_replicas(run_dir)
    if config_path.exists():
        if read_config_text(run_dir) != config_text:
            raise InputError(
                f"config changed since the run started in {str(run_dir)!r} (start a new run directory, "
                "or restore its config.toml)"
            )
        return True
    if not run_dir.parent.is_dir():
        raise InputError(f"the folder of run directory {str(run_dir)!r} does not exist")
    try:
        run_dir.mkdir(exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create run directory {str(run_dir)!r}: {exc.strerror or exc}") from None
    populate(run_dir)
    atomic_write_text(config_path, config_text)
    return False


def _prepare(plan: NemdPlan, run_dir: Path) -> int:
    """Create or check the run directory; return the number of units already completed."""
    config = plan.config

    def populate(folder: Path) -> None:
        from .systems import write_system

        structure = write_system(config, folder, plan.system)
        atomic_write_text(folder / INPUT_FILE, lammps_input(plan))
        atomic_write_text(folder / BATHS_FILE, BATHS_HEADER)
        write_manifest(folder, run_manifest(plan))
        if config.spectral_every:
            from .spectral import spectral_setup, write_setup

            write_setup(folder, spectral_setup(plan, structure))
        write_run_state(folder, config, 0)

    if open_run_directory(run_dir, config.to_toml(), populate):
        if not (run_dir / MANIFEST_FILE).exists():  # a run directory made before run.json: add it
            write_manifest(run_dir, run_manifest(plan))
        return completed_units(run_dir, config)
    return 0


def _check_same_input(plan: NemdPlan, run_dir: Path) -> None:
    """A run that resumes with units to run must run what it started with: its ``in.lammps`` is the script this
    version writes for its config, or the resume is refused (blocks of two protocols would be averaged as one: the
    bath keywords changed in issue 52).  A finished run is left alone (nothing runs)."""
    path = run_dir / INPUT_FILE
    where = f"LAMMPS input {str(path)!r}"
    if path.is_file() and read_utf8_text(path, where, MAX_INPUT_BYTES, "an input is read back") != lammps_input(plan):
        raise InputError(
            f"{str(run_dir)!r} was started by a kapitza whose LAMMPS input differs from this version's for the same "
            "config (its in.lammps is not what this version writes): its blocks and new ones would mix two "
            "protocols; start a new run directory (md analyze still reads it)"
        )


def _check_setup(config: NemdConfig, run_dir: Path) -> None:
    """With spectral sampling, the run's ``spectral/setup.npz`` is the one it wrote: its SHA-256 is the one the
    signed state records (the setup is read back to reduce every later block; analysis reads it as data)."""
    if not config.spectral_every:
        return
    from ..io.spectral_layout import SETUP_FILE, SPECTRAL_DIR

    state = read_state(run_dir, "nemd", config.to_toml(), lambda document: None)
    if state is not None and state.get("spectral_setup_sha256") != _setup_digest(run_dir):
        raise InputError(
            f"{str(run_dir / SPECTRAL_DIR / SETUP_FILE)!r} is not the spectral setup this run wrote (its SHA-256 is "
            "not the one its signed state records): later blocks would be reduced with other atoms or couplings; "
            "start a new run directory"
        )


def _prepare_spectral(config: NemdConfig, run_dir: Path, blocks_done: int):
    """The spectral setup of a resumed or new run (None without spectral sampling).

    A dump left by an interrupted block is deleted (the block reruns and writes its own), and so are the npz
    files of blocks not marked done; every completed block must have its npz.
    """
    if not config.spectral_every:
        return None
    from .spectral import DUMP_FILE, SPECTRAL_DIR, block_file, read_setup

    folder = run_dir / SPECTRAL_DIR
    dump = folder / DUMP_FILE
    if dump.exists():
        dump.unlink()
    for block in range(blocks_done + 1, config.n_blocks + 1):
        stale = folder / block_file(block)
        if stale.exists():
            stale.unlink()
    missing = [b for b in range(1, blocks_done + 1) if not (folder / block_file(b)).exists()]
    if missing:
        raise InputError(
            f"{str(folder)!r} lacks the spectra of completed block(s) {', '.join(map(str, missing))}: "
            "start a new run directory"
        )
    return read_setup(run_dir)


def find_executables(lmp: str | os.PathLike | None = None) -> tuple[str, str]:
    """``(mpirun, lmp)``: the executables next to this Python (a venv's bin/), else on PATH.

    ``lmp`` names the LAMMPS executable explicitly (``--lmp``); InputError if either cannot be found.
    """
    here = Path(sys.executable).parent

    def locate(name: str) -> str | None:
        candidate = here / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
        return shutil.which(name)

    if lmp is not None:
        given = Path(lmp)
        found = str(given) if given.is_file() and os.access(given, os.X_OK) else shutil.which(str(lmp))
        if found is None:
            raise InputError(f"lmp= {str(lmp)!r} is not an executable file")
        lmp_path = found
    else:
        lmp_path = locate("lmp")
        if lmp_path is None:
            raise InputError(
                f"processes > 1 needs the LAMMPS executable 'lmp', not found in {str(here)!r} nor on PATH "
                "(pip install lammps[mpi], or pass lmp=/--lmp)"
            )
    mpirun = locate("mpirun")
    if mpirun is None:
        raise InputError(
            f"processes > 1 needs 'mpirun', not found in {str(here)!r} nor on PATH "
            "(pip install mpich, or use processes=1)"
        )
    return mpirun, lmp_path


def _unit_name(config: NemdConfig, unit: int) -> str:
    return "equilibration" if unit == 0 else "transient" if unit == 1 else f"block {unit - 1}"


def mpi_script(plan: NemdPlan | NemdConfig, first: int, last: int) -> str:
    """The LAMMPS script of units ``first`` .. ``last - 1`` for ``mpirun -np N lmp -in`` (run directory as cwd).

    Each unit is :func:`kapitza.md.inputs.unit_commands` of the run's plan (a config is planned here); after its
    restart file is written, a line with the number of completed units goes to ``units.done`` and the previous
    unit's restart file is removed.
    """
    plan = as_plan(plan)
    parts = [
        "# kapitza: the remaining units of this run, for mpirun -np N lmp -in remaining.in\n",
        "log log.lammps append\n",
    ]
    for unit in range(first, last):
        parts.append(unit_commands(plan, unit))
        parts.append(f'print "{unit + 1}" append {MARKER_FILE} screen no\n')
        if unit >= 1:
            parts.append(f"shell rm -f {restart_name(unit - 1)}\n")
    return "".join(parts)


def _read_markers(run_dir: Path) -> int:
    """The number of units completed according to ``units.done`` (0 if none)."""
    path = run_dir / MARKER_FILE
    if not path.exists():
        return 0
    best = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip().isdigit():
            best = max(best, int(line.strip()))
    return best


def _lammps_error(run_dir: Path, log_offset: int) -> str:
    """LAMMPS's ERROR line, from the part of log.lammps this call wrote, else from mpirun's output."""
    texts = []
    log = run_dir / "log.lammps"
    if log.exists():
        with open(log, "rb") as handle:
            handle.seek(log_offset)
            texts.append(handle.read().decode("utf-8", errors="replace"))
    out = run_dir / MPI_OUTPUT_FILE
    if out.exists():
        texts.append(out.read_text(encoding="utf-8", errors="replace"))
    for text in texts:
        for line in text.splitlines():
            if line.lstrip().startswith("ERROR"):
                return line.strip()
    tail = [ln.strip() for ln in texts[-1].splitlines() if ln.strip()] if texts else []
    return tail[-1] if tail else "no ERROR line in log.lammps"


def _run_mpi(
    plan: NemdPlan,
    run_dir: Path,
    done: int,
    last: int,
    processes: int,
    executables: tuple[str, str],
    progress: Progress | None,
    steps_done: int,
    total_steps: int,
) -> tuple[int, int, float]:
    """Run units ``done`` .. ``last - 1`` as one mpirun job; return (units completed, steps run, seconds)."""
    config = plan.config
    mpirun, lmp = executables
    atomic_write_text(run_dir / MPI_INPUT_FILE, mpi_script(plan, done, last))
    log = run_dir / "log.lammps"
    log_offset = log.stat().st_size if log.exists() else 0
    command = [mpirun, "-np", str(processes), lmp, "-in", MPI_INPUT_FILE, "-log", "none", "-screen", "none", "-nocite"]
    interrupted = threading.Event()

    def terminate(signum: int, frame: object) -> None:
        interrupted.set()
        raise KeyboardInterrupt

    in_main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, terminate) if in_main else None
    completed, steps_run, seconds = done, 0, 0.0
    t_last = time.perf_counter()
    with open(run_dir / MPI_OUTPUT_FILE, "wb") as output:
        proc = subprocess.Popen(command, cwd=run_dir, stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            while True:
                finished = proc.poll() is not None
                marked = min(_read_markers(run_dir), last)
                if marked > completed:
                    now = time.perf_counter()
                    n = sum(_unit_steps(config, u) for u in range(completed, marked))
                    write_run_state(run_dir, config, marked)
                    steps_run += n
                    seconds += now - t_last
                    rate = n / (now - t_last) if now > t_last else float("nan")
                    for unit in range(completed, marked):  # one report per unit, also when a poll sees several
                        steps_done += _unit_steps(config, unit)
                        if progress is not None:
                            name = _unit_name(config, unit)
                            progress(f"{name}/{config.n_blocks} blocks, {rate:.0f} steps/s", steps_done, total_steps)
                    completed, t_last = marked, now
                if finished:
                    break
                time.sleep(0.1)
        finally:
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGTERM)
                    proc.wait(timeout=10)
                except (ProcessLookupError, subprocess.TimeoutExpired):
                    try:
                        os.killpg(proc.pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
                    proc.wait()
                marked = min(_read_markers(run_dir), last)
                if marked > completed:
                    write_run_state(run_dir, config, marked)
            if in_main:
                signal.signal(signal.SIGTERM, previous)
    if proc.returncode != 0 or completed < last:
        error = _lammps_error(run_dir, log_offset)
        raise KapitzaError(f"LAMMPS (mpirun -np {processes}) failed in unit {completed} of {run_dir}: {error}")
    return completed, steps_run, seconds


def run_nemd(
    config: NemdConfig | NemdPlan,
    run_dir: str | os.PathLike,
    *,
    progress: Progress | None = None,
    stop_after_units: int | None = None,
    processes: int = 1,
    lmp: str | os.PathLike | None = None,
) -> NemdRun:
    """Run (or resume) the NEMD run ``config`` in ``run_dir``; return the bath energies per block.

    Parameters
    ----------
    config : NemdConfig or NemdPlan
        The run's settings, planned here (:func:`kapitza.md.plan.plan_nemd`: the files it names read and checked),
        or its plan.
    run_dir : path-like
        The run directory (created; its parent must exist).  If it holds a run
        with the same config, the run resumes after its last completed unit;
        with a different config, InputError.
    progress : callable, optional
        ``progress(stage, steps_done, steps_total)`` after each unit; ``stage`` names
        the unit and the speed in steps/s.
    stop_after_units : int, optional
        Stop once this many units (equilibration, transient, blocks) are complete
        (for tests of the resume and for splitting a run across jobs).
    processes : int
        1: in-process through the LAMMPS Python module.  N > 1: the remaining units run as one
        ``mpirun -np N lmp -in remaining.in`` job (``mpirun`` and ``lmp`` next to this Python, else on
        PATH); each unit's completion is marked in ``units.done`` and copied to ``state.json``, so a
        run killed (SIGTERM/SIGINT to this process also stops mpirun) resumes like the in-process one.
    lmp : path-like, optional
        The LAMMPS executable for ``processes > 1`` (default: ``lmp`` next to this Python).
    """
    plan = as_plan(config)
    config = plan.config
    if stop_after_units is not None and (not isinstance(stop_after_units, int) or stop_after_units < 0):
        raise InputError(f"stop_after_units= must be a non-negative integer, got {stop_after_units!r}")
    if isinstance(processes, bool) or not isinstance(processes, (int, np.integer)) or processes < 1:
        raise InputError(f"processes= must be a positive integer, got {processes!r}")
    processes = int(processes)
    if processes > 1 and config.spectral_every:
        raise InputError(
            "spectral_every= > 0 runs in-process only (processes=1): each block's dump is reduced between blocks"
        )
    layout_notes(plan)  # what md analyze will need of the profile, before anything is written
    executables = find_executables(lmp) if processes > 1 else None
    run_dir = Path(run_dir).absolute()
    done = _prepare(plan, run_dir)
    _check_setup(config, run_dir)  # before anything in the folder changes
    total_units = config.n_blocks + 2
    if done == 0:  # nothing verified done: markers of an earlier start are stale (the units run again)
        (run_dir / MARKER_FILE).unlink(missing_ok=True)
    marked = min(_read_markers(run_dir), total_units)
    if marked > done and (run_dir / restart_name(marked - 1)).exists():
        done = marked  # an mpirun job completed these units but was stopped before state.json followed
        write_run_state(run_dir, config, done)
    last = total_units if stop_after_units is None else min(stop_after_units, total_units)
    if 0 < done < last:
        _check_same_input(plan, run_dir)
    total_steps = sum(_unit_steps(config, u) for u in range(total_units))
    steps_done = sum(_unit_steps(config, u) for u in range(done))
    started_from = done
    _cut_outputs(run_dir, max(done - 2, 0))
    for unit in range(1, done):  # restart files an interrupted job left behind
        old = run_dir / restart_name(unit - 1)
        if old.exists():
            old.unlink()
    setup = _prepare_spectral(config, run_dir, max(done - 2, 0))

    steps_run, seconds = 0, 0.0
    if done < last and executables is not None:
        done, steps_run, seconds = _run_mpi(
            plan, run_dir, done, last, processes, executables, progress, steps_done, total_steps
        )
    elif done < last:
        from ..atomistic.lammps import lammps_module

        lammps = lammps_module()
        with inside_directory(run_dir):
            lmp_ = lammps.lammps(cmdargs=["-screen", "none", "-log", "none", "-nocite"])
            try:
                lmp_.command("log log.lammps append")
                for unit in range(done, last):
                    t0 = time.perf_counter()
                    try:
                        lmp_.commands_string(unit_commands(plan, unit))
                    except Exception as exc:  # LAMMPS raises a bare Exception with its ERROR line
                        raise KapitzaError(f"LAMMPS failed in unit {unit} of {run_dir}: {exc}") from None
                    if setup is not None and unit >= 2:  # the block's spectra, before the block counts as done
                        from .spectral import process_block

                        process_block(run_dir, setup, unit - 1)
                    elapsed = time.perf_counter() - t0
                    n = _unit_steps(config, unit)
                    steps_run += n
                    seconds += elapsed
                    old = restart_name(unit - 1) if unit >= 1 else None
                    write_run_state(run_dir, config, unit + 1)
                    if old is not None and (run_dir / old).exists():
                        (run_dir / old).unlink()
                    steps_done += n
                    if progress is not None:
                        rate = n / elapsed if elapsed > 0 else float("nan")
                        name = _unit_name(config, unit)
                        progress(f"{name}/{config.n_blocks} blocks, {rate:.0f} steps/s", steps_done, total_steps)
            finally:
                lmp_.close()
        done = last

    blocks_done = max(done - 2, 0)
    baths = read_baths(run_dir / BATHS_FILE)[:blocks_done] if blocks_done else np.zeros((0, 5))
    area = read_area(run_dir / BOX_FILE) if done > 0 else float("nan")
    manifest = run_manifest(plan)
    block_time = manifest.block_time
    energies = baths[:, 2:4]
    flux = manifest.block_fluxes(baths, area)
    return NemdRun(
        run_dir=str(run_dir),
        n_blocks=int(blocks_done),
        block_steps=config.block_steps,
        bath_energies=energies,
        heat_flux=flux,
        area=area,
        block_time=block_time,
        units=config.units,
        steps_per_second=steps_run / seconds if seconds > 0 else float("nan"),
        resumed_from_unit=started_from,
    )
