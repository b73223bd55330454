"""Helpers shared by the commands: parsing values into SI, output checks, the progress bar.

Every length option goes through :func:`parse_length_option` (one value), :func:`parse_lengths` (a comma list),
:func:`parse_length_interval` (LO:HI) or :func:`parse_length_grid` (LO:HI:N or a list): a value with its unit
(``20nm``, ``2um``, ``1e-6m``, ``5A``) or a bare number in the option's default unit, which its help names
(:func:`length_help`); the form is :func:`kapitza.units.parse_length`'s and the range
:func:`kapitza._checks.length`'s.

Every command imports what it needs from here; no command borrows from another.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer
from numpy.typing import NDArray

from .. import _checks
from ..cluster import CONNECT_TIMEOUT
from ..errors import InputError
from ..io.atomic import check_writable
from ..io.paths import excerpt, read_ascii_text
from ..landauer import MAX_TEMPERATURES, as_temperatures, too_many_temperatures
from ..units import LENGTH_UNITS, parse_length, split_length


def temperature_values(spec: str) -> NDArray[np.float64]:
    """The temperatures (K) a temperature option writes, parsed and not validated (the library validates them).

    Accepted forms: ``300`` (one value), ``1,10,300`` (a list) and ``START:STOP:COUNT`` (COUNT log-spaced values
    from START to STOP inclusive).

    Raises
    ------
    InputError
        What is not of these forms: a word that is no number, a range without three parts, a COUNT that is no
        integer from 1 to :data:`kapitza.landauer.MAX_TEMPERATURES` (refused before the range is allocated), a
        log-spaced range from or to a temperature <= 0 K.
    """
    text = spec.strip()
    if ":" in text:
        parts = text.split(":")
        if len(parts) != 3:
            raise InputError(f"temperature range {spec!r} must be START:STOP:COUNT, e.g. 10:1000:50")
        start, stop = (_number(p, spec) for p in parts[:2])
        count = _count(parts[2], spec)
        if not (0 < start < math.inf and 0 < stop < math.inf):
            raise InputError(f"temperature range {spec!r} is log-spaced and needs finite START and STOP > 0 K")
        return np.geomspace(start, stop, count)
    return np.array([_number(p, spec) for p in text.split(",")])


def parse_temperatures(spec: str) -> NDArray[np.float64]:
    """A temperature option (:func:`temperature_values`) in K, validated by the library's rules
    (:func:`kapitza.landauer.as_temperatures`, :func:`kapitza._checks.check_temperature_bound`), for the commands
    whose library function takes temperatures it does not bound itself.

    Raises
    ------
    InputError
        For non-numbers, negative, NaN or infinite values, values above
        :data:`kapitza.prediction.settings.MAX_TEMPERATURE` (1e5 K) or between 0 and
        :data:`kapitza._checks.MIN_TEMPERATURE` (1e-6 K), or a malformed range.
    """
    return _bounded(as_temperatures(temperature_values(spec)))


def _bounded(t: NDArray[np.float64]) -> NDArray[np.float64]:
    from ..prediction.settings import check_temperature_bound

    check_temperature_bound(t)
    return t


def _number(text: str, spec: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise InputError(f"temperature {text.strip()!r} in {spec!r} is not a number (K)") from None


def _count(text: str, spec: str) -> int:
    try:
        count = int(text)
    except ValueError:
        raise InputError(f"COUNT in temperature range {spec!r} must be an integer, got {text!r}") from None
    if count < 1:
        raise InputError(f"COUNT in temperature range {spec!r} must be >= 1, got {count}")
    if count > MAX_TEMPERATURES:
        raise too_many_temperatures(count, f"temperature range {spec!r}:")
    return count


def parse_number(text: str, spec: str, option: str) -> float:
    """One finite number of the option value ``spec`` (InputError naming ``option`` otherwise)."""
    try:
        value = float(text)
    except ValueError:
        raise InputError(f"{option} takes numbers, got {spec!r}") from None
    if not math.isfinite(value):
        raise InputError(f"{option} values must be finite, got {spec!r}")
    return value


def parse_floats(spec: str | None, option: str) -> tuple[float, ...] | None:
    """'a,b,c' -> finite numbers (None stays None)."""
    if spec is None:
        return None
    return tuple(parse_number(p.strip(), spec, option) for p in spec.split(","))


def parse_grid(spec: str, option: str) -> NDArray[np.float64]:
    """'LO:HI:N' -> N log-spaced values from LO to HI (> 0); or 'a,b,c' -> those values."""
    if ":" in spec:
        parts = spec.split(":")
        if len(parts) != 3:
            raise InputError(f"{option} takes LO:HI:N (log-spaced) or a comma list, got {spec!r}")
        lo, hi = (parse_number(p.strip(), spec, option) for p in parts[:2])
        try:
            n = int(parts[2])
        except ValueError:
            raise InputError(f"{option}: N must be a whole number, got {spec!r}") from None
        if not (0 < lo < hi) or not (2 <= n <= 10_000):
            raise InputError(f"{option} needs 0 < LO < HI and 2 <= N <= 10000, got {spec!r}")
        return np.geomspace(lo, hi, n)
    values = np.array([parse_number(p.strip(), spec, option) for p in spec.split(",")])
    if values.size == 0 or np.any(values <= 0):
        raise InputError(f"{option} values must be > 0, got {spec!r}")
    return np.sort(values)


def parse_interval(
    spec: str | None, option: str, example: str, value: Callable[[str], float] | None = None
) -> tuple[float, float] | None:
    """'LO:HI' -> (lo, hi) with lo < hi (None stays None); ``example`` shows the form in the message.  Each part is
    read by ``value`` (default: a plain number)."""
    if spec is None:
        return None
    parts = spec.split(":")
    if len(parts) != 2:
        raise InputError(f"{option} takes LO:HI (e.g. {example}), got {spec!r}")
    lo, hi = (parse_number(p.strip(), spec, option) if value is None else value(p) for p in parts)
    if not lo < hi:
        raise InputError(f"{option} needs LO < HI, got {spec!r}")
    return lo, hi


def length_help(what: str, default_unit: str, example: str = "20nm") -> str:
    """An option's help for a length: ``what``, then how to give it, naming the unit of a bare number."""
    return f"{what}: a length with its unit (e.g. {example}, 2um, 1e-6m); a bare number is in {default_unit}."


