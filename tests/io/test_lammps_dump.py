"""io.lammps_dump: the vectorised reader of uniform dumps gives what the frame-by-frame reader gives."""

from __future__ import annotations

import numpy as np
import pytest

from kapitza.errors import InputError
from kapitza.io import lammps_dump


def _dump(path, steps, n_atoms=5, columns="vx vy vz", seed=0, atoms_of=None):
    rng = np.random.default_rng(seed)
    parts = []
    for step in steps:
        n = atoms_of(step) if atoms_of else n_atoms
        parts.append(f"ITEM: TIMESTEP\n{step}\nITEM: NUMBER OF ATOMS\n{n}\nITEM: BOX BOUNDS pp pp pp\n")
        parts.append(f"0 {1 + step / 1000:.10g}\n-1 2\n0 3.5\nITEM: ATOMS id {columns}\n")
        k = len(columns.split())
        for i in range(1, n + 1):
            parts.append(f"{i} " + " ".join(f"{x:.10g}" for x in rng.standard_normal(k)) + "\n")
    path.write_text("".join(parts))
    return path


def test_uniform_dump_is_read_in_one_pass_with_the_same_arrays(tmp_path):
    """Same timesteps, boxes, ids, columns and values (bit for bit) as the frame-by-frame reader; n and after."""
    path = _dump(tmp_path / "a.dump", range(0, 50, 5))
    assert lammps_dump._read_uniform(path, None, None) is not None  # the fast path is taken
    for n, after in ((None, None), (4, None), (3, 10)):
        fast = lammps_dump.read_frames(path, n, after=after)
        slow = lammps_dump._read_frame_by_frame(path, n, after)
        assert fast.columns == slow.columns == ("vx", "vy", "vz")
        np.testing.assert_array_equal(fast.timesteps, slow.timesteps)
        np.testing.assert_array_equal(fast.boxes, slow.boxes)
        np.testing.assert_array_equal(fast.ids, slow.ids)
        np.testing.assert_array_equal(fast.values, slow.values)
    assert lammps_dump.read_frames(path, 3, after=10).timesteps.tolist() == [15, 20, 25]


def test_irregular_dumps_fall_back_and_are_diagnosed(tmp_path):
    """A frame with another atom count or a cut-off last frame leaves the fast path; the error names it."""
    odd = _dump(tmp_path / "odd.dump", range(0, 20, 5), atoms_of=lambda s: 6 if s == 10 else 5)
    assert lammps_dump._read_uniform(odd, None, None) is None
    with pytest.raises(InputError, match="other atoms or columns"):
        lammps_dump.read_frames(odd)
    cut = _dump(tmp_path / "cut.dump", range(0, 20, 5))
    cut.write_text(cut.read_text()[:-30])
    assert lammps_dump._read_uniform(cut, None, None) is None
    with pytest.raises(InputError, match="ends inside a frame"):
        lammps_dump.read_frames(cut)
    with pytest.raises(InputError, match="expected 9"):
        lammps_dump.read_frames(_dump(tmp_path / "short.dump", range(0, 20, 5)), 9)


def _assert_read_only(obj):
    arrays = {f: getattr(obj, f) for f in ("box", "boxes", "timesteps", "ids", "values") if hasattr(obj, f)}
    assert arrays
    for name, array in arrays.items():
        assert isinstance(array, np.ndarray) and not array.flags.writeable, name
        with pytest.raises(ValueError, match="read-only"):
            array.flat[0] = 0


def test_frames_are_read_only_from_every_reader(tmp_path):
    """Issue 26 item 6: every public array read-only; the fast path, the frame-by-frame path and iter_frames."""
    path = _dump(tmp_path / "a.dump", range(0, 30, 10))
    for frames in (lammps_dump.read_frames(path), lammps_dump._read_frame_by_frame(path, None, None)):
        _assert_read_only(frames)
        assert frames.values.base is None  # the values own their data: not a view into the parsed text's array
    for frame in lammps_dump.iter_frames(path):
        _assert_read_only(frame)


def test_frames_built_by_hand_copy_a_writeable_array():
    """A caller's writeable array is copied before it is locked: the caller's own stays writeable and unchanged."""
    values = np.arange(6.0).reshape(2, 3)
    frame = lammps_dump.DumpFrame(0, np.zeros((3, 2)), ("vx", "vy", "vz"), np.array([1, 2]), values)
    _assert_read_only(frame)
    assert values.flags.writeable and frame.values is not values
    np.testing.assert_array_equal(frame.values, values)
