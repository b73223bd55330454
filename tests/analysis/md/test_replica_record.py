"""What ``kapitza md analyze PARENT`` reads back from a folder of replicas is read like everything else (issue 79,
items 3, 5, 6, 8): one rule each, one line and exit status 2 (or the pool with a note, where a replica is left out).

* **One bounded reader** (:func:`kapitza.io.paths.read_bounded`): replicas.json, a replica's run.json, config.toml,
  state.json and box.txt as a FIFO, a device (/dev/zero) or a 6 GB file are refused at once, never waited on or
  read into memory (before: MemoryError at 5.4 GB, or a hang).
* **One JSON reader** (:mod:`kapitza.io.json_file`): nesting deeper than a record's is refused, 100,000 levels or 40
  (before: RecursionError).
* **Texts from the file are names** (:func:`kapitza._checks.label`): a status holding a terminal escape, a bell or
  rich markup is refused, and no escape reaches the terminal, in text or with --json.
* **Seeds as LAMMPS takes them**: an integer from 1 to 900,000,000, none shared between replicas.
"""

from __future__ import annotations

import json
import os

import pytest
from run_dir_synthetic import write_parent

from hostile_files import at_most, device, fifo, huge
from kapitza.analysis.md.analyze import analyze_md
from kapitza.errors import InputError
from kapitza.io.replica_layout import check_status, failure_status

#: What is put in a file's place -> the words of the refusal.  /dev/zero is reached through a link, which a replica's
#: own files may not be (test_replica_independence): refused there before it is opened; replicas.json is read.
IN_PLACE = {"FIFO": (fifo, "not a regular file"), "device": (device, ""), "6 GB": (huge, "MB;")}
#: The files the replica code reads back (replica-2's run directory, or the parent), and what a bad one does:
#: refused (exit 2), or the replica left out of the pool with its reason (its state, as an interrupted one's; its
#: box file, as any data its analysis refuses).
FILES = {
    "replicas.json": ("refused", ""),
    "replica-2/run.json": ("refused", ""),
    "replica-2/config.toml": ("refused", ""),
    "replica-2/state.json": ("left out", "replica-2: its state.json cannot be read"),
    "replica-2/box.txt": ("left out", "replica-2: analysis refused: box file"),
}


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
@pytest.mark.parametrize("name", list(FILES))
@pytest.mark.parametrize("what", list(IN_PLACE))
def test_every_file_read_back_is_read_within_its_bound(cli, tmp_path, name, what):
    parent = write_parent(tmp_path / "p", n=3)
    os.remove(parent / name)
    make, words = IN_PLACE[what]
    make(parent / name)
    with at_most(5):
        status, out, err = cli("md", "analyze", parent)
    outcome, said = FILES[name]
    if outcome == "refused" or (what == "device" and name != "replicas.json"):
        assert status == 2 and out == "" and err.count("\n") == 1 and words in err, err
        assert "Error" not in err.split(":")[1]  # one of kapitza's lines, not a Python error's
    else:
        folded = " ".join(out.split())
        assert status == 0 and "2 replicas pooled" in out and said in folded and words in folded, out


def test_json_nested_deeper_than_a_record_is_refused_by_the_one_reader(cli, tmp_path):
    parent = write_parent(tmp_path / "p", n=2)
    record = parent / "replicas.json"
    good = record.read_text()
    record.write_text("[" * 100_000 + "]" * 100_000)
    status, out, err = cli("md", "analyze", parent)
    assert status == 2 and err.count("\n") == 1 and "nests lists or objects deeper" in err, err
    doc = json.loads(good)
    deep: list = []
    for _ in range(40):  # parses, but deeper than any record: refused before anything looks at it
        deep = [deep]
    doc["replicas"][1]["status"] = deep
    record.write_text(json.dumps(doc))
    status, out, err = cli("md", "analyze", parent)
    assert status == 2 and "nests lists or objects deeper" in err, err
    record.write_text(good)
    for k in (1, 2):  # the same text in both (replicas' manifests are compared as text first)
        (parent / f"replica-{k}" / "run.json").write_text('{"a": ' + "[" * 50_000 + "]" * 50_000 + "}")
    status, out, err = cli("md", "analyze", parent)
    assert status == 2 and err.count("\n") == 1 and "run.json' nests lists or objects deeper" in err, err