def parse_length_option(text: str, option: str, default_unit: str, *, zero: bool = False) -> float:
    """One length option -> metres: ``20nm``, ``2um``, ``1e-6m``, ``5A`` or a bare number in ``default_unit``;
    InputError naming ``option`` for another form, a value <= 0, or one outside
    [:data:`kapitza._checks.MIN_LENGTH`, :data:`kapitza._checks.MAX_LENGTH`] (0 too with ``zero=True``)."""
    return _checks.length(parse_length(text, default_unit, option, zero=zero), option, zero=zero)


def parse_length_in(text: str, option: str, unit: str, *, zero: bool = False) -> float:
    """A length option for a library argument in ``unit`` (e.g. ``exclude_nm``): checked as
    :func:`parse_length_option`, returned in ``unit``: the number as typed when it is in ``unit`` or bare (no
    round trip through metres), else scaled by an exact ratio of powers of ten (``2.5um`` -> 2500.0 nm)."""
    parse_length_option(text, option, unit, zero=zero)
    number, given = split_length(text, unit, option)
    return number * (LENGTH_UNITS[unit] / LENGTH_UNITS[given]) if given != unit else number


def parse_lengths(spec: str, option: str, default_unit: str) -> tuple[float, ...]:
    """'10nm,50nm,0.2um' (or bare numbers in ``default_unit``) -> lengths in m, each as :func:`parse_length_option`."""
    return tuple(parse_length_option(p, option, default_unit) for p in spec.split(","))


def parse_length_interval(spec: str | None, option: str, default_unit: str, example: str) -> tuple[float, float] | None:
    """'LO:HI' of lengths (each with its unit or in ``default_unit``) -> (lo, hi) in m, lo < hi (None stays None)."""
    return parse_interval(spec, option, example, lambda part: parse_length_option(part, option, default_unit))


