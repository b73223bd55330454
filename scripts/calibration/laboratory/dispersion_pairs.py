"""The universal potential's full-dispersion DMM of every pair of the database's crystals, on a temperature grid.

The potential's full-dispersion DMM is a descriptor group the database route's estimate may take (``full
dispersion`` in :mod:`calibration.laboratory.groups`; the honest selection of :mod:`calibration.laboratory.selection`
decides, the calibration page says how, and :data:`~calibration.laboratory.groups.PENDING` why it is not taken
today).  A database-route query names two database materials; every solid one but fused silica has a crystal
structure the structure route builds (``literature/crystals.toml``, under the name the compilation maps onto the
database's material: the compilation's SiO2 is quartz, the database's is fused silica, which has no crystal and so
no value here, in its rows as in its queries), so the DMM of every pair of them is computed once, with the default
potential's phonons, at the temperatures of :data:`GRID`, and kept with the laboratory
(``scripts/calibration/laboratory/data/dispersion_pairs.csv``, written by ``scripts/dispersion_pairs.py`` with the
calculator, commit and date in its header): a query would read its pair's curve in a moment and need neither the
potential nor its minutes.  The training rows read the curves (:func:`log10_g_fd`) as a query would, so a try of the
group sees the missing pattern a query would.

Values between grid temperatures are interpolated linearly in log G against log T (the grid's step, 0.05 in log10 T,
keeps that within 0.1 % of the DMM computed at the temperature itself; the script checks the curves against the
structure route's descriptors computed at each row's own temperature).  A pair the table does not hold, a temperature
outside the grid, or two metals whose electrons kapitza cannot describe (no reported value) are missing: NaN.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from typing import ClassVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from kapitza import _checks
from kapitza.errors import InputError
from kapitza.io.descriptor_table import csv_field, read_descriptor_csv
from kapitza.io.results import result

from ._data import lab_text

__all__ = [
    "COLUMNS",
    "GRID",
    "PAIRS_FILE",
    "DispersionPairs",
    "log10_g_fd",
    "read_dispersion_pairs",
    "shipped_dispersion_pairs",
    "write_dispersion_pairs",
]

#: The shipped table's file name (``kapitza/prediction/data``).
PAIRS_FILE = "dispersion_pairs.csv"
#: The temperatures of the table, K: 20-800 K in steps of 0.05 in log10 T (the compilation's rows that the estimate
#: learns from lie at 25-505 K).
GRID = tuple(float(t) for t in np.round(np.geomspace(20.0, 800.0, 33), 6))
#: The table's columns: the pair (crystal names as the database writes them), the temperature (K), the DMM as
#: ``kapitza predict --calculator`` reports it (with the electron term where kapitza has it; empty where it has no
#: value) and of the phonons alone, W m^-2 K^-1.
COLUMNS = ("side1", "side2", "temperature_k", "g_fd_w_m2k", "g_fd_phonon_w_m2k")
#: The header of the shipped table, above its calculator and provenance lines.
ABOUT = (
    "# The universal potential's full-dispersion DMM of every pair of the database's crystalline materials, each",
    "# built from its crystal structure (literature/crystals.toml), at the temperatures of",
    "# kapitza.prediction.dispersion_pairs.GRID: g_fd as kapitza predict --calculator reports it (with the electron",
    "# term where kapitza has it; empty where it has no value), g_fd_phonon the phonons alone. W m^-2 K^-1, K.",
    "# Written by scripts/dispersion_pairs.py; do not edit by hand (rerun the script).",
)


@result
class DispersionPairs:
    """The shipped table: each pair's full-dispersion DMM on :attr:`temperature`.

    Attributes
    ----------
    calculator, provenance : str
    side1, side2 : tuple of str
        The pairs (one row each; a pair is read in either order).
    temperature : ndarray, shape (n_T,)
        K, rising.
    g_fd : ndarray, shape (n_pairs, n_T)
        As ``kapitza predict --calculator`` reports it, W m^-2 K^-1; NaN where it has no value.
    g_fd_phonon : ndarray, shape (n_pairs, n_T)
        The phonons alone, W m^-2 K^-1.
    """

    calculator: str
    provenance: str
    side1: tuple[str, ...]
    side2: tuple[str, ...]
    temperature: NDArray[np.float64]
    g_fd: NDArray[np.float64]
    g_fd_phonon: NDArray[np.float64]

    _summary_fields: ClassVar[tuple[str, ...]] = ("calculator", "provenance")

    def __post_init__(self) -> None:
        n = len(self.side1)
        _checks.label(self.calculator, "calculator")
        _checks.text(self.provenance, "provenance")
        for name in ("side1", "side2"):
            _checks.labels(getattr(self, name), name, n)
        t = _checks.positive_array(self.temperature, "temperature", "K", ndim=1)
        if t.size < 2 or np.any(np.diff(t) <= 0):
            raise InputError("temperature must hold at least two rising temperatures")
        for name in ("g_fd", "g_fd_phonon"):
            _checks.sized(getattr(self, name), name, (n, t.size))
        g = np.asarray(self.g_fd)
        if np.any(np.isfinite(g) & ~(g > 0)) or np.any(np.isinf(g)):
            raise InputError("g_fd must hold conductances > 0 W m^-2 K^-1 or NaN (no value)")
        p = np.asarray(self.g_fd_phonon)
        if not (np.all(np.isfinite(p)) and np.all(p > 0)):
            raise InputError("g_fd_phonon must hold finite conductances > 0 W m^-2 K^-1")
        keys = [frozenset((a, b)) for a, b in zip(self.side1, self.side2)]
        if len(set(keys)) != n or any(len(k) != 2 for k in keys):
            raise InputError("each pair of two different sides must appear once")


def read_dispersion_pairs(text: str, where: str = PAIRS_FILE) -> DispersionPairs:
    """Parse the stored table (CSV with ``# calculator:`` and ``# provenance:`` comment lines; a calculator named
    in it must be a built-in potential: a file names data, never code)."""
    from kapitza.atomistic.calculators import calculator_name

    meta, rows = read_descriptor_csv(text, where, COLUMNS)
    calculator_name(meta["calculator"], from_file=where)
    pairs: dict[tuple[str, str], dict[float, tuple[float, float]]] = {}
    try:
        for r in rows:
            g = float(r["g_fd_w_m2k"]) if r["g_fd_w_m2k"] else math.nan
            pairs.setdefault((r["side1"], r["side2"]), {})[float(r["temperature_k"])] = (
                g,
                float(r["g_fd_phonon_w_m2k"]),
            )
    except ValueError as exc:
        raise InputError(f"{where}: {exc}") from None
    if not pairs:
        raise InputError(f"{where}: no pair")
    grids = {tuple(sorted(v)) for v in pairs.values()}
    if len(grids) != 1:
        raise InputError(f"{where}: the pairs do not share one temperature grid")
    (t,) = grids
    values = np.array([[v[x] for x in t] for v in pairs.values()], dtype=float).reshape(len(pairs), len(t), 2)
    return DispersionPairs(
        calculator=meta["calculator"], provenance=meta["provenance"], side1=tuple(a for a, _ in pairs),
        side2=tuple(b for _, b in pairs), temperature=np.asarray(t, dtype=float), g_fd=values[:, :, 0],
        g_fd_phonon=values[:, :, 1],
    )  # fmt: skip


def write_dispersion_pairs(found: DispersionPairs) -> str:
    """The CSV text :func:`read_dispersion_pairs` reads (six significant digits)."""
    lines = [*ABOUT, f"# calculator: {found.calculator}", f"# provenance: {found.provenance}", ",".join(COLUMNS)]
    for i in range(len(found.side1)):
        for k, t in enumerate(found.temperature):
            g = float(found.g_fd[i, k])
            lines.append(",".join((csv_field(found.side1[i]), csv_field(found.side2[i]), f"{float(t):.6g}",
                                   f"{g:.6g}" if math.isfinite(g) else "",
                                   f"{float(found.g_fd_phonon[i, k]):.6g}")))  # fmt: skip
    return "\n".join(lines) + "\n"


@functools.lru_cache(maxsize=1)
def shipped_dispersion_pairs() -> DispersionPairs | None:
    """The package's stored table, or None where the file is not shipped."""
    text = lab_text(PAIRS_FILE)
    return None if text is None else read_dispersion_pairs(text)


