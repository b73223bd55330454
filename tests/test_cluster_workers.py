"""Issue 79 items 4, 9b and 10: one rule for every local worker count (phonons, agf, md replicas), a scheduler
address that answers garbage or HTTP said in one line, and the laws checked when a signed entry is read back.

* Worker count: a whole number from 1 to this machine's cores (``kapitza.cluster.check_workers``), refused before
  anything starts in one line, exit 2, by every command that starts a local cluster; its memory against the bound
  with its statement (``check_local_workers``), checked for phonons whether or not the cache makes a cluster needed.
* A server that is not a dask scheduler (an HTTP reply, garbage, silence) is refused from its first 8 bytes (dask's
  scheduler speaks first with a length-prefixed handshake), never by distributed's allocation of that "length".
* Laws on read: an AGF checkpoint's transmission above its channel count is refused (x0.5 is no law's business);
  force constants that break the acoustic sum rule are refused, while a uniform scale (x2) keeps every law and is
  *not* caught (said in docs/howto/resume.md).
"""

from __future__ import annotations

import socket
import threading
from pathlib import Path

import numpy as np
import pytest

from kapitza import cluster
from kapitza.errors import InputError, MemoryBoundError

HOST = "127.0.0.1"
LJ = dict(potential="lj/cut", n_x=2, n_y=2, cells_a=5, cells_b=5, mass_b=2.0, bath_width=1.5,
          steps_equilibration=200, steps_steady=500, steps_production=2000, block_steps=200)  # fmt: skip
LJ_TOML = "".join(f"{k} = {v!r}\n".replace("'", '"') for k, v in LJ.items())


def _errors(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("kapitza: error:")]


# --- item 4: one rule for a local worker count -------------------------------------------------------------------


def test_the_count_rule_takes_one_to_the_cores_and_nothing_else():
    cores = cluster.machine_cores()
    assert cluster.check_workers(1) == 1 and cluster.check_workers(cores) == cores
    for bad in (0, -1, True, 2.0, "2", None):
        with pytest.raises(InputError, match=rf"whole number of local worker processes from 1 to {cores}"):
            cluster.check_workers(bad)
    with pytest.raises(InputError, match=rf"this machine has {cores} core\(s\), so at most {cores} worker"):
        cluster.check_workers(cores + 1, "--workers")
    assert cluster.check_workers(1, cores_each=1_000_000) == 1  # one worker always runs
    with pytest.raises(InputError, match="one process running 1000000 MPI ranks"):  # its LAMMPS keeps them busy
        cluster.check_workers(2, cores_each=1_000_000)


def test_the_memory_rule_states_the_parts_and_refuses_above_the_bound():
    found = cluster.check_local_workers(1, 2e9, main=1e9, max_memory_gb=4, each="a potential")
    assert found.total == 3e9 and "~3 GB of memory in all (1 worker(s) x 2 GB, each a potential" in found.statement()
    assert "limit 4 GB" in found.statement()
    with pytest.raises(MemoryBoundError, match=r"needs ~5 GB .*limit 4 GB.*use fewer workers \(--workers\)"):
        cluster.check_local_workers(1, 4e9, main=1e9, max_memory_gb=4, name="--workers")
    cores = cluster.machine_cores()  # no more workers counted than hold a task at once, and at least one
    assert cluster.check_local_workers(cores, 1e9, max_memory_gb=4, busy=1).workers == 1
    assert cluster.check_local_workers(1, 1e9, max_memory_gb=4, busy=0).total == 1e9


def test_a_million_workers_is_one_line_and_exit_2_for_phonons_agf_and_md_replicas(cli, tmp_path, monkeypatch):
    """The three commands that start a local cluster: the same rule, the same words, before anything starts
    (before: phonons hung building the cluster, or exited 0 with its crystal cached; agf refused by memory; md
    replicas capped at 100)."""
    monkeypatch.chdir(tmp_path)
    config = tmp_path / "lj.toml"
    config.write_text(LJ_TOML)
    cores = cluster.machine_cores()
    commands = (
        ("phonons", "Ge", "--calculator", "chgnet", "--workers", "1000000"),
        ("agf", "Si", "Ge", "--kpoints", "2", "--frequencies", "20", "--no-check", "--workers", "1000000"),
        ("md", "run", str(config), "--replicas", "2", "--workers", "1000000", "--no-progress"),
        ("md", "emd", str(config), "--replicas", "2", "--workers", "1000000", "--no-progress"),
    )
    for args in commands:
        status, out, err = cli(*args)
        errors = _errors(err)
        assert status == 2 and len(errors) == 1 and err.strip() == errors[0], (args, err)
        assert "1000000: a local dask worker is" in errors[0] and f"at most {cores} worker(s)" in errors[0], errors
        assert out == ""
    assert not any(tmp_path.glob("lj.replicas*"))  # nothing written


