"""The on-disk cache verifies every entry and recomputes what does not verify (issue 9, item 7).

Each test writes a real entry, damages it one way, and reruns: the result must equal a
fresh computation, the compute function must run again, and the file must be rewritten
into a valid entry.  No damage may raise.
"""

from __future__ import annotations

import zipfile

import numpy as np
import pytest

from kapitza.io import cache as cache_mod
from kapitza.io.cache import FORMAT_VERSION, cache_dir, cached_arrays


@pytest.fixture
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("KAPITZA_CACHE_DIR", str(tmp_path))
    return tmp_path


class Counter:
    """compute() for the cache that counts its calls; the arrays are a fixed function of the key."""

    def __init__(self, scale: float = 1.0):
        self.calls = 0
        self.scale = scale

    def __call__(self):
        self.calls += 1
        return {"matrix": self.scale * np.arange(12.0).reshape(3, 4), "labels": np.array([1, 2, 3])}


PARTS = {"structure": "Si", "positions": np.linspace(0.0, 1.0, 6).reshape(2, 3), "step": 0.01}


def _entry(kind="fc", parts=PARTS):
    files = sorted(cache_dir().glob(f"{kind}-*.npz"))
    assert len(files) == 1, files
    return files[0]


def _first_run(kind="fc", parts=PARTS):
    compute = Counter()
    first = cached_arrays(kind, parts, compute)
    assert compute.calls == 1
    again = cached_arrays(kind, parts, compute)
    assert compute.calls == 1, "a valid entry must be read, not recomputed"
    np.testing.assert_array_equal(again["matrix"], first["matrix"])
    return first, _entry(kind, parts)


def _rerun_recomputes(path, fresh, kind="fc", parts=PARTS):
    compute = Counter()
    out = cached_arrays(kind, parts, compute)
    assert compute.calls == 1, "a damaged entry must be recomputed"
    assert set(out) == set(fresh)
    for name in fresh:
        np.testing.assert_array_equal(out[name], fresh[name])
    # the entry was rewritten and now verifies
    check = Counter()
    cached_arrays(kind, parts, check)
    assert check.calls == 0
    assert zipfile.is_zipfile(path)


def test_format_version_bumped():
    """Entries of format 1 (no key, no checksum) must not be read as valid."""
    assert FORMAT_VERSION >= 2


def test_valid_entry_is_reused(private_cache):
    first, path = _first_run()
    assert first["matrix"].shape == (3, 4)
    with np.load(path, allow_pickle=False) as data:
        assert "__kapitza_key__" in data.files and "__kapitza_checksum__" in data.files


@pytest.mark.parametrize("keep", [0, 1, 10, 100, 0.5, 0.9])
def test_truncated_entry_is_recomputed(private_cache, keep):
    fresh, path = _first_run()
    data = path.read_bytes()
    n = int(keep * len(data)) if isinstance(keep, float) else keep
    path.write_bytes(data[:n])
    _rerun_recomputes(path, fresh)


def test_empty_entry_is_recomputed(private_cache):
    fresh, path = _first_run()
    path.write_bytes(b"")
    _rerun_recomputes(path, fresh)


def test_not_a_zip_is_recomputed(private_cache):
    fresh, path = _first_run()
    path.write_bytes(b"this is not a zip file at all\n" * 10)
    _rerun_recomputes(path, fresh)


def test_npy_instead_of_npz_is_recomputed(private_cache):
    fresh, path = _first_run()
    with open(path, "wb") as fh:
        np.save(fh, np.ones(3))
    _rerun_recomputes(path, fresh)


@pytest.mark.parametrize("where", [0.3, 0.5, 0.7, 0.95])
def test_bit_flipped_entry_is_recomputed(private_cache, where):
    fresh, path = _first_run()
    data = bytearray(path.read_bytes())
    data[int(where * len(data))] ^= 0x10
    path.write_bytes(bytes(data))
    _rerun_recomputes(path, fresh)


def _rewrite(path, **changes):
    """Rewrite the entry with some arrays changed, keeping the stored key and checksum."""
    with np.load(path, allow_pickle=False) as data:
        arrays = {name: data[name] for name in data.files}
    arrays.update(changes)
    with open(path, "wb") as fh:
        np.savez(fh, **arrays)


def test_scaled_entry_is_recomputed(private_cache):
    """The review's 'scaled by 1.1' file was used silently before the checksum."""
    fresh, path = _first_run()
    _rewrite(path, matrix=1.1 * fresh["matrix"])
    _rerun_recomputes(path, fresh)


