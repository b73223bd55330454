"""An interrupted sweep resumes from its checkpoint: fewer chunks computed, the same transmission."""

from __future__ import annotations

import numpy as np
import pytest

from kapitza.errors import CacheNote
from kapitza.transmission.agf import chain_model, transmission
from kapitza.transmission.agf.checkpoint import Checkpoint

AMU = 1.66053906660e-27


class Stop(Exception):
    pass


def _model():
    return chain_model(28 * AMU, 73 * AMU, 10.0, 8.0, 6.0, device_sites=(3, 3))


def test_interrupted_sweep_resumes_and_gives_the_same_xi(tmp_path):
    """Reference: the same sweep without a checkpoint.  Chunks of 5 frequencies, 8 chunks; the run is
    stopped (an exception from the progress callback, as Ctrl-C would) after 3 chunks."""
    model = _model()
    omega = np.linspace(1e12, 3e13, 40)
    reference = transmission(model, omega, chunk=5)
    calls = []

    def stop_after_three(done, total):
        calls.append(done)
        if done >= 3:
            raise Stop

    with pytest.raises(Stop):
        transmission(model, omega, chunk=5, checkpoint=tmp_path, progress=stop_after_three)
    seen = []
    resumed = transmission(model, omega, chunk=5, checkpoint=tmp_path, progress=lambda d, t: seen.append((d, t)))
    assert seen[0] == (3, 8)  # three chunks found on disk
    assert len(seen) - 1 == 5  # only the other five computed
    np.testing.assert_array_equal(resumed.xi_k, reference.xi_k)


def test_other_inputs_do_not_reuse_the_checkpoint_and_damaged_entries_are_recomputed(tmp_path):
    model = _model()
    omega = np.linspace(1e12, 3e13, 10)
    first = transmission(model, omega, chunk=5, checkpoint=tmp_path)
    seen = []
    transmission(model, omega, eta=2e-6, chunk=5, checkpoint=tmp_path, progress=lambda d, t: seen.append(d))
    assert seen[0] == 0  # another eta: nothing reused
    entries = sorted(p for p in tmp_path.rglob("*.entry"))
    assert entries
    for p in entries:
        p.write_bytes(p.read_bytes()[:40])  # truncated
    seen.clear()
    with pytest.warns(CacheNote, match="checkpoint entries .* not used, recomputed"):
        again = transmission(model, omega, chunk=5, checkpoint=tmp_path, progress=lambda d, t: seen.append(d))
    assert seen[0] == 0
    np.testing.assert_array_equal(again.xi_k, first.xi_k)


def test_checkpoint_entry_with_another_key_is_discarded(tmp_path):
    omega = np.array([1.0, 2.0])
    a = Checkpoint(tmp_path, "a" * 64)
    a.store(0, 0, omega, np.array([0.5, 0.5]), 3, 4)
    assert a.load(0, 0, omega) is not None
    b = Checkpoint(tmp_path, "a" * 16 + "b" * 48)  # same folder, other key
    assert b.load(0, 0, omega) is None


def test_run_agf_resumes_after_an_interrupt_and_removes_the_checkpoint(tmp_path):
    """run_agf with output=: the first run is stopped after 4 chunks; the rerun computes fewer chunks, gives
    the same G, writes one .npz and removes the .partial folder."""
    from kapitza.transmission.agf.run import run_agf

    out = tmp_path / "sige.npz"
    args = dict(kpoints=2, frequencies=20, temperature=[300.0], check_broadening=False, output=out)
    done = []

    def stop(d, t):
        done.append(d)
        if d >= 4:
            raise Stop

    with pytest.raises(Stop):
        run_agf("Si", "Ge", **args, progress=stop)
    assert not out.exists() and (tmp_path / ".sige.npz.partial").is_dir()
    progress = []
    resumed, _ = run_agf("Si", "Ge", **args, progress=lambda d, t: progress.append((d, t)))
    total = progress[0][1]
    computed = sum(1 for a, b in zip(progress, progress[1:]) if b[0] == a[0] + 1)
    assert computed == total - 4
    fresh, _ = run_agf("Si", "Ge", **{**args, "output": None})
    np.testing.assert_allclose(resumed.conductance, fresh.conductance, rtol=1e-12)
    assert out.exists() and not (tmp_path / ".sige.npz.partial").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sige.npz"]
    with np.load(out, allow_pickle=False) as data:
        import json

        meta = json.loads(str(data["metadata"]))
        assert meta["kind"] == "AGFResult" and meta["kapitza_version"]
        np.testing.assert_array_equal(data["conductance"], resumed.conductance)


