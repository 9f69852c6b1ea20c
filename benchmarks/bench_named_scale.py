"""Median latency of named queries on a large (synthetic) store, required parameters only.

    python benchmarks/bench_named_scale.py --store /tmp/qperf-1000/build/store \
        [--queries queries] [--runs 5] [--only officials,articles] [--budget 30] [--dump out.json]

Each query runs in-process as `kg query` runs it (kg.queries: bind_params + store runner).
Required parameters get the value given with `-p NAME=VALUE` (default: from=osce, to=iom,
org/entity=osce); optional ones stay unbound. A first run slower than --budget seconds is
reported alone. --dump writes every answer's sorted rows, to compare two versions of the library.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from kg.queries import bind_params, load_library, store_runner
from kg.store import open_store

DEFAULTS = {
    "from": "osce", "to": "iom", "org": "osce", "entity": "osce", "event": "event-00000-1",
    "programme": "tj-programme-2012-2015", "year": "2015", "text": "OSCE",
}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--queries", type=Path, default=Path(__file__).parent.parent / "queries")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--budget", type=float, default=30.0)
    parser.add_argument("--only", default="")
    parser.add_argument("-p", action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument("--dump", type=Path)
    args = parser.parse_args()
    values = dict(DEFAULTS, **dict(p.split("=", 1) for p in args.p))
    run = store_runner(open_store(args.store), limit=None)
    library = load_library(args.queries)
    only = [n for n in args.only.split(",") if n]
    dump = {}
    print("| query | median | rows | args |")
    print("|---|---:|---:|---|")
    for q in library.values():
        if only and q.name not in only:
            continue
        raw = {p.name: values[p.name] for p in q.params if p.required}
        bindings = bind_params(run, q, raw)
        times = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            result = run(q.text, bindings)
            times.append(time.perf_counter() - t0)
            if times[-1] > args.budget:
                break
        med = statistics.median(times)
        shown = f"{med * 1000:.0f} ms" if med < 1 else f"{med:.2f} s"
        rows = result.rows
        shown_args = ", ".join(f"{k}={v}" for k, v in raw.items())
        print(f"| {q.name} | {shown} | {len(rows)} | {shown_args} |", flush=True)
        dump[q.name] = sorted(
            json.dumps({k: str(v) for k, v in r.items()}, sort_keys=True) for r in rows
        )
    if args.dump:
        args.dump.write_text(json.dumps(dump, indent=0))


if __name__ == "__main__":
    main()
