"""Wall time and peak memory of `kg build` on the seeds, and the share spent importing.

Each run is a fresh process (as a user runs it), timed from outside with os.wait4, which also
gives that process's own peak RSS. The import share is a process that only imports what the
build imports. Both are measured in the same run, alternating, so the ratio holds on a noisy
machine even when absolute times drift.

    python benchmarks/bench_build.py [--runs 5] [--root .]
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

IMPORTS = (
    "import kg.cli, kg.build, kg.curation, kg.graph, kg.outputs, kg.store, kg.validate; "
    "import pyshacl, rdflib, pyoxigraph, pycountry, rapidfuzz, pydantic, yaml, rich"
)


def run(argv: list[str]) -> tuple[float, float]:
    """Seconds and peak RSS (MiB) of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    if status != 0:
        raise SystemExit(
            f"{' '.join(argv)} failed: {proc.stderr.read().decode() if proc.stderr else ''}"
        )
    return seconds, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent)
    args = parser.parse_args()
    builds, imports = [], []
    with tempfile.TemporaryDirectory() as tmp:
        build = [sys.executable, "-m", "kg", "build", "--full", "--root", str(args.root), "-o", tmp]
        run(build)  # warm the file cache once
        for _ in range(args.runs):
            builds.append(run(build))
            imports.append(run([sys.executable, "-c", IMPORTS]))
    build_s = statistics.median(s for s, _ in builds)
    import_s = statistics.median(s for s, _ in imports)
    peak = max(m for _, m in builds)
    print(f"kg build on {args.root / 'seeds'} ({args.runs} runs, median)")
    print(f"  wall time        {build_s:6.2f} s   (target < 3 s)")
    print(f"  peak RSS         {peak:6.0f} MiB")
    print(f"  imports alone    {import_s:6.2f} s   ({100 * import_s / build_s:.0f}% of the build)")


if __name__ == "__main__":
    main()