def log10_g_fd(
    side1: Sequence[str], side2: Sequence[str], temperature: ArrayLike, found: DispersionPairs | None = None
) -> NDArray[np.float64]:
    """log10 of the full-dispersion DMM as reported (W m^-2 K^-1) of pairs ``(side1[i], side2[i])`` (either order) at
    ``temperature[i]`` (K), from ``found`` (default the shipped table), interpolated linearly in log G against log T;
    shape (n,), NaN where the table has no such pair, no value, or the temperature lies outside its grid."""
    t = np.asarray(temperature, dtype=float).reshape(-1)
    if not (len(side1) == len(side2) == t.size):
        raise InputError(f"{len(side1)} first sides, {len(side2)} second sides and {t.size} temperatures")
    table = shipped_dispersion_pairs() if found is None else found
    out = np.full(t.size, np.nan)
    if table is None:
        return out
    where = {frozenset((a, b)): k for k, (a, b) in enumerate(zip(table.side1, table.side2))}
    log_grid = np.log10(table.temperature)
    with np.errstate(invalid="ignore", divide="ignore"):
        log_g = np.log10(table.g_fd)
    for i, (a, b) in enumerate(zip(side1, side2)):
        k = where.get(frozenset((str(a), str(b))))
        if k is None or not (t[i] > 0) or not (table.temperature[0] <= t[i] <= table.temperature[-1]):
            continue
        out[i] = float(np.interp(math.log10(t[i]), log_grid, log_g[k]))  # NaN where a neighbour has no value
    return out
