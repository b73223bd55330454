"""Atomic file writes: content, permissions, failure leaves the old file."""

from __future__ import annotations

import os
import stat

import pytest

from kapitza.io import atomic_write, atomic_write_text


def test_written_file_has_umask_permissions_not_0600(tmp_path):
    mask = os.umask(0o022)
    try:
        path = atomic_write_text(tmp_path / "out.csv", "a,b\n")
    finally:
        os.umask(mask)
    assert path.read_text() == "a,b\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


def test_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "keep.txt"
    target.write_text("old")

    def broken(p):
        p.write_text("half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        atomic_write(target, broken)
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.txt"]