def test_wrong_shape_entry_is_recomputed(private_cache):
    fresh, path = _first_run()
    _rewrite(path, matrix=fresh["matrix"].reshape(4, 3))
    _rerun_recomputes(path, fresh)


def test_missing_array_is_recomputed(private_cache):
    fresh, path = _first_run()
    with np.load(path, allow_pickle=False) as data:
        arrays = {name: data[name] for name in data.files if name != "labels"}
    with open(path, "wb") as fh:
        np.savez(fh, **arrays)
    _rerun_recomputes(path, fresh)


def test_wrong_key_entry_is_recomputed(private_cache):
    """An entry of another key (valid in itself) copied onto this key's file is not used."""
    fresh, path = _first_run()
    other_parts = {**PARTS, "step": 0.02}
    cached_arrays("fc", other_parts, Counter(scale=2.0))
    other = [p for p in cache_dir().glob("fc-*.npz") if p != path]
    assert len(other) == 1
    path.write_bytes(other[0].read_bytes())
    _rerun_recomputes(path, fresh)


def test_old_format_entry_is_recomputed(private_cache):
    """A format-1 entry (arrays only) at this key's file name is not trusted."""
    fresh, path = _first_run()
    with open(path, "wb") as fh:
        np.savez(fh, matrix=fresh["matrix"], labels=fresh["labels"])
    _rerun_recomputes(path, fresh)


def test_pickled_object_entry_is_not_loaded(private_cache):
    """An object array (pickle) in an entry is refused by allow_pickle=False and recomputed."""
    fresh, path = _first_run()
    with open(path, "wb") as fh:
        np.savez(fh, matrix=np.array([{"a": 1}], dtype=object))
    _rerun_recomputes(path, fresh)


def test_folder_in_place_of_entry_computes(private_cache):
    fresh, path = _first_run()
    path.unlink()
    path.mkdir()
    compute = Counter()
    out = cached_arrays("fc", PARTS, compute)
    assert compute.calls == 1
    np.testing.assert_array_equal(out["matrix"], fresh["matrix"])


def test_checksum_depends_on_dtype_and_shape():
    a = np.arange(6.0)
    assert cache_mod.checksum({"x": a}) != cache_mod.checksum({"x": a.reshape(2, 3)})
    assert cache_mod.checksum({"x": a}) != cache_mod.checksum({"x": a.astype(np.float32)})
    assert cache_mod.checksum({"x": a}) == cache_mod.checksum({"x": a.copy()})


def test_cache_fuzz_random_bytes(private_cache):
    """Random bytes (and random bytes behind a zip header) at the entry's path never raise."""
    fresh, path = _first_run()
    rng = np.random.default_rng(20240609)
    valid = path.read_bytes()
    for trial in range(40):
        n = int(rng.integers(0, 2 * len(valid)))
        junk = rng.integers(0, 256, size=n, dtype=np.uint8).tobytes()
        if trial % 2:
            junk = valid[: int(rng.integers(0, len(valid)))] + junk
        path.write_bytes(junk)
        compute = Counter()
        out = cached_arrays("fc", PARTS, compute)
        np.testing.assert_array_equal(out["matrix"], fresh["matrix"])
        assert compute.calls in (0, 1)


def test_a_cache_setting_that_names_a_file_is_one_line(tmp_path, monkeypatch):
    """KAPITZA_CACHE_DIR naming a file (a user's mistake) is refused in one line naming the setting, before anything
    is computed; the default folder that cannot be made (a read-only home) costs the cache, not the result."""
    from kapitza.errors import InputError

    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("KAPITZA_CACHE_DIR", str(blocker))
    computed = []
    with pytest.raises(InputError, match="KAPITZA_CACHE_DIR=.*a-file.* is not a folder kapitza can use"):
        cached_arrays("k", {"a": 1}, lambda: computed.append(1) or {"x": np.ones(2)})
    assert computed == []
    monkeypatch.delenv("KAPITZA_CACHE_DIR")
    monkeypatch.setenv("HOME", str(blocker))  # ~/.cache/kapitza below a file: cannot be made
    out = cached_arrays("k", {"a": 1}, lambda: {"x": np.ones(2)})
    assert np.array_equal(out["x"], np.ones(2)) and blocker.read_text() == "not a folder"
