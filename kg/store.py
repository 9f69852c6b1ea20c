"""The embedded store: a persistent pyoxigraph (RocksDB) database under ``build/store``.

pyoxigraph answers our joins and aggregates 12-40x faster than rdflib's memory store and
reopens in well under a second without re-parsing (FINDINGS.md), so every reader (queries,
server, projections) opens this store rather than the Turtle files.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph
from pyoxigraph import NamedNode, Quad, RdfFormat, Triple

from kg.atomic import replace_dir, staging_dir
from kg.vocab import ONTOLOGY_GRAPH, ONTOLOGY_PATH, graph_iri

DEFAULT_STORE = Path("build") / "store"


class StoreMissing(Exception):
    """Raised when a command needs a built store that is not there."""


def open_store(path: Path | None = None, read_only: bool = True) -> pyoxigraph.Store:
    """Open the built store; read-only by default so readers never change it."""
    path = Path(path) if path is not None else DEFAULT_STORE
    if not (path / "CURRENT").exists():
        raise StoreMissing(f"no store at {path}: run `kg build` first")
    return pyoxigraph.Store.read_only(str(path)) if read_only else pyoxigraph.Store(str(path))


def ontology_quads() -> list[Quad]:
    """The ontology as a named graph, so queries can use labels and subclasses."""
    graph = NamedNode(ONTOLOGY_GRAPH)
    return [
        Quad(t.subject, t.predicate, t.object, graph)
        for t in pyoxigraph.parse(path=str(ONTOLOGY_PATH), format=RdfFormat.TURTLE)
    ]


def write_store(nquads_file: Path, path: Path) -> None:
    """Load an N-Quads file (and the ontology) into a new store and swap it in atomically.

    The file is the build's own, serialised by pyoxigraph from terms it had already checked, so
    it is parsed leniently (no second validation of every IRI: 16 % less CPU at 10,000
    articles, benchmarks/RESULTS.md)."""
    with staging_dir(path.parent, path.name) as tmp:
        store = pyoxigraph.Store(str(tmp))
        store.bulk_load(path=str(nquads_file), format=RdfFormat.N_QUADS, lenient=True)
        store.bulk_extend(ontology_quads())
        store.flush()
        # compacting costs ~4 s at 10,000 articles and makes the named queries up to 1.9x faster
        store.optimize()
        del store
        replace_dir(tmp, path)


def replace_graphs(path: Path, graphs: dict[str, bytes], keep: set[str]) -> None:
    """Replace each named graph's content in place, one transaction per graph; drop the
    article graphs whose names are not in ``keep`` (articles removed from the project)."""
    store = pyoxigraph.Store(str(path))
    try:
        for name, nquads in graphs.items():
            iri = graph_iri(name)
            triples = [
                Triple(q.subject, q.predicate, q.object)
                for q in pyoxigraph.parse(nquads, format=RdfFormat.N_QUADS)
            ]
            body = (pyoxigraph.serialize(triples, format=RdfFormat.N_TRIPLES) or b"").decode()
            store.update(
                f"DROP SILENT GRAPH <{iri}> ; INSERT DATA {{ GRAPH <{iri}> {{ {body} }} }}"
            )
        wanted = {graph_iri(name) for name in keep} | {ONTOLOGY_GRAPH}
        for graph in list(store.named_graphs()):
            if graph.value not in wanted:
                store.remove_graph(graph)
        store.flush()
    finally:
        del store
