"""Start-up times: ``import kapitza``, ``kapitza --version``, ``kapitza --help`` (issue 26 item 9) and the main job,
``kapitza predict Al Si -t 300`` (issue 78 item 1), as whole processes.

Each is a fresh interpreter (``python -c``), run ``--repeats`` times in turn with the others so that a
change of load on the machine hits all of them alike; the median is printed beside the time of a bare
``python -c pass``, of ``import numpy`` (the floor any computation pays) and of typer with its rich help
formatter (the floor of ``--help``, which must render typer's help), and with ``--baseline SRC``
(another checkout's ``src/``, e.g. from ``git archive main src | tar -x -C /tmp/main``) the same
statements on that tree, side by side, with the ratio.  ``predict Al Si`` runs with a cache folder of its own per
tree, filled by one run before the timed ones (the fit stored, as on a user's second run); that first run's time is
printed too (the fit made and stored, as on a fresh install).  A benchmark, never a timed test.

    python benchmarks/startup.py [--repeats 7] [--baseline /tmp/main/src]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"

CASES = {
    "python -c pass": "pass",
    "import numpy": "import numpy",
    "import typer (+rich)": "import typer, typer.rich_utils",
    "import kapitza": "import kapitza",
    "kapitza --version": "import sys; sys.argv[1:] = ['--version']; import kapitza.__main__",
    "kapitza --help": "import sys; sys.argv[1:] = ['--help']; import kapitza.__main__",
    "predict Al Si -t 300": "import sys; sys.argv[1:] = ['predict', 'Al', 'Si', '-t', '300']; import kapitza.__main__",
}
#: Per tree, the cache folder its runs use (made in :func:`main`).
CACHES: dict[str, str] = {}


def _once(code: str, src: Path) -> float:
    env = {**os.environ, "PYTHONPATH": str(src), "OMP_NUM_THREADS": "1", "COLUMNS": "100"}
    if str(src) in CACHES:
        env["KAPITZA_CACHE_DIR"] = CACHES[str(src)]
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, timeout=300)
    elapsed = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"{code!r} failed on {src}:\n{proc.stderr.decode(errors='replace')}")
    return elapsed


def measure(trees: dict[str, Path], repeats: int) -> dict[tuple[str, str], float]:
    """Median wall time (s) of each case on each tree, the runs interleaved."""
    times: dict[tuple[str, str], list[float]] = {(c, t): [] for c in CASES for t in trees}
    for _ in range(repeats):
        for case, code in CASES.items():
            for tree, src in trees.items():
                times[case, tree].append(_once(code, src))
    return {key: statistics.median(values) for key, values in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--baseline", type=Path, help="src/ of another checkout to compare with")
    args = parser.parse_args()
    trees = {"this tree": SRC}
    if args.baseline is not None:
        trees = {"baseline": args.baseline.resolve(), **trees}
    import tempfile

    first = {}
    with tempfile.TemporaryDirectory(prefix="kapitza-startup-") as folder:
        for i, (tree, src) in enumerate(trees.items()):
            CACHES[str(src)] = str(Path(folder) / f"cache{i}")
            first[tree] = _once(CASES["predict Al Si -t 300"], src)
        result = measure(trees, args.repeats)
    print(
        f"median of {args.repeats} fresh interpreters each, seconds ({os.cpu_count()} CPUs, load "
        f"{os.getloadavg()[0]:.1f})"
    )
    header = f"{'':20s}" + "".join(f"{name:>12s}" for name in trees)
    print(header + ("       ratio" if len(trees) == 2 else ""))
    for case in CASES:
        row = [result[case, tree] for tree in trees]
        line = f"{case:20s}" + "".join(f"{t:12.3f}" for t in row)
        if len(row) == 2:
            line += f"{row[0] / row[1]:11.1f}x"
        print(line)
    line = f"{'predict, first run':20s}" + "".join(f"{first[tree]:12.3f}" for tree in trees)
    print(line + "   (an empty cache: the fit made and stored once)")


if __name__ == "__main__":
    main()
