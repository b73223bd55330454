"""Temperature profiles from files: LAMMPS ``fix ave/chunk`` output and plain columns.

A LAMMPS ``fix ave/chunk`` file (``chunk/atom bin/1d``) reads::

    # Chunk-averaged data for fix tp and group all
    # Timestep Number-of-chunks Total-count
    # Chunk Coord1 Ncount v_T
    1000 20 5760
      1 0.025 288 1.21
      ...            (20 chunk lines)
    2000 20 5760
      ...

one block per output interval.  The body is parsed in one vectorised pass (``numbers_text``),
then its layout is checked (every block header names the same number of chunks, chunk ids run
1..N, timesteps increase); only when that fails is the file walked line by line, to name the
first bad line in the error.

Plain files hold columns ``position temperature [block]`` (comma- or whitespace-separated,
an optional header line of names, ``#`` comments); without a block column the file is one block.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from typing import ClassVar

import numpy as np
from numpy.typing import NDArray

from ...errors import InputError
from ...io.numbers_text import parse_numbers
from ...io.paths import excerpt
from ...io.results import result
from .units import unit_system

#: Files larger than this are refused (the parse needs ~3x the file size in memory).
MAX_FILE_BYTES = 4 * 1024**3


@result
class TemperatureProfile:
    """Temperature by bin and block.

    Attributes
    ----------
    positions : ndarray, shape (n_bins,)
        Bin centres along the transport direction, in the length unit of ``units``.
    temperatures : ndarray, shape (n_blocks, n_bins)
        Block-averaged temperature of each bin (K, or epsilon/k_B in LJ units).
    counts : ndarray, shape (n_blocks, n_bins)
        Atoms per bin (NaN where the file has no count column).
    steps : ndarray, shape (n_blocks,)
        Timestep (or block number) of each block.
    units : str
        ``"lj"``, ``"metal"``, ``"real"`` or ``"si"``.
    source : str
        The file read (or ``"array"``).
    composition : ndarray, shape (n_bins,), or None
        Block-averaged composition column (e.g. fraction of species B), used to find interfaces.
    """

    positions: NDArray[np.float64]
    temperatures: NDArray[np.float64]
    counts: NDArray[np.float64]
    steps: NDArray[np.float64]
    units: str = "lj"
    source: str = "array"
    composition: NDArray[np.float64] | None = None

    _summary_fields: ClassVar[tuple[str, ...]] = ("source", "n_blocks", "n_bins", "units")

    def __post_init__(self) -> None:
        z = np.asarray(self.positions, dtype=float)
        t = np.asarray(self.temperatures, dtype=float)
        if t.ndim == 1:
            t = t[None, :]
        where = f"profile {self.source}"
        if z.ndim != 1 or z.size < 2:
            raise InputError(f"{where}: positions must be a 1-d array of at least 2 bins, got shape {z.shape}")
        if t.ndim != 2 or t.shape[1] != z.size or t.shape[0] < 1:
            raise InputError(f"{where}: temperatures must have shape (n_blocks, {z.size}), got {t.shape}")
        if not (np.all(np.isfinite(z)) and np.all(np.isfinite(t))):
            raise InputError(f"{where}: positions and temperatures must be finite (found NaN or inf)")
        if np.any(np.diff(z) <= 0):
            raise InputError(f"{where}: bin positions must increase strictly")
        if np.any(t < 0):
            raise InputError(f"{where}: negative temperature {float(t.min()):g}")
        counts = np.full(t.shape, np.nan) if self.counts is None else np.asarray(self.counts, dtype=float)
        if counts.shape != t.shape:
            raise InputError(f"{where}: counts must have shape {t.shape}, got {counts.shape}")
        steps = np.arange(t.shape[0], dtype=float) if self.steps is None else np.asarray(self.steps, dtype=float)
        if steps.shape != (t.shape[0],):
            raise InputError(f"{where}: steps must have shape ({t.shape[0]},), got {steps.shape}")
        comp = None
        if self.composition is not None:
            comp = np.asarray(self.composition, dtype=float)
            if comp.shape != z.shape or not np.all(np.isfinite(comp)):
                raise InputError(f"{where}: composition must be {z.size} finite numbers")
        unit_system(self.units)
        object.__setattr__(self, "positions", z)
        object.__setattr__(self, "temperatures", t)
        object.__setattr__(self, "counts", counts)
        object.__setattr__(self, "steps", steps)
        object.__setattr__(self, "composition", comp)

    @property
    def n_blocks(self) -> int:
        return int(self.temperatures.shape[0])

    @property
    def n_bins(self) -> int:
        return int(self.temperatures.shape[1])

    @property
    def bin_width(self) -> float:
        return float(np.mean(np.diff(self.positions)))

    @property
    def box(self) -> tuple[float, float]:
        """(low, high) edges: half a bin beyond the first and last bin centres."""
        h = 0.5 * self.bin_width
        lo, hi = float(self.positions[0] - h), float(self.positions[-1] + h)
        if abs(lo) < 1e-5 * (hi - lo):
            lo = 0.0  # a box starting at 0 read back from bin centres printed with six digits (LAMMPS)
        return lo, hi


def drop_overflow_bin(profile: TemperatureProfile, n_bins: int) -> TemperatureProfile:
    """``profile`` without a last, empty bin beyond the box where it holds ``n_bins`` + 1 bins.

    LAMMPS's ``compute chunk/atom bin/1d z lower DELTA`` makes int((hi - lo) / DELTA) bins and one more where they
    fall short of hi; with DELTA = Lz / n written as ``$(lz/n)`` the rounding of the quotient can leave the n bins
    short of hi by one unit in the last place, and an (n + 1)-th bin holding no atom is written (a run whose box
    NPT set to an unlucky length: one of four Si|Ge replicas of ``examples/md/si_ge_sw.toml``).  That bin is dropped
    here, so that the box is the n bins' and every bin holds atoms; any other count is left alone.
    """
    if profile.n_bins != n_bins + 1 or profile.counts is None or np.any(profile.counts[:, -1] > 0):
        return profile
    return TemperatureProfile(
        positions=profile.positions[:-1],
        temperatures=profile.temperatures[:, :-1],
        counts=profile.counts[:, :-1],
        steps=profile.steps,
        units=profile.units,
        source=profile.source,
        composition=None if profile.composition is None else profile.composition[:-1],
    )


def read_profile(
    path: str | os.PathLike,
    column: str | int | None = None,
    units: str = "lj",
    composition: str | int | None = None,
) -> TemperatureProfile:
    """Read a temperature profile from a LAMMPS ``fix ave/chunk`` file or a plain column file.

    Parameters
    ----------
    path : path-like
        The file.  ``ave/chunk`` files are recognised by their three ``#`` header lines.
    column : str or int, optional
        The temperature column: a name from the header (``v_T``, ``c_ke``, ``temp``) or a 0-based
        index.  Default: the first ave/chunk column after Coord1/Ncount whose name contains "t"
        or "temp" (else the last column); the second column of a plain file.
    units : str
        ``lj``, ``metal``, ``real`` or ``si`` (positions in sigma, Angstrom, Angstrom, m).
    composition : str or int, optional
        A column holding the composition (e.g. the fraction of species B), to locate interfaces.

    Raises
    ------
    InputError
        Missing, empty, binary, truncated or malformed file, NaN values, unknown column: one line
        naming the file and, where it applies, the line.
    """
    unit_system(units)
    p = Path(path)
    data = _read_bytes(p)
    if not data.isascii():
        raise InputError(f"profile {str(p)!r} is not a text file (non-ASCII bytes)")
    # the first three lines, found without copying the (possibly 100 MB) body
    ends, start = [], 0
    for _ in range(3):
        end = data.find(b"\n", start)
        if end < 0:
            break
        ends.append(end)
        start = end + 1
    head = data[: ends[-1]].decode("ascii").split("\n") if ends else [data.decode("ascii")]
    if len(ends) == 3 and all(line.lstrip().startswith("#") for line in head):
        return _read_ave_chunk(p, head, data[ends[-1] + 1 :], column, units, composition)
    return _read_columns(p, data.decode("ascii"), column, units, composition)


def _read_bytes(p: Path) -> bytes:
    where = f"profile {str(p)!r}"
    if not p.exists():
        raise InputError(f"{where} does not exist")
    if not p.is_file():
        raise InputError(f"{where} is not a file")
    size = p.stat().st_size
    if size > MAX_FILE_BYTES:
        raise InputError(
            f"{where} is {size / 1e9:.3g} GB; profiles up to {MAX_FILE_BYTES / 1e9:.3g} GB are read "
            f"(parsing needs ~{3 * size / 1e9:.3g} GB of memory); average fewer blocks or split the file"
        )
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(f"{where} cannot be read: {exc.strerror or type(exc).__name__}") from None
    if not data or data.isspace():
        raise InputError(f"{where} is empty")
    if b"\0" in data:
        raise InputError(f"{where} is not a text file (binary data)")
    return data


def _pick(names: list[str], spec: str | int | None, where: str, what: str) -> int:
    if isinstance(spec, (int, np.integer)) and not isinstance(spec, bool):
        if not 0 <= int(spec) < len(names):
            raise InputError(f"{where}: {what} index {int(spec)} is outside 0..{len(names) - 1}")
        return int(spec)
    text = str(spec).strip()
    if text.isdigit():
        return _pick(names, int(text), where, what)
    if text not in names:
        raise InputError(f"{where}: no {what} named {text!r}; the columns are {', '.join(names)}")
    return names.index(text)


def _read_ave_chunk(
    p: Path, head: list[str], body: bytes | str, column: str | int | None, units: str, composition: str | int | None
) -> TemperatureProfile:
    """``head``: the three header lines; ``body``: the rest of the file (ASCII bytes)."""
    where = f"ave/chunk file {str(p)!r}"
    names = head[2].lstrip().lstrip("#").split()
    if len(names) < 3 or names[0] != "Chunk" or "Coord1" not in names:
        raise InputError(
            f"{where} line 3: expected a header like '# Chunk Coord1 Ncount v_T' (fix ave/chunk with "
            f"chunk/atom bin/1d), got {head[2].strip()[:60]!r}"
        )
    ncol = len(names)
    if column is None:
        skip = {"Chunk", "Coord1", "Coord2", "Coord3", "Ncount"}
        candidates = [i for i, n in enumerate(names) if n not in skip]
        if not candidates:
            raise InputError(f"{where}: no value column after {', '.join(names)}")
        temp_like = [i for i in candidates if "temp" in names[i].lower() or names[i].lower().endswith("t")]
        col = (temp_like or candidates)[0]
    else:
        col = _pick(names, column, where, "column")
    comp_col = None if composition is None else _pick(names, composition, where, "composition column")
    first_line_no = 4
    if b"#" in body:  # appended runs (restarts, one fix per block) repeat the three header lines
        body = _drop_repeated_headers(body.decode("ascii"), head[:3], where, first_line_no, p)
    values, ok = parse_numbers(body)
    nblocks = 0
    if ok and values.size >= 3:
        nchunks = values[1]
        if nchunks >= 1 and nchunks == int(nchunks):
            stride = 3 + int(nchunks) * ncol
            if values.size % stride == 0:
                nblocks = values.size // stride
                table = values.reshape(nblocks, stride)
                headers = table[:, :3]
                chunks = table[:, 3:].reshape(nblocks, int(nchunks), ncol)
                good = (
                    np.all(headers[:, 1] == nchunks)
                    and np.all(chunks[:, :, 0] == np.arange(1, int(nchunks) + 1))
                    and np.all(np.diff(headers[:, 0]) > 0)
                    and _line_count_ok(body, nblocks * (int(nchunks) + 1))
                )
                if not good:
                    nblocks = 0
    if nblocks == 0:
        _diagnose_ave_chunk(body.decode("ascii") if isinstance(body, bytes) else body, ncol, where, first_line_no, p)
        raise InputError(f"{where}: the blocks do not follow the ave/chunk layout")  # pragma: no cover
    if not np.all(np.isfinite(chunks[:, :, col])):
        b, i = np.argwhere(~np.isfinite(chunks[:, :, col]))[0]
        line = first_line_no + b * (int(nchunks) + 1) + 1 + i
        raise InputError(f"{where} line {line}: {names[col]} is not a finite number")
    coords = chunks[0, :, names.index("Coord1")]
    if not np.all(chunks[:, :, names.index("Coord1")] == coords):
        raise InputError(f"{where}: the bin positions (Coord1) change between blocks; use fixed bins")
    counts = chunks[:, :, names.index("Ncount")] if "Ncount" in names else None
    comp = None
    if comp_col is not None:
        comp = np.mean(chunks[:, :, comp_col], axis=0)
    return TemperatureProfile(
        positions=coords,
        temperatures=chunks[:, :, col],
        counts=counts,
        steps=headers[:, 0],
        units=units,
        source=str(p),
        composition=comp,
    )


def _drop_repeated_headers(body: str, header: list[str], where: str, first: int, p: Path) -> str:
    """``body`` without comment lines that repeat the file's header; any other comment line is an error.

    Line numbers in later messages then count the data lines only (the message says so).
    """
    known = {line.strip() for line in header}
    kept = []
    for k, line in enumerate(body.split("\n")):
        stripped = line.strip()
        if stripped.startswith("#"):
            if stripped not in known:
                raise InputError(
                    f"{where} line {first + k}: a comment line that is not a repeat of the header "
                    f"({excerpt(p, stripped)}); were two different profiles appended to one file?"
                )
            continue
        kept.append(line)
    return "\n".join(kept)


def _line_count_ok(body: str | bytes, expected: int) -> bool:
    """Number of non-blank lines equals ``expected`` (a cheap count: blank lines are rare)."""
    newline = b"\n" if isinstance(body, bytes) else "\n"
    n = body.count(newline) + (0 if body.endswith(newline) else 1)
    if n == expected:
        return True
    return sum(1 for line in body.split(newline) if line.strip()) == expected


def _diagnose_ave_chunk(body: str, ncol: int, where: str, first: int, p: Path) -> None:
    """Walk the body line by line and raise InputError at the first line that breaks the layout."""
    lines = body.split("\n")
    expect_header = True
    remaining = 0
    nchunks = None
    last_step = None
    header_line = first
    for k, raw in enumerate(lines):
        lineno = first + k
        fields = raw.split()
        if not fields or fields[0].startswith("#"):
            continue
        try:
            nums = [float(f) for f in fields]
        except ValueError:
            bad = next(f for f in fields if not _is_number(f))
            raise InputError(f"{where} line {lineno}: {excerpt(p, bad)} is not a number") from None
        if expect_header:
            if len(nums) != 3:
                raise InputError(
                    f"{where} line {lineno}: expected a block header 'Timestep Number-of-chunks Total-count' "
                    f"(3 numbers), got {len(nums)}"
                )
            n = nums[1]
            if n < 1 or n != int(n) or (nchunks is not None and int(n) != nchunks):
                raise InputError(
                    f"{where} line {lineno}: block header names {n:g} chunks"
                    + (f", earlier blocks {nchunks}" if nchunks is not None else "")
                )
            if last_step is not None and nums[0] <= last_step:
                raise InputError(f"{where} line {lineno}: timestep {nums[0]:g} does not increase (after {last_step:g})")
            nchunks, last_step, remaining, header_line = int(n), nums[0], int(n), lineno
            expect_header = False
            continue
        if len(nums) != ncol:
            raise InputError(f"{where} line {lineno}: expected {ncol} columns, got {len(nums)}")
        if nums[0] != nchunks - remaining + 1:
            raise InputError(f"{where} line {lineno}: chunk {nums[0]:g} where {nchunks - remaining + 1} was expected")
        remaining -= 1
        expect_header = remaining == 0
    if nchunks is None:
        raise InputError(f"{where} holds no data blocks")
    if remaining:
        raise InputError(
            f"{where}: the last block (header at line {header_line}) is truncated: "
            f"{nchunks - remaining} of {nchunks} chunk lines"
        )


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _read_columns(
    p: Path, text: str, column: str | int | None, units: str, composition: str | int | None
) -> TemperatureProfile:
    where = f"profile {str(p)!r}"
    lines = text.splitlines()
    data_start = 0
    names: list[str] | None = None
    for k, raw in enumerate(lines):
        s = raw.strip()
        if not s or s.startswith("#"):
            continue
        fields = s.replace(",", " ").split()
        if not all(_is_number(f) for f in fields):
            names = fields
            data_start = k + 1
        else:
            data_start = k
        break
    body = [(k + 1, raw) for k, raw in enumerate(lines[data_start:], start=data_start)]
    rows: list[tuple[int, str]] = [(n, r) for n, r in body if r.strip() and not r.lstrip().startswith("#")]
    if not rows:
        raise InputError(f"{where} holds no data rows")
    sep = "," if "," in rows[0][1] else None
    ncol = len(rows[0][1].split(sep))
    if ncol < 2:
        raise InputError(f"{where} line {rows[0][0]}: expected columns 'position temperature [block]', got 1")
    if names is not None and len(names) != ncol:
        raise InputError(f"{where}: the header names {len(names)} columns, the data have {ncol}")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            table = np.loadtxt([r for _, r in rows], delimiter=sep, ndmin=2, dtype=float)
    except ValueError:
        for n, r in rows:
            fields = [f.strip() for f in r.split(sep)]
            if len(fields) != ncol:
                raise InputError(f"{where} line {n}: expected {ncol} columns, got {len(fields)}") from None
            bad = [f for f in fields if not _is_number(f)]
            if bad:
                raise InputError(f"{where} line {n}: {excerpt(p, bad[0])} is not a number") from None
        raise InputError(f"{where}: the columns cannot be read as numbers") from None
    if not np.all(np.isfinite(table)):
        r = int(np.argwhere(~np.isfinite(table))[0][0])
        raise InputError(f"{where} line {rows[r][0]}: NaN or infinite value")
    labels = names or ["position", "temperature", "block"][:ncol] + [f"col{i}" for i in range(3, ncol)]
    tcol = 1 if column is None else _pick(labels, column, where, "column")
    bcol = None
    if names is not None and "block" in [n.lower() for n in names]:
        bcol = [n.lower() for n in names].index("block")
    elif names is None and ncol >= 3:
        bcol = 2
    ccol = None if composition is None else _pick(labels, composition, where, "composition column")
    z_all = table[:, 0]
    if bcol is None:
        blocks = np.zeros(len(table))
    else:
        blocks = table[:, bcol]
    ids, inverse, sizes = np.unique(blocks, return_inverse=True, return_counts=True)
    if np.any(sizes != sizes[0]):
        b = int(np.argmin(sizes == sizes[0]))
        raise InputError(f"{where}: block {ids[b]:g} has {sizes[b]} bins, block {ids[0]:g} has {sizes[0]}")
    nb, nbins = ids.size, int(sizes[0])
    order = np.lexsort((z_all, inverse))
    z = z_all[order].reshape(nb, nbins)
    if not np.all(z == z[0]):
        raise InputError(f"{where}: the bin positions differ between blocks")
    temps = table[order, tcol].reshape(nb, nbins)
    comp = None if ccol is None else np.mean(table[order, ccol].reshape(nb, nbins), axis=0)
    return TemperatureProfile(
        positions=z[0], temperatures=temps, counts=None, steps=ids, units=units, source=str(p), composition=comp
    )
