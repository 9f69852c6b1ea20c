"""kg push and remote queries against a real Oxigraph server on a free loopback port."""

from __future__ import annotations

import base64
import threading
import urllib.request
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from oxigraph_server import OxigraphServer

from kg import remote, remote_push
from kg.build import build_project
from kg.cli import main
from kg.remote import Auth, Endpoint, RemoteError
from kg.results import collect
from kg.store import open_store

pytestmark = pytest.mark.server

KG = "https://kg.invalid/ns#"
PREFIXES = f"""PREFIX kg: <{KG}>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX oa: <http://www.w3.org/ns/oa#>
"""


@pytest.fixture
def oxigraph(tmp_path: Path) -> Iterator[OxigraphServer]:
    """A fresh Oxigraph server on its own directory, stopped after the test."""
    server = OxigraphServer(tmp_path / "oxigraph").start()
    yield server
    server.stop()


def remote_counts(ep: Endpoint) -> dict[str, int]:
    return remote_push.remote_graph_counts(ep)


def graph_triples(store: ox.Store, graph: str) -> set[ox.Triple]:
    return {q.triple for q in store.quads_for_pattern(None, None, None, ox.NamedNode(graph))}


def same_graph(a: set[ox.Triple], b: set[ox.Triple]) -> bool:
    """Equal up to blank node names."""
    return remote_push.triple_diff(a, b) == (0, 0)


def synthetic_store(graphs: int, triples_per_graph: int) -> ox.Store:
    """An in-memory dataset shaped like ours: one named graph per article."""
    store = ox.Store()
    quads = []
    for g in range(graphs):
        graph = ox.NamedNode(f"{remote_push.GRAPH_PREFIX}synthetic-{g:03d}")
        for i in range(triples_per_graph):
            subject = ox.NamedNode(f"https://kg.invalid/id/e{g}-{i // 10}")
            predicate = ox.NamedNode(f"{KG}p{i % 10}")
            quads.append(ox.Quad(subject, predicate, ox.Literal(f"value {g}/{i}"), graph))
    store.bulk_extend(quads)
    return store


# --- push -----------------------------------------------------------------------------------


def test_push_seed_graph_puts_every_article_graph_in_the_store(
    oxigraph: OxigraphServer, seed_store: ox.Store
) -> None:
    ep = oxigraph.endpoint()
    report = remote_push.push(ep, seed_store)
    local = remote_push.local_counts(seed_store)
    assert remote_counts(ep) == local
    assert report.graphs == len(local) >= 7  # five articles, the registry, the ontology
    assert report.triples == sum(local.values())
    assert report.protocol == "update"  # small graphs go many to one SPARQL Update request
    assert report.requests == 1


def test_pushing_twice_gives_the_same_triple_counts_and_nothing_to_change(
    oxigraph: OxigraphServer, seed_store: ox.Store
) -> None:
    ep = oxigraph.endpoint()
    remote_push.push(ep, seed_store)
    first = remote_counts(ep)
    remote_push.push(ep, seed_store)
    assert remote_counts(ep) == first == remote_push.local_counts(seed_store)
    plan = remote_push.plan_push(ep, seed_store)
    assert {p.action for p in plan} == {"unchanged"}


def test_an_edited_article_leaves_no_stale_triples(
    oxigraph: OxigraphServer, make_project: Callable[..., Path], tmp_path: Path
) -> None:
    from conftest import MINI_CURATION

    root = make_project()
    build_project(root, tmp_path / "b1")
    ep = oxigraph.endpoint()
    before = open_store(tmp_path / "b1" / "store")
    remote_push.push(ep, before)
    graph = f"{remote_push.GRAPH_PREFIX}001_mini"
    assert same_graph(remote_push.remote_triples(ep, graph), graph_triples(before, graph))

    # The curator removes the heldIn fact; the re-pushed graph must lose it.
    edited = MINI_CURATION.replace(
        "  - s: roundtable-2015\n    p: heldIn\n    o: bishkek\n"
        "    evidence: a roundtable in Bishkek\n",
        "",
    )
    assert edited != MINI_CURATION
    root = make_project(curation=edited)
    build_project(root, tmp_path / "b2")
    after = open_store(tmp_path / "b2" / "store")
    plan = {p.graph: p for p in remote_push.plan_push(ep, after)}
    assert plan[graph].action == "replace"
    assert plan[graph].removed and plan[graph].removed > 0
    remote_push.push(ep, after)
    assert same_graph(remote_push.remote_triples(ep, graph), graph_triples(after, graph))
    assert remote_counts(ep) == remote_push.local_counts(after)
    ask = PREFIXES + "ASK { ?e kg:heldIn ?place }"
    assert not bool(remote.run_remote_query(ep, ask))
    assert bool(remote.run_remote_query(oxigraph.endpoint(), PREFIXES + "ASK { ?s kg:hosted ?e }"))


