"""Remote SPARQL 1.1 stores: push the built graph as named graphs, query it with SPARQLWrapper.

Writes go through the SPARQL 1.1 Graph Store HTTP Protocol (GSP), one named graph per article,
so re-pushing an article replaces its graph; SPARQL 1.1 Update is the fallback for stores without
a Graph Store endpoint. Every request has a timeout; every failure becomes one ``RemoteError``
with a readable message that never contains a credential.
"""

from __future__ import annotations

import ast
import base64
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from typing import Literal as TypingLiteral

import pyoxigraph as ox

from kg import remote_bind
from kg.vocab import BASE

GRAPH_PREFIX = BASE + "graph/"
DEFAULT_CHUNK = 100_000
# Without transactions Oxigraph has no transaction to hold in memory; bigger requests measured
# 77k triples/s at 250k and 105k at 500k (benchmarks/RESULTS.md), so bulk pushes send more.
BULK_CHUNK = 500_000
DEFAULT_TIMEOUT = 60.0
NTRIPLES = "application/n-triples"
SPARQL_JSON = "application/sparql-results+json"

Protocol = TypingLiteral["auto", "gsp", "update"]
Progress = Callable[[int], None]
QueryResult = ox.QuerySolutions | ox.QueryBoolean | Iterator[ox.Triple]


