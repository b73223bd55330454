"""The one result mechanism (kapitza.io.results) and the one output check (io.atomic.check_writable).

Every command's output options go through ``cli.common.check_output`` -> ``check_writable`` (before
issue 9, predict and agf each had their own ``_check_suffix``, which let unwritable targets fail
only after the computation); these tests pin the shared behaviour.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import ClassVar

import numpy as np
import pytest

from kapitza._version import __version__
from kapitza.cli.common import check_output
from kapitza.errors import InputError
from kapitza.io.atomic import atomic_write_text, check_writable
from kapitza.io.results import result


@result
class Example:
    name: str
    temperature: np.ndarray
    table: dict
    items: list
    _summary_fields: ClassVar[tuple[str, ...]] = ("name", "temperature")


def make(**kwargs) -> Example:
    values = dict(name="x", temperature=np.array([1.0, np.inf, 300.0]), table={"a": [1, 2]}, items=[1, 2])
    values.update(kwargs)
    return Example(**values)


def test_arrays_are_read_only_copies_and_containers_frozen():
    source = np.array([1.0, 2.0])
    r = make(temperature=source)
    with pytest.raises(ValueError):
        r.temperature[0] = 5.0
    source[0] = 99.0  # the caller's array stays the caller's
    assert r.temperature[0] == 1.0
    with pytest.raises(TypeError):
        r.table["b"] = 1
    assert r.table["a"] == (1, 2) and r.items == (1, 2)
    with pytest.raises(AttributeError):
        r.name = "y"


def test_repr_is_one_short_line_with_array_summaries():
    r = make(temperature=np.linspace(1.0, 300.0, 100_000))
    text = repr(r)
    assert text == str(r)
    assert "\n" not in text and len(text) < 240
    assert text == "Example(name='x', temperature=array[100000] 1..300)"


def test_save_json_and_npz_round_trip_with_version(tmp_path):
    r = make()
    doc = json.loads(Path(r.save(tmp_path / "r.json")).read_text())
    assert doc["kind"] == "Example" and doc["kapitza_version"] == __version__
    assert doc["result"]["temperature"] == [1.0, "inf", 300.0]  # strict JSON: no bare Infinity
    assert doc["result"]["table"] == {"a": [1, 2]}
    with np.load(r.save(tmp_path / "r.npz"), allow_pickle=False) as data:
        np.testing.assert_array_equal(data["temperature"], r.temperature)
        assert json.loads(str(data["metadata"]))["kind"] == "Example"


@result
class Grouped:
    """A report whose two last fields were once a nested result's: saved under its old key ("inner")."""

    _to_dict_is_document: ClassVar[bool] = True
    _saved_groups: ClassVar[dict] = {"inner": ("temperature", "label")}

    name: str
    temperature: np.ndarray
    label: str = ""

    def to_dict(self) -> dict:
        return {"a document": self.name}


def test_a_saved_group_keeps_the_files_layout_both_ways(tmp_path):
    """``_saved_groups`` (issue 76): fields that were a nested result's are written under its key, in JSON and as
    the .npz's array names, and read back from there; the document of ``to_dict`` is untouched."""
    from kapitza.io.results import load

    r = Grouped(name="x", temperature=np.array([1.0, 300.0]), label="y")
    doc = json.loads(Path(r.save(tmp_path / "g.json")).read_text())
    assert doc["result"] == {"name": "x", "inner": {"temperature": [1.0, 300.0], "label": "y"}}
    with np.load(r.save(tmp_path / "g.npz"), allow_pickle=False) as data:
        assert "inner.temperature" in data.files
    for suffix in ("json", "npz"):
        back = load(tmp_path / f"g.{suffix}")
        assert back.name == "x" and back.label == "y" and list(back.temperature) == [1.0, 300.0]
    assert r.to_dict() == {"a document": "x"}


def test_save_refuses_unknown_suffix_and_leaves_nothing(tmp_path):
    with pytest.raises(InputError, match=r"\.json or \.npz"):
        make().save(tmp_path / "r.txt")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("where", ["directory", "missing-folder", "under-a-file", "proc"])
def test_check_writable_refuses_before_any_work(tmp_path, where):
    (tmp_path / "file").write_text("x")
    target = {
        "directory": tmp_path,
        "missing-folder": tmp_path / "nope" / "g.png",
        "under-a-file": tmp_path / "file" / "g.png",
        "proc": Path("/proc/kapitza-test.png"),
    }[where]
    with pytest.raises(InputError, match="--plot"):
        check_writable(target, "--plot")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]  # the probe left nothing behind


def test_check_output_checks_suffix_then_place(tmp_path):
    with pytest.raises(InputError, match=r"--csv file .* must end in one of \.csv"):
        check_output(tmp_path / "g.txt", (".csv",), "--csv")
    assert check_output(tmp_path / "g.CSV", (".csv",), "--csv") == tmp_path / "g.CSV"


def test_atomic_write_respects_umask_without_changing_it(tmp_path):
    """Issue 9: io.py set os.umask(0) briefly (unsafe with threads); files must get 0o666 & ~umask."""
    code = (
        "import os, sys; os.umask(0o027); from kapitza.io.atomic import atomic_write_text; "
        f"atomic_write_text({str(tmp_path / 'f.txt')!r}, 'x'); "
        "m = os.umask(0o022); print(oct(m), oct(os.stat(" + repr(str(tmp_path / "f.txt")) + ").st_mode & 0o777))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["0o27", "0o640"]
    assert atomic_write_text(tmp_path / "g.txt", "y").read_text() == "y"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    assert os.stat(tmp_path / "g.txt").st_mode & 0o777 == 0o666 & ~_current_umask()


def _current_umask() -> int:
    out = subprocess.run(
        [sys.executable, "-c", "import os; m = os.umask(0); print(m)"], capture_output=True, text=True, check=True
    )
    return int(out.stdout)


def test_atomic_write_never_touches_the_process_umask(tmp_path, monkeypatch):
    """Issue 9 item 6: the old io.py called os.umask(0) (and back) on every write; with threads that
    briefly gave other threads' files mode 0o666.  Any call to os.umask now fails the test."""

    def forbidden(mask):
        raise AssertionError("kapitza changed the process umask")

    monkeypatch.setattr(os, "umask", forbidden)
    atomic_write_text(tmp_path / "h.txt", "z")
    make().save(tmp_path / "h.json")
    assert (tmp_path / "h.txt").read_text() == "z"
