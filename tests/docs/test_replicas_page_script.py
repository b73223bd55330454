"""scripts/replicas_howto.py, the generator of docs/howto/replicas.md's tables: a ``--block`` the page does not mark
is refused in one line (exit 2) before any run is read and before anything is written."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "replicas_howto.py"
PAGE = ROOT / "docs" / "howto" / "replicas.md"


def test_unknown_block_is_refused_before_anything_is_written(tmp_path):
    before = PAGE.read_bytes()
    for name in ("no-such-block", "../replicas-30"):
        done = subprocess.run([sys.executable, str(SCRIPT), str(tmp_path / "none"), "--block", name, "--write"],
                              capture_output=True, text=True, timeout=120)  # fmt: skip
        assert done.returncode == 2, done.stderr
        assert "has no block of that name" in done.stderr and "Traceback" not in done.stderr
        assert not (PAGE.parent / f"{name}-data.json").exists()
    assert PAGE.read_bytes() == before
