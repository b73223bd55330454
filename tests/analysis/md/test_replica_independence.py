"""The pooled error of ``kapitza md analyze PARENT`` holds only for independent replicas (issue 79, item 1): a
replica that is not its own run is refused in one line, whatever made it so.

The rules, one test each, every way of breaking them that a user meets:

* **its own folder and files**: a replica (or a file of it) that is a symbolic link, to another replica or anywhere;
* **the seed replicas.json assigns it**, read from what its run recorded (its ``config.toml``), and otherwise the
  configuration replicas.json records: a copy of another replica, a plain ``md run`` of the base config put in its
  place, a run of another configuration;
* **no shared data**: no block of one replica's temperature profile is another's (a copy whose config was edited to
  the right seed still carries the other's blocks).

Before this, three copies of one run pooled as "3 replicas" with G +- 0 and a next-run interval of +- 0.
"""

from __future__ import annotations

import os
import shutil

import pytest
from run_dir_synthetic import write_parent, write_run_dir

from kapitza.analysis.md.analyze import analyze_md
from kapitza.errors import InputError


def copy_of(parent, source, target):
    shutil.rmtree(parent / target)
    shutil.copytree(parent / source, parent / target)


def copy_12(parent):
    copy_of(parent, "replica-1", "replica-2")


def copy_23(parent):
    copy_of(parent, "replica-2", "replica-3")


def set_seed(parent, name, seed):
    path = parent / name / "config.toml"
    lines = [f"seed = {seed}" if line.startswith("seed = ") else line for line in path.read_text().splitlines()]
    path.write_text("\n".join(lines) + "\n")


def linked_folder(parent):
    shutil.rmtree(parent / "replica-3")
    os.symlink("replica-1", parent / "replica-3")


def linked_file(parent):
    os.remove(parent / "replica-2" / "profile.chunk")
    os.symlink("../replica-1/profile.chunk", parent / "replica-2" / "profile.chunk")


def linked_elsewhere(parent):
    """replica-3's own files, moved out and linked back: still a link (a replica is a folder of the parent)."""
    shutil.move(parent / "replica-3", parent.parent / "moved")
    os.symlink(parent.parent / "moved", parent / "replica-3")


def plain_run(parent):
    """A plain ``md run`` of the base config (seed 11) in replica-2's place: its own noise, the wrong seed."""
    shutil.rmtree(parent / "replica-2")
    write_run_dir(parent / "replica-2", seed=99, config_seed=11)


def copy_with_its_seed(parent):
    copy_of(parent, "replica-1", "replica-2")
    set_seed(parent, "replica-2", 12)


def another_config(parent):
    path = parent / "replica-2" / "config.toml"
    path.write_text(path.read_text().replace("steps_equilibration = 5000", "steps_equilibration = 6000"))


#: How the folder is broken -> words the one line must hold.
BROKEN = {
    "copy of replica-1 as replica-2": (copy_12, "replica-2 was run with seed 11"),
    "copy of replica-2 as replica-3": (copy_23, "replica-3 was run with seed 12"),
    "replica-3 a link to replica-1": (linked_folder, "replica-3 is a symbolic link"),
    "replica-3 a link to a folder elsewhere": (linked_elsewhere, "replica-3 is a symbolic link"),
    "a file linked to another replica's": (linked_file, "replica-2/profile.chunk is a symbolic link"),
    "a plain run of the base config": (plain_run, "replica-2 was run with seed 11"),
    "a copy given the right seed": (copy_with_its_seed, "replica-2 and replica-1 hold the same temperature profile"),
    "a run of another configuration": (another_config, "(its config.toml: steps_equilibration differs)"),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_a_replica_that_is_not_its_own_independent_run_is_refused_in_one_line(cli, tmp_path, case):
    parent = write_parent(tmp_path / "p", n=3)
    analyze_md(parent)  # whole, the folder pools
    make, words = BROKEN[case]
    make(parent)
    with pytest.raises(InputError, match="independent|of its own|another configuration") as caught:
        analyze_md(parent)
    assert words in str(caught.value)
    for extra in ((), ("--json",)):
        status, out, err = cli("md", "analyze", parent, *extra)
        assert status == 2 and out == "" and err.count("\n") == 1 and words in err, (case, err)


def test_three_copies_given_their_seeds_never_pool(tmp_path):
    """The issue's case, with each copy's config edited to the seed replicas.json assigns it: the data rule still
    finds that they are one run (before: "3 replicas", G +- 0)."""
    parent = write_parent(tmp_path / "p", n=3)
    for k in (2, 3):
        copy_of(parent, "replica-1", f"replica-{k}")
        set_seed(parent, f"replica-{k}", 10 + k)
    with pytest.raises(InputError, match="hold the same temperature profile"):
        analyze_md(parent)


def test_a_single_run_beside_replicas_json_is_refused_not_shown_instead_of_the_pool(cli, tmp_path):
    """Item 7, the reading side: a folder holding replicas.json and a run's run.json is refused in one line (md
    run no longer writes one; an older or hand-made folder may hold both)."""
    parent = write_parent(tmp_path / "p", n=2)
    shutil.copy(parent / "replica-1" / "run.json", parent / "run.json")
    status, out, err = cli("md", "analyze", parent)
    assert status == 2 and out == "" and err.count("\n") == 1 and "holds both replicas" in err, err
