"""Bath energy files from anywhere, read by column names or by a layout the user states, never by column count.

Two kinds of file carry the energy two thermostat baths exchange:

* **cumulative tallies** (LAMMPS ``fix langevin ... tally yes`` written by ``fix print``, ``fix ave/time``,
  ``thermo`` or any script): a time (or step) column and the cumulative energy of each bath.  A ``fix print``
  file with ``title "# step time f_hot f_cold etotal"`` is read by its names: the time column is the one called
  ``time`` (or ``v_time``, ``Time``), the hot bath's the one whose name contains ``hot``, the cold bath's the
  one that contains ``cold``.  Where names do not say it (no header, or names such as ``f_1 f_2``), the user
  states the layout: ``columns={"time": "c_t", "hot": 2, "cold": "f_2"}`` (a name or a 0-based index; ``step``
  with ``timestep=`` in place of ``time``);
* **kapitza's own** ``baths.txt`` (header ``# block step E_hot E_cold E_total``): energies per block.

A file whose layout can be neither read from its header nor taken from ``columns`` is refused with the
names found; the number of columns decides nothing.
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import ClassVar

import numpy as np
from numpy.typing import NDArray

from ...errors import InputError
from ...io.paths import read_ascii_text
from ...io.results import result
from ...io.run_manifest import BATHS_COLUMNS, read_baths_file

#: Bath files larger than this are refused (a tally is a few columns per output step).
MAX_BATH_BYTES = 500_000_000
KAPITZA_HEADER = BATHS_COLUMNS
LAYOUT_KEYS = ("time", "step", "hot", "cold")
TIME_NAMES = ("time", "v_time", "c_time", "t", "v_t", "elapsed_time")


@result
class BathTally:
    """The bath energies of one file, as read.

    Attributes
    ----------
    kind : str
        ``"cumulative"`` (time, cumulative energies) or ``"blocks"`` (kapitza baths.txt: energies per block).
    time : ndarray, shape (n,)
        Sample times (time unit of the run; for ``blocks``: the block numbers).
    hot, cold : ndarray, shape (n,)
        Cumulative energy of each bath (``cumulative``) or energy per block (``blocks``).
    table : ndarray, shape (n, 5) or None
        The kapitza layout's table (``blocks`` only).
    layout : str
        Which columns were used and how they were found (header names or the stated layout).
    source : str
    """

    kind: str
    time: NDArray[np.float64]
    hot: NDArray[np.float64]
    cold: NDArray[np.float64]
    table: NDArray[np.float64] | None
    layout: str
    source: str

    _summary_fields: ClassVar[tuple[str, ...]] = ("kind", "layout", "source")


def parse_layout(text: str, option: str = "--bath-columns") -> dict[str, str | int]:
    """``"time=c_t,hot=f_hot,cold=2"`` -> {"time": "c_t", "hot": "f_hot", "cold": 2} (names or 0-based indices)."""
    out: dict[str, str | int] = {}
    for part in str(text).split(","):
        key, sep, value = part.partition("=")
        key, value = key.strip().lower(), value.strip()
        if not sep or key not in LAYOUT_KEYS or not value:
            raise InputError(
                f"{option} takes KEY=COLUMN pairs with KEY in {', '.join(LAYOUT_KEYS)} and COLUMN a header name or "
                f"0-based index, e.g. time=time,hot=f_hot,cold=f_cold; got {part.strip()!r}"
            )
        if key in out:
            raise InputError(f"{option}: {key} is given twice")
        out[key] = int(value) if value.isdigit() else value
    return out


def _rows(p: Path) -> tuple[list[str] | None, list[str], NDArray[np.float64], list[int]]:
    """(header names or None, all comment lines, the numeric table, line numbers of its rows)."""
    where = f"bath file {str(p)!r}"
    text = read_ascii_text(p, where, MAX_BATH_BYTES, "bath files are read")
    comments: list[str] = []
    names: list[str] | None = None
    rows: list[list[float]] = []
    numbers: list[int] = []
    for n, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            if not rows:
                comments.append(line)
            continue
        fields = line.replace(",", " ").split()
        try:
            values = [float(f) for f in fields]
        except ValueError:
            if not rows and names is None and not any(c.isdigit() for c in fields[0]):
                names = fields  # one plain header line of names
                continue
            raise InputError(f"{where} line {n}: not a number in {line[:40]!r}") from None
        if rows and len(values) != len(rows[0]):
            raise InputError(f"{where} line {n}: {len(values)} columns where the first row has {len(rows[0])}")
        if not all(math.isfinite(v) for v in values):
            raise InputError(f"{where} line {n}: NaN or infinite value")
        rows.append(values)
        numbers.append(n)
    if not rows:
        raise InputError(f"{where} holds no data rows")
    width = len(rows[0])
    if names is None:  # the last comment line before the data whose names match the columns
        for line in reversed(comments):
            fields = line.lstrip("#").split()
            if len(fields) == width:
                names = fields
                break
    return names, comments, np.asarray(rows, dtype=float), numbers


def _index(spec: str | int, names: list[str] | None, width: int, where: str, key: str) -> int:
    if isinstance(spec, int):
        if not 0 <= spec < width:
            raise InputError(f"{where}: the {key} column {spec} is outside 0..{width - 1}")
        return spec
    if names is None or spec not in names:
        shown = ", ".join(names) if names else "none (no header)"
        raise InputError(f"{where}: no column named {spec!r} for {key}; the header names are {shown}")
    return names.index(spec)


def read_bath_tally(
    path: str | os.PathLike, columns: dict[str, str | int] | str | None = None, timestep: float | None = None
) -> BathTally:
    """Read a bath energy file (see the module docstring).

    Parameters
    ----------
    path : path-like
    columns : mapping or str, optional
        The layout: keys ``time`` (or ``step``), ``hot``, ``cold``; values header names or 0-based indices (a
        string is parsed by :func:`parse_layout`).  Default: read from the header's names.
    timestep : float, optional
        Time per step (time unit), when the layout gives ``step`` instead of ``time``.

    Raises
    ------
    InputError
        Unreadable file, a layout that is neither stated nor named in the header, a column that is not there.
    """
    p = Path(path)
    where = f"bath file {str(p)!r}"
    names, comments, table, _ = _rows(p)
    width = table.shape[1]
    if isinstance(columns, str):
        columns = parse_layout(columns)
    if columns is None:
        header = comments[-1].lstrip("#").split() if comments else []
        if tuple(header[:5]) == KAPITZA_HEADER or (names is not None and tuple(names) == KAPITZA_HEADER):
            if width != 5:
                raise InputError(f"{where}: the kapitza baths.txt layout has 5 columns, this file {width}")
            table = read_baths_file(p)  # the one reader of the kapitza layout
            return BathTally(
                kind="blocks",
                time=table[:, 0],
                hot=table[:, 2],
                cold=table[:, 3],
                table=table,
                layout="kapitza baths.txt (block step E_hot E_cold E_total: energies per block), from its header",
                source=str(p),
            )
        if names is None:
            raise InputError(
                f"{where} has no header naming its {width} columns; state the layout with --bath-columns "
                "time=COL,hot=COL,cold=COL (names or 0-based indices)"
            )
        low = [n.lower() for n in names]
        time = [i for i, n in enumerate(low) if n in TIME_NAMES]
        hot = [i for i, n in enumerate(low) if "hot" in n]
        cold = [i for i, n in enumerate(low) if "cold" in n]
        if len(time) != 1 or len(hot) != 1 or len(cold) != 1:
            raise InputError(
                f"{where}: cannot tell from the header ({' '.join(names)}) which column is the time, the hot and "
                "the cold bath (one column called time, one name with 'hot', one with 'cold'); state the layout "
                "with --bath-columns time=COL,hot=COL,cold=COL"
            )
        t_col, h_col, c_col = time[0], hot[0], cold[0]
        layout = f"columns {names[t_col]}, {names[h_col]}, {names[c_col]} (time, hot, cold) by their header names"
        t = table[:, t_col]
    else:
        given = dict(columns)
        missing = [k for k in ("hot", "cold") if k not in given]
        if missing or ("time" in given) == ("step" in given):
            raise InputError(
                f"{where}: the stated layout needs hot, cold and one of time or step, got {', '.join(given) or 'none'}"
            )
        h_col = _index(given["hot"], names, width, where, "hot")
        c_col = _index(given["cold"], names, width, where, "cold")
        if "time" in given:
            t_col = _index(given["time"], names, width, where, "time")
            t = table[:, t_col]
            what = "time"
        else:
            t_col = _index(given["step"], names, width, where, "step")
            if timestep is None or not (math.isfinite(timestep) and timestep > 0):
                raise InputError(f"{where}: a step column needs the timestep (--timestep, > 0), got {timestep!r}")
            t = table[:, t_col] * float(timestep)
            what = f"step x {timestep:g}"
        label = names or [str(i) for i in range(width)]
        layout = (
            f"columns {label[t_col]} ({what}), {label[h_col]} (hot), {label[c_col]} (cold) as stated (--bath-columns)"
        )
    if len({t_col, h_col, c_col}) != 3:
        raise InputError(f"{where}: the time, hot and cold columns must be three different columns")
    return BathTally(
        kind="cumulative", time=t, hot=table[:, h_col], cold=table[:, c_col], table=None, layout=layout, source=str(p)
    )