def parse_length_grid(spec: str, option: str, default_unit: str) -> NDArray[np.float64]:
    """'LO:HI:N' -> N log-spaced lengths from LO to HI (m); or a comma list of lengths -> those, sorted."""
    if ":" in spec:
        parts = spec.split(":")
        if len(parts) != 3:
            raise InputError(f"{option} takes LO:HI:N (log-spaced) or a comma list, got {spec!r}")
        interval = parse_length_interval(":".join(parts[:2]), option, default_unit, "1nm:1um")
        assert interval is not None
        try:
            n = int(parts[2])
        except ValueError:
            raise InputError(f"{option}: N must be a whole number, got {spec!r}") from None
        if not 2 <= n <= _checks.MAX_SWEEP:
            raise InputError(f"{option} needs 2 <= N <= {_checks.MAX_SWEEP}, got {spec!r}")
        return np.geomspace(*interval, n)
    return np.sort(np.array(parse_lengths(spec, option, default_unit)))


def parse_pairs(spec: str | None, option: str, example: str = "A=1e-15,q=1,m=1") -> dict[str, float] | None:
    """Parse ``NAME=VALUE,...`` (e.g. ``--inelastic 'A=1e-15,q=1,m=1'``) into a mapping (None stays None).

    Raises
    ------
    InputError
        For a malformed item or a value that is not a number, naming ``option``.
    """
    if spec is None:
        return None
    out: dict[str, float] = {}
    for item in spec.split(","):
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise InputError(f"{option} {spec!r} must look like {example}; got the item {item.strip()!r}")
        try:
            out[key.strip()] = float(value)
        except ValueError:
            raise InputError(f"{option}: {key.strip()} = {value.strip()!r} is not a number") from None
    return out


def parse_inelastic(spec: str | None) -> dict[str, float] | None:
    """Parse ``--inelastic 'A=1e-15,q=1,m=1'`` into a mapping (None stays None).

    The values are validated by :class:`kapitza.transmission.inelastic.InelasticParameters`.
    """
    return parse_pairs(spec, "--inelastic")


#: Largest numeric table read by :func:`read_table`, bytes (such tables are a few kB).
MAX_TABLE_BYTES = 20_000_000


def read_table(path: Path, ncols: int | tuple[int, ...], what: str) -> NDArray[np.float64]:
    """A small numeric table, shape (rows, columns): comma or white-space columns, ``#`` comments, and before the
    data one optional header line of names (its first field holds no digit).  ``ncols``: the column count, or the
    counts allowed (every row must have the first row's).  ``what`` names the file in the messages
    (e.g. ``"--baths"``, ``"G(T)"``)."""
    allowed = (ncols,) if isinstance(ncols, int) else tuple(ncols)
    where = f"{what} file {str(path)!r}"
    text_all = read_ascii_text(path, where, MAX_TABLE_BYTES, "a data table is read")
    rows: list[list[float]] = []
    header_seen = False
    for n, raw in enumerate(text_all.splitlines(), start=1):
        text = raw.split("#", 1)[0].strip()
        if not text:
            continue
        fields = text.replace(",", " ").split()
        try:
            numbers = [float(f) for f in fields]
        except ValueError:
            if not rows and not header_seen and not any(c.isdigit() for c in fields[0]):
                header_seen = True  # a header line of names
                continue
            raise InputError(f"{where} line {n}: not a number in {excerpt(path, text)}") from None
        want = len(rows[0]) if rows else None
        if (want is not None and len(numbers) != want) or len(numbers) not in allowed:
            shown = want if want is not None else " or ".join(map(str, allowed))
            raise InputError(f"{where} line {n}: expected {shown} columns, got {len(numbers)}")
        if not all(math.isfinite(v) for v in numbers):
            raise InputError(f"{where} line {n}: NaN or infinite value")
        rows.append(numbers)
    if not rows:
        raise InputError(f"{where} holds no data rows")
    return np.asarray(rows, dtype=float)


def parse_potential(spec: str | None) -> str | tuple[str, str] | None:
    """``None``, one potential name for both sides, or ``"emt,sw"`` for (side 1, side 2)."""
    if spec is None:
        return None
    parts = [p.strip() for p in spec.split(",")]
    if len(parts) == 1 and parts[0]:
        return parts[0]
    if len(parts) == 2 and all(parts):
        return parts[0], parts[1]
    raise InputError(f"--potential takes one name or two separated by a comma (side 1, side 2), got {spec!r}")


def check_output(path: Path | str, allowed: tuple[str, ...], option: str) -> Path:
    """Check an output option before any work: its suffix is one of ``allowed`` and it can be written."""
    target = Path(path)
    if target.suffix.lower() not in allowed:
        raise InputError(f"{option} file {str(target)!r} must end in one of {', '.join(allowed)}")
    return check_writable(target, option)


