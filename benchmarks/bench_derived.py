"""What the derived graph (kg/derived.py) costs a build, on a project that has been built.

    python benchmarks/bench_derived.py --project /tmp/derived-10000 [--runs 3] [--rebuild]

1. In this process, from the build's cache: reading the graphs' summaries, merging them and
   computing the derived rows, and writing the rows as the four output pieces (CPU and wall
   seconds, median of --runs), with the summaries' size and the derived graph's triples.
2. With --rebuild: `kg build` (in a child process) after a real change to one article (its
   date moves one year later, which changes derived values of every entity it mentions), then
   again with the change undone, --runs times; wall and CPU seconds (workers included) and the
   build's own "derived graph" timing. With --baseline PROJECT CODE the same rebuilds of a copy
   of the project built by another kg checkout (e.g. main) alternate with these, so both see
   the same machine load. The projects are left as they were.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from kg import derived
from kg.cache import BuildCache


def _timed(work, runs: int):  # type: ignore[no-untyped-def]
    walls, cpus, out = [], [], None
    for _ in range(runs):
        w, c = time.perf_counter(), time.process_time()
        out = work()
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    return statistics.median(walls), statistics.median(cpus), out


def _compute(cache: BuildCache, runs: int) -> None:
    names = sorted(n for n in cache.graphs if n != derived.NAME)
    wall, cpu, summaries = _timed(lambda: [cache.chunks(n).derived for n in names], runs)
    size = sum(len(s) for s in summaries) / 1e6
    print(f"| read every graph's pieces from the cache (done anyway to write the outputs) | "
          f"{wall:.2f} | {cpu:.2f} | {len(names):,} graphs, summaries {size:.1f} MB |")  # fmt: skip
    wall, cpu, rows = _timed(lambda: derived.derive(summaries), runs)
    print(f"| merge the summaries, compute the derived rows | {wall:.2f} | {cpu:.2f} | "
          f"{len(rows):,} triples |")  # fmt: skip
    wall, cpu, chunks = _timed(lambda: derived.render_rows(rows), runs)
    size = sum(len(getattr(chunks, f)) for f in ("trig", "turtle", "jsonld", "nquads")) / 1e6
    print(f"| write the rows as the four output pieces | {wall:.2f} | {cpu:.2f} | {size:.1f} MB |")


_CHILD = """
import json, sys, time
from pathlib import Path
from kg.build import build_project
start = time.perf_counter()
report = build_project(Path(sys.argv[1]))
print(json.dumps({"wall": time.perf_counter() - start, "timings": report.timings}))
"""


def _build(project: Path, code: Path | None) -> tuple[float, float, dict[str, float]]:
    """`kg build` in a child process (``code``: a kg checkout to import instead of this one);
    wall seconds, CPU seconds of the child and its workers, the build's own stage timings."""
    env = dict(os.environ)
    if code is not None:
        env["PYTHONPATH"] = str(code)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(  # in the project folder: `-c` puts the working folder first on sys.path
        [sys.executable, "-c", _CHILD, str(project)],
        env=env,
        cwd=project,
        check=True,
        capture_output=True,
    ).stdout
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    result = json.loads(out.splitlines()[-1])
    return result["wall"], cpu, result["timings"]


def _rebuild(variants: list[tuple[str, Path, Path | None]], runs: int) -> None:
    """Per variant (label, project, code), alternating: one article's date moved a year
    later, rebuilt, moved back, rebuilt."""
    print("\n| rebuild after one article's date changed | wall s | CPU s | derived graph s |")
    print("|---|---:|---:|---:|")
    results: dict[str, list[tuple[float, float, float]]] = {label: [] for label, _, _ in variants}
    for _ in range(runs):
        for label, project, code in variants:
            curations = sorted((project / "seeds" / "curation").glob("*.yaml"))
            path = curations[len(curations) // 2]
            original = path.read_text(encoding="utf-8")
            match = re.search(r'date: "(\d{4})', original)
            if not match:
                raise SystemExit(f"{path}: no article date to move")
            year = match.group(1)
            try:
                path.write_text(original.replace(f'date: "{year}', f'date: "{int(year) + 1}', 1))
                for _ in ("changed", "changed back"):
                    wall, cpu, timings = _build(project, code)
                    results[label].append((wall, cpu, timings.get("derived graph", 0.0)))
                    path.write_text(original, encoding="utf-8")
            finally:
                path.write_text(original, encoding="utf-8")
    for label, rows in results.items():
        wall, cpu, own = (statistics.median(r[i] for r in rows) for i in range(3))
        print(f"| {label} (median of {len(rows)}) | {wall:.2f} | {cpu:.2f} | {own:.2f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", type=Path, required=True, help="a built project")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rebuild", action="store_true", help="also time real rebuilds")
    parser.add_argument(
        "--baseline",
        nargs=2,
        metavar=("PROJECT", "CODE"),
        type=Path,
        help="with --rebuild: also rebuild PROJECT (a copy, built) with the kg in CODE "
        "(e.g. `git archive main kg ontology queries | tar -x -C CODE`), alternating",
    )
    args = parser.parse_args()
    cache = BuildCache.load(args.project / "build" / "cache")
    if derived.NAME not in cache.graphs:
        raise SystemExit(f"{args.project}: not built by this kg (no derived graph in the cache)")
    print("| step | wall s | CPU s | size |")
    print("|---|---:|---:|---|")
    _compute(cache, args.runs)
    if args.rebuild:
        variants: list[tuple[str, Path, Path | None]] = [("this checkout", args.project, None)]
        if args.baseline:
            variants.append((f"baseline {args.baseline[1]}", args.baseline[0], args.baseline[1]))
        _rebuild(variants, args.runs)


if __name__ == "__main__":
    main()
