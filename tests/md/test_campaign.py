"""Campaigns (md/campaign.py, ``kapitza md campaign``): validation before any run, a tiny real campaign on a dask
LocalCluster, skip on rerun, a failed member reported while the others go on, gather on synthetic run directories."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import pytest

from kapitza.analysis.md.table import gather_runs
from kapitza.errors import InputError
from kapitza.md.campaign import campaign_entries, load_campaign, member_complete, run_campaign
from kapitza.md.run import write_run_state

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "analysis" / "md"))  # the synthetic run directory writer

TINY = """
[campaign]
workers = 1

[base]
potential = "lj/cut"
n_x = 2
n_y = 2
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
"""


def test_tiny_real_campaign_on_a_local_cluster_then_skipped(cli, tmp_path):
    """Two LJ members (cells_a 6 and 8) on LocalCluster(1 worker): both run, the table has both with a finite flux
    and the thickness fit is made; a rerun skips both and leaves their run directories untouched."""
    spec = tmp_path / "series.toml"
    spec.write_text(TINY + "\n[series]\ncells_a = [6, 8]\n")
    status, out, err = cli("md", "campaign", spec)
    assert status == 0, err
    assert "cells_a-6: ran" in err and "cells_a-8: ran" in err and "thickness series" in out
    folder = tmp_path / "series.campaign"
    with open(folder / "campaign.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["member"] for r in rows] == ["cells_a-6", "cells_a-8"] and [r["cells_a"] for r in rows] == ["6", "8"]
    assert all(float(r["J"]) > 0 for r in rows)
    doc = json.loads((folder / "campaign.json").read_text())
    assert doc["units"] == "lj" and doc["thickness"]["lengths"] == pytest.approx([6 * 1.5496, 7 * 1.5496], rel=1e-3)
    stamp = (folder / "cells_a-6" / "state.json").stat().st_mtime_ns
    status, out, err = cli("md", "campaign", spec)
    assert status == 0 and "cells_a-6: skipped" in err and "cells_a-8: skipped" in err
    assert (folder / "cells_a-6" / "state.json").stat().st_mtime_ns == stamp
    with open(folder / "campaign.csv", newline="") as fh:
        assert [r["status"] for r in csv.DictReader(fh)] == ["skipped", "skipped"]


def test_a_failed_member_is_reported_and_the_others_go_on(tmp_path):
    """A file where one member's run directory should be: that member fails, the other runs to completion."""
    spec = tmp_path / "s.toml"
    spec.write_text(TINY + "\n[series]\ncells_a = [6, 7]\n")
    camp = load_campaign(spec)
    camp.folder.mkdir()
    (camp.folder / "cells_a-6").write_text("in the way\n")
    seen = []
    outcomes = run_campaign(camp, scheduler="synchronous", report=seen.append)
    assert [(o.name, o.status) for o in outcomes] == [("cells_a-6", "failed"), ("cells_a-7", "ran")]
    assert "not a folder" in outcomes[0].error and len(seen) == 2
    assert member_complete(camp.members[1].config, camp.folder / "cells_a-7")
    table = gather_runs(campaign_entries(camp, outcomes), camp.series, camp.folder)
    assert table.rows[0]["status"].startswith("failed: InputError") and table.rows[1]["status"] == "ran"


@pytest.mark.parametrize(
    ("text", "match"),
    [
        (TINY + "[series]\ncells_a = [6]\n[extra]\nx = 1\n", "unknown top-level key"),
        (TINY.replace("workers = 1", "worker = 1") + "[series]\nseed = [1]\n", "unknown [campaign] key"),
        (TINY + "[series]\ncell_a = [6, 8]\n", "unknown NEMD setting(s) cell_a"),
        (TINY + "[series]\ncells_a = []\n", "cells_a must be a non-empty list"),
        (TINY + "[series]\ncells_a = 6\n", "cells_a must be a non-empty list"),
        (
            TINY.replace("mass_a = 1.0\n", "") + "[series]\nmass_a = [1.0, -1.0]\n",
            "member mass_a--1.0: mass_a= must be > 0",
        ),
        (TINY + "[series]\ncells_b = [6, 8]\n", "cells_b in both [base] and [series]"),
        (TINY + "[series]\nseed = [1, 1]\n", "lists a value twice"),
        (TINY.replace("workers = 1", "workers = 0") + "[series]\nseed = [1]\n", "workers must be an integer >= 1"),
        ("base = 3\n", "[base] must be a table"),
        ("[series\n", "not valid TOML"),
    ],
)
def test_bad_campaign_is_refused_before_anything_runs(cli, tmp_path, text, match):
    spec = tmp_path / "bad.toml"
    spec.write_text(text)
    with pytest.raises(InputError, match=match.replace("[", r"\[").replace("(", r"\(").replace(")", r"\)")):
        load_campaign(spec)
    status, out, err = cli("md", "campaign", spec)
    assert status == 2 and err.count("\n") == 1 and match in err, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.toml"]