def test_chunked_push_sends_bounded_requests_and_loads_everything(
    oxigraph: OxigraphServer,
) -> None:
    store = synthetic_store(graphs=3, triples_per_graph=1_000)
    ep = oxigraph.endpoint()
    seen: list[int] = []
    report = remote_push.push(ep, store, chunk_size=300, progress=seen.append)
    assert report.requests == 3 * 4  # 300 + 300 + 300 + 100 per graph
    assert max(seen) <= 300 and sum(seen) == 3_000
    assert remote_counts(ep) == remote_push.local_counts(store)
    # A second push replaces (PUT of the first chunk) rather than appending.
    remote_push.push(ep, store, chunk_size=300)
    assert remote_counts(ep) == remote_push.local_counts(store)


def test_bulk_mode_replaces_graphs_too(oxigraph: OxigraphServer) -> None:
    store = synthetic_store(graphs=2, triples_per_graph=500)
    ep = oxigraph.endpoint(bulk=True)
    remote_push.push(ep, store, chunk_size=200)
    remote_push.push(ep, store, chunk_size=200)
    assert remote_counts(ep) == remote_push.local_counts(store)


def test_graph_store_protocol_alone_pushes_graph_by_graph(
    oxigraph: OxigraphServer, seed_store: ox.Store
) -> None:
    ep = Endpoint(query=oxigraph.base + "/query", store=oxigraph.base + "/store")
    report = remote_push.push(ep, seed_store)
    assert (report.protocol, report.requests) == ("gsp", len(remote_push.local_graphs(seed_store)))
    for graph in remote_push.local_graphs(seed_store):
        assert same_graph(remote_push.remote_triples(ep, graph), graph_triples(seed_store, graph))


def test_bulk_mode_batches_small_graphs_as_nquads(
    oxigraph: OxigraphServer, seed_store: ox.Store
) -> None:
    ep = oxigraph.endpoint(bulk=True)
    for _ in range(2):
        report = remote_push.push(ep, seed_store)
        assert (report.protocol, report.requests) == ("gsp", 2)  # DROPs, then one N-Quads POST
    for graph in remote_push.local_graphs(seed_store):
        assert same_graph(remote_push.remote_triples(ep, graph), graph_triples(seed_store, graph))


def test_sparql_update_fallback_loads_the_same_graph(
    oxigraph: OxigraphServer, seed_store: ox.Store
) -> None:
    ep = Endpoint(
        query=oxigraph.base + "/query",
        update=oxigraph.base + "/update",
        query_params=(("union-default-graph", ""),),
    )
    report = remote_push.push(ep, seed_store, chunk_size=400)
    assert report.protocol == "update"
    for graph in remote_push.local_graphs(seed_store):
        assert same_graph(remote_push.remote_triples(ep, graph), graph_triples(seed_store, graph))
    assert {p.action for p in remote_push.plan_push(ep, seed_store)} == {"unchanged"}


def test_graph_store_404_falls_back_to_sparql_update(
    oxigraph: OxigraphServer, seed_store: ox.Store
) -> None:
    ep = Endpoint(
        query=oxigraph.base + "/query",
        update=oxigraph.base + "/update",
        store=oxigraph.base + "/no-graph-store-here",
    )
    report = remote_push.push(ep, seed_store)
    assert report.protocol == "update"
    assert remote_counts(ep) == remote_push.local_counts(seed_store)


