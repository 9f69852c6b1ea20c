"""`kg serve` against a live server on a free loopback port: protocol, formats, safety."""

from __future__ import annotations

import http.server
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
import rdflib
from _kgserver import free_port, live_server
from click.testing import CliRunner
from selectolax.lexbor import LexborHTMLParser as HTMLParser
from SPARQLWrapper import CSV, JSON, JSONLD, N3, TSV, TURTLE, XML, SPARQLWrapper

from kg.cli import main
from kg.queries import bind_params, load_library, store_runner
from kg.remote import bind_values

pytestmark = pytest.mark.server
ID = "https://kg.invalid/id/"
LIMIT = 1000
COUNTRIES = "SELECT ?c ?iso WHERE { ?c a kg:Country ; kg:iso3166Alpha2 ?iso } ORDER BY ?iso"
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture(scope="module")
def base(seed_build):
    with live_server(seed_build / "store", workers=2, timeout=3.0, limit=LIMIT) as url:
        yield url


@pytest.fixture(scope="module")
def client(base):
    with httpx.Client(base_url=base, timeout=30) as c:
        yield c


def normalised(bindings: list[dict]) -> list[str]:
    out = []
    for row in bindings:
        fixed = {
            k: {**v, "value": "; ".join(sorted(v["value"].split("; ")))} for k, v in row.items()
        }
        out.append(json.dumps(fixed, sort_keys=True))
    return sorted(out)


# ---------------------------------------------------------------- SPARQLWrapper, every format


def wrapper(base: str, query: str, fmt: str, method: str = "GET") -> SPARQLWrapper:
    sw = SPARQLWrapper(base + "/sparql")
    sw.setQuery(query)
    sw.setReturnFormat(fmt)
    sw.setMethod(method)
    return sw


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sparqlwrapper_select_in_every_format(base, seed_store, method) -> None:
    query = "PREFIX kg: <https://kg.invalid/ns#>\n" + COUNTRIES
    expected = [
        row["iso"].value for row in seed_store.query(query, use_default_graph_as_union=True)
    ]
    data = wrapper(base, query, JSON, method).query().convert()
    assert [b["iso"]["value"] for b in data["results"]["bindings"]] == expected
    doc = wrapper(base, query, XML, method).query().convert()
    literals = [n.firstChild.data for n in doc.getElementsByTagName("literal")]
    assert literals == expected
    csv_text = wrapper(base, query, CSV, method).query().convert().decode()
    assert csv_text.splitlines()[0] == "c,iso" and len(csv_text.splitlines()) == len(expected) + 1
    tsv_text = wrapper(base, query, TSV, method).query().convert().decode()
    assert tsv_text.splitlines()[0] == "?c\t?iso"
    assert [line.split("\t")[1] for line in tsv_text.splitlines()[1:]] == [
        f'"{iso}"' for iso in expected
    ]


def test_sparqlwrapper_ask(base) -> None:
    yes = "ASK { <https://kg.invalid/id/kyrgyzstan> ?p ?o }"
    no = "ASK { <https://kg.invalid/id/atlantis> ?p ?o }"
    assert wrapper(base, yes, JSON).query().convert()["boolean"] is True
    assert wrapper(base, no, JSON).query().convert()["boolean"] is False
    doc = wrapper(base, yes, XML).query().convert()
    assert doc.getElementsByTagName("boolean")[0].firstChild.data == "true"


@pytest.mark.parametrize("fmt", [TURTLE, N3, XML, JSONLD])
def test_sparqlwrapper_construct_and_describe(base, seed_store, fmt) -> None:
    query = "CONSTRUCT { ?c ?p ?o } WHERE { ?c a <https://kg.invalid/ns#Country> ; ?p ?o }"
    expected = len(list(seed_store.query(query, use_default_graph_as_union=True)))
    result = wrapper(base, query, fmt).query().convert()
    if isinstance(result, bytes):
        graph = rdflib.Graph().parse(data=result, format="turtle")
    else:
        graph = result
    assert len(graph) == expected
    described = wrapper(base, f"DESCRIBE <{ID}kyrgyzstan>", TURTLE).query().convert()
    graph = rdflib.Graph().parse(data=described, format="turtle")
    assert (rdflib.URIRef(ID + "kyrgyzstan"), None, None) in graph


