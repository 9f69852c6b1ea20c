"""Push throughput to a local Oxigraph server, and named-query latency remote vs embedded.

    .venv/bin/python benchmarks/bench_push.py                 # 1M triples, 10,000 graphs
    .venv/bin/python benchmarks/bench_push.py --triples 100000

Starts `oxigraph serve` (the `oxigraph` PyPI package) on a free loopback port with a temporary
directory, pushes a synthetic dataset shaped like ours (one named graph per article, ~100
triples each) through kg.remote_push.push, then pushes the seed graph and times every named query
on the embedded store and on the server, side by side. Prints the figures; writes nothing.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from oxigraph_server import OxigraphServer  # noqa: E402

from kg import remote, remote_push  # noqa: E402

KG = "https://kg.invalid/ns#"
ID = "https://kg.invalid/id/"
XSD_DATE = ox.NamedNode("http://www.w3.org/2001/XMLSchema#date")


def synthetic(triples: int, per_graph: int) -> ox.Store:
    """Article graphs of events, participants, dates and evidence quotes, ``triples`` in all."""
    store = ox.Store()
    quads = []
    graphs = max(1, triples // per_graph)
    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    for g in range(graphs):
        graph = ox.NamedNode(f"{remote_push.GRAPH_PREFIX}{g:06d}_synthetic")
        event = ox.NamedNode(f"{ID}event-{g}")
        for i in range(per_graph):
            kind = i % 5
            if kind == 0:
                quad = (ox.NamedNode(f"{ID}org-{(g * 7 + i) % 3000}"), f"{KG}participatedIn", event)
            elif kind == 1:
                quad = (event, f"{KG}heldIn", ox.NamedNode(f"{ID}city-{(g + i) % 200}"))
            elif kind == 2:
                day = f"20{10 + g % 15}-{1 + i % 12:02d}-{1 + (i // 12) % 28:02d}"
                quad = (event, f"{KG}startDate", ox.Literal(day, datatype=XSD_DATE))
            elif kind == 3:
                span = ox.NamedNode(f"{ID}span-{g}-{i}")
                quad = (span, "http://www.w3.org/ns/oa#exact", ox.Literal(f"quote {g} {i} …"))
            else:
                quad = (event, label.value, ox.Literal(f"Event {g} part {i}", language="en"))
            s, p, o = quad
            quads.append(ox.Quad(s, ox.NamedNode(p), o, graph))
    store.bulk_extend(quads)
    return store


def timed_push(
    ep: remote.Endpoint, store: ox.Store, chunk: int
) -> tuple[float, remote_push.PushReport]:
    started = time.perf_counter()
    report = remote_push.push(ep, store, chunk_size=chunk)
    return time.perf_counter() - started, report


def push_figures(store: ox.Store, chunk: int, bulk_chunk: int, repush: bool) -> None:
    total = sum(remote_push.local_counts(store).values())
    graphs = len(remote_push.local_graphs(store))
    print(f"\n## push: {total:,} triples in {graphs:,} named graphs")
    print(f"{'mode':<60}{'seconds':>9}{'triples/s':>12}{'requests':>10}")
    modes = [
        (f"SPARQL Update batches (default), chunk {chunk:,}", False, chunk),
        (f"Oxigraph --bulk (no_transaction), chunk {bulk_chunk:,}", True, bulk_chunk),
    ]
    for label, bulk, size in modes:
        with tempfile.TemporaryDirectory() as tmp:
            server = OxigraphServer(Path(tmp) / "db", timeout_s=60).start()
            try:
                ep = server.endpoint(bulk=bulk, timeout=600)
                rounds = ("first push", "re-push (replace)") if repush else ("first push",)
                for round_name in rounds:
                    seconds, report = timed_push(ep, store, size)
                    assert report.triples == total
                    rate = total / seconds
                    name = f"{label}, {round_name}"
                    print(f"{name:<60}{seconds:>9.1f}{rate:>12,.0f}{report.requests:>10}")
                counts = remote_push.remote_graph_counts(ep)
                assert sum(counts.values()) == total, "the store does not hold what was pushed"
            finally:
                server.stop()


def query_figures(runs: int) -> None:
    from kg.build import build_project
    from kg.queries import bind_params, load_library, store_runner
    from kg.store import open_store

    with tempfile.TemporaryDirectory() as tmp:
        build_project(ROOT, Path(tmp) / "build")
        store = open_store(Path(tmp) / "build" / "store")
        server = OxigraphServer(Path(tmp) / "db", timeout_s=30).start()
        try:
            ep = server.endpoint()
            remote_push.push(ep, store)
            local = store_runner(store)
            far = remote.remote_runner(ep, timeout=30, limit=10_000)
            print(f"\n## named queries on the seed graph, median of {runs} runs (ms)")
            print(f"{'query':<30}{'embedded':>10}{'remote':>10}{'rows':>6}")
            for query in load_library().values():
                bindings = bind_params(local, query, query.example_args())
                cells = []
                for run in (local, far):
                    times = []
                    result = None
                    for _ in range(runs):
                        started = time.perf_counter()
                        try:
                            result = run(query.text, bindings)
                        except remote.RemoteError:
                            times = []
                            break
                        times.append((time.perf_counter() - started) * 1000)
                    cells.append(f"{statistics.median(times):.1f}" if times else "timeout")
                rows = len(result.rows) if result is not None else "-"
                print(f"{query.name:<30}{cells[0]:>10}{cells[1]:>10}{rows:>6}")
        finally:
            server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--per-graph", type=int, default=100)
    parser.add_argument("--chunk-size", type=int, default=remote_push.DEFAULT_CHUNK)
    parser.add_argument("--bulk-chunk-size", type=int, default=remote_push.BULK_CHUNK)
    parser.add_argument("--no-repush", action="store_true", help="skip the replace round")
    parser.add_argument("--runs", type=int, default=20, help="runs per named query")
    args = parser.parse_args()
    started = time.perf_counter()
    store = synthetic(args.triples, args.per_graph)
    print(f"synthetic dataset made in {time.perf_counter() - started:.1f} s")
    push_figures(store, args.chunk_size, args.bulk_chunk_size, not args.no_repush)
    query_figures(args.runs)


if __name__ == "__main__":
    main()
