"""An interrupted sweep resumes from its checkpoint: fewer chunks computed, the same transmission."""

from __future__ import annotations

import numpy as np
import pytest

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
    entries = sorted(p for p in tmp_path.rglob("*.npz"))
    assert entries
    for p in entries:
        p.write_bytes(p.read_bytes()[:40])  # truncated
    seen.clear()
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
