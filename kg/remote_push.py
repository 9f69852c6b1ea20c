"""Push the built graph to a SPARQL 1.1 store: one named graph per article, each replaced.

Small graphs go many to one SPARQL Update request (one transaction each), large ones through the
Graph Store Protocol in bounded chunks; Oxigraph's non-transactional bulk load is an option. The
plan (``plan_push``) compares local and remote graphs for ``--dry-run``, ``--changed-only`` and
``--prune``. HTTP, credentials and error messages come from ``kg.remote``.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal as TypingLiteral

import pyoxigraph as ox

from kg.remote import (
    NTRIPLES,
    Endpoint,
    HttpClient,
    RemoteError,
    redact,
    run_remote_query,
    with_params,
)
from kg.vocab import BASE

GRAPH_PREFIX = BASE + "graph/"
DEFAULT_CHUNK = 100_000
# Without transactions Oxigraph has no transaction to hold in memory; bigger requests measured
# 77k triples/s at 250k and 105k at 500k (benchmarks/RESULTS.md), so bulk pushes send more.
BULK_CHUNK = 500_000

Protocol = TypingLiteral["auto", "gsp", "update"]
Progress = Callable[[int], None]


# ---------------------------------------------------------------------------------------------
# The local graph


def open_local(source: Path) -> ox.Store:
    """The built dataset: a pyoxigraph store directory (read-only) or an N-Quads/TriG file."""
    if source.is_dir():
        try:
            return ox.Store.read_only(str(source))
        except OSError as err:
            raise RemoteError(f"{source}: cannot open the store: {err}") from None
    if not source.is_file():
        raise RemoteError(f"{source}: not found; run `kg build` first or give --from")
    formats = {".nq": ox.RdfFormat.N_QUADS, ".trig": ox.RdfFormat.TRIG}
    fmt = formats.get(source.suffix)
    if fmt is None:
        raise RemoteError(f"{source}: give a store directory, an .nq or a .trig file")
    store = ox.Store()
    try:
        store.bulk_load(path=str(source), format=fmt)
    except (SyntaxError, ValueError, OSError) as err:
        raise RemoteError(f"{source}: {err}") from None
    return store


def local_graphs(store: ox.Store) -> list[str]:
    """The named graphs to push, sorted so every push goes in the same order."""
    return sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))


def graph_chunks(store: ox.Store, graph: str, chunk_size: int) -> tuple[list[bytes], int]:
    """The graph as N-Triples chunks of at most ``chunk_size`` triples, and its triple count.

    A graph with blank nodes goes in one piece: a blank node label is scoped to one request,
    so splitting would split the node.
    """
    if chunk_size < 1:
        raise RemoteError("--chunk-size must be at least 1")
    node = ox.NamedNode(graph)
    data = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=node)
    lines = data.splitlines(keepends=True)
    count = len(lines)
    if count <= chunk_size or _has_blank_nodes(store, node):
        return [data], count
    return [b"".join(lines[i : i + chunk_size]) for i in range(0, count, chunk_size)], count


def _has_blank_nodes(store: ox.Store, graph: ox.NamedNode) -> bool:
    query = "ASK { GRAPH ?g { ?s ?p ?o FILTER(isBlank(?s) || isBlank(?o)) } }"
    return bool(store.query(query, substitutions={ox.Variable("g"): graph}))


# ---------------------------------------------------------------------------------------------
# Remote state and the push plan


Action = TypingLiteral["create", "replace", "unchanged", "delete", "stale"]


@dataclass(frozen=True)
class GraphPlan:
    """What a push does to one named graph, with the triples it adds and removes if known."""

    graph: str
    action: Action
    local: int
    remote: int
    added: int | None = None
    removed: int | None = None


def remote_graph_counts(endpoint: Endpoint) -> dict[str, int]:
    """Triples per kg named graph in the remote store (graphs of other projects are left out)."""
    query = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    result = run_remote_query(endpoint, query, endpoint.timeout, endpoint.auth)
    counts: dict[str, int] = {}
    assert isinstance(result, ox.QuerySolutions)
    for row in result:
        graph, n = row["g"], row["n"]
        if isinstance(graph, ox.NamedNode) and graph.value.startswith(GRAPH_PREFIX):
            counts[graph.value] = int(n.value) if isinstance(n, ox.Literal) else 0
    return counts


def remote_graph_names(endpoint: Endpoint) -> set[str]:
    """The kg named graphs the remote store holds (cheaper than counting their triples)."""
    query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { } }"
    result = run_remote_query(endpoint, query, endpoint.timeout, endpoint.auth)
    assert isinstance(result, ox.QuerySolutions)
    return {
        row["g"].value
        for row in result
        if isinstance(row["g"], ox.NamedNode) and row["g"].value.startswith(GRAPH_PREFIX)
    }


def remote_triples(endpoint: Endpoint, graph: str) -> set[ox.Triple]:
    """The triples of one remote named graph (GSP GET, else a CONSTRUCT query)."""
    node = ox.NamedNode(graph)
    if endpoint.store:
        url = with_params(endpoint.store, [("graph", graph)])
        body = HttpClient(endpoint).request("GET", url, accept=NTRIPLES, ok_missing=True)
        if body is None:
            return set()
        try:
            return {q.triple for q in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)}
        except SyntaxError as err:
            raise RemoteError(
                f"{redact(endpoint.store)} sent a graph kg cannot read: {err}"
            ) from None
    query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {node} {{ ?s ?p ?o }} }}"
    result = run_remote_query(endpoint, query, endpoint.timeout, endpoint.auth)
    return set(result)  # type: ignore[arg-type]


def triple_diff(mine: set[ox.Triple], theirs: set[ox.Triple]) -> tuple[int, int]:
    """Triples to add and to remove; blank-node triples are compared after canonicalisation."""
    mine_ground, mine_blank = _split_blank(mine)
    theirs_ground, theirs_blank = _split_blank(theirs)
    mine_blank, theirs_blank = _canonical(mine_blank), _canonical(theirs_blank)
    added = len(mine_ground - theirs_ground) + len(mine_blank - theirs_blank)
    removed = len(theirs_ground - mine_ground) + len(theirs_blank - mine_blank)
    return added, removed


def _split_blank(triples: set[ox.Triple]) -> tuple[set[ox.Triple], set[ox.Triple]]:
    blank = {
        t
        for t in triples
        if isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode)
    }
    return triples - blank, blank


def _is_blank(term: object) -> bool:
    return isinstance(term, ox.BlankNode)


def _canonical(triples: set[ox.Triple]) -> set[ox.Triple]:
    if not triples:
        return triples
    dataset = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return {q.triple for q in dataset}


def local_counts(store: ox.Store) -> dict[str, int]:
    """Triples per local named graph."""
    query = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    return {
        row["g"].value: int(row["n"].value)
        for row in store.query(query)  # type: ignore[union-attr]
        if isinstance(row["g"], ox.NamedNode)
    }


def plan_push(
    endpoint: Endpoint, store: ox.Store, *, prune: bool = False, compare: bool = True
) -> list[GraphPlan]:
    """What a push would change, graph by graph (``compare`` fetches graphs to count changes)."""
    remote = remote_graph_counts(endpoint)
    local = local_counts(store)
    plan: list[GraphPlan] = []
    for graph in local_graphs(store):
        n_local, n_remote = local.get(graph, 0), remote.get(graph)
        if n_remote is None:
            plan.append(GraphPlan(graph, "create", n_local, 0, n_local, 0))
            continue
        if not compare:
            plan.append(GraphPlan(graph, "replace", n_local, n_remote))
            continue
        mine = {q.triple for q in store.quads_for_pattern(None, None, None, ox.NamedNode(graph))}
        added, removed = triple_diff(mine, remote_triples(endpoint, graph))
        action: Action = "unchanged" if not added and not removed else "replace"
        plan.append(GraphPlan(graph, action, n_local, n_remote, added, removed))
    for graph in sorted(set(remote) - set(local)):
        plan.append(
            GraphPlan(graph, "delete" if prune else "stale", 0, remote[graph], 0, remote[graph])
        )
    return plan


# ---------------------------------------------------------------------------------------------
# Push


@dataclass
class PushReport:
    """What a push did."""

    protocol: str
    graphs: int = 0
    triples: int = 0
    requests: int = 0
    skipped: int = 0
    deleted: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    default_graph_triples: int = 0


class _Writer:
    """Replaces and deletes remote graphs through GSP, or SPARQL Update as the fallback."""

    def __init__(self, endpoint: Endpoint, protocol: Protocol) -> None:
        self.endpoint = endpoint
        self.http = HttpClient(endpoint)
        if protocol == "auto":
            protocol = "gsp" if endpoint.store else "update"
        if protocol == "gsp" and not endpoint.store:
            raise RemoteError("no Graph Store endpoint: give --graph-store or --store-kind")
        if protocol == "update" and not endpoint.update:
            raise RemoteError(
                "no way to write: give --graph-store or --update-endpoint (or --store-kind)"
            )
        self.protocol: str = protocol
        self.may_fall_back = protocol == "gsp" and endpoint.update is not None
        # Small graphs travel many to a request: one HTTP round trip and one transaction per
        # article graph made pushes of large corpora crawl (3,600 triples/s on Oxigraph).
        self.can_batch = endpoint.update is not None and (
            protocol == "update" or endpoint.store is not None
        )
        self.requests = 0
        self.used: set[str] = set()

    def replace_many(self, graphs: list[tuple[str, bytes]]) -> None:
        """Replace several small graphs in one request (two with Oxigraph's bulk load)."""
        drops = " ;\n".join(f"DROP SILENT GRAPH {ox.NamedNode(g)}" for g, _ in graphs)
        if self.endpoint.store_params and self.endpoint.store:
            self._update(drops)
            body = b"".join(_as_nquads(data, graph) for graph, data in graphs)
            url = with_params(self.endpoint.store, self.endpoint.store_params)
            self.requests += 2
            self.used.add("gsp")
            self.http.request("POST", url, body=body, content_type="application/n-quads")
            return
        blocks = "\n".join(
            f"GRAPH {ox.NamedNode(g)} {{\n{data.decode('utf-8')}}}" for g, data in graphs
        )
        self.requests += 1
        self.used.add("update")
        self._update(f"{drops} ;\nINSERT DATA {{\n{blocks}\n}}")

    def replace(self, graph: str, chunks: list[bytes]) -> None:
        """Make the remote graph hold exactly these chunks of N-Triples."""
        for index, chunk in enumerate(chunks):
            try:
                self._write(graph, chunk, first=index == 0)
            except RemoteError as err:
                if index == 0 and self.may_fall_back and err.status in (404, 405, 501):
                    self.protocol, self.may_fall_back = "update", False
                    self._write(graph, chunk, first=True)
                else:
                    raise
            self.may_fall_back = False

    def delete(self, graph: str) -> None:
        """Remove a remote graph (no error if it is already gone)."""
        self.requests += 1
        if self.protocol == "gsp":
            url = with_params(self.endpoint.store or "", [("graph", graph)])
            self.http.request("DELETE", url, ok_missing=True)
        else:
            self._update(f"DROP SILENT GRAPH {ox.NamedNode(graph)}")

    def _write(self, graph: str, chunk: bytes, *, first: bool) -> None:
        self.requests += 1
        self.used.add(self.protocol)
        if self.protocol == "gsp":
            params = [("graph", graph)]
            bulk = bool(self.endpoint.store_params)
            if first and bulk:
                # Oxigraph ignores no_transaction on PUT: empty the graph, then POST in bulk.
                self.delete(graph)
            method = "PUT" if first and not bulk else "POST"
            if method == "POST":
                params += list(self.endpoint.store_params)
            url = with_params(self.endpoint.store or "", params)
            self.http.request(method, url, body=chunk, content_type=NTRIPLES)
            return
        name = ox.NamedNode(graph)
        # N-Triples is valid SPARQL triple syntax; the chunk was serialised by pyoxigraph.
        insert = f"INSERT DATA {{ GRAPH {name} {{\n{chunk.decode('utf-8')}\n}} }}"
        self._update(f"DROP SILENT GRAPH {name} ;\n{insert}" if first else insert)

    def _update(self, text: str) -> None:
        self.http.request(
            "POST",
            self.endpoint.update or "",
            body=text.encode("utf-8"),
            content_type="application/sparql-update",
        )


def _as_nquads(ntriples: bytes, graph: str) -> bytes:
    """N-Triples lines (pyoxigraph's, each ending in " .") as N-Quads lines of ``graph``."""
    suffix = f" {ox.NamedNode(graph)} .".encode()
    return b"".join(line[:-2] + suffix + b"\n" for line in ntriples.splitlines() if line)


def push(
    endpoint: Endpoint,
    store: ox.Store,
    *,
    chunk_size: int = DEFAULT_CHUNK,
    prune: bool = False,
    changed_only: bool = False,
    protocol: Protocol = "auto",
    progress: Progress | None = None,
) -> PushReport:
    """Push every named graph of ``store``, replacing the remote copy of each.

    ``prune`` deletes remote kg graphs (under the graph namespace) that the build no longer
    has; ``changed_only`` compares first and leaves identical graphs alone. If the push stops
    part-way, the graphs already pushed are complete and the one in flight may be partial;
    pushing again replaces it.
    """
    writer = _Writer(endpoint, protocol)
    needs_plan = prune or changed_only
    plan = plan_push(endpoint, store, prune=prune, compare=changed_only) if needs_plan else None
    if plan is None:
        counts = local_counts(store)
        todo = [(g, counts.get(g, 0)) for g in local_graphs(store)]
        to_delete: list[str] = []
        stale = sorted(remote_graph_names(endpoint) - set(counts))
    else:
        todo = [(p.graph, p.local) for p in plan if p.action in ("create", "replace")]
        to_delete = [p.graph for p in plan if p.action == "delete"]
        stale = [p.graph for p in plan if p.action == "stale"]
    report = PushReport(protocol=writer.protocol, stale=stale)
    if plan is not None:
        report.skipped = sum(1 for p in plan if p.action == "unchanged")
    report.default_graph_triples = sum(
        1 for _ in store.quads_for_pattern(None, None, None, ox.DefaultGraph())
    )
    batch: list[tuple[str, bytes]] = []
    batch_triples = 0
    # One batch travels while the next is serialised: the store parses and writes while
    # Python dumps, so neither side waits for the other (bounded: one batch in flight).
    sender = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kg-push")
    in_flight: tuple[Future[None], int, int, str, int] | None = None

    def settle() -> None:
        nonlocal in_flight
        if in_flight is None:
            return
        future, graphs, triples, last, position = in_flight
        in_flight = None
        try:
            future.result()
        except RemoteError as err:
            raise _interrupted(err, last, position, len(todo)) from None
        if progress:
            progress(triples)
        report.graphs += graphs
        report.triples += triples

    def flush(position: int) -> None:
        nonlocal batch, batch_triples, in_flight
        if batch:
            settle()
            future = sender.submit(writer.replace_many, batch)
            in_flight = (future, len(batch), batch_triples, batch[-1][0], position)
        batch, batch_triples = [], 0

    try:
        for position, (graph, _count) in enumerate(todo, start=1):
            chunks, count = graph_chunks(store, graph, chunk_size)
            if writer.can_batch and len(chunks) == 1 and count < chunk_size:
                if batch_triples + count > chunk_size:
                    flush(position - 1)
                batch.append((graph, chunks[0]))
                batch_triples += count
                continue
            flush(position - 1)
            settle()
            try:
                if len(chunks) == 1:
                    writer.replace(graph, chunks)
                    if progress:
                        progress(count)
                else:
                    _replace_with_progress(writer, graph, chunks, progress)
            except RemoteError as err:
                raise _interrupted(err, graph, position, len(todo)) from None
            report.graphs += 1
            report.triples += count
        flush(len(todo))
        settle()
    finally:
        sender.shutdown(wait=True, cancel_futures=True)
    for graph in to_delete:
        writer.delete(graph)
        report.deleted.append(graph)
    report.protocol = "+".join(sorted(writer.used)) or writer.protocol
    report.requests = writer.requests
    return report


def _interrupted(err: RemoteError, graph: str, position: int, total: int) -> RemoteError:
    return RemoteError(
        f"{err}\n  while pushing graph {position} of {total} (<{graph}>, or a batch of small "
        "graphs ending there); the graphs before it are complete, the ones in flight may be "
        "partial or empty: push again to replace them",
        status=err.status,
    )


def _replace_with_progress(
    writer: _Writer, graph: str, chunks: list[bytes], progress: Progress | None
) -> None:
    for index, chunk in enumerate(chunks):
        if index == 0:
            writer.replace(graph, [chunk])
        else:
            writer._write(graph, chunk, first=False)
        if progress:
            progress(chunk.count(b"\n"))
