"""``kapitza md analyze PARENT`` on a folder of replicas written by hand (run_dir_synthetic's run directories and a
replicas.json as kapitza.md.replicas writes it): the pooled G first, each replica under --explain, the JSON, and
the bad folders (a replica interrupted or failed, replicas of different configurations, too few) -> one line.

Every replica's baths.txt carries exactly FLUX and its profile a jump of JUMP plus noise of its own seed, so the
pool's G is FLUX / mean jump, checked against the same numbers from each replica's own analysis.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from run_dir_synthetic import FLUX, JUMP, write_parent, write_run_dir

from answer_rules import WITH_ERROR, answer_first, explained
from kapitza.analysis.md.analyze import analyze_md
from kapitza.analysis.md.response import analyze_run
from kapitza.errors import InputError


def test_pool_of_a_folder_equals_the_pool_of_its_runs(tmp_path):
    parent = write_parent(tmp_path / "p")
    a = analyze_md(parent)
    runs = [analyze_run(parent / f"replica-{k}") for k in range(1, 5)]
    dt = np.array([r.jump.delta_T for r in runs])
    assert a.kind == "replicas" and a.replicas.pool.n == 4
    assert a.G == pytest.approx(FLUX / dt.mean(), rel=1e-12)
    assert abs(a.G - FLUX / JUMP) < 3 * a.G_err
    doc = a.to_dict()
    assert doc["pooled"]["G"] == pytest.approx(a.G) and [r["seed"] for r in doc["replicas"]] == [11, 12, 13, 14]
    assert [r["G"] for r in doc["replicas"]] == pytest.approx([r.jump.G for r in runs])


def test_cli_gives_the_pooled_g_first_and_each_replica_under_explain(cli, tmp_path):
    parent = write_parent(tmp_path / "p")
    status, out, err = cli("md", "analyze", parent)
    assert status == 0, err
    lines = answer_first(out, most=8, within=1)
    assert lines[0].startswith("G = ") and "4 replicas pooled" in lines[0] and WITH_ERROR.search(lines[0])
    assert "replica-2" not in out
    folded = " ".join(out.split())  # rich folds long lines
    nxt = folded.index("one further run of this configuration: G = ")
    assert folded.index("4 replicas pooled") < nxt < folded.index("\u0394T = ") and WITH_ERROR.search(folded[nxt:])
    status, out, err = cli("md", "analyze", parent, "--explain")
    assert status == 0, err
    text = explained(out, "replica-1", "replica-4", "Birge ratio", "ratio of means")
    assert text.count("pooled") >= 4
    status, out, err = cli("md", "analyze", parent, "--json")
    doc = json.loads(out)
    assert status == 0 and doc["pooled"]["n"] == 4 and doc["pooled"]["t_factor"] == pytest.approx(1.1969, abs=1e-4)
    # the next run's interval: t sqrt(1 + 1/N) std / mean = G_err sqrt(N + 1) (Hahn & Meeker (1991), ch. 4)
    assert doc["pooled"]["G_next_err"] == pytest.approx(doc["pooled"]["G_err"] * 5**0.5, rel=1e-12)
    assert "68 %" in doc["pooled"]["next_run"]


def test_an_interrupted_and_a_failed_replica_are_left_out_and_said(cli, tmp_path):
    parent = write_parent(tmp_path / "p")
    state = parent / "replica-3" / "state.json"
    state.write_text(json.dumps({"completed_units": 7, "n_blocks": 20}))  # 5 of 20 blocks
    record = json.loads((parent / "replicas.json").read_text())
    record["replicas"][1]["status"] = "failed: KapitzaError: LAMMPS failed in unit 4"
    (parent / "replicas.json").write_text(json.dumps(record))
    (parent / "replica-2" / "state.json").write_text(json.dumps({"completed_units": 3, "n_blocks": 20}))
    a = analyze_md(parent)
    assert a.replicas.pool.n == 2
    status = {r.name: r.status for r in a.replicas.replicas}
    assert status["replica-3"] == "interrupted: 5 of 20 blocks" and status["replica-1"] == "pooled"
    assert status["replica-2"].startswith("interrupted: 1 of 20 blocks (failed: KapitzaError")
    assert any("2 of 4 replicas left out" in w and "--replicas 4" in w for w in a.warnings)
    status, out, err = cli("md", "analyze", parent)
    assert status == 0 and "warning: 2 of 4 replicas left out" in out


def test_bad_folders_are_one_line(cli, tmp_path):
    parent = write_parent(tmp_path / "p", n=3)
    (parent / "replica-2" / "state.json").write_text(json.dumps({"completed_units": 3, "n_blocks": 20}))
    (parent / "replica-3" / "state.json").write_text(json.dumps({"completed_units": 3, "n_blocks": 20}))
    status, out, err = cli("md", "analyze", parent)
    assert status == 2 and err.count("\n") == 1 and "1 of 3 replicas can be pooled" in err, err
    other = write_parent(tmp_path / "q", n=2)
    write_run_dir(tmp_path / "hot", temperature=2.0)
    (other / "replica-2" / "run.json").write_text((tmp_path / "hot" / "run.json").read_text())
    status, out, err = cli("md", "analyze", other)
    assert status == 2 and "different configuration" in err and err.count("\n") == 1, err
    status, out, err = cli("md", "analyze", parent, "--plot", tmp_path / "f.png")
    assert status == 2 and "holds replicas" in err and not (tmp_path / "f.png").exists()
    status, out, err = cli("md", "analyze", write_parent(tmp_path / "r", n=2), "--flux", "1")
    assert status == 2 and "flux= (--flux) is for a profile file" in err


def test_python_and_cli_give_the_same_numbers(cli, tmp_path):
    """One object behind every output (issue 61): the JSON is analyze_md(...).to_dict(), the text its numbers."""
    parent = write_parent(tmp_path / "p")
    a = analyze_md(parent)
    status, out, err = cli("md", "analyze", parent, "--json")
    assert status == 0 and json.loads(out) == json.loads(json.dumps(a.to_dict()))
    status, out, err = cli("md", "analyze", parent)
    p = a.replicas.pool
    assert f"G = {p.G:.4g} \u00b1 {p.G_err:.2g}" in out


def test_an_emd_folder_is_refused_with_the_command_that_pools_it(tmp_path):
    parent = write_parent(tmp_path / "p", n=2)
    record = json.loads((parent / "replicas.json").read_text())
    record["kind"] = "emd"
    for i, row in enumerate(record["replicas"]):
        row["emd_seed"] = 2024 + i
    (parent / "replicas.json").write_text(json.dumps(record))
    with pytest.raises(InputError, match="md emd CONFIG --replicas N"):
        analyze_md(parent)
