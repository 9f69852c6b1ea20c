"""SHACL validation of every named graph with pySHACL; a violation fails the build.

The shapes are local to a graph (ontology/shapes.ttl), so graphs are validated one by one:
small graphs keep pySHACL fast, and a large corpus is spread over worker processes.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from functools import cache

import pyoxigraph
from pyoxigraph import Quad, RdfFormat, Triple

from kg.vocab import SHAPES_PATH

PARALLEL_FROM = 64  # graphs; below this, worker start-up costs more than it saves
BATCH = 10  # graphs per pySHACL call (measured best on 220-quad article graphs)
SH = "http://www.w3.org/ns/shacl#"


@cache
def _shapes():  # type: ignore[no-untyped-def]
    from rdflib import Graph

    return Graph().parse(SHAPES_PATH, format="turtle")


def graph_bytes(quads: Iterable[Quad]) -> bytes:
    """N-Triples of one graph's quads, the form handed to pySHACL (and across processes)."""
    triples = [Triple(q.subject, q.predicate, q.object) for q in quads]
    return pyoxigraph.serialize(triples, format=RdfFormat.N_TRIPLES) or b""


def validate_graph(name: str, ntriples: bytes) -> list[str]:
    """Messages for every SHACL violation in one graph (empty when it conforms)."""
    from pyshacl import validate
    from rdflib import Graph, Namespace

    sh = Namespace(SH)
    data = Graph().parse(data=ntriples, format="nt")
    conforms, report, _ = validate(data, shacl_graph=_shapes(), inference="none", advanced=False)
    if conforms:
        return []
    messages = []
    for result in report.subjects(sh.resultSeverity, sh.Violation):
        focus = report.value(result, sh.focusNode)
        path = report.value(result, sh.resultPath)
        message = report.value(result, sh.resultMessage)
        where = f"{focus}" + (f" {path}" if path is not None else "")
        messages.append(f"SHACL violation in graph {name}: {where}: {message}")
    return sorted(messages)


def validate_graphs(graphs: dict[str, bytes], workers: int | None = None) -> list[str]:
    """Validate each (name, N-Triples) graph; in batches, and in parallel for large corpora.

    pySHACL's cost per call is high next to its cost per node, so small article graphs are
    validated BATCH at a time; the shapes are local to a graph, so a batch reports exactly
    what its graphs would report one by one.
    """
    names = sorted(graphs)
    batches = [names[i : i + BATCH] for i in range(0, len(names), BATCH)]
    labels = [
        ", ".join(batch) if len(batch) < 3 else f"{batch[0]} .. {batch[-1]}" for batch in batches
    ]
    data = [b"".join(graphs[name] for name in batch) for batch in batches]
    if len(names) < PARALLEL_FROM:
        return [
            m for label, nt in zip(labels, data, strict=True) for m in validate_graph(label, nt)
        ]
    workers = workers or os.cpu_count() or 1
    with ProcessPoolExecutor(max_workers=workers) as pool:
        results = pool.map(validate_graph, labels, data, chunksize=4)
        return [m for messages in results for m in messages]
