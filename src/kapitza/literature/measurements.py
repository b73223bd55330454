"""Load the shipped table of measured conductances and select the rows of one interface."""

from __future__ import annotations

import csv
import dataclasses
import os
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import ClassVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..errors import InputError
from ..io.paths import excerpt
from ..io.results import result
from ..materials import Material, get_material
from .names import database_name, unmapped_reason

#: The shipped CSV (inside the package).
DATA_FILE = "itr_measurements.csv"
#: Columns every file must have, in any order (extra columns are ignored).
REQUIRED_COLUMNS = (
    "id",
    "stack",
    "interlayer",
    "conductance_w_m2k",
    "temperature_k",
    "method",
    "film",
    "film_thickness_nm",
    "substrate",
    "substrate_description",
    "notes",
    "reference_id",
    "reference_title",
    "reference_authors",
    "reference_journal",
    "reference_doi",
)
#: Text columns kept as tuples of str (blank cells are "").
TEXT_COLUMNS = tuple(
    c for c in REQUIRED_COLUMNS if c not in ("interlayer", "conductance_w_m2k", "temperature_k", "film_thickness_nm")
)
#: Text columns a file may have (blank in every row where it has not): how the sample was made.
SAMPLE_COLUMNS = ("film_deposition", "surface_treatment")
#: Files larger than this are refused (the shipped one is about 0.6 MB).
MAX_BYTES = 50_000_000
#: Default half-width of the temperature window, as a fraction of each requested temperature.
DEFAULT_WINDOW = 0.1


@result
class Measurements:
    """Measured interfacial thermal conductances, one entry per measurement.

    Attributes
    ----------
    conductance : ndarray, shape (n,)
        Measured G in W m^-2 K^-1.
    temperature : ndarray, shape (n,)
        Temperature of the measurement in K.
    film_thickness : ndarray, shape (n,)
        Film thickness in m (NaN where the source gives none).
    interlayer : ndarray of bool, shape (n,)
        True where the stack has a layer between film and substrate.
    id, stack, method, film, substrate, substrate_description, notes, reference_id,
    reference_title, reference_authors, reference_journal, reference_doi : tuple of str, length n
        The compilation's own text ("" where blank); ``stack`` is the whole layer sequence
        (e.g. ``"Au/Ti/Si"``), ``reference_doi`` a bare DOI (or a URL for theses).
    film_material, substrate_material : tuple of (str or None), length n
        The kapitza database name of each side, or None where it cannot be mapped
        (:func:`unmapped` says why).
    source : str
        The file the rows were read from.
    film_deposition, surface_treatment : tuple of str, length n
        How the film was deposited and the substrate's surface treated, in the compilation's words ("" where blank,
        or where the file has no such column); :mod:`kapitza.literature.sample` maps them to families.
    """

    conductance: NDArray[np.float64]
    temperature: NDArray[np.float64]
    film_thickness: NDArray[np.float64]
    interlayer: NDArray[np.bool_]
    id: tuple[str, ...]
    stack: tuple[str, ...]
    method: tuple[str, ...]
    film: tuple[str, ...]
    substrate: tuple[str, ...]
    substrate_description: tuple[str, ...]
    notes: tuple[str, ...]
    reference_id: tuple[str, ...]
    reference_title: tuple[str, ...]
    reference_authors: tuple[str, ...]
    reference_journal: tuple[str, ...]
    reference_doi: tuple[str, ...]
    film_material: tuple[str | None, ...]
    substrate_material: tuple[str | None, ...]
    source: str
    film_deposition: tuple[str, ...] = ()
    surface_treatment: tuple[str, ...] = ()

    _summary_fields: ClassVar[tuple[str, ...]] = ("conductance", "temperature", "source")

    def __post_init__(self) -> None:
        """The sample's columns have one entry per row ("" throughout where the file had none)."""
        n = int(np.asarray(self.conductance).size)
        for name in SAMPLE_COLUMNS:
            value = tuple(getattr(self, name))
            if not value:
                value = ("",) * n
            if len(value) != n or not all(isinstance(v, str) for v in value):
                raise InputError(f"Measurements {name} must hold one text per row ({n}), got {len(value)}")
            object.__setattr__(self, name, value)

    def __len__(self) -> int:
        return int(self.conductance.size)

    def select(self, mask: ArrayLike) -> Measurements:
        """The rows where ``mask`` (bool array, shape (n,)) is True, in their order."""
        keep = np.asarray(mask, dtype=bool)
        if keep.shape != self.conductance.shape:
            raise InputError(f"mask= has shape {keep.shape}; expected ({len(self)},)")
        index = np.flatnonzero(keep)
        values = {}
        for name in (f.name for f in dataclasses.fields(self)):
            value = getattr(self, name)
            if isinstance(value, np.ndarray):
                values[name] = value[index]
            elif isinstance(value, tuple):
                values[name] = tuple(value[i] for i in index)
            else:
                values[name] = value
        return Measurements(**values)

    @property
    def references(self) -> int:
        """Number of distinct references (papers or theses) among the rows."""
        ids = {r.strip() for rid in self.reference_id for r in rid.split(",") if r.strip()}
        return len(ids)