#: The stages of force calls (the structure routes' long work), the ones :func:`progress_lines` reports.
FORCE_STAGES = ("relaxation", "displacements", "strains", "force constants")


def progress_lines(stages: tuple[str, ...] = FORCE_STAGES, every: float = 0.1) -> Callable[[str, int, int], None]:
    """A progress(stage, done, total) callback for a log: one plain line on stderr,
    ``kapitza: STAGE: DONE/TOTAL (S s)``, at the start of each of ``stages`` and each time another ``every`` of its
    total is done (a relaxation's total is its step bound, so it may stop before its last line)."""
    import sys
    import time

    start = time.monotonic()
    last: dict[str, int] = {}

    def update(stage: str, done: int, total: int) -> None:
        if stage not in stages or total <= 0:
            return
        tick = done // max(1, math.ceil(total * every)) if done < total else -1  # -1: the end, once
        if last.get(stage) == tick:
            return
        last[stage] = tick
        sys.stderr.write(f"kapitza: {stage}: {done}/{total} ({time.monotonic() - start:.0f} s)\n")
        sys.stderr.flush()

    return update


@contextmanager
def progress_bar(enabled: bool, lines: bool = False) -> Iterator[Callable[[str, int, int], None] | None]:
    """A rich progress display on stderr, fed by the library's progress(stage, done, total) callback.  With
    ``lines``, where no terminal shows a bar (``enabled`` False, or stderr not a terminal), plain lines of the force
    stages instead (:func:`progress_lines`), so a log shows the run is alive."""
    from rich.console import Console

    if lines and not (enabled and Console(stderr=True).is_terminal):
        yield progress_lines()
        return
    if not enabled:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        tasks: dict[str, Any] = {}

        def update(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=max(total, 1))
            bar.update(tasks[stage], completed=done, total=max(total, 1))

        yield update


def load_run_config(
    path: Path,
    option: Path | None,
    from_mapping: Callable[[Any, str], Any],
    allow_outside: bool = False,
    suffix: str = ".run",
) -> tuple[Any, Path]:
    """A run's config TOML read once, validated by ``from_mapping(data, where)``, and its run directory:
    ``option`` (``--run-dir``), else ``run_dir`` in the file (relative to it, and at or below its folder unless
    ``allow_outside``: :func:`kapitza.io.paths.confined`), else the file's name with ``suffix`` (.run; .replicas for
    the folder of replicas) in the current directory (a run of a shipped example never writes into the source
    tree)."""
    from ..io import toml_file
    from ..io.paths import confined

    raw = toml_file.read_document(path, "config file", toml_file.MAX_CONFIG_BYTES)
    value = raw.pop("run_dir", None)
    config = from_mapping(raw, f"config file {str(path)!r}")
    if option is not None:  # named on the command line: the user's choice
        return config, option
    if value is None:
        return config, Path.cwd() / path.with_suffix(suffix).name
    if not isinstance(value, str) or not value:
        raise InputError(f"run_dir in {str(path)!r} must be a folder name, got {value!r}")
    return config, confined(value, path.parent, f"run_dir in {path.name}", allow_outside)


#: ``--connect-timeout``, the one option (and default, :data:`kapitza.cluster.CONNECT_TIMEOUT`) of every command
#: that takes a scheduler's address: ``kapitza agf``, ``kapitza md campaign`` and ``md run``/``md emd --replicas``
#: wait the same time for a scheduler.
ConnectTimeoutOption = Annotated[
    float,
    typer.Option(
        "--connect-timeout",
        help="Seconds to wait for the dask scheduler at --address (--scheduler); one that does not answer in time is "
        "refused (one line, exit status 2).",
        show_default=f"{CONNECT_TIMEOUT:g}",
    ),
]
DEFAULT_CONNECT_TIMEOUT = CONNECT_TIMEOUT

#: ``--workers`` and ``--scheduler`` of the structure-route commands: where a calculator's force calls run
#: (:func:`kapitza.atomistic.force_tasks.force_runner`); one text for every command that has them.
ForceWorkersOption = Annotated[
    int | None,
    typer.Option(
        "--workers",
        help="Run the calculator's force calls as tasks on a local dask cluster of this many processes (1 to this "
        "machine's cores; one thread each; each loads the potential once; their memory is checked and stated "
        "before any work).  Every structure's forces are cached either way.",
        show_default="this process",
    ),
]
ForceSchedulerOption = Annotated[
    str | None,
    typer.Option(
        "--scheduler",
        help="Send the calculator's force calls to the dask scheduler at this address (tcp://host:8786); its workers "
        "run the built-in potentials where their own KAPITZA_MLIP_DEVICE says (a GPU worker: cuda).",
    ),
]