def test_gather_on_synthetic_run_directories_fits_G_of_T(tmp_path):
    """Members at T = 0.5, 1, 2 whose run directories hold synthetic profiles with G = 0.25 T: the gathered table has
    their G within errors and G(T) has exponent 1 within 3 sigma (exact synthetic source: run_dir_synthetic)."""
    from run_dir_synthetic import write_run_dir

    spec = tmp_path / "t.toml"
    spec.write_text(
        '[base]\npotential = "lj/cut"\ncells_a = 6\ncells_b = 6\ndelta_temperature = 0.4\nblock_steps = 100\n'
        "timestep = 0.01\nsteps_production = 2000\nsample_every = 10\nbath_width = 2.0\n"
        "[series]\ntemperature = [0.5, 1.0, 2.0]\n"
    )
    camp = load_campaign(spec)
    camp.folder.mkdir()
    for k, m in enumerate(camp.members):
        t = m.config.temperature
        folder = write_run_dir(camp.folder / m.name, seed=k, temperature=t, flux=0.05 * t)
        (folder / "config.toml").write_text(m.config.to_toml())
        write_run_state(folder, m.config, m.config.n_blocks + 2)
    outcomes = run_campaign(camp, scheduler="synchronous")
    assert {o.status for o in outcomes} == {"skipped"}
    table = gather_runs(campaign_entries(camp, outcomes), camp.series, camp.folder)
    for row in table.rows:
        assert abs(row["G"] - 0.25 * row["temperature"]) < 3 * row["G_err"]
    fit = table.summary.temperature
    assert abs(fit.exponent - 1.0) < 3 * fit.exponent_err and table.thickness is None
    doc = json.loads(Path(table.json_path).read_text())
    assert doc["G_of_T"]["exponent"] == pytest.approx(fit.exponent) and doc["J_of_delta_T"] is None


def test_gather_only_runs_nothing_and_needs_the_folder(cli, tmp_path):
    """--gather-only on a campaign whose members never ran: refused while the folder is missing; with the folder,
    the table lists every member as not complete and no run directory is created."""
    spec = tmp_path / "g.toml"
    spec.write_text(TINY + "\n[series]\nseed = [1, 2]\n")
    status, out, err = cli("md", "campaign", spec, "--gather-only")
    assert status == 2 and "does not exist yet" in err
    (tmp_path / "g.campaign").mkdir()
    status, out, err = cli("md", "campaign", spec, "--gather-only")
    assert status == 0, err
    with open(tmp_path / "g.campaign" / "campaign.csv", newline="") as fh:
        assert [r["status"] for r in csv.DictReader(fh)] == ["not complete", "not complete"]
    assert sorted(p.name for p in (tmp_path / "g.campaign").iterdir()) == ["campaign.csv", "campaign.json"]


def test_address_and_workers_together_are_refused(cli, tmp_path):
    spec = tmp_path / "a.toml"
    spec.write_text(TINY + "\n[series]\nseed = [1]\n")
    status, out, err = cli("md", "campaign", spec, "--address", "tcp://127.0.0.1:1", "--workers", "2")
    assert status == 2 and "not both" in err
    status, out, err = cli("md", "campaign", spec, "--workers", "0")
    assert status == 2 and "--workers must be >= 1" in err


def _user_structures(folder: Path, cells: tuple[int, ...]) -> list[str]:
    """Argon-like LJ bicrystals of 2 x cells cells (the built-in's atoms, tags = side), as users' extxyz files."""
    import ase
    import ase.io
    import numpy as np

    from kapitza.md.nemd import NemdConfig
    from kapitza.md.systems import build_structure

    names = []
    for n in cells:
        built = build_structure(NemdConfig(potential="lj/cut", units="metal", n_x=2, n_y=2, cells_a=n, cells_b=n))
        atoms = ase.Atoms(["Ar"] * len(built.types), positions=built.positions, cell=np.diag(built.box), pbc=True)
        atoms.set_tags(np.asarray(built.types))
        name = f"ar_{n}.extxyz"
        ase.io.write(folder / name, atoms, format="extxyz")
        names.append(name)
    (folder / "ar.pair").write_text("pair_style lj/cut 8.5125\npair_coeff * * 0.0104 3.405\n")
    return names


USER_BASE = """
[base]
pair = "ar.pair"
temperature = 40.0
timestep = 0.002
delta_temperature = 10.0
bath_width = 5.0
steps_equilibration = 100
steps_steady = 100
steps_production = 200
block_steps = 100
"""


