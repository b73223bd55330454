"""The one commit-stamp rule of the scripts (scripts/repo_commit.py): HEAD's hash, "+ uncommitted changes" where the
package or the scripts differ from HEAD, except for the files the run itself writes (``ignore``), so a page run that
writes expected_scores.toml under src/ stamps the commit it ran from."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import repo_commit

if shutil.which("git") is None:
    pytest.skip("no git on this machine", allow_module_level=True)


def _git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=True).stdout.strip()


def test_a_file_the_run_writes_does_not_make_its_stamp_another_commits(tmp_path, monkeypatch):
    root = tmp_path / "repo"
    for name in ("src/pkg/data/scores.toml", "src/pkg/code.py", "scripts/run.py", "docs/page.md"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("one\n", encoding="utf-8")
    _git(tmp_path, "init", "-q", str(root))
    _git(root, "add", ".")
    _git(root, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "first")
    head = _git(root, "rev-parse", "--short", "HEAD")
    monkeypatch.setattr(repo_commit, "ROOT", root)
    scores = root / "src/pkg/data/scores.toml"
    assert repo_commit.commit() == head
    (root / "docs/page.md").write_text("two\n", encoding="utf-8")  # outside src/ and scripts/: not an input
    assert repo_commit.commit() == head
    scores.write_text("two\n", encoding="utf-8")
    assert repo_commit.commit() == f"{head} + uncommitted changes"
    assert repo_commit.commit(ignore=[scores]) == head
    (root / "src/pkg/code.py").write_text("two\n", encoding="utf-8")  # a change of the code still counts
    assert repo_commit.commit(ignore=[scores]) == f"{head} + uncommitted changes"
    monkeypatch.setattr(repo_commit, "ROOT", tmp_path / "nowhere")
    assert repo_commit.commit() == "unknown"