@dataclass(frozen=True)
class UnmappedName:
    """A material name of the compilation that is not mapped onto the database.

    Attributes
    ----------
    name : str
        The name as the compilation writes it ("" for a blank cell).
    rows : int
        Number of measurements in which it is the film or the substrate.
    reason : str
        Why it is not mapped.
    """

    name: str
    rows: int
    reason: str


def _shipped_path() -> Path:
    return Path(str(resources.files("kapitza.literature") / "data" / DATA_FILE))


def _read_text(path: Path) -> str:
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise InputError(f"measurement file {path} does not exist") from None
    except OSError as exc:
        raise InputError(f"measurement file {path} cannot be read: {exc.strerror}") from None
    if not path.is_file():
        raise InputError(f"measurement file {path} is not a file")
    if size > MAX_BYTES:
        raise InputError(f"measurement file {path} is {size / 1e6:g} MB; at most {MAX_BYTES / 1e6:g} MB is read")
    data = path.read_bytes()
    if b"\x00" in data:
        raise InputError(f"measurement file {path} is binary, not a CSV text file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"measurement file {path} is not UTF-8 text (byte {exc.start})") from None


def _number(text: str, column: str, line: int, path: Path, *, allow_blank: bool = False) -> float:
    text = text.strip()
    if not text and allow_blank:
        return float("nan")
    try:
        value = float(text)
    except ValueError:
        raise InputError(f"{path} line {line}: {column} {excerpt(path, text)} is not a number") from None
    if not np.isfinite(value):
        raise InputError(f"{path} line {line}: {column} must be finite, got {excerpt(path, text)}")
    return value


def load_measurements(path: str | os.PathLike[str] | None = None) -> Measurements:
    """Read a table of measured conductances (default: the compilation shipped with kapitza).

    The file is CSV text (UTF-8): lines starting with ``#`` before the header are comments,
    then a header row naming at least :data:`REQUIRED_COLUMNS`, then one row per measurement.
    It is read as data with the ``csv`` module, never executed.

    Parameters
    ----------
    path : str, os.PathLike or None
        The CSV file; None reads the shipped ``itr_measurements.csv`` (measured values
        compiled by Aria Hosseini et al., Zenodo DOI 10.5281/zenodo.3361417, MIT licence).

    Returns
    -------
    Measurements

    Raises
    ------
    InputError
        A missing, empty, binary or non-UTF-8 file, missing columns, or a row (named by its
        line) with the wrong number of cells, a non-numeric or non-positive G, a negative
        temperature, an interlayer flag other than 0/1, or a negative film thickness.
    """
    file = _shipped_path() if path is None else Path(path)
    text = _read_text(file)
    lines = text.splitlines()
    start = 0
    while start < len(lines) and (not lines[start].strip() or lines[start].lstrip().startswith("#")):
        start += 1
    if start == len(lines):
        raise InputError(f"measurement file {file} is empty (no header row)")
    reader = csv.reader(lines[start:], strict=True)
    try:
        header = [h.strip() for h in next(reader)]
        missing = [c for c in REQUIRED_COLUMNS if c not in header]
        if missing:
            raise InputError(
                f"{file} line {start + 1}: the header lacks column(s) {', '.join(missing)} "
                f"(needed: {', '.join(REQUIRED_COLUMNS)})"
            )
        where = {c: header.index(c) for c in (*REQUIRED_COLUMNS, *SAMPLE_COLUMNS) if c in header}
        columns: dict[str, list] = {
            c: [] for c in (*REQUIRED_COLUMNS, *SAMPLE_COLUMNS, "film_material", "substrate_material")
        }
        for row in reader:
            line = start + reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                raise InputError(f"{file} line {line}: {len(row)} cells, the header has {len(header)}")
            g = _number(row[where["conductance_w_m2k"]], "conductance_w_m2k", line, file)
            if g <= 0:
                raise InputError(f"{file} line {line}: conductance_w_m2k must be > 0, got {g:g}")
            t = _number(row[where["temperature_k"]], "temperature_k", line, file)
            if t < 0:
                raise InputError(f"{file} line {line}: temperature_k must be >= 0 K, got {t:g}")
            thickness = _number(row[where["film_thickness_nm"]], "film_thickness_nm", line, file, allow_blank=True)
            if thickness < 0:
                raise InputError(f"{file} line {line}: film_thickness_nm must be >= 0, got {thickness:g}")
            flag = row[where["interlayer"]].strip()
            if flag not in ("0", "1"):
                raise InputError(f"{file} line {line}: interlayer must be 0 or 1, got {flag!r}")
            columns["conductance_w_m2k"].append(g)
            columns["temperature_k"].append(t)
            columns["film_thickness_nm"].append(thickness)
            columns["interlayer"].append(flag == "1")
            for c in TEXT_COLUMNS:
                columns[c].append(" ".join(row[where[c]].split()))
            for c in SAMPLE_COLUMNS:
                columns[c].append(" ".join(row[where[c]].split()) if c in where else "")
            columns["film_material"].append(database_name(columns["film"][-1]))
            columns["substrate_material"].append(
                database_name(columns["substrate"][-1], columns["substrate_description"][-1])
            )
    except csv.Error as exc:
        raise InputError(f"{file} line {start + reader.line_num}: not valid CSV ({exc})") from None
    if not columns["conductance_w_m2k"]:
        raise InputError(f"measurement file {file} has a header but no measurements")
    return Measurements(
        conductance=np.array(columns["conductance_w_m2k"], dtype=float),
        temperature=np.array(columns["temperature_k"], dtype=float),
        film_thickness=np.array(columns["film_thickness_nm"], dtype=float) * 1e-9,
        interlayer=np.array(columns["interlayer"], dtype=bool),
        **{c: tuple(columns[c]) for c in TEXT_COLUMNS},
        film_material=tuple(columns["film_material"]),
        substrate_material=tuple(columns["substrate_material"]),
        source=str(file),
        **{c: tuple(columns[c]) for c in SAMPLE_COLUMNS},
    )


@lru_cache(maxsize=1)
def shipped_measurements() -> Measurements:
    """The shipped compilation, read once per process (the result is frozen, so sharing it is safe)."""
    return load_measurements()


def unmapped(measurements: Measurements | None = None) -> tuple[UnmappedName, ...]:
    """The film and substrate names that cannot be mapped onto the database, most frequent first.

    Parameters
    ----------
    measurements : Measurements or None
        The table to examine (default: the shipped compilation).
    """
    data = shipped_measurements() if measurements is None else measurements
    counts: Counter[str] = Counter()
    for names, materials in ((data.film, data.film_material), (data.substrate, data.substrate_material)):
        for name, material in zip(names, materials, strict=True):
            if material is None:
                counts[name] += 1
    return tuple(UnmappedName(name, n, unmapped_reason(name)) for name, n in sorted(counts.items(), key=_order))


def _order(item: tuple[str, int]) -> tuple[int, str]:
    return (-item[1], item[0])


#: The credit line every output that shows these measurements prints.
CREDIT = (
    "Measurements: the ITR compilation of Y.-J. Wu, L. Fang and Y. Xu (npj Comput. Mater. 5, 56 (2019); Zenodo DOI "
    "10.5281/zenodo.3361417), as redistributed in OpenKapitza (MIT licence, (c) 2022 Aria Hosseini)."
)


def measurements_for(
    a: str | Material,
    b: str | Material,
    temperature: ArrayLike | None = None,
    window: float = DEFAULT_WINDOW,
    measurements: Measurements | None = None,
    *,
    interlayers: bool = False,
) -> Measurements:
    """The measurements of the interface between ``a`` and ``b``, in either order (film/substrate).

    Parameters
    ----------
    a, b : str or Material
        Material names, aliases or anything :func:`kapitza.materials.get_material` accepts
        from the database (e.g. ``"Al"``, ``"sapphire"``); a Material is taken as it is (its name).
    temperature : float, array of shape (m,) or None
        Temperatures in K; if given, only rows within ``window`` of one of them are kept.
    window : float
        Half-width of the temperature window as a fraction of each requested temperature
        (dimensionless; 0.1 keeps 270-330 K for 300 K).
    measurements : Measurements or None
        The table to search (default: the shipped compilation).
    interlayers : bool
        Also the rows whose stack has a layer between the two (e.g. Au/Ti/diamond for Au and diamond): they
        measure another interface, so they are left out unless asked for (and then labelled by ``interlayer``).

    Returns
    -------
    Measurements
        The matching rows in the table's order (possibly none).

    Raises
    ------
    InputError
        Unknown material, a negative or non-finite temperature, or a window outside [0, 1).
    """
    first = get_material(a).name
    second = get_material(b).name
    if not (isinstance(window, (int, float)) and np.isfinite(window) and 0 <= window < 1):
        raise InputError(f"window= must be a fraction in [0, 1), got {window!r}")
    data = shipped_measurements() if measurements is None else measurements
    keep = _between(data.film_material, data.substrate_material, first, second)
    if not interlayers:
        keep &= ~data.interlayer
    if temperature is not None:
        wanted = np.atleast_1d(np.asarray(temperature, dtype=float)).ravel()
        if wanted.size == 0 or not np.all(np.isfinite(wanted)) or np.any(wanted < 0):
            raise InputError("temperature= must be one or more finite temperatures >= 0 K")
        near = np.abs(data.temperature[:, None] - wanted[None, :]) <= window * wanted[None, :]
        keep &= near.any(axis=1)
    return data.select(keep)


def _between(films: Sequence[str | None], substrates: Sequence[str | None], first: str, second: str) -> NDArray:
    """Rows whose film and substrate are ``first`` and ``second``, in either order."""
    film = np.array([m or "" for m in films], dtype=object)
    substrate = np.array([m or "" for m in substrates], dtype=object)
    return ((film == first) & (substrate == second)) | ((film == second) & (substrate == first))


def measurements_named(a: str, b: str, measurements: Measurements | None = None) -> Measurements:
    """The bare-interface rows whose film and substrate the compilation names ``a`` and ``b`` (either order,
    exactly as written there: "TiN", "MgO"), whether or not the database knows them: the rows of a pair of
    crystals built from their structures, named by formula (:mod:`kapitza.literature.crystals` maps the same
    names to crystals for ``kapitza validate --calculator``)."""
    if not (isinstance(a, str) and isinstance(b, str)):
        raise InputError("measurements_named takes two names as the compilation writes them")
    data = shipped_measurements() if measurements is None else measurements
    return data.select(_between(data.film, data.substrate, a, b) & ~data.interlayer)