def test_a_series_of_user_structures_is_a_length_series_with_files_beside_the_toml(tmp_path, monkeypatch):
    """Issue 27: the NEMD length series of a user's system.  The structures and the pair file are named as seen
    from the campaign TOML (found from any working directory), the members are named by the files' stems, and
    "structure" is a length key, so gather_runs fits the thickness series."""
    from kapitza.analysis.md.table import LENGTH_KEYS

    sub = tmp_path / "study"
    sub.mkdir()
    names = _user_structures(sub, (5, 6))  # 5 cells a side: the fewest whose profile md analyze can fit
    spec = sub / "lengths.toml"
    spec.write_text(USER_BASE + f"\n[series]\nstructure = {json.dumps(names)}\n")
    monkeypatch.chdir(tmp_path)  # not the TOML's folder
    campaign = load_campaign(spec)
    assert [m.name for m in campaign.members] == ["structure-ar_5", "structure-ar_6"]
    assert [Path(m.config.structure).resolve() for m in campaign.members] == [(sub / n).resolve() for n in names]
    assert [len(m.plan.system.structure.atoms) for m in campaign.members] == [160, 192]
    assert "structure" in campaign.series and "structure" in LENGTH_KEYS


@pytest.mark.parametrize(
    "series, match",
    [
        ('structure = ["missing.extxyz"]', "member structure-missing"),
        ('structure = "ar_4.extxyz"', "must be a non-empty list"),
        ('structure = ["ar_4.extxyz", "sub/ar_4.extxyz"]', "lists a value twice"),
    ],
)
def test_bad_structure_series_is_one_line(tmp_path, series, match):
    _user_structures(tmp_path, (4,))
    spec = tmp_path / "bad.toml"
    spec.write_text(USER_BASE + f"\n[series]\n{series}\n")
    with pytest.raises(InputError, match=match) as info:
        load_campaign(spec)
    assert "\n" not in str(info.value)


def test_the_memory_of_the_workers_is_estimated_and_bounded_before_anything_runs(cli, tmp_path, monkeypatch):
    """Issue 39: ``md campaign --workers N`` made N processes, each running a member's LAMMPS, with no memory
    statement.  The estimate is this process plus N workers each running the largest member (libraries and
    LAMMPS's atoms: benchmarks/memory.py --campaign measured 150 MB for this process and 163-176 MB per worker on LJ
    members of 648 to 18432 atoms, against 180 and 190 MB + 1.5 kB per atom here); over --max-memory-gb it is
    refused in one line before the folder is made or a line is printed, and nothing runs."""
    from kapitza.md import campaign as c

    spec = tmp_path / "series.toml"
    spec.write_text(TINY + "\n[series]\ncells_a = [6, 8]\n")
    camp = load_campaign(spec)
    largest = max(m.config.n_atoms for m in camp.members)
    assert largest == 4 * 2 * 2 * (8 + 6)
    one = c.campaign_memory(camp, 1)
    assert one.per_worker == pytest.approx(c.CAMPAIGN_WORKER_BYTES + c.LAMMPS_BYTES_PER_ATOM * largest)
    assert c.campaign_memory(camp, 2).total == pytest.approx(c.CAMPAIGN_MAIN_BYTES + 2 * one.per_worker)
    assert c.campaign_memory(camp, 8).workers == 2  # no more workers busy than members
    assert c.campaign_memory(camp, 2, address=True).total == c.CAMPAIGN_MAIN_BYTES  # remote workers: not this machine
    assert c.member_memory(camp.members[0].config, processes=4) > c.member_memory(camp.members[0].config)

    def never(*args, **kwargs):
        pytest.fail("a member ran although the campaign did not fit its memory bound")

    monkeypatch.setattr(c, "run_member", never)
    monkeypatch.chdir(tmp_path)
    status, out, err = cli("md", "campaign", spec, "--workers", "2", "--max-memory-gb", "0.5")
    assert status == 2 and err.count("\n") == 1 and out == "", err
    assert "of memory in all" in err and "2 worker(s)" in err and "limit 0.5 GB" in err
    assert not (tmp_path / "series.campaign").exists()
    with pytest.raises(InputError, match="max_memory_gb="):
        run_campaign(camp, workers=2, max_memory_gb=0.5)
    for value in ("nan", "inf", "0", "-1", "1e308"):
        status, out, err = cli("md", "campaign", spec, "--max-memory-gb", value)
        assert status == 2 and err.count("\n") == 1 and "--max-memory-gb" in err, (value, err)
    status, out, _ = cli("md", "campaign", "--help")
    text = " ".join(out.replace("\u2502", " ").split())  # rich's table borders cut the wrapped help lines
    assert "in total" in text and "per atom" in text
