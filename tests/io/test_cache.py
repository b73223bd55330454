"""The on-disk cache is signed with the user's own key and checks what it reads back (issue 9, item 7; issue 51,
items 2 and 5).

Each test writes a real entry, damages or forges it one way, and reruns: the result must equal a fresh
computation, the compute function must run again, the file must be rewritten into a valid entry, and the user is
told once (one :class:`CacheNote`).  Nothing read may raise.  A forger is given what a forger with write access to
the cache folder has: every entry's bytes, the format (this module), but not the key file; a "signed" damaged entry
(signed with the user's own key) stands for an entry kapitza itself wrote wrong, which the checks after the
signature must still refuse.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
import tracemalloc
import warnings
import zipfile

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kapitza.errors import CacheNote, InputError
from kapitza.io import cache as cache_mod
from kapitza.io.cache import FORMAT_VERSION, HEADER_BYTES, MAGIC, cache_dir, cached_arrays, key_file

#: Hypothesis settings of this module: bounded, repeatable, no example database (the default suite stays fast).
FUZZ = settings(
    max_examples=60,
    deadline=2000,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def private_cache(tmp_path, monkeypatch):
    """A cache folder and a key file of this test alone (the key beside the folder, not in it)."""
    monkeypatch.setenv("KAPITZA_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("KAPITZA_CACHE_KEY", str(tmp_path / "config" / "cache.key"))
    monkeypatch.setattr(cache_mod, "_told", set())
    return tmp_path / "cache"


class Counter:
    """compute() for the cache that counts its calls; the arrays are a fixed function of the key."""

    def __init__(self, scale: float = 1.0):
        self.calls = 0
        self.scale = scale

    def __call__(self):
        self.calls += 1
        return {"matrix": self.scale * np.arange(12.0).reshape(3, 4), "labels": np.array([1, 2, 3])}


PARTS = {"structure": "Si", "positions": np.linspace(0.0, 1.0, 6).reshape(2, 3), "step": 0.01}
SHAPES = {"matrix": (3, 4), "labels": (3,)}


def _entry(kind="fc"):
    files = sorted(cache_dir().glob(f"{kind}-*.entry"))
    assert len(files) == 1, files
    return files[0]


def _first_run(kind="fc", parts=PARTS, **options):
    for old in cache_dir().glob("*.entry"):  # hypothesis reruns a test in one folder: each example starts empty
        old.unlink()
    compute = Counter()
    first = cached_arrays(kind, parts, compute, **options)
    assert compute.calls == 1
    again = cached_arrays(kind, parts, compute, **options)
    assert compute.calls == 1, "a valid entry must be read, not recomputed"
    np.testing.assert_array_equal(again["matrix"], first["matrix"])
    return first, _entry(kind)


def _notes(record) -> list[str]:
    return [str(w.message) for w in record if issubclass(w.category, CacheNote)]


def _rerun_recomputes(path, fresh, kind="fc", parts=PARTS, notes=1, **options):
    compute = Counter()
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        out = cached_arrays(kind, parts, compute, **options)
    assert compute.calls == 1, "a damaged or forged entry must be recomputed"
    assert set(out) == set(fresh)
    for name in fresh:
        np.testing.assert_array_equal(out[name], fresh[name])
    told = _notes(record)
    assert len(told) == notes, told
    if notes:  # the note names the entry; what the tests below match is why, after the name
        assert told[0].startswith(f"the cache entry {str(path)!r} ") and told[0].endswith(": not used, recomputed")
        told = [t.split(f"{str(path)!r} ", 1)[1] for t in told]
    # the entry was rewritten and now verifies, quietly
    check = Counter()
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        cached_arrays(kind, parts, check, **options)
    assert check.calls == 0 and _notes(record) == []
    assert path.read_bytes().startswith(MAGIC)
    return told


def _secret() -> bytes:
    return key_file().read_bytes()


def _unpack(path) -> dict:
    """The arrays of an entry, as anyone who can read the cache folder reads them (the payload is a plain npz)."""
    with np.load(io.BytesIO(path.read_bytes()[HEADER_BYTES:]), allow_pickle=False) as data:
        return {name: data[name] for name in data.files}


def _write_signed(path, payload: bytes, secret: bytes) -> None:
    """An entry of ``payload`` signed with ``secret``."""
    path.write_bytes(MAGIC + len(payload).to_bytes(8, "little") + cache_mod._tag(secret, payload) + payload)


def _rewrite(path, secret=None, **changes):
    """Rewrite the entry with some arrays changed (None: removed), signed with ``secret`` (default: a forger's
    guess, 32 random bytes; the user's own key stands for an entry kapitza wrote wrong)."""
    arrays = _unpack(path)
    arrays.update(changes)
    arrays = {k: v for k, v in arrays.items() if v is not None}
    _write_signed(path, cache_mod._payload(arrays), os.urandom(32) if secret is None else secret)


def test_format_version_bumped():
    """Entries of formats 1 and 2 (unsigned) must not be read: their file names change with the version."""
    assert FORMAT_VERSION >= 3


def test_valid_entry_is_reused_and_its_key_file_is_made_private(private_cache):
    first, path = _first_run()
    assert first["matrix"].shape == (3, 4) and first["matrix"].flags.writeable
    data = path.read_bytes()
    assert data.startswith(MAGIC) and zipfile.is_zipfile(io.BytesIO(data[HEADER_BYTES:]))
    assert set(_unpack(path)) == {"matrix", "labels", "__kapitza_key__"}
    key = key_file()
    assert key.stat().st_size == 32 and (key.stat().st_mode & 0o777) == 0o600
    assert not str(key).startswith(str(private_cache))
    assert os.listdir(key.parent) == ["cache.key"]  # no temporary file left beside it


@pytest.mark.parametrize("keep", [0, 1, 10, 100, 0.5, 0.9])
def test_truncated_entry_is_recomputed(private_cache, keep):
    fresh, path = _first_run()
    data = path.read_bytes()
    n = int(keep * len(data)) if isinstance(keep, float) else keep
    path.write_bytes(data[:n])
    _rerun_recomputes(path, fresh)


def test_not_an_entry_is_recomputed(private_cache):
    fresh, path = _first_run()
    for junk in (b"", b"this is not a zip file at all\n" * 10):
        path.write_bytes(junk)
        _rerun_recomputes(path, fresh)
        cache_mod._told.clear()


def test_npz_of_the_old_formats_is_recomputed(private_cache):
    """A plain npz (format 1: arrays only; format 2: with the key and an unkeyed checksum) is not an entry."""
    fresh, path = _first_run()
    with open(path, "wb") as fh:
        np.savez(fh, matrix=fresh["matrix"], labels=fresh["labels"])
    _rerun_recomputes(path, fresh)


@pytest.mark.parametrize("where", [0.01, 0.3, 0.5, 0.7, 0.95])
def test_bit_flipped_entry_is_recomputed(private_cache, where):
    fresh, path = _first_run()
    data = bytearray(path.read_bytes())
    data[int(where * len(data))] ^= 0x10
    path.write_bytes(bytes(data))
    _rerun_recomputes(path, fresh)


def test_forged_entry_is_recomputed_with_one_note(private_cache):
    """The review's forgery: force constants scaled by 1.1, the entry rewritten with everything a forger with write
    access has (the stored key, the format, a fresh tag under a key of their own): not used, recomputed, told."""
    fresh, path = _first_run()
    _rewrite(path, matrix=1.1 * fresh["matrix"])
    assert not np.array_equal(_unpack(path)["matrix"], fresh["matrix"])
    told = _rerun_recomputes(path, fresh)
    assert "does not carry your key's signature" in told[0]


def test_the_forgery_would_be_used_if_signed_with_the_users_key(private_cache):
    """The test above can fail: the same forgery signed with the user's own key is read (whoever can read the key
    can forge; that is the stated rule)."""
    fresh, path = _first_run()
    _rewrite(path, secret=_secret(), matrix=1.1 * fresh["matrix"])
    compute = Counter()
    out = cached_arrays("fc", PARTS, compute)
    assert compute.calls == 0
    np.testing.assert_array_equal(out["matrix"], 1.1 * fresh["matrix"])


def test_entry_signed_under_another_key_file_is_recomputed(private_cache, tmp_path, monkeypatch):
    """A copied cache (or a new key) is recomputed under the reader's key, and then read."""
    fresh, path = _first_run()
    monkeypatch.setenv("KAPITZA_CACHE_KEY", str(tmp_path / "other" / "cache.key"))
    _rerun_recomputes(path, fresh)


def test_nan_entry_is_recomputed_not_a_traceback(private_cache):
    """Entries of NaN ended in a LinAlgError; a forger's is refused by the signature, and one signed with the user's
    key (kapitza's own damaged entry) by the check of what is read back."""
    from kapitza.io.cache import finite

    fresh, path = _first_run(check=finite)
    _rewrite(path, matrix=np.full((3, 4), np.nan))
    _rerun_recomputes(path, fresh, check=finite)
    cache_mod._told.clear()
    _rewrite(path, secret=_secret(), matrix=np.full((3, 4), np.nan))
    told = _rerun_recomputes(path, fresh, check=finite)
    assert "fails its check ('matrix' is not finite)" in told[0]


@pytest.mark.parametrize(
    "changes, why",
    [
        ({"matrix": np.arange(12.0).reshape(4, 3)}, "of shape (4, 3), not (3, 4)"),
        ({"labels": None}, "holds the arrays ['matrix'], not ['labels', 'matrix']"),
        ({"extra": np.ones(2)}, "holds an array 'extra' not expected"),
        ({"__kapitza_key__": np.array("another key")}, "was stored under another key"),
        ({"__kapitza_key__": None}, "stores no key"),
    ],
)
def test_signed_entry_of_another_layout_is_recomputed(private_cache, changes, why):
    """Damage the signature cannot see (an entry kapitza itself wrote wrong) is refused from the members' headers."""
    fresh, path = _first_run(shapes=SHAPES)
    _rewrite(path, secret=_secret(), **changes)
    told = _rerun_recomputes(path, fresh, shapes=SHAPES)
    assert why in told[0]


def test_entry_of_another_key_is_recomputed(private_cache):
    """An entry of another key (valid and signed by the same user) copied onto this key's file is not used."""
    fresh, path = _first_run()
    cached_arrays("fc", {**PARTS, "step": 0.02}, Counter(scale=2.0))
    other = [p for p in cache_dir().glob("fc-*.entry") if p != path]
    assert len(other) == 1
    path.write_bytes(other[0].read_bytes())
    told = _rerun_recomputes(path, fresh)
    assert "was stored under another key" in told[0]


def test_pickled_object_entry_is_not_loaded(private_cache):
    """An object array (pickle) in a signed entry is refused from its header, never unpickled."""
    fresh, path = _first_run()
    key = _unpack(path)["__kapitza_key__"]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        with zf.open("__kapitza_key__.npy", "w") as fh:
            np.lib.format.write_array(fh, key)
        with zf.open("matrix.npy", "w") as fh:
            np.lib.format.write_array(fh, np.array([{"a": 1}], dtype=object), allow_pickle=True)
    _write_signed(path, buf.getvalue(), _secret())
    told = _rerun_recomputes(path, fresh)
    assert "object array" in told[0]


def _huge_member(key, claimed_elements: int, stored: bytes = b"") -> bytes:
    """A zip of the entry's ``key`` and a member whose .npy header claims ``claimed_elements`` float64 but holds
    ``stored`` bytes."""
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(header, {"descr": "<f8", "fortran_order": False, "shape": (claimed_elements,)})
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        with zf.open("__kapitza_key__.npy", "w") as fh:
            np.lib.format.write_array(fh, key)
        zf.writestr("matrix.npy", header.getvalue() + stored)
    return buf.getvalue()


@pytest.mark.parametrize("shapes", [SHAPES, None])
def test_a_member_that_claims_4_gb_is_refused_without_allocating(private_cache, shapes, monkeypatch):
    """The review's 4 GB member: refused from its header (by the expected shape, or where none is given by the
    member's size), signed or not, before any of it is allocated (tracemalloc's peak stays below a megabyte;
    np.load was never called)."""
    fresh, path = _first_run(shapes=shapes)
    payload = _huge_member(_unpack(path)["__kapitza_key__"], 2**29, b"\0" * 1024)  # 2^29 float64: 4 GiB claimed
    loads = []
    monkeypatch.setattr(np, "load", lambda *a, **k: loads.append(a))
    for secret in (os.urandom(32), _secret()):
        _write_signed(path, payload, secret)
        cache_mod._told.clear()
        tracemalloc.start()
        try:
            told = _rerun_recomputes(path, fresh, shapes=shapes)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert peak < 1e6 and loads == []
        assert ("signature" if secret != _secret() else "(536870912,)" if shapes else "claims 4294967296") in told[0]


def test_members_that_overlap_are_refused(private_cache):
    """A signed zip whose central directory names a second member lying inside the first one's data (each read in
    full, so n such members cost n times the file) is refused before any member is read."""
    fresh, path = _first_run()
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as zf:
        with zf.open("matrix.npy", "w") as fh:
            np.lib.format.write_array(fh, np.zeros(4096))
        b = zf.getinfo("matrix.npy")
    record = inner.getvalue()[: 30 + len(b.filename) + len(b.extra) + b.compress_size]
    buf = io.BytesIO()
    zf = zipfile.ZipFile(buf, "w")
    with zf.open("__kapitza_key__.npy", "w") as fh:
        np.lib.format.write_array(fh, _unpack(path)["__kapitza_key__"])
    zf.writestr("labels.npy", record)  # its data: the whole local record of matrix.npy
    a = zf.getinfo("labels.npy")
    b.header_offset = a.header_offset + 30 + len(a.filename) + len(a.extra)
    zf.filelist.append(b)
    zf.NameToInfo[b.filename] = b
    zf.close()
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as check:  # the forged directory is one a zip reader follows
        assert check.read("matrix.npy")[:6] == b"\x93NUMPY"
    _write_signed(path, buf.getvalue(), _secret())
    told = _rerun_recomputes(path, fresh)
    assert "larger together than the entry" in told[0]


def test_a_compressed_member_is_never_decompressed(private_cache):
    """A signed entry whose member is 64 MB of zeros deflated to about 64 kB is refused before it is decompressed
    (the writer stores members uncompressed, so nothing read back is larger than the file)."""
    fresh, path = _first_run()
    header = io.BytesIO()
    n = 8 * 2**20
    np.lib.format.write_array_header_1_0(header, {"descr": "<f8", "fortran_order": False, "shape": (n,)})
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        with zf.open("__kapitza_key__.npy", "w") as fh:
            np.lib.format.write_array(fh, _unpack(path)["__kapitza_key__"])
        with zf.open("matrix.npy", "w") as fh:
            fh.write(header.getvalue())
            for _ in range(64):
                fh.write(bytes(2**20))
    assert len(buf.getvalue()) < 2**20
    _write_signed(path, buf.getvalue(), _secret())
    tracemalloc.start()
    try:
        told = _rerun_recomputes(path, fresh)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "compressed" in told[0] and peak < 8e6


def test_an_entry_larger_than_its_bound_is_not_read(private_cache):
    """The file's size is checked against the bound from the expected shapes before anything is read."""
    fresh, path = _first_run(shapes=SHAPES)
    bound = cache_mod._bound(SHAPES, None, cache_mod._key_text("fc", PARTS))
    with open(path, "ab") as fh:
        fh.truncate(bound + 1)
    told = _rerun_recomputes(path, fresh, shapes=SHAPES)
    assert f"more than the {bound}" in told[0]


def test_arrays_that_fail_the_checks_are_returned_but_not_stored(private_cache):
    """A computation the reader would refuse (NaN, another shape) is the caller's answer, but never an entry."""
    from kapitza.io.cache import finite

    out = cached_arrays("fc", PARTS, lambda: {"matrix": np.full(2, np.nan)}, check=finite)
    assert np.isnan(out["matrix"]).all()
    out = cached_arrays("fc", PARTS, lambda: {"matrix": np.ones(5)}, shapes={"matrix": (4,)})
    assert out["matrix"].shape == (5,)
    assert list(private_cache.glob("*.entry")) == []


def test_folder_in_place_of_entry_computes(private_cache):
    fresh, path = _first_run()
    path.unlink()
    path.mkdir()
    compute = Counter()
    with pytest.warns(CacheNote, match="is not a regular file"):
        out = cached_arrays("fc", PARTS, compute)
    assert compute.calls == 1 and path.is_dir()
    np.testing.assert_array_equal(out["matrix"], fresh["matrix"])


def test_a_link_in_place_of_an_entry_is_not_followed(private_cache, tmp_path):
    """A symbolic link at the entry's name (to any file) is not read; the entry is rewritten in its place."""
    fresh, path = _first_run()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.write_bytes(path.read_bytes())
    path.unlink()
    path.symlink_to(elsewhere)
    told = _rerun_recomputes(path, fresh)
    assert "is a link" in told[0] and not path.is_symlink()


def test_a_kind_is_a_plain_word():
    """The kind becomes part of a file name: a path is a programming error, refused before anything is done."""
    for kind in ("../escape", "a/b", "", "UPPER", "x" * 65):
        with pytest.raises(ValueError, match="plain word"):
            cached_arrays(kind, {}, lambda: {})


# ---- the key file ----------------------------------------------------------------------------------------------


def _off(private_cache, expected: str):
    """Two calls with a refused key: both compute, nothing is stored, one note (the first) says why."""
    compute = Counter()
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        cached_arrays("fc", PARTS, compute)
        cached_arrays("fc", PARTS, compute)
    assert compute.calls == 2
    assert list(private_cache.glob("*.entry")) == []
    told = _notes(record)
    assert len(told) == 1 and "the cache is off" in told[0] and expected in told[0], told


def test_a_key_file_others_can_read_is_refused(private_cache):
    _first_run()
    key_file().chmod(0o644)
    for p in private_cache.glob("*.entry"):
        p.unlink()
    _off(private_cache, "can be read or written by others (mode 0644)")


def test_a_key_file_of_another_owner_is_refused(private_cache, monkeypatch):
    _first_run()
    for p in private_cache.glob("*.entry"):
        p.unlink()
    monkeypatch.setattr(os, "getuid", lambda: os.stat(key_file()).st_uid + 1)
    _off(private_cache, "is not owned by you")


def test_a_key_file_inside_the_cache_folder_is_refused(private_cache, monkeypatch):
    monkeypatch.setenv("KAPITZA_CACHE_KEY", str(private_cache / "sub" / "cache.key"))
    _off(private_cache, "lies inside the cache folder")
    assert not (private_cache / "sub").exists()  # and none is made there


@pytest.mark.parametrize("size", [0, 31, 33])
def test_a_key_file_of_another_length_is_refused(private_cache, size):
    path = key_file()
    path.parent.mkdir(parents=True)
    path.write_bytes(b"k" * size)
    path.chmod(0o600)
    _off(private_cache, f"holds {size} bytes")


def test_a_key_that_cannot_be_made_computes_without_the_cache(private_cache, tmp_path, monkeypatch):
    """A key file below a file (as a read-only home would refuse it): computed, not cached, one note."""
    (tmp_path / "a-file").write_text("x")
    monkeypatch.setenv("KAPITZA_CACHE_KEY", str(tmp_path / "a-file" / "cache.key"))
    _off(private_cache, "cannot be read or made")


def test_the_key_file_defaults_to_the_users_config_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("KAPITZA_CACHE_KEY", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    assert key_file() == tmp_path / "xdg" / "kapitza" / "cache.key"
    monkeypatch.setenv("XDG_CONFIG_HOME", "relative/ignored")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert key_file() == tmp_path / ".config" / "kapitza" / "cache.key"


def test_the_key_persists_across_processes(private_cache):
    """A second process reads the first one's entry (the key file it made is reused, not remade); a separate process
    is the point of the test."""
    script = (
        "import sys, numpy as np\n"
        "from kapitza.io.cache import cached_arrays\n"
        "calls = []\n"
        "cached_arrays('fc', {'a': 1}, lambda: calls.append(1) or {'x': np.arange(3.0)})\n"
        "print(len(calls))\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    runs = [subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120)]
    key = key_file().read_bytes()
    runs.append(subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120))
    assert [r.stdout.strip() for r in runs] == ["1", "0"], [r.stderr for r in runs]
    assert key_file().read_bytes() == key and len(key) == 32


def test_concurrent_first_uses_agree_on_one_key(private_cache):
    """Four processes started at once with no key file all end with the same key (one is made, none replaced)."""
    script = "from kapitza.io.cache import cached_arrays\ncached_arrays('fc', {'a': 1}, lambda: {})\n"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    procs = [subprocess.Popen([sys.executable, "-c", script], env=env) for _ in range(4)]
    assert [p.wait(timeout=120) for p in procs] == [0] * 4
    assert len(key_file().read_bytes()) == 32 and os.listdir(key_file().parent) == ["cache.key"]


def test_concurrent_stores_of_one_key_leave_one_whole_entry(private_cache, tmp_path):
    """Processes that compute one key at once (the test run's xdist workers share one cache: tests/conftest.py) each
    get their arrays and store them; the entry left is one whole, signed file that a later read uses without
    computing, and no temporary file is left.  The processes start their lookups together (a start file) and each
    computes for a second, so they overlap: at least two of them compute."""
    gate = tmp_path / "go"
    script = (
        "import sys, time, pathlib, numpy as np\n"
        "from kapitza.io.cache import cached_arrays\n"
        f"gate = pathlib.Path({str(gate)!r})\n"
        "while not gate.exists():\n"
        "    time.sleep(0.01)\n"
        "calls = []\n"
        "def compute():\n"
        "    calls.append(1)\n"
        "    time.sleep(1.0)\n"
        "    return {'x': np.arange(100_000.0)}\n"
        "out = cached_arrays('fc', {'a': 1}, compute)\n"
        "assert np.array_equal(out['x'], np.arange(100_000.0))\n"
        "print(len(calls))\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    cached_arrays("fc", {"a": 0}, lambda: {"x": np.zeros(1)})  # the key file made first, as by an earlier test
    procs = [
        subprocess.Popen([sys.executable, "-c", script], env=env, stdout=subprocess.PIPE, text=True) for _ in range(4)
    ]
    time.sleep(0.5)
    gate.touch()
    outs = [p.communicate(timeout=120)[0].strip() for p in procs]
    assert [p.returncode for p in procs] == [0] * 4 and sum(int(o) for o in outs) >= 2, outs
    again = Counter()
    entries = sorted(p.name for p in private_cache.iterdir())
    assert len(entries) == 2 and all(name.endswith(".entry") for name in entries), entries  # no temporary file
    read = cached_arrays("fc", {"a": 1}, again)
    assert again.calls == 0 and np.array_equal(read["x"], np.arange(100_000.0))


def test_a_cache_setting_that_names_a_file_is_one_line(tmp_path, monkeypatch):
    """KAPITZA_CACHE_DIR naming a file (a user's mistake) is refused in one line naming the setting, before anything
    is computed; the default folder that cannot be made (a read-only home) costs the cache, not the result."""
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


# ---- the physical checks ---------------------------------------------------------------------------------------


def test_force_constant_rules_refuse_a_broken_sum_rule_or_symmetry():
    """A chain of springs k between neighbours (periodic, 4 atoms): its Hessian keeps both rules (by hand); one
    entry changed breaks the sum rule, a transposed pair the symmetry; NaN is refused; a uniform scaling passes
    (the signature, not this check, refuses it)."""
    from kapitza.io.cache import force_constant_rules

    n = 4
    h = np.zeros((n, 3, n, 3))
    for i in range(n):
        for j in ((i - 1) % n, (i + 1) % n):
            h[i, :, j, :] -= np.eye(3)
            h[i, :, i, :] += np.eye(3)
    matrix = h.reshape(3 * n, 3 * n)
    check = force_constant_rules("m")
    assert check({"m": matrix}) is None and check({"m": 1.1 * matrix}) is None
    broken = matrix.copy()
    broken[0, 0] *= 1.01
    assert "sum rule" in check({"m": broken})
    skew = matrix.copy()  # an antisymmetric change that keeps every sum
    skew[0, 3] -= 0.1
    skew[0, 0] += 0.1
    skew[3, 0] += 0.1
    skew[3, 3] -= 0.1
    assert "not symmetric" in check({"m": skew})
    assert "not finite" in check({"m": np.where(np.eye(3 * n) > 0, np.nan, matrix)})
    phonopy = h.transpose(0, 2, 1, 3)  # (N, N, 3, 3)
    assert force_constant_rules("f", "phonopy")({"f": phonopy}) is None
    phonopy[0, 1, 0, 1] += 0.5
    assert force_constant_rules("f", "phonopy")({"f": phonopy}) is not None


def test_symmetric_matrix_check():
    from kapitza.io.cache import symmetric_matrix

    c = np.diag([2.0, 2.0, 2.0, 1.0, 1.0, 1.0]) + 0.5 * (np.arange(36).reshape(6, 6) % 7 == 0)
    c = c + c.T
    assert symmetric_matrix("c")({"c": c}) is None
    c[0, 1] += 1e-3
    assert "not symmetric" in symmetric_matrix("c")({"c": c})
    assert "not a finite square" in symmetric_matrix("c")({"c": np.ones((6, 5))})


def test_force_constants_scaled_by_1_1_are_not_used(private_cache):
    """The review's case through the real consumer (Si with Stillinger-Weber, analytic Hessian): the forged entry is
    not used; the recomputed force constants equal the first ones bit for bit."""
    pytest.importorskip("matscipy")
    from kapitza.atomistic.force_constants import force_constants
    from kapitza.atomistic.lattice import bulk_cell
    from kapitza.atomistic.potentials import get_potential

    atoms = bulk_cell("Si", "diamond", 5.431)
    first = force_constants(atoms, get_potential("sw", ["Si"]))
    path = _entry("force-constants")
    _rewrite(path, matrix=1.1 * _unpack(path)["matrix"])
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        again = force_constants(atoms, get_potential("sw", ["Si"]))
    np.testing.assert_array_equal(again.matrix, first.matrix)
    notes = [w for w in record if issubclass(w.category, CacheNote)]
    assert len(notes) == 1 and "does not carry your key's signature" in str(notes[0].message)
    assert notes[0].filename.endswith("force_constants.py")  # the note points at the consumer


# ---- fuzzing (issue 51, item 5) -------------------------------------------------------------------------------


def _reads_back(fresh, shapes=SHAPES, **options):
    """One read of the damaged entry: never raises, returns exactly what compute returns, quickly."""
    compute = Counter()
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CacheNote)
        out = cached_arrays("fc", PARTS, compute, shapes=shapes, **options)
    assert time.perf_counter() - start < 2.0
    assert compute.calls in (0, 1)
    assert set(out) == set(fresh)
    for name in fresh:
        np.testing.assert_array_equal(out[name], fresh[name])


@FUZZ
@given(data=st.binary(max_size=4096), behind_magic=st.booleans())
def test_fuzz_random_bytes(private_cache, data, behind_magic):
    """Random bytes (alone, or behind the magic and a plausible length) at the entry's path."""
    fresh, path = _first_run(shapes=SHAPES)
    if behind_magic:
        data = MAGIC + len(data[32:]).to_bytes(8, "little") + data
    path.write_bytes(data)
    _reads_back(fresh)


@FUZZ
@given(st.data())
def test_fuzz_truncations_and_bit_flips(private_cache, data):
    fresh, path = _first_run(shapes=SHAPES)
    valid = bytearray(path.read_bytes())
    if data.draw(st.booleans(), label="truncate"):
        valid = valid[: data.draw(st.integers(0, len(valid) - 1), label="keep")]
    for _ in range(data.draw(st.integers(0, 4), label="flips")):
        if valid:
            valid[data.draw(st.integers(0, len(valid) - 1), label="at")] ^= 1 << data.draw(st.integers(0, 7))
    path.write_bytes(bytes(valid))
    _reads_back(fresh)


@FUZZ
@given(st.data())
def test_fuzz_signed_damage(private_cache, data):
    """Damage the signature cannot see: a valid payload cut, spliced or bit-flipped, then signed with the user's own
    key, so the parser and the checks after the signature meet it."""
    fresh, path = _first_run(shapes=SHAPES)
    payload = bytearray(path.read_bytes()[HEADER_BYTES:])
    start = data.draw(st.integers(0, len(payload)), label="start")
    stop = data.draw(st.integers(start, min(len(payload), start + 64)), label="stop")
    payload[start:stop] = data.draw(st.binary(max_size=64), label="insert")
    _write_signed(path, bytes(payload), _secret())
    _reads_back(fresh)


@FUZZ
@given(
    parts=st.dictionaries(
        st.text(max_size=8),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=16),
            lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner, max_size=4),
            max_leaves=12,
        ),
        max_size=5,
    ),
    secret=st.binary(min_size=32, max_size=32),
)
def test_fuzz_random_keys(private_cache, parts, secret):
    """Random keys: each stores and reads back its own arrays; an entry of another key or signed under another
    secret (at this key's file name) is never read as this key's."""
    marker = np.array([float(len(repr(parts)))])
    compute = {"calls": 0}

    def make():
        compute["calls"] += 1
        return {"x": marker}

    for old in private_cache.glob("*.entry"):
        old.unlink()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CacheNote)
        first = cached_arrays("fz", parts, make)
        again = cached_arrays("fz", parts, make)
        assert compute["calls"] == 1 and np.array_equal(first["x"], marker) and np.array_equal(again["x"], marker)
        path = private_cache / f"fz-{cache_mod.cache_key('fz', parts)[:32]}.entry"
        arrays = _unpack(path)
        arrays["x"] = marker + 1.0
        _write_signed(path, cache_mod._payload(arrays), secret)  # a random key guessed
        out = cached_arrays("fz", parts, make)
    assert compute["calls"] == 2 and np.array_equal(out["x"], marker)