def test_dry_run_says_what_would_change_and_writes_nothing(
    oxigraph: OxigraphServer, seed_store: ox.Store, seed_build: Path
) -> None:
    ep = oxigraph.endpoint()
    stale = ox.NamedNode(remote_push.GRAPH_PREFIX + "999_removed_article")
    other = ox.NamedNode("http://example.org/not-ours")
    loose = synthetic_store(1, 5)
    for graph in (stale, other):
        body = loose.dump(
            format=ox.RdfFormat.N_TRIPLES,
            from_graph=ox.NamedNode(remote_push.local_graphs(loose)[0]),
        )
        request = urllib.request.Request(
            f"{oxigraph.base}/store?graph={graph.value}",
            data=body,
            method="PUT",
            headers={"Content-Type": "application/n-triples"},
        )
        urllib.request.urlopen(request, timeout=10).read()
    result = CliRunner().invoke(
        main,
        [
            "push",
            "--endpoint",
            oxigraph.base,
            "--store-kind",
            "oxigraph",
            "--dry-run",
            "--from",
            str(seed_build / "store"),
        ],
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    creates = [line for line in lines if line.startswith("create")]
    assert len(creates) == len(remote_push.local_graphs(seed_store))
    assert any(line.startswith("stale") and stale.value in line for line in lines)
    assert not any(other.value in line for line in lines)  # other projects' graphs are not ours
    assert "nothing was written" in result.output
    assert set(remote_counts(ep)) == {stale.value}


def test_prune_deletes_only_stale_kg_graphs(oxigraph: OxigraphServer) -> None:
    old = synthetic_store(3, 10)
    ep = oxigraph.endpoint()
    remote_push.push(ep, old)
    new = synthetic_store(2, 10)
    report = remote_push.push(ep, new)
    assert report.stale == [f"{remote_push.GRAPH_PREFIX}synthetic-002"]
    assert len(remote_counts(ep)) == 3  # kept without --prune
    report = remote_push.push(ep, new, prune=True)
    assert report.deleted == [f"{remote_push.GRAPH_PREFIX}synthetic-002"]
    assert remote_counts(ep) == remote_push.local_counts(new)


def test_changed_only_leaves_identical_graphs_alone(oxigraph: OxigraphServer) -> None:
    store = synthetic_store(3, 20)
    ep = oxigraph.endpoint()
    remote_push.push(ep, store)
    report = remote_push.push(ep, store, changed_only=True)
    assert (report.graphs, report.skipped, report.requests) == (0, 3, 0)


def test_server_stopped_mid_push_gives_a_clear_error_and_the_next_push_repairs(
    oxigraph: OxigraphServer,
) -> None:
    store = synthetic_store(graphs=6, triples_per_graph=1_000)
    ep = oxigraph.endpoint()
    pushed: list[int] = []

    def kill_after_two_chunks(n: int) -> None:
        pushed.append(n)
        if len(pushed) == 2:
            oxigraph.kill()

    with pytest.raises(RemoteError) as failure:
        remote_push.push(ep, store, chunk_size=400, progress=kill_after_two_chunks)
    message = str(failure.value)
    assert "cannot reach" in message
    assert "push again" in message
    assert "Traceback" not in message

    oxigraph.start()  # same data directory, new port
    ep = oxigraph.endpoint()
    partial = remote_counts(ep)
    assert partial != remote_push.local_counts(
        store
    )  # the interrupted push really stopped part-way
    remote_push.push(ep, store, chunk_size=400)
    assert remote_counts(ep) == remote_push.local_counts(store)
    for graph in remote_push.local_graphs(store):
        assert same_graph(remote_push.remote_triples(ep, graph), graph_triples(store, graph))


def test_server_stopped_during_batched_push_is_repaired_by_the_next_push(
    oxigraph: OxigraphServer,
) -> None:
    store = synthetic_store(graphs=40, triples_per_graph=50)  # small graphs: batched updates
    ep = oxigraph.endpoint()
    batches: list[int] = []

    def kill_after_first_batch(n: int) -> None:
        batches.append(n)
        if len(batches) == 1:
            oxigraph.kill()

    with pytest.raises(RemoteError) as failure:
        remote_push.push(ep, store, chunk_size=300, progress=kill_after_first_batch)
    assert "cannot reach" in str(failure.value) and "push again" in str(failure.value)
    assert batches == [300]  # one batch of six graphs landed before the server went away

    oxigraph.start()
    ep = oxigraph.endpoint()
    assert sum(remote_counts(ep).values()) < 2_000
    report = remote_push.push(ep, store, chunk_size=300)
    assert report.graphs == 40
    assert remote_counts(ep) == remote_push.local_counts(store)


# --- remote queries -------------------------------------------------------------------------

QUERIES = {
    "events with places and dates": """
        SELECT ?event ?label ?place ?date WHERE {
          ?event a kg:Event ; rdfs:label ?label .
          OPTIONAL { ?event kg:heldIn ?place }
          OPTIONAL { ?event kg:startDate ?date }
        } ORDER BY ?date ?event ?place""",
    "co-participation counts": """
        SELECT ?a ?b (COUNT(DISTINCT ?e) AS ?n) WHERE {
          ?a kg:participatedIn ?e . ?b kg:participatedIn ?e . FILTER(STR(?a) < STR(?b))
        } GROUP BY ?a ?b ORDER BY DESC(?n) ?a ?b""",
    "facts with their evidence per graph": """
        SELECT ?g ?s ?p ?o ?quote WHERE {
          GRAPH ?g { ?x a kg:Assertion ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ;
                        kg:evidence/oa:hasSelector/oa:exact ?quote }
        } ORDER BY ?g ?s ?p ?o ?quote""",
    "quotations": """
        SELECT ?speaker ?event (STRLEN(?text) AS ?len) WHERE {
          ?q a kg:Quotation ; kg:speaker ?speaker .
          OPTIONAL { ?q kg:saidAt ?event }
          OPTIONAL { ?q kg:evidence/oa:hasSelector/oa:exact ?text }
        } ORDER BY ?speaker ?event ?len""",
    "countries": """
        SELECT ?c ?iso (LANG(?label) AS ?lang) WHERE {
          ?c a kg:Country ; kg:iso3166Alpha2 ?iso ; rdfs:label ?label } ORDER BY ?iso ?c""",
    "is any event hosted": "ASK { ?org kg:hosted ?event }",
}


def rows(result: object) -> list[tuple[object, ...]] | bool | list[ox.Triple]:
    """Query results as comparable Python values."""
    if isinstance(result, ox.QueryBoolean):
        return bool(result)
    if isinstance(result, ox.QuerySolutions):
        names = [v.value for v in result.variables]
        return [tuple(row[name] for name in names) for row in result]
    return sorted(result, key=str)  # type: ignore[call-overload]


@pytest.fixture
def pushed_seed(oxigraph: OxigraphServer, seed_store: ox.Store) -> Endpoint:
    ep = oxigraph.endpoint()
    remote_push.push(ep, seed_store)
    return ep


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_queries_answer_the_same_remote_and_embedded(
    name: str, pushed_seed: Endpoint, seed_store: ox.Store
) -> None:
    text = PREFIXES + "PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>\n" + QUERIES[name]
    embedded = rows(seed_store.query(text, use_default_graph_as_union=True))
    answer = rows(remote.run_remote_query(pushed_seed, text, timeout=10))
    assert answer == embedded
    assert answer  # every query has an answer on the seeds (ASK: true)


def test_construct_answers_the_same_remote_and_embedded(
    pushed_seed: Endpoint, seed_store: ox.Store
) -> None:
    text = PREFIXES + "CONSTRUCT { ?o kg:hosted ?e } WHERE { ?o kg:hosted ?e }"
    embedded = rows(seed_store.query(text, use_default_graph_as_union=True))
    assert rows(remote.run_remote_query(pushed_seed, text, timeout=10)) == embedded
    assert embedded


def test_comment_words_do_not_change_the_form_sent(
    pushed_seed: Endpoint, seed_store: ox.Store
) -> None:
    """SPARQLWrapper read "copy" in the second of two comment lines as a COPY update."""
    text = PREFIXES + "# the hosts\n# counted against a copy; load, add, move or clear nothing\n"
    text += "SELECT ?o WHERE { ?o kg:hosted ?e } ORDER BY ?o"
    embedded = collect(seed_store.query(text, use_default_graph_as_union=True), None).rows
    assert embedded and remote.remote_runner(pushed_seed)(text).rows == embedded


def test_bound_parameters_are_inert_and_equal_to_embedded_substitution(
    pushed_seed: Endpoint, seed_store: ox.Store
) -> None:
    text = PREFIXES + "SELECT ?org ?event WHERE { ?org kg:hosted ?event } ORDER BY ?event"
    hosts = rows(
        seed_store.query(
            PREFIXES + "SELECT DISTINCT ?o WHERE { ?o kg:hosted ?e }",
            use_default_graph_as_union=True,
        )
    )
    assert isinstance(hosts, list) and hosts
    org = hosts[0][0]
    bound = remote.bind_values(text, {"org": org})
    remote_rows = rows(remote.run_remote_query(pushed_seed, bound, timeout=10))
    embedded = rows(
        seed_store.query(
            text, use_default_graph_as_union=True, substitutions={ox.Variable("org"): org}
        )
    )
    assert remote_rows == embedded and remote_rows
    # An injection payload stays one literal: it matches nothing instead of everything.
    for payload in ('x" || "1"="1', 'a" . ?s ?p ?o } #'):
        evil = remote.bind_values(text, {"org": ox.Literal(payload)})
        assert rows(remote.run_remote_query(pushed_seed, evil, timeout=10)) == []


def test_bind_values_refuses_iri_with_angle_bracket_and_bad_names() -> None:
    from rdflib import URIRef

    with pytest.raises(RemoteError, match="not a valid RDF term"):
        remote.bind_values("SELECT * WHERE { ?s ?p ?o }", {"s": URIRef("http://x> } #")})
    with pytest.raises(RemoteError, match="variable name"):
        remote.bind_values("SELECT * WHERE { ?s ?p ?o }", {"s }": ox.Literal("x")})


def test_bind_values_skips_braces_in_strings_comments_and_finds_construct_where() -> None:
    text = 'CONSTRUCT { ?s ?p "}{" } # { not this\nWHERE { ?s ?p ?o FILTER(?o < 3) }'
    bound = remote.bind_values(text, {"s": ox.NamedNode("http://example.org/s")})
    assert bound.index("VALUES") > bound.index("WHERE {")
    assert "VALUES (?s) { (<http://example.org/s>) }" in bound


def test_a_query_past_its_timeout_fails_cleanly(pushed_seed: Endpoint) -> None:
    cartesian = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    with pytest.raises(RemoteError, match=r"no answer within 1 s"):
        remote.run_remote_query(pushed_seed, cartesian, timeout=1)


def test_a_syntax_error_is_reported_with_the_store_message(pushed_seed: Endpoint) -> None:
    with pytest.raises(RemoteError) as failure:
        remote.run_remote_query(pushed_seed, "SELECT * WHERE { ?s ?p }", timeout=5)
    assert "HTTP 400" in str(failure.value)
    assert "store said:" in str(failure.value)


# --- errors, credentials --------------------------------------------------------------------


class _AuthProxy(BaseHTTPRequestHandler):
    """Basic authentication in front of Oxigraph, as an nginx proxy would put it."""

    upstream = ""
    expected = ""
    hits: list[str] = []  # noqa: RUF012

    def _relay(self) -> None:
        self.hits.append(self.headers.get("Authorization", ""))
        if self.headers.get("Authorization") != self.expected:
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="kg"')
            self.send_header("Content-Length", "12")
            self.end_headers()
            self.wfile.write(b"unauthorized")
            return
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {k: v for k, v in self.headers.items() if k in ("Content-Type", "Accept")}
        request = urllib.request.Request(
            self.upstream + self.path, data=body, method=self.command, headers=headers
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status, payload = response.status, response.read()
                kind = response.headers.get("Content-Type", "text/plain")
        except urllib.error.HTTPError as err:
            status, payload, kind = err.code, err.read(), "text/plain"
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_DELETE = _relay

    def log_message(self, *args: object) -> None:
        """Quiet."""


@pytest.fixture
def auth_proxy(oxigraph: OxigraphServer) -> Iterator[str]:
    """Base URL of a loopback proxy requiring Basic user `curator`, password `s3cret-pw`."""
    handler = type("Handler", (_AuthProxy,), {})
    handler.upstream = oxigraph.base
    handler.expected = "Basic " + base64.b64encode(b"curator:s3cret-pw").decode()
    handler.hits = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_push_and_query_through_basic_authentication(auth_proxy: str, seed_store: ox.Store) -> None:
    auth = Auth(user="curator", password="s3cret-pw")
    ep = remote.endpoint_for("oxigraph", auth_proxy, auth=auth)
    remote_push.push(ep, seed_store)
    assert remote_counts(ep) == remote_push.local_counts(seed_store)


def test_credentials_in_the_url_are_used_and_never_shown(
    auth_proxy: str, seed_store: ox.Store
) -> None:
    url = auth_proxy.replace("http://", "http://curator:s3cret-pw@")
    ep = remote.endpoint_for("oxigraph", url)
    assert "s3cret" not in (ep.query or "") + (ep.store or "") + repr(ep)
    remote_push.push(ep, seed_store)
    assert remote_counts(ep) == remote_push.local_counts(seed_store)


def test_wrong_password_is_a_readable_error_that_never_prints_the_password(
    auth_proxy: str, seed_store: ox.Store, seed_build: Path
) -> None:
    result = CliRunner().invoke(
        main,
        [
            "push",
            "--endpoint",
            auth_proxy,
            "--store-kind",
            "oxigraph",
            "--user",
            "curator",
            "--from",
            str(seed_build / "store"),
        ],
        env={"KG_REMOTE_PASSWORD": "wrong-password-123"},
    )
    assert result.exit_code == 1
    assert "HTTP 401" in result.output and "authentication failed" in result.output
    assert "wrong-password-123" not in result.output
    assert "Traceback" not in result.output


def test_unreachable_endpoint_is_a_readable_error(seed_build: Path) -> None:
    from oxigraph_server import free_port

    url = f"http://127.0.0.1:{free_port()}"
    source = ["--from", str(seed_build / "store")]
    result = CliRunner().invoke(
        main, ["push", "--endpoint", url, "--store-kind", "oxigraph", *source]
    )
    assert result.exit_code == 1
    assert "cannot reach" in result.output and "Traceback" not in result.output
    with pytest.raises(RemoteError, match="cannot reach"):
        remote.run_remote_query(url + "/query", "ASK {}", timeout=2)


def test_wrong_graph_store_url_is_a_readable_http_error(
    oxigraph: OxigraphServer, seed_store: ox.Store, seed_build: Path
) -> None:
    result = CliRunner().invoke(
        main,
        [
            "push",
            "--endpoint",
            oxigraph.base + "/query",
            "--graph-store",
            oxigraph.base + "/nope",
            "--from",
            str(seed_build / "store"),
        ],
    )
    assert result.exit_code == 1
    assert "HTTP 404" in result.output and "/nope" in result.output


def test_push_needs_a_way_to_write(oxigraph: OxigraphServer, seed_build: Path) -> None:
    source = ["--from", str(seed_build / "store")]
    result = CliRunner().invoke(main, ["push", "--endpoint", oxigraph.base + "/query", *source])
    assert result.exit_code == 1
    assert "--graph-store or --update-endpoint" in result.output


def test_cli_push_reports_graphs_and_triples(
    oxigraph: OxigraphServer, seed_store: ox.Store, seed_build: Path
) -> None:
    result = CliRunner().invoke(
        main,
        [
            "push",
            "--endpoint",
            oxigraph.base,
            "--store-kind",
            "oxigraph",
            "--quiet",
            "--from",
            str(seed_build / "store"),
        ],
    )
    assert result.exit_code == 0, result.output
    total = sum(remote_push.local_counts(seed_store).values())
    assert f"{total} triples" in result.output
    assert remote_counts(oxigraph.endpoint()) == remote_push.local_counts(seed_store)


def test_endpoint_paths_of_known_stores() -> None:
    fuseki = remote.endpoint_for("fuseki", "http://h:3030/kg/sparql")
    assert (fuseki.query, fuseki.update, fuseki.store) == (
        "http://h:3030/kg/sparql",
        "http://h:3030/kg/update",
        "http://h:3030/kg/data",
    )
    graphdb = remote.endpoint_for("graphdb", "http://h:7200/repositories/kg")
    assert graphdb.update == "http://h:7200/repositories/kg/statements"
    assert graphdb.store == "http://h:7200/repositories/kg/rdf-graphs/service"
    virtuoso = remote.endpoint_for("virtuoso", "http://h:8890/sparql", auth=Auth("dba", "x"))
    assert virtuoso.store == "http://h:8890/sparql-graph-crud-auth"
    assert "x" not in repr(virtuoso.auth)
    with pytest.raises(RemoteError, match="Oxigraph"):
        remote.endpoint_for("fuseki", "http://h:3030/kg", bulk=True)


# --- the named query library, embedded and remote ---------------------------------------------


def _normalised(result: object) -> object:
    """A Result as comparable data: rows as a sorted multiset; GROUP_CONCAT lists sorted.

    SPARQL leaves the order of GROUP_CONCAT undefined and Oxigraph's embedded and server
    stores concatenate in different orders, so "a; b" and "b; a" count as the same answer.
    """
    from kg.results import Result

    assert isinstance(result, Result)
    if result.kind == "ask":
        return result.boolean
    if result.kind == "graph":
        return sorted(result.ntriples.splitlines())

    def cell(term: dict[str, object]) -> tuple[object, ...]:
        value = term.get("value")
        if isinstance(value, str) and "; " in value:
            value = "; ".join(sorted(value.split("; ")))
        return (term.get("type"), value, term.get("datatype"), term.get("xml:lang"))

    rows = [
        tuple(cell(row[v]) if v in row else None for v in result.variables) for row in result.rows
    ]
    return result.variables, sorted(rows, key=repr), result.truncated


def test_every_named_query_answers_the_same_remote_and_embedded(
    pushed_seed: Endpoint, seed_store: ox.Store
) -> None:
    from kg.queries import load_library, run_named, store_runner

    library = load_library()
    assert len(library) >= 15
    local = store_runner(seed_store)
    far = remote.remote_runner(pushed_seed, timeout=10, limit=10_000)
    answered = 0
    for query in library.values():
        args = query.example_args()
        embedded = run_named(local, query, args).result
        remote_answer = run_named(far, query, args).result
        assert _normalised(remote_answer) == _normalised(embedded), query.name
        answered += bool(embedded.rows or embedded.boolean or embedded.ntriples)
    assert answered >= len(library) // 2  # the comparison is not between empty answers


def test_cli_query_endpoint_gives_the_embedded_answer(
    pushed_seed: Endpoint, oxigraph: OxigraphServer, seed_build: Path
) -> None:
    args = ["query", "countries-at-event", "-p", "event", "almaty-workshop-2011", "-f", "csv"]
    embedded = CliRunner().invoke(main, [*args, "--store", str(seed_build / "store")])
    far = CliRunner().invoke(main, [*args, "--endpoint", oxigraph.base, "--store-kind", "oxigraph"])
    assert far.exit_code == 0, far.output
    assert sorted(far.output.splitlines()) == sorted(embedded.output.splitlines())
    assert len(far.output.splitlines()) == 13  # header + the 2011 workshop's twelve countries


def test_cli_query_endpoint_errors_are_readable(
    pushed_seed: Endpoint, oxigraph: OxigraphServer
) -> None:
    from oxigraph_server import free_port

    dead = CliRunner().invoke(
        main, ["query", "--sparql", "ASK {}", "--endpoint", f"http://127.0.0.1:{free_port()}/q"]
    )
    assert dead.exit_code == 1 and "cannot reach" in dead.output
    cartesian = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    where = ["--endpoint", oxigraph.base, "--store-kind", "oxigraph", "--timeout", "1"]
    slow = CliRunner().invoke(main, ["query", "--sparql", cartesian, *where])
    assert slow.exit_code == 1
    assert "no answer within 1 s" in slow.output and "Traceback" not in slow.output


def test_bind_values_substitutes_inside_where_and_falls_back_when_that_would_not_parse() -> None:
    iri = ox.NamedNode("http://example.org/a")
    bound = remote.bind_values("SELECT ?x ?y WHERE { ?x ?p ?y } ORDER BY ?x", {"x": iri})
    assert "<http://example.org/a> ?p ?y" in bound  # substituted in the pattern
    assert bound.startswith("SELECT ?x ?y") and bound.endswith("ORDER BY ?x")  # kept outside
    assert "VALUES (?x) { (<http://example.org/a>) }" in bound
    # ?x as BIND's target cannot become a term: only the VALUES block binds it.
    text = "SELECT ?y WHERE { ?s ?p ?y BIND(?y AS ?x) }"
    assert remote.bind_values(text, {"x": iri}).endswith("?s ?p ?y BIND(?y AS ?x) }")


# --- kg serve --backend ---------------------------------------------------------------------


def _bindings(payload: dict[str, object]) -> list[tuple[object, ...]]:
    """SPARQL JSON results as a sorted list of rows (GROUP_CONCAT lists sorted, see above)."""
    rows = []
    for binding in payload["results"]["bindings"]:  # type: ignore[index]
        row = []
        for name in sorted(binding):
            term = binding[name]
            value = term["value"]
            if isinstance(value, str) and "; " in value:
                value = "; ".join(sorted(value.split("; ")))
            row.append((name, term["type"], value, term.get("datatype"), term.get("xml:lang")))
        rows.append(tuple(row))
    return sorted(rows, key=repr)


def test_serve_backend_answers_like_the_embedded_server(
    pushed_seed: Endpoint, oxigraph: OxigraphServer, seed_build: Path
) -> None:
    import httpx
    from _kgserver import live_server

    from kg.queries import load_library

    store = seed_build / "store"
    json_results = {"Accept": "application/sparql-results+json"}
    with (
        live_server(store) as embedded,
        live_server(store, backend=oxigraph.endpoint()) as far,
    ):
        health = httpx.get(far + "/health", timeout=30).json()
        assert health["store"] == oxigraph.base + "/query" and health["nonEmpty"] is True
        for query in load_library().values():
            path = f"/queries/{query.name}"
            args = query.example_args()
            mine = httpx.get(embedded + path, params=args, headers=json_results, timeout=30)
            theirs = httpx.get(far + path, params=args, headers=json_results, timeout=30)
            assert theirs.status_code == mine.status_code == 200, (query.name, theirs.text)
            assert _bindings(theirs.json()) == _bindings(mine.json()), query.name
        sparql = {"query": PREFIXES + "SELECT ?e ?l WHERE { ?e a kg:Event ; rdfs:label ?l }"}
        mine = httpx.post(embedded + "/sparql", data=sparql, headers=json_results, timeout=30)
        theirs = httpx.post(far + "/sparql", data=sparql, headers=json_results, timeout=30)
        assert _bindings(theirs.json()) == _bindings(mine.json()) != []
        page = httpx.get(far + "/entity/osce-pob", headers={"Accept": "text/html"}, timeout=30)
        assert page.status_code == 200
        assert "OSCE" in page.text


def test_a_remote_page_is_the_embedded_page(pushed_seed: Endpoint, seed_store: ox.Store) -> None:
    """Paging travels in the query text (LIMIT/OFFSET), so a remote store pages the same way."""
    from kg.queries import load_library, run_named, store_runner

    query = load_library()["single-source-facts"]
    local = store_runner(seed_store, limit=None)
    far = remote.remote_runner(pushed_seed, timeout=10, limit=None)
    for offset in (0, 50, 100):
        embedded = run_named(local, query, {}, limit=50, offset=offset).result
        remote_page = run_named(far, query, {}, limit=50, offset=offset).result
        assert remote_page.rows == embedded.rows and embedded.rows, offset
        assert (remote_page.truncated, remote_page.offset) == (embedded.truncated, offset)
    assert embedded.truncated is False  # 140 rows: the third page is the last


@pytest.mark.parametrize("name", ["claims", "officials", "quotations", "timeline", "entity-facts"])
def test_a_listing_paged_in_a_sub_select_pages_the_same_remote(
    name: str, pushed_seed: Endpoint, seed_store: ox.Store
) -> None:
    """The page written at a query's '# PAGE' mark travels in the text like an appended one:
    the remote store's pages are the embedded pages, and together the whole answer."""
    from kg.queries import load_library, run_named, store_runner

    query = load_library()[name]
    args = {p.name: p.example for p in query.params if p.required}
    local = store_runner(seed_store, limit=None)
    far = remote.remote_runner(pushed_seed, timeout=10, limit=None)
    whole = run_named(local, query, args, limit=None).result.rows
    size, offset, pages = max(1, len(whole) // 3), 0, []
    while True:
        embedded = run_named(local, query, args, limit=size, offset=offset).result
        remote_page = run_named(far, query, args, limit=size, offset=offset).result
        assert _normalised(remote_page) == _normalised(embedded), offset
        pages.extend(remote_page.rows)
        offset += len(remote_page.rows)
        if not remote_page.truncated:
            break
    assert len(whole) > size and len(pages) == len(whole)
