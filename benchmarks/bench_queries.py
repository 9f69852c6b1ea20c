"""Latency of every named query on the built seed graph: median and p95, in milliseconds.

Each query runs with its documented example parameters, in-process on the read-only store, as
`kg query` runs it. "bind+run" includes resolving entity names (one or two small queries per
parameter); "run" is the query alone with the parameters already bound.

    python benchmarks/bench_queries.py [--store build/store] [--runs 50]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from kg.queries import bind_params, load_library, run_named, store_runner
from kg.store import open_store


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, default=Path("build/store"))
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    store = open_store(args.store)
    run = store_runner(store)
    library = load_library()
    print(f"{len(library)} named queries, {args.runs} runs each after 3 warm-up runs")
    print("| query | rows | bind+run median | bind+run p95 | run median | run p95 |")
    print("|---|---:|---:|---:|---:|---:|")
    worst = 0.0
    for q in library.values():
        example = q.example_args()
        for _ in range(3):
            run_named(run, q, example)
        total, alone = [], []
        rows = 0
        for _ in range(args.runs):
            t0 = time.perf_counter()
            answer = run_named(run, q, example)
            total.append((time.perf_counter() - t0) * 1000)
            bindings = bind_params(run, q, example)
            t0 = time.perf_counter()
            run(q.text, bindings)
            alone.append((time.perf_counter() - t0) * 1000)
            rows = len(answer.result.rows)
        med = statistics.median(total)
        worst = max(worst, med)
        print(
            f"| {q.name} | {rows} | {med:.2f} | {percentile(total, 0.95):.2f} "
            f"| {statistics.median(alone):.2f} | {percentile(alone, 0.95):.2f} |"
        )
    print(f"\nslowest median (bind+run): {worst:.2f} ms (target < 20 ms)")


if __name__ == "__main__":
    main()