#: What ``--calculator`` takes (one text for every command that has it).
CALCULATOR_HELP = (
    "Build each crystal from its structure with this force source: a built-in universal potential (chgnet, "
    "chgnet-r2scan, sevennet, sevennet-l3i5; weights ship in the wheels of pip install 'kapitza\\[mlip]') or "
    "module:factory for any ASE calculator (the module importable from Python's path, e.g. PYTHONPATH; the "
    "factory called with no arguments: it runs your code, as python -c would); either with +d3 (e.g. "
    "sevennet-l3i5+d3) adds Grimme's D3(BJ) dispersion correction with PBE parameters, for crystals bound in part "
    "by van der Waals forces. The crystal is relaxed "
    "(cell and positions, symmetry kept), its force "
    "constants computed by finite displacements and checked stable; results are cached."
)
#: What a side may be with ``--calculator`` (the syntax of ``kapitza interface build``).
CRYSTAL_HELP = (
    "a structure file (CIF, POSCAR, extxyz), NAME:STRUCTURE:a=..,c=.. for ASE's bulk (A; e.g. "
    "GaN:wurtzite:a=3.189,c=5.185), a database material (its structure and lattice constant; corundum Al2O3 and "
    "4H-SiC from kapitza's crystal table), a crystal of that table (3C-SiC, TiN, MgO, W, ...: measured lattice "
    "parameters with their sources), or a name ASE's bulk knows (its reference lattice constant)"
)


CRYSTAL_MEMORY_HELP = (
    "With --calculator: refuse a crystal whose force constants' stated memory is above this, GB per process (the "
    "potential and one force call on the supercell, from measured footprints), before any force is computed. "
    "Default: this machine's memory."
)


#: What ``--max-time`` takes (one text for every command that has it): the syntax of
#: :func:`kapitza._checks.duration_seconds`.
MAX_TIME_HELP = (
    "With --calculator: a bound on the time of the force calls, a number of seconds or one number with its unit "
    "(300, 300s, 5min, 1.5h). Before any force call, crystals not in the cache whose stated typical time (the "
    "rule's supercells and their relaxations) is above it are refused in one line; the search for a wider "
    "supercell starts none whose stated time is above what is left; and the force work stops where the bound runs "
    "out on the wall clock, saying what was running. Default: no bound."
)
#: kapitza predict's --max-time: its default bounds the widening search only (TimeBudget.widening).
PREDICT_MAX_TIME_HELP = MAX_TIME_HELP.replace(
    "Default: no bound.",
    "Default: a wider supercell for imaginary modes next to Gamma starts only within 5 min (the crystal's long "
    "waves stand in past it, said in a warning); nothing else is bounded or stopped.",
)


def option_words(message: str) -> str:
    """A refusal of :mod:`kapitza.phonons.from_structure` in the command line's words (``predict`` and ``phonons``
    spell its bounds as options)."""
    from ..phonons.supercell_plan import MAX_SUPERCELL_ATOMS

    for library, option in (
        ("; raise it, or give a smaller supercell (or min_width_angstrom)", "; raise it with --max-memory-gb"),
        ("max_memory_gb=", "--max-memory-gb "),
        ("max_supercell_atoms and max_memory_gb allow", f"{MAX_SUPERCELL_ATOMS} atoms and --max-memory-gb allow"),
        ("(max_memory_gb)", "(--max-memory-gb)"),
        ("max_memory_gb must", "--max-memory-gb must"),
        ("(max_time)", "(--max-time)"),
        ("max_time", "--max-time"),
    ):
        message = message.replace(library, option)
    return message