# ---------------------------------------------------------------- one answer, three routes


def test_every_named_query_same_answer_from_cli_api_and_endpoint(
    base, client, seed_build, seed_store
) -> None:
    library = load_library()
    run = store_runner(seed_store)
    cli = CliRunner()
    for q in library.values():
        args = q.example_args()
        flags = [x for key, value in args.items() for x in ("-p", key, value)]
        out = cli.invoke(
            main, ["query", q.name, *flags, "-f", "json", "--store", str(seed_build / "store")]
        )
        assert out.exit_code == 0, out.output
        from_cli = json.loads(out.output)["results"]["bindings"]
        response = client.get(f"/queries/{q.name}", params=args)
        assert response.status_code == 200, response.text
        from_api = response.json()["results"]["bindings"]
        text = bind_values(q.text, bind_params(run, q, args))
        response = client.post("/sparql", data={"query": text})
        assert response.status_code == 200, response.text
        from_endpoint = response.json()["results"]["bindings"]
        assert from_cli, q.name
        assert normalised(from_cli) == normalised(from_api) == normalised(from_endpoint), q.name


def test_named_query_as_csv_by_negotiation(client) -> None:
    response = client.get(
        "/queries/countries-at-event",
        params={"event": "almaty-workshop-2011"},
        headers={"Accept": "text/csv"},
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert len(response.text.strip().splitlines()) == 13


# ---------------------------------------------------------------- safety


@pytest.mark.parametrize(
    "payload", ['x" || "1"="1', 'a" . ?s ?p ?o } #', "x' || '1'='1", 'a\\" . ?s ?p ?o } #']
)
def test_injection_payloads_are_inert(client, payload) -> None:
    response = client.get("/queries/search", params={"text": payload})
    assert response.status_code == 200
    assert response.json()["results"]["bindings"] == []
    response = client.get("/queries/countries-at-event", params={"event": payload})
    assert response.status_code == 400 and "no entity" in response.text


def test_iri_with_angle_bracket_is_refused(client) -> None:
    response = client.get(
        "/queries/countries-at-event", params={"event": "https://kg.invalid/id/x> . ?s ?p ?o"}
    )
    assert response.status_code == 400 and "not a valid IRI" in response.text


class _Canary(http.server.BaseHTTPRequestHandler):
    hits = 0

    def do_GET(self) -> None:
        type(self).hits += 1
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.end_headers()
        self.wfile.write(b'{"head":{"vars":[]},"results":{"bindings":[{}]}}')

    do_POST = do_GET

    def log_message(self, *args) -> None:
        pass


@pytest.fixture()
def canary():
    port = free_port()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), _Canary)
    _Canary.hits = 0
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}/sparql"
    server.shutdown()


def test_service_and_remote_datasets_never_reach_the_canary(client, canary) -> None:
    attempts = [
        ("GET", {"query": f"SELECT * WHERE {{ SERVICE <{canary}> {{ ?s ?p ?o }} }}"}),
        ("POST", {"query": f"SELECT * WHERE {{ SERVICE SILENT <{canary}> {{ ?s ?p ?o }} }}"}),
        ("GET", {"query": f"ASK {{ FILTER EXISTS {{ SERVICE <{canary}> {{ ?s ?p ?o }} }} }}"}),
        ("GET", {"query": f"SELECT * FROM <{canary}> WHERE {{ ?s ?p ?o }}"}),
        ("GET", {"query": f"SELECT * FROM NAMED <{canary}> WHERE {{ ?s ?p ?o }}"}),
        ("GET", {"query": "SELECT * WHERE { ?s ?p ?o }", "default-graph-uri": canary}),
        ("GET", {"query": "SELECT * WHERE { ?s ?p ?o }", "named-graph-uri": canary}),
        ("POST", {"update": f"LOAD <{canary}>"}),
    ]
    for method, params in attempts:
        if method == "GET":
            response = client.get("/sparql", params=params)
        else:
            response = client.post("/sparql", data=params)
        assert response.status_code in (400, 403), (params, response.text)
    response = client.post(
        "/sparql",
        content=f"SELECT * WHERE {{ SERVICE <{canary}> {{ ?s ?p ?o }} }}".encode(),
        headers={"Content-Type": "application/sparql-query"},
    )
    assert response.status_code == 403
    time.sleep(0.2)
    assert _Canary.hits == 0
    httpx.get(canary)  # the canary itself counts: a hit would have been seen
    assert _Canary.hits == 1