def test_phonons_workers_memory_is_checked_whether_or_not_the_crystal_is_cached(monkeypatch, tmp_path):
    """EMT Cu computed once here (cached); asked again with a local cluster whose workers cannot fit, it is refused
    before the cache is read and the cluster is never started (before: exit 0 with the crystal cached, and 14
    processes at 6.6 GB with no statement otherwise).  Within the bound the answer says the statement."""
    pytest.importorskip("phonopy")
    from kapitza.atomistic.force_tasks import ForceRunner
    from kapitza.phonons import from_structure
    from kapitza.phonons.from_structure import crystal_phonons

    monkeypatch.setenv("KAPITZA_CACHE_DIR", str(tmp_path))
    monkeypatch.syspath_prepend(str(Path(__file__).parent))  # tests/mlip_factories.py
    side = {"name": "Cu", "crystalstructure": "fcc", "a": 3.59, "cubic": True}
    emt = "mlip_factories:emt"
    crystal_phonons(side, emt, relax=False, supercell=2)  # now cached

    def never():
        pytest.fail("a local cluster was started")

    monkeypatch.setattr(cluster, "WORKER_LIBRARY_BYTES", 1e15)  # each worker 1 PB: no machine holds one
    runner = ForceRunner(start=never, local_workers=1, where="a local dask cluster of 1 worker")
    with pytest.raises(MemoryBoundError, match=r"local dask cluster of 1 worker\(s\) needs ~1e\+06 GB"):
        crystal_phonons(side, emt, relax=False, supercell=2, runner=runner)
    monkeypatch.setattr(cluster, "WORKER_LIBRARY_BYTES", 1e8)
    said: list[str] = []
    monkeypatch.setattr(from_structure, "say", said.append)
    monkeypatch.delenv("KAPITZA_CACHE_DIR")
    monkeypatch.setenv("KAPITZA_CACHE_DIR", str(tmp_path / "empty"))  # a computation: the statement is said
    runner = ForceRunner.here()  # force calls here; the statement is the rule's, for one worker
    runner.local_workers = 1
    crystal_phonons(side, emt, relax=False, supercell=2, runner=runner)
    assert any("GB of memory in all (1 worker(s) x" in line for line in said), said


# --- item 9b: a server that is not a dask scheduler ---------------------------------------------------------------


@pytest.fixture
def server():
    """A loopback server that answers every connection with ``reply`` (None: never a byte), for one test."""
    made: list[socket.socket] = []

    def start(reply: bytes | None) -> str:
        srv = socket.create_server((HOST, 0))
        made.append(srv)
        held: list[socket.socket] = []

        def answer() -> None:
            while True:
                try:
                    conn, _ = srv.accept()
                except OSError:
                    return
                held.append(conn)
                if reply is not None:
                    try:
                        conn.sendall(reply)
                    except OSError:
                        pass

        threading.Thread(target=answer, daemon=True).start()
        return f"tcp://{HOST}:{srv.getsockname()[1]}"

    yield start
    for srv in made:
        srv.close()


@pytest.mark.parametrize(
    "reply, reason",
    [
        (b"HTTP/1.0 400 Bad Request\r\nContent-Length: 0\r\n\r\n", "its first bytes b'HTTP/1.0' are not the start"),
        (b"\xff" * 64, "are not the start of dask's handshake"),
        (b"\x00" * 16, "are not the start of dask's handshake"),
        (None, "it sent nothing; a dask scheduler sends its handshake first"),
    ],
)
def test_a_server_that_is_not_a_dask_scheduler_is_said_in_one_line(server, reply, reason):
    pytest.importorskip("distributed")
    address = server(reply)
    with pytest.raises(InputError) as info:
        cluster.connect(address, 0.5)
    text = str(info.value)
    assert "\n" not in text and f"the server at {address!r} did not answer as a dask scheduler within 0.5 s" in text
    assert reason in text and "MemoryError" not in text and "EiB" not in text