#: ``--replicas``, ``--scheduler`` and ``--workers`` of ``md run`` and ``md emd`` (kapitza.md.replicas).
ReplicasOption = Annotated[
    int | None,
    typer.Option(
        "--replicas",
        help="Run N independent replicas of the config (their own seeds, derived from its seed and recorded) in "
        "their own run directories under one folder (default: the config's name with suffix .replicas); rerun to "
        "resume. kapitza md analyze FOLDER pools them: G with the error from their spread.",
    ),
]
SchedulerOption = Annotated[
    str | None,
    typer.Option(
        "--scheduler",
        help="With --replicas: run them as tasks on the dask scheduler at this address (e.g. tcp://host:8786), side "
        "by side on its workers (default: one after another here).",
    ),
]
WorkersOption = Annotated[
    int | None,
    typer.Option(
        "--workers",
        help="With --replicas: run them on a local dask cluster of N worker processes (one replica each at a time; "
        "N x --np at most this machine's cores, their memory checked before any replica starts).",
    ),
]


#: ``--run-dir`` of ``md run`` and ``md emd``.
RunDirOption = Annotated[
    Path | None,
    typer.Option(
        "--run-dir",
        help="run directory (default: run_dir in the TOML, else the config's name with suffix .run in the "
        "current directory)",
    ),
]


def load_planned_config(
    path: Path, option: Path | None, config_class: Any, plan: Callable[[Any], Any], suffix: str = ".run"
) -> tuple[Any, Path, Any]:
    """The validated ``config_class`` config in ``path`` (its structure= and pair= found beside the file), its run
    directory (:func:`load_run_config`) and ``plan(config)``: the system's files read and checked before anything is
    announced or written."""
    from ..md.nemd import files_beside

    plans: list[Any] = []

    def from_mapping(data: Any, where: str) -> Any:
        config = config_class.from_mapping(files_beside(data, path.parent, where=where), where)
        plans.append(plan(config))
        return config

    config, folder = load_run_config(path, option, from_mapping, suffix=suffix)
    return config, folder, plans[0]


def check_replica_options(replicas: int | None, scheduler: str | None, workers: int | None) -> None:
    """--scheduler and --workers go with --replicas (a single run is one LAMMPS job)."""
    for value, option in ((scheduler, "--scheduler"), (workers, "--workers")):
        if value is not None and replicas is None:
            raise InputError(f"{option} goes with --replicas N (it runs replicas side by side)")


def run_replicas_shown(
    config: Any, parent: Path, n: int, *, progress: bool, fail: bool = True, **options: Any
) -> tuple[Any, ...]:
    """:func:`kapitza.md.replicas.run_replicas` with one progress bar per replica on stderr (``progress``), then one
    line per replica's outcome.  With ``fail``, a failed replica is a KapitzaError after the others ended (one
    line, exit status 2; :func:`replica_failures`); the finished ones are kept and a rerun resumes the rest."""
    from rich.console import Console

    from ..io.replica_layout import plain
    from ..md.replicas import run_replicas

    err = Console(stderr=True)
    if progress:
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        with Progress(
            TextColumn("{task.fields[name]}"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total}"),
            TextColumn("{task.description}"),
            TimeElapsedColumn(),
            console=err,
            transient=True,
        ) as bar:
            tasks: dict[str, Any] = {}

            def update(name: str, stage: str, done: int, total: int) -> None:
                if name not in tasks:
                    tasks[name] = bar.add_task(stage, total=max(total, 1), name=name)
                bar.update(tasks[name], description=stage, completed=done, total=max(total, 1))

            outcomes = run_replicas(config, parent, n, progress=update, **options)
    else:
        outcomes = run_replicas(config, parent, n, **options)
    for o in outcomes:
        took = f" ({o.seconds:.0f} s)" if o.seconds == o.seconds else ""
        error = f" ({plain(o.error)})" if o.error else ""  # an exception's words: plain text, never terminal control
        err.print(f"  {o.name}: {o.status}{took}{error}", highlight=False, markup=False)
    if fail:
        replica_failures(outcomes)
    return outcomes


def replica_failures(outcomes: tuple[Any, ...]) -> None:
    """A KapitzaError (one line, exit status 2) when a replica failed, naming the first; nothing otherwise."""
    from ..errors import KapitzaError
    from ..io.replica_layout import plain

    failed = [o for o in outcomes if o.status == "failed"]
    if failed:
        first = failed[0]
        raise KapitzaError(
            f"{len(failed)} of {len(outcomes)} replicas failed (first: {first.name}: {plain(first.error)}); the "
            f"{len(outcomes) - len(failed)} that finished are kept: rerun the same command to resume the others"
        )