def count_triples(client) -> str:
    response = client.get("/sparql", params={"query": "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"})
    return response.json()["results"]["bindings"][0]["n"]["value"]


def test_updates_are_refused_and_change_nothing(client) -> None:
    before = count_triples(client)
    updates = [
        "INSERT DATA { <http://a.test/s> <http://a.test/p> <http://a.test/o> }",
        "DELETE WHERE { ?s ?p ?o }",
        "CLEAR ALL",
        "LOAD <http://127.0.0.1:9/x.ttl>",
    ]
    for update in updates:
        assert client.get("/sparql", params={"query": update}).status_code == 403
        assert client.post("/sparql", data={"update": update}).status_code == 403
        response = client.post(
            "/sparql", content=update, headers={"Content-Type": "application/sparql-update"}
        )
        assert response.status_code == 403 and "read-only" in response.text
    assert client.post("/update", data={"update": updates[0]}).status_code in (404, 405)
    assert count_triples(client) == before


def test_runaway_query_is_stopped_while_others_are_served(client, base) -> None:
    with ThreadPoolExecutor(1) as pool:
        started = time.monotonic()
        runaway = pool.submit(httpx.get, base + "/sparql", params={"query": CARTESIAN}, timeout=60)
        time.sleep(0.5)
        t0 = time.monotonic()
        ask = client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"})
        ask_seconds = time.monotonic() - t0
        response = runaway.result()
        stopped_after = time.monotonic() - started
    assert ask.status_code == 200 and ask.json()["boolean"] is True
    assert ask_seconds < 1.0
    assert response.status_code == 503 and "budget" in response.text
    assert 2.9 < stopped_after < 8
    # the pool recovers: a query after the kill is answered
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if client.get("/health").status_code == 200:
            break
    assert client.get("/sparql", params={"query": "ASK {}"}).status_code == 200