def test_the_cli_says_an_http_port_is_no_dask_scheduler(cli, server):
    pytest.importorskip("distributed")
    address = server(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello")
    status, out, err = cli("phonons", "Ge", "--calculator", "chgnet", "--scheduler", address)
    errors = _errors(err)
    assert status == 2 and len(errors) == 1 and err.strip() == errors[0], err
    assert "did not answer as a dask scheduler" in errors[0] and "MemoryError" not in err


def test_a_real_scheduler_still_connects():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=0, processes=False, dashboard_address=None) as local:
        client = cluster.connect(local.scheduler_address, 5)
        client.close()


# --- item 10: what a law bounds, checked on read ------------------------------------------------------------------


def test_an_agf_checkpoint_transmission_above_its_channels_is_refused_on_read(tmp_path):
    """Entries re-signed with the user's own key (an attacker holding it): x2 past the channel count is refused and
    recomputed; x0.5 stays within every law (0 <= T <= channels) and is read: no law bounds it."""
    from kapitza.io import cache
    from kapitza.transmission.agf.checkpoint import Checkpoint

    omega = np.linspace(1.0, 2.0, 4)
    xi = np.array([0.5, 1.2, 2.9, 2.0])  # within 3 channels
    store = Checkpoint(tmp_path, "ab" * 32, most=3.0)
    store.store(0, 0, omega, xi, 1, 1)
    assert np.array_equal(store.load(0, 0, omega)[0], xi)
    secret = cache.signing_key()
    shapes = {"omega": omega.shape, "xi": omega.shape, "steps": (2,), "device": ()}
    for factor, kept in ((2.0, False), (0.5, True)):
        arrays = {"omega": omega, "xi": factor * xi, "steps": np.array([1, 1]), "device": np.array("")}
        cache.write_signed(store._path(0, 0), secret, store._key_text(0, 0), arrays, shapes=shapes)  # no check
        found = store.load(0, 0, omega)
        if kept:
            assert np.array_equal(found[0], factor * xi)
        else:
            assert found is None and "its transmission 5.8 lies outside 0 to 3 channels" in store.refused[-1]
            assert not store._path(0, 0).exists()


def test_force_constants_that_break_the_sum_rule_are_refused_and_a_scale_is_not_a_law(tmp_path, monkeypatch):
    """The phonons' cache check (``force_constant_rules``) read back through a signed entry: a broken acoustic sum
    rule is refused and recomputed; twice the force constants keep the sum rule and the symmetry, so no law
    catches them (docs/howto/resume.md says so)."""
    from kapitza.io import cache

    monkeypatch.setenv("KAPITZA_CACHE_DIR", str(tmp_path))
    rng = np.random.default_rng(0)
    n = 4
    b = rng.normal(size=(3, 3))
    s = rng.normal(size=(n, n))
    s = s + s.T
    np.fill_diagonal(s, 0.0)
    np.fill_diagonal(s, -s.sum(axis=1))  # the on-site term keeps the sum rule
    fc = s[:, :, None, None] * (b + b.T)[None, None]
    check = cache.force_constant_rules("force_constants", "phonopy")
    assert check({"force_constants": fc}) is None and check({"force_constants": 2 * fc}) is None
    broken = fc.copy()
    broken[0, 1] *= 2
    broken[1, 0] *= 2
    assert "breaks the acoustic sum rule" in check({"force_constants": broken})
    computed: list[int] = []

    def compute():
        computed.append(1)
        return {"force_constants": fc}

    shapes = {"force_constants": (n, n, 3, 3)}
    cache.cached_arrays("structure-phonons", {"t": 1}, compute, shapes=shapes, check=check)
    entry = cache._entry("structure-phonons", {"t": 1}, shapes, None)
    secret = cache.signing_key()
    for bad, refused in ((broken, True), (2 * fc, False)):
        cache.write_signed(entry.path, secret, entry.key_text, {"force_constants": bad}, shapes=shapes)
        computed.clear()
        got = cache.cached_arrays("structure-phonons", {"t": 1}, compute, shapes=shapes, check=check)
        assert bool(computed) is refused
        assert np.array_equal(got["force_constants"], fc if refused else 2 * fc)
