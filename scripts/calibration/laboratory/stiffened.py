"""Soft phonons (issue 62 item 4): the full-dispersion DMM with each crystal's long waves made as stiff as measured.

The default universal potential's crystals are soft: their pure-mode stiffnesses rho v^2 sit below the measured
ones ({doc}`elastic-accuracy </reference/elastic-accuracy>`: -15 % at the median, shear modes -27 %).  One factor s
per crystal, the geometric mean over its pure-mode stiffnesses of measured / calculated
(:func:`kapitza.phonons.elastic.stiffness_errors_of`, the elastic-accuracy page's numbers), multiplies every force
constant, so every frequency goes up by sqrt(s) and the long waves meet the measured ones on average; a crystal the
page did not measure keeps its potential's phonons (s = 1, said).  The structure route's rows get the
full-dispersion DMM of the stiffened crystals, computed once by ``scripts/soft_phonons.py table`` and shipped beside
the route's own descriptors (``prediction/data/stiffened_descriptors.csv``, its scales, calculator, commit and date
in its header); the honest selection (:mod:`kapitza.prediction.selection`) tries it as the descriptor group
``stiffened`` and the calibration page lists the verdict.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import math
from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from kapitza import _checks
from kapitza.errors import InputError
from kapitza.io.descriptor_table import csv_field, read_descriptor_csv
from kapitza.io.results import result

from ._data import lab_text

__all__ = [
    "COLUMNS",
    "STIFFENED_FEATURES",
    "STIFFENED_FILE",
    "StiffenedDescriptors",
    "read_stiffened_descriptors",
    "shipped_stiffened_descriptors",
    "stiffened",
    "stiffened_columns",
    "stiffness_scale",
    "write_stiffened_descriptors",
]

#: The shipped table's file name (``kapitza/prediction/data``).
STIFFENED_FILE = "stiffened_descriptors.csv"
#: The descriptor group's one column: log10 of the stiffened crystals' full-dispersion DMM as ``kapitza predict``
#: reports it (with the electron term where kapitza has it), W m^-2 K^-1.
STIFFENED_FEATURES = ("log10 G_fd stiffened",)
#: The table's columns: the row's place, its pair and temperature (K), each side's factor s, the stiffened DMM as
#: reported and alone (W m^-2 K^-1).
COLUMNS = ("row", "film", "substrate", "temperature_k", "s_film", "s_substrate", "g_fd_w_m2k", "g_fd_phonon_w_m2k")
#: The header of the shipped table, above its calculator and provenance lines.
ABOUT = (
    "# The structure route's rows (structure_descriptors.csv) with the full-dispersion DMM of the universal",
    "# potential's crystals stiffened so their long waves meet the measured elastic constants on average: every",
    "# force constant times s, the geometric mean of measured / calculated pure-mode stiffnesses on the",
    "# elastic-accuracy page (s = 1 where not measured); g_fd as kapitza predict --calculator reports it (with the",
    "# electron term where kapitza has it), g_fd_phonon alone. W m^-2 K^-1, K.",
    "# Written by scripts/soft_phonons.py table; do not edit by hand (rerun the script).",
)


def stiffness_scale(found: Any) -> tuple[float, str]:
    """The factor s that makes a crystal's pure-mode stiffnesses meet the measured ones on average (the geometric
    mean of measured / calculated), and the stiffnesses it rests on in words; (1, why) where not measured.

    ``found`` is a crystal built with a calculator (:class:`~kapitza.phonons.from_structure.StructurePhonons`)."""
    from kapitza.phonons.elastic import stiffness_errors_of

    errors = stiffness_errors_of(found)
    ratios = [] if errors is None else [m / c for _, _, c, m in errors.rows if c > 0 and m > 0]
    if not ratios:
        return 1.0, f"{found.name}: not measured on the elastic-accuracy page (left as the potential gives it)"
    s = float(math.exp(np.mean(np.log(ratios))))
    words = ", ".join(f"{n} {c:.0f}/{m:.0f} GPa" for n, _, c, m in errors.rows)  # type: ignore[union-attr]
    return s, f"{found.name}: s = {s:.3f} (calculated/measured {words})"


def stiffened(found: Any, s: float) -> Any:
    """A copy of the crystal with every force constant times ``s`` (every frequency times sqrt(s)); the crystal
    itself untouched."""
    if not (math.isfinite(s) and s > 0):
        raise ValueError(f"s must be a finite factor > 0, got {s!r}")
    ph = copy.deepcopy(found.crystal.phonopy)
    ph.force_constants = np.asarray(ph.force_constants) * s
    crystal = dataclasses.replace(found.crystal, phonopy=ph, source=f"{found.crystal.source}, stiffened x{s:.3f}")
    return dataclasses.replace(found, crystal=crystal)


@result
class StiffenedDescriptors:
    """The shipped table: the structure route's rows with their crystals' factors and stiffened DMM.

    Attributes
    ----------
    calculator, provenance : str
    row_id : tuple of str
        The row's place in the compilation (as the structure descriptors', ``ExpectedRows.row_id``).
    film, substrate : tuple of str
    temperature : ndarray
        K.
    s_film, s_substrate : ndarray
        Each side's factor (1: not measured, the potential's phonons).
    g_fd, g_fd_phonon : ndarray
        The stiffened crystals' full-dispersion DMM as ``kapitza predict`` reports it and alone, W m^-2 K^-1.
    """

    calculator: str
    provenance: str
    row_id: tuple[str, ...]
    film: tuple[str, ...]
    substrate: tuple[str, ...]
    temperature: NDArray[np.float64]
    s_film: NDArray[np.float64]
    s_substrate: NDArray[np.float64]
    g_fd: NDArray[np.float64]
    g_fd_phonon: NDArray[np.float64]

    _summary_fields: ClassVar[tuple[str, ...]] = ("calculator", "provenance")

    def __post_init__(self) -> None:
        n = len(self.row_id)
        _checks.label(self.calculator, "calculator")
        _checks.text(self.provenance, "provenance")
        for name in ("row_id", "film", "substrate"):
            _checks.labels(getattr(self, name), name, n)
        for name in ("temperature", "s_film", "s_substrate", "g_fd", "g_fd_phonon"):
            _checks.sized(getattr(self, name), name, (n,))
            v = np.asarray(getattr(self, name))
            if not (np.all(np.isfinite(v)) and np.all(v > 0)):
                raise InputError(f"{name} must hold finite values > 0")


def read_stiffened_descriptors(text: str, where: str = STIFFENED_FILE) -> StiffenedDescriptors:
    """Parse the stored table (CSV with ``# calculator:`` and ``# provenance:`` comment lines)."""
    from kapitza.atomistic.calculators import calculator_name

    meta, rows = read_descriptor_csv(text, where, COLUMNS)
    calculator_name(meta["calculator"], from_file=where)

    def numbers(key: str) -> NDArray[np.float64]:
        try:
            return np.array([float(r[key]) for r in rows], dtype=float)
        except ValueError as exc:
            raise InputError(f"{where}: column {key}: {exc}") from None

    return StiffenedDescriptors(
        calculator=meta["calculator"], provenance=meta["provenance"], row_id=tuple(r["row"] for r in rows),
        film=tuple(r["film"] for r in rows), substrate=tuple(r["substrate"] for r in rows),
        temperature=numbers("temperature_k"), s_film=numbers("s_film"), s_substrate=numbers("s_substrate"),
        g_fd=numbers("g_fd_w_m2k"), g_fd_phonon=numbers("g_fd_phonon_w_m2k"),
    )  # fmt: skip


def write_stiffened_descriptors(found: StiffenedDescriptors) -> str:
    """The CSV text :func:`read_stiffened_descriptors` reads."""
    lines = [*ABOUT, f"# calculator: {found.calculator}", f"# provenance: {found.provenance}", ",".join(COLUMNS)]
    for i in range(len(found.row_id)):
        lines.append(",".join((found.row_id[i], csv_field(found.film[i]), csv_field(found.substrate[i]),
                               *(repr(float(getattr(found, k)[i])) for k in ("temperature", "s_film", "s_substrate",
                                                                            "g_fd", "g_fd_phonon")))))  # fmt: skip
    return "\n".join(lines) + "\n"


@functools.lru_cache(maxsize=1)
def shipped_stiffened_descriptors() -> StiffenedDescriptors | None:
    """The package's stored table, or None where the file is not shipped."""
    text = lab_text(STIFFENED_FILE)
    return None if text is None else read_stiffened_descriptors(text)


def stiffened_columns(row_ids: Sequence[str], found: StiffenedDescriptors | None = None) -> NDArray[np.float64]:
    """The :data:`STIFFENED_FEATURES` of compilation rows (their places as text, ``ExpectedRows.row_id``), shape
    (n, 1), from ``found`` (default the shipped table); NaN where it has no row."""
    table = shipped_stiffened_descriptors() if found is None else found
    out = np.full((len(row_ids), 1), np.nan)
    if table is None:
        return out
    where = {r: k for k, r in enumerate(table.row_id)}
    for i, r in enumerate(row_ids):
        if (k := where.get(str(r))) is not None:
            out[i, 0] = math.log10(float(table.g_fd[k]))
    return out