def test_results_are_capped_and_say_so(client) -> None:
    response = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert response.status_code == 200
    data = response.json()
    assert len(data["results"]["bindings"]) == LIMIT
    assert data["truncated"] is True
    assert response.headers["X-KG-Truncated"] == "true"
    response = client.get(
        "/sparql",
        params={"query": COUNTRIES},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert "X-KG-Truncated" not in response.headers and "truncated" not in response.json()


# ---------------------------------------------------------------- protocol errors


def test_protocol_errors_are_4xx_with_a_message(client) -> None:
    cases = [
        (client.get("/sparql"), 400, "missing"),
        (client.get("/sparql?query=ASK%7B%7D&query=ASK%7B%7D"), 400, "exactly one"),
        (
            client.post("/sparql", content=b"ASK {}", headers={"Content-Type": "text/plain"}),
            415,
            "application/sparql-query",
        ),
        (
            client.post(
                "/sparql",
                content=b"ASK { \xff\xfe }",
                headers={"Content-Type": "application/sparql-query"},
            ),
            400,
            "UTF-8",
        ),
        (
            client.post(
                "/sparql",
                content=b"query=ASK%20%7B%FF%7D",
                headers={"Content-Type": "application/x-www-form-urlencoded"},
            ),
            400,
            "cannot be decoded",
        ),
        (client.get("/sparql", params={"query": "SELECT * WHERE {\n ?s ?p }"}), 400, "line 2"),
        (
            client.get("/sparql", params={"query": "ASK {}"}, headers={"Accept": "image/png"}),
            406,
            "supported",
        ),
        (
            client.post(
                "/sparql",
                content=b"query=" + b"x" * (2 << 20),
                headers={"Content-Type": "application/x-www-form-urlencoded"},
            ),
            413,
            "larger than",
        ),
        (client.get("/queries/nope"), 404, "no named query"),
        (client.get("/queries/timeline", params={"from": "x"}), 400, "not a year"),
        (
            client.get("/queries/timeline", params={"from": "2011", "color": "red"}),
            400,
            "unknown parameter",
        ),
        (client.get("/entity/no-such-thing"), 404, "no entity"),
        (client.get("/entity/..%2F..%2Fetc"), 404, ""),
    ]
    for response, status, needle in cases:
        assert response.status_code == status, (response.request.url, response.text)
        assert needle in response.text
        assert "Traceback" not in response.text


def test_cors_without_credentials(client) -> None:
    response = client.get(
        "/sparql", params={"query": "ASK {}"}, headers={"Origin": "https://elsewhere.test"}
    )
    assert response.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in response.headers
    preflight = client.options(
        "/sparql",
        headers={
            "Origin": "https://elsewhere.test",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert preflight.status_code == 200
    assert "access-control-allow-credentials" not in preflight.headers


# ---------------------------------------------------------------- entity pages and the API


def test_entity_page_and_its_rdf(client) -> None:
    page = client.get("/entity/osce-pob")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "OSCE Programme Office in Bishkek" in page.text
    assert "The OSCE Centre in Bishkek hosted a co-ordination meeting" in page.text  # evidence
    assert "Acting Head" in page.text  # a post
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff"
    turtle = client.get("/entity/osce-pob", headers={"Accept": "text/turtle"})
    assert turtle.headers["content-type"].startswith("text/turtle")
    graph = rdflib.Graph().parse(data=turtle.text, format="turtle")
    label = graph.value(rdflib.URIRef(ID + "osce-pob"), rdflib.RDFS.label)
    assert str(label) == "OSCE Programme Office in Bishkek"
    jsonld = client.get("/entity/osce-pob", headers={"Accept": "application/ld+json"})
    assert jsonld.headers["content-type"].startswith("application/ld+json")
    assert len(rdflib.Graph().parse(data=jsonld.text, format="json-ld")) == len(graph)
    nt = client.get("/entity/osce-pob?format=ntriples")
    assert len(nt.text.strip().splitlines()) == len(graph)


def test_event_page_lists_countries_and_organisers(client) -> None:
    page = client.get("/entity/almaty-workshop-2011").text
    for country in ("Azerbaijan", "Thailand", "United Arab Emirates", "Uzbekistan"):
        assert country in page
    assert "OSCE Centre in Astana" in page


def test_health_queries_and_openapi(client) -> None:
    health = client.get("/health").json()
    assert health["status"] == "ok" and health["nonEmpty"] is True
    names = {q["name"] for q in client.get("/queries").json()["queries"]}
    assert len(names) >= 15
    spec = client.get("/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    for name in names:
        assert f"/queries/{name}" in spec["paths"]
    params = spec["paths"]["/queries/countries-at-event"]["get"]["parameters"]
    assert params[0]["name"] == "event" and params[0]["required"] is True


def test_a_lost_worker_is_503_and_replaced(seed_build) -> None:
    """A worker killed mid-query (out of memory, say) fails that query only."""
    import os
    import signal

    from kg.pool import QueryPool, WorkerLost

    pool = QueryPool(seed_build / "store", workers=1, timeout=20)
    try:
        [worker] = list(pool._live)
        with ThreadPoolExecutor(1) as ex:
            future = ex.submit(pool.run, CARTESIAN, None, limit=10)
            time.sleep(0.5)
            os.kill(worker.process.pid, signal.SIGKILL)
            with pytest.raises(WorkerLost):
                future.result()
        assert pool.run("ASK { ?s ?p ?o }", limit=10).boolean is True
    finally:
        pool.close()


def test_every_entity_has_a_page_with_its_name(client, seed_store) -> None:
    rows = seed_store.query(
        "SELECT ?e ?l WHERE { ?e <http://www.w3.org/2000/01/rdf-schema#label> ?l "
        "FILTER(STRSTARTS(STR(?e), 'https://kg.invalid/id/')) }",
        use_default_graph_as_union=True,
    )
    entities = {row["e"].value.removeprefix(ID): row["l"].value for row in rows}
    assert len(entities) > 100
    for eid, label in entities.items():
        page = client.get(f"/entity/{eid}")
        assert page.status_code == 200, eid
        assert HTMLParser(page.text).css_first("h1").text() == label, eid
