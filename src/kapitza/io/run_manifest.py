"""The NEMD run directory, defined once: its file names, its manifest ``run.json`` and the readers of its data files.

:mod:`kapitza.md.run` writes a run directory and :mod:`kapitza.analysis.md.response` reads it; the two may not
import each other, so what both must agree on lives here:

* the file names (``config.toml``, ``profile.chunk``, ``baths.txt``, ``box.txt``, ``state.json``, ...);
* :class:`RunManifest`, written as ``run.json`` by ``md run`` before the first unit: the system (what the atoms
  are and how they interact), the geometry, where the baths and the profile bins sit, the sampling times and the
  heat-flux sign convention.  Analysis reads the manifest and the data files, never the TOML config;
* :func:`read_baths_file` and :func:`read_box_file`, the one reader of each data file.

Positions along z are stored as ``(fraction, offset)`` pairs: ``z = zlo + fraction * Lz + offset`` (length
unit), the rule of the LAMMPS regions in ``in.lammps``, so that they follow the box when NPT changes it.

The system description is not tied to the built-in families: ``kind`` names the builder (``lj-fcc``,
``si-ge-diamond``, or ``user`` for a structure file), ``structure`` is the structure file (None for a built-in
family, whose atoms are in ``bicrystal.data``), ``pair_lines`` the LAMMPS ``pair_style``/``pair_coeff`` lines as
run, ``species`` and ``masses`` the atom types in order.

A run directory made before run.json existed is refused with one line saying how to add it: rerun
``kapitza md run CONFIG --run-dir RUN_DIR`` (a finished run only gains its run.json; nothing is recomputed).
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..errors import InputError
from . import json_file
from .atomic import atomic_write_text
from .paths import read_ascii_text, read_utf8_text
from .results import dumps, result

#: The manifest's file name and the schema it follows.
MANIFEST_FILE = "run.json"
SCHEMA = "kapitza.nemd-run"
SCHEMA_VERSION = 1

#: The run's settings (canonical TOML; a rerun must match it) -- for md only, analysis never reads it.
CONFIG_FILE = "config.toml"
#: The structure as a LAMMPS data file.
DATA_FILE = "bicrystal.data"
#: The whole run as one LAMMPS script.
INPUT_FILE = "in.lammps"
#: LAMMPS's log, appended across resumes.
LOG_FILE = "log.lammps"
#: One temperature profile per production block (``fix ave/chunk``).
PROFILE_FILE = "profile.chunk"
#: Per block: block, step, energy into the hot and the cold bath's reservoir, system energy at its end.
BATHS_FILE = "baths.txt"
#: The box after equilibration (lx ly lz, length unit): its cross-section is the area of the flux.
BOX_FILE = "box.txt"
#: The number of units (equilibration, transient, blocks) completed.
STATE_FILE = "state.json"

BATHS_COLUMNS = ("block", "step", "E_hot", "E_cold", "E_total")
BATHS_HEADER = (
    "# block step E_hot E_cold E_total   (energy into the reservoir of each bath during the block,"
    " system energy at its end; epsilon for units lj, eV for units metal)\n"
)
#: Largest baths.txt read (one short line per block).
MAX_BATHS_BYTES = 100_000_000
#: Largest state.json read (a signed state document: :data:`kapitza.io.cache.MAX_DOCUMENT_BYTES`).
MAX_STATE_BYTES = 1_000_000
#: Largest config.toml read back (:data:`kapitza.io.toml_file.MAX_CONFIG_BYTES`, what a config may be).
MAX_CONFIG_BYTES = 1_000_000
#: Largest box.txt read (three numbers).
MAX_BOX_BYTES = 10_000
#: Largest run.json read.
MAX_MANIFEST_BYTES = 1_000_000

#: The heat-flux sign convention recorded in every manifest.
FLUX_CONVENTION = (
    "J = sign (E_cold - E_hot) / 2 / (n_interfaces area block_time) per block, the flux A -> B through each "
    "interface from the mean of both baths; sign = -1 with reverse (hot bath in B), so J < 0 when heat flows B -> A"
)

Position = tuple[float, float]


def bath_set_points(temperature: float, delta_temperature: float) -> tuple[float, float]:
    """(hot, cold) set points of the two baths: the mean temperature plus and minus half the difference."""
    return temperature + delta_temperature / 2, temperature - delta_temperature / 2


@result
class RunSystem:
    """What the atoms are and how they interact.

    Attributes
    ----------
    kind : str
        ``lj-fcc``, ``si-ge-diamond`` (the built-in families) or ``user`` (a structure file).
    species : tuple of str
        Atom types 1, 2, ... in order.
    masses : tuple of float
        Their masses (LJ mass unit, or amu for ``metal``).
    potential : str
        The potential's name (``lj/cut``, ``sw``, ``tersoff`` or the user's).
    pair_lines : tuple of str
        The LAMMPS pair_style / pair_coeff lines as run.
    structure : str or None
        The user's structure file; None for a built-in family (its atoms are in the data file).
    units : str
        LAMMPS units: ``lj`` or ``metal``.
    builder : mapping
        The parameters the built-in family was built from (cells, mass and well-depth ratios, intermixed layers
        and their seed), as the run's config gave them; empty for a user's structure.
    """

    kind: str
    species: tuple[str, ...]
    masses: tuple[float, ...]
    potential: str
    pair_lines: tuple[str, ...]
    structure: str | None
    units: str
    builder: Mapping[str, Any]

    _summary_fields: ClassVar[tuple[str, ...]] = ("kind", "potential", "units")


@result
class RunManifest:
    """One NEMD run directory's description (``run.json``), in the run's LAMMPS units.

    Attributes
    ----------
    system : RunSystem
    geometry : str
        ``periodic`` (two interfaces, the heat splits) or ``fixed`` (frozen ends, one interface).
    box : (3,) tuple
        lx, ly, lz as built, before any NPT (length unit); the flux uses box.txt's cross-section.
    cells : (4,) tuple of int
        n_x, n_y, cells_a, cells_b: conventional cells across and along z of A and of B.
    planes_per_cell : int
        (001) atomic planes per conventional cell (2 fcc, 4 diamond).
    n_planes : int
        Planes along z in the whole box; the profile has one bin per plane.
    interfaces : tuple of (fraction, offset)
        The interface planes (box edge and A|B plane periodic; A|B alone fixed).
    frozen_fraction : float
        Length fraction frozen at each end (fixed geometry; 0 periodic).
    hot_bath, cold_bath : ((fraction, offset), (fraction, offset))
        z range of each bath slab.
    bath_width : float
        Width of each slab (length unit).
    temperature, delta_temperature : float
        Mean set point and hot minus cold (temperature unit).
    timestep : float
        Time unit (tau, ps).
    block_steps, sample_every, n_blocks : int
        Steps per production block, steps between profile samples, production blocks.
    reverse : bool
        Hot bath in B: heat flows B -> A and the A->B flux is negative (see ``flux_convention``).
    n_interfaces : int
        Interfaces the heat crosses in parallel (2 periodic, 1 fixed).
    flux_convention : str
    files : mapping
        Role -> file name in the run directory (config, data, input, log, profile, baths, box, state).
    schema_version : int
    """

    system: RunSystem
    geometry: str
    box: tuple[float, float, float]
    cells: tuple[int, int, int, int]
    planes_per_cell: int
    n_planes: int
    interfaces: tuple[Position, ...]
    frozen_fraction: float
    hot_bath: tuple[Position, Position]
    cold_bath: tuple[Position, Position]
    bath_width: float
    temperature: float
    delta_temperature: float
    timestep: float
    block_steps: int
    sample_every: int
    n_blocks: int
    reverse: bool
    n_interfaces: int
    flux_convention: str
    files: Mapping[str, str]
    schema_version: int = SCHEMA_VERSION

    _summary_fields: ClassVar[tuple[str, ...]] = ("system", "geometry", "n_blocks")

    @property
    def units(self) -> str:
        return self.system.units

    @property
    def block_time(self) -> float:
        """block_steps * timestep (time unit)."""
        return self.block_steps * self.timestep

    @property
    def hot_temperature(self) -> float:
        return bath_set_points(self.temperature, self.delta_temperature)[0]

    @property
    def cold_temperature(self) -> float:
        return bath_set_points(self.temperature, self.delta_temperature)[1]

    @property
    def area(self) -> float:
        """lx ly as built (length unit squared); the run's flux uses box.txt's, after equilibration."""
        return self.box[0] * self.box[1]

    def file(self, role: str) -> str:
        """The file name of ``role`` (``profile``, ``baths``, ...)."""
        try:
            return self.files[role]
        except KeyError:
            raise InputError(f"the run manifest names no {role!r} file (it names {', '.join(self.files)})") from None

    def interface_planes(self, low: float, high: float) -> tuple[float, ...]:
        """The interface planes in a box ``low`` .. ``high``."""
        return tuple(_at(p, low, high) for p in self.interfaces)

    def bath_regions(self, low: float, high: float) -> tuple[tuple[float, float], tuple[float, float]]:
        """The hot and the cold bath slab as (start, end) in a box ``low`` .. ``high``."""
        return (
            (_at(self.hot_bath[0], low, high), _at(self.hot_bath[1], low, high)),
            (_at(self.cold_bath[0], low, high), _at(self.cold_bath[1], low, high)),
        )

    def bath_centres(self, low: float, high: float) -> tuple[float, float]:
        """Centres of the hot and the cold bath slab in a box ``low`` .. ``high``."""
        hot, cold = self.bath_regions(low, high)
        return 0.5 * (hot[0] + hot[1]), 0.5 * (cold[0] + cold[1])

    def layout_problems(self, counts: ArrayLike | None = None) -> tuple[list[str], list[str]]:
        """What ``md analyze`` would refuse, and what it (and ``md run``'s regime line) could not estimate, in this
        run's profile, judged from the layout alone (:func:`kapitza.io.profile_layout.layout_problems`): the manifest's
        bins (``n_planes`` of Lz / ``n_planes`` from zlo), interfaces and baths as analyse_run places them in the box
        as built, the frozen ends' bins left out.  ``counts``: atoms per bin, when known before the run."""
        from .profile_layout import layout_problems

        lo, hi = 0.0, float(self.box[2])
        n = int(self.n_planes)
        positions = (np.arange(n) + 0.5) * (hi - lo) / n
        planes = tuple(sorted(_wrap(p, lo, hi) for p in self.interface_planes(lo, hi)))
        hot, cold = self.bath_centres(lo, hi)
        if self.geometry == "fixed":
            frozen = self.frozen_fraction * (hi - lo)
            keep = (positions > lo + frozen) & (positions < hi - frozen)
            positions = positions[keep]
            counts = None if counts is None else np.asarray(counts)[..., keep]
            baths = (hot, cold) if not self.reverse else (cold, hot)
        else:
            hot, cold = _wrap(hot, lo, hi), _wrap(cold, lo, hi)
            baths = (hot, cold) if planes[0] < hot < planes[1] else (cold, hot)
        return layout_problems(positions, (lo, hi), planes, baths, self.bath_width, self.geometry, counts=counts)

    def block_fluxes(self, baths: NDArray[np.float64], area: float) -> NDArray[np.float64]:
        """The A->B heat flux through each interface per block (``flux_convention``), flux unit of the run.

        ``baths`` is :func:`read_baths_file`'s (n, 5) table, ``area`` box.txt's cross-section (length unit^2).
        """
        table = np.asarray(baths, dtype=float).reshape(-1, 5)
        sign = -1.0 if self.reverse else 1.0  # E_cold - E_hot is the heat hot -> cold; reverse: hot is B
        return sign * (table[:, 3] - table[:, 2]) / 2 / (self.n_interfaces * area * self.block_time)

    def to_document(self) -> dict[str, Any]:
        """The JSON document of ``run.json``."""
        s = self.system
        return {
            "schema": SCHEMA,
            "schema_version": self.schema_version,
            "system": {
                "kind": s.kind,
                "species": list(s.species),
                "masses": [float(m) for m in s.masses],
                "potential": s.potential,
                "pair_lines": list(s.pair_lines),
                "structure": s.structure,
                "units": s.units,
                "builder": dict(s.builder),
            },
            "geometry": self.geometry,
            "box": [float(x) for x in self.box],
            "cells": list(self.cells),
            "planes_per_cell": self.planes_per_cell,
            "n_planes": self.n_planes,
            "positions_rule": "z = zlo + fraction * Lz + offset for every [fraction, offset] pair",
            "interfaces": [list(p) for p in self.interfaces],
            "frozen_fraction": float(self.frozen_fraction),
            "hot_bath": [list(p) for p in self.hot_bath],
            "cold_bath": [list(p) for p in self.cold_bath],
            "bath_width": float(self.bath_width),
            "bins": "one per (001) plane: n_planes bins of Lz / n_planes",
            "temperature": float(self.temperature),
            "delta_temperature": float(self.delta_temperature),
            "timestep": float(self.timestep),
            "block_steps": self.block_steps,
            "sample_every": self.sample_every,
            "n_blocks": self.n_blocks,
            "reverse": self.reverse,
            "n_interfaces": self.n_interfaces,
            "flux_convention": self.flux_convention,
            "files": dict(self.files),
        }


def _wrap(z: float, low: float, high: float) -> float:
    """``z`` brought into [low, high) modulo the box."""
    return low + (z - low) % (high - low)


def _at(position: Position, low: float, high: float) -> float:
    fraction, offset = position
    return low + fraction * (high - low) + offset


def manifest_from_document(doc: Any, where: str = "run manifest") -> RunManifest:
    """A :class:`RunManifest` from the JSON document of ``run.json`` (strict: every key, with its type)."""
    if not isinstance(doc, dict):
        raise InputError(f"{where}: not a JSON object")
    if doc.get("schema") != SCHEMA:
        raise InputError(f"{where}: schema must be {SCHEMA!r}, got {doc.get('schema')!r}")
    version = _get(doc, "schema_version", int, where)
    if version != SCHEMA_VERSION:
        raise InputError(f"{where}: schema_version {version} is not {SCHEMA_VERSION} (this kapitza's)")
    sysdoc = _get(doc, "system", dict, where)
    w = f"{where}: system"
    kind, species = _get(sysdoc, "kind", str, w), tuple(_list(sysdoc, "species", str, w))
    masses, potential = tuple(_list(sysdoc, "masses", float, w)), _get(sysdoc, "potential", str, w)
    pair_lines = tuple(_list(sysdoc, "pair_lines", str, w))
    if "structure" not in sysdoc:
        raise InputError(f"{w}: missing key 'structure'")
    structure = sysdoc["structure"]
    if not (structure is None or isinstance(structure, str)):
        raise InputError(f"{w}: structure must be a path or null, got {structure!r}")
    if len(masses) != len(species) or not all(m > 0 for m in masses):
        raise InputError(f"{w}: one positive mass per species")
    builder = _get(sysdoc, "builder", dict, w)
    if not all(isinstance(v, int | float | str | bool) for v in builder.values()):
        raise InputError(f"{w}: builder values must be numbers, strings or booleans")
    system = RunSystem(kind, species, masses, potential, pair_lines, structure, _get(sysdoc, "units", str, w), builder)
    if system.units not in ("lj", "metal"):
        raise InputError(f"{w}: units must be lj or metal, got {system.units!r}")
    geometry = _get(doc, "geometry", str, where)
    if geometry not in ("periodic", "fixed"):
        raise InputError(f"{where}: geometry must be periodic or fixed, got {geometry!r}")
    box = _list(doc, "box", float, where, 3)
    files = _get(doc, "files", dict, where)
    if not all(isinstance(k, str) and isinstance(v, str) and v and "/" not in v for k, v in files.items()):
        raise InputError(f"{where}: files must map roles to plain file names")
    manifest = RunManifest(
        system=system,
        geometry=geometry,
        box=(box[0], box[1], box[2]),
        cells=tuple(_list(doc, "cells", int, where, 4)),  # type: ignore[arg-type]
        planes_per_cell=_get(doc, "planes_per_cell", int, where),
        n_planes=_get(doc, "n_planes", int, where),
        interfaces=_positions(doc, "interfaces", where),
        frozen_fraction=_get(doc, "frozen_fraction", float, where),
        hot_bath=_range(doc, "hot_bath", where),
        cold_bath=_range(doc, "cold_bath", where),
        bath_width=_get(doc, "bath_width", float, where),
        temperature=_get(doc, "temperature", float, where),
        delta_temperature=_get(doc, "delta_temperature", float, where),
        timestep=_get(doc, "timestep", float, where),
        block_steps=_get(doc, "block_steps", int, where),
        sample_every=_get(doc, "sample_every", int, where),
        n_blocks=_get(doc, "n_blocks", int, where),
        reverse=_get(doc, "reverse", bool, where),
        n_interfaces=_get(doc, "n_interfaces", int, where),
        flux_convention=_get(doc, "flux_convention", str, where),
        files=dict(files),
        schema_version=version,
    )
    _check(manifest, where)
    return manifest


def _check(m: RunManifest, where: str) -> None:
    if not all(x > 0 for x in m.box) or m.timestep <= 0 or m.bath_width <= 0:
        raise InputError(f"{where}: box lengths, timestep and bath_width must be > 0")
    if m.block_steps < 1 or m.n_planes < 2 or m.planes_per_cell < 1 or m.sample_every < 1:
        raise InputError(f"{where}: block_steps, n_planes, planes_per_cell and sample_every must be positive")
    expected = 2 if m.geometry == "periodic" else 1
    if m.n_interfaces != expected or len(m.interfaces) != expected:
        raise InputError(f"{where}: a {m.geometry} run has {expected} interface(s)")
    if not 0 <= m.frozen_fraction < 0.5:
        raise InputError(f"{where}: frozen_fraction must lie in [0, 0.5), got {m.frozen_fraction:g}")
    for role in ("profile", "baths", "box"):
        m.file(role)


def _get(doc: dict[str, Any], key: str, kind: type, where: str) -> Any:
    if key not in doc:
        raise InputError(f"{where}: missing key {key!r}")
    value = doc[key]
    if kind is float:
        ok = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
        value = float(value) if ok else value
    elif kind is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    else:
        ok = isinstance(value, kind)
    if not ok:
        raise InputError(f"{where}: {key} must be {_NAMES[kind]}, got {value!r}")
    return value


_NAMES = {float: "a finite number", int: "an integer", str: "a string", bool: "true or false", dict: "an object",
          list: "a list"}  # fmt: skip


def _list(doc: dict[str, Any], key: str, kind: type, where: str, size: int | None = None) -> list[Any]:
    values = _get(doc, key, list, where)
    if size is not None and len(values) != size:
        raise InputError(f"{where}: {key} must hold {size} values, got {len(values)}")
    return [_get({key: v}, key, kind, f"{where}: an item of") for v in values]


def _positions(doc: dict[str, Any], key: str, where: str) -> tuple[Position, ...]:
    out = []
    for item in _get(doc, key, list, where):
        if not isinstance(item, list) or len(item) != 2:
            raise InputError(f"{where}: {key} holds [fraction, offset] pairs, got {item!r}")
        pair = _list({key: item}, key, float, where)
        out.append((pair[0], pair[1]))
    return tuple(out)


def _range(doc: dict[str, Any], key: str, where: str) -> tuple[Position, Position]:
    pairs = _positions(doc, key, where)
    if len(pairs) != 2:
        raise InputError(f"{where}: {key} is a z range: two [fraction, offset] pairs")
    return pairs[0], pairs[1]


def write_manifest(run_dir: str | os.PathLike, manifest: RunManifest) -> Path:
    """Write ``run.json`` into ``run_dir`` atomically (strict JSON through :func:`kapitza.io.results.dumps`)."""
    if not isinstance(manifest, RunManifest):
        raise InputError(f"write_manifest needs a RunManifest, got {type(manifest).__name__}")
    return atomic_write_text(Path(run_dir) / MANIFEST_FILE, dumps(manifest.to_document()) + "\n")


def read_manifest(run_dir: str | os.PathLike) -> RunManifest:
    """The :class:`RunManifest` of a run directory; InputError with one line on a missing file, key or value."""
    folder = Path(run_dir)
    path = folder / MANIFEST_FILE
    if not folder.is_dir():
        raise InputError(f"run directory {str(folder)!r} does not exist or is not a folder")
    if not path.is_file():
        hint = (
            " (made before kapitza wrote run manifests: rerun `kapitza md run CONFIG --run-dir RUN_DIR` with its "
            "config to add one; nothing is recomputed)"
            if (folder / CONFIG_FILE).is_file()
            else ""
        )
        raise InputError(f"{str(folder)!r} is not a kapitza NEMD run directory: it has no {MANIFEST_FILE}{hint}")
    where = f"run manifest {str(path)!r}"
    doc = json_file.read(path, where, MAX_MANIFEST_BYTES, "a run manifest is read")
    return manifest_from_document(doc, where)


def read_state_data(run_dir: str | os.PathLike) -> dict[str, Any]:
    """A run directory's ``state.json`` read as data (its signature, if any, is not checked: md's
    :func:`kapitza.md.run.read_state` does that before it resumes): a JSON object, through the bounded JSON reader
    (:mod:`kapitza.io.json_file`); InputError for a missing, unreadable, oversized or malformed file."""
    path = Path(run_dir) / STATE_FILE
    where = f"run state {str(path)!r}"
    doc = json_file.read(path, where, MAX_STATE_BYTES, "a run state is read")
    if not isinstance(doc, dict):
        raise InputError(f"{where} is not a JSON object")
    return doc


def read_config_text(run_dir: str | os.PathLike) -> str:
    """The canonical TOML text of a run directory's ``config.toml`` as the run wrote it, through the bounded reader
    (:func:`kapitza.io.paths.read_utf8_text`); InputError for a missing, unreadable or oversized file."""
    path = Path(run_dir) / CONFIG_FILE
    return read_utf8_text(path, f"run config {str(path)!r}", MAX_CONFIG_BYTES, "a run config is read back")


def read_baths_file(path: str | os.PathLike) -> NDArray[np.float64]:
    """A kapitza ``baths.txt`` as an (n_blocks, 5) array: block, step, E_hot, E_cold, E_total (energy unit).

    ``#`` comments and blank lines are skipped; every other line must hold five finite numbers.  An empty file
    (header only) gives a (0, 5) array.
    """
    p = Path(path)
    where = f"baths file {str(p)!r}"
    text = read_ascii_text(p, where, MAX_BATHS_BYTES, "a baths file is read")
    rows = []
    for n, raw in enumerate(text.splitlines(), start=1):
        s = raw.split("#", 1)[0].strip()
        if not s:
            continue
        fields = s.split()
        if len(fields) != 5:
            raise InputError(f"{where} line {n}: expected 5 columns ({' '.join(BATHS_COLUMNS)}), got {len(fields)}")
        try:
            nums = [float(f) for f in fields]
        except ValueError:
            raise InputError(f"{where} line {n}: not a number in {s[:40]!r}") from None
        if not all(math.isfinite(x) for x in nums):
            raise InputError(f"{where} line {n}: NaN or infinite value")
        rows.append(nums)
    return np.asarray(rows, dtype=float).reshape(-1, 5)


def read_box_file(path: str | os.PathLike) -> tuple[float, float, float]:
    """``box.txt``: (lx, ly, lz) after equilibration (length unit), each finite and > 0."""
    p = Path(path)
    text = read_ascii_text(p, f"box file {str(p)!r}", MAX_BOX_BYTES, "a box file is read")
    try:
        lx, ly, lz = (float(x) for x in text.split())
    except ValueError as exc:
        raise InputError(f"{str(p)!r} is not a kapitza box file (lx ly lz): {exc}") from None
    if not all(math.isfinite(x) and x > 0 for x in (lx, ly, lz)):
        raise InputError(f"{str(p)!r}: the box lengths must be positive")
    return lx, ly, lz