# ---- issue 63: a tampered checkpoint is never used --------------------------------------------------------------


@pytest.fixture(autouse=True)
def fresh_notes(monkeypatch):
    """Each test sees its own notes (a note is given once per process)."""
    from kapitza.io import cache

    monkeypatch.setattr(cache, "_told", set())


def _entry_arrays(path):
    """The arrays of a checkpoint entry, read as an attacker would (no key needed: the payload is a plain zip)."""
    import io
    import zipfile

    from kapitza.io import cache

    payload = path.read_bytes()[cache.HEADER_BYTES :]
    with zipfile.ZipFile(io.BytesIO(payload)) as archive:
        return {n[:-4]: np.load(io.BytesIO(archive.read(n)), allow_pickle=False) for n in archive.namelist()}


def _rewrite(path, arrays, secret=None):
    """Write ``arrays`` back into the entry at ``path``: under the entry's old tag (an edit by someone without the
    key) or signed with ``secret`` (another user's key, or a forger who has the key)."""
    from kapitza.io import cache

    payload = cache._payload(arrays)
    tag = (
        path.read_bytes()[len(cache.MAGIC) + 8 : cache.HEADER_BYTES] if secret is None else cache._tag(secret, payload)
    )
    path.write_bytes(cache.MAGIC + len(payload).to_bytes(8, "little") + tag + payload)


def _interrupted(tmp_path, omega, units=3):
    def stop(done, total):
        if done >= units:
            raise Stop

    with pytest.raises(Stop):
        transmission(_model(), omega, chunk=5, checkpoint=tmp_path, progress=stop)
    entries = sorted(tmp_path.rglob("*.entry"))
    assert len(entries) == units
    return entries


@pytest.mark.parametrize(
    ("edit", "signed"),
    [
        (lambda xi: -xi, False),  # the issue's case: G = -614.1 instead of 281.0
        (lambda xi: 2 * xi, False),  # the issue's 528.9
        (lambda xi: np.full_like(xi, np.nan), False),
        (lambda xi: xi, "foreign"),  # unchanged numbers, signed with another user's key
    ],
    ids=["negative", "doubled", "nan", "foreign-key"],
)
def test_a_tampered_checkpoint_is_recomputed_with_one_note(tmp_path, edit, signed):
    """Issue 63: three finished units edited on disk (negated, doubled, NaN) or signed with another key; the
    resumed sweep recomputes them (progress starts at 0 of 8) and gives the uninterrupted transmission, with one
    note naming the checkpoint.  Reference: the same sweep without a checkpoint."""
    import os
    import warnings

    omega = np.linspace(1e12, 3e13, 40)
    reference = transmission(_model(), omega, chunk=5)
    for path in _interrupted(tmp_path, omega):
        arrays = _entry_arrays(path)
        key = arrays.pop("__kapitza_key__")
        arrays["xi"] = edit(arrays["xi"])
        _rewrite(path, {**arrays, "__kapitza_key__": key}, os.urandom(32) if signed else None)
    seen = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        resumed = transmission(_model(), omega, chunk=5, checkpoint=tmp_path, progress=lambda d, t: seen.append(d))
    notes = [str(w.message) for w in caught if issubclass(w.category, CacheNote)]
    assert len(notes) == 1 and "checkpoint entries" in notes[0] and "signature" in notes[0], notes
    assert seen[0] == 0
    np.testing.assert_array_equal(resumed.xi_k, reference.xi_k)


