"""A strict reader of LAMMPS text dump files (``dump custom``), frame by frame.

A frame is::

    ITEM: TIMESTEP
    <step>
    ITEM: NUMBER OF ATOMS
    <n>
    ITEM: BOX BOUNDS <flags>
    <lo> <hi>      (three lines; orthogonal boxes only)
    ITEM: ATOMS <column names>
    <n rows>

:func:`iter_frames` yields them one at a time (the memory is one frame);
:func:`read_frames` stacks ``n`` of them into one array.  Anything malformed
(a missing item, a short or cut-off frame, a non-number, a frame whose atoms
or columns differ from the first's) is an InputError naming the file and line.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..errors import InputError
from .numbers_text import parse_numbers
from .paths import excerpt
from .results import freeze_value

__all__ = ["DumpFrame", "DumpFrames", "iter_frames", "read_frames"]


def _freeze_arrays(obj: DumpFrame | DumpFrames) -> None:
    """Every array field read-only, as every result's (:func:`kapitza.io.results.freeze_value`): an array given
    writeable (or a view) is copied first; the readers hand over arrays they own already locked, so the frames of a
    large dump are never copied twice."""
    for f in fields(obj):
        value = getattr(obj, f.name)
        if isinstance(value, np.ndarray):
            object.__setattr__(obj, f.name, freeze_value(value))


def _locked(array: NDArray[Any]) -> NDArray[Any]:
    """``array`` (owned by the reader, no other reference) made read-only in place."""
    array.setflags(write=False)
    return array


@dataclass(frozen=True)
class DumpFrame:
    """One frame: ``timestep``; ``box`` (3, 2) lo/hi; ``columns`` names after ``id``; ``ids`` (atoms,) int;
    ``values`` (atoms, len(columns)) float.  The arrays are read-only."""

    timestep: int
    box: NDArray[np.float64]
    columns: tuple[str, ...]
    ids: NDArray[np.int64]
    values: NDArray[np.float64]

    def __post_init__(self) -> None:
        _freeze_arrays(self)


@dataclass(frozen=True)
class DumpFrames:
    """``n`` frames stacked: ``timesteps`` (n,), ``boxes`` (n, 3, 2), ``ids`` (atoms,), ``values`` (n, atoms, k).
    The arrays are read-only."""

    timesteps: NDArray[np.int64]
    boxes: NDArray[np.float64]
    columns: tuple[str, ...]
    ids: NDArray[np.int64]
    values: NDArray[np.float64]

    def __post_init__(self) -> None:
        _freeze_arrays(self)


def _expect(handle, path: str, line_no: list[int], prefix: str) -> str:
    line = handle.readline()
    line_no[0] += 1
    if not line:
        raise InputError(f"{path}: ends inside a frame (line {line_no[0]}, expected {prefix!r})")
    if not line.startswith(prefix):
        raise InputError(f"{path} line {line_no[0]}: expected {prefix!r}, got {excerpt(path, line)}")
    return line


def _number_line(handle, path: str, line_no: list[int], count: int) -> list[float]:
    line = handle.readline()
    line_no[0] += 1
    if not line.endswith("\n"):
        raise InputError(f"{path}: ends inside a frame (line {line_no[0]})")
    fields = line.split()
    if len(fields) < count:
        raise InputError(f"{path} line {line_no[0]}: expected {count} numbers, got {excerpt(path, line)}")
    try:
        return [float(x) for x in fields[:count]]
    except ValueError:
        raise InputError(f"{path} line {line_no[0]}: not a number in {excerpt(path, line)}") from None


def iter_frames(path: str | os.PathLike) -> Iterator[DumpFrame]:
    """The frames of a ``dump custom`` text file whose first column is ``id``, one at a time."""
    name = str(path)
    line_no = [0]
    try:
        handle = open(Path(path), encoding="ascii", newline="\n")
    except OSError as exc:
        raise InputError(f"cannot read dump file {name!r}: {exc.strerror or exc}") from None
    with handle:
        while True:
            first = handle.readline()
            if not first:
                return
            line_no[0] += 1
            if first.strip() != "ITEM: TIMESTEP":
                raise InputError(f"{name} line {line_no[0]}: expected 'ITEM: TIMESTEP', got {excerpt(name, first)}")
            step = _number_line(handle, name, line_no, 1)[0]
            _expect(handle, name, line_no, "ITEM: NUMBER OF ATOMS")
            n_atoms = _number_line(handle, name, line_no, 1)[0]
            if n_atoms != int(n_atoms) or n_atoms < 1 or step != int(step):
                raise InputError(f"{name} line {line_no[0]}: bad timestep or atom count")
            n_atoms = int(n_atoms)
            bounds = _expect(handle, name, line_no, "ITEM: BOX BOUNDS")
            if "xy" in bounds.split():
                raise InputError(f"{name} line {line_no[0]}: triclinic boxes are not supported")
            box = np.array([_number_line(handle, name, line_no, 2) for _ in range(3)])
            header = _expect(handle, name, line_no, "ITEM: ATOMS").split()[2:]
            if not header or header[0] != "id":
                raise InputError(
                    f"{name} line {line_no[0]}: the first column must be id, got {excerpt(name, ' '.join(header))}"
                )
            rows = []
            for _ in range(n_atoms):  # stop at the end of the file: an atom count of 1e12 must not loop 1e12 times
                row = handle.readline()
                rows.append(row)
                if not row.endswith("\n"):
                    break
            start = line_no[0] + 1
            line_no[0] += len(rows)
            if not rows[-1].endswith("\n"):
                raise InputError(f"{name}: ends inside a frame (timestep {int(step)}, from line {start})")
            try:
                data = np.array("".join(rows).split(), dtype=np.float64)
            except ValueError:
                raise InputError(
                    f"{name}: a non-number in the frame of timestep {int(step)} (lines {start}+)"
                ) from None
            if data.size != n_atoms * len(header):
                raise InputError(
                    f"{name}: the frame of timestep {int(step)} (lines {start}+) has {data.size} numbers, "
                    f"expected {n_atoms} atoms x {len(header)} columns"
                )
            data = data.reshape(n_atoms, len(header))
            ids = _locked(data[:, 0].astype(np.int64))
            yield DumpFrame(int(step), _locked(box), tuple(header[1:]), ids, data[:, 1:])  # values: copied, locked


def read_frames(path: str | os.PathLike, n: int | None = None, *, after: int | None = None) -> DumpFrames:
    """Stack the frames of a dump (all, or the first ``n`` with timestep > ``after``) into one array.

    Every frame must hold the same atoms (ids) and columns as the first; fewer than ``n`` frames is an
    InputError.  The file is read at once (a block's dump, tens of MB) and, when every frame has the first
    frame's layout (what LAMMPS writes), its rows are parsed in one vectorised pass
    (:func:`kapitza.io.numbers_text.parse_numbers`, exact to the bit); anything else goes through
    :func:`iter_frames`, which names the first malformed line.  Memory: the file's text plus the frames.
    """
    fast = _read_uniform(path, n, after)
    if fast is not None:
        return fast
    return _read_frame_by_frame(path, n, after)


def _read_uniform(path: str | os.PathLike, n: int | None, after: int | None) -> DumpFrames | None:
    """The frames when every frame has the first's header and atom count; None to fall back to the checked path."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read dump file {str(path)!r}: {exc.strerror or exc}") from None
    lines = data.split(b"\n")
    if len(lines) < 10 or lines[0].strip() != b"ITEM: TIMESTEP" or not lines[3].strip().isdigit():
        return None
    n_atoms = int(lines[3])
    header = lines[8]
    if n_atoms < 1 or not header.startswith(b"ITEM: ATOMS id ") or b"xy" in lines[4].split():
        return None
    per = 9 + n_atoms
    count = (len(lines) - 1) // per
    if lines[-1] != b"" or (len(lines) - 1) % per:
        return None  # a cut-off or irregular file: the checked path says where
    keep: list[int] = []
    for k in range(count):
        base = k * per
        if (
            lines[base] != lines[0]
            or lines[base + 2] != lines[2]
            or lines[base + 3].strip() != lines[3].strip()
            or lines[base + 8] != header
            or not lines[base + 1].strip().isdigit()
        ):
            return None
        if after is None or int(lines[base + 1]) > after:
            keep.append(k)
        if n is not None and len(keep) == n:
            break
    if n is not None and len(keep) < n:
        where = f" after timestep {after}" if after is not None else ""
        raise InputError(f"{str(path)}: {len(keep)} frames{where}, expected {n} (a cut-off dump?)")
    if not keep:
        raise InputError(f"{str(path)}: no frames")
    names = header.decode("ascii", errors="replace").split()[2:]
    ncol = len(names)
    rows = b"\n".join(b"\n".join(lines[k * per + 9 : (k + 1) * per]) for k in keep)
    boxes_text = b"\n".join(b"\n".join(lines[k * per + 5 : k * per + 8]) for k in keep)
    values, ok = parse_numbers(rows)
    box_values, box_ok = parse_numbers(boxes_text)
    if not ok or values.size != len(keep) * n_atoms * ncol or not box_ok or box_values.size != len(keep) * 6:
        return None
    values = values.reshape(len(keep), n_atoms, ncol)
    ids = values[0, :, 0].astype(np.int64)
    if np.any(values[:, :, 0] != values[0:1, :, 0]):
        return None  # atoms differ between frames: the checked path names the frame
    steps = np.array([int(lines[k * per + 1]) for k in keep], dtype=np.int64)
    frames = _locked(values[:, :, 1:].copy())
    return DumpFrames(_locked(steps), box_values.reshape(len(keep), 3, 2), tuple(names[1:]), _locked(ids), frames)


def _read_frame_by_frame(path: str | os.PathLike, n: int | None, after: int | None) -> DumpFrames:
    """:func:`read_frames` through :func:`iter_frames` (the path that diagnoses malformed files)."""
    steps: list[int] = []
    boxes: list[NDArray[np.float64]] = []
    rows: list[NDArray[np.float64]] = []
    values: NDArray[np.float64] | None = None
    ids: NDArray[np.int64] | None = None
    columns: tuple[str, ...] = ()
    for frame in iter_frames(path):
        if after is not None and frame.timestep <= after:
            continue
        if ids is None:
            ids, columns = frame.ids, frame.columns
            if n is not None:
                values = np.empty((n, *frame.values.shape))
        elif frame.columns != columns or frame.ids.shape != ids.shape or np.any(frame.ids != ids):
            raise InputError(f"{str(path)}: the frame of timestep {frame.timestep} holds other atoms or columns")
        if values is not None:
            values[len(steps)] = frame.values
        else:
            rows.append(frame.values)
        steps.append(frame.timestep)
        boxes.append(frame.box)
        if n is not None and len(steps) == n:
            break
    if n is not None and len(steps) < n:
        where = f" after timestep {after}" if after is not None else ""
        raise InputError(f"{str(path)}: {len(steps)} frames{where}, expected {n} (a cut-off dump?)")
    if ids is None:
        raise InputError(f"{str(path)}: no frames")
    stacked = values if values is not None else np.stack(rows)
    return DumpFrames(np.array(steps, dtype=np.int64), np.stack(boxes), columns, ids, _locked(stacked))
