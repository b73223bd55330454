"""What a long temperature range costs: ``kapitza predict Al Si -t 1:1e5:N`` as text and as ``--json`` (issue 63).

Each run is a fresh interpreter (the whole command as a user runs it: start-up, the shipped fit of the expected
measurement, every model, the output written to a pipe), for N = 6 (the fixed cost) and for a few long ranges; the
runs are interleaved so that a change of load hits all alike, and the median of ``--repeats`` is printed with the
peak memory of the process (``ru_maxrss``) and the lines written.  From them, side by side: the cost of 1,000 more
temperatures, ``(t(N) - t(6)) / (N - 6) * 1000``, for text and for json, and their ratio.  With ``--baseline SRC``
(another checkout's ``src/``, e.g. ``git archive main src | tar -x -C /tmp/main``) the same commands on that tree and
the ratio of the two.  The limit message of :func:`kapitza.landauer.too_many_temperatures` states the cost this
script measures (its ``--max`` run, this tree only: the largest range a command accepts).  A benchmark, never a
timed test.

    python benchmarks/long_outputs.py [--sizes 2000,5000] [--repeats 1] [--max] [--baseline /tmp/main/src]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from kapitza.landauer import MAX_TEMPERATURES

SRC = Path(__file__).resolve().parent.parent / "src"
FIXED = 6


def _once(src: Path, n: int, as_json: bool) -> tuple[float, float, int]:
    """Wall time (s), peak memory (GB) and lines written of one fresh ``kapitza predict Al Si -t 1:1e5:n``."""
    argv = ["predict", "Al", "Si", "-t", f"1:1e5:{n}", *(["--json"] if as_json else [])]
    code = f"import sys; sys.argv[1:] = {argv!r}; import kapitza.__main__"
    env = {**os.environ, "PYTHONPATH": str(src), "OMP_NUM_THREADS": "1", "COLUMNS": "100"}
    with tempfile.TemporaryFile() as out:
        t0 = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-c", code], env=env, stdout=out, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - t0
        stderr = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"{argv} failed on {src}:\n{stderr}")
        out.seek(0)
        lines = sum(1 for _ in out)
    return elapsed, usage.ru_maxrss / 1e6, lines  # ru_maxrss in KiB on Linux: ~GB


def measure(trees: dict[str, Path], sizes: list[int], repeats: int) -> dict[tuple[str, int, str], tuple]:
    """Median time, peak memory and lines of each (tree, N, text|json), the runs interleaved."""
    runs: dict[tuple[str, int, str], list[tuple[float, float, int]]] = {}
    for _ in range(repeats):
        for n in sizes:
            for mode in ("text", "json"):
                for tree, src in trees.items():
                    if tree != "this tree" and n == MAX_TEMPERATURES:
                        continue  # the baseline's text of the largest range may take an hour
                    runs.setdefault((tree, n, mode), []).append(_once(src, n, mode == "json"))
    return {key: (statistics.median(r[0] for r in v), max(r[1] for r in v), v[0][2]) for key, v in runs.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="2000,5000", help="long ranges, comma-separated (default 2000,5000)")
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--max", action="store_true", help="also the largest range a command accepts (minutes)")
    parser.add_argument("--baseline", type=Path, help="src/ of another checkout to compare with")
    args = parser.parse_args()
    sizes = [FIXED, *(int(s) for s in args.sizes.split(","))] + ([MAX_TEMPERATURES] if args.max else [])
    trees = {"this tree": SRC} | ({"baseline": args.baseline.resolve()} if args.baseline else {})
    found = measure(trees, sizes, args.repeats)
    print(f"kapitza predict Al Si -t 1:1e5:N, fresh process each, median of {args.repeats}")
    print(f"{'tree':<10} {'N':>7} {'mode':<5} {'time (s)':>9} {'peak (GB)':>10} {'lines':>9}")
    for (tree, n, mode), (t, gb, lines) in found.items():
        print(f"{tree:<10} {n:>7} {mode:<5} {t:>9.2f} {gb:>10.2f} {lines:>9}")
    print("\nper 1,000 more temperatures (s), from N and the fixed cost of N = 6:")
    print(f"{'tree':<10} {'N':>7} {'text':>8} {'json':>8} {'text/json':>10}")
    per: dict[tuple[str, int, str], float] = {}
    for tree in trees:
        for n in sizes[1:]:
            if (tree, n, "text") not in found:
                continue
            for mode in ("text", "json"):
                per[tree, n, mode] = (found[tree, n, mode][0] - found[tree, FIXED, mode][0]) / (n - FIXED) * 1000
            ratio = per[tree, n, "text"] / per[tree, n, "json"]
            print(f"{tree:<10} {n:>7} {per[tree, n, 'text']:>8.3f} {per[tree, n, 'json']:>8.3f} {ratio:>10.2f}")
    if args.baseline:
        print("\nthis tree / baseline, whole command:")
        for n in sizes:
            for mode in ("text", "json"):
                if ("baseline", n, mode) in found:
                    ratio = found["this tree", n, mode][0] / found["baseline", n, mode][0]
                    print(f"  N = {n:>6} {mode:<5} x{ratio:.3f}")


if __name__ == "__main__":
    main()
