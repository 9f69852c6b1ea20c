"""Median latency of named queries on a large (synthetic) store, as a user calls them.

    python benchmarks/bench_named_scale.py --store /tmp/qperf-1000/build/store \
        [--queries queries] [--runs 5] [--only officials,articles] [--budget 30] \
        [--unpaged] [--profile] [--dump out.json]

Each query runs in-process as `kg query NAME` runs it (kg.queries.run_named on the store
runner): required parameters get the value given with `-p NAME=VALUE` (default: from=osce,
to=iom, org/entity=osce, ...), optional ones stay unbound unless given with -p, and the answer
is the query's default page (its `# page:`). --unpaged also times the whole answer (`--limit
all`). --profile splits one unpaged run into parameter binding, the engine (pyoxigraph
evaluating and yielding solutions) and the conversion of the rows to Python. A first run slower
than --budget seconds is reported alone. --dump writes every whole answer's sorted rows, to
compare two versions of the library. --early times, per query, the whole answer against its
first 101 rows with and without the query's ORDER BY: does LIMIT let pyoxigraph stop early?
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import time
from pathlib import Path
from typing import Any

from kg.queries import bind_params, bound_text, load_library, paged_text, run_named, store_runner
from kg.results import PREFIXES, collect
from kg.store import open_store

DEFAULTS = {
    "from": "osce", "to": "iom", "org": "osce", "entity": "osce", "event": "event-00000-1",
    "programme": "tj-programme-2012-2015", "year": "2015", "text": "OSCE",
}  # fmt: skip


def _shown(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def _median(runs: int, budget: float, work: Any, *args: Any, **kw: Any) -> tuple[float, Any]:
    times, out = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        out = work(*args, **kw)
        times.append(time.perf_counter() - t0)
        if times[-1] > budget:
            break
    return statistics.median(times), out


def _profile(store: Any, run: Any, q: Any, raw: dict[str, str]) -> str:
    """bind / engine / convert of one whole-answer run (the check is cached after the first)."""
    t0 = time.perf_counter()
    bindings = bind_params(run, q, raw)
    text = bound_text(q.text, bindings)
    bind = time.perf_counter() - t0
    kwargs = {"prefixes": PREFIXES, "use_default_graph_as_union": True}
    t0 = time.perf_counter()
    for _ in store.query(text, **kwargs):
        pass
    engine = time.perf_counter() - t0
    t0 = time.perf_counter()
    collect(store.query(text, **kwargs), None)
    convert = max(0.0, time.perf_counter() - t0 - engine)
    return f" {bind * 1000:.0f} / {engine * 1000:.0f} / {convert * 1000:.0f} ms |"


def _early(store: Any, run: Any, q: Any, raw: dict[str, str], runs: int, budget: float) -> str:
    """Whole answer / first 101 rows / first 101 rows without ORDER BY (engine only)."""
    text = bound_text(q.text, bind_params(run, q, raw))
    unordered = re.sub(r"(?s)\nORDER BY[^\n]*\s*$", "\n", text)
    kwargs = {"prefixes": PREFIXES, "use_default_graph_as_union": True}

    def rows(t: str) -> int:
        return sum(1 for _ in store.query(t, **kwargs))

    out = ""
    for variant in (text, paged_text(text, 100), paged_text(unordered, 100)):
        med, n = _median(runs, budget, rows, variant)
        out += f" {_shown(med)} ({n}) |"
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--queries", type=Path, default=Path(__file__).parent.parent / "queries")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--budget", type=float, default=30.0)
    parser.add_argument("--only", default="")
    parser.add_argument("-p", action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument("--unpaged", action="store_true", help="also time the whole answer")
    parser.add_argument("--profile", action="store_true", help="bind / engine / convert split")
    parser.add_argument("--early", action="store_true", help="does LIMIT stop the engine?")
    parser.add_argument("--dump", type=Path)
    args = parser.parse_args()
    given = dict(p.split("=", 1) for p in args.p)
    values = dict(DEFAULTS, **given)
    store = open_store(args.store)
    run = store_runner(store, limit=None)
    library = load_library(args.queries)
    only = [n for n in args.only.split(",") if n]
    dump = {}
    head = "| query | default call | rows |"
    if args.unpaged or args.dump:
        head += " unpaged | rows |"
    if args.profile:
        head += " bind / engine / convert |"
    if args.early:
        head += " whole | first 101 | first 101, no ORDER BY |"
    print(head + " args |")
    print("|---" * (head.count("|") - 1) + "|---|")
    for q in library.values():
        if only and q.name not in only:
            continue
        raw = {p.name: values[p.name] for p in q.params if p.required or p.name in given}
        med, answer = _median(args.runs, args.budget, run_named, run, q, raw)
        result = answer.result
        more = " (more)" if result.truncated else ""
        line = f"| {q.name} | {_shown(med)} | {len(result.rows)}{more} |"
        if args.unpaged or args.dump:
            bindings = bind_params(run, q, raw)
            text = paged_text(q.text, None)
            if q.page is None:
                whole_med, whole = med, result
            else:
                whole_med, whole = _median(args.runs, args.budget, run, text, bindings)
            line += f" {_shown(whole_med)} | {len(whole.rows)} |"
            dump[q.name] = sorted(
                json.dumps({k: str(v) for k, v in r.items()}, sort_keys=True) for r in whole.rows
            )
        if args.profile:
            line += _profile(store, run, q, raw)
        if args.early:
            line += _early(store, run, q, raw, args.runs, args.budget)
        shown_args = ", ".join(f"{k}={v}" for k, v in raw.items())
        print(f"{line} {shown_args} |", flush=True)
    if args.dump:
        args.dump.write_text(json.dumps(dump, indent=0))


if __name__ == "__main__":
    main()