HOSTILE = {
    "OSC-8 link": "failed: \x1b]8;;file:///etc/passwd\x1b\\click here\x1b]8;;\x1b\\",
    "screen clear": "failed: \x1b[2J\x1b[H all is well",
    "bell": "failed: \x07",
    "carriage return": "complete\r",
    "rich link": "failed: [link=file:///etc/passwd]details[/link]",
    "rich style": "failed: [bold red]all replicas pooled[/]",
    "not a status": "done",
    "a list": ["failed"],
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_a_status_is_checked_like_a_name_and_never_reaches_the_terminal(cli, tmp_path, case):
    parent = write_parent(tmp_path / "p", n=3)
    doc = json.loads((parent / "replicas.json").read_text())
    doc["replicas"][1]["status"] = HOSTILE[case]
    (parent / "replicas.json").write_text(json.dumps(doc))
    with pytest.raises(InputError, match="replica-2 status"):
        analyze_md(parent)
    for extra in ((), ("--json",), ("--explain",)):
        status, out, err = cli("md", "analyze", parent, *extra)
        assert status == 2 and out == "" and err.count("\n") == 1 and "replica-2 status" in err, (case, err)
        assert not any(c in err for c in "\x1b\x07\r"), err


def test_what_a_failed_replica_records_passes_the_same_check():
    """The writer's side of the rule: a failure is recorded as plain text (an exception's first line may hold an
    escape, ``[Errno 2]`` or be long), so that a folder kapitza wrote is always read back."""
    for error in ("OSError: [Errno 2] No such file", "InputError: \x1b[2J\x07bad\r", "x" * 10_000, ""):
        status = failure_status(error)
        assert check_status(status, "status") == status and status.startswith("failed: ")
    assert failure_status("InputError: run failed") == "failed: InputError: run failed"


SEEDS = {
    "zero": (lambda rows: rows[1].update(seed=0), "replica-2 seed must be an integer from 1 to 900,000,000"),
    "above LAMMPS's": (lambda rows: rows[1].update(seed=900_000_001), "from 1 to 900,000,000"),
    "a bool": (lambda rows: rows[1].update(seed=True), "got True"),
    "a text": (lambda rows: rows[1].update(seed="12"), "got '12'"),
    "a float": (lambda rows: rows[1].update(seed=12.0), "got 12.0"),
    "shared": (lambda rows: rows[2].update(seed=rows[0]["seed"]), "replica-3 has the seed of replica-1 (11)"),
    "an EMD seed on NEMD": (lambda rows: rows[1].update(emd_seed=5), "has an emd_seed, but the replicas are NEMD"),
}


@pytest.mark.parametrize("case", list(SEEDS))
def test_the_seeds_of_the_record_are_lammps_seeds_none_shared(cli, tmp_path, case):
    parent = write_parent(tmp_path / "p", n=3)
    doc = json.loads((parent / "replicas.json").read_text())
    edit, words = SEEDS[case]
    edit(doc["replicas"])
    (parent / "replicas.json").write_text(json.dumps(doc))
    for extra in ((), ("--explain",)):
        status, out, err = cli("md", "analyze", parent, *extra)
        assert status == 2 and out == "" and err.count("\n") == 1 and words in err, (case, err)


def test_emd_seeds_are_checked_alike(tmp_path):
    parent = write_parent(tmp_path / "p", n=2)
    doc = json.loads((parent / "replicas.json").read_text())
    doc["kind"] = "emd"
    doc["replicas"][0]["emd_seed"] = doc["replicas"][1]["emd_seed"] = 2024
    (parent / "replicas.json").write_text(json.dumps(doc))
    with pytest.raises(InputError, match="replica-2 has the emd_seed of replica-1"):
        analyze_md(parent)
    doc["replicas"][1]["emd_seed"] = None
    (parent / "replicas.json").write_text(json.dumps(doc))
    with pytest.raises(InputError, match="replica-2 emd_seed must be an integer"):
        analyze_md(parent)
