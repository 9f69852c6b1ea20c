"""The embedded store: a persistent pyoxigraph (RocksDB) database under ``build/store``.

pyoxigraph answers our joins and aggregates 12-40x faster than rdflib's memory store and
reopens in well under a second without re-parsing (FINDINGS.md), so every reader (queries,
server, projections) opens this store rather than the Turtle files.
"""

from __future__ import annotations

import io
import queue
import shutil
import threading
from pathlib import Path

import pyoxigraph
from pyoxigraph import NamedNode, Quad, RdfFormat, Triple

from kg.atomic import new_staging_dir, replace_dir, staging_dir
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
    """Load an N-Quads file (and the ontology) into a new store and swap it in atomically."""
    with staging_dir(path.parent, path.name) as tmp:
        store = pyoxigraph.Store(str(tmp))
        store.bulk_load(path=str(nquads_file), format=RdfFormat.N_QUADS, lenient=True)
        _complete(store)
        del store
        replace_dir(tmp, path)


def _complete(store: pyoxigraph.Store) -> None:
    """Add the ontology to a freshly loaded store and compact it.

    Loads are lenient because the N-Quads are the build's own, serialised by pyoxigraph from
    terms it had already checked (no second validation of every IRI: 16 % less CPU at 10,000
    articles). Compacting costs ~4 s at 10,000 articles and makes the named queries up to 1.9x
    faster (benchmarks/RESULTS.md)."""
    store.bulk_extend(ontology_quads())
    store.flush()
    store.optimize()


class _Pieces(io.RawIOBase):
    """A readable stream of the N-Quads pieces put on a queue; None ends it, an exception
    ends it with that error."""

    def __init__(self, pieces: queue.Queue[bytes | BaseException | None]) -> None:
        self.pieces = pieces
        self.rest = b""
        self.ended = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        while not self.rest and not self.ended:
            piece = self.pieces.get()
            if isinstance(piece, BaseException):
                raise piece
            if piece is None:
                self.ended = True
            else:
                self.rest = piece
        n = min(len(buffer), len(self.rest))
        buffer[:n] = self.rest[:n]
        self.rest = self.rest[n:]
        return n


class StoreLoader:
    """A new store loaded while the build is still producing its graphs, then swapped in.

    Loaded after the articles, the store left part of the machine idle (the bulk loader does
    not keep two cores busy; compaction uses one). Fed each graph as it is rendered, one bulk
    load reads all of them as a single N-Quads stream on a thread (batched as a load from a
    file is) while the worker processes build the rest.

    Create it only once the worker processes exist: they are forked, and forking while this
    thread holds RocksDB's locks is unsafe.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.tmp = new_staging_dir(path.parent, path.name)
        # not bounded: while the loader sorts and writes a batch it reads nothing, and a full
        # queue would then hold up the build and its workers (the pieces are at most the size
        # of kg.nq, and are taken as soon as the loader reads again)
        self.pieces: queue.Queue[bytes | BaseException | None] = queue.Queue()
        self.store: pyoxigraph.Store | None = pyoxigraph.Store(str(self.tmp))
        self.error: BaseException | None = None
        self.closed = False
        self.thread = threading.Thread(target=self._load, name="kg-store-load", daemon=True)
        self.thread.start()

    def _load(self) -> None:
        assert self.store is not None
        try:
            stream = io.BufferedReader(_Pieces(self.pieces), 1 << 20)
            self.store.bulk_load(input=stream, format=RdfFormat.N_QUADS, lenient=True)
            _complete(self.store)  # here, so the build writes its outputs meanwhile
        except BaseException as err:  # handed on by finish()
            self.error = err

    def feed(self, nquads: bytes) -> None:
        """Queue one graph's N-Quads (whole lines)."""
        self._put(nquads)

    def _put(self, piece: bytes | None) -> None:
        if self.thread.is_alive():  # a load that failed takes nothing more
            self.pieces.put(piece)

    def close(self) -> None:
        """End the input: the thread then adds the ontology and compacts the store."""
        if not self.closed:
            self.closed = True
            self._put(None)

    def finish(self) -> None:
        """Wait for the load (closing its input if that was not done yet) and swap the store
        into place."""
        try:
            self.close()
            self.thread.join()
            if self.error is not None:
                raise self.error
            self.store = None  # closes the database before it is moved
            replace_dir(self.tmp, self.path)
        except BaseException:
            self.abort()
            raise

    def abort(self) -> None:
        """Stop the load and remove what it wrote; the store in place stays as it was."""
        if self.thread.is_alive():
            while True:  # what is still queued is not needed any more
                try:
                    self.pieces.get_nowait()
                except queue.Empty:
                    break
            self.pieces.put(RuntimeError("the build stopped"))
            self.thread.join()
        self.store = None
        shutil.rmtree(self.tmp, ignore_errors=True)


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
