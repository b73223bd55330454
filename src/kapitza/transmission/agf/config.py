"""The settings of an AGF run as one frozen dataclass, with their defaults, and the one reader of a config into it.

:class:`AGFConfig` holds every setting that :func:`.run.run_agf` takes (and the
figures the ``kapitza agf`` command draws); its field defaults are *the* defaults:
``run_agf``'s keyword defaults and the command's are read from it.
:func:`read_config` reads a TOML file (:func:`config_from_mapping` a parsed one)
into it, every value checked against :data:`.inputs.SCHEMA`.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ...atomistic.calculators import calculator_name
from ...atomistic.matching import DEFAULT_MAX_STRAIN
from ...atomistic.potentials import CRYSTALS
from ...errors import InputError
from ...io import toml_file
from ...io.paths import confined
from .inputs import DEFAULT_MAX_HOURS, DEFAULT_MAX_MEMORY_GB, SCHEMA, check_value, show
from .solver import DEFAULT_ETA

__all__ = ["AGF_DEFAULTS", "CONFIG_KEYS", "DEFAULT_TEMPERATURES", "AGFConfig", "config_from_mapping", "read_config"]

#: Temperatures (K) reported by default.
DEFAULT_TEMPERATURES: tuple[float, ...] = (50.0, 100.0, 200.0, 300.0, 500.0)
#: Settings that a config file may hold (the options' names; dashes or underscores), in :data:`.inputs.SCHEMA` order.
CONFIG_KEYS: tuple[str, ...] = tuple(k for k in SCHEMA if k != "check_temperature")
#: ``parse(text) -> temperatures in K``: how a config's temperature written as text ("50,300") is read.
TemperatureText = Callable[[str], NDArray[np.float64]]

#: Settings that describe the command's figures, not the run: not passed to run_agf.
FIGURES = ("plot", "ldos_plot")
_FIGURES = FIGURES
#: Settings that name input files: in a config file, relative to the config file's folder.
INPUT_FILES = ("structure", "pair", "force_constants", "left_lead", "right_lead")
#: Settings that name output files: in a config file, relative to the working directory.
OUTPUT_FILES = ("output", "plot", "ldos_plot")
#: What to do with a path a config may not name.
_HINT = "inputs at or below the config's folder, outputs below the working directory; or give it as an option"


@dataclass(frozen=True)
class AGFConfig:
    """Every setting of an AGF run with its default (see :func:`.run.run_agf` for each one's meaning).

    ``left`` and ``right`` (chemical symbols) have no default; ``plot`` and ``ldos_plot`` are the
    figures of ``kapitza agf`` (paths), not settings of the run.
    """

    left: str | None = None
    right: str | None = None
    structure: str | os.PathLike | None = None
    pair: str | os.PathLike | None = None
    force_constants: str | os.PathLike | None = None
    left_lead: str | os.PathLike | None = None
    right_lead: str | os.PathLike | None = None
    sides: str = "tags"
    supercell: int | tuple[int, int] | None = None
    potential: str = CRYSTALS[("diamond", "Si")][0]  # silicon's default in the registry (Stillinger-Weber)
    calculator: str | None = None
    force_range: float | None = None
    max_strain: float = DEFAULT_MAX_STRAIN
    interface_fc: str | None = None
    interface_reach: float | None = None
    polarity: str = "+"
    normal: str = "001"
    kpoints: int | tuple[int, int] = 8
    frequencies: int = 200
    frequency_tolerance: float | None = None
    temperature: Any = DEFAULT_TEMPERATURES
    eta: float = DEFAULT_ETA
    cells: tuple[int, int] | None = None
    pl_cells: int | tuple[int, int] | None = None
    lateral: tuple[int, int] = (1, 1)
    mixing_layers: int = 0
    seed: int | None = None
    masses_amu: Any = None
    statistics: str = "bose-einstein"
    check_broadening: bool = True
    check_temperature: float = 300.0
    allow_unstable_leads: bool = False
    workers: int | None = None
    address: str | None = None
    max_memory_gb: float = DEFAULT_MAX_MEMORY_GB
    device: str = "auto"
    max_gpu_memory_gb: float | None = None
    max_hours: float = DEFAULT_MAX_HOURS
    output: str | os.PathLike | None = None
    plot: str | os.PathLike | None = None
    ldos_plot: str | os.PathLike | None = None

    def updated(self, **given: Any) -> AGFConfig:
        """A copy with the ``given`` settings that are not None (the command line over the config file)."""
        unknown = [k for k in given if k not in {f.name for f in dataclasses.fields(self)}]
        if unknown:
            raise InputError(f"unknown AGF setting(s) {', '.join(map(repr, unknown))}; known: {', '.join(SCHEMA)}")
        return dataclasses.replace(self, **{k: v for k, v in given.items() if v is not None})

    def settings(self) -> dict[str, Any]:
        """Every setting by name (figures included), as :func:`.inputs.validate_inputs` takes them."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}

    def run_options(self) -> dict[str, Any]:
        """The keyword arguments of :func:`.run.run_agf` besides ``left`` and ``right`` (no figures)."""
        return {k: v for k, v in self.settings().items() if k not in ("left", "right", *_FIGURES)}


#: The defaults of every setting (the one place they are written).
AGF_DEFAULTS = AGFConfig()


def config_from_mapping(
    raw: Any, where: str = "the config", parse_temperature: TemperatureText | None = None
) -> AGFConfig:
    """Check a parsed config against :data:`.inputs.SCHEMA` and return it as an :class:`AGFConfig`.

    The settings sit at the top level or in an ``[agf]`` table; the rest keep their defaults.  Unknown
    keys and values of the wrong type (``check_broadening = "no"``, ``seed = 1.5``, ``frequencies =
    "many"``) are InputErrors naming ``where``; so is a ``calculator`` that is not a built-in potential (a config is
    a file: it names no Python code, :func:`kapitza.atomistic.calculators.calculator_name`; a ``module:factory`` is
    given on the command line or to :func:`.run.run_agf`).  ``temperature`` is a number or an array of numbers
    in K; written as text ("50,300") it is read by ``parse_temperature`` (the command line passes the
    parser of its ``-t`` option), and refused without one.
    """
    if not isinstance(raw, Mapping):
        raise InputError(f"{where} must hold a table of settings")
    if "agf" in raw:
        doc = raw["agf"]
        if not isinstance(doc, Mapping):
            raise InputError(f"agf in {where} must be a table ([agf]), got {show(doc)}")
        others = [str(k) for k in raw if k != "agf"]
        if others:
            raise InputError(f"{where}: put every setting under [agf]; found also {', '.join(map(repr, others))}")
    else:
        doc = raw
    unknown = [str(k) for k in doc if str(k).replace("-", "_") not in CONFIG_KEYS]
    if unknown:
        raise InputError(
            f"unknown key(s) {', '.join(map(repr, unknown))} in {where}; allowed: {', '.join(CONFIG_KEYS)}"
        )
    out: dict[str, Any] = {}
    for key, value in doc.items():
        name = str(key).replace("-", "_")
        if name == "temperature" and isinstance(value, str):
            if parse_temperature is None:
                raise InputError(f"{key} in {where} must be a number or an array of numbers in K, got {show(value)}")
            out[name] = parse_temperature(value)
            continue
        out[name] = check_value(name, value, f"{key} in {where}")
        if name == "calculator" and out[name] is not None:
            # a file names data, never code: a built-in potential only, refused before anything is imported
            out[name] = calculator_name(out[name], from_file=where)
    return dataclasses.replace(AGF_DEFAULTS, **out)


def read_config(path: str | os.PathLike, parse_temperature: TemperatureText | None = None) -> AGFConfig:
    """Read and check a TOML config file (safe parser, size-bounded) into an :class:`AGFConfig`.

    See :func:`config_from_mapping`; errors name the file (``kpoints in config file 'run.toml'``).
    """
    where = f"config file {os.fspath(path)!r}"
    raw = toml_file.read_document(path, "config file", toml_file.MAX_CONFIG_BYTES)
    cfg = config_from_mapping(raw, where, parse_temperature)
    # input files named in a config are found beside it, outputs relative to the working directory; each must lie
    # at or below that folder (kapitza.io.paths.confined: a config from elsewhere neither reads nor overwrites
    # files outside them; the command line's options are the user's own and are not confined)
    base = Path(os.fspath(path)).parent
    named = {k: (base, getattr(cfg, k)) for k in INPUT_FILES} | {k: (Path(), getattr(cfg, k)) for k in OUTPUT_FILES}
    paths = {
        k: str(confined(os.fspath(v), folder, f"{k} in {where}", hint=_HINT))
        for k, (folder, v) in named.items()
        if v is not None
    }
    return dataclasses.replace(cfg, **paths)
