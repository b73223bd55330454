"""Issue 51, item 2, through the command line: a cache that cannot be forged silently.

Whoever could write the cache folder made a forged entry verify (its checksum was unkeyed): force constants scaled
by 1.1 changed G with exit 0 and no note, an elastic tensor scaled by 2 doubled C11, an entry of NaN ended in a
LinAlgError traceback.  Now each entry is signed with the user's key (:mod:`kapitza.io.cache`): a forger's entry,
however well formed, is recomputed, the numbers are those of a fresh computation, and the user reads one line,
``kapitza: note: ...``, on stderr.  Each case is the cheapest command that reads the cache: ``phonons Si`` (the
Stillinger-Weber force constants and lattice constant) and ``elastic Si`` with the tests' Stillinger-Weber
calculator (``mlip_factories``).
"""

from __future__ import annotations

import io
import json
import os

import numpy as np
import pytest

from kapitza.io import cache as cache_mod
from kapitza.io.cache import HEADER_BYTES, MAGIC, key_file

pytest.importorskip("matscipy")

PHONONS = ("phonons", "Si", "--mesh", "8", "--json", "--quiet")
ELASTIC = ("elastic", "Si", "--calculator", "mlip_factories:stillinger_weber_si", "--json", "--quiet")


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """A cache folder and a key file of this test alone."""
    monkeypatch.setenv("KAPITZA_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("KAPITZA_CACHE_KEY", str(tmp_path / "config" / "cache.key"))
    monkeypatch.setattr(cache_mod, "_told", set())
    return tmp_path / "cache"


def _forge(path, secret=None, **scale):
    """Rewrite an entry as a forger with write access to the folder would: its arrays (read from the plain npz
    payload) changed, the stored key kept, a fresh tag under ``secret`` (default: a key of the forger's own)."""
    with np.load(io.BytesIO(path.read_bytes()[HEADER_BYTES:]), allow_pickle=False) as data:
        arrays = {name: data[name] for name in data.files}
    for name, factor in scale.items():
        arrays[name] = arrays[name] * factor
    payload = cache_mod._payload(arrays)
    tag = cache_mod._tag(os.urandom(32) if secret is None else secret, payload)
    path.write_bytes(MAGIC + len(payload).to_bytes(8, "little") + tag + payload)


def _clean(status, err):
    lines = [line for line in err.splitlines() if line.strip()]
    assert status == 0 and lines == [] and "Traceback" not in err, err


def _noted(status, err, why):
    """Exit 0, no traceback, one line on stderr: the note, naming the entry and why it was not used."""
    lines = [line for line in err.splitlines() if line.strip()]
    assert status == 0 and "Traceback" not in err, err
    assert len(lines) == 1 and lines[0].startswith("kapitza: note: ") and why in lines[0], err
    return lines[0]


def _entry(cache, kind):
    (path,) = cache.glob(f"{kind}-*.entry")
    return path


def test_forged_force_constants_are_not_used(cli, cache):
    """Force constants scaled by 1.1 (the review's forgery) give the first run's numbers and one note; signed with
    the user's own key they would have moved the sound speeds by sqrt(1.1) (so the test can fail); a third run reads
    the rewritten entry quietly."""
    status, out, err = cli(*PHONONS)
    _clean(status, err)
    first = json.loads(out)
    path = _entry(cache, "force-constants")
    _forge(path, matrix=1.1)
    status, out, err = cli(*PHONONS)
    line = _noted(status, err, "does not carry your key's signature")
    assert str(path) in line and line.endswith("not used, recomputed")
    assert json.loads(out) == first
    status, out, err = cli(*PHONONS)
    _clean(status, err)
    assert json.loads(out) == first
    _forge(path, secret=key_file().read_bytes(), matrix=1.1)  # the user's own key: used (the stated rule)
    status, out, err = cli(*PHONONS)
    _clean(status, err)
    speeds, before = json.loads(out)["sound_speeds_m_s"], first["sound_speeds_m_s"]
    assert speeds["LA"] == pytest.approx(before["LA"] * 1.1**0.5, rel=1e-6)


@pytest.mark.parametrize("signed", [False, True])
def test_nan_force_constants_are_recomputed_not_a_traceback(cli, cache, signed):
    """An entry of NaN ended in a LinAlgError traceback: a forger's is refused by the signature, one signed with the
    user's key (damage the signature cannot see) by the check of what is read back."""
    status, out, err = cli(*PHONONS)
    first = json.loads(out)
    path = _entry(cache, "force-constants")
    _forge(path, secret=key_file().read_bytes() if signed else None, matrix=np.nan)
    status, out, err = cli(*PHONONS)
    _noted(status, err, "fails its check ('matrix' is not finite)" if signed else "signature")
    assert json.loads(out) == first


def test_forged_elastic_tensor_is_not_used(cli, cache):
    """An elastic tensor scaled by 2 (the review's C11 = 121 for 60.5 GPa): the first run's constants, one note."""
    status, out, err = cli(*ELASTIC)
    _clean(status, err)
    first = json.loads(out)
    _forge(_entry(cache, "structure-elastic"), tensor=2.0)
    status, out, err = cli(*ELASTIC)
    _noted(status, err, "does not carry your key's signature")
    assert json.loads(out) == first
    assert first["constants_GPa"]["C11"] == pytest.approx(151.4, abs=0.15)  # Cowley's SW value (see test_elastic)


def test_a_key_file_others_can_read_turns_the_cache_off_with_one_note(cli, cache):
    """The key file made readable by others: the cache is off (computed, nothing stored), said once."""
    status, out, err = cli(*PHONONS)
    first = json.loads(out)
    key_file().chmod(0o644)
    for p in cache.glob("*.entry"):
        p.unlink()
    status, out, err = cli(*PHONONS)
    line = _noted(status, err, "the cache is off")
    assert "mode 0644" in line and "chmod 600" in line
    assert json.loads(out) == first and list(cache.glob("*.entry")) == []