class RemoteError(Exception):
    """A remote store could not do what was asked; the message is meant for the user."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Auth:
    """Credentials for a store; ``repr`` hides them so a log or traceback never shows one."""

    user: str | None = None
    password: str | None = field(default=None, repr=False)
    token: str | None = field(default=None, repr=False)
    scheme: TypingLiteral["basic", "digest"] = "basic"

    def __repr__(self) -> str:
        kind = "bearer" if self.token else self.scheme
        return f"Auth(user={self.user!r}, scheme={kind!r}, secret=***)"

    def secrets(self) -> list[str]:
        """Every secret value, to scrub them from any message shown to the user."""
        return [s for s in (self.password, self.token) if s]


@dataclass(frozen=True)
class Endpoint:
    """Where a store answers: SPARQL query URL, SPARQL Update URL, Graph Store URL."""

    query: str | None = None
    update: str | None = None
    store: str | None = None
    auth: Auth | None = None
    timeout: float = DEFAULT_TIMEOUT
    # Extra URL parameters a vendor needs, e.g. Oxigraph's ``union-default-graph`` for queries.
    query_params: tuple[tuple[str, str], ...] = ()
    store_params: tuple[tuple[str, str], ...] = ()


# Paths of the documented HTTP interfaces of each store (see docs/remote-stores.md).
STORE_KINDS = ("oxigraph", "fuseki", "graphdb", "virtuoso")


def endpoint_for(
    kind: str | None,
    url: str,
    *,
    update: str | None = None,
    store: str | None = None,
    auth: Auth | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    bulk: bool = False,
) -> Endpoint:
    """The endpoint of a store of a known ``kind`` from its base or query URL.

    Explicit ``update``/``store`` URLs always win over the derived ones. ``bulk`` asks Oxigraph to
    load without a transaction (its ``no_transaction`` parameter), several times faster.
    """
    _check_url(url)
    for extra in (update, store):
        if extra:
            _check_url(extra)
    if auth is None:
        auth = auth_from_url(url)
    url, update, store = (redact(u) if u else u for u in (url, update, store))
    if bulk and kind != "oxigraph":
        raise RemoteError("--bulk is an Oxigraph server option; use it with --store-kind oxigraph")
    base = url.rstrip("/")
    query, derived_update, derived_store = base, None, None
    query_params: tuple[tuple[str, str], ...] = ()
    store_params: tuple[tuple[str, str], ...] = ()
    if kind == "oxigraph":
        base = _strip_suffix(base, "/query", "/update", "/store")
        query, derived_update, derived_store = base + "/query", base + "/update", base + "/store"
        query_params = (("union-default-graph", ""),)
        if bulk:
            store_params = (("no_transaction", ""), ("lenient", ""))
    elif kind == "fuseki":
        base = _strip_suffix(base, "/sparql", "/query", "/update", "/data")
        query, derived_update, derived_store = base + "/sparql", base + "/update", base + "/data"
    elif kind == "graphdb":
        base = _strip_suffix(base, "/statements", "/rdf-graphs/service")
        query, derived_update = base, base + "/statements"
        derived_store = base + "/rdf-graphs/service"
    elif kind == "virtuoso":
        root = _strip_suffix(base, "/sparql", "/sparql-auth")
        authed = auth is not None
        query = root + "/sparql"
        derived_update = root + ("/sparql-auth" if authed else "/sparql")
        derived_store = root + ("/sparql-graph-crud-auth" if authed else "/sparql-graph-crud")
    elif kind is not None:
        raise RemoteError(f"unknown store kind {kind!r}; choose one of {', '.join(STORE_KINDS)}")
    return Endpoint(
        query=query,
        update=update or derived_update,
        store=store or derived_store,
        auth=auth,
        timeout=timeout,
        query_params=query_params,
        store_params=store_params,
    )


def auth_from_url(url: str) -> Auth | None:
    """Credentials written into a URL (``http://user:password@host/``), which urllib ignores."""
    parts = urllib.parse.urlsplit(url)
    if parts.username is None:
        return None
    password = urllib.parse.unquote(parts.password) if parts.password is not None else None
    return Auth(user=urllib.parse.unquote(parts.username), password=password)


def _strip_suffix(url: str, *suffixes: str) -> str:
    for suffix in suffixes:
        if url.endswith(suffix):
            return url[: -len(suffix)]
    return url


def _check_url(url: str) -> None:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise RemoteError(f"not an http(s) URL: {redact(url)}")


def redact(url: str) -> str:
    """The URL without any user:password@ part, for messages."""
    parts = urllib.parse.urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port:
        host += f":{parts.port}"
    return urllib.parse.urlunsplit(parts._replace(netloc=host))


# ---------------------------------------------------------------------------------------------
# HTTP


def _with_params(url: str, params: Iterable[tuple[str, str]]) -> str:
    pairs = list(params)
    if not pairs:
        return url
    encoded = "&".join(
        urllib.parse.quote(k, safe="-_") + ("=" + urllib.parse.quote(v, safe="") if v else "")
        for k, v in pairs
    )
    return url + ("&" if "?" in url else "?") + encoded


class _Http:
    """One urllib opener per endpoint with its authentication; errors become RemoteError."""

    def __init__(self, endpoint: Endpoint) -> None:
        self.endpoint = endpoint
        handlers: list[urllib.request.BaseHandler] = []
        self.headers: dict[str, str] = {"User-Agent": "kg-remote"}
        auth = endpoint.auth
        if auth and auth.token:
            self.headers["Authorization"] = "Bearer " + auth.token
        elif auth and auth.user is not None:
            if auth.scheme == "digest":
                manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
                for url in (endpoint.query, endpoint.update, endpoint.store):
                    if url:
                        manager.add_password(None, url, auth.user, auth.password or "")
                handlers.append(urllib.request.HTTPDigestAuthHandler(manager))
            else:
                pair = f"{auth.user}:{auth.password or ''}".encode()
                self.headers["Authorization"] = "Basic " + base64.b64encode(pair).decode("ascii")
        self.opener = urllib.request.build_opener(*handlers)

    def request(
        self,
        method: str,
        url: str,
        *,
        body: bytes | None = None,
        content_type: str | None = None,
        accept: str | None = None,
        ok_missing: bool = False,
    ) -> bytes | None:
        """Send one request; the body of a 2xx reply, None for a 404 when ``ok_missing``."""
        headers = dict(self.headers)
        if content_type:
            headers["Content-Type"] = content_type
        if accept:
            headers["Accept"] = accept
        req = urllib.request.Request(url, data=body, method=method, headers=headers)
        try:
            with self.opener.open(req, timeout=self.endpoint.timeout) as resp:
                return resp.read()
        except urllib.error.HTTPError as err:
            if ok_missing and err.code == 404:
                return None
            raise http_error(err.code, _read_quietly(err), method, url, self.endpoint) from None
        except TimeoutError:
            raise RemoteError(
                f"{method} {redact(_bare(url))}: no answer within {self.endpoint.timeout:g} s "
                "(raise --timeout for large graphs or slow stores)"
            ) from None
        except urllib.error.URLError as err:
            raise unreachable(url, err.reason, self.endpoint) from None
        except (ConnectionError, OSError) as err:
            raise unreachable(url, err, self.endpoint) from None


def _read_quietly(err: urllib.error.HTTPError) -> bytes:
    try:
        return err.read() or b""
    except OSError:
        return b""


def _bare(url: str) -> str:
    return url.split("?", 1)[0]


def _scrub(text: str, endpoint: Endpoint | None) -> str:
    if endpoint and endpoint.auth:
        for secret in endpoint.auth.secrets():
            text = text.replace(secret, "***")
    return text


def http_error(
    code: int, body: bytes, method: str, url: str, endpoint: Endpoint | None
) -> RemoteError:
    """A readable message for an HTTP error status, with the store's own explanation."""
    detail = body.decode("utf-8", "replace").strip().replace("\r", "")
    if len(detail) > 400:
        detail = detail[:400] + "…"
    where = f"{method} {redact(_bare(url))}"
    hints = {
        401: "authentication failed: check --user/--password or --token "
        "(or KG_REMOTE_USER, KG_REMOTE_PASSWORD, KG_REMOTE_TOKEN)",
        403: "the store refused the operation for these credentials",
        404: "not found: check the endpoint URL (and --store-kind)",
        405: "method not allowed: is this the right endpoint for this operation?",
        413: "request too large: lower --chunk-size",
        415: "the store does not accept this content type",
    }
    hint = hints.get(code, "the store answered with an error")
    message = f"{where} failed: HTTP {code}, {hint}"
    if detail:
        message += f"\n  store said: {detail}"
    return RemoteError(_scrub(message, endpoint), status=code)


def unreachable(url: str, reason: object, endpoint: Endpoint | None) -> RemoteError:
    """A readable message for a store that cannot be reached."""
    if isinstance(reason, TimeoutError):
        timeout = endpoint.timeout if endpoint else DEFAULT_TIMEOUT
        return RemoteError(f"{redact(_bare(url))}: no answer within {timeout:g} s")
    text = str(getattr(reason, "strerror", None) or reason)
    return RemoteError(_scrub(f"cannot reach {redact(_bare(url))}: {text}", endpoint))


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
# Remote queries


def run_remote_query(
    endpoint: str | Endpoint,
    query_text: str,
    timeout: float = DEFAULT_TIMEOUT,
    auth: Auth | None = None,
) -> QueryResult:
    """Run one SPARQL query on a remote endpoint through SPARQLWrapper.

    Returns what ``Store.query`` returns for the embedded store, so ``kg.results.collect``
    reads both alike: ``QuerySolutions`` for SELECT, ``QueryBoolean`` for ASK, an iterator of
    ``Triple`` for CONSTRUCT/DESCRIBE. The timeout (seconds without a byte from the store) is
    always set.
    """
    from SPARQLWrapper import POST, SPARQLWrapper
    from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

    ep = endpoint if isinstance(endpoint, Endpoint) else Endpoint(query=endpoint, auth=auth)
    if ep.query is None:
        raise RemoteError("no SPARQL query endpoint given")
    _check_url(ep.query)
    auth = auth or ep.auth
    if timeout is None or timeout <= 0:
        raise RemoteError("the query timeout must be a positive number of seconds")
    wrapper = SPARQLWrapper(ep.query)
    wrapper.setMethod(POST)
    wrapper.setTimeout(int(timeout) if float(timeout).is_integer() else timeout)
    wrapper.setQuery(query_text)
    graph_result = wrapper.queryType in ("CONSTRUCT", "DESCRIBE")
    if wrapper.queryType not in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
        raise RemoteError("only SELECT, ASK, CONSTRUCT and DESCRIBE queries can be run remotely")
    accept = NTRIPLES if graph_result else SPARQL_JSON
    wrapper.clearCustomHttpHeader("Accept")
    wrapper.addCustomHttpHeader("Accept", accept)
    for key, value in ep.query_params:
        wrapper.addParameter(key, value)
    _apply_auth(wrapper, auth)
    scrub_ep = Endpoint(query=ep.query, auth=auth, timeout=timeout)
    try:
        raw = wrapper.query().response.read()
    except SPARQLWrapperException as err:
        code = {
            "QueryBadFormed": 400,
            "Unauthorized": 401,
            "EndPointNotFound": 404,
            "URITooLong": 414,
            "EndPointInternalError": 500,
        }.get(type(err).__name__, 500)
        raise http_error(code, _wrapper_body(err), "query", ep.query, scrub_ep) from None
    except urllib.error.HTTPError as err:
        raise http_error(err.code, _read_quietly(err), "query", ep.query, scrub_ep) from None
    except TimeoutError:
        raise RemoteError(
            f"query on {redact(ep.query)} gave no answer within {timeout:g} s (the query timeout)"
        ) from None
    except urllib.error.URLError as err:
        if isinstance(err.reason, TimeoutError):
            raise RemoteError(
                f"query on {redact(ep.query)} gave no answer within {timeout:g} s "
                "(the query timeout)"
            ) from None
        raise unreachable(ep.query, err.reason, scrub_ep) from None
    except OSError as err:
        raise unreachable(ep.query, err, scrub_ep) from None
    try:
        if graph_result:
            return iter([q.triple for q in ox.parse(raw, format=ox.RdfFormat.N_TRIPLES)])
        # Parsing is lazy: read everything once so a reply cut by the store's own timeout
        # (Oxigraph appends its error text to a started stream) fails here, readably.
        parsed = ox.parse_query_results(raw, ox.QueryResultsFormat.JSON)
        if isinstance(parsed, ox.QuerySolutions):
            for _ in parsed:
                pass
        return ox.parse_query_results(raw, ox.QueryResultsFormat.JSON)
    except SyntaxError as err:
        raise RemoteError(f"{redact(ep.query)} sent results kg cannot read: {err}") from None


def remote_runner(
    endpoint: Endpoint, timeout: float = DEFAULT_TIMEOUT, limit: int | None = None
) -> Callable[[str, dict[str, Any] | None], Any]:
    """A ``kg.queries`` Runner over a remote store: same safety check, same Result shape.

    Parameters arrive as pyoxigraph terms and go into the text only through ``bind_values``.
    """
    from kg.results import collect
    from kg.safety import check_query

    def run(text: str, substitutions: dict[str, Any] | None = None) -> Any:
        check_query(text)
        bound = bind_values(text, substitutions or {})
        return collect(run_remote_query(endpoint, bound, timeout), limit)

    return run


def _wrapper_body(err: Exception) -> bytes:
    """The store's reply SPARQLWrapper kept only inside its message (as a bytes repr)."""
    _, sep, tail = str(err).partition("\n\nResponse:\n")
    if not sep:
        return b""
    try:
        body = ast.literal_eval(tail)
    except (ValueError, SyntaxError):
        return tail.encode("utf-8", "replace")
    return body if isinstance(body, bytes) else str(body).encode("utf-8", "replace")


def _apply_auth(wrapper: object, auth: Auth | None) -> None:
    from SPARQLWrapper import BASIC, DIGEST

    if auth is None:
        return
    if auth.token:
        wrapper.addCustomHttpHeader("Authorization", "Bearer " + auth.token)  # type: ignore[attr-defined]
    elif auth.user is not None:
        wrapper.setHTTPAuth(DIGEST if auth.scheme == "digest" else BASIC)  # type: ignore[attr-defined]
        wrapper.setCredentials(auth.user, auth.password or "")  # type: ignore[attr-defined]


def bind_values(query_text: str, bindings: dict[str, object]) -> str:
    """The query with each parameter written in as an RDF term (see kg.remote_bind)."""
    try:
        return remote_bind.bind_values(query_text, bindings)
    except remote_bind.BindError as err:
        raise RemoteError(str(err)) from None


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
        url = _with_params(endpoint.store, [("graph", graph)])
        body = _Http(endpoint).request("GET", url, accept=NTRIPLES, ok_missing=True)
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
        self.http = _Http(endpoint)
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
            url = _with_params(self.endpoint.store, self.endpoint.store_params)
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
            url = _with_params(self.endpoint.store or "", [("graph", graph)])
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
            url = _with_params(self.endpoint.store or "", params)
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