@pytest.mark.parametrize(
    ("edit", "why"),
    [
        (lambda xi: -xi - 0.5, "outside 0 to"),
        (lambda xi: xi + 10.0, "outside 0 to"),
        (lambda xi: np.where(xi > 0, np.inf, xi), "not finite"),
    ],
    ids=["negative", "above-the-channels", "inf"],
)
def test_a_signed_entry_outside_the_physics_is_not_used(tmp_path, edit, why):
    """An entry that carries the user's own signature but a transmission no lead could carry (below 0, above the
    channel count: the chain's leads have one degree of freedom a layer, so at most 1 channel; not finite) is
    refused by the range check, recomputed and noted."""
    import warnings

    from kapitza.io import cache

    omega = np.linspace(1e12, 3e13, 40)
    reference = transmission(_model(), omega, chunk=5)
    secret = cache.signing_key()
    for path in _interrupted(tmp_path, omega):
        arrays = _entry_arrays(path)
        arrays["xi"] = edit(arrays["xi"])
        _rewrite(path, arrays, secret)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        resumed = transmission(_model(), omega, chunk=5, checkpoint=tmp_path)
    notes = [str(w.message) for w in caught if issubclass(w.category, CacheNote)]
    assert len(notes) == 1 and why in notes[0], notes
    np.testing.assert_array_equal(resumed.xi_k, reference.xi_k)


def test_an_entry_moved_to_another_unit_is_not_used(tmp_path):
    """Each entry is signed for its own (k point, chunk): one copied over another unit's is refused."""
    import shutil
    import warnings

    omega = np.linspace(1e12, 3e13, 40)
    reference = transmission(_model(), omega, chunk=5)
    first, second, _ = _interrupted(tmp_path, omega)
    shutil.copyfile(first, second)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        resumed = transmission(_model(), omega, chunk=5, checkpoint=tmp_path)
    notes = [str(w.message) for w in caught if issubclass(w.category, CacheNote)]
    assert len(notes) == 1 and "stored under another key" in notes[0], notes
    np.testing.assert_array_equal(resumed.xi_k, reference.xi_k)


def test_the_issue_agf_resume_prints_the_uninterrupted_g(tmp_path, capsys):
    """Issue 63's scenario through the CLI: `kapitza agf Si Ge --kpoints 1 --frequencies 20 -t 300 --no-check
    --output ck.json` stopped after three units (as Ctrl-C does), the three entries made negative, the same
    command rerun: exit 0 and the G of the uninterrupted run (before: a negative G, written and printed)."""
    import json

    from conftest import run_cli
    from kapitza.transmission.agf.run import run_agf

    out = tmp_path / "ck.json"
    args = dict(kpoints=1, frequencies=20, temperature=[300.0], check_broadening=False)
    fresh, _ = run_agf("Si", "Ge", **args)

    def stop(done, total):
        if done >= 3:
            raise Stop

    with pytest.raises(Stop):
        run_agf("Si", "Ge", **args, output=out, progress=stop)
    entries = sorted((tmp_path / ".ck.json.partial").rglob("*.entry"))
    assert len(entries) == 3
    for path in entries:
        arrays = _entry_arrays(path)
        arrays["xi"] = -arrays["xi"]
        _rewrite(path, arrays)
    command = ("agf", "Si", "Ge", "--kpoints", 1, "--frequencies", 20, "-t", 300, "--no-check", "--output", out)
    status, out_text, err = run_cli(capsys, *command, "--json")
    assert status == 0, err
    assert err.count("checkpoint entries") == 1 and "not used, recomputed" in err
    saved = kapitza_load(out)
    np.testing.assert_allclose(saved.conductance, fresh.conductance, rtol=1e-12)
    assert saved.conductance[0] > 0
    assert json.loads(out_text)["results"]["conductance"] == pytest.approx(fresh.conductance.tolist(), rel=1e-12)


def kapitza_load(path):
    import kapitza

    return kapitza.load(path)
