"""What the derived graph (kg/derived.py) costs a build, on a project that has been built.

    python benchmarks/bench_derived.py --project /tmp/derived-10000 [--runs 3] [--rebuild]

1. In this process, from the build's cache: reading the graphs' summaries, merging them and
   computing the derived rows, and writing the rows as the four output pieces (CPU and wall
   seconds, median of --runs), with the summaries' size and the derived graph's triples.
2. With --rebuild: `kg build` after a real change to one article (its date moves one year
   later, which changes derived values of every entity it mentions), then again with the
   change undone; the build's own "derived graph" timing (the derived part of both the output
   stream and the store update) and how many derived triples changed. The project is left as
   it was.
"""

from __future__ import annotations

import argparse
import re
import statistics
import time
from pathlib import Path

from kg import derived
from kg.build import build_project
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


def _rebuild(project: Path) -> None:
    curations = sorted((project / "seeds" / "curation").glob("*.yaml"))
    path = curations[len(curations) // 2]
    original = path.read_text(encoding="utf-8")
    match = re.search(r'date: "(\d{4})', original)
    if not match:
        raise SystemExit(f"{path}: no article date to move")
    later = str(int(match.group(1)) + 1)
    changed = original.replace(f'date: "{match.group(1)}', f'date: "{later}', 1)

    def derived_nquads() -> bytes:
        return BuildCache.load(project / "build" / "cache").chunks(derived.NAME).nquads

    before = derived_nquads()
    try:
        path.write_text(changed, encoding="utf-8")
        for label in (f"{path.stem} dated {later}", "the change undone"):
            w, c = time.perf_counter(), time.process_time()
            report = build_project(project)
            wall, cpu = time.perf_counter() - w, time.process_time() - c
            after = derived_nquads()
            old, new = set(before.splitlines()), set(after.splitlines())
            print(f"| `kg build`, {label} | {wall:.2f} | {cpu:.2f} | derived graph "
                  f"{report.timings.get('derived graph', 0):.2f} s; {len(new - old)} derived "
                  f"lines added, {len(old - new)} removed |")  # fmt: skip
            before = after
            path.write_text(original, encoding="utf-8")
    finally:
        path.write_text(original, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", type=Path, required=True, help="a built project")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rebuild", action="store_true", help="also time two real rebuilds")
    args = parser.parse_args()
    cache = BuildCache.load(args.project / "build" / "cache")
    if derived.NAME not in cache.graphs:
        raise SystemExit(f"{args.project}: not built by this kg (no derived graph in the cache)")
    print("| step | wall s | CPU s | size |")
    print("|---|---:|---:|---|")
    _compute(cache, args.runs)
    if args.rebuild:
        _rebuild(args.project)


if __name__ == "__main__":
    main()
